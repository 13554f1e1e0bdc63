#!/bin/sh
test_description='store: a full store fails runs loudly; the self metrics stay true'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"

# For poll: /metrics (kept in m2) counts at least two failed runs.
two_failed() {
	curl -fsS "$HTTP/metrics" >m2 &&
	    grep -q '^vantage_runs_total{status="failed"} [2-9]' m2
}

test_expect_success 'setup: one complete run' '
	start_simnet -s 6 -u 2000 -n 5 &&
	write_config v.yaml &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m1 &&
	vantage-simnet compare truth.json m1
'

test_expect_success 'a store capped just above its size: runs fail, and /metrics says so' '
	size=$(sqlite3 vantage.db "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size") &&
	bg_start vantage -c v.yaml -D store.max_size=$((size + 8192)) \
	    -D schedule.interval=1s serve >serve.out 2>&1 &&
	wait_for_http "$HTTP/-/ready" &&
	{ poll 300 two_failed || { cat serve.out; false; }; } &&
	grep "^vantage_last_run_success 0$" m2 &&
	grep "^vantage_runs_total{status=\"complete\"} 1$" m2 &&
	vantage-simnet compare truth.json m2 &&
	grep "run 2: failed: .*: database or disk is full$" serve.out &&
	! grep "keeping the previous node list" serve.out &&
	kill $bg_pid
'

# What /metrics said while the store was full, held for 20 minutes,
# fires the shipped alert: the self metrics do not hide failing runs.
test_expect_success 'the shipped VantageRunFailing alert fires on what /metrics said' '
	v=$(sed -n "s/^vantage_last_run_success //p" m2) &&
	test "$v" = 0 &&
	cat >alert.test.yml <<-EOF &&
	rule_files:
	  - $VT_SRC_DIR/docker/rules/vantage.rules.yml
	evaluation_interval: 1m
	tests:
	  - interval: 1m
	    input_series:
	      - series: "vantage_last_run_success{job=\"vantage\",instance=\"v:9464\"}"
	        values: "1 ${v}x20"
	    alert_rule_test:
	      - eval_time: 17m
	        alertname: VantageRunFailing
	        exp_alerts:
	          - exp_labels:
	              severity: warning
	              job: vantage
	              instance: v:9464
	            exp_annotations:
	              summary: "vantage runs on v:9464 are failing"
	              description: "The latest vantage run on v:9464 failed, and no run has completed for 15 minutes. /metrics keeps serving the last complete run; the error of each run is in the runs table."
	EOF
	promtool test rules alert.test.yml
'

test_expect_success 'without the cap the next run completes' '
	poll 100 gone $bg_pid &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m3 &&
	grep "^vantage_last_run_success 1$" m3 &&
	vantage-simnet compare truth.json m3
'

test_done
