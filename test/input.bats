#!/usr/bin/env bats
# Real-world input: addresses as people type them, spreadsheets as Excel
# and Outlook write them, INI files as Notepad leaves them.
load helpers/common

# --- addresses --------------------------------------------------------------

@test "address: invisible, control, private-use and noncharacters are refused" {
	user-add --no-welcome ann@example.org >/dev/null
	before=$(store_sum)
	for a in $'ann\u00a0@example.org' $'\u202eann@example.org' \
	    $'an\u200bn@example.org' $'ann@exa\u00admple.org' $'ann\u0085@example.org' \
	    $'ann\ue000@example.org' $'ann\ufdd0@example.org' $'ann\U0010ffff@example.org' \
	    $'ann\u2028@example.org' $'ann\u3000@example.org'; do
		run user-add --no-welcome "$a"
		assert_failure 5
		assert_output --partial "bad address"
		assert_output --regexp "U\\+[0-9A-F]{4,}"
		assert_equal "$(store_sum)" "$before"
	done
	run ls "$ROSTER_DIR/users"
	assert_output "ann@example.org.yaml"
}

@test "address: an internationalized domain is stored in its Unicode form" {
	run user-add --no-welcome 'ann@Bücher.example'
	assert_success
	assert_output 'ann@bücher.example'
	[ -f "$ROSTER_DIR/users/ann@b%C3%BCcher.example.yaml" ]
	grep -q '^email: ann@bücher.example$' "$ROSTER_DIR/users/ann@b%C3%BCcher.example.yaml"
	# The A-label (punycode) spelling is the same user.
	run user-add --no-welcome 'ann@xn--bcher-kva.example'
	assert_failure 3
	assert_output --partial 'ann@bücher.example is already a user'
	run user-add --no-welcome 'bob@XN--BCHER-KVA.example'
	assert_success
	assert_output 'bob@bücher.example'
	run ls "$ROSTER_DIR/users"
	assert_output "$(printf 'ann@b%%C3%%BCcher.example.yaml\nbob@b%%C3%%BCcher.example.yaml')"
}

@test "address: invalid internationalized labels are refused" {
	user-add --no-welcome x@example.org >/dev/null
	before=$(store_sum)
	for a in 'a@xn--zz.example' 'a@xn--a.example' $'a@\u0301b.example' \
	    'a@a⒈com.example'; do
		run user-add --no-welcome "$a"
		assert_failure 5
		assert_output --partial "bad address"
		assert_output --partial "domain"
		assert_equal "$(store_sum)" "$before"
	done
}

@test "address: Unicode case and composition make one user" {
	run user-add --no-welcome 'jöran@example.org' 'JÖRAN@example.org'
	assert_failure 3
	assert_output --partial 'jöran@example.org is given twice'
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
	run user-add --no-welcome 'JÖRAN@example.org'
	assert_success
	assert_output 'jöran@example.org'
	grep -q '^email: jöran@example.org$' "$ROSTER_DIR/users/j%C3%B6ran@example.org.yaml"
	# o + U+0308 COMBINING DIAERESIS is the same address once composed.
	run user-add --no-welcome $'jo\u0308ran@example.org'
	assert_failure 3
	assert_output --partial 'already a user'
	run user-mod --team blue $'JO\u0308RAN@EXAMPLE.ORG'
	assert_success
	grep -q 'blue' "$ROSTER_DIR/users/j%C3%B6ran@example.org.yaml"
	run ls "$ROSTER_DIR/users"
	assert_output 'j%C3%B6ran@example.org.yaml'
}

# --- spreadsheets (user-add --csv) -----------------------------------------

@test "csv: cells are trimmed at both ends, Unicode spaces too" {
	printf 'Email,First Name,Last Name\n" ann@example.org ",\t"  Ann  ",\xc2\xa0Lee\xc2\xa0\n\tbob@example.org,Bob ,\xe3\x80\x80Ray\n' \
	    >"$BATS_TEST_TMPDIR/t.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/t.csv"
	assert_success
	assert_output "$(printf 'ann@example.org\nbob@example.org')"
	grep -qx 'first_name: Ann' "$ROSTER_DIR/users/ann@example.org.yaml"
	grep -qx 'last_name: Lee' "$ROSTER_DIR/users/ann@example.org.yaml"
	grep -qx 'first_name: Bob' "$ROSTER_DIR/users/bob@example.org.yaml"
	grep -qx 'last_name: Ray' "$ROSTER_DIR/users/bob@example.org.yaml"
}

@test "csv: a row of quoted blanks is blank for the cap and for the import" {
	{ echo Email,Team; for i in $(seq 100); do echo "u$i@x.org,"; done
	  echo '"  ","	"'; echo '" ",""'; } >"$BATS_TEST_TMPDIR/b.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/b.csv"
	assert_success
	assert_equal "${#lines[@]}" 100
	assert_equal "$(ls "$ROSTER_DIR/users" | wc -l)" 100
}

@test "csv: a CRLF inside a quoted field is stored as LF" {
	printf 'Email,Last Name\r\nann@example.org,"van\r\nDijk"\r\nbob@example.org,Bo\r\n' \
	    >"$BATS_TEST_TMPDIR/crlf.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/crlf.csv"
	assert_success
	assert_output "$(printf 'ann@example.org\nbob@example.org')"
	! grep -q $'\r' "$ROSTER_DIR/users/ann@example.org.yaml"
	run /usr/bin/python3 -c 'import sys, yaml; print(repr(yaml.safe_load(open(sys.argv[1]))["last_name"]))' \
	    "$ROSTER_DIR/users/ann@example.org.yaml"
	assert_output "'van\\nDijk'"
}

@test "csv: a CR-only file names the right line" {
	printf 'Email\rann@example.org\rbob@example.org\rbad address@x.org\r' \
	    >"$BATS_TEST_TMPDIR/cr.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/cr.csv"
	assert_failure 5
	assert_output --partial "cr.csv:4: bad address 'bad address@x.org'"
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
}

@test "csv: Excel's sep= line sets the delimiter" {
	printf 'sep=;\r\nEmail;First Name\r\nann@example.org;Ann, Jr\r\nbad;x\r\n' \
	    >"$BATS_TEST_TMPDIR/sep.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/sep.csv"
	assert_failure 5
	assert_output --partial "sep.csv:4: bad address 'bad'"
	printf 'sep=,\nEmail,Last Name\nann@example.org,A;B;C\n' >"$BATS_TEST_TMPDIR/sep2.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/sep2.csv"
	assert_success
	assert_output 'ann@example.org'
	grep -qx 'last_name: A;B;C' "$ROSTER_DIR/users/ann@example.org.yaml"
}

@test "csv: a TAB-separated file is read" {
	printf 'Email\tFirst Name\tLast Name\nann@example.org\tAnn\tLee, Jr\n' >"$BATS_TEST_TMPDIR/tab.txt"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/tab.txt"
	assert_success
	assert_output 'ann@example.org'
	grep -qx 'last_name: Lee, Jr' "$ROSTER_DIR/users/ann@example.org.yaml"
}

@test "csv: Excel's UTF-16 (Unicode text) is decoded" {
	printf 'Email\tFirst Name\r\nj\xc3\xb6ran@example.org\tJ\xc3\xb6ran\r\n' |
	    iconv -f UTF-8 -t UTF-16LE | { printf '\xff\xfe'; cat; } >"$BATS_TEST_TMPDIR/u16.txt"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/u16.txt"
	assert_success
	assert_output 'jöran@example.org'
	grep -qx 'first_name: Jöran' "$ROSTER_DIR/users/j%C3%B6ran@example.org.yaml"
	printf 'Email\nann@example.org\n' | iconv -f UTF-8 -t UTF-16BE |
	    { printf '\xfe\xff'; cat; } >"$BATS_TEST_TMPDIR/u16be.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/u16be.csv"
	assert_success
	assert_output 'ann@example.org'
	# Without a byte-order mark it is named, not called binary.
	printf 'Email\nbob@example.org\n' | iconv -f UTF-8 -t UTF-16LE >"$BATS_TEST_TMPDIR/nobom.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/nobom.csv"
	assert_failure 5
	assert_output --partial "UTF-16"
	assert_output --partial "CSV UTF-8"
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
}

@test "csv: a Windows-1252 file gets the iconv command" {
	printf 'Email,First Name\nann@example.org,Ann\nj@example.org,J\xf6ran\n' >"$BATS_TEST_TMPDIR/w.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/w.csv"
	assert_failure 5
	assert_output --partial "w.csv:3: "
	assert_output --partial "iconv -f WINDOWS-1252 -t UTF-8"
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
}

@test "csv: quote faults are said in plain words" {
	printf 'Email,Team\nann@example.org,5" screens\n' >"$BATS_TEST_TMPDIR/q1.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/q1.csv"
	assert_failure 5
	assert_output --partial 'q1.csv:2: '
	assert_output --partial 'quote inside an unquoted field'
	refute_output --partial 'strict'
	printf 'Email,Team\nann@example.org,"a"b\n' >"$BATS_TEST_TMPDIR/q2.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/q2.csv"
	assert_failure 5
	assert_output --partial 'q2.csv:2: '
	assert_output --partial 'after a closing quote'
	printf 'Email,Team\nann@example.org,x\nbob@example.org,"Sales\nc@example.org,y\n' >"$BATS_TEST_TMPDIR/q3.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/q3.csv"
	assert_failure 5
	assert_output --partial 'q3.csv:3: a quote opened on line 3 is never closed'
	refute_output --partial 'strict'
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
}

# --- INI files (portal.ini, roster.ini) --------------------------------------

@test "ini: a UTF-8 BOM in portal.ini is skipped on read and kept on rewrite" {
	add_users a@x.org
	printf '\xef\xbb\xbf[portal]\nname = Help\n' >"$ROSTER_DIR/portal.ini"
	run portal-config portal.name
	assert_success
	assert_output 'Help'
	run portal-config --check
	assert_success
	run status --check
	assert_success
	run portal-config portal.slug help
	assert_success
	run od -An -tx1 -N3 "$ROSTER_DIR/portal.ini"
	assert_output ' ef bb bf'
	run tail -c +4 "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '[portal]\nname = Help\nslug = help')"
	# roster.ini with a BOM too.
	{ printf '\xef\xbb\xbf'; cat "$ROSTER_DIR/roster.ini"; } >"$BATS_TEST_TMPDIR/r"
	cp "$BATS_TEST_TMPDIR/r" "$ROSTER_DIR/roster.ini"
	run portal-config portal.slug
	assert_success
	assert_output 'help'
}

@test "ini: ' ;' and ' #' after a value start a comment, for reads and edits" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\nlanguage = nl-NL   ; Dutch only for now\nname = Help # the title\n' \
	    >"$ROSTER_DIR/portal.ini"
	run portal-config portal.language
	assert_success
	assert_output 'nl-NL'
	run portal-config --check
	assert_success
	assert_output ''
	run portal-config portal.language en
	assert_success
	run portal-config portal.name 'Help; Support #1'
	assert_success
	run cat "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '[portal]\nlanguage = en   ; Dutch only for now\nname = "Help; Support #1" # the title')"
	run portal-config portal.name
	assert_output 'Help; Support #1'
	run portal-config theme.primary_color '#1A2b3c'
	assert_success
	run portal-config theme.primary_color
	assert_output '#1A2b3c'
}

@test "ini: with the portal on, two broken keys can be fixed one at a time" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\nenabled = true\nname = Help\nslug = Bad Slug\ndefault_inbox = inbox:support\nlanguage = nl, fr\n' \
	    >"$ROSTER_DIR/portal.ini"
	run portal-config portal.slug help
	assert_success
	assert_output --partial "portal.ini:6: portal.language"
	assert_output --partial "still broken"
	grep -qx 'slug = help' "$ROSTER_DIR/portal.ini"
	# Breaking a rule that held is still refused.
	sum=$(store_sum)
	run portal-config --unset portal.name
	assert_failure 3
	assert_equal "$(store_sum)" "$sum"
	run portal-config portal.language nl
	assert_success
	assert_output ''
	run portal-config --check
	assert_success
	grep -qx 'language = nl' "$ROSTER_DIR/portal.ini"
}

@test "ini: portal-config keeps a CRLF file's line ends" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\r\nname = Help\r\n' >"$ROSTER_DIR/portal.ini"
	run portal-config portal.slug help
	assert_success
	run portal-config session.idle_timeout 15
	assert_success
	run portal-config portal.name Desk
	assert_success
	run cat "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '[portal]\r\nname = Desk\r\nslug = help\r\n\r\n[session]\r\nidle_timeout = 15\r')"
	run portal-config portal.slug
	assert_output 'help'
}

# --- calendars (ooo-add --ics) ---------------------------------------------

# ics FILE LINE...: a calendar with CRLF line ends.
ics() {
	local f=$1
	shift
	printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 PRODID:-//test//EN "$@" \
	    END:VCALENDAR >"$f"
}

# The "start end" of each period of a user, in the order of the file.
ooo_periods() {
	awk '/^- start:/ { s = $3 } /^  end:/ { print s, $2 }' \
	    "$ROSTER_DIR/users/$1.yaml"
}

@test "ics: an all-day event whose DTEND equals DTSTART is one day" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/c.ics" BEGIN:VEVENT UID:xmas \
	    'DTSTART;VALUE=DATE:20261224' 'DTEND;VALUE=DATE:20261224' \
	    SUMMARY:Kerstmis X-MICROSOFT-CDO-BUSYSTATUS:OOF END:VEVENT
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	assert_output 'a@x.org: + 2026-12-24T00:00:00+01:00 2026-12-25T00:00:00+01:00'
	run ooo_periods a@x.org
	assert_output '2026-12-24T00:00:00+01:00 2026-12-25T00:00:00+01:00'
}

@test "ics: vendor lines without ':', spaced parameters, groups and trailing text are skipped" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/c.ics" BEGIN:VEVENT UID:v1 \
	    X-APPLE-RADIUS=49.91307046514149 \
	    'X-APPLE-STRUCTURED-LOCATION ; VALUE = URI ; X-TITLE = Home:geo:1,2' \
	    'GROUP1.X-TEST;VALUE=TEXT:x' \
	    'DTSTART ; TZID = Europe/Amsterdam:20261202T090000' \
	    'DTEND;TZID=Europe/Amsterdam:20261202T170000' \
	    SUMMARY:Vacation END:VEVENT
	printf 'garbage after the end\r\n' >>"$BATS_TEST_TMPDIR/c.ics"
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	assert_output 'a@x.org: + 2026-12-02T09:00:00+01:00 2026-12-02T17:00:00+01:00'
	run ooo_periods a@x.org
	assert_output '2026-12-02T09:00:00+01:00 2026-12-02T17:00:00+01:00'
}

@test "ics: an unreadable event is skipped with a warning; its earlier periods are kept" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	good=(BEGIN:VEVENT UID:ok 'DTSTART;VALUE=DATE:20261207' 'DTEND;VALUE=DATE:20261208' SUMMARY:Vacation END:VEVENT)
	ics "$BATS_TEST_TMPDIR/1.ics" "${good[@]}" BEGIN:VEVENT UID:bday \
	    'DTSTART;VALUE=DATE:20261210' 'DTEND;VALUE=DATE:20261211' \
	    SUMMARY:Vacation END:VEVENT
	ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/1.ics" >/dev/null
	# The next sync: the second event now has a broken RDATE (line 14).
	ics "$BATS_TEST_TMPDIR/2.ics" "${good[@]}" BEGIN:VEVENT UID:bday \
	    'DTSTART;VALUE=DATE:20261210' 'DTEND;VALUE=DATE:20261211' \
	    RDATE:20131210Z SUMMARY:Vacation END:VEVENT
	sum=$(store_sum)
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/2.ics"
	assert_success
	assert_output --partial '2.ics:14: '
	assert_output --partial 'bday'
	assert_output --partial 'skipped'
	refute_output --partial ' - '
	assert_equal "$(store_sum)" "$sum"
	run ooo_periods a@x.org
	assert_output "$(printf '%s\n' '2026-12-07T00:00:00+01:00 2026-12-08T00:00:00+01:00' \
	    '2026-12-10T00:00:00+01:00 2026-12-11T00:00:00+01:00')"
	# A broken structure still refuses the whole file.
	printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n' >"$BATS_TEST_TMPDIR/3.ics"
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/3.ics"
	assert_failure 5
	assert_equal "$(store_sum)" "$sum"
}

@test "ics: RANGE=THISANDFUTURE moves that instance and every later one" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/c.ics" BEGIN:VEVENT UID:w \
	    'DTSTART;TZID=Europe/Amsterdam:20261130T090000' \
	    'DTEND;TZID=Europe/Amsterdam:20261130T120000' \
	    'RRULE:FREQ=WEEKLY;COUNT=4' SUMMARY:OOO END:VEVENT \
	    BEGIN:VEVENT UID:w \
	    'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Amsterdam:20261207T090000' \
	    'DTSTART;TZID=Europe/Amsterdam:20261207T130000' \
	    'DTEND;TZID=Europe/Amsterdam:20261207T150000' SUMMARY:OOO END:VEVENT
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	run ooo_periods a@x.org
	assert_output "$(printf '%s\n' \
	    '2026-11-30T09:00:00+01:00 2026-11-30T12:00:00+01:00' \
	    '2026-12-07T13:00:00+01:00 2026-12-07T15:00:00+01:00' \
	    '2026-12-14T13:00:00+01:00 2026-12-14T15:00:00+01:00' \
	    '2026-12-21T13:00:00+01:00 2026-12-21T15:00:00+01:00')"
}

@test "ics: a runaway series is refused (5) naming the event, quickly and before the lock" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/c.ics" BEGIN:VEVENT UID:minutely \
	    DTSTART:20261124T000000Z DTEND:20261124T000030Z \
	    RRULE:FREQ=MINUTELY SUMMARY:OOO END:VEVENT
	sum=$(store_sum)
	SECONDS=0
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_failure 5
	assert_output --partial 'c.ics:4: '
	assert_output --partial 'minutely'
	assert_output --partial 'more than'
	[ "$SECONDS" -le 2 ]
	assert_equal "$(store_sum)" "$sum"
	# The calendar is expanded before the exclusive lock is asked for:
	# with a reader holding the store, the runaway feed is refused at
	# once rather than after waiting for the lock.
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 3 shared >/dev/null &
	sleep 0.5
	SECONDS=0
	ROSTER_LOCK_TIMEOUT=2 run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_failure 5
	[ "$SECONDS" -le 1 ]
	wait
}

@test "ics: 1000 periods from one calendar are taken and re-synced; 1001 are refused" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/c.ics" BEGIN:VEVENT UID:hourly \
	    DTSTART:20261124T000000Z DTEND:20261124T000030Z \
	    'RRULE:FREQ=HOURLY;COUNT=1000' SUMMARY:OOO END:VEVENT
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	assert_equal "${#lines[@]}" 1000
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	assert_output ''
	assert_equal "$(ooo_periods a@x.org | wc -l)" 1000
	sum=$(store_sum)
	sed -i 's/COUNT=1000/COUNT=1001/' "$BATS_TEST_TMPDIR/c.ics"
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/c.ics"
	assert_failure 5
	assert_output --partial "c.ics:4: event 'hourly': more than 1000 periods"
	assert_equal "$(store_sum)" "$sum"
}

@test "ics: --format ics of a user with no periods is a valid calendar" {
	user-add --no-welcome a@x.org >/dev/null
	run ooo-add a@x.org --format ics
	assert_success
	assert_output --partial 'BEGIN:VCALENDAR'
	run /usr/bin/python3 -c 'import sys, icalendar
c = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print(len(c.subcomponents) > 0)' /dev/stdin <<<"$(ooo-add a@x.org --format ics)"
	assert_output 'True'
	ooo-add a@x.org --format ics >"$BATS_TEST_TMPDIR/e.ics"
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/e.ics"
	assert_success
	assert_output ''
}

@test "ics: a zone error names the DTSTART line; a control character in a UID is named" {
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	ics "$BATS_TEST_TMPDIR/z.ics" BEGIN:VEVENT UID:z SUMMARY:OOO \
	    'DTSTART;TZID=Mars/Olympus:20261202T090000' \
	    'DTEND;TZID=Mars/Olympus:20261202T170000' END:VEVENT
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/z.ics"
	assert_output --partial 'z.ics:7: '
	assert_output --partial 'Mars/Olympus'
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\001b\r\nDTSTART:20261202T090000Z\r\nDTEND:20261202T100000Z\r\nSUMMARY:OOO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	    >"$BATS_TEST_TMPDIR/u.ics"
	run ooo-add a@x.org --ics "$BATS_TEST_TMPDIR/u.ics"
	assert_output --partial 'u.ics:4: '
	assert_output --partial 'control character'
	refute_output --partial 'not UTF-8'
}
