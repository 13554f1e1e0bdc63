-- 002-export.sql: a cardinality cutoff per metric family, from the
-- "-- cutoff: LABEL N" header of its query file.  The store keeps every
-- series; only the exposition folds the long tail into one series.
ALTER TABLE metrics ADD COLUMN cutoff_label TEXT;
ALTER TABLE metrics ADD COLUMN cutoff INTEGER;
