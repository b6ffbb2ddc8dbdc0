/* status — who is available, and the manual override. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/check.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/removed.h"
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

/* --team as given, trimmed (team_name()); kept to the end. */
static char *teamname;

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

/* --- --set -------------------------------------------------------------- */

/* --set away|available (what), or --clear (what NULL): the rules are
 * avail_override() and avail_clear(). */
static int
do_set(const char *store, const char *what, const char *untilopt,
    int end_ooo, int n, char **emails)
{
	struct store st = STORE_INIT;
	struct user *us;
	time_t now, until = -1;
	int i, rc, first = 0, away = 0;
	size_t k;

	if (what == NULL)
		away = -1;
	else if (strcmp(what, "away") == 0)
		away = 1;
	else if (strcmp(what, "available") == 0)
		away = 0;
	else {
		warnmsg("--set takes away or available, not %s", what);
		usage(RX_USAGE);
	}
	if ((rc = clock_now(&now)) != 0 || (untilopt &&
	    (rc = time_parse(untilopt, NULL, 1, &until)) != 0)) {
		err_print();
		return rc;
	}
	if ((rc = store_open(&st, store, STORE_WRITE)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	us = xcalloc((size_t)n, sizeof *us);
	for (i = 0; i < n; i++) {
		struct zone *z;
		rc = user_load(&st, emails[i], USER_ACTIVE, &us[i]);
		if (rc) {
			user_init(&us[i], NULL);
			goto bad;
		}
		if ((z = zone_of(&st, &us[i])) == NULL) {
			rc = RX_STORE;
			goto bad;
		}
		if (away < 0) {
			if (!avail_clear(&us[i], "back to the schedule"))
				warnmsg("%s has no override", us[i].email);
			continue;
		}
		for (k = 0; k < us[i].nooo; k++) {
			struct period *p = &us[i].ooo[k];
			if (away || !(p->start <= now && now < p->end))
				continue;
			if (!end_ooo) {
				rc = fail(RX_RULE, "%s is out of office until "
				    "%s: give --end-ooo to end the period now",
				    us[i].email, time_utc(p->end, (char[32]){0}));
				goto bad;
			}
			p->end = now;
			audit_add("ooo-end", us[i].email, "%s",
			    time_utc(p->start, (char[32]){0}));
		}
		if (end_ooo) {
			/* Drop periods that are now empty. */
			size_t j = 0;
			for (k = 0; k < us[i].nooo; k++) {
				if (us[i].ooo[k].end <= us[i].ooo[k].start) {
					free(us[i].ooo[k].source);
					free(us[i].ooo[k].uid);
					continue;
				}
				us[i].ooo[j++] = us[i].ooo[k];
			}
			us[i].nooo = j;
		}
		if ((rc = avail_override(&us[i], z, away, now, until)) != 0)
			goto bad;
		continue;
bad:
		err_print();
		if (first == 0)
			first = rc;
	}
	if (first == 0) {
		for (i = 0; i < n && first == 0; i++)
			first = user_save(&st, &us[i], USER_ACTIVE);
		if (first == 0)
			first = txn_commit(&st, now);
		if (first)
			err_print();
	} else
		audit_drop();
	for (i = 0; i < n; i++)
		user_free(&us[i]);
	free(us);
	store_close(&st);
	return first;
}

/* --- --removed ---------------------------------------------------------- */

static const char *const removed_cols[] = { "email", "removed_at", "teams" };
static const int removed_types[] = { OUT_STR, OUT_STR, OUT_LIST };

/* Report an archive that does not load; the listing goes on. */
static void
bad_archive(int code, void *arg)
{
	err_print();
	if (*(int *)arg == 0)
		*(int *)arg = code;
}

/* One row per removal of the users that are not active now (of the
 * addresses given, else of all), oldest first within an address. */
static int
list_removed(struct store *st, int n, char **emails, const char *team,
    int fmt, int header)
{
	struct userlist ul, one;
	struct out o;
	char at[32], *teams;
	const char *cells[3];
	size_t i;
	int rc = 0, bad = 0, r;

	memset(&ul, 0, sizeof ul);
	if (n == 0 && (rc = removed_list(st, NULL, &ul, bad_archive,
	    &bad)) != 0)
		err_print();	/* removed/ itself cannot be read */
	for (i = 0; i < (size_t)n; i++) {
		if ((r = removed_list(st, emails[i], &one, bad_archive,
		    &bad)) != 0) {
			err_print();
			if (rc == 0)
				rc = r;
			continue;
		}
		ul.u = xrealloc(ul.u, (ul.n + one.n + 1) * sizeof *ul.u);
		memcpy(ul.u + ul.n, one.u, one.n * sizeof *ul.u);
		ul.n += one.n;
		free(one.u);
	}
	if (rc) {
		/* As for active users: an address that is not there lists
		 * nothing. */
		userlist_free(&ul);
		return rc;
	}
	for (i = 0; team && i < ul.n && !strv_has(&ul.u[i].teams, team); i++)
		;
	/* No removal in a team no active user is in either: a misspelt
	 * name (4, with the closest). */
	if (team && i == ul.n && (r = team_unknown(st, team)) != 0) {
		err_print();
		userlist_free(&ul);
		return r;
	}
	out_init(&o, fmt, header, removed_cols, 3, removed_types);
	for (i = 0; i < ul.n; i++) {
		struct user *u = &ul.u[i];
		if (team && !strv_has(&u->teams, team))
			continue;
		teams = out_list(&u->teams);
		cells[0] = u->email;
		cells[1] = u->removed_at != -1 ? time_utc(u->removed_at, at) :
		    NULL;
		cells[2] = teams;
		out_row(&o, cells);
		free(teams);
	}
	r = out_flush(&o);
	out_free(&o);
	userlist_free(&ul);
	return r ? r : bad;
}

/* --- listing ------------------------------------------------------------ */

static const char *const cols[] = { "email", "status", "reason", "until",
	"teams", "at" };
static const int col_types[] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
	OUT_LIST, OUT_STR };

/* A wall-clock --at in a gap or a fold of TZ: say how it was read. */
static void
warn_wall(const char *at, time_t t)
{
	char *note = time_wall_note(at, t);

	if (note)
		warnmsg("%s", note);
	free(note);
}

int
main(int argc, char **argv)
{
	enum { O_AT = 256, O_TEAM, O_AVAIL, O_AWAY, O_REMOVED, O_FORMAT,
	    O_NOHEADER, O_SET, O_ENDOOO, O_CHECK, O_VERSION, O_CLEAR, O_UNTIL };
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, O_AT },
		{ "available", no_argument, NULL, O_AVAIL },
		{ "away", no_argument, NULL, O_AWAY },
		{ "check", no_argument, NULL, O_CHECK },
		{ "clear", no_argument, NULL, O_CLEAR },
		{ "end-ooo", no_argument, NULL, O_ENDOOO },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "removed", no_argument, NULL, O_REMOVED },
		{ "set", required_argument, NULL, O_SET },
		{ "store", required_argument, NULL, 'd' },
		{ "team", required_argument, NULL, O_TEAM },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *at = NULL, *team = NULL, *set = NULL;
	const char *until = NULL;
	int ch, rc, fmt = FMT_TABLE, header = 1, quiet = 0, only = -1;
	int removed = 0, end_ooo = 0, check = 0, where, bad = 0, clear = 0;
	struct brieflist ul;
	struct userlist all;
	struct store st = STORE_INIT;
	struct out o;
	time_t t;
	size_t i;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case 'q':
			quiet = 1;
			break;
		case O_AT:
			at = optarg;
			break;
		case O_AVAIL:
		case O_AWAY:
			if (only != -1 && only != (ch == O_AWAY)) {
				warnmsg("give --available or --away, not both");
				usage(RX_USAGE);
			}
			only = ch == O_AWAY;
			break;
		case O_CLEAR:
			clear = 1;
			break;
		case O_UNTIL:
			until = optarg;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_ENDOOO:
			end_ooo = 1;
			break;
		case O_FORMAT:
			if (out_format(optarg, &fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			break;
		case O_NOHEADER:
			header = 0;
			break;
		case O_REMOVED:
			removed = 1;
			break;
		case O_SET:
			set = optarg;
			break;
		case O_TEAM:
			free(teamname);
			if (team_name(optarg, &teamname) != 0) {
				err_print();
				return RX_INVALID;
			}
			team = teamname;
			break;
		case O_VERSION:
			puts("status (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (check) {
		if (argc || set || quiet || at)
			usage(RX_USAGE);
		return out_close(do_check(store));
	}
	if (set || clear) {
		if (argc == 0 || quiet || at || (set && clear) ||
		    (clear && (end_ooo || until))) {
			warnmsg(set && clear ?
			    "give --set or --clear, not both" :
			    clear && (end_ooo || until) ?
			    "--clear takes addresses only" :
			    "--set and --clear need addresses "
			    "(and no -q or --at)");
			usage(RX_USAGE);
		}
		return out_close(do_set(store, set, until, end_ooo, argc, argv));
	}
	if (until) {
		warnmsg("--until goes with --set");
		usage(RX_USAGE);
	}
	if (end_ooo) {
		warnmsg("--end-ooo goes with --set available");
		usage(RX_USAGE);
	}
	if (removed && (quiet || only != -1 || at)) {
		warnmsg("--removed lists removals: no -q, --available, --away "
		    "or --at");
		usage(RX_USAGE);
	}
	if (quiet && argc != 1) {
		warnmsg("-q takes one address");
		usage(RX_USAGE);
	}
	rc = at ? time_parse(at, NULL, 0, &t) : clock_now(&t);
	if (rc) {
		err_print();
		return rc;
	}
	warn_wall(at, t);
	if ((rc = store_open(&st, store, STORE_READ)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	if (removed) {
		rc = list_removed(&st, argc, argv, team, fmt, header);
		store_close(&st);
		return out_close(rc);
	}
	where = USER_ACTIVE;
	memset(&ul, 0, sizeof ul);
	/* A file that cannot be read is reported where it is met; the
	 * others are listed, and the exit status says so at the end. */
	if (argc > 0) {
		ul.b = xcalloc((size_t)argc, sizeof *ul.b);
		for (i = 0; i < (size_t)argc; i++) {
			int r = user_load(&st, argv[i], where, &ul.b[ul.n].u);
			if (r)
				err_tally(r, &bad);
			else
				ul.n++;
		}
	} else if (where == USER_ACTIVE) {
		rc = user_scan(&st, team, &ul, err_tally, &bad);
		/* An empty team listing is a misspelt team more often than
		 * not: 4, as in every command, and not an empty table. */
		if (rc == 0 && team && ul.n == 0 && bad == 0)
			rc = team_unknown(&st, team);
	} else {
		rc = user_list(&st, where, &all, err_tally, &bad);
		brieflist_add_users(&ul, &all);
	}
	if (rc) {
		err_print();
		goto out;
	}
	if (quiet && ul.n == 0) {
		rc = bad;
		goto out;
	}
	/* json also carries the instant evaluated (--at, or now). */
	out_init(&o, fmt, header, cols, fmt == FMT_JSON ? 6 : 5, col_types);
	for (i = 0; i < ul.n; i++) {
		struct user *u = &ul.b[i].u;
		struct avail a;
		char until[32] = "", *teams, atstr[32];
		const char *cells[6];

		if (team && !strv_has(&u->teams, team))
			continue;
		if (avail_user(&st, u, t, &a) != 0) {
			/* Report it and list the others. */
			err_tally(RX_STORE, &bad);
			continue;
		}
		if (quiet) {
			rc = a.away ? RX_NO : 0;
			break;
		}
		if (only != -1 && a.away != only)
			continue;
		if (a.until != -1)
			time_utc(a.until, until);
		teams = out_list(&u->teams);
		cells[0] = u->email;
		cells[1] = a.away ? "away" : "available";
		cells[2] = avail_reasons[a.reason];
		cells[3] = a.until != -1 ? until : NULL;
		cells[4] = teams;
		cells[5] = time_utc(t, atstr);
		out_row(&o, cells);
		free(teams);
	}
	if (!quiet && rc == 0)
		rc = out_flush(&o);
	if (rc == 0)
		rc = bad;
	out_free(&o);
out:
	brieflist_free(&ul);
	store_close(&st);
	return out_close(rc);
}
