/*
 * response_io.c — POST /api/v1/workspaces/{ws}/studies/{sid}/imports/responses
 * (a CSV or SPSS .sav file as the raw body, imported by
 * core/response_import.c) and GET …/studies/{sid}/exports/responses
 * (the study's responses as a CSV, XLSX or .sav attachment,
 * core/response_export.c); docs/research.md, "Importing and exporting
 * responses".
 *
 * Import: a .sav is told by its content ($FL2/$FL3), whatever the
 * Content-Type; a body sent as application/x-spss-sav that is not one is
 * 422. Query dry_run and skip_invalid; answers as the other imports
 * (api/imports.c): 200 with the report, 422 with it under "report" when
 * rows are invalid without skip_invalid, 422 without one when the file
 * cannot be read, 415 for another Content-Type, 404 for a study of another
 * workspace. Owners and analysts import; everyone in the workspace exports.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/import_answer.h"
#include "api/routes.h"
#include "core/response_io.h"
#include "io/table_out.h"

#define RIO_SAV_CTYPE "application/x-spss-sav"

/* Answers 404 naming the study when rc says it is not the workspace's. */
static enum adv_err
rio_missing(struct req *r, enum adv_err rc, int64_t sid)
{
	if (rc == ADV_ENOTFOUND)
		return adv_fail(&r->eb, rc, NULL, "no such study: %lld", (long long)sid);
	return rc;
}

static enum adv_err
post_import_responses(struct req *r)
{
	struct import_opts o;
	struct import_report rep;
	const char *ct = req_header(r, "Content-Type");
	bool sav = response_sav_magic(r->body.data, r->body.len);
	int64_t sid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK)
		return rc;
	if (!import_ctype_csv(ct) && !import_ctype_is(ct, RIO_SAV_CTYPE))
		return import_unsupported(r, "send the CSV or .sav file as the body with "
					     "Content-Type text/csv, " RIO_SAV_CTYPE
					     " or application/octet-stream");
	if (!sav && import_ctype_is(ct, RIO_SAV_CTYPE))
		return adv_fail(&r->eb, ADV_EINVAL, NULL,
				"the body is not an SPSS .sav file (it does not start with $FL2 "
				"or $FL3)");
	if ((rc = import_opts_read(r, &o)) != ADV_OK)
		return rc;
	rc = import_responses(req_db(r), &r->arena, r->ws.id, sid, r->body.data, r->body.len, &o,
			      &rep, &r->eb);
	if ((rc = import_answer(r, rc, &o, &rep, sav ? "SPSS .sav" : NULL)) != ADV_OK)
		return rio_missing(r, rc, sid);
	return ADV_OK;
}

static enum adv_err
get_export_responses(struct req *r)
{
	const char *format = req_query(r, "format");
	enum response_format fmt = RESPONSE_CSV;
	char day[16], *disposition;
	time_t now = time(NULL);
	struct tm tm;
	int64_t sid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK)
		return rc;
	if (format != NULL && !response_format_parse(format, &fmt))
		return adv_fail(&r->eb, ADV_EINVAL, "format", "format must be csv, xlsx or sav");
	/*
	 * The file is built in the request's body buffer (empty for a GET), which
	 * the server frees once the answer is sent; the request arena is too small
	 * for a large study.
	 */
	buf_release(&r->body);
	buf_init(&r->body, TABLE_CSV_BYTES_MAX);
	if ((rc = export_responses(req_db(r), r->ws.id, sid, fmt, &r->body, NULL, &r->eb)) !=
	    ADV_OK)
		return rio_missing(r, rc, sid);
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	disposition = arena_printf(&r->arena, "attachment; filename=\"responses-%s-%lld-%s.%s\"",
				   r->ws.slug, (long long)sid, day, response_format_name(fmt));
	if (disposition == NULL)
		return ADV_ENOMEM;
	resp_header(r, "Content-Disposition", disposition);
	return resp_bytes(r, 200, response_format_content_type(fmt), r->body.data, r->body.len);
}

API_ROUTES_DEFINE(response_io,
		  {HTTP_POST, "/api/v1/workspaces/{ws}/studies/{sid}/imports/responses",
		   post_import_responses, ACCESS_WORKSPACE, ROLE_ANALYST, ROUTE_RAW_BODY},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/studies/{sid}/exports/responses",
		   get_export_responses, ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
