/* user.c — fuzz user_parse(), the users/EMAIL.yaml loader.  A record that
 * parses is emitted again (as user_save() does) and must parse back to a
 * record with the same address, hours and periods. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_hours(const struct hours *a, const struct hours *b)
{
	int d;

	for (d = 0; d < 7; d++)
		if (a->n[d] != b->n[d] || (a->n[d] > 0 &&
		    memcmp(a->r[d], b->r[d], a->n[d] * sizeof *a->r[d]) != 0))
			return 0;
	return 1;
}

static void
check_same(const struct user *a, const struct user *b)
{
	size_t i;

	if ((a->email == NULL) != (b->email == NULL) ||
	    (a->email && strcmp(a->email, b->email) != 0))
		abort();
	if (!same_hours(&a->hours, &b->hours) || a->nooo != b->nooo)
		abort();
	for (i = 0; i < a->nooo; i++)
		if (a->ooo[i].start != b->ooo[i].start ||
		    a->ooo[i].end != b->ooo[i].end)
			abort();
	if (a->capacity != b->capacity || a->super_admin != b->super_admin ||
	    a->has_override != b->has_override)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct user u, back;
	char *text;
	size_t len;

	user_init(&u, NULL);
	if (user_parse((const char *)data, size, "users/fuzz.yaml", &u) != 0) {
		user_free(&u);
		return 0;
	}
	if (u.email == NULL)
		u.email = strdup("fuzz@example.org");
	if (user_emit(&u, "UTC", &text, &len) == 0) {
		user_init(&back, NULL);
		/* Kept keys pasted back may not read (user_save() checks
		 * and refuses); the known keys alone must. */
		if (user_parse(text, len, "emitted", &back) != 0) {
			if (u.nextra == 0) {
				fprintf(stderr, "emitted record does not "
				    "parse: %s\n%s", err_msg(), text);
				abort();
			}
		} else if (u.nextra == 0)
			check_same(&u, &back);
		user_free(&back);
		free(text);
	}
	user_free(&u);
	return 0;
}
