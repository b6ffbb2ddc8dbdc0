/* user-mod — change users: names, role, permissions, teams, seat, contacts. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/email.h"
#include "roster/err.h"
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
	const char *store, *first, *last, *role, *seat, *capacity;
	struct strv perms, teams, noteams, contacts, nocontacts;
	int has_perms, super_admin, no_super_admin, dry_run;
	long cap;
};

/* The targets: as loaded, and as they will be written. */
struct target {
	struct user old, u;
	int loaded;
};

static struct target *tg;
static size_t ntg;
static int first_rc;

/* Report one failure of the batch and remember the first code. */
static void
report(int rc)
{
	err_print();
	if (first_rc == 0)
		first_rc = rc;
}

/* The checks that do not depend on the users. */
static int
check_options(struct store *st, struct opts *o)
{
	size_t i;

	if (o->role && *o->role && store_role(st, o->role) == NULL)
		return fail(RX_NOTFOUND, "no such role '%s' in roster.ini "
		    "(add a [role \"%s\"] section first)", o->role, o->role);
	for (i = 0; i < o->perms.n; i++)
		if (!store_permission_valid(o->perms.v[i]))
			return fail(RX_INVALID, "unknown permission '%s' (contacts "
			    "companies deals tickets conversations reports "
			    "marketing users billing portal)", o->perms.v[i]);
	if (o->capacity) {
		if (strcmp(o->capacity, "none") == 0)
			o->cap = -1;
		else if (parse_long(o->capacity, 0, 1000000000, &o->cap) != 0)
			/* 0 pauses routing for one user: no new records. */
			return fail(RX_INVALID, "bad capacity '%s': want a "
			    "whole number from 0 or none", o->capacity);
	}
	if (o->seat && !seat_valid(o->seat))
		return fail(RX_INVALID, "bad seat '%s' (none, sales-starter, "
		    "sales-professional, service-professional, ...)", o->seat);
	for (i = 0; i < o->contacts.n; i++)
		if (!contact_role_valid(o->contacts.v[i]))
			return fail(RX_INVALID, "unknown contact role '%s' "
			    "(primary, billing, technical)", o->contacts.v[i]);
	for (i = 0; i < o->nocontacts.n; i++)
		if (!contact_role_valid(o->nocontacts.v[i]))
			return fail(RX_INVALID, "unknown contact role '%s' "
			    "(primary, billing, technical)", o->nocontacts.v[i]);
	if (strv_has(&o->nocontacts, "primary"))
		return fail(RX_RULE, "the primary contact cannot be removed, "
		    "only handed on: name another user as primary instead: "
		    "user-mod --contact primary OTHER");
	if (strv_has(&o->contacts, "primary") && ntg > 1)
		return fail(RX_RULE, "there is one primary contact: give "
		    "--contact primary to one user at a time");
	return 0;
}

/* Replace *s with a copy of v (NULL or "": absent). */
static void
set_str(char **s, const char *v)
{
	free(*s);
	*s = v && *v ? xstrdup(v) : NULL;
}

/* Apply the options to u. */
static void
apply(const struct opts *o, struct user *u)
{
	size_t i;

	if (o->first)
		set_str(&u->first_name, o->first);
	if (o->last)
		set_str(&u->last_name, o->last);
	if (o->role)
		set_str(&u->role, o->role);
	if (o->has_perms) {
		strv_free(&u->perms);
		u->has_perms = 1;
		for (i = 0; i < o->perms.n; i++)
			if (!strv_has(&u->perms, o->perms.v[i]))
				strv_add(&u->perms, o->perms.v[i]);
	}
	if (o->super_admin)
		u->super_admin = 1;
	if (o->no_super_admin)
		u->super_admin = 0;
	if (o->capacity)
		u->capacity = o->cap;
	for (i = 0; i < o->teams.n; i++)
		if (!strv_has(&u->teams, o->teams.v[i]))
			strv_add(&u->teams, o->teams.v[i]);
	for (i = 0; i < o->noteams.n; i++)
		strv_remove(&u->teams, o->noteams.v[i]);
	if (o->seat)
		set_str(&u->seat, strcmp(o->seat, "none") ? o->seat : NULL);
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

/* The rules that need the other users: the last super admin, the one
 * primary contact.  others gets the users outside the batch that change. */
static void
check_rules(struct store *st, const struct opts *o, struct userlist *others)
{
	struct userlist ul;
	size_t i, left, before;
	int bad = 0, rc;

	memset(others, 0, sizeof *others);
	if (!o->no_super_admin && !strv_has(&o->contacts, "primary"))
		return;
	if ((rc = user_list(st, USER_ACTIVE, &ul, err_tally, &bad)) != 0) {
		report(rc);
		return;
	}
	if (bad) {
		fail(bad, "cannot check the rules over all users: a user file "
		    "does not load (see above)");
		report(bad);
		userlist_free(&ul);
		return;
	}
	before = super_admins(&ul, NULL, NULL);
	left = super_admins(&ul, super_admin_after, NULL);
	for (i = 0; i < ul.n; i++) {
		if (target_of(ul.u[i].email) < 0 &&
		    strv_has(&o->contacts, "primary") &&
		    is_primary_contact(&ul.u[i])) {
			/* Hand the primary role on: take it from its holder. */
			if (others->n == others->cap) {
				others->cap = others->cap ? others->cap * 2 : 4;
				others->u = xrealloc(others->u,
				    others->cap * sizeof *others->u);
			}
			others->u[others->n] = ul.u[i];
			strv_remove(&others->u[others->n].contacts, "primary");
			others->n++;
			memset(&ul.u[i], 0, sizeof ul.u[i]);
			user_init(&ul.u[i], "x@x.invalid");
		}
	}
	if (o->no_super_admin && super_admin_lost(before, left)) {
		fail(RX_RULE, "the last super admin cannot lose super admin: "
		    "make another user super admin first (user-mod "
		    "--super-admin OTHER)");
		report(RX_RULE);
	}
	userlist_free(&ul);
}

/* Free the option lists. */
static void
opts_free(struct opts *o)
{
	strv_free(&o->perms);
	strv_free(&o->teams);
	strv_free(&o->noteams);
	strv_free(&o->contacts);
	strv_free(&o->nocontacts);
}

/* --rename: one change, under the exclusive lock (a dry run stages it
 * under the shared lock and drops it). */
static int
do_rename(const char *store, const char *to, const char *from, int dry_run)
{
	struct renamed r;
	struct store st = STORE_INIT;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0) {
		err_print();
		return rc;
	}
	if ((rc = store_open(&st, store, dry_run ? STORE_READ :
	    STORE_WRITE)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	if (dry_run)
		txn_begin(&st);
	rc = user_rename(&st, from, to, now, &r);
	if (rc == 0 && dry_run) {
		printf("%s: email %s -> %s (%zu record%s, %zu rotation "
		    "pool%s%s)\n", r.from, r.from, r.to, r.records,
		    r.records == 1 ? "" : "s", r.pools,
		    r.pools == 1 ? "" : "s",
		    r.welcome ? ", the queued welcome" : "");
		audit_drop();
	} else if (rc == 0)
		rc = txn_commit(&st, now);
	if (rc)
		err_print();
	renamed_free(&r);
	store_close(&st);
	return rc;
}

/* A --team or --no-team name, trimmed; a bad one ends the command (5). */
static void
add_team(struct strv *sv, const char *arg)
{
	char *t;

	if (team_name(arg, &t) != 0) {
		err_print();
		exit(RX_INVALID);
	}
	if (!strv_has(sv, t))
		strv_add(sv, t);
	free(t);
}

int
main(int argc, char **argv)
{
	enum { O_FIRST = 256, O_LAST, O_ROLE, O_PERM, O_SUPER, O_NOSUPER,
	    O_CAP, O_TEAM, O_NOTEAM, O_SEAT, O_CONTACT, O_NOCONTACT, O_DRY,
	    O_VERSION, O_RENAME };
	static const struct option longopts[] = {
		{ "capacity", required_argument, NULL, O_CAP },
		{ "contact", required_argument, NULL, O_CONTACT },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "first-name", required_argument, NULL, O_FIRST },
		{ "help", no_argument, NULL, 'h' },
		{ "last-name", required_argument, NULL, O_LAST },
		{ "no-contact", required_argument, NULL, O_NOCONTACT },
		{ "no-super-admin", no_argument, NULL, O_NOSUPER },
		{ "no-team", required_argument, NULL, O_NOTEAM },
		{ "permission", required_argument, NULL, O_PERM },
		{ "rename", required_argument, NULL, O_RENAME },
		{ "role", required_argument, NULL, O_ROLE },
		{ "seat", required_argument, NULL, O_SEAT },
		{ "store", required_argument, NULL, 'd' },
		{ "super-admin", no_argument, NULL, O_SUPER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	struct store st = STORE_INIT;
	struct userlist others;
	const char *why, *rename_to = NULL;
	time_t now;
	size_t i, j;
	int ch, rc, changes = 0;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		changes++;
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o.store = optarg;
			changes--;
			break;
		case 'h':
			usage(0);
			break;
		case O_CAP:
			o.capacity = optarg;
			break;
		case O_CONTACT:
			strv_split(&o.contacts, optarg);
			break;
		case O_DRY:
			o.dry_run = 1;
			changes--;
			break;
		case O_FIRST:
			o.first = optarg;
			break;
		case O_LAST:
			o.last = optarg;
			break;
		case O_NOCONTACT:
			strv_split(&o.nocontacts, optarg);
			break;
		case O_NOSUPER:
			o.no_super_admin = 1;
			break;
		case O_NOTEAM:
			add_team(&o.noteams, optarg);
			break;
		case O_PERM:
			o.has_perms = 1;
			strv_split(&o.perms, optarg);
			break;
		case O_RENAME:
			rename_to = optarg;
			break;
		case O_ROLE:
			o.role = optarg;
			break;
		case O_SEAT:
			o.seat = optarg;
			break;
		case O_SUPER:
			o.super_admin = 1;
			break;
		case O_TEAM:
			add_team(&o.teams, optarg);
			break;
		case O_VERSION:
			puts("user-mod (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (rename_to) {
		if (changes != 1 || argc != 1) {
			warnmsg("--rename NEW takes one address, the old one, "
			    "and no other change");
			usage(RX_USAGE);
		}
		opts_free(&o);
		return out_close(do_rename(o.store, rename_to, argv[0],
		    o.dry_run));
	}
	if (argc == 0) {
		warnmsg("no address given");
		usage(RX_USAGE);
	}
	if (changes == 0) {
		warnmsg("nothing to change: give at least one option");
		usage(RX_USAGE);
	}
	if (o.super_admin && o.no_super_admin) {
		warnmsg("--super-admin and --no-super-admin contradict");
		usage(RX_USAGE);
	}
	for (i = 0; i < o.teams.n; i++)
		if (strv_has(&o.noteams, o.teams.v[i])) {
			warnmsg("--team and --no-team both name '%s'",
			    o.teams.v[i]);
			usage(RX_USAGE);
		}
	for (i = 0; i < o.contacts.n; i++)
		if (strv_has(&o.nocontacts, o.contacts.v[i])) {
			warnmsg("--contact and --no-contact both name '%s'",
			    o.contacts.v[i]);
			usage(RX_USAGE);
		}
	if ((rc = clock_now(&now)) != 0) {
		err_print();
		opts_free(&o);
		return rc;
	}
	rc = store_open(&st, o.store, o.dry_run ? STORE_READ : STORE_WRITE);
	if (rc) {
		err_print();
		store_close(&st);
		opts_free(&o);
		return rc;
	}
	tg = xcalloc(argc, sizeof *tg);
	ntg = argc;
	if ((rc = check_options(&st, &o)) != 0)
		report(rc);
	for (i = 0; i < ntg; i++) {
		char *norm;
		if ((why = email_invalid(argv[i])) != NULL) {
			fail(RX_INVALID, "bad address '%s': %s", argv[i], why);
			report(RX_INVALID);
			continue;
		}
		norm = email_norm(argv[i]);
		if (target_of(norm) >= 0) {
			fail(RX_RULE, "%s is given twice", norm);
			report(RX_RULE);
		} else if ((rc = user_load(&st, norm, USER_ACTIVE,
		    &tg[i].old)) != 0) {
			report(rc);
		} else {
			user_load(&st, norm, USER_ACTIVE, &tg[i].u);
			tg[i].loaded = 1;
			apply(&o, &tg[i].u);
		}
		free(norm);
	}
	memset(&others, 0, sizeof others);
	if (first_rc == 0)
		check_rules(&st, &o, &others);
	rc = first_rc;
	/* Stage the targets, then the previous primary contact: one
	 * change, so there is never a moment with two primaries or none. */
	for (i = 0; rc == 0 && i < ntg + others.n; i++) {
		struct user *a, *b, tmp;
		char *d;
		if (i < ntg) {
			a = &tg[i].old;
			b = &tg[i].u;
		} else {
			b = &others.u[i - ntg];
			if (user_load(&st, b->email, USER_ACTIVE, &tmp) != 0) {
				rc = err_code();
				err_print();
				break;
			}
			a = &tmp;
		}
		d = describe(a, b);
		if (d && o.dry_run)
			printf("%s: %s\n", b->email, d);
		else if (d) {
			if ((rc = user_save(&st, b, USER_ACTIVE)) != 0)
				err_print();
			else
				audit_add("modify", b->email, "%s", d);
		}
		free(d);
		if (i >= ntg)
			user_free(&tmp);
	}
	if (rc == 0 && !o.dry_run && (rc = txn_commit(&st, now)) != 0)
		err_print();
	store_close(&st);
	for (i = 0; i < ntg; i++)
		if (tg[i].loaded) {
			user_free(&tg[i].old);
			user_free(&tg[i].u);
		}
	free(tg);
	for (j = 0; j < others.n; j++)
		user_free(&others.u[j]);
	free(others.u);
	opts_free(&o);
	return out_close(rc);
}
