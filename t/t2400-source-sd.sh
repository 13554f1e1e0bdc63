#!/bin/sh
test_description='discovery: Prometheus file_sd and http_sd target groups'
. "$VT_SRC_DIR/t/test-lib.sh"

H="127.0.0.1:$VT_PORT"				# vantage-simnet
S="http://127.0.0.1:$((VT_PORT + 1))"		# t/serve-files: http_sd
DOWN="127.0.0.1:$((VT_PORT + 2))"		# nothing listens there

nodes() {
	vantage -c "$1" sql --csv "SELECT node_id, url, up, labels FROM nodes
	    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY url"
}

# A profile asking each node for /health_check; one metric per node.
write_profile() {
	mkdir -p q &&
	health_query q/10-healthy.sql sd_node_healthy region region &&
	cat >"$1" <<-EOF
	store:
	  path: $TRASH/$1.db
	discovery:
	  source: $2
	  max_stale: 0
	$3
	crawl:
	  timeout: 2s
	  retries: 0
	$(health_probe)
	queries:
	  dir: q
	EOF
}

test_expect_success 'setup: a network, target files, an http_sd server' '
	start_simnet -s 24 -u 50 -n 3 &&
	mkdir -p sd h &&
	cat >sd/a.json <<-EOF &&
	[{"targets": ["$H"], "labels": {"region": "eu", "__metrics_path__": "/cn/1"}}]
	EOF
	cat >sd/b.yaml <<-EOF &&
	# written by a deploy tool
	- targets: ["$H", "$DOWN"]
	  labels:
	    region: us
	    __metrics_path__: /cn/2
	    __param_module: ignored
	EOF
	echo "not: [a list" >sd/c.yml.off &&
	cp sd/a.json h/targets &&
	echo "[]" >h/none &&
	cp sd/a.json h/texttype && echo text/plain >h/texttype.type &&
	cp sd/a.json h/charset &&
	echo "application/json; charset=utf-8" >h/charset.type &&
	echo "{\"error\": 1}" >h/broken && echo 500 >h/broken.status &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$((VT_PORT + 1)) \
	    -d h -t 300 -r req.log >serve.out 2>&1 &&
	wait_for_file serve.out &&
	write_profile f.yaml file_sd "  files: [$TRASH/sd/*.json, $TRASH/sd/*.yaml]" &&
	write_profile h.yaml http_sd "  url: $S/targets" &&
	vantage -c f.yaml check && vantage -c h.yaml check
'

test_expect_success 'file_sd: JSON and YAML files by glob are crawled and measured' '
	vantage -c f.yaml once 2>err &&
	nodes f.yaml >out &&
	cat >expect <<-EOF &&
	node_id,url,up,labels
	http://$H/cn/1,http://$H/cn/1,1,"{""region"":""eu""}"
	http://$H/cn/2,http://$H/cn/2,1,"{""region"":""us""}"
	http://$DOWN/cn/2,http://$DOWN/cn/2,0,"{""region"":""us""}"
	EOF
	test_cmp expect out &&
	vantage -c f.yaml metrics >m &&
	grep "^sd_node_healthy{url=\"http://$H/cn/1\",region=\"eu\"} 1$" m &&
	grep "^sd_node_healthy{url=\"http://$DOWN/cn/2\",region=\"us\"} 0$" m
'

test_expect_success 'file_sd: __scheme__ https' '
	sed "s#\"region\": \"eu\"#\"region\": \"eu\", \"__scheme__\": \"https\"#" \
	    sd/a.json >sd/s.json &&
	test_when_finished "rm -f sd/s.json" &&
	vantage -c f.yaml -D "discovery.files=[$TRASH/sd/s.json]" once 2>err &&
	nodes f.yaml >out &&
	grep "^https://$H/cn/1,https://$H/cn/1,0," out
'

test_expect_success 'file_sd: a malformed file fails the run, naming it' '
	mv sd/c.yml.off sd/c.yml &&
	test_when_finished "mv sd/c.yml sd/c.yml.off" &&
	test_must_fail vantage -c f.yaml -D "discovery.files=[$TRASH/sd/*.yml]" once 2>err &&
	grep "discover: file_sd: $TRASH/sd/c.yml: malformed YAML: .* at line 2 column 1$" err
'

test_expect_success 'file_sd: a glob matching nothing warns; a missing file fails' '
	vantage -c f.yaml -D "discovery.files=[$TRASH/none/*.json]" once 2>err &&
	grep "file_sd: .$TRASH/none/\*.json. matches no file" err &&
	test_must_fail vantage -c f.yaml -D "discovery.files=[$TRASH/none.json]" once 2>err &&
	grep "discover: file_sd: $TRASH/none.json: No such file or directory$" err &&
	test_must_fail vantage -c f.yaml -D "discovery.files=[$TRASH/sd/a.txt]" once 2>err &&
	grep "must end in .json, .yml or .yaml" err
'

test_expect_success 'http_sd: 200 and application/json is crawled and measured' '
	vantage -c h.yaml once 2>err &&
	nodes h.yaml >out &&
	cat >expect <<-EOF &&
	node_id,url,up,labels
	http://$H/cn/1,http://$H/cn/1,1,"{""region"":""eu""}"
	EOF
	test_cmp expect out &&
	vantage -c h.yaml metrics >m &&
	grep "^sd_node_healthy{url=\"http://$H/cn/1\",region=\"eu\"} 1$" m &&
	vantage -c h.yaml -D discovery.url=$S/charset once
'

test_expect_success 'http_sd: [] is an empty list' '
	vantage -c h.yaml -D discovery.url=$S/none once &&
	vantage -c h.yaml sql --csv "SELECT status, nodes FROM runs ORDER BY run_id DESC LIMIT 1" >out &&
	grep "^complete,0$" out
'

test_expect_success 'http_sd: another content type, an error status, no server fail' '
	test_must_fail vantage -c h.yaml -D discovery.url=$S/texttype once 2>err &&
	grep "discover: http_sd: $S/texttype: content type .text/plain., not application/json$" err &&
	test_must_fail vantage -c h.yaml -D discovery.url=$S/broken once 2>err &&
	grep "discover: http_sd: $S/broken: HTTP 500$" err &&
	test_must_fail vantage -c h.yaml -D discovery.url=$S/missing once 2>err &&
	grep "discover: http_sd: $S/missing: HTTP 404$" err &&
	test_must_fail vantage -c h.yaml -D discovery.url=http://$DOWN/ once 2>err &&
	grep "discover: http_sd: http://$DOWN/: .*onnect" err &&
	test_must_fail vantage -c h.yaml -D discovery.url=file:///etc/passwd once 2>err &&
	grep "discover: http_sd: file:///etc/passwd: " err
'

test_done
