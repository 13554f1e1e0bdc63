-- metric: evm_node_height
-- type: gauge
-- help: The node's eth_blockNumber, for every node that is not down.
SELECT url, height AS value FROM evm_node WHERE status != 'down';
