-- 001-init.sql: runs, the run's nodes, metric history.
-- Applied once, in order with the other schema/NNN-*.sql files, tracked by
-- PRAGMA user_version.  Index tables and probe tables are created from the
-- configuration at start-up (their columns come from it).

-- One row per run.  A run is 'complete' only when every step ran; samples
-- of failed runs are never kept, so what /metrics shows is always complete.
CREATE TABLE runs (
	run_id		INTEGER PRIMARY KEY,
	started_at	REAL NOT NULL,		-- unix seconds
	finished_at	REAL,
	status		TEXT NOT NULL DEFAULT 'running'
			CHECK (status IN ('running', 'complete', 'failed')),
	error		TEXT,			-- why a failed run failed
	nodes		INTEGER,		-- nodes discovered
	requests	INTEGER			-- HTTP requests finished
);
CREATE INDEX runs_status ON runs(status, run_id);

-- Seconds spent in each phase of a run: discover, crawl, query, total.
CREATE TABLE run_phases (
	run_id		INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
	phase		TEXT NOT NULL,
	seconds		REAL NOT NULL,
	PRIMARY KEY (run_id, phase)
) WITHOUT ROWID;

-- Requests of a run by probe and outcome (ok, http_error, timeout, ...).
CREATE TABLE run_requests (
	run_id		INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
	probe		TEXT NOT NULL,
	outcome		TEXT NOT NULL,
	count		INTEGER NOT NULL,
	PRIMARY KEY (run_id, probe, outcome)
) WITHOUT ROWID;

-- The nodes of a run, as discovery listed them, with what crawling found.
CREATE TABLE nodes (
	run_id		INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
	node_id		NOT NULL,		-- as discovery gave it (no affinity)
	url		TEXT NOT NULL,
	labels		TEXT NOT NULL DEFAULT '{}',	-- other discovery columns, JSON
	requests	INTEGER NOT NULL DEFAULT 0,
	failed_requests	INTEGER NOT NULL DEFAULT 0,	-- no valid answer after retries
	items		INTEGER NOT NULL DEFAULT 0,	-- items asked for
	unanswered	INTEGER NOT NULL DEFAULT 0,	-- items without values
	up		INTEGER,		-- 1: every request got a valid answer
	last_error	TEXT,
	PRIMARY KEY (run_id, node_id)
);

-- Metric families ever exported, from the query headers.
CREATE TABLE metrics (
	name		TEXT PRIMARY KEY,
	type		TEXT NOT NULL,
	help		TEXT NOT NULL
) WITHOUT ROWID;

-- One row per series (metric + label set).  labels is a JSON object for
-- ad-hoc SQL (json_extract(labels, '$.status')); expo is the label set as
-- the exposition writes it, escaped.
CREATE TABLE series (
	series_id	INTEGER PRIMARY KEY,
	metric		TEXT NOT NULL,
	labels		TEXT NOT NULL,
	expo		TEXT NOT NULL,
	UNIQUE (metric, labels)
);

-- Every metric row of every complete run: the time series.
CREATE TABLE samples (
	run_id		INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
	series_id	INTEGER NOT NULL REFERENCES series,
	value		REAL NOT NULL,
	PRIMARY KEY (run_id, series_id)
) WITHOUT ROWID;
CREATE INDEX samples_by_series ON samples(series_id, run_id);

-- The history analysts query: one row per sample of a complete run.
CREATE VIEW sample_history AS
	SELECT r.run_id, r.finished_at AS time,
	    datetime(r.finished_at, 'unixepoch') AS at,
	    s.metric, s.labels, v.value
	FROM samples v
	JOIN series s ON s.series_id = v.series_id
	JOIN runs r ON r.run_id = v.run_id
	WHERE r.status = 'complete';
