#!/bin/sh
test_description='probes: items_scope run gives every node its items from one scan'
. "$VT_SRC_DIR/t/test-lib.sh"

S="http://127.0.0.1:$VT_PORT"

# Three nodes answering every wallet's clock (serve-files answers a POST
# with the file, whatever was asked: the request log shows what was).
write_nodes() {
	for n in a b c; do
		mkdir -p www/$n &&
		printf '{"data": {"users": [%s]}}\n' \
		    '{"walletPublicKey": "0xaa", "clock": 1},
		     {"walletPublicKey": "0xbb", "clock": 2},
		     {"walletPublicKey": "0xcc", "clock": 3},
		     {"walletPublicKey": "0xdd", "clock": 4},
		     {"walletPublicKey": "0xee", "clock": 5},
		     {"walletPublicKey": "0xff", "clock": 6}' >www/$n/clock ||
		return 1
	done
}

# Users in no order, as a discovery table is after years of updates:
# node 1 is a, 2 is b, 3 is c; 9 and the text '1' are no node of the run.
make_dn() {
	rm -f dn.db &&
	sqlite3 dn.db "
	CREATE TABLE nodes(id INTEGER, url TEXT);
	INSERT INTO nodes VALUES (1, '$S/a'), (2, '$S/b'), (3, '$S/c');
	CREATE TABLE users(user_id, wallet, p, s1, s2);
	INSERT INTO users VALUES
	    (40, '0xdd', 2, 1, 3),
	    (10, '0xaa', 1, 2, 3),
	    (30, '0xcc', 1, 3, 3),
	    (20, '0xbb', 9, '1', 1),
	    (50, NULL, 1, 2, 3),
	    (10, '0xee', 2, NULL, NULL),
	    (NULL, '0xff', 1, 2, 3),
	    (60, '0xff', 3, NULL, 2),
	    (-5, '0x11', 1, NULL, NULL);"
}

write_profile() {
	mkdir -p q &&
	cat >q/10-clocks.sql <<-\EOF &&
	-- metric: clocks
	-- type: gauge
	-- help: Clock rows per node.
	SELECT n.url, count(c.item) AS value
	FROM nodes n LEFT JOIN probe_clock c
	    ON c.run_id = n.run_id AND c.node_id = n.node_id
	WHERE n.run_id = :run_id GROUP BY n.url;
	EOF
	cat >p.yaml <<-EOF
	store:
	  path: $TRASH/p.db
	discovery:
	  path: $TRASH/dn.db
	  nodes: SELECT id AS node_id, url FROM nodes
	  tables:
	    - name: users
	      query: SELECT user_id, wallet, p, s1, s2 FROM users
	crawl:
	  timeout: 2s
	  retries: 0
	probes:
	  - name: clock
	    method: POST
	    path: /clock
	    items_scope: run
	    items: |
	      SELECT wallet, user_id, p AS node_id, s1 AS node_id, s2 AS node_id
	      FROM users WHERE run_id = :run_id
	    batch: ${1:-1000}
	    body: '{"walletPublicKeys": {{items}}}'
	    rows: /data/users
	    key: /walletPublicKey
	    values:
	      - {column: clock, pointer: /clock, type: integer}
	queries:
	  dir: q
	EOF
}

test_expect_success 'setup' '
	write_nodes &&
	make_dn &&
	write_profile &&
	bg_start "$VT_BUILD_DIR/t/serve-files" -l 127.0.0.1:$VT_PORT -d www -t 120 \
	    -r req.log >sf.out 2>&1 &&
	poll 100 has_line listening sf.out &&
	vantage -c p.yaml check
'

test_expect_success 'each node is asked the items of the rows naming it, by key, each once' '
	vantage -c p.yaml once 2>err &&
	grep "probe clock: 1 items with a NULL key; skipped" err &&
	sed -n "s#^POST /\([abc]\)/clock \(.*\) (application/json)\$#\1 \2#p" \
	    req.log | sort >out &&
	cat >expect <<-\EOF &&
	a {"walletPublicKeys": ["0x11","0xaa","0xbb","0xcc","0xdd"]}
	b {"walletPublicKeys": ["0xaa","0xdd","0xff"]}
	c {"walletPublicKeys": ["0xaa","0xcc","0xdd","0xff"]}
	EOF
	test_cmp expect out
'

test_expect_success 'the rows keep the key, the first row of a key wins' '
	vantage -c p.yaml sql --csv "SELECT n.url, c.item, typeof(c.item), c.clock
	    FROM probe_clock c JOIN nodes n USING (run_id, node_id)
	    ORDER BY n.url, c.item" >out &&
	cat >expect <<-EOF &&
	url,item,typeof(c.item),clock
	$S/a,-5,integer,
	$S/a,10,integer,1
	$S/a,20,integer,2
	$S/a,30,integer,3
	$S/a,40,integer,4
	$S/b,10,integer,1
	$S/b,40,integer,4
	$S/b,60,integer,6
	$S/c,10,integer,1
	$S/c,30,integer,3
	$S/c,40,integer,4
	$S/c,60,integer,6
	EOF
	test_cmp expect out &&
	vantage -c p.yaml sql --csv "SELECT url, items FROM nodes ORDER BY url" >out &&
	printf "url,items\n$S/a,5\n$S/b,3\n$S/c,4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'batches follow the order of the keys' '
	write_profile 2 &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /a/clock \(.*\) (application/json)\$#\1#p" req.log |
	    sort >out &&
	cat >expect <<-\EOF &&
	{"walletPublicKeys": ["0x11","0xaa"]}
	{"walletPublicKeys": ["0xbb","0xcc"]}
	{"walletPublicKeys": ["0xdd"]}
	EOF
	test_cmp expect out
'

test_expect_success 'text keys sort after integers, as the probe table does' '
	sqlite3 dn.db "UPDATE users SET user_id = '"'u'"' || user_id WHERE user_id = 30;
	    INSERT INTO users VALUES (5, '"'0x55'"', 1, NULL, NULL)" &&
	write_profile &&
	: >req.log &&
	vantage -c p.yaml once &&
	grep -F "POST /a/clock {\"walletPublicKeys\": [\"0x11\",\"0x55\",\"0xaa\",\"0xbb\",\"0xdd\",\"0xcc\"]}" req.log
'

# Addresses ("0x" and 40 lowercase hex digits) are held as their bytes:
# every item still goes out exactly as the table wrote it.
h=0123456789abcdef0123456789abcdef01234567
test_expect_success 'addresses and near-addresses are sent as written' '
	sqlite3 dn.db "INSERT INTO users VALUES
	    (100, '"'0x$h'"', 3, NULL, NULL),
	    (101, '"'0x0000000000000000000000000000000000000000'"', 3, NULL, NULL),
	    (102, '"'0x0123456789ABCDEF0123456789abcdef01234567'"', 3, NULL, NULL),
	    (103, '"'0x${h}8'"', 3, NULL, NULL),
	    (104, '"'0x0123456789abcdef0123456789abcdef0123456g'"', 3, NULL, NULL),
	    (105, '"'0X$h'"', 3, NULL, NULL)" &&
	write_profile &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /c/clock \(.*\) (application/json)\$#\1#p" req.log >out &&
	cat >expect <<-EOF &&
	{"walletPublicKeys": ["0xaa","0xdd","0xff","0x$h","0x0000000000000000000000000000000000000000","0x0123456789ABCDEF0123456789abcdef01234567","0x${h}8","0x0123456789abcdef0123456789abcdef0123456g","0X$h","0xcc"]}
	EOF
	test_cmp expect out
'

test_expect_success 'the query must name the nodes in node_id columns, without :node_id' '
	write_profile &&
	sed -i "s/s2 AS node_id/s2 AS other/" p.yaml &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "probe clock: with items_scope run, the items query yields the item, optionally its key, then one or more columns named node_id" err &&
	write_profile &&
	sed -i "s/WHERE run_id = :run_id/WHERE run_id = :run_id AND p = :node_id/" p.yaml &&
	test_must_fail vantage -c p.yaml once 2>err &&
	grep "probe clock: with items_scope run, the items query runs once a run: it has no :node_id" err
'

test_expect_success 'items_scope run without items is a configuration error' '
	write_profile &&
	sed -i "/^    items: |/,/^      FROM users/d" p.yaml &&
	test_must_fail vantage -c p.yaml check 2>err &&
	grep "p.yaml:[0-9]*:[0-9]*: probes\[0\].items_scope: run needs an items query" err
'

test_expect_success 'real node ids: a row names a node when SQL finds them equal' '
	write_profile &&
	sqlite3 dn.db "DELETE FROM users; UPDATE nodes SET id = 0.1 + 0.2 WHERE id = 3;
	    INSERT INTO users VALUES (1, '"'0xaa'"', 0.3, NULL, NULL),
	        (2, '"'0xbb'"', 0.1 + 0.2, NULL, NULL), (3, '"'0xcc'"', 2.0, 0.3, 2)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /\([abc]\)/clock \(.*\) (application/json)\$#\1 \2#p" \
	    req.log | sort >out &&
	cat >expect <<-\EOF &&
	b {"walletPublicKeys": ["0xcc"]}
	c {"walletPublicKeys": ["0xbb"]}
	EOF
	test_cmp expect out
'

test_expect_success 'real node ids past 2^53: a real names the integer it equals, up to 2^63' '
	write_profile &&
	test_when_finished "sqlite3 dn.db \"UPDATE nodes SET id = 2
	    WHERE url LIKE '"'%/b'"'; UPDATE nodes SET id = 0.1 + 0.2
	    WHERE url LIKE '"'%/c'"'\"" &&
	sqlite3 dn.db "DELETE FROM users;
	    UPDATE nodes SET id = 9210000000000000000 WHERE url LIKE '"'%/c'"';
	    UPDATE nodes SET id = -9223372036854775808 WHERE url LIKE '"'%/b'"';
	    INSERT INTO users VALUES (1, '"'0xaa'"', 9.21e18, NULL, NULL),
	        (2, '"'0xbb'"', -9.223372036854775808e18, NULL, NULL),
	        (3, '"'0xcc'"', 9.2233720368547758e18, NULL, NULL)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /\([abc]\)/clock \(.*\) (application/json)\$#\1 \2#p" \
	    req.log | sort >out &&
	cat >expect <<-\EOF &&
	b {"walletPublicKeys": ["0xbb"]}
	c {"walletPublicKeys": ["0xaa"]}
	EOF
	test_cmp expect out
'

test_expect_success 'a key and its text are one key, as with items_scope node: the first row wins' '
	write_profile &&
	sqlite3 dn.db "DELETE FROM users; UPDATE nodes SET id = 3 WHERE url LIKE '"'%/c'"';
	    INSERT INTO users VALUES ('"'7'"', '"'0xbb'"', 1, NULL, NULL),
	        (7, '"'0xaa'"', 1, 2, NULL), (-8, '"'0xcc'"', 2, NULL, NULL),
	        ('"'-8'"', '"'0xdd'"', 2, NULL, NULL), ('"'07'"', '"'0xee'"', 1, NULL, NULL)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /\([abc]\)/clock \(.*\) (application/json)\$#\1 \2#p" \
	    req.log | sort >out &&
	cat >expect <<-\EOF &&
	a {"walletPublicKeys": ["0xee","0xbb"]}
	b {"walletPublicKeys": ["0xcc","0xaa"]}
	EOF
	test_cmp expect out &&
	vantage -c p.yaml sql --csv "SELECT n.url, c.item, typeof(c.item)
	    FROM probe_clock c JOIN nodes n USING (run_id, node_id)
	    WHERE run_id = (SELECT max(run_id) FROM runs)
	    ORDER BY n.url, c.item" >out &&
	cat >expect <<-EOF &&
	url,item,typeof(c.item)
	$S/a,07,text
	$S/a,7,text
	$S/b,-8,integer
	$S/b,7,integer
	EOF
	test_cmp expect out
'

test_expect_success 'keys in ascending order, one of them twice: the first row of it wins' '
	write_profile &&
	sqlite3 dn.db "DELETE FROM users; UPDATE nodes SET id = 3 WHERE url LIKE '"'%/c'"';
	    INSERT INTO users VALUES (1, '"'0xaa'"', 1, 2, NULL),
	        (2, '"'0xbb'"', 1, NULL, NULL), (2, '"'0xcc'"', 1, 2, NULL),
	        (3, '"'0xdd'"', 1, NULL, 2), (9, '"'0xee'"', 3, NULL, NULL),
	        (8, '"'0xff'"', 3, NULL, NULL)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /\([abc]\)/clock \(.*\) (application/json)\$#\1 \2#p" \
	    req.log | sort >out &&
	cat >expect <<-\EOF &&
	a {"walletPublicKeys": ["0xaa","0xbb","0xdd"]}
	b {"walletPublicKeys": ["0xaa","0xcc","0xdd"]}
	c {"walletPublicKeys": ["0xff","0xee"]}
	EOF
	test_cmp expect out
'

# The body is written from the run's items in place, unless one needs an
# escape: then as probe_body writes it, the answer still matched to it.
test_expect_success 'an item JSON escapes goes out escaped, the batch as written' '
	write_profile &&
	sqlite3 dn.db "DELETE FROM users; UPDATE nodes SET id = 3 WHERE url LIKE '"'%/c'"';
	    INSERT INTO users VALUES (1, '"'0x$h'"', 3, NULL, NULL),
	        (2, '"'0xaa'"', 3, NULL, NULL), (3, '"'say \\\"hi\\\" \\\\ \\\\n'"', 3, NULL, NULL),
	        (4, 17, 3, NULL, NULL), (5, '"'0xcc'"', 3, NULL, NULL)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /c/clock \(.*\) (application/json)\$#\1#p" req.log >out &&
	cat >expect <<-EOF &&
	{"walletPublicKeys": ["0x$h","0xaa","say \\"hi\\" \\\\ \\\\n",17,"0xcc"]}
	EOF
	test_cmp expect out &&
	vantage -c p.yaml sql --csv "SELECT c.item, c.clock FROM probe_clock c
	    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY c.item" >out &&
	cat >expect <<-\EOF &&
	item,clock
	1,
	2,1
	3,
	4,
	5,3
	EOF
	test_cmp expect out
'

test_expect_success 'every hex digit on either side of a byte goes out as written' '
	write_profile &&
	sqlite3 dn.db "DELETE FROM users; UPDATE nodes SET id = 3 WHERE url LIKE '"'%/c'"';
	    INSERT INTO users VALUES
	        (1, '"'0x1032547698badcfe1032547698badcfe10325476'"', 3, NULL, NULL),
	        (2, '"'0xffffffffffffffffffffffffffffffffffffffff'"', 3, NULL, NULL),
	        (3, '"'0x09a0f990af0a9f00fa9f09a0f990af0a9f00fa9f'"', 3, NULL, NULL)" &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /c/clock \(.*\) (application/json)\$#\1#p" req.log >out &&
	cat >expect <<-\EOF &&
	{"walletPublicKeys": ["0x1032547698badcfe1032547698badcfe10325476","0xffffffffffffffffffffffffffffffffffffffff","0x09a0f990af0a9f00fa9f09a0f990af0a9f00fa9f"]}
	EOF
	test_cmp expect out
'

# In place too: bytes past 0x7f, valid UTF-8 or not, a real (as its
# text), an empty string; nothing in them is escaped.
test_expect_success 'non-ASCII, invalid UTF-8, a real and an empty item go out as written' '
	write_profile &&
	printf "DELETE FROM users; UPDATE nodes SET id = 3 WHERE url LIKE \047%%/c\047;
	    INSERT INTO users VALUES (1, \0470x$h\047, 3, NULL, NULL),
	        (2, \047caf\303\251 \342\234\223\047, 3, NULL, NULL),
	        (3, CAST(X\04741FF42C3\047 AS TEXT), 3, NULL, NULL),
	        (4, 1.5, 3, NULL, NULL), (5, \047\047, 3, NULL, NULL),
	        (6, \0470xcc\047, 3, NULL, NULL);\n" >u.sql &&
	sqlite3 dn.db <u.sql &&
	: >req.log &&
	vantage -c p.yaml once &&
	sed -n "s#^POST /c/clock \(.*\) (application/json)\$#\1#p" req.log >out &&
	printf "{\"walletPublicKeys\": [\"0x$h\",\"caf\303\251 \342\234\223\",\"A\377B\303\",\"1.5\",\"\",\"0xcc\"]}\n" >expect &&
	test_cmp expect out &&
	vantage -c p.yaml sql --csv "SELECT c.item, c.clock FROM probe_clock c
	    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY c.item" >out &&
	printf "item,clock\n1,\n2,\n3,\n4,\n5,\n6,3\n" >expect &&
	test_cmp expect out
'

test_done
