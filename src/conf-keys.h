/* conf-keys.h -- the key table, for modules that declare keys of their own */

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

#ifndef VANTAGE_CONF_KEYS_H
#define VANTAGE_CONF_KEYS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every configuration key is a row of a table: its name, how its text is
 * decoded, where the value goes (an offset into the struct the table
 * describes), bounds, default and help.  conf.c decodes, prints and lists
 * keys from these tables; a discovery source declares the keys only it
 * understands in a table of its own (struct source_kind's sk_keys), so
 * they are validated and documented with it.
 */
enum key_type {
	K_STR,		/* any string */
	K_SQL,		/* SQL text (printed as a block) */
	K_INT,
	K_DUR,		/* duration in ms */
	K_SIZE,		/* bytes */
	K_ENUM,		/* one of k_enums, stored as its index */
	K_ADDR,		/* host:port */
	K_STRLIST,	/* sequence of strings */
	K_MAP,		/* nested keys */
	K_LIST,		/* sequence of maps of k_sub */
	K_STRMAP,	/* mapping of any names to strings: name, value, ... */
	K_KIND,		/* one of k_kinds by name; its keys join the map */
	K_SECRET	/* a string that may hold a password (a connection
			   string or URL): `check -v` prints it masked; with
			   k_min 1, a URL whose path and query are the secret
			   (a webhook's): only its scheme and host are shown */
};

struct key {
	const char	*k_name;
	enum key_type	 k_type;
	size_t		 k_off;
	size_t		 k_cnt_off;	/* K_LIST, K_STRLIST: where the count goes */
	size_t		 k_elem;	/* K_LIST: element size */
	const struct key *k_sub;	/* K_MAP, K_LIST */
	int64_t		 k_min, k_max;
	const char	*k_default;	/* NULL: required (scalars) or empty */
	const char	*const *k_enums;
	const char	*k_help;
	/*
	 * K_KIND: the kinds to choose from, NULL-terminated.  k_off receives
	 * the kind chosen (const struct kind *), k_cnt_off its settings (a
	 * void * to kd_conf_size bytes, decoded by kd_keys, which join the
	 * keys of the map the K_KIND key is in).
	 */
	const struct kind *const *k_kinds;
};

/* The head of a kind of plug-in (struct source_kind starts with one). */
struct kind {
	const char	*kd_name;
	const struct key *kd_keys;	/* keys only this kind understands */
	size_t		 kd_conf_size;	/* what kd_keys decode into */
};

#define KEND	{ NULL, 0, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL, NULL }

#endif
