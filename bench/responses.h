/*
 * responses.h — synthetic survey responses for the research benchmarks
 * (issue 6, "Benchmarks"): N respondents of about N / 10 client accounts,
 * each answering likelihood to recommend (0..10), overall satisfaction and
 * intention to stay (1..5), ten loyalty components (1..5) and the same ten
 * components for one competitor (1..5), in RESPONSES_WAVES waves. Each
 * account has a revenue weight and a churned flag.
 *
 * The answers follow a latent model, so that the analytics find a real
 * structure: an account's loyalty and a respondent's general attitude drive
 * every component with its own loading; the competitor's ratings follow ours
 * with a shift per component; likelihood to recommend is driven by the
 * components with decreasing weights plus noise (key driver analysis
 * recovers the order); churn is likelier for less loyal accounts; the
 * attitude improves slightly from wave to wave. About RESPONSES_MISSING of
 * the answers are missing (NAN). Deterministic: one seed gives the same data
 * on every run and machine with IEEE doubles and the same libm.
 *
 * The data is columnar (one array of n values per question), rows ordered by
 * wave, oldest first, as the analytics engine takes it; responses_write_csv
 * writes it as one CSV row per respondent with columns named by question
 * code.
 */
#ifndef ADV_BENCH_RESPONSES_H
#define ADV_BENCH_RESPONSES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define RESPONSES_COMPONENTS  10   /* loyalty components c1..c10 (and k1..k10) */
#define RESPONSES_WAVES	      4	   /* waves 1..RESPONSES_WAVES */
#define RESPONSES_PER_ACCOUNT 10   /* respondents per account on average */
#define RESPONSES_MISSING     0.03 /* the share of answers left missing */
#define RESPONSES_SCALE_LO    1.0  /* the workspace scale of ratings */
#define RESPONSES_SCALE_HI    5.0
#define RESPONSES_NPS_HI      10.0 /* likelihood to recommend is 0..10 */
#define RESPONSES_SEED	      6006 /* the seed the benchmarks use by default */
/* The columns of struct responses: account, wave, revenue, churned, nps, sat, intent, c, k. */
#define RESPONSES_COLUMNS (7 + 2 * RESPONSES_COMPONENTS)

/*
 * The responses, one array of n values per column, row i the answers of
 * respondent i; a missing answer is NAN. Rows are ordered by wave.
 */
struct responses {
	size_t n;	  /* respondents */
	size_t accounts;  /* account ids are 1..accounts (an id may have no respondent) */
	int64_t *account; /* the respondent's account id, 1..accounts */
	int64_t *wave;	  /* the wave 1..RESPONSES_WAVES, ascending */
	double *revenue;  /* the account's revenue weight (> 0, two decimals) */
	double *churned;  /* 1 when the account churned, else 0 */
	double *nps;	  /* likelihood to recommend 0..10 */
	double *sat;	  /* overall satisfaction 1..5 */
	double *intent;	  /* intention to stay 1..5 */
	double *comp[RESPONSES_COMPONENTS];  /* our components c1..c10, 1..5 */
	double *rival[RESPONSES_COMPONENTS]; /* the competitor's components k1..k10, 1..5 */
};

/*
 * Generates n ≥ 1 responses from seed into *out (every array malloc'd; free
 * with responses_free, also after a failure).
 * Errors: ADV_EINVAL for n = 0, ADV_ENOMEM.
 */
enum adv_err responses_generate(size_t n, uint64_t seed, struct responses *out,
				struct adv_errbuf *eb);

/* Frees the arrays of *r (which may be zeroed or partly filled) and zeroes it. */
void responses_free(struct responses *r);

/*
 * Writes *r to path as CSV (RFC 4180, comma-separated, "\n" line ends): a
 * header respondent_id,account_id,wave,revenue,churned,nps,sat,intent,c1..c10,
 * k1..k10, then one row per respondent (respondent_id 1..n); answers as
 * integers, the revenue with two decimals, a missing answer as an empty
 * field. Reading the file back gives exactly the values of *r.
 * Errors: ADV_EIO (eb says what failed).
 */
enum adv_err responses_write_csv(const struct responses *r, const char *path,
				 struct adv_errbuf *eb);

#endif
