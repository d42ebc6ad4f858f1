/*
 * account_map.h — the account map of a client company as a whole
 * (docs/account-map.md, "The map and its risks"): the workspace's
 * "not contacted for N days" setting, one company's map (its people, the
 * links between them, the risks and the health that map_risk.h computes),
 * and the least healthy maps of the workspace.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows.
 * The setting's change runs in its own transaction unless the connection
 * already has one open (then it joins it, in a savepoint) and is audited
 * (entity type "account_map_settings", the workspace's id; no version).
 */
#ifndef ADV_CORE_ACCOUNT_MAP_H
#define ADV_CORE_ACCOUNT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/contact.h"
#include "core/map_risk.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/err.h"

#define MAP_STALE_DAYS_MIN  1
#define MAP_STALE_DAYS_MAX  3650
#define MAP_LIST_LIMIT_DFLT 50
#define MAP_LIST_LIMIT_MAX  500

/* The workspace's settings of account maps. */
enum account_map_settings_field { MS_STALE_DAYS, MS__MAX };

#define MS_BIT(f) (1u << (f))

struct account_map_settings {
	int64_t stale_days; /* a key person not contacted for more days is a risk */
};

/* One company's map as of a day. */
struct account_map {
	int64_t account_id;
	char as_of[DATE_TEXT_SIZE];
	int64_t stale_days;
	struct contact *contacts; /* the live ones, people who left included; by name, then id */
	size_t ncontacts;
	struct contact_link *links; /* by id */
	size_t nlinks;
	struct map_risks risks;
};

/* A company in the list of the least healthy maps. */
struct account_map_item {
	int64_t account_id;
	const char *account_name;
	int health;
	size_t contacts;	 /* live contacts, people who left included */
	size_t risks;		 /* all risks */
	size_t high;		 /* risks of high severity */
	size_t kinds[RISK__MAX]; /* risks of each kind */
};

/* The least healthy maps of a workspace. */
struct account_map_list {
	char as_of[DATE_TEXT_SIZE];
	int64_t stale_days;
	struct account_map_item *items; /* least healthy first, then by name (bytes), then id */
	size_t n;
	int64_t unmapped; /* live accounts with no live contact */
};

/* The name of a settings field ("stale_days"); static storage. */
const char *account_map_settings_field_name(enum account_map_settings_field f);

/* The workspace's settings; ADV_ENOTFOUND when there is no such workspace. */
enum adv_err account_map_settings_get(struct db_conn *c, int64_t ws_id,
				      struct account_map_settings *out);

/*
 * Applies the fields in mask of patch as actor: stale_days
 * MAP_STALE_DAYS_MIN..MAP_STALE_DAYS_MAX (ADV_EINVAL "/stale_days"). Writes
 * and audits only when something changes. *out is the stored result.
 * ADV_ENOTFOUND when there is no such workspace.
 */
enum adv_err account_map_settings_update(struct db_conn *c, int64_t ws_id, int64_t actor,
					 const struct account_map_settings *patch, uint32_t mask,
					 struct account_map_settings *out, struct adv_errbuf *eb);

/*
 * The map of account_id (archived accounts too) as of today ("YYYY-MM-DD")
 * with the workspace's stale_days, into *out (arrays and strings in a).
 * Errors: ADV_ENOTFOUND when the account is not in the workspace,
 * ADV_EINVAL for a malformed today, ADV_ENOMEM, database errors.
 */
enum adv_err account_map_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			     const char *today, struct account_map *out);

/*
 * The limit (1..MAP_LIST_LIMIT_MAX) least healthy maps of the live accounts
 * of the workspace that have a live contact, as of today with the
 * workspace's stale_days, and the count of live accounts with none, into
 * *out (arrays and strings in a). One pass over the workspace's live
 * contacts; the memory it holds is bounded by limit and the largest
 * company, not by the workspace. Errors: ADV_EINVAL for a limit out of range
 * or a malformed today, ADV_ENOTFOUND for no such workspace, ADV_ENOMEM,
 * database errors.
 */
enum adv_err account_map_list(struct db_conn *c, struct arena *a, int64_t ws_id, const char *today,
			      unsigned limit, struct account_map_list *out);

#endif
