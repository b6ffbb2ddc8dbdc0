/* user-rm — remove users: their file moves to removed/ with removed_at. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/cmd.h"
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

struct opts {
	const char *store, *to;
	int dry, force, unassign, all;
};

/* The users being removed, as loaded, and what becomes of their records. */
struct batch {
	struct user *u;
	size_t n;
	char *to;		/* --reassign-to, normalised; NULL: none */
	struct records rs;
	size_t *moved;		/* records moved per user */
	size_t total;
	int first;		/* the code of the first failure */
};

/* 1 if e is one of the users being removed. */
static int
removing(const struct batch *b, const char *e)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcasecmp(b->u[i].email, e) == 0)
			return 1;
	return 0;
}

/* Super admin after the removal: one not in the batch (arg). */
static int
stays_super_admin(const struct user *u, void *arg)
{
	return u->super_admin && !removing(arg, u->email);
}

/* 1 if removing the batch would leave no super admin, -1 on error. */
static int
last_super_admin(struct store *st, struct batch *b)
{
	struct userlist ul;
	size_t left, before;
	int bad = 0, rc;

	if ((rc = user_list(st, USER_ACTIVE, &ul, err_tally, &bad)) != 0) {
		batch_fail(&b->first, rc);
		return -1;
	}
	before = super_admins(&ul, NULL, NULL);
	left = super_admins(&ul, stays_super_admin, b);
	userlist_free(&ul);
	if (bad && left == 0) {
		fail(bad, "cannot count the super admins: a user file does "
		    "not load (see above)");
		batch_fail(&b->first, bad);
		return -1;
	}
	return super_admin_lost(before, left);
}

/* Every blocker of u, each reported with its way out.  *lastsa is the
 * super admin count, made once when the first super admin comes (-2: not
 * yet). */
static void
check_user(struct store *st, struct batch *b, struct user *u, int *lastsa,
    int dealt)
{
	struct strv why = { 0 };
	size_t i;

	if (u->super_admin && *lastsa == -2)
		*lastsa = last_super_admin(st, b);
	if (u->super_admin && *lastsa < 0)
		return;		/* reported */
	removal_blockers(u, u->super_admin && *lastsa == 1, &b->rs, dealt,
	    &why);
	for (i = 0; i < why.n; i++)
		batch_fail(&b->first, fail(RX_RULE, "%s", why.v[i]));
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

/* Load each address given; a bad, doubled or unknown one is reported. */
static void
load_users(struct store *st, struct batch *b, int n, char **addrs)
{
	const char *why;
	char *norm;
	int i, rc;

	b->u = xcalloc(n, sizeof *b->u);
	for (i = 0; i < n; i++) {
		if ((why = email_invalid(addrs[i])) != NULL) {
			batch_fail(&b->first, fail(RX_INVALID, "bad address "
			    "'%s': %s", addrs[i], why));
			continue;
		}
		norm = email_norm(addrs[i]);
		if (removing(b, norm))
			batch_fail(&b->first, fail(RX_RULE, "%s is given twice",
			    norm));
		else if ((rc = user_load(st, norm, USER_ACTIVE,
		    &b->u[b->n])) != 0)
			batch_fail(&b->first, rc);
		else
			b->n++;
		free(norm);
	}
}

/* --reassign-to: a valid address of an active user not being removed. */
static void
load_target(struct store *st, struct batch *b, const char *to)
{
	const char *why;
	int rc;

	if ((why = email_invalid(to)) != NULL) {
		batch_fail(&b->first, fail(RX_INVALID, "bad address '%s': %s",
		    to, why));
		return;
	}
	b->to = email_norm(to);
	if (removing(b, b->to))
		batch_fail(&b->first, fail(RX_RULE, "cannot reassign records "
		    "to %s: that user is being removed", b->to));
	else if ((rc = target_ok(st, b->to)) != 0)
		batch_fail(&b->first, rc);
}

/* Everything that may refuse the removal, each failure reported: the
 * addresses, the target, records.csv, then each user's blockers. */
static int
check_batch(const struct opts *o, struct store *st, struct batch *b,
    int n, char **addrs)
{
	int rc, lastsa = -2;
	size_t i;

	load_users(st, b, n, addrs);
	if (o->to)
		load_target(st, b, o->to);
	if ((rc = records_load(st, &b->rs)) != 0) {
		batch_fail(&b->first, rc);
		return b->first;
	}
	records_warn_malformed(&b->rs);	/* kept as they are */
	for (i = 0; i < b->n; i++)
		check_user(st, b, &b->u[i], &lastsa,
		    b->to || o->unassign || o->force);
	return b->first;
}

/* --reassign-to or --unassign: move the records in memory. */
static void
move_records(const struct opts *o, struct batch *b)
{
	size_t i;

	b->moved = xcalloc(b->n + 1, sizeof *b->moved);
	if (b->to == NULL && !o->unassign)
		return;
	for (i = 0; i < b->n; i++)
		b->total += b->moved[i] = records_reassign(&b->rs,
		    b->u[i].email, b->to, o->all);
}

/* --dry-run: what the removal would do. */
static void
print_plan(struct store *st, const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		printf("remove %s\n", b->u[i].email);
		if (welcome_queued(st, b->u[i].email))
			printf("drop the queued welcome of %s\n",
			    b->u[i].email);
	}
	if (b->total && b->to)
		printf("reassign %zu record%s to %s\n", b->total,
		    b->total == 1 ? "" : "s", b->to);
	else if (b->total)
		printf("return %zu record%s to the backlog\n", b->total,
		    b->total == 1 ? "" : "s");
}

/* Stage the removal of user i: its welcome dropped, users/FILE gone. */
static int
stage_user(const struct opts *o, struct store *st, struct batch *b,
    size_t i)
{
	char *fname, *rel;
	int rc, dropped;

	rc = welcome_drop(st, b->u[i].email, &dropped);
	fname = email_fname(b->u[i].email);
	rel = xasprintf("users/%s", fname);
	if (rc == 0)
		rc = txn_remove(st, rel);
	free(rel);
	free(fname);
	if (rc == 0)
		audit_removal(&b->rs, b->u[i].email, b->to, o->unassign,
		    b->moved[i], dropped);
	return rc;
}

/* One transaction: the removed/ copies, records.csv with the new owners,
 * the queued welcomes and the users/ files go together or not at all.
 * A failure is printed here. */
static int
remove_all(const struct opts *o, struct store *st, struct batch *b,
    time_t now)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < b->n; i++) {
		b->u[i].removed_at = now;
		rc = user_save(st, &b->u[i], USER_REMOVED);
	}
	if (rc == 0 && b->total)
		rc = records_save(st, &b->rs);
	for (i = 0; rc == 0 && i < b->n; i++)
		rc = stage_user(o, st, b, i);
	if (rc == 0)
		rc = txn_commit(st, now);
	if (rc)
		err_print();
	return rc;
}

static void
batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		user_free(&b->u[i]);
	free(b->u);
	free(b->to);
	free(b->moved);
	records_free(&b->rs);
}

/* Check the whole batch, then remove it (or print the plan).  Every
 * failure is printed by the time this returns. */
static int
run(const struct opts *o, int n, char **addrs)
{
	struct batch b;
	struct store st = STORE_INIT;
	time_t now;
	int rc;

	if ((rc = clock_now(&now)) != 0)
		return cmd_end(NULL, rc, 0);
	if ((rc = store_open(&st, o->store, o->dry ? STORE_READ :
	    STORE_WRITE)) != 0)
		return cmd_end(&st, rc, 0);
	memset(&b, 0, sizeof b);
	if ((rc = check_batch(o, &st, &b, n, addrs)) == 0) {
		move_records(o, &b);
		if (o->dry)
			print_plan(&st, &b);
		else
			rc = remove_all(o, &st, &b, now);
	}
	batch_free(&b);
	return cmd_end(&st, rc, 1);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_DRY = 256, O_FORCE, O_REASSIGN, O_ALL, O_UNASSIGN };
	static const struct option longopts[] = {
		{ "all-records", no_argument, NULL, O_ALL },
		{ "unassign", no_argument, NULL, O_UNASSIGN },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "force", no_argument, NULL, O_FORCE },
		{ "reassign-to", required_argument, NULL, O_REASSIGN },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "user-rm", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_DRY:
			o->dry = 1;
			break;
		case O_FORCE:
			o->force = 1;
			break;
		case O_ALL:
			o->all = 1;
			break;
		case O_UNASSIGN:
			o->unassign = 1;
			break;
		case O_REASSIGN:
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
	if (argc == 0) {
		warnmsg("no address given");
		usage(RX_USAGE);
	}
	if ((o->to != NULL) + o->force + o->unassign > 1) {
		warnmsg("give one of --reassign-to, --unassign, --force");
		usage(RX_USAGE);
	}
	if (o->all && o->to == NULL) {
		warnmsg("--all-records goes with --reassign-to");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	check_args(argc, &o);
	return run(&o, argc, argv);
}
