#!/usr/bin/env bats
# Crash safety (SPEC 5): the writers killed with SIGKILL, and interrupted
# with SIGINT, at random points,
# then the store checked (test/helpers/crashloop.py says what).  make check
# runs a short loop in the normal build; make crashtest a longer one.

load helpers/common

@test "writers killed with SIGKILL at random points leave a sound store" {
	[ "${ROSTER_SUITE:-}" != sanitizer ] ||
	    skip "run in the normal build (sanitizers slow the writers down)"
	command -v python3 >/dev/null || skip "python3 is not installed"
	run python3 "$HELPERS/crashloop.py" "$ROSTER_BIN" "$ROSTER_DIR" \
	    "${CRASH_ITERATIONS:-400}" "${CRASH_KILLS:-150}" ${CRASH_SEED:-}
	echo "$output"
	assert_success
	echo "# $output" >&3
}

@test "writers interrupted with SIGINT at random points: all or nothing" {
	[ "${ROSTER_SUITE:-}" != sanitizer ] ||
	    skip "run in the normal build (sanitizers slow the writers down)"
	command -v python3 >/dev/null || skip "python3 is not installed"
	CRASH_SIGNAL=INT run python3 "$HELPERS/crashloop.py" "$ROSTER_BIN" \
	    "$ROSTER_DIR" "${CRASH_ITERATIONS:-400}" "${CRASH_KILLS:-150}" \
	    ${CRASH_SEED:-}
	echo "$output"
	assert_success
	echo "# $output" >&3
}
