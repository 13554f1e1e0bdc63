/* discover.c -- discovery sources: the nodes and index tables of one run */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "discover.h"
#include "labels.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_NODES	100000

static sqlite3 *
disc_open(const struct config *cf)
{
	sqlite3	*db = NULL;

	/* mode=ro through the URI so a missing file is an error, not created. */
	if (sqlite3_open_v2(cf->cf_disc_path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("discover: %s: %s", cf->cf_disc_path,
		    db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	return db;
}

static sqlite3_stmt *
disc_prepare(sqlite3 *db, const char *what, const char *sql)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		log_warnx("discover: %s: %s", what, sqlite3_errmsg(db));
		return NULL;
	}
	return stmt;
}

static int
col_index(sqlite3_stmt *stmt, const char *name)
{
	int	i;

	for (i = 0; i < sqlite3_column_count(stmt); i++)
		if (strcasecmp(sqlite3_column_name(stmt, i), name) == 0)
			return i;
	return -1;
}

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

/* Extra columns of the node query become labels, as a JSON object. */
static char *
labels_of_row(sqlite3_stmt *stmt, int id_col, int url_col)
{
	struct labels	 ls;
	struct buf	 b;
	int		 i;

	labels_init(&ls);
	for (i = 0; i < sqlite3_column_count(stmt); i++)
		if (i != id_col && i != url_col)
			labels_add(&ls, sqlite3_column_name(stmt, i),
			    (const char *)sqlite3_column_text(stmt, i),
			    sqlite3_column_bytes(stmt, i));
	buf_init(&b, 0);
	labels_json(&ls, &b);
	labels_release(&ls);
	return buf_take(&b, NULL);
}

/* Nodes sharing a url would make label sets that collide: say so. */
static int
warn_shared_urls(struct store *st, int64_t run_id)
{
	sqlite3_stmt	*q;
	int		 rc;

	q = store_prepare(st, "SELECT url, group_concat(node_id, ', ') "
	    "FROM nodes WHERE run_id = ?1 GROUP BY url HAVING count(*) > 1");
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, run_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		log_warnx("discover: nodes %s share the url '%.200s'",
		    sqlite3_column_text(q, 1), sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
read_nodes(const struct config *cf, sqlite3 *db, struct store *st,
    int64_t run_id, struct nodeset *ns)
{
	sqlite3_stmt	*q, *ins = NULL;
	struct node	*n;
	const char	*url;
	char		*labels;
	size_t		 len, cap = 0;
	int		 idc, urlc, rc = -1, step;

	if ((q = disc_prepare(db, "discovery.nodes", cf->cf_disc_nodes)) == NULL)
		return -1;
	idc = col_index(q, "node_id");
	urlc = col_index(q, "url");
	if (idc == -1 || urlc == -1) {
		log_warnx("discover: discovery.nodes: the query must yield "
		    "columns node_id and url (use AS)");
		goto out;
	}
	ins = store_prepare(st, "INSERT OR IGNORE INTO nodes (run_id, node_id, "
	    "url, labels) VALUES (?1, ?2, ?3, ?4)");
	if (ins == NULL)
		goto out;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_type(q, idc) == SQLITE_NULL) {
			log_warnx("discover: discovery.nodes: a row has NULL "
			    "node_id; skipped");
			continue;
		}
		url = (const char *)sqlite3_column_text(q, urlc);
		if (url == NULL)
			url = "";
		if (ns->ns_len >= MAX_NODES) {
			log_warnx("discover: more than %d nodes", MAX_NODES);
			goto out;
		}
		/* The primary key (run_id, node_id) finds repeated nodes. */
		labels = labels_of_row(q, idc, urlc);
		sqlite3_bind_int64(ins, 1, run_id);
		sqlite3_bind_value(ins, 2, sqlite3_column_value(q, idc));
		sqlite3_bind_text(ins, 3, url, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 4, labels, -1, SQLITE_TRANSIENT);
		free(labels);
		if (store_step_done(st, ins, "nodes") == -1)
			goto out;
		if (store_changes(st) == 0) {
			log_warnx("discover: node %s listed twice; the first "
			    "row is kept", sqlite3_column_text(q, idc));
			continue;
		}
		if (ns->ns_len == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ns->ns_nodes = xreallocarray(ns->ns_nodes, cap,
			    sizeof(*ns->ns_nodes));
		}
		n = &ns->ns_nodes[ns->ns_len++];
		memset(n, 0, sizeof(*n));
		n->n_id = sqlite3_value_dup(sqlite3_column_value(q, idc));
		if (n->n_id == NULL)
			fatalx("sqlite3_value_dup: out of memory");
		n->n_url_orig = xstrdup(url);
		n->n_url = xstrdup(url);
		len = strlen(n->n_url);
		while (len > 0 && n->n_url[len - 1] == '/')
			n->n_url[--len] = '\0';
		n->n_url_ok = (strncasecmp(url, "http://", 7) == 0 ||
		    strncasecmp(url, "https://", 8) == 0) &&
		    strcspn(url, " \t\r\n") == strlen(url) &&
		    utf8_valid(url, strlen(url));
		if (!n->n_url_ok)
			xasprintf(&n->n_last_error, "invalid url '%.200s'", url);
	}
	if (step != SQLITE_DONE) {
		log_warnx("discover: discovery.nodes: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = warn_shared_urls(st, run_id);
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}

/* Split "a, b" into its columns; calls fn for each, stops on -1. */
static int
index_each(const char *spec, int (*fn)(void *, const char *), void *arg)
{
	char	*copy, *tok, *save = NULL;
	int	 rc = 0;

	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ", ", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", ", &save))
		rc = fn(arg, tok);
	free(copy);
	return rc;
}

struct colcheck {
	sqlite3_stmt	*cc_q;
	const char	*cc_what;
};

static int
index_column_ok(void *arg, const char *col)
{
	struct colcheck	*cc = arg;

	if (col_index(cc->cc_q, col) == -1) {
		log_warnx("discover: %s: index column '%s' is not in the "
		    "query's columns", cc->cc_what, col);
		return -1;
	}
	return 0;
}

static int
index_columns_ok(sqlite3_stmt *q, const char *spec, const char *what)
{
	struct colcheck	cc = { q, what };

	return index_each(spec, index_column_ok, &cc);
}

static int
index_name_part(void *arg, const char *col)
{
	return buf_printf(arg, "_%s", col);
}

static int
index_col_part(void *arg, const char *col)
{
	return buf_printf(arg, ", \"%s\"", col);
}

/* CREATE INDEX for one "a, b" spec: name table_a_b, columns (run_id, a, b). */
static void
index_sql(struct buf *sql, const char *table, const char *spec)
{
	buf_printf(sql, "CREATE INDEX IF NOT EXISTS \"%s", table);
	index_each(spec, index_name_part, sql);
	buf_printf(sql, "\" ON \"%s\" (run_id", table);
	index_each(spec, index_col_part, sql);
	buf_puts(sql, ")");
}

static int
copy_table(const struct config *cf, const struct table_conf *tc, sqlite3 *db,
    struct store *st, int64_t run_id)
{
	sqlite3_stmt	*q, *ins = NULL;
	struct buf	 sql;
	char		**cols = NULL, *what;
	int		 ncols, i, rc = -1, step;
	int64_t		 rows = 0;

	xasprintf(&what, "discovery.tables %s", tc->tc_name);
	buf_init(&sql, 0);
	if ((q = disc_prepare(db, what, tc->tc_query)) == NULL)
		goto out;
	ncols = sqlite3_column_count(q);
	if (ncols == 0) {
		log_warnx("discover: %s: the query yields no columns", what);
		goto out;
	}
	cols = xcalloc(ncols, sizeof(*cols));
	for (i = 0; i < ncols; i++) {
		cols[i] = xstrdup(sqlite3_column_name(q, i));
		if (!valid_ident(cols[i]) || strcasecmp(cols[i], "run_id") == 0) {
			log_warnx("discover: %s: column '%s' is not a plain "
			    "name other than run_id; give it one with AS", what,
			    cols[i]);
			goto out;
		}
	}
	for (i = 0; i < (int)tc->tc_nindexes; i++)
		if (index_columns_ok(q, tc->tc_indexes[i], what) == -1)
			goto out;
	if (store_ensure_table(st, tc->tc_name, cols, NULL, ncols) == -1)
		goto out;
	/*
	 * Indexes first: filling them row by row, in the order discovery
	 * gives, is cheaper than sorting the whole run's rows afterwards.
	 */
	for (i = 0; i < (int)tc->tc_nindexes; i++) {
		buf_reset(&sql);
		index_sql(&sql, tc->tc_name, tc->tc_indexes[i]);
		if (store_exec(st, sql.b_data) == -1)
			goto out;
	}
	buf_reset(&sql);
	buf_printf(&sql, "CREATE INDEX IF NOT EXISTS \"%s_run\" ON \"%s\" "
	    "(run_id)", tc->tc_name, tc->tc_name);
	if (store_exec(st, sql.b_data) == -1)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "INSERT INTO \"%s\" (run_id", tc->tc_name);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, ", \"%s\"", cols[i]);
	buf_puts(&sql, ") VALUES (?1");
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, ", ?%d", i + 2);
	buf_puts(&sql, ")");
	if ((ins = store_prepare(st, sql.b_data)) == NULL)
		goto out;
	sqlite3_bind_int64(ins, 1, run_id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++)
			sqlite3_bind_value(ins, i + 2, sqlite3_column_value(q, i));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			log_warnx("discover: %s: insert: %s", what,
			    store_errmsg(st));
			goto out;
		}
		sqlite3_reset(ins);
		rows++;
	}
	if (step != SQLITE_DONE) {
		log_warnx("discover: %s: %s", what, sqlite3_errmsg(db));
		goto out;
	}
	log_debug("discover: %s: %" PRId64 " rows", tc->tc_name, rows);
	rc = 0;
out:
	for (i = 0; cols != NULL && i < ncols; i++)
		free(cols[i]);
	free(cols);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	buf_release(&sql);
	free(what);
	return rc;
}

int
discover_run(const struct config *cf, struct store *st, int64_t run_id,
    struct nodeset *ns)
{
	sqlite3	*db;
	size_t	 i;
	int	 rc = -1;

	if ((db = disc_open(cf)) == NULL)
		return -1;
	/* One read transaction: nodes and tables from the same snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("discover: %s: %s", cf->cf_disc_path,
		    sqlite3_errmsg(db));
		goto out;
	}
	if (read_nodes(cf, db, st, run_id, ns) == -1)
		goto out;
	for (i = 0; i < cf->cf_ntables; i++)
		if (copy_table(cf, &cf->cf_tables[i], db, st, run_id) == -1)
			goto out;
	rc = 0;
out:
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
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
