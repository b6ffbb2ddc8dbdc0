/* assign-next — the next available user of a pool, in fair rotation. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/records.h"
#include "roster/rotation.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: assign-next [--backlog] [--dry-run] [--explain] [-d dir] "
	    "[--at time]\n"
	    "                   [--format plain|json] [--limit n] "
	    "[--mode round-robin|balanced]\n"
	    "                   [--record type:id [--reassign] [--queue]] "
	    "[--team team]\n");
	exit(rc);
}

struct opts {
	const char *store, *team, *record, *at;
	int mode, json, explain, backlog, dry_run, reassign, queue;
	long limit;
};

/* The pool: its users, their availability and load. */
struct pool {
	const char *name;
	struct brieflist ul;	/* the scan's users */
	struct user **u;	/* members, sorted by address */
	struct member *m;
	struct avail *av;
	size_t n;
	char *chosen;		/* the walk's choice, owned */
	size_t seen;		/* users the walk looked at */
	struct strv unreadable;	/* why each skipped file is unreadable */
	int told;		/* explain() has said so */
};

/* A user file that cannot be read is skipped: the others still get
 * work.  Its message is kept for --explain or a warning. */
static void
pool_bad(int code, void *arg)
{
	struct pool *p = arg;

	(void)code;
	strv_add(&p->unreadable, err_msg());
}

static int
load_pool(struct store *st, const struct opts *o, time_t at, struct pool *p)
{
	size_t i;
	int rc;

	memset(p, 0, sizeof *p);
	p->name = o->team ? o->team : "*";
	if ((rc = user_scan(st, o->team, &p->ul, pool_bad, p)) != 0)
		return rc;
	p->u = xcalloc(p->ul.n, sizeof *p->u);
	p->m = xcalloc(p->ul.n, sizeof *p->m);
	p->av = xcalloc(p->ul.n, sizeof *p->av);
	for (i = 0; i < p->ul.n; i++) {
		struct user *u = &p->ul.b[i].u;
		int rc;
		if (o->team && !strv_has(&u->teams, o->team))
			continue;
		if ((rc = avail_user(st, u, at, &p->av[p->n])) != 0)
			return rc;
		p->u[p->n] = u;
		p->m[p->n].email = u->email;
		p->m[p->n].capacity = u->capacity;
		p->n++;
	}
	return 0;
}

/* Open records per member. */
static void
count_open(struct pool *p, const struct opencounts *oc)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		p->m[i].open = opencounts_get(oc, p->m[i].email);
}

static void
set_eligible(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		p->m[i].eligible = routing_eligible(p->av[i].away,
		    p->m[i].capacity, p->m[i].open);
}

/* Round robin over everyone needs only the users from the rotation's
 * place to the first eligible one: walk there instead of listing all. */
struct walk {
	struct store *st;
	struct pool *p;
	const struct opencounts *oc;
	time_t at;
	int rc;
};

static int
pick_first(const struct user *u, void *arg)
{
	struct walk *w = arg;
	struct pool *p = w->p;
	struct avail a;
	long open;

	p->seen++;
	if ((w->rc = avail_user(w->st, u, w->at, &a)) != 0)
		return 1;
	open = opencounts_get(w->oc, u->email);
	if (!routing_eligible(a.away, u->capacity, open))
		return 0;
	p->chosen = xstrdup(u->email);
	p->m = xcalloc(1, sizeof *p->m);
	p->av = xcalloc(1, sizeof *p->av);
	p->m[0].email = p->chosen;
	p->m[0].capacity = u->capacity;
	p->m[0].open = open;
	p->m[0].eligible = 1;
	p->av[0] = a;
	p->n = 1;
	return 1;
}

static void
walk_bad(int code, void *arg)
{
	pool_bad(code, ((struct walk *)arg)->p);
}

static int
walk_pool(struct store *st, const struct rotation *rot,
    const struct opencounts *oc, time_t at, struct pool *p)
{
	struct walk w = { st, p, oc, at, 0 };
	int rc;

	memset(p, 0, sizeof *p);
	p->name = "*";
	rc = user_walk(st, rotation_last(rot, "*"), pick_first, walk_bad, &w);
	return rc ? rc : w.rc;
}

static void
pool_free(struct pool *p)
{
	free(p->chosen);
	brieflist_free(&p->ul);
	free(p->u);
	free(p->m);
	free(p->av);
	strv_free(&p->unreadable);
}

/* The skipped files, one line each on stderr, unless explain() said. */
static void
warn_unreadable(const struct pool *p)
{
	size_t i;

	for (i = 0; !p->told && i < p->unreadable.n; i++)
		warnmsg("%s", p->unreadable.v[i]);
}

/* Why member i was chosen or skipped, one line. */
static char *
why(const struct pool *p, size_t i, long chosen)
{
	const struct avail *a = &p->av[i];
	const struct member *m = &p->m[i];
	char until[32], load[64];

	if (m->capacity >= 0)
		snprintf(load, sizeof load, "%ld/%ld", m->open, m->capacity);
	else
		snprintf(load, sizeof load, "%ld/-", m->open);
	if (a->until != -1)
		time_utc(a->until, until);
	else
		strcpy(until, "-");
	if ((long)i == chosen)
		return xasprintf("chosen: %s until %s, load %s",
		    avail_reasons[a->reason], until, load);
	if (a->away)
		return xasprintf("away: %s until %s", avail_reasons[a->reason],
		    until);
	if (!routing_eligible(0, m->capacity, m->open))
		return xasprintf("at capacity %ld/%ld", m->open, m->capacity);
	return xasprintf("eligible: %s until %s, load %s, not next",
	    avail_reasons[a->reason], until, load);
}

static void
explain(struct pool *p, long chosen, json_t *arr)
{
	size_t i;
	char *s;

	for (i = 0; i < p->unreadable.n; i++) {
		if (arr)
			json_array_append_new(arr, json_pack("{s:n, s:s+}",
			    "email", "why", "unreadable: ", p->unreadable.v[i]));
		else
			fprintf(stderr, "%s: unreadable: %s\n", progname,
			    p->unreadable.v[i]);
	}
	p->told = 1;
	for (i = 0; i < p->n; i++) {
		s = why(p, i, chosen);
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s}", "email",
			    p->m[i].email, "why", s));
		else
			warnmsg("%s: %s", p->m[i].email, s);
		free(s);
	}
}

/* Give record r to member i, updating the load and the rotation. */
static void
give(struct pool *p, struct rotation *rot, struct record *r, long i,
    time_t now)
{
	record_set_owner(r, p->m[i].email);
	p->m[i].open++;
	rotation_set(rot, p->name, p->m[i].email, now);
}

static int
run_backlog(struct pool *p, const struct opts *o, struct records *rs,
    struct rotation *rot, time_t now, int *assigned, int *waiting, FILE *out)
{
	size_t k;
	long i, done = 0;

	for (k = 0; k < rs->n; k++) {
		struct record *r = &rs->r[k];
		if (r->raw || *r->owner || strcmp(r->state, RECORD_OPEN) != 0)
			continue;
		if (o->limit > 0 && done >= o->limit)
			break;
		set_eligible(p);
		i = rotation_choose(p->m, p->n, rotation_last(rot, p->name),
		    o->mode);
		if (i < 0) {
			(*waiting)++;
			break;
		}
		give(p, rot, r, i, now);
		fprintf(out, "%s:%s %s\n", r->type, r->id, p->m[i].email);
		audit_add("assign", p->m[i].email, "%s:%s pool %s", r->type,
		    r->id, p->name);
		done++;
	}
	*assigned = (int)done;
	return 0;
}

/* What --record finds before choosing: 1 when the record is open with an
 * active owner and stays theirs (printed, nothing changes), 0 to choose,
 * or an error: a closed record is refused. */
static int
record_settled(struct store *st, const struct opts *o, struct record *r,
    time_t at, FILE *out)
{
	char ts[32];

	if (r == NULL)
		return 0;
	if (strcmp(r->state, RECORD_CLOSED) == 0)
		return -fail(RX_RULE, "%s:%s is closed: reopen it first: "
		    "records --reopen %s:%s", r->type, r->id, r->type, r->id);
	if (o->reassign || *r->owner == '\0' ||
	    !user_exists(st, r->owner, USER_ACTIVE))
		return 0;
	if (o->json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b}", "email",
		    r->owner, "pool", o->team ? o->team : "*", "record",
		    o->record, "at", time_utc(at, ts), "assigned", 0);
		json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putc('\n', out);
		json_decref(j);
	} else
		fprintf(out, "%s\n", r->owner);
	return 1;
}

/* --reassign moves a record on purpose: never back to its owner. */
static void
skip_owner(struct pool *p, const struct record *r)
{
	size_t i;

	for (i = 0; r && i < p->n; i++)
		if (strcasecmp(p->m[i].email, r->owner) == 0)
			p->m[i].eligible = 0;
}

/* Nobody to give the record to: exit 1; with --queue the record waits
 * unassigned in the backlog (in the same locked change). */
static int
nobody(struct store *st, const struct opts *o, struct records *rs,
    struct record *r, const char *type, const char *id, size_t members,
    const char *pool, time_t now)
{
	int rc;

	if (o->queue && o->record) {
		/* A retried --queue of a record that already waits changes
		 * nothing. */
		int waits = r && *r->owner == '\0';
		if (r == NULL)
			r = records_add(rs, type, id, NULL, RECORD_OPEN);
		else if (o->reassign)
			record_set_owner(r, NULL);
		if (!o->dry_run && !waits) {
			audit_add("queue", "", "%s:%s pool %s", type, id, pool);
			if ((rc = records_save(st, rs)) != 0 ||
			    (rc = txn_commit(st, now)) != 0)
				return rc;
		}
		return fail(RX_NO, "nobody in pool %s is available: %s:%s %s "
		    "unassigned (assign-next --backlog hands it out)", pool,
		    type, id, o->dry_run ? "would wait" : "waits");
	}
	return fail(RX_NO, members ? "nobody in pool %s is available" :
	    "pool %s has no users", pool);
}

/* One run's state: what it loaded and what it chose; freed by finish(). */
struct job {
	struct pool p;
	struct records rs;
	struct opencounts oc;
	struct rotation rot;
	struct record *r;	/* --record's row, NULL: not in the file */
	char *type, *id;	/* --record, split */
	json_t *expl;		/* --explain with --format json */
	int settled;		/* --record stays with its owner: done */
};

/* Load what the choice needs: --record's row (a settled one ends the
 * run), the open counts and the rotation. */
static int
prepare(struct store *st, const struct opts *o, struct job *j, time_t at,
    FILE *out)
{
	int rc;

	if (o->record && (rc = record_ref_parse(o->record, &j->type,
	    &j->id)) != 0)
		return rc;
	/* The rows only when a record changes hands; the counts are cached
	 * against the file. */
	if (o->record || o->backlog) {
		if ((rc = records_load(st, &j->rs)) != 0)
			return rc;
		records_warn_malformed(&j->rs);
		records_open_of(&j->rs, &j->oc);
	} else if ((rc = records_open(st, &j->oc)) != 0)
		return rc;
	if (o->record) {
		j->r = records_find(&j->rs, j->type, j->id);
		if ((rc = record_settled(st, o, j->r, at, out)) != 0) {
			j->settled = rc > 0;
			return rc < 0 ? -rc : 0;
		}
	}
	return rotation_load(st, &j->rot);
}

/* The whole pool, its members' availability and load. */
static int
load_members(struct store *st, const struct opts *o, struct job *j,
    time_t at)
{
	int rc;

	if ((rc = load_pool(st, o, at, &j->p)) != 0)
		return rc;
	/* No members: a team nobody is in, not "nobody available" (1). */
	if (o->team && j->p.n == 0 && j->p.unreadable.n == 0 &&
	    (rc = team_unknown(st, o->team)) != 0)
		return rc;
	count_open(&j->p, &j->oc);
	return 0;
}

/* Round robin over everyone, with nothing to explain or skip: the walk
 * from the rotation's place is enough. */
static int
walk_only(const struct opts *o)
{
	return o->team == NULL && o->mode == MODE_ROUND_ROBIN &&
	    !o->explain && !o->backlog && !o->reassign;
}

/* Choose the member *i of the pool who takes the record or the turn;
 * nobody is RX_NO (nobody() queues the record for --queue). */
static int
choose(struct store *st, const struct opts *o, struct job *j, time_t at,
    time_t now, long *i)
{
	size_t members;
	int rc;

	if (walk_only(o)) {
		if ((rc = walk_pool(st, &j->rot, &j->oc, at, &j->p)) != 0)
			return rc;
		*i = j->p.n ? 0 : -1;
		members = j->p.seen;
	} else {
		if ((rc = load_members(st, o, j, at)) != 0)
			return rc;
		set_eligible(&j->p);
		if (o->reassign)
			skip_owner(&j->p, j->r);
		*i = rotation_choose(j->p.m, j->p.n,
		    rotation_last(&j->rot, j->p.name), o->mode);
		/* Nobody chosen: no JSON is printed, so the reasons go to
		 * stderr. */
		if (o->explain && o->json && *i >= 0)
			j->expl = json_array();
		if (o->explain)
			explain(&j->p, *i, j->expl);
		members = j->p.n;
	}
	if (*i < 0)
		return nobody(st, o, &j->rs, j->r, j->type, j->id, members,
		    j->p.name, now);
	return 0;
}

/* Print the choice of member i (plain or JSON, with --explain's array). */
static void
print_choice(const struct opts *o, struct job *j, long i, time_t at,
    FILE *out)
{
	json_t *js;
	char ts[32];

	if (!o->json) {
		fprintf(out, "%s\n", j->p.m[i].email);
		return;
	}
	js = json_pack("{s:s, s:s, s:o, s:s}", "email", j->p.m[i].email,
	    "pool", j->p.name, "record", o->record ? json_string(o->record) :
	    json_null(), "at", time_utc(at, ts));
	if (j->expl)
		json_object_set_new(js, "explain", j->expl);
	j->expl = NULL;
	json_dumpf(js, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putc('\n', out);
	json_decref(js);
}

/* Give the record (or the turn) to member i, with its audit row. */
static void
assign(const struct opts *o, struct job *j, long i, time_t at, time_t now,
    FILE *out)
{
	if (o->record) {
		if (j->r == NULL)
			j->r = records_add(&j->rs, j->type, j->id, NULL,
			    RECORD_OPEN);
		give(&j->p, &j->rot, j->r, i, now);
		audit_add("assign", j->p.m[i].email, "%s:%s pool %s", j->type,
		    j->id, j->p.name);
	} else {
		rotation_set(&j->rot, j->p.name, j->p.m[i].email, now);
		audit_add("assign", j->p.m[i].email, "pool %s", j->p.name);
	}
	print_choice(o, j, i, at, out);
}

/* --backlog: hand out the records that wait; RX_NO when some wait and
 * none could be given. */
static int
drain(struct store *st, const struct opts *o, struct job *j, time_t at,
    time_t now, FILE *out)
{
	int rc, assigned = 0, waiting = 0;

	if ((rc = load_members(st, o, j, at)) != 0)
		return rc;
	run_backlog(&j->p, o, &j->rs, &j->rot, now, &assigned, &waiting, out);
	/* Records left waiting: say why, also after a partial drain. */
	if (o->explain && waiting)
		explain(&j->p, -1, NULL);
	if (assigned == 0 && waiting)
		return fail(RX_NO, "records wait and nobody in pool %s can take "
		    "one (see --explain)", j->p.name);
	return 0;
}

/* Stage and commit the change (--dry-run: drop its audit rows).  The
 * record first, then the position: a crash between the two leaves the
 * record owned and the next call one step behind. */
static int
save(struct store *st, const struct opts *o, struct job *j, time_t now)
{
	int rc;

	if (o->dry_run) {
		audit_drop();
		return 0;
	}
	if ((o->record || o->backlog) &&
	    (rc = records_save(st, &j->rs)) != 0)
		return rc;
	if ((rc = rotation_save(st, &j->rot)) != 0)
		return rc;
	return txn_commit(st, now);
}

/* The end of a run: its code, the skipped files told, j freed. */
static int
finish(struct job *j, int rc)
{
	/* "Nobody" is not an answer a script may trust when files could not
	 * be read: one of them may be the one who is free. */
	if (rc == RX_NO && j->p.unreadable.n > 0)
		rc = fail(RX_STORE, "%s; %zu user file%s could not be read",
		    err_msg(), j->p.unreadable.n,
		    j->p.unreadable.n == 1 ? "" : "s");
	warn_unreadable(&j->p);
	json_decref(j->expl);
	free(j->type);
	free(j->id);
	records_free(&j->rs);
	opencounts_free(&j->oc);
	rotation_free(&j->rot);
	pool_free(&j->p);
	return rc;
}

/* What is printed goes to out, a buffer: it reaches stdout only once
 * the change is on disk, so that owner=$(assign-next --record ...) never
 * names a user the store does not have as the owner. */
static int
run(struct store *st, const struct opts *o, time_t at, time_t now, FILE *out)
{
	struct job j;
	long i;
	int rc;

	memset(&j, 0, sizeof j);
	if ((rc = prepare(st, o, &j, at, out)) != 0 || j.settled)
		return finish(&j, rc);
	if (o->backlog)
		rc = drain(st, o, &j, at, now, out);
	else if ((rc = choose(st, o, &j, at, now, &i)) == 0)
		assign(o, &j, i, at, now, out);
	if (rc == 0)
		rc = save(st, o, &j, now);
	return finish(&j, rc);
}

static int
run_printed(struct store *st, const struct opts *o, time_t at, time_t now)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	if ((out = open_memstream(&buf, &len)) == NULL)
		return fail_errno(RX_STORE, "output");
	rc = run(st, o, at, now, out);
	if (fclose(out) != 0 && rc == 0)
		rc = fail_errno(RX_STORE, "output");
	if (rc == 0)
		fwrite(buf, 1, len, stdout);
	free(buf);
	return rc;
}

/* --format: plain or json. */
static void
set_format(struct opts *o, const char *arg)
{
	if (strcmp(arg, "json") == 0)
		o->json = 1;
	else if (strcmp(arg, "plain") != 0) {
		warnmsg("unknown format '%s' (plain, json)", arg);
		usage(RX_USAGE);
	}
}

/* --mode: round-robin or balanced. */
static void
set_mode(struct opts *o, const char *arg)
{
	if (strcmp(arg, "balanced") == 0)
		o->mode = MODE_BALANCED;
	else if (strcmp(arg, "round-robin") == 0)
		o->mode = MODE_ROUND_ROBIN;
	else {
		warnmsg("unknown mode '%s' (round-robin, balanced)", arg);
		usage(RX_USAGE);
	}
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_AT = 256, O_BACKLOG, O_DRY, O_EXPLAIN, O_FORMAT, O_LIMIT,
	    O_MODE, O_RECORD, O_TEAM, O_REASSIGN, O_QUEUE };
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, O_AT },
		{ "backlog", no_argument, NULL, O_BACKLOG },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "mode", required_argument, NULL, O_MODE },
		{ "queue", no_argument, NULL, O_QUEUE },
		{ "reassign", no_argument, NULL, O_REASSIGN },
		{ "record", required_argument, NULL, O_RECORD },
		{ "team", required_argument, NULL, O_TEAM },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "assign-next", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_AT:
			o->at = optarg;
			break;
		case O_BACKLOG:
			o->backlog = 1;
			break;
		case O_DRY:
			o->dry_run = 1;
			break;
		case O_EXPLAIN:
			o->explain = 1;
			break;
		case O_FORMAT:
			set_format(o, optarg);
			break;
		case O_LIMIT:
			if (parse_long(optarg, 1, 1000000000, &o->limit) != 0) {
				warnmsg("--limit: want a positive whole number");
				usage(RX_USAGE);
			}
			break;
		case O_MODE:
			set_mode(o, optarg);
			break;
		case O_RECORD:
			o->record = optarg;
			break;
		case O_REASSIGN:
			o->reassign = 1;
			break;
		case O_QUEUE:
			o->queue = 1;
			break;
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* The combinations of options that make sense; usage() otherwise. */
static void
check_args(int argc, char **argv, const struct opts *o)
{
	if (optind != argc || (o->limit && !o->backlog) ||
	    (o->backlog && o->record) ||
	    ((o->reassign || o->queue) && !o->record)) {
		warnmsg(optind != argc ? "unexpected argument '%s'" :
		    o->limit ? "--limit goes with --backlog" :
		    o->backlog && o->record ?
		    "--backlog and --record do not go together" :
		    "--reassign and --queue go with --record",
		    optind != argc ? argv[optind] : "");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct store st = STORE_INIT;
	time_t now, at;
	int rc;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	parse_args(argc, argv, &o);
	check_args(argc, argv, &o);
	if ((rc = clock_now(&now)) != 0 ||
	    (rc = time_parse(o.at ? o.at : "now", NULL, 0, &at)) != 0)
		return cmd_end(NULL, rc, 0);
	cmd_wall_note(o.at, at);
	rc = store_open(&st, o.store, o.dry_run ? STORE_READ : STORE_WRITE);
	if (rc == 0)
		rc = run_printed(&st, &o, at, now);
	return cmd_end(&st, rc, 0);
}
