/*
 * request.h — the requests of the dialog window (docs/requests.md): a client
 * company's people raise anything — a question, a complaint, a suggestion,
 * praise, an order or shipment problem — through the portal, or staff record
 * it for them; each request has a thread of messages (public replies, and
 * internal notes the client never sees) and moves through
 *
 *   new → open → waiting (for the client) → resolved → closed
 *
 * with the client able to reopen a resolved or closed request within the
 * workspace's reopening days (core/request_settings.h) of its resolution.
 * Service levels set deadlines in working time; assignment rules hand new
 * requests to a team in turn.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only rows of that workspace;
 * the client side also passes its company (account_scope) and never sees
 * another company's request or an internal note. Writes run in their own
 * transaction unless one is open on the connection (then they join it),
 * audit staff changes in the account's history (entity_type "request"),
 * raise an event (core/events.h) for live views and queue the webhook
 * events and e-mail the change calls for (core/request_notify.h) — all in
 * the change's transaction.
 */
#ifndef ADV_CORE_REQUEST_H
#define ADV_CORE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define REQUEST_SUBJECT_MAX    200   /* characters of a subject */
#define REQUEST_BODY_MAX       20000 /* characters of one message */
#define REQUEST_MESSAGES_MAX   2000  /* messages of one thread */
#define REQUEST_LIST_MAX       500   /* requests one page carries */
#define REQUEST_SECONDS_DAY    86400
#define REQUEST_RATING_MIN     1
#define REQUEST_RATING_MAX     5
#define REQUEST_ESCALATE_BATCH 64   /* requests one workspace escalates per pass */
#define REQUEST_COMMENT_MAX    2000 /* characters of a rating's comment */

enum request_kind {
	RK_QUESTION,
	RK_COMPLAINT,
	RK_SUGGESTION,
	RK_PRAISE,
	RK_ORDER_PROBLEM,
	RK_SHIPMENT_PROBLEM,
	RK_OTHER,
	RK__MAX
};

enum request_status { RS_NEW, RS_OPEN, RS_WAITING, RS_RESOLVED, RS_CLOSED, RS__MAX };

enum request_priority { RP_LOW, RP_NORMAL, RP_HIGH, RP_URGENT, RP__MAX };

/* Fields staff may change, for patches (a bit per field) and audit. */
enum request_field {
	RF_SUBJECT,
	RF_KIND,
	RF_PRIORITY,
	RF_STATUS,
	RF_ASSIGNEE, /* assignee_email in JSON; assignee_user_id in the row */
	RF_COMPONENT,
	RF_FACTOR,
	RF_STAGE,
	RF__MAX
};

#define RF_BIT(f) (1u << (f))

/* Who acts: a member of the workspace, or a client's person through the portal. */
struct request_actor {
	bool client;
	int64_t user_id;	/* staff: the member */
	int64_t portal_user_id; /* client: the portal user */
	int64_t contact_id;	/* client: their contact */
	int64_t account_id;	/* client: their company, the scope of everything they do */
};

struct request {
	int64_t id, account_id, contact_id, portal_user_id;
	const char *account_name, *contact_name;
	bool from_portal;
	enum request_kind kind;
	enum request_priority priority;
	const char *subject;
	enum request_status status;
	int64_t assignee_user_id; /* 0: nobody */
	const char *assignee_email, *assignee_name;
	int64_t component_id, factor_id, stage_id; /* 0: unclassified */
	const char *first_response_at, *resolved_at, *closed_at, *last_message_at;
	/* Service level deadlines (NULL: none), escalation, the client's reopening window. */
	const char *first_response_due_at, *resolution_due_at, *escalated_at, *reopen_until;
	/* While waiting for the client: since when (the resolution clock stands), else NULL. */
	const char *waiting_since;
	int64_t paused_minutes; /* working minutes waited in all: the deadline's delay */
	bool first_response_breached, resolution_breached; /* output: as of now */
	/* What the classifier suggested when the request arrived (0: nothing). */
	int64_t suggested_component_id, suggested_factor_id, suggested_stage_id;
	const char *suggestion_source; /* of the component: "model", "keywords" or "none" */
	double suggestion_confidence;  /* of the component, 0..1 */
	int64_t reopened, messages;
	int rating;		      /* the client's 1..5 after resolution; 0: none */
	const char *rating_comment;   /* NULL when none */
	const char *rated_at;	      /* NULL when not rated */
	int64_t signal_assessment_id; /* the assessment it became (series id); 0: none yet */
	bool can_reopen;	      /* output: the client may reopen it now */
	int64_t version;
	const char *created_at, *updated_at;
};

struct request_message {
	int64_t id, request_id;
	bool from_client, internal;
	int helpful; /* the client's mark of a staff reply: 1, 0, or -1 unmarked */
	int64_t user_id, portal_user_id;
	const char *author_name;
	const char *body;
	const char *created_at;
};

/* What a new request says: for staff account_id (and optionally contact_id) name the client. */
struct request_new {
	int64_t account_id, contact_id;
	enum request_kind kind;
	enum request_priority priority;
	const char *subject;
	const char *body;
};

/* A list's filters; 0 / -1 mean "any". */
struct request_filter {
	int64_t account_id;
	unsigned status_mask; /* bits 1u << enum request_status; 0: any */
	int kind;	      /* -1 any, else enum request_kind */
	int64_t assignee;     /* -1 any, 0 nobody, else a user id */
	int64_t component_id; /* 0 any */
	bool overdue;	      /* only those past a service level deadline, still unresolved */
};

/*
 * The API names of kinds, statuses and priorities, NULL-terminated for
 * validators; the parse functions return the __MAX value for an unknown
 * name or NULL.
 */
extern const char *const request_kind_values[];
extern const char *const request_status_values[];
extern const char *const request_priority_values[];
enum request_kind request_kind_parse(const char *s);
enum request_status request_status_parse(const char *s);
enum request_priority request_priority_parse(const char *s);
const char *request_kind_name(enum request_kind k);
const char *request_status_name(enum request_status s);
const char *request_priority_name(enum request_priority p);

/*
 * Whether a request in status from may move to status to, by staff
 * (by_client false) or by the client; reopen_until (RFC 3339, may be NULL:
 * never) and now_s (seconds since the epoch) decide the client's reopening
 * window. Staff move freely between open, waiting and resolved, close a
 * resolved request and reopen a resolved or closed one; nobody moves a
 * request back to new. The client only reopens (to open) a resolved or
 * closed request before reopen_until, or closes a resolved one.
 */
bool request_transition_allowed(enum request_status from, enum request_status to, bool by_client,
				const char *reopen_until, int64_t now_s);

/*
 * Creates a request with its first message (body) as actor: a client's
 * request belongs to their company and person; a member's to in->account_id
 * (a live account of the workspace) and in->contact_id (0, or a contact of
 * that account). Status new, priority normal unless given; the deadlines of
 * its service level; the assignee the assignment rules pick. *out is the
 * request. Errors: ADV_EINVAL with the field ("/subject", "/body",
 * "/account_id", "/contact_id", "/kind"); ADV_ENOTFOUND never (a foreign
 * account is ADV_EINVAL "/account_id").
 */
enum adv_err request_create(struct db_conn *c, struct arena *a, int64_t ws_id,
			    const struct request_actor *actor, const struct request_new *in,
			    struct request *out, struct adv_errbuf *eb);

/*
 * Request id of the workspace into *out; account_scope > 0 limits it to that
 * company (the portal). ADV_ENOTFOUND when there is none in scope.
 */
enum adv_err request_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_scope,
			 int64_t id, struct request *out);

/*
 * A page of requests, newest activity first (last_message_at, then id),
 * after cursor (NULL: the first page); *items is an arena array of *n (at
 * most limit, itself at most REQUEST_LIST_MAX) and *next the cursor of the
 * following page or NULL. Errors: ADV_EINVAL "cursor" for a bad cursor.
 */
enum adv_err request_list(struct db_conn *c, struct arena *a, int64_t ws_id,
			  const struct request_filter *f, const char *cursor, unsigned limit,
			  struct request **items, size_t *n, const char **next,
			  struct adv_errbuf *eb);

/*
 * The thread of request id (already checked in scope by the caller), oldest
 * first; internal notes only when include_internal. *items is an arena array
 * of *n.
 */
enum adv_err request_thread(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			    bool include_internal, struct request_message **items, size_t *n);

/*
 * Checks the staff fields in mask of in that need no other rows: subject
 * text, kind, priority and status known. The first problem goes to eb.
 */
enum adv_err request_check(const struct request *in, uint32_t mask, struct adv_errbuf *eb);

/*
 * Applies the staff fields in mask of patch (assignee by patch->assignee_email,
 * NULL: nobody, a member of the workspace; component, factor and stage ids
 * of the workspace's catalogue, 0: clear) to request id when its version is
 * expect_version (0 = any); a status change must be allowed for staff
 * (request_transition_allowed) and stamps resolved_at / closed_at. Nothing
 * changed: nothing written. Errors: ADV_ENOTFOUND, ADV_EPRECOND when the
 * version moved on, ADV_ECONFLICT for a transition that is not allowed,
 * ADV_EINVAL with the field.
 */
enum adv_err request_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t id, int64_t expect_version, const struct request *patch,
			    uint32_t mask, struct request *out, struct adv_errbuf *eb);

/*
 * Adds a message to request id as actor (a client: only within their
 * company, never internal). A staff public reply to a new request opens it
 * and stamps the first response; set_status (-1: none; staff only, public
 * replies) moves it at once, e.g. to waiting. A client's message to a
 * waiting request reopens it to open; to a resolved or closed one it is
 * refused (ADV_ECONFLICT: reopen first). *msg is the message and *out the
 * request after it. Errors: ADV_ENOTFOUND out of scope, ADV_EINVAL "/body"
 * or "/status", ADV_ECONFLICT as said, or when the thread is full.
 */
enum adv_err request_reply(struct db_conn *c, struct arena *a, int64_t ws_id,
			   const struct request_actor *actor, int64_t id, const char *body,
			   bool internal, int set_status, struct request_message *msg,
			   struct request *out, struct adv_errbuf *eb);

/*
 * The client moves request id of their company to status to: open (reopen,
 * within REQUEST_REOPEN_DAYS of the resolution) or closed (a resolved one).
 * Errors: ADV_ENOTFOUND out of scope, ADV_ECONFLICT when not allowed (the
 * message says why).
 */
enum adv_err request_client_move(struct db_conn *c, struct arena *a, int64_t ws_id,
				 const struct request_actor *actor, int64_t id,
				 enum request_status to, struct request *out,
				 struct adv_errbuf *eb);

/*
 * The client rates request id of their company (resolved or closed):
 * rating REQUEST_RATING_MIN..MAX and an optional comment; rating again
 * replaces the rating. Then request_signal_sync. Errors: ADV_ENOTFOUND out of
 * scope, ADV_EINVAL "/rating" or "/comment", ADV_ECONFLICT when the request
 * is not resolved or closed.
 */
enum adv_err request_rate(struct db_conn *c, struct arena *a, int64_t ws_id,
			  const struct request_actor *actor, int64_t id, int rating,
			  const char *comment, struct request *out, struct adv_errbuf *eb);

/*
 * The client marks staff reply message_id of request id (their company's)
 * helpful or not; marking again replaces the mark. Then
 * request_signal_sync. *out is the message. Errors: ADV_ENOTFOUND for a
 * request out of scope or a message that is not a public staff reply of it.
 */
enum adv_err request_mark_helpful(struct db_conn *c, struct arena *a, int64_t ws_id,
				  const struct request_actor *actor, int64_t id, int64_t message_id,
				  bool helpful, struct request_message *out, struct adv_errbuf *eb);

/*
 * Raises the live event "request.<action>" of request x in the transaction
 * open on c (core/events.h): its id as the topic, its company, its status as
 * extra; public (the client's portal sees it) or for staff only.
 */
enum adv_err request_event(struct db_conn *c, int64_t ws_id, const struct request *x,
			   const char *action, bool public);

/*
 * Escalates, at now_s, the unresolved requests of every workspace whose
 * first-response deadline passed without a response or whose resolution
 * deadline passed — each once, in its own transaction: escalated_at set,
 * the company's owner made the assignee when nobody has it, an internal
 * note in the thread, an audit entry ("escalate"). At most max requests;
 * *count gets how many were escalated. For a periodic job of the server.
 */
enum adv_err request_escalate_due(struct db_conn *c, time_t now_s, unsigned max, unsigned *count);

/*
 * Keeps the loyalty signal of request id in step with its feedback, inside
 * the caller's transaction: when the request is classified (a component)
 * and has a rating or marked replies, its assessment (source "request",
 * the request's person, journey stage and factor) holds on that component
 * the rating mapped linearly from 1..5 onto the workspace's scale — or,
 * without a rating, the share of replies marked helpful mapped onto the
 * scale — and a summary with both; created the first time (its id kept in
 * signal_assessment_id), a new version afterwards. actor is who caused it
 * (0: the client). Errors: those of assessment_create/update.
 */
enum adv_err request_signal_sync(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t id, struct adv_errbuf *eb);

#endif
