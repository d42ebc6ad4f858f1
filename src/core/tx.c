/*
 * tx.c — transactions and savepoints around core writes (see tx.h). The
 * savepoint statements are prepared once per connection like any other, so
 * that an import's per-row savepoint costs no parsing.
 */
#include "core/tx.h"

static struct db_sql sql_savepoint = DB_SQL("SAVEPOINT core_write");
static struct db_sql sql_release = DB_SQL("RELEASE SAVEPOINT core_write");
static struct db_sql sql_rollback_to = DB_SQL("ROLLBACK TO SAVEPOINT core_write");

/* Runs one of the savepoint statements above. */
static enum adv_err
tx_run(struct db_conn *c, struct db_sql *sql)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	return db_exec(st);
}

enum adv_err
tx_begin(struct db_conn *c, struct tx *t)
{
	t->own = !db_in_tx(c);
	if (t->own)
		return db_begin(c);
	return tx_run(c, &sql_savepoint);
}

enum adv_err
tx_end(struct db_conn *c, struct tx *t, enum adv_err rc)
{
	if (t->own) {
		if (rc == ADV_OK)
			return db_commit(c);
		db_rollback(c);
		return rc;
	}
	if (rc == ADV_OK)
		return tx_run(c, &sql_release);
	tx_run(c, &sql_rollback_to);
	tx_run(c, &sql_release);
	return rc;
}
