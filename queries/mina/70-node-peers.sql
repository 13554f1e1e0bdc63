-- metric: mina_node_peers
-- type: gauge
-- help: Peers the node sees through the gossip net (Mina_Network_peers).
SELECT url, peers AS value FROM mina_node
WHERE status != 'down' AND peers IS NOT NULL;
