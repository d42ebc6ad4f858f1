/*
 * contact_impl.h — what contact.c and contact_link.c share and nobody else
 * needs: the account check, and dropping a deleted contact's links.
 */
#ifndef ADV_CORE_CONTACT_IMPL_H
#define ADV_CORE_CONTACT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/contact.h"

/* ADV_ENOTFOUND (with a message in eb, which may be NULL) unless account_id is the workspace's. */
enum adv_err contact_account_exists(struct db_conn *c, int64_t ws_id, int64_t account_id,
				    struct adv_errbuf *eb);

/*
 * Removes every influence link from or to contact_id of account_id (inside
 * the caller's write scope), each audited as "delete"; *n is how many.
 */
enum adv_err contact_links_drop(struct db_conn *c, int64_t ws_id, int64_t actor, int64_t account_id,
				int64_t contact_id, size_t *n);

#endif
