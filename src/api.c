/* api.c -- the JSON API under /api/v1: runs, nodes, metric history */

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

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define API_TIMEOUT_MS		10000	/* one statement of a request */
#define API_RUNS_DEFAULT	100
#define API_RUNS_MAX		1000
#define API_MAX_POINTS		100000
#define API_MAX_SERIES		10000
#define API_HISTORY_DEFAULT	(7 * 86400.0)	/* seconds before end */
#define API_TIME_MAX		1e11		/* unix seconds, year 5138 */
#define API_ERROR_MAX		512

/*
 * One request.  Handlers fill ar_result and return 0, or call api_fail and
 * return -1; the status is 200, 400, 404, 503, or 500 when the store
 * itself fails (an SQLite error, which is also logged).
 */
struct api_req {
	struct store	*ar_st;
	const char	*ar_path;
	api_arg_fn	 ar_args;
	void		*ar_arg;
	int		 ar_status;
	char		 ar_error[API_ERROR_MAX];
	json_t		*ar_result;
};

struct api_route {
	const char	*rt_path;
	int		(*rt_fn)(struct api_req *, const char *);
};

static int	api_fail(struct api_req *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * jansson allocates with malloc; out of memory is fatal here as everywhere
 * (xmalloc.h).  Every other NULL from the constructors below is ruled out
 * by the callers: strings are made valid UTF-8, reals finite.
 */
static json_t *
jcheck(json_t *j)
{
	if (j == NULL)
		fatalx("api: out of memory");
	return j;
}

static void
jset(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) == -1)
		fatalx("api: out of memory");
}

static void
jappend(json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) == -1)
		fatalx("api: out of memory");
}

/* A JSON string of len bytes of s (repaired if not UTF-8); NULL: null. */
static json_t *
jstr(const char *s, size_t len)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		return jcheck(json_null());
	if (utf8_valid(s, len))
		return jcheck(json_stringn(s, len));
	buf_init(&b, 0);
	buf_add_utf8(&b, s, len);
	j = jcheck(json_stringn(b.b_data, b.b_len));
	buf_release(&b);
	return j;
}

/*
 * A number: integral values within 2^53 as integers ("5", not "5.0"),
 * others as reals; infinities (which a REAL column can hold) as null,
 * since JSON has no representation for them.
 */
static json_t *
jnum(double v)
{
	if (!isfinite(v))
		return jcheck(json_null());
	if (v == trunc(v) && fabs(v) < 9007199254740992.0)
		return jcheck(json_integer((json_int_t)v));
	return jcheck(json_real(v));
}

/* A result column as JSON by its storage class. */
static json_t *
jcol(sqlite3_stmt *stmt, int col)
{
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_NULL:
		return jcheck(json_null());
	case SQLITE_INTEGER:
		return jcheck(json_integer(sqlite3_column_int64(stmt, col)));
	case SQLITE_FLOAT:
		return jnum(sqlite3_column_double(stmt, col));
	default:
		return jstr((const char *)sqlite3_column_text(stmt, col),
		    (size_t)sqlite3_column_bytes(stmt, col));
	}
}

/* Stored labels (JSON object text) as an object; NULL if not one. */
static json_t *
labels_load(const char *s, size_t len)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		return NULL;
	if (utf8_valid(s, len))
		j = json_loadb(s, len, 0, NULL);
	else {
		buf_init(&b, 0);
		buf_add_utf8(&b, s, len);
		j = json_loadb(b.b_data, b.b_len, 0, NULL);
		buf_release(&b);
	}
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* Labels column as an object; text that is not one is passed as a string. */
static json_t *
jlabels(sqlite3_stmt *stmt, int col)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, col);
	size_t		 len = (size_t)sqlite3_column_bytes(stmt, col);
	json_t		*j;

	if (s == NULL)
		return jcheck(json_object());
	if ((j = labels_load(s, len)) != NULL)
		return j;
	return jstr(s, len);
}

static int
api_fail(struct api_req *r, int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->ar_error, sizeof(r->ar_error), fmt, ap);
	va_end(ap);
	r->ar_status = status;
	/* A request's failure is the client's business: info, not a warning. */
	if (status == 500)
		log_info("api: %s: %s", r->ar_path, r->ar_error);
	else
		log_debug("api: %s: %d %s", r->ar_path, status, r->ar_error);
	return -1;
}

static int
api_dberr(struct api_req *r)
{
	if (store_timed_out(r->ar_st))
		return api_fail(r, 503, "store: the query took longer than "
		    "%ds", API_TIMEOUT_MS / 1000);
	return api_fail(r, 500, "store: %s", store_errmsg(r->ar_st));
}

static const char *
api_arg(struct api_req *r, const char *name)
{
	if (r->ar_args == NULL)
		return NULL;
	return r->ar_args(r->ar_arg, name);
}

/* A decimal integer in [min, max], nothing else around it. */
static int
parse_int(const char *s, long long min, long long max, long long *vp)
{
	char		*end;
	long long	 v;

	if (!isdigit((unsigned char)s[0]) &&
	    !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*vp = v;
	return 0;
}

/*
 * Unix seconds: digits with an optional fraction ("1700000000.25"); no
 * sign, exponent, hex, inf or nan, which strtod would take.
 */
static int
parse_time(const char *s, double *tp)
{
	const char	*p = s;
	char		*end;
	double		 t;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0' || p - s > 64)
		return -1;
	errno = 0;
	t = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(t) || t > API_TIME_MAX)
		return -1;
	*tp = t;
	return 0;
}

static int
api_prepare(struct api_req *r, const char *sql, sqlite3_stmt **stmtp)
{
	if ((*stmtp = store_prepare(r->ar_st, sql)) == NULL)
		return api_dberr(r);
	return 0;
}

/*
 * Open the store read-only for this request, in one read transaction so
 * that every statement sees the same snapshot while a run writes.
 */
static int
api_open(struct api_req *r, const char *store_path)
{
	struct stat	 sb;
	char		*cause;
	int		 ready;

	if (store_path == NULL || stat(store_path, &sb) == -1) {
		if (store_path == NULL || errno == ENOENT || errno == ENOTDIR)
			return api_fail(r, 503, "no store yet");
		return api_fail(r, 500, "store: %s", strerror(errno));
	}
	if ((r->ar_st = store_open_reader(store_path, API_TIMEOUT_MS,
	    &cause)) == NULL) {
		api_fail(r, 500, "store: %s", cause);
		free(cause);
		return -1;
	}
	if (store_read_begin(r->ar_st) == -1)
		return api_dberr(r);
	/* A file vantage has not set up yet (or not finished setting up). */
	if ((ready = store_ready(r->ar_st)) == -1)
		return api_dberr(r);
	if (!ready)
		return api_fail(r, 503, "no store yet");
	return 0;
}

static void
api_close(struct api_req *r)
{
	if (r->ar_st == NULL)
		return;
	store_read_end(r->ar_st);
	store_close(r->ar_st);
	r->ar_st = NULL;
}

/* /api/v1/runs?limit=N */
static int
api_runs(struct api_req *r, const char *store_path)
{
	sqlite3_stmt	*runs = NULL, *phases = NULL;
	json_t		*run, *durations;
	struct buf	 key;
	const char	*s;
	long long	 limit = API_RUNS_DEFAULT;
	int		 rc = -1, step;

	buf_init(&key, 0);
	if ((s = api_arg(r, "limit")) != NULL &&
	    parse_int(s, 1, API_RUNS_MAX, &limit) == -1)
		return api_fail(r, 400, "limit: must be an integer from 1 "
		    "to %d", API_RUNS_MAX);
	if (api_open(r, store_path) == -1)
		return -1;
	if (api_prepare(r, "SELECT run_id, started_at, finished_at, status, "
	    "error, nodes, requests FROM runs ORDER BY run_id DESC LIMIT ?1",
	    &runs) == -1 ||
	    api_prepare(r, "SELECT phase, seconds FROM run_phases "
	    "WHERE run_id = ?1 ORDER BY phase", &phases) == -1)
		goto out;
	sqlite3_bind_int64(runs, 1, limit);
	r->ar_result = jcheck(json_array());
	while ((step = sqlite3_step(runs)) == SQLITE_ROW) {
		run = jcheck(json_object());
		jappend(r->ar_result, run);
		jset(run, "id", jcol(runs, 0));
		jset(run, "started_at", jcol(runs, 1));
		jset(run, "finished_at", jcol(runs, 2));
		jset(run, "status", jcol(runs, 3));
		jset(run, "error", jcol(runs, 4));
		jset(run, "nodes", jcol(runs, 5));
		jset(run, "requests", jcol(runs, 6));
		durations = jcheck(json_object());
		jset(run, "durations", durations);
		sqlite3_reset(phases);
		sqlite3_bind_int64(phases, 1, sqlite3_column_int64(runs, 0));
		while ((step = sqlite3_step(phases)) == SQLITE_ROW) {
			/* A key must be UTF-8 without NUL, whatever is stored. */
			buf_reset(&key);
			buf_puts(&key, "");	/* b_data is never NULL */
			s = (const char *)sqlite3_column_text(phases, 0);
			buf_add_utf8(&key, s != NULL ? s : "",
			    s != NULL ? strlen(s) : 0);
			jset(durations, key.b_data,
			    jnum(sqlite3_column_double(phases, 1)));
		}
		if (step != SQLITE_DONE) {
			api_dberr(r);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(phases);
	sqlite3_finalize(runs);
	buf_release(&key);
	return rc;
}

/*
 * /api/v1/nodes?run=ID.  A run has at most discover's MAX_NODES nodes, which
 * bounds the answer.
 */
static int
api_nodes(struct api_req *r, const char *store_path)
{
	sqlite3_stmt	*stmt = NULL;
	json_t		*nodes, *node;
	const char	*s;
	long long	 run = 0;
	int		 rc = -1, step;

	if ((s = api_arg(r, "run")) != NULL &&
	    parse_int(s, 1, INT64_MAX, &run) == -1)
		return api_fail(r, 400, "run: must be a positive integer");
	if (api_open(r, store_path) == -1)
		return -1;

	if (api_prepare(r, s != NULL ?
	    "SELECT run_id FROM runs WHERE run_id = ?1" :
	    "SELECT max(run_id) FROM runs WHERE status = 'complete'",
	    &stmt) == -1)
		goto out;
	if (s != NULL)
		sqlite3_bind_int64(stmt, 1, run);
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	if (step == SQLITE_DONE || sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
		if (s != NULL)
			api_fail(r, 404, "no run %lld", run);
		else
			api_fail(r, 503, "no complete run yet");
		goto out;
	}
	run = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;

	if (api_prepare(r, "SELECT node_id, url, labels, up, requests, "
	    "failed_requests, items, unanswered, last_error FROM nodes "
	    "WHERE run_id = ?1 ORDER BY rowid", &stmt) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, run);
	r->ar_result = jcheck(json_object());
	jset(r->ar_result, "run", jcheck(json_integer(run)));
	nodes = jcheck(json_array());
	jset(r->ar_result, "nodes", nodes);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		node = jcheck(json_object());
		jappend(nodes, node);
		jset(node, "node_id", jcol(stmt, 0));
		jset(node, "url", jcol(stmt, 1));
		jset(node, "labels", jlabels(stmt, 2));
		if (sqlite3_column_type(stmt, 3) == SQLITE_NULL)
			jset(node, "up", jcheck(json_null()));
		else
			jset(node, "up", jcheck(json_boolean(
			    sqlite3_column_int64(stmt, 3) != 0)));
		jset(node, "requests", jcol(stmt, 4));
		jset(node, "failed_requests", jcol(stmt, 5));
		jset(node, "items", jcol(stmt, 6));
		jset(node, "unanswered", jcol(stmt, 7));
		jset(node, "last_error", jcol(stmt, 8));
	}
	if (step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The metric argument, required and a valid name; NULL after api_fail. */
static const char *
api_metric(struct api_req *r)
{
	const char	*metric;

	if ((metric = api_arg(r, "metric")) == NULL) {
		api_fail(r, 400, "metric: required");
		return NULL;
	}
	if (!valid_metric_name(metric)) {
		api_fail(r, 400, "metric: invalid metric name '%.100s'",
		    metric);
		return NULL;
	}
	return metric;
}

/* The labels argument: a JSON object of strings, {} if absent. */
static json_t *
api_labels(struct api_req *r)
{
	const char	*s, *key;
	json_t		*labels, *v;
	json_error_t	 err;

	if ((s = api_arg(r, "labels")) == NULL)
		return jcheck(json_object());
	if ((labels = json_loads(s, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		api_fail(r, 400, "labels: %s", err.text);
		return NULL;
	}
	if (!json_is_object(labels)) {
		api_fail(r, 400, "labels: must be a JSON object");
		json_decref(labels);
		return NULL;
	}
	json_object_foreach(labels, key, v) {
		if (!json_is_string(v)) {
			api_fail(r, 400, "labels: the value of '%.100s' must "
			    "be a string", key);
			json_decref(labels);
			return NULL;
		}
	}
	return labels;
}

/*
 * /api/v1/history?metric=NAME&labels=JSON&start=T&end=T.  The label set is
 * compared as a set: series.labels keeps the key order of the query that
 * wrote it, so every series of the metric is loaded and compared with
 * json_equal.  One label set may have been stored in two key orders (a query
 * whose columns were reordered); the points of both are returned.
 */
static int
api_history(struct api_req *r, const char *store_path)
{
	sqlite3_stmt	*stmt = NULL;
	json_t		*want = NULL, *got, *points, *point;
	struct buf	 ids;
	const char	*metric, *s;
	char		*dump;
	double		 start, end;
	int		 rc = -1, step, npoints = 0, nseries;

	buf_init(&ids, 0);
	if ((metric = api_metric(r)) == NULL ||
	    (want = api_labels(r)) == NULL)
		goto out;
	end = now_real();
	if ((s = api_arg(r, "end")) != NULL && parse_time(s, &end) == -1) {
		api_fail(r, 400, "end: must be unix seconds");
		goto out;
	}
	start = end - API_HISTORY_DEFAULT;
	if ((s = api_arg(r, "start")) != NULL && parse_time(s, &start) == -1) {
		api_fail(r, 400, "start: must be unix seconds");
		goto out;
	}
	if (start > end) {
		api_fail(r, 400, "start: after end");
		goto out;
	}
	if (api_open(r, store_path) == -1)
		goto out;

	if (api_prepare(r, "SELECT series_id, labels FROM series "
	    "WHERE metric = ?1 LIMIT ?2", &stmt) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, API_MAX_SERIES + 1);
	buf_putc(&ids, '[');
	nseries = 0;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (++nseries > API_MAX_SERIES) {
			api_fail(r, 400, "metric has more than 10000 series; "
			    "history is not searched");
			goto out;
		}
		got = labels_load((const char *)sqlite3_column_text(stmt, 1),
		    (size_t)sqlite3_column_bytes(stmt, 1));
		if (got != NULL && json_equal(want, got))
			buf_printf(&ids, "%s%lld", ids.b_len > 1 ? "," : "",
			    (long long)sqlite3_column_int64(stmt, 0));
		json_decref(got);
	}
	if (step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	buf_putc(&ids, ']');
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (ids.b_len == 2) {
		dump = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		api_fail(r, 404, "no series %s with labels %.200s", metric,
		    dump != NULL ? dump : "{}");
		free(dump);
		goto out;
	}

	if (api_prepare(r, "SELECT r.finished_at, v.value FROM samples v "
	    "JOIN runs r ON r.run_id = v.run_id "
	    "WHERE v.series_id IN (SELECT value FROM json_each(?1)) "
	    "AND r.status = 'complete' "
	    "AND r.finished_at >= ?2 AND r.finished_at <= ?3 "
	    "ORDER BY r.finished_at, r.run_id LIMIT ?4", &stmt) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, ids.b_data, (int)ids.b_len, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, start);
	sqlite3_bind_double(stmt, 3, end);
	sqlite3_bind_int(stmt, 4, API_MAX_POINTS + 1);
	points = jcheck(json_array());
	r->ar_result = jcheck(json_object());
	jset(r->ar_result, "metric", jstr(metric, strlen(metric)));
	jset(r->ar_result, "labels", want);
	want = NULL;
	jset(r->ar_result, "points", points);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (++npoints > API_MAX_POINTS) {
			api_fail(r, 400, "range too large, narrow start/end");
			goto out;
		}
		point = jcheck(json_array());
		jappend(points, point);
		jappend(point, jnum(sqlite3_column_double(stmt, 0)));
		jappend(point, jnum(sqlite3_column_double(stmt, 1)));
	}
	if (step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	json_decref(want);
	buf_release(&ids);
	return rc;
}

/*
 * /api/v1/series?metric=NAME: the label sets, oldest series first.  A
 * metric never exported is 404; a known one without series is [].
 */
static int
api_series(struct api_req *r, const char *store_path)
{
	sqlite3_stmt	*stmt = NULL;
	const char	*metric;
	int		 rc = -1, step, n = 0;

	if ((metric = api_metric(r)) == NULL)
		return -1;
	if (api_open(r, store_path) == -1)
		return -1;
	if (api_prepare(r, "SELECT labels FROM series WHERE metric = ?1 "
	    "ORDER BY series_id LIMIT ?2", &stmt) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, API_MAX_SERIES + 1);
	r->ar_result = jcheck(json_array());
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (++n > API_MAX_SERIES) {
			api_fail(r, 400, "metric %s has more than %d series",
			    metric, API_MAX_SERIES);
			goto out;
		}
		jappend(r->ar_result, jlabels(stmt, 0));
	}
	if (step != SQLITE_DONE) {
		api_dberr(r);
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (n == 0) {
		if (api_prepare(r, "SELECT 1 FROM metrics WHERE name = ?1",
		    &stmt) == -1)
			goto out;
		sqlite3_bind_text(stmt, 1, metric, -1, SQLITE_STATIC);
		step = sqlite3_step(stmt);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			api_dberr(r);
			goto out;
		}
		if (step == SQLITE_DONE) {
			api_fail(r, 404, "no metric %s", metric);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static const struct api_route api_routes[] = {
	{ "/api/v1/runs",	api_runs },
	{ "/api/v1/nodes",	api_nodes },
	{ "/api/v1/history",	api_history },
	{ "/api/v1/series",	api_series },
};

/* The envelope; the error message is made valid UTF-8 (it may quote input). */
static char *
api_envelope(struct api_req *r)
{
	json_t	*env;
	char	*s;

	env = jcheck(json_object());
	if (r->ar_status == 200) {
		jset(env, "status", jcheck(json_string("success")));
		jset(env, "result", r->ar_result != NULL ? r->ar_result :
		    jcheck(json_null()));
		jset(env, "error", jcheck(json_null()));
	} else {
		json_decref(r->ar_result);
		jset(env, "status", jcheck(json_string("error")));
		jset(env, "result", jcheck(json_null()));
		jset(env, "error", jstr(r->ar_error, strlen(r->ar_error)));
	}
	r->ar_result = NULL;
	if ((s = json_dumps(env, JSON_COMPACT)) == NULL)
		fatalx("api: out of memory");
	json_decref(env);
	return s;
}

/*
 * Besides the statuses api.h lists, 500 when the store itself fails: an
 * SQLite error, as "store: <sqlite message>".
 */
void
api_request(const char *store_path, const char *path, api_arg_fn args,
    void *arg, int *status, char **body)
{
	struct api_req	 r;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.ar_path = path != NULL ? path : "";
	r.ar_args = args;
	r.ar_arg = arg;
	r.ar_status = 200;
	for (i = 0; i < nitems(api_routes); i++)
		if (path != NULL && strcmp(path, api_routes[i].rt_path) == 0)
			break;
	if (i == nitems(api_routes))
		api_fail(&r, 404, "unknown endpoint");
	else if (api_routes[i].rt_fn(&r, store_path) == -1 &&
	    r.ar_status == 200)
		api_fail(&r, 500, "internal error");	/* not reached */
	api_close(&r);
	*status = r.ar_status;
	*body = api_envelope(&r);
}
