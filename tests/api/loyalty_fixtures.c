/*
 * loyalty_fixtures.c — helpers shared by the loyalty API tests: lookups of
 * the seed's catalogue ids, SQL and requests with formatted text, JSON
 * members and dates (see loyalty_fixtures.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>

#include "core/loyalty_index.h"
#include "loyalty_fixtures.h"

#define LF_EPS 1e-9

static struct db_sql sql_component =
    DB_SQL("SELECT id FROM loyalty_components WHERE workspace_id = ?1 AND code = ?2");
static struct db_sql sql_factor =
    DB_SQL("SELECT f.id FROM loyalty_factors f JOIN loyalty_components c ON c.id = f.component_id"
	   " WHERE f.workspace_id = ?1 AND c.code = ?2 AND f.position = ?3");

/*
 * The id sql answers for ws and code (and pos when pos > 0, bound as ?3);
 * fails the test when there is none.
 */
static int64_t
lookup_id(struct harness *h, struct db_sql *sql, int64_t ws, const char *code, int pos)
{
	struct db_conn *c;
	struct db_stmt *st;
	bool row;
	int64_t id = 0;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, sql, &st), ADV_OK);
	db_bind_int(st, 1, ws);
	db_bind_text(st, 2, code);
	if (pos > 0)
		db_bind_int(st, 3, pos);
	assert_int_equal(db_step(st, &row), ADV_OK);
	if (row) {
		id = db_col_int(st, 0);
		db_done(st);
	}
	db_release(h->db, c);
	assert_true(id > 0);
	return id;
}

/* The id of component code of workspace ws; fails the test when there is none. */
int64_t
lf_comp(struct harness *h, int64_t ws, const char *code)
{
	return lookup_id(h, &sql_component, ws, code, 0);
}

/* The id of factor number pos (the seed's order) of component code of ws; fails when none. */
int64_t
lf_factor(struct harness *h, int64_t ws, const char *code, int pos)
{
	assert_true(pos > 0);
	return lookup_id(h, &sql_factor, ws, code, pos);
}

/* Runs SQL made from fmt behind the server's back; fails the test on error. */
void
lf_sqlf(struct harness *h, const char *fmt, ...)
{
	char sql[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(harness_sql_exec(h, sql), 0);
}

/* POSTs body to path as user, expects 201 and returns the new object's id. */
int64_t
lf_create(struct harness *h, const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* hcall with a printf-formatted path. */
json_t *
lf_callf(struct harness *h, const char *method, int user, const char *body, const char *const *hdrs,
	 long status, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return hcall(h, method, path, user, body, hdrs, status);
}

/* Asserts that method path answers status and names pointer. */
void
lf_expect_pointer(struct harness *h, const char *method, const char *path, int user,
		  const char *body, long status, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, method, path, user, body, &r), status);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

/* Integer member key of j. */
int64_t
lf_jint(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

/* String member path "a/b" of j ("name/ru"), or NULL. */
const char *
lf_jstr(json_t *j, const char *path)
{
	char key[64];
	const char *slash = strchr(path, '/');

	if (slash == NULL)
		return json_string_value(json_object_get(j, path));
	snprintf(key, sizeof(key), "%.*s", (int)(slash - path), path);
	return lf_jstr(json_object_get(j, key), slash + 1);
}

/* Asserts that got is want within 1e-9. */
void
lf_assert_near(double got, double want)
{
	if (fabs(got - want) > LF_EPS)
		fail_msg("got %.12g, want %.12g", got, want);
}

/* Today in UTC, packed yyyymmdd. */
int32_t
lf_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* d (packed yyyymmdd) as text in a rotating static buffer (four at a time). */
const char *
lf_dtext(int32_t d)
{
	static char buf[4][LOYALTY_DATE_TEXT];
	static int next;
	char *out = buf[next++ % 4];

	loyalty_date_text(d, out);
	return out;
}

const char *
lf_pathf(const char *fmt, ...)
{
	static char buf[8][512];
	static int next;
	char *out = buf[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	return out;
}
