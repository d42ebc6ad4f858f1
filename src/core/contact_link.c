/*
 * contact_link.c — the informal influence links between two people of one
 * client company (see contact.h): one per ordered pair, both ends live
 * contacts of the account, never a link to oneself; versioned and audited in
 * the account's history as entity "contact_link". All SQL about
 * contact_links lives here.
 */
#include <jansson.h>
#include <string.h>

#include "core/audit.h"
#include "core/contact.h"
#include "core/contact_impl.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"

#define LINK_COLS                                                                                  \
	"id, account_id, from_contact_id, to_contact_id, sign, note, version, created_at,"         \
	" updated_at FROM contact_links"

static struct db_sql sql_list = DB_SQL("SELECT " LINK_COLS " WHERE workspace_id = ?1"
				       " AND account_id = ?2 ORDER BY id LIMIT ?3");
static struct db_sql sql_get =
    DB_SQL("SELECT " LINK_COLS " WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3");
static struct db_sql sql_live_contact =
    DB_SQL("SELECT id FROM contacts WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND archived_at IS NULL");
static struct db_sql sql_pair =
    DB_SQL("SELECT id FROM contact_links WHERE workspace_id = ?1 AND from_contact_id = ?2"
	   " AND to_contact_id = ?3");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO contact_links (workspace_id, account_id, from_contact_id, to_contact_id,"
	   " sign, note, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7,"
	   " ?7) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE contact_links SET sign = ?3, note = ?4, version = version + 1,"
	   " updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2 AND version = ?6");
static struct db_sql sql_delete =
    DB_SQL("DELETE FROM contact_links WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_of_contact =
    DB_SQL("SELECT " LINK_COLS " WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND (from_contact_id = ?3 OR to_contact_id = ?3) ORDER BY id LIMIT ?4");

/* Reads the current row of st (LINK_COLS) into out. */
static enum adv_err
read_link(struct db_stmt *st, struct arena *a, struct contact_link *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->account_id = db_col_int(st, 1);
	out->from_contact_id = db_col_int(st, 2);
	out->to_contact_id = db_col_int(st, 3);
	out->sign = contact_sign_parse(db_col_text(st, 4));
	if (!db_col_null(st, 5) && (out->note = arena_strdup(a, db_col_text(st, 5))) == NULL)
		return ADV_ENOMEM;
	out->version = db_col_int(st, 6);
	if ((out->created_at = arena_strdup(a, db_col_text(st, 7))) == NULL ||
	    (out->updated_at = arena_strdup(a, db_col_text(st, 8))) == NULL)
		return ADV_ENOMEM;
	return ADV_OK;
}

/* Reads up to max rows of st (bound) into an arena array. */
static enum adv_err
read_links(struct db_stmt *st, struct arena *a, size_t max, struct contact_link **items, size_t *n)
{
	struct contact_link *v = NULL, *grown;
	enum adv_err rc = ADV_OK;
	size_t len = 0, cap = 0;
	bool row;

	while (len < max && (rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
			rc = ADV_ENOMEM;
			break;
		}
		v = grown;
		if ((rc = read_link(st, a, &v[len++])) != ADV_OK)
			break;
	}
	if (rc != ADV_OK || len == max)
		db_done(st);
	*items = v;
	*n = len;
	return rc;
}

enum adv_err
contact_link_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		  struct contact_link **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;

	*items = NULL;
	*n = 0;
	if ((rc = contact_account_exists(c, ws_id, account_id, NULL)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, CONTACT_LINKS_PER_ACCOUNT);
	return read_links(st, a, CONTACT_LINKS_PER_ACCOUNT, items, n);
}

/* The link as audit changes from nothing (created) or to nothing (deleted); new reference. */
static json_t *
link_changes(const struct contact_link *l, bool created)
{
	json_t *v =
	    json_pack("{s:I, s:I, s:s, s:s?}", "from_contact_id", (json_int_t)l->from_contact_id,
		      "to_contact_id", (json_int_t)l->to_contact_id, "sign",
		      contact_sign_name(l->sign), "note", l->note);
	json_t *changes = json_object();
	const char *key;
	json_t *val;

	if (v == NULL || changes == NULL) {
		json_decref(v);
		json_decref(changes);
		return NULL;
	}
	json_object_foreach(v, key, val)
	{
		json_object_set_new(changes, key,
				    created ? json_pack("{s:n, s:O}", "from", "to", val)
					    : json_pack("{s:O, s:n}", "from", val, "to"));
	}
	json_decref(v);
	return changes;
}

/* ADV_EINVAL at field unless id is a live contact of account_id. */
static enum adv_err
live_contact(struct db_conn *c, int64_t ws_id, int64_t account_id, int64_t id, const char *field,
	     struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_live_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_EINVAL, field,
				"%s %lld is not a current person of this company", field + 1,
				(long long)id);
	db_done(st);
	return ADV_OK;
}

enum adv_err
contact_link_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    int64_t account_id, const struct contact_link *in, struct contact_link *out,
		    struct adv_errbuf *eb)
{
	struct contact_link x = *in;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool row, began = false, oom = false;
	enum adv_err rc;

	if (in->from_contact_id == in->to_contact_id) {
		rc = adv_fail(eb, ADV_EINVAL, "/to_contact_id",
			      "to_contact_id: a person cannot be linked to themselves");
		goto out;
	}
	if ((int)in->sign < 0 || in->sign >= SIGN__MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/sign", "sign must be supports or opposes");
		goto out;
	}
	if ((rc = text_check(eb, "/note", "note", in->note, false, CONTACT_LINK_NOTE_MAX, true)) !=
	    ADV_OK)
		goto out;
	x.note = text_trimmed(a, in->note, &oom);
	if (oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = contact_account_exists(c, ws_id, account_id, eb)) != ADV_OK ||
	    (rc = live_contact(c, ws_id, account_id, x.from_contact_id, "/from_contact_id", eb)) !=
		ADV_OK ||
	    (rc = live_contact(c, ws_id, account_id, x.to_contact_id, "/to_contact_id", eb)) !=
		ADV_OK ||
	    (rc = db_prepare(c, &sql_pair, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x.from_contact_id);
	db_bind_int(st, 3, x.to_contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (row) {
		db_done(st);
		rc = adv_fail(eb, ADV_ECONFLICT, "/to_contact_id",
			      "these two people are linked already; edit that link instead");
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, x.from_contact_id);
	db_bind_int(st, 4, x.to_contact_id);
	db_bind_text(st, 5, contact_sign_name(x.sign));
	db_bind_text(st, 6, x.note);
	db_bind_text(st, 7, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	x.account_id = account_id;
	x.version = 1;
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL ||
	    (changes = link_changes(&x, true)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "contact_link", x.id, account_id, "create",
			      changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* Loads link id of account_id at expect_version (0 = any) inside the caller's write scope. */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	       int64_t expect_version, struct contact_link *cur, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = contact_account_exists(c, ws_id, account_id, eb)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such link: %lld", (long long)id);
	rc = read_link(st, a, cur);
	db_done(st);
	if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		return adv_fail(eb, ADV_EPRECOND, NULL,
				"the link was changed by someone else (version %lld, not %lld); "
				"reload and apply your change again",
				(long long)cur->version, (long long)expect_version);
	return rc;
}

enum adv_err
contact_link_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    int64_t account_id, int64_t id, int64_t expect_version, bool has_sign,
		    enum contact_sign sign, bool has_note, const char *note,
		    struct contact_link *out, struct adv_errbuf *eb)
{
	struct contact_link cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, oom = false;
	enum adv_err rc;

	if (has_sign && ((int)sign < 0 || sign >= SIGN__MAX)) {
		rc = adv_fail(eb, ADV_EINVAL, "/sign", "sign must be supports or opposes");
		goto out;
	}
	if (has_note && (rc = text_check(eb, "/note", "note", note, false, CONTACT_LINK_NOTE_MAX,
					 true)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if (has_sign)
		x.sign = sign;
	if (has_note && (x.note = text_trimmed(a, note, &oom), oom)) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if ((changes = json_object()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (x.sign != cur.sign)
		json_object_set_new(changes, "sign",
				    json_pack("{s:s, s:s}", "from", contact_sign_name(cur.sign),
					      "to", contact_sign_name(x.sign)));
	if ((x.note == NULL) != (cur.note == NULL) ||
	    (x.note != NULL && strcmp(x.note, cur.note) != 0))
		json_object_set_new(changes, "note",
				    json_pack("{s:s?, s:s?}", "from", cur.note, "to", x.note));
	if (json_object_size(changes) == 0)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, contact_sign_name(x.sign));
	db_bind_text(st, 4, x.note);
	db_bind_text(st, 5, now);
	db_bind_int(st, 6, cur.version);
	if ((rc = db_exec(st)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "contact_link", id, account_id, "update",
			      changes)) != ADV_OK)
		goto out;
	x.version = cur.version + 1;
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

/* Deletes link l (loaded in the caller's write scope) and audits it. */
static enum adv_err
delete_link(struct db_conn *c, int64_t ws_id, int64_t actor, const struct contact_link *l)
{
	json_t *changes;
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_delete, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, l->id);
	if ((rc = db_exec(st)) != ADV_OK)
		return rc;
	if ((changes = link_changes(l, false)) == NULL)
		return ADV_ENOMEM;
	rc = audit_write(c, ws_id, actor, "contact_link", l->id, l->account_id, "delete", changes);
	json_decref(changes);
	return rc;
}

enum adv_err
contact_link_delete(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    int64_t account_id, int64_t id, int64_t expect_version, struct adv_errbuf *eb)
{
	struct contact_link cur;
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, &cur, eb)) == ADV_OK)
		rc = delete_link(c, ws_id, actor, &cur);
	return tx_end(c, &t, rc);
}

enum adv_err
contact_links_drop(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t account_id,
		   int64_t contact_id, size_t *n)
{
	struct contact_link *v;
	struct db_stmt *st;
	struct arena a;
	size_t len = 0;
	enum adv_err rc;

	*n = 0;
	arena_init(&a, 0);
	if ((rc = db_prepare(c, &sql_of_contact, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, contact_id);
	db_bind_int(st, 4, CONTACT_LINKS_PER_ACCOUNT);
	if ((rc = read_links(st, &a, CONTACT_LINKS_PER_ACCOUNT, &v, &len)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < len; i++)
		if ((rc = delete_link(c, ws_id, actor, &v[i])) != ADV_OK)
			goto out;
	*n = len;
out:
	arena_free(&a);
	return rc;
}
