#!/bin/sh
test_description='entity history: window metrics over a changing network equal the truth'
. "$VT_SRC_DIR/t/test-lib.sh"

# Runs six hours apart: after each run every stored time moves back 6h,
# as if the runs had happened that far apart (the store is not open
# between two `once`).  Nominal times, for the truth: attempt k at k*6h.
age_store() {
	sqlite3 vantage.db "UPDATE runs SET started_at = started_at - 21600,
	    finished_at = finished_at - 21600;
	    UPDATE history_runs SET time = time - 21600;"
}

# One attempt: the network of seed $1 (more simnet arguments after it).
network() {
	seed=$1 && shift &&
	stop_simnet &&
	start_simnet -s $seed -n 7 --states states.$seed \
	    -m fully_synced=80,partially_synced=5,unsynced=5,primary_missing=4,no_replica_set=3,incomplete_replica_set=3 "$@"
}

test_expect_success 'setup' '
	write_config v.yaml &&
	mkdir failq &&
	cp "$VT_SRC_DIR"/queries/audius/*.sql failq/ &&
	echo "SELECT * FROM no_such_table;" >failq/80-fail.sql
'

test_expect_success 'run 1 (0h): a network' '
	network 1 -u 2000 && vantage -c v.yaml once && age_store
'

test_expect_success 'run 2 (6h): other clocks, content node 3 down' '
	network 2 -u 2000 -f 3:down && vantage -c v.yaml once && age_store &&
	grep "^audius_users{status=\"unknown\"} [1-9]" m2 2>/dev/null ||
	vantage -c v.yaml metrics | grep "^audius_users{status=\"unknown\"} [1-9]"
'

test_expect_success 'run 3 (12h): fails after the entity query; history keeps nothing of it' '
	network 3 -u 2000 &&
	test_must_fail vantage -c v.yaml -D queries.dir=$TRASH/failq once 2>err &&
	grep "run 3: failed: query: .*80-fail.sql: no such table: no_such_table" err &&
	vantage -c v.yaml sql --csv "SELECT group_concat(run_id, char(32)) AS runs FROM history_runs" >out &&
	printf "runs\n1 2\n" >expect && test_cmp expect out &&
	age_store
'

test_expect_success 'run 4 (18h): 200 users gone' '
	network 4 -u 1800 && vantage -c v.yaml once && age_store
'

test_expect_success 'run 5 (24h): they are back, other clocks' '
	network 5 -u 2000 && vantage -c v.yaml once && age_store
'

test_expect_success 'run 6 (30h): the first network again' '
	network 1 -u 2000 && vantage -c v.yaml once
'

test_expect_success 'the window metrics equal the truth of the sequence' '
	vantage -c v.yaml metrics >m &&
	vantage-simnet history 0:states.1 21600:states.2 64800:states.4 \
	    86400:states.5 108000:states.1 >truth-history.json &&
	vantage-simnet compare truth-history.json m &&
	vantage-simnet compare truth.json m &&
	grep "^audius_users_fully_synced_throughout{window=\"1d\"} [1-9]" m &&
	grep "^audius_users_ever{status=\"unknown\",window=\"7d\"} [1-9]" m &&
	grep "^audius_users_ever{status=\"unknown\",window=\"1d\"} 0$" m &&
	promtool check metrics <m
'

test_expect_success 'the windows hold the runs of their last 1d and 7d' '
	vantage -c v.yaml sql --csv "SELECT window, group_concat(run_id, char(32)) AS runs
	    FROM (SELECT * FROM history_window_runs ORDER BY run_id)
	    GROUP BY window ORDER BY window" >out &&
	printf "window,runs\n1d,4 5 6\n7d,1 2 4 5 6\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the state of every user at every complete run, from the intervals' '
	for r in 1:1 2:2 4:4 5:5 6:1; do
		run=${r%:*} seed=${r#*:}
		vantage -c v.yaml sql --csv "SELECT entity || char(32) || state
		    FROM history_entity_states WHERE run_id = $run
		    ORDER BY entity" | tail -n +2 >got.$run &&
		sort -n states.$seed >want.$run &&
		test_cmp want.$run got.$run || return 1
	done
'

test_expect_success 'intervals: a row per change, not per run' '
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM history_intervals
	    WHERE entity = 1999" >out &&
	n=$(tail -n 1 out) &&
	test "$n" -ge 2 && test "$n" -le 5 &&
	vantage -c v.yaml sql --csv "SELECT since_run, until_run FROM history_intervals
	    WHERE entity = 1900 ORDER BY since_seq" >out &&
	sed -n 2p out | grep "^1,2$\|^1,1$"
'

test_expect_success 'history.windows sets the windows' '
	network 6 -u 500 &&
	vantage -c v.yaml -D "history.windows=[2h, 1d, 12h]" once &&
	vantage -c v.yaml metrics >m &&
	grep -c "^audius_users_fully_synced_throughout{" m >n &&
	echo 3 >expect && test_cmp expect n &&
	grep "^audius_users_ever{status=\"fully_synced\",window=\"12h\"} " m
'

test_expect_success 'SIGINT during the crawl: once fails, the run is failed and not in history' '
	network 7 -u 500 -f 2:slow --slow-delay 20s || return 1
	vantage -vv -c v.yaml -D crawl.timeout=30s once >int.out 2>&1 &
	pid=$! &&
	{ poll 300 has_line "nodes discovered" int.out ||
	    { cat int.out; false; }; } &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 1 &&
	grep "failed: interrupted: the monitor was stopped" int.out &&
	vantage -c v.yaml sql --csv "SELECT r.status, h.seq FROM runs r
	    LEFT JOIN history_runs h USING (run_id)
	    WHERE r.run_id = (SELECT max(run_id) FROM runs)" >out &&
	printf "status,seq\nfailed,\n" >expect &&
	test_cmp expect out
'

test_done
