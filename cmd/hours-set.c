/* hours-set — set, add to, clear or print users' working hours and zone. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/avail.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/hours.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/storecfg.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/userset.h"
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

struct opts {
	const char *store, *team, *zone;
	int add, clear, dry, deflt;
	struct strv emails, specs;	/* the operands, sorted out */
	struct hours parsed;		/* the specs, read */
	int writing;			/* anything to change */
	time_t now;
};

/* "ZONE SPEC..." for u. malloc'd. */
static char *
describe(const struct store *st, const struct user *u)
{
	char *h = hours_format(&u->hours), *s;

	s = xasprintf("%s%s%s", user_zone(st, u), *h ? " " : "", h);
	free(h);
	return s;
}

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

/* "[ZONE] SPEC..." as given, for roster.ini.  malloc'd. */
static char *
default_value(const struct opts *o)
{
	char *val = xstrdup(o->zone ? o->zone : ""), *n;
	size_t i;

	for (i = 0; i < o->specs.n; i++) {
		n = xasprintf("%s%s%s", val, *val ? " " : "", o->specs.v[i]);
		free(val);
		val = n;
	}
	return val;
}

/* roster.ini as it is; a missing one is empty.  *text malloc'd. */
static int
read_ini(struct store *st, char **text)
{
	size_t len = 0;
	int rc;

	*text = NULL;
	if ((rc = file_read(st->dfd, STORECFG_FILE, text, &len)) ==
	    RX_NOTFOUND) {
		*text = xstrdup("");
		rc = 0;
	}
	return rc;
}

/* --default: set or clear the default hours of --team (none: the
 * store's) in roster.ini, as one change with its audit row. */
static int
set_default(struct store *st, const struct opts *o)
{
	const char *who = o->team ? o->team : "store default";
	char *val = default_value(o), *old = NULL, *text;
	size_t len;
	int rc, had;

	if ((o->team && (rc = team_unknown(st, o->team)) != 0) ||
	    (rc = read_ini(st, &old)) != 0 ||
	    (rc = storecfg_hours_default(old, o->team, o->clear ? NULL : val,
	    &text, &len, &had)) != 0)
		goto out;
	if (o->dry)
		printf("%s: %s\n", who, o->clear ? (had ? "cleared" : "none") :
		    val);
	else if (had) {
		audit_add("hours-default", o->team ? o->team : "", "%s",
		    o->clear ? "cleared" : val);
		if ((rc = txn_put(st, STORECFG_FILE, text, len)) == 0)
			rc = txn_commit(st, o->now);
	}
	free(text);
out:
	free(old);
	free(val);
	return rc;
}

/* Print what each user reads by; several users: each line says whose. */
static void
show(const struct store *st, const struct userlist *ul)
{
	size_t i;
	char *s;

	for (i = 0; i < ul->n; i++) {
		s = describe_source(st, &ul->u[i]);
		if (ul->n > 1)
			printf("%s: %s\n", ul->u[i].email, s);
		else
			printf("%s\n", s);
		free(s);
	}
}

/* Change u as o says: a line (--dry-run) or an audit row.  1 if u had
 * hours or a zone of its own that --team overwrote. */
static int
change(const struct store *st, const struct opts *o, struct user *u)
{
	int own = hours_own(u), differ;
	char *before = describe(st, u), *after;

	hours_set(u, o->zone, o->specs.n ? &o->parsed : NULL, o->clear ?
	    HOURS_CLEAR : o->add ? HOURS_ADD : HOURS_REPLACE);
	after = describe(st, u);
	differ = strcmp(before, after) != 0;
	if (o->dry)
		printf("%s: %s -> %s\n", u->email, before, after);
	else if (differ)
		audit_add("hours", u->email, "%s", after);
	free(before);
	free(after);
	return o->team && own && differ;
}

/* Change every user and save them as one change; then say how many
 * members' own hours --team overwrote (--team --default leaves them). */
static int
change_all(struct store *st, const struct opts *o, struct userlist *ul)
{
	size_t i;
	int rc = 0, differ = 0;

	for (i = 0; i < ul->n; i++)
		differ += change(st, o, &ul->u[i]);
	if (o->dry) {
		audit_drop();
	} else {
		for (i = 0; i < ul->n && rc == 0; i++)
			rc = user_save(st, &ul->u[i], USER_ACTIVE);
		if (rc == 0)
			rc = txn_commit(st, o->now);
	}
	if (rc == 0 && differ)
		warnmsg("%s %d member%s of team %s whose hours or zone "
		    "differed", o->dry ? "would overwrite" : "overwrote",
		    differ, differ == 1 ? "" : "s", o->team);
	return rc;
}

/* The users: the addresses given, and --team's members (a team nobody
 * is in is 4; a member file that does not read is reported and makes
 * the exit status 7 once the others are done: *unread).  0, or the code of a failure shown. */
static int
load(struct store *st, struct opts *o, struct userlist *ul, int *unread)
{
	int rc, first = 0;

	if (o->team && (rc = users_of_team(st, o->team, &o->emails,
	    unread)) != 0)
		return batch_fail(&first, rc);
	users_load(st, o->emails.v, o->emails.n, ul, &first);
	return first;
}

static int
run(struct opts *o)
{
	struct userlist ul = { 0 };
	struct store st = STORE_INIT;
	int rc, unread = 0;

	if ((rc = store_open(&st, o->store, o->writing && !o->dry ?
	    STORE_WRITE : STORE_READ)) != 0)
		return cmd_end(&st, rc, 0);
	if (o->deflt)
		return cmd_end(&st, set_default(&st, o), 0);
	if ((rc = load(&st, o, &ul, &unread)) != 0)
		goto out;
	if (!o->writing)
		show(&st, &ul);
	else if ((rc = change_all(&st, o, &ul)) != 0)
		err_print();
	if (rc == 0)
		rc = unread;
out:
	userlist_free(&ul);
	return cmd_end(&st, rc, 1);
}

/* The operands: specs hold '=', a word without '@' is the zone (the
 * first word of a printed line), the rest are addresses. */
static void
operands(int argc, char **argv, struct opts *o)
{
	int k;

	for (k = 0; k < argc; k++) {
		if (strchr(argv[k], '='))
			strv_add(&o->specs, argv[k]);
		else if (strchr(argv[k], '@') == NULL && o->zone == NULL)
			o->zone = argv[k];
		else
			strv_add(&o->emails, argv[k]);
	}
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_ADD = 256, O_CLEAR, O_DRY, O_TEAM, O_ZONE, O_DEFAULT };
	static const struct option longopts[] = {
		{ "add", no_argument, NULL, O_ADD },
		{ "clear", no_argument, NULL, O_CLEAR },
		{ "default", no_argument, NULL, O_DEFAULT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "team", required_argument, NULL, O_TEAM },
		{ "timezone", required_argument, NULL, O_ZONE },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "hours-set", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_ADD:
			o->add = 1;
			break;
		case O_CLEAR:
			o->clear = 1;
			break;
		case O_DEFAULT:
			o->deflt = 1;
			break;
		case O_DRY:
			o->dry = 1;
			break;
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		case O_ZONE:
			o->zone = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
	operands(argc - optind, argv + optind, o);
}

/* The combinations of options and operands that make sense. */
static void
check_args(const struct opts *o)
{
	const char *why = NULL;

	if (o->add && o->clear)
		why = "give --add or --clear, not both";
	else if (o->clear && o->specs.n)
		why = "--clear takes no specs";
	else if (o->add && o->specs.n == 0)
		why = "--add needs a spec";
	else if (o->deflt && o->emails.n)
		why = "--default sets a team's or the store's default: no "
		    "addresses";
	else if (o->deflt && o->add)
		why = "--default replaces: no --add";
	else if (o->deflt && o->specs.n == 0 && !o->clear)
		why = "--default needs specs (or --clear)";
	else if (o->emails.n == 0 && o->team == NULL && !o->deflt)
		why = "no address given";
	if (why) {
		warnmsg("%s", why);
		usage(RX_USAGE);
	}
}

/* Read the zone, the specs and the clock before the store is opened. */
static int
prepare(struct opts *o)
{
	size_t i;
	int rc;

	o->writing = o->specs.n || o->clear || o->zone || o->deflt;
	if (o->zone && (rc = zone_check(o->zone)) != 0)
		return rc;
	for (i = 0; i < o->specs.n; i++)
		if ((rc = hours_spec_add(&o->parsed, o->specs.v[i])) != 0)
			return rc;
	return clock_now(&o->now);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	check_args(&o);
	if ((rc = prepare(&o)) != 0)
		rc = cmd_end(NULL, rc, 0);
	else
		rc = run(&o);
	hours_free(&o.parsed);
	strv_free(&o.emails);
	strv_free(&o.specs);
	return rc;
}
