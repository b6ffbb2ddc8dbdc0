#!/usr/bin/env bats
# Every removal kept: one archive per removal in removed/, user-add --restore,
# status --removed, the queued welcome dropped, status --check of removed/.
load helpers/common

local_setup() {
	mkdir -p "$ROSTER_DIR"
	cat >"$ROSTER_DIR/roster.ini" <<-'EOF'
	[store]
	version = 1
	[role "Support Agent"]
	permissions = tickets
	EOF
	user-add --no-welcome --super-admin boss@x.org >/dev/null
	user-add --first-name Ada --last-name Lovelace --role 'Support Agent' \
	    --team Support --team Nights --timezone Europe/Amsterdam ada@x.org >/dev/null
	hours-set ada@x.org mon-fri=09:00-17:00 >/dev/null
	ooo-add ada@x.org --from 2026-12-24 --to 2026-12-26 >/dev/null
}

A1=removed/ada@x.org/20261123T100000Z.yaml

# Remove ada, add her again with nothing, remove her again a day later.
remove_readd_remove() {
	user-rm ada@x.org
	user-add --no-welcome ada@x.org >/dev/null
	ROSTER_NOW=2026-11-24T10:00:00Z user-rm ada@x.org
}

@test "remove, re-add, remove: both archives kept, the first unchanged" {
	user-rm ada@x.org
	first=$(cksum <"$ROSTER_DIR/$A1")
	user-add --no-welcome ada@x.org >/dev/null
	ROSTER_NOW=2026-11-24T10:00:00Z run user-rm ada@x.org
	assert_success
	assert_output ""
	run ls "$ROSTER_DIR/removed" "$ROSTER_DIR/removed/ada@x.org"
	assert_output "$(printf '%s\n' "$ROSTER_DIR/removed:" ada@x.org '' \
	    "$ROSTER_DIR/removed/ada@x.org:" 20261123T100000Z.yaml 20261124T100000Z.yaml)"
	assert_equal "$(cksum <"$ROSTER_DIR/$A1")" "$first"
	# The first archive still has everything she had.
	grep -q '^first_name: Ada$' "$ROSTER_DIR/$A1"
	grep -q '^teams: \[Support, Nights\]$' "$ROSTER_DIR/$A1"
	grep -q '^timezone: Europe/Amsterdam$' "$ROSTER_DIR/$A1"
	grep -q '"09:00-17:00"' "$ROSTER_DIR/$A1"
	grep -q 'start: 2026-12-24T00:00:00+01:00' "$ROSTER_DIR/$A1"
	grep -q '^removed_at: 2026-11-23T10:00:00Z$' "$ROSTER_DIR/$A1"
	grep -q '^removed_at: 2026-11-24T10:00:00Z$' "$ROSTER_DIR/removed/ada@x.org/20261124T100000Z.yaml"
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
	run grep -c 'user-rm,remove,ada@x.org' "$ROSTER_DIR/audit.csv"
	assert_output 2
}

@test "two removals in one second: the second gets _2, nothing overwritten" {
	user-rm ada@x.org
	first=$(cksum <"$ROSTER_DIR/$A1")
	user-add --no-welcome ada@x.org >/dev/null
	run user-rm ada@x.org
	assert_success
	run ls "$ROSTER_DIR/removed/ada@x.org"
	assert_output "$(printf '20261123T100000Z.yaml\n20261123T100000Z_2.yaml')"
	assert_equal "$(cksum <"$ROSTER_DIR/$A1")" "$first"
	run grep -c '^first_name' "$ROSTER_DIR/removed/ada@x.org/20261123T100000Z_2.yaml"
	assert_output 0
	run status --check
	assert_success
}

@test "an address with %XX in its name: the archive directory keeps it" {
	add_users 'o'"'"'neil@x.org'
	run user-rm "o'neil@x.org"
	assert_success
	[ -f "$ROSTER_DIR/removed/o%27neil@x.org/20261123T100000Z.yaml" ]
	run status --format tsv --no-header --removed
	assert_output "o'neil@x.org	2026-11-23T10:00:00Z	"
}

@test "user-rm drops the queued welcome, and says so in the audit row" {
	[ -f "$ROSTER_DIR/outbox/ada@x.org.eml" ]
	sum=$(store_sum)
	run user-rm --dry-run ada@x.org
	assert_success
	assert_output "$(printf 'remove ada@x.org\ndrop the queued welcome of ada@x.org')"
	assert_equal "$(store_sum)" "$sum"
	run user-rm ada@x.org
	assert_success
	[ ! -e "$ROSTER_DIR/outbox/ada@x.org.eml" ]
	run tail -n 1 "$ROSTER_DIR/audit.csv"
	assert_output "2026-11-23T10:00:00Z,tester,user-rm,remove,ada@x.org,queued welcome dropped"
	# No welcome queued (or already sent): nothing to drop, nothing said.
	run user-rm boss@x.org
	assert_failure 3
	add_users bob@x.org
	run user-rm bob@x.org
	assert_success
	run tail -n 1 "$ROSTER_DIR/audit.csv"
	assert_output "2026-11-23T10:00:00Z,tester,user-rm,remove,bob@x.org,"
}

@test "--restore brings back names, role, teams, zone, hours, absences; the archive stays" {
	user-rm ada@x.org
	archive=$(cksum <"$ROSTER_DIR/$A1")
	rm -f "$ROSTER_DIR"/outbox/*
	ROSTER_NOW=2026-11-25T08:00:00Z run user-add --restore ADA@x.org
	assert_success
	assert_output "ada@x.org"
	f="$ROSTER_DIR/users/ada@x.org.yaml"
	grep -q '^first_name: Ada$' "$f"
	grep -q '^last_name: Lovelace$' "$f"
	grep -q '^role: Support Agent$' "$f"
	grep -q '^teams: \[Support, Nights\]$' "$f"
	grep -q '^timezone: Europe/Amsterdam$' "$f"
	grep -q '"09:00-17:00"' "$f"
	grep -q 'start: 2026-12-24T00:00:00+01:00' "$f"
	grep -q '^created: 2026-11-25T08:00:00Z$' "$f"
	grep -q '^welcome: queued$' "$f"
	run grep -c removed_at "$f"
	assert_output 0
	[ -f "$ROSTER_DIR/outbox/ada@x.org.eml" ]
	assert_equal "$(cksum <"$ROSTER_DIR/$A1")" "$archive"
	run tail -n 1 "$ROSTER_DIR/audit.csv"
	assert_output "2026-11-25T08:00:00Z,tester,user-add,restore,ada@x.org,from $A1"
	ROSTER_NOW=2026-11-25T08:00:00Z run status --format tsv --no-header ada@x.org
	assert_output "ada@x.org	available	working-hours	2026-11-25T16:00:00Z	Support,Nights"
	run status --check
	assert_success
}

@test "--restore takes the latest archive; --no-welcome queues nothing" {
	remove_readd_remove
	run user-add --restore --no-welcome ada@x.org
	assert_success
	run grep -c '^first_name' "$ROSTER_DIR/users/ada@x.org.yaml"
	assert_output 0
	grep -q '^welcome: skipped$' "$ROSTER_DIR/users/ada@x.org.yaml"
	[ ! -e "$ROSTER_DIR/outbox/ada@x.org.eml" ]
	run tail -n 1 "$ROSTER_DIR/audit.csv"
	assert_output --partial "from removed/ada@x.org/20261124T100000Z.yaml"
}

@test "--restore refused: active 3, never removed 4, bad address 5, all or nothing" {
	user-rm ada@x.org
	add_users bob@x.org
	sum=$(store_sum)
	run user-add --restore bob@x.org
	assert_failure 3
	assert_output "user-add: bob@x.org is already a user (nothing to restore; change it with user-mod)"
	run user-add --restore ada@x.org ghost@x.org
	assert_failure 4
	assert_output "user-add: no such removed user: ghost@x.org"
	run user-add --restore 'not an address'
	assert_failure 5
	run user-add --restore ada@x.org ada@x.org
	assert_failure 3
	assert_output --partial "given twice"
	run user-add --restore --team T ada@x.org
	assert_failure 2
	assert_output --partial "change it afterwards with user-mod"
	assert_equal "$(store_sum)" "$sum"
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
}

@test "--restore --dry-run prints and writes nothing" {
	user-rm ada@x.org
	sum=$(store_sum)
	run user-add --restore --dry-run ada@x.org
	assert_success
	assert_output "ada@x.org"
	assert_equal "$(store_sum)" "$sum"
}

@test "--restore: the rules of an add — a role gone 4, two super admins 3" {
	add_users bob@x.org carol@x.org
	user-mod --super-admin bob@x.org carol@x.org
	user-rm ada@x.org bob@x.org carol@x.org
	printf '[store]\nversion = 1\n' >"$ROSTER_DIR/roster.ini"
	sum=$(store_sum)
	run user-add --restore ada@x.org
	assert_failure 4
	assert_output "user-add: $A1: role 'Support Agent' is not defined in roster.ini (add a [role \"Support Agent\"] section first)"
	run user-add --restore bob@x.org carol@x.org
	assert_failure 3
	assert_output --partial "super admin is granted to one new user at a time"
	assert_equal "$(store_sum)" "$sum"
	run user-add --restore bob@x.org
	assert_success
	grep -q '^super_admin: true$' "$ROSTER_DIR/users/bob@x.org.yaml"
}

@test "--restore: an archive's zone that is not known is 5, naming the archive" {
	user-rm ada@x.org
	sed -i 's|^timezone: .*|timezone: Mars/Base|' "$ROSTER_DIR/$A1"
	sum=$(store_sum)
	run user-add --restore ada@x.org
	assert_failure 5
	assert_output "user-add: $A1: unknown time zone 'Mars/Base'"
	assert_equal "$(store_sum)" "$sum"
	[ ! -e "$ROSTER_DIR/users/ada@x.org.yaml" ]
}

@test "--restore drops contact roles and a manual override of a hand-edited archive" {
	mkdir -p "$ROSTER_DIR/removed/cy@x.org"
	cat >"$ROSTER_DIR/removed/cy@x.org/20261101T000000Z.yaml" <<-'EOF'
	email: cy@x.org
	teams: [Support]
	contact_roles: [primary]
	status_override:
	  status: away
	  until: 2026-11-02T00:00:00Z
	removed_at: 2026-11-01T00:00:00Z
	EOF
	run user-add --restore --no-welcome cy@x.org
	assert_success
	f="$ROSTER_DIR/users/cy@x.org.yaml"
	grep -q '^contact_roles: \[\]$' "$f"
	run grep -c 'status_override' "$f"
	assert_output 0
	grep -q '^teams: \[Support\]$' "$f"
}

@test "status --removed: removed_at, every removal, never an active user" {
	remove_readd_remove
	run status --format tsv --removed
	assert_success
	assert_output "$(printf 'email\tremoved_at\tteams\nada@x.org\t2026-11-23T10:00:00Z\tSupport,Nights\nada@x.org\t2026-11-24T10:00:00Z\t')"
	run status --removed --team Nights --format tsv --no-header
	assert_output "$(printf 'ada@x.org\t2026-11-23T10:00:00Z\tSupport,Nights')"
	# Back again: no longer removed, in any listing.
	user-add --restore --no-welcome ada@x.org >/dev/null
	run status --removed --format tsv --no-header
	assert_success
	assert_output ""
	run status --removed ada@x.org
	assert_failure 4
	assert_output "status: ada@x.org is an active user, not a removed one"
	run status --removed ghost@x.org
	assert_failure 4
	assert_output "status: no such removed user: ghost@x.org"
	run status --removed -q ada@x.org
	assert_failure 2
}

@test "an old-style removed/EMAIL.yaml is an archive too, older than the new ones" {
	mkdir -p "$ROSTER_DIR/removed"
	printf 'email: old@x.org\nfirst_name: Olga\nremoved_at: 2025-01-01T00:00:00Z\n' \
	    >"$ROSTER_DIR/removed/old@x.org.yaml"
	run status --removed --format tsv --no-header
	assert_output "old@x.org	2025-01-01T00:00:00Z	"
	run user-add --restore --no-welcome old@x.org
	assert_success
	grep -q '^first_name: Olga$' "$ROSTER_DIR/users/old@x.org.yaml"
	run user-rm old@x.org
	assert_success
	[ -f "$ROSTER_DIR/removed/old@x.org.yaml" ]
	[ -f "$ROSTER_DIR/removed/old@x.org/20261123T100000Z.yaml" ]
	run status --removed --format tsv --no-header old@x.org
	assert_output "$(printf 'old@x.org\t2025-01-01T00:00:00Z\t\nold@x.org\t2026-11-23T10:00:00Z\t')"
	run status --check
	assert_success
}

@test "records: an owner whose only archive is in removed/EMAIL/ is Deactivated" {
	printf 'type,id,owner,state\nticket,1,ada@x.org,open\n' >"$ROSTER_DIR/records.csv"
	user-rm --force ada@x.org
	run records --format tsv --no-header
	assert_output "ticket	1	ada@x.org	open	false"
	run records
	assert_line --partial "Deactivated User (ada@x.org)"
	run status --check
	assert_success
}

@test "status --check: malformed archives and stray names in removed/" {
	remove_readd_remove
	d="$ROSTER_DIR/removed/ada@x.org"
	printf 'email: [\n' >"$d/20261125T100000Z.yaml"
	printf 'email: ada@x.org\n' >"$d/20261126T100000Z.yaml"
	printf 'email: ada@x.org\nremoved_at: 2026-01-01T00:00:00Z\n' >"$d/20261127T100000Z.yaml"
	printf 'email: bob@x.org\nremoved_at: 2026-11-28T10:00:00Z\n' >"$d/20261128T100000Z.yaml"
	printf 'x\n' >"$d/notes.txt"
	mkdir "$ROSTER_DIR/removed/junk"
	run status --check
	assert_failure 7
	assert_output "removed/ada@x.org/20261125T100000Z.yaml:2: did not find expected node content while parsing a flow node
removed/ada@x.org/20261126T100000Z.yaml: removed_at: missing (an archive says when the user was removed)
removed/ada@x.org/20261127T100000Z.yaml:2: removed_at: 2026-01-01T00:00:00Z does not match the file name (2026-11-27T10:00:00Z)
removed/ada@x.org/20261128T100000Z.yaml: email: bob@x.org does not match the file name
removed/ada@x.org/notes.txt: not an archive (want YYYYMMDDTHHMMSSZ.yaml, or _N before .yaml for another removal in the same second)
removed/junk: not an archive directory: its name is not an address (removed/EMAIL/YYYYMMDDTHHMMSSZ.yaml)"
}

@test "status --check: an address active and removed at once" {
	mkdir -p "$ROSTER_DIR/removed/ada@x.org"
	sed 's/^welcome: queued$/removed_at: 2026-11-23T11:00:00Z/' \
	    "$ROSTER_DIR/users/ada@x.org.yaml" >"$ROSTER_DIR/removed/ada@x.org/20261123T110000Z.yaml"
	run status --check
	assert_failure 7
	assert_output "removed/ada@x.org/20261123T110000Z.yaml: ada@x.org is active and removed at once: removed 2026-11-23T11:00:00Z, after its users/ file was created 2026-11-23T10:00:00Z (its users/ file put back by hand or from a copy: user-rm removes it, or remove the archive to keep the user)"
	# A removal before the user was added again is history, not a problem.
	rm "$ROSTER_DIR/removed/ada@x.org/20261123T110000Z.yaml"
	remove_readd_remove
	ROSTER_NOW=2026-11-25T10:00:00Z user-add --no-welcome ada@x.org >/dev/null
	run status --check
	assert_success
	assert_output ""
}

@test "status --removed: an archive that does not load is reported, the others listed, 7" {
	add_users bob@x.org
	user-rm ada@x.org bob@x.org
	printf 'email: [\n' >"$ROSTER_DIR/removed/bob@x.org/20261123T100000Z.yaml"
	run status --removed --format tsv --no-header
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    'status: removed/bob@x.org/20261123T100000Z.yaml:2: did not find expected node content while parsing a flow node' \
	    "ada@x.org	2026-11-23T10:00:00Z	Support,Nights")"
	run user-add --restore bob@x.org
	assert_failure 7
	[ ! -e "$ROSTER_DIR/users/bob@x.org.yaml" ]
}

@test "a symbolic link in removed/ is not followed: 7, the user stays active" {
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	mkdir -p "$ROSTER_DIR/removed"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$ROSTER_DIR/removed/ada@x.org"
	run user-rm ada@x.org
	assert_failure 7
	assert_output "user-rm: removed/ada@x.org: is a symbolic link; not followed"
	[ -f "$ROSTER_DIR/users/ada@x.org.yaml" ]
	run ls -A "$BATS_TEST_TMPDIR/elsewhere"
	assert_output ""
}

@test "status --check: archive names must be real instants, _N from 2 without leading zeros" {
	user-rm ada@x.org
	d="$ROSTER_DIR/removed/ada@x.org"
	for n in 20260230T100000Z.yaml 20261123T100000Z_1.yaml 20261123T100000Z_02.yaml \
	    20261123T100000.yaml 20261123T100000Z.yml; do
		cp "$ROSTER_DIR/$A1" "$d/$n"
	done
	cp "$ROSTER_DIR/$A1" "$d/20261123T100000Z_12.yaml"
	run status --check
	assert_failure 7
	assert_output "$(for n in 20260230T100000Z.yaml 20261123T100000.yaml 20261123T100000Z.yml \
	    20261123T100000Z_02.yaml 20261123T100000Z_1.yaml; do
		echo "removed/ada@x.org/$n: not an archive (want YYYYMMDDTHHMMSSZ.yaml, or _N before .yaml for another removal in the same second)"
	done)"
	run status --removed --format tsv --no-header
	assert_output "$(printf 'ada@x.org\t2026-11-23T10:00:00Z\tSupport,Nights\nada@x.org\t2026-11-23T10:00:00Z\tSupport,Nights')"
}
