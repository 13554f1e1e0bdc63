#!/bin/sh
# run.sh -- run each libFuzzer harness for FUZZ_SECONDS (default 60) over its
# seed corpus t/fuzz/corpus/<name>/ (fuzz-<name> is the harness), and fail
# on any crash, leak, sanitizer report or timeout.
#
#   t/fuzz/run.sh t/fuzz/fuzz-config ...   (what `make fuzz-smoke` runs)
#
# New inputs go to t/fuzz/out/<name>/corpus/, never into the seeds; the
# input that failed is t/fuzz/out/<name>/crash-* (or leak-, timeout-, oom-)
# and its report t/fuzz/out/<name>.log.  Reproduce with: ./t/fuzz/fuzz-<name> FILE
set -u
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
out=t/fuzz/out
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

[ $# -gt 0 ] || { echo "usage: $0 HARNESS..." >&2; exit 2; }
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz-}
	seeds=$here/corpus/$name
	if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
		echo "fuzz $name: no harness $bin or no seeds $seeds" >&2
		failed=1
		continue
	fi
	mkdir -p "$out/$name/corpus"
	dict=
	[ -f "$here/fuzz-$name.dict" ] && dict=-dict=$here/fuzz-$name.dict
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$out/$name/" $dict \
	    "$out/$name/corpus" "$seeds" >"$out/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$name.log")
	if [ $rc -eq 0 ]; then
		echo "fuzz $name: ok, ${runs:-?} runs in ${seconds}s (${speed:-?} exec/s)"
	else
		failed=1
		echo "fuzz $name: FAILED (exit $rc) after ${runs:-?} runs; report $out/$name.log:"
		# The harness's own message comes just before the report.
		grep -v '^#[0-9]\|^INFO:' "$out/$name.log" |
		    grep -B10 -A40 '^==[0-9]*==\|runtime error' | head -80 |
		    grep . || tail -20 "$out/$name.log"
		ls "$out/$name"/crash-* "$out/$name"/leak-* "$out/$name"/timeout-* \
		    "$out/$name"/oom-* 2>/dev/null
	fi
done
exit $failed
