/*
 * harness.c — the API test harness (see harness.h): fixtures, the server's
 * lifecycle on SQLite or PostgreSQL, and HTTP requests through libcurl.
 */
#include "harness.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/routes.h"
#include "core/identity.h"
#include "db/migrate.h"

static const char *const user_emails[U__MAX] = {
    [U_ADMIN] = "admin@example.test",	    [U_OWNER] = "owner@example.test",
    [U_ANALYST] = "analyst@example.test",   [U_MANAGER] = "manager@example.test",
    [U_MANAGER2] = "manager2@example.test", [U_VIEWER] = "viewer@example.test",
    [U_OTHER] = "other@example.test",
};

static const char *const user_roles[U__MAX] = {
    [U_ADMIN] = NULL,	     [U_OWNER] = "owner",      [U_ANALYST] = "analyst",
    [U_MANAGER] = "manager", [U_MANAGER2] = "manager", [U_VIEWER] = "viewer",
    [U_OTHER] = "owner",
};

/* Numbers the databases this process creates. */
static atomic_uint db_seq;

static void
die(const char *what)
{
	fprintf(stderr, "harness: %s\n", what);
	exit(1);
}

/* The maintenance URL of the test PostgreSQL server, or NULL when the run is on SQLite. */
static const char *
pg_admin_url(void)
{
	const char *url = getenv("ADVOCATE_TEST_PG");

	return url != NULL && *url != '\0' ? url : NULL;
}

const char *
harness_engine(void)
{
	return pg_admin_url() != NULL ? "postgres" : "sqlite";
}

/* Ignores the server's notices (such as DROP DATABASE IF EXISTS on a missing one). */
static void
pg_notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Runs one command on the maintenance database; aborts the test run on failure. */
static void
pg_admin_exec(const char *sql)
{
	PGconn *conn = PQconnectdb(pg_admin_url());
	PGresult *res = NULL;
	char msg[1024] = "";

	if (PQstatus(conn) != CONNECTION_OK) {
		snprintf(msg, sizeof(msg), "cannot connect to ADVOCATE_TEST_PG: %s",
			 PQerrorMessage(conn));
		goto out;
	}
	PQsetNoticeProcessor(conn, pg_notice_ignore, NULL);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		snprintf(msg, sizeof(msg), "%s: %s", sql, PQerrorMessage(conn));
out:
	PQclear(res);
	PQfinish(conn);
	if (msg[0] != '\0')
		die(msg);
}

/*
 * Finds the database name in a postgresql:// URL: *at is where "/NAME"
 * starts (or where it would go) and *end where the name ends (the '?' of the
 * parameters or the end). Returns 0, or -1 when url is no such URL.
 */
static int
pg_url_dbname(const char *url, size_t *at, size_t *end)
{
	const char *p = strstr(url, "://");

	if (p == NULL ||
	    (strncmp(url, "postgresql://", 13) != 0 && strncmp(url, "postgres://", 11) != 0))
		return -1;
	p += 3;
	*at = (size_t)(p - url) + strcspn(p, "/?");
	*end = *at + strcspn(url + *at, "?");
	return 0;
}

void
harness_db_new(const char *dir, char *url, size_t n)
{
	const char *admin = pg_admin_url();
	char name[64], sql[160];
	size_t at, end;
	int len;

	snprintf(name, sizeof(name), "adv_t_%ld_%u", (long)getpid(), atomic_fetch_add(&db_seq, 1));
	if (admin == NULL) {
		len = snprintf(url, n, "%s/%s.db", dir, name);
		if (len < 0 || (size_t)len >= n)
			die("database path too long");
		return;
	}
	if (pg_url_dbname(admin, &at, &end) != 0)
		die("ADVOCATE_TEST_PG is not a postgresql:// URL");
	len = snprintf(url, n, "%.*s/%s%s", (int)at, admin, name, admin + end);
	if (len < 0 || (size_t)len >= n)
		die("ADVOCATE_TEST_PG is too long");
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" TEMPLATE template0", name);
	pg_admin_exec(sql);
}

void
harness_db_drop(const char *url)
{
	char sql[160];
	size_t at, end;

	if (pg_admin_url() == NULL || pg_url_dbname(url, &at, &end) != 0)
		return;
	if (url[at] != '/' || end - at - 1 >= 64 || strncmp(url + at + 1, "adv_t_", 6) != 0)
		die("not a test database");
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%.*s\" WITH (FORCE)",
		 (int)(end - at - 1), url + at + 1);
	pg_admin_exec(sql);
}

/* Creates the fixtures through the core functions. */
static void
seed(struct harness *h)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c;
	struct arena a;

	arena_init(&a, 0);
	if (db_acquire(h->db, &c) != ADV_OK)
		die("no connection");
	if (identity_workspace_add(c, "acme", "Acme Supply", &h->ws_acme, &eb) != ADV_OK ||
	    identity_workspace_add(c, "other", "Other Co", &h->ws_other, &eb) != ADV_OK)
		die(eb.msg);
	for (int u = 0; u < U__MAX; u++) {
		const char *token;

		h->email[u] = user_emails[u];
		if (identity_user_add(c, user_emails[u], user_emails[u], HARNESS_PASSWORD,
				      u == U_ADMIN, &h->user_id[u], &eb) != ADV_OK)
			die(eb.msg);
		if (user_roles[u] != NULL &&
		    identity_membership_set(c, u == U_OTHER ? h->ws_other : h->ws_acme,
					    h->user_id[u], role_parse(user_roles[u])) != ADV_OK)
			die("membership");
		if (identity_token_create(c, &a, user_emails[u], "test", &token, &eb) != ADV_OK)
			die(eb.msg);
		snprintf(h->token[u], sizeof(h->token[u]), "%s", token);
	}
	db_release(h->db, c);
	arena_free(&a);
}

/* Starts the server with cfg over a freshly seeded database. */
static struct harness *
harness_start_cfg(struct server_config cfg)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct adv_errbuf eb = {{0}, {0}};
	const struct route *routes;
	unsigned nroutes, applied;
	const char *tmp = getenv("TMPDIR");

	if (h == NULL)
		die("out of memory");
	snprintf(h->dir, sizeof(h->dir), "%s/advocate-test-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(h->dir) == NULL)
		die("mkdtemp");
	harness_db_new(h->dir, h->dburl, sizeof(h->dburl));
	if (db_open(h->dburl, 4, &h->db, &eb) != ADV_OK ||
	    migrate_apply(h->db, &applied, &eb) != ADV_OK)
		die(eb.msg);
	seed(h);
	h->cfg = cfg;
	routes = api_routes(&nroutes);
	if (server_start(&h->cfg, h->db, routes, nroutes, &h->srv, &eb) != ADV_OK)
		die(eb.msg);
	h->port = server_port(h->srv);
	snprintf(h->base, sizeof(h->base), "http://127.0.0.1:%u", h->port);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return h;
}

/* The configuration tests run with unless they say otherwise. */
static struct server_config
harness_config(void)
{
	struct server_config cfg = {
	    .listen = "127.0.0.1:0",
	    .threads = 2,
	    .body_max = HTTP_BODY_MAX_DEFAULT,
	    .body_raw_max = 8u * 1024u * 1024u,
	    .conn_timeout = 30,
	    .conn_limit = 256,
	    .per_ip_limit = 128,
	    .conn_memory = 64 * 1024,
	    .session_idle = 3600,
	    .session_max = 86400,
	    .access_log = getenv("HARNESS_ACCESS_LOG") != NULL,
	};

	return cfg;
}

struct harness *
harness_start(size_t body_max)
{
	struct server_config cfg = harness_config();

	if (body_max != 0) {
		cfg.body_max = body_max;
		cfg.body_raw_max = body_max * 4;
	}
	return harness_start_cfg(cfg);
}

struct harness *
harness_start_sessions(unsigned idle_s, unsigned max_s)
{
	struct server_config cfg = harness_config();

	cfg.session_idle = idle_s;
	cfg.session_max = max_s;
	return harness_start_cfg(cfg);
}

struct harness *
harness_start_proxy(const char *trusted)
{
	struct server_config cfg = harness_config();

	cfg.trusted_proxy = trusted;
	return harness_start_cfg(cfg);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct harness *
harness_attach(struct harness *h)
{
	struct harness *n = malloc(sizeof(*n));
	struct adv_errbuf eb = {{0}, {0}};
	const struct route *routes;
	unsigned nroutes;

	if (n == NULL)
		die("out of memory");
	*n = *h;
	n->attached = true;
	n->db = NULL;
	n->srv = NULL;
	if (db_open(n->dburl, 4, &n->db, &eb) != ADV_OK)
		die(eb.msg);
	routes = api_routes(&nroutes);
	if (server_start(&n->cfg, n->db, routes, nroutes, &n->srv, &eb) != ADV_OK)
		die(eb.msg);
	n->port = server_port(n->srv);
	snprintf(n->base, sizeof(n->base), "http://127.0.0.1:%u", n->port);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return n;
}

void
harness_stop(struct harness *h)
{
	if (h == NULL)
		return;
	server_stop(h->srv, 2000);
	db_close(h->db);
	if (!h->attached) {
		harness_db_drop(h->dburl);
		nftw(h->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	curl_global_cleanup();
	free(h);
}

int
harness_sql_exec(struct harness *h, const char *sql)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	enum adv_err rc;

	if ((rc = db_acquire(h->db, &c)) != ADV_OK) {
		fprintf(stderr, "harness_sql_exec: no connection: %s\n", adv_strerror(rc));
		goto out;
	}
	rc = db_exec_script(c, sql, &eb);
	if (rc != ADV_OK)
		fprintf(stderr, "harness_sql_exec: %s\n", eb.msg);
	db_release(h->db, c);
out:
	return (int)rc;
}

struct sink {
	char *p;
	size_t len;
};

static size_t
sink_write(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;
	char *p = realloc(s->p, s->len + n + 1);

	if (p == NULL)
		return 0;
	memcpy(p + s->len, data, n);
	s->p = p;
	s->len += n;
	s->p[s->len] = '\0';
	return n;
}

int
hreq(struct harness *h, const char *method, const char *path, int user, const char *ctype,
     const void *body, size_t len, const char *const *headers, struct hresp *out)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct sink sb = {NULL, 0}, sh = {NULL, 0};
	char url[2048], line[256];
	CURLcode cc;

	memset(out, 0, sizeof(*out));
	if (curl == NULL)
		return -1;
	snprintf(url, sizeof(url), "%s%s", h->base, path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	if (ctype != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, line);
	}
	if (user >= 0 && user < U__MAX) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", h->token[user]);
		hl = curl_slist_append(hl, line);
	}
	hl = curl_slist_append(hl, "Expect:");
	for (const char *const *p = headers; p != NULL && *p != NULL; p++)
		hl = curl_slist_append(hl, *p);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sb);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink_write);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sh);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	cc = curl_easy_perform(curl);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
		out->body = sb.p ? sb.p : calloc(1, 1);
		out->len = sb.len;
		out->headers = sh.p ? sh.p : calloc(1, 1);
		out->json = json_loadb(out->body, out->len, 0, NULL);
	} else {
		free(sb.p);
		free(sh.p);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(curl);
	return cc == CURLE_OK ? 0 : -1;
}

long
hjson(struct harness *h, const char *method, const char *path, int user, const char *json,
      struct hresp *out)
{
	if (hreq(h, method, path, user, json ? "application/json" : NULL, json,
		 json ? strlen(json) : 0, NULL, out) != 0)
		return -1;
	return out->status;
}

long
hjsonf(struct harness *h, const char *method, int user, const char *json, struct hresp *out,
       const char *path_fmt, ...)
{
	char path[1024];
	va_list ap;

	va_start(ap, path_fmt);
	vsnprintf(path, sizeof(path), path_fmt, ap);
	va_end(ap);
	return hjson(h, method, path, user, json, out);
}

int
hrun(char **out, const char *fmt, ...)
{
	char cmd[4096];
	char buf[4096];
	size_t len = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	*out = calloc(1, 1);
	while (*out != NULL && fgets(buf, sizeof(buf), p) != NULL) {
		size_t n = strlen(buf);
		char *grown = realloc(*out, len + n + 1);

		if (grown == NULL)
			break;
		*out = grown;
		memcpy(*out + len, buf, n + 1);
		len += n;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

json_t *
hcall(struct harness *h, const char *method, const char *path, int user, const char *body,
      const char *const *hdrs, long status)
{
	struct hresp r;
	json_t *j;

	assert_int_equal(hreq(h, method, path, user, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, &r),
			 0);
	if (r.status != status)
		fprintf(stderr, "# %s %s: %ld %s\n", method, path, r.status, r.body);
	assert_int_equal(r.status, status);
	j = r.json ? json_incref(r.json) : NULL;
	hresp_free(&r);
	return j;
}

char *
hresp_header(const struct hresp *r, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = r->headers; p != NULL && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n;

			while (*v == ' ')
				v++;
			n = strcspn(v, "\r\n");
			return strndup(v, n);
		}
	}
	return NULL;
}

unsigned
hresp_header_count(const struct hresp *r, const char *name)
{
	size_t nl = strlen(name);
	unsigned n = 0;

	for (const char *p = r->headers; p != NULL && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':')
			n++;
	return n;
}

int
hresp_has_pointer(const struct hresp *r, const char *pointer)
{
	json_t *errs = r->json ? json_object_get(r->json, "errors") : NULL;
	size_t i;
	json_t *e;

	json_array_foreach(errs, i, e)
	{
		const char *p = json_string_value(json_object_get(e, "pointer"));

		if (p != NULL && strcmp(p, pointer) == 0)
			return 1;
	}
	return 0;
}

void
hresp_free(struct hresp *r)
{
	free(r->body);
	free(r->headers);
	if (r->json != NULL)
		json_decref(r->json);
	memset(r, 0, sizeof(*r));
}
