/* user-add — add users by address, or import them from a CSV file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/audit.h"
#include "roster/csvio.h"
#include "roster/email.h"
#include "roster/err.h"
#include "roster/out.h"
#include "roster/removed.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "roster/util.h"
#include "roster/welcome.h"
#include "roster/zone.h"


static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: user-add [--dry-run] [--no-welcome] [--super-admin] "
	    "[-d dir] [--first-name name]\n"
	    "                [--last-name name] [--permission perm] "
	    "[--role role] [--seat seat]\n"
	    "                [--team team] [--timezone zone] email ...\n"
	    "       user-add [--dry-run] [--no-welcome] [--skip-existing] "
	    "[-d dir]\n"
	    "                [--permission perm] [--role role] [--seat seat] "
	    "[--team team]\n"
	    "                [--timezone zone] --csv file\n"
	    "       user-add [--dry-run] [--no-welcome] [-d dir] --restore "
	    "email ...\n");
	exit(rc);
}

/* One address to add, and where it came from. */
struct cand {
	char *email;		/* as given */
	char *first, *last, *team;
	long line;		/* CSV line, 0 for an argument */
	int skip;		/* --skip-existing: an active user already */
};

struct opts {
	const char *store, *csv, *first, *last, *role, *seat, *zone;
	struct strv perms, teams;
	int super_admin, no_welcome, dry_run, restore, skip_existing;
};

static struct cand *cands;
static size_t ncands;
static int first_rc;
static size_t import_rows;	/* non-blank rows of the CSV file */

static void
add_cand(const char *email, const char *first, const char *last,
    const char *team, long line)
{
	struct cand *c;

	cands = xrealloc(cands, (ncands + 1) * sizeof *cands);
	c = &cands[ncands++];
	c->email = xstrdup(email);
	c->first = first && *first ? xstrdup(first) : NULL;
	c->last = last && *last ? xstrdup(last) : NULL;
	c->team = team && *team ? xstrdup(team) : NULL;
	c->line = line;
	c->skip = 0;
}

/* Report one failure of the batch and remember the first code. */
static void
report(int rc)
{
	err_print();
	if (first_rc == 0)
		first_rc = rc;
}

static const char *const email_cols[] = { "Email", "E-mail",
	"Email address", "E-mail address", "E-mailadres", NULL };
static const char *const first_cols[] = { "First Name", "First_name",
	"Firstname", "Voornaam", "Prénom", NULL };
static const char *const last_cols[] = { "Last Name", "Last_name",
	"Lastname", "Achternaam", "Nom", NULL };
static const char *const team_cols[] = { "Team", "Teams", NULL };

static const char *
cell(const struct csvrow *r, int col)
{
	return col >= 0 && (size_t)col < r->n ? r->f[col] : NULL;
}

/* Trim blanks in place (spreadsheets leave them around addresses). */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Name on stderr each header column that is not read. */
static void
unused_columns(const struct csvrow *hdr, const char *shown, const int *used)
{
	size_t k;

	for (k = 0; k < hdr->n; k++) {
		if ((int)k == used[0] || (int)k == used[1] ||
		    (int)k == used[2] || (int)k == used[3] || !*hdr->f[k])
			continue;
		warnmsg("%s:%ld: column '%s' is not imported (read: Email, "
		    "First Name, Last Name, Team)", shown, hdr->line, hdr->f[k]);
	}
}

static int
read_csv(const char *path)
{
	struct csvdoc doc;
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *data = NULL, buf[65536];
	size_t len = 0, n, i, rows = 0;
	FILE *fp;
	int rc, ce, cf, cl, ct;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL)	/* missing: 4; unreadable (EIO...): 7 */
		return fail_errno(errno == ENOENT || errno == ENOTDIR ?
		    RX_NOTFOUND : RX_STORE, "%s", path);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		data = xrealloc(data, len + n + 1);
		memcpy(data + len, buf, n);
		len += n;
	}
	if (ferror(fp)) {
		rc = fail_errno(RX_STORE, "%s", shown);
		if (fp != stdin)
			fclose(fp);
		free(data);
		return rc;
	}
	if (fp != stdin)
		fclose(fp);
	rc = csv_read(data ? data : "", len, shown, 1, &doc);
	free(data);
	if (rc)
		return rc;
	if (doc.n == 0) {
		csvdoc_free(&doc);
		return fail(RX_INVALID, "%s: empty file: want a header row with "
		    "an Email column", shown);
	}
	ce = csv_column(&doc.rows[0], email_cols);
	if (ce < 0) {
		rc = fail_at(RX_INVALID, shown, doc.rows[0].line, "no Email "
		    "column in the header row (also accepted: E-mail, Email "
		    "address, E-mailadres)");
		csvdoc_free(&doc);
		return rc;
	}
	cf = csv_column(&doc.rows[0], first_cols);
	cl = csv_column(&doc.rows[0], last_cols);
	ct = csv_column(&doc.rows[0], team_cols);
	unused_columns(&doc.rows[0], shown, (int[]){ ce, cf, cl, ct });
	for (i = 1; i < doc.n; i++) {
		const struct csvrow *r = &doc.rows[i];
		int blank = 1;
		for (n = 0; n < r->n; n++)
			if (*trim(r->f[n]))
				blank = 0;
		if (!blank)
			rows++;
	}
	/* The cap is checked with the rows (check_cap()), so that one run
	 * reports every problem of a long file. */
	import_rows = rows;
	for (i = 1; i < doc.n; i++) {
		const struct csvrow *r = &doc.rows[i];
		const char *e = cell(r, ce);
		int blank = 1;
		for (n = 0; n < r->n; n++)
			if (*r->f[n])
				blank = 0;
		if (blank)
			continue;
		if (e == NULL || *e == '\0') {
			fail_at(RX_INVALID, shown, r->line, "no address in the "
			    "Email column");
			report(RX_INVALID);
			continue;
		}
		add_cand(e, cell(r, cf), cell(r, cl), cell(r, ct), r->line);
	}
	csvdoc_free(&doc);
	return 0;
}

/* At most IMPORT_MAX rows per import (rules.h): 3, with a
 * recipe that splits the file and keeps its header in every part. */
static void
check_cap(const struct opts *o)
{
	const char *f = strcmp(o->csv, "-") == 0 ? "FILE" : o->csv;

	if (import_fits(import_rows))
		return;
	fail(RX_RULE, "%s: %zu users: at most %d can be imported at once; "
	    "split the file keeping its header, then import each part: "
	    "tail -n +2 '%s' | split -l %d --filter='{ head -n 1 \"%s\"; "
	    "cat; } >\"$FILE.csv\"' - part-", strcmp(o->csv, "-") == 0 ?
	    "<stdin>" : o->csv, import_rows, IMPORT_MAX, f, IMPORT_MAX, f);
	report(RX_RULE);
}

/* Where a candidate came from, for messages. */
static void
where(const struct opts *o, const struct cand *c, char *buf, size_t n)
{
	if (c->line > 0)
		snprintf(buf, n, "%s:%ld: ", strcmp(o->csv, "-") == 0 ?
		    "<stdin>" : o->csv, c->line);
	else
		buf[0] = '\0';
}

/* The checks that do not depend on the other candidates or the store. */
static int
check_options(struct store *st, const struct opts *o)
{
	size_t i;

	if (o->role && store_role(st, o->role) == NULL)
		return fail(RX_NOTFOUND, "no such role '%s' in roster.ini "
		    "(add a [role \"%s\"] section first)", o->role, o->role);
	for (i = 0; i < o->perms.n; i++)
		if (!store_permission_valid(o->perms.v[i]))
			return fail(RX_INVALID, "unknown permission '%s' (contacts "
			    "companies deals tickets conversations reports "
			    "marketing users billing portal)", o->perms.v[i]);
	if (o->zone && !zone_valid(o->zone))
		return fail(RX_INVALID, "unknown time zone '%s'", o->zone);
	if (o->seat && !seat_valid(o->seat))
		return fail(RX_INVALID, "bad seat '%s' (none, sales-starter, "
		    "sales-professional, service-professional, ...)", o->seat);
	if (o->super_admin && !super_admin_grant_fits(ncands))
		return fail(RX_RULE, "--super-admin is granted to one new user "
		    "at a time; add the users, then give it with user-mod "
		    "--super-admin EMAIL");
	return 0;
}

static void build_user(const struct opts *, const struct cand *, time_t,
    struct user *);

/* 1 if address a, once normalised, is norm. */
static int
same_address(const char *a, const char *norm)
{
	char *n = email_norm(a);
	int same = strcmp(n, norm) == 0;

	free(n);
	return same;
}

/* The Team cell of an import, split at ',': each name as team_name()
 * takes a --team (no control characters, none empty). */
static int
teams_ok(const char *cell)
{
	struct strv sv = { 0 };
	char *t;
	size_t i;
	int rc = 0;

	strv_split(&sv, cell);
	for (i = 0; rc == 0 && i < sv.n; i++)
		if ((rc = team_name(sv.v[i], &t)) == 0)
			free(t);
	strv_free(&sv);
	return rc;
}

/* Every candidate: a valid address, not twice, not already active, and
 * text that can be written. */
static void
check_cands(struct store *st, const struct opts *o)
{
	char at[512];
	const char *why;
	size_t i, j;

	for (i = 0; i < ncands; i++) {
		struct cand *c = &cands[i];
		char *norm;
		where(o, c, at, sizeof at);
		if ((why = email_invalid(c->email)) != NULL) {
			fail(RX_INVALID, "%sbad address '%s': %s", at, c->email, why);
			report(RX_INVALID);
			continue;
		}
		if (email_storable(c->email) != 0) {
			char *msg = xstrdup(err_msg());
			fail(RX_INVALID, "%s%s", at, msg);
			free(msg);
			report(RX_INVALID);
			continue;
		}
		norm = email_norm(c->email);
		for (j = 0; j < i; j++)
			if (same_address(cands[j].email, norm))
				break;
		if (j < i && cands[j].line > 0) {
			fail(RX_RULE, "%s%s is given twice (first on line %ld)",
			    at, norm, cands[j].line);
			report(RX_RULE);
		} else if (j < i) {
			fail(RX_RULE, "%s%s is given twice", at, norm);
			report(RX_RULE);
		} else if (st->dfd >= 0 && user_exists(st, norm, USER_ACTIVE) &&
		    o->skip_existing) {
			warnmsg("%s%s is already a user: skipped", at, norm);
			c->skip = 1;
		} else if (st->dfd >= 0 && user_exists(st, norm, USER_ACTIVE)) {
			fail(RX_RULE, "%s%s is already a user (change it with "
			    "user-mod)", at, norm);
			report(RX_RULE);
		} else if (c->team && teams_ok(c->team) != 0) {
			char *msg = xstrdup(err_msg());
			fail(RX_INVALID, "%s%s", at, msg);
			free(msg);
			report(RX_INVALID);
		} else {
			struct user u;
			build_user(o, c, 0, &u);
			if (user_check_text(&u) != 0) {
				char *msg = xstrdup(err_msg());
				fail(RX_INVALID, "%s%s", at, msg);
				free(msg);
				report(RX_INVALID);
			}
			user_free(&u);
		}
		free(norm);
	}
}

static void
build_user(const struct opts *o, const struct cand *c, time_t now,
    struct user *u)
{
	size_t i;

	user_init(u, c->email);
	u->first_name = xstrdup(c->first ? c->first : o->first ? o->first : "");
	u->last_name = xstrdup(c->last ? c->last : o->last ? o->last : "");
	if (!*u->first_name) {
		free(u->first_name);
		u->first_name = NULL;
	}
	if (!*u->last_name) {
		free(u->last_name);
		u->last_name = NULL;
	}
	u->role = o->role ? xstrdup(o->role) : NULL;
	if (o->perms.n > 0) {
		u->has_perms = 1;
		for (i = 0; i < o->perms.n; i++)
			strv_add(&u->perms, o->perms.v[i]);
	}
	u->super_admin = o->super_admin;
	if (c->team)
		strv_split(&u->teams, c->team);
	for (i = 0; i < o->teams.n; i++)
		if (!strv_has(&u->teams, o->teams.v[i]))
			strv_add(&u->teams, o->teams.v[i]);
	if (o->seat && strcmp(o->seat, "none") != 0)
		u->seat = xstrdup(o->seat);
	u->timezone = o->zone ? xstrdup(o->zone) : NULL;
	u->welcome = xstrdup(o->no_welcome ? "skipped" : "queued");
	u->created = now;
}

static int
add_all(struct store *st, const struct opts *o, time_t now)
{
	struct user u;
	size_t i;
	int rc;

	for (i = 0; i < ncands; i++) {
		if (cands[i].skip)
			continue;
		build_user(o, &cands[i], now, &u);
		if (!o->dry_run) {
			rc = user_save(st, &u, USER_ACTIVE);
			if (rc == 0 && !o->no_welcome)
				rc = welcome_queue(st, &u, now);
			if (rc) {
				user_free(&u);
				return rc;
			}
			audit_add("add", u.email, "%s%s%s",
			    u.super_admin ? "super admin" : "",
			    u.super_admin && u.teams.n ? "; " : "",
			    u.teams.n ? "teams set" : "");
		}
		user_free(&u);
	}
	return 0;
}

/* The addresses added, once the change is made (or checked, with
 * --dry-run). */
static void
print_all(void)
{
	char *norm;
	size_t i;

	for (i = 0; i < ncands; i++) {
		if (cands[i].skip)
			continue;
		norm = email_norm(cands[i].email);
		printf("%s\n", norm);
		free(norm);
	}
}

/* One line on stderr: how many welcome messages wait in outbox/ for
 * the send job, so that a large import does not queue them unseen. */
static void
say_queued(void)
{
	size_t i, n = 0;

	for (i = 0; i < ncands; i++)
		n += !cands[i].skip;
	fflush(stdout);	/* after the addresses, when both go to one place */
	if (n > 0)
		warnmsg("%zu welcome message%s queued in outbox/ (sent by the "
		    "job of roster(5), Welcome mail)", n, n == 1 ? "" : "s");
}

/* --csv --dry-run: the columns as read, so that the mapping can be
 * checked before the import. */
static int
print_parsed(const struct opts *o)
{
	static const char *const cols[] = { "line", "email", "first_name",
		"last_name", "teams" };
	static const int types[] = { OUT_INT, OUT_STR, OUT_STR, OUT_STR,
		OUT_STR };
	struct out out;
	struct user u;
	char line[32];
	size_t i, k;

	out_init(&out, FMT_TSV, 1, cols, 5, types);
	for (i = 0; i < ncands; i++) {
		char *teams, *t;
		if (cands[i].skip)
			continue;
		build_user(o, &cands[i], 0, &u);
		teams = xstrdup("");
		for (k = 0; k < u.teams.n; k++) {
			t = xasprintf("%s%s%s", teams, k ? "," : "",
			    u.teams.v[k]);
			free(teams);
			teams = t;
		}
		snprintf(line, sizeof line, "%ld", cands[i].line);
		out_row(&out, (const char *const[]){ line, u.email,
		    u.first_name, u.last_name, teams });
		free(teams);
		user_free(&u);
	}
	return out_flush(&out);
}

/* user-add EMAIL... or --csv: all or nothing. */
static int
add(struct store *st, const struct opts *o, time_t now)
{
	int rc;

	if ((rc = check_options(st, o)) != 0)
		report(rc);
	if (o->csv)
		check_cap(o);
	check_cands(st, o);
	if ((rc = first_rc) == 0) {
		rc = add_all(st, o, now);
		if (rc == 0 && !o->dry_run)
			rc = txn_commit(st, now);
		if (rc == 0 && o->dry_run && o->csv)
			rc = print_parsed(o);
		else if (rc == 0)
			print_all();
		if (rc == 0 && !o->dry_run && !o->no_welcome)
			say_queued();
		if (rc)
			err_print();
	}
	return rc;
}

/* --restore: the latest archive of each candidate, checked as an add is,
 * into users[] (the archive's name into from[]). */
static void
check_restores(struct store *st, struct user *users, char **from)
{
	const char *why;
	size_t i, j, sa = 0;
	char *norm;
	int rc;

	for (i = 0; i < ncands; i++) {
		user_init(&users[i], NULL);
		if ((why = email_invalid(cands[i].email)) != NULL) {
			fail(RX_INVALID, "bad address '%s': %s", cands[i].email,
			    why);
			report(RX_INVALID);
			continue;
		}
		norm = email_norm(cands[i].email);
		for (j = 0; j < i; j++)
			if (strcasecmp(cands[j].email, norm) == 0)
				break;
		if (j < i) {
			fail(RX_RULE, "%s is given twice", norm);
			report(RX_RULE);
		} else if (st->dfd >= 0 && user_exists(st, norm, USER_ACTIVE)) {
			fail(RX_RULE, "%s is already a user (nothing to "
			    "restore; change it with user-mod)", norm);
			report(RX_RULE);
		} else if ((rc = removed_latest(st, norm, &users[i],
		    &from[i])) != 0) {
			user_init(&users[i], NULL);
			report(rc);
		} else if (users[i].role && store_role(st, users[i].role) ==
		    NULL) {
			fail(RX_NOTFOUND, "%s: role '%s' is not defined in "
			    "roster.ini (add a [role \"%s\"] section first)",
			    from[i], users[i].role, users[i].role);
			report(RX_NOTFOUND);
		} else if (users[i].timezone && !zone_valid(users[i].timezone)) {
			fail(RX_INVALID, "%s: unknown time zone '%s'", from[i],
			    users[i].timezone);
			report(RX_INVALID);
		} else if (user_check_text(&users[i]) != 0)
			report(RX_INVALID);
		else
			sa += users[i].super_admin;
		free(norm);
	}
	if (sa > 0 && !super_admin_grant_fits(ncands)) {
		fail(RX_RULE, "super admin is granted to one new user at a "
		    "time: restore a super admin on their own");
		report(RX_RULE);
	}
}

/* --restore: write each checked user back to users/, welcome it, audit. */
static int
restore_all(struct store *st, const struct opts *o, struct user *users,
    char **from, time_t now)
{
	size_t i;
	int rc;

	for (i = 0; i < ncands; i++) {
		removed_revive(&users[i], now, !o->no_welcome);
		if (!o->dry_run) {
			if ((rc = user_save(st, &users[i], USER_ACTIVE)) != 0 ||
			    (!o->no_welcome &&
			    (rc = welcome_queue(st, &users[i], now)) != 0))
				return rc;
			audit_add("restore", users[i].email, "from %s", from[i]);
		}
	}
	return 0;
}

/* user-add --restore EMAIL...: all or nothing, as an add. */
static int
restore(struct store *st, const struct opts *o, time_t now)
{
	struct user *users = xcalloc(ncands, sizeof *users);
	char **from = xcalloc(ncands, sizeof *from);
	size_t i;
	int rc;

	check_restores(st, users, from);
	if ((rc = first_rc) == 0) {
		rc = restore_all(st, o, users, from, now);
		if (rc == 0 && !o->dry_run)
			rc = txn_commit(st, now);
		if (rc == 0)
			for (i = 0; i < ncands; i++)
				printf("%s\n", users[i].email);
		else
			err_print();
	}
	for (i = 0; i < ncands; i++) {
		user_free(&users[i]);
		free(from[i]);
	}
	free(users);
	free(from);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { O_FIRST = 256, O_LAST, O_ROLE, O_PERM, O_SUPER, O_TEAM, O_SEAT,
	    O_ZONE, O_NOWELCOME, O_DRY, O_CSV, O_RESTORE, O_VERSION,
	    O_SKIP };
	static const struct option longopts[] = {
		{ "csv", required_argument, NULL, O_CSV },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "first-name", required_argument, NULL, O_FIRST },
		{ "help", no_argument, NULL, 'h' },
		{ "last-name", required_argument, NULL, O_LAST },
		{ "no-welcome", no_argument, NULL, O_NOWELCOME },
		{ "permission", required_argument, NULL, O_PERM },
		{ "restore", no_argument, NULL, O_RESTORE },
		{ "role", required_argument, NULL, O_ROLE },
		{ "seat", required_argument, NULL, O_SEAT },
		{ "skip-existing", no_argument, NULL, O_SKIP },
		{ "store", required_argument, NULL, 'd' },
		{ "super-admin", no_argument, NULL, O_SUPER },
		{ "team", required_argument, NULL, O_TEAM },
		{ "timezone", required_argument, NULL, O_ZONE },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	struct store st = STORE_INIT;
	time_t now;
	size_t i;
	int ch, rc;

	prog_init(argv[0]);
	memset(&o, 0, sizeof o);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (store_optarg(optarg) != 0) {
				err_print();
				usage(RX_USAGE);
			}
			o.store = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case O_CSV:
			o.csv = optarg;
			break;
		case O_DRY:
			o.dry_run = 1;
			break;
		case O_FIRST:
			o.first = optarg;
			break;
		case O_LAST:
			o.last = optarg;
			break;
		case O_NOWELCOME:
			o.no_welcome = 1;
			break;
		case O_PERM:
			strv_split(&o.perms, optarg);
			break;
		case O_RESTORE:
			o.restore = 1;
			break;
		case O_ROLE:
			o.role = optarg;
			break;
		case O_SKIP:
			o.skip_existing = 1;
			break;
		case O_SEAT:
			o.seat = optarg;
			break;
		case O_SUPER:
			o.super_admin = 1;
			break;
		case O_TEAM: {
			/* Trimmed; ',' and controls refused (rules.h). */
			char *t;
			if (team_name(optarg, &t) != 0) {
				err_print();
				return RX_INVALID;
			}
			if (!strv_has(&o.teams, t))
				strv_add(&o.teams, t);
			free(t);
			break;
		}
		case O_ZONE:
			o.zone = optarg;
			break;
		case O_VERSION:
			puts("user-add (roster) " ROSTER_VERSION);
			return 0;
		default:
			usage(RX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if ((o.csv == NULL) == (argc == 0)) {
		warnmsg(o.csv ? "give addresses or --csv, not both" :
		    "no address given");
		usage(RX_USAGE);
	}
	if (o.restore && (o.csv || o.first || o.last || o.role || o.seat ||
	    o.zone || o.perms.n || o.teams.n || o.super_admin)) {
		warnmsg("--restore brings a user back as archived; change it "
		    "afterwards with user-mod");
		usage(RX_USAGE);
	}
	if ((o.first || o.last) && (o.csv || argc != 1)) {
		warnmsg("--first-name and --last-name name one user");
		usage(RX_USAGE);
	}
	if ((rc = clock_now(&now)) != 0)
		goto fail;
	if (o.csv) {
		if ((rc = read_csv(o.csv)) != 0)
			goto fail;
	} else {
		for (i = 0; i < (size_t)argc; i++)
			add_cand(argv[i], NULL, NULL, NULL, 0);
	}
	/* Adding is the first data a store can get, so it may create the
	 * store; a restore needs one with archives. */
	rc = store_open(&st, o.store, o.dry_run ? STORE_READ : o.restore ?
	    STORE_WRITE : STORE_CREATE);
	if (rc == RX_NOTFOUND && o.dry_run && !o.restore) {
		/* A dry run on a store that does not exist yet: nothing is
		 * there to clash with. */
		store_close(&st);
		st = (struct store)STORE_INIT;
		rc = 0;
	}
	if (rc == 0)
		rc = o.restore ? restore(&st, &o, now) : add(&st, &o, now);
	else
		err_print();
	store_close(&st);
	goto out;
fail:
	err_print();
out:
	for (i = 0; i < ncands; i++) {
		free(cands[i].email);
		free(cands[i].first);
		free(cands[i].last);
		free(cands[i].team);
	}
	free(cands);
	strv_free(&o.perms);
	strv_free(&o.teams);
	return out_close(rc);
}
