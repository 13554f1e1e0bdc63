/* serve.c -- the fake nodes of every kind: one libmicrohttpd daemon, /cn/<k>/ */

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

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "buf.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

#define SERVE_BLOCK	(64 * 1024)	/* callback response block size */
#define SERVE_TOO_LARGE	413		/* MHD renamed its constant */

struct serve {
	struct simnet	*sv_sn;
	struct MHD_Daemon *sv_mhd;
	int		 sv_port;
	pthread_mutex_t	 sv_lock;
	pthread_cond_t	 sv_cond;	/* broadcast when stopping */
	int		 sv_stopping;
};

/* Per-request state, from the first call of the handler to completion. */
struct request {
	struct buf	rq_body;	/* capped at SN_BODY_MAX */
	int		rq_too_large;
	int		rq_answered;	/* a response was queued early */
};

/*
 * A body produced by a reader callback: head, then st_pad bytes of 'x',
 * then tail.  At st_cut (< st_total when truncating) the reader ends with
 * an error, so the client gets less than the declared Content-Length.
 */
struct stream {
	char		*st_head;
	size_t		 st_headlen;
	uint64_t	 st_pad;
	const char	*st_tail;
	size_t		 st_taillen;
	uint64_t	 st_total;
	uint64_t	 st_cut;
};

static void
serve_log(void *arg, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
serve_log(void *arg, const char *fmt, va_list ap)
{
	char	msg[1024];
	size_t	len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	/* What truncated answers and shutdown do on purpose. */
	if (strcasestr(msg, "application reported") != NULL)
		log_debug("http: %s", msg);
	else
		log_warnx("http: %s", msg);
}

/* Sleep up to ms, or less if the server is stopping; -1 if stopping. */
static int
serve_sleep(struct serve *sv, int64_t ms)
{
	struct timespec	ts;
	int		stopping;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&sv->sv_lock);
	while (!sv->sv_stopping)
		if (pthread_cond_timedwait(&sv->sv_cond, &sv->sv_lock,
		    &ts) == ETIMEDOUT)
			break;
	stopping = sv->sv_stopping;
	pthread_mutex_unlock(&sv->sv_lock);
	return stopping ? -1 : 0;
}

void
answer_error(struct answer *an, unsigned int status, const char *msg)
{
	an->an_status = status;
	buf_reset(&an->an_body);
	buf_puts(&an->an_body, "{\"error\":");
	buf_json_string(&an->an_body, msg, strlen(msg));
	buf_putc(&an->an_body, '}');
}

/* Close {"data":... with the signature fields every node answer carries. */
void
answer_sign(struct answer *an, const struct sn_node *nd)
{
	static const char hex[] = "0123456789abcdef";
	struct timespec	ts;
	struct tm	tm;
	char		stamp[32], sig[2 + 130 + 1];
	uint64_t	x;
	size_t		i;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	i = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + i, sizeof(stamp) - i, ".%03ldZ",
	    ts.tv_nsec / 1000000);
	/* Not a real signature: just plausible hex. */
	x = fnv1a32(an->an_body.b_data,
	    an->an_body.b_len < 256 ? an->an_body.b_len : 256);
	x = (x << 32) ^ an->an_body.b_len ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)nd->nd_spid;
	sig[0] = '0';
	sig[1] = 'x';
	for (i = 0; i < 130; i++) {
		if (i % 16 == 0)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sig[2 + i] = hex[(x >> (60 - 4 * (i % 16))) & 0xf];
	}
	sig[sizeof(sig) - 1] = '\0';
	buf_printf(&an->an_body, ",\"signer\":\"%s\",\"timestamp\":\"%s\","
	    "\"signature\":\"%s\"}", nd->nd_signer, stamp, sig);
}

static void
serve_health(struct answer *an, const struct sn_node *nd)
{
	an->an_status = MHD_HTTP_OK;
	buf_printf(&an->an_body, "{\"data\":{\"healthy\":true,"
	    "\"service\":\"content-node\",\"version\":\"0.3.%d\","
	    "\"spID\":%d}", nd->nd_spid % 4, nd->nd_spid);
	answer_sign(an, nd);
}


/* A JSON string literal; wallets rarely need escaping, so check first. */
static void
put_json_string(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			break;
	if (i < len) {
		buf_json_string(b, s, len);
		return;
	}
	buf_putc(b, '"');
	buf_add(b, s, len);
	buf_putc(b, '"');
}

/*
 * Indexes of the distinct strings of arr in order of first occurrence;
 * returns how many, the caller frees *outp.
 */
static size_t
batch_distinct(json_t *arr, size_t **outp)
{
	size_t	 n = json_array_size(arr), size = 16, nout = 0;
	size_t	 mask, i, j, k;
	size_t	*table, *out;
	json_t	*a, *b;
	uint64_t h;

	while (size < 2 * n)
		size *= 2;
	mask = size - 1;
	table = xcalloc(size, sizeof(*table));
	out = xcalloc(n > 0 ? n : 1, sizeof(*out));
	for (i = 0; i < n; i++) {
		a = json_array_get(arr, i);
		h = fnv1a64(json_string_value(a), json_string_length(a));
		h ^= h >> 31;
		for (j = h & mask; table[j] != 0; j = (j + 1) & mask) {
			k = table[j] - 1;
			b = json_array_get(arr, k);
			if (json_string_length(a) == json_string_length(b) &&
			    memcmp(json_string_value(a), json_string_value(b),
			    json_string_length(a)) == 0)
				break;
		}
		if (table[j] != 0)
			continue;
		table[j] = i + 1;
		out[nout++] = i;
	}
	free(table);
	*outp = out;
	return nout;
}

static void
serve_batch(struct answer *an, struct simnet *sn, const struct sn_node *nd,
    const struct buf *body)
{
	json_error_t	 jerr;
	json_t		*root, *keys, *w;
	size_t		*order = NULL, n, i, len;
	const char	*s;
	char		 msg[256], num[32];
	int		 first = 1, clen;

	root = json_loadb(body->b_data != NULL ? body->b_data : "",
	    body->b_len, 0, &jerr);
	if (root == NULL) {
		snprintf(msg, sizeof(msg), "invalid JSON body: %s", jerr.text);
		answer_error(an, MHD_HTTP_BAD_REQUEST, msg);
		return;
	}
	keys = json_object_get(root, "walletPublicKeys");
	if (!json_is_array(keys)) {
		answer_error(an, MHD_HTTP_BAD_REQUEST,
		    "walletPublicKeys must be an array of strings");
		goto out;
	}
	json_array_foreach(keys, i, w)
		if (!json_is_string(w)) {
			answer_error(an, MHD_HTTP_BAD_REQUEST,
			    "walletPublicKeys must be an array of strings");
			goto out;
		}
	n = batch_distinct(keys, &order);
	if (n > SN_BATCH_MAX) {
		snprintf(msg, sizeof(msg), "Number of wallets must not exceed "
		    "%d (reached %zu)", SN_BATCH_MAX, n);
		answer_error(an, MHD_HTTP_BAD_REQUEST, msg);
		goto out;
	}
	an->an_status = MHD_HTTP_OK;
	buf_puts(&an->an_body, "{\"data\":{\"users\":[");
	for (i = 0; i < n; i++) {
		w = json_array_get(keys, order[i]);
		s = json_string_value(w);
		len = json_string_length(w);
		if (nd->nd_fault == SN_FAULT_MISSING && simnet_omitted(s, len))
			continue;
		buf_puts(&an->an_body, first ? "{\"walletPublicKey\":" :
		    ",{\"walletPublicKey\":");
		first = 0;
		put_json_string(&an->an_body, s, len);
		clen = snprintf(num, sizeof(num), ",\"clock\":%d}",
		    (int)gen_lookup(sn, nd, s, len));
		buf_add(&an->an_body, num, clen);
	}
	buf_puts(&an->an_body, "]}");
	answer_sign(an, nd);
out:
	free(order);
	json_decref(root);
}

/* The routes of an Audius content node (the audius kind). */
void
audius_answer(struct simnet *sn, struct sn_node *nd, const char *method,
    const char *rest, const struct buf *body, struct answer *an)
{
	if (strcmp(rest, "/health_check") == 0) {
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
			serve_health(an, nd);
		else {
			answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed");
			an->an_allow = "GET, HEAD";
		}
	} else if (strcmp(rest, "/users/batch_clock_status") == 0) {
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method not allowed");
			an->an_allow = "POST";
		} else if (body == NULL)
			answer_error(an, SERVE_TOO_LARGE,
			    "request body too large");
		else
			serve_batch(an, sn, nd, body);
	} else
		answer_error(an, MHD_HTTP_NOT_FOUND, "not found");
}

/* The node k named by /cn/<k>/..., with *restp at "/..."; NULL if none. */
static struct sn_node *
serve_node(struct simnet *sn, const char *url, const char **restp)
{
	const char *p;
	long	k = 0;

	if (strncmp(url, "/cn/", 4) != 0)
		return NULL;
	p = url + 4;
	if (!isdigit((unsigned char)*p) || *p == '0')
		return NULL;
	while (isdigit((unsigned char)*p) && k <= SN_MAX_NODES)
		k = k * 10 + (*p++ - '0');
	if ((*p != '/' && *p != '\0') || k > sn->sn_nnodes)
		return NULL;
	*restp = p;
	return &sn->sn_nodes[k - 1];
}

static ssize_t
stream_read(void *arg, uint64_t pos, char *out, size_t max)
{
	struct stream *st = arg;
	uint64_t p, end;
	size_t	 n = 0, k;

	if (pos >= st->st_cut)
		return pos >= st->st_total ? MHD_CONTENT_READER_END_OF_STREAM :
		    MHD_CONTENT_READER_END_WITH_ERROR;
	if (max > st->st_cut - pos)
		max = st->st_cut - pos;
	while (n < max) {
		p = pos + n;
		if (p < st->st_headlen) {
			end = st->st_headlen;
			k = end - p < max - n ? end - p : max - n;
			memcpy(out + n, st->st_head + p, k);
		} else if (p < st->st_headlen + st->st_pad) {
			end = st->st_headlen + st->st_pad;
			k = end - p < max - n ? end - p : max - n;
			memset(out + n, 'x', k);
		} else {
			p -= st->st_headlen + st->st_pad;
			if (p >= st->st_taillen)
				break;
			k = st->st_taillen - p < max - n ?
			    st->st_taillen - p : max - n;
			memcpy(out + n, st->st_tail + p, k);
		}
		n += k;
	}
	return (ssize_t)n;
}

static void
stream_free(void *arg)
{
	struct stream *st = arg;

	free(st->st_head);
	free(st);
}

/* Queue status with a body; the body is taken. */
static enum MHD_Result
serve_queue(struct MHD_Connection *conn, unsigned int status, char *body,
    size_t len, const char *allow, const char *ctype)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    ctype != NULL ? ctype : "application/json");
	if (allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Queue an answer as it is; its body is taken. */
static enum MHD_Result
serve_queue_answer(struct MHD_Connection *conn, struct answer *an)
{
	char	*body;
	size_t	 len;

	body = buf_take(&an->an_body, &len);
	return serve_queue(conn, an->an_status, body, len, an->an_allow,
	    an->an_ctype);
}

/* Queue a streamed body (truncated or oversized); st is taken. */
static enum MHD_Result
serve_queue_stream(struct MHD_Connection *conn, unsigned int status,
    const char *ctype, struct stream *st)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_callback(st->st_total, SERVE_BLOCK,
	    stream_read, st, stream_free);
	if (resp == NULL) {
		stream_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    ctype != NULL ? ctype : "application/json");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A 200 whose body is not JSON: a cut answer or plain garbage. */
static void
fault_malformed(struct answer *an, const struct sn_node *nd)
{
	static const char key[] = "\"walletPublicKey\":";
	const char *p;
	size_t	cut;

	an->an_status = MHD_HTTP_OK;
	/* A cut text exposition may still parse: garbage for those. */
	if (nd->nd_spid % 2 == 0 || an->an_body.b_len < 4 ||
	    an->an_ctype != NULL) {
		buf_reset(&an->an_body);
		buf_puts(&an->an_body, "<html><body>upstream error</body>"
		    "</html>\n}{ not json");
		return;
	}
	if ((p = strstr(an->an_body.b_data, key)) != NULL)
		cut = (size_t)(p - an->an_body.b_data) + sizeof(key) - 1;
	else
		cut = an->an_body.b_len / 2;
	an->an_body.b_len = cut;
	an->an_body.b_data[cut] = '\0';
}

static enum MHD_Result
serve_finish(struct serve *sv, struct MHD_Connection *conn,
    const struct sn_node *nd, struct answer *an)
{
	struct stream *st;
	size_t	 len;

	switch (nd->nd_fault) {
	case SN_FAULT_SLOW:
		if (serve_sleep(sv, sv->sv_sn->sn_slow_ms) == -1)
			return MHD_NO;
		break;
	case SN_FAULT_HTTP500:
		answer_error(an, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Internal server error");
		an->an_allow = NULL;
		break;
	case SN_FAULT_MALFORMED:
		fault_malformed(an, nd);
		an->an_allow = NULL;
		break;
	case SN_FAULT_TRUNCATED:
	case SN_FAULT_OVERSIZED:
		st = xcalloc(1, sizeof(*st));
		st->st_head = buf_take(&an->an_body, &len);
		st->st_headlen = len;
		st->st_tail = "";
		if (nd->nd_fault == SN_FAULT_TRUNCATED) {
			st->st_total = len;
			st->st_cut = len / 2;
		} else {
			/* {...} becomes {...,"padding":"<filler to the size>"} */
			static const char pad[] = ",\"padding\":\"";

			st->st_head = xreallocarray(st->st_head,
			    len + sizeof(pad), 1);
			if (len > 0 && st->st_head[len - 1] == '}')
				len--;
			memcpy(st->st_head + len, pad, sizeof(pad));
			st->st_headlen = len + sizeof(pad) - 1;
			st->st_tail = "\"}";
			st->st_taillen = 2;
			if ((uint64_t)sv->sv_sn->sn_oversize >
			    st->st_headlen + st->st_taillen)
				st->st_pad = (uint64_t)sv->sv_sn->sn_oversize -
				    st->st_headlen - st->st_taillen;
			st->st_total = st->st_cut = st->st_headlen +
			    st->st_pad + st->st_taillen;
		}
		return serve_queue_stream(conn, an->an_status, an->an_ctype,
		    st);
	default:
		break;
	}
	return serve_queue_answer(conn, an);
}

static enum MHD_Result
serve_answer(struct serve *sv, struct MHD_Connection *conn, const char *url,
    const char *method, struct request *rq)
{
	struct simnet	*sn = sv->sv_sn;
	struct sn_node	*nd;
	struct answer	 an;
	const char	*rest = NULL;
	enum MHD_Result	 ret;
	unsigned long	 nth;

	memset(&an, 0, sizeof(an));
	buf_init(&an.an_body, 0);
	if ((nd = serve_node(sn, url, &rest)) == NULL) {
		answer_error(&an, MHD_HTTP_NOT_FOUND, "not found");
		return serve_queue_answer(conn, &an);
	}
	nth = atomic_fetch_add(&nd->nd_requests, 1);
	if (nd->nd_fault == SN_FAULT_FLAKY && nth == 0) {
		if (sn->sn_kind->sk_flaky_status == MHD_HTTP_BAD_GATEWAY)
			answer_error(&an, MHD_HTTP_BAD_GATEWAY, "Bad Gateway");
		else
			answer_error(&an, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "Service temporarily unavailable");
		return serve_queue_answer(conn, &an);
	}
	sn->sn_kind->sk_answer(sn, nd, method, rest,
	    rq->rq_too_large ? NULL : &rq->rq_body, &an);
	ret = serve_finish(sv, conn, nd, &an);
	buf_release(&an.an_body);
	return ret;
}

static enum MHD_Result
serve_access(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *uploadsz, void **ctx)
{
	struct serve	*sv = arg;
	struct request	*rq = *ctx;
	struct answer	 an;
	const char	*cl;
	char		*end;
	unsigned long long n;

	if (rq == NULL) {
		rq = xcalloc(1, sizeof(*rq));
		buf_init(&rq->rq_body, SN_BODY_MAX);
		*ctx = rq;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl == NULL)
			return MHD_YES;
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno == 0 && *end == '\0' && n <= SN_BODY_MAX)
			return MHD_YES;
		/* Refuse before reading the body. */
		rq->rq_too_large = rq->rq_answered = 1;
		memset(&an, 0, sizeof(an));
		buf_init(&an.an_body, 0);
		answer_error(&an, SERVE_TOO_LARGE,
		    "request body too large");
		return serve_queue_answer(conn, &an);
	}
	if (*uploadsz > 0) {
		if (!rq->rq_too_large && buf_add(&rq->rq_body, upload,
		    *uploadsz) == -1) {
			rq->rq_too_large = 1;
			buf_release(&rq->rq_body);
		}
		*uploadsz = 0;
		return MHD_YES;
	}
	if (rq->rq_answered)
		return MHD_YES;
	rq->rq_answered = 1;
	return serve_answer(sv, conn, url, method, rq);
}

static void
serve_done(void *arg, struct MHD_Connection *conn, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *ctx;

	if (rq == NULL)
		return;
	buf_release(&rq->rq_body);
	free(rq);
	*ctx = NULL;
}

struct serve *
serve_start(struct simnet *sn, const char *host, int port)
{
	struct serve	*sv;
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	pthread_condattr_t ca;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		log_warnx("%s: not a loopback address", host);
		return NULL;
	}
	sv = xcalloc(1, sizeof(*sv));
	sv->sv_sn = sn;
	pthread_mutex_init(&sv->sv_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sv->sv_cond, &ca);
	pthread_condattr_destroy(&ca);

	sv->sv_mhd = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    serve_access, sv,
	    MHD_OPTION_EXTERNAL_LOGGER, serve_log, sv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, serve_done, sv,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_END);
	if (sv->sv_mhd == NULL) {
		log_warnx("%s:%d: cannot start the http server", host, port);
		goto fail;
	}
	info = MHD_get_daemon_info(sv->sv_mhd, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		log_warnx("%s:%d: cannot learn the listening port", host, port);
		goto fail;
	}
	sv->sv_port = info->port;
	return sv;
fail:
	serve_stop(sv);
	return NULL;
}

int
serve_port(const struct serve *sv)
{
	return sv->sv_port;
}

void
serve_stop(struct serve *sv)
{
	if (sv == NULL)
		return;
	pthread_mutex_lock(&sv->sv_lock);
	sv->sv_stopping = 1;
	pthread_cond_broadcast(&sv->sv_cond);
	pthread_mutex_unlock(&sv->sv_lock);
	if (sv->sv_mhd != NULL)
		MHD_stop_daemon(sv->sv_mhd);
	pthread_cond_destroy(&sv->sv_cond);
	pthread_mutex_destroy(&sv->sv_lock);
	free(sv);
}
