/*
 * welcome.h — the welcome message queued for a new user.
 *
 * One RFC 5322 message per user in STORE/outbox/EMAIL.eml (the user's file
 * name with .eml for .yaml), for a cron job to hand to sendmail(8):
 * From (roster.ini [welcome] from, default roster@localhost), To, Subject
 * ([welcome] subject, default "Welcome to the help desk"), Date,
 * Message-ID, and a text/plain body: the store file named by [welcome]
 * template, else a greeting whose sentence "Set a password and sign in at
 * URL" is there only when [welcome] login_url is set (else it says to
 * ask the administrator).  In a template,
 * {name} (the first name, else the address), {email} and {login_url} are
 * replaced, and LF line ends become CRLF.  A template that is missing is
 * RX_STORE.
 * A removed user is not welcomed: user-rm drops the queued message (one
 * the cron job has sent already is gone from outbox/ and is not missed).
 */
#ifndef ROSTER_WELCOME_H
#define ROSTER_WELCOME_H

#include <time.h>

struct store;
struct user;

/* Stage the message for u in outbox/ in st's transaction. 0 or RX_STORE. */
int welcome_queue(struct store *st, const struct user *u, time_t now);

/* 1 if a message for email waits in outbox/. */
int welcome_queued(struct store *st, const char *email);

/* Remove the message for email from outbox/ if one waits: 0 with
 * *dropped 1 (removed) or 0 (none there), or RX_STORE. */
int welcome_drop(struct store *st, const char *email, int *dropped);

#endif
