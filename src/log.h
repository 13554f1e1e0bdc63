/* log.h -- the one place vantage writes diagnostics */

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

#ifndef VANTAGE_LOG_H
#define VANTAGE_LOG_H

#include <stdarg.h>

/* 0: warnings and info, 1: -v debug, 2: -vv more debug */
extern int log_verbose;

void	log_init(const char *progname, int verbose);
/*
 * fn runs before each message is written to stderr (progress.c clears its
 * line there); NULL: nothing.
 */
void	log_set_hook(void (*fn)(void));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_vwarnx(const char *, va_list) __attribute__((format(printf, 1, 0)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate limit for repeated failures of one subject (collectd c_complain):
 * the first failure is logged, repeats are logged at most once per interval
 * (doubling up to an hour), and the recovery is logged once.
 */
struct complain {
	double	cp_last;	/* when we last logged, 0 = not failing */
	double	cp_interval;	/* seconds until the next log allowed */
	unsigned long cp_suppressed;
};

void	complain(struct complain *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	complain_release(struct complain *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
