-- 010-sample-chunks.sql: samples kept small.  The newest runs' samples
-- are rows of sample_head; older runs are sealed, a range of runs at a
-- time, into one packed chunk per series (run steps and XORed values,
-- a bit or two per unchanged sample).  The virtual table samples shows
-- both as the rows (run_id, series_id, value) it always had, so every
-- query and view over it is unchanged; it needs vantage's connection
-- (`vantage sql`), not the sqlite3 shell.  Expired samples go a seal at
-- a time.  The old samples rows move to the head here; the writer seals
-- them when it opens the store.

CREATE TABLE sample_head (
	run_id		INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
	series_id	INTEGER NOT NULL REFERENCES series,
	value		REAL NOT NULL,
	PRIMARY KEY (run_id, series_id)
) WITHOUT ROWID;
INSERT INTO sample_head (run_id, series_id, value)
	SELECT run_id, series_id, value FROM samples ORDER BY run_id, series_id;
DROP TABLE samples;
CREATE INDEX sample_head_by_series ON sample_head(series_id, run_id);

-- A seal: the runs first_run..last_run, sealed together.
CREATE TABLE sample_seals (
	seal		INTEGER PRIMARY KEY,
	first_run	INTEGER NOT NULL,
	last_run	INTEGER NOT NULL
);

-- One series' samples in one seal, packed (src/chunk.c).
CREATE TABLE sample_chunks (
	seal		INTEGER NOT NULL,
	series_id	INTEGER NOT NULL,
	data		BLOB NOT NULL,
	PRIMARY KEY (seal, series_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE samples USING vantage_samples;

-- The newest seal with samples of the series (expired series go once
-- their last seal went and the head has none of them).
ALTER TABLE series ADD COLUMN last_seal INTEGER;
