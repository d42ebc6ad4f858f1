/*
 * db.c — the connection pool and the per-connection statement cache shared by
 * every backend (see db.h). The backend behind a URL is chosen here.
 */
#include "db/db.h"
#include "db/db_impl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct db_stmt {
	struct db_conn *conn;
	void *impl;
};

#define DB_TX_KEYS_MAX 8

/* A payload waiting for its transaction to commit (in-process delivery). */
struct db_note {
	struct db_note *next;
	char payload[];
};

struct db_conn {
	struct db *db;
	void *impl;
	bool in_tx;
	bool in_read;	/* a read transaction from db_begin_read is open */
	unsigned nkeys; /* keys named by db_tx_once in this transaction */
	int64_t keys[DB_TX_KEYS_MAX];
	unsigned counts[DB_TX_KEYS_MAX];
	struct db_note *notes, **notes_tail; /* pending payloads, in order */
	bool in_use;
	struct db_stmt stmts[DB_SQL_SLOTS_MAX];
};

struct db {
	const struct db_backend *be;
	uint64_t id; /* db_conn_pool_id */
	unsigned n;
	unsigned busy;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_conn **conns;
	void (*notify_fn)(void *ctx, const char *payload);
	void *notify_ctx;
};

static atomic_uint sql_slot_next = 1; /* slot 0 means "not assigned yet" */
static atomic_uint_fast64_t pool_id_next = 1;
static pthread_mutex_t sql_slot_mu = PTHREAD_MUTEX_INITIALIZER;

/* Frees c's pending payloads, delivering them first when deliver is true. */
static void
db_notes_flush(struct db_conn *c, bool deliver)
{
	struct db_note *n = c->notes, *next;

	for (; n != NULL; n = next) {
		next = n->next;
		if (deliver && c->db->notify_fn != NULL)
			c->db->notify_fn(c->db->notify_ctx, n->payload);
		free(n);
	}
	c->notes = NULL;
	c->notes_tail = &c->notes;
}

/* Picks the backend for url and the target string it receives. */
static enum adv_err
db_resolve(const char *url, const struct db_backend **be, const char **target,
	   struct adv_errbuf *eb)
{
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		*be = &db_backend_pg;
		*target = url;
		return ADV_OK;
	}
	if (strstr(url, "://") != NULL)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"unknown database URL scheme in %s: use a path, sqlite:PATH or "
				"postgresql://...",
				url);
	*be = &db_backend_sqlite;
	*target = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	if (**target == '\0')
		return adv_fail(eb, ADV_EINVAL, NULL, "empty database path");
	return ADV_OK;
}

enum adv_err
db_open(const char *url, unsigned nconn, struct db **out, struct adv_errbuf *eb)
{
	const struct db_backend *be = NULL;
	const char *target = NULL;
	struct db *db = NULL;
	enum adv_err rc;

	*out = NULL;
	if ((rc = db_resolve(url, &be, &target, eb)) != ADV_OK)
		goto out;
	if (nconn == 0)
		nconn = 1;
	db = calloc(1, sizeof(*db));
	if (db == NULL || (db->conns = calloc(nconn, sizeof(*db->conns))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	db->be = be;
	db->id = atomic_fetch_add(&pool_id_next, 1);
	pthread_mutex_init(&db->mu, NULL);
	pthread_cond_init(&db->cv, NULL);
	for (unsigned i = 0; i < nconn; i++) {
		struct db_conn *c = calloc(1, sizeof(*c));

		if (c == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		c->db = db;
		c->notes_tail = &c->notes;
		db->conns[db->n++] = c;
		if ((rc = be->open(target, &c->impl, eb)) != ADV_OK)
			goto out;
	}
	*out = db;
	db = NULL;
out:
	db_close(db);
	return rc;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (unsigned i = 0; i < db->n; i++) {
		struct db_conn *c = db->conns[i];

		for (unsigned s = 0; s < DB_SQL_SLOTS_MAX; s++)
			if (c->stmts[s].impl != NULL)
				db->be->finalize(c->stmts[s].impl);
		if (c->impl != NULL)
			db->be->close(c->impl);
		db_notes_flush(c, false);
		free(c);
	}
	if (db->conns != NULL) {
		pthread_mutex_destroy(&db->mu);
		pthread_cond_destroy(&db->cv);
	}
	free(db->conns);
	free(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->be->kind;
}

enum db_kind
db_conn_kind(const struct db_conn *c)
{
	return c->db->be->kind;
}

uint64_t
db_conn_pool_id(const struct db_conn *c)
{
	return c->db->id;
}

unsigned
db_pool_size(const struct db *db)
{
	return db->n;
}

unsigned
db_pool_busy(const struct db *db)
{
	return __atomic_load_n(&db->busy, __ATOMIC_RELAXED);
}

/* Takes a free connection, waiting for one. */
static struct db_conn *
db_take(struct db *db)
{
	pthread_mutex_lock(&db->mu);
	for (;;) {
		for (unsigned i = 0; i < db->n; i++) {
			if (!db->conns[i]->in_use) {
				db->conns[i]->in_use = true;
				__atomic_add_fetch(&db->busy, 1, __ATOMIC_RELAXED);
				pthread_mutex_unlock(&db->mu);
				return db->conns[i];
			}
		}
		pthread_cond_wait(&db->cv, &db->mu);
	}
}

enum adv_err
db_acquire(struct db *db, struct db_conn **out)
{
	struct db_conn *c = db_take(db);

	*out = NULL;
	if (db->be->revive != NULL && db->be->revive(c->impl) != ADV_OK) {
		db_release(db, c);
		return ADV_EUNAVAIL;
	}
	*out = c;
	return ADV_OK;
}

void
db_release(struct db *db, struct db_conn *c)
{
	if (c == NULL)
		return;
	if (c->in_tx)
		db_rollback(c);
	if (c->in_read) {
		for (unsigned s = 0; s < DB_SQL_SLOTS_MAX; s++)
			if (c->stmts[s].impl != NULL)
				db->be->reset(c->stmts[s].impl);
		if (db->be->exec_script(c->impl, "COMMIT", NULL) != ADV_OK)
			db->be->exec_script(c->impl, "ROLLBACK", NULL);
		c->in_read = false;
	}
	pthread_mutex_lock(&db->mu);
	c->in_use = false;
	__atomic_sub_fetch(&db->busy, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

/*
 * Runs a BEGIN statement; when the connection turns out to have been lost
 * since it was last used, reconnects and tries once more (nothing can have
 * been written on a connection that had no transaction open).
 */
static enum adv_err
db_run_begin(struct db_conn *c, const char *sql)
{
	const struct db_backend *be = c->db->be;
	enum adv_err rc = be->exec_script(c->impl, sql, NULL);

	if (rc == ADV_EUNAVAIL && be->revive != NULL && be->revive(c->impl) == ADV_OK)
		rc = be->exec_script(c->impl, sql, NULL);
	return rc;
}

enum adv_err
db_begin(struct db_conn *c)
{
	enum adv_err rc = db_run_begin(c, c->db->be->begin_sql);

	if (rc == ADV_OK) {
		c->in_tx = true;
		c->nkeys = 0;
	}
	return rc;
}

enum adv_err
db_begin_read(struct db_conn *c)
{
	enum adv_err rc;

	if (c->in_tx || c->in_read)
		return ADV_OK;
	rc = db_run_begin(c, c->db->be->begin_read_sql);
	if (rc == ADV_OK)
		c->in_read = true;
	return rc;
}

unsigned
db_tx_count(struct db_conn *c, int64_t key)
{
	if (!c->in_tx)
		return 0;
	for (unsigned i = 0; i < c->nkeys; i++)
		if (c->keys[i] == key)
			return c->counts[i]++;
	if (c->nkeys < DB_TX_KEYS_MAX) {
		c->keys[c->nkeys] = key;
		c->counts[c->nkeys++] = 1;
	}
	return 0;
}

bool
db_tx_once(struct db_conn *c, int64_t key)
{
	return db_tx_count(c, key) == 0;
}

enum adv_err
db_notify(struct db_conn *c, const char *payload)
{
	size_t len = strlen(payload);
	struct db_note *n;

	if (len > DB_NOTIFY_MAX)
		return ADV_ETOOBIG;
	if (c->db->be->notify != NULL)
		return c->db->be->notify(c->impl, DB_NOTIFY_CHANNEL, payload);
	if ((n = malloc(sizeof(*n) + len + 1)) == NULL)
		return ADV_ENOMEM;
	memcpy(n->payload, payload, len + 1);
	n->next = NULL;
	*c->notes_tail = n;
	c->notes_tail = &n->next;
	if (!c->in_tx)
		db_notes_flush(c, true);
	return ADV_OK;
}

void
db_set_notify_hook(struct db *db, void (*fn)(void *ctx, const char *payload), void *ctx)
{
	pthread_mutex_lock(&db->mu);
	db->notify_fn = fn;
	db->notify_ctx = ctx;
	pthread_mutex_unlock(&db->mu);
}

bool
db_notify_is_shared(const struct db *db)
{
	return db->be->notify != NULL;
}

enum adv_err
db_commit(struct db_conn *c)
{
	enum adv_err rc = c->db->be->exec_script(c->impl, "COMMIT", NULL);

	if (rc != ADV_OK)
		db_rollback(c);
	c->in_tx = false;
	db_notes_flush(c, rc == ADV_OK);
	return rc;
}

void
db_rollback(struct db_conn *c)
{
	for (unsigned s = 0; s < DB_SQL_SLOTS_MAX; s++)
		if (c->stmts[s].impl != NULL)
			c->db->be->reset(c->stmts[s].impl);
	c->db->be->exec_script(c->impl, "ROLLBACK", NULL);
	c->in_tx = false;
	db_notes_flush(c, false);
}

bool
db_in_tx(const struct db_conn *c)
{
	return c->in_tx;
}

enum adv_err
db_exec_script(struct db_conn *c, const char *sql, struct adv_errbuf *eb)
{
	return c->db->be->exec_script(c->impl, sql, eb);
}

/* The slot of sql, assigned once for the whole process. */
static unsigned
db_sql_slot(struct db_sql *sql)
{
	unsigned slot = __atomic_load_n(&sql->slot, __ATOMIC_ACQUIRE);

	if (slot != 0)
		return slot;
	pthread_mutex_lock(&sql_slot_mu);
	slot = sql->slot;
	if (slot == 0) {
		slot = atomic_fetch_add(&sql_slot_next, 1);
		__atomic_store_n(&sql->slot, slot, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&sql_slot_mu);
	return slot;
}

enum adv_err
db_prepare(struct db_conn *c, struct db_sql *sql, struct db_stmt **out)
{
	unsigned slot = db_sql_slot(sql);
	struct db_stmt *st;
	enum adv_err rc;

	if (slot >= DB_SQL_SLOTS_MAX)
		return ADV_EINTERNAL;
	st = &c->stmts[slot];
	if (st->impl == NULL) {
		if ((rc = c->db->be->prepare(c->impl, sql->text, &st->impl)) != ADV_OK)
			return rc;
		st->conn = c;
	} else {
		c->db->be->reset(st->impl);
	}
	*out = st;
	return ADV_OK;
}

enum adv_err
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return st->conn->db->be->bind_int(st->impl, i, v);
}

enum adv_err
db_bind_double(struct db_stmt *st, int i, double v)
{
	return st->conn->db->be->bind_double(st->impl, i, v);
}

enum adv_err
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return st->conn->db->be->bind_null(st->impl, i);
	return st->conn->db->be->bind_text(st->impl, i, s);
}

enum adv_err
db_bind_text_ref(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return st->conn->db->be->bind_null(st->impl, i);
	return st->conn->db->be->bind_text_ref(st->impl, i, s);
}

enum adv_err
db_bind_null(struct db_stmt *st, int i)
{
	return st->conn->db->be->bind_null(st->impl, i);
}

enum adv_err
db_bind_id(struct db_stmt *st, int i, int64_t v)
{
	return v != 0 ? db_bind_int(st, i, v) : db_bind_null(st, i);
}

enum adv_err
db_step(struct db_stmt *st, bool *row)
{
	enum adv_err rc = st->conn->db->be->step(st->impl, row);

	if (rc != ADV_OK || !*row)
		st->conn->db->be->reset(st->impl);
	return rc;
}

enum adv_err
db_exec(struct db_stmt *st)
{
	bool row = false;
	enum adv_err rc;

	do
		rc = db_step(st, &row);
	while (rc == ADV_OK && row);
	return rc;
}

enum adv_err
db_exec_fenced(struct db_stmt *st)
{
	struct db_conn *c = st->conn;
	const struct db_backend *be = c->db->be;
	bool fence = be->error_aborts_tx && (c->in_tx || c->in_read);
	enum adv_err rc;

	if (fence && (rc = be->exec_script(c->impl, "SAVEPOINT db_fence", NULL)) != ADV_OK)
		return rc;
	rc = db_exec(st);
	if (fence && rc != ADV_OK)
		be->exec_script(c->impl, "ROLLBACK TO SAVEPOINT db_fence", NULL);
	if (fence)
		be->exec_script(c->impl, "RELEASE SAVEPOINT db_fence", NULL);
	return rc;
}

void
db_done(struct db_stmt *st)
{
	st->conn->db->be->reset(st->impl);
}

int64_t
db_changes(struct db_stmt *st)
{
	return st->conn->db->be->changes(st->conn->impl, st->impl);
}

bool
db_col_null(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_null(st->impl, i);
}

int64_t
db_col_int(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_int(st->impl, i);
}

double
db_col_double(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_double(st->impl, i);
}

const char *
db_col_text(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_text(st->impl, i);
}

size_t
db_col_bytes(struct db_stmt *st, int i)
{
	return st->conn->db->be->col_bytes(st->impl, i);
}

enum adv_err
db_backup(struct db *db, const char *path, struct adv_errbuf *eb)
{
	struct db_conn *c = NULL;
	enum adv_err rc;

	if (db->be->backup == NULL)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"backup works on SQLite only; back PostgreSQL up with pg_dump");
	if ((rc = db_acquire(db, &c)) != ADV_OK)
		return rc;
	rc = db->be->backup(c->impl, path, eb);
	db_release(db, c);
	return rc;
}

const char *
db_col_dup(struct db_stmt *st, struct arena *a, int i, bool *oom)
{
	const char *s = db_col_text(st, i);
	char *copy;

	/* A backend may give "" for NULL: ask only then, which keeps rows cheap. */
	if (s == NULL || (*s == '\0' && db_col_null(st, i)))
		return NULL;
	if ((copy = arena_strndup(a, s, db_col_bytes(st, i))) == NULL)
		*oom = true;
	return copy;
}
