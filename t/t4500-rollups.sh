#!/bin/sh
test_description='store: hourly and daily rollups of every complete run, in SQL with ISO 8601 times'
. "$VT_SRC_DIR/t/test-lib.sh"

FS="metric = 'audius_users' AND json_extract(labels, '\$.status') = 'fully_synced'"

test_expect_success 'setup: three complete runs and a failed one' '
	start_simnet -s 5 -u 800 -n 5 -f 2:flaky &&
	write_config v.yaml &&
	mkdir failq &&
	cp "$VT_SRC_DIR"/queries/audius/*.sql failq/ &&
	echo "SELECT * FROM no_such_table;" >failq/80-fail.sql &&
	vantage -c v.yaml once && vantage -c v.yaml once &&
	test_must_fail vantage -c v.yaml -D queries.dir=$TRASH/failq once &&
	vantage -c v.yaml once
'

test_expect_success 'each level counts the complete runs only, once' '
	for level in raw hour day; do
		vantage -c v.yaml sql --csv "SELECT sum(count) FROM metric_history
		    WHERE level = '"'"'$level'"'"' AND $FS" | tail -n 1 >n &&
		echo 3 >expect && test_cmp expect n || return 1
	done
'

test_expect_success 'hourly and daily min, max, avg and last agree with the raw samples' '
	vantage -c v.yaml sql --csv "SELECT min(value), max(value),
	    round(avg(value), 6), (SELECT value FROM sample_history WHERE $FS
	    ORDER BY run_id DESC LIMIT 1) FROM sample_history WHERE $FS" >raw &&
	for level in hour day; do
		vantage -c v.yaml sql --csv "SELECT min(min), max(max),
		    round(sum(avg * count) / sum(count), 6),
		    (SELECT last FROM metric_history WHERE level = '"'"'$level'"'"'
		     AND $FS ORDER BY time DESC LIMIT 1)
		    FROM metric_history WHERE level = '"'"'$level'"'"' AND $FS" >got &&
		tail -n 1 raw >want && tail -n 1 got >have &&
		test_cmp want have || return 1
	done
'

cat >iso.sql <<\EOS
SELECT DISTINCT level, time % 3600 = 0
    AND at = strftime('%Y-%m-%dT%H:00:00Z', time, 'unixepoch') AS ok
FROM metric_history WHERE level <> 'raw' ORDER BY 1;
EOS
cat >raw.sql <<\EOS
SELECT count(*) AS n FROM metric_history
WHERE level = 'raw' AND (at NOT GLOB '*-*-*T*:*:*.*Z'
    OR at <> strftime('%Y-%m-%dT%H:%M:%fZ', time, 'unixepoch'));
EOS

test_expect_success 'times as unix seconds and as ISO 8601' '
	vantage -c v.yaml sql --csv -f iso.sql >out &&
	printf "level,ok\nday,1\nhour,1\n" >expect && test_cmp expect out &&
	vantage -c v.yaml sql --csv -f raw.sql >out &&
	printf "n\n0\n" >expect && test_cmp expect out
'

test_done
