/*
 * exports.c — GET /api/v1/workspaces/{ws}/exports/accounts: the workspace's
 * live client companies as a CSV or XLSX attachment (core/import.c writes
 * it); GET …/exports/contacts: the people of those companies
 * (core/contact_io.c writes it).
 *
 * Query: format=csv|xlsx (csv by default: UTF-8 with BOM, ';' and a decimal
 * comma, as Russian Excel opens it), lang=ru|en (the header row; ru by
 * default); for accounts also the filters of the accounts list: q, status,
 * segment, owner (an e-mail), industry, region, tag.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/query.h"
#include "api/routes.h"
#include "core/contact_io.h"
#include "core/import.h"

#define EXPORT_QUERY_MAX 300 /* characters of a filter value */

/* An enumerated query parameter: the index of its value in values[0..n), dflt when absent. */
static enum adv_err
export_choice(struct req *r, const char *name, const char *const *values, int n, int dflt, int *out)
{
	const char *v = req_query(r, name);

	*out = dflt;
	if (v == NULL)
		return ADV_OK;
	for (int i = 0; i < n; i++) {
		if (strcmp(v, values[i]) == 0) {
			*out = i;
			return ADV_OK;
		}
	}
	return adv_fail(&r->eb, ADV_EINVAL, name, "%s must be %s or %s", name, values[0],
			values[1]);
}

/* The format and lang query parameters, common to every export. */
static enum adv_err
export_params(struct req *r, enum table_format *fmt, enum export_lang *lang)
{
	static const char *const formats[] = {"csv", "xlsx"};
	static const char *const langs[] = {"ru", "en"};
	int format, l;
	enum adv_err rc;

	if ((rc = export_choice(r, "format", formats, 2, 0, &format)) != ADV_OK ||
	    (rc = export_choice(r, "lang", langs, 2, 0, &l)) != ADV_OK)
		return rc;
	*fmt = format == 1 ? TABLE_XLSX : TABLE_CSV;
	*lang = l == 1 ? EXPORT_LANG_EN : EXPORT_LANG_RU;
	/*
	 * The file is built in the request's body buffer (empty for a GET), which
	 * the server frees once the answer is sent; the request arena is too small
	 * for a large workspace.
	 */
	buf_release(&r->body);
	buf_init(&r->body, TABLE_CSV_BYTES_MAX);
	return ADV_OK;
}

/* Answers with the file built in r->body as an attachment named KIND-WS-YYYYMMDD.EXT. */
static enum adv_err
export_send(struct req *r, const char *kind, enum table_format fmt)
{
	char day[16], *disposition;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	disposition = arena_printf(&r->arena, "attachment; filename=\"%s-%s-%s.%s\"", kind,
				   r->ws.slug, day, table_format_ext(fmt));
	if (disposition == NULL)
		return ADV_ENOMEM;
	resp_header(r, "Content-Disposition", disposition);
	return resp_bytes(r, 200, table_format_content_type(fmt), r->body.data, r->body.len);
}

static enum adv_err
get_export_accounts(struct req *r)
{
	struct account_filter f = {.sort = ACCOUNT_SORT_NAME, .limit = ACCOUNT_LIST_LIMIT_MAX};
	enum table_format fmt;
	enum export_lang lang;
	enum adv_err rc;

	if ((rc = export_params(r, &fmt, &lang)) != ADV_OK ||
	    (rc = query_text(r, "q", EXPORT_QUERY_MAX, &f.q)) != ADV_OK ||
	    (rc = query_text(r, "status", EXPORT_QUERY_MAX, &f.status)) != ADV_OK ||
	    (rc = query_text(r, "segment", EXPORT_QUERY_MAX, &f.segment)) != ADV_OK ||
	    (rc = query_text(r, "owner", EXPORT_QUERY_MAX, &f.owner_email)) != ADV_OK ||
	    (rc = query_text(r, "industry", EXPORT_QUERY_MAX, &f.industry)) != ADV_OK ||
	    (rc = query_text(r, "region", EXPORT_QUERY_MAX, &f.region)) != ADV_OK ||
	    (rc = query_text(r, "tag", EXPORT_QUERY_MAX, &f.tag)) != ADV_OK)
		return rc;
	if (f.status != NULL && account_status_parse(f.status) == ACCOUNT_STATUS__MAX) {
		return adv_fail(&r->eb, ADV_EINVAL, "status",
				"status must be prospect, active, at_risk or churned");
	}
	if ((rc = export_accounts(req_db(r), r->ws.id, &f, fmt, lang, &r->body, NULL, &r->eb)) !=
	    ADV_OK)
		return rc;
	return export_send(r, "accounts", fmt);
}

static enum adv_err
get_export_contacts(struct req *r)
{
	enum table_format fmt;
	enum export_lang lang;
	enum adv_err rc;

	if ((rc = export_params(r, &fmt, &lang)) != ADV_OK ||
	    (rc = export_contacts(req_db(r), r->ws.id, fmt, lang, &r->body, NULL, &r->eb)) !=
		ADV_OK)
		return rc;
	return export_send(r, "contacts", fmt);
}

API_ROUTES_DEFINE(exports,
		  {HTTP_GET, "/api/v1/workspaces/{ws}/exports/accounts", get_export_accounts,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/exports/contacts", get_export_contacts,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
