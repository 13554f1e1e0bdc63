#!/bin/sh
test_description='debian/vantage.service: systemd accepts it, its exposure is low, and its filters let vantage work'
. "$VT_SRC_DIR/t/test-lib.sh"

unit="$VT_SRC_DIR/debian/vantage.service"

# The unit with its programs pointed at this build's, so that systemd can
# check them.
sed "s#/usr/bin/vantage#$VT_BUILD_DIR/vantage#g" "$unit" >vantage.service

test_expect_success 'the unit has what the service relies on' '
	for d in "DynamicUser=yes" "StateDirectory=vantage" \
	    "WorkingDirectory=/var/lib/vantage" "ProtectSystem=strict" \
	    "NoNewPrivileges=yes" "Restart=on-failure" \
	    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
	    "SystemCallFilter=@system-service" \
	    "ExecReload=/bin/kill -HUP \$MAINPID" \
	    "ExecStart=/usr/bin/vantage -c /etc/vantage/vantage.yaml serve"; do
		grep -qxF "$d" "$unit" || { echo "missing: $d"; return 1; }
	done
'

test_expect_success 'debian/control build-depends on every package configure requires' '
	sed -n "s/^VT_DEP(\[[A-Z0-9]*\], \[[^]]*\], \[\([a-z0-9.+-]*\)\]).*/\1/p" \
	    "$VT_SRC_DIR/configure.ac" >deps &&
	grep -o "install the Debian package [a-z0-9.+-]*" "$VT_SRC_DIR/configure.ac" |
	    sed "s/.* //" >>deps &&
	test $(wc -l <deps) -ge 7 &&
	sed -n "/^Build-Depends:/,/^[A-Z]/p" "$VT_SRC_DIR/debian/control" >bdeps &&
	while read -r pkg; do
		grep -q "[ ,]$pkg\(,\|\$\| \)" bdeps || { echo "debian/control lacks $pkg"; return 1; }
	done <deps
'

if ! command -v systemd-analyze >/dev/null 2>&1; then
	test_skip "systemd-analyze verify and security" \
	    "systemd-analyze is not installed: apt-get install systemd"
	test_done
fi

test_expect_success 'systemd-analyze verify accepts the unit' '
	mkdir -p man/man1 man/man5 &&
	ln -s "$VT_SRC_DIR/man/vantage.1" man/man1/ &&
	ln -s "$VT_SRC_DIR/man/vantage.yaml.5" man/man5/ &&
	if command -v man >/dev/null 2>&1; then
		MANPATH=$TRASH/man systemd-analyze verify vantage.service
	else
		say "man is not installed: Documentation= is not checked" &&
		systemd-analyze verify --man=no vantage.service
	fi >verify.out 2>&1
	rc=$?
	cat verify.out
	test $rc -eq 0 && test ! -s verify.out
'

test_expect_success 'systemd-analyze security: exposure at most 2.0 of 10' '
	systemd-analyze security --offline=yes vantage.service >security.out 2>&1
	score=$(sed -n "s/^.* Overall exposure level for vantage.service: \([0-9.]*\).*/\1/p" \
	    security.out)
	grep "✗" security.out
	say "exposure score: $score" &&
	echo "# exposure score of vantage.service: $score" >&3 &&
	test -n "$score" &&
	awk -v s="$score" "BEGIN { exit !(s <= 2.0) }"
' 3>&1

# Everything the SystemCallFilter= lines allow: @system-service without
# @privileged and @resources, groups expanded.
syscall_set() {
	systemd-analyze syscall-filter "$1" | sed -n "2,\$p" |
	    sed "s/^ *//; /^#/d; /^\$/d" |
	while read -r s; do
		case "$s" in
		@*) syscall_set "$s" ;;
		*) echo "$s" ;;
		esac
	done
}

# The system calls of the strace output file $1, one a line.
syscalls_of() {
	awk '{ sub(/^[0-9]+ +/, "")
	    if (match($0, /^[a-z0-9_]+\(/)) print substr($0, 1, RLENGTH - 1) }' "$1" |
	    sort -u
}

# The pid of the program strace started, from its output file $1.
traced_pid() {
	awk '/ execve\(/ { print $1; exit }' "$1"
}

# strace sees valgrind's or the sanitizers' system calls, not vantage's.
why_no_strace=
if ! command -v strace >/dev/null 2>&1; then
	why_no_strace="strace is not installed: apt-get install strace"
elif [ "${TEST_VALGRIND:-0}" = 1 ]; then
	why_no_strace="under valgrind"
elif grep -q "__asan_init\|__ubsan_handle" "$VT_BUILD_DIR/vantage" 2>/dev/null; then
	why_no_strace="built with sanitizers"
elif ! strace -f -o /dev/null true 2>/dev/null; then
	why_no_strace="strace cannot trace here (ptrace not permitted)"
fi

if [ -n "$why_no_strace" ]; then
	test_skip "the unit's filters allow what vantage once and serve do" \
	    "$why_no_strace"
	test_done
fi

test_expect_success 'setup: a simulated network and the filter sets' '
	start_simnet -n 4 -u 300 -f 2:down &&
	write_config v.yaml &&
	syscall_set @system-service | sort -u >service.set &&
	syscall_set @privileged | sort -u >privileged.set &&
	syscall_set @resources | sort -u >resources.set &&
	comm -23 service.set privileged.set | comm -23 - resources.set >allowed &&
	test $(wc -l <allowed) -gt 100
'

run_succeeded_() {
	curl -fs "http://127.0.0.1:$((VT_PORT + 1))/metrics" >metrics 2>/dev/null &&
	grep -q "^vantage_last_run_success 1" metrics
}

test_expect_success 'vantage once and serve, traced: a run, a scrape, a reload, a stop' '
	strace -f -qq -o once.trace vantage -c v.yaml once 2>once.err &&
	bg_start strace -f -qq -o serve.trace vantage -c v.yaml serve 2>serve.err &&
	{ poll 300 run_succeeded_ || { cat serve.err; false; }; } &&
	pid=$(traced_pid serve.trace) &&
	test -n "$pid" &&
	test_bg_pids="$test_bg_pids $pid" &&
	kill -HUP "$pid" &&
	{ poll 300 has_line "reload: done" serve.err ||
	    { cat serve.err; false; }; } &&
	stop_wait "$pid" &&
	grep -q "stopping" serve.err
'

test_expect_success 'every system call they made is allowed by the filter' '
	cat once.trace serve.trace >all.trace &&
	syscalls_of all.trace >used &&
	test $(wc -l <used) -gt 20 &&
	comm -23 used allowed >refused &&
	if [ "$(id -u)" = 0 ]; then
		# SQLite gives its journal files the database owner only when
		# running as root; the service never runs as root.
		grep -vx fchown refused >refused.nonroot
		mv refused.nonroot refused
	fi
	cat refused &&
	test ! -s refused
'

test_expect_success 'their sockets are of the allowed families only' '
	grep -o "socket(AF_[A-Z0-9]*" all.trace | sort -u | sed "s/socket(//" >families &&
	grep -qx AF_INET families &&
	! grep -vx "AF_INET\|AF_INET6\|AF_UNIX" families
'

test_expect_success 'no memory is both writable and executable (MemoryDenyWriteExecute)' '
	grep "PROT_WRITE|PROT_EXEC\|PROT_EXEC|PROT_WRITE" all.trace >wx
	cat wx &&
	test ! -s wx
'

test_done
