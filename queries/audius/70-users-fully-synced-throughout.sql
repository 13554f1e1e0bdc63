-- metric: audius_users_fully_synced_throughout
-- type: gauge
-- help: Current Audius users whose status was fully_synced in every complete run of the window (history.windows) in which they were current.
SELECT w.window, coalesce(c.only, 0) AS value
FROM history_windows w
LEFT JOIN history_window_counts c
    ON c.window = w.window AND c.state = 'fully_synced';
