/*
 * competitor.c — the workspace's competitor catalogue (see competitor.h):
 * checks, case-insensitive name uniqueness among live entries, versioned
 * edits, archiving, keyset pages by name, and the audit entry of every
 * change. All SQL about competitors lives here.
 */
#include "core/competitor.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/listing.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/str.h"

#define COMPETITOR_WHY_MAX    128
#define COMPETITOR_CURSOR_TAG "competitors"

static const char *const field_names[CF__MAX] = {
    [CF_NAME] = "name",
    [CF_WEBSITE] = "website",
    [CF_NOTES] = "notes",
};

#define COMPETITOR_COLS                                                                            \
	"c.id, c.name, c.website, c.notes, c.version, c.created_at, c.updated_at, c.archived_at"

/* ?1 workspace, ?2 archived (0/1), ?3 search pattern, ?4 row limit; after a cursor ?5 name, ?6 id.
 */
#define COMPETITOR_LIST(cond)                                                                      \
	DB_SQL("SELECT " COMPETITOR_COLS " FROM competitors c WHERE c.workspace_id = ?1"           \
	       " AND (CASE WHEN c.archived_at IS NULL THEN 0 ELSE 1 END) = ?2"                     \
	       " AND (?3 IS NULL OR c.search_text LIKE ?3 ESCAPE '\\')" cond                       \
	       " ORDER BY c.name, c.id LIMIT ?4")

static struct db_sql sql_list_first = COMPETITOR_LIST("");
static struct db_sql sql_list_after = COMPETITOR_LIST(" AND (c.name, c.id) > (?5, ?6)");
static struct db_sql sql_get =
    DB_SQL("SELECT " COMPETITOR_COLS " FROM competitors c WHERE c.workspace_id = ?1 AND c.id = ?2");
static struct db_sql sql_find_live =
    DB_SQL("SELECT id FROM competitors WHERE workspace_id = ?1 AND search_text = ?2"
	   " AND archived_at IS NULL AND id <> ?3");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO competitors (workspace_id, name, website, notes, search_text, version,"
	   " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE competitors SET name = ?3, website = ?4, notes = ?5, search_text = ?6,"
	   " version = version + 1, updated_at = ?7"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?8");
static struct db_sql sql_archive =
    DB_SQL("UPDATE competitors SET archived_at = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?5");

enum adv_err
competitor_check(const struct competitor *in, uint32_t mask, struct adv_errbuf *eb)
{
	char why[COMPETITOR_WHY_MAX];
	enum adv_err rc;

	if ((mask & CF_BIT(CF_NAME)) && (rc = text_check(eb, "/name", "name", in->name, true,
							 COMPETITOR_NAME_MAX, false)) != ADV_OK)
		return rc;
	if ((mask & CF_BIT(CF_WEBSITE)) &&
	    (rc = text_check(eb, "/website", "website", in->website, false, COMPETITOR_WEBSITE_MAX,
			     false)) != ADV_OK)
		return rc;
	if ((mask & CF_BIT(CF_WEBSITE)) && in->website != NULL &&
	    !account_website_valid(in->website, why, sizeof(why)))
		return adv_fail(eb, ADV_EINVAL, "/website", "website %s", why);
	if ((mask & CF_BIT(CF_NOTES)) && (rc = text_check(eb, "/notes", "notes", in->notes, false,
							  COMPETITOR_NOTES_MAX, true)) != ADV_OK)
		return rc;
	return ADV_OK;
}

/* Reads the current row of st (COMPETITOR_COLS) into out. */
static enum adv_err
read_competitor(struct db_stmt *st, struct arena *a, struct competitor *out)
{
	const char *cols[8];

	for (int i = 1; i < 8; i++) {
		cols[i] = NULL;
		if (i != 4 && !db_col_null(st, i) &&
		    (cols[i] = arena_strdup(a, db_col_text(st, i))) == NULL)
			return ADV_ENOMEM;
	}
	out->id = db_col_int(st, 0);
	out->name = cols[1];
	out->website = cols[2];
	out->notes = cols[3];
	out->version = db_col_int(st, 4);
	out->created_at = cols[5];
	out->updated_at = cols[6];
	out->archived_at = cols[7];
	return ADV_OK;
}

enum adv_err
competitor_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	       struct competitor *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	rc = read_competitor(st, a, out);
	db_done(st);
	return rc;
}

/* The id of a live competitor other than self whose folded name is key; 0 when none. */
static enum adv_err
find_live(struct db_conn *c, int64_t ws_id, const char *key, int64_t self, int64_t *id)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*id = 0;
	if ((rc = db_prepare(c, &sql_find_live, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, key);
	db_bind_int(st, 3, self);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*id = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

/* ADV_ECONFLICT "/name" when a live competitor other than self is called name (any case). */
static enum adv_err
name_free(struct db_conn *c, int64_t ws_id, int64_t self, const char *name, const char *key,
	  struct adv_errbuf *eb)
{
	int64_t other;
	enum adv_err rc;

	if ((rc = find_live(c, ws_id, key, self, &other)) != ADV_OK)
		return rc;
	if (other != 0)
		return adv_fail(eb, ADV_ECONFLICT, "/name",
				"a competitor named '%s' is already in the catalogue (%lld)", name,
				(long long)other);
	return ADV_OK;
}

/* The audit changes of the fields from before (NULL: created) to after; new reference. */
static json_t *
competitor_diff(const struct competitor *before, const struct competitor *after)
{
	const char *from[CF__MAX] = {NULL},
		   *to[CF__MAX] = {after->name, after->website, after->notes};
	json_t *changes = json_object();

	if (before != NULL) {
		from[CF_NAME] = before->name;
		from[CF_WEBSITE] = before->website;
		from[CF_NOTES] = before->notes;
	}
	for (int f = 0; changes != NULL && f < CF__MAX; f++) {
		bool same = (from[f] == NULL && to[f] == NULL) ||
			    (from[f] != NULL && to[f] != NULL && strcmp(from[f], to[f]) == 0);

		if (!same && json_object_set_new(
				 changes, field_names[f],
				 json_pack("{s:s?, s:s?}", "from", from[f], "to", to[f])) != 0) {
			json_decref(changes);
			changes = NULL;
		}
	}
	return changes;
}

enum adv_err
competitor_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		  const struct competitor *in, struct competitor *out, struct adv_errbuf *eb)
{
	struct competitor x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	const char *key;
	struct db_stmt *st;
	struct tx t;
	bool oom = false, row, began = false;
	enum adv_err rc;

	if ((rc = competitor_check(in, CF_BIT(CF_NAME) | CF_BIT(CF_WEBSITE) | CF_BIT(CF_NOTES),
				   eb)) != ADV_OK)
		goto out;
	x.name = text_trimmed(a, in->name, &oom);
	x.website = text_trimmed(a, in->website, &oom);
	x.notes = text_trimmed(a, in->notes, &oom);
	if (oom || (key = str_fold(a, x.name)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = name_free(c, ws_id, 0, x.name, key, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x.name);
	db_bind_text(st, 3, x.website);
	db_bind_text(st, 4, x.notes);
	db_bind_text(st, 5, key);
	db_bind_text(st, 6, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	x.version = 1;
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL ||
	    (changes = competitor_diff(NULL, &x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "competitor", x.id, 0, "create", changes)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

/* The 412 answer when a competitor moved on past the version the caller saw. */
static enum adv_err
version_moved(struct adv_errbuf *eb, int64_t expect, int64_t now)
{
	return adv_fail(eb, ADV_EPRECOND, NULL,
			"the competitor was changed by someone else (version %lld, not %lld); "
			"reload it and apply your change again",
			(long long)now, (long long)expect);
}

/* Opens the write scope and loads competitor id at expect_version (0 = any) into cur. */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	       int64_t expect_version, struct competitor *cur, struct adv_errbuf *eb)
{
	enum adv_err rc = competitor_get(c, a, ws_id, id, cur);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, rc, NULL, "no such competitor: %lld", (long long)id);
	if (rc == ADV_OK && expect_version != 0 && expect_version != cur->version)
		return version_moved(eb, expect_version, cur->version);
	return rc;
}

enum adv_err
competitor_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		  int64_t expect_version, const struct competitor *patch, uint32_t mask,
		  struct competitor *out, struct adv_errbuf *eb)
{
	struct competitor cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	const char *key;
	struct db_stmt *st;
	struct tx t;
	bool oom = false, began = false;
	enum adv_err rc;

	if ((rc = competitor_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if (mask & CF_BIT(CF_NAME))
		x.name = text_trimmed(a, patch->name, &oom);
	if (mask & CF_BIT(CF_WEBSITE))
		x.website = text_trimmed(a, patch->website, &oom);
	if (mask & CF_BIT(CF_NOTES))
		x.notes = text_trimmed(a, patch->notes, &oom);
	if (oom || (key = str_fold(a, x.name)) == NULL ||
	    (changes = competitor_diff(&cur, &x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_object_size(changes) == 0)
		goto out;
	if (cur.archived_at == NULL && (rc = name_free(c, ws_id, id, x.name, key, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, x.name);
	db_bind_text(st, 4, x.website);
	db_bind_text(st, 5, x.notes);
	db_bind_text(st, 6, key);
	db_bind_text(st, 7, now);
	db_bind_int(st, 8, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((rc = audit_write(c, ws_id, actor, "competitor", id, 0, "update", changes)) != ADV_OK)
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
competitor_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		   int64_t expect_version, bool archive, struct competitor *out,
		   struct adv_errbuf *eb)
{
	struct competitor cur;
	char now[CLOCK_TEXT_MAX];
	json_t *changes = NULL;
	const char *key;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	*out = cur;
	if (archive == (cur.archived_at != NULL))
		goto out;
	if (!archive && ((key = str_fold(a, cur.name)) == NULL ||
			 (rc = name_free(c, ws_id, id, cur.name, key, eb)) != ADV_OK)) {
		if (rc == ADV_OK)
			rc = ADV_ENOMEM;
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_archive, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, archive ? now : NULL);
	db_bind_text(st, 4, now);
	db_bind_int(st, 5, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:s?, s:s?}}", "archived_at", "from", cur.archived_at, "to",
				 archive ? now : NULL)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, actor, "competitor", id, 0, archive ? "archive" : "restore",
			      changes)) != ADV_OK)
		goto out;
	out->version = cur.version + 1;
	if ((out->updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	out->archived_at = archive ? out->updated_at : NULL;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
competitor_list(struct db_conn *c, struct arena *a, int64_t ws_id,
		const struct competitor_filter *f, struct competitor **items, size_t *n,
		const char **next_cursor, struct adv_errbuf *eb)
{
	size_t want, len = 0;
	json_t *cur = NULL, *last;
	const char *like = NULL;
	struct competitor *v;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (f->limit < 1 || f->limit > COMPETITOR_LIST_LIMIT_MAX)
		return adv_fail(eb, ADV_EINVAL, "limit", "limit must be from 1 to %d",
				COMPETITOR_LIST_LIMIT_MAX);
	want = (size_t)f->limit + 1;
	if ((v = arena_alloc(a, want * sizeof(*v))) == NULL ||
	    (f->q != NULL && *f->q != '\0' && (like = listing_like_pattern(a, f->q)) == NULL))
		return ADV_ENOMEM;
	if (f->cursor != NULL &&
	    (rc = listing_cursor_decode(f->cursor, COMPETITOR_CURSOR_TAG, 3, &cur, eb)) != ADV_OK)
		return rc;
	if (cur != NULL &&
	    (!json_is_string(json_array_get(cur, 1)) || !json_is_integer(json_array_get(cur, 2)))) {
		rc = adv_fail(eb, ADV_EINVAL, "cursor",
			      "cursor is not a cursor of this list; start again without it");
		goto out;
	}
	if ((rc = db_prepare(c, cur ? &sql_list_after : &sql_list_first, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, f->archived ? 1 : 0);
	db_bind_text(st, 3, like);
	db_bind_int(st, 4, (int64_t)want);
	if (cur != NULL) {
		db_bind_text(st, 5, json_string_value(json_array_get(cur, 1)));
		db_bind_int(st, 6, json_integer_value(json_array_get(cur, 2)));
	}
	while (len < want && (rc = db_step(st, &row)) == ADV_OK && row)
		if ((rc = read_competitor(st, a, &v[len++])) != ADV_OK)
			break;
	if (len == want || rc != ADV_OK)
		db_done(st);
	if (rc != ADV_OK)
		goto out;
	if (len == want) {
		len--;
		last = json_pack("[s, s, I]", COMPETITOR_CURSOR_TAG, v[len - 1].name,
				 (json_int_t)v[len - 1].id);
		*next_cursor = last ? listing_cursor_encode(a, last) : NULL;
		json_decref(last);
		if (*next_cursor == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	*items = v;
	*n = len;
out:
	json_decref(cur);
	return rc;
}
