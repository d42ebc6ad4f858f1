/*
 * events.c — the core's events (see events.h): the payload is written here,
 * counted per workspace, visibility and transaction, logged in event_log and
 * handed to db_notify with its log id; the log is read back for streams that
 * catch up, and pruned now and then.
 */
#include "core/events.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/clock.h"

/* The per-transaction counter key of ws's events of visibility v (apart from other keys). */
#define EVENTS_KEY(ws, v) (INT64_MIN / 2 + (ws)*EVENT_VISIBILITY__MAX + (v))

/*
 * The class of the advisory lock that orders one workspace's event inserts
 * until commit on PostgreSQL ("EVLG"); the two-key lock space is apart from
 * the one-key write lock of pg.c.
 */
#define EVENTS_LOCK_CLASS "1163283527"

/* Room for the fields the bus payload adds to the logged one. */
#define EVENTS_SEND_EXTRA 64

static const char *const visibility_names[EVENT_VISIBILITY__MAX] = {
    [EVENT_STAFF] = "staff",
    [EVENT_PUBLIC] = "public",
};

/* The payload's own member names, which an event's extra object may not use. */
static const char *const reserved_names[] = {
    "type",	"workspace_id", "entity",   "id",	 "account_id",
    "topic_id", "visibility",	"event_id", "truncated",
};

static struct db_sql sql_lock = DB_SQL("SELECT pg_advisory_xact_lock(" EVENTS_LOCK_CLASS ", ?1)");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO event_log (workspace_id, account_id, topic_id, visibility, type, payload,"
	   " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
static struct db_sql sql_read =
    DB_SQL("SELECT id, account_id, topic_id, visibility, type, payload FROM event_log"
	   " WHERE workspace_id = ?1 AND id > ?2 AND visibility IN (?3, ?4)"
	   " AND (((?5 = 0 OR account_id = ?5) AND (?6 = 0 OR topic_id = ?6))"
	   " OR type = 'workspace.changed')"
	   " ORDER BY id LIMIT ?7");
static struct db_sql sql_head =
    DB_SQL("SELECT COALESCE(MAX(id), 0) FROM event_log WHERE workspace_id = ?1");
static struct db_sql sql_prune =
    DB_SQL("DELETE FROM event_log WHERE id IN (SELECT o.id FROM"
	   " (SELECT id, created_at FROM event_log ORDER BY id LIMIT ?2) o"
	   " WHERE o.created_at < ?1 AND o.id < (SELECT MAX(id) FROM event_log))");

/* When this process prunes next (CLOCK_MONOTONIC seconds; 0: at the first event). */
static atomic_llong prune_next;

/* True when s is a name events accept: 1..EVENTS_NAME_MAX of [A-Za-z0-9_-]. */
static bool
name_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > EVENTS_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* Appends the members of the JSON object text extra (without braces) after a comma to b. */
static enum adv_err
extra_append(struct buf *b, const char *extra)
{
	json_t *j = json_loads(extra, JSON_REJECT_DUPLICATES, NULL);
	enum adv_err rc = ADV_OK;
	char *text = NULL;
	size_t n;

	if (j == NULL || !json_is_object(j)) {
		rc = ADV_EINVAL;
		goto out;
	}
	if (json_object_size(j) == 0)
		goto out;
	for (size_t i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++) {
		if (json_object_get(j, reserved_names[i]) != NULL) {
			rc = ADV_EINVAL;
			goto out;
		}
	}
	if ((text = json_dumps(j, JSON_COMPACT)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	n = strlen(text);
	if ((rc = buf_putc(b, ',')) == ADV_OK)
		rc = buf_append(b, text + 1, n - 2);
out:
	free(text);
	json_decref(j);
	return rc;
}

/* The logged payload of e into b (collapsed: the workspace.changed that stands for many). */
static enum adv_err
payload_build(const struct event *e, bool collapsed, struct buf *b)
{
	enum adv_err rc;

	if (collapsed)
		return buf_printf(b,
				  "{\"type\":\"workspace.changed\",\"workspace_id\":%lld,"
				  "\"visibility\":\"%s\"}",
				  (long long)e->ws_id, visibility_names[e->visibility]);
	rc =
	    buf_printf(b, "{\"type\":\"%s.%s\",\"workspace_id\":%lld,\"entity\":\"%s\",\"id\":%lld",
		       e->entity, e->action, (long long)e->ws_id, e->entity, (long long)e->id);
	if (rc == ADV_OK && e->account_id > 0)
		rc = buf_printf(b, ",\"account_id\":%lld", (long long)e->account_id);
	if (rc == ADV_OK && e->topic_id > 0)
		rc = buf_printf(b, ",\"topic_id\":%lld", (long long)e->topic_id);
	if (rc == ADV_OK)
		rc = buf_printf(b, ",\"visibility\":\"%s\"", visibility_names[e->visibility]);
	if (rc == ADV_OK && e->extra != NULL)
		rc = extra_append(b, e->extra);
	if (rc == ADV_OK)
		rc = buf_putc(b, '}');
	return rc;
}

/*
 * What goes on the bus for the logged payload (b, which ends with '}') with
 * log id event_id: the payload with the id, or its ids only when that would
 * not fit a notification. b is changed.
 */
static enum adv_err
payload_send(struct db_conn *c, const struct event *e, bool collapsed, const char *type,
	     int64_t event_id, struct buf *b)
{
	char small[256 + EVENTS_TYPE_MAX];

	if (b->len + EVENTS_SEND_EXTRA <= DB_NOTIFY_MAX) {
		b->data[--b->len] = '\0';
		if (buf_printf(b, ",\"event_id\":%lld}", (long long)event_id) != ADV_OK)
			return ADV_ENOMEM;
		return db_notify(c, b->data);
	}
	snprintf(small, sizeof(small),
		 "{\"type\":\"%s\",\"workspace_id\":%lld,\"account_id\":%lld,\"topic_id\":%lld,"
		 "\"visibility\":\"%s\",\"event_id\":%lld,\"truncated\":true}",
		 type, (long long)e->ws_id, collapsed ? 0LL : (long long)e->account_id,
		 collapsed ? 0LL : (long long)e->topic_id, visibility_names[e->visibility],
		 (long long)event_id);
	return db_notify(c, small);
}

/* Prunes the log when this process has not done so for EVENTS_PRUNE_EVERY_S. */
static enum adv_err
prune_if_due(struct db_conn *c)
{
	struct timespec ts;
	long long now, due;
	char before[CLOCK_TEXT_MAX];
	unsigned deleted = 0;
	enum adv_err rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec;
	due = atomic_load(&prune_next);
	if (now < due ||
	    !atomic_compare_exchange_strong(&prune_next, &due, now + EVENTS_PRUNE_EVERY_S))
		return ADV_OK;
	clock_now_plus(-EVENTS_RETENTION_S, before);
	rc = events_prune(c, before, &deleted);
	/* A full batch: there is more to delete; the next event goes on with it. */
	if (rc == ADV_OK && deleted >= EVENTS_PRUNE_BATCH)
		atomic_store(&prune_next, now);
	return rc;
}

enum adv_err
events_raise_ex(struct db_conn *c, const struct event *e)
{
	char now[CLOCK_TEXT_MAX], type[EVENTS_TYPE_MAX + 1];
	struct db_stmt *st;
	struct buf b;
	unsigned seen;
	bool collapsed, row;
	int64_t event_id = 0;
	enum adv_err rc = ADV_OK;

	buf_init(&b, EVENTS_PAYLOAD_MAX);
	if (!name_valid(e->entity) || !name_valid(e->action) || e->ws_id <= 0 ||
	    (unsigned)e->visibility >= EVENT_VISIBILITY__MAX) {
		rc = ADV_EINVAL;
		goto out;
	}
	seen = db_tx_count(c, EVENTS_KEY(e->ws_id, e->visibility));
	if (seen > EVENTS_TX_MAX)
		goto out;
	collapsed = seen == EVENTS_TX_MAX;
	if ((rc = payload_build(e, collapsed, &b)) != ADV_OK)
		goto out;
	if (collapsed)
		snprintf(type, sizeof(type), "workspace.changed");
	else
		snprintf(type, sizeof(type), "%s.%s", e->entity, e->action);
	if (db_conn_kind(c) == DB_PG) {
		if ((rc = db_prepare(c, &sql_lock, &st)) != ADV_OK)
			goto out;
		db_bind_int(st, 1, e->ws_id % INT32_MAX);
		if ((rc = db_step(st, &row)) != ADV_OK)
			goto out;
		if (row)
			db_done(st);
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, e->ws_id);
	db_bind_id(st, 2, collapsed ? 0 : e->account_id);
	db_bind_id(st, 3, collapsed ? 0 : e->topic_id);
	db_bind_text(st, 4, visibility_names[e->visibility]);
	db_bind_text(st, 5, type);
	db_bind_text_ref(st, 6, b.data);
	db_bind_text(st, 7, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	event_id = db_col_int(st, 0);
	db_done(st);
	if ((rc = payload_send(c, e, collapsed, type, event_id, &b)) != ADV_OK)
		goto out;
	rc = prune_if_due(c);
out:
	buf_release(&b);
	return rc;
}

enum adv_err
events_raise(struct db_conn *c, int64_t ws_id, const char *entity, int64_t id, int64_t account_id,
	     const char *action)
{
	struct event e = {
	    .ws_id = ws_id,
	    .entity = entity,
	    .id = id,
	    .account_id = account_id,
	    .action = action,
	    .visibility = EVENT_STAFF,
	};

	return events_raise_ex(c, &e);
}

bool
events_match(const struct events_filter *f, const struct event_row *r)
{
	if (r->ws_id != f->ws_id || (f->visibility & (1u << r->visibility)) == 0)
		return false;
	if (r->collapsed)
		return true;
	return (f->account_id == 0 || r->account_id == f->account_id) &&
	       (f->topic_id == 0 || r->topic_id == f->topic_id);
}

/* The visibility named s into *v; false for another name. */
static bool
visibility_parse(const char *s, enum event_visibility *v)
{
	for (int i = 0; i < EVENT_VISIBILITY__MAX; i++) {
		if (s != NULL && strcmp(s, visibility_names[i]) == 0) {
			*v = (enum event_visibility)i;
			return true;
		}
	}
	return false;
}

enum adv_err
events_read(struct db_conn *c, const struct events_filter *f, int64_t after_id, unsigned limit,
	    enum adv_err (*fn)(void *ctx, const struct event_row *r), void *ctx, unsigned *n)
{
	const char *vis_a = (f->visibility & EVENTS_SEE_STAFF) ? "staff" : "public";
	const char *vis_b = (f->visibility & EVENTS_SEE_PUBLIC) ? "public" : "staff";
	struct db_stmt *st;
	struct buf data;
	enum adv_err rc;
	bool row;

	*n = 0;
	buf_init(&data, EVENTS_PAYLOAD_MAX + EVENTS_SEND_EXTRA);
	if (f->visibility == 0)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_read, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, f->ws_id);
	db_bind_int(st, 2, after_id);
	db_bind_text(st, 3, vis_a);
	db_bind_text(st, 4, vis_b);
	db_bind_int(st, 5, f->account_id);
	db_bind_int(st, 6, f->topic_id);
	db_bind_int(st, 7, limit);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct event_row r = {.ws_id = f->ws_id};
		const char *payload = db_col_text(st, 5);
		size_t len = db_col_bytes(st, 5);

		r.event_id = db_col_int(st, 0);
		r.account_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
		r.topic_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		if (!visibility_parse(db_col_text(st, 3), &r.visibility))
			continue;
		snprintf(r.type, sizeof(r.type), "%s", db_col_text(st, 4));
		r.collapsed = strcmp(r.type, "workspace.changed") == 0;
		buf_reset(&data);
		if (len < 2 || payload[len - 1] != '}' ||
		    buf_append(&data, payload, len - 1) != ADV_OK ||
		    buf_printf(&data, ",\"event_id\":%lld}", (long long)r.event_id) != ADV_OK)
			continue;
		r.data = data.data;
		(*n)++;
		if ((rc = fn(ctx, &r)) != ADV_OK) {
			db_done(st);
			goto out;
		}
	}
out:
	buf_release(&data);
	return rc;
}

enum adv_err
events_head(struct db_conn *c, int64_t ws_id, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*id = 0;
	if ((rc = db_prepare(c, &sql_head, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		*id = db_col_int(st, 0);
		db_done(st);
	}
	return ADV_OK;
}

/* The integer member name of object j, or 0 when it is missing or not an integer. */
static int64_t
member_int(json_t *j, const char *name)
{
	json_t *v = json_object_get(j, name);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

bool
events_parse(const char *payload, struct event_row *out)
{
	json_t *j = json_loads(payload, 0, NULL);
	const char *type;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (j == NULL || !json_is_object(j))
		goto out;
	type = json_string_value(json_object_get(j, "type"));
	out->event_id = member_int(j, "event_id");
	out->ws_id = member_int(j, "workspace_id");
	if (type == NULL || strlen(type) > EVENTS_TYPE_MAX || out->event_id <= 0 ||
	    out->ws_id <= 0 ||
	    !visibility_parse(json_string_value(json_object_get(j, "visibility")),
			      &out->visibility))
		goto out;
	snprintf(out->type, sizeof(out->type), "%s", type);
	out->collapsed = strcmp(type, "workspace.changed") == 0;
	out->account_id = member_int(j, "account_id");
	out->topic_id = member_int(j, "topic_id");
	out->data = json_is_true(json_object_get(j, "truncated")) ? NULL : payload;
	ok = true;
out:
	json_decref(j);
	return ok;
}

enum adv_err
events_prune(struct db_conn *c, const char *before, unsigned *deleted)
{
	struct db_stmt *st;
	enum adv_err rc;

	*deleted = 0;
	if ((rc = db_prepare(c, &sql_prune, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, before);
	db_bind_int(st, 2, EVENTS_PRUNE_BATCH);
	if ((rc = db_exec(st)) == ADV_OK)
		*deleted = (unsigned)db_changes(st);
	return rc;
}
