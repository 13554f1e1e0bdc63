#!/bin/sh
test_description='discovery: a source that fails keeps the last node list for max_stale runs, loudly'
. "$VT_SRC_DIR/t/test-lib.sh"

sel() {
	vantage -c v.yaml sql --csv "$1"
}

test_expect_success 'setup: a complete run reads the source' '
	start_simnet -s 4 -u 300 -n 4 &&
	write_config v.yaml &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m1 &&
	grep "^vantage_discovery_nodes{source=\"sqlite\"} 4$" m1 &&
	grep "^vantage_discovery_stale_runs 0$" m1 &&
	t1=$(sed -n "s/^vantage_discovery_last_success_timestamp_seconds //p" m1) &&
	test "$t1" != 0 && echo "$t1" >t1
'

test_expect_success 'the source failing keeps the list, with its index tables, and says so' '
	mv dn.db dn.db.away &&
	vantage -c v.yaml once 2>err &&
	grep "discover: .*dn.db: unable to open database file; keeping the previous node list (1 of at most 3 runs)" err &&
	vantage -c v.yaml metrics >m2 &&
	vantage-simnet compare truth.json m2 &&
	grep "^vantage_discovery_stale_runs 1$" m2 &&
	grep "^vantage_discovery_nodes{source=\"sqlite\"} 4$" m2 &&
	grep "^vantage_discovery_last_success_timestamp_seconds $(cat t1)$" m2 &&
	sel "SELECT run_id, status, discovery_stale, discovery_error IS NOT NULL AS why FROM runs ORDER BY run_id" >out &&
	printf "run_id,status,discovery_stale,why\n1,complete,0,0\n2,complete,1,1\n" >expect &&
	test_cmp expect out &&
	sel "SELECT count(*) AS n FROM users WHERE run_id = 2" >out &&
	sel "SELECT count(*) AS n FROM users WHERE run_id = 1" >expect &&
	test_cmp expect out
'

test_expect_success 'at most max_stale runs in a row; then runs fail, naming why' '
	vantage -c v.yaml once 2>/dev/null &&
	vantage -c v.yaml once 2>err &&
	grep "(3 of at most 3 runs)" err &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "run 5: failed: discover: .*unable to open database file (the node list of run 4 was already kept for 3 of at most 3 runs (discovery.max_stale))" err &&
	vantage -c v.yaml metrics >m5 &&
	grep "^vantage_last_run_success 0$" m5 &&
	grep "^vantage_discovery_stale_runs 3$" m5 &&
	vantage-simnet compare truth.json m5
'

test_expect_success 'the source back: read again, fresh' '
	mv dn.db.away dn.db &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m6 &&
	grep "^vantage_discovery_stale_runs 0$" m6 &&
	t6=$(sed -n "s/^vantage_discovery_last_success_timestamp_seconds //p" m6) &&
	test "$t6" != "$(cat t1)"
'

test_expect_success 'a source that lists no nodes, where it listed some, counts as failing' '
	cp dn.db dn.db.full &&
	sqlite3 dn.db "UPDATE ursm_content_nodes SET is_current = 0" &&
	vantage -c v.yaml once 2>err &&
	grep "discover: the source listed no nodes; the list before had 4; keeping the previous node list (1 of at most 3 runs)" err &&
	vantage -c v.yaml metrics >m7 &&
	vantage-simnet compare truth.json m7 &&
	mv dn.db.full dn.db
'

seven_runs_() {
	curl -fsS "http://127.0.0.1:$((VT_PORT + 1))/metrics" >m8 &&
	grep -q "^vantage_runs_total{status=\"complete\"} 7$" m8
}

test_expect_success 'serve: the live discovery metrics follow the runs' '
	mv dn.db dn.db.away &&
	test_when_finished "mv dn.db.away dn.db" &&
	bg_start vantage -c v.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	wait_for_http "http://127.0.0.1:$((VT_PORT + 1))/-/ready" &&
	{ poll 300 seven_runs_ || { cat serve.out; false; }; } &&
	grep "^vantage_discovery_stale_runs 2$" m8 &&
	kill $bg_pid
'

test_done
