#!/bin/sh
# run: each named harness under libFuzzer for FUZZ_SECONDS (default 60),
# one line of result per harness; exits 1 when any found something.
# Usage (from the build directory, as make fuzz runs it):
#   FUZZ_SECONDS=N sh fuzz/run.sh SRCDIR/fuzz NAME...
# New inputs go to fuzz/work/NAME (kept across runs), findings and logs
# to fuzz/out/ (this run's only).
set -u
src=$1
shift
secs=${FUZZ_SECONDS:-60}
case $secs in
''|*[!0-9]*) echo "run.sh: FUZZ_SECONDS must be a number of seconds" >&2; exit 2 ;;
esac
: "${ASAN_OPTIONS:=detect_leaks=1}"
: "${UBSAN_OPTIONS:=print_stacktrace=1:halt_on_error=1}"
export ASAN_OPTIONS UBSAN_OPTIONS

# The value after "key:" on the last line of the log that has it.
last() {
	sed -n "s/.*$1: *\\([0-9][0-9]*\\).*/\\1/p" "$2" | tail -n 1
}

status=0
for name in "$@"; do
	bin=fuzz/fuzz_$name
	work=fuzz/work/$name
	out=fuzz/out/$name
	log=fuzz/out/$name.log
	mkdir -p "$work" "$out"
	rm -f "$out"/*		# a finding counts for the run that made it
	# The config and root-data harnesses also start from the unit
	# tests' files (tests/data), kept once.
	shared=
	case $name in config|rootdata) shared=$src/../tests/data ;; esac
	dict=
	[ -f "$src/dict/$name.dict" ] && dict=-dict=$src/dict/$name.dict
	start=$(date +%s)
	# -timeout: an input that takes 10 s is a hang; the corpus and
	# regressions are read, new inputs written to the work directory.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/" $dict \
		"$work" "$src/corpus/$name" "$src/regress/$name" $shared >"$log" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	runs=$(last 'stat::number_of_executed_units' "$log")
	rate=$(last 'stat::average_exec_per_sec' "$log")
	cov=$(last 'cov' "$log")
	ft=$(last 'ft' "$log")
	corp=$(sed -n 's/.*corp: *\([0-9][0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
	found=$(ls "$out" 2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		echo "fuzz $name: ok, ${took}s, ${runs:-?} runs (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
	else
		echo "fuzz $name: FAILED (exit $rc) after ${took}s: ${found:+$out/$found, }log $log"
		grep -m 3 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | sed 's/^/    /'
		status=1
	fi
done
exit $status
