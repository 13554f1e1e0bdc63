#!/bin/sh
test_description='jarray_length(), jarray_item(): JSON arrays that may not be one, in the store and in discovery'
. "$VT_SRC_DIR/t/test-lib.sh"

D="http://127.0.0.1:$VT_PORT"	# nothing listens there

# Values of every kind: plain integer arrays (read by vantage itself),
# arrays of anything else and non-arrays (answered by SQLite's own JSON
# functions), text that only looks like an array.
cat >cases.sql <<-\EOF
WITH c(x) AS (VALUES (NULL), (''), (' '), ('[]'), (' [ ] '), ('[1]'),
    ('[1,2]'), (' [ 1 , 2 ] '), (char(9, 10, 13) || '[3,4]' || char(10)),
    ('[2,'), ('7'), (7), (7.5), ('"s"'), ('{"a":1}'), ('[[1,2],3]'),
    ('[{"a": 1}, 2]'), ('["a\u00e9", "b\"c"]'), ('[1.5, 2e3]'),
    ('[9223372036854775807, -9223372036854775808]'),
    ('[9223372036854775808]'), ('[-9223372036854775809]'),
    ('[99999999999999999999]'), ('[-0]'), ('[01]'), ('[1,]'), ('[,1]'),
    ('[1 2]'), ('[true,false,null]'), ('[1] x'), (char(11) || '[1]'),
    (char(12) || '[5]'), (x'5b315d'), ('[1]' || char(0) || 'x'),
    ('[123456789012345678,-123456789012345678]'),
    ('[1234567890123456789]'), ('[-]'), ('[--1]'), ('[1]]'), ('[[]]'),
    ('/*c*/[1]'), ('nope'), ('["1","2"]'), (' ' || char(160) || '[1]'),
    ('[1,2,3,4,5,6]'), ('[0]'), ('[-1,-2]'), ('[1e5]'), ('[1E5,2]'),
    ('[1,"x]'), ('['), (']'), ('[null]'), ('[1,2' || char(0) || ']')),
i(i) AS (VALUES (0), (1), (2), (5), (2147483647)),
e AS (SELECT x, i, jarray_length(x) AS len, jarray_item(x, i) AS item,
    CASE WHEN json_valid(x) AND json_type(x) = 'array'
         THEN json_array_length(x) END AS elen,
    CASE WHEN json_valid(x) AND json_type(x) = 'array'
         THEN json_extract(x, '$[' || i || ']') END AS eitem
    FROM c, i)
EOF

cat >dn.sql <<-\EOF
CREATE TABLE ursm_content_nodes(cnode_sp_id INTEGER, endpoint TEXT, is_current INTEGER);
CREATE TABLE users(user_id INTEGER, wallet TEXT, is_current INTEGER,
    primary_id INTEGER NULL, secondary_ids TEXT NULL);
INSERT INTO ursm_content_nodes VALUES (1, 'http://127.0.0.1:9/a', 1);
INSERT INTO users VALUES (1, '0x1', 1, 1, ' [ 2 , 3 ] '), (2, '0x2', 1, 1, '[2,'),
    (3, '0x3', 1, 1, '7'), (4, '0x4', 1, 1, NULL), (5, '0x5', 1, 1, '{"a": 1}'),
    (6, '0x6', 1, 1, '["2", 3.5, 4]'), (7, '0x7', 1, 1, '[]'),
    (8, '0x8', 1, 1, '[[2], 3]'), (9, '0x9', 0, 1, '[2,3]');
EOF

test_expect_success 'setup: a store' '
	mkdir -p q &&
	cat >q/10-nodes.sql <<-\EOS &&
	-- metric: nodes
	-- help: Nodes of the run.
	SELECT count(*) AS value FROM nodes WHERE run_id = :run_id;
	EOS
	cat >p.yaml <<-EOF &&
	store:
	  path: $TRASH/vantage.db
	discovery:
	  source: static
	  nodes:
	    - url: $D/a
	crawl:
	  timeout: 2s
	  retries: 0
	probes:
	  - name: health
	    path: /health_check
	    values:
	      - {column: healthy, pointer: /data/healthy, type: boolean}
	queries:
	  dir: q
	EOF
	vantage -c p.yaml once
'

test_expect_success 'the same values, of the same types, as the json_valid ... json_extract expression' '
	vantage -c p.yaml sql --csv "$(cat cases.sql)
	    SELECT count(*) AS n,
	        sum(len IS NOT elen OR typeof(len) IS NOT typeof(elen)) AS len_diff,
	        sum(item IS NOT eitem OR typeof(item) IS NOT typeof(eitem)) AS item_diff,
	        sum(item IS NOT NULL) AS items
	    FROM e" >out &&
	printf "%s\n" n,len_diff,item_diff,items 270,0,0,41 >expect &&
	test_cmp expect out
'

test_expect_success 'integer arrays, whitespace and all; everything else NULL' '
	vantage -c p.yaml sql --csv "SELECT
	    jarray_length(char(9) || '"'[ 4 , -22 ]'"' || char(10)) AS a,
	    jarray_item('"'[ 4 , -22 ]'"', 1) AS b,
	    jarray_item('"'[-123456789012345678]'"', 0) AS c,
	    jarray_length('"'[]'"') AS d, jarray_item('"'[]'"', 0) IS NULL AS e,
	    jarray_item('"'[1,2]'"', 2) IS NULL AS f,
	    jarray_length('"'[2,'"') IS NULL AS g, jarray_length('"'7'"') IS NULL AS h,
	    jarray_length(7) IS NULL AS i, jarray_length(NULL) IS NULL AS j,
	    jarray_length('"'{\"a\": [1]}'"') IS NULL AS k,
	    jarray_item('"'[1]'"', NULL) IS NULL AS l" >out &&
	printf "%s\n" a,b,c,d,e,f,g,h,i,j,k,l \
	    2,-22,-123456789012345678,0,1,1,1,1,1,1,1,1 >expect &&
	test_cmp expect out
'

test_expect_success 'other elements as json_extract gives them: reals, text, nested JSON, huge integers' '
	vantage -c p.yaml sql --csv "SELECT
	    jarray_item('"'[1.5]'"', 0) AS a, typeof(jarray_item('"'[2.0]'"', 0)) AS b,
	    jarray_item('"'['"' || json_quote('"'x'"' || char(34) || '"'y'"') || '"']'"', 0) AS c,
	    jarray_item('"'[ [1, 2], 3]'"', 0) AS d,
	    typeof(jarray_item('"'[9223372036854775808]'"', 0)) AS e,
	    jarray_item('"'[9223372036854775807]'"', 0) AS f,
	    jarray_item('"'[true, false, null]'"', 1) AS g,
	    jarray_item('"'[1]'"', 4294967296) IS NULL AS h" >out &&
	cat >expect <<-\EOF &&
	a,b,c,d,e,f,g,h
	1.5,real,"x""y","[1,2]",real,9223372036854775807,0,1
	EOF
	test_cmp expect out
'

test_expect_success 'an index that is not an integer of 0 or more fails the query' '
	for i in -1 "'"'0'"'" 0.5 "x'"'00'"'"; do
		test_must_fail vantage -c p.yaml sql "SELECT jarray_item('"'[1]'"', $i)" 2>err &&
		grep "jarray_item: the index must be an integer, 0 or more" err || return 1
	done
'

test_expect_success 'three thousand rows, a third read by SQLite, in one statement' '
	vantage -c p.yaml sql --csv "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL
	    SELECT n + 1 FROM s WHERE n < 2999),
	    v AS (SELECT n, CASE n % 3 WHEN 0 THEN json_array(n, n + 1)
	        WHEN 1 THEN json_array(printf('"'%d'"', n), n + 1)
	        ELSE printf('"'[%d,'"', n) END AS x FROM s)
	    SELECT sum(jarray_length(x)), sum(jarray_item(x, 1) = n + 1),
	        sum(jarray_item(x, 0) IS n), sum(typeof(jarray_item(x, 0)) = '"'text'"'),
	        count(jarray_length(x)) FROM v" >out &&
	tail -n 1 out >got &&
	echo 4000,2000,1000,1000,2000 >expect &&
	test_cmp expect got
'

test_expect_success 'discovery queries have them: the Audius profile reads every shape' '
	write_config v.yaml &&
	sqlite3 dn.db <dn.sql &&
	vantage -c v.yaml -D crawl.retries=0 -D crawl.connect_timeout=500ms once &&
	vantage -c v.yaml sql --csv "SELECT user_id, secondary_count AS n,
	    secondary1_id AS s1, typeof(secondary1_id) AS t1, secondary2_id AS s2
	    FROM users ORDER BY user_id" >out &&
	cat >expect <<-\EOF &&
	user_id,n,s1,t1,s2
	1,2,2,integer,3
	2,,,null,
	3,,,null,
	4,,,null,
	5,,,null,
	6,3,2,text,3.5
	7,0,,null,
	8,2,[2],text,3
	EOF
	test_cmp expect out
'

test_done
