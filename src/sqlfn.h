/* sqlfn.h -- SQL functions vantage adds to its connections */

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

#ifndef VANTAGE_SQLFN_H
#define VANTAGE_SQLFN_H

#include <sqlite3.h>

/*
 * Add to db: the aggregate tally(x, ...), how often each non-NULL value
 * of its arguments occurs, as a JSON array of [value, count] pairs in the
 * order the values first occur (integers and reals as JSON numbers, with
 * 2.0 counted as 2, text as strings; blobs are not counted).  One pass,
 * no sort: for counts by a few distinct values over many rows.  And
 * jarray_length(x), jarray_item(x, i): the length and element i (from 0,
 * as json_extract(x, '$[i]') gives it) of x where x is JSON text of an
 * array, else NULL, never an error.  0, or -1.
 */
int	sqlfn_register(sqlite3 *);

#endif
