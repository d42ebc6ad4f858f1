/*
 * keywords.c — the catalogue's words as a fallback classifier, and the one
 * entry point that picks between the model and them (see keywords.h). The
 * table is one array of (stem, label) pairs sorted by stem then label, so
 * that the labels of a request's stem are one run found by binary search.
 */
#include "classify/keywords.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define KW_MIN_ENTRIES 64
#define NO_LABEL       UINT32_MAX

/* One stem of one label's words. */
struct kw_entry {
	char *stem;
	uint32_t label; /* index into classify_keywords.label */
};

struct classify_keywords {
	int64_t label[CLASSIFY_LABELS_MAX]; /* ids, in order of first addition */
	size_t nlabels;
	struct kw_entry *e; /* sorted by (stem, label), no pair twice */
	size_t n, cap;
};

static const char *const source_names[CLASSIFY_SOURCE__MAX] = {
    [CLASSIFY_SOURCE_NONE] = "none",
    [CLASSIFY_SOURCE_MODEL] = "model",
    [CLASSIFY_SOURCE_KEYWORDS] = "keywords",
};

const char *
classify_source_name(enum classify_source s)
{
	return (unsigned)s < CLASSIFY_SOURCE__MAX ? source_names[s] : "?";
}

enum adv_err
classify_keywords_new(struct classify_keywords **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? ADV_OK : ADV_ENOMEM;
}

void
classify_keywords_free(struct classify_keywords *kw)
{
	if (!kw)
		return;
	for (size_t i = 0; i < kw->n; i++)
		free(kw->e[i].stem);
	free(kw->e);
	free(kw);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct kw_entry *x = a, *y = b;
	int c = strcmp(x->stem, y->stem);

	return c ? c : (x->label > y->label) - (x->label < y->label);
}

enum adv_err
classify_keywords_add(struct classify_keywords *kw, struct stemmer *st, int64_t label,
		      const char *text, size_t len, struct adv_errbuf *eb)
{
	struct stem_list sl;
	uint32_t c = NO_LABEL;
	size_t n0 = kw->n, kept;
	enum adv_err rc;

	stem_list_init(&sl);
	if (label <= 0) {
		rc = adv_fail(eb, ADV_EINVAL, "label", "a label must be a positive id");
		goto out;
	}
	if ((rc = stemmer_tokenise(st, text, len, &sl, eb)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < kw->nlabels; i++)
		if (kw->label[i] == label)
			c = (uint32_t)i;
	if (c == NO_LABEL && kw->nlabels == CLASSIFY_LABELS_MAX) {
		rc = adv_fail(eb, ADV_ETOOBIG, "label", "at most %d labels", CLASSIFY_LABELS_MAX);
		goto out;
	}
	if (sl.n > CLASSIFY_KEYWORDS_MAX - kw->n) {
		rc = adv_fail(eb, ADV_ETOOBIG, NULL, "at most %d keywords", CLASSIFY_KEYWORDS_MAX);
		goto out;
	}
	if (kw->cap - kw->n < sl.n) {
		size_t cap = kw->cap ? kw->cap : KW_MIN_ENTRIES;
		struct kw_entry *e;

		while (cap - kw->n < sl.n)
			cap *= 2;
		e = realloc(kw->e, cap * sizeof(*e));
		if (!e) {
			rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
			goto out;
		}
		kw->e = e;
		kw->cap = cap;
	}
	if (c == NO_LABEL)
		c = (uint32_t)kw->nlabels; /* taken below, once nothing can fail */
	for (size_t i = 0; i < sl.n; i++) {
		char *s = strdup(sl.stem[i]);

		if (!s) {
			rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
			goto out;
		}
		kw->e[kw->n++] = (struct kw_entry){.stem = s, .label = c};
	}
	if (c == kw->nlabels)
		kw->label[kw->nlabels++] = label;
	qsort(kw->e, kw->n, sizeof(*kw->e), cmp_entry);
	kept = 0;
	for (size_t i = 0; i < kw->n; i++) {
		if (kept > 0 && cmp_entry(&kw->e[kept - 1], &kw->e[i]) == 0) {
			free(kw->e[i].stem);
			continue;
		}
		kw->e[kept++] = kw->e[i];
	}
	kw->n = kept;
out:
	if (rc != ADV_OK) {
		for (size_t i = n0; i < kw->n; i++)
			free(kw->e[i].stem);
		kw->n = n0;
	}
	stem_list_release(&sl);
	return rc;
}

/* The first entry of kw whose stem is s, or kw->n. */
static size_t
kw_lower_bound(const struct classify_keywords *kw, const char *s)
{
	size_t lo = 0, hi = kw->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(kw->e[mid].stem, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keywords' answer for stems[0..n) into out (source NONE when no stem matches). */
static enum adv_err
keywords_match(const struct classify_keywords *kw, const char *const *stems, size_t n,
	       struct classify_suggestion *out)
{
	double score[CLASSIFY_LABELS_MAX] = {0}, total = 0;
	bool taken[CLASSIFY_LABELS_MAX] = {false};
	const char **d;

	if (n == 0 || kw->n == 0)
		return ADV_OK;
	d = malloc(n * sizeof(*d));
	if (!d)
		return ADV_ENOMEM;
	memcpy(d, stems, n * sizeof(*d));
	qsort(d, n, sizeof(*d), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t lo, hi;

		if (i > 0 && strcmp(d[i - 1], d[i]) == 0)
			continue;
		lo = kw_lower_bound(kw, d[i]);
		for (hi = lo; hi < kw->n && strcmp(kw->e[hi].stem, d[i]) == 0; hi++)
			;
		for (size_t j = lo; j < hi; j++)
			score[kw->e[j].label] += 1.0 / (double)(hi - lo);
		if (hi > lo)
			total += 1;
	}
	free(d);
	if (total == 0)
		return ADV_OK;
	while (out->nalt < CLASSIFY_TOP_K) {
		size_t pick = NO_LABEL;

		for (size_t c = 0; c < kw->nlabels; c++)
			if (!taken[c] && score[c] > 0 &&
			    (pick == NO_LABEL || score[c] > score[pick]))
				pick = c;
		if (pick == NO_LABEL)
			break;
		taken[pick] = true;
		out->alt[out->nalt].label = kw->label[pick];
		out->alt[out->nalt].p = score[pick] / (total + 1);
		out->nalt++;
	}
	out->source = CLASSIFY_SOURCE_KEYWORDS;
	out->label = out->alt[0].label;
	out->confidence = out->alt[0].p;
	return ADV_OK;
}

enum adv_err
classify_suggest_stems(const struct bayes *model, const struct classify_keywords *kw,
		       const struct classify_params *params, const char *const *stems, size_t n,
		       struct classify_suggestion *out)
{
	static const struct classify_params defaults = {
	    .min_label_docs = CLASSIFY_MIN_LABEL_DOCS,
	    .min_confidence = CLASSIFY_MIN_CONFIDENCE,
	};
	struct bayes_score top[CLASSIFY_TOP_K];
	size_t ntop = 0, known = 0;
	bool trusted;
	enum adv_err rc = ADV_OK;

	memset(out, 0, sizeof(*out));
	out->source = CLASSIFY_SOURCE_NONE;
	if (!params)
		params = &defaults;
	if (!(params->min_confidence >= 0 && params->min_confidence <= 1) || (n > 0 && !stems))
		return ADV_EINVAL;
	if (n > BAYES_DOC_STEMS_MAX)
		return ADV_ETOOBIG;
	for (size_t i = 0; i < n; i++)
		if (!stems[i])
			return ADV_EINVAL;
	if (model && bayes_labels(model) >= 2 &&
	    (rc = bayes_predict(model, stems, n, top, CLASSIFY_TOP_K, &ntop, &known)) != ADV_OK)
		return rc;
	if (known == 0)
		ntop = 0; /* the priors alone say nothing about this request */
	trusted = ntop > 0 && top[0].p >= params->min_confidence &&
		  bayes_label_docs(model, top[0].label) >= params->min_label_docs;
	if (!trusted && kw) {
		if ((rc = keywords_match(kw, stems, n, out)) != ADV_OK) {
			memset(out, 0, sizeof(*out));
			return rc;
		}
		if (out->source == CLASSIFY_SOURCE_KEYWORDS)
			return ADV_OK;
	}
	if (ntop == 0)
		return ADV_OK;
	memcpy(out->alt, top, ntop * sizeof(*top));
	out->nalt = ntop;
	out->source = CLASSIFY_SOURCE_MODEL;
	out->label = top[0].label;
	out->confidence = top[0].p;
	return ADV_OK;
}

enum adv_err
classify_suggest(struct stemmer *st, const struct bayes *model, const struct classify_keywords *kw,
		 const struct classify_params *params, const char *text, size_t len,
		 struct classify_suggestion *out, struct adv_errbuf *eb)
{
	struct stem_list sl;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	out->source = CLASSIFY_SOURCE_NONE;
	stem_list_init(&sl);
	if ((rc = stemmer_tokenise(st, text, len, &sl, eb)) != ADV_OK)
		goto out;
	rc = classify_suggest_stems(model, kw, params, sl.stem, sl.n, out);
	if (rc != ADV_OK)
		adv_fail(eb, rc, NULL, "the request cannot be classified: %s", adv_strerror(rc));
out:
	stem_list_release(&sl);
	return rc;
}
