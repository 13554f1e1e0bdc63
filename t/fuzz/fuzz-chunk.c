/* fuzz-chunk.c -- libFuzzer harness for the sample chunk codec */


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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chunk.h"

/*
 * The first byte picks what the rest is:
 *  - even: a chunk as stored.  It decodes or is refused; decoded, its
 *    runs are positive and strictly ascending, and encoding them again
 *    gives a chunk that decodes to the same samples, bit for bit;
 *  - odd: samples to pack, 9 bytes each (a run step byte, 0 meaning a
 *    large step of 2^20 to 2^39, and the value's 8 bytes).  Encoded and
 *    decoded, they come back bit for bit.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...)	do {				\
	fprintf(stderr, __VA_ARGS__);			\
	fprintf(stderr, "\n");			\
	abort();					\
} while (0)

static void
same(const struct chunk_samples *a, const int64_t *runs, const double *values,
    size_t n)
{
	size_t	i;

	if (a->cs_n != n)
		FAIL("%zu samples back, not %zu", a->cs_n, n);
	for (i = 0; i < n; i++)
		if (a->cs_runs[i] != runs[i] || memcmp(&a->cs_values[i],
		    &values[i], sizeof(double)) != 0)
			FAIL("sample %zu differs", i);
}

static void
repack(const int64_t *runs, const double *values, size_t n)
{
	struct chunk_samples	 cs = { NULL, NULL, 0, 0 };
	struct buf		 b;
	const char		*why;

	buf_init(&b, 0);
	if (chunk_encode(&b, runs, values, n) == -1)
		FAIL("valid samples refused by chunk_encode");
	if (chunk_decode(b.b_data, b.b_len, &cs, &why) == -1)
		FAIL("chunk_encode wrote a chunk chunk_decode refuses: %s", why);
	same(&cs, runs, values, n);
	chunk_samples_free(&cs);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chunk_samples	 cs = { NULL, NULL, 0, 0 };
	const char		*why;
	int64_t			*runs, run = 0;
	double			*values;
	size_t			 i, n;

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		if (chunk_decode(data + 1, size - 1, &cs, &why) == 0) {
			if (cs.cs_n == 0 || cs.cs_n > CHUNK_MAX)
				FAIL("%zu samples decoded", cs.cs_n);
			for (i = 0; i < cs.cs_n; i++)
				if (cs.cs_runs[i] < 1 || (i > 0 &&
				    cs.cs_runs[i] <= cs.cs_runs[i - 1]))
					FAIL("runs out of order at %zu", i);
			repack(cs.cs_runs, cs.cs_values, cs.cs_n);
		}
		chunk_samples_free(&cs);
		return 0;
	}
	n = (size - 1) / 9;
	if (n == 0 || n > CHUNK_MAX)
		return 0;
	runs = calloc(n, sizeof(*runs));
	values = calloc(n, sizeof(*values));
	if (runs == NULL || values == NULL)
		abort();
	for (i = 0; i < n; i++) {
		const uint8_t *p = data + 1 + 9 * i;

		run += p[0] != 0 ? p[0] : (int64_t)1 << (20 + i % 20);
		runs[i] = run;
		memcpy(&values[i], p + 1, sizeof(double));
	}
	repack(runs, values, n);
	free(runs);
	free(values);
	return 0;
}
