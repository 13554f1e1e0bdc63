-- metric: audiusd_node_storage_used_ratio
-- type: gauge
-- help: mediorumPathUsed / mediorumPathSize: how full the node's storage is.
SELECT url, used * 1.0 / size AS value FROM audiusd_node
WHERE status != 'down' AND used IS NOT NULL AND size > 0;
