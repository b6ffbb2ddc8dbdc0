#!/usr/bin/env bats
# status --check: every file of the store read and validated; each problem
# as FILE:LINE: message on stdout, exit 7; a clean store is silent, exit 0.
load helpers/common

# A store that uses every file: users with hours and periods, a removed
# user who still owns a record, records (one unassigned), rotation, audit,
# portal settings.
local_setup() {
	user-add --no-welcome a@x.org b@x.org c@x.org --team Support >/dev/null
	user-mod --super-admin a@x.org
	hours-set a@x.org mon-fri=09:00-17:00
	hours-set b@x.org sat=10:00-12:00
	ooo-add b@x.org --from 2026-12-01 --to 2026-12-03
	assign-next --record ticket:1 >/dev/null
	assign-next --team Support --record ticket:2 >/dev/null
	user-rm --force c@x.org
	printf 'ticket,3,C@x.org,open\nticket,4,,open\n' >>"$ROSTER_DIR/records.csv"
	portal-config portal.name Help
}

@test "a clean store: exit 0, nothing printed" {
	run status --check
	assert_success
	assert_output ''
}

@test "no store: 4 on stderr; usage: 2" {
	ROSTER_DIR=$BATS_TEST_TMPDIR/none run status --check
	assert_failure 4
	assert_output --partial 'no store at'
	run status --check a@x.org
	assert_failure 2
}

@test "user file: email that does not match the file name" {
	printf 'teams: []\nemail: z@x.org\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output 'users/b@x.org.yaml:2: email: z@x.org does not match the file name (want z@x.org.yaml)'
}

@test "user file: a name that is not EMAIL.yaml, a bad escape" {
	echo notes >"$ROSTER_DIR/users/notes.txt"
	echo 'email: q@x.org' >"$ROSTER_DIR/removed/q%zz@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' 'users/notes.txt: not a user file (EMAIL.yaml)' \
	    'removed/q%zz@x.org.yaml: not a user file name: a bad %XX escape')"
}

@test "user file: malformed YAML, once, with its line" {
	printf 'email: b@x.org\nteams: [unclosed\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^users/b@x.org.yaml:[23]: '
}

@test "user file: a period that ends before it starts" {
	cat >"$ROSTER_DIR/users/b@x.org.yaml" <<-'EOF'
	email: b@x.org
	out_of_office:
	  - start: 2026-12-01T00:00:00Z
	    end: 2026-12-03T00:00:00Z
	  - start: 2026-12-10T00:00:00+01:00
	    end: 2026-12-09T00:00:00+01:00
	  - {start: 2026-12-20T00:00:00Z, end: 2026-12-20T00:00:00Z}
	EOF
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    'users/b@x.org.yaml:5: out_of_office: end 2026-12-08T23:00:00Z is not after start 2026-12-09T23:00:00Z' \
	    'users/b@x.org.yaml:7: out_of_office: end 2026-12-20T00:00:00Z is not after start 2026-12-20T00:00:00Z')"
}

@test "user file: capacity that is not a whole number from 0, once each" {
	local v n=0
	for v in -1 -2 ten 1.5 '""'; do
		printf 'email: b@x.org\nteams: [Support]\ncapacity: %s\n' "$v" \
		    >"$ROSTER_DIR/users/b@x.org.yaml"
		run status --check
		assert_failure 7
		assert_output "users/b@x.org.yaml:3: capacity: expected a whole number, not '${v//\"/}'"
		n=$((n + 1))
	done
	[ "$n" -eq 5 ]
	printf 'email: b@x.org\ncapacity: 3\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_success
	printf 'email: b@x.org\ncapacity: 0\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_success
}

@test "user file: unknown time zone and role, with their lines" {
	printf 'email: b@x.org\nrole: Wizard\ntimezone: Mars/Base\n' \
	    >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:2: role 'Wizard' is not defined in roster.ini" \
	    'users/b@x.org.yaml:3: unknown time zone: Mars/Base')"
}

@test "records.csv: owners that are no user; removed and empty owners are fine" {
	printf 'deal,7,ghost@x.org,open\nticket,8,nobody,closed\n' >>"$ROSTER_DIR/records.csv"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    'records.csv:6: owner ghost@x.org is neither an active nor a removed user' \
	    'records.csv:7: owner nobody is neither an active nor a removed user')"
}

@test "records.csv: field count, empty id, a record twice, header, CSV syntax" {
	printf 'ticket,5,a@x.org\nticket,,a@x.org,open\nticket,1,b@x.org,open\n' \
	    >>"$ROSTER_DIR/records.csv"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    'records.csv:6: want 4 fields (type,id,owner,state), found 3' \
	    'records.csv:7: empty type or id' \
	    'records.csv:8: record ticket:1 repeats line 2')"
	printf 'kind,id,owner,state\nticket,1,a@x.org,open\n' >"$ROSTER_DIR/records.csv"
	run status --check
	assert_failure 7
	assert_output 'records.csv:1: want the header type,id,owner,state'
	printf 'type,id,owner,state\nticket,1,"a@x.org,open\n' >"$ROSTER_DIR/records.csv"
	run status --check
	assert_failure 7
	assert_output --regexp '^records.csv:2: '
}

@test "rotation.csv: fields, empty and unknown last, bad time, a pool twice" {
	cat >>"$ROSTER_DIR/rotation.csv" <<-'EOF'
	Sales,a@x.org
	Nights,,2026-11-23T10:00:00Z
	Weekend,ghost@x.org,2026-11-23T10:00:00Z
	Days,c@x.org,yesterday
	Support,b@x.org,2026-11-23T10:00:00Z
	EOF
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    'rotation.csv:4: want 3 fields (pool,last,updated), found 2' \
	    'rotation.csv:5: pool Nights: empty last user' \
	    'rotation.csv:6: pool Weekend: last user ghost@x.org is neither an active nor a removed user' \
	    "rotation.csv:7: pool Days: updated: 'yesterday' is not an RFC 3339 time" \
	    'rotation.csv:8: pool Support repeats line 3')"
}

@test "roster.ini: a malformed line is reported and the rest is read" {
	printf 'email: b@x.org\ntimezone: Mars/Base\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	printf '[store]\nversion = 1\nbogus line\n' >"$ROSTER_DIR/roster.ini"
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' 'roster.ini:3: malformed line' \
	    'users/b@x.org.yaml:2: unknown time zone: Mars/Base')"
}

@test "roster.ini: a newer format version stops the check there" {
	printf 'email: b@x.org\ntimezone: Mars/Base\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	printf '[store]\nversion = 2\n' >"$ROSTER_DIR/roster.ini"
	run status --check
	assert_failure 7
	assert_output --regexp '^roster.ini: store format version 2 is newer'
	assert_equal "${#lines[@]}" 1
}

@test "portal.ini and audit.csv problems" {
	printf 'slug = -bad-\n' >>"$ROSTER_DIR/portal.ini"
	printf 'yesterday,tester,status,set,a@x.org,away\nshort,row\n' >>"$ROSTER_DIR/audit.csv"
	n=$(wc -l <"$ROSTER_DIR/audit.csv")
	run status --check
	assert_failure 7
	assert_line --index 0 --regexp '^portal.ini:3: .*slug'
	assert_line --index 1 "audit.csv:$((n - 1)): 'yesterday' is not an RFC 3339 time"
	assert_line --index 2 "audit.csv:$n: want 6 fields (time,actor,tool,action,subject,detail), found 2"
	assert_equal "${#lines[@]}" 3
}

@test "a symlink and a directory in users/ are reported, not followed" {
	ln -s /etc/passwd "$ROSTER_DIR/users/l@x.org.yaml"
	mkdir "$ROSTER_DIR/users/d@x.org.yaml"
	run status --check
	assert_failure 7
	assert_line --index 0 --regexp '^users/d@x.org.yaml'
	assert_line --index 1 --regexp '^users/l@x.org.yaml'
	assert_equal "${#lines[@]}" 2
}

# The rules about people (rules.h): what a hand edit can break that the
# commands refuse.  Each store is checked unchanged.

@test "the rules about people: a contact role, a seat, a permission, two primaries" {
	# A store of its own: nobody is super admin, as user-add leaves it.
	export ROSTER_DIR=$BATS_TEST_TMPDIR/example
	add_users a@x.org b@x.org c@x.org
	cat >"$ROSTER_DIR/users/b@x.org.yaml" <<-'EOF'
	email: b@x.org
	contact_roles:
	  - primary
	  - janitor
	seat: Not A Seat!
	permissions: [tickets, fly]
	EOF
	printf 'email: c@x.org\ncontact_roles: [primary]\n' >"$ROSTER_DIR/users/c@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:4: contact_roles: unknown contact role 'janitor' (primary, billing, technical)" \
	    "users/b@x.org.yaml:5: seat: bad seat 'Not A Seat!' (none, sales-starter, sales-professional, service-professional, ...)" \
	    "users/b@x.org.yaml:6: permissions: unknown permission 'fly' (contacts companies deals tickets conversations reports marketing users billing portal)" \
	    'users/c@x.org.yaml:2: a second primary contact (users/b@x.org.yaml is one already); an account has one, handed on with user-mod --contact primary EMAIL' \
	    'warning: users: nobody is a super admin (make one: user-mod --super-admin EMAIL)')"
	[ "$(store_sum)" = "$before" ]
	# The same rules the commands keep.
	run user-rm b@x.org
	assert_failure 3
	[ "$(store_sum)" = "$before" ]
}

@test "a hand-edited file with comments, CR LF and a byte-order mark: the right lines" {
	printf '\357\273\277# edited by hand\r\nemail: b@x.org\r\n\r\n# roles\r\ncontact_roles:\r\n  - billing\r\n  - janitor\r\nseat: Not A Seat!   # a typo\r\npermissions:\r\n  - fly\r\nteams: [Support]\r\nworking_hours:\r\n  sat: ["10:00-12:00"]\r\n' \
	    >"$ROSTER_DIR/users/b@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:7: contact_roles: unknown contact role 'janitor' (primary, billing, technical)" \
	    "users/b@x.org.yaml:8: seat: bad seat 'Not A Seat!' (none, sales-starter, sales-professional, service-professional, ...)" \
	    "users/b@x.org.yaml:10: permissions: unknown permission 'fly' (contacts companies deals tickets conversations reports marketing users billing portal)")"
	[ "$(store_sum)" = "$before" ]
	# The first line too, behind the mark.
	printf '\357\273\277email: z@x.org\r\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	run status --check
	assert_failure 7
	assert_output 'users/b@x.org.yaml:1: email: z@x.org does not match the file name (want z@x.org.yaml)'
}

@test "team names: a ',' and blanks around the name" {
	printf 'email: b@x.org\nteams:\n  - Support\n  - "Sales, Billing"\n  - " Ops "\nworking_hours: {sat: ["10:00-12:00"]}\n' \
	    >"$ROSTER_DIR/users/b@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:4: teams: bad team name 'Sales, Billing': ',' separates teams; give --team once per team" \
	    "users/b@x.org.yaml:5: teams: ' Ops ' has blanks around the name (want 'Ops')")"
	[ "$(store_sum)" = "$before" ]
}

@test "records.csv: a type outside the set" {
	printf 'bug,9,a@x.org,open\nDeal,10,,closed\n' >>"$ROSTER_DIR/records.csv"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "records.csv:6: unknown type 'bug' (ticket, conversation, contact, company, deal)" \
	    "records.csv:7: unknown type 'Deal' (ticket, conversation, contact, company, deal)")"
	[ "$(store_sum)" = "$before" ]
}

@test "warnings: a key one edit from a known one; the exit status stays 0" {
	printf 'email: b@x.org\n# hours\nworkinghours:\n  mon: ["09:00-17:00"]\nTeams: [Support]\nteams: [Support]\nworking_hours: {sat: ["10:00-12:00"]}\nnotes: kept\n' \
	    >"$ROSTER_DIR/users/b@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_success
	assert_output "$(printf '%s\n' \
	    'warning: users/b@x.org.yaml:3: unknown key workinghours: (did you mean working_hours?)' \
	    'warning: users/b@x.org.yaml:5: unknown key Teams: (did you mean teams?)')"
	[ "$(store_sum)" = "$before" ]
	# With a problem too: the warnings come after it, the exit status is 7.
	printf 'slug = -bad-\n' >>"$ROSTER_DIR/portal.ini"
	run status --check
	assert_failure 7
	assert_line --index 0 --regexp '^portal.ini:3: '
	assert_line --index 1 --regexp '^warning: users/b@x.org.yaml:3: '
	assert_equal "${#lines[@]}" 3
}

@test "warnings: a team member with no working hours, unless a default covers it" {
	printf 'email: b@x.org\nteams: [Support]\n' >"$ROSTER_DIR/users/b@x.org.yaml"
	before=$(store_sum)
	run status --check
	assert_success
	assert_output 'warning: users/b@x.org.yaml:2: a team member with no working hours and no default from roster.ini [hours] (always within hours; set them with hours-set)'
	[ "$(store_sum)" = "$before" ]
	# A default for the team, or the store's own, is hours.
	printf '[hours]\nteam Support = mon-fri=09:00-17:00\n' >>"$ROSTER_DIR/roster.ini"
	run status --check
	assert_success
	assert_output ''
	# A store where nobody has hours routes by availability alone.
	export ROSTER_DIR=$BATS_TEST_TMPDIR/nohours
	add_users --team Support --super-admin d@x.org
	run status --check
	assert_success
	assert_output ''
}

@test "nobody is a super admin: what user-add makes, so a warning, exit 0" {
	export ROSTER_DIR=$BATS_TEST_TMPDIR/fresh
	add_users a@x.org
	before=$(store_sum)
	run status --check
	assert_success
	assert_output 'warning: users: nobody is a super admin (make one: user-mod --super-admin EMAIL)'
	[ "$(store_sum)" = "$before" ]
	user-mod --super-admin a@x.org >/dev/null
	run status --check
	assert_success
	assert_output ''
}

@test "an archive holding what user-rm refuses to remove: a paid seat, a contact role" {
	f=$(echo "$ROSTER_DIR"/removed/c@x.org/*.yaml)
	sed -i 's/^seat: none$/seat: sales-starter/; s/^contact_roles: \[\]$/contact_roles: [billing]/' "$f"
	before=$(store_sum)
	run status --check
	assert_failure 7
	rel=${f#"$ROSTER_DIR"/}
	assert_output "$(printf '%s\n' \
	    "$rel: a removal user-rm refuses: c@x.org holds the paid seat sales-starter: remove it first: user-mod --seat none c@x.org" \
	    "$rel: a removal user-rm refuses: c@x.org is the billing contact: remove it first: user-mod --no-contact billing c@x.org")"
	[ "$(store_sum)" = "$before" ]
}

@test "a key given twice in a user file: one broken file, at any level" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	sed -i 's/^super_admin: false$/super_admin: false\nsuper_admin: true/' "$f"
	line=$(grep -n '^super_admin: true$' "$f" | cut -d: -f1)
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "users/b@x.org.yaml:$line: super_admin: appears twice (also on line $((line - 1))); remove one by hand"
	[ "$(store_sum)" = "$before" ]
	# The readers agree: the file is refused where it is read.
	run user-list
	assert_failure 7
	refute_line --partial 'b@x.org,true'
	run user-mod --capacity 2 b@x.org
	assert_failure 7
	assert_output --partial "users/b@x.org.yaml:$line: super_admin: appears twice"
	[ "$(store_sum)" = "$before" ]
}

@test "a weekday twice under working_hours, a key twice in a period: refused" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	sed -i 's/^  sat: \(.*\)$/  sat: \1\n  sat: ["08:00-09:00"]/' "$f"
	line=$(grep -n '08:00-09:00' "$f" | cut -d: -f1)
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "users/b@x.org.yaml:$line: sat: appears twice (also on line $((line - 1))); remove one by hand"
	[ "$(store_sum)" = "$before" ]
	printf 'email: a@x.org\nout_of_office:\n  - {start: 2026-12-01T00:00:00Z, end: 2026-12-02T00:00:00Z, end: 2026-12-09T00:00:00Z}\n' \
	    >"$ROSTER_DIR/users/a@x.org.yaml"
	run status --check
	assert_failure 7
	assert_line 'users/a@x.org.yaml:3: end: appears twice (also on line 3); remove one by hand'
}

@test "email: or teams: twice: the file is refused, not read with the last value" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	printf 'email: z@x.org\n' >>"$f"
	printf 'teams: [Other]\n' >>"$ROSTER_DIR/users/a@x.org.yaml"
	n=$(wc -l <"$f")
	m=$(wc -l <"$ROSTER_DIR/users/a@x.org.yaml")
	t=$(grep -n '^teams:' "$ROSTER_DIR/users/a@x.org.yaml" | head -1 | cut -d: -f1)
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/a@x.org.yaml:$m: teams: appears twice (also on line $t); remove one by hand" \
	    "users/b@x.org.yaml:$n: email: appears twice (also on line 1); remove one by hand")"
	[ "$(store_sum)" = "$before" ]
	run user-list
	assert_failure 7
	refute_output --partial 'Other'
}

@test "roster.ini: the checks of store-config --check, each FILE:LINE" {
	printf '[role "X"]\npermissions = fly\n' >>"$ROSTER_DIR/roster.ini"
	n=$(wc -l <"$ROSTER_DIR/roster.ini")
	run store-config --check
	assert_failure 5
	assert_output "store-config: roster.ini:$n: role.X.permissions: unknown permission 'fly' (contacts, companies, deals, tickets, conversations, reports, marketing, users, billing, portal)"
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "roster.ini:$n: role.X.permissions: unknown permission 'fly' (contacts, companies, deals, tickets, conversations, reports, marketing, users, billing, portal)"
	[ "$(store_sum)" = "$before" ]
}

@test "a value given twice in a list: contact_roles, permissions, teams" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	sed -i 's/^contact_roles: \[\]$/contact_roles: [billing, billing]/; /^teams:/d' "$f"
	printf 'permissions: [tickets, deals, tickets]\nteams:\n  - Support\n  - Support\n' >>"$f"
	c=$(grep -n '^contact_roles:' "$f" | cut -d: -f1)
	p=$(grep -n '^permissions:' "$f" | cut -d: -f1)
	t=$(wc -l <"$f")
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:$c: contact_roles: billing is listed twice (a list holds each once)" \
	    "users/b@x.org.yaml:$p: permissions: tickets is listed twice (a list holds each once)" \
	    "users/b@x.org.yaml:$t: teams: Support is listed twice (a list holds each once)")"
	[ "$(store_sum)" = "$before" ]
	sed -i 's/^contact_roles: .*/contact_roles: [primary, primary]/' "$f"
	run status --check
	assert_failure 7
	assert_line "users/b@x.org.yaml:$c: contact_roles: primary is listed twice (a list holds each once)"
}

@test "the findings of one file come in line order" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	sed -i 's/^seat: none$/seat: Not A Seat!/; s/^contact_roles: \[\]$/contact_roles: [primary, janitor]/' "$f"
	printf 'timezone: Mars/Olympus\n' >>"$f"
	s=$(grep -n '^seat:' "$f" | cut -d: -f1)
	c=$(grep -n '^contact_roles:' "$f" | cut -d: -f1)
	z=$(wc -l <"$f")
	before=$(store_sum)
	run status --check
	assert_failure 7
	assert_output "$(printf '%s\n' \
	    "users/b@x.org.yaml:$s: seat: bad seat 'Not A Seat!' (none, sales-starter, sales-professional, service-professional, ...)" \
	    "users/b@x.org.yaml:$c: contact_roles: unknown contact role 'janitor' (primary, billing, technical)" \
	    "users/b@x.org.yaml:$z: unknown time zone: Mars/Olympus")"
	[ "$(store_sum)" = "$before" ]
}

@test "a key two letters swapped from a known one is warned (one edit)" {
	f=$ROSTER_DIR/users/b@x.org.yaml
	printf 'emial: b@x.org\ntaems: [Support]\n' >>"$f"
	n=$(wc -l <"$f")
	before=$(store_sum)
	run status --check
	assert_success
	assert_output "$(printf '%s\n' \
	    "warning: users/b@x.org.yaml:$((n - 1)): unknown key emial: (did you mean email?)" \
	    "warning: users/b@x.org.yaml:$n: unknown key taems: (did you mean teams?)")"
	[ "$(store_sum)" = "$before" ]
}
