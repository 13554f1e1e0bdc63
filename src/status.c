/* status.c -- the status page: / and /node/<id>, server-rendered HTML */

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

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "log.h"
#include "query.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define STATUS_TIMEOUT_MS	10000	/* one statement of a request */
#define STATUS_MAX_NODES	5000	/* rows of the node table */
#define STATUS_MAX_SERIES	32	/* series of one headline metric */
#define STATUS_MAX_LINES	8	/* lines of one chart */
#define STATUS_CHART_POINTS	288	/* points of one line, at most */
#define STATUS_NODE_RUNS	50	/* rows of a node's history */
#define STATUS_NODE_SERIES	48	/* series charted on a node's page */
#define STATUS_DAY		86400.0
#define STATUS_WEEK		(7 * 86400.0)

/*
 * One request.  Renderers append to pg_body and return 0, or call
 * page_fail and return -1: the page then becomes an error page with
 * pg_status (400, 404, 500, 503).
 */
struct page {
	struct store	*pg_st;
	const char	*pg_path;
	api_arg_fn	 pg_args;
	void		*pg_arg;
	struct buf	 pg_body;
	int		 pg_status;
	char		 pg_error[512];
	double		 pg_now;
};

/* A series with its latest value. */
struct series {
	int64_t		 se_id;
	char		*se_metric;
	char		*se_labels;	/* JSON object text */
	char		*se_name;	/* for legends and rows */
	double		 se_value;
	int		 se_have;	/* se_value is from the run shown */
};

struct points {
	double		*pt_t;
	double		*pt_v;
	size_t		 pt_n;
};

static int	page_fail(struct page *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static const char page_style[] =
    ":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--mute:#59636e;"
    "--line:#d1d9e0;--card:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;"
    "--warn:#9a6700;--link:#0969da}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;"
    "--mute:#9198a1;--line:#3d444d;--card:#151b23;--ok:#3fb950;"
    "--bad:#f85149;--warn:#d29922;--link:#4493f8}}"
    "*{box-sizing:border-box}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;"
    "max-width:1200px;padding:12px 16px 32px}"
    "a{color:var(--link)}h1{font-size:1.4em;margin:.2em 0 .4em}"
    "h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid "
    "var(--line);padding-bottom:.2em}"
    "header p,.mute{color:var(--mute)}"
    ".ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}"
    ".badge{display:inline-block;padding:0 .5em;border-radius:1em;"
    "font-weight:600;border:1px solid currentColor}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;"
    "gap:.15em 1em;margin:.5em 0}dl.facts dt{color:var(--mute)}"
    "dl.facts dd{margin:0}"
    ".error{white-space:pre-wrap;overflow-wrap:anywhere;background:"
    "var(--card);border-left:3px solid var(--bad);padding:.4em .6em}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid "
    "var(--line);vertical-align:top}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "td.err{overflow-wrap:anywhere;min-width:14em;max-width:28em;"
    "color:var(--mute)}"
    "td.url{overflow-wrap:anywhere;min-width:12em}"
    "tr.breached th,tr.breached td{color:var(--bad);font-weight:600}"
    "tr.down td.state{color:var(--bad);font-weight:600}"
    "tr.up td.state{color:var(--ok)}"
    ".labels{display:flex;flex-wrap:wrap;gap:.25em;list-style:none;"
    "margin:0;padding:0}.labels li{background:var(--card);border:1px "
    "solid var(--line);border-radius:.3em;padding:0 .35em;font-size:.85em;"
    "overflow-wrap:anywhere}"
    "nav.filter{margin:.3em 0 .6em;display:flex;flex-wrap:wrap;gap:.4em}"
    "nav.filter a{padding:.1em .6em;border:1px solid var(--line);"
    "border-radius:1em;text-decoration:none}"
    "nav.filter a[aria-current]{background:var(--link);color:var(--bg);"
    "border-color:var(--link)}"
    ".headline{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(min(100%,420px),1fr));gap:1em;align-items:start}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(min(100%,440px),1fr));gap:1em}"
    "figure.chart{margin:0;background:var(--card);border:1px solid "
    "var(--line);border-radius:.4em;padding:.5em}"
    "figure.chart figcaption{font-weight:600;margin-bottom:.2em}"
    "figure.chart svg{width:100%;height:auto;display:block}"
    "svg .grid{stroke:var(--line);stroke-width:1}"
    "svg .axis,svg .empty{fill:var(--mute);font-size:15px}"
    "ul.legend{list-style:none;margin:.3em 0 0;padding:0;display:flex;"
    "flex-wrap:wrap;gap:.2em .9em;font-size:.85em}"
    ".swatch{display:inline-block;width:.8em;height:.8em;margin-right:"
    ".3em;border-radius:.15em;vertical-align:-.05em}"
    "ul.thresholds{margin:.4em 0;padding-left:1.2em}"
    "@media (max-width:600px){body{padding:8px 10px 24px;font-size:14px}"
    "th,td{padding:.25em .4em}td.lab{display:none}th.lab{display:none}}";

/* ---- the request ---- */

static int
page_fail(struct page *pg, int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(pg->pg_error, sizeof(pg->pg_error), fmt, ap);
	va_end(ap);
	pg->pg_status = status;
	if (status == 500)
		log_info("status: %s: %s", pg->pg_path, pg->pg_error);
	else
		log_debug("status: %s: %d %s", pg->pg_path, status,
		    pg->pg_error);
	return -1;
}

static int
page_dberr(struct page *pg)
{
	if (store_timed_out(pg->pg_st))
		return page_fail(pg, 503, "store: the query took longer than "
		    "%ds", STATUS_TIMEOUT_MS / 1000);
	return page_fail(pg, 500, "store: %s", store_errmsg(pg->pg_st));
}

static const char *
page_arg(struct page *pg, const char *name)
{
	if (pg->pg_args == NULL)
		return NULL;
	return pg->pg_args(pg->pg_arg, name);
}

static int
page_prepare(struct page *pg, const char *sql, sqlite3_stmt **stmtp)
{
	if ((*stmtp = store_prepare(pg->pg_st, sql)) == NULL)
		return page_dberr(pg);
	return 0;
}

/* Read-only, one snapshot for the whole page (as api.c's requests). */
static int
page_open(struct page *pg, const char *store_path)
{
	struct stat	 sb;
	char		*cause;
	int		 ready;

	if (store_path == NULL || stat(store_path, &sb) == -1) {
		if (store_path == NULL || errno == ENOENT || errno == ENOTDIR)
			return page_fail(pg, 503, "no store yet: the first run "
			    "has not started");
		return page_fail(pg, 500, "store: %s", strerror(errno));
	}
	if ((pg->pg_st = store_open_reader(store_path, STATUS_TIMEOUT_MS,
	    &cause)) == NULL) {
		page_fail(pg, 500, "store: %s", cause);
		free(cause);
		return -1;
	}
	if (store_read_begin(pg->pg_st) == -1)
		return page_dberr(pg);
	if ((ready = store_ready(pg->pg_st)) == -1)
		return page_dberr(pg);
	if (!ready)
		return page_fail(pg, 503, "no store yet: the first run has "
		    "not started");
	return 0;
}

static void
page_close(struct page *pg)
{
	if (pg->pg_st == NULL)
		return;
	store_read_end(pg->pg_st);
	store_close(pg->pg_st);
	pg->pg_st = NULL;
}

static void
page_head(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\">"
	    "<title>");
	html_puts(b, title);
	buf_puts(b, "</title><style>");
	buf_puts(b, page_style);
	buf_puts(b, "</style></head><body>\n");
}

static void
page_foot(struct buf *b, double now)
{
	buf_puts(b, "<footer class=\"mute\"><p>vantage " PACKAGE_VERSION
	    " &middot; rendered ");
	html_time(b, now);
	buf_puts(b, " &middot; <a href=\"/metrics\">metrics</a> &middot; "
	    "<a href=\"/api/v1/runs\">runs as JSON</a></p></footer>"
	    "</body></html>\n");
}

/* ---- pieces ---- */

static void
text_col(struct buf *b, sqlite3_stmt *stmt, int col)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, col);

	if (s != NULL)
		html_escape(b, s, (size_t)sqlite3_column_bytes(stmt, col));
}

/* "3m ago", "in 5s" */
static void
ago(struct buf *b, double t, double now)
{
	char	d[32];
	double	s = now - t;

	fmt_duration((int64_t)(fabs(s) + 0.5) * 1000, d, sizeof(d));
	buf_printf(b, s >= 0 ? "%s ago" : "in %s", d);
}

static void
seconds(struct buf *b, double s)
{
	char	d[32];

	if (!isfinite(s) || s < 0)
		buf_puts(b, "?");
	else if (s < 10)
		buf_printf(b, "%.2fs", s);
	else
		buf_puts(b, fmt_duration((int64_t)(s + 0.5) * 1000, d,
		    sizeof(d)));
}

/* Labels as a list of name=value chips; text that is not an object as is. */
static void
labels_html(struct buf *b, const char *text, size_t len)
{
	json_t		*obj, *v;
	const char	*k;

	if (text == NULL || (obj = json_loadb(text, len, 0, NULL)) == NULL ||
	    !json_is_object(obj)) {
		if (text != NULL)
			json_decref(obj);
		if (text != NULL && len > 0 && strcmp(text, "{}") != 0) {
			buf_puts(b, "<ul class=\"labels\"><li>");
			html_escape(b, text, len);
			buf_puts(b, "</li></ul>");
		}
		return;
	}
	if (json_object_size(obj) > 0) {
		buf_puts(b, "<ul class=\"labels\">");
		json_object_foreach(obj, k, v) {
			buf_puts(b, "<li>");
			html_puts(b, k);
			buf_putc(b, '=');
			if (json_is_string(v))
				html_escape(b, json_string_value(v),
				    json_string_length(v));
			else if (!json_is_null(v)) {
				char *dump = json_dumps(v, JSON_ENCODE_ANY |
				    JSON_COMPACT);

				html_puts(b, dump);
				free(dump);
			}
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	json_decref(obj);
}

/*
 * A series' name for a row or legend: its one label's value, or
 * "name=value, ..." for several, "value" for none (unescaped: the
 * callers escape).
 */
static char *
series_name(const char *labels, const char *omit1, const char *omit2)
{
	json_t		*obj, *v;
	const char	*k;
	struct buf	 b;

	if ((obj = json_loads(labels, 0, NULL)) == NULL ||
	    !json_is_object(obj)) {
		json_decref(obj);
		return xstrdup(labels);
	}
	if (omit1 != NULL || omit2 != NULL) {
		/* Labels that only name the node say nothing on its page. */
		void	*iter = json_object_iter(obj), *next;

		while (iter != NULL) {
			next = json_object_iter_next(obj, iter);
			v = json_object_iter_value(iter);
			if (json_is_string(v) && ((omit1 != NULL &&
			    strcmp(json_string_value(v), omit1) == 0) ||
			    (omit2 != NULL && strcmp(json_string_value(v),
			    omit2) == 0)))
				json_object_del(obj, json_object_iter_key(iter));
			iter = next;
		}
	}
	buf_init(&b, 0);
	buf_puts(&b, "");
	if (json_object_size(obj) == 1) {
		json_object_foreach(obj, k, v)
			buf_puts(&b, json_is_string(v) ? json_string_value(v) :
			    "");
	} else if (json_object_size(obj) == 0)
		buf_puts(&b, "value");
	else {
		json_object_foreach(obj, k, v) {
			if (b.b_len > 0)
				buf_puts(&b, ", ");
			buf_printf(&b, "%s=%s", k, json_is_string(v) ?
			    json_string_value(v) : "");
		}
	}
	json_decref(obj);
	return buf_take(&b, NULL);
}

static void
series_release(struct series *se, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(se[i].se_metric);
		free(se[i].se_labels);
		free(se[i].se_name);
	}
	free(se);
}

static void
points_release(struct points *pt, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(pt[i].pt_t);
		free(pt[i].pt_v);
	}
	free(pt);
}

/*
 * The points of one series in [t0, t1] from complete runs, at most
 * STATUS_CHART_POINTS (the last of each bucket of time); with share_of,
 * each value divided by the total of that metric's series in its run.
 */
static int
load_points(struct page *pg, int64_t series_id, const char *share_of,
    double t0, double t1, struct points *pt)
{
	sqlite3_stmt	*stmt = NULL;
	size_t		 cap = 0;
	int		 step;

	if (page_prepare(pg, share_of == NULL ?
	    "SELECT max(r.finished_at), v.value FROM samples v "
	    "JOIN runs r ON r.run_id = v.run_id WHERE v.series_id = ?1 "
	    "AND r.status = 'complete' AND r.finished_at >= ?2 "
	    "AND r.finished_at <= ?3 "
	    "GROUP BY CAST((r.finished_at - ?2) / ?4 AS INTEGER) ORDER BY 1" :
	    "SELECT max(r.finished_at), v.value / (SELECT sum(w.value) "
	    "FROM samples w JOIN series s ON s.series_id = w.series_id "
	    "WHERE w.run_id = v.run_id AND s.metric = ?5) FROM samples v "
	    "JOIN runs r ON r.run_id = v.run_id WHERE v.series_id = ?1 "
	    "AND r.status = 'complete' AND r.finished_at >= ?2 "
	    "AND r.finished_at <= ?3 "
	    "GROUP BY CAST((r.finished_at - ?2) / ?4 AS INTEGER) ORDER BY 1",
	    &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, series_id);
	sqlite3_bind_double(stmt, 2, t0);
	sqlite3_bind_double(stmt, 3, t1);
	sqlite3_bind_double(stmt, 4, (t1 - t0) / STATUS_CHART_POINTS);
	if (share_of != NULL)
		sqlite3_bind_text(stmt, 5, share_of, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (pt->pt_n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			pt->pt_t = xreallocarray(pt->pt_t, cap,
			    sizeof(*pt->pt_t));
			pt->pt_v = xreallocarray(pt->pt_v, cap,
			    sizeof(*pt->pt_v));
		}
		pt->pt_t[pt->pt_n] = sqlite3_column_double(stmt, 0);
		pt->pt_v[pt->pt_n] = sqlite3_column_type(stmt, 1) ==
		    SQLITE_NULL ? NAN : sqlite3_column_double(stmt, 1);
		pt->pt_n++;
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return page_dberr(pg);
	return 0;
}

/* Charts of n series (at most STATUS_MAX_LINES lines each) over [t0, now]. */
static int
chart_series(struct page *pg, const char *title, const struct series *se,
    size_t n, const char *share_of, double span)
{
	struct chart_line *lines;
	struct points	*pts;
	size_t		 i;
	int		 rc = -1;

	if (n > STATUS_MAX_LINES)
		n = STATUS_MAX_LINES;
	lines = xcalloc(n + 1, sizeof(*lines));
	pts = xcalloc(n + 1, sizeof(*pts));
	for (i = 0; i < n; i++) {
		if (load_points(pg, se[i].se_id, share_of, pg->pg_now - span,
		    pg->pg_now, &pts[i]) == -1)
			goto out;
		lines[i].cl_name = se[i].se_name;
		lines[i].cl_t = pts[i].pt_t;
		lines[i].cl_v = pts[i].pt_v;
		lines[i].cl_n = pts[i].pt_n;
	}
	html_chart(&pg->pg_body, title, lines, n, pg->pg_now - span,
	    pg->pg_now, share_of != NULL ? CHART_PERCENT : 0);
	rc = 0;
out:
	points_release(pts, n);
	free(lines);
	return rc;
}

/* ---- / ---- */

/* The latest finished run, and the one under way if any. */
static int
render_run(struct page *pg, int64_t *completep)
{
	struct buf	*b = &pg->pg_body;
	sqlite3_stmt	*stmt = NULL;
	const char	*status;
	int		 step, rc = -1;

	*completep = 0;
	if (page_prepare(pg, "SELECT max(run_id) FROM runs "
	    "WHERE status = 'complete'", &stmt) == -1)
		return -1;
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		*completep = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW)
		return page_dberr(pg);

	buf_puts(b, "<section id=\"run\"><h2>Latest run</h2>\n");
	if (page_prepare(pg, "SELECT run_id, started_at FROM runs "
	    "WHERE status = 'running' ORDER BY run_id DESC LIMIT 1",
	    &stmt) == -1)
		return -1;
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		buf_printf(b, "<p id=\"run-current\" class=\"mute\">Run %lld "
		    "in progress, started ", (long long)
		    sqlite3_column_int64(stmt, 0));
		ago(b, sqlite3_column_double(stmt, 1), pg->pg_now);
		buf_puts(b, ".</p>\n");
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return page_dberr(pg);

	if (page_prepare(pg, "SELECT run_id, started_at, finished_at, status, "
	    "error, nodes, requests, discovery_stale, discovery_error, source "
	    "FROM runs WHERE status <> 'running' ORDER BY run_id DESC LIMIT 1",
	    &stmt) == -1)
		return -1;
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		buf_puts(b, "<p id=\"run-status\">No run has finished yet.</p>"
		    "</section>\n");
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		page_dberr(pg);
		goto out;
	}
	status = (const char *)sqlite3_column_text(stmt, 3);
	status = status != NULL ? status : "?";
	buf_printf(b, "<p>Run %lld <span id=\"run-status\" class=\"badge "
	    "%s\">", (long long)sqlite3_column_int64(stmt, 0),
	    strcmp(status, "complete") == 0 ? "ok" : "bad");
	html_puts(b, status);
	buf_puts(b, "</span></p>\n<dl class=\"facts\"><dt>finished</dt><dd>");
	html_time(b, sqlite3_column_double(stmt, 2));
	buf_puts(b, " (");
	ago(b, sqlite3_column_double(stmt, 2), pg->pg_now);
	buf_puts(b, ")</dd><dt>took</dt><dd id=\"run-took\">");
	seconds(b, sqlite3_column_double(stmt, 2) -
	    sqlite3_column_double(stmt, 1));
	buf_puts(b, "</dd><dt>nodes</dt><dd id=\"run-nodes\">");
	text_col(b, stmt, 5);
	buf_puts(b, "</dd><dt>requests</dt><dd id=\"run-requests\">");
	text_col(b, stmt, 6);
	buf_puts(b, "</dd><dt>discovery</dt><dd>");
	text_col(b, stmt, 9);
	if (sqlite3_column_int64(stmt, 7) > 0)
		buf_printf(b, " <span class=\"warn\">(the previous node list, "
		    "%lld runs in a row)</span>", (long long)
		    sqlite3_column_int64(stmt, 7));
	buf_puts(b, "</dd></dl>\n");
	if (sqlite3_column_type(stmt, 4) != SQLITE_NULL) {
		buf_puts(b, "<p class=\"error\" id=\"run-error\">");
		text_col(b, stmt, 4);
		buf_puts(b, "</p>\n");
	}
	if (sqlite3_column_type(stmt, 8) != SQLITE_NULL) {
		buf_puts(b, "<p class=\"error\">discovery: ");
		text_col(b, stmt, 8);
		buf_puts(b, "</p>\n");
	}
	if (strcmp(status, "complete") != 0) {
		if (*completep > 0)
			buf_printf(b, "<p>The numbers below are from run %lld, "
			    "the latest complete one.</p>\n",
			    (long long)*completep);
		else
			buf_puts(b, "<p>No run has completed yet.</p>\n");
	}
	buf_puts(b, "</section>\n");
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The series of metric in run (at most max), by series_id. */
static int
load_series(struct page *pg, const char *metric, int64_t run,
    struct series **sep, size_t *np, size_t max)
{
	sqlite3_stmt	*stmt = NULL;
	struct series	*se = NULL;
	size_t		 n = 0;
	int		 step;

	if (page_prepare(pg, "SELECT s.series_id, s.labels, v.value "
	    "FROM samples v JOIN series s ON s.series_id = v.series_id "
	    "WHERE v.run_id = ?1 AND s.metric = ?2 ORDER BY s.series_id "
	    "LIMIT ?3", &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_text(stmt, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (int64_t)max);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		se = xreallocarray(se, n + 1, sizeof(*se));
		memset(&se[n], 0, sizeof(*se));
		se[n].se_id = sqlite3_column_int64(stmt, 0);
		se[n].se_metric = xstrdup(metric);
		se[n].se_labels = xstrdup((const char *)
		    sqlite3_column_text(stmt, 1) ? (const char *)
		    sqlite3_column_text(stmt, 1) : "{}");
		se[n].se_name = series_name(se[n].se_labels, NULL, NULL);
		se[n].se_value = sqlite3_column_double(stmt, 2);
		se[n].se_have = 1;
		n++;
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE) {
		series_release(se, n);
		return page_dberr(pg);
	}
	*sep = se;
	*np = n;
	return 0;
}

/* The thresholds of a headline metric (stored JSON array of texts). */
static void
load_thresholds(const char *json, struct threshold **thp, size_t *np)
{
	json_t		*arr, *v;
	size_t		 i;
	const char	*why;

	*thp = NULL;
	*np = 0;
	if (json == NULL || (arr = json_loads(json, 0, NULL)) == NULL)
		return;
	if (json_is_array(arr)) {
		*thp = xcalloc(json_array_size(arr) + 1, sizeof(**thp));
		json_array_foreach(arr, i, v)
			if (json_is_string(v) && threshold_parse(
			    json_string_value(v), &(*thp)[*np], &why) == 0)
				(*np)++;
	}
	json_decref(arr);
}

static int
render_metric(struct page *pg, int64_t run, sqlite3_stmt *m)
{
	struct buf	*b = &pg->pg_body;
	const char	*metric = (const char *)sqlite3_column_text(m, 0);
	const char	*mode = (const char *)sqlite3_column_text(m, 2);
	struct series	*se = NULL;
	struct threshold *th;
	size_t		 n = 0, nth, i, j;
	double		 total = 0;
	int		 shares, breached, rc = -1;
	char		*title;

	shares = mode != NULL && strcmp(mode, "shares") == 0;
	load_thresholds((const char *)sqlite3_column_text(m, 3), &th, &nth);
	if (run > 0 && load_series(pg, metric, run, &se, &n,
	    STATUS_MAX_SERIES) == -1)
		goto out;
	for (i = 0; i < n; i++)
		total += se[i].se_value;

	buf_puts(b, "<section class=\"metric\" id=\"m-");
	html_puts(b, metric);
	buf_puts(b, "\"><h2>");
	html_puts(b, metric);
	buf_puts(b, "</h2><p class=\"mute\">");
	text_col(b, m, 1);
	buf_puts(b, "</p>\n<div class=\"headline\"><div><table><thead><tr>"
	    "<th>series</th><th class=\"num\">value</th>");
	if (shares)
		buf_puts(b, "<th class=\"num\">share</th>");
	buf_puts(b, "</tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		breached = 0;
		for (j = 0; j < nth; j++)
			if (threshold_matches(&th[j], se[i].se_labels) &&
			    threshold_breached(&th[j], se[i].se_value, total))
				breached = 1;
		buf_printf(b, "<tr%s><th>", breached ? " class=\"breached\"" :
		    "");
		html_puts(b, se[i].se_name);
		buf_puts(b, "</th><td class=\"num value\">");
		html_number(b, se[i].se_value);
		buf_puts(b, "</td>");
		if (shares) {
			buf_puts(b, "<td class=\"num share\">");
			if (total != 0)
				buf_printf(b, "%.1f%%", 100 * se[i].se_value /
				    total);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>\n");
	}
	if (n == 0)
		buf_printf(b, "<tr><td colspan=\"%d\" class=\"mute\">no sample "
		    "in the latest complete run</td></tr>\n", shares ? 3 : 2);
	else if (shares) {
		buf_puts(b, "<tr><th>total</th><td class=\"num total\">");
		html_number(b, total);
		buf_puts(b, "</td><td class=\"num\">100%</td></tr>\n");
	}
	buf_puts(b, "</tbody></table>\n");
	if (nth > 0) {
		buf_puts(b, "<ul class=\"thresholds\">");
		for (j = 0; j < nth; j++) {
			breached = 0;
			for (i = 0; i < n; i++)
				if (threshold_matches(&th[j], se[i].se_labels) &&
				    threshold_breached(&th[j], se[i].se_value,
				    total))
					breached = 1;
			buf_printf(b, "<li class=\"%s\">threshold <code>",
			    breached ? "bad" : "ok");
			html_puts(b, th[j].th_text);
			buf_printf(b, "</code>: %s</li>", breached ?
			    "crossed" : "not crossed");
		}
		buf_puts(b, "</ul>\n");
	}
	buf_puts(b, "</div>\n<div class=\"charts\">");
	xasprintf(&title, "%s%s, last day", metric, shares ? " (shares)" : "");
	rc = chart_series(pg, title, se, n, shares ? metric : NULL,
	    STATUS_DAY);
	free(title);
	if (rc == -1)
		goto out;
	xasprintf(&title, "%s%s, last week", metric, shares ? " (shares)" :
	    "");
	rc = chart_series(pg, title, se, n, shares ? metric : NULL,
	    STATUS_WEEK);
	free(title);
	buf_puts(b, "</div></div></section>\n");
out:
	for (j = 0; j < nth; j++)
		threshold_release(&th[j]);
	free(th);
	series_release(se, n);
	return rc;
}

static int
render_headline(struct page *pg, int64_t run)
{
	sqlite3_stmt	*m = NULL;
	int		 step, n = 0, rc = 0;

	if (page_prepare(pg, "SELECT name, help, headline, thresholds "
	    "FROM metrics WHERE headline IS NOT NULL ORDER BY name", &m) == -1)
		return -1;
	while (rc == 0 && (step = sqlite3_step(m)) == SQLITE_ROW) {
		n++;
		rc = render_metric(pg, run, m);
	}
	sqlite3_finalize(m);
	if (rc == -1)
		return -1;
	if (step != SQLITE_DONE)
		return page_dberr(pg);
	if (n == 0)
		buf_puts(&pg->pg_body, "<p class=\"mute\">This profile marks "
		    "no metric as headline (<code>-- headline:</code> in a "
		    "query file's header).</p>\n");
	return 0;
}

struct choice {
	const char	*ch_name;
	const char	*ch_sql;
};

static const struct choice node_states[] = {
	{ "all",	"1" },
	{ "up",		"up = 1" },
	{ "down",	"up = 0" },
	{ "unknown",	"up IS NULL" },
};

static const struct choice node_sorts[] = {
	{ "url",	"url, rowid" },
	{ "state",	"coalesce(up, 2), url" },
	{ "requests",	"requests DESC, url" },
	{ "failures",	"failed_requests DESC, url" },
	{ "unanswered",	"unanswered DESC, url" },
	{ "error",	"last_error IS NULL, last_error, url" },
};

static const struct choice *
choose(struct page *pg, const char *arg, const struct choice *c, size_t n)
{
	const char	*v = page_arg(pg, arg);
	struct buf	 names;
	size_t		 i;

	if (v == NULL)
		return &c[0];
	for (i = 0; i < n; i++)
		if (strcmp(v, c[i].ch_name) == 0)
			return &c[i];
	buf_init(&names, 0);
	for (i = 0; i < n; i++)
		buf_printf(&names, "%s%s", i > 0 ? ", " : "", c[i].ch_name);
	page_fail(pg, 400, "%s: must be one of %s", arg, names.b_data);
	buf_release(&names);
	return NULL;
}

static void
node_state(struct buf *b, sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		buf_puts(b, "unknown");
	else
		buf_puts(b, sqlite3_column_int64(stmt, col) ? "up" : "down");
}

static const char *
state_class(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return "unknown";
	return sqlite3_column_int64(stmt, col) ? "up" : "down";
}

/* The filter links with their counts. */
static int
render_filter(struct page *pg, int64_t run, const struct choice *state,
    const struct choice *sort)
{
	struct buf	*b = &pg->pg_body;
	sqlite3_stmt	*stmt = NULL;
	size_t		 i;

	if (page_prepare(pg, "SELECT count(*), count(*) FILTER (WHERE up = 1), "
	    "count(*) FILTER (WHERE up = 0), count(*) FILTER (WHERE up IS NULL) "
	    "FROM nodes WHERE run_id = ?1", &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return page_dberr(pg);
	}
	buf_puts(b, "<nav class=\"filter\" aria-label=\"state\">");
	for (i = 0; i < nitems(node_states); i++) {
		buf_printf(b, "<a id=\"filter-%s\" href=\"?state=%s&amp;sort=%s\"%s>"
		    "%s <b>%lld</b></a>", node_states[i].ch_name,
		    node_states[i].ch_name, sort->ch_name,
		    &node_states[i] == state ? " aria-current=\"page\"" : "",
		    node_states[i].ch_name,
		    (long long)sqlite3_column_int64(stmt, (int)i));
	}
	buf_puts(b, "</nav>\n");
	sqlite3_finalize(stmt);
	return 0;
}

static void
sort_header(struct buf *b, const char *label, const char *key,
    const struct choice *state, const struct choice *sort, const char *cls)
{
	buf_printf(b, "<th%s%s%s>", cls != NULL ? " class=\"" : "",
	    cls != NULL ? cls : "", cls != NULL ? "\"" : "");
	if (strcmp(sort->ch_name, key) == 0)
		buf_printf(b, "<span aria-sort=\"%s\">%s &#9662;</span>",
		    strcmp(key, "url") == 0 || strcmp(key, "state") == 0 ||
		    strcmp(key, "error") == 0 ? "ascending" : "descending",
		    label);
	else
		buf_printf(b, "<a href=\"?state=%s&amp;sort=%s\">%s</a>",
		    state->ch_name, key, label);
	buf_puts(b, "</th>");
}

static int
render_nodes(struct page *pg, int64_t run)
{
	struct buf	*b = &pg->pg_body;
	const struct choice *state, *sort;
	sqlite3_stmt	*stmt = NULL;
	char		*sql;
	int		 step, n = 0, rc = -1;

	if ((state = choose(pg, "state", node_states,
	    nitems(node_states))) == NULL ||
	    (sort = choose(pg, "sort", node_sorts, nitems(node_sorts))) == NULL)
		return -1;
	buf_printf(b, "<section id=\"nodes\"><h2>Nodes of run %lld</h2>\n",
	    (long long)run);
	if (render_filter(pg, run, state, sort) == -1)
		return -1;
	/* Both pieces are from the tables above, never from the request. */
	xasprintf(&sql, "SELECT CAST(node_id AS TEXT), url, labels, up, "
	    "requests, failed_requests, items, unanswered, last_error "
	    "FROM nodes WHERE run_id = ?1 AND %s ORDER BY %s LIMIT ?2",
	    state->ch_sql, sort->ch_sql);
	rc = page_prepare(pg, sql, &stmt);
	free(sql);
	if (rc == -1)
		return -1;
	rc = -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_int(stmt, 2, STATUS_MAX_NODES + 1);
	buf_puts(b, "<div class=\"scroll\"><table class=\"nodes\"><thead><tr>");
	sort_header(b, "url", "url", state, sort, NULL);
	buf_puts(b, "<th class=\"lab\">labels</th>");
	sort_header(b, "state", "state", state, sort, NULL);
	sort_header(b, "requests", "requests", state, sort, "num");
	sort_header(b, "failures", "failures", state, sort, "num");
	sort_header(b, "unanswered", "unanswered", state, sort, "num");
	sort_header(b, "last error", "error", state, sort, NULL);
	buf_puts(b, "</tr></thead><tbody>\n");
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (++n > STATUS_MAX_NODES) {
			buf_printf(b, "<tr><td colspan=\"7\" class=\"mute\">only "
			    "the first %d nodes are shown</td></tr>\n",
			    STATUS_MAX_NODES);
			break;
		}
		buf_printf(b, "<tr class=\"%s\"><td class=\"url\"><a href=\""
		    "node/", state_class(stmt, 3));
		html_urlencode(b, (const char *)sqlite3_column_text(stmt, 0),
		    (size_t)sqlite3_column_bytes(stmt, 0));
		buf_puts(b, "\">");
		text_col(b, stmt, 1);
		buf_puts(b, "</a></td><td class=\"lab\">");
		labels_html(b, (const char *)sqlite3_column_text(stmt, 2),
		    (size_t)sqlite3_column_bytes(stmt, 2));
		buf_puts(b, "</td><td class=\"state\">");
		node_state(b, stmt, 3);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 4);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 5);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 7);
		buf_puts(b, " / ");
		text_col(b, stmt, 6);
		buf_puts(b, "</td><td class=\"err\">");
		text_col(b, stmt, 8);
		buf_puts(b, "</td></tr>\n");
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		page_dberr(pg);
		goto out;
	}
	if (n == 0)
		buf_puts(b, "<tr><td colspan=\"7\" class=\"mute\">no node in "
		    "this state</td></tr>\n");
	buf_puts(b, "</tbody></table></div></section>\n");
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The run whose nodes are shown: the latest complete, else the latest. */
static int64_t
nodes_run(struct page *pg, int64_t complete)
{
	sqlite3_stmt	*stmt;
	int64_t		 run = 0;

	if (complete > 0)
		return complete;
	if (page_prepare(pg, "SELECT max(run_id) FROM nodes", &stmt) == -1)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		run = sqlite3_column_int64(stmt, 0);
	else
		run = page_dberr(pg);
	sqlite3_finalize(stmt);
	return run;
}

static int
page_index(struct page *pg)
{
	struct buf	*b = &pg->pg_body;
	int64_t		 complete, run;

	page_head(b, "vantage: status");
	buf_puts(b, "<header><h1>vantage</h1><p>The network as this monitor "
	    "sees it.</p></header>\n");
	if (render_run(pg, &complete) == -1)
		return -1;
	buf_puts(b, "<section id=\"headline\">");
	if (render_headline(pg, complete) == -1)
		return -1;
	buf_puts(b, "</section>\n");
	if ((run = nodes_run(pg, complete)) == -1)
		return -1;
	if (run > 0 && render_nodes(pg, run) == -1)
		return -1;
	page_foot(b, pg->pg_now);
	return 0;
}

/* ---- /node/<id> ---- */

static int
node_runs(struct page *pg, const char *id, char **urlp)
{
	struct buf	*b = &pg->pg_body;
	sqlite3_stmt	*stmt = NULL;
	int		 step, n = 0, rc = -1;

	if (page_prepare(pg, "SELECT n.run_id, r.finished_at, r.status, n.url, "
	    "n.labels, n.up, n.requests, n.failed_requests, n.items, "
	    "n.unanswered, n.last_error FROM nodes n JOIN runs r "
	    "ON r.run_id = n.run_id WHERE CAST(n.node_id AS TEXT) = ?1 "
	    "AND r.status <> 'running' ORDER BY n.run_id DESC LIMIT ?2",
	    &stmt) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, STATUS_NODE_RUNS);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n++ == 0) {
			*urlp = xstrdup((const char *)sqlite3_column_text(stmt,
			    3) ? (const char *)sqlite3_column_text(stmt, 3) :
			    "");
			page_head(b, "vantage: node");
			buf_puts(b, "<header><p><a href=\"../\">&larr; all "
			    "nodes</a></p><h1 id=\"node-url\">");
			text_col(b, stmt, 3);
			buf_puts(b, "</h1><dl class=\"facts\"><dt>node id</dt>"
			    "<dd id=\"node-id\">");
			html_puts(b, id);
			buf_printf(b, "</dd><dt>state</dt><dd id=\"node-state\" "
			    "class=\"%s\">", strcmp(state_class(stmt, 5),
			    "down") == 0 ? "bad" : "ok");
			node_state(b, stmt, 5);
			buf_printf(b, " (run %lld)</dd><dt>labels</dt><dd>",
			    (long long)sqlite3_column_int64(stmt, 0));
			labels_html(b, (const char *)sqlite3_column_text(stmt,
			    4), (size_t)sqlite3_column_bytes(stmt, 4));
			buf_puts(b, "</dd></dl>");
			if (sqlite3_column_type(stmt, 10) != SQLITE_NULL) {
				buf_puts(b, "<p class=\"error\" "
				    "id=\"node-error\">");
				text_col(b, stmt, 10);
				buf_puts(b, "</p>");
			}
			buf_puts(b, "</header>\n<section id=\"runs\"><h2>Recent "
			    "runs</h2><div class=\"scroll\"><table><thead><tr>"
			    "<th>run</th><th>finished</th><th>state</th>"
			    "<th class=\"num\">requests</th><th class=\"num\">"
			    "failures</th><th class=\"num\">unanswered</th>"
			    "<th>last error</th></tr></thead><tbody>\n");
		}
		buf_printf(b, "<tr class=\"%s\"><td>%lld", state_class(stmt, 5),
		    (long long)sqlite3_column_int64(stmt, 0));
		if (strcmp((const char *)sqlite3_column_text(stmt, 2),
		    "complete") != 0) {
			buf_puts(b, " <span class=\"bad\">(");
			text_col(b, stmt, 2);
			buf_puts(b, ")</span>");
		}
		buf_puts(b, "</td><td>");
		if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			html_time(b, sqlite3_column_double(stmt, 1));
		buf_puts(b, "</td><td class=\"state\">");
		node_state(b, stmt, 5);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 6);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 7);
		buf_puts(b, "</td><td class=\"num\">");
		text_col(b, stmt, 9);
		buf_puts(b, " / ");
		text_col(b, stmt, 8);
		buf_puts(b, "</td><td class=\"err\">");
		text_col(b, stmt, 10);
		buf_puts(b, "</td></tr>\n");
	}
	if (step != SQLITE_DONE) {
		page_dberr(pg);
		goto out;
	}
	if (n == 0) {
		page_fail(pg, 404, "no node '%.200s' in the runs the store "
		    "keeps (store.keep_runs)", id);
		goto out;
	}
	buf_puts(b, "</tbody></table></div><p class=\"mute\">The store keeps "
	    "the nodes of its last store.keep_runs runs; the charts below "
	    "come from the metric history.</p></section>\n");
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The node's metric history: every series with a label whose value is
 * the node's url or id (for Audius, endpoint), one chart per metric.
 */
static int
node_series(struct page *pg, const char *id, const char *url)
{
	struct buf	*b = &pg->pg_body;
	sqlite3_stmt	*stmt = NULL;
	struct series	*se = NULL;
	size_t		 n = 0, i, j;
	int		 step, rc = -1;
	char		*title;

	if (page_prepare(pg, "SELECT s.series_id, s.metric, s.labels "
	    "FROM series s WHERE json_valid(s.labels) AND EXISTS (SELECT 1 "
	    "FROM json_each(s.labels) j WHERE j.value = ?1 OR j.value = ?2) "
	    "ORDER BY s.metric, s.series_id LIMIT ?3", &stmt) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, STATUS_NODE_SERIES);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		se = xreallocarray(se, n + 1, sizeof(*se));
		memset(&se[n], 0, sizeof(*se));
		se[n].se_id = sqlite3_column_int64(stmt, 0);
		se[n].se_metric = xstrdup((const char *)
		    sqlite3_column_text(stmt, 1));
		se[n].se_labels = xstrdup((const char *)
		    sqlite3_column_text(stmt, 2));
		se[n].se_name = series_name(se[n].se_labels, url, id);
		n++;
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE) {
		page_dberr(pg);
		goto out;
	}
	buf_puts(b, "<section id=\"history\"><h2>History</h2>\n");
	if (n == 0)
		buf_puts(b, "<p class=\"mute\">No metric names this node's url "
		    "or id in its labels.</p>\n");
	buf_puts(b, "<div class=\"charts\">");
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(se[j].se_metric,
		    se[i].se_metric) == 0; j++)
			;
		xasprintf(&title, "%s, last week", se[i].se_metric);
		rc = chart_series(pg, title, &se[i], j - i, NULL, STATUS_WEEK);
		free(title);
		if (rc == -1)
			goto out;
	}
	buf_puts(b, "</div></section>\n");
	rc = 0;
out:
	series_release(se, n);
	return rc;
}

static int
page_node(struct page *pg, const char *id)
{
	char	*url = NULL;
	int	 rc = -1;

	if (id[0] == '\0' || strlen(id) > 1024)
		return page_fail(pg, 404, "no such node");
	if (node_runs(pg, id, &url) == -1 || node_series(pg, id, url) == -1)
		goto out;
	page_foot(&pg->pg_body, pg->pg_now);
	rc = 0;
out:
	free(url);
	return rc;
}

/* ---- the entry ---- */

static char *
error_page(struct page *pg)
{
	struct buf	b;
	char		title[64];

	buf_init(&b, 0);
	snprintf(title, sizeof(title), "vantage: %d", pg->pg_status);
	page_head(&b, title);
	buf_printf(&b, "<header><p><a href=\"/\">&larr; status</a></p><h1>"
	    "%s</h1></header><p class=\"error\" id=\"error\">",
	    pg->pg_status == 404 ? "Not found" : pg->pg_status == 400 ?
	    "Bad request" : pg->pg_status == 503 ? "Not ready" : "Error");
	html_puts(&b, pg->pg_error);
	buf_puts(&b, "</p>");
	page_foot(&b, pg->pg_now);
	return buf_take(&b, NULL);
}

void
status_request(const char *store_path, const char *path, api_arg_fn args,
    void *arg, int *status, char **body)
{
	struct page	 pg;
	int		 rc = -1;

	memset(&pg, 0, sizeof(pg));
	pg.pg_path = path != NULL ? path : "";
	pg.pg_args = args;
	pg.pg_arg = arg;
	pg.pg_status = 200;
	pg.pg_now = now_real();
	buf_init(&pg.pg_body, 0);
	if (strcmp(pg.pg_path, "/") != 0 &&
	    strncmp(pg.pg_path, "/node/", 6) != 0)
		page_fail(&pg, 404, "no page %.200s", pg.pg_path);
	else if (page_open(&pg, store_path) == 0) {
		if (strcmp(pg.pg_path, "/") == 0)
			rc = page_index(&pg);
		else
			rc = page_node(&pg, pg.pg_path + 6);
	}
	page_close(&pg);
	if (rc == -1 && pg.pg_status == 200)
		page_fail(&pg, 500, "internal error");	/* not reached */
	*status = pg.pg_status;
	if (rc == 0)
		*body = buf_take(&pg.pg_body, NULL);
	else
		*body = error_page(&pg);
	buf_release(&pg.pg_body);
}
