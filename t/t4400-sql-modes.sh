#!/bin/sh
test_description='sql: output modes, the query from a file or stdin, bounded memory'
. "$VT_SRC_DIR/t/test-lib.sh"

# No run is needed: the reader opens any SQLite file at store.path.
cat >setup.sql <<\EOS
PRAGMA journal_mode = wal;
CREATE TABLE t (id INTEGER, name TEXT, note TEXT, v REAL);
INSERT INTO t VALUES (1, 'plain', NULL, 2.5);
INSERT INTO t VALUES (22, 'say "hi", ok|', '', NULL);
INSERT INTO t VALUES (3, 'two' || char(10) || 'lines', 'héllo wörld', -1);
EOS

test_expect_success 'setup' '
	write_config v.yaml &&
	sqlite3 vantage.db <setup.sql >/dev/null &&
	echo "SELECT id, name, note, v FROM t ORDER BY rowid" >q.sql
'

test_expect_success 'table' '
	vantage -c v.yaml sql --table -f q.sql >out &&
	cat >expect <<-\EOF &&
	id | name          | note        | v   
	---+---------------+-------------+-----
	1  | plain         |             | 2.5 
	22 | say "hi", ok| |             |     
	3  | two\nlines    | héllo wörld | -1.0
	(3 rows)
	EOF
	test_cmp expect out
'

test_expect_success 'box' '
	vantage -c v.yaml sql --box -f q.sql >out &&
	cat >expect <<-\EOF &&
	┌────┬───────────────┬─────────────┬──────┐
	│ id │ name          │ note        │ v    │
	├────┼───────────────┼─────────────┼──────┤
	│ 1  │ plain         │             │ 2.5  │
	│ 22 │ say "hi", ok| │             │      │
	│ 3  │ two\nlines    │ héllo wörld │ -1.0 │
	└────┴───────────────┴─────────────┴──────┘
	EOF
	test_cmp expect out
'

test_expect_success 'markdown' '
	vantage -c v.yaml sql --markdown -f q.sql >out &&
	cat >expect <<-\EOF &&
	| id | name           | note        | v    |
	|----|----------------|-------------|------|
	| 1  | plain          |             | 2.5  |
	| 22 | say "hi", ok\| |             |      |
	| 3  | two\nlines     | héllo wörld | -1.0 |
	EOF
	test_cmp expect out
'

test_expect_success 'csv: RFC 4180 quoting of quotes, commas and newlines' '
	vantage -c v.yaml sql --csv -f q.sql >out &&
	cat >expect <<-\EOF &&
	id,name,note,v
	1,plain,,2.5
	22,"say ""hi"", ok|",,
	3,"two
	lines",héllo wörld,-1.0
	EOF
	test_cmp expect out
'

test_expect_success 'json: null, escapes, UTF-8 as is' '
	vantage -c v.yaml sql --json -f q.sql >out &&
	cat >expect <<-\EOF &&
	[
	{"id": 1, "name": "plain", "note": null, "v": 2.5},
	{"id": 22, "name": "say \"hi\", ok|", "note": "", "v": null},
	{"id": 3, "name": "two\u000alines", "note": "héllo wörld", "v": -1.0}
	]
	EOF
	test_cmp expect out &&
	vantage -c v.yaml sql --json "SELECT 1 WHERE 0" >out &&
	echo "[]" >expect &&
	test_cmp expect out
'

test_expect_success 'line' '
	vantage -c v.yaml sql --line -f q.sql >out &&
	cat >expect <<-\EOF &&
	  id = 1
	name = plain
	note = 
	   v = 2.5

	  id = 22
	name = say "hi", ok|
	note = 
	   v = 

	  id = 3
	name = two
	lines
	note = héllo wörld
	   v = -1.0
	EOF
	test_cmp expect out
'

test_expect_success '--mode NAME is the same as --NAME; a bad one is a usage error' '
	for m in table box markdown csv json line; do
		vantage -c v.yaml sql --$m -f q.sql >a &&
		vantage -c v.yaml sql --mode $m -f q.sql >b &&
		test_cmp a b || return 1
	done &&
	vantage -c v.yaml sql --mode html -f q.sql 2>err; test $? -eq 2 &&
	grep "mode .html.: not one of table, box, markdown, csv, json, line" err
'

test_expect_success 'no rows: the aligned modes print their header' '
	vantage -c v.yaml sql --box "SELECT 1 AS a WHERE 0" >out &&
	printf "┌───┐\n│ a │\n├───┤\n└───┘\n" >expect &&
	test_cmp expect out &&
	vantage -c v.yaml sql --table "SELECT 1 AS a WHERE 0" >out &&
	printf "a\n-\n(0 rows)\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the query from stdin, with - or -f -' '
	echo "SELECT 7 AS n;" >one.sql &&
	printf "n\n7\n" >expect &&
	vantage -c v.yaml sql --csv - <one.sql >out &&
	test_cmp expect out &&
	vantage -c v.yaml sql --csv -f - <one.sql >out &&
	test_cmp expect out &&
	printf "SELECT 1;\nSELECT 2;\n" >two.sql &&
	test_must_fail vantage -c v.yaml sql -f two.sql 2>err &&
	grep "give one statement at a time" err &&
	test_must_fail vantage -c v.yaml sql -f nosuch.sql 2>err &&
	grep "vantage: sql: nosuch.sql: No such file or directory" err
'

# Widths come from the first SQLOUT_SAMPLE_ROWS (1000) rows; later, longer
# cells overflow their column rather than being cut.
test_expect_success 'rows after the first 1000 keep the widths; longer cells overflow' '
	vantage -c v.yaml sql --table "WITH RECURSIVE n(i) AS (SELECT 1
	    UNION ALL SELECT i + 1 FROM n WHERE i < 1002)
	    SELECT i, CASE WHEN i = 1002 THEN '"'longer'"' ELSE '"'ab'"' END AS s
	    FROM n" >out &&
	sed -n "3p;1002p;1003p;1004p;1005p" out >got &&
	cat >expect <<-\EOF &&
	1    | ab
	1000 | ab
	1001 | ab
	1002 | longer
	(1002 rows)
	EOF
	test_cmp expect got
'

# 300,000 rows of 200 characters: about 90 MB if every row were held.
test_expect_success 'table and box output stream: memory does not grow with rows' '
	big="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < 300000) SELECT i, printf('"'%.200c'"', '"'x'"') AS pad FROM n" &&
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" &&
	export ASAN_OPTIONS &&
	/usr/bin/time -o small.rss -f %M vantage -c v.yaml sql --table \
	    "SELECT 1" >/dev/null &&
	for m in table box line; do
		/usr/bin/time -o $m.rss -f %M vantage -c v.yaml sql --$m "$big" \
		    >$m.out || return 1
	done &&
	tail -n 1 table.out >last &&
	echo "(300000 rows)" >expect &&
	test_cmp expect last &&
	test $(wc -l <box.out) -eq 300004 &&
	small=$(tail -n 1 small.rss) &&
	for m in table box line; do
		rss=$(tail -n 1 $m.rss) &&
		say "$m: peak RSS ${rss} KB, a one-row query ${small} KB" &&
		test "$rss" -lt $((small + 20000)) || return 1
	done
'

test_done
