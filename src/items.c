/* items.c -- a probe's items for the whole run, from one scan */

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
 * One scan of the items query replaces a query per node: the store reads
 * the run's table once, in the order it is stored, and no index has to
 * be built to find a node's items.  What is kept is compact: every item
 * (and text key) once in one block of text (an address, "0x" and 40
 * lowercase hex digits, as its 20 bytes), 16 bytes per row beside it,
 * and 4 bytes per row and node that asks about it.  Each node's rows are
 * sorted as the probe table's primary key sorts what it stores, so the
 * node's answers go into the table as one ascending run.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "discover.h"
#include "items.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define RI_ITEM_INT	0x01	/* the item is an SQL integer */
#define RI_ID_INT	0x02	/* rr_id is the integer identity, else the
				   offset of its text in ri_text */
#define RI_ITEM_HEX	0x04	/* the item is "0x" and 40 lowercase hex
				   digits (a wallet), kept as its 20 bytes */

#define HEX_BYTES	((RUN_ITEMS_HEX_LEN - 2) / 2)

struct node_rows {
	uint32_t	*nr_rows;
	size_t		 nr_n;
	size_t		 nr_cap;
	int64_t		 nr_last;	/* the last row's id, while NR_ASCENDING */
	int		 nr_order;
};

/*
 * What the load saw of a node's rows, so that node_finish need not read
 * them all again (a million rows apart in memory) to learn it.
 */
#define NR_ASCENDING	0	/* integer ids, each above the one before */
#define NR_UNKNOWN	1	/* a text id among them: to be compared */
#define NR_UNSORTED	2	/* integer ids, one below the one before */

/* A row, in one cache line's quarter: read at once, not from three arrays. */
struct ri_row {
	int64_t		 rr_id;		/* see RI_ID_INT */
	uint32_t	 rr_item;	/* its item's offset in ri_text */
	uint8_t		 rr_flags;
};

struct run_items {
	struct buf	 ri_text;	/* items and text keys, NUL-terminated */
	struct ri_row	*ri_rows;
	size_t		 ri_n;
	size_t		 ri_cap;
	struct node_rows *ri_nodes;	/* per node of the run */
	size_t		 ri_nnodes;
};

/*
 * The run's nodes by id, as SQL compares them: integer ids (and reals
 * with an integer value) in an open-addressed table, others by their
 * text with a type tag ("t" text, "r" and the bits of a real, whose
 * 15-digit text would make 0.3 of 0.1 + 0.2), so that 5 and '5' differ.
 */
struct node_map {
	int64_t		*nm_ids;
	int32_t		*nm_idx;	/* node index, -1: free slot */
	size_t		 nm_mask;
	char		**nm_tags;	/* per node: its tagged text, or "" */
	size_t		 nm_ntags;
	struct strindex	 nm_si;
	struct buf	 nm_buf;	/* a row's tagged text */
};

static size_t
int_slot(int64_t v, size_t mask)
{
	return (size_t)(((uint64_t)v * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

/* A real's tag: 'r' and its bits in hex. */
static void
real_tag(double d, char *s, size_t len)
{
	uint64_t	 bits;

	memcpy(&bits, &d, sizeof(bits));
	snprintf(s, len, "r%016" PRIx64, bits);
}

static void
node_map_init(struct node_map *nm, const struct nodeset *ns)
{
	sqlite3_value	*v;
	size_t		 size = 16, i, h;
	int64_t		 iv;
	int		 is_int;
	char		 tag[24];

	memset(nm, 0, sizeof(*nm));
	buf_init(&nm->nm_buf, 0);
	while (size < 2 * ns->ns_len)
		size *= 2;
	nm->nm_mask = size - 1;
	nm->nm_ids = xcalloc(size, sizeof(*nm->nm_ids));
	nm->nm_idx = xreallocarray(NULL, size, sizeof(*nm->nm_idx));
	for (i = 0; i < size; i++)
		nm->nm_idx[i] = -1;
	nm->nm_tags = xcalloc(ns->ns_len + 1, sizeof(*nm->nm_tags));
	nm->nm_ntags = ns->ns_len;
	for (i = 0; i < ns->ns_len; i++) {
		v = ns->ns_nodes[i].n_id;
		is_int = 0;
		if (sqlite3_value_type(v) == SQLITE_INTEGER) {
			iv = sqlite3_value_int64(v);
			is_int = 1;
		} else if (sqlite3_value_type(v) == SQLITE_FLOAT)
			is_int = real_int_value(sqlite3_value_double(v), &iv);
		if (is_int) {
			nm->nm_tags[i] = xstrdup("");
			for (h = int_slot(iv, nm->nm_mask); nm->nm_idx[h] != -1;
			    h = (h + 1) & nm->nm_mask)
				if (nm->nm_ids[h] == iv)
					break;
			if (nm->nm_idx[h] == -1) {
				nm->nm_ids[h] = iv;
				nm->nm_idx[h] = (int32_t)i;
			}
			continue;
		}
		if (sqlite3_value_type(v) == SQLITE_FLOAT) {
			real_tag(sqlite3_value_double(v), tag, sizeof(tag));
			nm->nm_tags[i] = xstrdup(tag);
		} else
			xasprintf(&nm->nm_tags[i], "t%s",
			    (const char *)sqlite3_value_text(v));
	}
	strindex_init(&nm->nm_si, nm->nm_tags, nm->nm_ntags);
}

static void
node_map_release(struct node_map *nm)
{
	size_t	i;

	for (i = 0; i < nm->nm_ntags; i++)
		free(nm->nm_tags[i]);
	free(nm->nm_tags);
	free(nm->nm_ids);
	free(nm->nm_idx);
	strindex_release(&nm->nm_si);
	buf_release(&nm->nm_buf);
}

/* The node that column col of the current row names, or -1. */
static ssize_t
node_map_find(struct node_map *nm, sqlite3_stmt *q, int col)
{
	const char	*text;
	size_t		 h;
	int64_t		 iv;
	int		 type = sqlite3_column_type(q, col);
	char		 tag[24];

	switch (type) {
	case SQLITE_INTEGER:
		iv = sqlite3_column_int64(q, col);
		break;
	case SQLITE_FLOAT:
		if (real_int_value(sqlite3_column_double(q, col), &iv))
			break;
		real_tag(sqlite3_column_double(q, col), tag, sizeof(tag));
		return strindex_find(&nm->nm_si, nm->nm_tags, tag,
		    strlen(tag));
	case SQLITE_TEXT:
		text = (const char *)sqlite3_column_text(q, col);
		buf_reset(&nm->nm_buf);
		buf_putc(&nm->nm_buf, 't');
		buf_add(&nm->nm_buf, text, strlen(text));
		return strindex_find(&nm->nm_si, nm->nm_tags,
		    nm->nm_buf.b_data, nm->nm_buf.b_len);
	default:
		return -1;	/* NULL names no node; a blob never equals an id */
	}
	for (h = int_slot(iv, nm->nm_mask); nm->nm_idx[h] != -1;
	    h = (h + 1) & nm->nm_mask)
		if (nm->nm_ids[h] == iv)
			return nm->nm_idx[h];
	return -1;
}

/* Append text (and its NUL) to ri_text; its offset, or -1 if too big. */
static int64_t
text_add(struct run_items *ri, const char *text, size_t len)
{
	size_t	off = ri->ri_text.b_len;

	if (off + len + 1 > UINT32_MAX)
		return -1;
	buf_add(&ri->ri_text, text, len + 1);
	return (int64_t)off;
}

static void
node_add(const struct run_items *ri, struct node_rows *nr, uint32_t row)
{
	const struct ri_row *r = &ri->ri_rows[row];

	/* A row naming the node twice is its row once, as dedupe keeps it. */
	if (nr->nr_n > 0 && nr->nr_rows[nr->nr_n - 1] == row)
		return;
	if (nr->nr_n == nr->nr_cap) {
		nr->nr_cap = nr->nr_cap == 0 ? 256 : nr->nr_cap * 2;
		nr->nr_rows = xreallocarray(nr->nr_rows, nr->nr_cap,
		    sizeof(*nr->nr_rows));
	}
	if (!(r->rr_flags & RI_ID_INT))
		nr->nr_order = NR_UNKNOWN;
	else if (nr->nr_order == NR_ASCENDING) {
		if (nr->nr_n > 0 && r->rr_id <= nr->nr_last)
			nr->nr_order = r->rr_id < nr->nr_last ? NR_UNSORTED :
			    NR_UNKNOWN;	/* an id twice: sorted, not unique */
		nr->nr_last = r->rr_id;
	}
	nr->nr_rows[nr->nr_n++] = row;
}

/* The order of the probe table's key (integers before text), then rows. */
static const struct run_items *sort_ri;

static int
row_cmp(const struct run_items *ri, uint32_t a, uint32_t b)
{
	const struct ri_row *x = &ri->ri_rows[a], *y = &ri->ri_rows[b];
	int	ia = x->rr_flags & RI_ID_INT, ib = y->rr_flags & RI_ID_INT;
	int	c;

	if (ia && ib) {
		if (x->rr_id != y->rr_id)
			return x->rr_id < y->rr_id ? -1 : 1;
	} else if (ia != ib)
		return ia ? -1 : 1;
	else if ((c = strcmp(ri->ri_text.b_data + x->rr_id,
	    ri->ri_text.b_data + y->rr_id)) != 0)
		return c;
	return a < b ? -1 : a > b;
}

static int
row_qsort_cmp(const void *a, const void *b)
{
	return row_cmp(sort_ri, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* A row with an integer id, for sorting without looking the id up. */
struct int_row {
	uint64_t	 ir_key;	/* the id with its sign bit flipped */
	uint32_t	 ir_row;
};

/*
 * Sort rows whose ids are all integers (0, or -1 if one is not) by a
 * radix sort, a pass for each byte in which the ids differ: stable, so
 * rows with one id stay in the order the query gave them.
 */
static int
sort_int_rows(const struct run_items *ri, struct node_rows *nr)
{
	struct int_row	*v, *w, *t;
	uint64_t	 all_or = 0, all_and = UINT64_MAX;
	size_t		 count[256], i, n = nr->nr_n, sum, c;
	unsigned int	 shift;

	for (i = 0; i < n; i++)
		if (!(ri->ri_rows[nr->nr_rows[i]].rr_flags & RI_ID_INT))
			return -1;
	v = xreallocarray(NULL, n, sizeof(*v));
	w = xreallocarray(NULL, n, sizeof(*w));
	for (i = 0; i < n; i++) {
		v[i].ir_key = (uint64_t)ri->ri_rows[nr->nr_rows[i]].rr_id ^
		    (1ULL << 63);
		v[i].ir_row = nr->nr_rows[i];
		all_or |= v[i].ir_key;
		all_and &= v[i].ir_key;
	}
	for (shift = 0; shift < 64; shift += 8) {
		if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
			continue;	/* every id has this byte */
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(v[i].ir_key >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			w[count[(v[i].ir_key >> shift) & 0xff]++] = v[i];
		t = v;
		v = w;
		w = t;
	}
	for (i = 0; i < n; i++)
		nr->nr_rows[i] = v[i].ir_row;
	free(v);
	free(w);
	return 0;
}

static int
same_id(const struct run_items *ri, uint32_t a, uint32_t b)
{
	const struct ri_row *x = &ri->ri_rows[a], *y = &ri->ri_rows[b];
	int	ia = x->rr_flags & RI_ID_INT, ib = y->rr_flags & RI_ID_INT;

	if (ia != ib)
		return 0;
	if (ia)
		return x->rr_id == y->rr_id;
	return strcmp(ri->ri_text.b_data + x->rr_id,
	    ri->ri_text.b_data + y->rr_id) == 0;
}

/*
 * A text id that is an integer id's text ('7' and 7) is that id, as
 * items_scope node has it (its task_dedupe compares text): of the two,
 * the first row stays.  The rows are sorted, integers first, each id once.
 */
static void
node_text_ints(const struct run_items *ri, struct node_rows *nr)
{
	const struct ri_row *x;
	const char	*text;
	char		 num[32], *end, *drop = NULL;
	size_t		 b, lo, hi, mid, j, o;
	int64_t		 v;

	if (nr->nr_n < 2 || (ri->ri_rows[nr->nr_rows[nr->nr_n - 1]].rr_flags &
	    RI_ID_INT) || !(ri->ri_rows[nr->nr_rows[0]].rr_flags & RI_ID_INT))
		return;		/* integers only, or text only */
	for (b = 0; b < nr->nr_n; b++)
		if (!(ri->ri_rows[nr->nr_rows[b]].rr_flags & RI_ID_INT))
			break;
	if (b == 0 || b == nr->nr_n)
		return;
	for (j = b; j < nr->nr_n; j++) {
		text = ri->ri_text.b_data + ri->ri_rows[nr->nr_rows[j]].rr_id;
		errno = 0;
		v = strtoll(text, &end, 10);
		if (errno != 0 || *end != '\0' || end == text)
			continue;
		snprintf(num, sizeof(num), "%" PRId64, v);
		if (strcmp(num, text) != 0)
			continue;	/* " 7", "+7", "07": not 7's text */
		for (lo = 0, hi = b; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			x = &ri->ri_rows[nr->nr_rows[mid]];
			if (x->rr_id < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == b || ri->ri_rows[nr->nr_rows[lo]].rr_id != v)
			continue;
		if (drop == NULL)
			drop = xcalloc(nr->nr_n, 1);
		drop[nr->nr_rows[lo] < nr->nr_rows[j] ? j : lo] = 1;
	}
	if (drop == NULL)
		return;
	for (j = 0, o = 0; j < nr->nr_n; j++)
		if (!drop[j])
			nr->nr_rows[o++] = nr->nr_rows[j];
	nr->nr_n = o;
	free(drop);
}

/* Sort a node's rows (unless they came sorted) and keep each id once. */
static void
node_finish(struct run_items *ri, struct node_rows *nr)
{
	size_t	i, o;

	if (nr->nr_order == NR_ASCENDING) {	/* sorted, each id once */
		o = nr->nr_n;
		goto done;
	}
	for (i = 1; i < nr->nr_n; i++)
		if (row_cmp(ri, nr->nr_rows[i - 1], nr->nr_rows[i]) > 0)
			break;
	if (i < nr->nr_n && sort_int_rows(ri, nr) == -1) {
		sort_ri = ri;
		qsort(nr->nr_rows, nr->nr_n, sizeof(*nr->nr_rows),
		    row_qsort_cmp);
		sort_ri = NULL;
	}
	for (i = 1, o = nr->nr_n > 0; i < nr->nr_n; i++)
		if (!same_id(ri, nr->nr_rows[o - 1], nr->nr_rows[i]))
			nr->nr_rows[o++] = nr->nr_rows[i];
	nr->nr_n = o;
	node_text_ints(ri, nr);
	o = nr->nr_n;
done:
	if (o == 0) {
		free(nr->nr_rows);
		nr->nr_rows = NULL;
	} else
		nr->nr_rows = xreallocarray(nr->nr_rows, o, sizeof(*nr->nr_rows));
	nr->nr_cap = o;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NIBBLES		0x000f000f000f000fULL
#define BYTES_OF(c)	(0x0101010101010101ULL * (c))

/*
 * Four bytes as eight lowercase hex digits, at once: each byte spread
 * over two (its high nibble first, as the little-endian word stores
 * them), and each nibble made a digit, '0' + n, 39 more past 9 (n + 6
 * carries into bit 4 just then).  No byte of the word carries into the
 * next: a run's addresses are decoded this way millions of times.
 */
static void
hex_word(char *out, const unsigned char *raw)
{
	uint64_t	 x, n;

	x = (uint64_t)raw[0] | (uint64_t)raw[1] << 16 |
	    (uint64_t)raw[2] << 32 | (uint64_t)raw[3] << 48;
	n = (x >> 4 & NIBBLES) | (x & NIBBLES) << 8;
	n += BYTES_OF('0') + ((n + BYTES_OF(6)) >> 4 & BYTES_OF(1)) * 39;
	memcpy(out, &n, sizeof(n));
}
#else
/* Every byte as two lowercase hex digits. */
static const char hex_pairs[513] =
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
#endif

/*
 * A lowercase hex digit's value + 1, else 0: read without a branch, as a
 * run's addresses are random digits a branch would guess wrong half the
 * time.
 */
static const uint8_t hex_values[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16
};

/*
 * If text is an address ("0x" and 40 lowercase hex digits), append its
 * 20 bytes to ri_text: their offset; -1 if it is not one, -2 if too big.
 */
static int64_t
hex_add(struct run_items *ri, const char *text, size_t len)
{
	unsigned char	 raw[HEX_BYTES];
	size_t		 off = ri->ri_text.b_len, i;
	unsigned int	 hi, lo, bad = 0;

	if (len != RUN_ITEMS_HEX_LEN || text[0] != '0' || text[1] != 'x')
		return -1;
	for (i = 0; i < sizeof(raw); i++) {
		hi = hex_values[(unsigned char)text[2 + 2 * i]];
		lo = hex_values[(unsigned char)text[3 + 2 * i]];
		bad |= (hi == 0) | (lo == 0);
		raw[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	if (bad)
		return -1;
	if (off + sizeof(raw) > UINT32_MAX)
		return -2;
	buf_add(&ri->ri_text, raw, sizeof(raw));
	return (int64_t)off;
}

/*
 * Add the current row of q (item, key if keyed; type0 the item's SQL
 * type): its index, or -1.
 */
static int64_t
row_add(struct run_items *ri, sqlite3_stmt *q, int keyed, int type0)
{
	const char	*text;
	size_t		 len;
	int64_t		 off, id;
	uint8_t		 flags = 0;
	int		 idcol = keyed ? 1 : 0;

	if (ri->ri_n == UINT32_MAX)
		return -1;
	text = (const char *)sqlite3_column_text(q, 0);
	len = strlen(text);
	/* Unkeyed, the item is the id, compared as text: kept as text. */
	off = -1;
	if (keyed && type0 == SQLITE_TEXT &&
	    (off = hex_add(ri, text, len)) == -2)
		return -1;
	if (off >= 0)
		flags |= RI_ITEM_HEX;
	else if ((off = text_add(ri, text, len)) == -1)
		return -1;
	if (type0 == SQLITE_INTEGER)
		flags |= RI_ITEM_INT;
	if (sqlite3_column_type(q, idcol) == SQLITE_INTEGER) {
		flags |= RI_ID_INT;
		id = sqlite3_column_int64(q, idcol);
	} else if (keyed) {
		text = (const char *)sqlite3_column_text(q, 1);
		if ((id = text_add(ri, text, strlen(text))) == -1)
			return -1;
	} else
		id = off;
	if (ri->ri_n == ri->ri_cap) {
		ri->ri_cap = ri->ri_cap == 0 ? 1024 : ri->ri_cap * 2;
		ri->ri_rows = xreallocarray(ri->ri_rows, ri->ri_cap,
		    sizeof(*ri->ri_rows));
	}
	ri->ri_rows[ri->ri_n].rr_id = id;
	ri->ri_rows[ri->ri_n].rr_item = (uint32_t)off;
	ri->ri_rows[ri->ri_n].rr_flags = flags;
	return (int64_t)ri->ri_n++;
}

struct run_items *
run_items_load(sqlite3_stmt *q, const struct nodeset *ns, const char *what)
{
	struct run_items *ri;
	struct node_map	 nm;
	ssize_t		 node;
	int64_t		 row, too_long = 0, null_key = 0;
	int		 ncols, first_node, keyed, c, rc, type0;

	ncols = sqlite3_column_count(q);
	for (first_node = ncols; first_node > 0; first_node--)
		if (strcasecmp(sqlite3_column_name(q, first_node - 1),
		    "node_id") != 0)
			break;
	if (first_node < 1 || first_node > 2 || first_node == ncols) {
		log_warnx("probe %s: with items_scope run, the items query "
		    "yields the item, optionally its key, then one or more "
		    "columns named node_id", what);
		return NULL;
	}
	if (sqlite3_bind_parameter_index(q, ":node_id") > 0) {
		log_warnx("probe %s: with items_scope run, the items query "
		    "runs once a run: it has no :node_id", what);
		return NULL;
	}
	keyed = first_node == 2;
	ri = xcalloc(1, sizeof(*ri));
	buf_init(&ri->ri_text, 0);
	ri->ri_nnodes = ns->ns_len;
	ri->ri_nodes = xcalloc(ns->ns_len + 1, sizeof(*ri->ri_nodes));
	node_map_init(&nm, ns);
	sqlite3_reset(q);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((type0 = sqlite3_column_type(q, 0)) == SQLITE_NULL)
			continue;
		if (sqlite3_column_bytes(q, 0) > ITEM_MAX_BYTES) {
			too_long++;
			continue;
		}
		if (keyed && sqlite3_column_type(q, 1) == SQLITE_NULL) {
			null_key++;
			continue;
		}
		row = -1;
		for (c = first_node; c < ncols; c++) {
			if ((node = node_map_find(&nm, q, c)) == -1)
				continue;
			if (row == -1 &&
			    (row = row_add(ri, q, keyed, type0)) == -1)
				break;
			node_add(ri, &ri->ri_nodes[node], (uint32_t)row);
		}
		if (c < ncols) {
			log_warnx("probe %s: more than 4 GiB of items", what);
			rc = SQLITE_FULL;
			break;
		}
	}
	node_map_release(&nm);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_FULL)
			log_warnx("probe %s: items: %s", what, sqlite3_errmsg(
			    sqlite3_db_handle(q)));
		sqlite3_reset(q);
		run_items_free(ri);
		return NULL;
	}
	sqlite3_reset(q);
	if (too_long > 0)
		log_warnx("probe %s: %" PRId64 " items longer than %d bytes; "
		    "skipped", what, too_long, ITEM_MAX_BYTES);
	if (null_key > 0)
		log_warnx("probe %s: %" PRId64 " items with a NULL key; skipped",
		    what, null_key);
	for (node = 0; (size_t)node < ri->ri_nnodes; node++)
		node_finish(ri, &ri->ri_nodes[node]);
	return ri;
}

size_t
run_items_node(const struct run_items *ri, size_t node, const uint32_t **rowsp)
{
	*rowsp = ri->ri_nodes[node].nr_rows;
	return ri->ri_nodes[node].nr_n;
}

size_t
run_items_item_len(const struct run_items *ri, uint32_t row)
{
	const struct ri_row *r = &ri->ri_rows[row];

	if (r->rr_flags & RI_ITEM_HEX)
		return RUN_ITEMS_HEX_LEN;
	return strlen(ri->ri_text.b_data + r->rr_item);
}

const char *
run_items_item(const struct run_items *ri, uint32_t row,
    char hex[RUN_ITEMS_HEX_LEN + 1], int *is_int)
{
	const struct ri_row *r = &ri->ri_rows[row];
	const unsigned char *raw;
	size_t		 i;

	*is_int = (r->rr_flags & RI_ITEM_INT) != 0;
	if (!(r->rr_flags & RI_ITEM_HEX))
		return ri->ri_text.b_data + r->rr_item;
	raw = (const unsigned char *)ri->ri_text.b_data + r->rr_item;
	hex[0] = '0';
	hex[1] = 'x';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (i = 0; i < HEX_BYTES; i += 4)
		hex_word(hex + 2 + 2 * i, raw + i);
#else
	for (i = 0; i < HEX_BYTES; i++)
		memcpy(hex + 2 + 2 * i, hex_pairs + 2 * raw[i], 2);
#endif
	hex[RUN_ITEMS_HEX_LEN] = '\0';
	return hex;
}

int
run_items_id(const struct run_items *ri, uint32_t row, int64_t *iv,
    const char **text)
{
	if (ri->ri_rows[row].rr_flags & RI_ID_INT) {
		*iv = ri->ri_rows[row].rr_id;
		return 1;
	}
	*text = ri->ri_text.b_data + ri->ri_rows[row].rr_id;
	return 0;
}

void
run_items_prefetch(const struct run_items *ri, uint32_t row, int what)
{
	if (what == RUN_ITEMS_ROW)
		PREFETCH(&ri->ri_rows[row]);
	else
		PREFETCH(ri->ri_text.b_data + ri->ri_rows[row].rr_item);
}


int
run_items_json(const struct run_items *ri, const uint32_t *rows, size_t n,
    struct buf *body, size_t *offs, uint32_t *lens, int64_t *ids,
    uint8_t *id_int)
{
	const struct ri_row *r;
	const char	*item;
	size_t		 i, len, start;
	char		*p;
	int		 is_int;

	for (i = 0; i < n; i++) {
		/*
		 * The rows lie far apart (a node asks about one user in
		 * thirty): a row's entry is asked for two steps ahead of its
		 * item's bytes, which need the entry to be found.
		 */
		if (i + 2 * PREFETCH_AHEAD < n)
			PREFETCH(&ri->ri_rows[rows[i + 2 * PREFETCH_AHEAD]]);
		if (i + PREFETCH_AHEAD < n)
			PREFETCH(ri->ri_text.b_data +
			    ri->ri_rows[rows[i + PREFETCH_AHEAD]].rr_item);
		r = &ri->ri_rows[rows[i]];
		id_int[i] = (r->rr_flags & RI_ID_INT) != 0;
		ids[i] = id_int[i] ? r->rr_id : -1;
		if (i > 0)
			buf_putc(body, ',');
		buf_reserve(body, RUN_ITEMS_HEX_LEN + 3);
		p = body->b_data + body->b_len;
		if (r->rr_flags & RI_ITEM_HEX) {
			*p = '"';	/* decoded in its place */
			run_items_item(ri, rows[i], p + 1, &is_int);
			offs[i] = body->b_len + 1;
			len = RUN_ITEMS_HEX_LEN;
			body->b_len += 1 + len;
			buf_putc(body, '"');
		} else if (r->rr_flags & RI_ITEM_INT) {
			item = ri->ri_text.b_data + r->rr_item;
			offs[i] = body->b_len;
			len = strlen(item);
			buf_add(body, item, len);
		} else {
			item = ri->ri_text.b_data + r->rr_item;
			start = body->b_len;
			len = strlen(item);
			buf_json_string(body, item, len);
			if (body->b_len - start != len + 2)
				return -1;	/* escaped: not as it is */
			offs[i] = start + 1;
		}
		lens[i] = (uint32_t)len;
	}
	return 0;
}

void
run_items_node_done(struct run_items *ri, size_t node)
{
	free(ri->ri_nodes[node].nr_rows);
	memset(&ri->ri_nodes[node], 0, sizeof(ri->ri_nodes[node]));
}

void
run_items_free(struct run_items *ri)
{
	size_t	i;

	if (ri == NULL)
		return;
	for (i = 0; i < ri->ri_nnodes; i++)
		free(ri->ri_nodes[i].nr_rows);
	free(ri->ri_nodes);
	free(ri->ri_rows);
	buf_release(&ri->ri_text);
	free(ri);
}
