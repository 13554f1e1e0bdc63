/* t-history.c -- entity history against a plain model of the same runs */

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
#include "conf.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define NENT	240		/* entities: 1..160 integers, the rest text */
#define NRUNS	70
#define NSTATE	4
#define NWIN	3

static const char *const states[NSTATE] = { "up", "down", "slow", "odd" };
static char w6h[] = "6h", w1d[] = "1d", w3d[] = "3d";
static char *windows[NWIN] = { w6h, w1d, w3d };
static const double winsec[NWIN] = { 6 * 3600, 86400, 3 * 86400 };

static int	model[NRUNS][NENT];	/* state index, -1 absent */
static double	mtime[NRUNS];
static int64_t	mrun[NRUNS];		/* run_id of each complete run */
static unsigned	rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 1103515245 + 12345;
	return (rng >> 8) % n;
}

static int64_t
q_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -999;

	if ((stmt = store_prepare(st, sql)) == NULL)
		return -999;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void
bind_entity(sqlite3_stmt *ins, int col, int e)
{
	char	name[32];

	if (e < 160)
		sqlite3_bind_int64(ins, col, e + 1);
	else {
		snprintf(name, sizeof(name), "node-%03d", e);
		sqlite3_bind_text(ins, col, name, -1, SQLITE_TRANSIENT);
	}
}

/* Fill table cur with the states of row (in a shuffled order). */
static int
fill(struct store *st, const int *row)
{
	sqlite3_stmt	*ins;
	int		 order[NENT], i, j, t, rc = 0;

	if (store_exec(st, "DELETE FROM cur") == -1)
		return -1;
	for (i = 0; i < NENT; i++)
		order[i] = i;
	for (i = NENT - 1; i > 0; i--) {
		j = rnd(i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	ins = store_prepare(st, "INSERT INTO cur (e, s) VALUES (?1, ?2)");
	for (i = 0; i < NENT && rc == 0; i++) {
		if (row[order[i]] < 0)
			continue;
		bind_entity(ins, 1, order[i]);
		sqlite3_bind_text(ins, 2, states[row[order[i]]], -1,
		    SQLITE_STATIC);
		rc = store_step_done(st, ins, "cur");
	}
	sqlite3_finalize(ins);
	return rc;
}

/* One run recorded; complete: committed, else rolled back. */
static int
record(struct store *st, double t, int complete, int64_t *run_id,
    char **cause)
{
	sqlite3_stmt	*q;
	int		 rc;

	*cause = NULL;
	if ((*run_id = store_begin_run(st, t)) == -1 || store_begin(st) == -1)
		return -1;
	q = store_prepare(st, "SELECT e, s FROM cur");
	rc = history_record(st, *run_id, q, cause);
	sqlite3_finalize(q);
	if (rc == 0 && complete) {
		if (store_end_run(st, *run_id, "complete", NULL, 0, 0) == -1 ||
		    store_commit(st) == -1)
			return -1;
		return 0;
	}
	store_rollback(st);
	return rc;
}

/* The counts of the model after complete run last, against the store's. */
static int
check_counts(struct store *st, int last, int first_kept)
{
	sqlite3_stmt	*q;
	int		 w, e, r, s, bad = 0;
	unsigned	 seen;
	int64_t		 ever[NSTATE], only[NSTATE];

	q = store_prepare(st, "SELECT ever, only FROM history_window_counts "
	    "WHERE window = ?1 AND state = ?2");
	for (w = 0; w < NWIN; w++) {
		memset(ever, 0, sizeof(ever));
		memset(only, 0, sizeof(only));
		for (e = 0; e < NENT; e++) {
			if (model[last][e] < 0)
				continue;
			seen = 0;
			for (r = first_kept; r <= last; r++)
				if (mtime[r] > mtime[last] - winsec[w] &&
				    model[r][e] >= 0)
					seen |= 1u << model[r][e];
			for (s = 0; s < NSTATE; s++) {
				if (seen & (1u << s))
					ever[s]++;
				if (seen == 1u << s)
					only[s]++;
			}
		}
		for (s = 0; s < NSTATE; s++) {
			sqlite3_bind_text(q, 1, windows[w], -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, states[s], -1, SQLITE_STATIC);
			if (sqlite3_step(q) != SQLITE_ROW) {
				if (ever[s] != 0)
					bad++;
			} else if (sqlite3_column_int64(q, 0) != ever[s] ||
			    sqlite3_column_int64(q, 1) != only[s]) {
				printf("# run %d window %s state %s: ever %lld/%lld "
				    "only %lld/%lld\n", last, windows[w],
				    states[s], (long long)sqlite3_column_int64(q, 0),
				    (long long)ever[s],
				    (long long)sqlite3_column_int64(q, 1),
				    (long long)only[s]);
				bad++;
			}
			sqlite3_reset(q);
		}
	}
	sqlite3_finalize(q);
	return bad;
}

/* history_entity_states of run r against the model. */
static int
check_states(struct store *st, int r)
{
	sqlite3_stmt	*q;
	int		 e, bad = 0, n = 0, want = 0;
	const char	*got;

	for (e = 0; e < NENT; e++)
		want += model[r][e] >= 0;
	q = store_prepare(st, "SELECT state FROM history_entity_states "
	    "WHERE run_id = ?1 AND entity = ?2");
	for (e = 0; e < NENT; e++) {
		sqlite3_bind_int64(q, 1, mrun[r]);
		bind_entity(q, 2, e);
		if (sqlite3_step(q) == SQLITE_ROW) {
			got = (const char *)sqlite3_column_text(q, 0);
			n++;
			if (model[r][e] < 0 || strcmp(got, states[model[r][e]]))
				bad++;
		} else if (model[r][e] >= 0)
			bad++;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return bad + (n != want);
}

static int
fails_with(struct store *st, const char *sql, const char *want)
{
	sqlite3_stmt	*q;
	int64_t		 id;
	char		*cause = NULL;
	int		 rc, hit;

	if ((id = store_begin_run(st, 1)) == -1 || store_begin(st) == -1)
		return 0;
	q = store_prepare(st, sql);
	rc = history_record(st, id, q, &cause);
	sqlite3_finalize(q);
	store_rollback(st);
	hit = rc == -1 && cause != NULL && strstr(cause, want) != NULL;
	if (!hit)
		printf("# got \"%s\"\n", cause ? cause : "(none)");
	free(cause);
	return hit;
}

/*
 * A first run of a new store, more entities than a batch (4096) of new
 * ones twice over, integers and text; then a run adding as many again,
 * between the ones there: every entity in history_last, in its state,
 * since the run it came.  0 when all is well.
 */
static int
big_runs(const char *dir)
{
	struct store	*st;
	sqlite3_stmt	*ins;
	char		 path[128], name[32], *cause = NULL;
	int64_t		 id;
	int		 e, r, bad = 0;

	snprintf(path, sizeof(path), "%s/big.db", dir);
	if ((st = store_open(path)) == NULL)
		return 1;
	store_exec(st, "CREATE TABLE cur (e, s)");
	for (r = 0; r < 2 && bad == 0; r++) {
		store_exec(st, "DELETE FROM cur");
		ins = store_prepare(st, "INSERT INTO cur (e, s) VALUES (?1, ?2)");
		/* Run 0: 0..9999; run 1 also 10000..14999 (in another order). */
		for (e = 0; e < (r == 0 ? 10000 : 15000); e++) {
			if (e % 3 == 0) {
				snprintf(name, sizeof(name), "%s-%05d",
				    e < 10000 ? "u" : "t", e);
				sqlite3_bind_text(ins, 1, name, -1,
				    SQLITE_TRANSIENT);
			} else
				sqlite3_bind_int64(ins, 1, e < 10000 ? e :
				    -e);
			sqlite3_bind_text(ins, 2, states[e % NSTATE], -1,
			    SQLITE_STATIC);
			bad |= store_step_done(st, ins, "cur") != 0;
		}
		sqlite3_finalize(ins);
		if (bad || record(st, 1.7e9 + r * 3600, 1, &id, &cause) == -1) {
			printf("# big run %d: %s\n", r, cause ? cause : "store");
			bad = 1;
		}
		free(cause);
		cause = NULL;
	}
	if (bad == 0 && (q_int(st, "SELECT count(*) FROM history_last") !=
	    15000 ||
	    q_int(st, "SELECT count(*) FROM history_last WHERE since = 1") !=
	    10000 ||
	    q_int(st, "SELECT count(*) FROM history_last WHERE since = 2") !=
	    5000 ||
	    q_int(st, "SELECT count(*) FROM history_last WHERE typeof(entity) "
	    "= 'text'") != 5000 ||
	    q_int(st, "SELECT count(*) FROM cur c JOIN history_entity_states h "
	    "ON h.entity = c.e AND h.state = c.s AND h.run_id = (SELECT "
	    "max(run_id) FROM history_runs)") != 15000 ||
	    q_int(st, "SELECT count(*) FROM history_entity_states h JOIN cur c "
	    "ON h.entity = c.e AND h.state = c.s AND h.run_id = (SELECT "
	    "min(run_id) FROM history_runs)") != 10000))
		bad = 1;
	store_close(st);
	return bad;
}

int
main(void)
{
	struct store	*st;
	char		 dir[64], path[128], *cause;
	int64_t		 id, closed, runs;
	int		 r, e, bad = 0, sbad = 0, failed = 0, complete = 0;
	double		 t = 1.7e9;

	plan(14);
	if (tap_tmpdir(dir, sizeof(dir), "t-history") == -1)
		return 1;
	snprintf(path, sizeof(path), "%s/h.db", dir);
	st = store_open(path);
	ok(st != NULL, "store opens with the history schema");
	if (st == NULL)
		return 1;
	ok(history_configure(st, windows, NWIN) == 0 &&
	    q_int(st, "SELECT count(*) FROM history_windows") == NWIN,
	    "history_configure sets the windows");
	store_exec(st, "CREATE TABLE cur (e, s)");

	/*
	 * 70 complete runs 1 to 5 hours apart; entities change state (30%),
	 * leave (10%) and come back; every seventh attempt fails after the
	 * history was written, and must leave no trace.
	 */
	for (r = 0; r < NRUNS; r++) {
		t += 3600 * (1 + rnd(5));
		for (e = 0; e < NENT; e++) {
			if (rnd(10) == 0)
				model[r][e] = -1;
			else if (r > 0 && model[r - 1][e] >= 0 && rnd(10) >= 3)
				model[r][e] = model[r - 1][e];
			else
				model[r][e] = (e % 7 == 0) ? 0 : (int)rnd(NSTATE);
		}
		mtime[r] = t;
		if (r % 7 == 3) {
			int junk[NENT];

			for (e = 0; e < NENT; e++)
				junk[e] = (int)rnd(NSTATE);
			fill(st, junk);
			if (record(st, t - 1800, 0, &id, &cause) == 0)
				failed++;
			free(cause);
		}
		fill(st, model[r]);
		if (record(st, t, 1, &mrun[r], &cause) == -1) {
			printf("# run %d: %s\n", r, cause ? cause : "store");
			free(cause);
			break;
		}
		complete++;
		bad += check_counts(st, r, 0);
	}
	is_int(NRUNS, complete, "every complete run recorded");
	is_int(10, failed, "the failed attempts ran the history step");
	is_int(NRUNS, q_int(st, "SELECT count(*) FROM history_runs"),
	    "failed runs never enter history");
	is_int(0, bad, "window counts equal the model after every run");
	for (r = 0; r < NRUNS; r++)
		sbad += check_states(st, r);
	is_int(0, sbad, "history_entity_states equals the model at every run");
	closed = q_int(st, "SELECT count(*) FROM history_closed");
	ok(closed > 0 && closed < (int64_t)NRUNS * NENT / 2,
	    "a row per change, not per run (%lld closed intervals)",
	    (long long)closed);

	/*
	 * Cut at run 30: runs 0..28 go, run 29 (the last before the cut)
	 * stays with every interval that reaches it.
	 */
	ok(history_prune(st, mtime[30] - 1) == 0, "history_prune");
	runs = q_int(st, "SELECT min(seq) FROM history_runs");
	is_int(30, runs, "runs before the cut are gone");
	sbad = 0;
	for (r = 29; r < NRUNS; r++)
		sbad += check_states(st, r);
	is_int(0, sbad, "states of the kept runs are intact");

	ok(fails_with(st, "SELECT 5, 'up' UNION ALL SELECT 5, 'down'",
	    "entity 5 appears twice") &&
	    fails_with(st, "SELECT 'x', NULL", "entity 'x': the state is NULL") &&
	    fails_with(st, "SELECT 1.5, 'up'", "not an integer or text") &&
	    fails_with(st, "SELECT 1, 'up', 3", "yields 3 columns"),
	    "bad rows fail the run, naming the entity");
	is_int(NRUNS - 29, q_int(st, "SELECT count(*) FROM history_runs"),
	    "and leave nothing behind");

	store_close(st);
	is_int(0, big_runs(dir), "a first run of 10000 new entities, then 5000 "
	    "more between them: each in history_last, in its state");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (tap_failed == 0 && system(path) != 0)
		return 1;
	return done_testing();
}
