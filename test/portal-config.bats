#!/usr/bin/env bats
# portal-config: keys, rules, exit codes, comment-keeping edits.
load helpers/common

pini() { cat "$ROSTER_DIR/portal.ini"; }

mkstore() {
	mkdir -p "$ROSTER_DIR"
	cat >"$ROSTER_DIR/roster.ini" <<'INI'
[store]
version = 1

[pipelines]
Support Pipeline = Closed
Returns = Refunded, Rejected
INI
}

# A portal that may be enabled.
ready() {
	portal-config portal.name "Help" &&
	portal-config portal.slug help &&
	portal-config portal.default_inbox inbox:support
}

@test "help, version, usage errors" {
	run portal-config --help
	assert_success
	assert_output --partial "usage: portal-config"
	run portal-config --version
	assert_success
	assert_output --partial "portal-config (roster)"
	run portal-config --bogus
	assert_failure 2
	run portal-config a b c
	assert_failure 2
	run portal-config --check portal.name
	assert_failure 2
	run portal-config --position 2 portal.name
	assert_failure 2
}

@test "a reader of a missing store exits 4" {
	run portal-config portal.name
	assert_failure 4
	assert_output --partial "no store"
}

@test "listing shows defaults, marked" {
	portal-config portal.name "My Portal"
	run portal-config
	assert_success
	assert_line "portal.name = My Portal"
	assert_line "portal.enabled = false (default)"
	assert_line "tickets.columns = subject, requested_by, create_date, owner, last_activity_date, status (default)"
	assert_line "tickets.owner_name = first (default)"
}

@test "listing as tsv, csv, json, without header" {
	portal-config portal.name "My Portal"
	run portal-config --format tsv
	assert_success
	assert_line --index 0 "$(printf 'key\tvalue\tdefault')"
	assert_line "$(printf 'portal.name\tMy Portal\tfalse')"
	run portal-config --format csv --no-header
	assert_line --index 0 --regexp '^portal.enabled,false,true.?$'
	run portal-config --format json
	assert_success
	[ "$(printf '%s' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([r["value"] for r in d if r["key"]=="portal.name"][0], [r["default"] for r in d if r["key"]=="portal.enabled"][0])')" = "My Portal True" ]
	run portal-config --format xml
	assert_failure 2
}

@test "get: value, default, 4 if unset, 5 if unknown" {
	portal-config portal.name "My Portal"
	run portal-config portal.name
	assert_output "My Portal"
	run portal-config tickets.owner_name
	assert_output "first"
	run portal-config portal.slug
	assert_failure 4
	assert_output --partial "not set"
	run portal-config portal.colour
	assert_failure 5
	assert_output --partial "unknown setting 'portal.colour'"
}

@test "unknown keys refused, theme and closed_stage open" {
	run portal-config portal.bogus x
	assert_failure 5
	run portal-config nosection x
	assert_failure 5
	run portal-config theme.font "Inter"
	assert_success
	run portal-config theme.primary_color "#1A2b3c"
	assert_success
	run portal-config theme.primary_color "red"
	assert_failure 5
	assert_output --partial "#RRGGBB"
	run portal-config theme.link_colour "#12345"
	assert_failure 5
	run portal-config theme.font
	assert_output "Inter"
}

@test "every boolean spelling is read and written true/false" {
	for v in true yes on 1 TRUE Yes; do
		portal-config access.sso "$v"
		[ "$(portal-config access.sso)" = true ]
	done
	for v in false no off 0 FALSE Off; do
		portal-config access.sso "$v"
		[ "$(portal-config access.sso)" = false ]
	done
	run portal-config access.sso maybe
	assert_failure 5
	assert_output --partial "not a boolean"
	grep -qx 'sso = false' "$ROSTER_DIR/portal.ini"
}

@test "slug rule" {
	for s in a help my-portal-2 "$(printf 'a%.0s' {1..63})"; do
		run portal-config portal.slug "$s"
		assert_success
	done
	for s in -- -a a- My_Portal "a b" "$(printf 'a%.0s' {1..64})" ""; do
		run portal-config -- portal.slug "$s"
		assert_failure 5
	done
}

@test "host names" {
	run portal-config portal.domain help.example.com
	assert_success
	run portal-config portal.domain localhost
	assert_success
	run portal-config portal.domain "bad_host.example.com"
	assert_failure 5
	run portal-config portal.domain "a..b"
	assert_failure 5
	run portal-config -- portal.domain "-a.example.com"
	assert_failure 5
}

@test "language: one tag; a list is refused with 3" {
	run portal-config portal.language nl
	assert_success
	run portal-config portal.language fr-CA
	assert_success
	run portal-config portal.language "nl, fr"
	assert_failure 3
	assert_output --partial "multilingual portals are not supported"
	run portal-config portal.language "nl;fr"
	assert_failure 3
	run portal-config portal.language "n1"
	assert_failure 5
	run portal-config portal.language "x"
	assert_failure 5
}

@test "default_inbox and ticket_permissions" {
	run portal-config portal.default_inbox inbox:support
	assert_success
	run portal-config portal.default_inbox helpdesk:Main
	assert_success
	run portal-config portal.default_inbox support
	assert_failure 5
	run portal-config portal.default_inbox inbox:
	assert_failure 5
	run portal-config portal.ticket_permissions company
	assert_success
	run portal-config portal.ticket_permissions all
	assert_failure 5
	assert_output --partial "own or company"
}

@test "form.enabled requires form.name" {
	run portal-config form.enabled true
	assert_failure 3
	assert_output --partial "form.enabled requires form.name"
	[ ! -e "$ROSTER_DIR/portal.ini" ] || ! grep -q enabled "$ROSTER_DIR/portal.ini"
	portal-config form.name "Support form"
	run portal-config form.enabled on
	assert_success
	run portal-config --unset form.name
	assert_failure 3
	assert_output --partial "form.enabled requires form.name"
}

@test "owner_name: alias requires owner_alias" {
	run portal-config tickets.owner_name nickname
	assert_failure 5
	run portal-config tickets.owner_name alias
	assert_failure 3
	assert_output --partial "requires tickets.owner_alias"
	portal-config tickets.owner_alias "Support team"
	for v in first full last alias; do
		run portal-config tickets.owner_name $v
		assert_success
	done
}

@test "access.mode groups requires access.groups" {
	run portal-config access.mode everyone
	assert_failure 5
	run portal-config access.mode groups
	assert_failure 3
	assert_output --partial "access.mode requires access.groups"
	run portal-config access.groups " , "
	assert_failure 5
	portal-config access.groups "vip,  partners"
	[ "$(portal-config access.groups)" = "vip, partners" ]
	run portal-config access.mode groups
	assert_success
	run portal-config access.mode self-register
	assert_success
}

@test "session.idle_timeout: non-negative minutes" {
	run portal-config session.idle_timeout 0
	assert_success
	run portal-config session.idle_timeout 30
	assert_success
	run portal-config -- session.idle_timeout -1
	assert_failure 5
	run portal-config session.idle_timeout 1h
	assert_failure 5
}

@test "the six pages keys and text keys" {
	for k in register login logout access_denied password_reset password_reset_request; do
		run portal-config pages.$k "tpl-$k"
		assert_success
	done
	run portal-config pages.home x
	assert_failure 5
	run portal-config tickets.display_name Cases
	assert_success
	run portal-config access.consent_text "We keep your data."
	assert_success
	run portal-config form.menu_text ""
	assert_failure 5
	run portal-config form.menu_text "$(printf 'a\nb')"
	assert_failure 5
}

@test "visibility filters" {
	run portal-config tickets.visibility "priority = high; status != closed"
	assert_success
	run portal-config tickets.visibility "subject contains refund"
	assert_success
	run portal-config tickets.visibility "amount > 10;amount<100"
	assert_success
	run portal-config tickets.visibility "priority == high"
	assert_failure 5
	run portal-config tickets.visibility "priority high"
	assert_failure 5
	run portal-config tickets.visibility "priority ="
	assert_failure 5
}

@test "columns: 10 allowed, an 11th refused, duplicates refused" {
	portal-config tickets.columns "c1,c2,c3,c4,c5,c6,c7,c8,c9,c10"
	[ "$(portal-config tickets.columns)" = "c1, c2, c3, c4, c5, c6, c7, c8, c9, c10" ]
	run portal-config --add-column c11
	assert_failure 3
	assert_output --partial "at most 10"
	run portal-config tickets.columns "c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11"
	assert_failure 3
	run portal-config tickets.columns "a, b, a"
	assert_failure 3
	assert_output --partial "listed twice"
	run portal-config --add-column c1
	assert_failure 3
	run portal-config --add-column "Bad Name"
	assert_failure 5
}

@test "columns: add at a position, remove, reset" {
	portal-config --add-column priority --position 1
	[ "$(portal-config tickets.columns)" = "priority, subject, requested_by, create_date, owner, last_activity_date, status" ]
	portal-config --add-column tags
	[ "$(portal-config tickets.columns)" = "priority, subject, requested_by, create_date, owner, last_activity_date, status, tags" ]
	portal-config --add-column due --position 3
	[ "$(portal-config tickets.columns | cut -d, -f3)" = " due" ]
	run portal-config --add-column x --position 99
	assert_failure 5
	run portal-config --add-column x --position 0
	assert_failure 2
	portal-config --remove-column owner
	run portal-config tickets.columns
	refute_output --partial "owner"
	run portal-config --remove-column owner
	assert_failure 4
	portal-config --reset-columns
	run portal-config tickets.columns
	assert_output "subject, requested_by, create_date, owner, last_activity_date, status"
	run grep -c columns "$ROSTER_DIR/portal.ini"
	assert_output 0
}

@test "closed stages: one-stage default, multi-stage required, bad one refused" {
	mkstore
	run portal-config closed_stage.Returns Closed
	assert_failure 5
	assert_output --partial "not a closed stage of pipeline 'Returns'"
	run portal-config "closed_stage.No Such" Closed
	assert_failure 5
	run portal-config actions.close_from_portal true
	assert_failure 3
	assert_output --partial "requires closed_stage.Returns"
	refute_output --partial "closed_stage.Support Pipeline"
	run portal-config "closed_stage.Support Pipeline"
	assert_output "Closed"
	portal-config closed_stage.Returns Refunded
	run portal-config actions.close_from_portal yes
	assert_success
	run portal-config --unset closed_stage.Returns
	assert_failure 3
	run portal-config
	assert_line "closed_stage.Support Pipeline = Closed (default)"
	assert_line "closed_stage.Returns = Refunded"
}

@test "enabling with several broken rules reports them all" {
	mkdir -p "$ROSTER_DIR"
	# A rule broken by hand before: it is reported with the others.
	printf '[form]\nenabled = yes\n' >"$ROSTER_DIR/portal.ini"
	run portal-config portal.enabled true
	assert_failure 3
	assert_output --partial "portal.ini:2: form.enabled requires form.name"
	assert_output --partial "portal.enabled requires portal.name"
	assert_output --partial "portal.enabled requires portal.slug"
	assert_output --partial "portal.enabled requires portal.default_inbox"
	run cat "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '[form]\nenabled = yes')"
}

@test "an enabled portal refuses any edit that breaks a rule" {
	ready
	portal-config portal.enabled true
	run portal-config --unset portal.slug
	assert_failure 3
	assert_output --partial "portal.ini:"
	assert_output --partial "requires portal.slug"
	run portal-config portal.slug ok-slug
	assert_success
	portal-config portal.enabled false
	run portal-config --unset portal.slug
	assert_success
}

@test "--check: 0 when fine, 3 listing every broken rule with lines" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\nenabled = true\nlanguage = nl, fr\n\n[form]\nenabled = yes\n' >"$ROSTER_DIR/portal.ini"
	run portal-config --check
	assert_failure 3
	assert_line "portal-config: portal.ini:3: portal.language: 'nl, fr': one language only; multilingual portals are not supported"
	assert_line "portal-config: portal.ini:6: form.enabled requires form.name (set form.name, or set form.enabled false)"
	assert_line --partial "portal-config: portal.ini:2: portal.enabled requires portal.name"
	assert_line --partial "portal-config: portal.ini:2: portal.enabled requires portal.slug"
	printf '[portal]\nname = x\n' >"$ROSTER_DIR/portal.ini"
	run portal-config --check
	assert_success
	assert_output ""
}

@test "--check of a malformed value exits 5, of an unreadable line 7" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\nslug = Bad Slug\n' >"$ROSTER_DIR/portal.ini"
	run portal-config --check
	assert_failure 5
	assert_output --partial "portal.ini:2: portal.slug: bad slug"
	printf '[portal]\nthis is not ini\n' >"$ROSTER_DIR/portal.ini"
	run portal-config --check
	assert_failure 7
	assert_output --partial "portal.ini:2:"
}

@test "hand-written file: comments, spacing and key=value survive edits" {
	mkdir -p "$ROSTER_DIR"
	cat >"$ROSTER_DIR/portal.ini" <<'INI'
; Customer portal — edited by hand
# keep this comment

[portal]
name=Help Centre
   slug   =   help
language = nl

[custom]
whatever = kept

[tickets]
# columns chosen by support
columns=subject,status
owner_name   =first
INI
	cp "$ROSTER_DIR/portal.ini" "$BATS_TEST_TMPDIR/orig"
	portal-config portal.name "Help Center"
	run diff "$BATS_TEST_TMPDIR/orig" "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '5c5\n< name=Help Centre\n---\n> name=Help Center')"
	portal-config portal.slug support
	run diff "$BATS_TEST_TMPDIR/orig" "$ROSTER_DIR/portal.ini"
	assert_line ">    slug   =   support"
	portal-config --add-column priority
	grep -qx 'columns=subject, status, priority' "$ROSTER_DIR/portal.ini"
	portal-config --unset portal.language
	portal-config portal.domain help.example.com
	run diff "$BATS_TEST_TMPDIR/orig" "$ROSTER_DIR/portal.ini"
	assert_output "$(printf '5,7c5,7\n< name=Help Centre\n<    slug   =   help\n< language = nl\n---\n> name=Help Center\n>    slug   =   support\n> domain = help.example.com\n14c14\n< columns=subject,status\n---\n> columns=subject, status, priority')"
	portal-config session.idle_timeout 15
	tail -n 3 "$ROSTER_DIR/portal.ini" >"$BATS_TEST_TMPDIR/tail"
	run cat "$BATS_TEST_TMPDIR/tail"
	assert_output "$(printf 'owner_name   =first\n\n[session]\nidle_timeout = 15' | tail -n 3)"
	grep -qx 'whatever = kept' "$ROSTER_DIR/portal.ini"
	grep -qx '; Customer portal — edited by hand' "$ROSTER_DIR/portal.ini"
}

@test "--dry-run writes nothing" {
	portal-config portal.name "Help"
	before=$(store_sum)
	run portal-config --dry-run portal.slug help
	assert_success
	assert_output "portal.slug = help"
	run portal-config --dry-run --unset portal.name
	assert_success
	assert_output "portal.name (unset)"
	run portal-config --dry-run --add-column priority --position 2
	assert_success
	assert_output "tickets.columns = subject, priority, requested_by, create_date, owner, last_activity_date, status"
	run portal-config --dry-run --remove-column status
	assert_success
	run portal-config --dry-run --reset-columns
	assert_success
	run portal-config --dry-run portal.language "nl, fr"
	assert_failure 3
	[ "$(store_sum)" = "$before" ]
}

@test "writes are audited" {
	portal-config portal.name "Help"
	portal-config --unset portal.name
	run cat "$ROSTER_DIR/audit.csv"
	assert_line --partial ",tester,portal-config,set,portal.name,Help"
	assert_line --partial ",tester,portal-config,unset,portal.name,"
}

@test "unset of a missing key is 4" {
	portal-config portal.name "Help"
	run portal-config --unset portal.slug
	assert_failure 4
	run portal-config --unset portal.nope
	assert_failure 5
}

@test "4 concurrent writers setting different keys all survive" {
	portal-config portal.name "Help"
	portal-config portal.slug s0 &
	portal-config portal.domain d.example.com &
	portal-config tickets.display_name Cases &
	portal-config session.idle_timeout 20 &
	wait
	[ "$(portal-config portal.slug)" = s0 ]
	[ "$(portal-config portal.domain)" = d.example.com ]
	[ "$(portal-config tickets.display_name)" = Cases ]
	[ "$(portal-config session.idle_timeout)" = 20 ]
	[ "$(grep -c ',set,' "$ROSTER_DIR/audit.csv")" = 5 ]
}

@test "a CRLF file keeps its line endings on edit" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\r\nname = A\r\n; note\r\n' >"$ROSTER_DIR/portal.ini"
	portal-config portal.name B
	[ "$(portal-config portal.name)" = B ]
	[ "$(cat "$ROSTER_DIR/portal.ini")" = "$(printf '[portal]\r\nname = B\r\n; note\r')" ]
}

@test "-d names the store; a fine enabled portal passes --check" {
	d="$BATS_TEST_TMPDIR/other"
	portal-config -d "$d" portal.name Help
	portal-config --store "$d" portal.slug help
	portal-config -d "$d" portal.default_inbox helpdesk:Main
	portal-config -d "$d" portal.enabled 1
	run portal-config -d "$d" --check
	assert_success
	[ ! -e "$ROSTER_DIR" ]
	run portal-config -d "$d" portal.enabled
	assert_output true
}

@test "setting a value that breaks its own rule again is refused" {
	mkdir -p "$ROSTER_DIR"
	printf '[portal]\nlanguage = nl, fr\n' >"$ROSTER_DIR/portal.ini"
	run portal-config portal.language "nl, fr"
	assert_failure 3
	assert_line "portal-config: portal.ini:2: portal.language: 'nl, fr': one language only; multilingual portals are not supported"
	run portal-config portal.name Help
	assert_success
	run portal-config portal.language nl
	assert_success
	run portal-config --check
	assert_success
}
