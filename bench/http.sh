#!/bin/sh
# bench/http.sh -- load test of vantage's /metrics route with wrk.
#
#   bench/http.sh                     (BENCH_SECONDS=10, BENCH_PORT=29500)
#
# Run from a built tree; it builds nothing.  Starts vantage-simnet on
# 127.0.0.1 with 20,000 users and 1000 content nodes (about 10,000 series on
# /metrics), lets `vantage serve` complete one run, then loads /metrics with
# wrk (2 threads, 64 connections, BENCH_SECONDS per variant), once plain and
# once with Accept-Encoding: gzip, and prints requests/s, latency p50/p99,
# transfer/s and body size of each.  Last, the time to render the
# exposition.  Everything listens on loopback only and is stopped at exit.
# Work files go to bench/out/http/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
users=20000
nodes=1000
secs=${BENCH_SECONDS:-10}
port=${BENCH_PORT:-29500}
hport=$((port + 1))
url="http://127.0.0.1:$hport"
out="$top/bench/out/http"

case $secs in
'' | *[!0-9]* | 0) echo "bench: BENCH_SECONDS must be a whole number of seconds > 0" >&2; exit 2 ;;
esac
[ -x "$top/vantage" ] && [ -x "$top/vantage-simnet" ] ||
    { echo "bench: build first (./configure && make)" >&2; exit 2; }
command -v wrk >/dev/null 2>&1 ||
    { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null 2>&1 ||
    { echo "bench: needs curl (apt-get install curl)" >&2; exit 2; }

# Measure our own server, not whatever already listens there.
curl -s -o /dev/null --max-time 2 "$url/" 2>/dev/null &&
    { echo "bench: 127.0.0.1:$hport is in use (set BENCH_PORT)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
cd "$out"

sim=
vt=
wk=
cleanup() {
	for p in $wk $vt $sim; do
		kill "$p" 2>/dev/null || :
	done
	for p in $wk $vt $sim; do
		wait "$p" 2>/dev/null || :
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

vantage() {
	"$top/vantage" -c "$top/conf/audius.yaml" \
	    -D store.path="$out/vantage.db" -D discovery.path="$out/dn.db" "$@"
}
q() {
	vantage sql --csv "$1" | tail -n 1
}
ms() {	# seconds (float) -> milliseconds, one decimal
	awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'
}

t0=$(date +%s.%N)
# The simulator is needed for the first run only; --duration bounds it
# even if this script is killed with SIGKILL.
"$top/vantage-simnet" -d dn.db -t truth.json -l "127.0.0.1:$port" \
    -u "$users" -n "$nodes" --duration 300s >simnet.log 2>&1 &
sim=$!
i=0
while [ ! -s truth.json ]; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "bench: simnet did not start in 60 s" >&2; exit 1; }
	kill -0 $sim 2>/dev/null || { cat simnet.log >&2; exit 1; }
	sleep 0.1
done

# One run at start, the next one an hour later: the exposition does not
# change while wrk runs.  Not through the vantage function: $! must be
# vantage itself, not a subshell, for the kill at exit to reach it.
"$top/vantage" -c "$top/conf/audius.yaml" \
    -D store.path="$out/vantage.db" -D discovery.path="$out/dn.db" \
    -D http.listen="127.0.0.1:$hport" -D schedule.interval=1h \
    serve >serve.log 2>&1 &
vt=$!
i=0
until curl -fsS -o /dev/null "$url/-/ready" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 1200 ] && { echo "bench: vantage not ready in 120 s" >&2; cat serve.log >&2; exit 1; }
	kill -0 $vt 2>/dev/null || { echo "bench: vantage exited" >&2; cat serve.log >&2; exit 1; }
	sleep 0.1
done
t1=$(date +%s.%N)
# The simulator has done its part; stop it so it does not share the CPUs.
kill $sim 2>/dev/null || :
wait $sim 2>/dev/null || :
sim=

curl -fsS -o metrics.txt "$url/metrics"
series=$(grep -c '^[a-zA-Z_:]' metrics.txt || :)
node_series=$(grep -c '^audius_content_node_' metrics.txt || :)
plain_size=$(curl -fsS -D plain.headers -o /dev/null -w '%{size_download}' "$url/metrics")
# Without keep-alive every wrk request pays for a new connection.
if tr -d '\r' <plain.headers | grep -qi '^connection:[[:space:]]*close'; then
	keepalive="no (the server sends Connection: close)"
else
	keepalive=yes
fi

# Does this build answer gzip?  curl without --compressed keeps the body as
# sent, so size_download is the compressed size.
gzip_ok=0
gzip_size=$(curl -fsS -H 'Accept-Encoding: gzip' -D gzip.headers \
    -o metrics.gz -w '%{size_download}' "$url/metrics")
if tr -d '\r' <gzip.headers | grep -qi '^content-encoding:[[:space:]]*gzip[[:space:]]*$'; then
	gzip -dc metrics.gz >metrics.gunzip 2>/dev/null &&
	    cmp -s metrics.txt metrics.gunzip ||
	    { echo "bench: the gzip answer does not decompress to the plain one" >&2; exit 1; }
	gzip_ok=1
fi

# wrk_run NAME [wrk options]: runs wrk on /metrics, output in wrk-NAME.txt.
# In the background, so that SIGTERM stops the bench at once: a trap
# interrupts `wait`, not a command in the foreground.
wrk_run() {
	name=$1
	shift
	wrk -t 2 -c 64 -d "${secs}s" --latency "$@" "$url/metrics" >"wrk-$name.txt" 2>&1 &
	wk=$!
	wait $wk || { cat "wrk-$name.txt" >&2; exit 1; }
	wk=
	kill -0 $vt 2>/dev/null || { echo "bench: vantage died under load" >&2; cat serve.log >&2; exit 1; }
}
# wrk prints durations as 850.00us, 6.85ms, 1.20s and sizes in binary
# units as 512.00KB, 5.54GB: normalize to ms and MiB.
to_ms() {
	awk '{ v = $1 + 0; u = $1; sub(/^[0-9.]+/, "", u)
	       f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
	       if (f < 0) print $1; else printf "%.2f\n", v * f }'
}
to_mib() {
	awk '{ v = $1 + 0; u = $1; sub(/^[0-9.]+/, "", u)
	       f = u == "B" ? 1 / 1048576 : u == "KB" ? 1 / 1024 : u == "MB" ? 1 : u == "GB" ? 1024 : u == "TB" ? 1048576 : -1
	       if (f < 0) print $1; else printf "%.1f\n", v * f }'
}
# wrk_report NAME BODY-SIZE
wrk_report() {
	f="wrk-$1.txt"
	printf '%s\n' "$1"
	printf '  %-16s %s\n' "requests/s" "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f")"
	printf '  %-16s %s ms\n' "latency p50" "$(awk '$1 == "50%" { print $2 }' "$f" | to_ms)"
	printf '  %-16s %s ms\n' "latency p99" "$(awk '$1 == "99%" { print $2 }' "$f" | to_ms)"
	printf '  %-16s %s MiB/s\n' "transfer/s" "$(awk '/^Transfer\/sec:/ { print $2 }' "$f" | to_mib)"
	printf '  %-16s %s bytes\n' "body size" "$2"
	# wrk counts, but does not fail on, HTTP errors and socket errors.
	errs=$(sed -n -e 's/^ *Non-2xx or 3xx responses: */non-2xx /p' \
	    -e 's/^ *Socket errors: */socket errors: /p' "$f" | paste -sd ';' -)
	[ -z "$errs" ] || printf '  %-16s %s\n' "errors" "$errs"
}

wrk_run plain
[ $gzip_ok -eq 1 ] && wrk_run gzip -H 'Accept-Encoding: gzip'

# The render time: from the store if the run records a 'render' phase,
# else the median of 5 `vantage metrics` (which renders from the store).
render_phase=$(q "SELECT count(*) FROM run_phases WHERE phase = 'render'")
if [ "$render_phase" -gt 0 ]; then
	render=$(q "SELECT printf('%.1f', seconds * 1000) FROM run_phases
	    WHERE phase = 'render' ORDER BY run_id DESC LIMIT 1")
	render_label="render (run_phases)"
	render_note=
else
	: >render.times
	for i in 1 2 3 4 5; do
		r0=$(date +%s.%N)
		vantage metrics >render.txt
		r1=$(date +%s.%N)
		awk "BEGIN { print $r1 - $r0 }" >>render.times
	done
	render=$(ms "$(sort -g render.times | sed -n 3p)")
	render_label="render (vantage metrics, includes process start)"
	render_note=" (median of 5)"
fi

printf 'bench: /metrics, %s users, %s content nodes (ready in %.1f s)\n' \
    "$users" "$nodes" "$(awk "BEGIN { print $t1 - $t0 }")"
printf '%-18s %s (%s from content nodes)\n' "series" "$series" "$node_series"
printf '%-18s %s\n' "wrk" "2 threads, 64 connections, $secs s per variant"
printf '%-18s %s\n' "keep-alive" "$keepalive"
wrk_report plain "$plain_size"
if [ $gzip_ok -eq 1 ]; then
	wrk_report gzip "$gzip_size"
else
	echo "gzip: not supported by this build"
fi
printf '%-18s %s ms%s\n' "$render_label" "$render" "$render_note"
