#!/usr/bin/env bats
# avail-model: random users, their status at random instants from status(1),
# compared row by row with an independent model of status(1), DESCRIPTION
# (helpers/availref.py, Python's zoneinfo over the system tzdata).
#
# Seeded and reproducible.  ROSTER_MODEL_SEED, ROSTER_MODEL_USERS and
# ROSTER_MODEL_INSTANTS change the run; under the sanitizers (ASAN_OPTIONS
# set) fewer instants are tried, since every process is slower there.
load helpers/common

# model_run SEED [gen options...]: generate, run status at each instant,
# compare.  Prints the first differences on failure.
model_run() {
	local seed=$1 users=${ROSTER_MODEL_USERS:-300} n t
	shift
	n=${ROSTER_MODEL_INSTANTS:-40}
	if [ -n "${ASAN_OPTIONS-}" ] && [ -z "${ROSTER_MODEL_INSTANTS-}" ]; then
		n=8
	fi
	add_users seed@x.org
	rm -f "$ROSTER_DIR/users/seed@x.org.yaml"
	python3 "$HELPERS/availref.py" gen --seed "$seed" --users "$users" \
	    --instants "$n" --store "$ROSTER_DIR" \
	    --model "$BATS_TEST_TMPDIR/model.json" --no-until "$@" \
	    >"$BATS_TEST_TMPDIR/instants"
	: >"$BATS_TEST_TMPDIR/results"
	while read -r t; do
		status --at "$t" --format tsv --no-header >"$BATS_TEST_TMPDIR/rows" ||
		    { echo "status --at $t failed"; return 1; }
		sed "s/^/$t	/" "$BATS_TEST_TMPDIR/rows" >>"$BATS_TEST_TMPDIR/results"
	done <"$BATS_TEST_TMPDIR/instants"
	python3 "$HELPERS/availref.py" check --model "$BATS_TEST_TMPDIR/model.json" \
	    --results "$BATS_TEST_TMPDIR/results" ||
	    { echo "seed $seed"; return 1; }
}

@test "random users around the DST changes of 2026/2027 agree with the model" {
	run model_run "${ROSTER_MODEL_SEED:-20261123}"
	assert_success
	assert_output --regexp '^[0-9]+ rows agree$'
}
