-- metric: mina_node_blocks_behind
-- type: gauge
-- help: The fleet's longest max block length minus the node's; over params.fork_blocks the node is a fork suspect.
SELECT c.url, f.blocklength - c.blocklength AS value
FROM mina_node c, mina_fleet f WHERE c.status != 'down';
