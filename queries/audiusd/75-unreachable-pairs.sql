-- metric: audiusd_unreachable_pairs
-- type: gauge
-- help: Ordered pairs of nodes (A, B) where A answered and cannot reach B.
SELECT count(*) AS value FROM audiusd_unreachable;
