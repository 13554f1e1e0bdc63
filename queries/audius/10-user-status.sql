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
-- user in user_id order, status_counts, users by primary and status, and
-- user_counts, the counts of one pass over user_status.
DROP TABLE IF EXISTS temp.user_order;
DROP TABLE IF EXISTS temp.user_status;
DROP TABLE IF EXISTS temp.status_counts;
DROP TABLE IF EXISTS temp.user_counts;

-- The run's users in user_id order: the clock lookups below then walk
-- probe_clock, whose key is (item, node_id), forward, whatever order
-- discovery gave: a user's three rows (primary and secondaries) are
-- neighbours, and the next user's follow.  In any other order they jump
-- about a table larger than the page cache.  Discovery notes whether its
-- rows came in user_id order already (temp.discovery_order, see
-- vantage.yaml(5)): then the users are read straight from the run's table
-- and user_order stays empty; only when they did not are they sorted, in
-- one sort needing no index (+user_id: the rows are read straight from
-- the table, never through an index of the profile's, and then sorted).
-- LIMIT 0 skips the scan, which a WHERE on a subquery would not; OFFSET 0
-- keeps SQLite from moving the LIMIT onto the sort, which would then fill
-- a B-tree instead of its faster sorter.
CREATE TEMP TABLE user_order AS
SELECT * FROM (
	SELECT user_id, primary_id, secondary_count, secondary1_id,
	    secondary2_id
	FROM users WHERE run_id = :run_id
	LIMIT (SELECT CASE WHEN EXISTS (SELECT 1 FROM temp.discovery_order
	    WHERE name = 'users' AND run_id = :run_id
	    AND ordered_by = 'user_id') THEN 0 ELSE -1 END) OFFSET 0)
ORDER BY +user_id;

-- A row of probe_clock exists only for a node crawled in this run, so a
-- replica is looked up among the run's nodes only when its row is missing.
-- u: the run's users straight from its table when user_order is empty
-- (they came in order), else the sorted ones of user_order.
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
	    OR (cp.node_id IS NULL AND u.primary_id NOT IN cur)
	    OR (c1.node_id IS NULL AND u.secondary1_id NOT IN cur)
	    OR (c2.node_id IS NULL AND u.secondary2_id NOT IN cur)
	    THEN 'incomplete_replica_set'
	WHEN cp.clock IS NULL OR c1.clock IS NULL OR c2.clock IS NULL
	    THEN 'unknown'
	WHEN cp.clock = -1 THEN 'primary_missing'
	WHEN c1.clock = cp.clock AND c2.clock = cp.clock THEN 'fully_synced'
	WHEN c1.clock = cp.clock OR c2.clock = cp.clock THEN 'partially_synced'
	ELSE 'unsynced'
    END AS status
FROM (
	SELECT * FROM (
	    SELECT user_id, primary_id, secondary_count, secondary1_id,
		secondary2_id
	    FROM users WHERE run_id = :run_id
	    LIMIT (SELECT CASE WHEN EXISTS (SELECT 1 FROM temp.user_order)
		THEN 0 ELSE -1 END))
	UNION ALL
	SELECT user_id, primary_id, secondary_count, secondary1_id,
	    secondary2_id
	FROM temp.user_order) u
LEFT JOIN probe_clock cp ON cp.run_id = :run_id
    AND cp.node_id = u.primary_id AND cp.item = u.user_id
LEFT JOIN probe_clock c1 ON c1.run_id = :run_id
    AND c1.node_id = u.secondary1_id AND c1.item = u.user_id
LEFT JOIN probe_clock c2 ON c2.run_id = :run_id
    AND c2.node_id = u.secondary2_id AND c2.item = u.user_id;

DROP TABLE temp.user_order;

-- Everything the metric files count, in one pass over user_status with
-- hashes (tally_tuples, tally): GROUP BY would sort every user first, and
-- counting into a keyed table seeks once per user.  by_status: users by
-- primary and status; secondaries: users by secondary, a user naming the
-- node twice counted once (30-content-node-users.sql).  JSON holds every
-- primary_id but a real (2.0 is 2 there), a blob, or text with a NUL
-- inside (->> ends it there): those few users are left out of by_status
-- and counted into status_counts one at a time below, in a second pass
-- made only if there are any (users is more than by_status counted; LIMIT
-- 0 skips the scan, which a WHERE on a subquery would not).
-- Users without a primary (no_replica_set) are the row whose primary_id
-- is NULL.
CREATE TEMP TABLE user_counts AS
SELECT count(*) AS users,
    tally_tuples(primary_id, status) FILTER (WHERE
	typeof(primary_id) IN ('null', 'integer')
	OR (typeof(primary_id) = 'text'
	    AND instr(CAST(primary_id AS BLOB), x'00') = 0)) AS by_status,
    tally(secondary1_id,
	CASE WHEN secondary2_id IS NOT secondary1_id THEN secondary2_id END)
	AS secondaries
FROM temp.user_status;

CREATE TEMP TABLE status_counts (
	primary_id,
	status		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (primary_id, status)
);
INSERT INTO temp.status_counts (primary_id, status, n)
SELECT value ->> 0, value ->> 1, value ->> 2
FROM json_each((SELECT by_status FROM temp.user_counts));
INSERT INTO temp.status_counts (primary_id, status, n)
SELECT primary_id, status, 1 FROM temp.user_status
WHERE typeof(primary_id) IN ('real', 'blob')
    OR (typeof(primary_id) = 'text'
	AND instr(CAST(primary_id AS BLOB), x'00') > 0)
LIMIT (SELECT CASE WHEN (SELECT users FROM temp.user_counts) >
	(SELECT coalesce(sum(n), 0) FROM temp.status_counts)
    THEN -1 ELSE 0 END)
ON CONFLICT (primary_id, status) DO UPDATE SET n = n + 1;
