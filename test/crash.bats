#!/usr/bin/env bats
# Crash safety (roster(5), Changes: all or nothing): the writers killed with SIGKILL, and interrupted
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

# Every multi-file writer (crashloop.py --writers names them), each run on
# a fresh copy of a store seeded for it and signalled at a random point:
# after the next command the change is wholly there or wholly absent,
# audit rows included.  make crashtest runs CRASHWRITERS per writer.
writers_loop() {
	local runs=${CRASH_WRITER_RUNS:-20}
	[ "${ROSTER_SUITE:-}" != sanitizer ] || runs=${CRASH_WRITER_RUNS:-4}
	run python3 "$HELPERS/crashloop.py" --writers "$1" "$ROSTER_BIN" \
	    "$ROSTER_DIR" "$runs" ${CRASH_SEED:-}
	echo "$output"
	assert_success
	echo "# ${lines[${#lines[@]} - 1]}" >&3
}

@test "every multi-file writer killed with SIGKILL: the change whole or absent" {
	writers_loop KILL
}

@test "every multi-file writer interrupted with SIGINT: exit 130, the change whole or absent" {
	writers_loop INT
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
