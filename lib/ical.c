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
#include "roster/ooo.h"
#include "roster/timefmt.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/zone.h"

/* A rule that yields more occurrences than this before the horizon is
 * refused rather than cut short without a word. */
#define MAX_OCCURRENCES 100000

/* The property the parse adds to every component: the line of its BEGIN,
 * so that faults found later can still name a line. */
#define LINE_PROP "X-ROSTER-LINE"

/* The property the parse adds to an event with a property it cannot read:
 * "LINE NAME". */
#define FAULT_PROP "X-ROSTER-FAULT"

/* The most periods one calendar may give one user in the window: more is
 * a runaway rule (FREQ=MINUTELY), refused before it fills the user's
 * file. */
#define MAX_PERIODS 1000

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

/* Blanks around ";" and "=" in the parameters, and before the ":" that
 * ends them, are dropped in place: some writers put them there. */
static void
squeeze_params(char *line)
{
	char *o = line, *p = line;
	int inq = 0;

	for (; *p && (inq || *p != ':'); p++) {
		if (*p == '"')
			inq = !inq;
		if (!inq && (*p == ' ' || *p == '\t')) {
			const char *n = p + strspn(p, " \t");
			if (*n == ';' || *n == '=' || *n == ':' ||
			    (o > line && (o[-1] == ';' || o[-1] == '=')))
				continue;
		}
		*o++ = *p;
	}
	if (o != p)
		memmove(o, p, strlen(p) + 1);
}

/* 1 if a VEVENT is open: a fault there is the event's own. */
static int
in_event(const struct pstate *ps)
{
	size_t i;

	for (i = 0; i < ps->depth; i++)
		if (strcmp(ps->stack[i].name, "VEVENT") == 0)
			return 1;
	return 0;
}

/* The event being read has a property that cannot be read: mark it, so
 * that the import skips it with a warning rather than refuse the file
 * (one bad event must not stop a nightly sync for good). */
static void
event_fault(icalparser *parser, const char *name, long at)
{
	char tag[96];

	snprintf(tag, sizeof tag, FAULT_PROP ":%ld %s", at, name);
	icalparser_add_line(parser, tag);
}

/* The line with ";X-ROSTER-LINE=at" after its property name, so that a
 * fault found later names the property's own line; malloc'd. */
static char *
tag_line(const char *line, const char *name, long at)
{
	size_t n = strlen(name);

	return xasprintf("%.*s;" LINE_PROP "=%ld%s", (int)n, line, at,
	    line + n);
}

/* One logical (unfolded) line at line at. */
static int
take_line(struct pstate *ps, icalparser *parser, char *line, long at)
{
	icalcomponent *c;
	icalparser_state st;
	char name[40], *tagged = NULL;
	size_t depth = ps->depth;
	int rc;

	if (line[strspn(line, " \t\r\n")] == '\0')
		return 0;	/* blank: libical would keep the last state */
	squeeze_params(line);
	line_name(line, name, sizeof name);
	/* Vendor lines without ":" (X-APPLE-RADIUS=...), grouped names
	 * (GROUP1.X-TEST) and text after the last END:VCALENDAR lose
	 * nothing roster reads. */
	if ((name[0] == '\0' && depth > 0) || (depth == 0 &&
	    ps->cal->ncal > 0 && strcmp(name, "BEGIN") != 0))
		return 0;
	if (depth > 0 && is_used(name) && strcmp(name, "BEGIN") != 0 &&
	    strcmp(name, "END") != 0 && strcmp(name, "TZID") != 0 &&
	    strncmp(name, "TZOFFSET", 8) != 0)
		tagged = tag_line(line, name, at);
	c = icalparser_add_line(parser, tagged ? tagged : line);
	free(tagged);
	st = icalparser_get_state(parser);
	if (st == ICALPARSER_ERROR && depth > 0 && name[0] != '\0' &&
	    is_used(name) && in_event(ps) && strcmp(name, "BEGIN") != 0 &&
	    strcmp(name, "END") != 0) {
		event_fault(parser, name, at);
		return 0;
	}
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
	    strcmp(name, "RRULE") == 0) {
		if (!in_event(ps))
			return check_values(ps, line, at);
		if (check_values(ps, line, at) != 0)
			event_fault(parser, name, at);
	}
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
	int future;		/* ... with RANGE=THISANDFUTURE */
	time_t rid;		/* its instant, for an override */
	int has_occ;		/* an override: where it moved to, */
	time_t ostart, oend;	/* in or out of the window */
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
	char *zcopy;		/* zname, owned */
	struct strv skipped;	/* UIDs of events that cannot be read */
	struct strv warn;	/* a message for each */
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

/* The line of property p, from the parameter the parse gave it; else the
 * line of its event. */
static long
prop_line(icalproperty *p, long dflt)
{
	icalparameter *pa;
	const char *n;

	for (pa = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); pa;
	    pa = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER))
		if ((n = icalparameter_get_xname(pa)) != NULL &&
		    strcmp(n, LINE_PROP) == 0)
			return strtol(icalparameter_get_xvalue(pa), NULL, 10);
	return dflt;
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
	return fail_at(RX_INVALID, c->cal->shown, prop_line(p, e->line),
	    "%s: unknown time zone \"%s\" (not an IANA or Windows zone "
	    "name, and no VTIMEZONE defines it)",
	    icalproperty_get_property_name(p), tzid);
}

/* The instant of time value t of property p, and how to read its zone. */
static int
prop_instant(struct ctx *c, const struct ev *e, icalproperty *p,
    struct icaltimetype t, struct tzref *r, time_t *out)
{
	int rc;

	if (!time_ok(t))
		return fail_at(RX_INVALID, c->cal->shown, prop_line(p, e->line),
		    "%s: not a valid date or time",
		    icalproperty_get_property_name(p));
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
		if (ds.is_date && de.is_date) {
			sp->days = (int)(days_from_civil(de.year, de.month,
			    de.day) - days_from_civil(ds.year, ds.month, ds.day));
			/* DTEND equal to DTSTART: one day, as Google and
			 * Android read it. */
			if (sp->days == 0)
				sp->days = 1;
		} else
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

/* Add an occurrence to *v, when it reaches into the window (all: any);
 * RX_INVALID when the event gives more than MAX_PERIODS there: only the
 * window is kept, so a runaway rule costs no memory and no quadratic
 * time before it is refused. */
static int
occ_add(struct ctx *c, const struct ev *e, int all, struct occ **v,
    size_t *n, size_t *cap, time_t orig, time_t start, time_t end,
    struct icaltimetype wall)
{
	size_t i;

	if (!all && (end <= c->now || start >= c->hend))
		return 0;
	for (i = 0; i < *n; i++)
		if ((*v)[i].orig == orig)
			return 0;	/* DTSTART is often also the rule's first */
	if (*n >= MAX_PERIODS)
		return fail_at(RX_INVALID, c->cal->shown, e->line, "event "
		    "'%s': more than %d periods before the horizon (a "
		    "calendar gives one user at most %d)", e->uid,
		    MAX_PERIODS, MAX_PERIODS);
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
	return 0;
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
expand(struct ctx *c, const struct ev *e, int all, struct occ **v,
    size_t *n, size_t *cap)
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
	if ((rc = occ_add(c, e, all, v, n, cap, start, start,
	    span_end(&sp, &rs, ds, start), ds)) != 0)
		return rc;
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
			if ((rc = occ_add(c, e, all, v, n, cap, s, s,
			    span_end(&sp, &rs, t, s), t)) != 0) {
				icalrecur_iterator_free(it);
				return rc;
			}
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
		if ((rc = occ_add(c, e, all, v, n, cap, s, s, end, w)) != 0)
			return rc;
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
static int
keep(struct ctx *c, const struct ev *e, const struct occ *o)
{
	char when[40];
	struct occ *k;

	if (o->end <= o->start || o->end <= c->now || o->start >= c->hend)
		return 0; /* no length (a reminder), or outside the window */
	if (c->n >= MAX_PERIODS)
		return fail_at(RX_INVALID, c->cal->shown, e->line, "event "
		    "'%s': the calendar gives more than %d periods before "
		    "the horizon (at most %d for one user)", e->uid,
		    MAX_PERIODS, MAX_PERIODS);
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
	return 0;
}

/* A UID goes into the user's file: UTF-8 text without controls. */
static int
uid_check(struct ctx *c, icalcomponent *x, const char *uid, long line)
{
	icalproperty *p = icalcomponent_get_first_property(x,
	    ICAL_UID_PROPERTY);
	const unsigned char *q;

	if (user_text_ok(uid))
		return 0;
	if (p)
		line = prop_line(p, line);
	for (q = (const unsigned char *)uid; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			return fail_at(RX_INVALID, c->cal->shown, line, "UID "
			    "contains a control character (\\x%02x)", *q);
	return fail_at(RX_INVALID, c->cal->shown, line, "UID is not UTF-8 "
	    "text");
}

/* If event x has a property the parse could not read, note its UID and
 * a warning, and return 1. */
static int
faulty(struct ctx *c, icalcomponent *x, const char *uid, long line)
{
	const char *f = xprop_value(x, FAULT_PROP);
	char *msg, name[40] = "";
	long at = line;

	if (f == NULL)
		return 0;
	if (sscanf(f, "%ld %39s", &at, name) < 1)
		at = line;
	msg = xasprintf("%s:%ld: event '%s' skipped: %s cannot be read; "
	    "its periods from earlier syncs are kept", c->cal->shown, at,
	    uid, name[0] ? name : "a property");
	strv_add(&c->warn, msg);
	free(msg);
	if (!strv_has(&c->skipped, uid))
		strv_add(&c->skipped, uid);
	return 1;
}

/* Read the VEVENTs of every calendar into *evs, overrides linked to
 * their series; events with a property that cannot be read, and every
 * other part of their series, are left out. */
static int
collect(struct ctx *c, struct ev **evs, size_t *nev)
{
	icalcomponent *vcal, *x;
	icalproperty *p;
	icalparameter *pa;
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
			const char *uid = icalcomponent_get_uid(x);
			if (uid == NULL)
				uid = "";
			if ((rc = uid_check(c, x, uid, comp_line(x))) != 0)
				return rc;
			faulty(c, x, uid, comp_line(x));
			if (*nev == cap) {
				cap = cap ? cap * 2 : 16;
				*evs = xrealloc(*evs, cap * sizeof **evs);
			}
			e = &(*evs)[(*nev)++];
			memset(e, 0, sizeof *e);
			e->c = x;
			e->vcal = vcal;
			e->uid = uid;
			e->line = comp_line(x);
		}
	}
	for (i = j = 0; i < *nev; i++)
		if (!strv_has(&c->skipped, (*evs)[i].uid))
			(*evs)[j++] = (*evs)[i];
	*nev = j;
	for (i = 0; i < *nev; i++) {
		e = &(*evs)[i];
		p = icalcomponent_get_first_property(e->c,
		    ICAL_RECURRENCEID_PROPERTY);
		if (p == NULL)
			continue;
		e->is_override = 1;
		pa = icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER);
		e->future = pa && icalparameter_get_range(pa) ==
		    ICAL_RANGE_THISANDFUTURE;
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

/* Where override e moved its occurrence to (window or not). */
static int
place_override(struct ctx *c, struct ev *e)
{
	struct occ *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if ((rc = expand(c, e, 1, &v, &n, &cap)) == 0 && n > 0) {
		e->has_occ = 1;
		e->ostart = v[0].start;
		e->oend = v[0].end;
	}
	free(v);
	return rc;
}

/* The override of series e that governs its occurrence o: one for that
 * very occurrence, else the latest RANGE=THISANDFUTURE one before it
 * (RFC 5545 3.2.13), else NULL. */
static struct ev *
override_of(struct ev *evs, size_t nev, const struct ev *e,
    const struct occ *o)
{
	struct ev *best = NULL;
	size_t k;

	for (k = 0; k < nev; k++) {
		if (evs[k].master != e)
			continue;
		if (evs[k].rid == o->orig)
			return &evs[k];
		if (evs[k].future && evs[k].rid < o->orig &&
		    (best == NULL || evs[k].rid > best->rid))
			best = &evs[k];
	}
	return best;
}

/* The occurrences of series e, as its overrides have them. */
static int
series_occurrences(struct ctx *c, struct ev *evs, size_t nev, struct ev *e)
{
	struct occ *v = NULL, one;
	struct ev *ov;
	size_t n = 0, cap = 0, j;
	int rc;

	for (j = 0; j < nev; j++)
		if (evs[j].master == e && evs[j].future && counts(c, &evs[j]))
			break;
	/* A series that is no absence is not expanded: a long meeting
	 * series must not trip the limit. */
	if (j == nev && !counts(c, e))
		return 0;
	if ((rc = expand(c, e, 0, &v, &n, &cap)) != 0) {
		free(v);
		return rc;
	}
	for (j = 0; j < n && rc == 0; j++) {
		if ((ov = override_of(evs, nev, e, &v[j])) == NULL) {
			if (counts(c, e))
				rc = keep(c, e, &v[j]);
		} else if (ov->rid != v[j].orig && ov->has_occ &&
		    counts(c, ov)) {
			/* This and future: moved by as much as the
			 * override's instance, and as long. */
			one = v[j];
			one.start = v[j].orig + (ov->ostart - ov->rid);
			one.end = one.start + (ov->oend - ov->ostart);
			rc = keep(c, e, &one);
		}
	}
	free(v);
	return rc;
}

/* Every counted occurrence in the window, into c->v. */
static int
occurrences(struct ctx *c)
{
	struct ev *evs, *e;
	struct occ one;
	size_t nev, i;
	int rc;

	if ((rc = collect(c, &evs, &nev)) != 0) {
		free(evs);
		return rc;
	}
	for (i = 0; i < nev && rc == 0; i++)
		if (evs[i].is_override)
			rc = place_override(c, &evs[i]);
	for (i = 0; i < nev && rc == 0; i++) {
		e = &evs[i];
		if (e->is_override) {
			/* A moved or changed occurrence, under the key of the
			 * occurrence it replaces. */
			if (e->has_occ && counts(c, e)) {
				memset(&one, 0, sizeof one);
				one.orig = e->rid;
				one.start = e->ostart;
				one.end = e->oend;
				one.series = 1;
				rc = keep(c, e, &one);
			}
		} else
			rc = series_occurrences(c, evs, nev, e);
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

/* Orders of occurrence indices, for qsort_r() with the occurrences as
 * argument: by key; by start and end; by the event part of the key.  Ties
 * go by index, so that the first of equals comes first. */
static int
idx_tie(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

static int
by_key(const void *a, const void *b, void *arg)
{
	const struct occ *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = strcmp(v[x].key, v[y].key);

	return d ? d : idx_tie(x, y);
}

static int
by_times(const void *a, const void *b, void *arg)
{
	const struct occ *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (v[x].start != v[y].start)
		return v[x].start < v[y].start ? -1 : 1;
	if (v[x].end != v[y].end)
		return v[x].end < v[y].end ? -1 : 1;
	return idx_tie(x, y);
}

static int
cmp_event(const char *a, size_t la, const char *b, size_t lb)
{
	int d = memcmp(a, b, la < lb ? la : lb);

	return d ? d : (la > lb) - (la < lb);
}

static int
by_event(const void *a, const void *b, void *arg)
{
	const struct occ *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = cmp_event(v[x].key, uid_event_len(v[x].key), v[y].key,
	    uid_event_len(v[y].key));

	return d ? d : idx_tie(x, y);
}

/* The indices 0..n-1 of v in the order cmp gives, malloc'd. */
static size_t *
sorted_idx(struct occ *v, size_t n, int (*cmp)(const void *, const void *,
    void *))
{
	size_t *ix = xcalloc(n ? n : 1, sizeof *ix), i;

	for (i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof *ix, cmp, v);
	return ix;
}

/* 1 if some period of another source than the calendar's has exactly
 * [s, e): ps is those periods sorted by times. */
static int
taken(const struct period *ps, size_t n, time_t s, time_t e)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ps[mid].start < s || (ps[mid].start == s &&
		    ps[mid].end < e))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ps[lo].start == s && ps[lo].end == e;
}

/* Drop occurrences that repeat one before them: the same key, or the same
 * start and end (two entries for one absence), or the same start and end
 * as a period added by hand or from another calendar.  Sorting makes it
 * O(n log n): a big calendar re-synced must not take minutes. */
static void
dedupe(struct ctx *c, const struct user *u)
{
	struct period *other = xcalloc(u->nooo ? u->nooo : 1, sizeof *other);
	char *drop = xcalloc(c->n ? c->n : 1, 1);
	size_t *ix, i, n = 0, no = 0;

	for (i = 0; i < u->nooo; i++)
		if (!same_source(&u->ooo[i], c->o->source))
			other[no++] = u->ooo[i];
	qsort(other, no, sizeof *other, ooo_cmp);
	ix = sorted_idx(c->v, c->n, by_key);
	for (i = 1; i < c->n; i++)
		if (strcmp(c->v[ix[i]].key, c->v[ix[i - 1]].key) == 0)
			drop[ix[i]] = 1;
	free(ix);
	ix = sorted_idx(c->v, c->n, by_times);
	for (i = 0; i < c->n; i++)
		if ((i > 0 && c->v[ix[i]].start == c->v[ix[i - 1]].start &&
		    c->v[ix[i]].end == c->v[ix[i - 1]].end) ||
		    taken(other, no, c->v[ix[i]].start, c->v[ix[i]].end))
			drop[ix[i]] = 1;
	free(ix);
	for (i = 0; i < c->n; i++) {
		if (drop[i])
			free(c->v[i].key);
		else
			c->v[n++] = c->v[i];
	}
	c->n = n;
	free(drop);
	free(other);
}

/* The periods of u from this calendar that the sync may change: those
 * that overlap the window.  Ended ones stay as a record (ooo-rm --past
 * clears them); ones beyond the horizon wait until they come into it. */
static int
in_scope(const struct ctx *c, const struct period *p)
{
	size_t i, len;

	if (!same_source(p, c->o->source) || p->end <= c->now ||
	    p->start >= c->hend)
		return 0;
	/* An event that could not be read this time keeps its periods. */
	len = p->uid ? uid_event_len(p->uid) : 0;
	for (i = 0; p->uid && i < c->skipped.n; i++)
		if (strlen(c->skipped.v[i]) == len &&
		    strncmp(c->skipped.v[i], p->uid, len) == 0)
			return 0;
	return 1;
}

/* The first unused occurrence, in the order of ix, that pass finds
 * for period p (see sync_periods()), or c->n. */
static size_t
find_match(const struct ctx *c, const size_t *ix, int pass,
    const struct period *p)
{
	size_t lo = 0, hi = c->n, mid, len = 0;
	const struct occ *o;
	int d;

	if (pass != 1 && p->uid == NULL)
		return c->n;
	if (pass == 2)
		len = uid_event_len(p->uid);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		o = &c->v[ix[mid]];
		if (pass == 0)
			d = strcmp(o->key, p->uid);
		else if (pass == 1)
			d = o->start != p->start ? (o->start < p->start ? -1 :
			    1) : (o->end > p->end) - (o->end < p->end);
		else
			d = cmp_event(o->key, uid_event_len(o->key), p->uid,
			    len);
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n; lo++) {
		o = &c->v[ix[lo]];
		if (pass == 0 && strcmp(o->key, p->uid) != 0)
			break;
		if (pass == 1 && (o->start != p->start || o->end != p->end))
			break;
		if (pass == 2 && cmp_event(o->key, uid_event_len(o->key),
		    p->uid, len) != 0)
			break;
		if (!o->used && (pass != 2 || !o->series))
			return ix[lo];
	}
	return c->n;
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
	int (*const order[3])(const void *, const void *, void *) = {
		by_key, by_times, by_event
	};
	struct period *out, np;
	char *paired;
	size_t i, j, nkeep = 0, *ix;
	int pass;

	if (c->n > 0)
		qsort(c->v, c->n, sizeof *c->v, by_start);
	paired = xcalloc(u->nooo ? u->nooo : 1, 1);
	/* Pass 0: the same occurrence (uid), moved or not.  Pass 1: the
	 * same times under another uid (an export of these very periods
	 * read back).  Pass 2: a single event that moved (its uid holds its
	 * start); in a series another date is another occurrence.  Each
	 * pass looks the periods up in the occurrences sorted its way. */
	/* An ended period keeps its occurrence (uid): one period per
	 * source and uid, the early end (status --end-ooo) kept. */
	for (i = 0; i < u->nooo; i++)
		if (!paired[i] && ended_early(c, &u->ooo[i]))
			paired[i] = 1;
	for (pass = 0; pass < 3; pass++) {
		ix = sorted_idx(c->v, c->n, order[pass]);
		for (i = 0; i < u->nooo; i++) {
			struct period *p = &u->ooo[i];
			if (paired[i] || !in_scope(c, p))
				continue;
			if ((j = find_match(c, ix, pass, p)) == c->n)
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
		free(ix);
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
	qsort(u->ooo, u->nooo, sizeof *u->ooo, ooo_cmp);
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
	strv_free(&c->skipped);
	strv_free(&c->warn);
	free(c->zcopy);
}

struct ical_plan {
	struct ctx c;
};

int
ical_expand(struct ical *cal, const struct ical_opts *o, const char *zone,
    time_t now, struct ical_plan **out)
{
	struct ical_plan *pl;
	struct ctx *c;
	locale_t old = (locale_t)0;
	char why[128];
	int rc;

	*out = NULL;
	pl = xcalloc(1, sizeof *pl);
	c = &pl->c;
	c->cal = cal;
	c->o = o;
	c->zname = c->zcopy = xstrdup(zone);
	c->now = now;
	c->hend = now + (time_t)o->horizon * 86400;
	if ((c->uz = zone_get(zone)) == NULL) {
		rc = err_code();
		goto fail;
	}
	/* Titles are UTF-8 ("Congé"); match them case-insensitively as
	 * such whatever the caller's locale. */
	c->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (c->loc)
		old = uselocale(c->loc);
	rc = regcomp(&c->re, o->match, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (c->loc)
		uselocale(old);
	if (rc != 0) {
		regerror(rc, &c->re, why, sizeof why);
		rc = fail(RX_INVALID, "--match '%s': %s", o->match, why);
		goto fail;
	}
	c->has_re = 1;
	if ((rc = occurrences(c)) != 0)
		goto fail;
	*out = pl;
	return 0;
fail:
	ctx_free(c);
	free(pl);
	return rc;
}

const char *
ical_plan_zone(const struct ical_plan *pl)
{
	return pl->c.zname;
}

const char *
ical_plan_warning(const struct ical_plan *pl, size_t i)
{
	return i < pl->c.warn.n ? pl->c.warn.v[i] : NULL;
}

void
ical_sync(struct ical_plan *pl, struct user *u, struct ical_changes *ch)
{
	memset(ch, 0, sizeof *ch);
	dedupe(&pl->c, u);
	sync_periods(&pl->c, u, ch);
}

void
ical_plan_free(struct ical_plan *pl)
{
	if (pl == NULL)
		return;
	ctx_free(&pl->c);
	free(pl);
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

/* A VTIMEZONE of UTC: TZID UTC, offset zero since 1970. */
static icalcomponent *
utc_zone(void)
{
	icalcomponent *tz, *std;
	struct icaltimetype t = icaltime_from_string("19700101T000000");

	tz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent_add_property(tz, icalproperty_new_tzid("UTC"));
	std = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	icalcomponent_add_property(std, icalproperty_new_dtstart(t));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetfrom(0));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetto(0));
	icalcomponent_add_property(std, icalproperty_new_tzname("UTC"));
	icalcomponent_add_component(tz, std);
	return tz;
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
	/* RFC 5545 3.6: a calendar holds at least one component, and strict
	 * readers refuse one without; with no periods, a UTC zone is the
	 * component that says nothing. */
	if (u->nooo == 0)
		icalcomponent_add_component(cal, utc_zone());
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
