#!/usr/bin/env bats
# ooo-add --ics / --format ics: calendar sync of out-of-office periods.
# The files in test/data are shaped as Outlook and Google write them: CRLF
# line ends, folded lines, Windows zone names with their VTIMEZONE, all-day
# events as VALUE=DATE, UTC times, a weekly series with an EXDATE and a
# moved occurrence.  The clock is 2026-11-23T10:00:00Z throughout.
load helpers/common
bats_require_minimum_version 1.5.0

local_setup() {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	YAML="$ROSTER_DIR/users/a@x.org.yaml"
}

# The periods in a user's YAML file: "start end source" per line, source
# "-" for a period added by hand.
periods() {
	awk '
	function flush() { if (s != "") print s, e, src; s = "" }
	/^out_of_office:/ { o = 1; next }
	o && /^[^ -]/ { flush(); o = 0 }
	o && /^- start:/ { flush(); s = $3; e = ""; src = "-" }
	o && /^  end:/ { e = $2 }
	o && /^  source:/ { src = $2 }
	END { flush() }' "$ROSTER_DIR/users/$1.yaml"
}

# status at an instant: "status reason".
status_at() {
	status --format tsv --no-header --at "$2" "$1" | cut -f2-3
}

# A copy of a data file, for a test to edit.
copy() {
	cp "$DATA/$1" "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

@test "Outlook: Windows zone names, OOF events; meetings and cancelled events left out" {
	run ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook
	assert_success
	assert_line --index 0 'a@x.org: + 2026-12-02T09:00:00+01:00 2026-12-04T17:00:00+01:00'
	assert_line --index 1 'a@x.org: + 2026-12-24T00:00:00+01:00 2026-12-28T00:00:00+01:00'
	[ "${#lines[@]}" -eq 2 ]
	run periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2026-12-02T09:00:00+01:00 2026-12-04T17:00:00+01:00 outlook' \
	    '2026-12-24T00:00:00+01:00 2026-12-28T00:00:00+01:00 outlook')"
	# The folded UID is read whole and the occurrence start appended.
	run grep -c 'uid: "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5A601000000000000000010000000F1E2D3C4B5A69788796A5B4C3D2E1F0/2026-12-02T09:00:00+01:00"' "$YAML"
	assert_output 1
	run status_at a@x.org 2026-12-03T12:00:00Z
	assert_output "$(printf 'away\tout-of-office')"
	# The busy meeting and the cancelled day off are not absences.
	run status_at a@x.org 2026-12-07T09:30:00Z
	assert_output "$(printf 'available\tno-hours')"
	run status_at a@x.org 2026-12-11T10:00:00Z
	assert_output "$(printf 'available\tno-hours')"
	run grep -c ',ooo-add,ooo-add,a@x.org,outlook ' "$ROSTER_DIR/audit.csv"
	assert_output 2
}

@test "a Windows zone name without a VTIMEZONE is mapped through ICU" {
	f="$BATS_TEST_TMPDIR/est.ics"
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 BEGIN:VEVENT UID:e1 \
	    'DTSTART;TZID=Eastern Standard Time:20261214T090000' \
	    'DTEND;TZID=Eastern Standard Time:20261214T170000' \
	    SUMMARY:Vacation END:VEVENT END:VCALENDAR >"$f"
	run ooo-add a@x.org --ics "$f"
	assert_success
	run ooo-add a@x.org --format tsv --no-header
	assert_output "$(printf '2026-12-14T14:00:00Z\t2026-12-14T22:00:00Z\tics')"
}

@test "a zone known only from its VTIMEZONE is read by that definition" {
	f="$BATS_TEST_TMPDIR/custom.ics"
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 BEGIN:VTIMEZONE \
	    'TZID:Customized Time Zone' BEGIN:STANDARD DTSTART:16010101T000000 \
	    TZOFFSETFROM:+0530 TZOFFSETTO:+0530 END:STANDARD END:VTIMEZONE \
	    BEGIN:VEVENT UID:c1 \
	    'DTSTART;TZID="Customized Time Zone":20261214T090000' \
	    'DTEND;TZID="Customized Time Zone":20261214T170000' \
	    X-MICROSOFT-CDO-BUSYSTATUS:OOF SUMMARY:Pune END:VEVENT \
	    END:VCALENDAR >"$f"
	run ooo-add a@x.org --ics "$f"
	assert_success
	run ooo-add a@x.org --format tsv --no-header
	assert_output "$(printf '2026-12-14T03:30:00Z\t2026-12-14T11:30:00Z\tics')"
}

@test "Google: all-day events are whole days in the user's zone; UTC times" {
	user-add --no-welcome --timezone America/New_York b@x.org >/dev/null
	run ooo-add a@x.org --ics "$DATA/google.ics" --calendar google
	assert_success
	run periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00 google' \
	    '2027-01-04T00:00:00+01:00 2027-01-09T00:00:00+01:00 google')"
	run ooo-add b@x.org --ics "$DATA/google.ics" --calendar google
	assert_success
	run periods b@x.org
	assert_output "$(printf '%s\n' \
	    '2026-12-10T08:00:00-05:00 2026-12-10T12:00:00-05:00 google' \
	    '2027-01-04T00:00:00-05:00 2027-01-09T00:00:00-05:00 google')"
	run status_at a@x.org 2027-01-08T22:59:00Z
	assert_output "$(printf 'away\tout-of-office')"
	run status_at a@x.org 2027-01-08T23:00:00Z
	assert_output "$(printf 'available\tno-hours')"
	# The 1:1 is busy time, not an absence.
	run status_at a@x.org 2026-12-15T09:30:00Z
	assert_output "$(printf 'available\tno-hours')"
}

@test "weekly series: EXDATE, a moved occurrence, wall-clock time kept across DST" {
	run ooo-add a@x.org --ics "$DATA/weekly.ics"
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	run periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2027-03-05T13:00:00+01:00 2027-03-05T17:00:00+01:00 ics' \
	    '2027-03-12T13:00:00+01:00 2027-03-12T17:00:00+01:00 ics' \
	    '2027-03-26T13:00:00+01:00 2027-03-26T17:00:00+01:00 ics' \
	    '2027-04-01T09:00:00+02:00 2027-04-01T12:00:00+02:00 ics' \
	    '2027-04-09T13:00:00+02:00 2027-04-09T17:00:00+02:00 ics')"
	# 13:00 in Amsterdam is 12:00Z in winter and 11:00Z in summer.
	run ooo-add a@x.org --format tsv --no-header
	assert_line --index 2 "$(printf '2027-03-26T12:00:00Z\t2027-03-26T16:00:00Z\tics')"
	assert_line --index 4 "$(printf '2027-04-09T11:00:00Z\t2027-04-09T15:00:00Z\tics')"
	# The moved occurrence keeps the key of the one it replaces.
	run grep -c 'uid: "5e6f7a8b9c@google.com/2027-04-02T13:00:00+02:00"' "$YAML"
	assert_output 1
	run status_at a@x.org 2027-03-19T12:30:00Z
	assert_output "$(printf 'available\tno-hours')"
	run status_at a@x.org 2027-04-02T11:30:00Z
	assert_output "$(printf 'available\tno-hours')"
	run status_at a@x.org 2027-04-01T08:00:00Z
	assert_output "$(printf 'away\tout-of-office')"
}

@test "re-importing the same calendar changes nothing and duplicates nothing" {
	ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook >/dev/null
	ooo-add a@x.org --ics "$DATA/weekly.ics" >/dev/null
	sum=$(store_sum)
	run ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook
	assert_success
	assert_output ''
	run ooo-add a@x.org --ics "$DATA/weekly.ics"
	assert_success
	assert_output ''
	[ "$(store_sum)" = "$sum" ]
	run grep -c 'source:' "$YAML"
	assert_output 7
	run ooo-add a@x.org --ics - <"$DATA/weekly.ics"
	assert_success
	assert_output ''
	[ "$(store_sum)" = "$sum" ]
}

@test "sync: a moved event moves, a deleted one goes, a new one comes" {
	ooo-add a@x.org --ics "$DATA/weekly.ics" --calendar google >/dev/null
	f=$(copy weekly.ics)
	# Move the series' exception back to Friday afternoon and drop the
	# EXDATE; then the 12 March occurrence is struck out instead.
	sed -i -e 's/^DTSTART;TZID=Europe\/Amsterdam:20270401T090000/DTSTART;TZID=Europe\/Amsterdam:20270402T140000/' \
	    -e 's/^DTEND;TZID=Europe\/Amsterdam:20270401T120000/DTEND;TZID=Europe\/Amsterdam:20270402T170000/' \
	    -e 's/^EXDATE;TZID=Europe\/Amsterdam:20270319T130000/EXDATE;TZID=Europe\/Amsterdam:20270312T130000/' "$f"
	run ooo-add a@x.org --ics "$f" --calendar google
	assert_success
	assert_output "$(printf '%s\n' \
	    'a@x.org: - 2027-03-12T13:00:00+01:00 2027-03-12T17:00:00+01:00' \
	    'a@x.org: + 2027-03-19T13:00:00+01:00 2027-03-19T17:00:00+01:00' \
	    'a@x.org: ~ 2027-04-02T14:00:00+02:00 2027-04-02T17:00:00+02:00 (was 2027-04-01T09:00:00+02:00 2027-04-01T12:00:00+02:00)')"
	run periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2027-03-05T13:00:00+01:00 2027-03-05T17:00:00+01:00 google' \
	    '2027-03-19T13:00:00+01:00 2027-03-19T17:00:00+01:00 google' \
	    '2027-03-26T13:00:00+01:00 2027-03-26T17:00:00+01:00 google' \
	    '2027-04-02T14:00:00+02:00 2027-04-02T17:00:00+02:00 google' \
	    '2027-04-09T13:00:00+02:00 2027-04-09T17:00:00+02:00 google')"
	run grep -c ',ooo-move,a@x.org,google ' "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "sync: a single event moved is one change; a deleted event is removed" {
	ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook >/dev/null
	f=$(copy outlook.ics)
	sed -i -e 's/:20261202T090000/:20261203T090000/' \
	    -e 's/^SUMMARY;LANGUAGE=nl:Kerst/SUMMARY;LANGUAGE=nl:Kerstborrel/' \
	    -e '/^X-MICROSOFT-CDO-ALLDAYEVENT/,/^END:VEVENT/s/^X-MICROSOFT-CDO-BUSYSTATUS:OOF/X-MICROSOFT-CDO-BUSYSTATUS:BUSY/' "$f"
	run ooo-add a@x.org --ics "$f" --calendar outlook
	assert_success
	assert_output "$(printf '%s\n' \
	    'a@x.org: ~ 2026-12-03T09:00:00+01:00 2026-12-04T17:00:00+01:00 (was 2026-12-02T09:00:00+01:00 2026-12-04T17:00:00+01:00)' \
	    'a@x.org: - 2026-12-24T00:00:00+01:00 2026-12-28T00:00:00+01:00')"
	run periods a@x.org
	assert_output '2026-12-03T09:00:00+01:00 2026-12-04T17:00:00+01:00 outlook'
	run status_at a@x.org 2026-12-02T12:00:00Z
	assert_output "$(printf 'available\tno-hours')"
}

@test "periods added by hand and from another calendar are never touched" {
	ooo-add a@x.org --from 2026-12-28 --to 2026-12-31
	ooo-add a@x.org --ics "$DATA/google.ics" --calendar google >/dev/null
	ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook >/dev/null
	f="$BATS_TEST_TMPDIR/empty.ics"
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 PRODID:-//x//y//EN \
	    END:VCALENDAR >"$f"
	run ooo-add a@x.org --ics "$f" --calendar outlook
	assert_success
	assert_output "$(printf '%s\n' \
	    'a@x.org: - 2026-12-02T09:00:00+01:00 2026-12-04T17:00:00+01:00' \
	    'a@x.org: - 2026-12-24T00:00:00+01:00 2026-12-28T00:00:00+01:00')"
	run periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00 google' \
	    '2026-12-28T00:00:00+01:00 2027-01-01T00:00:00+01:00 -' \
	    '2027-01-04T00:00:00+01:00 2027-01-09T00:00:00+01:00 google')"
	# An event with the same times as a period added by hand is that
	# absence: it is not added twice.
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 BEGIN:VEVENT UID:h1 \
	    DTSTART:20261227T230000Z DTEND:20261231T230000Z SUMMARY:OOO \
	    END:VEVENT END:VCALENDAR >"$f"
	run ooo-add a@x.org --ics "$f" --calendar outlook
	assert_success
	assert_output ''
}

@test "a malformed calendar: 5, the line named, nothing written" {
	ooo-add a@x.org --ics "$DATA/google.ics" --calendar google >/dev/null
	sum=$(store_sum)
	f=$(copy google.ics)
	# An event that cannot be read is skipped, its periods kept.
	sed -i 's/^DTSTART:20261210T130000Z/DTSTART:20261310T130000Z/' "$f"
	run ooo-add a@x.org --ics "$f" --calendar google
	assert_success
	assert_output --partial "$f:23: event '7b3e9a1c5d@google.com' skipped: DTSTART cannot be read"
	[ "$(store_sum)" = "$sum" ]
	f=$(copy outlook.ics)
	sed -i '/^END:VEVENT/d' "$f"
	run ooo-add a@x.org --ics "$f" --calendar google
	assert_failure 5
	assert_output --partial "$f:50: BEGIN:VEVENT inside the VEVENT of line 29: END:VEVENT missing"
	[ "$(store_sum)" = "$sum" ]
	printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is not a content line\r\n' >"$f"
	run ooo-add a@x.org --ics - --calendar google <"$f"
	assert_failure 5
	assert_output --partial '<stdin>:2: BEGIN:VEVENT is never closed'
	printf 'this is not a calendar\r\nBEGIN:VCALENDAR\r\n' >"$f"
	run ooo-add a@x.org --ics - --calendar google <"$f"
	assert_failure 5
	assert_output --partial '<stdin>:1: '
	printf '%s\r\n' BEGIN:VCALENDAR BEGIN:VEVENT UID:z \
	    'DTSTART;TZID=Mars/Olympus:20261214T090000' \
	    'DTEND;TZID=Mars/Olympus:20261214T170000' \
	    SUMMARY:OOO END:VEVENT END:VCALENDAR >"$f"
	run ooo-add a@x.org --ics "$f" --calendar google
	assert_failure 5
	assert_output --partial "$f:4: DTSTART: unknown time zone \"Mars/Olympus\""
	[ "$(store_sum)" = "$sum" ]
	# A UID that is not UTF-8 cannot go into the user's file.
	printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\377b\r\nDTSTART:20261214T090000Z\r\nDTEND:20261214T100000Z\r\nSUMMARY:OOO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$f"
	run ooo-add a@x.org --ics "$f" --calendar google
	assert_failure 5
	assert_output "ooo-add: $f:3: UID is not UTF-8 text"
	[ "$(store_sum)" = "$sum" ]
}

@test "--dry-run prints the changes and writes nothing" {
	sum=$(store_sum)
	run ooo-add a@x.org --dry-run --ics "$DATA/google.ics"
	assert_success
	assert_output "$(printf '%s\n' \
	    'a@x.org: + 2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00' \
	    'a@x.org: + 2027-01-04T00:00:00+01:00 2027-01-09T00:00:00+01:00')"
	[ "$(store_sum)" = "$sum" ]
}

@test "--format ics: UTC times, OOF, stable UIDs; export then re-import changes nothing" {
	ooo-add a@x.org --from 2026-12-28 --to 2026-12-31
	ooo-add a@x.org --ics "$DATA/weekly.ics" --calendar google >/dev/null
	ooo-add a@x.org --ics "$DATA/outlook.ics" --calendar outlook >/dev/null
	ooo-add a@x.org --format ics >"$BATS_TEST_TMPDIR/out.ics"
	run ooo-add a@x.org --format ics
	assert_success
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/out.ics")" ]
	run grep -c '^BEGIN:VEVENT' "$BATS_TEST_TMPDIR/out.ics"
	assert_output 8
	run grep -c '^DTSTART:20[0-9]*T[0-9]*Z' "$BATS_TEST_TMPDIR/out.ics"
	assert_output 8
	run grep -c '^TRANSP:OPAQUE' "$BATS_TEST_TMPDIR/out.ics"
	assert_output 8
	run grep -c '^X-MICROSOFT-CDO-BUSYSTATUS:OOF' "$BATS_TEST_TMPDIR/out.ics"
	assert_output 8
	grep -q $'^DTSTART:20261227T230000Z\r$' "$BATS_TEST_TMPDIR/out.ics"
	# Every UID differs from the others (folded lines joined first).
	run sh -c "sed -e ':a' -e 'N' -e '\$!ba' -e 's/\r\n //g' '$BATS_TEST_TMPDIR/out.ics' | grep '^UID:' | sort -u | wc -l"
	assert_output 8
	sum=$(store_sum)
	for cal in ics google outlook; do
		run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/out.ics" --calendar "$cal"
		assert_success
		assert_output ''
	done
	[ "$(store_sum)" = "$sum" ]
}

@test "--match and --busy choose which events count" {
	run ooo-add a@x.org --dry-run --ics "$DATA/outlook.ics" --match 'teamoverleg'
	assert_output "$(printf '%s\n' \
	    'a@x.org: + 2026-12-02T09:00:00+01:00 2026-12-04T17:00:00+01:00' \
	    'a@x.org: + 2026-12-07T10:00:00+01:00 2026-12-07T11:00:00+01:00' \
	    'a@x.org: + 2026-12-24T00:00:00+01:00 2026-12-28T00:00:00+01:00')"
	# --busy takes opaque events (the 1:1), not transparent ones (the
	# all-day holiday, whose title the ERE no longer matches).
	run ooo-add a@x.org --dry-run --ics "$DATA/google.ics" --busy --match '^$'
	assert_output "$(printf '%s\n' \
	    'a@x.org: + 2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00' \
	    'a@x.org: + 2026-12-15T10:00:00+01:00 2026-12-15T11:00:00+01:00')"
	# Titles match case-insensitively, accents included.
	f="$BATS_TEST_TMPDIR/conge.ics"
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 BEGIN:VEVENT UID:c1 \
	    DTSTART:20261214T090000Z DTEND:20261214T170000Z 'SUMMARY:CONGÉ' \
	    END:VEVENT END:VCALENDAR >"$f"
	run ooo-add a@x.org --dry-run --ics "$f"
	assert_output 'a@x.org: + 2026-12-14T10:00:00+01:00 2026-12-14T18:00:00+01:00'
	run ooo-add a@x.org --ics "$f" --match '(bad'
	assert_failure 5
}

@test "the window: past events are left alone, --horizon bounds the future" {
	ooo-add a@x.org --ics "$DATA/google.ics" --calendar google >/dev/null
	# A month later the 10 December absence is over: the sync neither
	# removes it nor imports it again, though the feed no longer has it.
	f=$(copy google.ics)
	sed -i 's/^SUMMARY:Out of office/SUMMARY:Tandarts/' "$f"
	ROSTER_NOW=2026-12-20T00:00:00Z run ooo-add a@x.org --ics "$f" --calendar google
	assert_success
	assert_output ''
	run periods a@x.org
	assert_line --index 0 '2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00 google'
	# Events past the horizon wait; periods past it are not removed.
	user-add --no-welcome --timezone Europe/Amsterdam b@x.org >/dev/null
	run ooo-add b@x.org --ics "$DATA/google.ics" --horizon 30
	assert_output 'b@x.org: + 2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00'
	ooo-add b@x.org --ics "$DATA/google.ics" >/dev/null
	f="$BATS_TEST_TMPDIR/empty.ics"
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 END:VCALENDAR >"$f"
	run ooo-add b@x.org --ics "$f" --horizon 30
	assert_output 'b@x.org: - 2026-12-10T14:00:00+01:00 2026-12-10T18:00:00+01:00'
	run periods b@x.org
	assert_output '2027-01-04T00:00:00+01:00 2027-01-09T00:00:00+01:00 ics'
}

@test "errors: usage 2, bad --calendar or --horizon 5, missing file 4, unknown user 4" {
	run ooo-add a@x.org --calendar outlook
	assert_failure 2
	run ooo-add a@x.org --ics "$DATA/google.ics" --from 2026-12-01 --to 2026-12-02
	assert_failure 2
	run ooo-add a@x.org --ics "$DATA/google.ics" --format ics
	assert_failure 2
	run ooo-add a@x.org --ics "$DATA/google.ics" --calendar 'a b'
	assert_failure 5
	run ooo-add a@x.org --ics "$DATA/google.ics" --horizon 0
	assert_failure 5
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/nope.ics"
	assert_failure 4
	run ooo-add nobody@x.org --ics "$DATA/google.ics"
	assert_failure 4
}

@test "a calendar that cannot be read is 7, as a CSV file is; nothing written" {
	sum=$(store_sum)
	mkdir "$BATS_TEST_TMPDIR/dir.ics"
	run --separate-stderr ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/dir.ics"
	assert_failure 7
	assert_equal "$stderr" "ooo-add: $BATS_TEST_TMPDIR/dir.ics: Is a directory"
	assert_output ""
	[ "$(store_sum)" = "$sum" ]
}
