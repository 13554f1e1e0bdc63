-- metric: audius_users_ever
-- type: gauge
-- help: Current Audius users that had the status in at least one complete run of the window (history.windows) in which they were current; all seven statuses, zeros included.
WITH statuses(status) AS (VALUES
	('no_replica_set'), ('incomplete_replica_set'), ('unknown'),
	('primary_missing'), ('fully_synced'), ('partially_synced'),
	('unsynced'))
SELECT s.status, w.window, coalesce(c.ever, 0) AS value
FROM statuses s
CROSS JOIN history_windows w
LEFT JOIN history_window_counts c
    ON c.window = w.window AND c.state = s.status;
