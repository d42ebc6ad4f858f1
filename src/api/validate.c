/*
 * validate.c — the field validator for JSON bodies (see validate.h).
 */
#include "api/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/date.h"
#include "util/str.h"

static const char *const type_names[FIELD_TYPE__MAX] = {
    [FIELD_STRING] = "a string",
    [FIELD_INT] = "a whole number",
    [FIELD_NUMBER] = "a number",
    [FIELD_BOOL] = "true or false",
    [FIELD_DATE] = "a date YYYY-MM-DD",
    [FIELD_ENUM] = "one of the listed values",
    [FIELD_STRING_LIST] = "a list of strings",
};

/* "/name" for a field, in a static buffer per thread. */
static const char *
pointer_of(const struct field_spec *f)
{
	static _Thread_local char pointer[96];

	snprintf(pointer, sizeof(pointer), "/%s", f->name);
	return pointer;
}

/* Checks one string against the spec's length and extra check; adds an error when it fails. */
static bool
check_string(struct req *r, const char *pointer, const struct field_spec *f, const char *s,
	     size_t len)
{
	char why[256] = "";
	size_t chars;

	if (!utf8_valid(s, len)) {
		req_add_error(r, pointer, "%s must be valid UTF-8 text without NUL", f->name);
		return false;
	}
	chars = utf8_length(s, len);
	if ((double)chars < f->min || (double)chars > f->max) {
		if (f->min > 0)
			req_add_error(r, pointer, "%s must be %g to %g characters long", f->name,
				      f->min, f->max);
		else
			req_add_error(r, pointer, "%s must be at most %g characters long", f->name,
				      f->max);
		return false;
	}
	if (f->check != NULL && !f->check(s, why, sizeof(why))) {
		req_add_error(r, pointer, "%s: %s", f->name, why);
		return false;
	}
	return true;
}

/* Validates one present, non-null value; adds errors. */
static void
check_value(struct req *r, const struct field_spec *f, json_t *v)
{
	char pointer[96];
	double num;

	snprintf(pointer, sizeof(pointer), "/%s", f->name);
	switch (f->type) {
	case FIELD_STRING:
		if (!json_is_string(v))
			break;
		check_string(r, pointer, f, json_string_value(v), json_string_length(v));
		return;
	case FIELD_INT:
		if (!json_is_integer(v))
			break;
		num = (double)json_integer_value(v);
		if (num < f->min || num > f->max)
			req_add_error(r, pointer, "%s must be from %g to %g", f->name, f->min,
				      f->max);
		return;
	case FIELD_NUMBER:
		if (!json_is_number(v))
			break;
		num = json_number_value(v);
		if (!isfinite(num) || num < f->min || num > f->max)
			req_add_error(r, pointer, "%s must be from %g to %g", f->name, f->min,
				      f->max);
		return;
	case FIELD_BOOL:
		if (!json_is_boolean(v))
			break;
		return;
	case FIELD_DATE:
		if (!json_is_string(v))
			break;
		if (!date_valid(json_string_value(v)))
			req_add_error(r, pointer, "%s must be a real date written YYYY-MM-DD",
				      f->name);
		return;
	case FIELD_ENUM:
		if (!json_is_string(v))
			break;
		for (const char *const *p = f->values; *p != NULL; p++)
			if (strcmp(*p, json_string_value(v)) == 0)
				return;
		{
			char list[256] = "";

			for (const char *const *p = f->values; *p != NULL; p++) {
				if (list[0])
					strncat(list, ", ", sizeof(list) - strlen(list) - 1);
				strncat(list, *p, sizeof(list) - strlen(list) - 1);
			}
			req_add_error(r, pointer, "%s must be one of: %s", f->name, list);
		}
		return;
	case FIELD_STRING_LIST: {
		size_t i;
		json_t *item;

		if (!json_is_array(v))
			break;
		if (json_array_size(v) > VALIDATE_LIST_MAX) {
			req_add_error(r, pointer, "%s may have at most %d items", f->name,
				      VALIDATE_LIST_MAX);
			return;
		}
		json_array_foreach(v, i, item)
		{
			char ip[128];

			snprintf(ip, sizeof(ip), "%.90s/%zu", pointer, i);
			if (!json_is_string(item)) {
				req_add_error(r, ip, "%s items must be strings", f->name);
				continue;
			}
			check_string(r, ip, f, json_string_value(item), json_string_length(item));
		}
		return;
	}
	case FIELD_TYPE__MAX:
		break;
	}
	req_add_error(r, pointer, "%s must be %s", f->name, type_names[f->type]);
}

enum adv_err
validate_object(struct req *r, json_t *obj, const struct field_spec *specs, size_t n, bool patch)
{
	const char *key;
	json_t *v;
	size_t before = r->errors ? json_array_size(r->errors) : 0, after;

	json_object_foreach(obj, key, v)
	{
		const struct field_spec *f = NULL;

		for (size_t i = 0; i < n && f == NULL; i++)
			if (strcmp(specs[i].name, key) == 0)
				f = &specs[i];
		if (f == NULL) {
			char pointer[160];

			snprintf(pointer, sizeof(pointer), "/%.150s", key);
			req_add_error(r, pointer, "unknown field '%.100s'", key);
			continue;
		}
		if (json_is_null(v)) {
			if (!f->nullable || f->required)
				req_add_error(r, pointer_of(f), "%s may not be null", f->name);
			continue;
		}
		check_value(r, f, v);
	}
	for (size_t i = 0; i < n && !patch; i++)
		if (specs[i].required && json_object_get(obj, specs[i].name) == NULL)
			req_add_error(r, pointer_of(&specs[i]), "%s is required", specs[i].name);
	after = r->errors ? json_array_size(r->errors) : 0;
	if (after > before)
		return adv_fail(&r->eb, ADV_EINVAL, NULL, "%zu field%s of the request %s not valid",
				after - before, after - before == 1 ? "" : "s",
				after - before == 1 ? "is" : "are");
	return ADV_OK;
}

const char *
json_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
