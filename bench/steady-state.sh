#!/bin/sh
# bench/steady-state.sh -- does the store level off over many runs?
#
#   bench/steady-state.sh [RUNS [USERS [NODES]]]
#                                 (default 1000 runs, 2000 users, 10 nodes)
#
# Runs `vantage once` RUNS times on one store against a small simulated
# Audius network, each run a day after the one before: after every run all
# stored times move back one day (runs, history_runs, sample_rollups), as
# if the runs had happened that far apart.  With store.retention 50d
# (BENCH_RETENTION) and store.rollup_retention 300d (BENCH_ROLLUP_RETENTION)
# and keep_runs 3, every pruning path runs hundreds of times: per-run
# tables dropped, raw samples and series expired, history intervals and
# runs expired, hourly and daily rollup buckets expired.  Every 10 runs
# (BENCH_CHURN) the simulator restarts with another seed: other user
# states, so that entity history has intervals to close and expire.  Every 100 runs
# (BENCH_EVERY) it prints the store file's size (main file + WAL),
# page_count, freelist_count, the rows of the tables that could grow, the
# pages of the run log (runs, run_phases, run_requests; store.run_log_retention
# is left at its default, 30d), and
# the CPU seconds (user + sys) of the last run.
#
# Run from a built tree.  Starts vantage-simnet on 127.0.0.1 (BENCH_PORT,
# default 29400; it stops by itself).  Work files go to
# bench/out/steady-state/ (BENCH_OUT).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000}
users=${2:-2000}
nodes=${3:-10}
port=${BENCH_PORT:-29400}
every=${BENCH_EVERY:-100}
churn=${BENCH_CHURN:-10}
retention=${BENCH_RETENTION:-50d}
rollup_retention=${BENCH_ROLLUP_RETENTION:-300d}
out=${BENCH_OUT:-"$top/bench/out/steady-state"}
case $runs$every$churn in
*[!0-9]*) echo "bench: RUNS and BENCH_EVERY are numbers" >&2; exit 2 ;;
esac
[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
command -v sqlite3 >/dev/null ||
    { echo "bench: needs sqlite3 (apt-get install sqlite3)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
cd "$out"

sed -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
    -e "s#^  timeout: 30s#  timeout: 2s#" \
    -e "s#^  dir: ../queries/audius#  dir: $top/queries/audius#" \
    "$top/conf/audius.yaml" >vantage.yaml

# The network: seed $1 (another seed, other user states, so that entity
# history closes intervals).  It stops by itself after --duration.
sim=
stop_sim() {
	[ -z "$sim" ] || { kill $sim 2>/dev/null; wait $sim 2>/dev/null || :; }
	sim=
}
start_sim() {
	stop_sim
	rm -f truth.json
	"$top/vantage-simnet" -d dn.db -t truth.json -l "127.0.0.1:$port" \
	    -s "$1" -u "$users" -n "$nodes" --duration 7200s >simnet.log 2>&1 &
	sim=$!
	i=0
	while [ ! -s truth.json ]; do
		i=$((i + 1))
		[ $i -gt 6000 ] && { echo "bench: simnet did not start" >&2; exit 1; }
		kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
		sleep 0.1
	done
}
trap stop_sim EXIT INT TERM

v() {
	"$top/vantage" -c vantage.yaml -D store.path="$out/vantage.db" \
	    -D discovery.path="$out/dn.db" -D store.keep_runs=3 \
	    -D store.retention="$retention" \
	    -D store.rollup_retention="$rollup_retention" "$@"
}
# A day passes between two runs (the store is not open in between).
age_store() {
	sqlite3 vantage.db "PRAGMA busy_timeout = 5000;
	    UPDATE runs SET started_at = started_at - 86400,
	    finished_at = finished_at - 86400;
	    UPDATE history_runs SET time = time - 86400;
	    UPDATE sample_rollups SET bucket = bucket - 86400,
	    last_time = last_time - 86400;" >/dev/null
}
fsize() {
	stat -c %s "$1" 2>/dev/null || echo 0
}

printf 'bench: %s runs, %s users, %s content nodes, a day apart; keep_runs 3,\n' \
    "$runs" "$users" "$nodes"
printf '       retention %s, rollup_retention %s (load average %s)\n' \
    "$retention" "$rollup_retention" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%5s %9s %9s %6s %5s %6s %6s %6s %6s %6s %6s %6s %5s %5s\n' run \
    'file KiB' 'WAL KiB' pages free runs 'log pg' samples series rollup \
    hclosed tables 'cpu s' wall
r=1
while [ "$r" -le "$runs" ]; do
	[ $(((r - 1) % churn)) -eq 0 ] && start_sim $(((r - 1) / churn + 1))
	/usr/bin/time -f '%U %S %e' -o time.log "$top/vantage" -c vantage.yaml \
	    -D store.path="$out/vantage.db" -D discovery.path="$out/dn.db" \
	    -D store.keep_runs=3 -D store.retention="$retention" \
	    -D store.rollup_retention="$rollup_retention" once 2>run.log ||
	    { cat run.log time.log >&2; exit 1; }
	age_store
	if [ $((r % every)) -eq 0 ] || [ "$r" -eq 1 ] || [ "$r" -eq "$runs" ]; then
		set -- $(sqlite3 -separator ' ' vantage.db "PRAGMA busy_timeout = 5000;
		    SELECT (SELECT page_count FROM pragma_page_count),
		    (SELECT freelist_count FROM pragma_freelist_count),
		    (SELECT count(*) FROM runs),
		    (SELECT count(*) FROM dbstat WHERE name IN ('runs',
		    'runs_status', 'run_phases', 'run_requests',
		    'sqlite_autoindex_run_phases_1',
		    'sqlite_autoindex_run_requests_1')),
		    -1,
		    (SELECT count(*) FROM series),
		    (SELECT count(*) FROM sample_rollups),
		    (SELECT count(*) FROM history_closed),
		    (SELECT count(*) FROM sqlite_schema WHERE type = 'table');" |
		    tail -n 1)
		# samples is a virtual table: vantage's connection reads it.
		samples=$(v sql --csv "SELECT count(*) FROM samples" | tail -n 1)
		a=$1 b=$2 c=$3 d=$4 && shift 5 &&
		    set -- "$a" "$b" "$c" "$d" "$samples" "$@"
		read -r ut st wall <time.log
		printf '%5s %9s %9s %6s %5s %6s %6s %6s %6s %6s %6s %6s %5.2f %5.2f\n' \
		    "$r" $(($(fsize vantage.db) / 1024)) \
		    $(($(fsize vantage.db-wal) / 1024)) "$@" \
		    "$(awk "BEGIN { print $ut + $st }")" "$wall"
	fi
	r=$((r + 1))
done
v metrics >metrics.txt
"$top/vantage-simnet" compare truth.json metrics.txt >compare.log ||
    { tail -n 20 compare.log >&2; exit 1; }
printf 'last run against the ground truth: %s\n' "$(tail -n 1 compare.log)"
