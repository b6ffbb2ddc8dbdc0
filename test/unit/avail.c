/* avail.c — unit tests of lib/avail.c: the scheduled status (out of
 * office, working hours on the wall clock of the user's zone) and the
 * search for its next change, across gaps, folds and the range ends. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/avail.h"
#include "roster/err.h"
#include "roster/hours.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"
#include "test-lib.h"

static time_t
at(const char *s)
{
	time_t t;

	if (time_rfc3339(s, &t) != 0) {
		test_note("bad time in test", s);
		return (time_t)-1;
	}
	return t;
}

/* The words of s, split on spaces. */
static void
strv_split_blanks(struct strv *sv, const char *s)
{
	char *copy = xstrdup(s), *tok, *save;

	for (tok = strtok_r(copy, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save))
		strv_add(sv, tok);
	free(copy);
}

/* A user with the hours of spec ("" none) and absences [start, end) from
 * a list of RFC 3339 pairs ending in NULL.  spec: hours-set(1) specs
 * separated by spaces. */
static void
mkuser(struct user *u, const char *spec, const char *const *ooo)
{
	size_t n = 0;

	struct strv specs = { 0 };

	user_init(u, "a@x.org");
	strv_split_blanks(&specs, spec);
	for (n = 0; n < specs.n; n++)
		if (!check_int(hours_spec_add(&u->hours, specs.v[n]), ==, 0))
			test_note("spec", specs.v[n]);
	strv_free(&specs);
	n = 0;
	while (ooo && ooo[2 * n])
		n++;
	if (n == 0)
		return;
	u->ooo = xcalloc(n, sizeof *u->ooo);
	for (u->nooo = 0; u->nooo < n; u->nooo++) {
		u->ooo[u->nooo].start = at(ooo[2 * u->nooo]);
		u->ooo[u->nooo].end = at(ooo[2 * u->nooo + 1]);
	}
}

/* The next scheduled change after t as RFC 3339 UTC, "never" for -1. */
static const char *
next(const struct user *u, const char *zone, const char *t)
{
	static char buf[32];
	time_t c = avail_sched_change(u, zone_get(zone), at(t));

	return c == -1 ? "never" : time_utc(c, buf);
}

/* The scheduled status at t: "away"/"available" and the reason. */
static void
check_sched(const struct user *u, const char *zone, const char *t,
    int away, int reason)
{
	int rs = -1;

	if (!check_int(avail_sched(u, zone_get(zone), at(t), &rs), ==, away) ||
	    !check_int(rs, ==, reason))
		test_note("at", t);
}

static void
t_office_week(void)
{
	struct user u;

	/* Amsterdam, mon-fri 09:00-17:00 (+01:00 in winter). */
	mkuser(&u, "mon-fri=09:00-17:00", NULL);
	check_sched(&u, "Europe/Amsterdam", "2026-11-30T08:00:00Z", 0,
	    AV_HOURS);
	check_sched(&u, "Europe/Amsterdam", "2026-11-30T07:59:59Z", 1,
	    AV_OFFHOURS);
	check_sched(&u, "Europe/Amsterdam", "2026-11-30T16:00:00Z", 1,
	    AV_OFFHOURS);
	check_str(next(&u, "Europe/Amsterdam", "2026-11-30T06:46:22Z"),
	    "2026-11-30T08:00:00Z");
	check_str(next(&u, "Europe/Amsterdam", "2026-11-30T08:00:00Z"),
	    "2026-11-30T16:00:00Z");
	/* Friday evening: the change is Monday morning. */
	check_str(next(&u, "Europe/Amsterdam", "2026-12-04T16:00:00Z"),
	    "2026-12-07T08:00:00Z");
	/* Across the spring change: 09:00 is +02:00 from 30 March. */
	check_str(next(&u, "Europe/Amsterdam", "2026-03-27T16:00:00Z"),
	    "2026-03-30T07:00:00Z");
	user_free(&u);
}

static void
t_overnight(void)
{
	struct user u;

	/* hours-set(1)'s example: fri 09:00-17:00 and 22:00-06:00. */
	mkuser(&u, "mon-fri=09:00-17:00 fri=22:00-06:00", NULL);
	check_sched(&u, "UTC", "2026-12-04T23:00:00Z", 0, AV_HOURS);
	check_sched(&u, "UTC", "2026-12-05T05:59:00Z", 0, AV_HOURS);
	check_sched(&u, "UTC", "2026-12-05T06:00:00Z", 1, AV_OFFHOURS);
	check_str(next(&u, "UTC", "2026-12-04T17:00:00Z"),
	    "2026-12-04T22:00:00Z");
	check_str(next(&u, "UTC", "2026-12-04T22:00:00Z"),
	    "2026-12-05T06:00:00Z");
	/* Ranges that meet at midnight make no change there. */
	user_free(&u);
	mkuser(&u, "mon=20:00-24:00 tue=00:00-04:00", NULL);
	check_str(next(&u, "UTC", "2026-11-30T21:00:00Z"),
	    "2026-12-01T04:00:00Z");
	user_free(&u);
}

static void
t_never(void)
{
	struct user u;

	mkuser(&u, "", NULL);
	check_sched(&u, "UTC", "2026-11-30T00:00:00Z", 0, AV_NOHOURS);
	check_str(next(&u, "UTC", "2026-11-30T00:00:00Z"), "never");
	user_free(&u);
	mkuser(&u, "mon-sun=00:00-24:00", NULL);
	check_str(next(&u, "America/New_York", "2026-11-30T00:00:00Z"),
	    "never");
	user_free(&u);
	mkuser(&u, "mon-sun=09:00-09:00", NULL);	/* a whole day, overnight */
	check_str(next(&u, "Australia/Lord_Howe", "2026-11-30T00:00:00Z"),
	    "never");
	user_free(&u);
}

static void
t_ooo(void)
{
	static const char *const one[] = {
		"2026-12-01T12:00:00Z", "2026-12-03T12:00:00Z", NULL
	};
	static const char *const far[] = {
		"2027-06-01T00:00:00Z", "2027-06-08T00:00:00Z", NULL
	};
	static const char *const adjoining[] = {
		"2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z",
		"2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z", NULL
	};
	struct user u;

	mkuser(&u, "mon-fri=09:00-17:00", one);
	check_sched(&u, "UTC", "2026-12-01T12:00:00Z", 1, AV_OOO);
	check_sched(&u, "UTC", "2026-12-01T11:59:59Z", 0, AV_HOURS);
	check_str(next(&u, "UTC", "2026-12-01T10:00:00Z"),
	    "2026-12-01T12:00:00Z");
	/* The absence ends at 12:00, inside hours: available then. */
	check_str(next(&u, "UTC", "2026-12-01T12:00:00Z"),
	    "2026-12-03T12:00:00Z");
	user_free(&u);
	/* No hours: only absences change the status, however far ahead. */
	mkuser(&u, "", far);
	check_str(next(&u, "UTC", "2026-11-30T00:00:00Z"),
	    "2027-06-01T00:00:00Z");
	check_str(next(&u, "UTC", "2027-06-01T00:00:00Z"),
	    "2027-06-08T00:00:00Z");
	check_str(next(&u, "UTC", "2027-06-08T00:00:00Z"), "never");
	user_free(&u);
	/* Two absences end to end are one stretch away. */
	mkuser(&u, "", adjoining);
	check_str(next(&u, "UTC", "2026-12-01T00:00:00Z"),
	    "2026-12-03T00:00:00Z");
	user_free(&u);
}

static void
t_gap_fold(void)
{
	struct user u;

	/* New York, 2026-03-08: 02:00 EST is 03:00 EDT.  Hours ending at
	 * 02:30, in the gap, end when the clock jumps past it. */
	mkuser(&u, "sun=01:00-02:30", NULL);
	check_str(next(&u, "America/New_York", "2026-03-08T05:00:00Z"),
	    "2026-03-08T06:00:00Z");
	check_str(next(&u, "America/New_York", "2026-03-08T06:30:00Z"),
	    "2026-03-08T07:00:00Z");
	user_free(&u);
	/* 2026-11-01: 01:00-02:00 happens twice.  Hours 00:00-01:30 end
	 * at the first 01:30, start again when the clock goes back to
	 * 01:00, and end at the second 01:30. */
	mkuser(&u, "sun=00:00-01:30", NULL);
	check_str(next(&u, "America/New_York", "2026-11-01T04:30:00Z"),
	    "2026-11-01T05:30:00Z");
	check_str(next(&u, "America/New_York", "2026-11-01T05:30:00Z"),
	    "2026-11-01T06:00:00Z");
	check_str(next(&u, "America/New_York", "2026-11-01T06:00:00Z"),
	    "2026-11-01T06:30:00Z");
	user_free(&u);
	/* London's fold: 01:30 is 00:30Z then 01:30Z. */
	mkuser(&u, "sun=01:30-03:00", NULL);
	check_str(next(&u, "Europe/London", "2026-10-24T12:00:00Z"),
	    "2026-10-25T00:30:00Z");
	check_str(next(&u, "Europe/London", "2026-10-25T00:30:00Z"),
	    "2026-10-25T01:00:00Z");
	check_str(next(&u, "Europe/London", "2026-10-25T01:00:00Z"),
	    "2026-10-25T01:30:00Z");
	user_free(&u);
}

static void
t_lord_howe(void)
{
	struct user u;

	/* Lord Howe, 2026-10-04: 02:00 +10:30 is 02:30 +11:00, so hours of
	 * 02:00-02:15 do not happen that Sunday; the next are Monday's. */
	mkuser(&u, "mon-sun=02:00-02:15", NULL);
	check_str(next(&u, "Australia/Lord_Howe", "2026-10-03T12:00:00Z"),
	    "2026-10-04T15:00:00Z");
	/* 2026-04-05: 02:00 +11:00 is 01:30 +10:30, 01:30-02:00 twice. */
	user_free(&u);
	mkuser(&u, "sun=01:45-03:00", NULL);
	check_str(next(&u, "Australia/Lord_Howe", "2026-04-04T12:00:00Z"),
	    "2026-04-04T14:45:00Z");
	/* At 15:00Z the clock goes back from 02:00 to 01:30, before the
	 * hours start: away until 01:45 comes again. */
	check_str(next(&u, "Australia/Lord_Howe", "2026-04-04T14:45:00Z"),
	    "2026-04-04T15:00:00Z");
	check_str(next(&u, "Australia/Lord_Howe", "2026-04-04T15:00:00Z"),
	    "2026-04-04T15:15:00Z");
	check_str(next(&u, "Australia/Lord_Howe", "2026-04-04T15:15:00Z"),
	    "2026-04-04T16:30:00Z");
	user_free(&u);
}

static void
t_range_end(void)
{
	struct user u;
	struct zone *z = zone_get("UTC");
	time_t now = at("9999-12-30T20:00:00Z");	/* a Thursday */

	mkuser(&u, "mon-fri=09:00-17:00", NULL);
	/* The next change, Friday 09:00, lies past the supported range:
	 * it is found, and an override until then is refused. */
	check_str(next(&u, "UTC", "9999-12-30T20:00:00Z"),
	    "9999-12-31T09:00:00Z");
	check_int(avail_override(&u, z, 0, now, -1), ==, RX_INVALID);
	check(strstr(err_msg(), "outside the supported range") != NULL);
	check(!u.has_override);
	/* An until given, inside the range, is kept. */
	check_int(avail_override(&u, z, 0, now, TIME_MAX), ==, 0);
	check(u.has_override && u.override_until == TIME_MAX);
	user_free(&u);
	/* And at the start of the range. */
	mkuser(&u, "mon-fri=09:00-17:00", NULL);
	check_sched(&u, "UTC", "0001-01-02T02:00:00Z", 1, AV_OFFHOURS);
	check_str(next(&u, "UTC", "0001-01-02T02:00:00Z"),
	    "0001-01-02T09:00:00Z");
	user_free(&u);
}

static void
t_override(void)
{
	struct user u;
	struct zone *z = zone_get("UTC");
	struct avail a;

	mkuser(&u, "mon-fri=09:00-17:00", NULL);
	/* Away now, in hours: until the schedule next changes. */
	check_int(avail_override(&u, z, 1, at("2026-11-30T10:00:00Z"), -1),
	    ==, 0);
	check_int(u.override_until, ==, at("2026-11-30T17:00:00Z"));
	avail_at(&u, z, at("2026-11-30T16:59:59Z"), &a);
	check(a.away && a.reason == AV_MANUAL);
	check_int(a.until, ==, at("2026-11-30T17:00:00Z"));
	avail_at(&u, z, at("2026-11-30T17:00:00Z"), &a);
	check(a.away && a.reason == AV_OFFHOURS);
	check_int(a.until, ==, at("2026-12-01T09:00:00Z"));
	/* Available, in hours already: no override is stored. */
	check_int(avail_override(&u, z, 0, at("2026-11-30T10:00:00Z"), -1),
	    ==, 0);
	check(!u.has_override);
	/* An until not after now is refused. */
	check_int(avail_override(&u, z, 1, at("2026-11-30T10:00:00Z"),
	    at("2026-11-30T10:00:00Z")), ==, RX_INVALID);
	user_free(&u);
}

int
main(void)
{
	TEST(t_office_week(), "avail: office hours in Amsterdam, weekend, DST");
	TEST(t_overnight(), "avail: overnight ranges, ranges meeting at midnight");
	TEST(t_never(), "avail_sched_change: -1 when nothing ever changes");
	TEST(t_ooo(), "avail: absences, far ahead and end to end");
	TEST(t_gap_fold(), "avail_sched_change: New York and London gap and fold");
	TEST(t_lord_howe(), "avail_sched_change: Lord Howe's 30-minute shift");
	TEST(t_range_end(), "avail: changes past the supported range");
	TEST(t_override(), "avail_override, avail_at: manual status and its until");
	return test_done();
}
