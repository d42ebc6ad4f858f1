/*
 * request_figures.h — the figures of the dialog window (docs/requests.md,
 * "Figures"): volumes by kind, status, component, journey stage and
 * company; first-response and resolution times as percentiles, in calendar
 * time and in the workspace's working time; service level compliance; the
 * clients' ratings and helpful marks. For the dashboard and a company's
 * card (one company).
 *
 * The figures are built as a JSON document (the API's answer) from one
 * ordered pass over the requests of the period.
 */
#ifndef ADV_CORE_REQUEST_FIGURES_H
#define ADV_CORE_REQUEST_FIGURES_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define REQFIG_ROWS_MAX	     500000 /* requests one answer counts */
#define REQFIG_COMPANIES_TOP 20	    /* companies listed by volume */

struct request_figures_filter {
	const char *from;   /* YYYY-MM-DD: created on or after; NULL: any */
	const char *to;	    /* YYYY-MM-DD: created on or before; NULL: any */
	int64_t account_id; /* 0: every company */
};

/*
 * The percentile p (0..1) of the sorted values v[0..n) by linear
 * interpolation between closest ranks (R's type 7, numpy's default); NaN
 * when n is 0.
 */
double request_percentile(const double *v, size_t n, double p);

/*
 * The figures of the workspace's requests matching f, as of now_s, into
 * *out (a new reference). Errors: ADV_ENOTFOUND when f->account_id is not
 * a company of the workspace; ADV_ETOOBIG past REQFIG_ROWS_MAX requests.
 */
enum adv_err request_figures(struct db_conn *c, struct arena *a, int64_t ws_id,
			     const struct request_figures_filter *f, time_t now_s, json_t **out,
			     struct adv_errbuf *eb);

#endif
