/* time.c — fuzz time_scan() and time_parse(), the time syntax of roster(5), Times.
 * The first byte picks the zone and end-of-day; the rest is the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roster/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
	NULL, "UTC", "Europe/Amsterdam", "Asia/Kathmandu",
	"America/St_Johns", "Pacific/Apia", "Australia/Lord_Howe", "Etc/GMT+12"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tspec ts;
	char *s, buf[32];
	time_t t, back;

	if (size < 1 || size > 256)
		return 0;
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	time_scan(s, &ts);
	if (time_parse(s, zones[data[0] % 8], (data[0] >> 3) & 1, &t) == 0) {
		/* What a writer writes of a time taken reads back, in UTC
		 * and in any zone. */
		if (time_rfc3339(time_utc(t, buf), &back) != 0 || back != t)
			abort();
		time_in_zone(t, zones[(data[0] >> 4) % 8], buf);
		if (time_rfc3339(buf, &back) != 0 || back != t)
			abort();
	}
	if (time_rfc3339(s, &t) == 0)
		time_utc(t, buf);
	free(s);
	return 0;
}
