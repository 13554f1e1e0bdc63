/* samples.c -- the samples table: recent runs as rows, older ones in chunks */


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

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chunk.h"
#include "log.h"
#include "samples.h"
#include "store.h"
#include "xmalloc.h"

/*
 * The statements a cursor reads with, each returning (series_id, run or
 * seal, value or chunk): ?1 the series, ?2 and ?3 the runs wanted.  The
 * comment marks them as the table's own (a reader's statement timeout
 * counts from the user's statement, not from these).
 */
enum { Q_CHUNKS_SERIES, Q_CHUNKS, Q_HEAD_SERIES, Q_HEAD, NQ };
static const char *const qsql[NQ] = {
	"SELECT /* samples */ c.series_id, c.seal, c.data FROM sample_seals s "
	"JOIN sample_chunks c ON c.seal = s.seal AND c.series_id = ?1 "
	"WHERE s.last_run >= ?2 AND s.first_run <= ?3 ORDER BY s.seal",
	"SELECT /* samples */ c.series_id, c.seal, c.data FROM sample_seals s "
	"JOIN sample_chunks c ON c.seal = s.seal "
	"WHERE s.last_run >= ?2 AND s.first_run <= ?3 "
	"ORDER BY c.seal, c.series_id",
	"SELECT /* samples */ series_id, run_id, value FROM sample_head "
	"WHERE series_id = ?1 AND run_id BETWEEN ?2 AND ?3 ORDER BY run_id",
	"SELECT /* samples */ series_id, run_id, value FROM sample_head "
	"WHERE run_id BETWEEN ?2 AND ?3",
};

struct stab {
	sqlite3_vtab	 st_base;
	sqlite3		*st_db;
	sqlite3_stmt	*st_cache[NQ];	/* idle statements, one of each */
};

struct scur {
	sqlite3_vtab_cursor	 sc_base;
	struct stab		*sc_tab;
	int			 sc_q;		/* statement in use, or -1 */
	sqlite3_stmt		*sc_stmt;
	int			 sc_series_eq;
	int64_t			 sc_series;
	int64_t			 sc_lo, sc_hi;	/* runs wanted */
	struct chunk_samples	 sc_cs;		/* the chunk being read */
	int64_t			 sc_cs_series;
	size_t			 sc_ci;
	int			 sc_eof;
	int64_t			 sc_rowid;
	int64_t			 sc_run_id;
	int64_t			 sc_series_id;
	double			 sc_value;
};

/* idxNum bits: which constraints xFilter gets, in this order. */
#define IDX_SERIES	0x01
#define IDX_RUN_EQ	0x02
#define IDX_RUN_GE	0x04
#define IDX_RUN_GT	0x08
#define IDX_RUN_LE	0x10
#define IDX_RUN_LT	0x20

enum { COL_RUN_ID, COL_SERIES_ID, COL_VALUE };

static int
stab_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
    sqlite3_vtab **vtabp, char **errp)
{
	struct stab	*t;
	int		 rc;

	rc = sqlite3_declare_vtab(db, "CREATE TABLE x(run_id INTEGER, "
	    "series_id INTEGER, value REAL)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	t = xcalloc(1, sizeof(*t));
	t->st_db = db;
	*vtabp = &t->st_base;
	return SQLITE_OK;
}

static int
stab_disconnect(sqlite3_vtab *vtab)
{
	struct stab	*t = (struct stab *)vtab;
	int		 i;

	for (i = 0; i < NQ; i++)
		sqlite3_finalize(t->st_cache[i]);
	free(t);
	return SQLITE_OK;
}

static int
stab_best_index(sqlite3_vtab *vtab, sqlite3_index_info *ii)
{
	static const int	 bits[] = { IDX_SERIES, IDX_RUN_EQ, IDX_RUN_GE,
				    IDX_RUN_GT, IDX_RUN_LE, IDX_RUN_LT };
	int			 pick[6], i, k, n = 0, idx = 0;
	double			 rows = 1e7;

	for (k = 0; k < 6; k++)
		pick[k] = -1;
	for (i = 0; i < ii->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &ii->aConstraint[i];

		if (!c->usable)
			continue;
		k = -1;
		if (c->iColumn == COL_SERIES_ID && c->op ==
		    SQLITE_INDEX_CONSTRAINT_EQ)
			k = 0;
		else if (c->iColumn == COL_RUN_ID) {
			switch (c->op) {
			case SQLITE_INDEX_CONSTRAINT_EQ: k = 1; break;
			case SQLITE_INDEX_CONSTRAINT_GE: k = 2; break;
			case SQLITE_INDEX_CONSTRAINT_GT: k = 3; break;
			case SQLITE_INDEX_CONSTRAINT_LE: k = 4; break;
			case SQLITE_INDEX_CONSTRAINT_LT: k = 5; break;
			}
		}
		if (k >= 0 && pick[k] == -1)
			pick[k] = i;
	}
	for (k = 0; k < 6; k++) {
		if (pick[k] == -1)
			continue;
		idx |= bits[k];
		/* Not omitted: SQLite checks again, so a superset is right. */
		ii->aConstraintUsage[pick[k]].argvIndex = ++n;
	}
	/*
	 * About 10,000 series over 1,000 runs; each xFilter costs two
	 * lookups and a chunk decoded, so reading one series whole beats
	 * looking it up run by run (a join from runs to samples would).
	 */
	if (idx & IDX_SERIES)
		rows /= 10000;
	if (idx & IDX_RUN_EQ)
		rows /= 1000;
	if (idx & (IDX_RUN_GE | IDX_RUN_GT))
		rows /= 4;
	if (idx & (IDX_RUN_LE | IDX_RUN_LT))
		rows /= 4;
	if (rows < 1)
		rows = 1;
	ii->idxNum = idx;
	ii->estimatedRows = (sqlite3_int64)rows;
	ii->estimatedCost = (idx & IDX_SERIES) && (idx & IDX_RUN_EQ) ?
	    1000 : 100 + rows;
	/* One series comes in run order. */
	if ((idx & IDX_SERIES) && ii->nOrderBy == 1 &&
	    ii->aOrderBy[0].iColumn == COL_RUN_ID && !ii->aOrderBy[0].desc)
		ii->orderByConsumed = 1;
	return SQLITE_OK;
}

static int
stab_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **curp)
{
	struct scur	*c;

	c = xcalloc(1, sizeof(*c));
	c->sc_tab = (struct stab *)vtab;
	c->sc_q = -1;
	*curp = &c->sc_base;
	return SQLITE_OK;
}

/* Give the statement back to the table's cache (or finalize it). */
static void
scur_release(struct scur *c)
{
	struct stab	*t = c->sc_tab;

	if (c->sc_stmt == NULL)
		return;
	sqlite3_reset(c->sc_stmt);
	if (t->st_cache[c->sc_q] == NULL)
		t->st_cache[c->sc_q] = c->sc_stmt;
	else
		sqlite3_finalize(c->sc_stmt);
	c->sc_stmt = NULL;
	c->sc_q = -1;
}

static int
stab_close(sqlite3_vtab_cursor *cur)
{
	struct scur	*c = (struct scur *)cur;

	scur_release(c);
	chunk_samples_free(&c->sc_cs);
	free(c);
	return SQLITE_OK;
}

static int
scur_error(struct scur *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
scur_error(struct scur *c, const char *fmt, ...)
{
	struct stab	*t = c->sc_tab;
	va_list		 ap;

	va_start(ap, fmt);
	sqlite3_free(t->st_base.zErrMsg);
	t->st_base.zErrMsg = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	return SQLITE_ERROR;
}

static int
scur_start(struct scur *c, int q)
{
	struct stab	*t = c->sc_tab;
	int		 rc;

	scur_release(c);
	if ((c->sc_stmt = t->st_cache[q]) != NULL)
		t->st_cache[q] = NULL;
	else if ((rc = sqlite3_prepare_v3(t->st_db, qsql[q], -1,
	    SQLITE_PREPARE_PERSISTENT, &c->sc_stmt, NULL)) != SQLITE_OK)
		return scur_error(c, "samples: %s", sqlite3_errmsg(t->st_db));
	c->sc_q = q;
	sqlite3_bind_int64(c->sc_stmt, 1, c->sc_series);
	sqlite3_bind_int64(c->sc_stmt, 2, c->sc_lo);
	sqlite3_bind_int64(c->sc_stmt, 3, c->sc_hi);
	return SQLITE_OK;
}

/* The next row, from the chunk being read, the next chunk, or the head. */
static int
scur_next(struct scur *c)
{
	struct stab	*t = c->sc_tab;
	const char	*why;
	const void	*data;
	int64_t		 run;
	int		 rc, q;

	for (;;) {
		while (c->sc_ci < c->sc_cs.cs_n) {
			run = c->sc_cs.cs_runs[c->sc_ci++];
			if (run < c->sc_lo)
				continue;
			if (run > c->sc_hi) {
				c->sc_ci = c->sc_cs.cs_n;
				break;
			}
			c->sc_run_id = run;
			c->sc_series_id = c->sc_cs_series;
			c->sc_value = c->sc_cs.cs_values[c->sc_ci - 1];
			c->sc_rowid++;
			return SQLITE_OK;
		}
		if (c->sc_stmt == NULL) {
			c->sc_eof = 1;
			return SQLITE_OK;
		}
		q = c->sc_q;
		rc = sqlite3_step(c->sc_stmt);
		if (rc == SQLITE_DONE) {
			scur_release(c);
			if (q == Q_CHUNKS_SERIES || q == Q_CHUNKS) {
				if ((rc = scur_start(c, q == Q_CHUNKS ? Q_HEAD :
				    Q_HEAD_SERIES)) != SQLITE_OK)
					return rc;
			}
			continue;
		}
		if (rc != SQLITE_ROW)
			return scur_error(c, "samples: %s",
			    sqlite3_errmsg(t->st_db));
		if (q == Q_HEAD || q == Q_HEAD_SERIES) {
			c->sc_series_id = sqlite3_column_int64(c->sc_stmt, 0);
			c->sc_run_id = sqlite3_column_int64(c->sc_stmt, 1);
			c->sc_value = sqlite3_column_double(c->sc_stmt, 2);
			c->sc_rowid++;
			return SQLITE_OK;
		}
		c->sc_cs_series = sqlite3_column_int64(c->sc_stmt, 0);
		data = sqlite3_column_blob(c->sc_stmt, 2);
		if (chunk_decode(data, sqlite3_column_bytes(c->sc_stmt, 2),
		    &c->sc_cs, &why) == -1)
			return scur_error(c, "samples: the chunk of series %lld "
			    "in seal %lld is corrupt: %s",
			    (long long)c->sc_cs_series,
			    (long long)sqlite3_column_int64(c->sc_stmt, 1), why);
		c->sc_ci = 0;
	}
}

/*
 * A bound on run_id from a constraint's value, as an integer: the runs
 * >= lo (op GE/GT) or <= hi (op LE/LT).  Values that are not numbers
 * leave the bound open (SQLite applies the constraint again).
 */
static void
run_bound(sqlite3_value *v, int bit, int64_t *lo, int64_t *hi)
{
	double	d;
	int64_t	i;

	switch (sqlite3_value_numeric_type(v)) {
	case SQLITE_INTEGER:
		i = sqlite3_value_int64(v);
		if (bit == IDX_RUN_GT)
			i = i == INT64_MAX ? i : i + 1;
		if (bit == IDX_RUN_LT)
			i = i == INT64_MIN ? i : i - 1;
		break;
	case SQLITE_FLOAT:
		d = sqlite3_value_double(v);
		if (isnan(d))
			return;
		d = bit & (IDX_RUN_GE | IDX_RUN_GT | IDX_RUN_EQ) ?
		    floor(d) : ceil(d);
		if (d >= 9.2e18 || d <= -9.2e18)
			return;
		i = (int64_t)d;
		break;
	default:
		return;
	}
	if (bit & (IDX_RUN_EQ | IDX_RUN_GE | IDX_RUN_GT))
		*lo = i > *lo ? i : *lo;
	if (bit & (IDX_RUN_EQ | IDX_RUN_LE | IDX_RUN_LT))
		*hi = i < *hi ? i : *hi;
}

static int
stab_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
    sqlite3_value **argv)
{
	static const int	 bits[] = { IDX_SERIES, IDX_RUN_EQ, IDX_RUN_GE,
				    IDX_RUN_GT, IDX_RUN_LE, IDX_RUN_LT };
	struct scur		*c = (struct scur *)cur;
	int			 k, a = 0, rc;

	scur_release(c);
	c->sc_cs.cs_n = 0;
	c->sc_ci = 0;
	c->sc_eof = 0;
	c->sc_rowid = 0;
	c->sc_series_eq = 0;
	c->sc_series = 0;
	c->sc_lo = INT64_MIN;
	c->sc_hi = INT64_MAX;
	for (k = 0; k < 6 && a < argc; k++) {
		if (!(idx & bits[k]))
			continue;
		if (bits[k] == IDX_SERIES) {
			if (sqlite3_value_numeric_type(argv[a]) !=
			    SQLITE_INTEGER) {
				/* No integer series id: no row can match. */
				c->sc_eof = 1;
				return SQLITE_OK;
			}
			c->sc_series_eq = 1;
			c->sc_series = sqlite3_value_int64(argv[a]);
		} else
			run_bound(argv[a], bits[k], &c->sc_lo, &c->sc_hi);
		a++;
	}
	if (c->sc_lo > c->sc_hi) {
		c->sc_eof = 1;
		return SQLITE_OK;
	}
	if ((rc = scur_start(c, c->sc_series_eq ? Q_CHUNKS_SERIES :
	    Q_CHUNKS)) != SQLITE_OK)
		return rc;
	return scur_next(c);
}

static int
stab_next(sqlite3_vtab_cursor *cur)
{
	return scur_next((struct scur *)cur);
}

static int
stab_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct scur *)cur)->sc_eof;
}

static int
stab_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct scur	*c = (struct scur *)cur;

	switch (col) {
	case COL_RUN_ID:
		sqlite3_result_int64(ctx, c->sc_run_id);
		break;
	case COL_SERIES_ID:
		sqlite3_result_int64(ctx, c->sc_series_id);
		break;
	default:
		sqlite3_result_double(ctx, c->sc_value);
		break;
	}
	return SQLITE_OK;
}

static int
stab_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct scur *)cur)->sc_rowid;
	return SQLITE_OK;
}

static const sqlite3_module samples_mod = {
	.iVersion = 0,
	.xCreate = stab_connect,
	.xConnect = stab_connect,
	.xBestIndex = stab_best_index,
	.xDisconnect = stab_disconnect,
	.xDestroy = stab_disconnect,
	.xOpen = stab_open,
	.xClose = stab_close,
	.xFilter = stab_filter,
	.xNext = stab_next,
	.xEof = stab_eof,
	.xColumn = stab_column,
	.xRowid = stab_rowid,
};

int
samples_module(sqlite3 *db)
{
	return sqlite3_create_module(db, "vantage_samples", &samples_mod,
	    NULL) == SQLITE_OK ? 0 : -1;
}

/* Write one series' chunk of the seal. */
static int
seal_chunk(struct store *st, sqlite3_stmt *add, int64_t seal,
    int64_t series, struct chunk_samples *cs, struct buf *b)
{
	buf_reset(b);
	if (chunk_encode(b, cs->cs_runs, cs->cs_values, cs->cs_n) == -1) {
		log_warnx("store: the samples of series %lld do not make a "
		    "chunk", (long long)series);
		return -1;
	}
	sqlite3_bind_int64(add, 1, seal);
	sqlite3_bind_int64(add, 2, series);
	sqlite3_bind_blob(add, 3, b->b_data, (int)b->b_len, SQLITE_STATIC);
	return store_step_done(st, add, "seal samples");
}

/* Move the head's rows of runs first..last into a new seal. */
static int
seal_range(struct store *st, int64_t first, int64_t last)
{
	sqlite3_stmt		*q = NULL, *add = NULL, *stmt;
	struct chunk_samples	 cs = { NULL, NULL, 0, 0 };
	struct buf		 b;
	int64_t			 seal = 1, series = -1, s;
	int			 step, rc = -1;

	buf_init(&b, 0);
	if ((stmt = store_prepare(st, "SELECT coalesce(max(seal), 0) + 1 "
	    "FROM sample_seals")) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seal = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if ((stmt = store_prepare(st, "INSERT INTO sample_seals (seal, "
	    "first_run, last_run) VALUES (?1, ?2, ?3)")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, seal);
	sqlite3_bind_int64(stmt, 2, first);
	sqlite3_bind_int64(stmt, 3, last);
	step = store_step_done(st, stmt, "seal");
	sqlite3_finalize(stmt);
	if (step == -1)
		return -1;
	if ((q = store_prepare(st, "SELECT series_id, run_id, value FROM "
	    "sample_head WHERE run_id BETWEEN ?1 AND ?2 "
	    "ORDER BY series_id, run_id")) == NULL ||
	    (add = store_prepare(st, "INSERT INTO sample_chunks (seal, "
	    "series_id, data) VALUES (?1, ?2, ?3)")) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, first);
	sqlite3_bind_int64(q, 2, last);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		s = sqlite3_column_int64(q, 0);
		if (s != series && cs.cs_n > 0) {
			if (seal_chunk(st, add, seal, series, &cs, &b) == -1)
				goto out;
			cs.cs_n = 0;
		}
		series = s;
		if (cs.cs_n == cs.cs_cap) {
			cs.cs_cap = cs.cs_cap ? cs.cs_cap * 2 : 64;
			cs.cs_runs = xreallocarray(cs.cs_runs, cs.cs_cap,
			    sizeof(*cs.cs_runs));
			cs.cs_values = xreallocarray(cs.cs_values, cs.cs_cap,
			    sizeof(*cs.cs_values));
		}
		cs.cs_runs[cs.cs_n] = sqlite3_column_int64(q, 1);
		cs.cs_values[cs.cs_n++] = sqlite3_column_double(q, 2);
	}
	if (step != SQLITE_DONE) {
		log_warnx("store: seal samples: %s", store_errmsg(st));
		goto out;
	}
	if (cs.cs_n > 0 && seal_chunk(st, add, seal, series, &cs, &b) == -1)
		goto out;
	sqlite3_finalize(q);
	q = NULL;
	if ((stmt = store_prepare(st, "UPDATE series SET last_seal = ?1 "
	    "WHERE series_id IN (SELECT series_id FROM sample_chunks "
	    "WHERE seal = ?1)")) == NULL)
		goto out;
	sqlite3_bind_int64(stmt, 1, seal);
	step = store_step_done(st, stmt, "seal series");
	sqlite3_finalize(stmt);
	if (step == -1 || (stmt = store_prepare(st, "DELETE FROM sample_head "
	    "WHERE run_id BETWEEN ?1 AND ?2")) == NULL)
		goto out;
	sqlite3_bind_int64(stmt, 1, first);
	sqlite3_bind_int64(stmt, 2, last);
	step = store_step_done(st, stmt, "seal head");
	sqlite3_finalize(stmt);
	rc = step;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(add);
	chunk_samples_free(&cs);
	buf_release(&b);
	return rc;
}

int
samples_seal(struct store *st)
{
	sqlite3_stmt	*stmt;
	int64_t		*runs = NULL, k;
	double		*times = NULL;
	size_t		 n = 0, i = 0, m;
	int		 step, rc = 0;

	/* The complete runs from the oldest in the head on. */
	if ((stmt = store_prepare(st, "SELECT run_id, started_at FROM runs "
	    "WHERE run_id >= (SELECT min(run_id) FROM sample_head) AND "
	    "status = 'complete' ORDER BY run_id")) == NULL)
		return -1;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		runs = xreallocarray(runs, n + 1, sizeof(*runs));
		times = xreallocarray(times, n + 1, sizeof(*times));
		runs[n] = sqlite3_column_int64(stmt, 0);
		times[n++] = sqlite3_column_double(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		rc = -1;
	while (rc == 0 && n - i > SAMPLES_HEAD_RUNS) {
		m = n - i - SAMPLES_HEAD_RUNS;
		if (m >= SAMPLES_SEAL_RUNS)
			k = SAMPLES_SEAL_RUNS;
		else if (times[n - 1] - times[i] >= SAMPLES_SEAL_SECONDS)
			k = m;
		else
			break;
		rc = seal_range(st, runs[i], runs[i + k - 1]);
		i += k;
	}
	free(runs);
	free(times);
	return rc;
}
