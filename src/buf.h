/* buf.h -- growable byte buffer with an optional hard cap */

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

#ifndef VANTAGE_BUF_H
#define VANTAGE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A buf owns its bytes; b_data is always NUL-terminated (the NUL is not
 * counted in b_len).  With b_cap != 0, appends that would exceed b_cap bytes
 * fail with -1 and leave the buffer unchanged, which is how every byte from
 * the network is bounded.
 */
struct buf {
	char	*b_data;
	size_t	 b_len;
	size_t	 b_size;	/* allocated */
	size_t	 b_cap;		/* 0 = unlimited */
};

void	 buf_init(struct buf *, size_t cap);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_add_grow(struct buf *, const void *, size_t);
int	 buf_putc_grow(struct buf *, char);
int	 buf_reserve_grow(struct buf *, size_t more);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hand the bytes to the caller (who frees them); the buf is left empty. */
char	*buf_take(struct buf *, size_t *lenp);
/*
 * Append len bytes of s as valid UTF-8: each invalid sequence (a stray
 * byte, or a lead byte with its continuation bytes) becomes one U+FFFD.
 */
int	 buf_add_utf8(struct buf *, const char *s, size_t len);
/* Append s as a JSON string literal, quotes included. */
int	 buf_json_string(struct buf *, const char *s, size_t len);

/*
 * Appends: with room (and no cap) at once, inline, since a crawl makes
 * millions of them of a few bytes; else through the growing path.
 */
static inline int
buf_add(struct buf *b, const void *p, size_t len)
{
	if (b->b_cap != 0 || len >= b->b_size - b->b_len)
		return buf_add_grow(b, p, len);
	if (len > 0)
		memcpy(b->b_data + b->b_len, p, len);
	b->b_len += len;
	b->b_data[b->b_len] = '\0';
	return 0;
}

/* Room for more bytes and the NUL without another allocation. */
static inline int
buf_reserve(struct buf *b, size_t more)
{
	if (b->b_cap != 0 || more >= b->b_size - b->b_len)
		return buf_reserve_grow(b, more);
	return 0;
}

static inline int
buf_putc(struct buf *b, char c)
{
	if (b->b_cap != 0 || 1 >= b->b_size - b->b_len)
		return buf_putc_grow(b, c);
	b->b_data[b->b_len++] = c;
	b->b_data[b->b_len] = '\0';
	return 0;
}

#endif
