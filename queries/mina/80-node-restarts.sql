-- metric: mina_node_restarts_total
-- type: counter
-- help: Restarts seen: runs in which the node's uptime counter was lower than at its previous report. Kept in the store across runs and restarts of vantage.
SELECT c.url, coalesce(u.restarts, 0) AS value
FROM mina_node c LEFT JOIN mina_uptime u ON u.url = c.url;
