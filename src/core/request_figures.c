/*
 * request_figures.c — the figures of the dialog window (see
 * request_figures.h): one pass over the period's requests ordered by
 * company, counting volumes, collecting response and resolution times
 * (calendar and working seconds, core/worktime.h) for percentiles, judging
 * each service level deadline whose outcome is known, and the ratings; the
 * helpful marks in one aggregate query.
 */
#include "core/request_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/request.h"
#include "core/request_settings.h"
#include "util/clock.h"

#define SMALL_SAMPLE 30	  /* under this many, a figure carries a warning */
#define KEYS_MAX     1000 /* components or stages counted apart */

static struct db_sql sql_rows = DB_SQL(
    "SELECT r.account_id, acc.name, r.kind, r.status, r.component_id, r.stage_id, r.created_at,"
    " r.first_response_at, r.resolved_at, r.first_response_due_at, r.resolution_due_at,"
    " r.rating, r.waiting_since FROM requests r JOIN accounts acc ON acc.id = r.account_id"
    " AND acc.workspace_id = r.workspace_id WHERE r.workspace_id = ?1"
    " AND (r.account_id = ?2 OR ?2 = 0) AND (?3 IS NULL OR r.created_at >= ?3)"
    " AND (?4 IS NULL OR r.created_at < ?4) ORDER BY r.account_id LIMIT ?5");
static struct db_sql sql_marks =
    DB_SQL("SELECT COALESCE(SUM(m.helpful), 0), COUNT(m.helpful) FROM request_messages m"
	   " JOIN requests r ON r.id = m.request_id AND r.workspace_id = m.workspace_id"
	   " WHERE m.workspace_id = ?1 AND (r.account_id = ?2 OR ?2 = 0)"
	   " AND (?3 IS NULL OR r.created_at >= ?3) AND (?4 IS NULL OR r.created_at < ?4)");
static struct db_sql sql_account =
    DB_SQL("SELECT id FROM accounts WHERE workspace_id = ?1 AND id = ?2");

/* A count per key (a component or stage id; 0 for none). */
struct keyed {
	int64_t key[KEYS_MAX];
	int64_t n[KEYS_MAX];
	size_t len;
};

/* A company's volume. */
struct company {
	int64_t id, n;
	const char *name;
};

/* Times in seconds, calendar and working, of one kind of event. */
struct times {
	double *wall, *work;
	size_t n, cap;
};

/* A deadline's record: judged (the outcome is known) and met. */
struct compliance {
	int64_t judged, met;
};

struct acc {
	int64_t n;
	int64_t by_kind[RK__MAX], by_status[RS__MAX];
	struct keyed components, stages;
	struct company *top; /* REQFIG_COMPANIES_TOP largest, by n descending */
	size_t ntop;
	struct times first, resolution;
	struct compliance sla_first, sla_resolution;
	int64_t ratings[REQUEST_RATING_MAX + 1];
};

double
request_percentile(const double *v, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return NAN;
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* Counts key in k (keys beyond KEYS_MAX are folded into the last). */
static void
keyed_add(struct keyed *k, int64_t key)
{
	for (size_t i = 0; i < k->len; i++)
		if (k->key[i] == key) {
			k->n[i]++;
			return;
		}
	if (k->len == KEYS_MAX) {
		k->n[KEYS_MAX - 1]++;
		return;
	}
	k->key[k->len] = key;
	k->n[k->len++] = 1;
}

/* Appends one time pair to t; false when out of memory. */
static bool
times_add(struct arena *a, struct times *t, double wall, double work)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		double *w = arena_alloc(a, cap * sizeof(*w)), *k = arena_alloc(a, cap * sizeof(*k));

		if (w == NULL || k == NULL)
			return false;
		if (t->n > 0) {
			memcpy(w, t->wall, t->n * sizeof(*w));
			memcpy(k, t->work, t->n * sizeof(*k));
		}
		t->wall = w;
		t->work = k;
		t->cap = cap;
	}
	t->wall[t->n] = wall;
	t->work[t->n++] = work;
	return true;
}

/* Keeps company c among the largest REQFIG_COMPANIES_TOP of acc (n descending, then id). */
static void
top_add(struct acc *x, const struct company *c)
{
	size_t i;

	if (c->n == 0)
		return;
	if (x->ntop == REQFIG_COMPANIES_TOP && x->top[x->ntop - 1].n >= c->n)
		return;
	if (x->ntop < REQFIG_COMPANIES_TOP)
		x->ntop++;
	for (i = x->ntop - 1; i > 0 && x->top[i - 1].n < c->n; i--)
		x->top[i] = x->top[i - 1];
	x->top[i] = *c;
}

/* Judges one deadline: known when answered, or when due passed without an answer. */
static void
judge(struct compliance *s, const char *due, const char *done, const char *now)
{
	if (due == NULL)
		return;
	if (done != NULL) {
		s->judged++;
		s->met += strcmp(done, due) <= 0;
	} else if (strcmp(now, due) > 0) {
		s->judged++;
	}
}

/* Adds the span from..to (RFC 3339) to t in calendar and working seconds of cal. */
static bool
span_add(struct arena *a, struct times *t, const struct worktime_calendar *cal, const char *from,
	 const char *to)
{
	time_t f, e;
	int64_t work = 0;

	if (to == NULL || !clock_parse(from, &f) || !clock_parse(to, &e) || e < f)
		return true;
	if (!worktime_between(cal, f, e, &work))
		work = 0;
	return times_add(a, t, (double)(e - f), (double)work);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A number, or null for NaN (new reference). */
static json_t *
num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* The percentiles of v[0..n) in hours (sorted in place; new reference). */
static json_t *
hours_json(double *v, size_t n)
{
	double sum = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return json_pack("{s:o, s:o, s:o, s:o}", "p50", num(request_percentile(v, n, 0.5) / 3600),
			 "p90", num(request_percentile(v, n, 0.9) / 3600), "p99",
			 num(request_percentile(v, n, 0.99) / 3600), "mean",
			 num(n ? sum / (double)n / 3600 : NAN));
}

/* The times of one event (new reference). */
static json_t *
times_json(struct times *t)
{
	return json_pack("{s:I, s:b, s:o, s:o}", "n", (json_int_t)t->n, "small_sample",
			 t->n < SMALL_SAMPLE, "hours", hours_json(t->wall, t->n), "working_hours",
			 hours_json(t->work, t->n));
}

/* A compliance record (new reference). */
static json_t *
compliance_json(const struct compliance *s)
{
	return json_pack("{s:I, s:I, s:o}", "n", (json_int_t)s->judged, "met", (json_int_t)s->met,
			 "share", num(s->judged ? (double)s->met / (double)s->judged : NAN));
}

/* A keyed count as [{"<name>": id | null, "n"}] (new reference). */
static json_t *
keyed_json(const struct keyed *k, const char *name)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < k->len; i++)
		json_array_append_new(arr,
				      json_pack("{s:o, s:I}", name,
						k->key[i] ? json_integer(k->key[i]) : json_null(),
						"n", (json_int_t)k->n[i]));
	return arr;
}

/* The whole document from x and the helpful marks (new reference). */
static json_t *
figures_json(struct acc *x, const struct request_figures_filter *f, int64_t helpful, int64_t marked)
{
	json_t *kinds = json_object(), *statuses = json_object(), *companies = json_array(),
	       *dist = json_object();
	int64_t rated = 0, satisfied = 0;
	double sum = 0;

	for (int i = 0; kinds != NULL && i < RK__MAX; i++)
		json_object_set_new(kinds, request_kind_name((enum request_kind)i),
				    json_integer(x->by_kind[i]));
	for (int i = 0; statuses != NULL && i < RS__MAX; i++)
		json_object_set_new(statuses, request_status_name((enum request_status)i),
				    json_integer(x->by_status[i]));
	for (size_t i = 0; companies != NULL && i < x->ntop; i++)
		json_array_append_new(companies,
				      json_pack("{s:I, s:s?, s:I}", "account_id",
						(json_int_t)x->top[i].id, "account_name",
						x->top[i].name, "n", (json_int_t)x->top[i].n));
	for (int r = REQUEST_RATING_MIN; dist != NULL && r <= REQUEST_RATING_MAX; r++) {
		char key[4] = {(char)('0' + r), '\0'};

		json_object_set_new(dist, key, json_integer(x->ratings[r]));
		rated += x->ratings[r];
		sum += (double)r * (double)x->ratings[r];
		satisfied += r >= REQUEST_RATING_MAX - 1 ? x->ratings[r] : 0;
	}
	return json_pack(
	    "{s:I, s:b, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o},"
	    " s:{s:I, s:b, s:o, s:o, s:o}, s:{s:I, s:I, s:o}}",
	    "n", (json_int_t)x->n, "small_sample", x->n < SMALL_SAMPLE, "from", f->from, "to",
	    f->to, "account_id", f->account_id ? json_integer(f->account_id) : json_null(),
	    "by_kind", kinds, "by_status", statuses, "by_component",
	    keyed_json(&x->components, "component_id"), "by_stage",
	    keyed_json(&x->stages, "stage_id"), "by_company", companies, "first_response",
	    times_json(&x->first), "resolution", times_json(&x->resolution), "sla",
	    "first_response", compliance_json(&x->sla_first), "resolution",
	    compliance_json(&x->sla_resolution), "ratings", "n", (json_int_t)rated, "small_sample",
	    rated < SMALL_SAMPLE, "mean", num(rated ? sum / (double)rated : NAN), "satisfied_share",
	    num(rated ? (double)satisfied / (double)rated : NAN), "distribution", dist, "helpful",
	    "marked", (json_int_t)marked, "helpful", (json_int_t)helpful, "share",
	    num(marked ? (double)helpful / (double)marked : NAN));
}

/* Binds the filter of sql_rows and sql_marks (?1..?4). */
static void
bind_filter(struct db_stmt *st, int64_t ws_id, const struct request_figures_filter *f,
	    const char *until)
{
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, f->account_id);
	db_bind_text(st, 3, f->from);
	db_bind_text(st, 4, until);
}

/* The day after date (YYYY-MM-DD) as the exclusive end of created_at, into out. */
static const char *
exclusive_end(const char *date, char out[CLOCK_TEXT_MAX])
{
	char start[CLOCK_TEXT_MAX];
	time_t t;

	if (date == NULL)
		return NULL;
	snprintf(start, sizeof(start), "%sT00:00:00Z", date);
	if (!clock_parse(start, &t))
		return NULL;
	clock_format(t + 86400, out);
	return out;
}

enum adv_err
request_figures(struct db_conn *c, struct arena *a, int64_t ws_id,
		const struct request_figures_filter *f, time_t now_s, json_t **out,
		struct adv_errbuf *eb)
{
	struct request_settings set;
	struct company cur = {0, 0, NULL};
	char now[CLOCK_TEXT_MAX], until_buf[CLOCK_TEXT_MAX];
	const char *until = exclusive_end(f->to, until_buf);
	struct acc *x;
	struct db_stmt *st;
	int64_t helpful = 0, marked = 0;
	enum adv_err rc;
	bool row, oom = false;

	*out = NULL;
	clock_format(now_s, now);
	if ((x = arena_alloc(a, sizeof(*x))) == NULL ||
	    (memset(x, 0, sizeof(*x)),
	     x->top = arena_alloc(a, REQFIG_COMPANIES_TOP * sizeof(*x->top))) == NULL)
		return ADV_ENOMEM;
	if (f->account_id > 0) {
		if ((rc = db_prepare(c, &sql_account, &st)) != ADV_OK)
			return rc;
		db_bind_int(st, 1, ws_id);
		db_bind_int(st, 2, f->account_id);
		if ((rc = db_step(st, &row)) != ADV_OK)
			return rc;
		if (!row)
			return adv_fail(eb, ADV_ENOTFOUND, NULL, "no such account: %lld",
					(long long)f->account_id);
		db_done(st);
	}
	if ((rc = request_settings_load(c, a, ws_id, &set)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_rows, &st)) != ADV_OK)
		return rc;
	bind_filter(st, ws_id, f, until);
	db_bind_int(st, 5, REQFIG_ROWS_MAX + 1);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		int64_t account = db_col_int(st, 0);
		enum request_kind kind = request_kind_parse(db_col_text(st, 2));
		enum request_status status = request_status_parse(db_col_text(st, 3));
		const char *created = db_col_text(st, 6);

		if (x->n == REQFIG_ROWS_MAX) {
			db_done(st);
			return adv_fail(eb, ADV_ETOOBIG, NULL,
					"more than %d requests: choose a shorter period",
					REQFIG_ROWS_MAX);
		}
		if (account != cur.id) {
			top_add(x, &cur);
			cur.id = account;
			cur.n = 0;
			cur.name = db_col_dup(st, a, 1, &oom);
		}
		cur.n++;
		x->n++;
		if (kind < RK__MAX)
			x->by_kind[kind]++;
		if (status < RS__MAX)
			x->by_status[status]++;
		keyed_add(&x->components, db_col_null(st, 4) ? 0 : db_col_int(st, 4));
		keyed_add(&x->stages, db_col_null(st, 5) ? 0 : db_col_int(st, 5));
		if (!span_add(a, &x->first, &set.calendar, created, db_col_text(st, 7)) ||
		    !span_add(a, &x->resolution, &set.calendar, created, db_col_text(st, 8)))
			oom = true;
		judge(&x->sla_first, db_col_text(st, 9), db_col_text(st, 7), now);
		/* a request waiting for the client is judged as of when it began to wait */
		judge(&x->sla_resolution, db_col_text(st, 10), db_col_text(st, 8),
		      db_col_null(st, 12) ? now : db_col_text(st, 12));
		if (!db_col_null(st, 11)) {
			int64_t r = db_col_int(st, 11);

			if (r >= REQUEST_RATING_MIN && r <= REQUEST_RATING_MAX)
				x->ratings[r]++;
		}
		if (oom) {
			db_done(st);
			return ADV_ENOMEM;
		}
	}
	if (rc != ADV_OK)
		return rc;
	top_add(x, &cur);
	if ((rc = db_prepare(c, &sql_marks, &st)) != ADV_OK)
		return rc;
	bind_filter(st, ws_id, f, until);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (row) {
		helpful = db_col_int(st, 0);
		marked = db_col_int(st, 1);
		db_done(st);
	}
	if ((*out = figures_json(x, f, helpful, marked)) == NULL)
		return ADV_ENOMEM;
	return ADV_OK;
}
