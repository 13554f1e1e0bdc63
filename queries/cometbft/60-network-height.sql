-- metric: cometbft_network_height
-- type: gauge
-- help: The highest latest_block_height among nodes catching up, lagging or synced.
SELECT height AS value FROM cometbft_network WHERE height IS NOT NULL;
