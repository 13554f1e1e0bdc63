/* notify.h -- events: what changed after a run, to webhooks and SSE */

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

#ifndef VANTAGE_NOTIFY_H
#define VANTAGE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct config;
struct queryset;
struct store;

/*
 * Events, one per change and never one per run:
 *   run_failed, run_recovered        a run failed after one that did not,
 *                                    a run completed after a failed one
 *   node_down, node_up               a node of a complete run is down (not
 *                                    down in the complete run before, or
 *                                    new), up after being down
 *   threshold_crossed,               a headline series crossed a
 *   threshold_cleared                "-- threshold:" of its query file,
 *                                    either way
 * Each is a JSON object {id, type, time, run_id, text, ...} (text: one
 * sentence for people).  Webhooks (notify.webhooks) get it POSTed by a
 * thread of their own, retried with backoff; a run never waits for them.
 * The last notify.backlog events are kept for /api/v1/events.
 */
struct notify;

/* A notifier for cf (copied); starts the delivery thread for webhooks. */
struct notify	*notify_new(const struct config *cf);
/*
 * Wait at most notify.timeout for queued deliveries, then stop; what is
 * left is logged as not delivered.  Accepts NULL.
 */
void		 notify_free(struct notify *);
/* Take the webhooks and limits of a reloaded configuration. */
void		 notify_configure(struct notify *, const struct config *cf);
/*
 * After run_id ended, whether it completed or failed: compare it with
 * the state after the run before (loaded from the store the first time)
 * and send an event for each change.  Reads through the writer's
 * connection; never fails the run (problems are logged).
 */
void		 notify_run(struct notify *, struct store *,
		    const struct queryset *, int64_t run_id);

/*
 * For /api/v1/events, from any thread.  notify_since appends to out the
 * Server-Sent Events of the backlog with an id above *last, oldest first,
 * while out stays under max bytes, and advances *last; returns 1 if
 * events after *last are lost (the backlog no longer holds them), which
 * it says in an SSE comment first.
 * notify_newest is the id of the latest event (0: none yet).
 */
uint64_t	 notify_since(struct notify *, uint64_t *last, struct buf *out,
		    size_t max);
uint64_t	 notify_newest(struct notify *);
/* A client of /api/v1/events more: 0, or -1 at notify.max_subscribers. */
int		 notify_subscribe(struct notify *);
void		 notify_unsubscribe(struct notify *);
/* Render one event as SSE text (id, event, data lines, blank line). */
void		 notify_sse(struct buf *, uint64_t id, const char *type,
		    const char *json);

#endif
