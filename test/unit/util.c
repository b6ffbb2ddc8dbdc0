/* util.c — unit tests of lib/util.c: parse_long(), pct_decode(), esc_str()
 * and text_printable(), the strv helpers. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/util.h"
#include "test-lib.h"

/* parse_long() of s in [min, max]: 1 and *v when it takes s, else 0 with
 * *v left alone. */
static int
parses(const char *s, long min, long max, long *v)
{
	*v = 12345;
	return parse_long(s, min, max, v) == 0;
}

static void
t_parse_long_accepts(void)
{
	long v;

	if (check(parses("0", 0, 10, &v)))
		check_int(v, ==, 0);
	if (check(parses("10", 0, 10, &v)))
		check_int(v, ==, 10);
	if (check(parses("-7", -10, 10, &v)))
		check_int(v, ==, -7);
	if (check(parses("-0", 0, 0, &v)))
		check_int(v, ==, 0);
	if (check(parses("007", 0, 10, &v)))
		check_int(v, ==, 7);
}

static void
t_parse_long_limits(void)
{
	char buf[32];
	long v;

	snprintf(buf, sizeof buf, "%ld", LONG_MAX);
	if (check(parses(buf, LONG_MIN, LONG_MAX, &v)))
		check_int(v, ==, LONG_MAX);
	snprintf(buf, sizeof buf, "%ld", LONG_MIN);
	if (check(parses(buf, LONG_MIN, LONG_MAX, &v)))
		check_int(v, ==, LONG_MIN);
	/* One past each end overflows: refused, not clamped. */
	check(!parses("9223372036854775808", LONG_MIN, LONG_MAX, &v));
	check(!parses("-9223372036854775809", LONG_MIN, LONG_MAX, &v));
	check(!parses("99999999999999999999999", LONG_MIN, LONG_MAX, &v));
	check_int(v, ==, 12345);
	/* And the caller's bounds, both included. */
	check(!parses("11", 0, 10, &v));
	check(!parses("-1", 0, 10, &v));
	check(parses("1", 1, 1, &v));
}

static void
t_parse_long_refuses(void)
{
	static const char *const bad[] = {
		"", " ", "-", "+", "+1", " 1", "1 ", "\t1", "\n1", "1\n",
		"1.0", "1e3", "0x10", "ten", "1,000", "--1", "- 1",
	};
	size_t i;
	long v;

	check(!parses(NULL, 0, 10, &v));
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		if (!check(!parses(bad[i], LONG_MIN, LONG_MAX, &v)))
			test_note("input", bad[i]);
	check_int(v, ==, 12345);
}

/* pct_decode() of the whole of s. */
static void
check_pct(const char *s, const char *want)
{
	char *got = pct_decode(s, strlen(s));

	if (!check_str(got, want))
		test_note("input", s);
	free(got);
}

static void
t_pct_decode(void)
{
	char *got;

	check_pct("", "");
	check_pct("plain@x.org", "plain@x.org");
	check_pct("x%2Fy@z.org", "x/y@z.org");
	check_pct("%2e%2E", "..");
	check_pct("%41%62", "Ab");
	check_pct("%25", "%");
	check_pct("%2525", "%25");		/* decoded once only */
	check_pct("%", NULL);
	check_pct("%4", NULL);
	check_pct("a%4", NULL);
	check_pct("%zz", NULL);
	check_pct("%4g", NULL);
	check_pct("%g4", NULL);
	check_pct("ok%2", NULL);
	/* A length that ends inside an escape: only len bytes are read. */
	got = pct_decode("%41", 2);
	check_str(got, NULL);
	free(got);
	got = pct_decode("ab%41", 2);
	check_str(got, "ab");
	free(got);
	/* %00 decodes to a NUL byte: the string ends there. */
	got = pct_decode("a%00b", 5);
	if (check(got != NULL))
		check_str(got, "a");
	free(got);
}

static void
check_esc(const char *s, const char *want)
{
	char *got = esc_str(s);

	check_str(got, want);
	check_int(text_printable(s), ==, strcmp(s, want) == 0);
	free(got);
}

static void
t_esc_str(void)
{
	check_esc("", "");
	check_esc("ada@x.org: no such user", "ada@x.org: no such user");
	check_esc("back\\slash ~", "back\\slash ~");
	check_esc("Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac", "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac");
	check_esc("a\nb", "a\\x0ab");
	check_esc("\x1b[31mred", "\\x1b[31mred");
	check_esc("tab\there", "tab\\x09here");
	check_esc("del\x7f", "del\\x7f");
	/* C1 controls U+0080..U+009F, as UTF-8. */
	check_esc("\xc2\x80-\xc2\x9f", "\\xc2\\x80-\\xc2\\x9f");
	check_esc("\xc2\xa0", "\xc2\xa0");	/* U+00A0 is shown */
	/* Not UTF-8: a lone continuation, a cut sequence, an overlong
	 * encoding, a surrogate, past U+10FFFF. */
	check_esc("\x80", "\\x80");
	check_esc("\xc3", "\\xc3");
	check_esc("\xe6\x97", "\\xe6\\x97");
	check_esc("\xc0\xaf", "\\xc0\\xaf");
	check_esc("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check_esc("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	check_esc("\xff", "\\xff");
	check_esc("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");	/* U+1F600 */
}

static void
t_strv_add_has_remove(void)
{
	struct strv sv = { 0 };
	char word[16];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(word, sizeof word, "w%02d", i);
		strv_add(&sv, word);
	}
	check_int(sv.n, ==, 20);
	check(sv.v[20] == NULL);
	check(strv_has(&sv, "w00") && strv_has(&sv, "w19"));
	check(!strv_has(&sv, "w20") && !strv_has(&sv, ""));
	check_int(strv_remove(&sv, "w00"), ==, 1);
	check_int(strv_remove(&sv, "w00"), ==, 0);
	check_int(strv_remove(&sv, "w19"), ==, 1);
	check_int(sv.n, ==, 18);
	check_str(sv.v[0], "w01");
	check_str(sv.v[17], "w18");
	check(sv.v[18] == NULL);
	strv_free(&sv);
	check(sv.v == NULL && sv.n == 0 && sv.cap == 0);
	/* A freed list is empty and can be used again. */
	strv_add(&sv, "again");
	check_int(sv.n, ==, 1);
	strv_free(&sv);
}

static void
t_strv_sort(void)
{
	struct strv sv = { 0 };

	strv_sort(&sv);
	check_int(sv.n, ==, 0);
	strv_add(&sv, "b@x.org");
	strv_add(&sv, "B@x.org");
	strv_add(&sv, "a@x.org");
	strv_add(&sv, "a@x.org");
	strv_sort(&sv);
	check_int(sv.n, ==, 4);
	check_str(sv.v[0], "B@x.org");		/* byte order */
	check_str(sv.v[1], "a@x.org");
	check_str(sv.v[2], "a@x.org");
	check_str(sv.v[3], "b@x.org");
	strv_free(&sv);
}

static void
check_split(const char *list, const char *joined, size_t n)
{
	struct strv sv = { 0 };
	char buf[256] = "";
	size_t i;

	strv_split(&sv, list);
	for (i = 0; i < sv.n; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, sv.v[i]);
	}
	if (!check_str(buf, joined) || !check_int(sv.n, ==, n))
		test_note("input", list);
	strv_free(&sv);
}

static void
t_strv_split(void)
{
	check_split("", "", 0);
	check_split("a", "a", 1);
	check_split("a, b,c", "a|b|c", 3);
	check_split(" \tsupport desk\t , billing ", "support desk|billing", 2);
	check_split(",,a,,", "a", 1);
	check_split(" , ,\t", "", 0);
	check_split("a,a", "a|a", 2);
	check_split("x;y, z", "x;y|z", 2);
}

/* strv_join(sv, sep) for the items of "a|b|c" (split at |, none: ""). */
static void
check_join(const char *items, const char *sep, const char *want)
{
	struct strv sv = { 0 };
	char *copy = strdup(items), *p, *s;

	for (p = strtok(copy, "|"); p; p = strtok(NULL, "|"))
		strv_add(&sv, p);
	s = strv_join(&sv, sep);
	check_str(s, want);
	free(s);
	free(copy);
	strv_free(&sv);
}

static void
t_strv_join(void)
{
	check_join("", ", ", "");
	check_join("a", ", ", "a");
	check_join("a|b|c", ", ", "a, b, c");
	check_join("a|b", ",", "a,b");
	check_join("a|b|c", "", "abc");
	check_join("x|y", "\x1f", "x\x1fy");
}

int
main(void)
{
	TEST(t_parse_long_accepts(), "parse_long: whole decimal numbers");
	TEST(t_parse_long_limits(), "parse_long: LONG_MIN, LONG_MAX, overflow, bounds");
	TEST(t_parse_long_refuses(), "parse_long: signs, blanks, junk refused");
	TEST(t_pct_decode(), "pct_decode: %XX, and \"%\", \"%4\", \"%zz\" refused");
	TEST(t_esc_str(), "esc_str, text_printable: controls and bad UTF-8 as \\xNN");
	TEST(t_strv_add_has_remove(), "strv: add, has, remove keep a NULL-ended list");
	TEST(t_strv_sort(), "strv_sort: byte order, duplicates kept");
	TEST(t_strv_split(), "strv_split: commas, blanks trimmed, empty items dropped");
	TEST(t_strv_join(), "strv_join: separators between items only, \"\" for none");
	return test_done();
}
