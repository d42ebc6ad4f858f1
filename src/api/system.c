/*
 * system.c — routes that are not about a resource: health, metrics, the
 * OpenAPI document, and the embedded web UI: the staff app at "/", the
 * client portal at "/portal/" (the only page other sites may frame, as
 * server_config.frame_ancestors allows) and its widget script at
 * "/portal/widget.js".
 */
#include <string.h>

#include "api/routes.h"
#include "api/ui_assets.h"

extern const unsigned char openapi_json[];
extern const unsigned long openapi_json_len;

static struct db_sql sql_ping = DB_SQL("SELECT 1");

static enum adv_err
get_healthz(struct req *r)
{
	struct db_conn *c = req_db(r);
	struct db_stmt *st;
	bool row = false;

	if (c == NULL || db_prepare(c, &sql_ping, &st) != ADV_OK || db_step(st, &row) != ADV_OK ||
	    !row) {
		adv_fail(&r->eb, ADV_EUNAVAIL, NULL, "the database does not answer");
		resp_header(r, "Retry-After", "1");
		return resp_json(r, 503, json_pack("{s:s}", "status", "unavailable"));
	}
	db_done(st);
	return resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static enum adv_err
get_metrics(struct req *r)
{
	struct buf b;
	enum adv_err rc;
	char *text;

	buf_init(&b, 4u * 1024u * 1024u);
	rc = server_metrics(r->srv, &b);
	if (rc == ADV_OK) {
		text = arena_strndup(&r->arena, b.data ? b.data : "", b.len);
		rc = text ? resp_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text,
				       b.len)
			  : ADV_ENOMEM;
	}
	buf_release(&b);
	return rc;
}

static enum adv_err
get_openapi(struct req *r)
{
	return resp_bytes(r, 200, "application/json; charset=utf-8", openapi_json,
			  openapi_json_len);
}

/* True when the client accepts gzip. */
static bool
accepts_gzip(struct req *r)
{
	const char *ae = req_header(r, "Accept-Encoding");

	return ae != NULL && strstr(ae, "gzip") != NULL;
}

/* Answers the embedded file at path, with ETag revalidation and gzip. */
static enum adv_err
serve_asset(struct req *r, const char *path, bool immutable)
{
	const char *inm = req_header(r, "If-None-Match");

	for (unsigned i = 0; i < ui_assets_count; i++) {
		const struct ui_asset *a = &ui_assets[i];

		if (strcmp(a->path, path) != 0)
			continue;
		resp_header(r, "ETag", a->etag);
		resp_header(r, "Vary", "Accept-Encoding");
		resp_header(r, "Cache-Control",
			    immutable ? "public, max-age=31536000, immutable" : "no-cache");
		if (inm != NULL && strcmp(inm, a->etag) == 0)
			return resp_bytes(r, 304, NULL, "", 0);
		if (a->gz != NULL && accepts_gzip(r)) {
			resp_header(r, "Content-Encoding", "gzip");
			return resp_bytes(r, 200, a->content_type, a->gz, a->gz_len);
		}
		return resp_bytes(r, 200, a->content_type, a->data, a->len);
	}
	if (ui_assets_count == 0)
		return adv_fail(&r->eb, ADV_ENOTFOUND, NULL,
				"the web UI was not built into this binary; run 'make build'");
	return adv_fail(&r->eb, ADV_ENOTFOUND, NULL, "no such file: %s", path);
}

static enum adv_err
get_index(struct req *r)
{
	return serve_asset(r, "/index.html", false);
}

static enum adv_err
get_asset(struct req *r)
{
	const char *file = req_param(r, "file");
	char *path = arena_printf(&r->arena, "/assets/%s", file);

	return path ? serve_asset(r, path, true) : ADV_ENOMEM;
}

static enum adv_err
get_favicon(struct req *r)
{
	return serve_asset(r, "/favicon.svg", false);
}

/* The client portal's page: the one answer other sites may frame (frame_ancestors). */
static enum adv_err
get_portal(struct req *r)
{
	r->frameable = true;
	return serve_asset(r, "/portal.html", false);
}

/* "/portal" → "/portal/", so that the page's relative links resolve under it. */
static enum adv_err
get_portal_bare(struct req *r)
{
	resp_header(r, "Location", "/portal/");
	return resp_bytes(r, 308, NULL, "", 0);
}

/* The widget script a supplier puts on its own site: not hashed, so revalidated (ETag). */
static enum adv_err
get_widget(struct req *r)
{
	return serve_asset(r, "/portal/widget.js", false);
}

API_ROUTES_DEFINE(system, {HTTP_GET, "/healthz", get_healthz, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/metrics", get_metrics, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/api/v1/openapi.json", get_openapi, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/", get_index, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/favicon.svg", get_favicon, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/assets/{file}", get_asset, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/portal", get_portal_bare, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/portal/", get_portal, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/portal/widget.js", get_widget, ACCESS_PUBLIC, ROLE_NONE, 0}, );
