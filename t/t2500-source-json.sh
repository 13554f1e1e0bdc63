#!/bin/sh
test_description='discovery: the json source (chain-registry chain.json, audiusd /core/nodes/verbose)'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"			# vantage-simnet
S="http://127.0.0.1:$((VT_PORT + 1))"		# t/serve-files
DOWN="http://127.0.0.1:$((VT_PORT + 2))"	# nothing listens there

nodes() {
	vantage -c "$1" sql --csv "SELECT node_id, typeof(node_id), url, up, labels
	    FROM nodes WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY url"
}

# $1 file, $2 the source's keys; with $3 = noprobe, nothing is asked.
write_profile() {
	mkdir -p q qn &&
	health_query q/10-healthy.sql json_node_healthy provider provider &&
	cat >qn/10-nodes.sql <<-\EOS &&
	-- metric: json_nodes
	-- type: gauge
	-- help: Nodes discovered.
	SELECT count(*) AS value FROM nodes WHERE run_id = :run_id;
	EOS
	{
	cat <<-EOF
	store:
	  path: $TRASH/$1.db
	discovery:
	  source: json
	  max_stale: 0
	EOF
	printf "%b\n" "$2"
	cat <<-EOF
	crawl:
	  timeout: 2s
	  retries: 0
	EOF
	if [ "${3:-}" = noprobe ]; then
		printf "queries:\n  dir: qn\n"
	else
		cat <<-EOF
		$(health_probe)
		queries:
		  dir: q
		EOF
	fi
	} >"$1"
}

test_expect_success 'setup: a network, its registries, a server' '
	start_simnet -s 25 -u 50 -n 3 &&
	mkdir -p h/core/nodes &&
	sed -e "s#https://cosmos-rpc.polkachu.com#$N/cn/1#" \
	    -e "s#https://rpc-cosmoshub.blockapsis.com#$DOWN/cn/2#" \
	    -e "s#https://cosmoshub-rpc.publicnode.com:443#$N/cn/3#" \
	    "$VT_SRC_DIR/t/fixtures/json/chain.json" >chain.json &&
	sed -e "s#https://creatornode.audius.co#$N/cn/1#" \
	    -e "s#https://creatornode2.audius.co#$N/cn/2#" \
	    -e "s#https://discoveryprovider.audius.co#$DOWN/dn/1#" \
	    "$VT_SRC_DIR/t/fixtures/json/nodes-verbose.json" >h/core/nodes/verbose &&
	cp "$VT_SRC_DIR/t/fixtures/json/chain.json" h/chain.json &&
	echo "<html>" >h/garbage && echo text/html >h/garbage.type &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$((VT_PORT + 1)) \
	    -d h -t 300 >serve.out 2>&1 &&
	wait_for_file serve.out &&
	write_profile c.yaml "  path: chain.json\n  nodes: /apis/rpc\n  node_url: /address\n  labels: {provider: /provider, archive: /archive}" &&
	write_profile a.yaml "  url: $S/core/nodes/verbose\n  nodes: /data\n  node_id: /spID\n  node_url: /endpoint\n  labels: {type: /type, owner: /owner}" &&
	write_profile r.yaml "  url: $S/chain.json\n  nodes: /apis/rpc\n  node_url: /address\n  labels: {provider: /provider}" noprobe &&
	vantage -c c.yaml check && vantage -c a.yaml check && vantage -c r.yaml check
'

test_expect_success 'a chain.json file: apis.rpc crawled and measured' '
	vantage -c c.yaml once 2>err &&
	grep "json: chain.json: node 3: no url at ./address.; skipped" err &&
	nodes c.yaml >out &&
	cat >expect <<-EOF &&
	node_id,typeof(node_id),url,up,labels
	$N/cn/1,text,$N/cn/1,1,"{""provider"":""Polkachu"",""archive"":null}"
	$N/cn/3,text,$N/cn/3,1,"{""provider"":""Allnodes ⚡️ Nodes & Staking"",""archive"":""true""}"
	$DOWN/cn/2,text,$DOWN/cn/2,0,"{""provider"":""chainapsis"",""archive"":null}"
	EOF
	test_cmp expect out &&
	vantage -c c.yaml metrics >m &&
	grep "^json_node_healthy{url=\"$N/cn/1\",provider=\"Polkachu\"} 1$" m &&
	grep "^json_node_healthy{url=\"$DOWN/cn/2\",provider=\"chainapsis\"} 0$" m
'

test_expect_success 'an audiusd /core/nodes/verbose by URL: spID ids' '
	vantage -c a.yaml once 2>err &&
	nodes a.yaml >out &&
	cat >expect <<-EOF &&
	node_id,typeof(node_id),url,up,labels
	1,integer,$N/cn/1,1,"{""type"":""content-node"",""owner"":""0xc8d0C29B6d540295e8fc8ac72456F2f4D41088c8""}"
	2,integer,$N/cn/2,1,"{""type"":""content-node"",""owner"":""0xc8d0C29B6d540295e8fc8ac72456F2f4D41088c8""}"
	EOF
	test_cmp expect out &&
	grep "discover: node 1 listed twice; the first row is kept" err &&
	grep "json: $S/core/nodes/verbose: node 3: no url at ./endpoint.; skipped" err &&
	vantage -c a.yaml metrics >m &&
	grep "^json_node_healthy{url=\"$N/cn/2\"} 1$" m
'

test_expect_success 'the chain.json fixture by URL, as published' '
	vantage -c r.yaml once &&
	vantage -c r.yaml sql --csv "SELECT url FROM nodes ORDER BY url" >out &&
	cat >expect <<-\EOF &&
	url
	https://cosmos-rpc.polkachu.com
	https://cosmoshub-rpc.publicnode.com:443
	https://rpc-cosmoshub.blockapsis.com
	EOF
	test_cmp expect out
'

test_expect_success 'failures are loud: not an array, not JSON, HTTP errors, no file' '
	test_must_fail vantage -c r.yaml -D discovery.nodes=/apis once 2>err &&
	grep "discover: json: $S/chain.json: ./apis. is not an array$" err &&
	test_must_fail vantage -c r.yaml -D discovery.nodes=/nope once 2>err &&
	grep "discover: json: $S/chain.json: nothing at ./nope.$" err &&
	test_must_fail vantage -c r.yaml -D discovery.url=$S/garbage once 2>err &&
	grep "discover: json: $S/garbage: malformed answer: " err &&
	test_must_fail vantage -c r.yaml -D discovery.url=$S/nothing once 2>err &&
	grep "discover: json: $S/nothing: HTTP 404$" err &&
	test_must_fail vantage -c c.yaml -D discovery.path=nope.json once 2>err &&
	grep "discover: json: nope.json: No such file or directory$" err &&
	test_must_fail vantage -c c.yaml -D discovery.url=$S/chain.json once 2>err &&
	grep "discover: json: set one of discovery.path and discovery.url$" err
'

test_done
