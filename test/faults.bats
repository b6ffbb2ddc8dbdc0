#!/usr/bin/env bats
# One bad file stops only itself; writers and readers agree on the range
# of times.  A user file that cannot be read, or a malformed records.csv
# row, is reported as FILE:LINE and left as it is; every other user and
# row is listed and routed, and listings exit 7 at the end.
load helpers/common
bats_require_minimum_version 1.5.0

local_setup() {
	add_users a@x.org b@x.org c@x.org
	user-mod --team Sales a@x.org b@x.org c@x.org >/dev/null
	B="$ROSTER_DIR/users/b@x.org.yaml"
}

# break_b KIND: write b's file by hand with one mistake; BAD is the line
# the message names, and the file's checksum is kept in BSUM.
break_b() {
	case $1 in
	tab) printf 'email: b@x.org\nteams: [Sales]\nworking_hours:\n\tmon: ["09:00-17:00"]\n' ;;
	weekday) printf 'email: b@x.org\nteams: [Sales]\nworking_hours:\n  fry: ["09:00-17:00"]\n' ;;
	capacity) printf 'email: b@x.org\nteams: [Sales]\n\ncapacity: three\n' ;;
	minute) printf 'email: b@x.org\nteams: [Sales]\nworking_hours:\n  mon: ["09:00-12:70"]\n' ;;
	esac >"$B"
	BAD="users/b@x.org.yaml:4: "
	BSUM=$(cksum <"$B")
}

KINDS="tab weekday capacity minute"

# The one line PROG reports about b's file.
assert_reported() {
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == "$1: $BAD"* ]]
}

@test "status: every other user listed, the bad file named with its line, exit 7" {
	for k in $KINDS; do
		break_b "$k"
		for args in "" "--team Sales" "--away" "a@x.org b@x.org c@x.org"; do
			# shellcheck disable=SC2086
			run --separate-stderr status --format tsv --no-header $args
			[ "$status" -eq 7 ]
			if [ "$args" = --away ]; then
				assert_output ''
			else
				assert_output "$(printf '%s\tavailable\tno-hours\t\tSales\n' a@x.org c@x.org)"
			fi
			assert_reported status
		done
		[ "$(cksum <"$B")" = "$BSUM" ]
	done
}

@test "status: with the index fresh the bad file is still reported each time" {
	break_b capacity
	run --separate-stderr status --format tsv --no-header
	[ "$status" -eq 7 ]
	[ -f "$ROSTER_DIR/.cache/users.idx" ]
	run --separate-stderr status --format tsv --no-header --team Sales
	[ "$status" -eq 7 ]
	assert_output "$(printf '%s\tavailable\tno-hours\t\tSales\n' a@x.org c@x.org)"
	assert_reported status
}

@test "commands aimed at the broken user alone refuse with 7 and write nothing" {
	break_b weekday
	sum=$(store_sum)
	run --separate-stderr status -q b@x.org
	[ "$status" -eq 7 ]
	assert_reported status
	for cmd in "hours-set b@x.org mon=09:00-17:00" "ooo-rm b@x.org --all" \
	    "ooo-add b@x.org --from 2026-12-01 --to 2026-12-02" \
	    "status --set away b@x.org" "user-mod --capacity 2 b@x.org" \
	    "hours-set b@x.org"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		[ "$status" -eq 7 ]
		[[ $stderr == *"$BAD"* ]]
		[ "$(store_sum)" = "$sum" ]
	done
}

@test "assign-next: skips an unreadable user, routes to the others, exit 0" {
	for k in $KINDS; do
		break_b "$k"
		rm -f "$ROSTER_DIR/rotation.csv"
		# Round robin over everyone walks the index: cold, then fresh.
		for round in cold warm; do
			[ "$round" = cold ] && rm -rf "$ROSTER_DIR/.cache"
			run --separate-stderr assign-next
			[ "$status" -eq 0 ]
			assert_reported assign-next
			[ "$round" = cold ] && assert_output a@x.org
			[ "$round" = warm ] && assert_output c@x.org
		done
		run --separate-stderr assign-next
		assert_output a@x.org
		run --separate-stderr assign-next --team Sales --mode balanced
		[ "$status" -eq 0 ]
		assert_output a@x.org
		assert_reported assign-next
		[ "$(cksum <"$B")" = "$BSUM" ]
	done
	run grep -c ',assign,b@x.org,' "$ROSTER_DIR/audit.csv"
	assert_output 0
}

@test "assign-next: nobody chosen while a file could not be read is 7, not 1" {
	break_b capacity
	status --set away a@x.org c@x.org >/dev/null
	sum=$(store_sum)
	run --separate-stderr assign-next --team Sales
	[ "$status" -eq 7 ]
	assert_output ''
	[[ ${stderr_lines[0]} == "assign-next: $BAD"* ]]
	[ "${stderr_lines[1]}" = "assign-next: nobody in pool Sales is available; 1 user file could not be read" ]
	assert_equal "$(store_sum)" "$sum"
	# With every file readable, nobody is the answer 1.
	user-rm --force b@x.org >/dev/null 2>&1 || rm "$B"
	run --separate-stderr assign-next --team Sales
	[ "$status" -eq 1 ]
}

@test "assign-next --explain: the unreadable file on one line, in text and JSON" {
	break_b minute
	run --separate-stderr assign-next --team Sales --explain
	[ "$status" -eq 0 ]
	assert_output a@x.org
	[ "${#stderr_lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "assign-next: unreadable: ${BAD}working_hours: bad range '09:00-12:70' (want HH:MM-HH:MM)" ]
	[ "${stderr_lines[1]}" = "assign-next: a@x.org: chosen: no-hours until -, load 0/-" ]
	run --separate-stderr assign-next --team Sales --explain --format json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run jq -r '.email, (.explain[] | "\(.email) \(.why)")' <<<"$output"
	assert_line --index 0 c@x.org
	assert_line --index 1 "null unreadable: ${BAD}working_hours: bad range '09:00-12:70' (want HH:MM-HH:MM)"
	assert_line --index 3 'c@x.org chosen: no-hours until -, load 0/-'
}

@test "assign-next --backlog and --record route around the bad file" {
	break_b tab
	printf 'type,id,owner,state\nticket,1,,open\nticket,2,,open\n' >"$ROSTER_DIR/records.csv"
	run --separate-stderr assign-next --backlog
	[ "$status" -eq 0 ]
	assert_output "$(printf 'ticket:1 a@x.org\nticket:2 c@x.org')"
	assert_reported assign-next
	run --separate-stderr assign-next --record ticket:3
	[ "$status" -eq 0 ]
	assert_output a@x.org
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\nticket,1,a@x.org,open\nticket,2,c@x.org,open\nticket,3,a@x.org,open')"
}

@test "ooo-rm --past: the others' past periods go, the bad file is reported, exit 7" {
	ooo-add a@x.org --from 2026-11-01 --to 2026-11-02 >/dev/null
	ooo-add c@x.org --from 2026-11-03 --to 2026-11-04 >/dev/null
	ooo-add c@x.org --from 2026-12-03 --to 2026-12-04 >/dev/null
	break_b capacity
	run --separate-stderr ooo-rm --past
	[ "$status" -eq 7 ]
	assert_reported ooo-rm
	run grep -c 'start:' "$ROSTER_DIR/users/a@x.org.yaml" "$ROSTER_DIR/users/c@x.org.yaml"
	assert_output "$(printf '%s\n' "$ROSTER_DIR/users/a@x.org.yaml:0" "$ROSTER_DIR/users/c@x.org.yaml:1")"
	run grep -c ',ooo-rm,' "$ROSTER_DIR/audit.csv"
	assert_output 2
	[ "$(cksum <"$B")" = "$BSUM" ]
}

@test "hours-set --team: the other members change, the bad file is reported, exit 7" {
	break_b weekday
	run --separate-stderr hours-set --team Sales 'mon-fri=09:00-17:00'
	[ "$status" -eq 7 ]
	assert_reported hours-set
	run hours-set a@x.org c@x.org
	assert_output "$(printf 'a@x.org: UTC mon-fri=09:00-17:00\nc@x.org: UTC mon-fri=09:00-17:00')"
	run grep -c ',hours-set,hours,' "$ROSTER_DIR/audit.csv"
	assert_output 2
	[ "$(cksum <"$B")" = "$BSUM" ]
	run --separate-stderr hours-set --team Sales
	[ "$status" -eq 7 ]
	assert_output "$(printf 'a@x.org: UTC mon-fri=09:00-17:00\nc@x.org: UTC mon-fri=09:00-17:00')"
}

# --- records.csv ------------------------------------------------------------

# A records.csv with two malformed rows (CRLF, a blank line, a quoted line
# break) among good ones.
bad_records() {
	printf 'type,id,owner,state\r\nticket,1,a@x.org,open\r\nticket,2,a@x.org,open,extra\r\n\r\nticket,3,,open\r\n"ticket",,c@x.org,"open\r\nx"\r\nticket,4,c@x.org,open\r\n' \
	    >"$ROSTER_DIR/records.csv"
}

@test "records: malformed rows reported with their line, the others listed, exit 7" {
	bad_records
	sum=$(store_sum)
	run --separate-stderr records --format tsv --no-header
	[ "$status" -eq 7 ]
	assert_output "$(printf 'ticket\t1\ta@x.org\topen\ttrue\nticket\t3\t\topen\ttrue\nticket\t4\tc@x.org\topen\ttrue')"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "records: records.csv:3: want 4 fields (type,id,owner,state), found 5" ]
	[ "${stderr_lines[1]}" = "records: records.csv:6: empty type or id" ]
	[ "$(store_sum)" = "$sum" ]
}

@test "records: a malformed row is not counted against capacity" {
	printf 'type,id,owner,state\nticket,1,a@x.org,open,oops\n' >"$ROSTER_DIR/records.csv"
	user-mod --capacity 1 a@x.org b@x.org c@x.org >/dev/null
	run --separate-stderr assign-next --team Sales --mode balanced --dry-run
	[ "$status" -eq 0 ]
	assert_output a@x.org
	run --separate-stderr assign-next --team Sales --mode balanced --explain --dry-run
	[ "${stderr_lines[0]}" = 'assign-next: a@x.org: chosen: no-hours until -, load 0/1' ]
}

@test "every writer of records.csv keeps a malformed row byte for byte" {
	bad_records
	keep() {	# the malformed rows' bytes, in order
		grep -a -e 'extra' -e '^"ticket"' -e '^x"' "$ROSTER_DIR/records.csv" | od -c
	}
	before=$(keep)
	run --separate-stderr assign-next --record ticket:9
	[ "$status" -eq 0 ]
	[[ $stderr == *"records.csv:3: want 4 fields"* ]]
	[ "$(keep)" = "$before" ]
	run --separate-stderr assign-next --backlog
	[ "$status" -eq 0 ]
	[ "$(keep)" = "$before" ]
	run --separate-stderr user-rm --reassign-to a@x.org c@x.org
	[ "$status" -eq 0 ]
	[ "$(keep)" = "$before" ]
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\nticket,1,a@x.org,open\nticket,2,a@x.org,open,extra\r\nticket,3,b@x.org,open\n"ticket",,c@x.org,"open\r\nx"\r\nticket,4,a@x.org,open\nticket,9,a@x.org,open')"
}

# --- the supported range of times ---------------------------------------

@test "ooo-add: an end past the year 9999 in some zone is refused before writing" {
	sum=$(store_sum)
	run --separate-stderr ooo-add a@x.org --from 2026-12-01 --to 9999-12-31
	[ "$status" -eq 5 ]
	[[ $stderr == *"outside the supported range of times (0001-01-02T02:00:00Z to 9999-12-30T21:59:59Z)"* ]]
	run --separate-stderr ooo-add a@x.org --from 0001-01-01 --to 2026-12-01
	[ "$status" -eq 5 ]
	run --separate-stderr ooo-add a@x.org --from 2026-12-01 --to 9999-12-30T22:00:00Z
	[ "$status" -eq 5 ]
	[ "$(store_sum)" = "$sum" ]
	# The last supported second is taken, and every listing still works.
	run ooo-add a@x.org --from 2026-12-01 --to 9999-12-30T21:59:59Z
	assert_success
	run status --format tsv --no-header --at 9999-12-30T21:00:00Z a@x.org
	assert_success
	assert_output "$(printf 'a@x.org\taway\tout-of-office\t9999-12-30T21:59:59Z\tSales')"
	run status --check
	assert_success
}

@test "--at and ROSTER_NOW outside the range: 5, nothing written" {
	sum=$(store_sum)
	run --separate-stderr status --at 9999-12-31
	[ "$status" -eq 5 ]
	run --separate-stderr assign-next --at 0001-01-01T12:00:00Z
	[ "$status" -eq 5 ]
	ROSTER_NOW=9999-12-31T00:00:00Z run --separate-stderr assign-next
	[ "$status" -eq 5 ]
	[ "$stderr" = "assign-next: ROSTER_NOW: '9999-12-31T00:00:00Z' is outside the supported range of times (0001-01-02T02:00:00Z to 9999-12-30T21:59:59Z)" ]
	ROSTER_NOW=0001-01-01 run --separate-stderr user-add --no-welcome d@x.org
	[ "$status" -eq 5 ]
	[ "$(store_sum)" = "$sum" ]
	[ ! -e "$ROSTER_DIR/users/d@x.org.yaml" ]
}

@test "the reader refuses what no writer writes: a time past the range in a file" {
	printf 'email: b@x.org\nteams: [Sales]\nout_of_office:\n- start: 2026-12-01T00:00:00Z\n  end: 9999-12-31T12:00:00Z\n' >"$B"
	run --separate-stderr status --format tsv --no-header
	[ "$status" -eq 7 ]
	[[ ${stderr_lines[0]} == "status: users/b@x.org.yaml:5: end: "* ]]
	assert_output "$(printf '%s\tavailable\tno-hours\t\tSales\n' a@x.org c@x.org)"
}

@test "status --set: an until past the range is refused, nothing written" {
	hours-set a@x.org 'mon-sun=09:00-17:00' >/dev/null
	sum=$(store_sum)
	ROSTER_NOW=9999-12-30T20:00:00Z run --separate-stderr status --set away a@x.org
	[ "$status" -eq 5 ]
	[[ $stderr == *"a@x.org: the schedule next changes outside the supported range"* ]]
	[ "$(store_sum)" = "$sum" ]
}

# ics BODY...: a calendar with one event made of the lines given.
ics() {
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n'
		printf 'BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:Out of office\r\n'
		printf '%s\r\n' "$@"
		printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
	} >"$BATS_TEST_TMPDIR/cal.ics"
}

@test "ooo-add --ics: an event ending outside the range is refused naming its line" {
	sum=$(store_sum)
	ics 'DTSTART;VALUE=DATE:20261201' 'DURATION:P613566757W'
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/cal.ics"
	[ "$status" -eq 5 ]
	[[ $stderr == "ooo-add: $BATS_TEST_TMPDIR/cal.ics:4: DURATION: the event ends outside the supported range"* ]]
	ics 'DTSTART:20261201T000000Z' 'DURATION:PT4000000000H'
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/cal.ics"
	[ "$status" -eq 5 ]
	[[ $stderr == *"cal.ics:4: DURATION"* ]]
	ics 'DTSTART;VALUE=DATE:20261201' 'DTEND;VALUE=DATE:99991231'
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/cal.ics"
	[ "$status" -eq 5 ]
	[[ $stderr == *"cal.ics:4: the event ends outside the supported range"* ]]
	ics 'DTSTART;VALUE=DATE:20261201' 'DURATION:P2914000D'
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/cal.ics"
	[ "$status" -eq 5 ]
	[[ $stderr == *"cal.ics:4: the event ends outside the supported range"* ]]
	[ "$(store_sum)" = "$sum" ]
	ics 'DTSTART;VALUE=DATE:20261201' 'DTEND;VALUE=DATE:99991230'
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/cal.ics"
	[ "$status" -eq 0 ]
	run status --check
	assert_success
}

# --- round trip -------------------------------------------------------------

# What the readers see of r@x.org: names, capacity, hours, periods, the
# listing; the same from a fresh parse and from the index.
readback() {
	user-mod --dry-run --first-name X --last-name Y --capacity 9 r@x.org
	hours-set r@x.org
	ooo-add --format tsv --no-header r@x.org
	status --format tsv --no-header r@x.org
	status --format tsv --no-header --team 'Ops: "night" #1'
	status --format tsv --no-header --at 2026-12-25T00:00:00Z
}

@test "round trip: every kind of value the writers emit reads back equal" {
	export ROSTER_NOW=2026-11-23T10:00:00Z
	user-add --no-welcome --timezone Asia/Kolkata --first-name 'Zoë' \
	    --last-name "O'Brien-Ñúñez 山田" r@x.org >/dev/null
	user-mod --team 'R&D' --team 'Ops: "night" #1' --team 'Équipe/EMEA' \
	    --capacity 3 r@x.org >/dev/null
	hours-set r@x.org 'mon=22:00-06:00' 'tue=00:00-24:00' \
	    'wed=09:00-12:00' 'wed=13:00-17:30' >/dev/null
	ooo-add r@x.org --from 2026-12-24T09:30 --to 2026-12-26 >/dev/null
	ooo-add r@x.org --from 2027-01-05T08:00-03:30 --to 2027-01-07T00:00+14:00 >/dev/null
	status --set away r@x.org >/dev/null
	# The range's ends in the zones furthest east and west.
	user-add --no-welcome --timezone Pacific/Kiritimati k@x.org >/dev/null
	user-add --no-welcome --timezone Etc/GMT+12 m@x.org >/dev/null
	ooo-add k@x.org --from 9999-12-29T00:00:00Z --to 9999-12-30T21:59:59Z >/dev/null
	ooo-add m@x.org --from 0001-01-02T02:00:00Z --to 0001-01-03 >/dev/null
	rm -f "$B"
	run status --check
	assert_success
	run readback
	assert_success
	expected=$(printf '%s\n' \
	    "r@x.org: first_name Zoë -> X; last_name O'Brien-Ñúñez 山田 -> Y; capacity 3 -> 9" \
	    'Asia/Kolkata mon=22:00-06:00 tue=00:00-24:00 wed=09:00-12:00,13:00-17:30' \
	    "$(printf '2026-12-24T04:00:00Z\t2026-12-26T18:30:00Z\tmanual')" \
	    "$(printf '2027-01-05T11:30:00Z\t2027-01-06T10:00:00Z\tmanual')" \
	    "$(printf 'r@x.org\taway\tmanual\t2026-11-23T16:30:00Z\tR&D,Ops: "night" #1,Équipe/EMEA')" \
	    "$(printf 'r@x.org\taway\tmanual\t2026-11-23T16:30:00Z\tR&D,Ops: "night" #1,Équipe/EMEA')" \
	    "$(printf 'a@x.org\tavailable\tno-hours\t\tSales')" \
	    "$(printf 'c@x.org\tavailable\tno-hours\t\tSales')" \
	    "$(printf 'k@x.org\tavailable\tno-hours\t9999-12-29T00:00:00Z\t')" \
	    "$(printf 'm@x.org\tavailable\tno-hours\t\t')" \
	    "$(printf 'r@x.org\taway\tout-of-office\t2026-12-28T16:30:00Z\tR&D,Ops: "night" #1,Équipe/EMEA')")
	assert_output "$expected"
	# The same through the index, and after it is rebuilt.
	run readback
	assert_output "$expected"
	rm -rf "$ROSTER_DIR/.cache"
	run readback
	assert_output "$expected"
	run ooo-add --format tsv --no-header k@x.org
	assert_output "$(printf '9999-12-29T00:00:00Z\t9999-12-30T21:59:59Z\tmanual')"
	run ooo-add --no-header k@x.org
	assert_output '9999-12-29T14:00:00+14:00  9999-12-31T11:59:59+14:00  manual'
	run ooo-add --format tsv --no-header m@x.org
	assert_output "$(printf '0001-01-02T02:00:00Z\t0001-01-04T12:00:00Z\tmanual')"
	run ooo-add --no-header m@x.org
	assert_output '0001-01-01T14:00:00-12:00  0001-01-04T00:00:00-12:00  manual'
}
