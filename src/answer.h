/* answer.h -- answer kinds: one finished HTTP answer into rows of a probe table */

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
 * Where a kind hands its rows, any number of them, in any order (rows
 * in item order are the cheapest to insert); the scheduler (probe.c)
 * writes them with the batch's others, every value as a bound parameter.  item is the index in ab_items the row
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

/*
 * Where a kind's check reports a mistake in a probe's settings: key is a
 * key of the probe's mapping (list NULL), or of entry index of its list
 * (list "values"), or NULL for entry index itself (list "accept_status");
 * why is the message without the key's path.
 */
typedef void (*answer_check_cb)(void *arg, const char *list, size_t index,
    const char *key, const char *why);

/* What one request asked.  Every pointer is borrowed. */
struct answer_batch {
	const struct probe_conf	*ab_probe;
	char *const		*ab_items;	/* as sent; NULL: no items */
	/*
	 * NULL: each item is NUL-terminated; else item i is the
	 * ab_lens[i] bytes at ab_items[i] (in the request's body).
	 */
	const uint32_t		*ab_lens;
	size_t			 ab_nitems;
};

/*
 * A kind of answer, one file each (answer-json.c, later answer-promtext.c),
 * selected per probe.  ak_init (may be NULL) runs once, from answer_init.
 * ak_extract gets a 2xx answer (cr_outcome CRAWL_OK), or a complete one
 * with a status ak_status takes (CRAWL_HTTP_ERROR; other outcomes never
 * reach a kind), to batch and hands its rows to row.  It returns 0 when the
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
	 * May be NULL (the answer is read whole): the answer read as it
	 * arrives, without holding it.  ak_open starts on an answer to
	 * batch (borrowed until ak_end), ak_feed hands it the next bytes,
	 * and ak_end is ak_extract on what was fed, then frees the reader;
	 * with res NULL it frees it without a row (an attempt that failed,
	 * or an answer not to read).  ak_extract is ak_open, one ak_feed of
	 * the whole body and ak_end, so both read alike.
	 */
	void		*(*ak_open)(const struct answer_batch *batch);
	void		(*ak_feed)(void *reader, const char *bytes, size_t len);
	int		(*ak_end)(void *reader, const struct crawl_result *res,
			    answer_row_cb row, void *arg, char *err,
			    size_t errlen);
	/*
	 * May be NULL: what the key tables cannot check in the kind's
	 * settings, each mistake handed to report.  The settings may be
	 * incomplete (a missing required string is NULL).
	 */
	void		(*ak_check)(const struct probe_conf *,
			    answer_check_cb report, void *arg);
	/*
	 * May be NULL (2xx only): whether an answer with this non-2xx
	 * status is an answer to read, not a failed request; such a status
	 * is not retried either.
	 */
	int		(*ak_status)(const struct probe_conf *, long status);
	/*
	 * May be NULL: the body of a POST asking about n items (items
	 * NULL: a probe without items; is_int[i]: item i is an integer),
	 * which the caller frees, its length in *lenp; or NULL, and the
	 * probe's body template is sent.
	 */
	char		*(*ak_body)(const struct probe_conf *,
			    char *const *items, const int *is_int, size_t n,
			    size_t *lenp);
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

/* How a value is written in the answer (values[].from). */
enum value_from {
	VF_JSON,	/* as the JSON type itself */
	VF_STRING,	/* a decimal number, or true/false, in a JSON string */
	VF_HEX,		/* a 0x quantity in a JSON string (EVM) */
	VF_DURATION	/* a Go duration string ("1h2m3.5s"), as seconds */
};

/* What an absent value (or a JSON null) gives (values[].missing). */
enum value_missing {
	VM_ERROR,	/* an error for the item: "no value at /x" */
	VM_NULL,	/* NULL in the column */
	VM_DEFAULT	/* vc_default, or the type's zero when it is "" */
};

/* One column a probe extracts from each answered item. */
struct value_conf {
	char	*vc_column;	/* SQL column in the probe table */
	char	*vc_pointer;	/* JSON pointer (RFC 6901) inside the item */
	int64_t	 vc_type;	/* enum value_type */
	int64_t	 vc_from;	/* enum value_from */
	char	**vc_map;	/* name, integer, name, integer...: an enum */
	size_t	 vc_nmap;	/* pairs in vc_map */
	int64_t	 vc_missing;	/* enum value_missing */
	char	*vc_default;	/* for VM_DEFAULT; "" is the type's zero */
	int64_t	 vc_invalid;	/* 1: a value that does not fit is NULL */
};

/* How a probe without items makes rows (probes[].explode). */
enum json_explode {
	EX_NO,		/* the whole answer is one row */
	EX_ELEMENTS,	/* a row per element of the array at rows */
	EX_MEMBERS	/* a row per member of the object at rows */
};

/* The settings of answer: json (probes[].rows, key, values...). */
struct answer_json_conf {
	char	*aj_rows;	/* JSON pointer to the array of per-item answers */
	char	*aj_key;	/* JSON pointer, inside a row, to the item it answers */
	struct value_conf *aj_values;
	size_t	 aj_nvalues;
	int64_t	 aj_explode;	/* enum json_explode */
	int64_t	 aj_max_rows;	/* rows of one exploded answer */
	char	*aj_jsonrpc;	/* JSON-RPC 2.0 method; "": plain JSON */
	char	*aj_params;	/* its params, JSON; {{item}}: the item */
	char	*aj_status_column;	/* gets the HTTP status; "": none */
	char	**aj_accept;	/* non-2xx statuses whose bodies are answers */
	size_t	 aj_naccept;
};

/* The json settings of a probe, or NULL if it has another kind. */
const struct answer_json_conf *answer_json_conf(const struct probe_conf *);

/*
 * Rows at the JSON pointer aj_rows, matched to the items asked by the
 * value at aj_key inside each (a string, or an integer compared as its
 * decimal text); each item gets exactly one row: its values at the
 * aj_values pointers, or NULLs and the reason ("missing from answer",
 * "/clock: expected integer, got string").  A probe without items: the
 * whole document is its one row, or with aj_explode, each element (or
 * member) of the value at aj_rows is a row whose key is its value at
 * aj_key, else its index (or member name); a key that occurs twice gives
 * one row, with an error.  With aj_jsonrpc, the request is one JSON-RPC
 * 2.0 call (a batch of calls, one per item, ids 1 to n), the answers are
 * matched by id, and the pointers are inside each call's result; a call's
 * error object, or no answer for its id, is an error for that item.
 */
extern const struct answer_kind answer_json;

/*
 * Parse a document a discovery source reads into a jansson tree, within
 * its memory budget (8 bytes per byte of document plus 4MiB, at most
 * 256MiB, once answer_init ran); NULL and the reason in err if it is not
 * JSON or needs more.  Integers beyond 64 bits are read as reals rather
 * than failing the whole document.  The caller owns the result.  (The
 * json kind reads nodes' answers as a stream instead, jstream.h, and also
 * refuses duplicate object keys.)
 */
json_t	*answer_json_parse(const char *body, size_t len, char *err,
	    size_t errlen);

/* The promtext kind (answer-promtext.c): a node's Prometheus exposition. */
extern const struct answer_kind answer_promtext;

/* RFC 6901 JSON pointer; "" is the whole document.  Borrowed result or NULL. */
json_t	*json_pointer(json_t *, const char *pointer);

/*
 * Read one JSON value (NULL: none) as vc says (its type, from, map,
 * missing and default) and set *out; text is borrowed from v or vc.  If
 * it does not fit, *out is AV_NULL, the reason is in why ("/h: '12a' is
 * not a decimal integer") and -1 is returned; else 0 (*out may be AV_NULL
 * for a missing value with missing: null).
 */
int	answer_json_value(json_t *v, const struct value_conf *vc,
	    struct aval *out, char *why, size_t whylen);

#endif
