#!/usr/bin/env bats
# Bash completion (share/completion/roster.bash): options, addresses, teams,
# zones, portal keys and fixed value sets.

load helpers/common

local_setup() {
	# shellcheck source=/dev/null
	source "$BATS_TEST_DIRNAME/../share/completion/roster.bash"
}

# complete WORD...: complete the last word of the line WORD... (give "" to
# complete a new, empty word); COMPREPLY holds the candidates.
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_roster
}

# has WORD: COMPREPLY contains WORD.
has() {
	local w
	for w in "${COMPREPLY[@]}"; do
		[ "$w" = "$1" ] && return 0
	done
	echo "'$1' not in: ${COMPREPLY[*]}" >&2
	return 1
}

@test "every binary is registered, also with the roster- prefix" {
	for t in user-add user-mod user-rm hours-set ooo-add ooo-rm status \
	    assign-next records portal-config user-list store-config store-edit ooo-list; do
		complete -p "$t" | grep -q -- '-F _roster'
		complete -p "roster-$t" | grep -q -- '-F _roster'
	done
}

@test "long options of user-add" {
	complete_line user-add --
	has --csv
	has --first-name
	has --last-name
	has --no-welcome
	has --super-admin
	has --team
	has --timezone
	has --dry-run
	has --skip-existing
	has --restore
	has --store
	run has --reassign-to
	assert_failure
}

@test "options are filtered by the typed prefix, under the roster- name too" {
	complete_line roster-user-add --t
	[ "${#COMPREPLY[@]}" -eq 2 ]
	has --team
	has --timezone
}

@test "addresses come from the store, decoded" {
	add_users ada@example.org bob@example.org "o'hara@example.org"
	complete_line user-mod ""
	[ "${#COMPREPLY[@]}" -eq 3 ]
	has ada@example.org
	has bob@example.org
	has "o\\'hara@example.org"
	complete_line user-rm a
	[ "${#COMPREPLY[@]}" -eq 1 ]
	has ada@example.org
	complete_line user-rm --reassign-to b
	has bob@example.org
}

@test "--store on the line wins over ROSTER_DIR for addresses" {
	add_users ada@example.org
	user-add --no-welcome --store "$BATS_TEST_TMPDIR/other" zed@example.org
	complete_line status --store "$BATS_TEST_TMPDIR/other" ""
	[ "${#COMPREPLY[@]}" -eq 1 ]
	has zed@example.org
	complete_line status -d "$BATS_TEST_TMPDIR/other" z
	has zed@example.org
	complete_line status --store = "$BATS_TEST_TMPDIR/other" z
	has zed@example.org
}

@test "no store: no addresses and no error" {
	complete_line user-rm ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
}

@test "team names from the users' files, flow and block style" {
	user-add --no-welcome --team Support --team "Second Line" ada@example.org
	printf 'email: bob@example.org\nteams:\n  - "Billing"\n  - Sales  # comment\nseat: none\n' \
	    >"$ROSTER_DIR/users/bob@example.org.yaml"
	complete_line user-mod --team ""
	has Support
	has 'Second\ Line'
	has Billing
	has Sales
	complete_line status --team Se
	[ "${#COMPREPLY[@]}" -eq 1 ]
	has 'Second\ Line'
}

@test "time zones for --timezone" {
	[ -f /usr/share/zoneinfo/Europe/Amsterdam ] || skip "no tz database"
	complete_line user-add --timezone Europe/Ams
	[ "${#COMPREPLY[@]}" -eq 1 ]
	has Europe/Amsterdam
	complete_line user-add --timezone Asia/Kath
	has Asia/Kathmandu
}

@test "portal keys for portal-config, by prefix" {
	complete_line portal-config portal.s
	has portal.slug
	has portal.show_custom_stages
	[ "${#COMPREPLY[@]}" -eq 2 ]
	complete_line portal-config --unset tickets.
	has tickets.columns
	has tickets.owner_name
}

@test "portal keys also come from an existing store" {
	portal-config portal.name "Help"
	complete_line portal-config ""
	has portal.name
	has access.mode
	complete_line portal-config portal.enabled ""
	has true
	has false
}

@test "--format values per binary" {
	complete_line status --format ""
	[ "${COMPREPLY[*]}" = "table tsv csv json" ]
	complete_line records --format t
	has table
	has tsv
	complete_line assign-next --format ""
	[ "${COMPREPLY[*]}" = "plain json" ]
	complete_line status --format = ""
	has json
}

@test "--mode, --record and --set values" {
	complete_line assign-next --mode ""
	[ "${COMPREPLY[*]}" = "round-robin balanced" ]
	complete_line assign-next --record t
	[ "${COMPREPLY[*]}" = "ticket:" ]
	complete_line status --set a
	[ "${COMPREPLY[*]}" = "away available" ]
}

@test "slots and coverage: registered, options, values, addresses" {
	complete -p slots | grep -q -- '-F _roster'
	complete -p roster-coverage | grep -q -- '-F _roster'
	complete_line slots --m
	[ "${#COMPREPLY[@]}" -eq 2 ]
	has --min-notice
	has --mode
	complete_line slots --mode ""
	[ "${COMPREPLY[*]}" = "any all" ]
	complete_line slots --format ""
	has ics
	complete_line coverage --format ""
	run has ics
	assert_failure
	complete_line slots --duration 1h
	[ "${COMPREPLY[*]}" = "1h 1h30m" ]
	complete_line coverage --step ""
	[ "${COMPREPLY[*]}" = "15m 30m 1h" ]
	complete_line coverage --tz Europe/Amst
	has Europe/Amsterdam
	complete_line coverage --w
	[ "${COMPREPLY[*]}" = "--week" ]
	add_users --team Support ann@x.org
	complete_line slots --duration 1h a
	has ann@x.org
	complete_line slots --team ""
	has Support
	complete_line coverage --team S
	has Support
}

@test "user-list: its options, paid among the seats, addresses" {
	complete_line user-list --
	has --contact
	has --long
	has --removed
	has --super-admin
	complete_line user-list --seat ""
	has paid
	has none
	complete_line user-list --contact ""
	has primary
	add_users ann@x.org
	complete_line user-list a
	has ann@x.org
}

@test "store-config: options, its keys, zones and permissions as values" {
	complete_line store-config --
	has --check
	has --unset
	store-config 'role.Support Agent.permissions' tickets >/dev/null
	complete_line store-config ""
	has store.timezone
	has store.version
	has 'role.Support\ Agent.permissions'
	has pipelines.
	has welcome.login_url
	complete_line store-config store.timezone Europe/Ams
	has Europe/Amsterdam
	complete_line store-config role.X.permissions tic
	has tickets
	complete_line store-config --unset st
	has store.timezone
}

@test "store-edit: the files it edits and addresses" {
	add_users ann@x.org
	complete_line store-edit ""
	has roster.ini
	has records.csv
	has ann@x.org
	complete_line store-edit --
	has --exec
}

@test "user-mod --rename takes an argument; the old address completes" {
	add_users ann@x.org
	complete_line user-mod --ren
	has --rename
	complete_line user-mod --rename new@x.org a
	has ann@x.org
}

@test "ooo-add --team completes teams" {
	user-add --no-welcome --team Support ann@x.org >/dev/null
	complete_line ooo-add --te
	has --team
	complete_line ooo-add --team S
	has Support
}

@test "ooo-list: its options, teams and addresses" {
	user-add --no-welcome --team Support ann@x.org >/dev/null
	complete_line ooo-list --
	has --from
	has --team
	complete_line ooo-list --team S
	has Support
	complete_line ooo-list a
	has ann@x.org
}
