/* ooo-rm — remove out-of-office periods: one, all, or those that ended. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/err.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
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

static int dry;

/* Drop the periods of u that match; 1 if any was dropped. */
static int
drop(struct store *st, struct user *u, int all, int past, time_t start,
    time_t now)
{
	const char *zname = user_zone(st, u);
	size_t i, j = 0;
	int n = 0;

	for (i = 0; i < u->nooo; i++) {
		struct period *p = &u->ooo[i];
		if (all || (past && p->end <= now) ||
		    (!all && !past && p->start == start)) {
			char a[40], b[40];
			time_in_zone(p->start, zname, a);
			time_in_zone(p->end, zname, b);
			if (dry)
				printf("%s: - %s %s\n", u->email, a, b);
			else
				audit_add("ooo-rm", u->email, "%s %s", a, b);
			free(p->source);
			free(p->uid);
			n++;
			continue;
		}
		u->ooo[j++] = *p;
	}
	u->nooo = j;
	return n > 0;
}

int
main(int argc, char **argv)
{
	enum { O_START = 256, O_ALL, O_PAST, O_DRY, O_VERSION };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, O_ALL },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ "past", no_argument, NULL, O_PAST },
		{ "start", required_argument, NULL, O_START },
		{ "store", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *start = NULL;
	int ch, rc = 0, all = 0, past = 0, first = 0;
	struct userlist ul = { 0 };
	struct store st = STORE_INIT;
	char *changed;
	time_t now, t = 0;
	size_t i;

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
		case O_ALL:
			all = 1;
			break;
		case O_DRY:
			dry = 1;
			break;
		case O_PAST:
			past = 1;
			break;
		case O_START:
			start = optarg;
			break;
		case O_VERSION:
			puts("ooo-rm (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if ((start != NULL) + all + past != 1) {
		warnmsg("give one of --start, --all, --past");
		usage(RX_USAGE);
	}
	if (!past && argc != 1) {
		warnmsg("--start and --all take one address");
		usage(RX_USAGE);
	}
	if ((rc = clock_now(&now)) != 0) {
		err_print();
		return rc;
	}
	rc = store_open(&st, store, dry ? STORE_READ : STORE_WRITE);
	if (rc) {
		err_print();
		store_close(&st);
		return rc;
	}
	if (past && argc == 0) {
		/* Everyone whose file reads; the others are reported and
		 * make the exit status 7 once the work is done. */
		if ((rc = user_list(&st, USER_ACTIVE, &ul, err_tally,
		    &first)) != 0) {
			err_print();
			goto out;
		}
	} else {
		ul.u = xcalloc((size_t)argc, sizeof *ul.u);
		for (i = 0; i < (size_t)argc; i++) {
			rc = user_load(&st, argv[i], USER_ACTIVE, &ul.u[ul.n]);
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
	}
	changed = xcalloc(ul.n ? ul.n : 1, 1);
	for (i = 0; i < ul.n; i++) {
		if (start) {
			rc = time_parse(start, user_zone(&st, &ul.u[i]), 0, &t);
			if (rc) {
				err_print();
				break;
			}
		}
		changed[i] = (char)drop(&st, &ul.u[i], all, past, t, now);
		if (start && !changed[i]) {
			rc = fail(RX_NOTFOUND, "%s has no out-of-office period "
			    "starting at %s", ul.u[i].email, start);
			err_print();
		}
	}
	if (rc == 0 && !dry) {
		for (i = 0; i < ul.n && rc == 0; i++)
			if (changed[i])
				rc = user_save(&st, &ul.u[i], USER_ACTIVE);
		if (rc == 0)
			rc = txn_commit(&st, now);
		if (rc)
			err_print();
	} else
		audit_drop();
	free(changed);
	if (rc == 0)
		rc = first;
out:
	userlist_free(&ul);
	store_close(&st);
	return out_close(rc);
}
