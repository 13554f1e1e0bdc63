#!/bin/sh
test_description='discovery: the static source, and a source kind per discovery section'
. "$VT_SRC_DIR/t/test-lib.sh"

N="http://127.0.0.1:$VT_PORT"
DOWN="http://127.0.0.1:$((VT_PORT + 2))"	# nothing listens there

# A small profile of its own: nodes listed in the configuration, asked
# for /health_check, and one metric per node.
write_static() {
	mkdir -p q &&
	health_query q/10-healthy.sql static_node_healthy region region &&
	cat >s.yaml <<-EOF
	store:
	  path: $TRASH/vantage.db
	discovery:
	  source: static
	  nodes:
	    - url: $N/cn/1
	      labels: {region: eu}
	    - url: $DOWN/cn/2/
	      id: second
	      labels: {region: "us \"east\""}
	    - url: $N/cn/1
	      id: again
	crawl:
	  timeout: 2s
	  retries: 0
	$(health_probe)
	queries:
	  dir: q
	EOF
}

test_expect_success 'setup' '
	start_simnet -s 2 -u 50 -n 3 &&
	write_static &&
	vantage -c s.yaml check
'

test_expect_success 'a static node list is crawled; labels and ids as listed' '
	vantage -c s.yaml once 2>err &&
	vantage -c s.yaml sql --csv "SELECT node_id, url, labels, up FROM nodes ORDER BY url" >out &&
	cat >expect <<-EOF &&
	node_id,url,labels,up
	$N/cn/1,$N/cn/1,"{""region"":""eu""}",1
	second,$DOWN/cn/2/,"{""region"":""us \\""east\\""""}",0
	EOF
	test_cmp expect out
'

test_expect_success 'a url listed twice is one node, with a warning naming both' '
	grep "discover: node again: url .$N/cn/1. is node $N/cn/1.s too; kept once" err
'

test_expect_success 'node labels reach the metrics, escaped' '
	vantage -c s.yaml metrics >m &&
	grep "^static_node_healthy{url=\"$N/cn/1\",region=\"eu\"} 1$" m &&
	grep "^static_node_healthy{url=\"$DOWN/cn/2/\",region=\"us \\\\\"east\\\\\"\"} 0$" m &&
	promtool check metrics <m
'

test_expect_success 'check -v prints the kind and its keys; -D reaches them' '
	vantage -c s.yaml check -v >out &&
	grep "^  source: static$" out &&
	grep "^    - url: \"$N/cn/1\"$" out &&
	grep "^      labels: {region: eu}$" out &&
	grep "^      labels: {region: \"us \\\\\"east\\\\\"\"}$" out &&
	vantage -c s.yaml -D discovery.nodes.1.url=http://127.0.0.1:1 check -v >out &&
	grep "^    - url: \"http://127.0.0.1:1\"$" out
'

test_expect_success 'a key of another kind is named as such' '
	test_must_fail vantage -c s.yaml -D discovery.path=dn.db check 2>err &&
	grep "^-D discovery.path=dn.db: unknown key .discovery.path. for source .static. (it is a key of source .sqlite.)$" err
'

test_done
