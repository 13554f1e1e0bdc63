/* t-chunk.c -- samples packed in chunks: the codec, the samples table */


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

#include <float.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chunk.h"
#include "samples.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static unsigned long long rng = 0x2545F4914F6CDD1DULL;

static uint64_t
rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t
bits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

/* Encode, decode, and compare bit for bit; the chunk's size in *lenp. */
static int
round_trip(const int64_t *runs, const double *values, size_t n,
    size_t *lenp)
{
	struct buf		 b;
	struct chunk_samples	 cs = { NULL, NULL, 0, 0 };
	const char		*why;
	size_t			 i;
	int			 rc = -1;

	buf_init(&b, 0);
	if (chunk_encode(&b, runs, values, n) == -1)
		goto out;
	if (lenp != NULL)
		*lenp = b.b_len;
	if (chunk_decode(b.b_data, b.b_len, &cs, &why) == -1) {
		printf("# decode: %s\n", why);
		goto out;
	}
	if (cs.cs_n != n)
		goto out;
	for (i = 0; i < n; i++)
		if (cs.cs_runs[i] != runs[i] ||
		    bits(cs.cs_values[i]) != bits(values[i])) {
			printf("# sample %zu differs\n", i);
			goto out;
		}
	rc = 0;
out:
	chunk_samples_free(&cs);
	buf_release(&b);
	return rc;
}

static void
test_codec(void)
{
	static int64_t		 runs[CHUNK_MAX + 1];
	static double		 values[CHUNK_MAX + 1];
	const double		 special[] = { NAN, -NAN, INFINITY, -INFINITY,
				    -0.0, 0.0, DBL_MIN, DBL_MAX, -DBL_MAX,
				    DBL_TRUE_MIN, 1.0, -1.0, 0.1, 1e300 };
	struct chunk_samples	 cs = { NULL, NULL, 0, 0 };
	struct buf		 b;
	const char		*why;
	uint64_t		 u;
	double			 payload;
	size_t			 i, n, len, bad;

	runs[0] = 1;
	values[0] = 42;
	ok(round_trip(runs, values, 1, &len) == 0 && len == 10,
	    "one sample: 10 bytes (count, run, value)");
	for (i = 0; i < 128; i++) {
		runs[i] = 1000 + (int64_t)i;
		values[i] = 12345;
	}
	ok(round_trip(runs, values, 128, &len) == 0 && len <= 12 + 32,
	    "128 unchanged samples of consecutive runs: two bits each "
	    "(%zu bytes)", len);
	for (i = 0; i < 128; i++)
		values[i] = 12345 + (double)(int)(rnd64() % 21) - 10;
	ok(round_trip(runs, values, 128, &len) == 0 && len < 128 * 4,
	    "128 moving integer samples: under 4 bytes each (%zu bytes)",
	    len);
	for (i = 0; i < 128; i++) {
		runs[i] = i == 0 ? 1 : runs[i - 1] + 1 + (int64_t)(rnd64() %
		    (i % 3 == 0 ? 1000000 : 3));
		memcpy(&values[i], &(uint64_t){ rnd64() }, sizeof(double));
	}
	ok(round_trip(runs, values, 128, NULL) == 0,
	    "random bits and irregular runs come back bit for bit");
	n = sizeof(special) / sizeof(special[0]);
	for (i = 0; i < n; i++) {
		runs[i] = (int64_t)i + 1;
		values[i] = special[i];
	}
	u = 0x7ff8000000001234ULL;	/* a NaN with a payload */
	memcpy(&payload, &u, sizeof(payload));
	runs[n] = (int64_t)n + 1;
	values[n] = payload;
	ok(round_trip(runs, values, n + 1, NULL) == 0,
	    "NaN (and its payload), -NaN, infinities, -0.0, subnormals, "
	    "DBL_MAX come back bit for bit");
	ok(signbit(values[4]) && round_trip(runs + 4, values + 4, 1, NULL) == 0,
	    "-0.0 first in a chunk keeps its sign");
	runs[0] = 1;
	runs[1] = INT64_MAX - 1;
	runs[2] = INT64_MAX;
	values[0] = values[1] = values[2] = 1;
	ok(round_trip(runs, values, 3, NULL) == 0,
	    "runs 1, 2^63-2, 2^63-1: the largest steps");
	for (i = 0; i < CHUNK_MAX; i++) {
		runs[i] = (int64_t)i + 1;
		values[i] = (double)(i % 7);
	}
	ok(round_trip(runs, values, CHUNK_MAX, NULL) == 0,
	    "CHUNK_MAX samples");
	buf_init(&b, 0);
	runs[CHUNK_MAX] = CHUNK_MAX + 1;
	ok(chunk_encode(&b, runs, values, CHUNK_MAX + 1) == -1 &&
	    chunk_encode(&b, runs, values, 0) == -1, "more than CHUNK_MAX "
	    "samples, or none, are refused");
	runs[0] = 5;
	runs[1] = 5;
	ok(chunk_encode(&b, runs, values, 2) == -1, "a run twice is refused");
	runs[0] = 0;
	runs[1] = 1;
	ok(chunk_encode(&b, runs, values, 2) == -1, "run 0 is refused");
	ok(b.b_len == 0, "  refusals write nothing");

	/* Damaged chunks: an error, never a crash or a wrong count. */
	for (i = 0; i < 200; i++) {
		runs[i] = i == 0 ? 10 : runs[i - 1] + 1 + (i % 5 == 0);
		values[i] = i % 10 == 0 ? (double)rnd64() : 77.5;
	}
	buf_reset(&b);
	ok(chunk_encode(&b, runs, values, 200) == 0, "a chunk to damage");
	bad = 0;
	for (len = 0; len < b.b_len; len++)
		if (chunk_decode(b.b_data, len, &cs, &why) != -1)
			bad++;
	ok(bad == 0, "every cut of a chunk is refused");
	buf_add(&b, "", 1);
	ok(chunk_decode(b.b_data, b.b_len, &cs, &why) == -1 &&
	    strcmp(why, "bytes after the last sample") == 0,
	    "a byte more is refused: %s", why);
	b.b_len--;
	ok(chunk_decode(b.b_data, b.b_len, &cs, &why) == 0 && cs.cs_n == 200,
	    "the chunk itself decodes");
	ok(chunk_decode("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11,
	    &cs, &why) == -1 && chunk_decode("\x80\x80\x80", 3, &cs,
	    &why) == -1 && chunk_decode("", 0, &cs, &why) == -1,
	    "varints past 64 bits or cut are refused");
	ok(chunk_decode("\x05\x01\x00\x00\x00\x00\x00\x00\x00\x00", 10, &cs,
	    &why) == -1, "a count with no bits for it is refused: %s", why);
	ok(chunk_decode("\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x40", 11, &cs,
	    &why) == -1 && strstr(why, "window") != NULL,
	    "a value that reuses a window before there is one is refused");
	for (i = 0; i < 20000; i++) {
		memcpy(values, b.b_data, b.b_len);
		((unsigned char *)values)[rnd64() % b.b_len] ^=
		    (unsigned char)(1U << (rnd64() % 8));
		if (chunk_decode(values, b.b_len - (i % 3 == 0), &cs,
		    &why) == 0 && cs.cs_n > CHUNK_MAX)
			break;
	}
	ok(i == 20000, "20,000 damaged chunks decode or fail, within bounds");
	chunk_samples_free(&cs);
	buf_release(&b);
}

static int64_t
q_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -2;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The error of the first step of sql ("" if none). */
static const char *
q_err(struct store *st, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt	*stmt;

	out[0] = '\0';
	if ((stmt = store_prepare(st, sql)) == NULL)
		return "cannot prepare";
	while (sqlite3_step(stmt) == SQLITE_ROW)
		;
	if (sqlite3_reset(stmt) != SQLITE_OK)
		snprintf(out, outsz, "%s", store_errmsg(st));
	sqlite3_finalize(stmt);
	return out;
}

#define NSERIES	20
#define NRUNS	300

static double
value_at(int s, int r)
{
	if (s == 0)
		return -0.0;
	if (s % 5 == 1)
		return 1000 + (r * s) % 23;
	return 7 * s;
}

static void
test_store(const char *dir)
{
	struct store	*st;
	char		 path[128], sql[512], err[512], m[32];
	double		 t0 = now_real() - NRUNS * 300, sum = 0;
	int64_t		 id;
	int		 r, s, bad = 0;

	snprintf(path, sizeof(path), "%s/s.db", dir);
	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	for (r = 1; r <= NRUNS; r++) {
		if ((id = store_begin_run(st, t0 + r * 300)) != r ||
		    store_begin(st) == -1)
			bad++;
		for (s = 0; s < NSERIES; s++) {
			snprintf(m, sizeof(m), "{\"s\":\"%d\"}", s);
			if (store_sample(st, r, "m", m, m, value_at(s, r)) == -1)
				bad++;
			if (s > 1)
				sum += value_at(s, r);
		}
		/* A series that ends early. */
		if (r <= 10 && store_sample(st, r, "gone", "{}", "", r) == -1)
			bad++;
		if (store_end_run(st, r, "complete", NULL, 0, 0) == -1 ||
		    store_commit(st) == -1 || store_begin(st) == -1 ||
		    samples_seal(st) == -1 || store_commit(st) == -1)
			bad++;
	}
	ok(bad == 0, "%d runs of %d series, sealed as a run does", NRUNS,
	    NSERIES);
	is_int(2, q_int(st, "SELECT count(*) FROM sample_seals"),
	    "two seals of %d runs", SAMPLES_SEAL_RUNS);
	is_int(NRUNS - 2 * SAMPLES_SEAL_RUNS, q_int(st, "SELECT "
	    "count(DISTINCT run_id) FROM sample_head"), "the rest as rows");
	is_int(NRUNS * NSERIES + 10, q_int(st, "SELECT count(*) FROM samples"),
	    "samples shows every sample");
	ok(q_int(st, "SELECT sum(value) FROM samples WHERE series_id > 2 "
	    "AND series_id <= 20") == (int64_t)sum, "with every value");
	bad = 0;
	for (s = 0; s < NSERIES; s++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT "
		    "run_id, value, row_number() OVER (ORDER BY run_id) AS k "
		    "FROM samples WHERE series_id = %d) WHERE run_id <> k OR "
		    "value IS NOT (CASE WHEN %d = 0 THEN 0.0 WHEN %d %% 5 = 1 "
		    "THEN 1000 + (run_id * %d) %% 23 ELSE 7 * %d END)", s + 1,
		    s, s, s, s);
		if (q_int(st, sql) != 0)
			bad++;
	}
	ok(bad == 0, "each series has its runs in order with its values");
	is_int(41, q_int(st, "SELECT count(*) FROM samples WHERE series_id = 2 "
	    "AND run_id BETWEEN 100 AND 140"), "series and a run range "
	    "across two seals");
	is_int(NSERIES * 3, q_int(st, "SELECT count(*) FROM samples WHERE "
	    "run_id IN (20, 129, 300)"), "runs in a seal, the next seal and "
	    "the head");
	is_int(NSERIES * 49, q_int(st, "SELECT count(*) FROM samples WHERE "
	    "run_id > 250.5 AND run_id <= 299.9"), "fractional bounds");
	is_int(0, q_int(st, "SELECT count(*) FROM samples WHERE run_id = 'x' "
	    "OR series_id = 2.5 OR run_id > 300 OR run_id < 1"),
	    "bounds that match nothing");
	is_int(NSERIES, q_int(st, "SELECT count(*) FROM samples v JOIN "
	    "series s ON s.series_id = v.series_id WHERE v.run_id = 5 AND "
	    "s.metric = 'm'"), "a run's samples joined with series");
	is_int(NRUNS, q_int(st, "SELECT count(*) FROM sample_history WHERE "
	    "metric = 'm' AND json_extract(labels, '$.s') = '3'"),
	    "sample_history over chunks");
	is_int(NRUNS, q_int(st, "SELECT count(*) FROM metric_history WHERE "
	    "level = 'raw' AND metric = 'm' AND labels = '{\"s\":\"3\"}'"),
	    "metric_history over chunks");
	ok(q_int(st, "SELECT max(length(data)) FROM sample_chunks WHERE "
	    "series_id = 3") <= 12 + 32, "an unchanged series: 44 bytes at most "
	    "a chunk of %d runs", SAMPLES_SEAL_RUNS);

	/* Retention: whole seals go; series with no sample left go. */
	ok(store_begin(st) == 0 && store_prune(st, NRUNS, 1000,
	    (int64_t)(150 * 300 - 150) * 1000, NULL, 0) == 0 &&
	    store_commit(st) == 0, "store_prune past the first seal");
	is_int(1, q_int(st, "SELECT count(*) FROM sample_seals"),
	    "  the first seal went whole");
	is_int((NRUNS - SAMPLES_SEAL_RUNS) * NSERIES, q_int(st,
	    "SELECT count(*) FROM samples"), "  the second stays whole");
	is_int(0, q_int(st, "SELECT count(*) FROM series WHERE metric = "
	    "'gone'"), "  a series whose samples all went is gone");

	/* A damaged chunk: an SQL error that says where, not a crash. */
	ok(store_exec(st, "UPDATE sample_chunks SET data = x'0201' WHERE "
	    "series_id = 4") == 0, "damage a chunk");
	q_err(st, "SELECT sum(value) FROM samples", err, sizeof(err));
	ok(strstr(err, "samples: the chunk of series 4 in seal 2 is corrupt") !=
	    NULL, "reading it is an error: %s", err);
	is_int(NRUNS - SAMPLES_SEAL_RUNS, q_int(st, "SELECT count(*) FROM "
	    "samples WHERE series_id = 5"), "  other series still read");
	store_close(st);
}

/* A store made before chunks (schema 008): its samples are sealed. */
static void
test_migrate(const char *dir)
{
	struct store	*st;
	sqlite3		*db;
	char		 path[128];
	int		 i, rc = 0;

	snprintf(path, sizeof(path), "%s/old.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	for (i = 0; schema_files[i].sf_name != NULL &&
	    strncmp(schema_files[i].sf_name, "009", 3) < 0; i++)
		rc |= sqlite3_exec(db, schema_files[i].sf_sql, NULL, NULL,
		    NULL);
	rc |= sqlite3_exec(db, "PRAGMA user_version = 8; BEGIN; "
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
	    "WHERE i < 200) INSERT INTO runs (run_id, started_at, "
	    "finished_at, status) SELECT i, 1.7e9 + 300 * i, 1.7e9 + 300 * i "
	    "+ 5, 'complete' FROM k; "
	    "INSERT INTO series (series_id, metric, labels, expo) VALUES "
	    "(1, 'a', '{}', ''), (2, 'b', '{}', ''); "
	    "INSERT INTO samples SELECT run_id, 1, run_id % 7 FROM runs; "
	    "INSERT INTO samples SELECT run_id, 2, 0.5 FROM runs; COMMIT",
	    NULL, NULL, NULL);
	sqlite3_close(db);
	ok(rc == SQLITE_OK, "a store of schema 008 with 400 samples");
	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot migrate %s\n", path);
		exit(1);
	}
	is_int(1, q_int(st, "SELECT count(*) FROM sample_seals"),
	    "opening it migrates and seals the older runs");
	is_int(400, q_int(st, "SELECT count(*) FROM samples"),
	    "  every sample is there");
	is_int(200, q_int(st, "SELECT sum(run_id % 7 = value) FROM samples "
	    "WHERE series_id = 1"), "  with its value");
	is_int(200 - SAMPLES_SEAL_RUNS, q_int(st, "SELECT count(DISTINCT "
	    "run_id) FROM sample_head"), "  the newest runs as rows");
	store_close(st);
}

int
main(void)
{
	char	dir[64], cmd[128];

	plan(46);
	if (tap_tmpdir(dir, sizeof(dir), "t-chunk") == -1)
		return 1;
	test_codec();
	test_store(dir);
	test_migrate(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (tap_failed == 0 && system(cmd) != 0)
		return 1;
	return done_testing();
}
