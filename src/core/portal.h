/*
 * portal.h — client access to the portal, the dialog window
 * (docs/portal.md): staff invite a person of a client company (a contact
 * with an e-mail address) and the person becomes a portal user; the person
 * signs in by a one-time link or by a password and gets a portal session
 * that sees only their own company. Invitations, links and sessions expire
 * and can be revoked; revoking a person ends their sessions and unused
 * links at once.
 *
 * Secrets: link and session tokens are 256 random bits in base64url
 * (PORTAL_TOKEN_LEN characters) of which only the SHA-256 is stored, so a
 * token exists only in the answer that makes it; passwords are Argon2id
 * strings (libsodium crypto_pwhash_str), as for staff.
 *
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows,
 * except those that start from a token or a workspace slug
 * (portal_link_redeem, portal_session_lookup, portal_login,
 * portal_link_request), which find the workspace from it. Staff writes run in their own transaction
 * unless the connection already has one open (then they join it as a savepoint) and are audited
 * (entity type "portal_user", in the account's history).
 */
#ifndef ADV_CORE_PORTAL_H
#define ADV_CORE_PORTAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define PORTAL_INVITE_LINK_SECONDS  (7 * 86400)	 /* an invitation link lives a week */
#define PORTAL_LOGIN_LINK_SECONDS   (30 * 60)	 /* a login link half an hour */
#define PORTAL_SESSION_IDLE_SECONDS (12 * 3600)	 /* a session unused this long ends */
#define PORTAL_SESSION_MAX_SECONDS  (30 * 86400) /* a session ends this long after sign-in */
#define PORTAL_SESSION_TOUCH_EVERY  60		 /* seconds between last_seen_at writes */
#define PORTAL_PASSWORD_MIN	    10		 /* characters */
#define PORTAL_PASSWORD_MAX	    256		 /* characters */
#define PORTAL_TOKEN_LEN	    43		 /* characters of a token: 32 bytes, base64url */
#define PORTAL_LIST_LIMIT_DFLT	    50
#define PORTAL_LIST_LIMIT_MAX	    500
#define PORTAL_RATE_WINDOW	    900 /* seconds of a rate-limit window */
#define PORTAL_RATE_PER_ADDRESS	    30	/* sign-in requests per window and client address */
#define PORTAL_RATE_PER_ACCOUNT	    10	/* password sign-ins per window and workspace+e-mail */
#define PORTAL_RATE_LINK_REQUESTS   5 /* sign-in links asked for per window and workspace+e-mail */
#define PORTAL_LINK_PREFIX	    "/portal/#/link/" /* what a link's path starts with */
#define PORTAL_ENTITY		    "portal_user"     /* the audit entity type */

enum portal_lang { PORTAL_LANG_RU, PORTAL_LANG_EN, PORTAL_LANG__MAX };

/* What a one-time link is for; its lifetime follows from it. */
enum portal_purpose { PORTAL_PURPOSE_INVITE, PORTAL_PURPOSE_LOGIN, PORTAL_PURPOSE__MAX };

/* Where a portal user stands: invited (never signed in), active (has signed in), revoked. */
enum portal_status { PORTAL_INVITED, PORTAL_ACTIVE, PORTAL_REVOKED, PORTAL_STATUS__MAX };

/* A portal user as staff see it. */
struct portal_user {
	int64_t id;
	int64_t ws_id;
	int64_t account_id;
	const char *account_name;
	int64_t contact_id;
	const char *email; /* the contact's e-mail address when invited, case-folded */
	const char *name;  /* the contact's name when invited */
	enum portal_lang lang;
	enum portal_status status;
	bool has_password;
	int64_t created_by; /* 0: none */
	const char *created_at;
	const char *revoked_at;	   /* NULL while live, as every optional time */
	const char *last_login_at; /* the last sign-in */
	int64_t version;
	const char *link; /* "/portal/#/link/<token>": only in what portal_invite makes */
	const char *link_expires_at; /* likewise */
};

/*
 * A live portal session: who is signed in and what they may see (one
 * company of one workspace).
 */
struct portal_session {
	int64_t id;
	int64_t ws_id;
	const char *ws_slug;
	const char *ws_name; /* the supplier: the workspace's name */
	int64_t account_id;  /* the company the session sees, and nothing else */
	const char *account_name;
	int64_t portal_user_id;
	int64_t contact_id;
	const char *name;
	const char *email;
	enum portal_lang lang;
	bool has_password;
	const char *csrf_token; /* what writes send as X-CSRF-Token */
	const char *expires_at; /* the absolute expiry */
	const char *token;	/* the cookie value: only right after sign-in, else NULL */
};

/* "ru", "en" (static storage); parse: false when unknown (or NULL). */
const char *portal_lang_name(enum portal_lang l);
bool portal_lang_parse(const char *s, enum portal_lang *out);

/* "invited", "active", "revoked" (static storage). */
const char *portal_status_name(enum portal_status s);

/*
 * The account of contact_id of the workspace (archived or not) into
 * *account_id, for the caller's permission check before portal_invite.
 * ADV_ENOTFOUND "no such contact" when the workspace has no such contact.
 */
enum adv_err portal_contact_account(struct db_conn *c, int64_t ws_id, int64_t contact_id,
				    int64_t *account_id, struct adv_errbuf *eb);

/*
 * Invites contact_id as actor: creates its portal user, or re-activates and
 * refreshes it (e-mail, name, account; a revoked person's password is
 * forgotten), with lang when lang is not NULL (else the user's lang, "ru"
 * for a new one); revokes its earlier unused links and makes a fresh
 * invitation link (PORTAL_INVITE_LINK_SECONDS). *out is the portal user
 * with link and link_expires_at, the only time the token is shown.
 * Errors: ADV_ENOTFOUND for a contact that is not the workspace's;
 * ADV_EINVAL "/contact_id" for an archived contact, a contact of an
 * archived company, or a contact without an e-mail address; ADV_ECONFLICT
 * "/contact_id" when another live portal user of the workspace has that
 * e-mail address; database errors.
 */
enum adv_err portal_invite(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			   int64_t contact_id, const enum portal_lang *lang,
			   struct portal_user *out, struct adv_errbuf *eb);

/*
 * The first e-mail address of contact contact_id of the workspace
 * (archived or not), case-folded, into *email (arena string, NULL when the
 * contact has none). ADV_ENOTFOUND "no such contact"; ADV_ENOMEM.
 */
enum adv_err portal_contact_email(struct db_conn *c, struct arena *a, int64_t ws_id,
				  int64_t contact_id, const char **email, struct adv_errbuf *eb);

/*
 * Makes a fresh one-time link of purpose for live portal user id (its
 * lifetime PORTAL_INVITE_LINK_SECONDS or PORTAL_LOGIN_LINK_SECONDS): an
 * invitation link revokes every earlier unused link of the person, a login
 * link their earlier unused login links (an invitation link stays good).
 * *link is the arena path PORTAL_LINK_PREFIX "<token>" and *expires_at its
 * expiry. Not audited (a caller that acts for staff audits). ADV_ENOTFOUND
 * when there is no live portal user id in the workspace.
 */
enum adv_err portal_link_make(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			      enum portal_purpose purpose, const char **link,
			      const char **expires_at);

/* Portal user id of the workspace (revoked ones too) into *out; ADV_ENOTFOUND. */
enum adv_err portal_user_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			     struct portal_user *out);

/*
 * One page of the workspace's portal users, newest first: those of
 * account_id (0: every account), revoked ones only when include_revoked; at
 * most limit (1..PORTAL_LIST_LIMIT_MAX) in *items (arena array of *n),
 * *next_cursor (arena string, NULL on the last page). Errors: ADV_ENOTFOUND
 * "no such account" when account_id is not the workspace's; ADV_EINVAL
 * "cursor".
 */
enum adv_err portal_user_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			      bool include_revoked, unsigned limit, const char *cursor,
			      struct portal_user **items, size_t *n, const char **next_cursor,
			      struct adv_errbuf *eb);

/*
 * Revokes portal user id as actor: the person, every session and every
 * unused link of theirs end at once. Revoking a revoked one changes
 * nothing. ADV_ENOTFOUND "no such portal user".
 */
enum adv_err portal_revoke(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			   int64_t id, struct adv_errbuf *eb);

/*
 * Signs in by the one-time link whose token is token, from client address
 * address: counts the request against the address (PORTAL_RATE_PER_ADDRESS
 * per PORTAL_RATE_WINDOW), then marks the link used in the same statement
 * that checks it (valid, unused, unrevoked, unexpired, its person live,
 * their contact and company not archived), so that it works once even
 * when redeemed twice at the same moment, and opens a session into *out
 * (token set). Errors: ADV_ETHROTTLED with *retry_after seconds;
 * ADV_EUNAUTH alike for every link that does not work; database errors.
 */
enum adv_err portal_link_redeem(struct db_conn *c, struct arena *a, const char *token,
				const char *address, struct portal_session *out,
				unsigned *retry_after);

/*
 * A person asks for a sign-in link by e-mail: workspace ws_slug, address
 * email (any case), from client address. In one write transaction it
 * counts the request against the address (PORTAL_RATE_PER_ADDRESS, shared
 * with the other sign-in requests) and against the workspace and e-mail
 * (PORTAL_RATE_LINK_REQUESTS per PORTAL_RATE_WINDOW), looks the person up,
 * makes a token and composes a message; only for a live person (not
 * revoked, their contact and company not archived) whose address can take
 * mail it stores the login link (portal_link_make's rules) and queues the
 * message (portal_mail.h) in lang when lang is not NULL, else in the
 * person's language. Everything else — an unknown workspace or e-mail, a
 * revoked person, an archived contact or company — does the same work but
 * stores nothing and answers the same ADV_OK, so the result tells nothing.
 * Errors: ADV_ETHROTTLED with *retry_after seconds (detail in eb), for any
 * address alike; ADV_EINVAL for a missing or over-long slug or e-mail;
 * database errors.
 */
enum adv_err portal_link_request(struct db_conn *c, struct arena *a, const char *ws_slug,
				 const char *email, const enum portal_lang *lang,
				 const char *address, unsigned *retry_after, struct adv_errbuf *eb);

/*
 * Signs in with e-mail and password to workspace ws_slug from client
 * address: counts the request against the address and against the
 * workspace and e-mail (PORTAL_RATE_PER_ACCOUNT per PORTAL_RATE_WINDOW),
 * checks the password (Argon2id; an unknown person costs the same time),
 * and opens a session into *out (token set). Errors: ADV_ETHROTTLED with
 * *retry_after seconds; ADV_EUNAUTH "wrong e-mail or password" alike for
 * an unknown workspace or e-mail, a person without a password, a revoked
 * one, an archived contact or company and a wrong password; database
 * errors.
 */
enum adv_err portal_login(struct db_conn *c, struct arena *a, const char *ws_slug,
			  const char *email, const char *password, const char *address,
			  struct portal_session *out, unsigned *retry_after, struct adv_errbuf *eb);

/*
 * The live session whose cookie token is token into *out (token NULL): not
 * revoked, before its absolute expiry, seen within
 * PORTAL_SESSION_IDLE_SECONDS, its person live and their contact and
 * company not archived. Notes last_seen_at at most once per
 * PORTAL_SESSION_TOUCH_EVERY. ADV_EUNAUTH when there is none.
 */
enum adv_err portal_session_lookup(struct db_conn *c, struct arena *a, const char *token,
				   struct portal_session *out);

/* Ends session id of the workspace (signing out); ending an ended one changes nothing. */
enum adv_err portal_session_end(struct db_conn *c, int64_t ws_id, int64_t id);

/*
 * Sets the password of the person signed in by session s (s->has_password
 * becomes true) and ends their other sessions. password: PORTAL_PASSWORD_MIN
 * to PORTAL_PASSWORD_MAX characters of UTF-8, else ADV_EINVAL "/password".
 * ADV_EUNAUTH when the person was revoked meanwhile; ADV_ENOMEM.
 */
enum adv_err portal_password_set(struct db_conn *c, struct portal_session *s, const char *password,
				 struct adv_errbuf *eb);

/* The portal user as the staff API shows it (docs/portal.md); new reference, NULL when out of
 * memory. */
json_t *portal_user_json(const struct portal_user *x);

/*
 * The session as the portal shows it: {"person", "company", "workspace",
 * "csrf_token", "expires_at"}; new reference, NULL when out of memory.
 */
json_t *portal_session_json(const struct portal_session *s);

#endif
