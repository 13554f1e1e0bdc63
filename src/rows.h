/* rows.h -- a batch's probe rows, held in memory and inserted at once */

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

#ifndef VANTAGE_ROWS_H
#define VANTAGE_ROWS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Rows of a fixed width (cells each), filled cell by cell in order; text
 * is copied.  A statement reads them through the virtual table module
 * vantage_rows (rows_register): a table made by
 *	CREATE VIRTUAL TABLE temp.t USING vantage_rows(WIDTH)
 * has columns c0 .. c(WIDTH-1) and yields the rows of the rowbuf bound
 * to its hidden column src (rows_bind), so that
 *	INSERT INTO x SELECT c0, c1 FROM temp.t WHERE src = ?1
 * inserts a whole batch in one statement instead of one a row.
 */
struct rowbuf;

/* The widest rows: SQLite's default column limit, less the column src. */
#define ROWS_MAX_WIDTH	1999


struct rowbuf	*rowbuf_new(size_t width);
void		 rowbuf_free(struct rowbuf *);	/* accepts NULL */
void		 rowbuf_reset(struct rowbuf *);	/* no rows, same width */
size_t		 rowbuf_rows(const struct rowbuf *);	/* complete rows */
size_t		 rowbuf_size(const struct rowbuf *);	/* bytes allocated */
void		 rowbuf_trim(struct rowbuf *);	/* no room to grow */
void		 rowbuf_int(struct rowbuf *, int64_t);
void		 rowbuf_real(struct rowbuf *, double);
void		 rowbuf_text(struct rowbuf *, const char *, size_t);
void		 rowbuf_null(struct rowbuf *);
/* A cell of v's type (a blob too: only SQL reads it back). */
void		 rowbuf_value(struct rowbuf *, sqlite3_value *v);
/*
 * The encoded cells (bytes of *lenp; borrowed until the rowbuf changes),
 * for a rows_source to hand over; rows_cell_len is the bytes of one cell.
 */
const unsigned char *rowbuf_bytes(const struct rowbuf *, size_t *lenp);
size_t		 rows_cell_len(const unsigned char *cell);
/*
 * Two encoded cells in SQLite's order of values (BINARY text): NULL,
 * numbers (an integer against a real exactly), text, blobs.
 */
int		 rows_cell_cmp(const unsigned char *, const unsigned char *);
/* Is cell an integer: 1 and its value in *vp, or 0. */
int		 rows_cell_int(const unsigned char *cell, int64_t *vp);
/* Bind rb as the value of src (the statement's parameter col). */
void		 rows_bind(sqlite3_stmt *, int col, struct rowbuf *rb);

/*
 * Rows handed over one at a time, as the statement reads them, never
 * copied: rs_next returns the encoded cells of the next row (and in
 * *prefixp a cell that comes first, or NULL), or NULL when there are no
 * more; len is the bytes (after the prefix) of the row it returned last,
 * 0 at the first call.  rs_width counts the prefix.  The cells stay put
 * until the statement is done; rs_next must not use the database.
 */
struct rows_source {
	size_t		 rs_width;
	const unsigned char *(*rs_next)(void *arg, size_t len,
			    const unsigned char **prefixp);
	void		*rs_arg;
};
/* Bind rs as the value of src (the statement's parameter col). */
void		 rows_bind_source(sqlite3_stmt *, int col, struct rows_source *);
/* Add the module vantage_rows to db: 0, or -1. */
int		 rows_register(sqlite3 *db);

#endif
