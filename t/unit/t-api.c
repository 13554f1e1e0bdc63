/* t-api.c -- the JSON API: runs, nodes, history, series, errors */

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

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char	 tmpdir[64];
static char	*db;			/* the main fixture store */
static int64_t	 r1, r2, r3;		/* complete, failed, complete */
static double	 t1, t2, t3;		/* their finished_at */

static int	 last_status;
static char	 last_error[512];
static int	 ncalls, nbad;

/* Query arguments: a NULL-terminated list of name, value pairs. */
static const char *
args_fn(void *arg, const char *name)
{
	const char	**kv = arg;

	for (; kv != NULL && kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

/*
 * api_request on store; returns the envelope's result (the caller
 * decrefs), sets last_status and last_error.  A body that is not a
 * well-formed envelope is counted in nbad.
 */
static json_t *
call(const char *store, const char *path, const char **kv)
{
	json_t		*root, *res = NULL, *st, *err, *result;
	char		*body = NULL;
	int		 status = -1, good;

	api_request(store, path, args_fn, kv, &status, &body);
	ncalls++;
	last_status = status;
	last_error[0] = '\0';
	root = body != NULL ? json_loads(body, 0, NULL) : NULL;
	st = json_object_get(root, "status");
	err = json_object_get(root, "error");
	result = json_object_get(root, "result");
	good = root != NULL && json_is_object(root) && json_object_size(root) ==
	    3 && json_is_string(st) && err != NULL && result != NULL;
	if (good && status == 200)
		good = strcmp(json_string_value(st), "success") == 0 &&
		    json_is_null(err);
	else if (good)
		good = strcmp(json_string_value(st), "error") == 0 &&
		    json_is_string(err) && json_is_null(result);
	if (!good) {
		nbad++;
		printf("# bad envelope (status %d): %s\n", status,
		    body != NULL ? body : "(null)");
	} else {
		if (json_is_string(err))
			snprintf(last_error, sizeof(last_error), "%s",
			    json_string_value(err));
		res = json_incref(result);
	}
	json_decref(root);
	free(body);
	return res;
}

static double
num(json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : -999;
}

static const char *
str(json_t *j)
{
	return json_is_string(j) ? json_string_value(j) : "(not a string)";
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
	const char	*sfx[] = { "", "-wal", "-shm", "-journal" };
	char		 p[256];
	size_t		 i;

	for (i = 0; i < nitems(sfx); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static void
exec_or_bail(struct store *st, const char *sql)
{
	if (store_exec(st, sql) == -1) {
		printf("Bail out! %s\n", sql);
		exit(1);
	}
}

static void
set_finished(struct store *st, int64_t run, double t)
{
	char	sql[128];

	snprintf(sql, sizeof(sql), "UPDATE runs SET finished_at = %.17g, "
	    "started_at = %.17g WHERE run_id = %lld", t, t - 10, (long long)run);
	exec_or_bail(st, sql);
}

/*
 * Three runs within the last day: r1 complete, r2 failed, r3 complete, with
 * phases, nodes and samples; series labels stored as {"node":..,"status":..}.
 */
static void
make_store(void)
{
	struct store	*st;
	char		 sql[512];
	double		 now = floor(now_real());

	db = tmp_path("api.db");
	if ((st = store_open(db)) == NULL) {
		printf("Bail out! cannot open %s\n", db);
		exit(1);
	}
	t1 = now - 7200 + 0.5;
	t2 = now - 3600 + 0.25;
	t3 = now - 60 + 0.75;
	r1 = store_begin_run(st, t1);
	r2 = store_begin_run(st, t2);
	r3 = store_begin_run(st, t3);
	if (r1 < 0 || r2 < 0 || r3 < 0) {
		printf("Bail out! store_begin_run\n");
		exit(1);
	}
	store_run_phase(st, r1, "discover", 0.5);
	store_run_phase(st, r1, "crawl", 2.25);
	store_run_phase(st, r1, "total", 3);
	store_run_phase(st, r2, "discover", 0.25);
	store_run_phase(st, r3, "total", 4.5);
	exec_or_bail(st, "INSERT INTO metrics (name, type, help) VALUES "
	    "('vt_up', 'gauge', 'Up.'), ('vt_count', 'gauge', 'Count.'), "
	    "('vt_empty', 'gauge', 'Nothing yet.')");

	store_sample(st, r1, "vt_up", "{\"node\":\"n1\",\"status\":\"ok\"}",
	    "{node=\"n1\",status=\"ok\"}", 1);
	store_sample(st, r1, "vt_up", "{\"node\":\"n2\",\"status\":\"ok\"}",
	    "{node=\"n2\",status=\"ok\"}", 0);
	store_sample(st, r1, "vt_count", "{}", "", 42);
	/* A failed run's samples are never kept; if they were, not shown. */
	store_sample(st, r2, "vt_up", "{\"node\":\"n1\",\"status\":\"ok\"}",
	    "{node=\"n1\",status=\"ok\"}", 99);
	store_sample(st, r3, "vt_up", "{\"node\":\"n1\",\"status\":\"ok\"}",
	    "{node=\"n1\",status=\"ok\"}", 0.5);
	store_sample(st, r3, "vt_count", "{}", "", 43);
	/* A label value that is not UTF-8 (query.c stores it as it came). */
	store_sample(st, r3, "vt_up", "{\"node\":\"n\xff\",\"status\":\"ok\"}",
	    "{node=\"n\xef\xbf\xbd\",status=\"ok\"}", 7);

	store_end_run(st, r1, "complete", NULL, 2, 10);
	store_end_run(st, r2, "failed", "crawl: boom", 2, 3);
	store_end_run(st, r3, "complete", NULL, 3, 20);
	set_finished(st, r1, t1);
	set_finished(st, r2, t2);
	set_finished(st, r3, t3);

	snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, node_id, url, "
	    "labels, requests, failed_requests, items, unanswered, up, "
	    "last_error) VALUES "
	    "(%lld, 'n1', 'http://n1:4000', '{\"region\":\"eu\"}', 5, 0, 50, 0, "
	    "1, NULL)", (long long)r1);
	exec_or_bail(st, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO nodes (run_id, node_id, url, "
	    "labels, requests, failed_requests, items, unanswered, up, "
	    "last_error) VALUES "
	    "(%lld, 'n1', 'http://n1:4000', '{\"region\":\"eu\"}', 6, 0, 60, 0, "
	    "1, NULL), "
	    "(%lld, 2, 'http://n2:4000', '{\"region\":\"us\",\"tier\":\"b\"}', "
	    "7, 3, 70, 9, 0, 'HTTP 500'), "
	    "(%lld, 'n3', 'http://n3:4000', '{}', 0, 0, 0, 0, NULL, "
	    "'bad ' || x'ff')", (long long)r3, (long long)r3, (long long)r3);
	exec_or_bail(st, sql);
	store_close(st);
}

static void
test_runs(void)
{
	const char	*a1[] = { "limit", "1", NULL };
	const char	*a0[] = { "limit", "0", NULL };
	const char	*aabc[] = { "limit", "abc", NULL };
	const char	*abig[] = { "limit", "1001", NULL };
	const char	*amax[] = { "limit", "1000", NULL };
	const char	*aodd[] = { "limit", "5x", NULL };
	const char	*asp[] = { "limit", " 5", NULL };
	const char	*aempty[] = { "limit", "", NULL };
	json_t		*res, *run, *d;

	res = call(db, "/api/v1/runs", NULL);
	is_int(200, last_status, "runs: 200");
	is_int(3, json_array_size(res), "runs: three runs");
	ok(num(json_object_get(json_array_get(res, 0), "id")) == r3 &&
	    num(json_object_get(json_array_get(res, 1), "id")) == r2 &&
	    num(json_object_get(json_array_get(res, 2), "id")) == r1,
	    "runs: newest first");
	run = json_array_get(res, 1);
	ok(strcmp(str(json_object_get(run, "status")), "failed") == 0 &&
	    strcmp(str(json_object_get(run, "error")), "crawl: boom") == 0,
	    "runs: the failed run with its error");
	run = json_array_get(res, 0);
	ok(strcmp(str(json_object_get(run, "status")), "complete") == 0 &&
	    json_is_null(json_object_get(run, "error")),
	    "runs: a complete run has error null");
	run = json_array_get(res, 2);
	d = json_object_get(run, "durations");
	ok(json_is_object(d) && json_object_size(d) == 3 &&
	    num(json_object_get(d, "crawl")) == 2.25 &&
	    num(json_object_get(d, "discover")) == 0.5 &&
	    num(json_object_get(d, "total")) == 3,
	    "runs: durations by phase in seconds");
	d = json_object_get(json_array_get(res, 1), "durations");
	ok(json_is_object(d) && json_object_size(d) == 1 &&
	    num(json_object_get(d, "discover")) == 0.25,
	    "runs: the failed run's durations");
	ok(json_is_real(json_object_get(run, "finished_at")) &&
	    num(json_object_get(run, "finished_at")) == t1 &&
	    num(json_object_get(run, "started_at")) == t1 - 10,
	    "runs: times are unix seconds, fractions kept");
	ok(num(json_object_get(run, "nodes")) == 2 &&
	    num(json_object_get(run, "requests")) == 10,
	    "runs: node and request counts");
	json_decref(res);

	res = call(db, "/api/v1/runs", a1);
	ok(last_status == 200 && json_array_size(res) == 1 &&
	    num(json_object_get(json_array_get(res, 0), "id")) == r3,
	    "runs?limit=1: the newest run only");
	json_decref(res);
	res = call(db, "/api/v1/runs", amax);
	ok(last_status == 200 && json_array_size(res) == 3,
	    "runs?limit=1000: allowed");
	json_decref(res);

	res = call(db, "/api/v1/runs", a0);
	ok(last_status == 400 && strncmp(last_error, "limit: ", 7) == 0,
	    "runs?limit=0: 400 (%s)", last_error);
	json_decref(res);
	res = call(db, "/api/v1/runs", aabc);
	is_int(400, last_status, "runs?limit=abc: 400");
	json_decref(res);
	res = call(db, "/api/v1/runs", abig);
	is_int(400, last_status, "runs?limit=1001: 400");
	json_decref(res);
	res = call(db, "/api/v1/runs", aodd);
	json_decref(res);
	ok(last_status == 400, "runs?limit=5x: 400");
	res = call(db, "/api/v1/runs", asp);
	json_decref(res);
	ok(last_status == 400, "runs?limit=' 5': 400");
	res = call(db, "/api/v1/runs", aempty);
	json_decref(res);
	ok(last_status == 400, "runs?limit=: 400");
}

static void
test_nodes(void)
{
	char		 run1[32], run2[32];
	const char	*ar1[] = { "run", run1, NULL };
	const char	*ar2[] = { "run", run2, NULL };
	const char	*a99[] = { "run", "99", NULL };
	const char	*abad[][3] = {
		{ "run", "abc", NULL }, { "run", "0", NULL },
		{ "run", "-1", NULL }, { "run", "99999999999999999999", NULL },
		{ "run", "1.5", NULL }, { "run", "", NULL },
	};
	json_t		*res, *nodes, *n1, *n2, *n3;
	size_t		 i;
	int		 nok;

	snprintf(run1, sizeof(run1), "%lld", (long long)r1);
	snprintf(run2, sizeof(run2), "%lld", (long long)r2);

	res = call(db, "/api/v1/nodes", NULL);
	is_int(200, last_status, "nodes: 200");
	is_int(r3, (long long)num(json_object_get(res, "run")),
	    "nodes: the latest complete run by default");
	nodes = json_object_get(res, "nodes");
	n1 = json_array_get(nodes, 0);
	n2 = json_array_get(nodes, 1);
	n3 = json_array_get(nodes, 2);
	ok(json_array_size(nodes) == 3 &&
	    strcmp(str(json_object_get(n1, "node_id")), "n1") == 0 &&
	    json_is_integer(json_object_get(n2, "node_id")) &&
	    num(json_object_get(n2, "node_id")) == 2 &&
	    strcmp(str(json_object_get(n3, "node_id")), "n3") == 0,
	    "nodes: three nodes in discovery order, node_id keeps its type");
	ok(json_is_object(json_object_get(n2, "labels")) &&
	    strcmp(str(json_object_get(json_object_get(n2, "labels"),
	    "region")), "us") == 0 &&
	    json_object_size(json_object_get(n3, "labels")) == 0,
	    "nodes: labels is an object");
	ok(json_is_true(json_object_get(n1, "up")) &&
	    json_is_false(json_object_get(n2, "up")) &&
	    json_is_null(json_object_get(n3, "up")),
	    "nodes: up is true, false or null");
	ok(strcmp(str(json_object_get(n2, "url")), "http://n2:4000") == 0 &&
	    num(json_object_get(n2, "requests")) == 7 &&
	    num(json_object_get(n2, "failed_requests")) == 3 &&
	    num(json_object_get(n2, "items")) == 70 &&
	    num(json_object_get(n2, "unanswered")) == 9 &&
	    strcmp(str(json_object_get(n2, "last_error")), "HTTP 500") == 0 &&
	    json_is_null(json_object_get(n1, "last_error")),
	    "nodes: url, counters and last_error");
	is_str("bad \xef\xbf\xbd", str(json_object_get(n3, "last_error")),
	    "nodes: a stored string that is not UTF-8 is repaired");
	json_decref(res);

	res = call(db, "/api/v1/nodes", ar1);
	ok(last_status == 200 && num(json_object_get(res, "run")) == r1 &&
	    json_array_size(json_object_get(res, "nodes")) == 1 &&
	    num(json_object_get(json_array_get(json_object_get(res, "nodes"),
	    0), "requests")) == 5, "nodes?run=R1: that run's nodes");
	json_decref(res);
	res = call(db, "/api/v1/nodes", ar2);
	ok(last_status == 200 && num(json_object_get(res, "run")) == r2 &&
	    json_array_size(json_object_get(res, "nodes")) == 0,
	    "nodes?run=R2: a failed run can be asked for (no nodes here)");
	json_decref(res);
	res = call(db, "/api/v1/nodes", a99);
	is_int(404, last_status, "nodes?run=99: 404");
	is_str("no run 99", last_error, "  error 'no run 99'");
	json_decref(res);
	for (nok = 0, i = 0; i < nitems(abad); i++) {
		res = call(db, "/api/v1/nodes", abad[i]);
		json_decref(res);
		if (last_status == 400 && strncmp(last_error, "run: ", 5) == 0)
			nok++;
		else
			printf("# run=%s: %d %s\n", abad[i][1], last_status,
			    last_error);
	}
	is_int(nitems(abad), nok,
	    "nodes?run=abc, 0, -1, 1e20, 1.5, empty: 400 'run: ...'");
}

/* The points of a history answer as "t=v t=v" (times as offsets). */
static const char *
points(json_t *res)
{
	static char	 out[256];
	json_t		*pts = json_object_get(res, "points"), *p;
	size_t		 i, len = 0;

	snprintf(out, sizeof(out), "%s", json_is_array(pts) ? "" : "(none)");
	json_array_foreach(pts, i, p) {
		if (len >= sizeof(out))
			break;
		len += snprintf(out + len, sizeof(out) - len, "%s%s=%g",
		    i > 0 ? " " : "",
		    num(json_array_get(p, 0)) == t1 ? "t1" :
		    num(json_array_get(p, 0)) == t2 ? "t2" :
		    num(json_array_get(p, 0)) == t3 ? "t3" : "?",
		    num(json_array_get(p, 1)));
	}
	return out;
}

static void
test_history(void)
{
	char		 s1[64], e3[64], e1[64];
	const char	*swapped = "{\"status\":\"ok\",\"node\":\"n1\"}";
	const char	*a_all[] = { "metric", "vt_up", "labels", swapped,
	    "start", "0", NULL };
	const char	*a_def[] = { "metric", "vt_up", "labels", swapped, NULL };
	const char	*a_range[] = { "metric", "vt_up", "labels", swapped,
	    "start", s1, "end", e3, NULL };
	const char	*a_exact[] = { "metric", "vt_up", "labels", swapped,
	    "start", e1, "end", e1, NULL };
	const char	*a_rev[] = { "metric", "vt_up", "labels", swapped,
	    "start", e3, "end", e1, NULL };
	const char	*a_count[] = { "metric", "vt_count", NULL };
	const char	*a_repair[] = { "metric", "vt_up", "labels",
	    "{\"node\":\"n\\ufffd\",\"status\":\"ok\"}", NULL };
	const char	*bad_time[][5] = {
		{ "metric", "vt_count", "start", "abc", NULL },
		{ "metric", "vt_count", "start", "1e9", NULL },
		{ "metric", "vt_count", "start", "-5", NULL },
		{ "metric", "vt_count", "end", "", NULL },
		{ "metric", "vt_count", "end", "0x10", NULL },
		{ "metric", "vt_count", "end", "inf", NULL },
		{ "metric", "vt_count", "end", "1.", NULL },
		{ "metric", "vt_count", "end", ".5", NULL },
		{ "metric", "vt_count", "end", "1e12", NULL },
		{ "metric", "vt_count", "end", "100000000001", NULL },
	};
	const char	*bad_labels[] = {
		"[1]", "{\"node\":1}", "{", "\"x\"", "{\"a\":\"1\",\"a\":\"2\"}",
		"{\"node\":\"n\xff\"}", "{\"a\":{\"b\":\"c\"}}", "",
	};
	const char	*no_series[] = {
		"{\"node\":\"n1\"}",
		"{\"node\":\"n1\",\"status\":\"ok\",\"x\":\"y\"}",
		"{\"node\":\"n1\",\"status\":\"OK\"}",
	};
	const char	*a_bl[] = { "metric", "vt_up", "labels", NULL, NULL };
	const char	*a_badname[] = { "metric", "1abc", NULL };
	const char	*a_badutf[] = { "metric", "m\xff", NULL };
	const char	*a_nometric[] = { "labels", "{}", NULL };
	const char	*a_nosuch[] = { "metric", "vt_nosuch", NULL };
	json_t		*res;
	size_t		 i;
	int		 nok;

	snprintf(s1, sizeof(s1), "%.3f", t1 + 1);
	snprintf(e3, sizeof(e3), "%.3f", t3);
	snprintf(e1, sizeof(e1), "%.3f", t1);

	res = call(db, "/api/v1/history", a_all);
	is_int(200, last_status, "history: 200");
	is_str("t1=1 t3=0.5", points(res),
	    "history: labels in another key order find the series; "
	    "complete runs only, oldest first");
	ok(strcmp(str(json_object_get(res, "metric")), "vt_up") == 0 &&
	    json_object_size(json_object_get(res, "labels")) == 2 &&
	    strcmp(str(json_object_get(json_object_get(res, "labels"),
	    "node")), "n1") == 0, "history: metric and labels echoed");
	json_decref(res);

	res = call(db, "/api/v1/history", a_def);
	is_str("t1=1 t3=0.5", points(res),
	    "history: the default range is the last 7 days");
	json_decref(res);
	res = call(db, "/api/v1/history", a_range);
	ok(last_status == 200 && strcmp(points(res), "t3=0.5") == 0,
	    "history: start/end restrict the points (%s)", points(res));
	json_decref(res);
	res = call(db, "/api/v1/history", a_exact);
	ok(last_status == 200 && strcmp(points(res), "t1=1") == 0,
	    "history: start and end are inclusive (%s)", points(res));
	json_decref(res);
	res = call(db, "/api/v1/history", a_rev);
	ok(last_status == 400 && strncmp(last_error, "start: ", 7) == 0,
	    "history: start after end: 400 (%s)", last_error);
	json_decref(res);
	for (nok = 0, i = 0; i < nitems(bad_time); i++) {
		res = call(db, "/api/v1/history", bad_time[i]);
		json_decref(res);
		if (last_status == 400)
			nok++;
		else
			printf("# %s=%s: %d\n", bad_time[i][2], bad_time[i][3],
			    last_status);
	}
	is_int(nitems(bad_time), nok, "history: start/end abc, 1e9, -5, "
	    "empty, 0x10, inf, '1.', '.5', 1e12, > 1e11: 400");

	res = call(db, "/api/v1/history", a_count);
	ok(last_status == 200 && strcmp(points(res), "t1=42 t3=43") == 0 &&
	    json_is_integer(json_array_get(json_array_get(json_object_get(res,
	    "points"), 0), 1)),
	    "history: no labels means {}; integral values are integers");
	json_decref(res);
	res = call(db, "/api/v1/history", a_repair);
	ok(last_status == 200 && strcmp(points(res), "t3=7") == 0,
	    "history: a stored label that is not UTF-8 matches its repaired "
	    "form");
	json_decref(res);

	for (nok = 0, i = 0; i < nitems(bad_labels); i++) {
		a_bl[3] = bad_labels[i];
		res = call(db, "/api/v1/history", a_bl);
		json_decref(res);
		if (last_status == 400 && strncmp(last_error, "labels: ", 8) == 0)
			nok++;
		else
			printf("# labels=%s: %d %s\n", bad_labels[i],
			    last_status, last_error);
	}
	is_int(nitems(bad_labels), nok, "history: labels not an object of "
	    "strings (array, number value, syntax, string, duplicate key, "
	    "bad UTF-8, nested, empty): 400 'labels: ...'");
	for (nok = 0, i = 0; i < nitems(no_series); i++) {
		a_bl[3] = no_series[i];
		res = call(db, "/api/v1/history", a_bl);
		json_decref(res);
		if (last_status == 404 && strncmp(last_error, "no series ", 10)
		    == 0)
			nok++;
		else
			printf("# labels=%s: %d %s\n", no_series[i],
			    last_status, last_error);
	}
	is_int(nitems(no_series), nok, "history: a subset, a superset or "
	    "another value of the labels: 404 'no series ...'");

	res = call(db, "/api/v1/history", a_badname);
	ok(last_status == 400 && strncmp(last_error, "metric: ", 8) == 0,
	    "history: bad metric name: 400 (%s)", last_error);
	json_decref(res);
	res = call(db, "/api/v1/history", a_badutf);
	ok(last_status == 400 && strstr(last_error, "\xef\xbf\xbd") != NULL,
	    "history: a metric that is not UTF-8 is quoted repaired (%s)",
	    last_error);
	json_decref(res);
	res = call(db, "/api/v1/history", a_nometric);
	ok(last_status == 400 && strcmp(last_error, "metric: required") == 0,
	    "history: no metric: 400 (%s)", last_error);
	json_decref(res);
	res = call(db, "/api/v1/history", a_nosuch);
	ok(last_status == 404 && strncmp(last_error, "no series vt_nosuch",
	    19) == 0, "history: unknown metric: 404 (%s)", last_error);
	json_decref(res);
}

static void
test_series(void)
{
	const char	*a_up[] = { "metric", "vt_up", NULL };
	const char	*a_empty[] = { "metric", "vt_empty", NULL };
	const char	*a_nosuch[] = { "metric", "vt_nosuch", NULL };
	const char	*a_bad[] = { "metric", "a-b", NULL };
	json_t		*res, *first;

	res = call(db, "/api/v1/series", a_up);
	first = json_array_get(res, 0);
	ok(last_status == 200 && json_array_size(res) == 3 &&
	    json_is_object(first) && json_object_size(first) == 2 &&
	    strcmp(str(json_object_get(first, "node")), "n1") == 0 &&
	    strcmp(str(json_object_get(first, "status")), "ok") == 0,
	    "series: the label sets of a metric, as objects");
	is_str("n\xef\xbf\xbd", str(json_object_get(json_array_get(res, 2),
	    "node")), "series: a label value that is not UTF-8 is repaired");
	json_decref(res);
	res = call(db, "/api/v1/series", a_empty);
	ok(last_status == 200 && json_is_array(res) && json_array_size(res)
	    == 0, "series: a known metric without series: []");
	json_decref(res);
	res = call(db, "/api/v1/series", a_nosuch);
	is_int(404, last_status, "series: an unknown metric: 404");
	json_decref(res);
	res = call(db, "/api/v1/series", a_bad);
	is_int(400, last_status, "series: a bad metric name: 400");
	json_decref(res);
	res = call(db, "/api/v1/series", NULL);
	is_int(400, last_status, "series: no metric: 400");
	json_decref(res);
}

static void
test_paths(void)
{
	const char	*paths[] = { "/api/v1/nope", "/api/v1/runs/",
	    "/api/v1", "", "/API/V1/RUNS", "/api/v1/runs\xff",
	    "/api/v1/runs?limit=1" };
	const char	*extra[] = { "limit", "2", "bogus", "1", "labels", "[",
	    NULL };
	json_t		*res;
	size_t		 i;
	int		 nok = 0;

	for (i = 0; i < nitems(paths); i++) {
		res = call(db, paths[i], NULL);
		json_decref(res);
		if (last_status == 404 &&
		    strcmp(last_error, "unknown endpoint") == 0)
			nok++;
		else
			printf("# %s: %d %s\n", paths[i], last_status,
			    last_error);
	}
	is_int(nitems(paths), nok, "unknown paths: 404 'unknown endpoint'");
	res = call(db, NULL, NULL);
	json_decref(res);
	is_int(404, last_status, "a NULL path: 404");
	res = call(db, "/api/v1/runs", extra);
	ok(last_status == 200 && json_array_size(res) == 2,
	    "unknown query arguments are ignored");
	json_decref(res);
}

static void
test_stores(void)
{
	struct store	*st;
	char		*missing = tmp_path("missing.db");
	char		*empty = tmp_path("empty.db");
	char		*zero = tmp_path("zero.db");
	char		*junk = tmp_path("junk.db");
	const char	*hist[] = { "metric", "vt_up", NULL };
	int		 status = 0;
	char		*body = NULL;
	json_t		*res;
	FILE		*fp;

	res = call(missing, "/api/v1/runs", NULL);
	ok(last_status == 503 && strcmp(last_error, "no store yet") == 0,
	    "a missing store: runs 503 'no store yet'");
	json_decref(res);
	res = call(missing, "/api/v1/nodes", NULL);
	json_decref(res);
	ok(last_status == 503 && strcmp(last_error, "no store yet") == 0,
	    "  nodes 503");
	res = call(missing, "/api/v1/history", hist);
	json_decref(res);
	ok(last_status == 503, "  history 503");
	ok(access(missing, F_OK) == -1, "  and no file is created");

	if ((st = store_open(empty)) == NULL) {
		printf("Bail out! cannot open %s\n", empty);
		exit(1);
	}
	store_close(st);
	res = call(empty, "/api/v1/runs", NULL);
	ok(last_status == 200 && json_is_array(res) && json_array_size(res)
	    == 0, "a store without runs: runs []");
	json_decref(res);
	res = call(empty, "/api/v1/nodes", NULL);
	json_decref(res);
	ok(last_status == 503 && strcmp(last_error, "no complete run yet")
	    == 0, "  nodes 503 'no complete run yet'");

	if ((fp = fopen(zero, "w")) != NULL)
		fclose(fp);
	res = call(zero, "/api/v1/runs", NULL);
	json_decref(res);
	ok(last_status == 503 && strcmp(last_error, "no store yet") == 0,
	    "an empty file: 503 'no store yet'");

	if ((fp = fopen(junk, "w")) != NULL) {
		for (status = 0; status < 100; status++)
			fputs("this is not a database\n", fp);
		fclose(fp);
	}
	res = call(junk, "/api/v1/runs", NULL);
	json_decref(res);
	ok(last_status == 500 && strncmp(last_error, "store: ", 7) == 0,
	    "a file that is not a database: 500 (%s)", last_error);

	api_request(db, "/api/v1/runs", NULL, NULL, &status, &body);
	ok(status == 200 && body != NULL && strstr(body, "\"success\"") !=
	    NULL, "a NULL args function: defaults");
	free(body);

	remove_db(empty);
	unlink(zero);
	unlink(junk);
	free(missing);
	free(empty);
	free(zero);
	free(junk);
}

/* A reader is not blocked by a writer and sees committed data only. */
static void
test_concurrent(void)
{
	struct store	*st;
	json_t		*res;

	if ((st = store_open(db)) == NULL) {
		printf("Bail out! cannot reopen %s\n", db);
		exit(1);
	}
	store_begin(st);
	store_begin_run(st, now_real());
	res = call(db, "/api/v1/runs", NULL);
	ok(last_status == 200 && json_array_size(res) == 3,
	    "a write transaction in progress: 200 without its run");
	json_decref(res);
	store_rollback(st);
	store_close(st);
}

static void
test_big(void)
{
	struct store	*st;
	char		*big = tmp_path("big.db");
	const char	*all[] = { "metric", "vt_big", "start", "0", "end",
	    "9999999", NULL };
	const char	*narrow[] = { "metric", "vt_big", "start", "1000001",
	    "end", "9999999", NULL };
	json_t		*res;

	if ((st = store_open(big)) == NULL) {
		printf("Bail out! cannot open %s\n", big);
		exit(1);
	}
	exec_or_bail(st, "BEGIN");
	exec_or_bail(st, "WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL "
	    "SELECT n + 1 FROM i WHERE n < 100000) "
	    "INSERT INTO runs (run_id, started_at, finished_at, status) "
	    "SELECT n + 1, 1000000 + n, 1000000 + n, 'complete' FROM i");
	exec_or_bail(st, "INSERT INTO series (series_id, metric, labels, "
	    "expo) VALUES (1, 'vt_big', '{}', '')");
	exec_or_bail(st, "INSERT INTO sample_head (run_id, series_id, value) "
	    "SELECT run_id, 1, run_id * 0.5 FROM runs");
	exec_or_bail(st, "COMMIT");
	store_close(st);
	/* The writer seals all but the newest runs into chunks. */
	if ((st = store_open(big)) == NULL) {
		printf("Bail out! cannot reopen %s\n", big);
		exit(1);
	}
	store_close(st);

	res = call(big, "/api/v1/history", all);
	ok(last_status == 400 &&
	    strcmp(last_error, "range too large, narrow start/end") == 0,
	    "history: 100001 points: 400 'range too large, narrow "
	    "start/end'");
	json_decref(res);
	res = call(big, "/api/v1/history", narrow);
	ok(last_status == 200 &&
	    json_array_size(json_object_get(res, "points")) == 100000,
	    "history: 100000 points are allowed");
	json_decref(res);
	remove_db(big);
	free(big);
}

int
main(void)
{
	plan(67);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-api") == -1)
		return 1;
	make_store();
	test_runs();
	test_nodes();
	test_history();
	test_series();
	test_paths();
	test_stores();
	test_concurrent();
	test_big();
	ok(nbad == 0, "every body of %d is a JSON envelope with status, "
	    "result and error", ncalls);

	remove_db(db);
	free(db);
	rmdir(tmpdir);
	return done_testing();
}
