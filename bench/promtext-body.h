/* promtext-body.h -- synthetic node /metrics bodies for the benchmarks */

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

#ifndef VANTAGE_PROMTEXT_BODY_H
#define VANTAGE_PROMTEXT_BODY_H

#include <stddef.h>

struct buf;

/*
 * Append to b a text 0.0.4 body (om: OpenMetrics, with # EOF) of nseries
 * series in about 40 families shaped like a node's /metrics: gauges and
 * counters with 1 to 3 labels, histograms with le buckets, HELP and TYPE
 * lines, one label value in 7 escaped, floats written shortest as Go
 * does.  node varies the values (not the series), so that 1,000 nodes
 * send 1,000 different bodies of the same series.
 */
void	promtext_body(struct buf *b, size_t nseries, int om, unsigned node);

#endif
