/*
 * stem.c — UTF-8 text to Snowball stems (see stem.h): one pass over the
 * validated text decodes code points, folds letters to lower case, cuts words
 * at non-letters and script changes, drops short words and stop words, and
 * appends the stem of each remaining word to the caller's list.
 */
#include "classify/stem.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define STEM_LIST_MIN_BYTES 256
#define STEM_LIST_MIN_STEMS 32

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct stemmer {
	struct sb_stemmer *sb[STEM_LANG__MAX];
};

/*
 * Stop words, lower case with ё written as е: pronouns, prepositions,
 * conjunctions, particles, auxiliary verbs and the politeness of letters —
 * words that say nothing about what a request is about. Single letters are
 * dropped before the lists are read.
 */
static const char *const stop_ru[] = {
    "во",	 "не",	    "что",     "он",	  "на",		"со",		"как",
    "то",	 "все",	    "она",     "так",	  "его",	"но",		"да",
    "ты",	 "же",	    "вы",      "за",	  "бы",		"по",		"только",
    "ее",	 "мне",	    "было",    "вот",	  "от",		"меня",		"еще",
    "нет",	 "из",	    "ему",     "теперь",  "когда",	"ну",		"ли",
    "если",	 "уже",	    "или",     "ни",	  "быть",	"был",		"него",
    "до",	 "вас",	    "нибудь",  "опять",	  "уж",		"вам",		"ведь",
    "там",	 "потом",   "себя",    "ей",	  "они",	"тут",		"где",
    "есть",	 "ней",	    "для",     "мы",	  "тебя",	"их",		"чем",
    "была",	 "сам",	    "чтоб",    "без",	  "чего",	"тоже",		"себе",
    "под",	 "будет",   "тогда",   "кто",	  "этот",	"того",		"потому",
    "этого",	 "какой",   "ним",     "здесь",	  "этом",	"мой",		"тем",
    "чтобы",	 "нее",	    "были",    "куда",	  "зачем",	"всех",		"можно",
    "при",	 "об",	    "хоть",    "над",	  "тот",	"через",	"эти",
    "нас",	 "про",	    "всего",   "них",	  "эту",	"моя",		"этой",
    "перед",	 "том",	    "им",      "всю",	  "между",	"это",		"наш",
    "наша",	 "наше",    "наши",    "нашей",	  "нашего",	"нам",		"ваш",
    "ваша",	 "ваше",    "ваши",    "вашей",	  "вашего",	"также",	"либо",
    "которые",	 "который", "которая", "которое", "пожалуйста", "здравствуйте", "уважаемые",
    "уважаемый", "добрый",
};

static const char *const stop_en[] = {
    "about",  "above",	"after",    "again",	  "against", "all",    "am",	  "an",
    "and",    "any",	"are",	    "as",	  "at",	     "be",     "because", "been",
    "before", "being",	"below",    "between",	  "both",    "but",    "by",	  "can",
    "could",  "did",	"do",	    "does",	  "doing",   "down",   "during",  "each",
    "few",    "for",	"from",	    "further",	  "had",     "has",    "have",	  "having",
    "he",     "her",	"here",	    "hers",	  "herself", "him",    "himself", "his",
    "how",    "if",	"in",	    "into",	  "is",	     "it",     "its",	  "itself",
    "just",   "me",	"more",	    "most",	  "my",	     "myself", "no",	  "nor",
    "not",    "now",	"of",	    "off",	  "on",	     "once",   "only",	  "or",
    "other",  "our",	"ours",	    "ourselves",  "out",     "over",   "own",	  "same",
    "she",    "should", "so",	    "some",	  "such",    "than",   "that",	  "the",
    "their",  "theirs", "them",	    "themselves", "then",    "there",  "these",	  "they",
    "this",   "those",	"through",  "to",	  "too",     "under",  "until",	  "up",
    "very",   "was",	"we",	    "were",	  "what",    "when",   "where",	  "which",
    "while",  "who",	"whom",	    "why",	  "will",    "with",   "would",	  "you",
    "your",   "yours",	"yourself", "yourselves", "also",    "us",     "don",	  "doesn",
    "didn",   "isn",	"aren",	    "wasn",	  "weren",   "won",    "haven",	  "hasn",
    "hadn",   "couldn", "wouldn",   "shouldn",	  "ll",	     "ve",     "re",	  "please",
    "hello",  "hi",	"dear",	    "regards",
};

static const struct {
	const char *algorithm; /* libstemmer's name */
	const char *const *stop;
	size_t nstop;
} langs[STEM_LANG__MAX] = {
    [STEM_LANG_RU] = {"russian", stop_ru, NELEM(stop_ru)},
    [STEM_LANG_EN] = {"english", stop_en, NELEM(stop_en)},
};

/* A word being read: its lower-cased bytes, letters and script. */
struct word {
	char b[STEM_WORD_BYTES_MAX];
	size_t len, letters;
	enum stem_lang lang;
	bool too_long;
};

enum adv_err
stemmer_new(struct stemmer **out)
{
	struct stemmer *s = calloc(1, sizeof(*s));
	enum adv_err rc = ADV_OK;

	*out = NULL;
	if (!s)
		return ADV_ENOMEM;
	for (int l = 0; l < STEM_LANG__MAX; l++) {
		s->sb[l] = sb_stemmer_new(langs[l].algorithm, NULL);
		if (!s->sb[l]) {
			/* NULL for an unknown algorithm and for out of memory alike */
			const char **have = sb_stemmer_list();
			bool known = false;

			for (size_t i = 0; have[i]; i++)
				known = known || strcmp(have[i], langs[l].algorithm) == 0;
			rc = known ? ADV_ENOMEM : ADV_EUNAVAIL;
			goto out;
		}
	}
	*out = s;
	s = NULL;
out:
	stemmer_free(s);
	return rc;
}

void
stemmer_free(struct stemmer *s)
{
	if (!s)
		return;
	for (int l = 0; l < STEM_LANG__MAX; l++)
		sb_stemmer_delete(s->sb[l]);
	free(s);
}

void
stem_list_init(struct stem_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
stem_list_release(struct stem_list *l)
{
	free(l->stem);
	free(l->buf);
	free(l->off);
	stem_list_init(l);
}

/*
 * The code point of the well-formed UTF-8 sequence at p (validated by
 * utf8_valid before); *n is set to its length in bytes.
 */
static uint32_t
decode(const unsigned char *p, size_t *n)
{
	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	if (p[0] < 0xE0) {
		*n = 2;
		return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	}
	if (p[0] < 0xF0) {
		*n = 3;
		return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	}
	*n = 4;
	return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	       (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

/*
 * The lower-case form of letter c and its script in *lang, or 0 when c is not
 * a letter of stem.h. Ё and ё become е.
 */
static uint32_t
letter_lower(uint32_t c, enum stem_lang *lang)
{
	if (c >= 'A' && c <= 'Z') {
		*lang = STEM_LANG_EN;
		return c + ('a' - 'A');
	}
	if (c >= 'a' && c <= 'z') {
		*lang = STEM_LANG_EN;
		return c;
	}
	*lang = STEM_LANG_RU;
	if (c >= 0x0410 && c <= 0x042F) /* А..Я */
		return c + 0x20;
	if (c >= 0x0430 && c <= 0x044F) /* а..я */
		return c;
	if (c == 0x0401 || c == 0x0451) /* Ё, ё */
		return 0x0435;
	return 0;
}

/* True when w (len bytes) is on the stop list of lang. */
static bool
is_stop(const char *w, size_t len, enum stem_lang lang)
{
	for (size_t i = 0; i < langs[lang].nstop; i++) {
		const char *s = langs[lang].stop[i];

		if (strlen(s) == len && memcmp(s, w, len) == 0)
			return true;
	}
	return false;
}

/* Appends stem[0..len) to l, growing its buffers. */
static enum adv_err
list_append(struct stem_list *l, const char *stem, size_t len)
{
	if (l->n == l->ncap) {
		size_t ncap = l->ncap ? 2 * l->ncap : STEM_LIST_MIN_STEMS;
		size_t *off = realloc(l->off, ncap * sizeof(*off));
		const char **ptr;

		if (!off)
			return ADV_ENOMEM;
		l->off = off;
		ptr = realloc(l->stem, ncap * sizeof(*ptr));
		if (!ptr)
			return ADV_ENOMEM;
		l->stem = ptr;
		l->ncap = ncap;
	}
	if (l->cap - l->len < len + 1) {
		size_t cap = l->cap ? l->cap : STEM_LIST_MIN_BYTES;
		char *buf;

		while (cap - l->len < len + 1)
			cap *= 2;
		buf = realloc(l->buf, cap);
		if (!buf)
			return ADV_ENOMEM;
		l->buf = buf;
		l->cap = cap;
	}
	l->off[l->n++] = l->len;
	memcpy(l->buf + l->len, stem, len);
	l->buf[l->len + len] = '\0';
	l->len += len + 1;
	return ADV_OK;
}

/* Stems the word w (when it is kept) onto out, and empties w. */
static enum adv_err
flush(struct stemmer *s, struct word *w, struct stem_list *out, struct adv_errbuf *eb)
{
	const sb_symbol *stem;
	size_t len;
	bool keep =
	    !w->too_long && w->letters >= STEM_MIN_LETTERS && !is_stop(w->b, w->len, w->lang);
	enum adv_err rc = ADV_OK;

	if (!keep)
		goto out;
	stem = sb_stemmer_stem(s->sb[w->lang], (const sb_symbol *)w->b, (int)w->len);
	if (!stem) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory while stemming");
		goto out;
	}
	len = (size_t)sb_stemmer_length(s->sb[w->lang]);
	if (len == 0)
		goto out;
	if (out->n == STEM_TOKENS_MAX) {
		rc = adv_fail(eb, ADV_ETOOBIG, NULL, "the text has more than %d words",
			      STEM_TOKENS_MAX);
		goto out;
	}
	if ((rc = list_append(out, (const char *)stem, len)) != ADV_OK)
		adv_fail(eb, rc, NULL, "out of memory for the stems");
out:
	w->len = w->letters = 0;
	w->too_long = false;
	return rc;
}

/* Appends letter c (lower case, of w's script) to w. */
static void
word_add(struct word *w, uint32_t c)
{
	if (w->letters == STEM_WORD_LETTERS_MAX) {
		w->too_long = true;
		return;
	}
	if (c < 0x80) {
		w->b[w->len++] = (char)c;
	} else { /* a Russian letter, U+0430..U+044F: two bytes */
		w->b[w->len++] = (char)(0xC0 | (c >> 6));
		w->b[w->len++] = (char)(0x80 | (c & 0x3F));
	}
	w->letters++;
}

enum adv_err
stemmer_tokenise(struct stemmer *s, const char *text, size_t len, struct stem_list *out,
		 struct adv_errbuf *eb)
{
	const unsigned char *p = (const unsigned char *)text;
	struct word w = {.len = 0};
	enum adv_err rc = ADV_OK;
	size_t i = 0;

	out->n = out->len = 0;
	if (len > STEM_TEXT_MAX) {
		rc = adv_fail(eb, ADV_ETOOBIG, NULL, "the text is longer than %d bytes",
			      STEM_TEXT_MAX);
		goto out;
	}
	if (len > 0 && !text) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "no text");
		goto out;
	}
	if (len > 0 && !utf8_valid(text, len)) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "the text is not valid UTF-8");
		goto out;
	}
	while (i < len) {
		size_t n;
		enum stem_lang lang;
		uint32_t c = letter_lower(decode(p + i, &n), &lang);

		i += n;
		if (w.letters > 0 && (c == 0 || lang != w.lang)) {
			if ((rc = flush(s, &w, out, eb)) != ADV_OK)
				goto out;
		}
		if (c == 0)
			continue;
		w.lang = lang;
		word_add(&w, c);
	}
	if (w.letters > 0 && (rc = flush(s, &w, out, eb)) != ADV_OK)
		goto out;
	for (size_t k = 0; k < out->n; k++)
		out->stem[k] = out->buf + out->off[k];
out:
	if (rc != ADV_OK)
		out->n = out->len = 0;
	return rc;
}
