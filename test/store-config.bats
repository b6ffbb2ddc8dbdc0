#!/usr/bin/env bats
# store-config: roster.ini's settings, each value checked, comment-keeping
# edits through the transaction, --check, store creation.
load helpers/common

ini() { cat "$ROSTER_DIR/roster.ini"; }

mkstore() {
	mkdir -p "$ROSTER_DIR"
	cat >"$ROSTER_DIR/roster.ini" <<'INI'
; our help desk
[store]
version = 1
timezone   =   Europe/Amsterdam   ; keep the spacing

[role "Support Agent"]
; agents answer tickets
permissions = tickets, conversations
INI
}

@test "help, version, usage errors" {
	run store-config --help
	assert_success
	assert_output --partial "usage: store-config"
	run store-config --version
	assert_output --partial "store-config (roster)"
	run store-config a b c
	assert_failure 2
	run store-config --check store.timezone
	assert_failure 2
	run store-config --dry-run store.timezone
	assert_failure 2
	run store-config --format tsv store.timezone
	assert_failure 2
}

@test "only KEY VALUE creates a store; readers and --unset exit 4" {
	for args in "" store.timezone "--unset store.timezone" --check; do
		# shellcheck disable=SC2086
		run store-config $args
		assert_failure 4
		assert_output --partial "no store at $ROSTER_DIR"
		[ ! -e "$ROSTER_DIR" ]
	done
	run store-config --dry-run store.timezone Europe/Paris
	assert_success
	assert_output "store.timezone = Europe/Paris"
	[ ! -e "$ROSTER_DIR" ]
	run store-config store.timezone Europe/Paris
	assert_success
	assert_output ''
	run ini
	assert_output "$(printf '%s\n' '; roster store settings: see roster(5)' \
	    '[store]' 'version = 1' 'timezone = Europe/Paris')"
	[ -d "$ROSTER_DIR/users" ]
	run cut -d, -f3-6 "$ROSTER_DIR/audit.csv"
	assert_line 'store-config,set,store.timezone,Europe/Paris'
}

@test "listing: store.* with defaults marked, then roles and pipelines" {
	mkdir -p "$ROSTER_DIR"
	printf '[store]\nversion = 1\n[pipelines]\nSupport Pipeline = Closed\n' \
	    >"$ROSTER_DIR/roster.ini"
	run store-config
	assert_success
	assert_output "$(printf '%s\n' 'store.version = 1' \
	    'store.timezone = UTC (default)' \
	    'pipelines.Support Pipeline = Closed')"
	run store-config --format tsv --no-header
	assert_output "$(printf '%s\n' 'store.version	1	false' \
	    'store.timezone	UTC	true' 'pipelines.Support Pipeline	Closed	false')"
	run store-config --format json
	run jq -c '.[1]' <<<"$output"
	assert_output '{"key":"store.timezone","value":"UTC","default":true}'
	run store-config store.timezone
	assert_output UTC
	run store-config 'pipelines.Support Pipeline'
	assert_output Closed
	run store-config pipelines.Other
	assert_failure 4
	assert_output --partial 'pipelines.Other is not set'
}

@test "an edit keeps comments, spacing and order; a new role gets a section" {
	mkstore
	run store-config store.timezone America/New_York
	assert_success
	run store-config 'role.Support Agent.permissions' 'tickets,contacts'
	assert_success
	run store-config role.Billing.permissions 'billing , reports'
	assert_success
	run ini
	assert_output "$(printf '%s\n' '; our help desk' '[store]' 'version = 1' \
	    'timezone   =   America/New_York   ; keep the spacing' '' \
	    '[role "Support Agent"]' '; agents answer tickets' \
	    'permissions = tickets, contacts' '' \
	    '[role "Billing"]' 'permissions = billing, reports')"
	run store-config role.Billing.permissions
	assert_output 'billing, reports'
	git_like=$(store-config 'role.Support Agent.permissions')
	[ "$git_like" = 'tickets, contacts' ]
	# The roles are what user-mod --role checks against.
	user-add --no-welcome ann@x.org >/dev/null
	run user-mod --role Billing ann@x.org
	assert_success
}

@test "bad values are refused (5) and nothing is written" {
	mkstore
	before=$(store_sum)
	run store-config store.timezone Mars/Olympus
	assert_failure 5
	assert_output "store-config: store.timezone: unknown time zone 'Mars/Olympus'"
	run store-config role.Agent.permissions 'tickets, fly'
	assert_failure 5
	assert_output --partial "role.Agent.permissions: unknown permission 'fly'"
	run store-config pipelines.Sales ''
	assert_failure 5
	assert_output --partial 'closed stages'
	run store-config pipelines.Sales 'Won, Won'
	assert_failure 5
	assert_output --partial "stage 'Won' given twice"
	run store-config 'pipelines.A=B' Closed
	assert_failure 5
	run store-config 'role.A"B.permissions' tickets
	assert_failure 5
	run store-config no.such 1
	assert_failure 5
	assert_output --partial "unknown setting 'no.such'"
	run store-config store.version 2
	assert_failure 3
	assert_output --partial 'not set by hand'
	[ "$(store_sum)" = "$before" ]
}

@test "a line too long for roster.ini is refused before writing" {
	mkstore
	before=$(store_sum)
	long=$(printf 'Stage%03d, ' $(seq 1 30))
	run store-config pipelines.Long "$long"
	assert_failure 5
	assert_output --partial 'line too long'
	[ "$(store_sum)" = "$before" ]
}

@test "--unset removes the line; a default then applies" {
	mkstore
	run store-config store.timezone
	assert_output Europe/Amsterdam
	run store-config --unset store.timezone
	assert_success
	run store-config store.timezone
	assert_output UTC
	refute_output --partial Amsterdam
	run grep -c timezone "$ROSTER_DIR/roster.ini"
	assert_output 0
	run store-config --unset store.timezone
	assert_failure 4
	assert_output 'store-config: store.timezone is not set'
	run cut -d, -f3-5 "$ROSTER_DIR/audit.csv"
	assert_line 'store-config,unset,store.timezone'
}

@test "--check lists every finding with its line" {
	mkstore
	run store-config --check
	assert_success
	assert_output ''
	printf 'colour = blue\n[pipelines]\nSales = Won, Won\n[extra]\n' >>"$ROSTER_DIR/roster.ini"
	sed -i 's/tickets, conversations/tickets, flying/' "$ROSTER_DIR/roster.ini"
	run store-config --check
	assert_failure 5
	assert_output "$(printf '%s\n' \
	    "store-config: roster.ini:8: role.Support Agent.permissions: unknown permission 'flying' (contacts, companies, deals, tickets, conversations, reports, marketing, users, billing, portal)" \
	    "store-config: roster.ini:9: unknown key 'colour' in [role \"Support Agent\"]" \
	    "store-config: roster.ini:11: pipelines.Sales: stage 'Won' given twice" \
	    "store-config: roster.ini:12: unknown section [extra]")"
}

@test "a store whose zone is unknown is repaired by store-config" {
	mkstore
	sed -i 's|Europe/Amsterdam|Europe/Nowhere|' "$ROSTER_DIR/roster.ini"
	run status
	assert_failure 7
	run store-config --check
	assert_failure 5
	assert_output --partial "roster.ini:4: store.timezone: unknown time zone 'Europe/Nowhere'"
	# Another edit would leave the file unreadable: refused.
	run store-config role.X.permissions tickets
	assert_failure 5
	assert_output --partial 'refused: roster.ini:4: unknown time zone'
	run store-config store.timezone Europe/Berlin
	assert_success
	run status
	assert_success
}

@test "an edit takes the exclusive lock: a held lock is 6, nothing written" {
	mkstore
	before=$(store_sum)
	python3 "$HELPERS/lockhold.py" "$ROSTER_DIR/.lock" 5 >"$BATS_TEST_TMPDIR/held" &
	for _ in $(seq 50); do grep -q locked "$BATS_TEST_TMPDIR/held" && break; sleep 0.1; done
	ROSTER_LOCK_TIMEOUT=0.5 run store-config store.timezone Europe/Berlin
	assert_failure 6
	assert_output --partial "store busy"
	[ "$(store_sum)" = "$before" ]
	kill %1 2>/dev/null || true
	wait || true
}

@test "hours.default and hours.team.NAME: checked as roster.ini reads them" {
	mkstore
	run store-config hours.default 'mon-fri=09:00-17:00'
	assert_success
	run store-config hours.team.Support 'Europe/Amsterdam mon-fri=08:00-18:00'
	assert_success
	grep -qx 'default = mon-fri=09:00-17:00' "$ROSTER_DIR/roster.ini"
	grep -qx 'team Support = Europe/Amsterdam mon-fri=08:00-18:00' \
	    "$ROSTER_DIR/roster.ini"
	sum=$(store_sum)
	run store-config hours.default 'fry=09:00-17:00'
	assert_failure 5
	assert_output --partial 'hours.default: bad weekday: fry'
	run store-config hours.team.Support 'Mars/Base mon=09:00-10:00'
	assert_failure 5
	assert_equal "$(store_sum)" "$sum"
	run store-config --check
	assert_success
	assert_output ''
	user-add --no-welcome --team Support ann@x.org >/dev/null
	run hours-set ann@x.org
	assert_output --partial '(default of team Support)'
}

@test "control characters: refused in a value, escaped in the listing" {
	mkstore
	sum=$(store_sum)
	run store-config pipelines.P "$(printf 'a\033]0;x\007')"
	assert_failure 5
	assert_output "store-config: pipelines.P: a control character or a byte that is not UTF-8 in the value"
	assert_equal "$(store_sum)" "$sum"
	printf '[pipelines]\nP = a\033[31mred\n' >>"$ROSTER_DIR/roster.ini"
	run store-config
	assert_line 'pipelines.P = a\x1b[31mred'
}

@test "a key given twice: the listing and a lookup both show the last" {
	mkstore
	printf '[pipelines]\nP = a\nP = b\n' >>"$ROSTER_DIR/roster.ini"
	run store-config pipelines.P
	assert_output b
	run store-config
	assert_line 'pipelines.P = b'
	refute_line 'pipelines.P = a'
}
