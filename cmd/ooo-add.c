/* ooo-add — add an out-of-office period, list a user's periods, or sync
 * them with a calendar (iCalendar in and out). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/err.h"
#include "roster/ical.h"
#include "roster/out.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/zone.h"

/* Calendar input larger than this is refused rather than read whole. */
#define ICS_MAX (64L * 1024 * 1024)

struct opts {
	const char *store, *from, *to, *ics;
	int dry, fmt, header, fmtset, export;
	struct ical_opts io;
	struct period added;	/* --from/--to: the period added */
	int icsopt;		/* an option that only --ics takes was given */
};

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: ooo-add [--dry-run] [-d dir] email --from time --to time\n"
	    "       ooo-add [--busy] [--dry-run] [-d dir] [--calendar name] "
	    "[--horizon days]\n"
	    "               [--match ere] email --ics file\n"
	    "       ooo-add [-d dir] [--format format] [--no-header] email\n");
	exit(rc);
}

static int
cmp_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static const char *const cols[] = { "start", "end" };

/* List u's periods in o->fmt. */
static int
list(const struct opts *o, const struct user *u, const char *zname)
{
	struct out out;
	size_t i;
	int rc;

	out_init(&out, o->fmt, o->header, cols, 2, NULL);
	for (i = 0; i < u->nooo; i++) {
		char a[40], b[40];
		const char *cells[2] = { a, b };
		if (o->fmt == FMT_TABLE) {
			time_in_zone(u->ooo[i].start, zname, a);
			time_in_zone(u->ooo[i].end, zname, b);
		} else {
			time_utc(u->ooo[i].start, a);
			time_utc(u->ooo[i].end, b);
		}
		out_row(&out, cells);
	}
	rc = out_flush(&out);
	out_free(&out);
	return rc;
}

/* Write u's periods as a VCALENDAR to stdout. */
static int
export(const struct user *u, time_t now)
{
	char *s;
	int rc = 0;

	if ((rc = ical_export(u, now, &s)) != 0)
		return rc;
	if (fputs(s, stdout) == EOF)
		rc = fail_errno(RX_STORE, "stdout");
	free(s);
	return rc;
}

/* Add the period of --from and --to to u; 0 or an exit code. */
static int
add(struct opts *o, struct user *u, const char *zname)
{
	struct period p;
	char a[40], b[40];
	size_t i;
	int rc;

	memset(&p, 0, sizeof p);
	if ((rc = time_parse(o->from, zname, 0, &p.start)) != 0 ||
	    (rc = time_parse(o->to, zname, 1, &p.end)) != 0)
		return rc;
	if (p.end <= p.start)
		return fail(RX_INVALID, "--to %s is not after --from %s",
		    o->to, o->from);
	for (i = 0; i < u->nooo; i++)
		if (u->ooo[i].start == p.start && u->ooo[i].end == p.end)
			return fail(RX_RULE, "%s already has that period; "
			    "remove it with ooo-rm --start first", u->email);
	u->ooo = xrealloc(u->ooo, (u->nooo + 1) * sizeof *u->ooo);
	u->ooo[u->nooo++] = p;
	o->added = p;
	qsort(u->ooo, u->nooo, sizeof *u->ooo, cmp_period);
	time_in_zone(p.start, zname, a);
	time_in_zone(p.end, zname, b);
	if (o->dry)
		printf("%s: + %s %s\n", u->email, a, b);
	else
		audit_add("ooo-add", u->email, "%s %s", a, b);
	return 0;
}

/* Read the calendar named by --ics ("-": stdin) and parse it, before the
 * store is locked. */
static int
read_ics(const char *path, struct ical **cal)
{
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *data = NULL, buf[65536];
	size_t len = 0, n;
	FILE *fp;
	int rc;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL)
		return fail_errno(RX_NOTFOUND, "%s", path);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0 && len <= ICS_MAX) {
		data = xrealloc(data, len + n + 1);
		memcpy(data + len, buf, n);
		len += n;
	}
	if (ferror(fp))
		rc = fail_errno(RX_NOTFOUND, "%s", shown);
	else if (len > ICS_MAX)
		rc = fail(RX_INVALID, "%s: larger than %ld bytes: not a "
		    "calendar of one user", shown, ICS_MAX);
	else
		rc = ical_parse(data ? data : "", len, shown, cal);
	if (fp != stdin)
		fclose(fp);
	free(data);
	return rc;
}

/* Print one line per change of a sync; queue its audit rows.  Times are
 * shown in the user's zone: ns/ne the new period, os/oe the old one. */
static void
report(const struct opts *o, const struct user *u, const char *zname,
    const struct ical_changes *ch)
{
	const struct ical_change *c;
	char ns[40], ne[40], os[40], oe[40];
	size_t i;

	for (i = 0; i < ch->n; i++) {
		c = &ch->v[i];
		if (c->op != '+') {
			time_in_zone(c->old.start, zname, os);
			time_in_zone(c->old.end, zname, oe);
		}
		if (c->op != '-') {
			time_in_zone(c->new.start, zname, ns);
			time_in_zone(c->new.end, zname, ne);
		}
		if (c->op == '+')
			printf("%s: + %s %s\n", u->email, ns, ne);
		else if (c->op == '-')
			printf("%s: - %s %s\n", u->email, os, oe);
		else
			printf("%s: ~ %s %s (was %s %s)\n", u->email, ns, ne,
			    os, oe);
		if (o->dry)
			continue;
		if (c->op == '+')
			audit_add("ooo-add", u->email, "%s %s %s",
			    o->io.source, ns, ne);
		else if (c->op == '-')
			audit_add("ooo-rm", u->email, "%s %s %s",
			    o->io.source, os, oe);
		else
			audit_add("ooo-move", u->email, "%s %s %s -> %s %s",
			    o->io.source, os, oe, ns, ne);
	}
}

/* The periods just added or moved: each may end an override it overlaps
 * (avail.h), the newer intent winning. */
static void
ends_override(struct user *u, const struct opts *o,
    const struct ical_changes *ch, time_t now)
{
	size_t i;

	if (o->from) {
		avail_absence_ends_override(u, o->added.start, o->added.end,
		    now);
		return;
	}
	for (i = 0; i < ch->n; i++)
		if (ch->v[i].op != '-' && avail_absence_ends_override(u,
		    ch->v[i].new.start, ch->v[i].new.end, now))
			return;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FROM = 256, O_TO, O_DRY, O_FORMAT, O_NOHEADER, O_VERSION,
	    O_ICS, O_CALENDAR, O_MATCH, O_BUSY, O_HORIZON };
	static const struct option longopts[] = {
		{ "busy", no_argument, NULL, O_BUSY },
		{ "calendar", required_argument, NULL, O_CALENDAR },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "horizon", required_argument, NULL, O_HORIZON },
		{ "ics", required_argument, NULL, O_ICS },
		{ "match", required_argument, NULL, O_MATCH },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "store", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, O_TO },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o->store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_BUSY:
			o->io.busy = 1;
			o->icsopt = 1;
			break;
		case O_CALENDAR:
			if (!ical_source_valid(optarg)) {
				warnmsg("--calendar '%s': want 1 to 64 letters, "
				    "digits, '.', '_' or '-'", optarg);
				exit(RX_INVALID);
			}
			o->io.source = optarg;
			o->icsopt = 1;
			break;
		case O_DRY:
			o->dry = 1;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "ics") == 0)
				o->export = 1;
			else if (out_format(optarg, &o->fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o->fmtset = 1;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_HORIZON:
			if (parse_long(optarg, 1, 3660, &o->io.horizon) != 0) {
				warnmsg("--horizon '%s': want a number of days, "
				    "1 to 3660", optarg);
				exit(RX_INVALID);
			}
			o->icsopt = 1;
			break;
		case O_ICS:
			o->ics = optarg;
			break;
		case O_MATCH:
			o->io.match = optarg;
			o->icsopt = 1;
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_TO:
			o->to = optarg;
			break;
		case O_VERSION:
			puts("ooo-add (roster) " ROSTER_VERSION);
			exit(0);
		default:
			usage(RX_USAGE);
		}
	}
}

/* The combinations of options that make sense; usage() otherwise. */
static void
check_args(int argc, const struct opts *o)
{
	if (argc != 1) {
		warnmsg(argc ? "one address at a time" : "no address given");
		usage(RX_USAGE);
	}
	if ((o->from == NULL) != (o->to == NULL)) {
		warnmsg("give both --from and --to");
		usage(RX_USAGE);
	}
	if (o->from && (o->fmtset || o->ics)) {
		warnmsg("--from and --to add one period; not with --format "
		    "or --ics");
		usage(RX_USAGE);
	}
	if (o->ics && o->fmtset) {
		warnmsg("--ics reads a calendar; --format ics writes one");
		usage(RX_USAGE);
	}
	if (o->icsopt && o->ics == NULL) {
		warnmsg("--calendar, --match, --busy and --horizon go with "
		    "--ics");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ical *cal = NULL;
	struct ical_changes ch = { NULL, 0 };
	const char *zname;
	int rc, writes;
	struct store st;
	struct user u;
	time_t now;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.fmt = FMT_TABLE;
	o.header = 1;
	o.io.source = ICAL_SOURCE_DEFAULT;
	o.io.match = ICAL_MATCH_DEFAULT;
	o.io.horizon = ICAL_HORIZON_DEFAULT;
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	check_args(argc, &o);
	if ((rc = clock_now(&now)) != 0 ||
	    (o.ics && (rc = read_ics(o.ics, &cal)) != 0)) {
		err_print();
		ical_cleanup();
		return rc;
	}
	memset(&u, 0, sizeof u);
	writes = (o.from || o.ics) && !o.dry;
	if ((rc = store_open(&st, o.store, writes ? STORE_WRITE :
	    STORE_READ)) != 0 ||
	    (rc = user_load(&st, argv[0], USER_ACTIVE, &u)) != 0)
		goto out;
	zname = user_zone(&st, &u);
	if (o.export) {
		rc = export(&u, now);
		goto out;
	}
	if (o.from == NULL && o.ics == NULL) {
		rc = list(&o, &u, zname);
		goto out;
	}
	if (o.from)
		rc = add(&o, &u, zname);
	else if ((rc = ical_import(cal, &o.io, &u, zname, now, &ch)) == 0)
		report(&o, &u, zname, &ch);
	if (rc || o.dry || (o.ics && ch.n == 0))
		goto out;
	ends_override(&u, &o, &ch, now);
	if ((rc = user_save(&st, &u, USER_ACTIVE)) == 0)
		rc = txn_commit(&st, now);
out:
	if (rc)
		err_print();
	ical_changes_free(&ch);
	ical_free(cal);
	ical_cleanup();
	user_free(&u);
	store_close(&st);
	return out_close(rc);
}
