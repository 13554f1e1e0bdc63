-- metric: audiusd_node_height_behind
-- type: gauge
-- help: The chain height minus the node's: how far each node's chain diverges from the healthy nodes'.
SELECT c.url, h.height - c.height AS value
FROM audiusd_node c, audiusd_chain h
WHERE c.status != 'down' AND c.height IS NOT NULL AND h.height IS NOT NULL;
