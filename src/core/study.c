/*
 * study.c — the workspace's studies (see study.h): checks, case-insensitive
 * name uniqueness among live studies, versioned edits, archiving and
 * restoring, the list newest first, and the audit entry of every change.
 * Rows are read through core/entry.h. All SQL about studies lives here.
 */
#include "core/study.h"

#include <string.h>

#include "core/entry.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/str.h"

static const char *const kind_names[STUDY_KIND__MAX] = {
    [STUDY_SURVEY] = "survey",
    [STUDY_CSM_INTERVIEW] = "csm_interview",
    [STUDY_CUSTDEV] = "custdev",
    [STUDY_EXIT_INTERVIEW] = "exit_interview",
};

static const char *const status_names[STUDY_STATUS__MAX] = {
    [STUDY_DRAFT] = "draft",
    [STUDY_OPEN] = "open",
    [STUDY_CLOSED] = "closed",
};

#define STUDY_COLS                                                                                 \
	"s.id, s.name, s.kind, s.status, s.starts_on, s.ends_on, s.description, s.guide,"          \
	" (SELECT COUNT(*) FROM study_questions q WHERE q.workspace_id = s.workspace_id"           \
	" AND q.study_id = s.id AND q.active = 1), s.version, s.created_at, s.updated_at,"         \
	" s.archived_at"

/* ?1 workspace, ?2 archived (0/1), ?3 status or NULL, ?4 kind or NULL. */
static struct db_sql sql_list =
    DB_SQL("SELECT " STUDY_COLS " FROM studies s WHERE s.workspace_id = ?1"
	   " AND (CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END) = ?2"
	   " AND (?3 IS NULL OR s.status = ?3) AND (?4 IS NULL OR s.kind = ?4)"
	   " ORDER BY CASE WHEN s.starts_on IS NULL THEN 0 ELSE 1 END, s.starts_on DESC,"
	   " s.id DESC");
static struct db_sql sql_get =
    DB_SQL("SELECT " STUDY_COLS " FROM studies s WHERE s.workspace_id = ?1 AND s.id = ?2");
static struct db_sql sql_find_live =
    DB_SQL("SELECT id FROM studies WHERE workspace_id = ?1 AND name_key = ?2"
	   " AND archived_at IS NULL AND id <> ?3");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO studies (workspace_id, name, name_key, kind, status, starts_on, ends_on,"
	   " description, guide, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10) RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE studies SET name = ?3, name_key = ?4, kind = ?5, status = ?6, starts_on = ?7,"
	   " ends_on = ?8, description = ?9, guide = ?10, version = version + 1,"
	   " updated_at = ?11 WHERE workspace_id = ?1 AND id = ?2 AND version = ?12");
static struct db_sql sql_archive =
    DB_SQL("UPDATE studies SET archived_at = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?5");

const char *
study_kind_name(enum study_kind k)
{
	return (unsigned)k < STUDY_KIND__MAX ? kind_names[k] : kind_names[STUDY_SURVEY];
}

bool
study_kind_parse(const char *s, enum study_kind *out)
{
	for (int k = 0; s != NULL && k < STUDY_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum study_kind)k;
			return true;
		}
	return false;
}

const char *
study_status_name(enum study_status s)
{
	return (unsigned)s < STUDY_STATUS__MAX ? status_names[s] : status_names[STUDY_DRAFT];
}

bool
study_status_parse(const char *s, enum study_status *out)
{
	for (int k = 0; s != NULL && k < STUDY_STATUS__MAX; k++)
		if (strcmp(s, status_names[k]) == 0) {
			*out = (enum study_status)k;
			return true;
		}
	return false;
}

/* Reads the current row of st (STUDY_COLS) into the struct study at entry. */
static enum adv_err
read_study(struct db_stmt *st, struct arena *a, void *entry)
{
	struct study *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->name = entry_col_text(st, 1, a, &oom);
	if (!study_kind_parse(db_col_text(st, 2), &out->kind))
		out->kind = STUDY_SURVEY;
	if (!study_status_parse(db_col_text(st, 3), &out->status))
		out->status = STUDY_DRAFT;
	out->starts_on = entry_col_text(st, 4, a, &oom);
	out->ends_on = entry_col_text(st, 5, a, &oom);
	out->description = entry_col_text(st, 6, a, &oom);
	out->guide = entry_col_text(st, 7, a, &oom);
	out->questions = db_col_int(st, 8);
	out->version = db_col_int(st, 9);
	out->created_at = entry_col_text(st, 10, a, &oom);
	out->updated_at = entry_col_text(st, 11, a, &oom);
	out->archived_at = entry_col_text(st, 12, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* The fields of a study that edits change (for audit and the API); new reference. */
static json_t *
study_fields(const struct study *x)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "name", x->name, "kind",
			 study_kind_name(x->kind), "status", study_status_name(x->status),
			 "starts_on", x->starts_on, "ends_on", x->ends_on, "description",
			 x->description, "guide", x->guide);
}

json_t *
study_json(const struct study *x)
{
	json_t *j = study_fields(x), *head;

	if (j == NULL)
		return NULL;
	head = json_pack("{s:I}", "id", (json_int_t)x->id);
	if (head == NULL || json_object_update(head, j) != 0 ||
	    json_object_set_new(head, "questions", json_integer(x->questions)) != 0 ||
	    json_object_set_new(head, "version", json_integer(x->version)) != 0 ||
	    json_object_set_new(head, "created_at", json_string(x->created_at)) != 0 ||
	    json_object_set_new(head, "updated_at", json_string(x->updated_at)) != 0 ||
	    json_object_set_new(head, "archived_at",
				x->archived_at ? json_string(x->archived_at) : json_null()) != 0) {
		json_decref(head);
		head = NULL;
	}
	json_decref(j);
	return head;
}

/* ADV_EINVAL at pointer unless date is NULL or a real date YYYY-MM-DD. */
static enum adv_err
date_check(struct adv_errbuf *eb, const char *pointer, const char *date)
{
	if (date == NULL || date_valid(date))
		return ADV_OK;
	return adv_fail(eb, ADV_EINVAL, pointer, "%s must be a real date written YYYY-MM-DD",
			pointer + 1);
}

enum adv_err
study_check(const struct study *in, uint32_t mask, struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((mask & SF_BIT(SF_NAME)) &&
	    (rc = text_check(eb, "/name", "name", in->name, true, STUDY_NAME_MAX, false)) != ADV_OK)
		return rc;
	if ((mask & SF_BIT(SF_KIND)) && (unsigned)in->kind >= STUDY_KIND__MAX)
		return adv_fail(eb, ADV_EINVAL, "/kind",
				"kind must be survey, csm_interview, custdev or exit_interview");
	if ((mask & SF_BIT(SF_STATUS)) && (unsigned)in->status >= STUDY_STATUS__MAX)
		return adv_fail(eb, ADV_EINVAL, "/status", "status must be draft, open or closed");
	if ((mask & SF_BIT(SF_STARTS_ON)) &&
	    (rc = date_check(eb, "/starts_on", in->starts_on)) != ADV_OK)
		return rc;
	if ((mask & SF_BIT(SF_ENDS_ON)) && (rc = date_check(eb, "/ends_on", in->ends_on)) != ADV_OK)
		return rc;
	if ((mask & SF_BIT(SF_DESCRIPTION)) &&
	    (rc = text_check(eb, "/description", "description", in->description, false,
			     STUDY_DESCRIPTION_MAX, true)) != ADV_OK)
		return rc;
	if ((mask & SF_BIT(SF_GUIDE)) && (rc = text_check(eb, "/guide", "guide", in->guide, false,
							  STUDY_GUIDE_MAX, true)) != ADV_OK)
		return rc;
	return ADV_OK;
}

/* ADV_EINVAL "/ends_on" when x's period ends before it starts. */
static enum adv_err
period_check(const struct study *x, struct adv_errbuf *eb)
{
	if (x->starts_on != NULL && x->ends_on != NULL && strcmp(x->ends_on, x->starts_on) < 0)
		return adv_fail(eb, ADV_EINVAL, "/ends_on",
				"ends_on (%s) may not be before starts_on (%s)", x->ends_on,
				x->starts_on);
	return ADV_OK;
}

/* Copies the fields in mask of in over x, trimming text; ADV_ENOMEM. */
static enum adv_err
study_merge(struct arena *a, const struct study *in, uint32_t mask, struct study *x)
{
	bool oom = false;

	if (mask & SF_BIT(SF_NAME))
		x->name = text_trimmed(a, in->name, &oom);
	if (mask & SF_BIT(SF_KIND))
		x->kind = in->kind;
	if (mask & SF_BIT(SF_STATUS))
		x->status = in->status;
	if (mask & SF_BIT(SF_STARTS_ON))
		x->starts_on = in->starts_on;
	if (mask & SF_BIT(SF_ENDS_ON))
		x->ends_on = in->ends_on;
	if (mask & SF_BIT(SF_DESCRIPTION))
		x->description = text_trimmed(a, in->description, &oom);
	if (mask & SF_BIT(SF_GUIDE))
		x->guide = text_trimmed(a, in->guide, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* ADV_ECONFLICT "/name" when a live study other than self has the folded name key. */
static enum adv_err
name_free(struct db_conn *c, int64_t ws_id, int64_t self, const char *name, const char *key,
	  struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	int64_t other;
	bool row;

	if ((rc = db_prepare(c, &sql_find_live, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, key);
	db_bind_int(st, 3, self);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	other = db_col_int(st, 0);
	db_done(st);
	return adv_fail(eb, ADV_ECONFLICT, "/name", "a study named '%s' exists already (%lld)",
			name, (long long)other);
}

enum adv_err
study_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	     const struct study *in, uint32_t mask, struct study *out, struct adv_errbuf *eb)
{
	struct study x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	const char *key;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	mask |= SF_BIT(SF_NAME) | SF_BIT(SF_KIND);
	if ((rc = study_check(in, mask, eb)) != ADV_OK)
		goto out;
	x.status = STUDY_DRAFT;
	if ((rc = study_merge(a, in, mask, &x)) != ADV_OK || (rc = period_check(&x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	x.version = 1;
	if ((key = str_fold(a, x.name)) == NULL ||
	    (x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = name_free(c, ws_id, 0, x.name, key, eb)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x.name);
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, study_kind_name(x.kind));
	db_bind_text(st, 5, study_status_name(x.status));
	db_bind_text(st, 6, x.starts_on);
	db_bind_text(st, 7, x.ends_on);
	db_bind_text(st, 8, x.description);
	db_bind_text(st, 9, x.guide);
	db_bind_text(st, 10, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((after = study_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "study", x.id, "create", NULL, after)) != ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(after);
	return rc;
}

enum adv_err
study_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id, struct study *out)
{
	return entry_get(c, a, &sql_get, ws_id, id, read_study, out);
}

enum adv_err
study_list(struct db_conn *c, struct arena *a, int64_t ws_id, const struct study_filter *f,
	   struct study **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;
	void *v;

	*items = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, f->archived ? 1 : 0);
	db_bind_text(st, 3, f->by_status ? study_status_name(f->status) : NULL);
	db_bind_text(st, 4, f->by_kind ? study_kind_name(f->kind) : NULL);
	if ((rc = entry_list(st, a, sizeof(**items), read_study, &v, n)) == ADV_OK)
		*items = v;
	return rc;
}

/* Loads study id for a write at expect_version (0 = any) into cur: 404 and 412 answers. */
static enum adv_err
load_for_write(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
	       int64_t expect_version, struct study *cur, struct adv_errbuf *eb)
{
	enum adv_err rc = entry_found(study_get(c, a, ws_id, id, cur), eb, "study", id);

	if (rc != ADV_OK)
		return rc;
	return entry_version_check(eb, "study", expect_version, cur->version);
}

enum adv_err
study_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
	     int64_t expect_version, const struct study *patch, uint32_t mask, struct study *out,
	     struct adv_errbuf *eb)
{
	struct study cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	const char *key;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = study_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = load_for_write(c, a, ws_id, id, expect_version, &cur, eb)) != ADV_OK)
		goto out;
	x = cur;
	if ((rc = study_merge(a, patch, mask, &x)) != ADV_OK ||
	    (rc = period_check(&x, eb)) != ADV_OK)
		goto out;
	if ((key = str_fold(a, x.name)) == NULL || (before = study_fields(&cur)) == NULL ||
	    (after = study_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if (cur.archived_at == NULL && (rc = name_free(c, ws_id, id, x.name, key, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, x.name);
	db_bind_text(st, 4, key);
	db_bind_text(st, 5, study_kind_name(x.kind));
	db_bind_text(st, 6, study_status_name(x.status));
	db_bind_text(st, 7, x.starts_on);
	db_bind_text(st, 8, x.ends_on);
	db_bind_text(st, 9, x.description);
	db_bind_text(st, 10, x.guide);
	db_bind_text(st, 11, now);
	db_bind_int(st, 12, cur.version);
	if ((rc = db_exec(st)) != ADV_OK ||
	    (rc = entry_audit(c, ws_id, actor, "study", id, "update", before, after)) != ADV_OK)
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
	json_decref(before);
	json_decref(after);
	return rc;
}

enum adv_err
study_archive(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
	      int64_t expect_version, bool archive, struct study *out, struct adv_errbuf *eb)
{
	struct study cur;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
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
	if (!archive) {
		if ((key = str_fold(a, cur.name)) == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if ((rc = name_free(c, ws_id, id, cur.name, key, eb)) != ADV_OK)
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
	if ((before = json_pack("{s:s?}", "archived_at", cur.archived_at)) == NULL ||
	    (after = json_pack("{s:s?}", "archived_at", archive ? now : NULL)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "study", id, archive ? "archive" : "restore", before,
			      after)) != ADV_OK)
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
	json_decref(before);
	json_decref(after);
	return rc;
}
