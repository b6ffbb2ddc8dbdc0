#!/usr/bin/env bats
# assign-next: round robin, availability, --record, capacity, modes,
# --explain, --backlog, concurrency.

bats_require_minimum_version 1.5.0
load helpers/common

# yaml EMAIL TEXT: append TEXT (YAML) to the user's file.
yaml() {
	printf '%s\n' "$2" >>"$ROSTER_DIR/users/$1.yaml"
}

# records ROW...: write records.csv with the given rows.
records_csv() {
	{ echo "type,id,owner,state"; printf '%s\n' "$@"; } \
	    >"$ROSTER_DIR/records.csv"
}

@test "users come in address order and wrap around" {
	add_users c@x.org a@x.org b@x.org
	run sh -c 'for i in 1 2 3 4 5; do assign-next || exit; done'
	assert_success
	assert_output "a@x.org
b@x.org
c@x.org
a@x.org
b@x.org"
	grep -q '^\*,b@x.org,2026-11-23T10:00:00Z$' "$ROSTER_DIR/rotation.csv"
}

@test "--team limits the pool and keeps its own position" {
	add_users --team Support a@x.org c@x.org
	add_users b@x.org
	run assign-next --team Support
	assert_output "a@x.org"
	run assign-next --team Support
	assert_output "c@x.org"
	run assign-next
	assert_output "a@x.org"
	grep -q '^Support,c@x.org,' "$ROSTER_DIR/rotation.csv"
}

@test "a user off hours is skipped, and not at another instant" {
	add_users a@x.org b@x.org c@x.org
	yaml b@x.org 'working_hours:
  mon: ["12:00-17:00"]'
	run sh -c 'assign-next; assign-next'
	assert_output "a@x.org
c@x.org"
	run assign-next --at 2026-11-23T13:00:00Z
	assert_output "a@x.org"
	run assign-next --at 2026-11-23T13:00:00Z
	assert_output "b@x.org"
}

@test "a user out of office is skipped" {
	add_users a@x.org b@x.org
	yaml a@x.org 'out_of_office:
  - start: 2026-11-23T00:00:00Z
    end: 2026-11-24T00:00:00Z'
	run sh -c 'assign-next; assign-next'
	assert_output "b@x.org
b@x.org"
	run assign-next --at 2026-11-24T09:00:00Z
	assert_output "a@x.org"
}

@test "a manual away override is skipped" {
	add_users a@x.org b@x.org
	status --set away a@x.org
	run sh -c 'assign-next; assign-next'
	assert_output "b@x.org
b@x.org"
}

@test "nobody available: exit 1, nothing on stdout, a message on stderr" {
	add_users a@x.org
	status --set away a@x.org
	run --separate-stderr assign-next
	assert_failure 1
	assert_output ""
	[[ $stderr == assign-next:*available* ]]
}

@test "an empty pool: exit 1; a team nobody is in: 4" {
	add_users z@x.org
	user-rm z@x.org
	run --separate-stderr assign-next
	assert_failure 1
	assert_output ""
	[[ $stderr == *"pool * has no users"* ]]
	add_users a@x.org
	run --separate-stderr assign-next --team Nobody
	assert_failure 4
	assert_output ""
	[[ $stderr == *"no team Nobody"* ]]
}

@test "--dry-run prints the next user and changes nothing" {
	add_users a@x.org b@x.org
	assign-next --record ticket:1 >/dev/null
	before=$(store_sum)
	cp "$ROSTER_DIR/rotation.csv" "$BATS_TEST_TMPDIR/rot"
	cp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
	run assign-next --dry-run --record ticket:2
	assert_success
	assert_output "b@x.org"
	run assign-next --dry-run
	assert_output "b@x.org"
	cmp "$ROSTER_DIR/rotation.csv" "$BATS_TEST_TMPDIR/rot"
	cmp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
	[ "$(store_sum)" = "$before" ]
}

@test "--record makes an open row; recording again keeps the owner" {
	add_users a@x.org b@x.org
	run assign-next --record ticket:4711
	assert_output "a@x.org"
	run cat "$ROSTER_DIR/records.csv"
	assert_output "type,id,owner,state
ticket,4711,a@x.org,open"
	run assign-next --record ticket:4711
	assert_output "a@x.org"
	run cat "$ROSTER_DIR/records.csv"
	assert_output "type,id,owner,state
ticket,4711,a@x.org,open"
	grep -q '^\*,a@x.org,' "$ROSTER_DIR/rotation.csv"
}

@test "--record never reopens a closed record: 3" {
	add_users a@x.org
	records_csv "deal,9,b@x.org,closed"
	run assign-next --record deal:9
	assert_failure 3
	grep -qx 'deal,9,b@x.org,closed' "$ROSTER_DIR/records.csv"
	[ "$(wc -l <"$ROSTER_DIR/records.csv")" -eq 2 ]
}

@test "a bad record type or an empty id is invalid input (5)" {
	add_users a@x.org
	before=$(store_sum)
	for bad in bug:1 ticket: ticket 'ticket:' ':1'; do
		run --separate-stderr assign-next --record "$bad"
		assert_failure 5
		assert_output ""
	done
	[ "$(store_sum)" = "$before" ]
}

@test "usage errors exit 2" {
	run assign-next --mode fastest
	assert_failure 2
	run assign-next --format xml
	assert_failure 2
	run assign-next --limit 3
	assert_failure 2
	run assign-next --backlog --record ticket:1
	assert_failure 2
	run assign-next extra
	assert_failure 2
	run assign-next --help
	assert_success
	assert_line --index 0 --partial "usage: assign-next"
}

@test "the last user removed: rotation continues where they would sort" {
	add_users a@x.org b@x.org c@x.org d@x.org
	assign-next >/dev/null
	assign-next >/dev/null
	user-rm --force b@x.org
	run assign-next
	assert_output "c@x.org"
}

@test "the last user moved out of the store: rotation continues" {
	add_users a@x.org b@x.org c@x.org
	assign-next >/dev/null
	assign-next >/dev/null
	mv "$ROSTER_DIR/users/b@x.org.yaml" "$BATS_TEST_TMPDIR/"
	run assign-next
	assert_output "c@x.org"
}

@test "the last user left the team: rotation continues in the team" {
	add_users --team Support a@x.org b@x.org c@x.org
	assign-next --team Support >/dev/null
	assign-next --team Support >/dev/null
	user-mod --no-team Support b@x.org
	run assign-next --team Support
	assert_output "c@x.org"
	run assign-next --team Support
	assert_output "a@x.org"
}

@test "the last user was the last by address: wrap to the first" {
	add_users a@x.org b@x.org c@x.org
	printf 'pool,last,updated\n*,zed@x.org,\n' >"$ROSTER_DIR/rotation.csv"
	run assign-next
	assert_output "a@x.org"
}

@test "fairness: 100 calls over 3 users with one away differ by at most 1" {
	add_users a@x.org b@x.org c@x.org d@x.org
	status --set away c@x.org
	for i in $(seq 100); do assign-next; done >"$BATS_TEST_TMPDIR/out"
	run sort "$BATS_TEST_TMPDIR/out"
	run sh -c "sort '$BATS_TEST_TMPDIR/out' | uniq -c | awk '{print \$1}' | sort -n | sed -n '1p;\$p' | paste -sd' '"
	assert_output "33 34"
	! grep -q c@x.org "$BATS_TEST_TMPDIR/out"
}

@test "concurrency: 4 shells x 100 calls over 5 users, 80 each, 400 rows" {
	add_users a@x.org b@x.org c@x.org d@x.org e@x.org
	export ROSTER_LOCK_TIMEOUT=60
	for s in 1 2 3 4; do
		(for i in $(seq 100); do
			assign-next --record "ticket:$s-$i" || echo FAIL
		done >"$BATS_TEST_TMPDIR/out.$s") &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/out.* >"$BATS_TEST_TMPDIR/all"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/all")" -eq 400 ]
	! grep -q FAIL "$BATS_TEST_TMPDIR/all"
	run sh -c "sort '$BATS_TEST_TMPDIR/all' | uniq -c | awk '{print \$1, \$2}'"
	assert_output "80 a@x.org
80 b@x.org
80 c@x.org
80 d@x.org
80 e@x.org"
	[ "$(tail -n +2 "$ROSTER_DIR/records.csv" | cut -d, -f1,2 | sort -u | wc -l)" -eq 400 ]
	[ "$(tail -n +2 "$ROSTER_DIR/records.csv" | wc -l)" -eq 400 ]
}

@test "in a pipeline: the address feeds another command" {
	add_users a@x.org b@x.org
	run sh -c 'assign-next | xargs status --format tsv --no-header'
	assert_success
	assert_output --regexp '^a@x.org	available	'
	run sh -c 'owner=$(assign-next --team "" --record ticket:7 2>/dev/null); echo "[$owner]"'
	assert_output "[]"
}

@test "capacity: a full user is skipped in round robin until a record closes" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org
	records_csv "ticket,1,a@x.org,open"
	run sh -c 'assign-next; assign-next'
	assert_output "b@x.org
b@x.org"
	sed -i 's/^ticket,1,a@x.org,open$/ticket,1,a@x.org,closed/' \
	    "$ROSTER_DIR/records.csv"
	run assign-next
	assert_output "a@x.org"
}

@test "capacity: a full user is skipped in balanced mode; nobody left is 1" {
	add_users a@x.org
	user-mod --capacity 2 a@x.org
	records_csv "ticket,1,a@x.org,open"
	run assign-next --mode balanced --record ticket:2
	assert_output "a@x.org"
	run --separate-stderr assign-next --mode balanced --record ticket:3
	assert_failure 1
	assert_output ""
	sed -i 's/^ticket,1,a@x.org,open$/ticket,1,a@x.org,closed/' \
	    "$ROSTER_DIR/records.csv"
	run assign-next --mode balanced
	assert_output "a@x.org"
}

@test "capacity: records over capacity stay, the user is not eligible" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,open"
	run assign-next --record ticket:3
	assert_output "b@x.org"
	[ "$(grep -c ',a@x.org,open$' "$ROSTER_DIR/records.csv")" -eq 2 ]
}

@test "balanced: without capacities, fewest open records; ties in rotation order" {
	add_users a@x.org b@x.org c@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,open" \
	    "ticket,3,b@x.org,open" "ticket,4,c@x.org,closed"
	run assign-next --mode balanced --record ticket:5
	assert_output "c@x.org"
	# b and c now tie at 1; rotation after c wraps to a (2), then b.
	run assign-next --mode balanced --record ticket:6
	assert_output "b@x.org"
	run assign-next --mode balanced --record ticket:7
	assert_output "c@x.org"
	grep -q '^\*,c@x.org,' "$ROSTER_DIR/rotation.csv"
}

@test "balanced: fewest open first, capacity a ceiling; ties by free share" {
	add_users a@x.org b@x.org c@x.org
	user-mod --capacity 10 a@x.org
	user-mod --capacity 4 b@x.org
	user-mod --capacity 2 c@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,a@x.org,open" \
	    "ticket,3,a@x.org,open" "ticket,4,b@x.org,open" \
	    "ticket,5,c@x.org,open"
	# b 1/4 (free 0.75) and c 1/2 (0.5) tie on open: b.
	run assign-next --mode balanced --record ticket:8
	assert_output "b@x.org"
	# c has the fewest open now.
	run assign-next --mode balanced --record ticket:9
	assert_output "c@x.org"
	# c full (2/2); a 3/10 and b 2/4: b has fewer.
	run assign-next --mode balanced --record ticket:10
	assert_output "b@x.org"
}

@test "balanced: a user without capacity counts as wholly free" {
	add_users a@x.org b@x.org
	user-mod --capacity 10 a@x.org
	records_csv "ticket,1,a@x.org,open" "ticket,2,b@x.org,open"
	run assign-next --mode balanced
	assert_output "b@x.org"
}

@test "round robin and balanced both advance the position" {
	add_users a@x.org b@x.org
	run assign-next --mode balanced
	assert_output "a@x.org"
	grep -q '^\*,a@x.org,' "$ROSTER_DIR/rotation.csv"
	run assign-next
	assert_output "b@x.org"
}

@test "--explain gives each member's reason on stderr" {
	add_users a@x.org b@x.org c@x.org d@x.org e@x.org
	yaml a@x.org 'working_hours:
  mon: ["12:00-17:00"]'
	yaml b@x.org 'out_of_office:
  - start: 2026-11-23T00:00:00Z
    end: 2026-11-24T00:00:00Z'
	status --set away c@x.org
	user-mod --capacity 1 d@x.org
	records_csv "ticket,1,d@x.org,open"
	run --separate-stderr assign-next --explain
	assert_success
	assert_output "e@x.org"
	echo "$stderr"
	[[ $stderr == *"a@x.org: away: off-hours until 2026-11-23T12:00:00Z"* ]]
	[[ $stderr == *"b@x.org: away: out-of-office until 2026-11-24T00:00:00Z"* ]]
	[[ $stderr == *"c@x.org: away: manual until "* ]]
	[[ $stderr == *"d@x.org: at capacity 1/1"* ]]
	[[ $stderr == *"e@x.org: chosen"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 5 ]
}

@test "--explain when nobody is eligible still explains, exit 1" {
	add_users a@x.org
	user-mod --capacity 1 a@x.org
	records_csv "ticket,1,a@x.org,open"
	run --separate-stderr assign-next --explain
	assert_failure 1
	assert_output ""
	[[ $stderr == *"a@x.org: at capacity 1/1"* ]]
}

@test "--format json: email, pool, record, at; --explain adds an array" {
	add_users --team Support a@x.org b@x.org
	status --set away a@x.org
	run assign-next --format json --team Support --record ticket:3
	assert_success
	run jq -c . <<<"$output"
	assert_output '{"email":"b@x.org","pool":"Support","record":"ticket:3","at":"2026-11-23T10:00:00Z"}'
	run assign-next --format json --explain --at 2026-11-23T11:00:00Z
	assert_success
	run jq -r '[.email, .record, .at, (.explain|length), .explain[0].email, .explain[0].why] | @tsv' <<<"$output"
	assert_output --regexp '^b@x.org		2026-11-23T11:00:00Z	2	a@x.org	away: manual until '
}

@test "--format json --explain with nobody available: reasons on stderr, exit 1" {
	add_users a@x.org
	status --set away a@x.org
	run --separate-stderr assign-next --format json --explain
	assert_failure 1
	assert_output ""
	[[ $stderr == *"a@x.org: away: manual until "* ]]
}

@test "--backlog drains empty-owner open rows oldest first" {
	add_users a@x.org b@x.org
	records_csv "ticket,9,,open" "ticket,2,,closed" "deal,1,,open" \
	    "ticket,3,a@x.org,open" "contact,5,,open"
	run assign-next --backlog
	assert_success
	assert_output "ticket:9 a@x.org
deal:1 b@x.org
contact:5 a@x.org"
	run cat "$ROSTER_DIR/records.csv"
	assert_output "type,id,owner,state
ticket,9,a@x.org,open
ticket,2,,closed
deal,1,b@x.org,open
ticket,3,a@x.org,open
contact,5,a@x.org,open"
}

@test "--backlog stops when capacity runs out: partial, exit 0" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org
	user-mod --capacity 2 b@x.org
	records_csv "ticket,1,,open" "ticket,2,,open" "ticket,3,,open" \
	    "ticket,4,,open" "ticket,5,,open"
	run assign-next --backlog
	assert_success
	assert_output "ticket:1 a@x.org
ticket:2 b@x.org
ticket:3 b@x.org"
	[ "$(grep -c ',,open$' "$ROSTER_DIR/records.csv")" -eq 2 ]
}

@test "--backlog --explain after a partial drain says why the rest wait" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org
	status --set away b@x.org
	records_csv "ticket,1,,open" "ticket,2,,open"
	run --separate-stderr assign-next --backlog --explain
	assert_success
	assert_output "ticket:1 a@x.org"
	[[ $stderr == *"a@x.org: at capacity 1/1"* ]]
	[[ $stderr == *"b@x.org: away: manual until "* ]]
	run --separate-stderr assign-next --backlog --explain
	assert_failure 1
	[[ $stderr == *"a@x.org: at capacity 1/1"* ]]
}

@test "--backlog: records wait and nobody is eligible: exit 1, nothing written" {
	add_users a@x.org
	status --set away a@x.org
	records_csv "ticket,1,,open"
	before=$(store_sum)
	run --separate-stderr assign-next --backlog
	assert_failure 1
	assert_output ""
	[ -n "$stderr" ]
	[ "$(store_sum)" = "$before" ]
}

@test "--backlog with an empty backlog: exit 0, nothing printed" {
	add_users a@x.org
	records_csv "ticket,1,a@x.org,open"
	run assign-next --backlog
	assert_success
	assert_output ""
	status --set away a@x.org
	run assign-next --backlog
	assert_success
	assert_output ""
}

@test "--backlog --limit assigns at most N" {
	add_users a@x.org b@x.org
	records_csv "ticket,1,,open" "ticket,2,,open" "ticket,3,,open"
	run assign-next --backlog --limit 2
	assert_success
	assert_output "ticket:1 a@x.org
ticket:2 b@x.org"
	grep -qx 'ticket,3,,open' "$ROSTER_DIR/records.csv"
	run assign-next --backlog --limit 0
	assert_failure 2
}

@test "--backlog --dry-run prints the plan and writes nothing" {
	add_users a@x.org
	records_csv "ticket,1,,open"
	before=$(store_sum)
	run assign-next --backlog --dry-run
	assert_success
	assert_output "ticket:1 a@x.org"
	[ "$(store_sum)" = "$before" ]
}

@test "a missing store: 4" {
	run assign-next --store "$BATS_TEST_TMPDIR/none" --dry-run
	assert_failure 4
}

@test "a malformed rotation.csv or records.csv header: 7, naming FILE:LINE" {
	add_users a@x.org
	printf 'pool,last,updated\n*,a@x.org\n' >"$ROSTER_DIR/rotation.csv"
	run --separate-stderr assign-next
	assert_failure 7
	assert_output ""
	[[ $stderr == *rotation.csv:2:* ]]
	rm "$ROSTER_DIR/rotation.csv"
	printf 'kind,id,owner,state\nticket,1,,open\n' >"$ROSTER_DIR/records.csv"
	before=$(store_sum)
	run --separate-stderr assign-next --record ticket:2
	assert_failure 7
	[[ $stderr == *records.csv:1:* ]]
	[ "$(store_sum)" = "$before" ]
}

@test "a malformed records.csv row is named, kept, and routing goes on" {
	add_users a@x.org
	printf 'type,id,owner,state\nticket,1\n' >"$ROSTER_DIR/records.csv"
	run --separate-stderr assign-next --record ticket:2
	assert_success
	assert_output a@x.org
	[ "$stderr" = "assign-next: records.csv:2: want 4 fields (type,id,owner,state), found 2" ]
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\nticket,1\nticket,2,a@x.org,open')"
}

@test "--record keeps an id with a comma or quotes intact" {
	add_users a@x.org
	run assign-next --record 'ticket:a,b "q"'
	assert_success
	run records --format tsv --no-header
	assert_output "ticket	a,b \"q\"	a@x.org	open	true"
}

@test "4 concurrent --backlog runs never assign one record twice" {
	add_users a@x.org b@x.org c@x.org d@x.org
	rows=()
	for i in $(seq 1 40); do rows+=("ticket,$i,,open"); done
	records_csv "${rows[@]}"
	for p in 1 2 3 4; do
		assign-next --backlog --limit 5 >"$BATS_TEST_TMPDIR/out.$p" \
		    2>"$BATS_TEST_TMPDIR/err.$p" &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/err.* >"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	cat "$BATS_TEST_TMPDIR"/out.* >"$BATS_TEST_TMPDIR/out"
	# 20 assignments, each record once, the oldest 20.
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 20 ]
	[ -z "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/out" | sort | uniq -d)" ]
	[ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/out" | sort -t: -k2n | tail -1)" = ticket:20 ]
	# The file agrees: rows 1-20 owned as printed, 21-40 still waiting.
	while read -r rec who; do
		grep -qx "ticket,${rec#ticket:},$who,open" "$ROSTER_DIR/records.csv"
	done <"$BATS_TEST_TMPDIR/out"
	[ "$(grep -c ',,open$' "$ROSTER_DIR/records.csv")" -eq 20 ]
	# Fair: 5 each over the 4 users.
	[ "$(cut -d' ' -f2 "$BATS_TEST_TMPDIR/out" | sort | uniq -c | awk '{print $1}' | sort -u)" = 5 ]
}

@test "the audit row names the record and the pool, or the pool alone" {
	add_users a@x.org b@x.org
	assign-next --record ticket:A1 >/dev/null
	assign-next >/dev/null
	run tail -n 2 "$ROSTER_DIR/audit.csv"
	assert_output "$(printf '%s\n' \
	    '2026-11-23T10:00:00Z,tester,assign-next,assign,a@x.org,ticket:A1 pool *' \
	    '2026-11-23T10:00:00Z,tester,assign-next,assign,b@x.org,pool *')"
}
