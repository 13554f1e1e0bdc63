/* sqlout.c -- print the rows of one SQL statement, as sqlite3's modes do */

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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sqlout.h"
#include "xmalloc.h"

static const char *const mode_names[] = {
	[SQLOUT_TABLE] = "table",
	[SQLOUT_BOX] = "box",
	[SQLOUT_MARKDOWN] = "markdown",
	[SQLOUT_CSV] = "csv",
	[SQLOUT_JSON] = "json",
	[SQLOUT_LINE] = "line",
};

struct sqlout {
	FILE		*so_f;
	sqlite3_stmt	*so_q;
	enum sqlout_mode so_mode;
	int		 so_ncols;
	size_t		*so_width;	/* aligned modes: in characters */
	struct buf	 so_raw;	/* scratch: one cell as text */
	struct buf	 so_cell;	/* scratch: one cell as shown */
	unsigned long long so_nrows;
};

int
sqlout_mode_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (strcmp(s, mode_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
sqlout_mode_name(int mode)
{
	if (mode < 0 || (size_t)mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		return NULL;
	return mode_names[mode];
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t
text_width(const char *s)
{
	size_t	n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Column c of the current row as text into so_raw: NULL is empty. */
static void
cell_raw(struct sqlout *so, int c)
{
	const unsigned char *p;
	int		 i, n;

	buf_reset(&so->so_raw);
	switch (sqlite3_column_type(so->so_q, c)) {
	case SQLITE_NULL:
		break;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(so->so_q, c);
		n = sqlite3_column_bytes(so->so_q, c);
		buf_puts(&so->so_raw, "x'");
		for (i = 0; i < n; i++)
			buf_printf(&so->so_raw, "%02x", p[i]);
		buf_putc(&so->so_raw, '\'');
		break;
	default:
		p = sqlite3_column_text(so->so_q, c);
		n = sqlite3_column_bytes(so->so_q, c);
		buf_add(&so->so_raw, p, n);
	}
}

/*
 * s as the aligned modes show it, into so_cell: control characters
 * escaped so that a row stays on one line, and in Markdown '|' as "\|".
 */
static const char *
cell_shown(struct sqlout *so, const char *s)
{
	unsigned char	ch;

	buf_reset(&so->so_cell);
	for (; (ch = *s) != '\0'; s++) {
		if (ch == '\n')
			buf_puts(&so->so_cell, "\\n");
		else if (ch == '\r')
			buf_puts(&so->so_cell, "\\r");
		else if (ch == '\t')
			buf_puts(&so->so_cell, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			buf_printf(&so->so_cell, "\\x%02x", ch);
		else if (ch == '|' && so->so_mode == SQLOUT_MARKDOWN)
			buf_puts(&so->so_cell, "\\|");
		else
			buf_putc(&so->so_cell, (char)ch);
	}
	return so->so_cell.b_data;
}

static void
put_n(FILE *f, const char *s, size_t n)
{
	while (n-- > 0)
		fputs(s, f);
}

/* ---- aligned modes: table, box, markdown ---- */

/* A rule: which is 0 top, 1 below the header, 2 bottom (box only). */
static void
aligned_rule(struct sqlout *so, int which)
{
	static const char *const box[3][3] = {
		{ "\u250c", "\u252c", "\u2510" },
		{ "\u251c", "\u253c", "\u2524" },
		{ "\u2514", "\u2534", "\u2518" },
	};
	int	c;

	for (c = 0; c < so->so_ncols; c++) {
		switch (so->so_mode) {
		case SQLOUT_TABLE:
			fputs(c ? "-+-" : "", so->so_f);
			put_n(so->so_f, "-", so->so_width[c]);
			break;
		case SQLOUT_BOX:
			fputs(box[which][c ? 1 : 0], so->so_f);
			put_n(so->so_f, "\u2500", so->so_width[c] + 2);
			break;
		default:
			fputs("|", so->so_f);
			put_n(so->so_f, "-", so->so_width[c] + 2);
		}
	}
	if (so->so_mode == SQLOUT_BOX)
		fputs(box[which][2], so->so_f);
	else if (so->so_mode == SQLOUT_MARKDOWN)
		fputs("|", so->so_f);
	fputc('\n', so->so_f);
}

/* One row of shown cells, padded to the widths (a longer one overflows). */
static void
aligned_row(struct sqlout *so, char **cells)
{
	const char	*sep, *end;
	size_t		 w;
	int		 c;

	switch (so->so_mode) {
	case SQLOUT_TABLE:
		sep = " | ";
		end = "";
		break;
	case SQLOUT_BOX:
		sep = " \u2502 ";
		end = " \u2502";
		fputs("\u2502 ", so->so_f);
		break;
	default:
		sep = " | ";
		end = " |";
		fputs("| ", so->so_f);
	}
	for (c = 0; c < so->so_ncols; c++) {
		fputs(c ? sep : "", so->so_f);
		fputs(cells[c], so->so_f);
		w = text_width(cells[c]);
		if (w < so->so_width[c])
			put_n(so->so_f, " ", so->so_width[c] - w);
	}
	fputs(end, so->so_f);
	fputc('\n', so->so_f);
}

static char **
aligned_cells(struct sqlout *so)
{
	char	**cells;
	int	  c;

	cells = xcalloc(so->so_ncols + 1, sizeof(*cells));
	for (c = 0; c < so->so_ncols; c++) {
		cell_raw(so, c);
		cells[c] = xstrdup(cell_shown(so, so->so_raw.b_data));
	}
	return cells;
}

static void
cells_free(struct sqlout *so, char **cells)
{
	int	c;

	for (c = 0; c < so->so_ncols; c++)
		free(cells[c]);
	free(cells);
}

/*
 * Up to SQLOUT_SAMPLE_ROWS rows are held to size the columns; the rest
 * stream past with those widths.
 */
static int
aligned_print(struct sqlout *so)
{
	char		***rows, **cells;
	size_t		 nrows = 0, r, w;
	int		 c, rc = SQLITE_DONE;

	rows = xcalloc(SQLOUT_SAMPLE_ROWS, sizeof(*rows));
	cells = xcalloc(so->so_ncols + 1, sizeof(*cells));
	for (c = 0; c < so->so_ncols; c++) {
		cells[c] = xstrdup(cell_shown(so,
		    sqlite3_column_name(so->so_q, c)));
		so->so_width[c] = text_width(cells[c]);
	}
	while (nrows < SQLOUT_SAMPLE_ROWS &&
	    (rc = sqlite3_step(so->so_q)) == SQLITE_ROW) {
		rows[nrows] = aligned_cells(so);
		for (c = 0; c < so->so_ncols; c++)
			if ((w = text_width(rows[nrows][c])) > so->so_width[c])
				so->so_width[c] = w;
		nrows++;
	}
	if (so->so_mode == SQLOUT_BOX)
		aligned_rule(so, 0);
	aligned_row(so, cells);
	cells_free(so, cells);
	aligned_rule(so, 1);
	for (r = 0; r < nrows; r++) {
		aligned_row(so, rows[r]);
		cells_free(so, rows[r]);
	}
	free(rows);
	so->so_nrows = nrows;
	if (nrows == SQLOUT_SAMPLE_ROWS) {
		while ((rc = sqlite3_step(so->so_q)) == SQLITE_ROW) {
			cells = aligned_cells(so);
			aligned_row(so, cells);
			cells_free(so, cells);
			so->so_nrows++;
		}
	}
	if (rc != SQLITE_DONE)
		return -1;
	if (so->so_mode == SQLOUT_BOX)
		aligned_rule(so, 2);
	else if (so->so_mode == SQLOUT_TABLE)
		fprintf(so->so_f, "(%llu row%s)\n", so->so_nrows,
		    so->so_nrows == 1 ? "" : "s");
	return 0;
}

/* ---- streaming modes: csv, json, line ---- */

static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_row(struct sqlout *so, struct buf *b)
{
	const char	*name, *t;
	int		 c, type;

	buf_reset(b);
	buf_puts(b, so->so_nrows > 0 ? ",\n{" : "\n{");
	for (c = 0; c < so->so_ncols; c++) {
		name = sqlite3_column_name(so->so_q, c);
		buf_puts(b, c ? ", " : "");
		buf_json_string(b, name, strlen(name));
		buf_puts(b, ": ");
		type = sqlite3_column_type(so->so_q, c);
		cell_raw(so, c);
		t = so->so_raw.b_data;
		if (type == SQLITE_NULL)
			buf_puts(b, "null");
		else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
			/* Inf and NaN have no JSON number. */
			buf_puts(b, strspn(t, "0123456789-+.eE") == strlen(t) ?
			    t : "null");
		else
			buf_json_string(b, t, so->so_raw.b_len);
	}
	buf_putc(b, '}');
	fwrite(b->b_data, 1, b->b_len, so->so_f);
}

static int
stream_print(struct sqlout *so)
{
	struct buf	 b;
	size_t		 namew = 0, w;
	int		 c, rc;

	buf_init(&b, 0);
	if (so->so_mode == SQLOUT_CSV) {
		for (c = 0; c < so->so_ncols; c++) {
			fputs(c ? "," : "", so->so_f);
			csv_field(so->so_f, sqlite3_column_name(so->so_q, c));
		}
		fputc('\n', so->so_f);
	} else if (so->so_mode == SQLOUT_JSON)
		fputc('[', so->so_f);
	else
		for (c = 0; c < so->so_ncols; c++)
			if ((w = text_width(sqlite3_column_name(so->so_q, c))) >
			    namew)
				namew = w;
	while ((rc = sqlite3_step(so->so_q)) == SQLITE_ROW) {
		switch (so->so_mode) {
		case SQLOUT_CSV:
			for (c = 0; c < so->so_ncols; c++) {
				cell_raw(so, c);
				fputs(c ? "," : "", so->so_f);
				csv_field(so->so_f, so->so_raw.b_data);
			}
			fputc('\n', so->so_f);
			break;
		case SQLOUT_JSON:
			json_row(so, &b);
			break;
		default:
			if (so->so_nrows > 0)
				fputc('\n', so->so_f);
			for (c = 0; c < so->so_ncols; c++) {
				const char *name =
				    sqlite3_column_name(so->so_q, c);

				put_n(so->so_f, " ", namew - text_width(name));
				cell_raw(so, c);
				fprintf(so->so_f, "%s = %s\n", name,
				    so->so_raw.b_data);
			}
		}
		so->so_nrows++;
	}
	buf_release(&b);
	if (so->so_mode == SQLOUT_JSON)
		fputs(so->so_nrows == 0 ? "]\n" : "\n]\n", so->so_f);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlout_print(FILE *f, sqlite3_stmt *q, enum sqlout_mode mode)
{
	struct sqlout	 so;
	int		 rc;

	memset(&so, 0, sizeof(so));
	so.so_f = f;
	so.so_q = q;
	so.so_mode = mode;
	so.so_ncols = sqlite3_column_count(q);
	so.so_width = xcalloc(so.so_ncols + 1, sizeof(*so.so_width));
	buf_init(&so.so_raw, 0);
	buf_init(&so.so_cell, 0);
	if (mode == SQLOUT_TABLE || mode == SQLOUT_BOX ||
	    mode == SQLOUT_MARKDOWN)
		rc = aligned_print(&so);
	else
		rc = stream_print(&so);
	buf_release(&so.so_raw);
	buf_release(&so.so_cell);
	free(so.so_width);
	return rc;
}
