-- metric: mina_node_up
-- type: gauge
-- help: 1 if the node served a valid exposition with its max block length, else 0.
SELECT url, status != 'down' AS value FROM mina_node;
