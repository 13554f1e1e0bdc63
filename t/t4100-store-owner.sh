#!/bin/sh
test_description='store: one writer; a second refuses, readers are unaffected, a crash frees it'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"

test_expect_success 'setup: serve holds the store' '
	start_simnet -s 5 -u 300 -n 4 &&
	write_config v.yaml &&
	bg_start vantage -c v.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/ready" &&
	test "$(cat vantage.db.lock)" = "$serve_pid"
'

test_expect_success 'a second once refuses, naming the owner' '
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "store: .*vantage.db: in use by another vantage (pid $serve_pid); a store has one writer" err
'

test_expect_success 'a second serve refuses at start, before serving' '
	test_must_fail vantage -c v.yaml -D http.listen=127.0.0.1:$((VT_PORT + 2)) serve 2>err &&
	grep "in use by another vantage (pid $serve_pid)" err &&
	test_must_fail curl -fsS -o /dev/null "http://127.0.0.1:$((VT_PORT + 2))/-/healthy"
'

test_expect_success 'the refused writers changed nothing: no run marked failed, no run added' '
	vantage -c v.yaml sql --csv "SELECT run_id, status FROM runs ORDER BY run_id" >out &&
	printf "run_id,status\n1,complete\n" >expect &&
	test_cmp expect out
'

test_expect_success 'readers are unaffected: sql, the API and /metrics' '
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM nodes" >out &&
	printf "n\n4\n" >expect &&
	test_cmp expect out &&
	curl -fsS "$HTTP/api/v1/runs" | jq -e ".status == \"success\" and (.result | length) == 1" &&
	curl -fsS "$HTTP/metrics" >m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'the write-ahead log is truncated after a run, even under serve' '
	test -e vantage.db-wal &&
	test "$(stat -c %s vantage.db-wal)" = 0
'

test_expect_success 'after kill -9 of the owner the store is free again' '
	kill -9 "$serve_pid" &&
	poll 100 gone "$serve_pid" &&
	vantage -c v.yaml once &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM runs WHERE status = '"'complete'"'" >out &&
	printf "n\n2\n" >expect &&
	test_cmp expect out
'

test_done
