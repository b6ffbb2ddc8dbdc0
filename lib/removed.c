/* removed.c — removed/: the name of each archive, finding and loading them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/removed.h"
#include "roster/store.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

#define STAMP_LEN 16		/* YYYYMMDDTHHMMSSZ */
#define MAX_SEQ 9999		/* removals of one address in one second */

void
archlist_free(struct archlist *al)
{
	size_t i;

	for (i = 0; i < al->n; i++) {
		free(al->a[i].email);
		free(al->a[i].rel);
	}
	free(al->a);
	al->a = NULL;
	al->n = 0;
}

char *
removed_dirname(const char *email)
{
	char *f = email_fname(email);

	f[strlen(f) - 5] = '\0';	/* ".yaml" */
	return f;
}

/* n decimal digits of s as a number, or -1. */
static long
digits(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
removed_stamp_parse(const char *name, time_t *stamp, long *seq)
{
	struct tm tm;
	const char *p = name + STAMP_LEN;
	long f[6];
	time_t t;

	if (strlen(name) < STAMP_LEN + 5 || name[8] != 'T' ||
	    name[STAMP_LEN - 1] != 'Z')
		return -1;
	if ((f[0] = digits(name, 4)) < 0 || (f[1] = digits(name + 4, 2)) < 0 ||
	    (f[2] = digits(name + 6, 2)) < 0 || (f[3] = digits(name + 9, 2)) < 0 ||
	    (f[4] = digits(name + 11, 2)) < 0 || (f[5] = digits(name + 13, 2)) < 0)
		return -1;
	*seq = 1;
	if (*p == '_') {
		/* _N: N from 2, no leading zero, so that each N has one name. */
		const char *q = ++p;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q == p || q - p > 4 || *p == '0' ||
		    (*seq = digits(p, (int)(q - p))) < 2)
			return -1;
		p = q;
	}
	if (strcmp(p, ".yaml") != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)f[0] - 1900;
	tm.tm_mon = (int)f[1] - 1;
	tm.tm_mday = (int)f[2];
	tm.tm_hour = (int)f[3];
	tm.tm_min = (int)f[4];
	tm.tm_sec = (int)f[5];
	t = timegm(&tm);
	/* timegm() normalises 2026-02-30: only a real instant is a stamp. */
	if (t == (time_t)-1 || tm.tm_year != (int)f[0] - 1900 ||
	    tm.tm_mon != (int)f[1] - 1 || tm.tm_mday != (int)f[2] ||
	    tm.tm_hour != (int)f[3] || tm.tm_min != (int)f[4] ||
	    tm.tm_sec != (int)f[5])
		return -1;
	*stamp = t;
	return 0;
}

/* "YYYYMMDDTHHMMSSZ" of t into buf (at least STAMP_LEN + 1 bytes). */
static void
stamp_format(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
}

int
removed_new(struct store *st, const char *email, time_t t, char **rel)
{
	char stamp[32], *dir = removed_dirname(email), *sub, *r;
	long n;
	int rc;

	*rel = NULL;
	stamp_format(t, stamp, sizeof stamp);
	sub = xasprintf("removed/%s", dir);
	/* removed/ is checked first (a real directory, not a link), so
	 * that making removed/DIR cannot end up elsewhere. */
	if ((rc = dir_ensure(st->dfd, "removed")) != 0 ||
	    (rc = dir_ensure(st->dfd, sub)) != 0)
		goto out;
	for (n = 1; n <= MAX_SEQ; n++) {
		r = n == 1 ? xasprintf("%s/%s.yaml", sub, stamp) :
		    xasprintf("%s/%s_%ld.yaml", sub, stamp, n);
		if (!file_exists(st->dfd, r)) {
			*rel = r;
			goto out;
		}
		free(r);
	}
	rc = fail(RX_STORE, "%s: %d removals at %s already", sub, MAX_SEQ,
	    stamp);
out:
	free(sub);
	free(dir);
	return rc;
}

static int
cmp_archive(const void *a, const void *b)
{
	const struct archive *x = a, *y = b;
	int c = strcmp(x->email, y->email);

	if (c)
		return c;
	if (x->stamp != y->stamp)
		return x->stamp < y->stamp ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
add_archive(struct archlist *al, const char *email, char *rel, time_t stamp,
    long seq)
{
	struct archive *a;

	al->a = xrealloc(al->a, (al->n + 1) * sizeof *al->a);
	a = &al->a[al->n++];
	a->email = xstrdup(email);
	a->rel = rel;
	a->stamp = stamp;
	a->seq = seq;
}

/* The archives in removed/DIR for email, appended to al.  A missing
 * directory holds none. */
static int
scan_dir(struct store *st, const char *dir, const char *email,
    struct archlist *al)
{
	struct dirent *de;
	char *sub = xasprintf("removed/%s", dir);
	time_t t;
	long seq;
	DIR *d;
	int fd;

	if ((fd = dir_open(st->dfd, sub)) < 0) {
		int rc = errno == ENOENT ? 0 : fail_errno(RX_STORE, "%s", sub);
		free(sub);
		return rc;
	}
	if ((d = fdopendir(fd)) == NULL) {
		int rc = fail_errno(RX_STORE, "%s", sub);
		close(fd);
		free(sub);
		return rc;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' &&
		    removed_stamp_parse(de->d_name, &t, &seq) == 0)
			add_archive(al, email, xasprintf("%s/%s", sub,
			    de->d_name), t, seq);
	closedir(d);
	free(sub);
	return 0;
}

int
removed_of(struct store *st, const char *email, struct archlist *al)
{
	char *norm = email_norm(email), *dir = removed_dirname(email), *old;
	int rc;

	memset(al, 0, sizeof *al);
	old = xasprintf("removed/%s.yaml", dir);
	if (file_exists(st->dfd, old)) {
		add_archive(al, norm, old, -1, 0);
		old = NULL;
	}
	free(old);
	rc = scan_dir(st, dir, norm, al);
	if (rc)
		archlist_free(al);
	else if (al->n > 1)
		qsort(al->a, al->n, sizeof *al->a, cmp_archive);
	free(dir);
	free(norm);
	return rc;
}

/* Every archive in removed/, by address, each address's oldest first.
 * Names that are not archives are left out (status --check reports
 * them). */
static int
removed_all(struct store *st, struct archlist *al)
{
	struct dirent *de;
	struct stat sb;
	char *email;
	DIR *d;
	int fd, rc = 0;

	memset(al, 0, sizeof *al);
	if ((fd = dir_open(st->dfd, "removed")) < 0)
		return errno == ENOENT ? 0 : fail_errno(RX_STORE, "removed");
	if ((d = fdopendir(fd)) == NULL) {
		rc = fail_errno(RX_STORE, "removed");
		close(fd);
		return rc;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(sb.st_mode)) {
			if ((email = email_from_fname(de->d_name)) != NULL)
				add_archive(al, email, xasprintf("removed/%s",
				    de->d_name), -1, 0);
		} else if (S_ISDIR(sb.st_mode)) {
			email = pct_decode(de->d_name, strlen(de->d_name));
			if (email != NULL)
				rc = scan_dir(st, de->d_name, email, al);
		} else
			continue;
		free(email);
	}
	closedir(d);
	if (rc)
		archlist_free(al);
	else if (al->n > 1)
		qsort(al->a, al->n, sizeof *al->a, cmp_archive);
	return rc;
}

int
removed_load(struct store *st, const struct archive *a, struct user *u)
{
	char *buf;
	size_t len;
	int rc;

	if ((rc = file_read_as(st->dfd, a->rel, a->rel, &buf, &len)) != 0)
		return rc == RX_NOTFOUND ? fail(RX_STORE, "%s: vanished",
		    a->rel) : rc;
	user_init(u, NULL);
	rc = user_parse(buf, len, a->rel, u);
	free(buf);
	if (rc == 0 && u->email == NULL)
		u->email = xstrdup(a->email);
	else if (rc == 0 && strcmp(u->email, a->email) != 0)
		rc = fail_at(RX_STORE, a->rel, 0, "email: %s does not match "
		    "the file name", u->email);
	if (rc)
		user_free(u);
	return rc;
}

int
removed_latest(struct store *st, const char *email, struct user *u,
    char **rel)
{
	struct archlist al;
	int rc;

	if (rel)
		*rel = NULL;
	if ((rc = removed_of(st, email, &al)) != 0)
		return rc;
	if (al.n == 0) {
		char *norm = email_norm(email);
		rc = fail(RX_NOTFOUND, "no such removed user: %s", norm);
		free(norm);
	} else if ((rc = removed_load(st, &al.a[al.n - 1], u)) == 0 && rel)
		*rel = xstrdup(al.a[al.n - 1].rel);
	archlist_free(&al);
	return rc;
}

int
removed_list(struct store *st, const char *email, struct userlist *ul,
    void (*bad)(int code, void *arg), void *arg)
{
	struct archlist al;
	size_t i;
	int rc, first = 0, active = 0;

	memset(ul, 0, sizeof *ul);
	rc = email ? removed_of(st, email, &al) : removed_all(st, &al);
	if (rc)
		return rc;
	if (email && (al.n == 0 || user_exists(st, email, USER_ACTIVE))) {
		char *norm = email_norm(email);
		rc = al.n == 0 ? fail(RX_NOTFOUND, "no such removed user: %s",
		    norm) : fail(RX_NOTFOUND, "%s is an active user, not a "
		    "removed one", norm);
		free(norm);
		archlist_free(&al);
		return rc;
	}
	ul->u = xcalloc(al.n, sizeof *ul->u);
	for (i = 0; i < al.n; i++) {
		/* An address active again is not removed: skip its history. */
		if (i == 0 || strcmp(al.a[i].email, al.a[i - 1].email) != 0)
			active = user_exists(st, al.a[i].email, USER_ACTIVE);
		if (active)
			continue;
		if ((rc = removed_load(st, &al.a[i], &ul->u[ul->n])) == 0) {
			ul->n++;
			continue;
		}
		if (first == 0)
			first = rc;
		if (bad)
			bad(rc, arg);
		rc = 0;
	}
	ul->cap = ul->n;
	archlist_free(&al);
	return bad ? 0 : first;
}

int
removed_restorable(const struct store *st, const struct user *u,
    const char *from)
{
	char *msg;
	int rc;

	if (u->role && store_role(st, u->role) == NULL)
		return fail(RX_NOTFOUND, "%s: role '%s' is not defined in "
		    "roster.ini (add a [role \"%s\"] section first)", from,
		    u->role, u->role);
	if (u->timezone && (rc = zone_check(u->timezone)) != 0) {
		msg = xstrdup(err_msg());
		fail(rc, "%s: %s", from, msg);
		free(msg);
		return rc;
	}
	return user_check_text(u) != 0 ? RX_INVALID : 0;
}

void
removed_revive(struct user *u, time_t now, int welcome)
{
	u->removed_at = -1;
	u->has_override = 0;
	strv_free(&u->contacts);
	u->created = now;
	free(u->welcome);
	u->welcome = xstrdup(welcome ? "queued" : "skipped");
}
