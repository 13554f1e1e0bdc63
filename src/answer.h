/* answer.h -- answer kinds: one finished HTTP answer into rows of a probe table */
#ifndef VANTAGE_ANSWER_H
#define VANTAGE_ANSWER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "conf-keys.h"

struct crawl_result;
struct probe_conf;

/* A value of a row: what one value column of the probe table gets. */
enum aval_type {
	AV_NULL,
	AV_INTEGER,
	AV_REAL,
	AV_TEXT
};

struct aval {
	enum aval_type	 av_type;
	int64_t		 av_int;
	double		 av_real;
	const char	*av_text;	/* borrowed; av_len bytes, may hold NULs */
	size_t		 av_len;
};

/* A row answering no requested item (a probe without items, or a kind
 * whose rows are not tied to items). */
#define ANSWER_NO_ITEM	((size_t)-1)

/*
 * Where a kind hands its rows, any number of them, in any order; the
 * scheduler (probe.c) writes them in one transaction per batch, every
 * value as a bound parameter.  item is the index in ab_items the row
 * answers, or ANSWER_NO_ITEM; then key (keylen bytes; NULL: "") is what
 * the table's item column gets, and must be unique within the answer
 * (promtext: the series).  values has one entry per value column
 * (ak_columns) and may be NULL when error is set.  error NULL: an
 * answered row; else its reason, and every value is written NULL.
 * Everything is borrowed for the call (the callee copies).  Returns 0, or
 * -1 if the row could not be written: the kind stops and returns -1.
 */
typedef int (*answer_row_cb)(void *arg, size_t item, const char *key,
    size_t keylen, const struct aval *values, const char *error);

/* A value column of a probe table: its name and enum value_type. */
struct answer_column {
	const char	*ac_name;
	int64_t		 ac_type;
};

/* What one request asked.  Every pointer is borrowed. */
struct answer_batch {
	const struct probe_conf	*ab_probe;
	char *const		*ab_items;	/* as sent; NULL: no items */
	size_t			 ab_nitems;
};

/*
 * A kind of answer, one file each (answer-json.c, later answer-promtext.c),
 * selected per probe.  ak_init (may be NULL) runs once, from answer_init.
 * ak_extract gets a 2xx answer (cr_outcome CRAWL_OK; other outcomes never
 * reach a kind) to batch and hands its rows to row.  It returns 0 when the
 * answer was valid and every row was handed over; -1 with the reason in
 * err ("malformed answer: ...") when the answer is not valid, and the
 * scheduler then drops the rows of this answer and writes every requested
 * item off with err; or -1 (err unset) when row failed.
 */
struct answer_kind {
	struct kind	 ak_kind;	/* first: probes[].answer picks it */
	void		(*ak_init)(void);
	/*
	 * The value columns of the probe table, in the order rows give
	 * values; *cols is an array the caller frees (the names are
	 * borrowed from the probe's settings or the kind).
	 */
	void		(*ak_columns)(const struct probe_conf *,
			    struct answer_column **cols, size_t *ncols);
	int		(*ak_extract)(const struct answer_batch *batch,
			    const struct crawl_result *res, answer_row_cb row,
			    void *arg, char *err, size_t errlen);
	/*
	 * Nonzero: the kind's rows are unique by construction and many to
	 * an answer, so its table is a plain one in the order rows come,
	 * indexed by run only (promtext: a few thousand series a node),
	 * instead of clustered on (run_id, node_id, item), which costs a
	 * key search per row.
	 */
	int		 ak_append;
};

/* Every kind, NULL-terminated, as the probes' K_KIND key lists them. */
extern const struct kind *const answer_kinds[];

/* The kind of a probe (probes[].answer). */
const struct answer_kind *answer_of(const struct probe_conf *);

/*
 * Run every kind's ak_init.  Call once, before any thread or JSON value
 * exists.
 */
void	answer_init(void);

/* ------------------------------------------------------------------ */
/* The json kind (answer-json.c) and the parts its tests use. */

/* One column a probe extracts from each answered item. */
struct value_conf {
	char	*vc_column;	/* SQL column in the probe table */
	char	*vc_pointer;	/* JSON pointer (RFC 6901) inside the item */
	int64_t	 vc_type;	/* enum value_type */
};

/* The settings of answer: json (probes[].rows, key, values). */
struct answer_json_conf {
	char	*aj_rows;	/* JSON pointer to the array of per-item answers */
	char	*aj_key;	/* JSON pointer, inside a row, to the item it answers */
	struct value_conf *aj_values;
	size_t	 aj_nvalues;
};

/* The json settings of a probe, or NULL if it has another kind. */
const struct answer_json_conf *answer_json_conf(const struct probe_conf *);

/*
 * Rows at the JSON pointer pc_rows, matched to the items asked by the
 * value at pc_key inside each (a string, or an integer compared as its
 * decimal text); each item gets exactly one row: its values at the
 * pc_values pointers, or NULLs and the reason ("missing from answer",
 * "/clock: expected integer, got string").  A probe without items: the
 * whole document is its one row.
 */
extern const struct answer_kind answer_json;

/*
 * Parse an answer within its memory budget (8 bytes per byte of answer
 * plus 4MiB, at most 256MiB, once answer_init ran); NULL and the reason in
 * err if it is not JSON or needs more.  The caller owns the result.
 */
json_t	*answer_json_parse(const char *body, size_t len, char *err,
	    size_t errlen);

/* The promtext kind (answer-promtext.c): a node's Prometheus exposition. */
extern const struct answer_kind answer_promtext;

/* RFC 6901 JSON pointer; "" is the whole document.  Borrowed result or NULL. */
json_t	*json_pointer(json_t *, const char *pointer);

/*
 * Check one JSON value (NULL: none) against its declared type (enum
 * value_type) and set *out; text is borrowed from v.  If it does not fit,
 * *out is AV_NULL, the reason is in why and -1 is returned; else 0.
 */
int	answer_json_value(json_t *v, int64_t type, const char *pointer,
	    struct aval *out, char *why, size_t whylen);

#endif
