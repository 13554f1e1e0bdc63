-- metric: audiusd_node_versions
-- type: gauge
-- help: Nodes that are not down, by the version their /health_check reports.
-- cutoff: version 20
SELECT version, count(*) AS value FROM audiusd_node
WHERE status != 'down' AND version IS NOT NULL GROUP BY version;
