/*
 * request_classify.c — the classifier of the dialog window (see
 * request_classify.h): the workspace's models read from and written to
 * request_models (base64 blobs, versioned against concurrent writers), the
 * catalogue's words per component, factor and journey stage as the
 * fallback, suggestions for new requests and learning from staff's
 * classifications.
 */
#include "core/request_classify.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "classify/bayes.h"
#include "classify/keywords.h"
#include "classify/stem.h"
#include "util/clock.h"

#define LEARN_TRIES 3 /* attempts when concurrent writers change a model */

static const char *const target_names[CT__MAX] = {
    [CT_COMPONENT] = "component",
    [CT_FACTOR] = "factor",
    [CT_STAGE] = "stage",
};

/* The catalogue's words of each target: (label, text) rows, several per label. */
static struct db_sql sql_words[CT__MAX] = {
    [CT_COMPONENT] = DB_SQL(
	"SELECT id, name_ru || ' ' || name_en || ' ' || COALESCE(description_ru, '') || ' ' ||"
	" COALESCE(description_en, '') FROM loyalty_components WHERE workspace_id = ?1"
	" AND active = 1 UNION ALL SELECT component_id, text_ru || ' ' || text_en"
	" FROM loyalty_factors WHERE workspace_id = ?1 AND active = 1 ORDER BY 1"),
    [CT_FACTOR] = DB_SQL("SELECT id, text_ru || ' ' || text_en FROM loyalty_factors"
			 " WHERE workspace_id = ?1 AND active = 1 ORDER BY id"),
    [CT_STAGE] =
	DB_SQL("SELECT id, name_ru || ' ' || name_en || ' ' || COALESCE(goal_ru, '') || ' ' ||"
	       " COALESCE(goal_en, '') || ' ' || COALESCE(questions_ru, '') || ' ' ||"
	       " COALESCE(questions_en, '') FROM journey_stages WHERE workspace_id = ?1"
	       " AND archived_at IS NULL ORDER BY id"),
};
static struct db_sql sql_factor_component =
    DB_SQL("SELECT component_id FROM loyalty_factors WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_model =
    DB_SQL("SELECT model, version FROM request_models WHERE workspace_id = ?1 AND target = ?2");
static struct db_sql sql_model_insert =
    DB_SQL("INSERT INTO request_models (workspace_id, target, model, documents, version,"
	   " updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT DO NOTHING");
static struct db_sql sql_model_update =
    DB_SQL("UPDATE request_models SET model = ?3, documents = ?4, version = version + 1,"
	   " updated_at = ?5 WHERE workspace_id = ?1 AND target = ?2 AND version = ?6");

/*
 * The model of target into *out (an empty one when none is stored) and its
 * version (0: none stored). The caller frees *out with bayes_free.
 */
static enum adv_err
model_load(struct db_conn *c, int64_t ws_id, enum classify_target t, struct bayes **out,
	   int64_t *version)
{
	unsigned char *bin = NULL;
	struct db_stmt *st;
	size_t len = 0;
	const char *text;
	enum adv_err rc;
	bool row;

	*out = NULL;
	*version = 0;
	if ((rc = db_prepare(c, &sql_model, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, target_names[t]);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = bayes_new(out);
		goto out;
	}
	text = db_col_text(st, 0);
	*version = db_col_int(st, 1);
	if ((bin = malloc(strlen(text) + 1)) == NULL) {
		db_done(st);
		rc = ADV_ENOMEM;
		goto out;
	}
	if (sodium_base642bin(bin, strlen(text) + 1, text, strlen(text), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		db_done(st);
		rc = ADV_EDB;
		goto out;
	}
	db_done(st);
	rc = bayes_load(bin, len, out, NULL);
	if (rc == ADV_EINVAL)
		rc = ADV_EDB;
out:
	free(bin);
	return rc;
}

/*
 * Stores m as the model of target when its stored version is still version
 * (0: none stored yet); *stored is false when another writer came first.
 */
static enum adv_err
model_store(struct db_conn *c, int64_t ws_id, enum classify_target t, const struct bayes *m,
	    int64_t version, bool *stored)
{
	unsigned char *blob = NULL;
	char *text = NULL, now[CLOCK_TEXT_MAX];
	struct db_stmt *st;
	size_t len = 0, tlen;
	enum adv_err rc;

	*stored = false;
	if ((rc = bayes_save(m, &blob, &len)) != ADV_OK)
		goto out;
	tlen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	if ((text = malloc(tlen)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	sodium_bin2base64(text, tlen, blob, len, sodium_base64_VARIANT_ORIGINAL);
	clock_now_plus(0, now);
	if ((rc = db_prepare(c, version == 0 ? &sql_model_insert : &sql_model_update, &st)) !=
	    ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, target_names[t]);
	db_bind_text(st, 3, text);
	db_bind_int(st, 4, (int64_t)bayes_docs(m));
	db_bind_text(st, 5, now);
	if (version != 0)
		db_bind_int(st, 6, version);
	if ((rc = db_exec(st)) != ADV_OK)
		goto out;
	*stored = db_changes(st) == 1;
out:
	free(blob);
	free(text);
	return rc;
}

/* The catalogue's words of target as a keyword table (free with classify_keywords_free). */
static enum adv_err
keywords_load(struct db_conn *c, struct stemmer *sm, int64_t ws_id, enum classify_target t,
	      struct classify_keywords **out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row;

	if ((rc = classify_keywords_new(out)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_words[t], &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		const char *text = db_col_text(st, 1);

		if (text == NULL)
			continue;
		if ((rc = classify_keywords_add(*out, sm, db_col_int(st, 0), text, strlen(text),
						NULL)) != ADV_OK &&
		    rc != ADV_EINVAL) {
			db_done(st);
			return rc;
		}
		rc = ADV_OK;
	}
	return rc;
}

/* The length of text cut to STEM_TEXT_MAX bytes at a character boundary. */
static size_t
text_len(const char *text)
{
	size_t len = strlen(text);

	if (len <= STEM_TEXT_MAX)
		return len;
	len = STEM_TEXT_MAX;
	while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/*
 * Makes out's factor agree with its component: a factor is suggested only
 * within the suggested component (one of another is dropped), and a factor
 * suggested alone brings its component along with its confidence and
 * source. Errors: the database's.
 */
static enum adv_err
suggestion_pair(struct db_conn *c, int64_t ws_id, struct request_suggestion *out)
{
	struct db_stmt *st;
	int64_t component;
	enum adv_err rc;
	bool row;

	if (out->label[CT_FACTOR] <= 0)
		return ADV_OK;
	if ((rc = db_prepare(c, &sql_factor_component, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, out->label[CT_FACTOR]);
	if ((rc = db_step(st, &row)) != ADV_OK)
		return rc;
	component = row ? db_col_int(st, 0) : 0;
	if (row)
		db_done(st);
	if (component > 0 && out->label[CT_COMPONENT] <= 0) {
		out->label[CT_COMPONENT] = component;
		out->confidence[CT_COMPONENT] = out->confidence[CT_FACTOR];
		out->source[CT_COMPONENT] = out->source[CT_FACTOR];
	} else if (component != out->label[CT_COMPONENT]) {
		out->label[CT_FACTOR] = 0;
		out->confidence[CT_FACTOR] = 0;
		out->source[CT_FACTOR] = classify_source_name(CLASSIFY_SOURCE_NONE);
	}
	return ADV_OK;
}

enum adv_err
request_classify_suggest(struct db_conn *c, struct arena *a, int64_t ws_id, const char *text,
			 struct request_suggestion *out)
{
	struct stemmer *sm = NULL;
	struct stem_list stems;
	enum adv_err rc;

	(void)a;
	memset(out, 0, sizeof(*out));
	for (int t = 0; t < CT__MAX; t++)
		out->source[t] = classify_source_name(CLASSIFY_SOURCE_NONE);
	stem_list_init(&stems);
	if ((rc = stemmer_new(&sm)) != ADV_OK)
		goto out;
	rc = stemmer_tokenise(sm, text, text_len(text), &stems, NULL);
	if (rc == ADV_EINVAL) {
		rc = ADV_OK;
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	for (int t = 0; t < CT__MAX; t++) {
		struct classify_keywords *kw = NULL;
		struct classify_suggestion s;
		struct bayes *m = NULL;
		int64_t version;

		if ((rc = model_load(c, ws_id, (enum classify_target)t, &m, &version)) == ADV_OK &&
		    (rc = keywords_load(c, sm, ws_id, (enum classify_target)t, &kw)) == ADV_OK)
			rc = classify_suggest_stems(m, kw, NULL, stems.stem, stems.n, &s);
		bayes_free(m);
		classify_keywords_free(kw);
		if (rc != ADV_OK)
			goto out;
		out->label[t] = s.label;
		out->confidence[t] = s.confidence;
		out->source[t] = classify_source_name(s.source);
	}
	rc = suggestion_pair(c, ws_id, out);
out:
	stem_list_release(&stems);
	stemmer_free(sm);
	return rc;
}

/* Moves the request's stems from label before to after in the model of target t. */
static enum adv_err
learn_one(struct db_conn *c, int64_t ws_id, enum classify_target t, const struct stem_list *stems,
	  int64_t before, int64_t after)
{
	enum adv_err rc = ADV_OK;

	for (int attempt = 0; attempt < LEARN_TRIES; attempt++) {
		struct bayes *m = NULL;
		int64_t version;
		bool stored;

		if ((rc = model_load(c, ws_id, t, &m, &version)) != ADV_OK)
			return rc;
		/* A label given before the model existed (an import, say) may not be in it. */
		if (before > 0 &&
		    bayes_untrain(m, before, stems->stem, stems->n, NULL) == ADV_ENOMEM)
			rc = ADV_ENOMEM;
		if (rc == ADV_OK && after > 0)
			rc = bayes_train(m, after, stems->stem, stems->n, NULL);
		if (rc == ADV_OK)
			rc = model_store(c, ws_id, t, m, version, &stored);
		bayes_free(m);
		if (rc != ADV_OK || stored)
			return rc;
	}
	return ADV_ECONFLICT;
}

enum adv_err
request_classify_learn(struct db_conn *c, struct arena *a, int64_t ws_id, const char *text,
		       const int64_t before[CT__MAX], const int64_t after[CT__MAX])
{
	struct stemmer *sm = NULL;
	struct stem_list stems;
	enum adv_err rc;

	(void)a;
	stem_list_init(&stems);
	if ((rc = stemmer_new(&sm)) != ADV_OK)
		goto out;
	rc = stemmer_tokenise(sm, text, text_len(text), &stems, NULL);
	if (rc == ADV_EINVAL || (rc == ADV_OK && stems.n == 0)) {
		rc = ADV_OK;
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	for (int t = 0; t < CT__MAX; t++)
		if (before[t] != after[t] &&
		    (rc = learn_one(c, ws_id, (enum classify_target)t, &stems, before[t],
				    after[t])) != ADV_OK)
			goto out;
out:
	stem_list_release(&stems);
	stemmer_free(sm);
	return rc;
}
