#!/bin/sh
test_description='the EXAMPLES of vantage.1 run against a simulated network'
. "$VT_SRC_DIR/t/test-lib.sh"

# Each example command becomes ex.N; the lines the page shows after it,
# if any, ex.N.expect.  Commands are made to use this test's configuration
# and ports; those that start the simulated network are done by setup, and
# one that needs a host outside 127.0.0.x is skipped.
port=$((VT_PORT + 1))
awk -f "$VT_SRC_DIR/t/man-examples.awk" "$VT_SRC_DIR/man/vantage.1" |
awk -v port="$port" '
BEGIN { n = 0 }
$0 == "%%" { n++; next }
{
	gsub(/-c conf\/audius\.yaml/, "-c v.yaml")
	gsub(/0\.0\.0\.0:9464/, "127.0.0.1:" port)
	gsub(/127\.0\.0\.1:9464/, "127.0.0.1:" port)
	if (substr($0, 1, 2) == "> ")
		print substr($0, 3) >> ("ex." n ".expect")
	else
		print >> ("ex." n)
}'

# Wait (bounded) for the server the last example started to be ready;
# give up at once when it has exited.
serve_ready_() {
	[ "$(curl -s ${token:+-H "Authorization: Bearer $token"} \
	    "http://127.0.0.1:$port/-/ready")" = "vantage is ready" ] && return 0
	gone "$serve_pid" && { echo "serve exited" >&2; return 99; }
	return 1
}
wait_ready() { poll 300 serve_ready_; }

run_example() {
	cmd=$(cat "$1")
	say "\$ $cmd"
	eval "$cmd" >"$1.out" || return 1
	case "$cmd" in
	*" serve &")
		serve_pid=$!
		test_bg_pids="$test_bg_pids $serve_pid"
		wait_ready || return 1 ;;
	"kill \$!")
		wait "$serve_pid" 2>/dev/null
		serve_pid= ;;
	esac
	if [ -e "$1.expect" ]; then
		test_cmp "$1.expect" "$1.out" || return 1
	fi
	return 0
}

test_expect_success 'setup: every sql example is among those found' '
	test $(grep -l "^vantage .*sql" ex.* | wc -l) -ge 3 &&
	start_simnet -f 3:http500 &&
	write_config v.yaml
'

serve_pid=
token=
n=0
while [ -e "ex.$n" ]; do
	first=$(head -n 1 "ex.$n")
	case "$first" in
	"vantage-simnet -d "*|"while [ ! -e truth.json ]"*)
		test_skip "$first" "setup started the simulated network" ;;
	*monitor.example.org*|*"--cacert ca.pem"*)
		test_skip "$first" "needs TLS files and a host outside 127.0.0.x" ;;
	*)
		test_expect_success "example: $first" "run_example ex.$n" ;;
	esac
	n=$((n + 1))
done

test_done
