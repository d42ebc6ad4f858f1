/*
 * portfolio.c — the loyalty portfolio (see portfolio.h). The matching
 * clients are numbered 0..n−1 by id; each has a cell per active component with
 * its latest score and its latest score as of the previous quarter's end,
 * filled in one pass over the workspace's current scores in whatever
 * order the engine returns them (a later date wins, then a later stored
 * version). Factor observations within the window set one bit per factor and
 * client. The component means of the whole portfolio are remembered per
 * workspace data version for the clients' cards.
 */
#include "core/portfolio.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/listing.h"
#include "util/str.h"

#define MEANS_CACHE_SLOTS 16
#define DIRECT_SPAN_MAX                                                                            \
	4 /* a direct id table is used when the id span ≤ this × count (+ slack)                \
	   */
#define DIRECT_SPAN_SLACK 1024
#define BITS_PER_WORD	  64

/* The matching live accounts' ids, smallest first; the filters as account.c's list binds them. */
static struct db_sql sql_accounts =
    DB_SQL("SELECT a.id FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id"
	   " WHERE a.workspace_id = ?1 AND a.archived_at IS NULL"
	   " AND (?2 IS NULL OR a.status = ?2)"
	   " AND (?3 IS NULL OR a.segment = ?3)"
	   " AND (?4 IS NULL OR u.email = ?4)"
	   " AND (?5 IS NULL OR a.industry = ?5)"
	   " AND (?6 IS NULL OR a.region = ?6)"
	   " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM account_tags t"
	   " WHERE t.account_id = a.id AND t.tag = ?7))"
	   " AND (?8 IS NULL OR a.search_text LIKE ?8 ESCAPE '\\')"
	   " ORDER BY a.id");
static struct db_sql sql_accounts_all =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND archived_at IS NULL ORDER BY id");
static struct db_sql sql_scores =
    DB_SQL("SELECT account_id, component_id, assessed_on, score, assessment_id"
	   " FROM assessment_scores WHERE workspace_id = ?1 AND current = 1");
/*
 * The window is applied while reading: a plain pass over the table is several
 * times faster than the engine's walk of an index on the date that then
 * fetches each row.
 */
static struct db_sql sql_factors =
    DB_SQL("SELECT account_id, factor_id, assessed_on FROM assessment_factors"
	   " WHERE workspace_id = ?1 AND current = 1");
static struct db_sql sql_name =
    DB_SQL("SELECT name FROM accounts WHERE workspace_id = ?1 AND id = ?2");

/*
 * A score's order: its date (yyyymmdd) above ROW_BITS bits of the version row
 * that gave it, so that one comparison finds the later date and, on the same
 * date, the later stored version (rows past 2^ROW_BITS tie on a date).
 */
#define ROW_BITS 36
#define ROW_MASK ((INT64_C(1) << ROW_BITS) - 1)

/* A client's latest score of a component now and as of the previous quarter's end; key 0: none. */
struct cell {
	int64_t now_key;
	int64_t prev_key;
	double now;
	double prev;
};

/* Ids numbered 0..n−1 in increasing order, found by a direct table or by bisection. */
struct id_index {
	const int64_t *ids; /* sorted */
	size_t n;
	int32_t *direct; /* [span] position or −1; NULL: bisect */
	int64_t min;
	int64_t span;
	int64_t last_id; /* the last id looked up, and its position */
	int64_t last_pos;
};

/* Working memory of one computation; everything here is freed by work_free. */
struct work {
	int64_t *account_ids;
	size_t naccounts;
	size_t cap_accounts;
	struct id_index accounts;
	int64_t *comp_ids; /* active components, catalogue order */
	size_t *comp_cat;  /* their indexes in the catalogue */
	double *weights;
	size_t ncomp;
	struct cell *cells;  /* [naccounts × ncomp] */
	int64_t *factor_ids; /* the factors of active components, sorted by id */
	size_t *factor_cat;  /* their indexes in the catalogue */
	size_t nfactors;
	struct id_index factors;
	uint64_t **bits;  /* [nfactors] bitsets of clients, made on first use */
	size_t *clients;  /* [nfactors] */
	double *indexes;  /* the clients' indexes, for the median */
	double *scratch;  /* [ncomp] */
	double *scratch2; /* [ncomp] */
	struct portfolio_faller fallers[PORTFOLIO_FALLERS]; /* largest fall first */
	size_t nfallers;
};

static void
work_free(struct work *w)
{
	free(w->account_ids);
	free(w->accounts.direct);
	free(w->comp_ids);
	free(w->comp_cat);
	free(w->weights);
	free(w->cells);
	free(w->factor_ids);
	free(w->factor_cat);
	free(w->factors.direct);
	for (size_t i = 0; w->bits != NULL && i < w->nfactors; i++)
		free(w->bits[i]);
	free(w->bits);
	free(w->clients);
	free(w->indexes);
	free(w->scratch);
	free(w->scratch2);
}

/* Prepares lookups of ids[0..n) (sorted); false when out of memory. */
static bool
id_index_init(struct id_index *x, const int64_t *ids, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->ids = ids;
	x->n = n;
	x->last_id = -1;
	if (n == 0)
		return true;
	x->min = ids[0];
	x->span = ids[n - 1] - ids[0] + 1;
	if (x->span <= (int64_t)(n * DIRECT_SPAN_MAX + DIRECT_SPAN_SLACK)) {
		if ((x->direct = malloc((size_t)x->span * sizeof(*x->direct))) == NULL)
			return false;
		memset(x->direct, 0xff, (size_t)x->span * sizeof(*x->direct));
		for (size_t i = 0; i < n; i++)
			x->direct[ids[i] - x->min] = (int32_t)i;
	}
	return true;
}

/* The position of id, or −1 when it is not one of the ids. */
static inline int64_t
id_index_find(struct id_index *x, int64_t id)
{
	size_t lo = 0, hi = x->n;

	if (id == x->last_id)
		return x->last_pos;
	x->last_id = id;
	x->last_pos = -1;
	if (x->direct != NULL) {
		if (id >= x->min && id - x->min < x->span)
			x->last_pos = x->direct[id - x->min];
		return x->last_pos;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n && x->ids[lo] == id)
		x->last_pos = (int64_t)lo;
	return x->last_pos;
}

/* Loads the ids of the live accounts matching f into w. */
static enum adv_err
load_accounts(struct db_conn *c, struct arena *a, int64_t ws_id, const struct portfolio_filter *f,
	      struct work *w)
{
	const char *owner = NULL, *like = NULL;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	bool any = f != NULL && (f->status || f->segment || f->owner_email || f->industry ||
				 f->region || f->tag || (f->q && *f->q));

	if (any &&
	    ((f->owner_email != NULL && (owner = str_fold(a, f->owner_email)) == NULL) ||
	     (f->q != NULL && *f->q != '\0' && (like = listing_like_pattern(a, f->q)) == NULL)))
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, any ? &sql_accounts : &sql_accounts_all, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	if (any) {
		db_bind_text(st, 2, f->status);
		db_bind_text(st, 3, f->segment);
		db_bind_text(st, 4, owner);
		db_bind_text(st, 5, f->industry);
		db_bind_text(st, 6, f->region);
		db_bind_text(st, 7, f->tag);
		db_bind_text(st, 8, like);
	}
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		if (w->naccounts == w->cap_accounts) {
			size_t cap = w->cap_accounts ? w->cap_accounts * 2 : 1024;
			int64_t *v = realloc(w->account_ids, cap * sizeof(*v));

			if (v == NULL) {
				db_done(st);
				return ADV_ENOMEM;
			}
			w->account_ids = v;
			w->cap_accounts = cap;
		}
		w->account_ids[w->naccounts++] = db_col_int(st, 0);
	}
	if (rc != ADV_OK)
		return rc;
	return id_index_init(&w->accounts, w->account_ids, w->naccounts) ? ADV_OK : ADV_ENOMEM;
}

/* qsort order of the (id, catalogue index) pairs used to sort factor ids. */
static int
pair_cmp(const void *x, const void *y)
{
	const int64_t *p = x, *q = y;

	return (p[0] > q[0]) - (p[0] < q[0]);
}

/* Picks the active components and the factors of active components out of cat. */
static enum adv_err
pick_catalogue(const struct catview *cat, struct work *w)
{
	size_t nc = cat->ncomponents ? cat->ncomponents : 1;
	size_t nf = cat->nfactors ? cat->nfactors : 1;
	int64_t(*pairs)[2] = NULL;
	enum adv_err rc = ADV_ENOMEM;

	if ((w->comp_ids = malloc(nc * sizeof(*w->comp_ids))) == NULL ||
	    (w->comp_cat = malloc(nc * sizeof(*w->comp_cat))) == NULL ||
	    (w->weights = malloc(nc * sizeof(*w->weights))) == NULL ||
	    (w->scratch = malloc(nc * sizeof(*w->scratch))) == NULL ||
	    (w->scratch2 = malloc(nc * sizeof(*w->scratch2))) == NULL ||
	    (w->factor_ids = malloc(nf * sizeof(*w->factor_ids))) == NULL ||
	    (w->factor_cat = malloc(nf * sizeof(*w->factor_cat))) == NULL ||
	    (pairs = malloc(nf * sizeof(*pairs))) == NULL)
		goto out;
	for (size_t i = 0; i < cat->ncomponents; i++) {
		if (!cat->components[i].active)
			continue;
		w->comp_ids[w->ncomp] = cat->components[i].id;
		w->comp_cat[w->ncomp] = i;
		w->weights[w->ncomp++] = cat->components[i].weight;
	}
	for (size_t i = 0; i < cat->nfactors; i++) {
		const struct catview_component *comp =
		    catview_component(cat, cat->factors[i].component_id);

		if (comp == NULL || !comp->active)
			continue;
		pairs[w->nfactors][0] = cat->factors[i].id;
		pairs[w->nfactors++][1] = (int64_t)i;
	}
	qsort(pairs, w->nfactors, sizeof(*pairs), pair_cmp);
	for (size_t i = 0; i < w->nfactors; i++) {
		w->factor_ids[i] = pairs[i][0];
		w->factor_cat[i] = (size_t)pairs[i][1];
	}
	rc = id_index_init(&w->factors, w->factor_ids, w->nfactors) ? ADV_OK : ADV_ENOMEM;
out:
	free(pairs);
	return rc;
}

/* The active component position of component id, or −1. */
static inline int64_t
comp_find(const struct work *w, int64_t id)
{
	for (size_t i = 0; i < w->ncomp; i++)
		if (w->comp_ids[i] == id)
			return (int64_t)i;
	return -1;
}

/*
 * A stored date "YYYY-MM-DD" (checked when it was written) as yyyymmdd; 0
 * when the text does not have that shape. The hot loop's cheaper cousin of
 * loyalty_date_parse.
 */
static inline int32_t
stored_date(const char *s)
{
	static const unsigned char at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
	int32_t v = 0;

	/* Each byte is read only once the ones before it are known not to end the text. */
	if (s == NULL)
		return 0;
	for (int i = 0; i < 8; i++) {
		unsigned d = (unsigned)(s[at[i]] - '0');

		if (d > 9 || (at[i] == 3 && s[4] != '-') || (at[i] == 6 && s[7] != '-'))
			return 0;
		v = v * 10 + (int32_t)d;
	}
	return s[10] == '\0' ? v : 0;
}

/* The order key of a score of date (yyyymmdd) from version row. */
static inline int64_t
order_key(int32_t date, int64_t row)
{
	return ((int64_t)date << ROW_BITS) | (row < ROW_MASK ? row : ROW_MASK);
}

/* The one pass over the current scores: fills w->cells. */
static enum adv_err
scan_scores(struct db_conn *c, int64_t ws_id, int32_t previous_end, struct work *w)
{
	int64_t last_cid = -1, ci = -1, prev_limit = order_key(previous_end, ROW_MASK);
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_scores, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t pos = id_index_find(&w->accounts, db_col_int(st, 0));
		int64_t cid, key;
		int32_t date;
		struct cell *x;

		if (pos < 0)
			continue;
		if ((cid = db_col_int(st, 1)) != last_cid) {
			last_cid = cid;
			ci = comp_find(w, cid);
		}
		if (ci < 0 || (date = stored_date(db_col_text(st, 2))) == 0)
			continue;
		key = order_key(date, db_col_int(st, 4));
		x = &w->cells[(size_t)pos * w->ncomp + (size_t)ci];
		if (key > x->now_key) {
			x->now_key = key;
			x->now = db_col_double(st, 3);
		}
		if (key <= prev_limit && key > x->prev_key) {
			x->prev_key = key;
			x->prev = db_col_double(st, 3);
		}
	}
	return rc;
}

/* The pass over the factor observations within the window: distinct clients per factor. */
static enum adv_err
scan_factors(struct db_conn *c, int64_t ws_id, int32_t window_start, struct work *w)
{
	char since[LOYALTY_DATE_TEXT];
	size_t words = (w->naccounts + BITS_PER_WORD - 1) / BITS_PER_WORD;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((w->bits = calloc(w->nfactors ? w->nfactors : 1, sizeof(*w->bits))) == NULL)
		return ADV_ENOMEM;
	loyalty_date_text(window_start, since);
	if ((rc = db_prepare(c, &sql_factors, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t pos = id_index_find(&w->accounts, db_col_int(st, 0));
		const char *date;
		int64_t fi;
		uint64_t bit;

		if (pos < 0 || (fi = id_index_find(&w->factors, db_col_int(st, 1))) < 0 ||
		    (date = db_col_text(st, 2)) == NULL || strcmp(date, since) < 0)
			continue;
		if (w->bits[fi] == NULL &&
		    (w->bits[fi] = calloc(words, sizeof(uint64_t))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		bit = 1ull << ((uint64_t)pos % BITS_PER_WORD);
		if (!(w->bits[fi][pos / BITS_PER_WORD] & bit)) {
			w->bits[fi][pos / BITS_PER_WORD] |= bit;
			w->clients[fi]++;
		}
	}
	return rc;
}

/* Inserts a faller into the list of the largest falls (at most PORTFOLIO_FALLERS, largest first).
 */
static void
fallers_add(struct portfolio_faller *v, size_t *n, const struct portfolio_faller *f)
{
	size_t i = *n;

	if (*n == PORTFOLIO_FALLERS && !(f->change < v[*n - 1].change))
		return;
	if (*n < PORTFOLIO_FALLERS)
		(*n)++;
	else
		i = *n - 1;
	for (; i > 0 && f->change < v[i - 1].change; i--)
		v[i] = v[i - 1];
	v[i] = *f;
}

/* Per client: the index now and before, the component figures, the fallers. */
static enum adv_err
summarise_clients(const struct catview *cat, struct work *w, struct portfolio *out,
		  struct loyalty_acc *accs)
{
	const struct catview_settings *s = &cat->settings;
	double sum = 0;

	if ((w->indexes = malloc((w->naccounts ? w->naccounts : 1) * sizeof(*w->indexes))) == NULL)
		return ADV_ENOMEM;
	for (size_t p = 0; p < w->naccounts; p++) {
		const struct cell *x = &w->cells[p * w->ncomp];
		struct loyalty_index ix, before;

		for (size_t k = 0; k < w->ncomp; k++) {
			w->scratch[k] = x[k].now_key ? x[k].now : NAN;
			w->scratch2[k] = x[k].prev_key ? x[k].prev : NAN;
			if (x[k].now_key)
				loyalty_acc_add(&accs[k], x[k].now,
						s->score_max - LOYALTY_TOP2_BELOW);
		}
		loyalty_index_of(w->weights, w->scratch, w->ncomp, s->score_min, s->score_max, &ix);
		if (!ix.known)
			continue;
		w->indexes[out->assessed++] = ix.value;
		sum += ix.value;
		out->partial += ix.partial;
		out->histogram[loyalty_hist_bin(ix.value)]++;
		loyalty_index_of(w->weights, w->scratch2, w->ncomp, s->score_min, s->score_max,
				 &before);
		if (before.known && ix.value < before.value) {
			struct portfolio_faller f = {w->account_ids[p], NULL, ix.value,
						     before.value, ix.value - before.value};

			fallers_add(w->fallers, &w->nfallers, &f);
		}
	}
	out->has_index = out->assessed > 0;
	if (out->has_index) {
		out->index_mean = sum / (double)out->assessed;
		out->index_median = loyalty_median(w->indexes, out->assessed);
	}
	return ADV_OK;
}

/* The fallers of w, with their names, into out (arena array). */
static enum adv_err
name_fallers(struct db_conn *c, struct arena *a, int64_t ws_id, const struct work *w,
	     struct portfolio *out)
{
	struct portfolio_faller *v;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if (w->nfallers == 0)
		return ADV_OK;
	if ((v = arena_alloc(a, w->nfallers * sizeof(*v))) == NULL)
		return ADV_ENOMEM;
	memcpy(v, w->fallers, w->nfallers * sizeof(*v));
	for (size_t i = 0; i < w->nfallers; i++) {
		if ((rc = db_prepare(c, &sql_name, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, v[i].account_id);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (!row)
			continue;
		v[i].name = arena_strdup(a, db_col_text(st, 0));
		db_done(st);
		if (v[i].name == NULL)
			return ADV_ENOMEM;
	}
	out->fallers = v;
	out->nfallers = w->nfallers;
	return ADV_OK;
}

/* Fills the factor list and the top negative factors of each component. */
static enum adv_err
factor_figures(struct arena *a, const struct catview *cat, const struct work *w,
	       struct portfolio *out)
{
	size_t n = 0, *of_cat;

	if ((out->factors = arena_alloc(a, (cat->nfactors ? cat->nfactors : 1) *
					       sizeof(*out->factors))) == NULL ||
	    (of_cat = arena_alloc(a, (cat->nfactors ? cat->nfactors : 1) * sizeof(*of_cat))) ==
		NULL)
		return ADV_ENOMEM;
	/* Catalogue order: each catalogue factor's position among the sorted ids, if listed. */
	for (size_t i = 0; i < cat->nfactors; i++)
		of_cat[i] = SIZE_MAX;
	for (size_t k = 0; k < w->nfactors; k++)
		of_cat[w->factor_cat[k]] = k;
	for (size_t i = 0; i < cat->nfactors; i++) {
		const struct catview_factor *f = &cat->factors[i];
		size_t clients = of_cat[i] != SIZE_MAX ? w->clients[of_cat[i]] : 0;

		if (of_cat[i] == SIZE_MAX || (!f->active && clients == 0))
			continue;
		out->factors[n].factor = f;
		out->factors[n++].clients = clients;
	}
	out->nfactors = n;
	for (size_t k = 0; k < out->ncomponents; k++) {
		struct portfolio_component *pc = &out->components[k];

		for (size_t i = 0; i < n; i++) {
			const struct portfolio_factor *pf = &out->factors[i];
			size_t j;

			if (pf->factor->component_id != pc->component->id ||
			    pf->factor->polarity >= 0 || pf->clients == 0)
				continue;
			if (pc->ntop_negative == PORTFOLIO_TOP_NEGATIVE &&
			    !(pf->clients >
			      out->factors[pc->top_negative[PORTFOLIO_TOP_NEGATIVE - 1]].clients))
				continue;
			if (pc->ntop_negative < PORTFOLIO_TOP_NEGATIVE)
				pc->ntop_negative++;
			for (j = pc->ntop_negative - 1;
			     j > 0 && pf->clients > out->factors[pc->top_negative[j - 1]].clients;
			     j--)
				pc->top_negative[j] = pc->top_negative[j - 1];
			pc->top_negative[j] = i;
		}
	}
	return ADV_OK;
}

/* The computation behind portfolio_compute and portfolio_means (means_only: no factors). */
static enum adv_err
compute(struct db_conn *c, struct arena *a, int64_t ws_id, const struct portfolio_filter *f,
	int32_t today, bool means_only, struct portfolio *out, struct adv_errbuf *eb)
{
	struct catview *cat;
	struct loyalty_acc *accs = NULL;
	struct work w;
	size_t cells;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	if ((cat = arena_alloc(a, sizeof(*cat))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = catview_read(c, a, ws_id, cat)) != ADV_OK) {
		if (rc == ADV_ENOTFOUND)
			adv_fail(eb, rc, NULL, "no such workspace");
		goto out;
	}
	out->settings = cat->settings;
	out->today = today;
	out->window_start = loyalty_months_before(today, (unsigned)cat->settings.window_months);
	out->previous_end = loyalty_previous_quarter_end(today);
	if ((rc = pick_catalogue(cat, &w)) != ADV_OK ||
	    (rc = load_accounts(c, a, ws_id, f, &w)) != ADV_OK)
		goto out;
	out->clients = w.naccounts;
	cells = (w.naccounts ? w.naccounts : 1) * (w.ncomp ? w.ncomp : 1);
	if ((w.cells = calloc(cells, sizeof(*w.cells))) == NULL ||
	    (accs = calloc(w.ncomp ? w.ncomp : 1, sizeof(*accs))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (w.ncomp > 0 && w.naccounts > 0 &&
	    (rc = scan_scores(c, ws_id, out->previous_end, &w)) != ADV_OK)
		goto out;
	if ((rc = summarise_clients(cat, &w, out, accs)) != ADV_OK)
		goto out;
	if ((out->components =
		 arena_zalloc(a, (w.ncomp ? w.ncomp : 1) * sizeof(*out->components))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	out->ncomponents = w.ncomp;
	for (size_t k = 0; k < w.ncomp; k++) {
		out->components[k].component = &cat->components[w.comp_cat[k]];
		loyalty_acc_stats(&accs[k], &out->components[k].stats);
	}
	if (means_only)
		goto out;
	if ((w.clients = calloc(w.nfactors ? w.nfactors : 1, sizeof(*w.clients))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((w.naccounts > 0 && w.nfactors > 0 &&
	     (rc = scan_factors(c, ws_id, out->window_start, &w)) != ADV_OK) ||
	    (rc = factor_figures(a, cat, &w, out)) != ADV_OK)
		goto out;
	rc = name_fallers(c, a, ws_id, &w, out);
out:
	free(accs);
	work_free(&w);
	return rc;
}

enum adv_err
portfolio_compute(struct db_conn *c, struct arena *a, int64_t ws_id,
		  const struct portfolio_filter *f, int32_t today, struct portfolio *out,
		  struct adv_errbuf *eb)
{
	return compute(c, a, ws_id, f, today, false, out, eb);
}

/* The remembered component means of a workspace of one database (pool) at one data version. */
static struct means_entry {
	uint64_t pool; /* db_conn_pool_id: the database the means come from */
	int64_t ws_id;
	int64_t data_version;
	uint64_t used;		      /* the tick of its last use */
	struct portfolio_mean *items; /* malloc'ed */
	size_t n;
	bool set;
} means_cache[MEANS_CACHE_SLOTS];
static pthread_mutex_t means_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t means_tick;

/* Copies the remembered means of (pool, ws_id, data_version) into the arena; false when not there.
 */
static bool
means_lookup(struct arena *a, uint64_t pool, int64_t ws_id, int64_t data_version,
	     struct portfolio_mean **items, size_t *n, bool *oom)
{
	bool hit = false;

	pthread_mutex_lock(&means_lock);
	for (size_t i = 0; i < MEANS_CACHE_SLOTS && !hit; i++) {
		struct means_entry *e = &means_cache[i];

		if (!e->set || e->pool != pool || e->ws_id != ws_id ||
		    e->data_version != data_version)
			continue;
		hit = true;
		e->used = ++means_tick;
		*n = e->n;
		if ((*items = arena_alloc(a, (e->n ? e->n : 1) * sizeof(**items))) == NULL)
			*oom = true;
		else if (e->n > 0)
			memcpy(*items, e->items, e->n * sizeof(**items));
	}
	pthread_mutex_unlock(&means_lock);
	return hit;
}

/* Remembers the means of (pool, ws_id, data_version), replacing the workspace's or the oldest
 * entry. */
static void
means_store(uint64_t pool, int64_t ws_id, int64_t data_version, const struct portfolio_mean *items,
	    size_t n)
{
	struct portfolio_mean *copy = malloc((n ? n : 1) * sizeof(*copy));
	struct means_entry *e = NULL;

	if (copy == NULL)
		return;
	if (n > 0)
		memcpy(copy, items, n * sizeof(*copy));
	pthread_mutex_lock(&means_lock);
	for (size_t i = 0; i < MEANS_CACHE_SLOTS && e == NULL; i++)
		if (means_cache[i].set && means_cache[i].pool == pool &&
		    means_cache[i].ws_id == ws_id)
			e = &means_cache[i];
	for (size_t i = 0; i < MEANS_CACHE_SLOTS && e == NULL; i++)
		if (!means_cache[i].set)
			e = &means_cache[i];
	for (size_t i = 0; e == NULL && i < MEANS_CACHE_SLOTS; i++)
		if (i == 0 || means_cache[i].used < e->used)
			e = &means_cache[i];
	if (e->set && e->pool == pool && e->ws_id == ws_id && e->data_version > data_version) {
		free(copy); /* a newer answer is there already */
	} else {
		free(e->items);
		e->pool = pool;
		e->ws_id = ws_id;
		e->data_version = data_version;
		e->items = copy;
		e->n = n;
		e->set = true;
		e->used = ++means_tick;
	}
	pthread_mutex_unlock(&means_lock);
}

enum adv_err
portfolio_means(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t data_version,
		struct portfolio_mean **items, size_t *n, struct adv_errbuf *eb)
{
	struct portfolio p;
	bool oom = false;
	enum adv_err rc;

	*items = NULL;
	*n = 0;
	if (means_lookup(a, db_conn_pool_id(c), ws_id, data_version, items, n, &oom))
		return oom ? ADV_ENOMEM : ADV_OK;
	if ((rc = compute(c, a, ws_id, NULL, 20000101, true, &p, eb)) != ADV_OK)
		return rc;
	if ((*items = arena_alloc(a, (p.ncomponents ? p.ncomponents : 1) * sizeof(**items))) ==
	    NULL)
		return ADV_ENOMEM;
	for (size_t k = 0; k < p.ncomponents; k++) {
		(*items)[k].component_id = p.components[k].component->id;
		(*items)[k].stats = p.components[k].stats;
	}
	*n = p.ncomponents;
	means_store(db_conn_pool_id(c), ws_id, data_version, *items, *n);
	return ADV_OK;
}
