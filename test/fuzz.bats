#!/usr/bin/env bats
# The fuzz harnesses of test/fuzz/, built with the normal compiler and a
# replay main() (make builds them in $(O)/fuzz/, beside $(O)/bin/): every
# seed of the corpus and every input a fuzzer once broke the library with
# must go through without a crash, a leak or a failed check.

load helpers/common

replay() {
	local name=$1 bin
	bin="$ROSTER_BIN/../fuzz/$name"
	[ -x "$bin" ] || fail "$bin: not built (make builds it with the binaries)"
	run "$bin" "$BATS_TEST_DIRNAME/fuzz/corpus/$name" \
	    "$BATS_TEST_DIRNAME/fuzz/regress/$name"
	assert_success
	assert_output --regexp '^[1-9][0-9]* inputs$'
}

@test "fuzz replay: csv_read, CSV imports and store files" {
	replay csv
}

@test "fuzz replay: user_parse, users/EMAIL.yaml" {
	replay user
}

@test "fuzz replay: roster.ini reader" {
	replay ini
}

@test "fuzz replay: INI editor" {
	replay inied
}

@test "fuzz replay: time syntax" {
	replay time
}

@test "fuzz replay: working-hours specs" {
	replay hours
}

@test "fuzz replay: calendar import and re-sync" {
	replay ics
}

@test "fuzz replay: address rules, normal form and file names" {
	replay email
}
