/*
 * request_escalation.c — escalation of requests past their service level
 * (see request.h, request_escalate_due): each unresolved request whose
 * first-response or resolution deadline has passed is escalated once to the
 * owner of its client company — marked, handed to the owner when nobody
 * has it, noted in its thread for staff and in the company's history, and
 * e-mailed to the owner (core/request_notify.h).
 */
#include "core/request.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/events.h"
#include "core/request_notify.h"
#include "core/tx.h"
#include "util/clock.h"

#define WORKSPACES_MAX 100000

static struct db_sql sql_workspaces = DB_SQL("SELECT id FROM workspaces ORDER BY id LIMIT ?1");
static struct db_sql sql_due =
    DB_SQL("SELECT r.id, r.account_id, acc.owner_user_id, u.name, r.assignee_user_id"
	   " FROM requests r JOIN accounts acc ON acc.id = r.account_id"
	   " AND acc.workspace_id = r.workspace_id LEFT JOIN users u ON u.id = acc.owner_user_id"
	   " WHERE r.workspace_id = ?1 AND r.escalated_at IS NULL"
	   " AND r.status IN ('new', 'open', 'waiting') AND ((r.first_response_at IS NULL"
	   " AND r.first_response_due_at < ?2)"
	   " OR r.resolution_due_at < COALESCE(r.waiting_since, ?2))"
	   " ORDER BY r.id LIMIT ?3");
static struct db_sql sql_mark =
    DB_SQL("UPDATE requests SET escalated_at = ?3, assignee_user_id = ?4,"
	   " version = version + 1, updated_at = ?3 WHERE workspace_id = ?1 AND id = ?2"
	   " AND escalated_at IS NULL");
static struct db_sql sql_note =
    DB_SQL("INSERT INTO request_messages (workspace_id, request_id, author, internal, body,"
	   " created_at) VALUES (?1, ?2, 'staff', 1, ?3, ?4)");
static struct db_sql sql_count =
    DB_SQL("UPDATE requests SET messages = messages + 1 WHERE workspace_id = ?1 AND id = ?2");

/* One request due for escalation. */
struct due {
	int64_t id, account_id, owner_id, assignee_id;
	char owner_name[128];
};

/*
 * Escalates d of workspace ws_id at now, in its own transaction, and
 * e-mails the company's owner it went to (core/request_notify.h); *done
 * when it was.
 */
static enum adv_err
escalate_one(struct db_conn *c, int64_t ws_id, const struct due *d, const char *now, bool *done)
{
	char note[400];
	struct request cur, x;
	struct request_change change;
	struct arena a;
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	*done = false;
	arena_init(&a, 0);
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = request_get(c, &a, ws_id, 0, d->id, &cur)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_mark, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, d->id);
	db_bind_text(st, 3, now);
	db_bind_id(st, 4, d->assignee_id > 0 ? d->assignee_id : d->owner_id);
	if ((rc = db_exec(st)) != ADV_OK || db_changes(st) != 1)
		goto out;
	if (d->owner_id > 0)
		snprintf(
		    note, sizeof(note),
		    "Срок по уровню сервиса нарушен: эскалация ответственному за компанию (%s). "
		    "Service level breached: escalated to the company's owner.",
		    d->owner_name);
	else
		snprintf(note, sizeof(note),
			 "Срок по уровню сервиса нарушен; у компании нет ответственного. "
			 "Service level breached; the company has no owner.");
	if ((rc = db_prepare(c, &sql_note, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, d->id);
	db_bind_text(st, 3, note);
	db_bind_text(st, 4, now);
	if ((rc = db_exec(st)) != ADV_OK || (rc = db_prepare(c, &sql_count, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, d->id);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:n, s:s}}", "escalated_at", "from", "to", now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, 0, "request", d->id, d->account_id, "escalate", changes)) !=
		ADV_OK ||
	    (rc = request_get(c, &a, ws_id, 0, d->id, &x)) != ADV_OK)
		goto out;
	memset(&change, 0, sizeof(change));
	change.before = &cur;
	change.after = &x;
	change.escalated_to = d->owner_id;
	if ((rc = request_notify(c, &a, ws_id, &change)) != ADV_OK)
		goto out;
	*done = true;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	arena_free(&a);
	return rc;
}

/* Escalates at most max due requests of workspace ws_id; adds them to *count. */
static enum adv_err
escalate_workspace(struct db_conn *c, int64_t ws_id, const char *now, unsigned max, unsigned *count)
{
	struct due batch[REQUEST_ESCALATE_BATCH];
	struct db_stmt *st;
	size_t n = 0;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_due, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, max < REQUEST_ESCALATE_BATCH ? max : REQUEST_ESCALATE_BATCH);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct due *d = &batch[n++];
		const char *name = db_col_text(st, 3);

		d->id = db_col_int(st, 0);
		d->account_id = db_col_int(st, 1);
		d->owner_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		snprintf(d->owner_name, sizeof(d->owner_name), "%s", name ? name : "");
		d->assignee_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
	}
	if (rc != ADV_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		bool done;

		if ((rc = escalate_one(c, ws_id, &batch[i], now, &done)) != ADV_OK)
			return rc;
		*count += done;
	}
	return ADV_OK;
}

enum adv_err
request_escalate_due(struct db_conn *c, time_t now_s, unsigned max, unsigned *count)
{
	int64_t *ids = NULL;
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	size_t n = 0, cap = 0;
	enum adv_err rc;
	bool row;

	*count = 0;
	clock_format(now_s, now);
	if ((rc = db_prepare(c, &sql_workspaces, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, WORKSPACES_MAX);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *v = realloc(ids, ncap * sizeof(*v));

			if (v == NULL) {
				db_done(st);
				rc = ADV_ENOMEM;
				goto out;
			}
			ids = v;
			cap = ncap;
		}
		ids[n++] = db_col_int(st, 0);
	}
	if (rc != ADV_OK)
		goto out;
	for (size_t i = 0; i < n && *count < max; i++)
		if ((rc = escalate_workspace(c, ids[i], now, max - *count, count)) != ADV_OK)
			goto out;
out:
	free(ids);
	return rc;
}
