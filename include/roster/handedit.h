/*
 * handedit.h — a store file edited by hand (store-edit(1)): what the
 * editor starts from, and what follows an edit once it is installed.
 * Which files may be edited, and the check before one is installed, are
 * check.h's (check_editable(), check_file()).
 *
 * handedit_text() gives the file as it is now (malloc'd, NUL-terminated,
 * its length in *len): a missing one starts empty, roster.ini as a new
 * store's (store_ini_default()), but a missing users/ file is RX_NOTFOUND,
 * for a user is made with user-add.  handedit_done() brings what depends
 * on the file up to date at once: after a users/ file, the users index.
 * Errors: those of file_read() (RX_STORE naming the file), RX_NOTFOUND;
 * the message is recorded.  Source: store-edit(1).
 */
#ifndef ROSTER_HANDEDIT_H
#define ROSTER_HANDEDIT_H

#include <stddef.h>

struct store;

int handedit_text(struct store *st, const char *rel, char **text,
    size_t *len);
void handedit_done(struct store *st, const char *rel);

#endif
