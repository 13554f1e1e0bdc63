-- metric: mina_node_blocklength
-- type: gauge
-- help: The node's Mina_Transition_frontier_max_blocklength_observed.
SELECT url, blocklength AS value FROM mina_node WHERE status != 'down';
