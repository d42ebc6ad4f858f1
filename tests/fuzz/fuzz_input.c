/*
 * fuzz_input.c — libFuzzer harness for what clients send besides files: the
 * opaque list cursor, search text turned into a LIKE pattern, and JSON bodies
 * checked by the field validator. The first byte picks the target; the rest
 * is the input. Properties: no crash, no leak, and a cursor that decodes has
 * exactly the items asked for, tagged as asked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/validate.h"
#include "core/listing.h"
#include "util/str.h"

static const char *const statuses[] = {"prospect", "active", "at_risk", "churned", NULL};

static const struct field_spec specs[] = {
    {"name", FIELD_STRING, true, false, 1, 300, NULL, NULL},
    {"employees", FIELD_INT, false, true, 0, 10000000, NULL, NULL},
    {"revenue", FIELD_NUMBER, false, true, 0, 1e18, NULL, NULL},
    {"active", FIELD_BOOL, false, false, 0, 0, NULL, NULL},
    {"since", FIELD_DATE, false, true, 0, 0, NULL, NULL},
    {"status", FIELD_ENUM, false, false, 0, 0, statuses, NULL},
    {"tags", FIELD_STRING_LIST, false, true, 1, 64, NULL, NULL},
};

/* The input as a NUL-terminated string (the caller frees it). */
static char *
as_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

static void
fuzz_cursor(const char *s)
{
	struct adv_errbuf eb;
	json_t *out = NULL;

	if (listing_cursor_decode(s, "name", 3, &out, &eb) == ADV_OK) {
		if (!json_is_array(out) || json_array_size(out) != 3 ||
		    strcmp(json_string_value(json_array_get(out, 0)), "name") != 0)
			abort();
		json_decref(out);
	}
}

static void
fuzz_search(const char *s)
{
	struct arena a;
	const char *p;

	arena_init(&a, 0);
	if (utf8_valid(s, strlen(s))) {
		p = listing_like_pattern(&a, s);
		if (p == NULL || p[0] != '%' || p[strlen(p) - 1] != '%')
			abort();
		str_fold(&a, s);
	}
	arena_free(&a);
}

static void
fuzz_body(const uint8_t *data, size_t size)
{
	struct req r;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	if (j == NULL)
		return;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	if (json_is_object(j)) {
		enum adv_err rc =
		    validate_object(&r, j, specs, sizeof(specs) / sizeof(specs[0]), size % 2 == 0);

		/* A refusal always names at least one field. */
		if (rc != ADV_OK && (r.errors == NULL || json_array_size(r.errors) == 0))
			abort();
	}
	if (r.errors != NULL)
		json_decref(r.errors);
	arena_free(&r.arena);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 2) {
		fuzz_body(data + 1, size - 1);
		return 0;
	}
	if ((s = as_string(data + 1, size - 1)) == NULL)
		return 0;
	if (data[0] % 3 == 0)
		fuzz_cursor(s);
	else
		fuzz_search(s);
	free(s);
	return 0;
}
