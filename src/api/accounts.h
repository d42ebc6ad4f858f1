/*
 * accounts.h — what other resource files of the API need from accounts.c:
 * the rule of who may change an account and what hangs off it.
 */
#ifndef ADV_API_ACCOUNTS_H
#define ADV_API_ACCOUNTS_H

#include <stdint.h>

#include "core/account.h"
#include "http/http.h"

/*
 * Loads account id of the request's workspace into *out and checks that the
 * caller may change it (and its suppliers): analysts and owners may change
 * any account, managers only those they own. Errors (detail in r->eb):
 * ADV_ENOTFOUND when the account is not in the workspace, ADV_EFORBIDDEN
 * when the caller may not change it.
 */
enum adv_err accounts_load_writable(struct req *r, int64_t id, struct account *out);

#endif
