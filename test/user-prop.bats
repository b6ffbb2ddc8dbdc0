#!/usr/bin/env bats
# The property test of editing user files in place (test/helpers/userprop.py):
# hand-written variants of a user file, every writer on each; the intended
# fields read back as intended and the diff touches only the changed keys.
# A fixed seed and a modest count here; make proptest N=5000 runs more.
load helpers/common

@test "every writer edits hand-written user files in place" {
	add_users p@x.org
	run python3 "$HELPERS/userprop.py" "${PROPTEST_SEED:-13}" \
	    "${PROPTEST_N:-12}" "$DATA"
	assert_success
	assert_output ''
	# The writers did run: one hours-set row per variant.
	run grep -c ',hours-set,hours,p@x.org,' "$ROSTER_DIR/audit.csv"
	assert_output "${PROPTEST_N:-12}"
}
