/*
 * research.h — what the research analytics endpoints share (src/api/research*.c,
 * docs/research.md "Analytics"): the filter query parameters, the JSON of the
 * engine's results, and the answer as JSON or as CSV (?format=csv).
 */
#ifndef ADV_API_RESEARCH_H
#define ADV_API_RESEARCH_H

#include <jansson.h>
#include <stdbool.h>

#include "analytics/compare.h"
#include "analytics/describe.h"
#include "analytics/nps.h"
#include "core/research_data.h"
#include "http/http.h"

/* The parsed query of an analytics request. */
struct research_query {
	struct research_filter f;
	bool csv; /* format=csv */
};

/*
 * Reads the filter parameters (study_id repeated or comma-separated, from,
 * to, segment, industry, region, status, owner_id, by when allow_by, format)
 * into *q (strings owned by the request). ADV_EINVAL naming the parameter.
 */
enum adv_err research_query_read(struct req *r, bool allow_by, struct research_query *q);

/*
 * research_query_read, then the rows it selects into *d (release with
 * research_data_release, also on error). ADV_ENOTFOUND for a study id that
 * is not the workspace's; as research_data_load.
 */
enum adv_err research_load(struct req *r, bool allow_by, struct research_query *q,
			   struct research_data *d);

/*
 * A number query parameter name within [lo, hi], dflt when absent, into
 * *out. ADV_EINVAL naming it.
 */
enum adv_err research_query_num(struct req *r, const char *name, double lo, double hi, double dflt,
				double *out);

/*
 * Answers doc (stolen) as JSON, or with csv rows (an array of objects, a
 * borrowed reference into doc or NULL for none) as a CSV attachment named
 * research-<name>-<ws>.csv: UTF-8 with a BOM, ',' and a decimal point, one
 * header row made of the members of the rows (nested objects flattened as
 * "a.b", lists of numbers as "a.0", "a.1", …).
 */
enum adv_err research_answer(struct req *r, const struct research_query *q, const char *name,
			     json_t *doc, json_t *rows);

/* The endpoints (GET /api/v1/workspaces/{ws}/research/…). */
enum adv_err research_get_nps(struct req *r);
enum adv_err research_get_components(struct req *r);
enum adv_err research_get_drivers(struct req *r);
enum adv_err research_get_quadrants(struct req *r);
enum adv_err research_get_competitors(struct req *r);
enum adv_err research_get_segments(struct req *r);
enum adv_err research_get_trend(struct req *r);
enum adv_err research_get_negative_base(struct req *r);

/* A finite number, or null; new reference. */
json_t *rj_num(double v);

/* The name of an analytics status ("ok", "empty", …); static storage. */
const char *rj_status(enum analytics_status s);

/* The JSON of an NPS result / a scale's figures / tests; new references (NULL when out of memory).
 */
json_t *rj_nps(const struct nps_result *x);
json_t *rj_nps_diff(const struct nps_diff_result *x);
json_t *rj_describe(const struct describe_result *x);
json_t *rj_welch(const struct compare_welch_result *x);
json_t *rj_prop(const struct compare_prop_result *x);

/* {"id", "code", "name": {"ru", "en"}} of component i of d into obj (set members). */
enum adv_err rj_component(json_t *obj, const struct research_component *c);

/* Sets key of obj to v (stolen); ADV_ENOMEM when v is NULL or setting fails. */
enum adv_err rj_set(json_t *obj, const char *key, json_t *v);

/* Appends v (stolen) to arr; ADV_ENOMEM when v is NULL or appending fails. */
enum adv_err rj_append(json_t *arr, json_t *v);

#endif
