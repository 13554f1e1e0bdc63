/* sqlfn.c -- SQL functions vantage adds to its connections */

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
 *
 * jarray_length(x), jarray_item(x, i): the length and element i of x where
 * x is JSON text of an array, else NULL, never an error.  The same as
 *	CASE WHEN json_valid(x) AND json_type(x) = 'array'
 *	THEN json_array_length(x) END		-- or json_extract(x, '$[i]')
 * which parses x in each of its four JSON functions: over a million
 * discovery rows with three such columns that was three quarters of
 * reading the table.  Arrays of plain integers, the shape of node id lists,
 * are read here in one pass; anything else is handed to that very
 * expression (on a private in-memory connection, so that the answer is
 * SQLite's own, whatever its version makes of an odd value).
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

/* ------------------------------------------------------------------ */
/* jarray_length, jarray_item */

#define JA_NOT		(-1)	/* not an array: NULL */
#define JA_GENERAL	(-2)	/* not of the simple shape: ask SQLite */
#define JA_DIGITS	18	/* at most: always an int64 */

#define JA_WS(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

struct jarray {
	const char	*ja_sql;	/* the general case: ?1 x, ?2 path */
	sqlite3		*ja_db;		/* private, opened when first needed */
	sqlite3_stmt	*ja_stmt;
};

static const char *const ja_sql_length = "SELECT CASE WHEN json_valid(?1) "
    "AND json_type(?1) = 'array' THEN json_array_length(?1) END";
static const char *const ja_sql_item = "SELECT CASE WHEN json_valid(?1) "
    "AND json_type(?1) = 'array' THEN json_extract(?1, ?2) END";

/*
 * The text s as a JSON array of plain integers (no fraction or exponent,
 * at most JA_DIGITS digits, RFC 8259 whitespace only): its length, and
 * element want in *item (*found set) if it has one.  JA_NOT when s cannot
 * be a JSON array in any reading (it starts with a character no JSON
 * parser skips, other than '['), JA_GENERAL for anything else.
 */
static int64_t
ja_ints(const unsigned char *s, size_t len, int64_t want, int64_t *item,
    int *found)
{
	const unsigned char *end = s + len;
	int64_t		 n = 0, v;
	int		 neg, digits;

	*found = 0;
	while (s < end && JA_WS(*s))
		s++;
	if (s == end)
		return JA_NOT;
	if (*s != '[')
		return *s > ' ' && *s < 0x7f && *s != '/' ? JA_NOT : JA_GENERAL;
	s++;
	while (s < end && JA_WS(*s))
		s++;
	if (s < end && *s == ']') {
		s++;
		goto tail;
	}
	for (;;) {
		neg = s < end && *s == '-';
		if (neg)
			s++;
		if (s == end || *s < '0' || *s > '9')
			return JA_GENERAL;
		v = 0;
		digits = 0;
		if (*s == '0')		/* 0, never 01 */
			s++, digits = 1;
		else
			while (s < end && *s >= '0' && *s <= '9') {
				if (++digits > JA_DIGITS)
					return JA_GENERAL;
				v = v * 10 + (*s++ - '0');
			}
		if (n == want) {
			*item = neg ? -v : v;
			*found = 1;
		}
		n++;
		while (s < end && JA_WS(*s))
			s++;
		if (s == end)
			return JA_GENERAL;
		if (*s == ']') {
			s++;
			break;
		}
		if (*s != ',')
			return JA_GENERAL;	/* 1.5, 1e3, 01, [1 2] */
		s++;
		while (s < end && JA_WS(*s))
			s++;
	}
tail:
	while (s < end && JA_WS(*s))
		s++;
	return s == end ? n : JA_GENERAL;
}

/* What the expression of ja says of x (and path). */
static void
ja_general(sqlite3_context *ctx, struct jarray *ja, sqlite3_value *x,
    const char *path)
{
	int	 rc;

	if (ja->ja_db == NULL) {
		if (sqlite3_open_v2(":memory:", &ja->ja_db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(ja->ja_db, ja->ja_sql, -1, &ja->ja_stmt,
		    NULL) != SQLITE_OK) {
			sqlite3_result_error(ctx, ja->ja_db != NULL ?
			    sqlite3_errmsg(ja->ja_db) : "out of memory", -1);
			sqlite3_close(ja->ja_db);
			ja->ja_db = NULL;
			return;
		}
	}
	sqlite3_bind_value(ja->ja_stmt, 1, x);
	if (path != NULL)
		sqlite3_bind_text(ja->ja_stmt, 2, path, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(ja->ja_stmt)) == SQLITE_ROW)
		sqlite3_result_value(ctx, sqlite3_column_value(ja->ja_stmt, 0));
	else
		sqlite3_result_error(ctx, sqlite3_errmsg(ja->ja_db), -1);
	sqlite3_reset(ja->ja_stmt);
	sqlite3_clear_bindings(ja->ja_stmt);
}

static void
ja_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jarray	*ja = sqlite3_user_data(ctx);
	const unsigned char *s;
	int64_t		 want = -1, n, item;
	char		 path[32];
	int		 found;

	if (argc == 2) {
		if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
			return;
		if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER ||
		    (want = sqlite3_value_int64(argv[1])) < 0) {
			sqlite3_result_error(ctx, "jarray_item: the index must "
			    "be an integer, 0 or more", -1);
			return;
		}
	}
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_TEXT:
		s = sqlite3_value_text(argv[0]);
		n = ja_ints(s, (size_t)sqlite3_value_bytes(argv[0]), want,
		    &item, &found);
		break;
	case SQLITE_BLOB:
		n = JA_GENERAL;
		break;
	default:
		return;		/* NULL, or a number: no array */
	}
	if (n == JA_NOT)
		return;
	if (n >= 0) {
		if (argc == 1)
			sqlite3_result_int64(ctx, n);
		else if (found)
			sqlite3_result_int64(ctx, item);
		return;
	}
	/* No array is that long (nor could SQLite's path address it). */
	if (want > INT32_MAX)
		return;
	if (argc == 2)
		snprintf(path, sizeof(path), "$[%" PRId64 "]", want);
	ja_general(ctx, ja, argv[0], argc == 2 ? path : NULL);
}

static void
ja_free(void *arg)
{
	struct jarray	*ja = arg;

	sqlite3_finalize(ja->ja_stmt);
	sqlite3_close(ja->ja_db);
	free(ja);
}

static int
ja_register(sqlite3 *db, const char *name, int argc, const char *sql)
{
	struct jarray	*ja = xcalloc(1, sizeof(*ja));

	ja->ja_sql = sql;
	/* On failure SQLite calls ja_free itself. */
	return sqlite3_create_function_v2(db, name, argc, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, ja, ja_fn, NULL, NULL,
	    ja_free) == SQLITE_OK ? 0 : -1;
}

int
sqlfn_register(sqlite3 *db)
{
	if (sqlite3_create_function(db, "tally", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, tally_step, tally_final) !=
	    SQLITE_OK)
		return -1;
	if (ja_register(db, "jarray_length", 1, ja_sql_length) == -1 ||
	    ja_register(db, "jarray_item", 2, ja_sql_item) == -1)
		return -1;
	return 0;
}
