/*
 * routes.h — the whole route table of the server, assembled from the tables
 * that each resource file of src/api exports.
 */
#ifndef ADV_API_ROUTES_H
#define ADV_API_ROUTES_H

#include "http/http.h"

/* A resource file's routes: `API_ROUTES(accounts)` declares api_accounts_routes and its count. */
#define API_ROUTES_DECL(name)                                                                      \
	extern const struct route api_##name##_routes[];                                           \
	extern const unsigned api_##name##_routes_n

#define API_ROUTES_DEFINE(name, ...)                                                               \
	const struct route api_##name##_routes[] = {__VA_ARGS__};                                  \
	const unsigned api_##name##_routes_n =                                                     \
	    sizeof(api_##name##_routes) / sizeof(api_##name##_routes[0])

/* Every route the server has; static storage, *n set to the count. */
const struct route *api_routes(unsigned *n);

#endif
