/* html.h -- escaping and inline SVG charts for server-rendered pages */

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

#ifndef VANTAGE_HTML_H
#define VANTAGE_HTML_H

#include <stddef.h>

struct buf;

/*
 * Append len bytes of s as HTML text, safe both between tags and inside a
 * double- or single-quoted attribute value: & < > " ' become entities,
 * bytes that are not UTF-8 and control characters (but tab and newline)
 * become U+FFFD.  Whatever a node sent cannot open a tag or end an
 * attribute.
 */
void	html_escape(struct buf *, const char *s, size_t len);
/* The same for a NUL-terminated string; NULL appends nothing. */
void	html_puts(struct buf *, const char *s);
/*
 * Append len bytes of s percent-encoded as one path segment or query
 * value: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX.  The result is
 * also safe in an HTML attribute.
 */
void	html_urlencode(struct buf *, const char *s, size_t len);

/* One line of a chart: points (time, value), oldest first; borrowed. */
struct chart_line {
	const char	*cl_name;	/* legend text (escaped here) */
	const double	*cl_t;
	const double	*cl_v;
	size_t		 cl_n;
};

#define CHART_PERCENT	0x1	/* values are shares 0..1, shown as % */

/*
 * Append a <figure> with an inline SVG line chart of the lines over the
 * time range [t0, t1] (unix seconds), its axes labelled in UTC, and a
 * legend; a range without points says so.  No script, no external
 * reference: it renders offline and under a strict Content-Security-Policy.
 */
void	html_chart(struct buf *, const char *title,
	    const struct chart_line *, size_t nlines, double t0, double t1,
	    int flags);
/* Append a number as the pages show it: integers in full, others %.4g. */
void	html_number(struct buf *, double v);
/* Append a unix time as "YYYY-MM-DD HH:MM:SS UTC". */
void	html_time(struct buf *, double t);

#endif
