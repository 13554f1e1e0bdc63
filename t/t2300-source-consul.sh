#!/bin/sh
test_description='discovery: the consul source, against answers of HashiCorp'"'"'s API double'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"			# vantage-simnet
C="http://127.0.0.1:$((VT_PORT + 1))"		# t/serve-files: Consul
TLS="127.0.0.1:$((VT_PORT + 2))"		# t/serve-files over TLS
SVC=v1/health/service

# The nodes of the latest run, one "node_id,url" line each.
nodes() {
	vantage -c p.yaml sql --csv "SELECT node_id, url FROM nodes
	    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY node_id"
}

# A profile that reads Consul and asks nothing: only discovery is tested.
write_profiles() {
	mkdir -p q qe &&
	cat >q/10-nodes.sql <<-\EOS &&
	-- metric: consul_nodes
	-- type: gauge
	-- help: Nodes discovered.
	SELECT count(*) AS value FROM nodes WHERE run_id = :run_id;
	EOS
	health_query qe/10-healthy.sql consul_node_healthy region service_metadata_region &&
	cat >p.yaml <<-EOF &&
	store:
	  path: $TRASH/p.db
	discovery:
	  source: consul
	  max_stale: 0
	  server: $C
	  services: [web]
	  token_file: $TRASH/token
	  timeout: 5s
	queries:
	  dir: q
	EOF
	cat >e.yaml <<-EOF
	store:
	  path: $TRASH/e.db
	discovery:
	  source: consul
	  max_stale: 0
	  server: $C/
	  services: [content]
	  token_file: $TRASH/token
	  path: /cn/1
	crawl:
	  timeout: 2s
	  retries: 0
	$(health_probe)
	queries:
	  dir: qe
	EOF
}

# An answer naming a content node of the simulated network: one instance
# passing (its Service.Address empty, so Node.Address is used), one critical.
write_content() {
	cat >c/$SVC/content <<-EOF
	[{"Node": {"ID": "7037e928-d9e8-3b58-4712-6f5ded209002", "Node": "node-0",
	  "Address": "127.0.0.1", "Datacenter": "dc1",
	  "TaggedAddresses": {"lan": "127.0.0.1", "wan": "127.0.0.1"},
	  "Meta": {"content-network-segment": ""}, "CreateIndex": 5, "ModifyIndex": 6},
	  "Service": {"ID": "content-with-id", "Service": "content", "Tags": ["cn"],
	  "Meta": {"region": "eu", "external-source": "nomad"}, "Address": "",
	  "Port": $VT_PORT, "Proxy": {}, "ProxyDestination": "",
	  "EnableTagOverride": false, "CreateIndex": 5, "ModifyIndex": 5},
	  "Checks": [{"Node": "node-0", "CheckID": "serfHealth", "Name": "Serf Health Status",
	  "Status": "passing", "Notes": "", "Output": "Agent alive and reachable",
	  "ServiceID": "", "ServiceName": "", "ServiceTags": []}]},
	 {"Node": {"ID": "8037e928-d9e8-3b58-4712-6f5ded209003", "Node": "node-1",
	  "Address": "127.0.0.1", "Datacenter": "dc1", "Meta": {}},
	  "Service": {"ID": "content-ID", "Service": "content", "Tags": ["cn"],
	  "Meta": {}, "Address": "127.0.0.2", "Port": $VT_PORT},
	  "Checks": [{"Node": "node-1", "CheckID": "service:content-ID",
	  "Status": "critical", "ServiceID": "content-ID"}]}]
	EOF
}

test_expect_success 'setup: a network, a Consul double, profiles' '
	start_simnet -s 23 -u 50 -n 3 &&
	cp -R "$VT_SRC_DIR/t/fixtures/consul" c &&
	chmod -R u+w c &&
	write_content &&
	printf "  s3cr3t-token\n\n" >token &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$((VT_PORT + 1)) -d c -t 300 \
	    -r req.log -H "X-Consul-Token: s3cr3t-token" >serve.out 2>&1 &&
	wait_for_file serve.out &&
	write_profiles &&
	vantage -c p.yaml check &&
	vantage -c e.yaml check
'

test_expect_success 'end to end: the passing instance is crawled and measured' '
	vantage -c e.yaml once 2>err &&
	vantage -c e.yaml sql --csv "SELECT node_id, url, up FROM nodes" >out &&
	cat >expect <<-EOF &&
	node_id,url,up
	node-0/content-with-id,$N/cn/1,1
	EOF
	test_cmp expect out &&
	vantage -c e.yaml sql --csv "SELECT labels FROM nodes" >out &&
	cat >expect <<-\EOF &&
	labels
	"{""service"":""content"",""service_id"":""content-with-id"",""node"":""node-0"",""dc"":""dc1"",""tags"":"",cn,"",""service_metadata_region"":""eu"",""service_metadata_external_source"":""nomad"",""metadata_content_network_segment"":""""}"
	EOF
	test_cmp expect out &&
	vantage -c e.yaml metrics >m &&
	grep "^consul_node_healthy{url=\"$N/cn/1\",region=\"eu\"} 1$" m &&
	grep "^GET /$SVC/content?passing \[X-Consul-Token: s3cr3t-token\]$" req.log
'

test_expect_success 'only passing instances; Service.Address, else Node.Address' '
	vantage -c p.yaml once 2>err &&
	nodes >out &&
	cat >expect <<-EOF &&
	node_id,url
	node-0/web-with-id,http://25.14.117.221:21869
	node-1/web-ID,http://186.205.94.120:12223
	EOF
	test_cmp expect out &&
	tail -n 1 req.log >last &&
	grep "^GET /$SVC/web?passing \[X-Consul-Token: s3cr3t-token\]$" last
'

test_expect_success 'several services, a tag filter, a datacenter' '
	vantage -c p.yaml -D "discovery.services=[web, api]" \
	    -D "discovery.tags=[matrix]" -D discovery.datacenter=dc2 once &&
	nodes >out &&
	cat >expect <<-EOF &&
	node_id,url
	node-0/api-with-id,http://67.128.22.18:27483
	node-1/web-ID,http://186.205.94.120:12223
	EOF
	test_cmp expect out &&
	tail -n 2 req.log >last &&
	cat >expect <<-EOF &&
	GET /$SVC/web?passing&dc=dc2&tag=matrix [X-Consul-Token: s3cr3t-token]
	GET /$SVC/api?passing&dc=dc2&tag=matrix [X-Consul-Token: s3cr3t-token]
	EOF
	test_cmp expect last &&
	vantage -c p.yaml sql --csv "SELECT json_extract(labels, '"'"'$.tags'"'"')
	    FROM nodes WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY node_id" >out &&
	grep "^\",system,matrix,\"$" out &&
	grep "^\",matrix,alarm,\"$" out
'

test_expect_success 'the double'"'"'s own answer: every instance critical, no node' '
	vantage -c p.yaml -D "discovery.services=[double-web]" once &&
	nodes >out &&
	echo "node_id,url" >expect &&
	test_cmp expect out
'

test_expect_success 'an empty answer is an empty node list' '
	vantage -c p.yaml -D "discovery.services=[empty]" once &&
	vantage -c p.yaml sql --csv "SELECT status, nodes FROM runs ORDER BY run_id DESC LIMIT 1" >out &&
	grep "^complete,0$" out
'

test_expect_success 'HTTP 500 fails the run, naming the url and status' '
	test_must_fail vantage -c p.yaml -D "discovery.services=[web, broken]" once 2>err &&
	grep "discover: consul: $C/$SVC/broken?passing: HTTP 500$" err
'

test_expect_success 'garbage and a non-array fail the run' '
	test_must_fail vantage -c p.yaml -D "discovery.services=[garbage]" once 2>err &&
	grep "discover: consul: $C/$SVC/garbage?passing: malformed answer: " err &&
	test_must_fail vantage -c p.yaml -D "discovery.services=[notarray]" once 2>err &&
	grep "discover: consul: $C/$SVC/notarray?passing: not an array of service instances$" err
'

test_expect_success 'the token file: read at every run; missing or wrong is loud' '
	test_must_fail vantage -c p.yaml -D discovery.token_file= once 2>err &&
	grep "discover: consul: $C/$SVC/web?passing: HTTP 403$" err &&
	echo other >token &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "HTTP 403$" err &&
	tail -n 1 req.log | grep "\[X-Consul-Token: other\]$" &&
	printf "s3cr3t-token" >token &&
	vantage -c p.yaml once &&
	: >token &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "discover: consul: token file $TRASH/token: empty$" err &&
	rm token &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "discover: consul: token file $TRASH/token: No such file or directory$" err &&
	printf "s3cr3t-token\n" >token
'

test_expect_success 'an unreachable Consul fails the run' '
	test_must_fail vantage -c p.yaml -D discovery.server=http://127.0.0.1:1 once 2>err &&
	grep "discover: consul: http://127.0.0.1:1/$SVC/web?passing: .*" err
'

test_expect_success 'TLS to Consul: verified with ca_file' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test CA" \
	    -keyout ca.key -out ca.pem 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	    -keyout server.key -out server.csr 2>/dev/null &&
	printf "subjectAltName=IP:127.0.0.1\n" >san.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l $TLS -d c -t 120 -c server.pem -k server.key \
	    >tls.out 2>&1 &&
	wait_for_file tls.out &&
	vantage -c p.yaml -D discovery.server=https://$TLS \
	    -D discovery.ca_file=$TRASH/ca.pem -D discovery.token_file= once &&
	nodes >out &&
	grep "^node-0/web-with-id,http://25.14.117.221:21869$" out &&
	test_must_fail vantage -c p.yaml -D discovery.server=https://$TLS \
	    -D discovery.token_file= once 2>err &&
	grep "discover: consul: https://$TLS/$SVC/web?passing: .*certificate" err
'

test_expect_success 'configuration: services required at run time, path and server checked' '
	test_must_fail vantage -c p.yaml -D "discovery.services=[]" once 2>err &&
	grep "consul: discovery.services lists no service" err &&
	test_must_fail vantage -c p.yaml -D discovery.path=cn once 2>err &&
	grep "consul: discovery.path .cn. does not start with /" err &&
	test_must_fail vantage -c p.yaml -D discovery.scheme=ftp check 2>err &&
	grep "discovery.scheme: .ftp. is not one of http, https" err
'

test_done
