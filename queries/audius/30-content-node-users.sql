-- metric: audius_content_node_users
-- type: gauge
-- help: Current users naming the content node in their replica set, as role primary or secondary (users, not occurrences).
-- Counted by 10-user-status.sql in its one pass over the users'
-- statuses (users by primary and status, and the secondaries' tally() in
-- user_counts), not from the run's users table, which has no index by
-- node; tally() counts in one pass where GROUP BY would sort every user.
WITH n AS (
	SELECT node_id, url FROM nodes WHERE run_id = :run_id
),
primaries AS (
	SELECT primary_id AS node_id, sum(n) AS c
	FROM temp.status_counts WHERE primary_id IS NOT NULL
	GROUP BY primary_id
),
-- A user naming the node as both secondaries counts once.
secondaries AS (
	SELECT value ->> 0 AS node_id, value ->> 1 AS c
	FROM json_each((SELECT secondaries FROM temp.user_counts))
)
SELECT n.url AS endpoint, 'primary' AS role, coalesce(p.c, 0) AS value
FROM n LEFT JOIN primaries p ON p.node_id = n.node_id
UNION ALL
SELECT n.url, 'secondary', coalesce(s.c, 0)
FROM n LEFT JOIN secondaries s ON s.node_id = n.node_id;
