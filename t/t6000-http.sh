#!/bin/sh
test_description='serve: /metrics, health and readiness, methods, signals'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"

start_serve() {
	bg_start vantage -c v.yaml -D schedule.interval=1s "$@" serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/healthy"
}

stop_serve() {
	kill -TERM "$serve_pid" 2>/dev/null
	i=0
	while kill -0 "$serve_pid" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.1
	done
	wait "$serve_pid" 2>/dev/null
	return 0
}

test_expect_success 'not ready while no run has completed' '
	write_config v.yaml &&
	start_serve -D discovery.path=$TRASH/missing.db &&
	wait_for_file serve.out &&
	i=0; until grep -q "run 1: failed" serve.out; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	code=$(curl -s -o body -w "%{http_code}" "$HTTP/-/ready") &&
	test "$code" = 503 &&
	curl -fsS "$HTTP/metrics" >m &&
	grep "^vantage_last_run_success 0$" m &&
	promtool check metrics <m &&
	stop_serve
'

test_expect_success 'serve a simulated network' '
	start_simnet -s 11 -u 500 -n 5 -f 2:http500 &&
	start_serve &&
	wait_for_http "$HTTP/-/ready"
'

test_expect_success '/metrics is the Prometheus text format with the right type' '
	curl -fsS -D headers "$HTTP/metrics" >m &&
	grep -i "^content-type: text/plain; version=0.0.4; charset=utf-8" headers &&
	promtool check metrics <m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'HEAD works, other methods get 405, unknown paths 404' '
	curl -sS -I "$HTTP/metrics" >h && grep "^HTTP/1.1 200" h &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -X POST "$HTTP/metrics") &&
	test "$code" = 405 &&
	curl -s -D h -o /dev/null -X DELETE "$HTTP/metrics" && grep -i "^allow: GET, HEAD" h &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "$HTTP/nope") &&
	test "$code" = 404 &&
	curl -fsS "$HTTP/-/healthy" | grep healthy &&
	curl -fsS "$HTTP/" | grep "/metrics"
'

test_expect_success 'analysts can query the store while serve runs' '
	vantage -c v.yaml sql --csv "SELECT count(*) > 0 AS ok FROM runs WHERE status = '"'complete'"'" >out &&
	printf "ok\n1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an invalid configuration on SIGHUP keeps the running one' '
	cp v.yaml v.good &&
	echo "crawl: {timeout: soon}" >>v.yaml &&
	kill -HUP "$serve_pid" &&
	i=0; until grep -q "keeping the running configuration" serve.out; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	cp v.good v.yaml &&
	curl -fsS "$HTTP/metrics" >m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'a valid configuration on SIGHUP is taken: its change shows' '
	mkdir -p q2 &&
	cp "$VT_SRC_DIR"/queries/audius/*.sql q2/ &&
	cat >q2/90-reload-marker.sql <<-\EOS &&
	-- metric: reload_marker
	-- type: gauge
	-- help: Present only after the reload.
	SELECT 42 AS value;
	EOS
	sed -i "s#^  dir: .*#  dir: $TRASH/q2#" v.yaml &&
	! curl -fsS "$HTTP/metrics" | grep -q "^reload_marker " &&
	kill -HUP "$serve_pid" &&
	i=0; until grep -q "reload: done" serve.out; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	i=0; until curl -fsS "$HTTP/metrics" | grep -q "^reload_marker 42$"; do
		i=$((i + 1)); test $i -lt 300 || return 1; sleep 0.1; done
'

test_expect_success 'SIGTERM stops cleanly and leaves no run half-done' '
	stop_serve &&
	grep "stopping" serve.out &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM runs WHERE status = '"'running'"'" >out &&
	printf "n\n0\n" >expect &&
	test_cmp expect out
'

# The slow node sorts last, so the others' rows are written (rows wait
# for the nodes before them in key order) while it keeps the crawl going.
test_expect_success 'a run interrupted by SIGTERM is recorded failed, not published' '
	stop_simnet &&
	start_simnet -s 11 -u 500 -n 5 -f 5:slow --slow-delay 30s &&
	rm -f vantage.db* &&
	start_serve -v -D crawl.timeout=20s &&
	i=0; until grep -q "http: listening" serve.out; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	for k in 1 2 3 4; do
		poll 300 has_line "/cn/$k/users/batch_clock_status: HTTP 200" \
		    serve.out || return 1
	done &&
	stop_serve &&
	vantage -c v.yaml sql --csv "SELECT status, error FROM runs" >out &&
	printf "status,error\nfailed,interrupted: the monitor was stopped\n" >expect &&
	test_cmp expect out
'

test_done
