/*
 * catalogue.h — the workspace's loyalty catalogue (docs/loyalty.md): the
 * score scale and factor window (settings), the components of loyalty
 * ("Условия работы", "Сервис", …) with their weights, and the positive,
 * negative and neutral factors of each component; plus the seeding of a new
 * workspace with the seed's catalogue and journey map, and the ordering
 * helpers that the catalogue and the journey map (core/journey.c) share.
 *
 * Nothing here is ever deleted: components and factors are retired
 * ("active": false) and brought back. Texts exist in Russian and English.
 * Strings in returned structs are owned by the arena passed in. Every
 * function takes the workspace id and touches only that workspace's rows.
 * Writes run in their own transaction unless the connection already has one
 * open (then they join it as a savepoint), and each writes audit entries
 * (entity types "loyalty_settings", "loyalty_component", "loyalty_factor").
 */
#ifndef ADV_CORE_CATALOGUE_H
#define ADV_CORE_CATALOGUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/err.h"

#define LOYALTY_CODE_MAX	32     /* characters of a code: a-z 0-9 _ - */
#define LOYALTY_NAME_MAX	200    /* characters of a name, per language */
#define LOYALTY_DESCRIPTION_MAX 2000   /* characters of a description, per language */
#define LOYALTY_FACTOR_TEXT_MAX 500    /* characters of a factor's text, per language */
#define LOYALTY_WEIGHT_MAX	1000.0 /* a component's weight is 0..this */
#define LOYALTY_SCORE_LIMIT	100    /* score_min and score_max are 0..this */
#define LOYALTY_WINDOW_MIN	1      /* factor_window_months */
#define LOYALTY_WINDOW_MAX	120
#define LOYALTY_POSITION_MAX	100000		   /* a requested position; larger means last */
#define LOYALTY_ORDER_MAX	1000		   /* ids in one order request */
#define LOYALTY_ID_MAX		9007199254740991.0 /* ids in bodies: exact in JSON numbers */

#define LOYALTY_BIT(f) (1u << (f))

/*
 * A text in Russian and English. Stored texts have both (or neither, for an
 * optional text that is unset). As input: ru NULL means absent; en NULL
 * means absent — on create it becomes ru, in a patch it keeps the stored
 * English text unless that was the same as the stored Russian one, in which
 * case it follows the new ru; en_null ("en": null) makes en follow ru;
 * is_null (the whole text null) clears an optional text.
 */
struct loyalty_text {
	const char *ru;
	const char *en;
	bool en_null;
	bool is_null;
};

/* The workspace's settings. */
enum loyalty_settings_field { LS_SCORE_MIN, LS_SCORE_MAX, LS_WINDOW, LS__MAX };

struct loyalty_settings {
	int64_t score_min;
	int64_t score_max;
	int64_t factor_window_months;
};

/* Fields of a component, for patches (a bit per field) and audit. */
enum loyalty_component_field {
	LC_CODE,
	LC_NAME,
	LC_DESCRIPTION,
	LC_WEIGHT,
	LC_POSITION,
	LC_ACTIVE,
	LC__MAX
};

struct loyalty_component {
	int64_t id;
	const char *code;
	struct loyalty_text name;
	struct loyalty_text description; /* ru NULL: none */
	double weight;
	int64_t position;
	bool active;
	int64_t version;
	const char *created_at;
	const char *updated_at;
};

/* Fields of a factor, for patches (a bit per field) and audit. */
enum loyalty_factor_field {
	LF_COMPONENT,
	LF_TEXT,
	LF_POLARITY,
	LF_POSITION,
	LF_ACTIVE,
	LF_STAGE,
	LF_ITEM,
	LF__MAX
};

struct loyalty_factor {
	int64_t id;
	int64_t component_id;
	struct loyalty_text text;
	int polarity; /* 1 positive, -1 negative, 0 neutral */
	int64_t position;
	bool active;
	int64_t stage_id; /* 0: not tied to a journey stage */
	int64_t item_id;  /* 0: not tied to a touchpoint or solution */
	int64_t version;
	const char *created_at;
	const char *updated_at;
};

/*
 * Copies the seed's catalogue (seed_components, seed_factors) and journey
 * map (seed_journey_stages, seed_journey_items) into the new workspace
 * ws_id, stamped now (RFC 3339). Runs inside the caller's transaction (the
 * one that creates the workspace); writes no audit.
 */
enum adv_err catalogue_seed_workspace(struct db_conn *c, int64_t ws_id, const char *now);

/*
 * The first day of the factor window: today (YYYY-MM-DD; NULL = the current
 * UTC date) minus months calendar months, the day clamped to the length of
 * the month (2026-03-31 minus 1 month is 2026-02-28). An observation dated
 * on or after it is inside the window. ADV_EINVAL for a malformed today.
 */
enum adv_err catalogue_window_start(int64_t months, const char *today, char out[DATE_TEXT_SIZE]);

/* "+", "-" or "0" for a polarity (static storage). */
const char *loyalty_polarity_name(int polarity);

/* The polarity named "+", "-" or "0" in *out; false for anything else. */
bool loyalty_polarity_parse(const char *s, int *out);

/* The workspace's settings; ADV_ENOTFOUND when there is no such workspace. */
enum adv_err loyalty_settings_get(struct db_conn *c, int64_t ws_id, struct loyalty_settings *out);

/*
 * Applies the fields in mask of patch: score_min and score_max 0..100 with
 * min < max (ADV_EINVAL "/score_min" or "/score_max"), the window 1..120
 * months (ADV_EINVAL "/factor_window_months"). A new scale that a stored
 * assessment score (of any version) falls outside of is refused with
 * ADV_ECONFLICT naming the bound it breaks. Audited ("loyalty_settings",
 * entity id the workspace's). *out is the stored result.
 */
enum adv_err loyalty_settings_update(struct db_conn *c, int64_t ws_id, int64_t actor,
				     const struct loyalty_settings *patch, uint32_t mask,
				     struct loyalty_settings *out, struct adv_errbuf *eb);

/*
 * The workspace's components in position order: the active ones, or all of
 * them with include_retired. *items is an arena array of *n.
 */
enum adv_err loyalty_component_list(struct db_conn *c, struct arena *a, int64_t ws_id,
				    bool include_retired, struct loyalty_component **items,
				    size_t *n);

/* One component (retired ones too); ADV_ENOTFOUND when not in this workspace. */
enum adv_err loyalty_component_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
				   struct loyalty_component *out);

/*
 * Creates a component from in as actor: name required (ru at least); the
 * fields in mask among code, description, weight and position are taken
 * from in, the others get their defaults (code "c<id>", no description,
 * weight 1, last). ADV_EINVAL naming the field; ADV_ECONFLICT "/code" when
 * the code is taken. A position before the end moves the later components
 * down (each audited "reorder"). *out is the stored entry.
 */
enum adv_err loyalty_component_create(struct db_conn *c, struct arena *a, int64_t ws_id,
				      int64_t actor, const struct loyalty_component *in,
				      uint32_t mask, struct loyalty_component *out,
				      struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to component id when its version is
 * expect_version (0 = any): rename, recode, reweight, move (position), retire
 * and restore (active). Bumps the version and audits what changed (a patch
 * that changes nothing changes nothing). ADV_EPRECOND when the version moved
 * on; ADV_ENOTFOUND; ADV_EINVAL/ADV_ECONFLICT naming the field.
 */
enum adv_err loyalty_component_update(struct db_conn *c, struct arena *a, int64_t ws_id,
				      int64_t actor, int64_t id, int64_t expect_version,
				      const struct loyalty_component *patch, uint32_t mask,
				      struct loyalty_component *out, struct adv_errbuf *eb);

/*
 * Puts the active components in the order of ids[0..n), which must name
 * every active component of the workspace once (ADV_EINVAL "/ids"
 * otherwise); retired ones keep their places. Each component that moves gets
 * a new version and an audit entry ("reorder").
 */
enum adv_err loyalty_component_order(struct db_conn *c, struct arena *a, int64_t ws_id,
				     int64_t actor, const int64_t *ids, size_t n,
				     struct adv_errbuf *eb);

/*
 * Factors in the order of their components, then their positions: of one
 * component (component_id > 0) or all; the active ones of active components,
 * or all with include_retired. *items is an arena array of *n.
 */
enum adv_err loyalty_factor_list(struct db_conn *c, struct arena *a, int64_t ws_id,
				 int64_t component_id, bool include_retired,
				 struct loyalty_factor **items, size_t *n);

/* One factor (retired ones too); ADV_ENOTFOUND when not in this workspace. */
enum adv_err loyalty_factor_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t id,
				struct loyalty_factor *out);

/*
 * Creates a factor from in: component_id (a component of the workspace,
 * else ADV_EINVAL "/component_id"), text (ru at least) and polarity
 * required; position, stage_id and item_id when their bits are in mask (the
 * stage and item must be the workspace's and not archived, and the item a
 * touchpoint or solution of that stage; an item alone ties the factor to its
 * stage too; else ADV_EINVAL "/stage_id" or "/item_id").
 */
enum adv_err loyalty_factor_create(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				   const struct loyalty_factor *in, uint32_t mask,
				   struct loyalty_factor *out, struct adv_errbuf *eb);

/*
 * Applies the fields in mask of patch to factor id at expect_version (0 =
 * any), as loyalty_component_update. Moving it to another component is
 * refused with ADV_ECONFLICT "/component_id" once it has observations; it
 * lands last there unless a position is given. Clearing the stage clears the
 * item unless an item of another stage is given (which sets the stage).
 */
enum adv_err loyalty_factor_update(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				   int64_t id, int64_t expect_version,
				   const struct loyalty_factor *patch, uint32_t mask,
				   struct loyalty_factor *out, struct adv_errbuf *eb);

/*
 * Puts the active factors of component_id (ADV_EINVAL "/component_id" when
 * not the workspace's) in the order of ids[0..n), which must name each of
 * them once (ADV_EINVAL "/ids"); retired ones keep their places.
 */
enum adv_err loyalty_factor_order(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor,
				  int64_t component_id, const int64_t *ids, size_t n,
				  struct adv_errbuf *eb);

/*
 * The JSON of a text ({"ru","en"}; null when unset), a component and a factor
 * as the API shows them (docs/loyalty.md). New references; NULL when out of
 * memory.
 */
json_t *loyalty_text_json(const struct loyalty_text *t);
json_t *loyalty_component_json(const struct loyalty_component *x);
json_t *loyalty_factor_json(const struct loyalty_factor *x);

/*
 * Shared with core/journey.c.
 *
 * Checks and merges an input text (see struct loyalty_text) over the stored
 * cur (NULL on create) into out, trimmed, as the field at pointer ("/name"):
 * ru must be present (unless the whole optional text is null or absent) and
 * not blank, each language at most max characters, single-line unless
 * multiline. required: the text may not be unset. ADV_EINVAL naming
 * "/name/ru" or "/name/en".
 */
enum adv_err catalogue_text_merge(struct arena *a, struct adv_errbuf *eb, const char *pointer,
				  const struct loyalty_text *cur, const struct loyalty_text *in,
				  bool required, size_t max, bool multiline,
				  struct loyalty_text *out);

/* True when s is a code: 1..LOYALTY_CODE_MAX of a-z 0-9 _ -. */
bool catalogue_code_valid(const char *s);

/*
 * One entry of an ordered list (components, a component's factors, the
 * stages, a stage's touchpoints or solutions): its id, stored position and
 * whether it is hidden (retired, archived) from the lists that order
 * requests name.
 */
struct catalogue_slot {
	int64_t id;
	int64_t position;
	bool hidden;
};

/* How positions of one kind of entry are written and audited. */
struct catalogue_order_kind {
	struct db_sql *set_position; /* ?1 workspace, ?2 id, ?3 position, ?4 now; bumps version */
	const char *entity;	     /* audit entity type */
	struct db_sql *slots; /* the list: id, position, hidden; ?1 workspace, ?2 scope, ?3 tag */
};

/*
 * Reads the rows (id, position, hidden 0/1) of the prepared and bound
 * statement st, in list order, into an arena array *rows of *n. The array
 * has room for one more entry (for catalogue_order_place).
 */
enum adv_err catalogue_order_load(struct db_stmt *st, struct arena *a, struct catalogue_slot **rows,
				  size_t *n);

/*
 * Moves id to 1-based position (clamped to the list; 0 or beyond: last) in
 * rows[0..*n), inserting it when it is not there (*n grows by one; the
 * array must have room, as catalogue_order_load leaves).
 */
void catalogue_order_place(struct catalogue_slot *rows, size_t *n, int64_t id, int64_t position);

/* Removes id from rows[0..*n) when it is there. */
void catalogue_order_remove(struct catalogue_slot *rows, size_t *n, int64_t id);

/*
 * Puts ids[0..nids) into the places of the entries of rows that are not
 * hidden, in that order, each keeping its stored position for
 * catalogue_order_store to compare. ids must name each of them exactly once:
 * else ADV_EINVAL "/ids" and rows unchanged. Scratch memory from a.
 */
enum adv_err catalogue_order_permute(struct arena *a, struct catalogue_slot *rows, size_t n,
				     const int64_t *ids, size_t nids, struct adv_errbuf *eb);

/*
 * Gives rows[i] the position i + 1 where it differs from the stored one,
 * bumping its version and auditing "reorder" as actor — except skip_id,
 * whose caller writes it (and whose new position goes to *skip_position when
 * that is not NULL). now is the time stamp.
 */
enum adv_err catalogue_order_store(struct db_conn *c, int64_t ws_id, int64_t actor,
				   const struct catalogue_order_kind *kind,
				   const struct catalogue_slot *rows, size_t n, int64_t skip_id,
				   int64_t *skip_position, const char *now);

/*
 * The audit changes from before (NULL: created) to after, both JSON objects
 * (borrowed): {"field": {"from": x, "to": y}} for each member of after that
 * differs. New reference; NULL when out of memory.
 */
json_t *catalogue_diff(json_t *before, json_t *after);

#endif
