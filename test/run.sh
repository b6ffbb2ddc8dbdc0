#!/bin/sh
# run.sh BIN ASANBIN [TESTS...] — the Bats suite against the normal build
# and against the sanitizer build, then mandoc -Tlint over the man pages.
# Prints the TAP of each run and, last, "N passed, N failed".
bin=$1
asan=$2
shift 2
[ $# -gt 0 ] || set -- test
out=${TMPDIR:-/tmp}/roster-check.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
status=0
jobs=$(nproc 2>/dev/null || echo 1)
run() {
	name=$1
	dir=$2
	shift 2
	echo "# suite: $name ($dir)"
	if bats --help 2>&1 | grep -q -- '--jobs' && command -v parallel >/dev/null; then
		ROSTER_BIN=$(cd "$dir" && pwd) bats --jobs "$jobs" "$@" >"$out/$name.tap" 2>&1
	else
		ROSTER_BIN=$(cd "$dir" && pwd) bats "$@" >"$out/$name.tap" 2>&1
	fi
	rc=$?
	cat "$out/$name.tap"
	[ $rc -eq 0 ] || status=1
}
shift 0
run normal "$bin" "$@"
# Sanitizer reports fail the run: abort on the first one, and leaks count.
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run sanitizer "$asan" "$@"
echo "# mandoc -Tlint"
mans=$(ls man/man1/*.1 man/man5/*.5 2>/dev/null)
mfail=0
if [ -n "$mans" ]; then
	# shellcheck disable=SC2086
	if mandoc -Tlint -Wwarning $mans >"$out/lint" 2>&1; then
		echo "ok - mandoc -Tlint clean"
	else
		cat "$out/lint"
		echo "not ok - mandoc -Tlint"
		mfail=1
		status=1
	fi
fi
pass=$(cat "$out"/*.tap | grep -c '^ok ')
fail=$(cat "$out"/*.tap | grep -c '^not ok ')
if [ -n "$mans" ]; then
	if [ $mfail -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
fi
if [ "$fail" -eq 0 ] && [ "$pass" -eq 0 ]; then
	echo "no tests ran" >&2
	status=1
fi
echo "$pass passed, $fail failed"
exit $status
