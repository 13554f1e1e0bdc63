#!/bin/sh
test_description='the mina profile end to end: file_sd, the daemons'"'"' Prometheus metrics, restarts kept across runs'
. "$VT_SRC_DIR/t/test-lib.sh"

# conf/mina.yaml on the file_sd file of the trash directory.
write_mina() {
	sed -e "s#^  path: vantage-mina.db#  path: $TRASH/vantage.db#" \
	    -e "s#^  files: .*#  files: [$TRASH/sd.json]#" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  interval: 1m#  interval: 1s#" \
	    -e "s#^  timeout: 10s#  timeout: 1s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/mina#  dir: $VT_SRC_DIR/queries/mina#" \
	    "$VT_SRC_DIR/conf/mina.yaml" >m.yaml
}

compare() {
	vantage -c m.yaml metrics >m &&
	vantage-simnet compare truth.json m >cmp || { cat cmp; return 1; }
}

complete_runs() {
	vantage -c m.yaml sql --csv "SELECT count(*) FROM runs WHERE status = 'complete'" | tail -1
}
enough_runs_() { [ "$(complete_runs)" -ge "$want_runs" ]; }

test_expect_success 'setup: a fleet with every fault' '
	write_mina &&
	vantage -c m.yaml check &&
	start_simnet --kind mina -d sd.json -n 16 -s 1 --slow-delay 3s \
	    --oversize 9MiB -f 2:down -f 3:slow -f 4:http500 -f 5:malformed \
	    -f 6:truncated -f 7:oversized -f 8:flaky -f 9:lagging \
	    -f 10:restarted -f 11:lagging -f 12:restarted
'

test_expect_success 'the first run: everything but restarts, which need a previous report' '
	vantage -c m.yaml once 2>err &&
	vantage -c m.yaml metrics >m &&
	grep "^mina_node_restarts_total{url=\"http://127.0.0.1:$VT_PORT/cn/10\"} 0$" m &&
	vantage-simnet compare truth.json m >cmp;
	test "$(grep -c ": expected 1, got 0$" cmp)" = 2 &&
	tail -1 cmp | grep "2 mismatches"
'

test_expect_success 'the second run counts each restart once: the truth, exactly' '
	vantage -c m.yaml once 2>err &&
	compare &&
	grep "\"status\":\"fork_suspect\"" truth.json &&
	grep "^mina_nodes{status=\"fork_suspect\"} 2$" m &&
	promtool check metrics <m
'

test_expect_success 'restarts are kept across restarts of vantage, never counted twice' '
	runs=$(complete_runs) &&
	bg_start vantage -c m.yaml serve >serve.out 2>&1 &&
	serve_pid=$bg_pid &&
	want_runs=$((runs + 2)) &&
	{ poll 300 enough_runs_ || { cat serve.out; false; }; } &&
	kill $serve_pid && wait $serve_pid;
	compare &&
	vantage -c m.yaml once 2>err &&
	compare &&
	vantage -c m.yaml sql --csv "SELECT url, restarts FROM mina_uptime WHERE restarts > 0 ORDER BY url" >out &&
	printf "url,restarts\nhttp://127.0.0.1:$VT_PORT/cn/10,1\nhttp://127.0.0.1:$VT_PORT/cn/12,1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'params.fork_blocks moves the fork line' '
	vantage -c m.yaml -D params.fork_blocks=1000 once &&
	vantage -c m.yaml metrics >m2 &&
	grep "^mina_nodes{status=\"fork_suspect\"} 0$" m2 &&
	stop_simnet
'

test_expect_success 'other seeds and fault mixes match their truth after two runs' '
	for s in 2 3 7; do
		rm -f vantage.db vantage.db-wal vantage.db-shm &&
		start_simnet --kind mina -d sd.json -n $((5 + s * 2)) -s $s \
		    -f 1:restarted -f $((s + 1)):lagging -f $((s + 2)):down \
		    -f $((s + 3)):restarted &&
		vantage -c m.yaml once 2>err && vantage -c m.yaml once 2>err &&
		compare || return 1
		stop_simnet
	done
'

test_done
