/* coverage — how many of a team are available, step by step, for a week. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/sched.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

#define DAY	86400L
#define LABEL	14	/* "Mon 2026-12-21" */

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: coverage [--no-header] [-d dir] [--format table|tsv|csv|json] "
	    "[--min n]\n"
	    "                [--step duration] [--tz zone] [--week date] "
	    "--team team\n");
	exit(rc);
}

struct opts {
	const char *store, *team, *week, *tz, *step;
	long min;
	int fmt, header;
};

static const char *const days[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat", "Sun" };

/* Colour only for a person at a terminal who has not asked for none
 * (https://no-color.org: NO_COLOR set and not empty). */
static int
use_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

/* Background by density: the share of the team available, in 5 steps. */
static const char *
shade(const struct cell *c, long team)
{
	static const char *const ramp[5] = { "", "48;5;22", "48;5;28",
		"48;5;34", "48;5;40" };

	if (c->gap)
		return "41;97";
	if (c->count <= 0 || team <= 0)
		return "";
	return ramp[1 + (c->count * 4 - 1) / team];
}

static int
width_of(long n)
{
	int w = 1;

	for (; n >= 10; n /= 10)
		w++;
	return w;
}

static void
print_header(size_t per, long step, int w)
{
	size_t k;
	int col = LABEL, at = LABEL + 1;

	printf("%-*s", LABEL, "");
	for (k = 0; k < per; k++) {
		long m = (long)k * step / 60;
		if (m % 60 == 0 && col <= at) {
			printf("%*s%02ld", at - col, "", m / 60);
			col = at + 2;
		}
		at += w + 1;
	}
	putchar('\n');
}

/* Days as rows, time of day as columns, a count per cell; "-" for a
 * cell the clock skips; "!" after a gap inside working hours. */
static void
print_grid(const struct cell *c, size_t nc, long step, long monday,
    long team, const struct opts *o)
{
	size_t per = (size_t)(DAY / step), i;
	int w = width_of(team) + 1, colour = use_colour();
	int y, m, d;
	char txt[32];

	if (o->header)
		print_header(per, step, w);
	for (i = 0; i < nc; i++) {
		if (i % per == 0) {
			civil_from_days(monday + (long)(i / per), &y, &m, &d);
			printf("%s %04d-%02d-%02d", days[i / per], y, m, d);
		}
		if (c[i].count < 0)
			snprintf(txt, sizeof txt, "-");
		else
			snprintf(txt, sizeof txt, "%ld%s", c[i].count,
			    c[i].gap ? "!" : "");
		if (colour && *shade(&c[i], team))
			printf(" \033[%sm%*s\033[0m", shade(&c[i], team),
			    w, txt);
		else
			printf(" %*s", w, txt);
		if (i % per == per - 1)
			putchar('\n');
	}
}

static int
print_rows(const struct cell *c, size_t nc, long monday, int fmt, int header)
{
	static const char *const cols[] = { "day", "time", "start", "end",
		"available", "in_window", "gap" };
	static const int types[] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
		OUT_INT, OUT_BOOL, OUT_BOOL };
	char day[16], tm[8], a[32], b[32], n[24];
	const char *cells[7];
	struct out out;
	size_t i;
	int y, m, d, rc;

	out_init(&out, fmt, header, cols, 7, types);
	for (i = 0; i < nc; i++) {
		civil_from_days(monday + c[i].day, &y, &m, &d);
		snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
		snprintf(tm, sizeof tm, "%02ld:%02ld", c[i].minute / 60 % 100,
		    c[i].minute % 60);
		snprintf(n, sizeof n, "%ld", c[i].count);
		cells[0] = day;
		cells[1] = tm;
		cells[2] = c[i].count < 0 ? NULL : time_utc(c[i].start, a);
		cells[3] = c[i].count < 0 ? NULL : time_utc(c[i].end, b);
		cells[4] = c[i].count < 0 ? NULL : n;
		cells[5] = c[i].in_window ? "true" : "false";
		cells[6] = c[i].gap ? "true" : "false";
		out_row(&out, cells);
	}
	rc = out_flush(&out);
	out_free(&out);
	return rc;
}

/* The Monday (days since 1970-01-01) of the week holding --week, or
 * today, in tz. */
static int
week_of(const struct opts *o, struct zone *tz, long *monday)
{
	struct wall w;
	time_t t, lo, hi;
	int rc;

	rc = o->week ? time_parse(o->week, zone_name(tz), 0, &t) :
	    clock_now(&t);
	if (rc)
		return rc;
	zone_wall(tz, t, &w);
	*monday = days_from_civil(w.year, w.mon, w.day) - w.wday;
	sched_week_window(tz, *monday, &lo, &hi);
	if (!time_supported(lo) || !time_supported(hi))
		return fail(RX_INVALID, "--week: the week of %s is not wholly "
		    "in " TIME_RANGE, o->week ? o->week : "now");
	return 0;
}

/* The first gap, for the message that goes with exit 1. */
static int
report_gaps(const struct cell *c, size_t nc, long monday, long min)
{
	size_t i, first = nc, k = 0;
	int y, m, d;

	for (i = 0; i < nc; i++)
		if (c[i].gap && k++ == 0)
			first = i;
	if (k == 0)
		return 0;
	civil_from_days(monday + c[first].day, &y, &m, &d);
	warnmsg("%zu cell%s inside working hours under --min %ld, the first "
	    "%s %04d-%02d-%02d %02ld:%02ld", k, k == 1 ? "" : "s", min,
	    days[c[first].day], y, m, d, c[first].minute / 60,
	    c[first].minute % 60);
	return RX_NO;
}

/* --step in seconds (default 30 minutes): it must divide a day. */
static int
step_of(const struct opts *o, long *step)
{
	int rc;

	*step = 30 * 60;
	if (o->step && (rc = sched_duration(o->step, "--step", 60, DAY,
	    step)) != 0)
		return rc;
	if (DAY % *step != 0)
		return fail(RX_INVALID, "--step: %s does not divide a day",
		    o->step);
	return 0;
}

/* Each member's available spans (av) and working-hours spans (hr) in
 * the week, counted into cells.  Returns how many cells. */
static size_t
count(const struct members *mb, struct zone *tz, long monday, long step,
    long min, struct spans *av, struct spans *hr, struct cell **cells)
{
	time_t lo, hi;
	size_t i;

	sched_week_window(tz, monday, &lo, &hi);
	for (i = 0; i < mb->n; i++) {
		sched_spans(&mb->u[i], mb->z[i], lo, hi, 0, &av[i]);
		sched_spans(&mb->u[i], mb->z[i], lo, hi, 1, &hr[i]);
	}
	return sched_coverage(tz, monday, step, min, av, hr, mb->n, cells);
}

/* The grid or the rows; then the first gap (exit 1), unless a member
 * file did not read (its code, already reported: *shown). */
static int
print_cells(const struct opts *o, const struct cell *cells, size_t nc,
    long monday, long step, const struct members *mb, int bad, int *shown)
{
	int rc = 0;

	if (o->fmt == FMT_TABLE)
		print_grid(cells, nc, step, monday, (long)mb->n, o);
	else
		rc = print_rows(cells, nc, monday, o->fmt, o->header);
	if (rc)
		return rc;
	*shown = 1;
	return bad ? bad : report_gaps(cells, nc, monday, o->min);
}

static int
run(const struct opts *o)
{
	struct members mb;
	struct spans *av = NULL, *hr = NULL;
	struct cell *cells = NULL;
	struct store st = STORE_INIT;
	struct zone *tz;
	long monday, step;
	size_t i, nc;
	int rc, bad = 0, shown = 0;

	memset(&mb, 0, sizeof mb);
	if ((tz = sched_zone(o->tz)) == NULL) {
		rc = err_code();
		goto out;
	}
	if ((rc = step_of(o, &step)) != 0 ||
	    (rc = week_of(o, tz, &monday)) != 0 ||
	    (rc = store_open(&st, o->store, STORE_READ)) != 0 ||
	    (rc = members_load(&st, o->team, NULL, 0, &mb, err_tally,
	    &bad)) != 0)
		goto out;
	av = xcalloc(mb.n + 1, sizeof *av);
	hr = xcalloc(mb.n + 1, sizeof *hr);
	nc = count(&mb, tz, monday, step, o->min, av, hr, &cells);
	rc = print_cells(o, cells, nc, monday, step, &mb, bad, &shown);
out:
	for (i = 0; av && i < mb.n; i++) {
		spans_free(&av[i]);
		spans_free(&hr[i]);
	}
	free(av);
	free(hr);
	free(cells);
	members_free(&mb);
	return cmd_end(&st, rc, shown);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FORMAT = 256, O_MIN, O_NOHEADER, O_STEP, O_TEAM, O_TZ,
	    O_WEEK };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "min", required_argument, NULL, O_MIN },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "step", required_argument, NULL, O_STEP },
		{ "team", required_argument, NULL, O_TEAM },
		{ "tz", required_argument, NULL, O_TZ },
		{ "week", required_argument, NULL, O_WEEK },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "coverage", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_FORMAT:
			if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_MIN:
			if (parse_long(optarg, 0, 1000000, &o->min) != 0) {
				warnmsg("--min: not a count from 0 to 1000000: %s",
				    optarg);
				exit(RX_INVALID);
			}
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_STEP:
			o->step = optarg;
			break;
		case O_TEAM:
			o->team = cmd_team(optarg);
			break;
		case O_TZ:
			o->tz = optarg;
			break;
		case O_WEEK:
			o->week = optarg;
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
	struct opts o = { .fmt = FMT_TABLE, .header = 1, .min = 1 };

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	if (argc - optind != 0 || o.team == NULL) {
		warnmsg("coverage takes --team and no operands");
		usage(RX_USAGE);
	}
	return run(&o);
}
