/*
 * response_impl.h — what response.c needs from response_answers.c beyond
 * the public response.h: the assessment a submitted response becomes.
 */
#ifndef ADV_CORE_RESPONSE_IMPL_H
#define ADV_CORE_RESPONSE_IMPL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/assessment.h"
#include "core/response.h"

/*
 * Fills *as with what response r (its channel, contact, notes and
 * submitted_at) and its answers (keyed by question id; borrowed) tell about
 * the client, by docs/research.md "Assessments from responses": the source
 * of the channel, the contact, the day of submission, the first recommend
 * answer, per active component the mean of the component questions rating
 * it and the active factors of it chosen, the notes as the summary. *any is
 * false when that is nothing an assessment holds. Arrays in the arena.
 */
enum adv_err response_assessment(struct arena *a, const struct response_context *ctx,
				 json_t *answers, const struct response *r, struct assessment *as,
				 bool *any);

#endif
