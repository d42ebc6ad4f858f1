/*
 * test_copy.c — `advocate backup` and `advocate copy` as an operator runs
 * them: a backup of a SQLite database taken while clients keep writing (it
 * opens, passes integrity_check, has the schema and a consistent snapshot),
 * refusing an existing file and PostgreSQL; a copy of the demo deployment
 * into a fresh database (PostgreSQL when ADVOCATE_TEST_PG is set, else
 * SQLite) that servers on source and target then answer byte for byte alike,
 * with exact doubles, id sequences that go on past the copied ids, and a
 * round trip back; refusals (a target with data, an old source schema, bad
 * URLs) that leave the target as it was; --replace; checksums that notice a
 * one-ulp change; and the copy's table of columns checked against the
 * migrated schema.
 */
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/copy.h"
#include "db/migrate.h"
#include "harness.h"

#define WRITERS	      3	    /* threads creating accounts during the backup */
#define WRITES_BEFORE 30    /* accounts created before the backup starts */
#define SERVE_WAIT_MS 10000 /* how long a spawned server may take to listen */
#define URL_MAX	      512
#define TARGETS_MAX   16	  /* databases made by harness_db_new, dropped at the end */
#define LOSSY_REVENUE (0.1 + 0.2) /* 0.30000000000000004: "%.15g" would say 0.3 */
#define DEMO_WS	      "/api/v1/workspaces/demo"

static const char *bin;
static char dir[256];
static char src_url[URL_MAX]; /* the demo deployment, a SQLite file */
static char src_token[128];   /* an API token of the demo's owner */
static int64_t lossy_id;      /* the source account whose revenue is LOSSY_REVENUE */
static char targets[TARGETS_MAX][URL_MAX];
static int ntargets;

/* A server on some database: an `advocate serve` process, reached through hreq. */
struct node {
	pid_t pid;
	struct harness h; /* base and token[U_OWNER] only */
};

/* A fresh empty database (dropped at the end); its URL in url. */
static void
target_new(char *url)
{
	assert_true(ntargets < TARGETS_MAX);
	harness_db_new(dir, targets[ntargets], URL_MAX);
	snprintf(url, URL_MAX, "%s", targets[ntargets++]);
}

/* Runs SQL text (no results) on the database at url. */
static void
sql_exec(const char *url, const char *sql)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct db *db = NULL;

	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	if (db_exec_script(c, sql, &eb) != ADV_OK)
		fail_msg("%s: %s", sql, eb.msg);
	db_release(db, c);
	db_close(db);
}

/* The row counts and checksums of every table of the database at url. */
static void
sums_of(const char *url, struct copy_sum *out)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db *db = NULL;

	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	if (copy_checksums(db, out, &eb) != ADV_OK)
		fail_msg("checksums of %s: %s", url, eb.msg);
	db_close(db);
}

/* Asserts that two sets of sums are equal, naming the first table that is not. */
static void
assert_sums_equal(const struct copy_sum *a, const struct copy_sum *b)
{
	for (int t = 0; t < COPY_TABLE__MAX; t++)
		if (a[t].rows != b[t].rows || a[t].checksum != b[t].checksum)
			fail_msg("table %s: %lld rows %016llx against %lld rows %016llx",
				 copy_table_name((enum copy_table)t), (long long)a[t].rows,
				 (unsigned long long)a[t].checksum, (long long)b[t].rows,
				 (unsigned long long)b[t].checksum);
}

/* Asserts that a and b differ in table t only. */
static void
assert_sums_differ_in(const struct copy_sum *a, const struct copy_sum *b, enum copy_table t)
{
	for (int i = 0; i < COPY_TABLE__MAX; i++) {
		bool same = a[i].rows == b[i].rows && a[i].checksum == b[i].checksum;

		if (same != (i != (int)t))
			fail_msg("table %s %s", copy_table_name((enum copy_table)i),
				 same ? "did not change" : "changed");
	}
}

/* One integer the query sql (bound with ?1 = arg when arg >= 0) answers on the database at url. */
static int64_t
query_int(const char *url, struct db_sql *sql, int64_t arg)
{
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct db_stmt *st;
	struct db *db = NULL;
	bool row = false;
	int64_t v;

	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, sql, &st), ADV_OK);
	if (arg >= 0)
		db_bind_int(st, 1, arg);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	v = db_col_int(st, 0);
	db_done(st);
	db_release(db, c);
	db_close(db);
	return v;
}

/* The revenue of account id in the database at url, read as a double. */
static double
revenue_of(const char *url, int64_t id)
{
	static struct db_sql sql = DB_SQL("SELECT revenue FROM accounts WHERE id = ?1");
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct db_stmt *st;
	struct db *db = NULL;
	bool row = false;
	double v;

	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	v = db_col_double(st, 0);
	db_done(st);
	db_release(db, c);
	db_close(db);
	return v;
}

/* Sets the revenue of account id in the database at url (bound as a double). */
static void
revenue_set(const char *url, int64_t id, double v)
{
	static struct db_sql sql = DB_SQL("UPDATE accounts SET revenue = ?1 WHERE id = ?2");
	struct adv_errbuf eb = {{0}, {0}};
	struct db_conn *c = NULL;
	struct db_stmt *st;
	struct db *db = NULL;

	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_double(st, 1, v);
	db_bind_int(st, 2, id);
	assert_int_equal(db_exec(st), ADV_OK);
	db_release(db, c);
	db_close(db);
}

/* Accounts minus account creations in the audit log: 0 in any consistent snapshot. */
static int64_t
audit_gap(const char *url)
{
	static struct db_sql sql =
	    DB_SQL("SELECT (SELECT COUNT(*) FROM accounts) - (SELECT COUNT(*) FROM audit_log "
		   "WHERE entity_type = 'account' AND action = 'create')");

	return query_int(url, &sql, -1);
}

/* Starts `advocate serve` on url, waits for its port; token becomes its U_OWNER token. */
static void
node_start(struct node *n, const char *url, const char *token, const char *name)
{
	char log[512], text[4096];
	const char *p;
	unsigned port = 0;

	snprintf(log, sizeof(log), "%s/%s.log", dir, name);
	n->pid = fork();
	assert_true(n->pid >= 0);
	if (n->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);

		dup2(fd, 2);
		dup2(null, 1);
		execl(bin, bin, "serve", "--db", url, "--listen", "127.0.0.1:0", "--no-access-log",
		      (char *)NULL);
		_exit(127);
	}
	for (int waited = 0; port == 0 && waited < SERVE_WAIT_MS; waited += 20) {
		FILE *f = fopen(log, "r");
		size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (f != NULL)
			fclose(f);
		text[len] = '\0';
		if ((p = strstr(text, "(port ")) != NULL)
			port = (unsigned)strtoul(p + 6, NULL, 10);
		else
			usleep(20 * 1000);
	}
	if (port == 0)
		fail_msg("advocate serve on %s did not start: %s", url, text);
	memset(&n->h, 0, sizeof(n->h));
	n->h.port = port;
	snprintf(n->h.base, sizeof(n->h.base), "http://127.0.0.1:%u", port);
	snprintf(n->h.token[U_OWNER], sizeof(n->h.token[U_OWNER]), "%s", token);
}

/* Stops a server started by node_start (SIGTERM) and asserts it exited cleanly. */
static void
node_stop(struct node *n)
{
	int st = 0;

	kill(n->pid, SIGTERM);
	assert_int_equal(waitpid(n->pid, &st, 0), n->pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Seeds the demo into the database at url and writes an API token of its owner to token. */
static void
demo_with_token(const char *url, char *token, size_t n)
{
	char *out;

	assert_int_equal(hrun(&out, "%s --db '%s' demo", bin, url), 0);
	free(out);
	assert_int_equal(hrun(&out,
			      "%s --db '%s' token create --email demo@advocate.local --label copy",
			      bin, url),
			 0);
	out[strcspn(out, "\n")] = '\0';
	assert_true(strncmp(out, "adv_", 4) == 0);
	snprintf(token, n, "%s", out);
	free(out);
}

/* Whole contents of the file at path (malloc'ed, *len bytes), or NULL when it cannot be read. */
static char *
file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size + 1)) != NULL)
		*len = fread(data, 1, (size_t)size, f);
	fclose(f);
	return data;
}

/* How many files match pattern (glob). */
static size_t
glob_count(const char *pattern)
{
	glob_t g;
	size_t n;

	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

static int
group_setup(void **state)
{
	static struct db_sql first_with_revenue =
	    DB_SQL("SELECT MIN(id) FROM accounts WHERE revenue IS NOT NULL");

	(void)state;
	bin = getenv("ADVOCATE_BIN");
	if (bin == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/advocate-copy-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(src_url, sizeof(src_url), "sqlite:%s/source.db", dir);
	demo_with_token(src_url, src_token, sizeof(src_token));
	lossy_id = query_int(src_url, &first_with_revenue, -1);
	revenue_set(src_url, lossy_id, LOSSY_REVENUE);
	return 0;
}

static int
group_teardown(void **state)
{
	char *out;

	(void)state;
	for (int i = 0; i < ntargets; i++)
		harness_db_drop(targets[i]);
	hrun(&out, "rm -rf '%s'", dir);
	free(out);
	curl_global_cleanup();
	return 0;
}

/*
 * The copy's table against the migrated schema (SQLite's catalogue): the
 * same tables, the same columns in the same order with matching types, and
 * every table after the tables it references. The seed_* tables are not
 * data (migrations fill them on every database) and are not copied.
 */
static void
test_copy_table_matches_schema(void **state)
{
	static struct db_sql cols =
	    DB_SQL("SELECT m.name, p.cid, p.name, p.type FROM sqlite_master m, "
		   "pragma_table_info(m.name) p "
		   "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> "
		   "'schema_migrations' AND m.name NOT LIKE 'seed!_%' ESCAPE '!' "
		   "ORDER BY m.name, p.cid");
	static struct db_sql fks =
	    DB_SQL("SELECT m.name, f.\"table\" FROM sqlite_master m, "
		   "pragma_foreign_key_list(m.name) f WHERE m.type = 'table'");
	struct adv_errbuf eb = {{0}, {0}};
	unsigned seen[COPY_TABLE__MAX] = {0}, applied = 0;
	char url[URL_MAX];
	struct db_conn *c = NULL;
	struct db_stmt *st;
	struct db *db = NULL;
	bool row = false;

	(void)state;
	snprintf(url, sizeof(url), "sqlite:%s/schema.db", dir);
	assert_int_equal(db_open(url, 1, &db, &eb), ADV_OK);
	assert_int_equal(migrate_apply(db, &applied, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &cols, &st), ADV_OK);
	while (db_step(st, &row) == ADV_OK && row) {
		const char *table = db_col_text(st, 0), *type = db_col_text(st, 3), *name;
		unsigned cid = (unsigned)db_col_int(st, 1);
		enum copy_type want, have;
		int t = 0;

		while (t < COPY_TABLE__MAX && strcmp(copy_table_name((enum copy_table)t), table))
			t++;
		if (t == COPY_TABLE__MAX)
			fail_msg("table %s is not copied (src/core/copy.c)", table);
		want = strstr(type, "INT")	? COPY_INT
		       : strstr(type, "DOUBLE") ? COPY_DOUBLE
						: COPY_TEXT;
		name = copy_column((enum copy_table)t, cid, &have);
		if (name == NULL || strcmp(name, db_col_text(st, 2)) != 0 || have != want)
			fail_msg("%s column %u is %s %s; the copy has %s of type %d, wants type %d",
				 table, cid, db_col_text(st, 2), type, name ? name : "nothing",
				 name ? (int)have : -1, (int)want);
		seen[t]++;
	}
	for (int t = 0; t < COPY_TABLE__MAX; t++)
		if (seen[t] == 0 || copy_column((enum copy_table)t, seen[t], NULL) != NULL)
			fail_msg("the copy's table %s does not match the schema",
				 copy_table_name((enum copy_table)t));
	assert_int_equal(db_prepare(c, &fks, &st), ADV_OK);
	while (db_step(st, &row) == ADV_OK && row) {
		int child = -1, parent = -1;

		for (int t = 0; t < COPY_TABLE__MAX; t++) {
			if (strcmp(copy_table_name((enum copy_table)t), db_col_text(st, 0)) == 0)
				child = t;
			if (strcmp(copy_table_name((enum copy_table)t), db_col_text(st, 1)) == 0)
				parent = t;
		}
		if (parent < 0 || child <= parent)
			fail_msg("%s references %s, which is not copied before it",
				 db_col_text(st, 0), db_col_text(st, 1));
	}
	db_release(db, c);
	db_close(db);
}

/* A client creating accounts over HTTP until told to stop. */
struct writer {
	struct harness *h;
	const char *ws;
	int index;
	atomic_int *created; /* shared by all writers */
	atomic_bool *stop;
	int failures;
};

static void *
writer_run(void *arg)
{
	struct writer *w = arg;
	char path[128], body[128];
	struct hresp r;

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/accounts", w->ws);
	for (int i = 0; !atomic_load(w->stop); i++) {
		snprintf(body, sizeof(body), "{\"name\":\"Писатель %d-%d\",\"revenue\":%d.25}",
			 w->index, i, i);
		if (hjson(w->h, "POST", path, U_OWNER, body, &r) == 201)
			atomic_fetch_add(w->created, 1);
		else
			w->failures++;
		hresp_free(&r);
	}
	return NULL;
}

/*
 * Backs up the SQLite database at url while WRITERS clients create accounts
 * in workspace ws through the server of h, and checks the copy.
 */
static void
backup_while_writing(struct harness *h, const char *url, const char *ws)
{
	static struct db_sql integrity = DB_SQL("PRAGMA integrity_check");
	struct adv_errbuf eb = {{0}, {0}};
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	atomic_int created = 0;
	atomic_bool stop = false;
	struct copy_sum before[COPY_TABLE__MAX], after[COPY_TABLE__MAX], copy[COPY_TABLE__MAX];
	char out_path[512], pattern[600], copy_url[600];
	char *out, *data, *again;
	size_t len, len2;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct db_stmt *st;
	unsigned version = 0;
	bool row = false;

	snprintf(out_path, sizeof(out_path), "%s/backup-%s.db", dir, ws);
	sums_of(url, before);
	assert_int_equal(audit_gap(url), 0);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){h, ws, i, &created, &stop, 0};
		assert_int_equal(pthread_create(&th[i], NULL, writer_run, &w[i]), 0);
	}
	while (atomic_load(&created) < WRITES_BEFORE)
		usleep(5 * 1000);
	assert_int_equal(hrun(&out, "%s --db '%s' backup --out '%s' 2>&1", bin, url, out_path), 0);
	assert_non_null(strstr(out, out_path));
	assert_non_null(strstr(out, "schema version"));
	free(out);
	usleep(50 * 1000); /* a few more writes after the copy */
	atomic_store(&stop, true);
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	sums_of(url, after);
	assert_int_equal(after[COPY_ACCOUNTS].rows,
			 before[COPY_ACCOUNTS].rows + atomic_load(&created));

	/* The copy opens, is intact, has the schema and a snapshot between start and end. */
	snprintf(copy_url, sizeof(copy_url), "sqlite:%s", out_path);
	assert_int_equal(db_open(copy_url, 1, &db, &eb), ADV_OK);
	assert_int_equal(db_acquire(db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &integrity, &st), ADV_OK);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	assert_string_equal(db_col_text(st, 0), "ok");
	db_done(st);
	db_release(db, c);
	assert_int_equal(migrate_current(db, &version, &eb), ADV_OK);
	assert_int_equal(version, migrate_latest());
	db_close(db);
	sums_of(copy_url, copy);
	assert_in_range(copy[COPY_ACCOUNTS].rows, before[COPY_ACCOUNTS].rows + WRITES_BEFORE,
			after[COPY_ACCOUNTS].rows);
	assert_int_equal(copy[COPY_USERS].rows, after[COPY_USERS].rows);
	assert_int_equal(audit_gap(copy_url), 0); /* every account with its audit row */
	snprintf(pattern, sizeof(pattern), "%s.tmp-*", out_path);
	assert_int_equal(glob_count(pattern), 0);

	/* An existing file is refused and left alone. */
	data = file_read(out_path, &len);
	assert_non_null(data);
	assert_int_equal(hrun(&out, "%s --db '%s' backup --out '%s' 2>&1", bin, url, out_path), 1);
	assert_non_null(strstr(out, out_path));
	assert_non_null(strstr(out, "exists"));
	free(out);
	again = file_read(out_path, &len2);
	assert_non_null(again);
	assert_int_equal(len, len2);
	assert_memory_equal(data, again, len);
	assert_int_equal(glob_count(pattern), 0);
	free(data);
	free(again);
}

static void
test_backup_while_writing(void **state)
{
	struct harness *h = harness_start(0);
	char path[512], url[URL_MAX], token[128], *out;
	struct node n;

	(void)state;
	if (strcmp(harness_engine(), "postgres") == 0) {
		/* PostgreSQL has pg_dump; a SQLite deployment served by `advocate serve` instead */
		snprintf(path, sizeof(path), "%s/pg-backup.db", dir);
		assert_int_equal(
		    hrun(&out, "%s --db '%s' backup --out '%s' 2>&1", bin, h->dburl, path), 1);
		assert_non_null(strstr(out, "pg_dump"));
		assert_int_equal(access(path, F_OK), -1);
		free(out);
		snprintf(url, sizeof(url), "sqlite:%s/served.db", dir);
		demo_with_token(url, token, sizeof(token));
		node_start(&n, url, token, "served");
		backup_while_writing(&n.h, url, "demo");
		node_stop(&n);
	} else {
		backup_while_writing(h, h->dburl, "acme");
	}
	assert_int_equal(
	    hrun(&out, "%s --db '%s/none.db' backup --out '%s/x.db' 2>&1", bin, dir, dir), 1);
	assert_non_null(strstr(out, "no database"));
	free(out);
	assert_int_equal(hrun(&out, "%s --db '%s' backup 2>&1", bin, src_url), 2);
	free(out);
	harness_stop(h);
}

/* Asserts that GET path answers 200 with the same bytes on both servers; returns the JSON. */
static json_t *
same_answer(struct node *a, struct node *b, const char *path)
{
	struct hresp ra, rb;
	json_t *j;

	assert_int_equal(hjson(&a->h, "GET", path, U_OWNER, NULL, &ra), 200);
	assert_int_equal(hjson(&b->h, "GET", path, U_OWNER, NULL, &rb), 200);
	if (ra.len != rb.len || memcmp(ra.body, rb.body, ra.len) != 0)
		fail_msg("GET %s differs:\nsource: %.600s\ntarget: %.600s", path, ra.body, rb.body);
	j = ra.json ? json_incref(ra.json) : NULL;
	hresp_free(&ra);
	hresp_free(&rb);
	return j;
}

/* Walks every page of the account list in one sort order on both servers; returns the pages. */
static int
same_pages(struct node *a, struct node *b, const char *query)
{
	char path[1024], *cursor = NULL;
	int pages = 0;

	do {
		json_t *j;
		const char *next;

		snprintf(path, sizeof(path), DEMO_WS "/accounts?limit=40&%s%s%s", query,
			 cursor ? "&cursor=" : "", cursor ? cursor : "");
		curl_free(cursor);
		cursor = NULL;
		j = same_answer(a, b, path);
		assert_non_null(j);
		next = json_string_value(json_object_get(j, "next_cursor"));
		if (next != NULL)
			cursor = curl_easy_escape(NULL, next, 0);
		json_decref(j);
		pages++;
	} while (cursor != NULL);
	return pages;
}

/* The servers on source and target answer the demo's reads alike. */
static void
compare_api(struct node *a, struct node *b)
{
	static const char *const sorts[] = {
	    "sort=name",	"sort=-name",	   "sort=updated_at",
	    "sort=-updated_at", "sort=created_at", "sort=-created_at",
	    "sort=revenue",	"sort=-revenue",   "status=active"};
	static const char *const paths[] = {DEMO_WS, DEMO_WS "/members", DEMO_WS "/competitors",
					    DEMO_WS "/accounts/facets", "/api/v1/me"};
	char path[256];
	json_t *list, *item;
	size_t i;

	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		assert_true(same_pages(a, b, sorts[i]) >= (i < 8 ? 5 : 1));
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		json_decref(same_answer(a, b, paths[i]));
	list = same_answer(a, b, DEMO_WS "/accounts?limit=12&sort=-revenue");
	json_array_foreach(json_object_get(list, "items"), i, item)
	{
		long long id = (long long)json_integer_value(json_object_get(item, "id"));

		snprintf(path, sizeof(path), DEMO_WS "/accounts/%lld", id);
		json_decref(same_answer(a, b, path));
		snprintf(path, sizeof(path), DEMO_WS "/accounts/%lld/suppliers", id);
		json_decref(same_answer(a, b, path));
		snprintf(path, sizeof(path), DEMO_WS "/accounts/%lld/audit", id);
		json_decref(same_answer(a, b, path));
	}
	json_decref(list);
}

/* Runs `advocate copy` from src_url to to with extra options; returns its exit status and output.
 */
static int
run_copy(char **out, const char *from, const char *to, const char *extra)
{
	return hrun(out, "%s copy --from '%s' --to '%s' %s 2>&1", bin, from, to, extra);
}

static void
test_copy_and_compare_api(void **state)
{
	static struct db_sql max_account = DB_SQL("SELECT MAX(id) FROM accounts");
	struct copy_sum src[COPY_TABLE__MAX], dst[COPY_TABLE__MAX], back[COPY_TABLE__MAX];
	char to[URL_MAX], back_url[URL_MAX], *out;
	struct node a, b;
	int64_t max_id;
	json_t *j;

	(void)state;
	target_new(to);
	assert_int_equal(run_copy(&out, src_url, to, ""), 0);
	for (int t = 0; t < COPY_TABLE__MAX; t++) {
		char want[64];

		snprintf(want, sizeof(want), "%s ", copy_table_name((enum copy_table)t));
		assert_non_null(strstr(out, want));
	}
	assert_non_null(strstr(out, "accounts                200 rows"));
	assert_non_null(strstr(out, "the target matches the source"));
	assert_null(strstr(out, "DIFFERS"));
	free(out);
	sums_of(src_url, src);
	sums_of(to, dst);
	assert_sums_equal(src, dst);
	assert_true(revenue_of(to, lossy_id) == LOSSY_REVENUE); /* exact, not "0.3" */

	node_start(&a, src_url, src_token, "source");
	node_start(&b, to, src_token, "target");
	compare_api(&a, &b);
	/* New rows on the target get ids past the copied ones (PostgreSQL: setval). */
	max_id = query_int(to, &max_account, -1);
	j = hcall(&b.h, "POST", DEMO_WS "/accounts", U_OWNER, "{\"name\":\"После переезда\"}", NULL,
		  201);
	assert_true(json_integer_value(json_object_get(j, "id")) > max_id);
	json_decref(j);
	j = hcall(&b.h, "POST", DEMO_WS "/competitors", U_OWNER, "{\"name\":\"Новый конкурент\"}",
		  NULL, 201);
	json_decref(j);
	node_stop(&a);
	node_stop(&b);

	/* And back again into a SQLite file: the same as the target now. */
	snprintf(back_url, sizeof(back_url), "sqlite:%s/back.db", dir);
	assert_int_equal(run_copy(&out, to, back_url, ""), 0);
	free(out);
	sums_of(to, dst);
	sums_of(back_url, back);
	assert_sums_equal(dst, back);
	assert_int_equal(back[COPY_ACCOUNTS].rows, src[COPY_ACCOUNTS].rows + 1);
}

static void
test_copy_refusals(void **state)
{
	static struct db_sql latest = DB_SQL("SELECT MAX(version) FROM schema_migrations");
	struct copy_sum src[COPY_TABLE__MAX], before[COPY_TABLE__MAX], after[COPY_TABLE__MAX];
	char to[URL_MAX], old[URL_MAX], sql[128], *out;

	(void)state;
	target_new(to);
	assert_int_equal(run_copy(&out, src_url, to, ""), 0);
	free(out);

	/* A target with data is refused and left as it was. */
	assert_int_equal(
	    hrun(&out, "%s --db '%s' workspace add --slug extra --name Extra", bin, to), 0);
	free(out);
	sums_of(to, before);
	assert_int_equal(run_copy(&out, src_url, to, ""), 1);
	assert_non_null(strstr(out, "--replace"));
	assert_non_null(strstr(out, "not empty"));
	free(out);
	sums_of(to, after);
	assert_sums_equal(before, after);

	/* --replace deletes it and copies over it. */
	assert_int_equal(run_copy(&out, src_url, to, "--replace"), 0);
	assert_non_null(strstr(out, "the target matches the source"));
	free(out);
	sums_of(src_url, src);
	sums_of(to, after);
	assert_sums_equal(src, after);

	/* A source behind this program's schema is refused before the target is touched. */
	snprintf(old, sizeof(old), "sqlite:%s/old.db", dir);
	assert_int_equal(hrun(&out, "%s --db '%s' migrate", bin, old), 0);
	free(out);
	snprintf(sql, sizeof(sql), "DELETE FROM schema_migrations WHERE version = %u",
		 migrate_latest());
	sql_exec(old, sql);
	assert_int_equal(query_int(old, &latest, -1), (int64_t)migrate_latest() - 1);
	assert_int_equal(run_copy(&out, old, to, "--replace"), 1);
	assert_non_null(strstr(out, "advocate migrate"));
	free(out);
	sums_of(to, before);
	assert_sums_equal(src, before);

	/* Wrong URLs and usage. */
	assert_int_equal(run_copy(&out, "mysql://me:s3cret@db.example/advocate", to, ""), 1);
	assert_non_null(strstr(out, "unknown database URL scheme 'mysql'"));
	assert_null(strstr(out, "s3cret"));
	free(out);
	assert_int_equal(
	    hrun(&out, "%s copy --from '%s/missing.db' --to '%s/new.db' 2>&1", bin, dir, dir), 1);
	assert_non_null(strstr(out, "no database at"));
	free(out);
	assert_int_equal(run_copy(&out, src_url, "sqlite:/nonexistent-dir/x.db", ""), 1);
	assert_non_null(strstr(out, "--to:"));
	free(out);
	assert_int_equal(run_copy(&out, src_url, "postgresql://127.0.0.1:1/nothing", ""), 1);
	assert_non_null(strstr(out, "--to:"));
	free(out);
	assert_int_equal(run_copy(&out, src_url, src_url + strlen("sqlite:"), "--replace"), 1);
	assert_non_null(strstr(out, "same database"));
	free(out);
	assert_int_equal(hrun(&out, "%s copy --from '%s' 2>&1", bin, src_url), 2);
	free(out);
	assert_int_equal(hrun(&out, "%s help copy", bin), 0);
	assert_non_null(strstr(out, "--replace"));
	free(out);
	sums_of(src_url, after);
	assert_sums_equal(src, after); /* the source never changed */
}

static void
test_checksums_notice_changes(void **state)
{
	struct copy_sum a[COPY_TABLE__MAX], b[COPY_TABLE__MAX], c[COPY_TABLE__MAX],
	    d[COPY_TABLE__MAX];
	char to[URL_MAX], *out;

	(void)state;
	target_new(to);
	assert_int_equal(run_copy(&out, src_url, to, ""), 0);
	free(out);
	sums_of(to, a);
	sums_of(src_url, b);
	assert_sums_equal(a, b);

	/* One ulp in one double. */
	revenue_set(to, lossy_id, nextafter(LOSSY_REVENUE, 1.0));
	sums_of(to, b);
	assert_sums_differ_in(a, b, COPY_ACCOUNTS);
	/* NULL against empty text. */
	sql_exec(to, "UPDATE competitors SET notes = NULL WHERE id = (SELECT MIN(id) FROM "
		     "competitors)");
	sums_of(to, c);
	assert_sums_differ_in(b, c, COPY_COMPETITORS);
	sql_exec(to, "UPDATE competitors SET notes = '' WHERE id = (SELECT MIN(id) FROM "
		     "competitors)");
	sums_of(to, d);
	assert_sums_differ_in(c, d, COPY_COMPETITORS);
	/* Changed text keeps the count but not the sum. */
	sql_exec(to, "UPDATE memberships SET role = 'viewer' WHERE role = 'analyst'");
	sums_of(to, a);
	assert_sums_differ_in(d, a, COPY_MEMBERSHIPS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copy_table_matches_schema),
	    cmocka_unit_test(test_backup_while_writing),
	    cmocka_unit_test(test_copy_and_compare_api),
	    cmocka_unit_test(test_copy_refusals),
	    cmocka_unit_test(test_checksums_notice_changes),
	};

	return cmocka_run_group_tests_name("copy", tests, group_setup, group_teardown);
}
