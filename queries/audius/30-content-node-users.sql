-- metric: audius_content_node_users
-- type: gauge
-- help: Current users naming the content node in their replica set, as role primary or secondary (users, not occurrences).
-- Counted from the temporary tables of 10-user-status.sql (one row per
-- user, and users by primary and status), not from the run's users table:
-- that table has no index by node, and grouping it by each role would
-- sort every user three times.
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
	SELECT node_id, count(*) AS c FROM (
		SELECT secondary1_id AS node_id
		FROM temp.user_status WHERE secondary1_id IS NOT NULL
		UNION ALL
		SELECT secondary2_id
		FROM temp.user_status WHERE secondary2_id IS NOT NULL
		    AND secondary2_id IS NOT secondary1_id)
	GROUP BY node_id
)
SELECT n.url AS endpoint, 'primary' AS role, coalesce(p.c, 0) AS value
FROM n LEFT JOIN primaries p ON p.node_id = n.node_id
UNION ALL
SELECT n.url, 'secondary', coalesce(s.c, 0)
FROM n LEFT JOIN secondaries s ON s.node_id = n.node_id;
