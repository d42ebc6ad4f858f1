/*
 * negative_base.h — the negative base (docs/research.md, "Analytics"): the
 * clients who churned in a period against the retained ones, from the
 * loyalty model's current assessments: each account's last score per
 * component, the factors observed in its assessments and its last
 * likelihood to recommend.
 *
 * Churned: live accounts with status churned and churned_at in the period.
 * Retained: the other live accounts (any status but churned). Both groups
 * take the same account filters. Everything is
 * owned by the arena passed in; every query filters by the workspace id.
 */
#ifndef ADV_CORE_NEGATIVE_BASE_H
#define ADV_CORE_NEGATIVE_BASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/loyalty_model.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

enum nb_group { NB_CHURNED, NB_RETAINED, NB__MAX };

/* Which accounts count; NULL texts and 0 ids mean "any". */
struct nb_filter {
	const char *from, *to; /* YYYY-MM-DD: churned_at on or after / on or before */
	const char *segment, *industry, *region;
	const char *status; /* narrows the retained group: prospect, active or at_risk */
	int64_t owner_id;
};

/* A component of the catalogue with each group's last scores (one per account). */
struct nb_component {
	const struct catview_component *component;
	double *score[NB__MAX];
	size_t n[NB__MAX];
};

/* A factor of the catalogue with the accounts of each group that had it observed. */
struct nb_factor {
	const struct catview_factor *factor;
	size_t count[NB__MAX];
};

struct negative_base {
	struct catview cat;
	size_t accounts[NB__MAX]; /* accounts in each group */
	size_t assessed[NB__MAX]; /* of them, with a current assessment */
	int *recommend[NB__MAX];  /* each account's last likelihood to recommend */
	size_t nrecommend[NB__MAX];
	struct nb_component *components; /* every component of the catalogue, in its order */
	size_t ncomponents;
	struct nb_factor *factors; /* every factor, in catalogue order */
	size_t nfactors;
};

/*
 * Loads the negative base of workspace ws_id for f into *out (arena-owned).
 * Errors: ADV_ENOMEM, ADV_EDB.
 */
enum adv_err negative_base_load(struct db_conn *c, struct arena *a, int64_t ws_id,
				const struct nb_filter *f, struct negative_base *out);

#endif
