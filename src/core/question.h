/*
 * question.h — the questionnaire of a study (docs/research.md,
 * "Questionnaires"): typed questions in Russian and English — likelihood to
 * recommend, a rating of a loyalty component, the same rating for a named
 * competitor, overall satisfaction, intention to stay, the factors that
 * apply, one of a list of options, open text — each with a code unique
 * within its study (the column of imports and exports), an optional tie to a
 * journey stage, a place in the study's order, and a required mark.
 *
 * The kind of a question is fixed when it is made; each kind allows and
 * needs its own fields (question_kind_rules). Questions are retired
 * ("active": false), never deleted. Positions, codes, versions and audit
 * work as for the loyalty catalogue's entries (core/entry.h). Strings in
 * returned structs are owned by the arena passed in. Every function takes
 * the workspace id and touches only that workspace's rows. Writes run in
 * their own transaction unless the connection already has one open (then
 * they join it as a savepoint), and each writes audit entries (entity type
 * "study_question").
 */
#ifndef ADV_CORE_QUESTION_H
#define ADV_CORE_QUESTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalogue.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define QUESTION_TEXT_MAX	 2000 /* characters of a question's text, per language */
#define QUESTION_OPTION_TEXT_MAX 500  /* characters of an option's text, per language */
#define QUESTION_OPTIONS_MIN	 2    /* options of a choice question */
#define QUESTION_OPTIONS_MAX	 50

enum question_kind {
	QK_RECOMMEND,		 /* likelihood to recommend, 0–10 */
	QK_COMPONENT,		 /* a rating of a loyalty component on the workspace's scale */
	QK_COMPETITOR_COMPONENT, /* the same rating for a named competitor */
	QK_SATISFACTION,	 /* overall satisfaction on the workspace's scale */
	QK_INTENTION,		 /* intention to stay / buy again on the workspace's scale */
	QK_FACTORS,		 /* the catalogue's factors that apply */
	QK_CHOICE,		 /* one of the options */
	QK_TEXT,		 /* open text */
	QK__MAX
};

/* Fields of a question, for patches (a bit per field) and audit. */
enum question_field {
	QF_CODE,
	QF_KIND,
	QF_TEXT,
	QF_COMPONENT,
	QF_COMPETITOR,
	QF_OPTIONS,
	QF_REQUIRED,
	QF_POSITION,
	QF_STAGE,
	QF_ACTIVE,
	QF__MAX
};

#define QF_BIT(f) (1u << (f))

/* What a kind of question allows and needs among QF_COMPONENT, QF_COMPETITOR and QF_OPTIONS. */
struct question_kind_rule {
	const char *name;
	uint32_t allows; /* QF_BIT()s of the fields it may have */
	uint32_t needs;	 /* QF_BIT()s of the fields it must have */
};

/* One option of a choice question. */
struct question_option {
	const char *code; /* 1..LOYALTY_CODE_MAX of a-z 0-9 _ -, unique within the question */
	struct loyalty_text text;
};

struct question {
	int64_t id;
	int64_t study_id;
	const char *code;
	enum question_kind kind;
	struct loyalty_text text;
	int64_t component_id;		 /* 0: none */
	int64_t competitor_id;		 /* 0: none */
	struct question_option *options; /* noptions of them; NULL (0) unless a choice */
	size_t noptions;
	bool options_null; /* as input: "options": null */
	bool required;
	int64_t position;
	int64_t stage_id; /* 0: not tied to a journey stage */
	bool active;
	int64_t version;
	const char *created_at;
	const char *updated_at;
};

/* The rules of kind k (static storage; kind recommend's for an unknown k). */
const struct question_kind_rule *question_kind_rules(enum question_kind k);

/* "recommend", "component", … (static storage). */
const char *question_kind_name(enum question_kind k);

/* The kind named s in *out; false when s names none. */
bool question_kind_parse(const char *s, enum question_kind *out);

/*
 * The questions of study_id in position order: the active ones, or all of
 * them with include_retired. *items is an arena array of *n. ADV_ENOTFOUND
 * when the study is not the workspace's.
 */
enum adv_err question_list(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			   bool include_retired, struct question **items, size_t *n);

/*
 * Question id of study_id (retired ones too); ADV_ENOTFOUND when it is not
 * a question of that study of this workspace.
 */
enum adv_err question_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t study_id,
			  int64_t id, struct question *out);

/*
 * Adds a question to study_id (ADV_ENOTFOUND "no such study" when not the
 * workspace's) from in as actor: kind and text (ru at least) required; the
 * fields in mask among code (else "q<id>"), component_id, competitor_id,
 * options, required (else false), position (else last) and stage_id are
 * taken from in. Per kind: component_id an active component of the
 * workspace (needed by component and competitor_component, allowed for
 * factors), competitor_id a live competitor (competitor_component only),
 * options 2..QUESTION_OPTIONS_MAX with unique codes (choice only); stage_id
 * a journey stage that is not archived. A field the kind does not allow, a
 * needed one missing, or an id that is not such an entry of this workspace
 * is ADV_EINVAL naming it ("/component_id", "/options/2/code"). ADV_ECONFLICT
 * "/code" when another question of the study has the code. A position
 * before the end moves the later questions down (each audited "reorder").
 */
enum adv_err question_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t study_id, const struct question *in, uint32_t mask,
			     struct question *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to question id of study_id when its
 * version is expect_version (0 = any): text, code, component, competitor,
 * options (replaced as a whole), required, position (a move), stage and
 * active (retire, restore), by the rules of question_create; ids already
 * stored are not checked again. The kind cannot change (ADV_EINVAL "/kind"
 * when patch names another). Bumps the version and audits what changed (a
 * patch that changes nothing changes nothing). ADV_ENOTFOUND; ADV_EPRECOND;
 * ADV_EINVAL/ADV_ECONFLICT naming the field.
 */
enum adv_err question_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			     int64_t study_id, int64_t id, int64_t expect_version,
			     const struct question *patch, uint32_t mask, struct question *out,
			     struct adv_errbuf *eb);

/*
 * Puts the active questions of study_id (ADV_ENOTFOUND when not the
 * workspace's) in the order of ids[0..n), which must name each of them once
 * (ADV_EINVAL "/ids"); retired ones keep their places. Each question that
 * moves gets a new version and an audit entry ("reorder").
 */
enum adv_err question_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
			    int64_t study_id, const int64_t *ids, size_t n, struct adv_errbuf *eb);

/* The question as the API shows it (docs/research.md); new reference, NULL when out of memory. */
json_t *question_json(const struct question *x);

#endif
