/* tap.h -- a tiny TAP producer for unit tests (collectd testing.h shape) */

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

#ifndef VANTAGE_TAP_H
#define VANTAGE_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define plan(n)		printf("1..%d\n", (n))
#define ok(cond, ...) do {						\
	int tap_c_ = (cond) ? 1 : 0;					\
	printf("%sok %d - ", tap_c_ ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!tap_c_) {							\
		tap_failed++;						\
		printf("#   failed at %s:%d\n", __FILE__, __LINE__);	\
	}								\
	fflush(stdout);							\
} while (0)
#define is_int(exp, got, ...) do {					\
	long long tap_e_ = (exp), tap_g_ = (got);			\
	ok(tap_e_ == tap_g_, __VA_ARGS__);				\
	if (tap_e_ != tap_g_)						\
		printf("#   expected %lld, got %lld\n", tap_e_, tap_g_);	\
} while (0)
#define is_str(exp, got, ...) do {					\
	const char *tap_e_ = (exp), *tap_g_ = (got);			\
	int tap_same_ = (tap_e_ == NULL && tap_g_ == NULL) ||		\
	    (tap_e_ != NULL && tap_g_ != NULL && strcmp(tap_e_, tap_g_) == 0); \
	ok(tap_same_, __VA_ARGS__);					\
	if (!tap_same_)							\
		printf("#   expected \"%s\"\n#        got \"%s\"\n",	\
		    tap_e_ ? tap_e_ : "(null)", tap_g_ ? tap_g_ : "(null)"); \
} while (0)
#define done_testing()	(tap_failed == 0 ? 0 : 1)

/*
 * Make a fresh directory /tmp/NAME.<random> in dir (size bytes) with
 * mkdtemp(3); 0, or -1 after printing why.  Tests remove it themselves.
 */
static inline int
tap_tmpdir(char *dir, size_t size, const char *name)
{
	int	n = snprintf(dir, size, "/tmp/%s.", name);

	if (n < 0 || (size_t)n + 7 > size) {
		fprintf(stderr, "tap_tmpdir: name too long\n");
		return -1;
	}
	memset(dir + n, 'X', 6);	/* mkdtemp's template suffix */
	dir[n + 6] = '\0';
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

#endif
