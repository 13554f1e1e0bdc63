/* t-html.c -- escaping, url encoding, numbers, charts and thresholds */

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

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "query.h"
#include "tap.h"

static char out[4096];

static const char *
esc(const char *s, size_t len)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	html_escape(&b, s, len);
	snprintf(out, sizeof(out), "%s", b.b_data);
	buf_release(&b);
	return out;
}

static const char *
enc(const char *s)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_puts(&b, "");
	html_urlencode(&b, s, strlen(s));
	snprintf(out, sizeof(out), "%s", b.b_data);
	buf_release(&b);
	return out;
}

static const char *
num(double v)
{
	struct buf	b;

	buf_init(&b, 0);
	html_number(&b, v);
	snprintf(out, sizeof(out), "%s", b.b_data);
	buf_release(&b);
	return out;
}

static void
test_thresholds(void)
{
	struct threshold th;
	const char	*why;

	ok(threshold_parse("share{status=\"fully_synced\"} < 0.8", &th,
	    &why) == 0, "a share threshold parses");
	ok(th.th_share && th.th_op == TH_LT && th.th_value == 0.8 &&
	    th.th_nmatch == 1, "its parts");
	ok(threshold_matches(&th, "{\"status\":\"fully_synced\"}"),
	    "it matches its series");
	ok(!threshold_matches(&th, "{\"status\":\"unknown\"}") &&
	    !threshold_matches(&th, "{}") && !threshold_matches(&th, "nope"),
	    "and no other, nor text that is not an object");
	ok(threshold_breached(&th, 7, 10) && !threshold_breached(&th, 8, 10),
	    "7 of 10 is below 0.8, 8 of 10 is not");
	ok(threshold_breached(&th, 0, 0), "a total of 0 is a share of 0");
	threshold_release(&th);
	ok(threshold_parse("{a=\"x\\\"y\", b = \"z\"} >= -3", &th, &why) == 0 &&
	    !th.th_share && th.th_op == TH_GE && th.th_nmatch == 2 &&
	    strcmp(th.th_match[1], "x\"y") == 0, "values, escapes, two labels");
	ok(threshold_matches(&th, "{\"a\":\"x\\\"y\",\"b\":\"z\",\"c\":\"\"}") &&
	    threshold_breached(&th, -3, 0), "a subset of the labels matches");
	threshold_release(&th);
	ok(threshold_parse("value > 1e3", &th, &why) == 0 &&
	    th.th_nmatch == 0 && th.th_value == 1000, "no labels: every series");
	threshold_release(&th);
	ok(threshold_parse("{a=\"x} < 1", &th, &why) == -1, "unterminated: %s",
	    why);
	ok(threshold_parse("share > 1.5", &th, &why) == -1, "share > 1: %s",
	    why);
	ok(threshold_parse("< nan", &th, &why) == -1, "not a number: %s", why);
	ok(threshold_parse("{9a=\"x\"} < 1", &th, &why) == -1, "bad name: %s",
	    why);
	ok(threshold_parse("value < 1 extra", &th, &why) == -1, "trailing: %s",
	    why);
}

static void
test_chart(void)
{
	struct buf		 b;
	double			 t[] = { 100, 200 }, v[] = { 0.25, 0.5 };
	struct chart_line	 l = { "<b>&\"", t, v, 2 };

	buf_init(&b, 0);
	html_chart(&b, "title <i>", &l, 1, 100, 200, CHART_PERCENT);
	ok(strstr(b.b_data, "<svg viewBox=\"0 0 640 220\"") != NULL &&
	    strstr(b.b_data, "<polyline") != NULL, "a chart is inline SVG");
	ok(strstr(b.b_data, "&lt;b&gt;&amp;&quot;") != NULL &&
	    strstr(b.b_data, "title &lt;i&gt;") != NULL &&
	    strstr(b.b_data, "<b>") == NULL && strstr(b.b_data, "<i>") ==
	    NULL, "legend and title are escaped");
	ok(strstr(b.b_data, ">100%<") != NULL && strstr(b.b_data, ">0%<") !=
	    NULL, "shares are labelled in percent");
	buf_reset(&b);
	html_chart(&b, "empty", &l, 0, 100, 200, 0);
	ok(strstr(b.b_data, "no complete run in this range") != NULL,
	    "an empty range says so");
	buf_release(&b);
}

int
main(void)
{
	plan(33);
	is_str("a&amp;b&lt;c&gt;d&quot;e&#39;f", esc("a&b<c>d\"e'f", 11),
	    "markup characters become entities");
	is_str("&lt;\xef\xbf\xbd&gt;", esc("<\xff>", 3),
	    "invalid UTF-8 becomes U+FFFD, then escaped");
	is_str("a\xef\xbf\xbd" "b\tc\nd\xef\xbf\xbd", esc("a\x01" "b\tc\nd\x7f",
	    8), "controls become U+FFFD, tab and newline stay");
	is_str("x\xef\xbf\xbdy", esc("x\0y", 3), "a NUL byte is no terminator");
	is_str("caf\xc3\xa9 \xe2\x9c\x93", esc("caf\xc3\xa9 \xe2\x9c\x93", 9),
	    "valid UTF-8 passes");
	is_str("", esc("", 0), "empty");
	is_str("abc-._~XYZ019", enc("abc-._~XYZ019"), "unreserved bytes stay");
	is_str("a%20b%2F%3F%22%3E%3C%26%25%C3%A9", enc("a b/?\"><&%\xc3\xa9"),
	    "everything else is percent-encoded");
	is_str("1000000", num(1e6), "integers in full");
	is_str("0.1235", num(0.123456), "others with 4 digits");
	is_str("-3", num(-3), "negative");
	is_str("NaN", num(NAN), "NaN");
	is_str("+Inf", num(INFINITY), "+Inf");
	is_str("1e+20", num(1e20), "huge integers short");
	{
		struct buf b;

		buf_init(&b, 0);
		html_time(&b, 1700000000);
		is_str("2023-11-14 22:13:20 UTC", b.b_data, "time in UTC");
		buf_release(&b);
	}
	test_thresholds();
	test_chart();
	return done_testing();
}
