#!/bin/sh
test_description='the store levels off: 60 runs a day apart with short retention, the run log included'
. "$VT_SRC_DIR/t/test-lib.sh"

# After each run every stored time moves back a day, as if the runs had
# happened that far apart (the store is not open between two `once`).
age_store() {
	sqlite3 vantage.db "UPDATE runs SET started_at = started_at - 86400,
	    finished_at = finished_at - 86400;
	    UPDATE history_runs SET time = time - 86400;
	    UPDATE sample_rollups SET bucket = bucket - 86400,
	    last_time = last_time - 86400;"
}

# Pages of the whole file, free pages and the run log included.
pages() {
	sqlite3 vantage.db "SELECT page_count FROM pragma_page_count"
}

# Pages of the run log alone (runs and the rows that go with a run's entry;
# about 300 bytes a run, so 30 runs would add a few pages).
runlog_pages() {
	sqlite3 vantage.db "SELECT count(*) FROM dbstat WHERE name IN ('runs',
	    'runs_status', 'run_phases', 'run_requests',
	    'sqlite_autoindex_run_phases_1', 'sqlite_autoindex_run_requests_1')"
}

# Runs $1..$2, another network (seed) every 4 runs, so that entity
# history closes intervals; prints the pages after the last one.
runs() {
	r=$1
	while [ $r -le $2 ]; do
		if [ $(((r - 1) % 4)) -eq 0 ]; then
			stop_simnet &&
			start_simnet -s $r -u 300 -n 3 || return 1
		fi
		vantage -c v.yaml -D store.keep_runs=2 -D store.retention=5d \
		    -D store.rollup_retention=10d \
		    -D store.run_log_retention=${RUN_LOG_RETENTION:-7d} \
		    once 2>>runs.log &&
		age_store || return 1
		r=$((r + 1))
	done
}

test_expect_success 'setup' '
	write_config v.yaml
'

test_expect_success 'runs 1-30: every pruning path has run' '
	runs 1 30 &&
	pages >pages.30 &&
	runlog_pages >runlog.30 &&
	sqlite3 vantage.db "SELECT count(*) FROM sqlite_schema" >schema.30 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM history_closed")" -gt 0 &&
	test "$(vantage -c v.yaml sql --csv "SELECT count(DISTINCT run_id) FROM samples" | tail -n 1)" -le 6 &&
	test "$(sqlite3 vantage.db "SELECT count(DISTINCT bucket) FROM sample_rollups WHERE width = 86400")" -le 11 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM history_runs")" -le 6 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM run_tables")" -le 6 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM runs")" -le 9
'

test_expect_success 'runs 31-60: the store does not grow' '
	runs 31 60 &&
	pages >pages.60 &&
	runlog_pages >runlog.60 &&
	cat pages.30 pages.60 runlog.30 runlog.60 &&
	test "$(cat pages.60)" -le "$(($(cat pages.30) + 2))" &&
	test "$(cat runlog.60)" -le "$(cat runlog.30)" &&
	test "$(vantage -c v.yaml sql --csv "SELECT count(DISTINCT run_id) FROM samples" | tail -n 1)" -le 6 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM runs")" -le 9 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM sqlite_schema")" = \
	    "$(cat schema.30)" &&
	test "$(stat -c %s vantage.db-wal 2>/dev/null || echo 0)" -eq 0
'

test_expect_success 'the last run is complete and right' '
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'vantage_runs_total counts every run, pruned ones too' '
	grep "^vantage_runs_total{status=\"complete\"} 60\$" m &&
	grep "^vantage_runs_total{status=\"failed\"} 0\$" m &&
	test "$(sqlite3 vantage.db "SELECT runs FROM run_log_pruned
	    WHERE status = '"'complete'"'")" -ge 50
'

stop_simnet
test_done
