/* jstream.h -- values at JSON pointers, read from one streaming parse (yajl) */

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

#ifndef VANTAGE_JSTREAM_H
#define VANTAGE_JSTREAM_H

#include <stddef.h>
#include <stdint.h>

/*
 * A JSON answer is read once, as a stream, and only the values at the
 * pointers asked for are kept: no tree is built.  The pointers are RFC
 * 6901, either from the top of the document ("top" slots) or inside each
 * element (or member) of one container, the rows ("field" slots): a row
 * is kept or dropped as soon as it ends, so memory follows what is kept,
 * not the answer.  The whole document is still checked: it must be one
 * JSON value, valid UTF-8, without \u0000, nested at most JSTREAM_DEPTH
 * deep, and no object may hold a key twice; else the parse fails and says
 * where.  Numbers are read as JSON writes them: an integer that fits in 64
 * bits is JV_INTEGER, any other number JV_REAL, and one beyond a double is
 * +-DBL_MAX (a real column reads it as out of range).
 */

#define JSTREAM_DEPTH	2048

enum jv_type {
	JV_NONE,	/* not in the answer */
	JV_NULL,
	JV_FALSE,
	JV_TRUE,
	JV_INTEGER,
	JV_REAL,
	JV_STRING,
	JV_OBJECT,	/* only its type is kept */
	JV_ARRAY
};

/* One value; jv_str (jv_len bytes, NUL-terminated) is borrowed. */
struct jval {
	enum jv_type	 jv_type;
	int64_t		 jv_int;
	double		 jv_real;
	const char	*jv_str;
	size_t		 jv_len;
	size_t		 jv_off;	/* where jv_str is kept while parsing */
};

struct jstream;

/*
 * Called when row index (counted from 0, every element or member) ends,
 * its values readable with jstream_field and jstream_name: return 1 to
 * keep the row (it becomes jstream_row(..., kept), kept counting the rows
 * kept so far), 0 to drop it, -1 to stop the parse (jstream_end then
 * returns -1 with the reason the callback put in err).
 */
typedef int (*jstream_row_cb)(void *arg, struct jstream *, size_t index,
    char *err, size_t errlen);

struct jstream	*jstream_new(void);
void		 jstream_free(struct jstream *);

/*
 * The slot of a pointer from the top of the document, or inside each row
 * (every pointer is copied).  A pointer that is not one ("a/b") is the
 * slot -1, whose value is always JV_NONE.
 */
int	jstream_top(struct jstream *, const char *pointer);
int	jstream_field(struct jstream *, const char *pointer);

/*
 * Rows are the elements of the array at pointer (members: the members of
 * the object there); of any other value, none.  Call once, before
 * jstream_field.
 */
void	jstream_rows(struct jstream *, const char *pointer, int members);

/*
 * The parse, the answer given in pieces as it arrives (or whole, as one
 * piece): begin; feed each piece (-1 once the parse failed: no need to
 * feed more; a piece is not kept); end: 0, or -1 with the reason in err
 * ("'[' or '{' expected near '<' at line 1 column 1" -- without a
 * "malformed answer" prefix).  Rows are handed to row as they end, while
 * pieces are fed.  An error's position counts from the start of the
 * answer; its "near" text is cut where the piece ends, and where the
 * token refused was cut between pieces, the column may be a few bytes on.
 */
void	jstream_begin(struct jstream *, jstream_row_cb row, void *arg);
int	jstream_feed(struct jstream *, const char *piece, size_t len);
int	jstream_end(struct jstream *, char *err, size_t errlen);

/* After the parse: a top value, and rows kept. */
const struct jval *jstream_value(struct jstream *, int slot);
size_t	jstream_nrows(struct jstream *);
const struct jval *jstream_row(struct jstream *, size_t row, int slot);
/* A kept row's member name (members only, else NULL), its length in *lenp. */
const char *jstream_row_name(struct jstream *, size_t row, size_t *lenp);

/* In the row callback: the value of the row that just ended, and its name. */
const struct jval *jstream_field_value(struct jstream *, int slot);
const char *jstream_name(struct jstream *, size_t *lenp);

#endif
