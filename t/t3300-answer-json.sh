#!/bin/sh
test_description='answer kinds: json reads live APIs (coercion, explode, statuses)'
. "$VT_SRC_DIR/t/test-lib.sh"

S="http://127.0.0.1:$VT_PORT"

# Answers as Audius content nodes give them (mediorum /health_check: 200
# healthy, 503 unhealthy and 506 unregistered, each with a JSON body), from
# t/serve-files.
write_nodes() {
	mkdir -p www/a www/b www/c www/d &&
	cat >www/a/health_check <<-\EOF &&
	{"data": {"healthy": true, "version": "0.7.115", "uptime": "72h3m0.5s",
	  "mediorumPathUsed": 5368709120, "peerHealths": {
	    "https://cn2.example.org": {"version": "0.7.115", "lastHealthy": "2025-10-15T10:00:00Z"},
	    "https://cn3.example.org": {"version": "0.7.114"}}},
	 "signer": "0x1", "signature": "0xab"}
	EOF
	cat >www/b/health_check <<-\EOF &&
	{"data": {"version": "0.7.114", "uptime": "1m30s", "peerHealths": {}}}
	EOF
	echo 503 >www/b/health_check.status &&
	cat >www/c/health_check <<-\EOF &&
	{"data": {"healthy": false, "version": "0.7.115", "uptime": "1h"}}
	EOF
	echo 500 >www/c/health_check.status &&
	cat >www/d/health_check <<-\EOF &&
	{"data": {"healthy": false, "version": "0.7.113", "uptime": "5 days"}}
	EOF
	echo 506 >www/d/health_check.status &&
	mkdir -p www/e &&
	echo "<html><body>503 Service Unavailable</body></html>" >www/e/health_check &&
	echo 503 >www/e/health_check.status &&
	echo text/html >www/e/health_check.type &&
	write_rpc
}

# JSON-RPC 2.0 answers, in the shapes of ethereum/execution-apis tests and
# CometBFT's openapi (int64 as strings); /c and /d have none (404).
write_rpc() {
	echo '{"jsonrpc":"2.0","id":1,"result":"0x14"}' >www/a/evm &&
	echo '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"header not found"}}' >www/b/evm &&
	cat >www/a/balances <<-\EOF &&
	[{"jsonrpc":"2.0","id":3,"result":"0x0"},
	 {"jsonrpc":"2.0","id":1,"result":"0xde0b6b3a7640000"},
	 {"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"invalid argument 0"}}]
	EOF
	echo '[{"jsonrpc":"2.0","id":2,"result":"0x1"}]' >www/b/balances &&
	cat >www/a/cmt <<-\EOF &&
	{"jsonrpc": "2.0", "id": 1, "result": {
	  "node_info": {"id": "5576458aef205977e18fd50b274e9b5d9014525a",
	    "network": "cosmoshub-4", "version": "0.38.6", "moniker": "moniker-node"},
	  "sync_info": {"latest_block_hash": "790BA84C3545FCCC49A5C629CEE6EA58A6E875C3862175BDC11EE7AF54703501",
	    "latest_block_height": "1262196", "latest_block_time": "2019-08-01T11:52:22.818762194Z",
	    "catching_up": false},
	  "validator_info": {"address": "5D6A51A8E9899C44079C6AF90618BA0369070E6E", "voting_power": "0"}}}
	EOF
	cat >www/b/cmt <<-\EOF
	{"jsonrpc": "2.0", "id": 1, "result": {
	  "node_info": {"network": "cosmoshub-4"},
	  "sync_info": {"latest_block_height": "26083", "catching_up": true}}}
	EOF
}

write_profile() {
	mkdir -p q &&
	cat >q/10-healthy.sql <<-\EOS &&
	-- metric: cn_healthy
	-- type: gauge
	-- help: 1 if the node says it is healthy.
	SELECT n.url, h.healthy AS value
	FROM nodes n JOIN probe_health h
	    ON h.run_id = n.run_id AND h.node_id = n.node_id
	WHERE n.run_id = :run_id AND h.error IS NULL;
	EOS
	cat >p.yaml <<-EOF
	store:
	  path: $TRASH/p.db
	discovery:
	  source: static
	  nodes:
	    - {url: $S/a}
	    - {url: $S/b}
	    - {url: $S/c}
	    - {url: $S/d}
	    - {url: $S/e}
	crawl:
	  timeout: 2s
	  retries: 1
	  backoff: 10ms
	  backoff_max: 10ms
	probes:
	  - name: health
	    path: /health_check
	    status_column: http_status
	    accept_status: [503, 506]
	    values:
	      - {column: healthy, pointer: /data/healthy, type: boolean, missing: default}
	      - {column: version, pointer: /data/version, type: text}
	      - {column: uptime_s, pointer: /data/uptime, type: real, from: duration}
	      - {column: used, pointer: /data/mediorumPathUsed, missing: null}
	  - name: peers
	    path: /health_check
	    rows: /data/peerHealths
	    explode: members
	    accept_status: [503, 506]
	    values:
	      - {column: version, pointer: /version, type: text}
	      - {column: healthy_at, pointer: /lastHealthy, type: text, missing: null}
	  - name: evm
	    method: POST
	    path: /evm
	    jsonrpc: eth_blockNumber
	    values:
	      - {column: block, pointer: "", from: hex}
	  - name: balances
	    method: POST
	    path: /balances
	    items: SELECT value FROM json_each('["0xaa", "0xbb", "0xcc"]')
	    jsonrpc: eth_getBalance
	    params: '[{{item}}, "latest"]'
	    values:
	      - {column: wei, pointer: "", type: real, from: hex}
	  - name: cmt
	    method: POST
	    path: /cmt
	    jsonrpc: status
	    values:
	      - {column: height, pointer: /sync_info/latest_block_height, from: string}
	      - {column: catching_up, pointer: /sync_info/catching_up, type: boolean}
	      - {column: network, pointer: /node_info/network, type: text}
	queries:
	  dir: q
	EOF
}

test_expect_success 'setup' '
	write_nodes &&
	write_profile &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$VT_PORT -d www -t 120 \
	    -r req.log >sf.out 2>&1 &&
	poll 100 has_line listening sf.out &&
	vantage -c p.yaml check
'

test_expect_success 'a 503 or 506 body is an answer, with its status; a 500 is not' '
	vantage -c p.yaml once 2>err &&
	vantage -c p.yaml sql --csv "SELECT n.url, h.http_status, h.healthy,
	    h.version, h.uptime_s, h.used, h.error
	    FROM probe_health h JOIN nodes n USING (run_id, node_id) ORDER BY n.url" >out &&
	cat >expect <<-EOF &&
	url,http_status,healthy,version,uptime_s,used,error
	$S/a,200,1,0.7.115,259380.5,5368709120,
	$S/b,503,0,0.7.114,90.0,,
	$S/c,,,,,,HTTP 500
	$S/d,,,,,,/data/uptime: '"'"'5 days'"'"' is not a duration
	$S/e,,,,,,HTTP 503: malformed answer: invalid char in json text near '"'"'<html><body>503 Serv'"'"' at line 1 column 1
	EOF
	test_cmp expect out
'

test_expect_success 'statuses read as answers are not retried; a 500 is' '
	test "$(grep -c "^GET /b/health_check" req.log)" = 2 &&
	test "$(grep -c "^GET /c/health_check" req.log)" = 4 &&
	vantage -c p.yaml sql --csv "SELECT url, up FROM nodes ORDER BY url" >out &&
	printf "url,up\n$S/a,1\n$S/b,1\n$S/c,0\n$S/d,0\n$S/e,0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'explode: members: a row per peer, keyed by host' '
	vantage -c p.yaml sql --csv "SELECT n.url, p.item, p.version, p.healthy_at, p.error
	    FROM probe_peers p JOIN nodes n USING (run_id, node_id)
	    ORDER BY n.url, p.item" >out &&
	cat >expect <<-EOF &&
	url,item,version,healthy_at,error
	$S/a,https://cn2.example.org,0.7.115,2025-10-15T10:00:00Z,
	$S/a,https://cn3.example.org,0.7.114,,
	$S/c,,,,HTTP 500
	$S/e,,,,HTTP 503: malformed answer: invalid char in json text near '"'"'<html><body>503 Serv'"'"' at line 1 column 1
	EOF
	test_cmp expect out
'

test_expect_success 'JSON-RPC: one call, POSTed as application/json' '
	grep -F "POST /a/evm {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"} (application/json)" req.log &&
	vantage -c p.yaml sql --csv "SELECT n.url, e.block, e.error
	    FROM probe_evm e JOIN nodes n USING (run_id, node_id) ORDER BY n.url" >out &&
	cat >expect <<-EOF &&
	url,block,error
	$S/a,20,
	$S/b,,JSON-RPC error -32000: header not found
	$S/c,,HTTP 404
	$S/d,,HTTP 404
	$S/e,,HTTP 404
	EOF
	test_cmp expect out
'

test_expect_success 'JSON-RPC: a batch, answers matched by id in any order' '
	grep -F "POST /a/balances [{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"0xaa\", \"latest\"]},{\"jsonrpc\":\"2.0\",\"id\":2," req.log &&
	vantage -c p.yaml sql --csv "SELECT n.url, b.item, b.wei, b.error
	    FROM probe_balances b JOIN nodes n USING (run_id, node_id)
	    WHERE n.url IN ('"'"'$S/a'"'"', '"'"'$S/b'"'"') ORDER BY n.url, b.item" >out &&
	cat >expect <<-EOF &&
	url,item,wei,error
	$S/a,0xaa,1.0e+18,
	$S/a,0xbb,,JSON-RPC error -32602: invalid argument 0
	$S/a,0xcc,0.0,
	$S/b,0xaa,,missing from answer
	$S/b,0xbb,1.0,
	$S/b,0xcc,,missing from answer
	EOF
	test_cmp expect out
'

test_expect_success 'JSON-RPC: CometBFT status, int64 as strings' '
	vantage -c p.yaml sql --csv "SELECT n.url, c.height, c.catching_up, c.network, c.error
	    FROM probe_cmt c JOIN nodes n USING (run_id, node_id)
	    WHERE c.error IS NULL ORDER BY n.url" >out &&
	cat >expect <<-EOF &&
	url,height,catching_up,network,error
	$S/a,1262196,0,cosmoshub-4,
	$S/b,26083,1,cosmoshub-4,
	EOF
	test_cmp expect out
'

test_expect_success 'queries read the rows' '
	vantage -c p.yaml metrics >m &&
	grep "^cn_healthy{url=\"$S/a\"} 1$" m &&
	grep "^cn_healthy{url=\"$S/b\"} 0$" m &&
	test "$(grep -c "^cn_healthy{" m)" = 2
'

test_expect_success 'the json keys are checked with their place' '
	test_must_fail vantage -c p.yaml -D probes.0.accept_status.0=200 check 2>err &&
	grep "probes\[0\].accept_status\[0\]: .200. is not a status from 100 to 599 outside 2xx$" err &&
	test_must_fail vantage -c p.yaml -D probes.0.status_column=version check 2>err &&
	grep "probes\[0\].status_column: .version. is also a column of values" err &&
	test_must_fail vantage -c p.yaml -D probes.1.values.0.from=hex check 2>err &&
	grep "^-D probes.1.values.0.from=hex: probes\[1\].values\[0\].from: a hex quantity is read as type integer or real$" err
'

test_done
