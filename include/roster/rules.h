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
 * (records_dealt 0: neither --reassign-to, --unassign nor --force).
 * Closed records never block: they keep their owner as history.
 *
 * routing_eligible(): available and below capacity (capacity -1: no
 * limit; 0: takes no new records).
 */
#ifndef ROSTER_RULES_H
#define ROSTER_RULES_H

#include <stddef.h>

struct user;
struct records;
struct strv;
struct store;

size_t removal_blockers(const struct user *u, int last_sa,
    const struct records *rs, int records_dealt, struct strv *why);

/* "deal: 2, ticket: 1 (first: deal 12, deal 14, ticket 7)" for the
 * records of e in state (NULL: any), malloc'd. */
char *records_owned_summary(const struct records *rs, const char *e,
    const char *state);

int routing_eligible(int away, long capacity, long open);

/* A team name as given: blanks at either end trimmed (*out, malloc'd).
 * 0, or RX_INVALID for an empty name or one with ',' (the separator of
 * the CSV Teams column and of listings) or a control character. */
int team_name(const char *in, char **out);

/* A team that no active user is in is unknown: RX_NOTFOUND, with the
 * closest existing name ("did you mean Support?") when one is near.
 * Called when a team's listing came back empty, so that its cost (every
 * user) is only paid then.  0 if team is known after all. */
int team_unknown(struct store *st, const char *team);

#endif
