-- metric: evm_node_clients
-- type: gauge
-- help: Nodes that are not down, by client: web3_clientVersion up to its first /.
-- cutoff: client 20
SELECT client, count(*) AS value FROM evm_node
WHERE status != 'down' AND client IS NOT NULL AND client != ''
GROUP BY client;
