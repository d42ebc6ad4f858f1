/*
 * portal_mail.h — the e-mail of portal access (docs/portal.md): the
 * invitation that staff send with a person's invitation link, and the
 * sign-in link a person asks for. Each is a plain-text message in the
 * person's language (Russian or English) with the full link (the
 * instance's public address, public_url.h, and the portal page with the
 * supplier's code, "/portal/?ws=<slug>#/link/<token>"), how long the link
 * lives and until when; it is queued with outbox_mail inside the caller's
 * transaction, so it exists exactly when the link does.
 *
 * Strings returned are owned by the arena passed in.
 */
#ifndef ADV_CORE_PORTAL_MAIL_H
#define ADV_CORE_PORTAL_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/portal.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define PORTAL_MAIL_URL_MAX  768 /* bytes of a link's full URL, NUL included */
#define PORTAL_MAIL_NAME_MAX 80	 /* characters of the supplier's name in a subject */

/* What a message is about. */
enum portal_mail_kind { PORTAL_MAIL_INVITE, PORTAL_MAIL_LOGIN, PORTAL_MAIL__MAX };

/* A message to compose: everything is borrowed. */
struct portal_mail {
	enum portal_mail_kind kind;
	enum portal_lang lang;
	const char *ws_slug;	/* the supplier's code, put into the link's page address */
	const char *ws_name;	/* the supplier (the workspace's name); NULL: none */
	const char *name;	/* the person's name; NULL: none */
	const char *link;	/* the path portal_link_make writes: PORTAL_LINK_PREFIX "<token>" */
	const char *expires_at; /* the link's expiry, RFC 3339 */
};

/*
 * The full URL a message carries for link (PORTAL_LINK_PREFIX "<token>") of
 * workspace ws_slug: public_url() followed by "/portal/?ws=<slug>#/link/<token>",
 * an arena string. NULL when link is not such a path, ws_slug is not a
 * slug, the URL would be over PORTAL_MAIL_URL_MAX bytes, or out of memory.
 */
const char *portal_mail_url(struct arena *a, const char *ws_slug, const char *link);

/*
 * Composes message m: *subject (one line) and *body (text lines), arena
 * strings, in m->lang, saying how long the link lives (from m->kind:
 * PORTAL_INVITE_LINK_SECONDS or PORTAL_LOGIN_LINK_SECONDS) and until when.
 * Control characters of names become spaces; a long supplier's name is cut
 * to PORTAL_MAIL_NAME_MAX characters in the subject. ADV_EINVAL when the
 * URL cannot be made (portal_mail_url); ADV_ENOMEM.
 */
enum adv_err portal_mail_compose(struct arena *a, const struct portal_mail *m, const char **subject,
				 const char **body);

/*
 * Composes m and queues it to address to of workspace ws_id (outbox_mail,
 * inside the caller's transaction). Errors: those of portal_mail_compose
 * and outbox_mail (ADV_EINVAL for an address it refuses).
 */
enum adv_err portal_mail_queue(struct db_conn *c, struct arena *a, int64_t ws_id, const char *to,
			       const struct portal_mail *m);

/*
 * portal_invite (see portal.h) of contact_id in workspace ws_id (slug
 * ws_slug, name ws_name) as actor, and, when send_email, the invitation
 * e-mailed to the person's address in their language (out->lang), both in
 * one transaction (the caller's when it has one open): either both happen
 * or neither. Errors: those of portal_invite; with send_email, ADV_EINVAL
 * "/send_email" when the contact has no e-mail address or one that mail
 * cannot be sent to (checked first, so that nothing is written).
 */
enum adv_err portal_invite_send(struct db_conn *c, struct arena *a, int64_t ws_id,
				const char *ws_slug, const char *ws_name, int64_t actor,
				int64_t contact_id, const enum portal_lang *lang, bool send_email,
				struct portal_user *out, struct adv_errbuf *eb);

#endif
