#!/bin/sh
# run.sh UNIT... — run C unit test binaries (test/unit/*.c, TAP on stdout)
# and print their TAP.  A binary that exits non-zero without a "not ok"
# line, or prints no plan (it died: a crash or a sanitizer report), gets
# one "not ok" line of its own, so that the totals count it.  Exits 1 if
# any failed.
status=0
out=${TMPDIR:-/tmp}/roster-unit.$$
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	echo "# unit: $t"
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc -eq 0 ] || status=1
	if { [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; } ||
	    ! grep -q '^1\.\.[0-9]' "$out"; then
		echo "not ok - $t exited with status $rc"
		status=1
	fi
done
exit $status
