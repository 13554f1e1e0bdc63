/* t-expo.c -- label escaping, values, and the rendered exposition */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "expo.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define PROMTOOL	"/usr/bin/promtool"

static char	tmpdir[64];

/* expo_label_value of s (len bytes) into a static string. */
static const char *
label(const char *s, size_t len)
{
	static char	 out[256];
	struct buf	 b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	expo_label_value(&b, s, len);
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
	if ((st = store_open(path, 0)) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}

	text = expo_render(st, 0, EXPO_TEXT, "others", &len);
	ok(text != NULL && strncmp(text, "# HELP vantage_build_info ", 26) == 0,
	    "before any run only the live metrics are rendered");
	ok(text != NULL && strstr(text,
	    "\nvantage_runs_total{status=\"complete\"} 0\n") != NULL &&
	    strstr(text, "\nvantage_last_run_success 0\n") != NULL,
	    "  no runs, no success");
	free(text);

	fill(st, &r1, &r2);
	text = expo_render(st, r2, EXPO_TEXT, "others", &len);
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

	text = expo_render(st, r1, EXPO_TEXT, "others", &len);
	ok(text != NULL && strstr(text, "app_requests_total{node=\"a\"} 1\n") &&
	    strstr(text, "app_unused 3\n") != NULL &&
	    strstr(text, "app_ratio") == NULL,
	    "rendering an older run shows that run's samples");
	free(text);

	r3 = store_begin_run(st, now_real());
	store_end_run(st, r3, "failed", "crawl: boom", 0, 0);
	text = expo_render(st, r2, EXPO_TEXT, "others", &len);
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

int
main(void)
{
	plan(49);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/t-expo.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_value();
	test_render();
	test_label_value();
	rmdir(tmpdir);
	return done_testing();
}
