/* store.h -- the SQLite store: open, migrations, runs, samples */

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

#ifndef VANTAGE_STORE_H
#define VANTAGE_STORE_H

#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>

struct config;

/* Compiled-in schema/NNN-*.sql, in order (generated src/schema.c). */
struct schema_file {
	const char	*sf_name;
	const char	*sf_sql;
};
extern const struct schema_file schema_files[];

/* Opaque: only store.c touches the connection. */
struct store;

/*
 * Open (creating if needed) the store at path, in WAL mode, and apply the
 * pending migrations.  The writer holds PATH.lock until store_close; a
 * second writer is refused with the owner's pid.  Errors are logged; NULL
 * on failure.
 */
struct store	*store_open(const char *path);
/*
 * The one read-only open, for `vantage sql`, `vantage metrics` and the
 * JSON API: an existing store (never created), no lock, and an authorizer
 * that allows reading only (no write, ATTACH, writing pragma or function
 * that loads code).  A statement running longer than timeout_ms (0: no
 * limit) is interrupted.  NULL and a reason in *cause (the caller frees)
 * on failure.
 */
struct store	*store_open_reader(const char *path, long timeout_ms,
		    char **cause);
void		 store_close(struct store *);	/* accepts NULL */
/*
 * Once *stop is set, the writer's statements are interrupted (a long
 * query ends at once); NULL turns that off, e.g. to record a failure.
 */
void		 store_set_stop(struct store *, volatile sig_atomic_t *stop);
/* Cap the file at max_bytes (0: no cap); writes past it fail as "full". */
int		 store_set_max_size(struct store *, int64_t max_bytes);
/*
 * Copy the write-ahead log into the store and truncate it, unless a
 * reader still needs it (then the next call does).  After every run, so
 * a long reader never leaves a WAL of gigabytes behind for good.
 */
int	store_checkpoint(struct store *);
/*
 * Set PRAGMA cache_size (as SQLite reads it: pages, or KiB if negative);
 * the value it had, or 0 if it could not be read (then nothing is set).
 */
int64_t	store_cache_size(struct store *, int64_t size);
/* A reader's snapshot: every statement between these sees one state. */
int	store_read_begin(struct store *);
void	store_read_end(struct store *);
/* Does the store have vantage's tables (a reader may see a new file)? */
int	store_ready(struct store *);
/*
 * Prepare the first statement of *sqlp and advance *sqlp past it.  Sets
 * *stmtp to NULL when only blanks and comments were left.  -1 and a
 * reason in *cause (the caller frees) if it does not prepare.
 */
int	store_prepare_next(struct store *, const char **sqlp,
	    sqlite3_stmt **stmtp, char **cause);
/* Rows changed by the last statement. */
int64_t	store_changes(struct store *);
/* Was the latest failure an interruption by the statement timeout? */
int	store_timed_out(struct store *);

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
/* Run sql, whose one parameter ?1 is id, to its end: 0, or -1 (logged). */
int	store_exec_id(struct store *, const char *sql, int64_t id,
	    const char *what);
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
/* Where the run's node list came from (runs.source, discovery_*). */
int	store_run_discovery(struct store *, int64_t run_id, const char *source,
	    int64_t stale, const char *error);
/* Final state; error may be NULL. */
int	store_end_run(struct store *, int64_t run_id, const char *status,
	    const char *error, int64_t nodes, int64_t requests);
/*
 * Run-scoped tables (index tables, probe tables) are stored one per run:
 * the rows of table NAME in run N are in NAME_runN, without a run_id
 * column, so retiring a run drops whole tables.  The view main.NAME
 * joins the kept runs' tables, each with its run_id, for ad-hoc SQL; in
 * the writer, temp.NAME shows one run's table with its run_id, so a run's
 * SQL (run_id = :run_id) reads that table through its own indexes.
 */
char	*store_run_table(const char *name, int64_t run_id);	/* caller frees */
/* Record NAME_runN (created by the caller) and point the views at it. */
int	store_run_table_add(struct store *, const char *name, int64_t run_id);
/*
 * A store made before per-run tables has a table NAME with a run_id
 * column: split it into per-run tables (once, at start-up).
 */
int	store_run_table_adopt(struct store *, const char *name);
/*
 * Drop the per-run tables and delete the rows of run-scoped tables
 * (tables with a run_id column) older than the newest keep runs, and
 * delete samples older than retention_ms (0: none).
 */
int	store_prune(struct store *, int64_t run_id, int64_t keep,
	    int64_t retention_ms, char *const *tables, size_t ntables);

/*
 * Delete from the run log (runs, run_phases, run_requests) at most max
 * finished runs that started before `before`, complete ones also before
 * complete_before (-HUGE_VAL: never), and that nothing else refers to; the
 * newest keep runs stay.  The pruned runs are added to run_log_pruned, so
 * the totals of the view run_totals never go down.  *prunedp: how many.
 */
int	store_prune_run_log(struct store *, int64_t keep, double before,
	    double complete_before, size_t max, size_t *prunedp);

/* Upsert a metric family; cutoff_label NULL: no cardinality cutoff. */
int	store_metric(struct store *, const char *name, const char *type,
	    const char *help, const char *cutoff_label, int64_t cutoff);
/*
 * Mark a metric family as headline (the status page shows it first):
 * headline "values" or "shares", NULL for not one; thresholds a JSON array
 * of the "-- threshold:" texts, or NULL.
 */
int	store_metric_headline(struct store *, const char *name,
	    const char *headline, const char *thresholds_json);
/* Record one sample; labels_json and expo describe the series. */
int	store_sample(struct store *, int64_t run_id, const char *metric,
	    const char *labels_json, const char *expo, double value);
/* Latest run with status complete, or 0. */
int64_t	store_latest_complete(struct store *);

#endif
