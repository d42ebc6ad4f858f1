/*
 * supplier.c — the suppliers of a client company (see supplier.h): checks,
 * the rule that an account's live shares total at most 100 %, one entry per
 * supplier, versioned edits, archiving, and an audit entry in the account's
 * history for every change. All SQL about account_suppliers lives here.
 */
#include "core/supplier.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/competitor.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/str.h"

#define SHARE_EPSILON 1e-9 /* shares are sums of decimals: forgive rounding */

static const char *const field_names[SF__MAX] = {
    [SF_COMPETITOR] = "competitor_id",
    [SF_SHARE] = "share_pct",
    [SF_CATEGORIES] = "categories",
    [SF_SINCE] = "since",
    [SF_NOTES] = "notes",
};

#define SUPPLIER_COLS                                                                              \
	"s.id, s.account_id, s.competitor_id, c.name, s.share_pct, s.categories, s.since,"         \
	" s.notes, s.version, s.created_at, s.updated_at, s.archived_at"                           \
	" FROM account_suppliers s LEFT JOIN competitors c ON c.id = s.competitor_id"              \
	" AND c.workspace_id = s.workspace_id"

static struct db_sql sql_account_exists =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_list =
    DB_SQL("SELECT " SUPPLIER_COLS " WHERE s.workspace_id = ?1 AND s.account_id = ?2"
	   " AND s.archived_at IS NULL"
	   " ORDER BY CASE WHEN s.competitor_id IS NULL THEN 0 ELSE 1 END, s.share_pct DESC, s.id"
	   " LIMIT ?3");
static struct db_sql sql_list_archived =
    DB_SQL("SELECT " SUPPLIER_COLS " WHERE s.workspace_id = ?1 AND s.account_id = ?2"
	   " AND s.archived_at IS NOT NULL ORDER BY s.archived_at DESC, s.id DESC LIMIT ?3");
static struct db_sql sql_live_total =
    DB_SQL("SELECT COALESCE(SUM(share_pct), 0) FROM account_suppliers"
	   " WHERE workspace_id = ?1 AND account_id = ?2 AND archived_at IS NULL");
static struct db_sql sql_get =
    DB_SQL("SELECT " SUPPLIER_COLS " WHERE s.workspace_id = ?1 AND s.account_id = ?2"
	   " AND s.id = ?3");
static struct db_sql sql_others =
    DB_SQL("SELECT COALESCE(SUM(share_pct), 0), COUNT(*) FROM account_suppliers"
	   " WHERE workspace_id = ?1 AND account_id = ?2 AND archived_at IS NULL AND id <> ?3");
static struct db_sql sql_same =
    DB_SQL("SELECT id FROM account_suppliers WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND archived_at IS NULL AND id <> ?3 AND COALESCE(competitor_id, 0) = ?4");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO account_suppliers (workspace_id, account_id, competitor_id, share_pct,"
	   " categories, since, notes, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE account_suppliers SET competitor_id = ?4, share_pct = ?5, categories = ?6,"
	   " since = ?7, notes = ?8, version = version + 1, updated_at = ?9"
	   " WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3 AND version = ?10");
static struct db_sql sql_archive =
    DB_SQL("UPDATE account_suppliers SET archived_at = ?4, version = version + 1,"
	   " updated_at = ?4 WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND version = ?5");

static struct db_sql sql_restore =
    DB_SQL("UPDATE account_suppliers SET archived_at = NULL, version = version + 1,"
	   " updated_at = ?4 WHERE workspace_id = ?1 AND account_id = ?2 AND id = ?3"
	   " AND version = ?5");

enum adv_err
supplier_check(const struct supplier *in, uint32_t mask, struct adv_errbuf *eb)
{
	char pointer[ADV_ERRFIELD_MAX];
	enum adv_err rc;

	if ((mask & SF_BIT(SF_COMPETITOR)) && in->competitor_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/competitor_id",
				"competitor_id must be a competitor's id, or null for us");
	if ((mask & SF_BIT(SF_SHARE)) &&
	    (!isfinite(in->share_pct) || in->share_pct < 0 || in->share_pct > SUPPLIER_SHARE_MAX))
		return adv_fail(eb, ADV_EINVAL, "/share_pct", "share_pct must be from 0 to %g",
				SUPPLIER_SHARE_MAX);
	if ((mask & SF_BIT(SF_CATEGORIES)) && in->ncategories > SUPPLIER_CATEGORIES_MAX)
		return adv_fail(eb, ADV_EINVAL, "/categories",
				"categories may hold at most %d items", SUPPLIER_CATEGORIES_MAX);
	for (size_t i = 0; (mask & SF_BIT(SF_CATEGORIES)) && i < in->ncategories; i++) {
		snprintf(pointer, sizeof(pointer), "/categories/%zu", i);
		if (in->categories[i] == NULL)
			return adv_fail(eb, ADV_EINVAL, pointer, "categories may not be null");
		if ((rc = text_check(eb, pointer, "a category", in->categories[i], true,
				     SUPPLIER_CATEGORY_MAX, false)) != ADV_OK)
			return rc;
	}
	if ((mask & SF_BIT(SF_SINCE)) && in->since != NULL && !date_valid(in->since))
		return adv_fail(eb, ADV_EINVAL, "/since",
				"since must be a real date written YYYY-MM-DD");
	if ((mask & SF_BIT(SF_NOTES)) && (rc = text_check(eb, "/notes", "notes", in->notes, false,
							  SUPPLIER_NOTES_MAX, true)) != ADV_OK)
		return rc;
	return ADV_OK;
}

/* Copies the fields in mask of in onto out: text trimmed, categories without duplicates. */
static enum adv_err
supplier_normalize(struct arena *a, const struct supplier *in, uint32_t mask, struct supplier *out)
{
	bool oom = false;

	if (mask & SF_BIT(SF_COMPETITOR))
		out->competitor_id = in->competitor_id;
	if (mask & SF_BIT(SF_SHARE))
		out->share_pct = in->share_pct;
	if (mask & SF_BIT(SF_SINCE))
		out->since = text_trimmed(a, in->since, &oom);
	if (mask & SF_BIT(SF_NOTES))
		out->notes = text_trimmed(a, in->notes, &oom);
	if (mask & SF_BIT(SF_CATEGORIES)) {
		size_t cap = in->ncategories ? in->ncategories : 1, n = 0;
		const char **v = arena_zalloc(a, cap * sizeof(*v));
		const char **folded = arena_zalloc(a, cap * sizeof(*folded));

		if (v == NULL || folded == NULL)
			return ADV_ENOMEM;
		for (size_t i = 0; i < in->ncategories; i++) {
			const char *t = text_trimmed(a, in->categories[i], &oom);
			const char *f = t ? str_fold(a, t) : NULL;
			bool dup = t == NULL;

			if (t != NULL && f == NULL)
				return ADV_ENOMEM;
			for (size_t j = 0; j < n && !dup; j++)
				dup = strcmp(folded[j], f) == 0;
			if (!dup) {
				v[n] = t;
				folded[n++] = f;
			}
		}
		out->categories = v;
		out->ncategories = n;
	}
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* The categories of x as a JSON array (new reference). */
static json_t *
categories_json(const struct supplier *x)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < x->ncategories; i++)
		json_array_append_new(arr, json_string(x->categories[i]));
	return arr;
}

/* Parses the stored categories (a JSON array of strings) into an arena array. */
static enum adv_err
categories_parse(struct arena *a, const char *text, struct supplier *out)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	enum adv_err rc = ADV_OK;
	size_t n = json_array_size(j);

	out->categories = NULL;
	out->ncategories = 0;
	if (n == 0)
		goto out;
	if ((out->categories = arena_alloc(a, n * sizeof(*out->categories))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(j, i));

		if (s != NULL &&
		    (out->categories[out->ncategories++] = arena_strdup(a, s)) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
out:
	json_decref(j);
	return rc;
}

/* Reads the current row of st (SUPPLIER_COLS) into out. */
static enum adv_err
read_supplier(struct db_stmt *st, struct arena *a, struct supplier *out)
{
	static const int text_cols[] = {3, 6, 7, 9, 10, 11};
	const char *t[12] = {NULL};

	for (size_t i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++) {
		int col = text_cols[i];

		if (!db_col_null(st, col) &&
		    (t[col] = arena_strdup(a, db_col_text(st, col))) == NULL)
			return ADV_ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->account_id = db_col_int(st, 1);
	out->competitor_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
	out->competitor_name = t[3];
	out->share_pct = db_col_double(st, 4);
	out->since = t[6];
	out->notes = t[7];
	out->version = db_col_int(st, 8);
	out->created_at = t[9];
	out->updated_at = t[10];
	out->archived_at = t[11];
	return categories_parse(a, db_col_text(st, 5), out);
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
supplier_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, bool archived,
	      struct supplier **items, size_t *n, double *total)
{
	struct supplier *v;
	struct db_stmt *st;
	size_t len = 0;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	*total = 0;
	if ((rc = account_exists(c, ws_id, account_id, NULL)) != ADV_OK)
		return rc;
	if ((v = arena_alloc(a, SUPPLIERS_PER_ACCOUNT_MAX * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, archived ? &sql_list_archived : &sql_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, SUPPLIERS_PER_ACCOUNT_MAX);
	while (len < SUPPLIERS_PER_ACCOUNT_MAX && (rc = db_step(st, &row)) == ADV_OK && row) {
		if ((rc = read_supplier(st, a, &v[len])) != ADV_OK) {
			db_done(st);
			return rc;
		}
		if (!archived)
			*total += v[len].share_pct;
		len++;
	}
	if (rc != ADV_OK)
		return rc;
	if (len == SUPPLIERS_PER_ACCOUNT_MAX)
		db_done(st);
	if (archived) {
		if ((rc = db_prepare(c, &sql_live_total, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, account_id);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (row) {
			*total = db_col_double(st, 0);
			db_done(st);
		}
	}
	*items = v;
	*n = len;
	return ADV_OK;
}

enum adv_err
supplier_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	     struct supplier *out)
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
	rc = read_supplier(st, a, out);
	db_done(st);
	return rc;
}

/*
 * The rules that involve other rows, checked inside the write transaction:
 * the competitor is a live one of the workspace (its name goes to
 * x->competitor_name), no other live entry of the account names the same
 * supplier, at most SUPPLIERS_PER_ACCOUNT_MAX entries, and the shares of all
 * live entries with x's total at most 100 %. self is x's id (0 when new).
 */
static enum adv_err
supplier_rules(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t self,
	       struct supplier *x, bool competitor_changed, struct adv_errbuf *eb)
{
	struct competitor comp;
	struct db_stmt *st;
	double others;
	int64_t count;
	enum adv_err rc;
	bool row;

	if (x->competitor_id != 0 && competitor_changed) {
		rc = competitor_get(c, a, ws_id, x->competitor_id, &comp);
		if (rc == ADV_ENOTFOUND || (rc == ADV_OK && comp.archived_at != NULL))
			return adv_fail(
			    eb, ADV_EINVAL, "/competitor_id",
			    "competitor_id %lld is not a competitor in this workspace's "
			    "catalogue%s",
			    (long long)x->competitor_id, rc == ADV_OK ? " (it is archived)" : "");
		if (rc != ADV_OK)
			return rc;
		x->competitor_name = comp.name;
	} else if (x->competitor_id == 0) {
		x->competitor_name = NULL;
	}
	if ((rc = db_prepare(c, &sql_same, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, self);
	db_bind_int(st, 4, x->competitor_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		db_done(st);
		return adv_fail(eb, ADV_ECONFLICT, "/competitor_id",
				"%s is already among this account's suppliers; edit that entry "
				"instead",
				x->competitor_id == 0 ? "our company" : "this competitor");
	}
	if ((rc = db_prepare(c, &sql_others, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, self);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	others = row ? db_col_double(st, 0) : 0;
	count = row ? db_col_int(st, 1) : 0;
	if (row)
		db_done(st);
	if (self == 0 && count >= SUPPLIERS_PER_ACCOUNT_MAX)
		return adv_fail(eb, ADV_EINVAL, "/competitor_id",
				"an account may have at most %d suppliers",
				SUPPLIERS_PER_ACCOUNT_MAX);
	if (others + x->share_pct > SUPPLIER_SHARE_MAX + SHARE_EPSILON)
		return adv_fail(eb, ADV_EINVAL, "/share_pct",
				"share_pct: the shares of one account may total at most 100 %%; "
				"the other suppliers already have %g %% in total, so this one may "
				"have at most %g %% (not %g %%)",
				others, fmax(0, SUPPLIER_SHARE_MAX - others), x->share_pct);
	return ADV_OK;
}

/* Binds the stored fields of x as competitor, share, categories, since, notes at first.. */
static enum adv_err
bind_fields(struct db_stmt *st, int first, const struct supplier *x)
{
	json_t *cats = categories_json(x);
	char *text = cats ? json_dumps(cats, JSON_COMPACT) : NULL;
	enum adv_err rc = ADV_ENOMEM;

	if (text == NULL)
		goto out;
	if (x->competitor_id != 0)
		db_bind_int(st, first, x->competitor_id);
	else
		db_bind_null(st, first);
	db_bind_double(st, first + 1, x->share_pct);
	db_bind_text(st, first + 2, text);
	db_bind_text(st, first + 3, x->since);
	rc = db_bind_text(st, first + 4, x->notes);
out:
	free(text);
	json_decref(cats);
	return rc;
}

/* The value of field f of x as JSON (new reference). */
static json_t *
field_json(const struct supplier *x, enum supplier_field f)
{
	switch (f) {
	case SF_COMPETITOR:
		return x->competitor_id ? json_integer(x->competitor_id) : json_null();
	case SF_SHARE:
		return json_real(x->share_pct);
	case SF_CATEGORIES:
		return categories_json(x);
	case SF_SINCE:
		return x->since ? json_string(x->since) : json_null();
	case SF_NOTES:
	case SF__MAX:
		break;
	}
	return x->notes ? json_string(x->notes) : json_null();
}

/*
 * The audit changes from before (NULL: created) to after, with the supplier's
 * name ("competitor_name", null for us) when the supplier itself changed;
 * *out is a new reference.
 */
static enum adv_err
supplier_diff(const struct supplier *before, const struct supplier *after, json_t **out)
{
	json_t *changes = json_object();
	enum adv_err rc = ADV_ENOMEM;

	*out = NULL;
	if (changes == NULL)
		return ADV_ENOMEM;
	for (int f = 0; f < SF__MAX; f++) {
		json_t *from = before ? field_json(before, (enum supplier_field)f) : json_null();
		json_t *to = field_json(after, (enum supplier_field)f);
		bool ok = from != NULL && to != NULL;
		bool empty = json_is_null(to) || (json_is_array(to) && json_array_size(to) == 0);
		bool changed = ok && (before != NULL ? !json_equal(from, to) : !empty);

		if (changed)
			ok = json_object_set_new(changes, field_names[f],
						 json_pack("{s:O, s:O}", "from", from, "to", to)) ==
			     0;
		json_decref(from);
		json_decref(to);
		if (!ok)
			goto out;
	}
	if (json_object_get(changes, field_names[SF_COMPETITOR]) != NULL &&
	    json_object_set_new(changes, "competitor_name",
				json_pack("{s:s?, s:s?}", "from",
					  before ? before->competitor_name : NULL, "to",
					  after->competitor_name)) != 0)
		goto out;
	*out = changes;
	changes = NULL;
	rc = ADV_OK;
out:
	json_decref(changes);
	return rc;
}

enum adv_err
supplier_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		int64_t account_id, const struct supplier *in, uint32_t mask, struct supplier *out,
		struct adv_errbuf *eb)
{
	struct supplier x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool row, began = false;
	enum adv_err rc;

	if (!(mask & SF_BIT(SF_SHARE))) {
		rc = adv_fail(eb, ADV_EINVAL, "/share_pct", "share_pct is required");
		goto out;
	}
	if ((rc = supplier_check(in, mask, eb)) != ADV_OK ||
	    (rc = supplier_normalize(a, in, mask, &x)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = account_exists(c, ws_id, account_id, eb)) != ADV_OK ||
	    (rc = supplier_rules(c, a, ws_id, account_id, 0, &x, true, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = bind_fields(st, 3, &x)) != ADV_OK)
		goto out;
	db_bind_text(st, 8, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	x.account_id = account_id;
	x.version = 1;
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = supplier_diff(NULL, &x, &changes)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "supplier", x.id, account_id, "create", changes)) !=
		ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/*
 * Loads supplier id of account_id at expect_version (0 = any) into cur,
 * inside the caller's write scope: a live one, or an archived one too when
 * archived_too is set.
 */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	       int64_t expect_version, bool archived_too, struct supplier *cur,
	       struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((rc = account_exists(c, ws_id, account_id, eb)) != ADV_OK)
		return rc;
	rc = supplier_get(c, a, ws_id, account_id, id, cur);
	if (rc == ADV_ENOTFOUND || (rc == ADV_OK && cur->archived_at != NULL && !archived_too))
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such supplier: %lld", (long long)id);
	if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		return adv_fail(eb, ADV_EPRECOND, NULL,
				"the supplier was changed by someone else (version %lld, not "
				"%lld); reload it and apply your change again",
				(long long)cur->version, (long long)expect_version);
	return rc;
}

enum adv_err
supplier_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		int64_t account_id, int64_t id, int64_t expect_version,
		const struct supplier *patch, uint32_t mask, struct supplier *out,
		struct adv_errbuf *eb)
{
	struct supplier cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = supplier_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, false, &cur, eb)) !=
	    ADV_OK)
		goto out;
	x = cur;
	if ((rc = supplier_normalize(a, patch, mask, &x)) != ADV_OK ||
	    (rc = supplier_rules(c, a, ws_id, account_id, id, &x,
				 x.competitor_id != cur.competitor_id, eb)) != ADV_OK ||
	    (rc = supplier_diff(&cur, &x, &changes)) != ADV_OK)
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
	if ((rc = bind_fields(st, 4, &x)) != ADV_OK)
		goto out;
	db_bind_text(st, 9, now);
	db_bind_int(st, 10, cur.version);
	if ((rc = db_exec(st)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "supplier", id, account_id, "update", changes)) !=
		ADV_OK)
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

enum adv_err
supplier_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		 int64_t account_id, int64_t id, int64_t expect_version, struct adv_errbuf *eb)
{
	struct supplier cur;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, false, &cur, eb)) !=
	    ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_archive, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:n, s:s}, s:{s:f, s:n}}", "archived_at", "from", "to", now,
				 "share_pct", "from", cur.share_pct, "to")) == NULL ||
	    (cur.competitor_name != NULL &&
	     json_object_set_new(changes, "competitor_name",
				 json_pack("{s:s, s:n}", "from", cur.competitor_name, "to")) !=
		 0)) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = audit_write(c, ws_id, actor, "supplier", id, account_id, "archive", changes);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
supplier_restore(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		 int64_t account_id, int64_t id, int64_t expect_version, struct supplier *out,
		 struct adv_errbuf *eb)
{
	struct supplier cur;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, account_id, id, expect_version, true, &cur, eb)) !=
	    ADV_OK)
		goto out;
	if (cur.archived_at == NULL) {
		*out = cur;
		goto out;
	}
	if ((rc = supplier_rules(c, a, ws_id, account_id, id, &cur, true, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_restore, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes =
		 json_pack("{s:{s:s, s:n}, s:{s:n, s:f}}", "archived_at", "from", cur.archived_at,
			   "to", "share_pct", "from", "to", cur.share_pct)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "supplier", id, account_id, "restore", changes)) !=
	    ADV_OK)
		goto out;
	rc = supplier_get(c, a, ws_id, account_id, id, out);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}
