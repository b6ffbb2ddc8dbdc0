/* user.c — the user record: YAML in through libyaml's parser, out through
 * its emitter, unknown keys kept as they were written. */
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

const char *const weekday_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static const char *const known_keys[] = {
	"email", "first_name", "last_name", "role", "permissions",
	"super_admin", "teams", "seat", "capacity", "contact_roles",
	"timezone", "working_hours", "out_of_office", "status_override",
	"welcome", "created", "removed_at", NULL
};

static const char *const dirs[] = { "users", "removed" };

void
user_init(struct user *u, const char *email)
{
	memset(u, 0, sizeof *u);
	u->email = email ? email_norm(email) : NULL;
	u->capacity = -1;
	u->created = -1;
	u->removed_at = -1;
	u->extra_verbatim = 1;
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

void
hours_copy(struct hours *dst, const struct hours *src)
{
	int d;

	for (d = 0; d < 7; d++) {
		dst->n[d] = src->n[d];
		dst->r[d] = NULL;
		if (src->n[d] == 0)
			continue;
		dst->r[d] = xmalloc(src->n[d] * sizeof *src->r[d]);
		memcpy(dst->r[d], src->r[d], src->n[d] * sizeof *src->r[d]);
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
	for (i = 0; i < u->nextra; i++) {
		free(u->extra[i].key);
		free(u->extra[i].text);
	}
	free(u->extra);
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
	const char *buf;
	size_t len;
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
		strv_split(sv, (const char *)n->data.scalar.value);
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
is_known(const char *key)
{
	int i;

	for (i = 0; known_keys[i]; i++)
		if (strcmp(known_keys[i], key) == 0)
			return 1;
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

/* Offset of the start of the line holding index i. */
static size_t
line_start(const char *buf, size_t i)
{
	while (i > 0 && buf[i - 1] != '\n')
		i--;
	return i;
}

/* Offset just past the end of the line holding index i (or the end). */
static size_t
line_end(const char *buf, size_t len, size_t i)
{
	while (i < len && buf[i] != '\n')
		i++;
	return i < len ? i + 1 : len;
}

/* The start of the column-0 comment lines just above the line starting
 * at ls (ls if there are none): they belong to the key on that line. */
static size_t
comments_before(const char *buf, size_t ls)
{
	size_t p;

	while (ls > 0) {
		p = line_start(buf, ls - 1);
		if (buf[p] != '#')
			break;
		ls = p;
	}
	return ls;
}

static void
add_extra(struct user *u, const char *key, char *text)
{
	u->extra = xrealloc(u->extra, (u->nextra + 1) * sizeof *u->extra);
	u->extra[u->nextra].key = xstrdup(key);
	u->extra[u->nextra].text = text;
	u->nextra++;
}

static int emit_node(yaml_emitter_t *e, yaml_document_t *doc, yaml_node_t *n);
struct obuf {
	char *s;
	size_t len, cap;
};
static int emit_to_buf(yaml_emitter_t *e, struct obuf *b);
static int emit_begin(yaml_emitter_t *e);
static int emit_end(yaml_emitter_t *e);
static int emit_str(yaml_emitter_t *e, const char *s, int quote);
static int emit_map_start(yaml_emitter_t *e, int flow);
static int emit_map_end(yaml_emitter_t *e);

/* Re-emit key: value as a block YAML fragment, for extras that cannot be
 * kept as text (the file used flow style at the top). */
static char *
extra_emitted(yaml_document_t *doc, const char *key, yaml_node_t *v)
{
	yaml_emitter_t e;
	struct obuf b;

	if (emit_to_buf(&e, &b) != 0)
		return NULL;
	if (emit_begin(&e) || emit_map_start(&e, 0) || emit_str(&e, key, 0) ||
	    emit_node(&e, doc, v) || emit_map_end(&e) || emit_end(&e)) {
		yaml_emitter_delete(&e);
		free(b.s);
		return NULL;
	}
	yaml_emitter_delete(&e);
	if (b.len >= 4 && strcmp(b.s + b.len - 4, "...\n") == 0)
		b.s[b.len -= 4] = '\0';
	return b.s;
}

int
user_parse(const char *buf, size_t len, const char *shown, struct user *u)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *k, *v;
	yaml_node_pair_t *p, *top;
	struct ctx c;
	const char *key;
	size_t from, to;
	int rc = 0, verbatim;

	if (!yaml_parser_initialize(&parser))
		return fail_at(RX_STORE, shown, 0, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = fail_at(RX_STORE, shown, (long)parser.problem_mark.line + 1,
		    "%s%s%s", parser.problem ? parser.problem : "malformed YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	c.doc = &doc;
	c.shown = shown;
	c.buf = buf;
	c.len = len;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		rc = fail_at(RX_STORE, shown, 0, "empty file");
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rc = bad(&c, root, "expected a mapping of keys to values%s", NULL);
		goto out;
	}
	/* Extras are kept as the text they had when the file is a block
	 * mapping whose keys start in column 0: the text of a pair runs from
	 * its key's line to the next key's line. */
	verbatim = root->data.mapping.style != YAML_FLOW_MAPPING_STYLE;
	top = root->data.mapping.pairs.top;
	for (p = root->data.mapping.pairs.start; p < top; p++)
		if (yaml_document_get_node(&doc, p->key)->start_mark.column != 0)
			verbatim = 0;
	u->extra_verbatim = verbatim;
	for (p = root->data.mapping.pairs.start; p < top; p++) {
		k = yaml_document_get_node(&doc, p->key);
		v = yaml_document_get_node(&doc, p->value);
		if ((key = scalar(&c, k, "key")) == NULL) {
			rc = RX_STORE;
			goto out;
		}
		if (is_known(key)) {
			if ((rc = get_known(&c, key, v, u)) != 0)
				goto out;
			continue;
		}
		if (verbatim) {
			from = comments_before(buf, line_start(buf,
			    k->start_mark.index));
			if (p + 1 < top)
				to = comments_before(buf, line_start(buf,
				    yaml_document_get_node(&doc,
				    p[1].key)->start_mark.index));
			else
				to = line_end(buf, len, v->end_mark.index > 0 ?
				    v->end_mark.index - 1 : 0);
			if (to < from)
				to = from;
			char *text = xmalloc(to - from + 2);
			memcpy(text, buf + from, to - from);
			if (to == from || text[to - from - 1] != '\n')
				text[to++ - from] = '\n';
			text[to - from] = '\0';
			add_extra(u, key, text);
		} else {
			char *text = extra_emitted(&doc, key, v);
			if (text == NULL) {
				rc = bad(&c, k, "cannot keep key '%s'", key);
				goto out;
			}
			add_extra(u, key, text);
		}
	}
out:
	yaml_document_delete(&doc);
	return rc;
}

/* --- emitting ----------------------------------------------------------- */

static int
on_write(void *data, unsigned char *buffer, size_t size)
{
	struct obuf *b = data;

	if (b->len + size + 1 > b->cap) {
		while (b->len + size + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->s = xrealloc(b->s, b->cap);
	}
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

static int
emit_list(yaml_emitter_t *e, const char *key, const struct strv *sv)
{
	size_t i;

	if (emit_str(e, key, 0) || emit_seq_start(e, 1))
		return RX_STORE;
	for (i = 0; i < sv->n; i++)
		if (emit_str(e, sv->v[i], 0))
			return RX_STORE;
	return emit_seq_end(e);
}

static int
emit_kv(yaml_emitter_t *e, const char *key, const char *val)
{
	if (emit_str(e, key, 0))
		return RX_STORE;
	return emit_str(e, val, 0);
}

static int
emit_ktime(yaml_emitter_t *e, const char *key, time_t t, const char *zone)
{
	char buf[32];

	if (emit_str(e, key, 0))
		return RX_STORE;
	return emit_raw(e, zone ? time_in_zone(t, zone, buf) : time_utc(t, buf));
}

/* Emit a parsed node again (for extras of flow-style files). */
static int
emit_node(yaml_emitter_t *e, yaml_document_t *doc, yaml_node_t *n)
{
	yaml_event_t ev;
	yaml_node_item_t *it;
	yaml_node_pair_t *p;

	switch (n->type) {
	case YAML_SCALAR_NODE:
		yaml_scalar_event_initialize(&ev, NULL, NULL, n->data.scalar.value,
		    (int)n->data.scalar.length, 1, 1, n->data.scalar.style);
		return emit(e, &ev);
	case YAML_SEQUENCE_NODE:
		if (emit_seq_start(e, n->data.sequence.style ==
		    YAML_FLOW_SEQUENCE_STYLE))
			return RX_STORE;
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (emit_node(e, doc, yaml_document_get_node(doc, *it)))
				return RX_STORE;
		return emit_seq_end(e);
	case YAML_MAPPING_NODE:
		if (emit_map_start(e, n->data.mapping.style ==
		    YAML_FLOW_MAPPING_STYLE))
			return RX_STORE;
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++)
			if (emit_node(e, doc, yaml_document_get_node(doc, p->key)) ||
			    emit_node(e, doc, yaml_document_get_node(doc, p->value)))
				return RX_STORE;
		return emit_map_end(e);
	default:
		return fail(RX_STORE, "cannot emit an empty node");
	}
}

static int
emit_hours(yaml_emitter_t *e, const struct hours *h)
{
	char buf[12];
	size_t i;
	int d;

	if (emit_str(e, "working_hours", 0) || emit_map_start(e, 0))
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
emit_ooo(yaml_emitter_t *e, const struct user *u, const char *zone)
{
	size_t i;

	if (emit_str(e, "out_of_office", 0) || emit_seq_start(e, 0))
		return RX_STORE;
	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		if (emit_map_start(e, 0) ||
		    emit_ktime(e, "start", p->start, zone) ||
		    emit_ktime(e, "end", p->end, zone))
			return RX_STORE;
		if (p->source && emit_kv(e, "source", p->source))
			return RX_STORE;
		if (p->uid && (emit_str(e, "uid", 0) || emit_str(e, p->uid, 1)))
			return RX_STORE;
		if (emit_map_end(e))
			return RX_STORE;
	}
	return emit_seq_end(e);
}

/* The known keys, in their order. */
static int
emit_known(yaml_emitter_t *e, const struct user *u, const char *zone)
{
	char num[32];

	if (emit_kv(e, "email", u->email))
		return RX_STORE;
	if (u->first_name && emit_kv(e, "first_name", u->first_name))
		return RX_STORE;
	if (u->last_name && emit_kv(e, "last_name", u->last_name))
		return RX_STORE;
	if (u->role && emit_kv(e, "role", u->role))
		return RX_STORE;
	if (u->has_perms && emit_list(e, "permissions", &u->perms))
		return RX_STORE;
	if (emit_str(e, "super_admin", 0) ||
	    emit_raw(e, u->super_admin ? "true" : "false"))
		return RX_STORE;
	if (emit_list(e, "teams", &u->teams))
		return RX_STORE;
	if (emit_kv(e, "seat", u->seat ? u->seat : "none"))
		return RX_STORE;
	if (u->capacity >= 0) {
		snprintf(num, sizeof num, "%ld", u->capacity);
		if (emit_str(e, "capacity", 0) || emit_raw(e, num))
			return RX_STORE;
	}
	if (emit_list(e, "contact_roles", &u->contacts))
		return RX_STORE;
	if (u->timezone && emit_kv(e, "timezone", u->timezone))
		return RX_STORE;
	if (!hours_empty(&u->hours) && emit_hours(e, &u->hours))
		return RX_STORE;
	if (u->nooo > 0 && emit_ooo(e, u, zone))
		return RX_STORE;
	if (u->has_override) {
		if (emit_str(e, "status_override", 0) || emit_map_start(e, 0) ||
		    emit_kv(e, "status", u->override_away ? "away" : "available"))
			return RX_STORE;
		if (u->override_until != -1 &&
		    emit_ktime(e, "until", u->override_until, NULL))
			return RX_STORE;
		if (emit_map_end(e))
			return RX_STORE;
	}
	if (u->welcome && emit_kv(e, "welcome", u->welcome))
		return RX_STORE;
	if (u->created != -1 && emit_ktime(e, "created", u->created, NULL))
		return RX_STORE;
	if (u->removed_at != -1 &&
	    emit_ktime(e, "removed_at", u->removed_at, NULL))
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
	size_t i;
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
	/* The document is open-ended: the kept keys follow as they were. */
	if (b->len >= 4 && strcmp(b->s + b->len - 4, "...\n") == 0)
		b->len -= 4;
	for (i = 0; i < u->nextra; i++) {
		size_t n = strlen(u->extra[i].text);
		on_write(b, (unsigned char *)u->extra[i].text, n);
	}
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
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return fail_at(RX_STORE, shown, 0, "contains a NUL byte");
	}
	user_init(u, NULL);
	rc = user_parse(buf, len, shown, u);
	free(buf);
	if (rc == 0 && u->email == NULL) {
		char *e = email_from_fname(name);
		if (e == NULL)
			rc = fail_at(RX_STORE, shown, 0, "no email: key");
		else
			u->email = e;
	}
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
	r = file_exists(st->dfd, rel);
	free(fname);
	free(rel);
	return r;
}

int
user_save(struct store *st, const struct user *u, int where)
{
	char *text, *fname, *rel;
	size_t len;
	int rc;

	if (where == USER_REMOVED && u->removed_at == -1)
		return fail(RX_STORE, "%s: an archive needs removed_at", u->email);
	rc = user_emit(u, user_zone(st, u), &text, &len);
	if (rc)
		return rc;
	fname = email_fname(u->email);
	if (where == USER_REMOVED) {
		/* Every removal is its own archive: a new name each time. */
		if ((rc = removed_new(st, u->email, u->removed_at, &rel)) != 0) {
			free(text);
			free(fname);
			return rc;
		}
	} else
		rel = xasprintf("%s/%s", dirs[where], fname);
	if (u->nextra > 0) {
		/* Kept text pasted after the emitter's output must still read
		 * back as the same record. */
		struct user chk;
		user_init(&chk, NULL);
		rc = user_parse(text, len, rel, &chk);
		if (rc == 0 && (chk.email == NULL || strcmp(chk.email, u->email)))
			rc = fail_at(RX_STORE, rel, 0, "kept keys do not read back");
		user_free(&chk);
	}
	if (rc == 0)
		rc = txn_put(st, rel, text, len);
	free(text);
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
