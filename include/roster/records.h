/*
 * records.h — records.csv, the records users own: type,id,owner,state.
 *
 * records_load() reads the whole file (a missing file is an empty list)
 * and keeps the rows in file order.  A file that is not CSV or lacks the
 * header is RX_STORE naming "records.csv:LINE".  A row that does not have
 * exactly the four columns of the header, or has an empty type or id, is
 * malformed: it is kept as its text (raw) with its message (why, naming
 * "records.csv:LINE"), never found, counted or changed, and written back
 * byte for byte by records_save(); the caller reports it.  The
 * caller changes rows in memory (records_find, record_set_owner,
 * records_add, records_reassign, records_change) and stages the file in
 * the store's transaction with records_save() while it holds the exclusive
 * lock.  An empty owner means unassigned.
 *
 * States are a set: "open" and "closed", read without regard to case and
 * written lower-case.  A row with any other state (an empty one included)
 * is malformed like a row with the wrong number of fields.  Capacity and
 * the backlog count open records only; a closed record keeps its owner as
 * history.
 */
#ifndef ROSTER_RECORDS_H
#define ROSTER_RECORDS_H

#include <stddef.h>

struct store;

#define RECORDS_FILE "records.csv"

struct record {
	char *type, *id, *owner, *state;
	long line;		/* line in the file, 0 for a row added since */
	char *raw;		/* a malformed row: its text, else NULL */
	char *why;		/* and why: "records.csv:LINE: reason" */
};

struct records {
	struct record *r;
	size_t n, cap;
};

#define RECORD_OPEN	"open"
#define RECORD_CLOSED	"closed"

/* Record types are a set: ticket, conversation, contact, company, deal
 * (records(1), TYPE:ID).  1 if t (case-sensitive) is one of them. */
int record_type_valid(const char *t);

/* The state s names (RECORD_OPEN or RECORD_CLOSED), or NULL.
 * (records(1), states.) */
const char *record_state(const char *s);

/* Split "TYPE:ID" (type one of ticket, conversation, contact, company,
 * deal; id not empty) into malloc'd parts.  0 or RX_INVALID. */
int record_ref_parse(const char *s, char **type, char **id);

/* The lifecycle of one record, a change in memory (see records(1)):
 *   REC_CLOSE     an open record becomes closed (its owner stays);
 *   REC_REOPEN    a closed record becomes open again;
 *   REC_UNASSIGN  an open record loses its owner: back to the backlog;
 *   REC_ADD       a new open record, owned by owner or unassigned.
 * 0 (*changed 1, or 0 when the record already was so), RX_NOTFOUND for
 * a record not in the file (REC_ADD: RX_RULE for one that is), RX_RULE
 * for a change its state does not allow (unassigning a closed record),
 * each with the way out in the message. */
enum { REC_CLOSE, REC_REOPEN, REC_UNASSIGN, REC_ADD };
int records_change(struct records *rs, int op, const char *type,
    const char *id, const char *owner, int *changed);

/* Read STORE/records.csv into rs. 0, or RX_STORE with FILE:LINE. */
int records_load(struct store *st, struct records *rs);
/* Warn (stderr) of each malformed row: every writer of records.csv keeps
 * them byte for byte and says so, and the listing reports them.  Returns
 * how many there are. */
size_t records_warn_malformed(const struct records *rs);
void records_free(struct records *rs);

/* The record of type and id (type case-sensitive), or NULL. */
struct record *records_find(struct records *rs, const char *type,
    const char *id);
/* Append a row (owner and state may be NULL: empty). */
struct record *records_add(struct records *rs, const char *type,
    const char *id, const char *owner, const char *state);
/* Set r's owner (NULL or "": unassigned). */
void record_set_owner(struct record *r, const char *owner);

/* Rows owned by owner (case-insensitive); type NULL: of every type;
 * state NULL: in every state. */
size_t records_count(const struct records *rs, const char *owner,
    const char *type, const char *state);
/* The well-formed rows of type, state and owner (each NULL: any; owner
 * "" : unassigned, compared without regard to ASCII case), in the order
 * of records(1): by type, then id in natural order (digit runs compare
 * as numbers: P1-9 before P1-47).  A malloc'd array of n pointers into
 * rs, valid while rs is unchanged. */
struct record **records_select(struct records *rs, const char *type,
    const char *state, const char *owner, size_t *n);
/* Give the records of from to to (NULL or "": unassigned): the open ones
 * only, or every one when all is 1.  Return how many moved. */
size_t records_reassign(struct records *rs, const char *from, const char *to,
    int all);

/* Stage rs as STORE/records.csv in st's transaction (txn.h). 0 or
 * RX_STORE.  Once it commits, the open counts (below) are cached for the
 * file written. */
int records_save(struct store *st, const struct records *rs);

/*
 * Open records per owner, for routing.  Counting 100,000 rows costs more
 * than a team's whole choice, so the counts are kept in
 * STORE/.cache/open.idx with the identity of the records.csv they were
 * counted from (see lib/cache.h); records_open() uses them while that holds,
 * else counts the file and caches the result.  Owners are compared
 * without regard to ASCII case.
 */
struct opencounts {
	char **owner;		/* lower-cased, sorted */
	long *n;
	size_t len;
	char *text;		/* the owners' text when read from the cache */
};

int records_open(struct store *st, struct opencounts *oc);
/* The same counts of rows in memory. */
void records_open_of(const struct records *rs, struct opencounts *oc);
/* Open records of owner (0 if none). */
long opencounts_get(const struct opencounts *oc, const char *owner);
void opencounts_free(struct opencounts *oc);

#endif
