/*
 * bayes.c — the multinomial naive Bayes model of bayes.h. Labels live in an
 * array (a label whose documents were all taken back stays as a free slot
 * with docs = 0 and is reused); stems live in an array in order of first
 * sight, found through an open-addressing hash index, each with the sparse
 * list of its counts per label (label index, count). A stem whose counts all
 * went back to 0 stays in the arrays out of the vocabulary, until room is
 * needed and the arrays are compacted. Training and untraining check
 * everything and reserve memory before changing a count, so that a failure
 * leaves the model as it was.
 */
#include "classify/bayes.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HASH_MIN_SLOTS	 64
#define WORDS_MIN	 32
#define PAIRS_MIN	 2
#define LABELS_MIN	 8
#define VARINT_MAX_BYTES 10
#define FNV_OFFSET	 0xcbf29ce484222325ULL
#define FNV_PRIME	 0x100000001b3ULL
#define NO_INDEX	 UINT32_MAX

/* The count of one stem under one label. */
struct pair {
	uint32_t label; /* index into bayes.labels */
	uint32_t count; /* T_cw > 0 */
};

/* One stem and its counts per label. */
struct word {
	char *s;	    /* the stem, NUL-terminated */
	size_t len;	    /* its bytes */
	uint64_t hash;	    /* FNV-1a of s */
	uint64_t total;	    /* Σ counts: in the vocabulary when > 0 */
	struct pair *pairs; /* npairs pairs, no label twice */
	uint32_t npairs, cap;
};

struct label {
	int64_t id;
	uint32_t docs;	 /* N_c; 0 for a free slot */
	uint64_t tokens; /* T_c */
};

struct bayes {
	struct label *labels;
	size_t nlabels, labels_cap; /* slots, free ones included */
	size_t live_labels;	    /* slots with docs > 0 */
	uint64_t docs;		    /* N */
	struct word *words;
	size_t nwords, words_cap; /* words, those out of the vocabulary included */
	size_t live_words;	  /* |V| */
	uint32_t *slot;		  /* hash index: word index + 1, 0 when empty */
	size_t nslots;		  /* a power of two, more than twice nwords */
};

/* A distinct stem of a document: its word and how often it occurs. */
struct occurrence {
	uint32_t word;
	uint32_t count;
};

static uint64_t
hash_of(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* The index of the stem s (len bytes, hash h) in m->words, or NO_INDEX. */
static uint32_t
word_find(const struct bayes *m, const char *s, size_t len, uint64_t h)
{
	size_t mask = m->nslots - 1;

	if (m->nslots == 0)
		return NO_INDEX;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint32_t v = m->slot[i];
		const struct word *w;

		if (v == 0)
			return NO_INDEX;
		w = &m->words[v - 1];
		if (w->hash == h && w->len == len && memcmp(w->s, s, len) == 0)
			return v - 1;
	}
}

/* Rebuilds the hash index of m->words[0..nwords) with nslots slots. */
static enum adv_err
index_rebuild(struct bayes *m, size_t nslots)
{
	uint32_t *slot = calloc(nslots, sizeof(*slot));

	if (!slot)
		return ADV_ENOMEM;
	for (size_t w = 0; w < m->nwords; w++) {
		size_t i = m->words[w].hash & (nslots - 1);

		while (slot[i] != 0)
			i = (i + 1) & (nslots - 1);
		slot[i] = (uint32_t)w + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->nslots = nslots;
	return ADV_OK;
}

/* Drops the words out of the vocabulary, keeping the order of the others. */
static enum adv_err
words_compact(struct bayes *m)
{
	size_t kept = 0;

	for (size_t w = 0; w < m->nwords; w++) {
		if (m->words[w].total == 0) {
			free(m->words[w].s);
			free(m->words[w].pairs);
			continue;
		}
		m->words[kept++] = m->words[w];
	}
	m->nwords = kept;
	return index_rebuild(m, m->nslots);
}

/*
 * Adds the stem s (len bytes, hash h) as a word with no counts and returns its
 * index in *idx. Errors: ADV_ETOOBIG when BAYES_VOCAB_MAX words are held,
 * ADV_ENOMEM.
 */
static enum adv_err
word_add(struct bayes *m, const char *s, size_t len, uint64_t h, uint32_t *idx)
{
	struct word *w;
	enum adv_err rc;

	if (m->nwords == BAYES_VOCAB_MAX)
		return ADV_ETOOBIG;
	if (m->nwords == m->words_cap) {
		size_t cap = m->words_cap ? 2 * m->words_cap : WORDS_MIN;
		struct word *words;

		if (cap > BAYES_VOCAB_MAX)
			cap = BAYES_VOCAB_MAX;
		words = realloc(m->words, cap * sizeof(*words));
		if (!words)
			return ADV_ENOMEM;
		m->words = words;
		m->words_cap = cap;
	}
	if (2 * (m->nwords + 1) >= m->nslots) {
		size_t nslots = m->nslots ? 2 * m->nslots : HASH_MIN_SLOTS;

		if ((rc = index_rebuild(m, nslots)) != ADV_OK)
			return rc;
	}
	w = &m->words[m->nwords];
	memset(w, 0, sizeof(*w));
	w->s = malloc(len + 1);
	if (!w->s)
		return ADV_ENOMEM;
	memcpy(w->s, s, len);
	w->s[len] = '\0';
	w->len = len;
	w->hash = h;
	{
		size_t i = h & (m->nslots - 1);

		while (m->slot[i] != 0)
			i = (i + 1) & (m->nslots - 1);
		m->slot[i] = (uint32_t)m->nwords + 1;
	}
	*idx = (uint32_t)m->nwords++;
	return ADV_OK;
}

/* The slot of label id in m->labels (free slots are not matched), or NO_INDEX. */
static uint32_t
label_find(const struct bayes *m, int64_t id)
{
	for (size_t c = 0; c < m->nlabels; c++)
		if (m->labels[c].docs > 0 && m->labels[c].id == id)
			return (uint32_t)c;
	return NO_INDEX;
}

/* A slot for a new label (a free one, or one more), docs still 0. */
static enum adv_err
label_slot(struct bayes *m, int64_t id, uint32_t *idx)
{
	for (size_t c = 0; c < m->nlabels; c++) {
		if (m->labels[c].docs == 0) {
			m->labels[c].id = id;
			*idx = (uint32_t)c;
			return ADV_OK;
		}
	}
	if (m->nlabels == BAYES_LABELS_MAX)
		return ADV_ETOOBIG;
	if (m->nlabels == m->labels_cap) {
		size_t cap = m->labels_cap ? 2 * m->labels_cap : LABELS_MIN;
		struct label *labels = realloc(m->labels, cap * sizeof(*labels));

		if (!labels)
			return ADV_ENOMEM;
		m->labels = labels;
		m->labels_cap = cap;
	}
	m->labels[m->nlabels] = (struct label){.id = id};
	*idx = (uint32_t)m->nlabels++;
	return ADV_OK;
}

/* The position of label in w's pairs, or NO_INDEX. */
static uint32_t
pair_find(const struct word *w, uint32_t label)
{
	for (uint32_t i = 0; i < w->npairs; i++)
		if (w->pairs[i].label == label)
			return i;
	return NO_INDEX;
}

/* Makes room in w for one more pair. */
static enum adv_err
pair_reserve(struct word *w)
{
	size_t cap;
	struct pair *pairs;

	if (w->npairs < w->cap)
		return ADV_OK;
	cap = w->cap ? 2 * (size_t)w->cap : PAIRS_MIN;
	if (cap > BAYES_LABELS_MAX)
		cap = BAYES_LABELS_MAX;
	pairs = realloc(w->pairs, cap * sizeof(*pairs));
	if (!pairs)
		return ADV_ENOMEM;
	w->pairs = pairs;
	w->cap = (uint32_t)cap;
	return ADV_OK;
}

static int
cmp_occurrence(const void *a, const void *b)
{
	uint32_t x = ((const struct occurrence *)a)->word, y = ((const struct occurrence *)b)->word;

	return (x > y) - (x < y);
}

/* Sorts occ[0..n) (count 1 each) by word and merges equal words; returns how many remain. */
static size_t
occurrences_merge(struct occurrence *occ, size_t n)
{
	size_t k = 0;

	qsort(occ, n, sizeof(*occ), cmp_occurrence);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && occ[k - 1].word == occ[i].word)
			occ[k - 1].count++;
		else
			occ[k++] = occ[i];
	}
	return k;
}

/* Checks the arguments shared by bayes_train and bayes_untrain. */
static enum adv_err
check_doc(int64_t label, const char *const *stems, size_t n, struct adv_errbuf *eb)
{
	if (label <= 0)
		return adv_fail(eb, ADV_EINVAL, "label", "a label must be a positive id");
	if (n == 0 || !stems)
		return adv_fail(eb, ADV_EINVAL, NULL, "a document needs at least one stem");
	if (n > BAYES_DOC_STEMS_MAX)
		return adv_fail(eb, ADV_ETOOBIG, NULL, "a document has at most %d stems",
				BAYES_DOC_STEMS_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t len = stems[i] ? strlen(stems[i]) : 0;

		if (len == 0 || len > BAYES_WORD_MAX)
			return adv_fail(eb, ADV_EINVAL, NULL,
					"stem %zu is missing, empty or longer than %d bytes", i,
					BAYES_WORD_MAX);
	}
	return ADV_OK;
}

enum adv_err
bayes_new(struct bayes **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? ADV_OK : ADV_ENOMEM;
}

void
bayes_free(struct bayes *m)
{
	if (!m)
		return;
	for (size_t w = 0; w < m->nwords; w++) {
		free(m->words[w].s);
		free(m->words[w].pairs);
	}
	free(m->words);
	free(m->slot);
	free(m->labels);
	free(m);
}

enum adv_err
bayes_train(struct bayes *m, int64_t label, const char *const *stems, size_t n,
	    struct adv_errbuf *eb)
{
	struct occurrence *occ = NULL;
	uint32_t c;
	size_t k;
	enum adv_err rc;

	if ((rc = check_doc(label, stems, n, eb)) != ADV_OK)
		return rc;
	c = label_find(m, label);
	if (c == NO_INDEX && (rc = label_slot(m, label, &c)) != ADV_OK) {
		adv_fail(eb, rc, "label", "no room for another label (at most %d)",
			 BAYES_LABELS_MAX);
		goto out;
	}
	if (m->labels[c].docs == UINT32_MAX) {
		rc = adv_fail(eb, ADV_ETOOBIG, "label", "the label holds too many documents");
		goto out;
	}
	/* new stems are added with no counts (outside the vocabulary) before any count moves */
	if (m->nwords + n > BAYES_VOCAB_MAX && m->nwords > m->live_words &&
	    (rc = words_compact(m)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "out of memory");
		goto out;
	}
	occ = malloc(n * sizeof(*occ));
	if (!occ) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(stems[i]);
		uint64_t h = hash_of(stems[i], len);
		uint32_t w = word_find(m, stems[i], len, h);

		if (w == NO_INDEX && (rc = word_add(m, stems[i], len, h, &w)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "no room for another stem (at most %d)",
				 BAYES_VOCAB_MAX);
			goto out;
		}
		occ[i] = (struct occurrence){.word = w, .count = 1};
	}
	k = occurrences_merge(occ, n);
	for (size_t i = 0; i < k; i++) {
		struct word *w = &m->words[occ[i].word];
		uint32_t p = pair_find(w, c);

		if (p != NO_INDEX && w->pairs[p].count > UINT32_MAX - occ[i].count) {
			rc = adv_fail(eb, ADV_ETOOBIG, NULL, "a stem's count would overflow");
			goto out;
		}
		if (p == NO_INDEX && (rc = pair_reserve(w)) != ADV_OK) {
			adv_fail(eb, rc, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < k; i++) {
		struct word *w = &m->words[occ[i].word];
		uint32_t p = pair_find(w, c);

		if (p == NO_INDEX) {
			p = w->npairs++;
			w->pairs[p] = (struct pair){.label = c, .count = 0};
		}
		w->pairs[p].count += occ[i].count;
		if (w->total == 0)
			m->live_words++;
		w->total += occ[i].count;
	}
	if (m->labels[c].docs++ == 0)
		m->live_labels++;
	m->labels[c].tokens += n;
	m->docs++;
out:
	free(occ);
	return rc;
}

enum adv_err
bayes_untrain(struct bayes *m, int64_t label, const char *const *stems, size_t n,
	      struct adv_errbuf *eb)
{
	struct occurrence *occ = NULL;
	struct label *lab;
	uint32_t c;
	size_t k;
	enum adv_err rc;

	if ((rc = check_doc(label, stems, n, eb)) != ADV_OK)
		return rc;
	c = label_find(m, label);
	if (c == NO_INDEX)
		return adv_fail(eb, ADV_ENOTFOUND, "label", "the label has no documents");
	lab = &m->labels[c];
	/* each document trained has at least one stem: T_c ≥ N_c, and T_c = 0 when N_c = 0 */
	if (lab->tokens < n || lab->tokens - n < lab->docs - 1u ||
	    (lab->docs == 1 && lab->tokens != n)) {
		rc = adv_fail(eb, ADV_ECONFLICT, NULL,
			      "the document was not trained under this label");
		goto out;
	}
	occ = malloc(n * sizeof(*occ));
	if (!occ) {
		rc = adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(stems[i]);
		uint32_t w = word_find(m, stems[i], len, hash_of(stems[i], len));

		if (w == NO_INDEX) {
			rc = adv_fail(eb, ADV_ECONFLICT, NULL,
				      "the document was not trained under this label");
			goto out;
		}
		occ[i] = (struct occurrence){.word = w, .count = 1};
	}
	k = occurrences_merge(occ, n);
	for (size_t i = 0; i < k; i++) {
		const struct word *w = &m->words[occ[i].word];
		uint32_t p = pair_find(w, c);

		if (p == NO_INDEX || w->pairs[p].count < occ[i].count) {
			rc = adv_fail(eb, ADV_ECONFLICT, NULL,
				      "the document was not trained under this label");
			goto out;
		}
	}
	for (size_t i = 0; i < k; i++) {
		struct word *w = &m->words[occ[i].word];
		uint32_t p = pair_find(w, c);

		w->pairs[p].count -= occ[i].count;
		if (w->pairs[p].count == 0) {
			memmove(&w->pairs[p], &w->pairs[p + 1],
				(w->npairs - p - 1) * sizeof(*w->pairs));
			w->npairs--;
		}
		w->total -= occ[i].count;
		if (w->total == 0)
			m->live_words--;
	}
	lab->tokens -= n;
	if (--lab->docs == 0)
		m->live_labels--;
	m->docs--;
out:
	free(occ);
	return rc;
}

enum adv_err
bayes_predict(const struct bayes *m, const char *const *stems, size_t n, struct bayes_score *top,
	      size_t k, size_t *ntop, size_t *nknown)
{
	double score[BAYES_LABELS_MAX], best = -INFINITY, z = 0, log_alpha = log(BAYES_ALPHA);
	bool taken[BAYES_LABELS_MAX] = {false};
	size_t known = 0;

	*ntop = 0;
	if (nknown)
		*nknown = 0;
	if ((n > 0 && !stems) || (k > 0 && !top))
		return ADV_EINVAL;
	if (n > BAYES_DOC_STEMS_MAX)
		return ADV_ETOOBIG;
	for (size_t i = 0; i < n; i++)
		if (!stems[i])
			return ADV_EINVAL;
	if (m->live_labels == 0)
		return ADV_OK;
	for (size_t c = 0; c < m->nlabels; c++)
		score[c] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(stems[i]);
		uint32_t w = word_find(m, stems[i], len, hash_of(stems[i], len));

		if (w == NO_INDEX || m->words[w].total == 0)
			continue;
		known++;
		for (uint32_t p = 0; p < m->words[w].npairs; p++) {
			const struct pair *pr = &m->words[w].pairs[p];

			score[pr->label] += log(pr->count + BAYES_ALPHA) - log_alpha;
		}
	}
	for (size_t c = 0; c < m->nlabels; c++) {
		const struct label *l = &m->labels[c];

		if (l->docs == 0)
			continue;
		score[c] +=
		    log((double)l->docs / (double)m->docs) +
		    (double)known *
			(log_alpha - log((double)l->tokens + BAYES_ALPHA * (double)m->live_words));
		if (score[c] > best)
			best = score[c];
	}
	for (size_t c = 0; c < m->nlabels; c++)
		if (m->labels[c].docs > 0)
			z += exp(score[c] - best);
	while (*ntop < k && *ntop < m->live_labels) {
		size_t pick = NO_INDEX;

		for (size_t c = 0; c < m->nlabels; c++) {
			if (m->labels[c].docs == 0 || taken[c])
				continue;
			if (pick == NO_INDEX || score[c] > score[pick] ||
			    (score[c] == score[pick] && m->labels[c].id < m->labels[pick].id))
				pick = c;
		}
		taken[pick] = true;
		top[*ntop].label = m->labels[pick].id;
		top[*ntop].p = exp(score[pick] - best) / z;
		(*ntop)++;
	}
	if (nknown)
		*nknown = known;
	return ADV_OK;
}

uint64_t
bayes_docs(const struct bayes *m)
{
	return m->docs;
}

uint32_t
bayes_label_docs(const struct bayes *m, int64_t label)
{
	uint32_t c = label_find(m, label);

	return c == NO_INDEX ? 0 : m->labels[c].docs;
}

size_t
bayes_labels(const struct bayes *m)
{
	return m->live_labels;
}

size_t
bayes_vocab(const struct bayes *m)
{
	return m->live_words;
}

/* Writes to a buffer, or only counts the bytes when buf is NULL. */
struct writer {
	unsigned char *buf;
	size_t len;
};

static void
put_bytes(struct writer *wr, const void *p, size_t n)
{
	if (wr->buf)
		memcpy(wr->buf + wr->len, p, n);
	wr->len += n;
}

static void
put_varint(struct writer *wr, uint64_t v)
{
	unsigned char b[VARINT_MAX_BYTES];
	size_t n = 0;

	do {
		b[n] = (unsigned char)(v & 0x7F);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put_bytes(wr, b, n);
}

static void
put_i64(struct writer *wr, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	put_bytes(wr, b, sizeof(b));
}

/* The blob of m into wr; map[c] is the saved index of label slot c. */
static void
write_model(const struct bayes *m, const uint32_t *map, struct writer *wr)
{
	unsigned char version = BAYES_BLOB_VERSION;

	put_bytes(wr, BAYES_BLOB_MAGIC, BAYES_BLOB_MAGIC_BYTES);
	put_bytes(wr, &version, 1);
	put_varint(wr, m->live_labels);
	for (size_t c = 0; c < m->nlabels; c++) {
		if (m->labels[c].docs == 0)
			continue;
		put_i64(wr, m->labels[c].id);
		put_varint(wr, m->labels[c].docs);
	}
	put_varint(wr, m->live_words);
	for (size_t i = 0; i < m->nwords; i++) {
		const struct word *w = &m->words[i];

		if (w->total == 0)
			continue;
		put_varint(wr, w->len);
		put_bytes(wr, w->s, w->len);
		put_varint(wr, w->npairs);
		for (uint32_t p = 0; p < w->npairs; p++) {
			put_varint(wr, map[w->pairs[p].label]);
			put_varint(wr, w->pairs[p].count);
		}
	}
}

enum adv_err
bayes_save(const struct bayes *m, unsigned char **blob, size_t *len)
{
	uint32_t map[BAYES_LABELS_MAX];
	struct writer wr = {.buf = NULL};
	uint32_t next = 0;

	*blob = NULL;
	*len = 0;
	for (size_t c = 0; c < m->nlabels; c++)
		map[c] = m->labels[c].docs > 0 ? next++ : NO_INDEX;
	write_model(m, map, &wr);
	if (wr.len > BAYES_BLOB_MAX)
		return ADV_ETOOBIG;
	wr.buf = malloc(wr.len);
	if (!wr.buf)
		return ADV_ENOMEM;
	*len = wr.len;
	wr.len = 0;
	write_model(m, map, &wr);
	*blob = wr.buf;
	return ADV_OK;
}

/* Reads a blob with bounds checks. */
struct reader {
	const unsigned char *p;
	size_t len, pos;
};

/* Reads a varint of at most max into *v; false when truncated, overlong or above max. */
static bool
get_varint(struct reader *r, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		unsigned char b;

		if (r->pos == r->len)
			return false;
		b = r->p[r->pos++];
		if (shift == 63 && (b & 0x7E))
			return false;
		x |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 0)
				return false; /* overlong: the writer never pads */
			*v = x;
			return x <= max;
		}
	}
	return false;
}

static bool
get_i64(struct reader *r, int64_t *v)
{
	uint64_t u = 0;

	if (r->len - r->pos < 8)
		return false;
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += 8;
	*v = (int64_t)u;
	return true;
}

/* Reads the labels of a blob into m (empty). */
static enum adv_err
load_labels(struct reader *r, struct bayes *m, struct adv_errbuf *eb)
{
	uint64_t nlabels, docs;
	enum adv_err rc;

	if (!get_varint(r, UINT64_MAX, &nlabels))
		return adv_fail(eb, ADV_EINVAL, NULL, "model blob: malformed label count");
	if (nlabels > BAYES_LABELS_MAX)
		return adv_fail(eb, ADV_ETOOBIG, NULL, "model blob: more than %d labels",
				BAYES_LABELS_MAX);
	for (uint64_t i = 0; i < nlabels; i++) {
		int64_t id;
		uint32_t c;

		if (!get_i64(r, &id) || !get_varint(r, UINT32_MAX, &docs))
			return adv_fail(eb, ADV_EINVAL, NULL, "model blob: label #%llu truncated",
					(unsigned long long)i);
		if (id <= 0 || docs == 0)
			return adv_fail(eb, ADV_EINVAL, NULL,
					"model blob: label #%llu has a bad id or no documents",
					(unsigned long long)i);
		if (label_find(m, id) != NO_INDEX)
			return adv_fail(eb, ADV_EINVAL, NULL, "model blob: label %lld twice",
					(long long)id);
		if ((rc = label_slot(m, id, &c)) != ADV_OK)
			return adv_fail(eb, rc, NULL, "out of memory");
		m->labels[c].docs = (uint32_t)docs;
		m->live_labels++;
		m->docs += docs;
	}
	return ADV_OK;
}

/* Reads one word of a blob into m; seen[c] marks the labels this word named (i + 1). */
static enum adv_err
load_word(struct reader *r, struct bayes *m, uint64_t i, uint64_t *seen, struct adv_errbuf *eb)
{
	uint64_t len, npairs, c, count;
	const char *s;
	uint64_t h;
	uint32_t w;
	enum adv_err rc;

	if (!get_varint(r, BAYES_WORD_MAX, &len) || len == 0 || r->len - r->pos < len)
		return adv_fail(eb, ADV_EINVAL, NULL, "model blob: stem #%llu is malformed",
				(unsigned long long)i);
	s = (const char *)r->p + r->pos;
	r->pos += len;
	if (memchr(s, '\0', len))
		return adv_fail(eb, ADV_EINVAL, NULL, "model blob: stem #%llu holds a NUL byte",
				(unsigned long long)i);
	h = hash_of(s, len);
	if (word_find(m, s, len, h) != NO_INDEX)
		return adv_fail(eb, ADV_EINVAL, NULL, "model blob: stem #%llu twice",
				(unsigned long long)i);
	if (!get_varint(r, m->nlabels, &npairs) || npairs == 0)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"model blob: stem #%llu has a bad label count",
				(unsigned long long)i);
	if ((rc = word_add(m, s, len, h, &w)) != ADV_OK)
		return adv_fail(eb, rc, NULL, "out of memory");
	m->words[w].pairs = malloc(npairs * sizeof(struct pair));
	if (!m->words[w].pairs)
		return adv_fail(eb, ADV_ENOMEM, NULL, "out of memory");
	m->words[w].cap = (uint32_t)npairs;
	for (uint64_t p = 0; p < npairs; p++) {
		if (!get_varint(r, m->nlabels - 1, &c) || !get_varint(r, UINT32_MAX, &count) ||
		    count == 0 || seen[c] == i + 1)
			return adv_fail(eb, ADV_EINVAL, NULL,
					"model blob: stem #%llu has a bad count",
					(unsigned long long)i);
		seen[c] = i + 1;
		m->words[w].pairs[m->words[w].npairs++] =
		    (struct pair){.label = (uint32_t)c, .count = (uint32_t)count};
		m->words[w].total += count;
		m->labels[c].tokens += count;
	}
	m->live_words++;
	return ADV_OK;
}

enum adv_err
bayes_load(const unsigned char *blob, size_t len, struct bayes **out, struct adv_errbuf *eb)
{
	struct reader r = {.p = blob, .len = len, .pos = 0};
	uint64_t seen[BAYES_LABELS_MAX] = {0};
	struct bayes *m = NULL;
	uint64_t nwords;
	enum adv_err rc;

	*out = NULL;
	if (!blob || len > BAYES_BLOB_MAX) {
		rc = adv_fail(eb, blob ? ADV_ETOOBIG : ADV_EINVAL, NULL,
			      "model blob: missing or too big");
		goto out;
	}
	if (len < BAYES_BLOB_MAGIC_BYTES + 1 ||
	    memcmp(blob, BAYES_BLOB_MAGIC, BAYES_BLOB_MAGIC_BYTES) != 0) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "model blob: not a naive Bayes model");
		goto out;
	}
	if (blob[BAYES_BLOB_MAGIC_BYTES] != BAYES_BLOB_VERSION) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "model blob: unknown version %u",
			      blob[BAYES_BLOB_MAGIC_BYTES]);
		goto out;
	}
	r.pos = BAYES_BLOB_MAGIC_BYTES + 1;
	if ((rc = bayes_new(&m)) != ADV_OK) {
		adv_fail(eb, rc, NULL, "out of memory");
		goto out;
	}
	if ((rc = load_labels(&r, m, eb)) != ADV_OK)
		goto out;
	if (!get_varint(&r, UINT64_MAX, &nwords)) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "model blob: malformed stem count");
		goto out;
	}
	if (nwords > BAYES_VOCAB_MAX) {
		rc = adv_fail(eb, ADV_ETOOBIG, NULL, "model blob: more than %d stems",
			      BAYES_VOCAB_MAX);
		goto out;
	}
	if (nwords > 0 && m->nlabels == 0) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "model blob: stems without labels");
		goto out;
	}
	for (uint64_t i = 0; i < nwords; i++)
		if ((rc = load_word(&r, m, i, seen, eb)) != ADV_OK)
			goto out;
	if (r.pos != r.len) {
		rc = adv_fail(eb, ADV_EINVAL, NULL, "model blob: %zu bytes after the end",
			      r.len - r.pos);
		goto out;
	}
	for (size_t c = 0; c < m->nlabels; c++) {
		if (m->labels[c].tokens < m->labels[c].docs) {
			rc = adv_fail(eb, ADV_EINVAL, NULL,
				      "model blob: label %lld has fewer stems than documents",
				      (long long)m->labels[c].id);
			goto out;
		}
	}
	*out = m;
	m = NULL;
out:
	bayes_free(m);
	return rc;
}
