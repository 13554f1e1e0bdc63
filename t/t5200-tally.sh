#!/bin/sh
test_description='tally(): counts by value in one pass, in the writer and for readers'
. "$VT_SRC_DIR/t/test-lib.sh"

D="http://127.0.0.1:$VT_PORT"	# nothing listens there

test_expect_success 'setup: a run whose metric counts with tally' '
	mkdir -p q &&
	cat >q/10-tally.sql <<-\EOS &&
	-- metric: urls_twice
	-- help: Each node url counted from two arguments.
	SELECT value ->> 0 AS url, value ->> 1 AS value
	FROM json_each((SELECT tally(url, url) FROM nodes WHERE run_id = :run_id));
	EOS
	cat >p.yaml <<-EOF &&
	store:
	  path: $TRASH/vantage.db
	discovery:
	  source: static
	  nodes:
	    - url: $D/a
	    - url: $D/b
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
	vantage -c p.yaml once &&
	vantage -c p.yaml metrics >out &&
	grep -F "urls_twice{url=\"$D/a\"} 2" out &&
	grep -F "urls_twice{url=\"$D/b\"} 2" out
'

test_expect_success 'values in order of first occurrence, NULLs and blobs not counted' '
	cat >q.sql <<-\EOF &&
	SELECT tally(column1) FROM (VALUES (3), (NULL), (1), (3), (zeroblob(1)), (3), (1))
	EOF
	vantage -c p.yaml sql "$(cat q.sql)" | tail -n 1 >out &&
	echo "\"[[3,3],[1,2]]\"" >expect &&
	test_cmp expect out
'

test_expect_success 'types stay apart as in GROUP BY: 2.0 is 2, the text 2 is not' '
	cat >q.sql <<-\EOF &&
	SELECT tally(column1) FROM (VALUES (2), (2.0), (CAST(2 AS TEXT)), (2.5), (2.5), (char(97, 34, 98)))
	EOF
	vantage -c p.yaml sql "$(cat q.sql)" | tail -n 1 >out &&
	cat >expect <<-\EOF &&
	"[[2,2],[""2"",1],[2.5,2],[""a\""b"",1]]"
	EOF
	test_cmp expect out
'

test_expect_success 'reals apart as in GROUP BY, each written so that it reads back the same' '
	cat >q.sql <<-\EOF &&
	WITH v(i, x) AS (VALUES (0, 0.1 + 0.2), (1, 0.3), (2, 1e300), (3, -1.5e-320)),
	t AS (SELECT key, value ->> 0 AS x, value ->> 1 AS c FROM json_each((
	    SELECT tally(x) FROM (SELECT x FROM v UNION ALL SELECT 0.3))))
	SELECT t.x = v.x AS same, t.c FROM v JOIN t ON t.key = v.i ORDER BY v.i
	EOF
	vantage -c p.yaml sql --csv "$(cat q.sql)" >out &&
	printf "%s\n" "same,c" 1,1 1,2 1,1 1,1 >expect &&
	test_cmp expect out
'

test_expect_success 'no rows: an empty array; counts agree with GROUP BY' '
	vantage -c p.yaml sql --csv "SELECT tally(1) FROM nodes WHERE 0" >out &&
	printf "%s\n" "tally(1)" "[]" >expect &&
	test_cmp expect out &&
	vantage -c p.yaml sql --csv "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL
	    SELECT i + 1 FROM s WHERE i < 5000),
	    g AS (SELECT i % 37 AS k, count(*) AS c FROM s GROUP BY k),
	    t AS (SELECT value ->> 0 AS k, value ->> 1 AS c
	        FROM json_each((SELECT tally(i % 37) FROM s)))
	    SELECT count(*), sum(g.c = t.c) FROM g JOIN t USING (k)" >out &&
	printf "%s\n" "count(*),sum(g.c = t.c)" "37,37" >expect &&
	test_cmp expect out
'

test_expect_success 'tally_tuples: GROUP BY x, y with count(*), NULLs a value, types apart' '
	vantage -c p.yaml sql "SELECT tally_tuples(column1, column2) FROM (VALUES
	    (1, char(120)), (NULL, char(121)), (1, char(120)), (NULL, char(121)),
	    (1.0, char(120)), (CAST(1 AS TEXT), char(120)), (2.5, NULL),
	    (1, char(34)), (2.5, NULL))" | tail -n 1 >out &&
	cat >expect <<-\EOF &&
	"[[1,""x"",3],[null,""y"",2],[""1"",""x"",1],[2.5,null,2],[1,""\"""",1]]"
	EOF
	test_cmp expect out
'

test_expect_success 'tally_tuples agrees with GROUP BY over many rows and three columns' '
	vantage -c p.yaml sql --csv "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL
	    SELECT i + 1 FROM s WHERE i < 20000),
	    r AS (SELECT i % 13 AS a, CASE WHEN i % 5 = 0 THEN NULL
	        ELSE char(97 + i % 4) END AS b, (i % 3) * 0.5 AS c FROM s),
	    g AS (SELECT a, b, c, count(*) AS n FROM r GROUP BY a, b, c),
	    t AS (SELECT value ->> 0 AS a, value ->> 1 AS b, value ->> 2 AS c,
	        value ->> 3 AS n FROM json_each((SELECT tally_tuples(a, b, c) FROM r)))
	    SELECT (SELECT count(*) FROM g), (SELECT count(*) FROM t),
	        (SELECT count(*) FROM g JOIN t ON g.a IS t.a AND g.b IS t.b
	            AND g.c IS t.c AND g.n = t.n)" >out &&
	printf "%s\n" 195,195,195 >expect &&
	tail -n 1 out >got &&
	test_cmp expect got
'

test_expect_success 'tally_tuples refuses a blob or an infinite real, naming the argument' '
	test_must_fail vantage -c p.yaml sql "SELECT tally_tuples(1, x'\''00'\'')" 2>err &&
	grep "tally_tuples: argument 2 is a blob, which a JSON array cannot hold" err &&
	test_must_fail vantage -c p.yaml sql "SELECT tally_tuples(-9e999)" 2>err &&
	grep "tally_tuples: argument 1 is an infinite real" err &&
	vantage -c p.yaml sql --csv "SELECT tally_tuples(1) FROM nodes WHERE 0" >out &&
	printf "%s\n" "tally_tuples(1)" "[]" >expect &&
	test_cmp expect out
'

test_done
