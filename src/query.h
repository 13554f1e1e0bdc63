/* query.h -- the SQL files run after a crawl, and the metric rows they yield */

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

#ifndef VANTAGE_QUERY_H
#define VANTAGE_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

struct store;

/* A profile's params (struct config's cf_params): pairs name, value. */
struct query_params {
	char *const	*qp_pairs;	/* borrowed */
	size_t		 qp_n;		/* pairs */
};

/*
 * "-- threshold: [value|share]{label="v",...} OP NUMBER" of a headline
 * metric: a series whose labels include every label given is breached
 * while its value (or its share of the metric's total) compares true.
 * Events are sent when a series crosses it, either way (notify.c), and
 * the status page marks breached series.
 */
enum threshold_op { TH_LT, TH_LE, TH_GT, TH_GE };

struct threshold {
	char		*th_text;	/* as written */
	int		 th_share;	/* 1: the share of the total, 0..1 */
	char		**th_match;	/* name, value, ...: labels to match */
	size_t		 th_nmatch;
	enum threshold_op th_op;
	double		 th_value;
};

/*
 * One file of queries/<profile>/.  A file whose header declares
 * "-- metric: NAME" holds one SELECT whose column "value" is the sample
 * value and whose other columns are labels.  A file whose header declares
 * "-- history: entities" holds one SELECT yielding (entity, state) for the
 * entity history (history.c); a profile has at most one.  Any other file
 * maintains tables and may hold several statements.
 */
struct query_file {
	char	*qf_path;
	char	*qf_sql;
	char	*qf_metric;	/* NULL: a maintenance file */
	char	*qf_type;	/* gauge, counter, untyped */
	char	*qf_help;
	char	*qf_cutoff_text;	/* "-- cutoff: LABEL N" as written */
	char	*qf_cutoff_label;	/* NULL: no cutoff */
	int64_t	 qf_cutoff;
	char	*qf_headline;	/* "-- headline:": NULL, "values" or "shares" */
	struct threshold *qf_thresholds;	/* "-- threshold:" lines */
	size_t	 qf_nthresholds;
	char	*qf_history;	/* "entities", or NULL */
};

struct queryset {
	struct query_file *qs_files;
	size_t	 qs_len;
};

/*
 * Read the .sql files of dir in name order; every error printed to err as
 * file:line, and a problem with dir itself as "where: queries.dir: ..."
 * (where: the key's place in the configuration, file:line:col).
 */
int	query_load(const char *dir, const char *where, struct queryset *,
	    FILE *err);
void	queryset_release(struct queryset *);
/*
 * Bind every param the statement names as :name: a value that reads
 * whole as an integer is bound as one, then a finite real, else text (so
 * `height < :lag_blocks` compares numbers).  :run_id and :node_id are the
 * engine's (store_bind_common); any other named parameter is an error:
 * -1 with "parameter :x is not in params" in *cause (the caller frees).
 */
int	query_bind_params(sqlite3_stmt *, const struct query_params *,
	    char **cause);
/*
 * Run every file for run_id inside the caller's transaction, params
 * bound; 0, or -1 with the reason in *cause (the caller frees), naming
 * the file.
 */
int	query_run(const struct queryset *, struct store *, int64_t run_id,
	    const struct query_params *, char **cause);

/*
 * Parse the text of a "-- threshold:" header into th (released with
 * threshold_release); -1 and a reason in *why (static) if it is not one.
 */
int	threshold_parse(const char *text, struct threshold *th,
	    const char **why);
void	threshold_release(struct threshold *);
/* Does a series with labels (a JSON object's text) fall under th? */
int	threshold_matches(const struct threshold *, const char *labels_json);
/* Is the series breached, given its value and the metric's total? */
int	threshold_breached(const struct threshold *, double value,
	    double total);

#endif
