/*
 * audit.h — the audit log: who changed what, when, in which workspace. Every
 * write in core adds an entry in the same transaction as the change.
 */
#ifndef ADV_CORE_AUDIT_H
#define ADV_CORE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

struct audit_entry {
	int64_t id;
	const char *at;
	int64_t actor_user_id;
	const char *actor_email; /* NULL for a system change (import by CLI, demo) */
	const char *actor_name;
	const char *entity_type; /* "account", "supplier", "competitor" */
	int64_t entity_id;
	const char *action;  /* "create", "update", "archive", "restore", "import" */
	const char *changes; /* JSON text: {"field":{"from":x,"to":y}} */
};

/*
 * Records one change, and raises the workspace's data version (once per
 * transaction) so that cached answers about it are not served again.
 * changes is a JSON object (borrowed; not stolen);
 * account_id ties the entry to an account's history (0 when none); actor 0
 * means the system.
 */
enum adv_err audit_write(struct db_conn *c, int64_t ws_id, int64_t actor, const char *entity_type,
			 int64_t entity_id, int64_t account_id, const char *action,
			 json_t *changes);

/*
 * As audit_write, with the changes already written as JSON object text
 * (borrowed), for writers that do not build a jansson tree per entry.
 */
enum adv_err audit_write_text(struct db_conn *c, int64_t ws_id, int64_t actor,
			      const char *entity_type, int64_t entity_id, int64_t account_id,
			      const char *action, const char *changes);

/*
 * A page of an account's history, newest first: entries with id below
 * before_id (0 = from the newest), at most limit. Arena array.
 */
enum adv_err audit_list_account(struct db_conn *c, struct arena *a, int64_t ws_id,
				int64_t account_id, int64_t before_id, unsigned limit,
				struct audit_entry **items, size_t *n);

/*
 * audit_list_account narrowed to the entries about one thing of the account:
 * entity_type (NULL: any) and entity_id (0: any), e.g. "contact" 7.
 */
enum adv_err audit_list_entity(struct db_conn *c, struct arena *a, int64_t ws_id,
			       int64_t account_id, const char *entity_type, int64_t entity_id,
			       int64_t before_id, unsigned limit, struct audit_entry **items,
			       size_t *n);

#endif
