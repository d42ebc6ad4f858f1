/*
 * test_nodes.c — several application nodes on one database, as behind a load
 * balancer: a write through node A is read through node B; one account
 * edited through both at once lets exactly one edit win; events raised by a
 * write reach the event bus (on PostgreSQL the bus of the other node too),
 * and a rolled-back write raises none. On PostgreSQL also: the database
 * stopped and started while requests flow — the nodes answer 503 meanwhile,
 * recover by themselves, and every acknowledged write is there afterwards.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/bus.h"
#include "harness.h"
#include "util/clock.h"

#define ACC	   "/api/v1/workspaces/acme/accounts"
#define ROUNDS	   10
#define EVENTS_MAX 8192
#define OUTAGE_IDS 4096
#define READERS	   8

static struct harness *a, *b;

/* What a subscriber has seen: payloads in order. */
struct seen {
	pthread_mutex_t mu;
	char *payload[EVENTS_MAX];
	unsigned n;
};

static void
seen_add(void *ctx, const char *payload)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->mu);
	if (s->n < EVENTS_MAX)
		s->payload[s->n++] = strdup(payload);
	pthread_mutex_unlock(&s->mu);
}

/* Waits up to ms for a payload containing needle; true when one came. */
static int
seen_wait(struct seen *s, const char *needle, int ms)
{
	for (int waited = 0; waited <= ms; waited += 10) {
		pthread_mutex_lock(&s->mu);
		for (unsigned i = 0; i < s->n; i++) {
			if (strstr(s->payload[i], needle) != NULL) {
				pthread_mutex_unlock(&s->mu);
				return 1;
			}
		}
		pthread_mutex_unlock(&s->mu);
		usleep(10 * 1000);
	}
	return 0;
}

static void
seen_free(struct seen *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->payload[i]);
	s->n = 0;
}

static int
setup(void **state)
{
	(void)state;
	a = harness_start(0);
	b = harness_attach(a);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	harness_stop(b);
	harness_stop(a);
	return 0;
}

/* Creates an account named name through node n; returns its id. */
static int64_t
create_account(struct harness *n, const char *name)
{
	char body[160];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"status\":\"active\"}", name);
	j = hcall(n, "POST", ACC, U_OWNER, body, NULL, 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static void
test_write_on_a_is_read_on_b(void **state)
{
	char path[96];
	json_t *ja, *jb;
	char *ta, *tb;
	int64_t id;

	(void)state;
	id = create_account(a, "Запись через узел A");
	snprintf(path, sizeof(path), ACC "/%lld", (long long)id);
	ja = hcall(a, "GET", path, U_VIEWER, NULL, NULL, 200);
	jb = hcall(b, "GET", path, U_VIEWER, NULL, NULL, 200);
	ta = json_dumps(ja, JSON_SORT_KEYS);
	tb = json_dumps(jb, JSON_SORT_KEYS);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	json_decref(ja);
	json_decref(jb);

	/* an edit through B is seen through A, and a session works on both nodes */
	jb = hcall(b, "PATCH", path, U_OWNER, "{\"city\":\"Тверь\"}", NULL, 200);
	json_decref(jb);
	ja = hcall(a, "GET", path, U_VIEWER, NULL, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(ja, "city")), "Тверь");
	json_decref(ja);
}

struct racer {
	struct harness *node;
	char path[96];
	char city[32];
	char body[64];
	const char *headers[2];
	long status;
};

static void *
race(void *arg)
{
	struct racer *x = arg;
	struct hresp r;

	x->status = -1;
	if (hreq(x->node, "PATCH", x->path, U_OWNER, "application/json", x->body, strlen(x->body),
		 x->headers, &r) == 0) {
		x->status = r.status;
		hresp_free(&r);
	}
	return NULL;
}

static void
test_same_edit_on_both_nodes_one_wins(void **state)
{
	int64_t id = create_account(a, "Правка с двух узлов");
	char etag[16];

	(void)state;
	for (int round = 0; round < ROUNDS; round++) {
		struct racer xs[2];
		pthread_t t[2];
		json_t *j;

		snprintf(etag, sizeof(etag), "If-Match: \"%d\"", round + 1);
		for (int i = 0; i < 2; i++) {
			xs[i].node = i == 0 ? a : b;
			snprintf(xs[i].path, sizeof(xs[i].path), ACC "/%lld", (long long)id);
			snprintf(xs[i].city, sizeof(xs[i].city), "Узел %c %d", i == 0 ? 'A' : 'B',
				 round);
			snprintf(xs[i].body, sizeof(xs[i].body), "{\"city\":\"Узел %c %d\"}",
				 i == 0 ? 'A' : 'B', round);
			xs[i].headers[0] = etag;
			xs[i].headers[1] = NULL;
		}
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, race, &xs[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		assert_true((xs[0].status == 200 && xs[1].status == 412) ||
			    (xs[0].status == 412 && xs[1].status == 200));
		j = hcall(b, "GET", xs[0].path, U_VIEWER, NULL, NULL, 200);
		assert_int_equal(json_integer_value(json_object_get(j, "version")), round + 2);
		assert_string_equal(json_string_value(json_object_get(j, "city")),
				    xs[0].status == 200 ? xs[0].city : xs[1].city);
		json_decref(j);
	}
}

static void
test_events_cross_nodes(void **state)
{
	struct seen on_a = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};
	struct seen on_b = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};
	struct adv_errbuf eb = {{0}, {0}};
	struct bus *bus_a = NULL, *bus_b = NULL;
	unsigned sa, sb;
	char needle[128];
	int64_t id;

	(void)state;
	assert_int_equal(bus_open(a->db, a->dburl, &bus_a, &eb), ADV_OK);
	assert_int_equal(bus_open(b->db, b->dburl, &bus_b, &eb), ADV_OK);
	assert_int_equal(bus_subscribe(bus_a, seen_add, &on_a, &sa), ADV_OK);
	assert_int_equal(bus_subscribe(bus_b, seen_add, &on_b, &sb), ADV_OK);

	id = create_account(a, "Событие с узла A");
	snprintf(needle, sizeof(needle),
		 "\"type\":\"account.create\",\"workspace_id\":%lld,\"entity\":\"account\","
		 "\"id\":%lld",
		 (long long)a->ws_acme, (long long)id);
	assert_true(seen_wait(&on_a, needle, 5000));
	if (strcmp(harness_engine(), "postgres") == 0)
		assert_true(seen_wait(&on_b, needle, 5000));

	/* a write that fails raises nothing: a 422 edit through the node of the bus */
	{
		char path[96];
		json_t *j;

		snprintf(path, sizeof(path), ACC "/%lld", (long long)id);
		j = hcall(a, "PATCH", path, U_OWNER, "{\"status\":\"nonsense\"}", NULL, 422);
		json_decref(j);
		j = hcall(a, "PATCH", path, U_OWNER, "{\"city\":\"Псков\"}", NULL, 200);
		json_decref(j);
		snprintf(needle, sizeof(needle),
			 "\"type\":\"account.update\",\"workspace_id\":%lld",
			 (long long)a->ws_acme);
		assert_true(seen_wait(&on_a, needle, 5000));
		pthread_mutex_lock(&on_a.mu);
		{
			unsigned updates = 0;

			for (unsigned i = 0; i < on_a.n; i++)
				updates += strstr(on_a.payload[i], needle) != NULL;
			assert_int_equal(updates, 1);
		}
		pthread_mutex_unlock(&on_a.mu);
	}
	bus_unsubscribe(bus_a, sa);
	bus_unsubscribe(bus_b, sb);
	bus_close(bus_b);
	bus_close(bus_a);
	seen_free(&on_a);
	seen_free(&on_b);
}

/* A reader of the session test: one GET with a session cookie through its node. */
struct reader {
	struct harness *node;
	const char *headers[2];
	long status;
};

static void *
read_once(void *arg)
{
	struct reader *x = arg;
	struct hresp r;

	x->status = -1;
	if (hreq(x->node, "GET", ACC "?limit=5", U__MAX, NULL, NULL, 0, x->headers, &r) == 0) {
		x->status = r.status;
		hresp_free(&r);
	}
	return NULL;
}

/*
 * A browser's parallel requests through both nodes at the moment its
 * session's last-seen mark is due: each request notes it, they race for the
 * session row, and every request is still answered (the losers skip the
 * bookkeeping without spoiling their read).
 */
static void
test_parallel_requests_when_session_mark_is_due(void **state)
{
	char cookie[256], sql[256], past[CLOCK_TEXT_MAX];
	struct hresp r;
	char *set;

	(void)state;
	assert_int_equal(
	    hjson(a, "POST", "/api/v1/auth/login", U__MAX,
		  "{\"email\":\"viewer@example.test\",\"password\":\"" HARNESS_PASSWORD "\"}", &r),
	    200);
	set = hresp_header(&r, "Set-Cookie");
	assert_non_null(set);
	snprintf(cookie, sizeof(cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
	free(set);
	hresp_free(&r);
	for (int round = 0; round < 5; round++) {
		struct reader xs[READERS];
		pthread_t t[READERS];

		clock_now_plus(-120, past);
		snprintf(sql, sizeof(sql), "UPDATE sessions SET last_seen_at = '%s'", past);
		assert_int_equal(harness_sql_exec(a, sql), 0);
		for (int i = 0; i < READERS; i++) {
			xs[i].node = i % 2 ? b : a;
			xs[i].headers[0] = cookie;
			xs[i].headers[1] = NULL;
			assert_int_equal(pthread_create(&t[i], NULL, read_once, &xs[i]), 0);
		}
		for (int i = 0; i < READERS; i++)
			pthread_join(t[i], NULL);
		for (int i = 0; i < READERS; i++)
			assert_int_equal(xs[i].status, 200);
	}
}

/* The outage test's writer: creates accounts through node A until told to stop. */
struct writer {
	volatile int stop;
	int64_t acked[OUTAGE_IDS];
	unsigned nacked;
	unsigned unavailable; /* 503 answers */
	unsigned other;	      /* answers neither 201 nor 503 */
	long other_status;
};

static void *
write_loop(void *arg)
{
	struct writer *w = arg;

	for (unsigned i = 0; !w->stop && w->nacked < OUTAGE_IDS; i++) {
		char body[96];
		struct hresp r;

		snprintf(body, sizeof(body), "{\"name\":\"Во время сбоя %u\"}", i);
		if (hreq(a, "POST", ACC, U_OWNER, "application/json", body, strlen(body), NULL,
			 &r) != 0) {
			w->other++;
			continue;
		}
		if (r.status == 201)
			w->acked[w->nacked++] = json_integer_value(json_object_get(r.json, "id"));
		else if (r.status == 503)
			w->unavailable++;
		else {
			w->other++;
			w->other_status = r.status;
		}
		hresp_free(&r);
		usleep(2000);
	}
	return NULL;
}

/* Runs $ADVOCATE_TEST_PG_CTL verb $ADVOCATE_TEST_PG_DIR; asserts it succeeded. */
static void
pg_ctl(const char *verb)
{
	char *out = NULL;

	assert_non_null(getenv("ADVOCATE_TEST_PG_CTL"));
	assert_non_null(getenv("ADVOCATE_TEST_PG_DIR"));
	assert_int_equal(hrun(&out, "%s %s %s 2>&1", getenv("ADVOCATE_TEST_PG_CTL"), verb,
			      getenv("ADVOCATE_TEST_PG_DIR")),
			 0);
	free(out);
}

static void
test_database_restart_while_writing(void **state)
{
	struct writer *w = calloc(1, sizeof(*w));
	struct seen on_b = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};
	struct adv_errbuf eb = {{0}, {0}};
	struct bus *bus_b = NULL;
	unsigned sb, before;
	pthread_t t;
	struct hresp r;
	uint64_t events;
	bool connected = false;

	(void)state;
	assert_non_null(w);
	assert_int_equal(bus_open(b->db, b->dburl, &bus_b, &eb), ADV_OK);
	assert_int_equal(bus_subscribe(bus_b, seen_add, &on_b, &sb), ADV_OK);
	assert_int_equal(pthread_create(&t, NULL, write_loop, w), 0);
	while (w->nacked < 5)
		usleep(5000);
	pg_ctl("pause");
	before = w->unavailable;
	for (int i = 0; i < 500 && w->unavailable < before + 3; i++)
		usleep(10000);
	assert_true(w->unavailable >= before + 3);
	/* reads through B answer 503 too, with Retry-After */
	assert_int_equal(hreq(b, "GET", ACC "?limit=1", U_VIEWER, NULL, NULL, 0, NULL, &r), 0);
	assert_int_equal(r.status, 503);
	{
		char *ra = hresp_header(&r, "Retry-After");

		assert_non_null(ra);
		free(ra);
	}
	hresp_free(&r);
	pg_ctl("resume");
	before = w->nacked;
	for (int i = 0; i < 1000 && w->nacked < before + 5; i++)
		usleep(10000);
	w->stop = 1;
	pthread_join(t, NULL);
	assert_true(w->nacked >= before + 5);
	assert_int_equal(w->other, 0);

	/* every acknowledged write is there, read through the other node */
	for (unsigned i = 0; i < w->nacked; i++) {
		char path[96];
		json_t *j;

		snprintf(path, sizeof(path), ACC "/%lld", (long long)w->acked[i]);
		j = hcall(b, "GET", path, U_VIEWER, NULL, NULL, 200);
		json_decref(j);
	}
	/* B's bus reconnected by itself, told its subscribers to resync, and delivers again */
	assert_true(seen_wait(&on_b, "bus.resync", 10000));
	for (int i = 0; i < 500 && !connected; i++) {
		bus_stats(bus_b, &events, &connected);
		usleep(10000);
	}
	assert_true(connected);
	{
		int64_t id = create_account(a, "После сбоя");
		char needle[96];

		snprintf(needle, sizeof(needle), "\"entity\":\"account\",\"id\":%lld",
			 (long long)id);
		assert_true(seen_wait(&on_b, needle, 5000));
	}
	bus_unsubscribe(bus_b, sb);
	bus_close(bus_b);
	seen_free(&on_b);
	free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_on_a_is_read_on_b),
	    cmocka_unit_test(test_same_edit_on_both_nodes_one_wins),
	    cmocka_unit_test(test_events_cross_nodes),
	    cmocka_unit_test(test_parallel_requests_when_session_mark_is_due),
	};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test(test_database_restart_while_writing),
	};
	int failed = cmocka_run_group_tests_name("nodes", tests, setup, teardown);

	if (strcmp(harness_engine(), "postgres") == 0)
		failed +=
		    cmocka_run_group_tests_name("nodes on postgres", pg_tests, setup, teardown);
	return failed;
}
