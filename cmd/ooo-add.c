/* ooo-add — add an out-of-office period, list a user's periods, or sync
 * them with a calendar (iCalendar in and out). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/ical.h"
#include "roster/ooo.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/userset.h"
#include "roster/util.h"
#include "roster/zone.h"

/* Calendar input larger than this is refused rather than read whole. */
#define ICS_MAX ((size_t)64 * 1024 * 1024)

struct opts {
	const char *store, *from, *to, *ics, *team;
	int dry, fmt, header, fmtset, export;
	struct ical_opts io;
	int icsopt;		/* an option that only --ics takes was given */
};

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: ooo-add [--dry-run] [-d dir] email ... --from time --to time\n"
	    "       ooo-add [--dry-run] [-d dir] --team team --from time "
	    "--to time\n"
	    "       ooo-add [--busy] [--dry-run] [-d dir] [--calendar name] "
	    "[--horizon days]\n"
	    "               [--match ere] email --ics file\n"
	    "       ooo-add [-d dir] [--format format] [--no-header] email\n");
	exit(rc);
}

static const char *const cols[] = { "start", "end", "source" };

/* List u's periods in o->fmt (ooo_times()), each with its calendar
 * (manual: added by hand). */
static int
list(const struct opts *o, const struct user *u, const char *zname)
{
	struct out out;
	size_t i;
	int rc;

	out_init(&out, o->fmt, o->header, cols, 3, NULL);
	for (i = 0; i < u->nooo; i++) {
		char a[40], b[40];
		const char *cells[3] = { a, b, u->ooo[i].source ?
		    u->ooo[i].source : "manual" };
		ooo_times(&u->ooo[i], zname, o->fmt, a, b);
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

/* Add the period of --from and --to (wall-clock times in the user's
 * zone) to u: *changed 0 when u has it already.  0 or an exit code. */
static int
add(const struct opts *o, struct user *u, const char *zname, time_t now,
    int *changed)
{
	const struct period *ov;
	struct period p;
	char a[40], b[40], c[40], d[40];
	int rc;

	*changed = 0;
	if ((rc = ooo_period(o->from, o->to, zname, &p)) != 0)
		return rc;
	time_in_zone(p.start, zname, a);
	time_in_zone(p.end, zname, b);
	if (ooo_add(u, &p, &ov) == OOO_SAME) {
		warnmsg("%s already has %s %s: unchanged", u->email, a, b);
		return 0;
	}
	*changed = 1;
	if (ov != NULL)
		warnmsg("%s: %s %s overlaps %s %s", u->email, a, b,
		    time_in_zone(ov->start, zname, c),
		    time_in_zone(ov->end, zname, d));
	/* The newer intent wins: an absence ends an override it overlaps. */
	avail_absence_ends_override(u, p.start, p.end, now);
	if (o->dry)
		printf("%s: + %s %s\n", u->email, a, b);
	else
		audit_add("ooo-add", u->email, "%s %s", a, b);
	return 0;
}

/* The addresses of --team's active members: a member file that does
 * not read fails the command before anything is changed. */
static int
team_members(struct store *st, const char *team, struct strv *emails)
{
	int rc, unread = 0;

	if ((rc = users_of_team(st, team, emails, &unread)) == 0)
		rc = unread;
	return rc;
}

/* Save the users add() changed and commit: one change, all or nothing.
 * 0, or the code of a failure already shown. */
static int
save_changed(struct store *st, struct user *us, const int *changed,
    size_t n, time_t now)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++)
		if (changed[i])
			rc = user_save(st, &us[i], USER_ACTIVE);
	if (rc == 0)
		rc = txn_commit(st, now);
	if (rc)
		err_print();
	return rc;
}

/* --from/--to for every address of emails: one change, all or nothing;
 * a user who has the period already is left as is.  Each failure is
 * shown when it happens; returns the code of the first. */
static int
add_many(const struct opts *o, struct store *st, const struct strv *emails,
    time_t now)
{
	struct user *us = xcalloc(emails->n, sizeof *us);
	int rc, first = 0, *changed, *loaded;
	size_t i;

	changed = xcalloc(emails->n, sizeof *changed);
	loaded = xcalloc(emails->n, sizeof *loaded);
	for (i = 0; i < emails->n; i++) {
		if ((rc = user_load(st, emails->v[i], USER_ACTIVE,
		    &us[i])) == 0) {
			loaded[i] = 1;
			rc = add(o, &us[i], user_zone(st, &us[i]), now,
			    &changed[i]);
		}
		if (rc)
			err_tally(rc, &first);
	}
	if (first == 0 && !o->dry)
		first = save_changed(st, us, changed, emails->n, now);
	else
		audit_drop();
	for (i = 0; i < emails->n; i++)
		if (loaded[i])
			user_free(&us[i]);
	free(us);
	free(changed);
	free(loaded);
	return first;
}

/* ooo-add --from --to: the addresses given, or --team's members. */
static int
run_add(const struct opts *o, int n, char **argv)
{
	struct strv emails = { 0 };
	struct store st = STORE_INIT;
	time_t now;
	int rc, i;

	if ((rc = clock_now(&now)) != 0)
		return cmd_end(NULL, rc, 0);
	if ((rc = store_open(&st, o->store, o->dry ? STORE_READ :
	    STORE_WRITE)) != 0 ||
	    (o->team && (rc = team_members(&st, o->team, &emails)) != 0)) {
		strv_free(&emails);
		return cmd_end(&st, rc, 0);
	}
	for (i = 0; i < n; i++)
		strv_add(&emails, argv[i]);
	rc = add_many(o, &st, &emails, now);
	strv_free(&emails);
	return cmd_end(&st, rc, 1);
}

/* Read the calendar named by --ics ("-": stdin) and parse it, before the
 * store is locked. */
static int
read_ics(const char *path, struct ical **cal)
{
	char *data, *why;
	size_t len;
	int rc;

	if ((rc = file_input(path, ICS_MAX, &data, &len)) == RX_INVALID) {
		why = xstrdup(err_msg());
		rc = fail(rc, "%s: not a calendar of one user", why);
		free(why);
	} else if (rc == 0)
		rc = ical_parse(data, len, strcmp(path, "-") == 0 ?
		    "<stdin>" : path, cal);
	free(data);
	return rc;
}

/* Expand the calendar in the user's zone, read under a shared lock held
 * only for that: the slow part of a sync never holds the exclusive
 * lock. */
static int
expand_ics(const struct opts *o, const char *email, time_t now,
    struct ical *cal, struct ical_plan **plan)
{
	struct store st = STORE_INIT;
	struct user u;
	int rc;

	memset(&u, 0, sizeof u);
	if ((rc = store_open(&st, o->store, STORE_READ)) == 0 &&
	    (rc = user_load(&st, email, USER_ACTIVE, &u)) == 0)
		rc = ical_expand(cal, &o->io, user_zone(&st, &u), now, plan);
	user_free(&u);
	store_close(&st);
	return rc;
}

/* Bring u in line with the plan; expanded again in the rare case that the
 * user's zone changed in between. */
static int
sync_ics(const struct opts *o, struct ical *cal, struct ical_plan **plan,
    struct user *u, const char *zname, time_t now, struct ical_changes *ch)
{
	size_t i;
	int rc;

	if (strcmp(ical_plan_zone(*plan), zname) != 0) {
		ical_plan_free(*plan);
		*plan = NULL;
		if ((rc = ical_expand(cal, &o->io, zname, now, plan)) != 0)
			return rc;
	}
	for (i = 0; ical_plan_warning(*plan, i); i++)
		warnmsg("%s", ical_plan_warning(*plan, i));
	ical_sync(*plan, u, ch);
	return 0;
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

/* The periods a calendar sync added or moved: each may end an override it
 * overlaps (the newer intent wins; see avail.h). */
static void
ends_override(struct user *u, const struct ical_changes *ch, time_t now)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		if (ch->v[i].op != '-' && avail_absence_ends_override(u,
		    ch->v[i].new.start, ch->v[i].new.end, now))
			return;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FROM = 256, O_TO, O_DRY, O_FORMAT, O_NOHEADER, O_ICS,
	    O_CALENDAR, O_MATCH, O_BUSY, O_HORIZON, O_TEAM };
	static const struct option longopts[] = {
		{ "busy", no_argument, NULL, O_BUSY },
		{ "calendar", required_argument, NULL, O_CALENDAR },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "from", required_argument, NULL, O_FROM },
		{ "horizon", required_argument, NULL, O_HORIZON },
		{ "ics", required_argument, NULL, O_ICS },
		{ "match", required_argument, NULL, O_MATCH },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "to", required_argument, NULL, O_TO },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "ooo-add", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
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
			else if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
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
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		case O_TO:
			o->to = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* The combinations of options that make sense; usage() otherwise. */
static void
check_args(int argc, const struct opts *o)
{
	if (o->from && o->team && argc != 0) {
		warnmsg("--team or addresses, not both");
		usage(RX_USAGE);
	}
	if (o->team && o->from == NULL) {
		warnmsg("--team goes with --from and --to");
		usage(RX_USAGE);
	}
	if (o->from ? argc == 0 && o->team == NULL : argc != 1) {
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

/* Sync u with the calendar; with changes (and not --dry-run) save u. */
static int
sync_save(const struct opts *o, struct ical *cal, struct ical_plan **plan,
    struct store *st, struct user *u, time_t now)
{
	struct ical_changes ch = { NULL, 0 };
	const char *zname = user_zone(st, u);
	int rc;

	if ((rc = sync_ics(o, cal, plan, u, zname, now, &ch)) == 0)
		report(o, u, zname, &ch);
	if (rc == 0 && !o->dry && ch.n > 0) {
		ends_override(u, &ch, now);
		if ((rc = user_save(st, u, USER_ACTIVE)) == 0)
			rc = txn_commit(st, now);
	}
	ical_changes_free(&ch);
	return rc;
}

/* One user: export the periods, list them, or sync them with the
 * calendar read and expanded beforehand (cal and *plan). */
static int
act(const struct opts *o, struct store *st, struct user *u, time_t now,
    struct ical *cal, struct ical_plan **plan)
{
	if (o->export)
		return export(u, now);
	if (o->ics == NULL)
		return list(o, u, user_zone(st, u));
	return sync_save(o, cal, plan, st, u, now);
}

static int
run_user(const struct opts *o, const char *email, time_t now,
    struct ical *cal, struct ical_plan **plan)
{
	struct store st = STORE_INIT;
	struct user u;
	int rc;

	memset(&u, 0, sizeof u);
	if ((rc = store_open(&st, o->store, o->ics && !o->dry ?
	    STORE_WRITE : STORE_READ)) == 0 &&
	    (rc = user_load(&st, email, USER_ACTIVE, &u)) == 0)
		rc = act(o, &st, &u, now, cal, plan);
	user_free(&u);
	return cmd_end(&st, rc, 0);
}

/* Read and expand --ics before the store is locked, then run_user(). */
static int
run_one(const struct opts *o, const char *email)
{
	struct ical *cal = NULL;
	struct ical_plan *plan = NULL;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0 ||
	    (o->ics && (rc = read_ics(o->ics, &cal)) != 0) ||
	    (o->ics && (rc = expand_ics(o, email, now, cal, &plan)) != 0))
		rc = cmd_end(NULL, rc, 0);
	else
		rc = run_user(o, email, now, cal, &plan);
	ical_plan_free(plan);
	ical_free(cal);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1 };
	int rc;

	prog_init(argv[0]);
	o.io.source = ICAL_SOURCE_DEFAULT;
	o.io.match = ICAL_MATCH_DEFAULT;
	o.io.horizon = ICAL_HORIZON_DEFAULT;
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	check_args(argc, &o);
	rc = o.from ? run_add(&o, argc, argv) : run_one(&o, argv[0]);
	ical_cleanup();
	return rc;
}
