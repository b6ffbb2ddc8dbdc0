/* ooo-add — add an out-of-office period, or list a user's periods. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/audit.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/zone.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: ooo-add [--dry-run] [-d dir] email --from time --to time\n"
	    "       ooo-add [-d dir] [--format format] [--no-header] email\n");
	exit(rc);
}

static int
cmp_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static const char *const cols[] = { "start", "end" };

int
main(int argc, char **argv)
{
	enum { O_FROM = 256, O_TO, O_DRY, O_FORMAT, O_NOHEADER, O_VERSION };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "store", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, O_TO },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *from = NULL, *to = NULL, *zname;
	int ch, rc, dry = 0, fmt = FMT_TABLE, header = 1, fmtset = 0;
	struct store st;
	struct user u;
	struct period p;
	time_t now;
	size_t i;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_DRY:
			dry = 1;
			break;
		case O_FORMAT:
			if (out_format(optarg, &fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			fmtset = 1;
			break;
		case O_FROM:
			from = optarg;
			break;
		case O_NOHEADER:
			header = 0;
			break;
		case O_TO:
			to = optarg;
			break;
		case O_VERSION:
			puts("ooo-add (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		warnmsg(argc ? "one address at a time" : "no address given");
		usage(RX_USAGE);
	}
	if ((from == NULL) != (to == NULL)) {
		warnmsg("give both --from and --to");
		usage(RX_USAGE);
	}
	if (from && fmtset) {
		warnmsg("--format lists periods; not with --from and --to");
		usage(RX_USAGE);
	}
	if ((rc = clock_now(&now)) != 0) {
		err_print();
		return rc;
	}
	rc = store_open(&st, store, from && !dry ? STORE_WRITE : STORE_READ);
	if (rc) {
		err_print();
		store_close(&st);
		return rc;
	}
	if ((rc = user_load(&st, argv[0], USER_ACTIVE, &u)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	zname = user_zone(&st, &u);
	if (from == NULL) {
		struct out o;
		out_init(&o, fmt, header, cols, 2, NULL);
		for (i = 0; i < u.nooo; i++) {
			char a[40], b[40];
			const char *cells[2] = { a, b };
			if (fmt == FMT_TABLE) {
				time_in_zone(u.ooo[i].start, zname, a);
				time_in_zone(u.ooo[i].end, zname, b);
			} else {
				time_utc(u.ooo[i].start, a);
				time_utc(u.ooo[i].end, b);
			}
			out_row(&o, cells);
		}
		rc = out_flush(&o);
		out_free(&o);
		goto out;
	}
	memset(&p, 0, sizeof p);
	if ((rc = time_parse(from, zname, 0, &p.start)) != 0 ||
	    (rc = time_parse(to, zname, 1, &p.end)) != 0) {
		err_print();
		goto out;
	}
	if (p.end <= p.start) {
		rc = fail(RX_INVALID, "--to %s is not after --from %s", to, from);
		err_print();
		goto out;
	}
	for (i = 0; i < u.nooo; i++) {
		if (u.ooo[i].start == p.start && u.ooo[i].end == p.end) {
			rc = fail(RX_RULE, "%s already has that period; "
			    "remove it with ooo-rm --start first", u.email);
			err_print();
			goto out;
		}
	}
	u.ooo = xrealloc(u.ooo, (u.nooo + 1) * sizeof *u.ooo);
	u.ooo[u.nooo++] = p;
	qsort(u.ooo, u.nooo, sizeof *u.ooo, cmp_period);
	{
		char a[40], b[40];
		time_in_zone(p.start, zname, a);
		time_in_zone(p.end, zname, b);
		if (dry) {
			printf("%s: + %s %s\n", u.email, a, b);
			goto out;
		}
		audit_add("ooo-add", u.email, "%s %s", a, b);
	}
	rc = user_save(&st, &u, USER_ACTIVE);
	if (rc == 0)
		rc = audit_flush(&st, now);
	if (rc)
		err_print();
out:
	user_free(&u);
	store_close(&st);
	return out_close(rc);
}
