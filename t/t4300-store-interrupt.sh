#!/bin/sh
test_description='store: stopped and killed runs never leave a wrong complete run'
. "$VT_SRC_DIR/t/test-lib.sh"

# A maintenance query that takes seconds, so a signal lands in the query
# phase.
slow_queries() {
	mkdir -p slowq &&
	cp "$VT_SRC_DIR"/queries/audius/*.sql slowq/ &&
	cat >slowq/05-slow.sql <<-\EOS
	CREATE TEMP TABLE IF NOT EXISTS spin AS
	WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
	    WHERE x < 200000000) SELECT count(*) AS n FROM c;
	DROP TABLE spin;
	EOS
}

test_expect_success 'setup' '
	start_simnet -s 8 -u 3000 -n 5 &&
	write_config v.yaml &&
	slow_queries
'

test_expect_success 'SIGTERM in the query phase: once fails, the run is recorded failed' '
	vantage -v -c v.yaml -D queries.dir=$TRASH/slowq once >once.out 2>&1 &
	pid=$! &&
	{ poll 300 has_line "run 1: querying" once.out || { cat once.out; false; }; } &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -ne 0 &&
	grep "run 1: failed: interrupted: the monitor was stopped" once.out &&
	vantage -c v.yaml sql --csv "SELECT status, error FROM runs" >out &&
	printf "status,error\nfailed,interrupted: the monitor was stopped\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM samples" >out &&
	printf "n\n0\n" >expect &&
	test_cmp expect out
'

# kill -9 at moments spread over a run (bounded: 8 kills), each followed
# by an integrity check and a run that must be complete and exact.
test_expect_success 'kill -9 at random moments: the store stays sound, the next run exact' '
	vantage -c v.yaml once &&
	n=0 && while [ $n -lt 8 ]; do
		vantage -c v.yaml once >/dev/null 2>&1 &
		pid=$! &&
		delay=$(awk -v s=$n "BEGIN { srand(s + 7); printf \"%.2f\", rand() * 0.6 }") &&
		sleep $delay &&
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
		test "$(sqlite3 vantage.db "PRAGMA integrity_check")" = ok || return 1
		vantage -c v.yaml once 2>err || { cat err; return 1; }
		vantage -c v.yaml metrics >m || return 1
		vantage-simnet compare truth.json m || return 1
		n=$((n + 1))
	done &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM runs WHERE status = '"'running'"'" >out &&
	printf "n\n0\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM runs r WHERE status = '"'complete'"'
	    AND (SELECT count(*) FROM samples s WHERE s.run_id = r.run_id) = 0" >out &&
	test_cmp expect out
'

test_expect_success 'an empty store file is reused, with a warning' '
	rm -f e.db* && : >e.db &&
	vantage -c v.yaml -D store.path=$TRASH/e.db once 2>err &&
	grep "store: .*e.db: the file is empty; a new store is made in it" err
'

test_done
