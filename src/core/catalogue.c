/*
 * catalogue.c — the loyalty catalogue (see catalogue.h): the workspace's
 * scale and window, components and factors with their checks, versioned
 * edits, positions, retirement and audit; the seeding of a new workspace
 * from the seed_* tables; and the ordering helpers shared with journey.c.
 * All SQL about the catalogue lives here.
 */
#include "core/catalogue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/entry.h"
#include "core/journey.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"
#include "util/str.h"

#define CODE_PLACEHOLDER "#new" /* the code of a row being created, until its id is known */
#define POINTER_MAX	 64

static const char *const settings_names[LS__MAX] = {
    [LS_SCORE_MIN] = "score_min",
    [LS_SCORE_MAX] = "score_max",
    [LS_WINDOW] = "factor_window_months",
};

/* The seed, copied into a new workspace (the migration did the same for the old ones). */
static struct db_sql sql_seed_stages =
    DB_SQL("INSERT INTO journey_stages (workspace_id, code, name_ru, name_en, goal_ru, goal_en,"
	   " questions_ru, questions_en, position, created_at, updated_at)"
	   " SELECT ?1, s.code, s.name_ru, s.name_en, s.goal_ru, s.goal_en, s.questions_ru,"
	   " s.questions_en, s.position, ?2, ?2 FROM seed_journey_stages s ORDER BY s.position");
static struct db_sql sql_seed_items =
    DB_SQL("INSERT INTO journey_items (workspace_id, stage_id, kind, name_ru, name_en, position,"
	   " created_at, updated_at)"
	   " SELECT st.workspace_id, st.id, i.kind, i.name_ru, i.name_en, i.position, ?2, ?2"
	   " FROM journey_stages st JOIN seed_journey_items i ON i.stage_code = st.code"
	   " WHERE st.workspace_id = ?1 ORDER BY st.position, i.kind DESC, i.position");
static struct db_sql sql_seed_components =
    DB_SQL("INSERT INTO loyalty_components (workspace_id, code, name_ru, name_en, description_ru,"
	   " description_en, weight, position, created_at, updated_at)"
	   " SELECT ?1, s.code, s.name_ru, s.name_en, s.description_ru, s.description_en, 1,"
	   " s.position, ?2, ?2 FROM seed_components s ORDER BY s.position");
static struct db_sql sql_seed_factors =
    DB_SQL("INSERT INTO loyalty_factors (workspace_id, component_id, text_ru, text_en, polarity,"
	   " position, created_at, updated_at)"
	   " SELECT c.workspace_id, c.id, f.text_ru, f.text_en, f.polarity, f.position, ?2, ?2"
	   " FROM loyalty_components c JOIN seed_factors f ON f.component_code = c.code"
	   " WHERE c.workspace_id = ?1 ORDER BY c.position, f.position");

static struct db_sql sql_settings_get =
    DB_SQL("SELECT score_min, score_max, factor_window_months FROM workspaces WHERE id = ?1");
static struct db_sql sql_settings_set =
    DB_SQL("UPDATE workspaces SET score_min = ?2, score_max = ?3, factor_window_months = ?4"
	   " WHERE id = ?1");
static struct db_sql sql_score_range =
    DB_SQL("SELECT MIN(score), MAX(score) FROM assessment_scores WHERE workspace_id = ?1");

#define COMPONENT_COLS                                                                             \
	"id, code, name_ru, name_en, description_ru, description_en, weight, position, active,"    \
	" version, created_at, updated_at"

static struct db_sql sql_component_list =
    DB_SQL("SELECT " COMPONENT_COLS " FROM loyalty_components WHERE workspace_id = ?1"
	   " AND (active = 1 OR ?2 = 1) ORDER BY position, id");
static struct db_sql sql_component_get =
    DB_SQL("SELECT " COMPONENT_COLS " FROM loyalty_components WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_component_code =
    DB_SQL("SELECT id FROM loyalty_components WHERE workspace_id = ?1 AND code = ?2 AND id <> ?3");
static struct db_sql sql_component_insert =
    DB_SQL("INSERT INTO loyalty_components (workspace_id, code, name_ru, name_en, description_ru,"
	   " description_en, weight, position, active, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1, ?9, ?9) RETURNING id");
static struct db_sql sql_component_set_code =
    DB_SQL("UPDATE loyalty_components SET code = ?3 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_component_update =
    DB_SQL("UPDATE loyalty_components SET code = ?3, name_ru = ?4, name_en = ?5,"
	   " description_ru = ?6, description_en = ?7, weight = ?8, position = ?9, active = ?10,"
	   " version = version + 1, updated_at = ?11"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?12");
static struct db_sql sql_component_slots =
    DB_SQL("SELECT id, position, CASE WHEN active = 1 THEN 0 ELSE 1 END"
	   " FROM loyalty_components WHERE workspace_id = ?1 ORDER BY position, id");
static struct db_sql sql_component_position =
    DB_SQL("UPDATE loyalty_components SET position = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2");

#define FACTOR_COLS                                                                                \
	"f.id, f.component_id, f.text_ru, f.text_en, f.polarity, f.position, f.active, "           \
	"f.stage_id,"                                                                              \
	" f.item_id, f.version, f.created_at, f.updated_at"

static struct db_sql sql_factor_list =
    DB_SQL("SELECT " FACTOR_COLS " FROM loyalty_factors f JOIN loyalty_components c"
	   " ON c.id = f.component_id WHERE f.workspace_id = ?1"
	   " AND (CAST(?2 AS BIGINT) = 0 OR f.component_id = ?2)"
	   " AND ((f.active = 1 AND c.active = 1) OR ?3 = 1)"
	   " ORDER BY c.position, c.id, f.position, f.id");
static struct db_sql sql_factor_get =
    DB_SQL("SELECT " FACTOR_COLS " FROM loyalty_factors f WHERE f.workspace_id = ?1 AND f.id = ?2");
static struct db_sql sql_factor_insert =
    DB_SQL("INSERT INTO loyalty_factors (workspace_id, component_id, text_ru, text_en, polarity,"
	   " position, active, stage_id, item_id, version, created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, 1, ?9, ?9) RETURNING id");
static struct db_sql sql_factor_update =
    DB_SQL("UPDATE loyalty_factors SET component_id = ?3, text_ru = ?4, text_en = ?5,"
	   " polarity = ?6, position = ?7, active = ?8, stage_id = ?9, item_id = ?10,"
	   " version = version + 1, updated_at = ?11"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?12");
static struct db_sql sql_factor_slots =
    DB_SQL("SELECT id, position, CASE WHEN active = 1 THEN 0 ELSE 1 END FROM loyalty_factors"
	   " WHERE workspace_id = ?1 AND component_id = ?2 ORDER BY position, id");
static struct db_sql sql_factor_position =
    DB_SQL("UPDATE loyalty_factors SET position = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_factor_observed =
    DB_SQL("SELECT 1 FROM assessment_factors WHERE workspace_id = ?1 AND factor_id = ?2 LIMIT 1");

static const struct catalogue_order_kind component_order = {
    &sql_component_position, "loyalty_component", &sql_component_slots};
static const struct catalogue_order_kind factor_order = {&sql_factor_position, "loyalty_factor",
							 &sql_factor_slots};
static const struct entry_code_kind component_code = {
    &sql_component_code, &sql_component_set_code, "c",
    "a component with code '%s' is already in the catalogue"};

/* Runs one of the seed statements for ws_id. */
static enum adv_err
seed_run(struct db_conn *c, struct db_sql *sql, int64_t ws_id, const char *now)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, now);
	return db_exec(st);
}

enum adv_err
catalogue_seed_workspace(struct db_conn *c, int64_t ws_id, const char *now)
{
	enum adv_err rc;

	if ((rc = seed_run(c, &sql_seed_stages, ws_id, now)) != ADV_OK ||
	    (rc = seed_run(c, &sql_seed_items, ws_id, now)) != ADV_OK ||
	    (rc = seed_run(c, &sql_seed_components, ws_id, now)) != ADV_OK)
		return rc;
	return seed_run(c, &sql_seed_factors, ws_id, now);
}

/* Days in month m (1..12) of year y. */
static int
month_days(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

enum adv_err
catalogue_window_start(int64_t months, const char *today, char out[DATE_TEXT_SIZE])
{
	char now[CLOCK_TEXT_MAX], day[DATE_TEXT_SIZE];
	int y, m, d;
	int64_t total;

	if (today == NULL) {
		clock_now_plus(0, now);
		memcpy(day, now, DATE_TEXT_SIZE - 1);
		day[DATE_TEXT_SIZE - 1] = '\0';
		today = day;
	}
	if (!date_valid(today) || months < 0 || months > 12 * DATE_YEAR_MAX ||
	    sscanf(today, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return ADV_EINVAL;
	total = (int64_t)y * 12 + (m - 1) - months;
	if (total < 12 * DATE_YEAR_MIN) {
		y = DATE_YEAR_MIN;
		m = 1;
		d = 1;
	} else {
		y = (int)(total / 12);
		m = (int)(total % 12) + 1;
		if (d > month_days(y, m))
			d = month_days(y, m);
	}
	snprintf(out, DATE_TEXT_SIZE, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return ADV_OK;
}

const char *
loyalty_polarity_name(int polarity)
{
	return polarity > 0 ? "+" : polarity < 0 ? "-" : "0";
}

bool
loyalty_polarity_parse(const char *s, int *out)
{
	if (s == NULL)
		return false;
	if (strcmp(s, "+") == 0)
		*out = 1;
	else if (strcmp(s, "-") == 0)
		*out = -1;
	else if (strcmp(s, "0") == 0)
		*out = 0;
	else
		return false;
	return true;
}

bool
catalogue_code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > LOYALTY_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

enum adv_err
catalogue_text_merge(struct arena *a, struct adv_errbuf *eb, const char *pointer,
		     const struct loyalty_text *cur, const struct loyalty_text *in, bool required,
		     size_t max, bool multiline, struct loyalty_text *out)
{
	char pru[POINTER_MAX], pen[POINTER_MAX];
	const char *ru, *en;
	bool oom = false, had = cur != NULL && cur->ru != NULL;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	snprintf(pru, sizeof(pru), "%s/ru", pointer);
	snprintf(pen, sizeof(pen), "%s/en", pointer);
	if (in->is_null || (!had && in->ru == NULL && in->en == NULL)) {
		if (required)
			return adv_fail(eb, ADV_EINVAL, in->is_null ? pointer : pru,
					"%s is required", pointer + 1);
		return ADV_OK;
	}
	if (in->ru != NULL &&
	    (rc = text_check(eb, pru, pru + 1, in->ru, true, max, multiline)) != ADV_OK)
		return rc;
	if (in->en != NULL &&
	    (rc = text_check(eb, pen, pen + 1, in->en, false, max, multiline)) != ADV_OK)
		return rc;
	ru = in->ru != NULL ? text_trimmed(a, in->ru, &oom) : had ? cur->ru : NULL;
	if (ru == NULL && !oom)
		return adv_fail(eb, ADV_EINVAL, pru, "%s is required: the Russian text comes first",
				pru + 1);
	en = text_trimmed(a, in->en, &oom);
	if (oom)
		return ADV_ENOMEM;
	if (en == NULL && in->en == NULL && !in->en_null && had && cur->en != NULL &&
	    strcmp(cur->en, cur->ru) != 0)
		en = cur->en;
	out->ru = ru;
	out->en = en != NULL ? en : ru;
	return ADV_OK;
}

json_t *
catalogue_diff(json_t *before, json_t *after)
{
	json_t *changes = json_object(), *v;
	const char *key;

	json_object_foreach(after, key, v)
	{
		json_t *was = before ? json_object_get(before, key) : NULL;

		if (changes == NULL)
			break;
		if (was == NULL)
			was = json_null();
		else
			json_incref(was);
		if (before != NULL && json_equal(was, v)) {
			json_decref(was);
			continue;
		}
		if (json_object_set_new(changes, key,
					json_pack("{s:o, s:O}", "from", was, "to", v)) != 0) {
			json_decref(changes);
			changes = NULL;
		}
	}
	return changes;
}

/* Reads an ordered list (see catalogue.h). */
enum adv_err
catalogue_order_load(struct db_stmt *st, struct arena *a, struct catalogue_slot **rows, size_t *n)
{
	struct catalogue_slot *v = NULL, *grown;
	size_t cap = 0, len = 0;
	enum adv_err rc;
	bool row;

	*rows = NULL;
	*n = 0;
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if ((grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		v = grown;
		v[len].id = db_col_int(st, 0);
		v[len].position = db_col_int(st, 1);
		v[len].hidden = db_col_int(st, 2) != 0;
		len++;
	}
	/* Room for one more entry, for catalogue_order_place. */
	if (rc != ADV_OK || (grown = arena_array_room(a, v, &cap, len, sizeof(*v))) == NULL)
		return rc != ADV_OK ? rc : ADV_ENOMEM;
	*rows = grown;
	*n = len;
	return ADV_OK;
}

void
catalogue_order_remove(struct catalogue_slot *rows, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (rows[i].id == id) {
			memmove(&rows[i], &rows[i + 1], (*n - i - 1) * sizeof(*rows));
			(*n)--;
			return;
		}
}

void
catalogue_order_place(struct catalogue_slot *rows, size_t *n, int64_t id, int64_t position)
{
	struct catalogue_slot moved = {id, 0, false};
	size_t at;

	for (size_t i = 0; i < *n; i++)
		if (rows[i].id == id) {
			moved = rows[i];
			break;
		}
	catalogue_order_remove(rows, n, id);
	at = position < 1 || (uint64_t)position > *n ? *n : (size_t)(position - 1);
	memmove(&rows[at + 1], &rows[at], (*n - at) * sizeof(*rows));
	rows[at] = moved;
	(*n)++;
}

enum adv_err
catalogue_order_permute(struct arena *a, struct catalogue_slot *rows, size_t n, const int64_t *ids,
			size_t nids, struct adv_errbuf *eb)
{
	struct catalogue_slot *was;
	size_t visible = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		visible += !rows[i].hidden;
	if (nids != visible)
		return adv_fail(
		    eb, ADV_EINVAL, "/ids",
		    "ids must name each of the %zu entries of the list once (%zu given)", visible,
		    nids);
	for (size_t j = 0; j < nids; j++) {
		bool found = false;

		for (size_t i = 0; i < n && !found; i++)
			found = !rows[i].hidden && rows[i].id == ids[j];
		for (size_t i = 0; i < j && found; i++)
			found = ids[i] != ids[j];
		if (!found)
			return adv_fail(eb, ADV_EINVAL, "/ids",
					"ids[%zu] (%lld) is not an entry of the list or is named "
					"twice",
					j, (long long)ids[j]);
	}
	if (n > 0 && (was = arena_alloc(a, n * sizeof(*was))) == NULL)
		return ADV_ENOMEM;
	if (n > 0)
		memcpy(was, rows, n * sizeof(*was));
	for (size_t i = 0; i < n; i++) {
		if (rows[i].hidden)
			continue;
		rows[i].id = ids[k++];
		for (size_t w = 0; w < n; w++)
			if (was[w].id == rows[i].id)
				rows[i].position = was[w].position;
	}
	return ADV_OK;
}

enum adv_err
catalogue_order_store(struct db_conn *c, int64_t ws_id, int64_t actor,
		      const struct catalogue_order_kind *kind, const struct catalogue_slot *rows,
		      size_t n, int64_t skip_id, int64_t *skip_position, const char *now)
{
	struct db_stmt *st;
	enum adv_err rc = ADV_OK;
	char changes[96];

	for (size_t i = 0; rc == ADV_OK && i < n; i++) {
		int64_t want = (int64_t)i + 1;

		if (rows[i].id == skip_id) {
			if (skip_position != NULL)
				*skip_position = want;
			continue;
		}
		if (rows[i].position == want)
			continue;
		if ((rc = db_prepare(c, kind->set_position, &st)) != ADV_OK)
			break;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, rows[i].id);
		db_bind_int(st, 3, want);
		db_bind_text(st, 4, now);
		if ((rc = db_exec(st)) != ADV_OK)
			break;
		snprintf(changes, sizeof(changes), "{\"position\":{\"from\":%lld,\"to\":%lld}}",
			 (long long)rows[i].position, (long long)want);
		rc = audit_write_text(c, ws_id, actor, kind->entity, rows[i].id, 0, "reorder",
				      changes);
	}
	return rc;
}

json_t *
loyalty_text_json(const struct loyalty_text *t)
{
	if (t->ru == NULL)
		return json_null();
	return json_pack("{s:s, s:s}", "ru", t->ru, "en", t->en ? t->en : t->ru);
}

/* A weight as JSON: a whole number when it is one. */
static json_t *
weight_json(double w)
{
	if (w == floor(w) && fabs(w) <= LOYALTY_WEIGHT_MAX)
		return json_integer((json_int_t)w);
	return json_real(w);
}

/* The fields of a component that edits change (for audit and the API); new reference. */
static json_t *
component_fields(const struct loyalty_component *x)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:I, s:b}", "code", x->code, "name",
			 loyalty_text_json(&x->name), "description",
			 loyalty_text_json(&x->description), "weight", weight_json(x->weight),
			 "position", (json_int_t)x->position, "active", x->active);
}

json_t *
loyalty_component_json(const struct loyalty_component *x)
{
	json_t *j = component_fields(x), *head;

	if (j == NULL)
		return NULL;
	head = json_pack("{s:I}", "id", (json_int_t)x->id);
	if (head == NULL || json_object_update(head, j) != 0 ||
	    json_object_set_new(head, "version", json_integer(x->version)) != 0 ||
	    json_object_set_new(head, "created_at", json_string(x->created_at)) != 0 ||
	    json_object_set_new(head, "updated_at", json_string(x->updated_at)) != 0) {
		json_decref(head);
		head = NULL;
	}
	json_decref(j);
	return head;
}

/* An id as JSON: null for 0. */
static json_t *
id_json(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* The fields of a factor that edits change; new reference. */
static json_t *
factor_fields(const struct loyalty_factor *x)
{
	return json_pack("{s:I, s:o, s:s, s:I, s:b, s:o, s:o}", "component_id",
			 (json_int_t)x->component_id, "text", loyalty_text_json(&x->text),
			 "polarity", loyalty_polarity_name(x->polarity), "position",
			 (json_int_t)x->position, "active", x->active, "stage_id",
			 id_json(x->stage_id), "item_id", id_json(x->item_id));
}

json_t *
loyalty_factor_json(const struct loyalty_factor *x)
{
	json_t *j = factor_fields(x), *head;

	if (j == NULL)
		return NULL;
	head = json_pack("{s:I}", "id", (json_int_t)x->id);
	if (head == NULL || json_object_update(head, j) != 0 ||
	    json_object_set_new(head, "version", json_integer(x->version)) != 0 ||
	    json_object_set_new(head, "created_at", json_string(x->created_at)) != 0 ||
	    json_object_set_new(head, "updated_at", json_string(x->updated_at)) != 0) {
		json_decref(head);
		head = NULL;
	}
	json_decref(j);
	return head;
}

/* Reads the current row of st (COMPONENT_COLS) into out. */
static enum adv_err
read_component(struct db_stmt *st, struct arena *a, void *entry)
{
	struct loyalty_component *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->code = entry_col_text(st, 1, a, &oom);
	out->name.ru = entry_col_text(st, 2, a, &oom);
	out->name.en = entry_col_text(st, 3, a, &oom);
	out->description.ru = entry_col_text(st, 4, a, &oom);
	out->description.en = entry_col_text(st, 5, a, &oom);
	out->weight = db_col_double(st, 6);
	out->position = db_col_int(st, 7);
	out->active = db_col_int(st, 8) != 0;
	out->version = db_col_int(st, 9);
	out->created_at = entry_col_text(st, 10, a, &oom);
	out->updated_at = entry_col_text(st, 11, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* Reads the current row of st (FACTOR_COLS) into out. */
static enum adv_err
read_factor(struct db_stmt *st, struct arena *a, void *entry)
{
	struct loyalty_factor *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->component_id = db_col_int(st, 1);
	out->text.ru = entry_col_text(st, 2, a, &oom);
	out->text.en = entry_col_text(st, 3, a, &oom);
	out->polarity = (int)db_col_int(st, 4);
	out->position = db_col_int(st, 5);
	out->active = db_col_int(st, 6) != 0;
	out->stage_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
	out->item_id = db_col_null(st, 8) ? 0 : db_col_int(st, 8);
	out->version = db_col_int(st, 9);
	out->created_at = entry_col_text(st, 10, a, &oom);
	out->updated_at = entry_col_text(st, 11, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

enum adv_err
loyalty_settings_get(struct db_conn *c, int64_t ws_id, struct loyalty_settings *out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_settings_get, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	out->score_min = db_col_int(st, 0);
	out->score_max = db_col_int(st, 1);
	out->factor_window_months = db_col_int(st, 2);
	db_done(st);
	return ADV_OK;
}

/* Checks settings x, changed in mask; the first problem goes to eb. */
static enum adv_err
settings_check(const struct loyalty_settings *x, uint32_t mask, struct adv_errbuf *eb)
{
	if (x->score_min < 0 || x->score_min > LOYALTY_SCORE_LIMIT)
		return adv_fail(eb, ADV_EINVAL, "/score_min", "score_min must be from 0 to %d",
				LOYALTY_SCORE_LIMIT);
	if (x->score_max < 0 || x->score_max > LOYALTY_SCORE_LIMIT)
		return adv_fail(eb, ADV_EINVAL, "/score_max", "score_max must be from 0 to %d",
				LOYALTY_SCORE_LIMIT);
	if (x->score_min >= x->score_max)
		return adv_fail(eb, ADV_EINVAL,
				(mask & LOYALTY_BIT(LS_SCORE_MAX)) ? "/score_max" : "/score_min",
				"score_min (%lld) must be below score_max (%lld)",
				(long long)x->score_min, (long long)x->score_max);
	if (x->factor_window_months < LOYALTY_WINDOW_MIN ||
	    x->factor_window_months > LOYALTY_WINDOW_MAX)
		return adv_fail(eb, ADV_EINVAL, "/factor_window_months",
				"factor_window_months must be from %d to %d", LOYALTY_WINDOW_MIN,
				LOYALTY_WINDOW_MAX);
	return ADV_OK;
}

/* ADV_ECONFLICT when a stored score of the workspace falls outside x's scale. */
static enum adv_err
settings_scores_fit(struct db_conn *c, int64_t ws_id, const struct loyalty_settings *x,
		    struct adv_errbuf *eb)
{
	struct db_stmt *st;
	double lo, hi;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_score_range, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	if (db_col_null(st, 0)) {
		db_done(st);
		return ADV_OK;
	}
	lo = db_col_double(st, 0);
	hi = db_col_double(st, 1);
	db_done(st);
	if (lo < (double)x->score_min)
		return adv_fail(eb, ADV_ECONFLICT, "/score_min",
				"stored assessment scores go down to %g, below the new score_min "
				"%lld; the scale cannot change while they fall outside it",
				lo, (long long)x->score_min);
	if (hi > (double)x->score_max)
		return adv_fail(eb, ADV_ECONFLICT, "/score_max",
				"stored assessment scores go up to %g, above the new score_max "
				"%lld; the scale cannot change while they fall outside it",
				hi, (long long)x->score_max);
	return ADV_OK;
}

/* The settings as an audit JSON object; new reference. */
static json_t *
settings_fields(const struct loyalty_settings *x)
{
	return json_pack("{s:I, s:I, s:I}", settings_names[LS_SCORE_MIN], (json_int_t)x->score_min,
			 settings_names[LS_SCORE_MAX], (json_int_t)x->score_max,
			 settings_names[LS_WINDOW], (json_int_t)x->factor_window_months);
}

enum adv_err
loyalty_settings_update(struct db_conn *c, int64_t ws_id, int64_t actor,
			const struct loyalty_settings *patch, uint32_t mask,
			struct loyalty_settings *out, struct adv_errbuf *eb)
{
	struct loyalty_settings cur, x;
	json_t *before = NULL, *after = NULL, *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = loyalty_settings_get(c, ws_id, &cur)) != ADV_OK)
		goto out;
	x = cur;
	if (mask & LOYALTY_BIT(LS_SCORE_MIN))
		x.score_min = patch->score_min;
	if (mask & LOYALTY_BIT(LS_SCORE_MAX))
		x.score_max = patch->score_max;
	if (mask & LOYALTY_BIT(LS_WINDOW))
		x.factor_window_months = patch->factor_window_months;
	if ((rc = settings_check(&x, mask, eb)) != ADV_OK)
		goto out;
	*out = cur;
	if ((before = settings_fields(&cur)) == NULL || (after = settings_fields(&x)) == NULL ||
	    (changes = catalogue_diff(before, after)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (json_object_size(changes) == 0)
		goto out;
	/* The row is written (and locked) before the scores are read. */
	if ((rc = db_prepare(c, &sql_settings_set, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x.score_min);
	db_bind_int(st, 3, x.score_max);
	db_bind_int(st, 4, x.factor_window_months);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((x.score_min != cur.score_min || x.score_max != cur.score_max) &&
	    (rc = settings_scores_fit(c, ws_id, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = audit_write(c, ws_id, actor, "loyalty_settings", ws_id, 0, "update", changes)) !=
	    ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(before);
	json_decref(after);
	json_decref(changes);
	return rc;
}

enum adv_err
loyalty_component_list(struct db_conn *c, struct arena *a, int64_t ws_id, bool include_retired,
		       struct loyalty_component **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;
	void *v;

	if ((rc = db_prepare(c, &sql_component_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, include_retired ? 1 : 0);
	rc = entry_list(st, a, sizeof(**items), read_component, &v, n);
	*items = v;
	return rc;
}

enum adv_err
loyalty_component_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		      struct loyalty_component *out)
{
	return entry_get(c, a, &sql_component_get, ws_id, id, read_component, out);
}

/* Checks the plain (not text) fields of a component in mask. */
static enum adv_err
component_check(const struct loyalty_component *in, uint32_t mask, struct adv_errbuf *eb)
{
	if ((mask & LOYALTY_BIT(LC_CODE)) && !catalogue_code_valid(in->code))
		return adv_fail(eb, ADV_EINVAL, "/code",
				"code must be 1 to %d characters of a-z, 0-9, '_' and '-'",
				LOYALTY_CODE_MAX);
	if ((mask & LOYALTY_BIT(LC_WEIGHT)) &&
	    (!isfinite(in->weight) || in->weight < 0 || in->weight > LOYALTY_WEIGHT_MAX))
		return adv_fail(eb, ADV_EINVAL, "/weight", "weight must be from 0 to %g",
				LOYALTY_WEIGHT_MAX);
	if ((mask & LOYALTY_BIT(LC_POSITION)) && in->position < 1)
		return adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
	return ADV_OK;
}

/* Writes every field of x over component x->id at version (one bump). */
static enum adv_err
component_write(struct db_conn *c, int64_t ws_id, const struct loyalty_component *x,
		int64_t version, const char *now)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_component_update, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, x->code);
	db_bind_text(st, 4, x->name.ru);
	db_bind_text(st, 5, x->name.en);
	db_bind_text(st, 6, x->description.ru);
	db_bind_text(st, 7, x->description.en);
	db_bind_double(st, 8, x->weight);
	db_bind_int(st, 9, x->position);
	db_bind_int(st, 10, x->active ? 1 : 0);
	db_bind_text(st, 11, now);
	db_bind_int(st, 12, version);
	return db_exec(st);
}

enum adv_err
loyalty_component_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			 const struct loyalty_component *in, uint32_t mask,
			 struct loyalty_component *out, struct adv_errbuf *eb)
{
	struct loyalty_component x = {0};
	struct loyalty_text none = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	if ((rc = catalogue_text_merge(a, eb, "/name", NULL, &in->name, true, LOYALTY_NAME_MAX,
				       false, &x.name)) != ADV_OK ||
	    (rc = catalogue_text_merge(
		 a, eb, "/description", NULL,
		 (mask & LOYALTY_BIT(LC_DESCRIPTION)) ? &in->description : &none, false,
		 LOYALTY_DESCRIPTION_MAX, true, &x.description)) != ADV_OK ||
	    (rc = component_check(in, mask, eb)) != ADV_OK)
		goto out;
	x.code = (mask & LOYALTY_BIT(LC_CODE)) ? in->code : NULL;
	x.weight = (mask & LOYALTY_BIT(LC_WEIGHT)) ? in->weight : 1.0;
	x.active = true;
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
	    (rc = entry_code_free(c, &component_code, ws_id, x.code, 0, eb)) != ADV_OK)
		goto out;
	if ((rc = entry_place(c, a, ws_id, actor, &component_order, 0, NULL, 0,
			      (mask & LOYALTY_BIT(LC_POSITION)) ? in->position : 0, &x.position,
			      now)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_component_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, x.code != NULL ? x.code : CODE_PLACEHOLDER);
	db_bind_text(st, 3, x.name.ru);
	db_bind_text(st, 4, x.name.en);
	db_bind_text(st, 5, x.description.ru);
	db_bind_text(st, 6, x.description.en);
	db_bind_double(st, 7, x.weight);
	db_bind_int(st, 8, x.position);
	db_bind_text(st, 9, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if (x.code == NULL &&
	    (rc = entry_code_make(c, a, &component_code, ws_id, x.id, &x.code)) != ADV_OK)
		goto out;
	if ((after = component_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "loyalty_component", x.id, "create", NULL, after)) !=
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
loyalty_component_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			 int64_t id, int64_t expect_version, const struct loyalty_component *patch,
			 uint32_t mask, struct loyalty_component *out, struct adv_errbuf *eb)
{
	struct loyalty_component cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = component_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = entry_found(loyalty_component_get(c, a, ws_id, id, &cur), eb, "component", id)) !=
		ADV_OK ||
	    (rc = entry_version_check(eb, "component", expect_version, cur.version)) != ADV_OK)
		goto out;
	x = cur;
	if ((mask & LOYALTY_BIT(LC_NAME)) &&
	    (rc = catalogue_text_merge(a, eb, "/name", &cur.name, &patch->name, true,
				       LOYALTY_NAME_MAX, false, &x.name)) != ADV_OK)
		goto out;
	if ((mask & LOYALTY_BIT(LC_DESCRIPTION)) &&
	    (rc = catalogue_text_merge(a, eb, "/description", &cur.description, &patch->description,
				       false, LOYALTY_DESCRIPTION_MAX, true, &x.description)) !=
		ADV_OK)
		goto out;
	if (mask & LOYALTY_BIT(LC_CODE))
		x.code = patch->code;
	if (mask & LOYALTY_BIT(LC_WEIGHT))
		x.weight = patch->weight;
	if (mask & LOYALTY_BIT(LC_ACTIVE))
		x.active = patch->active;
	if (strcmp(x.code, cur.code) != 0 &&
	    (rc = entry_code_free(c, &component_code, ws_id, x.code, id, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((mask & LOYALTY_BIT(LC_POSITION)) &&
	    (rc = entry_place(c, a, ws_id, actor, &component_order, 0, NULL, id, patch->position,
			      &x.position, now)) != ADV_OK)
		goto out;
	if ((before = component_fields(&cur)) == NULL || (after = component_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if ((rc = component_write(c, ws_id, &x, cur.version, now)) != ADV_OK ||
	    (rc = entry_audit(c, ws_id, actor, "loyalty_component", id, "update", before, after)) !=
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
loyalty_component_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			const int64_t *ids, size_t n, struct adv_errbuf *eb)
{
	return entry_reorder(c, a, ws_id, actor, &component_order, 0, NULL, ids, n, eb);
}

enum adv_err
loyalty_factor_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t component_id,
		    bool include_retired, struct loyalty_factor **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;
	void *v;

	if ((rc = db_prepare(c, &sql_factor_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, component_id > 0 ? component_id : 0);
	db_bind_int(st, 3, include_retired ? 1 : 0);
	rc = entry_list(st, a, sizeof(**items), read_factor, &v, n);
	*items = v;
	return rc;
}

enum adv_err
loyalty_factor_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		   struct loyalty_factor *out)
{
	return entry_get(c, a, &sql_factor_get, ws_id, id, read_factor, out);
}

/* ADV_EINVAL "/component_id" unless component id is the workspace's. */
static enum adv_err
factor_component_check(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
		       struct adv_errbuf *eb)
{
	struct loyalty_component comp;
	enum adv_err rc = loyalty_component_get(c, a, ws_id, id, &comp);

	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, ADV_EINVAL, "/component_id",
				"component_id %lld is not a component of this workspace",
				(long long)id);
	return rc;
}

/*
 * Settles the stage and item of factor x (holding the stored values) from in
 * (bits LF_STAGE and LF_ITEM of mask): a given stage must be the
 * workspace's; a stage change drops the stored item when it belongs to
 * another stage; a given item must be the workspace's and of the factor's
 * stage, and an item alone on a factor without a stage brings its stage.
 * New ties to an archived stage or item are refused; stored ones stay.
 */
static enum adv_err
factor_journey(struct db_conn *c, struct arena *a, int64_t ws_id, const struct loyalty_factor *in,
	       uint32_t mask, struct loyalty_factor *x, struct adv_errbuf *eb)
{
	struct journey_stage stage;
	struct journey_item item;
	bool stage_given = (mask & LOYALTY_BIT(LF_STAGE)) != 0;
	bool item_given = (mask & LOYALTY_BIT(LF_ITEM)) != 0, kept;
	enum adv_err rc;

	if (stage_given && in->stage_id != x->stage_id) {
		x->stage_id = in->stage_id;
		rc = x->stage_id > 0 ? journey_stage_get(c, a, ws_id, x->stage_id, &stage) : ADV_OK;
		if (rc == ADV_ENOTFOUND)
			return adv_fail(eb, ADV_EINVAL, "/stage_id",
					"stage_id %lld is not a journey stage of this workspace",
					(long long)x->stage_id);
		if (rc != ADV_OK)
			return rc;
		if (x->stage_id > 0 && stage.archived)
			return adv_fail(eb, ADV_EINVAL, "/stage_id",
					"journey stage %lld is archived", (long long)x->stage_id);
		if (!item_given && x->item_id > 0) {
			if ((rc = journey_item_get(c, a, ws_id, x->item_id, &item)) != ADV_OK)
				return rc;
			if (item.stage_id != x->stage_id)
				x->item_id = 0;
		}
	}
	if (!item_given)
		return ADV_OK;
	kept = in->item_id == x->item_id;
	x->item_id = in->item_id;
	if (x->item_id == 0)
		return ADV_OK;
	rc = journey_item_get(c, a, ws_id, x->item_id, &item);
	if (rc == ADV_ENOTFOUND)
		return adv_fail(eb, ADV_EINVAL, "/item_id",
				"item_id %lld is not a touchpoint or solution of this workspace",
				(long long)x->item_id);
	if (rc != ADV_OK)
		return rc;
	if (item.archived && !kept)
		return adv_fail(eb, ADV_EINVAL, "/item_id",
				"touchpoint or solution %lld is archived", (long long)x->item_id);
	if (x->stage_id == 0 && !stage_given)
		x->stage_id = item.stage_id;
	if (item.stage_id != x->stage_id)
		return adv_fail(eb, ADV_EINVAL, "/item_id",
				"item %lld belongs to stage %lld, not to the factor's stage",
				(long long)x->item_id, (long long)item.stage_id);
	return ADV_OK;
}

/* Checks the plain fields of a factor in mask. */
static enum adv_err
factor_check(const struct loyalty_factor *in, uint32_t mask, struct adv_errbuf *eb)
{
	if ((mask & LOYALTY_BIT(LF_POLARITY)) && (in->polarity < -1 || in->polarity > 1))
		return adv_fail(eb, ADV_EINVAL, "/polarity", "polarity must be +, - or 0");
	if ((mask & LOYALTY_BIT(LF_POSITION)) && in->position < 1)
		return adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
	if ((mask & LOYALTY_BIT(LF_STAGE)) && in->stage_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/stage_id", "stage_id must be an id or null");
	if ((mask & LOYALTY_BIT(LF_ITEM)) && in->item_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/item_id", "item_id must be an id or null");
	return ADV_OK;
}

/* Binds the factor's nullable id to parameter i. */
static void
bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id > 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

enum adv_err
loyalty_factor_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		      const struct loyalty_factor *in, uint32_t mask, struct loyalty_factor *out,
		      struct adv_errbuf *eb)
{
	struct loyalty_factor x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	if ((rc = catalogue_text_merge(a, eb, "/text", NULL, &in->text, true,
				       LOYALTY_FACTOR_TEXT_MAX, false, &x.text)) != ADV_OK ||
	    (rc = factor_check(in, mask | LOYALTY_BIT(LF_POLARITY), eb)) != ADV_OK)
		goto out;
	x.component_id = in->component_id;
	x.polarity = in->polarity;
	x.active = true;
	x.version = 1;
	clock_now_plus(0, now);
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = factor_component_check(c, a, ws_id, x.component_id, eb)) != ADV_OK ||
	    (rc = factor_journey(c, a, ws_id, in, mask, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = entry_place(c, a, ws_id, actor, &factor_order, x.component_id, NULL, 0,
			      (mask & LOYALTY_BIT(LF_POSITION)) ? in->position : 0, &x.position,
			      now)) != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_factor_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x.component_id);
	db_bind_text(st, 3, x.text.ru);
	db_bind_text(st, 4, x.text.en);
	db_bind_int(st, 5, x.polarity);
	db_bind_int(st, 6, x.position);
	bind_id(st, 7, x.stage_id);
	bind_id(st, 8, x.item_id);
	db_bind_text(st, 9, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((after = factor_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "loyalty_factor", x.id, "create", NULL, after)) !=
	    ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(after);
	return rc;
}

/* ADV_ECONFLICT "/component_id" when factor id has been observed in an assessment. */
static enum adv_err
factor_unobserved(struct db_conn *c, int64_t ws_id, int64_t id, struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = db_prepare(c, &sql_factor_observed, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	db_done(st);
	return adv_fail(eb, ADV_ECONFLICT, "/component_id",
			"the factor has been observed in assessments and cannot move to another "
			"component; retire it and add a new one there");
}

/* Moves factor x (at cur's component and place) to its new component and/or position. */
static enum adv_err
factor_move(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
	    const struct loyalty_factor *cur, const struct loyalty_factor *patch, uint32_t mask,
	    struct loyalty_factor *x, const char *now)
{
	struct catalogue_slot *rows;
	size_t n;
	enum adv_err rc;

	if (x->component_id != cur->component_id) {
		if ((rc = entry_slots(c, a, &factor_order, ws_id, cur->component_id, NULL, &rows,
				      &n)) != ADV_OK)
			return rc;
		catalogue_order_remove(rows, &n, cur->id);
		if ((rc = catalogue_order_store(c, ws_id, actor, &factor_order, rows, n, cur->id,
						NULL, now)) != ADV_OK)
			return rc;
	} else if (!(mask & LOYALTY_BIT(LF_POSITION))) {
		return ADV_OK;
	}
	return entry_place(c, a, ws_id, actor, &factor_order, x->component_id, NULL, cur->id,
			   (mask & LOYALTY_BIT(LF_POSITION)) ? patch->position : 0, &x->position,
			   now);
}

enum adv_err
loyalty_factor_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		      int64_t expect_version, const struct loyalty_factor *patch, uint32_t mask,
		      struct loyalty_factor *out, struct adv_errbuf *eb)
{
	struct loyalty_factor cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = factor_check(patch, mask, eb)) != ADV_OK)
		goto out;
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = entry_found(loyalty_factor_get(c, a, ws_id, id, &cur), eb, "factor", id)) !=
		ADV_OK ||
	    (rc = entry_version_check(eb, "factor", expect_version, cur.version)) != ADV_OK)
		goto out;
	x = cur;
	if ((mask & LOYALTY_BIT(LF_TEXT)) &&
	    (rc = catalogue_text_merge(a, eb, "/text", &cur.text, &patch->text, true,
				       LOYALTY_FACTOR_TEXT_MAX, false, &x.text)) != ADV_OK)
		goto out;
	if (mask & LOYALTY_BIT(LF_POLARITY))
		x.polarity = patch->polarity;
	if (mask & LOYALTY_BIT(LF_ACTIVE))
		x.active = patch->active;
	if ((mask & LOYALTY_BIT(LF_COMPONENT)) && patch->component_id != cur.component_id) {
		if ((rc = factor_component_check(c, a, ws_id, patch->component_id, eb)) != ADV_OK ||
		    (rc = factor_unobserved(c, ws_id, id, eb)) != ADV_OK)
			goto out;
		x.component_id = patch->component_id;
	}
	if ((rc = factor_journey(c, a, ws_id, patch, mask, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((rc = factor_move(c, a, ws_id, actor, &cur, patch, mask, &x, now)) != ADV_OK)
		goto out;
	if ((before = factor_fields(&cur)) == NULL || (after = factor_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if ((rc = db_prepare(c, &sql_factor_update, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, x.component_id);
	db_bind_text(st, 4, x.text.ru);
	db_bind_text(st, 5, x.text.en);
	db_bind_int(st, 6, x.polarity);
	db_bind_int(st, 7, x.position);
	db_bind_int(st, 8, x.active ? 1 : 0);
	bind_id(st, 9, x.stage_id);
	bind_id(st, 10, x.item_id);
	db_bind_text(st, 11, now);
	db_bind_int(st, 12, cur.version);
	if ((rc = db_exec(st)) != ADV_OK || (rc = entry_audit(c, ws_id, actor, "loyalty_factor", id,
							      "update", before, after)) != ADV_OK)
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
loyalty_factor_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
		     int64_t component_id, const int64_t *ids, size_t n, struct adv_errbuf *eb)
{
	struct catalogue_slot *rows;
	char now[CLOCK_TEXT_MAX];
	struct tx t;
	size_t nrows;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	clock_now_plus(0, now);
	if ((rc = factor_component_check(c, a, ws_id, component_id, eb)) == ADV_OK &&
	    (rc = entry_slots(c, a, &factor_order, ws_id, component_id, NULL, &rows, &nrows)) ==
		ADV_OK &&
	    (rc = catalogue_order_permute(a, rows, nrows, ids, n, eb)) == ADV_OK)
		rc = catalogue_order_store(c, ws_id, actor, &factor_order, rows, nrows, 0, NULL,
					   now);
	return tx_end(c, &t, rc);
}
