/* t-rollup.c -- hourly and daily rollups, their views and their expiry */

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
#include "conf.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollup.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define H0	1700006400.0	/* 2023-11-15T00:00:00Z, a day's start */

/* The first row of sql as text, columns joined by '|'. */
static const char *
q_row(struct store *st, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt	*stmt;
	size_t		 len = 0;
	int		 c;

	snprintf(out, outsz, "(none)");
	if ((stmt = store_prepare(st, sql)) == NULL)
		return out;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		out[0] = '\0';
		for (c = 0; c < sqlite3_column_count(stmt) && len < outsz; c++)
			len += snprintf(out + len, outsz - len, "%s%s",
			    c ? "|" : "", sqlite3_column_type(stmt, c) ==
			    SQLITE_NULL ? "NULL" : (const char *)
			    sqlite3_column_text(stmt, c));
	}
	sqlite3_finalize(stmt);
	return out;
}

/* A complete run at t with a=va and b=vb; 0 or -1. */
static int
run(struct store *st, double t, double va, double vb)
{
	int64_t	id;

	if ((id = store_begin_run(st, t)) == -1 || store_begin(st) == -1 ||
	    store_metric(st, "m", "gauge", "help", NULL, 0) == -1 ||
	    store_sample(st, id, "m", "{\"k\":\"a\"}", "{k=\"a\"}", va) == -1 ||
	    store_sample(st, id, "m", "{\"k\":\"b\"}", "{k=\"b\"}", vb) == -1 ||
	    rollup_run(st, id) == -1 ||
	    store_end_run(st, id, "complete", NULL, 0, 0) == -1)
		return -1;
	return store_commit(st);
}

int
main(void)
{
	struct store	*st;
	char		 dir[64], path[128], row[512];

	plan(10);
	if (tap_tmpdir(dir, sizeof(dir), "t-rollup") == -1)
		return 1;
	snprintf(path, sizeof(path), "%s/r.db", dir);
	if ((st = store_open(path)) == NULL)
		return 1;
	ok(run(st, H0 + 10, 5, 0) == 0 && run(st, H0 + 1200, 1, 0) == 0 &&
	    run(st, H0 + 3000, 9, 0) == 0 && run(st, H0 + 3605, 4, 2) == 0,
	    "four complete runs over two hours");
	is_str("hour|1700006400|2023-11-15T00:00:00Z|m|1.0|9.0|5.0|9.0|3",
	    q_row(st, "SELECT level, time, at, metric, min, max, avg, last, "
	    "count FROM sample_rollup_history WHERE level = 'hour' AND "
	    "json_extract(labels, '$.k') = 'a' ORDER BY time", row,
	    sizeof(row)), "the first hour: min, max, avg, last, count");
	is_str("hour|2023-11-15T01:00:00Z|4.0|4.0|4.0|1", q_row(st,
	    "SELECT level, at, min, max, last, count FROM "
	    "sample_rollup_history WHERE level = 'hour' AND labels = "
	    "'{\"k\":\"a\"}' ORDER BY time DESC", row, sizeof(row)),
	    "the second hour");
	is_str("day|2023-11-15T00:00:00Z|1.0|9.0|4.75|4.0|4", q_row(st,
	    "SELECT level, at, min, max, avg, last, count FROM "
	    "sample_rollup_history WHERE level = 'day' AND "
	    "json_extract(labels, '$.k') = 'a'", row, sizeof(row)),
	    "the day");
	is_str("4|2|2", q_row(st, "SELECT (SELECT count(*) FROM metric_history "
	    "WHERE level = 'raw' AND labels = '{\"k\":\"a\"}'), (SELECT count(*) "
	    "FROM metric_history WHERE level = 'hour' AND labels = "
	    "'{\"k\":\"b\"}'), (SELECT sum(count) FROM metric_history WHERE "
	    "level = 'hour' AND labels = '{\"k\":\"a\"}' AND time >= "
	    "1700006400 + 3600) + 1", row, sizeof(row)),
	    "metric_history: raw, hourly and daily in one shape");
	ok(strlen(q_row(st, "SELECT at FROM metric_history WHERE level = 'raw'",
	    row, sizeof(row))) == 24 && row[10] == 'T' && row[23] == 'Z',
	    "raw times in ISO 8601 too (%s)", row);

	/* Expiry: whole buckets once they ended before the cut. */
	ok(store_begin(st) == 0 && rollup_prune(st, H0 + 3601) == 0 &&
	    store_commit(st) == 0, "rollup_prune");
	is_str("1|1", q_row(st, "SELECT (SELECT count(*) FROM sample_rollups "
	    "WHERE width = 3600 AND series_id = 1), (SELECT count(*) FROM "
	    "sample_rollups WHERE width = 86400 AND series_id = 1)", row,
	    sizeof(row)), "the first hour went, the second and the day stay");
	ok(store_begin(st) == 0 && rollup_prune(st, H0 + 86400) == 0 &&
	    store_commit(st) == 0, "rollup_prune past the day");
	is_str("0|0", q_row(st, "SELECT (SELECT count(*) FROM sample_rollups), "
	    "(SELECT count(*) FROM rollup_series)", row, sizeof(row)),
	    "nothing left, series included");
	store_close(st);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (tap_failed == 0 && system(path) != 0)
		return 1;
	return done_testing();
}
