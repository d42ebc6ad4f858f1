/*
 * sqlite.c — the embedded SQLite backend: one sqlite3 handle per pooled
 * connection, WAL journal, foreign keys on, a busy timeout, and write
 * transactions that take the write lock up front (BEGIN IMMEDIATE). Each
 * connection keeps a 32 MiB page cache and reads through a 256 MiB memory map,
 * so that lists and imports over 100k accounts stay in memory.
 */
#include "db/db_impl.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define SQLITE_BUSY_TIMEOUT_MS 10000

static const char sqlite_setup[] = "PRAGMA journal_mode=WAL;"
				   "PRAGMA synchronous=NORMAL;"
				   "PRAGMA foreign_keys=ON;"
				   "PRAGMA temp_store=MEMORY;"
				   "PRAGMA cache_size=-32768;"
				   "PRAGMA mmap_size=268435456;";

static enum adv_err
sqlite_map(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ADV_OK;
	case SQLITE_CONSTRAINT:
		return ADV_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ADV_EUNAVAIL;
	case SQLITE_NOMEM:
		return ADV_ENOMEM;
	default:
		return ADV_EDB;
	}
}

static enum adv_err
sqlite_open(const char *target, void **conn, struct adv_errbuf *eb)
{
	sqlite3 *h = NULL;
	int rc;

	rc = sqlite3_open_v2(
	    target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		adv_fail(eb, ADV_EDB, NULL, "cannot open SQLite database %s: %s", target,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return ADV_EDB;
	}
	sqlite3_busy_timeout(h, SQLITE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_exec(h, sqlite_setup, NULL, NULL, NULL) != SQLITE_OK) {
		adv_fail(eb, ADV_EDB, NULL, "cannot set up SQLite database %s: %s", target,
			 sqlite3_errmsg(h));
		sqlite3_close(h);
		return ADV_EDB;
	}
	*conn = h;
	return ADV_OK;
}

static void
sqlite_close(void *conn)
{
	sqlite3_close(conn);
}

static enum adv_err
sqlite_exec_script(void *conn, const char *sql, struct adv_errbuf *eb)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		adv_fail(eb, sqlite_map(rc), NULL, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return sqlite_map(rc);
}

static enum adv_err
sqlite_prepare(void *conn, const char *sql, void **stmt)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

	if (rc != SQLITE_OK) {
		fprintf(stderr, "advocate: SQL prepare failed: %s: %s\n", sqlite3_errmsg(conn),
			sql);
		return ADV_EDB;
	}
	*stmt = st;
	return ADV_OK;
}

static void
sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void
sqlite_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static enum adv_err
sqlite_bind_int(void *stmt, int i, int64_t v)
{
	return sqlite_map(sqlite3_bind_int64(stmt, i, v));
}

static enum adv_err
sqlite_bind_double(void *stmt, int i, double v)
{
	return sqlite_map(sqlite3_bind_double(stmt, i, v));
}

static enum adv_err
sqlite_bind_text(void *stmt, int i, const char *s)
{
	return sqlite_map(sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT));
}

static enum adv_err
sqlite_bind_text_ref(void *stmt, int i, const char *s)
{
	return sqlite_map(sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC));
}

static enum adv_err
sqlite_bind_null(void *stmt, int i)
{
	return sqlite_map(sqlite3_bind_null(stmt, i));
}

static enum adv_err
sqlite_step(void *stmt, bool *row)
{
	int rc = sqlite3_step(stmt);

	*row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xFF) != SQLITE_CONSTRAINT &&
	    (rc & 0xFF) != SQLITE_BUSY)
		fprintf(stderr, "advocate: SQL step failed: %s\n",
			sqlite3_errmsg(sqlite3_db_handle(stmt)));
	return sqlite_map(rc);
}

static int64_t
sqlite_changes(void *conn, void *stmt)
{
	(void)stmt;
	return sqlite3_changes64(conn);
}

static bool
sqlite_col_null(void *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL;
}

static int64_t
sqlite_col_int(void *stmt, int i)
{
	return sqlite3_column_int64(stmt, i);
}

static double
sqlite_col_double(void *stmt, int i)
{
	return sqlite3_column_double(stmt, i);
}

static const char *
sqlite_col_text(void *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

static size_t
sqlite_col_bytes(void *stmt, int i)
{
	return (size_t)sqlite3_column_bytes(stmt, i);
}

const struct db_backend db_backend_sqlite = {
    .kind = DB_SQLITE,
    .open = sqlite_open,
    .close = sqlite_close,
    .exec_script = sqlite_exec_script,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .reset = sqlite_reset,
    .bind_int = sqlite_bind_int,
    .bind_double = sqlite_bind_double,
    .bind_text = sqlite_bind_text,
    .bind_text_ref = sqlite_bind_text_ref,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .changes = sqlite_changes,
    .col_null = sqlite_col_null,
    .col_int = sqlite_col_int,
    .col_double = sqlite_col_double,
    .col_text = sqlite_col_text,
    .col_bytes = sqlite_col_bytes,
    .begin_sql = "BEGIN IMMEDIATE",
};
