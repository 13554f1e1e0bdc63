/* t-http.c -- Accept parsing, constant-time comparison, and a live server */

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
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "expo.h"
#include "http.h"
#include "log.h"
#include "tap.h"
#include "util.h"
#include "xmalloc.h"

/* What Prometheus 2.x sends when scraping. */
#define PROM_ACCEPT	"application/openmetrics-text;version=1.0.0," \
	"application/openmetrics-text;version=0.0.1;q=0.75," \
	"text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
/* sha256 of "tok" */
#define TOK_SHA256	\
	"1a7674eb4ee78df7e1ac439a93c3fa8e3c945784d4dec9fd8e3011738b2f1d62"

static char	tmpdir[64];

/* ---- the small parsers ---- */

static const char *
fmtname(enum expo_format f)
{
	return f == EXPO_TEXT ? "text" : f == EXPO_OPENMETRICS ?
	    "openmetrics" : "?";
}

#define NEG(want, accept, ...)	\
	is_str(fmtname(want), fmtname(http_negotiate_format(accept)), __VA_ARGS__)

static void
test_negotiate(void)
{
	NEG(EXPO_TEXT, NULL, "no Accept header: text");
	NEG(EXPO_OPENMETRICS, PROM_ACCEPT,
	    "Prometheus 2.x default Accept: OpenMetrics");
	NEG(EXPO_TEXT, "text/plain", "text/plain: text");
	NEG(EXPO_TEXT, "application/openmetrics-text;q=0.3, text/plain",
	    "text/plain preferred over OpenMetrics: text");
	NEG(EXPO_TEXT, "*/*", "*/*: text");
	NEG(EXPO_OPENMETRICS, "application/openmetrics-text",
	    "application/openmetrics-text alone: OpenMetrics");
	NEG(EXPO_OPENMETRICS, "APPLICATION/OpenMetrics-Text; Version=1.0.0",
	    "media types are case-insensitive (OpenMetrics)");
	NEG(EXPO_TEXT, "application/openmetrics-text;q=0.2, TEXT/PLAIN",
	    "media types are case-insensitive (text/plain)");
	NEG(EXPO_TEXT, "application/openmetrics-text;q=0",
	    "OpenMetrics with q=0: text");
	NEG(EXPO_TEXT, "application/openmetrics-text; q=0, */*",
	    "OpenMetrics with q=0 next to */*: text");
	NEG(EXPO_OPENMETRICS,
	    "text/plain;version=0.0.4;q=0.5, application/openmetrics-text",
	    "OpenMetrics preferred even when listed second");
	NEG(EXPO_OPENMETRICS,
	    "application/openmetrics-text;q=0.5, text/plain;q=0.5",
	    "a tie goes to OpenMetrics");
	NEG(EXPO_TEXT, ";;,,q=", "garbage ';;,,q=': text, no crash");
	NEG(EXPO_TEXT, "", "empty header: text");
	NEG(EXPO_TEXT, ",,, ;q=1;;", "more garbage: text, no crash");
	NEG(EXPO_TEXT, "application/json", "an unrelated type: text");
}

#define GZ(want, ae, ...)	is_int((want), http_accepts_gzip(ae), __VA_ARGS__)

static void
test_accepts_gzip(void)
{
	GZ(0, NULL, "no Accept-Encoding: no gzip");
	GZ(1, "gzip", "gzip");
	GZ(1, "gzip, deflate, br", "gzip, deflate, br (what curl and browsers send)");
	GZ(0, "deflate", "deflate only: no gzip");
	GZ(0, "gzip;q=0", "gzip;q=0 refuses gzip");
	GZ(1, "*", "* accepts gzip");
	GZ(0, "*;q=0", "*;q=0 refuses everything");
	GZ(0, "gzip;q=0, *", "gzip;q=0 wins over *");
	GZ(0, "identity", "identity only: no gzip");
	GZ(1, "GZIP", "coding names are case-insensitive");
	GZ(1, "x-gzip", "x-gzip is gzip");
	GZ(1, "deflate, gzip;q=0.5", "gzip with a q below 1");
	GZ(1, "*;q=0, gzip", "a named gzip wins over *;q=0");
	GZ(0, "", "empty header: no gzip");
	GZ(0, "gzipx, xgzip", "a longer token is not gzip");
}

static void
test_secure_equal(void)
{
	is_int(1, http_secure_equal("secret", "secret"), "equal strings");
	is_int(0, http_secure_equal("secret", "secreT"),
	    "different content, same length");
	is_int(0, http_secure_equal("xecret", "secret"),
	    "first byte differs");
	is_int(0, http_secure_equal("secret", "secrets"), "different lengths");
	is_int(0, http_secure_equal("secrets", "secret"),
	    "different lengths, the longer first");
	is_int(1, http_secure_equal("", ""), "two empty strings are equal");
	is_int(0, http_secure_equal("", "a"), "empty and not empty");
	is_int(0, http_secure_equal("a", ""), "not empty and empty");
	is_int(0, http_secure_equal("sec", "secret"), "a prefix is not equal");
	is_int(1, http_secure_equal(TOK_SHA256, TOK_SHA256),
	    "64 hex digits equal");
}

/* ---- a client ---- */

struct resp {
	long		 status;
	struct buf	 body;
	struct buf	 hdrs;
	long		 nconnects;
	CURLcode	 rc;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0;
	return size * n;
}

static void
resp_init(struct resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 64 * 1024 * 1024);
	buf_init(&r->hdrs, 1024 * 1024);
	buf_puts(&r->body, "");
	buf_puts(&r->hdrs, "");
}

static void
resp_free(struct resp *r)
{
	buf_release(&r->body);
	buf_release(&r->hdrs);
}

/*
 * One request on h (a fresh handle if NULL).  method: GET, HEAD, POST or
 * another verb; headers: NULL-terminated.  The body is not decoded.
 */
static void
request_on(CURL *h, struct resp *r, const char *method, unsigned int port,
    const char *path, const char *const *headers)
{
	struct curl_slist *sl = NULL;
	char		 url[256];
	int		 own = h == NULL;
	size_t		 i;

	resp_init(r);
	if (own && (h = curl_easy_init()) == NULL) {
		r->rc = CURLE_FAILED_INIT;
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 20000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r->hdrs);
	curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "POST") == 0)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "x=1");
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	/* No Accept header unless asked for: curl's default is removed. */
	sl = curl_slist_append(sl, "Accept:");
	for (i = 0; headers != NULL && headers[i] != NULL && i < 16; i++)
		sl = curl_slist_append(sl, headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	r->rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r->nconnects);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(sl);
	if (r->rc != CURLE_OK)
		printf("# curl %s %s: %s\n", method, path,
		    curl_easy_strerror(r->rc));
	if (own)
		curl_easy_cleanup(h);
}

static void
request(struct resp *r, const char *method, unsigned int port,
    const char *path, const char *const *headers)
{
	request_on(NULL, r, method, port, path, headers);
}

/*
 * The value of header name in the last header block of r (curl collects
 * every block, e.g. after a 100 Continue), or NULL.  Static storage.
 */
static const char *
header(const struct resp *r, const char *name)
{
	static char	 val[512];
	const char	*p = r->hdrs.b_data, *eol, *found = NULL, *v;
	size_t		 n = strlen(name), len;
	int		 lines = 0;

	while (p != NULL && *p != '\0' && lines++ < 1000) {
		if ((eol = strstr(p, "\r\n")) == NULL)
			eol = p + strlen(p);
		if (strncmp(p, "HTTP/", 5) == 0)
			found = NULL;	/* a new block */
		else if ((size_t)(eol - p) > n && p[n] == ':' &&
		    strncasecmp(p, name, n) == 0)
			found = p;
		p = *eol != '\0' ? eol + 2 : eol;
	}
	if (found == NULL)
		return NULL;
	v = found + n + 1;
	while (*v == ' ')
		v++;
	len = strcspn(v, "\r\n");
	snprintf(val, sizeof(val), "%.*s", (int)len, v);
	return val;
}

/* Inflate (gzip or zlib, by header) into a string the caller frees. */
static char *
inflate_all(const char *in, size_t len, size_t *outlenp)
{
	z_stream	 zs;
	struct buf	 b;
	unsigned char	 chunk[16384];
	int		 rc = Z_OK, rounds = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return NULL;
	buf_init(&b, 256 * 1024 * 1024);
	buf_puts(&b, "");
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = len;
	while (rc == Z_OK && rounds++ < 100000) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = inflate(&zs, Z_NO_FLUSH);
		if ((rc == Z_OK || rc == Z_STREAM_END) &&
		    buf_add(&b, chunk, sizeof(chunk) - zs.avail_out) == -1)
			rc = Z_MEM_ERROR;
		if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
			rc = Z_DATA_ERROR;	/* truncated */
	}
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		buf_release(&b);
		return NULL;
	}
	return buf_take(&b, outlenp);
}

/* ---- the server ---- */

static char *
write_file(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	if (asprintf(&path, "%s/%s", tmpdir, name) == -1)
		abort();
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

/* The source tree's queries/audius, as the shell tests find it. */
static char *
queries_dir(void)
{
	const char	*src = getenv("VT_SRC_DIR"), *suffix = "t/unit/t-http.c";
	char		*dir;
	size_t		 n = strlen(__FILE__), m = strlen(suffix);

	if (src != NULL && *src != '\0')
		xasprintf(&dir, "%s/queries/audius", src);
	else if (n >= m && strcmp(__FILE__ + n - m, suffix) == 0)
		xasprintf(&dir, "%.*squeries/audius", (int)(n - m), __FILE__);
	else
		dir = xstrdup("queries/audius");
	if (dir[0] != '/') {
		/* config_load resolves a relative queries.dir from its file */
		char	cwd[4096], *abs;

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			abort();
		xasprintf(&abs, "%s/%s", cwd, dir);
		free(dir);
		dir = abs;
	}
	return dir;
}

static struct config *
load_config(const char *conf, const char *extra)
{
	char		*ov[2];
	size_t		 nov = 0;

	ov[nov++] = (char *)"http.listen=127.0.0.1:0";
	if (extra != NULL)
		ov[nov++] = (char *)extra;
	return config_load(conf, ov, nov, stderr);
}

/* Publish copies of text and om (the server takes the copies). */
static void
publish(struct http *ht, const char *text, const char *om, int ready)
{
	char	*t[EXPO_NFORMATS];
	size_t	 l[EXPO_NFORMATS];

	t[EXPO_TEXT] = xstrdup(text);
	l[EXPO_TEXT] = strlen(text);
	t[EXPO_OPENMETRICS] = xstrdup(om);
	l[EXPO_OPENMETRICS] = strlen(om);
	http_publish(ht, t, l, ready);
}

static const char text1[] =
    "# HELP app_up Whether the app is up.\n"
    "# TYPE app_up gauge\n"
    "app_up{node=\"a\"} 1\n"
    "app_up{node=\"b\"} 0\n";
static const char om1[] =
    "# TYPE app_up gauge\n"
    "# HELP app_up Whether the app is up.\n"
    "app_up{node=\"a\"} 1\n"
    "app_up{node=\"b\"} 0\n"
    "# EOF\n";
static const char text2[] =
    "# HELP app_up Whether the app is up.\n"
    "# TYPE app_up gauge\n"
    "app_up{node=\"a\"} 0\n";
static const char om2[] =
    "# TYPE app_up gauge\n"
    "# HELP app_up Whether the app is up.\n"
    "app_up{node=\"a\"} 0\n"
    "# EOF\n";

/* While a large response is being read, a new snapshot is published. */
struct midway {
	struct buf	 body;
	struct http	*ht;
	int		 published;
};

static size_t
collect_and_publish(char *p, size_t size, size_t n, void *arg)
{
	struct midway	*mw = arg;

	if (buf_add(&mw->body, p, size * n) == -1)
		return 0;
	if (!mw->published) {
		mw->published = 1;
		publish(mw->ht, text2, om2, 1);
	}
	return size * n;
}

/* A small receive buffer, so the server cannot push everything at once. */
static int
small_rcvbuf(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	int	size = 4096;

	(void)arg;
	(void)purpose;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return CURL_SOCKOPT_OK;
}

static void
test_publish_midway(struct http *ht, unsigned int port)
{
	struct midway	 mw;
	struct buf	 big;
	CURL		*h;
	char		 url[128];
	CURLcode	 rc;
	long		 status = 0;
	int		 i;

	/*
	 * About 6 MB: more than the server's socket send buffer (at most
	 * net.ipv4.tcp_wmem, 4 MiB by default) and the client's small receive
	 * buffer hold, so the response is still being sent when the first
	 * bytes arrive and the snapshot is replaced.
	 */
	buf_init(&big, 0);
	buf_puts(&big, "# HELP app_big A large family.\n# TYPE app_big gauge\n");
	for (i = 0; i < 140000; i++)
		buf_printf(&big, "app_big{item=\"%06d-padding-padding\"} %d\n",
		    i, i);
	publish(ht, big.b_data, om1, 1);

	memset(&mw, 0, sizeof(mw));
	mw.ht = ht;
	buf_init(&mw.body, 64 * 1024 * 1024);
	buf_puts(&mw.body, "");
	if ((h = curl_easy_init()) == NULL)
		abort();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/metrics", port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 1024L);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, small_rcvbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_and_publish);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &mw);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	ok(rc == CURLE_OK && status == 200 && mw.published,
	    "a snapshot published while a large response is read");
	ok(mw.body.b_len == big.b_len &&
	    memcmp(mw.body.b_data, big.b_data, big.b_len) == 0,
	    "  the response in flight is the old snapshot, intact (%zu bytes)",
	    mw.body.b_len);
	buf_release(&mw.body);
	buf_release(&big);
	{
		struct resp	r;

		request(&r, "GET", port, "/metrics", NULL);
		is_str(text2, r.body.b_data, "  the next request sees the new one");
		resp_free(&r);
	}
}

static void
test_server(const char *conf)
{
	static const char *const prom[] = { "Accept: " PROM_ACCEPT, NULL };
	static const char *const gz[] = { "Accept-Encoding: gzip", NULL };
	static const char *const omgz[] = { "Accept: " PROM_ACCEPT,
	    "Accept-Encoding: gzip, deflate", NULL };
	static const char *const nogz[] = {
	    "Accept-Encoding: gzip;q=0, identity", NULL };
	struct config	*cf;
	struct http	*ht, *ht2;
	struct resp	 r, r2;
	unsigned int	 port;
	char		*plain, *ov;
	size_t		 plen = 0;
	CURL		*h;

	cf = load_config(conf, NULL);
	ok(cf != NULL, "config_load with http.listen=127.0.0.1:0");
	if (cf == NULL) {
		printf("Bail out! no configuration\n");
		exit(1);
	}
	ht = http_start(cf);
	ok(ht != NULL, "http_start");
	if (ht == NULL) {
		printf("Bail out! no server\n");
		exit(1);
	}
	port = http_port(ht);
	ok(port > 0 && port < 65536, "http_port gives the bound port (%u)", port);

	/* The port is taken: a second server on it fails cleanly. */
	xasprintf(&ov, "http.listen=127.0.0.1:%u", port);
	{
		struct config	*cf2;
		char		*ovs[1] = { ov };

		cf2 = config_load(conf, ovs, 1, stderr);
		ht2 = cf2 != NULL ? http_start(cf2) : NULL;
		ok(cf2 != NULL && ht2 == NULL,
		    "http_start on a port in use fails (NULL)");
		http_stop(ht2);
		config_free(cf2);
	}
	free(ov);

	request(&r, "GET", port, "/metrics", NULL);
	is_int(503, r.status, "before http_publish: GET /metrics is 503");
	resp_free(&r);
	request(&r, "GET", port, "/-/ready", NULL);
	is_int(503, r.status, "before http_publish: /-/ready is 503");
	resp_free(&r);
	request(&r, "GET", port, "/-/healthy", NULL);
	is_int(200, r.status, "before http_publish: /-/healthy is 200");
	resp_free(&r);

	publish(ht, text1, om1, 1);

	request(&r, "GET", port, "/metrics", NULL);
	is_int(200, r.status, "GET /metrics without Accept: 200");
	is_str(text1, r.body.b_data, "  the text exposition, exactly");
	is_str(EXPO_CONTENT_TYPE, header(&r, "Content-Type"),
	    "  Content-Type is text 0.0.4");
	is_str("Accept, Accept-Encoding", header(&r, "Vary"),
	    "  Vary: Accept, Accept-Encoding");
	ok(header(&r, "Content-Encoding") == NULL, "  not encoded");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", prom);
	is_int(200, r.status, "GET /metrics with Prometheus' Accept: 200");
	is_str(om1, r.body.b_data, "  the OpenMetrics exposition, exactly");
	is_str(EXPO_OM_CONTENT_TYPE, header(&r, "Content-Type"),
	    "  Content-Type is OpenMetrics 1.0.0");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", gz);
	is_int(200, r.status, "GET /metrics with Accept-Encoding: gzip: 200");
	is_str("gzip", header(&r, "Content-Encoding"), "  Content-Encoding: gzip");
	ok(r.body.b_len >= 2 && (unsigned char)r.body.b_data[0] == 0x1f &&
	    (unsigned char)r.body.b_data[1] == 0x8b, "  the body is gzip");
	plain = inflate_all(r.body.b_data, r.body.b_len, &plen);
	is_str(text1, plain, "  and inflates to the text exposition");
	free(plain);
	is_str(EXPO_CONTENT_TYPE, header(&r, "Content-Type"),
	    "  Content-Type is still text 0.0.4");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", omgz);
	plain = inflate_all(r.body.b_data, r.body.b_len, &plen);
	ok(r.status == 200 && header(&r, "Content-Encoding") != NULL &&
	    plain != NULL && strcmp(plain, om1) == 0 &&
	    strcmp(header(&r, "Content-Type"), EXPO_OM_CONTENT_TYPE) == 0,
	    "OpenMetrics and gzip together inflate to the OpenMetrics text");
	free(plain);
	resp_free(&r);

	request(&r, "GET", port, "/metrics", nogz);
	ok(r.status == 200 && header(&r, "Content-Encoding") == NULL &&
	    strcmp(r.body.b_data, text1) == 0,
	    "Accept-Encoding: gzip;q=0, identity: plain");
	resp_free(&r);

	request(&r, "HEAD", port, "/metrics", NULL);
	is_int(200, r.status, "HEAD /metrics: 200");
	is_int(0, r.body.b_len, "  no body");
	is_str(EXPO_CONTENT_TYPE, header(&r, "Content-Type"),
	    "  with the Content-Type of a GET");
	resp_free(&r);

	request(&r, "POST", port, "/metrics", NULL);
	is_int(405, r.status, "POST /metrics: 405");
	is_str("GET, HEAD", header(&r, "Allow"), "  Allow: GET, HEAD");
	resp_free(&r);
	request(&r, "DELETE", port, "/metrics", NULL);
	ok(r.status == 405 && header(&r, "Allow") != NULL,
	    "DELETE /metrics: 405 with Allow");
	resp_free(&r);

	request(&r, "GET", port, "/nope", NULL);
	is_int(404, r.status, "GET /nope: 404");
	resp_free(&r);
	request(&r, "GET", port, "/metrics/", NULL);
	is_int(404, r.status, "GET /metrics/: 404");
	resp_free(&r);
	request(&r, "GET", port, "/-/ready", NULL);
	is_int(200, r.status, "/-/ready: 200 after a ready publish");
	resp_free(&r);
	request(&r, "GET", port, "/", NULL);
	ok(r.status == 503 && strstr(r.body.b_data, "no store yet") != NULL &&
	    strstr(r.body.b_data, "href=\"/metrics\"") != NULL &&
	    strncmp(header(&r, "Content-Type"), "text/html", 9) == 0 &&
	    strncmp(header(&r, "Content-Security-Policy"), "default-src "
	    "'none'", 18) == 0,
	    "GET /: the status page, 503 without a store, links /metrics");
	resp_free(&r);

	/* A second publish replaces the first (which is freed). */
	publish(ht, text2, om2, 1);
	request(&r, "GET", port, "/metrics", NULL);
	is_str(text2, r.body.b_data, "after a second publish GET sees the new text");
	resp_free(&r);
	request(&r, "GET", port, "/metrics", prom);
	is_str(om2, r.body.b_data, "  and the new OpenMetrics text");
	resp_free(&r);
	request(&r, "GET", port, "/metrics", gz);
	plain = inflate_all(r.body.b_data, r.body.b_len, &plen);
	is_str(text2, plain, "  and the new gzip copy");
	free(plain);
	resp_free(&r);

	/* ready=0: /metrics serves, /-/ready does not. */
	publish(ht, text1, om1, 0);
	request(&r, "GET", port, "/metrics", NULL);
	ok(r.status == 200 && strcmp(r.body.b_data, text1) == 0,
	    "published with ready=0: /metrics serves it");
	resp_free(&r);
	request(&r, "GET", port, "/-/ready", NULL);
	is_int(503, r.status, "  and /-/ready is 503");
	resp_free(&r);

	/* Keep-alive: two requests on one handle share a connection. */
	if ((h = curl_easy_init()) == NULL)
		abort();
	request_on(h, &r, "GET", port, "/metrics", NULL);
	request_on(h, &r2, "GET", port, "/metrics", prom);
	is_int(1, r.nconnects, "keep-alive: the first request connects");
	ok(r2.rc == CURLE_OK && r2.status == 200 &&
	    strcmp(r2.body.b_data, om1) == 0,
	    "  the second request is answered");
	is_int(0, r2.nconnects, "  on the same connection (no new connect)");
	resp_free(&r);
	resp_free(&r2);
	request_on(h, &r, "HEAD", port, "/metrics", NULL);
	request_on(h, &r2, "GET", port, "/-/healthy", NULL);
	ok(r.status == 200 && r2.status == 200 && r2.nconnects == 0,
	    "  a HEAD then a GET on it too");
	resp_free(&r);
	resp_free(&r2);
	curl_easy_cleanup(h);

	test_publish_midway(ht, port);

	http_stop(ht);
	config_free(cf);
	request(&r, "GET", port, "/-/healthy", NULL);
	ok(r.rc != CURLE_OK, "after http_stop nothing answers");
	resp_free(&r);
}

static void
test_bearer(const char *conf)
{
	static const char *const good[] = { "Authorization: Bearer tok", NULL };
	static const char *const lower[] = { "Authorization: bearer tok", NULL };
	static const char *const bad[] = { "Authorization: Bearer tok2", NULL };
	static const char *const basic[] = {
	    "Authorization: Basic dXNlcjp0b2s=", NULL };
	struct config	*cf;
	struct http	*ht;
	struct resp	 r;
	unsigned int	 port;
	const char	*wa;

	cf = load_config(conf, "http.bearer_token_sha256=[" TOK_SHA256 "]");
	ok(cf != NULL && cf->cf_nbearer == 1,
	    "config with http.bearer_token_sha256=[sha256 of tok]");
	if (cf == NULL) {
		printf("Bail out! no configuration\n");
		exit(1);
	}
	ht = http_start(cf);
	ok(ht != NULL, "http_start with a bearer token");
	if (ht == NULL) {
		printf("Bail out! no server\n");
		exit(1);
	}
	port = http_port(ht);
	publish(ht, text1, om1, 1);

	request(&r, "GET", port, "/metrics", NULL);
	is_int(401, r.status, "no Authorization: 401");
	wa = header(&r, "WWW-Authenticate");
	ok(wa != NULL && strncmp(wa, "Bearer", 6) == 0,
	    "  WWW-Authenticate: Bearer (%s)", wa != NULL ? wa : "none");
	ok(strstr(r.body.b_data, "app_up") == NULL, "  no metrics in the body");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", good);
	is_int(200, r.status, "the right token: 200");
	is_str(text1, r.body.b_data, "  the exposition");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", lower);
	is_int(200, r.status, "the scheme is case-insensitive: 200");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", bad);
	is_int(401, r.status, "a wrong token: 401");
	resp_free(&r);

	request(&r, "GET", port, "/metrics", basic);
	is_int(401, r.status, "basic credentials when only bearer is set: 401");
	resp_free(&r);

	request(&r, "GET", port, "/-/ready", NULL);
	is_int(401, r.status, "/-/ready needs the token");
	resp_free(&r);

	request(&r, "GET", port, "/-/healthy", NULL);
	is_int(200, r.status, "/-/healthy needs no token");
	resp_free(&r);

	http_stop(ht);
	config_free(cf);
	http_stop(NULL);
	ok(1, "http_stop(NULL) is a no-op");
}

/* A connection from src (127.0.0.x) whose reads give up after 5s; or -1. */
static int
raw_connect(const char *src, unsigned int port)
{
	struct sockaddr_in sin;
	struct timeval	 tv = { 5, 0 };
	int		 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, src, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static int
raw_send(int fd, const char *s)
{
	return send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s) ?
	    0 : -1;
}

/* Reads until the server closes fd: seconds since t0, or -1 after 5s. */
static double
raw_until_closed(int fd, double t0)
{
	char	buf[4096];
	ssize_t	r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	return r == 0 || errno == ECONNRESET ? now_mono() - t0 : -1;
}

static void
test_request_timeout(const char *conf)
{
	static const char partial[] = "GET /metrics HTTP/1.1\r\nHost: t\r\n";
	char		*ov[] = { (char *)"http.listen=127.0.0.1:0",
			    (char *)"http.request_timeout=1s",
			    (char *)"http.max_connections=16" };
	struct config	*cf;
	struct http	*ht;
	struct resp	 r;
	unsigned int	 port;
	char		 buf[4096];
	size_t		 len = 0;
	ssize_t		 n;
	double		 t0, dt;
	int		 fd, a[20], gone[20], b, i, closed;

	cf = config_load(conf, ov, nitems(ov), stderr);
	ok(cf != NULL && cf->cf_http_request_timeout_ms == 1000,
	    "config with http.request_timeout=1s, max_connections=16");
	if (cf == NULL || (ht = http_start(cf)) == NULL) {
		printf("Bail out! no server\n");
		exit(1);
	}
	port = http_port(ht);
	publish(ht, text1, om1, 1);

	/* The idle timeout is 15s: only request_timeout closes these. */
	fd = raw_connect("127.0.0.1", port);
	t0 = now_mono();
	ok(fd != -1 && raw_send(fd, partial) == 0, "half a request head sent");
	dt = raw_until_closed(fd, t0);
	ok(dt >= 0.9 && dt < 2.5,
	    "  the connection is closed after request_timeout (%.2fs)", dt);
	close(fd);

	fd = raw_connect("127.0.0.1", port);
	ok(fd != -1 && raw_send(fd, "HEAD /-/healthy HTTP/1.1\r\n"
	    "Host: t\r\n\r\n") == 0, "a whole request on a kept-alive connection");
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len,
	    sizeof(buf) - 1 - len)) > 0) {
		len += n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	buf[len] = '\0';
	ok(strncmp(buf, "HTTP/1.1 200", 12) == 0, "  is answered (%.12s)", buf);
	t0 = now_mono();
	dt = raw_until_closed(fd, t0);
	ok(dt >= 0.9 && dt < 2.5,
	    "  the wait for the next request is bounded too (%.2fs)", dt);
	close(fd);
	http_stop(ht);
	config_free(cf);

	/* Eviction: 16 slots, of which 15 are kept for waiting connections. */
	ov[1] = (char *)"http.request_timeout=1h";
	cf = config_load(conf, ov, nitems(ov), stderr);
	if (cf == NULL || (ht = http_start(cf)) == NULL) {
		printf("Bail out! no server\n");
		exit(1);
	}
	port = http_port(ht);
	publish(ht, text1, om1, 1);
	for (i = 0; i < 20; i++)
		if ((a[i] = raw_connect("127.0.0.2", port)) != -1)
			raw_send(a[i], partial);
	b = raw_connect("127.0.0.3", port);
	ok(b != -1 && raw_send(b, partial) == 0,
	    "20 waiting connections from 127.0.0.2, then 1 from 127.0.0.3");
	t0 = now_mono();
	request(&r, "GET", port, "/metrics", NULL);
	dt = now_mono() - t0;
	ok(r.status == 200 && dt < 1,
	    "  a new client is answered at once (%.3fs)", dt);
	resp_free(&r);
	/* 22 opened, 15 kept: 7 of 127.0.0.2's, as the accepts come in. */
	memset(gone, 0, sizeof(gone));
	closed = 0;
	for (t0 = now_mono(); closed < 7 && now_mono() - t0 < 3;
	    usleep(10000)) {
		for (i = 0; i < 20; i++) {
			if (a[i] == -1 || gone[i])
				continue;
			n = recv(a[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n == -1 && errno == ECONNRESET)) {
				gone[i] = 1;
				closed++;
			}
		}
	}
	is_int(7, closed, "  the oldest of 127.0.0.2's made room");
	ok(gone[0] && gone[1] && !gone[19], "  oldest first");
	for (i = 0; i < 20; i++)
		if (a[i] != -1)
			close(a[i]);
	n = recv(b, buf, sizeof(buf), MSG_DONTWAIT);
	ok(n == -1 && errno == EAGAIN,
	    "  127.0.0.3's one connection is still open");
	close(b);
	http_stop(ht);
	config_free(cf);
}

int
main(void)
{
	static const char conf_fmt[] =
	    "store:\n"
	    "  path: %s/st.db\n"
	    "discovery:\n"
	    "  path: %s/disc.db\n"
	    "  nodes: SELECT node_id, url FROM nodes\n"
	    "queries:\n"
	    "  dir: %s\n"
	    "probes:\n"
	    "  - name: health\n"
	    "    path: /health_check\n"
	    "    values:\n"
	    "      - column: healthy\n"
	    "        pointer: /data/healthy\n"
	    "        type: boolean\n";
	char	*text, *conf, *qd;

	plan(110);
	log_init("t-http", getenv("HTTP_DEBUG") != NULL);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-http") == -1)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		printf("Bail out! curl_global_init\n");
		return 1;
	}

	test_negotiate();
	test_accepts_gzip();
	test_secure_equal();

	qd = queries_dir();
	xasprintf(&text, conf_fmt, tmpdir, tmpdir, qd);
	conf = write_file("v.yaml", text);
	free(text);
	free(qd);
	test_server(conf);
	test_bearer(conf);
	test_request_timeout(conf);

	unlink(conf);
	free(conf);
	rmdir(tmpdir);
	curl_global_cleanup();
	return done_testing();
}
