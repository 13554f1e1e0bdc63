-- metric: mina_nodes
-- type: gauge
-- help: Nodes by status (down, fork_suspect, ok); all three always present, summing to the node count.
-- headline: shares
SELECT s.status, (SELECT count(*) FROM mina_node c
                  WHERE c.status = s.status) AS value
FROM (SELECT 'down' AS status UNION ALL SELECT 'fork_suspect'
      UNION ALL SELECT 'ok') s;
