/*
 * text.h — the checks and clean-up that every free-text field of core gets:
 * well-formed UTF-8, a length in characters, no control characters, and
 * surrounding white space trimmed before it is stored.
 */
#ifndef ADV_CORE_TEXT_H
#define ADV_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

/*
 * Checks text s of the field at pointer ("/name"), named label in messages:
 * NULL passes unless required; otherwise it must be valid UTF-8, not blank
 * when required, at most max characters once trimmed, and free of control
 * characters (multiline text may hold line breaks and tabs). ADV_EINVAL
 * with the pointer in eb when it fails.
 */
enum adv_err text_check(struct adv_errbuf *eb, const char *pointer, const char *label,
			const char *s, bool required, size_t max, bool multiline);

/*
 * An arena copy of s without surrounding white space; NULL for NULL and for
 * blank text. Sets *oom when the copy cannot be made.
 */
const char *text_trimmed(struct arena *a, const char *s, bool *oom);

#endif
