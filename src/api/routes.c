/*
 * routes.c — joins the route tables of the resource files into one.
 */
#include "api/routes.h"

#include <pthread.h>
#include <string.h>

API_ROUTES_DECL(system);
API_ROUTES_DECL(auth);
API_ROUTES_DECL(accounts);
API_ROUTES_DECL(competitors);
API_ROUTES_DECL(suppliers);
API_ROUTES_DECL(imports);
API_ROUTES_DECL(exports);
API_ROUTES_DECL(catalogue);
API_ROUTES_DECL(journey);
API_ROUTES_DECL(assessments);
API_ROUTES_DECL(loyalty);
API_ROUTES_DECL(contacts);
API_ROUTES_DECL(plan);
API_ROUTES_DECL(account_map);
API_ROUTES_DECL(studies);
API_ROUTES_DECL(invitations);
API_ROUTES_DECL(survey_page);
API_ROUTES_DECL(responses);
API_ROUTES_DECL(response_io);
API_ROUTES_DECL(research);
API_ROUTES_DECL(portal_users);
API_ROUTES_DECL(portal_auth);
API_ROUTES_DECL(live);
API_ROUTES_DECL(requests);
API_ROUTES_DECL(request_settings);
API_ROUTES_DECL(request_figures);
API_ROUTES_DECL(portal_requests);
API_ROUTES_DECL(attachments);
API_ROUTES_DECL(portal_attachments);
API_ROUTES_DECL(webhooks);

#define ROUTES_MAX 256

static const struct {
	const struct route *table;
	const unsigned *n;
} route_tables[] = {
    {api_system_routes, &api_system_routes_n},
    {api_auth_routes, &api_auth_routes_n},
    {api_accounts_routes, &api_accounts_routes_n},
    {api_competitors_routes, &api_competitors_routes_n},
    {api_suppliers_routes, &api_suppliers_routes_n},
    {api_imports_routes, &api_imports_routes_n},
    {api_exports_routes, &api_exports_routes_n},
    {api_catalogue_routes, &api_catalogue_routes_n},
    {api_journey_routes, &api_journey_routes_n},
    {api_assessments_routes, &api_assessments_routes_n},
    {api_loyalty_routes, &api_loyalty_routes_n},
    {api_contacts_routes, &api_contacts_routes_n},
    {api_plan_routes, &api_plan_routes_n},
    {api_account_map_routes, &api_account_map_routes_n},
    {api_studies_routes, &api_studies_routes_n},
    {api_invitations_routes, &api_invitations_routes_n},
    {api_survey_page_routes, &api_survey_page_routes_n},
    {api_responses_routes, &api_responses_routes_n},
    {api_response_io_routes, &api_response_io_routes_n},
    {api_research_routes, &api_research_routes_n},
    {api_portal_users_routes, &api_portal_users_routes_n},
    {api_portal_auth_routes, &api_portal_auth_routes_n},
    {api_live_routes, &api_live_routes_n},
    {api_requests_routes, &api_requests_routes_n},
    {api_request_settings_routes, &api_request_settings_routes_n},
    {api_request_figures_routes, &api_request_figures_routes_n},
    {api_portal_requests_routes, &api_portal_requests_routes_n},
    {api_attachments_routes, &api_attachments_routes_n},
    {api_portal_attachments_routes, &api_portal_attachments_routes_n},
    {api_webhooks_routes, &api_webhooks_routes_n},
};

static struct route all_routes[ROUTES_MAX];
static unsigned all_routes_n;
static pthread_once_t routes_once = PTHREAD_ONCE_INIT;

static void
routes_build(void)
{
	for (size_t t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]); t++)
		for (unsigned i = 0; i < *route_tables[t].n && all_routes_n < ROUTES_MAX; i++)
			all_routes[all_routes_n++] = route_tables[t].table[i];
}

const struct route *
api_routes(unsigned *n)
{
	pthread_once(&routes_once, routes_build);
	*n = all_routes_n;
	return all_routes;
}
