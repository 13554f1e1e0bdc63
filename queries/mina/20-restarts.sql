-- Restarts, kept in the store across runs and restarts of vantage: a
-- node whose Mina_Runtime_process_uptime_ms_total is lower than at its
-- previous report (in an earlier complete run) restarted once since.
-- The table changes within the run's transaction, so a run that fails
-- leaves it as the last complete run did.
CREATE TABLE IF NOT EXISTS mina_uptime (
    url TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,	-- the run of the last report
    uptime_ms REAL NOT NULL,
    restarts INTEGER NOT NULL DEFAULT 0
);

UPDATE mina_uptime SET restarts = restarts + 1
WHERE run_id < :run_id
  AND uptime_ms > (SELECT c.uptime_ms FROM mina_node c
                   WHERE c.url = mina_uptime.url);

INSERT INTO mina_uptime (url, run_id, uptime_ms)
SELECT url, :run_id, uptime_ms FROM mina_node
WHERE uptime_ms IS NOT NULL
ON CONFLICT (url) DO UPDATE SET run_id = excluded.run_id,
    uptime_ms = excluded.uptime_ms;
