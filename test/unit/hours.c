/* hours.c — unit tests of lib/hours.c: weekday sets, working-hours specs
 * as hours-set(1) reads them, and hours_format()'s grouping. */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/hours.h"
#include "roster/user.h"
#include "roster/util.h"
#include "test-lib.h"

/* The days of s as a 7-letter mask "MTWTFSS" with '.' for days not named,
 * or NULL if days_parse() refuses s. */
static const char *
days_of(const char *s)
{
	static char mask[8];
	static const char letters[] = "MTWTFSS";
	int days[7], d;

	if (days_parse(s, days) != 0)
		return NULL;
	for (d = 0; d < 7; d++)
		mask[d] = days[d] ? letters[d] : '.';
	mask[7] = '\0';
	return mask;
}

static void
check_days(const char *s, const char *want)
{
	if (!check_str(days_of(s), want))
		test_note("input", s);
}

static void
t_days(void)
{
	check_days("mon", "M......");
	check_days("sun", "......S");
	check_days("mon-fri", "MTWTF..");
	check_days("mon,wed", "M.W....");
	check_days("mon-wed,fri", "MTW.F..");
	check_days("sat-sun", ".....SS");
	check_days("mon-sun", "MTWTFSS");
	/* A range that passes Sunday wraps round to Monday. */
	check_days("fri-mon", "M...FSS");
	check_days("wed-wed", "..W....");
	check_days("", NULL);
	check_days("Mon", NULL);
	check_days("monday", NULL);
	check_days("mon,", NULL);
	check_days(",mon", NULL);
	check_days("mon-", NULL);
	check_days("mon--fri", NULL);
	check_days("mon-fri-sat", NULL);
	check_days("mon, tue", NULL);
	check_days("xyz", NULL);
	check(strstr(err_msg(), "bad weekday: xyz") != NULL);
}

/* The specs of list (separated by ' '), applied in turn to empty hours,
 * formatted; NULL if one is refused (then the hours must be as before). */
static void
check_specs(const char *list, const char *want)
{
	struct hours h;
	char *copy = xstrdup(list), *tok, *save, *before, *got = NULL;
	int rc = 0;

	memset(&h, 0, sizeof h);
	for (tok = strtok_r(copy, " ", &save); tok && rc == 0;
	    tok = strtok_r(NULL, " ", &save)) {
		before = hours_format(&h);
		if ((rc = hours_spec_add(&h, tok)) != 0) {
			check_int(rc, ==, RX_INVALID);
			got = hours_format(&h);
			check_str(got, before);		/* unchanged */
			free(got);
			got = NULL;
		}
		free(before);
	}
	if (rc == 0)
		got = hours_format(&h);
	if (!check_str(got, want))
		test_note("specs", list);
	free(got);
	free(copy);
	hours_free(&h);
}

static void
t_specs(void)
{
	check_specs("", "");
	check_specs("mon-fri=09:00-17:00", "mon-fri=09:00-17:00");
	/* hours-set(1)'s example: --add fri=22:00-06:00. */
	check_specs("mon-fri=09:00-17:00 fri=22:00-06:00",
	    "mon-thu=09:00-17:00 fri=09:00-17:00,22:00-06:00");
	check_specs("mon-fri=09:00-12:00,13:00-17:00 sat=10:00-12:00",
	    "mon-fri=09:00-12:00,13:00-17:00 sat=10:00-12:00");
	/* Only neighbours are grouped; Sunday and Monday are not. */
	check_specs("mon,wed=09:00-17:00", "mon=09:00-17:00 wed=09:00-17:00");
	check_specs("sun,mon=08:00-16:00", "mon=08:00-16:00 sun=08:00-16:00");
	check_specs("mon-sun=00:00-24:00", "mon-sun=00:00-24:00");
	/* 00:00 as an end is midnight, written 24:00. */
	check_specs("tue=22:00-00:00", "tue=22:00-24:00");
	/* An end not after the start runs overnight, kept as written. */
	check_specs("wed=09:00-09:00", "wed=09:00-09:00");
	/* Ranges are kept in the order given, not sorted or merged. */
	check_specs("thu=13:00-17:00,09:00-12:00",
	    "thu=13:00-17:00,09:00-12:00");
}

static void
t_specs_refused(void)
{
	check_specs("mon-fri=09:00-17:00 mon-fri", NULL);
	check_specs("mon-fri=", NULL);
	check_specs("=09:00-17:00", NULL);
	check_specs("mon-fri=9:00-17:00", NULL);
	check_specs("mon-fri=09:00-25:00", NULL);
	check_specs("mon-fri=24:00-06:00", NULL);
	check_specs("mon-fri=09:60-17:00", NULL);
	check_specs("mon-fri=09:00-17:00,", NULL);
	check_specs("mon-fri=09:00-17:00,,10:00-11:00", NULL);
	check(strstr(err_msg(), "empty range") != NULL);
	check_specs("mon-fri=,09:00-17:00", NULL);
	check_specs("mon-fri=09:00-17:00,bad", NULL);
	check(strstr(err_msg(), "bad range: bad") != NULL);
	check_specs("mon-fri=09:00", NULL);
	check_specs("funday=09:00-17:00", NULL);
	check(strstr(err_msg(), "bad weekday: funday") != NULL);
	/* A refused spec after good ones leaves the good ones. */
	check_specs("mon=09:00-17:00 tue=09:00-17:00,x", NULL);
}

int
main(void)
{
	TEST(t_days(), "days_parse: days, ranges, lists, wrap past Sunday");
	TEST(t_specs(), "hours_spec_add, hours_format: grouping of equal neighbours");
	TEST(t_specs_refused(), "hours_spec_add: bad specs refused, hours unchanged");
	return test_done();
}
