/*
 * identity.h — workspaces, users, memberships, sessions, API tokens and the
 * login throttle: everything that says who is calling and what they may do.
 *
 * Secrets: passwords are stored as Argon2id strings (libsodium
 * crypto_pwhash_str); session and API tokens are 256-bit random values of
 * which only the SHA-256 is stored. Strings returned in structs are owned by
 * the arena passed in.
 */
#ifndef ADV_CORE_IDENTITY_H
#define ADV_CORE_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* Workspace roles, weakest first, so that `role >= ROLE_ANALYST` reads "at least analyst". */
enum ws_role { ROLE_NONE, ROLE_VIEWER, ROLE_MANAGER, ROLE_ANALYST, ROLE_OWNER, ROLE__MAX };

/* Login throttle: failures allowed per window before a lock-out. */
#define LOGIN_WINDOW_SECONDS	 900
#define LOGIN_MAX_PER_ACCOUNT	 5
#define LOGIN_MAX_PER_ADDRESS	 20
#define LOGIN_LOCK_SECONDS	 900
#define IDENTITY_EMAIL_MAX	 254
#define IDENTITY_NAME_MAX	 200
#define IDENTITY_PASSWORD_MIN	 8
#define IDENTITY_PASSWORD_MAX	 1024
#define IDENTITY_SLUG_MAX	 64
#define IDENTITY_TOKEN_LABEL_MAX 200

struct user {
	int64_t id;
	const char *email;
	const char *name;
	bool is_admin;
};

struct workspace {
	int64_t id;
	const char *slug;
	const char *name;
	enum ws_role role;    /* the caller's role in it */
	int64_t data_version; /* raised by every write to the workspace's data */
};

struct member {
	int64_t user_id;
	const char *email;
	const char *name;
	enum ws_role role;
};

/* A session as the HTTP layer needs it after a lookup or a login. */
struct session {
	int64_t id;
	const char *token; /* only right after login: the cookie value */
	const char *csrf_token;
	struct user user;
};

/* "owner" → ROLE_OWNER …; ROLE_NONE when unknown. */
enum ws_role role_parse(const char *s);

/* The role's name, or "none". */
const char *role_name(enum ws_role r);

/* Checks a workspace slug: 2–64 of [a-z0-9-], starting with a letter or digit. */
bool identity_slug_valid(const char *slug);

/* Checks an e-mail address loosely (one @, a dot in the domain, no spaces). */
bool identity_email_valid(const char *email);

/* Creates a workspace; ADV_ECONFLICT when the slug is taken. */
enum adv_err identity_workspace_add(struct db_conn *c, const char *slug, const char *name,
				    int64_t *id, struct adv_errbuf *eb);

/* The workspaces user_id belongs to (all of them for an admin, as owner); array in the arena. */
enum adv_err identity_workspaces_of(struct db_conn *c, struct arena *a, const struct user *u,
				    struct workspace **out, size_t *n);

/*
 * Resolves slug for user u: the workspace and u's role in it. ADV_ENOTFOUND
 * when there is no such workspace or u is not a member (admins are owners
 * everywhere).
 */
enum adv_err identity_workspace_for(struct db_conn *c, struct arena *a, const char *slug,
				    const struct user *u, struct workspace *out);

/*
 * Raises the workspace's data version, once per transaction on c (later calls
 * in the same transaction do nothing): every write to workspace data calls it
 * so that cached answers about the workspace stop being used.
 */
enum adv_err identity_workspace_touch(struct db_conn *c, int64_t ws_id);

/* Members of a workspace, ordered by name; array in the arena. */
enum adv_err identity_members(struct db_conn *c, struct arena *a, int64_t ws_id,
			      struct member **out, size_t *n);

/* A member of ws by e-mail (case-insensitive); ADV_ENOTFOUND when not a member. */
enum adv_err identity_member_by_email(struct db_conn *c, struct arena *a, int64_t ws_id,
				      const char *email, struct member *out);

/*
 * Creates a user (password may be NULL: cannot log in until set) or, when the
 * e-mail exists, fails with ADV_ECONFLICT. Validates e-mail, name and password.
 */
enum adv_err identity_user_add(struct db_conn *c, const char *email, const char *name,
			       const char *password, bool is_admin, int64_t *id,
			       struct adv_errbuf *eb);

/* A user by e-mail; ADV_ENOTFOUND when none. */
enum adv_err identity_user_by_email(struct db_conn *c, struct arena *a, const char *email,
				    struct user *out);

/* Gives user_id the role in ws_id (replacing any role they had). */
enum adv_err identity_membership_set(struct db_conn *c, int64_t ws_id, int64_t user_id,
				     enum ws_role role);

/*
 * Checks e-mail and password with the throttle keyed by e-mail and address.
 * On success creates a session (token and CSRF token fresh) expiring after
 * max_s, and fills out. Errors: ADV_EUNAUTH for wrong credentials (one
 * message for every case), ADV_ETHROTTLED while locked out.
 */
enum adv_err identity_login(struct db_conn *c, struct arena *a, const char *email,
			    const char *password, const char *address, unsigned max_s,
			    struct session *out, struct adv_errbuf *eb);

/*
 * Finds the live session for a cookie token: not revoked, not past its
 * absolute expiry, and seen within idle_s. Touches last_seen at most once a
 * minute. ADV_EUNAUTH when there is none.
 */
enum adv_err identity_session_lookup(struct db_conn *c, struct arena *a, const char *token,
				     unsigned idle_s, struct session *out);

/* Revokes a session. */
enum adv_err identity_session_revoke(struct db_conn *c, int64_t session_id);

/* Creates an API token for the user with that e-mail; *token (arena) is shown once. */
enum adv_err identity_token_create(struct db_conn *c, struct arena *a, const char *email,
				   const char *label, const char **token, struct adv_errbuf *eb);

/* The user behind a bearer token; ADV_EUNAUTH when unknown or revoked. */
enum adv_err identity_token_lookup(struct db_conn *c, struct arena *a, const char *token,
				   struct user *out);

#endif
