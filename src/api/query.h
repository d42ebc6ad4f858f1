/*
 * query.h — reading the query parameters of list requests: limit, text
 * filters and flags, each checked, with problems reported against the
 * parameter's name ("limit") so that the answer is a 422 that names it.
 */
#ifndef ADV_API_QUERY_H
#define ADV_API_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/*
 * The "limit" parameter: dflt when absent, else a whole number 1..max.
 * ADV_EINVAL (field "limit") otherwise.
 */
enum adv_err query_limit(struct req *r, unsigned dflt, unsigned max, unsigned *out);

/*
 * Parameter name as text: *out is NULL when absent or empty, else the value
 * (owned by the request), which must be valid UTF-8 of at most max
 * characters without control characters. ADV_EINVAL (field name) otherwise.
 */
enum adv_err query_text(struct req *r, const char *name, size_t max, const char **out);

/*
 * Parameter name as a flag: false when absent; "true"/"1" or "false"/"0".
 * ADV_EINVAL (field name) otherwise.
 */
enum adv_err query_flag(struct req *r, const char *name, bool *out);

/*
 * Parameter name as an object id: 0 when absent or empty, else a whole
 * number from 1 to 2^53. ADV_EINVAL (field name) otherwise.
 */
enum adv_err query_id(struct req *r, const char *name, int64_t *out);

#endif
