/*
 * listing.h — what the list functions of core share: opaque page cursors and
 * search patterns.
 *
 * A cursor is the sort key of the last row of a page, as a JSON array (for
 * example ["name","ООО Ромашка",42]) in base64url without padding. Clients
 * treat it as opaque; core decodes and checks it before binding its parts.
 */
#ifndef ADV_CORE_LISTING_H
#define ADV_CORE_LISTING_H

#include <jansson.h>

#include "util/arena.h"
#include "util/err.h"

#define LISTING_CURSOR_MAX 4096 /* bytes of an encoded cursor */

/*
 * The cursor for key (a JSON array, borrowed), as an arena string; NULL when
 * out of memory.
 */
const char *listing_cursor_encode(struct arena *a, json_t *key);

/*
 * Decodes cursor text into a JSON array of exactly n items whose first item
 * is the string tag (so that a cursor of one sort or list is refused by
 * another). *out is a new reference the caller must json_decref. Errors:
 * ADV_EINVAL with field "cursor" in eb when the text is not such a cursor.
 */
enum adv_err listing_cursor_decode(const char *cursor, const char *tag, size_t n, json_t **out,
				   struct adv_errbuf *eb);

/*
 * The LIKE pattern (with ESCAPE '\') that finds q anywhere in a folded
 * search text: q case-folded, its %, _ and \ escaped, wrapped in %…%. Arena
 * string; NULL when out of memory.
 */
const char *listing_like_pattern(struct arena *a, const char *q);

#endif
