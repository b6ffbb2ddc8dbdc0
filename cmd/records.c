/* records — list the owned records and their owners; change their state. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/cmd.h"
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

struct opts {
	const char *store, *owner, *state, *type;
	int fmt, header, op, listing;
};

/* Owner states, looked up once per distinct owner. */
struct owner {
	char *email;
	int active;
};

/* owner_active(), remembered for each address in *cache. */
static int
owner_active_cached(struct store *st, struct owner **cache, size_t *n,
    const char *email)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*cache)[i].email, email) == 0)
			return (*cache)[i].active;
	*cache = xrealloc(*cache, (*n + 1) * sizeof **cache);
	(*cache)[*n].email = xstrdup(email);
	(*cache)[*n].active = owner_active(st, email);
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

/* Apply op to the record ref names, with its audit row (or a warning
 * when it already was so); *n counts the changes. */
static int
change_one(struct records *rs, int op, const char *ref, const char *own,
    int *n)
{
	struct record *r;
	char *type, *id, *was;
	int rc, changed;

	if ((rc = record_ref_parse(ref, &type, &id)) != 0)
		return rc;
	r = records_find(rs, type, id);
	was = xstrdup(r ? r->owner : "");
	if ((rc = records_change(rs, op, type, id, own, &changed)) != 0)
		goto out;
	if (changed) {
		/* The row names the owner (before --unassign). */
		audit_add(op_names[op], op == REC_UNASSIGN ? was :
		    records_find(rs, type, id)->owner, "%s:%s", type, id);
		(*n)++;
	} else
		warnmsg("%s:%s is already %s", type, id,
		    op == REC_UNASSIGN ? "unassigned" :
		    op == REC_CLOSE ? "closed" : "open");
out:
	free(type);
	free(id);
	free(was);
	return rc;
}

/* Apply op to every record named, in one locked change with an audit row
 * each; any refusal leaves the file as it was. */
static int
change(const struct opts *o, char **refs, int nrefs)
{
	struct records rs = { 0 };
	struct store st = STORE_INIT;
	char *own = NULL;
	time_t now;
	int i, rc, n = 0;

	if ((rc = clock_now(&now)) != 0)
		return rc;
	if ((rc = store_open(&st, o->store, STORE_WRITE)) != 0 ||
	    (rc = add_owner(&st, o->owner, &own)) != 0 ||
	    (rc = records_load(&st, &rs)) != 0)
		goto out;
	records_warn_malformed(&rs);
	for (i = 0; rc == 0 && i < nrefs; i++)
		rc = change_one(&rs, o->op, refs[i], own, &n);
	if (rc == 0 && n && (rc = records_save(&st, &rs)) == 0)
		rc = txn_commit(&st, now);
out:
	free(own);
	records_free(&rs);
	store_close(&st);
	return rc;
}

/* Print the rows: machine formats keep the address and say beside it
 * whether its user is active; the decoration is for people reading the
 * table. */
static int
print_rows(struct store *st, const struct opts *o, struct record **rows,
    size_t n)
{
	static const char *const cols[] = { "type", "id", "owner", "state",
	    "owner_active" };
	static const int types[] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
	    OUT_BOOL };
	struct owner *cache = NULL;
	struct out out;
	size_t i, ncache = 0;
	int rc;

	out_init(&out, o->fmt, o->header, cols, o->fmt == FMT_TABLE ? 4 : 5,
	    types);
	for (i = 0; i < n; i++) {
		const struct record *r = rows[i];
		const char *own = r->owner ? r->owner : "";
		char *shown = NULL;
		int active = *own == '\0' ||
		    owner_active_cached(st, &cache, &ncache, own);
		if (!active && o->fmt == FMT_TABLE)
			shown = owner_deactivated(own);
		const char *cells[5] = { r->type, r->id,
		    shown ? shown : (*own || o->fmt != FMT_JSON) ? own : NULL,
		    r->state, active ? "true" : "false" };
		out_row(&out, cells);
		free(shown);
	}
	rc = out_flush(&out);
	for (i = 0; i < ncache; i++)
		free(cache[i].email);
	free(cache);
	return rc;
}

/* The listing; a malformed row is reported, not listed: 7 at the end. */
static int
list(const struct opts *o, int *printed)
{
	struct records rs = { 0 };
	struct record **rows;
	struct store st = STORE_INIT;
	size_t n, bad;
	int rc;

	if ((rc = store_open(&st, o->store, STORE_READ)) != 0 ||
	    (rc = records_load(&st, &rs)) != 0)
		goto out;
	bad = records_warn_malformed(&rs);
	rows = records_select(&rs, o->type, o->state, o->owner, &n);
	if ((rc = print_rows(&st, o, rows, n)) != 0)
		err_print();
	else if (bad)
		rc = RX_STORE;
	*printed = 1;
	free(rows);
out:
	records_free(&rs);
	store_close(&st);
	return rc;
}

/* --close, --reopen, --unassign, --add: one at a time. */
static void
set_op(struct opts *o, int op)
{
	if (o->op >= 0 && o->op != op) {
		warnmsg("give one of --close, --reopen, --unassign, --add");
		usage(RX_USAGE);
	}
	o->op = op;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_FORMAT = 256, O_NOHEADER, O_OWNER, O_STATE, O_TYPE,
	    O_CLOSE, O_REOPEN, O_UNASSIGN, O_ADD };
	static const struct option longopts[] = {
		{ "add", no_argument, NULL, O_ADD },
		{ "close", no_argument, NULL, O_CLOSE },
		{ "reopen", no_argument, NULL, O_REOPEN },
		{ "unassign", no_argument, NULL, O_UNASSIGN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "state", required_argument, NULL, O_STATE },
		{ "type", required_argument, NULL, O_TYPE },
		CMD_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd cmd = { "records", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case O_CLOSE:
		case O_REOPEN:
		case O_UNASSIGN:
		case O_ADD:
			set_op(o, ch - O_CLOSE);
			break;
		case O_FORMAT:
			o->listing = 1;
			if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_NOHEADER:
			o->listing = 1;
			o->header = 0;
			break;
		case O_OWNER:
			o->owner = optarg;
			break;
		case O_STATE:
			o->listing = 1;
			if ((o->state = record_state(optarg)) == NULL) {
				warnmsg("unknown state '%s' (open, closed)",
				    optarg);
				usage(RX_USAGE);
			}
			break;
		case O_TYPE:
			o->listing = 1;
			o->type = optarg;
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

/* The combinations of options that make sense; usage() otherwise. */
static void
check_args(int argc, char **argv, const struct opts *o)
{
	if (o->op < 0 && optind != argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(RX_USAGE);
	}
	if (o->op >= 0 && (o->listing || optind == argc ||
	    (o->owner && o->op != REC_ADD))) {
		warnmsg(optind == argc ? "no record given (TYPE:ID)" :
		    o->owner && o->op != REC_ADD ? "--owner goes with --add" :
		    "--%s changes records: no listing options",
		    op_names[o->op]);
		usage(RX_USAGE);
	}
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1, .op = -1 };
	int rc, printed = 0;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	check_args(argc, argv, &o);
	if (o.op >= 0)
		rc = change(&o, argv + optind, argc - optind);
	else
		rc = list(&o, &printed);
	return cmd_end(NULL, rc, printed);
}
