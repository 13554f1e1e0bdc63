-- metric: audius_content_node_unanswered_users
-- type: gauge
-- help: Wallets requested from the content node whose clock was not obtained (node down, timeout, error or malformed answer, wallet missing from the answer).
-- probe_clock.item is the user_id; wallets are counted once per node.
WITH missed AS (
	SELECT p.node_id, count(DISTINCT u.wallet) AS c
	FROM probe_clock p
	JOIN users u ON u.run_id = p.run_id AND u.user_id = p.item
	WHERE p.run_id = :run_id AND p.error IS NOT NULL
	GROUP BY p.node_id
)
SELECT n.url AS endpoint, coalesce(m.c, 0) AS value
FROM nodes n LEFT JOIN missed m ON m.node_id = n.node_id
WHERE n.run_id = :run_id;
