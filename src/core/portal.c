/*
 * portal.c — client access to the portal (see portal.h): portal users
 * invited, re-invited, listed and revoked by staff; one-time links made and
 * redeemed exactly once; password sign-in with its rate limits; portal
 * sessions opened, looked up, touched and ended. All SQL about portal_users,
 * portal_links and portal_sessions lives here.
 */
#include "core/portal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/catalogue.h"
#include "core/entry.h"
#include "core/invitation.h"
#include "core/listing.h"
#include "core/outbox.h"
#include "core/portal_mail.h"
#include "core/rate_limit.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/str.h"

#define CURSOR_TAG     "portal_users"
#define SCOPE_ADDRESS  "portal-address"	 /* rate_limit.h scope of sign-in requests per address */
#define SCOPE_ACCOUNT  "portal-account"	 /* and of password sign-ins per workspace and e-mail */
#define SCOPE_LINK_ASK "portal-link-ask" /* and of link requests per workspace and e-mail */
#define HASH_HEX       65		 /* bytes of a SHA-256 in hex with its NUL */
#define LOGIN_FAILED   "wrong e-mail or password"
#define EMAIL_TEXT_MAX 320 /* bytes of an e-mail address as login input */
#define SLUG_TEXT_MAX  128 /* bytes of a workspace slug as login input */

static const char *const lang_names[PORTAL_LANG__MAX] = {
    [PORTAL_LANG_RU] = "ru",
    [PORTAL_LANG_EN] = "en",
};

static const char *const purpose_names[PORTAL_PURPOSE__MAX] = {
    [PORTAL_PURPOSE_INVITE] = "invite",
    [PORTAL_PURPOSE_LOGIN] = "login",
};

static const long purpose_seconds[PORTAL_PURPOSE__MAX] = {
    [PORTAL_PURPOSE_INVITE] = PORTAL_INVITE_LINK_SECONDS,
    [PORTAL_PURPOSE_LOGIN] = PORTAL_LOGIN_LINK_SECONDS,
};

static const char *const status_names[PORTAL_STATUS__MAX] = {
    [PORTAL_INVITED] = "invited",
    [PORTAL_ACTIVE] = "active",
    [PORTAL_REVOKED] = "revoked",
};

/* A portal user (read_user) and its company's name. */
#define USER_COLS                                                                                  \
	"u.id, u.workspace_id, u.account_id, a.name, u.contact_id, u.email, u.name, u.lang,"       \
	" CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END, u.created_by, u.created_at,"        \
	" u.revoked_at, u.last_login_at, u.version FROM portal_users u JOIN accounts a"            \
	" ON a.id = u.account_id AND a.workspace_id = u.workspace_id"

/* A session (read_session) with its person, company and workspace. */
#define SESSION_COLS                                                                               \
	"s.id, s.workspace_id, w.slug, w.name, s.account_id, a.name, u.id, u.contact_id, u.name,"  \
	" u.email, u.lang, CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END, s.csrf_token,"     \
	" s.expires_at, s.last_seen_at FROM portal_sessions s JOIN portal_users u"                 \
	" ON u.id = s.portal_user_id AND u.workspace_id = s.workspace_id JOIN accounts a"          \
	" ON a.id = s.account_id AND a.workspace_id = s.workspace_id JOIN contacts k"              \
	" ON k.id = u.contact_id AND k.workspace_id = s.workspace_id JOIN workspaces w"            \
	" ON w.id = s.workspace_id"

/* A person who may sign in: live, their contact and company not archived, still theirs. */
#define PERSON_LIVE                                                                                \
	" u.revoked_at IS NULL AND k.archived_at IS NULL AND a.archived_at IS NULL"                \
	" AND k.account_id = u.account_id"

static struct db_sql sql_get =
    DB_SQL("SELECT " USER_COLS " WHERE u.workspace_id = ?1 AND u.id = ?2");
static struct db_sql sql_of_contact =
    DB_SQL("SELECT " USER_COLS " WHERE u.workspace_id = ?1 AND u.contact_id = ?2");
/* ?2 account (0: any), ?3 include revoked, ?4 below id (0: from the newest), ?5 limit. */
static struct db_sql sql_list =
    DB_SQL("SELECT " USER_COLS " WHERE u.workspace_id = ?1 AND (?2 = 0 OR u.account_id = ?2)"
	   " AND (?3 = 1 OR u.revoked_at IS NULL) AND (?4 = 0 OR u.id < ?4)"
	   " ORDER BY u.id DESC LIMIT ?5");
static struct db_sql sql_account_exists =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_contact =
    DB_SQL("SELECT k.account_id, k.name, k.emails, k.archived_at, a.archived_at FROM contacts k"
	   " JOIN accounts a ON a.id = k.account_id AND a.workspace_id = k.workspace_id"
	   " WHERE k.workspace_id = ?1 AND k.id = ?2");
static struct db_sql sql_email_taken =
    DB_SQL("SELECT contact_id FROM portal_users WHERE workspace_id = ?1 AND email = ?2"
	   " AND revoked_at IS NULL AND contact_id <> ?3");
static struct db_sql sql_user_insert =
    DB_SQL("INSERT INTO portal_users (workspace_id, account_id, contact_id, email, name, lang,"
	   " created_by, created_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)"
	   " RETURNING id");
/* A revoked person's password is forgotten when they are invited again. */
static struct db_sql sql_user_refresh =
    DB_SQL("UPDATE portal_users SET account_id = ?3, email = ?4, name = ?5, lang = ?6,"
	   " password_hash = CASE WHEN revoked_at IS NULL THEN password_hash ELSE NULL END,"
	   " revoked_at = NULL, version = version + 1 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_user_live =
    DB_SQL("SELECT id FROM portal_users WHERE workspace_id = ?1 AND id = ?2"
	   " AND revoked_at IS NULL");
static struct db_sql sql_user_revoke =
    DB_SQL("UPDATE portal_users SET revoked_at = ?3, version = version + 1"
	   " WHERE workspace_id = ?1 AND id = ?2 AND revoked_at IS NULL");
static struct db_sql sql_user_account =
    DB_SQL("SELECT account_id FROM portal_users WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_last_login =
    DB_SQL("UPDATE portal_users SET last_login_at = ?3 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_password =
    DB_SQL("UPDATE portal_users SET password_hash = ?3, version = version + 1"
	   " WHERE workspace_id = ?1 AND id = ?2 AND revoked_at IS NULL");
static struct db_sql sql_links_revoke =
    DB_SQL("UPDATE portal_links SET revoked_at = ?3 WHERE workspace_id = ?1"
	   " AND portal_user_id = ?2 AND used_at IS NULL AND revoked_at IS NULL");
/* ?4 the purpose: the unused links of one purpose. */
static struct db_sql sql_links_revoke_purpose =
    DB_SQL("UPDATE portal_links SET revoked_at = ?3 WHERE workspace_id = ?1"
	   " AND portal_user_id = ?2 AND purpose = ?4 AND used_at IS NULL AND revoked_at IS NULL");
static struct db_sql sql_link_add =
    DB_SQL("INSERT INTO portal_links (workspace_id, portal_user_id, token_hash, purpose,"
	   " expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
/*
 * Checks and uses a link in one statement (?1 token hash, ?2 now): a second
 * redemption, even at the same moment, finds it used.
 */
static struct db_sql sql_redeem = DB_SQL(
    "UPDATE portal_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL"
    " AND revoked_at IS NULL AND expires_at > ?2 AND EXISTS (SELECT 1 FROM portal_users u"
    " JOIN contacts k ON k.id = u.contact_id AND k.workspace_id = u.workspace_id"
    " JOIN accounts a ON a.id = u.account_id AND a.workspace_id = u.workspace_id"
    " WHERE u.id = portal_links.portal_user_id AND u.workspace_id = portal_links.workspace_id"
    " AND" PERSON_LIVE ") RETURNING workspace_id, portal_user_id");
static struct db_sql sql_login =
    DB_SQL("SELECT u.workspace_id, u.id, u.account_id, u.password_hash FROM portal_users u"
	   " JOIN workspaces w ON w.id = u.workspace_id"
	   " JOIN contacts k ON k.id = u.contact_id AND k.workspace_id = u.workspace_id"
	   " JOIN accounts a ON a.id = u.account_id AND a.workspace_id = u.workspace_id"
	   " WHERE w.slug = ?1 AND u.email = ?2 AND" PERSON_LIVE);
/* ?1 slug, ?2 e-mail: the live person a sign-in link may go to, and the supplier's name. */
static struct db_sql sql_link_person =
    DB_SQL("SELECT u.workspace_id, u.id, u.email, u.name, u.lang, w.name FROM portal_users u"
	   " JOIN workspaces w ON w.id = u.workspace_id"
	   " JOIN contacts k ON k.id = u.contact_id AND k.workspace_id = u.workspace_id"
	   " JOIN accounts a ON a.id = u.account_id AND a.workspace_id = u.workspace_id"
	   " WHERE w.slug = ?1 AND u.email = ?2 AND" PERSON_LIVE);
static struct db_sql sql_session_add =
    DB_SQL("INSERT INTO portal_sessions (workspace_id, portal_user_id, account_id, token_hash,"
	   " csrf_token, created_at, last_seen_at, expires_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id");
static struct db_sql sql_session_by_id =
    DB_SQL("SELECT " SESSION_COLS " WHERE s.workspace_id = ?1 AND s.id = ?2");
/* ?1 token hash, ?2 now, ?3 the idle limit. */
static struct db_sql sql_session_by_token =
    DB_SQL("SELECT " SESSION_COLS " WHERE s.token_hash = ?1 AND s.revoked_at IS NULL"
	   " AND s.expires_at > ?2 AND s.last_seen_at > ?3 AND u.account_id = s.account_id"
	   " AND" PERSON_LIVE);
static struct db_sql sql_session_touch =
    DB_SQL("UPDATE portal_sessions SET last_seen_at = ?3 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_session_end =
    DB_SQL("UPDATE portal_sessions SET revoked_at = ?3 WHERE workspace_id = ?1 AND id = ?2"
	   " AND revoked_at IS NULL");
static struct db_sql sql_sessions_revoke =
    DB_SQL("UPDATE portal_sessions SET revoked_at = ?3 WHERE workspace_id = ?1"
	   " AND portal_user_id = ?2 AND revoked_at IS NULL");
static struct db_sql sql_sessions_others =
    DB_SQL("UPDATE portal_sessions SET revoked_at = ?4 WHERE workspace_id = ?1"
	   " AND portal_user_id = ?2 AND id <> ?3 AND revoked_at IS NULL");

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* A hash to verify against when there is no password to check, so that timing tells nothing. */
static void
dummy_hash_make(void)
{
	static const char dummy_password[] = "not-the-portal-password";

	if (crypto_pwhash_str(dummy_hash, dummy_password, sizeof(dummy_password) - 1,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

const char *
portal_lang_name(enum portal_lang l)
{
	return (unsigned)l < PORTAL_LANG__MAX ? lang_names[l] : lang_names[PORTAL_LANG_RU];
}

bool
portal_lang_parse(const char *s, enum portal_lang *out)
{
	for (int k = 0; s != NULL && k < PORTAL_LANG__MAX; k++)
		if (strcmp(s, lang_names[k]) == 0) {
			*out = (enum portal_lang)k;
			return true;
		}
	return false;
}

const char *
portal_status_name(enum portal_status s)
{
	return (unsigned)s < PORTAL_STATUS__MAX ? status_names[s] : status_names[PORTAL_INVITED];
}

/* Reads the current row of st (USER_COLS) into the struct portal_user at entry. */
static enum adv_err
read_user(struct db_stmt *st, struct arena *a, void *entry)
{
	struct portal_user *x = entry;
	bool oom = false;

	memset(x, 0, sizeof(*x));
	x->id = db_col_int(st, 0);
	x->ws_id = db_col_int(st, 1);
	x->account_id = db_col_int(st, 2);
	x->account_name = db_col_dup(st, a, 3, &oom);
	x->contact_id = db_col_int(st, 4);
	x->email = db_col_dup(st, a, 5, &oom);
	x->name = db_col_dup(st, a, 6, &oom);
	if (!portal_lang_parse(db_col_text(st, 7), &x->lang))
		x->lang = PORTAL_LANG_RU;
	x->has_password = db_col_int(st, 8) != 0;
	x->created_by = db_col_null(st, 9) ? 0 : db_col_int(st, 9);
	x->created_at = db_col_dup(st, a, 10, &oom);
	x->revoked_at = db_col_dup(st, a, 11, &oom);
	x->last_login_at = db_col_dup(st, a, 12, &oom);
	x->version = db_col_int(st, 13);
	x->status = x->revoked_at      ? PORTAL_REVOKED
		    : x->last_login_at ? PORTAL_ACTIVE
				       : PORTAL_INVITED;
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Reads the current row of st (SESSION_COLS) into *s; *stale when last_seen_at is before touch. */
static enum adv_err
read_session(struct db_stmt *st, struct arena *a, const char *touch, struct portal_session *s,
	     bool *stale)
{
	bool oom = false;

	memset(s, 0, sizeof(*s));
	s->id = db_col_int(st, 0);
	s->ws_id = db_col_int(st, 1);
	s->ws_slug = db_col_dup(st, a, 2, &oom);
	s->ws_name = db_col_dup(st, a, 3, &oom);
	s->account_id = db_col_int(st, 4);
	s->account_name = db_col_dup(st, a, 5, &oom);
	s->portal_user_id = db_col_int(st, 6);
	s->contact_id = db_col_int(st, 7);
	s->name = db_col_dup(st, a, 8, &oom);
	s->email = db_col_dup(st, a, 9, &oom);
	if (!portal_lang_parse(db_col_text(st, 10), &s->lang))
		s->lang = PORTAL_LANG_RU;
	s->has_password = db_col_int(st, 11) != 0;
	s->csrf_token = db_col_dup(st, a, 12, &oom);
	s->expires_at = db_col_dup(st, a, 13, &oom);
	*stale = touch != NULL && strcmp(db_col_text(st, 14), touch) < 0;
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Runs sql binding (?1 ws_id, ?2 id, ?3 text); *changed (may be NULL) gets the rows changed. */
static enum adv_err
exec_ws_id_text(struct db_conn *c, struct db_sql *sql, int64_t ws_id, int64_t id, const char *text,
		int64_t *changed)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, text);
	if ((rc = db_exec(st)) == ADV_OK && changed != NULL)
		*changed = db_changes(st);
out:
	return rc;
}

/* The first e-mail address of a contact's emails column (a JSON list), case-folded, or NULL. */
static const char *
first_email(struct arena *a, const char *emails, bool *oom)
{
	json_t *j = emails ? json_loads(emails, 0, NULL) : NULL;
	const char *s = json_string_value(json_array_get(j, 0)), *out = NULL;

	if (s != NULL && *s != '\0' && (out = str_fold(a, s)) == NULL)
		*oom = true;
	json_decref(j);
	return out;
}

enum adv_err
portal_contact_account(struct db_conn *c, int64_t ws_id, int64_t contact_id, int64_t *account_id,
		       struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*account_id = 0;
	if ((rc = db_prepare(c, &sql_contact, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = adv_fail(eb, ADV_ENOTFOUND, NULL, "no such contact: %lld",
			      (long long)contact_id);
		goto out;
	}
	*account_id = db_col_int(st, 0);
	db_done(st);
out:
	return rc;
}

/* What portal_invite learns of the contact. */
struct invitee {
	int64_t account_id;
	const char *name;
	const char *email; /* NULL: none */
	bool archived, account_archived;
};

/* Loads contact_id of the workspace into *k; ADV_ENOTFOUND "no such contact". */
static enum adv_err
invitee_load(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t contact_id,
	     struct invitee *k, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	bool row, oom = false;
	enum adv_err rc;

	memset(k, 0, sizeof(*k));
	if ((rc = db_prepare(c, &sql_contact, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = adv_fail(eb, ADV_ENOTFOUND, NULL, "no such contact: %lld",
			      (long long)contact_id);
		goto out;
	}
	k->account_id = db_col_int(st, 0);
	k->name = db_col_dup(st, a, 1, &oom);
	k->email = first_email(a, db_col_null(st, 2) ? NULL : db_col_text(st, 2), &oom);
	k->archived = !db_col_null(st, 3);
	k->account_archived = !db_col_null(st, 4);
	db_done(st);
	rc = oom ? ADV_ENOMEM : ADV_OK;
out:
	return rc;
}

enum adv_err
portal_contact_email(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t contact_id,
		     const char **email, struct adv_errbuf *eb)
{
	struct invitee k;
	enum adv_err rc;

	*email = NULL;
	if ((rc = invitee_load(c, a, ws_id, contact_id, &k, eb)) == ADV_OK)
		*email = k.email;
	return rc;
}

/* ADV_ECONFLICT "/contact_id" when a live portal user of another contact has email. */
static enum adv_err
email_free(struct db_conn *c, int64_t ws_id, int64_t contact_id, const char *email,
	   struct adv_errbuf *eb)
{
	struct db_stmt *st;
	int64_t other;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_email_taken, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, email);
	db_bind_int(st, 3, contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	other = db_col_int(st, 0);
	db_done(st);
	rc = adv_fail(eb, ADV_ECONFLICT, "/contact_id",
		      "%s is the e-mail address of another person with portal access (contact "
		      "%lld); revoke that access first or give this contact its own address",
		      email, (long long)other);
out:
	return rc;
}

/*
 * Stores a new link of purpose for portal user id with a fresh token after
 * revoking the user's unused links (of that purpose, for a login link);
 * *link and *expires_at as portal_link_make.
 */
static enum adv_err
link_insert(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	    enum portal_purpose purpose, const char **link, const char **expires_at)
{
	char now[CLOCK_TEXT_MAX], until[CLOCK_TEXT_MAX], hash[HASH_HEX];
	const char *token = invitation_token_new(a);
	struct db_stmt *st;
	enum adv_err rc;

	if (token == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	invitation_hash(token, hash);
	clock_now_plus(0, now);
	clock_now_plus(purpose_seconds[purpose], until);
	if (purpose == PORTAL_PURPOSE_INVITE) {
		rc = exec_ws_id_text(c, &sql_links_revoke, ws_id, id, now, NULL);
	} else if ((rc = db_prepare(c, &sql_links_revoke_purpose, &st)) == ADV_OK) {
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, id);
		db_bind_text(st, 3, now);
		db_bind_text(st, 4, purpose_names[purpose]);
		rc = db_exec(st);
	}
	if (rc != ADV_OK || (rc = db_prepare(c, &sql_link_add, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, hash);
	db_bind_text(st, 4, purpose_names[purpose]);
	db_bind_text(st, 5, until);
	db_bind_text(st, 6, now);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	*link = arena_printf(a, PORTAL_LINK_PREFIX "%s", token);
	*expires_at = arena_strdup(a, until);
	if (*link == NULL || *expires_at == NULL)
		rc = ADV_ENOMEM;
out:
	return rc;
}

enum adv_err
portal_link_make(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		 enum portal_purpose purpose, const char **link, const char **expires_at)
{
	struct db_stmt *st;
	struct tx t;
	bool began = false, row = false;
	enum adv_err rc;

	*link = *expires_at = NULL;
	if ((unsigned)purpose >= PORTAL_PURPOSE__MAX) {
		rc = ADV_EINVAL;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = db_prepare(c, &sql_user_live, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_ENOTFOUND;
		goto out;
	}
	db_done(st);
	rc = link_insert(c, a, ws_id, id, purpose, link, expires_at);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		*link = *expires_at = NULL;
	return rc;
}

/* The audited fields of a portal user: {email, name, lang, revoked_at}; new reference or NULL. */
static json_t *
audit_fields(const char *email, const char *name, enum portal_lang lang, const char *revoked_at)
{
	return json_pack("{s:s?, s:s?, s:s, s:s?}", "email", email, "name", name, "lang",
			 portal_lang_name(lang), "revoked_at", revoked_at);
}

/*
 * Audits action on portal user id of account_id as actor: the fields from
 * before (NULL: none) to after, both stolen.
 */
static enum adv_err
audit(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t id, int64_t account_id,
      const char *action, json_t *before, json_t *after)
{
	json_t *changes = NULL;
	enum adv_err rc = ADV_ENOMEM;

	if (after == NULL || (changes = catalogue_diff(before, after)) == NULL)
		goto out;
	rc = audit_write(c, ws_id, actor, PORTAL_ENTITY, id, account_id, action, changes);
out:
	json_decref(changes);
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * Creates the portal user of contact_id (or refreshes the one in *old when
 * old->id is set) from invitee k with lang; *id is its id.
 */
static enum adv_err
user_store(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t contact_id,
	   const struct invitee *k, const struct portal_user *old, enum portal_lang lang,
	   int64_t *id, struct adv_errbuf *eb)
{
	char now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	bool row = false;
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = db_prepare(c, old->id > 0 ? &sql_user_refresh : &sql_user_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	if (old->id > 0) {
		db_bind_int(st, 2, old->id);
		db_bind_int(st, 3, k->account_id);
		db_bind_text(st, 4, k->email);
		db_bind_text(st, 5, k->name);
		db_bind_text(st, 6, portal_lang_name(lang));
		rc = db_exec(st);
		*id = old->id;
	} else {
		db_bind_int(st, 2, k->account_id);
		db_bind_int(st, 3, contact_id);
		db_bind_text(st, 4, k->email);
		db_bind_text(st, 5, k->name);
		db_bind_text(st, 6, portal_lang_name(lang));
		db_bind_id(st, 7, actor);
		db_bind_text(st, 8, now);
		if ((rc = db_step(st, &row)) == ADV_OK && !row)
			rc = ADV_EDB;
		if (rc == ADV_OK) {
			*id = db_col_int(st, 0);
			db_done(st);
		}
	}
	/* A unique index said no: another invitation of this contact or address came first. */
	if (rc == ADV_ECONFLICT)
		rc = adv_fail(eb, rc, "/contact_id",
			      "this contact or its e-mail address was given portal access at the "
			      "same moment; look at the list and try again if needed");
out:
	return rc;
}

enum adv_err
portal_invite(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t contact_id,
	      const enum portal_lang *lang, struct portal_user *out, struct adv_errbuf *eb)
{
	struct portal_user old = {0};
	struct invitee k;
	enum portal_lang use = PORTAL_LANG_RU;
	const char *link = NULL, *until = NULL;
	json_t *before = NULL, *after;
	struct tx t;
	int64_t id = 0;
	bool began = false;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = invitee_load(c, a, ws_id, contact_id, &k, eb)) != ADV_OK)
		goto out;
	if (k.archived || k.account_archived || k.email == NULL) {
		rc = adv_fail(eb, ADV_EINVAL, "/contact_id", "%s",
			      k.archived	   ? "the contact is archived"
			      : k.account_archived ? "the contact's company is archived"
						   : "the contact has no e-mail address; add one "
						     "to the contact first");
		goto out;
	}
	rc = entry_get(c, a, &sql_of_contact, ws_id, contact_id, read_user, &old);
	if (rc == ADV_ENOTFOUND)
		memset(&old, 0, sizeof(old));
	else if (rc != ADV_OK)
		goto out;
	if ((rc = email_free(c, ws_id, contact_id, k.email, eb)) != ADV_OK)
		goto out;
	use = lang != NULL ? *lang : old.id > 0 ? old.lang : PORTAL_LANG_RU;
	if ((rc = user_store(c, ws_id, actor, contact_id, &k, &old, use, &id, eb)) != ADV_OK ||
	    (rc = link_insert(c, a, ws_id, id, PORTAL_PURPOSE_INVITE, &link, &until)) != ADV_OK)
		goto out;
	if (old.id > 0 &&
	    (before = audit_fields(old.email, old.name, old.lang, old.revoked_at)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	after = audit_fields(k.email, k.name, use, NULL);
	if (after != NULL &&
	    (json_object_set_new(after, "contact_id", json_integer(contact_id)) != 0 ||
	     json_object_set_new(after, "link_expires_at", json_string(until)) != 0)) {
		json_decref(after);
		after = NULL;
	}
	rc = audit(c, ws_id, actor, id, k.account_id, "invite", before, after);
	before = NULL;
	if (rc != ADV_OK || (rc = portal_user_get(c, a, ws_id, id, out)) != ADV_OK)
		goto out;
	out->link = link;
	out->link_expires_at = until;
out:
	json_decref(before);
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

enum adv_err
portal_user_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		struct portal_user *out)
{
	return entry_get(c, a, &sql_get, ws_id, id, read_user, out);
}

/* ADV_ENOTFOUND "no such account" unless account_id is the workspace's. */
static enum adv_err
account_exists(struct db_conn *c, int64_t ws_id, int64_t account_id, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_account_exists, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = adv_fail(eb, ADV_ENOTFOUND, NULL, "no such account: %lld",
			      (long long)account_id);
		goto out;
	}
	db_done(st);
out:
	return rc;
}

enum adv_err
portal_user_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		 bool include_revoked, unsigned limit, const char *cursor,
		 struct portal_user **items, size_t *n, const char **next_cursor,
		 struct adv_errbuf *eb)
{
	struct db_stmt *st;
	json_t *key = NULL, *next = NULL;
	int64_t below = 0;
	enum adv_err rc;
	void *v;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (account_id > 0 && (rc = account_exists(c, ws_id, account_id, eb)) != ADV_OK)
		goto out;
	if (cursor != NULL) {
		if ((rc = listing_cursor_decode(cursor, CURSOR_TAG, 2, &key, eb)) != ADV_OK)
			goto out;
		if ((below = json_integer_value(json_array_get(key, 1))) <= 0) {
			rc = adv_fail(eb, ADV_EINVAL, "cursor", "the cursor is not valid");
			goto out;
		}
	}
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, include_revoked ? 1 : 0);
	db_bind_int(st, 4, below);
	db_bind_int(st, 5, (int64_t)limit + 1);
	if ((rc = entry_list(st, a, sizeof(**items), read_user, &v, n)) != ADV_OK)
		goto out;
	*items = v;
	if (*n > limit) {
		*n = limit;
		next = json_pack("[s, I]", CURSOR_TAG, (json_int_t)(*items)[limit - 1].id);
		if (next == NULL || (*next_cursor = listing_cursor_encode(a, next)) == NULL)
			rc = ADV_ENOMEM;
	}
out:
	json_decref(key);
	json_decref(next);
	return rc;
}

enum adv_err
portal_revoke(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
	      struct adv_errbuf *eb)
{
	char now[CLOCK_TEXT_MAX];
	struct portal_user x;
	struct tx t;
	int64_t changed = 0;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = portal_user_get(c, a, ws_id, id, &x);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such portal user: %lld", (long long)id);
	if (rc != ADV_OK || x.revoked_at != NULL)
		goto out;
	clock_now_plus(0, now);
	if ((rc = exec_ws_id_text(c, &sql_user_revoke, ws_id, id, now, &changed)) != ADV_OK ||
	    changed == 0 ||
	    (rc = exec_ws_id_text(c, &sql_sessions_revoke, ws_id, id, now, NULL)) != ADV_OK ||
	    (rc = exec_ws_id_text(c, &sql_links_revoke, ws_id, id, now, NULL)) != ADV_OK)
		goto out;
	rc = audit(c, ws_id, actor, id, x.account_id, "revoke", json_pack("{s:n}", "revoked_at"),
		   json_pack("{s:s}", "revoked_at", now));
out:
	if (began)
		rc = tx_end(c, &t, rc);
	return rc;
}

/* Counts one request of id in scope; ADV_ETHROTTLED (with *retry_after) beyond max. */
static enum adv_err
throttle(struct db_conn *c, const char *scope, const char *id, unsigned max, unsigned *retry_after,
	 struct adv_errbuf *eb)
{
	bool allowed = true;
	enum adv_err rc;

	rc = rate_limit_hit(c, scope, id ? id : "", max, PORTAL_RATE_WINDOW, &allowed, retry_after);
	if (rc == ADV_OK && !allowed)
		rc = adv_fail(eb, ADV_ETHROTTLED, NULL,
			      "too many sign-in attempts; try again in %u seconds", *retry_after);
	return rc;
}

/*
 * Opens a session for portal user user_id of account_id (in the caller's
 * write scope), notes the sign-in, and reads it into *out with its token.
 */
static enum adv_err
session_open(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t user_id, int64_t account_id,
	     struct portal_session *out)
{
	char hash[HASH_HEX], now[CLOCK_TEXT_MAX], until[CLOCK_TEXT_MAX];
	const char *token = invitation_token_new(a), *csrf = invitation_token_new(a);
	struct db_stmt *st;
	bool row = false, stale;
	int64_t id;
	enum adv_err rc;

	if (token == NULL || csrf == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	invitation_hash(token, hash);
	clock_now_plus(0, now);
	clock_now_plus(PORTAL_SESSION_MAX_SECONDS, until);
	if ((rc = db_prepare(c, &sql_session_add, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, account_id);
	db_bind_text(st, 4, hash);
	db_bind_text(st, 5, csrf);
	db_bind_text(st, 6, now);
	db_bind_text(st, 7, until);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	id = db_col_int(st, 0);
	db_done(st);
	if ((rc = exec_ws_id_text(c, &sql_last_login, ws_id, user_id, now, NULL)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_session_by_id, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	rc = read_session(st, a, NULL, out, &stale);
	db_done(st);
	out->token = token;
out:
	return rc;
}

enum adv_err
portal_link_redeem(struct db_conn *c, struct arena *a, const char *token, const char *address,
		   struct portal_session *out, unsigned *retry_after)
{
	char hash[HASH_HEX], now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	struct tx t;
	int64_t ws_id, user_id, account_id;
	bool began = false, row = false;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	*retry_after = 0;
	if ((rc = throttle(c, SCOPE_ADDRESS, address, PORTAL_RATE_PER_ADDRESS, retry_after,
			   NULL)) != ADV_OK)
		goto out;
	if (token == NULL || !invitation_token_valid(token)) {
		rc = ADV_EUNAUTH;
		goto out;
	}
	invitation_hash(token, hash);
	clock_now_plus(0, now);
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = db_prepare(c, &sql_redeem, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EUNAUTH;
		goto out;
	}
	ws_id = db_col_int(st, 0);
	user_id = db_col_int(st, 1);
	db_done(st);
	if ((rc = db_prepare(c, &sql_user_account, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, user_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EUNAUTH;
		goto out;
	}
	account_id = db_col_int(st, 0);
	db_done(st);
	rc = session_open(c, a, ws_id, user_id, account_id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* The rate-limit id of a password sign-in: the SHA-256 of slug and e-mail, in key. */
static void
account_key(const char *slug, const char *email, char key[HASH_HEX])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)slug, strlen(slug) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)email, strlen(email));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(key, HASH_HEX, d, sizeof(d));
}

enum adv_err
portal_login(struct db_conn *c, struct arena *a, const char *ws_slug, const char *email,
	     const char *password, const char *address, struct portal_session *out,
	     unsigned *retry_after, struct adv_errbuf *eb)
{
	char key[HASH_HEX];
	const char *folded = NULL, *stored = NULL;
	struct db_stmt *st;
	struct tx t;
	int64_t ws_id = 0, user_id = 0, account_id = 0;
	bool began = false, row = false, ok;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	*retry_after = 0;
	if ((rc = throttle(c, SCOPE_ADDRESS, address, PORTAL_RATE_PER_ADDRESS, retry_after, eb)) !=
	    ADV_OK)
		goto out;
	if (ws_slug == NULL || email == NULL || password == NULL ||
	    strlen(ws_slug) > SLUG_TEXT_MAX || strlen(email) > EMAIL_TEXT_MAX) {
		rc = adv_fail(eb, ADV_EUNAUTH, NULL, LOGIN_FAILED);
		goto out;
	}
	if ((folded = str_fold(a, email)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	account_key(ws_slug, folded, key);
	if ((rc = throttle(c, SCOPE_ACCOUNT, key, PORTAL_RATE_PER_ACCOUNT, retry_after, eb)) !=
	    ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_login, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, ws_slug);
	db_bind_text(st, 2, folded);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		ws_id = db_col_int(st, 0);
		user_id = db_col_int(st, 1);
		account_id = db_col_int(st, 2);
		if (!db_col_null(st, 3) && (stored = arena_strdup(a, db_col_text(st, 3))) == NULL)
			rc = ADV_ENOMEM;
		db_done(st);
		if (rc != ADV_OK)
			goto out;
	}
	if (stored == NULL) {
		/* Spend the time of a real check, then fail: timing tells nothing. */
		pthread_once(&dummy_once, dummy_hash_make);
		ok = crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0 &&
		     stored != NULL;
	} else {
		ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	}
	if (!ok) {
		rc = adv_fail(eb, ADV_EUNAUTH, NULL, LOGIN_FAILED);
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = session_open(c, a, ws_id, user_id, account_id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * The work of a sign-in link for nobody, so that asking for one for an
 * unknown person costs what it costs for a live one: a fresh token and its
 * hash, and the message with it composed into m (m->link, m->expires_at
 * set here); nothing is stored.
 */
static enum adv_err
link_rehearse(struct arena *a, struct portal_mail *m)
{
	char hash[HASH_HEX], until[CLOCK_TEXT_MAX];
	const char *token = invitation_token_new(a), *subject, *body;
	enum adv_err rc = ADV_ENOMEM;

	if (token == NULL)
		goto out;
	invitation_hash(token, hash);
	clock_now_plus(PORTAL_LOGIN_LINK_SECONDS, until);
	m->link = arena_printf(a, PORTAL_LINK_PREFIX "%s", token);
	m->expires_at = arena_strdup(a, until);
	if (m->link == NULL || m->expires_at == NULL)
		goto out;
	rc = portal_mail_compose(a, m, &subject, &body);
out:
	return rc;
}

/*
 * Stores a login link for live portal user user_id and queues its message m
 * to address to, in a savepoint: when the message cannot be made or queued
 * (ADV_EINVAL, ADV_ETOOBIG) neither stays and the failure is only logged, so
 * the answer stays the same.
 */
static enum adv_err
link_send(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t user_id, const char *to,
	  struct portal_mail *m)
{
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	rc = link_insert(c, a, ws_id, user_id, PORTAL_PURPOSE_LOGIN, &m->link, &m->expires_at);
	if (rc == ADV_OK)
		rc = portal_mail_queue(c, a, ws_id, to, m);
	rc = tx_end(c, &t, rc);
	if (rc == ADV_EINVAL || rc == ADV_ETOOBIG) {
		fprintf(stderr,
			"advocate: portal: no sign-in link mailed to portal user %lld of workspace "
			"%lld: %s\n",
			(long long)user_id, (long long)ws_id, adv_strerror(rc));
		rc = ADV_OK;
	}
out:
	return rc;
}

enum adv_err
portal_link_request(struct db_conn *c, struct arena *a, const char *ws_slug, const char *email,
		    const enum portal_lang *lang, const char *address, unsigned *retry_after,
		    struct adv_errbuf *eb)
{
	char key[HASH_HEX];
	struct portal_mail m = {.kind = PORTAL_MAIL_LOGIN, .lang = PORTAL_LANG_RU};
	const char *folded, *to = NULL;
	struct db_stmt *st;
	struct tx t;
	int64_t ws_id = 0, user_id = 0;
	bool began = false, row = false, oom = false, throttled = false;
	enum adv_err rc;

	*retry_after = 0;
	if (ws_slug == NULL || email == NULL || strlen(ws_slug) > SLUG_TEXT_MAX ||
	    strlen(email) > EMAIL_TEXT_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, ws_slug == NULL ? "/workspace" : "/email",
			      "the supplier's code and an e-mail address are required");
		goto out;
	}
	if ((folded = str_fold(a, email)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	account_key(ws_slug, folded, key);
	/* The counters commit with the rest, also when they refuse this request. */
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = throttle(c, SCOPE_ADDRESS, address, PORTAL_RATE_PER_ADDRESS, retry_after, eb);
	if (rc == ADV_OK)
		rc = throttle(c, SCOPE_LINK_ASK, key, PORTAL_RATE_LINK_REQUESTS, retry_after, eb);
	if (rc == ADV_ETHROTTLED) {
		throttled = true;
		rc = ADV_OK;
		goto out;
	}
	if (rc != ADV_OK || (rc = db_prepare(c, &sql_link_person, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, ws_slug);
	db_bind_text(st, 2, folded);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	m.ws_slug = ws_slug;
	if (row) {
		ws_id = db_col_int(st, 0);
		user_id = db_col_int(st, 1);
		to = db_col_dup(st, a, 2, &oom);
		m.name = db_col_dup(st, a, 3, &oom);
		if (!portal_lang_parse(db_col_text(st, 4), &m.lang))
			m.lang = PORTAL_LANG_RU;
		m.ws_name = db_col_dup(st, a, 5, &oom);
		db_done(st);
		if (oom) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	if (lang != NULL)
		m.lang = *lang;
	if (user_id > 0 && outbox_mail_address_valid(to))
		rc = link_send(c, a, ws_id, user_id, to, &m);
	else
		rc = link_rehearse(a, &m);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc == ADV_OK && throttled)
		rc = ADV_ETHROTTLED;
	return rc;
}

enum adv_err
portal_session_lookup(struct db_conn *c, struct arena *a, const char *token,
		      struct portal_session *out)
{
	char hash[HASH_HEX], now[CLOCK_TEXT_MAX], idle[CLOCK_TEXT_MAX], touch[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	bool row = false, stale = false;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if (token == NULL || !invitation_token_valid(token)) {
		rc = ADV_EUNAUTH;
		goto out;
	}
	invitation_hash(token, hash);
	clock_now_plus(0, now);
	clock_now_plus(-(long)PORTAL_SESSION_IDLE_SECONDS, idle);
	clock_now_plus(-(long)PORTAL_SESSION_TOUCH_EVERY, touch);
	if ((rc = db_prepare(c, &sql_session_by_token, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, idle);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EUNAUTH;
		goto out;
	}
	rc = read_session(st, a, touch, out, &stale);
	db_done(st);
	if (rc != ADV_OK || !stale)
		goto out;
	if ((rc = db_prepare(c, &sql_session_touch, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, out->ws_id);
	db_bind_int(st, 2, out->id);
	db_bind_text(st, 3, now);
	rc = db_exec_fenced(st);
	/* Bookkeeping only: when another write holds the database, the next request retries. */
	if (rc == ADV_EUNAVAIL)
		rc = ADV_OK;
out:
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

enum adv_err
portal_session_end(struct db_conn *c, int64_t ws_id, int64_t id)
{
	char now[CLOCK_TEXT_MAX];

	clock_now_plus(0, now);
	return exec_ws_id_text(c, &sql_session_end, ws_id, id, now, NULL);
}

enum adv_err
portal_password_set(struct db_conn *c, struct portal_session *s, const char *password,
		    struct adv_errbuf *eb)
{
	char hash[crypto_pwhash_STRBYTES], now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	struct tx t;
	int64_t changed = 0;
	size_t len = password ? strlen(password) : 0, chars;
	bool began = false;
	enum adv_err rc;

	memset(hash, 0, sizeof(hash));
	chars = password && utf8_valid(password, len) ? utf8_length(password, len) : 0;
	if (chars < PORTAL_PASSWORD_MIN || chars > PORTAL_PASSWORD_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/password",
			      "the password must be %d–%d characters of text", PORTAL_PASSWORD_MIN,
			      PORTAL_PASSWORD_MAX);
		goto out;
	}
	if (crypto_pwhash_str(hash, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = exec_ws_id_text(c, &sql_password, s->ws_id, s->portal_user_id, hash, &changed)) !=
	    ADV_OK)
		goto out;
	if (changed == 0) {
		rc = adv_fail(eb, ADV_EUNAUTH, NULL, "your access to the portal has ended");
		goto out;
	}
	if ((rc = db_prepare(c, &sql_sessions_others, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, s->ws_id);
	db_bind_int(st, 2, s->portal_user_id);
	db_bind_int(st, 3, s->id);
	db_bind_text(st, 4, now);
	if ((rc = db_exec(st)) == ADV_OK)
		s->has_password = true;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* A nullable text member: the string, or null. */
static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
portal_user_json(const struct portal_user *x)
{
	json_t *j = json_pack(
	    "{s:I, s:I, s:s?, s:I, s:s?, s:s?, s:s, s:s, s:b, s:o, s:s?, s:o, s:o, s:I}", "id",
	    (json_int_t)x->id, "account_id", (json_int_t)x->account_id, "account_name",
	    x->account_name, "contact_id", (json_int_t)x->contact_id, "email", x->email, "name",
	    x->name, "lang", portal_lang_name(x->lang), "status", portal_status_name(x->status),
	    "has_password", x->has_password, "created_by",
	    x->created_by > 0 ? json_integer(x->created_by) : json_null(), "created_at",
	    x->created_at, "revoked_at", str_or_null(x->revoked_at), "last_login_at",
	    str_or_null(x->last_login_at), "version", (json_int_t)x->version);

	if (j != NULL && x->link != NULL &&
	    (json_object_set_new(j, "link", json_string(x->link)) != 0 ||
	     json_object_set_new(j, "link_expires_at", str_or_null(x->link_expires_at)) != 0)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

json_t *
portal_session_json(const struct portal_session *s)
{
	return json_pack("{s:{s:I, s:I, s:s?, s:s?, s:s, s:b}, s:{s:I, s:s?}, s:{s:s?, s:s?},"
			 " s:s?, s:s?}",
			 "person", "id", (json_int_t)s->portal_user_id, "contact_id",
			 (json_int_t)s->contact_id, "name", s->name, "email", s->email, "lang",
			 portal_lang_name(s->lang), "has_password", s->has_password, "company",
			 "id", (json_int_t)s->account_id, "name", s->account_name, "workspace",
			 "slug", s->ws_slug, "name", s->ws_name, "csrf_token", s->csrf_token,
			 "expires_at", s->expires_at);
}
