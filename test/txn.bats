#!/usr/bin/env bats
# txn.bats — one journaled transaction per change: commit, recovery,
# signals, the audit row inside the change, names too long to store.

load helpers/common

teardown() {
	if [ -n "${open_dir:-}" ]; then
		rm -rf "$open_dir"
	fi
}

# Write a record or a journal to $ROSTER_DIR/$1 from the body on stdin;
# with "torn" as $2 it is cut short in its rows (the machine stopped while
# it was written), with "bad" its hash does not match, with "noend" the end
# line is left off.
make_journal() {
	python3 -c '
import sys
body = sys.stdin.buffer.read()
h = 14695981039346656037
for b in body:
    h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
if sys.argv[2] == "bad":
    h ^= 1
end = b"" if sys.argv[2] == "noend" else b"end %d %016x\n" % (len(body), h)
text = body + end
if sys.argv[2] == "torn":
    text = text[:len(body) - 20]
open(sys.argv[1], "wb").write(text)
' "$ROSTER_DIR/$1" "${2:-}"
}

audit_rows() {
	if [ -f "$ROSTER_DIR/audit.csv" ]; then
		tail -n +2 "$ROSTER_DIR/audit.csv" | grep -c . || true
	else
		echo 0
	fi
}

lock_state() { python3 "$HELPERS/lockrec.py" "$ROSTER_DIR"; }

# A change that a crash cut short: bob's file is in its temporary, ann's
# welcome is to go, bob's audit row is in the record.  $1: "commit" (past
# the commit point; the default) or "prepare"; $2 as make_journal's.
# The record goes to .lock; with $3 "legacy" it is a journal of a store
# written before the record: .journal (commit) or .journal.tmp (prepare),
# .lock left empty.
journal_add_bob() {
	local state=${1:-commit} how=${2:-} legacy=${3:-} file=.lock
	add_users ann@example.org
	: >"$ROSTER_DIR/outbox/ann@example.org.eml"
	sed 's/ann@/bob@/' "$ROSTER_DIR/users/ann@example.org.yaml" \
	    >"$ROSTER_DIR/users/.bob@example.org.yaml.txn"
	size=$(stat -c %s "$ROSTER_DIR/audit.csv")
	row='2026-11-23T09:00:00Z,tester,user-add,add,bob@example.org,'
	if [ "$legacy" = legacy ]; then
		: >"$ROSTER_DIR/.lock"
		[ "$state" = commit ] && file=.journal || file=.journal.tmp
		printf '%s\n' "roster-journal 1" "tool user-add" \
		    "time 2026-11-23T09:00:00Z" "audit-size $size" \
		    "put users/bob@example.org.yaml" \
		    "del outbox/ann@example.org.eml" \
		    "rows $((${#row} + 1))" "$row" | make_journal "$file" "$how"
		return
	fi
	printf '%s\n' "roster-lock 1" "epoch 0123456789abcdef" \
	    "gen users 1111111111111111" "change $state" "tool user-add" \
	    "time 2026-11-23T09:00:00Z" "audit-size $size" \
	    "put users/bob@example.org.yaml" "del outbox/ann@example.org.eml" \
	    "rows $((${#row} + 1))" "$row" | make_journal "$file" "$how"
}

# The next writer discards bob's change (journal_add_bob), says so, and
# none of it is made.
writer_discards_bob() {
	run user-add --no-welcome cy@example.org
	assert_success
	[[ "$output" == *"user-add: discarded an interrupted change (user-add) from 2026-11-23T09:00:00Z: none of it was made"* ]]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ ! -e "$ROSTER_DIR/users/.bob@example.org.yaml.txn" ]
	[ -e "$ROSTER_DIR/outbox/ann@example.org.eml" ]
	[ "$(lock_state)" = idle ]
}

@test "a committed change in .lock is rolled forward by the next writer, once" {
	journal_add_bob
	[ "$(lock_state)" = commit ]
	rows=$(audit_rows)
	run user-add --no-welcome cy@example.org
	assert_success
	assert_line "cy@example.org"
	[[ "$output" == *"user-add: finished an interrupted change (user-add, 2 files) from 2026-11-23T09:00:00Z"* ]]
	[ -f "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ ! -e "$ROSTER_DIR/users/.bob@example.org.yaml.txn" ]
	[ ! -e "$ROSTER_DIR/outbox/ann@example.org.eml" ]
	[ "$(lock_state)" = idle ]
	[ "$(audit_rows)" -eq $((rows + 2)) ]
	grep -q ',add,bob@example.org,$' "$ROSTER_DIR/audit.csv"
	# The generation the record names is the store's now (its epoch
	# too), with cy's change on top.
	grep -qx 'epoch 0123456789abcdef' "$ROSTER_DIR/.lock"
	! grep -q '^gen users 1111111111111111$' "$ROSTER_DIR/.lock"
	user-mod --super-admin cy@example.org >/dev/null
	run status --check
	assert_success
	assert_output ""
}

@test "a committed change whose temporary was removed by hand: finished, the lost file named" {
	journal_add_bob
	rm "$ROSTER_DIR/users/.bob@example.org.yaml.txn"
	run user-add --no-welcome cy@example.org
	assert_success
	assert_line "user-add: users/bob@example.org.yaml: its temporary .bob@example.org.yaml.txn is gone: this file of the change was not made"
	[[ "$output" == *"user-add: finished an interrupted change (user-add, 2 files)"* ]]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ ! -e "$ROSTER_DIR/outbox/ann@example.org.eml" ]
	[ "$(lock_state)" = idle ]
	# A temporary renamed already (the file there) is no loss: silent.
	rm -rf "$ROSTER_DIR"
	journal_add_bob
	mv "$ROSTER_DIR/users/.bob@example.org.yaml.txn" \
	    "$ROSTER_DIR/users/bob@example.org.yaml"
	run user-add --no-welcome cy@example.org
	assert_success
	refute_output --partial "is gone"
}

@test "a reader finishes a committed change before it answers" {
	journal_add_bob
	run status --format tsv --no-header
	assert_success
	[[ "$output" == *"status: finished an interrupted change (user-add, 2 files)"* ]]
	[[ "$output" == *"bob@example.org"* ]]
	[ "$(lock_state)" = idle ]
	grep -q '^gen users 1111111111111111$' "$ROSTER_DIR/.lock"
	[ "$(grep -c ',add,bob@example.org,' "$ROSTER_DIR/audit.csv")" -eq 1 ]
}

@test "rolling forward twice (a crash during recovery) changes nothing more" {
	journal_add_bob
	cp "$ROSTER_DIR/.lock" "$BATS_TEST_TMPDIR/j"
	run status
	assert_success
	sum=$(store_sum)
	# The same record again, as if the recovery died before it wrote the
	# store at rest; audit.csv also has a torn tail of the rows written
	# the first time.
	cp "$BATS_TEST_TMPDIR/j" "$ROSTER_DIR/.lock"
	printf '2026-11-23T09:00:00Z,tes' >>"$ROSTER_DIR/audit.csv"
	run status
	assert_success
	[ "$(store_sum)" = "$sum" ]
	[ "$(lock_state)" = idle ]
	[ "$(grep -c ',add,bob@example.org,' "$ROSTER_DIR/audit.csv")" -eq 1 ]
}

@test "a prepared change is rolled back: temporaries removed, nothing made" {
	journal_add_bob prepare
	rows=$(audit_rows)
	writer_discards_bob
	# The prepared record's generation was the store's: kept.
	grep -qx 'epoch 0123456789abcdef' "$ROSTER_DIR/.lock"
	[ "$(audit_rows)" -eq $((rows + 1)) ]
	run grep -c bob@ "$ROSTER_DIR/audit.csv"
	assert_output 0
}

@test "a torn or damaged record is a change that never committed: rolled back, a new epoch" {
	for how in torn bad noend; do
		rm -rf "$ROSTER_DIR"
		journal_add_bob commit "$how"
		[ "$(lock_state)" = torn ]
		rows=$(audit_rows)
		# A reader leaves it: nothing to finish, the generation unknown.
		run status --format tsv --no-header
		assert_success
		refute_output --partial bob@
		[ -e "$ROSTER_DIR/users/.bob@example.org.yaml.txn" ]
		writer_discards_bob
		! grep -q '^epoch 0123456789abcdef$' "$ROSTER_DIR/.lock"
		[ "$(audit_rows)" -eq $((rows + 1)) ]
		run status --check
		refute_output --partial problem
	done
}

@test "a whole record with a line not understood stops every command (7), left as it is" {
	for line in "del .lock" "put .cache/users.idx" "del .journal" \
	    "audit-size -5" "frobnicate users" "tool twice"; do
		rm -rf "$ROSTER_DIR"
		add_users ann@example.org
		printf '%s\n' "roster-lock 1" "epoch 0123456789abcdef" \
		    "change commit" "tool user-add" "time 2026-11-23T09:00:00Z" \
		    "audit-size 0" "$line" "rows 0" | make_journal .lock
		cp "$ROSTER_DIR/.lock" "$BATS_TEST_TMPDIR/lock"
		sum=$(store_sum)
		for cmd in "user-add --no-welcome cy@example.org" status \
		    "status --check"; do
			# shellcheck disable=SC2086
			run $cmd
			assert_failure 7
			assert_output --partial "/.lock:7: a record this roster cannot read; nothing done"
		done
		cmp "$ROSTER_DIR/.lock" "$BATS_TEST_TMPDIR/lock"
		[ "$(store_sum)" = "$sum" ]
		[ -e "$ROSTER_DIR/users/ann@example.org.yaml" ]
	done
}

@test "a program name with a newline forges no line of the record or the audit" {
	add_users ann@example.org
	( exec -a "$(printf 'user-add\ndel roster.ini')" "$ROSTER_BIN/user-add" \
	    --no-welcome cy@example.org ) >"$BATS_TEST_TMPDIR/out" 2>&1
	[ -f "$ROSTER_DIR/roster.ini" ]
	[ -f "$ROSTER_DIR/users/cy@example.org.yaml" ]
	[ "$(lock_state)" = idle ]
	grep -q '^[^,]*,[^,]*,user-add?del?roster.ini,add,cy@example.org,' "$ROSTER_DIR/audit.csv"
	run status --check
	refute_output --partial problem
}

@test "a reader without write access does not read a change half made (7)" {
	journal_add_bob
	open_dir=$(mktemp -d /tmp/roster-ro.XXXXXX)
	chmod 755 "$open_dir"
	cp "$ROSTER_BIN/status" "$open_dir/status"
	cp -a "$ROSTER_DIR" "$open_dir/store"
	chmod -R a+rX "$open_dir"
	chmod a-w "$open_dir/store" "$open_dir/store/users" "$open_dir/store/.lock"
	sum=$(ROSTER_DIR="$open_dir/store" store_sum)
	cp "$open_dir/store/.lock" "$BATS_TEST_TMPDIR/lock"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env ROSTER_DIR="$open_dir/store" ROSTER_NOW="$ROSTER_NOW" \
	    "$open_dir/status" --format tsv --no-header
	assert_failure 7
	assert_output "status: $open_dir/store/.lock: an interrupted change waits to be finished by a command with write access to the store"
	[ "$(ROSTER_DIR="$open_dir/store" store_sum)" = "$sum" ]
	cmp "$open_dir/store/.lock" "$BATS_TEST_TMPDIR/lock"
}

@test "a store written before the lock record: .journal finished, .journal.tmp discarded" {
	journal_add_bob commit "" legacy
	run status --format tsv --no-header
	assert_success
	[[ "$output" == *"status: finished an interrupted change (user-add, 2 files) from 2026-11-23T09:00:00Z"* ]]
	[[ "$output" == *"bob@example.org"* ]]
	[ ! -e "$ROSTER_DIR/.journal" ]
	[ ! -e "$ROSTER_DIR/users/.bob@example.org.yaml.txn" ]
	[ "$(grep -c ',add,bob@example.org,' "$ROSTER_DIR/audit.csv")" -eq 1 ]
	rm -rf "$ROSTER_DIR"
	journal_add_bob prepare noend legacy
	run user-add --no-welcome cy@example.org
	assert_success
	[[ "$output" == *"user-add: discarded an interrupted change (user-add) from 2026-11-23T09:00:00Z: none of it was made"* ]]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ ! -e "$ROSTER_DIR/users/.bob@example.org.yaml.txn" ]
	[ ! -e "$ROSTER_DIR/.journal.tmp" ]
	[ "$(lock_state)" = idle ]
}

@test "a store written before the lock record: its .generation carried over, then removed" {
	ROSTER_SHARED_FS=1 add_users ann@example.org
	: >"$ROSTER_DIR/.lock"
	printf 'users 2222222222222222\nroster.ini 3333333333333333\n' \
	    >"$ROSTER_DIR/.generation"
	run assign-next --record ticket:1
	assert_success
	assert_output ann@example.org
	[ ! -e "$ROSTER_DIR/.generation" ]
	[ "$(lock_state)" = idle ]
	grep -q '^gen users 2222222222222222$' "$ROSTER_DIR/.lock"
	grep -q '^gen roster.ini 3333333333333333$' "$ROSTER_DIR/.lock"
	grep -q '^gen records.csv [0-9a-f]\{16\}$' "$ROSTER_DIR/.lock"
	grep -q '^epoch [0-9a-f]\{16\}$' "$ROSTER_DIR/.lock"
	run status --check
	refute_output --partial problem
}

@test "a damaged journal of a store written before the record stops every command (7)" {
	journal_add_bob commit bad legacy
	sum=$(store_sum)
	run user-add --no-welcome cy@example.org
	assert_failure 7
	assert_output --partial "/.journal: damaged journal of an interrupted change"
	run status
	assert_failure 7
	assert_output --partial ".journal: damaged journal"
	[ "$(store_sum)" = "$sum" ]
	run status --check
	assert_failure 7
	assert_output --partial ".journal: damaged journal"
	[ "$(store_sum)" = "$sum" ]
}

@test "SIGINT during a 100-user import: all or nothing, one audit row each" {
	{
		echo email
		for i in $(seq 1 100); do echo "u$i@example.org"; done
	} >"$BATS_TEST_TMPDIR/hundred.csv"
	t0=$(date +%s%N)
	user-add --csv "$BATS_TEST_TMPDIR/hundred.csv" >/dev/null
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000 + 2))
	seen_none=0 seen_all=0
	for i in $(seq 1 24); do
		rm -rf "$ROSTER_DIR"
		add_users ann@example.org
		delay=$((i * ms * 5 / 4 / 24))
		run timeout -s INT "0.$(printf '%03d' "$delay")" \
		    user-add --csv "$BATS_TEST_TMPDIR/hundred.csv"
		echo "delay ${delay}ms -> $status: ${lines[*]:0:1} ... ${lines[*]: -1}"
		n=$(find "$ROSTER_DIR/users" -name 'u*.yaml' | wc -l)
		m=$(find "$ROSTER_DIR/outbox" -name 'u*.eml' | wc -l)
		run status --check
		assert_success
		[ -z "$(find "$ROSTER_DIR" -name '*.txn' -o -name '.journal*')" ]
		if [ "$n" -eq 0 ]; then
			[ "$m" -eq 0 ]
			[ "$(audit_rows)" -eq 1 ]
			seen_none=1
		else
			[ "$n" -eq 100 ]
			[ "$m" -eq 100 ]
			[ "$(audit_rows)" -eq 101 ]
			seen_all=1
		fi
	done
	[ "$seen_none" -eq 1 ]
	[ "$seen_all" -eq 1 ]
}

@test "SIGINT and SIGTERM before the commit point: 130 and 143, one line" {
	add_users ann@example.org
	sum=$(store_sum)
	# Held at the lock, the command has staged nothing yet.
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 10 \
	    >"$BATS_TEST_TMPDIR/held" &
	holder=$!
	until grep -q locked "$BATS_TEST_TMPDIR/held"; do sleep 0.05; done
	user-add bob@example.org >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 0.3
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$rc" -eq 130 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "user-add: interrupted (SIGINT); nothing was changed" ]
	user-mod --first-name Zed ann@example.org >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 0.3
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "user-mod: terminated (SIGTERM); nothing was changed" ]
	kill "$holder"
	wait "$holder" || true
	[ "$(store_sum)" = "$sum" ]
}

@test "audit.csv has exactly one row per change that landed, none for refused ones" {
	add_users ann@example.org bob@example.org
	[ "$(audit_rows)" -eq 2 ]
	run user-add ann@example.org
	assert_failure 3
	run user-mod --first-name Ann ann@example.org bob@example.org
	assert_success
	run user-mod --first-name Ann ann@example.org
	assert_success
	run user-add --dry-run cy@example.org
	assert_success
	[ "$(audit_rows)" -eq 4 ]
	[ "$(grep -c ',modify,' "$ROSTER_DIR/audit.csv")" -eq 2 ]
}

@test "a torn audit row is reported by check and dropped by the next change" {
	add_users --super-admin ann@example.org
	torn='2026-11-23T10:00:00Z,tester,user-add,add,bo'
	printf '%s' "$torn" >>"$ROSTER_DIR/audit.csv"
	run status --check
	assert_failure 7
	assert_line --partial "audit.csv:3: a row torn in half"
	run user-add --no-welcome bob@example.org
	assert_success
	assert_line "user-add: audit.csv: dropped a torn last row (${#torn} bytes with no newline)"
	assert_line "bob@example.org"
	tail -n 1 "$ROSTER_DIR/audit.csv" | grep -q '^2026-11-23T10:00:00Z,tester,user-add,add,bob@example.org,$'
	[ "$(audit_rows)" -eq 2 ]
	run status --check
	assert_success
	assert_output ""
}

@test "an address too long to store is refused (5) before anything is written" {
	long_a="$(printf 'a%.0s' {1..64})@$(printf 'b%.0s' {1..61}).$(printf 'c%.0s' {1..61}).$(printf 'd%.0s' {1..60})"
	long_u="$(printf 'ü%.0s' {1..32})@$(printf 'b%.0s' {1..50}).example.org"
	for addr in "$long_a" "$long_u"; do
		for dry in "" --dry-run; do
			rm -rf "$ROSTER_DIR"
			# shellcheck disable=SC2086
			run user-add $dry ann@example.org "$addr"
			assert_failure 5
			assert_output "user-add: $addr: too long to store (its file name needs $((${#addr} > 200 ? 283 : 289)) bytes; at most 255)"
			[ -z "$(find "$ROSTER_DIR" -name '*.yaml' -o -name '*.eml' -o -name audit.csv 2>/dev/null)" ]
		done
	done
	printf 'email\nann@example.org\n%s\n' "$long_u" >"$BATS_TEST_TMPDIR/long.csv"
	run user-add --csv "$BATS_TEST_TMPDIR/long.csv"
	assert_failure 5
	assert_output "user-add: $BATS_TEST_TMPDIR/long.csv:3: $long_u: too long to store (its file name needs 289 bytes; at most 255)"
	[ -z "$(find "$ROSTER_DIR" -name '*.yaml')" ]
}

@test "check: a user active and removed at once, and two primary contacts" {
	add_users ann@example.org bob@example.org
	user-mod --contact primary ann@example.org >/dev/null
	run status --check
	assert_success
	mkdir -p "$ROSTER_DIR/removed/bob@example.org"
	sed 's/^welcome:.*/removed_at: 2026-11-23T11:00:00Z/' \
	    "$ROSTER_DIR/users/bob@example.org.yaml" \
	    >"$ROSTER_DIR/removed/bob@example.org/20261123T110000Z.yaml"
	sed -i 's/^contact_roles: \[\]/contact_roles: [primary]/' \
	    "$ROSTER_DIR/users/bob@example.org.yaml"
	run status --check
	assert_failure 7
	assert_line "removed/bob@example.org/20261123T110000Z.yaml: bob@example.org is active and removed at once: removed 2026-11-23T11:00:00Z, after its users/ file was created 2026-11-23T10:00:00Z (its users/ file put back by hand or from a copy: user-rm removes it, or remove the archive to keep the user)"
	assert_line "users/bob@example.org.yaml:5: a second primary contact (users/ann@example.org.yaml is one already); an account has one, handed on with user-mod --contact primary EMAIL"
	# Removed, then added again: no problem.
	sed 's/^removed_at:.*/removed_at: 2026-11-23T09:00:00Z/' \
	    "$ROSTER_DIR/removed/bob@example.org/20261123T110000Z.yaml" \
	    >"$ROSTER_DIR/removed/bob@example.org/20261123T090000Z.yaml"
	rm "$ROSTER_DIR/removed/bob@example.org/20261123T110000Z.yaml"
	run status --check
	refute_output --partial "active and removed at once"
}

@test "user-rm: the removal is one change; the store is sound after it" {
	add_users --team Support ann@example.org bob@example.org
	printf 'type,id,owner,state\nticket,1,bob@example.org,open\n' \
	    >"$ROSTER_DIR/records.csv"
	run user-rm --reassign-to ann@example.org bob@example.org
	assert_success
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ -e "$ROSTER_DIR/removed/bob@example.org/20261123T100000Z.yaml" ]
	grep -q '^ticket,1,ann@example.org,open$' "$ROSTER_DIR/records.csv"
	[ "$(grep -c ',remove,bob@example.org,' "$ROSTER_DIR/audit.csv")" -eq 1 ]
	run status --check
	assert_success
}

@test "a write that fails before the commit point leaves the whole batch out" {
	add_users ann@example.org
	mkdir "$ROSTER_DIR/outbox/cy@example.org.eml"
	sum=$(store_sum)
	run user-add bob@example.org cy@example.org dan@example.org
	assert_failure 7
	assert_output "user-add: outbox/cy@example.org.eml: not a regular file; not replaced"
	[ "$(store_sum)" = "$sum" ]
	[ ! -e "$ROSTER_DIR/users/bob@example.org.yaml" ]
	[ -z "$(find "$ROSTER_DIR" -name '*.txn' -o -name '.journal*')" ]
	[ "$(audit_rows)" -eq 1 ]
}

@test "audit.csv that is not a regular file is refused before the commit point" {
	add_users ann@example.org
	rm "$ROSTER_DIR/audit.csv"
	mkdir "$ROSTER_DIR/audit.csv"
	sum=$(store_sum)
	run user-add --no-welcome bob@example.org
	assert_failure 7
	assert_output "user-add: audit.csv: not a regular file; nothing written"
	[ "$(store_sum)" = "$sum" ]
	[ -z "$(find "$ROSTER_DIR" -name '*.txn' -o -name '.journal*')" ]
	rmdir "$ROSTER_DIR/audit.csv"
	ln -s /dev/null "$ROSTER_DIR/audit.csv"
	run user-mod --first-name Ann ann@example.org
	assert_failure 7
	assert_output "user-mod: audit.csv: is a symbolic link; nothing written"
	[ "$(lock_state)" = idle ]
}

# Run "$@" killed with SIGKILL after a delay that grows with $1 (the try)
# up to a little more than $2 ms, the command's usual run time.
kill_after() {
	local try=$1 ms=$2
	shift 2
	"$@" >/dev/null 2>&1 &
	local pid=$!
	sleep "$(printf '0.%03d' $((try * ms * 5 / 4 / 24)))"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" || true
}

@test "SIGKILL during a 100-user import: the next command finishes or drops it whole" {
	{
		echo email
		for i in $(seq 1 100); do echo "u$i@example.org"; done
	} >"$BATS_TEST_TMPDIR/hundred.csv"
	t0=$(date +%s%N)
	user-add --csv "$BATS_TEST_TMPDIR/hundred.csv" >/dev/null
	ms=$((($(date +%s%N) - t0) / 1000000 + 2))
	for i in $(seq 1 24); do
		rm -rf "$ROSTER_DIR"
		add_users ann@example.org
		kill_after "$i" "$ms" user-add --csv "$BATS_TEST_TMPDIR/hundred.csv"
		run status --check
		assert_success
		refute_output --partial "problem"
		[ "$(lock_state)" != commit ]
		n=$(find "$ROSTER_DIR/users" -name 'u*.yaml' | wc -l)
		m=$(find "$ROSTER_DIR/outbox" -name 'u*.eml' | wc -l)
		echo "try $i: $n users, $m messages, $(audit_rows) rows"
		if [ "$n" -eq 0 ]; then
			[ "$m" -eq 0 ]
			[ "$(audit_rows)" -eq 1 ]
		else
			[ "$n" -eq 100 ]
			[ "$m" -eq 100 ]
			[ "$(audit_rows)" -eq 101 ]
		fi
	done
}

@test "SIGKILL during user-rm --reassign-to with 1,000 records: all or nothing" {
	add_users --team Support ann@example.org bob@example.org
	{
		echo type,id,owner,state
		for i in $(seq 1 1000); do echo "ticket,$i,bob@example.org,open"; done
	} >"$BATS_TEST_TMPDIR/records.csv"
	cp -a "$ROSTER_DIR" "$BATS_TEST_TMPDIR/orig"
	cp "$BATS_TEST_TMPDIR/records.csv" "$ROSTER_DIR/records.csv"
	t0=$(date +%s%N)
	user-rm --reassign-to ann@example.org bob@example.org
	ms=$((($(date +%s%N) - t0) / 1000000 + 2))
	for i in $(seq 1 24); do
		rm -rf "$ROSTER_DIR"
		cp -a "$BATS_TEST_TMPDIR/orig" "$ROSTER_DIR"
		cp "$BATS_TEST_TMPDIR/records.csv" "$ROSTER_DIR/records.csv"
		kill_after "$i" "$ms" user-rm --reassign-to ann@example.org bob@example.org
		run status --check
		assert_success
		bob=$(grep -c ',bob@example.org,' "$ROSTER_DIR/records.csv" || true)
		ann=$(grep -c ',ann@example.org,' "$ROSTER_DIR/records.csv" || true)
		echo "try $i: bob $bob, ann $ann, $(audit_rows) rows"
		if [ -e "$ROSTER_DIR/users/bob@example.org.yaml" ]; then
			[ -z "$(ls "$ROSTER_DIR/removed/bob@example.org" 2>/dev/null)" ]
			[ "$bob" -eq 1000 ]
			[ "$(audit_rows)" -eq 2 ]
		else
			[ -e "$ROSTER_DIR/removed/bob@example.org/20261123T100000Z.yaml" ]
			[ "$ann" -eq 1000 ]
			[ "$(audit_rows)" -eq 3 ]
			[ "$(grep -c ',remove,bob@example.org,' "$ROSTER_DIR/audit.csv")" -eq 1 ]
		fi
	done
}

@test "SIGKILL during assign-next --backlog of 100: all assigned or none" {
	add_users ann@example.org bob@example.org
	{
		echo type,id,owner,state
		for i in $(seq 1 100); do echo "ticket,$i,,open"; done
	} >"$BATS_TEST_TMPDIR/records.csv"
	cp -a "$ROSTER_DIR" "$BATS_TEST_TMPDIR/orig"
	cp "$BATS_TEST_TMPDIR/records.csv" "$ROSTER_DIR/records.csv"
	t0=$(date +%s%N)
	assign-next --backlog >/dev/null
	ms=$((($(date +%s%N) - t0) / 1000000 + 2))
	for i in $(seq 1 24); do
		rm -rf "$ROSTER_DIR"
		cp -a "$BATS_TEST_TMPDIR/orig" "$ROSTER_DIR"
		cp "$BATS_TEST_TMPDIR/records.csv" "$ROSTER_DIR/records.csv"
		kill_after "$i" "$ms" assign-next --backlog
		run status --check
		assert_success
		open=$(grep -c ',,open$' "$ROSTER_DIR/records.csv" || true)
		echo "try $i: $open unassigned, $(audit_rows) rows"
		if [ "$open" -eq 100 ]; then
			[ "$(audit_rows)" -eq 2 ]
			[ ! -e "$ROSTER_DIR/rotation.csv" ]
		else
			[ "$open" -eq 0 ]
			[ "$(audit_rows)" -eq 102 ]
			[ "$(grep -c ',assign,' "$ROSTER_DIR/audit.csv")" -eq 100 ]
			[ -e "$ROSTER_DIR/rotation.csv" ]
		fi
	done
}
