#!/bin/sh
test_description='store: runs, history, retention, failed runs never replace aggregates'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'setup' '
	start_simnet -s 3 -u 400 -n 4 &&
	write_config v.yaml &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m1 &&
	vantage-simnet compare truth.json m1
'

test_expect_success 'the store is in WAL mode at the current schema version' '
	sqlite3 vantage.db "PRAGMA journal_mode; PRAGMA user_version" >out &&
	printf "wal\n10\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a new store has 16 KiB pages; an existing store keeps its own' '
	sqlite3 vantage.db "PRAGMA page_size" >out &&
	echo 16384 >expect &&
	test_cmp expect out &&
	sqlite3 old.db "PRAGMA page_size = 4096; CREATE TABLE x (a)" &&
	vantage -c v.yaml -D store.path=old.db once &&
	sqlite3 old.db "PRAGMA page_size; PRAGMA journal_mode" >out &&
	printf "4096\nwal\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml -D store.path=old.db metrics >m0 &&
	vantage-simnet compare truth.json m0
'

test_expect_success 'a second run adds history; sample_history shows both' '
	vantage -c v.yaml once &&
	vantage -c v.yaml sql --csv "SELECT run_id, value FROM sample_history
	    WHERE metric = '"'audius_users'"'
	      AND json_extract(labels, '"'$.status'"') = '"'fully_synced'"'
	    ORDER BY run_id" >out &&
	test $(wc -l <out) -eq 3 &&
	v1=$(sed -n 2p out | cut -d, -f2) && v2=$(sed -n 3p out | cut -d, -f2) &&
	test "$v1" = "$v2"
'

test_expect_success 'a failed run keeps the published aggregates and says it failed' '
	mv dn.db dn.db.away &&
	test_when_finished "mv dn.db.away dn.db" &&
	test_must_fail vantage -c v.yaml -D discovery.max_stale=0 once 2>err &&
	grep "run 3: failed: discover: .*dn.db: unable to open database file$" err &&
	vantage -c v.yaml metrics >m3 &&
	vantage-simnet compare truth.json m3 &&
	grep "^vantage_last_run_success 0$" m3 &&
	grep "^vantage_runs_total{status=\"failed\"} 1$" m3 &&
	grep "^vantage_runs_total{status=\"complete\"} 2$" m3 &&
	vantage -c v.yaml sql --csv "SELECT status FROM runs WHERE run_id = 3" >out &&
	printf "status\nfailed\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM samples WHERE run_id = 3" >out &&
	printf "n\n0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a run interrupted by a crash is marked failed at the next start' '
	sqlite3 vantage.db "INSERT INTO runs (started_at) VALUES (unixepoch())" &&
	vantage -c v.yaml once &&
	vantage -c v.yaml sql --csv "SELECT status, error FROM runs WHERE run_id = 4" >out &&
	grep "^failed,interrupted: the monitor stopped during the run$" out
'

test_expect_success 'keep_runs bounds the snapshot rows; samples stay' '
	vantage -c v.yaml -D store.keep_runs=2 once &&
	vantage -c v.yaml sql --csv "SELECT DISTINCT run_id FROM users ORDER BY 1" >out &&
	printf "run_id\n5\n6\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT DISTINCT run_id FROM probe_clock ORDER BY 1" >out &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT count(DISTINCT run_id) AS n FROM samples" >out &&
	printf "n\n4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'sql refuses statements that write' '
	test_must_fail vantage -c v.yaml sql "DELETE FROM runs" 2>err &&
	grep "only queries are allowed" err &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM runs" >out &&
	printf "n\n6\n" >expect &&
	test_cmp expect out
'

test_expect_success 'sql: reading only, with a statement timeout' '
	test_must_fail vantage -c v.yaml sql "ATTACH '"'x.db'"' AS x" 2>err &&
	grep "only queries are allowed" err &&
	test ! -e x.db &&
	test_must_fail vantage -c v.yaml sql "PRAGMA user_version = 7" 2>err &&
	grep "only queries are allowed" err &&
	test_must_fail vantage -c v.yaml sql --timeout 300ms "WITH RECURSIVE
	    c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c" 2>err &&
	grep "interrupted: the query ran longer than --timeout 300ms" err &&
	test_must_fail vantage -c v.yaml sql --timeout soon "SELECT 1" 2>err &&
	grep "timeout .soon." err
'

test_expect_success 'sql --json and --table output' '
	cat >q.sql <<-\EOS &&
	SELECT 1 AS a, '"'"'x"y'"'"' AS b, NULL AS c, 2.5 AS d
	EOS
	vantage -c v.yaml sql --json "$(cat q.sql)" >out &&
	cat >expect <<-\EOM &&
	[
	{"a": 1, "b": "x\"y", "c": null, "d": 2.5}
	]
	EOM
	test_cmp expect out &&
	vantage -c v.yaml sql --table "SELECT 1 AS a, 22 AS bee" >out &&
	cat >expect <<-\EOM &&
	a | bee
	--+----
	1 | 22 
	(1 row)
	EOM
	test_cmp expect out
'

test_expect_success 'sql errors are reported' '
	test_must_fail vantage -c v.yaml sql "SELEC 1" 2>err &&
	grep "vantage: sql: near \"SELEC\": syntax error" err
'

test_done
