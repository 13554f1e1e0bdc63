#!/bin/sh
test_description='docker/: the files compose and the Dockerfile refer to exist and parse'
. "$VT_SRC_DIR/t/test-lib.sh"

d="$VT_SRC_DIR/docker"

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

test_done
