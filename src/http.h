/* http.h -- the metrics server (libmicrohttpd); serves immutable snapshots */
#ifndef VANTAGE_HTTP_H
#define VANTAGE_HTTP_H

#include <stddef.h>

struct http;

/*
 * Start serving on listen ("host:port", "[v6]:port").  Until the first
 * http_publish, /metrics answers 503.  NULL (logged) on failure.
 */
struct http	*http_start(const char *listen);
void		 http_stop(struct http *);	/* accepts NULL */
/*
 * Replace the exposition served on /metrics; text is taken (freed when no
 * request uses it any more).  ready: a complete run exists.
 */
void		 http_publish(struct http *, char *text, size_t len, int ready);
/* The port actually bound (for listen ports of 0). */
unsigned int	 http_port(struct http *);

#endif
