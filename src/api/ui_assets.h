/*
 * ui_assets.h — the web UI's built files, embedded at build time by
 * scripts/embed_ui.py.
 */
#ifndef ADV_API_UI_ASSETS_H
#define ADV_API_UI_ASSETS_H

#include <stddef.h>

struct ui_asset {
	const char *path; /* "/index.html", "/assets/index-abc.js" */
	const char *content_type;
	const char *etag; /* quoted strong ETag */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* gzip variant or NULL */
	size_t gz_len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct ui_asset ui_assets[];
extern const unsigned ui_assets_count;

#endif
