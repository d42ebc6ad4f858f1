/*
 * map_risk.h — the risks of an account map and its health
 * (docs/account-map.md, "The map and its risks"): pure functions over the
 * contacts of one company, no database.
 *
 * The rules, in the order the risks are listed:
 *   no_owner            a current decision maker or economic buyer with no
 *                       relationship owner (high, 20), one per contact;
 *   hostile_influencer  a current skeptic or opponent of high influence
 *                       (high, 20), one per contact;
 *   role_uncovered      a buying role no current contact holds, one per role
 *                       in enum contact_role order (decision maker: high, 25;
 *                       economic buyer: medium, 15; the others: low, 5);
 *   stale_contact       a current key person (decision maker, economic buyer
 *                       or high influence) never contacted or last contacted
 *                       more than stale_days days before today (medium, 10);
 *   champion_left       a champion has left and no current contact is a
 *                       champion (high, 20), once, naming the champion who
 *                       left last (latest left_on, then smallest id).
 * Within a rule, risks about contacts follow the contact id. "Current" means
 * not left (left_on NULL); people who left count only for champion_left.
 * Health is 100 minus the points of the risks, never below 0; a company with
 * no contacts has health 0 and the single risk no_contacts (high).
 */
#ifndef ADV_CORE_MAP_RISK_H
#define ADV_CORE_MAP_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "core/contact.h"
#include "util/arena.h"
#include "util/err.h"

#define MAP_HEALTH_MAX 100

enum map_risk_kind {
	RISK_NO_CONTACTS,
	RISK_NO_OWNER,
	RISK_HOSTILE_INFLUENCER,
	RISK_ROLE_UNCOVERED,
	RISK_STALE_CONTACT,
	RISK_CHAMPION_LEFT,
	RISK__MAX
};

enum map_risk_severity { SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV__MAX };

struct map_risk {
	enum map_risk_kind kind;
	enum map_risk_severity severity;
	int points;
	int64_t contact_id;	/* 0: not about one contact */
	enum contact_role role; /* role_uncovered: the role; BUY_NONE otherwise */
	int64_t days;		/* stale_contact: days since the last contact; -1: never, or n/a */
};

/* The risks of one map, with its health and counts. */
struct map_risks {
	struct map_risk *items; /* arena array of n, in the order described above */
	size_t n;
	int health;		     /* 0..MAP_HEALTH_MAX */
	size_t kinds[RISK__MAX];     /* risks of each kind */
	size_t severities[SEV__MAX]; /* risks of each severity */
};

/* The API names ("no_owner", "high"); static storage, never NULL. */
const char *map_risk_kind_name(enum map_risk_kind k);
const char *map_risk_severity_name(enum map_risk_severity s);

/*
 * The risks of the map made of contacts[0..n) (the live contacts of one
 * account, people who left included; their order does not matter) as of
 * today ("YYYY-MM-DD"), a contact going stale after stale_days days, into
 * *out; out->items is an array allocated from a. A
 * last_contact_on that is not a valid date counts as never contacted; one
 * after today is not stale. Errors: ADV_EINVAL for a malformed today or
 * stale_days below 0, ADV_ENOMEM.
 */
enum adv_err map_risk_compute(struct arena *a, const struct contact *contacts, size_t n,
			      const char *today, int64_t stale_days, struct map_risks *out);

#endif
