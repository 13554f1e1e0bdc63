-- 004-headline.sql: the metric families a profile marks as its headline
-- with "-- headline: values|shares" in the query file's header, shown
-- first by the status page, and the "-- threshold:" lines declared on
-- them (a JSON array of their texts), which send events when crossed.
ALTER TABLE metrics ADD COLUMN headline TEXT;	-- NULL, 'values' or 'shares'
ALTER TABLE metrics ADD COLUMN thresholds TEXT;	-- JSON array, or NULL
