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
#include "xmalloc.h"

#define ROWS_PTR_TYPE	"vantage_rows"

enum { CELL_NULL, CELL_INT, CELL_REAL, CELL_TEXT };

struct cell {
	int		 c_type;
	int64_t		 c_int;		/* CELL_TEXT: the offset in rb_text */
	double		 c_real;
	size_t		 c_len;
};

struct rowbuf {
	size_t		 rb_width;
	struct cell	*rb_cells;
	size_t		 rb_n;		/* cells filled */
	size_t		 rb_cap;
	struct buf	 rb_text;
};

struct rowbuf *
rowbuf_new(size_t width)
{
	struct rowbuf	*rb = xcalloc(1, sizeof(*rb));

	rb->rb_width = width;
	buf_init(&rb->rb_text, 0);
	return rb;
}

void
rowbuf_free(struct rowbuf *rb)
{
	if (rb == NULL)
		return;
	free(rb->rb_cells);
	buf_release(&rb->rb_text);
	free(rb);
}

void
rowbuf_reset(struct rowbuf *rb)
{
	rb->rb_n = 0;
	buf_reset(&rb->rb_text);
}

size_t
rowbuf_rows(const struct rowbuf *rb)
{
	return rb->rb_width ? rb->rb_n / rb->rb_width : 0;
}

static struct cell *
cell_add(struct rowbuf *rb, int type)
{
	struct cell	*c;

	if (rb->rb_n == rb->rb_cap) {
		rb->rb_cap = rb->rb_cap == 0 ? 1024 : rb->rb_cap * 2;
		rb->rb_cells = xreallocarray(rb->rb_cells, rb->rb_cap,
		    sizeof(*rb->rb_cells));
	}
	c = &rb->rb_cells[rb->rb_n++];
	c->c_type = type;
	return c;
}

void
rowbuf_int(struct rowbuf *rb, int64_t v)
{
	cell_add(rb, CELL_INT)->c_int = v;
}

void
rowbuf_real(struct rowbuf *rb, double v)
{
	cell_add(rb, CELL_REAL)->c_real = v;
}

void
rowbuf_text(struct rowbuf *rb, const char *s, size_t len)
{
	struct cell	*c = cell_add(rb, CELL_TEXT);

	c->c_int = (int64_t)rb->rb_text.b_len;
	c->c_len = len;
	buf_add(&rb->rb_text, s, len);
}

void
rowbuf_null(struct rowbuf *rb)
{
	cell_add(rb, CELL_NULL);
}

void
rows_bind(sqlite3_stmt *stmt, int col, struct rowbuf *rb)
{
	sqlite3_bind_pointer(stmt, col, rb, ROWS_PTR_TYPE, NULL);
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
	size_t		 rc_row;
	size_t		 rc_nrows;
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
	struct rows_cursor *rc;

	(void)vtab;
	if ((rc = sqlite3_malloc(sizeof(*rc))) == NULL)
		return SQLITE_NOMEM;
	memset(rc, 0, sizeof(*rc));
	*curp = &rc->rc_base;
	return SQLITE_OK;
}

static int
rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
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
	rc->rc_rb = argc == 1 ? sqlite3_value_pointer(argv[0], ROWS_PTR_TYPE) :
	    NULL;
	if (rc->rc_rb == NULL)
		return SQLITE_OK;	/* no rows bound: none */
	if (rc->rc_rb->rb_width != rv->rv_width) {
		cur->pVtab->zErrMsg = sqlite3_mprintf("vantage_rows: rows of "
		    "%zu cells for a table of %zu columns",
		    rc->rc_rb->rb_width, rv->rv_width);
		return SQLITE_ERROR;
	}
	rc->rc_nrows = rowbuf_rows(rc->rc_rb);
	return SQLITE_OK;
}

static int
rows_next(sqlite3_vtab_cursor *cur)
{
	((struct rows_cursor *)cur)->rc_row++;
	return SQLITE_OK;
}

static int
rows_eof(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;

	return rc->rc_row >= rc->rc_nrows;
}

static int
rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_cursor *rc = (struct rows_cursor *)cur;
	const struct rowbuf *rb = rc->rc_rb;
	const struct cell *c;

	if ((size_t)col >= rb->rb_width) {
		sqlite3_result_null(ctx);	/* src */
		return SQLITE_OK;
	}
	c = &rb->rb_cells[rc->rc_row * rb->rb_width + (size_t)col];
	switch (c->c_type) {
	case CELL_INT:
		sqlite3_result_int64(ctx, c->c_int);
		break;
	case CELL_REAL:
		sqlite3_result_double(ctx, c->c_real);
		break;
	case CELL_TEXT:
		/* The rows stay put until the statement is done with them. */
		sqlite3_result_text(ctx, c->c_len > 0 ? rb->rb_text.b_data +
		    c->c_int : "", (int)c->c_len, SQLITE_STATIC);
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
