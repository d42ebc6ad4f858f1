/*
 * plan.h — what other resource files of the API need from plan.c: the JSON
 * of one action of the relationship plan (the account map embeds them).
 */
#ifndef ADV_API_PLAN_H
#define ADV_API_PLAN_H

#include <jansson.h>

#include "core/plan.h"

/*
 * The action as the API shows it (docs/account-map.md, "The relationship
 * plan"): a new reference the caller owns, or NULL when out of memory.
 */
json_t *plan_action_json(const struct plan_action *x);

#endif
