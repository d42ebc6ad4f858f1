/*
 * journey.c — the customer journey map (see journey.h): stages and their
 * touchpoints and solutions, with checks, versioned edits, positions,
 * archiving and audit; and the live figures of each stage, computed from the
 * current assessment versions within the factor window in three grouped
 * reads (observations by tie and polarity, the components related to each
 * stage, and every client's latest score per component in one ordered pass).
 * All SQL about the journey map lives here.
 */
#include "core/journey.h"

#include <string.h>

#include "core/entry.h"
#include "core/tx.h"
#include "util/clock.h"

#define CODE_PLACEHOLDER "#new" /* the code of a stage being created, until its id is known */

static const char *const kind_names[JOURNEY_KIND__MAX] = {
    [JOURNEY_TOUCHPOINT] = "touchpoint",
    [JOURNEY_SOLUTION] = "solution",
};

#define STAGE_COLS                                                                                 \
	"id, code, name_ru, name_en, goal_ru, goal_en, questions_ru, questions_en, position,"      \
	" archived_at, version, created_at, updated_at"
#define ITEM_COLS                                                                                  \
	"id, stage_id, kind, name_ru, name_en, position, archived_at, version, created_at,"        \
	" updated_at"

static struct db_sql sql_stage_list = DB_SQL(
    "SELECT " STAGE_COLS " FROM journey_stages WHERE workspace_id = ?1 ORDER BY position, id");
static struct db_sql sql_item_list =
    DB_SQL("SELECT " ITEM_COLS " FROM journey_items WHERE workspace_id = ?1"
	   " ORDER BY stage_id, CASE WHEN kind = 'touchpoint' THEN 0 ELSE 1 END, position, id");
static struct db_sql sql_stage_get =
    DB_SQL("SELECT " STAGE_COLS " FROM journey_stages WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_item_get =
    DB_SQL("SELECT " ITEM_COLS " FROM journey_items WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_stage_code =
    DB_SQL("SELECT id FROM journey_stages WHERE workspace_id = ?1 AND code = ?2 AND id <> ?3");
static struct db_sql sql_stage_insert =
    DB_SQL("INSERT INTO journey_stages (workspace_id, code, name_ru, name_en, goal_ru, goal_en,"
	   " questions_ru, questions_en, position, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10) RETURNING id");
static struct db_sql sql_stage_set_code =
    DB_SQL("UPDATE journey_stages SET code = ?3 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_stage_update =
    DB_SQL("UPDATE journey_stages SET code = ?3, name_ru = ?4, name_en = ?5, goal_ru = ?6,"
	   " goal_en = ?7, questions_ru = ?8, questions_en = ?9, position = ?10,"
	   " archived_at = CASE WHEN ?11 = 1 THEN COALESCE(archived_at, ?12) ELSE NULL END,"
	   " version = version + 1, updated_at = ?12"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?13");
static struct db_sql sql_stage_slots =
    DB_SQL("SELECT id, position, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END"
	   " FROM journey_stages WHERE workspace_id = ?1 ORDER BY position, id");
static struct db_sql sql_stage_position =
    DB_SQL("UPDATE journey_stages SET position = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_item_insert =
    DB_SQL("INSERT INTO journey_items (workspace_id, stage_id, kind, name_ru, name_en, position,"
	   " version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)"
	   " RETURNING id");
static struct db_sql sql_item_update =
    DB_SQL("UPDATE journey_items SET name_ru = ?3, name_en = ?4, position = ?5,"
	   " archived_at = CASE WHEN ?6 = 1 THEN COALESCE(archived_at, ?7) ELSE NULL END,"
	   " version = version + 1, updated_at = ?7"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?8");
static struct db_sql sql_item_slots =
    DB_SQL("SELECT id, position, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END"
	   " FROM journey_items WHERE workspace_id = ?1 AND stage_id = ?2 AND kind = ?3"
	   " ORDER BY position, id");
static struct db_sql sql_item_position =
    DB_SQL("UPDATE journey_items SET position = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2");

/*
 * The figures' reads; ?1 workspace, ?2 the window's first day. Current
 * versions of assessments of live clients only.
 */
static struct db_sql sql_observations = DB_SQL(
    "SELECT f.stage_id, f.item_id, a.stage_id, a.item_id, f.polarity, COUNT(*)"
    " FROM assessment_factors af JOIN assessments a ON a.id = af.assessment_id"
    " JOIN loyalty_factors f ON f.id = af.factor_id JOIN accounts acc ON acc.id = af.account_id"
    " WHERE af.workspace_id = ?1 AND af.current = 1 AND af.assessed_on >= ?2"
    " AND acc.archived_at IS NULL AND (f.stage_id IS NOT NULL OR f.item_id IS NOT NULL"
    " OR a.stage_id IS NOT NULL OR a.item_id IS NOT NULL)"
    " GROUP BY f.stage_id, f.item_id, a.stage_id, a.item_id, f.polarity");
static struct db_sql sql_factor_ties =
    DB_SQL("SELECT DISTINCT f.stage_id, f.item_id, f.component_id FROM loyalty_factors f"
	   " WHERE f.workspace_id = ?1 AND f.active = 1"
	   " AND (f.stage_id IS NOT NULL OR f.item_id IS NOT NULL)");
static struct db_sql sql_scored_ties = DB_SQL(
    "SELECT DISTINCT a.stage_id, a.item_id, sc.component_id FROM assessment_scores sc"
    " JOIN assessments a ON a.id = sc.assessment_id JOIN accounts acc ON acc.id = sc.account_id"
    " WHERE sc.workspace_id = ?1 AND sc.current = 1 AND sc.assessed_on >= ?2"
    " AND acc.archived_at IS NULL AND (a.stage_id IS NOT NULL OR a.item_id IS NOT NULL)");
static struct db_sql sql_latest_scores = DB_SQL(
    "SELECT sc.account_id, sc.component_id, sc.score FROM assessment_scores sc"
    " JOIN assessments a ON a.id = sc.assessment_id JOIN accounts acc ON acc.id = sc.account_id"
    " JOIN loyalty_components c ON c.id = sc.component_id"
    " WHERE sc.workspace_id = ?1 AND sc.current = 1 AND sc.assessed_on >= ?2"
    " AND acc.archived_at IS NULL AND c.active = 1"
    " ORDER BY sc.account_id, sc.component_id, sc.assessed_on DESC, a.series_id DESC, a.id DESC");

static const struct catalogue_order_kind stage_order = {&sql_stage_position, "journey_stage",
							&sql_stage_slots};
static const struct catalogue_order_kind item_order = {&sql_item_position, "journey_item",
						       &sql_item_slots};
static const struct entry_code_kind stage_code = {&sql_stage_code, &sql_stage_set_code, "s",
						  "a journey stage with code '%s' exists already"};

/* A component's latest scores summed over the clients (journey_load). */
struct comp_stat {
	int64_t id;
	double sum;
	int64_t n;
};

/* A (stage, component) relation (journey_load). */
struct stage_comp {
	int64_t stage_id;
	int64_t component_id;
};

const char *
journey_kind_name(enum journey_kind k)
{
	return (unsigned)k < JOURNEY_KIND__MAX ? kind_names[k] : "touchpoint";
}

bool
journey_kind_parse(const char *s, enum journey_kind *out)
{
	for (int k = 0; s != NULL && k < JOURNEY_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum journey_kind)k;
			return true;
		}
	return false;
}

/* Reads the current row of st (STAGE_COLS) into out. */
static enum adv_err
read_stage(struct db_stmt *st, struct arena *a, void *entry)
{
	struct journey_stage *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->code = entry_col_text(st, 1, a, &oom);
	out->name.ru = entry_col_text(st, 2, a, &oom);
	out->name.en = entry_col_text(st, 3, a, &oom);
	out->goal.ru = entry_col_text(st, 4, a, &oom);
	out->goal.en = entry_col_text(st, 5, a, &oom);
	out->questions.ru = entry_col_text(st, 6, a, &oom);
	out->questions.en = entry_col_text(st, 7, a, &oom);
	out->position = db_col_int(st, 8);
	out->archived = !db_col_null(st, 9);
	out->version = db_col_int(st, 10);
	out->created_at = entry_col_text(st, 11, a, &oom);
	out->updated_at = entry_col_text(st, 12, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Reads the current row of st (ITEM_COLS) into out. */
static enum adv_err
read_item(struct db_stmt *st, struct arena *a, void *entry)
{
	struct journey_item *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->stage_id = db_col_int(st, 1);
	if (!journey_kind_parse(db_col_text(st, 2), &out->kind))
		out->kind = JOURNEY_TOUCHPOINT;
	out->name.ru = entry_col_text(st, 3, a, &oom);
	out->name.en = entry_col_text(st, 4, a, &oom);
	out->position = db_col_int(st, 5);
	out->archived = !db_col_null(st, 6);
	out->version = db_col_int(st, 7);
	out->created_at = entry_col_text(st, 8, a, &oom);
	out->updated_at = entry_col_text(st, 9, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
journey_stage_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		  struct journey_stage *out)
{
	return entry_get(c, a, &sql_stage_get, ws_id, id, read_stage, out);
}

enum adv_err
journey_item_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		 struct journey_item *out)
{
	return entry_get(c, a, &sql_item_get, ws_id, id, read_item, out);
}

/* Every stage of the workspace by position (*v, *n), items attached; arena arrays. */
static enum adv_err
load_all(struct db_conn *c, struct arena *a, int64_t ws_id, struct journey_stage **out, size_t *n)
{
	struct journey_stage *v = NULL, *grown;
	struct journey_item *items = NULL, *igrown;
	size_t cap = 0, len = 0, icap = 0, ilen = 0;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_stage_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL ||
		    read_stage(st, a, &grown[len]) != ADV_OK) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = grown;
		len++;
	}
	if (rc != ADV_OK || (rc = db_prepare(c, &sql_item_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((igrown = arena_array_room(a, items, &icap, ilen, sizeof(*items))) == NULL ||
		    read_item(st, a, &igrown[ilen]) != ADV_OK) {
			db_done(st);
			return ADV_ENOMEM;
		}
		items = igrown;
		ilen++;
	}
	if (rc != ADV_OK)
		return rc;
	/* Items come grouped by stage: each stage points at its run. */
	for (size_t i = 0, j = 0; i < ilen; i = j) {
		for (j = i; j < ilen && items[j].stage_id == items[i].stage_id; j++)
			;
		for (size_t s = 0; s < len; s++)
			if (v[s].id == items[i].stage_id) {
				v[s].items = &items[i];
				v[s].nitems = j - i;
			}
	}
	*out = v;
	*n = len;
	return ADV_OK;
}

/* The stage that item id belongs to (0 when id is 0 or unknown). */
static int64_t
stage_of_item(const struct journey_stage *v, size_t n, int64_t id)
{
	for (size_t s = 0; id > 0 && s < n; s++)
		for (size_t i = 0; i < v[s].nitems; i++)
			if (v[s].items[i].id == id)
				return v[s].id;
	return 0;
}

/* The figures of stage id, or NULL. */
static struct journey_figures *
figures_of(struct journey_stage *v, size_t n, int64_t id)
{
	for (size_t s = 0; id > 0 && s < n; s++)
		if (v[s].id == id)
			return &v[s].fig;
	return NULL;
}

/* The item id, or NULL. */
static struct journey_item *
item_of(struct journey_stage *v, size_t n, int64_t id)
{
	for (size_t s = 0; id > 0 && s < n; s++)
		for (size_t i = 0; i < v[s].nitems; i++)
			if (v[s].items[i].id == id)
				return &v[s].items[i];
	return NULL;
}

/* An id column that may be NULL: 0 for NULL. */
static int64_t
col_id(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? 0 : db_col_int(st, i);
}

/* Counts the observations tied to each stage and item (each observation once per stage/item). */
static enum adv_err
count_signals(struct db_conn *c, int64_t ws_id, const char *from, struct journey_stage *v, size_t n)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_observations, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, from);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t fi = col_id(st, 1), ai = col_id(st, 3), cnt = db_col_int(st, 5);
		int64_t fs = col_id(st, 0), as = col_id(st, 2);
		bool negative = db_col_int(st, 4) < 0;
		struct journey_figures *f;
		struct journey_item *it;

		if (fs == 0)
			fs = stage_of_item(v, n, fi);
		if (as == 0)
			as = stage_of_item(v, n, ai);
		if ((f = figures_of(v, n, fs)) != NULL) {
			f->signals += cnt;
			f->negative += negative ? cnt : 0;
		}
		if (as != fs && (f = figures_of(v, n, as)) != NULL) {
			f->signals += cnt;
			f->negative += negative ? cnt : 0;
		}
		if ((it = item_of(v, n, fi)) != NULL)
			it->signals += cnt;
		if (ai != fi && (it = item_of(v, n, ai)) != NULL)
			it->signals += cnt;
	}
	return rc;
}

/* Adds the (stage, component) relations that the rows of sql give to *rel (arena array). */
static enum adv_err
load_relations(struct db_conn *c, struct arena *a, struct db_sql *sql, int64_t ws_id,
	       const char *from, const struct journey_stage *v, size_t n, struct stage_comp **rel,
	       size_t *nrel, size_t *cap)
{
	struct stage_comp *grown;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if (from != NULL)
		db_bind_text(st, 2, from);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t stage = col_id(st, 0);

		if (stage == 0)
			stage = stage_of_item(v, n, col_id(st, 1));
		if (stage == 0)
			continue;
		if ((grown = arena_array_room(a, *rel, cap, *nrel, sizeof(**rel))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		*rel = grown;
		grown[*nrel].stage_id = stage;
		grown[*nrel].component_id = db_col_int(st, 2);
		(*nrel)++;
	}
	return rc;
}

/* Sums every client's latest score (within the window) per active component into *stats. */
static enum adv_err
latest_scores(struct db_conn *c, struct arena *a, int64_t ws_id, const char *from,
	      struct comp_stat **stats, size_t *nstats)
{
	struct comp_stat *v = NULL, *grown;
	int64_t account = 0, component = 0;
	size_t cap = 0, len = 0, k;
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_latest_scores, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, from);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t acc = db_col_int(st, 0), comp = db_col_int(st, 1);

		if (acc == account && comp == component)
			continue; /* an older score of the same client and component */
		account = acc;
		component = comp;
		for (k = 0; k < len && v[k].id != comp; k++)
			;
		if (k == len) {
			if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
				db_done(st);
				return ADV_ENOMEM;
			}
			v = grown;
			v[len++] = (struct comp_stat){comp, 0, 0};
		}
		v[k].sum += db_col_double(st, 2);
		v[k].n++;
	}
	*stats = v;
	*nstats = len;
	return rc;
}

/* Fills every stage's component mean from the relations and the components' sums. */
static void
component_means(struct journey_stage *v, size_t n, const struct stage_comp *rel, size_t nrel,
		const struct comp_stat *stats, size_t nstats)
{
	for (size_t s = 0; s < n; s++)
		for (size_t k = 0; k < nstats; k++) {
			bool related = false;

			for (size_t r = 0; r < nrel && !related; r++)
				related = rel[r].stage_id == v[s].id &&
					  rel[r].component_id == stats[k].id;
			if (related) {
				v[s].fig.component_sum += stats[k].sum;
				v[s].fig.component_n += stats[k].n;
			}
		}
}

/* Drops archived stages and items from v (in place). */
static void
drop_archived(struct journey_stage *v, size_t *n)
{
	size_t keep = 0;

	for (size_t s = 0; s < *n; s++) {
		size_t ik = 0;

		if (v[s].archived)
			continue;
		for (size_t i = 0; i < v[s].nitems; i++)
			if (!v[s].items[i].archived)
				v[s].items[ik++] = v[s].items[i];
		v[s].nitems = ik;
		v[keep++] = v[s];
	}
	*n = keep;
}

enum adv_err
journey_load(struct db_conn *c, struct arena *a, int64_t ws_id, bool include_archived,
	     const char *today, struct journey_map *out)
{
	struct loyalty_settings set;
	struct stage_comp *rel = NULL;
	struct comp_stat *stats = NULL;
	size_t nrel = 0, relcap = 0, nstats = 0;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = loyalty_settings_get(c, ws_id, &set)) != ADV_OK ||
	    (rc = catalogue_window_start(set.factor_window_months, today, out->window_start)) !=
		ADV_OK ||
	    (rc = load_all(c, a, ws_id, &out->stages, &out->n)) != ADV_OK ||
	    (rc = count_signals(c, ws_id, out->window_start, out->stages, out->n)) != ADV_OK ||
	    (rc = load_relations(c, a, &sql_factor_ties, ws_id, NULL, out->stages, out->n, &rel,
				 &nrel, &relcap)) != ADV_OK ||
	    (rc = load_relations(c, a, &sql_scored_ties, ws_id, out->window_start, out->stages,
				 out->n, &rel, &nrel, &relcap)) != ADV_OK ||
	    (rc = latest_scores(c, a, ws_id, out->window_start, &stats, &nstats)) != ADV_OK)
		return rc;
	out->window_months = set.factor_window_months;
	component_means(out->stages, out->n, rel, nrel, stats, nstats);
	if (!include_archived)
		drop_archived(out->stages, &out->n);
	return ADV_OK;
}

/* The fields of a stage that edits change (for audit); new reference. */
static json_t *
stage_fields(const struct journey_stage *x)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:I, s:b}", "code", x->code, "name",
			 loyalty_text_json(&x->name), "goal", loyalty_text_json(&x->goal),
			 "questions", loyalty_text_json(&x->questions), "position",
			 (json_int_t)x->position, "archived", x->archived);
}

/* The fields of an item that edits change (for audit); new reference. */
static json_t *
item_fields(const struct journey_item *x)
{
	return json_pack("{s:I, s:s, s:o, s:I, s:b}", "stage_id", (json_int_t)x->stage_id, "kind",
			 journey_kind_name(x->kind), "name", loyalty_text_json(&x->name),
			 "position", (json_int_t)x->position, "archived", x->archived);
}

/* Checks and merges the texts of a stage in mask from in over cur (NULL: create) into x. */
static enum adv_err
stage_texts(struct arena *a, const struct journey_stage *cur, const struct journey_stage *in,
	    uint32_t mask, struct journey_stage *x, struct adv_errbuf *eb)
{
	static const struct loyalty_text none = {0};
	enum adv_err rc = ADV_OK;

	if ((cur == NULL || (mask & LOYALTY_BIT(JS_NAME))) &&
	    (rc = catalogue_text_merge(a, eb, "/name", cur ? &cur->name : NULL, &in->name, true,
				       JOURNEY_NAME_MAX, false, &x->name)) != ADV_OK)
		return rc;
	if ((cur == NULL || (mask & LOYALTY_BIT(JS_GOAL))) &&
	    (rc = catalogue_text_merge(a, eb, "/goal", cur ? &cur->goal : NULL,
				       (mask & LOYALTY_BIT(JS_GOAL)) ? &in->goal : &none, false,
				       JOURNEY_TEXT_MAX, true, &x->goal)) != ADV_OK)
		return rc;
	if ((cur == NULL || (mask & LOYALTY_BIT(JS_QUESTIONS))) &&
	    (rc = catalogue_text_merge(a, eb, "/questions", cur ? &cur->questions : NULL,
				       (mask & LOYALTY_BIT(JS_QUESTIONS)) ? &in->questions : &none,
				       false, JOURNEY_TEXT_MAX, true, &x->questions)) != ADV_OK)
		return rc;
	if ((mask & LOYALTY_BIT(JS_CODE)) && !catalogue_code_valid(in->code))
		return adv_fail(eb, ADV_EINVAL, "/code",
				"code must be 1 to %d characters of a-z, 0-9, '_' and '-'",
				LOYALTY_CODE_MAX);
	if ((mask & LOYALTY_BIT(JS_POSITION)) && in->position < 1)
		return adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
	return ADV_OK;
}

enum adv_err
journey_stage_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		     const struct journey_stage *in, uint32_t mask, struct journey_stage *out,
		     struct adv_errbuf *eb)
{
	struct journey_stage x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	if ((rc = stage_texts(a, NULL, in, mask, &x, eb)) != ADV_OK)
		goto out;
	x.code = (mask & LOYALTY_BIT(JS_CODE)) ? in->code : NULL;
	x.version = 1;
	clock_now_plus(0, now);
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if (x.code != NULL &&
	    (rc = entry_code_free(c, &stage_code, ws_id, x.code, 0, eb)) != ADV_OK)
		goto out;
	if ((rc = entry_place(c, a, ws_id, actor, &stage_order, 0, NULL, 0,
			      (mask & LOYALTY_BIT(JS_POSITION)) ? in->position : 0, &x.position,
			      now)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_stage_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x.code != NULL ? x.code : CODE_PLACEHOLDER);
	db_bind_text(st, 3, x.name.ru);
	db_bind_text(st, 4, x.name.en);
	db_bind_text(st, 5, x.goal.ru);
	db_bind_text(st, 6, x.goal.en);
	db_bind_text(st, 7, x.questions.ru);
	db_bind_text(st, 8, x.questions.en);
	db_bind_int(st, 9, x.position);
	db_bind_text(st, 10, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if (x.code == NULL &&
	    (rc = entry_code_make(c, a, &stage_code, ws_id, x.id, &x.code)) != ADV_OK)
		goto out;
	if ((after = stage_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "journey_stage", x.id, "create", NULL, after)) !=
	    ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(after);
	return rc;
}

enum adv_err
journey_stage_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		     int64_t expect_version, const struct journey_stage *patch, uint32_t mask,
		     struct journey_stage *out, struct adv_errbuf *eb)
{
	struct journey_stage cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = entry_found(journey_stage_get(c, a, ws_id, id, &cur), eb, "journey stage", id)) !=
	    ADV_OK)
		goto out;
	x = cur;
	if ((rc = stage_texts(a, &cur, patch, mask, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = entry_version_check(eb, "journey stage", expect_version, cur.version)) != ADV_OK)
		goto out;
	if (mask & LOYALTY_BIT(JS_CODE))
		x.code = patch->code;
	if (mask & LOYALTY_BIT(JS_ARCHIVED))
		x.archived = patch->archived;
	if (strcmp(x.code, cur.code) != 0 &&
	    (rc = entry_code_free(c, &stage_code, ws_id, x.code, id, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((mask & LOYALTY_BIT(JS_POSITION)) &&
	    (rc = entry_place(c, a, ws_id, actor, &stage_order, 0, NULL, id, patch->position,
			      &x.position, now)) != ADV_OK)
		goto out;
	if ((before = stage_fields(&cur)) == NULL || (after = stage_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if ((rc = db_prepare(c, &sql_stage_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, x.code);
	db_bind_text(st, 4, x.name.ru);
	db_bind_text(st, 5, x.name.en);
	db_bind_text(st, 6, x.goal.ru);
	db_bind_text(st, 7, x.goal.en);
	db_bind_text(st, 8, x.questions.ru);
	db_bind_text(st, 9, x.questions.en);
	db_bind_int(st, 10, x.position);
	db_bind_int(st, 11, x.archived ? 1 : 0);
	db_bind_text(st, 12, now);
	db_bind_int(st, 13, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((rc = entry_audit(c, ws_id, actor, "journey_stage", id, "update", before, after)) !=
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
	json_decref(before);
	json_decref(after);
	return rc;
}

enum adv_err
journey_stage_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    const int64_t *ids, size_t n, struct adv_errbuf *eb)
{
	return entry_reorder(c, a, ws_id, actor, &stage_order, 0, NULL, ids, n, eb);
}

enum adv_err
journey_item_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		    int64_t stage_id, const struct journey_item *in, uint32_t mask,
		    struct journey_item *out, struct adv_errbuf *eb)
{
	struct journey_item x = {0};
	struct journey_stage stage;
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	if ((rc = catalogue_text_merge(a, eb, "/name", NULL, &in->name, true, JOURNEY_NAME_MAX,
				       false, &x.name)) != ADV_OK)
		goto out;
	if ((unsigned)in->kind >= JOURNEY_KIND__MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/kind", "kind must be touchpoint or solution");
		goto out;
	}
	if ((mask & LOYALTY_BIT(JI_POSITION)) && in->position < 1) {
		rc = adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
		goto out;
	}
	x.stage_id = stage_id;
	x.kind = in->kind;
	x.version = 1;
	clock_now_plus(0, now);
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = entry_found(journey_stage_get(c, a, ws_id, stage_id, &stage), eb, "journey stage",
			      stage_id)) != ADV_OK)
		goto out;
	if ((rc = entry_place(c, a, ws_id, actor, &item_order, stage_id, journey_kind_name(x.kind),
			      0, (mask & LOYALTY_BIT(JI_POSITION)) ? in->position : 0, &x.position,
			      now)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_item_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, stage_id);
	db_bind_text(st, 3, journey_kind_name(x.kind));
	db_bind_text(st, 4, x.name.ru);
	db_bind_text(st, 5, x.name.en);
	db_bind_int(st, 6, x.position);
	db_bind_text(st, 7, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((after = item_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "journey_item", x.id, "create", NULL, after)) !=
	    ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(after);
	return rc;
}

enum adv_err
journey_item_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		    int64_t expect_version, const struct journey_item *patch, uint32_t mask,
		    struct journey_item *out, struct adv_errbuf *eb)
{
	struct journey_item cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((mask & LOYALTY_BIT(JI_POSITION)) && patch->position < 1) {
		rc = adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = entry_found(journey_item_get(c, a, ws_id, id, &cur), eb, "touchpoint or solution",
			      id)) != ADV_OK)
		goto out;
	x = cur;
	if ((mask & LOYALTY_BIT(JI_NAME)) &&
	    (rc = catalogue_text_merge(a, eb, "/name", &cur.name, &patch->name, true,
				       JOURNEY_NAME_MAX, false, &x.name)) != ADV_OK)
		goto out;
	if ((rc = entry_version_check(eb, "touchpoint or solution", expect_version, cur.version)) !=
	    ADV_OK)
		goto out;
	if (mask & LOYALTY_BIT(JI_ARCHIVED))
		x.archived = patch->archived;
	clock_now_plus(0, now);
	if ((mask & LOYALTY_BIT(JI_POSITION)) &&
	    (rc = entry_place(c, a, ws_id, actor, &item_order, cur.stage_id,
			      journey_kind_name(cur.kind), id, patch->position, &x.position,
			      now)) != ADV_OK)
		goto out;
	if ((before = item_fields(&cur)) == NULL || (after = item_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if ((rc = db_prepare(c, &sql_item_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, x.name.ru);
	db_bind_text(st, 4, x.name.en);
	db_bind_int(st, 5, x.position);
	db_bind_int(st, 6, x.archived ? 1 : 0);
	db_bind_text(st, 7, now);
	db_bind_int(st, 8, cur.version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((rc = entry_audit(c, ws_id, actor, "journey_item", id, "update", before, after)) !=
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
	json_decref(before);
	json_decref(after);
	return rc;
}
