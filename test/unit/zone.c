/* zone.c — unit tests of lib/zone.c: wall clock <-> instant by the
 * gap/fold rule of zone.h, offsets and changes, the civil calendar.  The
 * instants were worked out with Python's zoneinfo from the same tz data. */
#include <stdio.h>
#include <time.h>

#include "roster/timefmt.h"
#include "roster/zone.h"
#include "test-lib.h"

/* The instant of an RFC 3339 text, for readable expectations. */
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

/* zone_instant() in zone name of the wall time, against an RFC 3339
 * instant; and how many instants zone_instants() finds. */
static void
check_wall(const char *name, int y, int mo, int d, int h, int mi,
    const char *want, int count)
{
	struct zone *z = zone_get(name);
	time_t out[2];

	if (!check(z != NULL))
		return;
	if (!check_int(zone_instant(z, y, mo, d, h, mi, 0), ==, at(want)))
		test_note("zone", name);
	check_int(zone_instants(z, y, mo, d, h, mi, 0, out), ==, count);
}

static void
t_valid(void)
{
	check(zone_valid("UTC"));
	check(zone_valid("America/New_York"));
	check(zone_valid("Australia/Lord_Howe"));
	check(!zone_valid(""));
	check(!zone_valid("Mars/Olympus_Mons"));
	check(!zone_valid("../../etc/passwd"));
	check(!zone_valid("/usr/share/zoneinfo/UTC"));
	check(zone_get("Not/A_Zone") == NULL);
}

static void
t_plain(void)
{
	/* Hours-set's example: nine in Amsterdam in winter and summer. */
	check_wall("Europe/Amsterdam", 2026, 1, 15, 9, 0,
	    "2026-01-15T08:00:00Z", 1);
	check_wall("Europe/Amsterdam", 2026, 7, 15, 9, 0,
	    "2026-07-15T07:00:00Z", 1);
	check_wall("UTC", 2026, 11, 23, 16, 0, "2026-11-23T16:00:00Z", 1);
	check_wall("Asia/Kathmandu", 2026, 11, 23, 9, 0,
	    "2026-11-23T03:15:00Z", 1);
}

static void
t_new_york(void)
{
	/* 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist and is
	 * read with the offset before the gap (-05:00). */
	check_wall("America/New_York", 2026, 3, 8, 2, 30,
	    "2026-03-08T07:30:00Z", 0);
	check_wall("America/New_York", 2026, 3, 8, 2, 0,
	    "2026-03-08T07:00:00Z", 0);
	check_wall("America/New_York", 2026, 3, 8, 3, 0,
	    "2026-03-08T07:00:00Z", 1);
	check_wall("America/New_York", 2026, 3, 8, 1, 59,
	    "2026-03-08T06:59:00Z", 1);
	/* 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice, the
	 * first (-04:00) is taken. */
	check_wall("America/New_York", 2026, 11, 1, 1, 30,
	    "2026-11-01T05:30:00Z", 2);
	check_wall("America/New_York", 2026, 11, 1, 2, 0,
	    "2026-11-01T07:00:00Z", 1);
	check_wall("America/New_York", 2026, 11, 1, 0, 59,
	    "2026-11-01T04:59:00Z", 1);
}

static void
t_fold_both(void)
{
	struct zone *z = zone_get("America/New_York");
	time_t out[2];

	if (!check(z != NULL))
		return;
	if (check_int(zone_instants(z, 2026, 11, 1, 1, 30, 0, out), ==, 2)) {
		check_int(out[0], ==, at("2026-11-01T05:30:00Z"));
		check_int(out[1], ==, at("2026-11-01T06:30:00Z"));
	}
	z = zone_get("Europe/London");
	if (check_int(zone_instants(z, 2026, 10, 25, 1, 0, 0, out), ==, 2)) {
		check_int(out[0], ==, at("2026-10-25T00:00:00Z"));
		check_int(out[1], ==, at("2026-10-25T01:00:00Z"));
	}
}

static void
t_london(void)
{
	/* 2026-03-29 01:00 GMT -> 02:00 BST. */
	check_wall("Europe/London", 2026, 3, 29, 1, 30,
	    "2026-03-29T01:30:00Z", 0);
	check_wall("Europe/London", 2026, 3, 29, 2, 0,
	    "2026-03-29T01:00:00Z", 1);
	/* 2026-10-25 02:00 BST -> 01:00 GMT. */
	check_wall("Europe/London", 2026, 10, 25, 1, 30,
	    "2026-10-25T00:30:00Z", 2);
	check_wall("Europe/London", 2026, 10, 25, 1, 59,
	    "2026-10-25T00:59:00Z", 2);
	check_wall("Europe/London", 2026, 10, 25, 2, 0,
	    "2026-10-25T02:00:00Z", 1);
}

static void
t_lord_howe(void)
{
	struct zone *z = zone_get("Australia/Lord_Howe");
	time_t t;

	/* A 30-minute shift: +11:00 -> +10:30 at 02:00 on 2026-04-05,
	 * +10:30 -> +11:00 at 02:00 on 2026-10-04. */
	check_wall("Australia/Lord_Howe", 2026, 4, 5, 1, 45,
	    "2026-04-04T14:45:00Z", 2);
	check_wall("Australia/Lord_Howe", 2026, 4, 5, 1, 29,
	    "2026-04-04T14:29:00Z", 1);
	check_wall("Australia/Lord_Howe", 2026, 10, 4, 2, 15,
	    "2026-10-03T15:45:00Z", 0);
	check_wall("Australia/Lord_Howe", 2026, 10, 4, 2, 30,
	    "2026-10-03T15:30:00Z", 1);
	if (!check(z != NULL))
		return;
	check_int(zone_offset(z, at("2026-01-01T00:00:00Z")), ==, 11 * 3600);
	check_int(zone_offset(z, at("2026-07-01T00:00:00Z")), ==, 37800);
	t = zone_next_change(z, at("2026-01-01T00:00:00Z"),
	    at("2027-01-01T00:00:00Z"));
	check_int(t, ==, at("2026-04-04T15:00:00Z"));
	t = zone_next_change(z, t, at("2027-01-01T00:00:00Z"));
	check_int(t, ==, at("2026-10-03T15:30:00Z"));
	/* Nothing up to the limit: -1. */
	check_int(zone_next_change(z, t, t + 86400), ==, -1);
}

static void
t_wall(void)
{
	struct zone *z = zone_get("America/New_York");
	struct wall w;

	if (!check(z != NULL))
		return;
	zone_wall(z, at("2026-11-01T06:30:00Z"), &w);
	check(w.year == 2026 && w.mon == 11 && w.day == 1);
	check(w.hour == 1 && w.min == 30 && w.sec == 0);
	check_int(w.wday, ==, 6);		/* a Sunday */
	zone_wall(z, at("2026-11-30T06:46:22Z"), &w);
	check(w.day == 30 && w.hour == 1 && w.min == 46 && w.sec == 22);
	check_int(w.wday, ==, 0);		/* a Monday */
	/* The last supported instant, under the zone's last rule (EST). */
	zone_wall(z, TIME_MAX, &w);
	check(w.year == 9999 && w.mon == 12 && w.day == 30);
	check(w.hour == 16 && w.min == 59 && w.sec == 59);
	z = zone_get("UTC");
	zone_wall(z, TIME_MIN, &w);
	check(w.year == 1 && w.mon == 1 && w.day == 2 && w.hour == 2);
}

static void
t_normalise(void)
{
	struct zone *z = zone_get("Europe/London");

	if (!check(z != NULL))
		return;
	/* Day 32 is the 1st of the next month; hour 24 is 00:00 next day;
	 * month 13 is January of the next year. */
	check_int(zone_instant(z, 2026, 1, 32, 12, 0, 0), ==,
	    at("2026-02-01T12:00:00Z"));
	check_int(zone_instant(z, 2026, 12, 31, 24, 0, 0), ==,
	    at("2027-01-01T00:00:00Z"));
	check_int(zone_instant(z, 2026, 13, 1, 0, 0, 0), ==,
	    at("2027-01-01T00:00:00Z"));
	check_int(zone_instant(z, 2028, 2, 30, 0, 0, 0), ==,
	    at("2028-03-01T00:00:00Z"));
}

static void
t_civil(void)
{
	int y, m, d;
	long n;

	check_int(days_from_civil(1970, 1, 1), ==, 0);
	check_int(days_from_civil(2000, 3, 1), ==, 11017);
	check_int(days_from_civil(1969, 12, 31), ==, -1);
	check_int(days_from_civil(1, 1, 1), ==, -719162);
	check_int(days_from_civil(9999, 12, 31), ==, 2932896);
	for (n = -719162; n <= 2932896; n += 997) {
		civil_from_days(n, &y, &m, &d);
		if (!check_int(days_from_civil(y, m, d), ==, n))
			break;
	}
	civil_from_days(days_from_civil(2024, 2, 29), &y, &m, &d);
	check(y == 2024 && m == 2 && d == 29);
	civil_from_days(days_from_civil(2100, 2, 29), &y, &m, &d);
	check(y == 2100 && m == 3 && d == 1);	/* not a leap year */
}

int
main(void)
{
	TEST(t_valid(), "zone_valid, zone_get: tz database names only");
	TEST(t_plain(), "zone_instant: ordinary days, Kathmandu's +05:45");
	TEST(t_new_york(), "zone_instant: America/New_York gap and fold");
	TEST(t_fold_both(), "zone_instants: both instants of a fold, earliest first");
	TEST(t_london(), "zone_instant: Europe/London gap and fold");
	TEST(t_lord_howe(), "zone: Lord Howe's 30-minute shift");
	TEST(t_wall(), "zone_wall: fields, weekday, range ends");
	TEST(t_normalise(), "zone_instant: out-of-range fields normalised");
	TEST(t_civil(), "days_from_civil, civil_from_days: years 1 to 9999");
	return test_done();
}
