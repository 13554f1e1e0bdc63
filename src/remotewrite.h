/* remotewrite.h -- Prometheus remote write 1.0 of every complete run */

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
#ifndef VANTAGE_REMOTEWRITE_H
#define VANTAGE_REMOTEWRITE_H

#include <signal.h>
#include <stdint.h>

struct config;
struct store;

/*
 * Each complete run is queued in the store (remote_write_queue, inside the
 * run's transaction, so a failed run is never sent), then sent oldest
 * first: every sample of the run with the run's timestamp and the external
 * label monitor, protobuf and snappy, at most RW_SERIES_MAX series a
 * request.  A failure leaves the run queued and backs off (doubling up to
 * remote_write.backoff_max); the queue holds at most
 * remote_write.max_pending runs, so an outage of the receiver loses
 * nothing until then.
 */
#define RW_SERIES_MAX	5000

struct remote_write;

/* NULL when remote_write.url is empty; cf is borrowed for its lifetime. */
struct remote_write *remote_write_new(const struct config *cf);
void	remote_write_free(struct remote_write *);	/* accepts NULL */
/* Point at a reloaded configuration (same lifetime rule). */
void	remote_write_set_config(struct remote_write *, const struct config *);

/*
 * Queue run_id inside the run's transaction, dropping the oldest runs
 * past max_pending (with a warning).  -1 on a store failure.
 */
int	remote_write_enqueue(struct remote_write *, struct store *,
	    int64_t run_id);
/* Is an attempt due at monotonic time now (something queued, no backoff)? */
int	remote_write_due(const struct remote_write *, double now);
/*
 * Send what is queued until the queue is empty, a request fails (then back
 * off), *stop is set or the monotonic deadline passes.  Returns the runs
 * delivered; failures are logged, never fatal.
 */
int	remote_write_flush(struct remote_write *, struct store *,
	    double deadline, volatile sig_atomic_t *stop);

#endif
