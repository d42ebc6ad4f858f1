/*
 * tx.c — transactions and savepoints around core writes (see tx.h).
 */
#include "core/tx.h"

enum adv_err
tx_begin(struct db_conn *c, struct tx *t)
{
	t->own = !db_in_tx(c);
	if (t->own)
		return db_begin(c);
	return db_exec_script(c, "SAVEPOINT core_write", NULL);
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
		return db_exec_script(c, "RELEASE SAVEPOINT core_write", NULL);
	db_exec_script(c, "ROLLBACK TO SAVEPOINT core_write; RELEASE SAVEPOINT core_write", NULL);
	return rc;
}
