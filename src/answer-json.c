/* answer-json.c -- the json answer kind: pointers, typed values, rows matched to items */

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
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answer.h"
#include "buf.h"
#include "conf.h"
#include "crawl.h"
#include "jstream.h"
#include "util.h"
#include "xmalloc.h"

/*
 * jansson's allocations are counted per thread, so that parsing one
 * document (answer_json_parse: a source's) can be held to a memory
 * budget: a small but deeply nested or object-heavy one cannot make the
 * monitor allocate gigabytes.  Nodes' answers are read as a stream
 * (jstream.c), which keeps only the values the probe reads.
 */
#define PARSE_BUDGET_MIN	(4 * 1024 * 1024)
#define PARSE_BUDGET_MAX	((size_t)256 * 1024 * 1024)
#define PARSE_FACTOR		8	/* budget per byte of answer */

static _Thread_local size_t	 jm_used, jm_limit;	/* limit 0: none */
static _Thread_local int	 jm_over;

/*
 * Plain malloc and free, so that what jansson hands out (json_dumps) can
 * be freed with free(); while a parse runs, its bytes are counted.
 */
static void *
jm_malloc(size_t n)
{
	void	*p;

	if (jm_limit != 0 && (n > jm_limit || jm_used > jm_limit - n)) {
		jm_over = 1;
		return NULL;
	}
	if ((p = malloc(n)) != NULL && jm_limit != 0)
		jm_used += malloc_usable_size(p);
	return p;
}

static void
jm_free(void *p)
{
	size_t	n;

	if (p != NULL && jm_limit != 0) {
		n = malloc_usable_size(p);
		jm_used -= n < jm_used ? n : jm_used;
	}
	free(p);
}

static void
json_init(void)
{
	json_set_alloc_funcs(jm_malloc, jm_free);
}

static int	dec_int(const char *, size_t, int64_t *);

/*
 * Copy of the len bytes of JSON at s in which every integer that does not
 * fit in 64 bits is written as a real ("1e30" stays, "18446744073709551616"
 * becomes "18446744073709551616.0"), so that jansson parses it instead of
 * failing the whole document.  NULL when there is none.
 */
static char *
json_widen(const char *s, size_t len, size_t *lenp)
{
	struct buf	 b;
	size_t		 i = 0, start, copied = 0;
	int64_t		 v;
	int		 real;

	buf_init(&b, 0);
	while (i < len) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (s[i] != '-' && (s[i] < '0' || s[i] > '9')) {
			i++;
			continue;
		}
		/* One number as jansson lexes it: "1e40-1" is two. */
		start = i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		real = 0;
		if (i < len && s[i] == '.') {
			real = 1;
			for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				;
		}
		if (i < len && (s[i] == 'e' || s[i] == 'E')) {
			real = 1;
			if (++i < len && (s[i] == '+' || s[i] == '-'))
				i++;
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		if (real || dec_int(s + start, i - start, &v) != -2)
			continue;	/* a real, an int64, or not a number */
		buf_add(&b, s + copied, i - copied);
		buf_puts(&b, ".0");
		copied = i;
	}
	if (copied == 0) {
		buf_release(&b);
		return NULL;
	}
	buf_add(&b, s + copied, len - copied);
	return buf_take(&b, lenp);
}

/* One parse within budget; jerr tells why it failed. */
static json_t *
json_parse_budget(const char *body, size_t len, size_t budget,
    json_error_t *jerr)
{
	json_t	*doc;

	jm_used = 0;
	jm_over = 0;
	jm_limit = budget;
	doc = json_loadb(body, len, JSON_DECODE_ANY, jerr);
	jm_limit = 0;	/* freeing doc later is not counted against anyone */
	return doc;
}

/* A document (a source's, not an answer's: see jstream.h) within budget. */
static json_t *
json_parse(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*doc;
	size_t		 budget, wlen;
	char		*wide;

	budget = len > (PARSE_BUDGET_MAX - PARSE_BUDGET_MIN) / PARSE_FACTOR ?
	    PARSE_BUDGET_MAX : PARSE_BUDGET_MIN + len * PARSE_FACTOR;
	doc = json_parse_budget(body, len, budget, &jerr);
	if (doc == NULL && !jm_over && strstr(jerr.text, "too big") != NULL &&
	    (wide = json_widen(body, len, &wlen)) != NULL) {
		doc = json_parse_budget(wide, wlen, budget, &jerr);
		free(wide);
	}
	if (doc == NULL && jm_over)
		snprintf(err, errlen, "malformed answer: more than %zu MiB "
		    "when parsed", budget >> 20);
	else if (doc == NULL)
		snprintf(err, errlen, "malformed answer: %s at line %d column "
		    "%d", jerr.text, jerr.line, jerr.column);
	return doc;
}

json_t *
answer_json_parse(const char *body, size_t len, char *err, size_t errlen)
{
	return json_parse(body, len, err, errlen);
}

json_t *
json_pointer(json_t *j, const char *p)
{
	char		 buf[256], *tok;
	size_t		 len, i, o;
	const char	*end;
	char		*num_end;
	unsigned long	 idx;

	if (*p == '\0')
		return j;
	if (*p != '/')
		return NULL;
	while (j != NULL && *p == '/') {
		p++;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		/* A token is never longer unescaped: most fit in buf. */
		tok = len < sizeof(buf) ? buf : xmalloc(len + 1);
		for (i = 0, o = 0; i < len; i++) {
			if (p[i] == '~' && i + 1 < len && p[i + 1] == '1') {
				tok[o++] = '/';
				i++;
			} else if (p[i] == '~' && i + 1 < len && p[i + 1] == '0') {
				tok[o++] = '~';
				i++;
			} else
				tok[o++] = p[i];
		}
		tok[o] = '\0';
		if (json_is_object(j))
			j = json_object_get(j, tok);
		else if (json_is_array(j)) {
			if (tok[0] < '0' || tok[0] > '9' ||
			    (tok[0] == '0' && tok[1] != '\0'))
				j = NULL;
			else {
				idx = strtoul(tok, &num_end, 10);
				j = *num_end != '\0' ? NULL :
				    json_array_get(j, idx);
			}
		} else
			j = NULL;
		if (tok != buf)
			free(tok);
		p += len;
	}
	return j;
}

static const char *
jv_name(enum jv_type t)
{
	switch (t) {
	case JV_OBJECT:
		return "object";
	case JV_ARRAY:
		return "array";
	case JV_STRING:
		return "string";
	case JV_INTEGER:
		return "integer";
	case JV_REAL:
		return "real";
	case JV_TRUE:
	case JV_FALSE:
		return "boolean";
	case JV_NULL:
		return "null";
	case JV_NONE:
		break;
	}
	return "nothing";
}

/* A jansson value (NULL: none) as the answers' values are read. */
static void
jval_of(json_t *j, struct jval *v)
{
	memset(v, 0, sizeof(*v));
	switch (j != NULL ? json_typeof(j) : JSON_NULL) {
	case JSON_OBJECT:
		v->jv_type = JV_OBJECT;
		break;
	case JSON_ARRAY:
		v->jv_type = JV_ARRAY;
		break;
	case JSON_STRING:
		v->jv_type = JV_STRING;
		v->jv_str = json_string_value(j);
		v->jv_len = json_string_length(j);
		break;
	case JSON_INTEGER:
		v->jv_type = JV_INTEGER;
		v->jv_int = json_integer_value(j);
		break;
	case JSON_REAL:
		v->jv_type = JV_REAL;
		v->jv_real = json_real_value(j);
		break;
	case JSON_TRUE:
		v->jv_type = JV_TRUE;
		break;
	case JSON_FALSE:
		v->jv_type = JV_FALSE;
		break;
	case JSON_NULL:
		v->jv_type = j != NULL ? JV_NULL : JV_NONE;
		break;
	}
}

/*
 * A decimal integer, "-" then digits, as int64: 0, -1 if it is not one,
 * -2 if it does not fit.
 */
static int
dec_int(const char *s, size_t len, int64_t *vp)
{
	uint64_t	 v = 0, lim;
	size_t		 i = 0;
	int		 neg = 0, over = 0, d;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = s[i] - '0';
		if (v > (lim - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (over)
		return -2;
	*vp = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) :
	    (int64_t)v;
	return 0;
}

/* Digits of s from *i on; how many. */
static size_t
digits(const char *s, size_t len, size_t *i)
{
	size_t	start = *i;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i - start;
}

/*
 * A decimal number as JSON writes one (no blanks, no "inf", "nan" or hex)
 * as a finite double: 0, -1 if it is not one, -2 if it does not fit.
 */
static int
dec_real(const char *s, size_t len, double *vp)
{
	char	 tmp[128], *t = tmp;
	size_t	 i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (digits(s, len, &i) == 0)
		return -1;
	if (i < len && s[i] == '.') {
		i++;
		if (digits(s, len, &i) == 0)
			return -1;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (digits(s, len, &i) == 0)
			return -1;
	}
	if (i != len)
		return -1;
	if (len >= sizeof(tmp))
		t = xstrndup(s, len);	/* many digits, rounded by strtod */
	else {
		memcpy(tmp, s, len);
		tmp[len] = '\0';
	}
	*vp = strtod(t, NULL);
	if (t != tmp)
		free(t);
	return isfinite(*vp) ? 0 : -2;
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A quantity as Ethereum's JSON-RPC writes one, "0x" and hex digits: as
 * int64 (real 0) or, for real != 0, as a double of up to 256 bits.  0, -1
 * if it is not one, -2 if it does not fit.
 */
static int
hex_quantity(const char *s, size_t len, int real, int64_t *ip, double *rp)
{
	uint64_t	 v = 0;
	double		 d = 0;
	size_t		 i, sig = 0;
	int		 x;

	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (i = 2; i < len; i++) {
		if ((x = hexdigit(s[i])) == -1)
			return -1;
		if (sig == 0 && x == 0)
			continue;	/* leading zeros */
		sig++;
		v = v << 4 | x;
		d = d * 16 + x;
	}
	if (real) {
		if (sig > 64)
			return -2;
		*rp = d;
		return 0;
	}
	if (sig > 16 || v > (uint64_t)INT64_MAX)
		return -2;
	*ip = (int64_t)v;
	return 0;
}

/*
 * A Go duration (time.ParseDuration: "300ms", "-1.5h", "2h45m0.5s", "0")
 * in seconds: 0, -1 if it is not one, -2 if it is beyond Go's range
 * (int64 nanoseconds, about 292 years).
 */
static int
go_duration(const char *s, size_t len, double *vp)
{
	static const struct {
		const char	*u_name;
		double		 u_secs;
	} units[] = {
		{ "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 },
		{ "\xce\xbcs", 1e-6 }, { "ms", 1e-3 }, { "s", 1 },
		{ "m", 60 }, { "h", 3600 }
	};
	double		 total = 0, num, scale;
	size_t		 i = 0, u, ulen, start;
	int		 neg = 0, pre, post;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (len - i == 1 && s[i] == '0') {
		*vp = 0;
		return 0;
	}
	if (i == len)
		return -1;
	while (i < len) {
		num = 0;
		start = i;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			num = num * 10 + (s[i] - '0');
		pre = i > start;
		post = 0;
		if (i < len && s[i] == '.') {
			i++;
			start = i;
			for (scale = 0.1; i < len && s[i] >= '0' && s[i] <= '9';
			    i++, scale /= 10)
				num += (s[i] - '0') * scale;
			post = i > start;
		}
		if (!pre && !post)
			return -1;
		for (start = i; i < len && s[i] != '.' &&
		    (s[i] < '0' || s[i] > '9'); i++)
			;
		ulen = i - start;
		for (u = 0; u < nitems(units); u++)
			if (strlen(units[u].u_name) == ulen &&
			    memcmp(units[u].u_name, s + start, ulen) == 0)
				break;
		if (u == nitems(units))
			return -1;	/* no unit, or an unknown one */
		total += num * units[u].u_secs;
	}
	if (!(total <= 9223372036.854775807))
		return -2;
	*vp = neg ? -total : total;
	return 0;
}

static const char *const vtype_names[] = { "integer", "real", "text",
    "boolean", NULL };

/* A value's pointer in messages: "" (the whole row) is shown quoted. */
#define PTR(vc)	((vc)->vc_pointer[0] != '\0' ? (vc)->vc_pointer : "\"\"")

/* The value of a missing one with missing: default; -1 if it is not one. */
static int
default_value(const struct value_conf *vc, struct aval *out)
{
	const char	*d = vc->vc_default != NULL ? vc->vc_default : "";
	size_t		 len = strlen(d);

	memset(out, 0, sizeof(*out));
	switch (vc->vc_type) {
	case VT_INTEGER:
		out->av_type = AV_INTEGER;
		return len == 0 ? 0 : dec_int(d, len, &out->av_int) == 0 ? 0 : -1;
	case VT_REAL:
		out->av_type = AV_REAL;
		return len == 0 ? 0 : dec_real(d, len, &out->av_real) == 0 ? 0 :
		    -1;
	case VT_TEXT:
		out->av_type = AV_TEXT;
		out->av_text = d;
		out->av_len = len;
		return 0;
	case VT_BOOLEAN:
		out->av_type = AV_INTEGER;
		out->av_int = strcmp(d, "true") == 0;
		return len == 0 || strcmp(d, "true") == 0 ||
		    strcmp(d, "false") == 0 ? 0 : -1;
	}
	return -1;
}

/* A JSON string through the map of an enum. */
static int
value_enum(const struct jval *v, const struct value_conf *vc,
    struct aval *out, char *why, size_t whylen)
{
	const char	*s;
	char		 q[200];
	size_t		 i, len;

	if (v->jv_type != JV_STRING) {
		snprintf(why, whylen, "%s: expected string, got %s",
		    PTR(vc), jv_name(v->jv_type));
		return -1;
	}
	s = v->jv_str;
	len = v->jv_len;
	for (i = 0; i < vc->vc_nmap; i++)
		if (strlen(vc->vc_map[2 * i]) == len &&
		    memcmp(vc->vc_map[2 * i], s, len) == 0 &&
		    dec_int(vc->vc_map[2 * i + 1], strlen(vc->vc_map[2 * i + 1]),
		    &out->av_int) == 0) {
			out->av_type = AV_INTEGER;
			return 0;
		}
	snprintf(why, whylen, "%s: %s is not in map", PTR(vc),
	    str_quote(s, len, q, sizeof(q)));
	return -1;
}

/* A number, boolean or text written in a JSON string (from: string). */
static int
value_string(const char *s, size_t len, const struct value_conf *vc,
    struct aval *out, char *why, size_t whylen)
{
	char	 q[200];
	int	 rc = 0;

	switch (vc->vc_type) {
	case VT_INTEGER:
		out->av_type = AV_INTEGER;
		rc = dec_int(s, len, &out->av_int);
		break;
	case VT_REAL:
		out->av_type = AV_REAL;
		rc = dec_real(s, len, &out->av_real);
		break;
	case VT_TEXT:
		out->av_type = AV_TEXT;
		out->av_text = s;
		out->av_len = len;
		break;
	case VT_BOOLEAN:
		out->av_type = AV_INTEGER;
		out->av_int = len == 4 && memcmp(s, "true", 4) == 0;
		if (!out->av_int && !(len == 5 && memcmp(s, "false", 5) == 0))
			rc = -1;
		break;
	}
	if (rc == -1)
		snprintf(why, whylen, "%s: %s is not %s", PTR(vc),
		    str_quote(s, len, q, sizeof(q)), vc->vc_type == VT_INTEGER ?
		    "a decimal integer" : vc->vc_type == VT_REAL ?
		    "a decimal number" : "true or false");
	else if (rc == -2)
		snprintf(why, whylen, "%s: %s is out of range for %s",
		    PTR(vc), str_quote(s, len, q, sizeof(q)),
		    vtype_names[vc->vc_type]);
	return rc == 0 ? 0 : -1;
}

/* A value with from: hex or from: duration. */
static int
value_coded(const char *s, size_t len, const struct value_conf *vc,
    struct aval *out, char *why, size_t whylen)
{
	char	 q[200];
	int	 rc;

	if (vc->vc_from == VF_HEX) {
		out->av_type = vc->vc_type == VT_REAL ? AV_REAL : AV_INTEGER;
		rc = hex_quantity(s, len, vc->vc_type == VT_REAL, &out->av_int,
		    &out->av_real);
	} else {
		out->av_type = AV_REAL;
		rc = go_duration(s, len, &out->av_real);
	}
	if (rc == 0)
		return 0;
	str_quote(s, len, q, sizeof(q));
	if (rc == -1)
		snprintf(why, whylen, "%s: %s is not %s", PTR(vc), q,
		    vc->vc_from == VF_HEX ? "a 0x quantity" : "a duration");
	else if (vc->vc_from == VF_HEX)
		snprintf(why, whylen, "%s: %s is beyond %s", PTR(vc), q,
		    vc->vc_type == VT_REAL ? "256 bits" : "a 64-bit integer");
	else
		snprintf(why, whylen, "%s: %s is out of range", PTR(vc),
		    q);
	return -1;
}

/* A value as its own JSON type (from: json). */
static int
value_json(const struct jval *v, const struct value_conf *vc,
    struct aval *out, char *why, size_t whylen)
{
	double	 d;

	switch (vc->vc_type) {
	case VT_INTEGER:
		if (v->jv_type == JV_INTEGER) {
			out->av_type = AV_INTEGER;
			out->av_int = v->jv_int;
			return 0;
		}
		/*
		 * Integers beyond 64 bits are parsed as reals; those just
		 * below -2^63 round to -2^63 itself.
		 */
		d = v->jv_type == JV_REAL ? v->jv_real : 0;
		if (v->jv_type == JV_REAL && d == floor(d) &&
		    (d >= 9223372036854775808.0 ||
		    d <= -9223372036854775808.0)) {
			snprintf(why, whylen, "%s: integer out of range",
			    PTR(vc));
			return -1;
		}
		break;
	case VT_REAL:
		if (v->jv_type == JV_INTEGER)
			d = (double)v->jv_int;
		else if (v->jv_type == JV_REAL)
			d = v->jv_real;
		else
			break;
		/* Beyond a double: read as +-DBL_MAX (jstream.h). */
		if (fabs(d) >= DBL_MAX) {
			snprintf(why, whylen, "%s: number out of range",
			    PTR(vc));
			return -1;
		}
		out->av_type = AV_REAL;
		out->av_real = d;
		return 0;
	case VT_TEXT:
		if (v->jv_type != JV_STRING)
			break;
		out->av_type = AV_TEXT;
		out->av_text = v->jv_str;
		out->av_len = v->jv_len;
		return 0;
	case VT_BOOLEAN:
		if (v->jv_type != JV_TRUE && v->jv_type != JV_FALSE)
			break;
		out->av_type = AV_INTEGER;
		out->av_int = v->jv_type == JV_TRUE;
		return 0;
	}
	snprintf(why, whylen, "%s: expected %s, got %s", PTR(vc),
	    vtype_names[vc->vc_type], jv_name(v->jv_type));
	return -1;
}

/* One value (NULL or JV_NONE: none) as answer_json_value says. */
static int
value_read(const struct jval *v, const struct value_conf *vc,
    struct aval *out, char *why, size_t whylen)
{
	int	rc;

	memset(out, 0, sizeof(*out));
	if (v == NULL || v->jv_type == JV_NONE || (v->jv_type == JV_NULL &&
	    vc->vc_missing != VM_ERROR)) {
		if (vc->vc_missing == VM_NULL)
			return 0;
		if (vc->vc_missing == VM_DEFAULT) {
			if (default_value(vc, out) == 0)
				return 0;
			memset(out, 0, sizeof(*out));
			snprintf(why, whylen, "%s: the default is not %s",
			    PTR(vc), vtype_names[vc->vc_type]);
		} else
			snprintf(why, whylen, "no value at %s", PTR(vc));
		return -1;
	}
	if (vc->vc_nmap > 0)
		rc = value_enum(v, vc, out, why, whylen);
	else if (vc->vc_from == VF_JSON)
		rc = value_json(v, vc, out, why, whylen);
	else if (v->jv_type != JV_STRING) {
		snprintf(why, whylen, "%s: expected string, got %s",
		    PTR(vc), jv_name(v->jv_type));
		rc = -1;
	} else if (vc->vc_from == VF_STRING)
		rc = value_string(v->jv_str, v->jv_len, vc, out, why, whylen);
	else
		rc = value_coded(v->jv_str, v->jv_len, vc, out, why, whylen);
	if (rc == -1)
		memset(out, 0, sizeof(*out));	/* AV_NULL */
	/*
	 * invalid: null -- a value that is there but does not fit is NULL,
	 * not an error: one column per shape of a value that varies (a
	 * batch's results, eth_syncing's false or object).
	 */
	if (rc == -1 && v->jv_type != JV_NULL && vc->vc_invalid == 1)
		rc = 0;
	return rc;
}

int
answer_json_value(json_t *j, const struct value_conf *vc, struct aval *out,
    char *why, size_t whylen)
{
	struct jval	v;

	jval_of(j, &v);
	return value_read(&v, vc, out, why, whylen);
}

/*
 * What one answer is read for: the jstream slots of the pointers its
 * probe reads (jstream.h), and what the rows that end are matched to.
 */
struct jread {
	const struct answer_json_conf *jr_jc;
	const struct answer_batch *jr_ab;
	struct jstream	*jr_js;
	int		*jr_vslot;	/* per value */
	const struct jval **jr_vals;	/* per value, for json_row */
	int		 jr_kslot;	/* the key, inside a row */
	int		 jr_rows;	/* the rows' container, from the top */
	/* JSON-RPC: a response's slots, from the top (one call) or in a row. */
	int		 jr_self, jr_id, jr_error, jr_code, jr_msg, jr_result;
	/* JSON-RPC batch: those of one error object for the whole batch. */
	int		 jr_tself, jr_terror, jr_tcode, jr_tmsg, jr_tresult;
	struct strindex	 jr_si;
	size_t		 jr_next;	/* the item after the last one matched */
	/*
	 * Per item: its row + 1, or 0 -- a kept row of the jstream (JSON-RPC),
	 * or where its row is packed in jr_out (plain JSON).
	 */
	size_t		*jr_matched;
	struct buf	 jr_out;	/* rows packed as they end (row_pack) */
	size_t		*jr_count;	/* per call: responses with its id */
	char		*jr_strid;	/* per call: one with its id as text */
	size_t		 jr_seen;	/* exploded rows */
};

/*
 * The slot of pointer p below prefix ("/result"), from the top or in each
 * row; -1 if p is not a pointer.
 */
static int
read_slot(struct jstream *js, int field, const char *prefix, const char *p)
{
	char	*path;
	int	 slot;

	if (p[0] != '\0' && p[0] != '/')
		return -1;
	xasprintf(&path, "%s%s", prefix, p);
	slot = field ? jstream_field(js, path) : jstream_top(js, path);
	free(path);
	return slot;
}

/* The values' slots, from the top or in each row, below prefix. */
static void
read_values(struct jread *jr, int field, const char *prefix)
{
	size_t	j;

	for (j = 0; j < jr->jr_jc->aj_nvalues; j++)
		jr->jr_vslot[j] = read_slot(jr->jr_js, field, prefix,
		    jr->jr_jc->aj_values[j].vc_pointer);
}

/* The values of kept row r (ANSWER_NO_ITEM: the top's) for json_row. */
static const struct jval **
read_row(struct jread *jr, size_t r)
{
	size_t	j;

	for (j = 0; j < jr->jr_jc->aj_nvalues; j++)
		jr->jr_vals[j] = r == ANSWER_NO_ITEM ? jstream_value(jr->jr_js,
		    jr->jr_vslot[j]) : jstream_row(jr->jr_js, r, jr->jr_vslot[j]);
	return jr->jr_vals;
}

/*
 * The row of one item (vals NULL: none answered it): its values, or NULLs
 * and the first reason a value did not fit.
 */
static int
json_row(const struct answer_json_conf *jc, size_t item, const char *key,
    const struct jval **vals, struct aval *values, answer_row_cb emit,
    void *arg)
{
	char		 why[512];
	const char	*error = NULL;
	size_t		 j;

	if (vals == NULL)
		error = "missing from answer";
	for (j = 0; j < jc->aj_nvalues && error == NULL; j++)
		if (value_read(vals[j], &jc->aj_values[j], &values[j], why,
		    sizeof(why)) == -1)
			error = why;
	return emit(arg, item, key, key != NULL ? strlen(key) : 0,
	    error != NULL ? NULL : values, error);
}

/*
 * The values of the row that just ended, read as json_row reads them and
 * packed at the end of jr_out, so that an answer's rows take a few bytes
 * each until it ends: 'E' and the first reason a value did not fit, or
 * 'V' then per value 'N', 'I' and an int64, 'R' and a double, or 'T', a
 * length and the bytes.
 */
static void
row_pack(struct jread *jr)
{
	const struct answer_json_conf *jc = jr->jr_jc;
	struct buf	*b = &jr->jr_out;
	struct aval	 av;
	char		 why[512];
	size_t		 j, start = b->b_len;

	buf_putc(b, 'V');
	for (j = 0; j < jc->aj_nvalues; j++) {
		if (value_read(jstream_field_value(jr->jr_js, jr->jr_vslot[j]),
		    &jc->aj_values[j], &av, why, sizeof(why)) == -1) {
			b->b_len = start;
			buf_putc(b, 'E');
			buf_add(b, why, strlen(why) + 1);
			return;
		}
		switch (av.av_type) {
		case AV_INTEGER:
			buf_putc(b, 'I');
			buf_add(b, &av.av_int, sizeof(av.av_int));
			break;
		case AV_REAL:
			buf_putc(b, 'R');
			buf_add(b, &av.av_real, sizeof(av.av_real));
			break;
		case AV_TEXT:
			buf_putc(b, 'T');
			buf_add(b, &av.av_len, sizeof(av.av_len));
			buf_add(b, av.av_text, av.av_len);
			break;
		case AV_NULL:
		default:
			buf_putc(b, 'N');
			break;
		}
	}
}

/*
 * The row packed at offset at of jr_out into values (its text borrowed
 * from jr_out); NULL, or the reason the row is an error.
 */
static const char *
row_unpack(struct jread *jr, size_t at, struct aval *values)
{
	const char	*p = jr->jr_out.b_data + at;
	size_t		 j;

	if (*p++ == 'E')
		return p;
	for (j = 0; j < jr->jr_jc->aj_nvalues; j++) {
		memset(&values[j], 0, sizeof(values[j]));
		switch (*p++) {
		case 'I':
			values[j].av_type = AV_INTEGER;
			memcpy(&values[j].av_int, p, sizeof(values[j].av_int));
			p += sizeof(values[j].av_int);
			break;
		case 'R':
			values[j].av_type = AV_REAL;
			memcpy(&values[j].av_real, p, sizeof(values[j].av_real));
			p += sizeof(values[j].av_real);
			break;
		case 'T':
			values[j].av_type = AV_TEXT;
			memcpy(&values[j].av_len, p, sizeof(values[j].av_len));
			p += sizeof(values[j].av_len);
			values[j].av_text = p;
			p += values[j].av_len;
			break;
		default:
			values[j].av_type = AV_NULL;
			break;
		}
	}
	return NULL;
}

/*
 * A row of an answer with items, as it ends: packed if it is the first
 * whose key (a string, or an integer as its decimal text) equals an item;
 * rows for items never asked are dropped.
 */
static int
match_row(void *arg, struct jstream *js, size_t index, char *err,
    size_t errlen)
{
	struct jread		*jr = arg;
	const struct jval	*key = jstream_field_value(js, jr->jr_kslot);
	char			 num[32];
	const char		*kstr;
	size_t			 klen;
	int32_t			 idx;

	(void)index;
	(void)err;
	(void)errlen;
	if (key->jv_type == JV_STRING) {
		kstr = key->jv_str;
		klen = key->jv_len;
	} else if (key->jv_type == JV_INTEGER) {
		klen = snprintf(num, sizeof(num), "%" PRId64, key->jv_int);
		kstr = num;
	} else
		return 0;
	/* Answers list the items as asked, as a rule: the next is tried first. */
	idx = strindex_find_at(&jr->jr_si, jr->jr_ab->ab_items,
	    jr->jr_ab->ab_lens, kstr, klen, jr->jr_next);
	if (idx < 0 || jr->jr_matched[idx] != 0)
		return 0;
	jr->jr_next = (size_t)idx + 1;
	jr->jr_matched[idx] = jr->jr_out.b_len + 1;
	row_pack(jr);
	return 0;	/* packed: the jstream need not keep it */
}

/*
 * Each item's row, matched as match_row says.  Duplicate items in one
 * batch share the first one's answer.
 */
static int
json_items(struct jread *jr, struct aval *values, answer_row_cb emit,
    void *arg, char *err, size_t errlen)
{
	const struct answer_batch *ab = jr->jr_ab;
	const char	*error;
	size_t		 i, r;
	int32_t		 idx;

	if (jstream_value(jr->jr_js, jr->jr_rows)->jv_type != JV_ARRAY) {
		snprintf(err, errlen, "malformed answer: no array at %s",
		    jr->jr_jc->aj_rows);
		return -1;
	}
	for (i = 0; i < ab->ab_nitems; i++) {
		r = jr->jr_matched[i];
		if (r == 0 && (idx = strindex_find_len(&jr->jr_si,
		    ab->ab_items, ab->ab_lens, ab->ab_items[i],
		    ab->ab_lens != NULL ? ab->ab_lens[i] :
		    strlen(ab->ab_items[i]))) >= 0)
			r = jr->jr_matched[idx];
		if (r == 0)
			error = "missing from answer";
		else
			error = row_unpack(jr, r - 1, values);
		if (emit(arg, i, NULL, 0, error != NULL ? NULL : values,
		    error) == -1)
			return -1;
	}
	return 0;
}

#define KEY_MAX_BYTES	4096	/* as probe.c's items */

/*
 * The key of kept row i of an exploded answer, which the caller frees:
 * its value at aj_key (a string, or an integer as decimal text), else its
 * member name or index.  A row whose key is not usable is keyed by its
 * member name or index, and *why says why; a member name longer than a
 * key may be is not usable either.
 */
static char *
explode_key(struct jread *jr, size_t i, char *why, size_t whylen)
{
	const struct answer_json_conf *jc = jr->jr_jc;
	const struct jval *k;
	const char	*name;
	char		*key;
	size_t		 namelen = 0;

	why[0] = '\0';
	if (jc->aj_key[0] != '\0') {
		k = jstream_row(jr->jr_js, i, jr->jr_kslot);
		if (k->jv_type == JV_STRING && k->jv_len <= KEY_MAX_BYTES)
			return xstrdup(k->jv_str);
		if (k->jv_type == JV_INTEGER) {
			xasprintf(&key, "%" PRId64, k->jv_int);
			return key;
		}
		if (k->jv_type == JV_NONE)
			snprintf(why, whylen, "no key at %s", jc->aj_key);
		else if (k->jv_type == JV_STRING)
			snprintf(why, whylen, "%s: key longer than %d bytes",
			    jc->aj_key, KEY_MAX_BYTES);
		else
			snprintf(why, whylen, "%s: expected a string or integer "
			    "key, got %s", jc->aj_key, jv_name(k->jv_type));
	}
	name = jstream_row_name(jr->jr_js, i, &namelen);
	if (name != NULL && namelen <= KEY_MAX_BYTES)
		return xstrdup(name);
	if (name != NULL && why[0] == '\0')
		snprintf(why, whylen, "member name longer than %d bytes",
		    KEY_MAX_BYTES);
	xasprintf(&key, "%zu", i);
	return key;
}

/* A row of an exploded answer: kept while there are at most max_rows. */
static int
explode_row(void *arg, struct jstream *js, size_t index, char *err,
    size_t errlen)
{
	struct jread	*jr = arg;

	(void)js;
	(void)index;
	(void)err;
	(void)errlen;
	return ++jr->jr_seen <= (uint64_t)jr->jr_jc->aj_max_rows;
}

/*
 * A row per element of the array (or member of the object) at aj_rows;
 * absent or null: none.  Keys are unique: one that occurs more than once
 * gives one row, with an error, so no row is a guess.
 */
static int
json_explode(struct jread *jr, struct aval *values, answer_row_cb emit,
    void *arg, char *err, size_t errlen)
{
	const struct answer_json_conf *jc = jr->jr_jc;
	const struct jval *at = jstream_value(jr->jr_js, jr->jr_rows);
	struct strindex	 si;
	char		**keys, **whys, why[512], dup[64];
	size_t		*count, n = jr->jr_seen, i;
	int32_t		 first;
	int		 rc = 0, members = jc->aj_explode == EX_MEMBERS;

	if (at->jv_type == JV_NONE || at->jv_type == JV_NULL)
		return 0;
	if (at->jv_type != (members ? JV_OBJECT : JV_ARRAY)) {
		snprintf(err, errlen, "malformed answer: %s at %s, not %s",
		    jv_name(at->jv_type), jc->aj_rows[0] != '\0' ? jc->aj_rows :
		    "the top", members ? "an object" : "an array");
		return -1;
	}
	if (n > (uint64_t)jc->aj_max_rows) {
		snprintf(err, errlen, "malformed answer: %zu rows, more than "
		    "max_rows %" PRId64, n, jc->aj_max_rows);
		return -1;
	}
	keys = xcalloc(n + 1, sizeof(*keys));
	whys = xcalloc(n + 1, sizeof(*whys));
	count = xcalloc(n + 1, sizeof(*count));
	for (i = 0; i < n; i++) {
		keys[i] = explode_key(jr, i, why, sizeof(why));
		whys[i] = why[0] != '\0' ? xstrdup(why) : NULL;
	}
	strindex_init(&si, keys, n);
	for (i = 0; i < n; i++)
		count[strindex_find(&si, keys, keys[i], strlen(keys[i]))]++;
	for (i = 0; i < n && rc == 0; i++) {
		first = strindex_find(&si, keys, keys[i], strlen(keys[i]));
		if ((size_t)first != i)
			continue;
		if (count[i] > 1) {
			snprintf(dup, sizeof(dup), "key occurs %zu times in "
			    "answer", count[i]);
			rc = emit(arg, ANSWER_NO_ITEM, keys[i], strlen(keys[i]),
			    NULL, dup);
		} else if (whys[i] != NULL)
			rc = emit(arg, ANSWER_NO_ITEM, keys[i], strlen(keys[i]),
			    NULL, whys[i]);
		else
			rc = json_row(jc, ANSWER_NO_ITEM, keys[i], read_row(jr, i),
			    values, emit, arg);
	}
	strindex_release(&si);
	for (i = 0; i < n; i++) {
		free(keys[i]);
		free(whys[i]);
	}
	free(keys);
	free(whys);
	free(count);
	return rc;
}

/* ------------------------------------------------------------------ */
/* JSON-RPC 2.0 */

#define RPC_ON(jc)	((jc)->aj_jsonrpc != NULL && (jc)->aj_jsonrpc[0] != '\0')
#define RPC_MESSAGE_MAX	120	/* bytes of a node's error message kept */

/* One call: method, id and the params with the item in place. */
static void
rpc_call(struct buf *b, const struct answer_json_conf *jc, size_t id,
    const char *item, int is_int)
{
	const char	*p = jc->aj_params, *at;

	buf_printf(b, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":", id);
	/* jsonrpc: "{{item}}": a batch of calls to the methods the items name. */
	if (item != NULL && strcmp(jc->aj_jsonrpc, "{{item}}") == 0) {
		buf_json_string(b, item, strlen(item));
		item = NULL;
	} else
		buf_json_string(b, jc->aj_jsonrpc, strlen(jc->aj_jsonrpc));
	if (p == NULL || *p == '\0') {
		buf_putc(b, '}');
		return;
	}
	buf_puts(b, ",\"params\":");
	while (item != NULL && (at = strstr(p, "{{item}}")) != NULL) {
		buf_add(b, p, at - p);
		if (is_int)
			buf_puts(b, item);
		else
			buf_json_string(b, item, strlen(item));
		p = at + strlen("{{item}}");
	}
	buf_puts(b, p);
	buf_putc(b, '}');
}

/* A call per item (ids 1 to n) in a batch, or the one call of a probe. */
static char *
json_body(const struct probe_conf *pc, char *const *items, const int *is_int,
    size_t n, size_t *lenp)
{
	const struct answer_json_conf *jc = answer_json_conf(pc);
	struct buf	 b;
	size_t		 i;

	if (jc == NULL || !RPC_ON(jc))
		return NULL;
	buf_init(&b, 0);
	if (items == NULL)
		rpc_call(&b, jc, 1, NULL, 0);
	else {
		buf_putc(&b, '[');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(&b, ',');
			rpc_call(&b, jc, i + 1, items[i], is_int != NULL &&
			    is_int[i]);
		}
		buf_putc(&b, ']');
	}
	return buf_take(&b, lenp);
}

/*
 * Whether a response (the values at its error, error/code, error/message
 * and result) has a result: 0, else -1 and why -- its error object
 * ("JSON-RPC error -32005: Node is behind by 42 slots", the node's
 * message cut to RPC_MESSAGE_MAX bytes, controls as blanks) or neither.
 * A result may be a JSON null.
 */
static int
rpc_result(const struct jval *e, const struct jval *code,
    const struct jval *msg, const struct jval *result, char *why,
    size_t whylen)
{
	struct buf	 b;
	char		 m[RPC_MESSAGE_MAX + 1];
	size_t		 i, len;

	if (e->jv_type != JV_NONE && e->jv_type != JV_NULL) {
		buf_init(&b, 0);
		buf_puts(&b, "JSON-RPC error");
		if (code->jv_type == JV_INTEGER)
			buf_printf(&b, " %" PRId64, code->jv_int);
		if (msg->jv_type == JV_STRING) {
			len = msg->jv_len;
			if (len > RPC_MESSAGE_MAX)
				len = RPC_MESSAGE_MAX;
			memcpy(m, msg->jv_str, len);
			for (i = 0; i < len; i++)
				if ((unsigned char)m[i] < 0x20 || m[i] == 0x7f)
					m[i] = ' ';
			buf_puts(&b, ": ");
			buf_add_utf8(&b, m, len);
		}
		snprintf(why, whylen, "%s", b.b_data);
		buf_release(&b);
		return -1;
	}
	if (result->jv_type == JV_NONE) {
		snprintf(why, whylen, "JSON-RPC answer without result or error");
		return -1;
	}
	return 0;
}

/* rpc_result of the top (the one call), or of kept row r. */
static int
rpc_top_result(struct jread *jr, char *why, size_t whylen)
{
	struct jstream	*js = jr->jr_js;

	return rpc_result(jstream_value(js, jr->jr_error),
	    jstream_value(js, jr->jr_code), jstream_value(js, jr->jr_msg),
	    jstream_value(js, jr->jr_result), why, whylen);
}

static int
rpc_row_result(struct jread *jr, size_t r, char *why, size_t whylen)
{
	struct jstream	*js = jr->jr_js;

	return rpc_result(jstream_row(js, r, jr->jr_error),
	    jstream_row(js, r, jr->jr_code), jstream_row(js, r, jr->jr_msg),
	    jstream_row(js, r, jr->jr_result), why, whylen);
}

/*
 * An id that is the decimal text of a call's (1 to n) as a JSON string:
 * that call's id, else 0.  Such an answer is not the call's (JSON-RPC 2.0
 * answers with the very id sent), but its row says why it is missing.
 */
static size_t
rpc_string_id(const struct jval *id, size_t n)
{
	int64_t	v;

	if (id->jv_type != JV_STRING || id->jv_str[0] == '0' ||
	    dec_int(id->jv_str, id->jv_len, &v) != 0 || v < 1 ||
	    (uint64_t)v > n)
		return 0;	/* "01" is no call's id written as a string */
	return (size_t)v;
}

#define RPC_STRING_ID	"missing from answer (an answer has id \"%zu\", a " \
	"string, where the call's id is %zu)"

/* The one call of a probe without items: its row, or its rows exploded. */
static int
rpc_single(struct jread *jr, struct aval *values, answer_row_cb emit,
    void *arg, char *err, size_t errlen)
{
	const struct jval *self = jstream_value(jr->jr_js, jr->jr_self);
	const struct jval *id = jstream_value(jr->jr_js, jr->jr_id);
	char		 why[512];

	if (self->jv_type != JV_OBJECT) {
		snprintf(err, errlen, "malformed answer: %s, not a JSON-RPC "
		    "response", jv_name(self->jv_type));
		return -1;
	}
	if (rpc_top_result(jr, why, sizeof(why)) == -1)
		return emit(arg, ANSWER_NO_ITEM, NULL, 0, NULL, why);
	if (rpc_string_id(id, 1) == 1) {
		snprintf(why, sizeof(why), RPC_STRING_ID, (size_t)1, (size_t)1);
		return emit(arg, ANSWER_NO_ITEM, NULL, 0, NULL, why);
	}
	if (id->jv_type != JV_INTEGER || id->jv_int != 1)
		return emit(arg, ANSWER_NO_ITEM, NULL, 0, NULL,
		    "missing from answer (no JSON-RPC answer with id 1)");
	if (jr->jr_jc->aj_explode != EX_NO)
		return json_explode(jr, values, emit, arg, err, errlen);
	return json_row(jr->jr_jc, ANSWER_NO_ITEM, NULL,
	    read_row(jr, ANSWER_NO_ITEM), values, emit, arg);
}

/*
 * A response of a batch, as it ends: kept if it is the first with the id
 * of a call; one that names no call sent is dropped.
 */
static int
rpc_row(void *arg, struct jstream *js, size_t index, char *err,
    size_t errlen)
{
	struct jread		*jr = arg;
	const struct jval	*id = jstream_field_value(js, jr->jr_id);
	size_t			 n = jr->jr_ab->ab_nitems, s;

	(void)index;
	(void)err;
	(void)errlen;
	if ((s = rpc_string_id(id, n)) != 0)
		jr->jr_strid[s - 1] = 1;
	if (id->jv_type != JV_INTEGER || id->jv_int < 1 ||
	    (uint64_t)id->jv_int > n)
		return 0;
	if (jr->jr_count[id->jv_int - 1]++ != 0)
		return 0;
	jr->jr_matched[id->jv_int - 1] = jstream_nrows(js) + 1;
	return 1;
}

/*
 * A batch: the answers matched to the calls by id, in any order.  An
 * answer that names no call sent is ignored; a call without one is
 * missing from the answer, and one answered twice is an error.  A single
 * error object (the whole batch refused) is every call's error.
 */
static int
rpc_batch(struct jread *jr, struct aval *values, answer_row_cb emit,
    void *arg, char *err, size_t errlen)
{
	struct jstream	*js = jr->jr_js;
	const struct jval *self = jstream_value(js, jr->jr_tself);
	size_t		 i, n = jr->jr_ab->ab_nitems;
	char		 why[512];
	int		 rc = 0;

	if (self->jv_type == JV_OBJECT && rpc_result(jstream_value(js,
	    jr->jr_terror), jstream_value(js, jr->jr_tcode), jstream_value(js,
	    jr->jr_tmsg), jstream_value(js, jr->jr_tresult), why,
	    sizeof(why)) == -1 &&
	    jstream_value(js, jr->jr_terror)->jv_type != JV_NONE) {
		for (i = 0; i < n && rc == 0; i++)
			rc = emit(arg, i, NULL, 0, NULL, why);
		return rc;
	}
	if (self->jv_type != JV_ARRAY) {
		snprintf(err, errlen, "malformed answer: %s, not a JSON-RPC "
		    "batch response", jv_name(self->jv_type));
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (jr->jr_count[i] == 0 && jr->jr_strid[i]) {
			snprintf(why, sizeof(why), RPC_STRING_ID, i + 1, i + 1);
			rc = emit(arg, i, NULL, 0, NULL, why);
		} else if (jr->jr_count[i] == 0)
			rc = emit(arg, i, NULL, 0, NULL, "missing from answer");
		else if (jr->jr_count[i] > 1) {
			snprintf(why, sizeof(why), "JSON-RPC id %zu answered %zu "
			    "times", i + 1, jr->jr_count[i]);
			rc = emit(arg, i, NULL, 0, NULL, why);
		} else if (rpc_row_result(jr, jr->jr_matched[i] - 1, why,
		    sizeof(why)) == -1)
			rc = emit(arg, i, NULL, 0, NULL, why);
		else
			rc = json_row(jr->jr_jc, i, NULL, read_row(jr,
			    jr->jr_matched[i] - 1), values, emit, arg);
	}
	return rc;
}

/* The slots of a response: from the top (field 0) or in each row. */
static void
rpc_slots(struct jread *jr, int field)
{
	struct jstream	*js = jr->jr_js;

	jr->jr_self = read_slot(js, field, "", "");
	jr->jr_id = read_slot(js, field, "", "/id");
	jr->jr_error = read_slot(js, field, "", "/error");
	jr->jr_code = read_slot(js, field, "", "/error/code");
	jr->jr_msg = read_slot(js, field, "", "/error/message");
	jr->jr_result = read_slot(js, field, "", "/result");
}

/*
 * What to read of the answer, by the probe's settings; the callback for
 * its rows, if it has any.
 */
static jstream_row_cb
json_plan(struct jread *jr)
{
	const struct answer_json_conf *jc = jr->jr_jc;
	struct jstream	*js = jr->jr_js;
	size_t		 n = jr->jr_ab->ab_nitems;
	int		 members = jc->aj_explode == EX_MEMBERS;
	char		*path;

	if (RPC_ON(jc) && jr->jr_ab->ab_items != NULL) {
		/* The batch's own error object, or a row per response. */
		rpc_slots(jr, 0);
		jr->jr_tself = jr->jr_self;
		jr->jr_terror = jr->jr_error;
		jr->jr_tcode = jr->jr_code;
		jr->jr_tmsg = jr->jr_msg;
		jr->jr_tresult = jr->jr_result;
		jstream_rows(js, "", 0);
		rpc_slots(jr, 1);
		read_values(jr, 1, "/result");
		jr->jr_matched = xcalloc(n + 1, sizeof(*jr->jr_matched));
		jr->jr_count = xcalloc(n + 1, sizeof(*jr->jr_count));
		jr->jr_strid = xcalloc(n + 1, sizeof(*jr->jr_strid));
		return rpc_row;
	}
	if (RPC_ON(jc)) {
		rpc_slots(jr, 0);
		if (jc->aj_explode == EX_NO) {
			read_values(jr, 0, "/result");
			return NULL;
		}
		if (jc->aj_rows[0] == '\0' || jc->aj_rows[0] == '/')
			xasprintf(&path, "/result%s", jc->aj_rows);
		else
			path = xstrdup(jc->aj_rows);	/* none */
		jr->jr_rows = jstream_top(js, path);
		jstream_rows(js, path, members);
		free(path);
	} else if (jr->jr_ab->ab_items == NULL && jc->aj_explode == EX_NO) {
		read_values(jr, 0, "");
		return NULL;
	} else {
		jr->jr_rows = jstream_top(js, jc->aj_rows);
		jstream_rows(js, jc->aj_rows, jr->jr_ab->ab_items == NULL &&
		    members);
	}
	jr->jr_kslot = jc->aj_key[0] != '\0' || jr->jr_ab->ab_items != NULL ?
	    jstream_field(js, jc->aj_key) : -1;
	read_values(jr, 1, "");
	if (jr->jr_ab->ab_items == NULL)
		return explode_row;
	strindex_init_len(&jr->jr_si, jr->jr_ab->ab_items, jr->jr_ab->ab_lens,
	    n);
	jr->jr_matched = xcalloc(n + 1, sizeof(*jr->jr_matched));
	return match_row;
}

/* An answer to ab, read as it comes: what json_plan says to read. */
static void *
json_open(const struct answer_batch *ab)
{
	const struct answer_json_conf *jc = answer_json_conf(ab->ab_probe);
	struct jread	*jr = xcalloc(1, sizeof(*jr));

	jr->jr_jc = jc;
	jr->jr_ab = ab;
	jr->jr_js = jstream_new();
	jr->jr_vslot = xcalloc(jc->aj_nvalues + 1, sizeof(*jr->jr_vslot));
	jr->jr_vals = xcalloc(jc->aj_nvalues + 1, sizeof(*jr->jr_vals));
	jr->jr_kslot = jr->jr_rows = -1;
	buf_init(&jr->jr_out, 0);
	jstream_begin(jr->jr_js, json_plan(jr), jr);
	return jr;
}

static void
json_feed(void *arg, const char *p, size_t len)
{
	struct jread	*jr = arg;

	jstream_feed(jr->jr_js, p, len);
}

static void
json_free(struct jread *jr)
{
	if (!RPC_ON(jr->jr_jc) && jr->jr_ab->ab_items != NULL)
		strindex_release(&jr->jr_si);
	free(jr->jr_matched);
	free(jr->jr_count);
	free(jr->jr_strid);
	free(jr->jr_vslot);
	free(jr->jr_vals);
	buf_release(&jr->jr_out);
	jstream_free(jr->jr_js);
	free(jr);
}

static int
json_end(void *arg, const struct crawl_result *res, answer_row_cb emit,
    void *emit_arg, char *err, size_t errlen)
{
	struct jread	*jr = arg;
	const struct answer_json_conf *jc = jr->jr_jc;
	const struct answer_batch *ab = jr->jr_ab;
	struct aval	*values = NULL;
	char		 why[600];
	int		 rc = -1;

	if (res == NULL) {
		json_free(jr);
		return 0;
	}
	if (jstream_end(jr->jr_js, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "malformed answer: %s", why);
		goto out;
	}
	values = xcalloc(jc->aj_nvalues + 1, sizeof(*values));
	/* The status column, after the values, is the same in every row. */
	values[jc->aj_nvalues].av_type = AV_INTEGER;
	values[jc->aj_nvalues].av_int = res->cr_status;
	if (RPC_ON(jc))
		rc = ab->ab_items == NULL ? rpc_single(jr, values, emit,
		    emit_arg, err, errlen) : rpc_batch(jr, values, emit,
		    emit_arg, err, errlen);
	else if (ab->ab_items != NULL)
		rc = json_items(jr, values, emit, emit_arg, err, errlen);
	else if (jc->aj_explode != EX_NO)
		rc = json_explode(jr, values, emit, emit_arg, err, errlen);
	else
		rc = json_row(jc, ANSWER_NO_ITEM, NULL, read_row(jr,
		    ANSWER_NO_ITEM), values, emit, emit_arg);
out:
	free(values);
	json_free(jr);
	return rc;
}

static int
json_extract(const struct answer_batch *ab, const struct crawl_result *res,
    answer_row_cb emit, void *arg, char *err, size_t errlen)
{
	void	*jr = json_open(ab);

	json_feed(jr, res->cr_body, res->cr_len);
	return json_end(jr, res, emit, arg, err, errlen);
}

static void
json_columns(const struct probe_conf *pc, struct answer_column **colsp,
    size_t *ncolsp)
{
	const struct answer_json_conf *jc = answer_json_conf(pc);
	struct answer_column *cols;
	size_t		 j;

	cols = xcalloc(jc->aj_nvalues + 1, sizeof(*cols));
	for (j = 0; j < jc->aj_nvalues; j++) {
		cols[j].ac_name = jc->aj_values[j].vc_column;
		cols[j].ac_type = jc->aj_values[j].vc_type;
	}
	if (jc->aj_status_column != NULL && jc->aj_status_column[0] != '\0') {
		cols[j].ac_name = jc->aj_status_column;
		cols[j++].ac_type = VT_INTEGER;
	}
	*colsp = cols;
	*ncolsp = j;
}

static const char *const from_names[] = { "json", "string", "hex",
    "duration", NULL };
static const char *const missing_names[] = { "error", "null", "default",
    NULL };
static const char *const invalid_names[] = { "error", "null", NULL };

static const struct key value_keys[] = {
	{ "column", K_STR, offsetof(struct value_conf, vc_column), 0, 0, NULL,
	    0, 0, NULL, NULL, "column of the probe table that receives the value", NULL },
	{ "pointer", K_STR, offsetof(struct value_conf, vc_pointer), 0, 0, NULL,
	    0, 0, NULL, NULL, "JSON pointer to the value inside one answered item", NULL },
	{ "type", K_ENUM, offsetof(struct value_conf, vc_type), 0, 0, NULL,
	    0, 0, "integer", vtype_names, "integer, real, text or boolean: the column's type; a value that does not fit is an error for that item", NULL },
	{ "from", K_ENUM, offsetof(struct value_conf, vc_from), 0, 0, NULL,
	    0, 0, "json", from_names, "how the answer writes the value: json (its own JSON type), string (a decimal number or true/false in a string), hex (a 0x quantity) or duration (a Go duration, in seconds)", NULL },
	{ "map", K_STRMAP, offsetof(struct value_conf, vc_map),
	    offsetof(struct value_conf, vc_nmap), 0, NULL, 0, 0, NULL, NULL,
	    "an enum: each string the answer may hold and the integer stored for it", NULL },
	{ "missing", K_ENUM, offsetof(struct value_conf, vc_missing), 0, 0,
	    NULL, 0, 0, "error", missing_names, "what an absent value or a JSON null gives: error (for the item), null or default", NULL },
	{ "default", K_STR, offsetof(struct value_conf, vc_default), 0, 0,
	    NULL, 0, 0, "", NULL, "the value of a missing one with missing: default; empty: 0, 0.0, empty text or false", NULL },
	{ "invalid", K_ENUM, offsetof(struct value_conf, vc_invalid), 0, 0,
	    NULL, 0, 0, "error", invalid_names, "what a value there that does not fit type and from gives: error (for the item) or null", NULL },
	KEND
};


static const char *const explode_names[] = { "no", "elements", "members",
    NULL };

#define OFF(m)	offsetof(struct answer_json_conf, m)
static const struct key json_keys[] = {
	{ "rows", K_STR, OFF(aj_rows), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer to the array holding one answer per item (batched probes)", NULL },
	{ "key", K_STR, OFF(aj_key), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer, inside one answer, to the item it answers (matched exactly), or with explode to the row's key", NULL },
	{ "explode", K_ENUM, OFF(aj_explode), 0, 0, NULL, 0, 0, "no",
	    explode_names, "a probe without items: no (the answer is one row), elements (a row per element of the array at rows) or members (a row per member of the object at rows)", NULL },
	{ "max_rows", K_INT, OFF(aj_max_rows), 0, 0, NULL, 1, 10000000,
	    "10000", NULL, "an exploded answer with more rows than this is refused", NULL },
	{ "jsonrpc", K_STR, OFF(aj_jsonrpc), 0, 0, NULL, 0, 0, "", NULL,
	    "a JSON-RPC 2.0 method: the probe POSTs a call (a batch of calls, one per item) and reads each call's result; empty: plain JSON", NULL },
	{ "params", K_STR, OFF(aj_params), 0, 0, NULL, 0, 0, "", NULL,
	    "the call's params as JSON, {{item}} standing for the item; empty: none", NULL },
	{ "status_column", K_STR, OFF(aj_status_column), 0, 0, NULL, 0, 0, "",
	    NULL, "a column of the probe table that gets the answer's HTTP status; empty: none", NULL },
	{ "accept_status", K_STRLIST, OFF(aj_accept), OFF(aj_naccept), 0, NULL,
	    0, 0, NULL, NULL, "statuses other than 2xx whose bodies are answers, read like a 2xx one and not retried", NULL },
	{ "values", K_LIST, OFF(aj_values), OFF(aj_nvalues), sizeof(struct value_conf),
	    value_keys, 0, 0, NULL, NULL, "columns extracted from each answer", NULL },
	KEND
};
#undef OFF

/* What the key tables cannot check in one entry of values. */
static void
json_check_value(const struct value_conf *vc, size_t j, answer_check_cb report,
    void *arg)
{
	struct aval	 av;
	char		 why[256];
	int64_t		 n;
	size_t		 m;

	if (vc->vc_from == VF_HEX && vc->vc_type != VT_INTEGER &&
	    vc->vc_type != VT_REAL)
		report(arg, "values", j, "from", "a hex quantity is read as "
		    "type integer or real");
	if (vc->vc_from == VF_DURATION && vc->vc_type != VT_REAL)
		report(arg, "values", j, "from", "a duration is read as "
		    "seconds: type real");
	if (vc->vc_nmap > 0 && (vc->vc_type != VT_INTEGER ||
	    vc->vc_from != VF_JSON))
		report(arg, "values", j, "map", "an enum maps JSON strings to "
		    "integers: type integer and from json");
	for (m = 0; m < vc->vc_nmap; m++)
		if (dec_int(vc->vc_map[2 * m + 1],
		    strlen(vc->vc_map[2 * m + 1]), &n) != 0) {
			snprintf(why, sizeof(why), "'%s' for '%s' is not an "
			    "integer", vc->vc_map[2 * m + 1], vc->vc_map[2 * m]);
			report(arg, "values", j, "map", why);
		}
	if (vc->vc_default == NULL)
		return;
	if (vc->vc_missing != VM_DEFAULT && vc->vc_default[0] != '\0')
		report(arg, "values", j, "default", "only used with missing: "
		    "default");
	else if (default_value(vc, &av) == -1) {
		snprintf(why, sizeof(why), "'%s' is not %s", vc->vc_default,
		    vc->vc_type == VT_INTEGER ? "an integer" :
		    vc->vc_type == VT_REAL ? "a decimal number" :
		    "true or false");
		report(arg, "values", j, "default", why);
	}
}

/* status_column and accept_status. */
static void
json_check_status(const struct answer_json_conf *jc, answer_check_cb report,
    void *arg)
{
	static const char *const reserved[] = { "run_id", "node_id", "item",
	    "error" };
	const char	*col = jc->aj_status_column;
	char		 why[256];
	int64_t		 st;
	size_t		 i;

	for (i = 0; i < jc->aj_naccept; i++)
		if (dec_int(jc->aj_accept[i], strlen(jc->aj_accept[i]), &st) !=
		    0 || st < 100 || st > 599 || (st >= 200 && st <= 299)) {
			snprintf(why, sizeof(why), "'%s' is not a status from "
			    "100 to 599 outside 2xx", jc->aj_accept[i]);
			report(arg, "accept_status", i, NULL, why);
		}
	if (col == NULL || col[0] == '\0')
		return;
	if (!valid_ident(col)) {
		snprintf(why, sizeof(why), "'%s' is not a valid column name",
		    col);
		report(arg, NULL, 0, "status_column", why);
	}
	for (i = 0; i < nitems(reserved); i++)
		if (strcasecmp(col, reserved[i]) == 0) {
			snprintf(why, sizeof(why), "'%s' is reserved", col);
			report(arg, NULL, 0, "status_column", why);
		}
	for (i = 0; i < jc->aj_nvalues; i++)
		if (jc->aj_values[i].vc_column != NULL &&
		    strcasecmp(jc->aj_values[i].vc_column, col) == 0) {
			snprintf(why, sizeof(why), "'%s' is also a column of "
			    "values", col);
			report(arg, NULL, 0, "status_column", why);
		}
}

/* Are params, with every {{item}} replaced by item, a JSON array or object? */
static int
rpc_params_ok(const char *p, const char *item)
{
	struct buf	 b;
	json_t		*j;
	int		 ok;

	buf_init(&b, 0);
	for (; strstr(p, "{{item}}") != NULL; p = strstr(p, "{{item}}") + 8) {
		buf_add(&b, p, strstr(p, "{{item}}") - p);
		buf_puts(&b, item);
	}
	buf_puts(&b, p);
	j = json_loads(b.b_data, 0, NULL);
	ok = json_is_array(j) || json_is_object(j);
	json_decref(j);
	buf_release(&b);
	return ok;
}

/* jsonrpc and params. */
static void
json_check_rpc(const struct probe_conf *pc, const struct answer_json_conf *jc,
    answer_check_cb report, void *arg)
{
	const char	*p = jc->aj_params;
	int		 items = pc->pc_items != NULL && pc->pc_items[0] != '\0';

	if (!RPC_ON(jc)) {
		if (p != NULL && p[0] != '\0')
			report(arg, NULL, 0, "params", "only a probe with "
			    "jsonrpc has params");
		return;
	}
	if (pc->pc_method != 1)
		report(arg, NULL, 0, "method", "a JSON-RPC call is sent with "
		    "POST");
	if (pc->pc_body != NULL && pc->pc_body[0] != '\0')
		report(arg, NULL, 0, "body", "a JSON-RPC probe's body is made "
		    "of jsonrpc and params");
	if (items && jc->aj_rows != NULL && jc->aj_rows[0] != '\0')
		report(arg, NULL, 0, "rows", "a JSON-RPC probe with items "
		    "matches the answers by id, not at rows");
	if (items && jc->aj_key != NULL && jc->aj_key[0] != '\0')
		report(arg, NULL, 0, "key", "a JSON-RPC probe with items "
		    "matches the answers by id, not by key");
	if (strcmp(jc->aj_jsonrpc, "{{item}}") == 0) {
		if (!items)
			report(arg, NULL, 0, "jsonrpc", "{{item}} as the method "
			    "needs items: the methods to call");
		if (p != NULL && strstr(p, "{{item}}") != NULL)
			report(arg, NULL, 0, "params", "with {{item}} as the "
			    "method, params cannot hold it too");
		else if (p != NULL && p[0] != '\0' && !rpc_params_ok(p, "0"))
			report(arg, NULL, 0, "params", "not a JSON array or "
			    "object");
		return;
	}
	if ((p == NULL || p[0] == '\0') && !items)
		return;
	if (p == NULL)
		p = "";
	if (items && strstr(p, "{{item}}") == NULL)
		report(arg, NULL, 0, "params", "a probe with items needs "
		    "{{item}} in its params");
	if (!items && strstr(p, "{{item}}") != NULL)
		report(arg, NULL, 0, "params", "only a probe with items has "
		    "{{item}}");
	if (p[0] == '\0')
		return;
	/*
	 * Valid JSON with any item in place, an integer (bare) or text (a
	 * JSON string), as rpc_call writes them: try one of each.
	 */
	if (!rpc_params_ok(p, "0"))
		report(arg, NULL, 0, "params", "not a JSON array or object");
	else if (!rpc_params_ok(p, "\"x\""))
		report(arg, NULL, 0, "params", "not a JSON array or object "
		    "with a text item in place: {{item}} becomes a JSON string "
		    "or number, so it stands outside quotes");
}

static void
json_check(const struct probe_conf *pc, answer_check_cb report, void *arg)
{
	const struct answer_json_conf *jc = answer_json_conf(pc);
	size_t		 j;

	if (jc == NULL)
		return;
	if (jc->aj_explode != EX_NO && pc->pc_items != NULL &&
	    pc->pc_items[0] != '\0')
		report(arg, NULL, 0, "explode", "only a probe without items "
		    "explodes its answer; one with items has a row per item");
	for (j = 0; j < jc->aj_nvalues; j++)
		json_check_value(&jc->aj_values[j], j, report, arg);
	json_check_status(jc, report, arg);
	json_check_rpc(pc, jc, report, arg);
}

static int
json_status(const struct probe_conf *pc, long status)
{
	const struct answer_json_conf *jc = answer_json_conf(pc);
	size_t		 i;

	for (i = 0; jc != NULL && i < jc->aj_naccept; i++)
		if (strtol(jc->aj_accept[i], NULL, 10) == status)
			return 1;
	return 0;
}

const struct answer_kind answer_json = {
	.ak_kind = { "json", json_keys, sizeof(struct answer_json_conf) },
	.ak_init = json_init,
	.ak_columns = json_columns,
	.ak_extract = json_extract,
	.ak_open = json_open,
	.ak_feed = json_feed,
	.ak_end = json_end,
	.ak_check = json_check,
	.ak_status = json_status,
	.ak_body = json_body,
};
