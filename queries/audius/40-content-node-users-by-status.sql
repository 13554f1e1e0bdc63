-- metric: audius_content_node_users_by_status
-- type: gauge
-- help: Current users whose primary is the content node, by replica-set status (a user without a primary has none).
WITH statuses(status) AS (VALUES
	('incomplete_replica_set'), ('unknown'), ('primary_missing'),
	('fully_synced'), ('partially_synced'), ('unsynced')),
counts AS (
	SELECT primary_id, status, n AS c
	FROM temp.status_counts WHERE primary_id IS NOT NULL
)
SELECT n.url AS endpoint, s.status, coalesce(c.c, 0) AS value
FROM nodes n
CROSS JOIN statuses s
LEFT JOIN counts c ON c.primary_id = n.node_id AND c.status = s.status
WHERE n.run_id = :run_id;
