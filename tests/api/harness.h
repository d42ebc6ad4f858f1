/*
 * harness.h — the API test harness: starts the real server in-process on an
 * ephemeral loopback port over a fresh SQLite file in a temporary folder,
 * seeds two workspaces with a user of every role, and sends real HTTP
 * requests with libcurl.
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
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

#define HARNESS_PASSWORD "correct horse battery"

enum harness_user { U_ADMIN, U_OWNER, U_ANALYST, U_MANAGER, U_MANAGER2, U_VIEWER, U_OTHER, U__MAX };

struct harness {
	char dir[256];
	char dbpath[300];
	char base[64];
	struct db *db;
	struct server *srv;
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

/* Stops the server, closes the database, removes the temporary folder. */
void harness_stop(struct harness *h);

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

/* True when the problem document's errors[] has an entry with this pointer. */
int hresp_has_pointer(const struct hresp *r, const char *pointer);

/* Frees what a response holds. */
void hresp_free(struct hresp *r);

#endif
