/* sqlfn.c -- SQL functions vantage adds to its store connections */

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

/*
 * tally(x, ...): how often each value occurs, counted in one pass with a
 * hash table.  GROUP BY sorts every row first; over a million users that
 * sort costs several times the scan, where a query only wants counts by a
 * few hundred node ids.  tally_tuples(x, ...) counts the rows' tuples of
 * its arguments the same way: GROUP BY x, ... with count(*).
 *
 * A counted key is a tuple, encoded as bytes: per value a kind byte, then
 * an integer or a real's bits (8 bytes), or the text's length (8 bytes)
 * and its bytes.  tally counts 1-tuples; both print the same JSON.
 */

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sqlfn.h"
#include "util.h"
#include "xmalloc.h"

#define TALLY_MAX	1000000	/* distinct keys; more fails the query */

enum { TE_NULL, TE_INT, TE_REAL, TE_TEXT };

struct tally_entry {
	size_t		 te_off;	/* the key's bytes in ta_keys */
	size_t		 te_len;
	uint64_t	 te_hash;
	int64_t		 te_count;
};

struct tally {
	struct tally_entry *ta_entries;	/* in order of first occurrence */
	size_t		 ta_n;
	size_t		 ta_cap;
	struct buf	 ta_keys;
	struct buf	 ta_key;	/* the key being counted */
	int32_t		*ta_slots;	/* entry index, -1: free */
	size_t		 ta_mask;
};

static void
tally_grow(struct tally *ta)
{
	size_t	size = ta->ta_mask ? (ta->ta_mask + 1) * 2 : 64, i, h;

	free(ta->ta_slots);
	ta->ta_slots = xreallocarray(NULL, size, sizeof(*ta->ta_slots));
	for (i = 0; i < size; i++)
		ta->ta_slots[i] = -1;
	ta->ta_mask = size - 1;
	for (i = 0; i < ta->ta_n; i++) {
		h = ta->ta_entries[i].te_hash >> 20;
		while (ta->ta_slots[h & ta->ta_mask] != -1)
			h++;
		ta->ta_slots[h & ta->ta_mask] = (int32_t)i;
	}
}

/*
 * Append v to the key being built.  0 if it cannot be counted (a blob,
 * an infinite real: no JSON for it) or is NULL and nulls is 0.
 */
static int
tally_key_add(struct tally *ta, sqlite3_value *v, int nulls)
{
	const unsigned char *text;
	unsigned char	 kind;
	int64_t		 iv = 0;
	uint64_t	 len;
	double		 d;

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		if (!nulls)
			return 0;
		kind = TE_NULL;
		return buf_add(&ta->ta_key, &kind, 1) == 0;
	case SQLITE_INTEGER:
		iv = sqlite3_value_int64(v);
		kind = TE_INT;
		break;
	case SQLITE_FLOAT:
		/*
		 * As GROUP BY, 2.0 is 2; other reals by their bits: their
		 * text has 15 digits, too few to tell 0.3 from 0.1 + 0.2.
		 */
		d = sqlite3_value_double(v);
		if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) {
			iv = (int64_t)d;
			kind = TE_INT;
			break;
		}
		if (!isfinite(d))
			return 0;
		kind = TE_REAL;
		memcpy(&iv, &d, sizeof(iv));
		break;
	case SQLITE_TEXT:
		kind = TE_TEXT;
		text = sqlite3_value_text(v);
		len = (uint64_t)sqlite3_value_bytes(v);
		buf_add(&ta->ta_key, &kind, 1);
		buf_add(&ta->ta_key, &len, sizeof(len));
		buf_add(&ta->ta_key, text, len);
		return 1;
	default:
		return 0;
	}
	buf_add(&ta->ta_key, &kind, 1);
	buf_add(&ta->ta_key, &iv, sizeof(iv));
	return 1;
}

/* Count the key built in ta_key; -1 if there are too many distinct ones. */
static int
tally_count(struct tally *ta)
{
	struct tally_entry *e;
	const char	*key = ta->ta_key.b_data;
	size_t		 len = ta->ta_key.b_len, h;
	uint64_t	 hash;

	hash = fnv1a64(key, len);
	if (ta->ta_mask == 0 || ta->ta_n * 2 >= ta->ta_mask)
		tally_grow(ta);
	h = hash >> 20;
	while (ta->ta_slots[h & ta->ta_mask] != -1) {
		e = &ta->ta_entries[ta->ta_slots[h & ta->ta_mask]];
		if (e->te_hash == hash && e->te_len == len &&
		    memcmp(ta->ta_keys.b_data + e->te_off, key, len) == 0) {
			e->te_count++;
			return 0;
		}
		h++;
	}
	if (ta->ta_n == TALLY_MAX)
		return -1;
	if (ta->ta_n == ta->ta_cap) {
		ta->ta_cap = ta->ta_cap == 0 ? 64 : ta->ta_cap * 2;
		ta->ta_entries = xreallocarray(ta->ta_entries, ta->ta_cap,
		    sizeof(*ta->ta_entries));
	}
	e = &ta->ta_entries[ta->ta_n];
	e->te_off = ta->ta_keys.b_len;
	e->te_len = len;
	e->te_hash = hash;
	e->te_count = 1;
	buf_add(&ta->ta_keys, key, len);
	ta->ta_slots[h & ta->ta_mask] = (int32_t)ta->ta_n++;
	return 0;
}

static void
tally_free(struct tally *ta)
{
	if (ta == NULL)
		return;
	buf_release(&ta->ta_keys);
	buf_release(&ta->ta_key);
	free(ta->ta_entries);
	free(ta->ta_slots);
	free(ta);
}

static struct tally *
tally_of(sqlite3_context *ctx)
{
	struct tally	**tap;

	if ((tap = sqlite3_aggregate_context(ctx, sizeof(*tap))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	if (*tap == NULL) {
		*tap = xcalloc(1, sizeof(**tap));
		buf_init(&(*tap)->ta_keys, 0);
		buf_init(&(*tap)->ta_key, 0);
	}
	return *tap;
}

static void
tally_too_many(sqlite3_context *ctx, const char *name)
{
	char	*msg;

	xasprintf(&msg, "%s: more than %d distinct values", name, TALLY_MAX);
	sqlite3_result_error(ctx, msg, -1);
	free(msg);
}

/* tally: each argument's value, NULLs, blobs and infinities left out. */
static void
tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tally	*ta;
	int		 i;

	if ((ta = tally_of(ctx)) == NULL)
		return;
	for (i = 0; i < argc; i++) {
		buf_reset(&ta->ta_key);
		if (tally_key_add(ta, argv[i], 0) && tally_count(ta) == -1) {
			tally_too_many(ctx, "tally");
			return;
		}
	}
}

/* tally_tuples: the row's tuple; a value JSON cannot hold fails it. */
static void
tally_tuples_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tally	*ta;
	char		*msg;
	int		 i;

	if ((ta = tally_of(ctx)) == NULL)
		return;
	buf_reset(&ta->ta_key);
	for (i = 0; i < argc; i++)
		if (!tally_key_add(ta, argv[i], 1)) {
			xasprintf(&msg, "tally_tuples: argument %d is %s, which "
			    "a JSON array cannot hold", i + 1,
			    sqlite3_value_type(argv[i]) == SQLITE_BLOB ?
			    "a blob" : "an infinite real");
			sqlite3_result_error(ctx, msg, -1);
			free(msg);
			return;
		}
	if (tally_count(ta) == -1)
		tally_too_many(ctx, "tally_tuples");
}

/* A finite real as a JSON number that reads back as the same double. */
static void
real_json(struct buf *out, int64_t bits)
{
	char	 s[64];
	double	 d;
	int	 prec;

	memcpy(&d, &bits, sizeof(d));
	for (prec = 15; prec < 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(s, sizeof(s), "%.17g", d);
	buf_puts(out, s);
}

/* The values of an encoded key, each followed by a comma. */
static void
key_json(struct buf *out, const unsigned char *p, const unsigned char *end)
{
	int64_t		 iv;
	uint64_t	 len;
	unsigned char	 kind;

	while (p < end) {
		kind = *p++;
		if (kind == TE_NULL) {
			buf_puts(out, "null,");
			continue;
		}
		/* An integer, a real's bits or the text's length. */
		memcpy(&len, p, sizeof(len));
		memcpy(&iv, p, sizeof(iv));
		p += 8;
		if (kind == TE_INT)
			buf_printf(out, "%" PRId64, iv);
		else if (kind == TE_REAL)
			real_json(out, iv);
		else {
			buf_json_string(out, (const char *)p, len);
			p += len;
		}
		buf_putc(out, ',');
	}
}

/* [[key values..., count], ...] in order of first occurrence. */
static void
tally_final(sqlite3_context *ctx)
{
	struct tally	**tap, *ta;
	struct tally_entry *e;
	struct buf	 out;
	const unsigned char *k;
	size_t		 i;

	tap = sqlite3_aggregate_context(ctx, 0);
	ta = tap != NULL ? *tap : NULL;
	buf_init(&out, 0);
	buf_putc(&out, '[');
	for (i = 0; ta != NULL && i < ta->ta_n; i++) {
		e = &ta->ta_entries[i];
		k = (const unsigned char *)ta->ta_keys.b_data + e->te_off;
		buf_puts(&out, i > 0 ? ",[" : "[");
		key_json(&out, k, k + e->te_len);
		buf_printf(&out, "%" PRId64 "]", e->te_count);
	}
	buf_putc(&out, ']');
	sqlite3_result_text(ctx, out.b_data, (int)out.b_len, SQLITE_TRANSIENT);
	buf_release(&out);
	tally_free(ta);
}

int
sqlfn_register(sqlite3 *db)
{
	if (sqlite3_create_function(db, "tally", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, tally_step, tally_final) !=
	    SQLITE_OK)
		return -1;
	return sqlite3_create_function(db, "tally_tuples", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, tally_tuples_step, tally_final) ==
	    SQLITE_OK ? 0 : -1;
}
