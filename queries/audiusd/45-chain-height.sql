-- metric: audiusd_chain_height
-- type: gauge
-- help: The highest core chain height among synced, healthy nodes.
SELECT height AS value FROM audiusd_chain WHERE height IS NOT NULL;
