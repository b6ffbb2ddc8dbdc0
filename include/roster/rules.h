/*
 * rules.h — the rules that decide who may take a record and who may be
 * removed, in one place for every command.
 *
 * removal_blockers() runs every check of user-rm(1) for one user and
 * appends one message per blocker, each with its way out, to why (owned,
 * malloc'd copies); it returns how many it appended.  The checks, in
 * order: a paid seat, the primary contact, any other contact role, the
 * last super admin (the caller counts them: last_sa 1 when removing u
 * would leave none), and open records the removal does not deal with
 * (records_dealt 0: neither --reassign-to, --unassign nor --force; rs
 * is not read when records_dealt is 1).
 * Closed records never block: they keep their owner as history.  (Seed
 * 002, removing users; user-rm(1).)
 *
 * routing_eligible(): available and below capacity (capacity -1: no
 * limit; 0: takes no new records).  (Seeds 000 and 001, auto-assignment
 * skips Away users; assign-next(1).)
 *
 * Every rule about people lives here (or, for a file's own syntax, with
 * its loader), once: the commands call these functions to refuse a
 * change, and status --check (check.h) calls the same ones to report a
 * store edited by hand that breaks them.  Most are pure functions of
 * their arguments (no store, no I/O); none prints.  Each names its
 * source: a seed article (the help-centre page the rule comes from) or
 * the man page section that states it.
 */
#ifndef ROSTER_RULES_H
#define ROSTER_RULES_H

#include <stddef.h>

struct user;
struct userlist;
struct records;
struct strv;
struct store;

/* The CSV import cap: at most IMPORT_MAX users per import (seed 002,
 * "import at most 100 users"; user-add(1) --csv).  1 if rows fit. */
#define IMPORT_MAX 100
int import_fits(size_t rows);

/* Point-of-contact roles, NULL-terminated, and 1 if r is one of them
 * (seed 002, points of contact; user-mod(1) --contact). */
extern const char *const contact_roles[];
int contact_role_valid(const char *r);

/* A change that gives the contact roles add and takes drop, to n users
 * at once: each a contact role (RX_INVALID naming it); the primary
 * contact never taken, only handed on, and given to one user at a time
 * (RX_RULE, each with its way out).  (Seed 002, points of contact;
 * user-mod(1) --contact, --no-contact.)  0, or the code with the message
 * recorded. */
int contact_change_check(const struct strv *add, const struct strv *drop,
    size_t n);

/* The super admins of ul after a change: users for whom after(u, arg)
 * is 1 (after NULL: u->super_admin as it is).  The last super admin may
 * not lose it nor be removed: a change is refused when it takes the
 * count from above 0 to 0 (seed 002; user-mod(1), user-rm(1)). */
size_t super_admins(const struct userlist *ul,
    int (*after)(const struct user *u, void *arg), void *arg);
int super_admin_lost(size_t before, size_t after);

/* Super admin is granted to one new user at a time, and in bulk only
 * afterwards, one by one (seed 002; user-add(1) --super-admin): 1 if a
 * batch of n new users may be given it. */
int super_admin_grant_fits(size_t n);

/* There is one primary contact (seed 002; user-mod(1) --contact): the
 * address of a user of ul other than except (any case; NULL: none) who
 * holds the primary role, or NULL. */
int is_primary_contact(const struct user *u);
const char *primary_contact_other(const struct userlist *ul,
    const char *except);

/* Naming a new primary contact hands the role on (seed 002, points of
 * contact; user-mod(1) --contact primary): every holder in ul that is
 * not part of the change (in_change(email, arg) 0) is moved from ul to
 * the end of handed, without the role, for the caller to save in the
 * same change. */
void primary_contact_hand_on(struct userlist *ul,
    int (*in_change)(const char *email, void *arg), void *arg,
    struct userlist *handed);

/* A record whose owner is no longer an active user is shown to people
 * as "Deactivated User (EMAIL)" (seed 002, removing users; records(1)):
 * that text, malloc'd. */
char *owner_deactivated(const char *owner);
/* 0 if owner is shown so: a removed user who is not active (again); 1
 * for an active user, and for an address that is neither (shown as it
 * is; status --check reports it).  Reads users/ and removed/. */
int owner_active(struct store *st, const char *owner);

/* 1 if u has working hours: its own, or a default from roster.ini
 * [hours] that applies to its teams (roster(5), [hours]). */
int user_has_hours(const struct store *st, const struct user *u);

/* The known top-level key of a user file one edit (any ASCII case; a
 * swap of two adjacent letters is one) away from key, which roster does
 * not know: "Teams", "emial" and "workinghours" are probably teams, email
 * and working_hours (roster(5), users/).  NULL if none is. */
const char *user_key_near(const char *key);

size_t removal_blockers(const struct user *u, int last_sa,
    const struct records *rs, int records_dealt, struct strv *why);

/* "deal: 2, ticket: 1 (first: deal 12, deal 14, ticket 7)" for the
 * records of e in state (NULL: any), malloc'd. */
char *records_owned_summary(const struct records *rs, const char *e,
    const char *state);

int routing_eligible(int away, long capacity, long open);

/* A team name as given: blanks at either end trimmed (*out, malloc'd).
 * (Seed 002, teams; user-add(1) --team.)
 * 0, or RX_INVALID for an empty name or one with ',' (the separator of
 * the CSV Teams column and of listings) or a control character. */
int team_name(const char *in, char **out);

/* A team that no active user is in is unknown: RX_NOTFOUND, with the
 * closest existing name ("did you mean Support?") when one is near.
 * Called when a team's listing came back empty, so that its cost (every
 * user) is only paid then.  0 if team is known after all. */
int team_unknown(struct store *st, const char *team);

#endif
