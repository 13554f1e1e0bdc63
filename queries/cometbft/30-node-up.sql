-- metric: cometbft_node_up
-- type: gauge
-- help: 1 if the node's /status gave a valid answer, else 0.
SELECT url, status != 'down' AS value FROM cometbft_node;
