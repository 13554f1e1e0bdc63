-- metric: audius_users
-- type: gauge
-- help: Current Audius users by the state of their replica set (no_replica_set, incomplete_replica_set, unknown, primary_missing, fully_synced, partially_synced, unsynced); the statuses sum to the number of current users.
-- headline: shares
-- threshold: share{status="fully_synced"} < 0.8
WITH statuses(status) AS (VALUES
	('no_replica_set'), ('incomplete_replica_set'), ('unknown'),
	('primary_missing'), ('fully_synced'), ('partially_synced'),
	('unsynced')),
counts AS (
	SELECT status, count(*) AS n FROM temp.user_status GROUP BY status
)
SELECT s.status, coalesce(c.n, 0) AS value
FROM statuses s LEFT JOIN counts c ON c.status = s.status;
