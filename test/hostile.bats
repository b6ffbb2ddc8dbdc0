#!/usr/bin/env bats
# Hostile input: garbage, NUL bytes, huge lines, odd store files. Each must
# end in a documented exit code with a message naming the file, and change
# nothing.

load helpers/common
bats_require_minimum_version 1.5.0

need() {
	local b
	for b in "$@"; do
		[ -x "$ROSTER_BIN/$b" ] || skip "$b not built"
	done
}

@test "binary garbage as a CSV import is invalid input (5), nothing written" {
	need user-add
	add_users ada@example.org
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/garbage.csv"
	printf 'x\0y\n' >>"$BATS_TEST_TMPDIR/garbage.csv"
	before=$(store_sum)
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/garbage.csv"
	assert_failure 5
	assert_output --partial "garbage.csv"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(store_sum)" = "$before" ]
}

@test "a NUL byte in a CSV row is invalid input (5)" {
	need user-add
	add_users ada@example.org
	printf 'Email\nbob@example.org\0\ncarl@example.org\n' >"$BATS_TEST_TMPDIR/nul.csv"
	before=$(store_sum)
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/nul.csv"
	assert_failure 5
	assert_output --partial "nul.csv"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(store_sum)" = "$before" ]
}

@test "a 10 MB single-line CSV is refused (5 or 3), not a crash" {
	need user-add
	add_users ada@example.org
	head -c 10485760 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big.csv"
	before=$(store_sum)
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/big.csv"
	[ "$status" -eq 5 ] || [ "$status" -eq 3 ]
	assert_output --partial "big.csv"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(store_sum)" = "$before" ]
}

@test "a user YAML file of binary garbage is a store error (7) naming it" {
	need user-add status user-mod
	add_users ada@example.org
	head -c 2000 /dev/urandom >"$ROSTER_DIR/users/bad@example.org.yaml"
	before=$(store_sum)
	run user-mod --first-name X bad@example.org
	assert_failure 7
	assert_output --partial "bad@example.org.yaml"
	[ "$(store_sum)" = "$before" ]
}

@test "roster.ini with version = 2 is a store error (7) for every binary" {
	add_users ada@example.org
	printf '[store]\nversion = 2\n' >"$ROSTER_DIR/roster.ini"
	before=$(store_sum)
	local b n=0
	for b in user-mod user-rm hours-set ooo-add ooo-rm status records \
	    portal-config assign-next user-add; do
		[ -x "$ROSTER_BIN/$b" ] || continue
		case $b in
		user-add) run "$b" --no-welcome bob@example.org ;;
		user-mod) run "$b" --first-name X ada@example.org ;;
		user-rm | hours-set | ooo-add) run "$b" ada@example.org ;;
		ooo-rm) run "$b" --all ada@example.org ;;
		*) run "$b" ;;
		esac
		echo "$b: $status $output"
		[ "$status" -eq 7 ]
		[[ $output == *roster.ini* ]]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
	[ "$(store_sum)" = "$before" ]
}

@test "a store on a read-only directory is a store error (7) for a writer" {
	need user-add
	add_users ada@example.org
	local as=() bin="$ROSTER_BIN/user-add"
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null ||
		    skip "running as root without setpriv: chmod -w does not stop root"
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		chmod -R a+rX "$BATS_TEST_TMPDIR"
		chmod a+rwx "$ROSTER_DIR/.lock" 2>/dev/null || true
		chmod o+x "$(dirname "$BATS_TEST_TMPDIR")" "$BATS_TEST_TMPDIR" 2>/dev/null || true
		# The build and the test directory may sit below directories
		# the other user cannot enter: use a copy in an open one.
		open_dir=$(mktemp -d /tmp/roster-ro.XXXXXX)
		chmod 755 "$open_dir"
		cp "$ROSTER_BIN/user-add" "$open_dir/user-add"
		chmod a+rx "$open_dir/user-add"
		cp -a "$ROSTER_DIR" "$open_dir/store"
		chmod a+rwx "$open_dir/store/.lock" 2>/dev/null || true
		ROSTER_DIR="$open_dir/store"
		bin="$open_dir/user-add"
	fi
	chmod a-w "$ROSTER_DIR" "$ROSTER_DIR/users"
	before=$(store_sum)
	run "${as[@]}" env PATH="$PATH" ROSTER_DIR="$ROSTER_DIR" \
	    ROSTER_NOW="$ROSTER_NOW" ROSTER_ACTOR=tester \
	    "$bin" --no-welcome bob@example.org
	chmod u+w "$ROSTER_DIR" "$ROSTER_DIR/users"
	echo "$output"
	assert_failure 7
	[ "$(store_sum)" = "$before" ]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ -z "${open_dir:-}" ] || rm -rf "$open_dir"
}

@test "a users/ entry that is a directory is a store error (7), nothing changes" {
	need user-add status user-mod
	add_users ada@example.org
	mkdir "$ROSTER_DIR/users/dir@example.org.yaml"
	before=$(store_sum)
	run --separate-stderr status --format tsv --no-header
	assert_failure 7
	[ "$stderr" = "status: users/dir@example.org.yaml: not a regular file" ]
	assert_output "$(printf 'ada@example.org\tavailable\tno-hours\t\t')"
	run user-mod --first-name X dir@example.org
	assert_failure 7
	assert_output "user-mod: users/dir@example.org.yaml: not a regular file"
	[ "$(store_sum)" = "$before" ]
}

@test "a users/ entry that is a symlink is not followed (7), nothing changes" {
	need user-add status user-mod
	add_users ada@example.org
	echo 'email: ln@example.org' >"$BATS_TEST_TMPDIR/target.yaml"
	ln -s "$BATS_TEST_TMPDIR/target.yaml" "$ROSTER_DIR/users/ln@example.org.yaml"
	before=$(store_sum)
	run --separate-stderr status --format tsv --no-header
	assert_failure 7
	[ "$stderr" = \
	    "status: users/ln@example.org.yaml: is a symbolic link; not followed" ]
	assert_output "$(printf 'ada@example.org\tavailable\tno-hours\t\t')"
	run user-mod --first-name X ln@example.org
	assert_failure 7
	assert_output \
	    "user-mod: users/ln@example.org.yaml: is a symbolic link; not followed"
	[ "$(store_sum)" = "$before" ]
	[ "$(cat "$BATS_TEST_TMPDIR/target.yaml")" = 'email: ln@example.org' ]
}

@test "invalid UTF-8 in a name is invalid input (5)" {
	need user-add
	run user-add --no-welcome --first-name $'\xff\xfe' carl@example.org
	assert_failure 5
	assert_output "user-add: carl@example.org: first name is not valid UTF-8 text"
	[ ! -e "$ROSTER_DIR/users/carl@example.org.yaml" ]
}

@test "invalid UTF-8 in one CSV row refuses the whole import (5)" {
	need user-add
	printf 'Email,First Name\nann@example.org,Ann\nbob@example.org,\377\376Bob\n' \
	    >"$BATS_TEST_TMPDIR/u8.csv"
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/u8.csv"
	assert_failure 5
	assert_output --partial "u8.csv:3: not UTF-8 text"
	assert_output --partial "iconv -f WINDOWS-1252 -t UTF-8"
	[ ! -e "$ROSTER_DIR/users/ann@example.org.yaml" ]
}

# A store on a full file system: a small tmpfs, where this machine lets us
# mount one (root, and mount(2) allowed).
full_store() {
	mnt=$BATS_TEST_TMPDIR/full
	mkdir -p "$mnt"
	mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null ||
	    skip "cannot mount a tmpfs here"
	export ROSTER_DIR=$mnt/store
	add_users --team Support a@x.org b@x.org
	printf 'type,id,owner,state\nticket,1,a@x.org,open\n' >"$ROSTER_DIR/records.csv"
	status >/dev/null	# the cache, made while there is room
	dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null || true
	sync
}

teardown() {
	if [ -n "${mnt:-}" ] && mountpoint -q "$mnt"; then
		umount "$mnt"
	fi
}

@test "a full disk: every writer exits 7 with one line, nothing changes" {
	full_store
	before=$(store_sum)
	for cmd in "user-add --no-welcome c@x.org" \
	    "user-mod --first-name Zed a@x.org" \
	    "hours-set a@x.org mon-fri=09:00-17:00" \
	    "ooo-add a@x.org --from 2026-12-01 --to 2026-12-02" \
	    "status --set away a@x.org" \
	    "assign-next --record ticket:2" \
	    "portal-config portal.name Desk"; do
		# shellcheck disable=SC2086
		run $cmd
		echo "$cmd -> $status: $output"
		[ "$status" -eq 7 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"No space left on device"* ]]
		[ "$(store_sum)" = "$before" ]
	done
	# No temporary is left behind to be mistaken for data, and reading
	# still works.
	[ -z "$(find "$ROSTER_DIR" -name '*.tmp')" ]
	run status --format tsv --no-header
	assert_success
	assert_line --index 0 --partial a@x.org
}

@test "a FIFO as audit.csv hangs no writer: 7 naming it, nothing written" {
	need user-add status
	add_users ada@example.org
	rm "$ROSTER_DIR/audit.csv"
	mkfifo "$ROSTER_DIR/audit.csv"
	before=$(store_sum)
	run timeout 10 user-add --no-welcome bob@example.org
	assert_failure 7
	assert_output --partial 'audit.csv: not a regular file'
	[ "${#lines[@]}" -eq 1 ]
	[ -p "$ROSTER_DIR/audit.csv" ]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ "$(store_sum)" = "$before" ]
	# Readers are not stopped by it.
	run timeout 10 status --format tsv --no-header
	assert_success
	assert_output --partial 'ada@example.org'
}

@test "audit.csv hard-linked outside the store is not written (7)" {
	need user-add
	add_users ada@example.org
	ln "$ROSTER_DIR/audit.csv" "$BATS_TEST_TMPDIR/outside.csv"
	outside=$(cksum <"$BATS_TEST_TMPDIR/outside.csv")
	run user-add --no-welcome bob@example.org
	assert_failure 7
	assert_output --partial 'audit.csv: has 2 hard links'
	[ "$(cksum <"$BATS_TEST_TMPDIR/outside.csv")" = "$outside" ]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
}

@test "a hard-linked user file or records.csv is not replaced (7)" {
	need user-add user-mod assign-next
	add_users ada@example.org
	f=$ROSTER_DIR/users/ada@example.org.yaml
	ln "$f" "$BATS_TEST_TMPDIR/ada.yaml"
	before=$(cksum <"$f")
	run user-mod --team Sales ada@example.org
	assert_failure 7
	assert_output --partial 'ada@example.org.yaml: has 2 hard links'
	[ "$(cksum <"$f")" = "$before" ]
	[ "$(stat -c %i "$f")" = "$(stat -c %i "$BATS_TEST_TMPDIR/ada.yaml")" ]
	rm "$BATS_TEST_TMPDIR/ada.yaml"
	printf 'type,id,owner,state\n' >"$ROSTER_DIR/records.csv"
	ln "$ROSTER_DIR/records.csv" "$BATS_TEST_TMPDIR/records.csv"
	run assign-next --record ticket:1
	assert_failure 7
	assert_output --partial 'records.csv: has 2 hard links'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/records.csv")" 'type,id,owner,state'
}
