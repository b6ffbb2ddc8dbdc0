/* user-mod — change users: names, role, permissions, teams, seat, contacts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/cmd.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/profile.h"
#include "roster/rename.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: user-mod [--dry-run] [--no-super-admin | --super-admin] "
	    "[-d dir]\n"
	    "                [--capacity n | none] [--contact role] "
	    "[--first-name name]\n"
	    "                [--last-name name] [--no-contact role] "
	    "[--no-team team]\n"
	    "                [--permission perm] [--role role] [--seat seat] "
	    "[--team team]\n"
	    "                email ...\n"
	    "       user-mod [--dry-run] [-d dir] --rename new old\n");
	exit(rc);
}

struct opts {
	const char *store, *rename_to;
	struct profile p;
	struct strv contacts, nocontacts;
	int dry_run;
	int changes;		/* options that change something */
};

/* The targets: as loaded, and as they will be written. */
struct target {
	struct user old, u;
	int loaded;
};

static struct target *tg;
static size_t ntg;

/* The checks that do not depend on the users. */
static int
check_options(struct store *st, struct opts *o)
{
	int rc;

	if ((rc = profile_check(st, &o->p, 1)) != 0)
		return rc;
	return contact_change_check(&o->contacts, &o->nocontacts, ntg);
}

/* Apply the options to u. */
static void
apply(const struct opts *o, struct user *u)
{
	size_t i;

	profile_apply(&o->p, u);
	for (i = 0; i < o->contacts.n; i++)
		if (!strv_has(&u->contacts, o->contacts.v[i]))
			strv_add(&u->contacts, o->contacts.v[i]);
	for (i = 0; i < o->nocontacts.n; i++)
		strv_remove(&u->contacts, o->nocontacts.v[i]);
}

/* Append "name a -> b" to buf when a and b differ. */
static void
diff_str(char **buf, const char *name, const char *a, const char *b)
{
	char *n;

	if (strcmp(a ? a : "", b ? b : "") == 0)
		return;
	n = xasprintf("%s%s%s %s -> %s", *buf ? *buf : "", *buf ? "; " : "",
	    name, a && *a ? a : "(none)", b && *b ? b : "(none)");
	free(*buf);
	*buf = n;
}

/* What changed from a to b, malloc'd, or NULL if nothing did. */
static char *
describe(const struct user *a, const struct user *b)
{
	char *d = NULL, *x, *y, ca[32], cb[32];

	diff_str(&d, "first_name", a->first_name, b->first_name);
	diff_str(&d, "last_name", a->last_name, b->last_name);
	diff_str(&d, "role", a->role, b->role);
	x = strv_join(&a->perms, ",");
	y = strv_join(&b->perms, ",");
	if (a->has_perms != b->has_perms && !*x && !*y)
		diff_str(&d, "permissions", "(role)", "(empty)");
	else
		diff_str(&d, "permissions", x, y);
	free(x);
	free(y);
	diff_str(&d, "super_admin", a->super_admin ? "true" : "false",
	    b->super_admin ? "true" : "false");
	x = strv_join(&a->teams, ",");
	y = strv_join(&b->teams, ",");
	diff_str(&d, "teams", x, y);
	free(x);
	free(y);
	diff_str(&d, "seat", a->seat, b->seat);
	snprintf(ca, sizeof ca, "%ld", a->capacity);
	snprintf(cb, sizeof cb, "%ld", b->capacity);
	diff_str(&d, "capacity", a->capacity < 0 ? NULL : ca,
	    b->capacity < 0 ? NULL : cb);
	x = strv_join(&a->contacts, ",");
	y = strv_join(&b->contacts, ",");
	diff_str(&d, "contact_roles", x, y);
	free(x);
	free(y);
	return d;
}

/* The index of the target with address e, or -1. */
static long
target_of(const char *e)
{
	size_t i;

	for (i = 0; i < ntg; i++)
		if (tg[i].loaded && strcasecmp(tg[i].u.email, e) == 0)
			return (long)i;
	return -1;
}

/* Super admin after the change: a target's new value, else as it is. */
static int
super_admin_after(const struct user *u, void *arg)
{
	long t = target_of(u->email);

	(void)arg;
	return t >= 0 ? tg[t].u.super_admin : u->super_admin;
}

/* 1 if e is one of the users being changed (primary_contact_hand_on()). */
static int
in_change(const char *e, void *arg)
{
	(void)arg;
	return target_of(e) >= 0;
}

/* The rules that need the other users: the last super admin, the one
 * primary contact.  others gets the users outside the batch that change;
 * a failure is printed and kept in *first. */
static void
check_rules(struct store *st, const struct opts *o, struct userlist *others,
    int *first)
{
	struct userlist ul;
	size_t left, before;
	int bad = 0, rc;

	memset(others, 0, sizeof *others);
	if (!o->p.no_super_admin && !strv_has(&o->contacts, "primary"))
		return;
	if ((rc = user_list(st, USER_ACTIVE, &ul, err_tally, &bad)) != 0) {
		batch_fail(first, rc);
		return;
	}
	if (bad) {
		batch_fail(first, fail(bad, "cannot check the rules over all "
		    "users: a user file does not load (see above)"));
		userlist_free(&ul);
		return;
	}
	before = super_admins(&ul, NULL, NULL);
	left = super_admins(&ul, super_admin_after, NULL);
	if (strv_has(&o->contacts, "primary"))
		primary_contact_hand_on(&ul, in_change, NULL, others);
	if (o->p.no_super_admin && super_admin_lost(before, left))
		batch_fail(first, fail(RX_RULE, "the last super admin cannot "
		    "lose super admin: make another user super admin first "
		    "(user-mod --super-admin OTHER)"));
	userlist_free(&ul);
}

/* --rename: one change, under the exclusive lock (a dry run stages it
 * under the shared lock and drops it). */
static int
do_rename(const struct opts *o, const char *from)
{
	struct renamed r;
	struct store st = STORE_INIT;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return cmd_end(NULL, rc, 0);
	if ((rc = store_open(&st, o->store, o->dry_run ? STORE_READ :
	    STORE_WRITE)) != 0)
		return cmd_end(&st, rc, 0);
	if (o->dry_run)
		txn_begin(&st);
	rc = user_rename(&st, from, o->rename_to, now, &r);
	if (rc == 0 && o->dry_run) {
		printf("%s: email %s -> %s (%zu record%s, %zu rotation "
		    "pool%s%s)\n", r.from, r.from, r.to, r.records,
		    r.records == 1 ? "" : "s", r.pools,
		    r.pools == 1 ? "" : "s",
		    r.welcome ? ", the queued welcome" : "");
		audit_drop();
	} else if (rc == 0)
		rc = txn_commit(&st, now);
	renamed_free(&r);
	return cmd_end(&st, rc, 0);
}

/* Load each address of argv as a target (a copy to change, the options
 * applied); a failure is printed and kept in *first. */
static void
load_targets(struct store *st, const struct opts *o, char **argv,
    int *first)
{
	const char *why;
	char *norm;
	size_t i;
	int rc;

	for (i = 0; i < ntg; i++) {
		if ((why = email_invalid(argv[i])) != NULL) {
			batch_fail(first, fail(RX_INVALID, "bad address '%s': "
			    "%s", argv[i], why));
			continue;
		}
		norm = email_norm(argv[i]);
		if (target_of(norm) >= 0)
			batch_fail(first, fail(RX_RULE, "%s is given twice",
			    norm));
		else if ((rc = user_load(st, norm, USER_ACTIVE,
		    &tg[i].old)) != 0)
			batch_fail(first, rc);
		else {
			user_load(st, norm, USER_ACTIVE, &tg[i].u);
			tg[i].loaded = 1;
			apply(o, &tg[i].u);
		}
		free(norm);
	}
}

/* Stage b (a as it was): print the change with --dry-run, else save it
 * with its audit row.  0, or the code of a failure printed. */
static int
stage_one(struct store *st, const struct opts *o, const struct user *a,
    const struct user *b)
{
	char *d = describe(a, b);
	int rc = 0;

	if (d && o->dry_run)
		printf("%s: %s\n", b->email, d);
	else if (d) {
		if ((rc = user_save(st, b, USER_ACTIVE)) != 0)
			err_print();
		else
			audit_add("modify", b->email, "%s", d);
	}
	free(d);
	return rc;
}

/* Stage the targets, then the previous primary contact: one change, so
 * there is never a moment with two primaries or none. */
static int
stage(struct store *st, const struct opts *o, struct userlist *others)
{
	struct user was;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < ntg; i++)
		if (tg[i].loaded)
			rc = stage_one(st, o, &tg[i].old, &tg[i].u);
	for (i = 0; rc == 0 && i < others->n; i++) {
		if (user_load(st, others->u[i].email, USER_ACTIVE, &was) != 0) {
			rc = err_code();
			err_print();
			break;
		}
		rc = stage_one(st, o, &was, &others->u[i]);
		user_free(&was);
	}
	return rc;
}

static void
targets_free(struct userlist *others)
{
	size_t i;

	for (i = 0; i < ntg; i++)
		if (tg[i].loaded) {
			user_free(&tg[i].old);
			user_free(&tg[i].u);
		}
	free(tg);
	userlist_free(others);
}

/* user-mod EMAIL...: check every address and rule, then change them all
 * at once. */
static int
modify(struct opts *o, int argc, char **argv)
{
	struct userlist others = { 0 };
	struct store st = STORE_INIT;
	time_t now;
	int rc, first = 0;

	if ((rc = clock_now(&now)) != 0)
		return cmd_end(NULL, rc, 0);
	if ((rc = store_open(&st, o->store, o->dry_run ? STORE_READ :
	    STORE_WRITE)) != 0)
		return cmd_end(&st, rc, 0);
	tg = xcalloc(argc, sizeof *tg);
	ntg = argc;
	if ((rc = check_options(&st, o)) != 0)
		batch_fail(&first, rc);
	load_targets(&st, o, argv, &first);
	if (first == 0)
		check_rules(&st, o, &others, &first);
	if ((rc = first) == 0)
		rc = stage(&st, o, &others);
	if (rc == 0 && !o->dry_run && (rc = txn_commit(&st, now)) != 0)
		err_print();
	targets_free(&others);
	return cmd_end(&st, rc, 1);
}

/* The options into o; the addresses are what is left of argv. */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FIRST = 256, O_LAST, O_ROLE, O_PERM, O_SUPER, O_NOSUPER,
	    O_CAP, O_TEAM, O_NOTEAM, O_SEAT, O_CONTACT, O_NOCONTACT, O_DRY,
	    O_RENAME };
	static const struct option longopts[] = {
		{ "capacity", required_argument, NULL, O_CAP },
		{ "contact", required_argument, NULL, O_CONTACT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "first-name", required_argument, NULL, O_FIRST },
		{ "last-name", required_argument, NULL, O_LAST },
		{ "no-contact", required_argument, NULL, O_NOCONTACT },
		{ "no-super-admin", no_argument, NULL, O_NOSUPER },
		{ "no-team", required_argument, NULL, O_NOTEAM },
		{ "permission", required_argument, NULL, O_PERM },
		{ "rename", required_argument, NULL, O_RENAME },
		{ "role", required_argument, NULL, O_ROLE },
		{ "seat", required_argument, NULL, O_SEAT },
		{ "super-admin", no_argument, NULL, O_SUPER },
		{ "team", required_argument, NULL, O_TEAM },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "user-mod", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		o->changes += ch != 'd' && ch != O_DRY;
		switch (ch) {
		case O_CAP:
			o->p.capacity = optarg;
			break;
		case O_CONTACT:
			strv_split(&o->contacts, optarg);
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
		case O_NOCONTACT:
			strv_split(&o->nocontacts, optarg);
			break;
		case O_NOSUPER:
			o->p.no_super_admin = 1;
			break;
		case O_NOTEAM:
			cmd_team_add(&o->p.noteams, optarg);
			break;
		case O_PERM:
			o->p.has_perms = 1;
			strv_split(&o->p.perms, optarg);
			break;
		case O_RENAME:
			o->rename_to = optarg;
			break;
		case O_ROLE:
			o->p.role = optarg;
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
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* The name of the first of a also in b, or NULL. */
static const char *
both(const struct strv *a, const struct strv *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strv_has(b, a->v[i]))
			return a->v[i];
	return NULL;
}

/* The combinations of options that make sense; usage() otherwise. */
static void
check_args(int argc, const struct opts *o)
{
	const char *t = both(&o->p.teams, &o->p.noteams);
	const char *c = both(&o->contacts, &o->nocontacts);

	if (o->rename_to && (o->changes != 1 || argc != 1))
		warnmsg("--rename NEW takes one address, the old one, and no "
		    "other change");
	else if (o->rename_to)
		return;
	else if (argc == 0)
		warnmsg("no address given");
	else if (o->changes == 0)
		warnmsg("nothing to change: give at least one option");
	else if (o->p.super_admin && o->p.no_super_admin)
		warnmsg("--super-admin and --no-super-admin contradict");
	else if (t)
		warnmsg("--team and --no-team both name '%s'", t);
	else if (c)
		warnmsg("--contact and --no-contact both name '%s'", c);
	else
		return;
	usage(RX_USAGE);
}

static void
opts_free(struct opts *o)
{
	profile_free(&o->p);
	strv_free(&o->contacts);
	strv_free(&o->nocontacts);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	check_args(argc, &o);
	rc = o.rename_to ? do_rename(&o, argv[0]) : modify(&o, argc, argv);
	opts_free(&o);
	return rc;
}
