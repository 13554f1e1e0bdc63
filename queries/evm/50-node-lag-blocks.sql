-- metric: evm_node_lag_blocks
-- type: gauge
-- help: The network height minus the node's, for nodes syncing, lagging or synced.
SELECT c.url, n.height - c.height AS value
FROM evm_node c, evm_network n
WHERE c.status IN ('syncing', 'lagging', 'synced');
