/*
 * keywords.h — the suggestion of a label (component, factor or journey
 * stage) for a client request: from the naive Bayes model of the workspace
 * (bayes.h) when it knows enough, else from the catalogue's own words — the
 * labels' names in Russian and English and, for factors, their text — whose
 * stems are matched against the request's stems.
 *
 * The model is trusted when it has at least two labels, knows at least one
 * stem of the request, its best label has at least min_label_docs documents
 * and a posterior of at least min_confidence. Otherwise the keyword table
 * answers: each distinct stem of the request that belongs to the words of k
 * labels adds 1/k to each of them (a stem shared by every label says
 * little); the label with the highest sum wins (ties: the label added to the
 * table first), with confidence sum / (Σ sums + 1) — its share of the
 * evidence, discounted by one pseudo-match for "none of these", so that a
 * single matching stem gives 0.5. When no keyword matches either, a model
 * that knew some stem answers with its (low) confidence; else there is no
 * suggestion.
 *
 * Threads: a keyword table is read-only once built and may be shared;
 * the stemmer passed in belongs to the calling thread (stem.h).
 */
#ifndef ADV_CLASSIFY_KEYWORDS_H
#define ADV_CLASSIFY_KEYWORDS_H

#include <stddef.h>
#include <stdint.h>

#include "classify/bayes.h"
#include "classify/stem.h"
#include "util/err.h"

#define CLASSIFY_KEYWORDS_MAX	65536		 /* (stem, label) pairs of one table */
#define CLASSIFY_LABELS_MAX	BAYES_LABELS_MAX /* labels of one table */
#define CLASSIFY_TOP_K		3		 /* alternatives in a suggestion */
#define CLASSIFY_MIN_LABEL_DOCS 5		 /* default of classify_params */
#define CLASSIFY_MIN_CONFIDENCE 0.5		 /* default of classify_params */

/* Where a suggestion comes from. */
enum classify_source {
	CLASSIFY_SOURCE_NONE,	  /* nothing to suggest */
	CLASSIFY_SOURCE_MODEL,	  /* the naive Bayes model */
	CLASSIFY_SOURCE_KEYWORDS, /* the catalogue's words */
	CLASSIFY_SOURCE__MAX
};

/* When the model is trusted (see above). */
struct classify_params {
	uint32_t min_label_docs; /* documents of the model's best label */
	double min_confidence;	 /* its posterior, 0..1 */
};

/* A suggested label. */
struct classify_suggestion {
	enum classify_source source;
	int64_t label;	   /* 0 with CLASSIFY_SOURCE_NONE */
	double confidence; /* 0..1; 0 with CLASSIFY_SOURCE_NONE */
	/* the best labels of that source, best first (alt[0] is label), with their confidence */
	struct bayes_score alt[CLASSIFY_TOP_K];
	size_t nalt;
};

/* The catalogue's words per label (opaque). */
struct classify_keywords;

/* "none", "model" or "keywords"; static storage; "?" for a value out of range. */
const char *classify_source_name(enum classify_source s);

/* Makes an empty keyword table into *out (free with classify_keywords_free). Errors: ADV_ENOMEM. */
enum adv_err classify_keywords_new(struct classify_keywords **out);

/* Frees kw and everything it owns; NULL is allowed. */
void classify_keywords_free(struct classify_keywords *kw);

/*
 * Adds the stems of text[0..len) (a name, a factor's text …, UTF-8, see
 * stemmer_tokenise) to the words of label (> 0); call it once per name or
 * text. Labels rank in the order of their first addition. Errors: those of
 * stemmer_tokenise; ADV_EINVAL for label ≤ 0; ADV_ETOOBIG when the table
 * would pass CLASSIFY_LABELS_MAX labels or CLASSIFY_KEYWORDS_MAX pairs;
 * ADV_ENOMEM. On error the table is left as it was.
 */
enum adv_err classify_keywords_add(struct classify_keywords *kw, struct stemmer *st, int64_t label,
				   const char *text, size_t len, struct adv_errbuf *eb);

/*
 * The suggestion for the request stems[0..n) (from stemmer_tokenise) into
 * *out. model and kw may each be NULL (that source is not asked); params
 * NULL means {CLASSIFY_MIN_LABEL_DOCS, CLASSIFY_MIN_CONFIDENCE}. Reads model
 * and kw only. Errors: ADV_EINVAL for stems NULL with n > 0, a NULL stem or
 * min_confidence outside 0..1; ADV_ETOOBIG when n > BAYES_DOC_STEMS_MAX;
 * ADV_ENOMEM (*out then says CLASSIFY_SOURCE_NONE).
 */
enum adv_err classify_suggest_stems(const struct bayes *model, const struct classify_keywords *kw,
				    const struct classify_params *params, const char *const *stems,
				    size_t n, struct classify_suggestion *out);

/*
 * The suggestion for the request text[0..len) — its subject and body joined
 * by a newline — into *out: stemmer_tokenise with st (the caller's, see
 * stem.h) then classify_suggest_stems. An empty text or one without words
 * gives CLASSIFY_SOURCE_NONE and ADV_OK. Errors: those of stemmer_tokenise
 * (ADV_EINVAL for malformed UTF-8, ADV_ETOOBIG for too long a text) and of
 * classify_suggest_stems, with eb (may be NULL) saying why.
 */
enum adv_err classify_suggest(struct stemmer *st, const struct bayes *model,
			      const struct classify_keywords *kw,
			      const struct classify_params *params, const char *text, size_t len,
			      struct classify_suggestion *out, struct adv_errbuf *eb);

#endif
