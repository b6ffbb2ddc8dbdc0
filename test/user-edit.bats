#!/usr/bin/env bats
# User files are edited in place, byte for byte: only the values that
# change are rewritten; comments, order, quoting, anchors, CR LF and a
# byte-order mark stay.  Files past the limits are refused (7).
load helpers/common

local_setup() {
	add_users zoe@x.org
	F="$ROSTER_DIR/users/zoe@x.org.yaml"
}

@test "an accented value before a kept key: the zone is replaced, not doubled" {
	cat >"$F" <<'YAML'
email: zoe@x.org
first_name: Zoë
timezone: Europe/Paris
pager: "+33 6 12 34 56 78"
YAML
	run hours-set --timezone Asia/Tokyo zoe@x.org
	assert_success
	assert_output ''
	run hours-set zoe@x.org
	assert_success
	assert_output 'Asia/Tokyo'
	run cat "$F"
	assert_output "$(printf '%s\n' 'email: zoe@x.org' 'first_name: Zoë' \
	    'timezone: Asia/Tokyo' 'pager: "+33 6 12 34 56 78"')"
}

@test "a byte-order mark and CR LF stay; a new key gets CR LF" {
	printf '\357\273\277email: zoe@x.org\r\nfirst_name: Zoë\r\n' >"$F"
	run user-mod --team Sales zoe@x.org
	assert_success
	run status --format tsv --no-header zoe@x.org
	assert_success
	assert_output "$(printf 'zoe@x.org\tavailable\tno-hours\t\tSales')"
	printf '\357\273\277email: zoe@x.org\r\nfirst_name: Zoë\r\nteams: [Sales]\r\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$F" "$BATS_TEST_TMPDIR/want"
}

@test "hand-written comments, anchors and aliases survive every rewrite" {
	cat >"$F" <<'YAML'
# Zoë runs the Paris desk; ask Ana before changing her hours.
email: zoe@x.org
manager: &m ana@x.org   # her manager
escalation: *m

# mornings only on Friday
working_hours:
  mon: ["09:00-17:00"]
  fri: ["09:00-13:00"]  # half day
notes: |
  Prefers chat.
  日本語 OK.
YAML
	cp "$F" "$BATS_TEST_TMPDIR/before"
	run ooo-add zoe@x.org --from 2026-12-01 --to 2026-12-05
	assert_success
	run user-mod --team Sales --capacity 2 zoe@x.org
	assert_success
	run status --set away zoe@x.org
	assert_success
	run ooo-rm zoe@x.org --all
	assert_success
	run status --set available zoe@x.org
	assert_success
	run user-mod --no-team Sales --capacity none zoe@x.org
	assert_success
	# Teams stay as an empty list; "available" while the schedule says so
	# drops the override: every other byte is as it was.
	run diff "$BATS_TEST_TMPDIR/before" "$F"
	assert_failure 1
	assert_output "$(printf '%s\n' '2a3' '> teams: []')"
}

@test "the calendar sync keeps comments in the file" {
	cat >"$F" <<'YAML'
# header note
email: zoe@x.org
# a note above working_hours
working_hours:
  fri: ["09:00-13:00"]  # half day
YAML
	cp "$F" "$BATS_TEST_TMPDIR/before"
	run ooo-add zoe@x.org --ics "$DATA/google.ics"
	assert_success
	run grep -c '^  - start:\|^- start:' "$F"
	refute_output 0
	# Every line that was there is there, in order, unchanged.
	run diff "$BATS_TEST_TMPDIR/before" "$F"
	assert_failure 1
	refute_line --regexp '^[<c]'
	refute_line --regexp '^[0-9]+[cd]'
}

@test "an unknown key whose value is an alias is kept" {
	printf 'email: zoe@x.org\nboss: &m ana@x.org\nescalation: *m\n' >"$F"
	run user-mod --last-name Ito zoe@x.org
	assert_success
	run cat "$F"
	assert_output "$(printf '%s\n' 'email: zoe@x.org' 'last_name: Ito' \
	    'boss: &m ana@x.org' 'escalation: *m')"
}

@test "a self-referencing alias crashes nothing" {
	add_users ana@x.org
	user-mod --team Desk ana@x.org zoe@x.org
	echo '{email: zoe@x.org, teams: [Desk], loop: &a [*a]}' >"$F"
	run status --format tsv --no-header
	assert_success
	assert_line "$(printf 'zoe@x.org\tavailable\tno-hours\t\tDesk')"
	run status --check
	assert_success
	run assign-next --team Desk
	assert_success
	run ooo-rm --past
	assert_success
	run user-mod --capacity 3 zoe@x.org
	assert_success
	run cat "$F"
	assert_output '{email: zoe@x.org, teams: [Desk], capacity: 3, loop: &a [*a]}'
}

@test "a value to change that is an alias is refused with what to do" {
	printf 'email: zoe@x.org\nhome: &z Europe/Paris\ntimezone: *z\n' >"$F"
	sum=$(store_sum)
	run hours-set --timezone Asia/Tokyo zoe@x.org
	assert_failure 7
	assert_output --partial 'users/zoe@x.org.yaml:3: timezone: the value is an alias'
	assert_output --partial 'by hand'
	assert_equal "$(store_sum)" "$sum"
}

@test "a known key written twice is refused, naming both lines" {
	printf 'email: zoe@x.org\ntimezone: UTC\nteams: [a]\ntimezone: Europe/Paris\n' >"$F"
	sum=$(store_sum)
	run user-mod --capacity 2 zoe@x.org
	assert_failure 7
	assert_output --partial 'users/zoe@x.org.yaml:4: timezone: appears twice (also on line 2); remove one by hand'
	assert_equal "$(store_sum)" "$sum"
}

@test "a TAB in the indentation says so" {
	printf 'email: zoe@x.org\nteams:\n\t- a\n' >"$F"
	run status zoe@x.org
	assert_failure 7
	assert_line 'status: users/zoe@x.org.yaml:3: a tab in the indentation; YAML indents with spaces'
}

@test "a second document is refused, not dropped" {
	printf 'email: zoe@x.org\n---\nemail: ana@x.org\n' >"$F"
	sum=$(store_sum)
	run user-mod --capacity 2 zoe@x.org
	assert_failure 7
	assert_output --partial 'users/zoe@x.org.yaml:2: a second YAML document'
	assert_equal "$(store_sum)" "$sum"
}

@test "a file without email: is refused by readers and writers alike" {
	printf 'first_name: Zoë\n' >"$F"
	run status zoe@x.org
	assert_failure 7
	assert_line 'status: users/zoe@x.org.yaml: no email: key; add a line email: ADDRESS'
	run user-mod --capacity 2 zoe@x.org
	assert_failure 7
	assert_output 'user-mod: users/zoe@x.org.yaml: no email: key; add a line email: ADDRESS'
	run cat "$F"
	assert_output 'first_name: Zoë'
}

@test "an alias bomb is refused at once" {
	python3 - "$F" <<'PY'
import sys
s = 'email: zoe@x.org\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
for i in range(1, 10):
    s += 'a%d: &a%d [%s]\n' % (i, i, ', '.join(['*a%d' % (i - 1)] * 9))
s += 'teams: *a9\n'
open(sys.argv[1], 'w').write(s)
PY
	run timeout 5 status zoe@x.org
	assert_failure 7
	assert_line 'status: users/zoe@x.org.yaml: more than 64 aliases (*name); write the values out'
}

@test "nesting deeper than 64 and files over 1 MiB are refused" {
	python3 -c 'print("email: zoe@x.org\nd: " + "[" * 70 + "]" * 70)' >"$F"
	run status zoe@x.org
	assert_failure 7
	assert_line 'status: users/zoe@x.org.yaml:2: nested deeper than 64 levels'
	python3 -c 'print("email: zoe@x.org\nnote: " + "x" * (1 << 20))' >"$F"
	run status zoe@x.org
	assert_failure 7
	assert_output --partial 'users/zoe@x.org.yaml: larger than 1 MiB'
}

@test "a new user file is written as before" {
	run cat "$F"
	assert_output "$(printf '%s\n' 'email: zoe@x.org' 'super_admin: false' \
	    'teams: []' 'seat: none' 'contact_roles: []' 'welcome: skipped' \
	    'created: 2026-11-23T10:00:00Z')"
}

@test "a changed value keeps the file's quoting, style and indentation" {
	printf '%s\n' '---' 'email: zoe@x.org' '"first_name": "Zoë"' \
	    "last_name: 'Ito'" 'teams:' '    - Desk   # since 2024' \
	    'working_hours: {mon: ["09:00-17:00"]}  # flow' '...' >"$F"
	run user-mod --first-name Ana --last-name "O'Neil" --team Sales zoe@x.org
	assert_success
	run hours-set zoe@x.org tue=10:00-11:00
	assert_success
	run cat "$F"
	assert_output "$(printf '%s\n' '---' 'email: zoe@x.org' \
	    '"first_name": "Ana"' "last_name: 'O''Neil'" 'teams:' '- Desk' \
	    '- Sales' 'working_hours: {tue: ["10:00-11:00"]}  # flow' '...')"
}

@test "keys indented as a block stay indented; a key that loses its value goes" {
	printf '  email: zoe@x.org\n  first_name: Zoë  # née Ito\n  x: 1\n' >"$F"
	run hours-set --timezone Asia/Tokyo zoe@x.org mon=09:00-10:00
	assert_success
	run user-mod --first-name '' zoe@x.org
	assert_success
	run cat "$F"
	assert_output "$(printf '%s\n' '  email: zoe@x.org' \
	    '  timezone: Asia/Tokyo' '  working_hours:' \
	    '    mon: ["09:00-10:00"]' '  x: 1')"
}

@test "an empty placeholder gets the usual style; a comment after it stays" {
	printf 'email: zoe@x.org\nout_of_office: []\ntimezone:   # none yet\n' >"$F"
	run ooo-add zoe@x.org --from 2026-12-01 --to 2026-12-02
	assert_success
	run hours-set --timezone Asia/Tokyo zoe@x.org
	assert_success
	run cat "$F"
	assert_output "$(printf '%s\n' 'email: zoe@x.org' 'out_of_office:' \
	    '- start: 2026-12-01T00:00:00+00:00' \
	    '  end: 2026-12-03T00:00:00+00:00' \
	    'timezone: Asia/Tokyo   # none yet')"
}

@test "periods are edited one by one: the comments of the others stay" {
	cat >"$F" <<'YAML'
email: zoe@x.org
out_of_office:
  # dentist
  - start: 2026-12-01T00:00:00Z
    end: 2026-12-02T00:00:00Z  # morning only
  # trip to Ōsaka
  - start: 2026-12-10T00:00:00Z
    end: 2026-12-12T00:00:00Z
# the rest
x: 1
YAML
	run ooo-add zoe@x.org --ics "$DATA/google.ics"
	assert_success
	run ooo-rm zoe@x.org --start 2026-12-01T00:00:00Z
	assert_success
	run cat "$F"
	assert_output "$(cat <<'YAML'
email: zoe@x.org
out_of_office:
  # trip to Ōsaka
  - start: 2026-12-10T00:00:00Z
    end: 2026-12-12T00:00:00Z
  - start: 2026-12-10T13:00:00+00:00
    end: 2026-12-10T17:00:00+00:00
    source: ics
    uid: "7b3e9a1c5d@google.com/2026-12-10T13:00:00+00:00"
  - start: 2027-01-04T00:00:00+00:00
    end: 2027-01-09T00:00:00+00:00
    source: ics
    uid: "4f1c2a7d9e@google.com/2027-01-04T00:00:00+00:00"
# the rest
x: 1
YAML
)"
}

@test "weekdays are edited one by one: the comment after fri: stays" {
	cat >"$F" <<'YAML'
email: zoe@x.org
# a note above working_hours
working_hours:
  tue: ["09:00-17:00"]
  fri: ["09:00-13:00"]  # half day
YAML
	run hours-set zoe@x.org mon=08:00-12:00 fri=09:00-13:00
	assert_success
	run hours-set zoe@x.org
	assert_output 'UTC mon=08:00-12:00 fri=09:00-13:00'
	run cat "$F"
	assert_output "$(printf '%s\n' 'email: zoe@x.org' \
	    '# a note above working_hours' 'working_hours:' \
	    '  mon: ["08:00-12:00"]' '  fri: ["09:00-13:00"]  # half day')"
	run hours-set zoe@x.org fri=09:00-12:00
	assert_success
	run tail -n 1 "$F"
	assert_output '  fri: ["09:00-12:00"]  # half day'
}
