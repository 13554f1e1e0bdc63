/* cidr.c -- address ranges (CIDR) and the deny lists made of them */

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

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "log.h"
#include "xmalloc.h"

const char *
cidr_parse(const char *s, struct cidr *c)
{
	char		 addr[INET6_ADDRSTRLEN + 1], *end;
	const char	*slash;
	size_t		 len, i;
	long		 bits;
	unsigned	 mask;
	int		 max, keep;

	memset(c, 0, sizeof(*c));
	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(addr))
		return "not an IPv4 or IPv6 address range (e.g. 10.0.0.0/8)";
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, c->ci_addr) == 1) {
		c->ci_family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c->ci_addr) == 1) {
		c->ci_family = AF_INET6;
		max = 128;
	} else
		return "not an IPv4 or IPv6 address range (e.g. 10.0.0.0/8)";
	c->ci_bits = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return "the prefix length after / must be a number";
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0')
			return "the prefix length after / must be a number";
		if (bits > max)
			return max == 32 ? "prefix length above 32" :
			    "prefix length above 128";
		c->ci_bits = (int)bits;
	}
	for (i = 0; i < (size_t)max / 8; i++) {
		keep = c->ci_bits - (int)i * 8;
		mask = keep >= 8 ? 0xff : keep <= 0 ? 0 :
		    (0xff << (8 - keep)) & 0xff;
		if (c->ci_addr[i] & ~mask)
			return "the address has bits set beyond the prefix "
			    "length";
	}
	return NULL;
}

/* 1 if the first bits of a and b agree. */
static int
prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
	int	 full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
denylist_init(struct denylist *dl, const char *what, char *const *ranges,
    size_t n)
{
	const char	*why;
	size_t		 i;

	memset(dl, 0, sizeof(*dl));
	if (n == 0)
		return 0;
	dl->dl_ranges = xcalloc(n, sizeof(*dl->dl_ranges));
	dl->dl_text = xcalloc(n, sizeof(*dl->dl_text));
	for (i = 0; i < n; i++) {
		if ((why = cidr_parse(ranges[i], &dl->dl_ranges[i])) != NULL) {
			log_warnx("%s: '%s': %s", what, ranges[i], why);
			denylist_release(dl);
			return -1;
		}
		dl->dl_text[i] = xstrdup(ranges[i]);
		dl->dl_len++;
	}
	return 0;
}

void
denylist_release(struct denylist *dl)
{
	size_t	 i;

	for (i = 0; i < dl->dl_len; i++)
		free(dl->dl_text[i]);
	free(dl->dl_text);
	free(dl->dl_ranges);
	memset(dl, 0, sizeof(*dl));
}

int
denylist_check(const struct denylist *dl, const char *what,
    const struct sockaddr *sa, char *why, size_t whysz)
{
	static const unsigned char v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	const struct cidr *c;
	const unsigned char *a4 = NULL, *a6 = NULL;
	char		 text[INET6_ADDRSTRLEN];
	size_t		 i;

	if (sa->sa_family == AF_INET)
		a4 = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6) {
		a6 = (const unsigned char *)
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (memcmp(a6, v4mapped, sizeof(v4mapped)) == 0)
			a4 = a6 + 12;
	} else
		return 0;
	for (i = 0; i < dl->dl_len; i++) {
		c = &dl->dl_ranges[i];
		if ((c->ci_family == AF_INET && a4 != NULL &&
		    prefix_eq(c->ci_addr, a4, c->ci_bits)) ||
		    (c->ci_family == AF_INET6 && a6 != NULL &&
		    prefix_eq(c->ci_addr, a6, c->ci_bits))) {
			if (inet_ntop(sa->sa_family, a6 != NULL ?
			    (const void *)a6 : (const void *)a4, text,
			    sizeof(text)) == NULL)
				strcpy(text, "?");
			snprintf(why, whysz, "%s: %s (%s)", what, text,
			    dl->dl_text[i]);
			return 1;
		}
	}
	return 0;
}
