/* status.h -- the status page: / and /node/<id>, server-rendered HTML */

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

#ifndef VANTAGE_STATUS_H
#define VANTAGE_STATUS_H

#include "api.h"

/*
 * Answer one GET of the status page from the store at store_path, opened
 * read-only for this request (safe from any thread, while a run writes),
 * as api_request does.  path is "/" or "/node/<id>" (decoded); args gives
 * the query arguments: on "/", state=all|up|down|unknown filters the node
 * table and sort=url|state|requests|failures|unanswered|error orders it.
 * Always sets *status (200, 400, 404, 500, 503) and *body, a complete
 * HTML document the caller frees.  Every value from the store is escaped;
 * the page has no script and no external reference.
 */
void	status_request(const char *store_path, const char *path,
	    api_arg_fn args, void *arg, int *status, char **body);

/* The Content-Security-Policy the pages are served with. */
#define STATUS_CSP	"default-src 'none'; style-src 'unsafe-inline'; " \
	"img-src data:; form-action 'self'; base-uri 'none'; " \
	"frame-ancestors 'none'"

#endif
