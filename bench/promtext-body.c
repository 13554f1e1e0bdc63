/*
 * promtext-body.c -- synthetic node /metrics bodies, shared by
 * bench/promtext-bench (parse rate) and bench/promtext-serve (ingest)
 */

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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "promtext-body.h"

/* The shortest "%g" text that reads back the same, as Go writes floats. */
static const char *
shortest(double v, char *out, size_t outsz)
{
	int	prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(out, outsz, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return out;
	}
	snprintf(out, outsz, "%.17g", v);
	return out;
}

static const char *const les[] = { "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "2.5", "5", "10", "+Inf" };

/* Family f as a histogram: groups of 12 buckets, _sum and _count. */
static size_t
put_histogram(struct buf *b, int f, size_t nseries, unsigned node)
{
	const char *h = "{handler=\"/api/v";
	size_t	i, j, n = 0;

	buf_printf(b, "# HELP node_request_seconds_%02d Request latency.\n"
	    "# TYPE node_request_seconds_%02d histogram\n", f, f);
	for (i = 0; n < nseries; i++) {
		for (j = 0; j < nitems(les); j++, n++)
			buf_printf(b, "node_request_seconds_%02d_bucket"
			    "%s%zu/items\",method=\"GET\",le=\"%s\"} %zu\n", f,
			    h, i, les[j], j * 17 + i + node);
		buf_printf(b, "node_request_seconds_%02d_sum%s%zu/items\","
		    "method=\"GET\"} %.6f\n", f, h, i,
		    12.345678 * (i + 1 + node));
		buf_printf(b, "node_request_seconds_%02d_count%s%zu/items\","
		    "method=\"GET\"} %zu\n", f, h, i, 187 + i + 12 * node);
		n += 2;
	}
	return n;
}

/* Family f as a counter with three labels, one value in 7 escaped. */
static size_t
put_counter(struct buf *b, int f, size_t nseries, int om, unsigned node)
{
	size_t	i;

	buf_printf(b, "# HELP node_ops_%02d Operations done, by kind.\n"
	    "# TYPE node_ops_%02d counter\n", f, f);
	for (i = 0; i < nseries; i++)
		buf_printf(b, "node_ops_%02d%s{kind=\"op%zu\",peer=\"12D3KooW"
		    "%08zxAbCdEf\",result=\"%s\"} %zu\n", f, om ? "_total" : "",
		    i, i * 2654435761u % 0xffffffff,
		    i % 7 == 0 ? "err \\\"quoted\\\"" : "ok",
		    i * 1000 + 7 + node);
	return nseries;
}

/* Family f as a gauge with one label and fractional values. */
static size_t
put_gauge(struct buf *b, int f, size_t nseries, unsigned node)
{
	char	num[32];
	size_t	i;

	buf_printf(b, "# HELP node_level_%02d A level.\n"
	    "# TYPE node_level_%02d gauge\n", f, f);
	for (i = 0; i < nseries; i++)
		buf_printf(b, "node_level_%02d{shard=\"%zu\"} %s\n", f, i,
		    shortest(1.0 / (i + 3 + node), num, sizeof(num)));
	return nseries;
}

/*
 * nseries samples in about 40 families: every tenth a histogram, the
 * others counters and gauges by turns.
 */
void
promtext_body(struct buf *b, size_t nseries, int om, unsigned node)
{
	size_t	n = 0, per = nseries / 40, left;
	int	f;

	for (f = 0; n < nseries; f++) {
		left = nseries - n < per ? nseries - n : per;
		if (f % 10 == 3)
			n += put_histogram(b, f, left, node);
		else if (f % 2 == 0)
			n += put_counter(b, f, left, om, node);
		else
			n += put_gauge(b, f, left, node);
	}
	if (om)
		buf_puts(b, "# EOF\n");
}
