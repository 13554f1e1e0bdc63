/* fetch.h -- one bounded HTTP GET, for discovery sources that read a URL */

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

#ifndef VANTAGE_FETCH_H
#define VANTAGE_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define FETCH_MAX	((size_t)16 * 1024 * 1024)	/* bytes of one answer */

/* How to fetch; every string is borrowed, NULL or "" for none. */
struct fetch_opts {
	int64_t		 fo_timeout_ms;		/* whole transfer */
	const char	*fo_user_agent;
	const char	*fo_ca_file;		/* PEM CAs for https */
	const char	*fo_cert_file;		/* PEM client certificate */
	const char	*fo_key_file;		/* and its key */
	const char	*fo_header;		/* one extra "Name: value" */
	const char *const *fo_headers;		/* more of them */
	size_t		 fo_nheaders;
	char *const	*fo_deny;		/* CIDR ranges never connected to */
	size_t		 fo_ndeny;
};

/* An answer: the body (owned, NUL-terminated) and its content type. */
struct fetch_answer {
	char	*fa_body;
	size_t	 fa_len;
	char	*fa_type;	/* owned; "" if the server sent none */
	long	 fa_status;
};

/*
 * GET url (http or https only, redirects not followed, at most FETCH_MAX
 * bytes, the connection within min(5s, timeout), never to an address in
 * fo_deny: "...: denied by crawl.deny: 10.0.0.1 (10.0.0.0/8)").  Returns 0 with a 2xx
 * answer in *fa (fetch_answer_release frees it), or -1 with the reason in
 * *cause (the caller frees), which starts with the url:
 * "http://127.0.0.1:8500/v1/health/service/web?passing: HTTP 500".
 */
int	fetch_get(const char *url, const struct fetch_opts *,
	    struct fetch_answer *fa, char **cause);
/*
 * POST len bytes of body to url, otherwise as fetch_get.  On -1,
 * fa->fa_status is the HTTP status if there was an answer (else 0).
 */
int	fetch_post(const char *url, const struct fetch_opts *, const void *body,
	    size_t len, struct fetch_answer *fa, char **cause);
void	fetch_answer_release(struct fetch_answer *);

#endif
