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
 * few hundred node ids.
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

#define TALLY_MAX	1000000	/* distinct values; more fails the query */

enum { TE_INT, TE_REAL, TE_TEXT };

struct tally_entry {
	int		 te_kind;	/* TE_INT, TE_REAL: te_iv; else te_text */
	int64_t		 te_iv;		/* TE_REAL: the double's bits */
	char		*te_text;
	size_t		 te_len;
	int64_t		 te_count;
};

struct tally {
	struct tally_entry *ta_entries;	/* in order of first occurrence */
	size_t		 ta_n;
	size_t		 ta_cap;
	int32_t		*ta_slots;	/* entry index, -1: free */
	size_t		 ta_mask;
};

static uint64_t
tally_hash(int kind, int64_t iv, const char *text, size_t len)
{
	if (kind != TE_TEXT)
		return ((uint64_t)iv + (uint64_t)kind) * 0x9e3779b97f4a7c15ULL;
	return fnv1a64(text, len) + (uint64_t)kind;
}

static int
tally_same(const struct tally_entry *e, int kind, int64_t iv,
    const char *text, size_t len)
{
	if (e->te_kind != kind)
		return 0;
	if (kind != TE_TEXT)
		return e->te_iv == iv;
	return e->te_len == len && memcmp(e->te_text, text, len) == 0;
}

static void
tally_grow(struct tally *ta)
{
	size_t	size = ta->ta_mask ? (ta->ta_mask + 1) * 2 : 64, i, h;
	const struct tally_entry *e;

	free(ta->ta_slots);
	ta->ta_slots = xreallocarray(NULL, size, sizeof(*ta->ta_slots));
	for (i = 0; i < size; i++)
		ta->ta_slots[i] = -1;
	ta->ta_mask = size - 1;
	for (i = 0; i < ta->ta_n; i++) {
		e = &ta->ta_entries[i];
		h = tally_hash(e->te_kind, e->te_iv, e->te_text, e->te_len) >> 20;
		while (ta->ta_slots[h & ta->ta_mask] != -1)
			h++;
		ta->ta_slots[h & ta->ta_mask] = (int32_t)i;
	}
}

/* Count one value; -1 if there are too many distinct ones. */
static int
tally_add(struct tally *ta, sqlite3_value *v)
{
	struct tally_entry *e;
	const char	*text = NULL;
	size_t		 len = 0, h;
	int64_t		 iv = 0;
	double		 d;
	int		 kind;

	switch (sqlite3_value_type(v)) {
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
			return 0;	/* no JSON number for it */
		kind = TE_REAL;
		memcpy(&iv, &d, sizeof(iv));
		break;
	case SQLITE_TEXT:
		text = (const char *)sqlite3_value_text(v);
		len = (size_t)sqlite3_value_bytes(v);
		kind = TE_TEXT;
		break;
	default:
		return 0;	/* NULL and blobs are not counted */
	}
	if (ta->ta_mask == 0 || ta->ta_n * 2 >= ta->ta_mask)
		tally_grow(ta);
	h = tally_hash(kind, iv, text, len) >> 20;
	while (ta->ta_slots[h & ta->ta_mask] != -1) {
		e = &ta->ta_entries[ta->ta_slots[h & ta->ta_mask]];
		if (tally_same(e, kind, iv, text, len)) {
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
	memset(e, 0, sizeof(*e));
	e->te_kind = kind;
	e->te_iv = iv;
	if (kind == TE_TEXT) {
		e->te_text = xmalloc(len + 1);
		memcpy(e->te_text, text, len);
		e->te_text[len] = '\0';
		e->te_len = len;
	}
	e->te_count = 1;
	ta->ta_slots[h & ta->ta_mask] = (int32_t)ta->ta_n++;
	return 0;
}

static void
tally_free(struct tally *ta)
{
	size_t	i;

	if (ta == NULL)
		return;
	for (i = 0; i < ta->ta_n; i++)
		free(ta->ta_entries[i].te_text);
	free(ta->ta_entries);
	free(ta->ta_slots);
	free(ta);
}

static void
tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tally	**tap;
	int		 i;

	if ((tap = sqlite3_aggregate_context(ctx, sizeof(*tap))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (*tap == NULL)
		*tap = xcalloc(1, sizeof(**tap));
	for (i = 0; i < argc; i++)
		if (tally_add(*tap, argv[i]) == -1) {
			sqlite3_result_error(ctx, "tally: more than 1000000 "
			    "distinct values", -1);
			return;
		}
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

static void
tally_final(sqlite3_context *ctx)
{
	struct tally	**tap, *ta;
	struct tally_entry *e;
	struct buf	 out;
	size_t		 i;

	tap = sqlite3_aggregate_context(ctx, 0);
	ta = tap != NULL ? *tap : NULL;
	buf_init(&out, 0);
	buf_putc(&out, '[');
	for (i = 0; ta != NULL && i < ta->ta_n; i++) {
		e = &ta->ta_entries[i];
		buf_puts(&out, i > 0 ? ",[" : "[");
		if (e->te_kind == TE_INT)
			buf_printf(&out, "%" PRId64, e->te_iv);
		else if (e->te_kind == TE_REAL)
			real_json(&out, e->te_iv);
		else
			buf_json_string(&out, e->te_text, e->te_len);
		buf_printf(&out, ",%" PRId64 "]", e->te_count);
	}
	buf_putc(&out, ']');
	sqlite3_result_text(ctx, out.b_data, (int)out.b_len, SQLITE_TRANSIENT);
	buf_release(&out);
	tally_free(ta);
}

int
sqlfn_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "tally", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, tally_step, tally_final) ==
	    SQLITE_OK ? 0 : -1;
}
