/* history.h -- entity history: intervals of unchanged state per entity */

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
#ifndef VANTAGE_HISTORY_H
#define VANTAGE_HISTORY_H

#include <sqlite3.h>
#include <stdint.h>

struct store;

#define HISTORY_MAX_WINDOWS	16
#define HISTORY_MAX_STATES	1000
#define HISTORY_MAX_ENTITY	1024	/* bytes of a text entity */
#define HISTORY_MAX_STATE	200	/* bytes of a state name */

/*
 * Replace the store's history_windows with windows (history.windows, each
 * a duration as written: "1d", "7d").  Outside a transaction; -1 and a
 * logged reason on failure.
 */
int	history_configure(struct store *, char *const *windows, size_t n);

/*
 * Record the run's entity states: stmt (prepared, bound, not stepped; the
 * caller finalizes it) yields (entity, state) rows.  Entities are integers
 * or text, states text; an entity may appear once.  Run inside the run's
 * transaction, so a failed run never enters history.  Also refreshes
 * history_window_counts for the windows of history_windows.  -1 and a
 * reason in *cause (the caller frees) on failure.
 */
int	history_record(struct store *, int64_t run_id, sqlite3_stmt *stmt,
	    char **cause);

/*
 * Forget intervals that ended, and runs that started, before the unix
 * time before (history older than store.retention).  In a transaction.
 */
int	history_prune(struct store *, double before);

#endif
