/* cidr.h -- address ranges (CIDR) and the deny lists made of them */

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

#ifndef VANTAGE_CIDR_H
#define VANTAGE_CIDR_H

#include <stddef.h>

struct sockaddr;

/* One range: the first ci_bits bits of ci_addr. */
struct cidr {
	int		 ci_family;	/* AF_INET or AF_INET6 */
	unsigned char	 ci_addr[16];	/* 4 bytes used for AF_INET */
	int		 ci_bits;
};

/*
 * Parse "10.0.0.0/8", "fe80::/10" or a lone address (all its bits).
 * Returns NULL, or why s is not a range ("prefix length above 32", ...);
 * the reason is a static string.  Bits set beyond the prefix are an error,
 * since they usually mean a typo.
 */
const char	*cidr_parse(const char *s, struct cidr *);

/*
 * A list of ranges that an address must not be in.  An IPv4-mapped IPv6
 * address (::ffff:10.0.0.1) is checked as the IPv4 address it maps.
 */
struct denylist {
	struct cidr	*dl_ranges;
	char		**dl_text;	/* each range as written */
	size_t		 dl_len;
};

/* ranges (borrowed) must parse, else -1 (logged with what). */
int	denylist_init(struct denylist *, const char *what,
	    char *const *ranges, size_t n);
void	denylist_release(struct denylist *);

/*
 * 1 if sa is in a range of dl, with "<what>: <address> (<range>)" in why
 * (e.g. "denied by crawl.deny: 169.254.169.254 (169.254.0.0/16)"); 0 if
 * not, or if sa is not an IPv4 or IPv6 address.
 */
int	denylist_check(const struct denylist *, const char *what,
	    const struct sockaddr *sa, char *why, size_t whysz);

#endif
