/*
 * attachments.c — the files of a request over HTTP, staff side: upload
 * (the file's bytes as the raw body, ?name=invoice.pdf, optionally
 * &internal=true for staff eyes only), the list, and the download. Everyone
 * in the workspace reads; whoever may reply to the request uploads (a
 * manager: for the companies they own), as in requests.c. Also the parts
 * the portal's routes (portal_attachments.c) share: see attachments.h.
 */
#include "api/attachments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/accounts.h"
#include "api/import_answer.h"
#include "api/query.h"
#include "api/routes.h"

#define HTTP_UNSUPPORTED_MEDIA 415
#define HTTP_UNPROCESSABLE     422

/* Bytes a percent-encoded byte takes ("%E2"). */
#define PCT_LEN 3

/* An id or JSON null for 0 (new reference). */
static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *
attachments_json(const struct attachment *x, const char *url, bool for_client)
{
	char download[512];
	json_t *j;

	snprintf(download, sizeof(download), "%s/%lld", url, (long long)x->id);
	j = json_pack("{s:I, s:I, s:o, s:s, s:s, s:I, s:s, s:s, s:s?, s:s, s:s}", "id",
		      (json_int_t)x->id, "request_id", (json_int_t)x->request_id, "message_id",
		      id_or_null(x->message_id), "name", x->name, "content_type", x->content_type,
		      "size", (json_int_t)x->size, "sha256", x->sha256, "uploaded_by",
		      x->from_client ? "client" : "staff", "uploader_name", x->uploader_name,
		      "created_at", x->created_at, "url", download);
	if (j != NULL && !for_client &&
	    json_object_set_new(j, "internal", json_boolean(x->internal)) != 0) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* True for a byte RFC 8187 lets stand in an ext-value (attr-char). */
static bool
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

const char *
attachments_disposition(struct arena *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name), w = 0, f = 0;
	char *ascii = arena_alloc(a, n + 1), *pct = arena_alloc(a, n * PCT_LEN + 1);
	const char *out = NULL;

	if (ascii == NULL || pct == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (attr_char(c)) {
			pct[w++] = (char)c;
		} else {
			pct[w++] = '%';
			pct[w++] = hex[c >> 4];
			pct[w++] = hex[c & 0x0F];
		}
		/* One '_' per character outside printable ASCII, and for what quotes or escapes. */
		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%')
			ascii[f++] = (char)c;
		else if ((c & 0xC0) != 0x80)
			ascii[f++] = '_';
	}
	pct[w] = '\0';
	ascii[f] = '\0';
	out = arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
out:
	return out;
}

/*
 * True when the upload came as a multipart form, whose body wraps the file
 * instead of being it. (A form-urlencoded type is what curl --data-binary
 * sends by default: such a body is taken as the file's bytes.)
 */
static bool
sent_as_form(struct req *r)
{
	return import_ctype_is(req_header(r, "Content-Type"), "multipart/form-data");
}

/* Answers the problem rc with status instead of the code's own. */
static enum adv_err
answer_status(struct req *r, enum adv_err rc, int status)
{
	resp_problem(r, rc);
	r->status = status;
	return ADV_OK;
}

enum adv_err
attachments_upload(struct req *r, int64_t ws_id, const struct request_actor *actor,
		   int64_t request_id, bool internal, const char *url)
{
	struct attachment out;
	enum adv_err rc;

	if (sent_as_form(r)) {
		rc = answer_status(r,
				   adv_fail(&r->eb, ADV_EBADREQ, NULL,
					    "send the file's bytes as the body, not a multipart "
					    "form, and its name as ?name="),
				   HTTP_UNSUPPORTED_MEDIA);
		goto out;
	}
	if (r->body.len == 0) {
		rc = answer_status(r,
				   adv_fail(&r->eb, ADV_EINVAL, ATTACHMENT_FIELD_FILE,
					    "the file is empty: send its bytes as the body"),
				   HTTP_UNPROCESSABLE);
		goto out;
	}
	rc = attachment_store(req_db(r), &r->arena, ws_id, actor, request_id, r->body.data,
			      r->body.len, req_query(r, "name"), internal, &out, &r->eb);
	if (rc == ADV_EINVAL && strcmp(r->eb.field, ATTACHMENT_FIELD_FILE) == 0) {
		rc = answer_status(r, rc, HTTP_UNSUPPORTED_MEDIA);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	resp_header(r, "Location", arena_printf(&r->arena, "%s/%lld", url, (long long)out.id));
	rc = resp_json(r, 201, attachments_json(&out, url, actor->client));
out:
	return rc;
}

enum adv_err
attachments_answer_list(struct req *r, int64_t ws_id, int64_t account_scope, int64_t request_id,
			const char *url)
{
	struct attachment *items;
	json_t *arr = NULL;
	size_t n;
	enum adv_err rc;

	if ((rc = attachment_list(req_db(r), &r->arena, ws_id, account_scope, request_id, &items,
				  &n)) != ADV_OK)
		goto out;
	if ((arr = json_array()) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(
			arr, attachments_json(&items[i], url, account_scope > 0)) != 0) {
			rc = ADV_ENOMEM;
			goto out;
		}
	rc = resp_json(r, 200, json_pack("{s:O}", "items", arr));
out:
	json_decref(arr);
	return rc;
}

enum adv_err
attachments_download(struct req *r, int64_t ws_id, int64_t account_scope, int64_t request_id)
{
	struct attachment meta;
	const char *disposition, *etag;
	char *data = NULL;
	size_t size = 0;
	int64_t aid;
	enum adv_err rc;

	if ((rc = req_param_id(r, "aid", &aid)) != ADV_OK)
		goto out;
	rc = attachment_fetch(req_db(r), &r->arena, ws_id, account_scope, request_id, aid, &meta,
			      &data, &size);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(&r->eb, rc, NULL, "no such attachment: %lld", (long long)aid);
	if (rc != ADV_OK)
		goto out;
	disposition = attachments_disposition(&r->arena, meta.name);
	etag = arena_printf(&r->arena, "\"%s\"", meta.sha256);
	if (disposition == NULL || etag == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = resp_header(r, "Content-Disposition", disposition)) != ADV_OK ||
	    (rc = resp_header(r, "Content-Security-Policy", ATTACHMENTS_CSP)) != ADV_OK ||
	    (rc = resp_header(r, "Cache-Control", "private, no-store")) != ADV_OK ||
	    (rc = resp_header(r, "ETag", etag)) != ADV_OK)
		goto out;
	rc = resp_take(r, 200, meta.content_type, data, size);
	data = NULL; /* resp_take owns it now, also when it fails */
out:
	free(data);
	return rc;
}

/* Loads the path's request in the workspace (404 outside it) into *id and *x. */
static enum adv_err
staff_request(struct req *r, int64_t *id, struct request *x)
{
	enum adv_err rc;

	if ((rc = req_param_id(r, "id", id)) != ADV_OK)
		goto out;
	rc = request_get(req_db(r), &r->arena, r->ws.id, 0, *id, x);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(&r->eb, rc, NULL, "no such request: %lld", (long long)*id);
out:
	return rc;
}

/* The path of request id's files in the workspace, an arena string (NULL: out of memory). */
static const char *
staff_url(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "/api/v1/workspaces/%s/requests/%lld/attachments",
			    r->ws.slug, (long long)id);
}

static enum adv_err
post_attachment(struct req *r)
{
	struct request_actor actor = {.client = false, .user_id = r->caller.user_id};
	struct account acc;
	struct request x;
	const char *url;
	int64_t id;
	bool internal;
	enum adv_err rc;

	if ((rc = staff_request(r, &id, &x)) != ADV_OK ||
	    (rc = accounts_load_writable(r, x.account_id, &acc)) != ADV_OK ||
	    (rc = query_flag(r, "internal", &internal)) != ADV_OK)
		goto out;
	if ((url = staff_url(r, id)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = attachments_upload(r, r->ws.id, &actor, id, internal, url);
out:
	return rc;
}

static enum adv_err
get_attachments(struct req *r)
{
	struct request x;
	const char *url;
	int64_t id;
	enum adv_err rc;

	if ((rc = staff_request(r, &id, &x)) != ADV_OK)
		goto out;
	if ((url = staff_url(r, id)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	rc = attachments_answer_list(r, r->ws.id, 0, id, url);
out:
	return rc;
}

static enum adv_err
get_attachment(struct req *r)
{
	struct request x;
	int64_t id;
	enum adv_err rc;

	if ((rc = staff_request(r, &id, &x)) == ADV_OK)
		rc = attachments_download(r, r->ws.id, 0, id);
	return rc;
}

API_ROUTES_DEFINE(attachments,
		  {HTTP_POST, "/api/v1/workspaces/{ws}/requests/{id}/attachments", post_attachment,
		   ACCESS_WORKSPACE, ROLE_MANAGER, ROUTE_RAW_BODY},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/requests/{id}/attachments", get_attachments,
		   ACCESS_WORKSPACE, ROLE_VIEWER, 0},
		  {HTTP_GET, "/api/v1/workspaces/{ws}/requests/{id}/attachments/{aid}",
		   get_attachment, ACCESS_WORKSPACE, ROLE_VIEWER, 0}, );
