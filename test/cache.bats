#!/usr/bin/env bats
# .cache/: the users index and the open-record counts are derived; every
# answer must be the one the store's own files give, whatever the cache
# holds and however the files were changed.

bats_require_minimum_version 1.5.0
load helpers/common

idx() { printf '%s' "$ROSTER_DIR/.cache/users.idx"; }

# The listing with no cache at all: the reference answer.
fresh_status() {
	rm -rf "$ROSTER_DIR/.cache"
	status --format tsv "$@"
}

@test "a listing builds the index; the next one gives the same answer" {
	add_users --team Support a@x.org b@x.org
	hours-set b@x.org 'mon-fri=09:00-17:00' >/dev/null
	run status --format tsv
	assert_success
	first=$output
	[ -f "$(idx)" ]
	run status --format tsv
	assert_output "$first"
	run fresh_status
	assert_output "$first"
}

@test "a file edited in place is read again by the next listing" {
	add_users a@x.org b@x.org
	status >/dev/null
	ino=$(stat -c %i "$ROSTER_DIR/users/b@x.org.yaml")
	# Appending keeps the inode and the directory: only the file's own
	# size and times say that it changed.
	printf 'status_override:\n  status: away\n  until: 2026-11-24T00:00:00Z\n' \
	    >>"$ROSTER_DIR/users/b@x.org.yaml"
	[ "$(stat -c %i "$ROSTER_DIR/users/b@x.org.yaml")" = "$ino" ]
	run status --format tsv --no-header b@x.org
	assert_output "$(printf 'b@x.org\taway\tmanual\t2026-11-24T00:00:00Z\t')"
	run status --format tsv --no-header --away
	assert_output "$(printf 'b@x.org\taway\tmanual\t2026-11-24T00:00:00Z\t')"
}

@test "files added and removed by hand are seen" {
	add_users a@x.org b@x.org
	status >/dev/null
	sed 's/b@x.org/c@x.org/' "$ROSTER_DIR/users/b@x.org.yaml" \
	    >"$ROSTER_DIR/users/c@x.org.yaml"
	rm "$ROSTER_DIR/users/a@x.org.yaml"
	run status --format tsv --no-header
	assert_output "$(printf 'b@x.org\tavailable\tno-hours\t\t\nc@x.org\tavailable\tno-hours\t\t')"
}

@test "a team listing sees members join and leave through roster" {
	add_users --team Support a@x.org b@x.org
	add_users c@x.org
	run status --team Support --format tsv --no-header
	assert_line --index 1 --partial 'b@x.org'
	user-mod --team Support c@x.org >/dev/null
	user-mod --no-team Support a@x.org >/dev/null
	run status --team Support --format tsv --no-header
	assert_output "$(printf 'b@x.org\tavailable\tno-hours\t\tSupport\nc@x.org\tavailable\tno-hours\t\tSupport')"
	run assign-next --team Support
	assert_output "b@x.org"
}

@test "a team member edited in place (leaving the team) is seen by --team" {
	add_users --team Support a@x.org b@x.org
	status --team Support >/dev/null
	# Rewrite in place: same inode, no change to the directory.
	f=$ROSTER_DIR/users/a@x.org.yaml
	sed 's/Support/Sales/' "$f" >"$BATS_TEST_TMPDIR/a.yaml"
	cat "$BATS_TEST_TMPDIR/a.yaml" >"$f"
	run status --team Support --format tsv --no-header
	assert_output "$(printf 'b@x.org\tavailable\tno-hours\t\tSupport')"
	run assign-next --team Support --dry-run
	assert_output "b@x.org"
}

@test "round robin over everyone skips a user made away in place" {
	add_users a@x.org b@x.org c@x.org
	run assign-next
	assert_output "a@x.org"
	printf 'status_override:\n  status: away\n  until: 2026-11-24T00:00:00Z\n' \
	    >>"$ROSTER_DIR/users/b@x.org.yaml"
	run assign-next
	assert_output "c@x.org"
}

@test "a garbage, truncated or foreign index is built again" {
	add_users --team Support a@x.org b@x.org
	want=$(fresh_status)
	for junk in 'garbage' '' 'roster-users-index 2	1	2	3	9	0000000000000000099'; do
		printf '%s\n' "$junk" >"$(idx)"
		run status --format tsv
		assert_success
		assert_output "$want"
	done
	status >/dev/null
	head -c 200 "$(idx)" >"$BATS_TEST_TMPDIR/t" && cp "$BATS_TEST_TMPDIR/t" "$(idx)"
	run status --format tsv --team Support
	assert_success
	assert_output "$(fresh_status --team Support)"
	# An entry that lies about a file whose identity it has right.
	status >/dev/null
	sed -i 's/\tSupport\t/\tSales\t/' "$(idx)"
	run status --format tsv --team Support
	assert_output "$(fresh_status --team Support)"
}

@test "the index of another store (copied with its times) is not trusted" {
	add_users a@x.org
	status >/dev/null
	cp -a "$ROSTER_DIR" "$BATS_TEST_TMPDIR/copy"
	sed -i 's/^teams: .*/teams: [Copy]/' "$BATS_TEST_TMPDIR/copy/users/a@x.org.yaml"
	grep -q '^teams: \[Copy\]' "$BATS_TEST_TMPDIR/copy/users/a@x.org.yaml"
	touch -r "$ROSTER_DIR/users/a@x.org.yaml" "$BATS_TEST_TMPDIR/copy/users/a@x.org.yaml"
	run status -d "$BATS_TEST_TMPDIR/copy" --format tsv --no-header --team Copy
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\tCopy')"
}

@test "a broken user file is reported the same with the index" {
	add_users a@x.org
	printf 'email: [b@x.org\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run --separate-stderr status
	assert_failure 7
	first=$stderr
	[ "${#stderr_lines[@]}" -eq 1 ]
	run --separate-stderr status
	assert_failure 7
	[ "$stderr" = "$first" ]
	# Nobody chosen while a file could not be read: 7, not the answer 1
	# (its teams are unknown: it may be in the team).
	run --separate-stderr assign-next --team Nobody
	assert_failure 7
	[[ $stderr == *"${first#status: }"* ]]
}

@test "temporaries are swept by writers only, whatever their name holds" {
	add_users a@x.org
	status >/dev/null
	# Neither name says anything about the writer's host or process: a
	# temporary is dead when a command holds the exclusive lock.
	: >"$ROSTER_DIR/.cache/.users.idx.4194305.tmp"
	: >"$ROSTER_DIR/.cache/.users.idx.$$.tmp"
	: >"$ROSTER_DIR/.cache/.open.idx.0123456789abcdef.tmp"
	rm "$ROSTER_DIR/.cache/users.idx"
	run status --format tsv --no-header
	assert_success
	assert_output "$(printf 'a@x.org\tavailable\tno-hours\t\t')"
	[ -f "$ROSTER_DIR/.cache/users.idx" ]
	# A reader (shared lock) may run beside another host's writer of the
	# cache: it leaves every temporary alone.
	[ -e "$ROSTER_DIR/.cache/.users.idx.4194305.tmp" ]
	[ -e "$ROSTER_DIR/.cache/.users.idx.$$.tmp" ]
	[ -e "$ROSTER_DIR/.cache/.open.idx.0123456789abcdef.tmp" ]
	user-add --no-welcome b@x.org >/dev/null
	run assign-next --record ticket:1
	assert_success
	assert_output "a@x.org"
	run find "$ROSTER_DIR/.cache" -name '*.tmp'
	assert_output ""
	[ -f "$ROSTER_DIR/.cache/users.idx" ]
}

# users/'s modification time put back as it was: what a client that caches
# attributes (NFS, FUSE with an attribute timeout) sees of a directory
# another host changed.
mtime_of() { stat -c %.9Y "$1"; }
mtime_back() { touch -m -d "@$2" "$1"; }

@test "shared file system: a team change is seen though the attributes look old" {
	export ROSTER_SHARED_FS=1
	add_users --team Support a@x.org b@x.org
	add_users c@x.org
	run status --team Support --format tsv --no-header
	assert_success
	assert_equal "${#lines[@]}" 2
	gen=$(grep '^gen users ' "$ROSTER_DIR/.lock")
	m=$(mtime_of "$ROSTER_DIR/users")
	user-mod --team Support c@x.org >/dev/null
	mtime_back "$ROSTER_DIR/users" "$m"
	[ "$(mtime_of "$ROSTER_DIR/users")" = "$m" ]
	# Every change to users/ gives it a new generation.
	run grep -c '^gen users [0-9a-f]\{16\}$' "$ROSTER_DIR/.lock"
	assert_output 1
	[ "$(grep '^gen users ' "$ROSTER_DIR/.lock")" != "$gen" ]
	run status --team Support --format tsv --no-header
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 2 --partial 'c@x.org'
	run fresh_status --team Support --no-header
	assert_equal "${#lines[@]}" 3
}

@test "shared file system: with .lock torn, no cache is trusted until a writer starts a new epoch" {
	export ROSTER_SHARED_FS=1
	add_users --team Support a@x.org b@x.org
	add_users c@x.org
	run status --team Support --format tsv --no-header
	assert_equal "${#lines[@]}" 2
	cp "$ROSTER_DIR/.lock" "$BATS_TEST_TMPDIR/lock"
	m=$(mtime_of "$ROSTER_DIR/users")
	# Another host's change whose record this host cannot read whole: the
	# machine stopped while .lock was written.  The attributes look old.
	user-mod --team Support c@x.org >/dev/null
	mtime_back "$ROSTER_DIR/users" "$m"
	head -c 40 "$BATS_TEST_TMPDIR/lock" >"$ROSTER_DIR/.lock"
	[ "$(python3 "$HELPERS/lockrec.py" "$ROSTER_DIR")" = torn ]
	for i in 1 2; do
		run status --team Support --format tsv --no-header
		assert_success
		assert_equal "${#lines[@]}" 3
		assert_line --index 2 --partial 'c@x.org'
	done
	e=$(grep '^epoch ' "$BATS_TEST_TMPDIR/lock")
	user-mod --first-name Al a@x.org >/dev/null
	[ "$(python3 "$HELPERS/lockrec.py" "$ROSTER_DIR")" = idle ]
	grep -q '^epoch [0-9a-f]\{16\}$' "$ROSTER_DIR/.lock"
	[ "$(grep '^epoch ' "$ROSTER_DIR/.lock")" != "$e" ]
	run status --team Support --format tsv --no-header
	assert_equal "${#lines[@]}" 3
}

@test "shared file system: each part of the store has its own generation" {
	export ROSTER_SHARED_FS=1
	add_users a@x.org b@x.org
	u=$(grep '^gen users ' "$ROSTER_DIR/.lock")
	run assign-next --record ticket:1
	assert_success
	r=$(grep '^gen records.csv ' "$ROSTER_DIR/.lock")
	[ -n "$r" ]
	# A record leaves users' generation, and so their index, alone.
	[ "$(grep '^gen users ' "$ROSTER_DIR/.lock")" = "$u" ]
	status >/dev/null
	run assign-next --record ticket:2
	assert_success
	[ "$(grep '^gen records.csv ' "$ROSTER_DIR/.lock")" != "$r" ]
	[ "$(grep '^gen users ' "$ROSTER_DIR/.lock")" = "$u" ]
	run status --check
	assert_success
}

@test "shared file system: open counts carry records' generation" {
	export ROSTER_SHARED_FS=1
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org b@x.org >/dev/null
	run assign-next --record ticket:1
	assert_output "a@x.org"
	# A writer leaves open.idx to the next reader there.
	[ ! -e "$ROSTER_DIR/.cache/open.idx" ]
	run assign-next --dry-run
	assert_output "b@x.org"
	r=$(grep '^gen records.csv ' "$ROSTER_DIR/.lock" | cut -d' ' -f3)
	run head -n 1 "$ROSTER_DIR/.cache/open.idx"
	assert_output --partial "$(printf '\t%s\t' "$r")"
	run assign-next --record ticket:2
	assert_output "b@x.org"
	run --separate-stderr assign-next --dry-run
	assert_failure 1
	assert_output ""
	[[ $stderr == *"nobody in pool * is available"* ]]
	run status --check
	assert_success
}

@test "open counts follow records.csv edited by hand (capacity)" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org >/dev/null
	printf 'type,id,owner,state\nticket,1,a@x.org,open\n' >"$ROSTER_DIR/records.csv"
	run assign-next --dry-run
	assert_output "b@x.org"
	[ -f "$ROSTER_DIR/.cache/open.idx" ]
	# Closing the ticket by hand frees a@x.org again.
	printf 'type,id,owner,state\nticket,1,a@x.org,closed\n' >"$ROSTER_DIR/records.csv"
	run assign-next --dry-run
	assert_output "a@x.org"
	run assign-next --dry-run --mode balanced
	assert_output "a@x.org"
}

@test "open counts follow assign-next --record" {
	add_users a@x.org b@x.org
	user-mod --capacity 1 a@x.org b@x.org >/dev/null
	run assign-next --record ticket:1
	assert_output "a@x.org"
	run assign-next --record ticket:2
	assert_output "b@x.org"
	run assign-next --mode balanced --dry-run
	assert_failure 1
	grep -q 'a@x.org	1' "$ROSTER_DIR/.cache/open.idx"
}

@test "status --check says nothing of .cache, and deleting it changes nothing" {
	add_users --team Support a@x.org b@x.org
	user-mod --super-admin a@x.org >/dev/null
	assign-next --record ticket:1 >/dev/null
	status >/dev/null
	run status --check
	assert_success
	assert_output ""
	want=$(status --format tsv)
	rm -rf "$ROSTER_DIR/.cache"
	run status --format tsv
	assert_output "$want"
}

@test "status --check makes the index anew: an unseen edit does not outlive it" {
	add_users --team Support a@x.org
	add_users b@x.org
	status --team Support >/dev/null
	# Same size, same times: nothing the index can see.
	f=$ROSTER_DIR/users/b@x.org.yaml
	touch -r "$f" "$BATS_TEST_TMPDIR/stamp"
	sed 's/^teams: \[\]$/teams: [Support]/' "$f" >"$BATS_TEST_TMPDIR/b.yaml"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/b.yaml")" -ne "$(wc -c <"$f")" ] || skip "no teams: [] line"
	cat "$BATS_TEST_TMPDIR/b.yaml" >"$f"
	run status --check
	assert_success
	run status --team Support --format tsv --no-header
	assert_line --index 1 --partial "b@x.org"
}

# --- the cache as untrusted input -----------------------------------------

# Put byte value $2 at offset $3 of file $1, in place.
poke() {
	printf "\\$(printf '%03o' "$2")" |
	    dd of="$1" bs=1 seek="$3" conv=notrunc status=none
}

@test "a NUL byte in the index is not read past; the answer is a fresh one" {
	add_users --team Support $(seq -f 'u%03g@x.org' 1 200)
	want=$(fresh_status)
	status >/dev/null
	size=$(stat -c %s "$(idx)")
	for at in 200 $((size / 2)) $((size - 10)); do
		status >/dev/null
		poke "$(idx)" 0 "$at"
		run status --format tsv
		assert_success
		assert_output "$want"
		run status --format tsv --team Support
		assert_success
		assert_output "$want"
		# Built again: no NUL byte left in it.
		[ "$(tr -d '\000' <"$(idx)" | wc -c)" -eq "$(stat -c %s "$(idx)")" ]
	done
}

@test "a NUL byte in an entry's last field does not shorten the value" {
	add_users --team Support a@x.org b@x.org
	printf 'status_override:\n  status: away\n  until: 2026-12-31T00:00:00Z\n' \
	    >>"$ROSTER_DIR/users/a@x.org.yaml"
	want=$(fresh_status --team Support)
	assert_equal "$(printf '%s\n' "$want" | grep -c away)" 1
	status --team Support >/dev/null
	# The override's instant, in seconds: cut it short with a NUL.
	at=$(grep -b -o 'away:[0-9]*' "$(idx)" | head -1 | cut -d: -f1)
	[ -n "$at" ]
	poke "$(idx)" 0 $((at + 7))
	run status --format tsv --team Support
	assert_success
	assert_output "$want"
}

@test "an index entry changed consistently (its identity right) is not believed" {
	add_users a@x.org b@x.org
	hours-set a@x.org 'mon-fri=09:00-17:00' >/dev/null
	want=$(fresh_status)
	[[ $want == *$'a@x.org\tavailable\tworking-hours'* ]]
	# 09:00 becomes 11:00 in the index only; the frame, the offsets and
	# the fields stay valid: only the seals can tell.
	sed -i 's/540-1020/660-1020/g' "$(idx)"
	grep -q 660-1020 "$(idx)"
	run status --format tsv
	assert_success
	assert_output "$want"
}

# Answers of four readers with the cache as it is; $1 names the variant.
answers() {
	local q
	for q in 'status --format tsv' 'status --format tsv --team Support' \
	    'assign-next --dry-run' \
	    'assign-next --dry-run --mode balanced --team Support'; do
		[ "$2" = /dev/null ] || cp "$2" "$3"
		printf '%s\n' "== $q"
		$q 2>&1
		printf 'rc=%s\n' "$?"
	done
}

@test "cache property: any damage to .cache/ gives the fresh cache's answers" {
	add_users --team Support a@x.org b@x.org c@x.org d@x.org
	add_users --team Sales e@x.org f@x.org
	add_users --team Support --team Sales g@x.org
	hours-set b@x.org 'mon-fri=09:00-17:00' >/dev/null
	hours-set e@x.org 'mon-fri=12:00-13:00' >/dev/null
	ooo-add c@x.org --from 2026-11-20T00:00:00Z --to 2026-11-30T00:00:00Z \
	    >/dev/null
	status --set away d@x.org >/dev/null
	user-mod --capacity 1 a@x.org g@x.org >/dev/null
	printf 'type,id,owner,state\nticket,1,a@x.org,open\nticket,2,g@x.org,closed\n' \
	    >"$ROSTER_DIR/records.csv"
	assign-next --dry-run --mode balanced >/dev/null
	status >/dev/null
	good=$BATS_TEST_TMPDIR/good
	cp -r "$ROSTER_DIR/.cache" "$good"
	[ -f "$good/users.idx" ] && [ -f "$good/open.idx" ]
	rm -rf "$ROSTER_DIR/.cache"
	want=$(rm -rf "$ROSTER_DIR/.cache"; answers fresh /dev/null /dev/null)
	for f in users.idx open.idx; do
		python3 "$HELPERS/cachemut.py" "$good/$f" "$BATS_TEST_TMPDIR/m-$f" \
		    48 13 >"$BATS_TEST_TMPDIR/kinds-$f"
		for n in $(seq 1 48); do
			rm -rf "$ROSTER_DIR/.cache"
			cp -r "$good" "$ROSTER_DIR/.cache"
			got=$(answers "$n" "$BATS_TEST_TMPDIR/m-$f/$n" \
			    "$ROSTER_DIR/.cache/$f")
			if [ "$got" != "$want" ]; then
				echo "$f, variant $n: $(sed -n "${n}p" \
				    "$BATS_TEST_TMPDIR/kinds-$f")"
				diff <(echo "$want") <(echo "$got")
				return 1
			fi
		done
	done
}

@test "a FIFO as .cache/users.idx or open.idx hangs nobody; it is ignored" {
	add_users --team Support a@x.org b@x.org
	want=$(fresh_status)
	mkdir -p "$ROSTER_DIR/.cache"
	rm -f "$ROSTER_DIR/.cache/users.idx" "$ROSTER_DIR/.cache/open.idx"
	mkfifo "$ROSTER_DIR/.cache/users.idx" "$ROSTER_DIR/.cache/open.idx"
	run timeout 10 status --format tsv
	assert_success
	assert_output "$want"
	run timeout 10 assign-next --dry-run --mode balanced
	assert_success
	assert_output "a@x.org"
	# Replaced by a real index on the way.
	[ -f "$ROSTER_DIR/.cache/users.idx" ]
	[ ! -p "$ROSTER_DIR/.cache/users.idx" ]
}
