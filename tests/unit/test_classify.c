/*
 * test_classify.c — the request classifier (src/classify): tokenisation and
 * stemming of Russian and English text, the naive Bayes model (its
 * probabilities against a hand computation, train/untrain symmetry, the blob
 * round trip and corrupt blobs), the keyword fallback and the choice between
 * the two, the edge cases (empty model, empty text, text without letters,
 * malformed UTF-8, limits), and the accuracy on held-out requests of
 * tests/data/requests/requests.tsv.
 *
 * The expected stems are libstemmer's own output (Snowball 2.2, the
 * russian and english algorithms), taken from a five-line program calling
 * sb_stemmer_stem on each word: e.g. отгрузка → отгрузк, задерживается →
 * задержива, ёлки → елк, коробках → коробк, менеджеру → менеджер;
 * delivery → deliveri, invoices → invoic, delayed → delay, waiting → wait.
 *
 * The data set is found through $ADVOCATE_CLASSIFY_DATA, else relative to
 * this file's path as compiled (meson runs tests in the build directory),
 * else relative to the source root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/bayes.h"
#include "classify/keywords.h"
#include "classify/stem.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define DATA_ENV       "ADVOCATE_CLASSIFY_DATA"
#define DATA_REL       "../data/requests/requests.tsv"
#define DATA_FROM_ROOT "tests/data/requests/requests.tsv"
#define DATA_ROWS_MAX  2000
#define DATA_LINE_MAX  4096
#define HOLDOUT_EVERY  5 /* row i is held out when i % 5 == 4: 20 % */
#define HOLDOUT_AT     4
/*
 * The floor for the model's held-out accuracy (measured: 0.70, 45 of 64).
 * The four components are nearly balanced: the training split's majority
 * (shipment) is right on 20 % of the held-out rows, the best constant answer
 * (terms) on 36 %, and the keywords alone on 38 %. 0.60 is 1.7 times the best
 * constant answer and four binomial standard errors above it at n = 64
 * (sd = sqrt(0.36 · 0.64 / 64) = 0.06), while leaving room for a few
 * predictions to move with another Snowball release.
 */
#define ACCURACY_FLOOR 0.60

/* The default catalogue's components: ids as a workspace would number them. */
enum { C_TERMS = 1, C_SERVICE, C_PRICES, C_SHIPMENT, C__MAX };

static const char *const component_code[C__MAX] = {
    [C_TERMS] = "terms", [C_SERVICE] = "service", [C_PRICES] = "prices", [C_SHIPMENT] = "shipment"};

/* The keyword table of the default catalogue (sql/0005_loyalty_model.sql): names and factors. */
static const struct {
	int label;
	const char *text;
} catalogue[] = {
    {C_TERMS, "Условия работы"},
    {C_TERMS, "Terms of cooperation"},
    {C_TERMS, "Не всегда получают требуемые объемы"},
    {C_TERMS, "Do not always get the volumes they need"},
    {C_TERMS, "Неоднозначность условий в отношении различных групп потребителей и внутри групп"},
    {C_TERMS, "Terms are ambiguous across and within customer groups"},
    {C_TERMS, "Отсутствие индивидуальных условий при знании, что такая возможность существует"},
    {C_TERMS, "No individual terms, although they know such terms exist"},
    {C_TERMS, "Наличие индивидуальных условий"},
    {C_TERMS, "Individual terms in place"},
    {C_TERMS, "Планирование и периодичность заказов"},
    {C_TERMS, "Order planning and frequency"},
    {C_TERMS, "Неудобна предоплата"},
    {C_TERMS, "Prepayment is inconvenient"},
    {C_TERMS, "Отсутствие конкуренции и альтернативы"},
    {C_TERMS, "No competition and no alternative"},
    {C_TERMS, "Недостаточно хорошие условия работы для увеличения объемов закупок"},
    {C_TERMS, "Terms not good enough to buy larger volumes"},
    {C_TERMS, "Наличие запаса и систем хранения"},
    {C_TERMS, "Has stock and storage systems"},
    {C_TERMS, "Односторонняя смена условий"},
    {C_TERMS, "Terms changed unilaterally"},
    {C_TERMS, "Система продаж лучше, чем у конкурентов"},
    {C_TERMS, "Sales system better than competitors'"},
    {C_TERMS, "Работа с несколькими поставщиками из-за масштаба бизнеса"},
    {C_TERMS, "Works with several suppliers because of its scale"},
    {C_TERMS, "Не устраивает качество продукта"},
    {C_TERMS, "Product quality does not satisfy"},
    {C_TERMS, "Качество превосходит продукцию конкурентов"},
    {C_TERMS, "Quality beats competitors' products"},
    {C_SERVICE, "Сервис"},
    {C_SERVICE, "Service"},
    {C_SERVICE, "Отсутствие оперативности в целом"},
    {C_SERVICE, "Slow to respond in general"},
    {C_SERVICE, "Отсутствие координации между подразделениями"},
    {C_SERVICE, "No coordination between departments"},
    {C_SERVICE, "Недостаточная автоматизация и цифровизация"},
    {C_SERVICE, "Not enough automation and digitalisation"},
    {C_SERVICE, "По совокупности факторов удобнее работать с трейдерами"},
    {C_SERVICE, "All in all, easier to buy through traders"},
    {C_SERVICE, "Профессиональная работа менеджеров"},
    {C_SERVICE, "Professional account managers"},
    {C_SERVICE, "Смена менеджеров"},
    {C_SERVICE, "Account managers keep changing"},
    {C_SERVICE, "Плохая работа менеджеров"},
    {C_SERVICE, "Poor work of account managers"},
    {C_SERVICE, "Важность общения с менеджером"},
    {C_SERVICE, "Talking to the manager matters"},
    {C_SERVICE, "Требуется оптимизация документооборота"},
    {C_SERVICE, "Paperwork needs streamlining"},
    {C_PRICES, "Цены"},
    {C_PRICES, "Prices"},
    {C_PRICES, "Неоптимальная структура ценообразования"},
    {C_PRICES, "Pricing structure is not optimal, here and across the market"},
    {C_PRICES, "Неконкурентная цена"},
    {C_PRICES, "Price is not competitive"},
    {C_PRICES, "Конкурентная цена"},
    {C_PRICES, "Price is competitive"},
    {C_PRICES, "Отсутствие гибкой ценовой политики"},
    {C_PRICES, "No flexible pricing policy"},
    {C_SHIPMENT, "Отгрузка"},
    {C_SHIPMENT, "Shipment"},
    {C_SHIPMENT, "Очереди при отгрузке"},
    {C_SHIPMENT, "Queues at shipment"},
    {C_SHIPMENT, "Не отлаженные производственные процессы, недостаточная техническая "
		 "оснащенность"},
    {C_SHIPMENT, "Production processes not tuned, equipment lacking, causing problems"},
};

/* What every test gets: a stemmer, a stem list and the keyword table of the catalogue. */
struct fixture {
	struct stemmer *st;
	struct stem_list sl;
	struct classify_keywords *kw;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || stemmer_new(&f->st) != ADV_OK || classify_keywords_new(&f->kw) != ADV_OK)
		return -1;
	stem_list_init(&f->sl);
	for (size_t i = 0; i < NELEM(catalogue); i++)
		if (classify_keywords_add(f->kw, f->st, catalogue[i].label, catalogue[i].text,
					  strlen(catalogue[i].text), NULL) != ADV_OK)
			return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	stem_list_release(&f->sl);
	classify_keywords_free(f->kw);
	stemmer_free(f->st);
	free(f);
	return 0;
}

/* Tokenises text (NUL-terminated) into f->sl and checks the stems against want[0..n). */
static void
check_stems(struct fixture *f, const char *text, const char *const *want, size_t n)
{
	struct adv_errbuf eb;

	assert_int_equal(stemmer_tokenise(f->st, text, strlen(text), &f->sl, &eb), ADV_OK);
	if (f->sl.n != n) {
		for (size_t i = 0; i < f->sl.n; i++)
			print_message("got stem %zu: %s\n", i, f->sl.stem[i]);
		fail_msg("\"%s\": %zu stems, want %zu", text, f->sl.n, n);
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f->sl.stem[i], want[i]);
}

static void
test_tokenise_russian(void **state)
{
	struct fixture *f = *state;
	/* и, в: shorter than 2 letters; №15: no letters; на, не, по, что: stop words */
	static const char *const want1[] = {"отгрузк", "задержива", "счет", "елк", "коробк"};
	static const char *const want2[] = {"менеджер", "отвеча", "втор",  "ден",
					    "звон",	"заявк",  "срочн", "быстр"};

	check_stems(f, "Отгрузка ЗАДЕРЖИВАЕТСЯ: счёт №15 и ЁЛКИ в коробках!", want1, NELEM(want1));
	check_stems(f, "Менеджер не отвечает второй день, звоню по заявке — что срочно и быстро?",
		    want2, NELEM(want2));
}

static void
test_tokenise_english(void **state)
{
	struct fixture *f = *state;
	/* the, of, was, we, re, for: stop words; 3: no letters; "2nd" leaves "nd" */
	static const char *const want[] = {"deliveri", "invoic", "delay", "wait",
					   "pallet",   "nd",	 "time"};

	check_stems(f,
		    "The DELIVERY of invoices was delayed; we're waiting for 3 pallets (2nd time).",
		    want, NELEM(want));
}

static void
test_tokenise_mixed(void **state)
{
	struct fixture *f = *state;
	/* scripts split words: "pdfка" is pdf + ка; e-mail leaves "mail" (e is one letter) */
	static const char *const want[] = {"pdf", "файл", "mail", "менеджер", "pdf", "ка", "run"};
	char longword[2 * STEM_WORD_LETTERS_MAX + 16];

	check_stems(f, "PDF-файл и e-mail менеджеру: pdfка, running", want, NELEM(want));
	/* a word of STEM_WORD_LETTERS_MAX letters is kept, one letter more drops it */
	memset(longword, 'x', STEM_WORD_LETTERS_MAX);
	longword[STEM_WORD_LETTERS_MAX] = '\0';
	assert_int_equal(stemmer_tokenise(f->st, longword, strlen(longword), &f->sl, NULL), ADV_OK);
	assert_int_equal(f->sl.n, 1);
	memset(longword, 'x', STEM_WORD_LETTERS_MAX + 1);
	strcpy(longword + STEM_WORD_LETTERS_MAX + 1, " ok done");
	assert_int_equal(stemmer_tokenise(f->st, longword, strlen(longword), &f->sl, NULL), ADV_OK);
	assert_int_equal(f->sl.n, 2);
	assert_string_equal(f->sl.stem[0], "ok");
	assert_string_equal(f->sl.stem[1], "done");
}

static void
test_tokenise_edges(void **state)
{
	struct fixture *f = *state;
	struct adv_errbuf eb;
	static const char *const bad[] = {
	    "\xD0",		 /* truncated two-byte sequence */
	    "ab\xC0\xAF",	 /* overlong "/" */
	    "\xED\xA0\x80 text", /* a UTF-16 surrogate */
	    "\xF5\x80\x80\x80",	 /* past U+10FFFF */
	    "\xD0\x9C\xD0",	 /* М then a cut sequence */
	    "\x80 lone continuation",
	};
	const char nul[] = "ab\0cd";
	char *big;
	size_t n;

	/* empty text and text without letters: no stems, no error */
	assert_int_equal(stemmer_tokenise(f->st, "", 0, &f->sl, NULL), ADV_OK);
	assert_int_equal(f->sl.n, 0);
	assert_int_equal(stemmer_tokenise(f->st, NULL, 0, &f->sl, NULL), ADV_OK);
	assert_int_equal(f->sl.n, 0);
	assert_int_equal(stemmer_tokenise(f->st, "123 — 4,56!!! © ∑ 😀",
					  strlen("123 — 4,56!!! © ∑ 😀"), &f->sl, NULL),
			 ADV_OK);
	assert_int_equal(f->sl.n, 0);
	/* only stop words and single letters */
	assert_int_equal(
	    stemmer_tokenise(f->st, "и в the of I a я", strlen("и в the of I a я"), &f->sl, NULL),
	    ADV_OK);
	assert_int_equal(f->sl.n, 0);
	/* malformed UTF-8 and NUL: an error, and the list left empty */
	for (size_t i = 0; i < NELEM(bad); i++) {
		assert_int_equal(stemmer_tokenise(f->st, "ok fine", 7, &f->sl, NULL), ADV_OK);
		assert_int_equal(stemmer_tokenise(f->st, bad[i], strlen(bad[i]), &f->sl, &eb),
				 ADV_EINVAL);
		assert_int_equal(f->sl.n, 0);
	}
	assert_int_equal(stemmer_tokenise(f->st, nul, sizeof(nul) - 1, &f->sl, NULL), ADV_EINVAL);
	assert_int_equal(stemmer_tokenise(f->st, NULL, 3, &f->sl, NULL), ADV_EINVAL);
	/* limits: bytes, then stems */
	big = malloc(STEM_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', STEM_TEXT_MAX + 1);
	assert_int_equal(stemmer_tokenise(f->st, big, STEM_TEXT_MAX + 1, &f->sl, &eb), ADV_ETOOBIG);
	assert_int_equal(stemmer_tokenise(f->st, big, STEM_TEXT_MAX, &f->sl, NULL), ADV_OK);
	for (n = 0; n < STEM_TOKENS_MAX; n++)
		memcpy(big + 3 * n, "xy ", 3);
	assert_int_equal(stemmer_tokenise(f->st, big, 3 * n, &f->sl, NULL), ADV_OK);
	assert_int_equal(f->sl.n, STEM_TOKENS_MAX);
	memcpy(big + 3 * n, "xy ", 3);
	assert_int_equal(stemmer_tokenise(f->st, big, 3 * n + 3, &f->sl, &eb), ADV_ETOOBIG);
	assert_int_equal(f->sl.n, 0);
	free(big);
}

/* Trains (or, with untrain, takes back) the document stems[0..n) under label. */
static enum adv_err
train_words(struct bayes *m, int64_t label, const char *const *stems, size_t n, int untrain)
{
	return untrain ? bayes_untrain(m, label, stems, n, NULL)
		       : bayes_train(m, label, stems, n, NULL);
}

/* Saves m and returns the blob (caller frees); *len its size. */
static unsigned char *
save(const struct bayes *m, size_t *len)
{
	unsigned char *blob;

	assert_int_equal(bayes_save(m, &blob, len), ADV_OK);
	assert_non_null(blob);
	return blob;
}

/* Asserts that a and b save to the same bytes. */
static void
assert_same_model(const struct bayes *a, const struct bayes *b)
{
	size_t la, lb;
	unsigned char *ba = save(a, &la), *bb = save(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	free(ba);
	free(bb);
}

/* Asserts that a and b give the same top labels and probabilities for stems. */
static void
assert_same_predictions(const struct bayes *a, const struct bayes *b, const char *const *stems,
			size_t n)
{
	struct bayes_score ta[BAYES_LABELS_MAX], tb[BAYES_LABELS_MAX];
	size_t na, nb, ka, kb;

	assert_int_equal(bayes_predict(a, stems, n, ta, NELEM(ta), &na, &ka), ADV_OK);
	assert_int_equal(bayes_predict(b, stems, n, tb, NELEM(tb), &nb, &kb), ADV_OK);
	assert_int_equal(na, nb);
	assert_int_equal(ka, kb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(ta[i].label, tb[i].label);
		assert_float_equal(ta[i].p, tb[i].p, 1e-12);
	}
}

static const char *const d_ab[] = {"a", "b"}, *const d_a[] = {"a"}, *const d_c[] = {"c"};

/*
 * Label 1 holds "a b" and "a", label 2 holds "c": N = 3, |V| = 3, T_1 = 3,
 * T_2 = 1. For "a": log P(1) ∝ log(2/3) + log((2 + 1) / (3 + 3)) = log(1/3),
 * log P(2) ∝ log(1/3) + log((0 + 1) / (1 + 3)) = log(1/12), so P(1 | a) =
 * (1/3) / (1/3 + 1/12) = 0.8. For no known stem, the priors 2/3 and 1/3.
 */
static void
test_bayes_by_hand(void **state)
{
	struct bayes *m;
	struct bayes_score top[4];
	size_t ntop, known;
	static const char *const q_az[] = {"a", "zzz"}, *const q_c[] = {"c"};

	(void)state;
	assert_int_equal(bayes_new(&m), ADV_OK);
	assert_int_equal(bayes_train(m, 1, d_ab, 2, NULL), ADV_OK);
	assert_int_equal(bayes_train(m, 1, d_a, 1, NULL), ADV_OK);
	assert_int_equal(bayes_train(m, 2, d_c, 1, NULL), ADV_OK);
	assert_int_equal(bayes_docs(m), 3);
	assert_int_equal(bayes_labels(m), 2);
	assert_int_equal(bayes_vocab(m), 3);
	assert_int_equal(bayes_label_docs(m, 1), 2);
	assert_int_equal(bayes_label_docs(m, 2), 1);
	assert_int_equal(bayes_label_docs(m, 3), 0);

	assert_int_equal(bayes_predict(m, q_az, 2, top, 4, &ntop, &known), ADV_OK);
	assert_int_equal(ntop, 2);
	assert_int_equal(known, 1);
	assert_int_equal(top[0].label, 1);
	assert_float_equal(top[0].p, 0.8, 1e-12);
	assert_int_equal(top[1].label, 2);
	assert_float_equal(top[1].p, 0.2, 1e-12);

	/* "c": log P(1) ∝ log(2/3) + log(1/6), log P(2) ∝ log(1/3) + log(2/4): P(2) = 0.6 */
	assert_int_equal(bayes_predict(m, q_c, 1, top, 1, &ntop, NULL), ADV_OK);
	assert_int_equal(ntop, 1);
	assert_int_equal(top[0].label, 2);
	assert_float_equal(top[0].p, 0.6, 1e-12);

	assert_int_equal(bayes_predict(m, NULL, 0, top, 4, &ntop, &known), ADV_OK);
	assert_int_equal(known, 0);
	assert_float_equal(top[0].p, 2.0 / 3.0, 1e-12);
	assert_int_equal(bayes_predict(m, q_az, 2, NULL, 0, &ntop, NULL), ADV_OK);
	assert_int_equal(ntop, 0);
	bayes_free(m);
}

static void
test_bayes_empty_and_bad_input(void **state)
{
	struct bayes *m, *l;
	struct bayes_score top[2];
	size_t ntop = 7, known = 7, len;
	unsigned char *blob;
	static const char *const empty_stem[] = {""}, *const null_stem[] = {NULL};
	char longstem[BAYES_WORD_MAX + 2];
	const char *const long_doc[] = {longstem};

	(void)state;
	assert_int_equal(bayes_new(&m), ADV_OK);
	/* n = 0: no labels, no prediction */
	assert_int_equal(bayes_predict(m, d_ab, 2, top, 2, &ntop, &known), ADV_OK);
	assert_int_equal(ntop, 0);
	assert_int_equal(known, 0);
	assert_int_equal(bayes_docs(m), 0);
	blob = save(m, &len);
	assert_int_equal(bayes_load(blob, len, &l, NULL), ADV_OK);
	assert_same_model(m, l);
	bayes_free(l);
	free(blob);

	assert_int_equal(bayes_train(m, 0, d_a, 1, NULL), ADV_EINVAL);
	assert_int_equal(bayes_train(m, -5, d_a, 1, NULL), ADV_EINVAL);
	assert_int_equal(bayes_train(m, 1, d_a, 0, NULL), ADV_EINVAL);
	assert_int_equal(bayes_train(m, 1, NULL, 1, NULL), ADV_EINVAL);
	assert_int_equal(bayes_train(m, 1, empty_stem, 1, NULL), ADV_EINVAL);
	assert_int_equal(bayes_train(m, 1, null_stem, 1, NULL), ADV_EINVAL);
	memset(longstem, 's', BAYES_WORD_MAX + 1);
	longstem[BAYES_WORD_MAX + 1] = '\0';
	assert_int_equal(bayes_train(m, 1, long_doc, 1, NULL), ADV_EINVAL);
	longstem[BAYES_WORD_MAX] = '\0';
	assert_int_equal(bayes_train(m, 1, long_doc, 1, NULL), ADV_OK);
	assert_int_equal(bayes_untrain(m, 1, long_doc, 1, NULL), ADV_OK);
	assert_int_equal(bayes_predict(m, NULL, 1, top, 2, &ntop, NULL), ADV_EINVAL);
	assert_int_equal(bayes_predict(m, d_a, 1, NULL, 2, &ntop, NULL), ADV_EINVAL);
	assert_int_equal(bayes_predict(m, null_stem, 1, top, 2, &ntop, NULL), ADV_EINVAL);
	assert_int_equal(bayes_docs(m), 0);
	bayes_free(m);
}

static void
test_bayes_train_untrain(void **state)
{
	struct bayes *empty, *a, *b;
	static const char *const d1[] = {"достав", "задержк", "достав"},
				 *const d2[] = {"цен", "скидк"}, *const d3[] = {"счет", "цен"},
				 *const extra[] = {"нов", "цен", "цен"},
				 *const extra2[] = {"достав", "уникальн"};
	static const char *const q1[] = {"цен", "достав"}, *const q2[] = {"нов", "уникальн"};

	(void)state;
	assert_int_equal(bayes_new(&empty), ADV_OK);
	assert_int_equal(bayes_new(&a), ADV_OK);
	assert_int_equal(bayes_new(&b), ADV_OK);

	/* train then untrain on the empty model gives back the empty model */
	assert_int_equal(bayes_train(b, 7, d1, NELEM(d1), NULL), ADV_OK);
	assert_int_equal(bayes_untrain(b, 7, d1, NELEM(d1), NULL), ADV_OK);
	assert_int_equal(bayes_docs(b), 0);
	assert_int_equal(bayes_labels(b), 0);
	assert_int_equal(bayes_vocab(b), 0);
	assert_same_model(empty, b);
	assert_same_predictions(empty, b, q1, NELEM(q1));

	/* a: three documents; b: the same plus two more, taken back (in another order) */
	for (int round = 0; round < 2; round++) {
		struct bayes *m = round ? b : a;

		assert_int_equal(train_words(m, 4, d1, NELEM(d1), 0), ADV_OK);
		if (round) {
			assert_int_equal(train_words(m, 3, extra, NELEM(extra), 0), ADV_OK);
			assert_int_equal(train_words(m, 9, extra2, NELEM(extra2), 0), ADV_OK);
		}
		assert_int_equal(train_words(m, 3, d2, NELEM(d2), 0), ADV_OK);
		assert_int_equal(train_words(m, 3, d3, NELEM(d3), 0), ADV_OK);
	}
	assert_int_equal(bayes_docs(b), 5);
	assert_int_equal(bayes_labels(b), 3);
	assert_int_equal(train_words(b, 9, extra2, NELEM(extra2), 1), ADV_OK);
	assert_int_equal(train_words(b, 3, extra, NELEM(extra), 1), ADV_OK);
	assert_same_model(a, b);
	assert_same_predictions(a, b, q1, NELEM(q1));
	assert_same_predictions(a, b, q2, NELEM(q2));
	assert_same_predictions(a, b, extra, NELEM(extra));

	/* a staff correction: the document moves from label 3 to label 4 and back */
	assert_int_equal(bayes_untrain(b, 3, d3, NELEM(d3), NULL), ADV_OK);
	assert_int_equal(bayes_train(b, 4, d3, NELEM(d3), NULL), ADV_OK);
	assert_int_equal(bayes_label_docs(b, 4), 2);
	assert_int_equal(bayes_untrain(b, 4, d3, NELEM(d3), NULL), ADV_OK);
	assert_int_equal(bayes_train(b, 3, d3, NELEM(d3), NULL), ADV_OK);
	assert_same_predictions(a, b, q1, NELEM(q1));

	/* documents that were never trained are refused and change nothing */
	assert_int_equal(bayes_untrain(b, 8, d2, NELEM(d2), NULL), ADV_ENOTFOUND);
	assert_int_equal(bayes_untrain(b, 4, d2, NELEM(d2), NULL), ADV_ECONFLICT);
	assert_int_equal(bayes_untrain(b, 3, q2, NELEM(q2), NULL), ADV_ECONFLICT);
	assert_int_equal(bayes_untrain(b, 3, extra, NELEM(extra), NULL), ADV_ECONFLICT);
	/* label 4 holds one document of three stems: taking back two would leave stems behind */
	assert_int_equal(bayes_untrain(b, 4, d1, 2, NULL), ADV_ECONFLICT);
	assert_same_predictions(a, b, q1, NELEM(q1));

	bayes_free(empty);
	bayes_free(a);
	bayes_free(b);
}

/*
 * The limits: BAYES_LABELS_MAX labels (a label whose documents were all taken
 * back frees its place), BAYES_VOCAB_MAX stems (stems whose counts went back
 * to 0 are dropped when room is needed), BAYES_DOC_STEMS_MAX stems a document.
 */
static void
test_bayes_limits(void **state)
{
	enum { NA = BAYES_DOC_STEMS_MAX, NB = BAYES_VOCAB_MAX - BAYES_DOC_STEMS_MAX, NC = 1000 };
	char(*words)[8] = malloc((size_t)(NA + NB + NC) * sizeof(*words));
	const char **stems = malloc((size_t)(NA + NB + NC + 1) * sizeof(*stems));
	const char *const *da, *const *db, *const *dc;
	struct bayes *m, *ref;
	struct bayes_score top[2];
	size_t ntop;
	static const char *const one[] = {"x"};
	const char *q[3];

	(void)state;
	assert_non_null(words);
	assert_non_null(stems);
	for (int i = 0; i < NA + NB + NC; i++) {
		snprintf(words[i], sizeof(words[i]), "w%d", i);
		stems[i] = words[i];
	}
	da = stems;
	db = stems + NA;
	dc = stems + NA + NB;
	q[0] = db[0];
	q[1] = dc[0];
	q[2] = dc[NC - 1];
	assert_int_equal(bayes_new(&m), ADV_OK);
	assert_int_equal(bayes_new(&ref), ADV_OK);

	stems[NA + NB + NC] = "w0";
	assert_int_equal(bayes_train(m, 1, stems, BAYES_DOC_STEMS_MAX + 1, NULL), ADV_ETOOBIG);
	assert_int_equal(bayes_predict(m, stems, BAYES_DOC_STEMS_MAX + 1, top, 2, &ntop, NULL),
			 ADV_ETOOBIG);
	/* the vocabulary fills up; one more stem is refused and changes nothing */
	assert_int_equal(bayes_train(m, 1, da, NA, NULL), ADV_OK);
	assert_int_equal(bayes_train(m, 2, db, NB, NULL), ADV_OK);
	assert_int_equal(bayes_vocab(m), BAYES_VOCAB_MAX);
	assert_int_equal(bayes_train(m, 2, dc, 1, NULL), ADV_ETOOBIG);
	assert_int_equal(bayes_vocab(m), BAYES_VOCAB_MAX);
	assert_int_equal(bayes_docs(m), 2);
	/* taking the first document back makes room: its stems are dropped */
	assert_int_equal(bayes_untrain(m, 1, da, NA, NULL), ADV_OK);
	assert_int_equal(bayes_vocab(m), NB);
	assert_int_equal(bayes_train(m, 3, dc, NC, NULL), ADV_OK);
	assert_int_equal(bayes_vocab(m), NB + NC);
	/* the same as a model that never saw the first document */
	assert_int_equal(bayes_train(ref, 2, db, NB, NULL), ADV_OK);
	assert_int_equal(bayes_train(ref, 3, dc, NC, NULL), ADV_OK);
	assert_same_predictions(m, ref, q, 3);
	assert_same_predictions(m, ref, da, 5);
	assert_same_predictions(m, ref, dc, NC);
	bayes_free(ref);
	bayes_free(m);

	/* labels: BAYES_LABELS_MAX of them, then no more until one is emptied */
	assert_int_equal(bayes_new(&m), ADV_OK);
	for (int64_t c = 1; c <= BAYES_LABELS_MAX; c++)
		assert_int_equal(bayes_train(m, c * 10, one, 1, NULL), ADV_OK);
	assert_int_equal(bayes_labels(m), BAYES_LABELS_MAX);
	assert_int_equal(bayes_train(m, 5, one, 1, NULL), ADV_ETOOBIG);
	assert_int_equal(bayes_untrain(m, 20, one, 1, NULL), ADV_OK);
	assert_int_equal(bayes_train(m, 5, one, 1, NULL), ADV_OK);
	assert_int_equal(bayes_label_docs(m, 5), 1);
	assert_int_equal(bayes_label_docs(m, 20), 0);
	assert_int_equal(bayes_labels(m), BAYES_LABELS_MAX);
	/* every label holds "x" once: equal scores, the smaller id first */
	assert_int_equal(bayes_predict(m, one, 1, top, 2, &ntop, NULL), ADV_OK);
	assert_int_equal(top[0].label, 5);
	assert_int_equal(top[1].label, 10);
	assert_float_equal(top[0].p, 1.0 / BAYES_LABELS_MAX, 1e-12);
	bayes_free(m);
	free(stems);
	free(words);
}

/* A model trained on a few Russian and English requests, tokenised by f. */
static struct bayes *
small_model(struct fixture *f, int docs_per_label)
{
	static const struct {
		int label;
		const char *text;
	} docs[] = {
	    {C_SHIPMENT, "Отгрузка задерживается, машина не пришла"},
	    {C_SHIPMENT, "The truck is late, delivery delayed again"},
	    {C_SHIPMENT, "Привезли не тот товар, недопоставка по накладной"},
	    {C_SHIPMENT, "Pallets damaged in transit, short delivery"},
	    {C_SHIPMENT, "Очередь на складе при погрузке машины"},
	    {C_PRICES, "Цены выросли, просим скидку"},
	    {C_PRICES, "Price increase notice, we ask for a discount"},
	    {C_PRICES, "Пришлите прайс-лист с новыми ценами"},
	    {C_PRICES, "Competitor offers a lower price"},
	    {C_PRICES, "Скидка за объём и цена в счёте"},
	};
	struct bayes *m;
	int count[C__MAX] = {0};

	assert_int_equal(bayes_new(&m), ADV_OK);
	for (size_t i = 0; i < NELEM(docs); i++) {
		if (count[docs[i].label]++ >= docs_per_label)
			continue;
		assert_int_equal(
		    stemmer_tokenise(f->st, docs[i].text, strlen(docs[i].text), &f->sl, NULL),
		    ADV_OK);
		assert_int_equal(bayes_train(m, docs[i].label, f->sl.stem, f->sl.n, NULL), ADV_OK);
	}
	return m;
}

static void
test_bayes_blob(void **state)
{
	struct fixture *f = *state;
	struct bayes *m = small_model(f, 5), *l;
	struct adv_errbuf eb;
	unsigned char *blob, *blob2, *bad;
	size_t len, len2;
	static const char *const q[] = {"цен", "deliveri", "машин"};
	int valid = 0;

	blob = save(m, &len);
	assert_memory_equal(blob, BAYES_BLOB_MAGIC, BAYES_BLOB_MAGIC_BYTES);
	assert_int_equal(blob[BAYES_BLOB_MAGIC_BYTES], BAYES_BLOB_VERSION);
	assert_int_equal(bayes_load(blob, len, &l, &eb), ADV_OK);
	assert_same_predictions(m, l, q, NELEM(q));
	blob2 = save(l, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(blob, blob2, len);
	assert_int_equal(bayes_docs(l), 10);
	assert_int_equal(bayes_vocab(l), bayes_vocab(m));
	free(blob2);
	bayes_free(l);

	/* every truncation is an error */
	for (size_t n = 0; n < len; n++) {
		l = (struct bayes *)&l;
		assert_int_not_equal(bayes_load(blob, n, &l, &eb), ADV_OK);
		assert_null(l);
	}
	assert_int_equal(bayes_load(NULL, 0, &l, &eb), ADV_EINVAL);
	/* a trailing byte, a foreign magic, an unknown version */
	bad = malloc(len + 1);
	assert_non_null(bad);
	memcpy(bad, blob, len);
	bad[len] = 0;
	assert_int_equal(bayes_load(bad, len + 1, &l, &eb), ADV_EINVAL);
	bad[0] = 'X';
	assert_int_equal(bayes_load(bad, len, &l, &eb), ADV_EINVAL);
	memcpy(bad, blob, len);
	bad[BAYES_BLOB_MAGIC_BYTES] = BAYES_BLOB_VERSION + 1;
	assert_int_equal(bayes_load(bad, len, &l, &eb), ADV_EINVAL);
	/* every byte changed, one at a time: an error or a well-formed model, never a crash */
	for (size_t i = 0; i < len; i++) {
		for (int x = 1; x < 256; x <<= 1) {
			memcpy(bad, blob, len);
			bad[i] ^= (unsigned char)x;
			if (bayes_load(bad, len, &l, &eb) == ADV_OK) {
				struct bayes_score top[4];
				size_t ntop;

				valid++;
				assert_int_equal(bayes_predict(l, q, NELEM(q), top, 4, &ntop, NULL),
						 ADV_OK);
				bayes_free(l);
			} else {
				assert_null(l);
			}
		}
	}
	print_message("# blob of %zu bytes: %d of %zu one-bit changes still load\n", len, valid,
		      8 * len);
	free(bad);
	free(blob);
	bayes_free(m);
}

/* A blob made of the bytes given, with its length. */
#define BLOB(why, ...)                                                                             \
	{                                                                                          \
		why, (const unsigned char[]){__VA_ARGS__},                                         \
		    sizeof((const unsigned char[]){__VA_ARGS__})                                   \
	}
/* magic and version; label ids 1 and 2 as int64 little-endian */
#define HDR 'A', 'D', 'N', 'B', BAYES_BLOB_VERSION
#define ID1 1, 0, 0, 0, 0, 0, 0, 0
#define ID2 2, 0, 0, 0, 0, 0, 0, 0

/*
 * Hand-made blobs: one well-formed (labels 1 and 2 with a document each, the
 * stems a under label 1 and b under label 2) and others that break one rule
 * each. Layout: HDR nlabels {id docs} nwords {len bytes npairs {index count}}.
 */
static void
test_bayes_blob_crafted(void **state)
{
	const struct {
		const char *why;
		const unsigned char *b;
		size_t len;
	} ok = BLOB("well-formed", HDR, 2, ID1, 1, ID2, 1, 2, 1, 'a', 1, 0, 1, 1, 'b', 1, 1, 1),
	  bad[] = {
	      BLOB("duplicate label", HDR, 2, ID1, 1, ID1, 1, 0),
	      BLOB("zero documents", HDR, 1, ID1, 0, 0),
	      BLOB("label id 0", HDR, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
	      BLOB("negative label id", HDR, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1,
		   0),
	      BLOB("label index out of range", HDR, 1, ID1, 1, 1, 1, 'a', 1, 1, 1),
	      BLOB("zero count", HDR, 1, ID1, 1, 1, 1, 'a', 1, 0, 0),
	      BLOB("label twice in a stem", HDR, 2, ID1, 1, ID2, 1, 1, 1, 'a', 2, 0, 1, 0, 1),
	      BLOB("more pairs than labels", HDR, 1, ID1, 1, 1, 1, 'a', 2, 0, 1, 0, 1),
	      BLOB("no pairs", HDR, 1, ID1, 1, 1, 1, 'a', 0),
	      BLOB("stem twice", HDR, 1, ID1, 2, 2, 1, 'a', 1, 0, 1, 1, 'a', 1, 0, 1),
	      BLOB("empty stem", HDR, 1, ID1, 1, 1, 0, 1, 0, 1),
	      BLOB("NUL in a stem", HDR, 1, ID1, 1, 1, 2, 'a', 0, 1, 0, 1),
	      BLOB("stem longer than the blob", HDR, 1, ID1, 1, 1, 100, 'a', 1, 0, 1),
	      BLOB("stem over the limit", HDR, 1, ID1, 1, 1, 0x80, 0x02, 'a', 1, 0, 1),
	      BLOB("fewer stems than documents", HDR, 1, ID1, 3, 1, 1, 'a', 1, 0, 2),
	      BLOB("too many labels", HDR, 0x81, 0x04),
	      BLOB("varint over 64 bits", HDR, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		   0x7F),
	      BLOB("overlong varint", HDR, 0x81, 0x00, ID1, 1, 0),
	      BLOB("too many stems", HDR, 1, ID1, 1, 0xA1, 0x8D, 0x06),
	      BLOB("stems without labels", HDR, 0, 1, 1, 'a', 0),
	      BLOB("count over 32 bits", HDR, 1, ID1, 1, 1, 1, 'a', 1, 0, 0x80, 0x80, 0x80, 0x80,
		   0x10),
	      BLOB("trailing byte", HDR, 1, ID1, 1, 1, 1, 'a', 1, 0, 1, 0),
	  };
	struct bayes *m;
	struct adv_errbuf eb;
	unsigned char *blob;
	size_t len;

	(void)state;
	assert_int_equal(bayes_load(ok.b, ok.len, &m, &eb), ADV_OK);
	assert_int_equal(bayes_labels(m), 2);
	assert_int_equal(bayes_vocab(m), 2);
	assert_int_equal(bayes_docs(m), 2);
	blob = save(m, &len);
	assert_int_equal(len, ok.len);
	assert_memory_equal(blob, ok.b, len);
	free(blob);
	bayes_free(m);
	for (size_t i = 0; i < NELEM(bad); i++) {
		enum adv_err rc = bayes_load(bad[i].b, bad[i].len, &m, &eb);

		if (rc == ADV_OK)
			fail_msg("%s: loaded", bad[i].why);
		print_message("# %s: %s (%s)\n", bad[i].why, adv_strerror(rc), eb.msg);
		assert_null(m);
	}
}

#undef HDR
#undef ID1
#undef ID2
#undef BLOB

static void
test_suggest_fallback(void **state)
{
	struct fixture *f = *state;
	struct classify_suggestion s;
	struct bayes *empty, *young, *grown;
	struct adv_errbuf eb;
	static const char price_q[] = "Почему цены выросли? Нужна скидка, цена неконкурентная";
	static const char ship_q[] = "The shipment is late again, long queues at loading";
	static const char manager_q[] = "Our account manager keeps changing, poor work";
	const struct classify_params strict = {.min_label_docs = 1, .min_confidence = 1.0};

	assert_int_equal(bayes_new(&empty), ADV_OK);
	young = small_model(f, 2);
	grown = small_model(f, 5);

	/* n = 0: the empty model knows nothing, the catalogue's words answer */
	assert_int_equal(
	    classify_suggest(f->st, empty, f->kw, NULL, price_q, strlen(price_q), &s, &eb), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_KEYWORDS);
	assert_string_equal(classify_source_name(s.source), "keywords");
	assert_int_equal(s.label, C_PRICES);
	assert_true(s.confidence > 0 && s.confidence < 1);
	assert_int_equal(s.alt[0].label, C_PRICES);

	/* fewer than CLASSIFY_MIN_LABEL_DOCS documents per label: keywords again */
	assert_int_equal(
	    classify_suggest(f->st, young, f->kw, NULL, ship_q, strlen(ship_q), &s, NULL), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_KEYWORDS);
	assert_int_equal(s.label, C_SHIPMENT);

	/* enough documents and a confident model: the model answers */
	assert_int_equal(
	    classify_suggest(f->st, grown, f->kw, NULL, ship_q, strlen(ship_q), &s, NULL), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_MODEL);
	assert_string_equal(classify_source_name(s.source), "model");
	assert_int_equal(s.label, C_SHIPMENT);
	assert_true(s.confidence >= CLASSIFY_MIN_CONFIDENCE && s.confidence <= 1);
	assert_int_equal(s.nalt, 2);
	assert_float_equal(s.alt[0].p + s.alt[1].p, 1.0, 1e-12);

	/* a confidence threshold the model cannot reach: keywords */
	assert_int_equal(
	    classify_suggest(f->st, grown, f->kw, &strict, ship_q, strlen(ship_q), &s, NULL),
	    ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_KEYWORDS);
	assert_int_equal(s.label, C_SHIPMENT);

	/* the model knows no stem of the request (service was never trained): keywords */
	assert_int_equal(
	    classify_suggest(f->st, grown, f->kw, NULL, manager_q, strlen(manager_q), &s, NULL),
	    ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_KEYWORDS);
	assert_int_equal(s.label, C_SERVICE);

	/* no keyword table and a doubtful model: the model's guess with its low confidence */
	assert_int_equal(
	    classify_suggest(f->st, grown, NULL, &strict, ship_q, strlen(ship_q), &s, NULL),
	    ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_MODEL);
	assert_int_equal(s.label, C_SHIPMENT);

	/* empty text, no letters, words nobody knows: no suggestion */
	assert_int_equal(classify_suggest(f->st, grown, f->kw, NULL, "", 0, &s, NULL), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);
	assert_string_equal(classify_source_name(s.source), "none");
	assert_int_equal(s.label, 0);
	assert_int_equal(s.nalt, 0);
	assert_int_equal(classify_suggest(f->st, grown, f->kw, NULL, "12.05 / 17:30 — №4!",
					  strlen("12.05 / 17:30 — №4!"), &s, NULL),
			 ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);
	assert_int_equal(classify_suggest(f->st, grown, f->kw, NULL, "zebra quokka",
					  strlen("zebra quokka"), &s, NULL),
			 ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);
	assert_int_equal(
	    classify_suggest(f->st, NULL, NULL, NULL, ship_q, strlen(ship_q), &s, NULL), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);

	/* malformed UTF-8 and bad parameters: errors, and no suggestion */
	assert_int_equal(
	    classify_suggest(f->st, grown, f->kw, NULL, "цен\xD1", strlen("цен\xD1"), &s, &eb),
	    ADV_EINVAL);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);
	{
		const struct classify_params nan_conf = {.min_label_docs = 1,
							 .min_confidence = NAN};

		assert_int_equal(classify_suggest(f->st, grown, f->kw, &nan_conf, ship_q,
						  strlen(ship_q), &s, &eb),
				 ADV_EINVAL);
	}
	assert_string_equal(classify_source_name(CLASSIFY_SOURCE__MAX), "?");

	bayes_free(empty);
	bayes_free(young);
	bayes_free(grown);
}

static void
test_keywords_table(void **state)
{
	struct fixture *f = *state;
	struct classify_keywords *kw;
	struct classify_suggestion s;
	static const char *const q[] = {"цен", "доставк"}, *const q2[] = {"доставк"};

	(void)f;
	assert_int_equal(classify_keywords_new(&kw), ADV_OK);
	assert_int_equal(classify_keywords_add(kw, f->st, 0, "Цены", strlen("Цены"), NULL),
			 ADV_EINVAL);
	assert_int_equal(classify_keywords_add(kw, f->st, 5, "\xFF", strlen("\xFF"), NULL),
			 ADV_EINVAL);
	/* empty table: nothing */
	assert_int_equal(classify_suggest_stems(NULL, kw, NULL, q, 2, &s), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_NONE);
	assert_int_equal(
	    classify_keywords_add(kw, f->st, 5, "Цены и цены", strlen("Цены и цены"), NULL),
	    ADV_OK);
	assert_int_equal(
	    classify_keywords_add(kw, f->st, 6, "Доставка, цена", strlen("Доставка, цена"), NULL),
	    ADV_OK);
	/* цен is shared by both labels (1/2 each), доставк only by 6: 6 wins with 1.5 / (2 + 1) */
	assert_int_equal(classify_suggest_stems(NULL, kw, NULL, q, 2, &s), ADV_OK);
	assert_int_equal(s.source, CLASSIFY_SOURCE_KEYWORDS);
	assert_int_equal(s.label, 6);
	assert_float_equal(s.confidence, 0.5, 1e-12);
	assert_int_equal(s.nalt, 2);
	assert_int_equal(s.alt[1].label, 5);
	assert_float_equal(s.alt[1].p, 0.5 / 3, 1e-12);
	/* a tie goes to the label added first */
	assert_int_equal(classify_suggest_stems(NULL, kw, NULL, q, 1, &s), ADV_OK);
	assert_int_equal(s.label, 5);
	assert_int_equal(classify_suggest_stems(NULL, kw, NULL, q2, 1, &s), ADV_OK);
	assert_int_equal(s.label, 6);
	assert_float_equal(s.confidence, 0.5, 1e-12);
	assert_int_equal(classify_suggest_stems(NULL, kw, NULL, NULL, 1, &s), ADV_EINVAL);
	classify_keywords_free(kw);
}

/* One row of the data set. */
struct row {
	int label;
	char *text; /* subject, newline, text */
};

/*
 * Opens the data set: $ADVOCATE_CLASSIFY_DATA, else DATA_REL beside this file
 * as compiled (from the build directory, where meson runs tests), else
 * DATA_FROM_ROOT (from the source root). path receives the last name tried.
 */
static FILE *
data_open(char *path, size_t size)
{
	const char *env = getenv(DATA_ENV), *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__ + 1) : 0;
	FILE *fp;

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return fopen(path, "r");
	}
	snprintf(path, size, "%.*s%s", dir, __FILE__, DATA_REL);
	if ((fp = fopen(path, "r")) != NULL)
		return fp;
	snprintf(path, size, "%s", DATA_FROM_ROOT);
	return fopen(path, "r");
}

/* Reads the data set into rows (caller frees the texts); returns how many. */
static size_t
read_rows(struct row *rows)
{
	char path[1024], line[DATA_LINE_MAX];
	FILE *fp;
	size_t n = 0;

	fp = data_open(path, sizeof(path));
	if (!fp)
		fail_msg("cannot open %s (set %s)", path, DATA_ENV);
	while (fgets(line, sizeof(line), fp)) {
		char *code, *lang, *subject, *text, *save_ptr = NULL;
		size_t len = strlen(line);
		int label = 0;

		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		code = strtok_r(line, "\t", &save_ptr);
		lang = strtok_r(NULL, "\t", &save_ptr);
		subject = strtok_r(NULL, "\t", &save_ptr);
		text = strtok_r(NULL, "\t", &save_ptr);
		if (!code || !lang || !subject || !text || strtok_r(NULL, "\t", &save_ptr))
			fail_msg("%s: row %zu does not have four fields", path, n);
		for (int c = 1; c < C__MAX; c++)
			if (strcmp(code, component_code[c]) == 0)
				label = c;
		if (label == 0)
			fail_msg("%s: row %zu has an unknown component %s", path, n, code);
		assert_true(n < DATA_ROWS_MAX);
		rows[n].label = label;
		rows[n].text = malloc(strlen(subject) + strlen(text) + 2);
		assert_non_null(rows[n].text);
		sprintf(rows[n].text, "%s\n%s", subject, text);
		n++;
	}
	fclose(fp);
	return n;
}

static void
test_accuracy(void **state)
{
	struct fixture *f = *state;
	static struct row rows[DATA_ROWS_MAX];
	size_t n = read_rows(rows), ntest = 0, hit_model = 0, hit_kw = 0, hit_both = 0,
	       hit_major = 0, kw_none = 0, from_model = 0, train_count[C__MAX] = {0},
	       test_count[C__MAX] = {0}, best_const = 0;
	struct bayes *m;
	int major = 1;

	assert_true(n >= 300);
	assert_int_equal(bayes_new(&m), ADV_OK);
	for (size_t i = 0; i < n; i++) {
		if (i % HOLDOUT_EVERY == HOLDOUT_AT)
			continue;
		assert_int_equal(
		    stemmer_tokenise(f->st, rows[i].text, strlen(rows[i].text), &f->sl, NULL),
		    ADV_OK);
		assert_int_equal(bayes_train(m, rows[i].label, f->sl.stem, f->sl.n, NULL), ADV_OK);
		train_count[rows[i].label]++;
	}
	for (int c = 1; c < C__MAX; c++)
		if (train_count[c] > train_count[major])
			major = c;
	for (size_t i = HOLDOUT_AT; i < n; i += HOLDOUT_EVERY) {
		struct bayes_score top[1];
		struct classify_suggestion s;
		size_t ntop;

		assert_int_equal(
		    stemmer_tokenise(f->st, rows[i].text, strlen(rows[i].text), &f->sl, NULL),
		    ADV_OK);
		assert_int_equal(bayes_predict(m, f->sl.stem, f->sl.n, top, 1, &ntop, NULL),
				 ADV_OK);
		assert_int_equal(ntop, 1);
		hit_model += top[0].label == rows[i].label;
		assert_int_equal(classify_suggest_stems(NULL, f->kw, NULL, f->sl.stem, f->sl.n, &s),
				 ADV_OK);
		hit_kw += s.label == rows[i].label;
		kw_none += s.source == CLASSIFY_SOURCE_NONE;
		assert_int_equal(classify_suggest_stems(m, f->kw, NULL, f->sl.stem, f->sl.n, &s),
				 ADV_OK);
		hit_both += s.label == rows[i].label;
		from_model += s.source == CLASSIFY_SOURCE_MODEL;
		hit_major += rows[i].label == major;
		test_count[rows[i].label]++;
		ntest++;
	}
	for (int c = 1; c < C__MAX; c++)
		if (test_count[c] > best_const)
			best_const = test_count[c];
	print_message("# requests: %zu, trained on %zu, held out %zu\n", n, n - ntest, ntest);
	print_message("# accuracy of the model (naive Bayes): %.3f (%zu/%zu)\n",
		      (double)hit_model / ntest, hit_model, ntest);
	print_message("# accuracy of the keywords alone: %.3f (%zu/%zu; no match for %zu)\n",
		      (double)hit_kw / ntest, hit_kw, ntest, kw_none);
	print_message("# accuracy of classify_suggest (model %zu times, else keywords): %.3f\n",
		      from_model, (double)hit_both / ntest);
	print_message("# majority class of the training split (%s): %.3f; best constant answer: "
		      "%.3f; floor asserted: %.2f\n",
		      component_code[major], (double)hit_major / ntest, (double)best_const / ntest,
		      ACCURACY_FLOOR);
	assert_true((double)hit_model / ntest >= ACCURACY_FLOOR);
	assert_true(ACCURACY_FLOOR > 1.5 * (double)best_const / ntest);
	assert_true(hit_model > hit_kw);
	for (size_t i = 0; i < n; i++)
		free(rows[i].text);
	bayes_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tokenise_russian),
	    cmocka_unit_test(test_tokenise_english),
	    cmocka_unit_test(test_tokenise_mixed),
	    cmocka_unit_test(test_tokenise_edges),
	    cmocka_unit_test(test_bayes_by_hand),
	    cmocka_unit_test(test_bayes_empty_and_bad_input),
	    cmocka_unit_test(test_bayes_train_untrain),
	    cmocka_unit_test(test_bayes_limits),
	    cmocka_unit_test(test_bayes_blob),
	    cmocka_unit_test(test_bayes_blob_crafted),
	    cmocka_unit_test(test_keywords_table),
	    cmocka_unit_test(test_suggest_fallback),
	    cmocka_unit_test(test_accuracy),
	};

	return cmocka_run_group_tests_name("classify", tests, setup, teardown);
}
