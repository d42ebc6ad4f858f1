/*
 * analytics.h — definitions shared by the analytics engine (src/analytics/):
 * the sample size under which a figure carries a warning, the confidence
 * level of every interval and test, and the status that says why a figure of
 * a result is NAN. The engine is pure functions over the caller's arrays;
 * a missing answer in a double array is NAN.
 */
#ifndef ADV_ANALYTICS_ANALYTICS_H
#define ADV_ANALYTICS_ANALYTICS_H

#define ANALYTICS_SMALL_N 30	/* a result with n below this is flagged small */
#define ANALYTICS_LEVEL	  0.95	/* the confidence level of every interval */
#define ANALYTICS_ALPHA	  0.05	/* the significance level of every test: 1 − level */
#define ANALYTICS_Q	  0.975 /* the quantile of two-sided 95 % intervals: 1 − alpha / 2 */

/*
 * What a result could compute. Anything other than ANALYTICS_OK names the
 * first reason a figure is missing (NAN); each result's contract says which
 * figures are still given under which status.
 */
enum analytics_status {
	ANALYTICS_OK = 0,
	ANALYTICS_EMPTY,       /* no usable observation (n = 0) */
	ANALYTICS_TOO_FEW,     /* too few observations for a spread (n = 1) */
	ANALYTICS_NO_VARIANCE, /* the answers do not vary: a ratio to the spread is undefined */
	ANALYTICS_ZERO_WEIGHT, /* the weights of the observations sum to zero */
	ANALYTICS_SINGULAR,    /* collinear predictors: the system has no unique solution */
	ANALYTICS_STATUS__MAX
};

#endif
