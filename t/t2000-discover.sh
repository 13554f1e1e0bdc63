#!/bin/sh
test_description='discovery: the node list and index tables of a run'
. "$VT_SRC_DIR/t/test-lib.sh"

D="127.0.0.1:$((VT_PORT + 2))"	# nothing listens there

make_dn() {
	rm -f dn.db &&
	sqlite3 dn.db "
	CREATE TABLE ursm_content_nodes(cnode_sp_id INTEGER, endpoint TEXT, is_current INTEGER);
	CREATE TABLE users(user_id INTEGER, wallet TEXT, is_current INTEGER, primary_id INTEGER NULL, secondary_ids TEXT NULL);
	$1"
}

test_expect_success 'a missing discovery database fails the run, naming it' '
	write_config v.yaml &&
	test_must_fail vantage -c v.yaml -D discovery.path=$TRASH/nope.db once 2>err &&
	grep "discover: $TRASH/nope.db: unable to open database file" err &&
	vantage -c v.yaml sql "SELECT status, error FROM runs" >out &&
	grep "^failed,discover: .*nope.db: unable to open database file (no earlier node list to keep)$" out
'

test_expect_success 'a node query without node_id and url is refused' '
	write_config v.yaml &&
	make_dn "" &&
	test_must_fail vantage -c v.yaml -D "discovery.nodes=SELECT 1 AS id" once 2>err &&
	grep "the query must yield columns node_id and url" err
'

test_expect_success 'nodes with unusable urls get every item answered with the reason' '
	write_config v.yaml &&
	make_dn "
	INSERT INTO ursm_content_nodes VALUES (1, '"''"', 1), (2, '"'ftp://x'"', 1), (3, '"'http://127.0.0.1:$((VT_PORT+2))'"', 0);
	INSERT INTO users VALUES (10, '"'0xaa'"', 1, 1, '"'[2,1]'"');
	INSERT INTO users VALUES (11, '"'0xbb'"', 0, 1, '"'[2,1]'"');" &&
	vantage -c v.yaml once &&
	vantage -c v.yaml sql --csv "SELECT node_id, url, up, last_error FROM nodes ORDER BY node_id" >out &&
	cat >expect <<-\EOM &&
	node_id,url,up,last_error
	1,,0,invalid url '"''"'
	2,ftp://x,0,invalid url '"'ftp://x'"'
	EOM
	test_cmp expect out &&
	vantage -c v.yaml sql --csv "SELECT node_id, item, clock, error FROM probe_clock ORDER BY node_id" >out &&
	cat >expect <<-\EOM &&
	node_id,item,clock,error
	1,10,,invalid url '"''"'
	2,10,,invalid url '"'ftp://x'"'
	EOM
	test_cmp expect out
'

test_expect_success 'node urls with a query, a fragment or user info are refused with the reason' '
	write_config v2.yaml &&
	sed -i "s#$TRASH/vantage.db#$TRASH/v2.db#" v2.yaml &&
	make_dn "
	INSERT INTO ursm_content_nodes VALUES (4, '"'http://$D/internal?'"', 1),
	    (5, '"'http://$D/x#frag'"', 1), (6, '"'http://user:pw@$D'"', 1),
	    (7, '"'http://$D@127.0.0.2:$((VT_PORT + 2))'"', 1);
	INSERT INTO users VALUES (12, '"'0xcc'"', 1, 4, '"'[5,6]'"'),
	    (13, '"'0xdd'"', 1, 7, '"'[]'"');" &&
	vantage -c v2.yaml once &&
	vantage -c v2.yaml sql --csv "SELECT node_id, up, last_error FROM nodes ORDER BY node_id" >out &&
	cat >expect <<-EOM &&
	node_id,up,last_error
	4,0,invalid url '"'http://$D/internal?'"': has a query or fragment
	5,0,invalid url '"'http://$D/x#frag'"': has a query or fragment
	6,0,invalid url '"'http://user:pw@$D'"': has user info (user@host)
	7,0,invalid url '"'http://$D@127.0.0.2:$((VT_PORT + 2))'"': has user info (user@host)
	EOM
	test_cmp expect out &&
	vantage -c v2.yaml sql --csv "SELECT node_id, item, clock, error FROM probe_clock ORDER BY node_id" >out &&
	cat >expect <<-EOM &&
	node_id,item,clock,error
	4,12,,invalid url '"'http://$D/internal?'"': has a query or fragment
	5,12,,invalid url '"'http://$D/x#frag'"': has a query or fragment
	6,12,,invalid url '"'http://user:pw@$D'"': has user info (user@host)
	7,13,,invalid url '"'http://$D@127.0.0.2:$((VT_PORT + 2))'"': has user info (user@host)
	EOM
	test_cmp expect out
'

test_expect_success 'only current users are copied, with their secondaries parsed' '
	vantage -c v.yaml sql --csv "SELECT user_id, wallet, primary_id, secondary_count, secondary1_id, secondary2_id FROM users" >out &&
	cat >expect <<-\EOM &&
	user_id,wallet,primary_id,secondary_count,secondary1_id,secondary2_id
	10,0xaa,1,2,2,1
	EOM
	test_cmp expect out
'

test_expect_success 'malformed secondary_ids make an incomplete replica set, not a failed run' '
	write_config v.yaml &&
	rm -f vantage.db* &&
	make_dn "
	INSERT INTO ursm_content_nodes VALUES (1, '"'http://127.0.0.1:9/a'"', 1);
	INSERT INTO users VALUES (1, '"'0x1'"', 1, 1, '"'[2,'"');
	INSERT INTO users VALUES (2, '"'0x2'"', 1, 1, '"'7'"');
	INSERT INTO users VALUES (3, '"'0x3'"', 1, NULL, NULL);" &&
	vantage -c v.yaml -D crawl.retries=0 -D crawl.connect_timeout=500ms once &&
	vantage -c v.yaml metrics >m &&
	grep "^audius_users{status=\"incomplete_replica_set\"} 2$" m &&
	grep "^audius_users{status=\"no_replica_set\"} 1$" m
'

test_expect_success 'a node listed twice is kept once, with a warning' '
	write_config v.yaml &&
	rm -f vantage.db* &&
	make_dn "
	INSERT INTO ursm_content_nodes VALUES (1, '"'http://127.0.0.1:9/a'"', 1), (1, '"'http://127.0.0.1:9/b'"', 1);" &&
	vantage -c v.yaml -D crawl.retries=0 once 2>err &&
	grep "node 1 listed twice; the first row is kept" err &&
	vantage -c v.yaml sql --csv "SELECT count(*) AS n, min(url) AS url FROM nodes" >out &&
	printf "n,url\n1,http://127.0.0.1:9/a\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an endpoint registered twice is one node, and never fails a run' '
	write_config v.yaml &&
	rm -f vantage.db* &&
	make_dn "
	INSERT INTO ursm_content_nodes VALUES (1, '"'http://127.0.0.1:9/a'"', 1), (2, '"'http://127.0.0.1:9/a'"', 1), (3, '"'http://127.0.0.1:9/b'"', 1);
	INSERT INTO users VALUES (1, '"'0x1'"', 1, 2, '"'[1,3]'"');" &&
	vantage -c v.yaml -D crawl.retries=0 once &&
	vantage -c v.yaml metrics >m &&
	test $(grep -c "^audius_content_node_up{" m) = 2 &&
	grep "^audius_users{status=\"incomplete_replica_set\"} 1$" m
'

test_expect_success 'a nodes query yielding one url twice keeps it once, with a warning' '
	vantage -c v.yaml -D crawl.retries=0 \
	    -D "discovery.nodes=SELECT cnode_sp_id AS node_id, endpoint AS url FROM ursm_content_nodes" \
	    once 2>err &&
	grep "discover: node 2: url .http://127.0.0.1:9/a. is node 1.s too; kept once" err &&
	vantage -c v.yaml sql --csv "SELECT node_id, url FROM nodes WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY node_id" >out &&
	printf "node_id,url\n1,http://127.0.0.1:9/a\n3,http://127.0.0.1:9/b\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an index table of 2,000 columns, the most SQLite allows, is refused, naming it' '
	cols=$(seq 1 1994 | sed "s/.*/1 AS x&/" | paste -s -d, -) &&
	sed "/^        SELECT user_id, wallet, primary_id,\$/a\\
        $cols," v.yaml >wide.yaml &&
	vantage -c wide.yaml once 2>err &&
	grep "discovery.tables users: the query yields 2000 columns; at most 1999; keeping the previous node list" err
'

test_done
