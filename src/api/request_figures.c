/*
 * request_figures.c — the figures of the dialog window over HTTP
 * (docs/requests.md, "Figures"): volumes, response and resolution time
 * percentiles, service level compliance and ratings, for the workspace or
 * one company, over a period of creation dates.
 */
#include "core/request_figures.h"

#include <string.h>
#include <time.h>

#include "api/query.h"
#include "api/routes.h"
#include "util/date.h"

static enum adv_err
get_figures(struct req *r)
{
	struct request_figures_filter f;
	json_t *j;
	enum adv_err rc;

	memset(&f, 0, sizeof(f));
	if ((rc = query_text(r, "from", 10, &f.from)) != ADV_OK ||
	    (rc = query_text(r, "to", 10, &f.to)) != ADV_OK ||
	    (rc = query_id(r, "account_id", &f.account_id)) != ADV_OK)
		return rc;
	if (f.from != NULL && !date_valid(f.from))
		return adv_fail(&r->eb, ADV_EINVAL, "from",
				"from must be a date written YYYY-MM-DD");
	if (f.to != NULL && !date_valid(f.to))
		return adv_fail(&r->eb, ADV_EINVAL, "to", "to must be a date written YYYY-MM-DD");
	if (f.from != NULL && f.to != NULL && strcmp(f.from, f.to) > 0)
		return adv_fail(&r->eb, ADV_EINVAL, "to", "to must not be before from");
	if ((rc = request_figures(req_db(r), &r->arena, r->ws.id, &f, time(NULL), &j, &r->eb)) !=
	    ADV_OK)
		return rc;
	return resp_json(r, 200, j);
}

API_ROUTES_DEFINE(request_figures,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/request-figures", get_figures,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
