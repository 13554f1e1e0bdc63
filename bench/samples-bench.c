/*
 * samples-bench.c -- bytes per sample at rest, raw and rolled up
 *
 *   make bench/samples-bench && bench/samples-bench [SERIES [RUNS]]
 *
 * Stores SERIES series (default 10,000) for RUNS complete runs five
 * minutes apart (default 2,880: ten days; the figure is 8,640,
 * thirty days, which takes hours on a shared machine -- the chunks grow
 * linearly and the head of rows stays 8 to 135 runs, so the per-sample
 * figure only falls with more runs), the way a run does:
 * store_sample for every series, then the hourly and daily rollups, in one
 * transaction, then seals older runs into chunks (samples_seal).  A
 * realistic mix: 90% of the series keep their value from run to run, 10%
 * move.  Prints, from dbstat, the bytes at rest per sample for each level:
 *   raw    the head's rows and index, the chunks and seals, per raw
 *          sample; "sealed" is the chunks alone, per sample in them
 *   hour   the hourly rollups, per raw sample they summarize
 *   day    the daily rollups, likewise
 * the CPU seconds a run spends storing, rolling up and sealing, the time
 * retention takes to drop the oldest seal, and the CPU seconds to read
 * every sample back and one series' samples.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollup.h"
#include "samples.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}


static double
q_num(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	double		 v = 0;

	if ((stmt = store_prepare(st, sql)) == NULL)
		exit(1);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_double(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

int
main(int argc, char *argv[])
{
	struct store	*st;
	char		 dir[] = "/tmp/samples-bench.XXXXXX", path[64];
	char		 json[64], expo[64], metric[32];
	double		*value, t = 1.7e9, c0, cpu = 0, raw, roll, hours, days;
	double		 nraw, check, scan, one, sealed, nsealed;
	double		 first, prune = 0, wprune = 0, w0, c1, cseal = 0;
	long		 series = 10000, runs = 2880, s, r;
	int64_t		 id;

	if (argc > 1)
		series = atol(argv[1]);
	if (argc > 2)
		runs = atol(argv[2]);
	if (series < 1 || runs < 1) {
		fprintf(stderr, "usage: samples-bench [SERIES [RUNS]]\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/s.db", dir);
	if ((st = store_open(path)) == NULL)
		return 1;
	value = xcalloc(series, sizeof(*value));
	for (s = 0; s < series; s++)
		value[s] = rnd(100000);
	printf("samples-bench: %ld series x %ld runs five minutes apart, 10%% "
	    "of values moving per run\n", series, runs);
	for (r = 0; r < runs; r++) {
		t += 300;
		c0 = cpu_now();
		if ((id = store_begin_run(st, t)) == -1 || store_begin(st) == -1)
			return 1;
		for (s = 0; s < series; s++) {
			/* 100 metrics of series/100 series, one label */
			snprintf(metric, sizeof(metric), "m_%ld", s % 100);
			snprintf(json, sizeof(json), "{\"node\":\"%ld\"}", s / 100);
			snprintf(expo, sizeof(expo), "{node=\"%ld\"}", s / 100);
			if (r == 0 && s < 100 && store_metric(st, metric,
			    "gauge", "help", NULL, 0) == -1)
				return 1;
			if (s % 10 == 0)
				value[s] += (double)rnd(21) - 10;
			if (store_sample(st, id, metric, json, expo,
			    value[s]) == -1)
				return 1;
		}
		if (rollup_run(st, id) == -1 ||
		    store_end_run(st, id, "complete", NULL, 0, 0) == -1 ||
		    store_commit(st) == -1)
			return 1;
		/* As a run does after it: seal older runs into chunks. */
		c1 = cpu_now();
		if (store_begin(st) == -1 || samples_seal(st) == -1 ||
		    store_commit(st) == -1)
			return 1;
		cseal += cpu_now() - c1;
		cpu += cpu_now() - c0;
		if ((r + 1) % 288 == 0)
			fprintf(stderr, "  run %ld\n", r + 1);
	}
	nraw = (double)series * runs;
	raw = q_num(st, "SELECT sum(pgsize) FROM dbstat WHERE name IN "
	    "('sample_head', 'sample_head_by_series', 'sample_chunks', "
	    "'sample_seals')");
	sealed = q_num(st, "SELECT sum(pgsize) FROM dbstat WHERE name IN "
	    "('sample_chunks', 'sample_seals')");
	nsealed = q_num(st, "SELECT count(*) FROM samples WHERE run_id <= "
	    "(SELECT max(last_run) FROM sample_seals)");
	c0 = cpu_now();
	check = q_num(st, "SELECT count(*) FROM samples");
	if (check != (double)series * runs) {
		fprintf(stderr, "samples-bench: %.0f samples read back, not "
		    "%.0f\n", check, (double)series * runs);
		return 1;
	}
	scan = cpu_now() - c0;
	c0 = cpu_now();
	check = q_num(st, "SELECT count(*) FROM samples WHERE series_id = 1");
	one = cpu_now() - c0;
	if (check != runs) {
		fprintf(stderr, "samples-bench: series 1 has %.0f samples, "
		    "not %ld\n", check, runs);
		return 1;
	}
	roll = q_num(st, "SELECT sum(pgsize) FROM dbstat WHERE name = "
	    "'sample_rollups'");
	hours = q_num(st, "SELECT count(*) FROM sample_rollups WHERE width = "
	    "3600");
	days = q_num(st, "SELECT count(*) FROM sample_rollups WHERE width = "
	    "86400");
	/* Retention: the oldest seal expires (what a run's prune does). */
	first = q_num(st, "SELECT r.started_at FROM sample_seals s JOIN runs r "
	    "ON r.run_id = s.last_run ORDER BY s.seal LIMIT 1");
	c0 = cpu_now();
	w0 = now_mono();
	if (first > 0 && (store_begin(st) == -1 || store_prune(st, id,
	    runs + 1, (int64_t)((now_real() - first - 1) * 1000), NULL,
	    0) == -1 || store_commit(st) == -1))
		return 1;
	prune = cpu_now() - c0;
	wprune = now_mono() - w0;
	printf("raw:   %.1f bytes per sample (%.0f MiB for %.0f samples)\n",
	    raw / nraw, raw / 1048576, nraw);
	printf("       sealed: %.2f bytes per sample (%.0f samples in "
	    "chunks), the rest in the head: %.0f runs as rows\n",
	    nsealed > 0 ? sealed / nsealed : 0, nsealed, (nraw - nsealed) /
	    series);
	printf("hour:  %.2f bytes per raw sample summarized (%.0f rows, %.1f "
	    "bytes a row)\n", roll * hours / (hours + days) / nraw, hours,
	    roll / (hours + days));
	printf("day:   %.2f bytes per raw sample summarized (%.0f rows)\n",
	    roll * days / (hours + days) / nraw, days);
	printf("cpu:   %.3f s per run to store, roll up and seal %ld "
	    "samples (sealing: %.4f s of it)\n", cpu / runs, series,
	    cseal / runs);
	if (first > 0)
		printf("prune: %.3f s CPU (%.3f s wall) to drop the oldest seal "
		    "(%ld chunks) by retention\n", prune, wprune, series);
	printf("read:  %.2f s CPU to read back every sample, %.4f s one "
	    "series' %ld\n", scan, one, runs);
	store_close(st);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	free(value);
	return system(path) == 0 ? 0 : 1;
}
