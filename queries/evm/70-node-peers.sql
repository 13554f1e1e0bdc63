-- metric: evm_node_peers
-- type: gauge
-- help: net_peerCount, for nodes not down that answered it.
SELECT url, peers AS value FROM evm_node
WHERE status != 'down' AND peers IS NOT NULL;
