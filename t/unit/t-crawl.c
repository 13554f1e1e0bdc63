/* t-crawl.c -- the crawl engine against a libmicrohttpd server in-process */

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

#include "conf.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "crawl.h"
#include "log.h"
#include "tap.h"
#include "util.h"

#define NCONC		16	/* /conc/<node> for node < NCONC */
#define BIG		100000
#define MAXUPLOAD	(1024 * 1024)
#define HUGE		(1024 * 1024)	/* /huge, /bomb: a patterned answer */

/* Server state, shared with the MHD threads under srv_mu. */
static pthread_mutex_t srv_mu = PTHREAD_MUTEX_INITIALIZER;
static int	srv_flaky_hits;
static int	srv_429_hits;
static int	srv_node_cur[NCONC], srv_node_max[NCONC];
static int	srv_all_cur, srv_all_max;
static volatile int srv_quit;
static unsigned short srv_port;

struct upload {
	char	*u_data;
	size_t	 u_len;
};

/* gzip of 100000 'z': a 25-byte head, 96 zero bytes, an 11-byte tail. */
static const unsigned char gz_head[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed,
	0xc1, 0x31, 0x01, 0x00, 0x00, 0x00, 0xc2, 0xa0, 0xde, 0x4b, 0x6f,
	0x0d, 0x0f, 0xa0
};
static const unsigned char gz_tail[] = {
	0x80, 0x57, 0x03, 0x24, 0x97, 0xe1, 0xff, 0xa0, 0x86, 0x01, 0x00
};
static unsigned char gz_body[sizeof(gz_head) + 96 + sizeof(gz_tail)];

/* HUGE bytes of the pattern, gzipped at start-up. */
static unsigned char *bomb;
static size_t	bomb_len;

static char
pattern(size_t i)
{
	return (char)('a' + i % 26);
}

static int
bomb_make(void)
{
	z_stream	 z;
	char		*plain;
	size_t		 i;
	int		 rc;

	if ((plain = malloc(HUGE)) == NULL)
		return -1;
	for (i = 0; i < HUGE; i++)
		plain[i] = pattern(i);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(plain);
		return -1;
	}
	bomb_len = deflateBound(&z, HUGE);
	if ((bomb = malloc(bomb_len)) == NULL) {
		free(plain);
		return -1;
	}
	z.next_in = (unsigned char *)plain;
	z.avail_in = HUGE;
	z.next_out = bomb;
	z.avail_out = (uInt)bomb_len;
	rc = deflate(&z, Z_FINISH);
	bomb_len -= z.avail_out;
	deflateEnd(&z);
	free(plain);
	return rc == Z_STREAM_END ? 0 : -1;
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status, const char *body,
    size_t len, const char *hname, const char *hvalue)
{
	struct MHD_Response *resp;
	enum MHD_Result	 ret;

	resp = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (hname != NULL)
		MHD_add_response_header(resp, hname, hvalue);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
reply_cb_status(struct MHD_Connection *conn, unsigned int status,
    uint64_t size, MHD_ContentReaderCallback cb)
{
	struct MHD_Response *resp;
	enum MHD_Result	 ret;

	if ((resp = MHD_create_response_from_callback(size, 4096, cb, NULL,
	    NULL)) == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
reply_cb(struct MHD_Connection *conn, uint64_t size,
    MHD_ContentReaderCallback cb)
{
	return reply_cb_status(conn, MHD_HTTP_OK, size, cb);
}

/* BIG bytes without a Content-Length (chunked). */
static ssize_t
chunked_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	if (pos >= BIG)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > BIG - pos)
		max = BIG - pos;
	memset(buf, 'y', max);
	return max;
}

/* HUGE bytes of the pattern, 64KiB at a time. */
static ssize_t
huge_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t	 i;

	if (pos >= HUGE)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > HUGE - pos)
		max = HUGE - pos;
	for (i = 0; i < max; i++)
		buf[i] = pattern(pos + i);
	return max;
}

/* Promise 1000 bytes, deliver 100, then break the connection. */
static ssize_t
truncated_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	if (pos >= 100)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (max > 100 - pos)
		max = 100 - pos;
	memset(buf, 't', max);
	return max;
}

static void
nap_ms(int ms)
{
	int	 i;

	for (i = 0; i < ms / 10 && !srv_quit; i++)
		usleep(10000);
}

static enum MHD_Result
serve_conc(struct MHD_Connection *conn, int node)
{
	pthread_mutex_lock(&srv_mu);
	if (++srv_node_cur[node] > srv_node_max[node])
		srv_node_max[node] = srv_node_cur[node];
	if (++srv_all_cur > srv_all_max)
		srv_all_max = srv_all_cur;
	pthread_mutex_unlock(&srv_mu);
	nap_ms(100);
	pthread_mutex_lock(&srv_mu);
	srv_node_cur[node]--;
	srv_all_cur--;
	pthread_mutex_unlock(&srv_mu);
	return reply(conn, MHD_HTTP_OK, "conc", 4, NULL, NULL);
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct upload	*u = *con_cls;
	const char	*ct, *expect;
	char		 msg[256], *big;
	enum MHD_Result	 ret;
	int		 hits, node;

	if (u == NULL) {
		if ((u = calloc(1, sizeof(*u))) == NULL)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (u->u_len + *upload_size > MAXUPLOAD)
			return MHD_NO;
		if ((u->u_data = realloc(u->u_data, u->u_len +
		    *upload_size)) == NULL)
			return MHD_NO;
		memcpy(u->u_data + u->u_len, upload_data, *upload_size);
		u->u_len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/ok") == 0) {
		ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Content-Type");
		expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Expect");
		snprintf(msg, sizeof(msg), "method=%s len=%zu ct=%s expect=%s",
		    method, u->u_len, ct != NULL ? ct : "none",
		    expect != NULL ? expect : "none");
		return reply(conn, MHD_HTTP_OK, msg, strlen(msg), NULL, NULL);
	}
	if (strcmp(url, "/500") == 0)
		return reply(conn, 500, "boom", 4, NULL, NULL);
	if (strcmp(url, "/flaky") == 0) {
		pthread_mutex_lock(&srv_mu);
		hits = srv_flaky_hits++;
		pthread_mutex_unlock(&srv_mu);
		if (hits == 0)
			return reply(conn, 503, "later", 5, NULL, NULL);
		return reply(conn, MHD_HTTP_OK, "fine", 4, NULL, NULL);
	}
	if (strcmp(url, "/429") == 0 || strcmp(url, "/429/1") == 0) {
		pthread_mutex_lock(&srv_mu);
		srv_429_hits++;
		pthread_mutex_unlock(&srv_mu);
		return reply(conn, 429, "slow down", 9, "Retry-After",
		    url[4] == '\0' ? "0" : "1");
	}
	if (strcmp(url, "/slow") == 0) {
		nap_ms(2000);
		return reply(conn, MHD_HTTP_OK, "slow", 4, NULL, NULL);
	}
	if (strcmp(url, "/big") == 0) {
		if ((big = malloc(BIG)) == NULL)
			return MHD_NO;
		memset(big, 'x', BIG);
		ret = reply(conn, MHD_HTTP_OK, big, BIG, NULL, NULL);
		free(big);
		return ret;
	}
	if (strcmp(url, "/chunked") == 0)
		return reply_cb(conn, MHD_SIZE_UNKNOWN, chunked_cb);
	if (strcmp(url, "/gzip") == 0)
		return reply(conn, MHD_HTTP_OK, (const char *)gz_body,
		    sizeof(gz_body), "Content-Encoding", "gzip");
	if (strcmp(url, "/truncated") == 0)
		return reply_cb(conn, 1000, truncated_cb);
	if (strcmp(url, "/500-cut") == 0)
		return reply_cb_status(conn, 500, 1000, truncated_cb);
	if (strncmp(url, "/huge/", 6) == 0)
		return reply_cb(conn, HUGE, huge_cb);
	if (strncmp(url, "/bomb/", 6) == 0)
		return reply(conn, MHD_HTTP_OK, (const char *)bomb, bomb_len,
		    "Content-Encoding", "gzip");
	if (strcmp(url, "/bomb-cut") == 0)
		return reply(conn, MHD_HTTP_OK, (const char *)bomb,
		    bomb_len / 2, "Content-Encoding", "gzip");
	if (strcmp(url, "/gz-garbage") == 0)
		return reply(conn, MHD_HTTP_OK, "\x1f\x8b\x08\x00\x00\x00\x00"
		    "\x00\x00\x03\xff\xff\xff\xff", 14, "Content-Encoding",
		    "gzip");
	if (strcmp(url, "/br") == 0)
		return reply(conn, MHD_HTTP_OK, "\x0b\x01\x80", 3,
		    "Content-Encoding", "br");
	if (sscanf(url, "/conc/%d", &node) == 1 && node >= 0 && node < NCONC)
		return serve_conc(conn, node);
	return reply(conn, MHD_HTTP_NOT_FOUND, "nope", 4, NULL, NULL);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct upload	*u = *con_cls;

	if (u != NULL) {
		free(u->u_data);
		free(u);
		*con_cls = NULL;
	}
}

static struct MHD_Daemon *
server_start(void)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sin;

	memcpy(gz_body, gz_head, sizeof(gz_head));
	memcpy(gz_body + sizeof(gz_body) - sizeof(gz_tail), gz_tail,
	    sizeof(gz_tail));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, serve, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
	    MHD_OPTION_END);
	if (d == NULL)
		return NULL;
	if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL || info->port == 0) {
		MHD_stop_daemon(d);
		return NULL;
	}
	srv_port = info->port;
	return d;
}

static void
conc_reset(void)
{
	pthread_mutex_lock(&srv_mu);
	memset(srv_node_max, 0, sizeof(srv_node_max));
	srv_all_max = 0;
	pthread_mutex_unlock(&srv_mu);
}

static char *
url(const char *path)
{
	static char	 u[8][128];
	static int	 i;

	i = (i + 1) % 8;
	snprintf(u[i], sizeof(u[i]), "http://127.0.0.1:%u%s",
	    (unsigned int)srv_port, path);
	return u[i];
}

static struct crawl_opts
opts_default(void)
{
	struct crawl_opts o;

	memset(&o, 0, sizeof(o));
	o.co_concurrency = 4;
	o.co_per_node = 2;
	o.co_timeout_ms = 5000;
	o.co_connect_timeout_ms = 2000;
	o.co_retries = 2;
	o.co_backoff_ms = 10;
	o.co_backoff_max_ms = 50;
	o.co_max_response = 1024 * 1024;
	o.co_user_agent = "t-crawl";
	return o;
}

/* A copy of what one done callback saw. */
struct got {
	int		 g_calls;
	int		 g_order;	/* completion order, from 1 */
	enum crawl_outcome g_outcome;
	long		 g_status;
	char		 g_body[256];
	size_t		 g_len;
	char		 g_error[256];
	int		 g_attempts;
	double		 g_seconds;
	int		 g_truncated;
	int		 g_streamed;
};

static int	done_order;

static void
got_cb(void *arg, const struct crawl_result *r)
{
	struct got	*g = arg;

	g->g_calls++;
	g->g_order = ++done_order;
	g->g_outcome = r->cr_outcome;
	g->g_status = r->cr_status;
	snprintf(g->g_body, sizeof(g->g_body), "%s", r->cr_body);
	g->g_len = r->cr_len;
	snprintf(g->g_error, sizeof(g->g_error), "%s", r->cr_error);
	g->g_attempts = r->cr_attempts;
	g->g_seconds = r->cr_seconds;
	g->g_truncated = r->cr_truncated;
	g->g_streamed = r->cr_streamed;
}

/* co_final: a caller that reads 500 answers (as accept_status does). */
static void	*final_arg;
static long	 final_status;

static int
final_500(void *arg, long status)
{
	final_arg = arg;
	final_status = status;
	return status == 500;
}

/* Run one request on a fresh crawl; the result lands in *g. */
static int
run_one(const struct crawl_opts *o, const char *method, const char *u,
    const char *ct, const char *body, struct got *g,
    struct crawl_stats *cs)
{
	struct crawl	*c;
	int		 rv;

	memset(g, 0, sizeof(*g));
	if ((c = crawl_new(o)) == NULL)
		return -1;
	crawl_add(c, 0, method, u, ct, body != NULL ? strdup(body) : NULL,
	    body != NULL ? strlen(body) : 0, got_cb, g);
	rv = crawl_run(c, NULL, NULL, NULL);
	if (cs != NULL)
		crawl_stats(c, cs);
	crawl_free(c);
	return rv;
}

static void
test_basic(void)
{
	struct crawl_opts o = opts_default();
	struct crawl_stats cs;
	struct got	 g;
	char		*big;

	is_int(0, run_one(&o, "GET", url("/ok"), NULL, NULL, &g, NULL),
	    "crawl_run returns 0");
	is_int(1, g.g_calls, "done called once");
	is_int(CRAWL_OK, g.g_outcome, "GET /ok: ok");
	is_int(200, g.g_status, "GET /ok: status 200");
	is_str("method=GET len=0 ct=none expect=none", g.g_body,
	    "GET /ok: body");
	is_str("", g.g_error, "GET /ok: no error");
	is_int(1, g.g_attempts, "GET /ok: one attempt");

	/* A body above curl's 100-continue threshold: Expect suppressed. */
	big = malloc(2000);
	memset(big, 'a', 1999);
	big[1999] = '\0';
	run_one(&o, "POST", url("/ok"), "application/json", big, &g, NULL);
	free(big);
	is_str("method=POST len=1999 ct=application/json expect=none",
	    g.g_body, "POST body and Content-Type arrive, no Expect");
	run_one(&o, "PUT", url("/ok"), "text/plain", "abc", &g, NULL);
	is_str("method=PUT len=3 ct=text/plain expect=none", g.g_body,
	    "PUT with a body");

	is_int(0, run_one(&o, "GET", url("/500"), NULL, NULL, &g, &cs),
	    "crawl_run returns 0 on HTTP errors");
	is_int(CRAWL_HTTP_ERROR, g.g_outcome, "/500: http_error");
	is_int(500, g.g_status, "/500: status 500");
	is_str("HTTP 500", g.g_error, "/500: error text");
	is_str("boom", g.g_body, "/500: body kept");
	is_int(3, g.g_attempts, "/500: 1 + 2 retries");
	is_int(3, cs.cs_attempts, "stats: 3 attempts");
	is_int(2, cs.cs_retries, "stats: 2 retries");
	is_int(1, cs.cs_requests, "stats: 1 request");
	is_int(1, cs.cs_outcome[CRAWL_HTTP_ERROR], "stats: 1 http_error");

	o.co_final = final_500;
	run_one(&o, "GET", url("/500"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_HTTP_ERROR && g.g_attempts == 1 &&
	    strcmp(g.g_body, "boom") == 0 && !g.g_truncated,
	    "/500 taken as final by co_final: one attempt, its whole body");
	ok(final_arg == &g && final_status == 500,
	    "  co_final gets the request's done argument and the status");
	final_status = 0;
	run_one(&o, "GET", url("/404"), NULL, NULL, &g, NULL);
	ok(g.g_attempts == 1 && final_status == 0,
	    "  and is not asked about a status that is never retried");
	run_one(&o, "GET", url("/500-cut"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_HTTP_ERROR && g.g_attempts == 3 &&
	    g.g_truncated, "  a 500 cut short is no answer to read: retried "
	    "as before (%d attempts)", g.g_attempts);
	o.co_final = NULL;

	pthread_mutex_lock(&srv_mu);
	srv_flaky_hits = 0;
	pthread_mutex_unlock(&srv_mu);
	run_one(&o, "GET", url("/flaky"), NULL, NULL, &g, NULL);
	is_int(CRAWL_OK, g.g_outcome, "/flaky: ok in the end");
	is_int(2, g.g_attempts, "/flaky: 2 attempts");
	is_str("fine", g.g_body, "/flaky: body of the last attempt");

	run_one(&o, "GET", url("/404"), NULL, NULL, &g, NULL);
	is_int(CRAWL_HTTP_ERROR, g.g_outcome, "/404: http_error");
	is_str("HTTP 404", g.g_error, "/404: error text");
	is_int(1, g.g_attempts, "/404: not retried");

	/* Retry-After: 0 beats a backoff that would average 5s per retry. */
	o.co_backoff_ms = o.co_backoff_max_ms = 10000;
	pthread_mutex_lock(&srv_mu);
	srv_429_hits = 0;
	pthread_mutex_unlock(&srv_mu);
	run_one(&o, "GET", url("/429"), NULL, NULL, &g, NULL);
	is_int(CRAWL_HTTP_ERROR, g.g_outcome, "/429: http_error");
	is_str("HTTP 429", g.g_error, "/429: error text");
	is_int(3, g.g_attempts, "/429: retried");
	is_int(3, srv_429_hits, "/429: the server saw 3 requests");
	ok(g.g_seconds < 3, "/429: Retry-After: 0 honoured (%.3fs)",
	    g.g_seconds);
}

static void
test_failures(void)
{
	struct crawl_opts o = opts_default();
	struct crawl_stats cs;
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	struct got	 g;
	char		 want[128], u[128];
	int		 s;

	o.co_timeout_ms = 300;
	o.co_connect_timeout_ms = 200;
	o.co_retries = 1;
	run_one(&o, "GET", url("/slow"), NULL, NULL, &g, NULL);
	is_int(CRAWL_TIMEOUT, g.g_outcome, "/slow: timeout");
	is_str("timeout after 300ms", g.g_error, "/slow: error text");
	is_int(2, g.g_attempts, "/slow: timeouts are retried");
	ok(g.g_seconds >= 0.5 && g.g_seconds < 1.9,
	    "/slow: two 300ms attempts (%.3fs)", g.g_seconds);

	o = opts_default();
	o.co_max_response = 10000;
	run_one(&o, "GET", url("/big"), NULL, NULL, &g, NULL);
	is_int(CRAWL_TOO_LARGE, g.g_outcome, "/big: too_large");
	is_str("answer larger than 10000B", g.g_error, "/big: error text");
	is_int(1, g.g_attempts, "/big: not retried");
	is_int(0, g.g_len, "/big: no body");
	run_one(&o, "GET", url("/chunked"), NULL, NULL, &g, NULL);
	is_int(CRAWL_TOO_LARGE, g.g_outcome,
	    "/chunked: too_large without a Content-Length");
	run_one(&o, "GET", url("/gzip"), NULL, NULL, &g, NULL);
	is_int(CRAWL_TOO_LARGE, g.g_outcome,
	    "/gzip: the cap counts decoded bytes");
	o.co_max_response = BIG;
	run_one(&o, "GET", url("/gzip"), NULL, NULL, &g, &cs);
	ok(g.g_outcome == CRAWL_OK && g.g_len == BIG,
	    "/gzip: decoded, exactly at the cap (%s, %zu bytes)",
	    crawl_outcome_name(g.g_outcome), g.g_len);
	is_int(sizeof(gz_body), cs.cs_bytes_in,
	    "stats: bytes in counts the wire, not the decoded body");

	o = opts_default();
	run_one(&o, "GET", url("/truncated"), NULL, NULL, &g, NULL);
	is_int(CRAWL_ERROR, g.g_outcome, "/truncated: error");
	ok(strncmp(g.g_error, "truncated answer: ", 18) == 0 &&
	    strstr(g.g_error, "900 bytes remaining") != NULL,
	    "/truncated: error text (%s)", g.g_error);
	is_int(1, g.g_attempts, "/truncated: not retried");

	/* A bound socket that does not listen: connection refused. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == -1 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) == -1)
		sin.sin_port = htons(9);
	snprintf(u, sizeof(u), "http://127.0.0.1:%u/ok", ntohs(sin.sin_port));
	snprintf(want, sizeof(want), "Failed to connect to 127.0.0.1 port %u",
	    ntohs(sin.sin_port));
	run_one(&o, "GET", u, NULL, NULL, &g, NULL);
	if (s != -1)
		close(s);
	is_int(CRAWL_CONNECT, g.g_outcome, "refused: connect");
	ok(strncmp(g.g_error, want, strlen(want)) == 0,
	    "refused: curl's error text (%s)", g.g_error);
	is_int(3, g.g_attempts, "refused: retried");
	is_int(0, g.g_status, "refused: no status");

	run_one(&o, "GET", "file:///etc/passwd", NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_ERROR && strstr(g.g_error, "file") != NULL,
	    "file:// refused (%s: %s)", crawl_outcome_name(g.g_outcome),
	    g.g_error);
}

static void
test_limits(void)
{
	struct crawl_opts o = opts_default();
	struct crawl	*c;
	struct crawl_stats cs;
	struct got	 g[24], hol[6];
	char		 path[32];
	int		 i, node, maxnode = 0, nok = 0;

	o.co_concurrency = 8;
	o.co_per_node = 2;
	conc_reset();
	memset(g, 0, sizeof(g));
	c = crawl_new(&o);
	for (i = 0; i < 24; i++) {
		node = i % 4;
		snprintf(path, sizeof(path), "/conc/%d", node);
		crawl_add(c, node, "GET", url(path), NULL, NULL, 0, got_cb,
		    &g[i]);
	}
	is_int(0, crawl_run(c, NULL, NULL, NULL), "limits: run returns 0");
	crawl_stats(c, &cs);
	crawl_free(c);
	for (i = 0; i < 24; i++)
		nok += g[i].g_calls == 1 && g[i].g_outcome == CRAWL_OK;
	is_int(24, nok, "limits: 24 requests ok, each called back once");
	pthread_mutex_lock(&srv_mu);
	for (i = 0; i < 4; i++)
		if (srv_node_max[i] > maxnode)
			maxnode = srv_node_max[i];
	ok(maxnode <= 2, "limits: at most 2 per node (saw %d)", maxnode);
	ok(srv_all_max <= 8, "limits: at most 8 overall (saw %d)",
	    srv_all_max);
	ok(srv_all_max > 2, "limits: parallel across nodes (saw %d)",
	    srv_all_max);
	pthread_mutex_unlock(&srv_mu);
	is_int(24, cs.cs_requests, "stats: 24 requests");
	is_int(24, cs.cs_attempts, "stats: 24 attempts");
	is_int(24, cs.cs_outcome[CRAWL_OK], "stats: 24 ok");
	ok(cs.cs_bytes_in == 24 * 4, "stats: bytes in (%llu)",
	    cs.cs_bytes_in);

	/* Node 0's backlog must not hold back node 1 (no head of line). */
	o.co_concurrency = 3;
	o.co_per_node = 1;
	memset(hol, 0, sizeof(hol));
	done_order = 0;
	c = crawl_new(&o);
	for (i = 0; i < 5; i++)
		crawl_add(c, 0, "GET", url("/conc/0"), NULL, NULL, 0, got_cb,
		    &hol[i]);
	crawl_add(c, 1, "GET", url("/ok"), NULL, NULL, 0, got_cb, &hol[5]);
	crawl_run(c, NULL, NULL, NULL);
	crawl_free(c);
	ok(hol[5].g_order == 1, "per-node queue: node 1 done first (#%d)",
	    hol[5].g_order);

	/* A retry waiting for its Retry-After holds no slot. */
	o = opts_default();
	o.co_concurrency = 1;
	o.co_retries = 1;
	o.co_backoff_max_ms = 1000;
	memset(hol, 0, sizeof(hol));
	done_order = 0;
	c = crawl_new(&o);
	crawl_add(c, 0, "GET", url("/429/1"), NULL, NULL, 0, got_cb, &hol[0]);
	for (i = 1; i < 6; i++)
		crawl_add(c, 1, "GET", url("/ok"), NULL, NULL, 0, got_cb,
		    &hol[i]);
	crawl_run(c, NULL, NULL, NULL);
	crawl_free(c);
	ok(hol[0].g_order == 6 && hol[0].g_attempts == 2,
	    "waiting retry: other requests ran meanwhile (#%d, %d attempts)",
	    hol[0].g_order, hol[0].g_attempts);
	ok(hol[0].g_seconds >= 0.9 && hol[0].g_seconds < 4,
	    "waiting retry: Retry-After: 1 honoured (%.3fs)",
	    hol[0].g_seconds);
}

/* The feed test: produce fd_total requests one per call. */
struct feeder {
	struct crawl	*fd_crawl;
	int		 fd_total;
	int		 fd_added;
	int		 fd_calls;
	int		 fd_done;
	int		 fd_ok;
	int		 fd_outstanding;
	int		 fd_max_outstanding;
	int		 fd_chained;
};

static void
feed_done(void *arg, const struct crawl_result *r)
{
	struct feeder	*f = arg;

	f->fd_done++;
	f->fd_outstanding--;
	if (r->cr_outcome == CRAWL_OK)
		f->fd_ok++;
	/* Every 10th answer asks for a follow-up from the callback. */
	if (f->fd_done % 10 == 0 && f->fd_chained < 100) {
		f->fd_chained++;
		f->fd_outstanding++;
		crawl_add(f->fd_crawl, 5, "GET", url("/ok"), NULL, NULL, 0,
		    feed_done, f);
	}
}

static int
feed_one(void *arg)
{
	struct feeder	*f = arg;
	char		 path[32];

	f->fd_calls++;
	if (f->fd_added == f->fd_total)
		return 0;
	/* Every third call has nothing yet, but may have more later. */
	if (f->fd_calls % 3 == 0)
		return 1;
	snprintf(path, sizeof(path), "/conc/%d", f->fd_added % 3);
	crawl_add(f->fd_crawl, f->fd_added % 3, "POST", url(path), NULL,
	    NULL, 0, feed_done, f);
	f->fd_added++;
	if (++f->fd_outstanding > f->fd_max_outstanding)
		f->fd_max_outstanding = f->fd_outstanding;
	return 1;
}

static int
feed_nothing(void *arg)
{
	int	*calls = arg;

	return ++*calls < 1000;
}

static void
test_feed(void)
{
	struct crawl_opts o = opts_default();
	struct feeder	 f;
	struct got	 g;
	int		 calls = 0;

	memset(&f, 0, sizeof(f));
	f.fd_total = 30;
	f.fd_crawl = crawl_new(&o);
	is_int(0, crawl_run(f.fd_crawl, feed_one, &f, NULL),
	    "feed: run returns 0");
	crawl_free(f.fd_crawl);
	is_int(30 + f.fd_chained, f.fd_ok, "feed: all %d requests ok",
	    30 + f.fd_chained);
	is_int(3, f.fd_chained, "feed: done callbacks added 3 more");
	ok(f.fd_max_outstanding <= o.co_concurrency,
	    "feed: at most %d queued or in flight (saw %d)", o.co_concurrency,
	    f.fd_max_outstanding);

	/* Has more, adds nothing, nothing pending: give up, do not spin. */
	f.fd_crawl = crawl_new(&o);
	is_int(0, crawl_run(f.fd_crawl, feed_nothing, &calls, NULL),
	    "idle feed: run returns 0");
	is_int(2, calls, "idle feed: called twice, then not again");
	memset(&g, 0, sizeof(g));
	crawl_add(f.fd_crawl, 0, "GET", url("/ok"), NULL, NULL, 0, got_cb,
	    &g);
	crawl_add(f.fd_crawl, 7, "GET", url("/ok"), NULL, NULL, 0, got_cb,
	    &g);
	crawl_free(f.fd_crawl);
	is_int(0, g.g_calls, "crawl_free: requests never run, no callback");
}

static volatile sig_atomic_t stop_flag;

struct stopper {
	int	 st_calls;
	int	 st_ok;
	int	 st_cancelled;
	int	 st_cancel_text;
	int	 st_bad;
};

static void
stop_done(void *arg, const struct crawl_result *r)
{
	struct stopper	*s = arg;

	s->st_calls++;
	if (r->cr_outcome == CRAWL_OK)
		s->st_ok++;
	else if (r->cr_outcome == CRAWL_CANCELLED) {
		s->st_cancelled++;
		s->st_cancel_text += strcmp(r->cr_error, "cancelled") == 0;
	} else
		s->st_bad++;
	stop_flag = 1;
}

static void *
stop_later(void *arg)
{
	usleep(150000);
	stop_flag = 1;
	return NULL;
}

/* What the memory test's callbacks saw. */
struct memseen {
	int	 ms_calls;
	int	 ms_ok;		/* CRAWL_OK with HUGE bytes of the pattern */
	char	 ms_error[256];
};

static void
mem_done(void *arg, const struct crawl_result *r)
{
	struct memseen	*ms = arg;
	size_t		 i;

	ms->ms_calls++;
	if (r->cr_outcome != CRAWL_OK || r->cr_len != HUGE) {
		snprintf(ms->ms_error, sizeof(ms->ms_error), "%s: %s, %zu bytes",
		    crawl_outcome_name(r->cr_outcome), r->cr_error, r->cr_len);
		return;
	}
	for (i = 0; i < HUGE; i++)
		if (r->cr_body[i] != pattern(i)) {
			snprintf(ms->ms_error, sizeof(ms->ms_error),
			    "byte %zu differs", i);
			return;
		}
	ms->ms_ok++;
}

/*
 * n requests of HUGE bytes each (every other one gzipped) under a memory
 * limit; returns how many arrived whole, with the stats in *cs.
 */
static int
mem_run(size_t limit, int n, int concurrency, struct crawl_stats *cs,
    char *err, size_t errsz)
{
	struct crawl_opts o = opts_default();
	struct memseen	 ms;
	struct crawl	*c;
	char		 path[32];
	int		 i;

	o.co_concurrency = concurrency;
	o.co_per_node = 1;
	o.co_retries = 0;
	o.co_timeout_ms = 60000;
	o.co_max_response = HUGE;
	o.co_memory_limit = limit;
	memset(&ms, 0, sizeof(ms));
	if ((c = crawl_new(&o)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/%s/%d", i % 2 ? "bomb" : "huge",
		    i);
		crawl_add(c, i, "GET", url(path), NULL, NULL, 0, mem_done, &ms);
	}
	crawl_run(c, NULL, NULL, NULL);
	crawl_stats(c, cs);
	crawl_free(c);
	snprintf(err, errsz, "%s", ms.ms_error);
	return ms.ms_calls == n ? ms.ms_ok : -1;
}

static void
test_memory(void)
{
	struct crawl_opts o = opts_default();
	struct crawl_stats cs;
	struct got	 g;
	char		 err[256];
	int		 nok;

	o.co_memory_limit = o.co_max_response - 1;
	ok(crawl_new(&o) == NULL,
	    "crawl_new refuses a memory limit below max_response");

	/* Without a limit, 16 answers at once hold far more than 3 of them. */
	nok = mem_run(0, 32, 16, &cs, err, sizeof(err));
	is_int(32, nok, "no memory limit: 32 answers whole %s", err);
	ok(cs.cs_mem_peak > 3 * HUGE && cs.cs_mem_waits == 0,
	    "no memory limit: %zu bytes held at once, no pause",
	    cs.cs_mem_peak);

	/* A limit of 3 answers: a pool of 2 and a reserve of 1. */
	nok = mem_run(3 * HUGE, 32, 16, &cs, err, sizeof(err));
	is_int(32, nok, "memory limit of 3 answers: 32 answers whole %s",
	    err);
	ok(cs.cs_mem_peak <= 3 * HUGE,
	    "memory limit: at most %d bytes held at once (saw %zu)",
	    3 * HUGE, cs.cs_mem_peak);
	ok(cs.cs_mem_peak > HUGE, "memory limit: still concurrent (%zu)",
	    cs.cs_mem_peak);
	ok(cs.cs_mem_waits > 0, "memory limit: transfers paused (%lu)",
	    cs.cs_mem_waits);
	is_int(32, cs.cs_outcome[CRAWL_OK], "memory limit: 32 ok");

	/* The tightest limit, one answer: one at a time, never stuck. */
	nok = mem_run(HUGE, 12, 12, &cs, err, sizeof(err));
	is_int(12, nok, "memory limit of 1 answer: 12 answers whole %s", err);
	ok(cs.cs_mem_peak <= HUGE,
	    "memory limit of 1 answer: at most %d bytes (saw %zu)", HUGE,
	    cs.cs_mem_peak);

	/* Decoding is vantage's own: its failures have their own words. */
	o = opts_default();
	run_one(&o, "GET", url("/bomb-cut"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_ERROR && strcmp(g.g_error,
	    "truncated answer: the compressed body ends early") == 0,
	    "half a gzip stream: truncated (%s)", g.g_error);
	run_one(&o, "GET", url("/gz-garbage"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_ERROR && strncmp(g.g_error,
	    "malformed compressed answer: ", 29) == 0,
	    "garbage as gzip: malformed (%s)", g.g_error);
	run_one(&o, "GET", url("/br"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_ERROR &&
	    strcmp(g.g_error, "unsupported content encoding 'br'") == 0,
	    "an encoding not asked for (%s)", g.g_error);
	o.co_max_response = HUGE - 1;
	run_one(&o, "GET", url("/bomb/0"), NULL, NULL, &g, NULL);
	is_int(CRAWL_TOO_LARGE, g.g_outcome,
	    "a gzip answer larger than max_response once decoded: too_large");
}

static void
test_deny(void)
{
	struct crawl_opts o = opts_default();
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	struct got	 g;
	static char	 d10[] = "10.0.0.0/8", d127[] = "127.0.0.0/8";
	static char	 d33[] = "127.0.0.1/33";
	char		*deny[] = { d10, d127 }, *bad[] = { d33 };
	char		 u[128];
	int		 s, a;

	o.co_deny = bad;
	o.co_ndeny = 1;
	ok(crawl_new(&o) == NULL, "crawl_new refuses a bad range");

	/* A listening socket that never accepts: a connect would queue. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == -1 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 8) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) == -1 ||
	    fcntl(s, F_SETFL, O_NONBLOCK) == -1) {
		printf("Bail out! cannot make a listening socket\n");
		exit(1);
	}
	snprintf(u, sizeof(u), "http://127.0.0.1:%u/ok", ntohs(sin.sin_port));
	o.co_deny = deny;
	o.co_ndeny = 2;
	run_one(&o, "GET", u, NULL, NULL, &g, NULL);
	is_int(CRAWL_CONNECT, g.g_outcome, "denied: connect");
	is_str("denied by crawl.deny: 127.0.0.1 (127.0.0.0/8)", g.g_error,
	    "denied: the address and the range");
	is_int(1, g.g_attempts, "denied: not retried");
	a = accept(s, NULL, NULL);
	ok(a == -1 && (errno == EAGAIN || errno == EWOULDBLOCK),
	    "denied: no connection was made");
	if (a != -1)
		close(a);
	close(s);

	o.co_deny = deny;
	o.co_ndeny = 1;
	run_one(&o, "GET", url("/ok"), NULL, NULL, &g, NULL);
	is_int(CRAWL_OK, g.g_outcome, "an address outside the ranges is asked");
}

static void
test_stop(void)
{
	struct crawl_opts o = opts_default();
	struct crawl	*c;
	struct stopper	 s;
	struct crawl_stats cs;
	struct got	 g;
	pthread_t	 tid;
	double		 t0;
	int		 i, rv;

	o.co_concurrency = 3;
	o.co_backoff_max_ms = 1000;
	memset(&s, 0, sizeof(s));
	memset(&g, 0, sizeof(g));
	stop_flag = 0;
	c = crawl_new(&o);
	/* This one fails at once and waits 1s for its retry. */
	crawl_add(c, 3, "GET", url("/429/1"), NULL, NULL, 0, got_cb, &g);
	for (i = 0; i < 20; i++)
		crawl_add(c, i % 2, "GET", url("/conc/9"), NULL, NULL, 0,
		    stop_done, &s);
	is_int(-1, crawl_run(c, NULL, NULL, &stop_flag),
	    "stop: run returns -1");
	is_int(20, s.st_calls, "stop: every request called back once");
	ok(g.g_calls == 1 && g.g_outcome == CRAWL_CANCELLED &&
	    g.g_attempts == 1, "stop: a waiting retry is cancelled too (%s)",
	    crawl_outcome_name(g.g_outcome));
	ok(s.st_ok >= 1 && s.st_cancelled >= 1 && s.st_bad == 0,
	    "stop: %d ok, %d cancelled, %d other", s.st_ok, s.st_cancelled,
	    s.st_bad);
	is_int(s.st_cancelled, s.st_cancel_text,
	    "stop: cancelled requests say \"cancelled\"");
	crawl_stats(c, &cs);
	is_int(s.st_cancelled + 1, cs.cs_outcome[CRAWL_CANCELLED],
	    "stats: cancelled counted");
	stop_flag = 0;
	is_int(0, crawl_run(c, NULL, NULL, &stop_flag),
	    "stop: nothing left afterwards");

	/* As from a signal handler: noticed while every transfer is idle. */
	memset(&g, 0, sizeof(g));
	crawl_add(c, 0, "GET", url("/slow"), NULL, NULL, 0, got_cb, &g);
	t0 = now_mono();
	if (pthread_create(&tid, NULL, stop_later, NULL) != 0)
		stop_flag = 1;
	rv = crawl_run(c, NULL, NULL, &stop_flag);
	t0 = now_mono() - t0;
	pthread_join(tid, NULL);
	ok(rv == -1 && g.g_outcome == CRAWL_CANCELLED,
	    "stop from another thread: cancelled");
	ok(t0 < 1.5, "stop from another thread: noticed in %.3fs", t0);
	crawl_free(c);
}

/* What a caller reading answers as they arrive (co_stream) saw. */
static char	 st_statuses[64];	/* each attempt's, in order */
static char	 st_text[64];		/* the first bytes since the last start */
static size_t	 st_len, st_z;		/* bytes since then, and of them 'z' */

/* co_stream: 2xx answers are read as they arrive. */
static int
stream_2xx(void *arg, long status)
{
	size_t	o = strlen(st_statuses);

	(void)arg;
	snprintf(st_statuses + o, sizeof(st_statuses) - o, "%s%ld",
	    o > 0 ? "," : "", status);
	st_text[0] = '\0';
	st_len = st_z = 0;
	return status >= 200 && status <= 299;
}

static void
stream_write(void *arg, const char *p, size_t len)
{
	size_t	i, o;

	(void)arg;
	for (i = 0; i < len; i++) {
		st_z += p[i] == 'z';
		if ((o = strlen(st_text)) + 1 < sizeof(st_text)) {
			st_text[o] = p[i];
			st_text[o + 1] = '\0';
		}
	}
	st_len += len;
}

static void
stream_reset(void)
{
	st_statuses[0] = st_text[0] = '\0';
	st_len = st_z = 0;
}

static void
test_stream(void)
{
	struct crawl_opts o = opts_default();
	struct crawl_stats cs;
	struct got	 g;

	o.co_stream = stream_2xx;
	o.co_write = stream_write;
	pthread_mutex_lock(&srv_mu);
	srv_flaky_hits = 0;
	pthread_mutex_unlock(&srv_mu);
	stream_reset();
	run_one(&o, "GET", url("/flaky"), NULL, NULL, &g, NULL);
	is_str("503,200", st_statuses, "co_stream: asked at each attempt's "
	    "first byte, with its status");
	ok(g.g_outcome == CRAWL_OK && g.g_streamed && g.g_body[0] == '\0' &&
	    g.g_len == 4 && strcmp(st_text, "fine") == 0,
	    "  the 2xx answer went to co_write, not cr_body (%s, '%s')",
	    crawl_outcome_name(g.g_outcome), st_text);
	stream_reset();
	run_one(&o, "GET", url("/500"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_HTTP_ERROR && !g.g_streamed &&
	    strcmp(g.g_body, "boom") == 0 && st_len == 0,
	    "  an answer co_stream declines is held as before");
	stream_reset();
	o.co_max_response = BIG;
	o.co_memory_limit = BIG;
	run_one(&o, "GET", url("/gzip"), NULL, NULL, &g, &cs);
	ok(g.g_outcome == CRAWL_OK && g.g_len == BIG && st_len == BIG &&
	    st_z == BIG, "  decoded as it arrives (%zu bytes, %zu of them z)",
	    st_len, st_z);
	ok(cs.cs_mem_peak == 0 && cs.cs_mem_waits == 0,
	    "  and held by no one: no memory_limit counted (%zu)",
	    cs.cs_mem_peak);
	stream_reset();
	o.co_max_response = 20000;	/* more than one piece */
	o.co_memory_limit = 0;
	run_one(&o, "GET", url("/chunked"), NULL, NULL, &g, NULL);
	ok(g.g_outcome == CRAWL_TOO_LARGE && st_len > 0 && st_len <= 20000,
	    "  max_response counts what went to co_write: too_large once over "
	    "it (%zu bytes streamed)", st_len);
	is_str("answer larger than 20000B", g.g_error, "  and says so");
}

int
main(void)
{
	struct MHD_Daemon *d;
	struct crawl_opts o = opts_default();

	alarm(120);
	log_init("t-crawl", getenv("CRAWL_DEBUG") != NULL);
	plan(86 + 20 + 7);
	if (bomb_make() == -1 || (d = server_start()) == NULL) {
		printf("Bail out! cannot start the test server\n");
		return 1;
	}
	is_str("ok", crawl_outcome_name(CRAWL_OK), "outcome name ok");
	is_str("too_large", crawl_outcome_name(CRAWL_TOO_LARGE),
	    "outcome name too_large");
	is_str("cancelled", crawl_outcome_name(CRAWL_CANCELLED),
	    "outcome name cancelled");
	o.co_per_node = 0;
	ok(crawl_new(&o) == NULL, "crawl_new refuses co_per_node 0");
	crawl_free(NULL);

	test_basic();
	test_failures();
	test_limits();
	test_feed();
	test_stop();
	test_memory();
	test_deny();
	test_stream();

	srv_quit = 1;
	MHD_stop_daemon(d);
	free(bomb);
	return done_testing();
}
