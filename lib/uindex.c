/* uindex.c — the users index, a derived copy of what listing needs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"
#include "cache.h"

#define INDEX_NAME	"users.idx"
#define INDEX_MAGIC	"roster-users-index 4"
#define SEAL_LEN	17	/* TAB and 16 hex digits */
#define USERS_AREA	"users"

struct ent {
	char *name;		/* file name in users/ */
	struct fid id;
	int code;		/* 0, or the error the file gave */
	char *data;		/* fields (code 0) or message, escaped */
	int owned;		/* name and data are malloc'd */
	int stale;		/* to be read again */
};

struct index {
	char *buf;		/* the file, mapped; entries point into it */
	size_t len, body, toff;	/* its size, entries, teams part */
	long long dev, ino, mtime;	/* of users/ when it was built */
	char gen[CACHE_GEN_SIZE];	/* users' generation then (cache_gen) */
	long long count;
	struct ent *e;
	size_t n, cap;
	size_t *want, nwant;	/* offsets of the entries of a team */
	char **lines;		/* the entries used, copied to be cut up */
	size_t nlines;
};

/* --- the fields of an entry ---------------------------------------------
 * email TAB teams TAB capacity TAB zone TAB hours TAB ooo TAB override
 *   TAB profile
 * teams: a,b   hours: mon;tue;...;sun, each start-end,...  in minutes
 * ooo: start:end,...   override: empty, or away:UNTIL / available:UNTIL
 * profile (what user-list shows): first TAB last TAB role TAB seat TAB
 *   super_admin (0/1) TAB contacts a,b TAB created (-1: absent); a text
 *   field is "-" when absent, else "=" and the text, so that an empty
 *   name and no name stay apart. */

#define NFIELDS	14

static void
opt_format(struct sbuf *b, const char *s)
{
	sbuf_str(b, "\t");
	if (s == NULL) {
		sbuf_str(b, "-");
		return;
	}
	sbuf_str(b, "=");
	sbuf_esc(b, s);
}

static void
profile_format(struct sbuf *b, const struct user *u)
{
	size_t i;

	opt_format(b, u->first_name);
	opt_format(b, u->last_name);
	opt_format(b, u->role);
	opt_format(b, u->seat);
	sbuf_num(b, "\t", u->super_admin);
	sbuf_str(b, "\t");
	for (i = 0; i < u->contacts.n; i++) {
		if (i)
			sbuf_str(b, ",");
		sbuf_esc(b, u->contacts.v[i]);
	}
	sbuf_num(b, "\t", (long long)u->created);
}

static void
fields_format(struct sbuf *b, const struct user *u)
{
	size_t i;
	int d;

	sbuf_esc(b, u->email);
	sbuf_str(b, "\t");
	for (i = 0; i < u->teams.n; i++) {
		if (i)
			sbuf_str(b, ",");
		sbuf_esc(b, u->teams.v[i]);
	}
	sbuf_num(b, "\t", u->capacity);
	sbuf_str(b, "\t");
	if (u->timezone)
		sbuf_esc(b, u->timezone);
	sbuf_str(b, "\t");
	for (d = 0; d < 7; d++) {
		if (d)
			sbuf_str(b, ";");
		for (i = 0; i < u->hours.n[d]; i++) {
			if (i)
				sbuf_str(b, ",");
			sbuf_num(b, "", u->hours.r[d][i].start);
			sbuf_num(b, "-", u->hours.r[d][i].end);
		}
	}
	sbuf_str(b, "\t");
	for (i = 0; i < u->nooo; i++) {
		if (i)
			sbuf_str(b, ",");
		sbuf_num(b, "", (long long)u->ooo[i].start);
		sbuf_num(b, ":", (long long)u->ooo[i].end);
	}
	sbuf_str(b, "\t");
	if (u->has_override) {
		sbuf_str(b, u->override_away ? "away" : "available");
		sbuf_num(b, ":", (long long)u->override_until);
	}
	profile_format(b, u);
}

/* The next field of *s up to sep or the end; advances *s past sep. */
static const char *
field(const char **s, int sep, size_t *len)
{
	const char *f = *s, *e = strchr(f, sep);

	if (e == NULL) {
		*len = strlen(f);
		*s = f + *len;
	} else {
		*len = (size_t)(e - f);
		*s = e + 1;
	}
	return f;
}

static int
parse_list(const char *s, size_t len, struct strv *sv)
{
	const char *p = s, *e = s + len, *c;
	char *item;

	while (p < e) {
		c = memchr(p, ',', (size_t)(e - p));
		if (c == NULL)
			c = e;
		if ((item = pct_decode(p, (size_t)(c - p))) == NULL)
			return -1;
		if (sv->n + 1 >= sv->cap) {	/* as strv_add(), without a copy */
			sv->cap = sv->cap ? 2 * sv->cap : 4;
			sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
		}
		sv->v[sv->n++] = item;
		sv->v[sv->n] = NULL;
		p = c + 1;
	}
	return 0;
}

static int
parse_hours(const char *s, size_t len, struct hours *h)
{
	const char *p = s, *e = s + len, *c, *r, *dash;
	long long a, b;
	int d;

	for (d = 0; d < 7; d++) {
		c = memchr(p, ';', (size_t)(e - p));
		if (c == NULL) {
			if (d != 6)
				return -1;
			c = e;
		}
		if (c > p) {
			size_t k = 1;
			for (r = p; r < c; r++)
				k += *r == ',';
			h->r[d] = xcalloc(k, sizeof *h->r[d]);
		}
		for (r = p; r < c; ) {
			const char *re = memchr(r, ',', (size_t)(c - r));
			if (re == NULL)
				re = c;
			dash = memchr(r, '-', (size_t)(re - r));
			if (dash == NULL || cache_num(r, (size_t)(dash - r), &a) ||
			    cache_num(dash + 1, (size_t)(re - dash - 1), &b) ||
			    a < 0 || a >= 1440 || b < 1 || b > 1440)
				return -1;
			h->r[d][h->n[d]].start = (int)a;
			h->r[d][h->n[d]].end = (int)b;
			h->n[d]++;
			r = re + 1;
		}
		p = c + 1;
	}
	return 0;
}

static int
parse_ooo(const char *s, size_t len, struct user *u)
{
	const char *p = s, *e = s + len, *c, *colon;
	long long a, b;

	while (p < e) {
		c = memchr(p, ',', (size_t)(e - p));
		if (c == NULL)
			c = e;
		colon = memchr(p, ':', (size_t)(c - p));
		if (colon == NULL || cache_num(p, (size_t)(colon - p), &a) ||
		    cache_num(colon + 1, (size_t)(c - colon - 1), &b))
			return -1;
		u->ooo = xrealloc(u->ooo, (u->nooo + 1) * sizeof *u->ooo);
		memset(&u->ooo[u->nooo], 0, sizeof *u->ooo);
		u->ooo[u->nooo].start = (time_t)a;
		u->ooo[u->nooo].end = (time_t)b;
		u->nooo++;
		p = c + 1;
	}
	return 0;
}

static int
parse_override(const char *s, size_t len, struct user *u)
{
	const char *colon;
	long long t;

	if (len == 0)
		return 0;
	colon = memchr(s, ':', len);
	if (colon == NULL || cache_num(colon + 1, len - (size_t)(colon - s) - 1, &t))
		return -1;
	if ((size_t)(colon - s) == 4 && memcmp(s, "away", 4) == 0)
		u->override_away = 1;
	else if ((size_t)(colon - s) == 9 && memcmp(s, "available", 9) == 0)
		u->override_away = 0;
	else
		return -1;
	u->has_override = 1;
	u->override_until = (time_t)t;
	return 0;
}

/* An optional text field: "-" absent, "=TEXT" present. */
static int
parse_opt(const char *s, size_t len, char **out)
{
	if (len == 1 && *s == '-')
		return 0;
	if (len == 0 || *s != '=')
		return -1;
	return (*out = pct_decode(s + 1, len - 1)) == NULL ? -1 : 0;
}

static int
parse_profile(const char **f, const size_t *len, struct user *u)
{
	long long sa, created;

	if (parse_opt(f[0], len[0], &u->first_name) ||
	    parse_opt(f[1], len[1], &u->last_name) ||
	    parse_opt(f[2], len[2], &u->role) ||
	    parse_opt(f[3], len[3], &u->seat) ||
	    cache_num(f[4], len[4], &sa) || sa < 0 || sa > 1 ||
	    parse_list(f[5], len[5], &u->contacts) ||
	    cache_num(f[6], len[6], &created) || created < -1)
		return -1;
	u->super_admin = (int)sa;
	u->created = (time_t)created;
	return 0;
}

/* Fill u from the fields text; -1 if it is malformed (u is then freed). */
static int
fields_parse(const char *s, struct user *u)
{
	const char *f[NFIELDS];
	size_t len[NFIELDS];
	long long cap;
	const char *t;
	int k, tabs = 0;

	for (t = s; (t = strchr(t, '\t')) != NULL; t++)
		tabs++;
	if (tabs != NFIELDS - 1)
		return -1;
	for (k = 0; k < NFIELDS; k++)
		f[k] = field(&s, '\t', &len[k]);
	user_init(u, NULL);
	if ((u->email = pct_decode(f[0], len[0])) == NULL || *u->email == '\0' ||
	    parse_list(f[1], len[1], &u->teams) ||
	    cache_num(f[2], len[2], &cap) || cap < -1 ||
	    (len[3] && (u->timezone = pct_decode(f[3], len[3])) == NULL) ||
	    parse_hours(f[4], len[4], &u->hours) ||
	    parse_ooo(f[5], len[5], u) ||
	    parse_override(f[6], len[6], u) ||
	    parse_profile(f + 7, len + 7, u)) {
		user_free(u);
		return -1;
	}
	u->capacity = (long)cap;
	return 0;
}

/* 1 if the fields text lists team (escaped) among its teams. */
static int
in_team(const char *data, const char *eteam, size_t tl)
{
	const char *t = strchr(data, '\t'), *e, *c;

	if (t == NULL)
		return 0;
	t++;
	if ((e = strchr(t, '\t')) == NULL)
		return 0;
	while (t < e) {
		c = memchr(t, ',', (size_t)(e - t));
		if (c == NULL)
			c = e;
		if ((size_t)(c - t) == tl && memcmp(t, eteam, tl) == 0)
			return 1;
		t = c + 1;
	}
	return 0;
}

/* --- the index file ------------------------------------------------------ */

static void
index_free(struct index *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->e[i].owned) {
			free(x->e[i].name);
			free(x->e[i].data);
		}
	free(x->e);
	cache_unmap(x->buf, x->len);
	for (i = 0; i < x->nlines; i++)
		free(x->lines[i]);
	free(x->lines);
	free(x->want);
	memset(x, 0, sizeof *x);
}

static struct ent *
index_push(struct index *x)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->e = xrealloc(x->e, x->cap * sizeof *x->e);
	}
	memset(&x->e[x->n], 0, sizeof *x->e);
	return &x->e[x->n++];
}

/* Split off the next tab-separated field of a line, NUL-terminating it. */
static char *
cut(char **p)
{
	char *f = *p, *t;

	if (f == NULL)
		return NULL;
	t = strchr(f, '\t');
	if (t) {
		*t = '\0';
		*p = t + 1;
	} else
		*p = NULL;
	return f;
}

static int
cut_num(char **p, long long *v)
{
	char *f = cut(p);

	return f ? cache_num(f, strlen(f), v) : -1;
}

/* --- seals ---------------------------------------------------------------
 * The index is read as untrusted input: every line ends with TAB and
 * cache_hash() (16 hex digits) of the rest of the line, seeded with the
 * line's own offset in the file.  A changed byte, a NUL, a torn or zero-filled
 * block, or lines swapped or moved fail their seal, and the index is built
 * again.  A reader checks the seals of the lines it uses, so a team still
 * reads only its own lines. */

/* End the line that starts at start with its seal and a newline. */
static void
seal_add(struct sbuf *b, size_t start)
{
	char hex[SEAL_LEN + 2];

	snprintf(hex, sizeof hex, "\t%016llx\n",
	    cache_hash(start, b->p + start, b->n - start));
	sbuf_str(b, hex);
}

/* The line at offset off of the file (which must end before limit), when
 * its seal holds: its text without the seal in [buf+off, *end), the
 * newline at *nl.  -1 otherwise. */
static int
line_at(const struct index *x, size_t off, size_t limit, const char **end,
    const char **nl)
{
	const char *p = x->buf + off, *n, *h;
	char hex[SEAL_LEN];
	size_t len;

	if (off >= limit || limit > x->len ||
	    (n = memchr(p, '\n', limit - off)) == NULL ||
	    (len = (size_t)(n - p)) < SEAL_LEN || p[len - SEAL_LEN] != '\t')
		return -1;
	h = n - (SEAL_LEN - 1);
	snprintf(hex, sizeof hex, "%016llx",
	    cache_hash(off, p, len - SEAL_LEN));
	if (memcmp(h, hex, SEAL_LEN - 1) != 0 ||
	    memchr(p, '\0', len) != NULL)
		return -1;
	*end = h - 1;
	*nl = n;
	return 0;
}

/* A NUL-terminated copy of the sealed line at off (ending before limit),
 * without its seal; NULL if the seal does not hold. */
static char *
line_copy(const struct index *x, size_t off, size_t limit)
{
	const char *end, *nl;

	if (line_at(x, off, limit, &end, &nl) != 0)
		return NULL;
	return xstrndup(x->buf + off, (size_t)(end - (x->buf + off)));
}

/* Parse one entry line (NUL-terminated) into e; -1 if malformed. */
static int
parse_entry(char *line, struct ent *e)
{
	char *name, *code, *n;
	long long v;

	if (line == NULL || (name = cut(&line)) == NULL || *name == '\0' ||
	    cut_num(&line, &e->id.ino) || cut_num(&line, &e->id.size) ||
	    cut_num(&line, &e->id.mtime) || cut_num(&line, &e->id.ctime) ||
	    (code = cut(&line)) == NULL || cache_num(code, strlen(code), &v) ||
	    v < 0 || v > RX_STORE || line == NULL)
		return -1;
	if (strchr(name, '%') != NULL) {
		if ((n = pct_decode(name, strlen(name))) == NULL)
			return -1;
		strcpy(name, n);	/* never longer */
		free(n);
	}
	e->name = name;
	e->code = (int)v;
	e->data = line;
	return 0;
}

/* Read the index file and check its frame: the header, the teams part
 * and the last line.  -1 when it is missing or does not read as an index
 * (then it is simply built anew). */
static int
index_load(struct store *st, struct index *x)
{
	char *nl, *line, *hdr = NULL, *gen;
	long long toff;
	size_t len;

	memset(x, 0, sizeof *x);
	/* Mapped, not read: a team needs a few pages of 2 MB.  The map is
	 * read-only (read faults map neighbouring pages too); lines are
	 * copied before they are cut up. */
	if (cache_map(st, INDEX_NAME, &x->buf, &len) != 0)
		return -1;
	x->len = len;
	if ((line = hdr = line_copy(x, 0, len)) == NULL)
		goto bad;
	nl = memchr(x->buf, '\n', len);
	if (strcmp(cut(&line), INDEX_MAGIC) != 0 || cut_num(&line, &x->dev) ||
	    cut_num(&line, &x->ino) || cut_num(&line, &x->mtime) ||
	    (gen = cut(&line)) == NULL || strlen(gen) >= CACHE_GEN_SIZE ||
	    cut_num(&line, &x->count) || cut_num(&line, &toff) ||
	    line != NULL || x->count < 0)
		goto bad;
	strcpy(x->gen, gen);
	free(hdr);
	hdr = NULL;
	x->body = (size_t)(nl + 1 - x->buf);
	if (len < 4 || toff < (long long)x->body ||
	    toff > (long long)(len - 4) || x->buf[toff - 1] != '\n' ||
	    memcmp(x->buf + len - 4, "end\n", 4) != 0 ||
	    (unsigned long long)x->count > (unsigned long long)(toff -
	    (long long)x->body))
		goto bad;
	x->toff = (size_t)toff;
	return 0;
bad:
	free(hdr);
	index_free(x);
	return -1;
}

/* index_load(), refusing on a shared file system an index of another
 * generation than gen: none of its entries may be taken over, since the
 * identity of a file there may be the client's cached one. */
static int
index_load_gen(struct store *st, struct index *x, const char *gen)
{
	if (index_load(st, x) != 0)
		return -1;
	if (cache_shared(st) && strcmp(x->gen, gen) != 0) {
		index_free(x);
		return -1;
	}
	return 0;
}

/* Every entry of a loaded index. */
static int
index_entries(struct index *x)
{
	size_t off = x->body;
	long long k;
	char *line;

	x->lines = xcalloc((size_t)x->count + 1, sizeof *x->lines);
	for (k = 0; k < x->count; k++) {
		const char *end, *nl;
		if (line_at(x, off, x->toff, &end, &nl) != 0)
			return -1;
		line = x->lines[x->nlines++] = xstrndup(x->buf + off,
		    (size_t)(end - (x->buf + off)));
		if (parse_entry(line, index_push(x)) != 0)
			return -1;
		/* Sorted strictly, so that names can be looked up. */
		if (x->n > 1 && strcmp(x->e[x->n - 2].name, x->e[x->n - 1].name)
		    >= 0)
			return -1;
		off = (size_t)(nl + 1 - x->buf);
	}
	if (off != x->toff)
		return -1;
	/* The teams part too: a listing of everyone rebuilds an index that
	 * a team listing could not use. */
	while (off < x->len - 4) {
		const char *end, *nl;
		if (line_at(x, off, x->len - 4, &end, &nl) != 0)
			return -1;
		off = (size_t)(nl + 1 - x->buf);
	}
	return 0;
}

/* Compare the team of a teams-part line (p, up to its tab) with team. */
static int
cmp_team_line(const char *p, const char *nl, const char *team, size_t tl)
{
	const char *t = memchr(p, '\t', (size_t)(nl - p));
	size_t l, m;
	int c;

	if (*p == 'B')
		return -1;	/* the broken files' line comes first */
	l = (size_t)((t ? t : nl) - p - 1);
	m = l < tl ? l : tl;
	if ((c = memcmp(p + 1, team, m)) != 0)
		return c;
	return l < tl ? -1 : l > tl;
}

/* Add the offsets listed after the tab of the line p..nl. */
static int
add_listed(struct index *x, const char *p, const char *nl)
{
	const char *o = memchr(p, '\t', (size_t)(nl - p)), *c;
	long long off;
	size_t l;

	if (o == NULL)
		return -1;
	for (o++; o < nl; o += l + 1) {
		c = memchr(o, ',', (size_t)(nl - o));
		l = (size_t)((c ? c : nl) - o);
		if (cache_num(o, l, &off) || off < (long long)x->body ||
		    off >= (long long)x->toff || x->buf[off - 1] != '\n')
			return -1;
		x->want = xrealloc(x->want, (x->nwant + 1) * sizeof *x->want);
		x->want[x->nwant++] = (size_t)off;
	}
	return 0;
}

/* The entries listed for team (escaped; NULL: the broken files).  The
 * teams part is sorted, so it is searched by halves: a team touches a few
 * pages of it, not all.  0, 1 when team is not listed, -1 if malformed. */
static int
index_listed(struct index *x, const char *team, size_t tl)
{
	char *lo = x->buf + x->toff, *hi = x->buf + x->len - 4, *p;
	const char *end, *nl;
	int c;

	if (lo >= hi)
		return team ? 1 : 0;
	if (team == NULL) {
		if (line_at(x, x->toff, x->len - 4, &end, &nl) != 0)
			return -1;
		return *lo == 'B' ? add_listed(x, lo, end) : 0;
	}
	while (lo < hi) {
		p = lo + (hi - lo) / 2;
		while (p > lo && p[-1] != '\n')
			p--;
		if (line_at(x, (size_t)(p - x->buf), (size_t)(hi - x->buf),
		    &end, &nl) != 0 || (*p != 'T' && *p != 'B'))
			return -1;
		if ((c = cmp_team_line(p, end, team, tl)) == 0)
			return add_listed(x, p, end);
		if (c < 0)
			lo = (char *)nl + 1;
		else
			hi = p;
	}
	/* Not listed: a team nobody is in, or a teams part that lost its
	 * line.  Only the whole index can tell, and a team without members
	 * is rare (an error), so the caller reads it all. */
	return 1;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Only the entries of team and the broken ones, without reading the
 * others: a team of 50 in 10,000 users. */
static int
index_team(struct index *x, const char *eteam, size_t tl)
{
	char *line;
	size_t i;

	if (index_listed(x, eteam, tl) != 0 || index_listed(x, NULL, 0) != 0)
		return -1;
	if (x->nwant > 1)
		qsort(x->want, x->nwant, sizeof *x->want, cmp_size);
	x->lines = xcalloc(x->nwant + 1, sizeof *x->lines);
	for (i = 0; i < x->nwant; i++) {
		if (i > 0 && x->want[i] == x->want[i - 1])
			return -1;
		line = x->lines[x->nlines++] = line_copy(x, x->want[i],
		    x->toff);
		if (line == NULL || parse_entry(line, index_push(x)) != 0)
			return -1;
	}
	return 0;
}

/* A team of an entry, for the teams part. */
struct tref {
	const char *team;	/* escaped, in the entry's fields; NULL: broken */
	size_t len, off;
};

static int
same_team(const struct tref *x, const struct tref *y)
{
	if (x->team == NULL || y->team == NULL)
		return x->team == y->team;
	return x->len == y->len && memcmp(x->team, y->team, x->len) == 0;
}

static int
cmp_tref(const void *a, const void *b)
{
	const struct tref *x = a, *y = b;
	size_t l = x->len < y->len ? x->len : y->len;
	int c;

	if (x->team == NULL || y->team == NULL)
		c = (x->team != NULL) - (y->team != NULL);
	else if ((c = memcmp(x->team, y->team, l)) == 0 && x->len != y->len)
		c = x->len < y->len ? -1 : 1;
	if (c == 0)
		c = x->off < y->off ? -1 : x->off > y->off;
	return c;
}

static void
tref_add(struct tref **t, size_t *n, const char *team, size_t len,
    size_t off)
{
	if ((*n & (*n - 1)) == 0)	/* grow at powers of two */
		*t = xrealloc(*t, (*n ? 2 * *n : 1) * sizeof **t);
	(*t)[*n].team = team;
	(*t)[*n].len = len;
	(*t)[*n].off = off;
	(*n)++;
}

/* The teams part: "T" TEAM TAB offsets, one line a team, and "B" TAB
 * offsets for the broken files; offsets of entry lines in the file. */
static void
index_teams(struct sbuf *b, const struct index *x, const size_t *offs)
{
	struct tref *t = NULL;
	const char *p, *e, *c;
	size_t n = 0, i, start = 0;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].code != 0) {
			tref_add(&t, &n, NULL, 0, offs[i]);
			continue;
		}
		if ((p = strchr(x->e[i].data, '\t')) == NULL)
			continue;
		p++;
		if ((e = strchr(p, '\t')) == NULL)
			continue;
		for (; p < e; p = c + 1) {
			if ((c = memchr(p, ',', (size_t)(e - p))) == NULL)
				c = e;
			tref_add(&t, &n, p, (size_t)(c - p), offs[i]);
		}
	}
	if (n > 1)
		qsort(t, n, sizeof *t, cmp_tref);
	for (i = 0; i < n; i++) {
		if (i == 0 || !same_team(&t[i - 1], &t[i])) {
			if (i > 0)
				seal_add(b, start);
			start = b->n;
			sbuf_str(b, t[i].team ? "T" : "B");
			if (t[i].team)
				sbuf_add(b, t[i].team, t[i].len);
			sbuf_num(b, "\t", (long long)t[i].off);
		} else
			sbuf_num(b, ",", (long long)t[i].off);
	}
	if (n > 0)
		seal_add(b, start);
	free(t);
}

static void
index_write(struct store *st, const struct index *x)
{
	struct sbuf b = { 0 };
	size_t i, *offs, hdr;
	char toff[24], seal[24];

	sbuf_str(&b, INDEX_MAGIC);
	sbuf_num(&b, "\t", x->dev);
	sbuf_num(&b, "\t", x->ino);
	sbuf_num(&b, "\t", x->mtime);
	sbuf_str(&b, "\t");
	sbuf_str(&b, x->gen);
	sbuf_num(&b, "\t", (long long)x->n);
	sbuf_str(&b, "\t");
	hdr = b.n;
	sbuf_str(&b, "0000000000000000000");	/* the teams part, later */
	sbuf_str(&b, "\t0000000000000000\n");	/* its seal, later */
	offs = xcalloc(x->n + 1, sizeof *offs);
	for (i = 0; i < x->n; i++) {
		const struct ent *e = &x->e[i];
		offs[i] = b.n;
		sbuf_esc(&b, e->name);
		sbuf_num(&b, "\t", e->id.ino);
		sbuf_num(&b, "\t", e->id.size);
		sbuf_num(&b, "\t", e->id.mtime);
		sbuf_num(&b, "\t", e->id.ctime);
		sbuf_num(&b, "\t", e->code);
		sbuf_str(&b, "\t");
		sbuf_str(&b, e->data);
		seal_add(&b, offs[i]);
	}
	snprintf(toff, sizeof toff, "%019zu", b.n);
	memcpy(b.p + hdr, toff, 19);
	snprintf(seal, sizeof seal, "%016llx", cache_hash(0, b.p, hdr + 19));
	memcpy(b.p + hdr + 20, seal, 16);
	index_teams(&b, x, offs);
	sbuf_str(&b, "end\n");
	cache_write(st, INDEX_NAME, b.p, b.n);
	free(offs);
	free(b.p);
}

/* --- scanning ------------------------------------------------------------ */

static int
cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name,
	    ((const struct ent *)b)->name);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_user_file(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && l > 5 && strcmp(name + l - 5, ".yaml") == 0;
}

/* The entries of the users/ directory as it is now, each taken over from
 * old when its file is unchanged, else marked stale. */
static int
entries_from_dir(int dfd, struct index *old, struct index *x)
{
	struct dirent *de;
	struct stat sb;
	struct ent key, *o, *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;

	if ((d = fdopendir(dup(dfd))) == NULL)
		return fail_errno(RX_STORE, "users");
	while ((de = readdir(d)) != NULL) {
		if (!is_user_file(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++) {
		if (fstatat(dfd, names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			free(names[i]);	/* gone since the listing */
			continue;
		}
		e = index_push(x);
		e->name = names[i];
		e->owned = 1;
		fid_of(&sb, &e->id);
		e->stale = 1;
		key.name = names[i];
		o = old->n ? bsearch(&key, old->e, old->n, sizeof *old->e,
		    cmp_ent) : NULL;
		if (o && fid_eq(&o->id, &e->id)) {
			e->code = o->code;
			e->data = xstrdup(o->data);
			e->stale = 0;
		}
	}
	free(names);
	return 0;
}

/* Mark e stale if its file changed; 1 if it is gone. */
static int
recheck(int dfd, struct ent *e)
{
	struct stat sb;
	struct fid f;

	if (fstatat(dfd, e->name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return 1;
	fid_of(&sb, &f);
	if (!fid_eq(&f, &e->id)) {
		e->id = f;
		e->stale = 1;
	}
	return 0;
}

/* Read the stale entries' files again and record what they hold. */
static size_t
refresh(int dfd, struct index *x)
{
	struct user *us;
	char **names, **msgs;
	int *codes;
	size_t n = 0, i, k;
	struct sbuf b;

	for (i = 0; i < x->n; i++)
		n += x->e[i].stale;
	if (n == 0)
		return 0;
	names = xcalloc(n, sizeof *names);
	for (i = 0, k = 0; i < x->n; i++)
		if (x->e[i].stale)
			names[k++] = x->e[i].name;
	us = xcalloc(n, sizeof *us);
	codes = xcalloc(n, sizeof *codes);
	msgs = xcalloc(n, sizeof *msgs);
	user_load_many(dfd, "users", names, n, us, codes, msgs);
	for (i = 0, k = 0; i < x->n; i++) {
		struct ent *e = &x->e[i];
		if (!e->stale)
			continue;
		if (!e->owned) {
			e->name = xstrdup(e->name);
			e->owned = 1;
		} else
			free(e->data);
		memset(&b, 0, sizeof b);
		if (codes[k] == 0) {
			fields_format(&b, &us[k]);
			user_free(&us[k]);
		} else {
			/* A file that vanished meanwhile reads as broken until
			 * the next listing drops it. */
			e->code = codes[k] == RX_NOTFOUND ? RX_STORE : codes[k];
			sbuf_esc(&b, msgs[k]);
			free(msgs[k]);
		}
		if (codes[k] == 0)
			e->code = 0;
		e->data = b.p ? b.p : xstrdup("");
		k++;
	}
	free(names);
	free(us);
	free(codes);
	free(msgs);
	return n;
}

/* Take e into the listing, or report it. */
static int
take(struct ent *e, struct userlist *ul, int *rc,
    void (*badf)(int, void *), void *arg)
{
	char *msg;

	if (e->code != 0) {
		msg = pct_decode(e->data, strlen(e->data));
		fail(e->code, "%s", msg ? msg : "users/");
		free(msg);
		if (*rc == 0)
			*rc = err_code();
		if (badf)
			badf(err_code(), arg);
		return 0;
	}
	if (ul->n == ul->cap) {
		ul->cap = ul->cap ? 2 * ul->cap : 64;
		ul->u = xrealloc(ul->u, ul->cap * sizeof *ul->u);
	}
	if (fields_parse(e->data, &ul->u[ul->n]) != 0)
		return -1;
	ul->n++;
	return 0;
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp((*(struct user *const *)a)->email,
	    (*(struct user *const *)b)->email);
}

/* Sort by address; pointers are sorted, each record moves once. */
static void
sort_users(struct userlist *ul)
{
	struct user **p, *v;
	size_t i;

	for (i = 1; i < ul->n; i++)
		if (strcmp(ul->u[i - 1].email, ul->u[i].email) > 0)
			break;
	if (i >= ul->n)
		return;
	p = xcalloc(ul->n, sizeof *p);
	for (i = 0; i < ul->n; i++)
		p[i] = &ul->u[i];
	qsort(p, ul->n, sizeof *p, cmp_user);
	v = xcalloc(ul->n, sizeof *v);
	for (i = 0; i < ul->n; i++)
		v[i] = *p[i];
	free(ul->u);
	free(p);
	ul->u = v;
	ul->cap = ul->n;
}

/* The entries to list: all when team is NULL, else the team's members
 * and the broken files. */
static int
selected(const struct ent *e, const char *team, const struct sbuf *et)
{
	return team == NULL || e->code != 0 || in_team(e->data, et->p, et->n);
}

/* A team, when the users/ directory is as indexed: read only its entries
 * and check only its files.  1 when that settles it, 0 when the whole
 * index must be read (a member's file changed), -1 if malformed. */
static int
scan_team(int dfd, struct index *x, const char *team, const struct sbuf *et)
{
	size_t i;

	if (index_team(x, et->p, et->n) != 0)
		return -1;
	for (i = 0; i < x->n; i++)
		if (recheck(dfd, &x->e[i]) || x->e[i].stale ||
		    !selected(&x->e[i], team, et))
			return 0;
	return 1;
}

/* Take over old's entries where users/ is as indexed; check the listed
 * files, drop the ones that are gone. */
static void
scan_known(int dfd, struct index *old, struct index *x, const char *team,
    const struct sbuf *et, size_t *changed)
{
	size_t i, k;

	x->e = old->e;
	x->n = old->n;
	x->cap = old->cap;
	old->e = NULL;
	old->n = old->cap = 0;
	for (i = 0, k = 0; i < x->n; i++) {
		struct ent *e = &x->e[i];
		if (selected(e, team, et) && recheck(dfd, e)) {
			if (e->owned) {
				free(e->name);
				free(e->data);
			}
			*changed = 1;
			continue;
		}
		x->e[k++] = *e;
	}
	x->n = k;
}

/* 1 if the loaded index x was built from users/ as it is (dsb, and gen
 * its generation now).  The directory's identity says whether files were
 * added, removed or replaced; on a shared file system its attributes may
 * be the client's cached ones, so there the generation must match too:
 * every change roster makes to users/ gives it a new one.  The device
 * number is checked only on a local file system: each client of a shared
 * one numbers it its own way, and one host would never trust the index
 * another wrote (inode numbers and times are the server's). */
static int
index_current(struct store *st, const struct index *x,
    const struct stat *dsb, const char *gen)
{
	int shared = cache_shared(st);

	if ((!shared && x->dev != (long long)dsb->st_dev) ||
	    x->ino != (long long)dsb->st_ino ||
	    x->mtime != (long long)dsb->st_mtim.tv_sec * 1000000000LL +
	    dsb->st_mtim.tv_nsec)
		return 0;
	return !shared || strcmp(x->gen, gen) == 0;
}

/* Open users/ and stat it: 0 with *dfd -1 when there is none. */
static int
users_open(struct store *st, int *dfd, struct stat *sb)
{
	if ((*dfd = dir_open(st->dfd, "users")) < 0)
		return errno == ENOENT ? 0 : fail_errno(RX_STORE, "users");
	if (fstat(*dfd, sb) != 0) {
		close(*dfd);
		*dfd = -1;
		return fail_errno(RX_STORE, "users");
	}
	return 0;
}

static int
scan(struct store *st, const char *team, struct userlist *ul,
    void (*badf)(int, void *), void *arg, int rebuild)
{
	struct index old, x;
	struct sbuf et = { 0 };
	struct stat dsb;
	size_t i, changed = 0;
	int dfd, full, rc = 0, fatal = 0, r;

	memset(ul, 0, sizeof *ul);
	memset(&x, 0, sizeof x);
	if ((rc = users_open(st, &dfd, &dsb)) != 0 || dfd < 0)
		return rc;
	x.dev = (long long)dsb.st_dev;
	x.ino = (long long)dsb.st_ino;
	x.mtime = (long long)dsb.st_mtim.tv_sec * 1000000000LL +
	    dsb.st_mtim.tv_nsec;
	cache_gen(st, USERS_AREA, x.gen);
	if (team) {
		sbuf_add(&et, "", 0);	/* never NULL, also for team "" */
		sbuf_esc(&et, team);
	}
	if (rebuild || index_load_gen(st, &old, x.gen) != 0)
		memset(&old, 0, sizeof old);
	full = old.buf == NULL || !index_current(st, &old, &dsb, x.gen);
	if (!full && team) {
		r = scan_team(dfd, &old, team, &et);
		if (r == 1) {
			/* The members first: a torn entry sends us the long
			 * way before anything is reported. */
			for (i = 0; i < old.n; i++)
				if (old.e[i].code == 0 &&
				    take(&old.e[i], ul, &rc, badf, arg) != 0)
					break;
			if (i == old.n) {
				for (i = 0; i < old.n; i++)
					if (old.e[i].code != 0)
						take(&old.e[i], ul, &rc, badf, arg);
				goto sorted;
			}
		}
		/* Start again from the file: old holds the team's entries
		 * only, and index_entries() wants none. */
		index_free(&old);
		if (index_load_gen(st, &old, x.gen) != 0)
			memset(&old, 0, sizeof old);
		userlist_free(ul);
		rc = 0;
	}
	if (old.buf && index_entries(&old) != 0) {
		index_free(&old);
		memset(&old, 0, sizeof old);
	}
	full = full || old.buf == NULL;
	if (full) {
		if ((fatal = entries_from_dir(dfd, &old, &x)) != 0)
			goto out;
		changed = 1;
	} else
		scan_known(dfd, &old, &x, team, &et, &changed);
	if (refresh(dfd, &x) > 0)
		changed = 1;
	for (i = 0; i < x.n; i++) {
		struct ent *e = &x.e[i];
		if (team && e->code == 0 && !in_team(e->data, et.p, et.n))
			continue;
		if (take(e, ul, &rc, badf, arg) == 0)
			continue;
		/* A torn entry: read its file again. */
		e->stale = 1;
		refresh(dfd, &x);
		changed = 1;
		if (team && e->code == 0 && !in_team(e->data, et.p, et.n))
			continue;
		if (take(e, ul, &rc, badf, arg) != 0) {
			fatal = fail(RX_STORE, "users/%s: cannot be indexed",
			    e->name);
			goto out;
		}
	}
	if (changed)
		index_write(st, &x);
sorted:
	sort_users(ul);
out:
	close(dfd);
	free(et.p);
	/* Entries may point into old's text: free it with x. */
	x.buf = old.buf;
	x.len = old.len;
	x.lines = old.lines;
	x.nlines = old.nlines;
	old.buf = NULL;
	old.lines = NULL;
	old.nlines = 0;
	index_free(&old);
	index_free(&x);
	if (fatal)
		return fatal;
	return badf ? 0 : rc;
}

/* --- round robin over everyone -------------------------------------- */

/* An entry line of the index, for the walk. */
struct wline {
	char *line;
	const char *email;	/* escaped, in the line */
	size_t len;
};

static int
cmp_wline(const void *a, const void *b)
{
	const struct wline *x = a, *y = b;
	char *ux, *uy;
	size_t l;
	int c;

	if (memchr(x->email, '%', x->len) || memchr(y->email, '%', y->len)) {
		ux = pct_decode(x->email, x->len);
		uy = pct_decode(y->email, y->len);
		c = ux && uy ? strcmp(ux, uy) : 0;
		free(ux);
		free(uy);
		return c;
	}
	l = x->len < y->len ? x->len : y->len;
	if ((c = memcmp(x->email, y->email, l)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The entry lines of a loaded index with their addresses, in address
 * order; -1 if malformed. */
static int
walk_lines(struct index *x, struct wline **wp, size_t *np)
{
	char *p = x->buf + x->body, *end = x->buf + x->toff, *t, *f;
	const char *le, *nl;
	struct wline *w;
	size_t n = 0, i;
	int k;

	w = xcalloc((size_t)x->count + 1, sizeof *w);
	for (; p < end; p = (char *)nl + 1) {
		if (n == (size_t)x->count || line_at(x, (size_t)(p - x->buf),
		    x->toff, &le, &nl) != 0)
			goto bad;
		for (t = p, k = 0; k < 6 && t; k++)
			if ((t = memchr(t, '\t', (size_t)(le - t))) != NULL)
				t++;
		if (t == NULL)
			goto bad;
		w[n].line = p;
		w[n].email = t;
		f = memchr(t, '\t', (size_t)(le - t));
		w[n].len = (size_t)((f ? f : le) - t);
		n++;
	}
	if (n != (size_t)x->count)
		goto bad;
	for (i = 1; i < n; i++)
		if (cmp_wline(&w[i - 1], &w[i]) > 0)
			break;
	if (i < n)
		qsort(w, n, sizeof *w, cmp_wline);
	*wp = w;
	*np = n;
	return 0;
bad:
	free(w);
	return -1;
}

/* The first line whose address sorts after after. */
static size_t
walk_start(const struct wline *w, size_t n, const char *after)
{
	struct wline key;
	struct sbuf e = { 0 };
	size_t lo = 0, hi = n, mid;

	if (after == NULL)
		return 0;
	sbuf_esc(&e, after);
	key.email = e.p ? e.p : "";
	key.len = e.n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_wline(&w[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	free(e.p);
	return lo < n ? lo : 0;
}

/* Check the broken files the index lists (NULL: it lists none); 0 when
 * none changed since, -1 otherwise (the caller goes the long way). */
static int
walk_broken(struct index *x, int dfd, struct ent *bad, char **lines)
{
	size_t i;

	for (i = 0; i < x->nwant; i++) {
		lines[i] = line_copy(x, x->want[i], x->toff);
		if (parse_entry(lines[i], &bad[i]) != 0 || bad[i].code == 0 ||
		    recheck(dfd, &bad[i]) || bad[i].stale)
			return -1;
	}
	return 0;
}

/* Walk the index itself: 1 done, 0 when it cannot be trusted for this
 * (the caller then lists everyone).  Broken files are reported once the
 * walk is done, so that the long way does not report them twice. */
static int
walk_index(struct store *st, int dfd, const struct stat *dsb,
    const char *after, int (*pick)(const struct user *, void *),
    void (*badf)(int, void *), void *arg, int *rc)
{
	struct index x;
	struct wline *w = NULL;
	struct userlist one = { 0 };
	struct ent e, *bad = NULL;
	char *line = NULL, **blines = NULL;
	size_t n = 0, s, k;
	int done = 0, r;

	char gen[CACHE_GEN_SIZE];

	if (index_load(st, &x) != 0)
		return 0;
	cache_gen(st, USERS_AREA, gen);
	if (!index_current(st, &x, dsb, gen))
		goto out;
	/* Without bad(), a broken file is the listing of everyone's error. */
	if (index_listed(&x, NULL, 0) != 0 || (x.nwant > 0 && badf == NULL))
		goto out;
	bad = xcalloc(x.nwant + 1, sizeof *bad);
	blines = xcalloc(x.nwant + 1, sizeof *blines);
	if (walk_broken(&x, dfd, bad, blines) != 0)
		goto out;
	if (walk_lines(&x, &w, &n) != 0)
		goto out;
	s = walk_start(w, n, after);
	for (k = 0; k < n; k++) {
		memset(&e, 0, sizeof e);
		free(line);
		line = line_copy(&x, (size_t)(w[(s + k) % n].line - x.buf),
		    x.toff);
		if (parse_entry(line, &e) != 0)
			goto out;
		if (e.code != 0)
			continue;	/* one of the broken, checked above */
		if (recheck(dfd, &e) || e.stale ||
		    take(&e, &one, rc, NULL, NULL) != 0)
			goto out;	/* changed since: the long way */
		r = pick(&one.u[0], arg);
		userlist_free(&one);
		if (r)
			break;
	}
	for (k = 0; k < x.nwant; k++)
		take(&bad[k], &one, rc, badf, arg);
	done = 1;
out:
	free(line);
	userlist_free(&one);
	free(w);
	for (k = 0; blines && k < x.nwant; k++)
		free(blines[k]);
	free(blines);
	free(bad);
	index_free(&x);
	return done;
}

int
user_walk(struct store *st, const char *after,
    int (*pick)(const struct user *u, void *arg),
    void (*badf)(int, void *), void *arg)
{
	struct brieflist ul;
	struct stat dsb;
	size_t i, s;
	int dfd, rc = 0;

	if ((rc = users_open(st, &dfd, &dsb)) != 0 || dfd < 0)
		return rc;
	if (walk_index(st, dfd, &dsb, after, pick, badf, arg, &rc)) {
		close(dfd);
		return 0;
	}
	close(dfd);
	if ((rc = user_scan(st, NULL, &ul, badf, arg)) != 0) {
		brieflist_free(&ul);
		return rc;
	}
	for (s = 0; after && s < ul.n && strcmp(ul.b[s].u.email, after) <= 0;
	    s++)
		;
	if (s == ul.n)
		s = 0;
	for (i = 0; i < ul.n; i++)
		if (pick(&ul.b[(s + i) % ul.n].u, arg))
			break;
	brieflist_free(&ul);
	return 0;
}

/* A brief is a struct user in a wrapper of the same size, so that the
 * users a scan made become briefs without a copy. */
_Static_assert(sizeof(struct user_brief) == sizeof(struct user),
    "a brief is a user");

void
brieflist_add_users(struct brieflist *bl, struct userlist *ul)
{
	if (bl->n == 0) {
		free(bl->b);
		bl->b = (struct user_brief *)ul->u;
		bl->n = ul->n;
		bl->cap = ul->cap;
	} else {
		if (bl->n + ul->n > bl->cap) {
			bl->cap = bl->n + ul->n;
			bl->b = xrealloc(bl->b, bl->cap * sizeof *bl->b);
		}
		memcpy(bl->b + bl->n, ul->u, ul->n * sizeof *ul->u);
		bl->n += ul->n;
		free(ul->u);
	}
	memset(ul, 0, sizeof *ul);
}

void
brieflist_free(struct brieflist *bl)
{
	size_t i;

	for (i = 0; i < bl->n; i++)
		user_free(&bl->b[i].u);
	free(bl->b);
	memset(bl, 0, sizeof *bl);
}

int
user_scan(struct store *st, const char *team, struct brieflist *bl,
    void (*badf)(int, void *), void *arg)
{
	struct userlist ul;
	int rc;

	memset(bl, 0, sizeof *bl);
	rc = scan(st, team, &ul, badf, arg, 0);
	brieflist_add_users(bl, &ul);
	return rc;
}

int
uindex_rebuild(struct store *st)
{
	struct userlist ul;
	int rc;

	rc = scan(st, NULL, &ul, NULL, NULL, 1);
	userlist_free(&ul);
	return rc;
}
