/* records.c — records.csv in memory: load, change, save atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/fileio.h"
#include "roster/records.h"
#include "roster/store.h"

static const char *const cols[] = { "type", "id", "owner", "state" };

/* A malloc'd copy of s, "" for NULL. */
static char *
dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

struct record *
records_add(struct records *rs, const char *type, const char *id,
    const char *owner, const char *state)
{
	struct record *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->r = xrealloc(rs->r, rs->cap * sizeof *rs->r);
	}
	r = &rs->r[rs->n++];
	r->type = dup0(type);
	r->id = dup0(id);
	r->owner = dup0(owner);
	r->state = dup0(state);
	r->line = 0;
	return r;
}

int
records_load(struct store *st, struct records *rs)
{
	struct csvdoc doc;
	char *data = NULL;
	size_t len = 0, i, j;
	int rc;

	memset(rs, 0, sizeof *rs);
	rc = file_read(st->dfd, RECORDS_FILE, &data, &len);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	rc = csv_read(data, len, RECORDS_FILE, 0, &doc);
	free(data);
	if (rc) {
		char *m = xstrdup(err_msg());
		rc = fail(RX_STORE, "%s", m);
		free(m);
		return rc;
	}
	if (doc.n == 0) {
		csvdoc_free(&doc);
		return 0;
	}
	for (j = 0; j < 4; j++)
		if (doc.rows[0].n != 4 ||
		    strcasecmp(doc.rows[0].f[j], cols[j]) != 0) {
			rc = fail_at(RX_STORE, RECORDS_FILE, doc.rows[0].line,
			    "want the header type,id,owner,state");
			csvdoc_free(&doc);
			return rc;
		}
	for (i = 1; i < doc.n; i++) {
		const struct csvrow *row = &doc.rows[i];
		if (row->n != 4 || row->f[0][0] == '\0' ||
		    row->f[1][0] == '\0') {
			rc = fail_at(RX_STORE, RECORDS_FILE, row->line,
			    row->n != 4 ? "want 4 fields (type,id,owner,state), "
			    "found %zu" : "empty type or id", row->n);
			csvdoc_free(&doc);
			records_free(rs);
			return rc;
		}
		records_add(rs, row->f[0], row->f[1], row->f[2],
		    row->f[3])->line = row->line;
	}
	csvdoc_free(&doc);
	return 0;
}

void
records_free(struct records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].type);
		free(rs->r[i].id);
		free(rs->r[i].owner);
		free(rs->r[i].state);
	}
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

struct record *
records_find(struct records *rs, const char *type, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].type, type) == 0 &&
		    strcmp(rs->r[i].id, id) == 0)
			return &rs->r[i];
	return NULL;
}

void
record_set_owner(struct record *r, const char *owner)
{
	free(r->owner);
	r->owner = dup0(owner);
}

size_t
records_count(const struct records *rs, const char *owner, const char *type,
    const char *state)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		const struct record *r = &rs->r[i];
		if (strcasecmp(r->owner, owner ? owner : "") != 0)
			continue;
		if (type && strcmp(r->type, type) != 0)
			continue;
		if (state && strcmp(r->state, state) != 0)
			continue;
		n++;
	}
	return n;
}

size_t
records_reassign(struct records *rs, const char *from, const char *to)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		if (*rs->r[i].owner && strcasecmp(rs->r[i].owner, from) == 0) {
			record_set_owner(&rs->r[i], to);
			n++;
		}
	return n;
}

int
records_save(struct store *st, const struct records *rs)
{
	struct atomic a;
	size_t i;
	int rc;

	if ((rc = atomic_begin(&a, st->dfd, RECORDS_FILE)) != 0)
		return rc;
	csv_row_write(a.fp, cols, 4, 0);
	for (i = 0; i < rs->n; i++) {
		const char *cells[4] = { rs->r[i].type, rs->r[i].id,
			rs->r[i].owner, rs->r[i].state };
		csv_row_write(a.fp, cells, 4, 0);
	}
	return atomic_commit(&a);
}
