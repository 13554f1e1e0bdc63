#!/bin/sh
test_description='answer kinds: promtext turns a node'"'"'s Prometheus exposition into rows'
. "$VT_SRC_DIR/t/test-lib.sh"

S="http://127.0.0.1:$VT_PORT"

# Expositions as nodes serve them, from t/serve-files.
write_nodes() {
	mkdir -p www/a www/b www/c www/d www/e &&
	cat >www/a/metrics <<-\EOF &&
	# HELP Mina_Transition_frontier_max_blocklength_observed Longest chain seen.
	# TYPE Mina_Transition_frontier_max_blocklength_observed gauge
	Mina_Transition_frontier_max_blocklength_observed 4711
	# TYPE Mina_Network_peers gauge
	Mina_Network_peers{kind="all",note="q\"uo\\te\nnl"} 25 1700000000000
	# TYPE go_goroutines gauge
	go_goroutines 99
	Mina_Runtime_process_uptime_ms_total NaN
	EOF
	printf "text/plain; version=0.0.4; charset=utf-8" >www/a/metrics.type &&
	cat >www/b/metrics <<-\EOF &&
	# TYPE Mina_Network_peers gauge
	Mina_Network_peers{kind="all"} 7
	# TYPE Mina_Transition_frontier_max_blocklength_observed gauge
	Mina_Transition_frontier_max_blocklength_observed 4700 1700000000.5
	# EOF
	EOF
	printf "application/openmetrics-text; version=1.0.0; charset=utf-8" >www/b/metrics.type &&
	cat >www/c/metrics <<-\EOF &&
	Mina_Network_peers 3
	Mina_Network_peers{kind="all" 4
	EOF
	printf "text/plain" >www/c/metrics.type &&
	echo "<html>hello</html>" >www/d/metrics &&
	printf "text/html" >www/d/metrics.type &&
	{ i=0; while [ $i -lt 30 ]; do echo "Mina_x{i=\"$i\"} $i"; i=$((i + 1)); done; } >www/e/metrics &&
	printf "text/plain" >www/e/metrics.type
}

write_profile() {
	mkdir -p q &&
	cat >q/10-frontier.sql <<-\EOS &&
	-- metric: mina_frontier
	-- type: gauge
	-- help: Longest chain a node has seen.
	SELECT n.url, m.value
	FROM nodes n JOIN probe_metrics m
	    ON m.run_id = n.run_id AND m.node_id = n.node_id
	WHERE n.run_id = :run_id
	  AND m.metric = 'Mina_Transition_frontier_max_blocklength_observed';
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
	  retries: 0
	probes:
	  - name: metrics
	    path: /metrics
	    answer: promtext
	    keep: [Mina_*]
	    max_series: 20
	queries:
	  dir: q
	EOF
}

test_expect_success 'setup' '
	write_nodes &&
	write_profile &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$VT_PORT -d www -t 120 >sf.out 2>&1 &&
	poll 100 has_line listening sf.out &&
	vantage -c p.yaml check
'

test_expect_success 'a run keeps the kept samples of every node, one row each' '
	vantage -c p.yaml once 2>err &&
	vantage -c p.yaml sql --csv "SELECT n.url, m.item, m.metric, m.labels, m.value, m.timestamp
	    FROM probe_metrics m JOIN nodes n USING (run_id, node_id)
	    WHERE m.error IS NULL ORDER BY n.url, m.item" >out &&
	cat >expect <<-EOF &&
	url,item,metric,labels,value,timestamp
	$S/a,"Mina_Network_peers{kind=""all"",note=""q\\""uo\\\\te\\nnl""}",Mina_Network_peers,"{""kind"":""all"",""note"":""q\\""uo\\\\te\\u000anl""}",25.0,1700000000000
	$S/a,Mina_Runtime_process_uptime_ms_total,Mina_Runtime_process_uptime_ms_total,{},,
	$S/a,Mina_Transition_frontier_max_blocklength_observed,Mina_Transition_frontier_max_blocklength_observed,{},4711.0,
	$S/b,"Mina_Network_peers{kind=""all""}",Mina_Network_peers,"{""kind"":""all""}",7.0,
	$S/b,Mina_Transition_frontier_max_blocklength_observed,Mina_Transition_frontier_max_blocklength_observed,{},4700.0,1700000000500
	EOF
	test_cmp expect out
'

test_expect_success 'a bad line, a wrong type or too many series reject the node'"'"'s whole answer' '
	vantage -c p.yaml sql --csv "SELECT n.url, m.item, m.error FROM probe_metrics m
	    JOIN nodes n USING (run_id, node_id) WHERE m.error IS NOT NULL ORDER BY n.url" >out &&
	cat >expect <<-EOF &&
	url,item,error
	$S/c,,"malformed answer: line 2: expected a comma or } after a label"
	$S/d,,malformed answer: Content-Type '"'"'text/html'"'"' is not a Prometheus exposition
	$S/e,,malformed answer: more than 20 series kept (answer max_series)
	EOF
	sed "s/line 2: .*\"$/line 2: X\"/" out >out2 && sed "s/line 2: .*\"$/line 2: X\"/" expect >expect2 &&
	test_cmp expect2 out2 &&
	grep "^$S/c,,\"malformed answer: line 2: " out &&
	vantage -c p.yaml sql --csv "SELECT url, up FROM nodes ORDER BY url" >out &&
	printf "url,up\n$S/a,1\n$S/b,1\n$S/c,0\n$S/d,0\n$S/e,0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'queries read the rows: the exposition shows them' '
	vantage -c p.yaml metrics >m &&
	grep "^mina_frontier{url=\"$S/a\"} 4711$" m &&
	grep "^mina_frontier{url=\"$S/b\"} 4700$" m &&
	test "$(grep -c "^mina_frontier{" m)" = 2
'

test_expect_success 'answer keys are checked per kind' '
	test_must_fail vantage -c p.yaml -D probes.0.rows=/x check 2>err &&
	grep "unknown key .probes\[0\].rows. for answer .promtext. (it is a key of answer .json.)" err &&
	test_must_fail vantage -c p.yaml -D "probes.0.items=SELECT 1" check 2>err &&
	grep "probes\[0\].items: only answer: json asks about items" err
'

test_expect_success 'a series given twice keeps its first sample, whatever the order of its labels' '
	mkdir -p www/f &&
	cat >www/f/metrics <<-\EOF &&
	# TYPE Mina_dup gauge
	Mina_dup{b="2",a="1"} 1
	Mina_dup 3
	Mina_dup{a="1",b="2"} 2
	Mina_dup 4
	Mina_other{z="",y="x"} 5
	EOF
	printf "text/plain" >www/f/metrics.type &&
	cat >f.yaml <<-EOF &&
	store:
	  path: $TRASH/f.db
	discovery:
	  source: static
	  nodes:
	    - {url: $S/f}
	probes:
	  - name: metrics
	    path: /metrics
	    answer: promtext
	queries:
	  dir: q
	EOF
	vantage -c f.yaml once &&
	vantage -c f.yaml sql --csv "SELECT item, metric, labels, value FROM probe_metrics
	    ORDER BY item" >out &&
	cat >expect <<-\EOF &&
	item,metric,labels,value
	Mina_dup,Mina_dup,{},3.0
	"Mina_dup{a=""1"",b=""2""}",Mina_dup,"{""a"":""1"",""b"":""2""}",1.0
	"Mina_other{y=""x""}",Mina_other,"{""y"":""x""}",5.0
	EOF
	test_cmp expect out &&
	vantage -c f.yaml sql --csv "SELECT url, up FROM nodes" >out &&
	printf "url,up\n$S/f,1\n" >expect &&
	test_cmp expect out
'

test_done
