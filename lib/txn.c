/* txn.c — staged changes, the intent journal, commit and recovery. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/util.h"
#include "cache.h"
#include "sbuf.h"

/* .lock's record; the journal of a store written before it. */
#define LOCK_MAGIC	"roster-lock 1"
#define JOURNAL_MAGIC	"roster-journal 1"

/* What a record says of a change: none (a store at rest), prepared (its
 * temporaries being written), committed. */
enum { CH_NONE, CH_PREPARE, CH_COMMIT };

/* What .lock held when it was read under the lock taken. */
enum {
	REC_NONE,	/* not read: no lock descriptor (a read-only store) */
	REC_EMPTY,	/* nothing: a new store, or one written before the record */
	REC_IDLE,	/* a store at rest */
	REC_PREPARE,	/* a change that never reached its commit point */
	REC_COMMIT,	/* a change committed, perhaps not applied */
	REC_TORN,	/* no whole record: a write of it cut short */
	REC_BAD		/* a whole record with a line not understood */
};

struct entry {
	char *rel;
	char *data;		/* NULL: a removal */
	size_t len;
	struct stat old;	/* the target before the change, when have */
	int have;		/* set by check_targets() */
};

struct hook {
	void (*fn)(struct store *, void *, int);
	void *arg;
};

/* A file as the writer saw it under the lock (txn_seen). */
struct seen {
	char *name;
	int found;
	struct stat sb;
};

/* How many are kept: enough for the top-level files and the users one
 * change adds; beyond, the commit looks for itself. */
#define SEEN_MAX 64

struct txn {
	struct entry *e;
	size_t n;
	struct hook *h;
	size_t nh;
	struct seen *seen;	/* SEEN_MAX of them, allocated when needed */
	size_t nseen;
};

/* A record (or a journal) read back: what step 4 needs. */
struct plan {
	char *tool, *time;
	long long audit_size;
	struct entry *e;	/* data unused; non-NULL marks a put */
	size_t n;
	const char *rows;	/* into the record's text */
	size_t nrows;
	int complete;		/* the end line is there and matches */
	size_t ecap;		/* e's room */
	size_t bad;		/* the first line not understood (1-based), 0 */
	int lockfmt;		/* a .lock record, not a .journal */
	int state;		/* CH_* */
	struct sbuf gen;	/* its generation: "AREA TOKEN\n" lines */
	char epoch[TXN_GEN_LEN + 1];	/* "" when it names none */
};

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define NCAUGHT (sizeof caught / sizeof caught[0])
static void parent_drop(void);
static void rec_reset(void);
static struct sigaction saved[NCAUGHT];
/* .lock as this command read it under the lock (one read per lock taken:
 * no other command writes it while the lock is held), and the generation
 * the store has, replaced by what this command's own commits write. */
static struct {
	int loaded, kind;	/* kind: REC_* */
	char *text;		/* the record read or last written */
	size_t len;
	char *gen;		/* "AREA TOKEN\n" lines */
	size_t genlen;
	char epoch[TXN_GEN_LEN + 1];
	int gen_known;		/* gen and epoch are a record's */
	int legacy_read, legacy;	/* .generation looked for, found */
	size_t badline;		/* REC_BAD: the line not understood */
} rec;
static volatile sig_atomic_t committed;
static int handlers_on;

/* --- signals -------------------------------------------------------------- */

static void
say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

/* Before the commit point nothing is on disk (temporaries exist only while
 * the signals are blocked), so leaving at once changes nothing. */
static void
on_signal(int sig)
{
	say(progname);
	say(sig == SIGINT ? ": interrupted (SIGINT); " : sig == SIGTERM ?
	    ": terminated (SIGTERM); " : ": hung up (SIGHUP); ");
	say(committed ? "the change was made\n" : "nothing was changed\n");
	_exit(128 + sig);
}

static void
signals_catch(void)
{
	struct sigaction sa;
	size_t i;

	if (handlers_on)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&sa.sa_mask, caught[i]);
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &sa, &saved[i]);
	handlers_on = 1;
}

static void
signals_restore(void)
{
	size_t i;

	if (!handlers_on)
		return;
	for (i = 0; i < NCAUGHT; i++)
		sigaction(caught[i], &saved[i], NULL);
	handlers_on = 0;
}

static void
signals_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < NCAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* 1 if one of the caught signals waits to be delivered. */
static int
signal_pending(void)
{
	sigset_t set;
	size_t i;

	sigpending(&set);
	for (i = 0; i < NCAUGHT; i++)
		if (sigismember(&set, caught[i]))
			return 1;
	return 0;
}

/* --- staging -------------------------------------------------------------- */

void
txn_begin(struct store *st)
{
	if (st->txn == NULL)
		st->txn = xcalloc(1, sizeof *st->txn);
	committed = 0;
	signals_catch();
}

void
txn_seen(struct store *st, const char *name, int found, const struct stat *sb)
{
	struct txn *t = st->txn;
	struct seen *v;

	if (t == NULL || t->nseen == SEEN_MAX)
		return;
	if (t->seen == NULL)
		t->seen = xcalloc(SEEN_MAX, sizeof *t->seen);
	v = &t->seen[t->nseen++];
	v->name = xstrdup(name);
	v->found = found;
	if (found)
		v->sb = *sb;
}

/* What txn_seen() kept of rel: 0 and *r (0 there, -1 not) and *sb, or -1
 * when nothing is kept. */
static int
seen_get(const struct txn *t, const char *rel, int *r, struct stat *sb)
{
	size_t i;

	for (i = 0; i < t->nseen; i++)
		if (strcmp(t->seen[i].name, rel) == 0) {
			*r = t->seen[i].found ? 0 : -1;
			if (t->seen[i].found)
				*sb = t->seen[i].sb;
			return 0;
		}
	return -1;
}

static void
seen_forget(struct txn *t)
{
	size_t i;

	for (i = 0; i < t->nseen; i++)
		free(t->seen[i].name);
	t->nseen = 0;
}

/* A path the journal can hold on one line and fileio accepts. */
static int
rel_storable(const char *rel)
{
	static const char *const own[] = { TXN_LOCK, TXN_JOURNAL,
	    TXN_JOURNAL_TMP, ".cache" };
	size_t i, n = strcspn(rel, "/");

	/* The store's own files are never a change's: a record that names
	 * them (made by hand) must not unlink the lock it is held by. */
	for (i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strlen(own[i]) == n && memcmp(rel, own[i], n) == 0)
			return 0;
	return file_rel_ok(rel) && strpbrk(rel, " \t\r\n") == NULL;
}

static int
stage(struct store *st, const char *rel, const char *data, size_t len)
{
	struct txn *t = st->txn;
	struct entry *e;
	size_t i;

	if (t == NULL)
		return fail(RX_STORE, "%s: internal: no transaction", rel);
	if (!rel_storable(rel))
		return fail(RX_STORE, "%s: not a path inside the store", rel);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->e[i].rel, rel) == 0)
			break;
	if (i == t->n) {
		t->e = xrealloc(t->e, (t->n + 1) * sizeof *t->e);
		memset(&t->e[t->n], 0, sizeof *t->e);
		t->e[t->n].rel = xstrdup(rel);
		t->n++;
	} else
		free(t->e[i].data);
	e = &t->e[i];
	e->data = NULL;
	e->len = len;
	if (data != NULL) {
		e->data = xmalloc(len + 1);
		memcpy(e->data, data, len);
		e->data[len] = '\0';
	}
	return 0;
}

int
txn_put(struct store *st, const char *rel, const char *data, size_t len)
{
	return stage(st, rel, data ? data : "", data ? len : 0);
}

int
txn_remove(struct store *st, const char *rel)
{
	return stage(st, rel, NULL, 0);
}

void
txn_after(struct store *st, void (*fn)(struct store *, void *, int),
    void *arg)
{
	struct txn *t = st->txn;

	if (t == NULL) {
		fn(st, arg, 0);
		return;
	}
	t->h = xrealloc(t->h, (t->nh + 1) * sizeof *t->h);
	t->h[t->nh].fn = fn;
	t->h[t->nh].arg = arg;
	t->nh++;
}

static void
entries_free(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].rel);
		free(e[i].data);
	}
	free(e);
}

/* Empty t, running the hooks with committed. */
static void
txn_clear(struct store *st, int ok)
{
	struct txn *t = st->txn;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nh; i++)
		t->h[i].fn(st, t->h[i].arg, ok);
	free(t->h);
	t->h = NULL;
	t->nh = 0;
	entries_free(t->e, t->n);
	t->e = NULL;
	t->n = 0;
	/* A commit replaces files: what was seen of them no longer holds. */
	seen_forget(t);
	file_seen_forget();
}

/* Drop everything staged and every queued audit row. */
static void
txn_abort(struct store *st)
{
	txn_clear(st, 0);
	audit_drop();
}

void
txn_end(struct store *st)
{
	parent_drop();
	file_seen_forget();
	/* The store's lock goes next: what we know of .lock with it. */
	rec_reset();
	if (st->txn != NULL) {
		txn_abort(st);
		free(st->txn->seen);
		free(st->txn);
		st->txn = NULL;
	}
	/* After a commit the handler stays: a signal while the command
	 * ends must still say that the change was made. */
	if (!committed)
		signals_restore();
}

/* --- the lock record's text ------------------------------------------------ */

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The text of a .lock record: the generation (gen, "AREA TOKEN\n" lines,
 * and epoch), and with state CH_PREPARE or CH_COMMIT the change t: its
 * tool, time, audit.csv's size, a line per file and (commit) the audit
 * rows; an end line with the length and hash of all before it. */
static char *
record_text(const char *gen, size_t genlen, const char *epoch, int state,
    const struct txn *t, const char *ts, long long asize, const char *rows,
    size_t nrows, size_t *len)
{
	const char *l, *nl;
	char *buf = NULL;
	size_t n = 0, i;
	FILE *fp;

	fp = open_memstream(&buf, &n);
	if (fp == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(RX_STORE);
	}
	fprintf(fp, "%s\n", LOCK_MAGIC);
	if (*epoch != '\0')
		fprintf(fp, "epoch %s\n", epoch);
	for (l = gen; l < gen + genlen; l = nl + 1) {
		if ((nl = memchr(l, '\n', genlen - (size_t)(l - gen))) == NULL)
			break;
		fprintf(fp, "gen %.*s\n", (int)(nl - l), l);
	}
	if (state != CH_NONE) {
		fprintf(fp, "change %s\ntool %s\ntime %s\naudit-size %lld\n",
		    state == CH_COMMIT ? "commit" : "prepare", progname, ts,
		    asize);
		for (i = 0; i < t->n; i++)
			fprintf(fp, "%s %s\n", t->e[i].data ? "put" : "del",
			    t->e[i].rel);
	}
	if (state != CH_COMMIT)
		nrows = 0;
	fprintf(fp, "rows %zu\n", nrows);
	if (nrows > 0)
		fwrite(rows, 1, nrows, fp);
	fflush(fp);
	fprintf(fp, "end %zu %016llx\n", n,
	    (unsigned long long)fnv1a(buf, n));
	fclose(fp);
	*len = n;
	return buf;
}

/* The next line of text[*off..len) without its newline; NULL at the end or
 * when the last line has no newline. */
static char *
next_line(const char *text, size_t len, size_t *off)
{
	const char *s = text + *off, *nl;

	if (*off >= len)
		return NULL;
	nl = memchr(s, '\n', len - *off);
	if (nl == NULL)
		return NULL;
	*off += (size_t)(nl - s) + 1;
	return xstrndup(s, (size_t)(nl - s));
}

static void
plan_free(struct plan *p)
{
	entries_free(p->e, p->n);
	free(p->tool);
	free(p->time);
	free(p->gen.p);
	memset(p, 0, sizeof *p);
}

/* 1 if s is TXN_GEN_LEN hexadecimal digits. */
static int
is_token(const char *s)
{
	return strlen(s) == TXN_GEN_LEN && strspn(s, "0123456789abcdef") ==
	    TXN_GEN_LEN;
}

/* "gen AREA TOKEN": the area a plain name, the token 16 hex digits. */
static int
plan_gen(struct plan *p, const char *s)
{
	const char *sp = strrchr(s, ' ');

	if (sp == NULL || sp == s || !is_token(sp + 1) ||
	    strcspn(s, " /\t") != (size_t)(sp - s))
		return -1;
	sbuf_str(&p->gen, s);
	sbuf_str(&p->gen, "\n");
	return 0;
}

/* s as a decimal number of up to 18 digits, nothing else: 0, or -1. */
static int
digits(const char *s, unsigned long long *v)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 18 || s[n] != '\0')
		return -1;
	*v = strtoull(s, NULL, 10);
	return 0;
}

static int
plan_line(struct plan *p, const char *line)
{
	unsigned long long v;
	const char *rel;

	if (strncmp(line, "tool ", 5) == 0 && p->tool == NULL)
		p->tool = xstrdup(line + 5);
	else if (strncmp(line, "time ", 5) == 0 && p->time == NULL)
		p->time = xstrdup(line + 5);
	else if (strncmp(line, "audit-size ", 11) == 0) {
		if (digits(line + 11, &v) != 0)
			return -1;
		p->audit_size = (long long)v;
	}
	else if (p->lockfmt && strncmp(line, "epoch ", 6) == 0 &&
	    is_token(line + 6))
		memcpy(p->epoch, line + 6, TXN_GEN_LEN + 1);
	else if (p->lockfmt && strncmp(line, "gen ", 4) == 0)
		return plan_gen(p, line + 4);
	else if (p->lockfmt && strcmp(line, "change commit") == 0)
		p->state = CH_COMMIT;
	else if (p->lockfmt && strcmp(line, "change prepare") == 0)
		p->state = CH_PREPARE;
	else if (strncmp(line, "put ", 4) == 0 || strncmp(line, "del ", 4) == 0) {
		rel = line + 4;
		if (!rel_storable(rel))
			return -1;
		if (p->n == p->ecap) {
			p->ecap = p->ecap ? 2 * p->ecap : 16;
			p->e = xrealloc(p->e, p->ecap * sizeof *p->e);
		}
		memset(&p->e[p->n], 0, sizeof *p->e);
		p->e[p->n].rel = xstrdup(rel);
		p->e[p->n].data = line[0] == 'p' ? xstrdup("") : NULL;
		p->e[p->n].len = 0;
		p->n++;
	} else
		return -1;
	return 0;
}

/* 1 if line is "end LEN HASH" with LEN the decimal off and HASH the 16
 * lowercase hex digits of the FNV-1a of text[0..off). */
static int
end_line_ok(const char *line, const char *text, size_t off)
{
	char want[64];

	snprintf(want, sizeof want, "end %zu %016llx", off,
	    (unsigned long long)fnv1a(text, off));
	return strcmp(line, want) == 0;
}

/* Read a record's text (.lock) or a journal's (.journal of a store
 * written before the lock record) into p.  Every whole line before the
 * rows that reads counts (rollback needs the temporaries even of a torn
 * one); p->complete says whether the end line is there and matches;
 * p->bad names the first line that does not read (a NUL byte, a word
 * not known, a number that is not one).  In .lock, bytes after the end
 * line are what is left of a longer record.  -1: not a record at all. */
static int
plan_parse(const char *text, size_t len, struct plan *p)
{
	unsigned long long v;
	size_t off = 0, endoff, no = 1;
	const char *nul;
	char *line;

	memset(p, 0, sizeof *p);
	line = next_line(text, len, &off);
	if (line != NULL && strcmp(line, LOCK_MAGIC) == 0)
		p->lockfmt = 1;
	else if (line == NULL || strcmp(line, JOURNAL_MAGIC) != 0) {
		free(line);
		return -1;
	}
	free(line);
	while ((line = next_line(text, len, &off)) != NULL) {
		no++;
		if (strncmp(line, "rows ", 5) != 0) {
			if (plan_line(p, line) != 0 && p->bad == 0)
				p->bad = no;
			free(line);
			continue;
		}
		if (digits(line + 5, &v) != 0 || v > len - off) {
			free(line);
			if (p->bad == 0)
				p->bad = no;
			return 0;
		}
		free(line);
		p->nrows = (size_t)v;
		p->rows = text + off;
		off += p->nrows;
		endoff = off;
		line = next_line(text, len, &off);
		if (line != NULL && (off == len || p->lockfmt) &&
		    end_line_ok(line, text, endoff))
			p->complete = 1;
		free(line);
		/* A NUL byte would have cut a line short unseen. */
		if ((nul = memchr(text, '\0', endoff)) != NULL && p->bad == 0) {
			p->bad = 1;
			for (; nul > text; nul--)
				p->bad += nul[-1] == '\n';
		}
		return 0;
	}
	return 0;
}

/* --- applying ------------------------------------------------------------- */

/* The directory of the last path a commit or a recovery worked in below
 * the top, kept open until parent_drop(): a change's files are nearly all
 * in one directory (users/), and each open of it is a round trip on a
 * network file system.  Directories are never replaced under the lock. */
static struct {
	int dfd, fd;
	char *dir;
	int have_sb;
	struct stat sb;
} parent = { -1, -1, NULL, 0, { 0 } };

static void
parent_drop(void)
{
	if (parent.fd >= 0)
		close(parent.fd);
	free(parent.dir);
	parent.fd = parent.dfd = -1;
	parent.dir = NULL;
	parent.have_sb = 0;
}

/* 1 if rel[0..n) is one of the directories of a store's layout. */
static int
layout_dir(const char *rel, size_t n)
{
	static const char *const dirs[] = { "users", "removed", "outbox" };
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (strlen(dirs[i]) == n && memcmp(rel, dirs[i], n) == 0)
			return 1;
	return 0;
}

/* file_parent(), but the descriptor is borrowed: the caller does not
 * close it.  make: a missing directory of the layout is made (a change
 * writes into it); else a missing one is ENOENT. */
static int
parent_get(int dfd, const char *rel, const char **name, int make)
{
	const char *s = strrchr(rel, '/');
	size_t n;

	if (!file_rel_ok(rel)) {
		errno = EINVAL;
		return -1;
	}
	if (s == NULL) {
		*name = rel;
		return dfd;
	}
	n = (size_t)(s - rel);
	if (parent.fd >= 0 && parent.dfd == dfd &&
	    strlen(parent.dir) == n && memcmp(parent.dir, rel, n) == 0) {
		*name = s + 1;
		return parent.fd;
	}
	parent_drop();
	parent.fd = file_parent(dfd, rel, name);
	if (parent.fd < 0 && errno == ENOENT && make && layout_dir(rel, n)) {
		/* store_open does not look for the store's directories
		 * (round trips): one is made when a change first needs it. */
		char *dir = xstrndup(rel, n);
		int rc = dir_ensure(dfd, dir);
		free(dir);
		if (rc != 0) {
			errno = errno == ENOENT || errno == 0 ? ENOTDIR : errno;
			return -1;
		}
		parent.fd = file_parent(dfd, rel, name);
	}
	if (parent.fd < 0)
		return -1;
	parent.dfd = dfd;
	parent.dir = xstrndup(rel, n);
	return parent.fd;
}

static int
parent_of(int dfd, const char *rel, const char **name)
{
	return parent_get(dfd, rel, name, 1);
}

/* The stat of the directory parent_of() last gave (fd), taken once while
 * it is kept: the mode and group of the new files made in it. */
static const struct stat *
parent_stat(int fd)
{
	if (fd != parent.fd)
		return NULL;
	if (!parent.have_sb && fstat(fd, &parent.sb) != 0)
		return NULL;
	parent.have_sb = 1;
	return &parent.sb;
}

/* One look at rel through the kept directory; ESTALE (the directory
 * replaced on another host) opens it again by path, once. */
static int
look_once(int dfd, const char *rel, struct stat *sb, int again)
{
	const char *name;
	int pfd, r;

	pfd = parent_get(dfd, rel, &name, 0);
	if (pfd < 0)
		return -1;
	r = fstatat(pfd, name, sb, AT_SYMLINK_NOFOLLOW);
	if (r != 0 && errno == ESTALE && again && pfd != dfd) {
		parent_drop();
		return look_once(dfd, rel, sb, 0);
	}
	return r;
}

int
txn_exists(struct store *st, const char *rel)
{
	struct stat sb;
	int r;

	if (st->txn == NULL)
		return -1;
	if (seen_get(st->txn, rel, &r, &sb) == 0)
		return r == 0;
	if (look_once(st->dfd, rel, &sb, 1) == 0) {
		txn_seen(st, rel, 1, &sb);
		return 1;
	}
	if (errno != ENOENT)
		return -1;
	txn_seen(st, rel, 0, NULL);
	return 0;
}

/* Rename DIR/.NAME.txn over DIR/NAME; a missing temporary was renamed by an
 * earlier pass. */
static int
apply_put(int dfd, const char *rel)
{
	const char *name;
	struct stat sb;
	char *tmp;
	int pfd, r, rc = 0;

	pfd = parent_of(dfd, rel, &name);
	if (pfd < 0)
		return fail_errno(RX_STORE, "%s", rel);
	tmp = xasprintf(TXN_TMP_PREFIX "%s" TXN_TMP_SUFFIX, name);
	r = renameat(pfd, tmp, pfd, name);
	if (r != 0 && errno != ENOENT)
		rc = fail_errno(RX_STORE, "%s", rel);
	else if (r != 0 && fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno == ENOENT)
		/* Neither there nor renamed: removed by hand, or lost. */
		warnmsg("%s: its temporary %s is gone: this file of the "
		    "change was not made", rel, tmp);
	free(tmp);
	return rc;
}

static int
apply_del(int dfd, const char *rel)
{
	const char *name;
	int pfd, rc = 0;

	pfd = parent_of(dfd, rel, &name);
	if (pfd < 0)
		return errno == ENOENT ? 0 : fail_errno(RX_STORE, "%s", rel);
	if (unlinkat(pfd, name, 0) != 0 && errno != ENOENT)
		rc = fail_errno(RX_STORE, "%s", rel);
	return rc;
}

/* pwrite all of p[0..n) at off. */
static int
pwrite_all(int fd, const char *p, size_t n, off_t off)
{
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* audit.csv as the commit opened it (audit_size()), kept for step 4: its
 * open and stat again would be two more round trips on a network file
 * system.  fd -1: not open. */
struct auditfd {
	int fd;
	struct stat sb;
};

/* Cut audit.csv back to the size it had at the commit (what is beyond is
 * a torn or repeated tail of this very change) and append the rows; af:
 * the file as the commit opened it, or NULL (a recovery opens it).
 * shared: syncfs() reaches no server, so the file is synced itself. */
static int
apply_audit(int dfd, long long size, const char *rows, size_t n,
    const struct auditfd *af, int shared)
{
	struct stat sb;
	int fd, rc = 0;

	if (n == 0)
		return 0;
	if (af != NULL && af->fd >= 0) {
		if (af->sb.st_size > size && ftruncate(af->fd, (off_t)size) != 0)
			return fail_errno(RX_STORE, AUDIT_FILE);
		if (pwrite_all(af->fd, rows, n, (off_t)size) != 0 ||
		    (shared && fdatasync(af->fd) != 0))
			return fail_errno(RX_STORE, AUDIT_FILE);
		return 0;
	}
	fd = file_open_stat(dfd, AUDIT_FILE, O_WRONLY, &sb);
	if (fd < 0 && errno == ENOENT && (fd = openat(dfd, AUDIT_FILE,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0 &&
	    (file_create_mode(fd, dfd, NULL) != 0 || fstat(fd, &sb) != 0)) {
		close(fd);
		return fail_errno(RX_STORE, AUDIT_FILE);
	}
	if (fd < 0)
		return fail_errno(RX_STORE, AUDIT_FILE);
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(RX_STORE, AUDIT_FILE ": not a regular file");
	}
	if (sb.st_size > size && ftruncate(fd, (off_t)size) != 0)
		rc = fail_errno(RX_STORE, AUDIT_FILE);
	else if (lseek(fd, 0, SEEK_END) < 0 || file_write_all(fd, rows, n) != 0 ||
	    (shared && fdatasync(fd) != 0))
		rc = fail_errno(RX_STORE, AUDIT_FILE);
	close(fd);
	return rc;
}

static int
sync_store(int dfd)
{
	if (syncfs(dfd) != 0)
		return fail_errno(RX_STORE, "syncing the store");
	return 0;
}

/* Step 4: every rename and unlink, the audit rows, one sync; a journal of
 * a store written before the lock record (legacy) is removed then.  Each
 * part may be done again. */
static int
apply_plan(int dfd, const struct plan *p, const struct auditfd *af,
    int shared, int legacy)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->n; i++)
		rc = p->e[i].data ? apply_put(dfd, p->e[i].rel) :
		    apply_del(dfd, p->e[i].rel);
	if (rc == 0)
		rc = apply_audit(dfd, p->audit_size, p->rows, p->nrows, af,
		    shared);
	if (rc == 0)
		rc = sync_store(dfd);
	if (rc == 0 && legacy && unlinkat(dfd, TXN_JOURNAL, 0) != 0 &&
	    errno != ENOENT)
		rc = fail_errno(RX_STORE, TXN_JOURNAL);
	return rc;
}

/* Remove the temporaries p lists (and a legacy incomplete journal): how
 * many there were. */
static size_t
discard_plan(int dfd, const struct plan *p, int legacy)
{
	const char *name;
	char *tmp;
	size_t i, n = 0;
	int pfd;

	for (i = 0; i < p->n; i++) {
		if (p->e[i].data == NULL)
			continue;
		pfd = parent_of(dfd, p->e[i].rel, &name);
		if (pfd < 0)
			continue;
		tmp = xasprintf(TXN_TMP_PREFIX "%s" TXN_TMP_SUFFIX, name);
		if (unlinkat(pfd, tmp, 0) == 0)
			n++;
		free(tmp);
	}
	if (legacy)
		unlinkat(dfd, TXN_JOURNAL_TMP, 0);
	return n;
}

/* --- the lock record ------------------------------------------------------- */

/* Read all of .lock through the descriptor the lock is held by.  On a
 * shared file system the pages this host cached of it are dropped first
 * (another host may have written it since: the lock does not say so to
 * every client's page cache). */
static int
lock_read(struct store *st, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap + 1);
	ssize_t r;

	if (cache_shared(st))
		(void)posix_fadvise(st->lockfd, 0, 0, POSIX_FADV_DONTNEED);
	for (;;) {
		r = pread(st->lockfd, buf + n, cap - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return fail_errno(RX_STORE, "%s", TXN_LOCK);
		}
		n += (size_t)r;
		/* A short read is the end: nobody writes .lock while we
		 * hold the lock. */
		if (r == 0 || n < cap)
			break;
		cap *= 2;
		buf = xrealloc(buf, cap + 1);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Replace .lock's content with text: pwrite, ftruncate when it was
 * longer (trunc), fdatasync (sync).  0 or -1 with errno set. */
static int
lock_write(struct store *st, const char *text, size_t len, int trunc,
    int sync)
{
	if (pwrite_all(st->lockfd, text, len, 0) != 0)
		return -1;
	if (trunc && ftruncate(st->lockfd, (off_t)len) != 0)
		return -1;
	if (sync && fdatasync(st->lockfd) != 0)
		return -1;
	return 0;
}

/* rec: what .lock held as this lock was taken, and the generation. */
static void
rec_set_gen(const char *gen, size_t len, const char *epoch)
{
	char *g = xstrndup(gen ? gen : "", gen ? len : 0);
	char e[TXN_GEN_LEN + 1];

	snprintf(e, sizeof e, "%s", epoch);
	free(rec.gen);
	rec.gen = g;
	rec.genlen = gen ? len : 0;
	memcpy(rec.epoch, e, sizeof e);
}

static void
rec_set_text(char *text, size_t len)
{
	free(rec.text);
	rec.text = text;
	rec.len = len;
}

static void
rec_reset(void)
{
	free(rec.text);
	free(rec.gen);
	memset(&rec, 0, sizeof rec);
}

/* Read .lock once per lock taken: rec.kind says what it holds. */
static int
rec_load(struct store *st)
{
	struct plan p;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (rec.loaded)
		return 0;
	rec_reset();
	rec.loaded = 1;
	if (st->lockfd < 0) {
		rec.kind = REC_NONE;
		return 0;
	}
	if ((rc = lock_read(st, &text, &len)) != 0) {
		rec.kind = REC_TORN;
		return rc;
	}
	rec_set_text(text, len);
	if (len == 0) {
		rec.kind = REC_EMPTY;
		return 0;
	}
	if (plan_parse(text, len, &p) != 0 || !p.complete || !p.lockfmt)
		rec.kind = REC_TORN;
	else if (p.bad != 0) {
		rec.kind = REC_BAD;
		rec.badline = p.bad;
	} else {
		rec.kind = p.state == CH_COMMIT ? REC_COMMIT :
		    p.state == CH_PREPARE ? REC_PREPARE : REC_IDLE;
		rec_set_gen(p.gen.p, p.gen.n, p.epoch);
		rec.gen_known = 1;
	}
	plan_free(&p);
	return 0;
}

/* Write the record of a store at rest with the generation gen and epoch
 * (no epoch yet: a new one): .lock cut to it and synced, so that no
 * older record can come back. */
static int
rec_idle(struct store *st, const char *gen, size_t genlen, const char *epoch)
{
	char fresh[TXN_GEN_LEN + 1], *text;
	size_t len;

	if (*epoch == '\0') {
		snprintf(fresh, sizeof fresh, "%016llx", cache_random());
		epoch = fresh;
	}
	text = record_text(gen, genlen, epoch, CH_NONE, NULL, NULL, 0, NULL, 0,
	    &len);
	/* What this command knows from now on, written or not: a second
	 * change of it must build on this generation. */
	rec_set_gen(gen, genlen, epoch);
	rec_set_text(text, len);
	rec.kind = REC_IDLE;
	rec.gen_known = 1;
	if (lock_write(st, text, len, 1, 1) != 0)
		return fail_errno(RX_STORE, "%s", TXN_LOCK);
	return 0;
}
/* --- generations ---------------------------------------------------------- */

/* The part of the store rel belongs to: its first component ("users",
 * "records.csv"), len bytes of it. */
static size_t
area_len(const char *rel)
{
	return strcspn(rel, "/");
}

/* The generation lines ("AREA TOKEN\n") the store has now: .lock's
 * record, or in a store whose .lock holds none yet, its .generation (what
 * roster wrote before the lock record; "" when there is none). */
static const char *
gen_current(struct store *st, size_t *len)
{
	char *text;
	size_t n;
	struct stat sb;
	int rc;

	(void)rec_load(st);
	if ((rec.kind == REC_EMPTY || rec.kind == REC_NONE) &&
	    !rec.legacy_read) {
		rec.legacy_read = 1;
		rc = file_read_stat(st->dfd, TXN_GEN, NULL, &text, &n, &sb);
		/* What was seen is what the commit that removes it needs
		 * to know (one round trip fewer). */
		if (rc == 0 || rc == RX_NOTFOUND)
			txn_seen(st, TXN_GEN, rc == 0, &sb);
		if (rc == 0) {
			rec.legacy = 1;
			rec_set_gen(text, n, "");
			free(text);
		}
	}
	*len = rec.genlen;
	return rec.gen ? rec.gen : "";
}

/* 1 if the line l (without its newline) is "AREA TOKEN" for area a. */
static int
gen_line_is(const char *l, size_t ll, const char *a, size_t al)
{
	return ll == al + 1 + TXN_GEN_LEN && memcmp(l, a, al) == 0 &&
	    l[al] == ' ';
}

/* 1 if t stages a file of the area a (al bytes) before entry i. */
static int
area_seen(const struct txn *t, size_t i, const char *a, size_t al)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (area_len(t->e[k].rel) == al &&
		    memcmp(t->e[k].rel, a, al) == 0)
			return 1;
	return 0;
}

/* 1 if t stages a file of the area l (ll bytes). */
static int
area_touched(const struct txn *t, const char *l, size_t ll)
{
	return area_seen(t, t->n, l, ll);
}

/* The generation after t into b and epoch: a new token for every part of
 * the store t changes, the old line of every other part; the epoch kept,
 * or new when the old generation is not known (a torn record) or came
 * from a .generation file, which goes with this change. */
static int
stage_generation(struct store *st, struct sbuf *b, char *epoch)
{
	struct txn *t = st->txn;
	const char *l, *nl, *sp, *old;
	char tok[TXN_GEN_LEN + 2];
	size_t len = 0, i, al, n;
	int rc;

	old = gen_current(st, &len);
	if (rec.gen_known && rec.epoch[0] != '\0')
		memcpy(epoch, rec.epoch, TXN_GEN_LEN + 1);
	else
		snprintf(epoch, TXN_GEN_LEN + 1, "%016llx", cache_random());
	if (t->n > 0 && rec.legacy && (rc = txn_remove(st, TXN_GEN)) != 0)
		return rc;
	n = t->n;
	for (l = old; l < old + len; l = nl + 1) {
		if ((nl = memchr(l, '\n', len - (size_t)(l - old))) == NULL)
			break;
		sp = memchr(l, ' ', (size_t)(nl - l));
		if (sp == NULL || sp == l || !gen_line_is(l, (size_t)(nl - l), l,
		    (size_t)(sp - l)) || area_touched(t, l, (size_t)(sp - l)))
			continue;
		sbuf_add(b, l, (size_t)(nl - l) + 1);
	}
	for (i = 0; i < n; i++) {
		al = area_len(t->e[i].rel);
		if (strcmp(t->e[i].rel, TXN_GEN) == 0 ||
		    area_seen(t, i, t->e[i].rel, al))
			continue;
		sbuf_add(b, t->e[i].rel, al);
		snprintf(tok, sizeof tok, " %016llx", cache_random());
		sbuf_str(b, tok);
		sbuf_str(b, "\n");
	}
	return 0;
}

void
txn_generation(struct store *st, const char *area, char *tok)
{
	const char *l, *nl, *text;
	size_t len, al = strlen(area);

	text = gen_current(st, &len);
	if (rec.kind == REC_TORN) {
		/* Not known: a token nothing was made from. */
		snprintf(tok, TXN_GEN_LEN + 1, "%016llx", cache_random());
		return;
	}
	strcpy(tok, rec.epoch[0] != '\0' ? rec.epoch : "-");
	for (l = text; l < text + len; l = nl + 1) {
		if ((nl = memchr(l, '\n', len - (size_t)(l - text))) == NULL)
			break;
		if (gen_line_is(l, (size_t)(nl - l), area, al)) {
			memcpy(tok, l + al + 1, TXN_GEN_LEN);
			tok[TXN_GEN_LEN] = '\0';
			break;
		}
	}
}

/* --- commit --------------------------------------------------------------- */

/* audit.csv's size, cut back to its last whole row when the last one is
 * torn (a row with no newline would glue onto ours); af gets it open for
 * writing (fd -1 when there is none yet). */
static long long
audit_size(int dfd, struct auditfd *af)
{
	char last, *text;
	size_t len;
	const char *nl;
	ssize_t r;

	af->fd = file_open_stat(dfd, AUDIT_FILE, O_RDWR, &af->sb);
	if (af->fd < 0 && errno == ENOENT)
		return 0;
	/* Any other failure must stop the change: the size recorded in the
	 * journal is where roll-forward cuts audit.csv back to. */
	if (af->fd < 0 && errno == ELOOP)
		return fail(RX_STORE, AUDIT_FILE ": is a symbolic link; "
		    "nothing written"), -1;
	if (af->fd < 0 && errno != EISDIR && errno != ENXIO)
		return fail_errno(RX_STORE, AUDIT_FILE), -1;
	if (af->fd < 0 || !S_ISREG(af->sb.st_mode))
		return fail(RX_STORE, AUDIT_FILE ": not a regular file; "
		    "nothing written"), -1;
	if (file_links_ok(&af->sb, AUDIT_FILE) != 0)
		return -1;
	r = af->sb.st_size == 0 ? 0 : pread(af->fd, &last, 1,
	    af->sb.st_size - 1);
	if (r < 0)
		return fail_errno(RX_STORE, AUDIT_FILE), -1;
	if (r == 0 || last == '\n')
		return (long long)af->sb.st_size;
	if (file_read(dfd, AUDIT_FILE, &text, &len) != 0)
		return -1;
	nl = len > 1 ? memrchr(text, '\n', len - 1) : NULL;
	warnmsg(AUDIT_FILE ": dropped a torn last row (%zu bytes with no "
	    "newline)", len - (nl ? (size_t)(nl - text) + 1 : 0));
	len = nl ? (size_t)(nl - text) + 1 : 0;
	free(text);
	return (long long)len;
}

/* Before the commit point: every target a regular file or absent, its
 * directory there (what fails after the commit point would stop every
 * command until put right); audit.csv was checked by audit_size(). */
static int
check_targets(int dfd, struct txn *t)
{
	const char *name;
	struct stat sb;
	size_t i;
	int pfd, r;

	for (i = 0; i < t->n; i++) {
		if (seen_get(t, t->e[i].rel, &r, &sb) != 0 &&
		    (r = file_seen(dfd, t->e[i].rel, &sb)) != 0) {
			pfd = parent_of(dfd, t->e[i].rel, &name);
			if (pfd < 0)
				return fail_errno(RX_STORE, "%s", t->e[i].rel);
			r = fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW);
		}
		/* Kept for write_file(): one lookup fewer per file, each a
		 * round trip on a network file system. */
		t->e[i].have = r == 0 && S_ISREG(sb.st_mode);
		t->e[i].old = sb;
		if (r == 0 && !S_ISREG(sb.st_mode))
			return fail(RX_STORE, "%s: %s; not replaced", t->e[i].rel,
			    S_ISLNK(sb.st_mode) ? "is a symbolic link" :
			    "not a regular file");
		if (r == 0 && t->e[i].data != NULL &&
		    file_links_ok(&sb, t->e[i].rel) != 0)
			return RX_STORE;
	}
	return 0;
}

/* Write name in dirfd with the mode and group of the file it will replace
 * (old, when it exists: NULL else), else of the directory (dsb, its stat;
 * NULL: not known yet) (file_create_at).  how: O_TRUNC, or O_EXCL: then
 * -1 with nothing recorded when name exists.  sync: fdatasync it (a
 * shared file system, where syncfs() reaches no server). */
static int
write_file(int dirfd, const char *name, int how, const struct stat *old,
    const struct stat *dsb, const char *shown, const char *data, size_t len,
    int sync)
{
	int fd;

	fd = file_create_at(dirfd, name, O_WRONLY | how | O_NONBLOCK, old,
	    dsb);
	if (fd < 0 && errno == EEXIST && (how & O_EXCL))
		return -1;
	if (fd < 0 && (errno == EPERM || errno == EACCES) &&
	    faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return fail_errno(RX_STORE, "%s: cannot keep its mode and "
		    "group", shown);
	if (fd < 0)
		return fail_errno(RX_STORE, "%s", shown);
	if (file_write_all(fd, data, len) != 0 || (sync && fdatasync(fd) != 0)) {
		fail_errno(RX_STORE, "%s", shown);
		close(fd);
		return RX_STORE;
	}
	if (close(fd) != 0)
		return fail_errno(RX_STORE, "%s", shown);
	return 0;
}

static int
write_temps(int dfd, const struct stat *dsb, const struct txn *t, int sync)
{
	const char *name;
	char *tmp;
	size_t i;
	int pfd, rc = 0;

	for (i = 0; rc == 0 && i < t->n; i++) {
		if (t->e[i].data == NULL)
			continue;
		pfd = parent_of(dfd, t->e[i].rel, &name);
		if (pfd < 0)
			return fail_errno(RX_STORE, "%s", t->e[i].rel);
		tmp = xasprintf(TXN_TMP_PREFIX "%s" TXN_TMP_SUFFIX, name);
		rc = write_file(pfd, tmp, O_TRUNC,
		    t->e[i].have ? &t->e[i].old : NULL,
		    pfd == dfd ? dsb : t->e[i].have ? NULL : parent_stat(pfd),
		    t->e[i].rel, t->e[i].data,
		    t->e[i].len, sync);
		free(tmp);
	}
	return rc;
}

static int
has_puts(const struct txn *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].data != NULL)
			return 1;
	return 0;
}

/* .lock back to what it held before this change began. */
static void
rec_restore(struct store *st)
{
	(void)lock_write(st, rec.text ? rec.text : "", rec.len, 1, 0);
}

/* Steps 1-3: the record of the change being prepared (only when it has
 * temporaries: it names them for a rollback), the temporaries, one sync,
 * and the record of the change committed, synced: the commit point.  On
 * failure, or a signal waiting, everything is taken back. */
static int
prepare(struct store *st, const char *ptext, size_t plen, const char *ctext,
    size_t clen, struct plan *p)
{
	int rc, wrote = 0;

	memset(p, 0, sizeof *p);
	if (plan_parse(ctext, clen, p) != 0 || !p->complete || p->bad ||
	    p->state != CH_COMMIT)
		return fail(RX_STORE, "internal: the change's record does not "
		    "read back");
	if ((rc = check_targets(st->dfd, st->txn)) != 0)
		return rc;
	if (has_puts(st->txn)) {
		wrote = 1;
		if (lock_write(st, ptext, plen, 0, 0) != 0)
			rc = fail_errno(RX_STORE, "%s", TXN_LOCK);
		if (rc == 0)
			rc = write_temps(st->dfd, store_dirstat(st), st->txn,
			    cache_shared(st));
		if (rc == 0)
			rc = sync_store(st->dfd);
	}
	if (rc == 0 && signal_pending())
		rc = fail(RX_STORE, "interrupted");
	if (rc == 0) {
		wrote = 1;
		if (lock_write(st, ctext, clen, 0, 0) != 0)
			rc = fail_errno(RX_STORE, "%s", TXN_LOCK);
	}
	if (rc == 0 && fdatasync(st->lockfd) != 0) {
		/* Written, perhaps not durable: finish the change, which is
		 * what the next command would do if it is. */
		warnmsg("%s: %s", TXN_LOCK, strerror(errno));
	}
	if (rc != 0) {
		discard_plan(st->dfd, p, 0);
		if (wrote)
			rec_restore(st);
	}
	return rc;
}

static int recover(struct store *st);

int
txn_commit(struct store *st, time_t now)
{
	struct txn *t = st->txn;
	struct sbuf gen = SBUF_INIT;
	char epoch[TXN_GEN_LEN + 1];
	struct plan p;
	char ts[32], *rows, *ctext, *ptext;
	size_t nrows, clen, plen;
	struct auditfd af = { -1, { 0 } };
	long long asize = 0;
	sigset_t old;
	int rc;

	if (t == NULL || st->lockfd < 0) {
		audit_drop();
		return fail(RX_STORE, "internal: no transaction");
	}
	/* A change of this command that could not be applied comes first:
	 * its record would be overwritten. */
	if ((rec.kind == REC_COMMIT || rec.kind == REC_PREPARE ||
	    rec.kind == REC_TORN || rec.kind == REC_BAD) &&
	    (rc = recover(st)) != 0) {
		txn_abort(st);
		return rc;
	}
	if ((rc = stage_generation(st, &gen, epoch)) != 0) {
		free(gen.p);
		audit_drop();
		return rc;
	}
	rows = audit_take(now, &nrows);
	if (t->n == 0 && nrows == 0) {
		free(gen.p);
		txn_clear(st, 1);
		return 0;
	}
	/* Without rows audit.csv is not looked at: three round trips. */
	if (nrows > 0 && (asize = audit_size(st->dfd, &af)) < 0) {
		if (af.fd >= 0)
			close(af.fd);
		free(rows);
		free(gen.p);
		txn_clear(st, 0);
		return RX_STORE;
	}
	if (asize == 0 && nrows > 0) {
		char *all = xasprintf("%s%.*s", AUDIT_HEADER, (int)nrows, rows);
		free(rows);
		rows = all;
		nrows = strlen(all);
	}
	time_utc(now, ts);
	ptext = record_text(rec.gen ? rec.gen : "", rec.genlen, rec.epoch,
	    CH_PREPARE, t, ts, asize, NULL, 0, &plen);
	ctext = record_text(gen.p ? gen.p : "", gen.n, epoch, CH_COMMIT, t, ts,
	    asize, rows, nrows, &clen);
	free(rows);
	free(gen.p);
	signals_block(&old);
	rc = prepare(st, ptext, plen, ctext, clen, &p);
	if (rc == 0) {
		committed = 1;
		if (apply_plan(st->dfd, &p, &af, cache_shared(st), 0) != 0) {
			/* The record stays: the next command (or the next
			 * commit of this one) finishes the change. */
			rec_set_gen(p.gen.p, p.gen.n, p.epoch);
			rec_set_text(ctext, clen);
			ctext = NULL;
			rec.kind = REC_COMMIT;
			warnmsg("the change is made but not yet applied (%s); "
			    "the next command finishes it", err_msg());
		} else if (rec_idle(st, p.gen.p, p.gen.n, p.epoch) != 0)
			warnmsg("the change is made (%s)", err_msg());
	}
	if (af.fd >= 0)
		close(af.fd);
	plan_free(&p);
	free(ptext);
	free(ctext);
	parent_drop();
	txn_clear(st, rc == 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* --- recovery -------------------------------------------------------------- */

/* The file that holds the change txn_pending() found. */
static const char *pending_name = TXN_LOCK;

/* A whole record this roster cannot read: nothing is done with it. */
static int
rec_bad(struct store *st)
{
	return fail(RX_STORE, "%s/%s:%zu: a record this roster cannot read; "
	    "nothing done (see roster(5), RECOVERY)", st->path, TXN_LOCK,
	    rec.badline);
}

int
txn_pending(struct store *st)
{
	struct stat sb;

	(void)rec_load(st);
	pending_name = TXN_LOCK;
	if (rec.kind == REC_BAD)
		return rec_bad(st), -1;
	if (rec.kind == REC_COMMIT)
		return 1;
	if (rec.kind != REC_EMPTY && rec.kind != REC_NONE)
		return 0;
	pending_name = TXN_JOURNAL;
	return fstatat(st->dfd, TXN_JOURNAL, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

const char *
txn_pending_file(void)
{
	return pending_name;
}

/* Say on stderr that the change p (from file) was finished, when rc is 0;
 * else fail naming file. */
static int
say_finished(struct store *st, const struct plan *p, int rc, const char *file)
{
	if (rc != 0)
		return fail(RX_STORE, "%s/%s: could not finish an interrupted "
		    "change: %s", st->path, file, err_msg());
	warnmsg("finished an interrupted change (%s, %zu file%s) from %s",
	    p->tool ? p->tool : "?", p->n, p->n == 1 ? "" : "s",
	    p->time ? p->time : "?");
	return 0;
}

/* Finish the change whose record (commit) .lock holds. */
static int
roll_forward(struct store *st)
{
	struct plan p;
	int rc;

	if (plan_parse(rec.text, rec.len, &p) != 0 || !p.complete || p.bad ||
	    p.state != CH_COMMIT) {
		plan_free(&p);
		return fail(RX_STORE, "%s/%s: internal: the record of an "
		    "interrupted change does not read back", st->path, TXN_LOCK);
	}
	rc = apply_plan(st->dfd, &p, NULL, cache_shared(st), 0);
	if (rc == 0)
		rc = rec_idle(st, p.gen.p, p.gen.n, p.epoch);
	rc = say_finished(st, &p, rc, TXN_LOCK);
	plan_free(&p);
	return rc;
}

/* Discard the change whose record .lock holds, prepared but never
 * committed (or torn: the write of a record was cut short, so its change
 * never reached the commit point): its temporaries, and a record of the
 * store at rest in its place, with the generation the prepared record
 * names (a torn one's is not known: a new epoch). */
static int
roll_back(struct store *st)
{
	struct plan p;
	size_t n;
	int rc, torn = rec.kind == REC_TORN;

	if (plan_parse(rec.text, rec.len, &p) != 0)
		torn = 1;
	n = discard_plan(st->dfd, &p, 0);
	rc = torn ? rec_idle(st, "", 0, "") :
	    rec_idle(st, p.gen.p, p.gen.n, p.epoch);
	if (p.state != CH_NONE && (!torn || n > 0))
		warnmsg("discarded an interrupted change (%s) from %s: none of "
		    "it was made", p.tool ? p.tool : "?", p.time ? p.time : "?");
	plan_free(&p);
	return rc;
}

/* A store whose .lock holds no record: a journal roster wrote before the
 * lock record, complete (.journal: finished) or not (.journal.tmp:
 * discarded). */
static int
recover_legacy(struct store *st)
{
	struct plan p;
	struct stat sb;
	char *text;
	size_t len;
	int rc;

	if (fstatat(st->dfd, TXN_JOURNAL, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		if (fstatat(st->dfd, TXN_JOURNAL_TMP, &sb,
		    AT_SYMLINK_NOFOLLOW) != 0 ||
		    file_read(st->dfd, TXN_JOURNAL_TMP, &text, &len) != 0)
			return 0;
		if (plan_parse(text, len, &p) != 0 || p.lockfmt)
			plan_free(&p);
		discard_plan(st->dfd, &p, 1);
		warnmsg("discarded an interrupted change (%s) from %s: none of "
		    "it was made", p.tool ? p.tool : "?", p.time ? p.time : "?");
		plan_free(&p);
		free(text);
		return 0;
	}
	if ((rc = file_read(st->dfd, TXN_JOURNAL, &text, &len)) != 0)
		return rc == RX_NOTFOUND ? 0 : rc;
	if (plan_parse(text, len, &p) != 0 || !p.complete || p.bad ||
	    p.lockfmt) {
		plan_free(&p);
		free(text);
		return fail(RX_STORE, "%s/%s: damaged journal of an interrupted "
		    "change; nothing done (see roster(5), RECOVERY)", st->path,
		    TXN_JOURNAL);
	}
	rc = apply_plan(st->dfd, &p, NULL, cache_shared(st), 1);
	rc = say_finished(st, &p, rc, TXN_JOURNAL);
	plan_free(&p);
	free(text);
	return rc;
}

static int
recover(struct store *st)
{
	sigset_t old;
	int rc;

	signals_block(&old);
	rec.loaded = 0;
	rc = rec_load(st);
	if (rc == 0) {
		switch (rec.kind) {
		case REC_COMMIT:
			rc = roll_forward(st);
			break;
		case REC_PREPARE:
		case REC_TORN:
			rc = roll_back(st);
			break;
		case REC_EMPTY:
			rc = recover_legacy(st);
			break;
		case REC_BAD:
			rc = rec_bad(st);
			break;
		default:
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	parent_drop();
	return rc;
}

int
txn_recover(struct store *st)
{
	int rc = recover(st);

	file_seen_forget();
	return rc;
}
