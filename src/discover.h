/* discover.h -- a run's nodes and index tables, from whichever source */

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

#ifndef VANTAGE_DISCOVER_H
#define VANTAGE_DISCOVER_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct store;

/* One node of a run.  Counters are filled in by the crawl. */
struct node {
	sqlite3_value	*n_id;		/* as discovery gave it (owned) */
	char		*n_url;		/* owned, trailing slashes removed */
	char		*n_url_orig;	/* owned, exactly as discovery gave it */
	int		 n_url_ok;	/* http:// or https:// */
	int64_t		 n_requests;
	int64_t		 n_failed;	/* requests without a valid answer */
	int64_t		 n_items;
	int64_t		 n_unanswered;
	int		 n_unreachable;	/* connect/timeout failures in a row */
	char		*n_last_error;	/* owned */
};

struct nodeset {
	struct node	*ns_nodes;
	size_t		 ns_len;
};

/*
 * Read the node list, and copy every configured index table, from the
 * configured source into the store for run_id (inside the caller's
 * transaction).  Nodes listed twice (the same id or the same url) are
 * kept once, with a warning.  Returns 0, or -1 if the source failed, or
 * DISCOVER_STORE_FAILED if the store did, with the reason in *cause (the
 * caller frees).
 */
#define DISCOVER_STORE_FAILED	(-2)
int	discover_run(const struct config *, struct store *, int64_t run_id,
	    struct nodeset *, char **cause);
/*
 * The source could not be read: give run_id the node list and index
 * tables of the latest run that had them, unless that list was already
 * carried over discovery.max_stale times.  *stalep is how many runs in a
 * row it has now been kept.  0, or -1 with *cause set (the caller frees).
 */
int	discover_carry(const struct config *, struct store *, int64_t run_id,
	    struct nodeset *, int64_t *stalep, char **cause);
/* Write the nodes' crawl results to the store's nodes table. */
int	discover_save_nodes(struct store *, int64_t run_id,
	    const struct nodeset *);
void	nodeset_release(struct nodeset *);
#endif
