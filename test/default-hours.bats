#!/usr/bin/env bats
# Default working hours: [hours] in roster.ini for the store and per team,
# for members without hours of their own; hours-set --default.

bats_require_minimum_version 1.5.0
load helpers/common

# Saturday 28 November 2026, 03:00 in Amsterdam.
SAT3AM=2026-11-28T02:00:00Z
TUE10AM=2026-11-24T09:00:00Z

local_setup() {
	user-add --no-welcome --team Support new@x.org >/dev/null
}

@test "a new hire without hours gets no tickets at 3 a.m. on a Saturday" {
	run assign-next --dry-run --at "$SAT3AM"
	assert_success
	assert_output "new@x.org"
	run hours-set --team Support --default Europe/Amsterdam mon-fri=09:00-17:00
	assert_success
	assert_output ""
	grep -qx 'team Support = Europe/Amsterdam mon-fri=09:00-17:00' "$ROSTER_DIR/roster.ini"
	grep -q ',hours-default,Support,' "$ROSTER_DIR/audit.csv"
	# The member's own file is not touched.
	run grep -c working_hours "$ROSTER_DIR/users/new@x.org.yaml"
	assert_output 0
	run --separate-stderr assign-next --record ticket:1 --at "$SAT3AM"
	assert_failure 1
	[ ! -e "$ROSTER_DIR/records.csv" ]
	run status --format tsv --no-header --at "$SAT3AM"
	assert_output "$(printf 'new@x.org\taway\toff-hours\t2026-11-30T08:00:00Z\tSupport')"
	run assign-next --at "$TUE10AM"
	assert_output "new@x.org"
}

@test "hours-set EMAIL says where the hours come from" {
	hours-set --team Support --default Europe/Amsterdam mon-fri=09:00-17:00
	run hours-set new@x.org
	assert_output "Europe/Amsterdam mon-fri=09:00-17:00 (default of team Support)"
	add_users own@x.org
	hours-set own@x.org mon=10:00-11:00
	printf '[hours]\ndefault = sat=10:00-12:00\n' >>"$ROSTER_DIR/roster.ini"
	add_users lone@x.org
	run hours-set new@x.org own@x.org lone@x.org
	assert_output "new@x.org: Europe/Amsterdam mon-fri=09:00-17:00 (default of team Support)
own@x.org: UTC mon=10:00-11:00
lone@x.org: UTC sat=10:00-12:00 (store default)"
}

@test "the store default: [hours] default in roster.ini; own hours win" {
	printf '[hours]\ndefault = mon-fri=09:00-17:00\n' >>"$ROSTER_DIR/roster.ini"
	add_users own@x.org
	hours-set own@x.org sat=00:00-24:00
	run status --format tsv --no-header --at "$SAT3AM"
	assert_output "$(printf 'new@x.org\taway\toff-hours\t2026-11-30T09:00:00Z\tSupport\nown@x.org\tavailable\tworking-hours\t2026-11-29T00:00:00Z\t')"
}

@test "hours-set --default --clear removes the default; a bad spec is 5" {
	hours-set --team Support --default mon=09:00-10:00
	before=$(store_sum)
	run hours-set --team Support --default mon=25:00-26:00
	assert_failure 5
	run hours-set --team Suport --default mon=09:00-10:00
	assert_failure 4
	run hours-set --default new@x.org mon=09:00-10:00
	assert_failure 2
	[ "$(store_sum)" = "$before" ]
	run hours-set --team Support --default --clear
	assert_success
	run grep -c 'team Support' "$ROSTER_DIR/roster.ini"
	assert_output 0
	run hours-set new@x.org
	assert_output "UTC"
}

@test "a bad [hours] line in roster.ini is 7 naming the line" {
	printf '[hours]\nteam Support = mon=nine\n' >>"$ROSTER_DIR/roster.ini"
	run status
	assert_failure 7
	assert_output --partial "roster.ini:"
	assert_output --partial "team Support"
}

@test "hours-set --team over members whose hours differ says how many" {
	user-add --no-welcome --team Support b@x.org c@x.org >/dev/null
	hours-set b@x.org mon=08:00-12:00
	run --separate-stderr hours-set --team Support mon-fri=09:00-17:00
	assert_success
	[[ $stderr == *"overwrote 1 member of team Support whose hours or zone differed"* ]]
	run hours-set b@x.org
	assert_output "UTC mon-fri=09:00-17:00"
}
