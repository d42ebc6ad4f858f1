/*
 * request.c — the requests of the dialog window (see request.h): names of
 * kinds, statuses and priorities, the transition rules, creation with the
 * first message, staff edits with If-Match and audit, replies and internal
 * notes, the client's reopen and close, and the lists. All SQL about
 * requests and request_messages lives here.
 */
#include "core/request.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/events.h"
#include "core/identity.h"
#include "core/listing.h"
#include "core/request_classify.h"
#include "core/request_notify.h"
#include "core/request_settings.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"

#define CURSOR_TAG "requests"

const char *const request_kind_values[] = {
    "question",	     "complaint",	 "suggestion", "praise",
    "order_problem", "shipment_problem", "other",      NULL};
const char *const request_status_values[] = {"new", "open", "waiting", "resolved", "closed", NULL};
const char *const request_priority_values[] = {"low", "normal", "high", "urgent", NULL};

static const char *const field_names[RF__MAX] = {
    [RF_SUBJECT] = "subject",	      [RF_KIND] = "kind",
    [RF_PRIORITY] = "priority",	      [RF_STATUS] = "status",
    [RF_ASSIGNEE] = "assignee_email", [RF_COMPONENT] = "component_id",
    [RF_FACTOR] = "factor_id",	      [RF_STAGE] = "stage_id",
};

/* Columns of a request (read_request) with its company, person and assignee. */
#define REQ_COLS                                                                                   \
	"r.id, r.account_id, r.contact_id, r.portal_user_id, acc.name, k.name, r.channel,"         \
	" r.kind, r.priority, r.subject, r.status, r.assignee_user_id, u.email, u.name,"           \
	" r.component_id, r.factor_id, r.stage_id, r.first_response_at, r.resolved_at,"            \
	" r.closed_at, r.last_message_at, r.reopened, r.messages, r.version, r.created_at,"        \
	" r.updated_at, r.rating, r.rating_comment, r.rated_at, r.signal_assessment_id,"           \
	" r.first_response_due_at, r.resolution_due_at, r.escalated_at, r.reopen_until,"           \
	" r.suggested_component_id, r.suggested_factor_id, r.suggested_stage_id,"                  \
	" r.suggestion_source, r.suggestion_confidence, r.waiting_since, r.paused_minutes"
#define REQ_FROM                                                                                   \
	" FROM requests r JOIN accounts acc ON acc.id = r.account_id"                              \
	" AND acc.workspace_id = r.workspace_id"                                                   \
	" LEFT JOIN contacts k ON k.id = r.contact_id AND k.workspace_id = r.workspace_id"         \
	" LEFT JOIN users u ON u.id = r.assignee_user_id"
/* The bit of a row's status in a status mask. */
#define STATUS_BIT                                                                                 \
	"CASE r.status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'waiting' THEN 4"                 \
	" WHEN 'resolved' THEN 8 ELSE 16 END"

static struct db_sql sql_get = DB_SQL("SELECT " REQ_COLS REQ_FROM " WHERE r.workspace_id = ?1"
				      " AND r.id = ?2 AND (r.account_id = ?3 OR ?3 = 0)");
static struct db_sql sql_list =
    DB_SQL("SELECT " REQ_COLS REQ_FROM " WHERE r.workspace_id = ?1"
	   " AND (r.account_id = ?2 OR ?2 = 0)"
	   " AND (CAST(?3 AS BIGINT) = 0 OR (" STATUS_BIT " & CAST(?3 AS BIGINT)) <> 0)"
	   " AND (r.kind = ?4 OR ?4 IS NULL)"
	   " AND (?5 = -1 OR (?5 = 0 AND r.assignee_user_id IS NULL) OR r.assignee_user_id = ?5)"
	   " AND (r.component_id = ?6 OR ?6 = 0)"
	   " AND (?7 IS NULL OR r.last_message_at < ?7 OR (r.last_message_at = ?7 AND r.id < ?8))"
	   " AND (?10 IS NULL OR (r.status IN ('new', 'open', 'waiting') AND ((r.first_response_at"
	   " IS NULL AND r.first_response_due_at < ?10)"
	   " OR r.resolution_due_at < COALESCE(r.waiting_since, ?10))))"
	   " ORDER BY r.last_message_at DESC, r.id DESC LIMIT ?9");
static struct db_sql sql_thread =
    DB_SQL("SELECT m.id, m.request_id, m.author, m.internal, m.user_id, m.portal_user_id,"
	   " COALESCE(u.name, k.name), m.body, m.created_at, m.helpful FROM request_messages m"
	   " LEFT JOIN users u ON u.id = m.user_id"
	   " LEFT JOIN requests r ON r.id = m.request_id AND r.workspace_id = m.workspace_id"
	   " LEFT JOIN contacts k ON k.id = r.contact_id AND k.workspace_id = m.workspace_id"
	   " AND m.author = 'client'"
	   " WHERE m.workspace_id = ?1 AND m.request_id = ?2 AND (m.internal = 0 OR ?3 = 1)"
	   " ORDER BY m.id LIMIT ?4");
static struct db_sql sql_live_account =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2 AND archived_at IS NULL");
static struct db_sql sql_live_contact =
    DB_SQL("SELECT id FROM contacts WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND archived_at IS NULL");
static struct db_sql sql_component =
    DB_SQL("SELECT id FROM loyalty_components WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_factor =
    DB_SQL("SELECT component_id FROM loyalty_factors WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_stage =
    DB_SQL("SELECT id FROM journey_stages WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_first_message =
    DB_SQL("SELECT body FROM request_messages WHERE workspace_id = ?1 AND request_id = ?2"
	   " ORDER BY id LIMIT 1");
static struct db_sql sql_member_by_id =
    DB_SQL("SELECT u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id"
	   " WHERE m.workspace_id = ?1 AND m.user_id = ?2");
static struct db_sql sql_insert = DB_SQL(
    "INSERT INTO requests (workspace_id, account_id, contact_id, portal_user_id, channel, kind,"
    " priority, subject, status, messages, last_message_at, created_by, version, created_at,"
    " updated_at, assignee_user_id, first_response_due_at, resolution_due_at,"
    " suggested_component_id, suggested_factor_id, suggested_stage_id, suggestion_source,"
    " suggestion_confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'new', 1, ?9, ?10, 1, ?9,"
    " ?9, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    " RETURNING id");
static struct db_sql sql_insert_message =
    DB_SQL("INSERT INTO request_messages (workspace_id, request_id, author, user_id,"
	   " portal_user_id, internal, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	   " RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE requests SET subject = ?3, kind = ?4, priority = ?5, status = ?6,"
	   " assignee_user_id = ?7, component_id = ?8, factor_id = ?9, stage_id = ?10,"
	   " first_response_at = ?11, resolved_at = ?12, closed_at = ?13, reopened = ?14,"
	   " messages = ?15, last_message_at = ?16, version = version + 1, updated_at = ?17,"
	   " first_response_due_at = ?19, resolution_due_at = ?20, reopen_until = ?21,"
	   " waiting_since = ?22, paused_minutes = ?23 WHERE workspace_id = ?1 AND id = ?2 AND "
	   "version = ?18");

static enum request_status
status_or(int v)
{
	return v >= 0 && v < RS__MAX ? (enum request_status)v : RS_NEW;
}

/* Index of s in the NULL-terminated names, or max when absent. */
static int
name_index(const char *const *names, int max, const char *s)
{
	for (int i = 0; s != NULL && i < max; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return max;
}

enum request_kind
request_kind_parse(const char *s)
{
	return (enum request_kind)name_index(request_kind_values, RK__MAX, s);
}

enum request_status
request_status_parse(const char *s)
{
	return (enum request_status)name_index(request_status_values, RS__MAX, s);
}

enum request_priority
request_priority_parse(const char *s)
{
	return (enum request_priority)name_index(request_priority_values, RP__MAX, s);
}

const char *
request_kind_name(enum request_kind k)
{
	return (unsigned)k < RK__MAX ? request_kind_values[k] : "other";
}

const char *
request_status_name(enum request_status s)
{
	return (unsigned)s < RS__MAX ? request_status_values[s] : "new";
}

const char *
request_priority_name(enum request_priority p)
{
	return (unsigned)p < RP__MAX ? request_priority_values[p] : "normal";
}

/* Whether now_s is before reopen_until (NULL: never). */
static bool
within_reopen_window(const char *reopen_until, int64_t now_s)
{
	char now[CLOCK_TEXT_MAX];

	if (reopen_until == NULL)
		return false;
	clock_format((time_t)now_s, now);
	return strcmp(now, reopen_until) < 0;
}

bool
request_transition_allowed(enum request_status from, enum request_status to, bool by_client,
			   const char *reopen_until, int64_t now_s)
{
	if ((unsigned)from >= RS__MAX || (unsigned)to >= RS__MAX || from == to || to == RS_NEW)
		return false;
	if (by_client) {
		if (to == RS_OPEN)
			return (from == RS_RESOLVED || from == RS_CLOSED) &&
			       within_reopen_window(reopen_until, now_s);
		return to == RS_CLOSED && from == RS_RESOLVED;
	}
	switch (to) {
	case RS_OPEN:
	case RS_WAITING:
	case RS_RESOLVED:
		return true;
	case RS_CLOSED:
		return from == RS_RESOLVED;
	default:
		return false;
	}
}

/* Reads the current row of st (REQ_COLS) into out; can_reopen as of now_s. */
static enum adv_err
read_request(struct db_stmt *st, struct arena *a, int64_t now_s, struct request *out)
{
	char now[CLOCK_TEXT_MAX];
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->account_id = db_col_int(st, 1);
	out->contact_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
	out->portal_user_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
	out->account_name = db_col_dup(st, a, 4, &oom);
	out->contact_name = db_col_dup(st, a, 5, &oom);
	out->from_portal = strcmp(db_col_text(st, 6), "portal") == 0;
	out->kind = request_kind_parse(db_col_text(st, 7));
	out->priority = request_priority_parse(db_col_text(st, 8));
	out->subject = db_col_dup(st, a, 9, &oom);
	out->status = status_or((int)request_status_parse(db_col_text(st, 10)));
	out->assignee_user_id = db_col_null(st, 11) ? 0 : db_col_int(st, 11);
	out->assignee_email = db_col_dup(st, a, 12, &oom);
	out->assignee_name = db_col_dup(st, a, 13, &oom);
	out->component_id = db_col_null(st, 14) ? 0 : db_col_int(st, 14);
	out->factor_id = db_col_null(st, 15) ? 0 : db_col_int(st, 15);
	out->stage_id = db_col_null(st, 16) ? 0 : db_col_int(st, 16);
	out->first_response_at = db_col_dup(st, a, 17, &oom);
	out->resolved_at = db_col_dup(st, a, 18, &oom);
	out->closed_at = db_col_dup(st, a, 19, &oom);
	out->last_message_at = db_col_dup(st, a, 20, &oom);
	out->reopened = db_col_int(st, 21);
	out->messages = db_col_int(st, 22);
	out->version = db_col_int(st, 23);
	out->created_at = db_col_dup(st, a, 24, &oom);
	out->updated_at = db_col_dup(st, a, 25, &oom);
	out->rating = db_col_null(st, 26) ? 0 : (int)db_col_int(st, 26);
	out->rating_comment = db_col_dup(st, a, 27, &oom);
	out->rated_at = db_col_dup(st, a, 28, &oom);
	out->signal_assessment_id = db_col_null(st, 29) ? 0 : db_col_int(st, 29);
	out->first_response_due_at = db_col_dup(st, a, 30, &oom);
	out->resolution_due_at = db_col_dup(st, a, 31, &oom);
	out->escalated_at = db_col_dup(st, a, 32, &oom);
	out->reopen_until = db_col_dup(st, a, 33, &oom);
	out->suggested_component_id = db_col_null(st, 34) ? 0 : db_col_int(st, 34);
	out->suggested_factor_id = db_col_null(st, 35) ? 0 : db_col_int(st, 35);
	out->suggested_stage_id = db_col_null(st, 36) ? 0 : db_col_int(st, 36);
	out->suggestion_source = db_col_dup(st, a, 37, &oom);
	out->suggestion_confidence = db_col_null(st, 38) ? 0 : db_col_double(st, 38);
	out->waiting_since = db_col_dup(st, a, 39, &oom);
	out->paused_minutes = db_col_int(st, 40);
	clock_format((time_t)now_s, now);
	out->first_response_breached = out->first_response_due_at != NULL &&
				       strcmp(out->first_response_at ? out->first_response_at : now,
					      out->first_response_due_at) > 0;
	/* While the request waits for the client its resolution clock stands. */
	out->resolution_breached =
	    out->resolution_due_at != NULL && strcmp(out->resolved_at	  ? out->resolved_at
						     : out->waiting_since ? out->waiting_since
									  : now,
						     out->resolution_due_at) > 0;
	out->can_reopen =
	    request_transition_allowed(out->status, RS_OPEN, true, out->reopen_until, now_s);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
request_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_scope, int64_t id,
	    struct request *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, account_scope > 0 ? account_scope : 0);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_request(st, a, (int64_t)time(NULL), out);
	db_done(st);
	return rc;
}

enum adv_err
request_list(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_filter *f,
	     const char *cursor, unsigned limit, struct request **items, size_t *n,
	     const char **next, struct adv_errbuf *eb)
{
	struct request *v = NULL;
	char now[CLOCK_TEXT_MAX];
	json_t *key = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	int64_t now_s = (int64_t)time(NULL);
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	*next = NULL;
	if (limit == 0 || limit > REQUEST_LIST_MAX)
		limit = REQUEST_LIST_MAX;
	if (cursor != NULL &&
	    (rc = listing_cursor_decode(cursor, CURSOR_TAG, 3, &key, eb)) != ADV_OK)
		goto out;
	if (key != NULL &&
	    (!json_is_string(json_array_get(key, 1)) || !json_is_integer(json_array_get(key, 2)))) {
		rc = adv_fail(eb, ADV_EINVAL, "cursor", "cursor is not one of this list");
		goto out;
	}
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, f->account_id);
	db_bind_int(st, 3, f->status_mask);
	db_bind_text(st, 4,
		     f->kind >= 0 && f->kind < RK__MAX ? request_kind_values[f->kind] : NULL);
	db_bind_int(st, 5, f->assignee);
	db_bind_int(st, 6, f->component_id);
	db_bind_text(st, 7, key ? json_string_value(json_array_get(key, 1)) : NULL);
	db_bind_int(st, 8, key ? json_integer_value(json_array_get(key, 2)) : 0);
	db_bind_int(st, 9, (int64_t)limit + 1);
	clock_format((time_t)now_s, now);
	db_bind_text(st, 10, f->overdue ? now : NULL);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct request *room;

		if (len == limit) {
			db_done(st);
			break;
		}
		room = arena_array_room(a, v, &cap, len, sizeof(*v));
		if (room == NULL || (rc = read_request(st, a, now_s, &room[len])) != ADV_OK) {
			db_done(st);
			rc = room == NULL ? ADV_ENOMEM : rc;
			goto out;
		}
		v = room;
		len++;
	}
	if (rc != ADV_OK)
		goto out;
	if (len == limit && row) {
		json_t *k = json_pack("[s, s, I]", CURSOR_TAG, v[len - 1].last_message_at,
				      (json_int_t)v[len - 1].id);

		*next = k ? listing_cursor_encode(a, k) : NULL;
		json_decref(k);
		if (*next == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	*items = v;
	*n = len;
out:
	json_decref(key);
	return rc;
}

enum adv_err
request_thread(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id, bool include_internal,
	       struct request_message **items, size_t *n)
{
	struct request_message *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row, oom = false;

	*items = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_thread, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, include_internal ? 1 : 0);
	db_bind_int(st, 4, REQUEST_MESSAGES_MAX);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct request_message *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = room;
		v[len].id = db_col_int(st, 0);
		v[len].request_id = db_col_int(st, 1);
		v[len].from_client = strcmp(db_col_text(st, 2), "client") == 0;
		v[len].internal = db_col_int(st, 3) != 0;
		v[len].user_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		v[len].portal_user_id = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
		v[len].author_name = db_col_dup(st, a, 6, &oom);
		v[len].body = db_col_dup(st, a, 7, &oom);
		v[len].created_at = db_col_dup(st, a, 8, &oom);
		v[len].helpful = db_col_null(st, 9) ? -1 : (int)db_col_int(st, 9);
		len++;
	}
	if (rc != ADV_OK)
		return rc;
	if (oom)
		return ADV_ENOMEM;
	*items = v;
	*n = len;
	return ADV_OK;
}

enum adv_err
request_check(const struct request *in, uint32_t mask, struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((mask & RF_BIT(RF_SUBJECT)) &&
	    (rc = text_check(eb, "/subject", "subject", in->subject, true, REQUEST_SUBJECT_MAX,
			     false)) != ADV_OK)
		return rc;
	if ((mask & RF_BIT(RF_KIND)) && (unsigned)in->kind >= RK__MAX)
		return adv_fail(eb, ADV_EINVAL, "/kind",
				"kind must be one of: question, complaint, suggestion, praise, "
				"order_problem, shipment_problem, other");
	if ((mask & RF_BIT(RF_PRIORITY)) && (unsigned)in->priority >= RP__MAX)
		return adv_fail(eb, ADV_EINVAL, "/priority",
				"priority must be one of: low, normal, high, urgent");
	if ((mask & RF_BIT(RF_STATUS)) && (unsigned)in->status >= RS__MAX)
		return adv_fail(eb, ADV_EINVAL, "/status",
				"status must be one of: new, open, waiting, resolved, closed");
	return ADV_OK;
}

/* Whether sql (?1 workspace, ?2 id) finds a row; its first column into *col0 when it does. */
static enum adv_err
row_exists(struct db_conn *c, struct db_sql *sql, int64_t ws_id, int64_t id, int64_t v3,
	   bool *found, int64_t *col0)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*found = false;
	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if (v3 != 0)
		db_bind_int(st, 3, v3);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*found = true;
	if (col0 != NULL)
		*col0 = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

enum adv_err
request_event(struct db_conn *c, int64_t ws_id, const struct request *x, const char *action,
	      bool public)
{
	char extra[64];
	struct event e;

	snprintf(extra, sizeof(extra), "{\"status\":\"%s\"}", request_status_name(x->status));
	memset(&e, 0, sizeof(e));
	e.ws_id = ws_id;
	e.entity = "request";
	e.id = x->id;
	e.account_id = x->account_id;
	e.topic_id = x->id;
	e.action = action;
	e.visibility = public ? EVENT_PUBLIC : EVENT_STAFF;
	e.extra = extra;
	return events_raise_ex(c, &e);
}

/* Inserts a message of request id; its id into *id. */
static enum adv_err
insert_message(struct db_conn *c, int64_t ws_id, int64_t request_id,
	       const struct request_actor *actor, bool internal, const char *body, const char *now,
	       int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_insert_message, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, request_id);
	db_bind_text(st, 3, actor->client ? "client" : "staff");
	db_bind_id(st, 4, actor->client ? 0 : actor->user_id);
	db_bind_id(st, 5, actor->client ? actor->portal_user_id : 0);
	db_bind_int(st, 6, internal ? 1 : 0);
	db_bind_text(st, 7, body);
	db_bind_text(st, 8, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EDB;
	*id = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

/* Writes every stored field of x over the row with version x->version; x->version is bumped. */
static enum adv_err
store_request(struct db_conn *c, int64_t ws_id, struct request *x, const char *now,
	      struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, x->subject);
	db_bind_text(st, 4, request_kind_name(x->kind));
	db_bind_text(st, 5, request_priority_name(x->priority));
	db_bind_text(st, 6, request_status_name(x->status));
	db_bind_id(st, 7, x->assignee_user_id);
	db_bind_id(st, 8, x->component_id);
	db_bind_id(st, 9, x->factor_id);
	db_bind_id(st, 10, x->stage_id);
	db_bind_text(st, 11, x->first_response_at);
	db_bind_text(st, 12, x->resolved_at);
	db_bind_text(st, 13, x->closed_at);
	db_bind_int(st, 14, x->reopened);
	db_bind_int(st, 15, x->messages);
	db_bind_text(st, 16, x->last_message_at);
	db_bind_text(st, 17, now);
	db_bind_int(st, 18, x->version);
	db_bind_text(st, 19, x->first_response_due_at);
	db_bind_text(st, 20, x->resolution_due_at);
	db_bind_text(st, 21, x->reopen_until);
	db_bind_text(st, 22, x->waiting_since);
	db_bind_int(st, 23, x->paused_minutes);
	if ((rc = db_exec(st)) != ADV_OK)
		return rc;
	if (db_changes(st) != 1)
		return adv_fail(eb, ADV_EPRECOND, NULL,
				"the request was changed by someone else meanwhile; reload it and "
				"apply your change again");
	x->version++;
	return ADV_OK;
}

/*
 * Starts x's resolution clock again as it stops waiting for the client, at
 * now: the working minutes of calendar cal it waited are added to
 * paused_minutes and to its resolution deadline (which moves as far in
 * working time). Strings are allocated in a; a time that does not parse
 * leaves the deadline as it was.
 */
static void
clock_resume(struct arena *a, const struct worktime_calendar *cal, struct request *x,
	     const char *now)
{
	char text[CLOCK_TEXT_MAX];
	time_t since, until, due;
	int64_t waited = 0;

	if (x->waiting_since != NULL && clock_parse(x->waiting_since, &since) &&
	    clock_parse(now, &until) && until > since &&
	    worktime_between(cal, since, until, &waited) && waited >= 60) {
		x->paused_minutes += waited / 60;
		if (x->resolution_due_at != NULL && clock_parse(x->resolution_due_at, &due) &&
		    worktime_add(cal, due, waited / 60, &due)) {
			clock_format(due, text);
			x->resolution_due_at = arena_strdup(a, text);
		}
	}
	x->waiting_since = NULL;
}

/*
 * Moves x to status to at now (RFC 3339): stamps resolved_at on resolution
 * and opens the client's reopening window of reopen_days, stamps closed_at
 * on closing, clears them and counts a reopening when it opens again from
 * resolved or closed.
 */
static void
apply_status(struct arena *a, struct request *x, enum request_status to, const char *now,
	     const struct request_settings *set)
{
	int reopen_days = set->reopen_days;

	if (to == x->status)
		return;
	if (x->status == RS_WAITING)
		clock_resume(a, &set->calendar, x, now);
	if (to == RS_WAITING)
		x->waiting_since = arena_strdup(a, now);
	if ((x->status == RS_RESOLVED || x->status == RS_CLOSED) &&
	    (to == RS_OPEN || to == RS_WAITING)) {
		x->reopened++;
		x->resolved_at = x->closed_at = x->reopen_until = NULL;
	}
	if (to == RS_RESOLVED) {
		time_t t;
		char until[CLOCK_TEXT_MAX];

		x->resolved_at = arena_strdup(a, now);
		if (clock_parse(now, &t)) {
			clock_format(t + (time_t)reopen_days * REQUEST_SECONDS_DAY, until);
			x->reopen_until = arena_strdup(a, until);
		}
	}
	if (to == RS_CLOSED) {
		x->closed_at = arena_strdup(a, now);
		if (x->resolved_at == NULL)
			x->resolved_at = x->closed_at;
	}
	x->status = to;
}

/*
 * Sets x's deadlines from the settings for its kind and priority, counted
 * from its creation; the resolution deadline later by the working minutes
 * it has waited for the client.
 */
static enum adv_err
set_deadlines(struct arena *a, const struct request_settings *set, struct request *x)
{
	char first[CLOCK_TEXT_MAX], resolution[CLOCK_TEXT_MAX];
	time_t created, due;

	if (!clock_parse(x->created_at, &created))
		created = time(NULL);
	request_deadlines(set, (int)x->kind, (int)x->priority, created, first, resolution);
	if (resolution[0] && x->paused_minutes > 0 && clock_parse(resolution, &due) &&
	    worktime_add(&set->calendar, due, x->paused_minutes, &due))
		clock_format(due, resolution);
	x->first_response_due_at = first[0] ? arena_strdup(a, first) : NULL;
	x->resolution_due_at = resolution[0] ? arena_strdup(a, resolution) : NULL;
	if ((first[0] && x->first_response_due_at == NULL) ||
	    (resolution[0] && x->resolution_due_at == NULL))
		return ADV_ENOMEM;
	return ADV_OK;
}

/* Sets x's assignee to member user_id with their e-mail and name. */
static enum adv_err
assignee_by_id(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t user_id,
	       struct request *x)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	if ((rc = db_prepare(c, &sql_member_by_id, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, user_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	x->assignee_user_id = user_id;
	x->assignee_email = db_col_dup(st, a, 0, &oom);
	x->assignee_name = db_col_dup(st, a, 1, &oom);
	db_done(st);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
request_create(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_actor *actor,
	       const struct request_new *in, struct request *out, struct adv_errbuf *eb)
{
	struct request_settings set;
	struct request_suggestion sug;
	struct request_message first_msg;
	struct request_change change;
	char now[CLOCK_TEXT_MAX];
	const char *subject, *body, *text;
	enum request_priority priority =
	    (unsigned)in->priority < RP__MAX ? in->priority : RP_NORMAL;
	int64_t account_id, contact_id, msg_id, assignee;
	struct db_stmt *st;
	struct request x;
	json_t *changes = NULL;
	struct tx t;
	bool row, found, began = false, oom = false;
	enum adv_err rc;

	if ((rc = text_check(eb, "/subject", "subject", in->subject, true, REQUEST_SUBJECT_MAX,
			     false)) != ADV_OK ||
	    (rc = text_check(eb, "/body", "body", in->body, true, REQUEST_BODY_MAX, true)) !=
		ADV_OK)
		goto out;
	if ((unsigned)in->kind >= RK__MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/kind", "kind is not a known kind of request");
		goto out;
	}
	subject = text_trimmed(a, in->subject, &oom);
	body = text_trimmed(a, in->body, &oom);
	if (oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	account_id = actor->client ? actor->account_id : in->account_id;
	contact_id = actor->client ? actor->contact_id : in->contact_id;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = row_exists(c, &sql_live_account, ws_id, account_id, 0, &found, NULL)) != ADV_OK)
		goto out;
	if (!found) {
		rc = adv_fail(eb, ADV_EINVAL, "/account_id",
			      "account_id %lld is not a current client company of this workspace",
			      (long long)account_id);
		goto out;
	}
	if (contact_id > 0) {
		struct db_stmt *cs;

		if ((rc = db_prepare(c, &sql_live_contact, &cs)) != ADV_OK)
			goto out;
		db_bind_int(cs, 1, ws_id);
		db_bind_int(cs, 2, account_id);
		db_bind_int(cs, 3, contact_id);
		if ((rc = db_step(cs, &row)) != ADV_OK)
			goto out;
		if (!row) {
			rc = adv_fail(eb, ADV_EINVAL, "/contact_id",
				      "contact_id %lld is not a current contact of this company",
				      (long long)contact_id);
			goto out;
		}
		db_done(cs);
	}
	clock_now_plus(0, now);
	memset(&x, 0, sizeof(x));
	x.kind = in->kind;
	x.priority = priority;
	x.created_at = now;
	if ((text = arena_printf(a, "%s\n%s", subject, body)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = request_classify_suggest(c, a, ws_id, text, &sug)) != ADV_OK ||
	    (rc = request_settings_load(c, a, ws_id, &set)) != ADV_OK ||
	    (rc = set_deadlines(a, &set, &x)) != ADV_OK ||
	    (rc = request_rule_assign(c, ws_id, &set, (int)in->kind, 0, &assignee)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_id(st, 3, contact_id);
	db_bind_id(st, 4, actor->client ? actor->portal_user_id : 0);
	db_bind_text(st, 5, actor->client ? "portal" : "staff");
	db_bind_text(st, 6, request_kind_name(in->kind));
	db_bind_text(st, 7, request_priority_name(priority));
	db_bind_text(st, 8, subject);
	db_bind_text(st, 9, now);
	db_bind_id(st, 10, actor->client ? 0 : actor->user_id);
	db_bind_id(st, 11, assignee);
	db_bind_text(st, 12, x.first_response_due_at);
	db_bind_text(st, 13, x.resolution_due_at);
	db_bind_id(st, 14, sug.label[CT_COMPONENT]);
	db_bind_id(st, 15, sug.label[CT_FACTOR]);
	db_bind_id(st, 16, sug.label[CT_STAGE]);
	db_bind_text(st, 17, sug.source[CT_COMPONENT]);
	db_bind_double(st, 18, sug.confidence[CT_COMPONENT]);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	x.id = db_col_int(st, 0);
	db_done(st);
	/*
	 * The first message is the client's words, also when a member records
	 * them: it counts as the client's side of the thread.
	 */
	{
		struct request_actor first = *actor;

		first.client = true;
		first.portal_user_id = actor->client ? actor->portal_user_id : 0;
		if ((rc = insert_message(c, ws_id, x.id, &first, false, body, now, &msg_id)) !=
		    ADV_OK)
			goto out;
	}
	if ((rc = request_get(c, a, ws_id, 0, x.id, &x)) != ADV_OK)
		goto out;
	changes = json_pack("{s:{s:n, s:s}, s:{s:n, s:s}, s:{s:n, s:s}}", "subject", "from", "to",
			    subject, "kind", "from", "to", request_kind_name(x.kind), "channel",
			    "from", "to", actor->client ? "portal" : "staff");
	if (changes == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor->client ? 0 : actor->user_id, "request", x.id,
			      account_id, "create", changes)) != ADV_OK ||
	    (rc = request_event(c, ws_id, &x, "create", true)) != ADV_OK)
		goto out;
	memset(&first_msg, 0, sizeof(first_msg));
	first_msg.id = msg_id;
	first_msg.request_id = x.id;
	first_msg.from_client = true;
	first_msg.helpful = -1;
	first_msg.portal_user_id = actor->client ? actor->portal_user_id : 0;
	first_msg.author_name = x.contact_name;
	first_msg.body = body;
	first_msg.created_at = x.created_at;
	memset(&change, 0, sizeof(change));
	change.actor = actor;
	change.after = &x;
	change.message = &first_msg;
	if ((rc = request_notify(c, a, ws_id, &change)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* The audit value of field f of x (new reference). */
static json_t *
field_json(const struct request *x, enum request_field f)
{
	switch (f) {
	case RF_SUBJECT:
		return json_string(x->subject);
	case RF_KIND:
		return json_string(request_kind_name(x->kind));
	case RF_PRIORITY:
		return json_string(request_priority_name(x->priority));
	case RF_STATUS:
		return json_string(request_status_name(x->status));
	case RF_ASSIGNEE:
		return x->assignee_email ? json_string(x->assignee_email) : json_null();
	case RF_COMPONENT:
		return x->component_id ? json_integer(x->component_id) : json_null();
	case RF_FACTOR:
		return x->factor_id ? json_integer(x->factor_id) : json_null();
	default:
		return x->stage_id ? json_integer(x->stage_id) : json_null();
	}
}

/* The audit changes from before to after, field by field; *out is a new reference. */
static enum adv_err
request_diff(const struct request *before, const struct request *after, json_t **out)
{
	json_t *changes = json_object();

	*out = NULL;
	if (changes == NULL)
		return ADV_ENOMEM;
	for (int f = 0; f < RF__MAX; f++) {
		json_t *from = field_json(before, (enum request_field)f);
		json_t *to = field_json(after, (enum request_field)f);
		bool ok = from != NULL && to != NULL;

		if (ok && !json_equal(from, to))
			ok = json_object_set_new(changes, field_names[f],
						 json_pack("{s:O, s:O}", "from", from, "to", to)) ==
			     0;
		json_decref(from);
		json_decref(to);
		if (!ok) {
			json_decref(changes);
			return ADV_ENOMEM;
		}
	}
	*out = changes;
	return ADV_OK;
}

/*
 * Resolves the classification fields in mask of patch onto x: ids of the
 * workspace's catalogue (0 clears). A factor sets its component when none
 * is named; a factor of another component than the one named is refused.
 */
static enum adv_err
classify_apply(struct db_conn *c, int64_t ws_id, const struct request *patch, uint32_t mask,
	       struct request *x, struct adv_errbuf *eb)
{
	bool found;
	int64_t factor_component = 0;
	enum adv_err rc;

	if (mask & RF_BIT(RF_COMPONENT)) {
		if (patch->component_id > 0) {
			if ((rc = row_exists(c, &sql_component, ws_id, patch->component_id, 0,
					     &found, NULL)) != ADV_OK)
				return rc;
			if (!found)
				return adv_fail(eb, ADV_EINVAL, "/component_id",
						"component_id %lld is not a component of this "
						"workspace's catalogue",
						(long long)patch->component_id);
		}
		x->component_id = patch->component_id;
	}
	if (mask & RF_BIT(RF_FACTOR)) {
		if (patch->factor_id > 0) {
			if ((rc = row_exists(c, &sql_factor, ws_id, patch->factor_id, 0, &found,
					     &factor_component)) != ADV_OK)
				return rc;
			if (!found)
				return adv_fail(eb, ADV_EINVAL, "/factor_id",
						"factor_id %lld is not a factor of this "
						"workspace's catalogue",
						(long long)patch->factor_id);
			if ((mask & RF_BIT(RF_COMPONENT)) && patch->component_id > 0 &&
			    patch->component_id != factor_component)
				return adv_fail(eb, ADV_EINVAL, "/factor_id",
						"factor_id %lld belongs to another component",
						(long long)patch->factor_id);
			x->component_id = factor_component;
		}
		x->factor_id = patch->factor_id;
	}
	if (mask & RF_BIT(RF_STAGE)) {
		if (patch->stage_id > 0) {
			if ((rc = row_exists(c, &sql_stage, ws_id, patch->stage_id, 0, &found,
					     NULL)) != ADV_OK)
				return rc;
			if (!found)
				return adv_fail(eb, ADV_EINVAL, "/stage_id",
						"stage_id %lld is not a journey stage of this "
						"workspace",
						(long long)patch->stage_id);
		}
		x->stage_id = patch->stage_id;
	}
	return ADV_OK;
}

/* Sets x's assignee to the member with e-mail email (NULL: nobody); ADV_EINVAL otherwise. */
static enum adv_err
assignee_resolve(struct db_conn *c, struct arena *a, int64_t ws_id, const char *email,
		 struct request *x, struct adv_errbuf *eb)
{
	struct member m;
	enum adv_err rc;

	x->assignee_user_id = 0;
	x->assignee_email = x->assignee_name = NULL;
	if (email == NULL)
		return ADV_OK;
	memset(&m, 0, sizeof(m));
	rc = identity_email_valid(email) ? identity_member_by_email(c, a, ws_id, email, &m)
					 : ADV_ENOTFOUND;
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, ADV_EINVAL, "/assignee_email",
				"assignee_email must be the e-mail of a member of this workspace");
	if (rc != ADV_OK)
		return rc;
	x->assignee_user_id = m.user_id;
	x->assignee_email = m.email;
	x->assignee_name = m.name;
	return ADV_OK;
}

/* Teaches the classifier that request cur is now classified as x (its subject and first words). */
static enum adv_err
learn(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request *cur,
      const struct request *x)
{
	const int64_t before[CT__MAX] = {cur->component_id, cur->factor_id, cur->stage_id};
	const int64_t after[CT__MAX] = {x->component_id, x->factor_id, x->stage_id};
	const char *text;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_first_message, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, cur->id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	text = arena_printf(a, "%s\n%s", cur->subject, row ? db_col_text(st, 0) : "");
	if (row)
		db_done(st);
	if (text == NULL)
		return ADV_ENOMEM;
	return request_classify_learn(c, a, ws_id, text, before, after);
}

enum adv_err
request_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
	       int64_t expect_version, const struct request *patch, uint32_t mask,
	       struct request *out, struct adv_errbuf *eb)
{
	struct request_settings set;
	struct request_actor staff = {.client = false, .user_id = actor};
	struct request_change change;
	char now[CLOCK_TEXT_MAX];
	struct request cur, x;
	json_t *changes = NULL;
	struct tx t;
	bool began = false, oom = false;
	enum adv_err rc;

	if ((rc = request_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, 0, id, &cur);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)id);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	if (expect_version != 0 && expect_version != cur.version) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the request was changed by someone else (version %lld, not %lld); "
			      "reload it and apply your change again",
			      (long long)cur.version, (long long)expect_version);
		goto out;
	}
	if ((rc = request_settings_load(c, a, ws_id, &set)) != ADV_OK)
		goto out;
	x = cur;
	clock_now_plus(0, now);
	if (mask & RF_BIT(RF_SUBJECT))
		x.subject = text_trimmed(a, patch->subject, &oom);
	if (mask & RF_BIT(RF_KIND))
		x.kind = patch->kind;
	if (mask & RF_BIT(RF_PRIORITY))
		x.priority = patch->priority;
	if (oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((mask & RF_BIT(RF_STATUS)) && patch->status != cur.status) {
		if (!request_transition_allowed(cur.status, patch->status, false, cur.reopen_until,
						(int64_t)time(NULL))) {
			rc = adv_fail(eb, ADV_ECONFLICT, "/status", "a %s request cannot become %s",
				      request_status_name(cur.status),
				      request_status_name(patch->status));
			goto out;
		}
		apply_status(a, &x, patch->status, now, &set);
	}
	if ((x.kind != cur.kind || x.priority != cur.priority) &&
	    (rc = set_deadlines(a, &set, &x)) != ADV_OK)
		goto out;
	if ((mask & RF_BIT(RF_ASSIGNEE)) &&
	    (rc = assignee_resolve(c, a, ws_id, patch->assignee_email, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = classify_apply(c, ws_id, patch, mask, &x, eb)) != ADV_OK)
		goto out;
	/* A request classified while nobody has it goes to the rule of its component. */
	if (x.assignee_user_id == 0 && !(mask & RF_BIT(RF_ASSIGNEE)) && x.component_id > 0 &&
	    x.component_id != cur.component_id) {
		int64_t uid;

		if ((rc = request_rule_assign(c, ws_id, &set, (int)x.kind, x.component_id, &uid)) !=
			ADV_OK ||
		    (uid > 0 && (rc = assignee_by_id(c, a, ws_id, uid, &x)) != ADV_OK))
			goto out;
	}
	if ((rc = request_diff(&cur, &x, &changes)) != ADV_OK)
		goto out;
	*out = cur;
	if (json_object_size(changes) == 0)
		goto out;
	if ((rc = store_request(c, ws_id, &x, now, eb)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "request", id, x.account_id, "update", changes)) !=
		ADV_OK)
		goto out;
	if ((x.component_id != cur.component_id || x.factor_id != cur.factor_id ||
	     x.stage_id != cur.stage_id) &&
	    ((rc = learn(c, a, ws_id, &cur, &x)) != ADV_OK ||
	     (rc = request_signal_sync(c, a, ws_id, actor, id, eb)) != ADV_OK))
		goto out;
	if ((rc = request_get(c, a, ws_id, 0, id, out)) != ADV_OK)
		goto out;
	if (out->status != cur.status &&
	    (rc = request_event(c, ws_id, out, "status", true)) != ADV_OK)
		goto out;
	memset(&change, 0, sizeof(change));
	change.actor = &staff;
	change.before = &cur;
	change.after = out;
	rc = request_notify(c, a, ws_id, &change);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* The author's name of a new message of actor (a member's name, or the request's person). */
static enum adv_err
author_name(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_actor *actor,
	    const struct request *x, const char **out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	*out = NULL;
	if (actor->client) {
		*out = x->contact_name;
		return ADV_OK;
	}
	if ((rc = db_prepare(c, &sql_member_by_id, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, actor->user_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*out = db_col_dup(st, a, 1, &oom);
	db_done(st);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
request_reply(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_actor *actor,
	      int64_t id, const char *body, bool internal, int set_status,
	      struct request_message *msg, struct request *out, struct adv_errbuf *eb)
{
	struct request_settings set;
	struct request_change change;
	char now[CLOCK_TEXT_MAX];
	struct request cur, x;
	const char *text;
	json_t *changes = NULL;
	struct tx t;
	bool began = false, oom = false;
	enum adv_err rc;

	if ((rc = text_check(eb, "/body", "body", body, true, REQUEST_BODY_MAX, true)) != ADV_OK)
		goto out;
	if (actor->client && (internal || set_status >= 0)) {
		rc = adv_fail(eb, ADV_EINVAL, internal ? "/internal" : "/status",
			      "a client writes public messages only");
		goto out;
	}
	if (set_status >= 0 && (internal || set_status >= RS__MAX)) {
		rc = adv_fail(eb, ADV_EINVAL, "/status",
			      internal ? "an internal note does not change the status"
				       : "status must be one of: open, waiting, resolved");
		goto out;
	}
	if ((text = text_trimmed(a, body, &oom)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, actor->client ? actor->account_id : 0, id, &cur);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)id);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	if ((rc = request_settings_load(c, a, ws_id, &set)) != ADV_OK)
		goto out;
	if (cur.messages >= REQUEST_MESSAGES_MAX) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL, "a request holds at most %d messages",
			      REQUEST_MESSAGES_MAX);
		goto out;
	}
	x = cur;
	clock_now_plus(0, now);
	if (actor->client) {
		if (cur.status == RS_RESOLVED || cur.status == RS_CLOSED) {
			rc = adv_fail(eb, ADV_ECONFLICT, "/status",
				      "the request is %s: reopen it to write again",
				      request_status_name(cur.status));
			goto out;
		}
		if (cur.status == RS_WAITING)
			apply_status(a, &x, RS_OPEN, now, &set);
	} else if (!internal) {
		if (x.first_response_at == NULL &&
		    (x.first_response_at = arena_strdup(a, now)) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if (cur.status == RS_NEW && set_status < 0)
			apply_status(a, &x, RS_OPEN, now, &set);
		if (set_status >= 0 && (enum request_status)set_status != cur.status) {
			if (!request_transition_allowed(cur.status, (enum request_status)set_status,
							false, cur.reopen_until,
							(int64_t)time(NULL))) {
				rc = adv_fail(eb, ADV_ECONFLICT, "/status",
					      "a %s request cannot become %s",
					      request_status_name(cur.status),
					      request_status_name((enum request_status)set_status));
				goto out;
			}
			apply_status(a, &x, (enum request_status)set_status, now, &set);
		}
	}
	if ((rc = insert_message(c, ws_id, id, actor, internal, text, now, &msg->id)) != ADV_OK)
		goto out;
	x.messages++;
	if (!internal && (x.last_message_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = store_request(c, ws_id, &x, now, eb)) != ADV_OK)
		goto out;
	if (x.status != cur.status) {
		if ((changes = json_pack("{s:{s:s, s:s}}", "status", "from",
					 request_status_name(cur.status), "to",
					 request_status_name(x.status))) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if ((rc = audit_write(c, ws_id, actor->client ? 0 : actor->user_id, "request", id,
				      x.account_id, "update", changes)) != ADV_OK)
			goto out;
	}
	if ((rc = request_event(c, ws_id, &x, internal ? "note" : "message", !internal)) != ADV_OK)
		goto out;
	msg->request_id = id;
	msg->from_client = actor->client;
	msg->internal = internal;
	msg->user_id = actor->client ? 0 : actor->user_id;
	msg->portal_user_id = actor->client ? actor->portal_user_id : 0;
	msg->body = text;
	msg->helpful = -1;
	if ((msg->created_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = author_name(c, a, ws_id, actor, &cur, &msg->author_name)) != ADV_OK ||
	    (rc = request_get(c, a, ws_id, 0, id, out)) != ADV_OK)
		goto out;
	memset(&change, 0, sizeof(change));
	change.actor = actor;
	change.before = &cur;
	change.after = out;
	change.message = msg;
	rc = request_notify(c, a, ws_id, &change);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
request_client_move(struct db_conn *c, struct arena *a, int64_t ws_id,
		    const struct request_actor *actor, int64_t id, enum request_status to,
		    struct request *out, struct adv_errbuf *eb)
{
	struct request_settings set;
	struct request_change change;
	char now[CLOCK_TEXT_MAX];
	struct request cur, x;
	json_t *changes = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, actor->account_id, id, &cur);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)id);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	if ((rc = request_settings_load(c, a, ws_id, &set)) != ADV_OK)
		goto out;
	if (!request_transition_allowed(cur.status, to, true, cur.reopen_until,
					(int64_t)time(NULL))) {
		if (to == RS_OPEN && (cur.status == RS_RESOLVED || cur.status == RS_CLOSED))
			rc = adv_fail(eb, ADV_ECONFLICT, "/status",
				      "a request can be reopened within %d days of its resolution; "
				      "please raise a new request",
				      set.reopen_days);
		else
			rc = adv_fail(eb, ADV_ECONFLICT, "/status", "a %s request cannot become %s",
				      request_status_name(cur.status), request_status_name(to));
		goto out;
	}
	x = cur;
	clock_now_plus(0, now);
	apply_status(a, &x, to, now, &set);
	if ((rc = store_request(c, ws_id, &x, now, eb)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:s, s:s}}", "status", "from",
				 request_status_name(cur.status), "to", request_status_name(to))) ==
	    NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, 0, "request", id, x.account_id,
			      to == RS_OPEN ? "reopen" : "close", changes)) != ADV_OK ||
	    (rc = request_get(c, a, ws_id, 0, id, out)) != ADV_OK ||
	    (rc = request_event(c, ws_id, out, "status", true)) != ADV_OK)
		goto out;
	memset(&change, 0, sizeof(change));
	change.actor = actor;
	change.before = &cur;
	change.after = out;
	rc = request_notify(c, a, ws_id, &change);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}
