/* email.c — address validation, normal form and file names. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/email.h"
#include "roster/err.h"

/* RFC 5322 atext, less nothing: letters, digits and !#$%&'*+-/=?^_`{|}~ */
static int
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

const char *
email_invalid(const char *s)
{
	const char *at, *p, *label;
	size_t len = strlen(s);
	int dots = 0;

	if (len == 0)
		return "empty address";
	if (len > 254)
		return "longer than 254 bytes";
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return "contains a space or control character";
	at = strchr(s, '@');
	if (at == NULL)
		return "no '@'";
	if (strchr(at + 1, '@') != NULL)
		return "more than one '@'";
	if (at == s)
		return "empty local part";
	if (at - s > 64)
		return "local part longer than 64 bytes";
	if (s[0] == '.' || at[-1] == '.')
		return "local part starts or ends with '.'";
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return "'..' in local part";
		} else if (!is_atext((unsigned char)*p))
			return "character not allowed in local part";
	}
	if (at[1] == '\0')
		return "empty domain";
	for (label = p = at + 1; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label)
				return "empty label in domain";
			if (*label == '-' || p[-1] == '-')
				return "domain label starts or ends with '-'";
			if (p - label > 63)
				return "domain label longer than 63 bytes";
			if (*p == '\0')
				break;
			dots++;
			label = p + 1;
		} else if (!is_ldh((unsigned char)*p))
			return "character not allowed in domain";
	}
	if (dots == 0)
		return "domain has no '.'";
	return NULL;
}

char *
email_norm(const char *s)
{
	char *d = xstrdup(s), *p;

	for (p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static int
plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '+' || c == '@' || c == '-';
}

char *
email_fname(const char *s)
{
	char *norm = email_norm(s), *out, *o;
	const unsigned char *p;

	out = o = xmalloc(strlen(norm) * 3 + sizeof ".yaml");
	for (p = (const unsigned char *)norm; *p; p++) {
		if (plain_byte(*p) && !(p == (const unsigned char *)norm &&
		    *p == '.'))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	strcpy(o, ".yaml");
	free(norm);
	return out;
}

int
email_storable(const char *s)
{
	char *fname = email_fname(s), *norm;
	size_t n = strlen(fname);
	int rc = 0;

	free(fname);
	if (n + EMAIL_FNAME_ROOM > NAME_MAX) {
		norm = email_norm(s);
		rc = fail(RX_INVALID, "%s: too long to store (its file name "
		    "needs %zu bytes; at most %d)", norm, n + EMAIL_FNAME_ROOM,
		    NAME_MAX);
		free(norm);
	}
	return rc;
}

char *
email_from_fname(const char *name)
{
	size_t n = strlen(name);

	if (n <= 5 || strcmp(name + n - 5, ".yaml") != 0 || name[0] == '.')
		return NULL;
	return pct_decode(name, n - 5);
}
