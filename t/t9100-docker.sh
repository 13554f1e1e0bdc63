#!/bin/sh
test_description='docker/: the files compose and the Dockerfile refer to exist and parse'
. "$VT_SRC_DIR/t/test-lib.sh"

d="$VT_SRC_DIR/docker"
dash="$d/grafana/dashboards/vantage-audius.json"

# The metrics vantage exports (README.md documents each): the rules, their
# tests and the dashboard may name no other.
sort >metrics.known <<'EOF'
audius_users
audius_content_node_users
audius_content_node_users_by_status
audius_content_node_up
audius_content_node_unanswered_users
audius_users_fully_synced_throughout
audius_users_ever
vantage_run_phase_seconds
vantage_run_requests
vantage_run_items
vantage_run_nodes
vantage_runs_total
vantage_last_run_success
vantage_last_run_timestamp_seconds
vantage_last_complete_run_timestamp_seconds
vantage_build_info
EOF

# Succeeds if file $1 names at least one metric (audius_* or vantage_*)
# and every one it names is in metrics.known.
only_known_metrics() {
	grep -oE '(audius|vantage)_[a-z_]+' "$1" | sort -u >names
	test -s names || { echo "$1: names no metric"; return 1; }
	comm -23 names metrics.known >unknown
	test ! -s unknown || { echo "$1: unknown metrics:"; cat unknown; return 1; }
}

# The target compose.yaml binds the source $1 at (the line after it).
compose_target() {
	awk -v src="$1" '$1 == "source:" && $2 == src {
		getline; if ($1 == "target:") print $2 }' "$d/compose.yaml"
}

test_expect_success 'the Prometheus configuration is valid' '
	promtool check config "$d/prometheus.yml"
'

test_expect_success 'every file the compose file binds or builds from exists' '
	grep -q "dockerfile: docker/Dockerfile" "$d/compose.yaml" &&
	test -f "$d/Dockerfile" &&
	for src in $(sed -n "s/^ *source: \(\.\.\{0,1\}\/[^ ]*\)$/\1/p" "$d/compose.yaml"); do
		test -e "$d/$src" || { echo "missing: $src"; return 1; }
	done
'

test_expect_success 'the configuration the image ships checks OK' '
	sed "s#dir: \.\./queries/audius#dir: $VT_SRC_DIR/queries/audius#" \
	    "$VT_SRC_DIR/conf/audius.yaml" >image.yaml &&
	grep -q "dir: \.\./queries/audius" "$VT_SRC_DIR/conf/audius.yaml" &&
	grep -q "s#dir: \\\\.\\\\./queries/audius#dir: /usr/share/vantage/queries/audius#" "$d/Dockerfile" &&
	vantage -c image.yaml check
'

test_expect_success 'the -D overrides of the compose file are known keys' '
	for kv in $(sed -n "s/^ *- \([a-z_.]*=[^ ]*\)$/\1/p" "$d/compose.yaml"); do
		vantage -c "$VT_SRC_DIR/conf/audius.yaml" -D "$kv" \
		    -D "queries.dir=$VT_SRC_DIR/queries/audius" check >/dev/null ||
		{ echo "bad override: $kv"; return 1; }
	done
'

test_expect_success 'the compose file binds the rules and the Grafana folders' '
	test "$(compose_target ./prometheus.yml)" = /etc/prometheus/prometheus.yml &&
	test "$(compose_target ./rules)" = /etc/prometheus/rules &&
	test "$(compose_target ./grafana/provisioning)" = /etc/grafana/provisioning &&
	test "$(compose_target ./grafana/dashboards)" = /var/lib/grafana/dashboards &&
	test -d "$d/rules" && test -d "$d/grafana/provisioning" &&
	test -d "$d/grafana/dashboards" &&
	grep -q "^  grafana:$" "$d/compose.yaml" &&
	grep -q "^    image: grafana/grafana-oss$" "$d/compose.yaml" &&
	grep -q "\"127.0.0.1:3000:3000\"" "$d/compose.yaml" &&
	grep -q "^      GF_AUTH_ANONYMOUS_ENABLED: \"true\"$" "$d/compose.yaml" &&
	grep -q "^      GF_AUTH_ANONYMOUS_ORG_ROLE: Viewer$" "$d/compose.yaml" &&
	grep -q "^  grafana-data:$" "$d/compose.yaml"
'

test_expect_success 'the metrics list is the one README.md documents' '
	while read -r m; do
		grep -q "^| \`$m[{\`]" "$VT_SRC_DIR/README.md" ||
		grep -q "^- \`$m[{\`]" "$VT_SRC_DIR/README.md" ||
		{ echo "not in README.md: $m"; return 1; }
	done <metrics.known
'

test_expect_success 'the alerting rules are valid' '
	promtool check rules "$d/rules/vantage.rules.yml"
'

test_expect_success 'the alerting rules pass their unit tests' '
	promtool test rules "$VT_SRC_DIR/t/rules/vantage.rules.test.yml"
'

test_expect_success 'the rules and their tests name only exported metrics' '
	only_known_metrics "$d/rules/vantage.rules.yml" &&
	only_known_metrics "$VT_SRC_DIR/t/rules/vantage.rules.test.yml"
'

test_expect_success 'every alert has unit tests, a severity, a summary and a description' '
	r="$d/rules/vantage.rules.yml" &&
	sed -n "s/^ *- alert: *\([A-Za-z]*\)$/\1/p" "$r" >alerts &&
	n=$(wc -l <alerts) &&
	test "$n" -ge 5 &&
	for a in $(cat alerts); do
		grep -q "alertname: $a$" "$VT_SRC_DIR/t/rules/vantage.rules.test.yml" ||
		{ echo "no unit test: $a"; return 1; }
	done &&
	test "$(grep -c "^ *severity: \(warning\|critical\)$" "$r")" = "$n" &&
	test "$(grep -c "^ *summary: " "$r")" = "$n" &&
	test "$(grep -c "^ *description: " "$r")" = "$n"
'

test_expect_success 'Prometheus loads the rules, in the checkout and in the container' '
	grep -q "^  - rules/vantage.rules.yml$" "$d/prometheus.yml" &&
	promtool check config "$d/prometheus.yml" >out 2>&1 &&
	grep -q "docker/rules/vantage.rules.yml" out &&
	test "$(compose_target ./prometheus.yml)" = /etc/prometheus/prometheus.yml &&
	test "$(compose_target ./rules)" = /etc/prometheus/rules
'

test_expect_success 'every file under docker/grafana parses' '
	find "$d/grafana" -type f | sort >files &&
	test "$(wc -l <files)" -ge 3 &&
	tab=$(printf "\t") &&
	while read -r f; do
		case "$f" in
		*.json)
			jq empty "$f" || { echo "bad JSON: $f"; return 1; } ;;
		*.yml|*.yaml)
			{ grep -q "^apiVersion: 1$" "$f" &&
			  ! grep -q "$tab" "$f" &&
			  ! grep -vE "^( *#.*| *(- )?[A-Za-z_]+:( .*)?| *- .+|)$" "$f"; } ||
			{ echo "bad provisioning YAML: $f"; return 1; }
			if python3 -c "import yaml" 2>/dev/null; then
				python3 -c "import sys, yaml; yaml.safe_load(open(sys.argv[1]))" "$f" ||
				{ echo "bad YAML: $f"; return 1; }
			fi ;;
		*)
			echo "unexpected file: $f"; return 1 ;;
		esac
	done <files
'

test_expect_success 'Grafana provisions the Prometheus service and the dashboards folder' '
	ds="$d/grafana/provisioning/datasources/prometheus.yml" &&
	grep -q "^datasources:$" "$ds" &&
	grep -q "^    type: prometheus$" "$ds" &&
	grep -q "^    uid: prometheus$" "$ds" &&
	grep -q "^    url: http://prometheus:9090$" "$ds" &&
	grep -q "^    isDefault: true$" "$ds" &&
	grep -q "^  prometheus:$" "$d/compose.yaml" &&
	db="$d/grafana/provisioning/dashboards/vantage.yml" &&
	grep -q "^providers:$" "$db" &&
	grep -q "^    type: file$" "$db" &&
	test "$(sed -n "s/^ *path: //p" "$db")" = /var/lib/grafana/dashboards &&
	test "$(compose_target ./grafana/dashboards)" = /var/lib/grafana/dashboards
'

test_expect_success 'the dashboard: identity, variables and panels' '
	jq -e ".uid == \"vantage-audius\" and .schemaVersion == 39 and
	    .title == \"vantage: Audius replica sets\"" "$dash" &&
	jq -e ".templating.list | map(select(.name == \"datasource\" and
	    .type == \"datasource\" and .query == \"prometheus\")) | length == 1" "$dash" &&
	jq -e ".templating.list | map(select(.name == \"instance\" and
	    .type == \"query\")) | length == 1" "$dash" &&
	jq -e ".panels | length > 5" "$dash" &&
	jq -e "[.panels[].id] | length == (unique | length)" "$dash" &&
	jq -e "[.panels[] | select(.type != \"row\")] |
	    all(.targets | length > 0)" "$dash" &&
	for type in timeseries stat table; do
		jq -e --arg t "$type" "any(.panels[]; .type == \$t)" "$dash" >/dev/null ||
		{ echo "no $type panel"; return 1; }
	done
'

test_expect_success 'every panel, query and query variable uses ${datasource}' '
	jq -e --arg ds "\${datasource}" "[.panels[] | select(.type != \"row\")] |
	    all(.datasource.uid == \$ds and all(.targets[]; .datasource.uid == \$ds))" \
	    "$dash" &&
	jq -e --arg ds "\${datasource}" ".templating.list |
	    map(select(.type == \"query\")) | all(.datasource.uid == \$ds)" "$dash"
'

test_expect_success 'every dashboard query names exported metrics only' '
	jq -r "(.panels[].targets[]?.expr), (.templating.list[].definition // empty) |
	    gsub(\"\n\"; \" \")" "$dash" >exprs &&
	test "$(wc -l <exprs)" -gt 5 &&
	while IFS= read -r e; do
		printf "%s\n" "$e" >expr &&
		only_known_metrics expr || { echo "in: $e"; return 1; }
	done <exprs
'

test_expect_success 'the table panels: instant queries merged by endpoint' '
	jq -e "[.panels[] | select(.type == \"table\")] | length >= 1 and
	    all(all(.targets[]; .instant == true and .format == \"table\") and
	        (.transformations | map(.id) | contains([\"merge\", \"organize\"])))" \
	    "$dash" &&
	jq -r ".panels[] | select(.type == \"table\") | .targets[].expr" "$dash" >texprs &&
	test -s texprs &&
	! grep -v "^\(sum\|max\) by (endpoint) (" texprs
'

test_expect_success 'the image builds with every package configure requires' '
	sed -n "s/^VT_DEP(\[[A-Z0-9]*\], \[[^]]*\], \[\([a-z0-9.+-]*\)\]).*/\1/p" \
	    "$VT_SRC_DIR/configure.ac" >deps &&
	grep -o "install the Debian package [a-z0-9.+-]*" "$VT_SRC_DIR/configure.ac" |
	    sed "s/.* //" >>deps &&
	test $(wc -l <deps) -ge 7 &&
	while read -r pkg; do
		grep -q -- "$pkg" "$d/Dockerfile" || { echo "Dockerfile lacks $pkg"; return 1; }
		grep -q -- "$pkg" "$VT_SRC_DIR/.ci/deps" || { echo ".ci/deps lacks $pkg"; return 1; }
	done <deps
'

test_done
