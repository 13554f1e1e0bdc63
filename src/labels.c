/* labels.c -- one label set, rendered as stored JSON and as the exposition writes it */

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

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "labels.h"
#include "xmalloc.h"

void
labels_init(struct labels *ls)
{
	memset(ls, 0, sizeof(*ls));
	buf_init(&ls->ls_text, 0);
}

void
labels_reset(struct labels *ls)
{
	ls->ls_n = 0;
	buf_reset(&ls->ls_text);
}

void
labels_release(struct labels *ls)
{
	free(ls->ls_v);
	buf_release(&ls->ls_text);
	labels_init(ls);
}

void
labels_add(struct labels *ls, const char *name, const char *value, size_t len)
{
	struct label	*l;
	struct buf	*t = &ls->ls_text;

	if (ls->ls_n == ls->ls_cap) {
		ls->ls_cap = ls->ls_cap == 0 ? 4 : ls->ls_cap * 2;
		ls->ls_v = xreallocarray(ls->ls_v, ls->ls_cap, sizeof(*ls->ls_v));
	}
	l = &ls->ls_v[ls->ls_n++];
	l->l_namelen = strlen(name);
	l->l_name = t->b_len;
	buf_add(t, name, l->l_namelen + 1);
	l->l_value = LABEL_ABSENT;
	l->l_len = 0;
	if (value == NULL)
		return;
	l->l_value = t->b_len;
	buf_add_utf8(t, value, len);
	l->l_len = t->b_len - l->l_value;
	buf_add(t, "", 1);
}

#define NAME(ls, l)	((ls)->ls_text.b_data + (l)->l_name)
#define VALUE(ls, l)	((ls)->ls_text.b_data + (l)->l_value)

const char *
labels_get(const struct labels *ls, const char *name)
{
	const struct label *l;
	size_t	i;

	for (i = 0; i < ls->ls_n; i++) {
		l = &ls->ls_v[i];
		if (strcmp(NAME(ls, l), name) == 0)
			return l->l_value == LABEL_ABSENT ? NULL : VALUE(ls, l);
	}
	return NULL;
}

void
labels_json(const struct labels *ls, struct buf *b)
{
	const struct label *l;
	size_t		 i;

	buf_putc(b, '{');
	for (i = 0; i < ls->ls_n; i++) {
		l = &ls->ls_v[i];
		if (i > 0)
			buf_putc(b, ',');
		buf_json_string(b, NAME(ls, l), l->l_namelen);
		buf_putc(b, ':');
		if (l->l_value == LABEL_ABSENT)
			buf_puts(b, "null");
		else
			buf_json_string(b, VALUE(ls, l), l->l_len);
	}
	buf_putc(b, '}');
}

/* Escape a value that is valid UTF-8 already. */
static void
escape(struct buf *b, const char *s, size_t len)
{
	size_t	i, run;

	for (i = 0; i < len; i += run) {
		run = strcspn(s + i, "\\\"\n");
		if (run > len - i)
			run = len - i;
		if (run > 0) {
			buf_add(b, s + i, run);
			continue;
		}
		if (s[i] == '\n')
			buf_add(b, "\\n", 2);
		else if (s[i] == '"' || s[i] == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, s[i]);
		} else
			buf_putc(b, s[i]);	/* a NUL byte */
		run = 1;
	}
}

void
labels_escape(struct buf *b, const char *s, size_t len)
{
	struct buf	u;

	buf_init(&u, 0);
	buf_add_utf8(&u, s, len);
	escape(b, u.b_data ? u.b_data : "", u.b_len);
	buf_release(&u);
}

void
labels_expo(const struct labels *ls, struct buf *b)
{
	const struct label *l;
	size_t		 i;
	int		 first = 1;

	for (i = 0; i < ls->ls_n; i++) {
		l = &ls->ls_v[i];
		if (l->l_value == LABEL_ABSENT || l->l_len == 0)
			continue;	/* empty means absent */
		buf_putc(b, first ? '{' : ',');
		buf_add(b, NAME(ls, l), l->l_namelen);
		buf_add(b, "=\"", 2);
		escape(b, VALUE(ls, l), l->l_len);
		buf_putc(b, '"');
		first = 0;
	}
	if (!first)
		buf_putc(b, '}');
}
