/* source.h -- discovery sources: where a run's nodes and index tables come from */

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

#ifndef VANTAGE_SOURCE_H
#define VANTAGE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "conf-keys.h"

struct config;
struct labels;
struct source_sink;
struct table_conf;

/* A value a source hands over: a node id or a cell of an index table. */
enum sval_type {
	SV_NULL,
	SV_INTEGER,
	SV_REAL,
	SV_TEXT
};

struct sval {
	enum sval_type	 sv_type;
	int64_t		 sv_int;
	double		 sv_real;
	const char	*sv_text;	/* borrowed; sv_len bytes */
	size_t		 sv_len;
};

/*
 * A kind of source, one file each (source-sqlite.c, source-static.c, ...),
 * picked by discovery.source.  sk_kind.kd_keys are the keys of the
 * discovery section only this kind understands; they decode into a struct
 * of kd_conf_size bytes that sk_read gets back.  sk_read reads the source
 * once, handing every node (and, if sk_tables, every row of every
 * configured index table) to the sink; it returns 0, or -1 with the
 * reason in *cause (the caller frees), e.g. "dn.db: no such table".
 */
struct source_kind {
	struct kind	 sk_kind;	/* first: conf.c sees a struct kind */
	int		 sk_tables;	/* can copy discovery.tables */
	int		(*sk_read)(const struct config *, const void *conf,
			    struct source_sink *, char **cause);
};

/* Every kind, NULL-terminated, as conf.c's K_KIND key lists them. */
extern const struct kind *const source_kinds[];

/*
 * The sink (discover.c) takes what a source reads.  Strings and values
 * are borrowed for the call.  A node's url is kept exactly as listed;
 * labels may be NULL.  Each returns 0, or -1 with *cause set.
 */
int	source_node(struct source_sink *, const struct sval *id, const char *url,
	    const struct labels *, char **cause);
/* The rows of index table tc follow, with these columns, in order. */
int	source_table_begin(struct source_sink *, const struct table_conf *tc,
	    char *const *cols, size_t ncols, char **cause);
int	source_table_row(struct source_sink *, const struct sval *values,
	    char **cause);
int	source_table_end(struct source_sink *, char **cause);

/* Kinds, each in its own file. */
extern const struct source_kind source_sqlite;
extern const struct source_kind source_pgsql;
extern const struct source_kind source_static;
extern const struct source_kind source_consul;
extern const struct source_kind source_file_sd;	/* source-sd.c */
extern const struct source_kind source_http_sd;	/* source-sd.c */
extern const struct source_kind source_json;

/*
 * The parsing halves of the kinds that read JSON, for the unit tests:
 * conf is the kind's own settings (struct config's cf_source_conf), text
 * len bytes of a document and what names it in messages.  Each returns 0,
 * or -1 with *cause set.
 */
/* An answer of /v1/health/service/<name>. */
int	source_consul_parse(const void *conf, const char *what,
	    const char *name, const char *text, size_t len,
	    struct source_sink *, char **cause);
/* Prometheus target groups, as JSON or (yaml != 0) YAML. */
int	source_sd_parse(const char *what, const char *text, size_t len,
	    int yaml, struct source_sink *, char **cause);
/* Is an http_sd answer's content type application/json (utf-8)? */
int	source_sd_json_type(const char *type);
/* A document for the json kind. */
int	source_json_parse(const void *conf, const char *what, const char *text,
	    size_t len, struct source_sink *, char **cause);

#endif
