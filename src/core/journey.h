/*
 * journey.h — the workspace's customer journey map (docs/loyalty.md): ordered
 * stages (Поиск → Выбор → Покупка → Удержание → Лояльность in the seed),
 * each with the customer's goal and questions, and its touchpoints and
 * solutions; and the live figures of every stage, computed from the
 * assessments within the workspace's factor window: factor observations tied
 * to the stage (through the factor or the assessment), the share of them
 * that are negative, and the mean of all clients' latest scores of the
 * components related to the stage.
 *
 * Stages and items are archived, never deleted. Strings in returned structs
 * are owned by the arena passed in. Every function takes the workspace id
 * and touches only that workspace's rows. Writes run in their own
 * transaction unless the connection already has one open (then they join it
 * as a savepoint) and are audited ("journey_stage", "journey_item").
 */
#ifndef ADV_CORE_JOURNEY_H
#define ADV_CORE_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalogue.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/err.h"

#define JOURNEY_NAME_MAX 200  /* characters of a stage's or item's name, per language */
#define JOURNEY_TEXT_MAX 2000 /* characters of a goal or of questions, per language */

enum journey_kind { JOURNEY_TOUCHPOINT, JOURNEY_SOLUTION, JOURNEY_KIND__MAX };

/* Fields of a stage, for patches (a bit per field) and audit. */
enum journey_stage_field {
	JS_CODE,
	JS_NAME,
	JS_GOAL,
	JS_QUESTIONS,
	JS_POSITION,
	JS_ARCHIVED,
	JS__MAX
};

/* Fields of an item, for patches (a bit per field) and audit. */
enum journey_item_field { JI_NAME, JI_POSITION, JI_ARCHIVED, JI__MAX };

struct journey_item {
	int64_t id;
	int64_t stage_id;
	enum journey_kind kind;
	struct loyalty_text name;
	int64_t position; /* among the items of its stage and kind */
	bool archived;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	int64_t signals; /* journey_load: observations tied to the item */
};

/* The live figures of a stage (journey_load). */
struct journey_figures {
	int64_t signals;     /* factor observations tied to the stage */
	int64_t negative;    /* those of a negative factor */
	int64_t component_n; /* latest scores of the related components */
	double component_sum;
};

struct journey_stage {
	int64_t id;
	const char *code;
	struct loyalty_text name;
	struct loyalty_text goal;      /* ru NULL: none */
	struct loyalty_text questions; /* ru NULL: none */
	int64_t position;
	bool archived;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	struct journey_item
	    *items; /* journey_load: touchpoints, then solutions, each by position */
	size_t nitems;
	struct journey_figures fig;
};

struct journey_map {
	int64_t window_months;
	char window_start[DATE_TEXT_SIZE]; /* observations on or after it count */
	struct journey_stage *stages;	   /* by position */
	size_t n;
};

/* "touchpoint" / "solution" (static storage). */
const char *journey_kind_name(enum journey_kind k);

/* The kind named s in *out; false when s names none. */
bool journey_kind_parse(const char *s, enum journey_kind *out);

/*
 * The journey map with live figures: the stages and items that are not
 * archived (all of them with include_archived), the window ending today
 * (YYYY-MM-DD; NULL = the current UTC date). Figures count current
 * assessment versions of live (not archived) clients dated within the
 * window; component means use active components only.
 */
enum adv_err journey_load(struct db_conn *c, struct arena *a, int64_t ws_id, bool include_archived,
			  const char *today, struct journey_map *out);

/* One stage (no items, no figures); ADV_ENOTFOUND when not in this workspace. */
enum adv_err journey_stage_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			       struct journey_stage *out);

/* One item; ADV_ENOTFOUND when not in this workspace. */
enum adv_err journey_item_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
			      struct journey_item *out);

/*
 * Creates a stage from in: name required (ru at least); code (else
 * "s<id>"), goal, questions and position when their bits are in mask.
 * ADV_EINVAL naming the field; ADV_ECONFLICT "/code" when the code is taken.
 */
enum adv_err journey_stage_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				  const struct journey_stage *in, uint32_t mask,
				  struct journey_stage *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to stage id at expect_version (0 =
 * any); archived hides it (and restores it). Errors as
 * loyalty_component_update.
 */
enum adv_err journey_stage_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				  int64_t id, int64_t expect_version,
				  const struct journey_stage *patch, uint32_t mask,
				  struct journey_stage *out, struct adv_errbuf *eb);

/*
 * Puts the stages that are not archived in the order of ids[0..n), which
 * must name each of them once (ADV_EINVAL "/ids"); archived ones keep their
 * places.
 */
enum adv_err journey_stage_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 const int64_t *ids, size_t n, struct adv_errbuf *eb);

/*
 * Adds a touchpoint or solution (in->kind, in->name; position when its bit
 * is in mask) to stage stage_id (ADV_ENOTFOUND when not the workspace's).
 */
enum adv_err journey_item_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t stage_id, const struct journey_item *in, uint32_t mask,
				 struct journey_item *out, struct adv_errbuf *eb);

/* Applies name, position and archived of patch (per mask) to item id at expect_version. */
enum adv_err journey_item_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				 int64_t id, int64_t expect_version,
				 const struct journey_item *patch, uint32_t mask,
				 struct journey_item *out, struct adv_errbuf *eb);

#endif
