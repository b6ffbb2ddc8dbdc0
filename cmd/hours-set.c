/* hours-set — set, add to, clear or print users' working hours and zone. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/fileio.h"
#include "roster/inied.h"
#include "roster/err.h"
#include "roster/hours.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: hours-set [--add | --clear] [--dry-run] [-d dir] "
	    "[--team team]\n"
	    "                 [--timezone zone] [email ...] [zone] [spec ...]\n"
	    "       hours-set [--clear] [--dry-run] [-d dir] [--team team] "
	    "--default\n"
	    "                 [zone] [spec ...]\n");
	exit(rc);
}

/* "ZONE SPEC..." for u. malloc'd. */
static char *
describe(const struct store *st, const struct user *u)
{
	char *h = hours_format(&u->hours), *s;

	s = xasprintf("%s%s%s", user_zone(st, u), *h ? " " : "", h);
	free(h);
	return s;
}

/* --team as given, trimmed (team_name()); kept to the end. */
static char *teamname;

/* What the user reads by: "ZONE SPEC...", with " (default of team T)" or
 * " (store default)" when the hours are a default's.  malloc'd. */
static char *
describe_source(const struct store *st, const struct user *u)
{
	const struct hoursdef *d;
	const struct hours *h;
	const char *zn;
	char *f, *s;

	h = avail_hours(st, u, &zn, &d);
	if (d == NULL)
		return describe(st, u);
	f = hours_format(h);
	if (d->team)
		s = xasprintf("%s %s (default of team %s)", zn, f, d->team);
	else
		s = xasprintf("%s %s (store default)", zn, f);
	free(f);
	return s;
}

/* --default: set or clear the default hours of team (NULL: the store's)
 * in roster.ini, as one change with its audit row. */
static int
set_default(struct store *st, const char *team, const char *zone,
    const struct strv *specs, int clear, int dry, time_t now)
{
	struct inidoc d;
	struct hours h = { { 0 }, { 0 } };
	char *text = NULL, *key, *val, *z = NULL, *out;
	size_t len = 0, i;
	int rc, had;

	val = xstrdup(zone ? zone : "");
	for (i = 0; i < specs->n; i++) {
		char *n = xasprintf("%s%s%s", val, *val ? " " : "",
		    specs->v[i]);
		free(val);
		val = n;
	}
	key = team ? xasprintf("hours.team %s", team) :
	    xstrdup("hours.default");
	if (!clear && (rc = hoursdef_parse(val, &z, &h)) != 0)
		goto out;
	rc = file_read(st->dfd, "roster.ini", &text, &len);
	if (rc == RX_NOTFOUND)
		text = xstrdup("");
	else if (rc)
		goto out;
	if ((rc = ini_load(&d, text, "roster.ini")) != 0)
		goto out;
	if (clear)
		had = ini_unset(&d, key);
	else {
		had = 1;
		ini_set(&d, key, val);
	}
	out = ini_text(&d, &len);
	ini_free(&d);
	if (dry)
		printf("%s: %s\n", team ? team : "store default",
		    clear ? (had ? "cleared" : "none") : val);
	else if (had) {
		audit_add("hours-default", team ? team : "", "%s",
		    clear ? "cleared" : val);
		if ((rc = txn_put(st, "roster.ini", out, len)) == 0)
			rc = txn_commit(st, now);
	}
	free(out);
out:
	free(text);
	free(key);
	free(val);
	free(z);
	hours_free(&h);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { O_ADD = 256, O_CLEAR, O_DRY, O_TEAM, O_ZONE, O_VERSION,
	    O_DEFAULT };
	static const struct option longopts[] = {
		{ "add", no_argument, NULL, O_ADD },
		{ "clear", no_argument, NULL, O_CLEAR },
		{ "default", no_argument, NULL, O_DEFAULT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ "store", required_argument, NULL, 'd' },
		{ "team", required_argument, NULL, O_TEAM },
		{ "timezone", required_argument, NULL, O_ZONE },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *team = NULL, *zone = NULL;
	int ch, rc = 0, add = 0, clear = 0, dry = 0, first = 0, writing;
	int unread = 0, deflt = 0, differ = 0;
	struct strv emails = { 0 }, specs = { 0 };
	struct hours parsed = { { 0 }, { 0 } };
	struct userlist ul = { 0 };
	struct store st = STORE_INIT;
	time_t now;
	size_t i;
	int k;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
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
		case O_ADD:
			add = 1;
			break;
		case O_CLEAR:
			clear = 1;
			break;
		case O_DEFAULT:
			deflt = 1;
			break;
		case O_DRY:
			dry = 1;
			break;
		case O_TEAM:
			free(teamname);
			if (team_name(optarg, &teamname) != 0) {
				err_print();
				return RX_INVALID;
			}
			team = teamname;
			break;
		case O_ZONE:
			zone = optarg;
			break;
		case O_VERSION:
			puts("hours-set (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	for (k = optind; k < argc; k++) {
		if (strchr(argv[k], '='))
			strv_add(&specs, argv[k]);
		else if (strchr(argv[k], '@') == NULL && zone == NULL) {
			/* The zone as the first word of a printed line. */
			zone = argv[k];
		} else
			strv_add(&emails, argv[k]);
	}
	if (add && clear) {
		warnmsg("give --add or --clear, not both");
		usage(RX_USAGE);
	}
	if (clear && specs.n) {
		warnmsg("--clear takes no specs");
		usage(RX_USAGE);
	}
	if (add && specs.n == 0) {
		warnmsg("--add needs a spec");
		usage(RX_USAGE);
	}
	if (deflt && (emails.n || add || (specs.n == 0 && !clear))) {
		warnmsg(emails.n ? "--default sets a team's or the store's "
		    "default: no addresses" : add ? "--default replaces: no "
		    "--add" : "--default needs specs (or --clear)");
		usage(RX_USAGE);
	}
	if (emails.n == 0 && team == NULL && !deflt) {
		warnmsg("no address given");
		usage(RX_USAGE);
	}
	writing = specs.n || clear || zone || deflt;
	if (zone && !zone_valid(zone)) {
		fail(RX_INVALID, "unknown time zone: %s", zone);
		err_print();
		rc = RX_INVALID;
		goto out0;
	}
	for (i = 0; i < specs.n; i++) {
		if ((rc = hours_spec_add(&parsed, specs.v[i])) != 0) {
			err_print();
			goto out0;
		}
	}
	if ((rc = clock_now(&now)) != 0) {
		err_print();
		goto out0;
	}
	rc = store_open(&st, store, writing && !dry ? STORE_WRITE : STORE_READ);
	if (rc) {
		err_print();
		store_close(&st);
		goto out0;
	}
	if (deflt) {
		if ((!team || (rc = team_unknown(&st, team)) == 0))
			rc = set_default(&st, team, zone, &specs, clear, dry,
			    now);
		if (rc)
			err_print();
		goto out;
	}
	if (team) {
		struct userlist all;
		/* The members whose files read; a file that does not is
		 * reported (its teams are unknown) and makes the exit
		 * status 7 once the others are done. */
		if ((rc = user_list(&st, USER_ACTIVE, &all, err_tally,
		    &unread)) != 0) {
			err_print();
			goto out;
		}
		for (i = 0; i < all.n; i++)
			if (strv_has(&all.u[i].teams, team) &&
			    !strv_has(&emails, all.u[i].email))
				strv_add(&emails, all.u[i].email);
		userlist_free(&all);
		if (emails.n == 0 && unread == 0) {
			if ((rc = team_unknown(&st, team)) == 0)
				rc = fail(RX_NOTFOUND, "no members in team %s",
				    team);
			err_print();
			goto out;
		}
	}
	ul.u = xcalloc(emails.n, sizeof *ul.u);
	for (i = 0; i < emails.n; i++) {
		rc = user_load(&st, emails.v[i], USER_ACTIVE, &ul.u[ul.n]);
		if (rc) {
			err_print();
			if (first == 0)
				first = rc;
			continue;
		}
		ul.n++;
	}
	if ((rc = first) != 0)
		goto out;
	for (i = 0; i < ul.n; i++) {
		struct user *u = &ul.u[i];
		char *before, *after;
		int own = !hours_empty(&u->hours) || u->timezone;

		if (!writing) {
			before = describe_source(&st, u);
			/* Several users: each line says whose it is. */
			if (ul.n > 1)
				printf("%s: %s\n", u->email, before);
			else
				printf("%s\n", before);
			free(before);
			continue;
		}
		before = describe(&st, u);
		if (zone) {
			free(u->timezone);
			u->timezone = xstrdup(zone);
		}
		if (clear || (specs.n && !add))
			hours_free(&u->hours);
		if (specs.n) {
			int d;
			for (d = 0; d < 7; d++) {
				if (parsed.n[d] == 0)
					continue;
				u->hours.r[d] = xrealloc(u->hours.r[d],
				    (u->hours.n[d] + parsed.n[d]) *
				    sizeof *u->hours.r[d]);
				memcpy(u->hours.r[d] + u->hours.n[d],
				    parsed.r[d], parsed.n[d] *
				    sizeof *parsed.r[d]);
				u->hours.n[d] += parsed.n[d];
			}
		}
		after = describe(&st, u);
		if (team && own && strcmp(before, after) != 0)
			differ++;
		if (dry)
			printf("%s: %s -> %s\n", u->email, before, after);
		else if (strcmp(before, after) != 0)
			audit_add("hours", u->email, "%s", after);
		free(before);
		free(after);
	}
	if (writing && !dry) {
		for (i = 0; i < ul.n && rc == 0; i++)
			rc = user_save(&st, &ul.u[i], USER_ACTIVE);
		if (rc == 0)
			rc = txn_commit(&st, now);
		if (rc)
			err_print();
	} else
		audit_drop();
	/* Hours a member had set for themselves are gone: say how many
	 * (hours-set --team --default leaves them be). */
	if (rc == 0 && differ)
		warnmsg("%s %d member%s of team %s whose hours or zone "
		    "differed", dry ? "would overwrite" : "overwrote", differ,
		    differ == 1 ? "" : "s", team);
	if (rc == 0)
		rc = unread;
out:
	userlist_free(&ul);
	store_close(&st);
out0:
	hours_free(&parsed);
	strv_free(&emails);
	strv_free(&specs);
	return out_close(rc);
}
