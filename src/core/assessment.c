/*
 * assessment.c — assessments of a client's loyalty (see assessment.h): the
 * checks against the workspace's scale and catalogue, versioned storage
 * (a new row per version, the previous one and its scores and factors marked
 * not current), keyset pages, and the audit entry of every version in the
 * account's history. All SQL about assessments, assessment_scores and
 * assessment_factors writes lives here.
 */
#include "core/assessment.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/contact.h"
#include "core/listing.h"
#include "core/loyalty_index.h"
#include "core/loyalty_model.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"

#define ASSESSMENT_CURSOR_TAG "assessments"
#define POINTER_MAX	      96

static const char *const source_names[SOURCE__MAX] = {
    [SOURCE_INTERVIEW] = "interview", [SOURCE_SURVEY] = "survey", [SOURCE_MANUAL] = "manual",
    [SOURCE_REQUEST] = "request",     [SOURCE_IMPORT] = "import",
};

#define ASSESSMENT_COLS                                                                            \
	"a.id, a.series_id, a.account_id, a.version, a.current, a.assessed_on, a.source,"          \
	" a.author_user_id, u.email, u.name, a.person, a.summary, a.recommend, a.stage_id,"        \
	" a.item_id, a.created_at, a.contact_id"                                                   \
	" FROM assessments a LEFT JOIN users u ON u.id = a.author_user_id"

enum assessment_col {
	COL_ROW_ID,
	COL_SERIES,
	COL_ACCOUNT,
	COL_VERSION,
	COL_CURRENT,
	COL_ASSESSED_ON,
	COL_SOURCE,
	COL_AUTHOR,
	COL_AUTHOR_EMAIL,
	COL_AUTHOR_NAME,
	COL_PERSON,
	COL_SUMMARY,
	COL_RECOMMEND,
	COL_STAGE,
	COL_ITEM,
	COL_CREATED_AT,
	COL_CONTACT,
	COL__MAX
};

static struct db_sql sql_account_exists =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_get = DB_SQL("SELECT " ASSESSMENT_COLS " WHERE a.workspace_id = ?1"
				      " AND a.account_id = ?2 AND a.series_id = ?3"
				      " AND a.current = 1");
static struct db_sql sql_versions =
    DB_SQL("SELECT " ASSESSMENT_COLS " WHERE a.workspace_id = ?1 AND a.account_id = ?2"
	   " AND a.series_id = ?3 ORDER BY a.version DESC LIMIT ?4");
static struct db_sql sql_list_first =
    DB_SQL("SELECT " ASSESSMENT_COLS " WHERE a.workspace_id = ?1 AND a.account_id = ?2"
	   " AND a.current = 1 ORDER BY a.assessed_on DESC, a.series_id DESC LIMIT ?3");
static struct db_sql sql_list_after =
    DB_SQL("SELECT " ASSESSMENT_COLS " WHERE a.workspace_id = ?1 AND a.account_id = ?2"
	   " AND a.current = 1 AND (a.assessed_on, a.series_id) < (?4, ?5)"
	   " ORDER BY a.assessed_on DESC, a.series_id DESC LIMIT ?3");
static struct db_sql sql_by_contact =
    DB_SQL("SELECT " ASSESSMENT_COLS " WHERE a.workspace_id = ?1 AND a.account_id = ?2"
	   " AND a.contact_id = ?3 AND a.current = 1"
	   " ORDER BY a.assessed_on DESC, a.series_id DESC LIMIT 1");
static struct db_sql sql_count_by_contact =
    DB_SQL("SELECT COUNT(*) FROM assessments WHERE workspace_id = ?1 AND account_id = ?2"
	   " AND contact_id = ?3 AND current = 1");
static struct db_sql sql_scores_of =
    DB_SQL("SELECT component_id, score, comment FROM assessment_scores"
	   " WHERE workspace_id = ?1 AND assessment_id = ?2");
static struct db_sql sql_factors_of =
    DB_SQL("SELECT f.factor_id, f.evidence, lf.component_id FROM assessment_factors f"
	   " JOIN loyalty_factors lf ON lf.id = f.factor_id"
	   " WHERE f.workspace_id = ?1 AND f.assessment_id = ?2");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO assessments (workspace_id, account_id, series_id, version, current,"
	   " assessed_on, source, author_user_id, person, summary, recommend, stage_id, item_id,"
	   " created_at, contact_id) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	   " ?13, ?14)"
	   " RETURNING id");
static struct db_sql sql_set_series =
    DB_SQL("UPDATE assessments SET series_id = id WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_insert_score =
    DB_SQL("INSERT INTO assessment_scores (assessment_id, workspace_id, account_id, component_id,"
	   " assessed_on, current, score, comment) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)");
static struct db_sql sql_insert_factor =
    DB_SQL("INSERT INTO assessment_factors (assessment_id, workspace_id, account_id, factor_id,"
	   " assessed_on, current, evidence) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)");
static struct db_sql sql_retire =
    DB_SQL("UPDATE assessments SET current = 0 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_retire_scores = DB_SQL(
    "UPDATE assessment_scores SET current = 0 WHERE workspace_id = ?1 AND assessment_id = ?2");
static struct db_sql sql_retire_factors = DB_SQL(
    "UPDATE assessment_factors SET current = 0 WHERE workspace_id = ?1 AND assessment_id = ?2");
static struct db_sql sql_stage_live = DB_SQL(
    "SELECT id FROM journey_stages WHERE workspace_id = ?1 AND id = ?2 AND archived_at IS NULL");
static struct db_sql sql_item =
    DB_SQL("SELECT stage_id, archived_at FROM journey_items WHERE workspace_id = ?1 AND id = ?2");

int32_t
assessment_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return (int32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

const char *
assessment_source_name(enum assessment_source s)
{
	return (unsigned)s < SOURCE__MAX ? source_names[s] : "manual";
}

enum assessment_source
assessment_source_parse(const char *s)
{
	for (int i = 0; s != NULL && i < SOURCE__MAX; i++)
		if (strcmp(source_names[i], s) == 0)
			return (enum assessment_source)i;
	return SOURCE__MAX;
}

/* Reads the current row of st (ASSESSMENT_COLS) into out, without its components. */
static enum adv_err
read_row(struct db_stmt *st, struct arena *a, struct assessment *out)
{
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->row_id = db_col_int(st, COL_ROW_ID);
	out->id = db_col_int(st, COL_SERIES);
	out->account_id = db_col_int(st, COL_ACCOUNT);
	out->version = db_col_int(st, COL_VERSION);
	out->current = db_col_int(st, COL_CURRENT) != 0;
	out->assessed_on = db_col_dup(st, a, COL_ASSESSED_ON, &oom);
	out->source = assessment_source_parse(db_col_text(st, COL_SOURCE));
	out->author_id = db_col_null(st, COL_AUTHOR) ? 0 : db_col_int(st, COL_AUTHOR);
	out->author_email = db_col_dup(st, a, COL_AUTHOR_EMAIL, &oom);
	out->author_name = db_col_dup(st, a, COL_AUTHOR_NAME, &oom);
	out->person = db_col_dup(st, a, COL_PERSON, &oom);
	out->summary = db_col_dup(st, a, COL_SUMMARY, &oom);
	out->has_recommend = !db_col_null(st, COL_RECOMMEND);
	out->recommend = out->has_recommend ? (int)db_col_int(st, COL_RECOMMEND) : 0;
	out->stage_id = db_col_null(st, COL_STAGE) ? 0 : db_col_int(st, COL_STAGE);
	out->item_id = db_col_null(st, COL_ITEM) ? 0 : db_col_int(st, COL_ITEM);
	out->created_at = db_col_dup(st, a, COL_CREATED_AT, &oom);
	out->contact_id = db_col_null(st, COL_CONTACT) ? 0 : db_col_int(st, COL_CONTACT);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* The entry of component cid in x (adding an empty one at the end when add is set), or NULL. */
static struct assessment_component *
entry_of(struct assessment *x, int64_t cid, bool add)
{
	for (size_t i = 0; i < x->ncomponents; i++)
		if (x->components[i].component_id == cid)
			return &x->components[i];
	if (!add)
		return NULL;
	memset(&x->components[x->ncomponents], 0, sizeof(x->components[0]));
	x->components[x->ncomponents].component_id = cid;
	return &x->components[x->ncomponents++];
}

/* A score or factor row of a version as read back. */
struct part_row {
	int64_t component_id;
	int64_t factor_id; /* 0 for a score */
	double score;
	const char *text; /* comment or evidence */
};

/* Reads the rows of one of the part statements for row_id into *rows (arena array of *n). */
static enum adv_err
read_parts(struct db_conn *c, struct arena *a, struct db_sql *sql, bool factors, int64_t ws_id,
	   int64_t row_id, struct part_row **rows, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	bool row, oom = false;
	enum adv_err rc;

	*rows = NULL;
	*n = 0;
	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, row_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct part_row *v = arena_array_room(a, *rows, &cap, *n, sizeof(**rows));

		if (v == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		*rows = v;
		if (factors) {
			v[*n].factor_id = db_col_int(st, 0);
			v[*n].text = db_col_dup(st, a, 1, &oom);
			v[*n].component_id = db_col_int(st, 2);
			v[*n].score = 0;
		} else {
			v[*n].component_id = db_col_int(st, 0);
			v[*n].factor_id = 0;
			v[*n].score = db_col_double(st, 1);
			v[*n].text = db_col_dup(st, a, 2, &oom);
		}
		(*n)++;
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	return rc;
}

/*
 * Loads the scores and factors of version x->row_id into x->components, in
 * the catalogue's order (components by position, factors by position).
 */
static enum adv_err
load_components(struct db_conn *c, struct arena *a, int64_t ws_id, const struct catview *cat,
		struct assessment *x)
{
	struct part_row *scores, *factors;
	size_t ns, nf, k = 0;
	struct assessment raw = {0};
	enum adv_err rc;

	if ((rc = read_parts(c, a, &sql_scores_of, false, ws_id, x->row_id, &scores, &ns)) !=
		ADV_OK ||
	    (rc = read_parts(c, a, &sql_factors_of, true, ws_id, x->row_id, &factors, &nf)) !=
		ADV_OK)
		return rc;
	x->components = NULL;
	x->ncomponents = 0;
	if (ns + nf == 0)
		return ADV_OK;
	if ((raw.components = arena_zalloc(a, (ns + nf) * sizeof(*raw.components))) == NULL ||
	    (x->components = arena_zalloc(a, (ns + nf) * sizeof(*x->components))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < ns; i++) {
		struct assessment_component *e = entry_of(&raw, scores[i].component_id, true);

		e->has_score = true;
		e->score = scores[i].score;
		e->comment = scores[i].text;
	}
	for (size_t i = 0; i < nf; i++) {
		struct assessment_component *e = entry_of(&raw, factors[i].component_id, true);

		if (e->factors == NULL &&
		    (e->factors = arena_alloc(a, nf * sizeof(*e->factors))) == NULL)
			return ADV_ENOMEM;
		e->factors[e->nfactors].factor_id = factors[i].factor_id;
		e->factors[e->nfactors++].evidence = factors[i].text;
	}
	/* In catalogue order: components, then the factors of each. */
	for (size_t ci = 0; ci < cat->ncomponents; ci++) {
		struct assessment_component *e = entry_of(&raw, cat->components[ci].id, false);
		size_t m = 0;

		if (e == NULL)
			continue;
		x->components[k] = *e;
		if (e->nfactors > 0 && (x->components[k].factors = arena_alloc(
					    a, e->nfactors * sizeof(*e->factors))) == NULL)
			return ADV_ENOMEM;
		for (size_t fi = 0; fi < cat->nfactors && m < e->nfactors; fi++)
			for (size_t j = 0; j < e->nfactors; j++)
				if (e->factors[j].factor_id == cat->factors[fi].id)
					x->components[k].factors[m++] = e->factors[j];
		x->components[k++].nfactors = m;
	}
	x->ncomponents = k;
	return ADV_OK;
}

/* Runs a statement over rows from st (ASSESSMENT_COLS), reading at most max into *items. */
static enum adv_err
read_rows(struct db_stmt *st, struct arena *a, size_t max, struct assessment **items, size_t *n)
{
	size_t cap = 0;
	bool row;
	enum adv_err rc = ADV_OK;

	*items = NULL;
	*n = 0;
	while (*n < max && (rc = db_step(st, &row)) == ADV_OK && row) {
		struct assessment *v = arena_array_room(a, *items, &cap, *n, sizeof(**items));

		if (v == NULL || read_row(st, a, &v[*n]) != ADV_OK) {
			db_done(st);
			return ADV_ENOMEM;
		}
		*items = v;
		(*n)++;
	}
	if (*n == max)
		db_done(st);
	else if (rc != ADV_OK)
		return rc;
	return ADV_OK;
}

/* ADV_ENOTFOUND unless account_id is an account of ws_id. */
static enum adv_err
account_exists(struct db_conn *c, int64_t ws_id, int64_t account_id)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_account_exists, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	db_done(st);
	return ADV_OK;
}

/* The current version of series id with its components (cat: the workspace's catalogue). */
static enum adv_err
get_current(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	    const struct catview *cat, struct assessment *out)
{
	struct assessment *items;
	struct db_stmt *st;
	size_t n;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	if ((rc = read_rows(st, a, 1, &items, &n)) != ADV_OK)
		return rc;
	if (n == 0)
		return ADV_ENOTFOUND;
	*out = items[0];
	return load_components(c, a, ws_id, cat, out);
}

enum adv_err
assessment_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id, int64_t id,
	       struct assessment *out)
{
	struct catview cat;
	enum adv_err rc;

	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK)
		return rc;
	return get_current(c, a, ws_id, account_id, id, &cat, out);
}

enum adv_err
assessment_versions(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		    int64_t id, struct assessment **items, size_t *n)
{
	struct catview cat;
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_versions, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, id);
	db_bind_int(st, 4, ASSESSMENT_VERSIONS_MAX);
	if ((rc = read_rows(st, a, ASSESSMENT_VERSIONS_MAX, items, n)) != ADV_OK)
		return rc;
	if (*n == 0)
		return ADV_ENOTFOUND;
	for (size_t i = 0; i < *n; i++)
		if ((rc = load_components(c, a, ws_id, &cat, &(*items)[i])) != ADV_OK)
			return rc;
	return ADV_OK;
}

enum adv_err
assessment_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		unsigned limit, const char *cursor, struct assessment **items, size_t *n,
		const char **next_cursor, struct adv_errbuf *eb)
{
	struct catview cat;
	json_t *cur = NULL, *last;
	struct db_stmt *st;
	size_t want = (size_t)limit + 1;
	enum adv_err rc;

	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (limit < 1 || limit > ASSESSMENT_LIST_LIMIT_MAX)
		return adv_fail(eb, ADV_EINVAL, "limit", "limit must be from 1 to %d",
				ASSESSMENT_LIST_LIMIT_MAX);
	if ((rc = account_exists(c, ws_id, account_id)) != ADV_OK)
		return rc == ADV_ENOTFOUND
			   ? adv_fail(eb, rc, NULL, "no such account: %lld", (long long)account_id)
			   : rc;
	if (cursor != NULL &&
	    (rc = listing_cursor_decode(cursor, ASSESSMENT_CURSOR_TAG, 3, &cur, eb)) != ADV_OK)
		return rc;
	if (cur != NULL &&
	    (!json_is_string(json_array_get(cur, 1)) || !json_is_integer(json_array_get(cur, 2)))) {
		rc = adv_fail(eb, ADV_EINVAL, "cursor",
			      "cursor is not a cursor of this list; start again without it");
		goto out;
	}
	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK ||
	    (rc = db_prepare(c, cur ? &sql_list_after : &sql_list_first, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, (int64_t)want);
	if (cur != NULL) {
		db_bind_text(st, 4, json_string_value(json_array_get(cur, 1)));
		db_bind_int(st, 5, json_integer_value(json_array_get(cur, 2)));
	}
	if ((rc = read_rows(st, a, want, items, n)) != ADV_OK)
		goto out;
	if (*n == want) {
		(*n)--;
		last = json_pack("[s, s, I]", ASSESSMENT_CURSOR_TAG, (*items)[*n - 1].assessed_on,
				 (json_int_t)(*items)[*n - 1].id);
		*next_cursor = last ? listing_cursor_encode(a, last) : NULL;
		json_decref(last);
		if (*next_cursor == NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < *n && rc == ADV_OK; i++)
		rc = load_components(c, a, ws_id, &cat, &(*items)[i]);
out:
	json_decref(cur);
	return rc;
}

/* True when version prev holds component cid (a score or a factor of it). */
static bool
prev_has_component(const struct assessment *prev, int64_t cid)
{
	for (size_t i = 0; prev != NULL && i < prev->ncomponents; i++)
		if (prev->components[i].component_id == cid)
			return true;
	return false;
}

/* True when version prev observed factor fid. */
static bool
prev_has_factor(const struct assessment *prev, int64_t fid)
{
	for (size_t i = 0; prev != NULL && i < prev->ncomponents; i++)
		for (size_t j = 0; j < prev->components[i].nfactors; j++)
			if (prev->components[i].factors[j].factor_id == fid)
				return true;
	return false;
}

/* Checks and normalises the factors of component entry i (in) into out. */
static enum adv_err
prepare_factors(struct arena *a, const struct catview *cat, const struct assessment *prev, size_t i,
		const struct assessment_component *in, struct assessment_component *out,
		struct adv_errbuf *eb)
{
	char p[POINTER_MAX];
	bool oom = false;
	enum adv_err rc;

	snprintf(p, sizeof(p), "/components/%zu/factors", i);
	if (in->nfactors > ASSESSMENT_FACTORS_MAX)
		return adv_fail(eb, ADV_EINVAL, p, "at most %d factors per component",
				ASSESSMENT_FACTORS_MAX);
	out->nfactors = 0;
	if (in->nfactors > 0 &&
	    (out->factors = arena_alloc(a, in->nfactors * sizeof(*out->factors))) == NULL)
		return ADV_ENOMEM;
	for (size_t j = 0; j < in->nfactors; j++) {
		const struct catview_factor *f = catview_factor(cat, in->factors[j].factor_id);

		snprintf(p, sizeof(p), "/components/%zu/factors/%zu/factor_id", i, j);
		if (f == NULL)
			return adv_fail(eb, ADV_EINVAL, p, "no such factor: %lld",
					(long long)in->factors[j].factor_id);
		if (f->component_id != in->component_id)
			return adv_fail(eb, ADV_EINVAL, p,
					"factor %lld belongs to another component (%lld)",
					(long long)f->id, (long long)f->component_id);
		if (!f->active && !prev_has_factor(prev, f->id))
			return adv_fail(eb, ADV_EINVAL, p,
					"factor %lld is retired and may not be used in new "
					"assessments",
					(long long)f->id);
		for (size_t k = 0; k < j; k++)
			if (in->factors[k].factor_id == f->id)
				return adv_fail(eb, ADV_EINVAL, p, "factor %lld is named twice",
						(long long)f->id);
		snprintf(p, sizeof(p), "/components/%zu/factors/%zu/evidence", i, j);
		if ((rc = text_check(eb, p, "evidence", in->factors[j].evidence, false,
				     ASSESSMENT_EVIDENCE_MAX, true)) != ADV_OK)
			return rc;
		out->factors[out->nfactors].factor_id = f->id;
		out->factors[out->nfactors++].evidence =
		    text_trimmed(a, in->factors[j].evidence, &oom);
	}
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Checks and normalises component entry i of in into out (*keep: it records something). */
static enum adv_err
prepare_component(struct arena *a, const struct catview *cat, const struct assessment *prev,
		  const struct assessment *in, size_t i, struct assessment_component *out,
		  bool *keep, struct adv_errbuf *eb)
{
	const struct assessment_component *e = &in->components[i];
	const struct catview_component *comp = catview_component(cat, e->component_id);
	const struct catview_settings *s = &cat->settings;
	char p[POINTER_MAX];
	bool oom = false;
	enum adv_err rc;

	snprintf(p, sizeof(p), "/components/%zu/component_id", i);
	if (comp == NULL)
		return adv_fail(eb, ADV_EINVAL, p, "no such component: %lld",
				(long long)e->component_id);
	if (!comp->active && !prev_has_component(prev, comp->id))
		return adv_fail(eb, ADV_EINVAL, p,
				"component %lld is retired and may not be used in new assessments",
				(long long)comp->id);
	for (size_t k = 0; k < i; k++)
		if (in->components[k].component_id == comp->id)
			return adv_fail(eb, ADV_EINVAL, p, "component %lld is named twice",
					(long long)comp->id);
	snprintf(p, sizeof(p), "/components/%zu/score", i);
	if (e->has_score &&
	    (!isfinite(e->score) || e->score < s->score_min || e->score > s->score_max))
		return adv_fail(eb, ADV_EINVAL, p, "score must be from %d to %d (the scale)",
				s->score_min, s->score_max);
	snprintf(p, sizeof(p), "/components/%zu/comment", i);
	if ((rc = text_check(eb, p, "comment", e->comment, false, ASSESSMENT_COMMENT_MAX, true)) !=
	    ADV_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->component_id = comp->id;
	out->has_score = e->has_score;
	out->score = e->score;
	out->comment = text_trimmed(a, e->comment, &oom);
	if (oom)
		return ADV_ENOMEM;
	if (out->comment != NULL && !out->has_score)
		return adv_fail(eb, ADV_EINVAL, p,
				"a comment goes with a score: give the component a score or leave "
				"the comment out");
	if ((rc = prepare_factors(a, cat, prev, i, e, out, eb)) != ADV_OK)
		return rc;
	*keep = out->has_score || out->nfactors > 0;
	return ADV_OK;
}

/* Checks the journey stage and item of x (an archived one may stay from prev); fills the stage. */
static enum adv_err
check_journey(struct db_conn *c, int64_t ws_id, const struct assessment *prev, struct assessment *x,
	      struct adv_errbuf *eb)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if (x->item_id != 0) {
		int64_t stage;
		bool archived;

		if ((rc = db_prepare(c, &sql_item, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, x->item_id);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (!row)
			return adv_fail(eb, ADV_EINVAL, "/item_id", "no such journey item: %lld",
					(long long)x->item_id);
		stage = db_col_int(st, 0);
		archived = !db_col_null(st, 1);
		db_done(st);
		if (archived && !(prev != NULL && prev->item_id == x->item_id))
			return adv_fail(eb, ADV_EINVAL, "/item_id", "journey item %lld is archived",
					(long long)x->item_id);
		if (x->stage_id == 0)
			x->stage_id = stage;
		else if (x->stage_id != stage)
			return adv_fail(eb, ADV_EINVAL, "/item_id",
					"journey item %lld belongs to another stage (%lld)",
					(long long)x->item_id, (long long)stage);
	}
	if (x->stage_id == 0 || (prev != NULL && prev->stage_id == x->stage_id))
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_stage_live, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->stage_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_EINVAL, "/stage_id", "no such journey stage: %lld",
				(long long)x->stage_id);
	db_done(st);
	return ADV_OK;
}

/*
 * Checks in against the catalogue and the scale and normalises it into x:
 * texts trimmed, the date filled (today on create, prev's on update), empty
 * component entries dropped, components and factors in catalogue order.
 */
static enum adv_err
prepare(struct db_conn *c, struct arena *a, int64_t ws_id, const struct catview *cat,
	const struct assessment *prev, const struct assessment *in, struct assessment *x,
	struct adv_errbuf *eb)
{
	struct assessment_component *v = NULL;
	char today_text[LOYALTY_DATE_TEXT];
	int32_t today = assessment_today(), date;
	bool oom = false;
	size_t kept = 0, k = 0;
	enum adv_err rc;

	*x = *in;
	x->components = NULL;
	x->ncomponents = 0;
	loyalty_date_text(today, today_text);
	if (in->assessed_on == NULL)
		x->assessed_on = prev != NULL ? prev->assessed_on : arena_strdup(a, today_text);
	if (x->assessed_on == NULL)
		return ADV_ENOMEM;
	date = loyalty_date_parse(x->assessed_on, strlen(x->assessed_on));
	if (date == 0)
		return adv_fail(eb, ADV_EINVAL, "/assessed_on",
				"assessed_on must be a real date written YYYY-MM-DD");
	if (date > today)
		return adv_fail(eb, ADV_EINVAL, "/assessed_on",
				"assessed_on may not be in the future (today is %s)", today_text);
	if (strcmp(x->assessed_on, ASSESSMENT_DATE_MIN) < 0)
		return adv_fail(eb, ADV_EINVAL, "/assessed_on", "assessed_on may not be before %s",
				ASSESSMENT_DATE_MIN);
	if ((unsigned)in->source >= SOURCE__MAX)
		return adv_fail(
		    eb, ADV_EINVAL, "/source",
		    "source must be one of: interview, survey, manual, request, import");
	if (in->has_recommend && (in->recommend < 0 || in->recommend > ASSESSMENT_RECOMMEND_MAX))
		return adv_fail(eb, ADV_EINVAL, "/recommend", "recommend must be from 0 to %d",
				ASSESSMENT_RECOMMEND_MAX);
	if ((rc = text_check(eb, "/person", "person", in->person, false, ASSESSMENT_PERSON_MAX,
			     false)) != ADV_OK ||
	    (rc = text_check(eb, "/summary", "summary", in->summary, false, ASSESSMENT_SUMMARY_MAX,
			     true)) != ADV_OK)
		return rc;
	x->person = text_trimmed(a, in->person, &oom);
	x->summary = text_trimmed(a, in->summary, &oom);
	if (in->stage_id < 0 || in->item_id < 0)
		return adv_fail(eb, ADV_EINVAL, in->stage_id < 0 ? "/stage_id" : "/item_id",
				"ids are positive");
	if (in->ncomponents > ASSESSMENT_COMPONENTS_MAX)
		return adv_fail(eb, ADV_EINVAL, "/components", "at most %d components",
				ASSESSMENT_COMPONENTS_MAX);
	if (in->ncomponents > 0 && (v = arena_alloc(a, in->ncomponents * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < in->ncomponents; i++) {
		bool keep = false;

		if ((rc = prepare_component(a, cat, prev, in, i, &v[kept], &keep, eb)) != ADV_OK)
			return rc;
		kept += keep;
	}
	if (oom)
		return ADV_ENOMEM;
	if (kept == 0 && x->summary == NULL && !in->has_recommend)
		return adv_fail(eb, ADV_EINVAL, "/components",
				"record at least one score, factor, the likelihood to recommend or "
				"the general characteristic (summary)");
	if (kept > 0 && (x->components = arena_alloc(a, kept * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	for (size_t ci = 0; ci < cat->ncomponents; ci++) {
		for (size_t i = 0; i < kept; i++) {
			struct assessment_component *e = &v[i];
			struct assessment_factor *sorted;
			size_t m = 0;

			if (e->component_id != cat->components[ci].id)
				continue;
			x->components[k] = *e;
			if (e->nfactors > 0) {
				if ((sorted = arena_alloc(a, e->nfactors * sizeof(*sorted))) ==
				    NULL)
					return ADV_ENOMEM;
				for (size_t fi = 0; fi < cat->nfactors; fi++)
					for (size_t j = 0; j < e->nfactors; j++)
						if (e->factors[j].factor_id == cat->factors[fi].id)
							sorted[m++] = e->factors[j];
				x->components[k].factors = sorted;
			}
			k++;
		}
	}
	x->ncomponents = k;
	return check_journey(c, ws_id, prev, x, eb);
}

/* The recorded content of x as JSON, for comparing versions and for audit; new reference. */
static json_t *
content_json(const struct assessment *x)
{
	json_t *comps = json_array(), *o;

	for (size_t i = 0; comps != NULL && i < x->ncomponents; i++) {
		const struct assessment_component *e = &x->components[i];
		json_t *fs = json_array();

		for (size_t j = 0; fs != NULL && j < e->nfactors; j++)
			json_array_append_new(fs, json_pack("{s:I, s:s?}", "factor_id",
							    (json_int_t)e->factors[j].factor_id,
							    "evidence", e->factors[j].evidence));
		json_array_append_new(comps,
				      json_pack("{s:I, s:o, s:s?, s:o}", "component_id",
						(json_int_t)e->component_id, "score",
						e->has_score ? json_real(e->score) : json_null(),
						"comment", e->comment, "factors", fs));
	}
	o = json_pack("{s:s, s:s, s:o, s:s?, s:s?, s:o, s:o, s:o, s:o}", "assessed_on",
		      x->assessed_on, "source", assessment_source_name(x->source), "contact_id",
		      x->contact_id ? json_integer(x->contact_id) : json_null(), "person",
		      x->person, "summary", x->summary, "recommend",
		      x->has_recommend ? json_integer(x->recommend) : json_null(), "stage_id",
		      x->stage_id ? json_integer(x->stage_id) : json_null(), "item_id",
		      x->item_id ? json_integer(x->item_id) : json_null(), "components", comps);
	return o;
}

/* The audit changes from before (NULL: created) to after, field by field; new reference. */
static json_t *
content_diff(json_t *before, json_t *after)
{
	json_t *changes = json_object(), *to;
	const char *key;

	json_object_foreach(after, key, to)
	{
		json_t *from = before ? json_object_get(before, key) : NULL;

		if (from != NULL && json_equal(from, to))
			continue;
		if (before == NULL && json_is_null(to))
			continue;
		if (changes != NULL &&
		    json_object_set_new(changes, key,
					json_pack("{s:O, s:O}", "from", from ? from : json_null(),
						  "to", to)) != 0) {
			json_decref(changes);
			changes = NULL;
		}
	}
	return changes;
}

/* Inserts version x (series 0: a new assessment) of account_id; sets x->row_id and x->id. */
static enum adv_err
store_version(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t account_id, const char *now,
	      struct assessment *x)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, x->id);
	db_bind_int(st, 4, x->version);
	db_bind_text(st, 5, x->assessed_on);
	db_bind_text(st, 6, assessment_source_name(x->source));
	if (actor > 0)
		db_bind_int(st, 7, actor);
	else
		db_bind_null(st, 7);
	db_bind_text(st, 8, x->person);
	db_bind_text(st, 9, x->summary);
	if (x->has_recommend)
		db_bind_int(st, 10, x->recommend);
	else
		db_bind_null(st, 10);
	if (x->stage_id)
		db_bind_int(st, 11, x->stage_id);
	else
		db_bind_null(st, 11);
	if (x->item_id)
		db_bind_int(st, 12, x->item_id);
	else
		db_bind_null(st, 12);
	db_bind_text(st, 13, now);
	if (x->contact_id)
		db_bind_int(st, 14, x->contact_id);
	else
		db_bind_null(st, 14);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	x->row_id = db_col_int(st, 0);
	db_done(st);
	if (x->id == 0) {
		x->id = x->row_id;
		if ((rc = db_prepare(c, &sql_set_series, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, x->row_id);
		if ((rc = db_exec(st)) != ADV_OK)
			return rc;
	}
	for (size_t i = 0; i < x->ncomponents; i++) {
		const struct assessment_component *e = &x->components[i];

		if (e->has_score) {
			if ((rc = db_prepare(c, &sql_insert_score, &st)) != ADV_OK)
				return rc;
			db_bind_int(st, 1, x->row_id);
			db_bind_int(st, 2, ws_id);
			db_bind_int(st, 3, account_id);
			db_bind_int(st, 4, e->component_id);
			db_bind_text(st, 5, x->assessed_on);
			db_bind_double(st, 6, e->score);
			db_bind_text(st, 7, e->comment);
			if ((rc = db_exec(st)) != ADV_OK)
				return rc;
		}
		for (size_t j = 0; j < e->nfactors; j++) {
			if ((rc = db_prepare(c, &sql_insert_factor, &st)) != ADV_OK)
				return rc;
			db_bind_int(st, 1, x->row_id);
			db_bind_int(st, 2, ws_id);
			db_bind_int(st, 3, account_id);
			db_bind_int(st, 4, e->factors[j].factor_id);
			db_bind_text(st, 5, x->assessed_on);
			db_bind_text(st, 6, e->factors[j].evidence);
			if ((rc = db_exec(st)) != ADV_OK)
				return rc;
		}
	}
	return ADV_OK;
}

/* Marks version row_id, its scores and its factors not current. */
static enum adv_err
retire_version(struct db_conn *c, int64_t ws_id, int64_t row_id)
{
	struct db_sql *sqls[] = {&sql_retire, &sql_retire_scores, &sql_retire_factors};
	struct db_stmt *st;
	enum adv_err rc;

	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		if ((rc = db_prepare(c, sqls[i], &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, row_id);
		if ((rc = db_exec(st)) != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/* Fills the author fields of x (stored by actor) from the actor's row. */
static enum adv_err
fill_author(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
	    const struct catview *cat, struct assessment *x)
{
	struct assessment stored;
	enum adv_err rc = get_current(c, a, ws_id, account_id, x->id, cat, &stored);

	if (rc == ADV_OK)
		*x = stored;
	return rc;
}

/*
 * Checks x->contact_id: 0, the contact prev names (even when deleted since),
 * or a live contact of account_id; the person defaults to its name.
 */
static enum adv_err
check_contact(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
	      const struct assessment *prev, struct assessment *x, struct adv_errbuf *eb)
{
	struct contact k;
	enum adv_err rc;

	if (x->contact_id == 0)
		return ADV_OK;
	if (x->contact_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/contact_id", "contact_id must be a person's id");
	rc = contact_get(c, a, ws_id, account_id, x->contact_id, &k);
	if (rc == ADV_ENOTFOUND || (rc == ADV_OK && k.archived_at != NULL &&
				    !(prev != NULL && prev->contact_id == x->contact_id)))
		return adv_fail(eb, ADV_EINVAL, "/contact_id",
				"contact_id %lld is not a current person of this company",
				(long long)x->contact_id);
	if (rc == ADV_OK && x->person == NULL)
		x->person = k.name;
	return rc;
}

/*
 * The one write path: prev NULL creates, else stores the version after prev.
 * The caller holds the write scope. With read_back, *out is the stored
 * version as read back (author names, components); without it, *out is what
 * was written (ids, version and content; no author names).
 */
static enum adv_err
write_version(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t account_id,
	      const struct catview *cat, const struct assessment *prev, const struct assessment *in,
	      bool read_back, struct assessment *out, struct adv_errbuf *eb)
{
	json_t *before = NULL, *after = NULL, *changes = NULL;
	char now[CLOCK_TEXT_MAX];
	struct assessment x;
	enum adv_err rc;

	if ((rc = prepare(c, a, ws_id, cat, prev, in, &x, eb)) != ADV_OK ||
	    (rc = check_contact(c, a, ws_id, account_id, prev, &x, eb)) != ADV_OK)
		goto out;
	if ((after = content_json(&x)) == NULL ||
	    (prev != NULL && (before = content_json(prev)) == NULL)) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (prev != NULL && json_equal(before, after)) {
		*out = *prev;
		goto out;
	}
	if ((changes = content_diff(before, after)) == NULL ||
	    json_object_set_new(changes, "version",
				json_pack("{s:o, s:I}", "from",
					  prev ? json_integer(prev->version) : json_null(), "to",
					  (json_int_t)(prev ? prev->version + 1 : 1))) != 0) {
		rc = ADV_ENOMEM;
		goto out;
	}
	x.id = prev ? prev->id : 0;
	x.version = prev ? prev->version + 1 : 1;
	clock_now_plus(0, now);
	if ((prev != NULL && (rc = retire_version(c, ws_id, prev->row_id)) != ADV_OK) ||
	    (rc = store_version(c, ws_id, actor, account_id, now, &x)) != ADV_OK ||
	    (rc = audit_write(c, ws_id, actor, "assessment", x.id, account_id,
			      prev ? "update" : "create", changes)) != ADV_OK ||
	    (read_back && (rc = fill_author(c, a, ws_id, account_id, cat, &x)) != ADV_OK))
		goto out;
	*out = x;
out:
	json_decref(before);
	json_decref(after);
	json_decref(changes);
	return rc;
}

enum adv_err
assessment_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		  int64_t account_id, const struct assessment *in, struct assessment *out,
		  struct adv_errbuf *eb)
{
	struct catview cat;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = account_exists(c, ws_id, account_id)) != ADV_OK) {
		if (rc == ADV_ENOTFOUND)
			adv_fail(eb, rc, NULL, "no such account: %lld", (long long)account_id);
		goto out;
	}
	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK)
		goto out;
	rc = write_version(c, a, ws_id, actor, account_id, &cat, NULL, in, true, out, eb);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	return rc;
}

enum adv_err
assessment_create_in(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		     int64_t account_id, const struct catview *cat, const struct assessment *in,
		     int64_t *id, struct adv_errbuf *eb)
{
	struct assessment out;
	enum adv_err rc;

	if ((rc = account_exists(c, ws_id, account_id)) != ADV_OK) {
		if (rc == ADV_ENOTFOUND)
			adv_fail(eb, rc, NULL, "no such account: %lld", (long long)account_id);
		return rc;
	}
	if ((rc = write_version(c, a, ws_id, actor, account_id, cat, NULL, in, false, &out, eb)) ==
	    ADV_OK)
		*id = out.id;
	return rc;
}

enum adv_err
assessment_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		  int64_t account_id, int64_t id, int64_t expect_version,
		  const struct assessment *in, struct assessment *out, struct adv_errbuf *eb)
{
	struct catview cat;
	struct assessment cur;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK)
		goto out;
	if ((rc = get_current(c, a, ws_id, account_id, id, &cat, &cur)) != ADV_OK) {
		if (rc == ADV_ENOTFOUND)
			adv_fail(eb, rc, NULL, "no such assessment: %lld", (long long)id);
		goto out;
	}
	if (expect_version != 0 && expect_version != cur.version) {
		rc = adv_fail(eb, ADV_EPRECOND, NULL,
			      "the assessment was corrected by someone else (version %lld, not "
			      "%lld); reload it and apply your change again",
			      (long long)cur.version, (long long)expect_version);
		goto out;
	}
	rc = write_version(c, a, ws_id, actor, account_id, &cat, &cur, in, true, out, eb);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	return rc;
}

enum adv_err
assessment_latest_of_contact(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
			     int64_t contact_id, int64_t *count, struct assessment *latest,
			     bool *found)
{
	struct assessment *items;
	struct catview cat;
	struct db_stmt *st;
	size_t n;
	enum adv_err rc;
	bool row;

	*count = 0;
	*found = false;
	if ((rc = db_prepare(c, &sql_count_by_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, contact_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		*count = db_col_int(st, 0);
		db_done(st);
	}
	if (*count == 0)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_by_contact, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_int(st, 3, contact_id);
	if ((rc = read_rows(st, a, 1, &items, &n)) != ADV_OK || n == 0 ||
	    (rc = catview_read(c, a, ws_id, &cat)) != ADV_OK)
		return rc;
	*latest = items[0];
	*found = true;
	return load_components(c, a, ws_id, &cat, latest);
}
