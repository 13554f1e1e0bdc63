-- metric: cometbft_node_peers
-- type: gauge
-- help: n_peers from the node's /net_info, for nodes whose /net_info answered.
SELECT n.url, p.n_peers AS value
FROM nodes n
JOIN probe_net_info p ON p.run_id = n.run_id AND p.node_id = n.node_id
WHERE n.run_id = :run_id AND p.error IS NULL;
