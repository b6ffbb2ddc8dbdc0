/* welcome.c — the welcome message, as an RFC 5322 file in outbox/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/welcome.h"

/* RFC 5322 date in UTC: Mon, 23 Nov 2026 10:00:00 +0000 */
static void
mail_date(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

int
welcome_queue(struct store *st, const struct user *u, time_t now)
{
	char date[64], *fname, *rel, *msg;
	const char *name = u->first_name ? u->first_name : u->email;
	int rc;

	mail_date(now, date, sizeof date);
	fname = email_fname(u->email);
	strcpy(fname + strlen(fname) - 5, ".eml");
	rel = xasprintf("outbox/%s", fname);
	msg = xasprintf(
	    "From: roster <roster@localhost>\r\n"
	    "To: <%s>\r\n"
	    "Subject: Welcome to the help desk\r\n"
	    "Date: %s\r\n"
	    "Message-ID: <%ld.%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "Hello %s,\r\n"
	    "\r\n"
	    "You have been added to the help desk as %s.\r\n"
	    "Follow the invitation link to set a password and sign in.\r\n",
	    u->email, date, (long)now, u->email, name, u->email);
	rc = txn_put(st, rel, msg, strlen(msg));
	free(msg);
	free(rel);
	free(fname);
	return rc;
}
