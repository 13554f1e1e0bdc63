-- metric: audius_content_node_unanswered_users
-- type: gauge
-- help: Wallets requested from the content node whose clock was not obtained (node down, timeout, error or malformed answer, wallet missing from the answer).
WITH missed AS (
	SELECT node_id, count(*) AS c FROM probe_clock
	WHERE run_id = :run_id AND error IS NOT NULL
	GROUP BY node_id
)
SELECT n.url AS endpoint, coalesce(m.c, 0) AS value
FROM nodes n LEFT JOIN missed m ON m.node_id = n.node_id
WHERE n.run_id = :run_id;
