/* log.c -- diagnostics to stderr */

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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

int log_verbose;
static const char *log_prog = "vantage";
static void (*log_hook)(void);

void
log_init(const char *progname, int verbose)
{
	log_prog = progname;
	log_verbose = verbose;
}

void
log_set_hook(void (*fn)(void))
{
	log_hook = fn;
}

/*
 * A message made of fmt and ap, its control bytes (but tabs) written
 * \xNN: values of nodes and of a profile's data go into messages, and
 * a newline or an escape sequence in one must not forge a line of the
 * log or drive a terminal.
 */
static void	log_format(char *, size_t, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_format(char *msg, size_t size, const char *fmt, va_list ap)
{
	char	raw[4096];
	size_t	i, o = 0;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	for (i = 0; raw[i] != '\0' && o + 5 < size; i++) {
		if (((unsigned char)raw[i] < 0x20 && raw[i] != '\t') ||
		    raw[i] == 0x7f)
			o += (size_t)snprintf(msg + o, size - o, "\\x%02x",
			    (unsigned char)raw[i]);
		else
			msg[o++] = raw[i];
	}
	msg[o] = '\0';
}

static void	vlog(const char *, const char *, va_list, const char *)
		    __attribute__((format(printf, 2, 0)));

static void
vlog(const char *level, const char *fmt, va_list ap, const char *suffix)
{
	char	msg[4096];

	log_format(msg, sizeof(msg), fmt, ap);
	if (log_hook != NULL)
		log_hook();
	if (suffix != NULL)
		fprintf(stderr, "%s: %s%s: %s\n", log_prog, level, msg, suffix);
	else
		fprintf(stderr, "%s: %s%s\n", log_prog, level, msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog("", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_vwarnx(const char *fmt, va_list ap)
{
	vlog("", fmt, ap, NULL);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;
	char	msg[4096];

	va_start(ap, fmt);
	log_format(msg, sizeof(msg), fmt, ap);
	if (log_hook != NULL)
		log_hook();
	fprintf(stderr, "%s: %s\n", log_prog, msg);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void
complain(struct complain *c, const char *fmt, ...)
{
	va_list	ap;
	double	now = now_real();

	if (c->cp_last != 0 && now - c->cp_last < c->cp_interval) {
		c->cp_suppressed++;
		return;
	}
	if (c->cp_last == 0)
		c->cp_interval = 60;
	else if (c->cp_interval < 3600)
		c->cp_interval *= 2;
	c->cp_last = now;
	va_start(ap, fmt);
	vlog("", fmt, ap, NULL);
	va_end(ap);
	if (c->cp_suppressed > 0) {
		fprintf(stderr, "%s: (%lu similar messages suppressed)\n",
		    log_prog, c->cp_suppressed);
		c->cp_suppressed = 0;
	}
}

void
complain_release(struct complain *c, const char *fmt, ...)
{
	va_list	ap;

	if (c->cp_last == 0)
		return;
	c->cp_last = 0;
	c->cp_suppressed = 0;
	va_start(ap, fmt);
	vlog("", fmt, ap, NULL);
	va_end(ap);
}
