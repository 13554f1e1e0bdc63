#!/bin/sh
test_description='events: webhooks (JSON and Slack text, retried, deduplicated, never blocking a run) and /api/v1/events (SSE)'
. "$VT_SRC_DIR/t/test-lib.sh"

# VT_PORT: simnet, +1: vantage, +2: the webhook receiver.  The dead
# webhook listens on a port the kernel picks.
HTTP="http://127.0.0.1:$((VT_PORT + 1))"
HOOK="http://127.0.0.1:$((VT_PORT + 2))"

# Set by the test that starts it; a test that failed before leaves it
# empty, and the later ones must not trip on an unset variable.
serve_pid=
stop_serve() {
	[ -n "$serve_pid" ] || return 1
	stop_wait "$serve_pid" 150 || return 1
	wait "$serve_pid" 2>/dev/null
	return 0
}

# Poll (bounded, 30 s) until the command succeeds.
quietly_() { "$@" >/dev/null 2>&1; }
eventually() { poll 300 quietly_ "$@"; }

# How many events of a type a receiver file holds.
count() {
	grep -c "\"type\":\"$2\"" "$1" 2>/dev/null || true
}

at_least() {
	test "$(count "$1" "$2")" -ge "$3"
}

lines_at_least() {
	test -f "$1" && test "$(wc -l <"$1")" -ge "$2"
}

# Subscribe to /api/v1/events into FILE in the background (sub_pid), once
# a place is free: a refused attempt is made again, bounded.
subscribe() {
	j=0
	while :; do
		j=$((j + 1)); [ $j -gt 50 ] && { echo "cannot subscribe" >&2; return 1; }
		rm -f "$1"
		bg_start curl -sN --max-time 120 "$HTTP/api/v1/events" >"$1" || return 1
		sub_pid=$bg_pid
		wait_for_file "$1" || return 1
		grep -q "^retry: 5000" "$1" && return 0
		kill "$sub_pid" 2>/dev/null
		sleep 0.2
	done
}

runs() {
	sqlite3 vantage.db "SELECT count(*) FROM runs WHERE status = '$1'" 2>/dev/null || echo 0
}

more_runs() {
	test "$(runs "$1")" -ge "$2"
}

test_expect_success 'start a webhook receiver, a dead webhook and a simulated network' '
	cat >receiver.py <<-\EOF &&
	# Appends each POSTed body, one a line, to DIR/<path>.jsonl; answers
	# 500 to the first FAIL requests, so delivery has to retry.
	import http.server, sys, os
	port, out, fail = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
	seen = [0]
	class H(http.server.BaseHTTPRequestHandler):
	    def do_POST(self):
	        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
	        seen[0] += 1
	        if seen[0] <= fail:
	            self.send_response(500); self.end_headers(); return
	        name = os.path.join(out, self.path.strip("/") + ".jsonl")
	        with open(name + ".tmp", "ab") as f:
	            f.write(body + b"\n")
	        with open(name + ".tmp", "rb") as f:
	            data = f.read()
	        with open(name + ".new", "wb") as f:
	            f.write(data)
	        os.rename(name + ".new", name)
	        self.send_response(204); self.end_headers()
	    def log_message(self, *a):
	        pass
	http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
	EOF
	cat >deadhook.py <<-\EOF &&
	# Accepts connections into the backlog and never answers.
	import socket, sys, time
	s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
	open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
	import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
	time.sleep(600)
	EOF
	mkdir -p got &&
	bg_start python3 receiver.py $((VT_PORT + 2)) got 2 >receiver.out 2>&1 &&
	bg_start python3 deadhook.py deadport >deadhook.out 2>&1 &&
	wait_for_file deadport &&
	start_simnet -s 5 -u 600 -n 4 -f 2:http500 &&
	write_config v.yaml &&
	cat >>v.yaml <<-EOF &&
	notify:
	  timeout: 2s
	  retries: 3
	  backoff: 100ms
	  backoff_max: 1s
	  max_subscribers: 2
	  webhooks:
	    - url: $HOOK/json
	    - url: $HOOK/slack
	      format: slack
	    - url: http://127.0.0.1:$(cat deadport)/dead
	EOF
	vantage -c v.yaml check
'

test_expect_success 'serve with webhooks' '
	bg_start vantage -c v.yaml -D schedule.interval=1s -D http.timeout=2s \
	    -D discovery.max_stale=0 serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	wait_for_http "$HTTP/-/ready" || { cat serve.out >&2; port_hint serve.out $((VT_PORT + 1)); return 1; }
'

test_expect_success 'a node down and a threshold crossed: one event each, not one per run' '
	eventually at_least got/json.jsonl node_down 1 &&
	eventually at_least got/json.jsonl threshold_crossed 1 &&
	n=$(runs complete) &&
	eventually more_runs complete $((n + 3)) &&
	test "$(count got/json.jsonl node_down)" = 1 &&
	test "$(count got/json.jsonl threshold_crossed)" = 1 &&
	url=$(jq -r ".nodes[] | select(.sp_id == 2) | .endpoint" truth.json) &&
	grep "\"type\":\"node_down\"" got/json.jsonl >down.json &&
	test "$(jq -r .node.url down.json)" = "$url" &&
	test "$(jq -r .node.id down.json)" = 2 &&
	jq -r .node.last_error down.json | grep "HTTP 500" &&
	grep "\"type\":\"threshold_crossed\"" got/json.jsonl >th.json &&
	test "$(jq -r .metric th.json)" = audius_users &&
	test "$(jq -r .labels.status th.json)" = fully_synced &&
	test "$(jq -r .threshold th.json)" = "share{status=\"fully_synced\"} < 0.8" &&
	jq -e ".share < 0.8 and .id > 0 and .run_id > 0 and (.text | length) > 0" th.json
'

test_expect_success 'the first deliveries failed (HTTP 500) and were retried' '
	# the receiver refused the first two POSTs: all four arrived anyway
	eventually lines_at_least got/json.jsonl 2 &&
	eventually lines_at_least got/slack.jsonl 2 &&
	! grep "$HOOK.*not delivered" serve.out
'

test_expect_success 'slack format: the same events as {"text": ...}' '
	jq -e "keys == [\"text\"]" got/slack.jsonl &&
	grep -F "is down: " got/slack.jsonl &&
	grep -F "crossed threshold share{status=\\\"fully_synced\\\"} < 0.8" got/slack.jsonl
'

test_expect_success 'a dead webhook holds up neither the runs nor the others' '
	n=$(runs complete) &&
	eventually more_runs complete $((n + 4)) &&
	sqlite3 vantage.db "SELECT max(finished_at - prev) FROM (SELECT finished_at,
	    lag(finished_at) OVER (ORDER BY run_id) AS prev FROM runs
	    WHERE status = '"'"'complete'"'"' ORDER BY run_id DESC LIMIT 4)" >gap &&
	awk "{ exit !(\$1 < 1.9) }" gap
'

test_expect_success '/api/v1/events: the backlog as Server-Sent Events' '
	curl -sN --max-time 3 -D h "$HTTP/api/v1/events?last_event_id=0" >sse || test $? = 28 &&
	grep -i "^content-type: text/event-stream" h &&
	grep "^retry: 5000$" sse &&
	grep "^event: node_down$" sse &&
	grep "^event: threshold_crossed$" sse &&
	sed -n "s/^data: //p" sse >sse.json &&
	jq -r .id sse.json >sse.ids &&
	jq -r .id got/json.jsonl | sort -n >hook.ids &&
	test_cmp hook.ids sse.ids &&
	grep "^id: $(head -1 sse.ids)$" sse
'

test_expect_success 'Last-Event-ID resumes after that event' '
	first=$(head -1 sse.ids) &&
	curl -sN --max-time 2 -H "Last-Event-ID: $first" "$HTTP/api/v1/events" >sse2 || test $? = 28 &&
	sed -n "s/^id: //p" sse2 >ids2 &&
	sed 1d sse.ids >want &&
	test_cmp want ids2
'

test_expect_success 'subscribers are capped; a gone one frees its place' '
	bg_start curl -sN --max-time 60 "$HTTP/api/v1/events" >s1 &&
	p1=$bg_pid &&
	bg_start curl -sN --max-time 60 "$HTTP/api/v1/events" >s2 &&
	p2=$bg_pid &&
	wait_for_file s1 && wait_for_file s2 &&
	code=$(curl -s -D h3 -o s3 -w "%{http_code}" --max-time 5 "$HTTP/api/v1/events") &&
	test "$code" = 503 &&
	grep -i "^retry-after: " h3 &&
	grep "too many event subscribers" s3 &&
	kill $p1 $p2 &&
	free_place() {
		code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 1 "$HTTP/api/v1/events")
		test "$code" = 200
	} &&
	eventually free_place
'

test_expect_success 'a failed run: one event, however many runs fail' '
	subscribe live &&
	stop_simnet &&
	rm -f dn.db &&
	eventually at_least got/json.jsonl run_failed 1 &&
	n=$(runs failed) &&
	eventually more_runs failed $((n + 2)) &&
	test "$(count got/json.jsonl run_failed)" = 1 &&
	grep "\"type\":\"run_failed\"" got/json.jsonl | jq -r .error | grep discover
'

test_expect_success 'recovery: the run, the node and the threshold each say so once' '
	start_simnet -s 5 -u 600 -n 4 -m fully_synced=90,partially_synced=10 &&
	eventually at_least got/json.jsonl run_recovered 1 &&
	eventually at_least got/json.jsonl node_up 1 &&
	eventually at_least got/json.jsonl threshold_cleared 1 &&
	n=$(runs complete) &&
	eventually more_runs complete $((n + 2)) &&
	for t in run_recovered node_up threshold_cleared; do
		test "$(count got/json.jsonl $t)" = 1 || return 1
	done &&
	test "$(grep "\"type\":\"node_up\"" got/json.jsonl | jq -r .node.id)" = 2 &&
	grep "\"type\":\"threshold_cleared\"" got/json.jsonl | jq -e ".share >= 0.8"
'

test_expect_success 'a live subscriber got them as they happened' '
	eventually grep "^event: threshold_cleared$" live &&
	grep "^event: run_failed$" live &&
	grep "^event: run_recovered$" live &&
	grep "^event: node_up$" live &&
	! grep "^event: node_down$" live
'

test_expect_success 'SIGTERM stops promptly with subscribers and a dead webhook' '
	stop_serve &&
	grep "stopping" serve.out
'

test_expect_success 'vantage once delivers its events before it exits' '
	rm -f got/once.jsonl &&
	test_must_fail vantage -c v.yaml -D store.path=$TRASH/once.db \
	    -D discovery.path=$TRASH/missing.db -D discovery.max_stale=0 \
	    -D "notify.webhooks=[{url: $HOOK/once}]" once 2>once.err &&
	test "$(count got/once.jsonl run_failed)" = 1
'

test_expect_success 'a bad webhook url is a configuration error' '
	cat >bad.yaml <<-EOF &&
	notify:
	  webhooks:
	    - url: ftp://example.net/hook
	EOF
	test_must_fail vantage -c bad.yaml check 2>err &&
	grep "bad.yaml:3:12: notify.webhooks\[0\].url: not an http or https URL" err
'

test_expect_success 'check -v shows a webhook url without its secret path' '
	vantage -c v.yaml -D "notify.webhooks=[{url: \"https://u:pw@hooks.example/services/T0/B0/SECRET?k=v\"}]" \
	    check -v >norm &&
	grep "^    - url: \"https://hooks.example/\*\*\*\"$" norm &&
	! grep "SECRET\|pw@" norm
'

test_done
