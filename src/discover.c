/* discover.c -- a run's nodes and index tables, from whichever source */

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

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "discover.h"
#include "labels.h"
#include "source.h"
#include "log.h"
#include "rows.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_NODES	100000
#define ROWS_BATCH	4096	/* index table rows inserted at once */

static void
node_free(struct node *n)
{
	sqlite3_value_free(n->n_id);
	free(n->n_url);
	free(n->n_url_orig);
	free(n->n_last_error);
}

void
nodeset_release(struct nodeset *ns)
{
	size_t	i;

	for (i = 0; i < ns->ns_len; i++)
		node_free(&ns->ns_nodes[i]);
	free(ns->ns_nodes);
	ns->ns_nodes = NULL;
	ns->ns_len = 0;
}

/* What a source hands over, into the run's tables and node list. */
struct source_sink {
	const struct config *sk_cf;
	struct store	*sk_st;
	int64_t		 sk_run_id;
	struct nodeset	*sk_ns;
	sqlite3_stmt	*sk_node_ins;
	sqlite3_stmt	*sk_id_sel;	/* SELECT ?1: an sval as an SQL value */
	size_t		 sk_cap;
	size_t		*sk_urls;	/* open addressing: node index + 1 */
	size_t		 sk_urls_mask;
	int		 sk_store_failed;	/* the store, not the source */
	/* The index table being copied. */
	const struct table_conf *sk_tc;
	sqlite3_stmt	*sk_row_ins;	/* INSERT ... SELECT of sk_held */
	struct rowbuf	*sk_held;	/* rows not yet inserted */
	size_t		 sk_ncols;
	int64_t		 sk_rows;
	char		*sk_col0;	/* the name of its first column */
	int		 sk_ordered;	/* rows so far in order of it */
	struct buf	 sk_last;	/* the last row's first cell (rows.h) */
};

static void
bind_sval(sqlite3_stmt *stmt, int col, const struct sval *v)
{
	switch (v->sv_type) {
	case SV_INTEGER:
		sqlite3_bind_int64(stmt, col, v->sv_int);
		break;
	case SV_REAL:
		sqlite3_bind_double(stmt, col, v->sv_real);
		break;
	case SV_TEXT:
		sqlite3_bind_text(stmt, col, v->sv_text, (int)v->sv_len,
		    SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(stmt, col);
	}
}

static const char *
sval_text(const struct sval *v, char *buf, size_t size)
{
	switch (v->sv_type) {
	case SV_INTEGER:
		snprintf(buf, size, "%" PRId64, v->sv_int);
		return buf;
	case SV_REAL:
		snprintf(buf, size, "%g", v->sv_real);
		return buf;
	case SV_TEXT:
		snprintf(buf, size, "%.*s", (int)(v->sv_len < 200 ? v->sv_len :
		    200), v->sv_text);
		return buf;
	default:
		return "NULL";
	}
}

static int	sink_node(struct source_sink *, const struct sval *, const char *,
		    const char *, size_t, char **);

/* The index of the node already listed with this url, or -1. */
static ssize_t
sink_url_find(const struct source_sink *sk, const char *url)
{
	size_t	h, i;

	if (sk->sk_urls == NULL)
		return -1;
	h = fnv1a64(url, strlen(url)) & sk->sk_urls_mask;
	while ((i = sk->sk_urls[h]) != 0) {
		if (strcmp(sk->sk_ns->ns_nodes[i - 1].n_url_orig, url) == 0)
			return (ssize_t)(i - 1);
		h = (h + 1) & sk->sk_urls_mask;
	}
	return -1;
}

static void
sink_url_put(size_t *slots, size_t mask, const char *url, size_t idx)
{
	size_t	h = fnv1a64(url, strlen(url)) & mask;

	while (slots[h] != 0)
		h = (h + 1) & mask;
	slots[h] = idx + 1;
}

/* Remember the url of the node just appended. */
static void
sink_url_add(struct source_sink *sk)
{
	struct nodeset	*ns = sk->sk_ns;
	size_t		 size, i, *slots;

	if (ns->ns_len * 2 > sk->sk_urls_mask) {
		size = sk->sk_urls_mask ? (sk->sk_urls_mask + 1) * 2 : 256;
		slots = xcalloc(size, sizeof(*slots));
		for (i = 0; i + 1 < ns->ns_len; i++)
			sink_url_put(slots, size - 1, ns->ns_nodes[i].n_url_orig,
			    i);
		free(sk->sk_urls);
		sk->sk_urls = slots;
		sk->sk_urls_mask = size - 1;
	}
	sink_url_put(sk->sk_urls, sk->sk_urls_mask,
	    ns->ns_nodes[ns->ns_len - 1].n_url_orig, ns->ns_len - 1);
}

int
source_node(struct source_sink *sk, const struct sval *id, const char *url,
    const struct labels *ls, char **cause)
{
	struct buf	 json;
	int		 rc;

	buf_init(&json, 0);
	if (ls != NULL)
		labels_json(ls, &json);
	else
		buf_puts(&json, "{}");
	rc = sink_node(sk, id, url, json.b_data, json.b_len, cause);
	buf_release(&json);
	return rc;
}

/*
 * Why url cannot be a node's url, as a suffix for "invalid url '...'", or
 * NULL.  Node lists may come from registries anyone writes to, so a url
 * that would smuggle something into the request is refused: a query or
 * fragment (the probe path would land in it) or user info (user@host).
 */
static const char *
url_invalid(const char *url)
{
	const char	*host;
	size_t		 hostlen;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return "";
	if (strcspn(url, " \t\r\n") != strlen(url) ||
	    !utf8_valid(url, strlen(url)))
		return "";
	if (strpbrk(url, "?#") != NULL)
		return ": has a query or fragment";
	hostlen = strcspn(host, "/");
	if (memchr(host, '@', hostlen) != NULL)
		return ": has user info (user@host)";
	if (hostlen == 0)
		return ": has no host";
	return NULL;
}

/* A node with its labels as a JSON object already. */
static int
sink_node(struct source_sink *sk, const struct sval *id, const char *url,
    const char *labels, size_t labels_len, char **cause)
{
	struct nodeset	*ns = sk->sk_ns;
	struct node	*n;
	sqlite3_value	*idv;
	sqlite3_stmt	*q;
	const char	*why;
	char		 b1[256], b2[256];
	ssize_t		 other;
	size_t		 len;
	int		 rc;

	if (id->sv_type == SV_NULL) {
		log_warnx("discover: a node without id (url '%.200s'); skipped",
		    url);
		return 0;
	}
	if (ns->ns_len >= MAX_NODES) {
		xasprintf(cause, "more than %d nodes", MAX_NODES);
		return -1;
	}
	/* Nodes found twice (the same url) are one node. */
	if ((other = sink_url_find(sk, url)) != -1) {
		snprintf(b2, sizeof(b2), "%.200s", (const char *)
		    sqlite3_value_text(ns->ns_nodes[other].n_id));
		log_warnx("discover: node %s: url '%.200s' is node %s's too; "
		    "kept once", sval_text(id, b1, sizeof(b1)), url, b2);
		return 0;
	}
	/* The primary key (run_id, node_id) finds repeated ids. */
	q = sk->sk_node_ins;
	sqlite3_bind_int64(q, 1, sk->sk_run_id);
	bind_sval(q, 2, id);
	sqlite3_bind_text(q, 3, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, labels, (int)labels_len, SQLITE_STATIC);
	if (store_step_done(sk->sk_st, q, "nodes") == -1) {
		xasprintf(cause, "store: nodes: %s", store_errmsg(sk->sk_st));
		sk->sk_store_failed = 1;
		return -1;
	}
	if (store_changes(sk->sk_st) == 0) {
		log_warnx("discover: node %s listed twice; the first row is kept",
		    sval_text(id, b1, sizeof(b1)));
		return 0;
	}
	if (ns->ns_len == sk->sk_cap) {
		sk->sk_cap = sk->sk_cap == 0 ? 64 : sk->sk_cap * 2;
		ns->ns_nodes = xreallocarray(ns->ns_nodes, sk->sk_cap,
		    sizeof(*ns->ns_nodes));
	}
	n = &ns->ns_nodes[ns->ns_len++];
	memset(n, 0, sizeof(*n));
	/* The id as an SQL value, for binding :node_id in probes. */
	bind_sval(sk->sk_id_sel, 1, id);
	idv = NULL;
	if ((rc = sqlite3_step(sk->sk_id_sel)) == SQLITE_ROW)
		idv = sqlite3_value_dup(sqlite3_column_value(sk->sk_id_sel, 0));
	sqlite3_reset(sk->sk_id_sel);
	if (idv == NULL)
		fatalx("discover: node id: out of memory");
	n->n_id = idv;
	n->n_url_orig = xstrdup(url);
	n->n_url = xstrdup(url);
	len = strlen(n->n_url);
	while (len > 0 && n->n_url[len - 1] == '/')
		n->n_url[--len] = '\0';
	if ((why = url_invalid(url)) != NULL)
		xasprintf(&n->n_last_error, "invalid url '%.200s'%s", url, why);
	n->n_url_ok = why == NULL;
	sink_url_add(sk);
	return 0;
}

/* CREATE INDEX for one "a, b" spec: name table_a_b, columns (a, b). */
static void
index_sql(struct buf *sql, const char *table, const char *spec)
{
	char	*copy, *tok, *save = NULL;
	struct buf name, cols;

	buf_init(&name, 0);
	buf_init(&cols, 0);
	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		buf_printf(&name, "_%s", tok);
		buf_printf(&cols, "%s\"%s\"", cols.b_len ? ", " : "", tok);
	}
	free(copy);
	buf_printf(sql, "CREATE INDEX IF NOT EXISTS main.\"%s%s\" ON \"%s\" "
	    "(%s)", table, name.b_data ? name.b_data : "", table,
	    cols.b_data ? cols.b_data : "");
	buf_release(&name);
	buf_release(&cols);
}

/*
 * The run's table of tc is loaded: build its indexes (sorting the whole
 * table once is far cheaper than keeping indexes up to date row by row,
 * in whatever order discovery gives), then point the views at it.
 */
static int
table_finish(struct store *st, const struct table_conf *tc, int64_t run_id)
{
	struct buf	 sql;
	char		*table;
	size_t		 i;
	int		 rc = 0;

	table = store_run_table(tc->tc_name, run_id);
	buf_init(&sql, 0);
	for (i = 0; i < tc->tc_nindexes && rc == 0; i++) {
		buf_reset(&sql);
		index_sql(&sql, table, tc->tc_indexes[i]);
		rc = store_exec(st, sql.b_data);
	}
	if (rc == 0)
		rc = store_run_table_add(st, tc->tc_name, run_id);
	buf_release(&sql);
	free(table);
	return rc;
}

/* Is every column of an index spec among the table's columns? */
static int
index_columns_ok(const char *spec, char *const *cols, size_t ncols,
    const char *table, char **cause)
{
	char	*copy, *tok, *save = NULL;
	size_t	 i;
	int	 rc = 0;

	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ", ", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < ncols; i++)
			if (strcasecmp(cols[i], tok) == 0)
				break;
		if (i == ncols) {
			xasprintf(cause, "discovery.tables %s: index column "
			    "'%s' is not in the query's columns", table, tok);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/*
 * temp.discovery_order: the run's index tables whose rows discovery wrote
 * in ascending order of their first column (ordered_by), so that a query
 * can read them in that order without sorting them.  A table not listed
 * is in no known order.  Temporary: the queries of a run read it on the
 * connection that discovered.
 */
static int
order_init(struct store *st)
{
	return store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS "
	    "discovery_order (name TEXT NOT NULL, run_id INTEGER NOT NULL, "
	    "ordered_by TEXT NOT NULL, PRIMARY KEY (name, run_id))");
}

/* Table name of run_id is in order of column (NULL: in no known order). */
static int
order_note(struct store *st, const char *name, int64_t run_id,
    const char *column)
{
	sqlite3_stmt	*q;
	int		 rc;

	if ((q = store_prepare(st, "DELETE FROM temp.discovery_order "
	    "WHERE name = ?1")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = store_step_done(st, q, "discovery order");
	sqlite3_finalize(q);
	if (rc == -1 || column == NULL)
		return rc;
	if ((q = store_prepare(st, "INSERT INTO temp.discovery_order "
	    "(name, run_id, ordered_by) VALUES (?1, ?2, ?3)")) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, run_id);
	sqlite3_bind_text(q, 3, column, -1, SQLITE_STATIC);
	rc = store_step_done(st, q, "discovery order");
	sqlite3_finalize(q);
	return rc;
}

/* The column table name of run from was in order of, or NULL; caller frees. */
static char *
order_of(struct store *st, const char *name, int64_t from)
{
	sqlite3_stmt	*q;
	char		*col = NULL;

	if ((q = store_prepare(st, "SELECT ordered_by FROM "
	    "temp.discovery_order WHERE name = ?1 AND run_id = ?2")) == NULL)
		return NULL;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, from);
	if (sqlite3_step(q) == SQLITE_ROW)
		col = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return col;
}

int
source_table_begin(struct source_sink *sk, const struct table_conf *tc,
    char *const *cols, size_t ncols, char **cause)
{
	struct buf	 sql;
	char		*table = NULL;
	size_t		 i;
	int		 rc = -1;

	sk->sk_tc = tc;
	sk->sk_ncols = ncols;
	sk->sk_rows = 0;
	buf_init(&sql, 0);
	if (ncols == 0) {
		xasprintf(cause, "discovery.tables %s: the query yields no "
		    "columns", tc->tc_name);
		goto out;
	}
	if (ncols > ROWS_MAX_WIDTH) {
		xasprintf(cause, "discovery.tables %s: the query yields %zu "
		    "columns; at most %d", tc->tc_name, ncols, ROWS_MAX_WIDTH);
		goto out;
	}
	for (i = 0; i < ncols; i++)
		if (!valid_ident(cols[i]) || strcasecmp(cols[i], "run_id") == 0) {
			xasprintf(cause, "discovery.tables %s: column '%s' is not "
			    "a plain name other than run_id; give it one with AS",
			    tc->tc_name, cols[i]);
			goto out;
		}
	for (i = 0; i < tc->tc_nindexes; i++)
		if (index_columns_ok(tc->tc_indexes[i], cols, ncols,
		    tc->tc_name, cause) == -1)
			goto out;
	/* The run's own table, filled in discovery's order, indexed after. */
	table = store_run_table(tc->tc_name, sk->sk_run_id);
	buf_printf(&sql, "DROP TABLE IF EXISTS main.\"%s\"", table);
	if (store_exec(sk->sk_st, sql.b_data) == -1)
		goto store;
	buf_reset(&sql);
	buf_printf(&sql, "CREATE TABLE main.\"%s\" (", table);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s\"%s\"", i > 0 ? ", " : "", cols[i]);
	buf_puts(&sql, ")");
	if (store_exec(sk->sk_st, sql.b_data) == -1)
		goto store;
	/* The rows, a few thousand at a time through vantage_rows. */
	buf_reset(&sql);
	buf_printf(&sql, "DROP TABLE IF EXISTS temp.\"rows_table_%s\"; CREATE "
	    "VIRTUAL TABLE temp.\"rows_table_%s\" USING vantage_rows(%zu)",
	    tc->tc_name, tc->tc_name, ncols);
	if (store_exec(sk->sk_st, sql.b_data) == -1)
		goto store;
	buf_reset(&sql);
	buf_printf(&sql, "INSERT INTO main.\"%s\" (", table);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s\"%s\"", i > 0 ? ", " : "", cols[i]);
	buf_puts(&sql, ") SELECT c0");
	for (i = 1; i < ncols; i++)
		buf_printf(&sql, ", c%zu", i);
	buf_printf(&sql, " FROM temp.\"rows_table_%s\" WHERE src = ?1",
	    tc->tc_name);
	if ((sk->sk_row_ins = store_prepare(sk->sk_st, sql.b_data)) == NULL)
		goto store;
	rowbuf_free(sk->sk_held);
	sk->sk_held = rowbuf_new(ncols);
	free(sk->sk_col0);
	sk->sk_col0 = xstrdup(cols[0]);
	sk->sk_ordered = 1;
	rc = 0;
	goto out;
store:
	sk->sk_store_failed = 1;
	xasprintf(cause, "store: discovery.tables %s: %s", tc->tc_name,
	    store_errmsg(sk->sk_st));
out:
	free(table);
	buf_release(&sql);
	return rc;
}

/* Insert the rows held so far. */
static int
sink_flush(struct source_sink *sk, char **cause)
{
	int	rc;

	if (rowbuf_rows(sk->sk_held) == 0)
		return 0;
	rows_bind(sk->sk_row_ins, 1, sk->sk_held);
	rc = sqlite3_step(sk->sk_row_ins);
	sqlite3_reset(sk->sk_row_ins);
	rowbuf_reset(sk->sk_held);
	if (rc != SQLITE_DONE) {
		sk->sk_store_failed = 1;
		xasprintf(cause, "store: discovery.tables %s: insert: %s",
		    sk->sk_tc->tc_name, store_errmsg(sk->sk_st));
		return -1;
	}
	return 0;
}

int
source_table_row(struct source_sink *sk, const struct sval *values,
    char **cause)
{
	const struct sval *v;
	const unsigned char *cell;
	size_t		 i, start, len;

	rowbuf_bytes(sk->sk_held, &start);
	for (i = 0; i < sk->sk_ncols; i++) {
		v = &values[i];
		switch (v->sv_type) {
		case SV_INTEGER:
			rowbuf_int(sk->sk_held, v->sv_int);
			break;
		case SV_REAL:
			rowbuf_real(sk->sk_held, v->sv_real);
			break;
		case SV_TEXT:
			rowbuf_text(sk->sk_held, v->sv_text, v->sv_len);
			break;
		default:
			rowbuf_null(sk->sk_held);
		}
	}
	/*
	 * Still in order of the first column?  Its cell against the last
	 * row's, in SQLite's order (rows_cell_cmp), and kept for the next.
	 */
	if (sk->sk_ordered) {
		cell = rowbuf_bytes(sk->sk_held, &len) + start;
		if (sk->sk_rows > 0 && rows_cell_cmp((const unsigned char *)
		    sk->sk_last.b_data, cell) > 0)
			sk->sk_ordered = 0;
		else {
			buf_reset(&sk->sk_last);
			buf_add(&sk->sk_last, cell, rows_cell_len(cell));
		}
	}
	sk->sk_rows++;
	if (rowbuf_rows(sk->sk_held) >= ROWS_BATCH)
		return sink_flush(sk, cause);
	return 0;
}

int
source_table_end(struct source_sink *sk, char **cause)
{
	if (sink_flush(sk, cause) == -1) {
		sk->sk_tc = NULL;
		return -1;
	}
	log_debug("discover: %s: %" PRId64 " rows, %s%s", sk->sk_tc->tc_name,
	    sk->sk_rows, sk->sk_ordered ? "in order of " : "in no known order",
	    sk->sk_ordered ? sk->sk_col0 : "");
	sqlite3_finalize(sk->sk_row_ins);
	sk->sk_row_ins = NULL;
	if (table_finish(sk->sk_st, sk->sk_tc, sk->sk_run_id) == -1 ||
	    order_note(sk->sk_st, sk->sk_tc->tc_name, sk->sk_run_id,
	    sk->sk_ordered ? sk->sk_col0 : NULL) == -1) {
		sk->sk_store_failed = 1;
		xasprintf(cause, "store: discovery.tables %s: %s",
		    sk->sk_tc->tc_name, store_errmsg(sk->sk_st));
		sk->sk_tc = NULL;
		return -1;
	}
	sk->sk_tc = NULL;
	return 0;
}

static int
sink_init(struct source_sink *sk, const struct config *cf, struct store *st,
    int64_t run_id, struct nodeset *ns, char **cause)
{
	memset(sk, 0, sizeof(*sk));
	sk->sk_cf = cf;
	sk->sk_st = st;
	sk->sk_run_id = run_id;
	sk->sk_ns = ns;
	sk->sk_node_ins = store_prepare(st, "INSERT OR IGNORE INTO nodes "
	    "(run_id, node_id, url, labels) VALUES (?1, ?2, ?3, ?4)");
	sk->sk_id_sel = store_prepare(st, "SELECT ?1");
	buf_init(&sk->sk_last, 0);
	if (sk->sk_node_ins == NULL || sk->sk_id_sel == NULL ||
	    order_init(st) == -1) {
		xasprintf(cause, "store: %s", store_errmsg(st));
		sk->sk_store_failed = 1;
		return -1;
	}
	return 0;
}

static void
sink_release(struct source_sink *sk)
{
	sqlite3_finalize(sk->sk_node_ins);
	sqlite3_finalize(sk->sk_id_sel);
	sqlite3_finalize(sk->sk_row_ins);
	rowbuf_free(sk->sk_held);
	free(sk->sk_urls);
	free(sk->sk_col0);
	buf_release(&sk->sk_last);
}

int
discover_run(const struct config *cf, struct store *st, int64_t run_id,
    struct nodeset *ns, char **cause)
{
	const struct source_kind *kind = (const struct source_kind *)
	    cf->cf_source;
	struct source_sink sk;
	int		 rc = -1;

	*cause = NULL;
	if (sink_init(&sk, cf, st, run_id, ns, cause) == -1)
		goto out;
	if (kind->sk_read(cf, cf->cf_source_conf, &sk, cause) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1 && *cause == NULL)
		xasprintf(cause, "source %s failed", kind->sk_kind.kd_name);
	if (rc == -1 && sk.sk_store_failed)
		rc = DISCOVER_STORE_FAILED;
	sink_release(&sk);
	return rc;
}

/* Copy an index table's rows of run from into run to. */
static int
carry_table(struct store *st, const struct table_conf *tc, int64_t from,
    int64_t to, char **cause)
{
	char	*src, *dst, *sql, *order;
	int	 rc = -1;

	src = store_run_table(tc->tc_name, from);
	dst = store_run_table(tc->tc_name, to);
	/* Copied in its order: still in the order it was in, if known. */
	order = order_of(st, tc->tc_name, from);
	xasprintf(&sql, "DROP TABLE IF EXISTS main.\"%s\"; CREATE TABLE "
	    "main.\"%s\" AS SELECT * FROM main.\"%s\" ORDER BY rowid", dst,
	    dst, src);
	if (store_exec(st, sql) == 0 && table_finish(st, tc, to) == 0 &&
	    order_note(st, tc->tc_name, to, order) == 0) {
		log_debug("discover: %s: the rows of run %" PRId64 ", %s%s",
		    tc->tc_name, from, order != NULL ? "in order of " :
		    "in no known order", order != NULL ? order : "");
		rc = 0;
	} else
		xasprintf(cause, "store: index table %s of run %" PRId64 ": %s",
		    tc->tc_name, from, store_errmsg(st));
	free(sql);
	free(src);
	free(dst);
	free(order);
	return rc;
}

/* Split the index tables of a store made before per-run tables. */
int
discover_prepare_tables(const struct config *cf, struct store *st)
{
	size_t	i;

	for (i = 0; i < cf->cf_ntables; i++)
		if (store_run_table_adopt(st, cf->cf_tables[i].tc_name) == -1)
			return -1;
	return 0;
}

int
discover_carry(const struct config *cf, struct store *st, int64_t run_id,
    struct nodeset *ns, int64_t *stalep, char **cause)
{
	struct source_sink sk;
	sqlite3_stmt	*q = NULL;
	struct sval	 id;
	int64_t		 from = 0, stale = 0;
	size_t		 i;
	int		 rc = -1, step;

	*cause = NULL;
	if (sink_init(&sk, cf, st, run_id, ns, cause) == -1)
		goto out;
	q = store_prepare(st, "SELECT run_id, discovery_stale FROM runs "
	    "WHERE run_id < ?1 AND discovery_stale IS NOT NULL "
	    "ORDER BY run_id DESC LIMIT 1");
	if (q == NULL)
		goto store;
	sqlite3_bind_int64(q, 1, run_id);
	if ((step = sqlite3_step(q)) == SQLITE_ROW) {
		from = sqlite3_column_int64(q, 0);
		stale = sqlite3_column_int64(q, 1);
	} else if (step != SQLITE_DONE)
		goto store;
	sqlite3_finalize(q);
	q = NULL;
	if (from == 0) {
		*cause = xstrdup("no earlier node list to keep");
		goto out;
	}
	if (stale + 1 > cf->cf_disc_max_stale) {
		xasprintf(cause, "the node list of run %" PRId64 " was already "
		    "kept for %" PRId64 " of at most %" PRId64 " runs "
		    "(discovery.max_stale)", from, stale, cf->cf_disc_max_stale);
		goto out;
	}
	if ((q = store_prepare(st, "SELECT node_id, url, labels FROM nodes "
	    "WHERE run_id = ?1 ORDER BY rowid")) == NULL)
		goto store;
	sqlite3_bind_int64(q, 1, from);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&id, 0, sizeof(id));
		switch (sqlite3_column_type(q, 0)) {
		case SQLITE_INTEGER:
			id.sv_type = SV_INTEGER;
			id.sv_int = sqlite3_column_int64(q, 0);
			break;
		case SQLITE_FLOAT:
			id.sv_type = SV_REAL;
			id.sv_real = sqlite3_column_double(q, 0);
			break;
		default:
			id.sv_type = SV_TEXT;
			id.sv_text = (const char *)sqlite3_column_text(q, 0);
			id.sv_len = sqlite3_column_bytes(q, 0);
		}
		if (sink_node(&sk, &id, (const char *)sqlite3_column_text(q, 1),
		    (const char *)sqlite3_column_text(q, 2),
		    sqlite3_column_bytes(q, 2), cause) == -1)
			goto out;
	}
	if (step != SQLITE_DONE)
		goto store;
	for (i = 0; i < cf->cf_ntables; i++)
		if (carry_table(st, &cf->cf_tables[i], from, run_id,
		    cause) == -1)
			goto out;
	*stalep = stale + 1;
	rc = 0;
	goto out;
store:
	xasprintf(cause, "store: %s", store_errmsg(st));
out:
	sqlite3_finalize(q);
	sink_release(&sk);
	return rc;
}

int
discover_save_nodes(struct store *st, int64_t run_id, const struct nodeset *ns)
{
	sqlite3_stmt	*up;
	const struct node *n;
	size_t		 i;
	int		 rc = 0;

	up = store_prepare(st, "UPDATE nodes SET requests = ?3, "
	    "failed_requests = ?4, items = ?5, unanswered = ?6, up = ?7, "
	    "last_error = ?8 WHERE run_id = ?1 AND node_id = ?2");
	if (up == NULL)
		return -1;
	for (i = 0; i < ns->ns_len && rc == 0; i++) {
		n = &ns->ns_nodes[i];
		sqlite3_bind_int64(up, 1, run_id);
		sqlite3_bind_value(up, 2, n->n_id);
		sqlite3_bind_int64(up, 3, n->n_requests);
		sqlite3_bind_int64(up, 4, n->n_failed);
		sqlite3_bind_int64(up, 5, n->n_items);
		sqlite3_bind_int64(up, 6, n->n_unanswered);
		if (!n->n_url_ok)
			sqlite3_bind_int(up, 7, 0);
		else if (n->n_requests > 0)
			sqlite3_bind_int(up, 7, n->n_failed == 0);
		else
			sqlite3_bind_null(up, 7);
		if (n->n_last_error != NULL)
			sqlite3_bind_text(up, 8, n->n_last_error, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(up, 8);
		rc = store_step_done(st, up, "nodes");
		sqlite3_clear_bindings(up);
	}
	sqlite3_finalize(up);
	return rc;
}
