# faults.bash — I/O fault injection over one writer (test/faults-io.bats).
#
# fault_sweep SEED CMD... runs CMD against a store prepared by the shell
# function SEED, first without a fault (the reference: how many calls of each
# kind it makes, its output, the store after it), then once for every call
# kind and every N from 1 to that count with the Nth call failed by
# test/helpers/faultinject.c, each time from a fresh copy of the seeded
# store.  After each faulty run, status --check (no fault) is the recovery
# command.  The rules, all checked, every breach collected and printed:
#
#  - the fault was really hit (the shim says so);
#  - status --check then exits 0 and prints nothing;
#  - the store (store_dump) is exactly the store before the command or
#    exactly the reference store after it: every file, every audit row;
#  - exit 0: the change is there, and stdout is the reference output;
#  - exit 7: one line on stderr; the change is absent and nothing was
#    printed on stdout, unless the fault hit after the commit point;
#  - after the commit point (the shim saw the record of the committed
#    change written whole to .lock before the faulty call): the change is there
#    after recovery, and the exit is 0 or 7 (the change was made; whether
#    the command itself could finish it is the fault's matter);
#  - any other exit status is a failure.
#
# Environment: FAULT_PRELOAD (the shim, after any sanitizer runtime),
# ROSTER_FAULT_BIN (dynamic binaries),
# FAULT_KINDS (the call kinds, default all), FAULT_FULL=1 (every N even for
# the large writers; otherwise at most FAULT_SAMPLE values of N per kind,
# spread evenly, always the first and the last), FAULT_ERRNOS (default
# "EIO ENOSPC:persist": a transient I/O error, and a full disk that stays
# full from the Nth call on, the latter only for write and fsync unless
# FAULT_FULL=1).

FAULT_ALL_KINDS="open openat write fsync fdatasync syncfs rename renameat
unlink unlinkat ftruncate mkdir"

# The canonical content of the store in $1: every file but .lock,
# .cache/ (derived) and .generation (random tokens per change that only
# the cache reads), name and bytes, and whether .lock holds a change
# committed and not yet applied (test/helpers/lockrec.py: one left
# behind after recovery is a change not finished).  Temporaries
# (".NAME.tmp", ".NAME.txn") are left out: no reader takes a name that
# starts with a dot for data, and the next writer removes or replaces them
# (roster(5)).
store_dump() {
	(cd "$1" 2>/dev/null || exit 0
	find . \( -path ./.lock -o -path ./.cache -o -path ./.generation \) \
	    -prune -o -type f \
	    ! -name '.*.tmp' ! -name '.*.txn' -print |
	    LC_ALL=C sort | while read -r f; do
		printf '=== %s\n' "$f"
		cat "$f"
	done
	if [ "$(python3 "$BATS_TEST_DIRNAME/helpers/lockrec.py" .)" = commit ]
	then
		echo "=== .lock: a committed change not applied"
	fi)
}

# The values of N to try when the reference made $1 calls.
fault_ns() {
	local count=$1 cap=${FAULT_SAMPLE:-8} i
	# The sanitizer build is slower: fewer samples, the same rules.
	[ "${ROSTER_SUITE:-}" != sanitizer ] || cap=${FAULT_SAMPLE:-4}
	if [ "${FAULT_FULL:-0}" = 1 ] || [ "$count" -le "$cap" ]; then
		seq 1 "$count"
		return
	fi
	for ((i = 0; i < cap; i++)); do
		echo $((1 + i * (count - 1) / (cap - 1)))
	done | uniq
}

# Run the command with the shim: run_faulty DIR KIND N ERRNO PERSIST CMD...
# Leaves rc, out, err and the shim's report in DIR.
run_faulty() {
	local dir=$1 kind=$2 n=$3 errno=$4 persist=$5
	shift 5
	local rc=0
	rm -f "$dir/calls"
	FAULT_CALL=$kind FAULT_N=$n FAULT_ERRNO=$errno FAULT_PERSIST=$persist \
	FAULT_COUNT_FILE="$dir/calls" LD_PRELOAD="$FAULT_PRELOAD" \
	    "$ROSTER_FAULT_BIN/$1" "${@:2}" >"$dir/out" 2>"$dir/err" ||
	    rc=$?
	echo "$rc" >"$dir/rc"
}

fault_sweep() {
	local seed=$1
	shift
	local w="$BATS_TEST_TMPDIR/sweep" kinds=${FAULT_KINDS:-$FAULT_ALL_KINDS}
	local base="$w/base" kind n spec errno persist count rc hit commit
	local tried=0 landed=0 absent=0 late=0 fails=0 msg
	[ -x "$ROSTER_FAULT_BIN/$1" ] ||
	    fail "no dynamic build in $ROSTER_FAULT_BIN (make dyn)"
	[ -f "$FAULT_SHIM" ] || fail "no fault shim at $FAULT_SHIM (make dyn)"
	mkdir -p "$w/rec"
	ROSTER_DIR=$base "$seed"
	store_dump "$base" >"$w/before"
	# The reference run: the shim only counts.
	rm -rf "$ROSTER_DIR"
	cp -a "$base" "$ROSTER_DIR"
	run_faulty "$w" "" 0 EIO 0 "$@"
	[ "$(cat "$w/rc")" = 0 ] ||
	    fail "reference run: exit $(cat "$w/rc"): $(cat "$w/err")"
	cp "$w/calls" "$w/refcalls"
	cp "$w/out" "$w/refout"
	store_dump "$ROSTER_DIR" >"$w/after"
	cmp -s "$w/before" "$w/after" && fail "the reference run changed nothing"
	: >"$w/failures"
	: >"$w/recoveries"
	for kind in $kinds; do
		count=$(awk -v k="$kind" '$1 == k { print $2 }' "$w/refcalls")
		for spec in ${FAULT_ERRNOS:-EIO ENOSPC:persist}; do
			# A full disk shows first in a write or a sync; make
			# faulttest tries it on every kind.
			[ "$spec" = EIO ] || [ "${FAULT_FULL:-0}" = 1 ] ||
			    [ "$kind" = write ] || [ "$kind" = fsync ] ||
			    continue
			errno=${spec%%:*}
			persist=0
			[ "$spec" = "${spec%:persist}" ] || persist=1
			for n in $(fault_ns "$count"); do
				rm -rf "$ROSTER_DIR"
				cp -a "$base" "$ROSTER_DIR"
				run_faulty "$w" "$kind" "$n" "$errno" "$persist" "$@"
				tried=$((tried + 1))
				fault_recovery "$w" "$kinds"
				msg=$(fault_judge "$w")
				case $msg in
				landed) landed=$((landed + 1)) ;;
				absent) absent=$((absent + 1)) ;;
				late) late=$((late + 1)) ;;
				*)
					fails=$((fails + 1))
					echo "$kind #$n $spec: $msg" >>"$w/failures"
					;;
				esac
			done
		done
	done
	echo "# $*: $tried faulty runs: $landed landed, $absent absent," \
	    "$late failed after the commit point and finished; $fails broke" \
	    "a rule; $(wc -l <"$w/recoveries") recoveries under a fault" >&3
	fails=$(wc -l <"$w/failures")
	if [ "$fails" -gt 0 ]; then
		head -n 40 "$w/failures"
		fail "$fails broken rules in $tried faulty runs and their recoveries (above)"
	fi
}

# The first time a faulty run leaves a committed change in .lock, and the
# first time it leaves one prepared (or a torn record), the recovery
# itself is put under faults: status --check with each kind's Nth call
# failed, then status --check without; the store must then be the state
# after (a committed change is rolled forward) or before (a prepared one
# is discarded), and the second status --check clean.  Failures go to
# $1/failures; the store is left as the faulty run left it.
fault_recovery() {
	local w=$1 kinds=$2 which want kind n count msg
	case $(python3 "$BATS_TEST_DIRNAME/helpers/lockrec.py" "$ROSTER_DIR") in
	commit) which=complete want=after;;
	prepare|torn) which=incomplete want=before;;
	*) return 0;;
	esac
	[ ! -e "$w/recovered-$which" ] || return 0
	: >"$w/recovered-$which"
	rm -rf "$w/crashed"
	cp -a "$ROSTER_DIR" "$w/crashed"
	# How many calls of each kind the recovery makes, on a copy.
	rm -rf "$w/rec/store"
	cp -a "$w/crashed" "$w/rec/store"
	ROSTER_DIR="$w/rec/store" run_faulty "$w/rec" "" 0 EIO 0 status --check
	cp "$w/rec/calls" "$w/rec/refcalls"
	for kind in $kinds; do
		count=$(awk -v k="$kind" '$1 == k { print $2 }' "$w/rec/refcalls")
		for n in $(FAULT_SAMPLE=4 fault_ns "$count"); do
			rm -rf "$w/rec/store"
			cp -a "$w/crashed" "$w/rec/store"
			ROSTER_DIR="$w/rec/store" run_faulty "$w/rec" "$kind" \
			    "$n" EIO 0 status --check
			echo "$which $kind $n" >>"$w/recoveries"
			msg=
			if ! ROSTER_DIR="$w/rec/store" status --check \
			    >"$w/rec/check" 2>"$w/rec/checkerr" ||
			    ! no_problems "$w/rec/check"; then
				msg="then status --check: $(head -c 200 \
				    "$w/rec/check" "$w/rec/checkerr" | tr '\n' '|')"
			else
				store_dump "$w/rec/store" >"$w/rec/now"
				cmp -s "$w/rec/now" "$w/$want" ||
				    msg="the store is not the state $want"
			fi
			[ -z "$msg" ] || echo "recovery of a $which change," \
			    "$kind #$n failed (exit $(cat "$w/rec/rc")): $msg" \
			    >>"$w/failures"
		done
	done
	rm -rf "$ROSTER_DIR"
	cp -a "$w/crashed" "$ROSTER_DIR"
}

# 0 if status --check's report in file $1 holds no problem: warnings
# (probably mistakes, such as a store with no super admin) are no breach.
no_problems() {
	! grep -qv '^warning: ' "$1"
}

# Judge one faulty run in $1: print landed, absent, late (failed after the
# commit point, change there), or the rule it broke.
fault_judge() {
	local w=$1 rc hit commit lines state
	rc=$(cat "$w/rc")
	if [ ! -f "$w/calls" ]; then
		echo "exit $rc, and no count from the shim (the process ended" \
		    "without exit): $(fault_stderr "$w")"
		return
	fi
	hit=$(awk '$1 == "hit" { print $2 }' "$w/calls")
	commit=$(awk '$1 == "commit" { print $2 }' "$w/calls")
	if [ "$hit" != 1 ]; then
		echo "the fault was never hit (exit $rc)"
		return
	fi
	if ! status --check >"$w/check" 2>"$w/checkerr"; then
		echo "exit $rc, then status --check failed:" \
		    "$(head -c 300 "$w/check" "$w/checkerr" | tr '\n' '|')"
		return
	fi
	if ! no_problems "$w/check"; then
		echo "exit $rc, then status --check reported:" \
		    "$(head -c 300 "$w/check" | tr '\n' '|')"
		return
	fi
	store_dump "$ROSTER_DIR" >"$w/now"
	if cmp -s "$w/now" "$w/after"; then
		state=there
	elif cmp -s "$w/now" "$w/before"; then
		state=absent
	elif [ "$rc" = 0 ] && [ "$(wc -l <"$w/err")" -eq 1 ] &&
	    grep -q '^[a-z-]*: users/[^ ]*\.yaml: ' "$w/err"; then
		# A user file that cannot be read stops only itself (roster(5),
		# "A file or row that cannot be read"): routing went on without
		# that user, so the change is whole but not the reference one.
		echo landed
		return
	else
		echo "exit $rc, the store is neither before nor after:" \
		    "$(diff "$w/after" "$w/now" | head -n 6 | tr '\n' ' ')"
		return
	fi
	# Lines naming a user file that could not be read are reports of
	# their own (roster(5), "A file or row that cannot be read").
	lines=$(grep -cvE '^[a-z-]+: (unreadable: )?users/[^ ]*\.yaml: ' "$w/err" || true)
	# ...unless the one line there is the error itself.
	[ "$lines" -ne 0 ] || [ "$(wc -l <"$w/err")" -ne 1 ] || lines=1
	case $rc.$state.$commit in
	0.there.*)
		if cmp -s "$w/out" "$w/refout"; then
			echo landed
		else
			echo "exit 0, stdout differs: $(head -c 200 "$w/out")"
		fi
		;;
	0.absent.*) echo "exit 0 but the change is absent" ;;
	7.*)
		if [ "$lines" -ne 1 ]; then
			echo "exit 7 with $lines lines on stderr: $(head -c 300 "$w/err" | tr '\n' '|')"
		elif [ "$state.$commit" = there.1 ]; then
			echo late
		elif [ "$state" = there ]; then
			echo "exit 7 ($(cat "$w/err")) but the change is there"
		elif [ "$commit" = 1 ]; then
			echo "exit 7 after the commit point, but the change is absent"
		elif [ -s "$w/out" ]; then
			echo "exit 7, change absent, but stdout says: $(head -c 200 "$w/out")"
		else
			echo absent
		fi
		;;
	*) echo "exit $rc (not 0 or 7): $(fault_stderr "$w")" ;;
	esac
}

# The first line of the faulty run's stderr, and the frames of a sanitizer
# report if there is one.
fault_stderr() {
	{
		head -n 1 "$1/err"
		grep -E 'ERROR: |^ +#[0-4] ' "$1/err" | head -n 6
	} | sed 's/^ *//' | tr '\n' '|'
}
