#!/bin/sh
test_description='samples sealed into chunks read back as they were stored'
. "$VT_SRC_DIR/t/test-lib.sh"

# After each run every stored time moves back a day (as in t4510), so the
# writer seals all but the newest eight runs into chunks.
age_store() {
	sqlite3 vantage.db "UPDATE runs SET started_at = started_at - 86400,
	    finished_at = finished_at - 86400;"
}

# One metric's samples, as vantage reads them (the virtual table).
history() {
	vantage -c v.yaml sql --csv "SELECT v.run_id, s.labels, v.value
	    FROM samples v JOIN series s ON s.series_id = v.series_id
	    WHERE s.metric = 'audius_users' ORDER BY v.run_id, s.labels"
}

test_expect_success 'setup: 12 runs, another network every 3' '
	write_config v.yaml &&
	r=1 &&
	while [ $r -le 12 ]; do
		if [ $(((r - 1) % 3)) -eq 0 ]; then
			stop_simnet &&
			start_simnet -s $r -u 200 -n 3 || return 1
		fi
		vantage -c v.yaml once 2>>runs.log &&
		history >"before.$r" &&
		age_store || return 1
		r=$((r + 1))
	done &&
	stop_simnet
'

test_expect_success 'the older runs are in chunks, the newest 8 as rows' '
	test "$(sqlite3 vantage.db "SELECT count(DISTINCT run_id) FROM sample_head")" -eq 8 &&
	test "$(sqlite3 vantage.db "SELECT count(*) FROM sample_chunks")" -gt 0 &&
	test "$(sqlite3 vantage.db "SELECT min(first_run) || \" \" || max(last_run) FROM sample_seals")" = "1 4"
'

test_expect_success 'every sample reads back as it was when its run ended' '
	history >after &&
	r=1 &&
	while [ $r -le 12 ]; do
		grep "^$r," "before.$r" >want &&
		grep "^$r," after >got &&
		test -s want &&
		test_cmp want got || return 1
		r=$((r + 1))
	done
'

test_expect_success 'sample_history and metric_history read the chunks' '
	vantage -c v.yaml sql --csv "SELECT count(DISTINCT run_id) AS n
	    FROM sample_history WHERE metric = '"'audius_users'"'" >out &&
	printf "n\n12\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM metric_history
	    WHERE level = '"'raw'"' AND metric = '"'audius_users'"'
	      AND time < (SELECT finished_at FROM runs WHERE run_id = 5)" >out &&
	test "$(tail -n 1 out)" -eq "$(grep -c "^[1-4]," after)"
'

test_expect_success 'the statement timeout holds over the chunks it reads' '
	test_must_fail vantage -c v.yaml sql --timeout 300ms "SELECT count(*)
	    FROM samples a, samples b, samples c" 2>err &&
	grep "interrupted: the query ran longer than --timeout 300ms" err
'

test_expect_success 'a damaged chunk is an SQL error naming it, not a crash' '
	sqlite3 vantage.db "UPDATE sample_chunks SET data = x'"'0301'"'" &&
	test_must_fail vantage -c v.yaml sql "SELECT sum(value) FROM samples" 2>err &&
	grep "samples: the chunk of series [0-9]* in seal [0-9]* is corrupt" err &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM samples v
	    JOIN series s ON s.series_id = v.series_id
	    WHERE v.run_id > 4 AND s.metric = '"'audius_users'"'" >out &&
	test "$(tail -n 1 out)" -eq "$(grep -c "^\([5-9]\|1[0-2]\)," after)"
'

test_done
