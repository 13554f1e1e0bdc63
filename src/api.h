/* api.h -- the JSON API under /api/v1: runs, nodes, metric history */

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

#ifndef VANTAGE_API_H
#define VANTAGE_API_H

/* Looks up a query-string argument; NULL if absent.  Borrowed result. */
typedef const char *(*api_arg_fn)(void *arg, const char *name);

/*
 * Answer one GET under /api/v1 from the store at store_path, opened
 * read-only for this request (safe from any thread, while a run writes).
 * path is the URL path ("/api/v1/runs"); args gives query arguments.
 * Always sets *status (200, 400, 404, 503) and *body, a string the caller
 * frees: the envelope {"status": "success"|"error", "result": ..., "error":
 * null|"message"}.
 *
 * Routes:
 *   /api/v1/runs      ?limit=N (1..1000, default 100): newest first, each
 *                     {id, started_at, finished_at, status, error, nodes,
 *                     requests, durations: {phase: seconds}}
 *   /api/v1/nodes     ?run=ID (default: latest complete run): {run, nodes:
 *                     [{node_id, url, labels, up, requests, failed_requests,
 *                     items, unanswered, last_error}]}
 *   /api/v1/history   ?metric=NAME [&labels=JSON object, exact label set,
 *                     default {}] [&start=T] [&end=T] (unix seconds; default
 *                     the last 7 days): {metric, labels, points: [[time,
 *                     value], ...]} from complete runs, oldest first
 *   /api/v1/series    ?metric=NAME: the label sets of a metric ever stored
 *
 * /api/v1/events (Server-Sent Events, notify.h) is served by http.c
 * itself: it is a stream, not one answer.
 */
void	api_request(const char *store_path, const char *path, api_arg_fn args,
	    void *arg, int *status, char **body);

#endif
