/* userset.c — the users a command acts on (userset.h). */
#include <string.h>

#include "roster/err.h"
#include "roster/user.h"
#include "roster/userset.h"

void
users_load(struct store *st, char *const *emails, size_t n,
    struct userlist *ul, int *first)
{
	size_t i;
	int rc;

	memset(ul, 0, sizeof *ul);
	ul->u = xcalloc(n ? n : 1, sizeof *ul->u);
	for (i = 0; i < n; i++) {
		if ((rc = user_load(st, emails[i], USER_ACTIVE,
		    &ul->u[ul->n])) != 0)
			batch_fail(first, rc);
		else
			ul->n++;
	}
}
