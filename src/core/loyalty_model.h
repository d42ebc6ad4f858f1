/*
 * loyalty_model.h — one client's current loyalty model (docs/loyalty.md,
 * "The client's current model"): per active component the latest score with
 * its history, the factors observed within the window, the loyalty index and
 * its trend by quarter, the latest general characteristic and likelihood to
 * recommend, and the portfolio's means for the radar chart. Also "catview",
 * the read-only view of the workspace's scale and catalogue that assessments,
 * the model and the portfolio share (the catalogue's own API, which changes
 * it, is core/catalogue.c; this only reads its tables).
 *
 * Only current versions of assessments count. Strings and arrays in returned
 * structs are owned by the arena passed in; every function takes the
 * workspace id and reads only that workspace's rows.
 */
#ifndef ADV_CORE_LOYALTY_MODEL_H
#define ADV_CORE_LOYALTY_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/loyalty_index.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* The workspace's scale and factor window, as the catalogue view reads them. */
struct catview_settings {
	int score_min;
	int score_max;
	int window_months;
};

/* A component of the catalogue view. */
struct catview_component {
	int64_t id;
	const char *code;
	const char *name_ru;
	const char *name_en;
	double weight;
	int64_t position;
	bool active;
};

/* A factor of the catalogue view; polarity is −1, 0 or +1. */
struct catview_factor {
	int64_t id;
	int64_t component_id;
	const char *text_ru;
	const char *text_en;
	int polarity;
	int64_t position;
	bool active;
};

/*
 * The workspace's catalogue, retired entries included: components by
 * position then id, factors by their component's position and id, then their
 * own position and id.
 */
struct catview {
	struct catview_settings settings;
	struct catview_component *components;
	size_t ncomponents;
	struct catview_factor *factors;
	size_t nfactors;
};

/* One score of a component's history. */
struct model_score {
	int32_t date; /* yyyymmdd */
	double score;
	int64_t assessment_id; /* the assessment (series id) that gave it */
	const char *comment;
};

/* A factor observed within the window. */
struct model_factor {
	const struct catview_factor *factor;
	size_t count;	      /* assessments that observed it */
	int32_t last_seen;    /* yyyymmdd */
	const char *evidence; /* the latest evidence given, or NULL */
};

/* An active component in the client's model. */
struct model_component {
	const struct catview_component *component;
	struct model_score *history; /* oldest first; the last is the latest score */
	size_t nhistory;
	struct model_factor *factors; /* in catalogue order */
	size_t nfactors;
	struct loyalty_stats portfolio; /* all live clients' latest scores of it */
};

struct loyalty_model {
	struct catview_settings settings;
	int32_t today;	      /* the day the model is computed for */
	int32_t window_start; /* factors observed on or after this day count */
	const char *summary;  /* the latest general characteristic, or NULL */
	int32_t summary_date;
	int64_t summary_id;
	bool has_recommend; /* the latest likelihood to recommend */
	int recommend;
	int32_t recommend_date;
	struct loyalty_index index;
	struct loyalty_trend_point *trend; /* oldest quarter first */
	size_t ntrend;
	struct model_component *components; /* active components in catalogue order */
	size_t ncomponents;
};

/* The scale and window of workspace ws_id; ADV_ENOTFOUND when there is no such workspace. */
enum adv_err catview_settings_read(struct db_conn *c, int64_t ws_id, struct catview_settings *out);

/* The settings and the whole catalogue of ws_id into *out. */
enum adv_err catview_read(struct db_conn *c, struct arena *a, int64_t ws_id, struct catview *out);

/* The component / factor with id in cat, or NULL. */
const struct catview_component *catview_component(const struct catview *cat, int64_t id);
const struct catview_factor *catview_factor(const struct catview *cat, int64_t id);

/* "+", "-" or "0" for a polarity. */
const char *catview_polarity_name(int polarity);

/*
 * The model of account_id as of today (yyyymmdd) into *out. data_version is
 * the workspace's data version in the caller's snapshot: the portfolio means
 * are remembered per (workspace, data version) between calls. Errors:
 * ADV_ENOTFOUND (detail in eb) when the account is not in the workspace.
 */
enum adv_err loyalty_model_get(struct db_conn *c, struct arena *a, int64_t ws_id,
			       int64_t account_id, int64_t data_version, int32_t today,
			       struct loyalty_model *out, struct adv_errbuf *eb);

#endif
