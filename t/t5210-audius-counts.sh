#!/bin/sh
test_description='Audius: users counted by status and primary whatever the type of primary_id'
. "$VT_SRC_DIR/t/test-lib.sh"

test_expect_success 'start a simulated network; some primaries stored as reals' '
	start_simnet -s 11 -u 3000 -n 6 -f 2:down &&
	write_config v.yaml &&
	sqlite3 dn.db "CREATE TABLE u2 (user_id INTEGER, wallet TEXT,
	    is_current INTEGER, primary_id, secondary_ids TEXT);
	    INSERT INTO u2 SELECT user_id, wallet, is_current,
	        CASE WHEN user_id % 3 = 0 THEN CAST(primary_id AS REAL)
	        ELSE primary_id END, secondary_ids FROM users;
	    DROP TABLE users; ALTER TABLE u2 RENAME TO users" &&
	sqlite3 dn.db "SELECT count(*) FROM users
	    WHERE is_current = 1 AND typeof(primary_id) = '\''real'\''" >reals &&
	test "$(cat reals)" -gt 500
'

# A primary of 2.0 is node 2, as in SQL: every count equals the truth.
test_expect_success 'a real primary counts as its integer node id' '
	vantage -c v.yaml once 2>err &&
	grep "run 1: complete" err &&
	vantage -c v.yaml sql --csv "SELECT count(*) FROM users
	    WHERE run_id = 1 AND typeof(primary_id) = '\''real'\''" >out &&
	test "$(tail -n 1 out)" = "$(cat reals)" &&
	vantage -c v.yaml metrics >m &&
	vantage-simnet compare truth.json m
'

# run_counts_each_user_once N: run N completes, and audius_users sums to
# the run's users.
run_counts_each_user_once() {
	vantage -c v.yaml once 2>err &&
	grep "run $1: complete" err &&
	vantage -c v.yaml metrics >m &&
	vantage -c v.yaml sql --csv "SELECT count(*) FROM users WHERE run_id = $1" >n &&
	awk -v want="$(tail -n 1 n)" "
	    /^audius_users\{/ { sum += \$NF }
	    END { exit sum != want }" m
}

# A blob names no node: the user is incomplete, and still counted once.
test_expect_success 'a blob primary: the user is counted once, as incomplete' '
	sqlite3 dn.db "SELECT user_id FROM users WHERE is_current = 1
	    AND primary_id IS NOT NULL ORDER BY user_id LIMIT 1" >uid &&
	sqlite3 dn.db "UPDATE users SET primary_id = x'\''02'\''
	    WHERE user_id = $(cat uid) AND is_current = 1" &&
	run_counts_each_user_once 2 &&
	vantage -c v.yaml sql --csv "SELECT state FROM history_entity_states
	    WHERE run_id = 2 AND entity = $(cat uid)" >st &&
	tail -n 1 st >got &&
	echo incomplete_replica_set >expect &&
	test_cmp expect got
'

# JSON text cannot carry a NUL through ->>: 'x' || char(0) || 'y' and 'x'
# are two primaries, as in GROUP BY, and the run still completes.
test_expect_success 'text primaries with a NUL inside: each user counted once' '
	sqlite3 dn.db "SELECT user_id FROM users WHERE is_current = 1
	    AND typeof(primary_id) = '\''integer'\'' ORDER BY user_id
	    LIMIT 2" >uids &&
	sqlite3 dn.db "UPDATE users SET primary_id = '\''x'\'' || char(0) ||
	    '\''y'\'' WHERE user_id = $(head -n 1 uids) AND is_current = 1;
	    UPDATE users SET primary_id = '\''x'\''
	    WHERE user_id = $(tail -n 1 uids) AND is_current = 1" &&
	run_counts_each_user_once 3
'

test_done
