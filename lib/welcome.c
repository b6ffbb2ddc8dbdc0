/* welcome.c — the welcome message, as an RFC 5322 file in outbox/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/welcome.h"

/* RFC 5322 date in UTC: Mon, 23 Nov 2026 10:00:00 +0000 */
static void
mail_date(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* outbox/NAME.eml of address email, malloc'd. */
static char *
welcome_rel(const char *email)
{
	char *fname = email_fname(email), *rel;

	strcpy(fname + strlen(fname) - 5, ".eml");
	rel = xasprintf("outbox/%s", fname);
	free(fname);
	return rel;
}

int
welcome_queued(struct store *st, const char *email)
{
	char *rel = welcome_rel(email);
	int r = file_exists(st->dfd, rel);

	free(rel);
	return r;
}

int
welcome_drop(struct store *st, const char *email, int *dropped)
{
	char *rel = welcome_rel(email);
	int rc;

	*dropped = 0;
	rc = 0;
	if (file_exists(st->dfd, rel)) {	/* else sent, or never queued */
		rc = txn_remove(st, rel);
		*dropped = rc == 0;
	}
	free(rel);
	return rc;
}

/* Append text to *b with LF line ends made CRLF (a template written
 * on Unix), and {name}, {email} and {login_url} replaced. */
static void
put_body(char **b, const char *text, const char *name, const char *email,
    const char *url)
{
	static const char *const keys[] = { "{name}", "{email}",
		"{login_url}" };
	const char *vals[3] = { name, email, url ? url : "" };
	const char *p;
	char *t;
	size_t k, n;

	for (p = text; *p; ) {
		for (k = 0; k < 3; k++)
			if (strncmp(p, keys[k], strlen(keys[k])) == 0)
				break;
		if (k < 3) {
			t = xasprintf("%s%s", *b, vals[k]);
			p += strlen(keys[k]);
		} else if (*p == '\n') {
			t = xasprintf("%s%s", *b, p > text && p[-1] == '\r' ?
			    "\n" : "\r\n");
			p++;
		} else {
			n = strcspn(p + 1, "{\n") + 1;
			t = xasprintf("%s%.*s", *b, (int)n, p);
			p += n;
		}
		free(*b);
		*b = t;
	}
}

/* The body: the store's template, else the built-in text, whose link
 * sentence is there only when a login URL is set. */
static int
body(struct store *st, const struct user *u, char **b)
{
	const char *name = u->first_name ? u->first_name : u->email;
	char *text = NULL, *def;
	size_t len;
	int rc;

	*b = xstrdup("");
	if (st->wel_template) {
		rc = file_read(st->dfd, st->wel_template, &text, &len);
		if (rc == RX_NOTFOUND)
			return fail(RX_STORE, "roster.ini: welcome.template: "
			    "no file %s in the store", st->wel_template);
		if (rc)
			return rc;
		put_body(b, text, name, u->email, st->wel_url);
		free(text);
		return 0;
	}
	def = xasprintf("Hello {name},\n\nYou have been added to the help "
	    "desk as {email}.\n%s", st->wel_url ? "Set a password and sign "
	    "in at {login_url}\n" : "Ask your administrator where to set a "
	    "password and sign in.\n");
	put_body(b, def, name, u->email, st->wel_url);
	free(def);
	return 0;
}

int
welcome_queue(struct store *st, const struct user *u, time_t now)
{
	char date[64], *rel, *msg, *b;
	int rc;

	if ((rc = body(st, u, &b)) != 0) {
		free(b);
		return rc;
	}
	mail_date(now, date, sizeof date);
	rel = welcome_rel(u->email);
	msg = xasprintf(
	    "From: roster <%s>\r\n"
	    "To: <%s>\r\n"
	    "Subject: %s\r\n"
	    "Date: %s\r\n"
	    "Message-ID: <%ld.%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "%s",
	    st->wel_from ? st->wel_from : "roster@localhost", u->email,
	    st->wel_subject ? st->wel_subject : "Welcome to the help desk",
	    date, (long)now, u->email, b);
	rc = txn_put(st, rel, msg, strlen(msg));
	free(msg);
	free(rel);
	free(b);
	return rc;
}
