/*
 * promtext-serve.c -- many nodes' /metrics on one loopback port, for
 * bench/promtext.sh
 *
 *	promtext-serve -l 127.0.0.1:PORT [-n NODES] [-s SERIES] [-t SECONDS]
 *
 * GET /n/I/metrics answers node I's exposition (0 <= I < NODES, default
 * 1000): a text 0.0.4 body of SERIES series (default 2000) from
 * promtext-body.c, different values for each node, gzipped when the
 * request accepts gzip, as client_golang does.  The bodies are made and
 * compressed once at start, so serving costs little CPU beside the
 * scrapers being measured.  It prints "listening" once it is, exits after
 * SECONDS (default 3600) or on SIGTERM/SIGINT, and then prints how many
 * answers it sent.
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
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <microhttpd.h>
#include <zlib.h>

#include "buf.h"
#include "promtext-body.h"
#include "xmalloc.h"

#define TEXT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct node_body {
	struct MHD_Response	*nb_plain;
	struct MHD_Response	*nb_gzip;
};

static struct node_body	*bodies;
static unsigned		 nnodes = 1000;
static atomic_ulong	 nplain, ngzip, nmissing;
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = 1;
}

/* len bytes of data gzipped, as a new buffer of *outlen bytes. */
static char *
gzip_of(const char *data, size_t len, size_t *outlen)
{
	z_stream	 z;
	char		*out;
	size_t		 cap = len + len / 100 + 64;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		fprintf(stderr, "promtext-serve: deflateInit2 failed\n");
		exit(1);
	}
	out = xmalloc(cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		fprintf(stderr, "promtext-serve: deflate failed\n");
		exit(1);
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

static struct MHD_Response *
response(char *data, size_t len, int gzipped)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		fprintf(stderr, "promtext-serve: out of memory\n");
		exit(1);
	}
	MHD_add_response_header(r, "Content-Type", TEXT_TYPE);
	if (gzipped)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	return r;
}

/* Every node's body, plain and gzipped; prints their sizes. */
static void
bodies_make(size_t nseries)
{
	struct buf	 b;
	char		*z;
	size_t		 zlen, plain = 0, packed = 0;
	unsigned	 i;

	bodies = xcalloc(nnodes, sizeof(*bodies));
	for (i = 0; i < nnodes; i++) {
		buf_init(&b, 0);
		promtext_body(&b, nseries, 0, i);
		z = gzip_of(b.b_data, b.b_len, &zlen);
		plain += b.b_len;
		packed += zlen;
		bodies[i].nb_gzip = response(z, zlen, 1);
		zlen = b.b_len;
		bodies[i].nb_plain = response(buf_take(&b, NULL), zlen, 0);
	}
	printf("%u nodes, %zu series each; a body is %zu bytes, %zu gzipped "
	    "(mean)\n", nnodes, nseries, plain / nnodes, packed / nnodes);
}

static int
accepts_gzip(struct MHD_Connection *c)
{
	const char	*ae;

	ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	return ae != NULL && strstr(ae, "gzip") != NULL;
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **ptr)
{
	static int		 first;
	static const char	 notfound[] = "not found\n";
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	unsigned long		 i;
	char			*end;

	if (*ptr == NULL) {		/* headers only, so far */
		*ptr = &first;
		return MHD_YES;
	}
	if (strncmp(url, "/n/", 3) == 0 && url[3] >= '0' && url[3] <= '9') {
		errno = 0;
		i = strtoul(url + 3, &end, 10);
		if (errno == 0 && i < nnodes && strcmp(end, "/metrics") == 0) {
			if (accepts_gzip(c)) {
				ngzip++;
				return MHD_queue_response(c, MHD_HTTP_OK,
				    bodies[i].nb_gzip);
			}
			nplain++;
			return MHD_queue_response(c, MHD_HTTP_OK,
			    bodies[i].nb_plain);
		}
	}
	nmissing++;
	r = MHD_create_response_from_buffer(sizeof(notfound) - 1,
	    (void *)notfound, MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
	MHD_destroy_response(r);
	return ret;
}

static void
usage(void)
{
	fprintf(stderr, "usage: promtext-serve -l 127.0.0.1:port [-n nodes] "
	    "[-s series] [-t seconds]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sin;
	struct sigaction sa;
	struct rlimit	 rl;
	const char	*listen = NULL;
	char		*host, *colon;
	size_t		 nseries = 2000;
	unsigned	 i;
	long		 secs = 3600;
	int		 ch;

	while ((ch = getopt(argc, argv, "l:n:s:t:")) != -1) {
		switch (ch) {
		case 'l':
			listen = optarg;
			break;
		case 'n':
			nnodes = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			nseries = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (listen == NULL || nnodes == 0 || nnodes > 1000000 ||
	    nseries == 0 || nseries > 1000000 || secs <= 0)
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

	/* A scraper keeps a connection open to each of the nodes. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	bodies_make(nseries);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, serve, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(4 * nnodes + 64),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "promtext-serve: cannot listen on %s\n",
		    listen);
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (!stop && secs-- > 0)
		sleep(1);
	MHD_stop_daemon(d);
	printf("served %lu plain, %lu gzipped, %lu not found\n",
	    (unsigned long)nplain, (unsigned long)ngzip,
	    (unsigned long)nmissing);
	for (i = 0; i < nnodes; i++) {
		MHD_destroy_response(bodies[i].nb_plain);
		MHD_destroy_response(bodies[i].nb_gzip);
	}
	free(bodies);
	free(host);
	return 0;
}
