/*
 * db_impl.h — what a database backend provides to db.c (the pool and the
 * statement cache live in db.c; a backend implements one connection).
 */
#ifndef ADV_DB_DB_IMPL_H
#define ADV_DB_DB_IMPL_H

#include "db/db.h"

struct db_backend {
	enum db_kind kind;
	/* Opens one connection to target (a path or a URL); the result is backend-private. */
	enum adv_err (*open)(const char *target, void **conn, struct adv_errbuf *eb);
	void (*close)(void *conn);
	/*
	 * Reconnects a connection found broken (NULL when connections cannot
	 * break); ADV_EUNAVAIL while the database is away.
	 */
	enum adv_err (*revive)(void *conn);
	enum adv_err (*exec_script)(void *conn, const char *sql, struct adv_errbuf *eb);
	enum adv_err (*prepare)(void *conn, const char *sql, void **stmt);
	void (*finalize)(void *stmt);
	void (*reset)(void *stmt);
	enum adv_err (*bind_int)(void *stmt, int i, int64_t v);
	enum adv_err (*bind_double)(void *stmt, int i, double v);
	enum adv_err (*bind_text)(void *stmt, int i, const char *s);
	enum adv_err (*bind_text_ref)(void *stmt, int i, const char *s);
	enum adv_err (*bind_null)(void *stmt, int i);
	enum adv_err (*step)(void *stmt, bool *row);
	int64_t (*changes)(void *conn, void *stmt);
	bool (*col_null)(void *stmt, int i);
	int64_t (*col_int)(void *stmt, int i);
	double (*col_double)(void *stmt, int i);
	const char *(*col_text)(void *stmt, int i);
	size_t (*col_bytes)(void *stmt, int i);
	/*
	 * Copies the whole database behind conn to a new file at path while
	 * other connections keep reading and writing (SQLite's online backup);
	 * NULL for a backend that cannot (PostgreSQL has pg_dump).
	 */
	enum adv_err (*backup)(void *conn, const char *path, struct adv_errbuf *eb);
	/*
	 * Sends payload to every listener of the database when the open
	 * transaction commits; NULL when the engine has no such thing (the
	 * pool then delivers in-process).
	 */
	enum adv_err (*notify)(void *conn, const char *channel, const char *payload);
	bool error_aborts_tx;	    /* a failed statement ends the transaction's usefulness */
	const char *begin_sql;	    /* starts a write transaction */
	const char *begin_read_sql; /* starts a read transaction: one snapshot */
};

extern const struct db_backend db_backend_sqlite;
extern const struct db_backend db_backend_pg;

#endif
