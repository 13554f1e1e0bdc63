-- metric: mina_fleet_blocklength
-- type: gauge
-- help: The longest max block length among the nodes that answered.
SELECT blocklength AS value FROM mina_fleet WHERE blocklength IS NOT NULL;
