/*
 * research.c — the research analytics over HTTP (docs/research.md,
 * "Analytics"): the route table of GET /research/…, and what every endpoint
 * shares — the filter query parameters, the JSON of the engine's results,
 * and the answer as JSON or, with ?format=csv, as a CSV file of the figure's
 * rows. The figures themselves are research_figures.c (NPS, components,
 * drivers, quadrants, competitors) and research_groups.c (segments, trend,
 * negative base).
 *
 * study_id may be repeated, so its values are read with libmicrohttpd's
 * iterator (req_query gives only the first).
 */
#include "api/research.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/query.h"
#include "api/routes.h"
#include "core/account.h"
#include "io/table_out.h"
#include "util/date.h"
#include "util/str.h"

#define RQ_TEXT_MAX 300		       /* characters of a text filter */
#define RQ_ID_MAX   9007199254740992LL /* the largest id a JSON number carries */
#define RQ_KEY_MAX  200		       /* bytes of a flattened CSV column name */
#define RQ_COLS_MAX 2000	       /* columns of a CSV answer */
#define RQ_NUM_MAX  64		       /* characters of a number parameter */

static const char *const status_names[ANALYTICS_STATUS__MAX] = {
    [ANALYTICS_OK] = "ok",
    [ANALYTICS_EMPTY] = "empty",
    [ANALYTICS_TOO_FEW] = "too_few",
    [ANALYTICS_NO_VARIANCE] = "no_variance",
    [ANALYTICS_ZERO_WEIGHT] = "zero_weight",
    [ANALYTICS_SINGULAR] = "singular",
};

/* The study ids of a request as they are collected. */
struct id_acc {
	int64_t ids[RESEARCH_STUDIES_MAX];
	size_t n;
	bool bad, too_many;
};

const char *
rj_status(enum analytics_status s)
{
	return s >= 0 && s < ANALYTICS_STATUS__MAX ? status_names[s] : "unknown";
}

json_t *
rj_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

enum adv_err
rj_set(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0 ? ADV_OK : ADV_ENOMEM;
}

enum adv_err
rj_append(json_t *arr, json_t *v)
{
	return v != NULL && json_array_append_new(arr, v) == 0 ? ADV_OK : ADV_ENOMEM;
}

/* Adds one comma-separated list of ids to acc. */
static void
ids_add(struct id_acc *acc, const char *v)
{
	char tok[32];

	while (v != NULL && *v != '\0') {
		const char *end = strchr(v, ',');
		size_t len = end ? (size_t)(end - v) : strlen(v);
		int64_t id;
		bool dup = false;

		if (len == 0 || len >= sizeof(tok)) {
			acc->bad = true;
			return;
		}
		memcpy(tok, v, len);
		tok[len] = '\0';
		if (!str_to_i64(tok, &id) || id < 1 || id > RQ_ID_MAX) {
			acc->bad = true;
			return;
		}
		for (size_t i = 0; i < acc->n; i++)
			dup = dup || acc->ids[i] == id;
		if (!dup && acc->n == RESEARCH_STUDIES_MAX)
			acc->too_many = true;
		else if (!dup)
			acc->ids[acc->n++] = id;
		v = end ? end + 1 : NULL;
	}
}

/* req_query_each's callback: collects the ids of one study_id parameter. */
static void
study_ids_collect(void *cls, const char *value)
{
	struct id_acc *acc = cls;

	if (value == NULL || *value == '\0')
		acc->bad = true;
	else
		ids_add(acc, value);
}

/* The study_id parameters into q (ids in the request's arena). */
static enum adv_err
read_study_ids(struct req *r, struct research_query *q)
{
	struct id_acc acc = {.n = 0};
	int64_t *ids;

	if (req_query(r, "study_id") == NULL)
		return ADV_OK;
	req_query_each(r, "study_id", study_ids_collect, &acc);
	if (acc.bad)
		return adv_fail(&r->eb, ADV_EINVAL, "study_id",
				"study_id must be study ids (whole numbers from 1), repeated or"
				" separated by commas");
	if (acc.too_many)
		return adv_fail(&r->eb, ADV_EINVAL, "study_id",
				"study_id may name at most %d studies", RESEARCH_STUDIES_MAX);
	if ((ids = arena_alloc(&r->arena, (acc.n + 1) * sizeof(*ids))) == NULL)
		return ADV_ENOMEM;
	memcpy(ids, acc.ids, acc.n * sizeof(*ids));
	q->f.study_ids = ids;
	q->f.nstudy_ids = acc.n;
	return ADV_OK;
}

/* A date parameter: NULL when absent, else a real YYYY-MM-DD. */
static enum adv_err
read_date(struct req *r, const char *name, const char **out)
{
	const char *v = req_query(r, name);

	*out = NULL;
	if (v == NULL || *v == '\0')
		return ADV_OK;
	if (!date_valid(v))
		return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be a date YYYY-MM-DD", name);
	*out = v;
	return ADV_OK;
}

enum adv_err
research_query_num(struct req *r, const char *name, double lo, double hi, double dflt, double *out)
{
	const char *v = req_query(r, name);
	char *end;

	*out = dflt;
	if (v == NULL || *v == '\0')
		return ADV_OK;
	if (strlen(v) < RQ_NUM_MAX)
		*out = strtod(v, &end);
	if (strlen(v) >= RQ_NUM_MAX || *end != '\0' || !isfinite(*out) || *out < lo || *out > hi)
		return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be a number from %g to %g", name,
				lo, hi);
	return ADV_OK;
}

enum adv_err
research_query_read(struct req *r, bool allow_by, struct research_query *q)
{
	const char *format = req_query(r, "format"), *by;
	struct research_filter *f = &q->f;
	enum adv_err rc;

	memset(q, 0, sizeof(*q));
	if ((rc = read_study_ids(r, q)) != ADV_OK ||
	    (rc = read_date(r, "from", &f->from)) != ADV_OK ||
	    (rc = read_date(r, "to", &f->to)) != ADV_OK ||
	    (rc = query_text(r, "segment", RQ_TEXT_MAX, &f->segment)) != ADV_OK ||
	    (rc = query_text(r, "industry", RQ_TEXT_MAX, &f->industry)) != ADV_OK ||
	    (rc = query_text(r, "region", RQ_TEXT_MAX, &f->region)) != ADV_OK ||
	    (rc = query_text(r, "status", RQ_TEXT_MAX, &f->status)) != ADV_OK ||
	    (rc = query_id(r, "owner_id", &f->owner_id)) != ADV_OK)
		return rc;
	if (f->from != NULL && f->to != NULL && strcmp(f->to, f->from) < 0)
		return adv_fail(&r->eb, ADV_EINVAL, "to", "to must not be before from");
	if (f->status != NULL && account_status_parse(f->status) == ACCOUNT_STATUS__MAX)
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be prospect, active, at_risk or churned");
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return adv_fail(&r->eb, ADV_EINVAL, "format", "format must be json or csv");
	q->csv = format != NULL && strcmp(format, "csv") == 0;
	if (allow_by && (by = req_query(r, "by")) != NULL && *by != '\0' &&
	    !research_by_parse(by, &f->by))
		return adv_fail(&r->eb, ADV_EINVAL, "by",
				"by must be segment, industry, region, status, owner or study");
	return ADV_OK;
}

enum adv_err
research_load(struct req *r, bool allow_by, struct research_query *q, struct research_data *d)
{
	enum adv_err rc;

	memset(d, 0, sizeof(*d));
	if ((rc = research_query_read(r, allow_by, q)) != ADV_OK)
		return rc;
	return research_data_load(req_db(r), &r->arena, r->ws.id, &q->f, d, &r->eb);
}

json_t *
rj_nps(const struct nps_result *x)
{
	json_t *dist = json_array(), *o;

	for (int i = 0; dist != NULL && i < NPS_SCORES; i++)
		if (json_array_append_new(dist, json_integer((json_int_t)x->count[i])) != 0) {
			json_decref(dist);
			return NULL;
		}
	o = json_pack("{s:s, s:I, s:o, s:b, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o,"
		      " s:o}",
		      "status", rj_status(x->status), "n", (json_int_t)x->n, "n_eff",
		      rj_num(x->n_eff), "small", x->small, "nps", rj_num(x->nps), "se",
		      rj_num(x->se), "ci_lo", rj_num(x->ci_lo), "ci_hi", rj_num(x->ci_hi),
		      "promoters", (json_int_t)x->promoters, "passives", (json_int_t)x->passives,
		      "detractors", (json_int_t)x->detractors, "p_promoters",
		      rj_num(x->p_promoters), "p_passives", rj_num(x->p_passives), "p_detractors",
		      rj_num(x->p_detractors), "weight_sum", rj_num(x->weight_sum), "distribution",
		      dist);
	return o;
}

json_t *
rj_nps_diff(const struct nps_diff_result *x)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "status",
			 rj_status(x->status), "diff", rj_num(x->diff), "se", rj_num(x->se),
			 "ci_lo", rj_num(x->ci_lo), "ci_hi", rj_num(x->ci_hi), "z", rj_num(x->z),
			 "p", rj_num(x->p), "significant", x->significant, "small", x->small);
}

json_t *
rj_describe(const struct describe_result *x)
{
	return json_pack("{s:s, s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "status",
			 rj_status(x->status), "n", (json_int_t)x->n, "small", x->small, "mean",
			 rj_num(x->mean), "sd", rj_num(x->sd), "se", rj_num(x->se), "ci_lo",
			 rj_num(x->ci_lo), "ci_hi", rj_num(x->ci_hi), "top2", (json_int_t)x->top2,
			 "top2_share", rj_num(x->top2_share));
}

json_t *
rj_welch(const struct compare_welch_result *x)
{
	return json_pack("{s:s, s:I, s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
			 "status", rj_status(x->status), "n_a", (json_int_t)x->n_a, "n_b",
			 (json_int_t)x->n_b, "small", x->small, "mean_a", rj_num(x->mean_a),
			 "mean_b", rj_num(x->mean_b), "diff", rj_num(x->diff), "se", rj_num(x->se),
			 "df", rj_num(x->df), "t", rj_num(x->t), "p", rj_num(x->p), "ci_lo",
			 rj_num(x->ci_lo), "ci_hi", rj_num(x->ci_hi), "significant",
			 x->significant);
}

json_t *
rj_prop(const struct compare_prop_result *x)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:b}", "status",
			 rj_status(x->status), "x_a", (json_int_t)x->x_a, "n_a", (json_int_t)x->n_a,
			 "x_b", (json_int_t)x->x_b, "n_b", (json_int_t)x->n_b, "small", x->small,
			 "p_a", rj_num(x->p_a), "p_b", rj_num(x->p_b), "diff", rj_num(x->diff), "z",
			 rj_num(x->z), "p", rj_num(x->p), "significant", x->significant);
}

enum adv_err
rj_component(json_t *obj, const struct research_component *c)
{
	enum adv_err rc;

	if ((rc = rj_set(obj, "component_id", json_integer(c->id))) != ADV_OK ||
	    (rc = rj_set(obj, "code", json_string(c->code))) != ADV_OK)
		return rc;
	return rj_set(obj, "name", json_pack("{s:s, s:s}", "ru", c->name_ru, "en", c->name_en));
}

/* Flattens row v under prefix into the flat object out ("a.b", "a.0"). */
static enum adv_err
flatten(json_t *out, const char *prefix, json_t *v)
{
	char key[RQ_KEY_MAX];
	const char *k;
	json_t *m;
	size_t i;
	enum adv_err rc;

	if (json_is_object(v)) {
		json_object_foreach(v, k, m)
		{
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
			if ((rc = flatten(out, key, m)) != ADV_OK)
				return rc;
		}
		return ADV_OK;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			snprintf(key, sizeof(key), "%s.%zu", prefix, i);
			if ((rc = flatten(out, key, m)) != ADV_OK)
				return rc;
		}
		return ADV_OK;
	}
	return json_object_set(out, prefix, v) == 0 ? ADV_OK : ADV_ENOMEM;
}

/* Writes one cell of value v (absent: empty). */
static enum adv_err
csv_cell(struct table_out *t, json_t *v)
{
	if (v == NULL || json_is_null(v))
		return table_out_null(t);
	if (json_is_string(v))
		return table_out_str(t, json_string_value(v));
	if (json_is_boolean(v))
		return table_out_str(t, json_is_true(v) ? "true" : "false");
	return table_out_num(t, json_number_value(v));
}

/* The rows flattened into *flat (new array) and their columns into *cols (new array). */
static enum adv_err
csv_columns(json_t *rows, json_t **flat, json_t **cols)
{
	json_t *seen = json_object(), *row, *f, *m;
	const char *k;
	size_t i;
	enum adv_err rc = ADV_OK;

	*flat = json_array();
	*cols = json_array();
	if (seen == NULL || *flat == NULL || *cols == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	json_array_foreach(rows, i, row)
	{
		if ((f = json_object()) == NULL || json_array_append_new(*flat, f) != 0 ||
		    (rc = flatten(f, "", row)) != ADV_OK) {
			rc = rc != ADV_OK ? rc : ADV_ENOMEM;
			goto out;
		}
		json_object_foreach(f, k, m)
		{
			if (json_object_get(seen, k) != NULL)
				continue;
			if (json_array_size(*cols) >= RQ_COLS_MAX) {
				rc = ADV_ETOOBIG;
				goto out;
			}
			if (json_object_set_new(seen, k, json_true()) != 0 ||
			    json_array_append_new(*cols, json_string(k)) != 0) {
				rc = ADV_ENOMEM;
				goto out;
			}
		}
	}
out:
	json_decref(seen);
	return rc;
}

/* The CSV of rows into r->body. */
static enum adv_err
csv_build(struct req *r, json_t *rows)
{
	json_t *flat = NULL, *cols = NULL, *row;
	const char **headers = NULL;
	struct table_out *t = NULL;
	size_t i, ncols;
	enum adv_err rc;

	if ((rc = csv_columns(rows, &flat, &cols)) != ADV_OK)
		goto out;
	ncols = json_array_size(cols);
	if ((headers = arena_alloc(&r->arena, (ncols + 1) * sizeof(*headers))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (i = 0; i < ncols; i++)
		headers[i] = json_string_value(json_array_get(cols, i));
	if (ncols == 0) /* no row: one empty column keeps the file well-formed */
		headers[ncols++] = "";
	if ((rc = table_out_open(&t, TABLE_CSV_COMMA, NULL, headers, ncols, &r->eb)) != ADV_OK)
		goto out;
	json_array_foreach(flat, i, row)
	{
		for (size_t c = 0; c < json_array_size(cols); c++)
			csv_cell(t, json_object_get(row, headers[c]));
		table_out_end_row(t);
	}
	buf_release(&r->body);
	buf_init(&r->body, TABLE_CSV_BYTES_MAX);
	rc = table_out_finish(t, &r->body, &r->eb);
out:
	table_out_free(t);
	json_decref(flat);
	json_decref(cols);
	return rc;
}

enum adv_err
research_answer(struct req *r, const struct research_query *q, const char *name, json_t *doc,
		json_t *rows)
{
	json_t *empty = NULL;
	char *disposition;
	enum adv_err rc;

	if (doc == NULL)
		return ADV_ENOMEM;
	if (!q->csv)
		return resp_json(r, 200, doc);
	if (rows == NULL && (rows = empty = json_array()) == NULL) {
		json_decref(doc);
		return ADV_ENOMEM;
	}
	rc = csv_build(r, rows);
	json_decref(empty);
	json_decref(doc);
	if (rc != ADV_OK)
		return rc;
	disposition = arena_printf(&r->arena, "attachment; filename=\"research-%s-%s.csv\"", name,
				   r->ws.slug);
	if (disposition == NULL)
		return ADV_ENOMEM;
	resp_header(r, "Content-Disposition", disposition);
	return resp_bytes(r, 200, table_format_content_type(TABLE_CSV_COMMA), r->body.data,
			  r->body.len);
}

#define RESEARCH_ROUTE(path, fn)                                                                   \
	{                                                                                          \
		HTTP_GET, "/api/v1/workspaces/{ws}/research/" path, fn, ACCESS_WORKSPACE,          \
		    ROLE_VIEWER, 0                                                                 \
	}

API_ROUTES_DEFINE(research, RESEARCH_ROUTE("nps", research_get_nps),
		  RESEARCH_ROUTE("components", research_get_components),
		  RESEARCH_ROUTE("drivers", research_get_drivers),
		  RESEARCH_ROUTE("quadrants", research_get_quadrants),
		  RESEARCH_ROUTE("competitors", research_get_competitors),
		  RESEARCH_ROUTE("segments", research_get_segments),
		  RESEARCH_ROUTE("trend", research_get_trend),
		  RESEARCH_ROUTE("negative-base", research_get_negative_base), );
