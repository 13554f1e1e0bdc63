-- metric: audiusd_asymmetric_pairs
-- type: gauge
-- help: Pairs of answering nodes where one reaches the other but not the other way round.
SELECT count(*) AS value FROM audiusd_unreachable u
JOIN audiusd_node b ON b.node_id = u.b_id AND b.status != 'down'
WHERE NOT EXISTS (SELECT 1 FROM audiusd_unreachable r
                  WHERE r.a_id = u.b_id AND r.b_id = u.a_id);
