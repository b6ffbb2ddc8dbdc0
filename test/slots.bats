#!/usr/bin/env bats
# slots: when a meeting fits; round robin and collective; durations,
# interval, buffer, notice, zones, DST, absences, overrides; formats; exit
# codes.  The clock is Monday 2026-11-23 10:00 UTC.

bats_require_minimum_version 1.5.0
load helpers/common

# ann works 09:00-17:00 in Amsterdam (08:00-16:00 UTC), bob 09:00-17:00 in
# New York (14:00-22:00 UTC), both in team Support.
local_setup() {
	add_users --team Support ann@x.org bob@x.org
	hours-set --timezone Europe/Amsterdam ann@x.org mon-fri=09:00-17:00
	hours-set --timezone America/New_York bob@x.org mon-fri=09:00-17:00
}

# yaml EMAIL TEXT: append TEXT (YAML) to the user's file.
yaml() {
	printf '%s\n' "$2" >>"$ROSTER_DIR/users/$1.yaml"
}

# The Monday afternoon window, hour by hour, in tsv.
W=(--from 2026-11-23T13:00:00Z --to 2026-11-23T16:00:00Z --interval 1h
    --format tsv --no-header)

@test "--team lists each start at which some member is free, who could take it" {
	before=$(store_sum)
	run slots --team Support --duration 1h "${W[@]}"
	assert_success
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-23T13:00:00Z 2026-11-23T14:00:00Z ann@x.org \
	    2026-11-23T14:00:00Z 2026-11-23T15:00:00Z ann@x.org,bob@x.org \
	    2026-11-23T15:00:00Z 2026-11-23T16:00:00Z ann@x.org,bob@x.org)"
	[ "$(store_sum)" = "$before" ]
}

@test "members come in round-robin order, after the team's last assigned" {
	printf 'pool,last,updated\nSupport,ann@x.org,2026-11-23T09:00:00Z\n' \
	    >"$ROSTER_DIR/rotation.csv"
	run slots --team Support --duration 1h "${W[@]}" --from 2026-11-23T14:00:00Z
	assert_success
	assert_line --index 0 --partial $'\tbob@x.org,ann@x.org'
}

@test "--mode all: every member free for the whole meeting" {
	run slots --team Support --duration 1h --mode all "${W[@]}"
	assert_success
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-23T14:00:00Z 2026-11-23T15:00:00Z ann@x.org,bob@x.org \
	    2026-11-23T15:00:00Z 2026-11-23T16:00:00Z ann@x.org,bob@x.org)"
}

@test "addresses make a collective meeting by default; --mode any widens it" {
	run slots --duration 1h "${W[@]}" bob@x.org ANN@x.org
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --partial 2026-11-23T14:00:00Z
	run slots --duration 1h --mode any "${W[@]}" bob@x.org ann@x.org
	assert_equal "${#lines[@]}" 3
}

@test "the meeting must fit whole: 1h30m from 15:00 passes ann's 16:00 end" {
	run slots --team Support --duration 1h30m "${W[@]}"
	assert_success
	assert_line --index 2 "$(printf '%s\t%s\t%s' 2026-11-23T15:00:00Z \
	    2026-11-23T16:30:00Z bob@x.org)"
}

@test "--buffer needs free time before and after" {
	run slots --team Support --duration 1h --buffer 30m "${W[@]}"
	assert_success
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-23T13:00:00Z 2026-11-23T14:00:00Z ann@x.org \
	    2026-11-23T14:00:00Z 2026-11-23T15:00:00Z ann@x.org \
	    2026-11-23T15:00:00Z 2026-11-23T16:00:00Z bob@x.org)"
}

@test "--min-notice drops starts too soon after now" {
	run slots --team Support --duration 1h --min-notice 4h "${W[@]}"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --partial 2026-11-23T14:00:00Z
}

@test "the default window is now to 14 days ahead, every 15 minutes" {
	run slots --team Support --duration 1h --format tsv --no-header
	assert_success
	# From 10:00 today: ann until 15:00 (+ bob to 21:00) on 10 weekdays.
	assert_line --index 0 --partial $'2026-11-23T10:00:00Z\t2026-11-23T11:00:00Z'
	assert_line --index 1 --partial 2026-11-23T10:15:00Z
	assert_line --index -1 --partial $'2026-12-07T09:45:00Z\t2026-12-07T10:45:00Z'
	# 53 starts a weekday (08:00-21:00): from 10:00 today to 10:00 in
	# two weeks, 10 weekdays' worth.
	assert_equal "${#lines[@]}" $((10 * 53))
}

@test "--interval counts multiples from midnight in the wall clock of --tz" {
	run slots --team Support --duration 30m --interval 45m --tz Asia/Kathmandu \
	    --from 2026-11-23T13:00:00Z --to 2026-11-23T15:00:00Z --format tsv \
	    --no-header
	assert_success
	# Kathmandu is UTC+05:45: 18:45, 19:30, 20:15 there.
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-23T13:00:00Z 2026-11-23T13:30:00Z ann@x.org \
	    2026-11-23T13:45:00Z 2026-11-23T14:15:00Z ann@x.org \
	    2026-11-23T14:30:00Z 2026-11-23T15:00:00Z ann@x.org,bob@x.org)"
}

@test "the table shows wall clock in --tz (default \$TZ), with the offset" {
	run slots --team Support --duration 1h --from 2026-11-23T14:00:00Z \
	    --to 2026-11-23T15:00:00Z --interval 1h --tz Europe/Amsterdam
	assert_success
	assert_line --index 0 --regexp '^START +END +MEMBERS$'
	assert_line --index 1 --regexp '^2026-11-23 15:00\+01:00 +2026-11-23 16:00\+01:00 +ann@x.org,bob@x.org$'
	TZ=America/New_York run slots --team Support --duration 1h --no-header \
	    --from 2026-11-23T14:00:00Z --to 2026-11-23T15:00:00Z --interval 1h
	assert_output --regexp '^2026-11-23 09:00-05:00 +2026-11-23 10:00-05:00 +'
}

@test "--from and --to without an offset are wall clock in --tz; a date --to is its whole day" {
	run slots --team Support --duration 1h --interval 1h --tz America/New_York \
	    --from 2026-11-24T16:00 --to 2026-11-24 --format tsv --no-header
	assert_success
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-24T21:00:00Z 2026-11-24T22:00:00Z bob@x.org)"
}

@test "spring forward: no start in the gap, a range is an hour shorter" {
	export ROSTER_NOW=2026-03-01T00:00:00Z
	hours-set ann@x.org sun=01:00-04:00
	run slots --duration 30m --interval 30m --tz Europe/Amsterdam \
	    --from 2026-03-29T00:00 --to 2026-03-29T05:00 ann@x.org --no-header
	assert_success
	# 01:00-04:00 on this day is two hours: 01:00, 01:30, 03:00, 03:30.
	assert_output --regexp '^2026-03-29 01:00\+01:00 .*
2026-03-29 01:30\+01:00 .*
2026-03-29 03:00\+02:00 .*
2026-03-29 03:30\+02:00 .*$'
	run slots --duration 2h30m --tz Europe/Amsterdam --from 2026-03-29 \
	    --to 2026-03-30 ann@x.org
	assert_failure 1
	run slots --duration 2h --tz Europe/Amsterdam --from 2026-03-29 \
	    --to 2026-03-30 ann@x.org --format tsv --no-header
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-03-29T00:00:00Z 2026-03-29T02:00:00Z ann@x.org)"
}

@test "fall back: both 02:00s are starts, and a range is an hour longer" {
	export ROSTER_NOW=2026-10-01T00:00:00Z
	hours-set ann@x.org sun=01:00-04:00
	run slots --duration 1h --interval 1h --tz Europe/Amsterdam \
	    --from 2026-10-25 --to 2026-10-26 ann@x.org --no-header
	assert_success
	assert_output --regexp '^2026-10-25 01:00\+02:00 .*
2026-10-25 02:00\+02:00 .*
2026-10-25 02:00\+01:00 .*
2026-10-25 03:00\+01:00 .*$'
	run slots --duration 4h --tz Europe/Amsterdam --from 2026-10-25 \
	    --to 2026-10-26 ann@x.org --format tsv --no-header
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-10-24T23:00:00Z 2026-10-25T03:00:00Z ann@x.org)"
}

@test "an overnight range carries a meeting past midnight" {
	hours-set bob@x.org fri=22:00-06:00
	run slots --duration 8h --interval 1h --tz America/New_York \
	    --from 2026-11-27 --to 2026-11-28 bob@x.org --format tsv --no-header
	assert_success
	assert_output "$(printf '%s\t%s\t%s\n' \
	    2026-11-28T03:00:00Z 2026-11-28T11:00:00Z bob@x.org)"
}

@test "an absence removes a member; nobody left is exit 1 with a reason" {
	ooo-add ann@x.org --from 2026-11-23 --to 2026-11-23
	run --separate-stderr slots --duration 1h "${W[@]}" ann@x.org bob@x.org
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "slots: no start in the window fits a meeting of 1h00m with every member (--explain says why)"
	run --separate-stderr slots --duration 1h "${W[@]}" --from \
	    2026-11-28T10:00:00Z --to 2026-11-28T11:00:00Z ann@x.org bob@x.org
	assert_failure 1
	assert_equal "$stderr" "slots: nobody is available at any time in the window (--explain says why)"
	run slots --team Support --duration 1h "${W[@]}"
	assert_success
	assert_output --partial $'\tbob@x.org'
	refute_output --partial ann@x.org
}

@test "--explain says per member why: off-hours, out-of-office, manual" {
	export ROSTER_NOW=2026-11-23T15:00:00Z
	ooo-add ann@x.org --from 2026-11-23T16:00 --to 2026-11-23T17:00
	status --set away bob@x.org	# until his hours end, 22:00 UTC
	run --separate-stderr slots --explain --duration 1h --interval 1h \
	    --to 2026-11-23T16:00:00Z ann@x.org bob@x.org
	assert_failure 1
	assert_output ""
	assert_equal "${stderr_lines[0]}" "slots: ann@x.org: in 0 slots; available 0h00m; away: off-hours 1h00m, out-of-office 1h00m, manual 0h00m"
	assert_equal "${stderr_lines[1]}" "slots: bob@x.org: in 0 slots; available 0h00m; away: off-hours 0h00m, out-of-office 0h00m, manual 2h00m"
	assert_equal "${stderr_lines[2]}" "slots: nobody is available at any time in the window"
	run --separate-stderr slots --explain --duration 1h --interval 1h \
	    --to 2026-11-23T16:00:00Z --team Support --format tsv --no-header
	assert_failure 1
}

@test "a manual override counts only inside its own span" {
	status --set away ann@x.org	# from now until her hours end, 16:00 UTC
	run slots --team Support --duration 1h --interval 1h \
	    --to 2026-11-24T09:00:00Z --format tsv --no-header
	assert_success
	assert_equal "${#lines[@]}" 9
	assert_line --index 0 "$(printf '%s\t%s\t%s' 2026-11-23T14:00:00Z \
	    2026-11-23T15:00:00Z bob@x.org)"
	assert_line --index 7 --partial $'2026-11-23T21:00:00Z\t2026-11-23T22:00:00Z\tbob@x.org'
	assert_line --index 8 "$(printf '%s\t%s\t%s' 2026-11-24T08:00:00Z \
	    2026-11-24T09:00:00Z ann@x.org)"
}

@test "--format csv and json" {
	run slots --team Support --duration 1h "${W[@]:0:6}" --format csv
	assert_success
	run tr -d '\r' <<<"$output"
	assert_line --index 0 "start,end,members"
	assert_line --index 2 '2026-11-23T14:00:00Z,2026-11-23T15:00:00Z,"ann@x.org,bob@x.org"'
	run slots --team Support --duration 1h "${W[@]:0:6}" --format json
	assert_success
	run jq -c '.[1]' <<<"$output"
	assert_output '{"start":"2026-11-23T14:00:00Z","end":"2026-11-23T15:00:00Z","members":["ann@x.org","bob@x.org"]}'
}

@test "--format ics: a VFREEBUSY of the FREE periods, in UTC, CRLF" {
	run slots --duration 1h --interval 30m --format ics ann@x.org bob@x.org \
	    --from 2026-11-23T13:00:00Z --to 2026-11-24T13:00:00Z
	assert_success
	lf=$(printf '%s' "$output" | tr -d '\r')
	[ "$lf" != "$output" ]	# CRLF line ends
	run printf '%s' "$lf"
	assert_line --index 0 BEGIN:VCALENDAR
	assert_line --index 1 VERSION:2.0
	assert_line --index 2 --regexp '^PRODID:-//roster//slots [0-9.]+//EN$'
	assert_line --index 3 BEGIN:VFREEBUSY
	assert_line --index 4 --regexp '^UID:[0-9a-f]{16}@slots\.roster$'
	assert_line --index 5 DTSTAMP:20261123T100000Z
	assert_line --index 6 DTSTART:20261123T130000Z
	assert_line --index 7 DTEND:20261124T130000Z
	# Starts 14:00 to 15:00 fit: free 14:00 to 16:00.
	assert_line --index 8 'FREEBUSY;FBTYPE=FREE:20261123T140000Z/20261123T160000Z'
	assert_line --index 9 END:VFREEBUSY
	assert_line --index 10 END:VCALENDAR
	refute_output --partial METHOD
	assert_equal "${#lines[@]}" 11
}

@test "--format ics with no free period is still a calendar, exit 1" {
	run --separate-stderr slots --duration 9h --format ics ann@x.org bob@x.org
	assert_failure 1
	run tr -d '\r' <<<"$output"
	assert_line --index 3 BEGIN:VFREEBUSY
	assert_line --index 8 END:VFREEBUSY
	refute_output --partial FREEBUSY\;
}

@test "usage errors exit 2" {
	before=$(store_sum)
	for args in "--team Support" "--duration 1h" \
	    "--duration 1h --team Support ann@x.org" \
	    "--duration 1h --mode some --team Support" \
	    "--duration 1h --format xml --team Support" \
	    "--duration 1h --bogus --team Support"; do
		# shellcheck disable=SC2086
		run --separate-stderr slots $args
		assert_failure 2
		assert_output ""
		[[ $stderr == *"usage: slots"* ]]
	done
	run --separate-stderr slots --duration 1h
	[ "${stderr_lines[0]}" = "slots: name a --team or addresses" ]
	run --separate-stderr slots --duration 1h --team Support ann@x.org
	[ "${stderr_lines[0]}" = "slots: name a --team or addresses, not both" ]
	run slots -h
	assert_success
	assert_line --index 0 --partial "usage: slots [--explain]"
	[ "$(store_sum)" = "$before" ]
}

@test "invalid input exits 5 naming it" {
	for args in "--duration 0m" "--duration 1x" "--duration 8d" \
	    "--duration 1h --interval 0m" "--duration 1h --buffer 1h6" \
	    "--duration 1h --min-notice x" "--duration 1h --tz Mars/Base" \
	    "--duration 1h --from 2026-11-24 --to 2026-11-23" \
	    "--duration 1h --from 2026-01-01 --to 2027-12-31" \
	    "--duration 1h --from yesterday" \
	    "--duration 1h --from 9999-12-29T00:00Z --to 9999-12-30T21:00Z"; do
		# shellcheck disable=SC2086
		run --separate-stderr slots $args --team Support
		assert_failure 5
		assert_output ""
		[[ $stderr == slots:* ]]
	done
	run --separate-stderr slots --duration 90s --team Support
	assert_equal "$stderr" "slots: --duration: not a duration: '90s' (write 30m, 1h or 1h30m)"
	run --separate-stderr slots --duration 1h --tz Mars/Base --team Support
	assert_equal "$stderr" "slots: --tz: unknown time zone Mars/Base"
}

@test "unknown team, user or store: exit 4" {
	run --separate-stderr slots --duration 1h --team Sales
	assert_failure 4
	assert_equal "$stderr" "slots: no team Sales"
	run --separate-stderr slots --duration 1h ann@x.org cy@x.org
	assert_failure 4
	assert_equal "$stderr" "slots: no such user: cy@x.org"
	run --separate-stderr slots --duration 1h --store "$BATS_TEST_TMPDIR/none" \
	    --team Support
	assert_failure 4
	[[ $stderr == *"$BATS_TEST_TMPDIR/none"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
}

@test "an unreadable member is reported, the others answered, exit 7" {
	add_users --team Support cy@x.org
	printf 'email: [\n' >"$ROSTER_DIR/users/cy@x.org.yaml"
	run --separate-stderr slots --team Support --duration 1h "${W[@]}"
	assert_failure 7
	assert_equal "${#lines[@]}" 3
	[[ $stderr == *"cy@x.org.yaml"* ]]
}

@test "the ics UID names the page, not the window" {
	uid() {
		slots "$@" --format ics | tr -d '\r' | sed -n 's/^UID://p'
	}
	a=$(uid --team Support --duration 1h)
	b=$(ROSTER_NOW=2026-11-24T10:00:00Z uid --team Support --duration 1h)
	[ "$a" = "$b" ]
	c=$(uid --team Support --duration 30m)
	[ "$a" != "$c" ]
	d=$(uid --duration 1h --mode any ann@x.org bob@x.org)
	e=$(uid --duration 1h --mode any ann@x.org)
	[ "$a" != "$d" ] && [ "$d" != "$e" ]
}
