-- metric: audiusd_node_up
-- type: gauge
-- help: 1 if the node's /health_check answered (503 and 506 included), else 0.
SELECT url, status != 'down' AS value FROM audiusd_node;
