/*
 * promtext-bench.c -- parse rate of promtext_parse on one core
 *
 *   make bench/promtext-bench && bench/promtext-bench [SERIES [SECONDS]]
 *
 * Builds a synthetic text 0.0.4 body of SERIES series (default 2000) in 40
 * families shaped like a node's /metrics: gauges and counters with 1 to 4
 * labels, histograms with le buckets, HELP and TYPE lines, a few escaped
 * label values, floats written shortest as Go does; then parses it over
 * and over for SECONDS (default 2) of CPU time per mode and prints
 * samples per CPU second:
 *   validate   no sample callback (syntax, UTF-8, values, duplicates only)
 *   keep-all   every sample passed to a callback that reads its labels
 *   keep-1/40  want() keeps 1 family of the 40 by name, skips the rest
 * The OpenMetrics variant of the same body is parsed in keep-all mode too.
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
#include <time.h>

#include "buf.h"
#include "promtext.h"
#include "util.h"

static size_t	kept, label_bytes;

/* CPU time of this process: the rate of one core, whatever else runs. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
keep_all(void *arg, const struct promtext_sample *ps)
{
	size_t	i;

	kept++;
	for (i = 0; i < ps->ps_nlabels; i++)
		label_bytes += ps->ps_labels[i].pl_valuelen;
	return 0;
}

/* Keep family 7 only (names end in the family number). */
static int
want_few(void *arg, const struct promtext_sample *ps)
{
	return ps->ps_familylen >= 3 &&
	    memcmp(ps->ps_family + ps->ps_familylen - 3, "_07", 3) == 0;
}

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
put_histogram(struct buf *b, int f, size_t nseries)
{
	const char *h = "{handler=\"/api/v";
	size_t	i, j, n = 0;

	buf_printf(b, "# HELP node_request_seconds_%02d Request latency.\n"
	    "# TYPE node_request_seconds_%02d histogram\n", f, f);
	for (i = 0; n < nseries; i++) {
		for (j = 0; j < nitems(les); j++, n++)
			buf_printf(b, "node_request_seconds_%02d_bucket"
			    "%s%zu/items\",method=\"GET\",le=\"%s\"} %zu\n", f,
			    h, i, les[j], j * 17 + i);
		buf_printf(b, "node_request_seconds_%02d_sum%s%zu/items\","
		    "method=\"GET\"} %.6f\n", f, h, i, 12.345678 * (i + 1));
		buf_printf(b, "node_request_seconds_%02d_count%s%zu/items\","
		    "method=\"GET\"} %zu\n", f, h, i, 187 + i);
		n += 2;
	}
	return n;
}

/* Family f as a counter with three labels, one value in 7 escaped. */
static size_t
put_counter(struct buf *b, int f, size_t nseries, int om)
{
	size_t	i;

	buf_printf(b, "# HELP node_ops_%02d Operations done, by kind.\n"
	    "# TYPE node_ops_%02d counter\n", f, f);
	for (i = 0; i < nseries; i++)
		buf_printf(b, "node_ops_%02d%s{kind=\"op%zu\",peer=\"12D3KooW"
		    "%08zxAbCdEf\",result=\"%s\"} %zu\n", f, om ? "_total" : "",
		    i, i * 2654435761u % 0xffffffff,
		    i % 7 == 0 ? "err \\\"quoted\\\"" : "ok", i * 1000 + 7);
	return nseries;
}

/* Family f as a gauge with one label and fractional values. */
static size_t
put_gauge(struct buf *b, int f, size_t nseries)
{
	char	num[32];
	size_t	i;

	buf_printf(b, "# HELP node_level_%02d A level.\n"
	    "# TYPE node_level_%02d gauge\n", f, f);
	for (i = 0; i < nseries; i++)
		buf_printf(b, "node_level_%02d{shard=\"%zu\"} %s\n", f, i,
		    shortest(1.0 / (i + 3), num, sizeof(num)));
	return nseries;
}

/*
 * nseries samples in about 40 families: every tenth a histogram, the
 * others counters and gauges by turns.
 */
static void
body_make(struct buf *b, size_t nseries, int om)
{
	size_t	n = 0, per = nseries / 40, left;
	int	f;

	for (f = 0; n < nseries; f++) {
		left = nseries - n < per ? nseries - n : per;
		if (f % 10 == 3)
			n += put_histogram(b, f, left);
		else if (f % 2 == 0)
			n += put_counter(b, f, left, om);
		else
			n += put_gauge(b, f, left);
	}
	if (om)
		buf_puts(b, "# EOF\n");
}

static void
run(const char *mode, const struct buf *b, const struct promtext_opts *po,
    double seconds)
{
	char	 err[PROMTEXT_ERRMAX];
	double	 t0, t;
	size_t	 rounds = 0, nsamples;

	kept = 0;
	/* count the samples once */
	{
		struct promtext_opts all = *po;

		all.po_want = NULL;
		all.po_sample = keep_all;
		if (promtext_parse(b->b_data, b->b_len, &all, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "bench: %s\n", err);
			exit(1);
		}
		nsamples = kept;
	}
	kept = 0;
	t0 = cpu_now();
	do {
		if (promtext_parse(b->b_data, b->b_len, po, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "bench: %s\n", err);
			exit(1);
		}
		rounds++;
	} while ((t = cpu_now() - t0) < seconds);
	printf("%-14s %6zu samples, %7zu bytes: %8.0f bodies/s  %6.2f M "
	    "samples/s  %6.0f MB/s  (kept %zu per body)\n", mode, nsamples,
	    b->b_len, rounds / t, rounds * nsamples / t / 1e6,
	    rounds * b->b_len / t / 1e6, kept / rounds);
}

int
main(int argc, char **argv)
{
	struct promtext_opts po;
	struct buf text, om;
	size_t	 nseries = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	double	 seconds = argc > 2 ? strtod(argv[2], NULL) : 2;

	buf_init(&text, 0);
	buf_init(&om, 0);
	body_make(&text, nseries, 0);
	body_make(&om, nseries, 1);

	memset(&po, 0, sizeof(po));
	po.po_format = PROMTEXT_TEXT;
	run("validate", &text, &po, seconds);
	po.po_sample = keep_all;
	run("keep-all", &text, &po, seconds);
	po.po_want = want_few;
	run("keep-1/40", &text, &po, seconds);
	po.po_want = NULL;
	po.po_format = PROMTEXT_OPENMETRICS;
	run("om keep-all", &om, &po, seconds);
	buf_release(&text);
	buf_release(&om);
	return 0;
}
