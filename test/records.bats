#!/usr/bin/env bats
# records: the list of owned records, filters, formats, removed owners.

bats_require_minimum_version 1.5.0
load helpers/common

records_csv() {
	{ echo "type,id,owner,state"; printf '%s\n' "$@"; } \
	    >"$ROSTER_DIR/records.csv"
}

local_setup() {
	add_users ada@x.org bob@x.org
	records_csv "ticket,10,ada@x.org,open" "ticket,9,bob@x.org,closed" \
	    "deal,b7,ada@x.org,open" "ticket,x1,,open" "deal,a2,bob@x.org,open" \
	    "contact,0100,ada@x.org,closed" "contact,99,bob@x.org,open"
}

@test "sorted by type, then id: numbers as numbers, else as text" {
	run records --format tsv --no-header
	assert_success
	assert_output "contact	99	bob@x.org	open	true
contact	0100	ada@x.org	closed	true
deal	a2	bob@x.org	open	true
deal	b7	ada@x.org	open	true
ticket	9	bob@x.org	closed	true
ticket	10	ada@x.org	open	true
ticket	x1		open	true"
}

@test "table: aligned with a header" {
	run records --type deal
	assert_success
	assert_output "TYPE  ID  OWNER      STATE
deal  a2  bob@x.org  open
deal  b7  ada@x.org  open"
	run records --type deal --no-header
	assert_output "deal  a2  bob@x.org  open
deal  b7  ada@x.org  open"
}

@test "--owner, --type and --state filter, and combine" {
	run records --format tsv --no-header --owner ada@x.org
	assert_output "contact	0100	ada@x.org	closed	true
deal	b7	ada@x.org	open	true
ticket	10	ada@x.org	open	true"
	run records --format tsv --no-header --owner ADA@X.org --state open --type ticket
	assert_output "ticket	10	ada@x.org	open	true"
	run records --format tsv --no-header --state closed
	assert_output "contact	0100	ada@x.org	closed	true
ticket	9	bob@x.org	closed	true"
	run records --format tsv --no-header --owner nobody@x.org
	assert_success
	assert_output ""
}

@test "tsv and csv have a header row; --no-header drops it; csv lines end CRLF" {
	run records --format csv --type deal
	[ "$(printf '%s\n' "$output" | grep -c $'\r$')" -eq 3 ]
	run records --format tsv --type deal
	assert_line --index 0 "type	id	owner	state	owner_active"
	run sh -c 'records --format csv --type deal | tr -d "\r"'
	assert_output "type,id,owner,state,owner_active
deal,a2,bob@x.org,open,true
deal,b7,ada@x.org,open,true"
	run sh -c 'records --format csv --type deal --no-header | tr -d "\r"'
	assert_output "deal,a2,bob@x.org,open,true
deal,b7,ada@x.org,open,true"
}

@test "csv: cells that start with = + - @ get a leading quote" {
	records_csv 'ticket,=1+2,ada@x.org,open' 'ticket,+3,ada@x.org,open' \
	    'ticket,-4,ada@x.org,open' 'ticket,@5,ada@x.org,open' \
	    'ticket,"a,b",ada@x.org,open'
	run sh -c 'records --format csv --no-header | tr -d "\r"'
	assert_success
	assert_output "ticket,'+3,ada@x.org,open,true
ticket,'-4,ada@x.org,open,true
ticket,'=1+2,ada@x.org,open,true
ticket,'@5,ada@x.org,open,true
ticket,\"a,b\",ada@x.org,open,true"
}

@test "json: one array of objects with owner_active" {
	user-rm --force bob@x.org
	run records --format json --type ticket
	assert_success
	run jq -c . <<<"$output"
	assert_output '[{"type":"ticket","id":"9","owner":"bob@x.org","state":"closed","owner_active":false},{"type":"ticket","id":"10","owner":"ada@x.org","state":"open","owner_active":true},{"type":"ticket","id":"x1","owner":null,"state":"open","owner_active":true}]'
}

@test "a removed owner is Deactivated User (EMAIL), and --owner still matches" {
	user-rm --force bob@x.org
	run records --owner bob@x.org
	assert_success
	assert_output "TYPE     ID  OWNER                         STATE
contact  99  Deactivated User (bob@x.org)  open
deal     a2  Deactivated User (bob@x.org)  open
ticket   9   Deactivated User (bob@x.org)  closed"
}

@test "an owner never known is shown as is" {
	records_csv "ticket,1,ghost@x.org,open"
	run records --format tsv --no-header
	assert_output "ticket	1	ghost@x.org	open	true"
}

@test "no records.csv: an empty list" {
	rm "$ROSTER_DIR/records.csv"
	run records --format csv
	assert_success
	assert_output "type,id,owner,state,owner_active"$'\r'
	run records --format json
	assert_success
	[ "$(jq length <<<"$output")" -eq 0 ]
}

@test "a missing store: 4, naming the path" {
	run --separate-stderr records --store "$BATS_TEST_TMPDIR/none"
	assert_failure 4
	assert_output ""
	[[ $stderr == *"$BATS_TEST_TMPDIR/none"* ]]
}

@test "a malformed records.csv: 7, naming records.csv:LINE" {
	printf 'type,id,owner,state\nticket,1,ada@x.org,open\nticket,2,open\n' \
	    >"$ROSTER_DIR/records.csv"
	run --separate-stderr records --format tsv --no-header
	assert_failure 7
	assert_output "$(printf 'ticket\t1\tada@x.org\topen\ttrue')"
	[[ $stderr == records:*records.csv:3:* ]]
	printf 'kind,id,owner,state\n' >"$ROSTER_DIR/records.csv"
	run --separate-stderr records
	assert_failure 7
	[[ $stderr == *records.csv:1:* ]]
	printf 'type,id,owner,state\nticket,,ada@x.org,open\n' \
	    >"$ROSTER_DIR/records.csv"
	run --separate-stderr records --no-header
	assert_failure 7
	assert_output ""
	[[ $stderr == *records.csv:2:* ]]
}

@test "usage errors exit 2; --help exits 0" {
	run records --format xml
	assert_failure 2
	run records extra
	assert_failure 2
	run records --bogus
	assert_failure 2
	run records --help
	assert_success
	assert_line --index 0 --partial "usage: records"
}

@test "records is a reader: nothing in the store changes" {
	before=$(store_sum)
	records >/dev/null
	records --format json >/dev/null
	[ "$(store_sum)" = "$before" ]
}
