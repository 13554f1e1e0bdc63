-- Each node's status this run, first match wins:
--   1. down          /health_check gave no answer (503 and 506 bodies
--                    are answers, if they say healthy or
--                    wallet_is_registered at all: a proxy's 503 page is
--                    no health answer);
--   2. unregistered  HTTP 506, or wallet_is_registered is not true;
--   3. unhealthy     HTTP 503, or healthy is not true;
--   4. not_synced    /core/status gave no answer, no current_height, or
--                    sync_info.synced absent or false;
--   5. lagging       more than :lag_blocks below the chain height, the
--                    highest current_height among nodes of statuses 5 and 6;
--   6. healthy.
DROP TABLE IF EXISTS temp.audiusd_node;
CREATE TEMP TABLE audiusd_node AS
SELECT n.node_id, n.url, h.version, h.used, h.size, h.stamp,
       unixepoch(h.repair_finished) AS repair,
       CASE WHEN h.error IS NULL THEN c.height END AS height,
       CASE WHEN h.node_id IS NULL OR h.error IS NOT NULL
              OR (h.healthy IS NULL AND h.registered IS NULL) THEN 'down'
            WHEN h.http_status = 506 OR h.registered IS NOT 1
            THEN 'unregistered'
            WHEN h.http_status = 503 OR h.healthy IS NOT 1 THEN 'unhealthy'
            WHEN c.node_id IS NULL OR c.error IS NOT NULL
              OR c.height IS NULL OR c.synced IS NOT 1 THEN 'not_synced'
            ELSE 'healthy' END AS status
FROM nodes n
LEFT JOIN probe_health h ON h.run_id = n.run_id AND h.node_id = n.node_id
LEFT JOIN probe_core c ON c.run_id = n.run_id AND c.node_id = n.node_id
WHERE n.run_id = :run_id;

DROP TABLE IF EXISTS temp.audiusd_chain;
CREATE TEMP TABLE audiusd_chain AS
SELECT max(height) AS height FROM audiusd_node WHERE status = 'healthy';

UPDATE temp.audiusd_node SET status = 'lagging'
WHERE status = 'healthy'
  AND (SELECT height FROM audiusd_chain) - height > :lag_blocks;

-- The reachability matrix: A (answering) cannot reach B (any other node
-- listed) when A's peerHealths has no B, or last reached it more than
-- :reach_window_seconds before A's own answer was signed.
DROP TABLE IF EXISTS temp.audiusd_unreachable;
CREATE TEMP TABLE audiusd_unreachable AS
SELECT a.node_id AS a_id, a.url AS a_url, b.node_id AS b_id
FROM audiusd_node a
JOIN audiusd_node b ON b.node_id != a.node_id
LEFT JOIN probe_peer_health p ON p.run_id = :run_id
      AND p.node_id = a.node_id AND p.item = b.url AND p.error IS NULL
WHERE a.status != 'down'
  AND (p.last_reachable IS NULL
       OR (julianday(a.stamp) - julianday(p.last_reachable)) * 86400.0
          > :reach_window_seconds);
