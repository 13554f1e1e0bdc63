/*
 * promtext-bench.c -- parse rate of promtext_parse on one core
 *
 *   make bench/promtext-bench && bench/promtext-bench [SERIES [SECONDS]]
 *
 * Builds a synthetic text 0.0.4 body of SERIES series (default 2000) in 40
 * families shaped like a node's /metrics (promtext-body.c: gauges and
 * counters with 1 to 3 labels, histograms with le buckets, HELP and TYPE
 * lines, a few escaped label values, floats written shortest as Go does);
 * then parses it over and over for SECONDS (default 2) of CPU time per
 * mode and prints samples per CPU second:
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
#include "promtext-body.h"
#include "util.h"

static size_t	kept, label_bytes;

/* CPU time of this process: the rate of one core, whatever else runs. */

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
	promtext_body(&text, nseries, 0, 0);
	promtext_body(&om, nseries, 1, 0);

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
