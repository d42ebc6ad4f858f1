/*
 * imports.c — POST /api/v1/workspaces/{ws}/imports/accounts and
 * …/imports/contacts: a CSV file as the raw request body, imported in one
 * transaction by core/import.c (client companies) or core/contact_io.c
 * (their people); both answer alike.
 *
 * Query: dry_run and skip_invalid, true or false (both false by default).
 * Answers 200 with the report {"dry_run","encoding","delimiter","rows_read",
 * "imported","created","updated","unchanged","rows_rejected","rejected":[{"line","field",
 * "message"}]}; 422 with the same report under "report" when rows are invalid
 * and skip_invalid is false (nothing written); 422 without a report when the
 * file itself cannot be read (encoding, CSV syntax, header); 415 for a body
 * that is not sent as a CSV file.
 */
#include <string.h>

#include "api/query.h"
#include "api/routes.h"
#include "core/contact_io.h"
#include "core/import.h"

#define IMPORT_HTTP_UNSUPPORTED_MEDIA 415

/* Content types a CSV upload may come with (browsers on Windows send the Excel one). */
static const char *const import_ctypes[] = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
    "application/vnd.ms-excel",
};

/* True when the Content-Type header (parameters ignored) is one of import_ctypes. */
static bool
import_ctype_ok(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	n = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof(import_ctypes) / sizeof(import_ctypes[0]); i++)
		if (strlen(import_ctypes[i]) == n && strncasecmp(ct, import_ctypes[i], n) == 0)
			return true;
	return false;
}

/* The report as JSON (a new reference), or NULL when out of memory. */
static json_t *
import_report_json(const struct import_opts *o, const struct import_report *rep)
{
	char delim[2] = {rep->delimiter, '\0'};
	json_t *rejected = json_array(), *j;

	if (rejected == NULL)
		return NULL;
	for (size_t i = 0; i < rep->nrejects; i++)
		json_array_append_new(rejected, json_pack("{s:I, s:s, s:s}", "line",
							  (json_int_t)rep->rejects[i].line, "field",
							  rep->rejects[i].field, "message",
							  rep->rejects[i].message));
	j = json_pack("{s:b, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "dry_run", o->dry_run,
		      "encoding", enc_kind_name(rep->encoding), "delimiter",
		      rep->delimiter ? delim : NULL, "rows_read", (json_int_t)rep->rows_read,
		      "imported", (json_int_t)(rep->created + rep->updated + rep->unchanged),
		      "created", (json_int_t)rep->created, "updated", (json_int_t)rep->updated,
		      "unchanged", (json_int_t)rep->unchanged, "rows_rejected",
		      (json_int_t)rep->rows_rejected, "rejected", rejected);
	return j;
}

/* Runs importer fn on the request's body and answers with its report. */
static enum adv_err
post_import(struct req *r, import_fn fn)
{
	struct import_opts o = {0};
	struct import_report rep;
	json_t *report;
	enum adv_err rc;

	if (!import_ctype_ok(req_header(r, "Content-Type"))) {
		adv_fail(&r->eb, ADV_EBADREQ, NULL,
			 "send the CSV file as the body with Content-Type text/csv or "
			 "application/octet-stream");
		resp_problem(r, ADV_EBADREQ);
		r->status = IMPORT_HTTP_UNSUPPORTED_MEDIA;
		return ADV_OK;
	}
	if ((rc = query_flag(r, "dry_run", &o.dry_run)) != ADV_OK ||
	    (rc = query_flag(r, "skip_invalid", &o.skip_invalid)) != ADV_OK)
		return rc;
	o.actor = r->caller.user_id;
	rc = fn(req_db(r), &r->arena, r->ws.id, r->body.data, r->body.len, &o, &rep, &r->eb);
	if (rc != ADV_OK && !(rc == ADV_EINVAL && rep.rows_rejected > 0))
		return rc;
	if ((report = import_report_json(&o, &rep)) == NULL)
		return ADV_ENOMEM;
	if (rc == ADV_OK)
		return resp_json(r, 200, report);
	resp_problem(r, rc);
	if (r->out_json != NULL)
		json_object_set_new(r->out_json, "report", report);
	else
		json_decref(report);
	return ADV_OK;
}

static enum adv_err
post_import_accounts(struct req *r)
{
	return post_import(r, import_accounts);
}

static enum adv_err
post_import_contacts(struct req *r)
{
	return post_import(r, import_contacts);
}

API_ROUTES_DEFINE(imports,
		  {HTTP_POST, "/api/v1/workspaces/{ws}/imports/accounts", post_import_accounts,
		   ACCESS_WORKSPACE, ROLE_ANALYST, ROUTE_RAW_BODY},
		  {HTTP_POST, "/api/v1/workspaces/{ws}/imports/contacts", post_import_contacts,
		   ACCESS_WORKSPACE, ROLE_ANALYST, ROUTE_RAW_BODY}, );
