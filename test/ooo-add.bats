#!/usr/bin/env bats
# ooo-add: periods in the user's zone, date-only ends, duplicates, listing.
load helpers/common

local_setup() {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
}

@test "whole days in the user's zone; listing in each format" {
	run ooo-add a@x.org --from 2026-12-24 --to 2026-12-26
	assert_success
	assert_output ''
	run grep -A1 'start:' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_line --partial 'start: 2026-12-24T00:00:00+01:00'
	assert_line --partial 'end: 2026-12-27T00:00:00+01:00'
	run ooo-add a@x.org --format tsv --no-header
	assert_output "$(printf '2026-12-23T23:00:00Z\t2026-12-26T23:00:00Z\tmanual')"
	run ooo-add a@x.org
	assert_line --index 1 --regexp '^2026-12-24T00:00:00\+01:00 +2026-12-27T00:00:00\+01:00 +manual$'
	run ooo-add a@x.org --format json
	assert_output --partial '"start": "2026-12-23T23:00:00Z"'
	run grep -c ',ooo-add,ooo-add,a@x.org,' "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "an explicit offset is absolute; status sees the period" {
	run ooo-add a@x.org --from 2026-11-23T09:00:00Z --to 2026-11-23T12:00Z
	assert_success
	run status --format tsv --no-header a@x.org
	assert_output "$(printf 'a@x.org\taway\tout-of-office\t2026-11-23T12:00:00Z\t')"
}

@test "a time in the spring-forward gap uses the offset before it" {
	run ooo-add a@x.org --from 2026-03-29T02:30 --to 2026-03-29T05:00
	assert_success
	run ooo-add a@x.org --format tsv --no-header
	assert_output "$(printf '2026-03-29T01:30:00Z\t2026-03-29T03:00:00Z\tmanual')"
}

@test "periods are kept sorted" {
	ooo-add a@x.org --from 2027-01-04 --to 2027-01-08
	ooo-add a@x.org --from 2026-12-24 --to 2026-12-26
	run ooo-add a@x.org --format csv --no-header
	assert_line --index 0 --partial '2026-12-23T23:00:00Z'
	assert_line --index 1 --partial '2027-01-03T23:00:00Z'
}

@test "--to not after --from: 5; identical period: unchanged, 0; nothing written" {
	ooo-add a@x.org --from 2026-12-24 --to 2026-12-26
	sum=$(store_sum)
	run ooo-add a@x.org --from 2026-12-24T10:00 --to 2026-12-24T10:00
	assert_failure 5
	run ooo-add a@x.org --from 2026-12-24 --to 2026-12-26
	assert_success
	assert_output 'ooo-add: a@x.org already has 2026-12-24T00:00:00+01:00 2026-12-27T00:00:00+01:00: unchanged'
	run ooo-add a@x.org --from 2026-12-24 --to bogus
	assert_failure 5
	[ "$(store_sum)" = "$sum" ]
}

@test "--dry-run prints and writes nothing" {
	sum=$(store_sum)
	run ooo-add --dry-run a@x.org --from 2026-12-24 --to 2026-12-24
	assert_success
	assert_output 'a@x.org: + 2026-12-24T00:00:00+01:00 2026-12-25T00:00:00+01:00'
	[ "$(store_sum)" = "$sum" ]
}

@test "errors: unknown user 4, usage 2" {
	run ooo-add nobody@x.org --from 2026-12-24 --to 2026-12-26
	assert_failure 4
	run ooo-add a@x.org --from 2026-12-24
	assert_failure 2
	run ooo-add
	assert_failure 2
}
