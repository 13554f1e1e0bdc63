/* items.h -- a probe's items for the whole run, from one scan */

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

#ifndef VANTAGE_ITEMS_H
#define VANTAGE_ITEMS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define ITEM_MAX_BYTES	4096	/* longer items are refused, not sent */

struct buf;
struct nodeset;

/*
 * The items of a probe with items_scope: run.  Its items query runs once
 * for the run and yields the item, optionally its key, then one or more
 * columns named node_id: each row's item is asked of every node those
 * columns name.  Each item and text key is held once however many nodes
 * ask about it; each node has the rows it asks about, in the order of
 * their stored identity (the key, else the item) as the probe table's
 * primary key sorts it, each identity once (the first row wins).
 */
struct run_items;

/*
 * Run q (prepared, its parameters bound; :node_id is refused) and group
 * its rows by the nodes of ns.  what names the probe in messages.  NULL
 * on failure, with a warning logged.
 */
struct run_items *run_items_load(sqlite3_stmt *q, const struct nodeset *ns,
		    const char *what);
/* The rows node asks about (borrowed until run_items_node_done). */
size_t		 run_items_node(const struct run_items *, size_t node,
		    const uint32_t **rowsp);
#define RUN_ITEMS_HEX_LEN	42	/* "0x" and 40 hex digits */
/*
 * A row's item, and whether it is an SQL integer (sent as a JSON number):
 * in the run's block (borrowed), or written to hex (an address, kept as
 * its bytes).
 */
const char	*run_items_item(const struct run_items *, uint32_t row,
		    char hex[RUN_ITEMS_HEX_LEN + 1], int *is_int);
/* The length of a row's item, without writing it out. */
size_t		 run_items_item_len(const struct run_items *, uint32_t row);
/*
 * A row's stored identity (its key, else its item): 1 and the integer in
 * *iv, or 0 and the text in *text (borrowed).
 */
int		 run_items_id(const struct run_items *, uint32_t row,
		    int64_t *iv, const char **text);
/*
 * A hint that row's entry (RUN_ITEMS_ROW) or its item's bytes
 * (RUN_ITEMS_ITEM, its entry read) are read soon: a batch reads rows
 * far apart in the block, each a cache miss when read one by one.
 */
#define RUN_ITEMS_ROW	0
#define RUN_ITEMS_ITEM	1
void		 run_items_prefetch(const struct run_items *, uint32_t row,
		    int what);
/*
 * The items of rows[0..n) appended to body as a JSON array's elements,
 * comma-separated, as probe_body writes them (an integer as it is, text
 * as a string, an address decoded in its place): offs[i] and lens[i] say
 * where item i lies in body, ids[i] and id_int[i] its identity if an
 * integer (run_items_id).  -1 if an item is text JSON escapes, so that
 * it is not in body as it is: body is then left holding some of them.
 */
int		 run_items_json(const struct run_items *, const uint32_t *rows,
		    size_t n, struct buf *body, size_t *offs, uint32_t *lens,
		    int64_t *ids, uint8_t *id_int);
/* Node is done: its list of rows goes. */
void		 run_items_node_done(struct run_items *, size_t node);
void		 run_items_free(struct run_items *);	/* accepts NULL */

#endif
