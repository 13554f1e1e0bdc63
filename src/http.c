/* http.c -- the metrics server (libmicrohttpd); serves immutable snapshots */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "api.h"
#include "conf.h"
#include "expo.h"
#include "http.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define HTTP_MEMORY_LIMIT	(32 * 1024)	/* headers of one request */
#define HTTP_PEM_MAX		(1024 * 1024)

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
};

static const char index_page[] =
    "vantage " PACKAGE_VERSION "\n\n"
    "/metrics    Prometheus exposition of the latest complete run\n"
    "            (OpenMetrics 1.0 if the Accept header prefers it; gzip)\n"
    "/api/v1/    JSON: runs, nodes, series, history\n"
    "/-/healthy  200 while the process lives\n"
    "/-/ready    200 once a complete run exists\n";

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

/* ---- authentication ---- */

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

static int
check_basic(struct http *ht, const char *user, const char *pass)
{
	struct crypt_data *cd;
	struct basic_user *bu = NULL;
	const char	*out;
	char		 hex[65];
	size_t		 i;
	int		 ok = 0;

	for (i = 0; i < ht->ht_nbasic; i++)
		if (http_secure_equal(ht->ht_basic[i].bu_user, user))
			bu = &ht->ht_basic[i];
	sha256_hex(pass, strlen(pass), hex);
	if (bu != NULL) {
		/* A password verified before skips the slow hash. */
		pthread_mutex_lock(&ht->ht_lock);
		ok = bu->bu_verified[0] != '\0' &&
		    http_secure_equal(bu->bu_verified, hex);
		pthread_mutex_unlock(&ht->ht_lock);
		if (ok)
			return 1;
	}
	/*
	 * An unknown user is checked against a configured hash, result
	 * ignored, so it costs what a known one does: the time of a refusal
	 * does not tell which user names exist.
	 */
	cd = xcalloc(1, sizeof(*cd));
	out = crypt_r(pass, bu != NULL ? bu->bu_hash : ht->ht_basic[0].bu_hash,
	    cd);
	ok = bu != NULL && out != NULL && out[0] != '*' &&
	    http_secure_equal(out, bu->bu_hash);
	free(cd);
	if (ok) {
		pthread_mutex_lock(&ht->ht_lock);
		memcpy(bu->bu_verified, hex, sizeof(hex));
		pthread_mutex_unlock(&ht->ht_lock);
	}
	return ok;
}

static int
authorized(struct http *ht, struct MHD_Connection *c)
{
	const char	*h;
	char		*user, *pass = NULL;
	int		 ok = 0;

	if (ht->ht_nbearer == 0 && ht->ht_nbasic == 0)
		return 1;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return 0;
	if (ht->ht_nbearer > 0 && strncasecmp(h, "Bearer ", 7) == 0)
		return check_bearer(ht, h + 7);
	if (ht->ht_nbasic > 0 && strncasecmp(h, "Basic ", 6) == 0) {
		user = MHD_basic_auth_get_username_password(c, &pass);
		if (user != NULL && pass != NULL)
			ok = check_basic(ht, user, pass);
		if (user != NULL)
			MHD_free(user);
		if (pass != NULL)
			MHD_free(pass);
	}
	return ok;
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

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http	*ht = cls;
	int		 ready;

	static int	 seen;

	(void)version;
	(void)upload_data;
	/* Other methods are refused at once, before any body is read. */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n");
	/*
	 * GET and HEAD are answered once the request is complete (answering
	 * on the first call would cost the connection its keep-alive); a
	 * body, which no route takes, is discarded as it arrives.
	 */
	if (*con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/-/healthy") == 0)
		return reply_text(c, MHD_HTTP_OK, "vantage is healthy\n");
	if (ht->ht_client_certs && !client_cert_ok(c))
		return reply_text(c, MHD_HTTP_FORBIDDEN,
		    "a valid client certificate is required\n");
	if (!authorized(ht, c))
		return reply_unauthorized(ht, c);
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
	if (strncmp(url, "/api/v1/", 8) == 0)
		return reply_api(ht, c, url);
	if (strcmp(url, "/") == 0)
		return reply_text(c, MHD_HTTP_OK, index_page);
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

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
	pthread_mutex_destroy(&ht->ht_lock);
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
	unsigned int	 flags = MHD_USE_INTERNAL_POLLING_THREAD |
			    MHD_USE_ERROR_LOG | MHD_USE_EPOLL;
	size_t		 i, n = 0;

	if (parse_listen(cf->cf_listen, &ss, &sslen) == -1)
		return NULL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	ht = xcalloc(1, sizeof(*ht));
	pthread_mutex_init(&ht->ht_lock, NULL);
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
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (ht->ht_daemon == NULL) {
		log_warnx("http: cannot listen on %s (address in use, not an "
		    "address of this host, or a bad TLS certificate or key)",
		    cf->cf_listen);
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
