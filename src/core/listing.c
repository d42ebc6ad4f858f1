/*
 * listing.c — page cursors and search patterns (see listing.h).
 */
#include "core/listing.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

const char *
listing_cursor_encode(struct arena *a, json_t *key)
{
	char *text = json_dumps(key, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len, outlen;
	char *out = NULL;

	if (text == NULL)
		return NULL;
	len = strlen(text);
	outlen = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((out = arena_alloc(a, outlen)) != NULL)
		sodium_bin2base64(out, outlen, (const unsigned char *)text, len,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(text);
	return out;
}

enum adv_err
listing_cursor_decode(const char *cursor, const char *tag, size_t n, json_t **out,
		      struct adv_errbuf *eb)
{
	unsigned char raw[LISTING_CURSOR_MAX];
	size_t len = strlen(cursor), rawlen = 0;
	json_t *j = NULL;
	enum adv_err rc = ADV_OK;

	*out = NULL;
	if (len == 0 || len > LISTING_CURSOR_MAX ||
	    sodium_base642bin(raw, sizeof(raw), cursor, len, NULL, &rawlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    (j = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_array(j) || json_array_size(j) != n || !json_is_string(json_array_get(j, 0)) ||
	    strcmp(json_string_value(json_array_get(j, 0)), tag) != 0) {
		rc = adv_fail(eb, ADV_EINVAL, "cursor",
			      "cursor is not a cursor of this list and order; start again "
			      "without it");
		goto out;
	}
	*out = j;
	j = NULL;
out:
	json_decref(j);
	return rc;
}

const char *
listing_like_pattern(struct arena *a, const char *q)
{
	const char *folded = str_fold(a, q);
	size_t n, o = 0;
	char *out;

	if (folded == NULL)
		return NULL;
	n = strlen(folded);
	if ((out = arena_alloc(a, 2 * n + 3)) == NULL)
		return NULL;
	out[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (folded[i] == '%' || folded[i] == '_' || folded[i] == '\\')
			out[o++] = '\\';
		out[o++] = folded[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}
