/* t-expo.c -- label escaping, values, and the rendered exposition */

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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "expo.h"
#include "labels.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define PROMTOOL	"/usr/bin/promtool"

static char	tmpdir[64];

/* labels_escape of s (len bytes) into a static string. */
static const char *
label(const char *s, size_t len)
{
	static char	 out[256];
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	labels_escape(&b, s, len);
	snprintf(out, sizeof(out), "%s", b.b_data);
	buf_release(&b);
	return out;
}
#define LABEL(s)	label((s), sizeof(s) - 1)

static const char *
value(double v)
{
	static char	 out[64];
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	expo_value(&b, v);
	snprintf(out, sizeof(out), "%s", b.b_data);
	buf_release(&b);
	return out;
}

static void
test_label_value(void)
{
	is_str("plain", LABEL("plain"), "plain label value unchanged");
	is_str("a\\\\b", LABEL("a\\b"), "backslash escaped");
	is_str("say \\\"hi\\\"", LABEL("say \"hi\""), "double quote escaped");
	is_str("two\\nlines", LABEL("two\nlines"), "newline escaped");
	is_str("tab\there", LABEL("tab\there"), "tab kept as is");
	is_str("caf\xc3\xa9", LABEL("caf\xc3\xa9"), "2-byte character kept");
	is_str("\xe2\x82\xac" "5", LABEL("\xe2\x82\xac" "5"),
	    "3-byte character kept");
	is_str("\xf0\x9f\x98\x80!", LABEL("\xf0\x9f\x98\x80!"),
	    "4-byte character kept");
	is_str("a\xef\xbf\xbd" "b", LABEL("a\xff" "b"),
	    "invalid byte replaced by U+FFFD");
	is_str("\xef\xbf\xbd" "x", LABEL("\xe2\x82x"),
	    "truncated character replaced by U+FFFD");
	is_str("\xef\xbf\xbd", LABEL("\xc0\xaf"),
	    "overlong form replaced by U+FFFD");
	is_str("\xef\xbf\xbd", LABEL("\xed\xa0\x80"),
	    "surrogate replaced by U+FFFD");
	is_str("end\xef\xbf\xbd", LABEL("end\xc3"),
	    "lead byte at the end replaced by U+FFFD");
	is_str("\xf0\x9f\x98\x80\xef\xbf\xbd", LABEL("\xf0\x9f\x98\x80\x80"),
	    "stray continuation byte after a 4-byte character replaced");
	ok(utf8_valid(LABEL("\x80\xbf\xfe\xc3\x28"),
	    strlen(LABEL("\x80\xbf\xfe\xc3\x28"))),
	    "output of garbage is valid UTF-8");
	is_str("caf\xc3\xa9\xef\xbf\xbd", LABEL("caf\xc3\xa9\x80"),
	    "a valid character before a stray continuation byte is kept");
}

static void
test_value(void)
{
	is_str("0", value(0), "0");
	is_str("42", value(42), "integer without decimals");
	is_str("-7", value(-7), "negative integer");
	is_str("1700000000", value(1700000000.0), "timestamp without decimals");
	is_str("9007199254740991", value(9007199254740991.0),
	    "2^53-1 written exactly");
	is_str("0.5", value(0.5), "0.5");
	is_str("1234.25", value(1234.25), "1234.25");
	is_str("NaN", value(NAN), "NaN");
	is_str("+Inf", value(INFINITY), "+Inf");
	is_str("-Inf", value(-INFINITY), "-Inf");
	is_str("1e+20", value(1e20), "1e20 in exponent form");
	ok(strtod(value(0.1), NULL) == 0.1, "0.1 round-trips exactly");
	ok(strtod(value(1.0 / 3), NULL) == 1.0 / 3, "1/3 round-trips exactly");
}

static void
fill(struct store *st, int64_t *r1, int64_t *r2)
{
	store_metric(st, "app_requests_total", "counter", "Requests answered.", NULL, 0);
	store_metric(st, "app_ratio", "gauge",
	    "Share of C:\\data synced\nper node.", NULL, 0);
	store_metric(st, "app_unused", "gauge", "Never sampled in run 2.", NULL, 0);
	*r1 = store_begin_run(st, now_real() - 60);
	store_sample(st, *r1, "app_requests_total", "{\"n\":\"a\"}",
	    "{node=\"a\"}", 1);
	store_sample(st, *r1, "app_unused", "{}", "", 3);
	store_end_run(st, *r1, "complete", NULL, 2, 2);
	*r2 = store_begin_run(st, now_real());
	/* Inserted out of order: the exposition sorts. */
	store_sample(st, *r2, "app_ratio", "{}", "", 0.5);
	store_sample(st, *r2, "app_requests_total", "{\"n\":\"b\"}",
	    "{node=\"b\"}", 7);
	store_sample(st, *r2, "app_requests_total", "{\"n\":\"a\"}",
	    "{node=\"a\"}", 5);
	store_end_run(st, *r2, "complete", NULL, 2, 2);
}

static int
count(const char *hay, const char *needle)
{
	int	n = 0;

	while (n < 1000 && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
promtool_check(const char *text, size_t len)
{
	char	 path[128], cmd[512], line[512];
	FILE	*f, *p;
	int	 status;

	if (access(PROMTOOL, X_OK) == -1) {
		printf("ok %d # skip promtool not installed\n", ++tap_n);
		return;
	}
	snprintf(path, sizeof(path), "%s/expo.txt", tmpdir);
	if ((f = fopen(path, "w")) == NULL || fwrite(text, 1, len, f) != len ||
	    fclose(f) == EOF) {
		ok(0, "promtool check metrics (cannot write %s)", path);
		return;
	}
	snprintf(cmd, sizeof(cmd), PROMTOOL " check metrics < %s 2>&1", path);
	if ((p = popen(cmd, "r")) == NULL) {
		ok(0, "promtool check metrics (popen failed)");
		unlink(path);
		return;
	}
	while (fgets(line, sizeof(line), p) != NULL)
		printf("# promtool: %s", line);
	status = pclose(p);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "promtool check metrics accepts the exposition");
	unlink(path);
}

static void
test_render(void)
{
	struct store	*st;
	char		*path, *text;
	size_t		 len = 0;
	int64_t		 r1, r2, r3;
	const char	*want =
	    "# HELP app_ratio Share of C:\\\\data synced\\nper node.\n"
	    "# TYPE app_ratio gauge\n"
	    "app_ratio 0.5\n"
	    "# HELP app_requests_total Requests answered.\n"
	    "# TYPE app_requests_total counter\n"
	    "app_requests_total{node=\"a\"} 5\n"
	    "app_requests_total{node=\"b\"} 7\n"
	    "# HELP vantage_build_info ";

	if (asprintf(&path, "%s/expo.db", tmpdir) == -1)
		abort();
	if ((st = store_open(path)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}

	text = expo_render(st, 0, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL && strncmp(text, "# HELP vantage_build_info ", 26) == 0,
	    "before any run only the live metrics are rendered");
	ok(text != NULL && strstr(text,
	    "\nvantage_runs_total{status=\"complete\"} 0\n") != NULL &&
	    strstr(text, "\nvantage_last_run_success 0\n") != NULL,
	    "  no runs, no success");
	free(text);

	fill(st, &r1, &r2);
	text = expo_render(st, r2, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL, "expo_render of a complete run");
	if (text == NULL)
		text = strdup("");
	is_int(strlen(text), len, "  length returned");
	ok(strncmp(text, want, strlen(want)) == 0,
	    "  families sorted, HELP and TYPE once before their samples, "
	    "samples sorted, HELP escaped");
	if (strncmp(text, want, strlen(want)) != 0)
		printf("# got:\n# %.*s\n", (int)strlen(want), text);
	is_int(1, count(text, "# HELP app_requests_total "),
	    "  one HELP for a family with two series");
	is_int(1, count(text, "# TYPE app_requests_total "),
	    "  one TYPE for a family with two series");
	is_int(0, count(text, "app_unused"),
	    "  a family without samples in the run is absent");
	is_int(0, count(text, "app_requests_total{node=\"a\"} 1\n"),
	    "  samples of other runs are absent");
	ok(strstr(text, "\nvantage_runs_total{status=\"complete\"} 2\n") != NULL,
	    "  vantage_runs_total counts complete runs");
	ok(strstr(text, "\nvantage_runs_total{status=\"failed\"} 0\n") != NULL,
	    "  and failed runs");
	ok(strstr(text, "\nvantage_last_run_success 1\n") != NULL,
	    "  vantage_last_run_success 1 after a complete run");
	ok(strstr(text, "\n# TYPE vantage_runs_total counter\n") != NULL &&
	    strstr(text, "\n# TYPE vantage_last_run_success gauge\n") != NULL,
	    "  live metrics carry their types");
	ok(strstr(text, "\nvantage_build_info{version=\"" PACKAGE_VERSION
	    "\"} 1\n") != NULL, "  vantage_build_info names the version");
	ok(len > 0 && text[len - 1] == '\n', "  the exposition ends with a newline");
	promtool_check(text, len);
	free(text);

	text = expo_render(st, r1, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL && strstr(text, "app_requests_total{node=\"a\"} 1\n") &&
	    strstr(text, "app_unused 3\n") != NULL &&
	    strstr(text, "app_ratio") == NULL,
	    "rendering an older run shows that run's samples");
	free(text);

	r3 = store_begin_run(st, now_real());
	store_end_run(st, r3, "failed", "crawl: boom", 0, 0);
	text = expo_render(st, r2, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL && strstr(text, "\nvantage_last_run_success 0\n") != NULL,
	    "vantage_last_run_success 0 after a failed run");
	ok(text != NULL &&
	    strstr(text, "\nvantage_runs_total{status=\"failed\"} 1\n") != NULL &&
	    strstr(text, "\nvantage_runs_total{status=\"complete\"} 2\n") != NULL,
	    "  the failed run is counted");
	ok(text != NULL && strstr(text, "app_requests_total{node=\"b\"} 7\n"),
	    "  the last complete run's samples are still served");
	free(text);

	store_close(st);
	unlink(path);
	{
		char	p[256];

		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
	}
	free(path);
}

/* A fresh store at tmpdir/name; the caller closes it and calls unstore. */
static struct store *
new_store(const char *name, char **pathp)
{
	struct store	*st;

	if (asprintf(pathp, "%s/%s", tmpdir, name) == -1)
		abort();
	if ((st = store_open(*pathp)) == NULL) {
		printf("Bail out! cannot open %s\n", *pathp);
		exit(1);
	}
	return st;
}

static void
unstore(struct store *st, char *path)
{
	char	p[256];

	store_close(st);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	free(path);
}

/* The lines of text starting with prefix, joined (a static string). */
static const char *
lines_of(const char *text, const char *prefix)
{
	static char	 out[4096];
	const char	*p = text, *eol;
	size_t		 n = strlen(prefix), len = 0;
	int		 lines = 0;

	out[0] = '\0';
	while (p != NULL && *p != '\0' && lines++ < 10000) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (strncmp(p, prefix, n) == 0 &&
		    len + (size_t)(eol - p) + 2 < sizeof(out)) {
			memcpy(out + len, p, eol - p);
			len += eol - p;
			out[len++] = '\n';
			out[len] = '\0';
		}
		p = *eol != '\0' ? eol + 1 : eol;
	}
	return out;
}

static void
test_openmetrics(void)
{
	struct store	*st;
	char		*path, *text, *om;
	size_t		 len = 0, omlen = 0;
	int64_t		 r;
	const char	*want =
	    "# TYPE app_latency_seconds gauge\n"
	    "# UNIT app_latency_seconds seconds\n"
	    "# HELP app_latency_seconds Time to answer.\n"
	    "app_latency_seconds{node=\"a\"} 0.25\n"
	    "# TYPE app_note gauge\n"
	    "# HELP app_note Say \\\"hi\\\" to C:\\\\data\\nnow.\n"
	    "app_note 1\n"
	    "# TYPE app_requests counter\n"
	    "# HELP app_requests Requests answered.\n"
	    "app_requests_total{node=\"a\"} 5\n"
	    "app_requests_total{node=\"b\"} 7\n"
	    "# TYPE vantage_build_info gauge\n";

	st = new_store("om.db", &path);
	store_metric(st, "app_requests_total", "counter", "Requests answered.",
	    NULL, 0);
	store_metric(st, "app_note", "gauge", "Say \"hi\" to C:\\data\nnow.",
	    NULL, 0);
	store_metric(st, "app_latency_seconds", "gauge", "Time to answer.",
	    NULL, 0);
	r = store_begin_run(st, now_real());
	store_sample(st, r, "app_requests_total", "{\"n\":\"b\"}",
	    "{node=\"b\"}", 7);
	store_sample(st, r, "app_requests_total", "{\"n\":\"a\"}",
	    "{node=\"a\"}", 5);
	store_sample(st, r, "app_note", "{}", "", 1);
	store_sample(st, r, "app_latency_seconds", "{\"n\":\"a\"}",
	    "{node=\"a\"}", 0.25);
	store_end_run(st, r, "complete", NULL, 2, 2);

	om = expo_render(st, r, EXPO_OPENMETRICS, "others", NULL, &omlen);
	ok(om != NULL, "expo_render in OpenMetrics");
	if (om == NULL)
		om = strdup("");
	is_int(strlen(om), omlen, "  length returned");
	ok(strncmp(om, want, strlen(want)) == 0,
	    "  TYPE, UNIT, HELP in that order; counter family without _total, "
	    "its samples with it; HELP escapes \\, newline and \"");
	if (strncmp(om, want, strlen(want)) != 0)
		printf("# got:\n%.*s\n", (int)strlen(want), om);
	is_int(1, count(om, "# TYPE app_requests counter\n"),
	    "  # TYPE app_requests counter, once");
	is_int(0, count(om, "# TYPE app_requests_total"),
	    "  no TYPE line names the family with _total");
	is_int(0, count(om, "# HELP app_requests_total"),
	    "  no HELP line names the family with _total");
	ok(strstr(om, "\napp_requests_total{node=\"a\"} 5\n") != NULL,
	    "  the counter sample is app_requests_total{...}");
	ok(strstr(om, "\n# UNIT app_latency_seconds seconds\n") != NULL,
	    "  # UNIT x_seconds seconds");
	is_int(0, count(om, "# UNIT app_requests"),
	    "  no UNIT for a family without a unit suffix");
	ok(strstr(om, "\n# TYPE vantage_runs counter\n") != NULL &&
	    strstr(om, "\nvantage_runs_total{status=\"complete\"} 1\n") != NULL,
	    "  the live counter vantage_runs_total too");
	ok(strstr(om, "\n# UNIT vantage_last_run_timestamp_seconds seconds\n")
	    != NULL, "  and the live _seconds gauges carry a UNIT");
	ok(omlen >= 6 && strcmp(om + omlen - 6, "# EOF\n") == 0 &&
	    (omlen == 6 || om[omlen - 7] == '\n'),
	    "  the last line is # EOF");
	is_int(1, count(om, "# EOF"), "  # EOF once");
	ok(strstr(om, "\n\n") == NULL && om[0] != '\n', "  no blank lines");

	text = expo_render(st, r, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL && strstr(text,
	    "\n# HELP app_note Say \"hi\" to C:\\\\data\\nnow.\n") != NULL,
	    "text 0.0.4: HELP leaves a double quote unescaped");
	ok(text != NULL && strstr(text, "# TYPE app_requests_total counter\n")
	    != NULL && strstr(text, "# UNIT") == NULL &&
	    strstr(text, "# EOF") == NULL,
	    "  keeps _total in TYPE, has no UNIT and no # EOF");
	free(text);
	free(om);
	unstore(st, path);
}

/* endpoint x role samples of app_users, with the values of vals[]. */
static void
cutoff_fill(struct store *st, int64_t run)
{
	static const struct {
		const char	*ep;
		const char	*role;
		double		 v;
	} vals[] = {
		{ "e1", "primary", 10 }, { "e1", "secondary", 1 },	/* 11 */
		{ "e2", "primary", 2 }, { "e2", "secondary", 3 },	/* 5 */
		{ "e3", "primary", 20 }, { "e3", "secondary", 30 },	/* 50 */
		{ "e4", "primary", 4 }, { "e4", "secondary", 0.5 },	/* 4.5 */
	};
	char	labels[128], expo[128];
	size_t	i;

	for (i = 0; i < nitems(vals); i++) {
		snprintf(labels, sizeof(labels),
		    "{\"endpoint\":\"%s\",\"role\":\"%s\"}", vals[i].ep,
		    vals[i].role);
		snprintf(expo, sizeof(expo), "{endpoint=\"%s\",role=\"%s\"}",
		    vals[i].ep, vals[i].role);
		store_sample(st, run, "app_users", labels, expo, vals[i].v);
	}
	/* Without the cutoff label: always kept. */
	store_sample(st, run, "app_users", "{\"role\":\"all\"}", "{role=\"all\"}",
	    100);
}

static void
test_cutoff(void)
{
	struct store	*st;
	char		*path, *text;
	size_t		 len = 0;
	int64_t		 r;

	st = new_store("cutoff.db", &path);
	store_metric(st, "app_users", "gauge", "Users by endpoint and role.",
	    "endpoint", 2);
	store_metric(st, "app_tie", "gauge", "Equal totals.", "endpoint", 1);
	store_metric(st, "app_few", "gauge", "Under the cutoff.", "endpoint", 5);
	store_metric(st, "app_named", "gauge", "A real value named others.",
	    "endpoint", 1);
	r = store_begin_run(st, now_real());
	store_sample(st, r, "app_named", "{\"endpoint\":\"others\"}",
	    "{endpoint=\"others\"}", 100);
	store_sample(st, r, "app_named", "{\"endpoint\":\"y\"}",
	    "{endpoint=\"y\"}", 2);
	store_sample(st, r, "app_named", "{\"endpoint\":\"z\"}",
	    "{endpoint=\"z\"}", 1);
	cutoff_fill(st, r);
	store_sample(st, r, "app_tie", "{\"endpoint\":\"b\"}", "{endpoint=\"b\"}",
	    5);
	store_sample(st, r, "app_tie", "{\"endpoint\":\"c\"}", "{endpoint=\"c\"}",
	    1);
	store_sample(st, r, "app_tie", "{\"endpoint\":\"a\"}", "{endpoint=\"a\"}",
	    5);
	store_sample(st, r, "app_few", "{\"endpoint\":\"y\"}", "{endpoint=\"y\"}",
	    1);
	store_sample(st, r, "app_few", "{\"endpoint\":\"x\"}", "{endpoint=\"x\"}",
	    2);
	store_end_run(st, r, "complete", NULL, 4, 4);

	text = expo_render(st, r, EXPO_TEXT, "others", NULL, &len);
	ok(text != NULL, "expo_render with cardinality cutoffs");
	if (text == NULL)
		text = strdup("");
	is_str("app_users{endpoint=\"e1\",role=\"primary\"} 10\n"
	    "app_users{endpoint=\"e1\",role=\"secondary\"} 1\n"
	    "app_users{endpoint=\"e3\",role=\"primary\"} 20\n"
	    "app_users{endpoint=\"e3\",role=\"secondary\"} 30\n"
	    "app_users{endpoint=\"others\",role=\"primary\"} 6\n"
	    "app_users{endpoint=\"others\",role=\"secondary\"} 3.5\n"
	    "app_users{role=\"all\"} 100\n",
	    lines_of(text, "app_users"),
	    "cutoff 2 of 4 endpoints: the 2 largest by summed value kept with "
	    "every role, the rest summed per role into others, sorted, and the "
	    "series without the label kept");
	ok(strstr(text, "# HELP app_users Users by endpoint and role.\n"
	    "# TYPE app_users gauge\napp_users{") != NULL,
	    "  HELP and TYPE once before the samples");
	is_str("app_tie{endpoint=\"a\"} 5\napp_tie{endpoint=\"others\"} 6\n",
	    lines_of(text, "app_tie"),
	    "equal totals: the smaller label value is kept");
	is_str("app_few{endpoint=\"x\"} 2\napp_few{endpoint=\"y\"} 1\n",
	    lines_of(text, "app_few"),
	    "a family under its cutoff is left alone");
	is_str("app_named{endpoint=\"others\"} 103\n",
	    lines_of(text, "app_named"),
	    "a kept real value named others takes the folded sum, once");
	free(text);

	text = expo_render(st, r, EXPO_TEXT, "rest", NULL, &len);
	is_str("app_users{endpoint=\"e1\",role=\"primary\"} 10\n"
	    "app_users{endpoint=\"e1\",role=\"secondary\"} 1\n"
	    "app_users{endpoint=\"e3\",role=\"primary\"} 20\n"
	    "app_users{endpoint=\"e3\",role=\"secondary\"} 30\n"
	    "app_users{endpoint=\"rest\",role=\"primary\"} 6\n"
	    "app_users{endpoint=\"rest\",role=\"secondary\"} 3.5\n"
	    "app_users{role=\"all\"} 100\n",
	    text != NULL ? lines_of(text, "app_users") : "",
	    "a custom others name: rest");
	ok(text != NULL && strstr(lines_of(text, "app_users"), "others") == NULL,
	    "  and no series is named others");
	promtool_check(text != NULL ? text : "", text != NULL ? len : 0);
	free(text);

	text = expo_render(st, r, EXPO_OPENMETRICS, "others", NULL, &len);
	ok(text != NULL && strstr(text,
	    "\napp_users{endpoint=\"others\",role=\"secondary\"} 3.5\n") != NULL &&
	    strstr(text, "endpoint=\"e2\"") == NULL,
	    "OpenMetrics applies the cutoff too");
	free(text);
	unstore(st, path);
}

static void
test_gzip(void)
{
	struct buf	 b;
	z_stream	 zs;
	char		*gz, *out;
	size_t		 gzlen = 0, cap;
	int		 i, rc;

	buf_init(&b, 0);
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "app_series{n=\"%d\"} %d\n", i, i * 7);
	gz = expo_gzip(b.b_data, b.b_len, &gzlen);
	ok(gz != NULL && gzlen > 10 && gzlen < b.b_len,
	    "expo_gzip compresses %zu bytes to %zu", b.b_len, gzlen);
	ok(gz != NULL && (unsigned char)gz[0] == 0x1f &&
	    (unsigned char)gz[1] == 0x8b && gz[2] == 8,
	    "  gzip magic and deflate method");
	cap = b.b_len + 16;
	out = malloc(cap);
	memset(&zs, 0, sizeof(zs));
	rc = inflateInit2(&zs, 15 + 32);
	if (rc == Z_OK && gz != NULL) {
		zs.next_in = (unsigned char *)gz;
		zs.avail_in = gzlen;
		zs.next_out = (unsigned char *)out;
		zs.avail_out = cap;
		rc = inflate(&zs, Z_FINISH);
	}
	ok(rc == Z_STREAM_END && zs.total_out == b.b_len &&
	    memcmp(out, b.b_data, b.b_len) == 0 && zs.avail_in == 0,
	    "  inflates back to the same bytes, nothing trailing");
	inflateEnd(&zs);
	free(gz);

	gz = expo_gzip("", 0, &gzlen);
	memset(&zs, 0, sizeof(zs));
	rc = inflateInit2(&zs, 15 + 32);
	if (rc == Z_OK && gz != NULL) {
		zs.next_in = (unsigned char *)gz;
		zs.avail_in = gzlen;
		zs.next_out = (unsigned char *)out;
		zs.avail_out = cap;
		rc = inflate(&zs, Z_FINISH);
	}
	ok(gz != NULL && rc == Z_STREAM_END && zs.total_out == 0,
	    "expo_gzip of nothing is a valid empty gzip stream");
	inflateEnd(&zs);
	free(gz);
	free(out);
	buf_release(&b);
}

int
main(void)
{
	plan(79);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-expo") == -1)
		return 1;
	test_value();
	test_render();
	test_label_value();
	test_openmetrics();
	test_cutoff();
	test_gzip();
	rmdir(tmpdir);
	return done_testing();
}
