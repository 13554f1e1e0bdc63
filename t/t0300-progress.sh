#!/bin/sh
test_description='vantage once: one line of progress on a terminal, nothing otherwise'
. "$VT_SRC_DIR/t/test-lib.sh"

# The frames of a terminal session's output $1: the text between carriage
# returns, each frame's "clear to end of line" removed, one a line.
frames() {
	tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep -v '^$'
}

test_expect_success 'setup: a network with a slow node, and script for a terminal' '
	command -v script &&
	start_simnet -n 12 -u 3000 -f 5:slow --slow-delay 1s &&
	write_config v.yaml
'

test_expect_success 'on a terminal: nodes done of all, items, requests/s, ETA on one line' '
	script -qec "vantage -c v.yaml -D store.path=tty.db once" /dev/null >tty.out &&
	frames tty.out >frames &&
	cat frames &&
	grep -E "^crawl: [0-9]+/12 nodes, [0-9]+ items, [0-9.]+ requests/s, ETA ([0-9]+[hms]|-)" frames >progress &&
	grep -q "^crawl: 0/12 nodes, 0 items, 0.0 requests/s, ETA -$" progress &&
	grep -q "^crawl: 12/12 nodes, [1-9][0-9]* items, [0-9.]* requests/s, ETA 0s$" progress &&
	grep -Eq "^crawl: ([1-9]|1[01])/12 nodes, [1-9][0-9]* items" progress
'

test_expect_success 'the line is rewritten in place, and cleared before a log message' '
	test $(grep -c "crawl: " tty.out) -eq 1 &&
	test $(grep -o "crawl: " tty.out | wc -l) -ge 3 &&
	tr "\r" "\n" <tty.out | grep "vantage: run 1: complete" >logline &&
	grep -q "^.\[Kvantage: run 1: complete" logline
'

test_expect_success 'the counts are those of the run' '
	last=$(grep "^crawl: 12/12" progress | tail -n 1 |
	    sed "s/.* nodes, \([0-9]*\) items.*/\1/") &&
	vantage -c v.yaml -D store.path=tty.db sql --csv "SELECT count(*) +
	    (SELECT count(*) FROM probe_health) FROM probe_clock" >rows &&
	test "$last" = "$(tail -n 1 rows)"
'

test_expect_success 'on a narrow terminal the line is cut to its width' '
	script -qec "stty cols 30; vantage -c v.yaml -D store.path=narrow.db once" \
	    /dev/null >narrow.out &&
	frames narrow.out | grep "^crawl" >nframes &&
	test -s nframes &&
	! awk "length(\$0) > 29" nframes | grep .
'

test_expect_success 'stderr not a terminal: no progress at all' '
	script -qec "vantage -c v.yaml -D store.path=file.db once 2>err.out" \
	    /dev/null >out.tty &&
	! grep -q "crawl: \|requests/s" err.out out.tty &&
	! grep -q "$(printf "\r")" err.out &&
	grep -q "^vantage: run 1: complete" err.out
'

test_done
