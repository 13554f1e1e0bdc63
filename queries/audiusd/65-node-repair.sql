-- metric: audiusd_node_last_repair_timestamp_seconds
-- type: gauge
-- help: When the node's last successful repair finished (lastSuccessfulRepair.FinishedAt); its age is time() minus this.
SELECT url, repair AS value FROM audiusd_node
WHERE status != 'down' AND repair IS NOT NULL;
