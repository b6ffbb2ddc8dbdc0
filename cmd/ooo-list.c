/* ooo-list — who is out: the absences that overlap a window. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/ooo.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: ooo-list [-d dir] [--from time] [--to time] [--team team]\n"
	    "                [--format format] [--no-header] [email ...]\n");
	exit(rc);
}

struct opts {
	const char *store, *from, *to, *team;
	int fmt, header;
};

static const char *const cols[] = { "email", "start", "end", "source" };

/* The window: --from (default now) up to --to (default: no end). */
static int
window(const struct opts *o, time_t *from, time_t *to)
{
	int rc;

	*to = TIME_MAX;
	if ((rc = o->from ? time_parse(o->from, NULL, 0, from) :
	    clock_now(from)) != 0)
		return rc;
	if (o->to && (rc = time_parse(o->to, NULL, 1, to)) != 0)
		return rc;
	if (*to <= *from)
		return fail(RX_INVALID, "--to %s is not after --from %s",
		    o->to, o->from ? o->from : "now");
	return 0;
}

/* u's periods that overlap the window, as rows (ooo_times()). */
static void
rows_of(struct out *out, const struct store *st, const struct user *u,
    time_t from, time_t to)
{
	const char *zone = user_zone(st, u);
	char a[40], b[40];
	size_t i;

	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		if (!ooo_overlaps(p, from, to))
			continue;
		ooo_times(p, zone, out->fmt, a, b);
		out_row(out, (const char *const[]){ u->email, a, b,
		    p->source ? p->source : "manual" });
	}
}

static int
list(const struct opts *o, int n, char **emails)
{
	struct userlist ul;
	struct store st = STORE_INIT;
	struct out out;
	time_t from, to;
	size_t i;
	int rc, bad = 0;

	if ((rc = window(o, &from, &to)) != 0) {
		err_print();
		return rc;
	}
	if ((rc = store_open(&st, o->store, STORE_READ)) != 0) {
		err_print();
		store_close(&st);
		return rc;
	}
	memset(&ul, 0, sizeof ul);
	if (n == 0)
		rc = user_list(&st, USER_ACTIVE, &ul, err_tally, &bad);
	else {
		ul.u = xcalloc((size_t)n, sizeof *ul.u);
		for (i = 0; i < (size_t)n; i++) {
			int r = user_load(&st, emails[i], USER_ACTIVE,
			    &ul.u[ul.n]);
			if (r)
				err_tally(r, &bad);
			else
				ul.n++;
		}
	}
	/* A team nobody is in: a misspelt name (4, with the closest). */
	for (i = 0; rc == 0 && o->team && i < ul.n; i++)
		if (strv_has(&ul.u[i].teams, o->team))
			break;
	if (rc == 0 && o->team && i == ul.n &&
	    (rc = team_unknown(&st, o->team)) != 0)
		bad = 0;
	if (rc)
		err_print();
	else {
		out_init(&out, o->fmt, o->header, cols, 4, NULL);
		for (i = 0; i < ul.n; i++)
			if (o->team == NULL || strv_has(&ul.u[i].teams, o->team))
				rows_of(&out, &st, &ul.u[i], from, to);
		rc = out_flush(&out);
		out_free(&out);
	}
	userlist_free(&ul);
	store_close(&st);
	return rc ? rc : bad;
}

/* Parse the options into o; the addresses are what is left of argv. */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FROM = 256, O_TO, O_TEAM, O_FORMAT, O_NOHEADER };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "from", required_argument, NULL, O_FROM },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "to", required_argument, NULL, O_TO },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "ooo-list", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_FORMAT:
			if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		case O_TO:
			o->to = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1 };

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	return out_close(list(&o, argc - optind, argv + optind));
}
