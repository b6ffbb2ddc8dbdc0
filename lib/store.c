/* store.c — locating, creating and opening the store; roster.ini. */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/hours.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"
#include "lock.h"

const char *const store_permissions[] = {
	"contacts", "companies", "deals", "tickets", "conversations",
	"reports", "marketing", "users", "billing", "portal", NULL
};

static const char default_ini[] =
    "; roster store settings: see roster(5)\n"
    "[store]\n"
    "version = 1\n"
    "timezone = UTC\n";

int
store_permission_valid(const char *p)
{
	size_t i;

	for (i = 0; store_permissions[i]; i++)
		if (strcmp(store_permissions[i], p) == 0)
			return 1;
	return 0;
}

int
seat_is_paid(const char *seat)
{
	return seat != NULL && (strcmp(seat, "sales-starter") == 0 ||
	    strcmp(seat, "sales-professional") == 0 ||
	    strcmp(seat, "service-professional") == 0);
}

int
seat_valid(const char *seat)
{
	const char *p;

	if (*seat == '\0' || *seat == '-' || seat[strlen(seat) - 1] == '-' ||
	    strlen(seat) > 64)
		return 0;
	for (p = seat; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

int
store_optarg(const char *arg)
{
	if (*arg == '\0')
		return fail(RX_USAGE, "the store directory (-d, --store) is "
		    "empty");
	return 0;
}

/* Resolve the store directory: opt (from --store), else the environment.
 * Returns a malloc'd path, or NULL with the error recorded: RX_USAGE for
 * an empty opt, RX_INVALID for an empty $ROSTER_DIR (set from an unset
 * variable, most likely: never taken as the default), else RX_STORE. */
static char *
store_locate(const char *opt)
{
	const char *s;

	if (opt != NULL) {
		if (store_optarg(opt) != 0)
			return NULL;
		return xstrdup(opt);
	}
	/* An empty ROSTER_DIR is a variable set from an unset one: going on
	 * with the default store would change the wrong store. */
	s = getenv("ROSTER_DIR");
	if (s != NULL && *s == '\0') {
		fail(RX_INVALID, "ROSTER_DIR is set but empty: unset it for the "
		    "default store");
		return NULL;
	}
	if (s != NULL)
		return xstrdup(s);
	s = getenv("XDG_DATA_HOME");
	if (s != NULL && *s == '/')
		return xasprintf("%s/roster", s);
	s = getenv("HOME");
	if (s != NULL && *s == '/')
		return xasprintf("%s/.local/share/roster", s);
	fail(RX_STORE, "no store: give --store DIR or set ROSTER_DIR "
	    "(HOME is not set)");
	return NULL;
}

/* mkdir -p path; 0 or RX_STORE. */
static int
mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			rc = fail_errno(RX_STORE, "%s", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

struct iniparse {
	struct store *st;
	long version;
	int badline;
	char bad[256];
	char badkey[128];	/* the key whose line to name, or "" */
};

static void
hoursdef_free(struct hoursdef *d)
{
	free(d->team);
	free(d->zone);
	if (d->hours)
		hours_free(d->hours);
	free(d->hours);
}

static char *
role_name(const char *section)
{
	const char *p = section + 4;	/* after "role" */
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
		return xstrndup(p + 1, n - 2);
	return xstrdup(p);
}

static struct role *
role_get(struct store *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nroles; i++)
		if (strcmp(st->roles[i].name, name) == 0)
			return &st->roles[i];
	st->roles = xrealloc(st->roles, (st->nroles + 1) * sizeof *st->roles);
	memset(&st->roles[st->nroles], 0, sizeof *st->roles);
	st->roles[st->nroles].name = xstrdup(name);
	return &st->roles[st->nroles++];
}

/* The line of the first "key =" in the text: inih does not say. */
static int
key_line(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);
	int line = 1;

	for (; *p; line++) {
		const char *s = p;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, key, n) == 0) {
			s += n;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '=' || *s == ':')
				return line;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

int
hoursdef_parse(const char *value, char **zone, struct hours *h)
{
	struct strv w = { 0 };
	const char *p = value, *e;
	size_t i;
	int rc = 0;

	*zone = NULL;
	memset(h, 0, sizeof *h);
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e && *e != ' ' && *e != '\t'; e++)
			;
		if (e > p) {
			char *t = xstrndup(p, (size_t)(e - p));
			strv_add(&w, t);
			free(t);
		}
		p = e;
	}
	for (i = 0; i < w.n && rc == 0; i++) {
		if (i == 0 && strchr(w.v[i], '=') == NULL) {
			if (!zone_valid(w.v[i]))
				rc = fail(RX_INVALID, "unknown time zone '%s'",
				    w.v[i]);
			else
				*zone = xstrdup(w.v[i]);
		} else
			rc = hours_spec_add(h, w.v[i]);
	}
	if (rc == 0 && hours_empty(h))
		rc = fail(RX_INVALID, "no working hours given (want [ZONE] "
		    "DAYS=RANGE...)");
	if (rc) {
		free(*zone);
		*zone = NULL;
		hours_free(h);
	}
	strv_free(&w);
	return rc;
}

/* "default" or "team NAME" = [ZONE] SPEC...: 0 or RX_INVALID. */
static int
hours_default_add(struct store *st, const char *key, const char *value)
{
	struct hoursdef d = { NULL, NULL, NULL };
	const char *team = NULL;
	size_t i;

	if (strncmp(key, "team", 4) == 0 && (key[4] == ' ' || key[4] == '\t')) {
		team = key + 5;
		while (*team == ' ' || *team == '\t')
			team++;
	} else if (strcmp(key, "default") != 0)
		return fail(RX_INVALID, "unknown key (default, team NAME)");
	d.hours = xcalloc(1, sizeof *d.hours);
	if (hoursdef_parse(value, &d.zone, d.hours) != 0) {
		free(d.hours);
		return RX_INVALID;
	}
	d.team = team ? xstrdup(team) : NULL;
	/* A key given twice: the last one holds, as for every key. */
	for (i = 0; i < st->nhdefs; i++)
		if ((st->hdefs[i].team == NULL && team == NULL) ||
		    (st->hdefs[i].team && team &&
		    strcmp(st->hdefs[i].team, team) == 0)) {
			hoursdef_free(&st->hdefs[i]);
			st->hdefs[i] = d;
			return 0;
		}
	st->hdefs = xrealloc(st->hdefs, (st->nhdefs + 1) * sizeof *st->hdefs);
	st->hdefs[st->nhdefs++] = d;
	return 0;
}

const struct hoursdef *
store_hours_default(const struct store *st, const struct strv *teams)
{
	const struct hoursdef *def = NULL;
	size_t i, k;

	for (k = 0; teams && k < teams->n; k++)
		for (i = 0; i < st->nhdefs; i++)
			if (st->hdefs[i].team &&
			    strcmp(st->hdefs[i].team, teams->v[k]) == 0)
				return &st->hdefs[i];
	for (i = 0; i < st->nhdefs; i++)
		if (st->hdefs[i].team == NULL)
			def = &st->hdefs[i];
	return def;
}

static int
on_ini(void *arg, const char *section, const char *key, const char *value)
{
	struct iniparse *ip = arg;
	struct store *st = ip->st;

	if (ip->badline)
		return 1;
	if (strcmp(section, "store") == 0) {
		if (strcmp(key, "version") == 0) {
			if (parse_long(value, 1, 1000000, &ip->version) != 0) {
				ip->badline = -1;
				snprintf(ip->bad, sizeof ip->bad,
				    "bad format version '%s'", value);
			}
		} else if (strcmp(key, "timezone") == 0) {
			if (!zone_valid(value)) {
				ip->badline = -1;
				snprintf(ip->bad, sizeof ip->bad,
				    "unknown time zone '%s'", value);
				return 1;
			}
			free(st->tz);
			st->tz = xstrdup(value);
		}
	} else if (strncmp(section, "role", 4) == 0 &&
	    (section[4] == ' ' || section[4] == '\t')) {
		char *name = role_name(section);
		struct role *r = role_get(st, name);
		free(name);
		if (strcmp(key, "permissions") == 0) {
			strv_free(&r->perms);
			strv_split(&r->perms, value);
		}
	} else if (strcmp(section, "welcome") == 0) {
		char **f = strcmp(key, "from") == 0 ? &st->wel_from :
		    strcmp(key, "subject") == 0 ? &st->wel_subject :
		    strcmp(key, "login_url") == 0 ? &st->wel_url :
		    strcmp(key, "template") == 0 ? &st->wel_template : NULL;
		if (f) {
			free(*f);
			*f = xstrdup(value);
		}
	} else if (strcmp(section, "hours") == 0) {
		if (hours_default_add(st, key, value) != 0) {
			ip->badline = -1;
			snprintf(ip->bad, sizeof ip->bad, "[hours] %s: %s", key,
			    err_msg());
			snprintf(ip->badkey, sizeof ip->badkey, "%s", key);
		}
	} else if (strcmp(section, "pipelines") == 0) {
		st->pipes = xrealloc(st->pipes,
		    (st->npipes + 1) * sizeof *st->pipes);
		memset(&st->pipes[st->npipes], 0, sizeof *st->pipes);
		st->pipes[st->npipes].name = xstrdup(key);
		strv_split(&st->pipes[st->npipes].closed, value);
		st->npipes++;
	}
	return 1;
}

char *
store_ini_text(const char *text, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	const char *p = text, *end = text + len, *nl, *e;
	long line;

	if (memchr(text, '\0', len) != NULL) {
		free(out);
		fail(RX_STORE, "roster.ini: contains a NUL byte");
		return NULL;
	}
	for (line = 1; p < end; line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		e = nl ? nl : end;
		if ((size_t)(e - p - (e > p && e[-1] == '\r')) > STORE_INI_LINE) {
			free(out);
			fail_at(RX_STORE, "roster.ini", line, "line too long "
			    "(more than %d bytes)", STORE_INI_LINE);
			return NULL;
		}
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		memcpy(o, p, (size_t)(e - p));
		o += e - p;
		if (nl)
			*o++ = '\n';
		p = e + 1;
	}
	*o = '\0';
	return out;
}

int
store_ini_parse(struct store *st, const char *text, size_t len)
{
	struct iniparse ip;
	char *flat;
	int line;

	memset(&ip, 0, sizeof ip);
	ip.st = st;
	ip.version = STORE_VERSION;
	if ((flat = store_ini_text(text, len)) == NULL)
		return RX_STORE;
	line = ini_parse_string(flat, on_ini, &ip);
	free(flat);
	if (ip.badline) {
		line = key_line(text, *ip.badkey ? ip.badkey :
		    strstr(ip.bad, "version") ? "version" : "timezone");
		return fail_at(RX_STORE, "roster.ini", line, "%s", ip.bad);
	}
	if (line > 0)
		return fail_at(RX_STORE, "roster.ini", line, "malformed line");
	if (line < 0)
		return fail(RX_STORE, "roster.ini: cannot read");
	if (ip.version > STORE_VERSION)
		return fail(RX_STORE, "roster.ini: store format version %ld is "
		    "newer than this roster understands (%d)", ip.version,
		    STORE_VERSION);
	return 0;
}

/* Read roster.ini, if there is one (*found 1 then). */
static int
read_ini(struct store *st, int *found)
{
	char *text;
	size_t len;
	int rc;

	*found = 0;
	rc = file_read(st->dfd, "roster.ini", &text, &len);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	*found = 1;
	rc = store_ini_parse(st, text, len);
	free(text);
	return rc;
}

/* Before a writer changes anything: every top-level file it may write
 * must be a regular file of one link (a FIFO as audit.csv would hang it
 * after its change, a hard link would write outside the store). */
static int
store_files_ok(struct store *st, int *have_ini)
{
	static const char *const files[] = { "roster.ini", "portal.ini",
	    "records.csv", "rotation.csv", "audit.csv", NULL };
	struct stat sb;
	int i;

	*have_ini = 0;
	for (i = 0; files[i]; i++) {
		if (fstatat(st->dfd, files[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)
				txn_seen(st, files[i], 0, NULL);
			continue;
		}
		if (i == 0)
			*have_ini = 1;
		if (!S_ISREG(sb.st_mode))
			return fail(RX_STORE, "%s: %s; nothing written",
			    files[i], S_ISLNK(sb.st_mode) ?
			    "is a symbolic link" : "not a regular file");
		if (file_links_ok(&sb, files[i]) != 0)
			return RX_STORE;
		txn_seen(st, files[i], 1, &sb);
	}
	return 0;
}

/* Lay out a new store's files and directories (under the lock);
 * have_ini from store_files_ok(), one lookup fewer. */
static int
create_layout(struct store *st, int have_ini)
{
	static const char *const dirs[] = { "users", "removed", "outbox", NULL };
	int i, rc;

	for (i = 0; dirs[i]; i++)
		if ((rc = dir_ensure(st->dfd, dirs[i])) != 0)
			return rc;
	if (!have_ini)
		return txn_put(st, "roster.ini", default_ini,
		    sizeof default_ini - 1);
	return 0;
}

/* A reader found a journal: finish it under the exclusive lock, then read
 * under the shared one again.  Without write access the journal stays and
 * the reader stops rather than read a change half made. */
static int
reader_recover(struct store *st, double wait)
{
	struct flock fl;
	int rc;

	rc = RX_STORE;
	if (st->lockfd >= 0) {
		close(st->lockfd);
		st->lockfd = -1;
		rc = lock_take(st->dfd, TXN_LOCK, 1, wait, TXN_LOCK,
		    &st->lockfd);
	}
	if (rc == RX_BUSY)
		return rc;
	if (rc)
		return fail(RX_STORE, "%s/%s: an interrupted change waits to be "
		    "finished by a command with write access to the store",
		    st->path, txn_pending_file());
	if ((rc = txn_recover(st)) != 0)
		return rc;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(st->lockfd, F_SETLK, &fl) != 0)
		return fail_errno(RX_STORE, ".lock");
	return 0;
}

const char *
store_ini_default(void)
{
	return default_ini;
}

const struct stat *
store_dirstat(struct store *st)
{
	if (!st->have_sb && fstat(st->dfd, &st->sb) != 0)
		return NULL;
	st->have_sb = 1;
	return &st->sb;
}

/* store_open(); with ini_rc, a roster.ini that does not read is not
 * fatal: its code goes there (0 when it reads), its message stays. */
static int
open_store(struct store *st, const char *opt, int mode, int *ini_rc)
{
	double wait;
	int rc, have_ini, found;

	*st = (struct store)STORE_INIT;
	st->fds_owned = 1;
	st->mode = mode;
	st->path = store_locate(opt);
	if (st->path == NULL)
		return err_code();
	if ((rc = lock_timeout(&wait)) != 0)
		return rc;
	if (mode != STORE_READ)
		txn_begin(st);
	/* Opened first: the store is nearly always there, and each mkdir
	 * of a path's components is a round trip on a network file system. */
	st->dfd = open(st->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dfd < 0 && errno == ENOENT && mode == STORE_CREATE) {
		if ((rc = mkdirs(st->path)) != 0)
			return rc;
		st->dfd = open(st->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (st->dfd < 0) {
		if (errno == ENOENT)
			return fail(RX_NOTFOUND, "no store at %s (only "
			    "user-add, portal-config or store-config KEY VALUE "
			    "creates one; "
			    "give --store DIR or set ROSTER_DIR)", st->path);
		if (errno == ENOTDIR)
			return fail(RX_STORE, "%s: not a directory", st->path);
		return fail_errno(RX_STORE, "%s", st->path);
	}
	rc = lock_take(st->dfd, TXN_LOCK, mode != STORE_READ, wait,
	    TXN_LOCK, &st->lockfd);
	if (rc)
		return rc;
	if (mode != STORE_READ && (rc = txn_recover(st)) != 0)
		return rc;
	if (mode == STORE_READ && (rc = txn_pending(st)) != 0) {
		if (rc < 0)
			return err_code();
		if ((rc = reader_recover(st, wait)) != 0)
			return rc;
	}
	rc = read_ini(st, &found);
	/* A store with roster.ini has its layout: what a change writes is
	 * looked at by the commit (a file's kind and links, a missing
	 * directory made), each look a round trip on a network file
	 * system.  A new one is laid out now. */
	if (mode != STORE_READ && !found && rc == 0 &&
	    ((rc = store_files_ok(st, &have_ini)) != 0 ||
	    (rc = create_layout(st, have_ini)) != 0))
		return rc;
	if (rc && ini_rc == NULL)
		return rc;
	if (ini_rc)
		*ini_rc = rc;
	if (st->tz == NULL)
		st->tz = xstrdup("UTC");
	return 0;
}

int
store_open(struct store *st, const char *opt, int mode)
{
	return open_store(st, opt, mode, NULL);
}

int
store_open_raw(struct store *st, const char *opt, int mode, int *ini_rc)
{
	return open_store(st, opt, mode, ini_rc);
}

void
store_close(struct store *st)
{
	size_t i;

	txn_end(st);
	if (st->fds_owned && st->lockfd >= 0)
		close(st->lockfd);
	if (st->fds_owned && st->dfd >= 0)
		close(st->dfd);
	st->lockfd = st->dfd = -1;
	st->fds_owned = 0;
	for (i = 0; i < st->nroles; i++) {
		free(st->roles[i].name);
		strv_free(&st->roles[i].perms);
	}
	for (i = 0; i < st->npipes; i++) {
		free(st->pipes[i].name);
		strv_free(&st->pipes[i].closed);
	}
	for (i = 0; i < st->nhdefs; i++)
		hoursdef_free(&st->hdefs[i]);
	free(st->hdefs);
	st->hdefs = NULL;
	st->nhdefs = 0;
	free(st->roles);
	free(st->pipes);
	free(st->wel_from);
	free(st->wel_subject);
	free(st->wel_url);
	free(st->wel_template);
	st->wel_from = st->wel_subject = st->wel_url = st->wel_template = NULL;
	free(st->path);
	free(st->tz);
	st->roles = NULL;
	st->pipes = NULL;
	st->path = st->tz = NULL;
	st->nroles = st->npipes = 0;
}

const struct role *
store_role(const struct store *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nroles; i++)
		if (strcmp(st->roles[i].name, name) == 0)
			return &st->roles[i];
	return NULL;
}

const struct pipeline *
store_pipeline(const struct store *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->npipes; i++)
		if (strcmp(st->pipes[i].name, name) == 0)
			return &st->pipes[i];
	return NULL;
}
