/*
 * research_data.c — loads the responses the analytics compute on into
 * columns (see research_data.h): the studies the filter selects, their
 * questions mapped to columns, then one ordered pass over the responses in
 * which each answers object is scanned once by a small parser (no JSON tree
 * per row), and the columns grow by doubling.
 */
#include "core/research_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/loyalty_model.h"
#include "core/question.h"

#define RD_CAP_FIRST   1024 /* rows the columns hold at first */
#define RD_HASH_SLOTS  1024 /* slots of the group-key table (> 2 × RESEARCH_GROUPS_MAX) */
#define RD_FIXED       3 /* accumulators before the components: recommend, satisfaction, intention */
#define RD_ACC_REC     0
#define RD_ACC_SAT     1
#define RD_ACC_INT     2
#define RD_SCORE_MAX   10 /* recommend is 0..10 */
#define RD_SLOTS_FIXED 8  /* columns besides the components' and rivals' */

static const char *const by_names[RB__MAX] = {
    [RB_NONE] = "",	    [RB_SEGMENT] = "segment", [RB_INDUSTRY] = "industry",
    [RB_REGION] = "region", [RB_STATUS] = "status",   [RB_OWNER] = "owner",
    [RB_STUDY] = "study",
};

static struct db_sql sql_studies =
    DB_SQL("SELECT id, name, kind, starts_on, archived_at FROM studies WHERE workspace_id = ?1");
static struct db_sql sql_questions =
    DB_SQL("SELECT id, study_id, kind, component_id, competitor_id FROM study_questions"
	   " WHERE workspace_id = ?1 ORDER BY study_id, position, id");
static struct db_sql sql_competitors =
    DB_SQL("SELECT id, name FROM competitors WHERE workspace_id = ?1");
/* ?2 one study or 0; ?3/?4 period or ''; ?5..?8 account texts or ''; ?9 owner or 0; ?10 by. */
static struct db_sql sql_rows = DB_SQL(
    "SELECT r.study_id, r.account_id, r.submitted_at, r.answers, a.revenue,"
    " CASE CAST(?10 AS INTEGER) WHEN 1 THEN a.segment WHEN 2 THEN a.industry WHEN 3 THEN a.region"
    " WHEN 4 THEN a.status WHEN 5 THEN CAST(a.owner_user_id AS TEXT) ELSE NULL END"
    " FROM responses r LEFT JOIN accounts a ON a.workspace_id = r.workspace_id"
    " AND a.id = r.account_id"
    " WHERE r.workspace_id = ?1 AND r.status = 'submitted' AND r.archived_at IS NULL"
    " AND (?2 = 0 OR r.study_id = ?2)"
    " AND (?3 = '' OR substr(r.submitted_at, 1, 10) >= ?3)"
    " AND (?4 = '' OR substr(r.submitted_at, 1, 10) <= ?4)"
    " AND (?5 = '' OR a.segment = ?5) AND (?6 = '' OR a.industry = ?6)"
    " AND (?7 = '' OR a.region = ?7) AND (?8 = '' OR a.status = ?8)"
    " AND (?9 = 0 OR a.owner_user_id = ?9) ORDER BY r.id");

/* A question that feeds a column. */
struct qmap {
	int64_t id;
	enum question_kind kind;
	size_t acc;  /* accumulator index */
	long qcol;   /* index into qcols, or −1 */
	size_t wave; /* its study's index */
};

/* A selected study id and its wave index, sorted by id. */
struct wave_key {
	int64_t id;
	size_t wave;
};

/* The state of one load. */
struct loader {
	struct research_data *d;
	struct arena *a;
	struct adv_errbuf *eb;
	struct qmap *q;
	size_t nq;
	struct wave_key *wk;
	size_t nwk;
	double *sum; /* per accumulator */
	size_t *cnt;
	size_t nacc;
	int32_t hash[RD_HASH_SLOTS]; /* group index + 1; 0: empty */
};

const char *
research_by_name(enum research_by b)
{
	return b >= 0 && b < RB__MAX ? by_names[b] : "";
}

bool
research_by_parse(const char *s, enum research_by *out)
{
	for (int b = RB_SEGMENT; s != NULL && b < RB__MAX; b++)
		if (strcmp(s, by_names[b]) == 0) {
			*out = (enum research_by)b;
			return true;
		}
	return false;
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

static int
cmp_wave_key(const void *x, const void *y)
{
	return cmp_i64(&((const struct wave_key *)x)->id, &((const struct wave_key *)y)->id);
}

static int
cmp_qmap(const void *x, const void *y)
{
	return cmp_i64(&((const struct qmap *)x)->id, &((const struct qmap *)y)->id);
}

/* Wave order: no start first, then starts_on, then id. */
static int
cmp_study(const void *x, const void *y)
{
	const struct research_study *a = x, *b = y;
	int c;

	if ((a->starts_on == NULL) != (b->starts_on == NULL))
		return a->starts_on == NULL ? -1 : 1;
	if (a->starts_on != NULL && (c = strcmp(a->starts_on, b->starts_on)) != 0)
		return c;
	return cmp_i64(&a->id, &b->id);
}

/* The wave index of study id, or −1 when it is not selected. */
static long
wave_of(const struct loader *L, int64_t id)
{
	struct wave_key k = {.id = id}, *hit;

	hit = bsearch(&k, L->wk, L->nwk, sizeof(k), cmp_wave_key);
	return hit ? (long)hit->wave : -1;
}

/* Registers a malloc'ed column kept at *slot with elements of elsize bytes (room reserved). */
static void
slot_add(struct research_data *d, void **slot, size_t elsize)
{
	d->slots_[d->nslots_] = slot;
	d->elsize_[d->nslots_++] = elsize;
	*slot = NULL;
}

/* Makes every column hold at least need rows (doubling). */
static enum adv_err
columns_room(struct research_data *d, size_t need)
{
	size_t cap = d->cap_ ? d->cap_ : RD_CAP_FIRST;

	if (need <= d->cap_)
		return ADV_OK;
	while (cap < need)
		cap *= 2;
	for (size_t i = 0; i < d->nslots_; i++) {
		void *p = realloc(*d->slots_[i], cap * d->elsize_[i]);

		if (p == NULL)
			return ADV_ENOMEM;
		*d->slots_[i] = p;
	}
	d->cap_ = cap;
	return ADV_OK;
}

/* The studies f selects into d->studies (wave order) and L->wk. */
static enum adv_err
load_studies(struct db_conn *c, struct loader *L, int64_t ws_id, const struct research_filter *f)
{
	struct research_data *d = L->d;
	struct research_study *all = NULL;
	size_t nall = 0, cap = 0;
	bool *found = arena_zalloc(L->a, f->nstudy_ids + 1);
	struct db_stmt *st;
	bool row, oom = false;
	enum adv_err rc;

	if (found == NULL)
		return ADV_ENOMEM;
	if ((rc = db_prepare(c, &sql_studies, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct research_study *v = arena_array_room(L->a, all, &cap, nall, sizeof(*v));
		bool archived = !db_col_null(st, 4), chosen = f->nstudy_ids == 0 && !archived;
		int64_t id = db_col_int(st, 0);

		if (v == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		all = v;
		for (size_t i = 0; i < f->nstudy_ids; i++)
			if (f->study_ids[i] == id)
				chosen = found[i] = true;
		v += nall;
		memset(v, 0, sizeof(*v));
		v->id = id;
		v->name = db_col_dup(st, L->a, 1, &oom);
		study_kind_parse(db_col_text(st, 2), &v->kind);
		v->starts_on = db_col_dup(st, L->a, 3, &oom);
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
		if (chosen && (!f->exit_only || v->kind == STUDY_EXIT_INTERVIEW))
			nall++;
	}
	if (rc != ADV_OK)
		return rc;
	for (size_t i = 0; i < f->nstudy_ids; i++)
		if (!found[i])
			return adv_fail(L->eb, ADV_ENOTFOUND, "study_id", "no such study: %lld",
					(long long)f->study_ids[i]);
	if (nall > 0)
		qsort(all, nall, sizeof(*all), cmp_study);
	d->studies = all;
	d->nstudies = nall;
	if ((L->wk = arena_alloc(L->a, (nall + 1) * sizeof(*L->wk))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < nall; i++)
		L->wk[i] = (struct wave_key){all[i].id, i};
	L->nwk = nall;
	if (nall > 0)
		qsort(L->wk, nall, sizeof(*L->wk), cmp_wave_key);
	return ADV_OK;
}

/* The index of component id in d->components, added (from cat) when new; −1 if unknown. */
static long
component_index(struct loader *L, const struct catview *cat, int64_t id, size_t *cap)
{
	struct research_data *d = L->d;
	const struct catview_component *cc = catview_component(cat, id);
	struct research_component *v;

	for (size_t i = 0; i < d->ncomponents; i++)
		if (d->components[i].id == id)
			return (long)i;
	if (cc == NULL)
		return -1;
	if ((v = arena_array_room(L->a, d->components, cap, d->ncomponents, sizeof(*v))) == NULL)
		return -2;
	d->components = v;
	v += d->ncomponents;
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->code = cc->code;
	v->name_ru = cc->name_ru;
	v->name_en = cc->name_en;
	return (long)d->ncomponents++;
}

/* Raw questions of the selected studies, before they are mapped. */
struct rawq {
	int64_t id, study_id, component_id, competitor_id;
	enum question_kind kind;
	size_t wave;
};

/* Reads the selected studies' questions that feed columns into *out (arena array of *n). */
static enum adv_err
read_questions(struct db_conn *c, struct loader *L, int64_t ws_id, struct rawq **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	bool row;
	enum adv_err rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(c, &sql_questions, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct rawq q = {.id = db_col_int(st, 0), .study_id = db_col_int(st, 1)};
		long w = wave_of(L, q.study_id);
		struct rawq *v;

		if (w < 0 || !question_kind_parse(db_col_text(st, 2), &q.kind) ||
		    q.kind == QK_FACTORS || q.kind == QK_CHOICE || q.kind == QK_TEXT)
			continue;
		q.component_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
		q.competitor_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		q.wave = (size_t)w;
		if ((v = arena_array_room(L->a, *out, &cap, *n, sizeof(*v))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		*out = v;
		v[(*n)++] = q;
	}
	return rc;
}

/* The name of competitor id of ws_id into *name (arena copy; "" when unknown). */
static enum adv_err
competitor_name(struct db_conn *c, struct loader *L, int64_t ws_id, int64_t id, const char **name)
{
	struct db_stmt *st;
	bool row, oom = false;
	enum adv_err rc;

	*name = "";
	if ((rc = db_prepare(c, &sql_competitors, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row)
		if (db_col_int(st, 0) == id) {
			*name = db_col_dup(st, L->a, 1, &oom);
			db_done(st);
			return oom ? ADV_ENOMEM : ADV_OK;
		}
	return rc;
}

/* The rival column of (competitor, component index), added when new; −1 when out of memory. */
static long
rival_index(struct db_conn *c, struct loader *L, int64_t ws_id, int64_t competitor, size_t comp,
	    size_t *cap, enum adv_err *rc)
{
	struct research_data *d = L->d;
	struct research_rival *v;

	for (size_t i = 0; i < d->nrivals; i++)
		if (d->rivals[i].competitor_id == competitor && d->rivals[i].component == comp)
			return (long)i;
	if ((v = arena_array_room(L->a, d->rivals, cap, d->nrivals, sizeof(*v))) == NULL) {
		*rc = ADV_ENOMEM;
		return -1;
	}
	d->rivals = v;
	v += d->nrivals;
	memset(v, 0, sizeof(*v));
	v->competitor_id = competitor;
	v->component = comp;
	if ((*rc = competitor_name(c, L, ws_id, competitor, &v->competitor_name)) != ADV_OK)
		return -1;
	return (long)d->nrivals++;
}

/*
 * Maps the questions to columns: components in catalogue order (those rated
 * by a selected study), each one's question columns together, the rivals;
 * registers every column.
 */
static enum adv_err
map_questions(struct db_conn *c, struct loader *L, int64_t ws_id)
{
	struct research_data *d = L->d;
	struct catview cat;
	struct rawq *q;
	size_t nq, ccap = 0, rcap = 0, nslots, k = 0;
	enum adv_err rc;

	if ((rc = catview_read(c, L->a, ws_id, &cat)) != ADV_OK ||
	    (rc = read_questions(c, L, ws_id, &q, &nq)) != ADV_OK)
		return rc;
	d->score_min = cat.settings.score_min;
	d->score_max = cat.settings.score_max;
	/* Components in catalogue order: those that some question rates. */
	for (size_t i = 0; i < cat.ncomponents; i++)
		for (size_t j = 0; j < nq; j++)
			if ((q[j].kind == QK_COMPONENT || q[j].kind == QK_COMPETITOR_COMPONENT) &&
			    q[j].component_id == cat.components[i].id) {
				if (component_index(L, &cat, q[j].component_id, &ccap) == -2)
					return ADV_ENOMEM;
				break;
			}
	if ((L->q = arena_zalloc(L->a, (nq + 1) * sizeof(*L->q))) == NULL ||
	    (d->qcols = arena_zalloc(L->a, (nq + 1) * sizeof(*d->qcols))) == NULL)
		return ADV_ENOMEM;
	/* Question columns grouped by component. */
	for (size_t ci = 0; ci < d->ncomponents; ci++) {
		d->components[ci].first_q = d->nqcols;
		for (size_t j = 0; j < nq; j++)
			if (q[j].kind == QK_COMPONENT && q[j].component_id == d->components[ci].id)
				d->qcols[d->nqcols++] =
				    (struct research_qcol){q[j].id, q[j].study_id, ci, NULL};
		d->components[ci].nq = d->nqcols - d->components[ci].first_q;
	}
	for (size_t j = 0; j < nq; j++) {
		struct qmap *m = &L->q[k];
		long ci = -1, ri;

		*m = (struct qmap){q[j].id, q[j].kind, 0, -1, q[j].wave};
		if (q[j].kind == QK_COMPONENT || q[j].kind == QK_COMPETITOR_COMPONENT)
			for (size_t i = 0; i < d->ncomponents && ci < 0; i++)
				if (d->components[i].id == q[j].component_id)
					ci = (long)i;
		switch (q[j].kind) {
		case QK_RECOMMEND:
			m->acc = RD_ACC_REC;
			break;
		case QK_SATISFACTION:
			m->acc = RD_ACC_SAT;
			break;
		case QK_INTENTION:
			m->acc = RD_ACC_INT;
			break;
		case QK_COMPONENT:
			if (ci < 0)
				continue;
			m->acc = RD_FIXED + (size_t)ci;
			for (size_t i = 0; i < d->nqcols; i++)
				if (d->qcols[i].question_id == q[j].id)
					m->qcol = (long)i;
			break;
		case QK_COMPETITOR_COMPONENT:
			if (ci < 0 || q[j].competitor_id == 0)
				continue;
			rc = ADV_OK;
			if ((ri = rival_index(c, L, ws_id, q[j].competitor_id, (size_t)ci, &rcap,
					      &rc)) < 0)
				return rc;
			m->acc = (size_t)ri; /* offset by the components below */
			break;
		default:
			continue;
		}
		k++;
	}
	L->nq = k;
	for (size_t j = 0; j < k; j++)
		if (L->q[j].kind == QK_COMPETITOR_COMPONENT)
			L->q[j].acc += RD_FIXED + d->ncomponents;
	if (k > 0)
		qsort(L->q, k, sizeof(*L->q), cmp_qmap);
	L->nacc = RD_FIXED + d->ncomponents + d->nrivals;
	if ((L->sum = arena_alloc(L->a, L->nacc * sizeof(*L->sum))) == NULL ||
	    (L->cnt = arena_alloc(L->a, L->nacc * sizeof(*L->cnt))) == NULL)
		return ADV_ENOMEM;
	/* Register every column: 8 fixed ones and those of the components and rivals. */
	nslots = RD_SLOTS_FIXED + d->ncomponents + d->nqcols + d->nrivals;
	if ((d->slots_ = arena_alloc(L->a, nslots * sizeof(*d->slots_))) == NULL ||
	    (d->elsize_ = arena_alloc(L->a, nslots * sizeof(*d->elsize_))) == NULL)
		return ADV_ENOMEM;
	slot_add(d, (void **)&d->recommend, sizeof(double));
	slot_add(d, (void **)&d->satisfaction, sizeof(double));
	slot_add(d, (void **)&d->intention, sizeof(double));
	slot_add(d, (void **)&d->revenue, sizeof(double));
	slot_add(d, (void **)&d->account, sizeof(int64_t));
	slot_add(d, (void **)&d->study, sizeof(int64_t));
	slot_add(d, (void **)&d->when, sizeof(int64_t));
	slot_add(d, (void **)&d->group, sizeof(int32_t));
	for (size_t i = 0; i < d->ncomponents; i++)
		slot_add(d, (void **)&d->components[i].col, sizeof(double));
	for (size_t i = 0; i < d->nqcols; i++)
		slot_add(d, (void **)&d->qcols[i].col, sizeof(double));
	for (size_t i = 0; i < d->nrivals; i++)
		slot_add(d, (void **)&d->rivals[i].col, sizeof(double));
	return columns_room(d, RD_CAP_FIRST);
}

/* Skips JSON white space. */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Skips the JSON string starting at p (at its quote); NULL when unterminated. */
static const char *
skip_string(const char *p)
{
	for (p++; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Skips the JSON value at p (a string, list, object or literal); NULL when malformed. */
static const char *
skip_value(const char *p)
{
	int depth = 0;

	if (*p == '"')
		return skip_string(p);
	if (*p != '[' && *p != '{') {
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		       *p == '-' || *p == '+' || *p == 'E')
			p++;
		return p;
	}
	for (; *p != '\0'; p++) {
		if (*p == '"') {
			if ((p = skip_string(p)) == NULL)
				return NULL;
			p--;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ']' || *p == '}') && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* Adds the answer v of question id to the row's accumulators; row r's question columns. */
static void
answer_add(struct loader *L, int64_t id, double v, size_t r)
{
	struct research_data *d = L->d;
	struct qmap k = {.id = id}, *m = bsearch(&k, L->q, L->nq, sizeof(k), cmp_qmap);

	if (m == NULL || !isfinite(v))
		return;
	if (m->kind == QK_RECOMMEND) {
		if (v < 0 || v > RD_SCORE_MAX || v != floor(v))
			return;
	} else if (v < d->score_min || v > d->score_max) {
		return;
	}
	L->sum[m->acc] += v;
	L->cnt[m->acc]++;
	if (m->qcol >= 0)
		d->qcols[m->qcol].col[r] = v;
}

/*
 * Scans the answers object s of row r: each member keyed by a question id
 * with a number value is added. ADV_EDB when s is not a JSON object.
 */
static enum adv_err
answers_scan(struct loader *L, const char *s, size_t r)
{
	const char *p = skip_ws(s);

	if (*p++ != '{')
		return ADV_EDB;
	for (p = skip_ws(p); *p != '}';) {
		int64_t id = 0;
		bool numeric = true;
		const char *end;
		char *num_end;

		if (*p != '"')
			return ADV_EDB;
		for (end = p + 1; *end >= '0' && *end <= '9' && id < INT64_MAX / 10; end++)
			id = id * 10 + (*end - '0');
		numeric = *end == '"' && end > p + 1;
		if ((p = skip_string(p)) == NULL || *(p = skip_ws(p)) != ':')
			return ADV_EDB;
		p = skip_ws(p + 1);
		if (*p == '-' || (*p >= '0' && *p <= '9')) {
			double v = strtod(p, &num_end);

			if (num_end == p)
				return ADV_EDB;
			if (numeric)
				answer_add(L, id, v, r);
			p = num_end;
		} else if ((p = skip_value(p)) == NULL) {
			return ADV_EDB;
		}
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			return ADV_EDB;
	}
	return ADV_OK;
}

/* yyyymmddhhmmss of an RFC 3339 timestamp (its first 14 digits); 0 for NULL. */
static int64_t
when_of(const char *ts)
{
	int64_t v = 0;
	int digits = 0;

	for (; ts != NULL && *ts != '\0' && digits < 14; ts++)
		if (*ts >= '0' && *ts <= '9') {
			v = v * 10 + (*ts - '0');
			digits++;
		}
	while (ts != NULL && digits++ < 14)
		v *= 10;
	return v;
}

/* FNV-1a of s. */
static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The group index of key (added when new); −1 for NULL; −2 past the limit, −3 out of memory. */
static int32_t
group_of(struct loader *L, const char *key)
{
	struct research_data *d = L->d;
	uint32_t slot;

	if (key == NULL)
		return -1;
	for (slot = hash_str(key) % RD_HASH_SLOTS; L->hash[slot] != 0;
	     slot = (slot + 1) % RD_HASH_SLOTS)
		if (strcmp(d->group_keys[L->hash[slot] - 1], key) == 0)
			return L->hash[slot] - 1;
	if (d->ngroups >= RESEARCH_GROUPS_MAX)
		return -2;
	if ((d->group_keys[d->ngroups] = arena_strdup(L->a, key)) == NULL)
		return -3;
	L->hash[slot] = (int32_t)++d->ngroups;
	return (int32_t)d->ngroups - 1;
}

/* Writes row r's accumulated means into the columns. */
static void
row_finish(struct loader *L, size_t r)
{
	struct research_data *d = L->d;
	double m[RD_FIXED];

	for (size_t i = 0; i < RD_FIXED; i++)
		m[i] = L->cnt[i] ? L->sum[i] / (double)L->cnt[i] : NAN;
	d->recommend[r] = L->cnt[RD_ACC_REC] > 1 ? round(m[RD_ACC_REC]) : m[RD_ACC_REC];
	d->satisfaction[r] = m[RD_ACC_SAT];
	d->intention[r] = m[RD_ACC_INT];
	for (size_t i = 0; i < d->ncomponents; i++) {
		size_t a = RD_FIXED + i;

		d->components[i].col[r] = L->cnt[a] ? L->sum[a] / (double)L->cnt[a] : NAN;
	}
	for (size_t i = 0; i < d->nrivals; i++) {
		size_t a = RD_FIXED + d->ncomponents + i;

		d->rivals[i].col[r] = L->cnt[a] ? L->sum[a] / (double)L->cnt[a] : NAN;
	}
}

/* Reads one response row of st into row d->n. */
static enum adv_err
read_row(struct loader *L, struct db_stmt *st, enum research_by by, long wave)
{
	struct research_data *d = L->d;
	size_t r = d->n;
	enum adv_err rc;

	if (r >= RESEARCH_ROWS_MAX)
		return adv_fail(L->eb, ADV_ETOOBIG, NULL,
				"more than %u responses: narrow the filter", RESEARCH_ROWS_MAX);
	if ((rc = columns_room(d, r + 1)) != ADV_OK)
		return rc;
	memset(L->sum, 0, L->nacc * sizeof(*L->sum));
	memset(L->cnt, 0, L->nacc * sizeof(*L->cnt));
	for (size_t i = 0; i < d->nqcols; i++)
		d->qcols[i].col[r] = NAN;
	if ((rc = answers_scan(L, db_col_text(st, 3), r)) != ADV_OK)
		return adv_fail(L->eb, rc, NULL, "the stored answers of a response are not valid");
	row_finish(L, r);
	d->study[r] = db_col_int(st, 0);
	d->account[r] = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
	d->when[r] = when_of(db_col_text(st, 2));
	d->revenue[r] = db_col_null(st, 4) ? NAN : db_col_double(st, 4);
	d->group[r] = -1;
	if (by == RB_STUDY) {
		d->group[r] = (int32_t)wave;
	} else if (by != RB_NONE) {
		int32_t g = group_of(L, db_col_null(st, 5) ? NULL : db_col_text(st, 5));

		if (g == -2)
			return adv_fail(L->eb, ADV_ETOOBIG, "by",
					"more than %d groups: choose a coarser grouping",
					RESEARCH_GROUPS_MAX);
		if (g == -3)
			return ADV_ENOMEM;
		d->group[r] = g;
	}
	d->studies[wave].n++;
	d->n++;
	return ADV_OK;
}

/* Binds the filter to the rows statement. */
static void
bind_filter(struct db_stmt *st, int64_t ws_id, const struct research_filter *f, int64_t one)
{
	const char *text[] = {f->from, f->to, f->segment, f->industry, f->region, f->status};

	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, one);
	for (int i = 0; i < 6; i++)
		db_bind_text(st, 3 + i, text[i] ? text[i] : "");
	db_bind_int(st, 9, f->owner_id);
	db_bind_int(st, 10, f->by == RB_STUDY ? 0 : (int64_t)f->by);
}

enum adv_err
research_data_load(struct db_conn *c, struct arena *a, int64_t ws_id,
		   const struct research_filter *f, struct research_data *out,
		   struct adv_errbuf *eb)
{
	struct loader *L;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((L = arena_zalloc(a, sizeof(*L))) == NULL)
		return ADV_ENOMEM;
	*L = (struct loader){.d = out, .a = a, .eb = eb};
	if ((rc = load_studies(c, L, ws_id, f)) != ADV_OK ||
	    (rc = map_questions(c, L, ws_id)) != ADV_OK)
		goto out;
	if (f->by != RB_NONE && f->by != RB_STUDY &&
	    (out->group_keys = arena_alloc(a, RESEARCH_GROUPS_MAX * sizeof(char *))) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if (f->by == RB_STUDY) {
		if ((out->group_keys = arena_alloc(a, (out->nstudies + 1) * sizeof(char *))) ==
		    NULL) {
			rc = ADV_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < out->nstudies; i++)
			if ((out->group_keys[i] =
				 arena_printf(a, "%lld", (long long)out->studies[i].id)) == NULL) {
				rc = ADV_ENOMEM;
				goto out;
			}
		out->ngroups = out->nstudies;
	}
	if (out->nstudies == 0)
		goto out;
	if ((rc = db_prepare(c, &sql_rows, &st)) != ADV_OK)
		goto out;
	bind_filter(st, ws_id, f, out->nstudies == 1 ? out->studies[0].id : 0);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		long wave = wave_of(L, db_col_int(st, 0));

		if (wave < 0)
			continue;
		if ((rc = read_row(L, st, f->by, wave)) != ADV_OK) {
			db_done(st);
			goto out;
		}
	}
out:
	return rc;
}

void
research_data_release(struct research_data *d)
{
	for (size_t i = 0; i < d->nslots_; i++) {
		free(*d->slots_[i]);
		*d->slots_[i] = NULL;
	}
	memset(d, 0, sizeof(*d));
}
