#!/bin/sh
# bench/cometbft.sh -- one run of the cometbft profile on a simulated chain.
#
#   bench/cometbft.sh [NODES]      (default 5000 RPC nodes)
#
# Run from a built tree.  Starts vantage-simnet --kind cometbft on
# 127.0.0.1 (a chain.json of NODES nodes, a few of each fault), runs
# `vantage once` under /usr/bin/time, checks the exposition against the
# simulator's ground truth and prints the figures: wall time per phase, CPU
# seconds of vantage (user + system), peak RSS and requests/s.  The target
# is a run under 5 s of wall time.  Work files go to bench/out-cometbft/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
nodes=${1:-5000}
port=${BENCH_PORT:-4870}
out="$top/bench/out-cometbft"
rm -rf "$out"
mkdir -p "$out"
cd "$out"

[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ "$nodes" -ge 20 ] || { echo "bench: at least 20 nodes" >&2; exit 2; }

# One node in 50 with a fault, spread over the kinds of fault.
faults=
k=7
for f in down http500 malformed truncated wrong_network diverged \
    catching_up lagging missing flaky; do
	i=$k
	while [ $i -le "$nodes" ]; do
		faults="$faults -f $i:$f"
		i=$((i + 500))
	done
	k=$((k + 50))
done

"$top/vantage-simnet" --kind cometbft -d chain.json -t truth.json \
    -l "127.0.0.1:$port" -n "$nodes" $faults --duration 900s \
    >simnet.log 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s truth.json ]; do
	i=$((i + 1))
	[ $i -gt 3000 ] && { echo "bench: simnet did not start" >&2; exit 1; }
	kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
	sleep 0.1
done

deny='[0.0.0.0/8, 10.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4]'
/usr/bin/time -v "$top/vantage" -c "$top/conf/cometbft.yaml" \
    -D store.path="$out/vantage.db" -D discovery.url= \
    -D discovery.path="$out/chain.json" -D "crawl.deny=$deny" \
    -D "queries.dir=$top/queries/cometbft" \
    once 2>time.log || { cat time.log >&2; exit 1; }
"$top/vantage" -c "$top/conf/cometbft.yaml" -D store.path="$out/vantage.db" \
    -D "queries.dir=$top/queries/cometbft" metrics >metrics.txt
"$top/vantage-simnet" compare truth.json metrics.txt >compare.log ||
    { cat compare.log >&2; exit 1; }

q() {
	"$top/vantage" -c "$top/conf/cometbft.yaml" -D store.path="$out/vantage.db" \
	    -D "queries.dir=$top/queries/cometbft" sql --csv "$1" | tail -n 1
}
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.log)
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.log)
user=$(sed -n 's/.*User time (seconds): //p' time.log)
sys=$(sed -n 's/.*System time (seconds): //p' time.log)
printf 'bench: %s CometBFT RPC nodes, /status and /net_info each\n' "$nodes"
printf 'run wall time      %s\n' "$wall"
for phase in discover crawl query total; do
	printf '  %-16s %s s\n' "$phase" "$(q "SELECT printf('%.2f', seconds) FROM run_phases WHERE run_id = 1 AND phase = '$phase'")"
done
printf 'vantage CPU        %s s user + %s s system\n' "$user" "$sys"
printf 'peak RSS           %s MiB\n' "$((rss / 1024))"
printf 'requests           %s\n' "$(q "SELECT requests FROM runs WHERE run_id = 1")"
printf 'requests/s (crawl) %s\n' "$(q "SELECT printf('%.0f', r.requests / p.seconds) FROM runs r JOIN run_phases p USING (run_id) WHERE run_id = 1 AND p.phase = 'crawl'")"
printf 'ground truth       %s\n' "$(tail -n 1 compare.log)"
