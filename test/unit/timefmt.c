/* timefmt.c — unit tests of lib/timefmt.c: the time syntax (time_scan,
 * time_parse), the supported range, RFC 3339 in and out, $ROSTER_NOW. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/err.h"
#include "roster/timefmt.h"
#include "test-lib.h"

/* time_parse() of s in zone: the instant as RFC 3339 UTC, or NULL when
 * it is refused (then RX_INVALID must have been returned). */
static const char *
parsed(const char *s, const char *zone, int end_of_day)
{
	static char buf[32];
	time_t t;
	int rc = time_parse(s, zone, end_of_day, &t);

	if (rc != 0) {
		check_int(rc, ==, RX_INVALID);
		return NULL;
	}
	return time_utc(t, buf);
}

static void
check_parse(const char *s, const char *zone, int eod, const char *want)
{
	if (!check_str(parsed(s, zone, eod), want))
		test_note("input", s);
}

static void
t_scan(void)
{
	struct tspec ts;

	if (check_int(time_scan("2026-11-23T16:05:09+05:45", &ts), ==, 0)) {
		check(ts.year == 2026 && ts.mon == 11 && ts.day == 23);
		check(ts.hour == 16 && ts.min == 5 && ts.sec == 9);
		check(ts.has_time && ts.has_offset && !ts.is_now);
		check_int(ts.offset, ==, 5 * 3600 + 45 * 60);
	}
	if (check_int(time_scan("2026-11-23", &ts), ==, 0))
		check(!ts.has_time && !ts.has_offset);
	if (check_int(time_scan("now", &ts), ==, 0))
		check(ts.is_now);
	if (check_int(time_scan("2026-11-23 09:00-03:30", &ts), ==, 0))
		check_int(ts.offset, ==, -(3 * 3600 + 30 * 60));
	check_int(time_scan("2026-11-23t09:00z", &ts), ==, 0);
	check_int(time_scan("2024-02-29", &ts), ==, 0);
	check_int(time_scan("2000-02-29", &ts), ==, 0);
}

static void
t_scan_refuses(void)
{
	static const char *const bad[] = {
		"", "Now", "now ", "2026-11-23T", "2026-11-23T9:00",
		"2026-11-23T09", "2026-11-23T09:00:", "2026-11-23T09:00:0",
		"2026-11-23T24:00", "2026-11-23T09:60", "2026-11-23T09:00:60",
		"2026-13-01", "2026-00-01", "2026-11-00", "2026-11-31",
		"2025-02-29", "1900-02-29", "0000-01-01", "26-11-23",
		"2026/11/23", "2026-11-23T09:00+5:00", "2026-11-23T09:00+0500",
		"2026-11-23T09:00+24:00", "2026-11-23T09:00+01:60",
		"2026-11-23T09:00ZZ", "2026-11-23Z ", " 2026-11-23",
		"2026-11-23T09:00 Europe/London", "+2026-11-23",
	};
	struct tspec ts;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (!check_int(time_scan(bad[i], &ts), ==, RX_INVALID))
			test_note("input", bad[i]);
	}
	/* The message names the text and the syntax. */
	time_scan("2026-11-31", &ts);
	check(strstr(err_msg(), "invalid time '2026-11-31'") != NULL);
}

static void
t_parse_zones(void)
{
	check_parse("2026-11-23T16:00:00Z", NULL, 0, "2026-11-23T16:00:00Z");
	check_parse("2026-11-23T17:00+01:00", "Asia/Tokyo", 0,
	    "2026-11-23T16:00:00Z");
	check_parse("2026-11-23T09:00", "Europe/Amsterdam", 0,
	    "2026-11-23T08:00:00Z");
	check_parse("2026-11-23", "Europe/Amsterdam", 0,
	    "2026-11-22T23:00:00Z");
	/* A date with end_of_day is 00:00 of the next day; a time is not
	 * moved by it. */
	check_parse("2026-11-23", "Europe/Amsterdam", 1,
	    "2026-11-23T23:00:00Z");
	check_parse("2026-12-31", "UTC", 1, "2027-01-01T00:00:00Z");
	check_parse("2026-11-23T09:00", "UTC", 1, "2026-11-23T09:00:00Z");
	/* Gap and fold by zone.h's rule. */
	check_parse("2026-03-08T02:30", "America/New_York", 0,
	    "2026-03-08T07:30:00Z");
	check_parse("2026-11-01T01:30", "America/New_York", 0,
	    "2026-11-01T05:30:00Z");
	check_parse("2026-10-25 01:30", "Europe/London", 0,
	    "2026-10-25T00:30:00Z");
	check_parse("2026-10-04T02:15", "Australia/Lord_Howe", 0,
	    "2026-10-03T15:45:00Z");
	/* An unknown zone is refused. */
	check_parse("2026-11-23T09:00", "Nowhere/Land", 0, NULL);
}

static void
t_range(void)
{
	/* The ends, both included, and one second past each. */
	check_parse("0001-01-02T02:00:00Z", NULL, 0, "0001-01-02T02:00:00Z");
	check_parse("0001-01-02T01:59:59Z", NULL, 0, NULL);
	check_parse("9999-12-30T21:59:59Z", NULL, 0, "9999-12-30T21:59:59Z");
	check_parse("9999-12-30T22:00:00Z", NULL, 0, NULL);
	/* The same ends written with an offset. */
	check_parse("0001-01-02T00:00:00-02:00", NULL, 0,
	    "0001-01-02T02:00:00Z");
	check_parse("9999-12-31T09:59:59+12:00", NULL, 0,
	    "9999-12-30T21:59:59Z");
	check_parse("0001-01-01", "UTC", 0, NULL);
	check_parse("9999-12-31", "UTC", 0, NULL);
	/* A date whose end passes the range. */
	check_parse("9999-12-30", "UTC", 0, "9999-12-30T00:00:00Z");
	check_parse("9999-12-30", "UTC", 1, NULL);
	check(strstr(err_msg(), "the end of '9999-12-30'") != NULL);
	check(strstr(err_msg(), TIME_RANGE) != NULL);
	check(time_supported(TIME_MIN) && time_supported(TIME_MAX));
	check(!time_supported(TIME_MIN - 1) && !time_supported(TIME_MAX + 1));
}

static void
t_rfc3339(void)
{
	char buf[32];
	time_t t;

	check_str(time_utc(0, buf), "1970-01-01T00:00:00Z");
	check_str(time_utc(TIME_MIN, buf), "0001-01-02T02:00:00Z");
	check_str(time_utc(TIME_MAX, buf), "9999-12-30T21:59:59Z");
	check_str(time_utc(-1, buf), "1969-12-31T23:59:59Z");
	if (check_int(time_rfc3339("2026-12-24T00:00:00+01:00", &t), ==, 0)) {
		check_str(time_in_zone(t, "Europe/Amsterdam", buf),
		    "2026-12-24T00:00:00+01:00");
		check_str(time_in_zone(t, "Europe/London", buf),
		    "2026-12-23T23:00:00+00:00");
		check_str(time_in_zone(t, "America/St_Johns", buf),
		    "2026-12-23T19:30:00-03:30");
		check_str(time_in_zone(t, NULL, buf), "2026-12-23T23:00:00Z");
	}
	check_str(time_in_zone(TIME_MAX, "Pacific/Kiritimati", buf),
	    "9999-12-31T11:59:59+14:00");
	/* Stored times carry an offset; a bare wall time is refused. */
	check_int(time_rfc3339("2026-12-24T00:00:00", &t), ==, -1);
	check_int(time_rfc3339("2026-12-24", &t), ==, -1);
	check_int(time_rfc3339("now", &t), ==, -1);
	check_int(time_rfc3339("9999-12-30T22:00:00Z", &t), ==, -1);
	check_int(time_rfc3339("2026-12-24Z", &t), ==, 0);
}

static void
t_wall_count(void)
{
	check_int(time_wall_count("2026-03-08T02:30", "America/New_York"), ==, 0);
	check_int(time_wall_count("2026-11-01T01:30", "America/New_York"), ==, 2);
	check_int(time_wall_count("2026-11-02T01:30", "America/New_York"), ==, 1);
	check_int(time_wall_count("2026-11-01T01:30Z", "America/New_York"), ==, 1);
	check_int(time_wall_count("2026-11-01", "America/New_York"), ==, 1);
	check_int(time_wall_count("garbage", "America/New_York"), ==, 1);
}

static void
t_clock_now(void)
{
	char buf[32];
	time_t t;

	/* $ROSTER_NOW is read in the process's zone; then it is cached. */
	setenv("TZ", "UTC", 1);
	setenv("ROSTER_NOW", "2026-11-30T06:46:22Z", 1);
	if (check_int(clock_now(&t), ==, 0))
		check_str(time_utc(t, buf), "2026-11-30T06:46:22Z");
	if (check_int(time_parse("now", "Asia/Tokyo", 1, &t), ==, 0))
		check_str(time_utc(t, buf), "2026-11-30T06:46:22Z");
}

int
main(void)
{
	TEST(t_scan(), "time_scan: the fields of each accepted form");
	TEST(t_scan_refuses(), "time_scan: malformed and impossible times refused");
	TEST(t_parse_zones(), "time_parse: offsets, zones, end of day, gap, fold");
	TEST(t_range(), "time_parse: the supported range, ends included");
	TEST(t_rfc3339(), "time_utc, time_in_zone, time_rfc3339");
	TEST(t_wall_count(), "time_wall_count: gap 0, fold 2, else 1");
	TEST(t_clock_now(), "clock_now: $ROSTER_NOW replaces the clock");
	return test_done();
}
