/* rollup.c -- hourly and daily rollups of every complete run's samples */

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

#include "log.h"
#include "rollup.h"
#include "store.h"
#include "util.h"

static const int64_t widths[] = { 3600, 86400 };

static int
run_stmt(struct store *st, const char *sql, int64_t a, int64_t b,
    const char *what)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_int64(stmt, 2, b);
	rc = store_step_done(st, stmt, what);
	sqlite3_finalize(stmt);
	return rc;
}

int
rollup_run(struct store *st, int64_t run_id)
{
	size_t	i;

	if (run_stmt(st, "INSERT INTO rollup_series (series_id, metric, "
	    "labels) SELECT s.series_id, s.metric, s.labels FROM samples v "
	    "JOIN series s ON s.series_id = v.series_id WHERE v.run_id = ?1 "
	    "ON CONFLICT (series_id) DO NOTHING", run_id, 0,
	    "rollup series") == -1)
		return -1;
	for (i = 0; i < nitems(widths); i++)
		if (run_stmt(st, "INSERT INTO sample_rollups (width, bucket, "
		    "series_id, min, max, sum, count, last, last_time) "
		    "SELECT ?2, CAST(r.started_at / ?2 AS INTEGER) * ?2, "
		    "v.series_id, v.value, v.value, v.value, 1, v.value, "
		    "r.started_at FROM samples v JOIN runs r ON r.run_id = "
		    "v.run_id WHERE v.run_id = ?1 "
		    "ON CONFLICT (width, bucket, series_id) DO UPDATE SET "
		    "min = min(min, excluded.min), "
		    "max = max(max, excluded.max), "
		    "sum = sum + excluded.sum, count = count + 1, "
		    "last = CASE WHEN excluded.last_time >= last_time "
		    "THEN excluded.last ELSE last END, "
		    "last_time = max(last_time, excluded.last_time)",
		    run_id, widths[i], "rollup") == -1)
			return -1;
	return 0;
}

int
rollup_prune(struct store *st, double before)
{
	int64_t	 gone = 0;
	size_t	 i;

	/* A bucket goes once it ended: whole key ranges, nothing scanned. */
	for (i = 0; i < nitems(widths); i++) {
		if (run_stmt(st, "DELETE FROM sample_rollups WHERE width = ?1 "
		    "AND bucket <= ?2", widths[i], (int64_t)before - widths[i],
		    "rollup prune") == -1)
			return -1;
		gone += store_changes(st);
	}
	if (gone == 0)
		return 0;
	log_debug("rollup: %lld expired buckets dropped", (long long)gone);
	return run_stmt(st, "DELETE FROM rollup_series WHERE NOT EXISTS "
	    "(SELECT 1 FROM sample_rollups r WHERE r.width = ?1 AND "
	    "r.series_id = rollup_series.series_id)", 86400, 0,
	    "rollup prune");
}
