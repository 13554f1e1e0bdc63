/* http.h -- the metrics server (libmicrohttpd); serves immutable snapshots */

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

#ifndef VANTAGE_HTTP_H
#define VANTAGE_HTTP_H

#include <stddef.h>

#include "expo.h"

struct config;
struct http;
struct notify;

/*
 * Start serving as configured (http.*): listen address, TLS and client
 * certificates, bearer or basic authentication, connection limits.  The
 * JSON API reads the store at cf_store_path.  Until the first
 * http_publish, /metrics answers 503.  NULL (logged) on failure.
 */
struct http	*http_start(const struct config *);
void		 http_stop(struct http *);	/* accepts NULL */
/*
 * Replace what /metrics serves: text[f] is the exposition in format f
 * (taken, freed when no request uses it any more); gzip copies are made
 * here, once.  ready: a complete run exists.
 */
void		 http_publish(struct http *, char *text[EXPO_NFORMATS],
		    size_t len[EXPO_NFORMATS], int ready);
/*
 * Serve nt's events at /api/v1/events (Server-Sent Events; 503 until
 * set).  nt must outlive the server.
 */
void		 http_set_events(struct http *, struct notify *nt);
/* The port actually bound (for listen ports of 0). */
unsigned int	 http_port(struct http *);

/*
 * Which exposition an Accept header asks for: OpenMetrics if it is
 * acceptable and not less preferred than text/plain, else text 0.0.4.
 */
enum expo_format http_negotiate_format(const char *accept);
/* Does an Accept-Encoding header accept gzip? */
int		 http_accepts_gzip(const char *accept_encoding);
/* Constant-time comparison of two strings (length leaks, content not). */
int		 http_secure_equal(const char *, const char *);

#endif
