/* probe.c -- the probe scheduler: items, batches, limits, giving up, rows */

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

#include <sys/queue.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "buf.h"
#include "conf.h"
#include "crawl.h"
#include "discover.h"
#include "items.h"
#include "log.h"
#include "probe.h"
#include "query.h"
#include "rows.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/*
 * After this many requests in a row that could not reach a node (connect
 * errors or timeouts, each after its retries), its remaining items are
 * written off at once: one blackholed node must not hold a run for hours.
 */
#define NODE_GIVE_UP	3
#define STRINGIFY(x)	STRINGIFY1(x)
#define STRINGIFY1(x)	#x

/*
 * Finished batches wait in memory for their turn in the probe table's key
 * order (see probe_merge) within this share of crawl.memory_limit: 16MiB
 * of the default 256MiB, about 1,800,000 probe rows of two integers;
 * 1,000,000 users on 100 nodes hold about 6MiB at most (a request to
 * each node, and those in flight).  Past it the probe stops waiting for
 * the node furthest behind (a slow or unreachable one).
 */
#define HOLD_SHARE	16
#define HOLD_NO_LIMIT	(16 << 20)	/* crawl.memory_limit 0: no limit */

/*
 * The store's page cache during the crawl, in KiB: rows go in at the
 * right edge of each probe table, which a few pages hold, and the memory
 * the store's larger cache would keep goes to the rows waiting their turn
 * (at 1,000,000 users the peak RSS is 6MiB lower).
 */
#define CRAWL_CACHE_KIB	2048

struct batch;
struct merge_head;
TAILQ_HEAD(batches, batch);

/* The work of one probe on one node. */
struct task {
	struct probe_crawl *t_pr;
	size_t		 t_probe;
	size_t		 t_node;
	int		 t_loaded;
	int		 t_done;	/* every batch finished */
	char		*t_text;	/* the items and keys, NUL-terminated */
	char		**t_items;	/* NULL when the probe has no items */
	int		*t_is_int;
	char		**t_keys;	/* stored instead of the item; NULL: none */
	int		*t_key_int;
	/*
	 * items_scope run: the node's rows of the run's items, instead of
	 * t_items; each batch copies its own (a task's copy of every row
	 * would hold 24 bytes per row of each node being asked).
	 */
	const uint32_t	*t_rows;
	size_t		 t_nitems;
	size_t		 t_next;	/* first item not yet sent */
	size_t		 t_outstanding;	/* batches queued or in flight */
	int		 t_single_sent;	/* no-items probe: its one request */
	struct batches	 t_ready;	/* ended, in order, being written */
	struct batches	 t_wait;	/* ended before one sent earlier */
	size_t		 t_ended;	/* items of t_ready and before */
	size_t		 t_off;		/* the next row of t_ready's first */
	unsigned char	*t_front;	/* the item of its last row ended in
					   order (a cell); NULL: none yet */
	int		 t_passed;	/* not waited for: no key, or past the
					   hold limit */
};

/* A request in flight: a slice of a task's items, then the rows written. */
struct batch {
	struct task	*b_task;
	size_t		 b_first;
	char		**b_items;	/* items_scope run: a copy of its items */
	char		*b_text;	/* ... and their text, until the body
					   holds it (b_lens set) */
	uint32_t	*b_lens;	/* ... their lengths, in the body */
	int		*b_is_int;	/* ... which are SQL integers */
	int64_t		*b_ids;		/* ... their integer ids, or -1 */
	uint8_t		*b_id_int;	/* ... whether b_ids holds the id */
	size_t		 b_n;
	struct answer_batch b_ab;	/* what it asks, for the kind */
	void		*b_reader;	/* the kind reading its answer, or NULL */
	int		 b_write;	/* not cancelled: rows are kept */
	int64_t		 b_rows;
	int64_t		 b_unanswered;
	struct rowbuf	*b_held;	/* its rows, once it has ended */
	size_t		 b_size;	/* ... and their bytes */
	size_t		 b_last;	/* ... where the last row starts */
	TAILQ_ENTRY(batch) b_entry;	/* in its task's t_ready or t_wait */
};

struct probe_crawl {
	const struct config *pr_cf;
	struct store	*pr_st;
	int64_t		 pr_run_id;
	struct nodeset	*pr_ns;
	struct probe_counts *pr_counts;
	struct crawl	*pr_crawl;
	sqlite3_stmt	**pr_items_stmt;	/* per probe */
	struct run_items **pr_run_items;	/* per probe: items_scope run */
	sqlite3_stmt	**pr_insert;		/* per probe: a batch's rows */
	struct rowbuf	**pr_rows;		/* per probe: them until then */
	struct rowbuf	**pr_spare;		/* per probe: an empty one */
	const struct answer_kind **pr_kind;	/* per probe */
	const char	**pr_items_at;	/* per probe: {{items}} in the body
					   batch_body_rows writes, or NULL */
	size_t		*pr_ncols;		/* value columns, per probe */
	struct task	*pr_tasks;		/* by node in key order, probe */
	size_t		 pr_ntasks;
	size_t		 pr_first_open;		/* tasks before it are done */
	size_t		*pr_node_out;		/* outstanding per node */
	int64_t		 pr_outstanding;
	struct batches	 pr_written;		/* being written, to be freed */
	struct merge_head *pr_heads;		/* the tasks being merged */
	size_t		*pr_tree;		/* ... their tournament */
	struct rowbuf	*pr_node_cells;		/* each node's id, a cell */
	size_t		*pr_node_cell;		/* ... where node n's starts */
	size_t		*pr_held;		/* per probe: bytes held */
	size_t		 pr_held_all;
	size_t		 pr_held_peak;
	size_t		 pr_hold_max;
	size_t		 pr_not_waited;		/* tasks passed for the cap */
	int		 pr_txn;		/* rows written, not committed */
	volatile sig_atomic_t *pr_stop;
	int		 pr_failed;		/* the store failed */
	struct probe_progress pr_progress;
};

static probe_progress_fn *progress_fn;
static void	*progress_arg;

static const char *const invalid_name = "invalid_answer";
static const char *const give_up = "node unreachable: skipped after "
    STRINGIFY(NODE_GIVE_UP) " failed requests in a row";

void
probe_set_progress(probe_progress_fn *fn, void *arg)
{
	progress_fn = fn;
	progress_arg = arg;
}

static void
progress_report(struct probe_crawl *pr)
{
	if (progress_fn != NULL)
		progress_fn(&pr->pr_progress, progress_arg);
}

const char *
probe_outcome_name(int o)
{
	if (o == PROBE_INVALID)
		return invalid_name;
	return crawl_outcome_name(o);
}

char *
probe_body(const char *tmpl, char *const *items, const int *is_int, size_t n,
    size_t *lenp)
{
	struct buf	 b;
	const char	*at = strstr(tmpl, "{{items}}");
	size_t		 i;

	buf_init(&b, 0);
	if (at == NULL) {
		buf_puts(&b, tmpl);
		return buf_take(&b, lenp);
	}
	buf_add(&b, tmpl, at - tmpl);
	buf_putc(&b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		if (is_int != NULL && is_int[i])
			buf_puts(&b, items[i]);
		else
			buf_json_string(&b, items[i], strlen(items[i]));
	}
	buf_putc(&b, ']');
	buf_puts(&b, at + strlen("{{items}}"));
	return buf_take(&b, lenp);
}

/* ------------------------------------------------------------------ */

/* Split the probe tables of a store made before per-run tables. */
int
probe_prepare_tables(const struct config *cf, struct store *st)
{
	char	*table;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < cf->cf_nprobes && rc == 0; i++) {
		xasprintf(&table, "probe_%s", cf->cf_probes[i].pc_name);
		rc = store_run_table_adopt(st, table);
		free(table);
	}
	return rc;
}

/*
 * The run's table of each probe, probe_NAME_runN (the view probe_NAME
 * shows it with its run_id): clustered on (item, node_id), so that the
 * rows of one item (a user's three replicas) are together and a join in
 * item order walks the table forward; the crawl writes it in that order.
 */
static int
probe_run_tables(const struct config *cf, struct store *st, int64_t run_id)
{
	static const char *const tname[] = { "INTEGER", "REAL", "TEXT",
	    "INTEGER" };
	const struct probe_conf *pc;
	struct answer_column *cols;
	struct buf	 sql;
	char		*name, *table;
	size_t		 i, j, ncols;
	int		 rc = 0;

	if (store_begin(st) == -1)
		return -1;
	buf_init(&sql, 0);
	for (i = 0; i < cf->cf_nprobes && rc == 0; i++) {
		pc = &cf->cf_probes[i];
		xasprintf(&name, "probe_%s", pc->pc_name);
		table = store_run_table(name, run_id);
		answer_of(pc)->ak_columns(pc, &cols, &ncols);
		buf_reset(&sql);
		buf_printf(&sql, "DROP TABLE IF EXISTS main.\"%s\"; "
		    "CREATE TABLE main.\"%s\" (node_id NOT NULL, item NOT NULL",
		    table, table);
		for (j = 0; j < ncols; j++)
			buf_printf(&sql, ", \"%s\" %s", cols[j].ac_name,
			    tname[cols[j].ac_type]);
		/* A kind that appends: in arrival order, no key. */
		if (answer_of(pc)->ak_append)
			buf_puts(&sql, ", error TEXT)");
		else
			buf_puts(&sql, ", error TEXT, PRIMARY KEY (item, "
			    "node_id)) WITHOUT ROWID");
		rc = store_exec(st, sql.b_data);
		if (rc == 0)
			rc = store_run_table_add(st, name, run_id);
		free(cols);
		free(table);
		free(name);
	}
	buf_release(&sql);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return -1;
}

static void
task_release(struct task *t)
{
	free(t->t_text);
	free(t->t_items);
	free(t->t_is_int);
	free(t->t_keys);
	free(t->t_key_int);
	t->t_text = NULL;
	t->t_items = NULL;
	t->t_is_int = NULL;
	t->t_keys = NULL;
	t->t_key_int = NULL;
	t->t_nitems = 0;
	if (t->t_rows != NULL)
		run_items_node_done(t->t_pr->pr_run_items[t->t_probe], t->t_node);
	t->t_rows = NULL;
}

/* Does t's probe ask about items (and t have some)? */
static int
task_has_items(const struct task *t)
{
	return t->t_items != NULL || t->t_rows != NULL;
}

/*
 * The stored identity of t's item i (its key, else the item), as the
 * probe table stores it: 1 and the integer in *iv, or 0 and the text.
 */
static int
task_id(const struct task *t, size_t i, int64_t *iv, const char **text)
{
	int	is_int;

	*text = "";
	if (t->t_rows != NULL)
		return run_items_id(t->t_pr->pr_run_items[t->t_probe],
		    t->t_rows[i], iv, text);
	*text = t->t_keys != NULL ? t->t_keys[i] : t->t_items[i];
	is_int = t->t_keys != NULL ? t->t_key_int[i] : t->t_is_int[i];
	if (is_int)
		*iv = strtoll(*text, NULL, 10);
	return is_int;
}

/* Two identities in the table's order: integers, then text (BINARY). */
static int
id_cmp(int ia, int64_t a, const char *ta, int ib, int64_t b, const char *tb)
{
	if (ia && ib)
		return (a > b) - (a < b);
	if (ia != ib)
		return ia ? -1 : 1;
	return strcmp(ta, tb);
}

/* Does t still have a request to send? */
static int
task_more(const struct task *t)
{
	if (t->t_done)
		return 0;
	if (task_has_items(t))
		return t->t_next < t->t_nitems;
	return !t->t_single_sent;
}

/* t is done; its node is when all its probes' tasks are. */
static void
task_set_done(struct task *t)
{
	struct probe_crawl *pr = t->t_pr;
	size_t		 np = pr->pr_cf->cf_nprobes, i;
	size_t		 first = (size_t)(t - pr->pr_tasks) / np * np;

	t->t_done = 1;
	for (i = first; i < first + np; i++)
		if (!pr->pr_tasks[i].t_done)
			return;
	pr->pr_progress.pp_nodes_done++;
	progress_report(pr);
}

/* Once nothing is left to send or in flight, t is done and its items go. */
static void
task_finish(struct task *t)
{
	if (t->t_done || t->t_outstanding > 0 || task_more(t))
		return;
	task_set_done(t);
	task_release(t);
}

static void	task_dedupe(struct task *);
static int	task_in_order(const struct task *);

/* The node's items of a probe with items_scope run, from its one scan. */
static void
task_load_rows(struct probe_crawl *pr, struct task *t)
{
	const struct run_items *ri = pr->pr_run_items[t->t_probe];
	const uint32_t	*rows;
	size_t		 n;

	if ((n = run_items_node(ri, t->t_node, &rows)) == 0)
		return;
	t->t_rows = rows;
	t->t_nitems = n;
}

/* Run the probe's items query for the task's node. */
static int
task_load(struct probe_crawl *pr, struct task *t)
{
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	struct node	*n = &pr->pr_ns->ns_nodes[t->t_node];
	sqlite3_stmt	*q = pr->pr_items_stmt[t->t_probe];
	const char	*text;
	struct buf	 arena;
	size_t		 cap = 0, i, *off = NULL;
	int		 rc, keyed;

	t->t_loaded = 1;
	if (pr->pr_run_items[t->t_probe] != NULL) {
		task_load_rows(pr, t);
		return 0;
	}
	if (q == NULL)
		return 0;
	/*
	 * Every item and key of the node in one block (a node may have
	 * hundreds of thousands): offsets while it grows, pointers after.
	 */
	buf_init(&arena, 0);
	keyed = sqlite3_column_count(q) == 2;
	sqlite3_reset(q);
	store_bind_common(q, pr->pr_run_id, n->n_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_type(q, 0) == SQLITE_NULL)
			continue;
		text = (const char *)sqlite3_column_text(q, 0);
		if (sqlite3_column_bytes(q, 0) > ITEM_MAX_BYTES) {
			log_warnx("probe %s: an item of node %s is longer than "
			    "%d bytes; skipped", pc->pc_name, n->n_url_orig,
			    ITEM_MAX_BYTES);
			continue;
		}
		if (keyed && sqlite3_column_type(q, 1) == SQLITE_NULL) {
			log_warnx("probe %s: an item of node %s has a NULL key; "
			    "skipped", pc->pc_name, n->n_url_orig);
			continue;
		}
		if (t->t_nitems == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			off = xreallocarray(off, cap, 2 * sizeof(*off));
			t->t_items = xreallocarray(t->t_items, cap,
			    sizeof(*t->t_items));
			t->t_is_int = xreallocarray(t->t_is_int, cap,
			    sizeof(*t->t_is_int));
			if (keyed) {
				t->t_keys = xreallocarray(t->t_keys, cap,
				    sizeof(*t->t_keys));
				t->t_key_int = xreallocarray(t->t_key_int, cap,
				    sizeof(*t->t_key_int));
			}
		}
		t->t_is_int[t->t_nitems] = sqlite3_column_type(q, 0) ==
		    SQLITE_INTEGER;
		off[2 * t->t_nitems] = arena.b_len;
		buf_add(&arena, text, strlen(text) + 1);
		if (keyed) {
			t->t_key_int[t->t_nitems] = sqlite3_column_type(q, 1) ==
			    SQLITE_INTEGER;
			text = (const char *)sqlite3_column_text(q, 1);
			off[2 * t->t_nitems + 1] = arena.b_len;
			buf_add(&arena, text, strlen(text) + 1);
		}
		t->t_nitems++;
	}
	sqlite3_reset(q);
	/* Without the slack of the growing buffer. */
	t->t_text = buf_take(&arena, &i);
	t->t_text = xreallocarray(t->t_text, i + 1, 1);
	for (i = 0; i < t->t_nitems; i++) {
		t->t_items[i] = t->t_text + off[2 * i];
		if (keyed)
			t->t_keys[i] = t->t_text + off[2 * i + 1];
	}
	free(off);
	if (rc != SQLITE_DONE) {
		log_warnx("probe %s: items for node %s: %s", pc->pc_name,
		    n->n_url_orig, store_errmsg(pr->pr_st));
		return -1;
	}
	task_dedupe(t);
	/*
	 * Out of order (the items of a JSON-RPC batch, say), they are asked
	 * as the query gives them and nothing waits for the node's rows,
	 * which are written as they come (each a seek, not an append).
	 */
	if (!task_in_order(t))
		t->t_passed = 1;
	return 0;
}

/*
 * Are t's items in the order of their stored identities, as the probe
 * table sorts them?  items_scope run sorts them (items.c); an items
 * query should yield them so (ORDER BY the item, or its key).
 */
static int
task_in_order(const struct task *t)
{
	const char	*tx, *ty;
	int64_t		 ix = 0, iy = 0;
	size_t		 i;
	int		 jx, jy;

	for (i = 1; i < t->t_nitems; i++) {
		jx = task_id(t, i - 1, &ix, &tx);
		jy = task_id(t, i, &iy, &ty);
		if (id_cmp(jx, ix, tx, jy, iy, ty) > 0)
			return 0;
	}
	return 1;
}

/*
 * Each stored identity (the key, else the item) is asked about once per
 * node, whatever the items query yields: the first row wins.
 */
static void
task_dedupe(struct task *t)
{
	struct strindex	 si;
	char		**ids = t->t_keys ? t->t_keys : t->t_items, *keep;
	size_t		 i, o;

	if (t->t_nitems < 2)
		return;
	strindex_init(&si, ids, t->t_nitems);
	keep = xcalloc(t->t_nitems, 1);
	for (i = 0; i < t->t_nitems; i++)
		keep[i] = strindex_find(&si, ids, ids[i], strlen(ids[i])) ==
		    (int32_t)i;
	for (i = 0, o = 0; i < t->t_nitems; i++) {
		if (!keep[i])
			continue;
		t->t_items[o] = t->t_items[i];
		t->t_is_int[o] = t->t_is_int[i];
		if (t->t_keys != NULL) {
			t->t_keys[o] = t->t_keys[i];
			t->t_key_int[o] = t->t_key_int[i];
		}
		o++;
	}
	t->t_nitems = o;
	free(keep);
	strindex_release(&si);
}

static void
item_cell(struct rowbuf *rb, const char *text, int is_int)
{
	if (is_int)
		rowbuf_int(rb, strtoll(text, NULL, 10));
	else
		rowbuf_text(rb, text, strlen(text));
}

static void
value_cell(struct rowbuf *rb, const struct aval *v)
{
	switch (v->av_type) {
	case AV_INTEGER:
		rowbuf_int(rb, v->av_int);
		break;
	case AV_REAL:
		rowbuf_real(rb, v->av_real);
		break;
	case AV_TEXT:
		rowbuf_text(rb, v->av_text, v->av_len);
		break;
	case AV_NULL:
	default:
		rowbuf_null(rb);
		break;
	}
}

void
probe_bind_value(sqlite3_stmt *stmt, int col, const struct aval *v)
{
	switch (v->av_type) {
	case AV_INTEGER:
		sqlite3_bind_int64(stmt, col, v->av_int);
		break;
	case AV_REAL:
		sqlite3_bind_double(stmt, col, v->av_real);
		break;
	case AV_TEXT:
		sqlite3_bind_text(stmt, col, v->av_text, v->av_len,
		    SQLITE_STATIC);
		break;
	case AV_NULL:
	default:
		sqlite3_bind_null(stmt, col);
		break;
	}
}

/*
 * The answer_row_cb of the scheduler: one row of batch b, held with the
 * batch's others until batch_flush.  A row with an error has NULL in
 * every value column.
 */
static int
batch_row(void *arg, size_t item, const char *key, size_t keylen,
    const struct aval *values, const char *error)
{
	struct batch	*b = arg;
	struct task	*t = b->b_task;
	struct probe_crawl *pr = t->t_pr;
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	struct rowbuf	*rb = pr->pr_rows[t->t_probe];
	const char	*text;
	size_t		 i = b->b_first + item, j, ncols = pr->pr_ncols[t->t_probe];
	int64_t		 iv;

	if (!b->b_write)
		return 0;
	if (item != ANSWER_NO_ITEM && item >= b->b_n)
		fatalx("probe %s: a row for item %zu of a batch of %zu",
		    pc->pc_name, item, b->b_n);
	rowbuf_bytes(rb, &b->b_last);
	if (item == ANSWER_NO_ITEM && key != NULL)
		rowbuf_text(rb, key, keylen);
	else if (item == ANSWER_NO_ITEM || !task_has_items(t))
		rowbuf_text(rb, "", 0);
	else if (t->t_rows != NULL && b->b_id_int != NULL && b->b_id_int[item])
		rowbuf_int(rb, b->b_ids[item]);
	else if (t->t_rows != NULL) {
		if (run_items_id(pr->pr_run_items[t->t_probe], t->t_rows[i],
		    &iv, &text))
			rowbuf_int(rb, iv);
		else
			rowbuf_text(rb, text, strlen(text));
	} else if (t->t_keys != NULL)
		item_cell(rb, t->t_keys[i], t->t_key_int[i]);
	else
		item_cell(rb, t->t_items[i], t->t_is_int[i]);
	for (j = 0; j < ncols; j++) {
		if (error != NULL)
			rowbuf_null(rb);
		else
			value_cell(rb, &values[j]);
	}
	if (error != NULL)
		rowbuf_text(rb, error, strlen(error));
	else
		rowbuf_null(rb);
	b->b_rows++;
	b->b_unanswered += error != NULL;
	return 0;
}

/*
 * Insert the rows of probe p that rs hands over (the node first), in one
 * statement, inside the crawl's transaction (begun if need be).  On a
 * store failure the transaction is rolled back and the crawl stops.
 */
static int
batch_flush(struct probe_crawl *pr, size_t p, struct rows_source *rs)
{
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[p];
	sqlite3_stmt	*ins = pr->pr_insert[p];
	int		 rc;

	if (!pr->pr_txn && store_begin(pr->pr_st) == -1) {
		pr->pr_failed = 1;
		return -1;
	}
	pr->pr_txn = 1;
	rows_bind_source(ins, 1, rs);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE) {
		log_warnx("probe %s: insert: %s", pc->pc_name,
		    store_errmsg(pr->pr_st));
		store_rollback(pr->pr_st);
		pr->pr_txn = 0;
		pr->pr_failed = 1;
		return -1;
	}
	return 0;
}

/* Commit the rows written since the last commit. */
static void
probe_commit(struct probe_crawl *pr)
{
	if (!pr->pr_txn)
		return;
	pr->pr_txn = 0;
	if (store_commit(pr->pr_st) == -1)
		pr->pr_failed = 1;
}

/* Every item of b (the one row of a probe without items) fails with why. */
static int
batch_write_off(struct batch *b, const char *why)
{
	size_t	i;

	if (!task_has_items(b->b_task))
		return batch_row(b, ANSWER_NO_ITEM, NULL, 0, NULL, why);
	for (i = 0; i < b->b_n; i++)
		if (batch_row(b, i, NULL, 0, NULL, why) == -1)
			return -1;
	return 0;
}

/* Add the rows b wrote to the probe's and the node's counters. */
static void
batch_count(struct batch *b)
{
	struct task	*t = b->b_task;
	struct probe_crawl *pr = t->t_pr;
	struct probe_counts *cnt = &pr->pr_counts[t->t_probe];
	struct node	*n = &pr->pr_ns->ns_nodes[t->t_node];

	cnt->pc_items += b->b_rows;
	cnt->pc_unanswered += b->b_unanswered;
	pr->pr_progress.pp_items += b->b_rows;
	progress_report(pr);
	/* Items of its own (its task's may be gone by now). */
	if (b->b_n > 0) {
		n->n_items += b->b_rows;
		n->n_unanswered += b->b_unanswered;
	}
}

/* ------------------------------------------------------------------ */
/*
 * Rows in key order.  Each keyed probe table is clustered on (item,
 * node_id): a row past every row already there is an append (SQLite
 * skips the descent from the root when the cursor is on the last page),
 * any other row a search down the tree, about twice the cost.  Each
 * node's items are sent in that order (items.c sorts them; a node whose
 * items query yields them otherwise is not waited for), the requests of
 * all nodes by their first item (probe_feed), so the nodes move through
 * the items together.  A batch that ends joins
 * its task's t_ready once every batch sent before it has (until then it
 * waits in t_wait); the task's front is then the item of the last row
 * ended in order, and no later row of its node comes before it.  The
 * rows of every t_ready up to the lowest front of the probe's tasks still
 * running (the watermark) are merged, by item then node, and appended.
 * Insert order never changes what is stored, only what it costs: waiting
 * is bounded by pr_hold_max, a stopped or failed crawl writes nothing
 * more, and what is held when it ends is dropped with the run.
 */

/* The rows of b go; its rowbuf becomes its probe's spare. */
static void
batch_free(struct probe_crawl *pr, struct batch *b)
{
	size_t	p = b->b_task->t_probe;

	pr->pr_held[p] -= b->b_size;
	pr->pr_held_all -= b->b_size;
	if (b->b_held != NULL && pr->pr_spare[p] == NULL) {
		rowbuf_reset(b->b_held);
		pr->pr_spare[p] = b->b_held;
	} else
		rowbuf_free(b->b_held);
	free(b);
}

static int
probe_stopped(const struct probe_crawl *pr)
{
	return pr->pr_failed || (pr->pr_stop != NULL && *pr->pr_stop);
}

/* b ended in order: it is t's to write, and its last row t's front. */
static void
task_ready(struct task *t, struct batch *b)
{
	const unsigned char *data;
	size_t		 len, n;

	TAILQ_INSERT_TAIL(&t->t_ready, b, b_entry);
	if (b->b_first == t->t_ended)
		t->t_ended += b->b_n;
	if (rowbuf_rows(b->b_held) == 0)
		return;
	data = rowbuf_bytes(b->b_held, &len);
	n = rows_cell_len(data + b->b_last);
	t->t_front = xreallocarray(t->t_front, n, 1);
	memcpy(t->t_front, data + b->b_last, n);
}

/* The row of t to write next (its item first), or NULL: none. */
static const unsigned char *
task_row(struct probe_crawl *pr, struct task *t)
{
	struct batch	*b;
	const unsigned char *data;
	size_t		 len;

	while ((b = TAILQ_FIRST(&t->t_ready)) != NULL) {
		data = rowbuf_bytes(b->b_held, &len);
		if (t->t_off < len)
			return data + t->t_off;
		/*
		 * Every row of b is being written: it counts, and goes, once
		 * the statement is done with its rows (probe_written).
		 */
		TAILQ_REMOVE(&t->t_ready, b, b_entry);
		TAILQ_INSERT_TAIL(&pr->pr_written, b, b_entry);
		t->t_off = 0;
	}
	return NULL;
}

/* The batches written: counted, unless the store failed, and freed. */
static void
probe_written(struct probe_crawl *pr)
{
	struct batch	*b;

	while ((b = TAILQ_FIRST(&pr->pr_written)) != NULL) {
		TAILQ_REMOVE(&pr->pr_written, b, b_entry);
		if (!pr->pr_failed)
			batch_count(b);
		batch_free(pr, b);
	}
}

/*
 * A task being merged, with its next row: its item's integer (the
 * common case, compared without decoding the cell again), or the cell,
 * and the rank of its node in the key order.  A head without rows
 * (mh_row NULL) is the integer INT64_MAX of rank HEAD_DONE: after any
 * row, whatever its item.
 */
#define HEAD_DONE	SIZE_MAX
#define HEAD_MARK	(SIZE_MAX - 1)	/* the watermark: after any node */

struct merge_head {
	int64_t		 mh_int;
	size_t		 mh_rank;
	const unsigned char *mh_row;
	struct task	*mh_task;
	int		 mh_is_int;
};

static void
head_set(struct merge_head *m, const unsigned char *row)
{
	m->mh_row = row;
	if (row != NULL) {
		m->mh_is_int = rows_cell_int(row, &m->mh_int);
		/*
		 * The task's next rows, long written, are read again only
		 * after those of the other nodes: asked for now, they are
		 * in the cache by then.
		 */
		PREFETCH(row + 64);
	} else {
		m->mh_is_int = 1;
		m->mh_int = INT64_MAX;
		m->mh_rank = HEAD_DONE;
	}
}

/*
 * Is x's row before y's: by item, then node?  Two integers are compared
 * without a branch: the merge compares about log2(nodes) times a row, in
 * an order no branch predictor guesses.
 */
static inline int
head_before(const struct merge_head *x, const struct merge_head *y)
{
	int	c;

	if (x->mh_is_int & y->mh_is_int)
		return (x->mh_int < y->mh_int) | ((x->mh_int == y->mh_int) &
		    (x->mh_rank < y->mh_rank));
	if (y->mh_row == NULL)
		return x->mh_row != NULL;
	if (x->mh_row == NULL)
		return 0;
	c = rows_cell_cmp(x->mh_row, y->mh_row);
	return (c < 0) | ((c == 0) & (x->mh_rank < y->mh_rank));
}

/*
 * A tournament of the n heads h (a loser tree): node i (1 .. n-1) keeps
 * the loser of the match between its children 2i and 2i + 1, head j
 * being node n + j; lt[0] is the winner, the first row of all.  A new row
 * of the winner replays only its path: one comparison a level.
 */
static size_t
tree_build(const struct merge_head *h, size_t *lt, size_t n, size_t i)
{
	size_t	l, r;

	if (i >= n)
		return i - n;
	l = tree_build(h, lt, n, 2 * i);
	r = tree_build(h, lt, n, 2 * i + 1);
	if (head_before(&h[r], &h[l])) {
		lt[i] = l;
		return r;
	}
	lt[i] = r;
	return l;
}

static void
tree_replay(const struct merge_head *h, size_t *lt, size_t n)
{
	size_t	w = lt[0], i, x, swap;

	/* Swapped by a mask: a branch here would be mispredicted half the time. */
	for (i = (n + w) / 2; i > 0; i /= 2) {
		x = lt[i];
		swap = -(size_t)head_before(&h[x], &h[w]);
		lt[i] = (w & swap) | (x & ~swap);
		w = (x & swap) | (w & ~swap);
	}
	lt[0] = w;
}

/*
 * The watermark of probe p: the lowest front of its tasks that are
 * waited for.  0 and *wp NULL: none is (every row may go); -1: one has
 * no front yet (no row may).
 */
static int
probe_watermark(struct probe_crawl *pr, size_t p, const unsigned char **wp)
{
	size_t		 np = pr->pr_cf->cf_nprobes, i;
	struct task	*t;

	*wp = NULL;
	for (i = p; i < pr->pr_ntasks; i += np) {
		t = &pr->pr_tasks[i];
		if (t->t_done || t->t_passed)
			continue;
		if (t->t_front == NULL)
			return -1;
		if (*wp == NULL || rows_cell_cmp(t->t_front, *wp) < 0)
			*wp = t->t_front;
	}
	return 0;
}

/*
 * The merge of a probe's rows under way: heads, their tournament, the
 * watermark (mg_wm, if mg_mark), where the nodes' cells are.
 */
struct merge {
	struct probe_crawl *mg_pr;
	struct merge_head *mg_h;
	size_t		*mg_lt;
	size_t		 mg_n;
	struct merge_head mg_wm;
	int		 mg_mark;
	int		 mg_started;
	const unsigned char *mg_nodes;
};

/* Is the first row of all due: there, and not past the watermark? */
static int
merge_due(const struct merge *mg)
{
	const struct merge_head *m = &mg->mg_h[mg->mg_lt[0]];

	return m->mh_row != NULL && (!mg->mg_mark || !head_before(&mg->mg_wm,
	    m));
}

/*
 * The rows_source of the insert: the winner's row (its node's cell
 * first); then, told the bytes of that row, the next winner's.  The rows
 * are read where they wait, never copied.
 */
static const unsigned char *
merge_next(void *arg, size_t len, const unsigned char **prefixp)
{
	struct merge	*mg = arg;
	struct probe_crawl *pr = mg->mg_pr;
	struct merge_head *m = &mg->mg_h[mg->mg_lt[0]];
	struct task	*t;

	if (mg->mg_started) {
		t = m->mh_task;
		t->t_off += len;
		head_set(m, task_row(pr, t));
		tree_replay(mg->mg_h, mg->mg_lt, mg->mg_n);
		m = &mg->mg_h[mg->mg_lt[0]];
	}
	mg->mg_started = 1;
	if (!merge_due(mg) || probe_stopped(pr))
		return NULL;
	*prefixp = mg->mg_nodes + pr->pr_node_cell[m->mh_task->t_node];
	return m->mh_row;
}

/*
 * Write the rows of probe p that are due: every ready row up to the
 * watermark, in the table's key order, in one statement.
 */
static void
probe_merge(struct probe_crawl *pr, size_t p)
{
	size_t		 np = pr->pr_cf->cf_nprobes, i, len;
	struct merge	 mg;
	struct rows_source rs;
	const unsigned char *w, *row;

	if (probe_stopped(pr) || probe_watermark(pr, p, &w) == -1)
		return;
	memset(&mg, 0, sizeof(mg));
	mg.mg_pr = pr;
	mg.mg_h = pr->pr_heads;
	mg.mg_lt = pr->pr_tree;
	mg.mg_nodes = rowbuf_bytes(pr->pr_node_cells, &len);
	/* A row of w's item is due: wm sorts after it, whatever its node. */
	if ((mg.mg_mark = w != NULL)) {
		head_set(&mg.mg_wm, w);
		mg.mg_wm.mh_rank = HEAD_MARK;
	}
	for (i = p; i < pr->pr_ntasks; i += np)
		if ((row = task_row(pr, &pr->pr_tasks[i])) != NULL) {
			mg.mg_h[mg.mg_n].mh_task = &pr->pr_tasks[i];
			mg.mg_h[mg.mg_n].mh_rank = i;
			head_set(&mg.mg_h[mg.mg_n++], row);
		}
	if (mg.mg_n > 0) {
		mg.mg_lt[0] = tree_build(mg.mg_h, mg.mg_lt, mg.mg_n, 1);
		if (merge_due(&mg)) {
			rs.rs_width = pr->pr_ncols[p] + 3;
			rs.rs_next = merge_next;
			rs.rs_arg = &mg;
			batch_flush(pr, p, &rs);
		}
	}
	probe_written(pr);
}

/*
 * t is not waited for any longer: what it holds is written with the
 * probe's other rows, whatever ends later as it ends.
 */
static void
task_pass(struct task *t)
{
	struct batch	*b;

	t->t_passed = 1;
	while ((b = TAILQ_FIRST(&t->t_wait)) != NULL) {
		TAILQ_REMOVE(&t->t_wait, b, b_entry);
		task_ready(t, b);
	}
}

/*
 * Past pr_hold_max, the probe holding the most stops waiting for the
 * task furthest behind (a slow or unreachable node, or just the last of
 * the nodes moving together) and writes what is then due.
 */
static void
probe_hold_limit(struct probe_crawl *pr)
{
	struct task	*t, *low;
	size_t		 p, most, i, held, np = pr->pr_cf->cf_nprobes;

	while (pr->pr_held_all > pr->pr_hold_max && !probe_stopped(pr)) {
		for (most = 0, p = 1; p < np; p++)
			if (pr->pr_held[p] > pr->pr_held[most])
				most = p;
		low = NULL;
		for (i = most; i < pr->pr_ntasks; i += np) {
			t = &pr->pr_tasks[i];
			if (t->t_done || t->t_passed)
				continue;
			if (low == NULL || (low->t_front != NULL &&
			    (t->t_front == NULL ||
			    rows_cell_cmp(t->t_front, low->t_front) < 0)))
				low = t;
		}
		if (low != NULL) {
			task_pass(low);
			pr->pr_not_waited++;
		}
		held = pr->pr_held[most];
		probe_merge(pr, most);
		/* Nothing more to pass, nothing written: what else can? */
		if (low == NULL && pr->pr_held[most] == held)
			break;
	}
}

/*
 * b's request ended (or its items were written off): its rows join its
 * task's (in order, or when those sent before it have ended), then
 * whatever is due is written and committed.
 */
static void
batch_end(struct probe_crawl *pr, struct batch *b)
{
	struct task	*t = b->b_task;
	struct batch	*at;
	size_t		 p = t->t_probe;

	b->b_held = pr->pr_rows[p];
	pr->pr_rows[p] = pr->pr_spare[p] != NULL ? pr->pr_spare[p] :
	    rowbuf_new(pr->pr_ncols[p] + 2);
	pr->pr_spare[p] = NULL;
	rowbuf_trim(b->b_held);
	b->b_size = sizeof(*b) + rowbuf_size(b->b_held);
	pr->pr_held[p] += b->b_size;
	pr->pr_held_all += b->b_size;
	if (pr->pr_held_all > pr->pr_held_peak)
		pr->pr_held_peak = pr->pr_held_all;
	if (t->t_passed || b->b_first == t->t_ended) {
		task_ready(t, b);
		/* Those that waited for it. */
		while ((at = TAILQ_FIRST(&t->t_wait)) != NULL &&
		    at->b_first == t->t_ended) {
			TAILQ_REMOVE(&t->t_wait, at, b_entry);
			task_ready(t, at);
		}
	} else {
		/* A node's batches end about in the order they were sent. */
		TAILQ_FOREACH_REVERSE(at, &t->t_wait, batches, b_entry)
			if (at->b_first < b->b_first)
				break;
		if (at != NULL)
			TAILQ_INSERT_AFTER(&t->t_wait, at, b, b_entry);
		else
			TAILQ_INSERT_HEAD(&t->t_wait, b, b_entry);
	}
	task_finish(t);
	probe_merge(pr, p);
	probe_hold_limit(pr);
	probe_commit(pr);
}

/* The crawl ended: what is still held (feed gave up early) is written. */
static void
probe_write_rest(struct probe_crawl *pr)
{
	size_t	 i, p, np = pr->pr_cf->cf_nprobes;

	for (i = 0; i < pr->pr_ntasks; i++)
		task_pass(&pr->pr_tasks[i]);
	for (p = 0; p < np; p++)
		probe_merge(pr, p);
	probe_commit(pr);
}

/* A stopped crawl: what is held goes unwritten. */
static void
probe_drop_held(struct probe_crawl *pr)
{
	struct task	*t;
	struct batch	*b;
	size_t		 i;

	for (i = 0; i < pr->pr_ntasks; i++) {
		t = &pr->pr_tasks[i];
		while ((b = TAILQ_FIRST(&t->t_ready)) != NULL) {
			TAILQ_REMOVE(&t->t_ready, b, b_entry);
			batch_free(pr, b);
		}
		while ((b = TAILQ_FIRST(&t->t_wait)) != NULL) {
			TAILQ_REMOVE(&t->t_wait, b, b_entry);
			batch_free(pr, b);
		}
		free(t->t_front);
		t->t_front = NULL;
	}
}

/*
 * Hand a 2xx answer to the probe's kind.  -1 and the reason in err if the
 * answer is not valid: the rows it gave are dropped.  A store failure is
 * not the answer's: 0, with pr_failed set.
 */
static int
batch_answer(struct batch *b, const struct crawl_result *res, char *err,
    size_t errlen)
{
	struct task	*t = b->b_task;
	struct probe_crawl *pr = t->t_pr;
	const struct answer_kind *ak = pr->pr_kind[t->t_probe];
	void		*rd = b->b_reader;
	int		 failed = pr->pr_failed, rc;

	/* Read as it arrived, or (a kind that cannot, an empty body) whole. */
	b->b_reader = NULL;
	if (res->cr_streamed && rd != NULL)
		rc = ak->ak_end(rd, res, batch_row, b, err, errlen);
	else {
		if (rd != NULL)
			ak->ak_end(rd, NULL, NULL, NULL, NULL, 0);
		rc = ak->ak_extract(&b->b_ab, res, batch_row, b, err, errlen);
	}
	if (rc == 0)
		return 0;
	if (pr->pr_failed && !failed)
		return 0;
	/* Not one row of an answer that is not valid. */
	rowbuf_reset(pr->pr_rows[t->t_probe]);
	b->b_rows = b->b_unanswered = 0;
	return -1;
}

static void
node_error(struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
node_error(struct node *n, const char *fmt, ...)
{
	va_list	ap;

	free(n->n_last_error);
	va_start(ap, fmt);
	if (vasprintf(&n->n_last_error, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
}

/*
 * The crawl's co_final: does the kind of b's probe read answers with
 * this (non-2xx) status?  Those are not retried.
 */
static int
batch_final(void *arg, long status)
{
	struct batch	*b = arg;
	struct task	*t = b->b_task;
	const struct answer_kind *ak = t->t_pr->pr_kind[t->t_probe];

	return ak->ak_status != NULL &&
	    ak->ak_status(&t->t_pr->pr_cf->cf_probes[t->t_probe], status);
}

/* Drop the kind's reader of an earlier attempt of b, if any. */
static void
batch_unread(struct batch *b)
{
	struct task	*t = b->b_task;

	if (b->b_reader != NULL)
		t->t_pr->pr_kind[t->t_probe]->ak_end(b->b_reader, NULL, NULL,
		    NULL, NULL, 0);
	b->b_reader = NULL;
}

/*
 * The crawl's co_stream: an attempt's answer is read as it arrives when
 * the kind can and this status is one it reads (2xx, or what batch_final
 * takes); the reader of an earlier attempt is dropped, rows and all.
 */
static int
batch_stream(void *arg, long status)
{
	struct batch	*b = arg;
	struct task	*t = b->b_task;
	const struct answer_kind *ak = t->t_pr->pr_kind[t->t_probe];

	batch_unread(b);
	if (ak->ak_open == NULL || ((status < 200 || status > 299) &&
	    !batch_final(b, status)))
		return 0;
	b->b_reader = ak->ak_open(&b->b_ab);
	return 1;
}

/* The crawl's co_write: the next bytes of the answer being read. */
static void
batch_feed(void *arg, const char *bytes, size_t len)
{
	struct batch	*b = arg;
	struct task	*t = b->b_task;

	t->t_pr->pr_kind[t->t_probe]->ak_feed(b->b_reader, bytes, len);
}

/* Free what a batch holds of its items, and forget it. */
static void
batch_items_free(struct batch *b)
{
	free(b->b_items);
	free(b->b_text);
	free(b->b_lens);
	free(b->b_is_int);
	free(b->b_ids);
	free(b->b_id_int);
	b->b_items = NULL;
	b->b_text = NULL;
	b->b_lens = NULL;
	b->b_is_int = NULL;
	b->b_ids = NULL;
	b->b_id_int = NULL;
}

/*
 * A request ended: its rows (the kind's, or every item written off with
 * the reason) are written when their turn comes (batch_end), the node's
 * state at once.
 */
static void
batch_done(void *arg, const struct crawl_result *res)
{
	struct batch	*b = arg;
	struct task	*t = b->b_task;
	struct probe_crawl *pr = t->t_pr;
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	struct node	*n = &pr->pr_ns->ns_nodes[t->t_node];
	char		 err[512];
	int		 outcome = res->cr_outcome;

	err[0] = '\0';
	/* A complete answer with a status the probe reads is an answer. */
	if (outcome == CRAWL_HTTP_ERROR && !res->cr_truncated &&
	    batch_final(b, res->cr_status))
		outcome = CRAWL_OK;
	b->b_write = outcome != CRAWL_CANCELLED && !pr->pr_failed;
	if (outcome != CRAWL_OK)
		snprintf(err, sizeof(err), "%s", res->cr_error);
	else if (batch_answer(b, res, err, sizeof(err)) == -1) {
		outcome = PROBE_INVALID;
		/* An error page is not the answer a 503 was read for: say so. */
		if (res->cr_status < 200 || res->cr_status > 299) {
			char	tmp[sizeof(err)];

			snprintf(tmp, sizeof(tmp), "HTTP %ld: %s", res->cr_status,
			    err);
			memcpy(err, tmp, sizeof(err));
		}
	}

	pr->pr_counts[t->t_probe].pc_requests[outcome]++;
	pr->pr_progress.pp_requests++;
	n->n_requests++;
	if (outcome == CRAWL_CONNECT || outcome == CRAWL_TIMEOUT)
		n->n_unreachable++;
	else if (outcome != CRAWL_CANCELLED)
		n->n_unreachable = 0;
	if (outcome != CRAWL_OK) {
		n->n_failed++;
		node_error(n, "%s %s: %s", pc->pc_method ? "POST" : "GET",
		    pc->pc_path, err);
		batch_write_off(b, err);
	}

	t->t_outstanding--;
	pr->pr_outstanding--;
	pr->pr_node_out[t->t_node]--;
	batch_unread(b);
	batch_items_free(b);
	batch_end(pr, b);
}

/*
 * The items of a batch of an items_scope run task, copied together: in
 * the run's block they lie far apart (a node asks about one user in
 * thirty), and the body and the answer each read them; from one copy
 * they are read in order, not fetched from memory one by one each time.
 */

static void
batch_copy_items(struct batch *b)
{
	struct task	*t = b->b_task;
	const struct run_items *ri = t->t_pr->pr_run_items[t->t_probe];
	const uint32_t	*rows = t->t_rows + b->b_first;
	const char	*text, *item;
	size_t		 i, len = 0, *lens;
	char		*p;

	lens = xreallocarray(NULL, b->b_n + 1, sizeof(*lens));
	b->b_items = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_items));
	b->b_is_int = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_is_int));
	b->b_ids = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_ids));
	b->b_id_int = xmalloc(b->b_n + 1);
	/* Entries a few rows ahead are asked for while one is read. */
	for (i = 0; i < b->b_n; i++) {
		if (i + PREFETCH_AHEAD < b->b_n)
			run_items_prefetch(ri, rows[i + PREFETCH_AHEAD],
			    RUN_ITEMS_ROW);
		lens[i] = run_items_item_len(ri, rows[i]) + 1;
		len += lens[i];
		b->b_id_int[i] = run_items_id(ri, rows[i], &b->b_ids[i],
		    &text);
	}
	/* Each item written out in order (an address is decoded there). */
	b->b_text = p = xmalloc(len + 1);
	for (i = 0; i < b->b_n; i++) {
		if (i + PREFETCH_AHEAD < b->b_n)
			run_items_prefetch(ri, rows[i + PREFETCH_AHEAD],
			    RUN_ITEMS_ITEM);
		item = run_items_item(ri, rows[i], p, &b->b_is_int[i]);
		if (item != p)
			memcpy(p, item, lens[i]);
		b->b_items[i] = p;
		p += lens[i];
	}
	free(lens);
}

/*
 * Where {{items}} is in the body of a probe's batches that
 * batch_body_rows may write: a POST by its template, the kind making no
 * body of its own.  Whether the kind makes the body is the probe's
 * setting (JSON-RPC), not its items': the kind is asked with none.
 */
static const char *
items_in_template(const struct probe_conf *pc, const struct answer_kind *ak)
{
	size_t	 len;
	char	*p;

	if (pc->pc_method != 1)
		return NULL;
	if (ak->ak_body != NULL &&
	    (p = ak->ak_body(pc, NULL, NULL, 0, &len)) != NULL) {
		free(p);
		return NULL;
	}
	return strstr(pc->pc_body, "{{items}}");
}

/*
 * The body of a batch of an items_scope run task by the probe's template
 * (items_in_template), written straight from the run's items, as
 * probe_body writes them: an address is decoded in its place, and each
 * item is read where the body holds it, so the batch makes no other copy.
 * NULL if the body is made otherwise or an item would be escaped in it:
 * batch_copy_items then.
 */
static char *
batch_body_rows(struct probe_crawl *pr, struct batch *b, size_t *lenp)
{
	struct task	*t = b->b_task;
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	const char	*at = pr->pr_items_at[t->t_probe];
	struct buf	 body;
	size_t		 i, *offs;

	if (at == NULL)
		return NULL;
	buf_init(&body, 0);
	/* Room for the template and as many addresses: one allocation. */
	buf_reserve(&body, strlen(pc->pc_body) + 2 +
	    b->b_n * (RUN_ITEMS_HEX_LEN + 3));
	buf_add(&body, pc->pc_body, at - pc->pc_body);
	buf_putc(&body, '[');
	offs = xreallocarray(NULL, b->b_n + 1, sizeof(*offs));
	b->b_lens = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_lens));
	b->b_ids = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_ids));
	b->b_id_int = xmalloc(b->b_n + 1);
	if (run_items_json(pr->pr_run_items[t->t_probe], t->t_rows +
	    b->b_first, b->b_n, &body, offs, b->b_lens, b->b_ids,
	    b->b_id_int) == -1) {
		free(offs);
		batch_items_free(b);
		buf_release(&body);
		return NULL;
	}
	buf_putc(&body, ']');
	buf_puts(&body, at + strlen("{{items}}"));
	b->b_items = xreallocarray(NULL, b->b_n + 1, sizeof(*b->b_items));
	for (i = 0; i < b->b_n; i++)
		b->b_items[i] = body.b_data + offs[i];
	free(offs);
	b->b_ab.ab_lens = b->b_lens;
	return buf_take(&body, lenp);
}

/*
 * Once its body is made, the items of b's copy are read where the body
 * holds them, byte for byte (a JSON string that needs no escape, or an
 * integer), and the copy goes: a batch in flight holds its items once.
 * The body has them in order, so each is looked for after the one
 * before; if one is not there as it is, the copy stays.
 */
static void
batch_items_in_body(struct batch *b, const char *body, size_t len)
{
	const char	*at, *from = body;
	uint32_t	*lens;
	char		**items;
	size_t		 i, n;

	if (b->b_text == NULL || body == NULL)
		return;
	lens = xreallocarray(NULL, b->b_n + 1, sizeof(*lens));
	items = xreallocarray(NULL, b->b_n + 1, sizeof(*items));
	for (i = 0; i < b->b_n; i++) {
		n = strlen(b->b_items[i]);
		/* A few bytes on, most often: no search set up for it. */
		for (at = from; n > 0 && (at = memchr(at, b->b_items[i][0],
		    body + len - at)) != NULL; at++)
			if ((size_t)(body + len - at) >= n &&
			    memcmp(at, b->b_items[i], n) == 0)
				break;
		if (at == NULL || (size_t)(body + len - at) < n) {
			free(lens);
			free(items);
			return;
		}
		items[i] = (char *)at;
		lens[i] = (uint32_t)n;
		from = at + n;
	}
	free(b->b_items);
	free(b->b_text);
	free(b->b_is_int);
	b->b_items = items;
	b->b_text = NULL;
	b->b_is_int = NULL;
	b->b_lens = lens;
	b->b_ab.ab_items = items;
	b->b_ab.ab_lens = lens;
}

/* Queue the next batch of t. */
static void
task_send(struct probe_crawl *pr, struct task *t)
{
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	struct node	*n = &pr->pr_ns->ns_nodes[t->t_node];
	struct batch	*b;
	char		*url, *body = NULL, **items;
	const int	*is_int;
	size_t		 len = 0;

	b = xcalloc(1, sizeof(*b));
	b->b_task = t;
	if (task_has_items(t)) {
		b->b_first = t->t_next;
		b->b_n = t->t_nitems - t->t_next;
		if (b->b_n > (size_t)pc->pc_batch)
			b->b_n = pc->pc_batch;
		t->t_next += b->b_n;
	} else
		t->t_single_sent = 1;
	if (t->t_rows != NULL && b->b_n > 0 &&
	    (body = batch_body_rows(pr, b, &len)) == NULL)
		batch_copy_items(b);
	items = b->b_items != NULL ? b->b_items : t->t_items != NULL ?
	    t->t_items + b->b_first : NULL;
	is_int = b->b_is_int != NULL ? b->b_is_int : t->t_items != NULL ?
	    t->t_is_int + b->b_first : NULL;
	b->b_ab.ab_probe = pc;
	b->b_ab.ab_items = items;
	b->b_ab.ab_nitems = task_has_items(t) ? b->b_n : 0;
	if (body == NULL && pc->pc_method == 1 &&
	    pr->pr_kind[t->t_probe]->ak_body != NULL)
		body = pr->pr_kind[t->t_probe]->ak_body(pc, items, is_int,
		    b->b_n, &len);
	if (pc->pc_method == 1 && body == NULL)
		body = probe_body(pc->pc_body, items, is_int, b->b_n, &len);
	batch_items_in_body(b, body, len);
	xasprintf(&url, "%s%s", n->n_url, pc->pc_path);
	t->t_outstanding++;
	pr->pr_outstanding++;
	pr->pr_node_out[t->t_node]++;
	crawl_add(pr->pr_crawl, (int)t->t_node, pc->pc_method ? "POST" : "GET",
	    url, pc->pc_content_type, body, len, batch_done, b);
	free(url);
}

/*
 * Write off up to n items t has not sent (all of them for a node whose
 * url is unusable, the rest, a batch at a time, for a node that gave up
 * answering): a row with why for each item, as one more batch of t.
 */
static int
task_write_off(struct probe_crawl *pr, struct task *t, const char *why,
    size_t n)
{
	struct batch	*b;

	b = xcalloc(1, sizeof(*b));
	b->b_task = t;
	b->b_first = t->t_next;
	b->b_n = task_has_items(t) ? t->t_nitems - t->t_next : 0;
	if (b->b_n > n)
		b->b_n = n;
	b->b_write = 1;
	batch_write_off(b, why);
	t->t_next += b->b_n;
	if (t->t_next == t->t_nitems)
		t->t_single_sent = 1;
	batch_end(pr, b);
	return pr->pr_failed ? -1 : 0;
}

/*
 * Is t's next request before u's?  By their first item, then by node:
 * the nodes move through the items together, and their rows are written
 * in that order.  Those without items (a request each) go last.
 */
static int
task_next_before(const struct task *t, const struct task *u)
{
	const char	*tx, *ux;
	int64_t		 ti = 0, ui = 0;
	int		 c, jt, ju;

	if (!task_has_items(t) || !task_has_items(u)) {
		if (task_has_items(t) != task_has_items(u))
			return task_has_items(t);
		return t < u;
	}
	jt = task_id(t, t->t_next, &ti, &tx);
	ju = task_id(u, u->t_next, &ui, &ux);
	c = id_cmp(jt, ti, tx, ju, ui, ux);
	return c != 0 ? c < 0 : t < u;
}

/*
 * A node given up: its items are written off as the probe's other nodes
 * answer for them, a batch at a time, up to the first item one of them
 * waited for has not answered yet.  Written off at once, its rows would
 * be held for the key order until the others caught up, at the end of
 * the crawl, and past the hold limit every other node would stop being
 * waited for.
 */
static int
task_write_off_due(struct probe_crawl *pr, struct task *t)
{
	const struct probe_conf *pc = &pr->pr_cf->cf_probes[t->t_probe];
	size_t		 np = pr->pr_cf->cf_nprobes, i;
	struct task	*u, *low = NULL;
	const char	*ux, *lx = NULL, *tx;
	int64_t		 ui, li = 0, ti;
	int		 ju, jl = 0, jt;

	if (!task_has_items(t))
		return task_write_off(pr, t, give_up, SIZE_MAX);
	for (i = t->t_probe; i < pr->pr_ntasks; i += np) {
		u = &pr->pr_tasks[i];
		if (u == t || u->t_done || u->t_passed || !task_has_items(u) ||
		    u->t_ended >= u->t_nitems ||
		    pr->pr_ns->ns_nodes[u->t_node].n_unreachable >= NODE_GIVE_UP)
			continue;
		ju = task_id(u, u->t_ended, &ui, &ux);
		if (low == NULL || id_cmp(ju, ui, ux, jl, li, lx) < 0) {
			low = u;
			jl = ju;
			li = ui;
			lx = ux;
		}
	}
	while (task_more(t)) {
		if (low != NULL) {
			jt = task_id(t, t->t_next, &ti, &tx);
			if (id_cmp(jt, ti, tx, jl, li, lx) > 0)
				break;
		}
		if (task_write_off(pr, t, give_up, (size_t)pc->pc_batch) == -1)
			return -1;
	}
	return 0;
}

/* Load every task not yet loaded (all of them, at the first call). */
static void
probe_load(struct probe_crawl *pr)
{
	struct task	*t;
	struct node	*n;
	size_t		 i;

	for (i = pr->pr_first_open; i < pr->pr_ntasks && !pr->pr_failed; i++) {
		t = &pr->pr_tasks[i];
		n = &pr->pr_ns->ns_nodes[t->t_node];
		if (t->t_done || t->t_loaded)
			continue;
		if (task_load(pr, t) == -1) {
			pr->pr_failed = 1;
			break;
		}
		if (!n->n_url_ok) {
			if (task_write_off(pr, t, n->n_last_error,
			    SIZE_MAX) == -1)
				pr->pr_failed = 1;
			continue;
		}
		/* An items probe without items: nothing to ask. */
		if (!task_has_items(t) &&
		    pr->pr_items_stmt[t->t_probe] != NULL) {
			task_set_done(t);
			probe_merge(pr, t->t_probe);
			probe_commit(pr);
		}
	}
}

static int
probe_feed(void *arg)
{
	struct probe_crawl *pr = arg;
	struct task	*t, *next;
	struct node	*n;
	size_t		 i, per_node = pr->pr_cf->cf_per_node;
	int64_t		 cap = pr->pr_cf->cf_concurrency;

	while (pr->pr_first_open < pr->pr_ntasks &&
	    pr->pr_tasks[pr->pr_first_open].t_done)
		pr->pr_first_open++;
	probe_load(pr);
	/*
	 * Nodes given up first, once a call: what they may write off
	 * depends on answers, which come between calls, not on sends.
	 */
	for (i = pr->pr_first_open; i < pr->pr_ntasks && !pr->pr_failed;
	    i++) {
		t = &pr->pr_tasks[i];
		n = &pr->pr_ns->ns_nodes[t->t_node];
		if (task_more(t) && n->n_unreachable >= NODE_GIVE_UP &&
		    task_write_off_due(pr, t) == -1)
			pr->pr_failed = 1;
	}
	while (pr->pr_outstanding < cap && !pr->pr_failed) {
		next = NULL;
		for (i = pr->pr_first_open; i < pr->pr_ntasks; i++) {
			t = &pr->pr_tasks[i];
			n = &pr->pr_ns->ns_nodes[t->t_node];
			if (!task_more(t) || n->n_unreachable >= NODE_GIVE_UP)
				continue;
			if (pr->pr_node_out[t->t_node] < per_node &&
			    (next == NULL || task_next_before(t, next)))
				next = t;
		}
		if (next == NULL)
			break;
		task_send(pr, next);
	}
	if (pr->pr_failed)
		return 0;
	for (i = pr->pr_first_open; i < pr->pr_ntasks; i++) {
		t = &pr->pr_tasks[i];
		if (!t->t_done && (!t->t_loaded || task_more(t)))
			return 1;
	}
	return 0;
}

static sqlite3_stmt *
insert_stmt(struct store *st, const struct probe_conf *pc, int64_t run_id,
    size_t *ncolsp)
{
	struct answer_column *cols;
	struct buf	 sql;
	char		*name, *table;
	sqlite3_stmt	*stmt;
	size_t		 j, ncols;

	answer_of(pc)->ak_columns(pc, &cols, &ncols);
	buf_init(&sql, 0);
	stmt = NULL;
	/* The merged rows (node, item, values, error), as a table. */
	buf_printf(&sql, "DROP TABLE IF EXISTS temp.\"rows_probe_%s\"; CREATE "
	    "VIRTUAL TABLE temp.\"rows_probe_%s\" USING vantage_rows(%zu)",
	    pc->pc_name, pc->pc_name, ncols + 3);
	if (store_exec(st, sql.b_data) == -1)
		goto out;
	/* Into the run's table (the run is implied by it). */
	buf_reset(&sql);
	xasprintf(&name, "probe_%s", pc->pc_name);
	table = store_run_table(name, run_id);
	buf_printf(&sql, "INSERT INTO main.\"%s\" (node_id, item", table);
	free(table);
	free(name);
	for (j = 0; j < ncols; j++)
		buf_printf(&sql, ", \"%s\"", cols[j].ac_name);
	buf_puts(&sql, ", error) SELECT c0");
	for (j = 1; j < ncols + 3; j++)
		buf_printf(&sql, ", c%zu", j);
	buf_printf(&sql, " FROM temp.\"rows_probe_%s\" WHERE src = ?1",
	    pc->pc_name);
	stmt = store_prepare(st, sql.b_data);
out:
	buf_release(&sql);
	free(cols);
	*ncolsp = ncols;
	return stmt;
}

/* A node's id as a cell (rows.h), to sort the nodes by. */
struct node_key {
	const unsigned char *nk_cell;
	size_t		 nk_node;
};

/*
 * SQLite's order of node ids (rows_cell_cmp): numbers by value, then text
 * by its bytes, then blobs.  It only decides what the inserts cost, never
 * what they store.
 */
static int
node_key_cmp(const void *a, const void *b)
{
	return rows_cell_cmp(((const struct node_key *)a)->nk_cell,
	    ((const struct node_key *)b)->nk_cell);
}

/*
 * The tasks, node by node in the key order of their ids (rows of one item
 * are merged in that order), each node's probes together.  A kind that
 * appends has no key: its rows never wait.
 */
static void
probe_tasks(struct probe_crawl *pr)
{
	const struct config *cf = pr->pr_cf;
	struct nodeset	*ns = pr->pr_ns;
	struct node_key	*order;
	struct task	*t;
	const unsigned char *cells;
	size_t		 i, n, p, len;

	/* Each node's id as the merged rows give it, a cell. */
	pr->pr_node_cells = rowbuf_new(1);
	pr->pr_node_cell = xcalloc(ns->ns_len + 1, sizeof(*pr->pr_node_cell));
	for (n = 0; n < ns->ns_len; n++) {
		rowbuf_bytes(pr->pr_node_cells, &pr->pr_node_cell[n]);
		rowbuf_value(pr->pr_node_cells, ns->ns_nodes[n].n_id);
	}
	cells = rowbuf_bytes(pr->pr_node_cells, &len);
	order = xcalloc(ns->ns_len + 1, sizeof(*order));
	for (n = 0; n < ns->ns_len; n++) {
		order[n].nk_cell = cells + pr->pr_node_cell[n];
		order[n].nk_node = n;
	}
	qsort(order, ns->ns_len, sizeof(*order), node_key_cmp);
	pr->pr_ntasks = ns->ns_len * cf->cf_nprobes;
	pr->pr_tasks = xcalloc(pr->pr_ntasks + 1, sizeof(*pr->pr_tasks));
	for (n = 0, i = 0; n < ns->ns_len; n++)
		for (p = 0; p < cf->cf_nprobes; p++, i++) {
			t = &pr->pr_tasks[i];
			t->t_pr = pr;
			t->t_probe = p;
			t->t_node = order[n].nk_node;
			TAILQ_INIT(&t->t_ready);
			TAILQ_INIT(&t->t_wait);
			t->t_passed = pr->pr_kind[p]->ak_append;
		}
	free(order);
	pr->pr_heads = xcalloc(ns->ns_len + 1, sizeof(*pr->pr_heads));
	pr->pr_tree = xcalloc(ns->ns_len + 1, sizeof(*pr->pr_tree));
}

int
probe_crawl(const struct config *cf, struct store *st, int64_t run_id,
    struct nodeset *ns, struct probe_counts *counts,
    volatile sig_atomic_t *stop)
{
	struct probe_crawl pr;
	struct crawl_opts co;
	struct query_params qp;
	char		*why;
	size_t		 i, p, n;
	int64_t		 cache = 0;
	int		 rc = -1, crc;

	memset(&pr, 0, sizeof(pr));
	pr.pr_cf = cf;
	pr.pr_st = st;
	pr.pr_run_id = run_id;
	pr.pr_ns = ns;
	pr.pr_counts = counts;
	pr.pr_stop = stop;
	pr.pr_hold_max = cf->cf_memory_limit > 0 ?
	    (size_t)(cf->cf_memory_limit / HOLD_SHARE) : HOLD_NO_LIMIT;
	memset(counts, 0, cf->cf_nprobes * sizeof(*counts));
	pr.pr_items_stmt = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_items_stmt));
	pr.pr_run_items = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_run_items));
	pr.pr_insert = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_insert));
	pr.pr_rows = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_rows));
	pr.pr_spare = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_spare));
	TAILQ_INIT(&pr.pr_written);
	pr.pr_held = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_held));
	pr.pr_kind = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_kind));
	pr.pr_items_at = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_items_at));
	pr.pr_ncols = xcalloc(cf->cf_nprobes + 1, sizeof(*pr.pr_ncols));
	pr.pr_node_out = xcalloc(ns->ns_len + 1, sizeof(*pr.pr_node_out));
	if (probe_run_tables(cf, st, run_id) == -1)
		goto out;
	qp.qp_pairs = cf->cf_params;
	qp.qp_n = cf->cf_nparams;
	for (p = 0; p < cf->cf_nprobes; p++) {
		pr.pr_kind[p] = answer_of(&cf->cf_probes[p]);
		pr.pr_items_at[p] = items_in_template(&cf->cf_probes[p],
		    pr.pr_kind[p]);
		if ((pr.pr_insert[p] = insert_stmt(st, &cf->cf_probes[p],
		    run_id, &pr.pr_ncols[p])) == NULL)
			goto out;
		pr.pr_rows[p] = rowbuf_new(pr.pr_ncols[p] + 2);
		if (cf->cf_probes[p].pc_items[0] != '\0' &&
		    (pr.pr_items_stmt[p] = store_prepare(st,
		    cf->cf_probes[p].pc_items)) == NULL) {
			log_warnx("probe %s: the items query does not prepare",
			    cf->cf_probes[p].pc_name);
			goto out;
		}
		if (pr.pr_items_stmt[p] != NULL &&
		    cf->cf_probes[p].pc_items_scope == ITEMS_SCOPE_NODE &&
		    sqlite3_column_count(pr.pr_items_stmt[p]) != 1 &&
		    sqlite3_column_count(pr.pr_items_stmt[p]) != 2) {
			log_warnx("probe %s: the items query must yield the item "
			    "and, optionally, its key", cf->cf_probes[p].pc_name);
			goto out;
		}
		/* Bindings last across resets: the params once, here. */
		if (pr.pr_items_stmt[p] != NULL &&
		    query_bind_params(pr.pr_items_stmt[p], &qp, &why) == -1) {
			log_warnx("probe %s: items: %s", cf->cf_probes[p].pc_name,
			    why);
			free(why);
			goto out;
		}
		/* items_scope run: every node's items from one scan, now. */
		if (pr.pr_items_stmt[p] != NULL &&
		    cf->cf_probes[p].pc_items_scope == ITEMS_SCOPE_RUN) {
			store_bind_common(pr.pr_items_stmt[p], run_id, NULL);
			if ((pr.pr_run_items[p] = run_items_load(
			    pr.pr_items_stmt[p], ns, cf->cf_probes[p].pc_name)) ==
			    NULL)
				goto out;
		}
	}
	probe_tasks(&pr);

	pr.pr_progress.pp_nodes = ns->ns_len;
	progress_report(&pr);

	memset(&co, 0, sizeof(co));
	co.co_concurrency = cf->cf_concurrency;
	co.co_per_node = cf->cf_per_node;
	co.co_timeout_ms = cf->cf_timeout_ms;
	co.co_connect_timeout_ms = cf->cf_connect_timeout_ms;
	co.co_retries = cf->cf_retries;
	co.co_backoff_ms = cf->cf_backoff_ms;
	co.co_backoff_max_ms = cf->cf_backoff_max_ms;
	co.co_max_response = cf->cf_max_response;
	co.co_memory_limit = cf->cf_memory_limit;
	co.co_deny = cf->cf_deny;
	co.co_ndeny = cf->cf_ndeny;
	co.co_user_agent = cf->cf_user_agent;
	co.co_final = batch_final;
	co.co_stream = batch_stream;
	co.co_write = batch_feed;
	if ((pr.pr_crawl = crawl_new(&co)) == NULL)
		goto out;
	cache = store_cache_size(st, -CRAWL_CACHE_KIB);
	crc = crawl_run(pr.pr_crawl, probe_feed, &pr, stop);
	if (crc == 0 && !pr.pr_failed)
		probe_write_rest(&pr);
	log_debug("probe: rows held for the key order: at most %zu KiB (limit "
	    "%zu KiB), %zu node(s) not waited for", pr.pr_held_peak / 1024,
	    pr.pr_hold_max / 1024, pr.pr_not_waited);
	if (pr.pr_failed) {
		log_warnx("probe: the store failed during the crawl");
		goto out;
	}
	if (crc == -1) {
		log_warnx("probe: crawl interrupted");
		goto out;
	}
	for (n = 0; n < ns->ns_len; n++)
		if (ns->ns_nodes[n].n_failed > 0)
			log_warnx("crawl: %s: %" PRId64 " of %" PRId64
			    " requests failed; last: %s",
			    ns->ns_nodes[n].n_url_orig, ns->ns_nodes[n].n_failed,
			    ns->ns_nodes[n].n_requests,
			    ns->ns_nodes[n].n_last_error);
	rc = 0;
out:
	if (cache != 0)
		store_cache_size(st, cache);
	crawl_free(pr.pr_crawl);
	probe_drop_held(&pr);
	for (i = 0; i < pr.pr_ntasks; i++)
		task_release(&pr.pr_tasks[i]);
	free(pr.pr_tasks);
	for (p = 0; p < cf->cf_nprobes; p++) {
		run_items_free(pr.pr_run_items[p]);
		sqlite3_finalize(pr.pr_items_stmt[p]);
		sqlite3_finalize(pr.pr_insert[p]);
		rowbuf_free(pr.pr_rows[p]);
		rowbuf_free(pr.pr_spare[p]);
	}
	free(pr.pr_items_stmt);
	free(pr.pr_run_items);
	free(pr.pr_insert);
	free(pr.pr_rows);
	free(pr.pr_spare);
	free(pr.pr_heads);
	free(pr.pr_tree);
	free(pr.pr_node_cell);
	rowbuf_free(pr.pr_node_cells);
	free(pr.pr_held);
	free(pr.pr_kind);
	free(pr.pr_items_at);
	free(pr.pr_ncols);
	free(pr.pr_node_out);
	return rc;
}
