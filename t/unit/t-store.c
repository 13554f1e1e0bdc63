/* t-store.c -- the SQLite store: migrations, runs, samples, pruning */

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

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"
#include "util.h"

static char	tmpdir[64];

/* The first column of the first row of sql as an integer; -999 if none. */
static int64_t
q_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -999;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -999;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The first column as text into out ("(none)" if no row or NULL). */
static const char *
q_text(struct store *st, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt	*stmt;

	snprintf(out, outsz, "(none)");
	if ((stmt = store_prepare(st, sql)) == NULL)
		return out;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		snprintf(out, outsz, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return out;
}

static int
nschema(void)
{
	int	n;

	for (n = 0; n < 1000 && schema_files[n].sf_name != NULL; n++)
		;
	return n;
}

static char *
tmp_path(const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", tmpdir, name) == -1)
		abort();
	return p;
}

static void
remove_db(const char *path)
{
	char	 p[256];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-journal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", path);
	unlink(p);
}

static void
test_open(void)
{
	struct store	*st;
	char		*path = tmp_path("open.db"), buf[64];
	int		 n = nschema();

	st = store_open(path);
	ok(st != NULL, "store_open creates a new store");
	if (st == NULL) {
		printf("Bail out! cannot open a store\n");
		exit(1);
	}
	ok(n >= 1, "at least one compiled schema file");
	is_int(n, q_int(st, "PRAGMA user_version"),
	    "user_version is the number of schema files");
	is_int(5, q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('runs', 'nodes', 'samples', 'series', "
	    "'metrics')"), "runs, nodes, samples, series, metrics exist");
	is_str("wal", q_text(st, "PRAGMA journal_mode", buf, sizeof(buf)),
	    "journal_mode is wal");
	is_int(1, q_int(st, "PRAGMA foreign_keys"), "foreign keys are on");
	ok(store_begin_run(st, 1000.0) == 1, "first run gets id 1");
	store_close(st);

	st = store_open(path);
	ok(st != NULL, "reopening the store works");
	if (st != NULL) {
		is_int(n, q_int(st, "PRAGMA user_version"),
		    "  user_version unchanged");
		is_int(1, q_int(st, "SELECT count(*) FROM runs"),
		    "  the data is kept (migrations not rerun)");
		ok(store_exec(st, "PRAGMA user_version = 999") == 0,
		    "  user_version can be raised (a newer vantage)");
	} else {
		ok(0, "skipped");
		ok(0, "skipped");
		ok(0, "skipped");
	}
	store_close(st);

	st = store_open(path);
	ok(st == NULL, "a store from a newer schema is refused");
	store_close(st);

	remove_db(path);
	free(path);
}

static void
test_runs(struct store *st)
{
	char	 buf[128];
	int64_t	 r1, r2, r3, r4;

	is_int(0, store_latest_complete(st), "no complete run yet: 0");
	r1 = store_begin_run(st, now_real());
	r2 = store_begin_run(st, now_real());
	ok(r1 > 0 && r2 == r1 + 1, "store_begin_run hands out increasing ids");
	is_str("running", q_text(st, "SELECT status FROM runs WHERE run_id = 1",
	    buf, sizeof(buf)), "a new run is running");
	ok(store_end_run(st, r1, "complete", NULL, 12, 340) == 0,
	    "store_end_run complete");
	is_int(r1, store_latest_complete(st), "latest complete is that run");
	ok(store_end_run(st, r2, "failed", "crawl: store failed", 3, 4) == 0,
	    "store_end_run failed");
	is_int(r1, store_latest_complete(st),
	    "a newer failed run is not the latest complete");
	is_str("crawl: store failed", q_text(st, "SELECT error FROM runs "
	    "WHERE run_id = 2", buf, sizeof(buf)), "the failure reason is kept");
	is_int(12340, q_int(st, "SELECT nodes * 1000 + requests FROM runs "
	    "WHERE run_id = 1"), "node and request counts are kept");
	is_int(1, q_int(st, "SELECT finished_at >= started_at FROM runs "
	    "WHERE run_id = 1"), "finished_at is set");
	ok(store_end_run(st, r1, "bogus", NULL, 0, 0) == -1,
	    "an unknown status is refused");

	ok(store_run_phase(st, r1, "crawl", 1.5) == 0 &&
	    store_run_phase(st, r1, "crawl", 2.5) == 0,
	    "store_run_phase twice for one phase");
	is_int(2500, q_int(st, "SELECT count(*) * seconds * 1000 FROM "
	    "run_phases WHERE run_id = 1 AND phase = 'crawl'"),
	    "  the last duration replaces the first");

	r3 = store_begin_run(st, 5000.0);
	r4 = store_begin_run(st, 6000.0);
	store_end_run(st, r4, "complete", NULL, 1, 1);
	is_int(r4, store_latest_complete(st), "a newer complete run is latest");
	ok(store_recover(st) == 0, "store_recover");
	is_str("failed", q_text(st, "SELECT status FROM runs WHERE run_id = 3",
	    buf, sizeof(buf)), "  marks a running run failed");
	is_str("interrupted: the monitor stopped during the run",
	    q_text(st, "SELECT error FROM runs WHERE run_id = 3", buf,
	    sizeof(buf)), "  with the reason");
	is_int(5000, q_int(st, "SELECT finished_at FROM runs WHERE run_id = 3"),
	    "  finished when it started");
	is_int(0, q_int(st, "SELECT count(*) FROM runs WHERE status = 'running'"),
	    "  no run is left running");
	is_str("complete", q_text(st, "SELECT status FROM runs WHERE run_id = 4",
	    buf, sizeof(buf)), "  complete runs are untouched");
	(void)r3;
}

static void
test_samples(struct store *st)
{
	int64_t	 r1, r2, series1;
	char	 sql[128];

	r1 = store_begin_run(st, now_real());
	r2 = store_begin_run(st, now_real());
	ok(store_metric(st, "m_up", "gauge", "Up.", NULL, 0) == 0, "store_metric");
	ok(store_metric(st, "m_up", "counter", "Up again.", NULL, 0) == 0,
	    "store_metric again updates");
	is_int(1, q_int(st, "SELECT count(*) FROM metrics WHERE name = 'm_up' "
	    "AND type = 'counter' AND help = 'Up again.'"),
	    "  one family with the new type and help");

	ok(store_sample(st, r1, "m_up", "{\"n\":\"a\"}", "{n=\"a\"}", 1) == 0,
	    "store_sample first sample");
	is_int(1, q_int(st, "SELECT count(*) FROM series"), "  creates a series");
	series1 = q_int(st, "SELECT series_id FROM series");
	ok(store_sample(st, r2, "m_up", "{\"n\":\"a\"}", "{n=\"a\"}", 0) == 0,
	    "same series in the next run");
	is_int(1, q_int(st, "SELECT count(*) FROM series"),
	    "  reuses the series");
	is_int(2, q_int(st, "SELECT count(*) FROM samples"), "  two samples");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE "
	    "series_id = %lld", (long long)series1);
	is_int(2, q_int(st, sql), "  both on the first series");
	ok(store_sample(st, r2, "m_up", "{\"n\":\"b\"}", "{n=\"b\"}", 1) == 0,
	    "other labels");
	is_int(2, q_int(st, "SELECT count(*) FROM series"), "  make a new series");
	ok(store_sample(st, r2, "m_up", "{\"n\":\"b\"}", "{n=\"b\"}", 1) == -1,
	    "a duplicate sample in one run is refused");
	is_int(3, q_int(st, "SELECT count(*) FROM samples"),
	    "  and nothing is added");
	ok(store_sample(st, 9999, "m_up", "{\"n\":\"a\"}", "{n=\"a\"}", 1) == -1,
	    "a sample for a run that does not exist is refused");
	ok(store_sample(st, r1, "m_up", "{\"n\":\"c\"}", "{n=\"c\"}", 0.25) == 0,
	    "the store still works after a refused sample");
	is_int(250, q_int(st, "SELECT value * 1000 FROM samples v JOIN series s "
	    "USING (series_id) WHERE s.labels = '{\"n\":\"c\"}'"),
	    "  the value is stored");

	ok(store_begin(st) == 0, "store_begin");
	store_sample(st, r1, "m_up", "{\"n\":\"d\"}", "{n=\"d\"}", 1);
	store_rollback(st);
	is_int(0, q_int(st, "SELECT count(*) FROM series WHERE labels = "
	    "'{\"n\":\"d\"}'"), "store_rollback undoes the transaction");
	ok(store_begin(st) == 0 && store_commit(st) == 0,
	    "  and leaves no transaction open");
	store_rollback(st);
	ok(store_begin(st) == 0 && store_commit(st) == 0,
	    "rollback outside a transaction is harmless");
}

/* Rows of a run that has not finished survive any keep_runs. */
static void
test_prune_running(void)
{
	struct store	*st;
	char		*path = tmp_path("prune-running.db");
	char		*cols[] = { (char *)"v" };
	char		*tables[] = { (char *)"probe_y" };
	char		 sql[256];
	int64_t		 inflight, done;

	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	store_ensure_table(st, "probe_y", cols, NULL, 1);
	inflight = store_begin_run(st, now_real());	/* still running */
	done = store_begin_run(st, now_real());
	store_end_run(st, done, "complete", NULL, 1, 1);
	snprintf(sql, sizeof(sql), "INSERT INTO probe_y VALUES (%lld, 1), "
	    "(%lld, 2)", (long long)inflight, (long long)done);
	store_exec(st, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, node_id, url) "
	    "VALUES (%lld, 'n1', 'http://n1')", (long long)inflight);
	store_exec(st, sql);
	ok(store_prune(st, done, 1, 0, tables, 1) == 0,
	    "prune keep=1 with an older run still running");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_y WHERE run_id = "
	    "%lld", (long long)inflight);
	is_int(1, q_int(st, sql), "  the running run's probe rows remain");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM nodes WHERE run_id = "
	    "%lld", (long long)inflight);
	is_int(1, q_int(st, sql), "  and its nodes");
	store_end_run(st, inflight, "failed", "test", 1, 1);
	ok(store_prune(st, done, 1, 0, tables, 1) == 0,
	    "prune once it has finished");
	is_int(1, q_int(st, "SELECT count(*) FROM probe_y"),
	    "  now only the newest run's rows remain");

	/* A run with a node list, then one that failed before having one. */
	store_run_discovery(st, done, "static", 0, NULL);
	snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, node_id, url) "
	    "VALUES (%lld, 'n1', 'http://n1')", (long long)done);
	store_exec(st, sql);
	inflight = store_begin_run(st, now_real());
	store_end_run(st, inflight, "failed", "discover: store", 0, 0);
	ok(store_prune(st, inflight, 1, 0, tables, 1) == 0,
	    "prune keep=1 after a run that failed without a node list");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM nodes WHERE run_id = "
	    "%lld", (long long)done);
	is_int(1, q_int(st, sql),
	    "  the latest node list stays for the next run to carry over");
	is_int(1, q_int(st, "SELECT count(*) FROM probe_y"),
	    "  with that run's rows");
	store_close(st);
	remove_db(path);
	free(path);
}

/*
 * Per-run tables: a store made before them is split into NAME_runN; the
 * view NAME shows every kept run with its run_id, the writer's NAME the
 * current run alone; retiring a run drops its tables; retention never
 * takes the run that just finished.
 */
static void
test_run_tables(void)
{
	struct store	*st;
	char		*path = tmp_path("run-tables.db"), *t;
	char		 sql[256];
	int64_t		 run[4], now = (int64_t)now_real();
	int		 i;

	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	t = store_run_table("probe_z", 12);
	ok(strcmp(t, "probe_z_run12") == 0, "store_run_table: NAME_runN");
	free(t);
	/* The old layout: one table, a run_id column, rows of runs 0 and 1. */
	store_exec(st, "CREATE TABLE probe_z (run_id INTEGER NOT NULL, "
	    "node_id, v)");
	for (i = 0; i < 2; i++) {
		run[i] = store_begin_run(st, now - 3600);
		store_end_run(st, run[i], "complete", NULL, 1, 1);
		snprintf(sql, sizeof(sql), "INSERT INTO probe_z VALUES "
		    "(%lld, 'n1', %d), (%lld, 'n2', %d)", (long long)run[i], i,
		    (long long)run[i], i);
		store_exec(st, sql);
	}
	ok(store_run_table_adopt(st, "probe_z") == 0, "adopt an old table");
	is_int(2, q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name LIKE 'probe_z_run%'"),
	    "  one table per run");
	is_int(1, q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'view' AND name = 'probe_z'"), "  and a view in its place");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_z WHERE run_id = "
	    "%lld AND v = 1", (long long)run[1]);
	is_int(2, q_int(st, sql), "  the view has each run's rows");
	ok(store_run_table_adopt(st, "probe_z") == 0 &&
	    q_int(st, "SELECT count(*) FROM probe_z") == 4,
	    "  adopting again changes nothing");

	/* Two new runs with a column more. */
	for (i = 2; i < 4; i++) {
		run[i] = store_begin_run(st, i == 3 ? now - 7200 : now);
		snprintf(sql, sizeof(sql), "CREATE TABLE probe_z_run%lld (node_id, "
		    "v, w); INSERT INTO probe_z_run%lld VALUES ('n1', %d, 7)",
		    (long long)run[i], (long long)run[i], i);
		store_exec(st, sql);
		ok(store_run_table_add(st, "probe_z", run[i]) == 0,
		    "store_run_table_add run %d", i);
		store_sample(st, run[i], "m", "{}", "", i);
		store_end_run(st, run[i], "complete", NULL, 1, 1);
	}
	is_int(6, q_int(st, "SELECT count(*) FROM main.probe_z"),
	    "the view joins every run");
	is_int(4, q_int(st, "SELECT count(*) FROM main.probe_z WHERE w IS NULL"),
	    "  NULL for a column an older run lacks");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_z WHERE run_id = "
	    "%lld", (long long)run[3]);
	is_int(1, q_int(st, sql), "the writer's view is the current run");
	is_int(1, q_int(st, "SELECT count(*) FROM probe_z"), "  alone");

	/* The newest run started long ago: retention spares it anyway. */
	ok(store_prune(st, run[3], 2, 60000, NULL, 0) == 0, "prune keep=2");
	is_int(2, q_int(st, "SELECT count(*) FROM run_tables WHERE "
	    "name = 'probe_z'"), "  the old runs' tables are no longer listed");
	is_int(2, q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name LIKE 'probe_z_run%'"), "  they are dropped");
	is_int(2, q_int(st, "SELECT count(*) FROM main.probe_z"),
	    "  the view shows the kept runs");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE run_id = "
	    "%lld", (long long)run[3]);
	is_int(1, q_int(st, sql), "  the finished run's samples survive "
	    "retention");
	store_close(st);
	remove_db(path);
	free(path);
}

static void
test_owner(void)
{
	struct store	*st, *second, *ro;
	char		*path = tmp_path("owner.db"), lock[512], text[64];
	char		*cause;
	FILE		*f;

	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	snprintf(lock, sizeof(lock), "%s.lock", path);
	f = fopen(lock, "r");
	text[0] = '\0';
	if (f != NULL) {
		if (fgets(text, sizeof(text), f) == NULL)
			text[0] = '\0';
		fclose(f);
	}
	is_int(getpid(), atoi(text), "the writer records its pid in PATH.lock");
	second = store_open(path);
	ok(second == NULL, "a second writer is refused while the first holds it");
	store_close(second);
	ro = store_open_reader(path, 0, &cause);
	free(cause);
	ok(ro != NULL, "a reader opens a store a writer holds");
	store_close(ro);
	store_close(st);
	st = store_open(path);
	ok(st != NULL, "the store can be opened again once the writer closed it");
	store_close(st);
	remove_db(path);
	free(path);
}

static void
test_prune(void)
{
	struct store	*st;
	char		*path = tmp_path("prune.db");
	char		*cols[] = { (char *)"node_id", (char *)"v" };
	const char	*types[] = { NULL, "INTEGER" };
	char		*tables[] = { (char *)"probe_x" };
	char		 sql[256];
	int64_t		 run[5], now = (int64_t)now_real();
	int		 i;

	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	ok(store_ensure_table(st, "probe_x", cols, types, 2) == 0,
	    "store_ensure_table creates a run-scoped table");
	store_metric(st, "m", "gauge", "M.", NULL, 0);
	for (i = 0; i < 5; i++) {
		/* Runs 0-2 are ten days old, 3-4 fresh. */
		run[i] = store_begin_run(st, i < 3 ? now - 10 * 86400 : now);
		store_end_run(st, run[i], "complete", NULL, 1, 1);
		snprintf(sql, sizeof(sql), "INSERT INTO probe_x VALUES "
		    "(%lld, 'n1', %d), (%lld, 'n2', %d)", (long long)run[i], i,
		    (long long)run[i], i);
		store_exec(st, sql);
		snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, node_id, "
		    "url) VALUES (%lld, 'n1', 'http://n1')", (long long)run[i]);
		store_exec(st, sql);
		/* Run i has series 0..i; series 0-2 only appear in old runs. */
		snprintf(sql, sizeof(sql), "{\"i\":\"%d\"}", i);
		store_sample(st, run[i], "m", sql, sql, i);
		if (i > 0)
			store_sample(st, run[i], "m", "{\"i\":\"all\"}",
			    "{i=\"all\"}", i);
	}
	is_int(10, q_int(st, "SELECT count(*) FROM probe_x"), "10 probe rows");

	ok(store_prune(st, run[4], 10, 0, tables, 1) == 0,
	    "prune keeping more runs than there are");
	is_int(10, q_int(st, "SELECT count(*) FROM probe_x"), "  deletes nothing");

	ok(store_prune(st, run[4], 2, 0, tables, 1) == 0, "prune keep=2");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_x WHERE run_id "
	    "IN (%lld, %lld)", (long long)run[3], (long long)run[4]);
	is_int(4, q_int(st, sql), "  the newest two runs' rows remain");
	is_int(4, q_int(st, "SELECT count(*) FROM probe_x"), "  and only them");
	snprintf(sql, sizeof(sql), "SELECT min(run_id) FROM nodes");
	is_int(run[3], q_int(st, sql), "  nodes of older runs are deleted too");
	is_int(9, q_int(st, "SELECT count(*) FROM samples"),
	    "  samples are not pruned by keep");
	is_int(5, q_int(st, "SELECT count(*) FROM runs"),
	    "  runs themselves are kept");

	ok(store_prune(st, run[4], 2, 86400000, tables, 1) == 0,
	    "prune with a retention of 1d");
	is_int(4, q_int(st, "SELECT count(*) FROM samples"),
	    "  samples of runs older than the retention are deleted");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE run_id "
	    "< %lld", (long long)run[3]);
	is_int(0, q_int(st, sql), "  none from an old run remains");
	is_int(3, q_int(st, "SELECT count(*) FROM series"),
	    "  series left without samples are deleted");
	is_int(1, q_int(st, "SELECT count(*) FROM series WHERE labels = "
	    "'{\"i\":\"all\"}'"), "  a series with fresh samples is kept");

	store_close(st);
	remove_db(path);
	free(path);
}

/* "SELECT count(*) FROM runs WHERE run_id = id" */
static int64_t
run_exists(struct store *st, int64_t id)
{
	char	sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM runs WHERE run_id = "
	    "%lld", (long long)id);
	return q_int(st, sql);
}

/* The run log (runs, run_phases, run_requests) by retention. */
static void
test_prune_run_log(void)
{
	/* What each of runs 1-14 is; all started 100 days ago. */
	static const struct {
		const char	*status;
		const char	*ref;	/* a table referring to it */
		int		 stale;	/* discovery_stale, -1: NULL */
		int		 gone;	/* pruned with every rule applied */
	} rs[] = {
		{ "complete", NULL, -1, 1 },		/* 1 */
		{ "failed", NULL, -1, 1 },		/* 2 */
		{ "failed", NULL, 0, 0 },		/* 3: discovery read */
		{ "failed", "nodes", -1, 0 },		/* 4 */
		{ "complete", "samples", -1, 0 },	/* 5 */
		{ "complete", "history_runs", -1, 0 },	/* 6 */
		{ "complete", "remote_write_queue", -1, 0 }, /* 7 */
		{ "complete", "run_tables", -1, 0 },	/* 8 */
		{ "running", NULL, -1, 0 },		/* 9 */
		{ "failed", NULL, -1, 1 },		/* 10 */
		{ "failed", NULL, 2, 0 },		/* 11: latest node list */
		{ "complete", NULL, -1, 0 },		/* 12: 2nd complete */
		{ "failed", NULL, -1, 0 },		/* 13: 2nd finished */
		{ "complete", NULL, -1, 0 },		/* 14: newest */
	};
	struct store	*st;
	char		*path = tmp_path("run-log.db");
	char		 sql[256];
	double		 now = now_real(), old = now - 100 * 86400.0;
	int64_t		 id[nitems(rs)];
	size_t		 i, n;
	int		 kept;

	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	store_metric(st, "m", "gauge", "M.", NULL, 0);
	for (i = 0; i < nitems(rs); i++) {
		id[i] = store_begin_run(st, old + i);
		store_run_phase(st, id[i], "total", 1);
		snprintf(sql, sizeof(sql), "INSERT INTO run_requests VALUES "
		    "(%lld, 'p', 'ok', 3)", (long long)id[i]);
		store_exec(st, sql);
		if (rs[i].stale >= 0)
			store_run_discovery(st, id[i], "static", rs[i].stale,
			    NULL);
		if (strcmp(rs[i].status, "running") != 0)
			store_end_run(st, id[i], rs[i].status, NULL, 1, 1);
		if (rs[i].ref == NULL)
			continue;
		if (strcmp(rs[i].ref, "samples") == 0)
			store_sample(st, id[i], "m", "{}", "", 1);
		else if (strcmp(rs[i].ref, "nodes") == 0)
			snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, "
			    "node_id, url) VALUES (%lld, 'n', 'http://n')",
			    (long long)id[i]);
		else if (strcmp(rs[i].ref, "history_runs") == 0)
			snprintf(sql, sizeof(sql), "INSERT INTO history_runs "
			    "VALUES (1, %lld, %f, 0)", (long long)id[i], old);
		else if (strcmp(rs[i].ref, "remote_write_queue") == 0)
			snprintf(sql, sizeof(sql), "INSERT INTO "
			    "remote_write_queue VALUES (%lld, %f)",
			    (long long)id[i], old);
		else
			snprintf(sql, sizeof(sql), "INSERT INTO run_tables "
			    "VALUES ('users', %lld)", (long long)id[i]);
		if (strcmp(rs[i].ref, "samples") != 0)
			store_exec(st, sql);
	}
	is_int(7, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'complete'"), "run_totals counts complete runs");
	is_int(6, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'failed'"), "  and failed ones, not the running one");

	ok(store_prune_run_log(st, 1, now - 200 * 86400.0, now, 100,
	    &n) == 0 && n == 0, "no run is older than the retention: none goes");
	ok(store_prune_run_log(st, 20, now, now, 100, &n) == 0 && n == 0,
	    "keep_runs 20 keeps them all");
	ok(store_prune_run_log(st, 1, now - 50 * 86400.0, -HUGE_VAL, 1,
	    &n) == 0 && n == 1, "at most max runs go at once");
	is_int(0, run_exists(st, id[1]), "  the oldest failed run first");
	ok(store_prune_run_log(st, 1, now - 50 * 86400.0, -HUGE_VAL, 100,
	    &n) == 0 && n == 1, "the next prune takes the rest");
	is_int(0, run_exists(st, id[9]), "  another unreferenced failed run");
	is_int(1, run_exists(st, id[0]),
	    "  a complete run stays while retention keeps its kind");
	ok(store_prune_run_log(st, 1, now - 50 * 86400.0, now - 50 * 86400.0,
	    100, &n) == 0 && n == 1, "complete runs older than both go");
	for (i = 0, kept = 0; i < nitems(rs); i++)
		kept += run_exists(st, id[i]) == !rs[i].gone;
	is_int(nitems(rs), kept, "  exactly the unprotected runs are gone");
	snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM run_phases) "
	    "+ (SELECT count(*) FROM run_requests)");
	is_int(2 * (nitems(rs) - 3), q_int(st, sql),
	    "  with their phases and requests, no others");
	is_int(7, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'complete'"), "  run_totals still counts every complete run");
	is_int(6, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'failed'"), "  and every failed one");
	is_int(id[9], q_int(st, "SELECT last_run_id FROM run_log_pruned WHERE "
	    "status = 'failed'"), "  run_log_pruned has the newest pruned run");

	/* Nothing refers to them any more, and the running run ended. */
	store_exec(st, "DELETE FROM sample_head; DELETE FROM nodes; "
	    "DELETE FROM history_runs; DELETE FROM remote_write_queue; "
	    "DELETE FROM run_tables");
	store_end_run(st, id[8], "failed", "interrupted", 0, 0);
	/* A seal of chunked samples spanning run 6 keeps it. */
	snprintf(sql, sizeof(sql), "INSERT INTO sample_seals VALUES "
	    "(1, %lld, %lld)", (long long)id[5], (long long)id[5]);
	store_exec(st, sql);
	ok(store_prune_run_log(st, 1, now - 50 * 86400.0, now - 50 * 86400.0,
	    100, &n) == 0 && n == 5, "once unreferenced, those go too");
	is_int(1, run_exists(st, id[5]), "  but not a run a seal spans");
	store_exec(st, "DELETE FROM sample_seals");
	ok(store_prune_run_log(st, 1, now - 50 * 86400.0, now - 50 * 86400.0,
	    100, &n) == 0 && n == 1, "  which goes once its seal went");
	for (i = 0, kept = 0; i < nitems(rs); i++)
		kept += run_exists(st, id[i]);
	is_int(5, kept, "  the discovery runs and the newest ones stay");
	is_int(7, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'complete'"), "  the totals hold");
	is_int(7, q_int(st, "SELECT runs FROM run_totals WHERE status = "
	    "'failed'"), "  the run that ended counts as failed once");
	store_close(st);
	remove_db(path);
	free(path);
}

static void
test_ensure_table(struct store *st)
{
	char		*c1[] = { (char *)"wallet" };
	char		*c2[] = { (char *)"WALLET", (char *)"clock",
	    (char *)"note" };
	const char	*t2[] = { NULL, "INTEGER", "TEXT" };
	char		**have;
	size_t		 nhave = 99, i;
	int		 rc;

	rc = store_table_columns(st, "nosuch", &have, &nhave);
	ok(rc == 0 && nhave == 0 && have == NULL,
	    "store_table_columns of a missing table: none");

	ok(store_ensure_table(st, "users_t", c1, NULL, 1) == 0,
	    "store_ensure_table creates a table");
	store_exec(st, "INSERT INTO users_t VALUES (1, 'w1')");
	ok(store_ensure_table(st, "users_t", c2, t2, 3) == 0,
	    "store_ensure_table with more columns");
	rc = store_table_columns(st, "users_t", &have, &nhave);
	is_int(4, nhave, "  adds the missing ones (a name differing in case "
	    "is the same column)");
	ok(rc == 0 && nhave == 4 && strcmp(have[0], "run_id") == 0 &&
	    strcmp(have[1], "wallet") == 0 && strcmp(have[2], "clock") == 0 &&
	    strcmp(have[3], "note") == 0, "  columns run_id, wallet, clock, note");
	for (i = 0; i < nhave; i++)
		free(have[i]);
	free(have);
	is_int(1, q_int(st, "SELECT count(*) FROM users_t WHERE wallet = 'w1' "
	    "AND clock IS NULL"), "  existing rows are kept");
	ok(store_ensure_table(st, "users_t", c2, t2, 3) == 0,
	    "store_ensure_table again is a no-op");
	ok(store_exec(st, "INSERT INTO users_t (run_id, clock) VALUES (1, 5)")
	    == 0, "  the new columns are usable");
}

static void
test_readonly(const char *path)
{
	struct store	*ro;
	sqlite3_stmt	*stmt;
	char		*missing = tmp_path("missing.db"), *cause = NULL;
	char		 attach[512];
	const char	*sql;
	int		 rc;

	ro = store_open_reader(path, 0, &cause);
	ok(ro != NULL, "store_open readonly on an existing store");
	if (ro == NULL) {
		ok(0, "skipped");
		ok(0, "skipped");
		ok(0, "skipped");
		ok(0, "skipped");
	} else {
		ok(store_latest_complete(ro) > 0, "  reads work");
		ok(store_begin_run(ro, now_real()) == -1, "  store_begin_run refused");
		ok(store_exec(ro, "CREATE TABLE x (a)") == -1,
		    "  CREATE TABLE refused");
		ok(store_exec(ro, "DELETE FROM runs") == -1, "  DELETE refused");
		snprintf(attach, sizeof(attach), "ATTACH '%s' AS other", path);
		ok(store_exec(ro, attach) == -1, "  ATTACH refused");
		ok(store_exec(ro, "PRAGMA journal_mode = DELETE") == -1,
		    "  a pragma that writes is refused");
		ok(store_exec(ro, "SELECT load_extension('x')") == -1,
		    "  load_extension refused");
		ok(store_exec(ro, "VACUUM INTO '/tmp/vt-copy.db'") == -1 &&
		    access("/tmp/vt-copy.db", F_OK) == -1, "  VACUUM INTO refused");
		ok(store_ready(ro) == 1, "  store_ready on a set-up store");
	}
	store_close(ro);
	ro = store_open_reader(path, 200, &cause);
	sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
	    "SELECT count(*) FROM c";
	rc = ro ? store_prepare_next(ro, &sql, &stmt, &cause) : -1;
	ok(rc == 0 && stmt != NULL && sqlite3_step(stmt) == SQLITE_INTERRUPT &&
	    store_timed_out(ro), "a reader's statement is interrupted at its "
	    "timeout");
	if (rc == 0)
		sqlite3_finalize(stmt);
	store_close(ro);
	ro = store_open_reader(missing, 0, &cause);
	ok(ro == NULL && cause != NULL, "store_open_reader does not create a "
	    "store, and says why");
	free(cause);
	store_close(ro);
	ok(access(missing, F_OK) == -1, "  and leaves no file behind");
	free(missing);
}

int
main(void)
{
	struct store	*st;
	char		*path;

	plan(138);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-store") == -1)
		return 1;
	test_open();

	path = tmp_path("main.db");
	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		return 1;
	}
	test_runs(st);
	test_samples(st);
	test_ensure_table(st);
	test_readonly(path);
	store_close(st);
	remove_db(path);
	free(path);

	test_owner();
	test_prune();
	test_prune_running();
	test_run_tables();
	test_prune_run_log();
	rmdir(tmpdir);
	return done_testing();
}
