/* rollup.h -- hourly and daily rollups of every complete run's samples */

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
#ifndef VANTAGE_ROLLUP_H
#define VANTAGE_ROLLUP_H

#include <stdint.h>

struct store;

/*
 * Add run_id's samples to their hour and day (min, max, sum, count, last),
 * inside the run's transaction.  -1 on a store failure (logged).
 */
int	rollup_run(struct store *, int64_t run_id);
/*
 * Drop the buckets that ended before the unix time before, and the series
 * only they named.  In a transaction; -1 on a store failure (logged).
 */
int	rollup_prune(struct store *, double before);

#endif
