/*
 * db.h — the backend-neutral database API.
 *
 * A struct db is a pool of connections to one database (SQLite file or
 * PostgreSQL server). A thread takes a connection with db_acquire(), uses it,
 * and gives it back with db_release(). Statements are described once, as
 * static struct db_sql objects holding SQL text with numbered parameters
 * (?1, ?2, …); each connection prepares a statement the first time it is used
 * and reuses it afterwards. Values are always bound, never spliced into text.
 *
 * The SQL dialect is the common subset of SQLite and PostgreSQL: RETURNING,
 * ON CONFLICT, TEXT timestamps in RFC 3339, INTEGER booleans.
 */
#ifndef ADV_DB_DB_H
#define ADV_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

struct db;
struct db_conn;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_PG, DB_KIND__MAX };

/* A statement as code declares it; slot is assigned on first use. */
struct db_sql {
	const char *text;
	unsigned slot;
};

#define DB_SQL(text)                                                                               \
	{                                                                                          \
		(text), 0                                                                          \
	}

/* Most distinct statements one process may use (the per-connection cache size). */
#define DB_SQL_SLOTS_MAX 1024

/*
 * Opens a pool of nconn connections to url: a plain path, "sqlite:PATH", or
 * "postgres://…"/"postgresql://…". On success *out owns the pool (db_close
 * frees it). Errors: ADV_EINVAL for an unknown scheme, ADV_EDB/ADV_EUNAVAIL
 * when the database cannot be opened; detail in eb.
 */
enum adv_err db_open(const char *url, unsigned nconn, struct db **out, struct adv_errbuf *eb);

/* Closes every connection and frees the pool; no connection may be in use. NULL is ignored. */
void db_close(struct db *db);

/* Which engine the pool talks to. */
enum db_kind db_kind(const struct db *db);

/* Which engine the connection talks to (for the rare statement only one dialect has). */
enum db_kind db_conn_kind(const struct db_conn *c);

/*
 * A number naming the pool c belongs to, unique in this process (never
 * reused, unlike the pool's address): for caches kept beside the database
 * that must not mix two databases one process has open.
 */
uint64_t db_conn_pool_id(const struct db_conn *c);

/* Connections in the pool, and how many are taken now (for /metrics). */
unsigned db_pool_size(const struct db *db);
unsigned db_pool_busy(const struct db *db);

/* Waits for a free connection and hands it out; give it back with db_release. */
enum adv_err db_acquire(struct db *db, struct db_conn **out);

/* Returns c to the pool, rolling back a transaction left open. */
void db_release(struct db *db, struct db_conn *c);

/* Starts a write transaction (BEGIN IMMEDIATE on SQLite). */
enum adv_err db_begin(struct db_conn *c);

/*
 * Starts a read transaction (deferred BEGIN): every statement until
 * db_release sees one snapshot, and the snapshot's locks are taken once
 * instead of per statement. A statement that writes inside it upgrades it
 * (and may fail with ADV_EUNAVAIL when another write came first). Ended by
 * db_release.
 */
enum adv_err db_begin_read(struct db_conn *c);

/* Commits the open transaction; on failure the transaction is rolled back. */
enum adv_err db_commit(struct db_conn *c);

/* Rolls back the open transaction, if any. */
void db_rollback(struct db_conn *c);

/* True while a transaction is open on c. */
bool db_in_tx(const struct db_conn *c);

/*
 * True the first time key is named in the transaction open on c, false on
 * later calls until it ends; always true outside a transaction. Lets a write
 * do once-per-transaction bookkeeping (such as raising a version) cheaply.
 */
bool db_tx_once(struct db_conn *c, int64_t key);

/*
 * How many times key has been counted in the transaction open on c, before
 * this call, which counts it once more; always 0 outside a transaction. At
 * most 8 keys per transaction are told apart (later keys always count 0).
 */
unsigned db_tx_count(struct db_conn *c, int64_t key);

/*
 * Announces payload (UTF-8 text, at most DB_NOTIFY_MAX bytes) to the event
 * buses of every process on this database once the transaction open on c
 * commits, or at once outside a transaction; a rollback drops it. On
 * PostgreSQL this is NOTIFY on channel DB_NOTIFY_CHANNEL (every node
 * listening receives it); on SQLite it is delivered in-process, to the hook
 * set with db_set_notify_hook. Errors: ADV_ETOOBIG, ADV_ENOMEM, database
 * errors.
 */
#define DB_NOTIFY_MAX	  4000
#define DB_NOTIFY_CHANNEL "advocate_events"
enum adv_err db_notify(struct db_conn *c, const char *payload);

/*
 * Sets the function that receives payloads committed through this pool when
 * the engine delivers them in-process (SQLite); fn runs on the committing
 * thread after the commit and must not use the pool. NULL fn drops them.
 */
void db_set_notify_hook(struct db *db, void (*fn)(void *ctx, const char *payload), void *ctx);

/* True when the engine carries notifications between processes (PostgreSQL). */
bool db_notify_is_shared(const struct db *db);

/* Runs SQL text with no parameters and no result rows (DDL, migrations). */
enum adv_err db_exec_script(struct db_conn *c, const char *sql, struct adv_errbuf *eb);

/*
 * Gets the prepared statement for sql on c (preparing it on first use), reset
 * and with no bindings. The statement belongs to c: valid until the next
 * db_prepare of the same sql on c.
 */
enum adv_err db_prepare(struct db_conn *c, struct db_sql *sql, struct db_stmt **out);

/* Bind parameter i (1-based). Text is copied; NULL text binds SQL NULL. */
enum adv_err db_bind_int(struct db_stmt *st, int i, int64_t v);
enum adv_err db_bind_double(struct db_stmt *st, int i, double v);
enum adv_err db_bind_text(struct db_stmt *st, int i, const char *s);
enum adv_err db_bind_null(struct db_stmt *st, int i);

/* Binds id v, or SQL NULL when v is 0 (an optional reference). */
enum adv_err db_bind_id(struct db_stmt *st, int i, int64_t v);

/*
 * Binds text without copying it: s (or NULL for SQL NULL) must stay valid
 * and unchanged until the statement is reset — stepped to its end, db_done,
 * or prepared again. For hot paths binding arena strings.
 */
enum adv_err db_bind_text_ref(struct db_stmt *st, int i, const char *s);

/*
 * Advances to the next row: *row is true when a row is available, false when
 * the statement is done (it is then reset). Errors: ADV_ECONFLICT for a
 * unique or check constraint, ADV_EUNAVAIL when the database is busy, ADV_EDB
 * otherwise.
 */
enum adv_err db_step(struct db_stmt *st, bool *row);

/* Runs a statement that returns no rows to completion. */
enum adv_err db_exec(struct db_stmt *st);

/*
 * Runs a bookkeeping write whose failure the caller tolerates (such as
 * noting when a session was last seen) so that a failure leaves the open
 * transaction usable: where the engine would abort the whole transaction
 * (PostgreSQL), a savepoint fences the statement. Returns db_exec's result.
 */
enum adv_err db_exec_fenced(struct db_stmt *st);

/* Ends reading early (releases the cursor). */
void db_done(struct db_stmt *st);

/* Rows changed by the last completed statement on the statement's connection. */
int64_t db_changes(struct db_stmt *st);

/* Columns of the current row (0-based). Text is valid until the next step. */
bool db_col_null(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i);

/*
 * Writes a consistent copy of the whole database to a new file at path
 * (SQLite only, safe while the server runs). Errors: ADV_EINVAL when the
 * engine has no such backup (PostgreSQL: use pg_dump) or path exists,
 * ADV_EIO/ADV_EDB when writing fails; detail in eb.
 */
enum adv_err db_backup(struct db *db, const char *path, struct adv_errbuf *eb);

/* Bytes of column i's text (after db_col_text, without the NUL). */
size_t db_col_bytes(struct db_stmt *st, int i);

/*
 * An arena copy of column i's text, or NULL when the column is NULL; sets
 * *oom (and returns NULL) when the copy cannot be made. For row readers.
 */
const char *db_col_dup(struct db_stmt *st, struct arena *a, int i, bool *oom);

#endif
