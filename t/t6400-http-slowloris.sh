#!/bin/sh
test_description='slowloris: request heads that never finish are cut off, and new clients keep getting in'
. "$VT_SRC_DIR/t/test-lib.sh"

PORT=$((VT_PORT + 1))
# Ten attacking addresses; Linux routes all of 127/8 to loopback.
SRCS="127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8
127.0.0.9 127.0.0.10 127.0.0.11"
SLOWLORIS="$VT_BUILD_DIR/t/slowloris"

start_serve() {
	bg_start vantage -c v.yaml -D schedule.interval=1h "$@" serve >serve.out 2>&1 &&
	serve_pid=$bg_pid
}

stop_serve() {
	kill -TERM "$serve_pid" 2>/dev/null
	i=0
	while kill -0 "$serve_pid" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

ready() {
	wait_for_http "http://127.0.0.1:$PORT/-/healthy" 200 &&
	i=0 && until grep -q "run [0-9]*: complete" serve.out; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.1; done
}

# field NAME FILE: the value of NAME=value in the helper's line
field() {
	sed -n "s/.*\<$1=\(-\{0,1\}[0-9]*\).*/\1/p" "$2"
}

test_expect_success 'setup: a network and its first run' '
	start_simnet -s 41 -u 300 -n 3 &&
	write_config v.yaml &&
	curl -s -o /dev/null --interface 127.0.0.11 "http://127.0.0.1:$VT_PORT/"
'

test_expect_success 'http.request_timeout is validated' '
	test_must_fail vantage -c v.yaml -D http.request_timeout=500ms check 2>err &&
	grep "^-D http.request_timeout=500ms: http.request_timeout: 500ms is out of range (1s to 1h)$" err &&
	vantage -c v.yaml -D http.request_timeout=2s check
'

test_expect_success 'a request head slower than http.request_timeout is cut off' '
	start_serve -D http.request_timeout=2s &&
	test_when_finished stop_serve &&
	ready &&
	# 20 connections from 10 addresses, a byte every 0.5s each: far
	# below any connection limit, and never idle for http.timeout (15s).
	"$SLOWLORIS" -1 -n 20 -i 500 -d 8000 $PORT $SRCS >slow.out &&
	cat slow.out &&
	test "$(field opened slow.out)" = 20 &&
	test "$(field closed slow.out)" = 20 &&
	test "$(field life_min_ms slow.out)" -ge 1900 &&
	test "$(field life_max_ms slow.out)" -le 3500 &&
	curl -fsS --max-time 1 "http://127.0.0.1:$PORT/metrics" >m &&
	vantage-simnet compare truth.json m &&
	grep "http: closed [0-9]* connections\{0,1\} without a complete request within 2s" serve.out &&
	stop_serve
'

test_expect_success 'with every slot taken by slow heads, a new client is answered within 1s' '
	# 100 slow connections from 10 addresses, reopened as soon as they
	# are closed, against 64 slots; the default request_timeout (10s)
	# outlasts the test, so only evicting waiting connections makes room.
	start_serve -D http.max_connections=64 &&
	test_when_finished stop_serve &&
	ready &&
	bg_start "$SLOWLORIS" -n 100 -i 1000 -d 20000 -s slow.st $PORT $SRCS \
	    >slow.out 2>&1 &&
	slow_pid=$bg_pid &&
	test_when_finished "kill $slow_pid" &&
	i=0 && until test -s slow.st && test "$(field opened slow.st)" -ge 100; do
		i=$((i + 1)); test $i -lt 100 || return 1; sleep 0.1; done &&
	: >times &&
	n=0 && while [ $n -lt 8 ]; do
		curl -fsS --max-time 1 -o m -w "%{time_total}\n" \
		    "http://127.0.0.1:$PORT/metrics" >>times || {
			echo "request $((n + 1)) of 8 not answered within 1s"
			cat slow.st; return 1; }
		n=$((n + 1))
		sleep 0.5
	done &&
	cat times slow.st &&
	vantage-simnet compare truth.json m &&
	# A client whose request takes a while to arrive (a slow link) is
	# not pushed out by the many connections of the attacking addresses.
	n=0 && while [ $n -lt 3 ]; do
		timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT &&
		    printf \"GET /-/ready HTTP/1.1\\r\\nHost: v\\r\\n\" >&3 &&
		    sleep 0.3 &&
		    printf \"Connection: close\\r\\n\\r\\n\" >&3 &&
		    cat <&3" >ready.out || true
		head -n 1 ready.out | grep "^HTTP/1.1 200" || {
			echo "slow request $((n + 1)) of 3 not answered"
			cat ready.out; return 1; }
		n=$((n + 1))
	done &&
	test "$(field closed slow.st)" -gt 0 &&
	# The evictions are logged as one summary, not one line each.
	grep "to make room for new clients" serve.out >log &&
	test $(wc -l <log) -le 2 &&
	stop_serve
'

test_done
