-- metric: audius_content_node_users
-- type: gauge
-- help: Current users naming the content node in their replica set, as role primary or secondary (users, not occurrences).
WITH n AS (
	SELECT node_id, url FROM nodes WHERE run_id = :run_id
),
primaries AS (
	SELECT primary_id AS node_id, count(*) AS c
	FROM users WHERE run_id = :run_id AND primary_id IS NOT NULL
	GROUP BY primary_id
),
-- A user naming the node as both secondaries counts once: such users are
-- counted twice below and subtracted once (few; read from the in-memory
-- temp.user_status of 10-user-status.sql).
doubles AS (
	SELECT secondary1_id AS node_id, count(*) AS c
	FROM temp.user_status WHERE secondary1_id = secondary2_id
	GROUP BY secondary1_id
),
secondaries AS (
	SELECT node_id, sum(c) AS c FROM (
		SELECT secondary1_id AS node_id, count(*) AS c
		FROM users WHERE run_id = :run_id AND secondary1_id IS NOT NULL
		GROUP BY secondary1_id
		UNION ALL
		SELECT secondary2_id, count(*)
		FROM users WHERE run_id = :run_id AND secondary2_id IS NOT NULL
		GROUP BY secondary2_id
		UNION ALL
		SELECT node_id, -c FROM doubles)
	GROUP BY node_id
)
SELECT n.url AS endpoint, 'primary' AS role, coalesce(p.c, 0) AS value
FROM n LEFT JOIN primaries p ON p.node_id = n.node_id
UNION ALL
SELECT n.url, 'secondary', coalesce(s.c, 0)
FROM n LEFT JOIN secondaries s ON s.node_id = n.node_id;
