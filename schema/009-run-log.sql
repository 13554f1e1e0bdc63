-- 009-run-log.sql: the run log (runs with its run_phases and run_requests)
-- no longer grows without bound: a finished run leaves it once it started
-- longer ago than store.run_log_retention (and, if complete, than
-- store.retention) and nothing else in the store refers to it (kept
-- samples, nodes, per-run tables, history, the remote write queue; the
-- newest store.keep_runs runs, the two newest complete and the two newest
-- finished runs and the latest run that read its discovery source stay).
-- What the pruned runs counted is kept here, so that counts over the life
-- of the store (vantage_runs_total) never go down.
CREATE TABLE run_log_pruned (
	status		TEXT PRIMARY KEY
			CHECK (status IN ('complete', 'failed')),
	runs		INTEGER NOT NULL,	-- runs of that status pruned
	last_run_id	INTEGER NOT NULL	-- the newest of them
) WITHOUT ROWID;

-- Runs finished over the life of the store by final status, pruned ones
-- included: SELECT status, runs FROM run_totals.
CREATE VIEW run_totals AS
	SELECT status, sum(runs) AS runs FROM (
	    SELECT status, runs FROM run_log_pruned
	    UNION ALL
	    SELECT status, count(*) AS runs FROM runs
	    WHERE status <> 'running' GROUP BY status)
	GROUP BY status;
