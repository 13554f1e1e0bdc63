/* buf.c -- growable byte buffer with an optional hard cap */

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

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "xmalloc.h"

void
buf_init(struct buf *b, size_t cap)
{
	b->b_data = NULL;
	b->b_len = 0;
	b->b_size = 0;
	b->b_cap = cap;
}

void
buf_release(struct buf *b)
{
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_size = 0;
}

void
buf_reset(struct buf *b)
{
	b->b_len = 0;
	if (b->b_data != NULL)
		b->b_data[0] = '\0';
}

static int
buf_grow_slow(struct buf *b, size_t more)
{
	size_t	need, nsize;

	if (b->b_cap != 0 && (more > b->b_cap || b->b_len > b->b_cap - more))
		return -1;
	need = b->b_len + more + 1;
	if (need <= b->b_size)
		return 0;
	nsize = b->b_size == 0 ? 256 : b->b_size;
	while (nsize < need)
		nsize *= 2;
	b->b_data = xreallocarray(b->b_data, nsize, 1);
	b->b_size = nsize;
	return 0;
}

/* Room for more bytes and the NUL; the common case without a call. */
static inline int
buf_grow(struct buf *b, size_t more)
{
	if (b->b_cap == 0 && more < b->b_size - b->b_len)
		return 0;
	return buf_grow_slow(b, more);
}

int
buf_add_grow(struct buf *b, const void *p, size_t len)
{
	if (buf_grow(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->b_data + b->b_len, p, len);
	b->b_len += len;
	b->b_data[b->b_len] = '\0';
	return 0;
}

int
buf_putc_grow(struct buf *b, char c)
{
	if (buf_grow(b, 1) == -1)
		return -1;
	b->b_data[b->b_len++] = c;
	b->b_data[b->b_len] = '\0';
	return 0;
}

int
buf_reserve_grow(struct buf *b, size_t more)
{
	return buf_grow(b, more);
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;
	char	small[256];

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, n);
	if (buf_grow(b, n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->b_data + b->b_len, n + 1, fmt, ap);
	va_end(ap);
	b->b_len += n;
	return 0;
}

char *
buf_take(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->b_data == NULL)
		b->b_data = xcalloc(1, 1);
	p = b->b_data;
	if (lenp != NULL)
		*lenp = b->b_len;
	b->b_data = NULL;
	b->b_len = b->b_size = 0;
	return p;
}

#define BYTES_ONES	0x0101010101010101ULL
#define BYTES_HIGHS	0x8080808080808080ULL

/*
 * How many bytes from s on JSON keeps as they are (none is '"', '\\' or
 * below 0x20): eight at a time, each word tested for a byte below 0x20
 * and for a byte equal to either (the exact test of a zero byte, on the
 * word xor'ed with that byte everywhere); a word that has one is read
 * byte by byte.
 */
static size_t
json_plain_run(const char *s, size_t len)
{
	uint64_t	 w, q, e;
	size_t		 i = 0;
	unsigned char	 c;

	for (; len - i >= 8; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		q = w ^ (BYTES_ONES * '"');
		e = w ^ (BYTES_ONES * '\\');
		if ((((w - BYTES_ONES * 0x20) & ~w) | ((q - BYTES_ONES) & ~q) |
		    ((e - BYTES_ONES) & ~e)) & BYTES_HIGHS)
			break;
	}
	for (; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c < 0x20)
			break;
	}
	return i;
}

int
buf_json_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i, run;
	unsigned char c;
	char	esc[6];

	if (buf_putc(b, '"') == -1)
		return -1;
	for (i = 0; i < len; i++) {
		run = json_plain_run(s + i, len - i);	/* kept as they are */
		if (run > 0 && buf_add(b, s + i, run) == -1)
			return -1;
		if ((i += run) == len)
			break;
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = c;
			if (buf_add(b, esc, 2) == -1)
				return -1;
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			if (buf_add(b, esc, 6) == -1)
				return -1;
		}
	}
	return buf_putc(b, '"');
}

int
buf_add_utf8(struct buf *b, const char *s, size_t len)
{
	size_t		i, n, k;
	unsigned char	c;
	int		rc = 0;

	if (utf8_valid(s, len))		/* the common case, at once */
		return buf_add(b, s, len);
	for (i = 0; i < len && rc == 0; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80) {
			rc = buf_putc(b, (char)c);
			continue;
		}
		n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		    (c & 0xf8) == 0xf0 ? 4 : 0;
		if (n > 0 && i + n <= len && utf8_valid(s + i, n)) {
			rc = buf_add(b, s + i, n);
			i += n - 1;
			continue;
		}
		rc = buf_add(b, "\xef\xbf\xbd", 3);
		for (k = 1; k < n && i + 1 < len &&
		    ((unsigned char)s[i + 1] & 0xc0) == 0x80; k++)
			i++;
	}
	return rc;
}
