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
 * few hundred node ids.  tally_tuples(x, ...) counts the rows' tuples of
 * its arguments the same way: GROUP BY x, ... with count(*).
 *
 * A counted key is a tuple, encoded as bytes: per value a kind byte, then
 * an integer or a real's bits (8 bytes), or the text's length (8 bytes)
 * and its bytes.  tally counts 1-tuples; both print the same JSON.
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
	unsigned char	 cell[1 + 8];
	int64_t		 iv = 0;
	uint64_t	 len;
	double		 d;

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		if (!nulls)
			return 0;
		cell[0] = TE_NULL;
		return buf_add(&ta->ta_key, cell, 1) == 0;
	case SQLITE_INTEGER:
		iv = sqlite3_value_int64(v);
		cell[0] = TE_INT;
		break;
	case SQLITE_FLOAT:
		/*
		 * As GROUP BY, 2.0 is 2, and so is every integral real an
		 * integer can equal, up to -2^63 and below 2^63 (9.21e18 is
		 * 9210000000000000000); other reals by their bits: their
		 * text has 15 digits, too few to tell 0.3 from 0.1 + 0.2.
		 */
		d = sqlite3_value_double(v);
		if (real_int_value(d, &iv)) {
			cell[0] = TE_INT;
			break;
		}
		if (!isfinite(d))
			return 0;
		cell[0] = TE_REAL;
		memcpy(&iv, &d, sizeof(iv));
		break;
	case SQLITE_TEXT:
		cell[0] = TE_TEXT;
		text = sqlite3_value_text(v);
		len = (uint64_t)sqlite3_value_bytes(v);
		memcpy(cell + 1, &len, sizeof(len));
		buf_add(&ta->ta_key, cell, sizeof(cell));
		buf_add(&ta->ta_key, text, len);
		return 1;
	default:
		return 0;
	}
	/* The kind and 8 bytes in one copy: counted a million times. */
	memcpy(cell + 1, &iv, sizeof(iv));
	buf_add(&ta->ta_key, cell, sizeof(cell));
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

	hash = hash_words(key, len);	/* FNV-1a was a quarter of it */
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
	if (sqlite3_create_function(db, "tally_tuples", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, tally_tuples_step, tally_final) !=
	    SQLITE_OK)
		return -1;
	if (ja_register(db, "jarray_length", 1, ja_sql_length) == -1 ||
	    ja_register(db, "jarray_item", 2, ja_sql_item) == -1)
		return -1;
	return 0;
}
