/* rows.c -- a batch's probe rows, held in memory and inserted at once */

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
 * An INSERT of one row costs SQLite a whole statement: opening the table,
 * checking the schema, closing it again; for the probe tables that was
 * about 6,300 instructions a row.  One INSERT ... SELECT per batch over
 * this virtual table (the carray pattern: the rows are a pointer bound
 * to a hidden column) keeps the table open for the whole batch.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rows.h"
#include "util.h"
#include "xmalloc.h"

#define ROWS_PTR_TYPE	"vantage_rows"
#define ROWS_SRC_TYPE	"vantage_rows_source"

/*
 * The cells of all rows, one after the other, each a tag byte and what
 * follows it: nothing (NULL), the 1 to 8 low bytes of an integer, little
 * endian, as many as its value needs (sign-extended when read), the 8
 * bytes of a double, or a text's length (LEB128) and its bytes.  A probe
 * row of two small integers and a NULL takes about 8 bytes, not the 96 of
 * fixed-size cells: finished batches can wait their turn in memory
 * (probe.c writes them in the table's key order).
 */
#define CELL_NULL	0x00
#define CELL_INT	0x10	/* | the number of bytes, 1 to 8 */
#define CELL_REAL	0x20
#define CELL_TEXT	0x30
#define CELL_BLOB	0x40	/* as text: a length and the bytes */
#define CELL_TYPE(tag)	((tag) & 0xf0)
#define CELL_MAX	(1 + 10)	/* a tag and a 64-bit LEB128 length */

struct rowbuf {
	size_t		 rb_width;
	size_t		 rb_n;		/* cells filled */
	struct buf	 rb_data;
};

struct rowbuf *
rowbuf_new(size_t width)
{
	struct rowbuf	*rb = xcalloc(1, sizeof(*rb));

	rb->rb_width = width;
	buf_init(&rb->rb_data, 0);
	return rb;
}

void
rowbuf_free(struct rowbuf *rb)
{
	if (rb == NULL)
		return;
	buf_release(&rb->rb_data);
	free(rb);
}

void
rowbuf_reset(struct rowbuf *rb)
{
	rb->rb_n = 0;
	buf_reset(&rb->rb_data);
}

size_t
rowbuf_rows(const struct rowbuf *rb)
{
	return rb->rb_width ? rb->rb_n / rb->rb_width : 0;
}

size_t
rowbuf_size(const struct rowbuf *rb)
{
	return sizeof(*rb) + rb->rb_data.b_size;
}

void
rowbuf_trim(struct rowbuf *rb)
{
	struct buf	*b = &rb->rb_data;

	if (b->b_data == NULL || b->b_size <= b->b_len + 1)
		return;
	b->b_data = xreallocarray(b->b_data, b->b_len + 1, 1);
	b->b_size = b->b_len + 1;
}

static void
cell_add(struct rowbuf *rb, const unsigned char *cell, size_t len)
{
	buf_add(&rb->rb_data, cell, len);
	rb->rb_n++;
}

void
rowbuf_int(struct rowbuf *rb, int64_t v)
{
	struct buf	*b = &rb->rb_data;
	unsigned char	 cell[1 + 8];
	uint64_t	 u = (uint64_t)v, m = v < 0 ? ~u : u;
	size_t		 n = 1;
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	size_t		 i;
#endif

	/* Bytes until the rest is the sign extension of the last one. */
	while (n < 8 && m >> (8 * n - 1) != 0)
		n++;
	cell[0] = CELL_INT | n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(cell + 1, &u, sizeof(u));	/* its bytes, lowest first */
#else
	for (i = 0; i < 8; i++)
		cell[1 + i] = (unsigned char)(u >> (8 * i));
#endif
	/*
	 * All nine bytes written at once (a copy of a known size, no call),
	 * the buffer then ending after the n kept: a crawl adds millions.
	 */
	buf_reserve(b, sizeof(cell));
	memcpy(b->b_data + b->b_len, cell, sizeof(cell));
	b->b_len += 1 + n;
	b->b_data[b->b_len] = '\0';
	rb->rb_n++;
}

void
rowbuf_real(struct rowbuf *rb, double v)
{
	unsigned char	 cell[1 + sizeof(v)];

	cell[0] = CELL_REAL;
	memcpy(cell + 1, &v, sizeof(v));
	cell_add(rb, cell, sizeof(cell));
}

/* A text or blob cell: the tag, the length (LEB128), the bytes. */
static void
cell_bytes(struct rowbuf *rb, unsigned char tag, const void *s, size_t len)
{
	unsigned char	 cell[CELL_MAX];
	size_t		 n = 1, l = len;

	cell[0] = tag;
	do {
		cell[n++] = (l & 0x7f) | (l > 0x7f ? 0x80 : 0);
		l >>= 7;
	} while (l > 0);
	buf_add(&rb->rb_data, cell, n);
	cell_add(rb, s, len);
}

void
rowbuf_text(struct rowbuf *rb, const char *s, size_t len)
{
	cell_bytes(rb, CELL_TEXT, s, len);
}

void
rowbuf_null(struct rowbuf *rb)
{
	unsigned char	 cell = CELL_NULL;

	cell_add(rb, &cell, 1);
}

void
rowbuf_value(struct rowbuf *rb, sqlite3_value *v)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		rowbuf_int(rb, sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		rowbuf_real(rb, sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		rowbuf_text(rb, (const char *)sqlite3_value_text(v),
		    (size_t)sqlite3_value_bytes(v));
		break;
	case SQLITE_BLOB:
		cell_bytes(rb, CELL_BLOB, sqlite3_value_blob(v),
		    (size_t)sqlite3_value_bytes(v));
		break;
	default:
		rowbuf_null(rb);
		break;
	}
}

/* The text length at p (after the tag), and where the text starts. */
static size_t
cell_text_len(const unsigned char *p, const unsigned char **textp)
{
	size_t	 len = 0;
	int	 shift = 0;

	do {
		len |= (size_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	*textp = p;
	return len;
}

/* The bytes of the cell at p, tag included. */
static size_t
cell_len(const unsigned char *p)
{
	const unsigned char *text;

	switch (CELL_TYPE(*p)) {
	case CELL_INT:
		return 1 + (*p & 0x0f);
	case CELL_REAL:
		return 1 + sizeof(double);
	case CELL_TEXT:
	case CELL_BLOB:
		return cell_text_len(p + 1, &text) + (text - p);
	default:
		return 1;
	}
}

/* The integer of the CELL_INT at p. */
static int64_t
cell_int(const unsigned char *p)
{
	size_t		 n = *p & 0x0f;
	uint64_t	 u = 0;

	/* Unrolled: every probe row has two or three of them. */
	switch (n) {
	case 8:
		u |= (uint64_t)p[8] << 56;
		/* FALLTHROUGH */
	case 7:
		u |= (uint64_t)p[7] << 48;
		/* FALLTHROUGH */
	case 6:
		u |= (uint64_t)p[6] << 40;
		/* FALLTHROUGH */
	case 5:
		u |= (uint64_t)p[5] << 32;
		/* FALLTHROUGH */
	case 4:
		u |= (uint64_t)p[4] << 24;
		/* FALLTHROUGH */
	case 3:
		u |= (uint64_t)p[3] << 16;
		/* FALLTHROUGH */
	case 2:
		u |= (uint64_t)p[2] << 8;
		/* FALLTHROUGH */
	case 1:
		u |= (uint64_t)p[1];
		break;
	default:
		break;
	}
	/* Sign-extend from the top bit of the last byte. */
	if (n < 8 && (p[n] & 0x80))
		u |= ~(uint64_t)0 << (8 * n);
	return (int64_t)u;
}

const unsigned char *
rowbuf_bytes(const struct rowbuf *rb, size_t *lenp)
{
	*lenp = rb->rb_data.b_len;
	return (const unsigned char *)rb->rb_data.b_data;
}

size_t
rows_cell_len(const unsigned char *cell)
{
	return cell_len(cell);
}

int
rows_cell_int(const unsigned char *cell, int64_t *vp)
{
	if (CELL_TYPE(*cell) != CELL_INT)
		return 0;
	*vp = cell_int(cell);
	return 1;
}

/* SQLite's classes in its order: NULL, numbers, text, blobs. */
static int
cell_class(const unsigned char *p)
{
	switch (CELL_TYPE(*p)) {
	case CELL_INT:
	case CELL_REAL:
		return 1;
	case CELL_TEXT:
		return 2;
	case CELL_BLOB:
		return 3;
	default:
		return 0;
	}
}

int
rows_cell_cmp(const unsigned char *a, const unsigned char *b)
{
	const unsigned char *ta, *tb;
	size_t		 la, lb;
	int64_t		 ia, ib;
	double		 da, db;
	int		 ca, cb, c;

	/* Two integers, the most common case, first. */
	if (CELL_TYPE(*a) == CELL_INT && CELL_TYPE(*b) == CELL_INT) {
		ia = cell_int(a);
		ib = cell_int(b);
		return (ia > ib) - (ia < ib);
	}
	if ((ca = cell_class(a)) != (cb = cell_class(b)))
		return ca - cb;
	switch (ca) {
	case 0:
		return 0;
	case 1:
		if (CELL_TYPE(*a) == CELL_INT) {
			memcpy(&db, b + 1, sizeof(db));
			return int_real_cmp(cell_int(a), db);
		}
		memcpy(&da, a + 1, sizeof(da));
		if (CELL_TYPE(*b) == CELL_INT)
			return -int_real_cmp(cell_int(b), da);
		memcpy(&db, b + 1, sizeof(db));
		return (da > db) - (da < db);
	default:
		/* Text (BINARY) and blobs: by their bytes. */
		la = cell_text_len(a + 1, &ta);
		lb = cell_text_len(b + 1, &tb);
		c = la == 0 || lb == 0 ? 0 : memcmp(ta, tb, la < lb ? la : lb);
		return c != 0 ? c : (la > lb) - (la < lb);
	}
}

void
rows_bind(sqlite3_stmt *stmt, int col, struct rowbuf *rb)
{
	sqlite3_bind_pointer(stmt, col, rb, ROWS_PTR_TYPE, NULL);
}

void
rows_bind_source(sqlite3_stmt *stmt, int col, struct rows_source *rs)
{
	sqlite3_bind_pointer(stmt, col, rs, ROWS_SRC_TYPE, NULL);
}

/* ------------------------------------------------------------------ */
/* The module */

struct rows_vtab {
	sqlite3_vtab	 rv_base;
	size_t		 rv_width;
};

struct rows_cursor {
	sqlite3_vtab_cursor rc_base;
	const struct rowbuf *rc_rb;
	struct rows_source *rc_src;	/* or the rows come from it */
	size_t		 rc_row;
	size_t		 rc_nrows;
	size_t		 rc_next;	/* the next row's first byte */
	size_t		 rc_len;	/* the source's row: its bytes */
	int		 rc_eof;	/* ... and none is left */
	size_t		 rc_width;
	const unsigned char **rc_cell;	/* where each cell of the row starts */
};

static int
rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
    sqlite3_vtab **vtabp, char **errp)
{
	struct rows_vtab *rv;
	struct buf	 sql;
	char		*end;
	long		 width;
	long		 i;
	int		 rc;

	(void)aux;
	errno = 0;
	width = argc == 4 ? strtol(argv[3], &end, 10) : 0;
	if (argc != 4 || errno != 0 || *end != '\0' || width < 1 ||
	    width > ROWS_MAX_WIDTH) {
		*errp = sqlite3_mprintf("vantage_rows: takes the number of "
		    "columns, 1 to %d", ROWS_MAX_WIDTH);
		return SQLITE_ERROR;
	}
	buf_init(&sql, 0);
	buf_puts(&sql, "CREATE TABLE x(");
	for (i = 0; i < width; i++)
		buf_printf(&sql, "c%ld, ", i);
	buf_puts(&sql, "src HIDDEN)");
	rc = sqlite3_declare_vtab(db, sql.b_data);
	buf_release(&sql);
	if (rc != SQLITE_OK)
		return rc;
	rv = sqlite3_malloc(sizeof(*rv));
	if (rv == NULL)
		return SQLITE_NOMEM;
	memset(rv, 0, sizeof(*rv));
	rv->rv_width = (size_t)width;
	*vtabp = &rv->rv_base;
	return SQLITE_OK;
}

static int
rows_disconnect(sqlite3_vtab *vtab)
{
	sqlite3_free(vtab);
	return SQLITE_OK;
}

/* Only a scan with src = ?: the rows come from nowhere else. */
static int
rows_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
	struct rows_vtab *rv = (struct rows_vtab *)vtab;
	int		 i;

	for (i = 0; i < info->nConstraint; i++) {
		if (info->aConstraint[i].iColumn != (int)rv->rv_width ||
		    info->aConstraint[i].op != SQLITE_INDEX_CONSTRAINT_EQ ||
		    !info->aConstraint[i].usable)
			continue;
		info->aConstraintUsage[i].argvIndex = 1;
		info->aConstraintUsage[i].omit = 1;
		info->estimatedCost = 1000;
		info->estimatedRows = 1000;
		return SQLITE_OK;
	}
	return SQLITE_CONSTRAINT;
}

static int
rows_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **curp)
{
	struct rows_vtab *rv = (struct rows_vtab *)vtab;
	struct rows_cursor *rc;

	if ((rc = sqlite3_malloc(sizeof(*rc))) == NULL)
		return SQLITE_NOMEM;
	memset(rc, 0, sizeof(*rc));
	if ((rc->rc_cell = sqlite3_malloc64(rv->rv_width *
	    sizeof(*rc->rc_cell))) == NULL) {
		sqlite3_free(rc);
		return SQLITE_NOMEM;
	}
	rc->rc_width = rv->rv_width;
	*curp = &rc->rc_base;
	return SQLITE_OK;
}

static int
rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(((struct rows_cursor *)cur)->rc_cell);
	sqlite3_free(cur);
	return SQLITE_OK;
}

/* Find the cells of row rc_row, unless the rows are all read. */
static void
rows_read(struct rows_cursor *rc)
{
	const unsigned char *at, *prefix = NULL;
	size_t		 i = 0;

	if (rc->rc_src != NULL) {
		at = rc->rc_src->rs_next(rc->rc_src->rs_arg, rc->rc_len,
		    &prefix);
		if ((rc->rc_eof = at == NULL))
			return;
		if (prefix != NULL)
			rc->rc_cell[i++] = prefix;
		rc->rc_len = 0;
		for (; i < rc->rc_width; i++) {
			rc->rc_cell[i] = at + rc->rc_len;
			rc->rc_len += cell_len(at + rc->rc_len);
		}
		return;
	}
	if (rc->rc_row >= rc->rc_nrows)
		return;
	at = (const unsigned char *)rc->rc_rb->rb_data.b_data + rc->rc_next;
	for (i = 0; i < rc->rc_width; i++) {
		rc->rc_cell[i] = at;
		at += cell_len(at);
	}
	rc->rc_next = at - (const unsigned char *)rc->rc_rb->rb_data.b_data;
}

static int
rows_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr,
    int argc, sqlite3_value **argv)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;
	struct rows_vtab *rv = (struct rows_vtab *)cur->pVtab;

	(void)idxnum;
	(void)idxstr;
	rc->rc_row = 0;
	rc->rc_nrows = 0;
	rc->rc_next = 0;
	rc->rc_len = 0;
	rc->rc_eof = 0;
	rc->rc_rb = argc == 1 ? sqlite3_value_pointer(argv[0], ROWS_PTR_TYPE) :
	    NULL;
	rc->rc_src = argc == 1 && rc->rc_rb == NULL ?
	    sqlite3_value_pointer(argv[0], ROWS_SRC_TYPE) : NULL;
	if (rc->rc_src != NULL) {
		if (rc->rc_src->rs_width != rv->rv_width) {
			cur->pVtab->zErrMsg = sqlite3_mprintf("vantage_rows: "
			    "rows of %lld cells for a table of %lld columns",
			    (long long)rc->rc_src->rs_width,
			    (long long)rv->rv_width);
			return SQLITE_ERROR;
		}
		rows_read(rc);
		return SQLITE_OK;
	}
	if (rc->rc_rb == NULL)
		return SQLITE_OK;	/* no rows bound: none */
	if (rc->rc_rb->rb_width != rv->rv_width) {
		/* (SQLite's %z is a string it frees: no %zu.) */
		cur->pVtab->zErrMsg = sqlite3_mprintf("vantage_rows: rows of "
		    "%lld cells for a table of %lld columns",
		    (long long)rc->rc_rb->rb_width, (long long)rv->rv_width);
		return SQLITE_ERROR;
	}
	rc->rc_nrows = rowbuf_rows(rc->rc_rb);
	rows_read(rc);
	return SQLITE_OK;
}

static int
rows_next(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;

	rc->rc_row++;
	rows_read(rc);
	return SQLITE_OK;
}

static int
rows_eof(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;

	if (rc->rc_src != NULL)
		return rc->rc_eof;
	return rc->rc_row >= rc->rc_nrows;
}

static int
rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;
	const unsigned char *p, *text;
	double		 d;
	size_t		 len;

	if ((size_t)col >= rc->rc_width) {
		sqlite3_result_null(ctx);	/* src */
		return SQLITE_OK;
	}
	p = rc->rc_cell[col];
	switch (CELL_TYPE(*p)) {
	case CELL_INT:
		sqlite3_result_int64(ctx, cell_int(p));
		break;
	case CELL_REAL:
		memcpy(&d, p + 1, sizeof(d));
		sqlite3_result_double(ctx, d);
		break;
	case CELL_TEXT:
		/* The rows stay put until the statement is done with them. */
		len = cell_text_len(p + 1, &text);
		sqlite3_result_text(ctx, (const char *)text, (int)len,
		    SQLITE_STATIC);
		break;
	case CELL_BLOB:
		len = cell_text_len(p + 1, &text);
		sqlite3_result_blob(ctx, text, (int)len, SQLITE_STATIC);
		break;
	default:
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int
rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct rows_cursor *)cur)->rc_row;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.iVersion = 0,
	.xCreate = rows_connect,
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xDestroy = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int
rows_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "vantage_rows", &rows_module, NULL) ==
	    SQLITE_OK ? 0 : -1;
}
