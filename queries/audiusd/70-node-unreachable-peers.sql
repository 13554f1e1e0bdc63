-- metric: audiusd_node_unreachable_peers
-- type: gauge
-- help: Other listed nodes this node cannot reach, by its peerHealths.
SELECT a.url, (SELECT count(*) FROM audiusd_unreachable u
               WHERE u.a_id = a.node_id) AS value
FROM audiusd_node a WHERE a.status != 'down';
