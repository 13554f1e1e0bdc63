/* history.c -- entity history: intervals of unchanged state per entity */

/*
 * Copyright (c) 2026 The vantage authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "log.h"
#include "rows.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/*
 * A run's entities are merged, in entity order, with history_last (every
 * entity's latest state): an unchanged entity costs nothing to store; a
 * changed or vanished one closes its interval (a row of history_closed)
 * and rewrites its history_last row.  Window counts come from the same
 * pass: each history_last row carries, per state the entity had before,
 * the last run it had it ("prior"), so "had state S in some run of the
 * window" is a comparison, not a scan of closed intervals.
 */

struct hent {
	int64_t	 he_i;
	char	*he_s;		/* NULL: an integer entity */
	int	 he_len;
	int	 he_state;	/* state_id */
};

/* A (state_id, last seq) pair of a prior blob. */
struct hprior {
	int64_t	 hp_state;
	int64_t	 hp_seq;
};

enum { HC_PUT, HC_DEL };

#define NEW_BATCH	4096	/* new entities inserted at once */

/*
 * A write to history_last, applied after the scan.  A new entity needs
 * none: it is flagged in h_new (a byte, where a change takes 72), which on
 * a first run is every entity.
 */
struct hchange {
	int		 hc_kind;
	struct hent	 hc_copy;	/* owned */
	int64_t		 hc_state;	/* -1: absent */
	int64_t		 hc_since;
	unsigned char	*hc_prior;
	size_t		 hc_priorlen;
};

struct hrun {
	struct store	*h_st;
	int64_t		 h_seq;		/* this run's seq */
	struct hent	*h_ents;
	size_t		 h_nents;
	char		**h_names;	/* by state_id; [0] unused */
	size_t		 h_nnames;	/* max state_id + 1 */
	int		 h_nw;
	char		*h_wname[HISTORY_MAX_WINDOWS];
	int64_t		 h_ws[HISTORY_MAX_WINDOWS];	/* first seq */
	int64_t		 h_oldest;	/* first seq of the longest window */
	int64_t		*h_ever;	/* [w * nnames + state] */
	int64_t		*h_only;
	struct hchange	*h_chg;
	size_t		 h_nchg, h_chgcap;
	unsigned char	*h_new;		/* [entity]: absent from history_last */
	size_t		 h_nnew;
	sqlite3_stmt	*h_closed;
};

int
history_configure(struct store *st, char *const *windows, size_t n)
{
	sqlite3_stmt	*ins;
	int64_t		 ms;
	const char	*why;
	size_t		 i;
	int		 rc = 0;

	if (store_begin(st) == -1)
		return -1;
	if (store_exec(st, "DELETE FROM history_windows") == -1 ||
	    (ins = store_prepare(st, "INSERT OR IGNORE INTO history_windows "
	    "(window, seconds) VALUES (?1, ?2)")) == NULL) {
		store_rollback(st);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (parse_duration(windows[i], &ms, &why) == -1) {
			log_warnx("history: window '%s': %s", windows[i], why);
			rc = -1;
			break;
		}
		sqlite3_bind_text(ins, 1, windows[i], -1, SQLITE_STATIC);
		sqlite3_bind_double(ins, 2, ms / 1000.0);
		rc = store_step_done(st, ins, "history windows");
	}
	sqlite3_finalize(ins);
	if (rc == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

/* ------------------------------------------------------------------ */
/* Prior blobs: varint (state_id, seq) pairs */

static void
put_varint(unsigned char **p, uint64_t v)
{
	while (v >= 0x80) {
		*(*p)++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*(*p)++ = (unsigned char)v;
}

static int
get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int	shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

/* Decode at most max pairs; a damaged blob decodes as far as it is sound. */
static size_t
prior_decode(const void *blob, size_t len, struct hprior *out, size_t max)
{
	const unsigned char *p = blob, *end = p + len;
	uint64_t	 s, q;
	size_t		 n = 0;

	while (p < end && n < max) {
		if (get_varint(&p, end, &s) == -1 ||
		    get_varint(&p, end, &q) == -1)
			break;
		out[n].hp_state = (int64_t)s;
		out[n].hp_seq = (int64_t)q;
		n++;
	}
	return n;
}

/* Set state's last seq to seq; returns the pair count. */
static size_t
prior_set(struct hprior *pr, size_t n, int64_t state, int64_t seq)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (pr[i].hp_state == state) {
			pr[i].hp_seq = seq;
			return n;
		}
	pr[n].hp_state = state;
	pr[n].hp_seq = seq;
	return n + 1;
}

static unsigned char *
prior_encode(const struct hprior *pr, size_t n, size_t *lenp)
{
	unsigned char	*b, *p;
	size_t		 i;

	if (n == 0) {
		*lenp = 0;
		return NULL;
	}
	b = p = xmalloc(n * 20);
	for (i = 0; i < n; i++) {
		put_varint(&p, (uint64_t)pr[i].hp_state);
		put_varint(&p, (uint64_t)pr[i].hp_seq);
	}
	*lenp = p - b;
	return b;
}

/* ------------------------------------------------------------------ */
/* The run's entities */

/* Integers sort before text, text by bytes: SQLite's BINARY order. */
static int
hent_cmp(const struct hent *a, const struct hent *b)
{
	int	c;

	if (a->he_s == NULL && b->he_s == NULL)
		return a->he_i < b->he_i ? -1 : a->he_i > b->he_i;
	if (a->he_s == NULL || b->he_s == NULL)
		return a->he_s == NULL ? -1 : 1;
	c = memcmp(a->he_s, b->he_s, a->he_len < b->he_len ? a->he_len :
	    b->he_len);
	if (c != 0)
		return c;
	return a->he_len - b->he_len;
}

static int
hent_qcmp(const void *a, const void *b)
{
	return hent_cmp(a, b);
}

/*
 * The entity in column col of a row; -1 if it is neither integer nor text.
 * Through one sqlite3_column_value (the value_* calls are cheaper than the
 * column_* ones, each of which checks the statement again): read a million
 * times a run, twice.  Read at once, by the connection's one thread.
 */
static int
hent_from(sqlite3_stmt *stmt, int col, struct hent *e, int copy)
{
	sqlite3_value	*v = sqlite3_column_value(stmt, col);
	const char	*s;

	e->he_s = NULL;
	e->he_len = 0;
	e->he_state = 0;
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		e->he_i = sqlite3_value_int64(v);
		return 0;
	case SQLITE_TEXT:
		e->he_i = 0;
		s = (const char *)sqlite3_value_text(v);
		e->he_len = sqlite3_value_bytes(v);
		if (e->he_len > HISTORY_MAX_ENTITY)
			return -1;
		e->he_s = copy ? xstrndup(s, e->he_len) : (char *)s;
		return 0;
	default:
		return -1;
	}
}

static void
hent_bind(sqlite3_stmt *stmt, int col, const struct hent *e)
{
	if (e->he_s == NULL)
		sqlite3_bind_int64(stmt, col, e->he_i);
	else
		sqlite3_bind_text(stmt, col, e->he_s, e->he_len, SQLITE_STATIC);
}

/* The entity for a message, quoted if text; caller frees. */
static char *
hent_show(const struct hent *e)
{
	char	*s;

	if (e->he_s == NULL)
		xasprintf(&s, "%" PRId64, e->he_i);
	else
		xasprintf(&s, "'%.*s'", e->he_len > 64 ? 64 : e->he_len,
		    e->he_s);
	return s;
}

static int
load_states(struct hrun *h)
{
	sqlite3_stmt	*stmt;
	int64_t		 id;
	int		 rc;

	stmt = store_prepare(h->h_st, "SELECT state_id, name FROM "
	    "history_states ORDER BY state_id");
	if (stmt == NULL)
		return -1;
	h->h_nnames = 1;
	h->h_names = xcalloc(1, sizeof(*h->h_names));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		if (id < 1 || id > HISTORY_MAX_STATES)
			continue;
		if ((size_t)id >= h->h_nnames) {
			h->h_names = xreallocarray(h->h_names, id + 1,
			    sizeof(*h->h_names));
			memset(h->h_names + h->h_nnames, 0, (id + 1 -
			    h->h_nnames) * sizeof(*h->h_names));
			h->h_nnames = id + 1;
		}
		h->h_names[id] = xstrdup((const char *)
		    sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The state_id of name, adding it to history_states when new. */
static int64_t
state_id(struct hrun *h, const char *name, int *last, char **cause)
{
	sqlite3_stmt	*ins;
	int64_t		 id = -1;
	size_t		 i;

	if (*last > 0 && strcmp(h->h_names[*last], name) == 0)
		return *last;
	for (i = 1; i < h->h_nnames; i++)
		if (h->h_names[i] != NULL && strcmp(h->h_names[i], name) == 0) {
			*last = i;
			return i;
		}
	if (h->h_nnames > HISTORY_MAX_STATES) {
		xasprintf(cause, "more than %d distinct states",
		    HISTORY_MAX_STATES);
		return -1;
	}
	ins = store_prepare(h->h_st, "INSERT INTO history_states (name) "
	    "VALUES (?1) RETURNING state_id");
	if (ins == NULL)
		goto fail;
	sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) == SQLITE_ROW)
		id = sqlite3_column_int64(ins, 0);
	if (sqlite3_step(ins) != SQLITE_DONE)
		id = -1;
	sqlite3_finalize(ins);
	if (id < 1 || id > HISTORY_MAX_STATES)
		goto fail;
	if ((size_t)id >= h->h_nnames) {
		h->h_names = xreallocarray(h->h_names, id + 1,
		    sizeof(*h->h_names));
		memset(h->h_names + h->h_nnames, 0, (id + 1 - h->h_nnames) *
		    sizeof(*h->h_names));
		h->h_nnames = id + 1;
	}
	h->h_names[id] = xstrdup(name);
	*last = id;
	return id;
fail:
	xasprintf(cause, "store: %s", store_errmsg(h->h_st));
	return -1;
}

/* Read the run's (entity, state) rows, sorted by entity, each once. */
static int
read_entities(struct hrun *h, sqlite3_stmt *stmt, char **cause)
{
	const char	*name;
	size_t		 cap = 0, i;
	int		 rc, len, last = 0, sorted = 1;
	int64_t		 id;
	char		*show;

	if (sqlite3_column_count(stmt) != 2) {
		xasprintf(cause, "the entity query yields %d columns, not 2 "
		    "(entity, state)", sqlite3_column_count(stmt));
		return -1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (h->h_nents == cap) {
			cap = cap ? cap * 2 : 4096;
			h->h_ents = xreallocarray(h->h_ents, cap,
			    sizeof(*h->h_ents));
		}
		if (hent_from(stmt, 0, &h->h_ents[h->h_nents], 1) == -1) {
			xasprintf(cause, "row %zu: the entity is %s", h->h_nents
			    + 1, sqlite3_column_type(stmt, 0) == SQLITE_TEXT ?
			    "longer than 1024 bytes" : "not an integer or text");
			return -1;
		}
		h->h_nents++;
		name = (const char *)sqlite3_column_text(stmt, 1);
		len = sqlite3_column_bytes(stmt, 1);
		if (name == NULL || len > HISTORY_MAX_STATE || len == 0 ||
		    strlen(name) != (size_t)len) {
			show = hent_show(&h->h_ents[h->h_nents - 1]);
			xasprintf(cause, "entity %s: the state is %s", show,
			    name == NULL ? "NULL" : "empty, longer than 200 "
			    "bytes or holds a NUL");
			free(show);
			return -1;
		}
		if ((id = state_id(h, name, &last, cause)) == -1)
			return -1;
		h->h_ents[h->h_nents - 1].he_state = (int)id;
		if (h->h_nents > 1 && sorted && hent_cmp(&h->h_ents[h->h_nents
		    - 2], &h->h_ents[h->h_nents - 1]) >= 0)
			sorted = 0;
	}
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s", store_errmsg(h->h_st));
		return -1;
	}
	if (!sorted && h->h_nents > 1)
		qsort(h->h_ents, h->h_nents, sizeof(*h->h_ents), hent_qcmp);
	for (i = 1; i < h->h_nents; i++)
		if (hent_cmp(&h->h_ents[i - 1], &h->h_ents[i]) == 0) {
			show = hent_show(&h->h_ents[i]);
			xasprintf(cause, "entity %s appears twice", show);
			free(show);
			return -1;
		}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The merge */

static struct hchange *
change_add(struct hrun *h, int kind)
{
	struct hchange	*c;

	if (h->h_nchg == h->h_chgcap) {
		h->h_chgcap = h->h_chgcap ? h->h_chgcap * 2 : 1024;
		h->h_chg = xreallocarray(h->h_chg, h->h_chgcap,
		    sizeof(*h->h_chg));
	}
	c = &h->h_chg[h->h_nchg++];
	memset(c, 0, sizeof(*c));
	c->hc_kind = kind;
	c->hc_state = -1;
	return c;
}

/* A present entity in state, with its prior states, into the counts. */
static void
count(struct hrun *h, int64_t state, const struct hprior *pr, size_t npr)
{
	size_t	 i, nn = h->h_nnames;
	int	 w, bad;

	for (w = 0; w < h->h_nw; w++) {
		h->h_ever[w * nn + state]++;
		bad = 0;
		for (i = 0; i < npr; i++)
			if (pr[i].hp_state != state &&
			    pr[i].hp_seq >= h->h_ws[w] &&
			    (size_t)pr[i].hp_state < nn) {
				h->h_ever[w * nn + pr[i].hp_state]++;
				bad = 1;
			}
		if (!bad)
			h->h_only[w * nn + state]++;
	}
}

/* Close the interval of an entity's previous state (it held it to seq - 1). */
static int
close_interval(struct hrun *h, const struct hent *e, int64_t state,
    int64_t since)
{
	hent_bind(h->h_closed, 1, e);
	sqlite3_bind_int64(h->h_closed, 2, state);
	sqlite3_bind_int64(h->h_closed, 3, since);
	sqlite3_bind_int64(h->h_closed, 4, h->h_seq - 1);
	return store_step_done(h->h_st, h->h_closed, "history interval");
}

/* Could an absent entity's priors still count in some window? */
static int
prior_live(struct hrun *h, const struct hprior *pr, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (h->h_nw > 0 && pr[i].hp_seq >= h->h_oldest)
			return 1;
	return 0;
}

/* The cursor's row of history_last, read once per step. */
struct hlast {
	struct hent	 hl_e;		/* borrowed from the cursor */
	int64_t		 hl_state;	/* -1: absent */
	int64_t		 hl_since;
	const void	*hl_prior;
	size_t		 hl_priorlen;
};

static void
hlast_read(sqlite3_stmt *cur, struct hlast *hl)
{
	sqlite3_value	*v;

	hent_from(cur, 0, &hl->hl_e, 0);
	v = sqlite3_column_value(cur, 1);
	hl->hl_state = sqlite3_value_type(v) == SQLITE_NULL ? -1 :
	    sqlite3_value_int64(v);
	hl->hl_since = sqlite3_value_int64(sqlite3_column_value(cur, 2));
	v = sqlite3_column_value(cur, 3);
	hl->hl_prior = sqlite3_value_blob(v);
	hl->hl_priorlen = sqlite3_value_bytes(v);
}

/* An entity of history_last against its state in the run (now, or NULL). */
static int
merge_row(struct hrun *h, const struct hlast *hl, const struct hent *now)
{
	struct hprior	 pr[HISTORY_MAX_STATES + 1];
	struct hchange	*c;
	int64_t		 old = hl->hl_state;
	size_t		 npr;

	npr = hl->hl_priorlen == 0 ? 0 : prior_decode(hl->hl_prior,
	    hl->hl_priorlen, pr, HISTORY_MAX_STATES);
	if (now != NULL && old == now->he_state) {
		count(h, old, pr, npr);		/* unchanged: nothing to write */
		return 0;
	}
	if (old != -1) {
		if (close_interval(h, &hl->hl_e, old, hl->hl_since) == -1)
			return -1;
		npr = prior_set(pr, npr, old, h->h_seq - 1);
	}
	if (now == NULL && old == -1 && prior_live(h, pr, npr))
		return 0;			/* still absent */
	if (now == NULL && !prior_live(h, pr, npr)) {
		c = change_add(h, HC_DEL);
		c->hc_copy = hl->hl_e;
		if (hl->hl_e.he_s != NULL)
			c->hc_copy.he_s = xstrndup(hl->hl_e.he_s,
			    hl->hl_e.he_len);
		return 0;
	}
	c = change_add(h, HC_PUT);
	c->hc_copy = hl->hl_e;
	if (hl->hl_e.he_s != NULL)
		c->hc_copy.he_s = xstrndup(hl->hl_e.he_s, hl->hl_e.he_len);
	c->hc_state = now != NULL ? now->he_state : -1;
	c->hc_since = h->h_seq;
	c->hc_prior = prior_encode(pr, npr, &c->hc_priorlen);
	if (now != NULL)
		count(h, now->he_state, pr, npr);
	return 0;
}

static int
merge(struct hrun *h)
{
	sqlite3_stmt	*cur;
	struct hlast	 hl;
	size_t		 i = 0;
	int		 have, c, rc = -1;

	cur = store_prepare(h->h_st, "SELECT entity, state_id, since, prior "
	    "FROM history_last");
	if (cur == NULL)
		return -1;
	if ((have = sqlite3_step(cur)) != SQLITE_ROW && have != SQLITE_DONE)
		goto out;
	have = have == SQLITE_ROW;
	if (have)
		hlast_read(cur, &hl);
	while (i < h->h_nents || have) {
		if (!have)
			c = -1;
		else if (i == h->h_nents)
			c = 1;
		else
			c = hent_cmp(&h->h_ents[i], &hl.hl_e);
		if (c < 0) {
			/* new: present now, with no past */
			h->h_new[i] = 1;
			h->h_nnew++;
			count(h, h->h_ents[i].he_state, NULL, 0);
			i++;
			continue;
		}
		if (merge_row(h, &hl, c == 0 ? &h->h_ents[i] : NULL) == -1)
			goto out;
		if (c == 0)
			i++;
		if ((have = sqlite3_step(cur)) != SQLITE_ROW &&
		    have != SQLITE_DONE)
			goto out;
		have = have == SQLITE_ROW;
		if (have)
			hlast_read(cur, &hl);
	}
	rc = 0;
out:
	sqlite3_finalize(cur);
	return rc;
}

/*
 * New entities, in entity order (appended to the key's order), a batch at
 * a time through vantage_rows: on a first run that is every entity, and
 * an INSERT a row cost five times the batch.
 */
static int
insert_new(struct hrun *h)
{
	sqlite3_stmt	*ins;
	struct rowbuf	*rb;
	const struct hent *e;
	size_t		 i;
	int		 rc = 0;

	if (h->h_nnew == 0)
		return 0;
	if (store_exec(h->h_st, "CREATE VIRTUAL TABLE IF NOT EXISTS "
	    "temp.rows_history USING vantage_rows(3)") == -1 ||
	    (ins = store_prepare(h->h_st, "INSERT INTO history_last (entity, "
	    "state_id, since) SELECT c0, c1, c2 FROM temp.rows_history "
	    "WHERE src = ?1")) == NULL)
		return -1;
	rb = rowbuf_new(3);
	for (i = 0; i < h->h_nents && rc == 0; i++) {
		if (!h->h_new[i])
			continue;
		e = &h->h_ents[i];
		if (e->he_s == NULL)
			rowbuf_int(rb, e->he_i);
		else
			rowbuf_text(rb, e->he_s, (size_t)e->he_len);
		rowbuf_int(rb, e->he_state);
		rowbuf_int(rb, h->h_seq);
		if (rowbuf_rows(rb) == NEW_BATCH) {
			rows_bind(ins, 1, rb);
			rc = store_step_done(h->h_st, ins, "history entity");
			rowbuf_reset(rb);
		}
	}
	if (rc == 0 && rowbuf_rows(rb) > 0) {
		rows_bind(ins, 1, rb);
		rc = store_step_done(h->h_st, ins, "history entity");
	}
	sqlite3_finalize(ins);
	rowbuf_free(rb);
	return rc;
}

static int
apply_changes(struct hrun *h)
{
	sqlite3_stmt	*put, *del;
	struct hchange	*c;
	size_t		 i;
	int		 rc = 0;

	if (insert_new(h) == -1)
		return -1;
	put = store_prepare(h->h_st, "INSERT OR REPLACE INTO history_last "
	    "(entity, state_id, since, prior) VALUES (?1, ?2, ?3, ?4)");
	del = store_prepare(h->h_st, "DELETE FROM history_last WHERE "
	    "entity = ?1");
	if (put == NULL || del == NULL)
		rc = -1;
	for (i = 0; i < h->h_nchg && rc == 0; i++) {
		c = &h->h_chg[i];
		if (c->hc_kind == HC_DEL) {
			hent_bind(del, 1, &c->hc_copy);
			rc = store_step_done(h->h_st, del, "history entity");
			continue;
		}
		hent_bind(put, 1, &c->hc_copy);
		if (c->hc_state == -1)
			sqlite3_bind_null(put, 2);
		else
			sqlite3_bind_int64(put, 2, c->hc_state);
		sqlite3_bind_int64(put, 3, c->hc_since);
		if (c->hc_prior != NULL)
			sqlite3_bind_blob(put, 4, c->hc_prior, c->hc_priorlen,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(put, 4);
		rc = store_step_done(h->h_st, put, "history entity");
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

/* ------------------------------------------------------------------ */

/* This run's seq and time, and the first seq of every window. */
static int
begin_seq(struct hrun *h, int64_t run_id, char **cause)
{
	sqlite3_stmt	*stmt;
	double		 t = 0;
	int		 rc, ok = 0;

	stmt = store_prepare(h->h_st, "INSERT INTO history_runs (seq, run_id, "
	    "time, closed_upto) SELECT (SELECT coalesce(max(seq), 0) + 1 FROM "
	    "history_runs), run_id, started_at, 0 FROM runs WHERE run_id = ?1 "
	    "RETURNING seq, time");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, run_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		h->h_seq = sqlite3_column_int64(stmt, 0);
		t = sqlite3_column_double(stmt, 1);
		ok = 1;
	}
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	if (!ok) {
		xasprintf(cause, "run %" PRId64 " is not in the runs table",
		    run_id);
		return -1;
	}
	stmt = store_prepare(h->h_st, "SELECT w.window, (SELECT min(seq) FROM "
	    "history_runs WHERE time > ?1 - w.seconds) FROM history_windows w "
	    "ORDER BY w.seconds, w.window");
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_double(stmt, 1, t);
	h->h_oldest = h->h_seq;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW &&
	    h->h_nw < HISTORY_MAX_WINDOWS) {
		h->h_wname[h->h_nw] = xstrdup((const char *)
		    sqlite3_column_text(stmt, 0));
		h->h_ws[h->h_nw] = sqlite3_column_type(stmt, 1) == SQLITE_NULL ?
		    h->h_seq : sqlite3_column_int64(stmt, 1);
		if (h->h_ws[h->h_nw] < h->h_oldest)
			h->h_oldest = h->h_ws[h->h_nw];
		h->h_nw++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail;
	return 0;
fail:
	xasprintf(cause, "store: %s", store_errmsg(h->h_st));
	return -1;
}

static int
end_seq(struct hrun *h, char **cause)
{
	sqlite3_stmt	*upd, *ins;
	size_t		 s;
	int		 w, rc = 0;

	upd = store_prepare(h->h_st, "UPDATE history_runs SET closed_upto = "
	    "(SELECT coalesce(max(rowid), 0) FROM history_closed) WHERE "
	    "seq = ?1");
	ins = store_prepare(h->h_st, "INSERT INTO history_window_counts "
	    "(window, state, ever, only) VALUES (?1, ?2, ?3, ?4)");
	if (upd == NULL || ins == NULL ||
	    store_exec(h->h_st, "DELETE FROM history_window_counts") == -1)
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(upd, 1, h->h_seq);
		rc = store_step_done(h->h_st, upd, "history run");
	}
	for (w = 0; w < h->h_nw && rc == 0; w++)
		for (s = 1; s < h->h_nnames && rc == 0; s++) {
			if (h->h_names[s] == NULL)
				continue;
			sqlite3_bind_text(ins, 1, h->h_wname[w], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, h->h_names[s], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, h->h_ever[w * h->h_nnames + s]);
			sqlite3_bind_int64(ins, 4, h->h_only[w * h->h_nnames + s]);
			rc = store_step_done(h->h_st, ins, "history counts");
		}
	sqlite3_finalize(upd);
	sqlite3_finalize(ins);
	if (rc == -1)
		xasprintf(cause, "store: %s", store_errmsg(h->h_st));
	return rc;
}

static void
hrun_release(struct hrun *h)
{
	size_t	i;
	int	w;

	for (i = 0; i < h->h_nents; i++)
		free(h->h_ents[i].he_s);
	free(h->h_ents);
	for (i = 0; i < h->h_nnames; i++)
		free(h->h_names[i]);
	free(h->h_names);
	for (w = 0; w < h->h_nw; w++)
		free(h->h_wname[w]);
	free(h->h_ever);
	free(h->h_only);
	for (i = 0; i < h->h_nchg; i++) {
		free(h->h_chg[i].hc_copy.he_s);
		free(h->h_chg[i].hc_prior);
	}
	free(h->h_chg);
	free(h->h_new);
	sqlite3_finalize(h->h_closed);
}

int
history_record(struct store *st, int64_t run_id, sqlite3_stmt *stmt,
    char **cause)
{
	struct hrun	 h;
	double		 t0 = now_mono();
	int		 rc = -1;

	memset(&h, 0, sizeof(h));
	h.h_st = st;
	*cause = NULL;
	if (load_states(&h) == -1) {
		xasprintf(cause, "store: %s", store_errmsg(st));
		goto out;
	}
	if (read_entities(&h, stmt, cause) == -1 ||
	    begin_seq(&h, run_id, cause) == -1)
		goto out;
	h.h_ever = xcalloc(h.h_nw * h.h_nnames + 1, sizeof(*h.h_ever));
	h.h_only = xcalloc(h.h_nw * h.h_nnames + 1, sizeof(*h.h_only));
	h.h_new = xcalloc(h.h_nents + 1, 1);
	h.h_closed = store_prepare(st, "INSERT INTO history_closed (entity, "
	    "state_id, since, until) VALUES (?1, ?2, ?3, ?4)");
	if (h.h_closed == NULL || merge(&h) == -1 || apply_changes(&h) == -1) {
		xasprintf(cause, "store: %s", store_errmsg(st));
		goto out;
	}
	if (end_seq(&h, cause) == -1)
		goto out;
	log_debug("history: run %" PRId64 " (seq %" PRId64 "): %zu entities, "
	    "%zu changed, %.3fs", run_id, h.h_seq, h.h_nents, h.h_nnew +
	    h.h_nchg, now_mono() - t0);
	rc = 0;
out:
	hrun_release(&h);
	return rc;
}

int
history_prune(struct store *st, double before)
{
	sqlite3_stmt	*stmt;
	int64_t		 seq = 0, upto = 0;
	int		 rc;

	stmt = store_prepare(st, "SELECT seq, closed_upto FROM history_runs "
	    "WHERE time < ?1 ORDER BY seq DESC LIMIT 1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_double(stmt, 1, before);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(stmt, 0);
		upto = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (seq == 0)
		return 0;
	/*
	 * Intervals closed by the time run seq was recorded all ended before
	 * it; they form a rowid range, so the delete reads nothing else.
	 */
	stmt = store_prepare(st, "DELETE FROM history_closed WHERE rowid <= ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, upto);
	rc = store_step_done(st, stmt, "history prune");
	sqlite3_finalize(stmt);
	if (rc == -1)
		return -1;
	stmt = store_prepare(st, "DELETE FROM history_runs WHERE seq < ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, seq);
	rc = store_step_done(st, stmt, "history prune");
	sqlite3_finalize(stmt);
	return rc;
}
