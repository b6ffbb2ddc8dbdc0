/* slots — when a meeting can be booked with a team or with people. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/avail.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/sched.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

#define DAY	86400L
#define FMT_ICS	100

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: slots [--explain] [--no-header] [-d dir] [--buffer duration] "
	    "--duration duration\n"
	    "             [--format table|tsv|csv|json|ics] [--from time] "
	    "[--interval duration]\n"
	    "             [--min-notice duration] [--mode any|all] "
	    "[--team team] [--to time]\n"
	    "             [--tz zone] [email ...]\n");
	exit(rc);
}

struct opts {
	const char *store, *team, *from, *to, *tz, *mode;
	const char *duration, *interval, *buffer, *notice;
	int fmt, header, explain;
};

/* The slots found, and how often each member is in one. */
struct found {
	struct members *m;
	size_t *order;		/* m's indexes in round-robin order */
	size_t *rank;		/* rank[i]: place of member i in order */
	long *listed;
	struct slotrow {
		time_t start;
		char *who;	/* addresses joined with "," */
	} *v;
	size_t n, cap;
	size_t *tmp;
};

static int
cmp_rank(const void *a, const void *b, void *arg)
{
	const size_t *rank = arg;
	size_t x = rank[*(const size_t *)a], y = rank[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

static void
on_slot(time_t start, const size_t *who, size_t k, void *arg)
{
	struct found *f = arg;
	struct strv sv = { 0 };
	size_t i;
	char *s;

	memcpy(f->tmp, who, k * sizeof *who);
	qsort_r(f->tmp, k, sizeof *f->tmp, cmp_rank, f->rank);
	/* The addresses are borrowed: free the array, not strv_free(). */
	sv.v = xcalloc(k ? k : 1, sizeof *sv.v);
	for (i = 0; i < k; i++) {
		sv.v[sv.n++] = f->m->u[f->tmp[i]].email;
		f->listed[f->tmp[i]]++;
	}
	s = strv_join(&sv, ",");
	free(sv.v);
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	f->v[f->n].start = start;
	f->v[f->n++].who = s;
}

/* Wall clock in zone, to the minute, with its offset. */
static char *
wall_text(time_t t, const char *zone, char *buf)
{
	char full[48];

	time_in_zone(t, zone, full);
	/* 2026-12-24T09:00:00+01:00 -> 2026-12-24 09:00+01:00 */
	snprintf(buf, 48, "%.10s %.5s%.8s", full, full + 11, full + 19);
	return buf;
}

static int
print_rows(const struct found *f, const struct opts *o, const char *zone,
    long duration)
{
	static const char *const cols[] = { "start", "end", "members" };
	char a[48], b[48];
	const char *cells[3];
	struct out out;
	size_t i;
	int rc;

	out_init(&out, o->fmt, o->header, cols, 3, NULL);
	for (i = 0; i < f->n; i++) {
		if (o->fmt == FMT_TABLE) {
			cells[0] = wall_text(f->v[i].start, zone, a);
			cells[1] = wall_text(f->v[i].start + duration, zone, b);
		} else {
			cells[0] = time_utc(f->v[i].start, a);
			cells[1] = time_utc(f->v[i].start + duration, b);
		}
		cells[2] = f->v[i].who;
		out_row(&out, cells);
	}
	rc = out_flush(&out);
	out_free(&out);
	return rc;
}

static int
print_json(const struct found *f, long duration)
{
	json_t *arr = json_array(), *who;
	char a[32], b[32], *p, *q;
	size_t i;
	int rc;

	for (i = 0; i < f->n; i++) {
		who = json_array();
		for (p = f->v[i].who; *p; p = *q ? q + 1 : q) {
			q = strchr(p, ',');
			if (q == NULL)
				q = p + strlen(p);
			json_array_append_new(who, json_stringn(p, (size_t)(q - p)));
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}",
		    "start", time_utc(f->v[i].start, a),
		    "end", time_utc(f->v[i].start + duration, b), "members", who));
	}
	rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
	return rc == 0 ? 0 : fail(RX_STORE, "cannot write JSON");
}

static char *
hm(long secs, char *buf)
{
	long m = secs / 60;

	snprintf(buf, 32, "%ldh%02ldm", m / 60, m % 60);
	return buf;
}

/* RFC 5545 DATE-TIME in UTC: 20261123T090000Z. */
static char *
ics_time(time_t t, char *buf)
{
	char r[32];

	time_utc(t, r);
	snprintf(buf, 20, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", r, r + 5, r + 8,
	    r + 11, r + 14, r + 17);
	return buf;
}

/* A stable UID for the question asked: FNV-1a of its terms. */
static unsigned long long
fnv(unsigned long long h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

/* VFREEBUSY (RFC 5545 3.6.4): the window, and as FREE the union of the
 * listed slots, one FREEBUSY line per period, CRLF line ends. */
static int
print_ics(const struct found *f, const struct slotreq *rq, time_t now,
    const char *team)
{
	char a[32], b[32], d[32];
	unsigned long long h = 14695981039346656037ULL;
	size_t i;
	time_t s, e;

	/* The page, not the window: a subscriber sees one object move. */
	if (team)
		h = fnv(fnv(h, "team"), team);
	for (i = 0; !team && i < f->m->n; i++)
		h = fnv(h, f->m->u[i].email);
	h = fnv(h, rq->all ? "all" : "any");
	h = fnv(h, hm(rq->duration, a));
	printf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//roster//slots " ROSTER_VERSION "//EN\r\n"
	    "BEGIN:VFREEBUSY\r\n"
	    "UID:%016llx@slots.roster\r\nDTSTAMP:%s\r\n"
	    "DTSTART:%s\r\nDTEND:%s\r\n", h, ics_time(now, d),
	    ics_time(rq->from, a), ics_time(rq->to, b));
	for (i = 0; i < f->n;) {
		s = f->v[i].start;
		e = s + rq->duration;
		for (i++; i < f->n && f->v[i].start <= e; i++)
			if (f->v[i].start + rq->duration > e)
				e = f->v[i].start + rq->duration;
		printf("FREEBUSY;FBTYPE=FREE:%s/%s\r\n", ics_time(s, a),
		    ics_time(e, b));
	}
	printf("END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
	return 0;
}

/* --explain: per member, how much of the window they are available and
 * why they are away the rest of it. */
static void
explain(const struct found *f, const struct spans *sp, time_t lo, time_t hi)
{
	long secs[5], on;
	char b0[32], b1[32], b2[32], b3[32];
	size_t i, k, j;

	for (k = 0; k < f->m->n; k++) {
		i = f->order[k];
		on = 0;
		for (j = 0; j < sp[i].n; j++)
			on += (long)(sp[i].v[j].end - sp[i].v[j].start);
		sched_away(&f->m->u[i], f->m->z[i], lo, hi, secs);
		fprintf(stderr, "%s: %s: in %ld slots; available %s; away: "
		    "off-hours %s, out-of-office %s, manual %s\n", progname,
		    f->m->u[i].email, f->listed[i], hm(on, b0),
		    hm(secs[AV_OFFHOURS], b1), hm(secs[AV_OOO], b2),
		    hm(secs[AV_MANUAL], b3));
	}
}

/* Why nothing was listed, one line on stderr. */
static void
no_slot(const struct slotreq *rq, const struct spans *sp, size_t n,
    int explained)
{
	const char *hint = explained ? "" : " (--explain says why)";
	size_t i, free = 0;
	char d[32];

	for (i = 0; i < n; i++)
		free += sp[i].n;
	if (free == 0)
		warnmsg("nobody is available at any time in the window%s", hint);
	else
		warnmsg("no start in the window fits a meeting of %s with %s "
		    "member%s", hm(rq->duration, d), rq->all ? "every" : "any",
		    hint);
}

/* Parse every duration and time of the request. */
static int
request(const struct opts *o, struct zone *tz, time_t now,
    struct slotreq *rq)
{
	long notice = 0;
	int rc;

	memset(rq, 0, sizeof *rq);
	rq->tz = tz;
	rq->step = 15 * 60;
	if ((rc = sched_duration(o->duration, "--duration", 60, 7 * DAY,
	    &rq->duration)) != 0 ||
	    (o->interval && (rc = sched_duration(o->interval, "--interval",
	    60, DAY, &rq->step)) != 0) ||
	    (o->buffer && (rc = sched_duration(o->buffer, "--buffer", 0, DAY,
	    &rq->buffer)) != 0) ||
	    (o->notice && (rc = sched_duration(o->notice, "--min-notice", 0,
	    366 * DAY, &notice)) != 0))
		return rc;
	rq->from = now;
	if (o->from && (rc = time_parse(o->from, zone_name(tz), 0,
	    &rq->from)) != 0)
		return rc;
	rq->to = rq->from + 14 * DAY;
	if (o->to && (rc = time_parse(o->to, zone_name(tz), 1, &rq->to)) != 0)
		return rc;
	if (rq->to <= rq->from)
		return fail(RX_INVALID, "--to must be after --from");
	if (rq->to - rq->from > 366 * DAY)
		return fail(RX_INVALID, "the window is longer than 366 days");
	rq->earliest = now + notice;
	/* Every instant looked at must be one a store may hold. */
	if (!time_supported(rq->from - rq->buffer) ||
	    !time_supported(rq->to + rq->duration + rq->buffer))
		return fail(RX_INVALID, "the window and its meetings must lie "
		    "in " TIME_RANGE);
	if (o->mode)
		rq->all = strcmp(o->mode, "all") == 0;
	else
		rq->all = o->team == NULL;
	return 0;
}

/* The members' round-robin order (a team's rotation, else as given):
 * the order --explain lists them in and the members of a slot. */
static int
found_init(struct found *f, struct store *st, const char *team,
    struct members *m)
{
	size_t i;
	int rc;

	f->m = m;
	f->order = xcalloc(m->n + 1, sizeof *f->order);
	f->rank = xcalloc(m->n + 1, sizeof *f->rank);
	f->listed = xcalloc(m->n + 1, sizeof *f->listed);
	f->tmp = xcalloc(m->n + 1, sizeof *f->tmp);
	if ((rc = members_rr_order(st, team, m, f->order)) != 0)
		return rc;
	for (i = 0; i < m->n; i++)
		f->rank[f->order[i]] = i;
	return 0;
}

static void
found_free(struct found *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].who);
	free(f->v);
	free(f->order);
	free(f->rank);
	free(f->listed);
	free(f->tmp);
}

/* The slots found, in the format asked for (no empty table). */
static int
print_found(const struct opts *o, const struct found *f,
    const struct slotreq *rq, time_t now, struct zone *tz)
{
	if (o->fmt == FMT_ICS)
		return print_ics(f, rq, now, o->team);
	if (o->fmt == FMT_JSON)
		return print_json(f, rq->duration);
	if (f->n > 0 || o->fmt != FMT_TABLE)
		return print_rows(f, o, zone_name(tz), rq->duration);
	return 0;
}

/* Each member's free spans in the window, and the slots they make. */
static struct spans *
find(const struct slotreq *rq, struct found *f, time_t *lo, time_t *hi)
{
	const struct members *m = f->m;
	struct spans *sp = xcalloc(m->n + 1, sizeof *sp);
	size_t i;

	sched_slot_window(rq, lo, hi);
	for (i = 0; i < m->n; i++)
		sched_spans(&m->u[i], m->z[i], *lo, *hi, 0, &sp[i]);
	if (m->n > 0)
		sched_slots(rq, sp, m->n, on_slot, f);
	return sp;
}

static int
run(const struct opts *o, int argc, char **argv)
{
	struct members m;
	struct slotreq rq;
	struct found f;
	struct spans *sp = NULL;
	struct store st = STORE_INIT;
	struct zone *tz;
	time_t now, lo, hi;
	size_t i;
	int rc, bad = 0, shown = 0;

	memset(&m, 0, sizeof m);
	memset(&f, 0, sizeof f);
	if ((tz = sched_zone(o->tz)) == NULL) {
		rc = err_code();
		goto out;
	}
	if ((rc = clock_now(&now)) != 0 ||
	    (rc = request(o, tz, now, &rq)) != 0 ||
	    (rc = store_open(&st, o->store, STORE_READ)) != 0 ||
	    (rc = members_load(&st, o->team, argv, (size_t)argc, &m,
	    err_tally, &bad)) != 0 ||
	    (rc = found_init(&f, &st, o->team, &m)) != 0)
		goto out;
	sp = find(&rq, &f, &lo, &hi);
	if (o->explain)
		explain(&f, sp, lo, hi);
	if ((rc = print_found(o, &f, &rq, now, tz)) != 0)
		goto out;
	/* Each unreadable file was reported; no slot is an answer. */
	shown = 1;
	if (bad)
		rc = bad;
	else if (f.n == 0) {
		no_slot(&rq, sp, m.n, o->explain);
		rc = RX_NO;
	}
out:
	for (i = 0; sp && i < m.n; i++)
		spans_free(&sp[i]);
	free(sp);
	found_free(&f);
	members_free(&m);
	return cmd_end(&st, rc, shown);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_BUFFER = 256, O_DURATION, O_EXPLAIN, O_FORMAT, O_FROM,
	    O_INTERVAL, O_NOTICE, O_MODE, O_NOHEADER, O_TEAM, O_TO, O_TZ };
	static const struct option longopts[] = {
		{ "buffer", required_argument, NULL, O_BUFFER },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "from", required_argument, NULL, O_FROM },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "min-notice", required_argument, NULL, O_NOTICE },
		{ "mode", required_argument, NULL, O_MODE },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "to", required_argument, NULL, O_TO },
		{ "tz", required_argument, NULL, O_TZ },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "slots", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_BUFFER:
			o->buffer = optarg;
			break;
		case O_DURATION:
			o->duration = optarg;
			break;
		case O_EXPLAIN:
			o->explain = 1;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "ics") == 0)
				o->fmt = FMT_ICS;
			else if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_INTERVAL:
			o->interval = optarg;
			break;
		case O_NOTICE:
			o->notice = optarg;
			break;
		case O_MODE:
			if (strcmp(optarg, "any") != 0 && strcmp(optarg, "all")) {
				warnmsg("--mode takes any or all, not %s", optarg);
				usage(RX_USAGE);
			}
			o->mode = optarg;
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		case O_TO:
			o->to = optarg;
			break;
		case O_TZ:
			o->tz = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* --duration, and a team or addresses (not both). */
static void
check_args(int argc, const struct opts *o)
{
	if (o->duration == NULL) {
		warnmsg("--duration is required");
		usage(RX_USAGE);
	}
	if ((o->team == NULL) == (argc == 0)) {
		warnmsg(o->team ? "name a --team or addresses, not both" :
		    "name a --team or addresses");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1 };

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	check_args(argc, &o);
	return run(&o, argc, argv);
}
