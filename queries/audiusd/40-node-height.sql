-- metric: audiusd_node_height
-- type: gauge
-- help: The node's core chain height (/core/status chain_info.current_height), for nodes not down.
SELECT url, height AS value FROM audiusd_node
WHERE status != 'down' AND height IS NOT NULL;
