# common.bash — loaded by every test file: a fresh store, a fixed clock,
# the binaries under test first on PATH.
bats_load_library bats-support
bats_load_library bats-assert

setup() {
	: "${ROSTER_BIN:?ROSTER_BIN must name the directory of the binaries}"
	PATH="$ROSTER_BIN:$PATH"
	export ROSTER_DIR="$BATS_TEST_TMPDIR/store"
	export TZ=UTC
	export ROSTER_NOW=2026-11-23T10:00:00Z
	export ROSTER_ACTOR=tester
	export ROSTER_LOCK_TIMEOUT=10
	unset XDG_DATA_HOME
	# shellcheck disable=SC2034 # used by the test files
	HELPERS="$BATS_TEST_DIRNAME/helpers"
	# shellcheck disable=SC2034
	DATA="$BATS_TEST_DIRNAME/data"
	if declare -F local_setup >/dev/null; then
		local_setup
	fi
}

# A checksum of every file in the store (names and contents), to show that
# a refused or dry-run command wrote nothing.  .cache/ is left out: it is
# derived, and any command may refresh it (see roster(5)).
store_sum() {
	(cd "$ROSTER_DIR" && find . \( -path ./.lock -o -path ./.cache \) -prune \
	    -o -type f -print |
	    LC_ALL=C sort | while read -r f; do
		printf '%s ' "$f"
		cksum <"$f"
	done) | cksum
}

# Add users quickly: add_users a@x.org b@x.org ...
add_users() {
	user-add --no-welcome "$@" >/dev/null
}
