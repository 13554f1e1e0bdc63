/* t-promtext.c -- the Prometheus text / OpenMetrics exposition parser */

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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expo.h"
#include "labels.h"
#include "promtext.h"
#include "tap.h"
#include "util.h"
#include "xmalloc.h"

#define T	PROMTEXT_TEXT
#define OM	PROMTEXT_OPENMETRICS

/* Render flags. */
#define R_META	0x01	/* add family, type, help, unit */

struct run {
	struct buf	 r_out;
	int		 r_flags;
	const char	*r_skip;	/* want drops this name */
	int		 r_stop_at;	/* sample callback fails on this line */
};

static void
put_escaped(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			buf_puts(b, "\\\\");
		else if (s[i] == '"')
			buf_puts(b, "\\\"");
		else if (s[i] == '\n')
			buf_puts(b, "\\n");
		else if (s[i] == '\0')
			buf_puts(b, "\\0");
		else
			buf_putc(b, s[i]);
	}
}

static void
put_value(struct buf *b, double v)
{
	char	s[64];

	if (isnan(v))
		buf_puts(b, "NaN");
	else if (isinf(v))
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	else {
		snprintf(s, sizeof(s), "%.15g", v);
		if (strtod(s, NULL) != v)
			snprintf(s, sizeof(s), "%.17g", v);
		buf_puts(b, s);
	}
}

static int
want(void *arg, const struct promtext_sample *ps)
{
	struct run *r = arg;

	if (ps->ps_labels != NULL || ps->ps_nlabels != 0 ||
	    ps->ps_has_ts || ps->ps_value != 0)
		buf_puts(&r->r_out, "want() saw more than the name\n");
	return r->r_skip == NULL || strlen(r->r_skip) != ps->ps_namelen ||
	    memcmp(r->r_skip, ps->ps_name, ps->ps_namelen) != 0;
}

static int
sample(void *arg, const struct promtext_sample *ps)
{
	struct run *r = arg;
	size_t	i;

	if (r->r_stop_at != 0 && (size_t)r->r_stop_at == ps->ps_line)
		return -1;
	buf_add(&r->r_out, ps->ps_name, ps->ps_namelen);
	for (i = 0; i < ps->ps_nlabels; i++) {
		buf_puts(&r->r_out, i == 0 ? "{" : ",");
		buf_add(&r->r_out, ps->ps_labels[i].pl_name,
		    ps->ps_labels[i].pl_namelen);
		buf_puts(&r->r_out, "=\"");
		put_escaped(&r->r_out, ps->ps_labels[i].pl_value,
		    ps->ps_labels[i].pl_valuelen);
		buf_puts(&r->r_out, "\"");
	}
	if (ps->ps_nlabels > 0)
		buf_puts(&r->r_out, "}");
	buf_puts(&r->r_out, " ");
	put_value(&r->r_out, ps->ps_value);
	if (ps->ps_has_ts)
		buf_printf(&r->r_out, " @%lld", (long long)ps->ps_ts);
	if (r->r_flags & R_META) {
		buf_puts(&r->r_out, " (");
		buf_add(&r->r_out, ps->ps_family, ps->ps_familylen);
		buf_printf(&r->r_out, " %s", promtext_type_name(ps->ps_type));
		if (ps->ps_help != NULL) {
			buf_puts(&r->r_out, " \"");
			put_escaped(&r->r_out, ps->ps_help, ps->ps_helplen);
			buf_puts(&r->r_out, "\"");
		}
		if (ps->ps_unit != NULL) {
			buf_puts(&r->r_out, " unit=");
			buf_add(&r->r_out, ps->ps_unit, ps->ps_unitlen);
		}
		buf_puts(&r->r_out, ")");
	}
	buf_puts(&r->r_out, "\n");
	return 0;
}

/*
 * Parse len bytes in format fmt; the samples one a line, or "error: " and
 * the reason (the samples of a rejected body are discarded, as a caller
 * must).  A static string.
 */
static const char *
parse_ext(int fmt, const char *body, size_t len, int flags,
    const char *skip, size_t maxline, size_t maxlabels, int stop_at)
{
	static char	*out;
	struct promtext_opts po;
	struct run	 r;
	char		 err[PROMTEXT_ERRMAX];

	memset(&r, 0, sizeof(r));
	buf_init(&r.r_out, 0);
	buf_puts(&r.r_out, "");
	r.r_flags = flags;
	r.r_skip = skip;
	r.r_stop_at = stop_at;
	memset(&po, 0, sizeof(po));
	po.po_format = fmt;
	po.po_max_line = maxline;
	po.po_max_labels = maxlabels;
	po.po_want = want;
	po.po_sample = sample;
	po.po_arg = &r;
	free(out);
	if (promtext_parse(body, len, &po, err, sizeof(err)) == -1) {
		buf_release(&r.r_out);
		xasprintf(&out, "error: %s", err);
	} else
		out = buf_take(&r.r_out, NULL);
	return out;
}

static const char *
parse(int fmt, const char *body, size_t len)
{
	return parse_ext(fmt, body, len, 0, NULL, 0, 0, 0);
}

static const char *
parse_meta(int fmt, const char *body, size_t len)
{
	return parse_ext(fmt, body, len, R_META, NULL, 0, 0, 0);
}

#define P(fmt, lit)	parse((fmt), (lit), sizeof(lit) - 1)
#define PM(fmt, lit)	parse_meta((fmt), (lit), sizeof(lit) - 1)
#define PX(fmt, lit, ...)	\
	parse_ext((fmt), (lit), sizeof(lit) - 1, __VA_ARGS__)

/* Text 0.0.4: what Prometheus accepts, and what we get out of it. */
static void
test_text_accepted(void)
{
	is_str("a 1\n", P(T, "a 1"), "missing final newline is fine");
	is_str("a 1\nb 2\n", P(T, "\n\n  \t\na 1\n\n \nb 2\n\n"),
	    "blank and blank-only lines skipped");
	is_str("a 1\n", P(T, "#\n#comment\n# any text\n# HELP\n# Hrandom\n"
	    "# TYPE\n#HELP a x\n#TYPE a gauge\na 1\n"),
	    "comments of any text skipped, also #HELP without a space");
	is_str("", P(T, ""), "empty body: no samples");
	is_str("a{b=\"c\"} 1\n", P(T, "a{b=\"c\",} 1\n"),
	    "trailing comma in labels accepted");
	is_str("a{b=\"c\",d=\"e\"} 1\n",
	    P(T, "a { b = \"c\" , d= \"e\" , } 1\n"),
	    "blanks inside braces, around = and before {");
	is_str("a{quantile=\"2.0\",a=\"b\"} 1\n",
	    P(T, "a { quantile = \"2.0\" a = \"b\" } 1\n"),
	    "labels without a comma between them accepted (as promparse)");
	is_str("a{b=\"c\",d=\"e\"} 1\n", P(T, "a{b=\"c\"d=\"e\"} 1\n"),
	    "no comma and no blank between labels accepted");
	is_str("a 1\n", P(T, "a{} 1\n"), "empty label set {}");
	is_str("a{b=\"c\"} 1\n", P(T, "a{b=\"c\"}1\n"),
	    "no blank between } and the value (as promlex)");
	is_str("a 33 @123123\n", P(T, "  a \t 33  \t123123 \t\n"),
	    "blanks and tabs around value and timestamp");
	is_str("some:aggregate:rate5m{a_b=\"c\"} 1\n",
	    P(T, "some:aggregate:rate5m{a_b=\"c\"}\t1\n"),
	    "colons in metric names, tab before the value");
	is_str("_m{_l=\"x\"} 1\n", P(T, "_m{_l=\"x\"} 1\n"),
	    "names starting with an underscore");
	is_str("a{__x=\"y\"} 1\n", P(T, "a{__x=\"y\"} 1\n"),
	    "label names starting with __ are the parser's business, kept");
	is_str("a{b=\"x\\\\y\\\"z\\nw\"} 1\n",
	    P(T, "a{b=\"x\\\\y\\\"z\\nw\"} 1\n"),
	    "label value escapes \\\\ \\\" \\n decoded");
	is_str("a{b=\"\\\\t\\\\x\\\\\"} 1\n", P(T, "a{b=\"\\t\\x\\\\\"} 1\n"),
	    "other backslash sequences kept as they are (lvalReplacer)");
	is_str("a{b=\"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"} 1\n",
	    P(T, "a{b=\"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"} 1\n"),
	    "UTF-8 label values");
	is_str("a{b=\"\\0ss\"} 1\na{c=\"abc\\0\"} 1\n",
	    P(T, "a{b=\"\0ss\"} 1\na{c=\"abc\0\"} 1"),
	    "NUL bytes inside label values kept (TestPromNullByteHandling)");
	is_str("a{b=\"x\"} 1\n", P(T, "a{b=\"\",b=\"x\",c=\"\"} 1\n"),
	    "empty label values dropped, then no duplicate");
	is_str("a 1\na{b=\"c\",d=\"e\"} 2\na 3\na{d=\"e\",b=\"c\"} 4\n",
	    P(T, "a 1\na{b=\"c\",d=\"e\"} 2\na 3\na{d=\"e\",b=\"c\"} 4\n"),
	    "a series given twice is the caller's business, as the TSDB's "
	    "(ErrDuplicateSampleForTimestamp): every sample is passed on");
	is_str("a{b=\"#\"} 1\n", P(T, "a{b=\"#\"} 1\n# a{b=\"c\"} 2\n"),
	    "# inside a label value; a commented-out sample skipped");
	is_str("error: line 1: expected timestamp or end of line, got \"#\"",
	    P(T, "a 1 # trailing comment\n"),
	    "no comment after a sample in 0.0.4");
	is_str("a 1 @0\na 2 @9223372036854775807\n",
	    P(T, "a 1 0\na 2 9223372036854775807\n"),
	    "timestamps: 0 and the largest int64 ms");
}

static void
test_text_values(void)
{
	is_str("a NaN\na NaN\na NaN\n", P(T, "a NaN\na nan\na NAN\n"),
	    "NaN in any case");
	is_str("a +Inf\na -Inf\na +Inf\na +Inf\na -Inf\na +Inf\n",
	    P(T, "a +Inf\na -Inf\na Inf\na inf\na -infinity\na +Infinity\n"),
	    "+Inf -Inf and Go's other spellings (inf, Infinity)");
	is_str("a 1\na -2.5\na 0.5\na 5\na 1000\na 0.001\na 1e+22\n",
	    P(T, "a +1\na -2.5\na .5\na 5.\na 1e3\na 1E-3\na 1e22\n"),
	    "signs, bare dots, exponents");
	is_str("a 4.9351e-05\na 7.424100000000001e-05\n",
	    P(T, "a 4.9351e-05\na 7.424100000000001e-05\n"),
	    "values from a real exposition round-trip exactly");
	is_str("a 1.7976931348623157e+308\na 0\na 4.94065645841247e-324\n",
	    P(T, "a 1.7976931348623157e308\na 1e-400\na 5e-324\n"),
	    "largest double; underflow to 0 and to a subnormal accepted");
	is_str("a 1.2345678901234568e+29\na 0.1\n",
	    P(T, "a 123456789012345678901234567890\n"
	    "a 0.1000000000000000000000000000000000000000001\n"),
	    "more digits than 19 rounded as strtod does");
	is_str("a -0\n", P(T, "a -0\n"), "negative zero");
	is_str("a 1e+18\n", P(T, "a 0001e18\n"),
	    "leading zeros");
	is_str("error: line 1: value out of range: \"1e400\"",
	    P(T, "a 1e400\n"), "overflow rejected (ParseFloat ErrRange)");
	is_str("error: line 1: value out of range: \"-1e309\"",
	    P(T, "a -1e309\n"), "negative overflow rejected");
	is_str("error: line 1: invalid value: \"true\"", P(T, "a true\n"),
	    "true is not a value");
	is_str("error: line 1: invalid value: \"-nan\"", P(T, "a -nan\n"),
	    "a signed NaN is not a value (Go)");
	is_str("error: line 1: invalid value: \"infin\"", P(T, "a infin\n"),
	    "a partial infinity is not a value");
	is_str("error: line 1: invalid value: \"0x10\"", P(T, "a 0x10\n"),
	    "hex is not a value");
	is_str("error: line 1: unsupported character in value: \"1_2\"",
	    P(T, "foo 1_2\n"), "digit separators refused");
	is_str("error: line 1: unsupported character in value: \"0x1p-3\"",
	    P(T, "foo 0x1p-3\n"), "hex float refused (p)");
	is_str("error: line 1: unsupported character in value: \"0x1P-3\"",
	    P(T, "foo 0x1P-3\n"), "hex float refused (P)");
	is_str("error: line 1: invalid value: \".\"", P(T, "a .\n"),
	    "a dot alone is not a value");
	is_str("error: line 1: invalid value: \"1e\"", P(T, "a 1e\n"),
	    "an exponent needs digits");
	is_str("error: line 1: invalid value: \"1.2.3\"", P(T, "a 1.2.3\n"),
	    "two dots");
	is_str("error: line 1: invalid value: \"--1\"", P(T, "a --1\n"),
	    "two signs");
}

static void
test_text_rejected(void)
{
	is_str("error: line 1: expected value, got end of line", P(T, "a"),
	    "metric without a value");
	is_str("error: line 2: expected label value in double quotes, "
	    "got \"'\"", P(T, "ok 1\na{b='c'} 1\n"),
	    "single-quoted label value, line 2");
	is_str("error: line 1: expected label value in double quotes, "
	    "got end of line", P(T, "a{b=\n"), "label value missing");
	is_str("error: line 1: unterminated label value",
	    P(T, "something_weird{problem=\""), "label value unterminated");
	is_str("error: line 1: unterminated label value",
	    P(T, "a{b=\"x\\\"} 1\n"), "an escaped quote does not close");
	is_str("error: line 1: unterminated label value",
	    P(T, "a{b=\"x\ny\"} 1\n"),
	    "raw line feed inside a label value (promlex would span lines)");
	is_str("error: line 1: expected label name or \"}\", got \"\\xff\"",
	    P(T, "a{\xff=\"foo\"} 1\n"), "invalid byte as a label name");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(T, "a{b=\"\xff\"} 1\n"), "invalid UTF-8 in a label value");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(T, "a{b=\"\xc0\xaf\"} 1\n"), "overlong UTF-8 refused");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(T, "a{b=\"\xed\xa0\x80\"} 1\n"), "UTF-16 surrogate refused");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(T, "a{b=\"\xe2\x82\"} 1\n"), "truncated sequence refused");
	is_str("error: line 1: expected label name or \"}\", got \"=\"",
	    P(T, "empty_label_name{=\"\"} 0"), "empty label name");
	is_str("error: line 1: expected label name, got \",\"",
	    P(T, "a{b=\"c\",,d=\"e\"} 1\n"), "two commas");
	is_str("error: line 1: expected label name or \"}\", got \",\"",
	    P(T, "a{,b=\"c\"} 1\n"), "leading comma");
	is_str("error: line 1: expected \"=\" after label name, got \"}\"",
	    P(T, "a{A}0\n"), "bare identifier in braces");
	is_str("error: line 1: metric name missing before \"{\"",
	    P(T, "{A}0\n"), "label set without a metric name");
	is_str("error: line 1: metric name missing before \"{\"",
	    P(T, "{a=\"ok\"} 1"), "labels without a metric name");
	is_str("error: line 1: quoted metric names are not supported",
	    P(T, "{\"a.b\"} 1\n"), "quoted UTF-8 metric name");
	is_str("error: line 1: quoted label names are not supported",
	    P(T, "a{\"b.c\"=\"d\"} 1\n"), "quoted UTF-8 label name");
	is_str("error: line 1: quoted metric names are not supported",
	    P(T, "{\"a\",\"b\"} 1\n"),
	    "two quoted names (promparse: metric name already set)");
	is_str("error: line 1: expected metric name, got \"9\"",
	    P(T, "9 1\n"), "metric name starting with a digit");
	is_str("error: line 1: expected a blank or \"{\" after metric name, "
	    "got \"-\"", P(T, "a-b 1\n"), "invalid character in a name");
	is_str("error: line 1: expected a blank or \"{\" after metric name, "
	    "got \"-\"", P(T, "a-1 2\n"),
	    "a-1 2 is not a=-1 at 2 ms (promlex would say so)");
	is_str("error: line 1: expected a blank or \"{\" after metric name, "
	    "got \".\"", P(T, "a.b 1\n"), "dotted name unquoted");
	is_str("error: line 1: expected end of line after timestamp, "
	    "got \"_\"", P(T, "foo 0 1_2\n"), "bad timestamp");
	is_str("error: line 1: expected timestamp or end of line, got \"-\"",
	    P(T, "a 1 -1\n"), "negative timestamp (the lexer has no sign)");
	is_str("error: line 1: expected end of line after timestamp, "
	    "got \".\"", P(T, "a 1 1.5\n"), "fractional timestamp");
	is_str("error: line 1: timestamp out of range",
	    P(T, "a 1 9223372036854775808\n"), "timestamp beyond int64");
	is_str("error: line 1: expected end of line after timestamp, "
	    "got \"3\"", P(T, "a 1 2 3\n"), "text after the timestamp");
	is_str("error: line 1: expected timestamp or end of line, got \"{\"",
	    P(T, "a 1{\n"), "brace after the value");
	is_str("error: line 1: expected value, got \"{\"",
	    P(T, "a{} {b=\"c\"} 1\n"), "two label sets");
	is_str("error: line 1: expected label name or \"}\", got \"{\"",
	    P(T, "a{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ 1\n"),
	    "hostile nesting");
	is_str("error: line 1: expected metric name after TYPE, got \"#\"",
	    P(T, "# TYPE #\n"), "TYPE without a metric name");
	is_str("error: line 1: expected metric name after HELP, got \"#\"",
	    P(T, "# HELP #\n"), "HELP without a metric name");
	is_str("error: line 1: expected metric name after HELP, "
	    "got end of line", P(T, "# HELP \n"), "HELP and a blank");
	is_str("error: line 1: invalid metric type \"foo\"",
	    P(T, "# TYPE a foo\n"), "unknown type");
	is_str("error: line 1: invalid metric type \"\"",
	    P(T, "# TYPE a\n"), "TYPE without a type");
	is_str("error: line 1: invalid metric type \"unknown\"",
	    P(T, "# TYPE a unknown\n"), "unknown is OpenMetrics only");
	is_str("error: line 1: invalid metric type \" counter\"",
	    P(T, "# TYPE a  counter\n"),
	    "two blanks before the type (promlex keeps all but one)");
	is_str("error: line 1: invalid metric type \"counter \"",
	    P(T, "# TYPE a counter \n"), "blank after the type");
	is_str("error: line 1: expected a blank after the metric name, "
	    "got \"{\"", P(T, "# TYPE a{ gauge\n"),
	    "garbage glued to a TYPE name (promlex would drop it)");
	is_str("error: line 1: HELP text is not valid UTF-8",
	    P(T, "# HELP a bad \xff\n"), "HELP must be UTF-8");
	is_str("error: line 1: duplicate label name \"b\"",
	    P(T, "a{b=\"1\",c=\"2\",b=\"3\"} 1\n"), "duplicate label name");
	is_str("error: line 1: duplicate label name \"__name__\"",
	    P(T, "a{__name__=\"x\"} 1\n"),
	    "__name__ as a label duplicates the metric name");
	is_str("a 1\n", P(T, "a{__name__=\"\"} 1\n"),
	    "an empty __name__ is an absent label");
}

static void
test_text_nul_crlf(void)
{
	is_str("error: line 1: expected label value in double quotes, "
	    "got \"\\x00\"", P(T, "a{b=\0\"ssss\"} 1\n"),
	    "NUL before a label value");
	is_str("error: line 1: expected \"=\" after label name, got \"\\x00\"",
	    P(T, "a{b\0=\"hiih\"}\t1"), "NUL in a label name");
	is_str("error: line 1: expected a blank or \"{\" after metric name, "
	    "got \"\\x00\"", P(T, "a\0{b=\"ddd\"} 1"),
	    "NUL after a metric name");
	is_str("error: line 1: expected end of line after timestamp, "
	    "got \"\\x00\"", P(T, "a 0 1\0"), "NUL after a timestamp");
	is_str("error: line 2: expected metric name, got \"\\x00\"",
	    P(T, "a 1\n\0b 2\n"),
	    "NUL starting a line is an error (promlex: silent end of input)");
	is_str("a 1\n", P(T, "# c\0mment\n# HELP a x\0y\na 1\n"),
	    "NUL inside comments and HELP accepted");
	is_str("error: line 1: carriage return at the end of the line "
	    "(CRLF line endings are not accepted)", P(T, "a 1\r\n"),
	    "CRLF sample line refused, as Prometheus does");
	is_str("error: line 2: carriage return at the end of the line "
	    "(CRLF line endings are not accepted)",
	    P(T, "# HELP a x\r\na{b=\"c\"} 1 2\r\n"),
	    "CRLF: HELP line passes, the sample fails on line 2");
	is_str("error: line 2: carriage return at the end of the line "
	    "(CRLF line endings are not accepted)", P(T, "a 1\n\r\n"),
	    "a CR alone is not a blank line");
	is_str("error: line 1: invalid metric type \"gauge\\r\"",
	    P(T, "# TYPE a gauge\r\n"), "CRLF after a TYPE");
}

static void
test_text_meta(void)
{
	is_str("go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05 "
	    "(go_gc_duration_seconds summary \"A summary of GC.\")\n"
	    "go_gc_duration_seconds_sum 2 (go_gc_duration_seconds summary "
	    "\"A summary of GC.\")\n"
	    "go_gc_duration_seconds_count 99 (go_gc_duration_seconds summary "
	    "\"A summary of GC.\")\n",
	    PM(T, "# HELP go_gc_duration_seconds A summary of GC.\n"
	    "# \tTYPE go_gc_duration_seconds summary\n"
	    "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n"
	    "go_gc_duration_seconds_sum 2\n"
	    "go_gc_duration_seconds_count 99\n"),
	    "summary family: _sum and _count belong to it; tab after #");
	is_str("h_bucket{le=\"+Inf\"} 3 (h histogram)\nh_sum 2 (h histogram)\n"
	    "h_count 3 (h histogram)\nh_created 5 (h histogram)\n"
	    "h_total 1 (h_total untyped)\n",
	    PM(T, "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum 2\n"
	    "h_count 3\nh_created 5\nh_total 1\n"),
	    "histogram suffixes; _total is not one of them");
	is_str("c_total 12 (c_total counter \"Help after type.\")\n",
	    PM(T, "# TYPE c_total counter\n# HELP c_total Help after type.\n"
	    "c_total 12\n"), "HELP after TYPE; 0.0.4 counter named _total");
	is_str("a 1 (a untyped)\na 2 (a counter)\n",
	    PM(T, "a 1\n# TYPE a counter\na 2\n"),
	    "TYPE after samples of the metric: accepted, applies after it");
	is_str("b 1 (b untyped)\n", PM(T, "# TYPE a gauge\nb 1\n"),
	    "another metric after a TYPE is untyped");
	is_str("a 1 (a untyped \"\")\n", PM(T, "# HELP a\na 1\n"),
	    "empty HELP");
	is_str("b 1 (b untyped \"\")\n", PM(T, "# HELP b \t \nb 1\n"),
	    "empty HELP, blanks only");
	is_str("a 1 (a untyped)\n", PM(T, "# HELP a x\n# HELP b y\na 1\n"),
	    "metadata for another name starts another family");
	is_str("a 1 (a untyped \" two  blanks\")\n",
	    PM(T, "# HELP a  two  blanks\na 1\n"),
	    "HELP keeps all but the first blank (promlex)");
	is_str("a 1 (a untyped "
	    "\"back\\\\slash new\\nline \\\\\\\"q\\\\\\\"\")\n",
	    PM(T, "# HELP a back\\\\slash new\\nline \\\"q\\\"\na 1\n"),
	    "HELP escapes \\\\ and \\n decoded, \\\" kept in 0.0.4");
	is_str("a 1 (a gauge)\n", PM(T, "# TYPE a untyped\n# TYPE a gauge\n"
	    "a 1\n"), "a second TYPE wins (Prometheus does not check)");
}

/* OpenMetrics 1.0 */
static void
test_om(void)
{
	is_str("", P(OM, "# EOF"), "# EOF alone, no newline");
	is_str("", P(OM, "# EOF\n"), "# EOF alone");
	is_str("error: line 1: missing # EOF at the end", P(OM, ""),
	    "empty body has no # EOF");
	is_str("error: line 2: missing # EOF at the end", P(OM, "metric 1\n"),
	    "missing # EOF");
	is_str("error: line 2: missing # EOF at the end", P(OM, "metric 1"),
	    "missing # EOF, no final newline");
	is_str("error: line 3: unexpected data after # EOF",
	    P(OM, "a 1\n# EOF\na 2\n"), "sample after # EOF");
	is_str("error: line 2: unexpected data after # EOF",
	    P(OM, "# EOF\n\n"), "blank line after # EOF");
	is_str("error: line 1: unexpected data after # EOF",
	    P(OM, "# EOFa 1"), "text glued to # EOF");
	is_str("error: line 1: unexpected data after # EOF",
	    P(OM, "# EOF\r\n"), "# EOF with CRLF");
	is_str("error: line 1: empty line (not allowed in OpenMetrics)",
	    P(OM, "\n# EOF\n"), "blank line");
	is_str("error: line 1: expected metric name, got \" \"",
	    P(OM, " a 1\n# EOF\n"), "leading space");
	is_str("error: line 1: comment other than # HELP, # TYPE, # UNIT or "
	    "# EOF (not allowed in OpenMetrics)", P(OM, "# hi\n# EOF\n"),
	    "plain comment");
	is_str("error: line 1: comment other than # HELP, # TYPE, # UNIT or "
	    "# EOF (not allowed in OpenMetrics)",
	    P(OM, "#  TYPE c counter\n# EOF\n"), "two spaces after #");
	is_str("error: line 1: comment other than # HELP, # TYPE, # UNIT or "
	    "# EOF (not allowed in OpenMetrics)",
	    P(OM, "#\tTYPE c counter\n# EOF\n"), "tab after #");
	is_str("error: line 1: comment other than # HELP, # TYPE, # UNIT or "
	    "# EOF (not allowed in OpenMetrics)", P(OM, "#"), "# alone");
	is_str("error: line 1: invalid metric type \"untyped\"",
	    P(OM, "# TYPE u untyped\n# EOF\n"), "untyped is 0.0.4 only");
	is_str("error: line 1: invalid metric type \"counter \"",
	    P(OM, "# TYPE c counter \n# EOF\n"), "blank after type");
	is_str("error: line 1: invalid metric type \" counter\"",
	    P(OM, "# TYPE c  counter\n# EOF\n"), "two spaces before type");
	is_str("error: line 1: expected metric name after TYPE, "
	    "got end of line", P(OM, "# TYPE \n# EOF\n"), "TYPE no name");
	is_str("error: line 1: expected \" \" and the TYPE text, "
	    "got end of line", P(OM, "# TYPE m\n# EOF\n"), "TYPE no type");
	is_str("error: line 1: expected \" \" and the HELP text, "
	    "got end of line", P(OM, "# HELP m\n# EOF\n"), "HELP no text");
	is_str("error: line 1: unit \"suffix\" is not a suffix of metric "
	    "metric", P(OM, "# UNIT metric suffix\n# EOF\n"), "bad unit");
	is_str("error: line 1: unit \"suffix\" is not a suffix of metric "
	    "metricsuffix", P(OM, "# UNIT metricsuffix suffix\n# EOF\n"),
	    "unit without its underscore");
	is_str("error: line 1: unit \"suffix\" is not a suffix of metric m",
	    P(OM, "# UNIT m suffix\n# EOF\n"), "unit longer than the name");
	is_str("error: line 1: expected \" \" or \"{\" after metric name, "
	    "got \"\\x09\"", P(OM, "a\t1\n# EOF\n"), "tab before the value");
	is_str("error: line 1: invalid value: \"1\\x092\"",
	    P(OM, "a 1\t2\n# EOF\n"), "tab inside the value token");
	is_str("error: line 1: expected \" \" and a value, got \"1\"",
	    P(OM, "a{b=\"c\"}1\n# EOF\n"), "no space before the value");
	is_str("error: line 1: expected value, got \" \"",
	    P(OM, "a  1\n# EOF\n"), "two spaces before the value");
	is_str("error: line 1: expected end of line or \" # {\", got \" \"",
	    P(OM, "a 1 2 \n# EOF\n"), "space after the timestamp");
	is_str("error: line 1: expected end of line or \" # {\", got \" \"",
	    P(OM, "a 1 2 #\n# EOF\n"), "# after the timestamp");
	is_str("error: line 1: expected end of line or \" # {\", got \" \"",
	    P(OM, "a 1 1 1\n# EOF\n"), "two timestamps");
	is_str("error: line 1: invalid timestamp: \"1z\"",
	    P(OM, "a 1 1z\n# EOF\n"), "bad timestamp");
	is_str("error: line 1: unsupported character in timestamp: \"1_2\"",
	    P(OM, "foo 0 1_2\n# EOF\n"), "timestamp with _");
	is_str("error: line 1: invalid timestamp: \"NaN\"",
	    P(OM, "a 1 NaN\n# EOF\n"), "NaN timestamp");
	is_str("error: line 1: invalid timestamp: \"-Inf\"",
	    P(OM, "a 1 -Inf\n# EOF\n"), "-Inf timestamp");
	is_str("error: line 1: invalid timestamp: \"Inf\"",
	    P(OM, "a 1 Inf\n# EOF\n"), "Inf timestamp");
	is_str("error: line 1: timestamp out of range: \"1e17\"",
	    P(OM, "a 1 1e17\n# EOF\n"), "timestamp beyond int64 ms");
	is_str("error: line 1: expected label name or \"}\", got \",\"",
	    P(OM, "a{,b=\"c\"} 1\n# EOF\n"), "leading comma");
	is_str("error: line 1: expected \",\" or \"}\" after label value, "
	    "got \"d\"", P(OM, "a{b=\"c\"d=\"e\"} 1\n# EOF\n"),
	    "comma needed between labels");
	is_str("error: line 1: expected label name, got \",\"",
	    P(OM, "a{b=\"c\",,d=\"e\"} 1\n# EOF\n"), "two commas");
	is_str("error: line 1: expected label name or \"}\", got \" \"",
	    P(OM, "a{ b=\"c\"} 1\n# EOF\n"), "no blanks inside braces");
	is_str("error: line 1: expected \"=\" after label name, got \" \"",
	    P(OM, "a{b =\"c\"} 1\n# EOF\n"), "no blank before =");
	is_str("error: line 1: metric name missing before \"{\"",
	    P(OM, "{b=\"c\",} 1\n# EOF\n"), "no metric name");
	is_str("error: line 1: expected label value in double quotes, "
	    "got \"'\"", P(OM, "a{b='c'} 1\n# EOF\n"), "single quotes");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(OM, "a{b=\"\xff\"} 1\n# EOF\n"), "invalid UTF-8");
	is_str("error: line 2: carriage return at the end of the line "
	    "(CRLF line endings are not accepted)",
	    P(OM, "# TYPE a gauge\na 1\r\n# EOF\n"), "CRLF");
}

static void
test_om_accepted(void)
{
	is_str("a{b=\"c\"} 1\na 2\na{b=\"\\0x\"} 3\n",
	    P(OM, "a{b=\"c\",} 1\na{} 2\na{b=\"\0x\"} 3\n# EOF\n"),
	    "trailing comma, empty braces, NUL in a value");
	is_str("go_goroutines 33 @123123 (go_goroutines gauge "
	    "\"Number of goroutines.\")\n",
	    PM(OM, "# HELP go_goroutines Number of goroutines.\n"
	    "# TYPE go_goroutines gauge\n"
	    "go_goroutines 33 123.123\n# EOF\n"),
	    "timestamps are seconds, in ms here");
	is_str("foo_total 17 @1520879607789 (foo counter \"C.\")\n"
	    "foo_created 1520872607.123 (foo counter \"C.\")\n"
	    "foo_total{a=\"b\"} 17 @1520879607789 (foo counter \"C.\")\n",
	    PM(OM, "# HELP foo C.\n# TYPE foo counter\n"
	    "foo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
	    "foo_created 1520872607.123\n"
	    "foo_total{a=\"b\"} 17.0 1520879607.789 # {id=\"x\"} 5\n"
	    "# EOF\n"),
	    "counter family foo: _total and _created samples; exemplars "
	    "skipped");
	is_str("a -1 @-1500\na 2 @0\n",
	    P(OM, "a -1 -1.5\na 2 0.0009\n# EOF\n"),
	    "negative and sub-ms timestamps truncate toward zero");
	is_str("hhh_bucket{le=\"+Inf\"} 1 (hhh histogram)\n"
	    "hhh_count 1 (hhh histogram)\n"
	    "ggh_bucket{le=\"+Inf\"} 1 (ggh gaugehistogram)\n"
	    "ggh_gcount 1 (ggh gaugehistogram)\n"
	    "ggh_gsum 1 (ggh gaugehistogram)\n"
	    "ii_info{foo=\"bar\"} 1 (ii info)\n"
	    "ss{ss=\"foo\"} 1 (ss stateset)\n"
	    "un 1 (un untyped)\n",
	    PM(OM, "# TYPE hhh histogram\n"
	    "hhh_bucket{le=\"+Inf\"} 1 # {id=\"histogram-bucket-test\"} 4\n"
	    "hhh_count 1 # {id=\"histogram-count-test\"} 4\n"
	    "# TYPE ggh gaugehistogram\n"
	    "ggh_bucket{le=\"+Inf\"} 1 # {id=\"g\",xx=\"yy\"} 4 123.123\n"
	    "ggh_gcount 1\nggh_gsum 1\n"
	    "# TYPE ii info\nii_info{foo=\"bar\"} 1\n"
	    "# TYPE ss stateset\nss{ss=\"foo\"} 1\n"
	    "# TYPE un unknown\nun 1\n# EOF\n"),
	    "OpenMetrics types and their suffixes; exemplar timestamps");
	is_str("a_seconds 1 (a_seconds gauge \"q\\\"uote\\nnl\\\\bs\" "
	    "unit=seconds)\n",
	    PM(OM, "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n"
	    "# HELP a_seconds q\\\"uote\\nnl\\\\bs\na_seconds 1\n# EOF\n"),
	    "UNIT, and HELP with OpenMetrics escapes (\\\" too)");
	is_str("a 1 (a untyped \"\")\n",
	    PM(OM, "# HELP a \n# UNIT a \na 1\n# EOF\n"),
	    "empty HELP and empty UNIT");
	is_str("fizz_created 17 (fizz_created gauge)\n",
	    PM(OM, "# TYPE fizz_created gauge\nfizz_created 17.0\n# EOF\n"),
	    "a gauge named _created is a plain gauge");
	is_str("c 1\n", P(OM, "c 1 # {} 2\n# EOF\n"),
	    "exemplar with an empty label set");
}

static void
test_om_exemplars(void)
{
	is_str("error: line 1: expected label value in double quotes, "
	    "got \"b\"", P(OM, "c_total 1 # {aa=bb}\n# EOF\n"),
	    "exemplar label value unquoted");
	is_str("error: line 1: expected \" \" and the exemplar value, "
	    "got end of line", P(OM, "c_total 1 # {aa=\"bb\"}\n# EOF\n"),
	    "exemplar without a value");
	is_str("error: line 1: expected \"=\" after label name, got \"}\"",
	    P(OM, "c_total 1 # {bb}\n# EOF\n"), "exemplar bare name");
	is_str("error: line 1: expected \"=\" after label name, got \",\"",
	    P(OM, "c_total 1 # {bb, a=\"dd\"}\n# EOF\n"),
	    "exemplar bare name then comma");
	is_str("error: line 1: expected label name, got \",\"",
	    P(OM, "c_total 1 # {aa=\"bb\",,cc=\"dd\"} 1\n# EOF\n"),
	    "exemplar two commas");
	is_str("error: line 1: unsupported character in exemplar value: "
	    "\"1_2\"", P(OM, "c_total 1 # {aa=\"bb\"} 1_2\n# EOF\n"),
	    "exemplar value with _");
	is_str("error: line 1: invalid exemplar value: \"true\"",
	    P(OM, "c_total 1 # {aa=\"bb\"} true\n# EOF\n"),
	    "exemplar value not a number");
	is_str("error: line 1: expected label value in double quotes, "
	    "got \"}\"", P(OM, "c_total 1 # {aa=\"bb\",cc=}\n# EOF\n"),
	    "exemplar label without value");
	is_str("error: line 1: invalid exemplar timestamp: \"NaN\"",
	    P(OM, "h_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 NaN\n# EOF\n"),
	    "exemplar NaN timestamp");
	is_str("error: line 1: invalid exemplar timestamp: \"-Inf\"",
	    P(OM, "h_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 -Inf\n# EOF\n"),
	    "exemplar -Inf timestamp");
	is_str("error: line 1: NUL byte in an exemplar label value",
	    P(OM, "c_total 1 # {b=\"\0ss\"} 1\n# EOF\n"),
	    "NUL in an exemplar label value (unlike a sample's)");
	is_str("error: line 1: expected end of line after the exemplar, "
	    "got \" \"", P(OM, "c_total 1 # {a=\"b\"} 1 2 3\n# EOF\n"),
	    "text after the exemplar timestamp");
	is_str("error: line 1: invalid UTF-8 in label value",
	    P(OM, "c_total 1 # {a=\"\xff\"} 1\n# EOF\n"),
	    "exemplar label values must be UTF-8 too");
}

/* Limits, hostile input, the keep filter and the caller's stop. */
static void
test_limits(void)
{
	struct buf b;
	const char *got;
	char	 want_err[128];
	int	 i;

	is_str("error: line 2: line longer than 16 bytes",
	    PX(T, "a 1\nabcdefghijklmnop 1\n", 0, NULL, 16, 0, 0),
	    "line limit (18 bytes over 16)");
	is_str("abcdefghijklmn 1\n",
	    PX(T, "abcdefghijklmn 1\n", 0, NULL, 16, 0, 0),
	    "a line of exactly the limit passes");
	is_str("error: line 1: more than 2 labels",
	    PX(T, "a{a=\"1\",b=\"2\",c=\"3\"} 1\n", 0, NULL, 0,
	    2, 0), "label limit");
	is_str("error: line 1: more than 2 labels",
	    PX(T, "a{a=\"\",b=\"\",c=\"\"} 1\n", 0, NULL, 0,
	    2, 0), "empty labels count toward the limit");

	/* a line of 1 MiB: refused at the default limit, without trouble */
	buf_init(&b, 0);
	buf_puts(&b, "a{b=\"");
	for (i = 0; i < 1024 * 1024; i++)
		buf_putc(&b, i % 2 ? '\\' : 'x');
	buf_puts(&b, "\"} 1\n");
	snprintf(want_err, sizeof(want_err),
	    "error: line 1: line longer than %d bytes", PROMTEXT_MAX_LINE);
	is_str(want_err, parse(T, b.b_data, b.b_len), "1 MiB line refused");
	is_str(want_err, parse(OM, b.b_data, b.b_len),
	    "1 MiB line refused (OpenMetrics)");

	/* many labels: duplicate found by hashing, order kept */
	buf_reset(&b);
	buf_puts(&b, "a{");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "l%d=\"%d\",", i, i);
	buf_puts(&b, "} 1\n");
	got = parse(T, b.b_data, b.b_len);
	ok(strncmp(got, "a{l0=\"0\",l1=\"1\",", 16) == 0 &&
	    strstr(got, ",l99=\"99\"} 1\n") != NULL,
	    "100 distinct labels accepted in order");
	buf_reset(&b);
	buf_puts(&b, "a{");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "l%d=\"%d\",", i, i);
	buf_puts(&b, "l57=\"x\"} 1\n");
	is_str("error: line 1: duplicate label name \"l57\"",
	    parse(T, b.b_data, b.b_len), "duplicate among 101 labels");
	buf_reset(&b);
	buf_puts(&b, "a{");
	for (i = 0; i < 129; i++)
		buf_printf(&b, "l%d=\"x\",", i);
	buf_puts(&b, "} 1\n");
	is_str("error: line 1: more than 128 labels",
	    parse(T, b.b_data, b.b_len), "default label limit 128");

	/* escaped values on lines that grow: the scratch space follows */
	buf_reset(&b);
	buf_puts(&b, "a{b=\"\\\\\"} 1\na{b=\"");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "\\\"");
	buf_puts(&b, "\",c=\"\\n\"} 2\n");
	/* the rendering escapes again: the same text comes back */
	is_str(b.b_data, parse(T, b.b_data, b.b_len),
	    "unescaped values of a short then a long line");

	/* many short lines of garbage: first one rejects */
	buf_reset(&b);
	for (i = 0; i < 10000; i++)
		buf_puts(&b, "a{\"\"\"\"\"\"\"\"}\n");
	is_str("error: line 1: quoted label names are not supported",
	    parse(T, b.b_data, b.b_len), "garbage rejected at its first line");
	buf_release(&b);
}

static int
want_count(void *arg, const struct promtext_sample *ps)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_filter(void)
{
	struct promtext_opts po;
	char	 err[PROMTEXT_ERRMAX];
	int	 n = 0;

	is_str("b 2\n", PX(T, "a{x=\"\\\\\"} 1\nb 2\na 3\n", 0,
	    "a", 0, 0, 0), "want drops a by name, before unescaping");
	is_str("error: line 2: duplicate label name \"x\"",
	    PX(T, "b 1\na{x=\"1\",x=\"2\"} 1\n", 0, "a", 0, 0, 0),
	    "a dropped sample is still checked: the verdict does not "
	    "depend on want");
	is_str("error: line 1: invalid UTF-8 in label value",
	    PX(T, "a{x=\"\xff\"} 1\n", 0, "a", 0, 0, 0),
	    "a dropped sample's UTF-8 is still checked");
	is_str("error: line 2: stopped by the caller",
	    PX(T, "a 1\nb 2\nc 3\n", 0, NULL, 0, 0, 2),
	    "the sample callback stops the parse");

	memset(&po, 0, sizeof(po));
	po.po_format = PROMTEXT_TEXT;
	po.po_want = want_count;
	po.po_arg = &n;
	is_int(0, promtext_parse("a 1\nb 2\n", 8, &po, err, sizeof(err)),
	    "validation only (no sample callback) succeeds");
	is_int(0, n, "  and asks want nothing");
	is_int(-1, promtext_parse("a 1\nb\n", 6, &po, err, sizeof(err)),
	    "validation only fails a bad body");
	is_str("line 2: expected value, got end of line", err,
	    "  with its reason");
	is_int(-1, promtext_parse("b\n", 2, &po, err, 12),
	    "a short error buffer");
	is_str("line 1: exp", err, "  gets a truncated reason");
}

/* What expo writes, promtext reads back. */
static void
test_roundtrip(void)
{
	static const char value[] =
	    "q\"uote \\back\\nslash\nline\ttab \xc3\xa9";
	struct buf b;

	buf_init(&b, 0);
	buf_puts(&b, "# HELP r Round trip.\n# TYPE r gauge\nr{v=\"");
	labels_escape(&b, value, sizeof(value) - 1);
	buf_puts(&b, "\"} ");
	expo_value(&b, 0.1);
	buf_puts(&b, "\n");
	is_str("r{v=\"q\\\"uote \\\\back\\\\nslash\\nline\ttab \xc3\xa9\"} 0.1 "
	    "(r gauge \"Round trip.\")\n", parse_meta(T, b.b_data, b.b_len),
	    "labels_escape and expo_value read back exactly");
	buf_release(&b);
}

static void
test_format_of(void)
{
	is_int(PROMTEXT_TEXT,
	    promtext_format_of("text/plain; version=0.0.4; charset=utf-8"),
	    "text/plain with parameters");
	is_int(PROMTEXT_TEXT, promtext_format_of("text/plain"), "text/plain");
	is_int(PROMTEXT_OPENMETRICS, promtext_format_of(
	    "application/openmetrics-text; version=1.0.0; charset=utf-8"),
	    "OpenMetrics");
	is_int(PROMTEXT_OPENMETRICS,
	    promtext_format_of(" Application/OpenMetrics-Text;version=0.0.1"),
	    "media type case-insensitive");
	is_int(-1, promtext_format_of(""), "blank Content-Type");
	is_int(-1, promtext_format_of(NULL), "no Content-Type");
	is_int(-1, promtext_format_of("application/json"), "JSON");
	is_int(-1, promtext_format_of("application/vnd.google.protobuf; "
	    "proto=io.prometheus.client.MetricFamily; encoding=delimited"),
	    "the protobuf format is not read");
	is_int(-1, promtext_format_of("text/plainx"), "text/plainx");
	is_str("untyped", promtext_type_name(PROMTEXT_UNTYPED), "type names");
	is_str("gaugehistogram", promtext_type_name(PROMTEXT_GAUGEHISTOGRAM),
	    "  gaugehistogram");
}

int
main(void)
{
	plan(211);
	test_text_accepted();
	test_text_values();
	test_text_rejected();
	test_text_nul_crlf();
	test_text_meta();
	test_om();
	test_om_accepted();
	test_om_exemplars();
	test_limits();
	test_filter();
	test_roundtrip();
	test_format_of();
	return done_testing();
}
