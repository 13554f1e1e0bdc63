/* source-sqlite.c -- discovery from a SQLite database: nodes and index tables by SQL */

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

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "buf.h"
#include "conf.h"
#include "labels.h"
#include "source.h"
#include "sqlfn.h"
#include "util.h"
#include "xmalloc.h"

struct source_sqlite_conf {
	char	*ss_path;
	char	*ss_nodes;	/* SQL yielding node_id, url [, labels...] */
};

#define OFF(m)	offsetof(struct source_sqlite_conf, m)
static const struct key sqlite_keys[] = {
	{ "path", K_STR, OFF(ss_path), 0, 0, NULL, 0, 0, NULL, NULL,
	    "discovery database (SQLite, opened read-only)", NULL },
	{ "nodes", K_SQL, OFF(ss_nodes), 0, 0, NULL, 0, 0, NULL, NULL,
	    "SQL yielding node_id, url and optional label columns", NULL },
	KEND
};
#undef OFF

struct sqlite_read {
	sqlite3		*sr_db;
	const char	*sr_path;
	double		 sr_deadline;
};

static int
sr_progress(void *arg)
{
	struct sqlite_read *sr = arg;

	return now_mono() > sr->sr_deadline;
}

static char *
sr_error(struct sqlite_read *sr, const char *what)
{
	char	*cause;

	if (sqlite3_errcode(sr->sr_db) == SQLITE_INTERRUPT)
		xasprintf(&cause, "%s: %s: discovery.timeout reached", sr->sr_path,
		    what);
	else
		xasprintf(&cause, "%s: %s: %s", sr->sr_path, what,
		    sqlite3_errmsg(sr->sr_db));
	return cause;
}

/*
 * Column col of the current row.  One sqlite3_column_value and value_*
 * calls cost less than the column_* calls (each checks the statement
 * again): 7% of reading a discovery table.  The value is read at once, by
 * the connection's one thread.
 */
static void
sval_of(sqlite3_stmt *q, int col, struct sval *v)
{
	sqlite3_value	*x = sqlite3_column_value(q, col);

	switch (sqlite3_value_type(x)) {
	case SQLITE_INTEGER:
		v->sv_type = SV_INTEGER;
		v->sv_int = sqlite3_value_int64(x);
		break;
	case SQLITE_FLOAT:
		v->sv_type = SV_REAL;
		v->sv_real = sqlite3_value_double(x);
		break;
	case SQLITE_NULL:
		v->sv_type = SV_NULL;
		break;
	default:
		v->sv_type = SV_TEXT;
		v->sv_text = (const char *)sqlite3_value_text(x);
		v->sv_len = sqlite3_value_bytes(x);
		if (v->sv_text == NULL)
			v->sv_text = "";
	}
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

static int
read_nodes(struct sqlite_read *sr, const struct source_sqlite_conf *sc,
    struct source_sink *sink, char **cause)
{
	sqlite3_stmt	*q;
	struct labels	 ls;
	struct sval	 id;
	const char	*url;
	int		 idc, urlc, i, step, rc = -1;

	if (sqlite3_prepare_v2(sr->sr_db, sc->ss_nodes, -1, &q, NULL) !=
	    SQLITE_OK) {
		*cause = sr_error(sr, "discovery.nodes");
		return -1;
	}
	labels_init(&ls);
	idc = col_index(q, "node_id");
	urlc = col_index(q, "url");
	if (idc == -1 || urlc == -1) {
		xasprintf(cause, "discovery.nodes: the query must yield columns "
		    "node_id and url (use AS)");
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&id, 0, sizeof(id));
		sval_of(q, idc, &id);
		url = (const char *)sqlite3_column_text(q, urlc);
		/* Extra columns become labels. */
		labels_reset(&ls);
		for (i = 0; i < sqlite3_column_count(q); i++)
			if (i != idc && i != urlc)
				labels_add(&ls, sqlite3_column_name(q, i),
				    (const char *)sqlite3_column_text(q, i),
				    sqlite3_column_bytes(q, i));
		if (source_node(sink, &id, url ? url : "", &ls, cause) == -1)
			goto out;
	}
	if (step != SQLITE_DONE) {
		*cause = sr_error(sr, "discovery.nodes");
		goto out;
	}
	rc = 0;
out:
	labels_release(&ls);
	sqlite3_finalize(q);
	return rc;
}

static int
copy_table(struct sqlite_read *sr, const struct table_conf *tc,
    struct source_sink *sink, char **cause)
{
	sqlite3_stmt	*q;
	struct sval	*vals = NULL;
	char		**cols = NULL, *what;
	int		 ncols = 0, i, step, rc = -1;

	xasprintf(&what, "discovery.tables %s", tc->tc_name);
	if (sqlite3_prepare_v2(sr->sr_db, tc->tc_query, -1, &q, NULL) !=
	    SQLITE_OK) {
		*cause = sr_error(sr, what);
		free(what);
		return -1;
	}
	ncols = sqlite3_column_count(q);
	cols = xcalloc(ncols + 1, sizeof(*cols));
	vals = xcalloc(ncols + 1, sizeof(*vals));
	for (i = 0; i < ncols; i++)
		cols[i] = (char *)sqlite3_column_name(q, i);
	if (source_table_begin(sink, tc, cols, ncols, cause) == -1)
		goto out;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++)
			sval_of(q, i, &vals[i]);
		if (source_table_row(sink, vals, cause) == -1)
			goto out;
	}
	if (step != SQLITE_DONE) {
		*cause = sr_error(sr, what);
		goto out;
	}
	rc = source_table_end(sink, cause);
out:
	free(cols);
	free(vals);
	free(what);
	sqlite3_finalize(q);
	return rc;
}

static int
sqlite_read(const struct config *cf, const void *conf, struct source_sink *sink,
    char **cause)
{
	const struct source_sqlite_conf *sc = conf;
	struct sqlite_read sr;
	size_t		 i;
	int		 rc = -1;

	memset(&sr, 0, sizeof(sr));
	sr.sr_path = sc->ss_path;
	sr.sr_deadline = now_mono() + cf->cf_disc_timeout_ms / 1000.0;
	/* Read-only: a missing file is an error, never created. */
	if (sqlite3_open_v2(sc->ss_path, &sr.sr_db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", sc->ss_path, sr.sr_db ?
		    sqlite3_errmsg(sr.sr_db) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(sr.sr_db, (int)(cf->cf_disc_timeout_ms > 10000 ?
	    10000 : cf->cf_disc_timeout_ms));
	sqlite3_progress_handler(sr.sr_db, 10000, sr_progress, &sr);
	sqlite3_exec(sr.sr_db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	/* jarray_length, jarray_item (and tally) as in the store. */
	if (sqlfn_register(sr.sr_db) == -1) {
		*cause = sr_error(&sr, "SQL functions");
		goto out;
	}
	/* One read transaction: nodes and tables from the same snapshot. */
	if (sqlite3_exec(sr.sr_db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sr_error(&sr, "begin");
		goto out;
	}
	if (read_nodes(&sr, sc, sink, cause) == -1)
		goto out;
	for (i = 0; i < cf->cf_ntables; i++)
		if (copy_table(&sr, &cf->cf_tables[i], sink, cause) == -1)
			goto out;
	rc = 0;
out:
	if (sr.sr_db != NULL)
		sqlite3_exec(sr.sr_db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(sr.sr_db);
	return rc;
}

const struct source_kind source_sqlite = {
	{ "sqlite", sqlite_keys, sizeof(struct source_sqlite_conf) },
	1,
	sqlite_read
};
