#!/usr/bin/env bats
# user-add: addresses and CSV imports, every rule, the store on disk.
load helpers/common
bats_require_minimum_version 1.5.0

@test "adds users, prints each address, writes files and audit rows" {
	run user-add Ada@X.org bob@x.org
	assert_success
	assert_equal "$output" "$(printf 'ada@x.org\nbob@x.org\nuser-add: 2 welcome messages queued in outbox/ (sent by the job of roster(5), Welcome mail)')"
	grep -q '^email: ada@x.org$' "$ROSTER_DIR/users/ada@x.org.yaml"
	grep -q '^created: 2026-11-23T10:00:00Z$' "$ROSTER_DIR/users/ada@x.org.yaml"
	run cat "$ROSTER_DIR/audit.csv"
	assert_line --index 0 "time,actor,tool,action,subject,detail"
	assert_line --index 1 --partial "tester,user-add,add,ada@x.org"
	assert_equal "${#lines[@]}" 3
	grep -q '^version = 1' "$ROSTER_DIR/roster.ini"
}

@test "a welcome message in outbox/, or none with --no-welcome" {
	user-add ada@x.org
	f="$ROSTER_DIR/outbox/ada@x.org.eml"
	grep -q '^To: .*ada@x.org' "$f"
	grep -q '^Subject: ' "$f"
	grep -qi 'password' "$f"
	grep -q '^welcome: queued$' "$ROSTER_DIR/users/ada@x.org.yaml"
	user-add --no-welcome bob@x.org
	[ ! -e "$ROSTER_DIR/outbox/bob@x.org.eml" ]
	grep -q '^welcome: skipped$' "$ROSTER_DIR/users/bob@x.org.yaml"
}

@test "options: names, role, permissions, team, seat, timezone" {
	user-add --no-welcome bob@x.org
	cat >>"$ROSTER_DIR/roster.ini" <<-'INI'

	[role "Support Agent"]
	permissions = tickets
	INI
	run user-add --no-welcome --first-name Ada --last-name Lovelace \
	    --role 'Support Agent' --permission tickets,contacts --team Support \
	    --seat service-professional --timezone Europe/Amsterdam ada@x.org
	assert_success
	f="$ROSTER_DIR/users/ada@x.org.yaml"
	grep -q '^first_name: Ada$' "$f"
	grep -q '^last_name: Lovelace$' "$f"
	grep -q '^role: Support Agent$' "$f"
	grep -q '^permissions: .*contacts' "$f"
	grep -q '^teams: .*Support' "$f"
	grep -q '^seat: service-professional$' "$f"
	grep -q '^timezone: Europe/Amsterdam$' "$f"
}

@test "a permission given twice is written once, as user-mod writes it" {
	run --separate-stderr user-add --no-welcome --permission tickets,deals \
	    --permission tickets ada@x.org
	assert_success
	assert_output "ada@x.org"
	assert_equal "$stderr" ""
	assert_equal "$(grep '^permissions:' "$ROSTER_DIR/users/ada@x.org.yaml")" \
	    "permissions: [tickets, deals]"
	user-mod --permission deals,deals ada@x.org
	assert_equal "$(grep '^permissions:' "$ROSTER_DIR/users/ada@x.org.yaml")" \
	    "permissions: [deals]"
}

@test "--role missing: 4; bad --permission, --timezone, --seat: 5; nothing written" {
	add_users ada@x.org
	sum=$(store_sum)
	run user-add --role Nope bob@x.org
	assert_failure 4
	assert_output --partial "no such role 'Nope'"
	run user-add --permission flying bob@x.org
	assert_failure 5
	run user-add --timezone Mars/Olympus bob@x.org
	assert_failure 5
	run user-add --seat 'Big Seat' bob@x.org
	assert_failure 5
	assert_equal "$(store_sum)" "$sum"
}

@test "a malformed address: 5, all or nothing" {
	add_users ada@x.org
	sum=$(store_sum)
	run user-add bob@x.org not-an-address carol@x.org
	assert_failure 5
	assert_output --partial "bad address 'not-an-address'"
	assert_equal "$(store_sum)" "$sum"
}

@test "duplicates in the input and existing users: 3" {
	add_users ada@x.org
	sum=$(store_sum)
	run user-add bob@x.org BOB@x.org
	assert_failure 3
	assert_output --partial "given twice"
	run user-add ada@x.org carol@x.org
	assert_failure 3
	assert_output --partial "already a user"
	assert_equal "$(store_sum)" "$sum"
}

@test "several failures: each reported, the first one's exit code" {
	add_users ada@x.org
	run user-add ada@x.org bad@ bob@x.org
	assert_failure 3
	assert_line --partial "ada@x.org is already a user"
	assert_line --partial "bad address 'bad@'"
}

@test "--super-admin with one user, not two (3)" {
	run user-add --super-admin a@x.org b@x.org
	assert_failure 3
	assert_output --partial "one new user at a time"
	[ ! -e "$ROSTER_DIR/users/a@x.org.yaml" ]
	run user-add --no-welcome --super-admin a@x.org
	assert_success
	grep -q '^super_admin: true$' "$ROSTER_DIR/users/a@x.org.yaml"
}

@test "usage errors: 2" {
	run user-add
	assert_failure 2
	printf 'Email\na@x.org\n' >"$BATS_TEST_TMPDIR/u.csv"
	run user-add --csv "$BATS_TEST_TMPDIR/u.csv" b@x.org
	assert_failure 2
	run user-add --first-name A a@x.org b@x.org
	assert_failure 2
	run user-add --bogus a@x.org
	assert_failure 2
	run user-add -h
	assert_success
	assert_output --partial "usage: user-add"
	run user-add --version
	assert_success
}

@test "CSV: semicolons, byte-order mark, CRLF, E-mailadres header" {
	printf '\xef\xbb\xbfVoornaam;Achternaam;E-mailadres\r\nAda;Lovelace;ada@x.org\r\n;;\r\nBob;de Vries;bob@x.org\r\n' \
	    >"$BATS_TEST_TMPDIR/nl.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/nl.csv"
	assert_success
	assert_equal "$output" "$(printf 'ada@x.org\nbob@x.org')"
	grep -q '^last_name: de Vries$' "$ROSTER_DIR/users/bob@x.org.yaml"
	grep -q '^first_name: Ada$' "$ROSTER_DIR/users/ada@x.org.yaml"
}

@test "CSV: quoted fields with commas and blank lines" {
	printf 'Email,First Name,Last Name,Team\n\n"ada@x.org","Ada, Countess","Lovelace","Support, Sales"\n\n"bob@x.org",Bob,,\n' \
	    >"$BATS_TEST_TMPDIR/q.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/q.csv"
	assert_success
	assert_equal "${#lines[@]}" 2
	grep -q 'Ada, Countess' "$ROSTER_DIR/users/ada@x.org.yaml"
	grep -q 'Sales' "$ROSTER_DIR/users/ada@x.org.yaml"
}

@test "CSV from stdin" {
	run user-add --no-welcome --csv - <<<"email
ada@x.org"
	assert_success
	assert_output "ada@x.org"
}

@test "CSV: exactly 100 rows are imported, 101 refused (3) naming the count" {
	{ echo Email; for i in $(seq 100); do echo "u$i@x.org"; done; } >"$BATS_TEST_TMPDIR/100.csv"
	{ cat "$BATS_TEST_TMPDIR/100.csv"; echo "u101@x.org"; } >"$BATS_TEST_TMPDIR/101.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/101.csv"
	assert_failure 3
	assert_output --partial "101 users"
	assert_output --partial "split"
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/100.csv"
	assert_success
	assert_equal "${#lines[@]}" 100
	assert_equal "$(ls "$ROSTER_DIR/users" | wc -l)" 100
}

@test "CSV: a malformed address is 5 naming the address and the line" {
	printf 'Email\nada@x.org\n\nbad address@x.org\n' >"$BATS_TEST_TMPDIR/b.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/b.csv"
	assert_failure 5
	assert_output --partial "b.csv:4:"
	assert_output --partial "'bad address@x.org'"
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
}

@test "CSV: an error in a last line without a newline names that line" {
	printf 'Name' >"$BATS_TEST_TMPDIR/one.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/one.csv"
	assert_failure 5
	assert_output --partial "one.csv:1: no Email column"
	printf '"Email' >"$BATS_TEST_TMPDIR/open.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/open.csv"
	assert_failure 5
	assert_output --partial "open.csv:1: "
	printf 'Email\nada@x.org\nbad' >"$BATS_TEST_TMPDIR/last.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/last.csv"
	assert_failure 5
	assert_output --partial "last.csv:3: "
	# A quote left open names the line where it was opened.
	printf 'Email\n\n"ada@x.org\nx\n' >"$BATS_TEST_TMPDIR/q.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/q.csv"
	assert_failure 5
	assert_output --partial "q.csv:3: "
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
}

@test "CSV: no Email column: 5; a missing file: 4; a duplicate: 3" {
	printf 'Name\nada\n' >"$BATS_TEST_TMPDIR/n.csv"
	run user-add --csv "$BATS_TEST_TMPDIR/n.csv"
	assert_failure 5
	run user-add --csv "$BATS_TEST_TMPDIR/none.csv"
	assert_failure 4
	printf 'Email\nada@x.org\nADA@x.org\n' >"$BATS_TEST_TMPDIR/d.csv"
	run user-add --csv "$BATS_TEST_TMPDIR/d.csv"
	assert_failure 3
	assert_output --partial "d.csv:3:"
}

@test "--dry-run prints the addresses and writes nothing" {
	add_users ada@x.org
	sum=$(store_sum)
	run user-add --dry-run bob@x.org carol@x.org
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(store_sum)" "$sum"
}

@test "a removed user may be added again; the archive is kept" {
	add_users ada@x.org bob@x.org
	user-rm ada@x.org
	run user-add --no-welcome ada@x.org
	assert_success
	[ -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
	[ -e "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z.yaml" ]
	run grep -c removed_at "$ROSTER_DIR/users/ada@x.org.yaml"
	assert_output 0
}

@test "a reader of a missing store: 4 naming the path" {
	run user-mod --dry-run --team T -d "$BATS_TEST_TMPDIR/nowhere" ada@x.org
	assert_failure 4
	assert_output --partial "$BATS_TEST_TMPDIR/nowhere"
	run user-rm --dry-run -d "$BATS_TEST_TMPDIR/nowhere" ada@x.org
	assert_failure 4
	run user-add --dry-run -d "$BATS_TEST_TMPDIR/nowhere" ada@x.org
	assert_success
	[ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
}

@test "the lock held: ROSTER_LOCK_TIMEOUT=1 gives 6" {
	add_users ada@x.org
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 3 >"$BATS_TEST_TMPDIR/h" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/h" && break; sleep 0.1; done
	sum=$(store_sum)
	ROSTER_LOCK_TIMEOUT=1 run user-add bob@x.org
	assert_failure 6
	assert_output --partial "busy"
	wait
	assert_equal "$(store_sum)" "$sum"
}

@test "a symlinked users/ file is refused with 7" {
	add_users bob@x.org
	printf 'email: ada@x.org\n' >"$BATS_TEST_TMPDIR/elsewhere.yaml"
	ln -s "$BATS_TEST_TMPDIR/elsewhere.yaml" "$ROSTER_DIR/users/ada@x.org.yaml"
	run user-mod --team T ada@x.org
	assert_failure 7
	run user-rm ada@x.org
	assert_failure 7
	run cat "$BATS_TEST_TMPDIR/elsewhere.yaml"
	assert_output "email: ada@x.org"
}

@test "a store of a newer format version: 7" {
	add_users ada@x.org
	sed -i 's/^version = 1/version = 2/' "$ROSTER_DIR/roster.ini"
	sum=$(store_sum)
	run user-add bob@x.org
	assert_failure 7
	assert_output --partial "version 2"
	run user-mod --team T ada@x.org
	assert_failure 7
	assert_equal "$(store_sum)" "$sum"
}

@test "hand-written YAML survives a user-mod in its unknown parts" {
	f="$ROSTER_DIR/users/ada@x.org.yaml"
	add_users bob@x.org
	cat >"$f" <<-'YAML'
	# maintained by hand
	email: ada@x.org
	first_name: 'Ada'
	teams: [Support]
	pager:   "+31 6 1234"   # on call
	# history
	notes:
	  - joined 2019
	  - {team: Sales, until: 2021}
	YAML
	tail -n +5 "$f" >"$BATS_TEST_TMPDIR/unknown"
	run user-mod --capacity 3 ada@x.org
	assert_success
	run sed -n '/^pager:/,$p' "$f"
	assert_output "$(cat "$BATS_TEST_TMPDIR/unknown")"
}

@test "4 shells adding 50 users each at once: 200 files, 200 audit rows" {
	add_one() {
		for i in $(seq 50); do
			user-add --no-welcome "s$1-$i@x.org" >/dev/null || return 1
		done
	}
	for s in 1 2 3 4; do add_one "$s" & done
	wait
	assert_equal "$(ls "$ROSTER_DIR/users" | wc -l)" 200
	assert_equal "$(wc -l <"$ROSTER_DIR/audit.csv")" 201
	assert_equal "$(sort -u "$ROSTER_DIR/audit.csv" | wc -l)" 201
}
