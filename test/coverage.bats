#!/usr/bin/env bats
# coverage: a week's count of available members per step; the grid, its
# marks and colour; machine formats; DST; the exit status for gaps.  The
# clock is Monday 2026-11-23 10:00 UTC.

bats_require_minimum_version 1.5.0
load helpers/common

# ann works 09:00-17:00 in Amsterdam (08:00-16:00 UTC), bob 09:00-17:00 in
# New York (14:00-22:00 UTC), both in team Support.
local_setup() {
	add_users --team Support ann@x.org bob@x.org
	hours-set --timezone Europe/Amsterdam ann@x.org mon-fri=09:00-17:00
	hours-set --timezone America/New_York bob@x.org mon-fri=09:00-17:00
}

yaml() {
	printf '%s\n' "$2" >>"$ROSTER_DIR/users/$1.yaml"
}

# row DAY TIME START END N IN_WINDOW GAP: one tsv row.
row() {
	local IFS=$'\t'
	printf '%s\n' "$*"
}

@test "one row per cell: members available for the whole step" {
	before=$(store_sum)
	run coverage --team Support --step 1h --format tsv --no-header
	assert_success
	assert_equal "${#lines[@]}" 168
	assert_line --index 0 "$(row 2026-11-23 00:00 2026-11-23T00:00:00Z 2026-11-23T01:00:00Z 0 false false)"
	assert_line --index 8 "$(row 2026-11-23 08:00 2026-11-23T08:00:00Z 2026-11-23T09:00:00Z 1 true false)"
	assert_line --index 14 "$(row 2026-11-23 14:00 2026-11-23T14:00:00Z 2026-11-23T15:00:00Z 2 true false)"
	assert_line --index 21 "$(row 2026-11-23 21:00 2026-11-23T21:00:00Z 2026-11-23T22:00:00Z 1 true false)"
	assert_line --index 22 "$(row 2026-11-23 22:00 2026-11-23T22:00:00Z 2026-11-23T23:00:00Z 0 false false)"
	assert_line --index 167 "$(row 2026-11-29 23:00 2026-11-29T23:00:00Z 2026-11-30T00:00:00Z 0 false false)"
	[ "$(store_sum)" = "$before" ]
}

@test "--min: a cell inside working hours under it is a gap, exit 1" {
	run --separate-stderr coverage --team Support --step 1h --min 2 \
	    --format tsv --no-header
	assert_failure 1
	assert_line --index 8 "$(row 2026-11-23 08:00 2026-11-23T08:00:00Z 2026-11-23T09:00:00Z 1 true true)"
	assert_line --index 14 "$(row 2026-11-23 14:00 2026-11-23T14:00:00Z 2026-11-23T15:00:00Z 2 true false)"
	assert_equal "$stderr" "coverage: 60 cells inside working hours under --min 2, the first Mon 2026-11-23 08:00"
	run coverage --team Support --step 1h --min 0 --format tsv
	assert_success
}

@test "an absence opens a gap in the team's hours" {
	ooo-add ann@x.org --from 2026-11-24 --to 2026-11-24
	run --separate-stderr coverage --team Support --step 1h --format tsv \
	    --no-header
	assert_failure 1
	assert_line --index 32 "$(row 2026-11-24 08:00 2026-11-24T08:00:00Z 2026-11-24T09:00:00Z 0 true true)"
	assert_equal "$stderr" "coverage: 6 cells inside working hours under --min 1, the first Tue 2026-11-24 08:00"
}

@test "--step 30m (the default) and --step 15m" {
	run coverage --team Support --format tsv --no-header
	assert_equal "${#lines[@]}" $((7 * 48))
	assert_line --index 17 "$(row 2026-11-23 08:30 2026-11-23T08:30:00Z 2026-11-23T09:00:00Z 1 true false)"
	run coverage --team Support --step 15m --format tsv --no-header
	assert_equal "${#lines[@]}" $((7 * 96))
}

@test "a step that crosses the end of a range does not count" {
	hours-set ann@x.org mon-fri=09:00-16:30
	run coverage --team Support --step 1h --format tsv --no-header
	assert_success
	# 15:00-16:00 UTC is 16:00-17:00 in Amsterdam: ann leaves at 16:30.
	assert_line --index 15 "$(row 2026-11-23 15:00 2026-11-23T15:00:00Z 2026-11-23T16:00:00Z 1 true false)"
}

@test "--week picks the week (Monday first) holding a date in --tz" {
	run coverage --team Support --week 2026-11-29 --format tsv --no-header
	assert_line --index 0 --partial $'2026-11-23\t00:00\t'
	run coverage --team Support --week 2026-11-30 --format tsv --no-header
	assert_line --index 0 --partial $'2026-11-30\t00:00\t'
	run coverage --team Support --week 2026-11-30 --tz Europe/Amsterdam \
	    --format tsv --no-header
	assert_line --index 0 "$(row 2026-11-30 00:00 2026-11-29T23:00:00Z 2026-11-29T23:30:00Z 0 false false)"
	assert_line --index 18 "$(row 2026-11-30 09:00 2026-11-30T08:00:00Z 2026-11-30T08:30:00Z 1 true false)"
}

@test "the table: days as rows, hours as columns, gaps marked" {
	run --separate-stderr coverage --team Support --step 1h --min 2
	assert_failure 1
	assert_equal "${#lines[@]}" 8
	assert_line --index 0 "               00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23"
	assert_line --index 1 "Mon 2026-11-23  0  0  0  0  0  0  0  0 1! 1! 1! 1! 1! 1!  2  2 1! 1! 1! 1! 1! 1!  0  0"
	assert_line --index 7 "Sun 2026-11-29  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0"
	run coverage --team Support --step 1h --no-header
	assert_equal "${#lines[@]}" 7
	refute_output --partial '!'
	refute_output --partial $'\033'
}

@test "colour only on a terminal and without NO_COLOR" {
	ontty() {
		python3 "$HELPERS/ontty.py" "$@"
	}
	run ontty coverage --team Support --step 1h --min 2
	assert_output --partial $'\033[41;97m'
	assert_output --partial $'\033[48;5;'
	NO_COLOR=1 run ontty coverage --team Support --step 1h --min 2
	refute_output --partial $'\033['
	assert_output --partial '1!'
}

@test "fall back: a cell is every instant its wall clock covers" {
	add_users --team Night cy@x.org
	yaml cy@x.org 'out_of_office:
  - start: 2026-10-25T01:00:00Z
    end: 2026-10-25T02:00:00Z'
	run --separate-stderr coverage --team Night --week 2026-10-25 \
	    --tz Europe/Amsterdam --format tsv --no-header
	assert_failure 1
	# 02:00-02:30 happens twice: at 00:00Z and, absent, at 01:00Z.
	assert_line --index 290 "$(row 2026-10-25 01:00 2026-10-24T23:00:00Z 2026-10-24T23:30:00Z 1 true false)"
	assert_line --index 292 "$(row 2026-10-25 02:00 2026-10-25T00:00:00Z 2026-10-25T01:30:00Z 0 true true)"
	assert_line --index 293 "$(row 2026-10-25 02:30 2026-10-25T00:30:00Z 2026-10-25T02:00:00Z 0 true true)"
	assert_line --index 294 "$(row 2026-10-25 03:00 2026-10-25T02:00:00Z 2026-10-25T02:30:00Z 1 true false)"
}

@test "spring forward: the skipped hour has no time, so no count and no gap" {
	add_users --team Night cy@x.org
	run coverage --team Night --week 2026-03-29 --tz Europe/Amsterdam \
	    --format tsv --no-header
	assert_success
	assert_line --index 291 "$(row 2026-03-29 01:30 2026-03-29T00:30:00Z 2026-03-29T01:00:00Z 1 true false)"
	assert_line --index 292 "$(row 2026-03-29 02:00 '' '' '' false false)"
	assert_line --index 293 "$(row 2026-03-29 02:30 '' '' '' false false)"
	assert_line --index 294 "$(row 2026-03-29 03:00 2026-03-29T01:00:00Z 2026-03-29T01:30:00Z 1 true false)"
	run coverage --team Night --week 2026-03-29 --tz Europe/Amsterdam --step 1h
	assert_line --index 7 --regexp '^Sun 2026-03-29  1  1  -  1 '
}

@test "--format csv and json" {
	run coverage --team Support --step 1h --format csv
	assert_success
	run tr -d '\r' <<<"$output"
	assert_line --index 0 "day,time,start,end,available,in_window,gap"
	assert_line --index 15 "2026-11-23,14:00,2026-11-23T14:00:00Z,2026-11-23T15:00:00Z,2,true,false"
	run coverage --team Support --step 1h --format json
	run jq -c '.[14]' <<<"$output"
	assert_output '{"day":"2026-11-23","time":"14:00","start":"2026-11-23T14:00:00Z","end":"2026-11-23T15:00:00Z","available":2,"in_window":true,"gap":false}'
	add_users --team Night cy@x.org
	run coverage --team Night --week 2026-03-29 --tz Europe/Amsterdam --format json
	run jq -c '.[292] | [.start, .end, .available]' <<<"$output"
	assert_output '[null,null,null]'
}

@test "usage errors exit 2" {
	for args in "" "--team Support extra" "--team Support --format ics" \
	    "--team Support --bogus"; do
		# shellcheck disable=SC2086
		run --separate-stderr coverage $args
		assert_failure 2
		assert_output ""
		[[ $stderr == *"usage: coverage"* ]]
	done
	run coverage --help
	assert_success
	assert_line --index 0 --partial "usage: coverage [--no-header]"
}

@test "invalid input exits 5 naming it" {
	before=$(store_sum)
	for args in "--step 7m" "--step 0m" "--step 2d" "--step 1x" "--min -1" \
	    "--min x" "--week 2026-13-01" "--tz Mars/Base" "--week 9999-12-30" \
	    "--week 0001-01-03"; do
		# shellcheck disable=SC2086
		run --separate-stderr coverage --team Support $args
		assert_failure 5
		assert_output ""
		[[ $stderr == coverage:* ]]
	done
	run --separate-stderr coverage --team Support --step 7m
	assert_equal "$stderr" "coverage: --step: 7m does not divide a day"
	[ "$(store_sum)" = "$before" ]
}

@test "unknown team or store: exit 4" {
	run --separate-stderr coverage --team Sales
	assert_failure 4
	assert_output ""
	assert_equal "$stderr" "coverage: no team Sales"
	run --separate-stderr coverage --team Support --store "$BATS_TEST_TMPDIR/none"
	assert_failure 4
	[[ $stderr == *"$BATS_TEST_TMPDIR/none"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
}

@test "an unreadable member is reported, the others counted, exit 7" {
	add_users --team Night cy@x.org
	printf 'email: [\n' >"$ROSTER_DIR/users/cy@x.org.yaml"
	run --separate-stderr coverage --team Night --format tsv --no-header
	assert_failure 7
	[[ $stderr == *"cy@x.org.yaml"* ]]
	[[ $stderr != *"no team"* ]]
	add_users --team Support dee@x.org
	printf 'email: [\n' >"$ROSTER_DIR/users/dee@x.org.yaml"
	run --separate-stderr coverage --team Support --step 1h --format tsv \
	    --no-header
	assert_failure 7
	assert_line --index 14 --partial $'\t2\ttrue\tfalse'
	[[ $stderr == *"dee@x.org.yaml"* ]]
}
