-- 006-remote-write.sql: the runs waiting to be sent by Prometheus remote
-- write (remote_write.url).  A complete run is queued in its own
-- transaction and leaves the queue once the receiver took every sample of
-- it (or refused it for good); at most remote_write.max_pending runs wait.
CREATE TABLE remote_write_queue (
	run_id		INTEGER PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
	queued_at	REAL NOT NULL		-- unix seconds
);
