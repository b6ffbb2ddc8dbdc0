#!/usr/bin/env bats
# ical-model: random recurring series (RRULE with COUNT, UNTIL, BYDAY,
# BYMONTHDAY, INTERVAL; EXDATE, RDATE, moved occurrences; zones across the
# DST changes of 2027, floating and all-day), the periods ooo-add --ics
# imports compared with those of an independent expansion: Python's
# icalendar + dateutil through recurring_ical_events (helpers/icalref.py).
#
# Seeded and reproducible: ROSTER_MODEL_SEED and ROSTER_MODEL_SERIES change
# the run; under the sanitizers fewer series are tried.
load helpers/common

PY=/usr/bin/python3

@test "random series: ooo-add --ics expands them as icalendar + dateutil do" {
	local n=${ROSTER_MODEL_SERIES:-80} dir="$BATS_TEST_TMPDIR/series" f
	if [ -n "${ASAN_OPTIONS-}" ] && [ -z "${ROSTER_MODEL_SERIES-}" ]; then
		n=20
	fi
	user-add --no-welcome --timezone Europe/Amsterdam a@x.org >/dev/null
	mkdir -p "$dir"
	"$PY" "$HELPERS/icalref.py" gen --seed "${ROSTER_MODEL_SEED:-20261130}" \
	    --count "$n" --dir "$dir"
	sum=$(store_sum)
	for f in "$dir"/*.ics; do
		ooo-add a@x.org --ics "$f" --dry-run >"${f%.ics}.got" 2>&1 ||
		    { cat "${f%.ics}.got"; false; }
	done
	assert_equal "$(store_sum)" "$sum"
	run "$PY" "$HELPERS/icalref.py" check --dir "$dir"
	assert_success
	assert_output --regexp '^[1-9][0-9]* periods expected, 0 cases differ$'
}
