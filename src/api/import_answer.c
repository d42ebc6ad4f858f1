/*
 * import_answer.c — the parts of an import request every importer of the
 * API shares (see import_answer.h).
 */
#include "api/import_answer.h"

#include <string.h>
#include <strings.h>

#include "api/query.h"

#define IMPORT_HTTP_UNSUPPORTED_MEDIA 415

/* Content types a CSV upload may come with (browsers on Windows send the Excel one). */
static const char *const csv_ctypes[] = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
    "application/vnd.ms-excel",
};

bool
import_ctype_is(const char *ct, const char *name)
{
	size_t n;

	if (ct == NULL)
		return false;
	n = strcspn(ct, "; \t");
	return strlen(name) == n && strncasecmp(ct, name, n) == 0;
}

bool
import_ctype_csv(const char *ct)
{
	for (size_t i = 0; i < sizeof(csv_ctypes) / sizeof(csv_ctypes[0]); i++)
		if (import_ctype_is(ct, csv_ctypes[i]))
			return true;
	return false;
}

enum adv_err
import_unsupported(struct req *r, const char *detail)
{
	adv_fail(&r->eb, ADV_EBADREQ, NULL, "%s", detail);
	resp_problem(r, ADV_EBADREQ);
	r->status = IMPORT_HTTP_UNSUPPORTED_MEDIA;
	return ADV_OK;
}

enum adv_err
import_opts_read(struct req *r, struct import_opts *o)
{
	enum adv_err rc;

	memset(o, 0, sizeof(*o));
	if ((rc = query_flag(r, "dry_run", &o->dry_run)) != ADV_OK ||
	    (rc = query_flag(r, "skip_invalid", &o->skip_invalid)) != ADV_OK)
		return rc;
	o->actor = r->caller.user_id;
	return ADV_OK;
}

/* The report as JSON (a new reference), or NULL when out of memory. */
static json_t *
report_json(const struct import_opts *o, const struct import_report *rep, const char *encoding)
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
			 o->dry_run, "encoding", encoding ? encoding : enc_kind_name(rep->encoding),
			 "delimiter", rep->delimiter ? delim : NULL, "rows_read",
			 (json_int_t)rep->rows_read, "imported",
			 (json_int_t)(rep->created + rep->updated + rep->unchanged), "created",
			 (json_int_t)rep->created, "updated", (json_int_t)rep->updated, "unchanged",
			 (json_int_t)rep->unchanged, "rows_rejected",
			 (json_int_t)rep->rows_rejected, "rejected", rejected);
}

enum adv_err
import_answer(struct req *r, enum adv_err rc, const struct import_opts *o,
	      const struct import_report *rep, const char *encoding)
{
	json_t *report;

	if (rc != ADV_OK && !(rc == ADV_EINVAL && rep->rows_rejected > 0))
		return rc;
	if ((report = report_json(o, rep, encoding)) == NULL)
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
