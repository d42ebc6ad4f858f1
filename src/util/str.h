/*
 * str.h — small string helpers: UTF-8 validation, case folding for search,
 * trimming, and strict number parsing.
 */
#ifndef ADV_UTIL_STR_H
#define ADV_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* True when the n bytes at s are well-formed UTF-8 (no overlongs, surrogates or NUL). */
bool utf8_valid(const char *s, size_t n);

/* Number of code points in well-formed UTF-8 s of n bytes. */
size_t utf8_length(const char *s, size_t n);

/*
 * A lower-cased copy of s for case-insensitive search, owned by the arena: ASCII,
 * Latin-1 supplement, Cyrillic (including Ё→ё folded to е) are folded; other
 * code points are copied as they are. NULL on allocation failure.
 */
char *str_fold(struct arena *a, const char *s);

/* Pointer into s past leading white space; *len is set to the length without trailing white space.
 */
const char *str_trim(const char *s, size_t n, size_t *len);

/* True when s equals t ignoring ASCII case. */
bool str_ieq(const char *s, const char *t);

/* Parses a whole decimal integer (optional sign, no spaces). */
bool str_to_i64(const char *s, int64_t *out);

#endif
