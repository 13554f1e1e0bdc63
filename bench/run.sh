#!/bin/sh
# bench/run.sh -- one full vantage run on a simulated Audius network.
#
#   bench/run.sh [USERS [NODES]]      (default 1000000 users, 100 nodes)
#
# Run from a built tree.  Starts vantage-simnet on 127.0.0.1 (it stops by
# itself), runs `vantage once` under /usr/bin/time, checks the result
# against the simulator's ground truth and prints the figures: wall time per
# phase, peak RSS, requests and requests/s.  Work files go to bench/out/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-1000000}
nodes=${2:-100}
port=${BENCH_PORT:-29400}
out="$top/bench/out"
rm -rf "$out"
mkdir -p "$out"
cd "$out"

[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

t0=$(date +%s.%N)
"$top/vantage-simnet" -d dn.db -t truth.json -l "127.0.0.1:$port" \
    -u "$users" -n "$nodes" --duration 900s >simnet.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s truth.json ]; do
	i=$((i + 1))
	[ $i -gt 3000 ] && { echo "bench: simnet did not start" >&2; exit 1; }
	kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
	sleep 0.1
done
t1=$(date +%s.%N)

/usr/bin/time -v "$top/vantage" -c "$top/conf/audius.yaml" \
    -D store.path="$out/vantage.db" -D discovery.path="$out/dn.db" \
    once 2>time.log || { cat time.log >&2; exit 1; }
"$top/vantage" -c "$top/conf/audius.yaml" -D store.path="$out/vantage.db" \
    metrics >metrics.txt
"$top/vantage-simnet" compare truth.json metrics.txt >compare.log ||
    { cat compare.log >&2; exit 1; }

q() {
	"$top/vantage" -c "$top/conf/audius.yaml" -D store.path="$out/vantage.db" \
	    sql --csv "$1" | tail -n 1
}
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.log)
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.log)
printf 'bench: %s users, %s content nodes (simnet ready in %.1f s)\n' \
    "$users" "$nodes" "$(awk "BEGIN { print $t1 - $t0 }")"
printf 'run wall time      %s\n' "$wall"
for phase in discover crawl query total; do
	printf '  %-16s %s s\n' "$phase" "$(q "SELECT printf('%.2f', seconds) FROM run_phases WHERE run_id = 1 AND phase = '$phase'")"
done
printf 'peak RSS           %s MiB\n' "$((rss / 1024))"
printf 'requests           %s\n' "$(q "SELECT requests FROM runs WHERE run_id = 1")"
printf 'requests/s (crawl) %s\n' "$(q "SELECT printf('%.0f', r.requests / p.seconds) FROM runs r JOIN run_phases p USING (run_id) WHERE run_id = 1 AND p.phase = 'crawl'")"
printf 'store size         %s MiB\n' "$(($(stat -c %s vantage.db) / 1048576))"
printf 'ground truth       %s\n' "$(tail -n 1 compare.log)"
