/*
 * loyalty_fixtures.h — helpers shared by the loyalty API tests (catalogue,
 * journey, assessments, the loyalty model and the portfolio): ids of the
 * seed's components and factors, SQL behind the server's back, requests with
 * formatted paths and expected pointers, JSON members, and dates.
 */
#ifndef ADV_TESTS_LOYALTY_FIXTURES_H
#define ADV_TESTS_LOYALTY_FIXTURES_H

#include <stdint.h>

#include "harness.h"

/* The id of component code of workspace ws; fails the test when there is none. */
int64_t lf_comp(struct harness *h, int64_t ws, const char *code);

/* The id of factor number pos (the seed's order) of component code of ws; fails when none. */
int64_t lf_factor(struct harness *h, int64_t ws, const char *code, int pos);

/* Runs SQL made from fmt behind the server's back; fails the test on error. */
void lf_sqlf(struct harness *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* POSTs body to path as user, expects 201 and returns the new object's id. */
int64_t lf_create(struct harness *h, const char *path, int user, const char *body);

/* A path made from fmt, in a rotating static buffer (eight at a time, then reused). */
const char *lf_pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* hcall with a printf-formatted path. */
json_t *lf_callf(struct harness *h, const char *method, int user, const char *body,
		 const char *const *hdrs, long status, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Asserts that method path answers status and names pointer. */
void lf_expect_pointer(struct harness *h, const char *method, const char *path, int user,
		       const char *body, long status, const char *pointer);

/* Integer member key of j. */
int64_t lf_jint(json_t *j, const char *key);

/* String member path "a/b" of j ("name/ru"), or NULL. */
const char *lf_jstr(json_t *j, const char *path);

/* Asserts that got is want within 1e-9. */
void lf_assert_near(double got, double want);

/* Today in UTC, packed yyyymmdd. */
int32_t lf_today(void);

/* d (packed yyyymmdd) as text in a rotating static buffer (four at a time). */
const char *lf_dtext(int32_t d);

#endif
