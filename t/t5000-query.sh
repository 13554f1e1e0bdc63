#!/bin/sh
test_description='queries: a failing query fails the run loudly, never a silent 0'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'setup' '
	start_simnet -s 5 -u 200 -n 3 &&
	write_config v.yaml &&
	mkdir q && cp "$VT_SRC_DIR"/queries/audius/*.sql q/ &&
	sed -i "s#^  dir: .*#  dir: $TRASH/q#" v.yaml &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >good
'

test_expect_success 'an SQL error fails the run and names the file' '
	printf -- "-- metric: audius_broken\n-- help: x\nSELECT status, count(*) AS value FROM no_such_table;\n" >q/70-broken.sql &&
	test_when_finished "rm -f q/70-broken.sql" &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "query: $TRASH/q/70-broken.sql: no such table: no_such_table" err &&
	grep "run 2: failed" err &&
	vantage -c v.yaml metrics >after &&
	grep -v "^vantage_" good >g && grep -v "^vantage_" after >a &&
	test_cmp g a
'

test_expect_success 'a duplicate series fails the run' '
	cat >q/70-dup.sql <<-\EOS &&
	-- metric: audius_dup
	-- help: x
	SELECT '"'"'a'"'"' AS k, 1 AS value UNION ALL SELECT '"'"'a'"'"', 2;
	EOS
	test_when_finished "rm -f q/70-dup.sql" &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "series audius_dup{k=\"a\"} appears twice" err
'

test_expect_success 'a NULL or text value fails the run' '
	test_when_finished "rm -f q/70-null.sql" &&
	printf -- "-- metric: audius_null\n-- help: x\nSELECT NULL AS value;\n" >q/70-null.sql &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "70-null.sql: value is NULL, not a number" err &&
	printf -- "-- metric: audius_null\n-- help: x\nSELECT x'"'"'01'"'"' || '"'"'abc'"'"' AS value;\n" >q/70-null.sql &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "70-null.sql: value is text, not a number" err
'

test_expect_success 'a metric without a value column or with a bad label is refused' '
	test_when_finished "rm -f q/70-x.sql" &&
	printf -- "-- metric: audius_x\n-- help: x\nSELECT 1 AS n;\n" >q/70-x.sql &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "70-x.sql: no column named value" err &&
	printf -- "-- metric: audius_x\n-- help: x\nSELECT 1 AS __name, 2 AS value;\n" >q/70-x.sql &&
	test_must_fail vantage -c v.yaml once 2>err &&
	grep "column .__name. is not a valid label name" err
'

test_expect_success 'label values and help are escaped in the exposition' '
	test_when_finished "rm -f q/70-esc.sql" &&
	cat >q/70-esc.sql <<-\EOS &&
	-- metric: audius_escape
	-- help: a back\slash
	SELECT '"'"'a"b\c'"'"' || char(10) || '"'"'d'"'"' AS k, 1 AS value;
	EOS
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m &&
	cat >expect <<-\EOM &&
	# HELP audius_escape a back\\slash
	# TYPE audius_escape gauge
	audius_escape{k="a\"b\\c\nd"} 1
	EOM
	grep -A2 "^# HELP audius_escape" m >got &&
	test_cmp expect got &&
	promtool check metrics <m
'

test_expect_success 'a maintenance file can keep history tables of its own' '
	printf "CREATE TABLE IF NOT EXISTS my_history (run_id, n);\nINSERT INTO my_history SELECT :run_id, count(*) FROM users WHERE run_id = :run_id;\n" >q/05-history.sql &&
	vantage -c v.yaml once &&
	vantage -c v.yaml sql --csv "SELECT n FROM my_history" >out &&
	printf "n\n200\n" >expect &&
	test_cmp expect out
'

test_done
