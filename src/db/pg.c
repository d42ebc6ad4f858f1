/*
 * pg.c — the PostgreSQL backend: one libpq connection per pooled connection.
 *
 * Statements keep the common dialect's numbered parameters (?1, ?2, …),
 * rewritten to PostgreSQL's $1, $2, … once, and are prepared on the server
 * the first time they run on a connection (again after a reconnect). Values
 * travel as text and the server types them from their use in the statement;
 * results arrive whole and are read row by row, so that a connection may run
 * other statements while one is being read, as on SQLite.
 *
 * Writes are serialized the way SQLite's BEGIN IMMEDIATE serializes them: a
 * write transaction is READ COMMITTED and first takes one transaction-scoped
 * advisory lock, so every check a write makes before it writes sees every
 * write committed before it, on any node. Reads are REPEATABLE READ: one
 * snapshot for the whole request.
 *
 * A lost connection fails the statement with ADV_EUNAVAIL (the request
 * answers 503) and marks the connection broken; the pool revives it before
 * handing it out again. Serialization failures, deadlocks and a server
 * shutting down are ADV_EUNAVAIL too; constraint violations ADV_ECONFLICT.
 */
#include "db/db_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The key of the advisory lock every write transaction holds ("ADVW"). */
#define PG_WRITE_LOCK "1094993495"
#define PG_NUM_MAX    32
#define PG_TEXT_OID   25 /* pg_type.oid of text */

struct pg_conn {
	PGconn *pg;
	unsigned gen;	/* raised by each reconnect: statements prepared before are gone */
	unsigned nstmt; /* statements named on this connection so far */
	bool broken;
	int64_t changes; /* rows changed by the last statement that completed */
};

struct pg_stmt {
	struct pg_conn *conn;
	char *sql; /* the text with $n parameters, owned */
	char name[24];
	unsigned gen; /* conn->gen when prepared; 0 = not prepared on this connection */
	int nparams;
	const char **vals; /* [nparams]: parameter text, NULL = SQL NULL */
	char **owned;	   /* [nparams]: copies this statement frees */
	char (*num)[PG_NUM_MAX];
	Oid *types; /* [nparams]: 0 = typed by the server from the parameter's use */
	PGresult *res;
	int row; /* the current row of res, -1 before the first */
};

/* Connection parameters applied before the URL's own, which may override them. */
static const char *const pg_keys[] = {"connect_timeout", "application_name", "client_encoding",
				      "dbname", NULL};

/* Drops the server's notices ("relation already exists, skipping"): they are not errors. */
static void
pg_ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* libpq's message for pg on one line (its hints come on lines of their own), into out. */
static const char *
pg_message(PGconn *pg, char *out, size_t len)
{
	size_t n;

	snprintf(out, len, "%s", PQerrorMessage(pg));
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	return out;
}

/*
 * Sets up a new session. Statements are planned for their actual values
 * each time they run: the prepared plan chosen after a few runs would
 * otherwise be fixed while a table is still small (an import fills it inside
 * one transaction that statistics never see) and stay a full scan forever,
 * and the optional filters written "?n IS NULL OR col = ?n" only reach their
 * indexes when the planner sees which are NULL.
 */
static bool
pg_session_setup(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SET plan_cache_mode = force_custom_plan");
	bool ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	PQsetNoticeProcessor(pg, pg_ignore_notice, NULL);
	return ok;
}

/* Opens a connection to url into *out; ADV_EUNAVAIL with the reason in eb on failure. */
static enum adv_err
pg_connect(const char *url, PGconn **out, struct adv_errbuf *eb)
{
	const char *vals[] = {"5", "advocate", "UTF8", url, NULL};
	PGconn *pg = PQconnectdbParams(pg_keys, vals, 1);

	*out = NULL;
	if (pg == NULL)
		return adv_fail(eb, ADV_ENOMEM, NULL, "out of memory connecting to PostgreSQL");
	if (PQstatus(pg) != CONNECTION_OK) {
		char why[ADV_ERRMSG_MAX];

		adv_fail(eb, ADV_EUNAVAIL, NULL, "cannot connect to PostgreSQL: %s",
			 pg_message(pg, why, sizeof(why)));
		PQfinish(pg);
		return ADV_EUNAVAIL;
	}
	if (!pg_session_setup(pg)) {
		char why[ADV_ERRMSG_MAX];

		adv_fail(eb, ADV_EUNAVAIL, NULL, "cannot set up the PostgreSQL session: %s",
			 pg_message(pg, why, sizeof(why)));
		PQfinish(pg);
		return ADV_EUNAVAIL;
	}
	*out = pg;
	return ADV_OK;
}

/* Maps a failed result (or a failed send when res is NULL) to an error code. */
static enum adv_err
pg_error(struct pg_conn *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->broken = true;
		return ADV_EUNAVAIL;
	}
	if (state == NULL)
		return ADV_EDB;
	if (strncmp(state, "23", 2) == 0)
		return ADV_ECONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P0", 4) == 0 || strcmp(state, "53300") == 0)
		return ADV_EUNAVAIL;
	return ADV_EDB;
}

static enum adv_err
pg_open(const char *target, void **conn, struct adv_errbuf *eb)
{
	struct pg_conn *c = calloc(1, sizeof(*c));
	enum adv_err rc;

	if (c == NULL)
		return adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
	if ((rc = pg_connect(target, &c->pg, eb)) != ADV_OK) {
		free(c);
		return rc;
	}
	c->gen = 1;
	*conn = c;
	return ADV_OK;
}

static void
pg_close(void *conn)
{
	struct pg_conn *c = conn;

	PQfinish(c->pg);
	free(c);
}

/*
 * Reconnects a connection that was found broken; statements prepared on it
 * are prepared again on first use. ADV_EUNAVAIL while the server is away.
 */
static enum adv_err
pg_revive(void *conn)
{
	struct pg_conn *c = conn;

	if (!c->broken && PQstatus(c->pg) == CONNECTION_OK)
		return ADV_OK;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK || !pg_session_setup(c->pg)) {
		c->broken = true;
		return ADV_EUNAVAIL;
	}
	c->broken = false;
	c->gen++;
	return ADV_OK;
}

static enum adv_err
pg_exec_script(void *conn, const char *sql, struct adv_errbuf *eb)
{
	struct pg_conn *c = conn;
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	enum adv_err rc = ADV_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		char why[ADV_ERRMSG_MAX];

		rc = pg_error(c, res);
		adv_fail(eb, rc, NULL, "%s", pg_message(c->pg, why, sizeof(why)));
	}
	PQclear(res);
	return rc;
}

/* Copies sql with ?N turned into $N, outside quoted text; counts the parameters. */
static char *
pg_rewrite(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	char *out = malloc(n + 1), *o = out;
	char quote = 0;
	int max = 0;

	if (out == NULL)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int v = (int)strtol(p + 1, NULL, 10);

			if (v > max)
				max = v;
			*o++ = '$';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	*nparams = max;
	return out;
}

/* Frees a statement's parameter copies and its result. */
static void
pg_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->owned[i]);
		s->owned[i] = NULL;
		s->vals[i] = NULL;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
}

static void
pg_finalize(void *stmt)
{
	struct pg_stmt *s = stmt;

	if (s == NULL)
		return;
	pg_clear(s);
	free(s->sql);
	free(s->vals);
	free(s->owned);
	free(s->num);
	free(s->types);
	free(s);
}

static enum adv_err
pg_prepare(void *conn, const char *sql, void **stmt)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = calloc(1, sizeof(*s));
	size_t np;

	if (s == NULL || (s->sql = pg_rewrite(sql, &s->nparams)) == NULL)
		goto fail;
	np = s->nparams > 0 ? (size_t)s->nparams : 1;
	s->vals = calloc(np, sizeof(*s->vals));
	s->owned = calloc(np, sizeof(*s->owned));
	s->num = calloc(np, sizeof(*s->num));
	s->types = calloc(np, sizeof(*s->types));
	if (s->vals == NULL || s->owned == NULL || s->num == NULL || s->types == NULL)
		goto fail;
	s->conn = c;
	s->row = -1;
	snprintf(s->name, sizeof(s->name), "s%u", ++c->nstmt);
	*stmt = s;
	return ADV_OK;
fail:
	pg_finalize(s);
	return ADV_ENOMEM;
}

static void
pg_reset(void *stmt)
{
	pg_clear(stmt);
}

/* Sets parameter i (1-based) to v, freeing what it held; copy is owned when non-NULL. */
static enum adv_err
pg_set(struct pg_stmt *s, int i, const char *v, char *copy)
{
	if (i < 1 || i > s->nparams) {
		free(copy);
		return ADV_EINTERNAL;
	}
	free(s->owned[i - 1]);
	s->owned[i - 1] = copy;
	s->vals[i - 1] = v;
	return ADV_OK;
}

static enum adv_err
pg_bind_int(void *stmt, int i, int64_t v)
{
	struct pg_stmt *s = stmt;

	if (i < 1 || i > s->nparams)
		return ADV_EINTERNAL;
	snprintf(s->num[i - 1], PG_NUM_MAX, "%lld", (long long)v);
	return pg_set(s, i, s->num[i - 1], NULL);
}

static enum adv_err
pg_bind_double(void *stmt, int i, double v)
{
	struct pg_stmt *s = stmt;

	if (i < 1 || i > s->nparams)
		return ADV_EINTERNAL;
	snprintf(s->num[i - 1], PG_NUM_MAX, "%.17g", v);
	return pg_set(s, i, s->num[i - 1], NULL);
}

static enum adv_err
pg_bind_text(void *stmt, int i, const char *v)
{
	char *copy = strdup(v);

	if (copy == NULL)
		return ADV_ENOMEM;
	return pg_set(stmt, i, copy, copy);
}

static enum adv_err
pg_bind_text_ref(void *stmt, int i, const char *v)
{
	return pg_set(stmt, i, v, NULL);
}

static enum adv_err
pg_bind_null(void *stmt, int i)
{
	return pg_set(stmt, i, NULL, NULL);
}

/*
 * When res failed because the server could not tell a parameter's type from
 * its first use (as in "?3 IS NULL OR status = ?3"), declares that parameter
 * text and returns true: the statement can be prepared again.
 */
static bool
pg_type_untyped(struct pg_stmt *s, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *p = msg ? strstr(msg, "parameter $") : NULL;
	long n;

	if (state == NULL || p == NULL ||
	    (strcmp(state, "42P08") != 0 && strcmp(state, "42P18") != 0))
		return false;
	n = strtol(p + 11, NULL, 10);
	if (n < 1 || n > s->nparams || s->types[n - 1] != 0)
		return false;
	s->types[n - 1] = PG_TEXT_OID;
	return true;
}

/* Prepares s on its connection when it is not prepared there since the last reconnect. */
static enum adv_err
pg_ensure_prepared(struct pg_stmt *s)
{
	struct pg_conn *c = s->conn;
	PGresult *res;
	enum adv_err rc = ADV_OK;

	if (s->gen == c->gen)
		return ADV_OK;
	for (;;) {
		bool in_tx = PQtransactionStatus(c->pg) == PQTRANS_INTRANS;

		/* A failed PREPARE would abort the open transaction: fence it. */
		if (in_tx)
			PQclear(PQexec(c->pg, "SAVEPOINT adv_prepare"));
		res = PQprepare(c->pg, s->name, s->sql, s->nparams, s->types);
		if (in_tx)
			PQclear(PQexec(c->pg, PQresultStatus(res) == PGRES_COMMAND_OK
						  ? "RELEASE SAVEPOINT adv_prepare"
						  : "ROLLBACK TO SAVEPOINT adv_prepare"));
		if (!pg_type_untyped(s, res))
			break;
		PQclear(res);
	}
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_error(c, res);
		if (rc != ADV_EUNAVAIL)
			fprintf(stderr, "advocate: SQL prepare failed: %s: %s\n",
				PQerrorMessage(c->pg), s->sql);
	} else {
		s->gen = c->gen;
	}
	PQclear(res);
	return rc;
}

/* Runs s with its parameters and keeps the whole result. */
static enum adv_err
pg_run(struct pg_stmt *s)
{
	struct pg_conn *c = s->conn;
	ExecStatusType st;
	enum adv_err rc;

	if (c->broken)
		return ADV_EUNAVAIL;
	if ((rc = pg_ensure_prepared(s)) != ADV_OK)
		return rc;
	s->res = PQexecPrepared(c->pg, s->name, s->nparams, s->vals, NULL, NULL, 0);
	st = s->res ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = pg_error(c, s->res);
		if (rc == ADV_EDB)
			fprintf(stderr, "advocate: SQL step failed: %s: %s\n",
				PQerrorMessage(c->pg), s->sql);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	c->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
	return ADV_OK;
}

static enum adv_err
pg_step(void *stmt, bool *row)
{
	struct pg_stmt *s = stmt;
	enum adv_err rc;

	*row = false;
	if (s->res == NULL && (rc = pg_run(s)) != ADV_OK)
		return rc;
	s->row++;
	*row = s->row < PQntuples(s->res);
	return ADV_OK;
}

static int64_t
pg_changes(void *conn, void *stmt)
{
	(void)stmt;
	return ((struct pg_conn *)conn)->changes;
}

static bool
pg_col_null(void *stmt, int i)
{
	struct pg_stmt *s = stmt;

	return PQgetisnull(s->res, s->row, i);
}

static int64_t
pg_col_int(void *stmt, int i)
{
	struct pg_stmt *s = stmt;
	const char *v = PQgetvalue(s->res, s->row, i);

	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

static double
pg_col_double(void *stmt, int i)
{
	struct pg_stmt *s = stmt;

	return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *
pg_col_text(void *stmt, int i)
{
	struct pg_stmt *s = stmt;

	if (PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static size_t
pg_col_bytes(void *stmt, int i)
{
	struct pg_stmt *s = stmt;

	return (size_t)PQgetlength(s->res, s->row, i);
}

/* NOTIFY channel, payload: PostgreSQL delivers it to every listener when the transaction commits.
 */
static enum adv_err
pg_notify(void *conn, const char *channel, const char *payload)
{
	struct pg_conn *c = conn;
	const char *vals[2] = {channel, payload};
	PGresult *res;
	enum adv_err rc = ADV_OK;

	if (c->broken)
		return ADV_EUNAVAIL;
	res = PQexecParams(c->pg, "SELECT pg_notify($1, $2)", 2, NULL, vals, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(c, res);
	PQclear(res);
	return rc;
}

const struct db_backend db_backend_pg = {
    .kind = DB_PG,
    .open = pg_open,
    .close = pg_close,
    .revive = pg_revive,
    .exec_script = pg_exec_script,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_text_ref = pg_bind_text_ref,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .changes = pg_changes,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_bytes = pg_col_bytes,
    .backup = NULL,
    .notify = pg_notify,
    .error_aborts_tx = true,
    .begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED;"
		 " SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ",
};
