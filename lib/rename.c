/* rename.c — a user's address changed everywhere at once (rename.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/records.h"
#include "roster/rename.h"
#include "roster/rotation.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/welcome.h"

static int
check_new(struct store *st, const char *from, const char *to)
{
	const char *why;

	if ((why = email_invalid(to)) != NULL)
		return fail(RX_INVALID, "%s: %s", to, why);
	if (email_storable(to) != 0)
		return err_code();
	if (strcmp(from, to) == 0)
		return fail(RX_RULE, "%s: the new address is the old one", to);
	if (user_exists(st, to, USER_ACTIVE))
		return fail(RX_RULE, "%s is taken: an active user has that "
		    "address", to);
	return 0;
}

/* Move the user file: the new one staged, the old one removed.  An address
 * that was removed before starts a new life now: created is the rename's
 * time, as after an add or a restore, so that its archives are not taken
 * for a removal cut short (status --check). */
static int
move_file(struct store *st, struct user *u, const char *to, time_t now)
{
	char *fname = email_fname(u->email), *rel;
	int rc;

	rel = xasprintf("users/%s", fname);
	free(fname);
	free(u->email);
	u->email = xstrdup(to);
	if (user_exists(st, to, USER_REMOVED))
		u->created = now;
	if ((rc = user_save(st, u, USER_ACTIVE)) == 0)
		rc = txn_remove(st, rel);
	free(rel);
	return rc;
}

static int
move_records(struct store *st, const char *from, const char *to,
    size_t *n)
{
	struct records rs;
	int rc;

	memset(&rs, 0, sizeof rs);
	if ((rc = records_load(st, &rs)) != 0)
		return rc;
	records_warn_malformed(&rs);
	*n = records_reassign(&rs, from, to, 1);
	if (*n > 0)
		rc = records_save(st, &rs);
	records_free(&rs);
	return rc;
}

/* The pools whose last user was from: the place in the rotation moves
 * with the user; when it was last updated does not change. */
static int
move_rotation(struct store *st, const char *from, const char *to,
    size_t *n)
{
	struct rotation rot;
	size_t i;
	int rc;

	memset(&rot, 0, sizeof rot);
	if ((rc = rotation_load(st, &rot)) != 0)
		return rc;
	*n = 0;
	for (i = 0; i < rot.n; i++)
		if (rot.last[i] && strcasecmp(rot.last[i], from) == 0) {
			free(rot.last[i]);
			rot.last[i] = xstrdup(to);
			(*n)++;
		}
	if (*n > 0)
		rc = rotation_save(st, &rot);
	rotation_free(&rot);
	return rc;
}

int
user_rename(struct store *st, const char *old, const char *new, time_t now,
    struct renamed *r)
{
	struct user u;
	int rc, dropped = 0;

	memset(r, 0, sizeof *r);
	r->from = email_norm(old);
	r->to = email_norm(new);
	if ((rc = user_load(st, r->from, USER_ACTIVE, &u)) != 0)
		return rc;
	if ((rc = check_new(st, r->from, r->to)) == 0 &&
	    (rc = move_file(st, &u, r->to, now)) == 0 &&
	    (rc = move_records(st, r->from, r->to, &r->records)) == 0 &&
	    (rc = move_rotation(st, r->from, r->to, &r->pools)) == 0 &&
	    (rc = welcome_drop(st, r->from, &dropped)) == 0 && dropped)
		rc = welcome_queue(st, &u, now);
	r->welcome = dropped;
	if (rc == 0)
		audit_add("rename", r->from, "to %s", r->to);
	user_free(&u);
	return rc;
}

void
renamed_free(struct renamed *r)
{
	free(r->from);
	free(r->to);
	memset(r, 0, sizeof *r);
}
