/*
 * plan.c — the relationship plan of a client company (see plan.h): checks,
 * the rules that tie an action to a live contact of its account and to an
 * owner who is a member of the workspace, done_on kept in step with the
 * status, versioned edits with an audit entry in the account's history, and
 * the workspace's overdue list per owner. All SQL about contact_actions
 * lives here.
 */
#include "core/plan.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/identity.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"

const char *const plan_status_values[] = {"open", "done", "cancelled", NULL};

static const char *const field_names[PF__MAX] = {
    [PF_CONTACT] = "contact_id", [PF_WHAT] = "what",	 [PF_DUE] = "due_on",
    [PF_OWNER] = "owner_email",	 [PF_STATUS] = "status",
};

/* Columns of an action (read_action), its contact's name and its owner. */
#define ACTION_COLS                                                                                \
	"x.id, x.account_id, x.contact_id, k.name, x.what, x.due_on, x.owner_user_id, u.email,"    \
	" u.name, x.status, x.done_on, x.version, x.created_at, x.updated_at"
#define ACTION_FROM                                                                                \
	" FROM contact_actions x LEFT JOIN contacts k ON k.id = x.contact_id"                      \
	" AND k.workspace_id = x.workspace_id LEFT JOIN users u ON u.id = x.owner_user_id"
#define ACTION_NCOLS 14

/* The overdue actions of the workspace: ?1 workspace, ?2 today, ?3 owner (0: everyone). */
#define OVERDUE_FROM                                                                               \
	ACTION_FROM " JOIN accounts acc ON acc.id = x.account_id"                                  \
		    " AND acc.workspace_id = x.workspace_id"                                       \
		    " WHERE x.workspace_id = ?1 AND x.status = 'open' AND x.due_on < ?2"           \
		    " AND acc.archived_at IS NULL AND k.archived_at IS NULL"                       \
		    " AND (x.owner_user_id = ?3 OR ?3 = 0)"
#define OWNER_ORDER                                                                                \
	" CASE WHEN x.owner_user_id IS NULL THEN 1 ELSE 0 END, u.name, u.email, x.owner_user_id"

static struct db_sql sql_account_exists =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_list =
    DB_SQL("SELECT " ACTION_COLS ACTION_FROM " WHERE x.workspace_id = ?1 AND x.account_id = ?2"
	   " AND (?3 IS NULL OR x.status = ?3) ORDER BY x.due_on, x.id LIMIT ?4");
static struct db_sql sql_get =
    DB_SQL("SELECT " ACTION_COLS ACTION_FROM " WHERE x.workspace_id = ?1 AND x.account_id = ?2"
	   " AND x.id = ?3");
static struct db_sql sql_overdue = DB_SQL("SELECT " ACTION_COLS ", acc.name" OVERDUE_FROM
					  " ORDER BY" OWNER_ORDER ", x.due_on, x.id LIMIT ?4");
static struct db_sql sql_overdue_owners =
    DB_SQL("SELECT x.owner_user_id, u.email, u.name, COUNT(*)" OVERDUE_FROM
	   " GROUP BY x.owner_user_id, u.email, u.name ORDER BY" OWNER_ORDER);
static struct db_sql sql_live_contact =
    DB_SQL("SELECT name FROM contacts WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND archived_at IS NULL");
static struct db_sql sql_member_by_id =
    DB_SQL("SELECT u.id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id"
	   " WHERE m.workspace_id = ?1 AND m.user_id = ?2");
static struct db_sql sql_count =
    DB_SQL("SELECT COUNT(*) FROM contact_actions WHERE workspace_id = ?1 AND account_id = ?2");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO contact_actions (workspace_id, account_id, contact_id, what, due_on,"
	   " owner_user_id, status, done_on, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE contact_actions SET contact_id = ?4, what = ?5, due_on = ?6,"
	   " owner_user_id = ?7, status = ?8, done_on = ?9, version = version + 1,"
	   " updated_at = ?10 WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND version = ?11");

const char *
plan_status_name(enum plan_status s)
{
	return (unsigned)s < PLAN__MAX ? plan_status_values[s] : "open";
}

enum plan_status
plan_status_parse(const char *s)
{
	for (int i = 0; s != NULL && i < PLAN__MAX; i++)
		if (strcmp(plan_status_values[i], s) == 0)
			return (enum plan_status)i;
	return PLAN__MAX;
}

enum adv_err
plan_check(const struct plan_action *in, uint32_t mask, struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((mask & PF_BIT(PF_CONTACT)) && in->contact_id <= 0)
		return adv_fail(eb, ADV_EINVAL, "/contact_id",
				"contact_id must be the id of a contact of this account");
	if ((mask & PF_BIT(PF_WHAT)) &&
	    (rc = text_check(eb, "/what", "what", in->what, true, PLAN_WHAT_MAX, true)) != ADV_OK)
		return rc;
	if ((mask & PF_BIT(PF_DUE)) && !date_valid(in->due_on))
		return adv_fail(eb, ADV_EINVAL, "/due_on",
				"due_on must be a real date written YYYY-MM-DD");
	if ((mask & PF_BIT(PF_STATUS)) && (unsigned)in->status >= PLAN__MAX)
		return adv_fail(eb, ADV_EINVAL, "/status",
				"status must be one of: open, done, cancelled");
	return ADV_OK;
}

/* Reads the current row of st (ACTION_COLS) into out; overdue as of today. */
static enum adv_err
read_action(struct db_stmt *st, struct arena *a, const char *today, struct plan_action *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->account_id = db_col_int(st, 1);
	out->contact_id = db_col_int(st, 2);
	out->contact_name = db_col_dup(st, a, 3, &oom);
	out->what = db_col_dup(st, a, 4, &oom);
	out->due_on = db_col_dup(st, a, 5, &oom);
	out->owner_user_id = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
	out->owner_email = db_col_dup(st, a, 7, &oom);
	out->owner_name = db_col_dup(st, a, 8, &oom);
	out->status = plan_status_parse(db_col_text(st, 9));
	if (out->status == PLAN__MAX)
		out->status = PLAN_OPEN;
	out->done_on = db_col_dup(st, a, 10, &oom);
	out->version = db_col_int(st, 11);
	out->created_at = db_col_dup(st, a, 12, &oom);
	out->updated_at = db_col_dup(st, a, 13, &oom);
	out->overdue = out->status == PLAN_OPEN && out->due_on != NULL && today != NULL &&
		       strcmp(out->due_on, today) < 0;
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* ADV_ENOTFOUND (with a message) unless account_id is an account of the workspace. */
static enum adv_err
account_exists(struct db_conn *c, int64_t ws_id, int64_t account_id, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_account_exists, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such account: %lld",
				(long long)account_id);
	db_done(st);
	return ADV_OK;
}

enum adv_err
plan_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int status,
	  const char *today, struct plan_action **items, size_t *n)
{
	struct plan_action *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	if ((rc = account_exists(c, ws_id, account_id, NULL)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_text(st, 3, status >= 0 && status < PLAN__MAX ? plan_status_values[status] : NULL);
	db_bind_int(st, 4, PLAN_ACTIONS_PER_ACCOUNT);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct plan_action *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL || (rc = read_action(st, a, today, &room[len])) != ADV_OK) {
			db_done(st);
			rc = room == NULL ? ADV_ENOMEM : rc;
			goto out;
		}
		v = room;
		len++;
	}
	if (rc != ADV_OK)
		goto out;
	*items = v;
	*n = len;
out:
	return rc;
}

enum adv_err
plan_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	 const char *today, struct plan_action *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_action(st, a, today, out);
	db_done(st);
	return rc;
}

/*
 * Sets x's contact to contact_id when it is a live contact of account_id
 * (its name into x->contact_name); ADV_EINVAL "/contact_id" otherwise.
 */
static enum adv_err
contact_resolve(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		struct plan_action *x, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_live_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, x->contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_EINVAL, "/contact_id",
				"contact_id %lld is not a current contact of this account",
				(long long)x->contact_id);
	x->contact_name = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	return x->contact_name != NULL ? ADV_OK : ADV_ENOMEM;
}

/*
 * Resolves x->owner_email (NULL: nobody) to a member of the workspace,
 * filling owner_user_id, owner_email and owner_name as stored, the way
 * accounts resolve theirs; ADV_EINVAL "/owner_email" for one who is not.
 */
static enum adv_err
owner_resolve(struct db_conn *c, struct arena *a, int64_t ws_id, struct plan_action *x,
	      struct adv_errbuf *eb)
{
	struct member m;
	enum adv_err rc;

	x->owner_user_id = 0;
	x->owner_name = NULL;
	if (x->owner_email == NULL)
		return ADV_OK;
	if (!identity_email_valid(x->owner_email))
		return adv_fail(eb, ADV_EINVAL, "/owner_email",
				"owner_email must be the e-mail address of a workspace member");
	memset(&m, 0, sizeof(m));
	rc = identity_member_by_email(c, a, ws_id, x->owner_email, &m);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, ADV_EINVAL, "/owner_email",
				"owner_email: no member of this workspace has the e-mail %s",
				x->owner_email);
	if (rc != ADV_OK)
		return rc;
	if (m.email == NULL || m.name == NULL)
		return ADV_ENOMEM;
	x->owner_user_id = m.user_id;
	x->owner_email = m.email;
	x->owner_name = m.name;
	return ADV_OK;
}

/* Makes actor x's owner when actor is a member of the workspace, else leaves nobody. */
static enum adv_err
owner_default(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	      struct plan_action *x)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	x->owner_user_id = 0;
	x->owner_email = x->owner_name = NULL;
	if (actor <= 0)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_member_by_id, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, actor);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	x->owner_user_id = db_col_int(st, 0);
	x->owner_email = db_col_dup(st, a, 1, &oom);
	x->owner_name = db_col_dup(st, a, 2, &oom);
	db_done(st);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Binds the stored fields of x as contact, what, due, owner, status, done_on at first... */
static void
bind_fields(struct db_stmt *st, int first, const struct plan_action *x)
{
	db_bind_int(st, first, x->contact_id);
	db_bind_text(st, first + 1, x->what);
	db_bind_text(st, first + 2, x->due_on);
	if (x->owner_user_id > 0)
		db_bind_int(st, first + 3, x->owner_user_id);
	else
		db_bind_null(st, first + 3);
	db_bind_text(st, first + 4, plan_status_name(x->status));
	db_bind_text(st, first + 5, x->done_on);
}

/* A JSON string or null (new reference). */
static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/*
 * The audit changes from before (NULL: created) to after: each field that
 * differs (or, on create, is set), done_on included, and the contact's name
 * when the contact changed; *out is a new reference.
 */
static enum adv_err
plan_diff(const struct plan_action *before, const struct plan_action *after, json_t **out)
{
	json_t *changes = json_object();
	enum adv_err rc = ADV_ENOMEM;

	*out = NULL;
	if (changes == NULL)
		return ADV_ENOMEM;
	for (int f = 0; f <= PF__MAX; f++) {
		const char *name = f < PF__MAX ? field_names[f] : "done_on";
		json_t *from = NULL, *to = NULL;
		const struct plan_action *pair[2] = {before, after};
		json_t **dest[2] = {&from, &to};
		bool ok = true, changed;

		for (int k = 0; k < 2; k++) {
			const struct plan_action *x = pair[k];

			if (x == NULL) {
				*dest[k] = json_null();
				continue;
			}
			switch (f) {
			case PF_CONTACT:
				*dest[k] = json_integer(x->contact_id);
				break;
			case PF_WHAT:
				*dest[k] = str_or_null(x->what);
				break;
			case PF_DUE:
				*dest[k] = str_or_null(x->due_on);
				break;
			case PF_OWNER:
				*dest[k] = str_or_null(x->owner_email);
				break;
			case PF_STATUS:
				*dest[k] = json_string(plan_status_name(x->status));
				break;
			default:
				*dest[k] = str_or_null(x->done_on);
				break;
			}
		}
		ok = from != NULL && to != NULL;
		changed = ok && (before != NULL ? !json_equal(from, to) : !json_is_null(to));
		if (changed)
			ok = json_object_set_new(changes, name,
						 json_pack("{s:O, s:O}", "from", from, "to", to)) ==
			     0;
		json_decref(from);
		json_decref(to);
		if (!ok)
			goto out;
	}
	if (json_object_get(changes, field_names[PF_CONTACT]) != NULL &&
	    json_object_set_new(changes, "contact_name",
				json_pack("{s:s?, s:s?}", "from",
					  before ? before->contact_name : NULL, "to",
					  after->contact_name)) != 0)
		goto out;
	*out = changes;
	changes = NULL;
	rc = ADV_OK;
out:
	json_decref(changes);
	return rc;
}

/*
 * Copies the fields in mask of in onto x (what trimmed), and keeps done_on in
 * step with the status: today when it becomes done, NULL when not done.
 */
static enum adv_err
plan_apply(struct arena *a, const struct plan_action *in, uint32_t mask, const char *today,
	   struct plan_action *x)
{
	bool oom = false, was_done = x->status == PLAN_DONE && x->done_on != NULL;

	if (mask & PF_BIT(PF_CONTACT))
		x->contact_id = in->contact_id;
	if (mask & PF_BIT(PF_WHAT))
		x->what = text_trimmed(a, in->what, &oom);
	if (mask & PF_BIT(PF_DUE))
		x->due_on = arena_strdup(a, in->due_on);
	if (mask & PF_BIT(PF_OWNER))
		x->owner_email = text_trimmed(a, in->owner_email, &oom);
	if (mask & PF_BIT(PF_STATUS))
		x->status = in->status;
	if (x->status != PLAN_DONE)
		x->done_on = NULL;
	else if (!was_done)
		x->done_on = arena_strdup(a, today);
	if (oom || x->due_on == NULL || (x->status == PLAN_DONE && x->done_on == NULL))
		return ADV_ENOMEM;
	return ADV_OK;
}

/* Today's date into buf when today is NULL; the date to use. */
static const char *
today_or_now(const char *today, char buf[DATE_TEXT_SIZE])
{
	if (today != NULL && date_valid(today))
		return today;
	date_today(buf);
	return buf;
}

enum adv_err
plan_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	    const struct plan_action *in, uint32_t mask, const char *today, struct plan_action *out,
	    struct adv_errbuf *eb)
{
	static const enum plan_field required[] = {PF_CONTACT, PF_WHAT, PF_DUE};
	struct plan_action x = {0};
	char now[CLOCK_TEXT_MAX], day[DATE_TEXT_SIZE];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool row, began = false;
	enum adv_err rc;

	today = today_or_now(today, day);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(mask & PF_BIT(required[i]))) {
			char pointer[32];

			snprintf(pointer, sizeof(pointer), "/%s", field_names[required[i]]);
			rc = adv_fail(eb, ADV_EINVAL, pointer, "%s is required",
				      field_names[required[i]]);
			goto out;
		}
	x.status = PLAN_OPEN;
	if ((rc = plan_check(in, mask, eb)) != ADV_OK ||
	    (rc = plan_apply(a, in, mask, today, &x)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = account_exists(c, ws_id, account_id, eb)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_count, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		int64_t count = db_col_int(st, 0);

		db_done(st);
		if (count >= PLAN_ACTIONS_PER_ACCOUNT) {
			rc = adv_fail(eb, ADV_ECONFLICT, NULL,
				      "an account may have at most %d actions in its plan",
				      PLAN_ACTIONS_PER_ACCOUNT);
			goto out;
		}
	}
	if ((rc = contact_resolve(c, a, ws_id, account_id, &x, eb)) != ADV_OK ||
	    (rc = (mask & PF_BIT(PF_OWNER)) ? owner_resolve(c, a, ws_id, &x, eb)
					    : owner_default(c, a, ws_id, actor, &x)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	bind_fields(st, 3, &x);
	db_bind_text(st, 9, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EDB;
		goto out;
	}
	x.id = db_col_int(st, 0);
	db_done(st);
	x.account_id = account_id;
	x.version = 1;
	x.overdue = x.status == PLAN_OPEN && strcmp(x.due_on, today) < 0;
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = plan_diff(NULL, &x, &changes)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "contact_action", x.id, account_id, "create",
			      changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
plan_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	    int64_t id, int64_t expect_version, const struct plan_action *patch, uint32_t mask,
	    const char *today, struct plan_action *out, struct adv_errbuf *eb)
{
	struct plan_action cur, x;
	char now[CLOCK_TEXT_MAX], day[DATE_TEXT_SIZE];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	today = today_or_now(today, day);
	if ((rc = plan_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = account_exists(c, ws_id, account_id, eb)) != ADV_OK)
		goto out;
	rc = plan_get(c, a, ws_id, account_id, id, today, &cur);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(eb, rc, NULL, "no such action: %lld", (long long)id);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	if (expect_version != 0 && expect_version != cur.version) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the action was changed by someone else (version %lld, not %lld); "
			      "reload it and apply your change again",
			      (long long)cur.version, (long long)expect_version);
		goto out;
	}
	x = cur;
	if ((rc = plan_apply(a, patch, mask, today, &x)) != ADV_OK)
		goto out;
	if (x.contact_id != cur.contact_id &&
	    (rc = contact_resolve(c, a, ws_id, account_id, &x, eb)) != ADV_OK)
		goto out;
	if ((mask & PF_BIT(PF_OWNER)) && (rc = owner_resolve(c, a, ws_id, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = plan_diff(&cur, &x, &changes)) != ADV_OK)
		goto out;
	*out = cur;
	if (json_object_size(changes) == 0)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	bind_fields(st, 4, &x);
	db_bind_text(st, 10, now);
	db_bind_int(st, 11, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the action was changed by someone else meanwhile; reload it and "
			      "apply your change again");
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "contact_action", id, account_id, "update",
			      changes)) != ADV_OK)
		goto out;
	x.version = cur.version + 1;
	x.overdue = x.status == PLAN_OPEN && strcmp(x.due_on, today) < 0;
	if ((x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* The per-owner counts of the overdue list into *owners (arena array of *n). */
static enum adv_err
overdue_owners(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t owner_user_id,
	       const char *today, struct plan_owner **owners, size_t *n)
{
	struct plan_owner *v = NULL;
	struct db_stmt *st;
	size_t len = 0, cap = 0;
	enum adv_err rc;
	bool row, oom = false;

	if ((rc = db_prepare(c, &sql_overdue_owners, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, today);
	db_bind_int(st, 3, owner_user_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct plan_owner *room = arena_array_room(a, v, &cap, len, sizeof(*v));

		if (room == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = room;
		v[len].user_id = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
		v[len].email = db_col_dup(st, a, 1, &oom);
		v[len].name = db_col_dup(st, a, 2, &oom);
		v[len].overdue = db_col_int(st, 3);
		len++;
	}
	if (rc != ADV_OK)
		return rc;
	if (oom)
		return ADV_ENOMEM;
	*owners = v;
	*n = len;
	return ADV_OK;
}

enum adv_err
plan_overdue(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t owner_user_id,
	     const char *today, struct plan_action **items, const char ***account_names, size_t *n,
	     struct plan_owner **owners, size_t *nowners)
{
	struct plan_action *v = NULL;
	const char **names = NULL;
	char day[DATE_TEXT_SIZE];
	struct db_stmt *st;
	size_t len = 0, cap = 0, ncap = 0;
	enum adv_err rc;
	bool row, oom = false;

	*items = NULL;
	*account_names = NULL;
	*n = 0;
	*owners = NULL;
	*nowners = 0;
	today = today_or_now(today, day);
	if ((rc = db_prepare(c, &sql_overdue, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, today);
	db_bind_int(st, 3, owner_user_id);
	db_bind_int(st, 4, PLAN_OVERDUE_MAX);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct plan_action *room = arena_array_room(a, v, &cap, len, sizeof(*v));
		const char **nroom =
		    room ? arena_array_room(a, names, &ncap, len, sizeof(*names)) : NULL;

		if (room == NULL || nroom == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = room;
		names = nroom;
		if ((rc = read_action(st, a, today, &v[len])) != ADV_OK) {
			db_done(st);
			return rc;
		}
		names[len] = db_col_dup(st, a, ACTION_NCOLS, &oom);
		len++;
	}
	if (rc != ADV_OK)
		return rc;
	if (oom)
		return ADV_ENOMEM;
	if ((rc = overdue_owners(c, a, ws_id, owner_user_id, today, owners, nowners)) != ADV_OK)
		return rc;
	*items = v;
	*account_names = names;
	*n = len;
	return ADV_OK;
}
