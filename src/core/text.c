/*
 * text.c — checks and trimming of free-text fields (see text.h).
 */
#include "core/text.h"

#include <string.h>

#include "util/str.h"

enum adv_err
text_check(struct adv_errbuf *eb, const char *pointer, const char *label, const char *s,
	   bool required, size_t max, bool multiline)
{
	const char *t;
	size_t len;

	if (s == NULL)
		return required ? adv_fail(eb, ADV_EINVAL, pointer, "%s is required", label)
				: ADV_OK;
	if (!utf8_valid(s, strlen(s)))
		return adv_fail(eb, ADV_EINVAL, pointer, "%s must be valid UTF-8 text", label);
	t = str_trim(s, strlen(s), &len);
	if (required && len == 0)
		return adv_fail(eb, ADV_EINVAL, pointer, "%s is required and may not be blank",
				label);
	if (utf8_length(t, len) > max)
		return adv_fail(eb, ADV_EINVAL, pointer, "%s must be at most %zu characters long",
				label, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)t[i];

		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) ||
		    ch == 0x7F)
			return adv_fail(eb, ADV_EINVAL, pointer,
					"%s may not contain control characters%s", label,
					multiline ? " other than line breaks and tabs" : "");
	}
	return ADV_OK;
}

const char *
text_trimmed(struct arena *a, const char *s, bool *oom)
{
	const char *t;
	size_t len;
	char *out;

	if (s == NULL)
		return NULL;
	t = str_trim(s, strlen(s), &len);
	if (len == 0)
		return NULL;
	if ((out = arena_strndup(a, t, len)) == NULL)
		*oom = true;
	return out;
}
