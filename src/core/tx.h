/*
 * tx.h — the write scope of a core function: its own transaction when the
 * connection has none open, or a savepoint inside the caller's transaction
 * (imports wrap many rows in one), so that a failing write leaves nothing
 * behind either way.
 */
#ifndef ADV_CORE_TX_H
#define ADV_CORE_TX_H

#include <stdbool.h>

#include "db/db.h"
#include "util/err.h"

struct tx {
	bool own; /* true: we began the transaction; false: a savepoint in the caller's */
};

/* Opens the write scope on c: BEGIN (IMMEDIATE on SQLite) or SAVEPOINT. */
enum adv_err tx_begin(struct db_conn *c, struct tx *t);

/*
 * Closes the scope: with rc == ADV_OK commits (or releases the savepoint),
 * otherwise rolls back (to the savepoint). Returns rc, or the commit's error
 * when committing fails.
 */
enum adv_err tx_end(struct db_conn *c, struct tx *t, enum adv_err rc);

#endif
