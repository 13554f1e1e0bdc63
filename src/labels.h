/* labels.h -- one label set, rendered as stored JSON and as the exposition writes it */

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

#ifndef VANTAGE_LABELS_H
#define VANTAGE_LABELS_H

#include <stddef.h>

#include "buf.h"

/*
 * A label set in insertion order.  Names and values are copied in, into
 * one buffer that labels_reset keeps for the next set, so that building a
 * set per row costs no allocation.  One policy for bytes that are not
 * UTF-8, applied when a value enters the set: each invalid sequence
 * becomes U+FFFD (buf_add_utf8), so both renderings carry the same text.
 * A NULL value is kept as absent: null in JSON, left out of the
 * exposition, as an empty value is.
 */
struct label {
	size_t	 l_name;	/* offset in ls_text, NUL-terminated */
	size_t	 l_namelen;
	size_t	 l_value;	/* offset in ls_text; LABEL_ABSENT: absent */
	size_t	 l_len;
};
#define LABEL_ABSENT	((size_t)-1)

struct labels {
	struct label	*ls_v;
	size_t		 ls_n;
	size_t		 ls_cap;
	struct buf	 ls_text;	/* the names and values, each NUL-ended */
};

void	labels_init(struct labels *);
void	labels_release(struct labels *);
/* Empty the set, keeping its memory for the next one. */
void	labels_reset(struct labels *);
/* Append name="value" (len bytes of value; value may be NULL). */
void	labels_add(struct labels *, const char *name, const char *value,
	    size_t len);
/* The value of name, or NULL; valid until the set changes. */
const char *labels_get(const struct labels *, const char *name);
/* Append the set as a JSON object: {"a":"x","b":null}. */
void	labels_json(const struct labels *, struct buf *);
/*
 * Append the set as the exposition writes it, {a="x",b="y"} with values
 * escaped (\\, \", \n); labels with empty or absent values are left out,
 * and a set with none appends nothing.
 */
void	labels_expo(const struct labels *, struct buf *);
/* Append len bytes of s escaped as an exposition label value. */
void	labels_escape(struct buf *, const char *s, size_t len);

#endif
