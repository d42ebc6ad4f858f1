/*
 * loyalty_body.h — reading the request bodies of the loyalty catalogue and
 * the journey map (src/api/catalogue.c, src/api/journey.c; loyalty_body.c
 * defines these): texts in two languages, {"ru": "…", "en": "…"}, and lists
 * of ids, besides the flat fields that validate_object checks; members read
 * into the core's structs; the reading of a create, patch or order request;
 * and the answer of one versioned object with its Location and ETag.
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

/* The whole-number member name of a checked body in *out; true when present. */
bool loyalty_body_int(json_t *body, const char *name, int64_t *out);

/* The number member name of a checked body in *out; true when present. */
bool loyalty_body_number(json_t *body, const char *name, double *out);

/* The boolean member name of a checked body in *out; true when present. */
bool loyalty_body_bool(json_t *body, const char *name, bool *out);

/* The string member name of a checked body in *out (borrowed from body); true when present. */
bool loyalty_body_string(json_t *body, const char *name, const char **out);

/*
 * Reads the request's JSON body into *body (owned by the request) and checks
 * it with loyalty_body_check; the first failure is the result.
 */
enum adv_err loyalty_body_read(struct req *r, const struct field_spec *specs, size_t n,
			       const struct body_member *members, size_t nm, bool patch,
			       json_t **body);

/*
 * Reads a patch request: the path's id param into *id, If-Match into
 * *version, then the body as loyalty_body_read with patch set.
 */
enum adv_err loyalty_body_patch(struct req *r, const char *param, int64_t *id, int64_t *version,
				const struct field_spec *specs, size_t n,
				const struct body_member *members, size_t nm, json_t **body);

/*
 * Reads an order request: a body of "ids" (required) and specs[0..n),
 * checked; the ids in *ids (the request's arena), *nids of them.
 */
enum adv_err loyalty_body_order(struct req *r, const struct field_spec *specs, size_t n,
				json_t **body, int64_t **ids, size_t *nids);

/* Sets the answer's Location to /api/v1/workspaces/{ws}/collection/id ("journey/stages"). */
void loyalty_location(struct req *r, const char *collection, int64_t id);

#endif
