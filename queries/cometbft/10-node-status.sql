-- Each node's status this run, first match wins (issue 7's contract):
--   1. down           /status gave no valid answer: no connection, a
--                     timeout, not 200, malformed, or latest_block_height
--                     missing or not an integer;
--   2. wrong_network  node_info.network is not the chain.json's chain_id;
--   3. diverged       among answering nodes on the right network, others
--                     report the same height with another block hash, and
--                     this node's hash is not the canonical one there (the
--                     hash most nodes report; a tie goes to the smallest);
--   4. catching_up    sync_info.catching_up is true;
--   5. lagging        more than :lag_blocks below the network height, the
--                     highest height among nodes of statuses 4 to 6;
--   6. synced.
DROP TABLE IF EXISTS temp.cometbft_node;
CREATE TEMP TABLE cometbft_node AS
WITH s AS (
    SELECT n.node_id, n.url, json_extract(n.labels, '$.chain_id') AS chain_id,
           p.network, p.version, p.hash, p.catching_up,
           CASE WHEN p.error IS NULL THEN p.height END AS height
    FROM nodes n
    LEFT JOIN probe_status p ON p.run_id = n.run_id AND p.node_id = n.node_id
    WHERE n.run_id = :run_id
),
r AS (
    SELECT height, hash FROM s
    WHERE height IS NOT NULL AND network IS chain_id
),
hc AS (
    SELECT height, hash, count(*) AS c FROM r GROUP BY height, hash
),
canon AS (
    SELECT height, hash FROM (
        SELECT height, hash, row_number() OVER (PARTITION BY height
            ORDER BY c DESC, hash ASC) AS rn
        FROM hc)
    WHERE rn = 1
),
disputed AS (
    SELECT height FROM hc GROUP BY height HAVING count(*) > 1
)
SELECT s.node_id, s.url, s.height, s.version,
       CASE WHEN s.height IS NULL THEN 'down'
            WHEN s.network IS NOT s.chain_id THEN 'wrong_network'
            WHEN s.height IN (SELECT height FROM disputed)
             AND s.hash IS NOT (SELECT hash FROM canon
                                WHERE canon.height = s.height) THEN 'diverged'
            WHEN s.catching_up = 1 THEN 'catching_up'
            ELSE 'synced' END AS status
FROM s;

DROP TABLE IF EXISTS temp.cometbft_network;
CREATE TEMP TABLE cometbft_network AS
SELECT max(height) AS height FROM cometbft_node
WHERE status IN ('catching_up', 'synced');

UPDATE temp.cometbft_node SET status = 'lagging'
WHERE status = 'synced'
  AND (SELECT height FROM cometbft_network) - height > :lag_blocks;
