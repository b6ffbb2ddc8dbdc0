#!/usr/bin/env bats
# Real-world input: addresses as people type them, spreadsheets as Excel
# and Outlook write them, INI files as Notepad leaves them.
load helpers/common

# --- addresses --------------------------------------------------------------

@test "address: invisible, control, private-use and noncharacters are refused" {
	user-add --no-welcome ann@example.org >/dev/null
	before=$(store_sum)
	for a in $'ann\u00a0@example.org' $'\u202eann@example.org' \
	    $'an\u200bn@example.org' $'ann@exa\u00admple.org' $'ann\u0085@example.org' \
	    $'ann\ue000@example.org' $'ann\ufdd0@example.org' $'ann\U0010ffff@example.org' \
	    $'ann\u2028@example.org' $'ann\u3000@example.org'; do
		run user-add --no-welcome "$a"
		assert_failure 5
		assert_output --partial "bad address"
		assert_output --regexp "U\\+[0-9A-F]{4,}"
		assert_equal "$(store_sum)" "$before"
	done
	run ls "$ROSTER_DIR/users"
	assert_output "ann@example.org.yaml"
}

@test "address: an internationalized domain is stored in its Unicode form" {
	run user-add --no-welcome 'ann@Bücher.example'
	assert_success
	assert_output 'ann@bücher.example'
	[ -f "$ROSTER_DIR/users/ann@b%C3%BCcher.example.yaml" ]
	grep -q '^email: ann@bücher.example$' "$ROSTER_DIR/users/ann@b%C3%BCcher.example.yaml"
	# The A-label (punycode) spelling is the same user.
	run user-add --no-welcome 'ann@xn--bcher-kva.example'
	assert_failure 3
	assert_output --partial 'ann@bücher.example is already a user'
	run user-add --no-welcome 'bob@XN--BCHER-KVA.example'
	assert_success
	assert_output 'bob@bücher.example'
	run ls "$ROSTER_DIR/users"
	assert_output "$(printf 'ann@b%%C3%%BCcher.example.yaml\nbob@b%%C3%%BCcher.example.yaml')"
}

@test "address: invalid internationalized labels are refused" {
	user-add --no-welcome x@example.org >/dev/null
	before=$(store_sum)
	for a in 'a@xn--zz.example' 'a@xn--a.example' $'a@\u0301b.example' \
	    'a@a⒈com.example'; do
		run user-add --no-welcome "$a"
		assert_failure 5
		assert_output --partial "bad address"
		assert_output --partial "domain"
		assert_equal "$(store_sum)" "$before"
	done
}

@test "address: Unicode case and composition make one user" {
	run user-add --no-welcome 'jöran@example.org' 'JÖRAN@example.org'
	assert_failure 3
	assert_output --partial 'jöran@example.org is given twice'
	[ ! -d "$ROSTER_DIR/users" ] || [ -z "$(ls "$ROSTER_DIR/users")" ]
	run user-add --no-welcome 'JÖRAN@example.org'
	assert_success
	assert_output 'jöran@example.org'
	grep -q '^email: jöran@example.org$' "$ROSTER_DIR/users/j%C3%B6ran@example.org.yaml"
	# o + U+0308 COMBINING DIAERESIS is the same address once composed.
	run user-add --no-welcome $'jo\u0308ran@example.org'
	assert_failure 3
	assert_output --partial 'already a user'
	run user-mod --team blue $'JO\u0308RAN@EXAMPLE.ORG'
	assert_success
	grep -q 'blue' "$ROSTER_DIR/users/j%C3%B6ran@example.org.yaml"
	run ls "$ROSTER_DIR/users"
	assert_output 'j%C3%B6ran@example.org.yaml'
}
