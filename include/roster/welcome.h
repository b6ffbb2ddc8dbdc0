/*
 * welcome.h — the welcome message queued for a new user.
 *
 * One RFC 5322 message per user in STORE/outbox/EMAIL.eml (the user's file
 * name with .eml for .yaml), for a cron job to hand to sendmail(8):
 * From (roster.ini [welcome] from, default roster@localhost), To, Subject,
 * Date, Message-ID, and a text/plain body about setting a password.
 */
#ifndef ROSTER_WELCOME_H
#define ROSTER_WELCOME_H

#include <time.h>

struct store;
struct user;

/* Stage the message for u in outbox/ in st's transaction. 0 or RX_STORE. */
int welcome_queue(struct store *st, const struct user *u, time_t now);

#endif
