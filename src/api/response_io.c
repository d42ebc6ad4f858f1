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

#include "api/query.h"
#include "api/routes.h"
#include "core/response_io.h"
#include "io/table_out.h"

#define RIO_HTTP_UNSUPPORTED_MEDIA 415
#define RIO_SAV_CTYPE		   "application/x-spss-sav"

/* Content types a responses upload may come with: CSV ones, and .sav. */
static const char *const rio_ctypes[] = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
    "application/vnd.ms-excel",
    RIO_SAV_CTYPE,
};

/* The index of the Content-Type header (parameters ignored) in rio_ctypes, or -1. */
static int
rio_ctype(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return -1;
	n = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof(rio_ctypes) / sizeof(rio_ctypes[0]); i++)
		if (strlen(rio_ctypes[i]) == n && strncasecmp(ct, rio_ctypes[i], n) == 0)
			return (int)i;
	return -1;
}

/* The report as JSON, shaped as the other imports' (a new reference), or NULL. */
static json_t *
rio_report_json(const struct import_opts *o, const struct import_report *rep, bool sav)
{
	char delim[2] = {rep->delimiter, '\0'};
	json_t *rejected = json_array();

	if (rejected == NULL)
		return NULL;
	for (size_t i = 0; i < rep->nrejects; i++)
		json_array_append_new(rejected, json_pack("{s:I, s:s, s:s}", "line",
							  (json_int_t)rep->rejects[i].line, "field",
							  rep->rejects[i].field, "message",
							  rep->rejects[i].message));
	return json_pack("{s:b, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "dry_run",
			 o->dry_run, "encoding", sav ? "SPSS .sav" : enc_kind_name(rep->encoding),
			 "delimiter", rep->delimiter ? delim : NULL, "rows_read",
			 (json_int_t)rep->rows_read, "imported",
			 (json_int_t)(rep->created + rep->updated + rep->unchanged), "created",
			 (json_int_t)rep->created, "updated", (json_int_t)rep->updated, "unchanged",
			 (json_int_t)rep->unchanged, "rows_rejected",
			 (json_int_t)rep->rows_rejected, "rejected", rejected);
}

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
	struct import_opts o = {0};
	struct import_report rep;
	int ct = rio_ctype(req_header(r, "Content-Type"));
	bool sav = response_sav_magic(r->body.data, r->body.len);
	json_t *report;
	int64_t sid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "sid", &sid)) != ADV_OK)
		return rc;
	if (ct < 0) {
		adv_fail(&r->eb, ADV_EBADREQ, NULL,
			 "send the CSV or .sav file as the body with Content-Type "
			 "text/csv, " RIO_SAV_CTYPE " or application/octet-stream");
		resp_problem(r, ADV_EBADREQ);
		r->status = RIO_HTTP_UNSUPPORTED_MEDIA;
		return ADV_OK;
	}
	if (!sav && strcmp(rio_ctypes[ct], RIO_SAV_CTYPE) == 0)
		return adv_fail(&r->eb, ADV_EINVAL, NULL,
				"the body is not an SPSS .sav file (it does not start with $FL2 "
				"or $FL3)");
	if ((rc = query_flag(r, "dry_run", &o.dry_run)) != ADV_OK ||
	    (rc = query_flag(r, "skip_invalid", &o.skip_invalid)) != ADV_OK)
		return rc;
	o.actor = r->caller.user_id;
	rc = import_responses(req_db(r), &r->arena, r->ws.id, sid, r->body.data, r->body.len, &o,
			      &rep, &r->eb);
	if (rc != ADV_OK && !(rc == ADV_EINVAL && rep.rows_rejected > 0))
		return rio_missing(r, rc, sid);
	if ((report = rio_report_json(&o, &rep, sav)) == NULL)
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
