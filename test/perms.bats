#!/usr/bin/env bats
# Modes and groups: a rewritten file keeps its mode and group; new files and
# directories, .cache/ included, take theirs from the store directory; a
# store shared by a group works for each of its members (roster(5), SHARING).

bats_require_minimum_version 1.5.0
load helpers/common

# Accounts for the shared-store tests: rosterA and rosterB in the group
# rosterg, rosterC outside it, each name with this run's number so that
# runs side by side do not share them.  Made here and removed at the end
# (the tests run as root, as in CI).
setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	export GROUP=rosterg$$ UA=rosterA$$ UB=rosterB$$ UC=rosterC$$
	groupadd "$GROUP"
	useradd -M -N -g "$GROUP" -s /bin/sh "$UA"
	useradd -M -N -g "$GROUP" -s /bin/sh "$UB"
	useradd -M -U -s /bin/sh "$UC"
}

teardown_file() {
	[ "$(id -u)" -eq 0 ] && [ -n "${GROUP:-}" ] || return 0
	local u
	for u in "$UA" "$UB" "$UC"; do
		! id "$u" >/dev/null 2>&1 || userdel "$u"
	done
	! getent group "$UC" >/dev/null || groupdel "$UC"
	! getent group "$GROUP" >/dev/null || groupdel "$GROUP"
}

local_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make the test accounts"
	# A directory every account can enter, with a copy of the binaries
	# (the build may sit below directories they cannot enter).
	OPEN=$(mktemp -d /tmp/roster-perms.XXXXXX)
	chmod 755 "$OPEN"
	mkdir "$OPEN/bin"
	cp "$ROSTER_BIN"/* "$OPEN/bin/"
	chmod -R a+rX "$OPEN/bin"
	export ROSTER_DIR="$OPEN/store"
}

teardown() {
	[ -z "${OPEN:-}" ] || rm -rf "$OPEN"
}

# as USER UMASK COMMAND ARGS...: run a roster command as USER with UMASK.
as() {
	local who=$1 mask=$2
	shift 2
	runuser -u "$who" -- env -i PATH="$OPEN/bin:/usr/bin:/bin" \
	    ROSTER_DIR="$ROSTER_DIR" ROSTER_NOW="$ROSTER_NOW" TZ=UTC \
	    ROSTER_ACTOR="$who" ROSTER_LOCK_TIMEOUT=10 \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    sh -c 'umask "$0"; exec "$@"' "$mask" "$@"
}

# mode and group of each path below the store, "PATH MODE GROUP", sorted.
modes() {
	(cd "$ROSTER_DIR" && find . -mindepth 1 -printf '%p %m %g\n' | LC_ALL=C sort)
}

@test "a rewritten file keeps its mode (chmod 600) and its group" {
	add_users a@x.org b@x.org
	f=$ROSTER_DIR/users/a@x.org.yaml
	chmod 600 "$f"
	run hours-set a@x.org 'mon-fri=09:00-17:00'
	assert_success
	grep -q 'mon:' "$f"
	assert_equal "$(stat -c %a "$f")" 600
	g=$ROSTER_DIR/users/b@x.org.yaml
	chgrp "$GROUP" "$g"
	chmod 640 "$g"
	run user-mod --team Sales b@x.org
	assert_success
	grep -q 'Sales' "$g"
	assert_equal "$(stat -c '%a %G' "$g")" "640 $GROUP"
}

@test "a private store (0700) stays private whatever the umask" {
	mkdir -m 700 "$ROSTER_DIR"
	run as root 000 user-add --no-welcome --team Support a@x.org
	assert_success
	run as root 000 status --team Support --format tsv --no-header
	assert_success
	assert_output --partial 'a@x.org'
	run modes
	assert_output "$(cat <<-EOF
	./.cache 700 root
	./.cache/users.idx 600 root
	./.lock 600 root
	./audit.csv 600 root
	./outbox 700 root
	./removed 700 root
	./roster.ini 600 root
	./users 700 root
	./users/a@x.org.yaml 600 root
	EOF
	)"
}

@test "umask 002 in a 0755 store: .cache/ is no more writable than users/" {
	add_users a@x.org
	run as root 002 status
	assert_success
	assert_equal "$(stat -c %a "$ROSTER_DIR/.cache")" 755
	assert_equal "$(stat -c %a "$ROSTER_DIR/.cache/users.idx")" 644
	# One left group-writable by hand is not trusted, and put right.
	chmod 777 "$ROSTER_DIR/.cache"
	chmod 666 "$ROSTER_DIR/.cache/users.idx"
	run as root 002 status --format tsv --no-header
	assert_success
	assert_output --partial 'a@x.org'
	assert_equal "$(stat -c %a "$ROSTER_DIR/.cache")" 755
	assert_equal "$(stat -c %a "$ROSTER_DIR/.cache/users.idx")" 644
}

@test "two admins share a setgid group store: files and dirs stay the group's" {
	mkdir "$ROSTER_DIR"
	chgrp "$GROUP" "$ROSTER_DIR"
	chmod 2770 "$ROSTER_DIR"
	run as "$UA" 022 user-add --no-welcome --team Support a@x.org
	assert_success
	# B, with a private umask, changes what A made and adds its own.
	run as "$UB" 077 user-mod --team Sales a@x.org
	assert_success
	run as "$UB" 077 user-add --no-welcome --team Support b@x.org
	assert_success
	run as "$UB" 077 assign-next --team Support --record ticket:1
	assert_success
	assert_output 'a@x.org'
	run as "$UA" 022 hours-set b@x.org 'mon-fri=09:00-17:00'
	assert_success
	run as "$UA" 022 status --format tsv --no-header
	assert_success
	assert_line --index 0 --partial 'a@x.org'
	assert_line --index 1 --partial 'b@x.org'
	grep -q 'Sales' "$ROSTER_DIR/users/a@x.org.yaml"
	grep -q 'mon:' "$ROSTER_DIR/users/b@x.org.yaml"
	# Every file 0660 and every directory 2770, all of the group.
	run modes
	refute_output --partial ' root'
	[ -n "$output" ]
	while read -r p m g; do
		assert_equal "$g" "$GROUP"
		if [ -d "$ROSTER_DIR/$p" ]; then
			assert_equal "$p $m" "$p 2770"
		else
			assert_equal "$p $m" "$p 660"
		fi
	done <<<"$output"
	[ -f "$ROSTER_DIR/.cache/users.idx" ] && [ -f "$ROSTER_DIR/records.csv" ]
	# Someone outside the group can do nothing with it.
	run as "$UC" 022 status
	assert_failure 7
}

@test "a reader that cannot read .lock stops (7); one without .lock reads; a writer says not writable" {
	add_users a@x.org
	chmod 755 "$ROSTER_DIR" "$ROSTER_DIR/users"
	chmod 600 "$ROSTER_DIR/.lock"
	chmod 644 "$ROSTER_DIR/roster.ini" "$ROSTER_DIR/users/a@x.org.yaml"
	before=$(store_sum)
	# Its record says whether a change is half made: unread, no answer.
	run as "$UA" 022 status --format tsv --no-header
	assert_failure 7
	assert_output "status: store not readable: .lock: Permission denied"
	run as "$UA" 022 user-add --no-welcome b@x.org
	assert_failure 7
	assert_output --partial 'store not writable: .lock'
	[ "${#lines[@]}" -eq 1 ]
	[ "$(store_sum)" = "$before" ]
	# A store without .lock that the reader cannot add it to.
	rm "$ROSTER_DIR/.lock"
	run as "$UA" 022 status --format tsv --no-header
	assert_success
	assert_output --partial 'a@x.org'
	[ ! -e "$ROSTER_DIR/.lock" ]
}

@test "a store someone may only read is listed without a cache" {
	add_users a@x.org
	chmod 755 "$ROSTER_DIR" "$ROSTER_DIR/users"
	chmod 644 "$ROSTER_DIR/.lock" "$ROSTER_DIR/roster.ini" \
	    "$ROSTER_DIR/users/a@x.org.yaml"
	before=$(store_sum)
	run as "$UA" 022 status --format tsv --no-header
	assert_success
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\t')"
	[ ! -e "$ROSTER_DIR/.cache" ]
	[ "$(store_sum)" = "$before" ]
}
