#!/bin/sh
test_description='the examples of vantage.yaml.5: each configuration checks, each message is what vantage says'
. "$VT_SRC_DIR/t/test-lib.sh"

# Every literal display of the page becomes blk.N, N the page line it
# starts on.  A display that starts with a top-level key is a piece of
# configuration: it replaces those sections of the Audius profile, and
# the result must pass `vantage check`; one that starts with "  - " goes
# on the piece before it.  Overrides, error messages, a metric file and
# commands are run too, the scrape job checked by promtool; what is not
# vantage's input (abridged JSON bodies, the exposition) is named and
# skipped.
page="$VT_SRC_DIR/man/vantage.yaml.5"
awk -f "$VT_SRC_DIR/t/man-blocks.awk" "$page" |
    awk '/^%% [0-9]+$/ { f = "blk." $2; next } { print > f }'

# The profile where the page's examples say it is, conf/audius.yaml, with
# its SQL folder at ../queries/audius.
mkdir conf && cp "$VT_SRC_DIR/conf/audius.yaml" conf/ &&
ln -s "$VT_SRC_DIR/queries" queries

# merge PIECE: the profile with the sections of PIECE, as conf/ex.yaml.
merge() {
	awk -v frag="$1" -f "$VT_SRC_DIR/t/man-merge.awk" conf/audius.yaml \
	    >conf/ex.yaml
}

check_piece() {
	cat "$1" &&
	merge "$1" &&
	vantage -c conf/ex.yaml check -v >normalized &&
	tr -d "\"" <normalized | sed "s/^ *//" >normalized.unquoted &&
	# Each "key: value" of the piece is in force (indentation aside; a
	# mapping may be printed in flow style; check -v shows a webhook's url
	# as its scheme and host only, since its path is often a secret).
	grep -E "^ *(- )?[a-z_]+: [^|[{\"' ][^][{},]*\$" "$1" |
	    sed -e "s/ *#.*//" -e "s/^ *//" \
	    -e "s|^\(- url: [a-z]*://[^/]*\)/.*|\1/***|" >scalars &&
	test -s scalars &&
	while IFS= read -r l; do
		grep -qxF -e "$l" normalized.unquoted ||
		    grep -qF -e "{$l," -e "{$l}" -e " $l," -e " $l}" \
		    normalized.unquoted ||
		    { echo "not in force: $l"; return 1; }
	done <scalars
}

# The overrides display: each line, with the page's placeholders filled.
check_overrides() {
	digest1=$(printf one | sha256sum | cut -d " " -f 1)
	digest2=$(printf two | sha256sum | cut -d " " -f 1)
	hash=$(openssl passwd -6 -salt vantage12 secret) &&
	while IFS= read -r line; do
		line=$(printf "%s\n" "$line" | sed "s|\$2b\$12\$\.\.\.|$hash|")
		eval "set -- $line" &&
		say "vantage -c conf/audius.yaml $* check" &&
		vantage -c conf/audius.yaml "$@" check || return 1
	done <"$1"
}

# The error display: the mistakes it shows, made in the profile, give
# those messages (line and column as the edited file has them).
check_errors() {
	grep -q "^conf/audius.yaml:[0-9]*:[0-9]*: schedule.interval: 500ms is out of range" "$1" &&
	grep -q "unknown key .crawl.retires." "$1" &&
	mkdir -p bad/conf && ln -sf "$VT_SRC_DIR/queries" bad/queries &&
	sed -e "s/^  interval: .*/  interval: 500ms/" -e "s/^  retries:/  retires:/" \
	    conf/audius.yaml >bad/conf/audius.yaml &&
	il=$(grep -n "^  interval: 500ms" bad/conf/audius.yaml | cut -d: -f1) &&
	rl=$(grep -n "^  retires:" bad/conf/audius.yaml | cut -d: -f1) &&
	sed -e "s/^\(conf\/audius.yaml\):[0-9]*:\([0-9]*\): schedule/\1:$il:\2: schedule/" \
	    -e "s/^\(conf\/audius.yaml\):[0-9]*:\([0-9]*\): unknown/\1:$rl:\2: unknown/" \
	    "$1" >errors.expect &&
	(cd bad && test_must_fail vantage -c conf/audius.yaml check) 2>errors.got &&
	test_cmp errors.expect errors.got
}

# The override error display: "-D key=value: message".
check_override_error() {
	ov=${1%%: *} &&
	ov=${ov#-D } &&
	test_must_fail vantage -c conf/audius.yaml -D "$ov" check 2>err &&
	head -n 1 err >got &&
	echo "$1" >expect &&
	test_cmp expect got
}

# A metric file: in a copy of the profile's SQL folder it checks, and a
# run on a simulated network exports it.
check_metric_file() {
	name=$(sed -n "s/^-- metric: //p" "$1") &&
	mkdir -p q && cp "$VT_SRC_DIR"/queries/audius/*.sql q/ &&
	cp "$1" "q/90-$name.sql" &&
	vantage -c conf/audius.yaml -D "queries.dir=$TRASH/q" check &&
	stop_simnet &&		# the network of the metric file before
	start_simnet -n 6 -u 400 &&
	write_config v.yaml &&
	vantage -c v.yaml -D "queries.dir=$TRASH/q" once &&
	vantage -c v.yaml metrics >metrics &&
	grep "^$name{" metrics >series &&
	cutoff=$(sed -n "s/^-- cutoff: //p" "$1") &&
	if [ -n "$cutoff" ]; then
		# "label N": the N largest series kept, the rest one "others".
		test $(wc -l <series) -eq $((${cutoff#* } + 1)) &&
		grep -q "${cutoff% *}=\"others\"" series
	fi
}

# A query over the Audius profile's tables (temp.user_status and the
# like): run after the profile's own queries on a simulated network, as
# a working table that a metric counts; it must have rows.
check_sql_display() {
	mkdir -p qs && cp "$VT_SRC_DIR"/queries/audius/*.sql qs/ &&
	{ echo "CREATE TEMP TABLE display AS"; cat "$1"; } >qs/11-display.sql &&
	printf "%s\n" "-- metric: display_rows" "-- help: Rows of the display." \
	    "SELECT count(*) AS value FROM temp.display;" >qs/12-display.sql &&
	stop_simnet &&
	start_simnet -n 6 -u 400 &&
	write_config v.yaml &&
	vantage -c v.yaml -D "queries.dir=$TRASH/qs" once &&
	vantage -c v.yaml metrics >metrics &&
	rows=$(sed -n "s/^display_rows //p" metrics) &&
	test "$rows" -gt 0
}

# The Prometheus scrape job: promtool accepts it, its files made (empty)
# under the trash directory.
check_scrape_config() {
	mkdir -p pv &&
	for p in $(grep -o "/etc/prometheus/vantage/[a-z.]*" "$1"); do
		: >"pv/${p##*/}" || return 1
	done &&
	sed "s#/etc/prometheus/vantage/#$TRASH/pv/#" "$1" >prometheus.yml &&
	promtool check config prometheus.yml
}

last_piece=
n=0
for f in $(ls blk.* | sort -t. -k2 -n); do
	first=$(head -n 1 "$f")
	at="vantage.yaml.5:${f#blk.}"
	n=$((n + 1))
	case "$first" in
	conf/audius.yaml:*)
		test_expect_success "$at: the error messages are vantage's" \
		    "check_errors $f" ;;
	[a-z]*:*)
		case "$first" in
		scrape_configs:*)
			if command -v promtool >/dev/null 2>&1; then
				test_expect_success "$at: the scrape job is valid for Prometheus" \
				    "check_scrape_config $f"
			else
				test_skip "$at: $first" "promtool is not installed (apt-get install prometheus)"
			fi
			continue ;;
		esac
		last_piece=$f
		test_expect_success "$at: '$first' checks" "check_piece $f" ;;
	"  - "*)
		cat "$last_piece" "$f" >"$f.whole"
		test_expect_success "$at: '$first' checks with the piece before it" \
		    "check_piece $f.whole" ;;
	"-D '"*|'-D "'*)
		test_expect_success "$at: each override checks" \
		    "check_overrides $f" ;;
	"-D "*": "*)
		test_expect_success "$at: $first" "check_override_error '$first'" ;;
	"-- metric: "*)
		if grep -q '\.\.\.' "$f"; then
			test_skip "$at: $first" "abridged"
		else
			test_expect_success "$at: $first: checks and is exported" \
			    "check_metric_file $f"
		fi ;;
	"SELECT "*)
		test_expect_success "$at: $first: runs on the profile's tables" \
		    "check_sql_display $f" ;;
	'$ vantage '*)
		cmd=$(sed 's/^\$ //' "$f" | sed 's/ serve$/ check/')
		test_expect_success "$at: $(echo "$cmd" | head -n 1) (serve as check)" \
		    "$cmd" ;;
	"{"*|"["*)
		if grep -q '\.\.\.' "$f"; then
			test_skip "$at: $first" "abridged JSON"
		else
			test_expect_success "$at: valid JSON" "jq . $f"
		fi ;;
	*"} "[0-9]*)
		test_skip "$at: $first" "exposition output" ;;
	*)
		test_expect_success "$at: a display the test knows" "
			echo 'unknown kind of display: $first'; false" ;;
	esac
done

test_expect_success 'every display of the page was found' '
	test $n -ge 20
'

test_done
