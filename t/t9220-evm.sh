#!/bin/sh
test_description='the evm profile end to end: an eip155 chain file, one JSON-RPC batch a node, against vantage-simnet'"'"'s truth'
. "$VT_SRC_DIR/t/test-lib.sh"

S="http://127.0.0.1:$((VT_PORT + 2))"	# t/serve-files

write_evm() {
	sed -e "s#^  path: vantage-evm.db#  path: $TRASH/${2:-vantage}.db#" \
	    -e "s#^  url: https://raw.*#  path: $TRASH/${3:-eip155.json}#" \
	    -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  timeout: 10s#  timeout: 1s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/evm#  dir: $VT_SRC_DIR/queries/evm#" \
	    "$VT_SRC_DIR/conf/evm.yaml" >"$1"
}

run_and_compare() {
	rm -f vantage.db vantage.db-wal vantage.db-shm &&
	vantage -c e.yaml once 2>run.err &&
	vantage -c e.yaml metrics >m &&
	vantage-simnet compare truth.json m >cmp || { cat cmp run.err; return 1; }
}

test_expect_success 'setup: every fault on one chain' '
	write_evm e.yaml &&
	vantage -c e.yaml check &&
	start_simnet --kind evm -d eip155.json -n 20 -s 1 --slow-delay 3s \
	    --oversize 2MiB -f 2:down -f 3:slow -f 4:http500 -f 5:malformed \
	    -f 6:truncated -f 7:oversized -f 8:flaky -f 9:missing \
	    -f 10:wrong_network -f 11:catching_up -f 12:lagging -f 13:lagging
'

test_expect_success 'the metrics equal the truth, every fault included' '
	run_and_compare &&
	for st in down wrong_chain syncing lagging synced; do
		grep "\"status\":\"$st\"" truth.json >/dev/null ||
		{ echo "no $st node in the truth"; return 1; }
	done &&
	promtool check metrics <m
'

test_expect_success 'one batch a node; templates and wss:// urls are skipped' '
	grep "node 1: a \${...} template, not a url at .*; skipped" run.err &&
	grep "node 2: not an http(s) url at .*; skipped" run.err &&
	vantage -c e.yaml sql --csv "SELECT requests FROM runs" >out &&
	printf "requests\n20\n" >expect && test_cmp expect out &&
	vantage -c e.yaml sql --csv "SELECT count(*) FROM probe_rpc WHERE error IS NULL
	    AND node_id = (SELECT node_id FROM nodes WHERE url LIKE '"'"'%/cn/1'"'"')" >out &&
	printf "count(*)\n5\n" >expect && test_cmp expect out
'

test_expect_success 'other seeds and fault mixes match their truth too' '
	stop_simnet &&
	for s in 2 4 6; do
		start_simnet --kind evm -d eip155.json -n $((8 + s * 2)) -s $s \
		    -f 1:lagging -f $((s + 1)):catching_up -f $((s + 2)):down \
		    -f $((s + 3)):wrong_network -f $((s + 4)):missing &&
		run_and_compare || return 1
		stop_simnet
	done
'

# Answers written by hand, with the results of the execution-apis
# examples (eth_syncing's object, src/eth/client.yaml), ids in any order.
answer() {	# NODE ID:RESULT...
	mkdir -p "files/$1" &&
	n=$1 && shift &&
	printf "[" >"files/$n/rpc" &&
	sep= &&
	for a in "$@"; do
		printf "%s{\"jsonrpc\":\"2.0\",\"id\":%s,%s}" "$sep" "${a%%=*}" "${a#*=}" >>"files/$n/rpc"
		sep=,
	done &&
	echo "]" >>"files/$n/rpc"
}

test_expect_success 'setup: hand-written answers' '
	ok="\"result\"" &&
	answer n1 "5=$ok:\"Geth/v1.14.0-stable/linux-amd64/go1.22.1\"" "1=$ok:\"0x1\"" \
	    "2=$ok:\"0x1520\"" "3=$ok:false" "4=$ok:\"0x19\"" &&
	answer n2 "1=$ok:\"0x1\"" "2=$ok:\"0x1518\"" \
	    "3=$ok:{\"startingBlock\":\"0x0\",\"currentBlock\":\"0x1518\",\"highestBlock\":\"0x9567a3\"}" \
	    "4=\"error\":{\"code\":-32601,\"message\":\"the method net_peerCount does not exist/is not available\"}" \
	    "5=$ok:\"Nethermind/v1.25.4+20b10b35/linux-x64/dotnet8.0.2\"" &&
	answer n3 "1=$ok:\"0xaa36a7\"" "2=$ok:\"0x9000\"" "3=$ok:false" "4=$ok:\"0x3\"" \
	    "5=$ok:\"erigon/2.59.0/linux-amd64/go1.21.5\"" &&
	answer n4 "1=$ok:\"0x1\"" "2=$ok:\"0x151b\"" "3=$ok:false" "4=$ok:\"0x0\"" \
	    "5=$ok:\"Geth/v1.13.0\"" &&
	answer n5 "1=$ok:\"0x1\"" "2=\"error\":{\"code\":-32000,\"message\":\"header not found\"}" \
	    "3=$ok:false" "4=$ok:\"0x2\"" "5=$ok:\"besu/v24.1.0\"" &&
	mkdir -p files/n6 &&
	echo "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch too large\"}}" >files/n6/rpc &&
	answer n7 "1=$ok:\"0x1\"" "2=$ok:\"0x151c\"" "3=$ok:false" "4=$ok:\"0xff\"" \
	    "5=$ok:\"reth/v1.0.0\"" &&
	printf "{\"chainId\": 1, \"rpc\": [\"wss://x.example\"" >hand.json &&
	for i in 1 2 3 4 5 6 7; do printf ", \"$S/n$i/rpc\"" >>hand.json; done &&
	echo "]}" >>hand.json &&
	write_evm h.yaml hand hand.json &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$((VT_PORT + 2)) \
	    -d files -t 300 >serve.out 2>&1 &&
	wait_for_file serve.out 100 "$bg_pid"
'

test_expect_success 'statuses, heights and clients of hand-written answers' '
	vantage -c h.yaml once 2>err &&
	vantage -c h.yaml metrics >hm &&
	cat >expect <<-EOF &&
	evm_network_height 5408
	evm_node_clients{client="Geth"} 2
	evm_node_clients{client="Nethermind"} 1
	evm_node_clients{client="erigon"} 1
	evm_node_clients{client="reth"} 1
	evm_node_height{url="$S/n1/rpc"} 5408
	evm_node_height{url="$S/n2/rpc"} 5400
	evm_node_height{url="$S/n3/rpc"} 36864
	evm_node_height{url="$S/n4/rpc"} 5403
	evm_node_height{url="$S/n7/rpc"} 5404
	evm_node_lag_blocks{url="$S/n1/rpc"} 0
	evm_node_lag_blocks{url="$S/n2/rpc"} 8
	evm_node_lag_blocks{url="$S/n4/rpc"} 5
	evm_node_lag_blocks{url="$S/n7/rpc"} 4
	evm_node_peers{url="$S/n1/rpc"} 25
	evm_node_peers{url="$S/n3/rpc"} 3
	evm_node_peers{url="$S/n4/rpc"} 0
	evm_node_peers{url="$S/n7/rpc"} 255
	evm_node_up{url="$S/n1/rpc"} 1
	evm_node_up{url="$S/n2/rpc"} 1
	evm_node_up{url="$S/n3/rpc"} 1
	evm_node_up{url="$S/n4/rpc"} 1
	evm_node_up{url="$S/n5/rpc"} 0
	evm_node_up{url="$S/n6/rpc"} 0
	evm_node_up{url="$S/n7/rpc"} 1
	evm_nodes{status="down"} 2
	evm_nodes{status="lagging"} 1
	evm_nodes{status="synced"} 2
	evm_nodes{status="syncing"} 1
	evm_nodes{status="wrong_chain"} 1
	EOF
	grep "^evm" hm | sort >got &&
	test_cmp expect got
'

test_done
