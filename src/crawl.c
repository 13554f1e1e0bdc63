/* crawl.c -- the libcurl multi engine: queue, limits, retries, one place a transfer ends */

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

#include <sys/queue.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "cidr.h"
#include "crawl.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

/* Longest curl_multi_poll wait, so that *stop is noticed promptly. */
#define CRAWL_POLL_MAX_MS	200

/* How a refused connect says why (the key a user would look up). */
#define CRAWL_DENIED		"denied by crawl.deny"

struct crawl;

/*
 * One request, from crawl_add to its done callback.  At any time it is on
 * exactly one of: its node's queue, c_inflight (r_easy set) or the c_wait
 * heap (waiting for a retry, holding no slot).
 */
struct crawl_req {
	TAILQ_ENTRY(crawl_req) r_entry;
	struct crawl	*r_crawl;
	int		 r_node;
	char		*r_method;
	char		*r_url;
	char		*r_body;
	size_t		 r_bodylen;
	struct curl_slist *r_headers;
	crawl_done_cb	 r_done;
	void		*r_arg;
	CURL		*r_easy;
	struct buf	 r_resp;	/* capped at co_max_response */
	int		 r_toolarge;	/* crawl_write refused bytes */
	int		 r_stream;	/* this attempt's body goes to co_write */
	size_t		 r_streamed;	/* bytes of it so far */
	/*
	 * The body is decoded here, not by libcurl, so that a transfer can
	 * stop within one read that would inflate to megabytes.
	 */
	int		 r_coding;	/* -1 not known yet, 0 identity, 1 zlib */
	z_stream	 r_z;
	int		 r_zinit;
	int		 r_zend;	/* the compressed stream ended */
	char		 r_bodyerr[96];	/* why crawl_write failed the body */
	/*
	 * Paused for co_memory_limit: libcurl delivers the same bytes again
	 * on resume, of which the first r_skip were kept already.
	 */
	int		 r_paused;
	size_t		 r_skip;
	char		 r_denied[160];	/* a connect refused by co_deny */
	int		 r_attempts;
	double		 r_start;	/* first attempt, now_mono() */
	double		 r_due;		/* when to retry, now_mono() */
	char		 r_errbuf[CURL_ERROR_SIZE];
};
TAILQ_HEAD(crawl_reqs, crawl_req);

/* A per-node limit group. */
struct crawl_node {
	struct crawl_reqs n_queue;
	int		 n_inflight;
	int		 n_ready;	/* on c_ready */
	TAILQ_ENTRY(crawl_node) n_entry;
};

struct crawl {
	struct crawl_opts c_opts;
	char		*c_user_agent;	/* c_opts.co_user_agent */
	CURLM		*c_multi;
	struct crawl_node **c_nodes;	/* by node number, or NULL */
	int		 c_nnodes;
	/* Nodes with queued requests and a free slot, in round-robin order. */
	TAILQ_HEAD(, crawl_node) c_ready;
	struct crawl_reqs c_inflight;
	struct crawl_req **c_wait;	/* min-heap on r_due */
	size_t		 c_nwait;
	size_t		 c_waitsz;
	int		 c_nqueued;
	int		 c_ninflight;
	unsigned long	 c_added;	/* crawl_add calls so far */
	int		 c_running;	/* inside crawl_run */
	struct denylist	 c_deny;
	/*
	 * Answer bytes held by transfers in flight: c_mem by all but
	 * c_priv, which alone may use the co_max_response held in reserve
	 * (c_mem stays within co_memory_limit - co_max_response).
	 */
	size_t		 c_mem;
	struct crawl_req *c_priv;
	int		 c_npaused;	/* transfers waiting for memory */
	int		 c_resume;	/* memory was freed: resume them */
	struct crawl_stats c_stats;
};

static const char *crawl_outcome_names[CRAWL_NOUTCOME] = {
	"ok", "http_error", "timeout", "connect", "too_large", "error",
	"cancelled"
};

const char *
crawl_outcome_name(enum crawl_outcome oc)
{
	if ((int)oc < 0 || oc >= CRAWL_NOUTCOME)
		return "unknown";
	return crawl_outcome_names[oc];
}

struct crawl *
crawl_new(const struct crawl_opts *o)
{
	static int	 curl_ready;
	struct crawl	*c;
	CURLcode	 rc;

	if (o->co_concurrency < 1 || o->co_per_node < 1 ||
	    o->co_timeout_ms < 1 || o->co_connect_timeout_ms < 0 ||
	    o->co_retries < 0 || o->co_backoff_ms < 0 ||
	    o->co_backoff_max_ms < 0 || o->co_max_response < 1 ||
	    (o->co_memory_limit != 0 &&
	    o->co_memory_limit < o->co_max_response)) {
		log_warnx("crawl: invalid options");
		return NULL;
	}
	if (!curl_ready) {
		if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
			log_warnx("crawl: curl_global_init: %s",
			    curl_easy_strerror(rc));
			return NULL;
		}
		curl_ready = 1;
	}
	c = xcalloc(1, sizeof(*c));
	c->c_opts = *o;
	c->c_user_agent = xstrdup(o->co_user_agent != NULL ?
	    o->co_user_agent : "vantage");
	c->c_opts.co_user_agent = c->c_user_agent;
	c->c_opts.co_deny = NULL;
	TAILQ_INIT(&c->c_ready);
	TAILQ_INIT(&c->c_inflight);
	if (denylist_init(&c->c_deny, "crawl.deny", o->co_deny,
	    o->co_ndeny) == -1) {
		crawl_free(c);
		return NULL;
	}
	if ((c->c_multi = curl_multi_init()) == NULL) {
		log_warnx("crawl: curl_multi_init failed");
		crawl_free(c);
		return NULL;
	}
	/* Idle connections kept for reuse: bounded like the transfers. */
	curl_multi_setopt(c->c_multi, CURLMOPT_MAXCONNECTS,
	    (long)o->co_concurrency);
	return c;
}

/* Forget the body decoder of the last attempt. */
static void
req_decoder_reset(struct crawl_req *r)
{
	if (r->r_zinit)
		inflateEnd(&r->r_z);
	memset(&r->r_z, 0, sizeof(r->r_z));
	r->r_zinit = r->r_zend = 0;
	r->r_coding = -1;
	r->r_bodyerr[0] = '\0';
	r->r_skip = 0;
	r->r_stream = 0;
	r->r_streamed = 0;
}

static void
req_free(struct crawl_req *r)
{
	if (r->r_easy != NULL)
		curl_easy_cleanup(r->r_easy);
	req_decoder_reset(r);
	buf_release(&r->r_resp);
	curl_slist_free_all(r->r_headers);
	free(r->r_body);
	free(r->r_url);
	free(r->r_method);
	free(r);
}

void
crawl_free(struct crawl *c)
{
	struct crawl_req *r;
	struct crawl_node *n;
	size_t		 i;
	int		 j;

	if (c == NULL)
		return;
	if (c->c_running)
		fatalx("crawl_free: called from inside crawl_run");
	while ((r = TAILQ_FIRST(&c->c_inflight)) != NULL) {
		TAILQ_REMOVE(&c->c_inflight, r, r_entry);
		curl_multi_remove_handle(c->c_multi, r->r_easy);
		req_free(r);
	}
	for (i = 0; i < c->c_nwait; i++)
		req_free(c->c_wait[i]);
	free(c->c_wait);
	for (j = 0; j < c->c_nnodes; j++) {
		if ((n = c->c_nodes[j]) == NULL)
			continue;
		while ((r = TAILQ_FIRST(&n->n_queue)) != NULL) {
			TAILQ_REMOVE(&n->n_queue, r, r_entry);
			req_free(r);
		}
		free(n);
	}
	free(c->c_nodes);
	if (c->c_multi != NULL)
		curl_multi_cleanup(c->c_multi);
	denylist_release(&c->c_deny);
	free(c->c_user_agent);
	free(c);
}

/* Keep the invariant: n is on c_ready iff it has queued work and a slot. */
static void
node_update(struct crawl *c, struct crawl_node *n)
{
	int	 want;

	want = !TAILQ_EMPTY(&n->n_queue) &&
	    n->n_inflight < c->c_opts.co_per_node;
	if (want && !n->n_ready)
		TAILQ_INSERT_TAIL(&c->c_ready, n, n_entry);
	else if (!want && n->n_ready)
		TAILQ_REMOVE(&c->c_ready, n, n_entry);
	n->n_ready = want;
}

static struct crawl_node *
node_get(struct crawl *c, int node)
{
	struct crawl_node *n;
	int		 nn;

	if (node >= c->c_nnodes) {
		nn = c->c_nnodes * 2 > node ? c->c_nnodes * 2 : node + 1;
		c->c_nodes = xreallocarray(c->c_nodes, nn, sizeof(*c->c_nodes));
		memset(c->c_nodes + c->c_nnodes, 0,
		    (nn - c->c_nnodes) * sizeof(*c->c_nodes));
		c->c_nnodes = nn;
	}
	if ((n = c->c_nodes[node]) == NULL) {
		n = c->c_nodes[node] = xcalloc(1, sizeof(*n));
		TAILQ_INIT(&n->n_queue);
	}
	return n;
}

void
crawl_add(struct crawl *c, int node, const char *method, const char *url,
    const char *content_type, char *body, size_t bodylen,
    crawl_done_cb done, void *arg)
{
	struct crawl_req *r;
	struct crawl_node *n;
	struct curl_slist *l = NULL;
	char		*hdr;

	if (node < 0)
		fatalx("crawl_add: %s: negative node %d", url, node);
	n = node_get(c, node);
	r = xcalloc(1, sizeof(*r));
	r->r_crawl = c;
	r->r_coding = -1;
	r->r_node = node;
	r->r_method = xstrdup(method != NULL ? method : "GET");
	r->r_url = xstrdup(url);
	r->r_body = body;
	r->r_bodylen = bodylen;
	r->r_done = done;
	r->r_arg = arg;
	buf_init(&r->r_resp, c->c_opts.co_max_response);
	/* Never wait for "100 Continue" before sending a body. */
	if ((l = curl_slist_append(NULL, "Expect:")) == NULL ||
	    (l = curl_slist_append(l, "Accept-Encoding: gzip, deflate")) ==
	    NULL)
		fatalx("crawl_add: curl_slist_append failed");
	r->r_headers = l;
	if (content_type != NULL) {
		xasprintf(&hdr, "Content-Type: %s", content_type);
		l = curl_slist_append(r->r_headers, hdr);
		free(hdr);
		if (l == NULL)
			fatalx("crawl_add: curl_slist_append failed");
	}
	TAILQ_INSERT_TAIL(&n->n_queue, r, r_entry);
	c->c_nqueued++;
	c->c_added++;
	node_update(c, n);
}

/* The c_wait min-heap, ordered by r_due. */
static void
wait_push(struct crawl *c, struct crawl_req *r)
{
	struct crawl_req **h;
	size_t		 i, up;

	if (c->c_nwait == c->c_waitsz) {
		c->c_waitsz = c->c_waitsz == 0 ? 16 : c->c_waitsz * 2;
		c->c_wait = xreallocarray(c->c_wait, c->c_waitsz,
		    sizeof(*c->c_wait));
	}
	h = c->c_wait;
	for (i = c->c_nwait++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (h[up]->r_due <= r->r_due)
			break;
		h[i] = h[up];
	}
	h[i] = r;
}

static struct crawl_req *
wait_pop(struct crawl *c)
{
	struct crawl_req **h = c->c_wait, *top, *last;
	size_t		 i, kid, n;

	top = h[0];
	last = h[--c->c_nwait];
	n = c->c_nwait;
	for (i = 0; (kid = 2 * i + 1) < n; i = kid) {
		if (kid + 1 < n && h[kid + 1]->r_due < h[kid]->r_due)
			kid++;
		if (last->r_due <= h[kid]->r_due)
			break;
		h[i] = h[kid];
	}
	if (n > 0)
		h[i] = last;
	return top;
}

/* Retries that are due go to the front of their node's queue. */
static void
crawl_due(struct crawl *c, double now)
{
	struct crawl_req *r;
	struct crawl_node *n;

	while (c->c_nwait > 0 && c->c_wait[0]->r_due <= now) {
		r = wait_pop(c);
		n = c->c_nodes[r->r_node];
		TAILQ_INSERT_HEAD(&n->n_queue, r, r_entry);
		c->c_nqueued++;
		node_update(c, n);
	}
}

/*
 * How many more answer bytes r may hold now; 0 if it must wait.  The pool
 * shared by all is co_memory_limit - co_max_response; when it is full, the
 * first transfer that needs more takes the reserve, where it can grow to
 * co_max_response, so some transfer always makes progress.
 */
static size_t
mem_room(struct crawl *c, struct crawl_req *r)
{
	size_t	 pool;

	if (c->c_opts.co_memory_limit == 0 || r == c->c_priv || r->r_stream)
		return SIZE_MAX;
	pool = c->c_opts.co_memory_limit - c->c_opts.co_max_response;
	if (c->c_mem < pool)
		return pool - c->c_mem;
	if (c->c_priv == NULL) {
		c->c_priv = r;
		c->c_mem -= r->r_resp.b_len;
		return SIZE_MAX;
	}
	return 0;
}

/*
 * Keep n decoded bytes of r's answer, or hand them to co_write; -1 if it
 * grows too large.
 */
static int
mem_add(struct crawl *c, struct crawl_req *r, const void *p, size_t n)
{
	size_t	 held;

	if (r->r_stream) {
		if (n > c->c_opts.co_max_response - r->r_streamed) {
			r->r_toolarge = 1;
			return -1;
		}
		r->r_streamed += n;
		c->c_opts.co_write(r->r_arg, p, n);
		return 0;
	}

	if (buf_add(&r->r_resp, p, n) == -1) {
		r->r_toolarge = 1;
		return -1;
	}
	if (r != c->c_priv)
		c->c_mem += n;
	held = c->c_mem + (c->c_priv != NULL ? c->c_priv->r_resp.b_len : 0);
	if (held > c->c_stats.cs_mem_peak)
		c->c_stats.cs_mem_peak = held;
	return 0;
}

/* Set up decoding from the Content-Encoding header; -1 if unsupported. */
static int
req_decoder_init(struct crawl_req *r)
{
	struct curl_header *h;
	char		 enc[32];
	size_t		 i;

	r->r_coding = 0;
	if (curl_easy_header(r->r_easy, "Content-Encoding", 0, CURLH_HEADER,
	    -1, &h) != CURLHE_OK)
		return 0;
	for (i = 0; i + 1 < sizeof(enc) && h->value[i] != '\0'; i++)
		enc[i] = (char)tolower((unsigned char)h->value[i]);
	enc[i] = '\0';
	if (h->amount == 1 && (enc[0] == '\0' || strcmp(enc, "identity") == 0))
		return 0;
	if (h->amount == 1 && (strcmp(enc, "gzip") == 0 ||
	    strcmp(enc, "x-gzip") == 0 || strcmp(enc, "deflate") == 0)) {
		/* 15 + 32: a zlib or a gzip header, whichever comes. */
		if (inflateInit2(&r->r_z, 15 + 32) != Z_OK) {
			snprintf(r->r_bodyerr, sizeof(r->r_bodyerr),
			    "cannot decode %s: out of memory", enc);
			return -1;
		}
		r->r_zinit = 1;
		r->r_coding = 1;
		return 0;
	}
	snprintf(r->r_bodyerr, sizeof(r->r_bodyerr),
	    "unsupported content encoding '%.40s'", h->value);
	return -1;
}

/*
 * Take the next bytes of an answer, decoded, as far as co_memory_limit
 * allows; past it, pause (libcurl keeps the rest of this delivery, at
 * most one read of the wire, and delivers it again on resume).
 */
static size_t
crawl_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct crawl_req *r = arg;
	struct crawl	*c = r->r_crawl;
	unsigned char	 out[16384];
	size_t		 len = size * nmemb, used, room, n;
	long		 status = 0;
	int		 zr;

	if (r->r_coding < 0) {
		if (req_decoder_init(r) == -1)
			return 0;	/* CURLE_WRITE_ERROR */
		/* The first bytes of this attempt: held, or streamed? */
		curl_easy_getinfo(r->r_easy, CURLINFO_RESPONSE_CODE, &status);
		r->r_stream = c->c_opts.co_stream != NULL &&
		    c->c_opts.co_stream(r->r_arg, status);
	}
	used = r->r_skip < len ? r->r_skip : len;
	r->r_skip -= used;
	if (r->r_skip > 0)
		return len;
	if (r->r_coding == 0) {
		while (used < len) {
			if ((room = mem_room(c, r)) == 0)
				goto pause;
			n = len - used < room ? len - used : room;
			if (mem_add(c, r, ptr + used, n) == -1)
				return 0;
			used += n;
		}
		return len;
	}
	r->r_z.next_in = (unsigned char *)ptr + used;
	r->r_z.avail_in = (uInt)(len - used);
	/* Until the input is used up and the decoder holds nothing more. */
	while (!r->r_zend) {
		if ((room = mem_room(c, r)) == 0) {
			used = len - r->r_z.avail_in;
			goto pause;
		}
		r->r_z.next_out = out;
		r->r_z.avail_out = (uInt)(room < sizeof(out) ? room :
		    sizeof(out));
		n = r->r_z.avail_out;
		zr = inflate(&r->r_z, Z_NO_FLUSH);
		n -= r->r_z.avail_out;
		if (n > 0 && mem_add(c, r, out, n) == -1)
			return 0;
		if (zr == Z_STREAM_END)
			r->r_zend = 1;	/* what follows is ignored */
		else if (zr == Z_BUF_ERROR)
			break;		/* needs more input */
		else if (zr != Z_OK) {
			snprintf(r->r_bodyerr, sizeof(r->r_bodyerr),
			    "malformed compressed answer: %s",
			    r->r_z.msg != NULL ? r->r_z.msg : "inflate failed");
			return 0;
		} else if (r->r_z.avail_in == 0 && r->r_z.avail_out > 0)
			break;
	}
	return len;
pause:
	r->r_skip = used;
	if (!r->r_paused) {
		r->r_paused = 1;
		c->c_npaused++;
		c->c_stats.cs_mem_waits++;
	}
	return CURL_WRITEFUNC_PAUSE;
}

/* The resolved address, before libcurl connects: not in co_deny. */
static curl_socket_t
crawl_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct crawl_req *r = arg;

	if (denylist_check(&r->r_crawl->c_deny, CRAWL_DENIED, &a->addr,
	    r->r_denied, sizeof(r->r_denied)))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Memory was freed: let paused transfers try again, oldest first. */
static void
crawl_resume(struct crawl *c)
{
	struct crawl_req *r;

	c->c_resume = 0;
	TAILQ_FOREACH(r, &c->c_inflight, r_entry) {
		if (c->c_npaused == 0)
			break;
		if (!r->r_paused)
			continue;
		r->r_paused = 0;
		c->c_npaused--;
		/* This may deliver at once, and pause r again. */
		curl_easy_pause(r->r_easy, CURLPAUSE_CONT);
	}
}

/* Room to start one more transfer under co_memory_limit. */
static int
mem_admit(const struct crawl *c)
{
	const struct crawl_opts *o = &c->c_opts;

	if (o->co_memory_limit == 0 || c->c_ninflight == 0)
		return 1;
	return c->c_npaused == 0 &&
	    c->c_mem < o->co_memory_limit - o->co_max_response;
}

/* Hand a finished request to its callback and free it. */
static void
req_end(struct crawl *c, struct crawl_req *r, struct crawl_result *res)
{
	res->cr_attempts = r->r_attempts;
	res->cr_seconds = r->r_attempts > 0 ? now_mono() - r->r_start : 0;
	c->c_stats.cs_requests++;
	c->c_stats.cs_outcome[res->cr_outcome]++;
	if (r->r_done != NULL)
		r->r_done(r->r_arg, res);
	req_free(r);
}

static void
req_fail(struct crawl *c, struct crawl_req *r, enum crawl_outcome oc,
    const char *why)
{
	struct crawl_result res;

	memset(&res, 0, sizeof(res));
	res.cr_outcome = oc;
	res.cr_body = "";
	res.cr_error = why;
	req_end(c, r, &res);
}

/* Start one attempt: a fresh easy handle added to the multi handle. */
static int
req_start(struct crawl *c, struct crawl_req *r)
{
	const struct crawl_opts *o = &c->c_opts;
	CURL		*e;
	CURLMcode	 mc;
	int		 rc = 0;

	if ((e = curl_easy_init()) == NULL) {
		log_warnx("crawl: %s: curl_easy_init failed", r->r_url);
		return -1;
	}
	r->r_errbuf[0] = '\0';
	r->r_denied[0] = '\0';
	r->r_toolarge = 0;
	req_decoder_reset(r);
	buf_reset(&r->r_resp);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	rc |= curl_easy_setopt(e, CURLOPT_URL, r->r_url);
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->r_errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, o->co_user_agent);
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->co_timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    o->co_connect_timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)o->co_max_response);
	/* Accept-Encoding is a header of r's; crawl_write decodes. */
	rc |= curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, crawl_opensocket);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, crawl_write);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->r_headers);
	if (r->r_body != NULL || strcmp(r->r_method, "POST") == 0) {
		rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->r_bodylen);
		rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    r->r_body != NULL ? r->r_body : "");
	}
	if (strcmp(r->r_method, "HEAD") == 0)
		rc |= curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(r->r_method, "GET") != 0 &&
	    strcmp(r->r_method, "POST") != 0)
		rc |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->r_method);
	if (rc != 0) {
		log_warnx("crawl: %s: cannot set transfer options", r->r_url);
		curl_easy_cleanup(e);
		return -1;
	}
	if ((mc = curl_multi_add_handle(c->c_multi, e)) != CURLM_OK) {
		log_warnx("crawl: %s: curl_multi_add_handle: %s", r->r_url,
		    curl_multi_strerror(mc));
		curl_easy_cleanup(e);
		return -1;
	}
	if (r->r_attempts++ == 0)
		r->r_start = now_mono();
	r->r_easy = e;
	TAILQ_INSERT_TAIL(&c->c_inflight, r, r_entry);
	c->c_ninflight++;
	c->c_stats.cs_attempts++;
	return 0;
}

/* Take an in-flight request off the multi handle and free its slot. */
static void
req_detach(struct crawl *c, struct crawl_req *r)
{
	struct crawl_node *n = c->c_nodes[r->r_node];

	curl_multi_remove_handle(c->c_multi, r->r_easy);
	TAILQ_REMOVE(&c->c_inflight, r, r_entry);
	c->c_ninflight--;
	n->n_inflight--;
	node_update(c, n);
	/* Its body is read in the callback, while nothing else runs. */
	if (r == c->c_priv)
		c->c_priv = NULL;
	else
		c->c_mem -= r->r_resp.b_len;
	if (r->r_paused) {
		r->r_paused = 0;
		c->c_npaused--;
	}
	c->c_resume = 1;
}

/* Start queued requests while there are slots, one per node in turn. */
static void
crawl_start(struct crawl *c)
{
	struct crawl_node *n;
	struct crawl_req *r;

	while (c->c_ninflight < c->c_opts.co_concurrency && mem_admit(c) &&
	    (n = TAILQ_FIRST(&c->c_ready)) != NULL) {
		r = TAILQ_FIRST(&n->n_queue);
		TAILQ_REMOVE(&n->n_queue, r, r_entry);
		c->c_nqueued--;
		/* Round robin: this node goes to the back of the line. */
		TAILQ_REMOVE(&c->c_ready, n, n_entry);
		n->n_ready = 0;
		if (req_start(c, r) == 0) {
			n->n_inflight++;
			node_update(c, n);
		} else {
			node_update(c, n);
			req_fail(c, r, CRAWL_ERROR, "cannot start transfer");
		}
	}
}

/*
 * Map a finished attempt to an outcome and the text for cr_error.
 * Returns 1 if the failure is transient (worth a retry).
 */
static int
crawl_classify(const struct crawl *c, struct crawl_req *r, CURLcode rc,
    long status, enum crawl_outcome *ocp, char *msg, size_t msgsz)
{
	const struct crawl_opts *o = &c->c_opts;
	const char	*cerr, *what = "";
	char		 tmp[32];
	curl_off_t	 us = 0;
	long		 ms;
	int		 bodyerr;

	cerr = r->r_errbuf[0] != '\0' ? r->r_errbuf : curl_easy_strerror(rc);
	/* A bad body does not hide an HTTP error status: it is partial. */
	bodyerr = rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_PARTIAL_FILE ||
	    (rc == CURLE_WRITE_ERROR &&
	    (r->r_toolarge || r->r_bodyerr[0] != '\0'));
	if (rc == CURLE_OK || (bodyerr && status != 0 &&
	    (status < 200 || status > 299))) {
		if (status >= 200 && status <= 299 && r->r_coding == 1 &&
		    !r->r_zend) {
			*ocp = CRAWL_ERROR;
			snprintf(msg, msgsz, "truncated answer: the compressed "
			    "body ends early");
			return 0;
		}
		if (status >= 200 && status <= 299) {
			*ocp = CRAWL_OK;
			msg[0] = '\0';
			return 0;
		}
		*ocp = CRAWL_HTTP_ERROR;
		snprintf(msg, msgsz, "HTTP %ld", status);
		return status == 429 || (status >= 500 && status <= 599);
	}
	if (rc == CURLE_COULDNT_CONNECT && r->r_denied[0] != '\0') {
		*ocp = CRAWL_CONNECT;
		snprintf(msg, msgsz, "%s", r->r_denied);
		return 0;	/* the same next time */
	}
	if (rc == CURLE_WRITE_ERROR && r->r_bodyerr[0] != '\0') {
		*ocp = CRAWL_ERROR;
		snprintf(msg, msgsz, "%s", r->r_bodyerr);
		return 0;
	}
	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (!r->r_toolarge)
			break;
		/* FALLTHROUGH */
	case CURLE_FILESIZE_EXCEEDED:
		*ocp = CRAWL_TOO_LARGE;
		snprintf(msg, msgsz, "answer larger than %s",
		    fmt_size(o->co_max_response, tmp, sizeof(tmp)));
		return 0;
	case CURLE_OPERATION_TIMEDOUT:
		/* Which deadline fired: the one nearer to the time taken. */
		*ocp = CRAWL_TIMEOUT;
		ms = o->co_connect_timeout_ms;
		curl_easy_getinfo(r->r_easy, CURLINFO_TOTAL_TIME_T, &us);
		if (ms > 0 && ms < o->co_timeout_ms &&
		    us / 1000 < (ms + o->co_timeout_ms) / 2)
			what = "connect ";
		else
			ms = o->co_timeout_ms;
		snprintf(msg, msgsz, "%stimeout after %s", what,
		    fmt_duration(ms, tmp, sizeof(tmp)));
		return 1;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
		*ocp = CRAWL_CONNECT;
		snprintf(msg, msgsz, "%s", cerr);
		return 1;
	case CURLE_PARTIAL_FILE:
		*ocp = CRAWL_ERROR;
		snprintf(msg, msgsz, "truncated answer: %s", cerr);
		return 0;
	default:
		break;
	}
	*ocp = CRAWL_ERROR;
	snprintf(msg, msgsz, "%s", cerr);
	return 0;
}

/* A "Retry-After: <seconds>" header as a wait in ms, capped; -1 if none. */
static long
crawl_retry_after(const struct crawl *c, CURL *e)
{
	struct curl_header *h;
	long		 secs, cap = c->c_opts.co_backoff_max_ms;

	/* libcurl strips the blanks around the value. */
	if (curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK || !isdigit((unsigned char)h->value[0]))
		return -1;	/* none, or an HTTP-date: our own backoff */
	secs = strtol(h->value, NULL, 10);
	return secs <= cap / 1000 ? secs * 1000 : cap;
}

/* Full jitter: uniform in [0, min(max, base * 2^(retry-1))). */
static long
crawl_backoff(const struct crawl *c, int retry)
{
	double	 cap;

	cap = ldexp((double)c->c_opts.co_backoff_ms, retry - 1);
	if (cap > c->c_opts.co_backoff_max_ms)
		cap = c->c_opts.co_backoff_max_ms;
	return (long)(rand_unit() * cap);
}

/*
 * The one place a transfer ends (CURLMSG_DONE): decide between a retry
 * and the final result, call back, free.
 */
static void
crawl_done(struct crawl *c, CURL *e, CURLcode rc)
{
	struct crawl_req *r;
	struct crawl_result res;
	enum crawl_outcome oc;
	curl_off_t	 dl = 0;
	long		 status = 0, wait = -1;
	int		 transient, truncated;
	char		*p, msg[CURL_ERROR_SIZE + 64], tmp[32], ctype[128];
	const char	*ct = NULL;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
	r = (struct crawl_req *)p;
	req_detach(c, r);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &dl) == CURLE_OK)
		c->c_stats.cs_bytes_in += dl;
	transient = crawl_classify(c, r, rc, status, &oc, msg, sizeof(msg));
	truncated = oc == CRAWL_HTTP_ERROR && (rc != CURLE_OK ||
	    (r->r_coding == 1 && !r->r_zend));
	/* A body cut short is no answer to read: retried as any other. */
	if (transient && oc == CRAWL_HTTP_ERROR && !truncated &&
	    c->c_opts.co_final != NULL && c->c_opts.co_final(r->r_arg, status))
		transient = 0;
	if (transient && status == 429)
		wait = crawl_retry_after(c, e);
	/* The Content-Type, bounded and copied before the handle goes. */
	ctype[0] = '\0';
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(ctype, sizeof(ctype), "%s", ct);
	curl_easy_cleanup(e);
	r->r_easy = NULL;

	if (transient && r->r_attempts <= c->c_opts.co_retries) {
		if (wait < 0)
			wait = crawl_backoff(c, r->r_attempts);
		log_debug("crawl: %s %s: %s, retry %d in %s", r->r_method,
		    r->r_url, msg, r->r_attempts,
		    fmt_duration(wait, tmp, sizeof(tmp)));
		c->c_stats.cs_retries++;
		/* Hold no body memory while waiting. */
		buf_release(&r->r_resp);
		r->r_due = now_mono() + wait / 1000.0;
		wait_push(c, r);
		return;
	}
	if (oc == CRAWL_OK)
		log_debug("crawl: %s %s: HTTP %ld, %zu bytes", r->r_method,
		    r->r_url, status, r->r_stream ? r->r_streamed :
		    r->r_resp.b_len);
	else if (r->r_attempts > 1)
		log_debug("crawl: %s %s: %s, giving up after %d attempts",
		    r->r_method, r->r_url, msg, r->r_attempts);
	else
		log_debug("crawl: %s %s: %s", r->r_method, r->r_url, msg);

	memset(&res, 0, sizeof(res));
	res.cr_outcome = oc;
	res.cr_status = status;
	res.cr_error = msg;
	res.cr_content_type = ctype[0] != '\0' ? ctype : NULL;
	res.cr_body = "";
	res.cr_streamed = r->r_stream;
	if (r->r_stream)
		res.cr_len = r->r_streamed;
	else if ((oc == CRAWL_OK || oc == CRAWL_HTTP_ERROR) &&
	    r->r_resp.b_data != NULL) {
		res.cr_body = r->r_resp.b_data;
		res.cr_len = r->r_resp.b_len;
	}
	res.cr_truncated = truncated;
	req_end(c, r, &res);
}

/*
 * End every request with the given outcome, including those the
 * callbacks add meanwhile.
 */
static void
crawl_abort(struct crawl *c, enum crawl_outcome oc, const char *why)
{
	struct crawl_req *r;
	struct crawl_node *n;

	for (;;) {
		/* In flight: req_free ends the transfer after the callback. */
		if ((r = TAILQ_FIRST(&c->c_inflight)) != NULL)
			req_detach(c, r);
		else if (c->c_nwait > 0)
			r = wait_pop(c);
		else if ((n = TAILQ_FIRST(&c->c_ready)) != NULL) {
			/* Nothing in flight: every node with work is ready. */
			r = TAILQ_FIRST(&n->n_queue);
			TAILQ_REMOVE(&n->n_queue, r, r_entry);
			c->c_nqueued--;
			node_update(c, n);
		} else
			break;
		log_debug("crawl: %s %s: %s", r->r_method, r->r_url, why);
		req_fail(c, r, oc, why);
	}
}

static int
crawl_pending(const struct crawl *c)
{
	return c->c_nqueued > 0 || c->c_ninflight > 0 || c->c_nwait > 0;
}

/* How long curl_multi_poll may sleep: curl's timer, next retry, 200ms. */
static int
crawl_poll_ms(struct crawl *c)
{
	long	 t = CRAWL_POLL_MAX_MS, curl_ms = -1;
	double	 due;

	if (curl_multi_timeout(c->c_multi, &curl_ms) == CURLM_OK &&
	    curl_ms >= 0 && curl_ms < t)
		t = curl_ms;
	if (c->c_nwait > 0) {
		/* Round up: waking early would spin until the retry is due. */
		due = ceil((c->c_wait[0]->r_due - now_mono()) * 1000);
		if (due < t)
			t = due < 0 ? 0 : (long)due;
	}
	return (int)t;
}

/*
 * Let feed top up the queue while there is room and it keeps adding work;
 * a call that adds nothing ends the round.  Returns 0 once feed is done
 * with: it said so, or twice added nothing while nothing was pending.
 */
static int
crawl_feed(struct crawl *c, crawl_feed_cb feed, void *arg, int *idle)
{
	unsigned long	 added;

	while (c->c_nqueued + c->c_ninflight < c->c_opts.co_concurrency) {
		added = c->c_added;
		if (feed(arg) == 0)
			return 0;
		if (c->c_added != added) {
			*idle = 0;
			continue;
		}
		if (crawl_pending(c))
			*idle = 0;
		else if (++*idle >= 2) {
			log_warnx("crawl: feed has more but added nothing "
			    "twice with nothing pending, not calling it again");
			return 0;
		}
		break;
	}
	return 1;
}

int
crawl_run(struct crawl *c, crawl_feed_cb feed, void *feed_arg,
    volatile sig_atomic_t *stop)
{
	CURLMsg		*msg;
	CURLMcode	 mc;
	int		 feeding = feed != NULL, idle = 0, running, left;
	int		 rv = -1;
	char		 why[128];

	if (c->c_running)
		fatalx("crawl_run: called from inside crawl_run");
	c->c_running = 1;
	for (;;) {
		if (stop != NULL && *stop) {
			crawl_abort(c, CRAWL_CANCELLED, "cancelled");
			goto out;
		}
		crawl_due(c, now_mono());
		if (feeding)
			feeding = crawl_feed(c, feed, feed_arg, &idle);
		crawl_start(c);
		if (!crawl_pending(c)) {
			if (!feeding)
				break;
			continue;	/* ask feed once more */
		}
		mc = curl_multi_poll(c->c_multi, NULL, 0, crawl_poll_ms(c),
		    NULL);
		if (mc == CURLM_OK)
			mc = curl_multi_perform(c->c_multi, &running);
		if (mc != CURLM_OK) {
			snprintf(why, sizeof(why), "curl multi: %s",
			    curl_multi_strerror(mc));
			log_warnx("crawl: %s", why);
			crawl_abort(c, CRAWL_ERROR, why);
			goto out;
		}
		while ((msg = curl_multi_info_read(c->c_multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE)
				crawl_done(c, msg->easy_handle,
				    msg->data.result);
		if (c->c_resume)
			crawl_resume(c);
	}
	rv = 0;
out:
	c->c_running = 0;
	return rv;
}

void
crawl_stats(const struct crawl *c, struct crawl_stats *cs)
{
	*cs = c->c_stats;
}
