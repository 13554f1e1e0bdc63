#!/bin/sh
test_description='the run log: runs leave it by store.run_log_retention, failed ones too, and vantage_runs_total keeps counting them'
. "$VT_SRC_DIR/t/test-lib.sh"

# After each run every stored time moves back a day (as in t4510).
age_store() {
	sqlite3 vantage.db "UPDATE runs SET started_at = started_at - 86400,
	    finished_at = finished_at - 86400;
	    UPDATE history_runs SET time = time - 86400;
	    UPDATE sample_rollups SET bucket = bucket - 86400,
	    last_time = last_time - 86400;"
}

v() {
	vantage -c v.yaml -D store.keep_runs=2 -D store.retention=1d \
	    -D store.run_log_retention=3d "$@"
}

# N complete runs a day apart.
complete_runs() {
	i=0
	while [ $i -lt $1 ]; do
		v once 2>>runs.log && age_store || return 1
		i=$((i + 1))
	done
}

# N failed runs a day apart: the queries of bad/ fail at run time
# (malformed JSON), after the run's nodes were saved.
failed_runs() {
	i=0
	while [ $i -lt $1 ]; do
		test_must_fail v -D queries.dir="$TRASH/bad" once 2>>runs.log &&
		age_store || return 1
		i=$((i + 1))
	done
}

q() {
	sqlite3 vantage.db "$1"
}

test_expect_success 'setup' '
	write_config v.yaml &&
	cp -R "$VT_SRC_DIR/queries/audius" bad &&
	printf "%s\n" "-- metric: broken" "-- type: gauge" "-- help: Fails." \
	    "SELECT json_extract('"'not json'"', '"'\$.x'"') AS value;" \
	    >bad/99-broken.sql &&
	start_simnet -u 50 -n 3
'

test_expect_success 'three complete runs, then ten failed ones, a day apart' '
	complete_runs 3 &&
	failed_runs 10
'

test_expect_success 'failed runs older than run_log_retention left the run log' '
	q "SELECT run_id FROM runs WHERE status = '"'failed'"' ORDER BY run_id" >failed &&
	printf "%s\n" 11 12 13 >expect &&
	test_cmp expect failed &&
	q "SELECT run_id FROM runs WHERE status = '"'complete'"' ORDER BY run_id" >complete &&
	printf "%s\n" 2 3 >expect &&
	test_cmp expect complete &&
	test "$(q "SELECT count(*) FROM run_phases WHERE run_id NOT IN
	    (SELECT run_id FROM runs)")" = 0 &&
	test "$(q "SELECT count(*) FROM run_requests WHERE run_id NOT IN
	    (SELECT run_id FROM runs)")" = 0
'

test_expect_success 'failed runs keep node rows for keep_runs runs only' '
	q "SELECT DISTINCT run_id FROM nodes ORDER BY run_id" >nodes &&
	printf "%s\n" 12 13 >expect &&
	test_cmp expect nodes
'

test_expect_success 'vantage_runs_total and run_totals count the pruned runs' '
	v metrics >m &&
	grep "^vantage_runs_total{status=\"complete\"} 3\$" m &&
	grep "^vantage_runs_total{status=\"failed\"} 10\$" m &&
	v sql --csv "SELECT status, runs FROM run_totals ORDER BY status" >t &&
	printf "%s\n" status,runs complete,3 failed,10 >expect &&
	test_cmp expect t
'

test_expect_success 'the next complete run knows it follows failed runs' '
	v once 2>recover.log &&
	grep "run_recovered" recover.log &&
	v metrics >m &&
	grep "^vantage_runs_total{status=\"complete\"} 4\$" m &&
	grep "^vantage_runs_total{status=\"failed\"} 10\$" m &&
	vantage-simnet compare truth.json m
'

# One reading of the totals, by `vantage sql` and by /metrics, appended
# to totals; true once the run log of old.db has caught up.
read_totals_() {
	t=$(vantage -c v.yaml -D store.path="$TRASH/old.db" sql --csv \
	    "SELECT sum(runs) FROM run_totals" 2>/dev/null | tail -n 1)
	m=$(curl -s --max-time 5 "http://127.0.0.1:$((VT_PORT + 1))/metrics" |
	    awk "/^vantage_runs_total/ { s += \$2 } END { print s + 0 }")
	echo "${t:-none} $m" >>totals
	test "$(sqlite3 old.db "SELECT count(*) FROM runs" 2>/dev/null)" -le 10
}

test_expect_success 'a store with 5,000 old runs catches up under serve while readers count' '
	v -D store.path="$TRASH/old.db" once 2>>runs.log &&
	sqlite3 old.db "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL
	    SELECT i + 1 FROM n WHERE i < 5001)
	    INSERT INTO runs (run_id, started_at, finished_at, status, error)
	    SELECT i, unixepoch() - 400 * 86400 + i,
	    unixepoch() - 400 * 86400 + i, '"'failed'"', '"'old'"' FROM n;
	    INSERT INTO run_phases SELECT run_id, '"'total'"', 1 FROM runs
	    WHERE run_id > 1;" &&
	bg_start vantage -c v.yaml -D store.path="$TRASH/old.db" \
	    -D store.keep_runs=2 -D store.run_log_retention=3d \
	    -D schedule.interval=1s serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	poll 600 read_totals_ &&
	stop_wait $serve_pid &&
	cat totals &&
	test "$(grep -c -v "^none" totals)" -ge 3 &&
	awk "\$1 != \"none\" && \$1 + 0 < p { print \"sql went down: \" \$0; bad = 1 }
	    \$1 != \"none\" { p = \$1 + 0 }
	    \$2 > 0 && \$2 + 0 < q { print \"metrics went down: \" \$0; bad = 1 }
	    \$2 > 0 { q = \$2 + 0 } END { exit bad }" totals &&
	test "$(sqlite3 old.db "SELECT count(*) FROM run_phases WHERE run_id
	    NOT IN (SELECT run_id FROM runs)")" = 0 &&
	n=$(sqlite3 old.db "SELECT max(run_id) FROM runs") &&
	test "$(sqlite3 old.db "SELECT sum(runs) FROM run_totals")" = "$n" &&
	test "$(sqlite3 old.db "SELECT runs FROM run_log_pruned
	    WHERE status = '"'failed'"'")" -ge 4990
'

stop_simnet
test_done
