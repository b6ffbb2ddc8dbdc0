/* user-rm — remove users: their file moves to removed/ with removed_at. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/records.h"
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
	    "usage: user-rm [--dry-run] [-d dir] [--force | --unassign | "
	    "--reassign-to email\n"
	    "               [--all-records]] email ...\n");
	exit(rc);
}

static struct user *us;
static size_t nus;
static int first_rc;

/* Report one failure of the batch and remember the first code. */
static void
report(int rc)
{
	err_print();
	if (first_rc == 0)
		first_rc = rc;
}

/* 1 if e is one of the users being removed. */
static int
removing(const char *e)
{
	size_t i;

	for (i = 0; i < nus; i++)
		if (strcasecmp(us[i].email, e) == 0)
			return 1;
	return 0;
}

/* Super admin after the removal: one not in the batch. */
static int
stays_super_admin(const struct user *u, void *arg)
{
	(void)arg;
	return u->super_admin && !removing(u->email);
}

/* 1 if removing the batch would leave no super admin, -1 on error. */
static int
last_super_admin(struct store *st)
{
	struct userlist ul;
	size_t left, before;
	int bad = 0, rc;

	if ((rc = user_list(st, USER_ACTIVE, &ul, err_tally, &bad)) != 0) {
		report(rc);
		return -1;
	}
	before = super_admins(&ul, NULL, NULL);
	left = super_admins(&ul, stays_super_admin, NULL);
	userlist_free(&ul);
	if (bad && left == 0) {
		fail(bad, "cannot count the super admins: a user file does "
		    "not load (see above)");
		report(bad);
		return -1;
	}
	return super_admin_lost(before, left);
}

/* Every blocker of u, each reported with its way out. */
static void
check_user(struct user *u, int *lastsa, struct store *st,
    const struct records *rs, int dealt)
{
	struct strv why = { 0 };
	size_t i;

	if (u->super_admin && *lastsa == -2)
		*lastsa = last_super_admin(st);
	if (u->super_admin && *lastsa < 0)
		return;		/* reported */
	removal_blockers(u, u->super_admin && *lastsa == 1, rs, dealt, &why);
	for (i = 0; i < why.n; i++) {
		fail(RX_RULE, "%s", why.v[i]);
		report(RX_RULE);
	}
	strv_free(&why);
}

/* The audit row of one removal: what became of its records and welcome. */
static void
audit_removal(const struct records *rs, const char *e, const char *to,
    int unassign, size_t moved, int dropped)
{
	const char *w = dropped ? "queued welcome dropped" : "";
	size_t m = records_count(rs, e, NULL, RECORD_OPEN);

	if (to)
		audit_add("remove", e, "%zu record%s reassigned to %s%s%s", moved,
		    moved == 1 ? "" : "s", to, *w ? "; " : "", w);
	else if (unassign)
		audit_add("remove", e, "%zu record%s returned to the backlog%s%s",
		    moved, moved == 1 ? "" : "s", *w ? "; " : "", w);
	else if (m)
		audit_add("remove", e, "%zu open record%s kept (--force)%s%s", m,
		    m == 1 ? "" : "s", *w ? "; " : "", w);
	else
		audit_add("remove", e, "%s", w);
}

/* The user --reassign-to names must be active and readable: a file that
 * cannot be read is 7, not "no such user". */
static int
target_ok(struct store *st, const char *email)
{
	struct user u;
	int rc;

	rc = user_load(st, email, USER_ACTIVE, &u);
	if (rc == RX_NOTFOUND)
		return fail(RX_NOTFOUND, "no such user: %s (--reassign-to "
		    "names an active user)", email);
	if (rc == 0)
		user_free(&u);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { O_DRY = 256, O_FORCE, O_REASSIGN, O_VERSION, O_ALL, O_UNASSIGN };
	static const struct option longopts[] = {
		{ "all-records", no_argument, NULL, O_ALL },
		{ "unassign", no_argument, NULL, O_UNASSIGN },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "force", no_argument, NULL, O_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ "reassign-to", required_argument, NULL, O_REASSIGN },
		{ "store", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct store st = STORE_INIT;
	struct records rs;
	const char *storeopt = NULL, *to = NULL, *why;
	char *tonorm = NULL, *fname, *rel;
	time_t now;
	size_t i, moved = 0, *each;
	int ch, rc, dry_run = 0, force = 0, lastsa = -2, dropped, all = 0,
	    unassign = 0;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			storeopt = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_DRY:
			dry_run = 1;
			break;
		case O_FORCE:
			force = 1;
			break;
		case O_ALL:
			all = 1;
			break;
		case O_UNASSIGN:
			unassign = 1;
			break;
		case O_REASSIGN:
			to = optarg;
			break;
		case O_VERSION:
			puts("user-rm (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		warnmsg("no address given");
		usage(RX_USAGE);
	}
	if ((to != NULL) + force + unassign > 1) {
		warnmsg("give one of --reassign-to, --unassign, --force");
		usage(RX_USAGE);
	}
	if (all && to == NULL) {
		warnmsg("--all-records goes with --reassign-to");
		usage(RX_USAGE);
	}
	if ((rc = clock_now(&now)) != 0) {
		err_print();
		return rc;
	}
	rc = store_open(&st, storeopt, dry_run ? STORE_READ : STORE_WRITE);
	if (rc) {
		err_print();
		store_close(&st);
		return rc;
	}
	us = xcalloc(argc, sizeof *us);
	for (i = 0; i < (size_t)argc; i++) {
		char *norm;
		if ((why = email_invalid(argv[i])) != NULL) {
			fail(RX_INVALID, "bad address '%s': %s", argv[i], why);
			report(RX_INVALID);
			continue;
		}
		norm = email_norm(argv[i]);
		if (removing(norm)) {
			fail(RX_RULE, "%s is given twice", norm);
			report(RX_RULE);
		} else if ((rc = user_load(&st, norm, USER_ACTIVE,
		    &us[nus])) != 0)
			report(rc);
		else
			nus++;
		free(norm);
	}
	if (to) {
		if ((why = email_invalid(to)) != NULL) {
			fail(RX_INVALID, "bad address '%s': %s", to, why);
			report(RX_INVALID);
		} else {
			tonorm = email_norm(to);
			if (removing(tonorm)) {
				fail(RX_RULE, "cannot reassign records to %s: "
				    "that user is being removed", tonorm);
				report(RX_RULE);
			} else if ((rc = target_ok(&st, tonorm)) != 0)
				report(rc);
		}
	}
	memset(&rs, 0, sizeof rs);
	if ((rc = records_load(&st, &rs)) != 0)
		report(rc);
	else
		records_warn_malformed(&rs);	/* kept as they are */
	if (rc == 0)
		for (i = 0; i < nus; i++)
			check_user(&us[i], &lastsa, &st, &rs,
			    tonorm || unassign || force);
	rc = first_rc;
	each = xcalloc(nus + 1, sizeof *each);
	if (rc == 0 && (tonorm || unassign))
		for (i = 0; i < nus; i++)
			moved += each[i] = records_reassign(&rs, us[i].email,
			    tonorm, all);
	if (rc == 0 && dry_run) {
		for (i = 0; i < nus; i++) {
			printf("remove %s\n", us[i].email);
			if (welcome_queued(&st, us[i].email))
				printf("drop the queued welcome of %s\n",
				    us[i].email);
		}
		if (moved && tonorm)
			printf("reassign %zu record%s to %s\n", moved,
			    moved == 1 ? "" : "s", tonorm);
		else if (moved)
			printf("return %zu record%s to the backlog\n", moved,
			    moved == 1 ? "" : "s");
	} else if (rc == 0) {
		/* One transaction: the removed/ copies, records.csv with the
		 * new owners, the queued welcomes and the users/ files go
		 * together or not at all. */
		for (i = 0; rc == 0 && i < nus; i++) {
			us[i].removed_at = now;
			rc = user_save(&st, &us[i], USER_REMOVED);
		}
		if (rc == 0 && moved)
			rc = records_save(&st, &rs);
		for (i = 0; rc == 0 && i < nus; i++) {
			rc = welcome_drop(&st, us[i].email, &dropped);
			fname = email_fname(us[i].email);
			rel = xasprintf("users/%s", fname);
			if (rc == 0)
				rc = txn_remove(&st, rel);
			free(rel);
			free(fname);
			if (rc == 0)
				audit_removal(&rs, us[i].email, tonorm, unassign,
				    each[i], dropped);
		}
		if (rc == 0)
			rc = txn_commit(&st, now);
		if (rc)
			err_print();
	}
	free(each);
	records_free(&rs);
	store_close(&st);
	for (i = 0; i < nus; i++)
		user_free(&us[i]);
	free(us);
	free(tonorm);
	return out_close(rc);
}
