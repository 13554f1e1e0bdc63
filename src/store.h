/* store.h -- the SQLite store: open, migrations, runs, samples */
#ifndef VANTAGE_STORE_H
#define VANTAGE_STORE_H

#include <sqlite3.h>
#include <stdint.h>

struct config;

/* Compiled-in schema/NNN-*.sql, in order (generated src/schema.c). */
struct schema_file {
	const char	*sf_name;
	const char	*sf_sql;
};
extern const struct schema_file schema_files[];

struct store {
	sqlite3		*st_db;
	char		*st_path;
	int		 st_readonly;
	int		 st_in_tx;
	int		 st_lock_fd;	/* flock on PATH.lock; -1 for readers */
	sqlite3_stmt	*st_series_get;
	sqlite3_stmt	*st_series_add;
	sqlite3_stmt	*st_sample_add;
};

/*
 * Open (creating if needed) the store at path, in WAL mode, and apply the
 * pending migrations.  The writer holds PATH.lock until store_close; a
 * second writer is refused with the owner's pid.  readonly opens an
 * existing store for queries only and takes no lock.
 * Errors are logged; NULL on failure.
 */
struct store	*store_open(const char *path, int readonly);
void		 store_close(struct store *);	/* accepts NULL */

/* Run one statement (no rows expected); logs and returns -1 on failure. */
int	store_exec(struct store *, const char *sql);
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);	/* no-op outside a transaction */
/* Prepare; logs with the SQL's first line on failure. */
sqlite3_stmt *store_prepare(struct store *, const char *sql);
/* Bind :run_id and :node_id where the statement has them. */
void	store_bind_common(sqlite3_stmt *, int64_t run_id, sqlite3_value *node_id);
/* Step a statement that returns no rows; log with what on failure. */
int	store_step_done(struct store *, sqlite3_stmt *, const char *what);
const char *store_errmsg(struct store *);

/* Does table exist; fills the column names (caller frees each and the array). */
int	store_table_columns(struct store *, const char *table, char ***colsp,
	    size_t *ncolsp);
/* Create table (run_id INTEGER NOT NULL, cols...) or add missing columns. */
int	store_ensure_table(struct store *, const char *table,
	    char *const *cols, const char *const *types, size_t ncols);

/* Mark leftover 'running' runs (a crash) failed. */
int	store_recover(struct store *);
/* Insert a run in state running; returns its id or -1. */
int64_t	store_begin_run(struct store *, double started_at);
/* Record a phase duration (inside or outside a transaction). */
int	store_run_phase(struct store *, int64_t run_id, const char *phase,
	    double seconds);
/* Final state; error may be NULL. */
int	store_end_run(struct store *, int64_t run_id, const char *status,
	    const char *error, int64_t nodes, int64_t requests);
/* Delete rows of run-scoped tables older than the newest keep runs, and
 * samples older than retention_ms (0: none). */
int	store_prune(struct store *, int64_t run_id, int64_t keep,
	    int64_t retention_ms, char *const *tables, size_t ntables);

/* Upsert a metric family; cutoff_label NULL: no cardinality cutoff. */
int	store_metric(struct store *, const char *name, const char *type,
	    const char *help, const char *cutoff_label, int64_t cutoff);
/* Record one sample; labels_json and expo describe the series. */
int	store_sample(struct store *, int64_t run_id, const char *metric,
	    const char *labels_json, const char *expo, double value);
/* Latest run with status complete, or 0. */
int64_t	store_latest_complete(struct store *);

#endif
