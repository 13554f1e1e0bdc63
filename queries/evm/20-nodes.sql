-- metric: evm_nodes
-- type: gauge
-- help: Nodes by status (down, wrong_chain, syncing, lagging, synced); all five always present, summing to the node count.
-- headline: shares
SELECT s.status, (SELECT count(*) FROM evm_node c
                  WHERE c.status = s.status) AS value
FROM (SELECT 'down' AS status UNION ALL SELECT 'wrong_chain'
      UNION ALL SELECT 'syncing' UNION ALL SELECT 'lagging'
      UNION ALL SELECT 'synced') s;
