/* probe.h -- the probe scheduler: request templates, batching, rows of answers */

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

#ifndef VANTAGE_PROBE_H
#define VANTAGE_PROBE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "crawl.h"

struct aval;
struct config;
struct nodeset;
struct sqlite3_stmt;
struct store;

/* Requests of one probe by outcome; PROBE_INVALID is a 2xx that did not parse. */
#define PROBE_INVALID	CRAWL_NOUTCOME
#define PROBE_NOUTCOME	(CRAWL_NOUTCOME + 1)
const char *probe_outcome_name(int);

struct probe_counts {
	int64_t	pc_requests[PROBE_NOUTCOME];
	int64_t	pc_items;
	int64_t	pc_unanswered;
};

/* How far a crawl is, for a progress display (progress.c). */
struct probe_progress {
	size_t	 pp_nodes;	/* nodes of the run */
	size_t	 pp_nodes_done;	/* nodes whose every probe has finished */
	int64_t	 pp_items;	/* items with their row: answered or not */
	int64_t	 pp_requests;	/* requests finished, whatever the outcome */
};
typedef void probe_progress_fn(const struct probe_progress *, void *arg);

/*
 * Have fn called at the start of every crawl, after each finished request
 * and each finished node, from the thread running the crawl; NULL: none.
 */
void	probe_set_progress(probe_progress_fn *fn, void *arg);

/*
 * Split the probe_<name> tables of a store made before per-run tables
 * (probe_crawl creates each run's own probe_<name>_run<N>).
 */
int	probe_prepare_tables(const struct config *, struct store *);

/*
 * Ask every node of ns every configured probe, writing the rows the
 * probe's answer kind (answer.h) makes of each answer into probe_<name>
 * (in the table's key order, committed as written: a finished batch may
 * wait in memory for those before it; every requested item gets a row,
 * with the reason when it has no values) and filling the nodes'
 * counters as rows are written.  counts has cf_nprobes entries.  Returns
 * 0, or -1 if the store failed or *stop interrupted the crawl (rows still
 * waiting then are not written).
 */
int	probe_crawl(const struct config *, struct store *, int64_t run_id,
	    struct nodeset *ns, struct probe_counts *counts,
	    volatile sig_atomic_t *stop);

/*
 * The body for a batch: the template with {{items}} replaced by a JSON
 * array of the items.  is_int[i] says item i is an SQL integer (sent as a
 * JSON number).  Returns a string the caller frees.
 */
char	*probe_body(const char *tmpl, char *const *items, const int *is_int,
	    size_t n, size_t *lenp);

/*
 * Bind a value an answer kind handed over at parameter col of stmt.  The
 * text is not copied: it must stay as it is until stmt is stepped (the
 * row callback steps it before it returns).
 */
void	probe_bind_value(struct sqlite3_stmt *, int col, const struct aval *);

#endif
