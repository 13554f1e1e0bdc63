-- 003-discovery.sql: where each run's node list came from.  A source that
-- cannot be read makes a run keep the previous run's node list (and index
-- tables) for at most discovery.max_stale runs in a row.
ALTER TABLE runs ADD COLUMN source TEXT;		-- discovery.source kind
-- 0: the source was read in this run; k > 0: the list was carried over
-- from the run before, k runs in a row; NULL: no node list at all.
ALTER TABLE runs ADD COLUMN discovery_stale INTEGER;
ALTER TABLE runs ADD COLUMN discovery_error TEXT;	-- why the source failed
