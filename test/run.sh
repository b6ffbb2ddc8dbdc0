#!/bin/sh
# run.sh BIN ASANBIN [TESTS...] — the Bats suite against the normal build
# and against the sanitizer build, each followed by the C unit tests named
# in $UNIT_TESTS (test/unit/NAME.c, built as BIN/../unit/NAME), then
# mandoc -Tlint over the man pages and ShellCheck over the shell scripts.
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
		ROSTER_SUITE=$name ROSTER_BIN=$(cd "$dir" && pwd) \
		    bats --jobs "$jobs" "$@" >"$out/$name.tap" 2>&1
	else
		ROSTER_SUITE=$name ROSTER_BIN=$(cd "$dir" && pwd) \
		    bats "$@" >"$out/$name.tap" 2>&1
	fi
	rc=$?
	cat "$out/$name.tap"
	[ $rc -eq 0 ] || status=1
	# The C unit tests named in $UNIT_TESTS, built beside $dir: one that
	# is missing fails like one that crashes.
	if [ -n "${UNIT_TESTS:-}" ]; then
		echo "# suite: $name unit tests"
		units=
		for u in $UNIT_TESTS; do
			units="$units $(dirname "$dir")/unit/$u"
		done
		# shellcheck disable=SC2086
		sh test/unit/run.sh $units >"$out/$name-unit.tap" 2>&1 || status=1
		cat "$out/$name-unit.tap"
	fi
}
run normal "$bin" "$@"
# Sanitizer reports fail the run: abort on the first one, and leaks count.
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run sanitizer "$asan" "$@"
# The lint checks print one TAP line each into checks.tap, which the
# totals below count with the Bats runs.
echo "# mandoc -Tlint"
mans=$(ls man/man1/*.1 man/man5/*.5 2>/dev/null)
if [ -n "$mans" ]; then
	# shellcheck disable=SC2086
	if mandoc -Tlint -Wwarning $mans >"$out/lint" 2>&1; then
		echo "ok - mandoc -Tlint clean" >>"$out/checks.tap"
	else
		cat "$out/lint"
		echo "not ok - mandoc -Tlint" >>"$out/checks.tap"
		status=1
	fi
	tail -n 1 "$out/checks.tap"
fi
echo "# shellcheck"
scripts=".ci/run test/run.sh test/unit/run.sh $(ls test/helpers/*.bash share/*.sh \
    share/bench/*.sh share/completion/roster.bash 2>/dev/null)"
if ! command -v shellcheck >/dev/null; then
	echo "ok - shellcheck # skip shellcheck is not installed" \
	    >>"$out/checks.tap"
else
	# shellcheck disable=SC2086
	if shellcheck $scripts >"$out/shellcheck" 2>&1; then
		echo "ok - shellcheck clean" >>"$out/checks.tap"
	else
		cat "$out/shellcheck"
		echo "not ok - shellcheck" >>"$out/checks.tap"
		status=1
	fi
fi
tail -n 1 "$out/checks.tap"
pass=$(cat "$out"/*.tap | grep -c '^ok ')
fail=$(cat "$out"/*.tap | grep -c '^not ok ')
if [ "$fail" -eq 0 ] && [ "$pass" -eq 0 ]; then
	echo "no tests ran" >&2
	status=1
fi
echo "$pass passed, $fail failed"
exit $status
