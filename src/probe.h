/* probe.h -- the probe scheduler: request templates, batching, rows of answers */
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

/*
 * Split the probe_<name> tables of a store made before per-run tables
 * (probe_crawl creates each run's own probe_<name>_run<N>).
 */
int	probe_prepare_tables(const struct config *, struct store *);

/*
 * Ask every node of ns every configured probe, writing the rows the
 * probe's answer kind (answer.h) makes of each answer into probe_<name>
 * (one transaction per answered batch; every requested item gets a row,
 * with the reason when it has no values) and filling the nodes'
 * counters.  counts has cf_nprobes entries.  Returns 0, or -1 if the store failed or *stop interrupted the crawl.
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
 * Bind a value an answer kind handed over at parameter col of stmt (the
 * text is copied).
 */
void	probe_bind_value(struct sqlite3_stmt *, int col, const struct aval *);

#endif
