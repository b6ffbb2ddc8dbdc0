/* email.c — unit tests of lib/email.c: which addresses are valid
 * (user-add(1)), their stored form and file names (roster(5),
 * "Addresses"), and the room a file name needs. */
#include <stdlib.h>
#include <string.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/util.h"
#include "test-lib.h"

static void
check_valid(const char *s)
{
	if (!check_str(email_invalid(s), NULL))
		test_note("address", s);
}

/* s is refused, with a reason that contains why. */
static void
check_invalid(const char *s, const char *why)
{
	const char *got = email_invalid(s);

	if (!check(got != NULL && strstr(got, why) != NULL)) {
		test_note("address", s);
		test_note("reason", got);
		test_note("want", why);
	}
}

static void
check_norm(const char *s, const char *want)
{
	char *got = email_norm(s);

	if (!check_str(got, want))
		test_note("address", s);
	free(got);
}

/* The file name of s, and back to the stored form. */
static void
check_fname(const char *s, const char *want)
{
	char *got = email_fname(s), *back = email_from_fname(got);
	char *norm = email_norm(s);

	if (!check_str(got, want))
		test_note("address", s);
	check_str(back, norm);
	free(got);
	free(back);
	free(norm);
}

/* A string of n copies of c. */
static char *
rep(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
t_valid(void)
{
	check_valid("ada@example.org");
	check_valid("Ada.Lovelace+desk@Example.ORG");
	check_valid("!#$%&'*+-/=?^_`{|}~@x.org");
	check_valid("ann@xn--bcher-kva.example");
	check_valid("ann@b\xc3\xbc" "cher.example");
	check_valid("j\xc3\xb6ran@x.org");
	check_valid("\xe6\x97\xa5\xe6\x9c\xac@x.org");
	check_valid("a@x.test");
	check_valid("a@x.local");
	check_valid("a@x.y1z");
}

static void
t_invalid(void)
{
	check_invalid("", "empty address");
	check_invalid("ada", "no '@'");
	check_invalid("a@b@x.org", "more than one '@'");
	check_invalid("@x.org", "empty local part");
	check_invalid("ada@", "empty domain");
	check_invalid("ada@org", "domain has no '.'");
	check_invalid(".ada@x.org", "starts or ends with '.'");
	check_invalid("ada.@x.org", "starts or ends with '.'");
	check_invalid("a..b@x.org", "'..' in local part");
	check_invalid("\"a b\"@x.org", "space or control");
	check_invalid("\"ab\"@x.org", "character not allowed in local part");
	check_invalid("a(c)@x.org", "character not allowed in local part");
	check_invalid("a@[192.0.2.1]", "domain");
	check_invalid("a b@x.org", "space or control");
	check_invalid("a\tb@x.org", "space or control");
	check_invalid("ada@x.org\n", "space or control");
	check_invalid("a\xc2\xa0" "b@x.org", "U+00A0");
	check_invalid("a\xe2\x80\x8b" "b@x.org", "U+200B");
	check_invalid("a\xe2\x80\xae" "b@x.org", "U+202E");
	check_invalid("a\xee\x80\x80@x.org", "U+E000");	/* private use */
	check_invalid("a\xef\xbf\xbe@x.org", "U+FFFE");	/* noncharacter */
	check_invalid("\xcc\x88" "a@x.org", "combining mark");
	check_invalid("a\xff@x.org", "not valid UTF-8");
	check_invalid("a\xc0\xaf@x.org", "not valid UTF-8");
	check_invalid("a@-x.org", "starts or ends with '-'");
	check_invalid("a@x-.org", "starts or ends with '-'");
	check_invalid("a@x..org", "empty label");
	check_invalid("a@ab--cd.org", "'--'");
	check_invalid("a@x_y.org", "domain");
	check_invalid("a@x.org.", "empty label");
}

static void
t_lengths(void)
{
	char *local64 = rep('a', 64), *local65 = rep('a', 65);
	char *label63 = rep('b', 63), *label64 = rep('b', 64), *s;

	s = xasprintf("%s@x.org", local64);
	check_valid(s);
	free(s);
	s = xasprintf("%s@x.org", local65);
	check_invalid(s, "local part longer than 64 bytes");
	free(s);
	s = xasprintf("a@%s.org", label63);
	check_valid(s);
	free(s);
	s = xasprintf("a@%s.org", label64);
	check_invalid(s, "label longer than 63 bytes");
	free(s);
	/* 254 bytes in all, and one more. */
	s = xasprintf("%s@%s.%s.%.58s.org", local64, label63, label63,
	    label64);
	check_int(strlen(s), ==, 255);
	check_invalid(s, "longer than 254 bytes");
	free(s);
	s = xasprintf("%s@%s.%s.%.58s.org", local64 + 1, label63, label63,
	    label64);
	check_int(strlen(s), ==, 254);
	check_valid(s);
	free(s);
	/* With a one-byte local part, the longest domain is 252 bytes. */
	s = xasprintf("a@%s.%s.%s.%.60s", label63, label63, label63, label64);
	check_int(strlen(s), ==, 2 + 252);
	check_valid(s);
	free(s);
	/* 64 two-byte letters are 128 bytes: too long; 32 are fine. */
	s = xasprintf("%s@x.org", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9");
	check_valid(s);
	free(s);
	s = xasprintf("%s%s@x.org", local64 + 1, "\xc3\xa9");
	check_invalid(s, "local part longer than 64 bytes");
	free(s);
	free(local64);
	free(local65);
	free(label63);
	free(label64);
}

static void
t_norm(void)
{
	check_norm("Ada@Example.ORG", "ada@example.org");
	/* roster(5): JÖRAN, jöran and jo + U+0308 are one user. */
	check_norm("J\xc3\x96RAN@x.org", "j\xc3\xb6ran@x.org");
	check_norm("jo\xcc\x88ran@x.org", "j\xc3\xb6ran@x.org");
	check_norm("ann@xn--bcher-kva.example", "ann@b\xc3\xbc" "cher.example");
	check_norm("ann@B\xc3\x9c" "CHER.example", "ann@b\xc3\xbc" "cher.example");
	check_norm("ann@XN--BCHER-KVA.EXAMPLE", "ann@b\xc3\xbc" "cher.example");
	check_norm("x/y@z.org", "x/y@z.org");
}

static void
t_fname(void)
{
	char *s;

	check_fname("ada@example.org", "ada@example.org.yaml");
	check_fname("Ada@Example.org", "ada@example.org.yaml");
	check_fname("x/y@z.org", "x%2Fy@z.org.yaml");
	check_fname("a+b_c-d@x.org", "a+b_c-d@x.org.yaml");
	check_fname("a%b@x.org", "a%25b@x.org.yaml");
	check_fname("ann@xn--bcher-kva.example",
	    "ann@b%C3%BCcher.example.yaml");
	check_fname("{a}*~@x.org", "%7Ba%7D%2A%7E@x.org.yaml");
	/* Not user file names. */
	check_str((s = email_from_fname("ada@example.org")), NULL);
	free(s);
	check_str((s = email_from_fname(".lock")), NULL);
	free(s);
	check_str((s = email_from_fname("%2Eada@x.org.yaml")), ".ada@x.org");
	free(s);
	check_str((s = email_from_fname("a%2@x.org.yaml")), NULL);
	free(s);
	check_str((s = email_from_fname("a%zz@x.org.yaml")), NULL);
	free(s);
}

static void
t_storable(void)
{
	char *local = rep('a', 64), *label = rep('b', 63), *s;

	check_int(email_storable("ada@example.org"), ==, 0);
	/* 64 + 1 + 63 + 1 + 63 + 1 + 29 = 222 plain bytes: file name 227
	 * with .yaml, over the 226 roster(5) allows. */
	s = xasprintf("%s@%s.%s.%s", local, label, label, "ccccccccccccccccccccccccccccc");
	check_int(strlen(s), ==, 222);
	check_int(email_storable(s), ==, RX_INVALID);
	check(strstr(err_msg(), "too long to store") != NULL);
	s[strlen(s) - 1] = '\0';	/* 221 bytes: fits */
	check_int(email_storable(s), ==, 0);
	free(s);
	free(local);
	free(label);
}

int
main(void)
{
	TEST(t_valid(), "email_invalid: addresses user-add(1) accepts");
	TEST(t_invalid(), "email_invalid: each refusal with its reason");
	TEST(t_lengths(), "email_invalid: 64, 63 and 254 byte limits");
	TEST(t_norm(), "email_norm: the stored form, roster(5) examples");
	TEST(t_fname(), "email_fname, email_from_fname: %XX file names");
	TEST(t_storable(), "email_storable: at most 226 bytes of file name");
	return test_done();
}
