#!/usr/bin/env bats
# ooo-add for many at once: addresses or --team, one change, a re-run
# safe (identical period unchanged, exit 0), overlaps said on stderr.
load helpers/common

local_setup() {
	user-add --no-welcome --team Support --timezone Europe/Amsterdam a@x.org >/dev/null
	user-add --no-welcome --team Support --timezone America/New_York b@x.org >/dev/null
	user-add --no-welcome --team Sales c@x.org >/dev/null
}

starts() { grep -h 'start:' "$ROSTER_DIR"/users/"$1".yaml | sed 's/.*start: //'; }

@test "--team: every member, each in their own zone, one audit row each" {
	run ooo-add --team Support --from 2026-12-25 --to 2026-12-25
	assert_success
	assert_output ''
	run starts a@x.org
	assert_output 2026-12-25T00:00:00+01:00
	run starts b@x.org
	assert_output 2026-12-25T00:00:00-05:00
	run grep -c 'start:' "$ROSTER_DIR/users/c@x.org.yaml"
	assert_output 0
	run sh -c 'grep -c ",ooo-add,ooo-add," "$ROSTER_DIR/audit.csv"'
	assert_output 2
}

@test "a re-run is safe: identical periods unchanged, exit 0, nothing written" {
	ooo-add a@x.org b@x.org --from 2026-12-25 --to 2026-12-25
	before=$(store_sum)
	run ooo-add a@x.org b@x.org --from 2026-12-25 --to 2026-12-25
	assert_success
	assert_output "$(printf '%s\n' \
	    'ooo-add: a@x.org already has 2026-12-25T00:00:00+01:00 2026-12-26T00:00:00+01:00: unchanged' \
	    'ooo-add: b@x.org already has 2026-12-25T00:00:00-05:00 2026-12-26T00:00:00-05:00: unchanged')"
	[ "$(store_sum)" = "$before" ]
	# One new, one the same: the new one is added.
	run ooo-add a@x.org c@x.org --from 2026-12-25 --to 2026-12-25
	assert_success
	run starts c@x.org
	assert_output 2026-12-25T00:00:00+00:00
}

@test "an overlapping period is added and said on stderr" {
	ooo-add a@x.org --from 2026-12-20 --to 2026-12-31
	run ooo-add a@x.org --from 2026-12-25 --to 2026-12-25
	assert_success
	assert_output 'ooo-add: a@x.org: 2026-12-25T00:00:00+01:00 2026-12-26T00:00:00+01:00 overlaps 2026-12-20T00:00:00+01:00 2027-01-01T00:00:00+01:00'
	run grep -c 'start:' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output 2
}

@test "all or nothing: an unknown address stops everyone (4), each failure said" {
	before=$(store_sum)
	run ooo-add a@x.org nobody@x.org b@x.org ghost@x.org --from 2026-12-25 --to 2026-12-25
	assert_failure 4
	assert_line 'ooo-add: no such user: nobody@x.org'
	assert_line 'ooo-add: no such user: ghost@x.org'
	[ "$(store_sum)" = "$before" ]
	run ooo-add --team Nobody --from 2026-12-25 --to 2026-12-25
	assert_failure 4
	assert_output "ooo-add: no team Nobody"
}

@test "--dry-run lists each addition; usage errors" {
	before=$(store_sum)
	run ooo-add --dry-run --team Support --from 2026-12-25 --to 2026-12-25
	assert_success
	assert_output "$(printf '%s\n' \
	    'a@x.org: + 2026-12-25T00:00:00+01:00 2026-12-26T00:00:00+01:00' \
	    'b@x.org: + 2026-12-25T00:00:00-05:00 2026-12-26T00:00:00-05:00')"
	[ "$(store_sum)" = "$before" ]
	run ooo-add --team Support a@x.org --from 2026-12-25 --to 2026-12-25
	assert_failure 2
	run ooo-add --team Support
	assert_failure 2
	run ooo-add a@x.org b@x.org
	assert_failure 2
}
