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

# Mixed types over thousands of rows, every group checked against GROUP BY:
# integers and the integral reals equal to them up to +-2^63 (9.21e18 is
# 9210000000000000000; 2^63 is no integer's), -0.0 as 0, halves, digits as
# text, long text, NULLs.
test_expect_success 'tally and tally_tuples agree with GROUP BY over mixed types up to +-2^63' '
	cat >q.sql <<-\EOF &&
	WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 6000),
	r AS (SELECT CASE i % 12 WHEN 0 THEN i % 50 WHEN 1 THEN (i % 50) * 1.0
	    WHEN 2 THEN (i % 50) + 0.5 WHEN 3 THEN CAST(i % 50 AS TEXT)
	    WHEN 4 THEN NULL WHEN 5 THEN -0.0
	    WHEN 6 THEN 9210000000000000000 + (i / 12 % 3) * 1024
	    WHEN 7 THEN 9.21e18 + (i / 12 % 3) * 1024.0
	    WHEN 8 THEN CASE i / 12 % 4 WHEN 0 THEN 9223372036854775807
	        WHEN 1 THEN 9.2233720368547758e18 WHEN 2 THEN -9223372036854775808
	        ELSE -9.2233720368547758e18 END
	    WHEN 9 THEN -9.2e18 - (i / 12 % 2) * 2048.0
	    WHEN 10 THEN -9200000000000000000 - (i / 12 % 2) * 2048
	    ELSE printf('\''%.*c'\'', 300 + i % 2, '\''x'\'') END AS a,
	    CASE i % 5 WHEN 0 THEN 1 WHEN 1 THEN 1.0 WHEN 2 THEN '\''1'\''
	        WHEN 3 THEN NULL ELSE -0.0 END AS b
	    FROM s),
	g AS (SELECT a, count(*) AS n FROM r WHERE a IS NOT NULL GROUP BY a),
	t AS (SELECT value ->> 0 AS a, value ->> 1 AS n
	    FROM json_each((SELECT tally(a) FROM r))),
	g2 AS (SELECT a, b, count(*) AS n FROM r GROUP BY a, b),
	t2 AS (SELECT value ->> 0 AS a, value ->> 1 AS b, value ->> 2 AS n
	    FROM json_each((SELECT tally_tuples(a, b) FROM r)))
	SELECT (SELECT count(*) FROM g), (SELECT count(*) FROM t),
	    (SELECT count(*) FROM g JOIN t ON g.a = t.a AND g.n = t.n),
	    (SELECT count(*) FROM g2), (SELECT count(*) FROM t2),
	    (SELECT count(*) FROM g2 JOIN t2 ON g2.a IS t2.a AND g2.b IS t2.b
	        AND g2.n = t2.n)
	EOF
	vantage -c p.yaml sql --csv -f q.sql | tail -n 1 >out &&
	echo 109,109,109,143,143,143 >expect &&
	test_cmp expect out
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
