/*
 * rate_limit.h — request counters in fixed windows kept in the database, so
 * that every node of a deployment on one PostgreSQL counts the same
 * requests (docs/research.md, "Survey links"). The counters live in the
 * table login_throttle under keys "<scope>:<id>" (the login throttle's own
 * keys start "account:" and "address:"): the count in failures and the
 * window's start in window_start. Windows are aligned to multiples of their
 * length since the epoch, so a counter needs no clock but the database row.
 */
#ifndef ADV_CORE_RATE_LIMIT_H
#define ADV_CORE_RATE_LIMIT_H

#include <stdbool.h>

#include "db/db.h"
#include "util/err.h"

#define RATE_LIMIT_KEY_MAX 200 /* bytes of "<scope>:<id>"; longer ids are cut */

/*
 * Counts one request of id (an address, a link id) in scope (a short
 * constant such as "survey-address") in the current window of window_s
 * seconds. *allowed is false when this request makes more than max in the
 * window; *retry_after is then the seconds until the window ends. Runs as
 * its own statement (or inside the caller's transaction); now and then it
 * also deletes the scope's counters of past windows. Database errors.
 */
enum adv_err rate_limit_hit(struct db_conn *c, const char *scope, const char *id, unsigned max,
			    unsigned window_s, bool *allowed, unsigned *retry_after);

#endif
