/*
 * storecfg.h — the store's settings (roster.ini) as store-config edits them.
 *
 * A setting is named as git config names one: "store.timezone",
 * "role.NAME.permissions" (the file's [role "NAME"] section, key
 * permissions) and "pipelines.NAME" (its closed stages).  storecfg_ini()
 * maps such a name to the "section.key" of inied.h; storecfg_value()
 * checks and normalises a value (the zone exists, each permission is
 * known, a stage list is non-empty and without duplicates); storecfg_check()
 * lists every finding of a whole file with its line, as portal.h's issues.
 * Errors: RX_INVALID (an unknown key or a malformed value) or RX_RULE (a
 * key that is not set by hand), with a message naming the key.
 */
#ifndef ROSTER_STORECFG_H
#define ROSTER_STORECFG_H

#include <stddef.h>

#include "roster/portal.h"	/* struct issues */

struct inidoc;

#define STORECFG_FILE "roster.ini"

/* The inied.h name of setting name, malloc'd in *ini: 0, RX_INVALID or
 * RX_RULE (store.version: the store's format, written by roster). */
int storecfg_ini(const char *name, char **ini);

/* The setting name of inied.h section sec and key key (malloc'd), or
 * NULL when it is not a known setting. */
char *storecfg_name(const char *sec, const char *key);

/* Check val for setting name; *norm (malloc'd) is what to write. */
int storecfg_value(const char *name, const char *val, char **norm);

/* A value as the file's reader takes it: without a "; comment" that
 * follows a blank (malloc'd). */
char *storecfg_plain(const char *val);

/* The text of roster.ini old (NUL-terminated) with the default hours of
 * team (NULL: the store's default, hours.default) set to value ("[ZONE]
 * SPEC...", as hoursdef_parse() in store.h reads it), or removed when
 * value is NULL: *text (malloc'd, *len bytes).  *had: 0 when there was
 * no such default to remove, else 1.  0, RX_INVALID (value does not
 * parse) or RX_STORE (old does not read as roster.ini).  Source:
 * hours-set(1) --default, roster(5) "roster.ini". */
int storecfg_hours_default(const char *old, const char *team,
    const char *value, char **text, size_t *len, int *had);

/* The default of name, or NULL. */
const char *storecfg_default(const char *name);

/* Every finding of d (unknown keys and sections, malformed values),
 * appended to is. */
void storecfg_check(const struct inidoc *d, struct issues *is);

#endif
