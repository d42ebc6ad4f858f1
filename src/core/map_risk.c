/*
 * map_risk.c — the risk rules of an account map and its health (see
 * map_risk.h and docs/account-map.md). Pure: no database, no clock.
 */
#include "core/map_risk.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

/* What each kind of risk is called, how severe it is and what it costs. */
static const struct {
	const char *name;
	enum map_risk_severity severity;
	int points;
} kinds[RISK__MAX] = {
    [RISK_NO_CONTACTS] = {"no_contacts", SEV_HIGH, MAP_HEALTH_MAX},
    [RISK_NO_OWNER] = {"no_owner", SEV_HIGH, 20},
    [RISK_HOSTILE_INFLUENCER] = {"hostile_influencer", SEV_HIGH, 20},
    /* role_uncovered: severity and points by role, in roles[] below */
    [RISK_ROLE_UNCOVERED] = {"role_uncovered", SEV_LOW, 5},
    [RISK_STALE_CONTACT] = {"stale_contact", SEV_MEDIUM, 10},
    [RISK_CHAMPION_LEFT] = {"champion_left", SEV_HIGH, 20},
};

/* An uncovered buying role: its severity and points (BUY_NONE is never uncovered). */
static const struct {
	enum map_risk_severity severity;
	int points;
} roles[BUY__MAX] = {
    [BUY_NONE] = {SEV_LOW, 0},
    [BUY_DECISION_MAKER] = {SEV_HIGH, 25},
    [BUY_ECONOMIC_BUYER] = {SEV_MEDIUM, 15},
    [BUY_TECHNICAL_BUYER] = {SEV_LOW, 5},
    [BUY_USER_BUYER] = {SEV_LOW, 5},
    [BUY_INFLUENCER] = {SEV_LOW, 5},
    [BUY_GATEKEEPER] = {SEV_LOW, 5},
    [BUY_COACH] = {SEV_LOW, 5},
};

static const char *const severity_names[SEV__MAX] = {
    [SEV_HIGH] = "high",
    [SEV_MEDIUM] = "medium",
    [SEV_LOW] = "low",
};

/* Risks one contact can raise (no_owner, hostile_influencer, stale_contact). */
#define RISKS_PER_CONTACT 3
/* Risks about the whole map (the roles, champion_left). */
#define RISKS_PER_MAP (BUY__MAX + 1)

const char *
map_risk_kind_name(enum map_risk_kind k)
{
	return (unsigned)k < RISK__MAX ? kinds[k].name : "unknown";
}

const char *
map_risk_severity_name(enum map_risk_severity s)
{
	return (unsigned)s < SEV__MAX ? severity_names[s] : "unknown";
}

/* qsort order of risks: by rule, then role, then contact id. */
static int
risk_cmp(const void *pa, const void *pb)
{
	const struct map_risk *x = pa, *y = pb;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	if (x->contact_id != y->contact_id)
		return x->contact_id < y->contact_id ? -1 : 1;
	return 0;
}

/* Appends a risk of kind to out (room reserved by the caller). */
static void
risk_add(struct map_risks *out, enum map_risk_kind kind, int64_t contact_id, enum contact_role role,
	 int64_t days)
{
	struct map_risk *r = &out->items[out->n++];

	r->kind = kind;
	r->severity = kinds[kind].severity;
	r->points = kinds[kind].points;
	if (kind == RISK_ROLE_UNCOVERED) {
		r->severity = roles[role].severity;
		r->points = roles[role].points;
	}
	r->contact_id = contact_id;
	r->role = role;
	r->days = days;
}

/* True when k is a key person: a decision maker, an economic buyer, or of high influence. */
static bool
is_key(const struct contact *k)
{
	return k->buying_role == BUY_DECISION_MAKER || k->buying_role == BUY_ECONOMIC_BUYER ||
	       k->influence == INF_HIGH;
}

/*
 * The contact rules for current contact k: no_owner, hostile_influencer,
 * stale_contact (today_n the day number of today).
 */
static void
contact_rules(struct map_risks *out, const struct contact *k, int64_t today_n, int64_t stale_days)
{
	int64_t last;

	if ((k->buying_role == BUY_DECISION_MAKER || k->buying_role == BUY_ECONOMIC_BUYER) &&
	    k->owner_user_id == 0)
		risk_add(out, RISK_NO_OWNER, k->id, BUY_NONE, -1);
	if ((k->attitude == ATT_SKEPTIC || k->attitude == ATT_OPPONENT) && k->influence == INF_HIGH)
		risk_add(out, RISK_HOSTILE_INFLUENCER, k->id, BUY_NONE, -1);
	if (!is_key(k))
		return;
	if (!date_days(k->last_contact_on, &last))
		risk_add(out, RISK_STALE_CONTACT, k->id, BUY_NONE, -1);
	else if (today_n - last > stale_days)
		risk_add(out, RISK_STALE_CONTACT, k->id, BUY_NONE, today_n - last);
}

enum adv_err
map_risk_compute(struct arena *a, const struct contact *contacts, size_t n, const char *today,
		 int64_t stale_days, struct map_risks *out)
{
	bool covered[BUY__MAX] = {false}, champion_now = false;
	const struct contact *left_champion = NULL;
	int64_t today_n;
	int points = 0;
	enum adv_err rc = ADV_OK;

	memset(out, 0, sizeof(*out));
	if (!date_days(today, &today_n) || stale_days < 0) {
		rc = ADV_EINVAL;
		goto out;
	}
	if (n > (SIZE_MAX / sizeof(*out->items) - RISKS_PER_MAP) / RISKS_PER_CONTACT) {
		rc = ADV_ENOMEM;
		goto out;
	}
	out->items = arena_alloc(a, (n * RISKS_PER_CONTACT + RISKS_PER_MAP) * sizeof(*out->items));
	if (out->items == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (n == 0) {
		risk_add(out, RISK_NO_CONTACTS, 0, BUY_NONE, -1);
		goto tally;
	}
	for (size_t i = 0; i < n; i++) {
		const struct contact *k = &contacts[i];

		if (k->left_on != NULL) {
			/* The champion who left last (then the smallest id). */
			int c =
			    left_champion == NULL ? 1 : strcmp(k->left_on, left_champion->left_on);

			if (k->attitude == ATT_CHAMPION &&
			    (c > 0 || (c == 0 && k->id < left_champion->id)))
				left_champion = k;
			continue;
		}
		if ((unsigned)k->buying_role < BUY__MAX)
			covered[k->buying_role] = true;
		if (k->attitude == ATT_CHAMPION)
			champion_now = true;
		contact_rules(out, k, today_n, stale_days);
	}
	for (int r = BUY_NONE + 1; r < BUY__MAX; r++)
		if (!covered[r])
			risk_add(out, RISK_ROLE_UNCOVERED, 0, (enum contact_role)r, -1);
	if (left_champion != NULL && !champion_now)
		risk_add(out, RISK_CHAMPION_LEFT, left_champion->id, BUY_NONE, -1);
	qsort(out->items, out->n, sizeof(*out->items), risk_cmp);
tally:
	for (size_t i = 0; i < out->n; i++) {
		out->kinds[out->items[i].kind]++;
		out->severities[out->items[i].severity]++;
		if (points < MAP_HEALTH_MAX)
			points += out->items[i].points;
	}
	out->health = points >= MAP_HEALTH_MAX ? 0 : MAP_HEALTH_MAX - points;
out:
	return rc;
}
