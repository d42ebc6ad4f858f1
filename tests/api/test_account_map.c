/*
 * test_account_map.c — the account map over real HTTP: maps built through
 * the contacts, links and plan endpoints, their risks and health checked
 * against values worked out by hand (and changing as the people change),
 * a company with no contacts, the least healthy maps in order with the
 * count of unmapped companies and the limit, the stale_days setting (who
 * may change it, validation, audit, its effect on stale_contact), roles,
 * and other workspaces' or unknown accounts answered 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define SETTINGS WS "/account-maps/settings"

static struct harness *h;

/* The date n days before today (UTC) as "YYYY-MM-DD", in one of a few rotating buffers. */
static const char *
ago(int n)
{
	static char buf[8][16];
	static unsigned next;
	char *out = buf[next++ % 8];
	time_t t = time(NULL) - (time_t)n * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
	return out;
}

/* POSTs body to path as user, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* A new account of acme named name. */
static int64_t
account(const char *name)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return create(WS "/accounts", U_OWNER, body);
}

/* A new contact of account acc with the JSON members extra (",\"k\":v…" or ""). */
static int64_t
contact(int64_t acc, const char *name, const char *extra)
{
	char path[128], body[1024];

	snprintf(path, sizeof(path), WS "/accounts/%lld/contacts", (long long)acc);
	snprintf(body, sizeof(body), "{\"name\":\"%s\"%s}", name, extra);
	return create(path, U_OWNER, body);
}

/* PATCHes contact cid of account acc with body (no If-Match). */
static void
patch_contact(int64_t acc, int64_t cid, const char *body)
{
	char path[160];

	snprintf(path, sizeof(path), WS "/accounts/%lld/contacts/%lld", (long long)acc,
		 (long long)cid);
	json_decref(hcall(h, "PATCH", path, U_OWNER, body, NULL, 200));
}

/* The map of account acc as user (a new reference). */
static json_t *
map(int64_t acc, int user)
{
	char path[128];

	snprintf(path, sizeof(path), WS "/accounts/%lld/map", (long long)acc);
	return hcall(h, "GET", path, user, NULL, NULL, 200);
}

static int64_t
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

/*
 * Asserts risk i of map m: kind, severity, contact id (0: null), role
 * (NULL: null), days (-1: null).
 */
static void
risk(json_t *m, size_t i, const char *kind, const char *severity, int64_t contact_id,
     const char *role, int64_t days)
{
	json_t *x = json_array_get(json_object_get(m, "risks"), i), *v;

	if (x == NULL)
		fail_msg("no risk %zu", i);
	assert_string_equal(json_string_value(json_object_get(x, "kind")), kind);
	assert_string_equal(json_string_value(json_object_get(x, "severity")), severity);
	v = json_object_get(x, "contact_id");
	if (contact_id == 0)
		assert_true(json_is_null(v));
	else
		assert_int_equal(json_integer_value(v), contact_id);
	v = json_object_get(x, "role");
	if (role == NULL)
		assert_true(json_is_null(v));
	else
		assert_string_equal(json_string_value(v), role);
	v = json_object_get(x, "days");
	if (days < 0)
		assert_true(json_is_null(v));
	else
		assert_int_equal(json_integer_value(v), days);
}

static size_t
nrisks(json_t *m)
{
	return json_array_size(json_object_get(m, "risks"));
}

/* Sets the workspace's stale_days as the owner. */
static void
set_stale_days(int days)
{
	char body[64];
	json_t *j;

	snprintf(body, sizeof(body), "{\"stale_days\":%d}", days);
	j = hcall(h, "PATCH", SETTINGS, U_OWNER, body, NULL, 200);
	assert_int_equal(jint(j, "stale_days"), days);
	json_decref(j);
}

static void
test_map(void **state)
{
	char extra[512], path[160];
	int64_t acc, dm, eb, tech, coach, user, lid;
	json_t *m, *c;

	(void)state;
	acc = account("Карта рисков");
	/* A decision maker with no owner, contacted today. */
	snprintf(extra, sizeof(extra),
		 ",\"buying_role\":\"decision_maker\",\"relationship\":\"working\","
		 "\"last_contact_on\":\"%s\"",
		 ago(0));
	dm = contact(acc, "Ирина Петрова", extra);
	/* An economic buyer with an owner, contacted exactly stale_days (90) days ago. */
	snprintf(extra, sizeof(extra),
		 ",\"buying_role\":\"economic_buyer\",\"owner_email\":\"analyst@example.test\","
		 "\"last_contact_on\":\"%s\"",
		 ago(90));
	eb = contact(acc, "Борис Экономов", extra);
	/* A technical buyer, an opponent of high influence, contacted ten days ago. */
	snprintf(extra, sizeof(extra),
		 ",\"buying_role\":\"technical_buyer\",\"attitude\":\"opponent\","
		 "\"influence\":\"high\",\"owner_email\":\"owner@example.test\","
		 "\"last_contact_on\":\"%s\"",
		 ago(10));
	tech = contact(acc, "Виктор Технов", extra);
	/* A coach and champion who has left. */
	snprintf(extra, sizeof(extra),
		 ",\"buying_role\":\"coach\",\"attitude\":\"champion\",\"left_on\":\"%s\"",
		 ago(30));
	coach = contact(acc, "Галина Коучева", extra);
	/* A user buyer of low influence, never contacted: not a key person. */
	user = contact(acc, "Дмитрий Юзеров",
		       ",\"buying_role\":\"user_buyer\",\"attitude\":\"supporter\","
		       "\"influence\":\"low\"");
	snprintf(path, sizeof(path), WS "/accounts/%lld/contact-links", (long long)acc);
	snprintf(extra, sizeof(extra),
		 "{\"from_contact_id\":%lld,\"to_contact_id\":%lld,\"sign\":\"opposes\"}",
		 (long long)tech, (long long)dm);
	lid = create(path, U_OWNER, extra);

	m = map(acc, U_VIEWER);
	assert_int_equal(jint(m, "account_id"), acc);
	assert_string_equal(json_string_value(json_object_get(m, "as_of")), ago(0));
	assert_int_equal(jint(m, "stale_days"), 90);
	/* Everyone live, the one who left included, by name. */
	c = json_object_get(m, "contacts");
	assert_int_equal(json_array_size(c), 5);
	assert_int_equal(jint(json_array_get(c, 0), "id"), eb);
	assert_int_equal(jint(json_array_get(c, 1), "id"), tech);
	assert_int_equal(jint(json_array_get(c, 2), "id"), coach);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 2), "left_on")),
			    ago(30));
	assert_int_equal(json_array_size(json_object_get(m, "links")), 1);
	c = json_array_get(json_object_get(m, "links"), 0);
	assert_int_equal(jint(c, "id"), lid);
	assert_int_equal(jint(c, "from_contact_id"), tech);
	assert_string_equal(json_string_value(json_object_get(c, "sign")), "opposes");
	/*
	 * no_owner (dm) 20, hostile_influencer (tech) 20, role_uncovered
	 * influencer, gatekeeper, coach (the coach left) 3 * 5, champion_left
	 * (coach) 20: 75 points.
	 */
	assert_int_equal(nrisks(m), 6);
	risk(m, 0, "no_owner", "high", dm, NULL, -1);
	risk(m, 1, "hostile_influencer", "high", tech, NULL, -1);
	risk(m, 2, "role_uncovered", "low", 0, "influencer", -1);
	risk(m, 3, "role_uncovered", "low", 0, "gatekeeper", -1);
	risk(m, 4, "role_uncovered", "low", 0, "coach", -1);
	risk(m, 5, "champion_left", "high", coach, NULL, -1);
	assert_int_equal(jint(m, "health"), 25);
	assert_int_equal(json_array_size(json_object_get(m, "actions")), 0);
	assert_int_equal(jint(m, "overdue"), 0);
	json_decref(m);

	/* One day more than stale_days: the economic buyer goes stale. */
	snprintf(extra, sizeof(extra), "{\"last_contact_on\":\"%s\"}", ago(91));
	patch_contact(acc, eb, extra);
	m = map(acc, U_VIEWER);
	assert_int_equal(nrisks(m), 7);
	risk(m, 5, "stale_contact", "medium", eb, NULL, 91);
	risk(m, 6, "champion_left", "high", coach, NULL, -1);
	assert_int_equal(jint(m, "health"), 15);
	json_decref(m);

	/* Never contacted is stale too (days null). */
	patch_contact(acc, eb, "{\"last_contact_on\":null}");
	m = map(acc, U_VIEWER);
	risk(m, 5, "stale_contact", "medium", eb, NULL, -1);
	json_decref(m);

	/*
	 * A current champion: champion_left goes; the owner given to the
	 * decision maker removes no_owner; the opponent who leaves is no
	 * longer hostile, but the technical buyer's role is then uncovered.
	 */
	patch_contact(acc, user, "{\"attitude\":\"champion\"}");
	patch_contact(acc, dm, "{\"owner_email\":\"manager@example.test\"}");
	snprintf(extra, sizeof(extra), "{\"left_on\":\"%s\"}", ago(1));
	patch_contact(acc, tech, extra);
	m = map(acc, U_VIEWER);
	assert_int_equal(nrisks(m), 5);
	risk(m, 0, "role_uncovered", "low", 0, "technical_buyer", -1);
	risk(m, 1, "role_uncovered", "low", 0, "influencer", -1);
	risk(m, 2, "role_uncovered", "low", 0, "gatekeeper", -1);
	risk(m, 3, "role_uncovered", "low", 0, "coach", -1);
	risk(m, 4, "stale_contact", "medium", eb, NULL, -1);
	assert_int_equal(jint(m, "health"), 70);
	json_decref(m);

	/* A deleted contact is off the map: the decision maker's role is uncovered. */
	snprintf(path, sizeof(path), WS "/accounts/%lld/contacts/%lld", (long long)acc,
		 (long long)dm);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));
	m = map(acc, U_VIEWER);
	assert_int_equal(json_array_size(json_object_get(m, "contacts")), 4);
	assert_int_equal(json_array_size(json_object_get(m, "links")), 0);
	assert_int_equal(nrisks(m), 6);
	risk(m, 0, "role_uncovered", "high", 0, "decision_maker", -1);
	assert_int_equal(jint(m, "health"), 45);
	json_decref(m);
}

static void
test_actions(void **state)
{
	char body[512], path[160];
	int64_t acc, k;
	json_t *m, *a;

	(void)state;
	acc = account("Клиент с планом");
	snprintf(body, sizeof(body),
		 ",\"buying_role\":\"decision_maker\",\"owner_email\":\"owner@example.test\","
		 "\"last_contact_on\":\"%s\"",
		 ago(2));
	k = contact(acc, "Лицо", body);
	snprintf(path, sizeof(path), WS "/accounts/%lld/actions", (long long)acc);
	/* Two open actions (one overdue), one done: the map shows the open ones by due date. */
	snprintf(body, sizeof(body), "{\"contact_id\":%lld,\"what\":\"Встреча\",\"due_on\":\"%s\"}",
		 (long long)k, ago(-10));
	create(path, U_OWNER, body);
	snprintf(body, sizeof(body),
		 "{\"contact_id\":%lld,\"what\":\"Позвонить\",\"due_on\":\"%s\"}", (long long)k,
		 ago(3));
	create(path, U_OWNER, body);
	snprintf(body, sizeof(body),
		 "{\"contact_id\":%lld,\"what\":\"Готово\",\"due_on\":\"%s\",\"status\":\"done\"}",
		 (long long)k, ago(5));
	create(path, U_OWNER, body);
	m = map(acc, U_VIEWER);
	a = json_object_get(m, "actions");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "what")),
			    "Позвонить");
	assert_true(json_is_true(json_object_get(json_array_get(a, 0), "overdue")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "what")),
			    "Встреча");
	assert_int_equal(jint(m, "overdue"), 1);
	json_decref(m);
}

static void
test_no_contacts(void **state)
{
	int64_t acc;
	json_t *m;

	(void)state;
	acc = account("Пустой клиент");
	m = map(acc, U_VIEWER);
	assert_int_equal(jint(m, "health"), 0);
	assert_int_equal(json_array_size(json_object_get(m, "contacts")), 0);
	assert_int_equal(json_array_size(json_object_get(m, "links")), 0);
	assert_int_equal(nrisks(m), 1);
	risk(m, 0, "no_contacts", "high", 0, NULL, -1);
	json_decref(m);
}

/* The list of maps with limit (0: none given), as the viewer. */
static json_t *
maps(unsigned limit)
{
	char path[128];

	if (limit > 0)
		snprintf(path, sizeof(path), WS "/account-maps?limit=%u", limit);
	else
		snprintf(path, sizeof(path), WS "/account-maps");
	return hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
}

/* The item of account acc in list l, or NULL. */
static json_t *
item_of(json_t *l, int64_t acc)
{
	json_t *items = json_object_get(l, "items");

	for (size_t i = 0; i < json_array_size(items); i++)
		if (jint(json_array_get(items, i), "account_id") == acc)
			return json_array_get(items, i);
	return NULL;
}

/* Index of account acc in list l, or -1. */
static int
index_of(json_t *l, int64_t acc)
{
	json_t *items = json_object_get(l, "items");

	for (size_t i = 0; i < json_array_size(items); i++)
		if (jint(json_array_get(items, i), "account_id") == acc)
			return (int)i;
	return -1;
}

/* Adds seven contacts covering every buying role, owned and contacted today. */
static void
full_cover(int64_t acc)
{
	static const char *const roles[] = {"decision_maker", "economic_buyer", "technical_buyer",
					    "user_buyer",     "influencer",	"gatekeeper",
					    "coach"};
	char extra[256];

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		snprintf(extra, sizeof(extra),
			 ",\"buying_role\":\"%s\",\"owner_email\":\"owner@example.test\","
			 "\"last_contact_on\":\"%s\"",
			 roles[i], ago(0));
		contact(acc, roles[i], extra);
	}
}

static void
test_list(void **state)
{
	int64_t unmapped0, healthy, alpha, beta, lone, empty, gone;
	json_t *l, *x, *items, *k;
	char path[128];
	int prev_health = -1;
	const char *prev_name = NULL;

	(void)state;
	l = maps(500);
	unmapped0 = jint(l, "unmapped");
	json_decref(l);

	healthy = account("Здоровый");
	full_cover(healthy);
	/* Two companies with the same map: by name ("Alpha" before "Beta"). */
	beta = account("Beta");
	contact(beta, "Один", ",\"buying_role\":\"decision_maker\"");
	alpha = account("Alpha");
	contact(alpha, "Один", ",\"buying_role\":\"decision_maker\"");
	/* A lone opponent of high influence, never contacted: the worst. */
	lone = account("Zeta");
	contact(lone, "Враг",
		",\"buying_role\":\"decision_maker\",\"attitude\":\"opponent\","
		"\"influence\":\"high\"");
	empty = account("Без людей");
	/* An archived company is in neither count. */
	gone = account("Архивный");
	contact(gone, "Кто-то", "");
	snprintf(path, sizeof(path), WS "/accounts/%lld", (long long)gone);
	json_decref(hcall(h, "DELETE", path, U_OWNER, NULL, NULL, 204));

	l = maps(0);
	assert_int_equal(jint(l, "unmapped"), unmapped0 + 1);
	assert_string_equal(json_string_value(json_object_get(l, "as_of")), ago(0));
	assert_null(item_of(l, empty));
	assert_null(item_of(l, gone));
	x = item_of(l, healthy);
	assert_non_null(x);
	assert_string_equal(json_string_value(json_object_get(x, "account_name")), "Здоровый");
	assert_int_equal(jint(x, "health"), 100);
	assert_int_equal(jint(x, "contacts"), 7);
	assert_int_equal(jint(x, "risks"), 0);
	assert_int_equal(jint(x, "high"), 0);
	assert_int_equal(json_object_size(json_object_get(x, "kinds")), 0);
	/*
	 * Alpha: no_owner 20, five low roles and the economic buyer 5 * 5 + 15,
	 * stale (never) 10: 70 points, health 30; 8 risks, 1 high.
	 */
	x = item_of(l, alpha);
	assert_non_null(x);
	assert_int_equal(jint(x, "health"), 30);
	assert_int_equal(jint(x, "contacts"), 1);
	assert_int_equal(jint(x, "risks"), 8);
	assert_int_equal(jint(x, "high"), 1);
	k = json_object_get(x, "kinds");
	assert_int_equal(jint(k, "no_owner"), 1);
	assert_int_equal(jint(k, "role_uncovered"), 6);
	assert_int_equal(jint(k, "stale_contact"), 1);
	assert_null(json_object_get(k, "hostile_influencer"));
	assert_int_equal(index_of(l, alpha) + 1, index_of(l, beta));
	/* Zeta: Alpha's map plus hostile_influencer 20: health 10. */
	x = item_of(l, lone);
	assert_int_equal(jint(x, "health"), 10);
	assert_int_equal(jint(x, "high"), 2);
	assert_true(index_of(l, lone) < index_of(l, alpha));
	assert_true(index_of(l, alpha) < index_of(l, healthy));
	/* The whole list is in order: health, then name. */
	items = json_object_get(l, "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		int hl = (int)jint(it, "health");
		const char *name = json_string_value(json_object_get(it, "account_name"));

		assert_true(hl >= prev_health);
		if (hl == prev_health)
			assert_true(strcmp(prev_name, name) <= 0);
		prev_health = hl;
		prev_name = name;
	}
	/* The map agrees with the list. */
	x = map(alpha, U_VIEWER);
	assert_int_equal(jint(x, "health"), 30);
	json_decref(x);
	/* The limit keeps the least healthy. */
	x = maps(1);
	assert_int_equal(json_array_size(json_object_get(x, "items")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(x, "items"), 0), "account_id"),
			 jint(json_array_get(items, 0), "account_id"));
	assert_int_equal(jint(x, "unmapped"), unmapped0 + 1);
	json_decref(x);
	json_decref(l);
	/* Bad limits. */
	json_decref(hcall(h, "GET", WS "/account-maps?limit=0", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", WS "/account-maps?limit=501", U_VIEWER, NULL, NULL, 422));
	json_decref(hcall(h, "GET", WS "/account-maps?limit=x", U_VIEWER, NULL, NULL, 422));
	x = maps(500);
	assert_true(json_array_size(json_object_get(x, "items")) >= 4);
	json_decref(x);
}

/* Entries of the audit log about the account map settings of acme. */
static int64_t
settings_audits(void)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM audit_log WHERE workspace_id = ?1"
					  " AND entity_type = 'account_map_settings'");
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n;
	bool row;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
	db_bind_int(st, 1, h->ws_acme);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	n = db_col_int(st, 0);
	db_done(st);
	db_release(h->db, c);
	return n;
}

/* Asserts that PATCH body of the settings as the owner is 422 naming pointer. */
static void
expect_422(const char *body, const char *pointer)
{
	struct hresp r;

	assert_int_equal(hjson(h, "PATCH", SETTINGS, U_OWNER, body, &r), 422);
	if (!hresp_has_pointer(&r, pointer))
		fprintf(stderr, "# expected pointer %s in %s\n", pointer, r.body);
	assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

static void
test_settings(void **state)
{
	char extra[256];
	int64_t acc, eb, audits;
	json_t *j, *m;

	(void)state;
	j = hcall(h, "GET", SETTINGS, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(jint(j, "stale_days"), 90);
	assert_int_equal(json_object_size(j), 1);
	json_decref(j);
	audits = settings_audits();
	/* Owners and analysts change it; managers and viewers may not; strangers see nothing. */
	json_decref(hcall(h, "PATCH", SETTINGS, U_VIEWER, "{\"stale_days\":30}", NULL, 403));
	json_decref(hcall(h, "PATCH", SETTINGS, U_MANAGER, "{\"stale_days\":30}", NULL, 403));
	json_decref(hcall(h, "PATCH", SETTINGS, U_OTHER, "{\"stale_days\":30}", NULL, 404));
	json_decref(hcall(h, "GET", SETTINGS, U_OTHER, NULL, NULL, 404));
	j = hcall(h, "PATCH", SETTINGS, U_ANALYST, "{\"stale_days\":30}", NULL, 200);
	assert_int_equal(jint(j, "stale_days"), 30);
	json_decref(j);
	assert_int_equal(settings_audits(), audits + 1);
	/* The same value again, or nothing at all: no change, no audit. */
	json_decref(hcall(h, "PATCH", SETTINGS, U_OWNER, "{\"stale_days\":30}", NULL, 200));
	j = hcall(h, "PATCH", SETTINGS, U_OWNER, "{}", NULL, 200);
	assert_int_equal(jint(j, "stale_days"), 30);
	json_decref(j);
	assert_int_equal(settings_audits(), audits + 1);
	/* Validation: range, type, null, unknown fields; nothing changes. */
	expect_422("{\"stale_days\":0}", "/stale_days");
	expect_422("{\"stale_days\":3651}", "/stale_days");
	expect_422("{\"stale_days\":-5}", "/stale_days");
	expect_422("{\"stale_days\":\"30\"}", "/stale_days");
	expect_422("{\"stale_days\":1.5}", "/stale_days");
	expect_422("{\"stale_days\":null}", "/stale_days");
	expect_422("{\"stale_days\":true}", "/stale_days");
	expect_422("{\"stale_days\":60,\"window\":3}", "/window");
	j = hcall(h, "PATCH", SETTINGS, U_OWNER, "[]", NULL, 422);
	json_decref(j);
	j = hcall(h, "PATCH", SETTINGS, U_OWNER, "{\"stale_days\":", NULL, 400);
	json_decref(j);
	j = hcall(h, "GET", SETTINGS, U_VIEWER, NULL, NULL, 200);
	assert_int_equal(jint(j, "stale_days"), 30);
	json_decref(j);
	assert_int_equal(settings_audits(), audits + 1);
	/* The bounds themselves are accepted. */
	set_stale_days(1);
	set_stale_days(3650);

	/* Its effect: an economic buyer contacted 40 days ago. */
	acc = account("Порог");
	full_cover(acc);
	snprintf(extra, sizeof(extra),
		 ",\"buying_role\":\"economic_buyer\",\"owner_email\":\"owner@example.test\","
		 "\"last_contact_on\":\"%s\"",
		 ago(40));
	eb = contact(acc, "Старый контакт", extra);
	set_stale_days(90);
	m = map(acc, U_VIEWER);
	assert_int_equal(nrisks(m), 0);
	assert_int_equal(jint(m, "health"), 100);
	json_decref(m);
	set_stale_days(40);
	m = map(acc, U_VIEWER);
	assert_int_equal(jint(m, "stale_days"), 40);
	assert_int_equal(nrisks(m), 0);
	json_decref(m);
	set_stale_days(39);
	m = map(acc, U_VIEWER);
	assert_int_equal(jint(m, "stale_days"), 39);
	assert_int_equal(nrisks(m), 1);
	risk(m, 0, "stale_contact", "medium", eb, NULL, 40);
	assert_int_equal(jint(m, "health"), 90);
	json_decref(m);
	j = maps(500);
	assert_int_equal(jint(j, "stale_days"), 39);
	assert_int_equal(jint(item_of(j, acc), "health"), 90);
	json_decref(j);
	set_stale_days(90);
}

static void
test_foreign(void **state)
{
	char path[128];
	int64_t theirs, ours;
	json_t *j;

	(void)state;
	j = hcall(h, "POST", WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужой клиент\"}", NULL,
		  201);
	theirs = jint(j, "id");
	json_decref(j);
	snprintf(path, sizeof(path), WS_OTHER "/accounts/%lld/contacts", (long long)theirs);
	json_decref(hcall(h, "POST", path, U_OTHER, "{\"name\":\"Чужой\"}", NULL, 201));
	/* Their account under our workspace, an unknown one, a malformed id: 404. */
	snprintf(path, sizeof(path), WS "/accounts/%lld/map", (long long)theirs);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/999999999/map", U_OWNER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", WS "/accounts/abc/map", U_OWNER, NULL, NULL, 404));
	/* Our account seen by a stranger: 404; their list does not show ours. */
	ours = account("Наш клиент");
	contact(ours, "Наш", "");
	snprintf(path, sizeof(path), WS "/accounts/%lld/map", (long long)ours);
	json_decref(hcall(h, "GET", path, U_OTHER, NULL, NULL, 404));
	json_decref(hcall(h, "GET", path, U__MAX, NULL, NULL, 401));
	j = hcall(h, "GET", WS_OTHER "/account-maps", U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(j, "items"), 0), "account_id"),
			 theirs);
	assert_int_equal(jint(j, "unmapped"), 0);
	json_decref(j);
	json_decref(hcall(h, "GET", WS "/account-maps", U_OTHER, NULL, NULL, 404));
	/* Every role of the workspace reads the map and the list. */
	for (int u = U_OWNER; u <= U_VIEWER; u++) {
		json_decref(map(ours, u));
		json_decref(hcall(h, "GET", WS "/account-maps", u, NULL, NULL, 200));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map),		cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_no_contacts), cmocka_unit_test(test_list),
	    cmocka_unit_test(test_settings),	cmocka_unit_test(test_foreign),
	};
	int failed;

	h = harness_start(0);
	failed = cmocka_run_group_tests_name("api_account_map", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
