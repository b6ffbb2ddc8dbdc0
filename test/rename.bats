#!/usr/bin/env bats
# user-mod --rename NEW OLD: the user file, records' owners, rotation
# position, contact roles and the queued welcome move in one change.
load helpers/common

local_setup() {
	user-add --team Support ann@x.org bob@x.org >/dev/null
	user-mod --contact primary --first-name Ann ann@x.org >/dev/null
	printf 'type,id,owner,state\nticket,1,ann@x.org,open\nticket,2,bob@x.org,open\ndeal,3,Ann@X.org,closed\n' \
	    >"$ROSTER_DIR/records.csv"
	printf 'pool,last,updated\nSupport,ann@x.org,2026-11-20T09:00:00Z\n*,bob@x.org,2026-11-20T09:00:00Z\n' \
	    >"$ROSTER_DIR/rotation.csv"
}

@test "everything moves to the new address, with one audit row" {
	run user-mod --rename anna@x.org ann@x.org
	assert_success
	assert_output ''
	[ ! -e "$ROSTER_DIR/users/ann@x.org.yaml" ]
	run grep -E '^(email|first_name|contact_roles|teams):' "$ROSTER_DIR/users/anna@x.org.yaml"
	assert_output "$(printf '%s\n' 'email: anna@x.org' 'first_name: Ann' \
	    'teams: [Support]' 'contact_roles: [primary]')"
	run cat "$ROSTER_DIR/records.csv"
	assert_output "$(printf '%s\n' type,id,owner,state ticket,1,anna@x.org,open \
	    ticket,2,bob@x.org,open deal,3,anna@x.org,closed)"
	run cat "$ROSTER_DIR/rotation.csv"
	assert_output "$(printf '%s\n' pool,last,updated \
	    Support,anna@x.org,2026-11-20T09:00:00Z '*,bob@x.org,2026-11-20T09:00:00Z')"
	[ ! -e "$ROSTER_DIR/outbox/ann@x.org.eml" ]
	run grep -c '^To: <anna@x.org>' "$ROSTER_DIR/outbox/anna@x.org.eml"
	assert_output 1
	run sh -c 'grep ",rename," "$ROSTER_DIR/audit.csv" | cut -d, -f3-6'
	assert_output 'user-mod,rename,ann@x.org,to anna@x.org'
	run status --check
	assert_success
	run sh -c 'user-list --format tsv --no-header | cut -f1,2,8'
	assert_output "$(printf 'anna@x.org\tAnn\tprimary\nbob@x.org\t\t')"
}

@test "--dry-run says what would move and writes nothing" {
	before=$(store_sum)
	run user-mod --dry-run --rename Anna@X.org ann@x.org
	assert_success
	assert_output 'ann@x.org: email ann@x.org -> anna@x.org (2 records, 1 rotation pool, the queued welcome)'
	[ "$(store_sum)" = "$before" ]
}

@test "refused: a taken address (3), no such user (4), a bad address (5)" {
	before=$(store_sum)
	run user-mod --rename bob@x.org ann@x.org
	assert_failure 3
	assert_output 'user-mod: bob@x.org is taken: an active user has that address'
	run user-mod --rename ann@x.org ann@x.org
	assert_failure 3
	run user-mod --rename zed@x.org nobody@x.org
	assert_failure 4
	assert_output 'user-mod: no such user: nobody@x.org'
	run user-mod --rename not-an-address ann@x.org
	assert_failure 5
	ROSTER_NOW=bogus run user-mod --rename anna@x.org ann@x.org
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
}

@test "usage: one old address and no other change" {
	run user-mod --rename a@x.org ann@x.org bob@x.org
	assert_failure 2
	run user-mod --rename a@x.org --seat none ann@x.org
	assert_failure 2
	run user-mod --rename a@x.org
	assert_failure 2
}

@test "a malformed records.csv stops the rename (7), nothing written" {
	printf 'type,id,owner,state\n"broken\n' >"$ROSTER_DIR/records.csv"
	before=$(store_sum)
	run user-mod --rename anna@x.org ann@x.org
	assert_failure 7
	[ "$(store_sum)" = "$before" ]
	[ -e "$ROSTER_DIR/users/ann@x.org.yaml" ]
}

@test "renaming onto an address removed before: a new life, not a removal cut short" {
	add_users dan@x.org
	user-mod --super-admin bob@x.org >/dev/null
	ROSTER_NOW=2026-11-23T11:00:00Z user-rm dan@x.org >/dev/null
	ROSTER_NOW=2026-11-23T12:00:00Z run user-mod --rename dan@x.org ann@x.org
	assert_success
	grep -qx 'created: 2026-11-23T12:00:00Z' "$ROSTER_DIR/users/dan@x.org.yaml"
	run status --check
	assert_success
	assert_output ''
	[ -e "$ROSTER_DIR/removed/dan@x.org/20261123T110000Z.yaml" ]
}
