/*
 * loyalty_model.c — one client's current loyalty model and the readers of
 * the workspace's scale and catalogue (see loyalty_model.h). The client's
 * current assessments, scores and window factors are read in three ordered
 * queries; the figures come from core/loyalty_index.c, the portfolio means
 * from core/portfolio.c.
 */
#include "core/loyalty_model.h"

#include <math.h>
#include <string.h>

#include "core/portfolio.h"

static struct db_sql sql_settings =
    DB_SQL("SELECT score_min, score_max, factor_window_months FROM workspaces WHERE id = ?1");
static struct db_sql sql_components =
    DB_SQL("SELECT id, code, name_ru, name_en, weight, position, active FROM loyalty_components"
	   " WHERE workspace_id = ?1 ORDER BY position, id");
static struct db_sql sql_factors =
    DB_SQL("SELECT f.id, f.component_id, f.text_ru, f.text_en, f.polarity, f.position, f.active"
	   " FROM loyalty_factors f JOIN loyalty_components c ON c.id = f.component_id"
	   " WHERE f.workspace_id = ?1 ORDER BY c.position, c.id, f.position, f.id");
static struct db_sql sql_account =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_assessments =
    DB_SQL("SELECT series_id, assessed_on, summary, recommend FROM assessments"
	   " WHERE workspace_id = ?1 AND account_id = ?2 AND current = 1"
	   " ORDER BY assessed_on, id");
static struct db_sql sql_scores =
    DB_SQL("SELECT s.component_id, s.assessed_on, s.score, s.comment, a.series_id"
	   " FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id"
	   " WHERE s.workspace_id = ?1 AND s.account_id = ?2 AND s.current = 1"
	   " ORDER BY s.assessed_on, s.assessment_id");
static struct db_sql sql_window_factors =
    DB_SQL("SELECT factor_id, assessed_on, evidence FROM assessment_factors"
	   " WHERE workspace_id = ?1 AND account_id = ?2 AND current = 1 AND assessed_on >= ?3"
	   " ORDER BY assessed_on, assessment_id");

static const char *const polarity_names[3] = {"-", "0", "+"};

const char *
catview_polarity_name(int polarity)
{
	return polarity_names[polarity < 0 ? 0 : polarity > 0 ? 2 : 1];
}

enum adv_err
catview_settings_read(struct db_conn *c, int64_t ws_id, struct catview_settings *out)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_settings, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	out->score_min = (int)db_col_int(st, 0);
	out->score_max = (int)db_col_int(st, 1);
	out->window_months = (int)db_col_int(st, 2);
	db_done(st);
	return ADV_OK;
}

/* Reads the components of ws_id into out. */
static enum adv_err
read_components(struct db_conn *c, struct arena *a, int64_t ws_id, struct catview *out)
{
	struct db_stmt *st;
	size_t cap = 0;
	bool row, oom = false;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_components, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct catview_component *v =
		    arena_array_room(a, out->components, &cap, out->ncomponents, sizeof(*v));

		if (v == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		out->components = v;
		v += out->ncomponents++;
		v->id = db_col_int(st, 0);
		v->code = db_col_dup(st, a, 1, &oom);
		v->name_ru = db_col_dup(st, a, 2, &oom);
		v->name_en = db_col_dup(st, a, 3, &oom);
		v->weight = db_col_double(st, 4);
		v->position = db_col_int(st, 5);
		v->active = db_col_int(st, 6) != 0;
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	return rc;
}

/* Reads the factors of ws_id into out. */
static enum adv_err
read_factors(struct db_conn *c, struct arena *a, int64_t ws_id, struct catview *out)
{
	struct db_stmt *st;
	size_t cap = 0;
	bool row, oom = false;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_factors, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct catview_factor *v =
		    arena_array_room(a, out->factors, &cap, out->nfactors, sizeof(*v));

		if (v == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		out->factors = v;
		v += out->nfactors++;
		v->id = db_col_int(st, 0);
		v->component_id = db_col_int(st, 1);
		v->text_ru = db_col_dup(st, a, 2, &oom);
		v->text_en = db_col_dup(st, a, 3, &oom);
		v->polarity = (int)db_col_int(st, 4);
		v->position = db_col_int(st, 5);
		v->active = db_col_int(st, 6) != 0;
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	return rc;
}

enum adv_err
catview_read(struct db_conn *c, struct arena *a, int64_t ws_id, struct catview *out)
{
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = catview_settings_read(c, ws_id, &out->settings)) != ADV_OK ||
	    (rc = read_components(c, a, ws_id, out)) != ADV_OK)
		return rc;
	return read_factors(c, a, ws_id, out);
}

const struct catview_component *
catview_component(const struct catview *cat, int64_t id)
{
	for (size_t i = 0; i < cat->ncomponents; i++)
		if (cat->components[i].id == id)
			return &cat->components[i];
	return NULL;
}

const struct catview_factor *
catview_factor(const struct catview *cat, int64_t id)
{
	for (size_t i = 0; i < cat->nfactors; i++)
		if (cat->factors[i].id == id)
			return &cat->factors[i];
	return NULL;
}

/* The position of component id among out's components, or −1. */
static int64_t
model_comp(const struct loyalty_model *m, int64_t id)
{
	for (size_t k = 0; k < m->ncomponents; k++)
		if (m->components[k].component->id == id)
			return (int64_t)k;
	return -1;
}

/* Reads the account's current assessments: the first date, the latest summary and recommend. */
static enum adv_err
read_assessments(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		 struct loyalty_model *m, int32_t *first)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	*first = 0;
	if ((rc = db_prepare(c, &sql_assessments, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		const char *d = db_col_text(st, 1);
		int32_t date = loyalty_date_parse(d, d ? db_col_bytes(st, 1) : 0);

		if (*first == 0)
			*first = date;
		if (!db_col_null(st, 2)) {
			if ((m->summary = arena_strdup(a, db_col_text(st, 2))) == NULL) {
				db_done(st);
				return ADV_ENOMEM;
			}
			m->summary_date = date;
			m->summary_id = db_col_int(st, 0);
		}
		if (!db_col_null(st, 3)) {
			m->has_recommend = true;
			m->recommend = (int)db_col_int(st, 3);
			m->recommend_date = date;
		}
	}
	return rc;
}

/*
 * Reads the account's current scores, oldest first, into each active
 * component's history and *obs (arena array of *nobs) for the trend.
 */
static enum adv_err
read_scores(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
	    struct loyalty_model *m, struct loyalty_obs **obs, size_t *nobs)
{
	size_t *caps = arena_zalloc(a, (m->ncomponents ? m->ncomponents : 1) * sizeof(*caps));
	size_t cap = 0;
	struct db_stmt *st;
	bool row, oom = false;
	enum adv_err rc;

	*obs = NULL;
	*nobs = 0;
	if (caps == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_scores, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t k = model_comp(m, db_col_int(st, 0));
		const char *d = db_col_text(st, 1);
		struct model_component *mc;
		struct model_score *h;
		struct loyalty_obs *o;

		if (k < 0)
			continue;
		mc = &m->components[k];
		h = arena_array_room(a, mc->history, &caps[k], mc->nhistory, sizeof(*h));
		o = arena_array_room(a, *obs, &cap, *nobs, sizeof(*o));
		if (h == NULL || o == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		mc->history = h;
		*obs = o;
		h += mc->nhistory++;
		h->date = loyalty_date_parse(d, d ? db_col_bytes(st, 1) : 0);
		h->score = db_col_double(st, 2);
		h->comment = db_col_dup(st, a, 3, &oom);
		h->assessment_id = db_col_int(st, 4);
		o[*nobs].date = h->date;
		o[*nobs].comp = (size_t)k;
		o[(*nobs)++].score = h->score;
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	return rc;
}

/* Per catalogue factor: how often it was observed in the window, when last, the latest evidence. */
struct factor_tally {
	size_t count;
	int32_t last;
	const char *evidence;
};

/* Reads the factor observations within the window and lists them under their components. */
static enum adv_err
read_factors_seen(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		  const struct catview *cat, struct loyalty_model *m)
{
	struct factor_tally *t = arena_zalloc(a, (cat->nfactors ? cat->nfactors : 1) * sizeof(*t));
	char since[LOYALTY_DATE_TEXT];
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if (t == NULL)
		return ADV_ENOMEM;
	loyalty_date_text(m->window_start, since);
	if ((rc = db_prepare(c, &sql_window_factors, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	db_bind_text(st, 3, since);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		const struct catview_factor *f = catview_factor(cat, db_col_int(st, 0));
		const char *d = db_col_text(st, 1);
		struct factor_tally *x;

		if (f == NULL)
			continue;
		x = &t[f - cat->factors];
		x->count++;
		x->last = loyalty_date_parse(d, d ? db_col_bytes(st, 1) : 0);
		if (!db_col_null(st, 2) &&
		    (x->evidence = arena_strdup(a, db_col_text(st, 2))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	if (rc != ADV_OK)
		return rc;
	for (size_t k = 0; k < m->ncomponents; k++) {
		struct model_component *mc = &m->components[k];
		size_t n = 0;

		for (size_t i = 0; i < cat->nfactors; i++)
			n += t[i].count > 0 && cat->factors[i].component_id == mc->component->id;
		if (n == 0)
			continue;
		if ((mc->factors = arena_alloc(a, n * sizeof(*mc->factors))) == NULL)
			return ADV_ENOMEM;
		for (size_t i = 0; i < cat->nfactors; i++) {
			if (t[i].count == 0 || cat->factors[i].component_id != mc->component->id)
				continue;
			mc->factors[mc->nfactors].factor = &cat->factors[i];
			mc->factors[mc->nfactors].count = t[i].count;
			mc->factors[mc->nfactors].last_seen = t[i].last;
			mc->factors[mc->nfactors++].evidence = t[i].evidence;
		}
	}
	return ADV_OK;
}

/* The index now, and the trend from the quarter of first to today's. */
static enum adv_err
model_figures(struct arena *a, const struct loyalty_obs *obs, size_t nobs, int32_t first,
	      struct loyalty_model *m)
{
	size_t n = m->ncomponents ? m->ncomponents : 1;
	double *w = arena_alloc(a, n * sizeof(*w)), *latest = arena_alloc(a, n * sizeof(*latest));
	double *scratch = arena_alloc(a, n * sizeof(*scratch));
	double lo = m->settings.score_min, hi = m->settings.score_max;

	if (w == NULL || latest == NULL || scratch == NULL)
		return ADV_ENOMEM;
	for (size_t k = 0; k < m->ncomponents; k++) {
		const struct model_component *mc = &m->components[k];

		w[k] = mc->component->weight;
		latest[k] = mc->nhistory > 0 ? mc->history[mc->nhistory - 1].score : NAN;
	}
	loyalty_index_of(w, latest, m->ncomponents, lo, hi, &m->index);
	m->ntrend = loyalty_trend_len(first, m->today);
	if (m->ntrend == 0)
		return ADV_OK;
	if ((m->trend = arena_alloc(a, m->ntrend * sizeof(*m->trend))) == NULL)
		return ADV_ENOMEM;
	loyalty_trend(obs, nobs, w, m->ncomponents, lo, hi, first, m->today, scratch, m->trend);
	return ADV_OK;
}

/* Attaches the portfolio means to the model's components. */
static enum adv_err
model_portfolio(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t data_version,
		struct loyalty_model *m, struct adv_errbuf *eb)
{
	struct portfolio_mean *means;
	size_t n;
	enum adv_err rc;

	if ((rc = portfolio_means(c, a, ws_id, data_version, &means, &n, eb)) != ADV_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int64_t k = model_comp(m, means[i].component_id);

		if (k >= 0)
			m->components[k].portfolio = means[i].stats;
	}
	return ADV_OK;
}

enum adv_err
loyalty_model_get(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t account_id,
		  int64_t data_version, int32_t today, struct loyalty_model *out,
		  struct adv_errbuf *eb)
{
	struct catview *cat = arena_alloc(a, sizeof(*cat));
	struct loyalty_obs *obs;
	struct db_stmt *st;
	int32_t first;
	size_t nobs, nactive = 0;
	bool row;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if (cat == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_account, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, account_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such account: %lld",
				(long long)account_id);
	db_done(st);
	if ((rc = catview_read(c, a, ws_id, cat)) != ADV_OK)
		return rc;
	out->settings = cat->settings;
	out->today = today;
	out->window_start = loyalty_months_before(today, (unsigned)cat->settings.window_months);
	for (size_t i = 0; i < cat->ncomponents; i++)
		nactive += cat->components[i].active;
	if ((out->components =
		 arena_zalloc(a, (nactive ? nactive : 1) * sizeof(*out->components))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < cat->ncomponents; i++)
		if (cat->components[i].active)
			out->components[out->ncomponents++].component = &cat->components[i];
	if ((rc = read_assessments(c, a, ws_id, account_id, out, &first)) != ADV_OK ||
	    (rc = read_scores(c, a, ws_id, account_id, out, &obs, &nobs)) != ADV_OK ||
	    (rc = read_factors_seen(c, a, ws_id, account_id, cat, out)) != ADV_OK ||
	    (rc = model_figures(a, obs, nobs, first, out)) != ADV_OK)
		return rc;
	return model_portfolio(c, a, ws_id, data_version, out, eb);
}
