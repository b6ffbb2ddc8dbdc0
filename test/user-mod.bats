#!/usr/bin/env bats
# user-mod: every option, every rule, all or nothing.
load helpers/common
bats_require_minimum_version 1.5.0

local_setup() {
	user-add --no-welcome --super-admin boss@x.org >/dev/null
	add_users ada@x.org bob@x.org
}

@test "names, capacity, teams, seat change and print nothing" {
	run user-mod --first-name Ada --last-name Lovelace --capacity 7 \
	    --team Support --team Sales --seat service-professional ada@x.org
	assert_success
	assert_output ""
	f="$ROSTER_DIR/users/ada@x.org.yaml"
	grep -q '^first_name: Ada$' "$f"
	grep -q '^last_name: Lovelace$' "$f"
	grep -q '^capacity: 7$' "$f"
	grep -q '^seat: service-professional$' "$f"
	grep -q 'Support' "$f"
	run user-mod --no-team Sales --capacity none --seat none ada@x.org
	assert_success
	run grep -c 'capacity' "$f"
	assert_output 0
	run grep -q 'Sales' "$f"
	assert_failure
	run grep 'user-mod,modify,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_success
	assert_equal "${#lines[@]}" 2
}

@test "--permission replaces the set; comma lists and repeats" {
	run user-mod --permission tickets,contacts --permission reports ada@x.org
	assert_success
	run grep '^permissions:' "$ROSTER_DIR/users/ada@x.org.yaml"
	assert_output --partial tickets
	assert_output --partial reports
	run user-mod --permission deals ada@x.org
	assert_success
	run grep '^permissions:' "$ROSTER_DIR/users/ada@x.org.yaml"
	refute_output --partial tickets
	assert_output --partial deals
}

@test "bad values: permission, capacity, seat, contact role exit 5; nothing written" {
	sum=$(store_sum)
	run user-mod --permission nope ada@x.org
	assert_failure 5
	assert_output --partial "unknown permission 'nope'"
	for c in -1 abc 1.5 '' ' 5' $'\t5' $'\n5' +5; do
		run user-mod --capacity "$c" ada@x.org
		assert_failure 5
	done
	run user-mod --seat 'Bad Seat' ada@x.org
	assert_failure 5
	run user-mod --contact boss ada@x.org
	assert_failure 5
	run user-mod --no-contact cto ada@x.org
	assert_failure 5
	assert_equal "$(store_sum)" "$sum"
}

@test "--role must exist in roster.ini (4)" {
	run user-mod --role 'Support Agent' ada@x.org
	assert_failure 4
	assert_output --partial "no such role"
	cat >>"$ROSTER_DIR/roster.ini" <<-'INI'

	[role "Support Agent"]
	permissions = tickets
	INI
	run user-mod --role 'Support Agent' ada@x.org
	assert_success
	grep -q '^role: Support Agent$' "$ROSTER_DIR/users/ada@x.org.yaml"
}

@test "no such user: 4; all or nothing over several addresses" {
	sum=$(store_sum)
	run user-mod --team T ada@x.org ghost@x.org bob@x.org
	assert_failure 4
	assert_output --partial "no such user: ghost@x.org"
	assert_equal "$(store_sum)" "$sum"
	run user-mod --team T ada@x.org bad-address bob@x.org
	assert_failure 5
	assert_equal "$(store_sum)" "$sum"
}

@test "first failure's exit code when several fail, each reported" {
	run user-mod --team T not-an-address ghost@x.org
	assert_failure 5
	assert_line --partial "bad address 'not-an-address'"
	assert_line --partial "no such user: ghost@x.org"
}

@test "the last super admin cannot lose super admin (3)" {
	sum=$(store_sum)
	run user-mod --no-super-admin boss@x.org
	assert_failure 3
	assert_output --partial "last super admin"
	assert_equal "$(store_sum)" "$sum"
	run user-mod --super-admin ada@x.org
	assert_success
	run user-mod --no-super-admin boss@x.org ada@x.org
	assert_failure 3
	run user-mod --no-super-admin boss@x.org
	assert_success
	grep -q '^super_admin: false$' "$ROSTER_DIR/users/boss@x.org.yaml"
}

@test "--super-admin with --no-super-admin, no options, no address: 2" {
	run user-mod --super-admin --no-super-admin ada@x.org
	assert_failure 2
	run user-mod ada@x.org
	assert_failure 2
	run user-mod --team T
	assert_failure 2
	run user-mod --bogus ada@x.org
	assert_failure 2
	run user-mod -h
	assert_success
	assert_output --partial "usage: user-mod"
	run user-mod --version
	assert_success
}

@test "one primary contact: giving it takes it from the holder" {
	run user-mod --contact primary ada@x.org
	assert_success
	run user-mod --contact primary,billing bob@x.org
	assert_success
	run grep contact_roles "$ROSTER_DIR/users/ada@x.org.yaml"
	refute_output --partial primary
	run grep contact_roles "$ROSTER_DIR/users/bob@x.org.yaml"
	assert_output --partial primary
	assert_output --partial billing
	run grep -c 'user-mod,modify' "$ROSTER_DIR/audit.csv"
	assert_output 3
}

@test "contact roles: each message as said, exit code, nothing written" {
	user-mod --contact primary ada@x.org
	sum=$(store_sum)
	run --separate-stderr user-mod --contact janitor bob@x.org
	assert_failure 5
	assert_output ""
	assert_equal "$stderr" "user-mod: unknown contact role 'janitor' (primary, billing, technical)"
	run --separate-stderr user-mod --no-contact janitor bob@x.org
	assert_failure 5
	assert_equal "$stderr" "user-mod: unknown contact role 'janitor' (primary, billing, technical)"
	run --separate-stderr user-mod --no-contact primary ada@x.org
	assert_failure 3
	assert_equal "$stderr" "user-mod: the primary contact cannot be removed, only handed on: name another user as primary instead: user-mod --contact primary OTHER"
	run --separate-stderr user-mod --contact primary bob@x.org boss@x.org
	assert_failure 3
	assert_equal "$stderr" "user-mod: there is one primary contact: give --contact primary to one user at a time"
	assert_equal "$(store_sum)" "$sum"
	grep -q '^contact_roles: \[primary\]$' "$ROSTER_DIR/users/ada@x.org.yaml"
}

@test "primary to two users at once is refused (3)" {
	sum=$(store_sum)
	run user-mod --contact primary ada@x.org bob@x.org
	assert_failure 3
	assert_equal "$(store_sum)" "$sum"
}

@test "--no-contact primary is refused with the way out (3)" {
	user-mod --contact primary ada@x.org
	sum=$(store_sum)
	run user-mod --no-contact primary ada@x.org
	assert_failure 3
	assert_output --partial "user-mod --contact primary OTHER"
	assert_equal "$(store_sum)" "$sum"
	run user-mod --contact technical ada@x.org
	assert_success
	run user-mod --no-contact technical ada@x.org
	assert_success
}

@test "--dry-run prints one line per user and writes nothing" {
	user-mod --contact primary boss@x.org
	sum=$(store_sum)
	run user-mod --dry-run --team Support --capacity 3 ada@x.org bob@x.org
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --partial "ada@x.org: "
	assert_line --index 0 --partial "capacity (none) -> 3"
	assert_line --index 1 --partial "bob@x.org: "
	run user-mod --dry-run --contact primary ada@x.org
	assert_success
	assert_line --partial "boss@x.org: contact_roles primary -> (none)"
	assert_equal "$(store_sum)" "$sum"
}

@test "upper-case address finds the user" {
	run user-mod --first-name A ADA@X.ORG
	assert_success
	grep -q '^first_name: A$' "$ROSTER_DIR/users/ada@x.org.yaml"
}

@test "hand-written YAML keeps comments and unknown keys byte for byte" {
	f="$ROSTER_DIR/users/carol@x.org.yaml"
	cat >"$f" <<-'YAML'
	# written by hand
	email: carol@x.org
	first_name: "Carol"
	teams: [Support]
	# the desk she sits at
	desk:
	  floor: 3   # third
	  room: "3.14"
	badge: 1234
	YAML
	run user-mod --capacity 4 carol@x.org
	assert_success
	grep -q '^capacity: 4$' "$f"
	run sed -n '/^# the desk/,$p' "$f"
	assert_output "$(printf '# the desk she sits at\ndesk:\n  floor: 3   # third\n  room: "3.14"\nbadge: 1234')"
}

@test "a symlinked user file is refused with 7" {
	mv "$ROSTER_DIR/users/ada@x.org.yaml" "$BATS_TEST_TMPDIR/ada.yaml"
	ln -s "$BATS_TEST_TMPDIR/ada.yaml" "$ROSTER_DIR/users/ada@x.org.yaml"
	run user-mod --team T ada@x.org
	assert_failure 7
}

@test "the lock held: 6" {
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 3 >"$BATS_TEST_TMPDIR/h" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/h" && break; sleep 0.1; done
	ROSTER_LOCK_TIMEOUT=1 run user-mod --team T ada@x.org
	assert_failure 6
	wait
}
