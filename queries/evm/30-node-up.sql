-- metric: evm_node_up
-- type: gauge
-- help: 1 if the node answered eth_blockNumber with a quantity, else 0.
SELECT url, status != 'down' AS value FROM evm_node;
