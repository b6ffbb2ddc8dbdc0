#!/usr/bin/env bash
# sharedtest.sh — a store shared by two "hosts", for real: a GlusterFS
# volume on loopback, FUSE-mounted twice, each mount used from its own PID
# namespace (unshare -pf --mount-proc), so that process IDs mean nothing
# from one "host" to the other.
#
#   sharedtest.sh test BIN    the scenarios; ends with "N passed, N failed"
#   sharedtest.sh bench BIN   local against shared times of common commands
#
# Three mounts of one volume: m1 and m2 with the settings roster(5) asks
# for (attribute and entry timeouts 0), m3 with 1 s timeouts (as NFS
# caches attributes) for the cache scenario.
#
# SHARED_SETTINGS=default leaves the volume and the mounts at GlusterFS's
# defaults (client caches on, kernel timeouts 1 s) instead of the settings
# roster(5) asks for: the scenarios then show why they matter.
# SHARED_LOOPS (default 100) is the number of commands per loop.
# Without root, /dev/fuse or GlusterFS it says so and exits 0, "not run".
# It ends only what it started: its glusterd (when none was running), its
# volume, its mounts.
set -u

mode=${1:-test}
bin=${2:?usage: sharedtest.sh test|bench BIN}
loops=${SHARED_LOOPS:-100}
settings=${SHARED_SETTINGS:-roster}
vol=roster$$
host=127.0.0.2		# the CLI refuses localhost and 127.0.0.1
w=
gd_pid=
pass=0
fail=0

say() { printf 'sharedtest: %s\n' "$*"; }

not_run() {
	if [ "$mode" = bench ]; then
		say "no shared-mount figures (local ones only above): $*"
	else
		say "not run: $*"
	fi
	[ "$mode" = test ] && echo "0 passed, 0 failed"
	exit 0
}

can_run() {
	[ "$(id -u)" = 0 ] || not_run "needs root (FUSE mounts, glusterd)"
	[ -c /dev/fuse ] || not_run "no /dev/fuse"
	for t in glusterd gluster mount.glusterfs unshare; do
		command -v "$t" >/dev/null 2>&1 ||
		    not_run "$t is missing (make deps installs glusterfs-server, glusterfs-client)"
	done
}

# --- the test bed ------------------------------------------------------------

gl() { gluster --mode=script "$@" >>"$w/gluster.log" 2>&1; }

teardown() {
	local m
	for m in "$w"/m*; do
		[ -d "$m" ] && mountpoint -q "$m" && umount -l "$m"
	done
	if [ -n "$vol" ] && [ -f "$w/volume" ]; then
		gl volume stop "$vol" force
		gl volume delete "$vol"
	fi
	if [ -n "$gd_pid" ]; then
		kill "$gd_pid" 2>/dev/null
		wait "$gd_pid" 2>/dev/null
	fi
	[ -n "$w" ] && rm -rf "$w"
}

# mount_one DIR ATTR-TIMEOUT ENTRY-TIMEOUT
mount_one() {
	mkdir -p "$1"
	mount -t glusterfs -o "attribute-timeout=$2,entry-timeout=$3,negative-timeout=$3" \
	    "$host:/$vol" "$1" >>"$w/gluster.log" 2>&1
}

setup() {
	local i
	w=$(mktemp -d /tmp/roster-shared.XXXXXX) || exit 1
	trap teardown EXIT
	trap 'exit 130' INT TERM
	if ! gluster --mode=script volume list >/dev/null 2>&1; then
		glusterd -N --log-file="$w/glusterd.log" >"$w/glusterd.out" 2>&1 &
		gd_pid=$!
		for i in $(seq 50); do
			gluster --mode=script volume list >/dev/null 2>&1 && break
			sleep 0.2
		done
	fi
	mkdir -p "$w/brick"
	gl volume create "$vol" "$host:$w/brick" force ||
	    { cat "$w/gluster.log"; not_run "cannot create a GlusterFS volume"; }
	: >"$w/volume"
	if [ "$settings" != default ]; then
		gl volume set "$vol" performance.stat-prefetch off
		gl volume set "$vol" performance.quick-read off
		gl volume set "$vol" performance.open-behind off
	fi
	gl volume start "$vol" || not_run "cannot start the volume"
	if [ "$settings" = default ]; then
		mount_one "$w/m1" 1 1 && mount_one "$w/m2" 1 1
	else
		mount_one "$w/m1" 0 0 && mount_one "$w/m2" 0 0
	fi || { cat "$w/gluster.log"; not_run "cannot mount the volume (FUSE)"; }
	# A third mount with a 1 s attribute timeout, as NFS would cache
	# attributes: for the cache scenario.
	mount_one "$w/m3" 1 1 || not_run "cannot mount the volume (FUSE)"
}

# on N CMD...: run a command as host N (its own PID namespace), the store
# on host N's mount.
on() {
	local n=$1
	shift
	ROSTER_DIR="$w/m$n/store" unshare -pf --mount-proc env PATH="$bin:$PATH" "$@"
}

check() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		echo "not ok - $2"
	fi
}

# --- the scenarios -----------------------------------------------------------

new_store() {
	rm -rf "$w/m1/store"
	on 1 user-add --no-welcome --team pool "$@" >/dev/null
}

# loop HOST TAG N: N assign-next --record through host's mount; "ID OWNER"
# for each that succeeded, one a line, in $w/out.TAG.
loop() {
	local h=$1 tag=$2 n=$3 i o
	for i in $(seq "$n"); do
		o=$(on "$h" assign-next --record "ticket:$tag-$i" 2>>"$w/err.$tag") &&
		    echo "$tag-$i $o"
	done >"$w/out.$tag"
}

# How many printed records (ID OWNER lines of the files given) are not
# in records.csv with that owner.
lost() {
	local ids
	ids=$(tail -n +2 "$w/m1/store/records.csv" | awk -F, '{ print $2 " " $3 }')
	cat "$@" | grep -cvxF -f <(printf '%s\n' "$ids")
}

rows() { tail -n +2 "$w/m1/store/records.csv" | grep -c .; }

scenario_concurrency() {
	local t pids=() printed kept distinct
	new_store a@x.org b@x.org c@x.org d@x.org || { check 1 "store made"; return; }
	for t in 1a 1b 2a 2b; do
		loop "${t%?}" "$t" "$loops" &
		pids+=("$!")
	done
	wait "${pids[@]}"
	printed=$(cat "$w"/out.[12][ab] | grep -c .)
	kept=$(rows)
	distinct=$(tail -n +2 "$w/m1/store/records.csv" | cut -d, -f2 | sort -u | grep -c .)
	say "concurrency: 4 loops x $loops: $printed printed, $kept rows, $distinct distinct ids"
	check $(( printed == 4 * loops ? 0 : 1 )) "every command of 4 concurrent loops succeeded"
	t=$(lost "$w"/out.[12][ab])
	check $(( kept == printed && distinct == printed && t == 0 ? 0 : 1 )) \
	    "every printed record is in records.csv with its owner, once"
	on 1 status --check >/dev/null 2>&1
	check $? "status --check clean through host 1"
	on 2 status --check >/dev/null 2>&1
	check $? "status --check clean through host 2"
	# Round robin through both hosts: the owners are shared out evenly.
	t=$(tail -n +2 "$w/m1/store/records.csv" | cut -d, -f3 | sort | uniq -c |
	    awk -v n="$loops" '$1 != n { bad++ } END { print bad + 0 }')
	check "$t" "round robin gave each of 4 owners $loops records"
}

scenario_kill() {
	local t pids=() printed missing
	new_store a@x.org b@x.org || { check 1 "store made"; return; }
	for t in 1k 2k; do
		loop "${t%?}" "$t" "$loops" &
		pids+=("$!")
	done
	# Kill whole process groups of the hosts' commands, at random times.
	for t in $(seq 6); do
		sleep "0.$((RANDOM % 9 + 1))"
		pkill_one
	done
	wait "${pids[@]}"
	on 1 status --check >/dev/null 2>"$w/check.err"
	check $? "status --check clean after kill -9 (host 1)"
	printed=$(cat "$w/out.1k" "$w/out.2k" | grep -c .)
	missing=$(lost "$w/out.1k" "$w/out.2k")
	say "kill -9: $printed printed, $(rows) rows, $missing printed but lost"
	check "$missing" "nothing printed is lost when writers are killed"
	on 2 assign-next --record ticket:after-kill >/dev/null 2>&1
	check $? "the store takes a record through host 2 after the kills"
}

# Kill -9 one running assign-next of ours (its parent is one of our
# unshare processes: never anything we did not start).
pkill_one() {
	local p
	for p in $(pgrep -x assign-next); do
		if grep -q "$w" "/proc/$p/environ" 2>/dev/null; then
			kill -9 "$p" 2>/dev/null
			return
		fi
	done
}

scenario_cache() {
	local i right=0 n=20 who
	new_store a@x.org b@x.org || { check 1 "store made"; return; }
	on 1 user-add --no-welcome c@x.org >/dev/null
	on 1 user-mod --no-team pool a@x.org b@x.org >/dev/null
	on 3 status --team pool >/dev/null 2>&1
	for i in $(seq "$n"); do
		# Host 1 puts c@x.org into the empty pool, then takes it out
		# again; host 3, which caches attributes for 1 s, asks between.
		on 1 user-mod --team pool c@x.org >/dev/null 2>&1
		who=$(on 3 status --team pool --format tsv --no-header 2>&1 | cut -f1)
		[ "$who" = c@x.org ] && right=$((right + 1))
		on 1 user-mod --no-team pool c@x.org >/dev/null 2>&1
		who=$(on 3 status --team pool --format tsv --no-header 2>&1 | cut -f1)
		[[ $who != *c@x.org* ]] && right=$((right + 1))
	done
	say "cache (1 s attribute timeout): $right of $((2 * n)) right"
	check $(( right == 2 * n ? 0 : 1 )) "a team change on one host is seen on the other"
}

# A member's own file changed on host 1 (an override set and lifted): host
# 3 keeps the file's old entry and attributes for 1 s, so only the
# generation tells it that the index no longer holds.
scenario_cache_member() {
	local i right=0 n=20 st want
	new_store a@x.org b@x.org || { check 1 "store made"; return; }
	on 3 status --team pool >/dev/null 2>&1
	for i in $(seq "$n"); do
		for st in away available; do
			on 1 status --set "$st" a@x.org >/dev/null 2>&1
			want=$(on 1 status --team pool --format tsv --no-header 2>&1)
			[ "$(on 3 status --team pool --format tsv --no-header 2>&1)" = "$want" ] &&
			    right=$((right + 1))
		done
	done
	say "cache, a member's file (1 s timeouts): $right of $((2 * n)) right"
	check $(( right == 2 * n ? 0 : 1 )) "a member's change on one host is seen on the other"
}

# --- bench ---------------------------------------------------------------------

# us DIR WHAT TAG: the median wall time in microseconds of 21 runs of one
# command (WHAT: record, status, user-add) on the store DIR (a median: the
# machine may be busy with other work); TAG makes the new ids and
# addresses new.  The clock is bash's own (EPOCHREALTIME): no process but
# the command's own is timed.
us() {
	local d=$1 t=$3 s e i
	for i in $(seq 21); do
		s=${EPOCHREALTIME//[.,]/}
		case $2 in
		record) ROSTER_DIR=$d "$bin/assign-next" --record "ticket:$t$i";;
		status) ROSTER_DIR=$d "$bin/status" -q a@x.org;;
		user-add) ROSTER_DIR=$d "$bin/user-add" --no-welcome "u$t$i@x.org";;
		esac >/dev/null 2>&1
		e=${EPOCHREALTIME//[.,]/}
		echo $(( e - s ))
	done | sort -n | sed -n 11p
}

# calls DIR WHAT: the calls one run makes that reach the file system
# (strace: opens, stats, reads and writes, pread and pwrite included,
# renames, syncs, locks; not dup, close or fadvise), each a round trip on
# the shared mount; "-" without strace.
calls() {
	local d=$1
	command -v strace >/dev/null 2>&1 || { echo -; return; }
	case $2 in
	record) set -- "$bin/assign-next" --record ticket:strace;;
	status) set -- "$bin/status" -q a@x.org;;
	user-add) set -- "$bin/user-add" --no-welcome ustrace@x.org;;
	esac
	ROSTER_DIR=$d strace -f -o "$w/strace" -e trace=file,desc,fcntl "$@" \
	    >/dev/null 2>&1
	grep -v -E 'execve|readlink|\((0|1|2),' "$w/strace" | grep -c -E \
	    ' (openat|open|newfstatat|fstat|statx|read|write|pread64|pwrite64|renameat|unlinkat|mkdirat|fchmod|fchown|fsync|fdatasync|syncfs|lseek|fcntl|getdents64|fstatfs|mmap|ftruncate)\('
}

ms() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

bench() {
	local d c l s
	mkdir -p "$w/local"
	for d in "$w/local/store" "$w/m1/store"; do
		ROSTER_DIR=$d "$bin/user-add" --no-welcome --team pool \
		    a@x.org b@x.org c@x.org d@x.org >/dev/null
	done
	say "local: $(df --output=fstype "$w/local" | tail -1) under $w; shared: GlusterFS $(gluster --version | head -1 | awk '{ print $2 }') on loopback, the settings of roster(5)"
	printf '%-10s %9s %10s %7s %7s %13s\n' "median/21" "local ms" "shared ms" \
	    ratio goal "fs calls"
	for c in record status user-add; do
		us "$w/local/store" "$c" w >/dev/null	# warm the caches
		us "$w/m1/store" "$c" v >/dev/null
		l=$(us "$w/local/store" "$c" l)
		s=$(us "$w/m1/store" "$c" s)
		printf '%-10s %9s %10s %6sx %7s %13s\n' "$c" "$(ms "$l")" "$(ms "$s")" \
		    "$(ms $((s * 1000 / (l > 0 ? l : 1))))" "<= 4x" \
		    "$(calls "$w/local/store" "$c") / $(calls "$w/m1/store" "$c")"
	done
}

can_run
setup
case $mode in
test)
	say "GlusterFS volume $vol on $host, settings: $settings, $loops commands a loop"
	scenario_concurrency
	scenario_kill
	scenario_cache
	scenario_cache_member
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	;;
bench)
	bench
	;;

*)
	say "unknown mode $mode"
	exit 2
	;;
esac
