#!/bin/sh
# bench/run.sh -- full vantage runs on a simulated Audius network.
#
#   bench/run.sh [-u] [-r RUNS] [USERS [NODES]]
#                                     (default 1000000 users, 100 nodes)
#
#   -u       the discovery table in an unordered shape (vantage-simnet
#            --unordered): rows in no user order, stale is_current = 0 rows
#            interleaved, user ids not monotonic, as on a real discovery node
#   -r RUNS  runs in a row on the same store (default 11): the last one is
#            the steady state, with keep_runs (3) pruning a run's tables and
#            retention (BENCH_RETENTION, default 2m) expiring samples
#
# Run from a built tree.  Starts vantage-simnet on 127.0.0.1 (BENCH_PORT,
# default 29400; it stops by itself), runs `vantage once` RUNS times, each
# under /usr/bin/time, checks every run's metrics against the simulator's
# ground truth and prints the figures of the first and the last run: wall
# and CPU seconds (user + sys of the vantage process), each phase, the
# pruning of old runs, peak RSS, requests/s and the store's size.  Work
# files go to bench/out/run/ (BENCH_OUT).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
unordered=
shape=ordered
runs=11
while getopts ur: opt; do
	case $opt in
	u) unordered=--unordered shape=unordered ;;
	r) runs=$OPTARG ;;
	*) echo "usage: bench/run.sh [-u] [-r RUNS] [USERS [NODES]]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
users=${1:-1000000}
nodes=${2:-100}
port=${BENCH_PORT:-29400}
retention=${BENCH_RETENTION:-2m}
out=${BENCH_OUT:-"$top/bench/out/run"}
case $runs in
'' | *[!0-9]* | 0) echo "bench: -r takes a number of runs > 0" >&2; exit 2 ;;
esac
[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
cd "$out"

# The Audius profile with loopback (where the simulator serves) taken out
# of crawl.deny, everything else as shipped.
sed -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
    -e "s#^  dir: ../queries/audius#  dir: $top/queries/audius#" \
    "$top/conf/audius.yaml" >vantage.yaml

t0=$(date +%s.%N)
"$top/vantage-simnet" -d dn.db -t truth.json -l "127.0.0.1:$port" \
    -u "$users" -n "$nodes" $unordered --duration 3600s >simnet.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s truth.json ]; do
	i=$((i + 1))
	[ $i -gt 6000 ] && { echo "bench: simnet did not start" >&2; exit 1; }
	kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
	sleep 0.1
done
t1=$(date +%s.%N)

v() {
	"$top/vantage" -c vantage.yaml -D store.path="$out/vantage.db" \
	    -D discovery.path="$out/dn.db" -D store.retention="$retention" "$@"
}
q() {
	v sql --csv "$1" | tail -n 1
}
tv() {
	sed -n "s/.*$2: //p" "$1"
}

r=1
while [ $r -le "$runs" ]; do
	/usr/bin/time -v -o "time.$r.log" "$top/vantage" -v -c vantage.yaml \
	    -D store.path="$out/vantage.db" -D discovery.path="$out/dn.db" \
	    -D store.retention="$retention" once 2>"run.$r.log" ||
	    { cat "run.$r.log" "time.$r.log" >&2; exit 1; }
	v metrics >"metrics.$r.txt"
	"$top/vantage-simnet" compare truth.json "metrics.$r.txt" \
	    >"compare.$r.log" || { tail -n 20 "compare.$r.log" >&2; exit 1; }
	r=$((r + 1))
done

printf 'bench: %s users, %s content nodes, %s discovery table, %s run(s)\n' \
    "$users" "$nodes" "$shape" "$runs"
printf '       (simnet ready in %.1f s; load average %s)\n' \
    "$(awk "BEGIN { print $t1 - $t0 }")" "$(cut -d' ' -f1-3 /proc/loadavg)"
report() {
	r=$1
	id=$r
	rss=$(tv "time.$r.log" "Maximum resident set size (kbytes)")
	printf '%s\n' "$2"
	printf '  run wall time      %s\n' "$(tv "time.$r.log" \
	    'Elapsed (wall clock) time (h:mm:ss or m:ss)')"
	printf '  CPU seconds        %.2f (user %s, sys %s)\n' \
	    "$(awk "BEGIN { print $(tv "time.$r.log" 'User time (seconds)') + \
	    $(tv "time.$r.log" 'System time (seconds)') }")" \
	    "$(tv "time.$r.log" 'User time (seconds)')" \
	    "$(tv "time.$r.log" 'System time (seconds)')"
	cpu=$(sed -n 's/.*cpu seconds: //p' "run.$r.log")
	printf '    %-16s %-9s %s\n' phase wall CPU
	for phase in discover crawl query publish total prune; do
		printf '    %-16s %-9s %s\n' "$phase" "$(q "SELECT CASE WHEN seconds IS NULL THEN '-' ELSE printf('%.2f s', seconds) END FROM (SELECT 1) LEFT JOIN run_phases ON run_id = $id AND phase = '$phase'")" \
		    "$(printf '%s\n' "$cpu" | tr ',' '\n' | sed -n "s/^ *$phase //p")"
	done
	printf '  peak RSS           %s MiB\n' "$((rss / 1024))"
	printf '  requests           %s\n' "$(q "SELECT requests FROM runs WHERE run_id = $id")"
	printf '  requests/s (crawl) %s\n' "$(q "SELECT printf('%.0f', r.requests / p.seconds) FROM runs r JOIN run_phases p USING (run_id) WHERE run_id = $id AND p.phase = 'crawl'")"
	printf '  ground truth       %s\n' "$(tail -n 1 "compare.$r.log")"
}
report 1 "first run (a new store)"
[ "$runs" -gt 1 ] && report "$runs" "run $runs (steady state: keep_runs 3, retention $retention)"
printf 'store size         %s MiB (+ %s MiB WAL)\n' \
    "$(($(stat -c %s vantage.db) / 1048576))" \
    "$(($(stat -c %s vantage.db-wal 2>/dev/null || echo 0) / 1048576))"
