-- metric: cometbft_node_peers
-- type: gauge
-- help: n_peers from the node's /net_info, for nodes whose /net_info answered.
SELECT n.url, CAST(p.n_peers AS INTEGER) AS value
FROM nodes n
JOIN probe_net_info p ON p.run_id = n.run_id AND p.node_id = n.node_id
WHERE n.run_id = :run_id AND p.error IS NULL
  AND length(p.n_peers) BETWEEN 1 AND 18 AND p.n_peers NOT GLOB '*[^0-9]*';
