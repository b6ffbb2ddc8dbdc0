/* rotation.c — round-robin and balanced choice; rotation.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster/csvio.h"
#include "roster/err.h"
#include "roster/rotation.h"
#include "roster/store.h"
#include "roster/timefmt.h"
#include "roster/txn.h"
#include "roster/util.h"
#include "csvfile.h"

/* The first index whose address sorts after last (0 when none do). */
static size_t
start_after(const struct member *m, size_t n, const char *last)
{
	size_t i;

	if (last == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(m[i].email, last) > 0)
			return i;
	return 0;
}

/* 1 if a is a better balanced choice than b: fewer open records, then
 * the larger free share of capacity ((cap - open) / cap, compared
 * without division; no capacity counts as a share of 1).  Capacity is a
 * ceiling only (eligibility), never a reason to starve a member. */
static int
better(const struct member *a, const struct member *b)
{
	long long fa_n = a->capacity < 0 ? 1 : a->capacity - a->open;
	long long fa_d = a->capacity < 0 ? 1 : a->capacity;
	long long fb_n = b->capacity < 0 ? 1 : b->capacity - b->open;
	long long fb_d = b->capacity < 0 ? 1 : b->capacity;

	if (a->open != b->open)
		return a->open < b->open;
	return fa_n * fb_d > fb_n * fa_d;
}

long
rotation_choose(const struct member *m, size_t n, const char *last, int mode)
{
	size_t s, k, i;
	long best = -1;

	if (n == 0)
		return -1;
	s = start_after(m, n, last);
	for (k = 0; k < n; k++) {
		i = (s + k) % n;
		if (!m[i].eligible)
			continue;
		if (mode == MODE_ROUND_ROBIN)
			return (long)i;
		if (best < 0 || better(&m[i], &m[best]))
			best = (long)i;
	}
	return best;
}

int
rotation_load(struct store *st, struct rotation *rot)
{
	struct csvfile cf;
	size_t i;
	int rc;

	memset(rot, 0, sizeof *rot);
	rc = csvfile_load(st->dfd, "rotation.csv", &cf);
	if (rc == RX_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	for (i = 0; i < cf.doc.n; i++) {
		struct csvrow *r = &cf.doc.rows[i];
		if (i == 0 && r->n > 0 && strcmp(r->f[0], "pool") == 0)
			continue;
		if (r->n != 3) {
			rc = fail_at(RX_STORE, "rotation.csv", r->line,
			    "expected pool,last,updated");
			break;
		}
		rotation_set(rot, r->f[0], r->f[1], -1);
		free(rot->updated[rot->n - 1]);
		rot->updated[rot->n - 1] = xstrdup(r->f[2]);
	}
	csvfile_free(&cf);
	if (rc)
		rotation_free(rot);
	return rc;
}

const char *
rotation_last(const struct rotation *rot, const char *pool)
{
	size_t i;

	for (i = 0; i < rot->n; i++)
		if (strcmp(rot->pool[i], pool) == 0)
			return *rot->last[i] ? rot->last[i] : NULL;
	return NULL;
}

void
rotation_set(struct rotation *rot, const char *pool, const char *last,
    time_t now)
{
	char ts[32];
	size_t i;

	ts[0] = '\0';
	if (now != -1)
		time_utc(now, ts);
	for (i = 0; i < rot->n; i++)
		if (strcmp(rot->pool[i], pool) == 0)
			break;
	if (i == rot->n) {
		rot->pool = xrealloc(rot->pool, (i + 1) * sizeof *rot->pool);
		rot->last = xrealloc(rot->last, (i + 1) * sizeof *rot->last);
		rot->updated = xrealloc(rot->updated, (i + 1) * sizeof *rot->updated);
		rot->pool[i] = xstrdup(pool);
		rot->last[i] = rot->updated[i] = NULL;
		rot->n++;
	}
	free(rot->last[i]);
	free(rot->updated[i]);
	rot->last[i] = xstrdup(last);
	rot->updated[i] = xstrdup(ts);
}

int
rotation_save(struct store *st, const struct rotation *rot)
{
	static const char *const hdr[] = { "pool", "last", "updated" };
	const char *cells[3];
	char *text = NULL;
	size_t i, len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return fail_errno(RX_STORE, "rotation.csv");
	csv_row_write(fp, hdr, 3, 0);
	for (i = 0; i < rot->n; i++) {
		cells[0] = rot->pool[i];
		cells[1] = rot->last[i];
		cells[2] = rot->updated[i];
		csv_row_write(fp, cells, 3, 0);
	}
	fclose(fp);
	rc = txn_put(st, "rotation.csv", text, len);
	free(text);
	return rc;
}

void
rotation_free(struct rotation *rot)
{
	size_t i;

	for (i = 0; i < rot->n; i++) {
		free(rot->pool[i]);
		free(rot->last[i]);
		free(rot->updated[i]);
	}
	free(rot->pool);
	free(rot->last);
	free(rot->updated);
	memset(rot, 0, sizeof *rot);
}
