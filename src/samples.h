/* samples.h -- the samples table: recent runs as rows, older ones in chunks */


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

#ifndef VANTAGE_SAMPLES_H
#define VANTAGE_SAMPLES_H

#include <sqlite3.h>

struct store;

/*
 * Samples are stored in two parts: sample_head, one row per sample of
 * the newest runs, and sample_chunks, one blob per series per seal (a
 * range of older runs, sample_seals) packed by chunk.c.  The virtual
 * table samples (module vantage_samples) shows both as rows (run_id,
 * series_id, value); a constraint on series_id, and on run_id (=, <, <=,
 * >, >=), reads only the chunks and rows that can match.
 */

/* Newest complete runs kept as rows; runs in a chunk at most. */
#define SAMPLES_HEAD_RUNS	8
#define SAMPLES_SEAL_RUNS	128
/* Sealed sooner when the oldest run of the head is this much older. */
#define SAMPLES_SEAL_SECONDS	86400

/* Register the module on a connection (every connection vantage opens). */
int	samples_module(sqlite3 *db);
/*
 * Pack the runs older than the newest SAMPLES_HEAD_RUNS into chunks, a
 * seal of SAMPLES_SEAL_RUNS runs at a time, or fewer once the oldest is
 * SAMPLES_SEAL_SECONDS older than the newest.  Inside the caller's
 * transaction; -1 (logged) on failure.
 */
int	samples_seal(struct store *);

#endif
