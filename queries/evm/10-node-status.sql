-- Each node's status this run, first match wins:
--   1. down         no valid eth_blockNumber: no connection, a timeout,
--                   an HTTP error, a malformed answer, an error object or
--                   a result that is not a 0x quantity;
--   2. wrong_chain  eth_chainId is not the chain file's chainId;
--   3. syncing      eth_syncing is not false (an object);
--   4. lagging      more than :lag_blocks below the network height, the
--                   highest eth_blockNumber among nodes of statuses 3 to 5;
--   5. synced.
DROP TABLE IF EXISTS temp.evm_node;
CREATE TEMP TABLE evm_node AS
WITH r AS (
    SELECT node_id, item, quantity, text, syncing, current_block
    FROM probe_rpc WHERE run_id = :run_id AND error IS NULL
),
s AS (
    SELECT n.node_id, n.url,
           CAST(json_extract(n.labels, '$.chain_id') AS INTEGER) AS want,
           (SELECT quantity FROM r WHERE r.node_id = n.node_id
              AND r.item = 'eth_blockNumber') AS height,
           (SELECT quantity FROM r WHERE r.node_id = n.node_id
              AND r.item = 'eth_chainId') AS chain,
           (SELECT coalesce(syncing, 1) FROM r WHERE r.node_id = n.node_id
              AND r.item = 'eth_syncing') AS syncing,
           (SELECT quantity FROM r WHERE r.node_id = n.node_id
              AND r.item = 'net_peerCount') AS peers,
           (SELECT text FROM r WHERE r.node_id = n.node_id
              AND r.item = 'web3_clientVersion') AS client_version
    FROM nodes n
    WHERE n.run_id = :run_id
)
SELECT node_id, url, height, peers,
       CASE WHEN instr(client_version, '/') > 0
            THEN substr(client_version, 1, instr(client_version, '/') - 1)
            ELSE client_version END AS client,
       CASE WHEN height IS NULL THEN 'down'
            WHEN chain IS NOT want THEN 'wrong_chain'
            WHEN syncing = 1 THEN 'syncing'
            ELSE 'synced' END AS status
FROM s;

DROP TABLE IF EXISTS temp.evm_network;
CREATE TEMP TABLE evm_network AS
SELECT max(height) AS height FROM evm_node
WHERE status IN ('syncing', 'synced');

UPDATE temp.evm_node SET status = 'lagging'
WHERE status = 'synced'
  AND (SELECT height FROM evm_network) - height > :lag_blocks;
