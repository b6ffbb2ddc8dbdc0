/* records — list the owned records and their owners. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/email.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/records.h"
#include "roster/store.h"
#include "roster/user.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: records [--no-header] [-d dir] [--format fmt] "
	    "[--owner email] [--state state]\n"
	    "               [--type type]\n");
	exit(rc);
}

/* 1 if s is a whole decimal number. */
static int
numeric(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Ids compare as numbers when both are numbers, else as text. */
static int
cmp_id(const char *a, const char *b)
{
	size_t la, lb;

	if (numeric(a) && numeric(b)) {
		while (*a == '0' && a[1])
			a++;
		while (*b == '0' && b[1])
			b++;
		la = strlen(a);
		lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

static int
cmp_record(const void *x, const void *y)
{
	const struct record *a = *(struct record *const *)x;
	const struct record *b = *(struct record *const *)y;
	int c = strcmp(a->type, b->type);

	return c ? c : cmp_id(a->id, b->id);
}

/* Owner states, looked up once per distinct owner. */
struct owner {
	char *email;
	int active;
};

static int
owner_active(struct store *st, struct owner **cache, size_t *n,
    const char *email)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*cache)[i].email, email) == 0)
			return (*cache)[i].active;
	*cache = xrealloc(*cache, (*n + 1) * sizeof **cache);
	(*cache)[*n].email = xstrdup(email);
	(*cache)[*n].active = user_exists(st, email, USER_ACTIVE) ||
	    !user_exists(st, email, USER_REMOVED);
	return (*cache)[(*n)++].active;
}

int
main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_NOHEADER, O_OWNER, O_STATE, O_TYPE,
	    O_VERSION };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "state", required_argument, NULL, O_STATE },
		{ "store", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, O_TYPE },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cols[] = { "type", "id", "owner", "state",
	    "owner_active" };
	static const int types[] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
	    OUT_BOOL };
	const char *store = NULL, *owner = NULL, *state = NULL, *type = NULL;
	struct records rs = { 0 };
	struct record **rows = NULL;
	struct owner *cache = NULL;
	struct store st;
	struct out o;
	size_t i, n = 0, ncache = 0;
	int ch, rc, fmt = FMT_TABLE, header = 1, bad = 0;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_FORMAT:
			if (out_format(optarg, &fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			break;
		case O_NOHEADER:
			header = 0;
			break;
		case O_OWNER:
			owner = optarg;
			break;
		case O_STATE:
			state = optarg;
			break;
		case O_TYPE:
			type = optarg;
			break;
		case O_VERSION:
			puts("records (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	if (optind != argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(RX_USAGE);
	}
	rc = store_open(&st, store, STORE_READ);
	if (rc == 0)
		rc = records_load(&st, &rs);
	if (rc) {
		err_print();
		store_close(&st);
		return rc;
	}
	rows = xcalloc(rs.n, sizeof *rows);
	for (i = 0; i < rs.n; i++) {
		struct record *r = &rs.r[i];
		if (r->raw) {
			/* Reported, not listed: exit 7 at the end. */
			warnmsg("%s", r->why);
			bad = RX_STORE;
			continue;
		}
		if (type && strcmp(r->type, type) != 0)
			continue;
		if (state && strcmp(r->state ? r->state : "", state) != 0)
			continue;
		if (owner && strcasecmp(r->owner ? r->owner : "", owner) != 0)
			continue;
		rows[n++] = r;
	}
	qsort(rows, n, sizeof *rows, cmp_record);
	out_init(&o, fmt, header, cols, fmt == FMT_JSON ? 5 : 4, types);
	for (i = 0; i < n; i++) {
		const struct record *r = rows[i];
		const char *own = r->owner ? r->owner : "";
		char *shown = NULL;
		int active = *own == '\0' ||
		    owner_active(&st, &cache, &ncache, own);
		if (!active)
			shown = xasprintf("Deactivated User (%s)", own);
		const char *cells[5] = { r->type, r->id,
		    shown ? shown : (*own || fmt != FMT_JSON) ? own : NULL,
		    r->state, active ? "true" : "false" };
		out_row(&o, cells);
		free(shown);
	}
	rc = out_flush(&o);
	if (rc)
		err_print();
	else
		rc = bad;
	for (i = 0; i < ncache; i++)
		free(cache[i].email);
	free(cache);
	free(rows);
	records_free(&rs);
	store_close(&st);
	return out_close(rc);
}
