/* progress.h -- one line of crawl progress on a terminal, rewritten in place */

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

#ifndef VANTAGE_PROGRESS_H
#define VANTAGE_PROGRESS_H

#include <stdio.h>

/*
 * If f is a terminal, show the progress of every crawl on it from now on
 * (nodes done of all, items, requests/s, ETA) as one line rewritten at
 * most ten times a second, cleared before each log message; otherwise do
 * nothing.
 */
void	progress_start(FILE *f);
/* Clear the line and stop showing progress. */
void	progress_end(void);

#endif
