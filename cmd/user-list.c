/* user-list — the users, one row each, or one user in full (-l). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/cmd.h"
#include "roster/err.h"
#include "roster/listing.h"
#include "roster/out.h"
#include "roster/removed.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/uindex.h"
#include "roster/user.h"
#include "roster/util.h"

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: user-list [-d dir] [--contact role] [--removed] "
	    "[--role role] [--seat seat]\n"
	    "                 [--super-admin] [--team team] "
	    "[--format format] [--no-header]\n"
	    "                 [email ...]\n"
	    "       user-list -l [-d dir] [--removed] email\n");
	exit(rc);
}

struct filter {
	const char *team, *seat, *role, *contact;
	int super_admin;
};

/* 1 if u passes every filter given.  --seat paid is any paid seat,
 * --seat none also a user with no seat. */
static int
wanted(const struct user *u, const struct filter *f)
{
	const char *seat = u->seat ? u->seat : "none";

	if (f->team && !strv_has(&u->teams, f->team))
		return 0;
	if (f->role && (u->role == NULL || strcmp(u->role, f->role) != 0))
		return 0;
	if (f->contact && !strv_has(&u->contacts, f->contact))
		return 0;
	if (f->super_admin && !u->super_admin)
		return 0;
	if (f->seat && strcmp(f->seat, "paid") == 0)
		return seat_is_paid(u->seat);
	return f->seat == NULL || strcmp(seat, f->seat) == 0;
}

/* --- rows ---------------------------------------------------------------- */

enum { C_EMAIL, C_FIRST, C_LAST, C_ROLE, C_TEAMS, C_SEAT, C_SUPER,
	C_CONTACTS, C_CAPACITY, C_ZONE, C_CREATED, C_REMOVED, NCOLS };
static const char *const cols[NCOLS] = { "email", "first_name", "last_name",
	"role", "teams", "seat", "super_admin", "contact_roles", "capacity",
	"timezone", "created", "removed_at" };
static const int types[NCOLS] = { OUT_STR, OUT_STR, OUT_STR, OUT_STR,
	OUT_LIST, OUT_STR, OUT_BOOL, OUT_LIST, OUT_INT, OUT_STR, OUT_STR,
	OUT_STR };

static void
add_row(struct out *o, const struct store *st, const struct user *u)
{
	const char *c[NCOLS];
	char *teams = out_list(&u->teams), *contacts = out_list(&u->contacts);
	char cap[32], created[32], removed[32];

	snprintf(cap, sizeof cap, "%ld", u->capacity);
	c[C_EMAIL] = u->email;
	c[C_FIRST] = u->first_name;
	c[C_LAST] = u->last_name;
	c[C_ROLE] = u->role;
	c[C_TEAMS] = teams;
	c[C_SEAT] = u->seat;
	c[C_SUPER] = u->super_admin ? "true" : "false";
	c[C_CONTACTS] = contacts;
	c[C_CAPACITY] = u->capacity >= 0 ? cap : NULL;
	c[C_ZONE] = user_zone(st, u);
	c[C_CREATED] = u->created != -1 ? time_utc(u->created, created) : NULL;
	c[C_REMOVED] = u->removed_at != -1 ? time_utc(u->removed_at, removed) :
	    NULL;
	out_row(o, c);
	free(teams);
	free(contacts);
}

struct opts {
	struct filter f;
	const char *store;
	int fmt, header, removed, lng, filtered;
};

static int
list(struct store *st, const struct opts *o, int n, char **emails)
{
	const struct filter *f = &o->f;
	struct brieflist bl;
	struct out out;
	size_t i, k;
	int rc, bad = 0;

	if ((rc = listing_users(st, o->removed, f->team, n, emails, &bl, &bad,
	    &bad)) != 0) {
		err_print();
		brieflist_free(&bl);
		return rc;
	}
	for (i = k = 0; i < bl.n; i++)
		k += wanted(&bl.b[i].u, f);
	/* No row for a team nobody is in: a misspelt name, not an empty
	 * team (4, with the closest name). */
	if (k == 0 && f->team && (rc = team_unknown(st, f->team)) != 0) {
		err_print();
		brieflist_free(&bl);
		return rc;
	}
	out_init(&out, o->fmt, o->header, cols, o->removed ? NCOLS : NCOLS - 1,
	    types);
	for (i = 0; i < bl.n; i++)
		if (wanted(&bl.b[i].u, f))
			add_row(&out, st, &bl.b[i].u);
	rc = out_flush(&out);
	out_free(&out);
	brieflist_free(&bl);
	return rc ? rc : bad;
}

/* --- -l: one user in full ------------------------------------------------ */

/* "Label: value", the value escaped for the terminal; NULL shows "-". */
static void
say(const char *label, const char *value)
{
	char *e = esc_str(value && *value ? value : "-");

	printf("%-16s: %s\n", label, e);
	free(e);
}

static void
say_list(const char *label, const struct strv *sv)
{
	char *s = out_list(sv), *p;

	for (p = s; *p; p++)
		if (*p == OUT_SEP[0])
			*p = ',';
	say(label, s);
	free(s);
}

static void
say_hours(const struct user *u)
{
	char line[256], r[12];
	size_t i, len;
	int d;

	if (hours_empty(&u->hours)) {
		say("Working hours", "none (always available)");
		return;
	}
	for (d = 0; d < 7; d++) {
		len = (size_t)snprintf(line, sizeof line, "%s", weekday_names[d]);
		for (i = 0; i < u->hours.n[d] && len + 14 < sizeof line; i++)
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " %s", range_format(&u->hours.r[d][i], r));
		if (u->hours.n[d] == 0)
			snprintf(line + len, sizeof line - len, " off");
		say(d == 0 ? "Working hours" : "", line);
	}
}

static void
say_ooo(const struct user *u, const char *zone)
{
	char a[40], b[40], *line;
	size_t i;

	if (u->nooo == 0)
		say("Out of office", "none");
	for (i = 0; i < u->nooo; i++) {
		const struct period *p = &u->ooo[i];
		line = xasprintf("%s to %s, source %s",
		    time_in_zone(p->start, zone, a),
		    time_in_zone(p->end, zone, b),
		    p->source ? p->source : "manual");
		say(i == 0 ? "Out of office" : "", line);
		free(line);
	}
}

static void
say_time(const char *label, time_t t)
{
	char buf[32];

	say(label, t != -1 ? time_utc(t, buf) : NULL);
}

static void
show_long(const struct store *st, const struct user *u)
{
	const struct role *r = u->role ? store_role(st, u->role) : NULL;
	const char *zone = user_zone(st, u);
	char cap[32], until[40], *ov, *tz;
	struct strv other;
	size_t i;

	snprintf(cap, sizeof cap, "%ld", u->capacity);
	say("Address", u->email);
	say("First name", u->first_name);
	say("Last name", u->last_name);
	say("Role", u->role);
	if (u->has_perms)
		say_list("Permissions", &u->perms);
	else
		say_list("Permissions", r ? &r->perms : &(struct strv){ 0 });
	say("Super admin", u->super_admin ? "yes" : "no");
	say_list("Teams", &u->teams);
	say("Seat", u->seat);
	say("Capacity", u->capacity >= 0 ? cap : "no limit");
	say_list("Contact roles", &u->contacts);
	tz = u->timezone ? xstrdup(zone) : xasprintf("%s (the store's)", zone);
	say("Time zone", tz);
	free(tz);
	say_hours(u);
	say_ooo(u, zone);
	ov = u->has_override ? xasprintf("%s until %s",
	    u->override_away ? "away" : "available",
	    u->override_until == -1 ? "set again" :
	    time_in_zone(u->override_until, zone, until)) : NULL;
	say("Status override", ov);
	free(ov);
	say("Welcome", u->welcome);
	say_time("Created", u->created);
	if (u->removed_at != -1)
		say_time("Removed at", u->removed_at);
	memset(&other, 0, sizeof other);
	user_other_keys(u, &other);
	for (i = 0; i < other.n; i++)
		say(i == 0 ? "Other keys" : "", other.v[i]);
	strv_free(&other);
}

static int
long_view(struct store *st, const char *email, int removed)
{
	struct userlist ul;
	int rc;

	memset(&ul, 0, sizeof ul);
	if (removed)
		rc = removed_list(st, email, &ul, NULL, NULL);
	else {
		ul.u = xcalloc(1, sizeof *ul.u);
		if ((rc = user_load(st, email, USER_ACTIVE, ul.u)) == 0)
			ul.n = 1;
	}
	if (rc) {
		err_print();
		userlist_free(&ul);
		return rc;
	}
	/* A removed address may have been removed more than once: its
	 * latest removal, as status --removed lists last. */
	if (ul.n > 0)
		show_long(st, &ul.u[ul.n - 1]);
	userlist_free(&ul);
	return 0;
}

/* --- main ---------------------------------------------------------------- */

/* The options of user-list: its own, then those of every command. */
enum { O_CONTACT = 256, O_FORMAT, O_NOHEADER, O_REMOVED, O_ROLE,
    O_SEAT, O_SUPER, O_TEAM };
static const struct option longopts[] = {
	{ "contact", required_argument, NULL, O_CONTACT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "long", no_argument, NULL, 'l' },
	{ "no-header", no_argument, NULL, O_NOHEADER },
	{ "removed", no_argument, NULL, O_REMOVED },
	{ "role", required_argument, NULL, O_ROLE },
	{ "seat", required_argument, NULL, O_SEAT },
	{ "super-admin", no_argument, NULL, O_SUPER },
	{ "team", required_argument, NULL, O_TEAM },
	CMD_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* Parse the options into o; the addresses are what is left of argv. */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	struct cmd cmd = { "user-list", usage, NULL };
	int ch;

	while ((ch = getopt_long(argc, argv, CMD_SHORTOPTS "l", longopts,
	    NULL)) != -1) {
		/* Every option but -l, --format, --no-header and
		 * --removed filters the rows. */
		o->filtered |= ch == O_CONTACT || ch == O_ROLE ||
		    ch == O_SEAT || ch == O_SUPER || ch == O_TEAM;
		switch (ch) {
		case 'l':
			o->lng = 1;
			break;
		case O_CONTACT:
			if (!contact_role_valid(optarg)) {
				warnmsg("--contact takes primary, billing or "
				    "technical, not %s", optarg);
				usage(RX_USAGE);
			}
			o->f.contact = optarg;
			break;
		case O_FORMAT:
			if (out_format(optarg, &o->fmt) != 0)
				cmd_badopt(&cmd);
			break;
		case O_NOHEADER:
			o->header = 0;
			break;
		case O_REMOVED:
			o->removed = 1;
			break;
		case O_ROLE:
			o->f.role = optarg;
			break;
		case O_SEAT:
			o->f.seat = optarg;
			break;
		case O_SUPER:
			o->f.super_admin = 1;
			break;
		case O_TEAM:
			o->f.team = cmd_team(optarg);
			break;
		default:
			cmd_opt(&cmd, ch);
		}
	}
	o->store = cmd.store;
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = FMT_TABLE, .header = 1 };
	struct store st = STORE_INIT;
	int rc;

	prog_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (o.lng && (argc != 1 || o.filtered)) {
		warnmsg("-l shows one user: one address, no filters");
		usage(RX_USAGE);
	}
	if ((rc = store_open(&st, o.store, STORE_READ)) != 0)
		return cmd_end(&st, rc, 0);
	rc = o.lng ? long_view(&st, argv[0], o.removed) :
	    list(&st, &o, argc, argv);
	return cmd_end(&st, rc, 1);
}
