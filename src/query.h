/* query.h -- the SQL files run after a crawl, and the metric rows they yield */
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
 * One file of queries/<profile>/.  A file whose header declares
 * "-- metric: NAME" holds one SELECT whose column "value" is the sample
 * value and whose other columns are labels; any other file maintains
 * tables and may hold several statements.
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

#endif
