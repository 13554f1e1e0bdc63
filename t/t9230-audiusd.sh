#!/bin/sh
test_description='the audiusd profile end to end: a trusted node'"'"'s /core/nodes/verbose, /health_check and /core/status, against vantage-simnet'"'"'s truth'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"

write_audiusd() {
	sed -e "s#^  path: vantage-audiusd.db#  path: $TRASH/vantage.db#" \
	    -e "s#^  url: https://creatornode.audius.co/core/nodes/verbose#  url: $N/cn/1/core/nodes/verbose#" \
	    -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  timeout: 15s#  timeout: 1s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/audiusd#  dir: $VT_SRC_DIR/queries/audiusd#" \
	    "$VT_SRC_DIR/conf/audiusd.yaml" >a.yaml
}

run_and_compare() {
	rm -f vantage.db vantage.db-wal vantage.db-shm &&
	vantage -c a.yaml once 2>run.err &&
	vantage -c a.yaml metrics >m &&
	vantage-simnet compare truth.json m >cmp || { cat cmp run.err; return 1; }
}

test_expect_success 'setup: every fault on one network' '
	write_audiusd &&
	vantage -c a.yaml check &&
	start_simnet --kind audiusd -d verbose.json -n 18 -s 1 --slow-delay 3s \
	    --oversize 17MiB -f 2:down -f 3:slow -f 4:http500 -f 5:malformed \
	    -f 6:truncated -f 7:oversized -f 8:flaky -f 9:unhealthy \
	    -f 10:unregistered -f 11:catching_up -f 12:lagging \
	    -f 13:unreachable -f 14:unreachable
'

test_expect_success 'the metrics equal the truth, every fault included' '
	run_and_compare &&
	for st in down unregistered unhealthy not_synced lagging healthy; do
		grep "\"status\":\"$st\"" truth.json >/dev/null ||
		{ echo "no $st node in the truth"; return 1; }
	done &&
	grep "^audiusd_asymmetric_pairs [1-9]" m &&
	promtool check metrics <m
'

test_expect_success '503 and 506 bodies are answers, kept with their status' '
	vantage -c a.yaml sql --csv "SELECT n.url, h.http_status, h.healthy, h.registered
	    FROM probe_health h JOIN nodes n USING (run_id, node_id)
	    WHERE h.http_status != 200 ORDER BY n.url" >out &&
	printf "url,http_status,healthy,registered\n$N/cn/10,506,0,0\n$N/cn/9,503,0,1\n" >expect &&
	test_cmp expect out &&
	vantage -c a.yaml sql --csv "SELECT json_extract(labels, '"'"'\$.type'"'"')
	    FROM nodes WHERE url = '"'"'$N/cn/5'"'"'" >out &&
	tail -1 out | grep "^validator$"
'

test_expect_success 'params: the lag and the reachability window' '
	vantage -c a.yaml -D params.lag_blocks=100000 -D params.reach_window_seconds=86400 once &&
	vantage -c a.yaml metrics >m2 &&
	grep "^audiusd_nodes{status=\"lagging\"} 0$" m2 &&
	grep "^audiusd_unreachable_pairs 0$" m2 &&
	grep "^audiusd_asymmetric_pairs 0$" m2
'

test_expect_success 'other seeds and fault mixes match their truth too' '
	stop_simnet &&
	for s in 2 3 5; do
		start_simnet --kind audiusd -d verbose.json -n $((6 + s * 2)) -s $s \
		    -f 1:lagging -f $((s + 1)):unreachable -f $((s + 2)):down \
		    -f $((s + 3)):unhealthy -f $((s + 4)):catching_up &&
		run_and_compare || return 1
		stop_simnet
	done
'

test_done
