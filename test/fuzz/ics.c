/* ics.c — fuzz the calendar import: ical_parse(), ical_expand() and
 * ical_sync().  A calendar that reads must sync into an empty user, and
 * syncing the same calendar again must change nothing: that is what a
 * nightly re-sync does.  The first byte picks the user's zone. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/ical.h"
#include "roster/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
	"UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kathmandu"
};

/* 2026-11-23T10:00:00Z, the clock of the tests. */
#define NOW ((time_t)1795428000)

static int
sync_once(struct ical *cal, const struct ical_opts *o, struct user *u,
    const char *zone, size_t *changes)
{
	struct ical_plan *pl;
	struct ical_changes ch;

	if (ical_expand(cal, o, zone, NOW, &pl) != 0)
		return -1;
	ical_sync(pl, u, &ch);
	*changes = ch.n;
	ical_changes_free(&ch);
	ical_plan_free(pl);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_opts o = { ICAL_SOURCE_DEFAULT, ICAL_MATCH_DEFAULT, 0, 60 };
	struct ical *cal;
	struct user u;
	const char *zone;
	size_t n1, n2 = 0;

	if (size < 1 || size > 65536)
		return 0;
	zone = zones[data[0] % 4];
	o.busy = data[0] & 4;
	if (ical_parse((const char *)data + 1, size - 1, "fuzz.ics", &cal) != 0)
		return 0;
	user_init(&u, "a@x.org");
	if (sync_once(cal, &o, &u, zone, &n1) == 0) {
		if (n1 != u.nooo)
			abort();
		if (sync_once(cal, &o, &u, zone, &n2) != 0 || n2 != 0) {
			fprintf(stderr, "a second sync changed %zu periods\n",
			    n2);
			abort();
		}
	}
	user_free(&u);
	ical_free(cal);
	ical_cleanup();
	return 0;
}
