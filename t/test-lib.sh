# test-lib.sh -- a small TAP test library in the shape of git's t/test-lib.sh
#
# A test script sets test_description, sources this file, calls
# test_expect_success "what" 'commands' for each test, and ends with
# test_done.  Each script runs in its own trash directory; servers it starts
# bind 127.0.0.1 on ports derived from the script's number (VT_PORT..+2),
# so `prove -j` and `make -j check` are safe.

set -u
: "${VT_BUILD_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${VT_SRC_DIR:=$VT_BUILD_DIR}"
export VT_BUILD_DIR VT_SRC_DIR
PATH="$VT_BUILD_DIR:$PATH"
export PATH
LC_ALL=C
export LC_ALL

test_name=$(basename "$0" .sh)
test_number=$(echo "$test_name" | sed -n 's/^t\([0-9][0-9][0-9][0-9]\).*/\1/p' | sed 's/^0*//')
# Three ports per test (VT_PORT..VT_PORT+2), distinct for distinct numbers
# and below Linux's ephemeral range (32768 up).  VT_PORT_BASE moves them
# all, e.g. to run two checkouts' suites at once.
VT_PORT=$((${VT_PORT_BASE:-2000} + ${test_number:-0} * 3))
TRASH="$VT_BUILD_DIR/t/trash.$test_name"
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1

test_count=0
test_failures=0
test_cleanup=
test_bg_pids=

# Under TEST_VALGRIND=1 (or ./configure --enable-valgrind) every vantage
# process the test starts runs under valgrind's memcheck: a wrapper named
# vantage comes first in PATH, so commands, servers started with bg_start
# or in the background, and commands run by script(1) or sh -c all get it.
# Each process logs to $TRASH/.valgrind/PID.log; a command exits 126 on an
# error, and test_done fails the script if any process, servers included,
# logged one.
if [ "${TEST_VALGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null 2>&1 || {
		echo "Bail out! TEST_VALGRIND=1 but valgrind is not installed" \
		    "(apt-get install valgrind)"
		exit 1
	}
	mkdir -p "$TRASH/.valgrind/bin"
	cat >"$TRASH/.valgrind/bin/vantage" <<-EOF
	#!/bin/sh
	exec valgrind -q --error-exitcode=126 --leak-check=full \\
	    --errors-for-leak-kinds=definite --track-fds=no \\
	    --log-file="$TRASH/.valgrind/%p.log" "$VT_BUILD_DIR/vantage" "\$@"
	EOF
	chmod +x "$TRASH/.valgrind/bin/vantage"
	PATH="$TRASH/.valgrind/bin:$PATH"
	export PATH
fi

# Bounded waits are VT_WAIT_SCALE times longer: 10 under valgrind, which
# runs vantage some twenty times slower.
VT_WAIT_SCALE=1
[ "${TEST_VALGRIND:-0}" = 1 ] && VT_WAIT_SCALE=10

# Under valgrind: one more test, that no vantage process logged an error.
valgrind_check_() {
	[ "${TEST_VALGRIND:-0}" = 1 ] || return 0
	test_count=$((test_count + 1))
	_n=$(ls "$TRASH/.valgrind/" | grep -c '\.log$')
	_bad=
	for _l in "$TRASH"/.valgrind/*.log; do
		[ -s "$_l" ] && _bad="$_bad $_l"
	done
	if [ -z "$_bad" ]; then
		echo "ok $test_count - valgrind: no errors in $_n vantage processes"
		return 0
	fi
	echo "not ok $test_count - valgrind: errors in vantage processes"
	for _l in $_bad; do
		sed 's/^/#   /' "$_l"
	done
	test_failures=$((test_failures + 1))
}

say() { printf '# %s\n' "$*"; }

test_when_finished() {
	test_cleanup="$1
$test_cleanup"
}

# The body runs in this shell (as in git), so it can start servers whose
# pids test_done stops; use `return 1` rather than `exit` inside it.
test_run_() {
	eval "$1"
}

test_expect_success() {
	test_count=$((test_count + 1))
	test_cleanup=
	if test_run_ "$2" >"$TRASH/.out" 2>&1 </dev/null; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
		test_failures=$((test_failures + 1))
	fi
	if [ -n "$test_cleanup" ]; then
		eval "$test_cleanup" >/dev/null 2>&1
	fi
	cd "$TRASH" || exit 1
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_must_fail() {
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $rc -gt 128 ] || [ $rc -eq 126 ]; then
		echo "test_must_fail: '$*' died (exit $rc)" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# poll TRIES CMD...: run CMD until it succeeds, at most TRIES times
# (VT_WAIT_SCALE times more under valgrind), 0.1 s apart; if it never does,
# fail saying what was waited for; a CMD that exits 99 means it never will
# (say, the server it waits for has exited), and poll fails at once (not
# 2: test and grep exit 2 on errors, such as a file not there yet).  Every wait of the suite is this one:
# for a condition, and bounded.  A condition with command substitutions
# is a small function of the test, so that it is evaluated on each try.
poll() {
	_poll_n=$(($1 * VT_WAIT_SCALE))
	shift
	_poll_i=0
	until "$@"; do
		[ $? -eq 99 ] && return 1
		_poll_i=$((_poll_i + 1))
		[ $_poll_i -lt $_poll_n ] ||
		    { echo "timed out waiting for: $*" >&2; return 1; }
		sleep 0.1
	done
}

# Conditions for poll: process PID has exited; FILE has a line matching
# PATTERN.
gone() { ! kill -0 "$1" 2>/dev/null; }
has_line() { grep -q "$1" "$2" 2>/dev/null; }

# stop_wait PID [TRIES]: SIGTERM, then wait until it has exited.
stop_wait() {
	kill -TERM "$1" 2>/dev/null
	poll "${2:-300}" gone "$1"
}

# Wait (bounded) until a file exists and is not empty; with a pid as
# third argument, give up as soon as that process is gone.
file_ready_() {
	[ -s "$1" ] && return 0
	if [ -n "$2" ] && gone "$2"; then
		echo "process $2 exited before writing $1" >&2
		return 99
	fi
	return 1
}
wait_for_file() { poll "${2:-300}" file_ready_ "$1" "${3:-}"; }

# Say so when a test's port is taken by another program.
port_hint() {
	if grep -qi "address already in use\|cannot bind\|bind:" "$1" 2>/dev/null; then
		echo "port $2 is taken by another program: free it, or run the" \
		    "suite with VT_PORT_BASE set to another base (now ${VT_PORT_BASE:-2000})" >&2
	fi
}

# Wait (bounded) until an HTTP URL answers 200.
http_ok_() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
wait_for_http() { poll "${2:-300}" http_ok_ "$1"; }

# Run a server in the background; bg_pid is its own pid (recorded by the
# process itself, since dash may put a subshell between $! and the
# server), and test_done stops it.  Redirect the call to capture output.
bg_start() {
	_pidf="$TRASH/.pid.$$.$test_count.${1##*/}"
	rm -f "$_pidf"
	sh -c 'echo $$ >"$0"; exec "$@"' "$_pidf" "$@" &
	wait_for_file "$_pidf" || return 1
	read bg_pid <"$_pidf"
	test_bg_pids="$test_bg_pids $bg_pid"
}

# Start vantage-simnet in the background writing dn.db and truth.json;
# arguments are passed on.  It stops by itself after --duration.
start_simnet() {
	rm -f truth.json
	bg_start vantage-simnet -d dn.db -t truth.json -l "127.0.0.1:$VT_PORT" \
	    --duration 300s "$@" >simnet.out 2>&1 || return 1
	simnet_pid=$bg_pid
	wait_for_file truth.json 300 "$simnet_pid" || {
		cat simnet.out >&2
		port_hint simnet.out "$VT_PORT"
		return 1
	}
}

stop_simnet() {
	[ -n "${simnet_pid:-}" ] && kill "$simnet_pid" 2>/dev/null
	[ -n "${simnet_pid:-}" ] && wait "$simnet_pid" 2>/dev/null
	simnet_pid=
	return 0
}

# A configuration for the simulated network: the Audius profile with short
# timeouts, the store and discovery in the trash directory, and loopback
# (where vantage-simnet serves) taken out of crawl.deny.
write_config() {
	sed -e "s#^  path: vantage.db#  path: $TRASH/vantage.db#" \
	    -e "/^    - 127\.0\.0\.0\/8\$/d" -e "/^    - ::1\/128\$/d" \
	    -e "s#^  path: discovery.db#  path: $TRASH/dn.db#" \
	    -e "s#^  listen: 127.0.0.1:9464#  listen: 127.0.0.1:$((VT_PORT + 1))#" \
	    -e "s#^  timeout: 30s#  timeout: 2s#" \
	    -e "s#^  backoff: 500ms#  backoff: 50ms#" \
	    -e "s#^  dir: ../queries/audius#  dir: $VT_SRC_DIR/queries/audius#" \
	    "$VT_SRC_DIR/conf/audius.yaml" >"${1:-vantage.yaml}"
}

# The small profile of the discovery-source tests: a probe of each node's
# /health_check (for an unquoted here-document: $(health_probe)) ...
health_probe() {
	printf '%s\n' 'probes:' '  - name: health' '    path: /health_check' \
	    '    values:' '      - column: healthy' '        pointer: /data/healthy' \
	    '        type: boolean'
}

# ... and the metric file FILE of it: METRIC{url, LABEL} from the node
# label at JSON path PATH, 1 for a healthy node, else 0.
health_query() {
	cat >"$1" <<-EOS
	-- metric: $2
	-- type: gauge
	-- help: Whether the node says it is healthy.
	SELECT n.url, json_extract(n.labels, '\$.$4') AS $3,
	    coalesce(h.healthy, 0) AS value
	FROM nodes n LEFT JOIN probe_health h
	    ON h.run_id = n.run_id AND h.node_id = n.node_id
	WHERE n.run_id = :run_id;
	EOS
}

test_done() {
	for p in $test_bg_pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	valgrind_check_
	echo "1..$test_count"
	if [ $test_failures -eq 0 ]; then
		cd "$VT_BUILD_DIR" && rm -rf "$TRASH"
		exit 0
	fi
	say "failed $test_failures of $test_count"
	exit 1
}
