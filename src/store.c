/* store.c -- the SQLite store: open, migrations, runs, samples */

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

#include <sys/file.h>
#include <sys/stat.h>

#include <signal.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "rows.h"
#include "samples.h"
#include "sqlfn.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define BUSY_TIMEOUT_MS	10000

struct store {
	sqlite3		*st_db;
	char		*st_path;
	int		 st_readonly;
	int		 st_in_tx;
	int		 st_lock_fd;	/* flock on PATH.lock; -1 for readers */
	double		 st_deadline;	/* readers: statement timeout, mono s */
	volatile sig_atomic_t *st_stop;	/* the writer: interrupts statements */
	long		 st_timeout_ms;
	int		 st_timed_out;
	sqlite3_stmt	*st_series_get;
	sqlite3_stmt	*st_series_add;
	sqlite3_stmt	*st_sample_add;
};

static void
store_log_cb(void *arg, int code, const char *msg)
{
	/* SQLite's own notices (e.g. recovered WAL frames) at debug level. */
	if ((code & 0xff) == SQLITE_NOTICE || (code & 0xff) == SQLITE_WARNING)
		log_debug("sqlite: %s", msg);
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->st_db);
}

int
store_exec(struct store *st, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(st->st_db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: %s: %.60s", err ? err : "error", sql);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st)
{
	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return -1;
	st->st_in_tx = 1;
	return 0;
}

int
store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT") == -1) {
		store_rollback(st);
		return -1;
	}
	st->st_in_tx = 0;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->st_db) == 0)
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	st->st_in_tx = 0;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt = NULL;
	size_t		 n = strcspn(sql, "\n");

	if (sqlite3_prepare_v3(st->st_db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK) {
		log_warnx("store: %s: in \"%.*s%s\"", sqlite3_errmsg(st->st_db),
		    (int)(n > 70 ? 70 : n), sql, n > 70 || sql[n] ? "..." : "");
		return NULL;
	}
	return stmt;
}

void
store_bind_common(sqlite3_stmt *stmt, int64_t run_id, sqlite3_value *node_id)
{
	int	i;

	if ((i = sqlite3_bind_parameter_index(stmt, ":run_id")) > 0)
		sqlite3_bind_int64(stmt, i, run_id);
	if (node_id != NULL &&
	    (i = sqlite3_bind_parameter_index(stmt, ":node_id")) > 0)
		sqlite3_bind_value(stmt, i, node_id);
}

int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int	rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(st->st_db));
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

int
store_exec_id(struct store *st, const char *sql, int64_t id,
    const char *what)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = store_step_done(st, stmt, what);
	sqlite3_finalize(stmt);
	return rc;
}

static int
store_migrate(struct store *st)
{
	sqlite3_stmt	*stmt;
	int		 version = 0, i, n;
	char		*sql;

	if ((stmt = store_prepare(st, "PRAGMA user_version")) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	for (n = 0; schema_files[n].sf_name != NULL; n++)
		;
	if (version > n) {
		log_warnx("store: %s: schema version %d is newer than this "
		    "vantage knows (%d)", st->st_path, version, n);
		return -1;
	}
	for (i = version; i < n; i++) {
		if (store_begin(st) == -1)
			return -1;
		if (store_exec(st, schema_files[i].sf_sql) == -1) {
			log_warnx("store: %s: migration %s failed", st->st_path,
			    schema_files[i].sf_name);
			store_rollback(st);
			return -1;
		}
		xasprintf(&sql, "PRAGMA user_version = %d", i + 1);
		if (store_exec(st, sql) == -1) {
			free(sql);
			store_rollback(st);
			return -1;
		}
		free(sql);
		if (store_commit(st) == -1)
			return -1;
		log_debug("store: applied %s", schema_files[i].sf_name);
	}
	return 0;
}

/*
 * A store has one writer: it holds an exclusive flock(2) on PATH.lock for
 * as long as it is open, with its pid in the file for the message a
 * second writer prints.  The kernel drops the lock when the process dies,
 * however it dies, so a crash never leaves a store locked.  Readers do not
 * take it.
 */
static int
store_lock(struct store *st)
{
	char	*lpath, pid[32];
	ssize_t	 n;
	int	 fd;

	xasprintf(&lpath, "%s.lock", st->st_path);
	if ((fd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		log_warn("store: %s", lpath);
		free(lpath);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			log_warnx("store: %s: in use by another vantage (pid %s); "
			    "a store has one writer", st->st_path,
			    *pid ? pid : "unknown");
		} else
			log_warn("store: %s: lock", lpath);
		close(fd);
		free(lpath);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid))
		log_warn("store: %s: cannot record the pid", lpath);
	free(lpath);
	st->st_lock_fd = fd;
	return 0;
}

static void
store_log_once(void)
{
	static int	logged;

	if (!logged) {
		sqlite3_config(SQLITE_CONFIG_LOG, store_log_cb, NULL);
		/* No memory statistics: a global mutex around every malloc. */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		logged = 1;
	}
}

struct store *
store_open(const char *path)
{
	struct store	*st;
	struct stat	 sb;

	store_log_once();
	st = xcalloc(1, sizeof(*st));
	st->st_path = xstrdup(path);
	st->st_lock_fd = -1;
	if (store_lock(st) == -1)
		goto fail;
	if (stat(path, &sb) == 0 && sb.st_size == 0)
		log_warnx("store: %s: the file is empty; a new store is made "
		    "in it", path);
	if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("store: %s: %s", path, st->st_db ?
		    sqlite3_errmsg(st->st_db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->st_db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->st_db, 1);
	if (sqlfn_register(st->st_db) == -1 || rows_register(st->st_db) == -1 ||
	    samples_module(st->st_db) == -1) {
		log_warnx("store: %s: SQL functions: %s", path,
		    sqlite3_errmsg(st->st_db));
		goto fail;
	}
	/*
	 * A new store gets 16 KiB pages (an existing one keeps its own): a
	 * run writes its tables a page at a time to the WAL and again to the
	 * file, and reads back what the cache lost, a system call or two per
	 * page.  At 1,000,000 users that is 0.25-0.35 CPU-s less in the
	 * kernel than with 4 KiB pages, at the same peak RSS and store size
	 * (bench/run.sh); an empty store is 0.5 MiB, a page per table.
	 */
	if (store_exec(st, "PRAGMA page_size = 16384") == -1 ||
	    store_exec(st, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous = NORMAL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys = ON") == -1 ||
	    /*
	     * 8 MiB: the run's tables are written in key order and read in
	     * one pass each, so 16 MiB cost 8 MiB of peak RSS and no time
	     * (bench/run.sh, ordered and unordered, 200k and 1M users).
	     */
	    store_exec(st, "PRAGMA cache_size = -8192") == -1 ||
	    store_exec(st, "PRAGMA temp_store = FILE") == -1 ||
	    /*
	     * Debian's SQLite zeroes every freed page by default: dropping a
	     * run's tables would write them all again.  FAST still clears
	     * deleted rows within the pages a statement writes anyway.
	     */
	    store_exec(st, "PRAGMA secure_delete = FAST") == -1 ||
	    store_exec(st, "PRAGMA journal_size_limit = 67108864") == -1)
		goto fail;
	if (store_migrate(st) == -1)
		goto fail;
	/*
	 * Samples left in the head (a store from before chunks): seal them.
	 * A failure (a full disk) leaves them rows; the next run tries again.
	 */
	if (store_begin(st) == 0) {
		if (samples_seal(st) == -1 || store_commit(st) == -1) {
			log_warnx("store: %s: older samples stay unsealed for "
			    "now", path);
			store_rollback(st);
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

/* Readers may read; nothing that writes, attaches or loads code. */
static int
reader_authorize(void *arg, int action, const char *a, const char *b,
    const char *db, const char *trigger)
{
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		/* Functions that load code or reach outside the store. */
		if (b != NULL && (strcasecmp(b, "load_extension") == 0 ||
		    strcasecmp(b, "fts3_tokenizer") == 0 ||
		    strcasecmp(b, "readfile") == 0 ||
		    strcasecmp(b, "writefile") == 0 ||
		    strcasecmp(b, "edit") == 0))
			return SQLITE_DENY;
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		/* Reading pragmas only: no "= value" argument. */
		return b == NULL ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return SQLITE_OK;	/* a read transaction */
	case SQLITE_UPDATE:
		/*
		 * SQLite reports its own reading of the schema (for a table
		 * such as json_each) as an update of sqlite_master; the
		 * connection is read-only and query_only underneath.
		 */
		return a != NULL && strcmp(a, "sqlite_master") == 0 ?
		    SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

/* The statement timeout of a reader, checked every few thousand steps. */
static int
reader_progress(void *arg)
{
	struct store	*st = arg;

	if (st->st_deadline > 0 && now_mono() > st->st_deadline) {
		st->st_timed_out = 1;
		return 1;
	}
	return 0;
}

/* A new statement of a reader gets the whole timeout. */
static int
reader_trace(unsigned int type, void *arg, void *p, void *x)
{
	struct store	*st = arg;

	/*
	 * The samples table's own statements run inside the user's (SQLite
	 * shows a nested statement's text after "-- ").
	 */
	if (x != NULL && strncmp(x, "-- ", 3) == 0)
		x = (char *)x + 3;
	if (x != NULL && strncmp(x, "SELECT /* samples */", 20) == 0)
		return 0;
	st->st_timed_out = 0;
	st->st_deadline = now_mono() + st->st_timeout_ms / 1000.0;
	return 0;
}

struct store *
store_open_reader(const char *path, long timeout_ms, char **cause)
{
	struct store	*st;
	int		 off = 0;

	store_log_once();
	*cause = NULL;
	st = xcalloc(1, sizeof(*st));
	st->st_path = xstrdup(path);
	st->st_readonly = 1;
	st->st_lock_fd = -1;
	st->st_timeout_ms = timeout_ms;
	if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, st->st_db ?
		    sqlite3_errmsg(st->st_db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->st_db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->st_db, 1);
	sqlite3_db_config(st->st_db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0,
	    &off);
	sqlite3_db_config(st->st_db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    &off);
	sqlite3_db_config(st->st_db, SQLITE_DBCONFIG_DEFENSIVE, 1, &off);
	if (samples_module(st->st_db) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->st_db));
		goto fail;
	}
	sqlite3_limit(st->st_db, SQLITE_LIMIT_ATTACHED, 0);
	if (sqlfn_register(st->st_db) == -1 ||
	    sqlite3_exec(st->st_db, "PRAGMA query_only = 1", NULL, NULL,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->st_db));
		goto fail;
	}
	sqlite3_set_authorizer(st->st_db, reader_authorize, st);
	if (timeout_ms > 0) {
		sqlite3_trace_v2(st->st_db, SQLITE_TRACE_STMT, reader_trace, st);
		sqlite3_progress_handler(st->st_db, 1000, reader_progress, st);
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

/* The writer's statements end early once *st_stop is set. */
static int
writer_progress(void *arg)
{
	struct store	*st = arg;

	return st->st_stop != NULL && *st->st_stop;
}

void
store_set_stop(struct store *st, volatile sig_atomic_t *stop)
{
	st->st_stop = stop;
	sqlite3_progress_handler(st->st_db, stop != NULL ? 10000 : 0,
	    stop != NULL ? writer_progress : NULL, st);
}

int
store_set_max_size(struct store *st, int64_t max_bytes)
{
	sqlite3_stmt	*stmt;
	int64_t		 page = 4096;
	char		*sql;
	int		 rc;

	if ((stmt = store_prepare(st, "PRAGMA page_size")) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		page = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	/* SQLite's own cap when there is none: 2^32 - 2 pages. */
	xasprintf(&sql, "PRAGMA max_page_count = %" PRId64, max_bytes > 0 ?
	    (max_bytes / page > 0 ? max_bytes / page : 1) : (int64_t)4294967294LL);
	rc = store_exec(st, sql);
	free(sql);
	return rc;
}

int64_t
store_cache_size(struct store *st, int64_t size)
{
	sqlite3_stmt	*q;
	int64_t		 old = 0;
	char		 sql[64];

	if ((q = store_prepare(st, "PRAGMA cache_size")) == NULL)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		old = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %" PRId64, size);
	if (old != 0 && store_exec(st, sql) == -1)
		return 0;
	return old;
}

int
store_checkpoint(struct store *st)
{
	int	rc, logsz = 0, done = 0;

	/* Never wait for a reader here: the next run tries again. */
	sqlite3_busy_timeout(st->st_db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->st_db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &logsz, &done);
	sqlite3_busy_timeout(st->st_db, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_BUSY) {
		log_debug("store: checkpoint waits for a reader");
		return 0;
	}
	if (rc != SQLITE_OK) {
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(st->st_db));
		return -1;
	}
	return 0;
}

int
store_read_begin(struct store *st)
{
	return sqlite3_exec(st->st_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1;
}

void
store_read_end(struct store *st)
{
	if (sqlite3_get_autocommit(st->st_db) == 0)
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_ready(struct store *st)
{
	sqlite3_stmt	*stmt;
	int		 n = 0;

	if (sqlite3_prepare_v2(st->st_db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type IN ('table', 'view') AND name IN ('runs', "
	    "'run_phases', 'nodes', 'series', 'samples', 'metrics')", -1,
	    &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	else
		n = -1;
	sqlite3_finalize(stmt);
	return n == -1 ? -1 : n == 6;
}

int
store_prepare_next(struct store *st, const char **sqlp, sqlite3_stmt **stmtp,
    char **cause)
{
	const char	*tail;

	*cause = NULL;
	*stmtp = NULL;
	if (sqlite3_prepare_v2(st->st_db, *sqlp, -1, stmtp, &tail) !=
	    SQLITE_OK) {
		if (sqlite3_errcode(st->st_db) == SQLITE_AUTH)
			*cause = xstrdup("the store is read-only here; only "
			    "queries are allowed");
		else
			*cause = xstrdup(sqlite3_errmsg(st->st_db));
		*stmtp = NULL;
		return -1;
	}
	*sqlp = tail;
	return 0;
}

int64_t
store_changes(struct store *st)
{
	return sqlite3_changes64(st->st_db);
}

int
store_timed_out(struct store *st)
{
	return st->st_timed_out;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->st_series_get);
	sqlite3_finalize(st->st_series_add);
	sqlite3_finalize(st->st_sample_add);
	if (st->st_db != NULL) {
		/*
		 * Statistics from a sample: every run has new tables, and
		 * reading a million rows to learn their shape is not worth it.
		 */
		if (!st->st_readonly)
			sqlite3_exec(st->st_db, "PRAGMA analysis_limit = 1000; "
			    "PRAGMA optimize", NULL, NULL, NULL);
		sqlite3_close_v2(st->st_db);
	}
	if (st->st_lock_fd != -1)
		close(st->st_lock_fd);	/* releases the lock */
	free(st->st_path);
	free(st);
}

int
store_table_columns(struct store *st, const char *table, char ***colsp,
    size_t *ncolsp)
{
	sqlite3_stmt	*stmt;
	char		**cols = NULL;
	size_t		 n = 0;

	*colsp = NULL;
	*ncolsp = 0;
	stmt = store_prepare(st,
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		cols = xreallocarray(cols, n + 1, sizeof(*cols));
		cols[n++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	*colsp = cols;
	*ncolsp = n;
	return 0;
}

int
store_ensure_table(struct store *st, const char *table, char *const *cols,
    const char *const *types, size_t ncols)
{
	struct buf	 sql;
	char		**have;
	size_t		 nhave, i, j;
	int		 rc = -1;

	if (store_table_columns(st, table, &have, &nhave) == -1)
		return -1;
	buf_init(&sql, 0);
	if (nhave == 0) {
		buf_printf(&sql, "CREATE TABLE \"%s\" (run_id INTEGER NOT NULL",
		    table);
		for (i = 0; i < ncols; i++)
			buf_printf(&sql, ", \"%s\"%s%s", cols[i],
			    types && types[i] ? " " : "",
			    types && types[i] ? types[i] : "");
		buf_puts(&sql, ")");
		rc = store_exec(st, sql.b_data);
		goto out;
	}
	rc = 0;
	for (i = 0; i < ncols && rc == 0; i++) {
		for (j = 0; j < nhave; j++)
			if (strcasecmp(have[j], cols[i]) == 0)
				break;
		if (j < nhave)
			continue;
		buf_reset(&sql);
		buf_printf(&sql, "ALTER TABLE \"%s\" ADD COLUMN \"%s\"%s%s",
		    table, cols[i], types && types[i] ? " " : "",
		    types && types[i] ? types[i] : "");
		rc = store_exec(st, sql.b_data);
		if (rc == 0)
			log_info("store: added column %s to table %s", cols[i],
			    table);
	}
out:
	for (i = 0; i < nhave; i++)
		free(have[i]);
	free(have);
	buf_release(&sql);
	return rc;
}

int
store_recover(struct store *st)
{
	return store_exec(st, "UPDATE runs SET status = 'failed', "
	    "finished_at = coalesce(finished_at, started_at), "
	    "error = 'interrupted: the monitor stopped during the run' "
	    "WHERE status = 'running'");
}

int64_t
store_begin_run(struct store *st, double started_at)
{
	sqlite3_stmt	*stmt;
	int64_t		 id;

	stmt = store_prepare(st, "INSERT INTO runs (started_at) VALUES (?1)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_double(stmt, 1, started_at);
	if (store_step_done(st, stmt, "begin run") == -1) {
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	id = sqlite3_last_insert_rowid(st->st_db);
	return id;
}

int
store_run_phase(struct store *st, int64_t run_id, const char *phase,
    double seconds)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st, "INSERT OR REPLACE INTO run_phases "
	    "(run_id, phase, seconds) VALUES (?1, ?2, ?3)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_text(stmt, 2, phase, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, seconds);
	rc = store_step_done(st, stmt, "run phase");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_run_discovery(struct store *st, int64_t run_id, const char *source,
    int64_t stale, const char *error)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st, "UPDATE runs SET source = ?2, "
	    "discovery_stale = ?3, discovery_error = ?4 WHERE run_id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_text(stmt, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, stale);
	if (error != NULL)
		sqlite3_bind_text(stmt, 4, error, -1, SQLITE_TRANSIENT);
	rc = store_step_done(st, stmt, "run discovery");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_end_run(struct store *st, int64_t run_id, const char *status,
    const char *error, int64_t nodes, int64_t requests)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st, "UPDATE runs SET status = ?2, error = ?3, "
	    "finished_at = ?4, nodes = ?5, requests = ?6 WHERE run_id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_text(stmt, 2, status, -1, SQLITE_STATIC);
	if (error != NULL)
		sqlite3_bind_text(stmt, 3, error, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(stmt, 4, now_real());
	sqlite3_bind_int64(stmt, 5, nodes);
	sqlite3_bind_int64(stmt, 6, requests);
	rc = store_step_done(st, stmt, "end run");
	sqlite3_finalize(stmt);
	return rc;
}

char *
store_run_table(const char *name, int64_t run_id)
{
	char	*table;

	xasprintf(&table, "%s_run%" PRId64, name, run_id);
	return table;
}

/* The columns of main.table, in order (none if there is no such table). */
static int
main_columns(struct store *st, const char *table, char ***colsp,
    size_t *ncolsp)
{
	sqlite3_stmt	*stmt;
	char		**cols = NULL;
	size_t		 n = 0;
	int		 rc;

	*colsp = NULL;
	*ncolsp = 0;
	if ((stmt = store_prepare(st, "SELECT name FROM "
	    "pragma_table_info(?1, 'main') ORDER BY cid")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		cols = xreallocarray(cols, n + 1, sizeof(*cols));
		cols[n++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	*colsp = cols;
	*ncolsp = n;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* 1 if main.name is a table (not a view), 0 if not, -1 on error. */
static int
main_is_table(struct store *st, const char *name)
{
	sqlite3_stmt	*stmt;
	int		 step;

	if ((stmt = store_prepare(st, "SELECT 1 FROM main.sqlite_master "
	    "WHERE type = 'table' AND name = ?1")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

static void
strs_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
strs_has(char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The runs with a table NAME_runN, in order. */
static int
run_table_runs(struct store *st, const char *name, int64_t **runsp,
    size_t *nrunsp)
{
	sqlite3_stmt	*stmt;
	int64_t		*runs = NULL;
	size_t		 n = 0;
	int		 rc;

	*runsp = NULL;
	*nrunsp = 0;
	if ((stmt = store_prepare(st, "SELECT run_id FROM run_tables "
	    "WHERE name = ?1 ORDER BY run_id")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		runs = xreallocarray(runs, n + 1, sizeof(*runs));
		runs[n++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	*runsp = runs;
	*nrunsp = n;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* SQLite allows 500 terms in a compound SELECT; more nest in groups. */
#define VIEW_GROUP	400

/*
 * (Re)create the view main.NAME over every NAME_runN: the union of their
 * columns, NULL where a run's table lacks one (a probe column added by a
 * later configuration), with the run_id first.
 */
static int
run_view(struct store *st, const char *name)
{
	struct buf	 sql;
	int64_t		*runs;
	char		**all = NULL, **cols, *table;
	size_t		 nruns, nall = 0, ncols, i, j;
	int		 rc = -1;

	if (run_table_runs(st, name, &runs, &nruns) == -1)
		return -1;
	buf_init(&sql, 0);
	buf_printf(&sql, "DROP VIEW IF EXISTS main.\"%s\"", name);
	if (store_exec(st, sql.b_data) == -1)
		goto out;
	for (i = 0; i < nruns; i++) {
		table = store_run_table(name, runs[i]);
		if (main_columns(st, table, &cols, &ncols) == -1) {
			free(table);
			goto out;
		}
		free(table);
		for (j = 0; j < ncols; j++) {
			if (strs_has(all, nall, cols[j]))
				continue;
			all = xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = xstrdup(cols[j]);
		}
		strs_free(cols, ncols);
	}
	if (nruns == 0 || nall == 0) {
		rc = 0;
		goto out;
	}
	buf_reset(&sql);
	buf_printf(&sql, "CREATE VIEW main.\"%s\" AS ", name);
	for (i = 0; i < nruns; i++) {
		table = store_run_table(name, runs[i]);
		if (main_columns(st, table, &cols, &ncols) == -1) {
			free(table);
			goto out;
		}
		if (i > 0)
			buf_puts(&sql, " UNION ALL ");
		if (nruns > VIEW_GROUP && i % VIEW_GROUP == 0)
			buf_puts(&sql, "SELECT * FROM (");
		buf_printf(&sql, "SELECT %" PRId64 " AS run_id", runs[i]);
		for (j = 0; j < nall; j++) {
			if (strs_has(cols, ncols, all[j]))
				buf_printf(&sql, ", \"%s\"", all[j]);
			else
				buf_printf(&sql, ", NULL AS \"%s\"", all[j]);
		}
		buf_printf(&sql, " FROM main.\"%s\"", table);
		if (nruns > VIEW_GROUP && (i % VIEW_GROUP == VIEW_GROUP - 1 ||
		    i == nruns - 1))
			buf_puts(&sql, ")");
		free(table);
		strs_free(cols, ncols);
	}
	rc = store_exec(st, sql.b_data);
out:
	strs_free(all, nall);
	free(runs);
	buf_release(&sql);
	return rc;
}

int
store_run_table_add(struct store *st, const char *name, int64_t run_id)
{
	sqlite3_stmt	*stmt;
	char		*table, *sql;
	int		 rc;

	if ((stmt = store_prepare(st, "INSERT OR REPLACE INTO run_tables "
	    "(name, run_id) VALUES (?1, ?2)")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, run_id);
	rc = store_step_done(st, stmt, "run tables");
	sqlite3_finalize(stmt);
	if (rc == -1 || run_view(st, name) == -1)
		return -1;
	/* This connection's NAME: the run's table alone, through its indexes. */
	table = store_run_table(name, run_id);
	xasprintf(&sql, "DROP VIEW IF EXISTS temp.\"%s\"; CREATE TEMP VIEW "
	    "\"%s\" AS SELECT %" PRId64 " AS run_id, * FROM main.\"%s\"",
	    name, name, run_id, table);
	rc = store_exec(st, sql);
	free(sql);
	free(table);
	return rc;
}

int
store_run_table_adopt(struct store *st, const char *name)
{
	sqlite3_stmt	*stmt = NULL;
	struct buf	 sql, sel;
	char		**cols = NULL, *table;
	size_t		 ncols = 0, i;
	int64_t		 run;
	int		 rc = -1, step;

	if ((step = main_is_table(st, name)) != 1)
		return step;	/* a view, or nothing */
	if (main_columns(st, name, &cols, &ncols) == -1)
		return -1;
	if (ncols == 0 || !strs_has(cols, ncols, "run_id")) {
		strs_free(cols, ncols);
		return 0;	/* nothing to adopt (a view, or no table) */
	}
	buf_init(&sql, 0);
	buf_init(&sel, 0);
	for (i = 0; i < ncols; i++)
		if (strcasecmp(cols[i], "run_id") != 0)
			buf_printf(&sel, "%s\"%s\"", sel.b_len ? ", " : "",
			    cols[i]);
	if (store_begin(st) == -1)
		goto out;
	buf_printf(&sql, "SELECT DISTINCT run_id FROM main.\"%s\"", name);
	if ((stmt = store_prepare(st, sql.b_data)) == NULL)
		goto fail;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		run = sqlite3_column_int64(stmt, 0);
		table = store_run_table(name, run);
		buf_reset(&sql);
		buf_printf(&sql, "CREATE TABLE main.\"%s\" AS SELECT %s FROM "
		    "main.\"%s\" WHERE run_id = %" PRId64 "; INSERT OR REPLACE "
		    "INTO run_tables (name, run_id) VALUES ('%s', %" PRId64 ")",
		    table, sel.b_data ? sel.b_data : "*", name, run, name, run);
		free(table);
		if (strchr(name, '\'') != NULL || store_exec(st, sql.b_data) == -1)
			goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (step != SQLITE_DONE)
		goto fail;
	buf_reset(&sql);
	buf_printf(&sql, "DROP TABLE main.\"%s\"", name);
	if (store_exec(st, sql.b_data) == -1 || run_view(st, name) == -1 ||
	    store_commit(st) == -1)
		goto fail;
	log_info("store: table %s is now one table per run", name);
	rc = 0;
	goto out;
fail:
	sqlite3_finalize(stmt);
	store_rollback(st);
out:
	strs_free(cols, ncols);
	buf_release(&sql);
	buf_release(&sel);
	return rc;
}

/* Drop every per-run table of the runs before below; fix their views. */
static int
prune_run_tables(struct store *st, int64_t below)
{
	sqlite3_stmt	*stmt;
	char		**names = NULL, **tables = NULL, *sql;
	const char	*name;
	size_t		 n = 0, nt = 0, i;
	int		 rc = 0, step;

	if ((stmt = store_prepare(st, "SELECT name, run_id FROM run_tables "
	    "WHERE run_id < ?1 ORDER BY name")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, below);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(stmt, 0);
		tables = xreallocarray(tables, nt + 1, sizeof(*tables));
		tables[nt++] = store_run_table(name,
		    sqlite3_column_int64(stmt, 1));
		if (!strs_has(names, n, name)) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(name);
		}
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		rc = -1;
	/* No statement may be reading while tables are dropped. */
	for (i = 0; i < nt && rc == 0; i++) {
		xasprintf(&sql, "DROP TABLE IF EXISTS main.\"%s\"", tables[i]);
		rc = store_exec(st, sql);
		free(sql);
	}
	if (rc == 0 && nt > 0) {
		xasprintf(&sql, "DELETE FROM run_tables WHERE run_id < %" PRId64,
		    below);
		rc = store_exec(st, sql);
		free(sql);
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = run_view(st, names[i]);
	strs_free(names, n);
	strs_free(tables, nt);
	return rc;
}

/* Delete old runs' rows from a table that has a run_id column. */
static int
prune_table(struct store *st, const char *table, int64_t below)
{
	char	**cols, *sql;
	size_t	 ncols;
	int	 rc;

	if ((rc = main_is_table(st, table)) != 1)
		return rc;	/* a view over per-run tables, or nothing */
	if (main_columns(st, table, &cols, &ncols) == -1)
		return -1;
	rc = strs_has(cols, ncols, "run_id");
	strs_free(cols, ncols);
	if (rc == 0)
		return 0;
	xasprintf(&sql, "DELETE FROM main.\"%s\" WHERE run_id < %" PRId64,
	    table, below);
	rc = store_exec(st, sql);
	free(sql);
	return rc;
}

/*
 * Drop the seals whose newest run started before cut (or is no longer in
 * runs), never the run just done: whole chunks, the oldest seals first.
 */
static int
prune_seals(struct store *st, int64_t run_id, double cut)
{
	sqlite3_stmt	*stmt;
	int64_t		 upto = 0;

	if ((stmt = store_prepare(st, "SELECT max(s.seal) FROM sample_seals s "
	    "LEFT JOIN runs r ON r.run_id = s.last_run WHERE (r.run_id IS NULL "
	    "OR r.started_at < ?1) AND s.last_run <> ?2")) == NULL)
		return -1;
	sqlite3_bind_double(stmt, 1, cut);
	sqlite3_bind_int64(stmt, 2, run_id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		upto = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (upto <= 0)
		return 0;
	if (store_exec_id(st, "DELETE FROM sample_chunks WHERE seal <= ?1",
	    upto, "prune chunks") == -1)
		return -1;
	return store_exec_id(st, "DELETE FROM sample_seals WHERE seal <= ?1",
	    upto, "prune seals");
}

/*
 * Lower *below to the run sql (one parameter, run_id) yields, if it yields
 * one under it: that run and the later ones stay.
 */
static int
prune_keep(struct store *st, const char *sql, int64_t run_id,
    int64_t *below)
{
	sqlite3_stmt	*stmt;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL &&
	    sqlite3_column_int64(stmt, 0) < *below)
		*below = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

int
store_prune(struct store *st, int64_t run_id, int64_t keep,
    int64_t retention_ms, char *const *tables, size_t ntables)
{
	sqlite3_stmt	*stmt;
	int64_t		 below = 0;
	size_t		 i;
	int		 rc = 0;
	char		*sql;
	double		 cut;

	/* The oldest run still kept: the keep-th newest run. */
	stmt = store_prepare(st, "SELECT run_id FROM runs WHERE run_id <= ?1 "
	    "ORDER BY run_id DESC LIMIT 1 OFFSET ?2");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, keep - 1);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		below = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	/*
	 * A run that has not finished is never pruned, whoever runs it; nor
	 * the latest node list, which the next run may carry over
	 * (discovery.max_stale) when the newest runs failed without one.
	 */
	if (prune_keep(st, "SELECT min(run_id) FROM runs WHERE "
	    "status = 'running' AND run_id <> ?1", run_id, &below) == -1 ||
	    prune_keep(st, "SELECT max(run_id) FROM runs WHERE "
	    "run_id <= ?1 AND discovery_stale IS NOT NULL", run_id,
	    &below) == -1)
		return -1;
	if (below > 0) {
		rc = prune_run_tables(st, below);
		for (i = 0; i < ntables && rc == 0; i++)
			rc = prune_table(st, tables[i], below);
		if (rc == 0)
			rc = prune_table(st, "nodes", below);
	}
	if (rc == 0 && retention_ms > 0) {
		/* Never the run just done: it may have lasted longer. */
		cut = now_real() - retention_ms / 1000.0;
		xasprintf(&sql, "DELETE FROM sample_head WHERE run_id IN "
		    "(SELECT run_id FROM runs WHERE started_at < %.3f AND "
		    "run_id <> %" PRId64 ")", cut, run_id);
		rc = store_exec(st, sql);
		free(sql);
		if (rc == 0)
			rc = prune_seals(st, run_id, cut);
		if (rc == 0)
			rc = store_exec(st, "DELETE FROM series WHERE "
			    "coalesce(last_seal, 0) < (SELECT coalesce(min(seal), "
			    "9e18) FROM sample_seals) AND NOT EXISTS (SELECT 1 "
			    "FROM sample_head h WHERE h.series_id = "
			    "series.series_id)");
	}
	return rc;
}

/*
 * The tables whose rows keep a run in the run log: a run with samples,
 * nodes, per-run tables, a place in entity history or in the remote write
 * queue stays (samples, nodes and the queue would go with it by ON DELETE
 * CASCADE).  A name that is not a table with a run_id column is skipped.
 * Sealed samples keep every run their seal spans (see samples.c).
 */
static const char *const run_log_refs[] = {
	"sample_head", "nodes", "run_tables", "history_runs",
	"remote_write_queue"
};

/* The runs the run log may lose now, oldest first, at most max. */
static int
run_log_victims(struct store *st, int64_t keep, double before,
    double complete_before, size_t max, int64_t **idsp, int **completep,
    size_t *np)
{
	sqlite3_stmt	*stmt;
	struct buf	 sql;
	char		**cols;
	size_t		 ncols, i, n = 0;
	int64_t		*ids = NULL;
	int		*complete = NULL, rc, step;

	*idsp = NULL;
	*completep = NULL;
	*np = 0;
	buf_init(&sql, 0);
	/*
	 * Never a running run, one of the newest keep runs, the two newest
	 * complete and finished ones (what /metrics, the status page and
	 * notify's state at start-up read) or the runs the discovery gauges
	 * come from; a complete run also outlives store.retention.
	 */
	buf_puts(&sql, "SELECT r.run_id, r.status = 'complete' FROM runs r "
	    "WHERE r.status <> 'running' AND r.started_at < ?1 AND "
	    "(r.status = 'failed' OR r.started_at < ?2) AND r.run_id NOT IN ("
	    "SELECT run_id FROM (SELECT run_id FROM runs ORDER BY run_id DESC "
	    "LIMIT ?3) UNION ALL "
	    "SELECT run_id FROM (SELECT run_id FROM runs WHERE status = "
	    "'complete' ORDER BY run_id DESC LIMIT 2) UNION ALL "
	    "SELECT run_id FROM (SELECT run_id FROM runs WHERE status <> "
	    "'running' ORDER BY run_id DESC LIMIT 2) UNION ALL "
	    "SELECT run_id FROM (SELECT run_id FROM runs WHERE discovery_stale "
	    "IS NOT NULL AND status <> 'running' ORDER BY run_id DESC LIMIT 1) "
	    "UNION ALL SELECT run_id FROM (SELECT run_id FROM runs WHERE "
	    "discovery_stale = 0 ORDER BY started_at DESC LIMIT 1))");
	for (i = 0; i < nitems(run_log_refs); i++) {
		if ((rc = main_is_table(st, run_log_refs[i])) == -1)
			goto fail;
		if (rc == 0)
			continue;
		if (main_columns(st, run_log_refs[i], &cols, &ncols) == -1)
			goto fail;
		rc = strs_has(cols, ncols, "run_id");
		strs_free(cols, ncols);
		if (rc)
			buf_printf(&sql, " AND NOT EXISTS (SELECT 1 FROM main.\"%s\" "
			    "x WHERE x.run_id = r.run_id)", run_log_refs[i]);
	}
	if ((rc = main_is_table(st, "sample_seals")) == -1)
		goto fail;
	if (rc)
		buf_puts(&sql, " AND NOT EXISTS (SELECT 1 FROM main.sample_seals "
		    "x WHERE r.run_id BETWEEN x.first_run AND x.last_run)");
	buf_puts(&sql, " ORDER BY r.run_id LIMIT ?4");
	if ((stmt = store_prepare(st, sql.b_data)) == NULL)
		goto fail;
	sqlite3_bind_double(stmt, 1, before);
	sqlite3_bind_double(stmt, 2, complete_before);
	sqlite3_bind_int64(stmt, 3, keep);
	sqlite3_bind_int64(stmt, 4, (int64_t)max);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		complete = xreallocarray(complete, n + 1, sizeof(*complete));
		ids[n] = sqlite3_column_int64(stmt, 0);
		complete[n++] = sqlite3_column_int(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE) {
		free(ids);
		free(complete);
		goto fail;
	}
	buf_release(&sql);
	*idsp = ids;
	*completep = complete;
	*np = n;
	return 0;
fail:
	buf_release(&sql);
	return -1;
}

/* Add n pruned runs of a status, the newest last_run_id, to the totals. */
static int
run_log_count(struct store *st, const char *status, int64_t n,
    int64_t last_run_id)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (n == 0)
		return 0;
	if ((stmt = store_prepare(st, "INSERT INTO run_log_pruned (status, "
	    "runs, last_run_id) VALUES (?1, ?2, ?3) ON CONFLICT (status) DO "
	    "UPDATE SET runs = runs + excluded.runs, last_run_id = "
	    "max(last_run_id, excluded.last_run_id)")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, n);
	sqlite3_bind_int64(stmt, 3, last_run_id);
	rc = store_step_done(st, stmt, "run log totals");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_prune_run_log(struct store *st, int64_t keep, double before,
    double complete_before, size_t max, size_t *prunedp)
{
	static const char *const sql[] = {
		"DELETE FROM run_requests WHERE run_id = ?1",
		"DELETE FROM run_phases WHERE run_id = ?1",
		"DELETE FROM runs WHERE run_id = ?1"
	};
	sqlite3_stmt	*del[nitems(sql)] = { NULL };
	int64_t		*ids, n[2] = { 0, 0 }, last[2] = { 0, 0 };
	int		*complete;
	size_t		 nids, i, j;
	int		 rc = -1;

	*prunedp = 0;
	if (run_log_victims(st, keep, before, complete_before, max, &ids,
	    &complete, &nids) == -1)
		return -1;
	for (j = 0; j < nitems(sql); j++)
		if ((del[j] = store_prepare(st, sql[j])) == NULL)
			goto out;
	for (i = 0; i < nids; i++) {
		for (j = 0; j < nitems(sql); j++) {
			sqlite3_bind_int64(del[j], 1, ids[i]);
			if (store_step_done(st, del[j], "run log prune") == -1)
				goto out;
		}
		n[complete[i]]++;
		last[complete[i]] = ids[i];
	}
	if (run_log_count(st, "failed", n[0], last[0]) == -1 ||
	    run_log_count(st, "complete", n[1], last[1]) == -1)
		goto out;
	*prunedp = nids;
	rc = 0;
out:
	for (j = 0; j < nitems(sql); j++)
		sqlite3_finalize(del[j]);
	free(ids);
	free(complete);
	return rc;
}

int
store_metric(struct store *st, const char *name, const char *type,
    const char *help, const char *cutoff_label, int64_t cutoff)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st, "INSERT INTO metrics (name, type, help, "
	    "cutoff_label, cutoff) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (name) DO UPDATE SET type = excluded.type, "
	    "help = excluded.help, cutoff_label = excluded.cutoff_label, "
	    "cutoff = excluded.cutoff");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, help, -1, SQLITE_STATIC);
	if (cutoff_label != NULL) {
		sqlite3_bind_text(stmt, 4, cutoff_label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, cutoff);
	}
	rc = store_step_done(st, stmt, "metric");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_metric_headline(struct store *st, const char *name,
    const char *headline, const char *thresholds_json)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(st, "UPDATE metrics SET headline = ?2, "
	    "thresholds = ?3 WHERE name = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (headline != NULL)
		sqlite3_bind_text(stmt, 2, headline, -1, SQLITE_STATIC);
	if (thresholds_json != NULL)
		sqlite3_bind_text(stmt, 3, thresholds_json, -1, SQLITE_STATIC);
	rc = store_step_done(st, stmt, "metric headline");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sample(struct store *st, int64_t run_id, const char *metric,
    const char *labels_json, const char *expo, double value)
{
	int64_t	series_id = -1;

	if (st->st_series_get == NULL &&
	    (st->st_series_get = store_prepare(st, "SELECT series_id FROM "
	    "series WHERE metric = ?1 AND labels = ?2")) == NULL)
		return -1;
	if (st->st_series_add == NULL &&
	    (st->st_series_add = store_prepare(st, "INSERT INTO series "
	    "(metric, labels, expo) VALUES (?1, ?2, ?3)")) == NULL)
		return -1;
	if (st->st_sample_add == NULL &&
	    (st->st_sample_add = store_prepare(st, "INSERT INTO sample_head "
	    "(run_id, series_id, value) VALUES (?1, ?2, ?3)")) == NULL)
		return -1;

	sqlite3_bind_text(st->st_series_get, 1, metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st->st_series_get, 2, labels_json, -1, SQLITE_STATIC);
	if (sqlite3_step(st->st_series_get) == SQLITE_ROW)
		series_id = sqlite3_column_int64(st->st_series_get, 0);
	sqlite3_reset(st->st_series_get);
	sqlite3_clear_bindings(st->st_series_get);
	if (series_id == -1) {
		sqlite3_bind_text(st->st_series_add, 1, metric, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st->st_series_add, 2, labels_json, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st->st_series_add, 3, expo, -1,
		    SQLITE_STATIC);
		if (store_step_done(st, st->st_series_add, "series") == -1)
			return -1;
		sqlite3_clear_bindings(st->st_series_add);
		series_id = sqlite3_last_insert_rowid(st->st_db);
	}
	sqlite3_bind_int64(st->st_sample_add, 1, run_id);
	sqlite3_bind_int64(st->st_sample_add, 2, series_id);
	sqlite3_bind_double(st->st_sample_add, 3, value);
	if (sqlite3_step(st->st_sample_add) != SQLITE_DONE) {
		log_warnx("store: sample %s%s: %s", metric, expo,
		    sqlite3_errmsg(st->st_db));
		sqlite3_reset(st->st_sample_add);
		return -1;
	}
	sqlite3_reset(st->st_sample_add);
	return 0;
}

int64_t
store_latest_complete(struct store *st)
{
	sqlite3_stmt	*stmt;
	int64_t		 id = 0;

	stmt = store_prepare(st, "SELECT max(run_id) FROM runs "
	    "WHERE status = 'complete'");
	if (stmt == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return id;
}
