-- 008-run-tables.sql: run-scoped tables stored one per run.
-- An index table (discovery.tables) or a probe table NAME keeps each run's
-- rows in its own table NAME_runN (without a run_id column), so that
-- retiring a run drops whole tables instead of deleting millions of rows.
-- The view NAME joins the kept runs' tables, each with its run_id, for
-- ad-hoc SQL.  Stores made before keep their old NAME tables until the
-- first start of this version splits them into per-run tables.
CREATE TABLE run_tables (
	name		TEXT NOT NULL,		-- the view: users, probe_clock
	run_id		INTEGER NOT NULL,	-- its rows are in NAME_runN
	PRIMARY KEY (name, run_id)
) WITHOUT ROWID;
CREATE INDEX run_tables_run ON run_tables(run_id);
