/*
 * router.h — matches a method and path against a route table.
 *
 * Patterns are literal segments and {name} segments that capture one path
 * segment. A path that matches a pattern under another method only is
 * answered 405 with the methods that would match.
 */
#ifndef ADV_HTTP_ROUTER_H
#define ADV_HTTP_ROUTER_H

#include "http/http.h"

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/*
 * Looks up method+path in routes[0..n). On ROUTER_FOUND sets *index and fills
 * params (pointers into the arena, in pattern order, with names in names).
 * On ROUTER_NO_METHOD *allow is an arena string like "GET, PATCH".
 */
enum router_result router_match(struct arena *a, const struct route *routes, unsigned n,
				enum http_method method, const char *path, int *index,
				const char *params[ROUTE_PARAMS_MAX], const char **allow);

/* The name of the i-th {param} of pattern into out, or "" when there is none. */
void router_param_name(const char *pattern, unsigned i, char *out, size_t outlen);

#endif
