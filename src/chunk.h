/* chunk.h -- one series' samples packed in a chunk (run deltas, XOR values) */


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

#ifndef VANTAGE_CHUNK_H
#define VANTAGE_CHUNK_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* At most this many samples in a chunk. */
#define CHUNK_MAX	65536

/* Decoded samples: runs strictly ascending, a value each. */
struct chunk_samples {
	int64_t	*cs_runs;
	double	*cs_values;
	size_t	 cs_n;
	size_t	 cs_cap;
};

/*
 * Append the chunk of n samples (1 <= n <= CHUNK_MAX, runs positive and
 * strictly ascending) to out.  The first run and value are written whole;
 * then, bit-packed, each run as the change of its step from the one
 * before (a single 0 bit when runs come one after another as before), and
 * each value as its XOR with the one before (a single 0 bit when it did
 * not change; else only the bits that differ), as in Gorilla.  Values
 * keep all 64 bits: NaN payloads, infinities and -0.0 come back as they
 * went in.  -1 if the input breaks those rules.
 */
int	chunk_encode(struct buf *out, const int64_t *runs,
	    const double *values, size_t n);
/*
 * Decode a chunk into cs (replacing what it held; grown as needed, freed
 * by chunk_samples_free).  A chunk that is not exactly what chunk_encode
 * writes gives -1 and why in *cause (static text), never a crash.
 */
int	chunk_decode(const void *data, size_t len, struct chunk_samples *cs,
	    const char **cause);
void	chunk_samples_free(struct chunk_samples *);

#endif
