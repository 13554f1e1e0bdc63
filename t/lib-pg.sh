# lib-pg.sh -- a private PostgreSQL server for a test script (after test-lib.sh)
#
# pg_start starts a throw-away cluster in $TRASH/pg, listening on
# 127.0.0.1:$PG_PORT (VT_PORT+2, the script's third port) and on a socket
# in $TRASH/pg, with trust authentication for the superuser "vantage"
# and a database "discovery".  $PG_DSN is its connection string;
# pg_psql runs psql against it.  The server is stopped when the script
# exits.  Without PostgreSQL installed (Debian: postgresql; .ci/deps
# installs it) pg_start fails, loudly: these tests are not optional.
#
# pg_load_audius DB loads the Audius tables of a SQLite discovery database
# (as vantage-simnet writes them) into the server, with a discovery node's
# real types: is_current boolean, secondary_ids integer[].

PG_PORT=$((VT_PORT + 2))
PG_DIR="$TRASH/pg"
PG_DSN="host=127.0.0.1 port=$PG_PORT user=vantage dbname=discovery"
PG_BIN=

# The binaries of the newest PostgreSQL installed.
pg_find() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			PG_BIN=$d
			return 0
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		PG_BIN=$(dirname "$(command -v initdb)")
		return 0
	fi
	echo "lib-pg: PostgreSQL is not installed (no initdb and pg_ctl under" \
	    "/usr/lib/postgresql/*/bin): apt-get install postgresql, or run .ci/deps" >&2
	return 1
}

# Run a server binary as the cluster's owner: initdb and postgres refuse
# to run as root, so root runs them as the postgres user.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	pg_find || return 1
	rm -rf "$PG_DIR"
	mkdir -p "$PG_DIR" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 ||
		    { echo "lib-pg: running as root needs the postgres user" >&2; return 1; }
		chown postgres "$PG_DIR" || return 1
	fi
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U vantage -A trust \
	    -E UTF8 --locale=C.UTF-8 --no-sync >"$TRASH/pg-initdb.log" 2>&1 ||
	    { cat "$TRASH/pg-initdb.log" >&2; return 1; }
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
	    -w -t 30 -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
	    start >"$TRASH/pg-ctl.log" 2>&1 ||
	    { cat "$TRASH/pg-ctl.log" "$PG_DIR/server.log" >&2; return 1; }
	pg_started=1
	trap 'pg_stop' EXIT
	# pg_ctl -w waited already; this bounds the wait if it did not.
	poll 300 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
	    { echo "lib-pg: server not ready" >&2; return 1; }
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
	    -U vantage -d postgres -c "CREATE DATABASE discovery" >/dev/null
}

pg_stop() {
	[ -n "${pg_started:-}" ] || return 0
	pg_started=
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 \
	    stop >/dev/null 2>&1
	return 0
}

# psql against the test database; arguments are passed on.
pg_psql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
	    -U vantage -d discovery "$@"
}

# The Audius tables of SQLite database $1, loaded with the types of a
# discovery node.  secondary_ids is JSON text in SQLite ("[2,7]", "[]")
# and integer[] in PostgreSQL ('{2,7}', '{}').  A value that is not a
# JSON array of integers cannot be an integer[] at all; it is loaded as
# NULL, which the PostgreSQL profile reads as the SQLite profile reads
# the malformed text: no secondaries, an incomplete replica set.
pg_load_audius() {
	pg_psql -c "
	SET client_min_messages TO warning;
	DROP TABLE IF EXISTS ursm_content_nodes, users, users_in;
	CREATE TABLE ursm_content_nodes(cnode_sp_id integer, endpoint text,
	    is_current boolean NOT NULL);
	CREATE TABLE users(user_id integer, wallet text, is_current boolean NOT NULL,
	    primary_id integer, secondary_ids integer[]);
	CREATE UNLOGGED TABLE users_in(user_id integer, wallet text,
	    is_current boolean, primary_id integer, secondary_ids text);" &&
	sqlite3 -csv -nullvalue '\N' "$1" \
	    "SELECT cnode_sp_id, endpoint, is_current FROM ursm_content_nodes" |
	pg_psql -c "\\copy ursm_content_nodes FROM STDIN WITH (FORMAT csv, NULL '\\N')" &&
	sqlite3 -csv -nullvalue '\N' "$1" \
	    "SELECT user_id, wallet, is_current, primary_id, secondary_ids FROM users" |
	pg_psql -c "\\copy users_in FROM STDIN WITH (FORMAT csv, NULL '\\N')" &&
	pg_psql -c "
	INSERT INTO users
	SELECT user_id, wallet, is_current, primary_id,
	    CASE WHEN secondary_ids ~ '^\\[\\s*(-?[0-9]{1,9}\\s*(,\\s*-?[0-9]{1,9}\\s*)*)?\\]\$'
	    THEN translate(secondary_ids, '[]', '{}')::integer[] END
	FROM users_in;
	DROP TABLE users_in;
	ANALYZE ursm_content_nodes, users;"
}

# The PostgreSQL Audius profile for the test server and the simulated
# network, with write_config's short timeouts.
write_pg_config() {
	sed -e "s#^  path: vantage.db#  path: $TRASH/vantage.db#" \
	    -e "s#^  dsn: .*#  dsn: \"$PG_DSN\"#" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  timeout: 30s#  timeout: 2s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/audius#  dir: $VT_SRC_DIR/queries/audius#" \
	    "$VT_SRC_DIR/conf/audius-postgresql.yaml" >"${1:-vantage.yaml}"
}
