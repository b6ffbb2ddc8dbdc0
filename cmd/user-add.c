/* user-add — add users by address, or import them from a CSV file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/cmd.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/import.h"
#include "roster/out.h"
#include "roster/profile.h"
#include "roster/removed.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/welcome.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: user-add [--dry-run] [--no-welcome] [--super-admin] "
	    "[-d dir] [--first-name name]\n"
	    "                [--last-name name] [--permission perm] "
	    "[--role role] [--seat seat]\n"
	    "                [--team team] [--timezone zone] email ...\n"
	    "       user-add [--dry-run] [--no-welcome] [--skip-existing] "
	    "[-d dir]\n"
	    "                [--permission perm] [--role role] [--seat seat] "
	    "[--team team]\n"
	    "                [--timezone zone] --csv file\n"
	    "       user-add [--dry-run] [--no-welcome] [-d dir] --restore "
	    "email ...\n");
	exit(rc);
}

struct opts {
	const char *store, *csv;
	struct profile p;	/* what every new user gets */
	int no_welcome, dry_run, restore, skip_existing;
};

/* The addresses to add, kept to the end. */
static struct import adds;

/* At most IMPORT_MAX rows per import (rules.h): 3, with a
 * recipe that splits the file and keeps its header in every part. */
static void
check_cap(const struct opts *o, int *first)
{
	const char *f = strcmp(o->csv, "-") == 0 ? "FILE" : o->csv;

	if (import_fits(adds.rows))
		return;
	batch_fail(first, fail(RX_RULE, "%s: %zu users: at most %d can be "
	    "imported at once; split the file keeping its header, then "
	    "import each part: tail -n +2 '%s' | split -l %d "
	    "--filter='{ head -n 1 \"%s\"; cat; } >\"$FILE.csv\"' - part-",
	    strcmp(o->csv, "-") == 0 ? "<stdin>" : o->csv, adds.rows,
	    IMPORT_MAX, f, IMPORT_MAX, f));
}

/* Where a candidate came from, for messages. */
static void
where(const struct opts *o, const struct import_row *c, char *buf, size_t n)
{
	if (c->line > 0)
		snprintf(buf, n, "%s:%ld: ", strcmp(o->csv, "-") == 0 ?
		    "<stdin>" : o->csv, c->line);
	else
		buf[0] = '\0';
}

/* The recorded message again, prefixed with at (a row's place), as a
 * failure of the batch. */
static void
fail_where(const char *at, int code, int *first)
{
	char *msg = xstrdup(err_msg());

	fail(code, "%s%s", at, msg);
	free(msg);
	batch_fail(first, code);
}

/* The checks that do not depend on the other candidates or the store. */
static int
check_options(struct store *st, struct opts *o)
{
	int rc;

	if ((rc = profile_check(st, &o->p, 0)) != 0)
		return rc;
	if (o->p.super_admin && !super_admin_grant_fits(adds.n))
		return fail(RX_RULE, "--super-admin is granted to one new user "
		    "at a time; add the users, then give it with user-mod "
		    "--super-admin EMAIL");
	return 0;
}

static void build_user(const struct opts *, const struct import_row *, time_t,
    struct user *);

/* 1 if address a, once normalised, is norm. */
static int
same_address(const char *a, const char *norm)
{
	char *n = email_norm(a);
	int same = strcmp(n, norm) == 0;

	free(n);
	return same;
}

/* The first candidate before i with the address norm, or i. */
static size_t
given_before(size_t i, const char *norm)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (same_address(adds.v[j].email, norm))
			break;
	return j;
}

/* 0 if the user candidate c makes can be written, else RX_INVALID. */
static int
text_ok(const struct opts *o, const struct import_row *c)
{
	struct user u;
	int rc;

	build_user(o, c, 0, &u);
	rc = user_check_text(&u) != 0 ? RX_INVALID : 0;
	user_free(&u);
	return rc;
}

/* Candidate i, its address normalised (norm): not twice, not already
 * active (skipped with --skip-existing), teams and text that can be
 * written. */
static void
check_cand(struct store *st, const struct opts *o, size_t i,
    const char *norm, const char *at, int *first)
{
	struct import_row *c = &adds.v[i];
	size_t j = given_before(i, norm);
	int active = j == i && st->dfd >= 0 &&
	    user_exists(st, norm, USER_ACTIVE);

	if (j < i && adds.v[j].line > 0)
		batch_fail(first, fail(RX_RULE, "%s%s is given twice (first "
		    "on line %ld)", at, norm, adds.v[j].line));
	else if (j < i)
		batch_fail(first, fail(RX_RULE, "%s%s is given twice", at,
		    norm));
	else if (active && o->skip_existing) {
		warnmsg("%s%s is already a user: skipped", at, norm);
		c->skip = 1;
	} else if (active)
		batch_fail(first, fail(RX_RULE, "%s%s is already a user "
		    "(change it with user-mod)", at, norm));
	else if (c->team && import_teams_ok(c->team) != 0)
		fail_where(at, RX_INVALID, first);
	else if (text_ok(o, c) != 0)
		fail_where(at, RX_INVALID, first);
}

/* Every candidate: a valid address, then check_cand(). */
static void
check_cands(struct store *st, const struct opts *o, int *first)
{
	char at[512];
	const char *why;
	char *norm;
	size_t i;

	for (i = 0; i < adds.n; i++) {
		where(o, &adds.v[i], at, sizeof at);
		if ((why = email_invalid(adds.v[i].email)) != NULL)
			batch_fail(first, fail(RX_INVALID, "%sbad address "
			    "'%s': %s", at, adds.v[i].email, why));
		else if (email_storable(adds.v[i].email) != 0)
			fail_where(at, RX_INVALID, first);
		else {
			norm = email_norm(adds.v[i].email);
			check_cand(st, o, i, norm, at, first);
			free(norm);
		}
	}
}

/* The new user of candidate c: the options, with the row's names and
 * teams first. */
static void
build_user(const struct opts *o, const struct import_row *c, time_t now,
    struct user *u)
{
	struct profile p = o->p;	/* a shallow copy: names per row */

	user_init(u, c->email);
	if (c->first)
		p.first = c->first;
	if (c->last)
		p.last = c->last;
	if (c->team)
		strv_split(&u->teams, c->team);
	profile_apply(&p, u);
	u->welcome = xstrdup(o->no_welcome ? "skipped" : "queued");
	u->created = now;
}

static int
add_all(struct store *st, const struct opts *o, time_t now)
{
	struct user u;
	size_t i;
	int rc;

	for (i = 0; i < adds.n; i++) {
		if (adds.v[i].skip)
			continue;
		build_user(o, &adds.v[i], now, &u);
		if (!o->dry_run) {
			rc = user_save(st, &u, USER_ACTIVE);
			if (rc == 0 && !o->no_welcome)
				rc = welcome_queue(st, &u, now);
			if (rc) {
				user_free(&u);
				return rc;
			}
			audit_add("add", u.email, "%s%s%s",
			    u.super_admin ? "super admin" : "",
			    u.super_admin && u.teams.n ? "; " : "",
			    u.teams.n ? "teams set" : "");
		}
		user_free(&u);
	}
	return 0;
}

/* The addresses added, once the change is made (or checked, with
 * --dry-run). */
static void
print_all(void)
{
	char *norm;
	size_t i;

	for (i = 0; i < adds.n; i++) {
		if (adds.v[i].skip)
			continue;
		norm = email_norm(adds.v[i].email);
		printf("%s\n", norm);
		free(norm);
	}
}

/* One line on stderr: how many welcome messages wait in outbox/ for
 * the send job, so that a large import does not queue them unseen. */
static void
say_queued(void)
{
	size_t i, n = 0;

	for (i = 0; i < adds.n; i++)
		n += !adds.v[i].skip;
	fflush(stdout);	/* after the addresses, when both go to one place */
	if (n > 0)
		warnmsg("%zu welcome message%s queued in outbox/ (sent by the "
		    "job of roster(5), Welcome mail)", n, n == 1 ? "" : "s");
}

/* --csv --dry-run: the columns as read, so that the mapping can be
 * checked before the import. */
static int
print_parsed(const struct opts *o)
{
	static const char *const cols[] = { "line", "email", "first_name",
		"last_name", "teams" };
	static const int types[] = { OUT_INT, OUT_STR, OUT_STR, OUT_STR,
		OUT_STR };
	struct out out;
	struct user u;
	char line[32];
	size_t i, k;

	out_init(&out, FMT_TSV, 1, cols, 5, types);
	for (i = 0; i < adds.n; i++) {
		char *teams, *t;
		if (adds.v[i].skip)
			continue;
		build_user(o, &adds.v[i], 0, &u);
		teams = xstrdup("");
		for (k = 0; k < u.teams.n; k++) {
			t = xasprintf("%s%s%s", teams, k ? "," : "",
			    u.teams.v[k]);
			free(teams);
			teams = t;
		}
		snprintf(line, sizeof line, "%ld", adds.v[i].line);
		out_row(&out, (const char *const[]){ line, u.email,
		    u.first_name, u.last_name, teams });
		free(teams);
		user_free(&u);
	}
	return out_flush(&out);
}

/* Make the checked change (or only print it, with --dry-run). */
static int
add_checked(struct store *st, const struct opts *o, time_t now)
{
	int rc;

	rc = add_all(st, o, now);
	if (rc == 0 && !o->dry_run)
		rc = txn_commit(st, now);
	if (rc == 0 && o->dry_run && o->csv)
		rc = print_parsed(o);
	else if (rc == 0)
		print_all();
	if (rc == 0 && !o->dry_run && !o->no_welcome)
		say_queued();
	return rc;
}

/* user-add EMAIL... or --csv: all or nothing.  Every failure is
 * printed; returns the code of the first (*first: those of the rows). */
static int
add(struct store *st, struct opts *o, time_t now, int *first)
{
	int rc;

	if ((rc = check_options(st, o)) != 0)
		batch_fail(first, rc);
	if (o->csv)
		check_cap(o, first);
	check_cands(st, o, first);
	if (*first)
		return *first;
	if ((rc = add_checked(st, o, now)) != 0)
		err_print();
	return rc;
}

/* --restore: candidate i's latest archive into *u (its name into *from),
 * checked as an add is; 0 or the code, printed. */
static int
check_restore(struct store *st, size_t i, struct user *u, char **from)
{
	const char *why;
	char *norm;
	int rc;

	if ((why = email_invalid(adds.v[i].email)) != NULL)
		return fail(RX_INVALID, "bad address '%s': %s", adds.v[i].email,
		    why);
	norm = email_norm(adds.v[i].email);
	if (given_before(i, norm) < i)
		rc = fail(RX_RULE, "%s is given twice", norm);
	else if (st->dfd >= 0 && user_exists(st, norm, USER_ACTIVE))
		rc = fail(RX_RULE, "%s is already a user (nothing to "
		    "restore; change it with user-mod)", norm);
	else if ((rc = removed_latest(st, norm, u, from)) != 0)
		user_init(u, NULL);
	else
		rc = removed_restorable(st, u, *from);
	free(norm);
	return rc;
}

/* --restore: the latest archive of each candidate, checked as an add is,
 * into users[] (the archive's name into from[]). */
static void
check_restores(struct store *st, struct user *users, char **from,
    int *first)
{
	size_t i, sa = 0;
	int rc;

	for (i = 0; i < adds.n; i++) {
		user_init(&users[i], NULL);
		if ((rc = check_restore(st, i, &users[i], &from[i])) != 0)
			batch_fail(first, rc);
		else
			sa += users[i].super_admin;
	}
	if (sa > 0 && !super_admin_grant_fits(adds.n))
		batch_fail(first, fail(RX_RULE, "super admin is granted to one "
		    "new user at a time: restore a super admin on their own"));
}

/* --restore: write each checked user back to users/, welcome it, audit. */
static int
restore_all(struct store *st, const struct opts *o, struct user *users,
    char **from, time_t now)
{
	size_t i;
	int rc;

	for (i = 0; i < adds.n; i++) {
		removed_revive(&users[i], now, !o->no_welcome);
		if (!o->dry_run) {
			if ((rc = user_save(st, &users[i], USER_ACTIVE)) != 0 ||
			    (!o->no_welcome &&
			    (rc = welcome_queue(st, &users[i], now)) != 0))
				return rc;
			audit_add("restore", users[i].email, "from %s", from[i]);
		}
	}
	return 0;
}

/* user-add --restore EMAIL...: all or nothing, as an add. */
static int
restore(struct store *st, const struct opts *o, time_t now, int *first)
{
	struct user *users = xcalloc(adds.n, sizeof *users);
	char **from = xcalloc(adds.n, sizeof *from);
	size_t i;
	int rc;

	check_restores(st, users, from, first);
	if ((rc = *first) == 0) {
		rc = restore_all(st, o, users, from, now);
		if (rc == 0 && !o->dry_run)
			rc = txn_commit(st, now);
		if (rc == 0)
			for (i = 0; i < adds.n; i++)
				printf("%s\n", users[i].email);
		else
			err_print();
	}
	for (i = 0; i < adds.n; i++) {
		user_free(&users[i]);
		free(from[i]);
	}
	free(users);
	free(from);
	return rc;
}

/* The options into o; the addresses are what is left of argv. */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FIRST = 256, O_LAST, O_ROLE, O_PERM, O_SUPER, O_TEAM, O_SEAT,
	    O_ZONE, O_NOWELCOME, O_DRY, O_CSV, O_RESTORE, O_SKIP };
	static const struct option longopts[] = {
		{ "csv", required_argument, NULL, O_CSV },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "first-name", required_argument, NULL, O_FIRST },
		{ "last-name", required_argument, NULL, O_LAST },
		{ "no-welcome", no_argument, NULL, O_NOWELCOME },
		{ "permission", required_argument, NULL, O_PERM },
		{ "restore", no_argument, NULL, O_RESTORE },
		{ "role", required_argument, NULL, O_ROLE },
		{ "seat", required_argument, NULL, O_SEAT },
		{ "skip-existing", no_argument, NULL, O_SKIP },
		{ "super-admin", no_argument, NULL, O_SUPER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "timezone", required_argument, NULL, O_ZONE },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "user-add", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_CSV:
			o->csv = optarg;
			break;
		case O_DRY:
			o->dry_run = 1;
			break;
		case O_FIRST:
			o->p.first = optarg;
			break;
		case O_LAST:
			o->p.last = optarg;
			break;
		case O_NOWELCOME:
			o->no_welcome = 1;
			break;
		case O_PERM:
			strv_split(&o->p.perms, optarg);
			o->p.has_perms = o->p.perms.n > 0;
			break;
		case O_RESTORE:
			o->restore = 1;
			break;
		case O_ROLE:
			o->p.role = optarg;
			break;
		case O_SKIP:
			o->skip_existing = 1;
			break;
		case O_SEAT:
			o->p.seat = optarg;
			break;
		case O_SUPER:
			o->p.super_admin = 1;
			break;
		case O_TEAM:
			cmd_team_add(&o->p.teams, optarg);
			break;
		case O_ZONE:
			o->p.zone = optarg;
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
	const struct profile *p = &o->p;

	if ((o->csv == NULL) == (argc == 0)) {
		warnmsg(o->csv ? "give addresses or --csv, not both" :
		    "no address given");
		usage(RX_USAGE);
	}
	if (o->restore && (o->csv || p->first || p->last || p->role ||
	    p->seat || p->zone || p->perms.n || p->teams.n ||
	    p->super_admin)) {
		warnmsg("--restore brings a user back as archived; change it "
		    "afterwards with user-mod");
		usage(RX_USAGE);
	}
	if ((p->first || p->last) && (o->csv || argc != 1)) {
		warnmsg("--first-name and --last-name name one user");
		usage(RX_USAGE);
	}
}

/* Adding is the first data a store can get, so it may create the store;
 * a restore needs one with archives.  A dry run on a store that does not
 * exist yet goes on with none: nothing is there to clash with. */
static int
open_store(struct store *st, const struct opts *o)
{
	int rc;

	rc = store_open(st, o->store, o->dry_run ? STORE_READ : o->restore ?
	    STORE_WRITE : STORE_CREATE);
	if (rc == RX_NOTFOUND && o->dry_run && !o->restore) {
		store_close(st);
		*st = (struct store)STORE_INIT;
		rc = 0;
	}
	return rc;
}

/* Read the candidates (the addresses, or the rows of --csv), open the
 * store, then add or restore them. */
static int
run(struct opts *o, int argc, char **argv)
{
	struct store st = STORE_INIT;
	time_t now;
	int rc, i, first = 0;

	if ((rc = clock_now(&now)) != 0 ||
	    (o->csv && (rc = import_read(o->csv, &adds, &first)) != 0))
		return cmd_end(NULL, rc, 0);
	for (i = 0; i < argc; i++)
		import_add(&adds, argv[i], NULL, NULL, NULL, 0);
	if ((rc = open_store(&st, o)) != 0)
		return cmd_end(&st, rc, 0);
	rc = o->restore ? restore(&st, o, now, &first) :
	    add(&st, o, now, &first);
	return cmd_end(&st, rc, 1);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	check_args(argc - optind, &o);
	rc = run(&o, argc - optind, argv + optind);
	import_free(&adds);
	profile_free(&o.p);
	return rc;
}
