/*
 * slowloris.c -- test helper: connections that send a request head a byte
 * at a time and never finish it
 *
 *	slowloris [-1] [-n count] [-i interval] [-d duration] [-s file]
 *	    port source-address ...
 *
 * Opens count connections (default 100) to 127.0.0.1:port, each bound to
 * one of the source addresses in turn (127.0.0.2 and up work on Linux
 * loopback), and sends one byte of an endless request head on each every
 * interval milliseconds (default 1000).  A connection the server closes is
 * opened again at once, as an attacker would, unless -1 is given.  Stops
 * after duration milliseconds (default 10000), or with -1 once every
 * connection was closed, and prints one line:
 *
 *	opened=N closed=N failed=N open=N life_min_ms=N life_max_ms=N
 *	    oldest_open_ms=N
 *
 * (closed: by the server; life: from connect to the server's close, of
 * closed connections; -1 if none).  With -s, the same line is written to
 * file, replaced atomically, every 100 ms while running.
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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char head[] = "GET /metrics HTTP/1.1\r\nHost: vantage\r\nX-Slow: ";

struct slow {
	int	 sl_fd;		/* -1: not open */
	int	 sl_connected;
	size_t	 sl_sent;
	double	 sl_since;	/* connected at */
	double	 sl_due;	/* next byte, or next attempt if not open */
	int	 sl_done;	/* -1 mode: closed, not reopened */
	struct sockaddr_in sl_src;
};

static struct {
	unsigned long	opened, closed, failed;
	double		life_min, life_max;
} st = { 0, 0, 0, -1, -1 };

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: slowloris [-1] [-n count] [-i interval] "
	    "[-d duration] [-s file] port source-address ...\n");
	exit(2);
}

static void
slow_open(struct slow *sl, const struct sockaddr_in *dst, double t)
{
	sl->sl_connected = 0;
	sl->sl_sent = 0;
	sl->sl_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (sl->sl_fd == -1)
		goto fail;
	if (bind(sl->sl_fd, (const struct sockaddr *)&sl->sl_src,
	    sizeof(sl->sl_src)) == -1)
		goto fail;
	if (connect(sl->sl_fd, (const struct sockaddr *)dst,
	    sizeof(*dst)) == -1 && errno != EINPROGRESS)
		goto fail;
	sl->sl_due = t;
	return;
fail:
	st.failed++;
	if (sl->sl_fd != -1)
		close(sl->sl_fd);
	sl->sl_fd = -1;
	sl->sl_due = t + 0.05;	/* retry soon, not in a busy loop */
}

static void
slow_closed(struct slow *sl, double t, int once, int by_server)
{
	close(sl->sl_fd);
	sl->sl_fd = -1;
	if (by_server) {
		double	life = t - sl->sl_since;

		st.closed++;
		if (st.life_min < 0 || life < st.life_min)
			st.life_min = life;
		if (life > st.life_max)
			st.life_max = life;
	} else
		st.failed++;
	sl->sl_due = t + (by_server ? 0 : 0.05);
	if (once)
		sl->sl_done = 1;
}

/* Sends the next byte; 0, or -1 if the connection is gone. */
static int
slow_drip(struct slow *sl)
{
	char	c = sl->sl_sent < sizeof(head) - 1 ? head[sl->sl_sent] : 'a';

	if (send(sl->sl_fd, &c, 1, MSG_NOSIGNAL) == 1) {
		sl->sl_sent++;
		return 0;
	}
	return errno == EAGAIN ? 0 : -1;
}

static void
status_line(char *buf, size_t size, const struct slow *sl, int n, double t)
{
	double	oldest = -1;
	int	i, open = 0;

	for (i = 0; i < n; i++) {
		if (sl[i].sl_fd == -1 || !sl[i].sl_connected)
			continue;
		open++;
		if (t - sl[i].sl_since > oldest)
			oldest = t - sl[i].sl_since;
	}
	snprintf(buf, size, "opened=%lu closed=%lu failed=%lu open=%d "
	    "life_min_ms=%ld life_max_ms=%ld oldest_open_ms=%ld\n",
	    st.opened, st.closed, st.failed, open,
	    st.life_min < 0 ? -1L : (long)(st.life_min * 1000),
	    st.life_max < 0 ? -1L : (long)(st.life_max * 1000),
	    oldest < 0 ? -1L : (long)(oldest * 1000));
}

static void
status_write(const char *path, const char *line)
{
	char	 tmp[4096];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fputs(line, f);
	if (fclose(f) == 0)
		rename(tmp, path);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in dst;
	struct slow	*sl;
	struct pollfd	*pfd;
	const char	*status = NULL;
	char		 line[256], buf[512];
	double		 interval = 1.0, duration = 10.0, t, end, next_status;
	double		 wait;
	int		 n = 100, once = 0, ch, i, nsrc, np, live, err;
	int		*idx;
	socklen_t	 errlen;
	ssize_t		 r;

	while ((ch = getopt(argc, argv, "1n:i:d:s:")) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'i':
			interval = atoi(optarg) / 1000.0;
			break;
		case 'd':
			duration = atoi(optarg) / 1000.0;
			break;
		case 's':
			status = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || n < 1 || n > 10000 || interval <= 0 || duration <= 0)
		usage();
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons(atoi(argv[0]));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	nsrc = argc - 1;

	sl = calloc(n, sizeof(*sl));
	pfd = calloc(n, sizeof(*pfd));
	idx = calloc(n, sizeof(*idx));
	if (sl == NULL || pfd == NULL || idx == NULL) {
		perror("slowloris");
		return 1;
	}
	t = now();
	end = t + duration;
	next_status = t;
	for (i = 0; i < n; i++) {
		sl[i].sl_src.sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[1 + i % nsrc],
		    &sl[i].sl_src.sin_addr) != 1) {
			fprintf(stderr, "slowloris: bad address %s\n",
			    argv[1 + i % nsrc]);
			exit(2);
		}
		slow_open(&sl[i], &dst, t);
	}

	for (;;) {
		t = now();
		if (status != NULL && t >= next_status) {
			status_line(line, sizeof(line), sl, n, t);
			status_write(status, line);
			next_status = t + 0.1;
		}
		if (t >= end)
			break;
		/* Reopen, drip; gather what to wait for and how long. */
		wait = end - t;
		if (status != NULL && next_status - t < wait)
			wait = next_status - t;
		np = 0;
		live = 0;
		for (i = 0; i < n; i++) {
			if (sl[i].sl_done)
				continue;
			live++;
			if (sl[i].sl_fd == -1 && t >= sl[i].sl_due)
				slow_open(&sl[i], &dst, t);
			if (sl[i].sl_fd != -1 && sl[i].sl_connected &&
			    t >= sl[i].sl_due) {
				if (slow_drip(&sl[i]) == -1) {
					slow_closed(&sl[i], t, once, 1);
					continue;
				}
				sl[i].sl_due = t + interval;
			}
			/* (A connect under way is waited for by poll.) */
			if ((sl[i].sl_fd == -1 || sl[i].sl_connected) &&
			    sl[i].sl_due - t < wait)
				wait = sl[i].sl_due - t;
			if (sl[i].sl_fd == -1)
				continue;
			pfd[np].fd = sl[i].sl_fd;
			pfd[np].events = sl[i].sl_connected ? POLLIN : POLLOUT;
			pfd[np].revents = 0;
			idx[np++] = i;
		}
		if (live == 0)
			break;
		if (wait < 0)
			wait = 0;
		if (poll(pfd, np, (int)(wait * 1000) + 1) == -1 &&
		    errno != EINTR) {
			perror("slowloris: poll");
			return 1;
		}
		t = now();
		for (i = 0; i < np; i++) {
			struct slow *s = &sl[idx[i]];

			if (pfd[i].revents == 0)
				continue;
			if (!s->sl_connected) {
				err = 0;
				errlen = sizeof(err);
				getsockopt(s->sl_fd, SOL_SOCKET, SO_ERROR, &err,
				    &errlen);
				if (err != 0) {
					slow_closed(s, t, 0, 0);
					continue;
				}
				s->sl_connected = 1;
				s->sl_since = t;
				s->sl_due = t;
				st.opened++;
				continue;
			}
			/* Readable: an answer (read and ignored) or the end. */
			r = read(s->sl_fd, buf, sizeof(buf));
			if (r == 0 || (r == -1 && errno != EAGAIN &&
			    errno != EINTR))
				slow_closed(s, t, once, 1);
		}
	}
	status_line(line, sizeof(line), sl, n, now());
	if (status != NULL)
		status_write(status, line);
	fputs(line, stdout);
	for (i = 0; i < n; i++)
		if (sl[i].sl_fd != -1)
			close(sl[i].sl_fd);
	free(sl);
	free(pfd);
	free(idx);
	return 0;
}
