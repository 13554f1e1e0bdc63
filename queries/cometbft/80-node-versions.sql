-- metric: cometbft_node_versions
-- type: gauge
-- help: Nodes that are not down, by node_info.version.
-- cutoff: version 20
SELECT version, count(*) AS value FROM cometbft_node
WHERE status != 'down' GROUP BY version;
