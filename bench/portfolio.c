/*
 * portfolio.c — the loyalty portfolio benchmark (issue 4): generates a
 * workspace of N clients with M current component scores (and one factor
 * observation per assessment) straight into a fresh database with SQL, then
 * times the portfolio computation (core/portfolio.c, what
 * GET /loyalty/portfolio runs) against a bare scan of the same scores on the
 * same engine — SELECT account_id, component_id, assessed_on, score FROM
 * assessment_scores WHERE workspace_id = ? stepped to the end, reading every
 * column — alternating, several runs each, and prints the medians and their
 * ratio against the target (≤ 2).
 *
 *   portfolio DB_URL [--clients N] [--scores M] [--runs R]
 *
 * DB_URL is an empty database (a SQLite file path, or a PostgreSQL URL);
 * migrations are applied first. A database that holds the data set of an
 * earlier run is measured again as it is (--clients and --scores ignored). Exit status 0 when the
 * ratio meets the target, 1 when it does not or something failed, 2 for a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assessment.h"
#include "core/identity.h"
#include "core/portfolio.h"
#include "db/db.h"
#include "db/migrate.h"
#include "util/arena.h"

#define BENCH_SLUG	   "bench-portfolio"
#define BENCH_CLIENTS	   100000
#define BENCH_SCORES	   1000000
#define BENCH_RUNS	   7
#define BENCH_RUNS_MAX	   50
#define BENCH_TARGET	   2.0
#define BENCH_HISTORY_DAYS 548 /* assessments over the last 18 months */
#define BENCH_DAY_SECONDS  86400
#define BENCH_DATE_STEP	   7919 /* spreads assessments over the dates */

static struct db_sql sql_dates_add = DB_SQL("INSERT INTO bench_dates (k, d) VALUES (?1, ?2)");
static struct db_sql sql_numbers =
    DB_SQL("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)"
	   " INSERT INTO bench_n (i) SELECT i FROM n");
static struct db_sql sql_accounts =
    DB_SQL("INSERT INTO accounts (workspace_id, name, status, segment, tags, revenue_currency,"
	   " search_text, version, created_at, updated_at)"
	   " SELECT ?1, 'Клиент ' || i, CASE i % 4 WHEN 0 THEN 'prospect' WHEN 3 THEN 'at_risk'"
	   " ELSE 'active' END, CASE i % 3 WHEN 0 THEN 'Крупные' ELSE 'Средние' END, '[]', 'RUB',"
	   " 'клиент ' || i, 1, ?2, ?2 FROM bench_n WHERE i <= ?3");
static struct db_sql sql_first_account =
    DB_SQL("SELECT MIN(id), COUNT(*) FROM accounts WHERE workspace_id = ?1");
static struct db_sql sql_assessments =
    DB_SQL("INSERT INTO assessments (workspace_id, account_id, series_id, version, current,"
	   " assessed_on, source, created_at)"
	   " SELECT ?1, ?2 + (n.i - 1) % ?3, -n.i, 1, 1, d.d, 'survey', ?4"
	   " FROM bench_n n JOIN bench_dates d ON d.k = (n.i * 7919) % ?5 WHERE n.i <= ?6");
static struct db_sql sql_scores = DB_SQL(
    "INSERT INTO assessment_scores (assessment_id, workspace_id, account_id, component_id,"
    " assessed_on, current, score)"
    " SELECT a.id, a.workspace_id, a.account_id, c.id, a.assessed_on, 1,"
    " 1 + (a.id * 31 + c.id * 17 + a.id / 7) % 5 FROM assessments a CROSS JOIN loyalty_components c"
    " WHERE a.workspace_id = ?1 AND c.workspace_id = ?1 AND c.active = 1");
static struct db_sql sql_factors =
    DB_SQL("INSERT INTO assessment_factors (assessment_id, workspace_id, account_id, factor_id,"
	   " assessed_on, current)"
	   " SELECT a.id, a.workspace_id, a.account_id, f.id, a.assessed_on, 1 FROM assessments a"
	   " JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM loyalty_factors"
	   " WHERE workspace_id = ?1) f ON f.k = a.id % ?2 WHERE a.workspace_id = ?1");
static struct db_sql sql_count_components =
    DB_SQL("SELECT COUNT(*) FROM loyalty_components WHERE workspace_id = ?1 AND active = 1");
static struct db_sql sql_count_factors =
    DB_SQL("SELECT COUNT(*) FROM loyalty_factors WHERE workspace_id = ?1");
static struct db_sql sql_count_scores =
    DB_SQL("SELECT COUNT(*) FROM assessment_scores WHERE workspace_id = ?1");
static struct db_sql sql_workspace = DB_SQL("SELECT id FROM workspaces WHERE slug = ?1");
static struct db_sql sql_scan =
    DB_SQL("SELECT account_id, component_id, assessed_on, score FROM assessment_scores"
	   " WHERE workspace_id = ?1");

/* Seconds on a monotonic clock. */
static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Prints what failed and returns 1. */
static int
fail(const char *what, enum adv_err rc, const struct adv_errbuf *eb)
{
	fprintf(stderr, "portfolio: %s: %s%s%s\n", what, adv_strerror(rc),
		eb && eb->msg[0] ? ": " : "", eb ? eb->msg : "");
	return 1;
}

/* One integer from a statement that returns one row, bound to ws (and nothing else). */
static enum adv_err
scalar(struct db_conn *c, struct db_sql *sql, int64_t ws, int64_t *out, int64_t *second)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, sql, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_EDB;
	*out = db_col_int(st, 0);
	if (second != NULL)
		*second = db_col_int(st, 1);
	db_done(st);
	return ADV_OK;
}

/* Runs st to its end and prints how long it took, as step name, on stderr. */
static enum adv_err
timed_exec(struct db_stmt *st, const char *name)
{
	double t0 = now_s();
	enum adv_err rc = db_exec(st);

	fprintf(stderr, "  generate: %-12s %.1f s\n", name, now_s() - t0);
	return rc;
}

/*
 * Generates the data set into workspace ws in one transaction. The
 * assessments keep placeholder series ids (−1, −2, …; the portfolio does not
 * read them): setting them to the ids with an UPDATE would leave PostgreSQL a
 * dead row per assessment that makes the scores' foreign key checks several
 * times slower.
 */
static enum adv_err
generate(struct db_conn *c, int64_t ws, long clients, long scores, int64_t *nscores,
	 struct adv_errbuf *eb)
{
	char stamp[32], day[16];
	int64_t ncomp, nfactors, first, naccounts;
	long assessments, numbers;
	struct db_stmt *st;
	time_t today = time(NULL);
	enum adv_err rc;

	if ((rc = scalar(c, &sql_count_components, ws, &ncomp, NULL)) != ADV_OK ||
	    (rc = scalar(c, &sql_count_factors, ws, &nfactors, NULL)) != ADV_OK)
		return rc;
	if (ncomp == 0 || nfactors == 0)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"the new workspace has no loyalty catalogue to score");
	assessments = scores / (long)ncomp;
	numbers = assessments > clients ? assessments : clients;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&today));
	if ((rc = db_begin(c)) != ADV_OK ||
	    (rc = db_exec_script(
		 c,
		 "CREATE TABLE bench_n (i INTEGER PRIMARY KEY);"
		 " CREATE TABLE bench_dates (k INTEGER PRIMARY KEY, d TEXT NOT NULL)",
		 eb)) != ADV_OK)
		goto out;
	for (int k = 0; k < BENCH_HISTORY_DAYS; k++) {
		time_t t = today - (time_t)k * BENCH_DAY_SECONDS;

		strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&t));
		if ((rc = db_prepare(c, &sql_dates_add, &st)) != ADV_OK)
			goto out;
		db_bind_int(st, 1, k);
		db_bind_text(st, 2, day);
		if ((rc = db_exec(st)) != ADV_OK)
			goto out;
	}
	if ((rc = db_prepare(c, &sql_numbers, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, numbers);
	if ((rc = timed_exec(st, "numbers")) != ADV_OK ||
	    (rc = db_prepare(c, &sql_accounts, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws);
	db_bind_text(st, 2, stamp);
	db_bind_int(st, 3, clients);
	if ((rc = timed_exec(st, "accounts")) != ADV_OK ||
	    (rc = scalar(c, &sql_first_account, ws, &first, &naccounts)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_assessments, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws);
	db_bind_int(st, 2, first);
	db_bind_int(st, 3, naccounts);
	db_bind_text(st, 4, stamp);
	db_bind_int(st, 5, BENCH_HISTORY_DAYS);
	db_bind_int(st, 6, assessments);
	if ((rc = timed_exec(st, "assessments")) != ADV_OK ||
	    (rc = db_prepare(c, &sql_scores, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws);
	if ((rc = timed_exec(st, "scores")) != ADV_OK ||
	    (rc = db_prepare(c, &sql_factors, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws);
	db_bind_int(st, 2, nfactors);
	if ((rc = timed_exec(st, "factors")) != ADV_OK ||
	    (rc = db_exec_script(c, "DROP TABLE bench_n; DROP TABLE bench_dates", eb)) != ADV_OK)
		goto out;
	rc = db_commit(c);
	if (rc == ADV_OK)
		rc = db_exec_script(c, "ANALYZE", eb);
	if (rc == ADV_OK)
		rc = scalar(c, &sql_count_scores, ws, nscores, NULL);
out:
	if (db_in_tx(c))
		db_rollback(c);
	return rc;
}

/* The id of the benchmark's workspace; ADV_ENOTFOUND when the database has none yet. */
static enum adv_err
find_workspace(struct db_conn *c, int64_t *ws)
{
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_workspace, &st)) != ADV_OK)
		return rc;
	db_bind_text(st, 1, BENCH_SLUG);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	if (!row)
		return ADV_ENOTFOUND;
	*ws = db_col_int(st, 0);
	db_done(st);
	return ADV_OK;
}

/* One bare scan of the workspace's scores; *sink keeps the values read. */
static enum adv_err
scan(struct db *db, int64_t ws, double *sink)
{
	struct db_conn *c;
	struct db_stmt *st;
	bool row;
	enum adv_err rc;

	if ((rc = db_acquire(db, &c)) != ADV_OK)
		return rc;
	if ((rc = db_begin_read(c)) != ADV_OK || (rc = db_prepare(c, &sql_scan, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		const char *d = db_col_text(st, 2);

		*sink += (double)(db_col_int(st, 0) + db_col_int(st, 1)) + (double)(d ? d[9] : 0) +
			 db_col_double(st, 3);
	}
out:
	db_release(db, c);
	return rc;
}

/* One portfolio computation, as the API runs it (in a read transaction). */
static enum adv_err
compute(struct db *db, int64_t ws, struct portfolio *p, struct adv_errbuf *eb)
{
	struct db_conn *c;
	struct arena a;
	enum adv_err rc;

	arena_init(&a, 0);
	if ((rc = db_acquire(db, &c)) != ADV_OK)
		goto out;
	if ((rc = db_begin_read(c)) == ADV_OK)
		rc = portfolio_compute(c, &a, ws, NULL, assessment_today(), p, eb);
	db_release(db, c);
out:
	arena_free(&a); /* p's arrays go with it; only its counts are used */
	return rc;
}

int
main(int argc, char **argv)
{
	long clients = BENCH_CLIENTS, scores = BENCH_SCORES, runs = BENCH_RUNS;
	double t_scan[BENCH_RUNS_MAX], t_port[BENCH_RUNS_MAX], sink = 0, m_scan, m_port;
	struct adv_errbuf eb = {{0}, {0}};
	const char *url = NULL;
	unsigned applied = 0;
	struct portfolio p;
	struct db *db = NULL;
	struct db_conn *c;
	int64_t ws, nscores = 0;
	double t0;
	enum adv_err rc;
	int status = 1;
	bool bad = false;

	for (int i = 1; i < argc; i++) {
		long *opt = strcmp(argv[i], "--clients") == 0  ? &clients
			    : strcmp(argv[i], "--scores") == 0 ? &scores
			    : strcmp(argv[i], "--runs") == 0   ? &runs
							       : NULL;

		if (opt != NULL && i + 1 < argc)
			*opt = strtol(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && url == NULL)
			url = argv[i];
		else
			bad = true;
	}
	if (bad || url == NULL || clients < 1 || scores < 1 || runs < 1 || runs > BENCH_RUNS_MAX) {
		fprintf(stderr, "usage: portfolio DB_URL [--clients N] [--scores M] [--runs R]\n");
		return 2;
	}
	if ((rc = db_open(url, 1, &db, &eb)) != ADV_OK)
		return fail("cannot open the database", rc, &eb);
	if ((rc = migrate_apply(db, &applied, &eb)) != ADV_OK) {
		status = fail("cannot migrate", rc, &eb);
		goto out;
	}
	if ((rc = db_acquire(db, &c)) != ADV_OK) {
		status = fail("no connection", rc, NULL);
		goto out;
	}
	t0 = now_s();
	if ((rc = find_workspace(c, &ws)) == ADV_OK) {
		/* A data set made by an earlier run: measure it again. */
		rc = scalar(c, &sql_count_scores, ws, &nscores, NULL);
	} else if (rc == ADV_ENOTFOUND) {
		rc = db_begin(c);
		if (rc == ADV_OK &&
		    (rc = identity_workspace_add(c, BENCH_SLUG, "Benchmark", &ws, &eb)) == ADV_OK)
			rc = db_commit(c);
		if (rc == ADV_OK)
			rc = generate(c, ws, clients, scores, &nscores, &eb);
	}
	db_release(db, c);
	if (rc != ADV_OK) {
		status = fail("cannot generate the data", rc, &eb);
		goto out;
	}
	printf("engine %s: %lld component scores, ready in %.1f s\n",
	       db_kind(db) == DB_PG ? "postgresql" : "sqlite", (long long)nscores, now_s() - t0);
	/* One of each to warm the caches, then the measured runs, alternating. */
	if ((rc = scan(db, ws, &sink)) != ADV_OK || (rc = compute(db, ws, &p, &eb)) != ADV_OK) {
		status = fail("warm-up failed", rc, &eb);
		goto out;
	}
	for (long r = 0; r < runs; r++) {
		t0 = now_s();
		if ((rc = scan(db, ws, &sink)) != ADV_OK) {
			status = fail("scan failed", rc, NULL);
			goto out;
		}
		t_scan[r] = now_s() - t0;
		t0 = now_s();
		if ((rc = compute(db, ws, &p, &eb)) != ADV_OK) {
			status = fail("portfolio failed", rc, &eb);
			goto out;
		}
		t_port[r] = now_s() - t0;
	}
	m_scan = median(t_scan, (size_t)runs);
	m_port = median(t_port, (size_t)runs);
	printf("  portfolio: %zu clients, %zu with an index, %zu fallers listed\n", p.clients,
	       p.assessed, p.nfallers);
	printf("  bare SELECT scan of the scores: median %.3f s over %ld runs\n", m_scan, runs);
	printf("  portfolio computation:          median %.3f s over %ld runs\n", m_port, runs);
	printf("  ratio %.2f (target <= %.1f): %s\n", m_port / m_scan, BENCH_TARGET,
	       m_port / m_scan <= BENCH_TARGET ? "ok" : "MISSED");
	status = m_port / m_scan <= BENCH_TARGET ? 0 : 1;
	if (sink == 0)
		printf("  (no scores read)\n");
out:
	db_close(db);
	return status;
}
