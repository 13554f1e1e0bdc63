-- metric: cometbft_node_height
-- type: gauge
-- help: The node's latest_block_height, for every node that is not down.
SELECT url, height AS value FROM cometbft_node WHERE status != 'down';
