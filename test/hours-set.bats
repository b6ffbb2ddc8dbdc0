#!/usr/bin/env bats
# hours-set: specs, --add, --clear, --timezone, printing, errors.
load helpers/common
bats_require_minimum_version 1.5.0

@test "an address alone prints the store zone and no hours" {
	add_users a@x.org
	run hours-set a@x.org
	assert_success
	assert_output 'UTC'
}

@test "set zone and hours; printed line groups days" {
	add_users a@x.org
	run hours-set --timezone Europe/Amsterdam a@x.org mon-fri=09:00-17:00 sat=10:00-12:00,13:00-15:00
	assert_success
	assert_output ''
	run hours-set a@x.org
	assert_output 'Europe/Amsterdam mon-fri=09:00-17:00 sat=10:00-12:00,13:00-15:00'
	run grep -A7 '^working_hours:' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_line '  mon: ["09:00-17:00"]'
	assert_line '  sat: ["10:00-12:00", "13:00-15:00"]'
	run grep -c '^timezone: Europe/Amsterdam$' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output 1
	run grep -c ',hours-set,hours,a@x.org,' "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "the printed line is valid input" {
	add_users a@x.org b@x.org
	hours-set --timezone Asia/Kathmandu a@x.org mon,wed=08:00-12:00 fri=22:00-06:00
	line=$(hours-set a@x.org)
	# shellcheck disable=SC2086
	run hours-set b@x.org $line
	assert_success
	run hours-set b@x.org
	assert_output "$line"
	assert_output 'Asia/Kathmandu mon=08:00-12:00 wed=08:00-12:00 fri=22:00-06:00'
}

@test "without --add specs replace; --add appends; 00:00 end is 24:00" {
	add_users a@x.org
	hours-set a@x.org mon-fri=09:00-17:00
	hours-set a@x.org sat-sun=10:00-11:00
	run hours-set a@x.org
	assert_output 'UTC sat-sun=10:00-11:00'
	hours-set --add a@x.org sun=22:00-00:00
	run hours-set a@x.org
	assert_output 'UTC sat=10:00-11:00 sun=10:00-11:00,22:00-24:00'
}

@test "--clear removes hours; status becomes no-hours" {
	add_users a@x.org
	hours-set a@x.org mon=09:00-17:00
	run hours-set --clear a@x.org
	assert_success
	run hours-set a@x.org
	assert_output 'UTC'
	run status --format tsv --no-header a@x.org
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\t')"
}

@test "--team names every member" {
	user-add --no-welcome --team Support a@x.org b@x.org >/dev/null
	add_users c@x.org
	run hours-set --team Support tue=09:00-12:00
	assert_success
	run hours-set a@x.org b@x.org c@x.org
	assert_output "$(printf 'a@x.org: UTC tue=09:00-12:00\nb@x.org: UTC tue=09:00-12:00\nc@x.org: UTC')"
}

@test "--team that nobody is in: 4, the closest name, nothing written" {
	user-add --no-welcome --team Support a@x.org >/dev/null
	sum=$(store_sum)
	run --separate-stderr hours-set --team Suport tue=09:00-12:00
	assert_failure 4
	assert_equal "$stderr" "hours-set: no team Suport (did you mean Support?)"
	run --separate-stderr ooo-add --team Suport --from 2026-12-01 --to 2026-12-02
	assert_failure 4
	assert_equal "$stderr" "ooo-add: no team Suport (did you mean Support?)"
	[ "$(store_sum)" = "$sum" ]
}

@test "--dry-run prints the change and writes nothing" {
	add_users a@x.org
	sum=$(store_sum)
	run hours-set --dry-run a@x.org mon=09:00-10:00
	assert_success
	assert_output 'a@x.org: UTC -> UTC mon=09:00-10:00'
	[ "$(store_sum)" = "$sum" ]
}

@test "bad weekday, range or zone: 5 naming the token, nothing written" {
	add_users a@x.org
	sum=$(store_sum)
	run hours-set a@x.org xyz=09:00-10:00
	assert_failure 5
	assert_output --partial 'xyz'
	run hours-set a@x.org mon=9-10
	assert_failure 5
	assert_output --partial '9-10'
	run hours-set a@x.org mon=09:00-25:00
	assert_failure 5
	run hours-set --timezone Mars/Base a@x.org
	assert_failure 5
	assert_output --partial 'Mars/Base'
	[ "$(store_sum)" = "$sum" ]
}

@test "a zone is checked with the one message user-add gives, nothing written" {
	add_users a@x.org
	sum=$(store_sum)
	run hours-set --timezone Mars/Base a@x.org
	assert_failure 5
	assert_output "hours-set: unknown time zone 'Mars/Base'"
	run user-add --timezone Mars/Base b@x.org
	assert_failure 5
	assert_output "user-add: unknown time zone 'Mars/Base'"
	[ "$(store_sum)" = "$sum" ]
}

@test "an empty range (a stray comma) is 5, nothing written" {
	add_users a@x.org
	hours-set a@x.org mon-fri=09:00-17:00
	sum=$(store_sum)
	for spec in mon=09:00-12:00, mon=,09:00-12:00 \
	    mon=09:00-12:00,,13:00-17:00; do
		run hours-set a@x.org "$spec"
		assert_failure 5
		assert_output "hours-set: bad spec: $spec: empty range"
		run hours-set --add a@x.org "$spec"
		assert_failure 5
	done
	[ "$(store_sum)" = "$sum" ]
	run hours-set a@x.org
	assert_output 'UTC mon-fri=09:00-17:00'
}

@test "all or nothing: one unknown user, nothing written, 4" {
	add_users a@x.org
	sum=$(store_sum)
	run hours-set a@x.org nobody@x.org mon=09:00-10:00
	assert_failure 4
	[ "$(store_sum)" = "$sum" ]
}

@test "usage errors: 2" {
	add_users a@x.org
	run hours-set
	assert_failure 2
	run hours-set --add --clear a@x.org
	assert_failure 2
	run hours-set --clear a@x.org mon=09:00-10:00
	assert_failure 2
	run hours-set --add a@x.org
	assert_failure 2
}
