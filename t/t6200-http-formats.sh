#!/bin/sh
test_description='exposition: OpenMetrics negotiation, gzip, cardinality cutoff, vanishing series'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"
PROM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

test_expect_success 'setup: serve a simulated network' '
	start_simnet -s 21 -u 600 -n 6 &&
	write_config v.yaml &&
	mkdir q && cp "$VT_SRC_DIR"/queries/audius/*.sql q/ &&
	sed -i "s#^  dir: .*#  dir: $TRASH/q#" v.yaml &&
	cat >q/70-top.sql <<-\EOS &&
	-- metric: audius_top_primaries
	-- help: Users by primary content node, the three largest kept.
	-- cutoff: endpoint 3
	SELECT n.url AS endpoint, count(u.user_id) AS value
	FROM nodes n LEFT JOIN users u
	  ON u.run_id = n.run_id AND u.primary_id = n.node_id
	WHERE n.run_id = :run_id GROUP BY n.url;
	EOS
	bg_start vantage -c v.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/ready"
'

test_expect_success 'text 0.0.4 by default, and it passes promtool' '
	curl -fsS -D h "$HTTP/metrics" >m &&
	grep -i "^content-type: text/plain; version=0.0.4; charset=utf-8" h &&
	grep -i "^vary: Accept, Accept-Encoding" h &&
	promtool check metrics <m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'OpenMetrics when the Accept header prefers it (as Prometheus sends it)' '
	curl -fsS -D h -H "Accept: $PROM_ACCEPT" "$HTTP/metrics" >om &&
	grep -i "^content-type: application/openmetrics-text; version=1.0.0; charset=utf-8" h &&
	test "$(tail -n 1 om)" = "# EOF" &&
	grep "^# TYPE vantage_runs counter$" om &&
	grep "^vantage_runs_total{status=\"complete\"} 1$" om &&
	grep "^# UNIT vantage_run_phase_seconds seconds$" om &&
	grep "^# TYPE audius_users gauge$" om &&
	! grep "^$" om &&
	vantage-simnet compare truth.json om &&
	vantage -c v.yaml metrics --openmetrics >om2 &&
	test "$(tail -n 1 om2)" = "# EOF"
'

test_expect_success 'text/plain preferred over OpenMetrics stays text' '
	curl -fsS -D h -H "Accept: application/openmetrics-text;q=0.3, text/plain" "$HTTP/metrics" >/dev/null &&
	grep -i "^content-type: text/plain" h
'

test_expect_success 'gzip when Accept-Encoding allows it, same content' '
	curl -fsS -D h -H "Accept-Encoding: gzip" "$HTTP/metrics" >m.gz &&
	grep -i "^content-encoding: gzip" h &&
	gzip -dc <m.gz >m.plain &&
	curl -fsS "$HTTP/metrics" >m2 &&
	test_cmp m2 m.plain &&
	curl -fsS -D h -H "Accept-Encoding: gzip;q=0, identity" "$HTTP/metrics" >m3 &&
	! grep -i "^content-encoding" h &&
	test_cmp m2 m3
'

test_expect_success 'HEAD answers the headers only' '
	curl -fsS -I "$HTTP/metrics" >h &&
	grep "^HTTP/1.1 200" h &&
	grep -i "^content-length: [1-9]" h
'

test_expect_success 'the cutoff keeps the top values and folds the rest into others' '
	grep "^audius_top_primaries{" m >top &&
	test $(wc -l <top) -eq 4 &&
	grep -q "^audius_top_primaries{endpoint=\"others\"} " top &&
	shown=$(awk "{ s += \$2 } END { print s }" top) &&
	vantage -c v.yaml sql --csv "SELECT CAST(sum(value) AS INTEGER) AS s, count(*) AS n
	    FROM sample_history WHERE metric = '"'audius_top_primaries'"'" >all &&
	test "$(tail -n 1 all)" = "$shown,6"
'

test_expect_success 'the JSON API: runs, nodes, series, history, errors' '
	curl -fsS "$HTTP/api/v1/runs" >runs.json &&
	jq -e ".status == \"success\" and .error == null and (.result | length) == 1 and .result[0].status == \"complete\" and (.result[0].durations.crawl > 0)" runs.json &&
	curl -fsS "$HTTP/api/v1/nodes" >nodes.json &&
	jq -e "(.result.nodes | length) == 6 and all(.result.nodes[]; .up == true)" nodes.json &&
	curl -fsS "$HTTP/api/v1/series?metric=audius_users" >series.json &&
	jq -e "(.result | length) == 7" series.json &&
	curl -fsS -G --data-urlencode "metric=audius_users" \
	    --data-urlencode "labels={\"status\":\"fully_synced\"}" \
	    "$HTTP/api/v1/history" >hist.json &&
	want=$(jq ".samples[] | select(.metric == \"audius_users\" and .labels.status == \"fully_synced\") | .value" truth.json) &&
	jq -e ".result.points | length == 1 and .[0][1] == $want" hist.json &&
	code=$(curl -s -o err.json -w "%{http_code}" "$HTTP/api/v1/history?metric=bad%20name") &&
	test "$code" = 400 &&
	jq -e ".status == \"error\" and .result == null and (.error | length) > 0" err.json &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "$HTTP/api/v1/nope") &&
	test "$code" = 404
'

test_expect_success 'series that vanish from a run vanish from /metrics' '
	grep -c "^audius_content_node_up{" m >before &&
	test "$(cat before)" = 6 &&
	sqlite3 dn.db "UPDATE ursm_content_nodes SET is_current = 0 WHERE cnode_sp_id = 6" &&
	kill -TERM $serve_pid &&
	i=0; while kill -0 $serve_pid 2>/dev/null; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	bg_start vantage -c v.yaml -D schedule.interval=1h serve >serve2.out 2>&1 &&
	serve_pid=$bg_pid &&
	i=0; until grep -q "run 2: complete" serve2.out &&
	    curl -fsS "$HTTP/metrics" >m5 &&
	    test "$(grep -c "^audius_content_node_up{" m5)" = 5; do
		i=$((i + 1)); test $i -lt 200 || return 1; sleep 0.1; done &&
	! grep -q "/cn/6\"" m5 &&
	promtool check metrics <m5
'

test_done
