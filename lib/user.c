/* user.c — the user record: YAML in through libyaml's parser; a new file
 * out through its emitter, a loaded one edited in place (only the values
 * that changed are emitted, into the text the record was read from). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/removed.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"

const char *const weekday_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static const char *const known_keys[] = {
	"email", "first_name", "last_name", "role", "permissions",
	"super_admin", "teams", "seat", "capacity", "contact_roles",
	"timezone", "working_hours", "out_of_office", "status_override",
	"welcome", "created", "removed_at", NULL
};
const char *const *const user_known_keys = known_keys;

static const char *const dirs[] = { "users", "removed" };

void
user_init(struct user *u, const char *email)
{
	memset(u, 0, sizeof *u);
	u->email = email ? email_norm(email) : NULL;
	u->capacity = -1;
	u->created = -1;
	u->removed_at = -1;
}

void
hours_free(struct hours *h)
{
	int d;

	for (d = 0; d < 7; d++) {
		free(h->r[d]);
		h->r[d] = NULL;
		h->n[d] = 0;
	}
}

int
hours_empty(const struct hours *h)
{
	int d;

	for (d = 0; d < 7; d++)
		if (h->n[d] > 0)
			return 0;
	return 1;
}

void
user_free(struct user *u)
{
	size_t i;

	free(u->email);
	free(u->first_name);
	free(u->last_name);
	free(u->role);
	strv_free(&u->perms);
	strv_free(&u->teams);
	free(u->seat);
	strv_free(&u->contacts);
	free(u->timezone);
	hours_free(&u->hours);
	for (i = 0; i < u->nooo; i++) {
		free(u->ooo[i].source);
		free(u->ooo[i].uid);
	}
	free(u->ooo);
	free(u->welcome);
	free(u->src);
	memset(u, 0, sizeof *u);
}

/* "HH:MM" → minutes; allow_24 permits 24:00. -1 if malformed. */
static int
hhmm(const char *s, int allow_24)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' ||
	    s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return -1;
	return h * 60 + m;
}

int
range_parse(const char *s, struct range *r)
{
	char a[6], b[6];

	if (strlen(s) != 11 || s[5] != '-')
		return -1;
	memcpy(a, s, 5);
	a[5] = '\0';
	memcpy(b, s + 6, 5);
	b[5] = '\0';
	if ((r->start = hhmm(a, 0)) < 0 || (r->end = hhmm(b, 1)) < 0)
		return -1;
	if (r->end == 0)	/* 00:00 as an end is midnight: 24:00 */
		r->end = 1440;
	return 0;
}

char *
range_format(const struct range *r, char *buf)
{
	char tmp[64];

	snprintf(tmp, sizeof tmp, "%02d:%02d-%02d:%02d", r->start / 60,
	    r->start % 60, r->end / 60, r->end % 60);
	memcpy(buf, tmp, 11);
	buf[11] = '\0';
	return buf;
}

/* --- parsing ------------------------------------------------------------ */

struct ctx {
	yaml_document_t *doc;
	const char *shown;
};

static int
bad(struct ctx *c, yaml_node_t *n, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof msg, fmt, arg ? arg : "");
	return fail_at(RX_STORE, c->shown, n ? (long)n->start_mark.line + 1 : 0,
	    "%s", msg);
}

static int
is_null(yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)n->data.scalar.value;
	return *s == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

/* The string of a scalar node, or NULL (and an error) if it is not one. */
static const char *
scalar(struct ctx *c, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE) {
		bad(c, n, "%s: expected a single value", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static int
get_str(struct ctx *c, yaml_node_t *n, const char *key, char **out)
{
	const char *s;

	free(*out);
	*out = NULL;
	if (is_null(n))
		return 0;
	if ((s = scalar(c, n, key)) == NULL)
		return RX_STORE;
	*out = xstrdup(s);
	return 0;
}

static int
get_bool(struct ctx *c, yaml_node_t *n, const char *key, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "y", NULL };
	static const char *const no[] = { "false", "no", "off", "n", NULL };
	const char *s;
	int i;

	if (is_null(n)) {
		*out = 0;
		return 0;
	}
	if ((s = scalar(c, n, key)) == NULL)
		return RX_STORE;
	for (i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 0;
	return bad(c, n, "%s: expected true or false", key);
}

/* A list: a sequence of scalars, or one scalar (a comma list). */
static int
get_list(struct ctx *c, yaml_node_t *n, const char *key, struct strv *sv)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *s;

	strv_free(sv);
	if (is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		/* A comma list reads as the sequence would: no repeats. */
		struct strv all = { 0 };
		size_t i;
		strv_split(&all, (const char *)n->data.scalar.value);
		for (i = 0; i < all.n; i++)
			if (!strv_has(sv, all.v[i]))
				strv_add(sv, all.v[i]);
		strv_free(&all);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, "%s: expected a list", key);
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		item = yaml_document_get_node(c->doc, *it);
		if ((s = scalar(c, item, key)) == NULL)
			return RX_STORE;
		if (!strv_has(sv, s))
			strv_add(sv, s);
	}
	return 0;
}

static int
get_time(struct ctx *c, yaml_node_t *n, const char *key, time_t *out)
{
	const char *s;

	if (is_null(n)) {
		*out = -1;
		return 0;
	}
	if ((s = scalar(c, n, key)) == NULL)
		return RX_STORE;
	if (time_rfc3339(s, out) != 0)
		return bad(c, n, "%s: expected a time with an offset, such as "
		    "2026-12-24T00:00:00+01:00", key);
	return 0;
}

static int
weekday_index(const char *s)
{
	static const char *const full[7] = { "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", "sunday" };
	int d;

	for (d = 0; d < 7; d++)
		if (strcasecmp(s, weekday_names[d]) == 0 ||
		    strcasecmp(s, full[d]) == 0)
			return d;
	return -1;
}

static int
add_range_str(struct ctx *c, yaml_node_t *n, struct hours *h, int d,
    const char *s)
{
	struct range r;

	if (range_parse(s, &r) != 0)
		return bad(c, n, "working_hours: bad range '%s' (want HH:MM-HH:MM)",
		    s);
	h->r[d] = xrealloc(h->r[d], (h->n[d] + 1) * sizeof *h->r[d]);
	h->r[d][h->n[d]++] = r;
	return 0;
}

static int
get_hours(struct ctx *c, yaml_node_t *n, struct hours *h)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	yaml_node_t *k, *v, *item;
	struct strv sv = { 0 };
	const char *s;
	size_t i;
	int d, rc;

	hours_free(h);
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "working_hours: expected a mapping of weekdays%s",
		    NULL);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		k = yaml_document_get_node(c->doc, p->key);
		v = yaml_document_get_node(c->doc, p->value);
		if ((s = scalar(c, k, "working_hours")) == NULL)
			return RX_STORE;
		if ((d = weekday_index(s)) < 0)
			return bad(c, k, "working_hours: unknown weekday '%s'", s);
		if (is_null(v))
			continue;
		if (v->type == YAML_SCALAR_NODE) {
			strv_split(&sv, (const char *)v->data.scalar.value);
			for (i = 0; i < sv.n; i++)
				if ((rc = add_range_str(c, v, h, d, sv.v[i])) != 0) {
					strv_free(&sv);
					return rc;
				}
			strv_free(&sv);
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE)
			return bad(c, v, "working_hours: %s: expected a list of "
			    "ranges", s);
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			item = yaml_document_get_node(c->doc, *it);
			if ((s = scalar(c, item, "working_hours")) == NULL)
				return RX_STORE;
			if ((rc = add_range_str(c, item, h, d, s)) != 0)
				return rc;
		}
	}
	return 0;
}

static int
get_ooo(struct ctx *c, yaml_node_t *n, struct user *u)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	yaml_node_t *m, *k, *v;
	struct period per;
	const char *key;
	int rc, has_start, has_end;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, "out_of_office: expected a list of periods%s",
		    NULL);
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		m = yaml_document_get_node(c->doc, *it);
		if (m->type != YAML_MAPPING_NODE)
			return bad(c, m, "out_of_office: expected start: and end:%s",
			    NULL);
		memset(&per, 0, sizeof per);
		per.line = (long)m->start_mark.line + 1;
		has_start = has_end = 0;
		for (p = m->data.mapping.pairs.start;
		    p < m->data.mapping.pairs.top; p++) {
			k = yaml_document_get_node(c->doc, p->key);
			v = yaml_document_get_node(c->doc, p->value);
			if ((key = scalar(c, k, "out_of_office")) == NULL)
				goto fail;
			rc = 0;
			if (strcmp(key, "start") == 0) {
				rc = get_time(c, v, "start", &per.start);
				has_start = per.start != -1;
			} else if (strcmp(key, "end") == 0) {
				rc = get_time(c, v, "end", &per.end);
				has_end = per.end != -1;
			} else if (strcmp(key, "source") == 0)
				rc = get_str(c, v, "source", &per.source);
			else if (strcmp(key, "uid") == 0)
				rc = get_str(c, v, "uid", &per.uid);
			if (rc)
				goto fail;
		}
		if (!has_start || !has_end) {
			bad(c, m, "out_of_office: a period needs start: and end:%s",
			    NULL);
			goto fail;
		}
		u->ooo = xrealloc(u->ooo, (u->nooo + 1) * sizeof *u->ooo);
		u->ooo[u->nooo++] = per;
		continue;
fail:
		free(per.source);
		free(per.uid);
		return RX_STORE;
	}
	return 0;
}

static int
get_override(struct ctx *c, yaml_node_t *n, struct user *u)
{
	yaml_node_pair_t *p;
	yaml_node_t *k, *v;
	const char *key, *s;
	int has_status = 0;

	u->has_override = 0;
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "status_override: expected status: and until:%s",
		    NULL);
	u->override_until = -1;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		k = yaml_document_get_node(c->doc, p->key);
		v = yaml_document_get_node(c->doc, p->value);
		if ((key = scalar(c, k, "status_override")) == NULL)
			return RX_STORE;
		if (strcmp(key, "status") == 0) {
			if ((s = scalar(c, v, "status")) == NULL)
				return RX_STORE;
			if (strcmp(s, "away") == 0)
				u->override_away = 1;
			else if (strcmp(s, "available") == 0)
				u->override_away = 0;
			else
				return bad(c, v, "status_override: status must be "
				    "away or available, not '%s'", s);
			has_status = 1;
		} else if (strcmp(key, "until") == 0) {
			if (get_time(c, v, "until", &u->override_until))
				return RX_STORE;
		}
	}
	if (!has_status)
		return bad(c, n, "status_override: no status:%s", NULL);
	u->has_override = 1;
	return 0;
}

static int
get_known(struct ctx *c, const char *key, yaml_node_t *v, struct user *u)
{
	long cap;
	const char *s;

	if (strcmp(key, "email") == 0) {
		char *e = NULL;
		if (get_str(c, v, key, &e))
			return RX_STORE;
		free(u->email);
		u->email = e ? email_norm(e) : NULL;
		free(e);
		return 0;
	}
	if (strcmp(key, "first_name") == 0)
		return get_str(c, v, key, &u->first_name);
	if (strcmp(key, "last_name") == 0)
		return get_str(c, v, key, &u->last_name);
	if (strcmp(key, "role") == 0)
		return get_str(c, v, key, &u->role);
	if (strcmp(key, "permissions") == 0) {
		u->has_perms = !is_null(v);
		return get_list(c, v, key, &u->perms);
	}
	if (strcmp(key, "super_admin") == 0)
		return get_bool(c, v, key, &u->super_admin);
	if (strcmp(key, "teams") == 0)
		return get_list(c, v, key, &u->teams);
	if (strcmp(key, "seat") == 0) {
		if (get_str(c, v, key, &u->seat))
			return RX_STORE;
		if (u->seat && strcmp(u->seat, "none") == 0) {
			free(u->seat);
			u->seat = NULL;
		}
		return 0;
	}
	if (strcmp(key, "capacity") == 0) {
		u->capacity = -1;
		if (is_null(v))
			return 0;
		if ((s = scalar(c, v, key)) == NULL)
			return RX_STORE;
		if (parse_long(s, 0, 1000000000, &cap) != 0)
			return bad(c, v, "capacity: expected a whole "
			    "number, not '%s'", s);
		u->capacity = cap;
		return 0;
	}
	if (strcmp(key, "contact_roles") == 0)
		return get_list(c, v, key, &u->contacts);
	if (strcmp(key, "timezone") == 0)
		return get_str(c, v, key, &u->timezone);
	if (strcmp(key, "working_hours") == 0)
		return get_hours(c, v, &u->hours);
	if (strcmp(key, "out_of_office") == 0)
		return get_ooo(c, v, u);
	if (strcmp(key, "status_override") == 0)
		return get_override(c, v, u);
	if (strcmp(key, "welcome") == 0)
		return get_str(c, v, key, &u->welcome);
	if (strcmp(key, "created") == 0)
		return get_time(c, v, key, &u->created);
	if (strcmp(key, "removed_at") == 0)
		return get_time(c, v, key, &u->removed_at);
	return 0;
}

/* Limits on a user file (roster(5)): anything past them is refused. */
#define USER_MAX_BYTES (1024 * 1024)
#define USER_MAX_DEPTH 64
#define USER_MAX_ALIASES 64

/* 1 if line (0-based) of buf is indented with a TAB: libyaml's own words
 * for it ("found character that cannot start any token") say nothing. */
static int
tab_indented(const char *buf, size_t len, size_t line)
{
	size_t i = 0;

	while (line > 0 && i < len)
		if (buf[i++] == '\n')
			line--;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		if (buf[i++] == '\t')
			return 1;
	return 0;
}

static int
parse_error(yaml_parser_t *p, const char *buf, size_t len, const char *shown)
{
	size_t line = p->problem_mark.line;

	if (tab_indented(buf, len, line) ||
	    (line > 0 && tab_indented(buf, len, line - 1) &&
	    p->problem_mark.column == 0))
		return fail_at(RX_STORE, shown, (long)line + 1 -
		    !tab_indented(buf, len, line), "a tab in the indentation; "
		    "YAML indents with spaces");
	return fail_at(RX_STORE, shown, (long)line + 1, "%s%s%s",
	    p->problem ? p->problem : "malformed YAML",
	    p->context ? " " : "", p->context ? p->context : "");
}

/* Aliases and nesting: libyaml shares an aliased node, so a walk that
 * follows aliases can blow up (a billion laughs) or loop (&a [*a]).
 * Count the aliases (every reference past one per node is an alias) and
 * measure the nesting with each node visited once. */
static int
check_shape(yaml_document_t *doc, const char *shown)
{
	size_t nodes = (size_t)(doc->nodes.top - doc->nodes.start), refs = 1;
	size_t sp = 0, i;
	yaml_node_t *n;
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	int *stack, *depth, rc = 0, id, d;
	char *seen;

	for (n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (n->type == YAML_SEQUENCE_NODE)
			refs += (size_t)(n->data.sequence.items.top -
			    n->data.sequence.items.start);
		else if (n->type == YAML_MAPPING_NODE)
			refs += 2 * (size_t)(n->data.mapping.pairs.top -
			    n->data.mapping.pairs.start);
	}
	if (refs > nodes + USER_MAX_ALIASES)
		return fail_at(RX_STORE, shown, 0, "more than %d aliases (*name); "
		    "write the values out", USER_MAX_ALIASES);
	if (nodes <= USER_MAX_DEPTH)
		return 0;
	stack = xmalloc(nodes * sizeof *stack);
	depth = xmalloc(nodes * sizeof *depth);
	seen = xcalloc(nodes, 1);
	stack[sp] = 1;
	depth[sp++] = 1;
	seen[0] = 1;
	while (sp > 0 && rc == 0) {
		sp--;
		id = stack[sp];
		d = depth[sp];
		n = yaml_document_get_node(doc, id);
		if (d > USER_MAX_DEPTH) {
			rc = fail_at(RX_STORE, shown, (long)n->start_mark.line + 1,
			    "nested deeper than %d levels", USER_MAX_DEPTH);
			break;
		}
#define VISIT(x) do { i = (size_t)(x) - 1; if (!seen[i]) { seen[i] = 1; \
	stack[sp] = (x); depth[sp++] = d + 1; } } while (0)
		if (n->type == YAML_SEQUENCE_NODE)
			for (it = n->data.sequence.items.start;
			    it < n->data.sequence.items.top; it++)
				VISIT(*it);
		else if (n->type == YAML_MAPPING_NODE)
			for (p = n->data.mapping.pairs.start;
			    p < n->data.mapping.pairs.top; p++) {
				VISIT(p->key);
				VISIT(p->value);
			}
#undef VISIT
	}
	free(stack);
	free(depth);
	free(seen);
	return rc;
}

/* One key of a mapping, for the search for a key given twice. */
struct mkey {
	const char *name;
	long line;
	size_t pos;
};

static int
cmp_mkey(const void *a, const void *b)
{
	const struct mkey *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The keys of a mapping are unique (YAML 1.2, 3.2.1.1): a reader that
 * took the last of two would disagree with the editor, which refuses
 * them.  Sorted, so that a large mapping costs n log n; the second of the
 * first pair in the text is named, with the line of the first. */
static int
check_unique_keys(yaml_document_t *doc, const char *shown)
{
	yaml_node_t *n, *k;
	yaml_node_pair_t *p;
	struct mkey *v, *dup = NULL, *orig = NULL;
	size_t cnt, i, s;
	int rc = 0;

	for (n = doc->nodes.start; n < doc->nodes.top && rc == 0; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		cnt = (size_t)(n->data.mapping.pairs.top -
		    n->data.mapping.pairs.start);
		v = xcalloc(cnt ? cnt : 1, sizeof *v);
		p = n->data.mapping.pairs.start;
		for (i = 0; i < cnt; i++, p++) {
			k = yaml_document_get_node(doc, p->key);
			v[i].name = k && k->type == YAML_SCALAR_NODE ?
			    (const char *)k->data.scalar.value : NULL;
			v[i].line = k ? (long)k->start_mark.line + 1 : 0;
			v[i].pos = i;
		}
		/* keys that are not scalars are not compared */
		for (i = s = 0; i < cnt; i++)
			if (v[i].name != NULL)
				v[s++] = v[i];
		qsort(v, s, sizeof *v, cmp_mkey);
		for (i = 1; i < s; i++)
			if (strcmp(v[i].name, v[i - 1].name) == 0 &&
			    (dup == NULL || v[i].pos < dup->pos)) {
				dup = &v[i];
				orig = &v[i - 1];
				while (orig > v && strcmp(orig[-1].name,
				    dup->name) == 0)
					orig--;
			}
		if (dup != NULL)
			rc = fail_at(RX_STORE, shown, dup->line, "%s: appears "
			    "twice (also on line %ld); remove one by hand",
			    dup->name, orig->line);
		free(v);
	}
	return rc;
}

/* Load the one document of buf into doc, within the limits above. */
static int
load_doc(const char *buf, size_t len, const char *shown, yaml_document_t *doc)
{
	yaml_parser_t parser;
	yaml_document_t more;
	yaml_node_t *root;
	int rc = 0;

	if (len > USER_MAX_BYTES)
		return fail_at(RX_STORE, shown, 0, "larger than 1 MiB; a user "
		    "file is a few hundred bytes");
	if (!yaml_parser_initialize(&parser))
		return fail_at(RX_STORE, shown, 0, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		rc = parse_error(&parser, buf, len, shown);
		yaml_parser_delete(&parser);
		return rc;
	}
	/* A second document would be ignored here and lost on rewrite. */
	if (!yaml_parser_load(&parser, &more))
		rc = parse_error(&parser, buf, len, shown);
	else {
		if ((root = yaml_document_get_root_node(&more)) != NULL)
			rc = fail_at(RX_STORE, shown,
			    (long)more.start_mark.line + 1, "a second YAML "
			    "document; one user per file: move it to a file "
			    "of its own");
		yaml_document_delete(&more);
	}
	yaml_parser_delete(&parser);
	if (rc == 0 && (root = yaml_document_get_root_node(doc)) == NULL)
		rc = fail_at(RX_STORE, shown, 0, "empty file");
	else if (rc == 0 && root->type != YAML_MAPPING_NODE)
		rc = fail_at(RX_STORE, shown, (long)root->start_mark.line + 1,
		    "expected a mapping of keys to values");
	if (rc == 0)
		rc = check_shape(doc, shown);
	if (rc == 0)
		rc = check_unique_keys(doc, shown);
	if (rc)
		yaml_document_delete(doc);
	return rc;
}

/* The index of a known key, or -1. */
static int
known_index(const char *key)
{
	int i;

	for (i = 0; known_keys[i]; i++)
		if (strcmp(known_keys[i], key) == 0)
			return i;
	return -1;
}

/* Read the known keys of doc into u. */
static int
read_doc(yaml_document_t *doc, const char *shown, struct user *u)
{
	yaml_node_t *root, *k, *v;
	yaml_node_pair_t *p;
	struct ctx c;
	const char *key;
	int rc;

	c.doc = doc;
	c.shown = shown;
	root = yaml_document_get_root_node(doc);
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(doc, p->key);
		v = yaml_document_get_node(doc, p->value);
		if ((key = scalar(&c, k, "key")) == NULL)
			return RX_STORE;
		if (known_index(key) >= 0 && (rc = get_known(&c, key, v, u)) != 0)
			return rc;
	}
	if (u->email == NULL || *u->email == '\0')
		return fail_at(RX_STORE, shown, 0, "no email: key; add a line "
		    "email: ADDRESS");
	return 0;
}

int
user_other_keys(const struct user *u, struct strv *keys)
{
	yaml_document_t doc;
	yaml_node_t *root, *k;
	yaml_node_pair_t *p;

	if (u->src == NULL || load_doc(u->src, u->srclen, "", &doc) != 0)
		return 0;	/* a new record has none */
	root = yaml_document_get_root_node(&doc);
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(&doc, p->key);
		if (k->type == YAML_SCALAR_NODE &&
		    known_index((const char *)k->data.scalar.value) < 0)
			strv_add(keys, (const char *)k->data.scalar.value);
	}
	yaml_document_delete(&doc);
	return 0;
}

/* One value of a list for user_list_repeats(): count it, and note it
 * with line when it is its second occurrence. */
static void
note_repeat(struct strv *seen, const char *s, long line, struct strv *vals,
    long **lines)
{
	if (!strv_has(seen, s)) {
		strv_add(seen, s);
		return;
	}
	if (strv_has(vals, s))
		return;
	strv_add(vals, s);
	*lines = xrealloc(*lines, vals->n * sizeof **lines);
	(*lines)[vals->n - 1] = line;
}

int
user_list_repeats(const struct user *u, const char *key, struct strv *vals,
    long **lines)
{
	struct strv seen = { 0 }, all = { 0 };
	yaml_document_t doc;
	yaml_node_t *root, *k, *v, *item;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	size_t i;

	if (u->src == NULL || load_doc(u->src, u->srclen, "", &doc) != 0)
		return 0;
	root = yaml_document_get_root_node(&doc);
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(&doc, p->key);
		v = yaml_document_get_node(&doc, p->value);
		if (k->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)k->data.scalar.value, key) != 0)
			continue;
		if (v->type == YAML_SCALAR_NODE) {
			strv_split(&all, (const char *)v->data.scalar.value);
			for (i = 0; i < all.n; i++)
				note_repeat(&seen, all.v[i],
				    (long)v->start_mark.line + 1, vals, lines);
		} else if (v->type == YAML_SEQUENCE_NODE)
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				item = yaml_document_get_node(&doc, *it);
				if (item->type == YAML_SCALAR_NODE)
					note_repeat(&seen, (const char *)
					    item->data.scalar.value,
					    (long)item->start_mark.line + 1,
					    vals, lines);
			}
	}
	strv_free(&all);
	strv_free(&seen);
	yaml_document_delete(&doc);
	return 0;
}

int
user_parse(const char *buf, size_t len, const char *shown, struct user *u)
{
	yaml_document_t doc;
	int rc;

	if ((rc = load_doc(buf, len, shown, &doc)) != 0)
		return rc;
	rc = read_doc(&doc, shown, u);
	yaml_document_delete(&doc);
	if (rc)
		return rc;
	/* The record knows the text it came from: a rewrite edits it. */
	free(u->src);
	u->src = xmalloc(len + 1);
	memcpy(u->src, buf, len);
	u->src[len] = '\0';
	u->srclen = len;
	return 0;
}

/* --- emitting ----------------------------------------------------------- */

struct obuf {
	char *s;
	size_t len, cap;
};

static int
on_write(void *data, unsigned char *buffer, size_t size)
{
	struct obuf *b = data;

	if (b->len + size + 1 > b->cap) {
		while (b->len + size + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->s = xrealloc(b->s, b->cap);
	}
	if (size > 0)
		memcpy(b->s + b->len, buffer, size);
	b->len += size;
	b->s[b->len] = '\0';
	return 1;
}

static int
emit_to_buf(yaml_emitter_t *e, struct obuf *b)
{
	memset(b, 0, sizeof *b);
	if (!yaml_emitter_initialize(e))
		return fail(RX_STORE, "cannot start the YAML emitter");
	yaml_emitter_set_output(e, on_write, b);
	yaml_emitter_set_unicode(e, 1);
	yaml_emitter_set_width(e, -1);
	yaml_emitter_set_indent(e, 2);
	return 0;
}

static int
emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(e, ev))
		return fail(RX_STORE, "YAML emitter: %s",
		    e->problem ? e->problem : "failed");
	return 0;
}

static int
emit_begin(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(e, &ev))
		return RX_STORE;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	return emit(e, &ev);
}

static int
emit_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_document_end_event_initialize(&ev, 1);
	if (emit(e, &ev))
		return RX_STORE;
	yaml_stream_end_event_initialize(&ev);
	if (emit(e, &ev))
		return RX_STORE;
	if (!yaml_emitter_flush(e))
		return fail(RX_STORE, "YAML emitter: flush failed");
	return 0;
}

/* 1 if a YAML 1.1 reader would take plain s for something other than a
 * string: a boolean, null, a number. */
static int
looks_typed(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "true",
	    "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan",
	    NULL };
	const char *p = s;
	int i, digits = 0;

	if (*s == '\0')
		return 1;
	for (i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr("._:xXoObBeE+-abcdefABCDEF", *p))
			return 0;
	}
	return digits > 0;
}

/* quote: 1 always double-quoted, 0 plain when that reads back the same. */
static int
emit_str(yaml_emitter_t *e, const char *s, int quote)
{
	yaml_event_t ev;
	yaml_scalar_style_t style;

	style = quote || looks_typed(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE;
	if (strchr(s, '\n') != NULL)
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)strlen(s), 1, 1, style);
	return emit(e, &ev);
}

/* A value written plain as it is: true, 10, a time. */
static int
emit_raw(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)strlen(s), 1, 1, YAML_PLAIN_SCALAR_STYLE);
	return emit(e, &ev);
}

static int
emit_map_start(yaml_emitter_t *e, int flow)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	return emit(e, &ev);
}

static int
emit_map_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int
emit_seq_start(yaml_emitter_t *e, int flow)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	return emit(e, &ev);
}

static int
emit_seq_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

/* The style of a collection value: as a new file has it, or all flow, or
 * a block collection at the top (an edit keeps the style the file used). */
enum { ST_DEFAULT, ST_FLOW, ST_BLOCK, ST_SQUOTE, ST_DQUOTE };

enum { K_EMAIL, K_FIRST, K_LAST, K_ROLE, K_PERMS, K_SUPER, K_TEAMS, K_SEAT,
	K_CAP, K_CONTACTS, K_TZ, K_HOURS, K_OOO, K_OVERRIDE, K_WELCOME,
	K_CREATED, K_REMOVED, K_COUNT };

static int
emit_list(yaml_emitter_t *e, const struct strv *sv, int style)
{
	size_t i;

	if (emit_seq_start(e, style != ST_BLOCK))
		return RX_STORE;
	for (i = 0; i < sv->n; i++)
		if (emit_str(e, sv->v[i], 0))
			return RX_STORE;
	return emit_seq_end(e);
}

static int
emit_time(yaml_emitter_t *e, time_t t, const char *zone)
{
	char buf[32];

	return emit_raw(e, zone ? time_in_zone(t, zone, buf) : time_utc(t, buf));
}

static int
emit_ktime(yaml_emitter_t *e, const char *key, time_t t, const char *zone)
{
	if (emit_str(e, key, 0))
		return RX_STORE;
	return emit_time(e, t, zone);
}

static int
emit_hours(yaml_emitter_t *e, const struct hours *h, int style)
{
	char buf[12];
	size_t i;
	int d;

	if (emit_map_start(e, style == ST_FLOW))
		return RX_STORE;
	for (d = 0; d < 7; d++) {
		if (h->n[d] == 0)
			continue;
		if (emit_str(e, weekday_names[d], 0) || emit_seq_start(e, 1))
			return RX_STORE;
		for (i = 0; i < h->n[d]; i++)
			if (emit_str(e, range_format(&h->r[d][i], buf), 1))
				return RX_STORE;
		if (emit_seq_end(e))
			return RX_STORE;
	}
	return emit_map_end(e);
}

static int
emit_ooo(yaml_emitter_t *e, const struct user *u, const char *zone, int style)
{
	size_t i;

	if (emit_seq_start(e, style == ST_FLOW))
		return RX_STORE;
	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		if (emit_map_start(e, style == ST_FLOW) ||
		    emit_ktime(e, "start", p->start, zone) ||
		    emit_ktime(e, "end", p->end, zone))
			return RX_STORE;
		if (p->source && (emit_str(e, "source", 0) ||
		    emit_str(e, p->source, 0)))
			return RX_STORE;
		if (p->uid && (emit_str(e, "uid", 0) || emit_str(e, p->uid, 1)))
			return RX_STORE;
		if (emit_map_end(e))
			return RX_STORE;
	}
	return emit_seq_end(e);
}

static int
emit_override(yaml_emitter_t *e, const struct user *u, int style)
{
	if (emit_map_start(e, style == ST_FLOW) || emit_str(e, "status", 0) ||
	    emit_str(e, u->override_away ? "away" : "available", 0))
		return RX_STORE;
	if (u->override_until != -1 &&
	    emit_ktime(e, "until", u->override_until, NULL))
		return RX_STORE;
	return emit_map_end(e);
}

/* 1 if known key k has a value in u (a new file writes it). */
static int
key_present(int k, const struct user *u)
{
	switch (k) {
	case K_FIRST: return u->first_name != NULL;
	case K_LAST: return u->last_name != NULL;
	case K_ROLE: return u->role != NULL;
	case K_PERMS: return u->has_perms;
	case K_CAP: return u->capacity >= 0;
	case K_TZ: return u->timezone != NULL;
	case K_HOURS: return !hours_empty(&u->hours);
	case K_OOO: return u->nooo > 0;
	case K_OVERRIDE: return u->has_override;
	case K_WELCOME: return u->welcome != NULL;
	case K_CREATED: return u->created != -1;
	case K_REMOVED: return u->removed_at != -1;
	default: return 1;
	}
}

/* A text value, quoted as the value it replaces was. */
static int
emit_text(yaml_emitter_t *e, const char *s, int style)
{
	yaml_event_t ev;

	if (style != ST_SQUOTE && style != ST_DQUOTE)
		return emit_str(e, s, 0);
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)strlen(s), 1, 1, style == ST_SQUOTE ?
	    YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	return emit(e, &ev);
}

/* The value of known key k of u. */
static int
emit_value(yaml_emitter_t *e, int k, const struct user *u, const char *zone,
    int style)
{
	char num[32];

	switch (k) {
	case K_EMAIL: return emit_text(e, u->email, style);
	case K_FIRST: return emit_text(e, u->first_name, style);
	case K_LAST: return emit_text(e, u->last_name, style);
	case K_ROLE: return emit_text(e, u->role, style);
	case K_PERMS: return emit_list(e, &u->perms, style);
	case K_SUPER: return emit_raw(e, u->super_admin ? "true" : "false");
	case K_TEAMS: return emit_list(e, &u->teams, style);
	case K_SEAT:
		return emit_text(e, u->seat ? u->seat : "none", style);
	case K_CAP:
		snprintf(num, sizeof num, "%ld", u->capacity);
		return emit_raw(e, num);
	case K_CONTACTS: return emit_list(e, &u->contacts, style);
	case K_TZ: return emit_text(e, u->timezone, style);
	case K_HOURS: return emit_hours(e, &u->hours, style);
	case K_OOO: return emit_ooo(e, u, zone, style);
	case K_OVERRIDE: return emit_override(e, u, style);
	case K_WELCOME: return emit_text(e, u->welcome, style);
	case K_CREATED: return emit_time(e, u->created, NULL);
	default: return emit_time(e, u->removed_at, NULL);
	}
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int
same_strv(const struct strv *a, const struct strv *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

static int
same_hours(const struct hours *a, const struct hours *b)
{
	int d;

	for (d = 0; d < 7; d++)
		if (a->n[d] != b->n[d] || (a->n[d] > 0 &&
		    memcmp(a->r[d], b->r[d], a->n[d] * sizeof *a->r[d]) != 0))
			return 0;
	return 1;
}

static int
same_ooo(const struct user *a, const struct user *b)
{
	size_t i;

	if (a->nooo != b->nooo)
		return 0;
	for (i = 0; i < a->nooo; i++)
		if (a->ooo[i].start != b->ooo[i].start ||
		    a->ooo[i].end != b->ooo[i].end ||
		    !same_str(a->ooo[i].source, b->ooo[i].source) ||
		    !same_str(a->ooo[i].uid, b->ooo[i].uid))
			return 0;
	return 1;
}

/* 1 if known key k reads the same in a and b. */
static int
key_same(int k, const struct user *a, const struct user *b)
{
	switch (k) {
	case K_EMAIL: return same_str(a->email, b->email);
	case K_FIRST: return same_str(a->first_name, b->first_name);
	case K_LAST: return same_str(a->last_name, b->last_name);
	case K_ROLE: return same_str(a->role, b->role);
	case K_PERMS: return a->has_perms == b->has_perms &&
		    same_strv(&a->perms, &b->perms);
	case K_SUPER: return !a->super_admin == !b->super_admin;
	case K_TEAMS: return same_strv(&a->teams, &b->teams);
	case K_SEAT: return same_str(a->seat, b->seat);
	case K_CAP: return a->capacity == b->capacity;
	case K_CONTACTS: return same_strv(&a->contacts, &b->contacts);
	case K_TZ: return same_str(a->timezone, b->timezone);
	case K_HOURS: return same_hours(&a->hours, &b->hours);
	case K_OOO: return same_ooo(a, b);
	case K_OVERRIDE: return a->has_override == b->has_override &&
		    (!a->has_override || (a->override_away == b->override_away &&
		    a->override_until == b->override_until));
	case K_WELCOME: return same_str(a->welcome, b->welcome);
	case K_CREATED: return a->created == b->created;
	default: return a->removed_at == b->removed_at;
	}
}

/* The known keys, in their order. */
static int
emit_known(yaml_emitter_t *e, const struct user *u, const char *zone)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (key_present(k, u) && (emit_str(e, known_keys[k], 0) ||
		    emit_value(e, k, u, zone, ST_DEFAULT)))
			return RX_STORE;
	return 0;
}

/* 1 if s is well-formed UTF-8 with no control bytes but tab and newline:
 * libyaml's emitter cannot write anything else. */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, i;

	while (*p) {
		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF)
			n = 1;
		else if (*p >= 0xE0 && *p <= 0xEF)
			n = 2;
		else if (*p >= 0xF0 && *p <= 0xF4)
			n = 3;
		else
			return 0;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
		    (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
			return 0;
		p += n + 1;
	}
	return 1;
}

int
user_text_ok(const char *s)
{
	return utf8_ok(s);
}

static int
strv_utf8_ok(const struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!utf8_ok(sv->v[i]))
			return 0;
	return 1;
}

int
user_check_text(const struct user *u)
{
	const char *bad = NULL;
	size_t i;

	if (u->email && !utf8_ok(u->email))
		bad = "email";
	else if (u->first_name && !utf8_ok(u->first_name))
		bad = "first name";
	else if (u->last_name && !utf8_ok(u->last_name))
		bad = "last name";
	else if (u->role && !utf8_ok(u->role))
		bad = "role";
	else if (!strv_utf8_ok(&u->perms) || !strv_utf8_ok(&u->teams) ||
	    !strv_utf8_ok(&u->contacts))
		bad = "permission, team or contact role";
	else if ((u->seat && !utf8_ok(u->seat)) ||
	    (u->timezone && !utf8_ok(u->timezone)) ||
	    (u->welcome && !utf8_ok(u->welcome)))
		bad = "seat, time zone or welcome";
	for (i = 0; bad == NULL && i < u->nooo; i++)
		if ((u->ooo[i].source && !utf8_ok(u->ooo[i].source)) ||
		    (u->ooo[i].uid && !utf8_ok(u->ooo[i].uid)))
			bad = "out-of-office source or uid";
	if (bad)
		return fail(RX_INVALID, "%s: %s is not valid UTF-8 text",
		    u->email && utf8_ok(u->email) ? u->email : "user", bad);
	return 0;
}

int
user_emit(const struct user *u, const char *zone, char **out, size_t *len)
{
	yaml_emitter_t e;
	struct obuf ob, *b = &ob;
	int rc;

	if ((rc = user_check_text(u)) != 0)
		return rc;
	if (emit_to_buf(&e, b) != 0)
		return RX_STORE;
	if (emit_begin(&e) || emit_map_start(&e, 0) || emit_known(&e, u, zone) ||
	    emit_map_end(&e) || emit_end(&e)) {
		yaml_emitter_delete(&e);
		free(b->s);
		return RX_STORE;
	}
	yaml_emitter_delete(&e);
	if (b->s == NULL)
		on_write(b, (unsigned char *)"", 0);
	*out = b->s;
	*len = b->len;
	return 0;
}

/* --- files -------------------------------------------------------------- */

const char *
user_zone(const struct store *st, const struct user *u)
{
	return u->timezone ? u->timezone : st->tz;
}

int
user_load_at(int dirfd, const char *name, const char *shown, struct user *u)
{
	char *buf;
	size_t len;
	int rc;

	rc = file_read_as(dirfd, name, shown, &buf, &len);
	if (rc)
		return rc;
	rc = user_load_text(buf, len, shown, u);
	free(buf);
	return rc;
}

int
user_load_text(const char *buf, size_t len, const char *shown,
    struct user *u)
{
	int rc;

	if (memchr(buf, '\0', len) != NULL)
		return fail_at(RX_STORE, shown, 0, "contains a NUL byte");
	user_init(u, NULL);
	rc = user_parse(buf, len, shown, u);
	if (rc)
		user_free(u);
	return rc;
}

int
user_load(struct store *st, const char *email, int where, struct user *u)
{
	char *fname, *rel, *norm;
	int rc;

	if (where == USER_REMOVED)
		return removed_latest(st, email, u, NULL);
	fname = email_fname(email);
	rel = xasprintf("%s/%s", dirs[where], fname);
	rc = user_load_at(st->dfd, rel, rel, u);
	if (rc == RX_NOTFOUND) {
		norm = email_norm(email);
		fail(RX_NOTFOUND, "no such %suser: %s",
		    where == USER_REMOVED ? "removed " : "", norm);
		free(norm);
	} else if (rc == 0) {
		norm = email_norm(email);
		if (strcmp(norm, u->email) != 0) {
			rc = fail_at(RX_STORE, rel, 0, "email: %s does not match "
			    "the file name", u->email);
			user_free(u);
		}
		free(norm);
	}
	free(fname);
	free(rel);
	return rc;
}

int
user_exists(struct store *st, const char *email, int where)
{
	struct archlist al;
	char *fname, *rel;
	int r;

	if (where == USER_REMOVED) {
		if (removed_of(st, email, &al) != 0)
			return 0;
		r = al.n > 0;
		archlist_free(&al);
		return r;
	}
	fname = email_fname(email);
	rel = xasprintf("%s/%s", dirs[where], fname);
	/* A writer asks through its transaction: it may ask twice, and
	 * its commit must know too (each look a round trip on a network
	 * file system). */
	r = txn_exists(st, rel);
	if (r < 0)
		r = file_exists(st->dfd, rel);
	free(fname);
	free(rel);
	return r;
}

/* --- editing in place ---------------------------------------------------- */

/* A top-level pair of a user file, in bytes of its text. */
struct pair {
	int known;		/* index in known_keys[], or -1 */
	size_t ks, ke;		/* the key */
	size_t vs, ve;		/* the value; vs == ve for an empty one */
	size_t end;		/* where the pair's text ends: ve, or for a
				 * value in whole lines the start of the line
				 * after its last one */
	int block;		/* the value runs in whole lines */
	int style;		/* ST_FLOW, ST_BLOCK or ST_DEFAULT (a scalar) */
	int alias;		/* the value is an alias (*name) */
	int anchored;		/* the value has an anchor (&name) */
	yaml_node_t *v;		/* the value's node */
	long line;
};

struct map {
	const char *buf;
	size_t len;
	size_t bom;		/* 3 with a UTF-8 byte-order mark */
	size_t ci, bi;		/* a character index and its byte offset */
	int flow;		/* the whole mapping is in flow style {...} */
	int crlf;		/* lines end in CR LF */
	yaml_document_t *doc;
	size_t indent;		/* the column of the top-level keys */
	struct pair *p;
	size_t n;
};

/* The byte offset of libyaml's mark index, which counts characters after
 * the byte-order mark (the text is valid UTF-8: libyaml checked it). */
static size_t
byte_at(struct map *m, size_t index)
{
	unsigned char c;

	if (index < m->ci) {
		m->ci = 0;
		m->bi = m->bom;
	}
	while (m->ci < index && m->bi < m->len) {
		c = (unsigned char)m->buf[m->bi];
		m->bi += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		m->ci++;
	}
	return m->bi < m->len ? m->bi : m->len;
}

static size_t
line_start(const char *buf, size_t i)
{
	while (i > 0 && buf[i - 1] != '\n')
		i--;
	return i;
}

/* Just past the newline of the line holding i (or the end of the text). */
static size_t
line_end(const char *buf, size_t len, size_t i)
{
	while (i < len && buf[i] != '\n')
		i++;
	return i < len ? i + 1 : len;
}

/* 1 if [s, s+n) is a blank line or a comment at most as indented as the
 * top-level keys: such lines before a key belong to that key. */
static int
outer_line(const struct map *m, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '\n' || s[i] == '\r')
		return 1;
	return s[i] == '#' && i <= m->indent;
}

/* The end of a value in whole lines whose node ends at e (libyaml ends a
 * block at the next key, past the comments before it). */
static size_t
block_end(const struct map *m, size_t e, size_t floor)
{
	size_t p = e == m->len ? e : line_start(m->buf, e), q;

	while (p > floor) {
		q = line_start(m->buf, p - 1);
		if (q < floor || !outer_line(m, m->buf + q, p - q))
			break;
		p = q;
	}
	return p > floor ? p : floor;
}

static void
map_pair(struct map *m, yaml_document_t *doc, yaml_node_pair_t *yp,
    struct pair *p)
{
	yaml_node_t *k = yaml_document_get_node(doc, yp->key);
	yaml_node_t *v = yaml_document_get_node(doc, yp->value);

	p->known = k->type == YAML_SCALAR_NODE ?
	    known_index((const char *)k->data.scalar.value) : -1;
	p->line = (long)k->start_mark.line + 1;
	p->ks = byte_at(m, k->start_mark.index);
	p->ke = byte_at(m, k->end_mark.index);
	/* An alias is the node it names, wherever that was written. */
	p->alias = v->start_mark.index < k->end_mark.index;
	p->v = v;
	p->vs = byte_at(m, v->start_mark.index);
	p->ve = byte_at(m, v->end_mark.index);
	if (p->alias)
		p->vs = p->ve = p->ke;
	p->anchored = !p->alias && p->vs < m->len && m->buf[p->vs] == '&';
	p->style = ST_DEFAULT;
	p->block = 0;
	if (v->type == YAML_SEQUENCE_NODE)
		p->style = v->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE ?
		    ST_FLOW : ST_BLOCK;
	else if (v->type == YAML_MAPPING_NODE)
		p->style = v->data.mapping.style == YAML_FLOW_MAPPING_STYLE ?
		    ST_FLOW : ST_BLOCK;
	else if (v->type == YAML_SCALAR_NODE &&
	    (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	    v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE))
		p->block = 1;
	else if (v->type == YAML_SCALAR_NODE &&
	    v->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
		p->style = ST_SQUOTE;
	else if (v->type == YAML_SCALAR_NODE &&
	    v->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		p->style = ST_DQUOTE;
	if (p->style == ST_BLOCK)
		p->block = 1;
	/* An empty [] or {} holds a place: its value gets the usual style. */
	if (p->style == ST_FLOW && ((v->type == YAML_SEQUENCE_NODE &&
	    v->data.sequence.items.top == v->data.sequence.items.start) ||
	    (v->type == YAML_MAPPING_NODE &&
	    v->data.mapping.pairs.top == v->data.mapping.pairs.start)))
		p->style = ST_DEFAULT;
	p->end = p->block && !p->alias ? block_end(m, p->ve, p->vs) : p->ve;
}

/* Find every top-level pair of doc (loaded from buf) and where it lies. */
static int
map_text(struct map *m, yaml_document_t *doc, const char *buf, size_t len,
    const char *shown)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_node_pair_t *yp;
	const char *nl;
	size_t i, ls;

	memset(m, 0, sizeof *m);
	m->buf = buf;
	m->len = len;
	m->doc = doc;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		m->bom = 3;
	/* Offsets are worked out over UTF-8; libyaml reads UTF-16 too. */
	if (len >= 2 && ((unsigned char)buf[0] == 0xFF ||
	    (unsigned char)buf[0] == 0xFE))
		return fail_at(RX_STORE, shown, 0, "UTF-16 text; save the file "
		    "as UTF-8");
	m->bi = m->bom;
	m->flow = root->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
	nl = memchr(buf, '\n', len);
	m->crlf = nl && nl > buf && nl[-1] == '\r';
	m->n = (size_t)(root->data.mapping.pairs.top -
	    root->data.mapping.pairs.start);
	m->p = xcalloc(m->n ? m->n : 1, sizeof *m->p);
	yp = root->data.mapping.pairs.start;
	if (m->n > 0) {
		/* The column of the keys, for lines added and for comments. */
		ls = line_start(buf, byte_at(m, yaml_document_get_node(doc,
		    yp->key)->start_mark.index));
		m->indent = yaml_document_get_node(doc,
		    yp->key)->start_mark.column;
		for (i = ls; i < ls + m->indent && i < len; i++)
			if (buf[i] != ' ' && buf[i] != '\xEF' &&
			    buf[i] != '\xBB' && buf[i] != '\xBF')
				m->indent = 0;
	}
	/* A key given twice was refused by load_doc(). */
	for (i = 0; i < m->n; i++)
		map_pair(m, doc, yp + i, &m->p[i]);
	return 0;
}

/* The order of edits at one place: known keys in their order, the days or
 * periods of a key after it. */
#define ORDER(k) ((k) * 65536)

/* One change to the text: [from, to) becomes text. */
struct edit {
	size_t from, to;
	char *text;
	size_t len;
	int order;
};

struct edits {
	struct edit *e;
	size_t n;
};

/* Append s[0..n) to b with the file's line ends, each line after a line
 * break indented to the keys' column (the first too with indent_first). */
static void
put_lines(struct obuf *b, const struct map *m, const char *s, size_t n,
    int indent_first)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if ((i == 0 && indent_first) ||
		    (i > 0 && s[i - 1] == '\n' && s[i] != '\n'))
			for (k = 0; k < m->indent; k++)
				on_write(b, (unsigned char *)" ", 1);
		if (s[i] == '\n' && m->crlf)
			on_write(b, (unsigned char *)"\r", 1);
		on_write(b, (unsigned char *)s + i, 1);
	}
}

static void
add_edit(struct edits *es, size_t from, size_t to, struct obuf *b, int order)
{
	es->e = xrealloc(es->e, (es->n + 1) * sizeof *es->e);
	es->e[es->n].from = from;
	es->e[es->n].to = to;
	es->e[es->n].text = b->s;
	es->e[es->n].len = b->len;
	es->e[es->n].order = order;
	es->n++;
	memset(b, 0, sizeof *b);
}

/* "KEY: VALUE\n" (or "KEY:\n  lines\n") for known key k of u. */
static int
fragment(int k, const struct user *u, const char *zone, int style,
    struct obuf *b)
{
	yaml_emitter_t e;

	if (emit_to_buf(&e, b) != 0)
		return RX_STORE;
	if (emit_begin(&e) || emit_map_start(&e, 0) ||
	    emit_str(&e, known_keys[k], 0) ||
	    emit_value(&e, k, u, zone, style) || emit_map_end(&e) ||
	    emit_end(&e)) {
		yaml_emitter_delete(&e);
		free(b->s);
		return RX_STORE;
	}
	yaml_emitter_delete(&e);
	if (b->len >= 4 && memcmp(b->s + b->len - 4, "...\n", 4) == 0)
		b->len -= 4;
	if (b->len >= 4 && memcmp(b->s, "--- ", 4) == 0) {
		memmove(b->s, b->s + 4, b->len - 4);
		b->len -= 4;
	}
	return 0;
}

/* Just past the colon after the key of p. */
static size_t
after_colon(const struct map *m, const struct pair *p)
{
	size_t i = p->ke;

	while (i < m->len && (m->buf[i] == ' ' || m->buf[i] == '\t'))
		i++;
	return i < m->len && m->buf[i] == ':' ? i + 1 : p->ke;
}

/* The line of byte i (0-based), for "does the value start on its key's
 * line". */
static int
same_line(const struct map *m, size_t a, size_t b)
{
	return memchr(m->buf + a, '\n', b - a) == NULL;
}

/* Replace the value of p by the one of u (frag is "KEY:..." for it). */
static void
edit_replace(struct edits *es, const struct map *m, const struct pair *p,
    const char *frag, size_t flen, int k)
{
	struct obuf b = { 0 };
	const char *rest = frag + strlen(known_keys[k]) + 1;
	size_t rlen = flen - strlen(known_keys[k]) - 1, colon, from, to;
	int inl = rlen > 0 && rest[0] == ' ';

	colon = after_colon(m, p);
	if (inl && rlen > 0 && rest[rlen - 1] == '\n')
		rlen--;
	if (m->flow || (!p->block && inl)) {
		/* The value alone, in place. */
		if (p->vs == colon)
			put_lines(&b, m, rest, rlen, 0);
		else
			put_lines(&b, m, rest + 1, rlen - 1, 0);
		add_edit(es, p->vs, p->ve, &b, ORDER(k));
		return;
	}
	from = colon;
	to = p->block ? p->end : p->ve;
	if (!p->block) {
		/* A one-line value becomes lines: the rest of its line (a
		 * comment) stays after them. */
		if (rlen > 0 && rest[rlen - 1] == '\n')
			rlen--;
		put_lines(&b, m, rest, rlen, 0);
	} else if (!inl && p->vs > p->ks && !same_line(m, p->ks, p->vs)) {
		/* Lines for lines: what is on the key's line stays. */
		from = line_start(m->buf, p->vs);
		put_lines(&b, m, rest + 1, rlen - 1, 1);
	} else {
		put_lines(&b, m, rest, rlen, 0);
		if (inl)
			put_lines(&b, m, "\n", 1, 0);
	}
	add_edit(es, from, to, &b, ORDER(k));
}

/* Remove the pair p (index i) and its lines. */
static int
edit_remove(struct edits *es, const struct map *m, size_t i, const char *shown)
{
	const struct pair *p = &m->p[i];
	struct obuf b = { 0 };
	size_t ls = line_start(m->buf, p->ks), j;

	if (m->flow) {
		if (i > 0)
			add_edit(es, m->p[i - 1].end, p->ve, &b, ORDER(p->known));
		else if (i + 1 < m->n)
			add_edit(es, p->ks, m->p[i + 1].ks, &b, ORDER(p->known));
		else
			add_edit(es, p->ks, p->ve, &b, ORDER(p->known));
		return 0;
	}
	for (j = ls; j < p->ks; j++)
		if (m->buf[j] != ' ' && j >= m->bom)
			return fail_at(RX_STORE, shown, p->line, "%s: cannot "
			    "remove it in place; put it on a line of its own",
			    known_keys[p->known]);
	add_edit(es, ls, p->block ? p->end : line_end(m->buf, m->len, p->ve),
	    &b, ORDER(p->known));
	return 0;
}

/* Add known key k after the pair p, or at the end. */
static void
edit_insert(struct edits *es, const struct map *m, const struct pair *p,
    const char *frag, size_t flen, int k)
{
	struct obuf b = { 0 };
	size_t at;

	if (m->flow) {
		on_write(&b, (unsigned char *)", ", 2);
		put_lines(&b, m, frag, flen && frag[flen - 1] == '\n' ?
		    flen - 1 : flen, 0);
		add_edit(es, p->ve, p->ve, &b, ORDER(k));
		return;
	}
	at = p->block ? p->end : line_end(m->buf, m->len, p->ve);
	if (at > 0 && m->buf[at - 1] != '\n')
		put_lines(&b, m, "\n", 1, 0);
	put_lines(&b, m, frag, flen, 1);
	add_edit(es, at, at, &b, ORDER(k));
}

/* The pair of known key k in m, or NULL. */
static const struct pair *
pair_of(const struct map *m, int k)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->p[i].known == k)
			return &m->p[i];
	return NULL;
}

/* Where a key that is not in the file goes: after the last known key
 * before it in the usual order, else after the last pair. */
static const struct pair *
insert_after(const struct map *m, int k)
{
	const struct pair *p;
	int j;

	for (j = k - 1; j >= 0; j--)
		if ((p = pair_of(m, j)) != NULL)
			return p;
	return &m->p[m->n - 1];
}

/* Where item i of the block sequence p starts: the line of its "- ",
 * or of the comment lines right above it (they are about it).  0 if the
 * item is not on a "- " line of its own. */
static size_t
item_start(const struct map *m, const struct pair *p, yaml_node_t *item,
    size_t *dash)
{
	struct map *mm = (struct map *)m;
	size_t at = byte_at(mm, item->start_mark.index), ls, q, i, floor;

	ls = line_start(m->buf, at);
	for (i = ls; i < at && m->buf[i] == ' '; i++)
		;
	if (i >= at || m->buf[i] != '-' || ls <= p->ks)
		return 0;
	*dash = i - ls;
	floor = line_end(m->buf, m->len, p->ke);
	while (ls > floor) {
		q = line_start(m->buf, ls - 1);
		for (i = q; i < ls && m->buf[i] == ' '; i++)
			;
		if (i >= ls || m->buf[i] != '#')
			break;
		ls = q;
	}
	return ls;
}

/* Period i of u as a block sequence item at column col. */
static int
edit_add_period(struct edits *es, const struct map *m, size_t at, size_t col,
    const struct user *u, size_t i, const char *zone)
{
	struct user one = *u;
	struct map mm = *m;
	struct obuf b = { 0 }, out = { 0 };
	yaml_emitter_t e;

	one.ooo = &u->ooo[i];
	one.nooo = 1;
	if (emit_to_buf(&e, &b) != 0)
		return RX_STORE;
	if (emit_begin(&e) || emit_ooo(&e, &one, zone, ST_BLOCK) ||
	    emit_end(&e)) {
		yaml_emitter_delete(&e);
		free(b.s);
		return RX_STORE;
	}
	yaml_emitter_delete(&e);
	if (b.len >= 4 && memcmp(b.s + b.len - 4, "...\n", 4) == 0)
		b.len -= 4;
	mm.indent = col;
	if (at > 0 && m->buf[at - 1] != '\n')
		put_lines(&out, &mm, "\n", 1, 0);
	put_lines(&out, &mm, b.s, b.len, 1);
	free(b.s);
	add_edit(es, at, at, &out, ORDER(K_OOO) + 1 + (int)i);
	return 0;
}

static int
same_period(const struct period *a, const struct period *b)
{
	return a->start == b->start && a->end == b->end &&
	    same_str(a->source, b->source) && same_str(a->uid, b->uid);
}

/* Periods edited one by one in a block sequence: the ones that stay keep
 * their lines and comments (a calendar sync touches only what changed).
 * 1 if the sequence is not laid out for that: replace it whole. */
static int
edit_periods(struct edits *es, const struct map *m, const struct pair *p,
    const struct user *u, const struct user *was, const char *zone)
{
	yaml_node_item_t *items = p->v->data.sequence.items.start;
	size_t n = (size_t)(p->v->data.sequence.items.top - items);
	size_t *from, i = 0, j = 0, k, col = 0, c, end;
	struct obuf none = { 0 };
	int rc = 0;

	if (m->flow || p->style != ST_BLOCK || n != was->nooo || n == 0)
		return 1;
	from = xmalloc((n + 1) * sizeof *from);
	for (k = 0; k < n; k++) {
		from[k] = item_start(m, p, yaml_document_get_node(m->doc,
		    items[k]), &c);
		if (from[k] == 0 || (k > 0 && (c != col ||
		    from[k] <= from[k - 1]))) {
			free(from);
			return 1;
		}
		col = c;
	}
	from[n] = p->end;
	while (rc == 0 && j < u->nooo) {
		if (i < n && same_period(&was->ooo[i], &u->ooo[j])) {
			i++, j++;
			continue;
		}
		for (k = i + 1; k < n; k++)
			if (same_period(&was->ooo[k], &u->ooo[j]))
				break;
		if (k < n) {
			for (; i < k; i++)
				add_edit(es, from[i], from[i + 1], &none, ORDER(K_OOO));
			continue;
		}
		end = i < n ? from[i] : p->end;
		rc = edit_add_period(es, m, end, col, u, j++, zone);
	}
	for (; rc == 0 && i < n; i++)
		add_edit(es, from[i], from[i + 1], &none, ORDER(K_OOO));
	free(from);
	return rc;
}

/* "DAY: [ranges]\n" for weekday d of h. */
static int
day_fragment(int d, const struct hours *h, struct obuf *b)
{
	yaml_emitter_t e;
	char buf[12];
	size_t i;
	int rc;

	if (emit_to_buf(&e, b) != 0)
		return RX_STORE;
	rc = emit_begin(&e) || emit_map_start(&e, 0) ||
	    emit_str(&e, weekday_names[d], 0) || emit_seq_start(&e, 1);
	for (i = 0; rc == 0 && i < h->n[d]; i++)
		rc = emit_str(&e, range_format(&h->r[d][i], buf), 1);
	rc = rc || emit_seq_end(&e) || emit_map_end(&e) || emit_end(&e);
	yaml_emitter_delete(&e);
	if (rc) {
		free(b->s);
		return RX_STORE;
	}
	if (b->len >= 4 && memcmp(b->s + b->len - 4, "...\n", 4) == 0)
		b->len -= 4;
	return 0;
}

/* Where the weekdays of a block working_hours mapping lie. */
struct day {
	int on;			/* the day has a key */
	size_t ls, vs, ve;	/* its line, its value */
};

/* Map the weekdays of p; 1 if the mapping is not laid out one day a line
 * (a day twice, keys at different columns, a value in lines). */
static int
map_days(const struct map *m, const struct pair *p, struct day *days,
    size_t *col)
{
	struct map *mm = (struct map *)m;
	yaml_node_pair_t *yp;
	yaml_node_t *k, *v;
	size_t ks, i;
	int d, first = 1;

	memset(days, 0, 7 * sizeof *days);
	for (yp = p->v->data.mapping.pairs.start;
	    yp < p->v->data.mapping.pairs.top; yp++) {
		k = yaml_document_get_node(m->doc, yp->key);
		v = yaml_document_get_node(m->doc, yp->value);
		if (k->type != YAML_SCALAR_NODE || (d = weekday_index(
		    (const char *)k->data.scalar.value)) < 0 || days[d].on ||
		    v->start_mark.index < k->end_mark.index ||
		    (v->type != YAML_SCALAR_NODE && !(v->type ==
		    YAML_SEQUENCE_NODE && v->data.sequence.style ==
		    YAML_FLOW_SEQUENCE_STYLE)) || (v->type == YAML_SCALAR_NODE &&
		    (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)))
			return 1;
		ks = byte_at(mm, k->start_mark.index);
		days[d].on = 1;
		days[d].ls = line_start(m->buf, ks);
		for (i = days[d].ls; i < ks; i++)
			if (m->buf[i] != ' ')
				return 1;
		if (!first && ks - days[d].ls != *col)
			return 1;
		*col = ks - days[d].ls;
		first = 0;
		days[d].vs = byte_at(mm, v->start_mark.index);
		days[d].ve = byte_at(mm, v->end_mark.index);
		if (memchr(m->buf + ks, '\n', days[d].ve - ks) != NULL)
			return 1;
	}
	return first;
}

/* Weekdays edited one by one in a block working_hours mapping: a day
 * that keeps its hours keeps its line and its comment.  1 if the mapping
 * is not laid out for that: replace it whole. */
static int
edit_days(struct edits *es, const struct map *m, const struct pair *p,
    const struct user *u, const struct user *was)
{
	struct day days[7];
	struct map mm = *m;
	struct obuf frag, b;
	size_t col = 0, at, n;
	int d, e, rc = 0;

	if (m->flow || p->style != ST_BLOCK || p->v->type != YAML_MAPPING_NODE ||
	    map_days(m, p, days, &col) != 0)
		return 1;
	mm.indent = col;
	for (d = 0; d < 7 && rc == 0; d++) {
		if (was->hours.n[d] == u->hours.n[d] && (u->hours.n[d] == 0 ||
		    memcmp(was->hours.r[d], u->hours.r[d], u->hours.n[d] *
		    sizeof *u->hours.r[d]) == 0))
			continue;
		memset(&b, 0, sizeof b);
		if (u->hours.n[d] == 0) {
			add_edit(es, days[d].ls, line_end(m->buf, m->len,
			    days[d].ve), &b, ORDER(K_HOURS) + 1 + d);
			continue;
		}
		if ((rc = day_fragment(d, &u->hours, &frag)) != 0)
			break;
		n = strlen(weekday_names[d]) + 1;
		if (days[d].on) {
			/* The value alone: the day's comment stays. */
			if (frag.len > n && frag.s[frag.len - 1] == '\n')
				frag.len--;
			if (days[d].vs == days[d].ve && days[d].vs > 0 &&
			    m->buf[days[d].vs - 1] == ':')
				put_lines(&b, &mm, frag.s + n, frag.len - n, 0);
			else
				put_lines(&b, &mm, frag.s + n + 1,
				    frag.len - n - 1, 0);
			add_edit(es, days[d].vs, days[d].ve, &b,
			    ORDER(K_HOURS) + 1 + d);
		} else {
			/* A new day goes after the day before it, else
			 * before the first day. */
			for (e = d - 1; e >= 0 && !days[e].on; e--)
				;
			if (e >= 0)
				at = line_end(m->buf, m->len, days[e].ve);
			else
				for (e = d + 1, at = m->len; e < 7; e++)
					if (days[e].on && days[e].ls < at)
						at = days[e].ls;
			if (at > 0 && m->buf[at - 1] != '\n')
				put_lines(&b, &mm, "\n", 1, 0);
			put_lines(&b, &mm, frag.s, frag.len, 1);
			add_edit(es, at, at, &b, ORDER(K_HOURS) + 1 + d);
		}
		free(frag.s);
	}
	return rc;
}

/* The edit of known key k, whose value in u differs from the file's. */
static int
edit_key(struct edits *es, const struct map *m, const struct user *u,
    const struct user *was, const char *zone, int k, const char *shown)
{
	const struct pair *p = pair_of(m, k);
	struct obuf frag;
	int rc;

	if (p && (p->alias || p->anchored))
		return fail_at(RX_STORE, shown, p->line, "%s: the value is %s; "
		    "write the value out in place of the %s by hand, then try "
		    "again", known_keys[k], p->alias ? "an alias (*name)" :
		    "anchored (&name)", p->alias ? "alias" : "anchor");
	if (!key_present(k, u))
		return p ? edit_remove(es, m, (size_t)(p - m->p), shown) : 0;
	if (k == K_OOO && p && (rc = edit_periods(es, m, p, u, was, zone)) != 1)
		return rc;
	if (k == K_HOURS && p && (rc = edit_days(es, m, p, u, was)) != 1)
		return rc;
	if ((rc = fragment(k, u, zone, m->flow ? ST_FLOW : p ? p->style :
	    ST_DEFAULT, &frag)) != 0)
		return rc;
	if (p)
		edit_replace(es, m, p, frag.s, frag.len, k);
	else
		edit_insert(es, m, insert_after(m, k), frag.s, frag.len, k);
	free(frag.s);
	return 0;
}

static int
cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return x->order - y->order;
}

/* The text with the edits made. */
static int
apply_edits(struct edits *es, const struct map *m, const char *shown,
    struct obuf *out)
{
	size_t i, at = 0;

	if (es->n > 1)
		qsort(es->e, es->n, sizeof *es->e, cmp_edit);
	memset(out, 0, sizeof *out);
	for (i = 0; i < es->n; i++) {
		if (es->e[i].from < at) {
			free(out->s);
			return fail_at(RX_STORE, shown, 0, "cannot edit the "
			    "file in place: two changes overlap");
		}
		on_write(out, (unsigned char *)m->buf + at, es->e[i].from - at);
		on_write(out, (unsigned char *)es->e[i].text, es->e[i].len);
		at = es->e[i].to;
	}
	on_write(out, (unsigned char *)m->buf + at, m->len - at);
	return 0;
}

/* Edit u->src into the text of u: only the values that changed. */
static int
edit_in_place(const struct user *u, const char *zone, const char *shown,
    struct obuf *out)
{
	yaml_document_t doc;
	struct user was;
	struct map m;
	struct edits es = { 0 };
	size_t i;
	int k, rc;

	if ((rc = load_doc(u->src, u->srclen, shown, &doc)) != 0)
		return rc;
	user_init(&was, NULL);
	rc = read_doc(&doc, shown, &was);
	if (rc == 0)
		rc = map_text(&m, &doc, u->src, u->srclen, shown);
	else
		memset(&m, 0, sizeof m);
	for (k = 0; rc == 0 && k < K_COUNT; k++)
		if (!key_same(k, u, &was))
			rc = edit_key(&es, &m, u, &was, zone, k, shown);
	if (rc == 0)
		rc = apply_edits(&es, &m, shown, out);
	for (i = 0; i < es.n; i++)
		free(es.e[i].text);
	free(es.e);
	free(m.p);
	user_free(&was);
	yaml_document_delete(&doc);
	return rc;
}

int
user_render(const struct user *u, const char *zone, const char *shown,
    char **out, size_t *len)
{
	struct obuf b;
	struct user chk;
	int k, rc;

	if ((rc = user_check_text(u)) != 0)
		return rc;
	if (u->src == NULL)
		rc = user_emit(u, zone, &b.s, &b.len);
	else
		rc = edit_in_place(u, zone, shown, &b);
	if (rc)
		return rc;
	if (b.s == NULL)
		on_write(&b, (unsigned char *)"", 0);
	/* Read the new text back: it must say what was meant. */
	user_init(&chk, NULL);
	if (user_parse(b.s, b.len, shown, &chk) != 0) {
		char *why = xstrdup(err_msg());
		rc = fail_at(RX_STORE, shown, 0, "the edited file would not "
		    "read back (%s); nothing written: edit it by hand", why);
		free(why);
	}
	for (k = 0; rc == 0 && k < K_COUNT; k++)
		if (!key_same(k, u, &chk))
			rc = fail_at(RX_STORE, shown, 0, "%s: the edited file "
			    "would not read back as meant; nothing written: "
			    "edit it by hand", known_keys[k]);
	user_free(&chk);
	if (rc) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	*len = b.len;
	return 0;
}

int
user_save(struct store *st, const struct user *u, int where)
{
	char *text, *fname, *rel;
	size_t len;
	int rc;

	if (where == USER_REMOVED && u->removed_at == -1)
		return fail(RX_STORE, "%s: an archive needs removed_at", u->email);
	fname = email_fname(u->email);
	if (where == USER_REMOVED) {
		/* Every removal is its own archive: a new name each time. */
		if ((rc = removed_new(st, u->email, u->removed_at, &rel)) != 0) {
			free(fname);
			return rc;
		}
	} else
		rel = xasprintf("%s/%s", dirs[where], fname);
	rc = user_render(u, user_zone(st, u), rel, &text, &len);
	if (rc == 0) {
		rc = txn_put(st, rel, text, len);
		free(text);
	}
	free(fname);
	free(rel);
	return rc;
}

/* --- listing ------------------------------------------------------------ */

struct job {
	int dirfd;
	const char *dir;
	char **names;
	struct user *users;
	int *codes;
	char **msgs;
	size_t from, to;
};

static void *
load_range(void *arg)
{
	struct job *j = arg;
	size_t i;
	char *shown;

	for (i = j->from; i < j->to; i++) {
		shown = xasprintf("%s/%s", j->dir, j->names[i]);
		j->codes[i] = user_load_at(j->dirfd, j->names[i], shown,
		    &j->users[i]);
		j->msgs[i] = j->codes[i] ? xstrdup(err_msg()) : NULL;
		free(shown);
	}
	return NULL;
}

void
user_load_many(int dirfd, const char *dir, char **names, size_t n,
    struct user *users, int *codes, char **msgs)
{
	struct job jobs[2];
	pthread_t th;
	size_t k;
	int threaded;

	for (k = 0; k < 2; k++) {
		jobs[k].dirfd = dirfd;
		jobs[k].dir = dir;
		jobs[k].names = names;
		jobs[k].users = users;
		jobs[k].codes = codes;
		jobs[k].msgs = msgs;
	}
	/* Parsing dominates a large listing: use both cores. */
	threaded = n >= 256 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
	jobs[0].from = 0;
	jobs[0].to = n;
	if (threaded) {
		jobs[0].to = jobs[1].from = n / 2;
		jobs[1].to = n;
		if (pthread_create(&th, NULL, load_range, &jobs[1]) != 0) {
			jobs[0].to = n;
			threaded = 0;
		}
	}
	load_range(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct user *)a)->email,
	    ((const struct user *)b)->email);
}

int
user_list(struct store *st, int where, struct userlist *ul,
    void (*badf)(int, void *), void *arg)
{
	struct dirent *de;
	DIR *d;
	char **names = NULL, **msgs;
	size_t n = 0, cap = 0, i, k;
	int fd, *codes, rc = 0;

	if (where == USER_REMOVED)
		return removed_list(st, NULL, ul, badf, arg);
	memset(ul, 0, sizeof *ul);
	fd = dir_open(st->dfd, dirs[where]);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail_errno(RX_STORE, "%s", dirs[where]);
	}
	d = fdopendir(dup(fd));
	if (d == NULL) {
		close(fd);
		return fail_errno(RX_STORE, "%s", dirs[where]);
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= 5 ||
		    strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	ul->u = xcalloc(n, sizeof *ul->u);
	codes = xcalloc(n, sizeof *codes);
	msgs = xcalloc(n, sizeof *msgs);
	user_load_many(fd, dirs[where], names, n, ul->u, codes, msgs);
	close(fd);
	for (i = 0, k = 0; i < n; i++) {
		if (codes[i] == 0) {
			ul->u[k++] = ul->u[i];
		} else {
			fail(codes[i] == RX_NOTFOUND ? RX_STORE : codes[i], "%s",
			    msgs[i]);
			if (rc == 0)
				rc = err_code();
			if (badf)
				badf(err_code(), arg);
		}
		free(msgs[i]);
		free(names[i]);
	}
	free(msgs);
	free(codes);
	free(names);
	ul->n = ul->cap = k;
	qsort(ul->u, ul->n, sizeof *ul->u, cmp_user);
	return badf ? 0 : rc;
}

void
userlist_free(struct userlist *ul)
{
	size_t i;

	for (i = 0; i < ul->n; i++)
		user_free(&ul->u[i]);
	free(ul->u);
	memset(ul, 0, sizeof *ul);
}
