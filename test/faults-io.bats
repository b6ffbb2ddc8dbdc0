#!/usr/bin/env bats
# I/O faults, the way SQLite tests them: for each representative writer and
# each kind of call (open, openat, write, fsync, fdatasync, syncfs, rename,
# renameat, unlink, unlinkat, ftruncate, mkdir), the Nth call fails with EIO,
# and again with ENOSPC from the Nth call on, for every N up to the count
# the successful run makes (a sample for the large writers; make faulttest
# tries every N).  After status --check the store is valid and the change is
# wholly there or wholly absent, audit rows included; the exit status
# agrees with it.  test/helpers/faults.bash states the rules exactly;
# test/helpers/faultinject.c is the shim.  The shim needs dynamically linked
# binaries: $ROSTER_BIN when it is dynamically linked (the sanitizer build,
# with the sanitizer runtime preloaded first), else $ROSTER_FAULT_BIN
# (default build/dyn/bin, from make dyn).

load helpers/common
load helpers/faults

local_setup() {
	local asan
	: "${FAULT_SHIM:=$BATS_TEST_DIRNAME/../build/dyn/test/faultinject.so}"
	if [ -z "${ROSTER_FAULT_BIN:-}" ] &&
	    ldd "$ROSTER_BIN/status" 2>/dev/null | grep -q '=>'; then
		ROSTER_FAULT_BIN=$ROSTER_BIN
	fi
	: "${ROSTER_FAULT_BIN:=$BATS_TEST_DIRNAME/../build/dyn/bin}"
	# A sanitizer runtime must come first among the preloaded libraries.
	asan=$(ldd "$ROSTER_FAULT_BIN/status" 2>/dev/null |
	    awk '/libasan/ { print $3 }')
	FAULT_PRELOAD="${asan:+$asan }$FAULT_SHIM"
}

seed_two() {
	user-add --no-welcome --team Support ann@x.org bob@x.org >/dev/null
}

seed_csv20() {
	seed_two
	{
		echo "Email,First name"
		for i in $(seq 1 20); do echo "n$i@x.org,N$i"; done
	} >"$BATS_TEST_TMPDIR/twenty.csv"
}

seed_records() {
	seed_two
	{
		echo "type,id,owner,state"
		for i in $(seq 1 30); do echo "ticket,$i,bob@x.org,open"; done
		echo "ticket,31,ann@x.org,open"
	} >"$ROSTER_DIR/records.csv"
}

seed_backlog() {
	seed_two
	{
		echo "type,id,owner,state"
		for i in $(seq 1 5); do echo "ticket,$i,,open"; done
	} >"$ROSTER_DIR/records.csv"
}

seed_portal() {
	seed_two
	portal-config portal.name Help >/dev/null
}

@test "faults: user-add of 3 users" {
	fault_sweep seed_two user-add --team Support a@x.org b@x.org c@x.org
}

@test "faults: user-add --csv of 20 users" {
	fault_sweep seed_csv20 user-add --team Support \
	    --csv "$BATS_TEST_TMPDIR/twenty.csv"
}

@test "faults: user-rm --reassign-to with records" {
	fault_sweep seed_records user-rm --reassign-to ann@x.org bob@x.org
}

@test "faults: assign-next --backlog of 5" {
	fault_sweep seed_backlog assign-next --backlog
}

@test "faults: ooo-add" {
	fault_sweep seed_two ooo-add ann@x.org --from 2026-12-24 --to 2026-12-26
}

@test "faults: portal-config" {
	fault_sweep seed_portal portal-config portal.slug help
}

@test "the shim fails the Nth call it is told to and counts them all" {
	local so=$FAULT_PRELOAD
	seed_two
	FAULT_COUNT_FILE="$BATS_TEST_TMPDIR/calls" LD_PRELOAD="$so" \
	    "$ROSTER_FAULT_BIN/portal-config" portal.slug one
	run awk '$1 == "renameat" || $1 == "hit" { print }' \
	    "$BATS_TEST_TMPDIR/calls"
	assert_line "hit 0"
	refute_line "renameat 0"
	before=$(store_sum)
	run env FAULT_CALL=write FAULT_N=1 FAULT_ERRNO=ENOSPC \
	    FAULT_COUNT_FILE="$BATS_TEST_TMPDIR/calls" LD_PRELOAD="$so" \
	    "$ROSTER_FAULT_BIN/portal-config" portal.slug two
	assert_failure 7
	assert_output --partial "No space left on device"
	run grep -x "hit 1" "$BATS_TEST_TMPDIR/calls"
	assert_success
	[ "$(store_sum)" = "$before" ]
	run portal-config portal.slug
	assert_output one
}
