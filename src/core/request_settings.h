/*
 * request_settings.h — the service settings of a workspace's dialog window
 * (docs/requests.md, "Service levels" and "Assignment"): the working
 * calendar (core/worktime.h), how many days a client may reopen a resolved
 * request, the service levels — working minutes to the first response and
 * to the resolution — per kind and priority, and the assignment rules that
 * hand new requests round robin to a team, per kind or component.
 *
 * The settings are one JSON document per workspace (the API's shape):
 *
 *   {"calendar": {"utc_offset_minutes": 180, "day_start": "09:00",
 *                 "day_end": "18:00", "workdays": ["mon", …, "fri"],
 *                 "holidays": ["2027-01-01", …]},
 *    "reopen_days": 14,
 *    "service_levels": [{"kind": "complaint" | null, "priority": "urgent" | null,
 *                        "first_response_minutes": 60, "resolution_minutes": 960}],
 *    "assignment_rules": [{"kind": null, "component_id": 5 | null,
 *                          "members": ["a@example.com", …]}]}
 *
 * Strings and arrays of returned structs are owned by the arena passed in.
 */
#ifndef ADV_CORE_REQUEST_SETTINGS_H
#define ADV_CORE_REQUEST_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/worktime.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define REQSET_HOLIDAYS_MAX	400
#define REQSET_LEVELS_MAX	100
#define REQSET_RULES_MAX	50
#define REQSET_MEMBERS_MAX	50
#define REQSET_MINUTES_MAX	(366 * 24 * 60) /* a service level of at most a year */
#define REQSET_REOPEN_DAYS_MAX	365
#define REQSET_REOPEN_DAYS_DFLT 14

/* One service level: kind and priority -1 for "any"; minutes 0 for "none". */
struct request_level {
	int kind;     /* enum request_kind, or -1 */
	int priority; /* enum request_priority, or -1 */
	int64_t first_response_minutes;
	int64_t resolution_minutes;
};

/* One assignment rule: kind -1 and component_id 0 for "any". */
struct request_rule {
	int kind;
	int64_t component_id;
	int64_t *member_ids;
	const char **member_emails;
	size_t nmembers;
};

struct request_settings {
	struct worktime_calendar calendar; /* holidays point into the arena */
	int reopen_days;
	struct request_level *levels;
	size_t nlevels;
	struct request_rule *rules;
	size_t nrules;
	int64_t version; /* 0 while the workspace keeps the defaults */
};

/* The settings of the workspace into *out: the stored ones or the defaults. */
enum adv_err request_settings_load(struct db_conn *c, struct arena *a, int64_t ws_id,
				   struct request_settings *out);

/* The API document of s (new reference; NULL when out of memory). */
json_t *request_settings_json(const struct request_settings *s);

/*
 * Replaces the workspace's settings by doc (the document above; every key
 * optional, an absent one keeps its default) when the stored version is
 * expect_version (0 = any), and restarts the round robins. Members must be
 * members of the workspace (by e-mail), components of its catalogue. Errors:
 * ADV_EINVAL with the pointer of the first problem ("/calendar/day_start",
 * "/service_levels/2/kind", "/assignment_rules/0/members/1", an unknown key
 * …), ADV_EPRECOND when the version moved on. *out is the stored settings.
 */
enum adv_err request_settings_put(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				  int64_t expect_version, json_t *doc, struct request_settings *out,
				  struct adv_errbuf *eb);

/*
 * The service level of a request of kind and priority: the most specific
 * level that matches (kind and priority, then kind, then priority, then
 * any), or NULL when none does.
 */
const struct request_level *request_level_match(const struct request_settings *s, int kind,
						int priority);

/*
 * The deadlines of a request of kind and priority created at created (UTC
 * seconds), as RFC 3339 text into first_due and resolution_due (empty
 * strings when the level sets none, or no level matches).
 */
void request_deadlines(const struct request_settings *s, int kind, int priority, time_t created,
		       char first_due[32], char resolution_due[32]);

/*
 * The member the first matching assignment rule (kind, component) hands a
 * new request to, in turn, inside the caller's transaction: *user_id, or 0
 * when no rule matches or none of its team is still a member.
 */
enum adv_err request_rule_assign(struct db_conn *c, int64_t ws_id, const struct request_settings *s,
				 int kind, int64_t component_id, int64_t *user_id);

#endif
