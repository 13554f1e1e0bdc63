/* html.c -- escaping and inline SVG charts for server-rendered pages */

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

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "html.h"
#include "util.h"

#define CHART_W		640	/* viewBox units */
#define CHART_H		220
#define CHART_LEFT	56	/* room for the value axis */
#define CHART_RIGHT	12
#define CHART_TOP	10
#define CHART_BOTTOM	26	/* room for the time axis */

/* Distinct on white and for the common colour blindnesses (Okabe-Ito). */
static const char *const chart_colors[] = {
	"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9",
	"#000000", "#f0e442"
};

static void
escape_valid(struct buf *b, const char *s, size_t len)
{
	size_t		i, start = 0;
	unsigned char	c;
	const char	*rep;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				rep = "\xef\xbf\xbd";
			else
				rep = NULL;
			break;
		}
		if (rep == NULL)
			continue;
		buf_add(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

void
html_escape(struct buf *b, const char *s, size_t len)
{
	struct buf	tmp;

	if (utf8_valid(s, len)) {
		escape_valid(b, s, len);
		return;
	}
	buf_init(&tmp, 0);
	buf_add_utf8(&tmp, s, len);
	escape_valid(b, tmp.b_data, tmp.b_len);
	buf_release(&tmp);
}

void
html_puts(struct buf *b, const char *s)
{
	if (s != NULL)
		html_escape(b, s, strlen(s));
}

void
html_urlencode(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	c;
	size_t		i;
	char		enc[3];

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_putc(b, (char)c);
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[c >> 4];
		enc[2] = hex[c & 0xf];
		buf_add(b, enc, 3);
	}
}

void
html_number(struct buf *b, double v)
{
	if (!isfinite(v))
		buf_puts(b, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
	else if (v == trunc(v) && fabs(v) < 1e15)
		buf_printf(b, "%.0f", v);
	else
		buf_printf(b, "%.4g", v);
}

void
html_time(struct buf *b, double t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		s[32];

	if (!isfinite(t) || gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		buf_puts(b, "?");
		return;
	}
	buf_puts(b, s);
}

/* A short time for an axis: "HH:MM" within a day, else "MM-DD HH:MM". */
static void
axis_time(struct buf *b, double t, double span)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s),
	    span <= 86400 ? "%H:%M" : "%m-%d %H:%M", &tm) == 0)
		return;
	buf_puts(b, s);
}

/* A value for an axis label. */
static void
axis_value(struct buf *b, double v, int flags)
{
	if (flags & CHART_PERCENT)
		buf_printf(b, "%.0f%%", v * 100);
	else if (fabs(v) >= 1e6)
		buf_printf(b, "%.3g", v);
	else if (v == trunc(v))
		buf_printf(b, "%.0f", v);
	else
		buf_printf(b, "%.3g", v);
}

void
html_chart(struct buf *b, const char *title, const struct chart_line *lines,
    size_t nlines, double t0, double t1, int flags)
{
	double		 lo = INFINITY, hi = -INFINITY, x, y, v, w, h;
	size_t		 i, j, npoints = 0;
	int		 k;

	for (i = 0; i < nlines; i++)
		for (j = 0; j < lines[i].cl_n; j++) {
			v = lines[i].cl_v[j];
			if (!isfinite(v))
				continue;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			npoints++;
		}
	if (flags & CHART_PERCENT) {
		lo = 0;
		hi = 1;
	} else if (npoints == 0) {
		lo = 0;
		hi = 1;
	} else {
		if (lo > 0)
			lo = 0;		/* counts read best from zero */
		if (hi <= lo)
			hi = lo + 1;
	}
	if (t1 <= t0)
		t1 = t0 + 1;
	w = CHART_W - CHART_LEFT - CHART_RIGHT;
	h = CHART_H - CHART_TOP - CHART_BOTTOM;

	buf_puts(b, "<figure class=\"chart\"><figcaption>");
	html_puts(b, title);
	buf_printf(b, "</figcaption><svg viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"", CHART_W, CHART_H);
	html_puts(b, title);
	buf_puts(b, "\">");
	/* Grid and value axis: bottom, middle, top. */
	for (k = 0; k <= 2; k++) {
		y = CHART_TOP + h - h * k / 2.0;
		buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"/><text class=\"axis\" x=\"%d\" "
		    "y=\"%.1f\" text-anchor=\"end\">", CHART_LEFT, y,
		    CHART_W - CHART_RIGHT, y, CHART_LEFT - 6, y + 4);
		axis_value(b, lo + (hi - lo) * k / 2.0, flags);
		buf_puts(b, "</text>");
	}
	/* Time axis: start, middle, end. */
	for (k = 0; k <= 2; k++) {
		x = CHART_LEFT + w * k / 2.0;
		buf_printf(b, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"%s\">", x, CHART_H - 8,
		    k == 0 ? "start" : k == 1 ? "middle" : "end");
		axis_time(b, t0 + (t1 - t0) * k / 2.0, t1 - t0);
		buf_puts(b, "</text>");
	}
	if (npoints == 0)
		buf_printf(b, "<text class=\"empty\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">no complete run in this range"
		    "</text>", CHART_LEFT + (int)w / 2, CHART_TOP + (int)h / 2);
	for (i = 0; i < nlines; i++) {
		if (lines[i].cl_n == 0)
			continue;
		buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\" vector-effect=\"non-scaling-stroke\" "
		    "points=\"", chart_colors[i % nitems(chart_colors)]);
		for (j = 0; j < lines[i].cl_n; j++) {
			v = lines[i].cl_v[j];
			if (!isfinite(v))
				continue;
			x = CHART_LEFT + w * (lines[i].cl_t[j] - t0) / (t1 - t0);
			y = CHART_TOP + h - h * (v - lo) / (hi - lo);
			buf_printf(b, "%s%.1f,%.1f", j > 0 ? " " : "", x, y);
		}
		buf_puts(b, "\"/>");
		/* One point alone draws no line: mark it. */
		if (lines[i].cl_n == 1 && isfinite(lines[i].cl_v[0]))
			buf_printf(b, "<circle r=\"3\" fill=\"%s\" cx=\"%.1f\" "
			    "cy=\"%.1f\"/>", chart_colors[i %
			    nitems(chart_colors)], CHART_LEFT + w *
			    (lines[i].cl_t[0] - t0) / (t1 - t0), CHART_TOP + h -
			    h * (lines[i].cl_v[0] - lo) / (hi - lo));
	}
	buf_puts(b, "</svg><ul class=\"legend\">");
	for (i = 0; i < nlines; i++) {
		buf_printf(b, "<li><span class=\"swatch\" style=\"background:"
		    "%s\"></span>", chart_colors[i % nitems(chart_colors)]);
		html_puts(b, lines[i].cl_name);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul></figure>\n");
}
