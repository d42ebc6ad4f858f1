/*
 * outbox.h — notifications that leave the system (docs/webhooks.md): the
 * webhook endpoints a workspace registers, the deliveries of events to them,
 * and e-mail waiting for the SMTP server (sql/0013_outbound.sql).
 *
 * Other modules queue a notification with outbox_event or outbox_mail inside
 * their own write transaction, so that it exists exactly when their change
 * commits (a rollback drops it); the delivery worker (outbound_worker.h)
 * sends it later, retrying with a growing pause. Deliveries go only to the
 * endpoints the workspace registered, each with its own secret.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only rows of that workspace.
 * The endpoint writes run in their own transaction unless the connection
 * already has one open (then they join it, in a savepoint), and each writes
 * an audit entry (entity_type "webhook_endpoint"); the secret is never
 * audited.
 */
#ifndef ADV_CORE_OUTBOX_H
#define ADV_CORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define OUTBOX_URL_MAX		2048	       /* characters of an endpoint's URL */
#define OUTBOX_ENDPOINTS_MAX	20	       /* endpoints of one workspace */
#define OUTBOX_PAYLOAD_MAX	(64u * 1024u)  /* bytes of one event's payload */
#define OUTBOX_SECRET_PREFIX	"whsec_"       /* the secrets' visible prefix */
#define OUTBOX_SECRET_BYTES	32	       /* random bytes behind a secret */
#define OUTBOX_SECRET_MAX	64	       /* bytes of a secret's text, NUL included */
#define OUTBOX_SIGNATURE_MAX	80	       /* bytes of "sha256=<64 hex>", NUL included */
#define OUTBOX_ERROR_MAX	200	       /* bytes of a delivery's last error */
#define OUTBOX_LOG_MAX		500	       /* deliveries one page of the log carries */
#define OUTBOX_MAIL_TO_MAX	254	       /* bytes of a recipient's address */
#define OUTBOX_MAIL_SUBJECT_MAX 250	       /* characters of a subject */
#define OUTBOX_MAIL_BODY_MAX	(256u * 1024u) /* bytes of a message's text */
#define OUTBOX_TIME_MAX		32	       /* bytes of an outbox_time text, NUL included */

/* The event types endpoints subscribe to; bit i of a mask is type i. */
enum outbox_event_type {
	OUTBOX_REQUEST_CREATED,	 /* "request.created" */
	OUTBOX_REQUEST_MESSAGE,	 /* "request.message" */
	OUTBOX_REQUEST_RESOLVED, /* "request.resolved" */
	OUTBOX_REQUEST_RATED,	 /* "request.rated" */
	OUTBOX_EVENT__MAX
};

#define OUTBOX_EVENT_BIT(t) (1u << (t))
#define OUTBOX_EVENTS_ALL   ((1u << OUTBOX_EVENT__MAX) - 1)

/* The type of the test delivery POST .../webhooks/{id}/test queues; no one subscribes to it. */
#define OUTBOX_PING "ping"

/* The API names of the event types, NULL-terminated (for validators and messages). */
extern const char *const outbox_event_types[];

/* Fields of an endpoint, for patches (a bit per field) and audit. */
enum outbox_field { OF_URL, OF_EVENTS, OF_ACTIVE, OF__MAX };

#define OF_BIT(f) (1u << (f))

struct outbox_endpoint {
	int64_t id;
	const char *url;
	const char *secret; /* output: set only by outbox_endpoint_create (shown once) */
	uint32_t events;    /* OUTBOX_EVENT_BIT mask, never 0 */
	bool active;
	int64_t created_by; /* the member who registered it, 0 when unknown */
	int64_t version;
	const char *created_at, *updated_at;
};

/* Where a delivery or a message is in its life. */
enum outbox_state { OUTBOX_PENDING, OUTBOX_DELIVERED, OUTBOX_FAILED, OUTBOX_STATE__MAX };

struct outbox_delivery {
	int64_t id, endpoint_id;
	const char *event_type; /* one of outbox_event_types, or OUTBOX_PING */
	const char *payload;	/* the event's JSON object, as queued */
	enum outbox_state state;
	int64_t attempts;	     /* attempts begun */
	const char *next_attempt_at; /* while pending: when due (RFC 3339, ms); else NULL */
	const char *last_attempt_at; /* NULL before the first attempt */
	int last_status;	     /* HTTP status of the last answer, 0 when none */
	const char *last_error;	     /* why the last attempt failed, NULL when it did not */
	const char *delivered_at, *failed_at, *created_at;
};

/*
 * The index of event type name s in outbox_event_types, or -1 for an unknown
 * name (or NULL). outbox_state_name names a state ("pending", "delivered",
 * "failed"; static storage).
 */
int outbox_event_parse(const char *s);
const char *outbox_state_name(enum outbox_state s);

/*
 * Now plus offset_ms, as RFC 3339 UTC text with milliseconds
 * ("2026-11-27T20:42:06.123Z") into out: the form of next_attempt_at, whose
 * texts sort in time order.
 */
void outbox_time(int64_t offset_ms, char out[OUTBOX_TIME_MAX]);

/*
 * Checks an endpoint URL: at most OUTBOX_URL_MAX characters of printable
 * ASCII, scheme http or https, a host, no user name or password, no
 * fragment. False with the reason (for people) in why (whylen bytes) when it
 * fails. Usable as a field_spec check.
 */
bool outbox_url_valid(const char *url, char *why, size_t whylen);

/*
 * True when addr is one plain ASCII e-mail address that is safe in a header
 * and an SMTP envelope: no spaces, quotes, angle brackets, commas or the
 * like, at most OUTBOX_MAIL_TO_MAX bytes.
 */
bool outbox_mail_address_valid(const char *addr);

/*
 * The signature header value of a delivery: "sha256=" and the lowercase hex
 * HMAC-SHA256, keyed with the bytes of secret, of timestamp "." body (len
 * bytes) into out.
 */
void outbox_sign(const char *secret, const char *timestamp, const char *body, size_t len,
		 char out[OUTBOX_SIGNATURE_MAX]);

/*
 * Queues event type (one of outbox_event_types) of workspace ws_id with
 * payload_json (the text of a JSON object, borrowed) for every active
 * endpoint of the workspace subscribed to type: one pending delivery each,
 * due at once. Meant to run inside the caller's write transaction, so that
 * the deliveries exist exactly when the caller's change commits; outside
 * one, it commits by itself. No endpoint subscribed: nothing is written.
 * Errors: ADV_EINVAL for an unknown type or a payload that is not a JSON
 * object, ADV_ETOOBIG for a payload over OUTBOX_PAYLOAD_MAX bytes, database
 * errors.
 */
enum adv_err outbox_event(struct db_conn *c, int64_t ws_id, const char *type,
			  const char *payload_json);

/*
 * Queues a plain-text e-mail to address to (one address, borrowed) with
 * subject (UTF-8, one line) and body (UTF-8 text) of workspace ws_id (0:
 * mail of the instance); like outbox_event, inside the caller's
 * transaction. The worker sends it once an SMTP server is configured.
 * Errors: ADV_EINVAL for an address that is not one, a subject that is
 * blank, too long (OUTBOX_MAIL_SUBJECT_MAX characters) or holds control
 * characters, a body that is not UTF-8 or holds control characters other
 * than line breaks and tabs; ADV_ETOOBIG for a body over
 * OUTBOX_MAIL_BODY_MAX bytes; database errors.
 */
enum adv_err outbox_mail(struct db_conn *c, int64_t ws_id, const char *to, const char *subject,
			 const char *body);

/*
 * The endpoints of the workspace, by id: *items an arena array of *n (at
 * most OUTBOX_ENDPOINTS_MAX), secrets left out.
 */
enum adv_err outbox_endpoint_list(struct db_conn *c, struct arena *a, int64_t ws_id,
				  struct outbox_endpoint **items, size_t *n);

/* Endpoint id of the workspace into *out (no secret); ADV_ENOTFOUND when there is none. */
enum adv_err outbox_endpoint_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
				 struct outbox_endpoint *out);

/*
 * Registers an endpoint as actor from the fields in mask of in: url and
 * events required, active defaulting to true; a new secret is generated and
 * returned in out->secret (arena), the only time it is shown. Errors:
 * ADV_EINVAL "/url" for a URL outbox_url_valid refuses, "/events" for an
 * empty set or one with unknown bits; ADV_ECONFLICT when the workspace has
 * OUTBOX_ENDPOINTS_MAX endpoints already; database errors.
 */
enum adv_err outbox_endpoint_create(struct db_conn *c, struct arena *a, int64_t ws_id,
				    int64_t actor, const struct outbox_endpoint *in, uint32_t mask,
				    struct outbox_endpoint *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to endpoint id when its version is
 * expect_version (0 = any): bumps the version and audits what changed
 * (nothing changed: nothing written, *out the endpoint as it was).
 * Deactivating it fails its pending deliveries ("the endpoint was
 * deactivated"). Errors as outbox_endpoint_create, plus ADV_ENOTFOUND for an
 * unknown endpoint and ADV_EPRECOND when the version moved on.
 */
enum adv_err outbox_endpoint_update(struct db_conn *c, struct arena *a, int64_t ws_id,
				    int64_t actor, int64_t id, int64_t expect_version,
				    const struct outbox_endpoint *patch, uint32_t mask,
				    struct outbox_endpoint *out, struct adv_errbuf *eb);

/*
 * Deletes endpoint id (when its version is expect_version, 0 = any) with its
 * delivery log. Errors: ADV_ENOTFOUND, ADV_EPRECOND, database errors.
 */
enum adv_err outbox_endpoint_delete(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t id,
				    int64_t expect_version, struct adv_errbuf *eb);

/*
 * Queues a test delivery (type OUTBOX_PING, payload
 * {"endpoint_id":id,"message":…}) to endpoint id whatever it subscribes to,
 * into *out. Errors: ADV_ENOTFOUND, ADV_ECONFLICT when the endpoint is
 * inactive, database errors.
 */
enum adv_err outbox_ping(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			 struct outbox_delivery *out, struct adv_errbuf *eb);

/*
 * The delivery log of endpoint id, newest first: deliveries with an id below
 * before_id (0 = from the newest), at most limit (1..OUTBOX_LOG_MAX) into
 * *items (arena array of *n). ADV_ENOTFOUND when the endpoint is not one of
 * the workspace.
 */
enum adv_err outbox_delivery_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
				  int64_t before_id, unsigned limit, struct outbox_delivery **items,
				  size_t *n);

/*
 * Makes a finished delivery did of endpoint id (delivered or failed) pending
 * again, due at once, with a fresh count of attempts and the same id (so
 * receivers that saw it can tell), into *out. Errors: ADV_ENOTFOUND for an
 * unknown endpoint or delivery, ADV_ECONFLICT when the delivery is still
 * pending or the endpoint inactive, database errors.
 */
enum adv_err outbox_delivery_retry(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
				   int64_t did, struct outbox_delivery *out, struct adv_errbuf *eb);

#endif
