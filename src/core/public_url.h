/*
 * public_url.h — the address people reach this instance at, such as
 * "https://advocate.supplier.example": the start of every link that leaves
 * the system in an e-mail (a portal sign-in link, a request's page).
 *
 * One value per process, set once by `advocate serve` (--public-url, or the
 * address it listens on) before its threads start, and read by any thread
 * afterwards; tests set it the same way.
 */
#ifndef ADV_CORE_PUBLIC_URL_H
#define ADV_CORE_PUBLIC_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define PUBLIC_URL_MAX 512 /* bytes of the address, NUL included */

/*
 * Checks url — http:// or https://, a host, optionally a port and a path, no
 * user name, query or fragment, printable ASCII, under PUBLIC_URL_MAX bytes —
 * and keeps a copy without the trailing slashes as the instance's address.
 * Errors: ADV_EINVAL with the reason in eb (field "--public-url"); the
 * address kept before stays.
 */
enum adv_err public_url_set(const char *url, struct adv_errbuf *eb);

/* The address kept by public_url_set (static storage), or "" before any. */
const char *public_url(void);

/*
 * Writes the address followed by path (which starts with "/") into out
 * (outlen bytes); false when it does not fit (out then holds "").
 */
bool public_url_join(const char *path, char *out, size_t outlen);

#endif
