/*
 * negative_base.c — churned against retained clients from the current
 * assessments (see negative_base.h): the accounts of both groups, then one
 * ordered pass each over the current scores, assessments and factors of the
 * workspace, keeping what belongs to an account of a group.
 */
#include "core/negative_base.h"

#include <stdlib.h>
#include <string.h>

/* ?2/?3 churn period or ''; ?4 retained status or ''; ?5..?7 texts or ''; ?8 owner or 0. */
static struct db_sql sql_accounts = DB_SQL(
    "SELECT id, CASE WHEN status = 'churned' THEN 0 ELSE 1 END FROM accounts"
    " WHERE workspace_id = ?1 AND archived_at IS NULL"
    " AND (?5 = '' OR segment = ?5) AND (?6 = '' OR industry = ?6) AND (?7 = '' OR region = ?7)"
    " AND (?8 = 0 OR owner_user_id = ?8)"
    " AND ((status = 'churned' AND (?2 = '' OR churned_at >= ?2)"
    " AND (?3 = '' OR churned_at <= ?3))"
    " OR (status <> 'churned' AND (?4 = '' OR status = ?4))) ORDER BY id");
static struct db_sql sql_scores =
    DB_SQL("SELECT account_id, component_id, score FROM assessment_scores"
	   " WHERE workspace_id = ?1 AND current = 1"
	   " ORDER BY account_id, component_id, assessed_on, assessment_id");
static struct db_sql sql_assessments =
    DB_SQL("SELECT account_id, recommend FROM assessments WHERE workspace_id = ?1"
	   " AND current = 1 ORDER BY account_id, assessed_on, id");
static struct db_sql sql_factors =
    DB_SQL("SELECT DISTINCT account_id, factor_id FROM assessment_factors"
	   " WHERE workspace_id = ?1 AND current = 1");

/* The accounts of both groups, by id. */
struct nb_accounts {
	int64_t *id;
	unsigned char *group; /* enum nb_group */
	int *recommend;	      /* last one, −1 when none */
	unsigned char *assessed;
	size_t n;
};

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* The index of account id in acc, or −1. */
static long
account_index(const struct nb_accounts *acc, int64_t id)
{
	const int64_t *hit = bsearch(&id, acc->id, acc->n, sizeof(*acc->id), cmp_i64);

	return hit ? (long)(hit - acc->id) : -1;
}

/* Reads the accounts of both groups into *acc and counts them in out. */
static enum adv_err
read_accounts(struct db_conn *c, struct arena *a, int64_t ws_id, const struct nb_filter *f,
	      struct nb_accounts *acc, struct negative_base *out)
{
	const char *text[] = {f->from, f->to, f->status, f->segment, f->industry, f->region};
	size_t cap = 0, gcap = 0;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	memset(acc, 0, sizeof(*acc));
	if ((rc = db_prepare(c, &sql_accounts, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	for (int i = 0; i < 6; i++)
		db_bind_text(st, 2 + i, text[i] ? text[i] : "");
	db_bind_int(st, 8, f->owner_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t *ids = arena_array_room(a, acc->id, &cap, acc->n, sizeof(*ids));
		unsigned char *g = arena_array_room(a, acc->group, &gcap, acc->n, 1);

		if (ids == NULL || g == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		acc->id = ids;
		acc->group = g;
		ids[acc->n] = db_col_int(st, 0);
		g[acc->n] = db_col_int(st, 1) ? NB_RETAINED : NB_CHURNED;
		out->accounts[g[acc->n]]++;
		acc->n++;
	}
	if (rc != ADV_OK)
		return rc;
	if ((acc->recommend = arena_alloc(a, (acc->n + 1) * sizeof(int))) == NULL ||
	    (acc->assessed = arena_zalloc(a, acc->n + 1)) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < acc->n; i++)
		acc->recommend[i] = -1;
	return ADV_OK;
}

/* Each account's last score per component into out->components. */
static enum adv_err
read_scores(struct db_conn *c, struct arena *a, int64_t ws_id, const struct nb_accounts *acc,
	    struct negative_base *out)
{
	struct db_stmt *st;
	int64_t last_acc = 0, last_comp = 0;
	long idx = -1, comp = -1;
	double last = 0;
	bool row, have = false;
	enum adv_err rc;

	for (size_t j = 0; j < out->ncomponents; j++)
		for (int g = 0; g < NB__MAX; g++)
			if ((out->components[j].score[g] =
				 arena_alloc(a, (out->accounts[g] + 1) * sizeof(double))) == NULL)
				return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_scores, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	/* Rows come by account, component and date: the last of each pair is kept. */
	for (;;) {
		int64_t ac = 0, co = 0;

		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (row) {
			ac = db_col_int(st, 0);
			co = db_col_int(st, 1);
		}
		if (have && (!row || ac != last_acc || co != last_comp) && idx >= 0 && comp >= 0) {
			struct nb_component *nc = &out->components[comp];
			int g = acc->group[idx];

			nc->score[g][nc->n[g]++] = last;
		}
		if (!row)
			break;
		if (!have || ac != last_acc || co != last_comp) {
			idx = ac == last_acc && have ? idx : account_index(acc, ac);
			comp = -1;
			for (size_t j = 0; j < out->ncomponents && comp < 0; j++)
				if (out->components[j].component->id == co)
					comp = (long)j;
		}
		last_acc = ac;
		last_comp = co;
		last = db_col_double(st, 2);
		have = true;
	}
	return ADV_OK;
}

/* Which accounts have a current assessment, and each one's last recommend. */
static enum adv_err
read_assessments(struct db_conn *c, int64_t ws_id, struct nb_accounts *acc,
		 struct negative_base *out)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_assessments, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		long i = account_index(acc, db_col_int(st, 0));

		if (i < 0)
			continue;
		acc->assessed[i] = 1;
		if (!db_col_null(st, 1))
			acc->recommend[i] = (int)db_col_int(st, 1);
	}
	if (rc != ADV_OK)
		return rc;
	for (size_t i = 0; i < acc->n; i++) {
		int g = acc->group[i];

		out->assessed[g] += acc->assessed[i];
		if (acc->recommend[i] >= 0)
			out->recommend[g][out->nrecommend[g]++] = acc->recommend[i];
	}
	return ADV_OK;
}

/* How many accounts of each group had each factor observed. */
static enum adv_err
read_factors(struct db_conn *c, int64_t ws_id, const struct nb_accounts *acc,
	     struct negative_base *out)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_factors, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		long i = account_index(acc, db_col_int(st, 0));
		int64_t fid = db_col_int(st, 1);

		if (i < 0)
			continue;
		for (size_t j = 0; j < out->nfactors; j++)
			if (out->factors[j].factor->id == fid) {
				out->factors[j].count[acc->group[i]]++;
				break;
			}
	}
	return rc;
}

enum adv_err
negative_base_load(struct db_conn *c, struct arena *a, int64_t ws_id, const struct nb_filter *f,
		   struct negative_base *out)
{
	struct nb_accounts acc;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = catview_read(c, a, ws_id, &out->cat)) != ADV_OK ||
	    (rc = read_accounts(c, a, ws_id, f, &acc, out)) != ADV_OK)
		goto out;
	out->ncomponents = out->cat.ncomponents;
	out->nfactors = out->cat.nfactors;
	if ((out->components =
		 arena_zalloc(a, (out->ncomponents + 1) * sizeof(*out->components))) == NULL ||
	    (out->factors = arena_zalloc(a, (out->nfactors + 1) * sizeof(*out->factors))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < out->ncomponents; j++)
		out->components[j].component = &out->cat.components[j];
	for (size_t j = 0; j < out->nfactors; j++)
		out->factors[j].factor = &out->cat.factors[j];
	for (int g = 0; g < NB__MAX; g++)
		if ((out->recommend[g] = arena_alloc(a, (out->accounts[g] + 1) * sizeof(int))) ==
		    NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
	if ((rc = read_scores(c, a, ws_id, &acc, out)) != ADV_OK ||
	    (rc = read_assessments(c, ws_id, &acc, out)) != ADV_OK)
		goto out;
	rc = read_factors(c, ws_id, &acc, out);
out:
	return rc;
}
