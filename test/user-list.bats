#!/usr/bin/env bats
# user-list: one row per user through the users index, the filters, the
# formats (json lists as arrays), -l, --removed.
load helpers/common
bats_require_minimum_version 1.5.0

local_setup() {
	user-add --no-welcome --first-name Ada --last-name Lovelace \
	    --seat service-professional --team Billing --team Tier1 \
	    ada@x.org >/dev/null
	user-add --no-welcome --seat none bob@x.org >/dev/null
	user-add --no-welcome --seat sales-starter --super-admin cy@x.org >/dev/null
	user-mod --contact primary --capacity 5 ada@x.org >/dev/null
	printf '\n[role "Support Agent"]\npermissions = tickets, contacts\n' \
	    >>"$ROSTER_DIR/roster.ini"
	user-mod --role "Support Agent" bob@x.org >/dev/null
}

T=2026-11-23T10:00:00Z

@test "one row per user, every column, tsv" {
	before=$(store_sum)
	run user-list --format tsv
	assert_success
	assert_output "$(printf '%s\n' \
	    "email	first_name	last_name	role	teams	seat	super_admin	contact_roles	capacity	timezone	created" \
	    "ada@x.org	Ada	Lovelace		Billing,Tier1	service-professional	false	primary	5	UTC	$T" \
	    "bob@x.org			Support Agent			false			UTC	$T" \
	    "cy@x.org					sales-starter	true			UTC	$T")"
	[ "$(store_sum)" = "$before" ]
}

@test "json: lists are arrays, capacity a number, absent is null" {
	run user-list --format json ada@x.org bob@x.org
	assert_success
	run jq -c '.[] | [.email, .teams, .contact_roles, .capacity, .super_admin, .role]' <<<"$output"
	assert_output "$(printf '%s\n' \
	    '["ada@x.org",["Billing","Tier1"],["primary"],5,false,null]' \
	    '["bob@x.org",[],[],null,false,"Support Agent"]')"
}

@test "json keeps a team name with a comma as one item" {
	# Refused by the tools now, but a store may have one from before or
	# from a hand edit.
	sed -i 's/^teams: .*/teams: ["A, B"]/' "$ROSTER_DIR/users/bob@x.org.yaml"
	grep -q '^teams: \["A, B"\]$' "$ROSTER_DIR/users/bob@x.org.yaml"
	run user-list --format json bob@x.org
	assert_success
	run jq -c '.[0].teams' <<<"$output"
	assert_output '["A, B"]'
}

@test "filters: --seat paid, --seat none, --role, --contact, --super-admin, --team" {
	run sh -c 'user-list --format tsv --no-header --seat paid | cut -f1'
	assert_output "$(printf 'ada@x.org\ncy@x.org')"
	run sh -c 'user-list --format tsv --no-header --seat none | cut -f1'
	assert_output bob@x.org
	run sh -c 'user-list --format tsv --no-header --seat sales-starter | cut -f1'
	assert_output cy@x.org
	run sh -c 'user-list --format tsv --no-header --role "Support Agent" | cut -f1'
	assert_output bob@x.org
	run sh -c 'user-list --format tsv --no-header --contact primary | cut -f1'
	assert_output ada@x.org
	run sh -c 'user-list --format tsv --no-header --super-admin | cut -f1'
	assert_output cy@x.org
	run sh -c 'user-list --format tsv --no-header --team Tier1 --seat paid | cut -f1'
	assert_output ada@x.org
	# A known team with no row for the other filters is an empty list; a
	# team nobody is in is not found (4).
	run user-list --format tsv --no-header --team Tier1 --seat none
	assert_success
	assert_output ''
	run --separate-stderr user-list --format tsv --no-header --team Nobody
	assert_failure 4
	assert_output ''
	[ "$stderr" = "user-list: no team Nobody" ]
}

@test "a bad --contact or -l without one address is a usage error" {
	run user-list --contact boss
	assert_failure 2
	assert_output --partial 'primary, billing or technical, not boss'
	run user-list -l
	assert_failure 2
	run user-list -l ada@x.org bob@x.org
	assert_failure 2
	run user-list -l --team Tier1 ada@x.org
	assert_failure 2
}

@test "an unknown address is reported (4), the others listed" {
	run user-list --format tsv --no-header nobody@x.org ada@x.org
	assert_failure 4
	assert_line --index 0 --partial 'no such user: nobody@x.org'
	assert_line --index 1 --partial 'ada@x.org	Ada'
}

@test "the table names its columns and shows absent cells as -" {
	run user-list bob@x.org
	assert_success
	assert_line --index 0 --regexp '^EMAIL +FIRST NAME +LAST NAME +ROLE +TEAMS +SEAT +SUPER ADMIN +CONTACT ROLES +CAPACITY +TIMEZONE +CREATED$'
	assert_line --index 1 --regexp '^bob@x.org +- +- +Support Agent +- +- +false +- +- +UTC +2026-11-23T10:00:00Z$'
}

@test "a hand edit is listed: the index follows the file" {
	user-list >/dev/null	# builds .cache/users.idx
	[ -f "$ROSTER_DIR/.cache/users.idx" ]
	sed -i 's/^first_name: Ada$/first_name: Augusta/' "$ROSTER_DIR/users/ada@x.org.yaml"
	run sh -c 'user-list --format tsv --no-header | cut -f1,2'
	assert_success
	assert_line --index 0 "$(printf 'ada@x.org\tAugusta')"
}

@test "a damaged index is rebuilt and gives the same rows" {
	good=$(user-list --format csv)
	grep -q '=Ada' "$ROSTER_DIR/.cache/users.idx"
	sed -i 's/=Ada/=Ida/' "$ROSTER_DIR/.cache/users.idx"
	run user-list --format csv
	assert_success
	assert_output "$good"
}

@test "a user file that does not load is reported (7), the others listed" {
	echo 'teams: [' >"$ROSTER_DIR/users/bad@x.org.yaml"
	run sh -c 'user-list --format tsv --no-header 2>&1 | cut -f1'
	assert_output --partial 'users/bad@x.org.yaml'
	assert_line ada@x.org
	run user-list --format tsv --no-header
	assert_failure 7
}

@test "-l shows everything in the file, hours and absences included" {
	hours-set ada@x.org mon-fri=09:00-17:00 >/dev/null
	ooo-add ada@x.org --from 2026-12-24 --to 2026-12-26 >/dev/null
	before=$(store_sum)
	run user-list -l ada@x.org
	assert_success
	assert_line 'Address         : ada@x.org'
	assert_line 'First name      : Ada'
	assert_line 'Last name       : Lovelace'
	assert_line 'Seat            : service-professional'
	assert_line 'Teams           : Billing,Tier1'
	assert_line 'Capacity        : 5'
	assert_line 'Contact roles   : primary'
	assert_line 'Time zone       : UTC (the store'"'"'s)'
	assert_line 'Working hours   : mon 09:00-17:00'
	assert_line '                : sat off'
	assert_line 'Out of office   : 2026-12-24T00:00:00+00:00 to 2026-12-27T00:00:00+00:00, source manual'
	assert_line 'Created         : 2026-11-23T10:00:00Z'
	[ "$(store_sum)" = "$before" ]
}

@test "-l shows the role's permissions and keys roster does not know" {
	echo 'badge: 42' >>"$ROSTER_DIR/users/bob@x.org.yaml"
	run user-list -l bob@x.org
	assert_success
	assert_line 'Role            : Support Agent'
	assert_line 'Permissions     : tickets,contacts'
	assert_line 'Capacity        : no limit'
	assert_line 'Other keys      : badge'
}

@test "--removed lists removals with removed_at; -l --removed the latest" {
	user-rm bob@x.org >/dev/null
	run user-list --format tsv --no-header
	assert_success
	refute_output --partial bob@x.org
	run user-list --removed --format tsv
	assert_success
	assert_line --index 0 --partial '	created	removed_at'
	assert_line --index 1 "bob@x.org			Support Agent			false			UTC	$T	$T"
	run user-list -l --removed bob@x.org
	assert_success
	assert_line "Removed at      : $T"
}

@test "a store that does not exist is 4 and is not created" {
	run user-list -d "$BATS_TEST_TMPDIR/none"
	assert_failure 4
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
}
