-- metric: cometbft_node_lag_blocks
-- type: gauge
-- help: The network height minus the node's, for nodes catching up, lagging or synced.
SELECT c.url, n.height - c.height AS value
FROM cometbft_node c, cometbft_network n
WHERE c.status IN ('catching_up', 'lagging', 'synced');
