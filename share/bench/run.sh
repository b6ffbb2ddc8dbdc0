#!/bin/sh
# run.sh BINDIR -- the benchmarks of README.md, Performance.  Generates
# stores on /dev/shm with gen.py, measures every figure with hyperfine
# (median, always side by side with /bin/true in the same run) and
# prints one line per figure:
#   figure  measured-ms  target  ratio  ok|MISS
# Binaries not (yet) built print SKIP (binary missing).
# The durability section runs three writers once each on a real-disk
# directory (BENCH_DISK, default /var/tmp/roster-bench) and prints how many
# fsync/fdatasync/syncfs calls each made (strace -c) and its wall time.
# Environment: BENCH_DIR (default /dev/shm/roster-bench), BENCH_RUNS (50),
# BENCH_HEAVY_RUNS (10), BENCH_CONC_STORE (100 or 10000; default 10000),
# BENCH_KEEP=1 keeps the stores.
set -u

BIN=${1:?usage: run.sh BINDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_DIR:-/dev/shm/roster-bench}
RUNS=${BENCH_RUNS:-50}
HRUNS=${BENCH_HEAVY_RUNS:-10}
CONC=${BENCH_CONC_STORE:-10000}
ROSTER_NOW=2026-11-24T14:00:00Z
ROSTER_ACTOR=bench
export ROSTER_NOW ROSTER_ACTOR
unset ROSTER_DIR

for t in hyperfine python3 strace; do
	command -v "$t" >/dev/null 2>&1 || { echo "run.sh: $t not found" >&2; exit 2; }
done

rm -rf "$W"
mkdir -p "$W" || exit 2
S100=$W/s100 S10K=$W/s10k S100K=$W/s10k-r100k
echo "generating stores in $W ..."
python3 "$HERE/gen.py" "$S100" --users 100 --records 100 || exit 2
python3 "$HERE/gen.py" "$S10K" --users 10000 --records 5000 \
    --csv "$W/import100.csv" --csv-users 100 || exit 2
python3 "$HERE/gen.py" "$S100K" --users 10000 --records 100000 || exit 2
for s in "$S100" "$S10K" "$S100K"; do cp -a "$s" "$s.orig"; done

FAILS=0
line() { # figure ms target ratio verdict
	printf '%-44s %10s  %-22s %7s  %s\n' "$1" "$2" "$3" "$4" "$5"
	[ "$5" = MISS ] && FAILS=$((FAILS + 1))
	return 0
}
have() { [ -x "$BIN/$1" ]; }
skip() { line "$1" - "$2" - "SKIP (binary missing: $3)"; }

# median NAME JSON INDEX -> ms
median() {
	python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print("%.2f" % (r["median"] * 1000))' "$1" "$2"
}
# calc EXPR -> number
calc() { python3 -c "print('%.2f' % ($1))"; }
# le A B -> exit 0 if A <= B
le() { python3 -c "import sys; sys.exit(0 if $1 <= $2 else 1)"; }

# hf ID RUNS [hyperfine options...] -- CMD : /bin/true first, CMD second
hf() {
	id=$1 n=$2
	shift 2
	if ! hyperfine -N --style none --warmup 3 --runs "$n" \
	    --export-json "$W/$id.json" "$@" >"$W/$id.log" 2>&1; then
		echo "  hyperfine failed for $id, see $W/$id.log:" >&2
		tail -5 "$W/$id.log" >&2
		return 1
	fi
}

# check CMD... : run once, must exit 0 (so every timed run is a valid one)
check() {
	if ! "$@" >"$W/check.out" 2>&1; then
		echo "  not benchmarked, the command fails: $*" >&2
		sed 's/^/    /' "$W/check.out" >&2
		return 1
	fi
}

U=ada.jansen00000@example.org  # in both stores, identical, available at NOW

# single NAME BINARY PREPARE-or-empty ARGS...: the ≤ 3 × /bin/true and the
# 100 vs 10,000 figures.  PREPARE restores the store between runs (writers).
single() {
	name=$1 b=$2 prep=$3
	shift 3
	if ! have "$b"; then
		skip "$name (100 / 10k users)" "<= 3x true" "$b"
		return
	fi
	ms100='' ms10k=''
	for s in s100 s10k; do
		st=$W/$s
		p=$(printf '%s' "$prep" | sed "s|@S@|$st|g")
		[ -n "$p" ] && sh -c "$p"
		check "$BIN/$b" --store "$st" "$@" || { line "$name ($s)" - - - MISS; return; }
		[ -n "$p" ] && sh -c "$p"
		id=$(printf '%s-%s' "$b$name" "$s" | tr -c 'a-zA-Z0-9-' _)
		if [ -n "$p" ]; then
			hf "$id" "$RUNS" --prepare "$p" /bin/true \
			    "$(quote "$BIN/$b" --store "$st" "$@")" || { line "$name ($s)" - - - MISS; return; }
		else
			hf "$id" "$RUNS" /bin/true \
			    "$(quote "$BIN/$b" --store "$st" "$@")" || { line "$name ($s)" - - - MISS; return; }
		fi
		t=$(median "$W/$id.json" 0)
		m=$(median "$W/$id.json" 1)
		r=$(calc "$m / $t")
		v=ok; le "$r" 3 || v=MISS
		line "$name ($s)" "$m" "<= 3x true ($t ms)" "${r}x" "$v"
		if [ "$s" = s100 ]; then ms100=$m; else ms10k=$m; fi
		# leave the store as generated for the figures that follow
		[ -n "$p" ] && sh -c "$p"
	done
	# The comparison: both stores in one hyperfine run, twice in turn
	# (100, 10k, 100, 10k) with twice the runs each, and the mean of the
	# two medians of each store: at 2 ms the drift of the machine within
	# a run is as large as the difference sought, and whichever command
	# runs first would otherwise carry it.
	id=$(printf '%s-cmp' "$b$name" | tr -c 'a-zA-Z0-9-' _)
	c100=$(quote "$BIN/$b" --store "$W/s100" "$@")
	c10k=$(quote "$BIN/$b" --store "$W/s10k" "$@")
	if [ -n "$prep" ]; then
		p100=$(printf '%s' "$prep" | sed "s|@S@|$W/s100|g")
		p10k=$(printf '%s' "$prep" | sed "s|@S@|$W/s10k|g")
		hf "$id" $((RUNS * 2)) --prepare "$p100" --prepare "$p10k" \
		    --prepare "$p100" --prepare "$p10k" \
		    "$c100" "$c10k" "$c100" "$c10k" || return
		sh -c "$p100"; sh -c "$p10k"
	else
		hf "$id" $((RUNS * 2)) "$c100" "$c10k" "$c100" "$c10k" || return
	fi
	ms100=$(calc "($(median "$W/$id.json" 0) + $(median "$W/$id.json" 2)) / 2")
	ms10k=$(calc "($(median "$W/$id.json" 1) + $(median "$W/$id.json" 3)) / 2")
	r=$(calc "$ms10k / $ms100")
	v=ok; le "$r" 1.2 && le 0.8333 "$r" || v=MISS
	line "$name 10k vs 100 users" "$ms10k" "within 20% ($ms100 ms)" "${r}x" "$v"
}

# quote ARGS... -> one shell-words command line for hyperfine -N
quote() {
	out=
	for a in "$@"; do
		out="$out '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	printf '%s' "${out# }"
}

# absolute NAME BINARY TARGET-MS PREPARE-or-empty STORE ARGS...
absolute() {
	name=$1 b=$2 target=$3 prep=$4 st=$5
	shift 5
	if ! have "$b"; then
		skip "$name" "<= $target ms" "$b"
		return
	fi
	[ -n "$prep" ] && sh -c "$prep"
	check "$BIN/$b" --store "$st" "$@" || { line "$name" - "<= $target ms" - MISS; return; }
	[ -n "$prep" ] && sh -c "$prep"
	id=$(printf '%s' "$name" | tr -c 'a-zA-Z0-9-' _)
	# Figures of a few ms are as noisy as /bin/true itself: as many runs
	# as the single-user figures.
	n=$HRUNS
	[ "$target" -le 20 ] && n=$RUNS
	if [ -n "$prep" ]; then
		hf "$id" "$n" --prepare "$prep" /bin/true \
		    "$(quote "$BIN/$b" --store "$st" "$@")" || { line "$name" - "<= $target ms" - MISS; return; }
	else
		hf "$id" "$n" /bin/true \
		    "$(quote "$BIN/$b" --store "$st" "$@")" || { line "$name" - "<= $target ms" - MISS; return; }
	fi
	t=$(median "$W/$id.json" 0)
	m=$(median "$W/$id.json" 1)
	r=$(calc "$m / $target")
	v=ok; le "$m" "$target" || v=MISS
	line "$name" "$m" "<= $target ms (true $t)" "${r}x" "$v"
}


echo
echo "machine: $(nproc) cpu, $(uname -m), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)   ROSTER_NOW=$ROSTER_NOW   runs=$RUNS/$HRUNS"
echo
printf '%-44s %10s  %-22s %7s  %s\n' figure ms target ratio verdict

# writers: --prepare copies the pristine user file back before every run
R="cp @S@.orig/users/$U.yaml @S@/users/$U.yaml"
single "status -q" status "" -q "$U"
single "hours-set" hours-set "$R" "$U" mon-fri=08:30-16:30
single "ooo-add" ooo-add "$R" "$U" --from 2027-03-01 --to 2027-03-03
single "status --set away" status "$R" --set away "$U"
single "user-add (one user)" user-add \
    "rm -f @S@/users/new.one@example.org.yaml" --no-welcome new.one@example.org

absolute "status, all 10,000 users" status 100 "" "$S10K"
absolute "user-list, all 10,000 users" user-list 100 "" "$S10K"
# For information: the same with no .cache/ (the first command after the
# store was made, or after .cache/ was deleted, builds the users index).
cold() {
	id=cold_status
	hf "$id" "$HRUNS" --prepare "rm -rf $S10K/.cache" /bin/true \
	    "$(quote "$BIN/status" --store "$S10K")" || return
	t=$(median "$W/$id.json" 0)
	m=$(median "$W/$id.json" 1)
	line "status, 10,000 users, no .cache/ (info)" "$m" "(true $t)" - info
}
have status && cold
absolute "assign-next, pool of 10,000 (--dry-run)" assign-next 50 "" "$S10K" --dry-run
absolute "assign-next, team of 50 (--dry-run)" assign-next 5 "" "$S10K" --team Team002 --dry-run
absolute "assign-next balanced, team 50, 100k rec (--dry-run)" assign-next 20 "" \
    "$S100K" --team Team002 --mode balanced --dry-run
absolute "slots --team of 50, 14 days, 15 min" slots 20 "" "$S10K" \
    --team Team002 --duration 30m
absolute "coverage --team of 50, one week, 30 min" coverage 20 "" "$S10K" \
    --team Team002 --min 0
absolute "user-add --csv, 100 users" user-add 50 \
    "sh -c 'rm -rf $W/csvstore && cp -a $S10K.orig $W/csvstore'" "$W/csvstore" --csv "$W/import100.csv"

# --- 4 processes x 500 concurrent assign-next --record -------------------
name="4 x 500 concurrent assign-next --record"
if ! have assign-next || ! have status; then
	skip "$name" "2000 distinct, fair" assign-next
else
	if [ "$CONC" = 10000 ]; then base=$S10K.orig; else base=$S100.orig; fi
	C=$W/conc
	rm -rf "$C" && cp -a "$base" "$C"
	"$BIN/status" --store "$C" --team Team001 --available --format tsv --no-header |
	    cut -f1 | sort >"$W/conc.avail"
	start=$(date +%s.%N)
	for p in 1 2 3 4; do
		(
			i=1
			while [ "$i" -le 500 ]; do
				"$BIN/assign-next" --store "$C" --team Team001 \
				    --record "ticket:$p-$i" >>"$W/conc.$p.out" 2>>"$W/conc.$p.err" ||
				    echo "exit $? at $p-$i" >>"$W/conc.$p.err"
				i=$((i + 1))
			done
		) &
	done
	wait
	end=$(date +%s.%N)
	errs=$(cat "$W"/conc.?.err | wc -l)
	grep -E '^ticket,[1-4]-[0-9]+,' "$C/records.csv" >"$W/conc.rows"
	rows=$(wc -l <"$W/conc.rows")
	distinct=$(cut -d, -f2 "$W/conc.rows" | sort -u | wc -l)
	cut -d, -f3 "$W/conc.rows" | sort | uniq -c | awk '{print $2, $1}' >"$W/conc.counts"
	# every available user, with 0 for those never chosen
	spread=$(awk 'NR == FNR { c[$1] = $2; next } { n = ($1 in c) ? c[$1] : 0
		if (min == "" || n < min) min = n; if (n > max) max = n }
		END { print (max - min) }' "$W/conc.counts" "$W/conc.avail")
	others=$(cut -d' ' -f1 "$W/conc.counts" | sort | comm -23 - "$W/conc.avail" | wc -l)
	navail=$(wc -l <"$W/conc.avail")
	secs=$(calc "$end - $start")
	v=ok
	[ "$rows" -eq 2000 ] && [ "$distinct" -eq 2000 ] && [ "$errs" -eq 0 ] &&
	    [ "$spread" -le 1 ] && [ "$others" -eq 0 ] || v=MISS
	line "$name" "${secs}s" "2000 distinct, spread<=1" "-" "$v"
	echo "    store of $CONC users, pool Team001 ($navail available): rows=$rows distinct=$distinct" \
	    "spread=$spread chosen-but-unavailable=$others errors=$errs"
fi

# --- durability: syncs per change and wall time on a real disk ------------
D=${BENCH_DISK:-/var/tmp/roster-bench}
# syncs NAME STORE-ORIG ARGS... : copy the store to $D, count the syncs of
# one run under strace, time one more run on a fresh copy.
syncs() {
	name=$1 orig=$2 cmd=$3
	shift 3
	if ! have "$cmd"; then
		skip "$name" "syncs, wall time" "$cmd"
		return
	fi
	rm -rf "$D/s" && cp -a "$orig" "$D/s" && sync
	if ! strace -f -c -e trace=fsync,fdatasync,syncfs -o "$W/strace.out" \
	    "$BIN/$cmd" --store "$D/s" "$@" >"$W/check.out" 2>&1; then
		echo "  not measured, the command fails: $cmd $*" >&2
		sed 's/^/    /' "$W/check.out" >&2
		return
	fi
	n=$(awk '$NF ~ /^(fsync|fdatasync|syncfs)$/ { n += $4 } END { print n + 0 }' \
	    "$W/strace.out")
	rm -rf "$D/s" && cp -a "$orig" "$D/s" && sync
	t0=$(date +%s%N)
	"$BIN/$cmd" --store "$D/s" "$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	line "$name" "$(calc "($t1 - $t0) / 1e6")" "syncs: $n" - info
}
if mkdir -p "$D" 2>/dev/null; then
	echo "durability on $D ($(df -P "$D" | awk 'NR == 2 { print $1 }')):"
	cp -a "$S100.orig" "$W/backlog.orig"
	i=1
	while [ "$i" -le 100 ]; do
		echo "ticket,bl-$i,,open"
		i=$((i + 1))
	done >>"$W/backlog.orig/records.csv"
	syncs "one-user change (user-mod), real disk" "$S100.orig" user-mod \
	    --first-name Adaline "$U"
	syncs "user-add --csv, 100 users, real disk" "$S10K.orig" user-add \
	    --csv "$W/import100.csv"
	syncs "assign-next --backlog of 100, real disk" "$W/backlog.orig" \
	    assign-next --team Team002 --backlog
	rm -rf "$D/s" "$W/backlog.orig"
else
	echo "durability: cannot make $D; not measured" >&2
fi

echo
echo "raw hyperfine JSON and logs: $W"
if [ "${BENCH_KEEP:-0}" != 1 ]; then
	rm -rf "$S100.orig" "$S10K.orig" "$S100K.orig" "$S100K" "$W/csvstore"
fi
[ "$FAILS" -eq 0 ]
