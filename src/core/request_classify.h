/*
 * request_classify.h — the classifier of the dialog window (docs/requests.md,
 * "Classification"): for a new request, a suggested loyalty component,
 * factor and journey stage from the workspace's naive Bayes models
 * (src/classify), trained on the requests staff classified, with the
 * catalogue's words as the fallback; and the learning from each
 * classification staff confirm or correct.
 *
 * The model of each target is kept per workspace in request_models; it
 * always equals the training on every request's current label, because
 * each change of a label untrains the old one and trains the new one in the
 * same transaction as the change.
 */
#ifndef ADV_CORE_REQUEST_CLASSIFY_H
#define ADV_CORE_REQUEST_CLASSIFY_H

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

enum classify_target { CT_COMPONENT, CT_FACTOR, CT_STAGE, CT__MAX };

/* A suggestion per target: label 0 when there is none. */
struct request_suggestion {
	int64_t label[CT__MAX];
	double confidence[CT__MAX];
	const char *source[CT__MAX]; /* "model", "keywords" or "none" (static strings) */
};

/*
 * The suggestion for a request whose subject and first message are text,
 * into *out: a factor only within the suggested component (a factor
 * suggested alone brings its component). Errors: ADV_EDB when a stored model is corrupt,
 * ADV_ENOMEM.
 */
enum adv_err request_classify_suggest(struct db_conn *c, struct arena *a, int64_t ws_id,
				      const char *text, struct request_suggestion *out);

/*
 * Teaches the models that the request with text moved from the labels
 * before[] to after[] (0: none), inside the caller's transaction: for each
 * target whose label changed, the old label is untrained and the new one
 * trained. Errors: ADV_EDB for a corrupt model, ADV_ECONFLICT when the
 * model kept changing under concurrent writers, ADV_ENOMEM.
 */
enum adv_err request_classify_learn(struct db_conn *c, struct arena *a, int64_t ws_id,
				    const char *text, const int64_t before[CT__MAX],
				    const int64_t after[CT__MAX]);

#endif
