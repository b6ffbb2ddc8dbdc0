#!/usr/bin/env bats
# sched-model: random teams, questions to slots(1) and coverage(1) around the
# DST changes of 2026/2027 (30- and 45-minute zones, overnight ranges,
# absences, overrides), every answer compared with an independent model
# (helpers/schedref.py over helpers/availref.py, Python's zoneinfo).
#
# Seeded and reproducible.  ROSTER_SCHED_SEED, ROSTER_SCHED_USERS and
# ROSTER_SCHED_QUERIES change the run; under the sanitizers (ASAN_OPTIONS
# set) fewer questions are asked, since every process is slower there.
load helpers/common

# sched_run SEED: generate, ask every question, compare.
sched_run() {
	local seed=$1 n id now res=$BATS_TEST_TMPDIR/res
	n=${ROSTER_SCHED_QUERIES:-30}
	if [ -n "${ASAN_OPTIONS-}" ] && [ -z "${ROSTER_SCHED_QUERIES-}" ]; then
		n=10
	fi
	mkdir -p "$ROSTER_DIR" "$res"
	python3 "$HELPERS/schedref.py" gen --seed "$seed" \
	    --users "${ROSTER_SCHED_USERS:-7}" --queries "$n" \
	    --store "$ROSTER_DIR" --model "$BATS_TEST_TMPDIR/model.json" \
	    >"$BATS_TEST_TMPDIR/queries" || return 1
	while IFS=$'\t' read -r -a q; do
		id=${q[0]} now=${q[1]}
		ROSTER_NOW=$now "${q[@]:2}" >"$res/$id.out" 2>"$res/$id.err"
		echo $? >"$res/$id.rc"
	done <"$BATS_TEST_TMPDIR/queries"
	python3 "$HELPERS/schedref.py" check --model "$BATS_TEST_TMPDIR/model.json" \
	    --results "$res" || { echo "seed $seed"; return 1; }
}

@test "slots and coverage of random teams around DST changes agree with the model" {
	run sched_run "${ROSTER_SCHED_SEED:-20261130}"
	assert_success
	assert_output --regexp '^[0-9]+ queries, [0-9]+ rows agree$'
}

@test "a second seed, more members" {
	ROSTER_SCHED_USERS=12 run sched_run 7
	assert_success
	assert_output --regexp '^[0-9]+ queries, [0-9]+ rows agree$'
}
