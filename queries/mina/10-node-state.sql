-- Each node this run: the Mina_ values it reported (a label-less series
-- is stored under its metric name), and its status, first match wins:
--   down          no valid exposition, or no
--                 Mina_Transition_frontier_max_blocklength_observed in it;
--   fork_suspect  its max block length is more than :fork_blocks below
--                 the fleet's longest (the highest among answering nodes);
--   ok.
DROP TABLE IF EXISTS temp.mina_node;
CREATE TEMP TABLE mina_node AS
SELECT n.node_id, n.url,
       (SELECT m.value FROM probe_metrics m WHERE m.run_id = n.run_id
          AND m.node_id = n.node_id AND m.error IS NULL
          AND m.item = 'Mina_Transition_frontier_max_blocklength_observed')
          AS blocklength,
       (SELECT m.value FROM probe_metrics m WHERE m.run_id = n.run_id
          AND m.node_id = n.node_id AND m.error IS NULL
          AND m.item = 'Mina_Runtime_process_uptime_ms_total') AS uptime_ms,
       (SELECT m.value FROM probe_metrics m WHERE m.run_id = n.run_id
          AND m.node_id = n.node_id AND m.error IS NULL
          AND m.item = 'Mina_Network_peers') AS peers,
       (SELECT m.value FROM probe_metrics m WHERE m.run_id = n.run_id
          AND m.node_id = n.node_id AND m.error IS NULL
          AND m.item = 'Mina_Trust_system_banned_peers') AS banned_peers,
       NULL AS status
FROM nodes n
WHERE n.run_id = :run_id;

DROP TABLE IF EXISTS temp.mina_fleet;
CREATE TEMP TABLE mina_fleet AS
SELECT max(blocklength) AS blocklength FROM mina_node;

UPDATE temp.mina_node SET status =
    CASE WHEN blocklength IS NULL THEN 'down'
         WHEN (SELECT blocklength FROM mina_fleet) - blocklength > :fork_blocks
         THEN 'fork_suspect'
         ELSE 'ok' END;
