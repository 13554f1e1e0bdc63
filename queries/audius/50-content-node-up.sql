-- metric: audius_content_node_up
-- type: gauge
-- help: 1 if every request to the content node in the latest run got a valid answer (after retries), else 0.
SELECT url AS endpoint, coalesce(up, 0) AS value
FROM nodes WHERE run_id = :run_id;
