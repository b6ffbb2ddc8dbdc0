#!/usr/bin/env bats
# user-rm: the four checks in order, --reassign-to, --force, the archive in
# removed/ (more in removal.bats).
load helpers/common
bats_require_minimum_version 1.5.0

local_setup() {
	user-add --no-welcome --super-admin boss@x.org >/dev/null
	add_users ada@x.org bob@x.org carol@x.org
}

records() {
	printf 'type,id,owner,state\n' >"$ROSTER_DIR/records.csv"
	printf '%s\n' "$@" >>"$ROSTER_DIR/records.csv"
}

@test "removes: the file moves to an archive in removed/ with removed_at, one audit row" {
	run user-rm ada@x.org
	assert_success
	assert_output ""
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
	grep -q '^removed_at: 2026-11-23T10:00:00Z$' "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml"
	grep -q '^email: ada@x.org$' "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml"
	run grep -c 'user-rm,remove,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_output 1
}

@test "several users at once" {
	run user-rm ada@x.org BOB@x.org
	assert_success
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
	[ -e "$ROSTER_DIR/removed/bob@x.org/20261123T100000Z.yaml" ]
	run grep -c 'user-rm,remove' "$ROSTER_DIR/audit.csv"
	assert_output 2
}

@test "no such user: 4, nothing removed" {
	sum=$(store_sum)
	run user-rm ada@x.org ghost@x.org
	assert_failure 4
	assert_output --partial "no such user: ghost@x.org"
	assert_equal "$(store_sum)" "$sum"
}

@test "bad address: 5; no address, bad option: 2" {
	run user-rm nope
	assert_failure 5
	run user-rm
	assert_failure 2
	run user-rm --bogus ada@x.org
	assert_failure 2
	run user-rm --force --reassign-to bob@x.org ada@x.org
	assert_failure 2
	run user-rm --help
	assert_success
	assert_output --partial "usage: user-rm"
}

@test "1: a paid seat refuses (3) with the way out" {
	user-mod --seat sales-professional ada@x.org
	sum=$(store_sum)
	run user-rm ada@x.org bob@x.org
	assert_failure 3
	assert_output --partial "user-mod --seat none ada@x.org"
	assert_equal "$(store_sum)" "$sum"
	user-mod --seat none ada@x.org
	run user-rm ada@x.org
	assert_success
}

@test "a seat that is not paid does not refuse" {
	user-mod --seat viewer ada@x.org
	run user-rm ada@x.org
	assert_success
}

@test "2: a contact role refuses (3); primary must be replaced" {
	user-mod --contact billing ada@x.org
	user-mod --contact primary bob@x.org
	sum=$(store_sum)
	run user-rm ada@x.org
	assert_failure 3
	assert_output --partial "user-mod --no-contact billing ada@x.org"
	run user-rm bob@x.org
	assert_failure 3
	assert_output --partial "user-mod --contact primary OTHER"
	assert_equal "$(store_sum)" "$sum"
}

@test "every blocker of every user at once, each with its way out; --dry-run too" {
	user-mod --seat sales-starter --contact billing ada@x.org
	user-mod --contact primary bob@x.org
	records "deal,12,ada@x.org,open" "ticket,7,bob@x.org,open" \
	    "ticket,8,bob@x.org,closed"
	sum=$(store_sum)
	for dry in "" --dry-run; do
		run user-rm $dry ada@x.org bob@x.org boss@x.org
		assert_failure 3
		assert_equal "${#lines[@]}" 6
		assert_line "user-rm: ada@x.org holds the paid seat sales-starter: remove it first: user-mod --seat none ada@x.org"
		assert_line "user-rm: ada@x.org is the billing contact: remove it first: user-mod --no-contact billing ada@x.org"
		assert_line --partial "user-rm: ada@x.org owns 1 open record in records.csv: deal: 1 (first: deal 12);"
		assert_line --partial "user-rm: bob@x.org is the primary contact"
		assert_line --partial "user-rm: bob@x.org owns 1 open record in records.csv: ticket: 1 (first: ticket 7);"
		assert_line --partial "user-rm: boss@x.org is the last super admin"
	done
	assert_equal "$(store_sum)" "$sum"
}

@test "3: the last super admin refuses (3)" {
	sum=$(store_sum)
	run user-rm boss@x.org
	assert_failure 3
	assert_output --partial "last super admin"
	assert_equal "$(store_sum)" "$sum"
	user-mod --super-admin ada@x.org
	run user-rm boss@x.org ada@x.org
	assert_failure 3
	run user-rm boss@x.org
	assert_success
}

@test "4: owned records refuse (3) with counts per type and first ids" {
	records "deal,12,ada@x.org,open" "ticket,7,ada@x.org,open" \
	    "deal,14,ada@x.org,closed" "ticket,8,bob@x.org,open"
	sum=$(store_sum)
	run user-rm ada@x.org
	assert_failure 3
	assert_output --partial "owns 2 open records"
	assert_output --partial "deal: 1, ticket: 1"
	assert_output --partial "(first: deal 12, ticket 7)"
	assert_output --partial "--reassign-to"
	assert_output --partial "--unassign"
	assert_output --partial "--force"
	assert_equal "$(store_sum)" "$sum"
}

@test "closed records do not block: they keep their historical owner" {
	records "deal,14,ada@x.org,closed"
	run user-rm ada@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_line "deal,14,ada@x.org,closed"
}

@test "--reassign-to moves open records only, --all-records every one; the audit row counts" {
	records "deal,12,ada@x.org,open" "deal,14,ada@x.org,closed" \
	    "ticket,3,bob@x.org,closed" "ticket,4,bob@x.org,open"
	run user-rm --reassign-to carol@x.org ada@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_line "deal,12,carol@x.org,open"
	assert_line "deal,14,ada@x.org,closed"
	run grep 'user-rm,remove,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_output --partial "1 record reassigned to carol@x.org"
	run user-rm --reassign-to carol@x.org --all-records bob@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_line "ticket,3,carol@x.org,closed"
	assert_line "ticket,4,carol@x.org,open"
	run grep 'user-rm,remove,bob@x.org' "$ROSTER_DIR/audit.csv"
	assert_output --partial "2 records reassigned to carol@x.org"
}

@test "--unassign returns the open records to the backlog in the same change" {
	records "deal,12,ada@x.org,open" "deal,14,ada@x.org,closed"
	run user-rm --dry-run --unassign ada@x.org
	assert_success
	assert_line "return 1 record to the backlog"
	run user-rm --unassign ada@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\ndeal,12,,open\ndeal,14,ada@x.org,closed')"
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
	run grep 'user-rm,remove,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_output --partial "1 record returned to the backlog"
	run assign-next --backlog
	assert_output "deal:12 bob@x.org"
}

@test "--unassign, --force, --reassign-to exclude each other; --all-records needs --reassign-to: 2" {
	run user-rm --unassign --force ada@x.org
	assert_failure 2
	run user-rm --unassign --reassign-to bob@x.org ada@x.org
	assert_failure 2
	run user-rm --all-records ada@x.org
	assert_failure 2
}

@test "--reassign-to moves every record in the same change" {
	records "deal,12,ada@x.org,open" "ticket,7,Ada@x.org,open" \
	    "ticket,8,bob@x.org,open" 'note,"1,2",,open'
	run user-rm --reassign-to carol@x.org ada@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\ndeal,12,carol@x.org,open\nticket,7,carol@x.org,open\nticket,8,bob@x.org,open\nnote,"1,2",,open')"
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
	run grep 'user-rm,remove,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_output --partial "carol@x.org"
}

@test "--reassign-to: no such user 4, a user being removed 3" {
	records "deal,12,ada@x.org,open"
	sum=$(store_sum)
	run user-rm --reassign-to ghost@x.org ada@x.org
	assert_failure 4
	run user-rm --reassign-to bob@x.org ada@x.org bob@x.org
	assert_failure 3
	assert_output --partial "being removed"
	assert_equal "$(store_sum)" "$sum"
}

@test "--force removes anyway; records keep the address" {
	records "deal,12,ada@x.org,open"
	run user-rm --force ada@x.org
	assert_success
	run cat "$ROSTER_DIR/records.csv"
	assert_line "deal,12,ada@x.org,open"
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
}

@test "--dry-run prints what would happen and writes nothing" {
	records "deal,12,ada@x.org,open"
	sum=$(store_sum)
	run user-rm --dry-run --reassign-to bob@x.org ada@x.org
	assert_success
	assert_line "remove ada@x.org"
	assert_line "reassign 1 record to bob@x.org"
	assert_equal "$(store_sum)" "$sum"
}

@test "a malformed records.csv header is 7; a malformed row is named and kept" {
	printf 'kind,id\n' >"$ROSTER_DIR/records.csv"
	run user-rm ada@x.org
	assert_failure 7
	assert_output --partial "records.csv:1:"
	records "deal,13,ada@x.org,open,x" "deal,14,bob@x.org,open"
	run --separate-stderr user-rm --reassign-to bob@x.org ada@x.org
	assert_success
	[ "$stderr" = "user-rm: records.csv:2: want 4 fields (type,id,owner,state), found 5" ]
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf 'type,id,owner,state\ndeal,13,ada@x.org,open,x\ndeal,14,bob@x.org,open')"
}

@test "a removed user can be added again and removed again: both archives kept" {
	user-rm ada@x.org
	run user-add --no-welcome ada@x.org
	assert_success
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
	ROSTER_NOW=2026-11-24T10:00:00Z run user-rm ada@x.org
	assert_success
	grep -q '^removed_at: 2026-11-23T10:00:00Z$' "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml"
	grep -q '^removed_at: 2026-11-24T10:00:00Z$' "$ROSTER_DIR/removed/ada@x.org/20261124T100000Z.yaml"
	run ls "$ROSTER_DIR/removed/ada@x.org"
	assert_output "$(printf '20261123T100000Z.yaml\n20261124T100000Z.yaml')"
}

@test "the lock held: 6" {
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 3 >"$BATS_TEST_TMPDIR/h" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/h" && break; sleep 0.1; done
	ROSTER_LOCK_TIMEOUT=1 run user-rm ada@x.org
	assert_failure 6
	wait
}
