/* ical.c — out-of-office periods from and to iCalendar files (libical). */
#include <ctype.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>
#include <unicode/ucal.h>
#include <unicode/uclean.h>
#include <unicode/ustring.h>

#include "roster/err.h"
#include "roster/ical.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/zone.h"

/* A rule that yields more occurrences than this before the horizon is
 * refused rather than cut short without a word. */
#define MAX_OCCURRENCES 100000

/* The property the parse adds to every component: the line of its BEGIN,
 * so that faults found later can still name a line. */
#define LINE_PROP "X-ROSTER-LINE"

struct ical {
	char *shown;
	icalcomponent **cal;	/* the VCALENDARs, in file order */
	size_t ncal;
};

/* --- parsing ------------------------------------------------------------ */

/* The input as libical's line generator sees it, with the line number of
 * the last piece handed out. */
struct gen {
	const char *buf;
	size_t len, pos;
	long line;		/* line of the next byte */
	long last;		/* line where the last piece started */
};

/* An open BEGIN. */
struct open {
	char *name;
	long line;
};

struct pstate {
	struct gen g;
	const char *shown;
	struct open *stack;
	size_t depth, cap;
	struct ical *cal;
};

/* Properties whose faults matter to a sync.  A fault in any other
 * property (an attendee, an alarm, a vendor's X- property) loses nothing
 * roster reads, so such a line is dropped, as libical does, and the
 * import goes on: a nightly sync should not stop over a meeting note. */
static const char *const used_props[] = {
	"BEGIN", "END", "CATEGORIES", "DTEND", "DTSTART", "DURATION",
	"EXDATE", "RDATE", "RECURRENCE-ID", "RRULE", "STATUS", "SUMMARY",
	"TRANSP", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "UID",
	"X-MICROSOFT-CDO-BUSYSTATUS", NULL
};

/* libical's line generator: one physical line (or the first size - 1
 * bytes of it) per call.  libical unfolds continuation lines itself. */
static char *
gen_line(char *out, size_t size, void *arg)
{
	struct gen *g = arg;
	const char *p, *nl;
	size_t n;

	out[0] = '\0';
	if (g->pos >= g->len)
		return NULL;
	p = g->buf + g->pos;
	n = g->len - g->pos;
	if ((nl = memchr(p, '\n', n)) != NULL)
		n = (size_t)(nl - p) + 1;
	if (n > size - 1)
		n = size - 1;
	if (g->pos == 0 || g->buf[g->pos - 1] == '\n')
		g->last = g->line;
	memcpy(out, p, n);
	out[n] = '\0';
	g->pos += n;
	if (out[n - 1] == '\n')
		g->line++;
	return out;
}

/* The property name that starts a content line, into name (size bytes);
 * "" if the line does not start with one followed by ';' or ':'. */
static void
line_name(const char *line, char *name, size_t size)
{
	size_t i = 0;

	while (i + 1 < size && (isalnum((unsigned char)line[i]) ||
	    line[i] == '-')) {
		name[i] = (char)toupper((unsigned char)line[i]);
		i++;
	}
	if (line[i] != ':' && line[i] != ';')
		i = 0;
	name[i] = '\0';
}

/* The component name of a BEGIN: or END: line, malloc'd and upper-cased. */
static char *
comp_name(const char *line)
{
	const char *s = strchr(line, ':');
	char *name, *p;

	name = xstrdup(s ? s + 1 : "");
	for (p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	while (p > name && isspace((unsigned char)p[-1]))
		*--p = '\0';
	return name;
}

static int
is_used(const char *name)
{
	size_t i;

	for (i = 0; used_props[i]; i++)
		if (strcmp(name, used_props[i]) == 0)
			return 1;
	return 0;
}

/* 1 if t holds a real date (and time of day). libical takes
 * 20261345T250000 without a word, so the fields are checked here. */
static int
time_ok(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 ||
	    t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > icaltime_days_in_month(t.month, t.year))
		return 0;
	if (t.is_date)
		return 1;
	return t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
	    t.minute <= 59 && t.second >= 0 && t.second <= 60;
}

/* Check the values of a line that holds dates, times or a rule, by
 * parsing that line alone with libical: 0 or RX_INVALID naming line. */
static int
check_values(struct pstate *ps, const char *line, long at)
{
	icalcomponent *c;
	icalproperty *p;
	struct icaldatetimeperiodtype dp;
	struct icalrecurrencetype r;
	char *doc;
	int ok = 1;

	doc = xasprintf("BEGIN:VEVENT\r\n%s\r\nEND:VEVENT\r\n", line);
	c = icalparser_parse_string(doc);
	free(doc);
	if (c == NULL)
		return fail_at(RX_INVALID, ps->shown, at, "cannot read this "
		    "line: %.60s", line);
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
	    p && ok; p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(p)) {
		case ICAL_DTSTART_PROPERTY:
			ok = time_ok(icalproperty_get_dtstart(p));
			break;
		case ICAL_DTEND_PROPERTY:
			ok = time_ok(icalproperty_get_dtend(p));
			break;
		case ICAL_RECURRENCEID_PROPERTY:
			ok = time_ok(icalproperty_get_recurrenceid(p));
			break;
		case ICAL_EXDATE_PROPERTY:
			ok = time_ok(icalproperty_get_exdate(p));
			break;
		case ICAL_RDATE_PROPERTY:
			dp = icalproperty_get_rdate(p);
			if (!icaltime_is_null_time(dp.time))
				ok = time_ok(dp.time);
			else
				ok = time_ok(dp.period.start) &&
				    (icaltime_is_null_time(dp.period.end) ||
				    time_ok(dp.period.end));
			break;
		case ICAL_RRULE_PROPERTY:
			r = icalproperty_get_rrule(p);
			ok = r.freq != ICAL_NO_RECURRENCE &&
			    (icaltime_is_null_time(r.until) ||
			    time_ok(r.until));
			break;
		case ICAL_XLICERROR_PROPERTY:
			ok = 0;
			break;
		default:
			break;
		}
	}
	icalcomponent_free(c);
	if (!ok)
		return fail_at(RX_INVALID, ps->shown, at, "not a valid date, "
		    "time or rule: %.60s", line);
	return 0;
}

/* A BEGIN line was taken: remember it and tag the new component.  A
 * component inside one of its own kind means an END is missing. */
static int
begun(struct pstate *ps, icalparser *parser, const char *line, long at)
{
	char tag[48], *name = comp_name(line);
	size_t i;
	int rc;

	for (i = 0; i < ps->depth; i++)
		if (strcmp(ps->stack[i].name, name) == 0) {
			rc = fail_at(RX_INVALID, ps->shown, at, "BEGIN:%s inside "
			    "the %s of line %ld: END:%s missing", name, name,
			    ps->stack[i].line, name);
			free(name);
			return rc;
		}
	if (ps->depth == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 8;
		ps->stack = xrealloc(ps->stack, ps->cap * sizeof *ps->stack);
	}
	ps->stack[ps->depth].name = name;
	ps->stack[ps->depth].line = at;
	ps->depth++;
	snprintf(tag, sizeof tag, LINE_PROP ":%ld", at);
	icalparser_add_line(parser, tag);
	return 0;
}

/* An END line was taken: it must close the innermost BEGIN. */
static int
ended(struct pstate *ps, const char *line, long at)
{
	struct open *o;
	char *name;
	int rc = 0;

	if (ps->depth == 0)
		return fail_at(RX_INVALID, ps->shown, at, "END without BEGIN");
	o = &ps->stack[--ps->depth];
	name = comp_name(line);
	if (strcmp(name, o->name) != 0)
		rc = fail_at(RX_INVALID, ps->shown, at, "END:%s does not close "
		    "BEGIN:%s of line %ld", name, o->name, o->line);
	free(name);
	free(o->name);
	return rc;
}

/* One logical (unfolded) line at line at. */
static int
take_line(struct pstate *ps, icalparser *parser, char *line, long at)
{
	icalcomponent *c;
	icalparser_state st;
	char name[40];
	size_t depth = ps->depth;
	int rc;

	if (line[strspn(line, " \t\r\n")] == '\0')
		return 0;	/* blank: libical would keep the last state */
	line_name(line, name, sizeof name);
	c = icalparser_add_line(parser, line);
	st = icalparser_get_state(parser);
	if (st == ICALPARSER_ERROR && (depth == 0 || name[0] == '\0' ||
	    is_used(name))) {
		if (c)
			icalcomponent_free(c);
		return fail_at(RX_INVALID, ps->shown, at, depth == 0 ?
		    "outside BEGIN:VCALENDAR ... END:VCALENDAR: %.60s" :
		    "not a valid iCalendar line: %.60s", line);
	}
	if (st == ICALPARSER_BEGIN_COMP && strcmp(name, "BEGIN") == 0)
		return begun(ps, parser, line, at);
	if (strcmp(name, "END") == 0 && st != ICALPARSER_ERROR) {
		if ((rc = ended(ps, line, at)) != 0) {
			if (c)
				icalcomponent_free(c);
			return rc;
		}
	}
	if (c) {
		if (icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
			icalcomponent_free(c);
			return fail_at(RX_INVALID, ps->shown, at, "a calendar "
			    "file holds BEGIN:VCALENDAR ... END:VCALENDAR");
		}
		ps->cal->cal = xrealloc(ps->cal->cal,
		    (ps->cal->ncal + 1) * sizeof *ps->cal->cal);
		ps->cal->cal[ps->cal->ncal++] = c;
		return 0;
	}
	if (strcmp(name, "DTSTART") == 0 || strcmp(name, "DTEND") == 0 ||
	    strcmp(name, "RECURRENCE-ID") == 0 ||
	    strcmp(name, "EXDATE") == 0 || strcmp(name, "RDATE") == 0 ||
	    strcmp(name, "RRULE") == 0)
		return check_values(ps, line, at);
	return 0;
}

int
ical_parse(const char *buf, size_t len, const char *shown, struct ical **out)
{
	struct pstate ps;
	icalparser *parser;
	const char *nul;
	char *line;
	long at;
	int rc = 0;
	size_t i;

	*out = NULL;
	icalerror_set_errors_are_fatal(0);
	icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR,
	    ICAL_ERROR_NONFATAL);
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (at = 1, i = 0; buf + i < nul; i++)
			at += buf[i] == '\n';
		return fail_at(RX_INVALID, shown, at, "a NUL byte: not a "
		    "calendar file");
	}
	memset(&ps, 0, sizeof ps);
	ps.g.buf = buf;
	ps.g.len = len;
	ps.g.line = ps.g.last = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		ps.g.pos = 3;	/* a byte-order mark */
	ps.shown = shown;
	ps.cal = xcalloc(1, sizeof *ps.cal);
	ps.cal->shown = xstrdup(shown);
	parser = icalparser_new();
	icalparser_set_gen_data(parser, &ps.g);
	for (;;) {
		/* libical reads one piece ahead to see whether the next line
		 * continues this one; where that piece started is where the
		 * next logical line starts. */
		at = ps.g.last;
		if ((line = icalparser_get_line(parser, gen_line)) == NULL)
			break;
		rc = take_line(&ps, parser, line, at);
		icalmemory_free_buffer(line);
		if (rc)
			break;
	}
	if (rc == 0 && ps.depth > 0)
		rc = fail_at(RX_INVALID, shown, ps.stack[ps.depth - 1].line,
		    "BEGIN:%s is never closed", ps.stack[ps.depth - 1].name);
	if (rc == 0 && ps.cal->ncal == 0)
		rc = fail_at(RX_INVALID, shown, ps.g.line > 1 ? ps.g.line - 1 :
		    1, "no BEGIN:VCALENDAR: not a calendar file");
	for (i = 0; i < ps.depth; i++)
		free(ps.stack[i].name);
	free(ps.stack);
	icalparser_free(parser);
	if (rc) {
		ical_free(ps.cal);
		return rc;
	}
	*out = ps.cal;
	return 0;
}

void
ical_free(struct ical *cal)
{
	size_t i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->ncal; i++)
		icalcomponent_free(cal->cal[i]);
	free(cal->cal);
	free(cal->shown);
	free(cal);
}

int
ical_source_valid(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= 64 &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n;
}

/* --- time zones --------------------------------------------------------- */

/* Where a time value's wall clock is read. */
enum { TZ_WALL, TZ_UTC, TZ_VTZ };

struct tzref {
	int kind;
	struct zone *z;		/* TZ_WALL: a tz database zone */
	icaltimezone *vtz;	/* TZ_VTZ: the calendar's own VTIMEZONE */
};

/* The IANA name ICU gives for a Windows zone name ("W. Europe Standard
 * Time" -> "Europe/Berlin"), into out; 0 or -1. */
static int
windows_zone(const char *win, char *out, size_t size)
{
	UChar wid[128], id[128];
	UErrorCode st = U_ZERO_ERROR;
	size_t n = strlen(win);
	int32_t m;

	/* u_charsToUChars() takes the invariant characters only. */
	if (n == 0 || n >= 128 || strspn(win, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:+-()_/") != n)
		return -1;
	u_charsToUChars(win, wid, (int32_t)n);
	m = ucal_getTimeZoneIDForWindowsID(wid, (int32_t)n, NULL, id, 128,
	    &st);
	if (U_FAILURE(st) || m <= 0 || (size_t)m >= size || m >= 128)
		return -1;
	u_UCharsToChars(id, out, m);
	out[m] = '\0';
	return 0;
}

/* The tz database zone a TZID names: an IANA name, one behind a path
 * prefix as some libraries write ("/freeassociation.sourceforge.net/
 * Europe/Amsterdam"), or a Windows name as Outlook writes.  NULL if none. */
static struct zone *
zone_of_tzid(const char *tzid)
{
	const char *s;
	char iana[128];

	if (zone_valid(tzid))
		return zone_get(tzid);
	if (tzid[0] == '/')
		for (s = tzid; (s = strchr(s, '/')) != NULL; )
			if (*++s && zone_valid(s))
				return zone_get(s);
	if (windows_zone(tzid, iana, sizeof iana) == 0 && zone_valid(iana))
		return zone_get(iana);
	return NULL;
}

static time_t
utc_instant(struct icaltimetype t)
{
	return (time_t)days_from_civil(t.year, t.month, t.day) * 86400 +
	    (t.is_date ? 0 : t.hour * 3600 + t.minute * 60 + t.second);
}

/* The instant of the wall clock t read as r says. */
static time_t
to_instant(const struct tzref *r, struct icaltimetype t)
{
	struct icaltimetype f = t;

	switch (r->kind) {
	case TZ_UTC:
		return utc_instant(t);
	case TZ_VTZ:
		f.zone = NULL;
		f.is_date = 0;
		return icaltime_as_timet_with_zone(f, r->vtz);
	default:
		if (t.is_date)
			return zone_instant(r->z, t.year, t.month, t.day, 0, 0, 0);
		return zone_instant(r->z, t.year, t.month, t.day, t.hour,
		    t.minute, t.second);
	}
}

/* The wall clock at instant t as r reads it, without a zone. */
static struct icaltimetype
to_wall(const struct tzref *r, time_t t)
{
	struct icaltimetype w = icaltime_null_time();
	struct wall wl;
	long d;

	if (r->kind == TZ_VTZ) {
		w = icaltime_from_timet_with_zone(t, 0, r->vtz);
		w.zone = NULL;
		return w;
	}
	if (r->kind == TZ_UTC) {
		d = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
		civil_from_days(d, &w.year, &w.month, &w.day);
		t -= (time_t)d * 86400;
		w.hour = (int)(t / 3600);
		w.minute = (int)(t / 60 % 60);
		w.second = (int)(t % 60);
		return w;
	}
	zone_wall(r->z, t, &wl);
	w.year = wl.year;
	w.month = wl.mon;
	w.day = wl.day;
	w.hour = wl.hour;
	w.minute = wl.min;
	w.second = wl.sec;
	return w;
}

/* --- import ------------------------------------------------------------- */

/* One VEVENT. */
struct ev {
	icalcomponent *c, *vcal;
	struct ev *master;	/* an override's series, if in the file */
	const char *uid;	/* "" when it has none */
	long line;
	int is_override;	/* has RECURRENCE-ID */
	time_t rid;		/* its instant, for an override */
};

/* One occurrence: where the series put it (orig) and where it is. */
struct occ {
	time_t orig, start, end;
	struct icaltimetype wall;	/* orig as a wall clock */
	char *key;			/* UID/orig, for the period's uid */
	int series;			/* of a recurring event */
	size_t seq;			/* file order */
	int used;
};

struct ctx {
	struct ical *cal;
	const struct ical_opts *o;
	const char *zname;	/* the user's zone */
	struct zone *uz;
	time_t now, hend;
	regex_t re;
	int has_re;
	locale_t loc;		/* for case-insensitive UTF-8 matching */
	struct occ *v;		/* counted occurrences in the window */
	size_t n, cap;
};

/* How long each occurrence lasts: its end is the wall clock of its start
 * plus days, read in the zone, plus secs (RFC 5545 3.8.5.3: the exact
 * duration of DTEND - DTSTART, or the nominal days of DURATION). */
struct span {
	int days;
	long secs;
};

static long
comp_line(icalcomponent *c)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (strcmp(icalproperty_get_x_name(p), LINE_PROP) == 0)
			return strtol(icalproperty_get_x(p), NULL, 10);
	return 0;
}

/* How to read the time value t of property p of event e, into r. */
static int
prop_zone(struct ctx *c, const struct ev *e, icalproperty *p,
    struct icaltimetype t, struct tzref *r)
{
	icalparameter *pa;
	const char *tzid;

	memset(r, 0, sizeof *r);
	r->kind = TZ_WALL;
	r->z = c->uz;		/* all-day and floating: the user's zone */
	if (t.is_date)
		return 0;
	if (icaltime_is_utc(t)) {
		r->kind = TZ_UTC;
		return 0;
	}
	pa = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	if (pa == NULL || (tzid = icalparameter_get_tzid(pa)) == NULL)
		return 0;
	if ((r->z = zone_of_tzid(tzid)) != NULL)
		return 0;
	if ((r->vtz = icalcomponent_get_timezone(e->vcal, tzid)) != NULL) {
		r->kind = TZ_VTZ;
		return 0;
	}
	return fail_at(RX_INVALID, c->cal->shown, e->line, "%s: unknown time "
	    "zone \"%s\" (not an IANA or Windows zone name, and no VTIMEZONE "
	    "defines it)", icalproperty_get_property_name(p), tzid);
}

/* The instant of time value t of property p, and how to read its zone. */
static int
prop_instant(struct ctx *c, const struct ev *e, icalproperty *p,
    struct icaltimetype t, struct tzref *r, time_t *out)
{
	int rc;

	if (!time_ok(t))
		return fail_at(RX_INVALID, c->cal->shown, e->line, "%s: not a "
		    "valid date or time", icalproperty_get_property_name(p));
	if ((rc = prop_zone(c, e, p, t, r)) != 0)
		return rc;
	*out = to_instant(r, t);
	return 0;
}

/* The end of the occurrence that starts at start (wall clock w); past
 * TIME_MAX when the days run beyond the year 9999, which is refused. */
static time_t
span_end(const struct span *sp, const struct tzref *r,
    struct icaltimetype w, time_t start)
{
	if (sp->days == 0)
		return start + sp->secs;
	icaltime_adjust(&w, sp->days, 0, 0, 0);
	if (w.year > 9999)
		return TIME_MAX + 1;
	return to_instant(r, w) + sp->secs;
}

/* The longest span taken, in days: more runs past TIME_MAX anyway, and
 * the sums below stay far from overflowing. */
#define SPAN_DAYS_MAX 3660000LL

/* The span of event e from DTEND or DURATION. */
static int
event_span(struct ctx *c, const struct ev *e, struct icaltimetype ds,
    time_t start, struct span *sp)
{
	icalproperty *p;
	struct icaltimetype de;
	struct icaldurationtype d;
	struct tzref r;
	time_t end;
	long long days, secs;
	int rc;

	memset(sp, 0, sizeof *sp);
	if ((p = icalcomponent_get_first_property(e->c,
	    ICAL_DTEND_PROPERTY)) != NULL) {
		de = icalproperty_get_dtend(p);
		if ((rc = prop_instant(c, e, p, de, &r, &end)) != 0)
			return rc;
		if (ds.is_date && de.is_date)
			sp->days = (int)(days_from_civil(de.year, de.month,
			    de.day) - days_from_civil(ds.year, ds.month, ds.day));
		else
			sp->secs = (long)(end - start);
	} else if ((p = icalcomponent_get_first_property(e->c,
	    ICAL_DURATION_PROPERTY)) != NULL) {
		d = icalproperty_get_duration(p);
		if (d.is_neg)
			return fail_at(RX_INVALID, c->cal->shown, e->line,
			    "DURATION is negative");
		/* In long long: weeks * 7 in unsigned int wraps. */
		days = (long long)d.weeks * 7 + d.days;
		secs = (long long)d.hours * 3600 + (long long)d.minutes * 60 +
		    d.seconds;
		if (days > SPAN_DAYS_MAX || secs > SPAN_DAYS_MAX * 86400)
			return fail_at(RX_INVALID, c->cal->shown, e->line,
			    "DURATION: the event ends outside the supported "
			    "range of times (" TIME_RANGE ")");
		sp->days = (int)days;
		sp->secs = (long)secs;
	} else if (ds.is_date)
		sp->days = 1;	/* RFC 5545 3.6.1: an all-day event is one day */
	if (sp->days < 0 || sp->secs < 0)
		return fail_at(RX_INVALID, c->cal->shown, e->line, "DTEND is "
		    "before DTSTART");
	return 0;
}

static void
occ_add(struct occ **v, size_t *n, size_t *cap, time_t orig, time_t start,
    time_t end, struct icaltimetype wall)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].orig == orig)
			return;	/* DTSTART is often also the rule's first */
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	memset(&(*v)[*n], 0, sizeof **v);
	(*v)[*n].orig = orig;
	(*v)[*n].start = start;
	(*v)[*n].end = end;
	(*v)[*n].wall = wall;
	(*n)++;
}

/* Bring UNTIL to the wall clock of the series, as libical compares it
 * field by field with occurrences read in the series' zone. */
static void
until_as_wall(struct icalrecurrencetype *rule, const struct tzref *r,
    struct icaltimetype ds)
{
	struct tzref utc = { TZ_UTC, NULL, NULL };

	if (icaltime_is_null_time(rule->until))
		return;
	if (icaltime_is_utc(rule->until) && !icaltime_is_utc(ds))
		rule->until = to_wall(r, to_instant(&utc, rule->until));
	rule->until.zone = NULL;
}

/* The occurrences of series e from its DTSTART, RRULEs and RDATEs, less
 * its EXDATEs, up to the horizon, into *v. */
static int
expand(struct ctx *c, const struct ev *e, struct occ **v, size_t *n,
    size_t *cap)
{
	icalproperty *p, *pstart;
	struct icaltimetype ds, t, w;
	struct icalrecurrencetype rule;
	struct icaldatetimeperiodtype rd;
	icalrecur_iterator *it;
	struct tzref rs, r;
	struct span sp;
	time_t start, s, x, end;
	size_t i, k;
	int rc, series = 0;

	if ((pstart = icalcomponent_get_first_property(e->c,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return fail_at(RX_INVALID, c->cal->shown, e->line, "an event "
		    "without DTSTART");
	ds = icalproperty_get_dtstart(pstart);
	if ((rc = prop_instant(c, e, pstart, ds, &rs, &start)) != 0 ||
	    (rc = event_span(c, e, ds, start, &sp)) != 0)
		return rc;
	ds.zone = NULL;
	occ_add(v, n, cap, start, start, span_end(&sp, &rs, ds, start), ds);
	for (p = icalcomponent_get_first_property(e->c, ICAL_RRULE_PROPERTY);
	    p; p = icalcomponent_get_next_property(e->c, ICAL_RRULE_PROPERTY)) {
		rule = icalproperty_get_rrule(p);
		until_as_wall(&rule, &rs, icalproperty_get_dtstart(pstart));
		if ((it = icalrecur_iterator_new(rule, ds)) == NULL)
			return fail_at(RX_INVALID, c->cal->shown, e->line,
			    "RRULE: libical cannot expand this rule");
		for (k = 0; ; k++) {
			t = icalrecur_iterator_next(it);
			if (icaltime_is_null_time(t))
				break;
			t.zone = NULL;
			if ((s = to_instant(&rs, t)) >= c->hend)
				break;
			if (k == MAX_OCCURRENCES) {
				icalrecur_iterator_free(it);
				return fail_at(RX_INVALID, c->cal->shown,
				    e->line, "RRULE: more than %d occurrences "
				    "before the horizon", MAX_OCCURRENCES);
			}
			occ_add(v, n, cap, s, s, span_end(&sp, &rs, t, s), t);
		}
		icalrecur_iterator_free(it);
		series = 1;
	}
	for (p = icalcomponent_get_first_property(e->c, ICAL_RDATE_PROPERTY);
	    p; p = icalcomponent_get_next_property(e->c, ICAL_RDATE_PROPERTY)) {
		rd = icalproperty_get_rdate(p);
		t = icaltime_is_null_time(rd.time) ? rd.period.start : rd.time;
		if ((rc = prop_instant(c, e, p, t, &r, &s)) != 0)
			return rc;
		w = to_wall(&rs, s);
		if (!icaltime_is_null_time(rd.time))
			end = span_end(&sp, &r, t, s);
		else if (!icaltime_is_null_time(rd.period.end)) {
			if ((rc = prop_instant(c, e, p, rd.period.end, &r,
			    &end)) != 0)
				return rc;
		} else
			end = s + icaldurationtype_as_int(rd.period.duration);
		if (end < s)
			return fail_at(RX_INVALID, c->cal->shown, e->line,
			    "RDATE: a period that ends before it starts");
		occ_add(v, n, cap, s, s, end, w);
		series = 1;
	}
	for (p = icalcomponent_get_first_property(e->c, ICAL_EXDATE_PROPERTY);
	    p; p = icalcomponent_get_next_property(e->c, ICAL_EXDATE_PROPERTY)) {
		t = icalproperty_get_exdate(p);
		if ((rc = prop_instant(c, e, p, t, &r, &x)) != 0)
			return rc;
		for (i = 0; i < *n; i++) {
			/* A date excludes that day's occurrence of a series
			 * with times of day. */
			if ((*v)[i].orig == x || (t.is_date &&
			    (*v)[i].wall.year == t.year &&
			    (*v)[i].wall.month == t.month &&
			    (*v)[i].wall.day == t.day)) {
				(*v)[i] = (*v)[--*n];
				i--;
			}
		}
	}
	for (i = 0; i < *n; i++) {
		(*v)[i].series = series;
		if (!time_supported((*v)[i].start) ||
		    !time_supported((*v)[i].end))
			return fail_at(RX_INVALID, c->cal->shown, e->line,
			    "the event %s outside the supported range of times "
			    "(" TIME_RANGE ")", time_supported((*v)[i].start) ?
			    "ends" : "starts");
	}
	return 0;
}

/* The property k of e, or, when e is an override without one, of its
 * series: an override lists what it changes. */
static icalproperty *
prop_of(const struct ev *e, icalproperty_kind k)
{
	icalproperty *p = icalcomponent_get_first_property(e->c, k);

	if (p == NULL && e->master)
		p = icalcomponent_get_first_property(e->master->c, k);
	return p;
}

static const char *
xprop_value(icalcomponent *c, const char *name)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (strcasecmp(icalproperty_get_x_name(p), name) == 0)
			return icalproperty_get_value_as_string(p);
	return NULL;
}

static int
matches(struct ctx *c, const char *s)
{
	locale_t old = (locale_t)0;
	int hit;

	if (s == NULL || !c->has_re)
		return 0;
	if (c->loc)
		old = uselocale(c->loc);
	hit = regexec(&c->re, s, 0, NULL, 0) == 0;
	if (c->loc)
		uselocale(old);
	return hit;
}

/* 1 if event e is an absence by the rules of --match and --busy. */
static int
counts(struct ctx *c, const struct ev *e)
{
	icalcomponent *src;
	icalproperty *p;
	const char *busy;
	icalproperty_transp tr;

	p = prop_of(e, ICAL_STATUS_PROPERTY);
	if (p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED)
		return 0;
	busy = xprop_value(e->c, "X-MICROSOFT-CDO-BUSYSTATUS");
	if (busy == NULL && e->master)
		busy = xprop_value(e->master->c, "X-MICROSOFT-CDO-BUSYSTATUS");
	if (busy && strcasecmp(busy, "OOF") == 0)
		return 1;
	p = prop_of(e, ICAL_SUMMARY_PROPERTY);
	if (p && matches(c, icalproperty_get_summary(p)))
		return 1;
	src = e->c;
	if (icalcomponent_get_first_property(src, ICAL_CATEGORIES_PROPERTY) ==
	    NULL && e->master)
		src = e->master->c;
	for (p = icalcomponent_get_first_property(src, ICAL_CATEGORIES_PROPERTY);
	    p; p = icalcomponent_get_next_property(src,
	    ICAL_CATEGORIES_PROPERTY))
		if (matches(c, icalproperty_get_categories(p)))
			return 1;
	if (c->o->busy) {
		p = prop_of(e, ICAL_TRANSP_PROPERTY);
		tr = p ? icalproperty_get_transp(p) : ICAL_TRANSP_OPAQUE;
		return tr != ICAL_TRANSP_TRANSPARENT &&
		    tr != ICAL_TRANSP_TRANSPARENTNOCONFLICT;
	}
	return 0;
}

/* Keep occurrence o of event e if it overlaps the window. */
static void
keep(struct ctx *c, const struct ev *e, const struct occ *o)
{
	char when[40];
	struct occ *k;

	if (o->end <= o->start || o->end <= c->now || o->start >= c->hend)
		return;	/* no length (a reminder), or outside the window */
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	k = &c->v[c->n];
	*k = *o;
	time_in_zone(o->orig, c->zname, when);
	k->key = xasprintf("%s/%s", e->uid, when);
	k->seq = c->n++;
	k->used = 0;
}

/* Read the VEVENTs of every calendar into *evs, overrides linked to
 * their series. */
static int
collect(struct ctx *c, struct ev **evs, size_t *nev)
{
	icalcomponent *vcal, *x;
	icalproperty *p;
	struct tzref r;
	struct ev *e;
	size_t i, j, cap = 0;
	int rc;

	*evs = NULL;
	*nev = 0;
	for (i = 0; i < c->cal->ncal; i++) {
		vcal = c->cal->cal[i];
		for (x = icalcomponent_get_first_component(vcal,
		    ICAL_VEVENT_COMPONENT); x; x =
		    icalcomponent_get_next_component(vcal,
		    ICAL_VEVENT_COMPONENT)) {
			if (*nev == cap) {
				cap = cap ? cap * 2 : 16;
				*evs = xrealloc(*evs, cap * sizeof **evs);
			}
			e = &(*evs)[(*nev)++];
			memset(e, 0, sizeof *e);
			e->c = x;
			e->vcal = vcal;
			e->uid = icalcomponent_get_uid(x);
			if (e->uid == NULL)
				e->uid = "";
			e->line = comp_line(x);
			/* The UID goes into the user's file. */
			if (!user_text_ok(e->uid))
				return fail_at(RX_INVALID, c->cal->shown,
				    e->line, "UID is not UTF-8 text");
		}
	}
	for (i = 0; i < *nev; i++) {
		e = &(*evs)[i];
		p = icalcomponent_get_first_property(e->c,
		    ICAL_RECURRENCEID_PROPERTY);
		if (p == NULL)
			continue;
		e->is_override = 1;
		if ((rc = prop_instant(c, e, p, icalproperty_get_recurrenceid(p),
		    &r, &e->rid)) != 0)
			return rc;
		for (j = 0; j < *nev; j++)
			if (!icalcomponent_get_first_property((*evs)[j].c,
			    ICAL_RECURRENCEID_PROPERTY) &&
			    strcmp((*evs)[j].uid, e->uid) == 0) {
				e->master = &(*evs)[j];
				break;
			}
	}
	return 0;
}

/* Every counted occurrence in the window, into c->v. */
static int
occurrences(struct ctx *c)
{
	struct ev *evs, *e;
	struct occ *v = NULL, one;
	size_t nev, n, cap, i, j, k;
	int rc, overridden;

	if ((rc = collect(c, &evs, &nev)) != 0) {
		free(evs);
		return rc;
	}
	for (i = 0; i < nev && rc == 0; i++) {
		e = &evs[i];
		n = 0;
		cap = 0;
		if (e->is_override) {
			/* A moved or changed occurrence, under the key of the
			 * occurrence it replaces. */
			if ((rc = expand(c, e, &v, &n, &cap)) == 0 && n > 0 &&
			    counts(c, e)) {
				one = v[0];
				one.orig = e->rid;
				one.series = 1;
				keep(c, e, &one);
			}
		} else if ((rc = expand(c, e, &v, &n, &cap)) == 0 &&
		    counts(c, e)) {
			for (j = 0; j < n; j++) {
				overridden = 0;
				for (k = 0; k < nev; k++)
					if (evs[k].master == e &&
					    evs[k].rid == v[j].orig)
						overridden = 1;
				if (!overridden)
					keep(c, e, &v[j]);
			}
		}
		free(v);
		v = NULL;
	}
	free(evs);
	return rc;
}

/* --- sync --------------------------------------------------------------- */

static int
by_start(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
by_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int
by_change(const void *a, const void *b)
{
	const struct ical_change *x = a, *y = b;
	time_t s = x->op == '-' ? x->old.start : x->new.start;
	time_t t = y->op == '-' ? y->old.start : y->new.start;

	return (s > t) - (s < t);
}

static void
period_copy(struct period *dst, const struct period *src)
{
	dst->start = src->start;
	dst->end = src->end;
	dst->source = src->source ? xstrdup(src->source) : NULL;
	dst->uid = src->uid ? xstrdup(src->uid) : NULL;
}

static void
change(struct ical_changes *ch, int op, const struct period *old,
    const struct period *new)
{
	struct ical_change *x;

	ch->v = xrealloc(ch->v, (ch->n + 1) * sizeof *ch->v);
	x = &ch->v[ch->n++];
	memset(x, 0, sizeof *x);
	x->op = op;
	if (old)
		period_copy(&x->old, old);
	if (new)
		period_copy(&x->new, new);
}

/* The event UID part of a period uid ("UID/start"), its length. */
static size_t
uid_event_len(const char *uid)
{
	const char *s = strrchr(uid, '/');

	return s ? (size_t)(s - uid) : strlen(uid);
}

static int
same_source(const struct period *p, const char *source)
{
	return p->source && strcmp(p->source, source) == 0;
}

/* Drop occurrences that repeat one before them: the same key, or the same
 * start and end (two entries for one absence), or the same start and end
 * as a period added by hand or from another calendar. */
static void
dedupe(struct ctx *c, const struct user *u)
{
	size_t i, j, n = 0;
	int dup;

	for (i = 0; i < c->n; i++) {
		dup = 0;
		for (j = 0; j < n && !dup; j++)
			dup = strcmp(c->v[j].key, c->v[i].key) == 0 ||
			    (c->v[j].start == c->v[i].start &&
			    c->v[j].end == c->v[i].end);
		for (j = 0; j < u->nooo && !dup; j++)
			dup = !same_source(&u->ooo[j], c->o->source) &&
			    u->ooo[j].start == c->v[i].start &&
			    u->ooo[j].end == c->v[i].end;
		if (dup)
			free(c->v[i].key);
		else
			c->v[n++] = c->v[i];
	}
	c->n = n;
}

/* The periods of u from this calendar that the sync may change: those
 * that overlap the window.  Ended ones stay as a record (ooo-rm --past
 * clears them); ones beyond the horizon wait until they come into it. */
static int
in_scope(const struct ctx *c, const struct period *p)
{
	return same_source(p, c->o->source) && p->end > c->now &&
	    p->start < c->hend;
}

/* 1 if p, of this calendar, has ended (by status --end-ooo, say) while
 * its occurrence (same uid) is still in the window and begins before p's
 * end: p stands for it, and the occurrence is used up. */
static int
ended_early(struct ctx *c, const struct period *p)
{
	size_t j;

	if (!same_source(p, c->o->source) || p->uid == NULL ||
	    p->end > c->now)
		return 0;
	for (j = 0; j < c->n; j++)
		if (!c->v[j].used && strcmp(p->uid, c->v[j].key) == 0 &&
		    c->v[j].start < p->end) {
			c->v[j].used = 1;
			return 1;
		}
	return 0;
}

/* Pair u's periods of the calendar with the occurrences; see ical.h. */
static void
sync_periods(struct ctx *c, struct user *u, struct ical_changes *ch)
{
	struct period *out, np;
	char *paired;
	size_t i, j, nkeep = 0, len;
	int pass;

	if (c->n > 0)
		qsort(c->v, c->n, sizeof *c->v, by_start);
	paired = xcalloc(u->nooo ? u->nooo : 1, 1);
	/* Pass 0: the same occurrence (uid), moved or not.  Pass 1: the
	 * same times under another uid (an export of these very periods
	 * read back).  Pass 2: a single event that moved (its uid holds its
	 * start); in a series another date is another occurrence. */
	/* An ended period keeps its occurrence (uid): one period per
	 * source and uid, the early end (status --end-ooo) kept. */
	for (i = 0; i < u->nooo; i++)
		if (!paired[i] && ended_early(c, &u->ooo[i]))
			paired[i] = 1;
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < u->nooo; i++) {
			struct period *p = &u->ooo[i];
			if (paired[i] || !in_scope(c, p))
				continue;
			for (j = 0; j < c->n; j++) {
				struct occ *o = &c->v[j];
				if (o->used)
					continue;
				if (pass == 0 && p->uid &&
				    strcmp(p->uid, o->key) == 0)
					break;
				if (pass == 1 && p->start == o->start &&
				    p->end == o->end)
					break;
				if (pass == 2 && p->uid && !o->series &&
				    (len = uid_event_len(p->uid)) ==
				    uid_event_len(o->key) &&
				    strncmp(p->uid, o->key, len) == 0)
					break;
			}
			if (j == c->n)
				continue;
			paired[i] = 1;
			c->v[j].used = 1;
			if (p->start == c->v[j].start && p->end == c->v[j].end)
				continue;
			np.start = c->v[j].start;
			np.end = c->v[j].end;
			np.source = p->source;
			np.uid = c->v[j].key;
			change(ch, '~', p, &np);
			p->start = np.start;
			p->end = np.end;
			free(p->uid);
			p->uid = xstrdup(c->v[j].key);
		}
	}
	out = xcalloc(u->nooo + c->n + 1, sizeof *out);
	for (i = 0; i < u->nooo; i++) {
		if (in_scope(c, &u->ooo[i]) && !paired[i] &&
		    u->ooo[i].start < c->now) {
			/* Under way, and gone from the window (shortened into
			 * the past, or deleted): the part that happened stays
			 * as the record of it. */
			np = u->ooo[i];
			np.end = c->now;
			change(ch, '~', &u->ooo[i], &np);
			u->ooo[i].end = c->now;
			out[nkeep++] = u->ooo[i];
		} else if (in_scope(c, &u->ooo[i]) && !paired[i]) {
			change(ch, '-', &u->ooo[i], NULL);
			free(u->ooo[i].source);
			free(u->ooo[i].uid);
		} else
			out[nkeep++] = u->ooo[i];
	}
	for (j = 0; j < c->n; j++) {
		if (c->v[j].used)
			continue;
		np.start = c->v[j].start;
		np.end = c->v[j].end;
		np.source = xstrdup(c->o->source);
		np.uid = xstrdup(c->v[j].key);
		change(ch, '+', NULL, &np);
		out[nkeep++] = np;
	}
	free(paired);
	free(u->ooo);
	u->ooo = out;
	u->nooo = nkeep;
	qsort(u->ooo, u->nooo, sizeof *u->ooo, by_period);
	if (ch->n > 0)
		qsort(ch->v, ch->n, sizeof *ch->v, by_change);
}

static void
ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
	if (c->has_re)
		regfree(&c->re);
	if (c->loc)
		freelocale(c->loc);
}

int
ical_import(struct ical *cal, const struct ical_opts *o, struct user *u,
    const char *zone, time_t now, struct ical_changes *ch)
{
	struct ctx c;
	locale_t old = (locale_t)0;
	char why[128];
	int rc;

	memset(ch, 0, sizeof *ch);
	memset(&c, 0, sizeof c);
	c.cal = cal;
	c.o = o;
	c.zname = zone;
	c.now = now;
	c.hend = now + (time_t)o->horizon * 86400;
	if ((c.uz = zone_get(zone)) == NULL)
		return err_code();
	/* Titles are UTF-8 ("Congé"); match them case-insensitively as
	 * such whatever the caller's locale. */
	c.loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (c.loc)
		old = uselocale(c.loc);
	rc = regcomp(&c.re, o->match, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (c.loc)
		uselocale(old);
	if (rc != 0) {
		regerror(rc, &c.re, why, sizeof why);
		ctx_free(&c);
		return fail(RX_INVALID, "--match '%s': %s", o->match, why);
	}
	c.has_re = 1;
	if ((rc = occurrences(&c)) != 0) {
		ctx_free(&c);
		return rc;
	}
	dedupe(&c, u);
	sync_periods(&c, u, ch);
	ctx_free(&c);
	return 0;
}

void
ical_changes_free(struct ical_changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		free(ch->v[i].old.source);
		free(ch->v[i].old.uid);
		free(ch->v[i].new.source);
		free(ch->v[i].new.uid);
	}
	free(ch->v);
	ch->v = NULL;
	ch->n = 0;
}

/* --- export ------------------------------------------------------------- */

static struct icaltimetype
utc_time(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0,
	    icaltimezone_get_utc_timezone());
}

static icalproperty *
xprop(const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	return p;
}

/* A UID that stays the same for as long as the period does: the user and
 * the period's calendar uid, or its times when it was added by hand. */
static char *
export_uid(const struct user *u, const struct period *p)
{
	char a[40], b[40];

	if (p->source && p->uid)
		return xasprintf("roster-ooo/%s/%s/%s", u->email, p->source,
		    p->uid);
	time_utc(p->start, a);
	time_utc(p->end, b);
	return xasprintf("roster-ooo/%s/%s/%s", u->email, a, b);
}

int
ical_export(const struct user *u, time_t now, char **out)
{
	icalcomponent *cal, *ev;
	char *uid, *name;
	size_t i;

	icalerror_set_errors_are_fatal(0);
	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(
	    "-//roster//ooo-add " ROSTER_VERSION "//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal,
	    icalproperty_new_method(ICAL_METHOD_PUBLISH));
	name = xasprintf("Out of office: %s", u->email);
	icalcomponent_add_property(cal, xprop("X-WR-CALNAME", name));
	free(name);
	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
		uid = export_uid(u, p);
		icalcomponent_add_property(ev, icalproperty_new_uid(uid));
		free(uid);
		icalcomponent_add_property(ev,
		    icalproperty_new_dtstamp(utc_time(now)));
		icalcomponent_add_property(ev,
		    icalproperty_new_dtstart(utc_time(p->start)));
		icalcomponent_add_property(ev,
		    icalproperty_new_dtend(utc_time(p->end)));
		icalcomponent_add_property(ev,
		    icalproperty_new_summary("Out of office"));
		icalcomponent_add_property(ev,
		    icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
		icalcomponent_add_property(ev,
		    xprop("X-MICROSOFT-CDO-BUSYSTATUS", "OOF"));
		icalcomponent_add_component(cal, ev);
	}
	*out = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	return 0;
}

void
ical_cleanup(void)
{
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	u_cleanup();
}
