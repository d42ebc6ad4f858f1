/*
 * harness.h — the API test harness: starts the real server in-process on an
 * ephemeral loopback port over a fresh database, seeds two workspaces with a
 * user of every role, and sends real HTTP requests with libcurl.
 *
 * The engine: SQLite (a file in a temporary folder) by default; PostgreSQL
 * when the environment variable ADVOCATE_TEST_PG holds the URL of a server's
 * maintenance database (scripts/pg_temp.sh prints one): each harness then
 * gets a database of its own, adv_t_<pid>_<n>, created from template0 and
 * dropped by harness_stop. Tests reach the database only through h->dburl
 * and the db API (harness_sql_exec), so the same test runs on both engines.
 *
 * Fixtures: workspace "acme" with users admin@example.test (instance admin),
 * owner@, analyst@, manager@, manager2@, viewer@example.test; workspace
 * "other" with other@example.test (owner there, no role in acme). Every user's
 * password is HARNESS_PASSWORD and each has an API token in h->token[].
 */
#ifndef ADV_TESTS_HARNESS_H
#define ADV_TESTS_HARNESS_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

#define HARNESS_PASSWORD "correct horse battery"

enum harness_user { U_ADMIN, U_OWNER, U_ANALYST, U_MANAGER, U_MANAGER2, U_VIEWER, U_OTHER, U__MAX };

struct harness {
	char dir[256];	 /* temporary folder for the test's files (and the SQLite file) */
	char dburl[512]; /* the database: what db_open and the CLI's --db take */
	char base[64];	 /* http://127.0.0.1:PORT */
	struct db *db;	 /* this node's pool (4 connections), shared with its server */
	struct server *srv;
	struct server_config cfg;
	bool attached; /* a second node made by harness_attach */
	unsigned port;
	int64_t ws_acme;
	int64_t ws_other;
	char token[U__MAX][80];
	const char *email[U__MAX];
	int64_t user_id[U__MAX];
};

struct hresp {
	long status;
	char *body; /* NUL-terminated, owned (hresp_free) */
	size_t len;
	char *headers; /* raw header block, owned */
	json_t *json;  /* parsed body when it is JSON, else NULL; owned */
};

/* Starts a harness with the given server body limit (0 = default); aborts the test run on failure.
 */
struct harness *harness_start(size_t body_max);

/* As harness_start, with session idle and absolute expiry in seconds. */
struct harness *harness_start_sessions(unsigned idle_s, unsigned max_s);

/*
 * As harness_start, with the server's trusted proxies (server_config
 * trusted_proxy, e.g. "127.0.0.1"; a string that outlives the harness, such
 * as a literal): requests then name their client in X-Forwarded-For.
 */
struct harness *harness_start_proxy(const char *trusted);

/*
 * A second application node on h's database, as when several `advocate
 * serve` processes share one PostgreSQL: its own pool (4 connections to
 * h->dburl) and its own server with h's configuration on another port, no
 * seeding. The fixture fields (workspace ids, tokens, emails, user ids) are
 * copied, so hreq/hcall work against it as against h. Works on SQLite too
 * (a second pool on the same file). Stop it with harness_stop before h.
 * Aborts the test run on failure.
 */
struct harness *harness_attach(struct harness *h);

/*
 * Stops the server and closes the pool; for a harness from harness_start also
 * drops its PostgreSQL database and removes the temporary folder (an attached
 * node leaves both to the harness it was attached to). NULL is ignored.
 */
void harness_stop(struct harness *h);

/* The engine the harnesses of this run use: "sqlite" or "postgres" (ADVOCATE_TEST_PG set). */
const char *harness_engine(void);

/*
 * Runs SQL text without parameters or result rows (several statements
 * allowed) on a connection of h's pool, e.g. to write behind the server's
 * back. The SQL must be valid on both engines (plain BEGIN; …; COMMIT;, not
 * BEGIN IMMEDIATE). Returns 0, or the adv_err code after printing the
 * database's message on stderr.
 */
int harness_sql_exec(struct harness *h, const char *sql);

/*
 * Creates a fresh, empty database (no migrations) for a test that drives the
 * CLI itself, and writes its URL into url (n bytes): on PostgreSQL a new
 * database adv_t_<pid>_<n>, else the file dir/adv_t_<pid>_<n>.db. Aborts the
 * test run on failure. Release it with harness_db_drop.
 */
void harness_db_new(const char *dir, char *url, size_t n);

/*
 * Drops a database made by harness_db_new when it is a PostgreSQL one (a
 * SQLite file goes with its folder); aborts the test run on failure.
 */
void harness_db_drop(const char *url);

/*
 * Sends method path (relative to the server) with optional body and extra
 * header lines ("Name: value", NULL-terminated list, may be NULL). Auth: a
 * user's bearer token when user < U__MAX, none when user == U__MAX. Returns
 * 0 on transport success; the response goes to *out (free with hresp_free).
 */
int hreq(struct harness *h, const char *method, const char *path, int user, const char *ctype,
	 const void *body, size_t len, const char *const *headers, struct hresp *out);

/* hreq with a JSON body given as text (NULL for no body). Returns the status, or -1. */
long hjson(struct harness *h, const char *method, const char *path, int user, const char *json,
	   struct hresp *out);

/* hjson with a printf-formatted path. */
long hjsonf(struct harness *h, const char *method, int user, const char *json, struct hresp *out,
	    const char *path_fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Sends method path as user with a JSON body (may be NULL) and extra header
 * lines (may be NULL), and asserts (cmocka) that the answer has status.
 * Returns the answer's JSON (a new reference the caller releases), or NULL
 * when the body was not JSON.
 */
json_t *hcall(struct harness *h, const char *method, const char *path, int user, const char *body,
	      const char *const *hdrs, long status);

/*
 * Runs a shell command line made from fmt (cmocka-asserts that it starts);
 * returns its exit status (-1 when it did not exit) and its standard output
 * in *out, a malloc'ed string the caller frees.
 */
int hrun(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value of response header name (case-insensitive) in a malloc'ed string, or NULL. */
char *hresp_header(const struct hresp *r, const char *name);

/* How many times response header name (case-insensitive) occurs in r. */
unsigned hresp_header_count(const struct hresp *r, const char *name);

/* True when the problem document's errors[] has an entry with this pointer. */
int hresp_has_pointer(const struct hresp *r, const char *pointer);

/* Frees what a response holds. */
void hresp_free(struct hresp *r);

#endif
