-- metric: cometbft_nodes
-- type: gauge
-- help: Nodes by status (down, wrong_network, diverged, catching_up, lagging, synced); all six always present, summing to the node count.
-- headline: shares
SELECT s.status, (SELECT count(*) FROM cometbft_node c
                  WHERE c.status = s.status) AS value
FROM (SELECT 'down' AS status UNION ALL SELECT 'wrong_network'
      UNION ALL SELECT 'diverged' UNION ALL SELECT 'catching_up'
      UNION ALL SELECT 'lagging' UNION ALL SELECT 'synced') s;
