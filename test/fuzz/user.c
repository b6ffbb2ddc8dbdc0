/* user.c — fuzz user_parse(), the users/EMAIL.yaml loader, and the edit in
 * place of user_render(): a record that parses is edited (fields chosen by
 * the input's last byte), rendered over its own text, and must parse back
 * with the edited fields equal; a refusal is fine, a crash or a wrong
 * read-back is not.  The same record emitted as a new file must parse back
 * too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/user.h"
#include "roster/util.h"

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

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int
same_strv(const struct strv *a, const struct strv *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

static void
check_same(const struct user *a, const struct user *b, const char *text)
{
	size_t i;
	int ok = 1;

	ok = ok && same_str(a->email, b->email) && same_str(a->timezone,
	    b->timezone) && same_str(a->first_name, b->first_name) &&
	    same_strv(&a->teams, &b->teams);
	ok = ok && same_hours(&a->hours, &b->hours) && a->nooo == b->nooo;
	for (i = 0; ok && i < a->nooo; i++)
		ok = a->ooo[i].start == b->ooo[i].start &&
		    a->ooo[i].end == b->ooo[i].end;
	ok = ok && a->capacity == b->capacity &&
	    a->super_admin == b->super_admin &&
	    a->has_override == b->has_override;
	if (!ok) {
		fprintf(stderr, "text does not read back as meant:\n%s", text);
		abort();
	}
}

/* Change the fields that the bits of how choose, as the writers do. */
static void
edit(struct user *u, unsigned how, unsigned more)
{
	if ((more & 1) && u->nooo > 0) {
		/* Drop the first period, as ooo-rm does. */
		free(u->ooo[0].source);
		free(u->ooo[0].uid);
		memmove(u->ooo, u->ooo + 1, --u->nooo * sizeof *u->ooo);
	}
	if (how & 1)
		u->super_admin = !u->super_admin;
	if (how & 2) {
		free(u->timezone);
		u->timezone = (how & 4) ? strdup("Asia/Tokyo") : NULL;
	}
	if (how & 8) {
		free(u->first_name);
		u->first_name = (how & 16) ? strdup("Zoë \"日本\" #x: y") : NULL;
	}
	if (how & 32) {
		strv_free(&u->teams);
		if (how & 64)
			strv_add(&u->teams, "Sales, EU");
	}
	if (how & 128) {
		hours_free(&u->hours);
		u->hours.r[WD_FRI] = malloc(sizeof *u->hours.r[WD_FRI]);
		u->hours.r[WD_FRI][0].start = 540;
		u->hours.r[WD_FRI][0].end = 780;
		u->hours.n[WD_FRI] = 1;
		u->capacity = u->capacity < 0 ? 3 : -1;
		u->ooo = realloc(u->ooo, (u->nooo + 1) * sizeof *u->ooo);
		memset(&u->ooo[u->nooo], 0, sizeof *u->ooo);
		u->ooo[u->nooo].start = 1796083200;
		u->ooo[u->nooo++].end = 1796169600;
	}
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
	edit(&u, size > 0 ? data[size - 1] : 0, size > 1 ? data[size - 2] : 0);
	if (user_render(&u, "UTC", "users/fuzz.yaml", &text, &len) == 0) {
		user_init(&back, NULL);
		if (user_parse(text, len, "edited", &back) != 0) {
			fprintf(stderr, "edited text does not parse: %s\n%s",
			    err_msg(), text);
			abort();
		}
		check_same(&u, &back, text);
		user_free(&back);
		free(text);
	}
	/* The same record as a new file. */
	free(u.src);
	u.src = NULL;
	if (user_emit(&u, "UTC", &text, &len) == 0) {
		user_init(&back, NULL);
		if (user_parse(text, len, "emitted", &back) != 0) {
			fprintf(stderr, "emitted record does not parse: %s\n%s",
			    err_msg(), text);
			abort();
		}
		check_same(&u, &back, text);
		user_free(&back);
		free(text);
	}
	user_free(&u);
	return 0;
}
