-- metric: mina_node_banned_peers
-- type: gauge
-- help: Peers the node's trust system banned (Mina_Trust_system_banned_peers).
SELECT url, banned_peers AS value FROM mina_node
WHERE status != 'down' AND banned_peers IS NOT NULL;
