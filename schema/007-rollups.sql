-- 007-rollups.sql: samples rolled up by hour and by day (UTC, by the run's
-- start), kept for store.rollup_retention while raw samples go after
-- store.retention.  Each complete run adds its samples to the buckets it
-- falls in, in its own transaction; expired buckets go as whole key
-- ranges.  The views give every level with ISO 8601 times.

-- The series as the rollups know them: raw series go with their last raw
-- sample, rollups outlive them.
CREATE TABLE rollup_series (
	series_id	INTEGER PRIMARY KEY,
	metric		TEXT NOT NULL,
	labels		TEXT NOT NULL		-- JSON object, as in series
);

CREATE TABLE sample_rollups (
	width		INTEGER NOT NULL,	-- seconds: 3600 or 86400
	bucket		INTEGER NOT NULL,	-- unix seconds of its start
	series_id	INTEGER NOT NULL,
	min		REAL NOT NULL,
	max		REAL NOT NULL,
	sum		REAL NOT NULL,
	count		INTEGER NOT NULL,
	last		REAL NOT NULL,		-- value of the latest run
	last_time	REAL NOT NULL,		-- its start
	PRIMARY KEY (width, bucket, series_id)
) WITHOUT ROWID;

-- Hourly and daily rollups: level 'hour' or 'day', time (unix seconds of
-- the bucket's start) and at (ISO 8601), the series' metric and labels
-- (JSON: json_extract(labels, '$.status')), min, max, avg, last, count.
CREATE VIEW sample_rollup_history AS
	SELECT CASE r.width WHEN 3600 THEN 'hour' ELSE 'day' END AS level,
	    r.bucket AS time,
	    strftime('%Y-%m-%dT%H:%M:%SZ', r.bucket, 'unixepoch') AS at,
	    s.metric, s.labels, r.min, r.max, r.sum / r.count AS avg, r.last,
	    r.count
	FROM sample_rollups r
	JOIN rollup_series s ON s.series_id = r.series_id;

-- Every level in one shape: 'raw' (one row per sample of a complete run,
-- min = max = avg = last = the value, count 1), 'hour' and 'day'.
CREATE VIEW metric_history AS
	SELECT 'raw' AS level, time,
	    strftime('%Y-%m-%dT%H:%M:%fZ', time, 'unixepoch') AS at,
	    metric, labels, value AS min, value AS max, value AS avg,
	    value AS last, 1 AS count
	FROM sample_history
	UNION ALL
	SELECT level, time, at, metric, labels, min, max, avg, last, count
	FROM sample_rollup_history;
