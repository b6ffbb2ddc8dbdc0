/* rules.c — unit tests of lib/rules.c (the rules about people of seeds
 * 000-002 and the man pages: the import cap, contact roles, super
 * admins, the primary contact, removal blockers, eligibility, team names,
 * deactivated owners, working hours, near keys) and of the record types,
 * states and lifecycle of lib/records.c (records(1)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "roster/err.h"
#include "roster/hours.h"
#include "roster/records.h"
#include "roster/rules.h"
#include "roster/store.h"
#include "roster/txn.h"
#include "roster/user.h"
#include "test-lib.h"

/* A user of the tests: seat (NULL: none), contact roles separated by
 * ',' ("" none), super admin or not. */
static void
mkuser(struct user *u, const char *email, const char *seat,
    const char *contacts, int super_admin)
{
	user_init(u, email);
	if (seat)
		u->seat = xstrdup(seat);
	if (*contacts)
		strv_split(&u->contacts, contacts);
	u->super_admin = super_admin;
}

/* A records file in memory: rows of "type:id:owner:state" (owner may be
 * empty), ending in NULL. */
static void
mkrecords(struct records *rs, const char *const *rows)
{
	char type[32], id[32], owner[64], state[16];

	memset(rs, 0, sizeof *rs);
	for (; *rows; rows++) {
		owner[0] = '\0';
		if (sscanf(*rows, "%31[^:]:%31[^:]:%63[^:]:%15s", type, id,
		    owner, state) != 4 &&
		    sscanf(*rows, "%31[^:]:%31[^:]::%15s", type, id,
		    state) != 3) {
			test_note("bad row in test", *rows);
			continue;
		}
		records_add(rs, type, id, owner, state);
	}
}

/* "why" has n messages and message i contains want. */
static void
check_why(const struct strv *why, size_t i, const char *want)
{
	if (!check(i < why->n && strstr(why->v[i], want) != NULL)) {
		test_note("message", i < why->n ? why->v[i] : "(none)");
		test_note("want", want);
	}
}

/* Seed 002: "only 100 users can be added in a single CSV import". */
static void
t_import_cap(void)
{
	check_int(IMPORT_MAX, ==, 100);
	check(import_fits(0));
	check(import_fits(1));
	check(import_fits(99));
	check(import_fits(100));
	check(!import_fits(101));
	check(!import_fits((size_t)-1));
}

static void
t_contact_roles(void)
{
	size_t n;

	for (n = 0; contact_roles[n]; n++)
		check(contact_role_valid(contact_roles[n]));
	check_int(n, ==, 3);
	check(contact_role_valid("primary"));
	check(contact_role_valid("billing"));
	check(contact_role_valid("technical"));
	check(!contact_role_valid("Primary"));
	check(!contact_role_valid("janitor"));
	check(!contact_role_valid(""));
	check(!contact_role_valid("primary "));
}

/* user-rm a@ b@: each removed, c@ stays. */
static int
stays_unless(const struct user *u, void *arg)
{
	const char *const *gone = arg;

	for (; *gone; gone++)
		if (strcasecmp(u->email, *gone) == 0)
			return 0;
	return u->super_admin;
}

static void
t_super_admins(void)
{
	struct userlist ul = { 0 };
	const char *a_only[] = { "a@x.org", NULL };
	const char *a_and_b[] = { "a@x.org", "B@x.org", NULL };
	const char *c_only[] = { "c@x.org", NULL };

	ul.u = xcalloc(3, sizeof *ul.u);
	mkuser(&ul.u[0], "a@x.org", NULL, "", 1);
	mkuser(&ul.u[1], "b@x.org", NULL, "", 1);
	mkuser(&ul.u[2], "c@x.org", NULL, "", 0);
	ul.n = ul.cap = 3;
	check_int(super_admins(&ul, NULL, NULL), ==, 2);
	/* One super admin removed, another stays: allowed. */
	check_int(super_admins(&ul, stays_unless, a_only), ==, 1);
	check(!super_admin_lost(2, super_admins(&ul, stays_unless, a_only)));
	/* Both removed in the same batch: the last one is lost. */
	check_int(super_admins(&ul, stays_unless, a_and_b), ==, 0);
	check(super_admin_lost(2, super_admins(&ul, stays_unless, a_and_b)));
	/* Removing a user who is not one changes nothing. */
	check_int(super_admins(&ul, stays_unless, c_only), ==, 2);
	/* A store with none to begin with loses nothing (status --check
	 * reports it). */
	check(!super_admin_lost(0, 0));
	check(super_admin_lost(1, 0));
	check(!super_admin_lost(1, 1));
	userlist_free(&ul);
}

/* Seed 002: super admin for one new user, in bulk only afterwards. */
static void
t_super_admin_grant(void)
{
	check(super_admin_grant_fits(1));
	check(!super_admin_grant_fits(0));
	check(!super_admin_grant_fits(2));
	check(!super_admin_grant_fits(100));
}

static void
t_primary_contact(void)
{
	struct userlist ul = { 0 };

	ul.u = xcalloc(3, sizeof *ul.u);
	mkuser(&ul.u[0], "a@x.org", NULL, "billing", 0);
	mkuser(&ul.u[1], "b@x.org", NULL, "billing,primary", 0);
	mkuser(&ul.u[2], "c@x.org", NULL, "", 0);
	ul.n = ul.cap = 3;
	check(!is_primary_contact(&ul.u[0]));
	check(is_primary_contact(&ul.u[1]));
	check(!is_primary_contact(&ul.u[2]));
	check_str(primary_contact_other(&ul, NULL), "b@x.org");
	check_str(primary_contact_other(&ul, "a@x.org"), "b@x.org");
	check_str(primary_contact_other(&ul, "b@x.org"), NULL);
	check_str(primary_contact_other(&ul, "B@X.ORG"), NULL);
	/* Two primaries (a store edited by hand): the other one is found. */
	strv_add(&ul.u[2].contacts, "primary");
	check_str(primary_contact_other(&ul, "b@x.org"), "c@x.org");
	userlist_free(&ul);
}

static int
is_c(const char *email, void *arg)
{
	(void)arg;
	return strcmp(email, "c@x.org") == 0;
}

/* Naming c primary hands the role on: b leaves ul for handed, without
 * primary but with billing; c (in the change) and a stay. */
static void
t_primary_hand_on(void)
{
	struct userlist ul = { 0 }, handed = { 0 };

	ul.u = xcalloc(3, sizeof *ul.u);
	mkuser(&ul.u[0], "a@x.org", NULL, "billing", 0);
	mkuser(&ul.u[1], "b@x.org", NULL, "billing,primary", 0);
	mkuser(&ul.u[2], "c@x.org", NULL, "primary", 0);
	ul.n = ul.cap = 3;
	primary_contact_hand_on(&ul, is_c, NULL, &handed);
	check_int(handed.n, ==, 1);
	check_str(handed.u[0].email, "b@x.org");
	check(!is_primary_contact(&handed.u[0]));
	check(strv_has(&handed.u[0].contacts, "billing"));
	check_str(ul.u[0].email, "a@x.org");
	check(is_primary_contact(&ul.u[2]));
	check_str(primary_contact_other(&ul, "c@x.org"), NULL);
	userlist_free(&ul);
	userlist_free(&handed);
}

/* Seed 002, removing users; user-rm(1): the checks in their order. */
static void
t_removal_blockers(void)
{
	static const char *const rows[] = {
		"ticket:7:b@x.org:open", "deal:12:B@x.org:open",
		"deal:14:b@x.org:open", "deal:15:b@x.org:closed",
		"ticket:8::open", "ticket:9:c@x.org:open", NULL
	};
	struct records rs;
	struct strv why = { 0 };
	struct user u;

	mkrecords(&rs, rows);
	mkuser(&u, "b@x.org", "sales-professional", "primary,billing", 1);
	check_int(removal_blockers(&u, 1, &rs, 0, &why), ==, 5);
	check_int(why.n, ==, 5);
	check_why(&why, 0, "b@x.org holds the paid seat sales-professional: "
	    "remove it first: user-mod --seat none b@x.org");
	check_why(&why, 1, "b@x.org is the primary contact: name another "
	    "user as primary first");
	check_why(&why, 2, "b@x.org is the billing contact: remove it "
	    "first: user-mod --no-contact billing b@x.org");
	check_why(&why, 3, "b@x.org is the last super admin");
	check_why(&why, 4, "b@x.org owns 3 open records in records.csv: "
	    "ticket: 1, deal: 2 (first: ticket 7, deal 12, deal 14)");
	strv_free(&why);
	/* Records dealt with (--reassign-to, --unassign, --force), another
	 * super admin left: the seat and the roles still block. */
	check_int(removal_blockers(&u, 0, &rs, 1, &why), ==, 3);
	strv_free(&why);
	user_free(&u);

	/* A free seat, no role, not a super admin, closed records only. */
	mkuser(&u, "d@x.org", "core", "", 0);
	records_add(&rs, "ticket", "20", "d@x.org", RECORD_CLOSED);
	check_int(removal_blockers(&u, 1, &rs, 0, &why), ==, 0);
	check_int(why.n, ==, 0);
	strv_free(&why);
	user_free(&u);

	/* last_sa counts only for a super admin; one open record. */
	mkuser(&u, "c@x.org", NULL, "technical", 0);
	check_int(removal_blockers(&u, 1, &rs, 0, &why), ==, 2);
	check_why(&why, 0, "c@x.org is the technical contact");
	check_why(&why, 1, "c@x.org owns 1 open record in records.csv: "
	    "ticket: 1 (first: ticket 9);");
	strv_free(&why);
	user_free(&u);
	records_free(&rs);
}

static void
t_owned_summary(void)
{
	static const char *const rows[] = {
		"ticket:1:a@x.org:open", "ticket:2:a@x.org:open",
		"ticket:3:a@x.org:open", "deal:4:a@x.org:open",
		"ticket:5:a@x.org:open", "company:6:a@x.org:open",
		"ticket:7:a@x.org:closed", NULL
	};
	struct records rs;
	char *s;

	mkrecords(&rs, rows);
	/* At most five ids, in file order. */
	s = records_owned_summary(&rs, "A@x.org", RECORD_OPEN);
	check_str(s, "ticket: 4, deal: 1, company: 1 (first: ticket 1, "
	    "ticket 2, ticket 3, deal 4, ticket 5)");
	free(s);
	s = records_owned_summary(&rs, "a@x.org", RECORD_CLOSED);
	check_str(s, "ticket: 1 (first: ticket 7)");
	free(s);
	s = records_owned_summary(&rs, "a@x.org", NULL);
	check(strncmp(s, "ticket: 5, deal: 1, company: 1", 30) == 0);
	free(s);
	records_free(&rs);
}

/* Seeds 000 and 001: Away users are skipped; capacity -1 is no limit,
 * 0 takes no new records. */
static void
t_routing_eligible(void)
{
	check(routing_eligible(0, -1, 0));
	check(routing_eligible(0, -1, 100000));
	check(!routing_eligible(1, -1, 0));
	check(!routing_eligible(0, 0, 0));
	check(routing_eligible(0, 1, 0));
	check(!routing_eligible(0, 1, 1));
	check(!routing_eligible(0, 3, 4));
	check(routing_eligible(0, 3, 2));
	check(!routing_eligible(1, 3, 0));
}

/* name is a team name, stored as want. */
static void
check_team(const char *name, const char *want)
{
	char *out = (char *)"unset";

	if (!check_int(team_name(name, &out), ==, 0))
		test_note("team", name);
	check_str(out, want);
	free(out);
}

/* name is refused with RX_INVALID and a message containing why. */
static void
check_team_bad(const char *name, const char *why)
{
	char *out = (char *)"unset";

	if (!check_int(team_name(name, &out), ==, RX_INVALID))
		test_note("team", name);
	check_str(out, NULL);
	if (!check(strstr(err_msg(), why) != NULL))
		test_note("message", err_msg());
}

static void
t_team_name(void)
{
	check_team("Support", "Support");
	check_team(" A", "A");
	check_team("A ", "A");
	check_team("\tSales EMEA \t", "Sales EMEA");
	check_team("Zoë", "Zoë");
	check_team_bad("", "empty team name");
	check_team_bad("   ", "empty team name");
	check_team_bad("A,B", "bad team name 'A,B': ',' separates teams");
	check_team_bad(" ,", "',' separates teams");
	check_team_bad("A\nB", "a control character");
	check_team_bad("A\x7f", "a control character");
}

static void
t_owner_deactivated(void)
{
	char *s = owner_deactivated("gone@x.org");

	/* Seed 002: "Deactivated User (removed user's email)". */
	check_str(s, "Deactivated User (gone@x.org)");
	free(s);
}

static void
t_user_key_near(void)
{
	check_str(user_key_near("workinghours"), "working_hours");
	check_str(user_key_near("Teams"), "teams");
	check_str(user_key_near("team"), "teams");
	/* a swap of two adjacent letters is one edit */
	check_str(user_key_near("emial"), "email");
	check_str(user_key_near("wokring_hours"), "working_hours");
	check_str(user_key_near("iemal"), NULL);
	check_str(user_key_near("teams"), NULL);
	check_str(user_key_near("nickname"), NULL);
	check_str(user_key_near(""), NULL);
}

/* Record types and states are sets (records(1)). */
static void
t_record_sets(void)
{
	char *type, *id;

	check(record_type_valid("ticket"));
	check(record_type_valid("conversation"));
	check(record_type_valid("contact"));
	check(record_type_valid("company"));
	check(record_type_valid("deal"));
	check(!record_type_valid("Ticket"));
	check(!record_type_valid("tickets"));
	check(!record_type_valid(""));
	check_str(record_state("open"), RECORD_OPEN);
	check_str(record_state("OPEN"), RECORD_OPEN);
	check_str(record_state("Closed"), RECORD_CLOSED);
	check_str(record_state("pending"), NULL);
	check_str(record_state(""), NULL);
	check_str(record_state(NULL), NULL);
	check_int(record_ref_parse("ticket:4711", &type, &id), ==, 0);
	check_str(type, "ticket");
	check_str(id, "4711");
	free(type);
	free(id);
	check_int(record_ref_parse("deal:a:b", &type, &id), ==, 0);
	check_str(id, "a:b");
	free(type);
	free(id);
	check_int(record_ref_parse("ticket:", &type, &id), ==, RX_INVALID);
	check_int(record_ref_parse("ticket", &type, &id), ==, RX_INVALID);
	check_int(record_ref_parse("bug:1", &type, &id), ==, RX_INVALID);
	check_str(type, NULL);
}

/* The lifecycle of records(1): close, reopen, unassign, add. */
static void
t_record_lifecycle(void)
{
	static const char *const rows[] = { "ticket:1:a@x.org:open",
		"ticket:2:a@x.org:closed", NULL };
	struct records rs;
	int changed;

	mkrecords(&rs, rows);
	check_int(records_change(&rs, REC_CLOSE, "ticket", "1", NULL,
	    &changed), ==, 0);
	check_int(changed, ==, 1);
	check_str(records_find(&rs, "ticket", "1")->state, RECORD_CLOSED);
	check_str(records_find(&rs, "ticket", "1")->owner, "a@x.org");
	check_int(records_change(&rs, REC_CLOSE, "ticket", "1", NULL,
	    &changed), ==, 0);
	check_int(changed, ==, 0);
	/* A closed record keeps its owner. */
	check_int(records_change(&rs, REC_UNASSIGN, "ticket", "2", NULL,
	    &changed), ==, RX_RULE);
	check(strstr(err_msg(), "records --reopen ticket:2") != NULL);
	check_int(records_change(&rs, REC_REOPEN, "ticket", "2", NULL,
	    &changed), ==, 0);
	check_int(changed, ==, 1);
	check_int(records_change(&rs, REC_UNASSIGN, "ticket", "2", NULL,
	    &changed), ==, 0);
	check_int(changed, ==, 1);
	check_str(records_find(&rs, "ticket", "2")->owner, "");
	check_int(records_change(&rs, REC_ADD, "ticket", "2", NULL,
	    &changed), ==, RX_RULE);
	check_int(records_change(&rs, REC_CLOSE, "ticket", "3", NULL,
	    &changed), ==, RX_NOTFOUND);
	check_int(records_change(&rs, REC_ADD, "deal", "3", "b@x.org",
	    &changed), ==, 0);
	check_str(records_find(&rs, "deal", "3")->state, RECORD_OPEN);
	check_int(records_count(&rs, "B@x.org", "deal", RECORD_OPEN), ==, 1);
	records_free(&rs);
}

/* records(1): by type, then id in natural order. */
static void
t_records_select(void)
{
	static const char *const rows[] = { "ticket:P1-47:a@x.org:open",
		"ticket:P1-9:b@x.org:open", "deal:10::open",
		"deal:9:a@x.org:closed", "ticket:P1-009:A@x.org:open", NULL };
	struct records rs;
	struct record **r;
	size_t n;

	mkrecords(&rs, rows);
	r = records_select(&rs, NULL, NULL, NULL, &n);
	check_int(n, ==, 5);
	if (n == 5) {
		check_str(r[0]->id, "9");
		check_str(r[1]->id, "10");
		check_str(r[2]->id, "P1-009");
		check_str(r[3]->id, "P1-9");
		check_str(r[4]->id, "P1-47");
	}
	free(r);
	r = records_select(&rs, "ticket", RECORD_OPEN, "a@X.org", &n);
	check_int(n, ==, 2);
	free(r);
	r = records_select(&rs, NULL, NULL, "", &n);
	check_int(n, ==, 1);
	if (n == 1)
		check_str(r[0]->id, "10");
	free(r);
	r = records_select(&rs, NULL, RECORD_CLOSED, NULL, &n);
	check_int(n, ==, 1);
	free(r);
	records_free(&rs);
}

/* A store in a fresh directory: roster.ini with team hours for
 * Support, users a@ (Support), b@ (own hours) and c@ (Sales), and the
 * archive of gone@.  0 or the code of the failure. */
static int
mkstore(char *dir, struct store *st)
{
	static const char ini[] = "[store]\nversion = 1\ntimezone = UTC\n"
	    "[hours]\nteam Support = mon-fri=08:00-18:00\n";
	struct user u[4];
	char *path;
	FILE *fp;
	int rc = 0, i;

	if (mkdtemp(dir) == NULL)
		return RX_STORE;
	path = xasprintf("%s/roster.ini", dir);
	if ((fp = fopen(path, "w")) == NULL || fputs(ini, fp) == EOF)
		rc = RX_STORE;
	if (fp && fclose(fp) != 0)
		rc = RX_STORE;
	free(path);
	if (rc || (rc = store_open(st, dir, STORE_WRITE)) != 0)
		return rc;
	mkuser(&u[0], "a@x.org", NULL, "", 0);
	strv_add(&u[0].teams, "Support");
	mkuser(&u[1], "b@x.org", NULL, "", 0);
	hours_spec_add(&u[1].hours, "mon=09:00-17:00");
	mkuser(&u[2], "c@x.org", NULL, "", 0);
	strv_add(&u[2].teams, "Sales");
	mkuser(&u[3], "gone@x.org", NULL, "", 0);
	u[3].removed_at = 1795000000;
	for (i = 0; i < 4; i++) {
		if (rc == 0)
			rc = user_save(st, &u[i], i == 3 ? USER_REMOVED :
			    USER_ACTIVE);
		user_free(&u[i]);
	}
	if (rc == 0)
		rc = txn_commit(st, 1795000000);
	return rc;
}

/* The rules that read the store: team names, hours, owners. */
static void
t_store_rules(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *cmd;
	struct store st;
	struct user u;

	dir = xasprintf("%s/roster-unit-rules.XXXXXX", tmp && *tmp ? tmp :
	    "/tmp");
	if (!check_int(mkstore(dir, &st), ==, 0)) {
		test_note("store", err_msg());
		free(dir);
		return;
	}
	check_int(team_unknown(&st, "Support"), ==, 0);
	check_int(team_unknown(&st, "Suport"), ==, RX_NOTFOUND);
	check_str(err_msg(), "no team Suport (did you mean Support?)");
	check_int(team_unknown(&st, "Finance"), ==, RX_NOTFOUND);
	check_str(err_msg(), "no team Finance");
	check(owner_active(&st, "a@x.org"));
	check(!owner_active(&st, "gone@x.org"));
	check(!owner_active(&st, "GONE@x.org"));
	check(owner_active(&st, "nobody@x.org"));	/* neither: as is */
	check_int(user_load(&st, "a@x.org", USER_ACTIVE, &u), ==, 0);
	check(user_has_hours(&st, &u));		/* the team's default */
	user_free(&u);
	check_int(user_load(&st, "b@x.org", USER_ACTIVE, &u), ==, 0);
	check(user_has_hours(&st, &u));		/* its own */
	user_free(&u);
	check_int(user_load(&st, "c@x.org", USER_ACTIVE, &u), ==, 0);
	check(!user_has_hours(&st, &u));
	user_free(&u);
	store_close(&st);
	cmd = xasprintf("rm -rf '%s'", dir);
	check_int(system(cmd), ==, 0);
	free(cmd);
	free(dir);
}

int
main(void)
{
	TEST(t_import_cap(), "import cap: 100 rows fit, 101 do not");
	TEST(t_contact_roles(), "contact roles: primary, billing, technical");
	TEST(t_super_admins(), "last super admin: counted after a batch");
	TEST(t_super_admin_grant(), "super admin for one new user only");
	TEST(t_primary_contact(), "one primary contact");
	TEST(t_primary_hand_on(), "naming a primary contact hands the role on");
	TEST(t_removal_blockers(), "removal blockers in order, with ways out");
	TEST(t_owned_summary(), "owned records summary: counts, five ids");
	TEST(t_routing_eligible(), "eligible: available, below capacity");
	TEST(t_team_name(), "team names: trimmed, no ',' nor control");
	TEST(t_owner_deactivated(), "Deactivated User (EMAIL)");
	TEST(t_user_key_near(), "a user key one edit from a known one");
	TEST(t_record_sets(), "record types, states and references");
	TEST(t_record_lifecycle(), "record lifecycle: close reopen unassign add");
	TEST(t_records_select(), "records listing: selection, natural order");
	TEST(t_store_rules(), "team known, hours, owner shown active");
	return test_done();
}
