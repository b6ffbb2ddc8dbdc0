/* check.c — every file of the store read and validated (status --check). */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/check.h"
#include "roster/csvio.h"
#include "roster/email.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/portal.h"
#include "roster/records.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/zone.h"

struct chk {
	struct store *st;
	struct strv *probs;
	struct strv known;	/* addresses with a file in users/ or removed/ */
	int ini_ok;		/* roster.ini read: its roles can be trusted */
	struct strv active;	/* addresses in users/, in load order */
	time_t *created;	/* their created: times, -1 unknown */
	struct strv primary;	/* files of active primary contacts */
};

static void problem(struct chk *c, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append "FILE:LINE: message" (line 0: "FILE: message"). */
static void
problem(struct chk *c, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *p;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		msg = xstrdup("out of memory");
	p = line > 0 ? xasprintf("%s:%ld: %s", file, line, msg) :
	    xasprintf("%s: %s", file, msg);
	strv_add(c->probs, p);
	free(p);
	free(msg);
}

/* The recorded error, which names its file and line already. */
static void
problem_recorded(struct chk *c)
{
	strv_add(c->probs, err_msg());
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
 * none does: a flow-style file has its keys elsewhere. */
static long
key_line(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;
	long line = 1;

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

	if (file_read(c->st->dfd, rel, &buf, &len) != 0)
		return 0;
	line = key_line(buf, key);
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
	char *text;
	size_t len;
	long v = STORE_VERSION;

	if (file_read(c->st->dfd, "roster.ini", &text, &len) != 0)
		return 0;
	(void)ini_parse_string(text, on_version, &v);
	free(text);
	return v > STORE_VERSION;
}

static void
check_portal(struct chk *c)
{
	struct issues is = { 0 };
	struct inidoc d;
	char *text;
	size_t len, i;
	int rc;

	rc = file_read(c->st->dfd, PORTAL_FILE, &text, &len);
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
		for (i = 0; i < names.n; i++)
			if ((e = email_from_fname(names.v[i])) != NULL) {
				strv_add(&c->known, e);
				free(e);
			}
		strv_free(&names);
	}
	strv_sort(&c->known);
}

/* What the loader accepts but the store's rules do not. */
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
	}
}

/* The index of email among the active users, or -1. */
static long
active_of(const struct chk *c, const char *email)
{
	size_t i;

	for (i = 0; i < c->active.n; i++)
		if (strcasecmp(c->active.v[i], email) == 0)
			return (long)i;
	return -1;
}

/*
 * What only a change cut in half could leave: a removed user who is still
 * active (an active file made before the removal; one made at or after it
 * is the user added again), and more than one primary contact.  users/ is
 * read before removed/.
 */
static void
check_user_state(struct chk *c, const char *dir, const char *rel,
    const struct user *u)
{
	char a[32];
	long k;

	if (u->email == NULL)
		return;
	if (strcmp(dir, "users") == 0) {
		c->created = xrealloc(c->created, (c->active.n + 1) *
		    sizeof *c->created);
		c->created[c->active.n] = u->created;
		strv_add(&c->active, u->email);
		if (strv_has(&u->contacts, "primary"))
			strv_add(&c->primary, rel);
		return;
	}
	k = active_of(c, u->email);
	if (k >= 0 && u->removed_at != -1 && (c->created[k] == -1 ||
	    c->created[k] < u->removed_at))
		problem(c, rel, 0, "%s was removed at %s but is still active "
		    "(users/): a removal cut short", u->email,
		    time_utc(u->removed_at, a));
}

/* At most one primary contact (user-mod hands the role on). */
static void
check_primary(struct chk *c)
{
	size_t i;

	for (i = 1; i < c->primary.n; i++)
		problem(c, c->primary.v[i], 0, "a second primary contact (%s "
		    "is one already); there is one", c->primary.v[0]);
}

static void
check_user_dir(struct chk *c, const char *dir)
{
	struct strv names;
	struct user u;
	size_t i, l;
	char *rel, *e;

	if (dir_names(c, dir, &names) != 0) {
		if (errno != ENOENT)
			problem(c, dir, 0, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < names.n; i++) {
		rel = xasprintf("%s/%s", dir, names.v[i]);
		l = strlen(names.v[i]);
		if (l <= 5 || strcmp(names.v[i] + l - 5, ".yaml") != 0)
			problem(c, rel, 0, "not a user file (EMAIL.yaml)");
		else if ((e = email_from_fname(names.v[i])) == NULL)
			problem(c, rel, 0, "not a user file name: a bad %%XX "
			    "escape");
		else {
			free(e);
			if (user_load_at(c->st->dfd, rel, rel, &u) != 0)
				problem_recorded(c);
			else {
				check_user_rules(c, rel, names.v[i], &u);
				check_user_state(c, dir, rel, &u);
				user_free(&u);
			}
		}
		free(rel);
	}
	strv_free(&names);
}

/* --- CSV files --------------------------------------------------------- */

/* Read and parse a CSV file of the store; 1 if there is one to look at. */
static int
csv_file(struct chk *c, const char *rel, struct csvdoc *doc)
{
	char *buf;
	size_t len;
	int rc;

	rc = file_read(c->st->dfd, rel, &buf, &len);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc) {
		problem_recorded(c);
		return 0;
	}
	rc = csv_read(buf, len, rel, 0, doc);
	free(buf);
	if (rc) {
		problem_recorded(c);
		return 0;
	}
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

int
store_check(const char *opt, struct strv *probs)
{
	struct store st;
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
	check_portal(&c);
	collect_known(&c);
	check_user_dir(&c, "users");
	check_user_dir(&c, "removed");
	check_primary(&c);
	check_records(&c);
	check_rotation(&c);
	check_audit(&c);
	/* The check has read every file: make the index from them too, so
	 * that no edit the index could not see outlives a check. */
	uindex_rebuild(&st);
out:
	strv_free(&c.known);
	strv_free(&c.active);
	strv_free(&c.primary);
	free(c.created);
	store_close(&st);
	return probs->n ? RX_STORE : 0;
}
