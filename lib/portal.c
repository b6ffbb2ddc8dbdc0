/* portal.c — the portal.ini key table and its rules (portal.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/err.h"
#include "roster/inied.h"
#include "roster/portal.h"
#include "roster/store.h"
#include "roster/util.h"

enum { T_TEXT, T_BOOL, T_SLUG, T_HOST, T_LANG, T_INBOX, T_ENUM, T_COLS,
	T_VIS, T_LIST, T_MINUTES, T_COLOR, T_STAGE };

struct keydef {
	const char *name;
	int type;
	const char *const *set;	/* T_ENUM: the values */
	const char *def;	/* default, or NULL */
};

static const char *const perms_set[] = { "own", "company", NULL };
static const char *const owner_set[] = { "first", "full", "last", "alias",
	NULL };
static const char *const mode_set[] = { "self-register", "groups", NULL };

static const struct keydef keys[] = {
	{ "portal.enabled", T_BOOL, NULL, "false" },
	{ "portal.name", T_TEXT, NULL, NULL },
	{ "portal.slug", T_SLUG, NULL, NULL },
	{ "portal.domain", T_HOST, NULL, NULL },
	{ "portal.language", T_LANG, NULL, NULL },
	{ "portal.default_inbox", T_INBOX, NULL, NULL },
	{ "portal.ticket_permissions", T_ENUM, perms_set, "own" },
	{ "portal.show_custom_stages", T_BOOL, NULL, "false" },
	{ "form.enabled", T_BOOL, NULL, "false" },
	{ "form.name", T_TEXT, NULL, NULL },
	{ "form.menu_text", T_TEXT, NULL, NULL },
	{ "form.header_text", T_TEXT, NULL, NULL },
	{ "tickets.display_name", T_TEXT, NULL, NULL },
	{ "tickets.columns", T_COLS, NULL, PORTAL_DEFAULT_COLUMNS },
	{ "tickets.visibility", T_VIS, NULL, NULL },
	{ "tickets.owner_name", T_ENUM, owner_set, "first" },
	{ "tickets.owner_alias", T_TEXT, NULL, NULL },
	{ "actions.reply_to_closed", T_BOOL, NULL, "false" },
	{ "actions.close_from_portal", T_BOOL, NULL, "false" },
	{ "access.mode", T_ENUM, mode_set, "self-register" },
	{ "access.groups", T_LIST, NULL, NULL },
	{ "access.sso", T_BOOL, NULL, "false" },
	{ "access.consent_text", T_TEXT, NULL, NULL },
	{ "pages.register", T_TEXT, NULL, NULL },
	{ "pages.login", T_TEXT, NULL, NULL },
	{ "pages.logout", T_TEXT, NULL, NULL },
	{ "pages.access_denied", T_TEXT, NULL, NULL },
	{ "pages.password_reset", T_TEXT, NULL, NULL },
	{ "pages.password_reset_request", T_TEXT, NULL, NULL },
	{ "session.idle_timeout", T_MINUTES, NULL, "0" },
	{ NULL, 0, NULL, NULL }
};

const char *const portal_keys[] = {
	"portal.enabled", "portal.name", "portal.slug", "portal.domain",
	"portal.language", "portal.default_inbox", "portal.ticket_permissions",
	"portal.show_custom_stages", "form.enabled", "form.name",
	"form.menu_text", "form.header_text", "tickets.display_name",
	"tickets.columns", "tickets.visibility", "tickets.owner_name",
	"tickets.owner_alias", "actions.reply_to_closed",
	"actions.close_from_portal", "access.mode", "access.groups",
	"access.sso", "access.consent_text", "pages.register", "pages.login",
	"pages.logout", "pages.access_denied", "pages.password_reset",
	"pages.password_reset_request", "session.idle_timeout", NULL
};

/* The definition of name; the open families get a shared one. */
static const struct keydef *
keydef(const char *name)
{
	static const struct keydef color = { "theme.", T_COLOR, NULL, NULL };
	static const struct keydef text = { "theme.", T_TEXT, NULL, NULL };
	static const struct keydef stage = { "closed_stage.", T_STAGE, NULL,
		NULL };
	size_t i;

	for (i = 0; keys[i].name; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	if (strncmp(name, "theme.", 6) == 0 && name[6])
		return strstr(name, "color") || strstr(name, "colour") ?
		    &color : &text;
	if (strncmp(name, "closed_stage.", 13) == 0 && name[13])
		return &stage;
	return NULL;
}

int
portal_key_valid(const char *name)
{
	if (keydef(name) == NULL)
		return fail(RX_INVALID, "unknown setting '%s' (see "
		    "portal-config(1) for the keys; theme.* and "
		    "closed_stage.* are open)", name);
	return 0;
}

/* 1 if v is a boolean spelling, with *b its value. */
static int
portal_bool(const char *v, int *b)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	size_t i;

	for (i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return *b = 1;
	for (i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0) {
			*b = 0;
			return 1;
		}
	return 0;
}

/* 1 if s is 1-63 of [a-z0-9-] (upper case too when anycase), without a
 * leading or trailing '-'. */
static int
label_ok(const char *s, size_t n, int anycase)
{
	size_t i;

	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '-' ||
		    (anycase && isupper(c))))
			return 0;
	}
	return 1;
}

static int
host_ok(const char *s)
{
	const char *dot;

	if (strlen(s) > 253)
		return 0;
	for (;;) {
		dot = strchr(s, '.');
		if (!label_ok(s, dot ? (size_t)(dot - s) : strlen(s), 1))
			return 0;
		if (dot == NULL)
			return 1;
		s = dot + 1;
	}
}

/* A language tag: 2-8 letters, then subtags of 1-8 letters or digits. */
static int
lang_ok(const char *s)
{
	size_t n = 0;
	int first = 1;

	for (;; s++) {
		if (*s == '-' || *s == '\0') {
			if (n < (first ? 2u : 1u) || n > 8)
				return 0;
			if (*s == '\0')
				return 1;
			first = 0;
			n = 0;
		} else if (isalpha((unsigned char)*s) ||
		    (!first && isdigit((unsigned char)*s)))
			n++;
		else
			return 0;
	}
}

/* A property name: [a-z0-9_], 1-64. */
static int
prop_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* One visibility filter "PROPERTY OP VALUE". */
static int
filter_ok(const char *f)
{
	static const char *const ops[] = { "!=", "=", "<", ">", "contains",
		NULL };
	const char *p = f;
	size_t i, n;

	while (*p && !isspace((unsigned char)*p) && !strchr("!=<>", *p))
		p++;
	if (!prop_ok(f, (size_t)(p - f)))
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	for (i = 0; ops[i]; i++) {
		n = strlen(ops[i]);
		if (strncmp(p, ops[i], n) == 0 && (i < 4 ||
		    isspace((unsigned char)p[n])))
			break;
	}
	if (ops[i] == NULL)
		return 0;
	p += n;
	while (isspace((unsigned char)*p))
		p++;
	/* "a == b" is a typo, not a value "= b". */
	return *p != '\0' && strchr("!=<>", *p) == NULL;
}

static int
check_vis(const char *v)
{
	char *copy = xstrdup(v), *f, *save = NULL;
	int ok = 1, any = 0;

	for (f = strtok_r(copy, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
		while (isspace((unsigned char)*f))
			f++;
		if (*f == '\0')
			continue;
		any = 1;
		if (!filter_ok(f)) {
			fail(RX_INVALID, "tickets.visibility: bad filter '%s' "
			    "(PROPERTY OP VALUE, OP one of = != < > contains, "
			    "filters joined by ';')", f);
			ok = 0;
			break;
		}
	}
	free(copy);
	if (ok && !any)
		return fail(RX_INVALID, "tickets.visibility: no filter given");
	return ok ? 0 : RX_INVALID;
}

static int
check_cols(const char *v, char **norm)
{
	struct strv sv = { 0 }, seen = { 0 };
	size_t i;
	int rc = 0;

	strv_split(&sv, v);
	if (sv.n == 0)
		rc = fail(RX_INVALID, "tickets.columns: no column given "
		    "(use --reset-columns for the default)");
	for (i = 0; rc == 0 && i < sv.n; i++) {
		if (!prop_ok(sv.v[i], strlen(sv.v[i])))
			rc = fail(RX_INVALID, "tickets.columns: bad property "
			    "name '%s' (lower-case letters, digits, '_')",
			    sv.v[i]);
		else if (strv_has(&seen, sv.v[i]))
			rc = fail(RX_RULE, "tickets.columns: column '%s' is "
			    "listed twice", sv.v[i]);
		else
			strv_add(&seen, sv.v[i]);
	}
	if (rc == 0 && sv.n > PORTAL_MAX_COLUMNS)
		rc = fail(RX_RULE, "tickets.columns: %zu columns: at most %d "
		    "can be shown; remove one first", sv.n, PORTAL_MAX_COLUMNS);
	if (rc == 0)
		*norm = strv_join(&sv, ", ");
	strv_free(&sv);
	strv_free(&seen);
	return rc;
}

static int
check_stage(const struct store *st, const char *name, const char *v)
{
	const struct pipeline *p = store_pipeline(st, name + 13);
	char *list;
	int rc;

	if (p == NULL)
		return fail(RX_INVALID, "%s: no pipeline '%s' in roster.ini",
		    name, name + 13);
	if (strv_has(&p->closed, v))
		return 0;
	list = strv_join(&p->closed, ", ");
	rc = fail(RX_INVALID, "%s: '%s' is not a closed stage of pipeline "
	    "'%s' (%s)", name, v, name + 13, list);
	free(list);
	return rc;
}

static int
check_enum(const struct keydef *k, const char *v)
{
	size_t i;

	for (i = 0; k->set[i]; i++)
		if (strcmp(k->set[i], v) == 0)
			return 0;
	if (strcmp(k->name, "portal.ticket_permissions") == 0)
		return fail(RX_INVALID, "%s: '%s': want own or company",
		    k->name, v);
	if (strcmp(k->name, "tickets.owner_name") == 0)
		return fail(RX_INVALID, "%s: '%s': want first, full, last or "
		    "alias", k->name, v);
	return fail(RX_INVALID, "%s: '%s': want self-register or groups",
	    k->name, v);
}

/* The checks of one typed value; *norm set only when it differs. */
static int
check_typed(const struct store *st, const struct keydef *k, const char *name,
    const char *v, char **norm)
{
	struct strv sv = { 0 };
	long n;
	int b;

	switch (k->type) {
	case T_BOOL:
		if (!portal_bool(v, &b))
			return fail(RX_INVALID, "%s: '%s' is not a boolean "
			    "(true/false, yes/no, on/off, 1/0)", name, v);
		*norm = xstrdup(b ? "true" : "false");
		return 0;
	case T_SLUG:
		if (!label_ok(v, strlen(v), 0))
			return fail(RX_INVALID, "%s: bad slug '%s' (1-63 of "
			    "a-z, 0-9 and '-', not at either end)", name, v);
		return 0;
	case T_HOST:
		if (!host_ok(v))
			return fail(RX_INVALID, "%s: bad host name '%s'", name, v);
		return 0;
	case T_LANG:
		if (strpbrk(v, ",; \t"))
			return fail(RX_RULE, "%s: '%s': one language only; "
			    "multilingual portals are not supported", name, v);
		if (!lang_ok(v))
			return fail(RX_INVALID, "%s: bad language tag '%s' "
			    "(e.g. nl, fr-CA)", name, v);
		return 0;
	case T_INBOX:
		if ((strncmp(v, "inbox:", 6) == 0 && v[6]) ||
		    (strncmp(v, "helpdesk:", 9) == 0 && v[9]))
			return 0;
		return fail(RX_INVALID, "%s: '%s': want inbox:NAME or "
		    "helpdesk:NAME", name, v);
	case T_ENUM:
		return check_enum(k, v);
	case T_COLS:
		return check_cols(v, norm);
	case T_VIS:
		return check_vis(v);
	case T_LIST:
		strv_split(&sv, v);
		if (sv.n == 0)
			return fail(RX_INVALID, "%s: no group given", name);
		*norm = strv_join(&sv, ", ");
		strv_free(&sv);
		return 0;
	case T_MINUTES:
		if (parse_long(v, 0, 525600, &n) == -1)
			return fail(RX_INVALID, "%s: '%s': want minutes, 0 "
			    "(never) to 525600", name, v);
		*norm = xasprintf("%ld", n);
		return 0;
	case T_COLOR:
		if (strlen(v) != 7 || v[0] != '#' ||
		    strspn(v + 1, "0123456789abcdefABCDEF") != 6)
			return fail(RX_INVALID, "%s: bad colour '%s' (#RRGGBB)",
			    name, v);
		return 0;
	case T_STAGE:
		return check_stage(st, name, v);
	}
	return 0;
}

int
portal_value(const struct store *st, const char *name, const char *val,
    char **norm)
{
	const struct keydef *k;
	const char *p;
	int rc;

	*norm = NULL;
	if ((rc = portal_key_valid(name)) != 0)
		return rc;
	k = keydef(name);
	for (p = val; *p; p++)
		if (iscntrl((unsigned char)*p) && *p != '\t')
			return fail(RX_INVALID, "%s: control characters are "
			    "not allowed in a value", name);
	while (*val == ' ' || *val == '\t')
		val++;
	if (*val == '\0')
		return fail(RX_INVALID, "%s: empty value (use --unset to "
		    "remove a setting)", name);
	if ((rc = check_typed(st, k, name, val, norm)) != 0)
		return rc;
	if (*norm == NULL) {
		size_t n = strlen(val);
		while (n > 0 && (val[n - 1] == ' ' || val[n - 1] == '\t'))
			n--;
		*norm = xstrndup(val, n);
	}
	return 0;
}

const char *
portal_default(const struct store *st, const char *name)
{
	const struct keydef *k = keydef(name);
	const struct pipeline *p;

	if (k == NULL)
		return NULL;
	if (k->type == T_STAGE) {
		p = st ? store_pipeline(st, name + 13) : NULL;
		return p && p->closed.n == 1 ? p->closed.v[0] : NULL;
	}
	return k->def;
}

const char *
portal_effective(const struct store *st, const struct inidoc *d,
    const char *name)
{
	const char *v = ini_get(d, name, NULL);

	return v ? v : portal_default(st, name);
}

static void
issue_add(struct issues *is, int code, long line, char *msg)
{
	is->v = xrealloc(is->v, (is->n + 1) * sizeof *is->v);
	is->v[is->n].code = code;
	is->v[is->n].line = line;
	is->v[is->n].msg = msg;
	is->n++;
}

/* 1 if name is set (or defaults) to a true boolean. */
static int
is_on(const struct store *st, const struct inidoc *d, const char *name)
{
	const char *v = portal_effective(st, d, name);
	int b;

	return v && portal_bool(v, &b) && b;
}

/* The line of name, 0 if it is not in the file. */
static long
line_of(const struct inidoc *d, const char *name)
{
	long line = 0;

	ini_get(d, name, &line);
	return line;
}

/* "when requires need": need must be set. */
static void
require(const struct store *st, const struct inidoc *d, struct issues *is,
    const char *when, const char *need, const char *way)
{
	if (portal_effective(st, d, need) != NULL)
		return;
	issue_add(is, RX_RULE, line_of(d, when), xasprintf("%s requires %s "
	    "(%s)", when, need, way));
}

static void
stage_rules(const struct store *st, const struct inidoc *d, struct issues *is)
{
	size_t i;
	char *name, *list;

	for (i = 0; i < st->npipes; i++) {
		name = xasprintf("closed_stage.%s", st->pipes[i].name);
		if (portal_effective(st, d, name) == NULL) {
			list = strv_join(&st->pipes[i].closed, ", ");
			issue_add(is, RX_RULE, line_of(d,
			    "actions.close_from_portal"), xasprintf(
			    "actions.close_from_portal requires %s: pipeline "
			    "'%s' has several closed stages (%s); set one",
			    name, st->pipes[i].name, list));
			free(list);
		}
		free(name);
	}
}

/* The rules of each line on its own: known key, well-formed value. */
static void
line_rules(const struct store *st, const struct inidoc *d, struct issues *is)
{
	size_t i;
	char *name, *norm;
	int rc;

	for (i = 0; i < d->n; i++) {
		if (d->l[i].kind != INI_KEY)
			continue;
		name = xasprintf("%s.%s", d->l[i].sec, d->l[i].key);
		if ((rc = portal_value(st, name, d->l[i].val, &norm)) != 0)
			issue_add(is, rc, (long)i + 1, xstrdup(err_msg()));
		free(norm);
		free(name);
	}
}

void
portal_rules(const struct store *st, const struct inidoc *d,
    struct issues *is)
{
	const char *v;

	line_rules(st, d, is);
	if (is_on(st, d, "form.enabled"))
		require(st, d, is, "form.enabled", "form.name",
		    "set form.name, or set form.enabled false");
	v = portal_effective(st, d, "tickets.owner_name");
	if (v && strcmp(v, "alias") == 0)
		require(st, d, is, "tickets.owner_name", "tickets.owner_alias",
		    "set tickets.owner_alias, or choose first, full or last");
	v = portal_effective(st, d, "access.mode");
	if (v && strcmp(v, "groups") == 0)
		require(st, d, is, "access.mode", "access.groups",
		    "set access.groups to a comma list, or use self-register");
	if (is_on(st, d, "actions.close_from_portal"))
		stage_rules(st, d, is);
	if (is_on(st, d, "portal.enabled")) {
		require(st, d, is, "portal.enabled", "portal.name",
		    "set portal.name first");
		require(st, d, is, "portal.enabled", "portal.slug",
		    "set portal.slug first");
		require(st, d, is, "portal.enabled", "portal.default_inbox",
		    "set portal.default_inbox first");
	}
}

/* 1 if is holds an issue with message msg (its line is ignored). */
static int
issues_has(const struct issues *is, const char *msg)
{
	size_t i;

	for (i = 0; i < is->n; i++)
		if (strcmp(is->v[i].msg, msg) == 0)
			return 1;
	return 0;
}

void
issues_free(struct issues *is)
{
	size_t i;

	for (i = 0; i < is->n; i++)
		free(is->v[i].msg);
	free(is->v);
	is->v = NULL;
	is->n = 0;
}

/* 1 if portal.enabled of d is set and true. */
static int
enabled(const struct inidoc *d)
{
	const char *v = ini_get(d, "portal.enabled", NULL);
	int on = 0;

	if (v != NULL)
		portal_bool(v, &on);
	return on;
}

void
portal_edit_rules(const struct store *st, const struct inidoc *before,
    const struct inidoc *after, long line, struct issues *bad,
    struct issues *left)
{
	struct issues old = { 0 }, now = { 0 };
	int turned_on = enabled(after) && !enabled(before);
	size_t i;

	portal_rules(st, before, &old);
	portal_rules(st, after, &now);
	for (i = 0; i < now.n; i++) {
		const struct issue *it = &now.v[i];
		issue_add(turned_on || (line > 0 && it->line == line) ||
		    !issues_has(&old, it->msg) ? bad : left, it->code,
		    it->line, xstrdup(it->msg));
	}
	issues_free(&old);
	issues_free(&now);
}
