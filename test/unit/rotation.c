/* rotation.c — unit tests of rotation_choose(): round robin after the
 * last user by address, and balanced by open records, free share of
 * capacity, then round-robin order (assign-next(1), "Routing modes"). */
#include <stddef.h>

#include "roster/rotation.h"
#include "test-lib.h"

#define N(a) (sizeof (a) / sizeof *(a))

/* The address chosen, or NULL for -1. */
static const char *
chosen(const struct member *m, size_t n, const char *last, int mode)
{
	long i = rotation_choose(m, n, last, mode);

	if (i < -1 || i >= (long)n) {
		check_int(i, <, (long)n);
		return "(out of range)";
	}
	return i < 0 ? NULL : m[i].email;
}

static void
t_round_robin(void)
{
	struct member m[] = {
		{ "a@x.org", 1, 0, -1 },
		{ "b@x.org", 1, 0, -1 },
		{ "c@x.org", 0, 0, -1 },
		{ "d@x.org", 1, 0, -1 },
	};

	check_str(chosen(m, N(m), NULL, MODE_ROUND_ROBIN), "a@x.org");
	check_str(chosen(m, N(m), "a@x.org", MODE_ROUND_ROBIN), "b@x.org");
	/* c is not eligible: skipped. */
	check_str(chosen(m, N(m), "b@x.org", MODE_ROUND_ROBIN), "d@x.org");
	/* After the last member, wrap round. */
	check_str(chosen(m, N(m), "d@x.org", MODE_ROUND_ROBIN), "a@x.org");
	/* A last user who has left the pool still marks the place. */
	check_str(chosen(m, N(m), "bb@x.org", MODE_ROUND_ROBIN), "d@x.org");
	check_str(chosen(m, N(m), "0@x.org", MODE_ROUND_ROBIN), "a@x.org");
	check_str(chosen(m, N(m), "zed@x.org", MODE_ROUND_ROBIN), "a@x.org");
	/* The last user may be chosen again when alone. */
	m[0].eligible = m[1].eligible = 0;
	check_str(chosen(m, N(m), "d@x.org", MODE_ROUND_ROBIN), "d@x.org");
	/* Load does not matter to round robin. */
	m[0].eligible = 1;
	m[0].open = 99;
	check_str(chosen(m, N(m), "d@x.org", MODE_ROUND_ROBIN), "a@x.org");
}

static void
t_nobody(void)
{
	struct member m[] = {
		{ "a@x.org", 0, 0, -1 },
		{ "b@x.org", 0, 0, -1 },
	};

	check_int(rotation_choose(m, 0, NULL, MODE_ROUND_ROBIN), ==, -1);
	check_int(rotation_choose(m, 0, "a@x.org", MODE_BALANCED), ==, -1);
	check_int(rotation_choose(m, N(m), NULL, MODE_ROUND_ROBIN), ==, -1);
	check_int(rotation_choose(m, N(m), "a@x.org", MODE_BALANCED), ==, -1);
}

static void
t_balanced(void)
{
	struct member m[] = {
		{ "a@x.org", 1, 3, -1 },
		{ "b@x.org", 1, 1, 10 },
		{ "c@x.org", 1, 2, -1 },
		{ "d@x.org", 0, 0, -1 },
	};

	/* Fewest open records; d has none but is not eligible. */
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "b@x.org");
	check_str(chosen(m, N(m), "b@x.org", MODE_BALANCED), "b@x.org");
	/* Capacity never makes fewer open records lose to more. */
	m[1].open = 1;
	m[1].capacity = 2;		/* share 1/2 */
	m[2].open = 2;			/* share 1 */
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "b@x.org");
}

static void
t_balanced_ties(void)
{
	struct member m[] = {
		{ "a@x.org", 1, 2, 4 },		/* share 2/4 */
		{ "b@x.org", 1, 2, 10 },	/* share 8/10 */
		{ "c@x.org", 1, 2, -1 },	/* no capacity: share 1 */
		{ "d@x.org", 1, 2, 3 },		/* share 1/3 */
	};

	/* Equal open: the larger free share, no capacity wholly free. */
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "c@x.org");
	m[2].eligible = 0;
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "b@x.org");
	/* Equal shares (2/4 each): round-robin order after last. */
	m[1].capacity = 4;
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "a@x.org");
	check_str(chosen(m, N(m), "a@x.org", MODE_BALANCED), "b@x.org");
	check_str(chosen(m, N(m), "b@x.org", MODE_BALANCED), "a@x.org");
	/* Fewer open records first, whatever the shares. */
	m[0].capacity = 20;
	m[0].open = 10;
	m[1].capacity = 4;
	m[1].open = 2;
	check_str(chosen(m, N(m), "a@x.org", MODE_BALANCED), "b@x.org");
	/* Shares compared without division or overflow, large numbers. */
	m[0].open = m[1].open = 1;
	m[0].capacity = 1000000000;
	m[1].capacity = 999999999;
	check_str(chosen(m, N(m), "a@x.org", MODE_BALANCED), "a@x.org");
	/* Over capacity (records given by hand): a negative share loses. */
	m[0].open = m[1].open = m[3].open = 5;
	m[0].capacity = 4;
	m[1].capacity = 3;
	m[3].capacity = -1;
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "d@x.org");
	m[3].eligible = 0;
	check_str(chosen(m, N(m), NULL, MODE_BALANCED), "a@x.org");
}

int
main(void)
{
	TEST(t_round_robin(), "rotation_choose: round robin after last, wrapping");
	TEST(t_nobody(), "rotation_choose: -1 when nobody is eligible");
	TEST(t_balanced(), "rotation_choose: balanced by fewest open records");
	TEST(t_balanced_ties(), "rotation_choose: balanced ties by free share, then order");
	return test_done();
}
