#!/usr/bin/env bats
# Welcome mail: From, subject, login URL and template from roster.ini
# (store-config), the count on stderr, and share/examples/send-outbox with
# a stand-in sendmail.
load helpers/common

local_setup() {
	SEND="$BATS_TEST_DIRNAME/../share/examples/send-outbox"
	# A stand-in sendmail: checks -t, keeps each message it accepts in
	# $BATS_TEST_TMPDIR/sent/, refuses any addressed to a "bounce" user.
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/sent"
	cat >"$BATS_TEST_TMPDIR/bin/sendmail" <<EOF2
#!/bin/sh
[ "\$1" = -t ] || exit 64
msg=\$(cat)
case \$msg in *"To: <bounce@"*) exit 75 ;; esac
n=\$(ls "$BATS_TEST_TMPDIR/sent" | wc -l)
printf '%s\n' "\$msg" >"$BATS_TEST_TMPDIR/sent/\$n.eml"
EOF2
	chmod +x "$BATS_TEST_TMPDIR/bin/sendmail"
}

@test "From, subject and the login link come from roster.ini" {
	store-config welcome.from help@example.org
	store-config welcome.subject 'Your help desk account'
	store-config welcome.login_url https://help.example.org/login
	run user-add --first-name Ada ada@x.org
	assert_success
	assert_output "$(printf 'ada@x.org\nuser-add: 1 welcome message queued in outbox/ (sent by the job of roster(5), Welcome mail)')"
	f="$ROSTER_DIR/outbox/ada@x.org.eml"
	run tr -d '\r' <"$f"
	assert_line 'From: roster <help@example.org>'
	assert_line 'Subject: Your help desk account'
	assert_line 'Hello Ada,'
	assert_line 'Set a password and sign in at https://help.example.org/login'
	refute_output --partial 'invitation link'
}

@test "without a login URL there is no link sentence; the defaults" {
	run user-add bob@x.org bo@x.org
	assert_success
	assert_line 'user-add: 2 welcome messages queued in outbox/ (sent by the job of roster(5), Welcome mail)'
	run tr -d '\r' <"$ROSTER_DIR/outbox/bob@x.org.eml"
	assert_line 'From: roster <roster@localhost>'
	assert_line 'Subject: Welcome to the help desk'
	assert_line 'Ask your administrator where to set a password and sign in.'
	refute_output --partial 'sign in at'
	# No message, no count.
	run user-add --no-welcome cy@x.org
	assert_output cy@x.org
}

@test "a template in the store replaces the body, placeholders filled, CRLF" {
	store-config welcome.login_url https://help.example.org
	printf 'Dear {name},\n\nyour login is {email}; start at {login_url}.\n' \
	    >"$ROSTER_DIR/welcome.txt"
	store-config welcome.template welcome.txt
	user-add --first-name Ada ada@x.org 2>/dev/null
	run sed -n '/^\r$/,$p' "$ROSTER_DIR/outbox/ada@x.org.eml"
	assert_output "$(printf '\r\nDear Ada,\r\n\r\nyour login is ada@x.org; start at https://help.example.org.\r')"
	# A template that is gone stops the add (7), nothing written.
	rm "$ROSTER_DIR/welcome.txt"
	before=$(store_sum)
	run user-add bob@x.org
	assert_failure 7
	assert_output --partial 'welcome.template: no file welcome.txt'
	[ "$(store_sum)" = "$before" ]
}

@test "each welcome setting is checked (5), nothing written" {
	user-add --no-welcome ada@x.org >/dev/null
	before=$(store_sum)
	run store-config welcome.from 'not an address'
	assert_failure 5
	run store-config welcome.subject "$(printf 'caf\xc3\xa9')"
	assert_failure 5
	run store-config welcome.login_url ftp://x
	assert_failure 5
	run store-config welcome.template ../etc/passwd
	assert_failure 5
	run store-config welcome.colour blue
	assert_failure 5
	[ "$(store_sum)" = "$before" ]
	store-config welcome.from help@example.org
	run store-config --check
	assert_success
	run store-config welcome.from
	assert_output help@example.org
}

@test "send-outbox under the lock: accepted messages removed, refused ones kept" {
	user-add ann@x.org bounce@x.org cy@x.org 2>/dev/null >/dev/null
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run store-edit --exec "$SEND"
	assert_failure 1
	assert_line --partial 'send-outbox: bounce@x.org.eml: sendmail failed (exit 75), kept'
	assert_line 'send-outbox: 2 sent, 1 kept'
	run ls "$ROSTER_DIR/outbox"
	assert_output bounce@x.org.eml
	run ls "$BATS_TEST_TMPDIR/sent"
	assert_output "$(printf '0.eml\n1.eml')"
	run grep -h '^To: ' "$BATS_TEST_TMPDIR/sent/0.eml" "$BATS_TEST_TMPDIR/sent/1.eml"
	assert_output "$(printf 'To: <ann@x.org>\r\nTo: <cy@x.org>\r')"
	run sh -c 'grep ",exec," "$ROSTER_DIR/audit.csv" | cut -d, -f3-6'
	assert_output "store-edit,exec,$SEND,exit 1"
	# The next run sends nothing twice; without a store it says so.
	rm "$ROSTER_DIR/outbox/bounce@x.org.eml"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run store-edit --exec "$SEND"
	assert_success
	assert_output 'send-outbox: 0 sent, 0 kept'
	ROSTER_DIR="$BATS_TEST_TMPDIR/none" run "$SEND"
	assert_failure 2
}
