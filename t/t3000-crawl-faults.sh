#!/bin/sh
test_description='crawl: every fault of one node stays on that node, and every item gets a row'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'start a simulated network with one fault per node' '
	start_simnet -s 7 -u 3000 -n 10 --slow-delay 5s --oversize 2MiB \
	    -f 1:down -f 2:slow -f 3:http500 -f 4:malformed -f 5:truncated \
	    -f 6:oversized -f 7:missing -f 8:flaky &&
	write_config v.yaml
'

test_expect_success 'the run completes despite the faults' '
	vantage -c v.yaml -D crawl.max_response=1MiB -D crawl.timeout=1s once 2>err &&
	grep "run 1: complete" err
'

test_expect_success 'every exported Audius metric equals the ground truth' '
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m
'

test_expect_success 'every user naming a node has exactly one clock row there' '
	vantage -c v.yaml sql --csv "
	    WITH asked AS (
		SELECT DISTINCT n.node_id, u.user_id FROM nodes n JOIN users u
		  ON u.run_id = n.run_id AND n.node_id IN
		     (u.primary_id, u.secondary1_id, u.secondary2_id)
		WHERE n.run_id = 1 AND u.wallet IS NOT NULL)
	    SELECT (SELECT count(*) FROM asked) AS asked,
		   (SELECT count(*) FROM probe_clock WHERE run_id = 1) AS rows,
		   (SELECT count(*) FROM asked a JOIN probe_clock p
		      ON p.run_id = 1 AND p.node_id = a.node_id AND p.item = a.user_id) AS matched" >out &&
	tail -1 out >counts &&
	IFS=, read asked rows matched <counts &&
	test "$asked" -gt 0 && test "$asked" = "$rows" && test "$rows" = "$matched"
'

test_expect_success 'each fault leaves its reason on the rows of its node only' '
	vantage -c v.yaml sql --csv "
	    SELECT node_id, count(*) AS rows, count(error) AS errors,
		   max(error) AS error
	    FROM probe_clock WHERE run_id = 1 GROUP BY node_id ORDER BY node_id" >out &&
	cat out &&
	grep "^1,[0-9]*,[0-9]*,Failed to connect to 127.0.0.1 port" out &&
	grep "^2,[0-9]*,[0-9]*,timeout after 1s" out &&
	grep "^3,[0-9]*,[0-9]*,HTTP 500" out &&
	grep "^4,[0-9]*,[0-9]*,malformed answer: " out &&
	grep "^5,[0-9]*,[0-9]*,truncated answer" out &&
	grep "^6,[0-9]*,[0-9]*,answer larger than 1MiB" out &&
	grep "^7,[0-9]*,[0-9]*,missing from answer" out &&
	awk -F, "NR > 1 && \$1 <= 6 && \$2 != \$3 { exit 1 }" out &&
	awk -F, "NR > 1 && \$1 >= 8 && \$3 != 0 { exit 1 }" out &&
	awk -F, "NR > 1 && \$1 == 7 && (\$3 == 0 || \$3 == \$2) { exit 1 }" out
'

test_expect_success 'a flaky node (503 once) is retried and counts as up' '
	vantage -c v.yaml sql --csv "SELECT up, failed_requests FROM nodes
	    WHERE run_id = 1 AND node_id = 8" >out &&
	printf "up,failed_requests\n1,0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the self metrics count requests by outcome' '
	grep "^vantage_run_requests{probe=\"health\",outcome=\"ok\"} 4$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"error\"} 1$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"connect\"} 1$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"timeout\"} 1$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"http_error\"} 1$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"invalid_answer\"} 1$" m &&
	grep "^vantage_run_requests{probe=\"health\",outcome=\"too_large\"} 1$" m &&
	grep "^vantage_run_nodes{state=\"down\"} 6$" m &&
	grep "^vantage_run_nodes{state=\"up\"} 4$" m
'

test_expect_success 'the exposition passes promtool check metrics' '
	promtool check metrics <m
'

test_expect_success 'a node that keeps timing out is given up on, its items still answered' '
	rm -f vantage.db* &&
	vantage -c v.yaml -D crawl.max_response=1MiB -D crawl.timeout=1s \
	    -D crawl.retries=0 -D probes.0.batch=20 once 2>err &&
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m &&
	vantage -c v.yaml sql --csv "SELECT requests FROM nodes WHERE node_id = 2" >out &&
	requests=$(tail -n 1 out) &&
	test "$requests" -le 5 &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n FROM probe_clock WHERE node_id = 2
	    AND error = '"'node unreachable: skipped after 3 failed requests in a row'"'" >out &&
	test "$(tail -n 1 out)" -gt 500
'

test_done
