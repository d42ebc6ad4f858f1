/*
 * loyalty_body.h — reading the request bodies of the loyalty catalogue and
 * the journey map (src/api/catalogue.c, src/api/journey.c, which defines
 * these): texts in two languages, {"ru": "…", "en": "…"}, and lists of ids,
 * besides the flat fields that validate_object checks; and the answer of one
 * versioned object with its ETag.
 */
#ifndef ADV_API_LOYALTY_BODY_H
#define ADV_API_LOYALTY_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/validate.h"
#include "core/catalogue.h"
#include "http/http.h"

/* A member of a body that validate_object cannot describe. */
enum body_member_kind {
	BODY_TEXT, /* {"ru": string, "en": string | null}; in a patch either may be absent */
	BODY_IDS,  /* [id, …]: at most LOYALTY_ORDER_MAX positive whole numbers */
	BODY_KIND__MAX
};

struct body_member {
	const char *name;
	enum body_member_kind kind;
	bool required; /* must be present on create (never null) */
	bool nullable; /* the whole member may be null (clears an optional text) */
};

/*
 * Checks body: the members listed in members by their kind, everything else
 * against specs[0..n) with validate_object (which rejects unknown fields).
 * patch: required members may be absent. Every problem goes to r->errors
 * with its JSON pointer ("/name/ru", "/ids/2"); the result is ADV_EINVAL
 * (422) when there is any.
 */
enum adv_err loyalty_body_check(struct req *r, json_t *body, const struct field_spec *specs,
				size_t n, const struct body_member *members, size_t nm, bool patch);

/*
 * The text member name of a checked body in *out (zeroed when absent, with
 * is_null for null); true when the member is present.
 */
bool loyalty_body_text(json_t *body, const char *name, struct loyalty_text *out);

/*
 * The ids member name of a checked body: *ids an array of *n owned by the
 * request's arena. ADV_EINVAL naming it when absent.
 */
enum adv_err loyalty_body_ids(struct req *r, json_t *body, const char *name, int64_t **ids,
			      size_t *n);

/*
 * The id member name of a checked body: *id the value (0 for null), true
 * when the member is present.
 */
bool loyalty_body_id(json_t *body, const char *name, int64_t *id);

/* Answers status with j (stolen) and the ETag of version. */
enum adv_err loyalty_answer(struct req *r, int status, int64_t version, json_t *j);

/* A field_spec check: a code of a-z 0-9 _ - (catalogue_code_valid). */
bool loyalty_code_check(const char *v, char *why, size_t whylen);

#endif
