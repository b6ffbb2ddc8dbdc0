/* storecfg.c — the settings of roster.ini and their rules (storecfg.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/inied.h"
#include "roster/store.h"
#include "roster/user.h"
#include "roster/storecfg.h"
#include "roster/util.h"
#include "roster/zone.h"

#define ROLE_PRE	"role."
#define ROLE_POST	".permissions"
#define PIPE_PRE	"pipelines."
#define HOURS_PRE	"hours."
#define HOURS_TEAM	"hours.team."

/* A name the file can hold as a section or key and read back the same:
 * no blanks around it, no line break, nothing inih reads as a comment,
 * delimiter or section end, and no dot (names split at dots). */
static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t' || s[0] == '[')
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("\"]=:;#.\r\n", s[i]) != NULL ||
		    (unsigned char)s[i] < 0x20)
			return 0;
	return 1;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static const char *const welcome_keys[] = { "welcome.from",
	"welcome.subject", "welcome.login_url", "welcome.template", NULL };

static int
is_welcome(const char *name)
{
	size_t i;

	for (i = 0; welcome_keys[i]; i++)
		if (strcmp(name, welcome_keys[i]) == 0)
			return 1;
	return 0;
}

/* Printable ASCII of 1 to max bytes, none of them in bad. */
static int
plain_text(const char *s, size_t max, const char *bad)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || strchr(bad, s[i]) != NULL)
			return 0;
	return 1;
}

/* A welcome setting: the sender's address, a one-line ASCII subject
 * (a mail header), an http(s) URL, a file name in the store. */
static int
welcome_value(const char *name, const char *val)
{
	const char *why;

	if (strcmp(name, "welcome.from") == 0) {
		if ((why = email_invalid(val)) != NULL)
			return fail(RX_INVALID, "welcome.from: '%s': %s", val,
			    why);
	} else if (strcmp(name, "welcome.subject") == 0) {
		if (!plain_text(val, 150, ""))
			return fail(RX_INVALID, "welcome.subject: want 1 to "
			    "150 printable ASCII characters");
	} else if (strcmp(name, "welcome.login_url") == 0) {
		if ((strncmp(val, "https://", 8) != 0 &&
		    strncmp(val, "http://", 7) != 0) ||
		    !plain_text(val, 150, " \"<>"))
			return fail(RX_INVALID, "welcome.login_url: want an "
			    "http:// or https:// URL without blanks, at most "
			    "150 characters");
	} else if (!plain_text(val, 64, "/\\ ") || val[0] == '.')
		return fail(RX_INVALID, "welcome.template: want the name of a "
		    "file in the store directory (no '/', not starting with "
		    "'.')");
	return 0;
}

int
storecfg_ini(const char *name, char **ini)
{
	size_t n = strlen(name), pre = strlen(ROLE_PRE), post = strlen(ROLE_POST);

	if (strcmp(name, "store.timezone") == 0 || is_welcome(name)) {
		*ini = xstrdup(name);
		return 0;
	}
	if (strcmp(name, "store.version") == 0)
		return fail(RX_RULE, "store.version is the store's format, "
		    "written by roster: not set by hand");
	if (strncmp(name, ROLE_PRE, pre) == 0 && ends_with(name, ROLE_POST) &&
	    n > pre + post) {
		if (!name_ok(name + pre, n - pre - post))
			return fail(RX_INVALID, "%s: a role name here cannot "
			    "hold quotes, dots, ], =, :, ;, # or control "
			    "characters, nor start or end with a blank", name);
		*ini = xasprintf("role \"%.*s\".permissions",
		    (int)(n - pre - post), name + pre);
		return 0;
	}
	if (strncmp(name, PIPE_PRE, strlen(PIPE_PRE)) == 0) {
		const char *p = name + strlen(PIPE_PRE);
		if (!name_ok(p, strlen(p)))
			return fail(RX_INVALID, "%s: a pipeline name cannot "
			    "be empty, hold quotes, dots, ], =, :, ;, # or "
			    "control characters, nor start or end with a "
			    "blank", name);
		*ini = xstrdup(name);
		return 0;
	}
	if (strcmp(name, HOURS_PRE "default") == 0) {
		*ini = xstrdup(name);
		return 0;
	}
	if (strncmp(name, HOURS_TEAM, strlen(HOURS_TEAM)) == 0) {
		const char *t = name + strlen(HOURS_TEAM);
		if (!name_ok(t, strlen(t)))
			return fail(RX_INVALID, "%s: a team name here cannot "
			    "be empty, hold quotes, dots, ], =, :, ;, # or "
			    "control characters, nor start or end with a "
			    "blank", name);
		*ini = xasprintf(HOURS_PRE "team %s", t);
		return 0;
	}
	return fail(RX_INVALID, "unknown setting '%s' (store.timezone, "
	    "role.NAME.permissions, pipelines.NAME, hours.default, "
	    "hours.team.NAME, welcome.from, welcome.subject, "
	    "welcome.login_url, welcome.template)", name);
}

char *
storecfg_name(const char *sec, const char *key)
{
	const char *p;
	size_t n;

	if (strcmp(sec, "store") == 0 && (strcmp(key, "timezone") == 0 ||
	    strcmp(key, "version") == 0))
		return xasprintf("store.%s", key);
	if (strcmp(sec, "pipelines") == 0)
		return xasprintf(PIPE_PRE "%s", key);
	if (strcmp(sec, "hours") == 0) {
		if (strcmp(key, "default") == 0)
			return xstrdup(HOURS_PRE "default");
		if (strncmp(key, "team", 4) == 0 && (key[4] == ' ' ||
		    key[4] == '\t')) {
			for (p = key + 4; *p == ' ' || *p == '\t'; p++)
				;
			return *p ? xasprintf(HOURS_TEAM "%s", p) : NULL;
		}
		return NULL;
	}
	if (strcmp(sec, "welcome") == 0) {
		char *n = xasprintf("welcome.%s", key);
		if (is_welcome(n))
			return n;
		free(n);
		return NULL;
	}
	if (strncmp(sec, "role", 4) == 0 && (sec[4] == ' ' || sec[4] == '\t') &&
	    strcmp(key, "permissions") == 0) {
		/* As store.c reads the section: blanks, then the name,
		 * quoted or not. */
		for (p = sec + 4; *p == ' ' || *p == '\t'; p++)
			;
		n = strlen(p);
		if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
			return xasprintf(ROLE_PRE "%.*s" ROLE_POST, (int)n - 2,
			    p + 1);
		return xasprintf(ROLE_PRE "%s" ROLE_POST, p);
	}
	return NULL;
}

static int
check_perms(const char *name, const struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!store_permission_valid(sv->v[i]))
			return fail(RX_INVALID, "%s: unknown permission '%s' "
			    "(contacts, companies, deals, tickets, "
			    "conversations, reports, marketing, users, "
			    "billing, portal)", name, sv->v[i]);
	return 0;
}

static int
check_stages(const char *name, const struct strv *sv)
{
	size_t i, j;

	if (sv->n == 0)
		return fail(RX_INVALID, "%s: give the pipeline's closed "
		    "stages, comma-separated", name);
	for (i = 0; i < sv->n; i++) {
		if (strpbrk(sv->v[i], ";#\r\n") != NULL)
			return fail(RX_INVALID, "%s: a stage name cannot hold "
			    "; # or a line break: '%s'", name, sv->v[i]);
		for (j = 0; j < i; j++)
			if (strcmp(sv->v[i], sv->v[j]) == 0)
				return fail(RX_INVALID, "%s: stage '%s' given "
				    "twice", name, sv->v[i]);
	}
	return 0;
}

/* [hours]: "[ZONE] DAYS=RANGE..." as roster.ini's reader takes it. */
static int
hours_value(const char *name, const char *val, char **norm)
{
	struct hours h;
	char *zone = NULL;

	memset(&h, 0, sizeof h);
	if (hoursdef_parse(val, &zone, &h) != 0)
		return fail(RX_INVALID, "%s: %s", name, err_msg());
	free(zone);
	hours_free(&h);
	*norm = xstrdup(val);
	return 0;
}

int
storecfg_value(const char *name, const char *val, char **norm)
{
	struct strv sv = { 0 };
	int rc;

	*norm = NULL;
	if (!text_printable(val))
		return fail(RX_INVALID, "%s: a control character or a byte "
		    "that is not UTF-8 in the value", name);
	if (strcmp(name, "store.timezone") == 0) {
		if (!zone_valid(val))
			return fail(RX_INVALID, "store.timezone: unknown time "
			    "zone '%s'", val);
		*norm = xstrdup(val);
		return 0;
	}
	if (strcmp(name, "store.version") == 0)
		return storecfg_ini(name, norm);
	if (is_welcome(name)) {
		if ((rc = welcome_value(name, val)) == 0)
			*norm = xstrdup(val);
		return rc;
	}
	if (strncmp(name, HOURS_PRE, strlen(HOURS_PRE)) == 0)
		return hours_value(name, val, norm);
	strv_split(&sv, val);
	if (strncmp(name, PIPE_PRE, strlen(PIPE_PRE)) == 0)
		rc = check_stages(name, &sv);
	else
		rc = check_perms(name, &sv);
	if (rc == 0)
		*norm = strv_join(&sv, ", ");
	strv_free(&sv);
	return rc;
}

const char *
storecfg_default(const char *name)
{
	if (strcmp(name, "store.timezone") == 0)
		return "UTC";
	if (strcmp(name, "store.version") == 0)
		return "1";
	return NULL;
}

char *
storecfg_plain(const char *val)
{
	const char *p;
	size_t n;

	for (p = val; *p; p++)
		if (*p == ';' && p > val && (p[-1] == ' ' || p[-1] == '\t'))
			break;
	n = (size_t)(p - val);
	while (n > 0 && (val[n - 1] == ' ' || val[n - 1] == '\t'))
		n--;
	return xstrndup(val, n);
}

static void
issue_add(struct issues *is, int code, long line, char *msg)
{
	is->v = xrealloc(is->v, (is->n + 1) * sizeof *is->v);
	is->v[is->n].code = code;
	is->v[is->n].line = line;
	is->v[is->n++].msg = msg;
}

/* The finding of one key line, or none. */
static void
check_line(const struct iniline *ln, long line, struct issues *is)
{
	char *name = storecfg_name(ln->sec, ln->key), *norm, *val;
	long v;

	if (name == NULL) {
		issue_add(is, RX_INVALID, line, *ln->sec ?
		    xasprintf("unknown key '%s' in [%s]", ln->key, ln->sec) :
		    xasprintf("key '%s' before any section", ln->key));
		return;
	}
	val = storecfg_plain(ln->val);
	if (strcmp(name, "store.version") == 0) {
		if (parse_long(val, 1, STORE_VERSION, &v) != 0)
			issue_add(is, RX_INVALID, line, xasprintf("store.version"
			    ": '%s' is not a format this roster reads (1 to "
			    "%d)", val, STORE_VERSION));
	} else if (storecfg_value(name, val, &norm) != 0)
		issue_add(is, err_code(), line, xstrdup(err_msg()));
	else
		free(norm);
	free(val);
	free(name);
}

void
storecfg_check(const struct inidoc *d, struct issues *is)
{
	const char *sec;
	size_t i;

	for (i = 0; i < d->n; i++) {
		sec = d->l[i].sec;
		if (d->l[i].kind == INI_KEY)
			check_line(&d->l[i], (long)i + 1, is);
		else if (d->l[i].kind == INI_SECTION &&
		    strcmp(sec, "store") != 0 && strcmp(sec, "pipelines") != 0 &&
		    strcmp(sec, "welcome") != 0 && strcmp(sec, "hours") != 0 &&
		    !(strncmp(sec, "role", 4) == 0 &&
		    (sec[4] == ' ' || sec[4] == '\t')))
			issue_add(is, RX_INVALID, (long)i + 1,
			    xasprintf("unknown section [%s]", sec));
	}
}

int
storecfg_hours_default(const char *old, const char *team, const char *value,
    char **text, size_t *len, int *had)
{
	struct hours h = { { 0 }, { 0 } };
	struct inidoc d;
	char *key, *z = NULL;
	int rc;

	*text = NULL;
	*had = 1;
	if (value && (rc = hoursdef_parse(value, &z, &h)) != 0)
		return rc;
	free(z);
	hours_free(&h);
	if ((rc = ini_load(&d, old, STORECFG_FILE)) == 0) {
		key = team ? xasprintf("hours.team %s", team) :
		    xstrdup("hours.default");
		if (value)
			ini_set(&d, key, value);
		else
			*had = ini_unset(&d, key);
		*text = ini_text(&d, len);
		free(key);
	}
	ini_free(&d);
	return rc;
}
