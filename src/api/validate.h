/*
 * validate.h — declarative validation of JSON request bodies (kcgi's idea of
 * a validator per input field): each resource lists its fields with type,
 * presence and range; validate_object checks a body against the list and
 * reports every offending field with its JSON pointer in r->errors.
 */
#ifndef ADV_API_VALIDATE_H
#define ADV_API_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define VALIDATE_LIST_MAX 50

enum field_type {
	FIELD_STRING, /* UTF-8 text; min/max are lengths in characters */
	FIELD_INT,    /* whole number; min/max are the range */
	FIELD_NUMBER, /* any finite number; min/max are the range */
	FIELD_BOOL,
	FIELD_DATE,	   /* "YYYY-MM-DD", a real calendar date */
	FIELD_ENUM,	   /* one of values[] */
	FIELD_STRING_LIST, /* array of at most VALIDATE_LIST_MAX strings of min..max characters */
	FIELD_TYPE__MAX
};

struct field_spec {
	const char *name;
	enum field_type type;
	bool required; /* must be present (and not null) on create */
	bool nullable; /* null is accepted (clears the field) */
	double min;
	double max;
	const char *const *values; /* FIELD_ENUM: NULL-terminated */
	/* Extra check of a string value; writes why it failed. */
	bool (*check)(const char *v, char *why, size_t whylen);
};

/*
 * Checks obj against specs[0..n). patch: required fields may be absent (a
 * merge patch), but not null. Every problem is added to r->errors; the result
 * is ADV_EINVAL (422) when there is any, with a summary in r->eb.
 */
enum adv_err validate_object(struct req *r, json_t *obj, const struct field_spec *specs, size_t n,
			     bool patch);

/* The string value of key in obj, or NULL when absent or null. */
const char *json_str(json_t *obj, const char *key);

#endif
