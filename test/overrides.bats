#!/usr/bin/env bats
# status --set/--clear/--until and how overrides meet absences: the newer
# intent wins; a calendar sync keeps an absence ended early.

bats_require_minimum_version 1.5.0
load helpers/common

local_setup() {
	add_users a@x.org
	hours-set a@x.org mon-fri=09:00-17:00 >/dev/null
	YAML="$ROSTER_DIR/users/a@x.org.yaml"
}

st() {
	status --format tsv --no-header --at "$2" "$1" | cut -f2-4
}

# An .ics of one absence, UID u1, from $1 to $2 (UTC, YYYYMMDDTHHMMSSZ).
ics() {
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 PRODID:-//t//t BEGIN:VEVENT \
	    UID:u1 DTSTAMP:20261101T000000Z "DTSTART:$1" "DTEND:$2" \
	    "SUMMARY:Out of office" END:VEVENT END:VCALENDAR \
	    >"$BATS_TEST_TMPDIR/cal.ics"
	echo "$BATS_TEST_TMPDIR/cal.ics"
}

@test "away, available to undo it, then an absence: out of office at 14:30" {
	status --set away a@x.org
	run status --set available a@x.org
	assert_success
	# The schedule says available: the override is gone, not stored.
	run grep -c status_override "$YAML"
	assert_output 0
	ooo-add a@x.org --from 2026-11-23T14:00:00Z --to 2026-11-23T15:00:00Z
	run st a@x.org 2026-11-23T14:30:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-11-23T15:00:00Z')"
	run assign-next --at 2026-11-23T14:30:00Z
	assert_failure 1
}

@test "status --clear returns to the schedule, with an audit row" {
	status --set away a@x.org
	run st a@x.org 2026-11-23T11:00:00Z
	assert_output "$(printf 'away\tmanual\t2026-11-23T17:00:00Z')"
	run status --clear a@x.org
	assert_success
	run st a@x.org 2026-11-23T11:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
	grep -q ',status,a@x.org,override cleared: back to the schedule' "$ROSTER_DIR/audit.csv"
	run status --clear nobody@x.org
	assert_failure 4
	run status --clear --set away a@x.org
	assert_failure 2
	run status --clear
	assert_failure 2
}

@test "--set away --until TIME holds until then; an until in the past is 5" {
	run status --set away --until 2026-11-25T12:00:00Z a@x.org
	assert_success
	run st a@x.org 2026-11-24T12:00:00Z
	assert_output "$(printf 'away\tmanual\t2026-11-25T12:00:00Z')"
	run st a@x.org 2026-11-25T12:30:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-25T17:00:00Z')"
	before=$(store_sum)
	run status --set away --until 2026-11-23T09:00:00Z a@x.org
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
	run status --until 2026-11-25T12:00:00Z
	assert_failure 2
}

@test "a new absence by hand that overlaps an override ends it; the audit says so" {
	# Off hours tonight she said available until tomorrow 09:00.
	ROSTER_NOW=2026-11-23T18:00:00Z status --set available a@x.org
	run st a@x.org 2026-11-23T19:30:00Z
	assert_output "$(printf 'available\tmanual\t2026-11-24T09:00:00Z')"
	ROSTER_NOW=2026-11-23T18:05:00Z ooo-add a@x.org \
	    --from 2026-11-23T19:00:00Z --to 2026-11-23T20:00:00Z
	run st a@x.org 2026-11-23T19:30:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-11-24T09:00:00Z')"
	run grep -c status_override "$YAML"
	assert_output 0
	grep -q ',status,a@x.org,override cleared: a newer absence overlaps it' "$ROSTER_DIR/audit.csv"
}

@test "an absence that does not overlap the override leaves it" {
	status --set away a@x.org
	ooo-add a@x.org --from 2026-11-25T10:00:00Z --to 2026-11-25T11:00:00Z
	run st a@x.org 2026-11-23T12:00:00Z
	assert_output "$(printf 'away\tmanual\t2026-11-23T17:00:00Z')"
}

@test "an absence from a calendar that overlaps an override ends it" {
	ROSTER_NOW=2026-11-23T18:00:00Z status --set available a@x.org
	f=$(ics 20261123T190000Z 20261123T200000Z)
	ROSTER_NOW=2026-11-23T18:05:00Z run ooo-add a@x.org --ics "$f"
	assert_success
	run st a@x.org 2026-11-23T19:30:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-11-24T09:00:00Z')"
}

@test "--end-ooo, then the next sync: one period, the early end kept" {
	f=$(ics 20261123T080000Z 20261127T170000Z)
	ooo-add a@x.org --ics "$f" >/dev/null
	run st a@x.org 2026-11-23T11:00:00Z
	assert_output "$(printf 'away\tout-of-office\t2026-11-30T09:00:00Z')"
	status --set available --end-ooo a@x.org
	ROSTER_NOW=2026-11-23T12:00:00Z run ooo-add a@x.org --ics "$f"
	assert_success
	assert_output ""
	[ "$(grep -c 'uid: "u1/' "$YAML")" -eq 1 ]
	grep -q 'end: 2026-11-23T10:00:00' "$YAML"
	run st a@x.org 2026-11-24T11:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-24T17:00:00Z')"
	run status --check
	assert_success
}

@test "an event shortened into the past is trimmed, not deleted" {
	f=$(ics 20261123T080000Z 20261127T170000Z)
	ooo-add a@x.org --ics "$f" >/dev/null
	f=$(ics 20261123T080000Z 20261123T090000Z)
	run ooo-add a@x.org --ics "$f"
	assert_success
	assert_output "a@x.org: ~ 2026-11-23T08:00:00+00:00 2026-11-23T10:00:00+00:00 (was 2026-11-23T08:00:00+00:00 2026-11-27T17:00:00+00:00)"
	grep -q 'start: 2026-11-23T08:00:00' "$YAML"
	grep -q 'end: 2026-11-23T10:00:00' "$YAML"
	run st a@x.org 2026-11-23T11:00:00Z
	assert_output "$(printf 'available\tworking-hours\t2026-11-23T17:00:00Z')"
}

@test "status --check reports two periods of one calendar event" {
	printf '%s\n' 'out_of_office:' \
	    '  - start: 2026-11-23T08:00:00Z' '    end: 2026-11-23T10:00:00Z' \
	    '    source: ics' '    uid: u1' \
	    '  - start: 2026-11-23T12:00:00Z' '    end: 2026-11-27T17:00:00Z' \
	    '    source: ics' '    uid: u1' >>"$YAML"
	run status --check
	assert_failure 7
	assert_output --partial "users/a@x.org.yaml:"
	assert_output --partial "a second period of calendar ics for event u1"
}

@test "status --available --away together: 2" {
	run status --available --away
	assert_failure 2
}
