/*
 * test_map_risk.c — the risk rules of an account map against cases worked
 * out by hand: each rule and its boundaries (exactly stale_days against one
 * day more, never contacted, people who left out of every rule but
 * champion_left, a champion gone while another stays), severities and
 * points, the order of the list, the health and its floor, a company with
 * no contacts; and the day numbers of util/date.h they rest on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/map_risk.h"
#include "util/date.h"

#define TODAY "2026-11-28"
#define STALE 90

static struct arena a;

static int
setup(void **state)
{
	(void)state;
	arena_init(&a, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&a);
	return 0;
}

/* A current contact with an owner, contacted today, neutral, of medium influence. */
static struct contact
person(int64_t id, enum contact_role role)
{
	struct contact k;

	memset(&k, 0, sizeof(k));
	k.id = id;
	k.account_id = 1;
	k.name = "x";
	k.buying_role = role;
	k.attitude = ATT_NEUTRAL;
	k.influence = INF_MEDIUM;
	k.relationship = REL_WORKING;
	k.owner_user_id = 100;
	k.last_contact_on = TODAY;
	return k;
}

/* Seven contacts (ids 1..7) covering every buying role, raising no risk. */
static size_t
full_map(struct contact *out)
{
	for (int r = BUY_DECISION_MAKER; r < BUY__MAX; r++)
		out[r - 1] = person(r, (enum contact_role)r);
	return BUY__MAX - 1;
}

static struct map_risks
compute(const struct contact *k, size_t n)
{
	struct map_risks r;

	assert_int_equal(map_risk_compute(&a, k, n, TODAY, STALE, &r), ADV_OK);
	return r;
}

/* Asserts risk i of r. */
static void
check(const struct map_risks *r, size_t i, enum map_risk_kind kind, enum map_risk_severity sev,
      int points, int64_t contact_id, enum contact_role role, int64_t days)
{
	const struct map_risk *x;

	assert_true(i < r->n);
	x = &r->items[i];
	if (x->kind != kind)
		fail_msg("risk %zu: kind %s, want %s", i, map_risk_kind_name(x->kind),
			 map_risk_kind_name(kind));
	assert_int_equal(x->severity, sev);
	assert_int_equal(x->points, points);
	assert_int_equal(x->contact_id, contact_id);
	assert_int_equal(x->role, role);
	assert_int_equal(x->days, days);
}

static void
test_date_days(void **state)
{
	int64_t d, e;

	(void)state;
	assert_true(date_days("1970-01-01", &d));
	assert_int_equal(d, 0);
	assert_true(date_days("1969-12-31", &d));
	assert_int_equal(d, -1);
	assert_true(date_days("2000-03-01", &d));
	assert_int_equal(d, 11017);
	assert_true(date_days("0001-01-01", &d));
	assert_int_equal(d, -719162);
	assert_true(date_days("2024-02-28", &d) && date_days("2024-03-01", &e));
	assert_int_equal(e - d, 2);
	assert_true(date_days("2023-02-28", &d) && date_days("2023-03-01", &e));
	assert_int_equal(e - d, 1);
	assert_true(date_days("2025-12-31", &d) && date_days("2026-01-01", &e));
	assert_int_equal(e - d, 1);
	assert_true(date_days("2100-02-28", &d) && date_days("2100-03-01", &e));
	assert_int_equal(e - d, 1);
	d = 42;
	assert_false(date_days(NULL, &d));
	assert_false(date_days("2023-02-29", &d));
	assert_false(date_days("28.11.2026", &d));
	assert_int_equal(d, 42);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(map_risk_kind_name(RISK_NO_CONTACTS), "no_contacts");
	assert_string_equal(map_risk_kind_name(RISK_NO_OWNER), "no_owner");
	assert_string_equal(map_risk_kind_name(RISK_HOSTILE_INFLUENCER), "hostile_influencer");
	assert_string_equal(map_risk_kind_name(RISK_ROLE_UNCOVERED), "role_uncovered");
	assert_string_equal(map_risk_kind_name(RISK_STALE_CONTACT), "stale_contact");
	assert_string_equal(map_risk_kind_name(RISK_CHAMPION_LEFT), "champion_left");
	assert_string_equal(map_risk_severity_name(SEV_HIGH), "high");
	assert_string_equal(map_risk_severity_name(SEV_MEDIUM), "medium");
	assert_string_equal(map_risk_severity_name(SEV_LOW), "low");
}

static void
test_no_contacts(void **state)
{
	struct map_risks r;

	(void)state;
	r = compute(NULL, 0);
	assert_int_equal(r.n, 1);
	check(&r, 0, RISK_NO_CONTACTS, SEV_HIGH, 100, 0, BUY_NONE, -1);
	assert_int_equal(r.health, 0);
	assert_int_equal(r.kinds[RISK_NO_CONTACTS], 1);
	assert_int_equal(r.severities[SEV_HIGH], 1);
}

static void
test_healthy(void **state)
{
	struct contact k[BUY__MAX];
	struct map_risks r;

	(void)state;
	r = compute(k, full_map(k));
	assert_int_equal(r.n, 0);
	assert_int_equal(r.health, 100);
	for (int i = 0; i < RISK__MAX; i++)
		assert_int_equal(r.kinds[i], 0);
}

static void
test_no_owner(void **state)
{
	struct contact k[BUY__MAX + 4];
	size_t n = full_map(k);
	struct map_risks r;

	(void)state;
	k[0].owner_user_id = 0;		       /* the decision maker, id 1 */
	k[1].owner_user_id = 0;		       /* the economic buyer, id 2 */
	k[2].owner_user_id = 0;		       /* a technical buyer: no rule about its owner */
	k[n] = person(20, BUY_ECONOMIC_BUYER); /* a second one, owned */
	k[n + 1] = person(9, BUY_DECISION_MAKER);
	k[n + 1].owner_user_id = 0;
	k[n + 1].left_on = "2026-10-01"; /* left: out of the rule */
	n += 2;
	r = compute(k, n);
	assert_int_equal(r.n, 2);
	check(&r, 0, RISK_NO_OWNER, SEV_HIGH, 20, 1, BUY_NONE, -1);
	check(&r, 1, RISK_NO_OWNER, SEV_HIGH, 20, 2, BUY_NONE, -1);
	assert_int_equal(r.health, 60);
	assert_int_equal(r.kinds[RISK_NO_OWNER], 2);
	assert_int_equal(r.severities[SEV_HIGH], 2);
}

static void
test_hostile(void **state)
{
	static const struct {
		enum contact_attitude att;
		enum contact_influence inf;
		bool left;
		bool risk;
	} cases[] = {
	    {ATT_SKEPTIC, INF_HIGH, false, true},     {ATT_OPPONENT, INF_HIGH, false, true},
	    {ATT_OPPONENT, INF_MEDIUM, false, false}, {ATT_SKEPTIC, INF_LOW, false, false},
	    {ATT_NEUTRAL, INF_HIGH, false, false},    {ATT_SUPPORTER, INF_HIGH, false, false},
	    {ATT_OPPONENT, INF_HIGH, true, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct contact k[BUY__MAX + 1];
		size_t n = full_map(k);
		struct map_risks r;

		k[n] = person(30, BUY_NONE);
		k[n].attitude = cases[i].att;
		k[n].influence = cases[i].inf;
		k[n].left_on = cases[i].left ? "2026-01-01" : NULL;
		r = compute(k, n + 1);
		if (!cases[i].risk) {
			assert_int_equal(r.n, 0);
			continue;
		}
		assert_int_equal(r.n, 1);
		check(&r, 0, RISK_HOSTILE_INFLUENCER, SEV_HIGH, 20, 30, BUY_NONE, -1);
		assert_int_equal(r.health, 80);
	}
}

static void
test_roles(void **state)
{
	struct contact k[2];
	struct map_risks r;

	(void)state;
	/* Only a user buyer, and a decision maker who left: six roles are uncovered. */
	k[0] = person(5, BUY_USER_BUYER);
	k[1] = person(6, BUY_DECISION_MAKER);
	k[1].left_on = "2026-11-01";
	r = compute(k, 2);
	assert_int_equal(r.n, 6);
	check(&r, 0, RISK_ROLE_UNCOVERED, SEV_HIGH, 25, 0, BUY_DECISION_MAKER, -1);
	check(&r, 1, RISK_ROLE_UNCOVERED, SEV_MEDIUM, 15, 0, BUY_ECONOMIC_BUYER, -1);
	check(&r, 2, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_TECHNICAL_BUYER, -1);
	check(&r, 3, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_INFLUENCER, -1);
	check(&r, 4, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_GATEKEEPER, -1);
	check(&r, 5, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_COACH, -1);
	/* 100 - 25 - 15 - 4 * 5 */
	assert_int_equal(r.health, 40);
	assert_int_equal(r.kinds[RISK_ROLE_UNCOVERED], 6);
	assert_int_equal(r.severities[SEV_HIGH], 1);
	assert_int_equal(r.severities[SEV_MEDIUM], 1);
	assert_int_equal(r.severities[SEV_LOW], 4);
}

static void
test_stale(void **state)
{
	static const struct {
		enum contact_role role;
		enum contact_influence inf;
		const char *last;
		const char *left;
		int64_t days; /* -2: no risk */
	} cases[] = {
	    {BUY_DECISION_MAKER, INF_MEDIUM, "2026-08-30", NULL, -2}, /* exactly 90 days */
	    {BUY_DECISION_MAKER, INF_MEDIUM, "2026-08-29", NULL, 91}, /* one more */
	    {BUY_ECONOMIC_BUYER, INF_LOW, "2025-11-28", NULL, 365},
	    {BUY_DECISION_MAKER, INF_MEDIUM, NULL, NULL, -1},	      /* never */
	    {BUY_TECHNICAL_BUYER, INF_HIGH, NULL, NULL, -1},	      /* high influence is key */
	    {BUY_TECHNICAL_BUYER, INF_MEDIUM, NULL, NULL, -2},	      /* not key */
	    {BUY_NONE, INF_LOW, "2020-01-01", NULL, -2},	      /* not key */
	    {BUY_DECISION_MAKER, INF_HIGH, NULL, "2026-11-01", -2},   /* left */
	    {BUY_DECISION_MAKER, INF_MEDIUM, "2026-12-01", NULL, -2}, /* after today */
	    {BUY_DECISION_MAKER, INF_MEDIUM, TODAY, NULL, -2},
	    {BUY_DECISION_MAKER, INF_MEDIUM, "not a date", NULL, -1}, /* as never */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct contact k[BUY__MAX + 1];
		size_t n = full_map(k);
		struct map_risks r;

		k[n] = person(40, cases[i].role);
		k[n].influence = cases[i].inf;
		k[n].last_contact_on = cases[i].last;
		k[n].left_on = cases[i].left;
		r = compute(k, n + 1);
		if (cases[i].days == -2) {
			if (r.n != 0)
				fail_msg("case %zu: %zu risks, want none", i, r.n);
			continue;
		}
		if (r.n != 1)
			fail_msg("case %zu: %zu risks, want 1", i, r.n);
		check(&r, 0, RISK_STALE_CONTACT, SEV_MEDIUM, 10, 40, BUY_NONE, cases[i].days);
		assert_int_equal(r.health, 90);
	}
}

static void
test_stale_days_setting(void **state)
{
	struct contact k[BUY__MAX];
	size_t n = full_map(k);
	struct map_risks r;

	(void)state;
	k[0].last_contact_on = "2026-11-18"; /* ten days ago */
	assert_int_equal(map_risk_compute(&a, k, n, TODAY, 10, &r), ADV_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(map_risk_compute(&a, k, n, TODAY, 9, &r), ADV_OK);
	assert_int_equal(r.n, 1);
	check(&r, 0, RISK_STALE_CONTACT, SEV_MEDIUM, 10, 1, BUY_NONE, 10);
	/* The same map a day later, with 10 days. */
	assert_int_equal(map_risk_compute(&a, k, n, "2026-11-29", 10, &r), ADV_OK);
	assert_int_equal(r.n, 1);
	check(&r, 0, RISK_STALE_CONTACT, SEV_MEDIUM, 10, 1, BUY_NONE, 11);
}

static void
test_champion_left(void **state)
{
	struct contact k[BUY__MAX + 3];
	size_t n = full_map(k);
	struct map_risks r;

	(void)state;
	/* A champion left, nobody current is one: the risk names them. */
	k[n] = person(50, BUY_NONE);
	k[n].attitude = ATT_CHAMPION;
	k[n].left_on = "2026-06-01";
	r = compute(k, n + 1);
	assert_int_equal(r.n, 1);
	check(&r, 0, RISK_CHAMPION_LEFT, SEV_HIGH, 20, 50, BUY_NONE, -1);
	assert_int_equal(r.health, 80);
	/* Two left: the one who left last; on the same day, the smaller id. */
	k[n + 1] = person(45, BUY_NONE);
	k[n + 1].attitude = ATT_CHAMPION;
	k[n + 1].left_on = "2026-07-01";
	r = compute(k, n + 2);
	assert_int_equal(r.n, 1);
	check(&r, 0, RISK_CHAMPION_LEFT, SEV_HIGH, 20, 45, BUY_NONE, -1);
	k[n + 1].left_on = "2026-06-01";
	r = compute(k, n + 2);
	check(&r, 0, RISK_CHAMPION_LEFT, SEV_HIGH, 20, 45, BUY_NONE, -1);
	k[n + 1].id = 55;
	r = compute(k, n + 2);
	check(&r, 0, RISK_CHAMPION_LEFT, SEV_HIGH, 20, 50, BUY_NONE, -1);
	/* Another champion is still there: no risk. */
	k[3].attitude = ATT_CHAMPION;
	r = compute(k, n + 2);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.health, 100);
	/* A current champion alone is no risk either; a supporter who left is none. */
	k[3].attitude = ATT_NEUTRAL;
	k[n].attitude = ATT_SUPPORTER;
	k[n + 1].attitude = ATT_OPPONENT;
	k[n + 1].influence = INF_HIGH;
	r = compute(k, n + 2);
	assert_int_equal(r.n, 0);
}

static void
test_order_and_floor(void **state)
{
	struct contact k[6];
	struct map_risks r;

	(void)state;
	/* Given out of order; risks come by rule, then contact id / role. */
	k[0] = person(9, BUY_ECONOMIC_BUYER);
	k[0].owner_user_id = 0;
	k[0].last_contact_on = NULL;
	k[1] = person(3, BUY_DECISION_MAKER);
	k[1].owner_user_id = 0;
	k[1].attitude = ATT_OPPONENT;
	k[1].influence = INF_HIGH;
	k[1].last_contact_on = "2026-01-01";
	k[2] = person(7, BUY_NONE);
	k[2].attitude = ATT_SKEPTIC;
	k[2].influence = INF_HIGH;
	k[3] = person(4, BUY_NONE);
	k[3].attitude = ATT_CHAMPION;
	k[3].left_on = "2026-03-01";
	k[4] = person(8, BUY_COACH);
	k[5] = person(2, BUY_GATEKEEPER);
	k[5].left_on = "2026-03-01";
	r = compute(k, 6);
	assert_int_equal(r.n, 11);
	check(&r, 0, RISK_NO_OWNER, SEV_HIGH, 20, 3, BUY_NONE, -1);
	check(&r, 1, RISK_NO_OWNER, SEV_HIGH, 20, 9, BUY_NONE, -1);
	check(&r, 2, RISK_HOSTILE_INFLUENCER, SEV_HIGH, 20, 3, BUY_NONE, -1);
	check(&r, 3, RISK_HOSTILE_INFLUENCER, SEV_HIGH, 20, 7, BUY_NONE, -1);
	/* The gatekeeper left: the role is uncovered. */
	check(&r, 4, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_TECHNICAL_BUYER, -1);
	check(&r, 5, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_USER_BUYER, -1);
	check(&r, 6, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_INFLUENCER, -1);
	check(&r, 7, RISK_ROLE_UNCOVERED, SEV_LOW, 5, 0, BUY_GATEKEEPER, -1);
	/* 2026-01-01 to 2026-11-28: 331 days; 7 was contacted today. */
	check(&r, 8, RISK_STALE_CONTACT, SEV_MEDIUM, 10, 3, BUY_NONE, 331);
	check(&r, 9, RISK_STALE_CONTACT, SEV_MEDIUM, 10, 9, BUY_NONE, -1);
	check(&r, 10, RISK_CHAMPION_LEFT, SEV_HIGH, 20, 4, BUY_NONE, -1);
	/* 4 * 20 + 4 * 5 + 2 * 10 + 20 = 140 points: the floor. */
	assert_int_equal(r.health, 0);
	assert_int_equal(r.kinds[RISK_NO_OWNER], 2);
	assert_int_equal(r.kinds[RISK_HOSTILE_INFLUENCER], 2);
	assert_int_equal(r.kinds[RISK_ROLE_UNCOVERED], 4);
	assert_int_equal(r.kinds[RISK_STALE_CONTACT], 2);
	assert_int_equal(r.kinds[RISK_CHAMPION_LEFT], 1);
	assert_int_equal(r.severities[SEV_HIGH], 5);
	assert_int_equal(r.severities[SEV_MEDIUM], 2);
	assert_int_equal(r.severities[SEV_LOW], 4);
}

static void
test_exactly_zero(void **state)
{
	struct contact k[1];
	struct map_risks r;

	(void)state;
	/*
	 * A lone decision maker with no owner, hostile, never contacted:
	 * 20 + 20 + (15 + 5 * 5) + 10 = 90 points, health 10.
	 */
	k[0] = person(1, BUY_DECISION_MAKER);
	k[0].owner_user_id = 0;
	k[0].attitude = ATT_OPPONENT;
	k[0].influence = INF_HIGH;
	k[0].last_contact_on = NULL;
	r = compute(k, 1);
	assert_int_equal(r.n, 9);
	assert_int_equal(r.health, 10);
	/* Another stale key person makes exactly 100 points: health 0. */
	{
		struct contact k2[2] = {k[0], person(2, BUY_NONE)};

		k2[1].influence = INF_HIGH;
		k2[1].last_contact_on = "2026-01-01";
		r = compute(k2, 2);
		assert_int_equal(r.n, 10);
		assert_int_equal(r.health, 0);
	}
}

static void
test_bad_input(void **state)
{
	struct contact k[1] = {person(1, BUY_DECISION_MAKER)};
	struct map_risks r;

	(void)state;
	assert_int_equal(map_risk_compute(&a, k, 1, "28.11.2026", STALE, &r), ADV_EINVAL);
	assert_int_equal(map_risk_compute(&a, k, 1, NULL, STALE, &r), ADV_EINVAL);
	assert_int_equal(map_risk_compute(&a, k, 1, TODAY, -1, &r), ADV_EINVAL);
	assert_int_equal(map_risk_compute(&a, k, 1, TODAY, 0, &r), ADV_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_days),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_no_contacts),
	    cmocka_unit_test(test_healthy),
	    cmocka_unit_test(test_no_owner),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_stale),
	    cmocka_unit_test(test_stale_days_setting),
	    cmocka_unit_test(test_champion_left),
	    cmocka_unit_test(test_order_and_floor),
	    cmocka_unit_test(test_exactly_zero),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests_name("map_risk", tests, setup, teardown);
}
