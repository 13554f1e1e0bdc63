#!/bin/sh
test_description='end to end: the Audius profile against simulated networks'
. "$VT_SRC_DIR/t/test-lib.sh"

for seed in 1 2 3; do
	test_expect_success "seed $seed: every metric equals the ground truth" "
		start_simnet -s $seed -u 2000 -n 7 -f 3:down -f 5:missing \
		    -m fully_synced=40,partially_synced=15,unsynced=15,primary_missing=10,no_replica_set=10,incomplete_replica_set=10 &&
		write_config v.yaml &&
		rm -f vantage.db* &&
		vantage -c v.yaml -D crawl.connect_timeout=1s once &&
		vantage -c v.yaml metrics >m &&
		vantage-simnet compare truth.json m &&
		promtool check metrics <m &&
		stop_simnet
	"
done

test_expect_success 'statuses sum to the number of current users' '
	total=$(grep "^audius_users{" m | awk "{ s += \$2 } END { print s }") &&
	test "$total" = 2000
'

test_expect_success 'a network with no users and no faults' '
	start_simnet -s 9 -u 0 -n 3 &&
	write_config v.yaml &&
	rm -f vantage.db* &&
	vantage -c v.yaml once &&
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m &&
	grep "^audius_content_node_up{endpoint=\"http://127.0.0.1:$VT_PORT/cn/1\"} 1$" m
'

test_expect_success 'compare refuses what Prometheus would, naming the line' '
	sed "3s/\$/\r/" m >crlf &&
	test_must_fail vantage-simnet compare truth.json crlf 2>err &&
	grep "compare: crlf: line 3: carriage return at the end of the line" err &&
	{ head -n 2 m && echo "audius_users{status=\"a\",status=\"b\"} 1"; } >dup &&
	test_must_fail vantage-simnet compare truth.json dup 2>err &&
	grep "compare: dup: line 3: duplicate label name \"status\"" err &&
	{ head -n 3 m && echo "# any comment" && echo "# EOF"; } >om &&
	test_must_fail vantage-simnet compare truth.json om 2>err &&
	grep "compare: om: line 4: comment other than # HELP, # TYPE, # UNIT or # EOF" err
'

test_done
