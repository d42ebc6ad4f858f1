/*
 * audit.c — the audit log (see audit.h): one row per change, written in the
 * transaction of the change, read back per account newest first.
 */
#include "core/audit.h"

#include <stdlib.h>
#include <string.h>

#include "core/events.h"
#include "core/identity.h"
#include "util/clock.h"

static struct db_sql sql_audit_add =
    DB_SQL("INSERT INTO audit_log (workspace_id, actor_user_id, entity_type, entity_id,"
	   " account_id, action, changes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
static struct db_sql sql_audit_of_account =
    DB_SQL("SELECT l.id, l.created_at, l.actor_user_id, u.email, u.name, l.entity_type,"
	   " l.entity_id, l.action, l.changes FROM audit_log l"
	   " LEFT JOIN users u ON u.id = l.actor_user_id"
	   " WHERE l.workspace_id = ?1 AND l.account_id = ?2 AND l.id < ?3"
	   " AND (?5 IS NULL OR l.entity_type = ?5) AND (?6 = 0 OR l.entity_id = ?6)"
	   " ORDER BY l.id DESC LIMIT ?4");

enum adv_err
audit_write_text(struct db_conn *c, int64_t ws_id, int64_t actor, const char *entity_type,
		 int64_t entity_id, int64_t account_id, const char *action, const char *changes)
{
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = identity_workspace_touch(c, ws_id)) != ADV_OK)
		return rc;
	if ((rc = db_prepare(c, &sql_audit_add, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if (actor > 0)
		db_bind_int(st, 2, actor);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, entity_type);
	db_bind_int(st, 4, entity_id);
	if (account_id > 0)
		db_bind_int(st, 5, account_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, action);
	db_bind_text(st, 7, changes);
	db_bind_text(st, 8, now);
	if ((rc = db_exec(st)) != ADV_OK)
		return rc;
	return events_raise(c, ws_id, entity_type, entity_id, account_id, action);
}

enum adv_err
audit_write(struct db_conn *c, int64_t ws_id, int64_t actor, const char *entity_type,
	    int64_t entity_id, int64_t account_id, const char *action, json_t *changes)
{
	char *text;
	enum adv_err rc;

	/* Keys in insertion order: writers add fields in their declared order. */
	if ((text = json_dumps(changes, JSON_COMPACT)) == NULL)
		return ADV_ENOMEM;
	rc = audit_write_text(c, ws_id, actor, entity_type, entity_id, account_id, action, text);
	free(text);
	return rc;
}

enum adv_err
audit_list_account(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		   int64_t before_id, unsigned limit, struct audit_entry **items, size_t *n)
{
	return audit_list_entity(c, a, ws_id, account_id, NULL, 0, before_id, limit, items, n);
}

enum adv_err
audit_list_entity(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		  const char *entity_type, int64_t entity_id, int64_t before_id, unsigned limit,
		  struct audit_entry **items, size_t *n)
{
	struct audit_entry *v;
	struct db_stmt *st;
	enum adv_err rc = ADV_OK;
	size_t len = 0;
	bool row;

	*items = NULL;
	*n = 0;
	if ((v = arena_zalloc(a, (limit ? limit : 1) * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_audit_of_account, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, 4, limit);
	db_bind_text(st, 5, entity_type);
	db_bind_int(st, 6, entity_id);
	while (len < limit && (rc = db_step(st, &row)) == ADV_OK && row) {
		struct audit_entry *e = &v[len++];

		e->id = db_col_int(st, 0);
		e->at = arena_strdup(a, db_col_text(st, 1));
		e->actor_user_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		e->actor_email = arena_strdup(a, db_col_text(st, 3));
		e->actor_name = arena_strdup(a, db_col_text(st, 4));
		e->entity_type = arena_strdup(a, db_col_text(st, 5));
		e->entity_id = db_col_int(st, 6);
		e->action = arena_strdup(a, db_col_text(st, 7));
		e->changes = arena_strdup(a, db_col_text(st, 8));
		if (e->at == NULL || e->entity_type == NULL || e->action == NULL ||
		    e->changes == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	if (rc != ADV_OK)
		return rc;
	if (len == limit)
		db_done(st);
	*items = v;
	*n = len;
	return ADV_OK;
}
