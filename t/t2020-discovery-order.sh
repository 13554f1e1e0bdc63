#!/bin/sh
test_description='discovery: temp.discovery_order names a table only when its rows are in SQLite'"'"'s order'
. "$VT_SRC_DIR/t/test-lib.sh"

# Tables of one column a (no affinity: every value kept as it is), each
# row in rowid order, with values where a comparison of numbers as doubles
# and SQLite's exact order part: integers and reals past 2^53 and at
# +-2^63, NULL after a value, text against integers, blobs (read as text).
tables='ints bigreal bigreal_up realint mix textint blobs nullafter negzero
int64 int64_up int64_low empty'
make_dn() {
	rm -f dn.db &&
	sqlite3 dn.db "
	CREATE TABLE nodes(id, url);
	INSERT INTO nodes VALUES (1, 'http://127.0.0.1:$VT_PORT/cn/1');
	CREATE TABLE ints(a);
	INSERT INTO ints VALUES (1), (2), (2), (3);
	CREATE TABLE bigreal(a);
	INSERT INTO bigreal VALUES (9007199254740993), (9007199254740992.0);
	CREATE TABLE bigreal_up(a);
	INSERT INTO bigreal_up VALUES (9007199254740992.0), (9007199254740993);
	CREATE TABLE realint(a);
	INSERT INTO realint VALUES (2.5), (3), (3.0), (3.5);
	CREATE TABLE mix(a);
	INSERT INTO mix VALUES (NULL), (NULL), (-5), (2.5), (3), ('10'), ('9'), ('a');
	CREATE TABLE textint(a);
	INSERT INTO textint VALUES ('10'), (9);
	CREATE TABLE blobs(a);
	INSERT INTO blobs VALUES (x'01'), (x'0100'), (x'02');
	CREATE TABLE nullafter(a);
	INSERT INTO nullafter VALUES (1), (NULL);
	CREATE TABLE negzero(a);
	INSERT INTO negzero VALUES (-0.0), (0), (0.0);
	CREATE TABLE int64(a);
	INSERT INTO int64 VALUES (9.2233720368547758e18), (9223372036854775807);
	CREATE TABLE int64_up(a);
	INSERT INTO int64_up VALUES (-9223372036854775808), (-9.2233720368547758e18),
	    (9223372036854775807), (9.2233720368547758e18);
	CREATE TABLE int64_low(a);
	INSERT INTO int64_low VALUES (-9223372036854775807), (-9.2233720368547758e18);
	CREATE TABLE empty(a);"
}

# One metric: per table, whether discovery noted it in order of a, the
# label sorted saying whether its stored rows are in SQLite's order.
write_profile() {
	mkdir -p q &&
	{
	printf '%s\n' '-- metric: order_noted' '-- type: gauge' \
	    '-- help: Whether discovery noted the table in order of a.'
	sep=
	for t in $tables; do
		printf '%s\n' "$sep" \
		    "SELECT '$t' AS tbl, CASE WHEN EXISTS (SELECT 1 FROM" \
		    "    main.\"${t}_run1\" x JOIN (SELECT rowid AS r," \
		    "    row_number() OVER (ORDER BY a, rowid) AS n" \
		    "    FROM main.\"${t}_run1\") s ON s.r = x.rowid" \
		    "    WHERE s.n <> (SELECT count(*) FROM main.\"${t}_run1\" y" \
		    "        WHERE y.rowid <= x.rowid))" \
		    "    THEN 'no' ELSE 'yes' END AS sorted," \
		    "    EXISTS (SELECT 1 FROM temp.discovery_order" \
		    "    WHERE name = '$t' AND run_id = :run_id" \
		    "    AND ordered_by = 'a') AS value"
		sep='UNION ALL'
	done
	echo ";"
	} >q/10-order.sql &&
	{
	cat <<-EOC
	store:
	  path: $TRASH/v.db
	discovery:
	  source: sqlite
	  path: $TRASH/dn.db
	  max_stale: 0
	  nodes: SELECT id AS node_id, url FROM nodes
	  tables:
	EOC
	for t in $tables; do
		printf '    - name: %s\n      query: SELECT a FROM %s ORDER BY rowid\n' \
		    "$t" "$t"
	done
	cat <<-EOC
	crawl:
	  timeout: 2s
	  retries: 0
	$(health_probe)
	queries:
	  dir: $TRASH/q
	EOC
	} >o.yaml
}

test_expect_success 'a table is noted in order exactly when SQLite would sort it so' '
	make_dn &&
	write_profile &&
	vantage -c o.yaml once &&
	vantage -c o.yaml metrics >m &&
	grep "^order_noted{" m | sort >got &&
	cat >expect <<-\EOF &&
	order_noted{tbl="bigreal",sorted="no"} 0
	order_noted{tbl="bigreal_up",sorted="yes"} 1
	order_noted{tbl="blobs",sorted="yes"} 1
	order_noted{tbl="empty",sorted="yes"} 1
	order_noted{tbl="int64",sorted="no"} 0
	order_noted{tbl="int64_low",sorted="no"} 0
	order_noted{tbl="int64_up",sorted="yes"} 1
	order_noted{tbl="ints",sorted="yes"} 1
	order_noted{tbl="mix",sorted="yes"} 1
	order_noted{tbl="negzero",sorted="yes"} 1
	order_noted{tbl="nullafter",sorted="no"} 0
	order_noted{tbl="realint",sorted="yes"} 1
	order_noted{tbl="textint",sorted="no"} 0
	EOF
	test_cmp expect got
'

test_done
