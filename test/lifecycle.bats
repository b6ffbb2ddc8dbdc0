#!/usr/bin/env bats
# records with a lifecycle (--close, --reopen, --unassign, --add) and
# routing that is safe to retry (--record, --reassign, --queue), the
# balanced rule and capacity 0.

bats_require_minimum_version 1.5.0
load helpers/common

records_csv() {
	{ echo "type,id,owner,state"; printf '%s\n' "$@"; } \
	    >"$ROSTER_DIR/records.csv"
}

rows() {
	tail -n +2 "$ROSTER_DIR/records.csv"
}

@test "records --close, --reopen: a locked change with an audit row each" {
	add_users a@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,open"
	run records --close ticket:1 ticket:2
	assert_success
	assert_output ""
	run rows
	assert_output "ticket,1,a@x.org,closed
ticket,2,a@x.org,closed"
	[ "$(grep -c ",close,a@x.org,ticket:[12]$" "$ROSTER_DIR/audit.csv")" -eq 2 ]
	run records --reopen ticket:2
	assert_success
	run rows
	assert_output "ticket,1,a@x.org,closed
ticket,2,a@x.org,open"
	grep -q ',reopen,.*ticket:2' "$ROSTER_DIR/audit.csv"
}

@test "records --close of a record not in the file: 4, nothing written" {
	add_users a@x.org
	records_csv "ticket,1,a@x.org,open"
	before=$(store_sum)
	run records --close ticket:1 ticket:99
	assert_failure 4
	assert_output --partial "no record ticket:99"
	[ "$(store_sum)" = "$before" ]
}

@test "records --unassign returns an open record to the backlog; a closed one is 3" {
	add_users a@x.org b@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,closed"
	run records --unassign ticket:1
	assert_success
	run rows
	assert_output "ticket,1,,open
ticket,2,a@x.org,closed"
	before=$(store_sum)
	run records --unassign ticket:2
	assert_failure 3
	assert_output --partial "records --reopen ticket:2"
	[ "$(store_sum)" = "$before" ]
	run assign-next --backlog
	assert_success
	assert_output "ticket:1 a@x.org"
}

@test "records --add queues a record, --owner gives it; a known one is 3" {
	add_users a@x.org
	run records --add ticket:7
	assert_success
	run records --add --owner A@x.org deal:3
	assert_success
	run rows
	assert_output "ticket,7,,open
deal,3,a@x.org,open"
	before=$(store_sum)
	run records --add ticket:7
	assert_failure 3
	assert_output --partial "already in records.csv"
	run records --add --owner nobody@x.org ticket:8
	assert_failure 4
	run records --add bug:1
	assert_failure 5
	run records --close
	assert_failure 2
	run records --close --format json ticket:7
	assert_failure 2
	[ "$(store_sum)" = "$before" ]
}

@test "states are read without regard to case, written lower-case; others are refused" {
	add_users --super-admin a@x.org
	records_csv "ticket,1,a@x.org,OPEN" "ticket,2,a@x.org,Closed" \
	    "ticket,3,a@x.org,pending"
	run records --format tsv --no-header
	assert_failure 7
	assert_line "ticket	1	a@x.org	open	true"
	assert_line "ticket	2	a@x.org	closed	true"
	assert_line --partial "records.csv:4: unknown state 'pending'"
	run status --check
	assert_failure 7
	assert_output "records.csv:4: unknown state 'pending' (open, closed)"
	run records --close ticket:1
	assert_success
	run rows
	assert_output "ticket,1,a@x.org,closed
ticket,2,a@x.org,closed
ticket,3,a@x.org,pending"
	run records --state bogus
	assert_failure 2
}

@test "records: machine formats keep the address and say owner_active" {
	add_users a@x.org b@x.org
	records_csv "ticket,1,b@x.org,open"
	user-rm --force b@x.org
	run records --format tsv --no-header
	assert_output "ticket	1	b@x.org	open	false"
	run records --format csv --no-header
	assert_output "ticket,1,b@x.org,open,false"$'\r'
	run records --format json
	assert_output --partial '"owner": "b@x.org"'
	assert_output --partial '"owner_active": false'
	run records
	assert_output --partial "Deactivated User (b@x.org)"
}

@test "records sorts ids naturally" {
	add_users a@x.org
	records_csv "ticket,P1-47,a@x.org,open" "ticket,P1-9,a@x.org,open" \
	    "ticket,10,a@x.org,open" "ticket,9,a@x.org,open"
	run records --format tsv --no-header
	assert_output "ticket	9	a@x.org	open	true
ticket	10	a@x.org	open	true
ticket	P1-9	a@x.org	open	true
ticket	P1-47	a@x.org	open	true"
}

@test "assign-next --record retried: the owner again, nothing changes" {
	add_users a@x.org b@x.org c@x.org
	run assign-next --record ticket:2001
	assert_success
	assert_output "a@x.org"
	before=$(store_sum)
	run assign-next --record ticket:2001
	assert_success
	assert_output "a@x.org"
	run assign-next --record ticket:2001 --format json
	assert_success
	assert_output --partial '"email": "a@x.org"'
	assert_output --partial '"assigned": false'
	[ "$(store_sum)" = "$before" ]
	run rows
	assert_output "ticket,2001,a@x.org,open"
}

@test "assign-next --record --reassign moves it on purpose, to someone else" {
	add_users a@x.org b@x.org
	records_csv "ticket,2001,b@x.org,open"
	printf 'pool,last,updated\n*,a@x.org,2026-11-23T09:00:00Z\n' \
	    >"$ROSTER_DIR/rotation.csv"
	run assign-next --record ticket:2001 --reassign
	assert_success
	assert_output "a@x.org"
	run rows
	assert_output "ticket,2001,a@x.org,open"
}

@test "assign-next --record of an open record whose owner left: reassigned" {
	add_users a@x.org b@x.org
	records_csv "ticket,5,b@x.org,open"
	user-rm --force b@x.org
	run assign-next --record ticket:5
	assert_success
	assert_output "a@x.org"
	run rows
	assert_output "ticket,5,a@x.org,open"
}

@test "assign-next --record of a closed record: 3 with the way out, nothing written" {
	add_users a@x.org
	records_csv "deal,9,a@x.org,closed"
	before=$(store_sum)
	run assign-next --record deal:9
	assert_failure 3
	assert_output --partial "records --reopen deal:9"
	[ "$(store_sum)" = "$before" ]
}

@test "assign-next --queue: nobody available, the record waits unassigned, exit 1" {
	add_users a@x.org
	status --set away a@x.org
	run assign-next --record ticket:3401
	assert_failure 1
	[ ! -e "$ROSTER_DIR/records.csv" ]
	run assign-next --record ticket:3401 --queue
	assert_failure 1
	assert_output --partial "ticket:3401 waits unassigned"
	run rows
	assert_output "ticket,3401,,open"
	grep -q ',queue,.*ticket:3401' "$ROSTER_DIR/audit.csv"
	# Retried: it waits already, nothing is written.
	before=$(store_sum)
	run assign-next --record ticket:3401 --queue
	assert_failure 1
	assert_output --partial "ticket:3401 waits unassigned"
	[ "$(store_sum)" = "$before" ]
	status --set available a@x.org
	run assign-next --backlog
	assert_output "ticket:3401 a@x.org"
}

@test "--reassign and --queue go with --record: 2" {
	add_users a@x.org
	run assign-next --queue
	assert_failure 2
	run assign-next --reassign
	assert_failure 2
}

@test "balanced: 20 assignments over a (capacity 10, 1 open), b and c" {
	add_users a@x.org b@x.org c@x.org
	user-mod --capacity 10 a@x.org
	records_csv "ticket,0,a@x.org,open"
	for i in $(seq 1 20); do
		assign-next --mode balanced --record "ticket:$i" >/dev/null
	done
	run records --state open --format tsv --no-header
	[ "$(grep -c '	a@x.org	' <<<"$output")" -eq 7 ]
	[ "$(grep -c '	b@x.org	' <<<"$output")" -eq 7 ]
	[ "$(grep -c '	c@x.org	' <<<"$output")" -eq 7 ]
}

@test "balanced: 0 of 100 open beats 5 open and no capacity" {
	add_users a@x.org b@x.org
	user-mod --capacity 100 a@x.org
	records_csv "ticket,1,b@x.org,open" "ticket,2,b@x.org,open" \
	    "ticket,3,b@x.org,open" "ticket,4,b@x.org,open" "ticket,5,b@x.org,open"
	printf 'pool,last,updated\n*,a@x.org,2026-11-23T09:00:00Z\n' \
	    >"$ROSTER_DIR/rotation.csv"
	run assign-next --mode balanced --record ticket:6
	assert_output "a@x.org"
}

@test "balanced: equal open counts go to the larger free share" {
	add_users a@x.org b@x.org
	user-mod --capacity 2 a@x.org
	user-mod --capacity 10 b@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,b@x.org,open"
	# In rotation order a would come next.
	printf 'pool,last,updated\n*,b@x.org,2026-11-23T09:00:00Z\n' \
	    >"$ROSTER_DIR/rotation.csv"
	run assign-next --mode balanced --record ticket:3
	assert_output "b@x.org"
}

@test "capacity 0: available, but takes no new records" {
	add_users a@x.org b@x.org
	run user-mod --capacity 0 a@x.org
	assert_success
	grep -qx 'capacity: 0' "$ROSTER_DIR/users/a@x.org.yaml"
	run status -q a@x.org
	assert_success
	for i in 1 2 3; do
		run assign-next --record "ticket:$i"
		assert_output "b@x.org"
	done
	run user-mod --capacity -1 a@x.org
	assert_failure 5
}

@test "every writer of records.csv names a malformed row it keeps" {
	add_users a@x.org b@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,3,a@x.org,closed,extra" \
	    "ticket,2,a@x.org,open"
	for cmd in "records --close ticket:2" "records --add ticket:11" \
	    "records --unassign ticket:1" \
	    "user-mod --rename ann@x.org a@x.org"; do
		run --separate-stderr $cmd
		assert_success
		[[ $stderr == *"records.csv:3: "* ]]
		grep -qx 'ticket,3,a@x.org,closed,extra' "$ROSTER_DIR/records.csv"
	done
}

@test "a record in records.csv twice is not changed halfway: 7, nothing written" {
	add_users a@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,open" \
	    "ticket,1,a@x.org,open"
	sum=$(store_sum)
	for op in --close --reopen --unassign; do
		run --separate-stderr records $op ticket:1
		assert_failure 7
		[ "$stderr" = "records: ticket:1 is in records.csv twice (lines 2 and 4): remove one by hand (store-edit records.csv)" ]
		assert_equal "$(store_sum)" "$sum"
	done
}
