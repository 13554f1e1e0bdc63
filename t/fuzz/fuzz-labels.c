/* fuzz-labels.c -- libFuzzer harness: label sets, JSON and exposition escaping */

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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "labels.h"
#include "util.h"

/*
 * The input is a list of label values, each a flags byte (bit 0: absent,
 * a NULL value), a length byte and that many bytes (any bytes: invalid
 * UTF-8, quotes, backslashes, newlines, NULs).  The labels are named l0,
 * l1, ... as a query's columns would be.  Checked, for the set and for
 * labels_escape of the whole input:
 *  - each value is repaired to valid UTF-8, and left alone if it was;
 *  - labels_json parses with jansson and gives back each repaired value
 *    (null when absent);
 *  - labels_expo has no raw newline, its quotes pair up, and unescaping
 *    each value gives back the repaired one; empty and absent values are
 *    left out.
 */

#define MAX_LABELS	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct want {
	int		 w_absent;
	const char	*w_raw;
	size_t		 w_rawlen;
	struct buf	 w_fixed;	/* repaired */
};

#define FAIL(...)	do {				\
	fprintf(stderr, __VA_ARGS__);			\
	fprintf(stderr, "\n");				\
	abort();					\
} while (0)

/*
 * Unescape one exposition label value starting after its opening quote;
 * returns the position after the closing quote.
 */
static const char *
unescape(const char *p, const char *end, struct buf *out)
{
	for (; p < end; p++) {
		if (*p == '\n')
			FAIL("raw newline in an exposition label value");
		if (*p == '"')
			return p + 1;
		if (*p != '\\') {
			buf_putc(out, *p);
			continue;
		}
		if (++p == end)
			FAIL("backslash at the end of the exposition");
		if (*p == 'n')
			buf_putc(out, '\n');
		else if (*p == '\\' || *p == '"')
			buf_putc(out, *p);
		else
			FAIL("unknown escape \\%c in the exposition", *p);
	}
	FAIL("unterminated label value in the exposition");
	return end;
}

static int
same(const struct buf *b, const char *s, size_t len)
{
	return b->b_len == len && (len == 0 || memcmp(b->b_data, s, len) == 0);
}

static void
check_expo(const struct buf *e, struct want *w, size_t n)
{
	const char	*p = e->b_data, *end = e->b_data + e->b_len;
	char		 name[16];
	struct buf	 v;
	size_t		 i, any = 0;

	for (i = 0; i < n; i++)
		any += !w[i].w_absent && w[i].w_fixed.b_len > 0;
	if (any == 0) {
		if (e->b_len != 0)
			FAIL("an exposition for a set with no values");
		return;
	}
	if (p == end || *p++ != '{')
		FAIL("exposition does not start with {");
	buf_init(&v, 0);
	for (i = 0; i < n; i++) {
		if (w[i].w_absent || w[i].w_fixed.b_len == 0)
			continue;
		snprintf(name, sizeof(name), "l%zu=\"", i);
		if ((size_t)(end - p) < strlen(name) ||
		    memcmp(p, name, strlen(name)) != 0)
			FAIL("expected %s in the exposition", name);
		p += strlen(name);
		buf_reset(&v);
		p = unescape(p, end, &v);
		if (!same(&v, w[i].w_fixed.b_data, w[i].w_fixed.b_len))
			FAIL("l%zu does not round-trip through the exposition",
			    i);
		if (--any > 0 && (p == end || *p++ != ','))
			FAIL("expected , in the exposition");
	}
	if (p == end || *p++ != '}' || p != end)
		FAIL("exposition does not end with }");
	buf_release(&v);
}

static void
check_json(const struct buf *j, struct want *w, size_t n)
{
	json_error_t	 je;
	json_t		*doc, *v;
	char		 name[16];
	size_t		 i;

	if ((doc = json_loadb(j->b_data, j->b_len, JSON_ALLOW_NUL |
	    JSON_REJECT_DUPLICATES, &je)) == NULL)
		FAIL("labels_json does not parse: %s: %s", je.text, j->b_data);
	if (!json_is_object(doc) || json_object_size(doc) != n)
		FAIL("labels_json: not an object of %zu keys", n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "l%zu", i);
		v = json_object_get(doc, name);
		if (w[i].w_absent) {
			if (!json_is_null(v))
				FAIL("%s: absent but not null in JSON", name);
		} else if (!json_is_string(v) || !same(&w[i].w_fixed,
		    json_string_value(v), json_string_length(v)))
			FAIL("%s does not round-trip through JSON", name);
	}
	json_decref(doc);
}

static void
repair(struct want *w)
{
	buf_init(&w->w_fixed, 0);
	buf_add_utf8(&w->w_fixed, w->w_raw, w->w_rawlen);
	if (!utf8_valid(w->w_fixed.b_data ? w->w_fixed.b_data : "",
	    w->w_fixed.b_len))
		FAIL("repaired value is not UTF-8");
	if (utf8_valid(w->w_raw, w->w_rawlen) &&
	    !same(&w->w_fixed, w->w_raw, w->w_rawlen))
		FAIL("valid UTF-8 was changed by the repair");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct labels	 ls;
	struct want	 w[MAX_LABELS], whole;
	struct buf	 b;
	const char	*got;
	char		 name[16];
	size_t		 n = 0, i, len, off = 0;

	labels_init(&ls);
	while (off + 2 <= size && n < MAX_LABELS) {
		len = data[off + 1];
		if (len > size - off - 2)
			len = size - off - 2;
		w[n].w_absent = data[off] & 1;
		w[n].w_raw = (const char *)data + off + 2;
		w[n].w_rawlen = len;
		repair(&w[n]);
		snprintf(name, sizeof(name), "l%zu", n);
		labels_add(&ls, name, w[n].w_absent ? NULL : w[n].w_raw, len);
		off += 2 + len;
		n++;
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "l%zu", i);
		got = labels_get(&ls, name);
		if (w[i].w_absent ? got != NULL : got == NULL ||
		    ls.ls_v[i].l_len != w[i].w_fixed.b_len ||
		    !same(&w[i].w_fixed, got, ls.ls_v[i].l_len))
			FAIL("%s: labels_get is not the repaired value", name);
	}

	buf_init(&b, 0);
	labels_json(&ls, &b);
	check_json(&b, w, n);
	buf_reset(&b);
	labels_expo(&ls, &b);
	if (memchr(b.b_data ? b.b_data : "", '\n', b.b_len) != NULL)
		FAIL("raw newline in the exposition");
	check_expo(&b, w, n);

	/* labels_escape of the whole input, as one value. */
	whole.w_absent = 0;
	whole.w_raw = (const char *)data;
	whole.w_rawlen = size;
	repair(&whole);
	buf_reset(&b);
	buf_puts(&b, "{l0=\"");
	labels_escape(&b, (const char *)data, size);
	buf_puts(&b, "\"}");
	if (memchr(b.b_data, '\n', b.b_len) != NULL)
		FAIL("raw newline from labels_escape");
	if (size > 0 && whole.w_fixed.b_len > 0)
		check_expo(&b, &whole, 1);
	buf_release(&whole.w_fixed);

	buf_release(&b);
	for (i = 0; i < n; i++)
		buf_release(&w[i].w_fixed);
	labels_release(&ls);
	return 0;
}
