/*
 * request_feedback.c — what the client says of a request's handling (see
 * request.h): the rating after resolution, the helpful marks of staff
 * replies, and the loyalty signal both become — an assessment of the
 * company on the request's classified component, journey stage and factor.
 */
#include "core/request.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/assessment.h"
#include "core/audit.h"
#include "core/loyalty_model.h"
#include "core/request_notify.h"
#include "core/text.h"
#include "core/tx.h"
#include "util/clock.h"

#define SUMMARY_MAX 600 /* bytes of a signal's summary */

static struct db_sql sql_rate =
    DB_SQL("UPDATE requests SET rating = ?3, rating_comment = ?4, rated_at = ?5,"
	   " version = version + 1, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_mark =
    DB_SQL("UPDATE request_messages SET helpful = ?4 WHERE workspace_id = ?1"
	   " AND request_id = ?2 AND id = ?3 AND author = 'staff' AND internal = 0");
static struct db_sql sql_marks =
    DB_SQL("SELECT COALESCE(SUM(helpful), 0), COUNT(helpful) FROM request_messages"
	   " WHERE workspace_id = ?1 AND request_id = ?2 AND author = 'staff' AND internal = 0");
static struct db_sql sql_signal_id =
    DB_SQL("UPDATE requests SET signal_assessment_id = ?3 WHERE workspace_id = ?1 AND id = ?2");

/* The helpful marks of request id: *helpful of *marked staff replies. */
static enum adv_err
count_marks(struct db_conn *c, int64_t ws_id, int64_t id, int64_t *helpful, int64_t *marked)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	*helpful = *marked = 0;
	if ((rc = db_prepare(c, &sql_marks, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		return rc;
	*helpful = db_col_int(st, 0);
	*marked = db_col_int(st, 1);
	db_done(st);
	return ADV_OK;
}

/* Sets request id's signal to the assessment series id. */
static enum adv_err
store_signal_id(struct db_conn *c, int64_t ws_id, int64_t id, int64_t series)
{
	struct db_stmt *st;
	enum adv_err rc;

	if ((rc = db_prepare(c, &sql_signal_id, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, series);
	return db_exec(st);
}

enum adv_err
request_signal_sync(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t actor, int64_t id,
		    struct adv_errbuf *eb)
{
	struct assessment_component comp;
	struct assessment_factor factor;
	struct assessment in, out;
	struct catview cat;
	struct request x;
	int64_t helpful, marked;
	char summary[SUMMARY_MAX];
	double lo, hi, share;
	enum adv_err rc;

	if ((rc = request_get(c, a, ws_id, 0, id, &x)) != ADV_OK ||
	    (rc = count_marks(c, ws_id, id, &helpful, &marked)) != ADV_OK)
		return rc;
	if (x.component_id == 0 || (x.rating == 0 && marked == 0))
		return ADV_OK;
	if ((rc = catview_read(c, a, ws_id, &cat)) != ADV_OK)
		return rc;
	lo = cat.settings.score_min;
	hi = cat.settings.score_max;
	share = x.rating > 0 ? (double)(x.rating - REQUEST_RATING_MIN) /
				   (REQUEST_RATING_MAX - REQUEST_RATING_MIN)
			     : (double)helpful / (double)marked;
	if (x.rating > 0)
		snprintf(summary, sizeof(summary),
			 "Обращение №%lld: оценка клиента %d из %d; полезных ответов %lld из %lld",
			 (long long)x.id, x.rating, REQUEST_RATING_MAX, (long long)helpful,
			 (long long)marked);
	else
		snprintf(summary, sizeof(summary), "Обращение №%lld: полезных ответов %lld из %lld",
			 (long long)x.id, (long long)helpful, (long long)marked);
	memset(&comp, 0, sizeof(comp));
	comp.component_id = x.component_id;
	comp.has_score = true;
	comp.score = lo + share * (hi - lo);
	comp.comment = x.rating_comment;
	if (x.factor_id > 0) {
		factor.factor_id = x.factor_id;
		factor.evidence = x.subject;
		comp.factors = &factor;
		comp.nfactors = 1;
	}
	memset(&in, 0, sizeof(in));
	in.source = SOURCE_REQUEST;
	in.contact_id = x.contact_id;
	in.summary = summary;
	in.stage_id = x.stage_id;
	in.components = &comp;
	in.ncomponents = 1;
	if (x.signal_assessment_id == 0) {
		if ((rc = assessment_create(c, a, ws_id, actor, x.account_id, &in, &out, eb)) !=
		    ADV_OK)
			return rc;
		return store_signal_id(c, ws_id, id, out.id);
	}
	return assessment_update(c, a, ws_id, actor, x.account_id, x.signal_assessment_id, 0, &in,
				 &out, eb);
}

enum adv_err
request_rate(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_actor *actor,
	     int64_t id, int rating, const char *comment, struct request *out,
	     struct adv_errbuf *eb)
{
	char now[CLOCK_TEXT_MAX];
	const char *text = NULL;
	struct request_change change;
	struct request cur;
	json_t *changes = NULL;
	struct db_stmt *st;
	struct tx t;
	bool began = false, oom = false;
	enum adv_err rc;

	if (rating < REQUEST_RATING_MIN || rating > REQUEST_RATING_MAX) {
		rc = adv_fail(eb, ADV_EINVAL, "/rating",
			      "rating must be a whole number from %d to %d", REQUEST_RATING_MIN,
			      REQUEST_RATING_MAX);
		goto out;
	}
	if ((rc = text_check(eb, "/comment", "comment", comment, false, REQUEST_COMMENT_MAX,
			     true)) != ADV_OK)
		goto out;
	if ((text = text_trimmed(a, comment, &oom)) == NULL && oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, actor->account_id, id, &cur);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)id);
	if (rc != ADV_OK)
		goto out;
	if (cur.status != RS_RESOLVED && cur.status != RS_CLOSED) {
		rc = adv_fail(eb, ADV_ECONFLICT, "/rating",
			      "a request can be rated once it is resolved");
		goto out;
	}
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, &sql_rate, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, rating);
	db_bind_text(st, 4, text);
	db_bind_text(st, 5, now);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if ((changes = json_pack("{s:{s:o, s:i}}", "rating", "from",
				 cur.rating ? json_integer(cur.rating) : json_null(), "to",
				 rating)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = audit_write(c, ws_id, 0, "request", id, cur.account_id, "rate", changes)) !=
		ADV_OK ||
	    (rc = request_signal_sync(c, a, ws_id, 0, id, eb)) != ADV_OK ||
	    (rc = request_get(c, a, ws_id, 0, id, out)) != ADV_OK ||
	    (rc = request_event(c, ws_id, out, "rate", true)) != ADV_OK)
		goto out;
	memset(&change, 0, sizeof(change));
	change.actor = actor;
	change.before = &cur;
	change.after = out;
	change.rated = true;
	rc = request_notify(c, a, ws_id, &change);
out:
	if (began)
		rc = tx_end(c, &t, rc);
	json_decref(changes);
	return rc;
}

enum adv_err
request_mark_helpful(struct db_conn *c, struct arena *a, int64_t ws_id,
		     const struct request_actor *actor, int64_t id, int64_t message_id,
		     bool helpful, struct request_message *out, struct adv_errbuf *eb)
{
	struct request_message *thread;
	struct request cur;
	struct db_stmt *st;
	size_t n;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	rc = request_get(c, a, ws_id, actor->account_id, id, &cur);
	if (rc == ADV_ENOTFOUND)
		rc = adv_fail(eb, rc, NULL, "no such request: %lld", (long long)id);
	if (rc != ADV_OK)
		goto out;
	if ((rc = db_prepare(c, &sql_mark, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, message_id);
	db_bind_int(st, 4, helpful ? 1 : 0);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	if (db_changes(st) != 1) {
		rc =
		    adv_fail(eb, ADV_ENOTFOUND, NULL, "no such reply: %lld", (long long)message_id);
		goto out;
	}
	if ((rc = request_event(c, ws_id, &cur, "mark", true)) != ADV_OK ||
	    (rc = request_signal_sync(c, a, ws_id, 0, id, eb)) != ADV_OK ||
	    (rc = request_thread(c, a, ws_id, id, false, &thread, &n)) != ADV_OK)
		goto out;
	rc = ADV_ENOTFOUND;
	for (size_t i = 0; i < n; i++)
		if (thread[i].id == message_id) {
			*out = thread[i];
			rc = ADV_OK;
		}
out:
	if (began)
		rc = tx_end(c, &t, rc);
	return rc;
}
