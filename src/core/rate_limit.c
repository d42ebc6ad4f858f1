/*
 * rate_limit.c — database-kept request counters in fixed windows (see
 * rate_limit.h). All SQL of the counters lives here.
 */
#include "core/rate_limit.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util/clock.h"

#define PURGE_ONE_IN 256 /* a hit purges the scope's past windows with this odds */

/* ?1 key, ?2 the current window's start: a new window starts the count again. */
static struct db_sql sql_hit =
    DB_SQL("INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until)"
	   " VALUES (?1, 1, ?2, NULL) ON CONFLICT (throttle_key) DO UPDATE SET"
	   " failures = CASE WHEN login_throttle.window_start = ?2"
	   " THEN login_throttle.failures + 1 ELSE 1 END, window_start = ?2"
	   " RETURNING failures");
/* ?1 "<scope>:", ?2 "<scope>;" (the keys of the scope sort between), ?3 the current window. */
static struct db_sql sql_purge =
    DB_SQL("DELETE FROM login_throttle WHERE throttle_key > ?1 AND throttle_key < ?2"
	   " AND window_start < ?3");

/* Deletes the counters of scope from windows before start. */
static enum adv_err
purge(struct db_conn *c, const char *scope, const char *start)
{
	char lo[RATE_LIMIT_KEY_MAX], hi[RATE_LIMIT_KEY_MAX];
	struct db_stmt *st;
	enum adv_err rc;

	snprintf(lo, sizeof(lo), "%s:", scope);
	snprintf(hi, sizeof(hi), "%s;", scope);
	if ((rc = db_prepare(c, &sql_purge, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, start);
	return db_exec(st);
}

enum adv_err
rate_limit_hit(struct db_conn *c, const char *scope, const char *id, unsigned max,
	       unsigned window_s, bool *allowed, unsigned *retry_after)
{
	char key[RATE_LIMIT_KEY_MAX], start[CLOCK_TEXT_MAX];
	time_t now = time(NULL), begin;
	struct db_stmt *st;
	int64_t count = 0;
	enum adv_err rc;
	bool row;

	*allowed = true;
	*retry_after = 0;
	if (window_s == 0)
		window_s = 1;
	begin = now - now % (time_t)window_s;
	clock_format(begin, start);
	snprintf(key, sizeof(key), "%s:%s", scope, id);
	if ((rc = db_prepare(c, &sql_hit, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, start);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		count = db_col_int(st, 0);
		db_done(st);
	}
	if (count > (int64_t)max) {
		*allowed = false;
		*retry_after = (unsigned)(begin + (time_t)window_s - now);
	}
	if (randombytes_uniform(PURGE_ONE_IN) == 0)
		rc = purge(c, scope, start);
out:
	return rc;
}
