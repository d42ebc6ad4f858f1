/*
 * plan.h — the relationship plan of a client company (docs/account-map.md,
 * "The relationship plan"): actions towards its contacts, each with what to
 * do, a due date, an owner (a member of the workspace, or nobody) and a
 * status (open, done, cancelled). An action is overdue when it is open and
 * its due date is before today; the workspace's overdue actions are listed
 * per owner.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only rows of that workspace.
 * Writes run in their own transaction unless the connection already has one
 * open (then they join it, in a savepoint), and each writes an audit entry
 * (entity_type "contact_action") tied to the account.
 */
#ifndef ADV_CORE_PLAN_H
#define ADV_CORE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define PLAN_WHAT_MAX		 1000 /* characters of an action's text */
#define PLAN_ACTIONS_PER_ACCOUNT 5000 /* actions of one account, of every status */
#define PLAN_OVERDUE_MAX	 2000 /* actions one overdue list carries */

enum plan_status { PLAN_OPEN, PLAN_DONE, PLAN_CANCELLED, PLAN__MAX };

/* Fields of an action, for patches (a bit per field) and audit. */
enum plan_field {
	PF_CONTACT, /* contact_id */
	PF_WHAT,
	PF_DUE,	  /* due_on */
	PF_OWNER, /* owner_email in JSON; owner_user_id in the row */
	PF_STATUS,
	PF__MAX
};

#define PF_BIT(f) (1u << (f))

struct plan_action {
	int64_t id, account_id, contact_id;
	const char *contact_name, *what, *due_on; /* due_on: YYYY-MM-DD */
	int64_t owner_user_id;			  /* 0 when nobody */
	const char *owner_email, *owner_name;	  /* input: owner_email (a member, NULL: nobody) */
	enum plan_status status;
	const char *done_on; /* YYYY-MM-DD while done, else NULL */
	bool overdue;	     /* output: open and due before today */
	int64_t version;
	const char *created_at, *updated_at;
};

/* One owner's share of the overdue list; user_id 0 (email and name NULL) is "no owner". */
struct plan_owner {
	int64_t user_id;
	const char *email;
	const char *name;
	int64_t overdue;
};

/*
 * The API names of the statuses ("open", "done", "cancelled"); the parse
 * function returns PLAN__MAX for an unknown name (or NULL). plan_status_values
 * is the NULL-terminated list of the names, for validators and messages.
 */
const char *plan_status_name(enum plan_status s);
enum plan_status plan_status_parse(const char *s);
extern const char *const plan_status_values[];

/*
 * Checks the fields in mask that need no other rows: what 1..PLAN_WHAT_MAX
 * characters once trimmed, valid UTF-8 without control characters other
 * than line breaks and tabs; due_on a real date; the status a known one;
 * contact_id positive. The first problem goes to eb with its field ("/what").
 */
enum adv_err plan_check(const struct plan_action *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * The actions of account_id, by due date then id: all of them (status -1)
 * or those of one enum plan_status; overdue is computed against today
 * ("YYYY-MM-DD"). *items is an arena array of *n (at most
 * PLAN_ACTIONS_PER_ACCOUNT). ADV_ENOTFOUND when the account is not in the
 * workspace.
 */
enum adv_err plan_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		       int status /* -1 any, else enum plan_status */,
		       const char *today /* YYYY-MM-DD, for overdue */, struct plan_action **items,
		       size_t *n);

/* Action id of account_id as of today; ADV_ENOTFOUND when there is none. */
enum adv_err plan_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		      int64_t id, const char *today, struct plan_action *out);

/*
 * Adds an action to account_id as actor from the fields in mask of in:
 * contact_id, what and due_on required; the status defaults to open (done:
 * done_on is today); the owner is in->owner_email when PF_OWNER is in mask
 * (NULL: nobody), else the actor when the actor is a member of the workspace,
 * else nobody. Errors: ADV_ENOTFOUND when the account is not in the
 * workspace; ADV_EINVAL "/contact_id" for a contact that is not a live one of
 * the account, "/owner_email" for an owner that is not a member, and the
 * errors of plan_check; ADV_ECONFLICT when the account has
 * PLAN_ACTIONS_PER_ACCOUNT actions already.
 */
enum adv_err plan_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			 int64_t account_id, const struct plan_action *in, uint32_t mask,
			 const char *today, struct plan_action *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to action id of account_id when its
 * version is expect_version (0 = any): bumps the version and audits what
 * changed (nothing changed: nothing written, *out the action as it was).
 * done_on becomes today when the status becomes done and is cleared when it
 * is no longer done; a new contact must be a live contact of the account.
 * Errors as plan_create, plus ADV_ENOTFOUND for an unknown action and
 * ADV_EPRECOND when the version moved on.
 */
enum adv_err plan_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			 int64_t account_id, int64_t id, int64_t expect_version,
			 const struct plan_action *patch, uint32_t mask, const char *today,
			 struct plan_action *out, struct adv_errbuf *eb);

/*
 * The overdue actions of the workspace (open, due before today) on live
 * accounts and live contacts, of one owner (owner_user_id > 0) or of
 * everyone (0): by owner (name, then e-mail, nobody last), then due date,
 * then id. *items (arena array of *n,
 * at most PLAN_OVERDUE_MAX) and *account_names (parallel arena array: the
 * name of each action's account); *owners (arena array of *nowners) counts
 * every overdue action of each owner in the same order, also those beyond
 * PLAN_OVERDUE_MAX.
 */
enum adv_err plan_overdue(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t owner_user_id,
			  const char *today, struct plan_action **items,
			  const char ***account_names, size_t *n, struct plan_owner **owners,
			  size_t *nowners);

#endif
