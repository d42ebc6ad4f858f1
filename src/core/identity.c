/*
 * identity.c — workspaces, users, memberships, sessions, API tokens and the
 * login throttle (see identity.h). All SQL of identity lives here.
 */
#include "core/identity.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/catalogue.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/str.h"

#define TOKEN_BYTES	    32
#define TOKEN_TEXT_MAX	    64
#define HASH_HEX_LEN	    (crypto_hash_sha256_BYTES * 2 + 1)
#define SESSION_TOUCH_EVERY 60

static const char *const role_names[ROLE__MAX] = {
    [ROLE_NONE] = "none",	[ROLE_VIEWER] = "viewer", [ROLE_MANAGER] = "manager",
    [ROLE_ANALYST] = "analyst", [ROLE_OWNER] = "owner",
};

static struct db_sql sql_ws_add =
    DB_SQL("INSERT INTO workspaces (slug, name, created_at) VALUES (?1, ?2, ?3) RETURNING id");
static struct db_sql sql_ws_of_user =
    DB_SQL("SELECT w.id, w.slug, w.name, m.role FROM workspaces w JOIN memberships m"
	   " ON m.workspace_id = w.id WHERE m.user_id = ?1 ORDER BY w.name, w.id");
static struct db_sql sql_ws_all =
    DB_SQL("SELECT id, slug, name, 'owner' FROM workspaces ORDER BY name, id");
static struct db_sql sql_ws_touch =
    DB_SQL("UPDATE workspaces SET data_version = data_version + 1 WHERE id = ?1");
static struct db_sql sql_ws_for =
    DB_SQL("SELECT w.id, w.slug, w.name, m.role, w.data_version FROM workspaces w"
	   " LEFT JOIN memberships m"
	   " ON m.workspace_id = w.id AND m.user_id = ?2 WHERE w.slug = ?1");
static struct db_sql sql_members =
    DB_SQL("SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN users u"
	   " ON u.id = m.user_id WHERE m.workspace_id = ?1 ORDER BY u.name, u.id");
static struct db_sql sql_member_by_email =
    DB_SQL("SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN users u"
	   " ON u.id = m.user_id WHERE m.workspace_id = ?1 AND u.email = ?2");
static struct db_sql sql_user_add =
    DB_SQL("INSERT INTO users (email, name, password_hash, is_admin, created_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
static struct db_sql sql_user_by_email =
    DB_SQL("SELECT id, email, name, is_admin, password_hash FROM users"
	   " WHERE email = ?1 AND disabled = 0");
static struct db_sql sql_membership_set =
    DB_SQL("INSERT INTO memberships (workspace_id, user_id, role, created_at)"
	   " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (workspace_id, user_id)"
	   " DO UPDATE SET role = excluded.role");
static struct db_sql sql_throttle_get =
    DB_SQL("SELECT failures, window_start, locked_until FROM login_throttle"
	   " WHERE throttle_key = ?1");
static struct db_sql sql_throttle_fail =
    DB_SQL("INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until)"
	   " VALUES (?1, 1, ?2, NULL) ON CONFLICT (throttle_key) DO UPDATE SET"
	   " failures = CASE WHEN login_throttle.window_start < ?3 THEN 1"
	   " ELSE login_throttle.failures + 1 END,"
	   " window_start = CASE WHEN login_throttle.window_start < ?3 THEN ?2"
	   " ELSE login_throttle.window_start END,"
	   " locked_until = CASE WHEN login_throttle.window_start >= ?3"
	   " AND login_throttle.failures + 1 >= ?4 THEN ?5 ELSE NULL END");
static struct db_sql sql_throttle_clear =
    DB_SQL("DELETE FROM login_throttle WHERE throttle_key = ?1");
static struct db_sql sql_session_add =
    DB_SQL("INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, last_seen_at,"
	   " expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id");
static struct db_sql sql_session_get =
    DB_SQL("SELECT s.id, s.csrf_token, s.last_seen_at, u.id, u.email, u.name, u.is_admin"
	   " FROM sessions s JOIN users u ON u.id = s.user_id"
	   " WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2"
	   " AND s.last_seen_at > ?3 AND u.disabled = 0");
static struct db_sql sql_session_touch =
    DB_SQL("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1");
static struct db_sql sql_session_revoke =
    DB_SQL("UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL");
static struct db_sql sql_token_add =
    DB_SQL("INSERT INTO api_tokens (token_hash, user_id, label, created_at)"
	   " VALUES (?1, ?2, ?3, ?4)");
static struct db_sql sql_token_get =
    DB_SQL("SELECT u.id, u.email, u.name, u.is_admin FROM api_tokens t JOIN users u"
	   " ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL"
	   " AND u.disabled = 0");

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* A hash to verify against when the e-mail is unknown. */
static void
dummy_hash_make(void)
{
	static const char dummy_password[] = "not-the-password";

	if (crypto_pwhash_str(dummy_hash, dummy_password, sizeof(dummy_password) - 1,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

enum ws_role
role_parse(const char *s)
{
	for (int i = ROLE_VIEWER; i < ROLE__MAX; i++)
		if (s != NULL && strcmp(s, role_names[i]) == 0)
			return (enum ws_role)i;
	return ROLE_NONE;
}

const char *
role_name(enum ws_role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : "none";
}

bool
identity_slug_valid(const char *slug)
{
	size_t n = strlen(slug);

	if (n < 2 || n > IDENTITY_SLUG_MAX || slug[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)slug[i]) || isdigit((unsigned char)slug[i]) ||
		      slug[i] == '-'))
			return false;
	return true;
}

bool
identity_email_valid(const char *email)
{
	const char *at = strchr(email, '@');
	size_t n = strlen(email);

	if (n < 3 || n > IDENTITY_EMAIL_MAX || at == NULL || at == email || strchr(at + 1, '@'))
		return false;
	if (strchr(at + 1, '.') == NULL || at[1] == '.' || email[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)email[i]) || (unsigned char)email[i] < 0x20)
			return false;
	return utf8_valid(email, n);
}

/* SHA-256 of a token as lowercase hex. */
static void
token_hash(const char *token, char out[HASH_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, HASH_HEX_LEN, h, sizeof(h));
}

/* A fresh random token (base64url, no padding) with prefix, in the arena. */
static char *
token_new(struct arena *a, const char *prefix)
{
	unsigned char raw[TOKEN_BYTES];
	char text[TOKEN_TEXT_MAX];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, sizeof(text), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return arena_printf(a, "%s%s", prefix, text);
}

enum adv_err
identity_workspace_add(struct db_conn *c, const char *slug, const char *name, int64_t *id,
		       struct adv_errbuf *eb)
{
	struct db_stmt *st;
	char now[CLOCK_TEXT_MAX];
	struct tx t;
	enum adv_err rc;
	bool row;

	if (!identity_slug_valid(slug))
		return adv_fail(eb, ADV_EINVAL, "/slug",
				"slug must be 2–64 characters of a-z, 0-9 and '-'");
	if (name == NULL || *name == '\0' || strlen(name) > IDENTITY_NAME_MAX ||
	    !utf8_valid(name, strlen(name)))
		return adv_fail(eb, ADV_EINVAL, "/name", "name must be 1–%d characters",
				IDENTITY_NAME_MAX);
	clock_now_plus(0, now);
	/* The workspace and its seeded catalogue and journey map exist together or not at all. */
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	if ((rc = db_prepare(c, &sql_ws_add, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, slug);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, now);
	rc = db_step(st, &row);
	if (rc == ADV_ECONFLICT)
		rc = adv_fail(eb, rc, "/slug", "a workspace with slug '%s' exists already", slug);
	if (rc != ADV_OK)
		goto out;
	*id = db_col_int(st, 0);
	db_done(st);
	rc = catalogue_seed_workspace(c, *id, now);
out:
	return tx_end(c, &t, rc);
}

/* Reads (id, slug, name, role) rows of st into an arena array. */
static enum adv_err
read_workspaces(struct db_stmt *st, struct arena *a, struct workspace **out, size_t *n)
{
	size_t cap = 0, len = 0;
	struct workspace *v = NULL, *grown;
	enum adv_err rc;
	bool row;

	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = grown;
		v[len].id = db_col_int(st, 0);
		v[len].slug = arena_strdup(a, db_col_text(st, 1));
		v[len].name = arena_strdup(a, db_col_text(st, 2));
		v[len].role = role_parse(db_col_text(st, 3));
		len++;
	}
	*out = v;
	*n = len;
	return rc;
}

enum adv_err
identity_workspaces_of(struct db_conn *c, struct arena *a, const struct user *u,
		       struct workspace **out, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, u->is_admin ? &sql_ws_all : &sql_ws_of_user, &st)) != ADV_OK)
		return rc;
	if (!u->is_admin)
		db_bind_int(st, 1, u->id);
	return read_workspaces(st, a, out, n);
}

enum adv_err
identity_workspace_for(struct db_conn *c, struct arena *a, const char *slug, const struct user *u,
		       struct workspace *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_ws_for, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, slug);
	db_bind_int(st, 2, u->id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	out->id = db_col_int(st, 0);
	out->slug = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->role = u->is_admin ? ROLE_OWNER : role_parse(db_col_text(st, 3));
	out->data_version = db_col_int(st, 4);
	db_done(st);
	return out->role == ROLE_NONE ? ADV_ENOTFOUND : ADV_OK;
}

enum adv_err
identity_workspace_touch(struct db_conn *c, int64_t ws_id)
{
	struct db_stmt *st;
	enum adv_err rc;

	if (!db_tx_once(c, ws_id))
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_ws_touch, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	return db_exec(st);
}

/* Reads (id, email, name, role) rows into an arena array. */
static enum adv_err
read_members(struct db_stmt *st, struct arena *a, struct member **out, size_t *n)
{
	size_t cap = 0, len = 0;
	struct member *v = NULL, *grown;
	enum adv_err rc;
	bool row;

	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = grown;
		v[len].user_id = db_col_int(st, 0);
		v[len].email = arena_strdup(a, db_col_text(st, 1));
		v[len].name = arena_strdup(a, db_col_text(st, 2));
		v[len].role = role_parse(db_col_text(st, 3));
		len++;
	}
	*out = v;
	*n = len;
	return rc;
}

enum adv_err
identity_members(struct db_conn *c, struct arena *a, int64_t ws_id, struct member **out, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_members, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	return read_members(st, a, out, n);
}

enum adv_err
identity_member_by_email(struct db_conn *c, struct arena *a, int64_t ws_id, const char *email,
			 struct member *out)
{
	struct db_stmt *st;
	char *folded = str_fold(a, email);
	enum adv_err rc;
	bool row;

	if (folded == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_member_by_email, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, folded);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	out->user_id = db_col_int(st, 0);
	out->email = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->role = role_parse(db_col_text(st, 3));
	db_done(st);
	return ADV_OK;
}

enum adv_err
identity_user_add(struct db_conn *c, const char *email, const char *name, const char *password,
		  bool is_admin, int64_t *id, struct adv_errbuf *eb)
{
	char hash[crypto_pwhash_STRBYTES];
	char now[CLOCK_TEXT_MAX];
	struct arena a;
	struct db_stmt *st;
	enum adv_err rc;
	char *folded;
	bool row;

	arena_init(&a, 0);
	if (email == NULL || !identity_email_valid(email)) {
		rc = adv_fail(eb, ADV_EINVAL, "/email", "a valid e-mail address is required");
		goto out;
	}
	if (name == NULL || *name == '\0' || strlen(name) > IDENTITY_NAME_MAX ||
	    !utf8_valid(name, strlen(name))) {
		rc = adv_fail(eb, ADV_EINVAL, "/name", "name must be 1–%d characters of UTF-8",
			      IDENTITY_NAME_MAX);
		goto out;
	}
	if (password != NULL && (strlen(password) < IDENTITY_PASSWORD_MIN ||
				 strlen(password) > IDENTITY_PASSWORD_MAX)) {
		rc = adv_fail(eb, ADV_EINVAL, "/password", "the password must be %d–%d characters",
			      IDENTITY_PASSWORD_MIN, IDENTITY_PASSWORD_MAX);
		goto out;
	}
	if (password != NULL &&
	    crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((folded = str_fold(&a, email)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_user_add, &st)) != ADV_OK)
		goto out;
	db_bind_text(st, 1, folded);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, password ? hash : NULL);
	db_bind_int(st, 4, is_admin ? 1 : 0);
	db_bind_text(st, 5, now);
	rc = db_step(st, &row);
	if (rc == ADV_ECONFLICT) {
		adv_fail(eb, rc, "/email", "a user with e-mail %s exists already", folded);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	*id = db_col_int(st, 0);
	db_done(st);
out:
	sodium_memzero(hash, sizeof(hash));
	arena_free(&a);
	return rc;
}

enum adv_err
identity_user_by_email(struct db_conn *c, struct arena *a, const char *email, struct user *out)
{
	struct db_stmt *st;
	char *folded = str_fold(a, email);
	enum adv_err rc;
	bool row;

	if (folded == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_user_by_email, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, folded);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	out->id = db_col_int(st, 0);
	out->email = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->is_admin = db_col_int(st, 3) != 0;
	db_done(st);
	return ADV_OK;
}

enum adv_err
identity_membership_set(struct db_conn *c, int64_t ws_id, int64_t user_id, enum ws_role role)
{
	struct db_stmt *st;
	char now[CLOCK_TEXT_MAX];
	enum adv_err rc;

	if (role <= ROLE_NONE || role >= ROLE__MAX)
		return ADV_EINVAL;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_membership_set, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, role_name(role));
	db_bind_text(st, 4, now);
	return db_exec(st);
}

/* True when key is locked out now. */
static enum adv_err
throttle_locked(struct db_conn *c, const char *key, bool *locked)
{
	struct db_stmt *st;
	char now[CLOCK_TEXT_MAX];
	enum adv_err rc;
	bool row;

	*locked = false;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_throttle_get, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, key);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*locked = !db_col_null(st, 2) && strcmp(db_col_text(st, 2), now) > 0;
	db_done(st);
	return ADV_OK;
}

/* Counts one failure against key; locks it after max failures in the window. */
static enum adv_err
throttle_fail(struct db_conn *c, const char *key, int max)
{
	struct db_stmt *st;
	char now[CLOCK_TEXT_MAX], window[CLOCK_TEXT_MAX], until[CLOCK_TEXT_MAX];
	enum adv_err rc;

	clock_now_plus(0, now);
	clock_now_plus(-LOGIN_WINDOW_SECONDS, window);
	clock_now_plus(LOGIN_LOCK_SECONDS, until);
	if ((rc = db_prepare(c, &sql_throttle_fail, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, window);
	db_bind_int(st, 4, max);
	db_bind_text(st, 5, until);
	return db_exec(st);
}

static enum adv_err
throttle_clear(struct db_conn *c, const char *key)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_throttle_clear, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, key);
	return db_exec(st);
}

/* Creates the session row for user u and fills out. */
static enum adv_err
session_create(struct db_conn *c, struct arena *a, const struct user *u, unsigned max_s,
	       struct session *out)
{
	char hash[HASH_HEX_LEN], now[CLOCK_TEXT_MAX], expires[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	out->token = token_new(a, "");
	out->csrf_token = token_new(a, "");
	if (out->token == NULL || out->csrf_token == NULL)
		return ADV_ENOMEM;
	token_hash(out->token, hash);
	clock_now_plus(0, now);
	clock_now_plus((long)max_s, expires);
	if ((rc = db_prepare(c, &sql_session_add, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, out->csrf_token);
	db_bind_int(st, 3, u->id);
	db_bind_text(st, 4, now);
	db_bind_text(st, 5, expires);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	out->id = db_col_int(st, 0);
	db_done(st);
	out->user = *u;
	return ADV_OK;
}

enum adv_err
identity_login(struct db_conn *c, struct arena *a, const char *email, const char *password,
	       const char *address, unsigned max_s, struct session *out, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	struct user u = {0};
	char *folded = str_fold(a, email);
	char *key_acct, *key_addr;
	const char *stored = NULL;
	bool locked_acct, locked_addr, row, ok;
	enum adv_err rc;

	if (folded == NULL)
		return ADV_ENOMEM;
	key_acct = arena_printf(a, "account:%s", folded);
	key_addr = arena_printf(a, "address:%s", address);
	if (key_acct == NULL || key_addr == NULL)
		return ADV_ENOMEM;
	if ((rc = throttle_locked(c, key_acct, &locked_acct)) != ADV_OK ||
	    (rc = throttle_locked(c, key_addr, &locked_addr)) != ADV_OK)
		return rc;
	if (locked_acct || locked_addr)
		return adv_fail(eb, ADV_ETHROTTLED, NULL,
				"too many failed sign-ins; try again in %d minutes",
				LOGIN_LOCK_SECONDS / 60);
	if ((rc = db_prepare(c, &sql_user_by_email, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, folded);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		u.id = db_col_int(st, 0);
		u.email = arena_strdup(a, db_col_text(st, 1));
		u.name = arena_strdup(a, db_col_text(st, 2));
		u.is_admin = db_col_int(st, 3) != 0;
		stored = arena_strdup(a, db_col_text(st, 4));
		db_done(st);
	}
	if (stored == NULL) {
		/* Spend the same time as a real check so that timing tells nothing. */
		pthread_once(&dummy_once, dummy_hash_make);
		ok = crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0 &&
		     stored != NULL;
	} else {
		ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	}
	if ((rc = db_begin(c)) != ADV_OK)
		return rc;
	if (!ok) {
		if ((rc = throttle_fail(c, key_acct, LOGIN_MAX_PER_ACCOUNT)) == ADV_OK &&
		    (rc = throttle_fail(c, key_addr, LOGIN_MAX_PER_ADDRESS)) == ADV_OK)
			rc = db_commit(c);
		if (rc != ADV_OK)
			return rc;
		return adv_fail(eb, ADV_EUNAUTH, NULL, "wrong e-mail or password");
	}
	if ((rc = throttle_clear(c, key_acct)) != ADV_OK ||
	    (rc = session_create(c, a, &u, max_s, out)) != ADV_OK) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

enum adv_err
identity_session_lookup(struct db_conn *c, struct arena *a, const char *token, unsigned idle_s,
			struct session *out)
{
	char hash[HASH_HEX_LEN], now[CLOCK_TEXT_MAX], idle[CLOCK_TEXT_MAX], touch[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	enum adv_err rc;
	bool row, stale;

	if (strlen(token) > TOKEN_TEXT_MAX)
		return ADV_EUNAUTH;
	token_hash(token, hash);
	clock_now_plus(0, now);
	clock_now_plus(-(long)idle_s, idle);
	clock_now_plus(-SESSION_TOUCH_EVERY, touch);
	if ((rc = db_prepare(c, &sql_session_get, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, idle);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EUNAUTH;
	out->id = db_col_int(st, 0);
	out->token = NULL;
	out->csrf_token = arena_strdup(a, db_col_text(st, 1));
	stale = strcmp(db_col_text(st, 2), touch) < 0;
	out->user.id = db_col_int(st, 3);
	out->user.email = arena_strdup(a, db_col_text(st, 4));
	out->user.name = arena_strdup(a, db_col_text(st, 5));
	out->user.is_admin = db_col_int(st, 6) != 0;
	db_done(st);
	if (stale) {
		if ((rc = db_prepare(c, &sql_session_touch, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, out->id);
		db_bind_text(st, 2, now);
		rc = db_exec_fenced(st);
		/* Bookkeeping only: when another write holds the database or the
		 * session row, the next request retries. */
		return rc == ADV_EUNAVAIL ? ADV_OK : rc;
	}
	return ADV_OK;
}

enum adv_err
identity_session_revoke(struct db_conn *c, int64_t session_id)
{
	struct db_stmt *st;
	char now[CLOCK_TEXT_MAX];
	enum adv_err rc;

	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_session_revoke, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, session_id);
	db_bind_text(st, 2, now);
	return db_exec(st);
}

enum adv_err
identity_token_create(struct db_conn *c, struct arena *a, const char *email, const char *label,
		      const char **token, struct adv_errbuf *eb)
{
	char hash[HASH_HEX_LEN], now[CLOCK_TEXT_MAX];
	struct user u;
	struct db_stmt *st;
	enum adv_err rc;
	char *t;

	if (label != NULL &&
	    (strlen(label) > IDENTITY_TOKEN_LABEL_MAX || !utf8_valid(label, strlen(label))))
		return adv_fail(eb, ADV_EINVAL, "/label", "the label must be at most %d characters",
				IDENTITY_TOKEN_LABEL_MAX);
	rc = identity_user_by_email(c, a, email, &u);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, rc, "/email", "no user with e-mail %s", email);
	if (rc != ADV_OK)
		return rc;
	if ((t = token_new(a, "adv_")) == NULL)
		return ADV_ENOMEM;
	token_hash(t, hash);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_token_add, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, u.id);
	db_bind_text(st, 3, label);
	db_bind_text(st, 4, now);
	if ((rc = db_exec(st)) != ADV_OK)
		return rc;
	*token = t;
	return ADV_OK;
}

enum adv_err
identity_token_lookup(struct db_conn *c, struct arena *a, const char *token, struct user *out)
{
	char hash[HASH_HEX_LEN];
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if (strlen(token) > TOKEN_TEXT_MAX)
		return ADV_EUNAUTH;
	token_hash(token, hash);
	if ((rc = db_prepare(c, &sql_token_get, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, hash);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EUNAUTH;
	out->id = db_col_int(st, 0);
	out->email = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->is_admin = db_col_int(st, 3) != 0;
	db_done(st);
	return ADV_OK;
}
