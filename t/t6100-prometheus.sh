#!/bin/sh
test_description='a real Prometheus server scrapes serve and its query API sees the ground truth'
. "$VT_SRC_DIR/t/test-lib.sh"

HTTP="http://127.0.0.1:$((VT_PORT + 1))"
PROM_ADDR="127.0.0.1:$((VT_PORT + 2))"
PROM="http://$PROM_ADDR"

# prom_query EXPR: print the value of the only series of an instant query
# (empty when there is none), or fail when the query fails or answers more
# than one series.
prom_query() {
	curl -fsS -G --data-urlencode "query=$1" "$PROM/api/v1/query" >q.json &&
	test "$(jq -r .status q.json)" = success &&
	n=$(jq -r '.data.result | length' q.json) &&
	test "$n" -le 1 || { echo "query $1:"; cat q.json; return 1; }
	jq -r '.data.result[0].value[1] // empty' q.json
}

# prom_expect EXPR VALUE: the query answers VALUE.
prom_expect() {
	got=$(prom_query "$1") || return 1
	test "$got" = "$2" || { echo "query $1: got '$got', want '$2'"; return 1; }
}

# truth METRIC LABEL VALUE: the ground truth of METRIC{LABEL="VALUE"}.
truth() {
	v=$(jq -r --arg m "$1" --arg l "$2" --arg v "$3" \
	    '.samples[] | select(.metric == $m and .labels[$l] == $v) | .value' \
	    truth.json) &&
	test -n "$v" || { echo "no truth for $1{$2=\"$3\"}"; return 1; }
	echo "$v"
}

test_expect_success 'serve a simulated network' '
	start_simnet -s 3 -u 400 -n 4 -f 2:http500 &&
	write_config v.yaml || return 1
	bg_start vantage -c v.yaml -D schedule.interval=2s serve >serve.out 2>&1 ||
	    return 1
	serve_pid=$bg_pid
	wait_for_http "$HTTP/-/ready" 300
'

# Every path Prometheus would use by default (/etc/prometheus/...,
# /var/lib/prometheus/...) is pointed into the trash directory; it only
# reads its web assets from /usr/share/prometheus.
test_expect_success 'start Prometheus scraping serve every second' '
	cat >prometheus.yml <<-EOF &&
	global:
	  scrape_interval: 1s
	  scrape_timeout: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: vantage
	    static_configs:
	      - targets: ["127.0.0.1:$((VT_PORT + 1))"]
	EOF
	promtool check config prometheus.yml &&
	mkdir -p consoles console_libraries || return 1
	bg_start prometheus --config.file=prometheus.yml \
	    --storage.tsdb.path="$TRASH/tsdb" \
	    --web.listen-address="$PROM_ADDR" \
	    --web.console.templates="$TRASH/consoles" \
	    --web.console.libraries="$TRASH/console_libraries" \
	    --log.level=warn >prometheus.out 2>&1 || return 1
	prom_pid=$bg_pid
	wait_for_http "$PROM/-/ready" 300 || { cat prometheus.out; return 1; }
'

test_expect_success 'Prometheus reports the target up' '
	i=0
	until test "$(prom_query "up{job=\"vantage\"}" 2>/dev/null)" = 1; do
		i=$((i + 1))
		test $i -lt 150 || { cat q.json prometheus.out; return 1; }
		sleep 0.2
	done
'

test_expect_success 'fully_synced users through the query API equal the ground truth' '
	want=$(truth audius_users status fully_synced) &&
	test "$want" -gt 0 &&
	prom_expect "audius_users{job=\"vantage\",status=\"fully_synced\"}" "$want"
'

test_expect_success 'the http500 node is down through the query API' '
	ep=$(jq -r ".nodes[] | select(.fault == \"http500\") | .endpoint" truth.json) &&
	test -n "$ep" &&
	test "$(truth audius_content_node_up endpoint "$ep")" = 0 &&
	prom_expect "audius_content_node_up{endpoint=\"$ep\"}" 0 &&
	prom_expect "count(audius_content_node_up == 1)" 3
'

test_expect_success 'all seven statuses are series' '
	prom_expect "count(audius_users)" 7 &&
	prom_expect "sum(audius_users)" "$(jq -r .users truth.json)"
'

test_expect_success 'the targets API shows a healthy scrape with no error' '
	curl -fsS "$PROM/api/v1/targets?state=active" >targets.json &&
	t=".data.activeTargets[0]" &&
	jq -e ".data.activeTargets | length == 1" targets.json >/dev/null &&
	test "$(jq -r "$t.labels.job" targets.json)" = vantage &&
	test "$(jq -r "$t.scrapeUrl" targets.json)" = "$HTTP/metrics" &&
	test "$(jq -r "$t.health" targets.json)" = up &&
	test "$(jq -r "$t.lastError" targets.json)" = "" ||
	{ jq . targets.json; return 1; }
'

test_expect_success 'what Prometheus scraped was OpenMetrics (its own Accept header)' '
	curl -fsS -D h -H "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1" \
	    "http://127.0.0.1:$((VT_PORT + 1))/metrics" >om &&
	grep -i "^content-type: application/openmetrics-text; version=1.0.0" h &&
	test "$(tail -n 1 om)" = "# EOF" &&
	q=$(curl -fsS -G --data-urlencode "query=vantage_runs_total{status=\"complete\"}" \
	    "http://$PROM_ADDR/api/v1/query" | jq -r ".data.result[0].value[1]") &&
	test "$q" -ge 1
'

test_expect_success 'Prometheus stops cleanly and kept its files in the trash' '
	kill -TERM "$prom_pid" &&
	i=0
	while kill -0 "$prom_pid" 2>/dev/null; do
		i=$((i + 1)); test $i -lt 150 || return 1
		sleep 0.1
	done
	wait "$prom_pid" &&
	test -d tsdb/wal &&
	test ! -e data
'

test_done
