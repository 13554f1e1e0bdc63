/* sqlout.h -- print the rows of one SQL statement, as sqlite3's modes do */

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

#ifndef VANTAGE_SQLOUT_H
#define VANTAGE_SQLOUT_H
#include <stdio.h>
#include <sqlite3.h>

enum sqlout_mode {
	SQLOUT_TABLE,		/* aligned, " | " between columns, row count */
	SQLOUT_BOX,		/* aligned, box-drawing borders */
	SQLOUT_MARKDOWN,	/* a GitHub-flavoured Markdown table */
	SQLOUT_CSV,		/* RFC 4180, header line */
	SQLOUT_JSON,		/* an array of objects */
	SQLOUT_LINE		/* "name = value" lines, a blank line between rows */
};

/*
 * The aligned modes size their columns from at most this many rows, held
 * in memory; later rows stream with those widths, a longer cell
 * overflowing its column.  Every other mode streams from the first row.
 */
#define SQLOUT_SAMPLE_ROWS	1000

/* The mode named s ("table", "box", ...), or -1. */
int	sqlout_mode_parse(const char *s);
/* The name of mode, or NULL past the last one (for listing them all). */
const char *sqlout_mode_name(int mode);

/*
 * Step q to its end, printing every row to f.  Returns 0, or -1 when
 * sqlite3_step failed (the caller reports the error); rows before the
 * failure have been printed.
 */
int	sqlout_print(FILE *f, sqlite3_stmt *q, enum sqlout_mode mode);
#endif
