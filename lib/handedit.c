/* handedit.c — a store file edited by hand (handedit.h). */
#include <stdlib.h>
#include <string.h>

#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/handedit.h"
#include "roster/store.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"

int
handedit_text(struct store *st, const char *rel, char **text, size_t *len)
{
	int rc = file_read(st->dfd, rel, text, len);

	if (rc != RX_NOTFOUND)
		return rc;
	if (strncmp(rel, "users/", 6) == 0)
		return fail(RX_NOTFOUND, "%s: no such user file (add users "
		    "with user-add)", rel);
	*text = xstrdup(strcmp(rel, "roster.ini") == 0 ?
	    store_ini_default() : "");
	*len = strlen(*text);
	return 0;
}

void
handedit_done(struct store *st, const char *rel)
{
	struct brieflist bl = { 0 };

	if (strncmp(rel, "users/", 6) != 0)
		return;
	/* A scan brings the index up to date; the users are not needed. */
	(void)user_scan(st, NULL, &bl, NULL, NULL);
	brieflist_free(&bl);
}
