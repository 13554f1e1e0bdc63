#!/bin/sh
test_description='discovery: the postgresql source, against a real PostgreSQL server'
. "$VT_SRC_DIR/t/test-lib.sh"
. "$VT_SRC_DIR/t/lib-pg.sh"

# Audius samples only: vantage_* self metrics carry timings.
audius_only() {
	grep "^audius_" "$1" | sort
}

# A small profile of its own: the nodes and one table from the server,
# and one metric, the number of nodes.
write_small() {
	mkdir -p q &&
	cat >q/10-nodes.sql <<-\EOS &&
	-- metric: small_nodes
	-- type: gauge
	-- help: Nodes discovered.
	SELECT count(*) AS value FROM nodes WHERE run_id = :run_id;
	EOS
	cat >s.yaml <<-EOF
	store:
	  path: $TRASH/small.db
	discovery:
	  source: postgresql
	  max_stale: 0
	  dsn: "$PG_DSN"
	  nodes: SELECT 1 AS node_id, 'http://127.0.0.1:$VT_PORT/cn/1' AS url
	  tables:
	    - name: t
	      query: |
	        ${1:-SELECT 1 AS a}
	crawl:
	  timeout: 2s
	  retries: 0
	$(health_probe)
	queries:
	  dir: q
	EOF
}

test_expect_success 'a private PostgreSQL server starts' '
	pg_start &&
	pg_psql -c "SELECT 1" >/dev/null
'

seed=0
for faults in "-f 3:down -f 5:missing" "-f 2:http500 -f 4:malformed -f 6:truncated" \
    "-f 1:flaky -f 7:missing -f 5:down"; do
	seed=$((seed + 1))
	test_expect_success "seed $seed ($faults): every metric equals the ground truth" "
		start_simnet -s $seed -u 3000 -n 7 $faults \
		    -m fully_synced=40,partially_synced=15,unsynced=15,primary_missing=10,no_replica_set=10,incomplete_replica_set=10 &&
		pg_load_audius dn.db &&
		write_pg_config pg.yaml &&
		rm -f vantage.db* &&
		vantage -c pg.yaml -D crawl.connect_timeout=1s once &&
		vantage -c pg.yaml metrics >m.pg &&
		vantage-simnet compare truth.json m.pg &&
		promtool check metrics <m.pg
	"
	test_expect_success "seed $seed: the same Audius metrics as the SQLite profile" '
		write_config sq.yaml &&
		rm -f vantage.db* &&
		vantage -c sq.yaml -D crawl.connect_timeout=1s once &&
		vantage -c sq.yaml metrics >m.sq &&
		stop_simnet &&
		audius_only m.sq >a.sq && audius_only m.pg >a.pg &&
		test -s a.sq && test_cmp a.sq a.pg
	'
done

test_expect_success 'the same users table as the SQLite profile copies' '
	q="SELECT user_id, wallet, primary_id, secondary_count, secondary1_id,
	    secondary2_id, typeof(user_id), typeof(secondary1_id) FROM users
	    ORDER BY user_id" &&
	vantage -c sq.yaml sql --csv "$q" >u.sq &&
	start_simnet -s 3 -u 3000 -n 7 -f 1:flaky -f 7:missing -f 5:down \
	    -m fully_synced=40,partially_synced=15,unsynced=15,primary_missing=10,no_replica_set=10,incomplete_replica_set=10 &&
	rm -f vantage.db* &&
	vantage -c pg.yaml -D crawl.connect_timeout=1s once &&
	stop_simnet &&
	vantage -c pg.yaml sql --csv "$q" >u.pg &&
	test $(wc -l <u.pg) = 3001 &&
	test_cmp u.sq u.pg
'

test_expect_success 'the example of vantage.yaml(5) copies the same users' '
	sed -n "/^\.Pq Pa conf\/audius-postgresql.yaml :$/,/^\.Ed$/p" \
	    "$VT_SRC_DIR/man/vantage.yaml.5" | sed "1,2d;\$d" >example &&
	grep "^discovery:$" example &&
	{ sed -n "/^discovery:$/q;p" pg.yaml &&
	  sed "s#^  dsn: .*#  dsn: \"$PG_DSN\"#" example &&
	  sed -n "/^crawl:$/,\$p" pg.yaml; } >man.yaml &&
	rm -f vantage.db* &&
	vantage -c man.yaml -D crawl.connect_timeout=200ms -D crawl.retries=0 once &&
	vantage -c man.yaml sql --csv "$q" >u.man &&
	test_cmp u.pg u.man
'

test_expect_success 'malformed secondary_ids: NULL in PostgreSQL, the same statuses' '
	rm -f dn.db &&
	sqlite3 dn.db "
	CREATE TABLE ursm_content_nodes(cnode_sp_id INTEGER, endpoint TEXT, is_current INTEGER);
	CREATE TABLE users(user_id INTEGER, wallet TEXT, is_current INTEGER, primary_id INTEGER NULL, secondary_ids TEXT NULL);
	INSERT INTO ursm_content_nodes VALUES (1, '"'http://127.0.0.1:9/a'"', 1),
	    (2, '"'http://127.0.0.1:9/b'"', 1), (3, '"'http://127.0.0.1:9/c'"', 1);
	INSERT INTO users VALUES (1, '"'0x1'"', 1, 1, '"'[2,'"'), (2, '"'0x2'"', 1, 1, '"'7'"'),
	    (3, '"'0x3'"', 1, NULL, NULL), (4, '"'0x4'"', 1, 1, '"'[]'"'),
	    (5, '"'0x5'"', 1, 1, '"'[2,3]'"'), (6, NULL, 1, 1, '"'[ 2 , 3 ]'"'),
	    (7, '"''"', 1, 1, '"'[2,3,1]'"'), (8, '"'0x8'"', 0, 1, '"'[2,3]'"');" &&
	pg_load_audius dn.db &&
	pg_psql -At -c "SELECT user_id, coalesce(wallet, '"'<null>'"'), secondary_ids FROM users ORDER BY 1" >ids &&
	cat >expect <<-\EOF &&
	1|0x1|
	2|0x2|
	3|0x3|
	4|0x4|{}
	5|0x5|{2,3}
	6|<null>|{2,3}
	7||{2,3,1}
	8|0x8|{2,3}
	EOF
	test_cmp expect ids &&
	write_config sq.yaml && write_pg_config pg.yaml &&
	rm -f vantage.db* &&
	vantage -c sq.yaml -D crawl.retries=0 -D crawl.connect_timeout=500ms once &&
	vantage -c sq.yaml metrics >m.sq &&
	rm -f vantage.db* &&
	vantage -c pg.yaml -D crawl.retries=0 -D crawl.connect_timeout=500ms once &&
	vantage -c pg.yaml metrics >m.pg &&
	audius_only m.sq >a.sq && audius_only m.pg >a.pg &&
	test_cmp a.sq a.pg &&
	grep "^audius_users{status=\"incomplete_replica_set\"} 4$" m.pg &&
	grep "^audius_users{status=\"no_replica_set\"} 1$" m.pg
'

test_expect_success 'values by type: integers, reals, booleans, arrays as JSON, NULL' '
	pg_psql -c "CREATE TABLE IF NOT EXISTS ty(i2 int2, i4 int4, i8 int8,
	    f4 float4, f8 float8, n numeric, ni numeric, b boolean, ia int4[],
	    ta text[], ba bool[], na numeric[], m int4[], t text, v varchar(9),
	    j jsonb, nu int4);
	    TRUNCATE ty;
	    INSERT INTO ty VALUES (-2, 40000, 9007199254740993, 1.5, 0.25,
	    12.5, 12345678901234, true, ARRAY[2,7,NULL],
	    ARRAY[E'\''a \"q\" \\\\b'\'', NULL, '\''NULL'\'', '\'''\''], ARRAY[true,false],
	    ARRAY[1.5, '\''NaN'\'']::numeric[], '\''{{1,2},{3,4}}'\'', '\''é'\'', '\''x,y'\'',
	    '\''{\"k\": [1]}'\'', NULL),
	    (0, 0, 0, 0, 0, 0, 0, false, '\''{}'\'', '\''{}'\'', NULL, NULL,
	    '\''[0:1]={5,6}'\'', '\'''\'', '\'''\'', NULL, NULL);" &&
	write_small "SELECT * FROM ty ORDER BY i2" &&
	rm -f small.db* &&
	vantage -c s.yaml once &&
	vantage -c s.yaml sql --csv "SELECT typeof(i2), typeof(i4), typeof(i8),
	    typeof(f4), typeof(f8), typeof(n), typeof(ni), typeof(b), typeof(ia),
	    typeof(nu) FROM t ORDER BY i2" >types &&
	cat >expect <<-\EOF &&
	typeof(i2),typeof(i4),typeof(i8),typeof(f4),typeof(f8),typeof(n),typeof(ni),typeof(b),typeof(ia),typeof(nu)
	integer,integer,integer,real,real,real,integer,integer,text,null
	integer,integer,integer,real,real,integer,integer,integer,text,null
	EOF
	test_cmp expect types &&
	vantage -c s.yaml sql --csv "SELECT i2, i4, i8, f4, f8, n, ni, b, ia, ta,
	    ba, na, m, t, v, j FROM t ORDER BY i2" >vals &&
	cat >expect <<-\EOF &&
	i2,i4,i8,f4,f8,n,ni,b,ia,ta,ba,na,m,t,v,j
	-2,40000,9007199254740993,1.5,0.25,12.5,12345678901234,1,"[2,7,null]","[""a \""q\"" \\b"",null,""NULL"",""""]","[true,false]","[1.5,null]","[[1,2],[3,4]]",é,"x,y","{""k"": [1]}"
	0,0,0,0.0,0.0,0,0,0,[],[],,,"[5,6]",,,
	EOF
	test_cmp expect vals &&
	vantage -c s.yaml sql --csv "SELECT count(*) FROM t WHERE json_valid(ia) AND
	    json_valid(ta) AND json_valid(m) AND json_extract(ia, '\''\$[1]'\'') = 7" >out &&
	printf "count(*)\n1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'node labels: the other columns of the node query' '
	write_small &&
	rm -f small.db* &&
	vantage -c s.yaml -D "discovery.nodes=SELECT 7::int8 AS node_id,
	    '\''http://127.0.0.1:$VT_PORT/cn/1'\'' AS url, '\''eu'\'' AS region,
	    true AS ssd, 2.5::float8 AS w, NULL::text AS gone" once &&
	vantage -c s.yaml sql --csv "SELECT node_id, typeof(node_id), labels FROM nodes" >out &&
	cat >expect <<-\EOF &&
	node_id,typeof(node_id),labels
	7,integer,"{""region"":""eu"",""ssd"":""1"",""w"":""2.5"",""gone"":null}"
	EOF
	test_cmp expect out
'

# A run that fails leaves the published metrics as they were.
test_expect_success 'setup: a good run to compare failed ones with' '
	write_small &&
	rm -f small.db* &&
	vantage -c s.yaml once &&
	vantage -c s.yaml metrics >good &&
	grep "^small_nodes 1$" good
'

# $1: what to expect on stderr (a grep pattern); the rest: vantage options.
run_fails() {
	pat=$1
	shift
	test_must_fail vantage -c s.yaml "$@" once 2>err &&
	cat err &&
	grep -- "run [0-9]*: failed: discover: $pat" err &&
	vantage -c s.yaml sql --csv "SELECT status, error FROM runs
	    WHERE run_id = (SELECT max(run_id) FROM runs)" | sed "s/\"\"/\"/g" >run &&
	grep "^failed,\"\{0,1\}discover: $pat" run &&
	vantage -c s.yaml metrics >now &&
	grep "^small_nodes" good >a && grep "^small_nodes" now >b &&
	test_cmp a b
}

test_expect_success 'an unreachable server fails the run, naming host and port' '
	run_fails "postgresql 127.0.0.1:$VT_PORT/discovery: connect: connection to server at \"127.0.0.1\", port $VT_PORT failed: Connection refused" \
	    -D "discovery.dsn=host=127.0.0.1 port=$VT_PORT user=vantage dbname=discovery"
'

test_expect_success 'a password in the dsn is in no message and not in check -v' '
	run_fails "postgresql 127.0.0.1:$VT_PORT/discovery: connect: .*Connection refused" \
	    -D "discovery.dsn=postgresql://vantage:Sekr3tPw@127.0.0.1:$VT_PORT/discovery" &&
	! grep Sekr3tPw err run &&
	run_fails "discovery.dsn: not a valid libpq connection string or URI" \
	    -D "discovery.dsn=host=127.0.0.1 password=Sekr3tPw oops" &&
	! grep Sekr3tPw err run &&
	vantage -c s.yaml -D "discovery.dsn=host=h password='"'Sekr3t Pw'"' user=u" check -v >out &&
	grep "^  dsn: \"host=h password=\*\*\* user=u\"$" out &&
	vantage -c s.yaml -D "discovery.dsn=postgresql://u:Sekr3tPw@h/db?password=Sekr3tPw" check -v >out &&
	grep "^  dsn: \"postgresql://u:\*\*\*@h/db?password=\*\*\*\"$" out &&
	! grep Sekr3t out
'

test_expect_success 'a wrong password is refused by the server, and not echoed' '
	pg_psql -c "DROP ROLE IF EXISTS reader; CREATE ROLE reader LOGIN PASSWORD '"'right'"'" &&
	echo "host all reader 127.0.0.1/32 scram-sha-256" >hba &&
	cat "$PG_DIR/data/pg_hba.conf" >>hba &&
	cp hba "$PG_DIR/data/pg_hba.conf" &&
	pg_psql -c "SELECT pg_reload_conf()" >/dev/null &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: connect: .*password authentication failed for user \"reader\"" \
	    -D "discovery.dsn=host=127.0.0.1 port=$PG_PORT user=reader password=WrongPw dbname=discovery" &&
	! grep WrongPw err run &&
	PGPASSWORD=right vantage -c s.yaml \
	    -D "discovery.dsn=host=127.0.0.1 port=$PG_PORT user=reader dbname=discovery" once
'

test_expect_success 'bad SQL fails the run with the server'\''s reason' '
	write_small &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: discovery.nodes: syntax error at or near \"SELEC\"" \
	    -D "discovery.nodes=SELEC 1" &&
	write_small "SELECT a FROM no_such_table" &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: discovery.tables t: relation \"no_such_table\" does not exist"
'

test_expect_success 'wrong column names fail the run' '
	write_small &&
	run_fails "discovery.nodes: the query must yield columns node_id and url" \
	    -D "discovery.nodes=SELECT 1 AS id, '\''http://x'\'' AS url" &&
	write_small "SELECT 1 AS run_id" &&
	run_fails "discovery.tables t: column .run_id. is not a plain name other than run_id" &&
	write_small "SELECT 1 + 1" &&
	run_fails "discovery.tables t: column .?column?. is not a plain name"
'

test_expect_success 'the transaction is read-only and one statement only' '
	write_small &&
	pg_psql -c "CREATE SEQUENCE IF NOT EXISTS s" &&
	run_fails ".*discovery.nodes: cannot execute nextval() in a read-only transaction" \
	    -D "discovery.nodes=SELECT nextval('\''s'\'') AS node_id, '\''http://x'\'' AS url" &&
	run_fails ".*discovery.nodes: cannot insert multiple commands into a prepared statement" \
	    -D "discovery.nodes=SELECT 1 AS node_id, '\''http://x'\'' AS url; DROP TABLE ty" &&
	pg_psql -c "SELECT count(*) FROM ty" >/dev/null
'

test_expect_success 'a statement running past discovery.timeout is stopped' '
	write_small &&
	start=$(date +%s) &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: discovery.nodes: discovery.timeout reached" \
	    -D discovery.timeout=700ms \
	    -D "discovery.nodes=SELECT 1 AS node_id, '\''http://x'\'' AS url FROM pg_sleep(20)" &&
	test $(($(date +%s) - start)) -lt 8 &&
	write_small "SELECT g AS a FROM generate_series(1, 100) g, pg_sleep(0.01 * (g % 2))" &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: discovery.tables t: discovery.timeout reached" \
	    -D discovery.timeout=300ms &&
	test $(($(date +%s) - start)) -lt 16
'

test_expect_success 'a server that accepts but never answers: the connect times out' '
	write_small &&
	read pm <"$PG_DIR/data/postmaster.pid" &&
	kill -STOP "$pm" &&
	test_when_finished "kill -CONT $pm" &&
	start=$(date +%s) &&
	run_fails "postgresql 127.0.0.1:$PG_PORT/discovery: connect: discovery.timeout reached" \
	    -D discovery.timeout=500ms ||
	{ kill -CONT "$pm"; false; } &&
	kill -CONT "$pm" &&
	test $(($(date +%s) - start)) -lt 8 &&
	vantage -c s.yaml once
'

# 200,000 rows of 600 bytes: 120 MB if the result were held at once.
# Peak RSS with 20,000 rows and with 200,000 must be close: the cursor
# holds 10,000 rows at a time.  (AddressSanitizer would keep freed
# results in its quarantine: keep that small here.)
test_expect_success 'a big index table streams: memory does not grow with it' '
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=4" &&
	export ASAN_OPTIONS &&
	for n in 20000 200000; do
		write_small "SELECT g AS id, repeat(md5(g::text), 18) AS pad, ARRAY[g, g + 1] AS ids, g % 2 = 0 AS even FROM generate_series(1, $n) g" &&
		rm -f small.db* &&
		/usr/bin/time -f %M -o rss.$n vantage -v -c s.yaml once 2>err.$n ||
		{ cat err.$n; return 1; }
	done &&
	grep "discovery.tables t: 200000 rows in 21 fetches" err.200000 &&
	vantage -c s.yaml sql --csv "SELECT count(*), sum(even), max(length(pad)) FROM t" >out &&
	printf "count(*),sum(even),max(length(pad))\n200000,100000,576\n" >expect &&
	test_cmp expect out &&
	small=$(cat rss.20000) && big=$(cat rss.200000) &&
	echo "peak RSS: 20000 rows $small KiB, 200000 rows $big KiB" &&
	test $((big - small)) -lt 61440
'

test_expect_success 'check: keys of the postgresql source, with file:line:col' '
	write_small &&
	sed "s/^  dsn:/  dsm:/" s.yaml >bad.yaml &&
	test_must_fail vantage -c bad.yaml check 2>err &&
	cat err &&
	grep "^bad.yaml:6:3: unknown key .discovery.dsm. (did you mean .dsn.?)" err &&
	grep "^bad.yaml:[0-9]*:[0-9]*: missing required key .discovery.dsn." err &&
	sed "s/^  dsn:/  path: x.db\n  dsn:/" s.yaml >bad.yaml &&
	test_must_fail vantage -c bad.yaml check 2>err &&
	cat err &&
	grep "^bad.yaml:6:3: unknown key .discovery.path. for source .postgresql. (it is a key of source .sqlite.)" err &&
	vantage -c "$VT_SRC_DIR/conf/audius-postgresql.yaml" \
	    -D "queries.dir=$VT_SRC_DIR/queries/audius" check
'

test_expect_success 'the server is stopped' '
	pg_stop &&
	test_must_fail "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
'

test_done
