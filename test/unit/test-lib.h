/*
 * test-lib.h — a small TAP harness for the C unit tests (test/unit/NAME.c,
 * one binary per lib/ module, linked with test-lib.c and libroster.a).
 *
 * A test file's main() runs each case with TEST(call, "description"): the
 * call makes checks, and the case prints "ok N - description" when all of
 * them hold, else "not ok N - description" after a "# " line per failed
 * check naming its file, line and the values seen.  main() ends with
 * "return test_done();", which prints the plan "1..N" and returns 1 if a
 * case failed.  make check counts the ok / not ok lines with the Bats
 * results, and a binary that dies (a sanitizer report) counts as a failure.
 *
 * Strings handed to check_str() are only read; the caller frees its own.
 */
#ifndef ROSTER_TEST_LIB_H
#define ROSTER_TEST_LIB_H

#include <stddef.h>

/* Run one case: call is an expression (usually a function call). */
#define TEST(call, desc) \
	do { \
		test_begin(); \
		call; \
		test_end(desc); \
	} while (0)

/* Each returns 1 if it held, 0 (and a diagnostic) if not. */
#define check(cond) \
	check_bool_at(__FILE__, __LINE__, #cond, (cond) != 0)
/* op is one of == != < <= > >=; a and b are evaluated once. */
#define check_int(a, op, b) \
	check_int_at(__FILE__, __LINE__, #a " " #op " " #b, \
	    (long long)(a), #op, (long long)(b))
#define check_str(a, b) \
	check_str_at(__FILE__, __LINE__, #a " == " #b, (a), (b))

void test_begin(void);
void test_end(const char *desc);
int test_done(void);

int check_bool_at(const char *file, int line, const char *expr, int ok);
int check_int_at(const char *file, int line, const char *expr,
    long long a, const char *op, long long b);
/* NULL equals only NULL. */
int check_str_at(const char *file, int line, const char *expr,
    const char *a, const char *b);

/* A "# label: "s"" line with s escaped: what a failed check was about. */
void test_note(const char *label, const char *s);

#endif
