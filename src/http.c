/* http.c -- the metrics server (libmicrohttpd); serves immutable snapshots */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "expo.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_THREADS		2
#define HTTP_CONN_LIMIT		512
#define HTTP_PER_IP_LIMIT	64
#define HTTP_CONN_TIMEOUT	15	/* seconds */
#define HTTP_MEMORY_LIMIT	(32 * 1024)

/* One rendered exposition; freed when the last response using it is. */
struct snapshot {
	char		*sn_text;
	size_t		 sn_len;
	int		 sn_ready;
	int		 sn_refs;	/* under ht_lock */
};

struct http {
	struct MHD_Daemon *ht_daemon;
	pthread_mutex_t	 ht_lock;
	struct snapshot	*ht_snap;
	unsigned int	 ht_port;
};

static const char index_page[] =
    "vantage " PACKAGE_VERSION "\n\n"
    "/metrics    Prometheus exposition of the latest complete run\n"
    "/-/healthy  200 while the process lives\n"
    "/-/ready    200 once a complete run exists\n";

static void
snapshot_unref(struct http *ht, struct snapshot *sn)
{
	int	last;

	pthread_mutex_lock(&ht->ht_lock);
	last = --sn->sn_refs == 0;
	pthread_mutex_unlock(&ht->ht_lock);
	if (last) {
		free(sn->sn_text);
		free(sn);
	}
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

static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
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

	pthread_mutex_lock(&ht->ht_lock);
	sn = ht->ht_snap;
	if (sn != NULL)
		sn->sn_refs++;
	pthread_mutex_unlock(&ht->ht_lock);
	if (sn == NULL)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no exposition yet: the first run has not finished\n");
	sr = xmalloc(sizeof(*sr));
	sr->sr_http = ht;
	sr->sr_snap = sn;
	r = MHD_create_response_from_buffer_with_free_callback_cls(sn->sn_len,
	    sn->sn_text, snapref_free, sr);
	if (r == NULL) {
		snapref_free(sr);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    EXPO_CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http	*ht = cls;
	int		 ready = 0;
	static int	 first_call_marker;

	/* Wait for the whole request (a body is ignored, never buffered). */
	if (*con_cls == NULL) {
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n");
	if (strcmp(url, "/metrics") == 0)
		return reply_metrics(ht, c);
	if (strcmp(url, "/-/healthy") == 0)
		return reply_text(c, MHD_HTTP_OK, "vantage is healthy\n");
	if (strcmp(url, "/-/ready") == 0) {
		pthread_mutex_lock(&ht->ht_lock);
		ready = ht->ht_snap != NULL && ht->ht_snap->sn_ready;
		pthread_mutex_unlock(&ht->ht_lock);
		return ready ? reply_text(c, MHD_HTTP_OK, "vantage is ready\n") :
		    reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "vantage is not ready: no complete run yet\n");
	}
	if (strcmp(url, "/") == 0)
		return reply_text(c, MHD_HTTP_OK, index_page);
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	msg[1024];
	size_t	len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	log_debug("http: %s", msg);
}

/* "host:port", "[v6addr]:port", ":port" (all IPv4 addresses). */
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

struct http *
http_start(const char *listen)
{
	struct http	*ht;
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	const union MHD_DaemonInfo *info;
	unsigned int	 flags = MHD_USE_INTERNAL_POLLING_THREAD |
			    MHD_USE_ERROR_LOG | MHD_USE_EPOLL;

	if (parse_listen(listen, &ss, &sslen) == -1)
		return NULL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	ht = xcalloc(1, sizeof(*ht));
	pthread_mutex_init(&ht->ht_lock, NULL);
	ht->ht_daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, ht,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)HTTP_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
	if (ht->ht_daemon == NULL) {
		log_warnx("http: cannot listen on %s (address in use, or not "
		    "an address of this host)", listen);
		pthread_mutex_destroy(&ht->ht_lock);
		free(ht);
		return NULL;
	}
	info = MHD_get_daemon_info(ht->ht_daemon, MHD_DAEMON_INFO_BIND_PORT);
	ht->ht_port = info != NULL ? info->port : 0;
	log_info("http: listening on %s", listen);
	return ht;
}

void
http_stop(struct http *ht)
{
	if (ht == NULL)
		return;
	MHD_stop_daemon(ht->ht_daemon);
	if (ht->ht_snap != NULL)
		snapshot_unref(ht, ht->ht_snap);
	pthread_mutex_destroy(&ht->ht_lock);
	free(ht);
}

void
http_publish(struct http *ht, char *text, size_t len, int ready)
{
	struct snapshot	*sn, *old;

	sn = xmalloc(sizeof(*sn));
	sn->sn_text = text;
	sn->sn_len = len;
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
