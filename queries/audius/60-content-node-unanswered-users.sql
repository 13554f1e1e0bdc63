-- metric: audius_content_node_unanswered_users
-- type: gauge
-- help: Wallets requested from the content node whose clock was not obtained (node down, timeout, error or malformed answer, wallet missing from the answer).
-- probe_clock.item is the user_id; wallets are counted once per node.
-- probe_clock is read only when some node has unanswered items
-- (nodes.unanswered counts the rows with an error): its key is (item,
-- node_id), so finding a node's rows means reading them all, and LIMIT 0
-- skips that read, which a WHERE would not.  Users are scanned once, and
-- only if something failed, against the few failed rows, so no index on
-- user_id is needed.
WITH failed AS MATERIALIZED (
	SELECT node_id, item FROM probe_clock
	WHERE run_id = :run_id AND error IS NOT NULL AND node_id IN (
	    SELECT node_id FROM nodes
	    WHERE run_id = :run_id AND unanswered > 0)
	LIMIT (SELECT CASE WHEN EXISTS (SELECT 1 FROM nodes
	    WHERE run_id = :run_id AND unanswered > 0) THEN -1 ELSE 0 END)
),
missed AS (
	SELECT p.node_id, count(DISTINCT u.wallet) AS c
	FROM users u CROSS JOIN failed p ON p.item = u.user_id
	WHERE u.run_id = :run_id AND EXISTS (SELECT 1 FROM failed)
	GROUP BY p.node_id
)
SELECT n.url AS endpoint, coalesce(m.c, 0) AS value
FROM nodes n LEFT JOIN missed m ON m.node_id = n.node_id
WHERE n.run_id = :run_id;
