/*
 * serve-files.c -- a test server: files from a directory, with the status
 * and content type each one is given, for the discovery source tests
 *
 *	serve-files -l 127.0.0.1:PORT -d DIR [-t SECONDS] [-r LOG]
 *	    [-H 'Name: value'] [-c CERT -k KEY]
 *
 * GET /a/b (or POST, whatever its body) answers the file DIR/a/b with the status in DIR/a/b.status
 * (default 200) and the content type in DIR/a/b.type (default
 * application/json; an empty .type file: no Content-Type at all); no such
 * file is 404.  With -H, a request without that header gets 403.  Every
 * request is logged to LOG as "GET /path?query [Name: value]", the query
 * as parsed (so a test can see ?passing, dc= and tag=); a POST's line
 * ends with " <body> (Content-Type)" (a JSON-RPC call).  -c and -k serve
 * HTTPS.  It prints "listening" once it is, and exits after SECONDS
 * (default 60).
 */

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

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <microhttpd.h>

#include "buf.h"
#include "util.h"
#include "xmalloc.h"

#define FILE_MAX	(64 * 1024 * 1024)

static const char	*dir;
static char		*req_name, *req_value;	/* -H */
static FILE		*reqlog;
static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;

static enum MHD_Result
add_arg(void *arg, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf	*b = arg;

	buf_printf(b, "%s%s%s%s", b->b_len == 0 ? "?" : "&", key,
	    value != NULL ? "=" : "", value != NULL ? value : "");
	return MHD_YES;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned int status, const char *type,
    char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result	 ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (type != NULL && *type != '\0')
		MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The first line of a side file, or NULL. */
static char *
side_file(const char *path, const char *ext)
{
	char	*p, *text;

	xasprintf(&p, "%s%s", path, ext);
	text = read_file(p, 4096, NULL);
	free(p);
	if (text != NULL)
		text[strcspn(text, "\r\n")] = '\0';
	return text;
}

/* MHD_OPTION_NOTIFY_COMPLETED: the request body serve kept. */
static void
done(void *cls, struct MHD_Connection *c, void **ptr,
    enum MHD_RequestTerminationCode toe)
{
	struct buf	*upload = *ptr;

	if (upload != NULL) {
		buf_release(upload);
		free(upload);
		*ptr = NULL;
	}
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **ptr)
{
	struct buf	 q, *posted;
	struct stat	 sb;
	const char	*hv, *ct;
	char		*path, *body, *st, *type;
	size_t		 len;
	unsigned int	 status = 200;

	if (*ptr == NULL) {		/* headers only, so far */
		posted = xcalloc(1, sizeof(*posted));
		buf_init(posted, 1024 * 1024);
		*ptr = posted;
		return MHD_YES;
	}
	posted = *ptr;
	if (*upload_len > 0) {		/* a piece of the body */
		buf_add(posted, upload, *upload_len);
		*upload_len = 0;
		return MHD_YES;
	}
	buf_init(&q, 0);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	hv = req_name != NULL ? MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, req_name) : NULL;
	pthread_mutex_lock(&log_lock);
	if (reqlog != NULL) {
		fprintf(reqlog, "%s %s%s", method, url, q.b_data ? q.b_data : "");
		if (req_name != NULL)
			fprintf(reqlog, " [%s: %s]", req_name, hv ? hv : "");
		if (strcmp(method, "POST") == 0) {
			ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "Content-Type");
			fprintf(reqlog, " %s (%s)", posted->b_data ?
			    posted->b_data : "", ct ? ct : "");
		}
		fprintf(reqlog, "\n");
		fflush(reqlog);
	}
	pthread_mutex_unlock(&log_lock);
	buf_release(&q);
	if (req_name != NULL && (hv == NULL || strcmp(hv, req_value) != 0))
		return answer(c, 403, "text/plain", xstrdup("ACL not found"), 13);
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		return answer(c, 405, "text/plain", xstrdup("GET or POST"), 11);
	if (*url != '/' || strstr(url, "/..") != NULL)
		return answer(c, 400, "text/plain", xstrdup("bad path"), 8);
	xasprintf(&path, "%s%s", dir, url);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (body = read_file(path, FILE_MAX, &len)) == NULL) {
		free(path);
		return answer(c, 404, "text/plain", xstrdup("not found"), 9);
	}
	if ((st = side_file(path, ".status")) != NULL) {
		status = (unsigned int)atoi(st);
		free(st);
	}
	type = side_file(path, ".type");
	free(path);
	if (answer(c, status, type != NULL ? type : "application/json", body,
	    len) != MHD_YES) {
		free(type);
		return MHD_NO;
	}
	free(type);
	return MHD_YES;
}

static void
usage(void)
{
	fprintf(stderr, "usage: serve-files -l host:port -d dir [-t seconds] "
	    "[-r log] [-H 'Name: value'] [-c cert -k key]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sin;
	const char	*listen = NULL, *cert = NULL, *key = NULL;
	char		*host, *colon, *certpem = NULL, *keypem = NULL;
	unsigned int	 flags;
	int		 ch, secs = 60;

	while ((ch = getopt(argc, argv, "c:d:H:k:l:r:t:")) != -1) {
		switch (ch) {
		case 'c':
			cert = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'H':
			req_name = xstrdup(optarg);
			if ((colon = strchr(req_name, ':')) == NULL)
				usage();
			*colon++ = '\0';
			req_value = colon + strspn(colon, " ");
			break;
		case 'k':
			key = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'r':
			if ((reqlog = fopen(optarg, "a")) == NULL) {
				perror(optarg);
				return 1;
			}
			break;
		case 't':
			secs = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (listen == NULL || dir == NULL || (cert == NULL) != (key == NULL))
		usage();
	host = xstrdup(listen);
	if ((colon = strrchr(host, ':')) == NULL)
		usage();
	*colon++ = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(colon));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		usage();
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_ERROR_LOG;
	if (cert != NULL) {
		if ((certpem = read_file(cert, 1 << 20, NULL)) == NULL ||
		    (keypem = read_file(key, 1 << 20, NULL)) == NULL) {
			perror(certpem == NULL ? cert : key);
			return 1;
		}
		flags |= MHD_USE_TLS;
		d = MHD_start_daemon(flags, 0, NULL, NULL, serve, NULL,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_HTTPS_MEM_CERT, certpem,
		    MHD_OPTION_HTTPS_MEM_KEY, keypem,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		    MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
		    MHD_OPTION_END);
	} else
		d = MHD_start_daemon(flags, 0, NULL, NULL, serve, NULL,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		    MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
		    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "serve-files: cannot listen on %s\n", listen);
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	sleep((unsigned int)secs);
	MHD_stop_daemon(d);
	free(certpem);
	free(keypem);
	free(host);
	free(req_name);
	if (reqlog != NULL)
		fclose(reqlog);
	return 0;
}
