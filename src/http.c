/* http.c -- the metrics server (libmicrohttpd); serves immutable snapshots */

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

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>

#include "api.h"
#include "buf.h"
#include "conf.h"
#include "expo.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "status.h"
#include "util.h"
#include "xmalloc.h"

#define HTTP_MEMORY_LIMIT	(32 * 1024)	/* headers of one request */
#define HTTP_PEM_MAX		(1024 * 1024)
#define HTTP_REAP_MS		250	/* how often late requests are looked for */
#define HTTP_REPORT_MS		60000	/* at most one summary of them per minute */
#define PEER_KEYLEN		9	/* family, then 4 or 8 address bytes */
#define SSE_BEAT_MS		15000	/* a comment to idle subscribers */
#define SSE_CHUNK		(64 * 1024)	/* events taken at once */
#define SSE_BLOCK		4096

/*
 * Basic auth: passwords not in the cache are checked by one verifier
 * thread, at most AUTH_QUEUE_MAX waiting, while their connections are
 * suspended.  An address with AUTH_FAIL_MAX failures (checks under way
 * count as failures until they succeed) within AUTH_FAIL_WINDOW_MS is
 * answered 429 for AUTH_BLOCK_MS, without a check.  AUTH_FAIL_SLOTS
 * addresses are remembered, the least recently failing one forgotten.
 */
#define AUTH_QUEUE_MAX		32
#define AUTH_FAIL_MAX		5
#define AUTH_FAIL_WINDOW_MS	60000
#define AUTH_BLOCK_MS		60000
#define AUTH_FAIL_SLOTS		1024	/* a power of 2 */
#define AUTH_FAIL_WAYS		4

/* One rendered exposition in every format and encoding. */
struct snapshot {
	char		*sn_body[EXPO_NFORMATS][2];	/* [format][gzip] */
	size_t		 sn_len[EXPO_NFORMATS][2];
	int		 sn_ready;
	int		 sn_refs;	/* under ht_lock */
};

struct basic_user {
	char		*bu_user;
	char		*bu_hash;		/* crypt(3) */
	char		 bu_verified[65];	/* sha256 hex of the last good
						   password, under ht_lock */
};

/*
 * One open connection: MHD's socket context, from MHD_CONNECTION_NOTIFY_STARTED
 * to MHD_CONNECTION_NOTIFY_CLOSED.  Until its request is complete -- from the
 * accept, or from the end of its previous request -- it waits on ht_waiting
 * and on its peer's pr_waiting, oldest first.  MHD closes the fd only after
 * CLOSED, which takes ht_conn_lock, so the fd of a connection found here
 * under that lock is still this connection's.
 */
enum conn_state {
	CONN_WAITING,		/* for a complete request */
	CONN_BUSY,		/* request complete, being answered */
	CONN_CLOSING		/* shut down by us, MHD has not closed it yet */
};

struct conn {
	TAILQ_ENTRY(conn) cn_entry;	/* on ht_waiting */
	TAILQ_ENTRY(conn) cn_peer_entry; /* on cn_peer->pr_waiting */
	struct peer	*cn_peer;
	int		 cn_fd;
	enum conn_state	 cn_state;
	int64_t		 cn_since;	/* ms, monotonic: start of the wait */
	int		 cn_kept;	/* kept alive after a request */
};
TAILQ_HEAD(conn_list, conn);

/*
 * One request: MHD's con_cls from the first call of handle() to
 * NOTIFY_COMPLETED.  While its password is checked, the connection is
 * suspended and the request is on ht_vf_queue, then the verifier's until
 * it resumes the connection.
 */
enum req_auth {
	REQ_AUTH_NONE,		/* not checked yet */
	REQ_AUTH_PENDING,	/* queued or being checked */
	REQ_AUTH_OK,
	REQ_AUTH_FAILED
};

struct req {
	TAILQ_ENTRY(req) rq_entry;	/* on ht_vf_queue */
	struct MHD_Connection *rq_conn;
	enum req_auth	 rq_auth;
	char		*rq_user;
	char		*rq_pass;
	unsigned char	 rq_key[PEER_KEYLEN];	/* the client's address */
};
TAILQ_HEAD(req_list, req);

/* Failed logins of one client address. */
struct authfail {
	unsigned char	 af_key[PEER_KEYLEN];
	int		 af_used;
	unsigned int	 af_count;	/* in the window, checks under way too */
	int64_t		 af_since;	/* ms: start of the window */
	int64_t		 af_last;	/* ms: the last failure */
	int64_t		 af_until;	/* ms: refused until then */
};

/*
 * A client address (an IPv6 one by its /64) with open connections.  Peers
 * with n connections waiting are on ht_ranks[n], so the one with the most
 * is found at once.
 */

struct peer {
	struct peer	*pr_next;	/* in its ht_peers chain */
	TAILQ_ENTRY(peer) pr_entry;	/* on ht_ranks[pr_nwaiting] if > 0 */
	struct conn_list pr_waiting;
	unsigned int	 pr_nconn;
	unsigned int	 pr_nwaiting;
	unsigned char	 pr_key[PEER_KEYLEN];
};
TAILQ_HEAD(peer_list, peer);

/*
 * A client of /api/v1/events.  Its connection is suspended while it has
 * nothing to send; the reaper thread resumes it when a newer event exists
 * or a heartbeat is due.  Under ht_sse_lock.
 */
struct sse {
	TAILQ_ENTRY(sse) ss_entry;
	struct http	*ss_http;
	struct MHD_Connection *ss_conn;
	uint64_t	 ss_last;	/* id of the last event sent */
	struct buf	 ss_out;	/* to send, from ss_off */
	size_t		 ss_off;
	int		 ss_suspended;
	int		 ss_beat;	/* send a heartbeat if nothing else */
};
TAILQ_HEAD(sse_list, sse);

struct http {
	struct MHD_Daemon *ht_daemon;
	pthread_mutex_t	 ht_lock;
	struct snapshot	*ht_snap;
	unsigned int	 ht_port;
	char		*ht_store_path;
	char		*ht_cert, *ht_key, *ht_ca;	/* PEM text */
	int		 ht_client_certs;
	char		**ht_bearer;		/* sha256 hex */
	size_t		 ht_nbearer;
	struct basic_user *ht_basic;
	size_t		 ht_nbasic;

	/* The password verifier, and failures by address; under ht_vf_lock. */
	pthread_mutex_t	 ht_vf_lock;
	pthread_cond_t	 ht_vf_cond;
	pthread_t	 ht_vf_thread;
	int		 ht_vf_running;
	int		 ht_vf_stopping;
	struct req_list	 ht_vf_queue;
	unsigned int	 ht_vf_queued;
	struct authfail	*ht_fails;		/* [AUTH_FAIL_SLOTS] */

	/* Connections, and the reaper of late requests; under ht_conn_lock. */
	pthread_mutex_t	 ht_conn_lock;
	pthread_cond_t	 ht_conn_cond;		/* tells the reaper to stop */
	pthread_t	 ht_reaper;
	int		 ht_reaper_running;
	int		 ht_stopping;
	struct conn_list ht_waiting;		/* all peers', oldest first */
	struct peer	**ht_peers;		/* hash table */
	uint32_t	 ht_peer_mask;		/* its size - 1 */
	uint32_t	 ht_peer_salt;
	struct peer_list *ht_ranks;		/* [0, max_connections] */
	unsigned int	 ht_maxrank;		/* highest non-empty, or 0 */
	unsigned int	 ht_nconn;		/* open */
	unsigned int	 ht_nclosing;		/* of those, CONN_CLOSING */
	unsigned int	 ht_room;		/* more open ones evict */
	int64_t		 ht_request_ms;		/* http.request_timeout */
	unsigned long	 ht_nlate;		/* closed since the last report */
	unsigned long	 ht_nevicted;
	int64_t		 ht_reported;		/* ms of the last report; 0: none
						   since the last quiet minute */

	/* Event subscribers; under ht_sse_lock. */
	pthread_mutex_t	 ht_sse_lock;
	struct notify	*ht_notify;
	struct sse_list	 ht_sse;
	int		 ht_sse_stopping;
	int64_t		 ht_sse_beat;		/* ms of the last heartbeat */
	int64_t		 ht_sse_beat_ms;
};

/* ---- small parsers, exported for the unit tests ---- */

int
http_secure_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i;
	unsigned char	diff = la != lb;

	for (i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb ? lb : 1)];
	return diff == 0;
}

/* q of one media-range or coding parameter list ("...; q=0.5"); 1 if none. */
static double
param_q(const char *p, const char *end)
{
	const char	*q;
	double		 v;

	for (q = p; q < end; q++) {
		if (*q != ';')
			continue;
		q++;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (end - q >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
			v = strtod(q + 2, NULL);
			return !(v > 0) ? 0 : v > 1 ? 1 : v;	/* NaN: 0 */
		}
	}
	return 1;
}

/* Calls fn for each comma-separated element: its token and its q. */
static void
each_element(const char *h, void (*fn)(void *, const char *, size_t, double),
    void *arg)
{
	const char	*p = h, *end, *tok_end;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tok_end = p;
		while (tok_end < end && *tok_end != ';' && *tok_end != ' ' &&
		    *tok_end != '\t')
			tok_end++;
		fn(arg, p, tok_end - p, param_q(tok_end, end));
		p = end;
	}
}

struct accept_q {
	double	aq_om;
	double	aq_text;
};

static void
accept_elem(void *arg, const char *tok, size_t len, double q)
{
	struct accept_q	*aq = arg;

#define IS(s)	(len == strlen(s) && strncasecmp(tok, s, len) == 0)
	if (IS("application/openmetrics-text")) {
		if (q > aq->aq_om)
			aq->aq_om = q;
	} else if (IS("text/plain") || IS("text/*") || IS("*/*")) {
		if (q > aq->aq_text)
			aq->aq_text = q;
	}
#undef IS
}

enum expo_format
http_negotiate_format(const char *accept)
{
	struct accept_q	aq = { 0, 0 };

	if (accept == NULL)
		return EXPO_TEXT;
	each_element(accept, accept_elem, &aq);
	return aq.aq_om > 0 && aq.aq_om >= aq.aq_text ? EXPO_OPENMETRICS :
	    EXPO_TEXT;
}

struct gzip_q {
	double	gq_gzip;	/* -1: not named */
	double	gq_any;
};

static void
encoding_elem(void *arg, const char *tok, size_t len, double q)
{
	struct gzip_q	*gq = arg;

	if ((len == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
	    (len == 6 && strncasecmp(tok, "x-gzip", 6) == 0)) {
		/* Named twice: a refusal wins. */
		if (gq->gq_gzip < 0 || q < gq->gq_gzip)
			gq->gq_gzip = q;
	}
	else if (len == 1 && tok[0] == '*')
		gq->gq_any = q;
}

int
http_accepts_gzip(const char *ae)
{
	struct gzip_q	gq = { -1, 0 };

	if (ae == NULL)
		return 0;
	each_element(ae, encoding_elem, &gq);
	return gq.gq_gzip >= 0 ? gq.gq_gzip > 0 : gq.gq_any > 0;
}

/* ---- snapshots ---- */

static void
snapshot_unref(struct http *ht, struct snapshot *sn)
{
	int	last, f, z;

	pthread_mutex_lock(&ht->ht_lock);
	last = --sn->sn_refs == 0;
	pthread_mutex_unlock(&ht->ht_lock);
	if (!last)
		return;
	for (f = 0; f < EXPO_NFORMATS; f++)
		for (z = 0; z < 2; z++)
			free(sn->sn_body[f][z]);
	free(sn);
}

struct snapref {
	struct http	*sr_http;
	struct snapshot	*sr_snap;
};

static void
snapref_free(void *arg)
{
	struct snapref	*sr = arg;

	snapshot_unref(sr->sr_http, sr->sr_snap);
	free(sr);
}

/* ---- responses ---- */

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int status, const char *type,
    const char *text, int copy)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	return reply(c, status, "text/plain; charset=utf-8", text, 0);
}

static enum MHD_Result
reply_unauthorized(struct http *ht, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;
	static const char msg[] = "unauthorized\n";

	r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	    ht->ht_nbasic > 0 ? "Basic realm=\"vantage\", charset=\"UTF-8\"" :
	    "Bearer realm=\"vantage\"");
	ret = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
	MHD_destroy_response(r);
	return ret;
}

/* status with Retry-After: retry_ms, in whole seconds rounded up. */
static enum MHD_Result
reply_retry(struct MHD_Connection *c, unsigned int status, int64_t retry_ms,
    const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;
	char		 secs[24];

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	snprintf(secs, sizeof(secs), "%lld", (long long)((retry_ms + 999) /
	    1000));
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply_metrics(struct http *ht, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	struct snapshot	*sn;
	struct snapref	*sr;
	enum MHD_Result	 ret;
	enum expo_format fmt;
	int		 gz;

	fmt = http_negotiate_format(MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	gz = http_accepts_gzip(MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	pthread_mutex_lock(&ht->ht_lock);
	sn = ht->ht_snap;
	if (sn != NULL)
		sn->sn_refs++;
	pthread_mutex_unlock(&ht->ht_lock);
	if (sn == NULL)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no exposition yet: the first run has not finished\n");
	if (sn->sn_body[fmt][1] == NULL)
		gz = 0;
	sr = xmalloc(sizeof(*sr));
	sr->sr_http = ht;
	sr->sr_snap = sn;
	r = MHD_create_response_from_buffer_with_free_callback_cls(
	    sn->sn_len[fmt][gz], sn->sn_body[fmt][gz], snapref_free, sr);
	if (r == NULL) {
		snapref_free(sr);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    fmt == EXPO_OPENMETRICS ? EXPO_OM_CONTENT_TYPE : EXPO_CONTENT_TYPE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
	    "Accept, Accept-Encoding");
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    "gzip");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *
api_arg(void *arg, const char *name)
{
	return MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
reply_api(struct http *ht, struct MHD_Connection *c, const char *url)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;
	char		*body = NULL;
	int		 status = 500;

	api_request(ht->ht_store_path, url, api_arg, c, &status, &body);
	r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The status page: HTML without script, under a strict policy. */
static enum MHD_Result
reply_status(struct http *ht, struct MHD_Connection *c, const char *url)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;
	char		*body = NULL;
	int		 status = 500;

	status_request(ht->ht_store_path, url, api_arg, c, &status, &body);
	r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", STATUS_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- /api/v1/events: Server-Sent Events ---- */

static ssize_t
sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse	*ss = cls;
	struct http	*ht = ss->ss_http;
	size_t		 n;

	(void)pos;
	pthread_mutex_lock(&ht->ht_sse_lock);
	if (ht->ht_sse_stopping) {
		pthread_mutex_unlock(&ht->ht_sse_lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (ss->ss_off == ss->ss_out.b_len) {
		buf_reset(&ss->ss_out);
		ss->ss_off = 0;
		notify_since(ht->ht_notify, &ss->ss_last, &ss->ss_out,
		    SSE_CHUNK);
		if (ss->ss_out.b_len == 0 && ss->ss_beat)
			buf_puts(&ss->ss_out, ": keepalive\n\n");
		ss->ss_beat = 0;
		if (ss->ss_out.b_len == 0) {
			/* Nothing to send: sleep until sse_wake. */
			ss->ss_suspended = 1;
			MHD_suspend_connection(ss->ss_conn);
			pthread_mutex_unlock(&ht->ht_sse_lock);
			return 0;
		}
	}
	n = ss->ss_out.b_len - ss->ss_off;
	if (n > max)
		n = max;
	memcpy(out, ss->ss_out.b_data + ss->ss_off, n);
	ss->ss_off += n;
	pthread_mutex_unlock(&ht->ht_sse_lock);
	return (ssize_t)n;
}

static void
sse_free(void *cls)
{
	struct sse	*ss = cls;
	struct http	*ht = ss->ss_http;

	pthread_mutex_lock(&ht->ht_sse_lock);
	TAILQ_REMOVE(&ht->ht_sse, ss, ss_entry);
	notify_unsubscribe(ht->ht_notify);
	pthread_mutex_unlock(&ht->ht_sse_lock);
	buf_release(&ss->ss_out);
	free(ss);
}

/*
 * From the reaper thread, every HTTP_REAP_MS: resume the subscribers a
 * newer event waits for, and all of them when a heartbeat is due (a
 * suspended connection does not see its client leave; the heartbeat's
 * write does).  When stopping, resume every one so that each ends.
 */
static void
sse_wake(struct http *ht, int64_t now)
{
	struct sse	*ss;
	uint64_t	 newest;
	int		 beat;

	pthread_mutex_lock(&ht->ht_sse_lock);
	if (ht->ht_notify == NULL || TAILQ_EMPTY(&ht->ht_sse)) {
		pthread_mutex_unlock(&ht->ht_sse_lock);
		return;
	}
	newest = notify_newest(ht->ht_notify);
	if ((beat = now - ht->ht_sse_beat >= ht->ht_sse_beat_ms))
		ht->ht_sse_beat = now;
	TAILQ_FOREACH(ss, &ht->ht_sse, ss_entry) {
		if (!ss->ss_suspended || (!beat && ss->ss_last >= newest &&
		    !ht->ht_sse_stopping))
			continue;
		ss->ss_beat = beat;
		ss->ss_suspended = 0;
		MHD_resume_connection(ss->ss_conn);
	}
	pthread_mutex_unlock(&ht->ht_sse_lock);
}

/* Before MHD stops: no subscriber may stay suspended. */
static void
sse_stop(struct http *ht)
{
	struct sse	*ss;

	pthread_mutex_lock(&ht->ht_sse_lock);
	ht->ht_sse_stopping = 1;
	TAILQ_FOREACH(ss, &ht->ht_sse, ss_entry)
		if (ss->ss_suspended) {
			ss->ss_suspended = 0;
			MHD_resume_connection(ss->ss_conn);
		}
	pthread_mutex_unlock(&ht->ht_sse_lock);
}

/* A decimal event id, nothing else; 0 and -1 if it is not one. */
static int
parse_event_id(const char *s, uint64_t *idp)
{
	uint64_t	v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 19)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*idp = v;
	return 0;
}

static enum MHD_Result
reply_events(struct http *ht, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;
	struct sse	*ss;
	const char	*h;
	uint64_t	 id;

	pthread_mutex_lock(&ht->ht_sse_lock);
	if (ht->ht_notify == NULL || ht->ht_sse_stopping) {
		pthread_mutex_unlock(&ht->ht_sse_lock);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no events: the monitor is not running runs\n");
	}
	if (notify_subscribe(ht->ht_notify) == -1) {
		pthread_mutex_unlock(&ht->ht_sse_lock);
		return reply_retry(c, MHD_HTTP_SERVICE_UNAVAILABLE, 30000,
		    "too many event subscribers (notify.max_subscribers)\n");
	}
	ss = xcalloc(1, sizeof(*ss));
	ss->ss_http = ht;
	ss->ss_conn = c;
	buf_init(&ss->ss_out, 0);
	/* Resume after Last-Event-ID (or ?last_event_id=); else from now. */
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	if (h == NULL)
		h = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "last_event_id");
	if (parse_event_id(h, &id) == 0)
		ss->ss_last = id;
	else
		ss->ss_last = notify_newest(ht->ht_notify);
	buf_puts(&ss->ss_out, "retry: 5000\n: vantage events\n\n");
	TAILQ_INSERT_TAIL(&ht->ht_sse, ss, ss_entry);
	pthread_mutex_unlock(&ht->ht_sse_lock);

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK,
	    sse_read, ss, sse_free);
	if (r == NULL) {
		sse_free(ss);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

void
http_set_events(struct http *ht, struct notify *nt)
{
	pthread_mutex_lock(&ht->ht_sse_lock);
	ht->ht_notify = nt;
	pthread_mutex_unlock(&ht->ht_sse_lock);
}

/* ---- authentication ---- */

static int64_t	mono_ms(void);
static void	peer_key(const struct sockaddr *, unsigned char [PEER_KEYLEN]);

static void
sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char	d[32];
	size_t		i;

	gnutls_hash_fast(GNUTLS_DIG_SHA256, s, len, d);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int
check_bearer(struct http *ht, const char *token)
{
	char	hex[65];
	size_t	i;
	int	ok = 0;

	sha256_hex(token, strlen(token), hex);
	for (i = 0; i < ht->ht_nbearer; i++)
		ok |= http_secure_equal(hex, ht->ht_bearer[i]);
	return ok;
}

static struct basic_user *
basic_user(struct http *ht, const char *user)
{
	struct basic_user *bu = NULL;
	size_t		 i;

	for (i = 0; i < ht->ht_nbasic; i++)
		if (http_secure_equal(ht->ht_basic[i].bu_user, user))
			bu = &ht->ht_basic[i];
	return bu;
}

/* A password verified before skips the slow hash. */
static int
basic_cached(struct http *ht, const char *user, const char *pass)
{
	struct basic_user *bu;
	char		 hex[65];
	int		 ok;

	if ((bu = basic_user(ht, user)) == NULL)
		return 0;
	sha256_hex(pass, strlen(pass), hex);
	pthread_mutex_lock(&ht->ht_lock);
	ok = bu->bu_verified[0] != '\0' && http_secure_equal(bu->bu_verified,
	    hex);
	pthread_mutex_unlock(&ht->ht_lock);
	return ok;
}

/* The slow check, on the verifier thread only. */
static int
basic_verify(struct http *ht, const char *user, const char *pass,
    struct crypt_data *cd)
{
	struct basic_user *bu;
	const char	*out;
	char		 hex[65];
	int		 ok;

	bu = basic_user(ht, user);
	/*
	 * An unknown user is checked against a configured hash, result
	 * ignored, so it costs what a known one does: the time of a refusal
	 * does not tell which user names exist.
	 */
	memset(cd, 0, sizeof(*cd));
	out = crypt_r(pass, bu != NULL ? bu->bu_hash : ht->ht_basic[0].bu_hash,
	    cd);
	ok = bu != NULL && out != NULL && out[0] != '*' &&
	    http_secure_equal(out, bu->bu_hash);
	if (ok) {
		sha256_hex(pass, strlen(pass), hex);
		pthread_mutex_lock(&ht->ht_lock);
		memcpy(bu->bu_verified, hex, sizeof(hex));
		pthread_mutex_unlock(&ht->ht_lock);
	}
	return ok;
}

static void
req_free(struct req *rq)
{
	if (rq == NULL)
		return;
	if (rq->rq_pass != NULL) {
		explicit_bzero(rq->rq_pass, strlen(rq->rq_pass));
		free(rq->rq_pass);
	}
	free(rq->rq_user);
	free(rq);
}

static void
addr_text(const unsigned char key[PEER_KEYLEN], char *out, size_t size)
{
	unsigned char	a6[16];

	if (key[0] == 4)
		inet_ntop(AF_INET, key + 1, out, size);
	else if (key[0] == 6) {
		memset(a6, 0, sizeof(a6));
		memcpy(a6, key + 1, 8);
		inet_ntop(AF_INET6, a6, out, size);
		if (strlen(out) + 4 <= size)
			strcat(out, "/64");
	} else
		snprintf(out, size, "unknown address");
}

/* Under ht_vf_lock: the failure record of key, made if create. */
static struct authfail *
authfail_find(struct http *ht, const unsigned char key[PEER_KEYLEN],
    int create)
{
	unsigned char	 buf[4 + PEER_KEYLEN];
	struct authfail	*af, *set, *old = NULL;
	int		 i;

	memcpy(buf, &ht->ht_peer_salt, 4);
	memcpy(buf + 4, key, PEER_KEYLEN);
	set = &ht->ht_fails[fnv1a32((const char *)buf, sizeof(buf)) &
	    (AUTH_FAIL_SLOTS - 1) & ~(AUTH_FAIL_WAYS - 1)];
	for (i = 0; i < AUTH_FAIL_WAYS; i++) {
		af = &set[i];
		if (af->af_used && memcmp(af->af_key, key, PEER_KEYLEN) == 0)
			return af;
		if (old == NULL || (old->af_used && (!af->af_used ||
		    af->af_last < old->af_last)))
			old = af;
	}
	if (!create)
		return NULL;
	memset(old, 0, sizeof(*old));
	memcpy(old->af_key, key, PEER_KEYLEN);
	old->af_used = 1;
	return old;
}

/* Under ht_vf_lock: ms until key may try a password again, or 0. */
static int64_t
authfail_blocked(struct http *ht, const unsigned char key[PEER_KEYLEN],
    int64_t now)
{
	struct authfail	*af;

	if ((af = authfail_find(ht, key, 0)) == NULL)
		return 0;
	if (af->af_until > now)
		return af->af_until - now;
	if (now - af->af_since >= AUTH_FAIL_WINDOW_MS)
		af->af_count = 0;
	if (af->af_count < AUTH_FAIL_MAX)
		return 0;
	af->af_until = now + AUTH_BLOCK_MS;
	return AUTH_BLOCK_MS;
}

/* Under ht_vf_lock: a check for key starts; it counts as a failure. */
static void
authfail_start(struct http *ht, const unsigned char key[PEER_KEYLEN],
    int64_t now)
{
	struct authfail	*af;

	af = authfail_find(ht, key, 1);
	if (af->af_count == 0)
		af->af_since = now;
	af->af_count++;
	af->af_last = now;
}

/*
 * Under ht_vf_lock: a check for key ended.  A success forgets the
 * address; the failure that reaches AUTH_FAIL_MAX starts the refusal.
 */
static void
authfail_end(struct http *ht, const unsigned char key[PEER_KEYLEN], int ok,
    int64_t now)
{
	struct authfail	*af;
	char		 addr[INET6_ADDRSTRLEN + 4], d[32];

	if ((af = authfail_find(ht, key, 0)) == NULL)
		return;
	if (ok) {
		memset(af, 0, sizeof(*af));
		return;
	}
	af->af_last = now;
	if (af->af_count >= AUTH_FAIL_MAX && af->af_until <= now) {
		af->af_until = now + AUTH_BLOCK_MS;
		addr_text(key, addr, sizeof(addr));
		log_warnx("http: %s: %d failed logins, refused for %s", addr,
		    AUTH_FAIL_MAX, fmt_duration(AUTH_BLOCK_MS, d, sizeof(d)));
	}
}

static void *
verifier_main(void *arg)
{
	struct http	*ht = arg;
	struct crypt_data *cd;
	struct req	*rq;
	int		 ok, stopping;

	cd = xcalloc(1, sizeof(*cd));
	pthread_mutex_lock(&ht->ht_vf_lock);
	for (;;) {
		while (!ht->ht_vf_stopping && TAILQ_EMPTY(&ht->ht_vf_queue))
			pthread_cond_wait(&ht->ht_vf_cond, &ht->ht_vf_lock);
		if ((rq = TAILQ_FIRST(&ht->ht_vf_queue)) == NULL)
			break;
		TAILQ_REMOVE(&ht->ht_vf_queue, rq, rq_entry);
		ht->ht_vf_queued--;
		stopping = ht->ht_vf_stopping;
		pthread_mutex_unlock(&ht->ht_vf_lock);
		/* Stopping: what is left is refused unchecked. */
		ok = !stopping && basic_verify(ht, rq->rq_user, rq->rq_pass,
		    cd);
		pthread_mutex_lock(&ht->ht_vf_lock);
		authfail_end(ht, rq->rq_key, ok, mono_ms());
		rq->rq_auth = ok ? REQ_AUTH_OK : REQ_AUTH_FAILED;
		/* From here the request is MHD's again, and may be freed. */
		MHD_resume_connection(rq->rq_conn);
	}
	pthread_mutex_unlock(&ht->ht_vf_lock);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return NULL;
}

static int
verifier_start(struct http *ht)
{
	int	e;

	if ((e = pthread_create(&ht->ht_vf_thread, NULL, verifier_main,
	    ht)) != 0) {
		log_warnx("http: cannot start the password verifier thread: "
		    "%s", strerror(e));
		return -1;
	}
	ht->ht_vf_running = 1;
	return 0;
}

/* Checks still queued are refused and their connections resumed. */
static void
verifier_stop(struct http *ht)
{
	if (!ht->ht_vf_running)
		return;
	pthread_mutex_lock(&ht->ht_vf_lock);
	ht->ht_vf_stopping = 1;
	pthread_cond_signal(&ht->ht_vf_cond);
	pthread_mutex_unlock(&ht->ht_vf_lock);
	pthread_join(ht->ht_vf_thread, NULL);
	ht->ht_vf_running = 0;
}

enum auth_result {
	AUTH_OK,
	AUTH_DENIED,		/* 401 */
	AUTH_SUSPENDED,		/* the verifier will resume the connection */
	AUTH_LIMITED,		/* 429: too many failures from the address */
	AUTH_BUSY		/* 503: the verifier's queue is full */
};

/*
 * Bearer tokens and cached passwords are checked here, on the HTTP
 * thread; any other password goes to the verifier while c is suspended,
 * and handle() is called again with the result in rq.
 */
static enum auth_result
authorize(struct http *ht, struct MHD_Connection *c, struct req *rq,
    int64_t *retry_ms)
{
	const union MHD_ConnectionInfo *ci;
	const char	*h;
	char		*user = NULL, *pass = NULL;
	unsigned char	 key[PEER_KEYLEN];
	enum auth_result res = AUTH_DENIED;
	int64_t		 now;

	if (ht->ht_nbearer == 0 && ht->ht_nbasic == 0)
		return AUTH_OK;
	if (rq->rq_auth == REQ_AUTH_OK)
		return AUTH_OK;
	if (rq->rq_auth == REQ_AUTH_FAILED)
		return AUTH_DENIED;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return AUTH_DENIED;
	if (ht->ht_nbearer > 0 && strncasecmp(h, "Bearer ", 7) == 0)
		return check_bearer(ht, h + 7) ? AUTH_OK : AUTH_DENIED;
	if (ht->ht_nbasic == 0 || strncasecmp(h, "Basic ", 6) != 0)
		return AUTH_DENIED;
	user = MHD_basic_auth_get_username_password(c, &pass);
	if (user == NULL || pass == NULL)
		goto out;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	peer_key(ci != NULL ? ci->client_addr : NULL, key);
	now = mono_ms();
	pthread_mutex_lock(&ht->ht_vf_lock);
	*retry_ms = authfail_blocked(ht, key, now);
	pthread_mutex_unlock(&ht->ht_vf_lock);
	if (*retry_ms > 0) {
		res = AUTH_LIMITED;
		goto out;
	}
	if (basic_cached(ht, user, pass)) {
		res = AUTH_OK;
		goto out;
	}
	pthread_mutex_lock(&ht->ht_vf_lock);
	if (ht->ht_vf_stopping || !ht->ht_vf_running ||
	    ht->ht_vf_queued >= AUTH_QUEUE_MAX) {
		pthread_mutex_unlock(&ht->ht_vf_lock);
		*retry_ms = 1000;
		res = AUTH_BUSY;
		goto out;
	}
	authfail_start(ht, key, now);
	rq->rq_user = xstrdup(user);
	rq->rq_pass = xstrdup(pass);
	memcpy(rq->rq_key, key, PEER_KEYLEN);
	rq->rq_conn = c;
	rq->rq_auth = REQ_AUTH_PENDING;
	MHD_suspend_connection(c);
	TAILQ_INSERT_TAIL(&ht->ht_vf_queue, rq, rq_entry);
	ht->ht_vf_queued++;
	pthread_cond_signal(&ht->ht_vf_cond);
	pthread_mutex_unlock(&ht->ht_vf_lock);
	res = AUTH_SUSPENDED;
out:
	if (user != NULL)
		MHD_free(user);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	return res;
}

/* With tls_client_ca: a certificate was presented and it verifies. */
static int
client_cert_ok(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	gnutls_session_t s;
	unsigned int	 n = 0, status = 1;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return 0;
	s = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_get_peers(s, &n) == NULL || n == 0)
		return 0;
	if (gnutls_certificate_verify_peers2(s, &status) != GNUTLS_E_SUCCESS)
		return 0;
	return status == 0;
}

/*
 * ---- connections: a bound on the time to a complete request ----
 *
 * MHD's own timeout (http.timeout) restarts with every byte, so a client
 * sending a byte every few seconds would keep a connection forever, and
 * enough of them would hold every slot.  Here each connection gets
 * http.request_timeout from its accept (or from the end of its previous
 * request) to a complete request, after which the reaper shuts it down.
 * And when open connections near http.max_connections, each new one shuts
 * down a waiting one -- the oldest of the address with the most waiting --
 * so slots free up as fast as new clients arrive, and a client that opens
 * one connection is not pushed out by one that opens many.  shutdown(2)
 * wakes MHD, which reads the end of the stream and closes the connection.
 */

static int64_t
mono_ms(void)
{
	return (int64_t)(now_mono() * 1000);
}

static void
peer_key(const struct sockaddr *sa, unsigned char key[PEER_KEYLEN])
{
	const struct sockaddr_in6 *s6;

	memset(key, 0, PEER_KEYLEN);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			key[0] = 4;
			memcpy(key + 1, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			key[0] = 6;
			memcpy(key + 1, s6->sin6_addr.s6_addr, 8);
		}
	}
}

static struct peer **
peer_slot(struct http *ht, const unsigned char key[PEER_KEYLEN])
{
	unsigned char	 buf[4 + PEER_KEYLEN];
	struct peer	**pp;

	/* Salted, so chosen addresses cannot pile up in one chain. */
	memcpy(buf, &ht->ht_peer_salt, 4);
	memcpy(buf + 4, key, PEER_KEYLEN);
	pp = &ht->ht_peers[fnv1a32((const char *)buf, sizeof(buf)) &
	    ht->ht_peer_mask];
	while (*pp != NULL && memcmp((*pp)->pr_key, key, PEER_KEYLEN) != 0)
		pp = &(*pp)->pr_next;
	return pp;
}

/* Under ht_conn_lock: the peer of key, with one more connection. */
static struct peer *
peer_get(struct http *ht, const unsigned char key[PEER_KEYLEN])
{
	struct peer	**pp, *pr;

	pp = peer_slot(ht, key);
	if ((pr = *pp) == NULL) {
		pr = xcalloc(1, sizeof(*pr));
		memcpy(pr->pr_key, key, PEER_KEYLEN);
		TAILQ_INIT(&pr->pr_waiting);
		*pp = pr;
	}
	pr->pr_nconn++;
	return pr;
}

/* Under ht_conn_lock: one connection of pr fewer (none waiting). */
static void
peer_put(struct http *ht, struct peer *pr)
{
	struct peer	**pp;

	if (--pr->pr_nconn > 0)
		return;
	pp = peer_slot(ht, pr->pr_key);
	*pp = pr->pr_next;
	free(pr);
}

/* Under ht_conn_lock: pr's count of waiting connections changes by d. */
static void
peer_rerank(struct http *ht, struct peer *pr, int d)
{
	if (pr->pr_nwaiting > 0)
		TAILQ_REMOVE(&ht->ht_ranks[pr->pr_nwaiting], pr, pr_entry);
	pr->pr_nwaiting += d;
	if (pr->pr_nwaiting > 0)
		TAILQ_INSERT_TAIL(&ht->ht_ranks[pr->pr_nwaiting], pr, pr_entry);
	if (pr->pr_nwaiting > ht->ht_maxrank)
		ht->ht_maxrank = pr->pr_nwaiting;
	while (ht->ht_maxrank > 0 &&
	    TAILQ_EMPTY(&ht->ht_ranks[ht->ht_maxrank]))
		ht->ht_maxrank--;
}

/* Under ht_conn_lock: cn starts waiting for a request, now. */
static void
conn_wait(struct http *ht, struct conn *cn)
{
	cn->cn_state = CONN_WAITING;
	cn->cn_since = mono_ms();
	TAILQ_INSERT_TAIL(&ht->ht_waiting, cn, cn_entry);
	TAILQ_INSERT_TAIL(&cn->cn_peer->pr_waiting, cn, cn_peer_entry);
	peer_rerank(ht, cn->cn_peer, 1);
}

/* Under ht_conn_lock: cn stops waiting, into state. */
static void
conn_unwait(struct http *ht, struct conn *cn, enum conn_state state)
{
	TAILQ_REMOVE(&ht->ht_waiting, cn, cn_entry);
	TAILQ_REMOVE(&cn->cn_peer->pr_waiting, cn, cn_peer_entry);
	peer_rerank(ht, cn->cn_peer, -1);
	cn->cn_state = state;
}

/* Under ht_conn_lock: shut a waiting connection down. */
static void
conn_shut(struct http *ht, struct conn *cn)
{
	conn_unwait(ht, cn, CONN_CLOSING);
	ht->ht_nclosing++;
	if (cn->cn_fd != -1)
		shutdown(cn->cn_fd, SHUT_RDWR);
}

/*
 * Under ht_conn_lock: while more than ht_room connections are open (not
 * counting those closing), shut down the oldest waiting connection of the
 * address with the most waiting -- never cn, the one just accepted.
 */
static void
conn_make_room(struct http *ht, struct conn *cn)
{
	struct peer	*pr;
	struct conn	*old;

	while (ht->ht_nconn - ht->ht_nclosing > ht->ht_room &&
	    ht->ht_maxrank > 0) {
		pr = TAILQ_FIRST(&ht->ht_ranks[ht->ht_maxrank]);
		if ((old = TAILQ_FIRST(&pr->pr_waiting)) == cn)
			break;		/* cn is the only one waiting */
		conn_shut(ht, old);
		ht->ht_nevicted++;
	}
}

static void
conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http	*ht = cls;
	struct conn	*cn;
	const union MHD_ConnectionInfo *ci;
	unsigned char	 key[PEER_KEYLEN];

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cn = xcalloc(1, sizeof(*cn));
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		cn->cn_fd = ci != NULL ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		peer_key(ci != NULL ? ci->client_addr : NULL, key);
		pthread_mutex_lock(&ht->ht_conn_lock);
		cn->cn_peer = peer_get(ht, key);
		ht->ht_nconn++;
		conn_wait(ht, cn);
		conn_make_room(ht, cn);
		pthread_mutex_unlock(&ht->ht_conn_lock);
		*socket_context = cn;
		return;
	}
	if (toe != MHD_CONNECTION_NOTIFY_CLOSED || (cn = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&ht->ht_conn_lock);
	if (cn->cn_state == CONN_WAITING)
		conn_unwait(ht, cn, CONN_CLOSING);
	else if (cn->cn_state == CONN_CLOSING)
		ht->ht_nclosing--;
	peer_put(ht, cn->cn_peer);
	ht->ht_nconn--;
	pthread_mutex_unlock(&ht->ht_conn_lock);
	free(cn);
	*socket_context = NULL;
}

/* The request on c is complete: it is answered, not timed. */
static void
conn_request_done(struct http *ht, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	struct conn	*cn;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (cn = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&ht->ht_conn_lock);
	if (cn->cn_state == CONN_WAITING)
		conn_unwait(ht, cn, CONN_BUSY);
	pthread_mutex_unlock(&ht->ht_conn_lock);
}

/* A request ended; a connection kept alive waits for the next one. */
static void
conn_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http	*ht = cls;
	const union MHD_ConnectionInfo *ci;
	struct conn	*cn;

	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (cn = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&ht->ht_conn_lock);
	if (cn->cn_state == CONN_BUSY) {
		cn->cn_kept = 1;
		conn_wait(ht, cn);
	}
	pthread_mutex_unlock(&ht->ht_conn_lock);
}

/*
 * Logs what the reaper and the evictions closed: at once the first time,
 * then at most once per HTTP_REPORT_MS (and what is left when the server
 * stops), and once when a whole interval passed without any.  Under
 * ht_conn_lock, which it drops to log.
 */
static void
conn_report(struct http *ht, int64_t now, int last)
{
	unsigned long	 late = ht->ht_nlate, evicted = ht->ht_nevicted;
	int64_t		 since = ht->ht_reported;
	char		 limit[32], d[32], span[48] = "";

	if (since != 0 && now - since < HTTP_REPORT_MS && !last)
		return;
	if (late + evicted == 0 && (since == 0 || last))
		return;
	ht->ht_nlate = ht->ht_nevicted = 0;
	ht->ht_reported = late + evicted > 0 ? now : 0;
	pthread_mutex_unlock(&ht->ht_conn_lock);
	fmt_duration(ht->ht_request_ms, limit, sizeof(limit));
	if (since != 0)
		snprintf(span, sizeof(span), " in the last %s",
		    fmt_duration((now - since + 500) / 1000 * 1000, d,
		    sizeof(d)));
	if (late + evicted == 0)
		log_info("http: no connection closed for a slow request%s",
		    span);
	else if (evicted == 0)
		log_warnx("http: closed %lu connection%s without a complete "
		    "request within %s%s", late, late == 1 ? "" : "s", limit,
		    span);
	else if (late == 0)
		log_warnx("http: closed %lu waiting connection%s to make room "
		    "for new clients%s", evicted, evicted == 1 ? "" : "s", span);
	else
		log_warnx("http: closed %lu connection%s without a complete "
		    "request within %s and %lu more to make room for new "
		    "clients%s", late, late == 1 ? "" : "s", limit, evicted,
		    span);
	pthread_mutex_lock(&ht->ht_conn_lock);
}

static void *
conn_reaper(void *arg)
{
	struct http	*ht = arg;
	struct conn	*cn;
	struct timespec	 ts;
	int64_t		 now;

	pthread_mutex_lock(&ht->ht_conn_lock);
	while (!ht->ht_stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += HTTP_REAP_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ht->ht_conn_cond, &ht->ht_conn_lock,
		    &ts);
		now = mono_ms();
		while (!ht->ht_stopping &&
		    (cn = TAILQ_FIRST(&ht->ht_waiting)) != NULL &&
		    now - cn->cn_since >= ht->ht_request_ms) {
			/*
			 * A kept-alive connection is most likely just idle,
			 * which is no news: only first requests are counted.
			 */
			if (!cn->cn_kept)
				ht->ht_nlate++;
			conn_shut(ht, cn);
		}
		conn_report(ht, now, ht->ht_stopping);
		pthread_mutex_unlock(&ht->ht_conn_lock);
		sse_wake(ht, now);
		pthread_mutex_lock(&ht->ht_conn_lock);
	}
	pthread_mutex_unlock(&ht->ht_conn_lock);
	return NULL;
}

static int
conn_start_reaper(struct http *ht)
{
	int	e;

	if ((e = pthread_create(&ht->ht_reaper, NULL, conn_reaper, ht)) != 0) {
		log_warnx("http: cannot start the reaper thread: %s",
		    strerror(e));
		return -1;
	}
	ht->ht_reaper_running = 1;
	return 0;
}

static void
conn_stop_reaper(struct http *ht)
{
	if (!ht->ht_reaper_running)
		return;
	pthread_mutex_lock(&ht->ht_conn_lock);
	ht->ht_stopping = 1;
	pthread_cond_signal(&ht->ht_conn_cond);
	pthread_mutex_unlock(&ht->ht_conn_lock);
	pthread_join(ht->ht_reaper, NULL);
	ht->ht_reaper_running = 0;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http	*ht = cls;
	struct req	*rq = *con_cls;
	int64_t		 retry_ms = 0;
	int		 ready;

	(void)version;
	(void)upload_data;
	/* Other methods are refused at once, before any body is read. */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		conn_request_done(ht, c);
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n");
	}
	/*
	 * GET and HEAD are answered once the request is complete (answering
	 * on the first call would cost the connection its keep-alive); a
	 * body, which no route takes, is discarded as it arrives.
	 */
	if (rq == NULL) {
		*con_cls = xcalloc(1, sizeof(*rq));
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	conn_request_done(ht, c);
	if (strcmp(url, "/-/healthy") == 0)
		return reply_text(c, MHD_HTTP_OK, "vantage is healthy\n");
	if (ht->ht_client_certs && !client_cert_ok(c))
		return reply_text(c, MHD_HTTP_FORBIDDEN,
		    "a valid client certificate is required\n");
	switch (authorize(ht, c, rq, &retry_ms)) {
	case AUTH_OK:
		break;
	case AUTH_SUSPENDED:
		return MHD_YES;
	case AUTH_LIMITED:
		return reply_retry(c, MHD_HTTP_TOO_MANY_REQUESTS, retry_ms,
		    "too many failed logins from this address\n");
	case AUTH_BUSY:
		return reply_retry(c, MHD_HTTP_SERVICE_UNAVAILABLE, retry_ms,
		    "too many logins being checked\n");
	default:
		return reply_unauthorized(ht, c);
	}
	if (strcmp(url, "/metrics") == 0)
		return reply_metrics(ht, c);
	if (strcmp(url, "/-/ready") == 0) {
		pthread_mutex_lock(&ht->ht_lock);
		ready = ht->ht_snap != NULL && ht->ht_snap->sn_ready;
		pthread_mutex_unlock(&ht->ht_lock);
		return ready ? reply_text(c, MHD_HTTP_OK, "vantage is ready\n") :
		    reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "vantage is not ready: no complete run yet\n");
	}
	if (strcmp(url, "/api/v1/events") == 0)
		return reply_events(ht, c);
	if (strncmp(url, "/api/v1/", 8) == 0)
		return reply_api(ht, c, url);
	if (strcmp(url, "/") == 0 || strncmp(url, "/node/", 6) == 0)
		return reply_status(ht, c, url);
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void	mhd_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	msg[1024];
	size_t	len;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	log_debug("http: %s", msg);
}

/* "host:port", "[v6addr]:port", ":port" (all addresses). */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *lenp)
{
	struct addrinfo	 hints, *res = NULL;
	char		*host, *port, *copy;
	int		 rc = -1, gai;

	copy = xstrdup(listen);
	port = strrchr(copy, ':');
	if (port == NULL) {
		log_warnx("http: listen address '%s' has no port", listen);
		goto out;
	}
	*port++ = '\0';
	host = copy;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		host++;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((gai = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0) {
		log_warnx("http: listen address '%s': %s", listen,
		    gai_strerror(gai));
		goto out;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*lenp = res->ai_addrlen;
	rc = 0;
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(copy);
	return rc;
}

static char *
read_pem(const char *what, const char *path)
{
	char	*text;

	if ((text = read_file(path, HTTP_PEM_MAX, NULL)) == NULL)
		log_warnx("http: %s %s: %s", what, path, errno == EFBIG ?
		    "larger than 1MiB" : strerror(errno));
	return text;
}

static void
http_free(struct http *ht)
{
	size_t	i;

	if (ht->ht_snap != NULL)
		snapshot_unref(ht, ht->ht_snap);
	for (i = 0; i < ht->ht_nbearer; i++)
		free(ht->ht_bearer[i]);
	free(ht->ht_bearer);
	for (i = 0; i < ht->ht_nbasic; i++) {
		free(ht->ht_basic[i].bu_user);
		free(ht->ht_basic[i].bu_hash);
	}
	free(ht->ht_basic);
	free(ht->ht_cert);
	free(ht->ht_key);
	free(ht->ht_ca);
	free(ht->ht_store_path);
	free(ht->ht_peers);		/* empty: MHD closed every connection */
	free(ht->ht_ranks);
	free(ht->ht_fails);
	pthread_cond_destroy(&ht->ht_vf_cond);
	pthread_mutex_destroy(&ht->ht_vf_lock);
	pthread_mutex_destroy(&ht->ht_lock);
	pthread_cond_destroy(&ht->ht_conn_cond);
	pthread_mutex_destroy(&ht->ht_conn_lock);
	pthread_mutex_destroy(&ht->ht_sse_lock);
	free(ht);
}

struct http *
http_start(const struct config *cf)
{
	struct http	*ht;
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem opts[16];
	pthread_condattr_t ca;
	unsigned int	 flags = MHD_USE_INTERNAL_POLLING_THREAD |
			    MHD_USE_ERROR_LOG | MHD_USE_EPOLL |
			    MHD_ALLOW_SUSPEND_RESUME;
	size_t		 i, n = 0, size;

	if (parse_listen(cf->cf_listen, &ss, &sslen) == -1)
		return NULL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	ht = xcalloc(1, sizeof(*ht));
	pthread_mutex_init(&ht->ht_lock, NULL);
	pthread_mutex_init(&ht->ht_conn_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ht->ht_conn_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&ht->ht_vf_lock, NULL);
	pthread_cond_init(&ht->ht_vf_cond, NULL);
	pthread_mutex_init(&ht->ht_sse_lock, NULL);
	TAILQ_INIT(&ht->ht_sse);
	/* Well within http.timeout, which a suspended connection escapes. */
	ht->ht_sse_beat_ms = cf->cf_http_timeout_ms / 2 < SSE_BEAT_MS ?
	    cf->cf_http_timeout_ms / 2 : SSE_BEAT_MS;
	TAILQ_INIT(&ht->ht_vf_queue);
	ht->ht_fails = xcalloc(AUTH_FAIL_SLOTS, sizeof(*ht->ht_fails));
	TAILQ_INIT(&ht->ht_waiting);
	for (size = 64; size < (size_t)cf->cf_http_max_conn; size *= 2)
		;
	ht->ht_peers = xcalloc(size, sizeof(*ht->ht_peers));
	ht->ht_peer_mask = size - 1;
	if (gnutls_rnd(GNUTLS_RND_NONCE, &ht->ht_peer_salt,
	    sizeof(ht->ht_peer_salt)) != 0)
		ht->ht_peer_salt = (uint32_t)mono_ms();
	ht->ht_ranks = xcalloc(cf->cf_http_max_conn + 1, sizeof(*ht->ht_ranks));
	for (i = 0; i <= (size_t)cf->cf_http_max_conn; i++)
		TAILQ_INIT(&ht->ht_ranks[i]);
	/* Keep 1/16 of the slots (at least one) free for new clients. */
	ht->ht_room = cf->cf_http_max_conn - (cf->cf_http_max_conn / 16 > 0 ?
	    cf->cf_http_max_conn / 16 : 1);
	ht->ht_request_ms = cf->cf_http_request_timeout_ms;
	ht->ht_store_path = xstrdup(cf->cf_store_path);
	ht->ht_nbearer = cf->cf_nbearer;
	ht->ht_bearer = xcalloc(cf->cf_nbearer + 1, sizeof(*ht->ht_bearer));
	for (i = 0; i < cf->cf_nbearer; i++)
		ht->ht_bearer[i] = xstrdup(cf->cf_bearer_sha256[i]);
	ht->ht_nbasic = cf->cf_nbasic;
	ht->ht_basic = xcalloc(cf->cf_nbasic + 1, sizeof(*ht->ht_basic));
	for (i = 0; i < cf->cf_nbasic; i++) {
		ht->ht_basic[i].bu_user = xstrdup(cf->cf_basic[i].bc_user);
		ht->ht_basic[i].bu_hash = xstrdup(cf->cf_basic[i].bc_password_hash);
	}

#define OPT(o, v, p)	do { opts[n].option = (o); opts[n].value = (v); \
	opts[n].ptr_value = (p); n++; } while (0)
	OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, cf->cf_http_threads, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, cf->cf_http_max_conn, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cf->cf_http_max_conn_ip, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, (cf->cf_http_timeout_ms + 999) / 1000,
	    NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL);
	OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)0, NULL);
	n--;	/* the logger takes two values: set below */
	if (cf->cf_tls_cert[0] != '\0') {
		if ((ht->ht_cert = read_pem("tls_cert", cf->cf_tls_cert)) ==
		    NULL || (ht->ht_key = read_pem("tls_key", cf->cf_tls_key)) ==
		    NULL)
			goto fail;
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, ht->ht_cert);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, ht->ht_key);
		if (cf->cf_tls_client_ca[0] != '\0') {
			if ((ht->ht_ca = read_pem("tls_client_ca",
			    cf->cf_tls_client_ca)) == NULL)
				goto fail;
			OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, ht->ht_ca);
			ht->ht_client_certs = 1;
		}
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	ht->ht_daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, ht,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, ht,
	    MHD_OPTION_NOTIFY_COMPLETED, conn_completed, ht,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (ht->ht_daemon == NULL) {
		log_warnx("http: cannot listen on %s (address in use, not an "
		    "address of this host, or a bad TLS certificate or key)",
		    cf->cf_listen);
		goto fail;
	}
	if (conn_start_reaper(ht) == -1) {
		MHD_stop_daemon(ht->ht_daemon);
		goto fail;
	}
	if (ht->ht_nbasic > 0 && verifier_start(ht) == -1) {
		conn_stop_reaper(ht);
		MHD_stop_daemon(ht->ht_daemon);
		goto fail;
	}
	info = MHD_get_daemon_info(ht->ht_daemon, MHD_DAEMON_INFO_BIND_PORT);
	ht->ht_port = info != NULL ? info->port : 0;
	log_info("http: listening on %s (port %u)%s", cf->cf_listen,
	    ht->ht_port, ht->ht_cert != NULL ? ", TLS" : "");
	return ht;
fail:
	http_free(ht);
	return NULL;
}

void
http_stop(struct http *ht)
{
	if (ht == NULL)
		return;
	sse_stop(ht);
	conn_stop_reaper(ht);
	verifier_stop(ht);
	MHD_stop_daemon(ht->ht_daemon);
	http_free(ht);
}

void
http_publish(struct http *ht, char *text[EXPO_NFORMATS],
    size_t len[EXPO_NFORMATS], int ready)
{
	struct snapshot	*sn, *old;
	int		 f;

	sn = xcalloc(1, sizeof(*sn));
	for (f = 0; f < EXPO_NFORMATS; f++) {
		sn->sn_body[f][0] = text[f];
		sn->sn_len[f][0] = len[f];
		sn->sn_body[f][1] = expo_gzip(text[f], len[f],
		    &sn->sn_len[f][1]);
	}
	sn->sn_ready = ready;
	sn->sn_refs = 1;	/* the server's own reference */
	pthread_mutex_lock(&ht->ht_lock);
	old = ht->ht_snap;
	ht->ht_snap = sn;
	pthread_mutex_unlock(&ht->ht_lock);
	if (old != NULL)
		snapshot_unref(ht, old);
}

unsigned int
http_port(struct http *ht)
{
	return ht->ht_port;
}
