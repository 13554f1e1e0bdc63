/* query.h -- the SQL files run after a crawl, and the metric rows they yield */
#ifndef VANTAGE_QUERY_H
#define VANTAGE_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

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
 * Run every file for run_id inside the caller's transaction; 0, or -1
 * with the reason in *cause (the caller frees), naming the file.
 */
int	query_run(const struct queryset *, struct store *, int64_t run_id,
	    char **cause);

#endif
