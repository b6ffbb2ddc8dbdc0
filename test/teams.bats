#!/usr/bin/env bats
# Team names: trimmed, ',' and control characters refused, an unknown team
# is 4 in every command with the closest name; JSON teams are arrays.

bats_require_minimum_version 1.5.0
load helpers/common

local_setup() {
	add_users a@x.org b@x.org
	user-mod --team Support --team Sales a@x.org
	user-mod --team Support b@x.org
}

@test "a misspelt team is 4 everywhere, with the closest name" {
	before=$(store_sum)
	for cmd in "status --team Suport" "assign-next --team Suport" \
	    "hours-set --team Suport mon=09:00-17:00" \
	    "status --removed --team Suport" "user-list --team Suport" \
	    "ooo-list --team Suport --from 2026-12-01 --to 2026-12-02" \
	    "ooo-add --team Suport --from 2026-12-01 --to 2026-12-02" \
	    "slots --team Suport --duration 30m" "coverage --team Suport"; do
		run --separate-stderr $cmd
		assert_failure 4
		assert_output ""
		[[ $stderr == *"no team Suport (did you mean Support?)"* ]]
	done
	run --separate-stderr status --team Marketing
	assert_failure 4
	[[ $stderr == *"no team Marketing" ]]
	[ "$(store_sum)" = "$before" ]
}

@test "a known team whose members are all away is still 1 for assign-next" {
	status --set away a@x.org b@x.org
	run assign-next --team Sales
	assert_failure 1
}

@test "team names are trimmed; ',' and control characters are refused (5)" {
	run user-mod --team ' Support ' --team 'Billing	' b@x.org
	assert_success
	run grep -A3 '^teams' "$ROSTER_DIR/users/b@x.org.yaml"
	refute_output --partial 'Support '
	run status --format tsv --no-header b@x.org
	assert_output "$(printf 'b@x.org\tavailable\tno-hours\t\tSupport,Billing')"
	before=$(store_sum)
	run user-mod --team 'Support, Sales' b@x.org
	assert_failure 5
	assert_output --partial "','"
	run user-mod --team $'Sup\033port' b@x.org
	assert_failure 5
	run user-mod --team '  ' b@x.org
	assert_failure 5
	run status --team 'Support, Sales'
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
	run status --team ' Sales ' --format tsv --no-header
	assert_success
	assert_output --partial "a@x.org"
}

@test "status --format json: teams is an array, at the instant evaluated" {
	run status --format json --at 2026-11-24T08:00:00Z
	assert_success
	run jq -c '.[] | [.email, .teams, .at]' <<<"$output"
	assert_output '["a@x.org",["Support","Sales"],"2026-11-24T08:00:00Z"]
["b@x.org",["Support"],"2026-11-24T08:00:00Z"]'
	add_users c@x.org
	run status --format json c@x.org
	run jq -c '.[0].teams' <<<"$output"
	assert_output '[]'
}

@test "user-add --team trims and refuses as user-mod does" {
	run user-add --no-welcome --team ' Sales ' c@x.org
	assert_success
	run status --team Sales --format tsv --no-header
	assert_line --partial "c@x.org"
	before=$(store_sum)
	run user-add --no-welcome --team 'Sales,Support' d@x.org
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
}

@test "an import's Team cell follows the same rules: a control character is 5" {
	printf 'email,team\nzed@x.org,"Support, Sales"\nyan@x.org,"Sup\001port"\n' \
	    >"$BATS_TEST_TMPDIR/t.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/t.csv"
	assert_failure 5
	assert_output "user-add: $BATS_TEST_TMPDIR/t.csv:3: bad team name 'Sup\\x01port': a control character"
	[ ! -e "$ROSTER_DIR/users/zed@x.org.yaml" ]
	printf 'email,team\nzed@x.org," Support , Sales"\n' >"$BATS_TEST_TMPDIR/t.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/t.csv"
	assert_success
	run status --team Sales --format tsv --no-header
	assert_output --partial 'zed@x.org'
}

@test "an empty --team is invalid input (5) in every command that takes one" {
	for cmd in status assign-next hours-set user-list ooo-list \
	    "slots --duration 1h" coverage \
	    "ooo-add --from 2026-12-01 --to 2026-12-02"; do
		run --separate-stderr $cmd --team ' '
		assert_failure 5
		[ "$stderr" = "${cmd%% *}: empty team name" ]
	done
}
