/* promtext-body.h -- synthetic node /metrics bodies for the benchmarks */
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
