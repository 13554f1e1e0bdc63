#!/bin/sh
test_description='Audius: the same statuses whatever order discovery gives the users in'
. "$VT_SRC_DIR/t/test-lib.sh"

# run_matches_truth STORE: one run on store STORE, its metrics equal to
# the simulator's truth; the debug log in err.
run_matches_truth() {
	vantage -v -c v.yaml -D "store.path=$TRASH/$1" once 2>err &&
	grep "run 1: complete" err &&
	vantage -c v.yaml -D "store.path=$TRASH/$1" metrics >m &&
	vantage-simnet compare truth.json m
}

# Users in user_id order (the simulator's plain shape): read as they are,
# no sort; a node down makes some users unknown.
test_expect_success 'users in user_id order: noted, and the truth' '
	start_simnet -s 7 -u 3000 -n 6 -f 3:down &&
	write_config v.yaml &&
	run_matches_truth ordered.db &&
	grep "discover: users: 3000 rows, in order of user_id" err
'

# The same users with one of the first moved to the end: no longer in
# order, so sorted before the lookups; every count unchanged.
test_expect_success 'one user out of order: sorted first, the same truth' '
	sqlite3 dn.db "CREATE TABLE u2 AS SELECT * FROM users WHERE 0;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id <> 5
	        ORDER BY rowid;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id = 5;
	    DROP TABLE users; ALTER TABLE u2 RENAME TO users" &&
	run_matches_truth moved.db &&
	grep "discover: users: 3000 rows, in no known order" err &&
	vantage -c v.yaml -D "store.path=$TRASH/ordered.db" metrics >m1 &&
	grep "^audius_" m1 | sed "s#http://[^/]*/#URL/#" >expect &&
	grep "^audius_" m | sed "s#http://[^/]*/#URL/#" >got &&
	test_cmp expect got
'

# Discovery failing: the users of the run before are kept, copied in
# their order; a new process does not know it (the note is the
# connection's), so they are sorted, and the statuses are the truth.
test_expect_success 'users kept from the run before: the truth' '
	mv dn.db dn.db.away &&
	test_when_finished "mv dn.db.away dn.db" &&
	vantage -v -c v.yaml -D "store.path=$TRASH/moved.db" once 2>err &&
	grep "run 2: complete" err &&
	grep "keeping the previous node list" err &&
	grep "discover: users: the rows of run 1, in no known order" err &&
	vantage -c v.yaml -D "store.path=$TRASH/moved.db" metrics >m &&
	vantage-simnet compare truth.json m
'

# A discovery table in no order at all, stale rows interleaved.
test_expect_success 'an unordered discovery table: the truth' '
	stop_simnet &&
	rm -f dn.db dn.db-wal dn.db-shm &&
	start_simnet -s 7 -u 3000 -n 6 -f 3:down --unordered &&
	run_matches_truth unordered.db &&
	grep "discover: users: 3000 rows, in no known order" err
'

# The counts of one pass over the statuses against GROUP BY over the
# run's tables: users naming a node as both secondaries (counted once),
# naming a node absent from the run, and without secondaries.
test_expect_success 'counts by node agree with GROUP BY, odd replica sets included' '
	sqlite3 dn.db "UPDATE users SET secondary_ids = '\''[2, 2]'\''
	        WHERE user_id % 7 = 0 AND is_current = 1;
	    UPDATE users SET primary_id = 999
	        WHERE user_id % 11 = 0 AND is_current = 1;
	    UPDATE users SET secondary_ids = NULL
	        WHERE user_id % 13 = 0 AND is_current = 1" &&
	vantage -c v.yaml -D "store.path=$TRASH/odd.db" once &&
	vantage -c v.yaml -D "store.path=$TRASH/odd.db" metrics >m &&
	vantage -c v.yaml -D "store.path=$TRASH/odd.db" sql --csv "
	    SELECT printf(\"%s|secondary|%d\", n.url, count(*))
	    FROM users u JOIN nodes n ON n.run_id = u.run_id
	        AND n.node_id IN (u.secondary1_id, u.secondary2_id)
	    WHERE u.run_id = 1 GROUP BY n.url ORDER BY 1" >sec &&
	sed 1d sec >expect &&
	sed -n "s/^audius_content_node_users{endpoint=\"\([^\"]*\)\",role=\"secondary\"} \([1-9][0-9]*\)$/\1|secondary|\2/p" m |
	    LC_ALL=C sort >got &&
	test_cmp expect got &&
	test $(wc -l <got) -gt 1 &&
	vantage -c v.yaml -D "store.path=$TRASH/odd.db" sql --csv "
	    SELECT printf(\"%s|%s|%d\", n.url, h.state, count(*))
	    FROM users u JOIN history_entity_states h
	        ON h.run_id = u.run_id AND h.entity = u.user_id
	    JOIN nodes n ON n.run_id = u.run_id AND n.node_id = u.primary_id
	    WHERE u.run_id = 1 GROUP BY n.url, h.state ORDER BY 1" >st &&
	sed 1d st >expect &&
	sed -n "s/^audius_content_node_users_by_status{endpoint=\"\([^\"]*\)\",status=\"\([a-z_]*\)\"} \([1-9][0-9]*\)$/\1|\2|\3/p" m |
	    LC_ALL=C sort >got &&
	test_cmp expect got &&
	grep "incomplete_replica_set" got &&
	vantage -c v.yaml -D "store.path=$TRASH/odd.db" sql --csv "
	    SELECT count(*) FROM users WHERE run_id = 1" >n &&
	awk -v want="$(tail -n 1 n)" "
	    /^audius_users\{/ { sum += \$NF }
	    END { exit sum != want }" m
'

# A user id repeated (a discovery table with a duplicate current row) is
# still in order; both rows are looked up and the history refuses the run
# loudly, as before, rather than counting a user twice silently.
test_expect_success 'equal user ids in a row are in order' '
	stop_simnet &&
	rm -f dn.db dn.db-wal dn.db-shm &&
	start_simnet -s 7 -u 300 -n 4 &&
	sqlite3 dn.db "CREATE TABLE u2 AS SELECT * FROM users WHERE 0;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id <= 10
	        ORDER BY rowid;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id = 10
	        AND is_current = 1;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id > 10
	        ORDER BY rowid;
	    DROP TABLE users; ALTER TABLE u2 RENAME TO users" &&
	test_must_fail vantage -v -c v.yaml -D "store.path=$TRASH/dup.db" \
	    once 2>err &&
	grep "discover: users: 301 rows, in order of user_id" err &&
	grep "entity 10 appears twice" err
'

# completes_after_ N: the serve log has more than N completed runs.
completes_after_() {
	test $(grep -c ": complete: " serve.out) -gt "$1"
}

# serve_truth_: wait for a run completed after the log's line PAT, then
# its metrics (or a later run's) equal the truth.
serve_truth_() {
	poll 300 has_line "$1" serve.out &&
	n=$(grep -c ": complete: " serve.out) &&
	poll 300 completes_after_ "$n" &&
	vantage -c v.yaml -D "store.path=$TRASH/serve.db" metrics >m &&
	vantage-simnet compare truth.json m
}

# One process, many runs: each run notes the order of its own discovery,
# a table kept from the run before keeps that run's note (in order, or
# none), and the order flipping between runs never changes a count.
test_expect_success 'serve: the order of each run, kept tables with it, always the truth' '
	stop_simnet &&
	rm -f dn.db dn.db-wal dn.db-shm &&
	start_simnet -s 7 -u 1000 -n 4 &&
	write_config v.yaml &&
	bg_start vantage -v -c v.yaml -D "store.path=$TRASH/serve.db" \
	    -D schedule.interval=1s -D discovery.max_stale=1000 serve \
	    >serve.out 2>&1 &&
	serve_truth_ "discover: users: 1000 rows, in order of user_id" &&
	mv dn.db dn.db.away &&
	serve_truth_ "discover: users: the rows of run [0-9]*, in order of user_id" &&
	sqlite3 dn.db.away "CREATE TABLE u2 AS SELECT * FROM users WHERE 0;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id <> 5
	        ORDER BY rowid;
	    INSERT INTO u2 SELECT * FROM users WHERE user_id = 5;
	    DROP TABLE users; ALTER TABLE u2 RENAME TO users" &&
	mv dn.db.away dn.db &&
	serve_truth_ "discover: users: 1000 rows, in no known order" &&
	mv dn.db dn.db.away &&
	serve_truth_ "discover: users: the rows of run [0-9]*, in no known order" &&
	mv dn.db.away dn.db &&
	stop_wait $bg_pid &&
	vantage -c v.yaml -D "store.path=$TRASH/serve.db" sql --csv \
	    "SELECT count(*) FROM runs WHERE status <> '\''complete'\''" >n &&
	test "$(tail -n 1 n)" = 0
'

test_done
