#!/bin/sh
test_description='crawl: rows wait for the nodes behind them in key order (item, node), none is lost'
. "$VT_SRC_DIR/t/test-lib.sh"

# Node 1 answers after crawl.timeout (2s), three times: the other nodes'
# rows wait for it, as it has not answered for the first users yet.
# Node 3 leaves wallets out.
test_expect_success 'setup' '
	start_simnet -s 5 -u 4000 -n 6 --slow-delay 3s -f 1:slow -f 3:missing &&
	write_config v.yaml
'

# The rows of run R: node, item, clock, error.
rows() {
	sqlite3 -csv vantage.db "SELECT node_id, item, clock, error
	    FROM probe_clock_run$1 ORDER BY node_id, item"
}

# What run R's rows should be: a row per node of a replica set and user
# with a wallet, and each node counting its own.
check_rows() {
	sqlite3 vantage.db "SELECT count(*) FROM (SELECT DISTINCT n.node_id,
	    u.user_id FROM users_run$1 u JOIN nodes n ON n.run_id = $1 AND
	    n.node_id IN (u.primary_id, u.secondary1_id, u.secondary2_id)
	    WHERE u.wallet IS NOT NULL)" >expect &&
	sqlite3 vantage.db "SELECT count(*) FROM probe_clock_run$1" >out &&
	test_cmp expect out &&
	test "$(cat out)" -gt 10000 &&
	sqlite3 vantage.db "SELECT n.node_id, n.items, n.unanswered FROM nodes n
	    WHERE n.run_id = $1 ORDER BY n.node_id" >expect &&
	sqlite3 vantage.db "SELECT n.node_id, count(c.item),
	    count(c.item) - count(c.clock) FROM nodes n LEFT JOIN
	    probe_clock_run$1 c USING (node_id) WHERE n.run_id = $1
	    GROUP BY n.node_id ORDER BY n.node_id" >out &&
	test_cmp expect out
}

test_expect_success 'behind a slow node rows wait, then all are written once' '
	vantage -v -c v.yaml once 2>once.err &&
	grep "rows held for the key order: at most [1-9][0-9]* KiB (limit 16384 KiB), 0 node(s) not waited for" once.err &&
	for p in clock health; do
		sqlite3 vantage.db "SELECT sql FROM sqlite_master
		    WHERE name = '"'probe_\${p}_run1'"'" >schema &&
		grep "PRIMARY KEY (item, node_id)) WITHOUT ROWID" schema ||
		return 1
	done &&
	check_rows 1 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM probe_clock_run1
	    WHERE error = '"'missing from answer'"'")" -gt 0 &&
	vantage -c v.yaml metrics >m1 &&
	vantage-simnet compare truth.json m1
'

# crawl.memory_limit 1MiB: rows are held within 64KiB, less than the
# other nodes hold while they wait for the slow one.
test_expect_success 'past the hold limit nodes are not waited for, the rows are the same' '
	vantage -v -c v.yaml -D crawl.max_response=1MiB \
	    -D crawl.memory_limit=1MiB once 2>once.err &&
	grep -E "\(limit 64 KiB\), [1-9][0-9]* node\(s\) not waited for" once.err &&
	check_rows 2 &&
	rows 1 >rows1 &&
	rows 2 >rows2 &&
	test_cmp rows1 rows2 &&
	vantage -c v.yaml metrics >m2 &&
	vantage-simnet compare truth.json m2
'

test_expect_success 'a network whose slow node keeps the crawl waiting' '
	stop_simnet &&
	start_simnet -s 5 -u 4000 -n 6 --slow-delay 60s -f 1:slow -f 3:missing
'

test_expect_success 'stopped while rows wait for the slow node: none is written' '
	vantage -v -c v.yaml -D store.path=$TRASH/stop.db \
	    -D crawl.timeout=120s once >stop.out 2>&1 &
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null" &&
	for k in 2 3 4 5 6; do
		poll 300 has_line "/cn/$k/users/batch_clock_status: HTTP 200" \
		    stop.out || { cat stop.out; return 1; }
	done &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -ne 0 &&
	grep "run 1: failed: interrupted: the monitor was stopped" stop.out &&
	test "$(sqlite3 stop.db "SELECT count(*) FROM probe_clock_run1")" = 0 &&
	test "$(sqlite3 stop.db "SELECT sum(items) FROM nodes WHERE run_id = 1")" = 0
'

# A node refusing connections is given up after a few requests; its
# items are then written off as the other nodes answer for theirs, a
# batch at a time.  Written off at once, its rows would be held for the
# key order until the others caught up, at the end of the crawl: past the
# hold limit (64 KiB) by themselves, and no node would be waited for.
test_expect_success 'a node given up: its items are written off in step, the others waited for' '
	stop_simnet &&
	start_simnet -s 5 -u 4000 -n 6 --slow-delay 200ms -f 1:slow -f 2:slow \
	    -f 3:slow -f 4:slow -f 5:slow &&
	sqlite3 dn.db "UPDATE ursm_content_nodes SET endpoint =
	    '"'http://127.0.0.1:$((VT_PORT + 2))'"' WHERE endpoint LIKE '"'%/cn/6'"'" &&
	sed "s/^    batch: 5000\$/    batch: 100/" v.yaml >v100.yaml &&
	grep "^    batch: 100\$" v100.yaml &&
	vantage -v -c v100.yaml -D crawl.max_response=64KiB \
	    -D crawl.memory_limit=1MiB once 2>dead.err &&
	grep "rows held for the key order: at most [0-9]* KiB (limit 64 KiB), 0 node(s) not waited for" dead.err &&
	check_rows 3 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM probe_clock_run3
	    WHERE node_id = 6 AND error LIKE '"'node unreachable: skipped after%'"'")" -gt 1000
'

test_done
