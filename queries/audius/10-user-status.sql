-- The status of every current user in this run, first match wins:
--   no_replica_set          primary_id is NULL
--   incomplete_replica_set  primary and two secondaries are not three distinct
--                           current content nodes
--   unknown                 a replica's clock could not be obtained (node down,
--                           timeout, error or malformed answer, wallet absent)
--   primary_missing         the primary answered -1 (it has no data)
--   fully_synced            both secondaries report the primary's clock
--   partially_synced        exactly one does
--   unsynced                neither does
-- probe_clock.item is the user_id (see conf/audius.yaml).  The results are
-- temporary tables the metric files below read: user_status, one row per
-- user, and status_counts, users by primary and status (one sort of the
-- users serves every count by status).
DROP TABLE IF EXISTS temp.user_status;
DROP TABLE IF EXISTS temp.status_counts;

CREATE TEMP TABLE user_status AS
WITH cur(node_id) AS (
	SELECT node_id FROM nodes WHERE run_id = :run_id
)
SELECT u.user_id, u.primary_id, u.secondary1_id, u.secondary2_id,
    CASE
	WHEN u.primary_id IS NULL THEN 'no_replica_set'
	WHEN u.secondary_count IS NOT 2
	    OR u.secondary1_id IS NULL OR u.secondary2_id IS NULL
	    OR u.primary_id = u.secondary1_id
	    OR u.primary_id = u.secondary2_id
	    OR u.secondary1_id = u.secondary2_id
	    OR u.primary_id NOT IN cur
	    OR u.secondary1_id NOT IN cur
	    OR u.secondary2_id NOT IN cur
	    THEN 'incomplete_replica_set'
	WHEN cp.clock IS NULL OR c1.clock IS NULL OR c2.clock IS NULL
	    THEN 'unknown'
	WHEN cp.clock = -1 THEN 'primary_missing'
	WHEN c1.clock = cp.clock AND c2.clock = cp.clock THEN 'fully_synced'
	WHEN c1.clock = cp.clock OR c2.clock = cp.clock THEN 'partially_synced'
	ELSE 'unsynced'
    END AS status
FROM users u
LEFT JOIN probe_clock cp ON cp.run_id = :run_id
    AND cp.node_id = u.primary_id AND cp.item = u.user_id
LEFT JOIN probe_clock c1 ON c1.run_id = :run_id
    AND c1.node_id = u.secondary1_id AND c1.item = u.user_id
LEFT JOIN probe_clock c2 ON c2.run_id = :run_id
    AND c2.node_id = u.secondary2_id AND c2.item = u.user_id
WHERE u.run_id = :run_id;

CREATE TEMP TABLE status_counts AS
SELECT primary_id, status, count(*) AS n
FROM temp.user_status
GROUP BY primary_id, status;
