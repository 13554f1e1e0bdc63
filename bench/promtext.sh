#!/bin/sh
# bench/promtext.sh -- reading nodes' Prometheus metrics: vantage against
# Prometheus, in samples per CPU second.
#
#   bench/promtext.sh [NODES [SERIES]]     (default 1000 nodes, 2000 series)
#
# Run from a built tree, with Prometheus installed (Debian: prometheus);
# it builds bench/promtext-serve if needed.  promtext-serve answers
# GET /n/I/metrics for each of NODES nodes on 127.0.0.1:BENCH_PORT with a
# text 0.0.4 body of SERIES series shaped like a node's /metrics (about
# 130 KB; gzipped when asked, as client_golang does).  One file_sd target
# list of those nodes is written for each reader, and then:
#
#   Prometheus scrapes them every BENCH_INTERVAL seconds (default 15).
#   After three full rounds (the first one creates the series), its CPU
#   time (/proc/PID/stat, user+sys) and prometheus_tsdb_head_samples_
#   appended_total are read, and again at the end of a window of at least
#   BENCH_ROUNDS rounds (default 4); the samples scraped in between (its
#   5 own series per target taken out) are divided by the CPU seconds.
#   scrape_samples_scraped and up confirm NODES x SERIES samples a round
#   and every target up.
#
#   In that window, while Prometheus goes on scraping, `vantage once` with
#   answer: promtext reads every node into probe_metrics (one row per
#   sample, in a new store each time), BENCH_RUNS times (default 3) under
#   /usr/bin/time; the row count is checked, and the rows divided by the
#   CPU seconds (user+sys) of the whole run: start, discovery, crawl,
#   rows, queries, exit.
#
# It prints both rates, one core each, and their ratio.  Both read the
# same server in the same way (keep-alive, gzip) at the same time, so a
# machine that other work slows down slows both.  Work files go to
# bench/out-promtext/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
nodes=${1:-1000}
series=${2:-2000}
port=${BENCH_PORT:-29430}
pport=$((port + 1))
interval=${BENCH_INTERVAL:-15}
rounds=${BENCH_ROUNDS:-4}
runs=${BENCH_RUNS:-3}
out="$top/bench/out-promtext"

for v in "$nodes" "$series" "$interval" "$rounds" "$runs"; do
	case $v in
	'' | *[!0-9]* | 0) echo "bench: NODES, SERIES, BENCH_INTERVAL," \
	    "BENCH_ROUNDS and BENCH_RUNS must be whole numbers > 0" >&2; exit 2 ;;
	esac
done
[ -x "$top/vantage" ] || { echo "bench: build first (./configure && make)" >&2; exit 2; }
[ -x "$top/bench/promtext-serve" ] || make -C "$top" bench/promtext-serve >/dev/null ||
    { echo "bench: cannot build bench/promtext-serve" >&2; exit 2; }
command -v prometheus >/dev/null 2>&1 ||
    { echo "bench: needs Prometheus (apt-get install prometheus)" >&2; exit 2; }
command -v curl >/dev/null 2>&1 ||
    { echo "bench: needs curl (apt-get install curl)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
for p in $port $pport; do
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/" 2>/dev/null &&
	    { echo "bench: 127.0.0.1:$p is in use (set BENCH_PORT)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out/q"
cd "$out"

srv=
prom=
cleanup() {
	for p in $prom $srv; do
		kill "$p" 2>/dev/null || :
	done
	for p in $prom $srv; do
		wait "$p" 2>/dev/null || :
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# $1: file, $2: what follows /n/I in __metrics_path__.  One target group
# a node, its instance label the node's name.
targets() {
	awk -v n="$nodes" -v port="$port" -v tail="$2" 'BEGIN {
		printf "["
		for (i = 0; i < n; i++)
			printf "%s\n{\"targets\": [\"127.0.0.1:%d\"], \"labels\": " \
			    "{\"__metrics_path__\": \"/n/%d%s\", \"instance\": " \
			    "\"node%d\"}}", i ? "," : "", port, i, tail, i
		print "\n]"
	}' >"$1"
}

# The value of the series $1 (name and labels as written) on Prometheus's
# own /metrics.
prom_metric() {
	curl -s --max-time 10 "http://127.0.0.1:$pport/metrics" |
	    awk -v s="$1" '$1 == s { printf "%.0f\n", $2; exit }'
}

# The one value of an instant PromQL query $1, or nothing.
prom_query() {
	curl -s --max-time 10 -G "http://127.0.0.1:$pport/api/v1/query" \
	    --data-urlencode "query=$1" |
	    sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p'
}

# CPU seconds (user+sys) of process $1 so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# Wait, polling every second for at most $2 seconds, until the shell
# condition $1 holds.
wait_until() {
	i=0
	until eval "$1"; do
		i=$((i + 1))
		[ $i -le "$2" ] || { echo "bench: timed out waiting for: $1" >&2; exit 1; }
		kill -0 "$srv" 2>/dev/null || { echo "bench: the server died" >&2; exit 1; }
		sleep 1
	done
}

tck=$(getconf CLK_TCK)
"$top/bench/promtext-serve" -l "127.0.0.1:$port" -n "$nodes" -s "$series" \
    -t 86400 >serve.log 2>&1 &
srv=$!
wait_until 'grep -q listening serve.log 2>/dev/null' 600
echo "bench: $(head -n 1 serve.log), on 127.0.0.1:$port"

# --- Prometheus ----------------------------------------------------------
targets prometheus-targets.json /metrics
cat >prometheus.yml <<EOF
global:
  scrape_interval: ${interval}s
  scrape_timeout: $((interval * 2 / 3))s
scrape_configs:
  - job_name: nodes
    file_sd_configs:
      - files: ['$out/prometheus-targets.json']
EOF
prometheus --config.file=prometheus.yml --storage.tsdb.path="$out/prometheus" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >prometheus.log 2>&1 &
prom=$!
per_round=$((nodes * (series + 5)))	# + up, scrape_duration_seconds, ...
appended() {
	prom_metric 'prometheus_tsdb_head_samples_appended_total{type="float"}'
}
targets vantage-targets.json ''
cat >q/10-up.sql <<'EOF'
-- metric: bench_nodes_up
-- type: gauge
-- help: Nodes whose exposition was read.
SELECT count(*) AS value FROM nodes WHERE run_id = :run_id AND up = 1;
EOF
cat >vantage.yaml <<EOF
store:
  path: $out/vantage.db
discovery:
  source: file_sd
  files: ['$out/vantage-targets.json']
crawl:
  retries: 0
  timeout: 60s
probes:
  - name: metrics
    path: /metrics
    answer: promtext
queries:
  dir: q
EOF

wait_until '[ "$(appended)" -ge $((3 * per_round)) ] 2>/dev/null' $((20 * interval + 600))
c0=$(cpu_ticks $prom)
a0=$(appended)
t0=$(date +%s)

# --- vantage, while Prometheus scrapes -------------------------------------
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	rm -f vantage.db vantage.db-*
	/usr/bin/time -f '%U %S %M %e' -o "time.$i" "$top/vantage" -c vantage.yaml once \
	    2>"vantage.$i.log" || { cat "vantage.$i.log" >&2; exit 1; }
	rows=$("$top/vantage" -c vantage.yaml sql --csv \
	    "SELECT count(*) || ' ' || count(error) FROM probe_metrics" | tail -n 1)
	[ "$rows" = "$((nodes * series)) 0" ] ||
	    { echo "bench: vantage: rows and errors: $rows, not $((nodes * series)) 0" >&2; exit 1; }
	awk -v n="$((nodes * series))" -v i="$i" '{
		cpu = $1 + $2
		printf "vantage      run %d: %d rows in %.2f CPU s (%.2f user, %.2f sys), " \
		    "%.1f s wall, peak RSS %d MiB\n", i, n, cpu, $1, $2, $4, $3 / 1024
		printf "%.0f\n", n / cpu > "rate.vantage." i
	}' "time.$i"
done

# The rest of a window of whole scrape intervals (a measuring window, not
# a wait for a condition).
left=$((t0 + rounds * interval - $(date +%s)))
[ $left -le 0 ] || sleep $left
c1=$(cpu_ticks $prom)
a1=$(appended)
t1=$(date +%s)
up=$(prom_query 'count(up == 1)')
scraped=$(prom_query 'sum(scrape_samples_scraped)')
rss=$(awk '/^VmHWM/ { printf "%d", $2 / 1024 }' /proc/$prom/status)
kill $prom
wait $prom 2>/dev/null || :
prom=
[ "$up" = "$nodes" ] ||
    { echo "bench: Prometheus: $up of $nodes targets up (see prometheus.log)" >&2; exit 1; }
[ "$scraped" = $((nodes * series)) ] ||
    { echo "bench: Prometheus scraped $scraped samples a round, not $((nodes * series))" >&2; exit 1; }
awk -v c="$((c1 - c0))" -v tck="$tck" -v a="$((a1 - a0))" -v pr="$per_round" \
    -v s="$series" -v n="$nodes" -v w="$((t1 - t0))" -v rss="$rss" 'BEGIN {
	samples = a * s / (s + 5); cpu = c / tck
	printf "prometheus   %d s window: %.2f rounds of %d samples (every target up), " \
	    "%.2f CPU s a round, peak RSS %d MiB\n", w, a / pr, n * s,
	    cpu / (a / pr), rss
	printf "%.0f\n", samples / cpu > "rate.prometheus"
}'

# The median run of vantage against Prometheus's window.
v=$(cat rate.vantage.* | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
p=$(cat rate.prometheus)
awk -v v="$v" -v p="$p" 'BEGIN {
	printf "samples per CPU second: vantage %.0f (median of the runs), " \
	    "Prometheus %.0f; ratio vantage/Prometheus %.2f\n", v, p, v / p
}'
