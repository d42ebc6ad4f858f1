/*
 * events.h — the events the core raises when data changes: one per audited
 * change, named "<entity>.<action>" (account.create, supplier.update, …),
 * with the workspace and the ids it concerns. Each event is written to the
 * event log (table event_log, sql/0010_event_log.sql) and announced on the
 * bus (db/bus.h) in the transaction of the change, so both happen only if it
 * commits. The logged payload, and what live streams send as data:
 *
 *   {"type":"account.update","workspace_id":1,"entity":"account","id":42,
 *    "account_id":42,"visibility":"staff","event_id":7}
 *
 * "account_id" and "topic_id" appear when set, members of the event's extra
 * object follow "visibility", and "event_id" (the log's id) is added when the
 * event is sent (the row stores the payload without it). A payload too large
 * for the bus goes there as its ids only, with "truncated":true: a listener
 * then reads the row (events_read).
 *
 * A transaction that changes many things (an import) raises its first
 * EVENTS_TX_MAX events of each visibility one by one and then a single
 * {"type":"workspace.changed","workspace_id":1,"visibility":"staff",…} for
 * the rest, so that listeners reload instead of receiving thousands of
 * events; it matches every account and topic filter.
 *
 * Within a workspace, event ids become visible in increasing order: on
 * PostgreSQL the writers of a workspace take turns from their event's insert
 * until they commit (a transaction-scoped advisory lock), on SQLite writes
 * are serialised anyway. Rows older than EVENTS_RETENTION_S are pruned, at
 * most once per EVENTS_PRUNE_EVERY_S by each process, by the writer that
 * happens to raise an event then.
 */
#ifndef ADV_CORE_EVENTS_H
#define ADV_CORE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

#define EVENTS_TX_MAX	     16
#define EVENTS_RETENTION_S   (7L * 24 * 3600) /* how long the log keeps an event */
#define EVENTS_PRUNE_EVERY_S 3600	      /* how often a process prunes the log */
#define EVENTS_PRUNE_BATCH   5000	      /* oldest rows looked at per prune */
#define EVENTS_PAYLOAD_MAX   (64u * 1024u)    /* bytes of one logged payload */
#define EVENTS_NAME_MAX	     48		      /* bytes of an entity or action name */
#define EVENTS_TYPE_MAX	     (2 * EVENTS_NAME_MAX + 2)

/* Who may see an event. */
enum event_visibility {
	EVENT_STAFF,  /* members of the workspace */
	EVENT_PUBLIC, /* also the client company's people (the portal) */
	EVENT_VISIBILITY__MAX
};

/* Bits of events_filter.visibility. */
#define EVENTS_SEE_STAFF  (1u << EVENT_STAFF)
#define EVENTS_SEE_PUBLIC (1u << EVENT_PUBLIC)

/* An event as events_raise_ex takes it. */
struct event {
	int64_t ws_id;
	const char *entity; /* [a-z0-9_]+, at most EVENTS_NAME_MAX bytes: "account", "request" */
	int64_t id;	    /* the entity's id */
	int64_t account_id; /* the client company it concerns, or 0 */
	int64_t topic_id;   /* what else streams may filter by (a request's id), or 0 */
	const char *action; /* [a-z0-9_]+: "create", "update", "message" */
	enum event_visibility visibility;
	/*
	 * NULL, or the text of a JSON object whose members are added to the
	 * payload (e.g. {"status":"open"}); the payload's own names (type,
	 * workspace_id, entity, id, account_id, topic_id, visibility, event_id,
	 * truncated) are refused.
	 */
	const char *extra;
};

/* What a reader of the log may see: one workspace, optionally one account and one topic. */
struct events_filter {
	int64_t ws_id;	     /* required */
	int64_t account_id;  /* 0 = every account */
	int64_t topic_id;    /* 0 = every topic */
	unsigned visibility; /* EVENTS_SEE_STAFF | EVENTS_SEE_PUBLIC */
};

/* An event read back from the log or from a bus payload. */
struct event_row {
	int64_t event_id;
	int64_t ws_id;
	int64_t account_id; /* 0 when none */
	int64_t topic_id;   /* 0 when none */
	enum event_visibility visibility;
	bool collapsed;			/* a workspace.changed standing for many events */
	char type[EVENTS_TYPE_MAX + 1]; /* "account.update" */
	/*
	 * The payload with its "event_id", as streams send it; NULL for a bus
	 * payload that was truncated (read the row). Valid during the callback
	 * (events_read) or as long as the payload given to events_parse.
	 */
	const char *data;
};

/*
 * Raises the event of a change in the transaction open on c: logs it and
 * announces it on the bus when the transaction commits (a rollback drops
 * both). Staff visibility, no topic. account_id is 0 when the change
 * concerns no account. entity and action are as in struct event. Errors:
 * ADV_EINVAL for a bad name, database errors, those of db_notify.
 */
enum adv_err events_raise(struct db_conn *c, int64_t ws_id, const char *entity, int64_t id,
			  int64_t account_id, const char *action);

/*
 * events_raise with every field of e (see struct event). Errors: ADV_EINVAL
 * for a bad name or an extra that is not a JSON object or uses a reserved
 * name, ADV_ETOOBIG for a payload over EVENTS_PAYLOAD_MAX, ADV_ENOMEM,
 * database errors.
 */
enum adv_err events_raise_ex(struct db_conn *c, const struct event *e);

/* True when the event r belongs to what filter f lets through. */
bool events_match(const struct events_filter *f, const struct event_row *r);

/*
 * Reads the logged events matching f with an id above after_id, oldest
 * first, at most limit of them, calling fn for each (the row valid during
 * the call; a result other than ADV_OK stops the reading and is returned).
 * *n counts the rows handed to fn. Errors: database errors, fn's.
 */
enum adv_err events_read(struct db_conn *c, const struct events_filter *f, int64_t after_id,
			 unsigned limit, enum adv_err (*fn)(void *ctx, const struct event_row *r),
			 void *ctx, unsigned *n);

/* The id of workspace ws_id's newest logged event into *id (0 when none). Database errors. */
enum adv_err events_head(struct db_conn *c, int64_t ws_id, int64_t *id);

/*
 * Parses a payload that events_raise sent on the bus into *out (out->data
 * points into payload, or is NULL when it was truncated). False for
 * anything else (BUS_RESYNC, a payload of an older version without an
 * event_id, text that is not such JSON).
 */
bool events_parse(const char *payload, struct event_row *out);

/*
 * Deletes logged events created before the time `before` (RFC 3339 text),
 * looking at the oldest EVENTS_PRUNE_BATCH rows only, and never the newest
 * row of the log (so that ids never start again from 1 on SQLite). *deleted
 * counts the rows removed. Runs in the transaction open on c, if any.
 * Database errors.
 */
enum adv_err events_prune(struct db_conn *c, const char *before, unsigned *deleted);

#endif
