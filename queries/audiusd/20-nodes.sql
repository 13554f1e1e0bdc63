-- metric: audiusd_nodes
-- type: gauge
-- help: Nodes by status (down, unregistered, unhealthy, not_synced, lagging, healthy); all six always present, summing to the node count.
-- headline: shares
SELECT s.status, (SELECT count(*) FROM audiusd_node c
                  WHERE c.status = s.status) AS value
FROM (SELECT 'down' AS status UNION ALL SELECT 'unregistered'
      UNION ALL SELECT 'unhealthy' UNION ALL SELECT 'not_synced'
      UNION ALL SELECT 'lagging' UNION ALL SELECT 'healthy') s;
