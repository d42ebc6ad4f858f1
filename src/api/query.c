/*
 * query.c — checked query parameters of list requests (see query.h).
 */
#include "api/query.h"

#include <string.h>

#include "util/str.h"

#define QUERY_ID_MAX 9007199254740992LL /* the largest id a JSON number carries exactly */

enum adv_err
query_limit(struct req *r, unsigned dflt, unsigned max, unsigned *out)
{
	const char *v = req_query(r, "limit");
	int64_t n;

	*out = dflt;
	if (v == NULL)
		return ADV_OK;
	if (!str_to_i64(v, &n) || n < 1 || n > (int64_t)max)
		return adv_fail(&r->eb, ADV_EINVAL, "limit",
				"limit must be a whole number from 1 to %u", max);
	*out = (unsigned)n;
	return ADV_OK;
}

enum adv_err
query_text(struct req *r, const char *name, size_t max, const char **out)
{
	const char *v = req_query(r, name);
	size_t n;

	*out = NULL;
	if (v == NULL || *v == '\0')
		return ADV_OK;
	n = strlen(v);
	if (!utf8_valid(v, n))
		return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be valid UTF-8 text", name);
	if (utf8_length(v, n) > max)
		return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be at most %zu characters long",
				name, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F)
			return adv_fail(&r->eb, ADV_EINVAL, name,
					"%s may not contain control characters", name);
	*out = v;
	return ADV_OK;
}

enum adv_err
query_flag(struct req *r, const char *name, bool *out)
{
	const char *v = req_query(r, name);

	*out = false;
	if (v == NULL)
		return ADV_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
		return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be true or false", name);
	return ADV_OK;
}

enum adv_err
query_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);

	*out = 0;
	if (v == NULL || *v == '\0')
		return ADV_OK;
	if (!str_to_i64(v, out) || *out < 1 || *out > QUERY_ID_MAX) {
		*out = 0;
		return adv_fail(&r->eb, ADV_EINVAL, name,
				"%s must be an id (a whole number from 1)", name);
	}
	return ADV_OK;
}
