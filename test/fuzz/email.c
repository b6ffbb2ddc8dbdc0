/* email.c — fuzz the address rules: email_invalid(), email_norm() and the
 * file names.  For an address that is valid, its normal form must be valid
 * too, normalise to itself (so that any spelling of one address is one
 * user), and come back from its file name unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/email.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *norm, *again, *fname, *back;
	const char *why;

	if (size > 512)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	norm = email_norm(s);
	if (email_invalid(s) == NULL) {
		if ((why = email_invalid(norm)) != NULL) {
			fprintf(stderr, "'%s' is valid, its normal form '%s' "
			    "is not: %s\n", s, norm, why);
			abort();
		}
		again = email_norm(norm);
		if (strcmp(again, norm) != 0) {
			fprintf(stderr, "'%s' normalises to '%s', then to "
			    "'%s'\n", s, norm, again);
			abort();
		}
		fname = email_fname(s);
		back = email_from_fname(fname);
		if (back == NULL || strcmp(back, norm) != 0 ||
		    strchr(fname, '/') != NULL || fname[0] == '.')
			abort();
		free(again);
		free(fname);
		free(back);
	}
	free(norm);
	free(s);
	return 0;
}
