/*
 * history-bench.c -- entity history at scale: size, time per run, windows
 *
 *   make bench/history-bench && bench/history-bench [USERS [RUNS [CHURN%]]]
 *
 * Drives the history module the way a run does, with synthetic runs one
 * hour apart: USERS users (default 1,000,000) with the Audius status mix,
 * of which CHURN% (default 1) take a new status before each of RUNS runs
 * (default 168, a week) -- plus 0.1% of users leaving and coming back.
 * Each run's (user_id, status) rows come from a temporary table (not in
 * the store file), read by history_record inside the run's transaction,
 * exactly as the entity query of the Audius profile is.  Prints:
 *   bytes per user-run  pages of the history tables and their indexes
 *                       (dbstat) / (USERS x RUNS); target <= 2
 *   time added per run  CPU seconds of history_record (merge, writes,
 *                       window counts), median and max over the runs
 *                       after the first; target <= 0.5 s
 *   window metrics      CPU seconds of the window counts (the last run
 *                       recorded with and without windows, the first
 *                       rolled back) plus the Audius profile's two window
 *                       metric queries; target <= 1 s
 * Figures are CPU seconds of this process, whatever else runs.
 */

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

static const char *const statuses[] = {
	"fully_synced", "partially_synced", "unsynced", "primary_missing",
	"no_replica_set", "incomplete_replica_set", "unknown"
};
static const int mix[] = { 70, 10, 5, 5, 5, 3, 2 };	/* percent */

static unsigned long long rng = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static int
pick_status(void)
{
	unsigned	 r = rnd(100), acc = 0;
	size_t		 i;

	for (i = 0; i < nitems(mix); i++) {
		acc += mix[i];
		if (r < acc)
			return (int)i;
	}
	return 0;
}


static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char *
slurp(const char *path)
{
	char	*s;

	if ((s = read_file(path, 1 << 20, NULL)) == NULL) {
		perror(path);
		exit(1);
	}
	return s;
}

/* Run the one SELECT of a metric file; returns the rows. */
static int
run_metric(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	const char	*tail = sql;
	char		*why;
	int		 n = 0;

	if (store_prepare_next(st, &tail, &stmt, &why) == -1 || stmt == NULL) {
		fprintf(stderr, "metric query: %s\n", why ? why : "empty");
		exit(1);
	}
	while (sqlite3_step(stmt) == SQLITE_ROW)
		n++;
	sqlite3_finalize(stmt);
	return n;
}

int
main(int argc, char *argv[])
{
	struct store	*st;
	sqlite3_stmt	*upd, *q, *ins;
	char		 dir[] = "/tmp/history-bench.XXXXXX", path[64];
	char		 w1[] = "1d", w7[] = "7d", *windows[2] = { w1, w7 };
	char		*m1, *m2, *cause;
	long		 users = 1000000, runs = 168;
	double		 churn = 1, t = 1.7e9, c0, *spent, bytes = 0, m = 0;
	double		 nowin = 0, last = 0;
	int64_t		 run_id, i, u;
	long		 r, changes;
	int		 rows = 0;

	if (argc > 1)
		users = atol(argv[1]);
	if (argc > 2)
		runs = atol(argv[2]);
	if (argc > 3)
		churn = atof(argv[3]);
	if (users < 1 || runs < 2 || churn < 0 || churn > 100) {
		fprintf(stderr, "usage: history-bench [USERS [RUNS [CHURN%%]]]\n");
		return 2;
	}
	m1 = slurp(VT_SRCDIR "/queries/audius/70-users-fully-synced-throughout.sql");
	m2 = slurp(VT_SRCDIR "/queries/audius/71-users-ever.sql");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/h.db", dir);
	if ((st = store_open(path)) == NULL ||
	    history_configure(st, windows, 2) == -1)
		return 1;
	if (store_exec(st, "CREATE TEMP TABLE cur (user_id INTEGER PRIMARY "
	    "KEY, status TEXT NOT NULL); CREATE TEMP TABLE gone (user_id "
	    "INTEGER PRIMARY KEY, status TEXT)") == -1 || store_begin(st) == -1)
		return 1;
	ins = store_prepare(st, "INSERT INTO cur VALUES (?1, ?2)");
	for (u = 1; u <= users; u++) {
		sqlite3_bind_int64(ins, 1, u);
		sqlite3_bind_text(ins, 2, statuses[pick_status()], -1,
		    SQLITE_STATIC);
		if (store_step_done(st, ins, "cur") == -1)
			return 1;
	}
	sqlite3_finalize(ins);
	if (store_commit(st) == -1)
		return 1;
	upd = store_prepare(st, "UPDATE cur SET status = ?2 WHERE user_id = ?1");
	spent = xcalloc(runs, sizeof(*spent));
	changes = (long)(users * churn / 100);
	printf("history-bench: %ld users, %ld runs an hour apart, %g%% churn "
	    "(%ld status changes a run), 0.1%% leaving and returning\n",
	    users, runs, churn, changes);
	for (r = 0; r < runs; r++) {
		/* the network changes between runs (not timed) */
		if (store_begin(st) == -1)
			return 1;
		for (i = 0; r > 0 && i < changes; i++) {
			sqlite3_bind_int64(upd, 1, 1 + rnd(users));
			sqlite3_bind_text(upd, 2, statuses[pick_status()], -1,
			    SQLITE_STATIC);
			if (store_step_done(st, upd, "churn") == -1)
				return 1;
		}
		if (store_exec(st, "INSERT OR REPLACE INTO cur SELECT * FROM "
		    "gone; DELETE FROM gone") == -1)
			return 1;
		ins = store_prepare(st, "INSERT OR IGNORE INTO gone SELECT * "
		    "FROM cur WHERE user_id = ?1");
		for (i = 0; r > 0 && i < users / 1000; i++) {
			sqlite3_bind_int64(ins, 1, 1 + rnd(users));
			if (store_step_done(st, ins, "gone") == -1)
				return 1;
		}
		sqlite3_finalize(ins);
		if (store_exec(st, "DELETE FROM cur WHERE user_id IN (SELECT "
		    "user_id FROM gone)") == -1 || store_commit(st) == -1)
			return 1;

		/*
		 * Before the last run, the same run without windows, rolled
		 * back: the difference is what the window counts cost.
		 */
		t += 3600;
		if (r == runs - 1) {
			if (history_configure(st, NULL, 0) == -1 ||
			    (run_id = store_begin_run(st, t)) == -1 ||
			    store_begin(st) == -1)
				return 1;
			q = store_prepare(st, "SELECT user_id, status FROM cur");
			c0 = cpu_now();
			if (history_record(st, run_id, q, &cause) == -1)
				return 1;
			nowin = cpu_now() - c0;
			sqlite3_finalize(q);
			store_rollback(st);
			if (history_configure(st, windows, 2) == -1)
				return 1;
		}
		if ((run_id = store_begin_run(st, t)) == -1 ||
		    store_begin(st) == -1)
			return 1;
		q = store_prepare(st, "SELECT user_id, status FROM cur");
		c0 = cpu_now();
		if (history_record(st, run_id, q, &cause) == -1) {
			fprintf(stderr, "run %ld: %s\n", r + 1, cause);
			return 1;
		}
		spent[r] = cpu_now() - c0;
		last = spent[r];
		sqlite3_finalize(q);
		if (r == runs - 1) {
			c0 = cpu_now();
			rows = run_metric(st, m1) + run_metric(st, m2);
			m = cpu_now() - c0;
		}
		if (store_end_run(st, run_id, "complete", NULL, 0, 0) == -1 ||
		    store_commit(st) == -1)
			return 1;
		if ((r + 1) % 24 == 0)
			fprintf(stderr, "  run %ld: %.3f s\n", r + 1, spent[r]);
	}
	q = store_prepare(st, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE "
	    "'history%' OR name LIKE 'sqlite_autoindex_history%'");
	if (q != NULL && sqlite3_step(q) == SQLITE_ROW)
		bytes = sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	sqlite3_finalize(upd);
	qsort(spent + 1, runs - 1, sizeof(*spent), cmp_double);
	printf("bytes per user-run:   %.3f (%.1f MiB of history tables for "
	    "%ld x %ld user-runs; target <= 2)\n", bytes / ((double)users *
	    runs), bytes / 1048576, users, runs);
	printf("time added per run:   %.3f s median, %.3f s max CPU (the "
	    "first run, all %ld users new: %.3f s; target <= 0.5 s)\n",
	    spent[1 + (runs - 1) / 2], spent[runs - 1], users, spent[0]);
	printf("window metrics:       %.3f s CPU: the counts, made in the "
	    "run's pass (%.3f s with the windows 1d and 7d, %.3f s without), "
	    "plus %.4f s for the two metric queries (%d series); target <= "
	    "1 s\n", last - nowin + m, last, nowin, m, rows);
	store_close(st);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	free(spent);
	free(m1);
	free(m2);
	return 0;
}
