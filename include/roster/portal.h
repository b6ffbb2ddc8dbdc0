/*
 * portal.h — the customer portal's settings (portal.ini) and their rules.
 *
 * The key table of portal-config(1), Settings: each key's syntax, its default
 * and the rules between keys.  portal_value() checks and normalises one
 * value (RX_INVALID when malformed, RX_RULE when well-formed but against a
 * rule of its own key).  portal_rules() lists every broken rule of a whole
 * file, each with its line, so that a caller can report them all and can
 * tell a new breakage from an old one.
 */
#ifndef ROSTER_PORTAL_H
#define ROSTER_PORTAL_H

#include <stddef.h>

struct inidoc;
struct store;

#define PORTAL_FILE "portal.ini"
#define PORTAL_MAX_COLUMNS 10
#define PORTAL_DEFAULT_COLUMNS \
	"subject, requested_by, create_date, owner, last_activity_date, status"

/* One broken rule: its code (RX_RULE or RX_INVALID), the line it is
 * reported at (0: the file), and the rule in words. */
struct issue {
	int code;
	long line;
	char *msg;
};

struct issues {
	struct issue *v;
	size_t n;
};

/* The known fixed keys, NULL-terminated, in listing order. */
extern const char *const portal_keys[];

/* 0 if name is a known key (or under theme. or closed_stage.), else
 * RX_INVALID with a message. */
int portal_key_valid(const char *name);

/* Check val for key name; on success *norm is the value to write
 * (malloc'd: booleans as true/false, lists re-joined with ", ").  0,
 * RX_INVALID or RX_RULE with a message. */
int portal_value(const struct store *st, const char *name, const char *val,
    char **norm);

/* The default of name, or NULL: closed_stage.P defaults to P's only
 * closed stage. */
const char *portal_default(const struct store *st, const char *name);

/* The value of name in d, else its default, else NULL. */
const char *portal_effective(const struct store *st, const struct inidoc *d,
    const char *name);

/* Every broken rule of d, appended to is. */
void portal_rules(const struct store *st, const struct inidoc *d,
    struct issues *is);

/* The broken rules of an edit of the file from before to after (line:
 * the line it wrote, 0 none), each appended (copied) to bad or left.  In
 * bad, what refuses the edit: a rule that held before, any rule on the
 * line written, every rule of a portal the edit turns on.  In left, the
 * rules broken before and not by this edit: they do not block it, so
 * that two keys broken by hand in a live portal can be fixed one at a
 * time (portal-config(1)). */
void portal_edit_rules(const struct store *st, const struct inidoc *before,
    const struct inidoc *after, long line, struct issues *bad,
    struct issues *left);

void issues_free(struct issues *is);


#endif
