/* timefmt.c — the input time syntax of roster(5), Times; RFC 3339 output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/err.h"
#include "roster/timefmt.h"
#include "roster/util.h"
#include "roster/zone.h"

/* Read exactly n digits at *p; -1 if they are not there. */
static int
digits(const char **p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int
time_scan(const char *s, struct tspec *ts)
{
	const char *p = s;
	int oh, om, sign;

	memset(ts, 0, sizeof *ts);
	if (strcmp(s, "now") == 0) {
		ts->is_now = 1;
		return 0;
	}
	if ((ts->year = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (ts->mon = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (ts->day = digits(&p, 2)) < 0)
		goto bad;
	if (ts->year < 1 || ts->mon < 1 || ts->mon > 12 || ts->day < 1 ||
	    ts->day > days_in_month(ts->year, ts->mon))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		ts->has_time = 1;
		if ((ts->hour = digits(&p, 2)) < 0 || *p++ != ':' ||
		    (ts->min = digits(&p, 2)) < 0)
			goto bad;
		if (*p == ':') {
			p++;
			if ((ts->sec = digits(&p, 2)) < 0)
				goto bad;
		}
		if (ts->hour > 23 || ts->min > 59 || ts->sec > 59)
			goto bad;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
		ts->has_offset = 1;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if ((oh = digits(&p, 2)) < 0 || *p++ != ':' ||
		    (om = digits(&p, 2)) < 0 || oh > 23 || om > 59)
			goto bad;
		ts->has_offset = 1;
		ts->offset = sign * (oh * 3600L + om * 60L);
	}
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	return fail(RX_INVALID, "invalid time '%s' (want now, YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM[:SS], optionally ending in Z or +HH:MM)", s);
}

static int
resolve(const struct tspec *ts, const char *zone, int end_of_day, time_t *t)
{
	struct zone *z;
	int day = ts->day;
	long long w;

	if (!ts->has_time && end_of_day)
		day++;
	if (ts->has_offset) {
		w = (long long)days_from_civil(ts->year, ts->mon, 1) * 86400 +
		    (long long)(day - 1) * 86400 + ts->hour * 3600LL +
		    ts->min * 60LL + ts->sec;
		*t = (time_t)(w - ts->offset);
		return 0;
	}
	z = zone ? zone_get(zone) : zone_process();
	if (z == NULL)
		return RX_INVALID;
	*t = zone_instant(z, ts->year, ts->mon, day, ts->hour, ts->min,
	    ts->sec);
	return 0;
}

int
time_wall_count(const char *s, const char *zone)
{
	struct tspec ts;
	struct zone *z;
	time_t out[2];

	if (time_scan(s, &ts) != 0 || ts.is_now || ts.has_offset ||
	    !ts.has_time)
		return 1;
	if ((z = zone ? zone_get(zone) : zone_process()) == NULL)
		return 1;
	return zone_instants(z, ts.year, ts.mon, ts.day, ts.hour, ts.min,
	    ts.sec, out);
}

char *
time_wall_note(const char *s, time_t t)
{
	char ts[32];
	int n = s ? time_wall_count(s, NULL) : 1;

	if (n == 0)
		return xasprintf("--at %s does not exist in TZ (clocks went "
		    "forward): read as %s", s, time_utc(t, ts));
	if (n == 2)
		return xasprintf("--at %s happens twice in TZ (clocks went "
		    "back): read as the first, %s", s, time_utc(t, ts));
	return NULL;
}

int
time_supported(time_t t)
{
	return t >= TIME_MIN && t <= TIME_MAX;
}

/* The instant s resolved to, or RX_INVALID outside the range. */
static int
in_range(const char *what, const char *s, time_t t)
{
	if (time_supported(t))
		return 0;
	return fail(RX_INVALID, "%s'%s' is outside the supported range of "
	    "times (" TIME_RANGE ")", what, s);
}

static int
system_now(time_t *t)
{
	*t = time(NULL);
	return 0;
}

int
clock_now(time_t *t)
{
	static int known;
	static time_t cached;
	const char *s = getenv("ROSTER_NOW");
	struct tspec ts;

	if (known) {
		*t = cached;
		return 0;
	}
	if (s == NULL || *s == '\0')
		return system_now(t);
	if (time_scan(s, &ts) != 0)
		return fail(RX_INVALID, "ROSTER_NOW: invalid time '%s'", s);
	if (ts.is_now)
		return system_now(t);
	if (resolve(&ts, NULL, 0, &cached) != 0 ||
	    in_range("ROSTER_NOW: ", s, cached) != 0)
		return RX_INVALID;
	known = 1;
	*t = cached;
	return 0;
}

int
time_parse(const char *s, const char *zone, int end_of_day, time_t *t)
{
	struct tspec ts;
	int rc;

	if ((rc = time_scan(s, &ts)) != 0)
		return rc;
	if (ts.is_now)
		return clock_now(t);
	if ((rc = resolve(&ts, zone, end_of_day, t)) != 0)
		return rc;
	return in_range(end_of_day && !ts.has_time ? "the end of " : "", s, *t);
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

static char *
format(time_t t, long off, char *buf)
{
	long long local = (long long)t + off;
	long days = (long)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
	long secs = (long)(local - (long long)days * 86400);
	char tmp[96];
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	/* Listings format thousands of these: digits by hand in the common
	 * case, snprintf for years outside 0..9999. */
	if (off == 0 && buf[0] == 'Z' && y >= 0 && y <= 9999) {
		put2(tmp, y / 100);
		put2(tmp + 2, y % 100);
		tmp[4] = '-';
		put2(tmp + 5, m);
		tmp[7] = '-';
		put2(tmp + 8, d);
		tmp[10] = 'T';
		put2(tmp + 11, (int)(secs / 3600));
		tmp[13] = ':';
		put2(tmp + 14, (int)(secs / 60 % 60));
		tmp[16] = ':';
		put2(tmp + 17, (int)(secs % 60));
		tmp[19] = 'Z';
		tmp[20] = '\0';
	} else if (off == 0 && buf[0] == 'Z')
		snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02ld:%02ld:%02ldZ", y, m, d,
		    secs / 3600, secs / 60 % 60, secs % 60);
	else
		snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02ld:%02ld:%02ld%c%02ld:%02ld",
		    y, m, d, secs / 3600, secs / 60 % 60, secs % 60,
		    off < 0 ? '-' : '+', labs(off) / 3600, labs(off) / 60 % 60);
	memcpy(buf, tmp, 31);
	buf[31] = '\0';
	return buf;
}

char *
time_utc(time_t t, char *buf)
{
	buf[0] = 'Z';
	return format(t, 0, buf);
}

char *
time_in_zone(time_t t, const char *zone, char *buf)
{
	struct zone *z = zone ? zone_get(zone) : NULL;

	buf[0] = '\0';
	if (z == NULL) {
		buf[0] = 'Z';
		return format(t, 0, buf);
	}
	return format(t, zone_offset(z, t), buf);
}

int
time_rfc3339(const char *s, time_t *t)
{
	struct tspec ts;

	if (time_scan(s, &ts) != 0 || !ts.has_offset ||
	    resolve(&ts, NULL, 0, t) != 0 || !time_supported(*t))
		return -1;
	return 0;
}
