#!/usr/bin/env bats
# ooo-rm: --start, --all, --past.
load helpers/common

local_setup() {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	user-add --no-welcome b@x.org >/dev/null
	ooo-add a@x.org --from 2026-11-01 --to 2026-11-05
	ooo-add a@x.org --from 2026-12-24 --to 2026-12-26
	ooo-add b@x.org --from 2026-11-10 --to 2026-11-12
	ooo-add b@x.org --from 2026-11-20 --to 2026-11-30
}

periods() {
	ooo-add "$1" --format tsv --no-header | cut -f1,2
}

@test "--start in the user's zone removes that period" {
	run ooo-rm a@x.org --start 2026-12-24
	assert_success
	assert_output ''
	run periods a@x.org
	assert_output "$(printf '2026-10-31T23:00:00Z\t2026-11-05T23:00:00Z')"
	run grep -c ',ooo-rm,ooo-rm,a@x.org,' "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "--start with an offset; none there: 4 and nothing written" {
	run ooo-rm a@x.org --start 2026-12-23T23:00:00Z
	assert_success
	sum=$(store_sum)
	run ooo-rm a@x.org --start 2026-12-25
	assert_failure 4
	[ "$(store_sum)" = "$sum" ]
}

@test "--all removes every period" {
	run ooo-rm a@x.org --all
	assert_success
	run periods a@x.org
	assert_output ''
}

@test "--past for cron: all users, silent, ongoing periods kept" {
	run ooo-rm --past
	assert_success
	assert_output ''
	run periods a@x.org
	assert_output "$(printf '2026-12-23T23:00:00Z\t2026-12-26T23:00:00Z')"
	run periods b@x.org
	assert_output "$(printf '2026-11-20T00:00:00Z\t2026-12-01T00:00:00Z')"
	run ooo-rm --past
	assert_success
}

@test "--past with named users touches only them" {
	run ooo-rm --past b@x.org
	assert_success
	run periods a@x.org
	assert_line --index 0 --partial '2026-10-31T23:00:00Z'
}

@test "--dry-run prints and writes nothing" {
	sum=$(store_sum)
	run ooo-rm --dry-run a@x.org --all
	assert_success
	assert_line 'a@x.org: - 2026-11-01T00:00:00+01:00 2026-11-06T00:00:00+01:00'
	[ "$(store_sum)" = "$sum" ]
}

@test "usage: 2; unknown user: 4" {
	run ooo-rm a@x.org
	assert_failure 2
	run ooo-rm --all --past
	assert_failure 2
	run ooo-rm --all
	assert_failure 2
	run ooo-rm nobody@x.org --all
	assert_failure 4
}
