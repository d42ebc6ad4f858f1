/*
 * router.c — path pattern matching for the route table (see router.h).
 */
#include "http/router.h"

#include <string.h>

/* Length of the segment at s (up to '/' or end). */
static size_t
seg_len(const char *s)
{
	return strcspn(s, "/");
}

/* True when path matches pattern; fills params with arena copies of captured segments. */
static bool
pattern_match(struct arena *a, const char *pattern, const char *path,
	      const char *params[ROUTE_PARAMS_MAX], bool capture)
{
	unsigned np = 0;

	while (*pattern && *path) {
		size_t pl, sl;

		if (*pattern != '/' || *path != '/')
			return false;
		pattern++;
		path++;
		pl = seg_len(pattern);
		sl = seg_len(path);
		if (pl > 1 && pattern[0] == '{' && pattern[pl - 1] == '}') {
			if (sl == 0 || np >= ROUTE_PARAMS_MAX)
				return false;
			if (capture && (params[np] = arena_strndup(a, path, sl)) == NULL)
				return false;
			np++;
		} else if (pl != sl || memcmp(pattern, path, pl) != 0) {
			return false;
		}
		pattern += pl;
		path += sl;
	}
	return *pattern == '\0' && *path == '\0';
}

enum router_result
router_match(struct arena *a, const struct route *routes, unsigned n, enum http_method method,
	     const char *path, int *index, const char *params[ROUTE_PARAMS_MAX], const char **allow)
{
	bool path_seen = false;
	char list[128] = "";

	if (method == HTTP_HEAD)
		method = HTTP_GET;
	for (unsigned i = 0; i < n; i++) {
		if (routes[i].method != method)
			continue;
		if (pattern_match(a, routes[i].pattern, path, params, true)) {
			*index = (int)i;
			return ROUTER_FOUND;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (!pattern_match(a, routes[i].pattern, path, params, false))
			continue;
		if (strstr(list, http_method_name(routes[i].method)) == NULL) {
			if (path_seen)
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, http_method_name(routes[i].method),
				sizeof(list) - strlen(list) - 1);
			if (routes[i].method == HTTP_GET)
				strncat(list, ", HEAD", sizeof(list) - strlen(list) - 1);
		}
		path_seen = true;
	}
	if (!path_seen)
		return ROUTER_NO_PATH;
	*allow = arena_strdup(a, list);
	return ROUTER_NO_METHOD;
}

void
router_param_name(const char *pattern, unsigned i, char *out, size_t outlen)
{
	unsigned k = 0;

	out[0] = '\0';
	for (const char *p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');

		if (end == NULL)
			return;
		if (k++ == i) {
			size_t len = (size_t)(end - p - 1);

			if (len >= outlen)
				len = outlen - 1;
			memcpy(out, p + 1, len);
			out[len] = '\0';
			return;
		}
	}
}
