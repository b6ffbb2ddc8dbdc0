/* hours.c — working hours: specs, a user's hours and zone (hours.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/hours.h"
#include "roster/user.h"
#include "roster/util.h"

static int
weekday(const char *s, size_t n)
{
	int d;

	for (d = 0; d < 7; d++)
		if (strlen(weekday_names[d]) == n &&
		    strncmp(weekday_names[d], s, n) == 0)
			return d;
	return -1;
}

int
days_parse(const char *s, int days[7])
{
	const char *p = s, *e, *dash;
	int a, b, d;

	memset(days, 0, 7 * sizeof *days);
	if (*s == '\0')
		return fail(RX_INVALID, "no weekday given");
	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		dash = memchr(p, '-', (size_t)(e - p));
		if (dash) {
			a = weekday(p, (size_t)(dash - p));
			b = weekday(dash + 1, (size_t)(e - dash - 1));
		} else
			a = b = weekday(p, (size_t)(e - p));
		if (a < 0 || b < 0)
			return fail(RX_INVALID, "bad weekday: %.*s (want mon "
			    "tue wed thu fri sat sun, a range mon-fri or a "
			    "list mon,wed)", (int)(e - p), p);
		for (d = a;; d = (d + 1) % 7) {
			days[d] = 1;
			if (d == b)
				break;
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
	return 0;
}

int
hours_spec_add(struct hours *h, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct range *rs = NULL;
	size_t nr = 0, i;
	char *ds, *rl, *tok, *save;
	int days[7], d, rc;

	if (eq == NULL)
		return fail(RX_INVALID, "bad spec: %s (want DAYS=HH:MM-HH:MM)",
		    spec);
	ds = xstrndup(spec, (size_t)(eq - spec));
	rc = days_parse(ds, days);
	free(ds);
	if (rc)
		return rc;
	/* strsep(), not strtok(): an empty range ("09:00-17:00,") is an
	 * error, not skipped. */
	rl = save = xstrdup(eq + 1);
	while (*rl && (tok = strsep(&save, ",")) != NULL) {
		rs = xrealloc(rs, (nr + 1) * sizeof *rs);
		if (*tok == '\0') {
			rc = fail(RX_INVALID, "bad spec: %s: empty range", spec);
			break;
		}
		if (range_parse(tok, &rs[nr]) != 0) {
			rc = fail(RX_INVALID, "bad range: %s (want HH:MM-HH:MM, "
			    "24:00 allowed as an end)", tok);
			break;
		}
		nr++;
	}
	free(rl);
	if (rc == 0 && nr == 0)
		rc = fail(RX_INVALID, "bad spec: %s: no range given", spec);
	if (rc) {
		free(rs);
		return rc;
	}
	for (d = 0; d < 7; d++) {
		if (!days[d])
			continue;
		h->r[d] = xrealloc(h->r[d], (h->n[d] + nr) * sizeof *h->r[d]);
		for (i = 0; i < nr; i++)
			h->r[d][h->n[d]++] = rs[i];
	}
	free(rs);
	return 0;
}

static int
same_day(const struct hours *h, int a, int b)
{
	size_t i;

	if (h->n[a] != h->n[b])
		return 0;
	for (i = 0; i < h->n[a]; i++)
		if (h->r[a][i].start != h->r[b][i].start ||
		    h->r[a][i].end != h->r[b][i].end)
			return 0;
	return 1;
}

char *
hours_format(const struct hours *h)
{
	char *out = xstrdup(""), *nx, buf[12];
	int a, b;
	size_t i;

	for (a = 0; a < 7; a = b + 1) {
		b = a;
		if (h->n[a] == 0)
			continue;
		while (b + 1 < 7 && same_day(h, a, b + 1))
			b++;
		if (a == b)
			nx = xasprintf("%s%s%s=", out, *out ? " " : "",
			    weekday_names[a]);
		else
			nx = xasprintf("%s%s%s-%s=", out, *out ? " " : "",
			    weekday_names[a], weekday_names[b]);
		free(out);
		out = nx;
		for (i = 0; i < h->n[a]; i++) {
			nx = xasprintf("%s%s%s", out, i ? "," : "",
			    range_format(&h->r[a][i], buf));
			free(out);
			out = nx;
		}
	}
	return out;
}

/* Append the ranges of add to h, day by day, after those h has. */
static void
hours_append(struct hours *h, const struct hours *add)
{
	int d;

	for (d = 0; d < 7; d++) {
		if (add->n[d] == 0)
			continue;
		h->r[d] = xrealloc(h->r[d], (h->n[d] + add->n[d]) *
		    sizeof *h->r[d]);
		memcpy(h->r[d] + h->n[d], add->r[d], add->n[d] *
		    sizeof *add->r[d]);
		h->n[d] += add->n[d];
	}
}

void
hours_set(struct user *u, const char *zone, const struct hours *h, int how)
{
	if (zone) {
		free(u->timezone);
		u->timezone = xstrdup(zone);
	}
	if (how == HOURS_CLEAR || (h && how == HOURS_REPLACE))
		hours_free(&u->hours);
	if (h && how != HOURS_CLEAR)
		hours_append(&u->hours, h);
}

int
hours_own(const struct user *u)
{
	return !hours_empty(&u->hours) || u->timezone != NULL;
}
