#!/bin/sh
# bench/pgsql.sh -- discovery from PostgreSQL against discovery from SQLite.
#
#   bench/pgsql.sh [USERS [NODES]]    (default 1000000 users, 100 nodes)
#
# Run from a built tree, with PostgreSQL installed (Debian: postgresql).
# vantage-simnet writes the discovery database and serves the content
# nodes; the same tables are loaded into a private PostgreSQL server (in
# bench/out-pgsql/pg, on 127.0.0.1:BENCH_PORT+2) with a discovery node's
# types.  Then one `vantage once` with conf/audius.yaml (SQLite) and one
# with conf/audius-postgresql.yaml, each under /usr/bin/time, both checked
# against the ground truth; it prints the discover phase, the whole run
# and the peak RSS of each, on USERS and on a tenth of them.  Then the
# same two sources once more with only a /health_check probe and one
# query, whose peak RSS is the discovery's (streaming the users into the
# store) rather than the crawl's, which holds each node's users: it shows
# whether discovery's memory grows with the users.  Times are wall
# seconds, as the run records its phases.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-1000000}
nodes=${2:-100}
port=${BENCH_PORT:-29410}
out="$top/bench/out-pgsql"

[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -w "$top/bench" ] || { echo "bench: $top/bench is not writable" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
cd "$out"

# The profile's crawl.deny without loopback, where the simulated nodes are
# (as `make demo` does).
deny='[0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16,
    169.254.0.0/16, 192.0.0.0/24, 198.18.0.0/15, 224.0.0.0/4, 240.0.0.0/4,
    168.63.129.16/32, 100.100.100.200/32, "::/128", "fe80::/10", "fc00::/7",
    "ff00::/8"]'

# lib-pg.sh wants the test library's names: the server lives in $TRASH/pg
# and listens on VT_PORT+2.
TRASH=$out
VT_PORT=$port
VT_SRC_DIR=$top
. "$top/t/lib-pg.sh"
sim=
cleanup() {
	[ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
	pg_stop
}

# $1: users.  Starts the simulator, loads PostgreSQL.
network() {
	[ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
	rm -f truth.json
	"$top/vantage-simnet" -d dn.db -t truth.json -l "127.0.0.1:$port" \
	    -u "$1" -n "$nodes" --duration 1800s >simnet.log 2>&1 &
	sim=$!
	i=0
	while [ ! -s truth.json ]; do
		i=$((i + 1))
		[ $i -gt 6000 ] && { echo "bench: simnet did not start" >&2; exit 1; }
		kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
		sleep 0.1
	done
	t0=$(date +%s.%N)
	pg_load_audius dn.db >/dev/null
	pg_psql -c CHECKPOINT
	load=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")
}

# The seconds of phase $2 of the run in the store, with config $1.
phase() {
	"$top/vantage" -c "$1" -D store.path="$out/vantage.db" sql --csv \
	    "SELECT printf('%.2f', seconds) FROM run_phases WHERE run_id = 1 AND
	    phase = '$2'" | tail -n 1
}

# $1: label, $2: config, then -D options.  One run, checked, its figures.
run() {
	label=$1
	conf=$2
	shift 2
	rm -f vantage.db vantage.db-*
	/usr/bin/time -v "$top/vantage" -c "$conf" -D store.path="$out/vantage.db" \
	    -D discovery.timeout=1h -D "crawl.deny=$deny" "$@" once 2>"time.$label" || { cat "time.$label" >&2; exit 1; }
	"$top/vantage" -c "$conf" -D store.path="$out/vantage.db" metrics >"metrics.$label"
	"$top/vantage-simnet" compare truth.json "metrics.$label" >"compare.$label" ||
	    { cat "compare.$label" >&2; exit 1; }
	disc=$(phase "$conf" discover)
	total=$(phase "$conf" total)
	[ -n "$disc" ] && [ -n "$total" ] || { echo "bench: $label: no run phases" >&2; exit 1; }
	printf '%-22s discover %6s s   run %6s s   peak RSS %4s MiB   %s\n' "$label" \
	    "$disc" "$total" \
	    "$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "time.$label") / 1024))" \
	    "$(tail -n 1 "compare.$label")"
}

# $1: label, $2: config, then -D options.  A run that discovers and asks
# each node for its /health_check only: its peak RSS is the discovery's.
run_discover() {
	label=$1
	conf=$2
	shift 2
	rm -f vantage.db vantage.db-*
	/usr/bin/time -v "$top/vantage" -c "$conf" -D store.path="$out/vantage.db" \
	    -D discovery.timeout=1h -D "crawl.deny=$deny" \
	    -D "probes=[{name: health, path: /health_check, values: [{column: healthy,
	        pointer: /data/healthy, type: boolean}]}]" \
	    -D "queries.dir=$out/q" "$@" once 2>"time.$label" || { cat "time.$label" >&2; exit 1; }
	disc=$(phase "$conf" discover)
	[ -n "$disc" ] || { echo "bench: $label: no run phases" >&2; exit 1; }
	printf '%-22s discover %6s s                 peak RSS %4s MiB   (discovery only)\n' \
	    "$label" "$disc" \
	    "$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "time.$label") / 1024))"
}

mkdir q
cat >q/10-users.sql <<'EOF'
-- metric: bench_users
-- type: gauge
-- help: Users discovered.
SELECT count(*) AS value FROM users WHERE run_id = :run_id;
EOF

pg_start >/dev/null
trap cleanup EXIT INT TERM

small=$((users / 10))
network "$small"
echo "bench: $small users, $nodes content nodes (PostgreSQL loaded in $load s)"
run "sqlite $small" "$top/conf/audius.yaml" -D discovery.path="$out/dn.db"
run "postgresql $small" "$top/conf/audius-postgresql.yaml" -D "discovery.dsn=$PG_DSN"
run_discover "sqlite $small" "$top/conf/audius.yaml" -D discovery.path="$out/dn.db"
run_discover "postgresql $small" "$top/conf/audius-postgresql.yaml" -D "discovery.dsn=$PG_DSN"

network "$users"
echo "bench: $users users, $nodes content nodes (PostgreSQL loaded in $load s)"
run "sqlite $users" "$top/conf/audius.yaml" -D discovery.path="$out/dn.db"
run "postgresql $users" "$top/conf/audius-postgresql.yaml" -D "discovery.dsn=$PG_DSN"
run_discover "sqlite $users" "$top/conf/audius.yaml" -D discovery.path="$out/dn.db"
run_discover "postgresql $users" "$top/conf/audius-postgresql.yaml" -D "discovery.dsn=$PG_DSN"
