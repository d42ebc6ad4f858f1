/*
 * fuzz_attachment.c — libFuzzer harness for what decides whether an
 * uploaded file is accepted (src/core/attachment_file.c): the type
 * recognised from the bytes (magic numbers, UTF-8 text, the ZIP directory
 * of Office documents) and the cleaning of the file name. The whole input
 * is a file's bytes; its first line is also a file name.
 *
 * Checks properties as well as memory safety: a recognised type has a MIME
 * type; a cleaned name is valid UTF-8 of at most ATTACHMENT_NAME_MAX
 * characters without folders, control characters, reserved characters or
 * direction marks, ends in an extension of its type, and cleans to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/attachment.h"
#include "util/str.h"

#define FUZZ_NAME_MAX	 2048	       /* bytes of the first line used as a name */
#define FUZZ_ARENA_LIMIT (1024 * 1024) /* bytes the name cleaning may allocate */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless name is what attachment_name_clean may answer for type t. */
static void
check_clean(struct arena *a, const char *name, enum attachment_type t)
{
	struct adv_errbuf eb;
	enum attachment_type again = t;
	const char *twice = NULL;
	size_t n = strlen(name);

	if (n == 0 || !utf8_valid(name, n) || utf8_length(name, n) > ATTACHMENT_NAME_MAX ||
	    strpbrk(name, "/\\<>:\"|?*") != NULL || strstr(name, "\xE2\x80\xAE") != NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7F)
			abort();
	if (attachment_name_clean(a, name, &again, &twice, &eb) != ADV_OK || again != t ||
	    strcmp(twice, name) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char raw[FUZZ_NAME_MAX + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl != NULL ? (size_t)(nl - data) : size;
	enum attachment_type t = attachment_detect(data, size), named;
	struct adv_errbuf eb;
	const char *clean = NULL;
	struct arena a;

	if (t != AT__MAX && attachment_type_mime(t) == NULL)
		abort();
	if (n > FUZZ_NAME_MAX)
		n = FUZZ_NAME_MAX;
	memcpy(raw, data, n);
	raw[n] = '\0';
	/* Every type in turn: the name's rules depend on it. */
	arena_init(&a, FUZZ_ARENA_LIMIT);
	for (int k = 0; k < AT__MAX; k++) {
		named = (enum attachment_type)k;
		if (attachment_name_clean(&a, raw, &named, &clean, &eb) == ADV_OK)
			check_clean(&a, clean, named);
		arena_reset(&a);
	}
	arena_free(&a);
	return 0;
}
