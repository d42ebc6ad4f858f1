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
#include "api/import_answer.h"
#include "api/routes.h"
#include "core/contact_io.h"
#include "core/import.h"

/* Runs importer fn on the request's body and answers with its report. */
static enum adv_err
post_import(struct req *r, import_fn fn)
{
	struct import_opts o;
	struct import_report rep;
	enum adv_err rc;

	if (!import_ctype_csv(req_header(r, "Content-Type")))
		return import_unsupported(r, "send the CSV file as the body with Content-Type "
					     "text/csv or application/octet-stream");
	if ((rc = import_opts_read(r, &o)) != ADV_OK)
		return rc;
	rc = fn(req_db(r), &r->arena, r->ws.id, r->body.data, r->body.len, &o, &rep, &r->eb);
	return import_answer(r, rc, &o, &rep, NULL);
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
