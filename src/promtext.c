/* promtext.c -- Prometheus text 0.0.4 and OpenMetrics 1.0 exposition parser */

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

/*
 * One pass over the body, a line at a time (memchr for the LF), with a
 * hand-written scanner per format that follows prometheus/prometheus
 * model/textparse: promlex.l + promparse.go for text 0.0.4 and
 * openmetricslex.l + openmetricsparse.go for OpenMetrics.  In short:
 *
 * text 0.0.4: blanks (space, tab) between all tokens and around the line;
 * blank lines and comments other than "# HELP name text" and
 * "# TYPE name type" are skipped; labels may go without a comma between
 * them and with one after the last; the timestamp is [0-9]+ milliseconds;
 * a missing final LF is fine.
 *
 * OpenMetrics: no blank lines, no other comments, exactly one space
 * between tokens and none inside braces; a comma between labels; "# UNIT";
 * timestamps are seconds (float), turned into milliseconds by truncation as
 * Prometheus does; " # {labels} value [timestamp]" after a sample is an
 * exemplar, checked and skipped; the last line is "# EOF".
 *
 * Both: values are what Go's strconv.ParseFloat takes, minus the p, P and _
 * Prometheus refuses; label values are quoted, unescaped (\\ \" \n) and
 * must be valid UTF-8; duplicate label names are an error once empty values
 * are dropped (tsdb's getOrCreate).
 *
 * Nothing is allocated per sample: a line's labels are spans into the body
 * in one array, and only values holding a backslash are copied (unescaped)
 * into one scratch buffer, grown to the longest such line.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "promtext.h"
#include "util.h"
#include "xmalloc.h"

/* Character classes of the lexers. */
#define C_MSTART	0x01	/* [a-zA-Z_:] metric name, first */
#define C_MNAME		0x02	/* [a-zA-Z0-9_:] */
#define C_LSTART	0x04	/* [a-zA-Z_] label name, first */
#define C_LNAME		0x08	/* [a-zA-Z0-9_] */
#define C_BLANK		0x10	/* space, tab */
#define C_LVSTOP	0x20	/* ends the fast scan of a label value */
#define C_DIGIT		0x40

#define C_ALPHA		(C_MSTART | C_MNAME | C_LSTART | C_LNAME)

static const unsigned char cclass[256] = {
	['a' ... 'z'] = C_ALPHA,
	['A' ... 'Z'] = C_ALPHA,
	['_'] = C_ALPHA,
	[':'] = C_MSTART | C_MNAME,
	['0' ... '9'] = C_MNAME | C_LNAME | C_DIGIT,
	[' '] = C_BLANK,
	['\t'] = C_BLANK,
	['"'] = C_LVSTOP,
	['\\'] = C_LVSTOP,
	[0x80 ... 0xff] = C_LVSTOP,
};

#define IS(c, cl)	(cclass[(unsigned char)(c)] & (cl))
#define MINIMUM(a, b)	((a) < (b) ? (a) : (b))

/* Above this many labels duplicates are found by hashing, not pairwise. */
#define PAIRWISE_MAX	16

/* The metadata lines seen last: the family they describe. */
struct family {
	const char		*fa_name;	/* NULL: none yet */
	size_t			 fa_namelen;
	enum promtext_type	 fa_type;
	const char		*fa_help;
	size_t			 fa_helplen;
	const char		*fa_unit;
	size_t			 fa_unitlen;
	char			*fa_helpbuf;	/* unescaped HELP */
	size_t			 fa_helpsize;
};

struct parser {
	const struct promtext_opts *pa_opts;
	int			 pa_om;		/* OpenMetrics */
	size_t			 pa_max_line;
	size_t			 pa_max_labels;
	size_t			 pa_line;
	struct family		 pa_fam;
	struct promtext_label	*pa_labels;	/* [pa_max_labels] */
	unsigned char		*pa_escaped;	/* value holds a backslash */
	uint32_t		*pa_slots;	/* duplicate check, 0 = free */
	size_t			 pa_nslots;	/* power of two */
	size_t			 pa_linelen;	/* of the current line */
	char			*pa_scratch;	/* unescaped values */
	size_t			 pa_scratchsize;
	char			*pa_num;	/* a number for strtod */
	size_t			 pa_numsize;
	char			*pa_err;
	size_t			 pa_errsz;
};

static int	perr(struct parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *pa, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (pa->pa_errsz == 0)
		return -1;
	n = snprintf(pa->pa_err, pa->pa_errsz, "line %zu: ", pa->pa_line);
	if (n < 0 || (size_t)n >= pa->pa_errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pa->pa_err + n, pa->pa_errsz - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* s quoted for a message: at most 32 bytes, unprintables as \xHH. */
static const char *
excerpt(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	i, o = 0;
	unsigned char c;

	out[o++] = '"';
	for (i = 0; i < n && i < 32 && o + 10 < outsz; i++) {
		c = s[i];
		if (c == '"' || c == '\\')
			o += snprintf(out + o, outsz - o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			out[o++] = c;
		else if (c == '\r')
			o += snprintf(out + o, outsz - o, "\\r");
		else
			o += snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	out[o++] = '"';
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* "expected WHAT, got X": what the line has at p instead. */
static int
expected(struct parser *pa, const char *what, const char *p, const char *eol)
{
	char	got[64];

	if (p == eol)
		return perr(pa, "expected %s, got end of line", what);
	return perr(pa, "expected %s, got %s", what,
	    excerpt(p, 1, got, sizeof(got)));
}

static const char *
skip_blanks(const char *p, const char *eol)
{
	while (p < eol && IS(*p, C_BLANK))
		p++;
	return p;
}

/*
 * Copy n bytes of s to dst turning \\ \n (and \" if quote) into the byte
 * they stand for; any other backslash stays.  Returns the length written.
 */
static size_t
unescape(char *dst, const char *s, size_t n, int quote)
{
	const char *end = s + n;
	char	*d = dst;

	while (s < end) {
		if (*s != '\\' || s + 1 == end) {
			*d++ = *s++;
			continue;
		}
		if (s[1] == '\\' || (quote && s[1] == '"')) {
			*d++ = s[1];
			s += 2;
		} else if (s[1] == 'n') {
			*d++ = '\n';
			s += 2;
		} else
			*d++ = *s++;
	}
	return d - dst;
}

/* Numbers */

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Does s (n bytes) equal lower, ignoring case? */
static int
eq_nocase(const char *s, size_t n, const char *lower)
{
	return strlen(lower) == n && strncasecmp(s, lower, n) == 0;
}

/*
 * A float as Go's strconv.ParseFloat reads it, without p, P and _ (so no
 * hex floats and no digit separators; Prometheus refuses them): [+-]
 * digits with at most one '.', at least one digit, an optional exponent;
 * or [+-]inf, [+-]infinity, nan in any case.  Returns 0, -1 for bad syntax,
 * -2 when out of range (beyond +-DBL_MAX; an underflow is 0 or subnormal,
 * as in Go).  Exact in one multiplication or division when the digits fit
 * 53 bits and the power of ten is at most 22 (Clinger's fast path, the
 * common case); strtod otherwise, on a C-locale process (vantage never
 * calls setlocale).
 */
static int
parse_float(struct parser *pa, const char *s, size_t n, double *vp)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	int64_t	 e10 = 0, ex;
	int	 neg = 0, nd = 0, trunc = 0, digits = 0, dot = 0, eneg;
	double	 v;

	if (p < end && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	if (p < end && (*p == 'i' || *p == 'I' || *p == 'n' || *p == 'N')) {
		if (eq_nocase(p, end - p, "inf") ||
		    eq_nocase(p, end - p, "infinity")) {
			*vp = neg ? -INFINITY : INFINITY;
			return 0;
		}
		if (p == s && eq_nocase(p, end - p, "nan")) {
			*vp = NAN;
			return 0;
		}
		return -1;
	}
	for (; p < end; p++) {
		if (IS(*p, C_DIGIT)) {
			digits = 1;
			if (*p == '0' && nd == 0) {
				if (dot)
					e10--;
			} else if (nd < 19) {
				m = m * 10 + (*p - '0');
				nd++;
				if (dot)
					e10--;
			} else {
				if (*p != '0')
					trunc = 1;
				if (!dot)
					e10++;
			}
		} else if (*p == '.' && !dot)
			dot = 1;
		else
			break;
	}
	if (!digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		eneg = 0;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !IS(*p, C_DIGIT))
			return -1;
		for (ex = 0; p < end && IS(*p, C_DIGIT); p++)
			if (ex < 1000000)
				ex = ex * 10 + (*p - '0');
		e10 += eneg ? -ex : ex;
	}
	if (p != end)
		return -1;
	if (m == 0) {
		*vp = neg ? -0.0 : 0.0;
		return 0;
	}
	if (!trunc && m <= (1ULL << 53) && e10 >= -22 && e10 <= 22) {
		v = (double)m;
		v = e10 < 0 ? v / pow10tab[-e10] : v * pow10tab[e10];
		*vp = neg ? -v : v;
		return 0;
	}
	if (n + 1 > pa->pa_numsize) {
		pa->pa_numsize = n + 1 < 64 ? 64 : n + 1;
		free(pa->pa_num);
		pa->pa_num = xmalloc(pa->pa_numsize);
	}
	memcpy(pa->pa_num, s, n);
	pa->pa_num[n] = '\0';
	errno = 0;
	v = strtod(pa->pa_num, NULL);
	if (errno == ERANGE && isinf(v))
		return -2;
	*vp = v;
	return 0;
}

/* parse_float with the error reported for the thing named what. */
static int
get_float(struct parser *pa, const char *what, const char *s, size_t n,
    double *vp)
{
	char	ex[160];
	int	rv;

	if ((rv = parse_float(pa, s, n, vp)) == 0)
		return 0;
	excerpt(s, n, ex, sizeof(ex));
	if (rv == -2)
		return perr(pa, "%s out of range: %s", what, ex);
	if (memchr(s, 'p', n) != NULL || memchr(s, 'P', n) != NULL ||
	    memchr(s, '_', n) != NULL)
		return perr(pa, "unsupported character in %s: %s", what, ex);
	return perr(pa, "invalid %s: %s", what, ex);
}

/* An OpenMetrics timestamp: float seconds to int64 milliseconds. */
static int
get_om_ts(struct parser *pa, const char *what, const char *s, size_t n,
    int64_t *tsp)
{
	char	ex[160];
	double	v;

	if (get_float(pa, what, s, n, &v) == -1)
		return -1;
	v *= 1000;
	if (isnan(v) || isinf(v))
		return perr(pa, "invalid %s: %s", what, excerpt(s, n, ex,
		    sizeof(ex)));
	if (!(v > -9223372036854775808.0 && v < 9223372036854775808.0))
		return perr(pa, "%s out of range: %s", what, excerpt(s, n, ex,
		    sizeof(ex)));
	*tsp = (int64_t)v;
	return 0;
}

/* Metadata */

static const struct {
	const char		*name;
	enum promtext_type	 type;
	int			 om;	/* 0 text, 1 OpenMetrics, 2 both */
} types[] = {
	{ "counter", PROMTEXT_COUNTER, 2 },
	{ "gauge", PROMTEXT_GAUGE, 2 },
	{ "histogram", PROMTEXT_HISTOGRAM, 2 },
	{ "summary", PROMTEXT_SUMMARY, 2 },
	{ "untyped", PROMTEXT_UNTYPED, 0 },
	{ "unknown", PROMTEXT_UNTYPED, 1 },
	{ "gaugehistogram", PROMTEXT_GAUGEHISTOGRAM, 1 },
	{ "info", PROMTEXT_INFO, 1 },
	{ "stateset", PROMTEXT_STATESET, 1 },
};

const char *
promtext_type_name(enum promtext_type t)
{
	size_t	i;

	for (i = 0; i < nitems(types); i++)
		if (types[i].type == t)
			return types[i].name;
	return "untyped";
}

/* The sample-name suffixes a family of type t has besides its own name. */
static int
family_suffix(enum promtext_type t, const char *s, size_t n)
{
	static const char *const counter[] = { "_total", "_created", NULL };
	static const char *const histogram[] = { "_bucket", "_count", "_sum",
	    "_created", NULL };
	static const char *const gaugehistogram[] = { "_bucket", "_gcount",
	    "_gsum", NULL };
	static const char *const summary[] = { "_count", "_sum", "_created",
	    NULL };
	static const char *const info[] = { "_info", NULL };
	const char *const *sx;

	switch (t) {
	case PROMTEXT_COUNTER:
		sx = counter;
		break;
	case PROMTEXT_HISTOGRAM:
		sx = histogram;
		break;
	case PROMTEXT_GAUGEHISTOGRAM:
		sx = gaugehistogram;
		break;
	case PROMTEXT_SUMMARY:
		sx = summary;
		break;
	case PROMTEXT_INFO:
		sx = info;
		break;
	default:
		return 0;
	}
	for (; *sx != NULL; sx++)
		if (strlen(*sx) == n && memcmp(*sx, s, n) == 0)
			return 1;
	return 0;
}

/* Make name the current family (a new one unless it is already). */
static struct family *
family_get(struct parser *pa, const char *name, size_t len)
{
	struct family *fa = &pa->pa_fam;

	if (fa->fa_name != NULL && fa->fa_namelen == len &&
	    memcmp(fa->fa_name, name, len) == 0)
		return fa;
	fa->fa_name = name;
	fa->fa_namelen = len;
	fa->fa_type = PROMTEXT_UNTYPED;
	fa->fa_help = fa->fa_unit = NULL;
	fa->fa_helplen = fa->fa_unitlen = 0;
	return fa;
}

static void
family_help(struct parser *pa, const char *text, size_t n)
{
	struct family *fa = &pa->pa_fam;

	if (memchr(text, '\\', n) == NULL) {
		fa->fa_help = text;
		fa->fa_helplen = n;
		return;
	}
	if (n > fa->fa_helpsize) {
		free(fa->fa_helpbuf);
		fa->fa_helpbuf = xmalloc(n);
		fa->fa_helpsize = n;
	}
	fa->fa_helplen = unescape(fa->fa_helpbuf, text, n, pa->pa_om);
	fa->fa_help = fa->fa_helpbuf;
}

/* Fill in the family fields of a sample from its name. */
static void
family_match(struct parser *pa, struct promtext_sample *ps)
{
	const struct family *fa = &pa->pa_fam;

	if (fa->fa_name != NULL && ps->ps_namelen >= fa->fa_namelen &&
	    memcmp(ps->ps_name, fa->fa_name, fa->fa_namelen) == 0 &&
	    (ps->ps_namelen == fa->fa_namelen ||
	    family_suffix(fa->fa_type, ps->ps_name + fa->fa_namelen,
	    ps->ps_namelen - fa->fa_namelen))) {
		ps->ps_family = fa->fa_name;
		ps->ps_familylen = fa->fa_namelen;
		ps->ps_type = fa->fa_type;
		ps->ps_help = fa->fa_help;
		ps->ps_helplen = fa->fa_helplen;
		ps->ps_unit = fa->fa_unit;
		ps->ps_unitlen = fa->fa_unitlen;
		return;
	}
	ps->ps_family = ps->ps_name;
	ps->ps_familylen = ps->ps_namelen;
	ps->ps_type = PROMTEXT_UNTYPED;
	ps->ps_help = ps->ps_unit = NULL;
	ps->ps_helplen = ps->ps_unitlen = 0;
}

/*
 * The rest of a HELP, TYPE or UNIT line from the metric name on (kind is
 * the keyword).  Text 0.0.4 takes any blanks before the name and one after
 * it, OpenMetrics exactly one space each.
 */
static int
meta_line(struct parser *pa, const char *kind, const char *p,
    const char *eol)
{
	struct family *fa;
	const char *name, *text;
	char	ex[160], what[40];
	size_t	namelen, n, i;

	snprintf(what, sizeof(what), "metric name after %s", kind);
	if (p < eol && *p == '"')
		return perr(pa, "quoted metric names are not supported");
	if (p == eol || !IS(*p, C_MSTART))
		return expected(pa, what, p, eol);
	for (name = p++; p < eol && IS(*p, C_MNAME); p++)
		continue;
	namelen = p - name;
	if (pa->pa_om) {
		if (p == eol || *p != ' ') {
			snprintf(what, sizeof(what), "\" \" and the %s text",
			    kind);
			return expected(pa, what, p, eol);
		}
		text = p + 1;
	} else {
		if (p < eol && !IS(*p, C_BLANK))
			return expected(pa, "a blank after the metric name", p,
			    eol);
		/* promlex: all blanks are whitespace, else one is dropped */
		text = skip_blanks(p, eol) == eol ? eol : p + 1;
	}
	n = eol - text;

	fa = family_get(pa, name, namelen);
	if (kind[0] == 'T') {
		for (i = 0; i < nitems(types); i++)
			if ((types[i].om == 2 || types[i].om == pa->pa_om) &&
			    strlen(types[i].name) == n &&
			    memcmp(types[i].name, text, n) == 0)
				break;
		if (i == nitems(types))
			return perr(pa, "invalid metric type %s",
			    excerpt(text, n, ex, sizeof(ex)));
		fa->fa_type = types[i].type;
	} else if (kind[0] == 'H') {
		if (!utf8_valid(text, n))
			return perr(pa, "HELP text is not valid UTF-8");
		family_help(pa, text, n);
	} else {
		if (n > 0 && (namelen < n + 1 ||
		    memcmp(name + namelen - n, text, n) != 0 ||
		    name[namelen - n - 1] != '_'))
			return perr(pa, "unit %s is not a suffix of "
			    "metric %.*s", excerpt(text, n, ex, sizeof(ex)),
			    (int)MINIMUM(namelen, 64), name);
		fa->fa_unit = n > 0 ? text : NULL;
		fa->fa_unitlen = n;
	}
	return 0;
}

/* Samples */

/*
 * Labels from just after '{' to just after '}'.  Into pa_labels unless
 * this is an exemplar's label set, which is only checked.
 */
static int
parse_labels(struct parser *pa, const char **pp, const char *eol,
    size_t *nlabelsp, int exemplar)
{
	struct promtext_label *lb;
	const char *p = *pp, *name, *v;
	size_t	 n = 0, namelen;
	int	 om = pa->pa_om, esc, hi;

	for (;;) {
		if (!om)
			p = skip_blanks(p, eol);
		if (p < eol && *p == '}')
			break;
		if (p < eol && *p == '"')
			return perr(pa, "quoted label names are not supported");
		if (p == eol || !IS(*p, C_LSTART))
			return expected(pa, n == 0 ? "label name or \"}\"" :
			    "label name", p, eol);
		for (name = p++; p < eol && IS(*p, C_LNAME); p++)
			continue;
		namelen = p - name;
		if (!om)
			p = skip_blanks(p, eol);
		if (p == eol || *p != '=')
			return expected(pa, "\"=\" after label name", p, eol);
		p++;
		if (!om)
			p = skip_blanks(p, eol);
		if (p == eol || *p != '"')
			return expected(pa, "label value in double quotes", p,
			    eol);
		v = ++p;
		esc = hi = 0;
		for (;;) {
			while (p < eol && !IS(*p, C_LVSTOP))
				p++;
			if (p == eol)
				return perr(pa, "unterminated label value");
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (++p == eol)
					return perr(pa,
					    "unterminated label value");
				esc = 1;
			}
			if ((unsigned char)*p >= 0x80)
				hi = 1;
			p++;
		}
		if (hi && !utf8_valid(v, p - v))
			return perr(pa, "invalid UTF-8 in label value");
		if (exemplar) {
			if (memchr(v, '\0', p - v) != NULL)
				return perr(pa, "NUL byte in an exemplar "
				    "label value");
		} else {
			if (n == pa->pa_max_labels)
				return perr(pa, "more than %zu labels",
				    pa->pa_max_labels);
			lb = &pa->pa_labels[n];
			lb->pl_name = name;
			lb->pl_namelen = namelen;
			lb->pl_value = v;
			lb->pl_valuelen = p - v;
			pa->pa_escaped[n] = esc;
		}
		n++;
		p++;
		if (!om) {
			p = skip_blanks(p, eol);
			if (p < eol && *p == ',')
				p++;
		} else if (p < eol && *p == ',')
			p++;
		else if (p == eol || *p != '}')
			return expected(pa, "\",\" or \"}\" after label value",
			    p, eol);
	}
	*pp = p + 1;
	*nlabelsp = exemplar ? 0 : n;
	return 0;
}

static int
same_name(const struct promtext_label *a, const struct promtext_label *b)
{
	return a->pl_namelen == b->pl_namelen &&
	    memcmp(a->pl_name, b->pl_name, a->pl_namelen) == 0;
}

/*
 * Labels with a value must have distinct names, none __name__ (the metric
 * name is that label).  Pairwise for few labels, an open-addressing table
 * for many: bounded work whatever the line.
 */
static int
check_dups(struct parser *pa, size_t n)
{
	const struct promtext_label *lb = pa->pa_labels;
	uint32_t h;
	size_t	 i, j, mask = pa->pa_nslots - 1;

	for (i = 0; i < n; i++) {
		if (lb[i].pl_valuelen == 0)
			continue;
		if (lb[i].pl_namelen == 8 &&
		    memcmp(lb[i].pl_name, "__name__", 8) == 0)
			goto dup;
		if (n > PAIRWISE_MAX)
			continue;
		for (j = 0; j < i; j++)
			if (lb[j].pl_valuelen > 0 && same_name(&lb[i], &lb[j]))
				goto dup;
	}
	if (n <= PAIRWISE_MAX)
		return 0;
	memset(pa->pa_slots, 0, pa->pa_nslots * sizeof(*pa->pa_slots));
	for (i = 0; i < n; i++) {
		if (lb[i].pl_valuelen == 0)
			continue;
		h = fnv1a32(lb[i].pl_name, lb[i].pl_namelen);
		for (j = h & mask; pa->pa_slots[j] != 0; j = (j + 1) & mask)
			if (same_name(&lb[i], &lb[pa->pa_slots[j] - 1]))
				goto dup;
		pa->pa_slots[j] = i + 1;
	}
	return 0;
dup:
	return perr(pa, "duplicate label name \"%.*s\"",
	    (int)MINIMUM(lb[i].pl_namelen, 64), lb[i].pl_name);
}

/* An OpenMetrics token: after one space, up to the next space or the end. */
static const char *
om_token(const char *p, const char *eol)
{
	while (p < eol && *p != ' ')
		p++;
	return p;
}

static int
om_exemplar_start(const char *p, const char *eol)
{
	return eol - p >= 4 && memcmp(p, " # {", 4) == 0;
}

/*
 * OpenMetrics, what may follow a sample's value: [" " timestamp] and
 * [" # {" labels "} " value [" " timestamp]], the exemplar checked and
 * dropped.
 */
static int
om_tail(struct parser *pa, const char *p, const char *eol,
    struct promtext_sample *ps)
{
	const char *tok;
	size_t	 n;
	double	 ev;
	int64_t	 ets;

	if (p < eol && !om_exemplar_start(p, eol)) {
		tok = ++p;
		if ((p = om_token(p, eol)) == tok)
			return expected(pa, "timestamp", p, eol);
		if (get_om_ts(pa, "timestamp", tok, p - tok, &ps->ps_ts) == -1)
			return -1;
		ps->ps_has_ts = 1;
	}
	if (p == eol)
		return 0;
	if (!om_exemplar_start(p, eol))
		return expected(pa, "end of line or \" # {\"", p, eol);
	p += 4;
	if (parse_labels(pa, &p, eol, &n, 1) == -1)
		return -1;
	if (p == eol || *p != ' ')
		return expected(pa, "\" \" and the exemplar value", p, eol);
	tok = ++p;
	if ((p = om_token(p, eol)) == tok)
		return expected(pa, "exemplar value", p, eol);
	if (get_float(pa, "exemplar value", tok, p - tok, &ev) == -1)
		return -1;
	if (p == eol)
		return 0;
	tok = ++p;
	if ((p = om_token(p, eol)) == tok)
		return expected(pa, "exemplar timestamp", p, eol);
	if (get_om_ts(pa, "exemplar timestamp", tok, p - tok, &ets) == -1)
		return -1;
	if (p < eol)
		return expected(pa, "end of line after the exemplar", p, eol);
	return 0;
}

/* Text 0.0.4, what may follow a sample's value: [blanks timestamp] blanks. */
static int
text_tail(struct parser *pa, const char *p, const char *eol,
    struct promtext_sample *ps)
{
	int64_t	ts = 0;
	int	d;

	if ((p = skip_blanks(p, eol)) == eol)
		return 0;
	if (!IS(*p, C_DIGIT))
		return expected(pa, "timestamp or end of line", p, eol);
	for (; p < eol && IS(*p, C_DIGIT); p++) {
		d = *p - '0';
		if (ts > (INT64_MAX - d) / 10)
			return perr(pa, "timestamp out of range");
		ts = ts * 10 + d;
	}
	if ((p = skip_blanks(p, eol)) < eol)
		return expected(pa, "end of line after timestamp", p, eol);
	ps->ps_ts = ts;
	ps->ps_has_ts = 1;
	return 0;
}

/* Hand a finished sample to the caller: drop empty values, unescape. */
static int
deliver(struct parser *pa, struct promtext_sample *ps, size_t nlabels)
{
	const struct promtext_opts *po = pa->pa_opts;
	struct promtext_label *lb;
	char	*scratch;
	size_t	 i, k;

	/* unescaped values are shorter than the line they are on */
	if (pa->pa_scratchsize < pa->pa_linelen &&
	    memchr(pa->pa_escaped, 1, nlabels) != NULL) {
		pa->pa_scratchsize = pa->pa_linelen > 2 * pa->pa_scratchsize ?
		    pa->pa_linelen : 2 * pa->pa_scratchsize;
		free(pa->pa_scratch);
		pa->pa_scratch = xmalloc(pa->pa_scratchsize);
	}
	scratch = pa->pa_scratch;
	for (i = k = 0; i < nlabels; i++) {
		lb = &pa->pa_labels[i];
		if (lb->pl_valuelen == 0)
			continue;
		if (pa->pa_escaped[i]) {
			lb->pl_valuelen = unescape(scratch, lb->pl_value,
			    lb->pl_valuelen, 1);
			lb->pl_value = scratch;
			scratch += lb->pl_valuelen;
		}
		pa->pa_labels[k++] = *lb;
	}
	ps->ps_labels = pa->pa_labels;
	ps->ps_nlabels = k;
	if (po->po_sample(po->po_arg, ps) == -1)
		return perr(pa, "stopped by the caller");
	return 0;
}

/* A sample line from its first byte (not blank, not '#'). */
static int
sample_line(struct parser *pa, const char *p, const char *eol)
{
	const struct promtext_opts *po = pa->pa_opts;
	struct promtext_sample ps;
	const char *tok, *q;
	size_t	 nlabels = 0;
	int	 om = pa->pa_om, keep;

	if (eol[-1] == '\r')
		return perr(pa, "carriage return at the end of the line "
		    "(CRLF line endings are not accepted)");
	if (*p == '{') {
		q = om ? p + 1 : skip_blanks(p + 1, eol);
		if (q < eol && *q == '"')
			return perr(pa, "quoted metric names are not "
			    "supported");
		return perr(pa, "metric name missing before \"{\"");
	}
	if (!IS(*p, C_MSTART))
		return expected(pa, "metric name", p, eol);
	memset(&ps, 0, sizeof(ps));
	ps.ps_line = pa->pa_line;
	for (ps.ps_name = p++; p < eol && IS(*p, C_MNAME); p++)
		continue;
	ps.ps_namelen = p - ps.ps_name;
	if (p < eol && *p != '{' && !(om ? *p == ' ' : IS(*p, C_BLANK)))
		return expected(pa, om ? "\" \" or \"{\" after metric name" :
		    "a blank or \"{\" after metric name", p, eol);
	family_match(pa, &ps);
	keep = po->po_sample != NULL &&
	    (po->po_want == NULL || po->po_want(po->po_arg, &ps) != 0);

	if (!om)
		p = skip_blanks(p, eol);
	if (p < eol && *p == '{') {
		p++;
		if (parse_labels(pa, &p, eol, &nlabels, 0) == -1)
			return -1;
	}
	if (om) {
		if (p == eol || *p != ' ')
			return expected(pa, "\" \" and a value", p, eol);
		tok = ++p;
		p = om_token(p, eol);
	} else {
		tok = p = skip_blanks(p, eol);
		while (p < eol && !IS(*p, C_BLANK) && *p != '{')
			p++;
	}
	if (p == tok)
		return expected(pa, "value", p, eol);
	if (get_float(pa, "value", tok, p - tok, &ps.ps_value) == -1)
		return -1;
	if ((om ? om_tail(pa, p, eol, &ps) : text_tail(pa, p, eol, &ps)) == -1)
		return -1;
	if (check_dups(pa, nlabels) == -1)
		return -1;
	return keep ? deliver(pa, &ps, nlabels) : 0;
}

/* Text 0.0.4: a line from its first byte that is not a blank. */
static int
text_line(struct parser *pa, const char *p, const char *eol)
{
	if (*p != '#')
		return sample_line(pa, p, eol);
	/* "#" then blanks then HELP or TYPE then blanks, else a comment */
	if (++p == eol || !IS(*p, C_BLANK))
		return 0;
	p = skip_blanks(p, eol);
	if (eol - p < 5 || !IS(p[4], C_BLANK))
		return 0;
	if (memcmp(p, "HELP", 4) == 0)
		return meta_line(pa, "HELP", skip_blanks(p + 4, eol), eol);
	if (memcmp(p, "TYPE", 4) == 0)
		return meta_line(pa, "TYPE", skip_blanks(p + 4, eol), eol);
	return 0;
}

/* OpenMetrics: a line; *eofp set on "# EOF". */
static int
om_line(struct parser *pa, const char *p, const char *eol, int *eofp)
{
	static const char *const kinds[] = { "HELP", "TYPE", "UNIT" };
	size_t	i;

	if (p == eol)
		return perr(pa, "empty line (not allowed in OpenMetrics)");
	if (*p != '#')
		return sample_line(pa, p, eol);
	if (eol - p >= 5 && memcmp(p, "# EOF", 5) == 0) {
		if (eol - p > 5)
			return perr(pa, "unexpected data after # EOF");
		*eofp = 1;
		return 0;
	}
	for (i = 0; i < nitems(kinds); i++)
		if (eol - p >= 7 && memcmp(p, "# ", 2) == 0 &&
		    memcmp(p + 2, kinds[i], 4) == 0 && p[6] == ' ')
			return meta_line(pa, kinds[i], p + 7, eol);
	return perr(pa, "comment other than # HELP, # TYPE, # UNIT or # EOF "
	    "(not allowed in OpenMetrics)");
}

int
promtext_parse(const char *body, size_t len, const struct promtext_opts *po,
    char *err, size_t errsz)
{
	struct parser pa;
	const char *p, *end, *eol, *nl;
	int	 rv = -1, eof = 0;

	if (len == 0)
		body = "";
	p = body;
	end = body + len;
	memset(&pa, 0, sizeof(pa));
	pa.pa_opts = po;
	pa.pa_om = po->po_format == PROMTEXT_OPENMETRICS;
	pa.pa_max_line = po->po_max_line != 0 ? po->po_max_line :
	    PROMTEXT_MAX_LINE;
	pa.pa_max_labels = po->po_max_labels != 0 ? po->po_max_labels :
	    PROMTEXT_MAX_LABELS;
	pa.pa_err = err;
	pa.pa_errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
	pa.pa_labels = xcalloc(pa.pa_max_labels, sizeof(*pa.pa_labels));
	pa.pa_escaped = xcalloc(pa.pa_max_labels, 1);
	if (pa.pa_max_labels > PAIRWISE_MAX) {
		for (pa.pa_nslots = 64; pa.pa_nslots < 2 * pa.pa_max_labels;)
			pa.pa_nslots *= 2;
		pa.pa_slots = xcalloc(pa.pa_nslots, sizeof(*pa.pa_slots));
	}

	while (p < end && !eof) {
		pa.pa_line++;
		nl = memchr(p, '\n', end - p);
		eol = nl != NULL ? nl : end;
		pa.pa_linelen = eol - p;
		if (pa.pa_linelen > pa.pa_max_line) {
			perr(&pa, "line longer than %zu bytes", pa.pa_max_line);
			goto out;
		}
		if (pa.pa_om) {
			if (om_line(&pa, p, eol, &eof) == -1)
				goto out;
		} else if ((p = skip_blanks(p, eol)) < eol &&
		    text_line(&pa, p, eol) == -1)
			goto out;
		p = nl != NULL ? nl + 1 : end;
	}
	if (pa.pa_om && !eof) {
		pa.pa_line++;
		perr(&pa, "missing # EOF at the end");
		goto out;
	}
	if (p < end) {
		pa.pa_line++;
		perr(&pa, "unexpected data after # EOF");
		goto out;
	}
	rv = 0;
out:
	free(pa.pa_labels);
	free(pa.pa_escaped);
	free(pa.pa_slots);
	free(pa.pa_scratch);
	free(pa.pa_num);
	free(pa.pa_fam.fa_helpbuf);
	return rv;
}

int
promtext_format_of(const char *ct)
{
	size_t	n;

	if (ct == NULL)
		return -1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	if (eq_nocase(ct, n, "text/plain"))
		return PROMTEXT_TEXT;
	if (eq_nocase(ct, n, "application/openmetrics-text"))
		return PROMTEXT_OPENMETRICS;
	return -1;
}
