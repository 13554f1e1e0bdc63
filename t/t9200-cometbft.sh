#!/bin/sh
test_description='the cometbft profile end to end: a chain.json, /status and /net_info, against vantage-simnet'"'"'s truth'
. "$VT_SRC_DIR/t/test-lib.sh"

S="http://127.0.0.1:$((VT_PORT + 2))"	# t/serve-files

# conf/cometbft.yaml on a chain.json file of the trash directory, with
# loopback (where the simulated nodes are) taken out of crawl.deny.
write_cometbft() {
	sed -e "s#^  path: vantage-cometbft.db#  path: $TRASH/${2:-vantage}.db#" \
	    -e "s#^  url: https://raw.*#  path: $TRASH/${3:-chain.json}#" \
	    -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  timeout: 10s#  timeout: 1s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/cometbft#  dir: $VT_SRC_DIR/queries/cometbft#" \
	    "$VT_SRC_DIR/conf/cometbft.yaml" >"$1"
}

# One run on a fresh store, then its exposition against the truth.
run_and_compare() {
	rm -f vantage.db vantage.db-wal vantage.db-shm &&
	vantage -c c.yaml once 2>run.err &&
	vantage -c c.yaml metrics >m &&
	vantage-simnet compare truth.json m >cmp || { cat cmp run.err; return 1; }
	tail -1 cmp
}

test_expect_success 'vantage-simnet: an unknown kind, or a fault the kind has not, is a usage error' '
	test_must_fail vantage-simnet --kind solana -d x.json 2>err &&
	grep "^vantage-simnet: --kind solana: unknown kind (use audius, audiusd, cometbft, evm or mina)$" err &&
	test_must_fail vantage-simnet --kind cometbft -d x.json -f 1:restarted 2>err &&
	grep "^vantage-simnet: -f 1:restarted: not a fault of this --kind$" err &&
	test_must_fail vantage-simnet -d x.db -f 1:diverged 2>err &&
	grep "^vantage-simnet: -f 1:diverged: not a fault of this --kind$" err &&
	test ! -e x.json
'

EVERY="-f 2:down -f 3:slow -f 4:http500 -f 5:malformed -f 6:truncated
	-f 7:oversized -f 8:flaky -f 9:missing -f 10:wrong_network
	-f 11:diverged -f 12:catching_up -f 13:lagging -f 14:diverged
	-f 15:lagging -f 17:missing"

test_expect_success 'setup: every fault on one chain' '
	write_cometbft c.yaml &&
	vantage -c c.yaml check &&
	start_simnet --kind cometbft -d chain.json -n 24 -s 1 \
	    --slow-delay 3s --oversize 5MiB $EVERY
'

test_expect_success 'the profile'"'"'s metrics equal the truth, every fault included' '
	run_and_compare &&
	for st in down wrong_network diverged catching_up lagging synced; do
		grep "\"status\":\"$st\"" truth.json >/dev/null ||
		{ echo "no $st node in the truth"; return 1; }
	done &&
	promtool check metrics <m
'

test_expect_success 'nodes keep the url as listed, the provider and the chain_id' '
	vantage -c c.yaml sql --csv "SELECT url, json_extract(labels, '"'"'\$.provider'"'"'),
	    json_extract(labels, '"'"'\$.chain_id'"'"') FROM nodes WHERE url LIKE '"'"'%/cn/4/'"'"'" >out &&
	echo "http://127.0.0.1:$VT_PORT/cn/4/,CryptoCrew,vantage-simnet-1" >expect &&
	tail -1 out >got && test_cmp expect got &&
	grep "^cometbft_node_up{url=\"http://127.0.0.1:$VT_PORT/cn/4/\"} 0$" m
'

test_expect_success 'all six statuses are exported, zeros included, and sum to the nodes' '
	test $(grep -c "^cometbft_nodes{" m) = 6 &&
	test $(awk "/^cometbft_nodes\\{/ { s += \$2 } END { print s }" m) = 24
'

test_expect_success 'params.lag_blocks moves the lagging line' '
	vantage -c c.yaml -D params.lag_blocks=100000 once &&
	vantage -c c.yaml metrics >m2 &&
	grep "^cometbft_nodes{status=\"lagging\"} 0$" m2 &&
	stop_simnet
'

test_expect_success 'other seeds and fault mixes match their truth too' '
	for s in 2 3 5 8; do
		start_simnet --kind cometbft -d chain.json -n $((10 + s * 3)) -s $s \
		    -f 1:diverged -f $((s + 2)):diverged -f $((s + 3)):lagging \
		    -f 2:catching_up -f $((s + 4)):http500 -f $((s + 5)):wrong_network &&
		run_and_compare || return 1
		stop_simnet
	done
'

# The contract's corner cases on answers written by hand, starting from
# the RPC specification's own example of /status.
write_case() {	# DIR JQ-FILTER [STATUS]
	mkdir -p "files/$1" &&
	jq "$2" "$VT_SRC_DIR/t/fixtures/cometbft/status.json" >"files/$1/status" &&
	if [ -n "${3:-}" ]; then echo "$3" >"files/$1/status.status"; fi
}

test_expect_success 'setup: hand-written answers' '
	H=1262196 &&
	write_case n1 . &&
	write_case n2 ".result.sync_info.latest_block_hash = \"0123\"" &&
	write_case n3 ".result.sync_info.latest_block_height = \"12x\"" &&
	write_case n4 ".result.sync_info.latest_block_height = \"$((H - 20))\"" &&
	write_case n5 ".result.node_info.network = \"cosmoshub-3\" |
	    .result.sync_info.latest_block_height = \"$((H + 50))\"" &&
	write_case n6 ".result.sync_info.catching_up = true |
	    .result.sync_info.latest_block_height = \"$((H - 5))\"" &&
	write_case n7 "del(.result.sync_info.latest_block_height)" &&
	write_case n8 "{error: \"unavailable\"}" 503 &&
	write_case n9 ".result.sync_info.latest_block_height = \"$((H - 10))\" |
	    .result.node_info.version = \"0.38.17\"" &&
	write_case n10 "del(.result.node_info.network)" &&
	write_case n11 "del(.result.sync_info.catching_up) |
	    .result.sync_info.latest_block_hash = \"0123\"" &&
	write_case n12 ".result.sync_info.latest_block_height = 1262196" &&
	cat >files/n1/net_info <<-\EOF &&
	{"jsonrpc":"2.0","id":-1,"result":{"listening":true,"listeners":["Listener(@)"],"n_peers":"1","peers":[]}}
	EOF
	printf "{\"chain_id\": \"cosmoshub-2\", \"apis\": {\"rpc\": [" >hand.json &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		printf "%s{\"address\": \"$S/n$i\", \"provider\": \"p$i\"}" \
		    "$([ $i = 1 ] || echo ,)" >>hand.json
	done &&
	echo "]}}" >>hand.json &&
	write_cometbft h.yaml hand hand.json &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$((VT_PORT + 2)) \
	    -d files -t 300 >serve.out 2>&1 &&
	wait_for_file serve.out 100 "$bg_pid"
'

test_expect_success 'a tie at a height goes to the smallest hash; bad or missing heights are down, other missing fields are not' '
	vantage -c h.yaml once 2>err &&
	vantage -c h.yaml metrics >hm &&
	cat >expect <<-EOF &&
	cometbft_network_height 1262196
	cometbft_node_height{url="$S/n1"} 1262196
	cometbft_node_height{url="$S/n2"} 1262196
	cometbft_node_height{url="$S/n4"} 1262176
	cometbft_node_height{url="$S/n5"} 1262246
	cometbft_node_height{url="$S/n6"} 1262191
	cometbft_node_height{url="$S/n9"} 1262186
	cometbft_node_height{url="$S/n10"} 1262196
	cometbft_node_height{url="$S/n11"} 1262196
	cometbft_node_lag_blocks{url="$S/n2"} 0
	cometbft_node_lag_blocks{url="$S/n4"} 20
	cometbft_node_lag_blocks{url="$S/n6"} 5
	cometbft_node_lag_blocks{url="$S/n9"} 10
	cometbft_node_lag_blocks{url="$S/n11"} 0
	cometbft_node_peers{url="$S/n1"} 1
	cometbft_node_up{url="$S/n1"} 1
	cometbft_node_up{url="$S/n2"} 1
	cometbft_node_up{url="$S/n3"} 0
	cometbft_node_up{url="$S/n4"} 1
	cometbft_node_up{url="$S/n5"} 1
	cometbft_node_up{url="$S/n6"} 1
	cometbft_node_up{url="$S/n7"} 0
	cometbft_node_up{url="$S/n8"} 0
	cometbft_node_up{url="$S/n9"} 1
	cometbft_node_up{url="$S/n10"} 1
	cometbft_node_up{url="$S/n11"} 1
	cometbft_node_up{url="$S/n12"} 0
	cometbft_node_versions{version="0.32.1"} 7
	cometbft_node_versions{version="0.38.17"} 1
	cometbft_nodes{status="catching_up"} 1
	cometbft_nodes{status="diverged"} 1
	cometbft_nodes{status="down"} 4
	cometbft_nodes{status="lagging"} 1
	cometbft_nodes{status="synced"} 3
	cometbft_nodes{status="wrong_network"} 2
	EOF
	sort expect >expect.sorted &&
	grep "^cometbft" hm | sort >got &&
	test_cmp expect.sorted got
'

test_done
