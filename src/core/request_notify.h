/*
 * request_notify.h — what leaves the system when a request changes
 * (docs/webhooks.md): the webhook events request.created, request.message,
 * request.resolved and request.rated for the workspace's endpoints, and
 * plain-text e-mail to the people concerned — the client's person (a public
 * reply, a request waiting for them, a resolution with the invitation to
 * rate), the assignee (a request handed to them, the client's new message
 * or reopening)
 * and the target of an escalation.
 *
 * The request module calls request_notify inside the write transaction of
 * the change, so that the deliveries and the e-mail are queued in the outbox
 * (core/outbox.h) exactly when the change commits; a rollback drops them.
 * Internal notes are never announced and never mailed, and nobody is mailed
 * about what they did themselves.
 */
#ifndef ADV_CORE_REQUEST_NOTIFY_H
#define ADV_CORE_REQUEST_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/request.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* What one committed-together change did to a request. */
struct request_change {
	const struct request_actor *actor; /* who acted; NULL: the server itself (escalation) */
	const struct request *before;	   /* the request before the change; NULL: just created */
	const struct request *after;	   /* the request as the change leaves it (read back) */
	/* The message the change added (on creation, the first one), or NULL. */
	const struct request_message *message;
	bool rated;	      /* the client rated (or rated again) the request */
	int64_t escalated_to; /* an escalation: the member it went to; 0 otherwise */
};

/*
 * Queues, in the transaction open on c, the webhook events and the e-mail
 * that change ch of a request of workspace ws_id calls for:
 *
 *   - request.created on creation (with its first message); request.message
 *     for a public message added later; request.resolved when the status
 *     becomes resolved; request.rated for a rating;
 *   - e-mail to the request's person (their live portal access: its address
 *     and language) when a member posts a public reply, or moves the request
 *     to waiting or resolved (one e-mail for one change);
 *   - e-mail to the assignee when the request is given to them by someone
 *     else or by a rule, when the client writes in a request they have, and
 *     when the client reopens it;
 *   - e-mail to the member an escalation went to.
 *
 * Links in e-mail and payloads start with the instance's public address
 * (core/public_url.h); without one they are left out. A message too long
 * for a payload (OUTBOX_PAYLOAD_MAX) is cut there, marked "body_truncated".
 * Recipients without a usable address, and the actor's own address, get
 * nothing. Strings come from a (the caller's arena). Errors: ADV_ENOMEM and
 * the database's; a failure means the caller's change must roll back.
 */
enum adv_err request_notify(struct db_conn *c, struct arena *a, int64_t ws_id,
			    const struct request_change *ch);

#endif
