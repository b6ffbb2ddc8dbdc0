#!/usr/bin/env bats
# ooo-list: who is out in a window, of everyone or a team, with the
# source of each period, in every format.
load helpers/common

local_setup() {
	user-add --no-welcome --team Support --timezone Europe/Amsterdam a@x.org >/dev/null
	user-add --no-welcome --team Support b@x.org >/dev/null
	user-add --no-welcome --team Sales c@x.org >/dev/null
	ooo-add --team Support --from 2026-12-25 --to 2026-12-25 >/dev/null
	ooo-add c@x.org --from 2027-01-04 --to 2027-01-08 >/dev/null
	ooo-add b@x.org --from 2026-11-01 --to 2026-11-02 >/dev/null
	ooo-add c@x.org --ics "$DATA/google.ics" --calendar google >/dev/null
}

@test "from now on by default: every period not over yet, sorted, with source" {
	before=$(store_sum)
	run ooo-list --format tsv
	assert_success
	assert_line --index 0 "$(printf 'email\tstart\tend\tsource')"
	assert_line --index 1 "$(printf 'a@x.org\t2026-12-24T23:00:00Z\t2026-12-25T23:00:00Z\tmanual')"
	assert_line --index 2 "$(printf 'b@x.org\t2026-12-25T00:00:00Z\t2026-12-26T00:00:00Z\tmanual')"
	assert_line --partial "$(printf 'c@x.org\t2027-01-04T00:00:00Z\t2027-01-09T00:00:00Z\tmanual')"
	assert_line --partial "$(printf '\tgoogle')"
	refute_line --partial '2026-11-01'
	[ "$(store_sum)" = "$before" ]
}

@test "a window: only periods that overlap it; --team narrows" {
	run ooo-list --from 2026-12-25T12:00Z --to 2026-12-31 --format csv --no-header
	assert_success
	assert_output "$(printf '%s\r\n' \
	    a@x.org,2026-12-24T23:00:00Z,2026-12-25T23:00:00Z,manual \
	    b@x.org,2026-12-25T00:00:00Z,2026-12-26T00:00:00Z,manual)"
	run ooo-list --from 2026-11-01 --to 2026-11-30 --format tsv --no-header
	assert_output "$(printf 'b@x.org\t2026-11-01T00:00:00Z\t2026-11-03T00:00:00Z\tmanual')"
	run ooo-list --team Sales --from 2026-12-20 --to 2027-01-05 --format tsv --no-header
	assert_line --index 0 "$(printf 'c@x.org\t2027-01-04T00:00:00Z\t2027-01-09T00:00:00Z\tmanual')"
	refute_output --partial a@x.org
}

@test "the table shows times in each user's zone; json; one user" {
	run ooo-list --to 2026-12-31 a@x.org
	assert_success
	assert_line --index 1 --regexp '^a@x.org +2026-12-25T00:00:00\+01:00 +2026-12-26T00:00:00\+01:00 +manual$'
	run ooo-list --format json --to 2026-12-31 b@x.org
	run jq -c '.[]' <<<"$output"
	assert_output '{"email":"b@x.org","start":"2026-12-25T00:00:00Z","end":"2026-12-26T00:00:00Z","source":"manual"}'
}

@test "errors: a bad time (5), --to not after --from (5), no such user (4)" {
	run ooo-list --from yesterday
	assert_failure 5
	run ooo-list --from 2026-12-31 --to 2026-12-01
	assert_failure 5
	assert_output --partial 'is not after'
	run ooo-list nobody@x.org
	assert_failure 4
	run ooo-list -d "$BATS_TEST_TMPDIR/none"
	assert_failure 4
}
