#!/usr/bin/env bats
# A store shared by several hosts, the part one host can test: a store file
# that another host replaced answers ESTALE to the open that follows, and
# every read or append of a store file then looks its path up again, once,
# before it is a store error (roster(5), "A store shared by several
# hosts").  The I/O fault shim (test/helpers/faultinject.c, FAULT_NAME)
# fails the Nth open of one file with ESTALE; for every N up to the number
# of times a clean run opens it, the command must succeed with the clean
# run's output and leave the clean run's store.  ROSTER_SHARED_FS=1 takes
# the paths of a network file system (the generation is read).  make
# sharedtest runs the rest on a real GlusterFS volume.  Each open or look
# at a path is a round trip there: the last test counts them (strace).

load helpers/common
load helpers/faults

local_setup() {
	local asan
	: "${FAULT_SHIM:=$BATS_TEST_DIRNAME/../build/dyn/test/faultinject.so}"
	if [ -z "${ROSTER_FAULT_BIN:-}" ] &&
	    ldd "$ROSTER_BIN/status" 2>/dev/null | grep -q '=>'; then
		ROSTER_FAULT_BIN=$ROSTER_BIN
	fi
	: "${ROSTER_FAULT_BIN:=$BATS_TEST_DIRNAME/../build/dyn/bin}"
	asan=$(ldd "$ROSTER_FAULT_BIN/status" 2>/dev/null |
	    awk '/libasan/ { print $3 }')
	FAULT_PRELOAD="${asan:+$asan }$FAULT_SHIM"
	export ROSTER_SHARED_FS=1
	user-add --no-welcome --team Support ann@x.org bob@x.org >/dev/null
	assign-next --record ticket:1 >/dev/null
	cp -a "$ROSTER_DIR" "$BATS_TEST_TMPDIR/seed"
}

# The store as the test began.
reseed() {
	rm -rf "$ROSTER_DIR"
	cp -a "$BATS_TEST_TMPDIR/seed" "$ROSTER_DIR"
}

# stale_each NAME CMD...: every open of NAME in turn fails with ESTALE;
# CMD does what a clean run does.
stale_each() {
	local name=$1 d=$BATS_TEST_TMPDIR n count want_out want_store
	shift
	export FAULT_NAME=$name
	reseed
	run_faulty "$d" "" 0 EIO 0 "$@"
	[ "$(cat "$d/rc")" = 0 ]
	want_out=$(cat "$d/out")
	want_store=$(store_dump "$ROSTER_DIR")
	count=$(awk '$1 == "openat" { print $2 }' "$d/calls")
	[ "$count" -gt 0 ] || { echo "$* never opens $name"; return 1; }
	for n in $(seq 1 "$count"); do
		reseed
		run_faulty "$d" openat "$n" ESTALE 0 "$@"
		grep -qx "hit 1" "$d/calls" ||
		    { echo "open $n of $name: no fault"; return 1; }
		[ "$(cat "$d/rc")" = 0 ] ||
		    { echo "open $n of $name: exit $(cat "$d/rc")"; cat "$d/err"; return 1; }
		[ "$(cat "$d/out")" = "$want_out" ] ||
		    { echo "open $n of $name: other output"; return 1; }
		[ "$(store_dump "$ROSTER_DIR")" = "$want_store" ] ||
		    { echo "open $n of $name: other store"; return 1; }
		[ ! -s "$d/err" ] ||
		    { echo "open $n of $name: said"; cat "$d/err"; return 1; }
	done
	unset FAULT_NAME
}

@test "ESTALE on records.csv, rotation.csv, audit.csv, .lock: assign-next --record retries" {
	stale_each records.csv assign-next --record ticket:2
	stale_each rotation.csv assign-next --record ticket:2
	stale_each audit.csv assign-next --record ticket:2
	stale_each .lock assign-next --record ticket:2
	stale_each roster.ini assign-next --record ticket:2
	run grep -c '^ticket,2,' "$ROSTER_DIR/records.csv"
	assert_output 1
}

@test "ESTALE on a user's file: status -q and status --set retry" {
	stale_each ann@x.org.yaml status -q ann@x.org
	stale_each ann@x.org.yaml status --set away ann@x.org
	stale_each audit.csv status --set away ann@x.org
	run grep -c 'override' "$ROSTER_DIR/users/ann@x.org.yaml"
	assert_output 1
}

@test "ESTALE twice in a row on one file is a store error, nothing written" {
	reseed
	before=$(store_sum)
	FAULT_NAME=records.csv run_faulty "$BATS_TEST_TMPDIR" openat 1 ESTALE 1 \
	    assign-next --record ticket:2
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 7 ]
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "records.csv: Stale file handle"
	[ "$(store_sum)" = "$before" ]
}

# trips CMD...: the lines of an strace of CMD that open or look at a path
# (each a round trip on a network file system), in $BATS_TEST_TMPDIR/trace.
trips() {
	# LeakSanitizer cannot run under ptrace: off for this one run of a
	# sanitizer build (the rest of the suite checks leaks).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -e trace=openat,mkdir,mkdirat,%stat,%lstat,%fstat -o "$BATS_TEST_TMPDIR/trace" \
	    "$ROSTER_BIN/$1" "${@:2}"
}

@test "a one-user user-add opens users/ once, looks at the new file once, makes no directory, no journal file" {
	run trips user-add --no-welcome cy@x.org
	assert_success
	assert_output "cy@x.org"
	[ -f "$ROSTER_DIR/users/cy@x.org.yaml" ]
	grep -q '^email: cy@x.org$' "$ROSTER_DIR/users/cy@x.org.yaml"
	run grep -c '"users", ' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run grep -c '^[0-9]* *mkdir' "$BATS_TEST_TMPDIR/trace"
	assert_output 0
	# The change's record goes to .lock, open already: no journal file
	# is looked for or made, no .generation read.
	run grep -c -E '"\.journal|"\.generation' "$BATS_TEST_TMPDIR/trace"
	assert_output 0
	run grep -c '"cy@x.org.yaml"' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	# Asked twice in one run (it exists, then the error): one look.
	run trips user-add --no-welcome cy@x.org
	[ "$status" -eq 3 ]
	assert_output --partial "cy@x.org is already a user"
	run grep -c '"cy@x.org.yaml"' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run user-list
	assert_line --partial "cy@x.org   -"
}

@test "on a shared file system each temporary and audit.csv is synced itself before .lock says so" {
	reseed
	# LeakSanitizer cannot run under ptrace (see trips above).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -s 4096 -e trace=openat,fdatasync,pwrite64,renameat \
	    -o "$BATS_TEST_TMPDIR/trace" \
	    "$ROSTER_BIN/assign-next" --record ticket:9
	# The order of the calls that matter, each on one line.
	awk '
	    /openat\(.*\.txn"/ { print "open-temp"; next }
	    /^[0-9]* *fdatasync/ { print "sync"; next }
	    /pwrite64\(.*change prepare/ { print "prepared"; next }
	    /pwrite64\(.*change commit/ { print "committed"; next }
	    /pwrite64\(.*roster-lock 1/ { print "at-rest"; next }
	    /pwrite64\(/ { print "audit-row"; next }
	    /renameat\(.*\.txn"/ { print "rename"; next }
	' "$BATS_TEST_TMPDIR/trace" | tr '\n' ' ' >"$BATS_TEST_TMPDIR/order"
	run cat "$BATS_TEST_TMPDIR/order"
	assert_output "prepared open-temp sync open-temp sync committed sync rename rename audit-row sync at-rest sync "
	run grep -c '^ticket,9,' "$ROSTER_DIR/records.csv"
	assert_output 1
	# Where syncfs() reaches the disk, it does instead: four syncs in all
	# (the cache's files have an fsync of their own, outside the change).
	reseed
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    ROSTER_SHARED_FS=0 strace -f -qq -e trace=fdatasync,syncfs \
	    -o "$BATS_TEST_TMPDIR/trace" \
	    "$ROSTER_BIN/assign-next" --record ticket:9
	run grep -c -E '^[0-9]* *(fdatasync|syncfs)\(' "$BATS_TEST_TMPDIR/trace"
	assert_output 4
}
