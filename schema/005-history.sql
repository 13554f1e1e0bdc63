-- 005-history.sql: entity history.  A profile's entity query (a query file
-- with the header "-- history: entities") yields (entity, state) in every
-- complete run; the store keeps, per entity, intervals of unchanged state:
-- a row per change, not per run.  Failed runs never enter history.  The
-- tables are encoded for size (states by number, runs by a dense sequence
-- number); the views below are what analysts query.

-- The complete runs in history, numbered densely: seq n + 1 is the complete
-- run after seq n, whatever failed in between.  time is the run's start.
CREATE TABLE history_runs (
	seq		INTEGER PRIMARY KEY,
	run_id		INTEGER NOT NULL UNIQUE,
	time		REAL NOT NULL,
	closed_upto	INTEGER NOT NULL	-- last rowid of history_closed
);

-- The states ever seen, by number.
CREATE TABLE history_states (
	state_id	INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE
);

-- Every entity's latest state: present in the latest history run with
-- state_id since run seq since, or absent (state_id NULL) since seq since.
-- prior: for each state the entity had before, the last seq it had it
-- (varint pairs), so window counts need no scan of closed intervals.
CREATE TABLE history_last (
	entity		NOT NULL PRIMARY KEY,	-- as the query gave it
	state_id	INTEGER,
	since		INTEGER NOT NULL,
	prior		BLOB
) WITHOUT ROWID;

-- Closed intervals, appended in the order they close (so retention drops a
-- rowid range): entity had state_id in every history run since..until.
CREATE TABLE history_closed (
	entity		NOT NULL,
	state_id	INTEGER NOT NULL,
	since		INTEGER NOT NULL,
	until		INTEGER NOT NULL
);

-- The windows of history.windows, as the configuration names them.
CREATE TABLE history_windows (
	window		TEXT PRIMARY KEY,
	seconds		REAL NOT NULL
) WITHOUT ROWID;

-- Per window and state, over the entities present in the latest history
-- run: ever, how many had the state in at least one run of the window in
-- which they were present; only, how many had it in every one of them.
CREATE TABLE history_window_counts (
	window		TEXT NOT NULL,
	state		TEXT NOT NULL,
	ever		INTEGER NOT NULL,
	only		INTEGER NOT NULL,
	PRIMARY KEY (window, state)
) WITHOUT ROWID;

-- The runs of history with their times as unix seconds and ISO 8601.
CREATE VIEW history_run_times AS
	SELECT seq, run_id, time,
	    strftime('%Y-%m-%dT%H:%M:%fZ', time, 'unixepoch') AS at
	FROM history_runs;

-- Every interval of unchanged state, open ones with until_run NULL.
CREATE VIEW history_intervals AS
	SELECT i.entity, s.name AS state, i.since AS since_seq,
	    i.until AS until_seq, a.run_id AS since_run, b.run_id AS until_run,
	    a.at AS since_at, b.at AS until_at
	FROM (SELECT entity, state_id, since, until FROM history_closed
	      UNION ALL
	      SELECT entity, state_id, since, NULL FROM history_last
	      WHERE state_id IS NOT NULL) i
	JOIN history_states s ON s.state_id = i.state_id
	LEFT JOIN history_run_times a ON a.seq = i.since
	LEFT JOIN history_run_times b ON b.seq = i.until;

-- The state of every entity present in each run of history:
--   SELECT entity, state FROM history_entity_states WHERE run_id = 42
CREATE VIEW history_entity_states AS
	SELECT r.run_id, r.time, r.at, i.entity, s.name AS state
	FROM history_run_times r
	JOIN (SELECT entity, state_id, since, until FROM history_closed
	      UNION ALL
	      SELECT entity, state_id, since,
	          (SELECT max(seq) FROM history_runs) FROM history_last
	      WHERE state_id IS NOT NULL) i
	    ON r.seq BETWEEN i.since AND i.until
	JOIN history_states s ON s.state_id = i.state_id;

-- The runs of each window of history.windows, counted back from the
-- latest run of history (a run is in a window when it started less than
-- the window's length before the latest one).
CREATE VIEW history_window_runs AS
	SELECT w.window, r.seq, r.run_id, r.time, r.at
	FROM history_windows w
	JOIN history_run_times r
	    ON r.time > (SELECT max(time) FROM history_runs) - w.seconds;
