/* records.c — records.csv in memory: load, change, save atomically. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/records.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/util.h"
#include "cache.h"
#include "csvfile.h"

static const char *const cols[] = { "type", "id", "owner", "state" };

static void open_cache(struct store *st, const struct fid *f, const char *gen,
    const struct opencounts *oc);

static const char *const record_types[] = { "ticket", "conversation",
	"contact", "company", "deal", NULL };

int
record_type_valid(const char *t)
{
	size_t i;

	for (i = 0; record_types[i]; i++)
		if (strcmp(record_types[i], t) == 0)
			return 1;
	return 0;
}

const char *
record_state(const char *s)
{
	if (s && strcasecmp(s, RECORD_OPEN) == 0)
		return RECORD_OPEN;
	if (s && strcasecmp(s, RECORD_CLOSED) == 0)
		return RECORD_CLOSED;
	return NULL;
}

int
record_ref_parse(const char *s, char **type, char **id)
{
	const char *colon = strchr(s, ':');
	int i;

	*type = *id = NULL;
	if (colon == NULL || colon[1] == '\0')
		return fail(RX_INVALID, "bad record '%s' (want TYPE:ID, e.g. "
		    "ticket:4711)", s);
	for (i = 0; record_types[i]; i++)
		if (strlen(record_types[i]) == (size_t)(colon - s) &&
		    strncmp(record_types[i], s, (size_t)(colon - s)) == 0)
			break;
	if (record_types[i] == NULL)
		return fail(RX_INVALID, "bad record type '%.*s' (ticket, "
		    "conversation, contact, company, deal)", (int)(colon - s),
		    s);
	*type = xstrndup(s, (size_t)(colon - s));
	*id = xstrdup(colon + 1);
	return 0;
}

/* A malloc'd copy of s, "" for NULL. */
static char *
dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

struct record *
records_add(struct records *rs, const char *type, const char *id,
    const char *owner, const char *state)
{
	struct record *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->r = xrealloc(rs->r, rs->cap * sizeof *rs->r);
	}
	r = &rs->r[rs->n++];
	r->type = dup0(type);
	r->id = dup0(id);
	r->owner = dup0(owner);
	r->state = dup0(state);
	r->line = 0;
	r->raw = r->why = NULL;
	return r;
}

/* Keep row i of cf as a malformed row, with why it is one. */
static void
keep_malformed(struct records *rs, struct csvfile *cf, size_t i)
{
	const struct csvrow *row = &cf->doc.rows[i];
	struct record *r = records_add(rs, NULL, NULL, NULL, NULL);

	r->line = row->line;
	r->raw = csvfile_raw(cf, i);
	if (row->n != 4)
		r->why = xasprintf("%s:%ld: want 4 fields (type,id,owner,"
		    "state), found %zu", RECORDS_FILE, row->line, row->n);
	else if (row->f[0][0] && row->f[1][0])
		r->why = xasprintf("%s:%ld: unknown state '%s' (open, closed)",
		    RECORDS_FILE, row->line, row->f[3]);
	else
		r->why = xasprintf("%s:%ld: empty type or id", RECORDS_FILE,
		    row->line);
}

int
records_load(struct store *st, struct records *rs)
{
	struct csvfile cf;
	const struct csvdoc *doc = &cf.doc;
	size_t i, j;
	int rc;

	memset(rs, 0, sizeof *rs);
	rc = csvfile_load(st->dfd, RECORDS_FILE, &cf);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	for (j = 0; doc->n > 0 && j < 4; j++)
		if (doc->rows[0].n != 4 ||
		    strcasecmp(doc->rows[0].f[j], cols[j]) != 0) {
			rc = fail_at(RX_STORE, RECORDS_FILE, doc->rows[0].line,
			    "want the header type,id,owner,state");
			csvfile_free(&cf);
			return rc;
		}
	for (i = 1; i < doc->n; i++) {
		const struct csvrow *row = &doc->rows[i];
		if (row->n != 4 || row->f[0][0] == '\0' ||
		    row->f[1][0] == '\0' || record_state(row->f[3]) == NULL) {
			/* One bad row stops only itself. */
			keep_malformed(rs, &cf, i);
			continue;
		}
		records_add(rs, row->f[0], row->f[1], row->f[2],
		    record_state(row->f[3]))->line = row->line;
	}
	csvfile_free(&cf);
	return 0;
}

void
records_free(struct records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].type);
		free(rs->r[i].id);
		free(rs->r[i].owner);
		free(rs->r[i].state);
		free(rs->r[i].raw);
		free(rs->r[i].why);
	}
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

struct record *
records_find(struct records *rs, const char *type, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].raw == NULL && strcmp(rs->r[i].type, type) == 0 &&
		    strcmp(rs->r[i].id, id) == 0)
			return &rs->r[i];
	return NULL;
}

/* Another row of r's type and id after r, or NULL. */
static struct record *
records_find_after(struct records *rs, const struct record *r)
{
	size_t i;

	for (i = (size_t)(r - rs->r) + 1; i < rs->n; i++)
		if (rs->r[i].raw == NULL && strcmp(rs->r[i].type, r->type) == 0 &&
		    strcmp(rs->r[i].id, r->id) == 0)
			return &rs->r[i];
	return NULL;
}

size_t
records_warn_malformed(const struct records *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].raw) {
			warnmsg("%s", rs->r[i].why);
			n++;
		}
	return n;
}

void
record_set_owner(struct record *r, const char *owner)
{
	free(r->owner);
	r->owner = dup0(owner);
}

size_t
records_count(const struct records *rs, const char *owner, const char *type,
    const char *state)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		const struct record *r = &rs->r[i];
		if (r->raw || strcasecmp(r->owner, owner ? owner : "") != 0)
			continue;
		if (type && strcmp(r->type, type) != 0)
			continue;
		if (state && strcmp(r->state, state) != 0)
			continue;
		n++;
	}
	return n;
}

/* Natural order: runs of digits compare as numbers (P1-9 before P1-47),
 * the rest byte by byte. */
static int
cmp_id(const char *a, const char *b)
{
	size_t la, lb;
	int c;

	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = strncmp(a, b, la)) != 0)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int
cmp_record(const void *x, const void *y)
{
	const struct record *a = *(struct record *const *)x;
	const struct record *b = *(struct record *const *)y;
	int c = strcmp(a->type, b->type);

	if (c == 0 && (c = cmp_id(a->id, b->id)) == 0)
		c = strcmp(a->id, b->id);
	return c;
}

struct record **
records_select(struct records *rs, const char *type, const char *state,
    const char *owner, size_t *n)
{
	struct record **rows = xcalloc(rs->n + 1, sizeof *rows);
	size_t i;

	*n = 0;
	for (i = 0; i < rs->n; i++) {
		struct record *r = &rs->r[i];
		if (r->raw || (type && strcmp(r->type, type) != 0) ||
		    (state && strcmp(r->state, state) != 0) ||
		    (owner && strcasecmp(r->owner ? r->owner : "",
		    owner) != 0))
			continue;
		rows[(*n)++] = r;
	}
	qsort(rows, *n, sizeof *rows, cmp_record);
	return rows;
}

size_t
records_reassign(struct records *rs, const char *from, const char *to,
    int all)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].raw == NULL && *rs->r[i].owner &&
		    strcasecmp(rs->r[i].owner, from) == 0 &&
		    (all || strcmp(rs->r[i].state, RECORD_OPEN) == 0)) {
			record_set_owner(&rs->r[i], to);
			n++;
		}
	return n;
}

static void
set_state(struct record *r, const char *state)
{
	free(r->state);
	r->state = xstrdup(state);
}

int
records_change(struct records *rs, int op, const char *type, const char *id,
    const char *owner, int *changed)
{
	struct record *r = records_find(rs, type, id), *dup;

	*changed = 0;
	if (r != NULL && (dup = records_find_after(rs, r)) != NULL)
		return fail(RX_STORE, "%s:%s is in %s twice (lines %ld and "
		    "%ld): remove one by hand (store-edit %s)", type, id,
		    RECORDS_FILE, r->line, dup->line, RECORDS_FILE);
	if (op == REC_ADD) {
		if (r)
			return fail(RX_RULE, "%s:%s is already in %s (%s%s%s)",
			    type, id, RECORDS_FILE, r->state, *r->owner ?
			    ", owner " : ", unassigned", r->owner);
		records_add(rs, type, id, owner, RECORD_OPEN);
		*changed = 1;
		return 0;
	}
	if (r == NULL)
		return fail(RX_NOTFOUND, "no record %s:%s in %s (add it with "
		    "records --add %s:%s)", type, id, RECORDS_FILE, type, id);
	switch (op) {
	case REC_CLOSE:
		*changed = strcmp(r->state, RECORD_CLOSED) != 0;
		set_state(r, RECORD_CLOSED);
		break;
	case REC_REOPEN:
		*changed = strcmp(r->state, RECORD_OPEN) != 0;
		set_state(r, RECORD_OPEN);
		break;
	case REC_UNASSIGN:
		if (strcmp(r->state, RECORD_CLOSED) == 0)
			return fail(RX_RULE, "%s:%s is closed: a closed "
			    "record keeps its owner (reopen it first: records "
			    "--reopen %s:%s)", type, id, type, id);
		*changed = *r->owner != '\0';
		record_set_owner(r, NULL);
		break;
	}
	return 0;
}

/* Once the change is on disk, cache the open counts of the file written
 * (its identity is known only then). */
static void
cache_after(struct store *st, void *arg, int committed)
{
	struct opencounts *oc = arg;
	char gen[CACHE_GEN_SIZE];
	struct stat sb;
	struct fid f;

	/* Not on a shared file system: there each write is a dozen round
	 * trips, more than the next reader pays to count records.csv. */
	if (committed && !cache_shared(st) &&
	    fstatat(st->dfd, RECORDS_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		fid_of(&sb, &f);
		cache_gen(st, RECORDS_FILE, gen);
		open_cache(st, &f, gen, oc);
	}
	opencounts_free(oc);
	free(oc);
}

int
records_save(struct store *st, const struct records *rs)
{
	struct opencounts *oc;
	char *text = NULL;
	size_t i, len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return fail_errno(RX_STORE, RECORDS_FILE);
	csv_row_write(fp, cols, 4, 0);
	for (i = 0; i < rs->n; i++) {
		const char *cells[4] = { rs->r[i].type, rs->r[i].id,
			rs->r[i].owner, rs->r[i].state };
		if (rs->r[i].raw)
			fprintf(fp, "%s\n", rs->r[i].raw);
		else
			csv_row_write(fp, cells, 4, 0);
	}
	fclose(fp);
	rc = txn_put(st, RECORDS_FILE, text, len);
	free(text);
	if (rc == 0) {
		oc = xmalloc(sizeof *oc);
		records_open_of(rs, oc);
		txn_after(st, cache_after, oc);
	}
	return rc;
}

/* --- open counts --------------------------------------------------------- */

#define OPEN_NAME	"open.idx"
#define OPEN_MAGIC	"roster-open-index 2"

static char *
lower(const char *s)
{
	char *l = xstrdup(s), *p;

	for (p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
records_open_of(const struct records *rs, struct opencounts *oc)
{
	char **o;
	size_t i, n = 0;

	memset(oc, 0, sizeof *oc);
	o = xcalloc(rs->n + 1, sizeof *o);
	for (i = 0; i < rs->n; i++) {
		const struct record *r = &rs->r[i];
		if (r->raw == NULL && r->owner && *r->owner && r->state &&
		    strcmp(r->state, RECORD_OPEN) == 0)
			o[n++] = lower(r->owner);
	}
	qsort(o, n, sizeof *o, cmp_str);
	oc->owner = xcalloc(n + 1, sizeof *oc->owner);
	oc->n = xcalloc(n + 1, sizeof *oc->n);
	for (i = 0; i < n; i++) {
		if (oc->len > 0 && strcmp(oc->owner[oc->len - 1], o[i]) == 0) {
			oc->n[oc->len - 1]++;
			free(o[i]);
			continue;
		}
		oc->owner[oc->len] = o[i];
		oc->n[oc->len++] = 1;
	}
	free(o);
}

long
opencounts_get(const struct opencounts *oc, const char *owner)
{
	size_t lo = 0, hi = oc->len, mid;
	char *key = lower(owner);
	long n = 0;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(key, oc->owner[mid])) == 0) {
			n = oc->n[mid];
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	free(key);
	return n;
}

void
opencounts_free(struct opencounts *oc)
{
	size_t i;

	if (oc->text == NULL)
		for (i = 0; i < oc->len; i++)
			free(oc->owner[i]);
	free(oc->text);
	free(oc->owner);
	free(oc->n);
	memset(oc, 0, sizeof *oc);
}

static void
open_cache(struct store *st, const struct fid *f, const char *gen,
    const struct opencounts *oc)
{
	struct sbuf b = { 0 };
	size_t i;

	sbuf_str(&b, OPEN_MAGIC);
	sbuf_str(&b, "\t");
	sbuf_str(&b, gen);
	sbuf_num(&b, "\t", f->ino);
	sbuf_num(&b, "\t", f->size);
	sbuf_num(&b, "\t", f->mtime);
	sbuf_num(&b, "\t", f->ctime);
	sbuf_num(&b, "\t", (long long)oc->len);
	sbuf_str(&b, "\n");
	for (i = 0; i < oc->len; i++) {
		sbuf_esc(&b, oc->owner[i]);
		sbuf_num(&b, "\t", oc->n[i]);
		sbuf_str(&b, "\n");
	}
	sbuf_str(&b, "end\n");
	cache_seal(&b);
	cache_write(st, OPEN_NAME, b.p, b.n);
	free(b.p);
}

/* The next line of *p as its fields split at tabs (at most max); the
 * number of fields, or -1 at the end. */
static int
line_fields(char **p, char **f, int max)
{
	char *nl = strchr(*p, '\n'), *s = *p;
	int k = 0;

	if (nl == NULL)
		return -1;
	*nl = '\0';
	*p = nl + 1;
	while (k < max) {
		f[k++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	return s ? -1 : k;
}

/* The cached counts when they are those of the file f of generation gen;
 * -1 otherwise. */
static int
open_cached(struct store *st, const struct fid *f, const char *gen,
    struct opencounts *oc)
{
	struct fid c;
	char *buf, *p, *fl[7], *o;
	long long n, v;
	size_t len, i;

	memset(oc, 0, sizeof *oc);
	if (cache_read(st, OPEN_NAME, &buf, &len) != 0)
		return -1;
	if (cache_unseal(buf, &len) != 0) {
		free(buf);
		return -1;
	}
	/* The owners point into the text read: no copy each. */
	oc->text = buf;
	p = buf;
	if (line_fields(&p, fl, 7) != 7 || strcmp(fl[0], OPEN_MAGIC) != 0 ||
	    strcmp(fl[1], gen) != 0 ||
	    cache_num(fl[2], strlen(fl[2]), &c.ino) ||
	    cache_num(fl[3], strlen(fl[3]), &c.size) ||
	    cache_num(fl[4], strlen(fl[4]), &c.mtime) ||
	    cache_num(fl[5], strlen(fl[5]), &c.ctime) ||
	    cache_num(fl[6], strlen(fl[6]), &n) || n < 0 ||
	    (size_t)n > len || !fid_eq(&c, f))
		goto bad;
	oc->owner = xcalloc((size_t)n + 1, sizeof *oc->owner);
	oc->n = xcalloc((size_t)n + 1, sizeof *oc->n);
	for (i = 0; i < (size_t)n; i++) {
		if (line_fields(&p, fl, 2) != 2 ||
		    cache_num(fl[1], strlen(fl[1]), &v) || v < 1)
			goto bad;
		if (strchr(fl[0], '%') != NULL) {
			if ((o = pct_decode(fl[0], strlen(fl[0]))) == NULL)
				goto bad;
			strcpy(fl[0], o);	/* never longer */
			free(o);
		}
		oc->owner[i] = fl[0];
		oc->n[i] = (long)v;
		oc->len = i + 1;
		if (i > 0 && strcmp(oc->owner[i - 1], oc->owner[i]) >= 0)
			goto bad;
	}
	if (strcmp(p, "end\n") != 0)
		goto bad;
	return 0;
bad:
	opencounts_free(oc);	/* frees buf */
	return -1;
}

int
records_open(struct store *st, struct opencounts *oc)
{
	struct records rs;
	char gen[CACHE_GEN_SIZE];
	struct stat sb;
	struct fid f;
	int rc;

	memset(oc, 0, sizeof *oc);
	/* Identity before content: a change meanwhile only makes the cache
	 * look stale next time. */
	if (fstatat(st->dfd, RECORDS_FILE, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		/* Missing (no records), or records_load() says what is
		 * wrong with it. */
		if ((rc = records_load(st, &rs)) == 0) {
			records_open_of(&rs, oc);
			records_free(&rs);
		}
		return rc;
	}
	fid_of(&sb, &f);
	cache_gen(st, RECORDS_FILE, gen);
	if (open_cached(st, &f, gen, oc) == 0)
		return 0;
	if ((rc = records_load(st, &rs)) != 0)
		return rc;
	records_open_of(&rs, oc);
	records_free(&rs);
	open_cache(st, &f, gen, oc);
	return 0;
}
