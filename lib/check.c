/* check.c — every file of the store read and validated (status --check). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/check.h"
#include "roster/csvio.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/portal.h"
#include "roster/records.h"
#include "roster/removed.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/storecfg.h"
#include "roster/uindex.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"
#include "csvfile.h"

struct chk {
	struct store *st;
	struct strv *probs;
	struct strv known;	/* addresses with a file in users/ or removed/ */
	int ini_ok;		/* roster.ini read: its roles can be trusted */
	struct strv primary;	/* files of active primary contacts */
	size_t nerr;		/* problems in probs (warnings not counted) */
	struct strv warns;	/* warnings, put after the problems */
	size_t nactive;		/* users in users/ that load */
	size_t nsuper;		/* and of them super admins */
	int hours_used;		/* a user or a default has working hours */
	struct strv nohours;	/* files of team members without */
	const char *over_rel;	/* check_file(): this file reads as over */
	const char *over;
	size_t over_len;
};

static void problem(struct chk *c, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void warning(struct chk *c, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append "[warning: ]FILE:LINE: message" (line 0: "FILE: message"). */
static void
vfinding(struct chk *c, const char *pre, const char *file, long line,
    const char *fmt, va_list ap)
{
	char *msg, *p;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg == NULL)
		msg = xstrdup("out of memory");
	p = line > 0 ? xasprintf("%s%s:%ld: %s", pre, file, line, msg) :
	    xasprintf("%s%s: %s", pre, file, msg);
	strv_add(c->probs, p);
	free(p);
	free(msg);
}

/* A broken rule or a file the tools cannot read: the check fails. */
static void
problem(struct chk *c, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(c, "", file, line, fmt, ap);
	va_end(ap);
	c->nerr++;
}

/* Probably a mistake, but no rule is broken: said, and the check passes. */
static void
warning(struct chk *c, const char *file, long line, const char *fmt, ...)
{
	struct strv *probs = c->probs;
	va_list ap;

	c->probs = &c->warns;
	va_start(ap, fmt);
	vfinding(c, "warning: ", file, line, fmt, ap);
	va_end(ap);
	c->probs = probs;
}

/* The recorded error, which names its file and line already. */
static void
problem_recorded(struct chk *c)
{
	strv_add(c->probs, err_msg());
	c->nerr++;
}

/* Read a file of the store, or the text check_file() puts in its place. */
static int
chk_read(struct chk *c, const char *rel, char **buf, size_t *len)
{
	if (c->over_rel && strcmp(rel, c->over_rel) == 0) {
		*buf = xmalloc(c->over_len + 1);
		memcpy(*buf, c->over, c->over_len);
		(*buf)[c->over_len] = '\0';
		*len = c->over_len;
		return 0;
	}
	return file_read(c->st->dfd, rel, buf, len);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if email (any case) has a file in users/ or removed/. */
static int
is_known(const struct chk *c, const char *email)
{
	char *norm = email_norm(email);
	int r = bsearch(&norm, c->known.v, c->known.n, sizeof *c->known.v,
	    cmp_str) != NULL;

	free(norm);
	return r;
}

/* The names in directory rel of the store, sorted; dot files left out.
 * 0, or -1 with errno (ENOENT: no such directory). */
static int
dir_names(struct chk *c, const char *rel, struct strv *names)
{
	struct dirent *de;
	DIR *d;
	int fd;

	memset(names, 0, sizeof *names);
	if ((fd = dir_open(c->st->dfd, rel)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strv_add(names, de->d_name);
	closedir(d);
	strv_sort(names);
	return 0;
}

/* The line of text that starts with key (a top-level YAML key), 0 if
 * none does: a flow-style file has its keys elsewhere.  A byte-order mark
 * is not part of the first line's text. */
static long
key_line(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;
	long line = 1;

	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;

	for (;;) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':')
			return line;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
		line++;
	}
}

/* The line of key in the file rel, 0 if unknown. */
static long
file_key_line(struct chk *c, const char *rel, const char *key)
{
	char *buf;
	size_t len;
	long line;

	if (chk_read(c, rel, &buf, &len) != 0)
		return 0;
	line = key_line(buf, key);
	free(buf);
	return line;
}

/* The line of item, a value of the top-level key: the first line at or
 * after the key's that holds it (a block list has one item a line), else
 * the key's line. */
static long
file_item_line(struct chk *c, const char *rel, const char *key,
    const char *item)
{
	char *buf;
	const char *p, *q;
	size_t len;
	long line, k;

	if (chk_read(c, rel, &buf, &len) != 0)
		return 0;
	line = k = key_line(buf, key);
	if (k > 0) {
		for (p = buf; --k > 0; p = strchr(p, '\n') + 1)
			;
		if (*item != '\0' && (q = strstr(p, item)) != NULL)
			for (line = key_line(buf, key); p < q; p++)
				line += *p == '\n';
	}
	free(buf);
	return line;
}

/* --- roster.ini, portal.ini ------------------------------------------- */

static int
on_version(void *arg, const char *section, const char *key, const char *val)
{
	long *v = arg;

	if (strcmp(section, "store") == 0 && strcmp(key, "version") == 0)
		(void)parse_long(val, 1, 1000000, v);
	return 1;
}

/* 1 if roster.ini names a format version newer than this roster's. */
static int
ini_is_newer(struct chk *c)
{
	char *text, *flat;
	size_t len;
	long v = STORE_VERSION;

	if (file_read(c->st->dfd, "roster.ini", &text, &len) != 0)
		return 0;
	flat = store_ini_text(text, len);
	free(text);
	if (flat == NULL)
		return 0;
	(void)ini_parse_string(flat, on_version, &v);
	free(flat);
	return v > STORE_VERSION;
}

/* roster.ini as store-config --check sees it (storecfg.h): keys and
 * sections it knows, values it takes.  Run on a file that store_open()
 * read; one that does not read is reported once, with its message. */
static void
check_roster_ini(struct chk *c)
{
	struct issues is = { 0 };
	struct inidoc d;
	char *text;
	size_t len, i;

	if (chk_read(c, STORECFG_FILE, &text, &len) != 0)
		return;
	if (ini_load(&d, text, STORECFG_FILE) != 0) {
		free(text);
		problem_recorded(c);
		return;
	}
	free(text);
	storecfg_check(&d, &is);
	for (i = 0; i < is.n; i++)
		problem(c, STORECFG_FILE, is.v[i].line, "%s", is.v[i].msg);
	issues_free(&is);
	ini_free(&d);
}

static void
check_portal(struct chk *c)
{
	struct issues is = { 0 };
	struct inidoc d;
	char *text;
	size_t len, i;
	int rc;

	rc = chk_read(c, PORTAL_FILE, &text, &len);
	if (rc == RX_NOTFOUND)
		return;
	if (rc) {
		problem_recorded(c);
		return;
	}
	if (memchr(text, '\0', len) != NULL) {
		problem(c, PORTAL_FILE, 0, "contains a NUL byte");
		free(text);
		return;
	}
	rc = ini_load(&d, text, PORTAL_FILE);
	free(text);
	if (rc) {
		problem_recorded(c);
		return;
	}
	portal_rules(c->st, &d, &is);
	for (i = 0; i < is.n; i++)
		problem(c, PORTAL_FILE, is.v[i].line, "%s", is.v[i].msg);
	issues_free(&is);
	ini_free(&d);
}

/* --- users/, removed/ -------------------------------------------------- */

/* Note every address that has a user file, for the references below. */
static void
collect_known(struct chk *c)
{
	static const char *const dirs[] = { "users", "removed" };
	struct strv names;
	size_t i, k;
	char *e;

	for (k = 0; k < 2; k++) {
		if (dir_names(c, dirs[k], &names) != 0)
			continue;
		for (i = 0; i < names.n; i++) {
			/* removed/ also holds one directory per address. */
			e = email_from_fname(names.v[i]);
			if (e == NULL && k == 1)
				e = pct_decode(names.v[i], strlen(names.v[i]));
			if (e != NULL)
				strv_add(&c->known, e);
			free(e);
		}
		strv_free(&names);
	}
	strv_sort(&c->known);
}

/* What the loader accepts but the store's rules do not. */
/* One period per calendar and event occurrence: a second one with the
 * same source and uid would bring an absence back that was ended. */
static void
check_same_event(struct chk *c, const char *rel, const struct user *u,
    size_t i)
{
	const struct period *p = &u->ooo[i], *q;
	size_t j;

	if (p->source == NULL || p->uid == NULL)
		return;
	for (j = 0; j < i; j++) {
		q = &u->ooo[j];
		if (q->source && q->uid && strcmp(q->source, p->source) == 0 &&
		    strcmp(q->uid, p->uid) == 0) {
			problem(c, rel, p->line, "out_of_office: a second "
			    "period of calendar %s for event %s (first at "
			    "line %ld)", p->source, p->uid, q->line);
			return;
		}
	}
}

/* A team name as team_name() takes it, and with no blanks around it:
 * the loader keeps a quoted name as written. */
static void
check_team(struct chk *c, const char *rel, const char *team)
{
	char *t;

	if (team_name(team, &t) != 0)
		problem(c, rel, file_item_line(c, rel, "teams", team),
		    "teams: %s", err_msg());
	else if (strcmp(t, team) != 0)
		problem(c, rel, file_item_line(c, rel, "teams", team),
		    "teams: '%s' has blanks around the name (want '%s')",
		    team, t);
	free(t);
}

/* A list the tools write holds each value once; the loader reads a
 * repeat once, but a second one is a hand edit that breaks the form. */
static void
check_list_once(struct chk *c, const char *rel, const struct user *u,
    const char *key)
{
	struct strv vals = { 0 };
	long *lines = NULL;
	size_t i;

	(void)user_list_repeats(u, key, &vals, &lines);
	for (i = 0; i < vals.n; i++)
		problem(c, rel, lines[i], "%s: %s is listed twice (a list "
		    "holds each once)", key, vals.v[i]);
	free(lines);
	strv_free(&vals);
}

/* The values a user file may hold (rules.h, store.h). */
static void
check_people_rules(struct chk *c, const char *rel, const struct user *u)
{
	size_t i;

	for (i = 0; i < u->contacts.n; i++)
		if (!contact_role_valid(u->contacts.v[i]))
			problem(c, rel, file_item_line(c, rel, "contact_roles",
			    u->contacts.v[i]), "contact_roles: unknown contact "
			    "role '%s' (primary, billing, technical)",
			    u->contacts.v[i]);
	if (u->seat && !seat_valid(u->seat))
		problem(c, rel, file_key_line(c, rel, "seat"), "seat: bad seat "
		    "'%s' (none, sales-starter, sales-professional, "
		    "service-professional, ...)", u->seat);
	for (i = 0; i < u->perms.n; i++)
		if (!store_permission_valid(u->perms.v[i]))
			problem(c, rel, file_item_line(c, rel, "permissions",
			    u->perms.v[i]), "permissions: unknown permission "
			    "'%s' (contacts companies deals tickets conversations "
			    "reports marketing users billing portal)",
			    u->perms.v[i]);
	for (i = 0; i < u->teams.n; i++)
		check_team(c, rel, u->teams.v[i]);
	check_list_once(c, rel, u, "contact_roles");
	check_list_once(c, rel, u, "permissions");
	check_list_once(c, rel, u, "teams");
}

/* Top-level keys roster does not know but that are one edit from one it
 * does: probably that key, misspelt, and so not read. */
static void
check_key_typos(struct chk *c, const char *rel, const struct user *u)
{
	struct strv keys = { 0 };
	const char *near;
	size_t i;

	(void)user_other_keys(u, &keys);
	for (i = 0; i < keys.n; i++)
		if ((near = user_key_near(keys.v[i])) != NULL)
			warning(c, rel, file_key_line(c, rel, keys.v[i]),
			    "unknown key %s: (did you mean %s?)", keys.v[i],
			    near);
	strv_free(&keys);
}

/* What the rules over all active users need of one: super admins, the
 * primary contact, who has working hours. */
static void
note_active(struct chk *c, const char *rel, const struct user *u)
{
	struct userlist one = { (struct user *)u, 1, 1 };

	c->nactive++;
	/* the count user-mod and user-rm make, one user at a time */
	c->nsuper += super_admins(&one, NULL, NULL);
	if (is_primary_contact(u))
		strv_add(&c->primary, rel);
	if (user_has_hours(c->st, u))
		c->hours_used = 1;
	else if (u->teams.n > 0)
		strv_add(&c->nohours, rel);
}

static void
check_user_rules(struct chk *c, const char *rel, const char *name,
    const struct user *u)
{
	char *want = email_fname(u->email), a[32], b[32];
	const char *why;
	size_t i;

	if (strcmp(want, name) != 0)
		problem(c, rel, file_key_line(c, rel, "email"),
		    "email: %s does not match the file name (want %s)",
		    u->email, want);
	else if ((why = email_invalid(u->email)) != NULL)
		problem(c, rel, file_key_line(c, rel, "email"),
		    "email: %s: %s", u->email, why);
	free(want);
	if (u->timezone && !zone_valid(u->timezone))
		problem(c, rel, file_key_line(c, rel, "timezone"),
		    "unknown time zone: %s", u->timezone);
	if (c->ini_ok && u->role && store_role(c->st, u->role) == NULL)
		problem(c, rel, file_key_line(c, rel, "role"),
		    "role '%s' is not defined in roster.ini", u->role);
	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		if (p->end <= p->start)
			problem(c, rel, p->line, "out_of_office: end %s is not "
			    "after start %s", time_utc(p->end, a),
			    time_utc(p->start, b));
		check_same_event(c, rel, u, i);
	}
	check_people_rules(c, rel, u);
	check_key_typos(c, rel, u);
}

/* An archive is the user as user-rm removed it: with no paid seat and no
 * contact role, which user-rm refuses to remove (rules.h).  Its records
 * and the last super admin are history the archive cannot tell. */
static void
check_removal_blockers(struct chk *c, const char *rel, const struct user *u)
{
	struct strv why = { 0 };
	size_t i;

	removal_blockers(u, 0, NULL, 1, &why);
	for (i = 0; i < why.n; i++)
		problem(c, rel, 0, "a removal user-rm refuses: %s", why.v[i]);
	strv_free(&why);
}

/* What an archive must have beyond a user file: removed_at, the one of
 * its name (stamp -1: an old removed/EMAIL.yaml, any instant). */
static void
check_archive_rules(struct chk *c, const char *rel, const struct user *u,
    time_t stamp)
{
	char a[32], b[32];

	if (u->removed_at == -1)
		problem(c, rel, 0, "removed_at: missing (an archive says when "
		    "the user was removed)");
	else if (stamp != -1 && u->removed_at != stamp)
		problem(c, rel, file_key_line(c, rel, "removed_at"),
		    "removed_at: %s does not match the file name (%s)",
		    time_utc(u->removed_at, a), time_utc(stamp, b));
	check_removal_blockers(c, rel, u);
}

/* One users/EMAIL.yaml or old-style removed/EMAIL.yaml file. */
static void
check_user_file(struct chk *c, const char *dir, const char *name)
{
	char *rel = xasprintf("%s/%s", dir, name), *e;
	size_t l = strlen(name);
	struct user u;

	if (l <= 5 || strcmp(name + l - 5, ".yaml") != 0)
		problem(c, rel, 0, "not a user file (EMAIL.yaml)");
	else if ((e = email_from_fname(name)) == NULL)
		problem(c, rel, 0, "not a user file name: a bad %%XX escape");
	else {
		free(e);
		if ((c->over_rel && strcmp(rel, c->over_rel) == 0 ?
		    user_load_text(c->over, c->over_len, rel, &u) :
		    user_load_at(c->st->dfd, rel, rel, &u)) != 0)
			problem_recorded(c);
		else {
			check_user_rules(c, rel, name, &u);
			if (strcmp(dir, "removed") == 0)
				check_archive_rules(c, rel, &u, -1);
			else
				note_active(c, rel, &u);
			user_free(&u);
		}
	}
	free(rel);
}

/* At most one primary contact (rules.h: user-mod hands the role on). */
static void
check_primary(struct chk *c)
{
	size_t i;

	for (i = 1; i < c->primary.n; i++)
		problem(c, c->primary.v[i], file_item_line(c, c->primary.v[i],
		    "contact_roles", "primary"), "a second primary contact (%s "
		    "is one already); an account has one, handed on with "
		    "user-mod --contact primary EMAIL", c->primary.v[0]);
}

/* A store with users and no super admin is what user-add makes: no rule
 * is broken (user-mod and user-rm only keep the last one from going), but
 * the account's owner is one in the product (rules.h, super_admins()). */
static void
check_super_admin(struct chk *c)
{
	if (c->nactive > 0 && c->nsuper == 0)
		warning(c, "users", 0, "nobody is a super admin (make one: "
		    "user-mod --super-admin EMAIL)");
}

/* A team member with no working hours, own or default, is always within
 * hours; where the store uses working hours that is probably an
 * omission.  A store that uses none routes by availability alone. */
static void
check_no_hours(struct chk *c)
{
	size_t i;

	for (i = 0; i < c->st->nhdefs; i++)
		if (c->st->hdefs[i].hours != NULL &&
		    !hours_empty(c->st->hdefs[i].hours))
			c->hours_used = 1;
	if (!c->hours_used)
		return;
	for (i = 0; i < c->nohours.n; i++)
		warning(c, c->nohours.v[i], file_key_line(c, c->nohours.v[i],
		    "teams"), "a team member with no working hours and no "
		    "default from roster.ini [hours] (always within hours; set "
		    "them with hours-set)");
}

static void
check_user_dir(struct chk *c, const char *dir)
{
	struct strv names;
	size_t i;

	if (dir_names(c, dir, &names) != 0) {
		if (errno != ENOENT)
			problem(c, dir, 0, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < names.n; i++)
		check_user_file(c, dir, names.v[i]);
	strv_free(&names);
}

/*
 * An address active and removed at once: its latest removal is later than
 * the active file's creation, which no change of roster leaves (a removal
 * is one change; an add or a restore after a removal sets created to its
 * own time): a file put back by hand, or from a copy of the store.
 */
static void
check_active_removed(struct chk *c, const struct archive *a,
    const struct user *ar)
{
	struct user u;
	char x[32], y[32];

	if (!user_exists(c->st, a->email, USER_ACTIVE) ||
	    user_load(c->st, a->email, USER_ACTIVE, &u) != 0)
		return;		/* a users/ file that does not load: reported */
	if (ar->removed_at != -1 && u.created != -1 &&
	    ar->removed_at > u.created)
		problem(c, a->rel, 0, "%s is active and removed at once: "
		    "removed %s, after its users/ file was created %s (its "
		    "users/ file put back by hand or from a copy: user-rm "
		    "removes it, or remove the archive to keep the user)",
		    a->email, time_utc(ar->removed_at, x),
		    time_utc(u.created, y));
	user_free(&u);
}

/* One removed/DIR: archives only, each a valid user file of that address
 * whose removed_at is its name. */
static void
check_archive_dir(struct chk *c, const char *dir)
{
	struct archive a;
	struct strv names;
	struct user u;
	char *sub = xasprintf("removed/%s", dir), *fname;
	size_t i;

	memset(&a, 0, sizeof a);
	a.email = pct_decode(dir, strlen(dir));
	if (a.email == NULL || email_invalid(a.email) != NULL) {
		problem(c, sub, 0, "not an archive directory: its name is "
		    "not an address (removed/EMAIL/YYYYMMDDTHHMMSSZ.yaml)");
		goto out;
	}
	fname = removed_dirname(a.email);
	if (strcmp(fname, dir) != 0)
		problem(c, sub, 0, "not an archive directory: want the name "
		    "%s for %s", fname, a.email);
	free(fname);
	if (dir_names(c, sub, &names) != 0) {
		problem(c, sub, 0, "%s", strerror(errno));
		goto out;
	}
	for (i = 0; i < names.n; i++) {
		a.rel = xasprintf("%s/%s", sub, names.v[i]);
		if (removed_stamp_parse(names.v[i], &a.stamp, &a.seq) != 0)
			problem(c, a.rel, 0, "not an archive (want "
			    "YYYYMMDDTHHMMSSZ.yaml, or _N before .yaml for "
			    "another removal in the same second)");
		else if (removed_load(c->st, &a, &u) != 0)
			problem_recorded(c);
		else {
			fname = xasprintf("%s.yaml", dir);
			check_user_rules(c, a.rel, fname, &u);
			check_archive_rules(c, a.rel, &u, a.stamp);
			free(fname);
			/* names are sorted: the last is the latest */
			if (i + 1 == names.n)
				check_active_removed(c, &a, &u);
			user_free(&u);
		}
		free(a.rel);
		a.rel = NULL;
	}
	strv_free(&names);
out:
	free(a.email);
	free(sub);
}

/* removed/: old-style EMAIL.yaml files and one directory per address. */
static void
check_removed(struct chk *c)
{
	struct strv names;
	struct stat sb;
	size_t i;
	char *rel;

	if (dir_names(c, "removed", &names) != 0) {
		if (errno != ENOENT)
			problem(c, "removed", 0, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < names.n; i++) {
		rel = xasprintf("removed/%s", names.v[i]);
		if (fstatat(c->st->dfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			problem(c, rel, 0, "%s", strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			check_archive_dir(c, names.v[i]);
		else
			check_user_file(c, "removed", names.v[i]);
		free(rel);
	}
	strv_free(&names);
}

/* --- CSV files --------------------------------------------------------- */

/* Read and parse a CSV file of the store; 1 if there is one to look at. */
static int
csv_file(struct chk *c, const char *rel, struct csvdoc *doc)
{
	struct csvfile cf;
	char *buf;
	size_t len;
	int rc;

	rc = chk_read(c, rel, &buf, &len);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc || csvfile_parse(rel, buf, len, &cf) != 0) {
		problem_recorded(c);
		return 0;
	}
	*doc = cf.doc;		/* the rows are all a check looks at */
	memset(&cf.doc, 0, sizeof cf.doc);
	csvfile_free(&cf);
	return 1;
}

/* 1 if row is exactly the header names (any case). */
static int
is_header(const struct csvrow *row, const char *const *names, size_t n)
{
	size_t i;

	if (row->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcasecmp(row->f[i], names[i]) != 0)
			return 0;
	return 1;
}

struct key {
	const char *a, *b;
	size_t row;
};

static int
cmp_key(const void *x, const void *y)
{
	const struct key *p = x, *q = y;
	int r = strcmp(p->a, q->a);

	if (r == 0)
		r = strcmp(p->b, q->b);
	if (r == 0)
		r = p->row < q->row ? -1 : p->row > q->row;
	return r;
}

/* first[i]: the line of the first row with the same key as row i, when
 * row i repeats it; else 0.  Rows whose key is NULL are left out. */
static long *
repeats(const struct csvdoc *doc, size_t from, const char *(*key)(
    const struct csvrow *, int))
{
	struct key *k = xcalloc(doc->n, sizeof *k);
	long *first = xcalloc(doc->n, sizeof *first);
	size_t i, n = 0, s;

	for (i = from; i < doc->n; i++)
		if (key(&doc->rows[i], 0) != NULL) {
			k[n].a = key(&doc->rows[i], 0);
			k[n].b = key(&doc->rows[i], 1);
			k[n++].row = i;
		}
	qsort(k, n, sizeof *k, cmp_key);
	for (i = 1, s = 0; i < n; i++) {
		if (strcmp(k[i].a, k[s].a) == 0 && strcmp(k[i].b, k[s].b) == 0)
			first[k[i].row] = doc->rows[k[s].row].line;
		else
			s = i;
	}
	free(k);
	return first;
}

static const char *
record_key(const struct csvrow *r, int part)
{
	if (r->n != 4 || r->f[0][0] == '\0' || r->f[1][0] == '\0')
		return NULL;
	return r->f[part];
}

static void
check_records(struct chk *c)
{
	static const char *const hdr[] = { "type", "id", "owner", "state" };
	struct csvdoc doc;
	const struct csvrow *r;
	long *first;
	size_t i;

	if (!csv_file(c, RECORDS_FILE, &doc))
		return;
	if (doc.n > 0 && !is_header(&doc.rows[0], hdr, 4)) {
		problem(c, RECORDS_FILE, doc.rows[0].line,
		    "want the header type,id,owner,state");
		csvdoc_free(&doc);
		return;
	}
	first = repeats(&doc, 1, record_key);
	for (i = 1; i < doc.n; i++) {
		r = &doc.rows[i];
		if (r->n != 4)
			problem(c, RECORDS_FILE, r->line, "want 4 fields "
			    "(type,id,owner,state), found %zu", r->n);
		else if (r->f[0][0] == '\0' || r->f[1][0] == '\0')
			problem(c, RECORDS_FILE, r->line, "empty type or id");
		else if (first[i])
			problem(c, RECORDS_FILE, r->line, "record %s:%s "
			    "repeats line %ld", r->f[0], r->f[1], first[i]);
		else if (!record_type_valid(r->f[0]))
			problem(c, RECORDS_FILE, r->line, "unknown type '%s' "
			    "(ticket, conversation, contact, company, deal)",
			    r->f[0]);
		else if (record_state(r->f[3]) == NULL)
			problem(c, RECORDS_FILE, r->line, "unknown state '%s' "
			    "(open, closed)", r->f[3]);
		else if (r->f[2][0] != '\0' && !is_known(c, r->f[2]))
			problem(c, RECORDS_FILE, r->line, "owner %s is neither "
			    "an active nor a removed user", r->f[2]);
	}
	free(first);
	csvdoc_free(&doc);
}

static const char *
pool_key(const struct csvrow *r, int part)
{
	if (r->n != 3 || r->f[0][0] == '\0')
		return NULL;
	return part == 0 ? r->f[0] : "";
}

static void
check_rotation(struct chk *c)
{
	static const char *const hdr[] = { "pool", "last", "updated" };
	struct csvdoc doc;
	const struct csvrow *r;
	size_t i, from;
	long *first;
	time_t t;

	if (!csv_file(c, "rotation.csv", &doc))
		return;
	/* The header is optional: rows written by hand may lack it. */
	from = doc.n > 0 && is_header(&doc.rows[0], hdr, 3);
	first = repeats(&doc, from, pool_key);
	for (i = from; i < doc.n; i++) {
		r = &doc.rows[i];
		if (r->n != 3)
			problem(c, "rotation.csv", r->line, "want 3 fields "
			    "(pool,last,updated), found %zu", r->n);
		else if (r->f[0][0] == '\0')
			problem(c, "rotation.csv", r->line, "empty pool");
		else if (first[i])
			problem(c, "rotation.csv", r->line, "pool %s repeats "
			    "line %ld", r->f[0], first[i]);
		else if (r->f[1][0] == '\0')
			problem(c, "rotation.csv", r->line, "pool %s: empty "
			    "last user", r->f[0]);
		else if (!is_known(c, r->f[1]))
			problem(c, "rotation.csv", r->line, "pool %s: last user "
			    "%s is neither an active nor a removed user",
			    r->f[0], r->f[1]);
		else if (r->f[2][0] != '\0' && time_rfc3339(r->f[2], &t) != 0)
			problem(c, "rotation.csv", r->line, "pool %s: updated: "
			    "'%s' is not an RFC 3339 time", r->f[0], r->f[2]);
	}
	free(first);
	csvdoc_free(&doc);
}

/* A last row with no newline is a row torn in half (the next change would
 * drop it: see txn.h). */
static void
check_audit_end(struct chk *c)
{
	char *buf;
	size_t len, n = 1;
	const char *p;

	if (file_read(c->st->dfd, AUDIT_FILE, &buf, &len) != 0)
		return;
	if (len > 0 && buf[len - 1] != '\n') {
		for (p = buf; p < buf + len - 1; p++)
			n += *p == '\n';
		problem(c, AUDIT_FILE, (long)n, "a row torn in half (no newline "
		    "at the end of the file)");
	}
	free(buf);
}

static void
check_audit(struct chk *c)
{
	static const char *const hdr[] = { "time", "actor", "tool", "action",
	    "subject", "detail" };
	struct csvdoc doc;
	const struct csvrow *r;
	size_t i;
	time_t t;

	check_audit_end(c);
	if (!csv_file(c, "audit.csv", &doc))
		return;
	if (doc.n > 0 && !is_header(&doc.rows[0], hdr, 6)) {
		problem(c, "audit.csv", doc.rows[0].line, "want the header "
		    "time,actor,tool,action,subject,detail");
		csvdoc_free(&doc);
		return;
	}
	for (i = 1; i < doc.n; i++) {
		r = &doc.rows[i];
		if (r->n != 6)
			problem(c, "audit.csv", r->line, "want 6 fields "
			    "(time,actor,tool,action,subject,detail), found %zu",
			    r->n);
		else if (time_rfc3339(r->f[0], &t) != 0)
			problem(c, "audit.csv", r->line, "'%s' is not an "
			    "RFC 3339 time", r->f[0]);
	}
	csvdoc_free(&doc);
}

/* --- the whole store --------------------------------------------------- */

/* A finding as the order of findings needs it: its file (the text up to
 * the ':' that ends it), its line (0: none), where it was found. */
struct found {
	const char *file;
	size_t flen, at, first;
	long line;
	char *text;
};

static void
found_parse(struct found *f, char *text, size_t at)
{
	const char *s = text, *p;
	char *end;

	if (strncmp(s, "warning: ", 9) == 0)
		s += 9;
	f->text = text;
	f->at = f->first = at;
	f->file = s;
	f->line = 0;
	for (p = s; (p = strchr(p, ':')) != NULL; p++) {
		if (p[1] == ' ' || p[1] == '\0')
			break;
		if (p[1] >= '0' && p[1] <= '9' &&
		    (f->line = strtol(p + 1, &end, 10), *end == ':'))
			break;
		f->line = 0;
	}
	f->flen = p != NULL ? (size_t)(p - s) : strlen(s);
}

static int
cmp_found_file(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	size_t n = x->flen < y->flen ? x->flen : y->flen;
	int r = memcmp(x->file, y->file, n);

	if (r == 0)
		r = x->flen < y->flen ? -1 : x->flen > y->flen;
	return r ? r : x->at < y->at ? -1 : x->at > y->at;
}

static int
cmp_found_order(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The findings of each file in the order of their lines (a finding with
 * no line first), the files in the order they were first named: the
 * checks run rule by rule, a reader reads a file top down. */
static void
order_by_line(struct strv *sv)
{
	struct found *f;
	size_t i, g;

	if (sv->n < 2)
		return;
	f = xcalloc(sv->n, sizeof *f);
	for (i = 0; i < sv->n; i++)
		found_parse(&f[i], sv->v[i], i);
	qsort(f, sv->n, sizeof *f, cmp_found_file);
	for (i = 1, g = 0; i < sv->n; i++) {
		if (f[i].flen == f[g].flen &&
		    memcmp(f[i].file, f[g].file, f[i].flen) == 0)
			f[i].first = f[g].at;
		else
			g = i;
	}
	qsort(f, sv->n, sizeof *f, cmp_found_order);
	for (i = 0; i < sv->n; i++)
		sv->v[i] = f[i].text;
	free(f);
}

/* Warnings go after the problems; free the rest. */
static void
chk_free(struct chk *c)
{
	size_t i;

	order_by_line(c->probs);
	order_by_line(&c->warns);
	for (i = 0; i < c->warns.n; i++)
		strv_add(c->probs, c->warns.v[i]);
	strv_free(&c->warns);
	strv_free(&c->known);
	strv_free(&c->primary);
	strv_free(&c->nohours);
}

/* Every check but roster.ini's syntax (store_open() read it), on the
 * open store. */
static void
check_all(struct chk *c)
{
	if (c->ini_ok)
		check_roster_ini(c);
	check_portal(c);
	collect_known(c);
	check_user_dir(c, "users");
	check_removed(c);
	check_primary(c);
	check_super_admin(c);
	check_no_hours(c);
	check_records(c);
	check_rotation(c);
	check_audit(c);
	/* The check has read every file: make the index from them too, so
	 * that no edit the index could not see outlives a check. */
	uindex_rebuild(c->st);
}

int
store_check(const char *opt, struct strv *probs)
{
	struct store st = STORE_INIT;
	struct chk c;
	int rc, journal;

	memset(&c, 0, sizeof c);
	c.st = &st;
	c.probs = probs;
	rc = store_open(&st, opt, STORE_READ);
	/* A change that could not be finished: report it and check the
	 * files as they are, before it. */
	journal = rc == RX_STORE && st.dfd >= 0 && txn_pending(&st);
	if (rc != 0 && !journal && (rc != RX_STORE || st.lockfd < 0)) {
		store_close(&st);
		return rc;
	}
	if (rc != 0) {
		/* Locked and open: only roster.ini failed (or the journal).
		 * Report it and read on with the defaults, unless the format
		 * is newer. */
		problem_recorded(&c);
		if (!journal && ini_is_newer(&c))
			goto out;
		if (st.tz == NULL)
			st.tz = xstrdup("UTC");
	}
	c.ini_ok = rc == 0;
	check_all(&c);
out:
	chk_free(&c);
	store_close(&st);
	return c.nerr ? RX_STORE : 0;
}

int
store_check_open(struct store *st, struct strv *probs)
{
	struct chk c;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.probs = probs;
	c.ini_ok = 1;
	check_all(&c);
	chk_free(&c);
	return c.nerr ? RX_STORE : 0;
}

/* One user file edited on its own: its primary contact must be the only
 * one among the other active users, as they are on disk. */
static void
check_primary_taken(struct chk *c, const char *rel)
{
	struct userlist ul;
	const char *other;
	char *e;

	if (c->primary.n == 0 || (e = email_from_fname(rel + 6)) == NULL)
		return;
	if (user_list(c->st, USER_ACTIVE, &ul, NULL, NULL) == 0) {
		if ((other = primary_contact_other(&ul, e)) != NULL) {
			char *ofile = email_fname(other);
			problem(c, rel, file_item_line(c, rel, "contact_roles",
			    "primary"), "a second primary contact (users/%s "
			    "is one already); an account has one, handed on "
			    "with user-mod --contact primary EMAIL", ofile);
			free(ofile);
		}
		userlist_free(&ul);
	}
	free(e);
}

/* roster.ini as text: what store_open() would say of it. */
static void
check_ini_text(struct chk *c, const char *text, size_t len)
{
	struct store scratch = STORE_INIT;

	if (store_ini_parse(&scratch, text, len) != 0)
		problem_recorded(c);
	else
		check_roster_ini(c);
	store_close(&scratch);
}

int
check_file(struct store *st, const char *rel, const char *text, size_t len,
    struct strv *probs)
{
	struct chk c;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.probs = probs;
	c.ini_ok = 1;
	c.over_rel = rel;
	c.over = text;
	c.over_len = len;
	if (memchr(text, '\0', len) != NULL)
		problem(&c, rel, 0, "contains a NUL byte");
	else if (strcmp(rel, "roster.ini") == 0)
		check_ini_text(&c, text, len);
	else if (strcmp(rel, PORTAL_FILE) == 0)
		check_portal(&c);
	else {
		collect_known(&c);
		if (strcmp(rel, RECORDS_FILE) == 0)
			check_records(&c);
		else if (strcmp(rel, "rotation.csv") == 0)
			check_rotation(&c);
		else if (strncmp(rel, "users/", 6) == 0 &&
		    strchr(rel + 6, '/') == NULL) {
			check_user_file(&c, "users", rel + 6);
			check_primary_taken(&c, rel);
		}
		else
			problem(&c, rel, 0, "not a file check_file() knows");
	}
	chk_free(&c);
	return c.nerr ? RX_STORE : 0;
}

int
check_editable(const char *arg, char **rel)
{
	static const char *const files[] = { "roster.ini", PORTAL_FILE,
		RECORDS_FILE, "rotation.csv", NULL };
	char *e;
	size_t i;

	for (i = 0; files[i]; i++)
		if (strcmp(arg, files[i]) == 0) {
			*rel = xstrdup(arg);
			return 0;
		}
	if (strncmp(arg, "users/", 6) == 0 && strchr(arg + 6, '/') == NULL &&
	    (e = email_from_fname(arg + 6)) != NULL) {
		free(e);
		*rel = xstrdup(arg);
		return 0;
	}
	if (strchr(arg, '@') != NULL && strchr(arg, '/') == NULL) {
		e = email_fname(arg);
		*rel = xasprintf("users/%s", e);
		free(e);
		return 0;
	}
	return fail(RX_USAGE, "%s: not a file store-edit edits (roster.ini, "
	    "portal.ini, records.csv, rotation.csv, users/NAME.yaml or an "
	    "address)", arg);
}
