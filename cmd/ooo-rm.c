/* ooo-rm — remove out-of-office periods: one, all, or those that ended. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/ooo.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/userset.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: ooo-rm [--dry-run] [-d dir] email --start time\n"
	    "       ooo-rm [--dry-run] [-d dir] email --all\n"
	    "       ooo-rm [--dry-run] [-d dir] --past [email ...]\n");
	exit(rc);
}

struct opts {
	const char *store, *start;	/* --start as given, or NULL */
	int all, past, dry;
};

/* What gone() needs to show a period. */
struct shown {
	const struct store *st;
	int dry;
};

/* Each period removed: a line (--dry-run) or an audit row. */
static void
gone(const struct user *u, const struct period *p, void *arg)
{
	const struct shown *sh = arg;
	const char *zname = user_zone(sh->st, u);
	char a[40], b[40];

	time_in_zone(p->start, zname, a);
	time_in_zone(p->end, zname, b);
	if (sh->dry)
		printf("%s: - %s %s\n", u->email, a, b);
	else
		audit_add("ooo-rm", u->email, "%s %s", a, b);
}

/* Remove what o picks from u; *changed 1 if anything went.  --start is
 * a wall-clock time in u's zone and must name one of its periods. */
static int
remove_picked(struct store *st, const struct opts *o, struct user *u,
    time_t now, int *changed)
{
	struct shown sh = { st, o->dry };
	time_t t = now;
	int rc;

	if (o->start && (rc = time_parse(o->start, user_zone(st, u), 0,
	    &t)) != 0)
		return rc;
	*changed = ooo_remove_if(u, o->all ? ooo_pick_all : o->past ?
	    ooo_pick_past : ooo_pick_start, t, gone, &sh) > 0;
	if (o->start && !*changed)
		return fail(RX_NOTFOUND, "%s has no out-of-office period "
		    "starting at %s", u->email, o->start);
	return 0;
}

/* Remove from every user of ul, then save the changed ones as one
 * change (nothing is written after a failure or with --dry-run). */
static int
remove_all(struct store *st, const struct opts *o, struct userlist *ul,
    time_t now)
{
	char *changed = xcalloc(ul->n ? ul->n : 1, 1);
	size_t i;
	int rc = 0, c = 0;

	for (i = 0; i < ul->n && rc == 0; i++) {
		rc = remove_picked(st, o, &ul->u[i], now, &c);
		changed[i] = (char)c;
		if (rc)
			err_print();
	}
	if (rc == 0 && !o->dry) {
		for (i = 0; i < ul->n && rc == 0; i++)
			if (changed[i])
				rc = user_save(st, &ul->u[i], USER_ACTIVE);
		if (rc == 0)
			rc = txn_commit(st, now);
		if (rc)
			err_print();
	} else
		audit_drop();
	free(changed);
	return rc;
}

/* The users: those named, or with --past and none named, everyone whose
 * file reads (the others are reported and make the exit status 7 once
 * the work is done).  0, or the exit code of a failure already shown. */
static int
load(struct store *st, int n, char **emails, int past,
    struct userlist *ul, int *unread)
{
	int rc, first = 0;

	if (past && n == 0) {
		if ((rc = user_list(st, USER_ACTIVE, ul, err_tally,
		    unread)) != 0)
			err_print();
		return rc;
	}
	users_load(st, emails, (size_t)n, ul, &first);
	return first;
}

static int
run(const struct opts *o, int n, char **emails)
{
	struct userlist ul = { 0 };
	struct store st = STORE_INIT;
	time_t now;
	int rc, unread = 0;

	if ((rc = clock_now(&now)) != 0)
		return cmd_end(NULL, rc, 0);
	if ((rc = store_open(&st, o->store, o->dry ? STORE_READ :
	    STORE_WRITE)) != 0)
		return cmd_end(&st, rc, 0);
	if ((rc = load(&st, n, emails, o->past, &ul, &unread)) == 0 &&
	    (rc = remove_all(&st, o, &ul, now)) == 0)
		rc = unread;
	userlist_free(&ul);
	return cmd_end(&st, rc, 1);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_START = 256, O_ALL, O_PAST, O_DRY };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, O_ALL },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "past", no_argument, NULL, O_PAST },
		{ "start", required_argument, NULL, O_START },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "ooo-rm", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_ALL:
			o->all = 1;
			break;
		case O_DRY:
			o->dry = 1;
			break;
		case O_PAST:
			o->past = 1;
			break;
		case O_START:
			o->start = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* One of --start, --all, --past; the first two for one address. */
static void
check_args(int n, const struct opts *o)
{
	if ((o->start != NULL) + o->all + o->past != 1) {
		warnmsg("give one of --start, --all, --past");
		usage(RX_USAGE);
	}
	if (!o->past && n != 1) {
		warnmsg("--start and --all take one address");
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	check_args(argc - optind, &o);
	return run(&o, argc - optind, argv + optind);
}
