/* coverage — how many of a team are available, step by step, for a week. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/out.h"
#include "roster/rules.h"
#include "roster/sched.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

/* --team as given, trimmed (team_name()); kept to the end. */
static char *teamname;

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

static int
run(const struct opts *o)
{
	struct members mb;
	struct spans *av = NULL, *hr = NULL;
	struct cell *cells = NULL;
	struct store st = STORE_INIT;
	struct zone *tz;
	long monday, step = 30 * 60;
	time_t lo, hi;
	size_t i, nc = 0;
	int rc, bad = 0;

	memset(&mb, 0, sizeof mb);
	if ((tz = zone_get(o->tz)) == NULL) {
		rc = fail(RX_INVALID, "--tz: unknown time zone %s", o->tz);
		goto out;
	}
	if (o->step && (rc = sched_duration(o->step, "--step", 60, DAY,
	    &step)) != 0)
		goto out;
	if (DAY % step != 0) {
		rc = fail(RX_INVALID, "--step: %s does not divide a day",
		    o->step);
		goto out;
	}
	if ((rc = week_of(o, tz, &monday)) != 0 ||
	    (rc = store_open(&st, o->store, STORE_READ)) != 0 ||
	    (rc = members_load(&st, o->team, NULL, 0, &mb, err_tally,
	    &bad)) != 0)
		goto out;
	sched_week_window(tz, monday, &lo, &hi);
	av = xcalloc(mb.n + 1, sizeof *av);
	hr = xcalloc(mb.n + 1, sizeof *hr);
	for (i = 0; i < mb.n; i++) {
		sched_spans(&mb.u[i], mb.z[i], lo, hi, 0, &av[i]);
		sched_spans(&mb.u[i], mb.z[i], lo, hi, 1, &hr[i]);
	}
	nc = sched_coverage(tz, monday, step, o->min, av, hr, mb.n, &cells);
	if (o->fmt == FMT_TABLE) {
		print_grid(cells, nc, step, monday, (long)mb.n, o);
		rc = 0;
	} else
		rc = print_rows(cells, nc, monday, o->fmt, o->header);
	if (rc == 0 && bad) {
		rc = bad;	/* each unreadable file was reported */
		goto done;
	}
	if (rc == 0)
		rc = report_gaps(cells, nc, monday, o->min);
out:
	if (rc && rc != RX_NO)
		err_print();
done:
	for (i = 0; av && i < mb.n; i++) {
		spans_free(&av[i]);
		spans_free(&hr[i]);
	}
	free(av);
	free(hr);
	free(cells);
	members_free(&mb);
	store_close(&st);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_MIN, O_NOHEADER, O_STEP, O_TEAM, O_TZ,
	    O_VERSION, O_WEEK };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "min", required_argument, NULL, O_MIN },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "step", required_argument, NULL, O_STEP },
		{ "store", required_argument, NULL, 'd' },
		{ "team", required_argument, NULL, O_TEAM },
		{ "tz", required_argument, NULL, O_TZ },
		{ "version", no_argument, NULL, O_VERSION },
		{ "week", required_argument, NULL, O_WEEK },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	int ch;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	o.header = 1;
	o.fmt = FMT_TABLE;
	o.min = 1;
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o.store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_FORMAT:
			if (out_format(optarg, &o.fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			break;
		case O_MIN:
			if (parse_long(optarg, 0, 1000000, &o.min) != 0) {
				warnmsg("--min: not a count from 0 to 1000000: %s",
				    optarg);
				return RX_INVALID;
			}
			break;
		case O_NOHEADER:
			o.header = 0;
			break;
		case O_STEP:
			o.step = optarg;
			break;
		case O_TEAM:
			free(teamname);
			if (team_name(optarg, &teamname) != 0) {
				err_print();
				exit(RX_INVALID);
			}
			o.team = teamname;
			break;
		case O_TZ:
			o.tz = optarg;
			break;
		case O_VERSION:
			puts("coverage (roster) " ROSTER_VERSION);
			return 0;
		case O_WEEK:
			o.week = optarg;
			break;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	if (argc != 0 || o.team == NULL) {
		warnmsg("coverage takes --team and no operands");
		usage(RX_USAGE);
	}
	if (o.tz == NULL)
		o.tz = *zone_process_tz() ? zone_process_tz() : "UTC";
	return out_close(run(&o));
}
