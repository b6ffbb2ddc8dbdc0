#!/usr/bin/env bats
# user-add --csv that helps: every row checked even over the cap, a
# header-keeping split recipe, duplicates naming their first line,
# --skip-existing, --dry-run showing the parsed columns, unused columns.
load helpers/common

# big N: a semicolon file of N users with a column roster does not read.
big() {
	{
		echo 'E-mail;Voornaam;Achternaam;Team;Telefoon'
		for i in $(seq "$1"); do
			echo "u$i@x.org;Jan $i;Jansen;\"Support,Sales\";0612"
		done
	} >"$BATS_TEST_TMPDIR/big.csv"
}

@test "over the cap: every row checked and reported, then 3 for the cap" {
	big 232
	sed -i '50s/u49@/u7@/; 60s/u59@x.org/bad addr/' "$BATS_TEST_TMPDIR/big.csv"
	cd "$BATS_TEST_TMPDIR"
	run user-add --dry-run --csv big.csv
	assert_failure 3
	assert_line "user-add: big.csv: 232 users: at most 100 can be imported at once; split the file keeping its header, then import each part: tail -n +2 'big.csv' | split -l 100 --filter='{ head -n 1 \"big.csv\"; cat; } >\"\$FILE.csv\"' - part-"
	assert_line 'user-add: big.csv:50: u7@x.org is given twice (first on line 8)'
	assert_line "user-add: big.csv:60: bad address 'bad addr': contains a space or control character"
	[ ! -e "$ROSTER_DIR" ]
}

@test "the recipe in the message keeps the header: 232 users in three parts" {
	big 232
	cd "$BATS_TEST_TMPDIR"
	run user-add --no-welcome --csv big.csv
	assert_failure 3
	recipe=$(sed -n 's/.*then import each part: //p' <<<"$output")
	[ -n "$recipe" ]
	sh -c "$recipe"
	run ls part-aa.csv part-ab.csv part-ac.csv
	assert_success
	for p in part-a?.csv; do
		[ "$(head -n 1 "$p")" = 'E-mail;Voornaam;Achternaam;Team;Telefoon' ]
		user-add --no-welcome --csv "$p" >/dev/null 2>&1
	done
	run sh -c 'user-list --format tsv --no-header | wc -l'
	assert_output 232
	run sh -c 'user-list --format tsv --no-header u232@x.org | cut -f1-3,5'
	assert_output "$(printf 'u232@x.org\tJan 232\tJansen\tSupport,Sales')"
}

@test "--skip-existing: a re-run after a partial import is safe" {
	big 5
	add_users u2@x.org u4@x.org
	before=$(store_sum)
	run user-add --no-welcome --csv "$BATS_TEST_TMPDIR/big.csv"
	assert_failure 3
	assert_output --partial 'big.csv:3: u2@x.org is already a user'
	[ "$(store_sum)" = "$before" ]
	run user-add --no-welcome --skip-existing --csv "$BATS_TEST_TMPDIR/big.csv"
	assert_success
	assert_line "user-add: $BATS_TEST_TMPDIR/big.csv:3: u2@x.org is already a user: skipped"
	assert_line "user-add: $BATS_TEST_TMPDIR/big.csv:5: u4@x.org is already a user: skipped"
	assert_line u1@x.org
	refute_line u2@x.org
	run sh -c 'user-list --format tsv --no-header | cut -f1,2'
	assert_output "$(printf 'u1@x.org\tJan 1\nu2@x.org\t\nu3@x.org\tJan 3\nu4@x.org\t\nu5@x.org\tJan 5')"
	# Everyone there: nothing to do, still 0, nothing written.
	before=$(store_sum)
	run user-add --no-welcome --skip-existing --csv "$BATS_TEST_TMPDIR/big.csv"
	assert_success
	[ "$(store_sum)" = "$before" ]
}

@test "--dry-run of a CSV prints the columns as read; unused columns named" {
	big 2
	run user-add --dry-run --csv "$BATS_TEST_TMPDIR/big.csv"
	assert_success
	assert_output "$(printf '%s\n' \
	    "user-add: $BATS_TEST_TMPDIR/big.csv:1: column 'Telefoon' is not imported (read: Email, First Name, Last Name, Team)" \
	    'line	email	first_name	last_name	teams' \
	    '2	u1@x.org	Jan 1	Jansen	Support,Sales' \
	    '3	u2@x.org	Jan 2	Jansen	Support,Sales')"
	[ ! -e "$ROSTER_DIR" ]
}
