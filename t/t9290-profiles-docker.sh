#!/bin/sh
test_description='docker/: the dashboards and alerting rules of the audiusd, cometbft, evm and mina profiles'
. "$VT_SRC_DIR/t/test-lib.sh"

d="$VT_SRC_DIR/docker"

# The metrics a profile exports: its query files' metric headers and the
# monitor's own (the ones README.md lists under "The Audius metrics").
profile_metrics() {
	{ sed -n "s/^-- metric: //p" "$VT_SRC_DIR/queries/$1"/*.sql
	  grep -o "^- \`vantage_[a-z_]*" "$VT_SRC_DIR/README.md" | sed "s/^- .//"
	} | sort -u >"known.$1"
}

# Every cometbft_/mina_/vantage_ name in file $2 is a metric of profile $1.
only_profile_metrics() {
	grep -oE "(audiusd|cometbft|evm|mina|vantage)_[a-z_]+" "$2" | sort -u >names
	test -s names || { echo "$2: names no metric"; return 1; }
	comm -23 names "known.$1" >unknown
	test ! -s unknown || { echo "$2: unknown metrics:"; cat unknown; return 1; }
}

test_expect_success 'setup' '
	profile_metrics audiusd && profile_metrics cometbft && profile_metrics evm && profile_metrics mina &&
	grep -q "^cometbft_node_up$" known.cometbft &&
	grep -q "^mina_node_restarts_total$" known.mina &&
	grep -q "^vantage_last_complete_run_timestamp_seconds$" known.mina
'

for p in audiusd cometbft evm mina; do
	test_expect_success "$p: the profile as shipped checks OK, with its params listed" '
		vantage -c "$VT_SRC_DIR/conf/'$p'.yaml" check &&
		vantage -c "$VT_SRC_DIR/conf/'$p'.yaml" check -v >out &&
		grep "^params: {[a-z_]*: [0-9]" out
	'

	test_expect_success "$p: the rules are valid and Prometheus loads them" '
		promtool check rules "$d/rules/'$p'.rules.yml" &&
		grep -q "^  - rules/'$p'.rules.yml$" "$d/prometheus.yml" &&
		promtool check config "$d/prometheus.yml" >out 2>&1 &&
		grep -q "docker/rules/'$p'.rules.yml" out
	'

	test_expect_success "$p: every alert has unit tests that pass, a severity, a summary and a description" '
		r="$d/rules/'$p'.rules.yml" &&
		tst="$VT_SRC_DIR/t/rules/'$p'.rules.test.yml" &&
		promtool test rules "$tst" &&
		sed -n "s/^ *- alert: *\([A-Za-z]*\)$/\1/p" "$r" >alerts &&
		n=$(wc -l <alerts) && test "$n" -ge 4 &&
		for a in $(cat alerts); do
			grep -q "alertname: $a$" "$tst" ||
			{ echo "no unit test: $a"; return 1; }
			test "$(grep -c "alertname: $a$" "$tst")" -ge 2 ||
			{ echo "$a is not tested where it must not fire"; return 1; }
		done &&
		test "$(grep -c "^ *severity: \(warning\|critical\)$" "$r")" = "$n" &&
		test "$(grep -c "^ *summary: " "$r")" = "$n" &&
		test "$(grep -c "^ *description: " "$r")" = "$n"
	'

	test_expect_success "$p: the rules and their tests name only the profile's metrics" '
		only_profile_metrics '$p' "$d/rules/'$p'.rules.yml" &&
		only_profile_metrics '$p' "$VT_SRC_DIR/t/rules/'$p'.rules.test.yml"
	'

	test_expect_success "$p: the dashboard: identity, data source, panels" '
		dash="$d/grafana/dashboards/vantage-'$p'.json" &&
		jq -e ".uid == \"vantage-'$p'\" and .schemaVersion == 39" "$dash" &&
		jq -e ".templating.list | map(select(.name == \"datasource\" and
		    .type == \"datasource\")) | length == 1" "$dash" &&
		jq -e "[.panels[].id] | length == (unique | length)" "$dash" &&
		jq -e --arg ds "\${datasource}" "[.panels[] | select(.type != \"row\")] |
		    all(.datasource.uid == \$ds and (.targets | length > 0) and
		    all(.targets[]; .datasource.uid == \$ds))" "$dash" &&
		for type in timeseries stat table; do
			jq -e --arg t "$type" "any(.panels[]; .type == \$t)" "$dash" >/dev/null ||
			{ echo "no $type panel"; return 1; }
		done
	'

	test_expect_success "$p: every dashboard query names the profile's metrics only" '
		jq -r "(.panels[].targets[]?.expr), (.templating.list[].definition // empty)" \
		    "$d/grafana/dashboards/vantage-'$p'.json" >exprs &&
		test "$(wc -l <exprs)" -gt 5 &&
		only_profile_metrics '$p' exprs
	'

	test_expect_success "$p: README.md documents every metric of the profile" '
		sed -n "s/^-- metric: //p" "$VT_SRC_DIR/queries/'$p'"/*.sql >mine &&
		while read -r m; do
			grep -q "^| \`$m[{\`]" "$VT_SRC_DIR/README.md" ||
			{ echo "not in README.md: $m"; return 1; }
		done <mine
	'
done

test_done
