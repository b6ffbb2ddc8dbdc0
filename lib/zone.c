/* zone.c — time zones through glibc, cached per zone. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/util.h"
#include "roster/zone.h"

#define DAY	86400L
#define STEP	(12 * 3600L)	/* probe step: no zone changes twice in 12h */
#define CHUNK	(64 * DAY)	/* how far a cache grows at a time */
#define FIRST	(16 * DAY)	/* the first span: most questions are about
				 * the coming week, and each probe costs */
#define FAR	(800 * DAY)	/* beyond this, ask glibc directly */

struct trans {
	time_t at;		/* first instant of the new offset */
	long off;
};

struct zone {
	char *name;		/* as asked for */
	char *tzval;		/* value for $TZ; NULL: unset it */
	int covered;
	time_t lo, hi;		/* the span the cache knows */
	long off_lo;		/* offset at lo */
	struct trans *tr;	/* changes in (lo, hi] */
	size_t ntr, cap;
	struct zone *next;
};

static struct zone *zones;
static struct zone *process_zone;
static const char *current_tz;	/* what TZ holds now; NULL: unset */
static int tz_changed;
static char *start_tz;
static int start_tz_known;

long
days_from_civil(int y, int m, int d)
{
	/* Normalise the month first; days then add linearly. */
	long yy = y + (m - 1 >= 0 ? (m - 1) / 12 : -((12 - m) / 12));
	int mm = ((m - 1) % 12 + 12) % 12 + 1;
	long era, yoe, doy, doe;

	yy -= mm <= 2;
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (mm + (mm > 2 ? -3 : 9)) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + (d - 1);
}

void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static void
capture_start_tz(void)
{
	const char *s;

	if (start_tz_known)
		return;
	s = getenv("TZ");
	start_tz = xstrdup(s ? s : "");
	start_tz_known = 1;
}

const char *
zone_process_tz(void)
{
	capture_start_tz();
	return start_tz;
}

/* Point glibc at z (reading its file when it changes). */
static void
zone_use(struct zone *z)
{
	capture_start_tz();
	if (tz_changed && ((current_tz == NULL && z->tzval == NULL) ||
	    (current_tz != NULL && z->tzval != NULL &&
	    strcmp(current_tz, z->tzval) == 0)))
		return;
	if (z->tzval != NULL)
		setenv("TZ", z->tzval, 1);
	else
		unsetenv("TZ");
	tzset();
	current_tz = z->tzval;
	tz_changed = 1;
}

/* The offset glibc gives for t in z. */
static long
glibc_offset(struct zone *z, time_t t)
{
	struct tm tm;

	zone_use(z);
	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

static int
name_ok(const char *name)
{
	const char *p;

	if (*name == '\0' || *name == '/' || *name == '.' ||
	    strstr(name, "..") != NULL || strlen(name) > 200)
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return 0;
	return 1;
}

int
zone_valid(const char *name)
{
	const char *dir = getenv("TZDIR");
	char *path, magic[4];
	int fd, ok;

	if (strcmp(name, "UTC") == 0)
		return 1;
	if (!name_ok(name))
		return 0;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	path = xasprintf("%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

int
zone_check(const char *name)
{
	if (zone_valid(name))
		return 0;
	return fail(RX_INVALID, "unknown time zone '%s'", name);
}

static struct zone *
zone_new(const char *name, const char *tzval)
{
	struct zone *z = xcalloc(1, sizeof *z);

	z->name = xstrdup(name);
	z->tzval = tzval ? xstrdup(tzval) : NULL;
	z->next = zones;
	zones = z;
	return z;
}

struct zone *
zone_get(const char *name)
{
	struct zone *z;
	char *val;

	for (z = zones; z; z = z->next)
		if (z != process_zone && strcmp(z->name, name) == 0)
			return z;
	if (zone_check(name) != 0)
		return NULL;
	val = xasprintf(":%s", name);
	z = zone_new(name, val);
	free(val);
	return z;
}

struct zone *
zone_process(void)
{
	const char *tz;

	if (process_zone != NULL)
		return process_zone;
	tz = zone_process_tz();
	process_zone = zone_new(*tz ? tz : "localtime", *tz ? tz : NULL);
	return process_zone;
}

const char *
zone_name(const struct zone *z)
{
	return z->name;
}

static void
add_trans(struct zone *z, time_t at, long off)
{
	if (z->ntr == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 16;
		z->tr = xrealloc(z->tr, z->cap * sizeof *z->tr);
	}
	z->tr[z->ntr].at = at;
	z->tr[z->ntr].off = off;
	z->ntr++;
}

/* Find the changes in (a, b], a's offset being oa, appending in order. */
static void
probe(struct zone *z, time_t a, long oa, time_t b)
{
	time_t s, e, lo, hi, mid;
	long oe;

	for (s = a; s < b; s = e, oa = oe) {
		e = s + STEP < b ? s + STEP : b;
		oe = glibc_offset(z, e);
		if (oe == oa)
			continue;
		/* The change is in (s, e]: find its first second. */
		lo = s;
		hi = e;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (glibc_offset(z, mid) == oa)
				lo = mid;
			else
				hi = mid;
		}
		add_trans(z, hi, oe);
	}
}

/* Make the cache cover [a, b]. */
static void
cover(struct zone *z, time_t a, time_t b)
{
	struct trans *old;
	size_t nold;
	time_t lo;
	long olo;

	if (!z->covered) {
		z->lo = a - FIRST / 4;
		z->hi = b + FIRST;
		z->off_lo = glibc_offset(z, z->lo);
		probe(z, z->lo, z->off_lo, z->hi);
		z->covered = 1;
		return;
	}
	if (b > z->hi) {
		time_t nb = b + CHUNK;
		long ohi = z->ntr ? z->tr[z->ntr - 1].off : z->off_lo;
		probe(z, z->hi, ohi, nb);
		z->hi = nb;
	}
	if (a < z->lo) {
		/* Probe the new part before, then put the old changes after. */
		old = z->tr;
		nold = z->ntr;
		z->tr = NULL;
		z->ntr = z->cap = 0;
		lo = a - CHUNK;
		olo = glibc_offset(z, lo);
		probe(z, lo, olo, z->lo);
		while (nold > 0 && z->ntr + nold > z->cap) {
			z->cap = z->cap ? z->cap * 2 : 16;
			z->tr = xrealloc(z->tr, z->cap * sizeof *z->tr);
		}
		if (nold > 0)
			memcpy(z->tr + z->ntr, old, nold * sizeof *old);
		z->ntr += nold;
		free(old);
		z->lo = lo;
		z->off_lo = olo;
	}
}

/* 1 if [a, b] is near enough to the cache to be worth covering. */
static int
cacheable(struct zone *z, time_t a, time_t b)
{
	if (!z->covered)
		return b - a < FAR;
	return a > z->lo - FAR && b < z->hi + FAR;
}

long
zone_offset(struct zone *z, time_t t)
{
	size_t lo, hi, mid;

	if (!cacheable(z, t, t))
		return glibc_offset(z, t);
	if (!z->covered || t < z->lo || t > z->hi)
		cover(z, t, t);
	if (z->ntr == 0 || t < z->tr[0].at)
		return z->off_lo;
	lo = 0;
	hi = z->ntr;
	while (hi - lo > 1) {	/* last change with at <= t */
		mid = lo + (hi - lo) / 2;
		if (z->tr[mid].at <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->tr[lo].off;
}

static long
floordiv(long long a, long b)
{
	return (long)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

void
zone_wall(struct zone *z, time_t t, struct wall *w)
{
	long long local = (long long)t + zone_offset(z, t);
	long days = floordiv(local, DAY);
	long secs = (long)(local - (long long)days * DAY);

	civil_from_days(days, &w->year, &w->mon, &w->day);
	w->hour = (int)(secs / 3600);
	w->min = (int)(secs / 60 % 60);
	w->sec = (int)(secs % 60);
	w->wday = (int)(((days + 3) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
}

time_t
zone_next_change(struct zone *z, time_t t, time_t limit)
{
	size_t i;
	time_t s;
	long o, n;

	if (!cacheable(z, t, limit)) {
		/* Far away: walk glibc directly. */
		o = glibc_offset(z, t);
		for (s = t; s < limit; s += STEP) {
			n = glibc_offset(z, s + STEP);
			if (n != o) {
				time_t lo = s, hi = s + STEP, mid;
				while (hi - lo > 1) {
					mid = lo + (hi - lo) / 2;
					if (glibc_offset(z, mid) == o)
						lo = mid;
					else
						hi = mid;
				}
				return hi <= limit ? hi : -1;
			}
		}
		return -1;
	}
	cover(z, t, limit);
	for (i = 0; i < z->ntr; i++)
		if (z->tr[i].at > t)
			return z->tr[i].at <= limit ? z->tr[i].at : -1;
	return -1;
}

int
zone_instants(struct zone *z, int year, int mon, int day, int hour, int min,
    int sec, time_t out[2])
{
	long long w = (long long)days_from_civil(year, mon, 1) * DAY +
	    (long long)(day - 1) * DAY + hour * 3600LL + min * 60LL + sec;
	time_t pa = (time_t)(w - 15 * 3600), pb = (time_t)(w + 15 * 3600);
	long offs[8];
	time_t t, c;
	int noffs = 0, n = 0, i, j;

	/* The instant t has t + offset(t) = w; offsets lie within -12h..+14h,
	 * so t is in (pa, pb).  Try each offset in force in that window. */
	offs[noffs++] = zone_offset(z, pa);
	for (c = pa; noffs < 8 && (c = zone_next_change(z, c, pb)) != -1; )
		offs[noffs++] = zone_offset(z, c);
	for (i = 0; i < noffs; i++) {
		t = (time_t)(w - offs[i]);
		if (zone_offset(z, t) != offs[i])
			continue;
		for (j = 0; j < n; j++)
			if (out[j] == t)
				break;
		if (j < n || n == 2)
			continue;
		out[n++] = t;
	}
	if (n == 2 && out[1] < out[0]) {
		t = out[0];
		out[0] = out[1];
		out[1] = t;
	}
	return n;
}

time_t
zone_instant(struct zone *z, int year, int mon, int day, int hour, int min,
    int sec)
{
	long long w = (long long)days_from_civil(year, mon, 1) * DAY +
	    (long long)(day - 1) * DAY + hour * 3600LL + min * 60LL + sec;
	time_t pa = (time_t)(w - 15 * 3600), pb = (time_t)(w + 15 * 3600);
	time_t out[2], c;
	long before, after;

	if (zone_instants(z, year, mon, day, hour, min, sec, out) > 0)
		return out[0];
	/* A gap: use the offset in force before it. */
	for (c = pa; (c = zone_next_change(z, c, pb)) != -1; ) {
		before = zone_offset(z, c - 1);
		after = zone_offset(z, c);
		if (after > before && w >= (long long)c + before &&
		    w < (long long)c + after)
			return (time_t)(w - before);
	}
	return (time_t)(w - zone_offset(z, pa));
}
