#!/usr/bin/env bats
# The store itself: where it is, creating it, its lock, its format version.

load helpers/common

@test "an add creates the store with its layout and roster.ini" {
	run user-add --no-welcome ada@example.org
	assert_success
	assert_output "ada@example.org"
	[ -d "$ROSTER_DIR/users" ] && [ -d "$ROSTER_DIR/removed" ]
	[ -f "$ROSTER_DIR/users/ada@example.org.yaml" ]
	grep -q '^version = 1$' "$ROSTER_DIR/roster.ini"
}

@test "--store wins over ROSTER_DIR" {
	run user-add --no-welcome --store "$BATS_TEST_TMPDIR/other" ada@example.org
	assert_success
	[ -f "$BATS_TEST_TMPDIR/other/users/ada@example.org.yaml" ]
	[ ! -e "$ROSTER_DIR" ]
}

@test "XDG_DATA_HOME locates the store when nothing else does" {
	unset ROSTER_DIR
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	run user-add --no-welcome ada@example.org
	assert_success
	[ -f "$XDG_DATA_HOME/roster/users/ada@example.org.yaml" ]
}

@test "HOME/.local/share/roster is the last resort" {
	unset ROSTER_DIR XDG_DATA_HOME
	export HOME="$BATS_TEST_TMPDIR/home"
	run user-add --no-welcome ada@example.org
	assert_success
	[ -f "$HOME/.local/share/roster/users/ada@example.org.yaml" ]
}

@test "a dry run on a missing store creates nothing" {
	run user-add --dry-run ada@example.org
	assert_success
	assert_output "ada@example.org"
	[ ! -e "$ROSTER_DIR" ]
}

@test "a newer store format version is a store error (7) and nothing changes" {
	add_users ada@example.org
	printf '[store]\nversion = 2\n' >"$ROSTER_DIR/roster.ini"
	before=$(store_sum)
	run user-add --no-welcome bob@example.org
	assert_failure 7
	assert_output --partial "roster.ini"
	assert_output --partial "version 2"
	[ "$(store_sum)" = "$before" ]
}

@test "a malformed roster.ini names its line (7)" {
	add_users ada@example.org
	printf '[store]\nversion = 1\ntimezone = Mars/Olympus\n' >"$ROSTER_DIR/roster.ini"
	run user-add --no-welcome bob@example.org
	assert_failure 7
	assert_output "user-add: roster.ini:3: unknown time zone 'Mars/Olympus'"
}

@test "a held lock makes a writer give up with 6 after ROSTER_LOCK_TIMEOUT" {
	add_users ada@example.org
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 5 >"$BATS_TEST_TMPDIR/held" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/held" && break; sleep 0.1; done
	ROSTER_LOCK_TIMEOUT=1 run user-add --no-welcome bob@example.org
	assert_failure 6
	assert_output --partial "store busy"
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	kill %1 2>/dev/null || true
	wait || true
}

@test "a writer waits for a lock that is released in time" {
	add_users ada@example.org
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 1 >"$BATS_TEST_TMPDIR/held" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/held" && break; sleep 0.1; done
	ROSTER_LOCK_TIMEOUT=5 run user-add --no-welcome bob@example.org
	assert_success
	[ -f "$ROSTER_DIR/users/bob@example.org.yaml" ]
	wait
}

@test "a symbolic link where a user file should be is never followed (7)" {
	add_users ada@example.org
	echo "secret" >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$ROSTER_DIR/users/bob@example.org.yaml"
	run user-add --no-welcome --team X bob@example.org
	assert_failure
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = "secret" ]
	[ -L "$ROSTER_DIR/users/bob@example.org.yaml" ]
}

@test "file names encode every byte outside [a-z0-9._+@-]" {
	run user-add --no-welcome "O'Brien/x@Example.org"
	assert_success
	assert_output "o'brien/x@example.org"
	[ -f "$ROSTER_DIR/users/o%27brien%2Fx@example.org.yaml" ]
	grep -q "^email: o'brien/x@example.org$" "$ROSTER_DIR/users/o%27brien%2Fx@example.org.yaml"
}

@test "every change leaves one audit row" {
	ROSTER_ACTOR=admin user-add --no-welcome ada@example.org bob@example.org
	run cat "$ROSTER_DIR/audit.csv"
	assert_line --index 0 "time,actor,tool,action,subject,detail"
	assert_line --index 1 --partial "2026-11-23T10:00:00Z,admin,user-add,add,ada@example.org"
	assert_line --index 2 --partial "2026-11-23T10:00:00Z,admin,user-add,add,bob@example.org"
	[ "$(wc -l <"$ROSTER_DIR/audit.csv")" -eq 3 ]
}

@test "no temporary file is left behind" {
	add_users ada@example.org bob@example.org
	run find "$ROSTER_DIR" -name '.*.tmp'
	assert_output ""
}

@test "--help prints usage and exits 0; an unknown option exits 2" {
	run user-add --help
	assert_success
	assert_output --partial "usage: user-add"
	run user-add --bogus
	assert_failure 2
}

@test "only an add creates a store: every other command on a missing one is 4" {
	unset ROSTER_DIR XDG_DATA_HOME
	export HOME="$BATS_TEST_TMPDIR/home"
	where="$HOME/.local/share/roster"
	for cmd in "ooo-rm --past" "assign-next --backlog" "assign-next" \
	    "assign-next --record ticket:1" "hours-set a@x.org mon=09:00-17:00" \
	    "ooo-add a@x.org --from 2026-12-24 --to 2026-12-25" \
	    "status --set away a@x.org" "user-mod --team T a@x.org" \
	    "user-rm a@x.org" "user-add --restore a@x.org" \
	    "portal-config --unset portal.name" "portal-config --remove-column owner" \
	    "portal-config --reset-columns" "status" "status --check" "records"; do
		run $cmd
		assert_failure 4
		assert_output --partial "no store at $where"
		[ ! -e "$HOME/.local" ]
	done
}

@test "portal-config KEY VALUE and --add-column create the store, as user-add does" {
	run portal-config portal.name Help
	assert_success
	assert_output ""
	grep -q '^version = 1$' "$ROSTER_DIR/roster.ini"
	grep -q 'name = Help' "$ROSTER_DIR/portal.ini"
	[ -d "$ROSTER_DIR/users" ] && [ -d "$ROSTER_DIR/removed" ]
	run portal-config -d "$BATS_TEST_TMPDIR/other" --add-column priority
	assert_success
	grep -q '^columns = subject' "$BATS_TEST_TMPDIR/other/portal.ini"
}

@test "a writer other than an add works on an existing empty directory" {
	mkdir -p "$ROSTER_DIR"
	run ooo-rm --past
	assert_success
	assert_output ""
}

@test "a command that stops before opening the store closes no descriptor of its caller" {
	user-add --no-welcome ada@example.org >/dev/null
	cp -a "$ROSTER_DIR" "$BATS_TEST_TMPDIR/before"
	for cmd in coverage "slots --duration 30m"; do
		name=${cmd%% *}
		# LeakSanitizer cannot run under ptrace: off for this one run
		# of a sanitizer build (the rest of the suite checks leaks).
		# shellcheck disable=SC2086
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		    run strace -qq -e trace=close \
		    -o "$BATS_TEST_TMPDIR/$name.trace" \
		    "$ROSTER_BIN"/$cmd --team a --tz Bad/Zone
		[ "$status" -eq 5 ]
		assert_output "$name: --tz: unknown time zone Bad/Zone"
		# Standard input is the caller's: a store never opened owns
		# no descriptor, fd 0 least of all.
		run grep -c '^close(0)' "$BATS_TEST_TMPDIR/$name.trace"
		assert_output 0
	done
	diff -r "$BATS_TEST_TMPDIR/before" "$ROSTER_DIR"
}

@test "a directory of the layout missing from a store is made when a change first needs it" {
	add_users ann@example.org
	chmod 0750 "$ROSTER_DIR"
	rm -r "$ROSTER_DIR/users" "$ROSTER_DIR/outbox"
	run user-add bob@example.org
	assert_success
	assert_output --partial "bob@example.org"
	[ -f "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ "$(stat -c %a "$ROSTER_DIR/users")" = 750 ]
	[ "$(stat -c %a "$ROSTER_DIR/users/bob@example.org.yaml")" = 640 ]
	[ "$(find "$ROSTER_DIR/outbox" -name 'bob*.eml' | wc -l)" -eq 1 ]
	[ -z "$(find "$ROSTER_DIR" -name '*.txn' -o -name '.journal*')" ]
	run status --check
	assert_success
}
