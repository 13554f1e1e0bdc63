/* probe.h -- request templates, batching, answer extraction into rows */
#ifndef VANTAGE_PROBE_H
#define VANTAGE_PROBE_H

#include <jansson.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "crawl.h"

struct config;
struct probe_conf;
struct store;
struct nodeset;

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
 * Route jansson's allocations through per-thread accounting, so that each
 * answer is parsed within a memory budget.  Call once, before any thread
 * or JSON value exists.
 */
void	probe_init(void);

/*
 * Parse an answer within its memory budget (8 bytes per byte of answer
 * plus 4MiB, at most 256MiB, once probe_init ran); NULL and the reason in
 * err if it is not JSON or needs more.
 */
json_t	*probe_parse(const char *body, size_t len, char *err, size_t errlen);

/* Create or extend every probe_<name> table of the configuration. */
int	probe_prepare_tables(const struct config *, struct store *);

/*
 * Ask every node of ns every configured probe, writing one row per
 * requested item into probe_<name> (one transaction per answered batch)
 * and filling the nodes' counters.  counts has cf_nprobes entries.
 * Returns 0, or -1 if the store failed or *stop interrupted the crawl.
 */
int	probe_crawl(const struct config *, struct store *, int64_t run_id,
	    struct nodeset *ns, struct probe_counts *counts,
	    volatile sig_atomic_t *stop);

/* RFC 6901 JSON pointer; "" is the whole document.  Borrowed result or NULL. */
json_t	*json_pointer(json_t *, const char *pointer);

/*
 * The body for a batch: the template with {{items}} replaced by a JSON
 * array of the items.  is_int[i] says item i is an SQL integer (sent as a
 * JSON number).  Returns a string the caller frees.
 */
char	*probe_body(const char *tmpl, char *const *items, const int *is_int,
	    size_t n, size_t *lenp);

/*
 * Check one value against its declared type and bind it at index col of
 * stmt (NULL and a reason in *why if it does not fit).  Returns 0 or -1.
 */
struct sqlite3_stmt;
int	probe_bind_value(struct sqlite3_stmt *, int col, json_t *, int64_t type,
	    const char *pointer, char *why, size_t whylen);

#endif
