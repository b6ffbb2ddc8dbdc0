#!/usr/bin/env bats
# store-edit: a store file edited under the lock with a scripted EDITOR,
# checked before it is installed, visudo's "edit again or quit"; --exec.
load helpers/common

local_setup() {
	add_users ann@x.org bob@x.org
	export VISUAL=
	unset VISUAL
	# An editor script: sed EXPR applied to the file, and a log of runs.
	mked() {
		printf '#!/bin/sh\necho run >>"%s/runs"\nsed -i "%s" "$1"\n' \
		    "$BATS_TEST_TMPDIR" "$1" >"$BATS_TEST_TMPDIR/ed"
		chmod +x "$BATS_TEST_TMPDIR/ed"
		export EDITOR="$BATS_TEST_TMPDIR/ed"
	}
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
}

@test "a user file edited by address: installed, audited, listed at once" {
	user-list >/dev/null	# the index exists
	mked 's/^seat: none$/first_name: Ann/'
	run store-edit ann@x.org
	assert_success
	assert_output ''
	run grep -c '^first_name: Ann$' "$ROSTER_DIR/users/ann@x.org.yaml"
	assert_output 1
	run sh -c 'user-list --format tsv --no-header ann@x.org | cut -f2'
	assert_output Ann
	run sh -c 'tail -1 "$ROSTER_DIR/audit.csv" | cut -d, -f3-5'
	assert_output 'store-edit,edit,users/ann@x.org.yaml'
	# The temporary is gone.
	run ls -A "$TMPDIR"
	assert_output ''
}

@test "VISUAL wins over EDITOR; an editor with its own arguments" {
	mked 's/^seat: none$/first_name: Viz/'
	VISUAL="$EDITOR" EDITOR=false run store-edit users/ann@x.org.yaml
	assert_success
	run grep -c '^first_name: Viz$' "$ROSTER_DIR/users/ann@x.org.yaml"
	assert_output 1
	EDITOR="sed -i s/^first_name:.Viz/first_name:\ Two/" run store-edit ann@x.org
	assert_success
	run grep -c '^first_name: Two$' "$ROSTER_DIR/users/ann@x.org.yaml"
	assert_output 1
}

@test "a finding: edit again or quit without saving, nothing written" {
	mked 's/^seat: none$/capacity: lots/'
	before=$(store_sum)
	run store-edit bob@x.org <<<'x'
	assert_failure 5
	assert_line --index 0 "store-edit: users/bob@x.org.yaml:4: capacity: expected a whole number, not 'lots'"
	assert_line --partial 'What now? (e)dit again, e(x)it without saving:'
	assert_line --partial 'users/bob@x.org.yaml is unchanged'
	[ "$(store_sum)" = "$before" ]
	# e runs the editor again on the same text; end of input quits.
	rm -f "$BATS_TEST_TMPDIR/runs"
	run store-edit bob@x.org <<<'e'
	assert_failure 5
	run wc -l <"$BATS_TEST_TMPDIR/runs"
	assert_output 2
	[ "$(store_sum)" = "$before" ]
}

@test "edit again, fix it, and it is installed" {
	# The first run breaks the file, the second mends it.
	cat >"$BATS_TEST_TMPDIR/ed" <<EOF
#!/bin/sh
if [ -e "$BATS_TEST_TMPDIR/once" ]; then
	sed -i 's/^capacity: lots$/capacity: 3/' "\$1"
else
	touch "$BATS_TEST_TMPDIR/once"
	sed -i 's/^seat: none$/capacity: lots/' "\$1"
fi
EOF
	chmod +x "$BATS_TEST_TMPDIR/ed"
	export EDITOR="$BATS_TEST_TMPDIR/ed"
	run store-edit bob@x.org <<<'e'
	assert_success
	run sh -c 'user-list --format tsv --no-header bob@x.org | cut -f9'
	assert_output 3
}

@test "an address that does not match the file name is a finding" {
	mked 's/^email: bob@x.org$/email: rob@x.org/'
	before=$(store_sum)
	run store-edit bob@x.org </dev/null
	assert_failure 5
	assert_line --index 0 --partial 'users/bob@x.org.yaml'
	[ "$(store_sum)" = "$before" ]
}

@test "a second primary contact is a finding: an account has one" {
	user-mod --contact primary ann@x.org >/dev/null
	mked 's/^contact_roles: \[\]$/contact_roles: [primary]/'
	before=$(store_sum)
	run store-edit bob@x.org </dev/null
	assert_failure 5
	assert_line --index 0 'store-edit: users/bob@x.org.yaml:5: a second primary contact (users/ann@x.org.yaml is one already); an account has one, handed on with user-mod --contact primary EMAIL'
	[ "$(store_sum)" = "$before" ]
	# The holder's own file keeps the role.
	mked 's/^seat: none$/first_name: Ann/'
	run store-edit ann@x.org
	assert_success
	run grep -c '^first_name: Ann$' "$ROSTER_DIR/users/ann@x.org.yaml"
	assert_output 1
}

@test "records.csv: an unknown owner is refused, a good row installed" {
	printf 'type,id,owner,state\n' >"$ROSTER_DIR/records.csv"
	mked '\$a ticket,1,nobody@x.org,open'
	before=$(store_sum)
	run store-edit records.csv </dev/null
	assert_failure 5
	assert_output --partial 'records.csv:2:'
	[ "$(store_sum)" = "$before" ]
	mked '\$a ticket,1,ann@x.org,open'
	run store-edit records.csv
	assert_success
	run records --format tsv --no-header
	assert_output --partial 'ann@x.org'
}

@test "roster.ini: an unknown zone is refused; an unreadable one can be repaired" {
	mked 's|^timezone = UTC$|timezone = Mars/Base|'
	before=$(store_sum)
	run store-edit roster.ini </dev/null
	assert_failure 5
	assert_line --index 0 "store-edit: roster.ini:4: unknown time zone 'Mars/Base'"
	[ "$(store_sum)" = "$before" ]
	sed -i 's|^timezone = UTC$|timezone = Mars/Base|' "$ROSTER_DIR/roster.ini"
	run status
	assert_failure 7
	mked 's|^timezone = Mars/Base$|timezone = Europe/Paris|'
	run store-edit roster.ini
	assert_success
	run status
	assert_success
}

@test "no change, a failing editor, unknown files: nothing written" {
	before=$(store_sum)
	EDITOR=true run store-edit ann@x.org
	assert_success
	assert_output 'store-edit: users/ann@x.org.yaml: no change'
	EDITOR=false run store-edit ann@x.org
	assert_failure 5
	assert_output --partial 'the editor failed (1)'
	run store-edit audit.csv
	assert_failure 2
	assert_output --partial 'not a file store-edit edits'
	run store-edit nobody@x.org
	assert_failure 4
	assert_output --partial 'add users with user-add'
	ROSTER_NOW=bogus run store-edit ann@x.org
	assert_failure 5
	ROSTER_NOW=bogus run store-edit --exec true
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
	run ls -A "$TMPDIR"
	assert_output ''
}

@test "the edit holds the exclusive lock: another writer waits" {
	cat >"$BATS_TEST_TMPDIR/ed" <<EOF
#!/bin/sh
ROSTER_LOCK_TIMEOUT=0.2 user-mod --seat sales-starter bob@x.org
echo "\$?" >"$BATS_TEST_TMPDIR/inner"
EOF
	chmod +x "$BATS_TEST_TMPDIR/ed"
	EDITOR="$BATS_TEST_TMPDIR/ed" run store-edit ann@x.org
	assert_success
	run cat "$BATS_TEST_TMPDIR/inner"
	assert_output 6
}

@test "--exec: under the lock with ROSTER_DIR, audited, the store checked after" {
	run store-edit --exec sh -c 'printf "type,id,owner,state\nticket,7,bob@x.org,open\n" >"$ROSTER_DIR/records.csv"'
	assert_success
	assert_output ''
	run records --format tsv --no-header
	assert_output --partial 'bob@x.org'
	run sh -c 'tail -1 "$ROSTER_DIR/audit.csv" | cut -d, -f3-6'
	assert_output 'store-edit,exec,sh,exit 0'
	# A script that leaves a problem: reported, exit 7.
	run store-edit --exec sh -c 'echo "ticket,8,ghost@x.org,open" >>"$ROSTER_DIR/records.csv"'
	assert_failure 7
	assert_output --partial 'the store has problems after sh'
	assert_output --partial 'records.csv:3:'
	# The command's own failure is the exit status.
	run store-edit --exec sh -c 'exit 3'
	assert_failure 3
	run store-edit --exec
	assert_failure 2
}
