#!/bin/sh
test_description='remote write: every complete run reaches Prometheus and VictoriaMetrics, across outages'
. "$VT_SRC_DIR/t/test-lib.sh"

PROM_ADDR=127.0.0.1:$((VT_PORT + 2))
PROM=http://$PROM_ADDR
VM_ADDR=127.0.0.1:$((VT_PORT + 1))
VM=http://$VM_ADDR
FS='audius_users{status="fully_synced",monitor="m1"}'

# The value (or with a third argument "ts", the timestamp) of the first
# result of an instant query at time $3 (default now) on server $1.
query() {
	curl -fsS "$1/api/v1/query" --data-urlencode "query=$2" \
	    ${3:+--data-urlencode "time=$3"} >q.json &&
	jq -r '.data.result[0].value[1] // empty' q.json
}

start_prom() {
	bg_start prometheus --config.file="$TRASH/prometheus.yml" \
	    --storage.tsdb.path="$TRASH/tsdb" \
	    --web.listen-address="$PROM_ADDR" \
	    --web.enable-remote-write-receiver \
	    --web.console.templates="$TRASH/consoles" \
	    --web.console.libraries="$TRASH/console_libraries" \
	    --log.level=warn >>prometheus.out 2>&1 || return 1
	prom_pid=$bg_pid
	wait_for_http "$PROM/-/ready" 300 || { cat prometheus.out; return 1; }
}

start_vm() {
	bg_start victoria-metrics -httpListenAddr="$VM_ADDR" \
	    -storageDataPath="$TRASH/vmdata" -search.latencyOffset=0s \
	    -search.disableCache \
	    -loggerLevel=ERROR >>vm.out 2>&1 || return 1
	vm_pid=$bg_pid
	wait_for_http "$VM/health" 300 || { cat vm.out; return 1; }
}

stop_pid() { kill "$1" && poll 300 gone "$1"; }

# Conditions, each evaluated afresh on every try of poll.
vm_has_3_() {
	test "$(query $VM "count_over_time($FS[1h])" $t)" = 3 && return 0
	curl -fsS "$VM/internal/force_flush" >/dev/null
	return 1
}
prom_has_2_() { test "$(query $PROM "count_over_time($S[1h])")" -ge 2; }
queued_at_least_() { test "$(queued "$1")" -ge "$2"; }
queue_empty_() { test "$(queued "$1")" = 0; }

# Is $1 = $2 as numbers (within half a millisecond)?  Says so if not.
same() {
	awk -v a="$1" -v b="$2" "BEGIN { d = a - b; exit !(d < 0.0005 && d > -0.0005) }" ||
	{ echo "got \"$1\", want \"$2\""; cat q.json; return 1; }
}

queued() {
	vantage -c "$1" sql --csv "SELECT count(*) AS n FROM remote_write_queue" |
	    tail -n 1
}

test_expect_success 'setup: a network, Prometheus and VictoriaMetrics' '
	start_simnet -s 4 -u 1500 -n 6 &&
	write_config v.yaml &&
	mkdir -p consoles console_libraries failq &&
	printf "global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 3h\n" >prometheus.yml &&
	promtool check config prometheus.yml &&
	cp "$VT_SRC_DIR"/queries/audius/*.sql failq/ &&
	echo "SELECT * FROM no_such_table;" >failq/80-fail.sql &&
	start_prom && start_vm &&
	cat >>v.yaml <<-EOF
	remote_write:
	  url: $PROM/api/v1/write
	  monitor: m1
	  backoff: 100ms
	  backoff_max: 1s
	EOF
	sed "s#url: $PROM/api/v1/write#url: $VM/api/v1/write#;
	    s#^  path: $TRASH/vantage.db#  path: $TRASH/vm.db#" v.yaml >vm.yaml &&
	grep -q "vm.db" vm.yaml
'

test_expect_success 'a complete run reaches Prometheus: its samples, its time, label monitor' '
	vantage -c v.yaml once &&
	test "$(queued v.yaml)" = 0 &&
	vantage -c v.yaml metrics >m &&
	want=$(sed -n "s/^audius_users{status=\"fully_synced\"} //p" m) &&
	test -n "$want" &&
	t=$(vantage -c v.yaml sql --csv "SELECT printf(\"%.3f\", finished_at) FROM runs" | tail -n 1) &&
	same "$(query $PROM "$FS" $t)" "$want" &&
	same "$(query $PROM "timestamp($FS)" $t)" "$t" &&
	stored=$(vantage -c v.yaml sql --csv "SELECT count(*) FROM samples" | tail -n 1) &&
	same "$(query $PROM "count({monitor=\"m1\"})" $t)" "$stored"
'

test_expect_success 'a failed run is never sent' '
	test_must_fail vantage -c v.yaml -D queries.dir=$TRASH/failq once &&
	test "$(queued v.yaml)" = 0 &&
	test "$(query $PROM "count_over_time($FS[1h])")" = 1
'

test_expect_success 'Prometheus down: runs wait in the queue, with one warning' '
	stop_pid $prom_pid &&
	vantage -c v.yaml once 2>err1 &&
	vantage -c v.yaml once 2>err2 &&
	grep "remote write: .*: Couldn.t connect to server.*; 1 runs queued" err1 &&
	test "$(queued v.yaml)" = 2
'

test_expect_success 'Prometheus back: every queued run is delivered, in order' '
	start_prom &&
	vantage -c v.yaml once &&
	test "$(queued v.yaml)" = 0 &&
	complete=$(vantage -c v.yaml sql --csv "SELECT count(*) FROM runs
	    WHERE status = '"'complete'"'" | tail -n 1) &&
	test "$complete" = 4 &&
	same "$(query $PROM "count_over_time($FS[1h])")" 4
'

# Runs queued 90 and 80 minutes ago (their times moved back while the
# receiver is away, as after an outage that long): Prometheus, with an
# out-of-order window, takes them at their own times.
test_expect_success 'an outage of over an hour: the backlog keeps its times' '
	stop_pid $prom_pid &&
	vantage -c v.yaml once 2>/dev/null && vantage -c v.yaml once 2>/dev/null &&
	test "$(queued v.yaml)" = 2 &&
	sqlite3 vantage.db "UPDATE runs SET finished_at = finished_at - 5400 +
	    600 * (run_id - (SELECT min(run_id) FROM remote_write_queue))
	    WHERE run_id IN (SELECT run_id FROM remote_write_queue)" &&
	old=$(vantage -c v.yaml sql --csv "SELECT printf(\"%.3f\", min(finished_at))
	    FROM runs WHERE run_id IN (SELECT run_id FROM remote_write_queue)" | tail -n 1) &&
	start_prom &&
	vantage -c v.yaml once &&
	test "$(queued v.yaml)" = 0 &&
	same "$(query $PROM "timestamp($FS)" $old)" "$old" &&
	same "$(query $PROM "count_over_time($FS[1h])" $((${old%.*} + 700)))" 2
'

test_expect_success 'VictoriaMetrics: a run, an outage, every run delivered' '
	vantage -c vm.yaml once &&
	test "$(queued vm.yaml)" = 0 &&
	stop_pid $vm_pid &&
	vantage -c vm.yaml once 2>err &&
	grep "remote write: .*; 1 runs queued" err &&
	test "$(queued vm.yaml)" = 1 &&
	start_vm &&
	vantage -c vm.yaml once &&
	test "$(queued vm.yaml)" = 0 &&
	vantage -c vm.yaml metrics >m &&
	want=$(sed -n "s/^audius_users{status=\"fully_synced\"} //p" m) &&
	t=$(vantage -c vm.yaml sql --csv "SELECT max(finished_at) + 1 FROM runs" | tail -n 1) &&
	{ poll 100 vm_has_3_ || { cat q.json; false; }; } &&
	same "$(query $VM "$FS" $t)" "$want"
'

# serve, one run a second: Prometheus goes away for several runs and comes
# back; the backoff retries until everything is there.
test_expect_success 'serve: an outage in the middle loses nothing' '
	stop_pid $vm_pid &&
	sed "s#^  path: $TRASH/vantage.db#  path: $TRASH/serve.db#;
	    s#^  monitor: m1#  monitor: s1#" v.yaml >s.yaml &&
	S=$(echo "$FS" | sed s/m1/s1/) &&
	bg_start vantage -c s.yaml -D schedule.interval=1s serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	{ poll 300 prom_has_2_ || { cat serve.out; false; }; } &&
	stop_pid $prom_pid &&
	{ poll 300 queued_at_least_ s.yaml 3 || { cat serve.out; false; }; } &&
	start_prom &&
	{ poll 300 queue_empty_ s.yaml || { cat serve.out; false; }; } &&
	stop_pid $serve_pid &&
	grep "remote write: .*: delivering again after" serve.out &&
	complete=$(vantage -c s.yaml sql --csv "SELECT count(*) FROM runs
	    WHERE status = '"'complete'"'" | tail -n 1) &&
	queue=$(queued s.yaml) &&
	same "$(query $PROM "count_over_time($S[1h])")" $((complete - queue))
'

test_done
