/* status — who is available, and the manual override. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/check.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/listing.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/userset.h"
#include "roster/util.h"
#include "roster/zone.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: status [-d dir] [--at time] [--team team] "
	    "[--available | --away] [--removed]\n"
	    "              [--format format] [--no-header] [email ...]\n"
	    "       status -q [-d dir] [--at time] email\n"
	    "       status [-d dir] [--end-ooo] [--until time] "
	    "--set away|available email ...\n"
	    "       status [-d dir] --clear email ...\n"
	    "       status [-d dir] --check\n");
	exit(rc);
}

struct opts {
	const char *store, *at, *team, *set, *until;
	int fmt, header, quiet, removed, end_ooo, check, clear;
	int only;		/* --away 1, --available 0, neither -1 */
	int away;		/* --set: 1 away, 0 available; --clear: -1 */
};

/* A usage error with its reason: exit 2. */
static void
misuse(const char *why)
{
	warnmsg("%s", why);
	usage(RX_USAGE);
}

static struct zone *
zone_of(struct store *st, const struct user *u)
{
	struct zone *z = zone_get(user_zone(st, u));

	if (z == NULL)
		fail(RX_STORE, "%s: unknown time zone %s", u->email,
		    user_zone(st, u));
	return z;
}

/* --- --check ------------------------------------------------------------ */

/* Print each problem of the store on stdout; 7 if any. */
static int
do_check(const char *store)
{
	struct strv probs = { 0 };
	size_t i;
	int rc;

	rc = store_check(store, &probs);
	if (rc != 0 && probs.n == 0)
		err_print();
	for (i = 0; i < probs.n; i++) {
		char *e = esc_str(probs.v[i]);
		printf("%s\n", e);
		free(e);
	}
	strv_free(&probs);
	return rc;
}

/* --- --set ------------------------------------------------------------ */

/* Load one user of --set or --clear into u and change it in memory: the
 * rules are avail_end_absence(), avail_override() and avail_clear(). */
static int
set_one(struct store *st, const struct opts *o, const char *email,
    time_t now, time_t until, struct user *u)
{
	struct zone *z;
	int rc;

	if ((rc = user_load(st, email, USER_ACTIVE, u)) != 0) {
		user_init(u, NULL);
		return rc;
	}
	if ((z = zone_of(st, u)) == NULL)
		return RX_STORE;
	if (o->away < 0) {
		if (!avail_clear(u, "back to the schedule"))
			warnmsg("%s has no override", u->email);
		return 0;
	}
	if ((rc = avail_end_absence(u, o->away, now, o->end_ooo)) != 0)
		return rc;
	return avail_override(u, z, o->away, now, until);
}

/* --set away|available, or --clear: each address that fails is reported;
 * nothing is written unless every one succeeds. */
static int
do_set(const struct opts *o, int n, char **emails)
{
	struct store st = STORE_INIT;
	struct user *us;
	time_t now, until = -1;
	int i, rc, first = 0;

	if ((rc = clock_now(&now)) != 0 || (o->until &&
	    (rc = time_parse(o->until, NULL, 1, &until)) != 0)) {
		err_print();
		return rc;
	}
	if ((rc = store_open(&st, o->store, STORE_WRITE)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	us = xcalloc((size_t)n, sizeof *us);
	for (i = 0; i < n; i++)
		if ((rc = set_one(&st, o, emails[i], now, until, &us[i])) != 0)
			batch_fail(&first, rc);
	if (first != 0)
		audit_drop();	/* nothing is written */
	else if ((first = users_save(&st, us, (size_t)n, NULL, now)) != 0)
		err_print();
	for (i = 0; i < n; i++)
		user_free(&us[i]);
	free(us);
	store_close(&st);
	return first;
}

/* --- --removed ---------------------------------------------------------- */

static const char *const removed_cols[] = { "email", "removed_at", "teams" };
static const int removed_types[] = { OUT_STR, OUT_STR, OUT_LIST };

static int
removed_rows(const struct brieflist *bl, const struct opts *o)
{
	int rc;

	struct out out;
	char at[32], *teams;
	const char *cells[3];
	size_t i;

	out_init(&out, o->fmt, o->header, removed_cols, 3, removed_types);
	for (i = 0; i < bl->n; i++) {
		const struct user *u = &bl->b[i].u;
		if (o->team && !strv_has(&u->teams, o->team))
			continue;
		teams = out_list(&u->teams);
		cells[0] = u->email;
		cells[1] = u->removed_at != -1 ? time_utc(u->removed_at, at) :
		    NULL;
		cells[2] = teams;
		out_row(&out, cells);
		free(teams);
	}
	rc = out_flush(&out);
	out_free(&out);
	return rc;
}

/* One row per removal of the users that are not active now (of the
 * addresses given, else of all), oldest first within an address. */
static int
list_removed(struct store *st, const struct opts *o, int n, char **emails)
{
	struct brieflist bl;
	int rc, bad = 0, missing = 0;

	if ((rc = listing_users(st, 1, NULL, n, emails, &bl, &bad,
	    &missing)) != 0)
		err_print();	/* removed/ itself cannot be read */
	/* As for active users: an address that is not there lists
	 * nothing. */
	if (rc == 0 && missing)
		rc = missing;
	/* No removal in a team no active user is in either: a misspelt
	 * name (4, with the closest). */
	else if (rc == 0 && o->team &&
	    (rc = listing_team_known(st, &bl, o->team)) != 0)
		err_print();
	if (rc == 0)
		rc = removed_rows(&bl, o);
	brieflist_free(&bl);
	return rc ? rc : bad;
}

/* --- listing ------------------------------------------------------------ */

static const char *const cols[] = { "email", "status", "reason", "until",
	"teams", "at" };
static const int col_types[] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
	OUT_LIST, OUT_STR };

static void
avail_row(struct out *out, const struct user *u, const struct avail *a,
    time_t t)
{
	char until[32] = "", *teams, atstr[32];
	const char *cells[6];

	if (a->until != -1)
		time_utc(a->until, until);
	teams = out_list(&u->teams);
	cells[0] = u->email;
	cells[1] = a->away ? "away" : "available";
	cells[2] = avail_reasons[a->reason];
	cells[3] = a->until != -1 ? until : NULL;
	cells[4] = teams;
	cells[5] = time_utc(t, atstr);
	out_row(out, cells);
	free(teams);
}

/* The rows of bl at t; with -q, the exit code of its one user instead.
 * A user whose status cannot be told is reported and counted in *bad. */
static int
avail_rows(struct store *st, const struct opts *o, time_t t,
    struct brieflist *bl, int *bad)
{
	struct out out;
	struct avail a;
	size_t i;
	int rc = 0;

	/* json also carries the instant evaluated (--at, or now). */
	out_init(&out, o->fmt, o->header, cols, o->fmt == FMT_JSON ? 6 : 5,
	    col_types);
	for (i = 0; i < bl->n; i++) {
		struct user *u = &bl->b[i].u;
		if (o->team && !strv_has(&u->teams, o->team))
			continue;
		if (avail_user(st, u, t, &a) != 0) {
			/* Report it and list the others. */
			err_tally(RX_STORE, bad);
			continue;
		}
		if (o->quiet) {
			rc = a.away ? RX_NO : 0;
			break;
		}
		if (o->only == -1 || a.away == o->only)
			avail_row(&out, u, &a, t);
	}
	if (!o->quiet && rc == 0)
		rc = out_flush(&out);
	if (rc == 0)
		rc = *bad;
	out_free(&out);
	return rc;
}

/* The active users (of the addresses given, else all) at t.  A file that
 * cannot be read is reported where it is met; the others are listed, and
 * the exit status says so at the end. */
static int
list_active(struct store *st, const struct opts *o, time_t t, int n,
    char **emails)
{
	struct brieflist bl;
	int rc, bad = 0;

	rc = listing_users(st, 0, o->team, n, emails, &bl, &bad, &bad);
	/* An empty team listing is a misspelt team more often than not:
	 * 4, as in every command, and not an empty table. */
	if (rc == 0 && n == 0 && o->team && bl.n == 0 && bad == 0)
		rc = team_unknown(st, o->team);
	if (rc)
		err_print();
	else if (o->quiet && bl.n == 0)
		rc = bad;
	else
		rc = avail_rows(st, o, t, &bl, &bad);
	brieflist_free(&bl);
	return rc;
}

static int
do_list(const struct opts *o, int n, char **emails)
{
	struct store st = STORE_INIT;
	time_t t;
	int rc;

	rc = o->at ? time_parse(o->at, NULL, 0, &t) : clock_now(&t);
	if (rc) {
		err_print();
		return rc;
	}
	cmd_wall_note(o->at, t);
	if ((rc = store_open(&st, o->store, STORE_READ)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	rc = o->removed ? list_removed(&st, o, n, emails) :
	    list_active(&st, o, t, n, emails);
	store_close(&st);
	return rc;
}

/* --- the options --------------------------------------------------------- */

/* --set and --clear: addresses, and no option of the other forms. */
static void
check_set(struct opts *o, int n)
{
	if (n == 0 || o->quiet || o->at || (o->set && o->clear) ||
	    (o->clear && (o->end_ooo || o->until)))
		misuse(o->set && o->clear ? "give --set or --clear, not both" :
		    o->clear && (o->end_ooo || o->until) ?
		    "--clear takes addresses only" :
		    "--set and --clear need addresses (and no -q or --at)");
	if (o->clear)
		o->away = -1;
	else if (strcmp(o->set, "away") == 0)
		o->away = 1;
	else if (strcmp(o->set, "available") == 0)
		o->away = 0;
	else {
		warnmsg("--set takes away or available, not %s", o->set);
		usage(RX_USAGE);
	}
}

/* The listing: none of --set's options; --removed and -q as they allow. */
static void
check_list(const struct opts *o, int n)
{
	if (o->until)
		misuse("--until goes with --set");
	if (o->end_ooo)
		misuse("--end-ooo goes with --set available");
	if (o->removed && (o->quiet || o->only != -1 || o->at))
		misuse("--removed lists removals: no -q, --available, --away "
		    "or --at");
	if (o->quiet && n != 1)
		misuse("-q takes one address");
}

/* Which of the three programs (--check, --set/--clear, the listing) the
 * options ask for, and whether they fit it. */
static void
check_args(struct opts *o, int n)
{
	if (o->check) {
		if (n || o->set || o->quiet || o->at)
			usage(RX_USAGE);
	} else if (o->set || o->clear)
		check_set(o, n);
	else
		check_list(o, n);
}

static void
set_only(struct opts *o, int away)
{
	if (o->only != -1 && o->only != away)
		misuse("give --available or --away, not both");
	o->only = away;
}

/* The options of status: its own, then those of every command. */
enum { O_AT = 256, O_TEAM, O_AVAIL, O_AWAY, O_REMOVED, O_FORMAT,
    O_NOHEADER, O_SET, O_ENDOOO, O_CHECK, O_CLEAR, O_UNTIL };
static const struct option longopts[] = {
	{ "at", required_argument, NULL, O_AT },
	{ "available", no_argument, NULL, O_AVAIL },
	{ "away", no_argument, NULL, O_AWAY },
	{ "check", no_argument, NULL, O_CHECK },
	{ "clear", no_argument, NULL, O_CLEAR },
	{ "end-ooo", no_argument, NULL, O_ENDOOO },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "no-header", no_argument, NULL, O_NOHEADER },
	{ "quiet", no_argument, NULL, 'q' },
	{ "removed", no_argument, NULL, O_REMOVED },
	{ "set", required_argument, NULL, O_SET },
	{ "team", required_argument, NULL, O_TEAM },
	{ "until", required_argument, NULL, O_UNTIL },
	CMD_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* Parse the options into o; the addresses are what is left of argv. */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	struct cmd cmd = { "status", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS "q", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'q':
			o->quiet = 1;
			break;
		case O_AT:
			o->at = optarg;
			break;
		case O_AVAIL:
		case O_AWAY:
			set_only(o, ch == O_AWAY);
			break;
		case O_CLEAR:
			o->clear = 1;
			break;
		case O_UNTIL:
			o->until = optarg;
			break;
		case O_CHECK:
			o->check = 1;
			break;
		case O_ENDOOO:
			o->end_ooo = 1;
			break;
		case O_FORMAT:
			if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_REMOVED:
			o->removed = 1;
			break;
		case O_SET:
			o->set = optarg;
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

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1, .only = -1 };
	int n, rc;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	n = argc - optind;
	argv += optind;
	check_args(&o, n);
	if (o.check)
		rc = do_check(o.store);
	else if (o.set || o.clear)
		rc = do_set(&o, n, argv);
	else
		rc = do_list(&o, n, argv);
	return cmd_end(NULL, rc, 1);
}
