/* records — list the owned records and their owners; change their state. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/records.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: records [--no-header] [-d dir] [--format fmt] "
	    "[--owner email] [--state state]\n"
	    "               [--type type]\n"
	    "       records [-d dir] --close | --reopen | --unassign "
	    "type:id ...\n"
	    "       records [-d dir] --add [--owner email] type:id ...\n");
	exit(rc);
}

/* Natural order: runs of digits compare as numbers (P1-9 before P1-47),
 * the rest byte by byte. */
static int
cmp_id(const char *a, const char *b)
{
	size_t la, lb;
	int c;

	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = strncmp(a, b, la)) != 0)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int
cmp_record(const void *x, const void *y)
{
	const struct record *a = *(struct record *const *)x;
	const struct record *b = *(struct record *const *)y;
	int c = strcmp(a->type, b->type);

	if (c == 0 && (c = cmp_id(a->id, b->id)) == 0)
		c = strcmp(a->id, b->id);
	return c;
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

static const char *const op_names[] = { "close", "reopen", "unassign",
	"add" };

/* The owner of --add: an active user, as stored. */
static int
add_owner(struct store *st, const char *owner, char **norm)
{
	const char *why;

	*norm = NULL;
	if (owner == NULL)
		return 0;
	if ((why = email_invalid(owner)) != NULL)
		return fail(RX_INVALID, "bad address '%s': %s", owner, why);
	*norm = email_norm(owner);
	if (!user_exists(st, *norm, USER_ACTIVE))
		return fail(RX_NOTFOUND, "no such user: %s (--owner names an "
		    "active user)", *norm);
	return 0;
}

/* Apply op to every record named, in one locked change with an audit row
 * each; any refusal leaves the file as it was. */
static int
change(const char *storeopt, int op, const char *owner, char **refs,
    int nrefs)
{
	struct records rs = { 0 };
	struct store st = STORE_INIT;
	char *type = NULL, *id = NULL, *own = NULL, *was = NULL;
	struct record *r;
	time_t now;
	int i, rc, changed, n = 0;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	if ((rc = store_open(&st, storeopt, STORE_WRITE)) != 0)
		goto out;
	if ((rc = add_owner(&st, owner, &own)) != 0 ||
	    (rc = records_load(&st, &rs)) != 0)
		goto out;
	records_warn_malformed(&rs);
	for (i = 0; i < nrefs; i++) {
		if ((rc = record_ref_parse(refs[i], &type, &id)) != 0)
			goto out;
		r = records_find(&rs, type, id);
		free(was);
		was = xstrdup(r ? r->owner : "");
		if ((rc = records_change(&rs, op, type, id, own,
		    &changed)) != 0)
			goto out;
		if (changed) {
			/* The row names the owner (before --unassign). */
			audit_add(op_names[op], op == REC_UNASSIGN ? was :
			    records_find(&rs, type, id)->owner, "%s:%s", type,
			    id);
			n++;
		} else
			warnmsg("%s:%s is already %s", type, id,
			    op == REC_UNASSIGN ? "unassigned" :
			    op == REC_CLOSE ? "closed" : "open");
		free(type);
		free(id);
		type = id = NULL;
	}
	if (n && (rc = records_save(&st, &rs)) == 0)
		rc = txn_commit(&st, now);
out:
	free(type);
	free(id);
	free(own);
	free(was);
	records_free(&rs);
	store_close(&st);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_NOHEADER, O_OWNER, O_STATE, O_TYPE,
	    O_VERSION, O_CLOSE, O_REOPEN, O_UNASSIGN, O_ADD };
	static const struct option longopts[] = {
		{ "add", no_argument, NULL, O_ADD },
		{ "close", no_argument, NULL, O_CLOSE },
		{ "reopen", no_argument, NULL, O_REOPEN },
		{ "unassign", no_argument, NULL, O_UNASSIGN },
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
	struct store st = STORE_INIT;
	struct out o;
	size_t i, n = 0, ncache = 0;
	int ch, rc, fmt = FMT_TABLE, header = 1, bad = 0, op = -1, listing = 0;

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
		case O_CLOSE:
		case O_REOPEN:
		case O_UNASSIGN:
		case O_ADD:
			if (op >= 0 && op != ch - O_CLOSE) {
				warnmsg("give one of --close, --reopen, "
				    "--unassign, --add");
				usage(RX_USAGE);
			}
			op = ch - O_CLOSE;
			break;
		case O_FORMAT:
			listing = 1;
			if (out_format(optarg, &fmt) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			break;
		case O_NOHEADER:
			listing = 1;
			header = 0;
			break;
		case O_OWNER:
			owner = optarg;
			break;
		case O_STATE:
			listing = 1;
			if ((state = record_state(optarg)) == NULL) {
				warnmsg("unknown state '%s' (open, closed)",
				    optarg);
				usage(RX_USAGE);
			}
			break;
		case O_TYPE:
			listing = 1;
			type = optarg;
			break;
		case O_VERSION:
			puts("records (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	if (op >= 0) {
		if (listing || optind == argc || (owner && op != REC_ADD)) {
			warnmsg(optind == argc ? "no record given (TYPE:ID)" :
			    owner && op != REC_ADD ? "--owner goes with --add" :
			    "--%s changes records: no listing options",
			    op_names[op]);
			usage(RX_USAGE);
		}
		if ((rc = change(store, op, owner, argv + optind,
		    argc - optind)) != 0)
			err_print();
		return out_close(rc);
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
		if (state && strcmp(r->state, state) != 0)
			continue;
		if (owner && strcasecmp(r->owner ? r->owner : "", owner) != 0)
			continue;
		rows[n++] = r;
	}
	qsort(rows, n, sizeof *rows, cmp_record);
	/* Machine formats keep the address and say beside it whether its
	 * user is active; the decoration is for people reading the table. */
	out_init(&o, fmt, header, cols, fmt == FMT_TABLE ? 4 : 5, types);
	for (i = 0; i < n; i++) {
		const struct record *r = rows[i];
		const char *own = r->owner ? r->owner : "";
		char *shown = NULL;
		int active = *own == '\0' ||
		    owner_active(&st, &cache, &ncache, own);
		if (!active && fmt == FMT_TABLE)
			shown = owner_deactivated(own);
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
