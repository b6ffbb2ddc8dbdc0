/* test-lib.c — the TAP harness of test-lib.h. */
#include <stdio.h>
#include <string.h>

#include "test-lib.h"

static int count;		/* cases run */
static int failed;		/* cases that failed */
static int case_bad;		/* a check of the current case failed */
static int in_case;

void
test_begin(void)
{
	case_bad = 0;
	in_case = 1;
	fflush(stdout);
}

void
test_end(const char *desc)
{
	count++;
	in_case = 0;
	if (case_bad)
		failed++;
	printf("%sok %d - %s\n", case_bad ? "not " : "", count, desc);
	fflush(stdout);
}

int
test_done(void)
{
	printf("1..%d\n", count);
	if (failed)
		printf("# %d of %d failed\n", failed, count);
	fflush(stdout);
	return failed != 0 || count == 0;
}

/* A check outside a case is a bug in the test file: fail it loudly. */
static void
failed_at(const char *file, int line, const char *expr)
{
	if (!in_case)
		printf("# check outside TEST()\n");
	case_bad = 1;
	failed += !in_case;
	printf("# check \"%s\" failed at %s:%d\n", expr, file, line);
}

int
check_bool_at(const char *file, int line, const char *expr, int ok)
{
	if (!ok)
		failed_at(file, line, expr);
	return ok;
}

int
check_int_at(const char *file, int line, const char *expr, long long a,
    const char *op, long long b)
{
	int ok;

	if (strcmp(op, "==") == 0)
		ok = a == b;
	else if (strcmp(op, "!=") == 0)
		ok = a != b;
	else if (strcmp(op, "<") == 0)
		ok = a < b;
	else if (strcmp(op, "<=") == 0)
		ok = a <= b;
	else if (strcmp(op, ">") == 0)
		ok = a > b;
	else if (strcmp(op, ">=") == 0)
		ok = a >= b;
	else
		ok = 0;
	if (!ok) {
		failed_at(file, line, expr);
		printf("#    left: %lld\n#   right: %lld\n", a, b);
	}
	return ok;
}

/* Quote s for a diagnostic line: C escapes, never a raw control byte. */
void
test_note(const char *label, const char *s)
{
	const unsigned char *p;

	printf("#   %s: ", label);
	if (s == NULL) {
		printf("NULL\n");
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	printf("\"\n");
}

int
check_str_at(const char *file, int line, const char *expr, const char *a,
    const char *b)
{
	int ok = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

	if (!ok) {
		failed_at(file, line, expr);
		test_note(" left", a);
		test_note("right", b);
	}
	return ok;
}
