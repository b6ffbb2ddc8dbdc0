/* email.c — address validation, normal form and file names.
 *
 * Unicode rules come from libunistring (character properties, case
 * mapping, NFC) and IDNA2008 from libidn2, not from tables of our own.
 * The ASCII path never calls either, so an ordinary address costs what it
 * did before. */
#include <idn2.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/util.h"

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

static int
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* 1 if a label of the domain [d, d+n) is an A-label ("xn--..."). */
static int
has_alabel(const char *d, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if ((i == 0 || d[i - 1] == '.') && strncasecmp(d + i, "xn--", 4) == 0)
			return 1;
	return 0;
}

/* Characters that show as nothing, as a blank, or differently from what
 * they are: two addresses differing only by one would look the same.
 * Separators (Z*), format characters (Cf), controls (Cc), private use
 * (Co), unassigned code points (Cn) and the 66 noncharacters. */
static int
is_invisible(ucs4_t uc)
{
	if ((uc & 0xFFFE) == 0xFFFE || (uc >= 0xFDD0 && uc <= 0xFDEF))
		return 1;
	return uc_is_general_category(uc, uc_general_category_or(
	    uc_general_category_or(UC_CATEGORY_Z, UC_CATEGORY_Cf),
	    uc_general_category_or(uc_general_category_or(UC_CATEGORY_Cc,
	    UC_CATEGORY_Co), UC_CATEGORY_Cn)));
}

/* NULL if s is UTF-8 text free of invisible characters, else why. */
static const char *
bad_text(const char *s, size_t n)
{
	static char why[64];
	const uint8_t *p = (const uint8_t *)s, *e = p + n;
	ucs4_t uc;
	int k;

	if (u8_check(p, n) != NULL)
		return "not valid UTF-8";
	for (; p < e; p += k) {
		k = u8_mbtouc_unsafe(&uc, p, (size_t)(e - p));
		if (uc <= ' ' || uc == 0x7f)
			return "contains a space or control character";
		if (uc >= 0x80 && is_invisible(uc)) {
			snprintf(why, sizeof why, "contains an invisible, "
			    "control or unassigned character (U+%04X)",
			    (unsigned)uc);
			return why;
		}
	}
	return NULL;
}

/* 1 if UTF-8 text s opens with a combining mark, which would join what
 * comes before it when the address is shown. */
static int
starts_with_mark(const char *s)
{
	ucs4_t uc;

	if ((unsigned char)*s < 0x80)
		return 0;
	u8_mbtouc_unsafe(&uc, (const uint8_t *)s, strlen(s));
	return uc_is_general_category(uc, UC_CATEGORY_M);
}

/* Lower-case and NFC, malloc'd and NUL-terminated; NULL if not UTF-8. */
static char *
u8_lower_nfc(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *r;
	char *out;

	r = u8_tolower((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, &len);
	if (r == NULL)
		return NULL;
	out = xmalloc(len + 1);
	memcpy(out, r, len);
	out[len] = '\0';
	free(r);
	return out;
}

static void
ascii_lower(char *p)
{
	for (; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* Checks an ASCII (A-label) domain: dot-separated labels of letters,
 * digits and inner hyphens, at most 63 bytes each, at least one dot. */
static const char *
bad_ldh_domain(const char *d)
{
	const char *p, *label;
	int dots = 0;

	if (*d == '\0')
		return "empty domain";
	if (strlen(d) > 253)
		return "domain longer than 253 bytes";
	for (label = p = d; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label)
				return "empty label in domain";
			if (*label == '-' || p[-1] == '-')
				return "domain label starts or ends with '-'";
			if (p - label > 63)
				return "domain label longer than 63 bytes";
			/* RFC 5891 4.2.3.1: "??--" is reserved for IDNA
			 * prefixes; only "xn--" is one, and it is checked
			 * as punycode. */
			if (p - label >= 4 && label[2] == '-' &&
			    label[3] == '-' && strncasecmp(label, "xn", 2) != 0)
				return "domain label has '--' in 3rd and 4th "
				    "place (reserved)";
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

/* One pass of IDNA2008 lookup, UTS #46 non-transitional mapping as
 * browsers and mail libraries do: the A-label form, malloc'd, or NULL and
 * *why. */
static char *
idna_lookup(const char *d, const char **why)
{
	static char msg[128];
	char *ace = NULL, *out;
	int rc;

	rc = idn2_lookup_u8((const uint8_t *)d, (uint8_t **)&ace,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		snprintf(msg, sizeof msg, "not a valid internationalized "
		    "domain (%s)", idn2_strerror(rc));
		*why = msg;
		return NULL;
	}
	out = xstrdup(ace);
	idn2_free(ace);
	return out;
}

/* The A-label and U-label forms of domain d, malloc'd; NULL and *why if
 * d is not a valid IDNA2008 name.  ASCII letters are lower-cased first
 * (punycode's case annotation means nothing here), and the U-label form
 * must give the same A-label back: an irregular "xn--" label is refused. */
static char *
idna_forms(const char *d, char **ulabel, const char **why)
{
	char *low = xstrdup(d), *ace, *again, *u = NULL;

	ascii_lower(low);
	ace = idna_lookup(low, why);
	free(low);
	if (ace == NULL)
		return NULL;
	if (idn2_to_unicode_8z8z(ace, &u, 0) != IDN2_OK || u == NULL) {
		*why = "not a valid internationalized domain (bad A-label)";
		free(ace);
		return NULL;
	}
	*ulabel = xstrdup(u);
	idn2_free(u);
	again = idna_lookup(*ulabel, why);
	if (again == NULL || strcmp(again, ace) != 0) {
		*why = "not a valid internationalized domain (an A-label "
		    "that is not what IDNA encodes)";
		free(again);
		free(ace);
		free(*ulabel);
		*ulabel = NULL;
		return NULL;
	}
	free(again);
	return ace;
}

static const char *
bad_domain(const char *d)
{
	static char msg[128];
	const char *why = NULL;
	char *ace, *u;

	if (*d == '\0')
		return "empty domain";
	if (is_ascii(d, strlen(d)) && !has_alabel(d, strlen(d)))
		return bad_ldh_domain(d);
	if (u8_check((const uint8_t *)d, strlen(d)) != NULL)
		return "not valid UTF-8";
	if ((ace = idna_forms(d, &u, &why)) == NULL)
		return why;
	free(u);
	why = bad_ldh_domain(ace);
	if (why != NULL) {
		snprintf(msg, sizeof msg, "%s (as %s)", why, ace);
		why = msg;
	}
	free(ace);
	return why;
}

/* The limits hold for the stored form too: lower-casing can lengthen
 * ("İ" is two bytes, "i̇" three), and so can the U-label form of an
 * "xn--" domain. */
static const char *
bad_norm_length(const char *s)
{
	char *norm = email_norm(s);
	const char *why = NULL;

	if (strlen(norm) > 254)
		why = "longer than 254 bytes once lower-cased";
	else if (strrchr(norm, '@') - norm > 64)
		why = "local part longer than 64 bytes once lower-cased";
	free(norm);
	return why;
}

const char *
email_invalid(const char *s)
{
	const char *at, *p, *why;
	size_t len = strlen(s);

	if (len == 0)
		return "empty address";
	if (len > 254)
		return "longer than 254 bytes";
	if ((why = bad_text(s, len)) != NULL)
		return why;
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
	if (starts_with_mark(s))
		return "local part starts with a combining mark";
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return "'..' in local part";
		} else if (!is_atext((unsigned char)*p))
			return "character not allowed in local part";
	}
	if ((why = bad_domain(at + 1)) != NULL)
		return why;
	if (is_ascii(s, len) && !has_alabel(at + 1, strlen(at + 1)))
		return NULL;
	return bad_norm_length(s);
}

/* The canonical domain: lower-case; an internationalized one in its
 * U-label (Unicode) form, whichever way it was typed.  UTS #46 mapping
 * lower-cases it, without the context rule of a final sigma that a
 * word's lower-casing has. */
static char *
norm_domain(const char *d)
{
	char *ace, *u = NULL, *out;
	const char *why;

	if ((is_ascii(d, strlen(d)) && !has_alabel(d, strlen(d))) ||
	    (ace = idna_forms(d, &u, &why)) == NULL) {
		out = xstrdup(d);
		ascii_lower(out);
		return out;
	}
	free(ace);
	return u;
}

char *
email_norm(const char *s)
{
	const char *at = strrchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	char *local, *dom, *out;

	if (is_ascii(s, n)) {
		local = xstrndup(s, n);
		ascii_lower(local);
	} else if ((local = u8_lower_nfc(s, n)) == NULL) {
		local = xstrndup(s, n);
		ascii_lower(local);
	}
	if (at == NULL)
		return local;
	dom = norm_domain(at + 1);
	out = xasprintf("%s@%s", local, dom);
	free(local);
	free(dom);
	return out;
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
