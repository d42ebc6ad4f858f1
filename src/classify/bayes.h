/*
 * bayes.h — a multinomial naive Bayes model over stems (stem.h) for the
 * request classifier: labels are int64 ids (a component, a factor or a
 * journey stage — one model each), documents are bags of stems. Training is
 * incremental and reversible (bayes_untrain takes a document back, so that a
 * staff correction moves it from one label to another), prediction gives
 * the labels' posterior probabilities, and the model travels as a compact,
 * versioned binary blob (one per workspace in the database).
 *
 * The model, with Laplace smoothing α = BAYES_ALPHA over the vocabulary V
 * (the stems with a count > 0 under some label):
 *
 *   log P(c | d) = log(N_c / N) + Σ_{w ∈ d, w ∈ V} log((T_cw + α) / (T_c + α |V|)) − log Z
 *
 * N_c documents of label c, N of all labels, T_cw occurrences of w in the
 * documents of c, T_c = Σ_w T_cw; stems of d outside V are ignored. All in
 * log space; Z normalises over the labels with N_c > 0.
 *
 * Blob (version BAYES_BLOB_VERSION), integers as unsigned LEB128 varints:
 *   "ADNB" version:u8 nlabels {id:int64 little-endian, docs} nwords
 *   {len, len bytes of stem, npairs {label index, count}}
 * with labels and words in the model's order, so save(load(b)) == b.
 *
 * Threads: prediction and saving only read the model and may run
 * concurrently; training, untraining and freeing need exclusive access.
 */
#ifndef ADV_CLASSIFY_BAYES_H
#define ADV_CLASSIFY_BAYES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define BAYES_ALPHA	       1.0	   /* Laplace smoothing */
#define BAYES_LABELS_MAX       512	   /* labels one model holds */
#define BAYES_VOCAB_MAX	       100000	   /* distinct stems one model holds */
#define BAYES_WORD_MAX	       255	   /* bytes of one stem */
#define BAYES_DOC_STEMS_MAX    65536	   /* stems of one document */
#define BAYES_BLOB_MAX	       (64u << 20) /* bytes of a saved model */
#define BAYES_BLOB_VERSION     1
#define BAYES_BLOB_MAGIC       "ADNB"
#define BAYES_BLOB_MAGIC_BYTES 4

/* A naive Bayes model (opaque). */
struct bayes;

/* A label and its posterior probability in 0..1. */
struct bayes_score {
	int64_t label;
	double p;
};

/* Makes an empty model into *out (free with bayes_free). Errors: ADV_ENOMEM. */
enum adv_err bayes_new(struct bayes **out);

/* Frees m and everything it owns; NULL is allowed. */
void bayes_free(struct bayes *m);

/*
 * Adds one document, stems[0..n) (NUL-terminated, non-empty, at most
 * BAYES_WORD_MAX bytes each; repeated stems count repeatedly), under label
 * (> 0). The stems are copied. On any error the model is left as it was.
 * Errors: ADV_EINVAL for label ≤ 0, n = 0, a NULL, empty or too long stem;
 * ADV_ETOOBIG when n > BAYES_DOC_STEMS_MAX, the model would hold more than
 * BAYES_LABELS_MAX labels or BAYES_VOCAB_MAX stems, or a count would pass
 * UINT32_MAX; ADV_ENOMEM.
 */
enum adv_err bayes_train(struct bayes *m, int64_t label, const char *const *stems, size_t n,
			 struct adv_errbuf *eb);

/*
 * Takes back a document trained before under label: the exact inverse of
 * bayes_train(m, label, stems, n), so that training then untraining a
 * document leaves the model's predictions and blob as they were. On any
 * error the model is left as it was. Errors: ADV_EINVAL as for bayes_train;
 * ADV_ENOTFOUND when the label has no documents; ADV_ECONFLICT when the
 * document cannot have been trained under label (a stem the label does not
 * hold that often, or its last document taken back while stems remain).
 */
enum adv_err bayes_untrain(struct bayes *m, int64_t label, const char *const *stems, size_t n,
			   struct adv_errbuf *eb);

/*
 * The most probable labels of the document stems[0..n) (n may be 0): up to k
 * of them into top[0..*ntop), best first (ties by the smaller id), each with
 * its posterior probability over all the model's labels. *nknown (when not
 * NULL) is set to how many of the stems are in the vocabulary: with none the
 * probabilities are the labels' priors. An empty model gives *ntop = 0. Reads
 * m only. Errors: ADV_EINVAL when stems is NULL with n > 0, top is NULL with
 * k > 0, or a stem is NULL; ADV_ETOOBIG when n > BAYES_DOC_STEMS_MAX.
 */
enum adv_err bayes_predict(const struct bayes *m, const char *const *stems, size_t n,
			   struct bayes_score *top, size_t k, size_t *ntop, size_t *nknown);

/* Documents the model holds in all (N). */
uint64_t bayes_docs(const struct bayes *m);

/* Documents the model holds under label (N_c); 0 for a label it does not know. */
uint32_t bayes_label_docs(const struct bayes *m, int64_t label);

/* Labels with at least one document. */
size_t bayes_labels(const struct bayes *m);

/* Stems in the vocabulary (|V|). */
size_t bayes_vocab(const struct bayes *m);

/*
 * The model as a blob (format above) into *blob, *len bytes, malloc'd and
 * owned by the caller (free()). Errors: ADV_ENOMEM; ADV_ETOOBIG when the blob
 * would pass BAYES_BLOB_MAX (*blob is then NULL).
 */
enum adv_err bayes_save(const struct bayes *m, unsigned char **blob, size_t *len);

/*
 * A model read from blob[0..len) into *out (free with bayes_free). Every
 * length, count and index is checked against the bytes that remain and
 * against the limits above: a truncated, corrupt or foreign blob is an error,
 * never a crash. Errors (eb says what is wrong; *out is NULL): ADV_EINVAL for
 * a wrong magic, an unknown version, a truncated or malformed blob, trailing
 * bytes, a duplicate label or stem, a zero count; ADV_ETOOBIG when a limit
 * is passed; ADV_ENOMEM.
 */
enum adv_err bayes_load(const unsigned char *blob, size_t len, struct bayes **out,
			struct adv_errbuf *eb);

#endif
