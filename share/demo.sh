#!/bin/sh
# demo.sh BINDIR — a worked example on a fresh store in a temporary directory.
bin=$1
PATH="$bin:$PATH"
export PATH
ROSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/roster-demo.XXXXXX")/store
export ROSTER_DIR
ROSTER_NOW=2026-11-23T10:00:00+01:00
export ROSTER_NOW
here=$(cd "$(dirname "$0")" && pwd)

say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; echo "[exit $?]"; }
has() { [ -x "$bin/$1" ]; }

echo "roster demo: store in $ROSTER_DIR, clock at $ROSTER_NOW"
run user-add --csv "$here/examples/agents.csv"
run user-add --super-admin --first-name Ada admin@example.org
if has hours-set; then
	run hours-set --timezone Europe/Amsterdam --team Support mon-fri=09:00-17:00
	run hours-set ann@example.org
fi
if has ooo-add; then
	run ooo-add bob@example.org --from 2026-11-23 --to 2026-11-27
	[ -f "$here/examples/ooo.ics" ] &&
		run ooo-add chloe@example.org --ics "$here/examples/ooo.ics" --calendar outlook
fi
has status && run status --team Support
if has assign-next; then
	for t in 101 102 103 104; do
		run assign-next --team Support --record ticket:$t
	done
	has records && run records
	# Routing by load: ann may hold 2 open records; balanced mode gives
	# the next one to whoever has the most room, and --explain says why
	# each of the team was chosen or skipped.
	if has user-mod; then
		run user-mod --capacity 2 ann@example.org
		run assign-next --team Support --mode balanced --record ticket:105
		run assign-next --team Support --explain --dry-run
	fi
fi
if has user-rm; then
	printf 'type,id,owner,state\nticket,7,dirk@example.org,open\n' \
	    >"$ROSTER_DIR/records.csv.new"
	[ -f "$ROSTER_DIR/records.csv" ] ||
		mv "$ROSTER_DIR/records.csv.new" "$ROSTER_DIR/records.csv"
	rm -f "$ROSTER_DIR/records.csv.new"
	grep -q dirk "$ROSTER_DIR/records.csv" ||
		echo "ticket,7,dirk@example.org,open" >>"$ROSTER_DIR/records.csv"
	run user-rm dirk@example.org
	run user-rm --reassign-to ann@example.org dirk@example.org
	has records && run records --owner ann@example.org
fi
# Scheduling: when can a customer book half an hour with Support (round
# robin), and where does the team's week have fewer than two people?
if has slots && has coverage; then
	run slots --team Support --duration 30m --interval 1h --min-notice 2h \
	    --to 2026-11-24 --tz Europe/Amsterdam
	run coverage --team Support --step 1h --min 2 --tz Europe/Amsterdam
fi
has portal-config && {
	run portal-config portal.name "Help Centre"
	run portal-config portal.enabled true
}
echo
echo "the store is left in $ROSTER_DIR"
