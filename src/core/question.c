/*
 * question.c — the questionnaires of studies (see question.h): the rules of
 * each kind of question, the checks of options and of the ids a question
 * names, versioned edits, positions within the study, codes unique within
 * the study, retirement and audit, through core/entry.h. A choice
 * question's options are stored as one JSON text. All SQL about questions
 * lives here.
 */
#include "core/question.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/competitor.h"
#include "core/entry.h"
#include "core/journey.h"
#include "core/study.h"
#include "core/tx.h"
#include "util/clock.h"

#define CODE_PLACEHOLDER "#new" /* the code of a question being created, until it is settled */
#define POINTER_MAX	 64

/* The fields that some kinds allow and others do not. */
#define KIND_FIELDS (QF_BIT(QF_COMPONENT) | QF_BIT(QF_COMPETITOR) | QF_BIT(QF_OPTIONS))

static const struct question_kind_rule kind_rules[QK__MAX] = {
    [QK_RECOMMEND] = {"recommend", 0, 0},
    [QK_COMPONENT] = {"component", QF_BIT(QF_COMPONENT), QF_BIT(QF_COMPONENT)},
    [QK_COMPETITOR_COMPONENT] = {"competitor_component",
				 QF_BIT(QF_COMPONENT) | QF_BIT(QF_COMPETITOR),
				 QF_BIT(QF_COMPONENT) | QF_BIT(QF_COMPETITOR)},
    [QK_SATISFACTION] = {"satisfaction", 0, 0},
    [QK_INTENTION] = {"intention", 0, 0},
    [QK_FACTORS] = {"factors", QF_BIT(QF_COMPONENT), 0},
    [QK_CHOICE] = {"choice", QF_BIT(QF_OPTIONS), QF_BIT(QF_OPTIONS)},
    [QK_TEXT] = {"text", 0, 0},
};

/* The JSON member of each field, for messages. */
static const char *const field_names[QF__MAX] = {
    [QF_CODE] = "code",
    [QF_KIND] = "kind",
    [QF_TEXT] = "text",
    [QF_COMPONENT] = "component_id",
    [QF_COMPETITOR] = "competitor_id",
    [QF_OPTIONS] = "options",
    [QF_REQUIRED] = "required",
    [QF_POSITION] = "position",
    [QF_STAGE] = "stage_id",
    [QF_ACTIVE] = "active",
};

#define QUESTION_COLS                                                                              \
	"id, study_id, code, kind, text_ru, text_en, component_id, competitor_id, options,"        \
	" required, position, stage_id, active, version, created_at, updated_at"

static struct db_sql sql_list =
    DB_SQL("SELECT " QUESTION_COLS " FROM study_questions WHERE workspace_id = ?1"
	   " AND study_id = ?2 AND (active = 1 OR ?3 = 1) ORDER BY position, id");
static struct db_sql sql_get =
    DB_SQL("SELECT " QUESTION_COLS " FROM study_questions WHERE workspace_id = ?1 AND id = ?2");
/* The study is the one of question ?3 (a question is inserted before its code is settled). */
static struct db_sql sql_code_taken =
    DB_SQL("SELECT id FROM study_questions WHERE workspace_id = ?1 AND code = ?2 AND id <> ?3"
	   " AND study_id = (SELECT study_id FROM study_questions WHERE workspace_id = ?1"
	   " AND id = ?3)");
static struct db_sql sql_set_code =
    DB_SQL("UPDATE study_questions SET code = ?3 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_insert =
    DB_SQL("INSERT INTO study_questions (workspace_id, study_id, code, kind, text_ru, text_en,"
	   " component_id, competitor_id, options, required, position, stage_id, active, version,"
	   " created_at, updated_at)"
	   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, 1, ?13, ?13)"
	   " RETURNING id");
static struct db_sql sql_update =
    DB_SQL("UPDATE study_questions SET code = ?3, text_ru = ?4, text_en = ?5, component_id = ?6,"
	   " competitor_id = ?7, options = ?8, required = ?9, position = ?10, stage_id = ?11,"
	   " active = ?12, version = version + 1, updated_at = ?13"
	   " WHERE workspace_id = ?1 AND id = ?2 AND version = ?14");
static struct db_sql sql_slots =
    DB_SQL("SELECT id, position, CASE WHEN active = 1 THEN 0 ELSE 1 END FROM study_questions"
	   " WHERE workspace_id = ?1 AND study_id = ?2 ORDER BY position, id");
static struct db_sql sql_position =
    DB_SQL("UPDATE study_questions SET position = ?3, version = version + 1, updated_at = ?4"
	   " WHERE workspace_id = ?1 AND id = ?2");

static const struct catalogue_order_kind question_order_kind = {&sql_position, "study_question",
								&sql_slots};
static const struct entry_code_kind question_code = {
    &sql_code_taken, &sql_set_code, "q", "a question of this study has the code '%s' already"};

const struct question_kind_rule *
question_kind_rules(enum question_kind k)
{
	return &kind_rules[(unsigned)k < QK__MAX ? k : QK_RECOMMEND];
}

const char *
question_kind_name(enum question_kind k)
{
	return question_kind_rules(k)->name;
}

bool
question_kind_parse(const char *s, enum question_kind *out)
{
	for (int k = 0; s != NULL && k < QK__MAX; k++)
		if (strcmp(s, kind_rules[k].name) == 0) {
			*out = (enum question_kind)k;
			return true;
		}
	return false;
}

/* An id as JSON: null for 0. */
static json_t *
id_json(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* The options of x as JSON ([{"code","text"}], null when none); new reference. */
static json_t *
options_json(const struct question *x)
{
	json_t *arr;

	if (x->noptions == 0)
		return json_null();
	if ((arr = json_array()) == NULL)
		return NULL;
	for (size_t i = 0; i < x->noptions; i++)
		if (json_array_append_new(
			arr, json_pack("{s:s, s:o}", "code", x->options[i].code, "text",
				       loyalty_text_json(&x->options[i].text))) != 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* The fields of a question that edits change (for audit and the API); new reference. */
static json_t *
question_fields(const struct question *x)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:I, s:o, s:b}", "code", x->code,
			 "kind", question_kind_name(x->kind), "text", loyalty_text_json(&x->text),
			 "component_id", id_json(x->component_id), "competitor_id",
			 id_json(x->competitor_id), "options", options_json(x), "required",
			 x->required, "position", (json_int_t)x->position, "stage_id",
			 id_json(x->stage_id), "active", x->active);
}

json_t *
question_json(const struct question *x)
{
	json_t *j = question_fields(x), *head;

	if (j == NULL)
		return NULL;
	head =
	    json_pack("{s:I, s:I}", "id", (json_int_t)x->id, "study_id", (json_int_t)x->study_id);
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

/* Reads the stored options text into x->options (arena copies); ADV_ENOMEM. */
static enum adv_err
read_options(struct arena *a, const char *text, struct question *x)
{
	json_t *arr = json_loads(text, 0, NULL), *o;
	enum adv_err rc = ADV_OK;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		json_decref(arr);
		return ADV_OK;
	}
	if ((x->options = arena_zalloc(a, json_array_size(arr) * sizeof(*x->options))) == NULL) {
		json_decref(arr);
		return ADV_ENOMEM;
	}
	json_array_foreach(arr, i, o)
	{
		json_t *t = json_object_get(o, "text");
		struct question_option *opt = &x->options[i];

		opt->code = arena_strdup(a, json_string_value(json_object_get(o, "code")));
		opt->text.ru = arena_strdup(a, json_string_value(json_object_get(t, "ru")));
		opt->text.en = arena_strdup(a, json_string_value(json_object_get(t, "en")));
		if (opt->code == NULL || opt->text.ru == NULL || opt->text.en == NULL) {
			rc = ADV_ENOMEM;
			break;
		}
	}
	x->noptions = rc == ADV_OK ? json_array_size(arr) : 0;
	json_decref(arr);
	return rc;
}

/* Reads the current row of st (QUESTION_COLS) into the struct question at entry. */
static enum adv_err
read_question(struct db_stmt *st, struct arena *a, void *entry)
{
	struct question *out = entry;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->study_id = db_col_int(st, 1);
	out->code = entry_col_text(st, 2, a, &oom);
	if (!question_kind_parse(db_col_text(st, 3), &out->kind))
		out->kind = QK_TEXT;
	out->text.ru = entry_col_text(st, 4, a, &oom);
	out->text.en = entry_col_text(st, 5, a, &oom);
	out->component_id = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
	out->competitor_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
	if (!db_col_null(st, 8) && read_options(a, db_col_text(st, 8), out) != ADV_OK)
		oom = true;
	out->required = db_col_int(st, 9) != 0;
	out->position = db_col_int(st, 10);
	out->stage_id = db_col_null(st, 11) ? 0 : db_col_int(st, 11);
	out->active = db_col_int(st, 12) != 0;
	out->version = db_col_int(st, 13);
	out->created_at = entry_col_text(st, 14, a, &oom);
	out->updated_at = entry_col_text(st, 15, a, &oom);
	return oom ? ADV_ENOMEM : ADV_OK;
}

/* ADV_ENOTFOUND "no such study" unless study_id is a study of the workspace. */
static enum adv_err
study_found(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
	    struct adv_errbuf *eb)
{
	struct study s;

	return entry_found(study_get(c, a, ws_id, study_id, &s), eb, "study", study_id);
}

enum adv_err
question_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
	      bool include_retired, struct question **items, size_t *n)
{
	struct db_stmt *st;
	enum adv_err rc;
	void *v;

	*items = NULL;
	*n = 0;
	if ((rc = study_found(c, a, ws_id, study_id, NULL)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_list, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_int(st, 3, include_retired ? 1 : 0);
	if ((rc = entry_list(st, a, sizeof(**items), read_question, &v, n)) == ADV_OK)
		*items = v;
	return rc;
}

enum adv_err
question_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id, int64_t id,
	     struct question *out)
{
	enum adv_err rc = entry_get(c, a, &sql_get, ws_id, id, read_question, out);

	if (rc == ADV_OK && out->study_id != study_id)
		rc = ADV_ENOTFOUND;
	return rc;
}

/*
 * Checks the options of in (bit QF_OPTIONS of mask; null clears them) and
 * puts them, trimmed, into x: QUESTION_OPTIONS_MIN..MAX of them, each code
 * valid and unique within the question, each text with ru.
 */
static enum adv_err
options_merge(struct arena *a, const struct question *in, struct question *x, struct adv_errbuf *eb)
{
	char ptr[POINTER_MAX];
	enum adv_err rc;

	x->options = NULL;
	x->noptions = 0;
	if (in->options_null)
		return ADV_OK;
	if (in->noptions < QUESTION_OPTIONS_MIN || in->noptions > QUESTION_OPTIONS_MAX)
		return adv_fail(eb, ADV_EINVAL, "/options",
				"options must hold %d to %d options (%zu given)",
				QUESTION_OPTIONS_MIN, QUESTION_OPTIONS_MAX, in->noptions);
	if ((x->options = arena_zalloc(a, in->noptions * sizeof(*x->options))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < in->noptions; i++) {
		const struct question_option *o = &in->options[i];

		snprintf(ptr, sizeof(ptr), "/options/%zu/code", i);
		if (!catalogue_code_valid(o->code))
			return adv_fail(eb, ADV_EINVAL, ptr,
					"an option's code must be 1 to %d characters of a-z, 0-9, "
					"'_' and '-'",
					LOYALTY_CODE_MAX);
		for (size_t k = 0; k < i; k++)
			if (strcmp(in->options[k].code, o->code) == 0)
				return adv_fail(eb, ADV_EINVAL, ptr,
						"option %zu has the code '%s' already", k, o->code);
		snprintf(ptr, sizeof(ptr), "/options/%zu/text", i);
		if ((rc = catalogue_text_merge(a, eb, ptr, NULL, &o->text, true,
					       QUESTION_OPTION_TEXT_MAX, false,
					       &x->options[i].text)) != ADV_OK)
			return rc;
		x->options[i].code = o->code;
	}
	x->noptions = in->noptions;
	return ADV_OK;
}

/*
 * Checks x against the rules of its kind: a field the kind does not allow
 * is refused at that field, a field it needs must be there.
 */
static enum adv_err
kind_check(const struct question *x, struct adv_errbuf *eb)
{
	const struct question_kind_rule *rule = question_kind_rules(x->kind);
	char ptr[POINTER_MAX];
	uint32_t has = 0;

	if (x->component_id > 0)
		has |= QF_BIT(QF_COMPONENT);
	if (x->competitor_id > 0)
		has |= QF_BIT(QF_COMPETITOR);
	if (x->noptions > 0)
		has |= QF_BIT(QF_OPTIONS);
	for (int f = 0; f < QF__MAX; f++) {
		if (!(KIND_FIELDS & QF_BIT(f)))
			continue;
		snprintf(ptr, sizeof(ptr), "/%s", field_names[f]);
		if ((has & QF_BIT(f)) && !(rule->allows & QF_BIT(f)))
			return adv_fail(eb, ADV_EINVAL, ptr,
					"%s is not allowed for a question of kind %s",
					field_names[f], rule->name);
		if (!(has & QF_BIT(f)) && (rule->needs & QF_BIT(f)))
			return adv_fail(eb, ADV_EINVAL, ptr,
					"%s is required for a question of kind %s", field_names[f],
					rule->name);
	}
	return ADV_OK;
}

/*
 * Applies the fields in mask of in to x (holding the stored question, or
 * zeroes on create) that need no database: text (required), code, ids,
 * options, required, active and the position's range; then the rules of the
 * kind. cur is the stored question (NULL on create).
 */
static enum adv_err
question_merge(struct arena *a, const struct question *cur, const struct question *in,
	       uint32_t mask, struct question *x, struct adv_errbuf *eb)
{
	enum adv_err rc;

	if ((cur == NULL || (mask & QF_BIT(QF_TEXT))) &&
	    (rc = catalogue_text_merge(a, eb, "/text", cur ? &cur->text : NULL, &in->text, true,
				       QUESTION_TEXT_MAX, true, &x->text)) != ADV_OK)
		return rc;
	if ((mask & QF_BIT(QF_CODE)) && !catalogue_code_valid(in->code))
		return adv_fail(eb, ADV_EINVAL, "/code",
				"code must be 1 to %d characters of a-z, 0-9, '_' and '-'",
				LOYALTY_CODE_MAX);
	if ((mask & QF_BIT(QF_POSITION)) && in->position < 1)
		return adv_fail(eb, ADV_EINVAL, "/position", "position must be 1 or more");
	if ((mask & QF_BIT(QF_COMPONENT)) && in->component_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/component_id", "component_id must be an id");
	if ((mask & QF_BIT(QF_COMPETITOR)) && in->competitor_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/competitor_id", "competitor_id must be an id");
	if ((mask & QF_BIT(QF_STAGE)) && in->stage_id < 0)
		return adv_fail(eb, ADV_EINVAL, "/stage_id", "stage_id must be an id");
	if (mask & QF_BIT(QF_CODE))
		x->code = in->code;
	if (mask & QF_BIT(QF_COMPONENT))
		x->component_id = in->component_id;
	if (mask & QF_BIT(QF_COMPETITOR))
		x->competitor_id = in->competitor_id;
	if (mask & QF_BIT(QF_STAGE))
		x->stage_id = in->stage_id;
	if (mask & QF_BIT(QF_REQUIRED))
		x->required = in->required;
	if (mask & QF_BIT(QF_ACTIVE))
		x->active = in->active;
	if ((mask & QF_BIT(QF_OPTIONS)) && (rc = options_merge(a, in, x, eb)) != ADV_OK)
		return rc;
	return kind_check(x, eb);
}

/*
 * Checks the ids x names that differ from the stored ones of cur (NULL on
 * create): the component active, the competitor live, the stage not
 * archived, each of this workspace; ADV_EINVAL at the field otherwise.
 */
static enum adv_err
refs_check(struct db_conn *c, struct arena *a, int64_t ws_id, const struct question *cur,
	   const struct question *x, struct adv_errbuf *eb)
{
	struct loyalty_component comp;
	struct competitor rival;
	struct journey_stage stage;
	enum adv_err rc;

	if (x->component_id > 0 && (cur == NULL || cur->component_id != x->component_id)) {
		rc = loyalty_component_get(c, a, ws_id, x->component_id, &comp);
		if (rc == ADV_ENOTFOUND || (rc == ADV_OK && !comp.active))
			return adv_fail(eb, ADV_EINVAL, "/component_id",
					"component_id %lld is not an active component of this "
					"workspace",
					(long long)x->component_id);
		if (rc != ADV_OK)
			return rc;
	}
	if (x->competitor_id > 0 && (cur == NULL || cur->competitor_id != x->competitor_id)) {
		rc = competitor_get(c, a, ws_id, x->competitor_id, &rival);
		if (rc == ADV_ENOTFOUND || (rc == ADV_OK && rival.archived_at != NULL))
			return adv_fail(eb, ADV_EINVAL, "/competitor_id",
					"competitor_id %lld is not a live competitor of this "
					"workspace",
					(long long)x->competitor_id);
		if (rc != ADV_OK)
			return rc;
	}
	if (x->stage_id > 0 && (cur == NULL || cur->stage_id != x->stage_id)) {
		rc = journey_stage_get(c, a, ws_id, x->stage_id, &stage);
		if (rc == ADV_ENOTFOUND || (rc == ADV_OK && stage.archived))
			return adv_fail(
			    eb, ADV_EINVAL, "/stage_id",
			    "stage_id %lld is not a live journey stage of this workspace",
			    (long long)x->stage_id);
		if (rc != ADV_OK)
			return rc;
	}
	return ADV_OK;
}

/* Binds a nullable id to parameter i. */
static void
bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id > 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* Binds the options of x as JSON text (NULL when none) to parameter i. */
static enum adv_err
bind_options(struct db_stmt *st, int i, const struct question *x)
{
	json_t *j;
	char *text;
	enum adv_err rc;

	if (x->noptions == 0)
		return db_bind_null(st, i);
	if ((j = options_json(x)) == NULL)
		return ADV_ENOMEM;
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		return ADV_ENOMEM;
	rc = db_bind_text(st, i, text);
	free(text);
	return rc;
}

/* Settles the code of the new question x->id: the given x->code, or one made from the id. */
static enum adv_err
code_settle(struct db_conn *c, struct arena *a, int64_t ws_id, struct question *x,
	    struct adv_errbuf *eb)
{
	struct db_stmt *st;
	enum adv_err rc;

	if (x->code == NULL)
		return entry_code_make(c, a, &question_code, ws_id, x->id, &x->code);
	if ((rc = entry_code_free(c, &question_code, ws_id, x->code, x->id, eb)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_set_code, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, x->code);
	return db_exec(st);
}

enum adv_err
question_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
		const struct question *in, uint32_t mask, struct question *out,
		struct adv_errbuf *eb)
{
	struct question x = {0};
	char now[CLOCK_TEXT_MAX];
	json_t *after = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, row;
	enum adv_err rc;

	mask &= ~QF_BIT(QF_ACTIVE);
	if ((unsigned)in->kind >= QK__MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/kind", "kind is not a kind of question");
		goto out;
	}
	x.kind = in->kind;
	x.study_id = study_id;
	x.active = true;
	x.version = 1;
	if ((rc = question_merge(a, NULL, in, mask, &x, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((x.created_at = x.updated_at = arena_strdup(a, now)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = study_found(c, a, ws_id, study_id, eb)) != ADV_OK ||
	    (rc = refs_check(c, a, ws_id, NULL, &x, eb)) != ADV_OK)
		goto out;
	if ((rc = entry_place(c, a, ws_id, actor, &question_order_kind, study_id, NULL, 0,
			      (mask & QF_BIT(QF_POSITION)) ? in->position : 0, &x.position, now)) !=
	    ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_insert, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, study_id);
	db_bind_text(st, 3, CODE_PLACEHOLDER);
	db_bind_text(st, 4, question_kind_name(x.kind));
	db_bind_text(st, 5, x.text.ru);
	db_bind_text(st, 6, x.text.en);
	bind_id(st, 7, x.component_id);
	bind_id(st, 8, x.competitor_id);
	if ((rc = bind_options(st, 9, &x)) != ADV_OK)
		goto out;
	db_bind_int(st, 10, x.required ? 1 : 0);
	db_bind_int(st, 11, x.position);
	bind_id(st, 12, x.stage_id);
	db_bind_text(st, 13, now);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	x.id = db_col_int(st, 0);
	db_done(st);
	if ((rc = code_settle(c, a, ws_id, &x, eb)) != ADV_OK)
		goto out;
	if ((after = question_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = entry_audit(c, ws_id, actor, "study_question", x.id, "create", NULL, after)) !=
	    ADV_OK)
		goto out;
	*out = x;
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(after);
	return rc;
}

/* Writes every field of x over question x->id at version (one bump). */
static enum adv_err
question_write(struct db_conn *c, int64_t ws_id, const struct question *x, int64_t version,
	       const char *now)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_update, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, x->code);
	db_bind_text(st, 4, x->text.ru);
	db_bind_text(st, 5, x->text.en);
	bind_id(st, 6, x->component_id);
	bind_id(st, 7, x->competitor_id);
	if ((rc = bind_options(st, 8, x)) != ADV_OK)
		return rc;
	db_bind_int(st, 9, x->required ? 1 : 0);
	db_bind_int(st, 10, x->position);
	bind_id(st, 11, x->stage_id);
	db_bind_int(st, 12, x->active ? 1 : 0);
	db_bind_text(st, 13, now);
	db_bind_int(st, 14, version);
	return db_exec(st);
}

enum adv_err
question_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
		int64_t id, int64_t expect_version, const struct question *patch, uint32_t mask,
		struct question *out, struct adv_errbuf *eb)
{
	struct question cur, x;
	char now[CLOCK_TEXT_MAX];
	json_t *before = NULL, *after = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if ((rc = study_found(c, a, ws_id, study_id, eb)) != ADV_OK ||
	    (rc = entry_found(question_get(c, a, ws_id, study_id, id, &cur), eb, "question", id)) !=
		ADV_OK ||
	    (rc = entry_version_check(eb, "question", expect_version, cur.version)) != ADV_OK)
		goto out;
	if ((mask & QF_BIT(QF_KIND)) && patch->kind != cur.kind) {
		rc = adv_fail(eb, ADV_EINVAL, "/kind",
			      "the kind of a question cannot change once set (it is %s); retire "
			      "it and add a new one",
			      question_kind_name(cur.kind));
		goto out;
	}
	x = cur;
	if ((rc = question_merge(a, &cur, patch, mask, &x, eb)) != ADV_OK ||
	    (rc = refs_check(c, a, ws_id, &cur, &x, eb)) != ADV_OK)
		goto out;
	if (strcmp(x.code, cur.code) != 0 &&
	    (rc = entry_code_free(c, &question_code, ws_id, x.code, id, eb)) != ADV_OK)
		goto out;
	clock_now_plus(0, now);
	if ((mask & QF_BIT(QF_POSITION)) &&
	    (rc = entry_place(c, a, ws_id, actor, &question_order_kind, study_id, NULL, id,
			      patch->position, &x.position, now)) != ADV_OK)
		goto out;
	if ((before = question_fields(&cur)) == NULL || (after = question_fields(&x)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = cur;
	if (json_equal(before, after))
		goto out;
	if ((rc = question_write(c, ws_id, &x, cur.version, now)) != ADV_OK ||
	    (rc = entry_audit(c, ws_id, actor, "study_question", id, "update", before, after)) !=
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
question_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t study_id,
	       const int64_t *ids, size_t n, struct adv_errbuf *eb)
{
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		return rc;
	if ((rc = study_found(c, a, ws_id, study_id, eb)) == ADV_OK)
		rc = entry_reorder(c, a, ws_id, actor, &question_order_kind, study_id, NULL, ids, n,
				   eb);
	return tx_end(c, &t, rc);
}
