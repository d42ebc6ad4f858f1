/*
 * portfolio.h — the loyalty portfolio (docs/loyalty.md, "The portfolio"):
 * over the workspace's live clients that match the accounts list's filters,
 * the distribution of the loyalty index, each active component's mean,
 * spread, 95 % interval and top-2-box share over the clients' latest scores,
 * how many clients showed each factor within the window, the most frequent
 * negative factors per component, and the clients whose index fell most
 * since the end of the previous quarter.
 *
 * It is computed in one unordered pass over the current scores of the
 * workspace (keeping per client and component the latest score, and the
 * latest as of the previous quarter's end), one pass over the factor
 * observations within the window, and one query for the matching accounts'
 * ids: no query per client. Working memory is taken from the heap and given
 * back before returning; results are owned by the arena passed in.
 */
#ifndef ADV_CORE_PORTFOLIO_H
#define ADV_CORE_PORTFOLIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/loyalty_index.h"
#include "core/loyalty_model.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define PORTFOLIO_TOP_NEGATIVE 3  /* negative factors listed per component */
#define PORTFOLIO_FALLERS      10 /* clients listed whose index fell */

/* The accounts list's filters (exact values; NULL = any); see core/account.h. */
struct portfolio_filter {
	const char *q; /* substring of name, legal name, INN or external id, any case */
	const char *status;
	const char *segment;
	const char *owner_email; /* any case */
	const char *industry;
	const char *region;
	const char *tag;
};

/* A factor with the number of distinct matching clients that showed it within the window. */
struct portfolio_factor {
	const struct catview_factor *factor;
	size_t clients;
};

/* An active component's figures over the matching clients' latest scores. */
struct portfolio_component {
	const struct catview_component *component;
	struct loyalty_stats stats;
	size_t top_negative[PORTFOLIO_TOP_NEGATIVE]; /* indexes into portfolio.factors */
	size_t ntop_negative;
};

/* A client whose index fell since the end of the previous quarter. */
struct portfolio_faller {
	int64_t account_id;
	const char *name;
	double index;	 /* now */
	double previous; /* as of the previous quarter's end */
	double change;	 /* index − previous, < 0 */
};

struct portfolio {
	struct catview_settings settings;
	int32_t today;	      /* yyyymmdd */
	int32_t window_start; /* factors observed on or after this day count */
	int32_t previous_end; /* the last day of the previous quarter */
	size_t clients;	      /* live clients matching the filter */
	size_t assessed;      /* of them, those with an index */
	size_t partial;	      /* of those, the ones whose index is partial */
	bool has_index;	      /* assessed > 0 */
	double index_mean;
	double index_median;
	size_t histogram[LOYALTY_HIST_BINS];	/* bin k: [10k, 10k + 10), the last with 100 */
	struct portfolio_component *components; /* active components, catalogue order */
	size_t ncomponents;
	struct portfolio_factor *factors; /* factors of active components: active ones, and
					     retired ones that clients showed; catalogue order */
	size_t nfactors;
	struct portfolio_faller *fallers; /* largest fall first, at most PORTFOLIO_FALLERS */
	size_t nfallers;
};

/* One active component's mean over all live clients' latest scores. */
struct portfolio_mean {
	int64_t component_id;
	struct loyalty_stats stats;
};

/*
 * The portfolio of ws_id over the live clients matching f (NULL = all) as of
 * today (yyyymmdd) into *out. Errors: ADV_ENOMEM, database errors.
 */
enum adv_err portfolio_compute(struct db_conn *c, struct arena *a, int64_t ws_id,
			       const struct portfolio_filter *f, int32_t today,
			       struct portfolio *out, struct adv_errbuf *eb);

/*
 * The portfolio's component figures over all live clients (the means of the
 * radar chart): *items (arena array of *n, the active components in catalogue
 * order). data_version is the workspace's data version in the caller's
 * snapshot: the answer is remembered per (workspace, data version) in this
 * process, so that each client's card does not scan the whole portfolio.
 */
enum adv_err portfolio_means(struct db_conn *c, struct arena *a, int64_t ws_id,
			     int64_t data_version, struct portfolio_mean **items, size_t *n,
			     struct adv_errbuf *eb);

#endif
