#!/usr/bin/env bats
# Small edges: the lock timeout and the busy message, an empty store
# location, roster.ini line by line, non-printing bytes in messages and
# tables, the CSV output guard, and the tools the tests need.

bats_require_minimum_version 1.5.0
load helpers/common

CMDS=(assign-next hours-set ooo-add ooo-rm portal-config records status
    user-add user-mod user-rm)

# Hold the store lock in the background; HOLDER gets its process id.
hold_lock() {
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" "$@" \
	    >"$BATS_TEST_TMPDIR/held" &
	HOLDER=$!
	for _ in $(seq 50); do
		grep -q locked "$BATS_TEST_TMPDIR/held" && return 0
		sleep 0.1
	done
	return 1
}

release_lock() {
	kill "$HOLDER" 2>/dev/null || true
	wait "$HOLDER" 2>/dev/null || true
}

# --- ROSTER_LOCK_TIMEOUT --------------------------------------------------

@test "ROSTER_LOCK_TIMEOUT that is not seconds from 0 to 86400 is refused (5)" {
	add_users ada@x.org
	before=$(store_sum)
	for v in nan abc -1 86401 1e9 inf 0x10 "1 " " 1" 1s; do
		ROSTER_LOCK_TIMEOUT=$v run user-add --no-welcome bob@x.org
		assert_failure 5
		assert_output "user-add: ROSTER_LOCK_TIMEOUT: '$v' is not a number of seconds from 0 to 86400"
		[ ! -e "$ROSTER_DIR/users/bob@x.org.yaml" ]
		ROSTER_LOCK_TIMEOUT=$v run status
		assert_failure 5
		assert_output --partial "ROSTER_LOCK_TIMEOUT: '$v'"
	done
	[ "$(store_sum)" = "$before" ]
}

@test "ROSTER_LOCK_TIMEOUT takes decimals, 0 and an empty value (the default)" {
	for v in 0 0.5 86400 ""; do
		ROSTER_LOCK_TIMEOUT=$v run user-add --no-welcome "u${#v}@x.org"
		assert_success
		assert_output "u${#v}@x.org"
		[ -f "$ROSTER_DIR/users/u${#v}@x.org.yaml" ]
	done
}

@test "a tiny ROSTER_LOCK_TIMEOUT gives up at once instead of hanging" {
	add_users ada@x.org
	hold_lock 20
	before=$(store_sum)
	for v in 0.00001 0.000001 1e-300 0; do
		ROSTER_LOCK_TIMEOUT=$v run timeout 5 user-add --no-welcome bob@x.org
		assert_failure 6
		assert_output --partial "store busy"
	done
	[ ! -e "$ROSTER_DIR/users/bob@x.org.yaml" ]
	[ "$(store_sum)" = "$before" ]
	release_lock
}

@test "the busy message names the process that holds the lock" {
	add_users ada@x.org
	hold_lock 20
	ROSTER_LOCK_TIMEOUT=0.2 run user-add --no-welcome bob@x.org
	assert_failure 6
	assert_output "user-add: .lock: store busy: locked by process $HOLDER (waited 0.2 s)"
	[ ! -e "$ROSTER_DIR/users/bob@x.org.yaml" ]
	release_lock
	# A reader held off by a writer's lock says the same.
	hold_lock 20
	ROSTER_LOCK_TIMEOUT=0 run status
	assert_failure 6
	assert_output "status: .lock: store busy: locked by process $HOLDER (waited 0 s)"
	release_lock
}

# --- where the store is ---------------------------------------------------

@test "--store '' and -d '' are usage errors (2) in every command" {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	add_users ada@x.org
	before=$(store_sum)
	for c in "${CMDS[@]}"; do
		for o in --store -d; do
			run "$c" "$o" '' ada@x.org
			assert_failure 2
			assert_line --index 0 "$c: the store directory (-d, --store) is empty"
			assert_line --index 1 --partial "usage: $c"
		done
		run "$c" --store= ada@x.org
		assert_failure 2
		assert_line --index 0 "$c: the store directory (-d, --store) is empty"
	done
	run status --check --store ''
	assert_failure 2
	[ ! -e "$HOME/.local" ]
	[ "$(store_sum)" = "$before" ]
}

@test "an empty ROSTER_DIR is refused (5), never the default store" {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	local -A args=([assign-next]="--team S" [hours-set]=ada@x.org
	    [ooo-add]=ada@x.org [ooo-rm]="--past" [portal-config]=""
	    [records]="" [status]="" [user-add]="--no-welcome ada@x.org"
	    [user-mod]="--team T ada@x.org" [user-rm]=ada@x.org)
	for c in "${CMDS[@]}"; do
		# shellcheck disable=SC2086 # the arguments are words
		ROSTER_DIR='' run "$c" ${args[$c]}
		assert_failure 5
		assert_output "$c: ROSTER_DIR is set but empty: unset it for the default store"
	done
	ROSTER_DIR='' run status --check
	assert_failure 5
	[ ! -e "$HOME/.local" ]
	# --store wins over it.
	ROSTER_DIR='' run user-add --no-welcome --store "$BATS_TEST_TMPDIR/s" ada@x.org
	assert_success
	[ -f "$BATS_TEST_TMPDIR/s/users/ada@x.org.yaml" ]
}

# --- roster.ini -------------------------------------------------------------

# A line of n bytes: "; ", padding, then " timezone = Asia/Tokyo".
long_comment() {
	local pad
	pad=$(printf "%$(($1 - 24))s" '' | tr ' ' x)
	printf '; %s timezone = Asia/Tokyo' "$pad"
}

@test "roster.ini: a line longer than 199 bytes is refused (7), not split" {
	add_users ada@x.org
	{
		printf '[store]\nversion = 1\n'
		long_comment 220
		printf '\n'
	} >"$ROSTER_DIR/roster.ini"
	[ "$(sed -n 3p "$ROSTER_DIR/roster.ini" | wc -c)" -eq 221 ]
	before=$(store_sum)
	run hours-set ada@x.org
	assert_failure 7
	assert_output "hours-set: roster.ini:3: line too long (more than 199 bytes)"
	run user-mod --team T ada@x.org
	assert_failure 7
	assert_output "user-mod: roster.ini:3: line too long (more than 199 bytes)"
	run status --check
	assert_failure 7
	assert_output --partial "roster.ini:3: line too long"
	[ "$(store_sum)" = "$before" ]
}

@test "roster.ini: a comment of 199 bytes is still a comment" {
	add_users ada@x.org
	{ printf '[store]\r\n'; long_comment 199; printf '\r\n'; } \
	    >"$ROSTER_DIR/roster.ini"
	run hours-set ada@x.org
	assert_success
	assert_output "UTC"
}

@test "roster.ini: an indented key is a key, not a continuation" {
	add_users ada@x.org
	printf '[store]\nversion = 1\n  timezone = Asia/Tokyo\n\t[role "Agent"]\n' \
	    >"$ROSTER_DIR/roster.ini"
	before=$(store_sum)
	run hours-set ada@x.org
	assert_success
	assert_output "Asia/Tokyo"
	printf '[store]\ntimezone = UTC\n    version = 2\n' >"$ROSTER_DIR/roster.ini"
	run hours-set ada@x.org
	assert_failure 7
	assert_output --partial "version 2 is newer"
	run status --check
	assert_failure 7
	assert_output --partial "version 2"
	printf '[store]\nversion = 1\n  timezone = Asia/Tokyo\n' >"$ROSTER_DIR/roster.ini"
	[ "$(store_sum)" != "$before" ] || false
}

# --- non-printing bytes -------------------------------------------------------

@test "messages escape non-printing bytes and invalid UTF-8 as \\xNN" {
	run user-add --no-welcome $'a\e[31mb@x.org'
	assert_failure 5
	assert_output --partial "'a\\x1b[31mb@x.org'"
	[ "${#lines[@]}" -eq 1 ]
	run user-add --no-welcome $'a\nb@x.org'
	assert_failure 5
	assert_output --partial "'a\\x0ab@x.org'"
	[ "${#lines[@]}" -eq 1 ]
	run user-add --no-welcome $'a\x7f\xc2\x9b\xff\x01b@x.org'
	assert_failure 5
	assert_output --partial "'a\\x7f\\xc2\\x9b\\xff\\x01b@x.org'"
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
}

@test "messages keep UTF-8 letters as they are" {
	add_users ada@x.org
	run user-mod --seat 'Zoë日本' ada@x.org
	assert_failure 5
	assert_output --partial "Zoë日本"
	refute_output --partial '\x'
}

@test "a store value with a control byte is escaped in a check's report" {
	add_users --super-admin ada@x.org
	printf 'email: c@x.org\ncapacity: "x\\e[31m\\n"\n' >"$ROSTER_DIR/users/c@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "users/c@x.org.yaml:2: capacity: expected a whole number, not 'x\\x1b[31m\\x0a'"
	run hours-set c@x.org
	assert_failure 7
	assert_output "hours-set: users/c@x.org.yaml:2: capacity: expected a whole number, not 'x\\x1b[31m\\x0a'"
	[ "$(store_sum)" = "$before" ]
}

@test "--format table escapes non-printing bytes; tsv, csv and json stay exact" {
	add_users ada@x.org
	printf 'type,id,owner,state\nticket,"T\e[31m1",ada@x.org,open\nticket,"Zoë\x7f",ada@x.org,open\n' \
	    >"$ROSTER_DIR/records.csv"
	cp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
	run records
	assert_success
	assert_output "TYPE    ID          OWNER      STATE
ticket  T\\x1b[31m1  ada@x.org  open
ticket  Zoë\\x7f     ada@x.org  open"
	run records --format tsv --no-header
	assert_output $'ticket\tT\e[31m1\tada@x.org\topen\ttrue\nticket\tZoë\x7f\tada@x.org\topen\ttrue'
	run records --format csv --no-header
	assert_output $'ticket,T\e[31m1,ada@x.org,open,true\r\nticket,Zoë\x7f,ada@x.org,open,true\r'
	run records --format json
	assert_output --partial '"id": "T\u001B[31m1"'
	# user-mod refuses such a name; a hand edit can still write one.
	sed -i 's/^teams: .*/teams: ["A\\nB"]/' "$ROSTER_DIR/users/ada@x.org.yaml"
	run status --no-header
	assert_output --partial "A\\x0aB"
	[ "${#lines[@]}" -eq 1 ]
	cmp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
}

# --- the CSV output guard -----------------------------------------------------

@test "CSV output: a cell starting with = + - @ TAB or CR gets a leading quote" {
	add_users ada@x.org
	printf 'type,id,owner,state\nticket,"\tA",ada@x.org,open\nticket,"\rB",ada@x.org,open\nticket,=C,ada@x.org,open\nticket,@D,ada@x.org,open\nticket,E,ada@x.org,open\n' \
	    >"$ROSTER_DIR/records.csv"
	cp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
	run records --format csv --no-header
	assert_success
	assert_output "$(printf 'ticket,'"'"'\tA,ada@x.org,open,true\r\nticket,"'"'"'\rB",ada@x.org,open,true\r\nticket,'"'"'=C,ada@x.org,open,true\r\nticket,'"'"'@D,ada@x.org,open,true\r\nticket,E,ada@x.org,open,true\r')"
	# The store's own CSV files are never guarded.
	cmp "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/rec"
	user-mod --team S ada@x.org >/dev/null
	run assign-next --team S --record ticket:=F
	assert_success
	run grep -c -e "^ticket,=C," -e "^ticket,=F,ada@x.org,open$" "$ROSTER_DIR/records.csv"
	assert_output 2
}

# --- the tools the tests use ----------------------------------------------------

@test "make deps installs every tool the tests call" {
	deps=$(make -s -C "$BATS_TEST_DIRNAME/.." print-deps)
	for p in jq python3 bats bats-assert bats-support mandoc shellcheck \
	    parallel tzdata; do
		[[ " $deps " == *" $p "* ]] || { echo "missing: $p"; false; }
	done
	for t in jq python3 mandoc shellcheck timeout setpriv; do
		command -v "$t" >/dev/null || { echo "not installed: $t"; false; }
	done
}

@test "make install puts binaries, man pages, completion and the examples in place" {
	dest="$BATS_TEST_TMPDIR/dest"
	# install-files: the build under test as it is; install would first
	# rebuild it with the flags of a plain make, under the other tests.
	run make -s -C "$BATS_TEST_DIRNAME/.." install-files \
	    O="${ROSTER_BIN%/bin}" DESTDIR="$dest" PREFIX=/usr
	assert_success
	[ -x "$dest/usr/bin/user-add" ]
	[ -x "$dest/usr/bin/assign-next" ]
	[ -f "$dest/usr/share/man/man1/user-add.1" ]
	[ -f "$dest/usr/share/man/man5/roster.5" ]
	[ -f "$dest/usr/share/bash-completion/completions/roster" ]
	[ -x "$dest/usr/share/doc/roster/examples/send-outbox" ]
	[ -f "$dest/usr/share/doc/roster/examples/agents.csv" ]
	[ -f "$dest/usr/share/doc/roster/examples/ooo.ics" ]
}
