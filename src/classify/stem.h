/*
 * stem.h — the words of a client request as stems, for the request
 * classifier (bayes.h, classify.h): UTF-8 text is split on every character
 * that is not a Russian or a Latin letter, lower-cased (by hand for А–Я and
 * Ё; ё is read as е), stripped of words shorter than STEM_MIN_LETTERS and of a
 * small stop-word list per language, and each word is stemmed by the Snowball
 * stemmer of its script (libstemmer: Cyrillic → russian, Latin → english).
 *
 * Letters are the ASCII Latin letters and the 66 letters of the Russian
 * alphabet (U+0410–U+044F, U+0401, U+0451); everything else (digits,
 * punctuation, other scripts, accented Latin) separates words, and so does a
 * change of script inside a word ("pdfка" is "pdf" and "ка").
 *
 * Threads: a struct stemmer holds libstemmer objects, which are not
 * thread-safe; use one stemmer per thread (or guard it with a lock). A
 * stemmer is cheap to make (two small allocations per language).
 */
#ifndef ADV_CLASSIFY_STEM_H
#define ADV_CLASSIFY_STEM_H

#include <stddef.h>

#include "util/err.h"

#define STEM_TEXT_MAX	      65536 /* bytes of text one call accepts */
#define STEM_TOKENS_MAX	      16384 /* stems one text may yield */
#define STEM_MIN_LETTERS      2	    /* shorter words are dropped */
#define STEM_WORD_LETTERS_MAX 48    /* longer "words" (codes, hashes) are dropped */
/* bytes of a lower-cased word or stem: two bytes per Russian letter */
#define STEM_WORD_BYTES_MAX (2 * STEM_WORD_LETTERS_MAX)

/* The languages whose stemmer and stop words a word gets, by its script. */
enum stem_lang { STEM_LANG_RU, STEM_LANG_EN, STEM_LANG__MAX };

/* The stems of one text, in text order (see stemmer_tokenise). */
struct stem_list {
	const char **stem; /* stem[0..n): NUL-terminated stems, owned by the list */
	size_t n;
	/* private: the stems' bytes and their offsets */
	char *buf;
	size_t len, cap;
	size_t *off;
	size_t ncap;
};

/* One tokeniser: a Snowball stemmer per language (opaque). */
struct stemmer;

/*
 * Makes a stemmer into *out (free with stemmer_free). Errors: ADV_ENOMEM, or
 * ADV_EUNAVAIL when libstemmer lacks the russian or english algorithm
 * (*out is then NULL).
 */
enum adv_err stemmer_new(struct stemmer **out);

/* Frees s and its libstemmer objects; NULL is allowed. */
void stemmer_free(struct stemmer *s);

/* Makes l an empty list that owns nothing yet. */
void stem_list_init(struct stem_list *l);

/* Frees what l owns and makes it empty again (it may be reused). */
void stem_list_release(struct stem_list *l);

/*
 * The stems of text[0..len) into out, replacing what out held (its memory is
 * reused). text need not be NUL-terminated; it must be well-formed UTF-8 with
 * no NUL byte. An empty text, or one with no letters, gives zero stems and
 * ADV_OK. The stems are owned by out and valid until its next use or release.
 * Words longer than STEM_WORD_LETTERS_MAX letters are skipped.
 * Errors (out is then empty): ADV_EINVAL for malformed UTF-8 or text NULL with
 * len > 0; ADV_ETOOBIG when len > STEM_TEXT_MAX or the text yields more than
 * STEM_TOKENS_MAX stems; ADV_ENOMEM. eb (may be NULL) says why.
 */
enum adv_err stemmer_tokenise(struct stemmer *s, const char *text, size_t len,
			      struct stem_list *out, struct adv_errbuf *eb);

#endif
