#!/usr/bin/env bats
# status: the availability model of status(1), the override, --check.
bats_require_minimum_version 1.5.0
load helpers/common

# mkuser EMAIL ZONE [YAML LINES...]: a user file written by hand.
mkuser() {
	local email=$1 zone=$2
	shift 2
	mkdir -p "$ROSTER_DIR/users"
	[ -f "$ROSTER_DIR/roster.ini" ] || user-add --no-welcome seed@x.org >/dev/null
	rm -f "$ROSTER_DIR/users/seed@x.org.yaml"
	{
		echo "email: $email"
		echo "timezone: $zone"
		printf '%s\n' "$@"
	} >"$ROSTER_DIR/users/$email.yaml"
}

# st EMAIL AT: "status reason until" as tsv.
st() {
	status --format tsv --no-header --at "$2" "$1" | cut -f2-4
}

@test "no hours: available, never changes" {
	add_users a@x.org
	run status --format tsv
	assert_success
	assert_output "$(printf 'email\tstatus\treason\tuntil\tteams\na@x.org\tavailable\tno-hours\t\t')"
}

@test "working hours in UTC: in, out, until" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]' '  tue: ["09:00-17:00"]'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_success
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
	run st a@x.org 2026-11-23T17:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-24T09:00:00Z')"
	run st a@x.org 2026-11-24T17:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-30T09:00:00Z')"
}

@test "start inclusive, end exclusive" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]'
	run st a@x.org 2026-11-23T09:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
	run st a@x.org 2026-11-23T16:59:59Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
	run st a@x.org 2026-11-23T08:59:59Z
	assert_output "$(printf 'away\toff-hours\t2026-11-23T09:00:00Z')"
}

@test "overnight range runs into the next day" {
	mkuser a@x.org UTC 'working_hours:' '  fri: ["22:00-06:00"]'
	run st a@x.org 2026-11-27T21:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-27T22:00:00Z')"
	run st a@x.org 2026-11-28T03:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-28T06:00:00Z')"
	run st a@x.org 2026-11-28T06:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-12-04T22:00:00Z')"
}

@test "24:00 end joins the next day's range" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["00:00-24:00"]' '  tue: ["00:00-12:00"]'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-24T12:00:00Z')"
	run st a@x.org 2026-11-22T23:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-23T00:00:00Z')"
}

@test "hours every minute of the week: never changes" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["00:00-24:00"]' '  tue: ["00:00-24:00"]' \
	    '  wed: ["00:00-24:00"]' '  thu: ["00:00-24:00"]' '  fri: ["00:00-24:00"]' \
	    '  sat: ["00:00-24:00"]' '  sun: ["00:00-24:00"]'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t')"
}

@test "Europe/Amsterdam spring-forward 2026-03-29" {
	mkuser a@x.org Europe/Amsterdam 'working_hours:' '  mon: ["09:00-17:00"]' \
	    '  fri: ["09:00-17:00"]' '  sun: ["01:00-02:30"]'
	# Friday 17:00 CET is 16:00Z; Monday 09:00 CEST is 07:00Z.
	run st a@x.org 2026-03-27T15:59:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-03-27T16:00:00Z')"
	run st a@x.org 2026-03-27T20:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-03-29T00:00:00Z')"
	# 02:30 does not exist that night: the range ends when the clock
	# jumps from 02:00 CET to 03:00 CEST (01:00Z).
	run st a@x.org 2026-03-29T00:30:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-03-29T01:00:00Z')"
	run st a@x.org 2026-03-29T01:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-03-30T07:00:00Z')"
}

@test "Europe/Amsterdam fall-back 2026-10-25: a range that happens twice" {
	mkuser a@x.org Europe/Amsterdam 'working_hours:' '  fri: ["09:00-17:00"]' \
	    '  sun: ["02:00-02:30"]' '  mon: ["09:00-17:00"]'
	run st a@x.org 2026-10-23T16:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-25T00:00:00Z')"
	run st a@x.org 2026-10-25T00:10:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-25T00:30:00Z')"
	run st a@x.org 2026-10-25T00:40:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-25T01:00:00Z')"
	run st a@x.org 2026-10-25T01:10:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-25T01:30:00Z')"
	run st a@x.org 2026-10-25T01:30:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-26T08:00:00Z')"
}

@test "America/New_York across the November change" {
	mkuser a@x.org America/New_York 'working_hours:' '  mon: ["09:00-17:00"]' '  fri: ["09:00-17:00"]'
	run st a@x.org 2026-10-30T20:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-30T21:00:00Z')"
	run st a@x.org 2026-10-30T22:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-02T14:00:00Z')"
	# March: 09:00 EDT on Monday 2026-03-09 is 13:00Z.
	run st a@x.org 2026-03-06T23:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-03-09T13:00:00Z')"
}

@test "Australia/Sydney overnight range across spring-forward" {
	mkuser a@x.org Australia/Sydney 'working_hours:' '  sat: ["22:00-06:00"]'
	# Saturday 2026-10-03 22:00 AEST is 12:00Z; Sunday 06:00 AEDT is 19:00Z.
	run st a@x.org 2026-10-03T11:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-03T12:00:00Z')"
	run st a@x.org 2026-10-03T15:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-03T19:00:00Z')"
	# April: Sunday 2026-04-05 06:00 AEST is 20:00Z on the 4th.
	run st a@x.org 2026-04-04T13:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T20:00:00Z')"
}

@test "Asia/Kathmandu: a quarter-hour offset" {
	mkuser a@x.org Asia/Kathmandu 'working_hours:' '  mon: ["09:00-17:00"]'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T11:15:00Z')"
	run st a@x.org 2026-11-23T03:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-23T03:15:00Z')"
}

@test "out of office: until skips a change of reason alone" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]' '  tue: ["09:00-17:00"]' \
	    'out_of_office:' '  - start: 2026-11-23T12:00:00Z' '    end: 2026-11-23T20:00:00Z'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T12:00:00Z')"
	run st a@x.org 2026-11-23T13:00:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-11-24T09:00:00Z')"
}

@test "no hours and a period months ahead" {
	mkuser a@x.org Europe/Amsterdam 'out_of_office:' \
	    '  - start: 2027-06-01T00:00:00+02:00' '    end: 2027-06-15T00:00:00+02:00'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tno-hours\t2027-05-31T22:00:00Z')"
	run st a@x.org 2027-06-02T00:00:00Z
	assert_output "$(printf 'away\tout-of-office\t2027-06-14T22:00:00Z')"
	run st a@x.org 2027-06-20T00:00:00Z
	assert_output "$(printf 'available\tno-hours\t')"
}

@test "--at takes the process zone, table shows until in UTC" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]'
	TZ=Europe/Amsterdam run status --at 2026-11-23T11:00 a@x.org
	assert_success
	assert_line --index 1 --regexp '^a@x.org +available +working-hours +2026-11-23T17:00:00Z'
}

@test "filters: --available, --away, --team; rows sorted" {
	user-add --no-welcome c@x.org --team Sales >/dev/null
	mkuser b@x.org UTC 'teams: [Support]' 'working_hours:' '  tue: ["09:00-17:00"]'
	mkuser a@x.org UTC 'teams: [Support, Sales]'
	run status --format tsv --no-header
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\tSupport,Sales\nb@x.org\taway\toff-hours\t2026-11-24T09:00:00Z\tSupport\nc@x.org\tavailable\tno-hours\t\tSales')"
	run status --format tsv --no-header --away
	assert_output "$(printf 'b@x.org\taway\toff-hours\t2026-11-24T09:00:00Z\tSupport')"
	run sh -c 'status --format csv --no-header --available --team Sales | tr -d "\r"'
	assert_output "$(printf 'a@x.org,available,no-hours,,"Support,Sales"\nc@x.org,available,no-hours,,Sales')"
}

@test "json output" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]'
	run status --format json
	assert_success
	assert_output --partial '"until": "2026-11-23T17:00:00Z"'
	assert_output --partial '"reason": "working-hours"'
}

@test "-q: exit 0 available, 1 away, nothing printed" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]'
	run status -q a@x.org
	assert_success
	assert_output ''
	run status -q --at 2026-11-23T18:00:00Z a@x.org
	assert_failure 1
	assert_output ''
}

@test "unknown user: 4; missing store: 4; bad --at: 5; usage: 2" {
	add_users a@x.org
	run status nobody@x.org
	assert_failure 4
	run status --at yesterday
	assert_failure 5
	run status -q
	assert_failure 2
	run status --bogus
	assert_failure 2
	ROSTER_DIR=$BATS_TEST_TMPDIR/none run status
	assert_failure 4
}

@test "--set away holds until the next scheduled change, then expires" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]' '  tue: ["09:00-17:00"]'
	run status --set away a@x.org
	assert_success
	assert_output ''
	run grep -A2 status_override "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output --partial 'status: away'
	assert_output --partial '2026-11-23T17:00:00Z'
	run st a@x.org 2026-11-23T16:00:00Z
	assert_output "$(printf 'away\tmanual\t2026-11-23T17:00:00Z')"
	run st a@x.org 2026-11-23T17:30:00Z
	assert_output "$(printf 'away\toff-hours\t2026-11-24T09:00:00Z')"
	run status -q a@x.org
	assert_failure 1
	run grep -c status "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "--set available off hours until hours start" {
	mkuser a@x.org UTC 'working_hours:' '  tue: ["09:00-17:00"]'
	run status --set available a@x.org
	assert_success
	run st a@x.org 2026-11-23T12:00:00Z
	assert_output "$(printf 'available\tmanual\t2026-11-24T09:00:00Z')"
	run st a@x.org 2026-11-24T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-24T17:00:00Z')"
}

@test "--set available inside out of office: refused 3, nothing written" {
	mkuser a@x.org UTC 'out_of_office:' '  - start: 2026-11-23T00:00:00Z' '    end: 2026-11-25T00:00:00Z'
	mkuser b@x.org UTC
	sum=$(store_sum)
	run status --set available b@x.org a@x.org
	assert_failure 3
	assert_output --partial 'a@x.org'
	assert_output --partial '--end-ooo'
	[ "$(store_sum)" = "$sum" ]
}

@test "--set available --end-ooo ends the period now" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]' \
	    'out_of_office:' '  - start: 2026-11-23T00:00:00Z' '    end: 2026-11-25T00:00:00Z'
	run status --set available --end-ooo a@x.org
	assert_success
	run grep -A1 'start: 2026-11-23T00:00:00' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output --partial 'end: 2026-11-23T10:00:00'
	# The schedule says available now: no override is stored.
	run st a@x.org 2026-11-23T11:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
	run grep -c status_override "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output 0
}

@test "--set: bad word 2, unknown user 4 and nothing written" {
	add_users a@x.org
	run status --set maybe a@x.org
	assert_failure 2
	sum=$(store_sum)
	run status --set away a@x.org nobody@x.org
	assert_failure 4
	[ "$(store_sum)" = "$sum" ]
}

@test "--check: clean store 0, problems named FILE:LINE on stdout, 7" {
	add_users a@x.org b@x.org
	user-mod --super-admin a@x.org >/dev/null
	run status --check
	assert_success
	assert_output ''
	printf 'email: b@x.org\nteams: [unclosed\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output --regexp '^users/b@x.org.yaml:[0-9]+: '
}

@test "a period that hides the only hours of the week: until looks past it" {
	mkuser a@x.org UTC 'working_hours:' '  sun: ["09:00-10:00"]' \
	    'out_of_office:' '  - start: 2026-11-23T12:00:00Z' '    end: 2026-11-29T12:00:00Z'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-12-06T09:00:00Z')"
	run st a@x.org 2026-11-25T10:00:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-12-06T09:00:00Z')"
}

@test "a long period inside hours of every day: until is its start, then its end" {
	mkuser a@x.org Europe/Amsterdam 'working_hours:' '  mon-sun: []' \
	    '  mon: ["00:00-24:00"]' '  tue: ["00:00-24:00"]' '  wed: ["00:00-24:00"]' \
	    '  thu: ["00:00-24:00"]' '  fri: ["00:00-24:00"]' '  sat: ["00:00-24:00"]' \
	    '  sun: ["00:00-24:00"]' \
	    'out_of_office:' '  - start: 2027-03-01T00:00:00+01:00' '    end: 2027-04-01T00:00:00+02:00'
	sed -i '/mon-sun/d' "$ROSTER_DIR/users/a@x.org.yaml"
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2027-02-28T23:00:00Z')"
	run st a@x.org 2027-03-10T10:00:00Z
	assert_output "$(printf 'away\tout-of-office\t2027-03-31T22:00:00Z')"
}

@test "removed users are not listed; --removed lists them" {
	add_users a@x.org
	mkdir -p "$ROSTER_DIR/removed"
	printf 'email: r@x.org\nremoved_at: 2026-11-01T00:00:00Z\n' >"$ROSTER_DIR/removed/r@x.org.yaml"
	run status --format tsv --no-header
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\t')"
	run status --format tsv --no-header --removed
	assert_output "$(printf 'r@x.org\t2026-11-01T00:00:00Z\t')"
	run status r@x.org
	assert_failure 4
}

@test "--check: a bad roster.ini line and an unknown zone, with lines" {
	add_users --super-admin a@x.org
	printf 'email: b@x.org\nteams: []\ntimezone: Mars/Base\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output 'users/b@x.org.yaml:3: unknown time zone: Mars/Base'
	printf '[store]\nversion = 1\nbogus line\n' >"$ROSTER_DIR/roster.ini"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' 'roster.ini:3: malformed line' \
	    'users/b@x.org.yaml:3: unknown time zone: Mars/Base')"
}

@test "a user with an unknown zone is reported; the others are listed; 7" {
	add_users a@x.org
	printf 'email: b@x.org\ntimezone: Mars/Base\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --format tsv --no-header
	assert_failure 7
	assert_line "$(printf 'a@x.org\tavailable\tno-hours\t\t')"
	assert_line --partial 'Mars/Base'
}

@test "--set across the Amsterdam spring-forward weekend" {
	mkuser a@x.org Europe/Amsterdam 'working_hours:' '  mon: ["09:00-17:00"]' '  fri: ["09:00-17:00"]'
	ROSTER_NOW=2026-03-27T20:00:00Z run status --set available a@x.org
	assert_success
	run st a@x.org 2026-03-29T12:00:00Z
	assert_output "$(printf 'available\tmanual\t2026-03-30T07:00:00Z')"
	run st a@x.org 2026-03-30T07:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-03-30T15:00:00Z')"
}

# Lord Howe moves its clocks by 30 minutes: 02:00 LHST (+10:30) becomes
# 02:30 LHDT (+11:00) on Sunday 2026-10-04 (15:30Z), and 02:00 LHDT becomes
# 01:30 LHST on Sunday 2026-04-05 (15:00Z).
@test "Australia/Lord_Howe: a range across the 30-minute gap is 2h30, across the fold 3h30" {
	mkuser a@x.org Australia/Lord_Howe 'working_hours:' '  sun: ["01:00-04:00"]'
	# 01:00 LHST is 14:30Z; 04:00 LHDT is 17:00Z.
	run st a@x.org 2026-10-03T14:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-03T14:30:00Z')"
	run st a@x.org 2026-10-03T14:30:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-03T17:00:00Z')"
	# 01:00 LHDT is 14:00Z; 04:00 LHST is 17:30Z.
	run st a@x.org 2026-04-04T14:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T17:30:00Z')"
}

@test "Australia/Lord_Howe: a start inside the gap is the instant the clock jumps past it" {
	mkuser a@x.org Australia/Lord_Howe 'working_hours:' '  sun: ["02:15-05:00"]'
	# 02:15 never shows on 2026-10-04: the clock reads 02:30 at 15:30Z
	# (not 15:45Z, which the input rule would give an offset-less 02:15).
	run st a@x.org 2026-10-03T12:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-10-03T15:30:00Z')"
	run st a@x.org 2026-10-03T15:29:59Z
	assert_output "$(printf 'away\toff-hours\t2026-10-03T15:30:00Z')"
	run st a@x.org 2026-10-03T15:30:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-10-03T18:00:00Z')"
	ROSTER_NOW=2026-10-03T12:00:00Z run status --set available a@x.org
	assert_success
	run st a@x.org 2026-10-03T13:00:00Z
	assert_output "$(printf 'available\tmanual\t2026-10-03T15:30:00Z')"
}

@test "Australia/Lord_Howe: a range ending inside the repeated half hour happens twice" {
	mkuser a@x.org Australia/Lord_Howe 'working_hours:' '  sun: ["00:00-01:45"]'
	# 01:45 LHDT is 14:45Z; at 15:00Z the clock goes back to 01:30, and
	# 01:45 LHST is 15:15Z.  Next Sunday 00:00 LHST is 13:30Z on the 11th.
	run st a@x.org 2026-04-04T13:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T14:45:00Z')"
	run st a@x.org 2026-04-04T14:45:00Z
	assert_output "$(printf 'away\toff-hours\t2026-04-04T15:00:00Z')"
	run st a@x.org 2026-04-04T15:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T15:15:00Z')"
	run st a@x.org 2026-04-04T15:15:00Z
	assert_output "$(printf 'away\toff-hours\t2026-04-11T13:30:00Z')"
}

# Chatham is 12:45 (CHAST) or 13:45 (CHADT) ahead: 02:45 CHAST becomes
# 03:45 CHADT on Sunday 2026-09-27 (14:00Z), and 03:45 CHADT becomes 02:45
# CHAST on Sunday 2026-04-05 (14:00Z).
@test "Pacific/Chatham: a range across the gap is 2h, across the fold 4h" {
	mkuser a@x.org Pacific/Chatham 'working_hours:' '  sun: ["02:00-05:00"]'
	# 02:00 CHAST is 13:15Z; 05:00 CHADT is 15:15Z.
	run st a@x.org 2026-09-26T13:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-09-26T13:15:00Z')"
	run st a@x.org 2026-09-26T13:15:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-09-26T15:15:00Z')"
	# 02:00 CHADT is 12:15Z; 05:00 CHAST is 16:15Z.
	run st a@x.org 2026-04-04T12:15:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T16:15:00Z')"
}

@test "Pacific/Chatham: a start in the gap, an end in the repeated hour" {
	mkuser a@x.org Pacific/Chatham 'working_hours:' '  sun: ["03:00-06:00"]'
	# 03:00 does not exist on 2026-09-27: the clock jumps past it at 14:00Z
	# (the input rule would say 14:15Z); 06:00 CHADT is 16:15Z.
	run st a@x.org 2026-09-26T10:00:00Z
	assert_output "$(printf 'away\toff-hours\t2026-09-26T14:00:00Z')"
	run st a@x.org 2026-09-26T14:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-09-26T16:15:00Z')"
	hours-set a@x.org sun=00:00-03:00
	# On 2026-04-05, 00:00 CHADT is 10:15Z; 03:00 CHADT is 13:15Z; the
	# clock goes back at 14:00Z and reads 03:00 CHAST at 14:15Z.  Next
	# Sunday 00:00 CHAST is 11:15Z on the 11th.
	run st a@x.org 2026-04-04T10:15:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T13:15:00Z')"
	run st a@x.org 2026-04-04T13:15:00Z
	assert_output "$(printf 'away\toff-hours\t2026-04-04T14:00:00Z')"
	run st a@x.org 2026-04-04T14:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-04-04T14:15:00Z')"
	run st a@x.org 2026-04-04T14:15:00Z
	assert_output "$(printf 'away\toff-hours\t2026-04-11T11:15:00Z')"
}

@test "--set away on a schedule that never changes: no until, holds until set again" {
	add_users a@x.org
	run status --set away a@x.org
	assert_success
	run sed -n '/status_override/,/^[a-z]/p' "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output "$(printf 'status_override:\n  status: away\nwelcome: skipped')"
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'away\tmanual\t')"
	run st a@x.org 2126-11-23T10:00:00Z
	assert_output "$(printf 'away\tmanual\t')"
	run status -q a@x.org
	assert_failure 1
	run tail -1 "$ROSTER_DIR/audit.csv"
	assert_output --partial 'away until set again'
	# Available is what the schedule says anyway: the override goes.
	run status --set available a@x.org
	assert_success
	run grep -c status_override "$ROSTER_DIR/users/a@x.org.yaml"
	assert_output 0
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tno-hours\t')"
	run tail -1 "$ROSTER_DIR/audit.csv"
	assert_output --partial 'available: the schedule, no override'
	run status --check
	assert_success
}

@test "--set on hours every minute of the week; on no hours with a period ahead" {
	mkuser a@x.org Europe/London 'working_hours:' '  mon: ["00:00-24:00"]' '  tue: ["00:00-24:00"]' \
	    '  wed: ["00:00-24:00"]' '  thu: ["00:00-24:00"]' '  fri: ["00:00-24:00"]' \
	    '  sat: ["00:00-24:00"]' '  sun: ["00:00-24:00"]'
	run status --set away a@x.org
	assert_success
	run st a@x.org 2027-03-28T01:30:00Z
	assert_output "$(printf 'away\tmanual\t')"
	run status --set available a@x.org
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tworking-hours\t')"
	# A period ahead is a change of the schedule: the override ends there.
	mkuser b@x.org UTC 'out_of_office:' '  - start: 2026-12-01T00:00:00Z' '    end: 2026-12-02T00:00:00Z'
	run status --set away b@x.org
	assert_success
	run st b@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'away\tmanual\t2026-12-01T00:00:00Z')"
	run st b@x.org 2026-12-02T00:00:00Z
	assert_output "$(printf 'available\tno-hours\t')"
}

@test "an override written without until holds; with --end-ooo and no hours it goes" {
	mkuser a@x.org UTC 'working_hours:' '  mon: ["09:00-17:00"]' \
	    'status_override:' '  status: away'
	run st a@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'away\tmanual\t')"
	run status --check
	assert_success
	mkuser b@x.org UTC 'out_of_office:' '  - start: 2026-11-23T00:00:00Z' '    end: 2026-11-25T00:00:00Z'
	run status --set available --end-ooo b@x.org
	assert_success
	run grep -c status_override "$ROSTER_DIR/users/b@x.org.yaml"
	assert_output 0
	run st b@x.org 2026-11-23T10:00:00Z
	assert_output "$(printf 'available\tno-hours\t')"
}

@test "--at in a gap or a fold of TZ: a warning says how it was read" {
	add_users a@x.org
	TZ=Europe/Amsterdam run --separate-stderr status --at 2026-03-29T02:30 --format json
	assert_success
	[[ $stderr == *"--at 2026-03-29T02:30 does not exist in TZ (clocks went forward): read as 2026-03-29T01:30:00Z"* ]]
	run jq -r '.[0].at' <<<"$output"
	assert_output "2026-03-29T01:30:00Z"
	TZ=Europe/Amsterdam run --separate-stderr assign-next --dry-run --at 2026-10-25T02:30 --format json
	assert_success
	[[ $stderr == *"happens twice in TZ (clocks went back): read as the first, 2026-10-25T00:30:00Z"* ]]
	run jq -r '.at' <<<"$output"
	assert_output "2026-10-25T00:30:00Z"
	TZ=Europe/Amsterdam run --separate-stderr status --at 2026-10-24T02:30
	assert_success
	[ -z "$stderr" ]
}
