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
	const char *begin_sql;
};

extern const struct db_backend db_backend_sqlite;

#endif
