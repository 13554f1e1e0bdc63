-- metric: evm_network_height
-- type: gauge
-- help: The highest eth_blockNumber among nodes syncing, lagging or synced.
SELECT height AS value FROM evm_network WHERE height IS NOT NULL;
