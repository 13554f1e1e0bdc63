/* crawl.h -- the libcurl multi engine: queue, limits, retries, one place a transfer ends */

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

#ifndef VANTAGE_CRAWL_H
#define VANTAGE_CRAWL_H

#include <signal.h>
#include <stddef.h>

enum crawl_outcome {
	CRAWL_OK = 0,		/* 2xx answer, body complete */
	CRAWL_HTTP_ERROR,	/* final non-2xx answer (after retries for 5xx/429) */
	CRAWL_TIMEOUT,		/* connect or total timeout */
	CRAWL_CONNECT,		/* refused, reset, DNS, TLS: no usable answer */
	CRAWL_TOO_LARGE,	/* answer exceeded co_max_response */
	CRAWL_ERROR,		/* anything else libcurl reports */
	CRAWL_CANCELLED,	/* crawl_run stopped before the request finished */
	CRAWL_NOUTCOME
};

/* Stable lowercase names ("ok", "http_error", ...) for labels and logs. */
const char *crawl_outcome_name(enum crawl_outcome);

struct crawl_opts {
	int	co_concurrency;		/* transfers in flight, all nodes */
	int	co_per_node;		/* transfers in flight to one node */
	long	co_timeout_ms;		/* whole transfer */
	long	co_connect_timeout_ms;
	int	co_retries;		/* extra attempts after a transient failure */
	long	co_backoff_ms;		/* first retry waits up to this (full jitter) */
	long	co_backoff_max_ms;	/* cap on one wait */
	size_t	co_max_response;	/* bytes of body kept; more is CRAWL_TOO_LARGE */
	/*
	 * Bytes of answers (decoded) held by all transfers in flight
	 * together; 0 for no limit, else at least co_max_response.  A
	 * transfer that would go over it pauses until another one ends, and
	 * queued ones wait; one transfer at a time may always grow to
	 * co_max_response, so every transfer ends.  A paused transfer still
	 * counts against co_timeout_ms.
	 */
	size_t	co_memory_limit;
	/*
	 * Address ranges (CIDR, borrowed) that are never connected to: the
	 * resolved address is checked before each connect, and a denied
	 * one ends the request with CRAWL_CONNECT, "denied by crawl.deny:
	 * 169.254.169.254 (169.254.0.0/16)", without a retry.
	 */
	char *const *co_deny;
	size_t	co_ndeny;
	const char *co_user_agent;	/* copied */
	/*
	 * May be NULL.  For an answer with a status that is otherwise
	 * retried (5xx, 429), whether the caller takes it as final: nonzero
	 * ends the request at once with CRAWL_HTTP_ERROR and its body.  arg
	 * is the request's done argument.  Not asked about a body cut short
	 * (cr_truncated): that is retried as before.
	 */
	int	(*co_final)(void *arg, long status);
	/*
	 * May be NULL: answers read as they arrive instead of held.  Before
	 * the first byte of an attempt's body, co_stream(arg, status) says
	 * whether that body goes to co_write (nonzero), piece by piece as it
	 * is decoded, instead of into cr_body; a later attempt asks again,
	 * and the caller starts over on its body.  A streamed body counts
	 * against co_max_response, not co_memory_limit (none of it is held).
	 * arg is the request's done argument.
	 */
	int	(*co_stream)(void *arg, long status);
	void	(*co_write)(void *arg, const char *bytes, size_t len);
};

/*
 * What the done callback sees.  Every pointer is borrowed and valid only
 * during the callback.
 */
struct crawl_result {
	enum crawl_outcome cr_outcome;
	long		 cr_status;	/* last HTTP status, 0 if none */
	const char	*cr_content_type;	/* of the answer; NULL if none */
	const char	*cr_body;	/* NUL-terminated; "" when none */
	size_t		 cr_len;
	int		 cr_truncated;	/* CRAWL_HTTP_ERROR: the body is only
					   the start of the answer */
	int		 cr_streamed;	/* the last attempt's body went to
					   co_write: cr_body is "", cr_len
					   its length */
	const char	*cr_error;	/* "" on CRAWL_OK, else e.g. "HTTP 500",
					   "timeout after 10s", "connect timeout
					   after 5s", or libcurl's error text */
	int		 cr_attempts;	/* 1 + retries used */
	double		 cr_seconds;	/* wall time from first attempt to end */
};

typedef void (*crawl_done_cb)(void *arg, const struct crawl_result *);

/*
 * Called by crawl_run whenever fewer than co_concurrency requests are
 * queued or in flight, so a caller can produce work lazily (bounded memory).
 * Returns 1 if it may have more later, 0 once it has nothing left to add.
 */
typedef int (*crawl_feed_cb)(void *arg);

struct crawl;

/* NULL (logged) if an option is out of range (a limit or timeout < 1). */
struct crawl	*crawl_new(const struct crawl_opts *);
void		 crawl_free(struct crawl *);	/* accepts NULL */

/*
 * Queue one request.  node is a small integer (>= 0) naming the per-node
 * limit group.  url and content_type are copied; body (may be NULL) is
 * taken and freed by the crawl.  done is called exactly once, from inside
 * crawl_run, after the last attempt; it may call crawl_add.
 */
void	crawl_add(struct crawl *, int node, const char *method, const char *url,
	    const char *content_type, char *body, size_t bodylen,
	    crawl_done_cb done, void *arg);

/*
 * Run until nothing is queued, in flight or waiting for a retry and feed
 * (may be NULL) returned 0.  If *stop becomes non-zero, remaining requests
 * end with CRAWL_CANCELLED and crawl_run returns -1; else 0.  It also
 * returns -1 if libcurl's multi interface fails (remaining requests end
 * with CRAWL_ERROR).  A done callback must not keep adding requests once
 * they are being cancelled.
 */
int	crawl_run(struct crawl *, crawl_feed_cb feed, void *feed_arg,
	    volatile sig_atomic_t *stop);

/* Counts since crawl_new. */
struct crawl_stats {
	unsigned long	cs_requests;		/* requests finished */
	unsigned long	cs_attempts;		/* HTTP attempts made */
	unsigned long	cs_retries;
	unsigned long	cs_outcome[CRAWL_NOUTCOME];
	unsigned long long cs_bytes_in;		/* on the wire */
	size_t		cs_mem_peak;	/* most answer bytes held at once */
	unsigned long	cs_mem_waits;	/* pauses for co_memory_limit */
};
void	crawl_stats(const struct crawl *, struct crawl_stats *);

#endif
