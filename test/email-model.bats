#!/usr/bin/env bats
# email-model: generated addresses, roster's verdict and stored form compared
# with Python's email-validator (helpers/emailref.py); the deliberate
# differences are the ones user-add(1) lists.  Seeded and reproducible:
# ROSTER_MODEL_SEED and ROSTER_MODEL_ADDRESSES change the run.
load helpers/common

# The Debian python3 that has python3-email-validator, even when another
# python3 comes first on PATH.
PY=/usr/bin/python3

@test "generated addresses: roster and email-validator agree" {
	local n=${ROSTER_MODEL_ADDRESSES:-500}
	if [ -n "${ASAN_OPTIONS-}" ] && [ -z "${ROSTER_MODEL_ADDRESSES-}" ]; then
		n=150
	fi
	add_users seed@x.org
	run "$PY" "$HELPERS/emailref.py" --seed "${ROSTER_MODEL_SEED:-20261130}" \
	    --count "$n" --bin "$ROSTER_BIN"
	assert_success
	assert_output --regexp "^$n addresses compared, [1-9][0-9]* accepted by both, 0 disagree$"
	# --dry-run wrote nothing.
	run ls "$ROSTER_DIR/users"
	assert_output 'seed@x.org.yaml'
}
