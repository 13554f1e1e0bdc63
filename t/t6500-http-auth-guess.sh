#!/bin/sh
test_description='basic auth under password guessing: scrapers stay fast, guessers get 429'
. "$VT_SRC_DIR/t/test-lib.sh"

PORT=$((VT_PORT + 1))
URL="http://127.0.0.1:$PORT/metrics"
# bcrypt, cost 12 (about 0.2s a check), of "correct horse".
HASH='$2b$12$VantageTestSaltVantageoVuE8OZStvRH.5jJ0ym/Q1TLtYiyPo6'

# One client address guessing: $2 wrong passwords in a row, from
# 127.0.0.$1; each line of g.$1 is the status and the time taken.
guess() {
	j=0
	while [ $j -lt "$2" ]; do
		curl -s -o /dev/null --interface "127.0.0.$1" -D "h.$1.$j" \
		    -w "%{http_code} %{time_total}\n" -u "prometheus:guess$j" \
		    "$URL" >>"g.$1"
		j=$((j + 1))
	done
}

status_from() {
	curl -s -o /dev/null --interface "127.0.0.$1" -w "%{http_code}" \
	    -u "prometheus:$2" "$URL"
}

test_expect_success 'setup: a network and a server with a bcrypt user' '
	start_simnet -s 5 -u 200 -n 3 &&
	write_config v.yaml &&
	sed -i "s#^  listen: \(.*\)#  listen: \1\n  basic_auth:\n    - user: prometheus\n      password_hash: \"$HASH\"#" v.yaml &&
	vantage -c v.yaml check &&
	bg_start vantage -c v.yaml -D schedule.interval=1h serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "http://127.0.0.1:$PORT/-/healthy" &&
	poll 300 has_line "run [0-9]*: complete" serve.out
'

test_expect_success 'the slow check still accepts the password and refuses others' '
	test "$(status_from 10 "correct horse")" = 200 &&
	test "$(status_from 11 "correct horsf")" = 401 &&
	test "$(status_from 11 "")" = 401 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --interface 127.0.0.11 \
	    -u "nobody:correct horse" "$URL") && test "$code" = 401
'

test_expect_success 'eight addresses guess while a scraper with a good password is served at once' '
	pids= &&
	n=2; while [ $n -le 9 ]; do
		rm -f g.$n; guess $n 8 & pids="$pids $!"; n=$((n + 1))
	done &&
	i=0 &&
	while [ $i -lt 2000 ] && [ $(cat g.* 2>/dev/null | wc -l) -lt 64 ]; do
		curl -s -o /dev/null -u "prometheus:correct horse" \
		    -w "%{http_code} %{time_total}\n" "$URL" >>scrape || return 1
		i=$((i + 1))
	done &&
	wait $pids &&
	say "scraper: $(wc -l <scrape) requests while guessing, slowest $(sort -k2 -n scrape | tail -n 1 | cut -d" " -f2)s" &&
	say "guessers: slowest $(cat g.* | sort -k2 -n | tail -n 1 | cut -d" " -f2)s" &&
	test $(wc -l <scrape) -ge 10 &&
	! grep -v "^200 " scrape &&
	awk "\$2 >= 0.2 { print \"slow: \" \$0; bad = 1 } END { exit bad }" scrape
'

test_expect_success 'each guessing address got 401 five times, then 429 with Retry-After' '
	printf "401\n401\n401\n401\n401\n429\n429\n429\n" >expect &&
	n=2; while [ $n -le 9 ]; do
		cut -d" " -f1 g.$n >codes &&
		test_cmp expect codes &&
		grep -i "^retry-after: [0-9][0-9]*" h.$n.7 || return 1
		n=$((n + 1))
	done &&
	grep "http: 127.0.0.2: 5 failed logins, refused for 1m" serve.out
'

test_expect_success 'a refused address is refused even with the password; others are not' '
	test "$(status_from 2 "correct horse")" = 429 &&
	test "$(status_from 12 "correct horse")" = 200 &&
	test "$(status_from 12 "wrong")" = 401
'

test_expect_success 'the server stops cleanly' '
	stop_wait $serve_pid 100
'

test_done
