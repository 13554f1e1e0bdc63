#!/bin/sh
# bench/status-page.sh -- what the status page costs on a store with a
# week of history.
#
#   bench/status-page.sh              (BENCH_REQUESTS=20, BENCH_PORT=29600)
#
# Run from a built tree; it builds nothing.  Makes a store the way a monitor
# that ran every 5 minutes for a week would have it: one real run of the
# Audius profile on vantage-simnet (20,000 users, 100 content nodes), then
# 2015 more complete runs a week back in time, their samples copied from it
# with values that vary.  Then `vantage serve` answers BENCH_REQUESTS
# requests of / (headline table, two charts of seven series, 100 nodes)
# and of /node/1 (four metrics charted over the week), one at a time, and
# it prints the mean and the worst wall time of each and the CPU seconds
# the server spent on them (user+sys, from /proc).  Loopback only;
# everything is stopped at exit.  Work files go to bench/out/status/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${BENCH_REQUESTS:-20}
port=${BENCH_PORT:-29600}
hport=$((port + 1))
url="http://127.0.0.1:$hport"
out="$top/bench/out/status"

case $n in
'' | *[!0-9]* | 0) echo "bench: BENCH_REQUESTS must be a whole number > 0" >&2; exit 2 ;;
esac
[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
for c in curl sqlite3; do
	command -v $c >/dev/null 2>&1 ||
	    { echo "bench: needs $c (apt-get install $c)" >&2; exit 2; }
done
curl -s -o /dev/null --max-time 2 "$url/" 2>/dev/null &&
    { echo "bench: 127.0.0.1:$hport is in use (set BENCH_PORT)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
cd "$out"

sim=
vt=
cleanup() {
	for p in $vt $sim; do
		kill "$p" 2>/dev/null || :
	done
	for p in $vt $sim; do
		wait "$p" 2>/dev/null || :
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set -- -c "$top/conf/audius.yaml" -D store.path="$out/vantage.db" \
    -D discovery.path="$out/dn.db" -D "crawl.deny=[0.0.0.0/8]" \
    -D http.listen=127.0.0.1:$hport

"$top/vantage-simnet" -d dn.db -t truth.json -l 127.0.0.1:$port \
    -u 20000 -n 100 -f 3:down -f 7:http500 --duration 1h >simnet.log 2>&1 &
sim=$!
i=0
until [ -s truth.json ]; do
	i=$((i + 1)); [ $i -gt 600 ] && { echo "bench: simnet did not start" >&2; exit 1; }
	sleep 0.1
done
"$top/vantage" "$@" once 2>once.log

# A week of runs every 5 minutes, the latest one real.
sqlite3 vantage.db <<'EOF'
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2015)
INSERT INTO runs (started_at, finished_at, status, nodes, requests, source)
SELECT r.finished_at - 300 * k.i - 1, r.finished_at - 300 * k.i, 'complete',
    r.nodes, r.requests, r.source
FROM k, (SELECT * FROM runs WHERE run_id = 1) r;
INSERT INTO sample_head (run_id, series_id, value)
SELECT r.run_id, v.series_id,
    round(v.value * (0.9 + 0.2 * ((r.run_id * 7919 + v.series_id * 104729) % 1000) / 1000.0))
FROM runs r, sample_head v WHERE r.run_id > 1 AND v.run_id = 1;
COMMIT;
EOF
runs=$(sqlite3 vantage.db "SELECT count(*) FROM runs")
samples=$(sqlite3 vantage.db "SELECT count(*) FROM sample_head")

"$top/vantage" "$@" -D schedule.interval=7d serve >serve.log 2>&1 &
vt=$!
i=0
until curl -fs -o /dev/null "$url/-/ready"; do
	i=$((i + 1)); [ $i -gt 600 ] && { echo "bench: serve did not start" >&2; exit 1; }
	sleep 0.1
done
# Let serve's own first run end, so that it does not count.
i=0
until [ "$(sqlite3 vantage.db "SELECT count(*) FROM runs WHERE status <> 'running'")" -gt "$runs" ]; do
	i=$((i + 1)); [ $i -gt 600 ] && { echo "bench: the run did not end" >&2; exit 1; }
	sleep 0.1
done

cpu() {
	awk '{ print $14 + $15 }' /proc/$vt/stat
}

page() {
	c0=$(cpu)
	: >times
	k=0
	while [ $k -lt "$n" ]; do
		curl -fsS -o page.html -w '%{time_total}\n' "$url$1" >>times
		k=$((k + 1))
	done
	c1=$(cpu)
	awk -v path="$1" -v n="$n" -v ticks="$(getconf CLK_TCK)" \
	    -v cpu=$((c1 - c0)) -v size="$(wc -c <page.html)" '
	    { s += $1; if ($1 > max) max = $1 }
	    END { printf "%-8s %6d bytes  mean %6.1f ms  worst %6.1f ms  server CPU %5.1f ms/request\n",
		path, size, 1000 * s / n, 1000 * max, 1000 * cpu / ticks / n }' times
}

echo "store: $runs runs over a week, $samples samples, $(du -h vantage.db | cut -f1)"
page /
page /node/1
