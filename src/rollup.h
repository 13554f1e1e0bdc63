/* rollup.h -- hourly and daily rollups of every complete run's samples */
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
