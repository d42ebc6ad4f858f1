/*
 * account_map.c — the account map over HTTP (docs/account-map.md, "The map
 * and its risks"): one company's whole map in one answer (its people, links,
 * risks, health and the open actions of its plan), the least healthy maps
 * of the workspace, and the workspace's stale_days setting. Everyone in the
 * workspace reads; owners and analysts change the setting. Risks are judged
 * as of today in UTC.
 */
#include <string.h>

#include "api/contacts.h"
#include "api/plan.h"
#include "api/query.h"
#include "api/routes.h"
#include "api/validate.h"
#include "core/account_map.h"
#include "core/plan.h"
#include "util/date.h"

/* The settings' fields, in the order of enum account_map_settings_field. */
static const struct field_spec settings_fields[] = {
    [MS_STALE_DAYS] = {"stale_days", FIELD_INT, false, false, MAP_STALE_DAYS_MIN,
		       MAP_STALE_DAYS_MAX, NULL, NULL},
};

#define SETTINGS_NFIELDS (sizeof(settings_fields) / sizeof(settings_fields[0]))

/* The settings as the API shows them; new reference. */
static json_t *
settings_json(const struct account_map_settings *s)
{
	return json_pack("{s:I}", settings_fields[MS_STALE_DAYS].name, (json_int_t)s->stale_days);
}

/* One risk as the API shows it; new reference, NULL when out of memory. */
static json_t *
risk_json(const struct map_risk *x)
{
	return json_pack("{s:s, s:s, s:o, s:s?, s:o}", "kind", map_risk_kind_name(x->kind),
			 "severity", map_risk_severity_name(x->severity), "contact_id",
			 x->contact_id > 0 ? json_integer(x->contact_id) : json_null(), "role",
			 contact_role_name(x->role), "days",
			 x->days >= 0 ? json_integer(x->days) : json_null());
}

/* Appends v (stolen) to arr; false when v is NULL or appending fails. */
static bool
append(json_t *arr, json_t *v)
{
	return v != NULL && json_array_append_new(arr, v) == 0;
}

/*
 * The open actions of account_id as of today into *actions (a new array)
 * and how many are overdue into *overdue.
 */
static enum adv_err
open_actions(struct req *r, int64_t account_id, const char *today, json_t **actions,
	     int64_t *overdue)
{
	struct plan_action *items;
	size_t n;
	enum adv_err rc;

	*overdue = 0;
	if ((rc = plan_list(req_db(r), &r->arena, r->ws.id, account_id, PLAN_OPEN, today, &items,
			    &n)) != ADV_OK)
		goto out;
	if ((*actions = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!append(*actions, plan_action_json(&items[i]))) {
			rc = ADV_ENOMEM;
			goto out;
		}
		*overdue += items[i].overdue;
	}
out:
	return rc;
}

static enum adv_err
get_map(struct req *r)
{
	char today[DATE_TEXT_SIZE];
	struct account_map m;
	json_t *contacts = NULL, *links = NULL, *risks = NULL, *actions = NULL, *j;
	int64_t account_id, overdue;
	enum adv_err rc;

	date_today(today);
	if ((rc = req_param_id(r, "id", &account_id)) != ADV_OK)
		goto out;
	rc = account_map_get(req_db(r), &r->arena, r->ws.id, account_id, today, &m);
	if (rc == ADV_ENOTFOUND) {
		rc = adv_fail(&r->eb, rc, NULL, "no such account: %lld", (long long)account_id);
		goto out;
	}
	if (rc != ADV_OK || (rc = open_actions(r, account_id, today, &actions, &overdue)) != ADV_OK)
		goto out;
	if ((contacts = json_array()) == NULL || (links = json_array()) == NULL ||
	    (risks = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m.ncontacts; i++)
		if (!append(contacts, contacts_contact_json(r, &m.contacts[i]))) {
			rc = ADV_ENOMEM;
			goto out;
		}
	for (size_t i = 0; i < m.nlinks; i++)
		if (!append(links, contacts_link_json(&m.links[i]))) {
			rc = ADV_ENOMEM;
			goto out;
		}
	for (size_t i = 0; i < m.risks.n; i++)
		if (!append(risks, risk_json(&m.risks.items[i]))) {
			rc = ADV_ENOMEM;
			goto out;
		}
	j = json_pack("{s:I, s:s, s:I, s:i, s:o, s:o, s:o, s:o, s:I}", "account_id",
		      (json_int_t)account_id, "as_of", m.as_of, "stale_days",
		      (json_int_t)m.stale_days, "health", m.risks.health, "contacts", contacts,
		      "links", links, "risks", risks, "actions", actions, "overdue",
		      (json_int_t)overdue);
	/* json_pack took the arrays, also when it failed. */
	contacts = links = risks = actions = NULL;
	if (j == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = resp_json(r, 200, j);
out:
	json_decref(contacts);
	json_decref(links);
	json_decref(risks);
	json_decref(actions);
	return rc;
}

/* One item of the list of maps; new reference, NULL when out of memory. */
static json_t *
item_json(const struct account_map_item *x)
{
	json_t *kinds = json_object();

	for (int k = 0; kinds != NULL && k < RISK__MAX; k++)
		if (x->kinds[k] > 0 &&
		    json_object_set_new(kinds, map_risk_kind_name((enum map_risk_kind)k),
					json_integer((json_int_t)x->kinds[k])) != 0) {
			json_decref(kinds);
			return NULL;
		}
	if (kinds == NULL)
		return NULL;
	return json_pack("{s:I, s:s, s:i, s:I, s:I, s:I, s:o}", "account_id",
			 (json_int_t)x->account_id, "account_name", x->account_name, "health",
			 x->health, "contacts", (json_int_t)x->contacts, "risks",
			 (json_int_t)x->risks, "high", (json_int_t)x->high, "kinds", kinds);
}

static enum adv_err
get_maps(struct req *r)
{
	char today[DATE_TEXT_SIZE];
	struct account_map_list l;
	json_t *items = NULL, *j;
	unsigned limit;
	enum adv_err rc;

	date_today(today);
	if ((rc = query_limit(r, MAP_LIST_LIMIT_DFLT, MAP_LIST_LIMIT_MAX, &limit)) != ADV_OK ||
	    (rc = account_map_list(req_db(r), &r->arena, r->ws.id, today, limit, &l)) != ADV_OK)
		goto out;
	if ((items = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		if (!append(items, item_json(&l.items[i]))) {
			rc = ADV_ENOMEM;
			goto out;
		}
	j = json_pack("{s:o, s:I, s:s, s:I}", "items", items, "unmapped", (json_int_t)l.unmapped,
		      "as_of", l.as_of, "stale_days", (json_int_t)l.stale_days);
	items = NULL;
	if (j == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = resp_json(r, 200, j);
out:
	json_decref(items);
	return rc;
}

static enum adv_err
get_settings(struct req *r)
{
	struct account_map_settings s;
	enum adv_err rc;

	if ((rc = account_map_settings_get(req_db(r), r->ws.id, &s)) != ADV_OK)
		return rc;
	return resp_json(r, 200, settings_json(&s));
}

static enum adv_err
patch_settings(struct req *r)
{
	struct account_map_settings in = {0}, out;
	uint32_t mask = 0;
	json_t *body, *v;
	enum adv_err rc;

	if ((rc = req_json(r, &body)) != ADV_OK ||
	    (rc = validate_object(r, body, settings_fields, SETTINGS_NFIELDS, true)) != ADV_OK)
		return rc;
	if ((v = json_object_get(body, settings_fields[MS_STALE_DAYS].name)) != NULL) {
		mask |= MS_BIT(MS_STALE_DAYS);
		in.stale_days = json_integer_value(v);
	}
	if ((rc = account_map_settings_update(req_db(r), r->ws.id, r->caller.user_id, &in, mask,
					      &out, &r->eb)) != ADV_OK)
		return rc;
	return resp_json(r, 200, settings_json(&out));
}

API_ROUTES_DEFINE(account_map,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/accounts/{id}/map", get_map, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/account-maps", get_maps, ACCESS_WORKSPACE,
		   ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/account-maps/settings", get_settings,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_PATCH, "/api/v1/workspaces/{ws}/account-maps/settings", patch_settings,
		   ACCESS_WORKSPACE, ROLE_ANALYST, 0}, );
