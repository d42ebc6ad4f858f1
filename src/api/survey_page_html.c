/*
 * survey_page_html.c — the HTML of the public survey page (see
 * survey_page.h): server-side pages without script, in Russian or English,
 * made for phones (a viewport, large tap targets, the 0–10 scale in a row
 * that wraps), styled by one small stylesheet the server serves itself
 * (the Content-Security-Policy allows styles from the server only). Every
 * text from the database is escaped.
 */
#include <stdio.h>
#include <string.h>

#include "api/survey_page.h"
#include "util/buf.h"

#define PAGE_MAX      0 /* no limit: a page is bounded by its questionnaire */
#define RECOMMEND_MAX 10

static const char ctype_html[] = "text/html; charset=utf-8";

/* The texts of the pages, per language. */
enum survey_text {
	ST_LANG_OTHER, /* the link to the other language */
	ST_SAVE,
	ST_SUBMIT,
	ST_SAVED,
	ST_ERRORS,
	ST_REQUIRED_NOTE,
	ST_REC_LOW,
	ST_REC_HIGH,
	ST_SCALE_LOW,
	ST_SCALE_HIGH,
	ST_NO_ANSWER,
	ST_BACK,
	ST__MAX
};

static const char *const texts[IL__MAX][ST__MAX] = {
    [IL_RU] =
	{
	    [ST_LANG_OTHER] = "English",
	    [ST_SAVE] = "Сохранить черновик",
	    [ST_SUBMIT] = "Отправить ответы",
	    [ST_SAVED] = "Ответы сохранены. Можно вернуться к ним по этой же ссылке.",
	    [ST_ERRORS] = "Проверьте ответы, отмеченные ниже.",
	    [ST_REQUIRED_NOTE] = "* — обязательный вопрос",
	    [ST_REC_LOW] = "0 — точно не порекомендую",
	    [ST_REC_HIGH] = "10 — обязательно порекомендую",
	    [ST_SCALE_LOW] = "плохо",
	    [ST_SCALE_HIGH] = "отлично",
	    [ST_NO_ANSWER] = "Затрудняюсь ответить",
	    [ST_BACK] = "Вернуться к опросу",
	},
    [IL_EN] =
	{
	    [ST_LANG_OTHER] = "Русский",
	    [ST_SAVE] = "Save draft",
	    [ST_SUBMIT] = "Submit answers",
	    [ST_SAVED] = "Your answers are saved. You can come back to them with the same link.",
	    [ST_ERRORS] = "Please check the answers marked below.",
	    [ST_REQUIRED_NOTE] = "* marks a required question",
	    [ST_REC_LOW] = "0 — not at all likely",
	    [ST_REC_HIGH] = "10 — extremely likely",
	    [ST_SCALE_LOW] = "poor",
	    [ST_SCALE_HIGH] = "excellent",
	    [ST_NO_ANSWER] = "No answer",
	    [ST_BACK] = "Back to the survey",
	},
};

static const char *const error_texts[IL__MAX][SE__MAX] = {
    [IL_RU] =
	{
	    [SE_NONE] = "",
	    [SE_REQUIRED] = "Ответьте, пожалуйста, на этот вопрос.",
	    [SE_VALUE] = "Выберите один из предложенных вариантов.",
	    [SE_TEXT] = "Текст слишком длинный: не более 10 000 знаков.",
	},
    [IL_EN] =
	{
	    [SE_NONE] = "",
	    [SE_REQUIRED] = "Please answer this question.",
	    [SE_VALUE] = "Please choose one of the values offered.",
	    [SE_TEXT] = "The text is too long: at most 10,000 characters.",
	},
};

/* The title and text of each message page, per language (the bilingual ones under IL_RU). */
static const char *const page_texts[IL__MAX][SP__MAX][2] =
    {
	[IL_RU] =
	    {
		[SP_NOT_FOUND] = {"Опрос не найден · Survey not found",
				  "Ссылка неверна или больше не действует. · The link is wrong or "
				  "no longer valid."},
		[SP_THROTTLED] = {"Слишком много запросов · Too many requests",
				  "Подождите минуту и попробуйте снова. · Please wait a minute and "
				  "try again."},
		[SP_CLOSED] = {"Опрос закрыт", "Этот опрос больше не принимает ответы."},
		[SP_THANKS] = {"Спасибо!", "Ваши ответы получены."},
		[SP_ALREADY] = {"Ответы уже отправлены",
				"Ответы по этой ссылке уже отправлены; отправить их второй раз "
				"нельзя."},
		[SP_CONFLICT] = {"Ответы изменились",
				 "Ответы по этой ссылке изменились в другом окне. Откройте опрос "
				 "снова."},
		[SP_FOREIGN] = {"Запрос отклонён", "Форма отправлена с другого сайта."},
		[SP_TOO_BIG] = {"Слишком много текста",
				"Ответы не поместились. Сократите текст и попробуйте снова."},
		[SP_BAD_FORM] = {"Форма не прочитана",
				 "Ответы не удалось прочитать. Откройте опрос снова."},
	    },
	[IL_EN] =
	    {
		[SP_NOT_FOUND] = {"Опрос не найден · Survey not found",
				  "Ссылка неверна или больше не действует. · The link is wrong or "
				  "no longer valid."},
		[SP_THROTTLED] = {"Слишком много запросов · Too many requests",
				  "Подождите минуту и попробуйте снова. · Please wait a minute and "
				  "try again."},
		[SP_CLOSED] = {"The survey is closed", "This survey no longer accepts answers."},
		[SP_THANKS] = {"Thank you!", "Your answers have been received."},
		[SP_ALREADY] =
		    {"Already submitted",
		     "The answers for this link have been submitted already; they cannot "
		     "be submitted twice."},
		[SP_CONFLICT] = {"Your answers changed",
				 "The answers for this link were changed in another window. Open "
				 "the survey again."},
		[SP_FOREIGN] = {"Request refused", "The form was sent from another site."},
		[SP_TOO_BIG] = {"Too much text",
				"The answers did not fit. Shorten the text and try again."},
		[SP_BAD_FORM] = {"The form could not be read",
				 "The answers could not be read. Open the survey again."},
	    },
};

const char survey_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:17px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1c2430;background:#f4f6f8}"
    "main{max-width:44rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;margin:.5rem 0 1rem}"
    ".lang{text-align:right;margin:0}"
    "a{color:#1d5fbf}"
    ".notice,.alert{padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}"
    ".notice{background:#e3f4e6;border:1px solid #8cc79a}"
    ".alert{background:#fdeaea;border:1px solid #e09a9a}"
    "fieldset.q{border:1px solid #d5dbe3;border-radius:.75rem;background:#fff;"
    "margin:0 0 1rem;padding:1rem}"
    "fieldset.q.bad{border-color:#c74646}"
    "legend{font-weight:600;padding:0 .25rem;white-space:pre-line}"
    ".req{color:#c74646}"
    ".err{color:#b02a2a;margin:.25rem 0 .5rem;font-weight:600}"
    ".scale{display:flex;flex-wrap:wrap;gap:.4rem;margin:.5rem 0}"
    ".scale label{position:relative}"
    ".scale input{position:absolute;opacity:0;width:1px;height:1px}"
    ".scale span{display:flex;align-items:center;justify-content:center;min-width:2.9rem;"
    "height:2.9rem;border:1px solid #9aa7b5;border-radius:.5rem;background:#fff;"
    "font-weight:600;cursor:pointer}"
    ".scale input:checked+span{background:#1d5fbf;border-color:#1d5fbf;color:#fff}"
    ".scale input:focus-visible+span{outline:3px solid #f0b400}"
    ".ends{display:flex;justify-content:space-between;gap:1rem;font-size:.85rem;"
    "color:#5a6675}"
    ".opt{display:flex;gap:.6rem;align-items:flex-start;padding:.55rem .25rem;"
    "min-height:2.75rem;cursor:pointer}"
    ".opt input{width:1.35rem;height:1.35rem;margin:.1rem 0 0;flex:none}"
    ".skip{color:#5a6675}"
    "textarea{width:100%;min-height:7rem;font:inherit;padding:.6rem;border:1px solid #9aa7b5;"
    "border-radius:.5rem}"
    ".actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}"
    "button{font:inherit;font-weight:600;min-height:3rem;padding:.6rem 1.4rem;"
    "border-radius:.6rem;border:1px solid #1d5fbf;cursor:pointer}"
    "button.primary{background:#1d5fbf;color:#fff}"
    "button.secondary{background:#fff;color:#1d5fbf}"
    ".note{color:#5a6675;font-size:.9rem}";

const size_t survey_css_len = sizeof(survey_css) - 1;

/* Appends s with &, <, >, " and ' escaped (sticky errors: checked at the end). */
static void
esc(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

/* The text of t in lang. */
static const char *
text_of(const struct loyalty_text *t, enum invitation_lang lang)
{
	return lang == IL_EN && t->en != NULL ? t->en : t->ru;
}

/* The head of a page titled title in lang, up to the opening of <main>. */
static void
page_head(struct buf *b, enum invitation_lang lang, const char *title)
{
	buf_printf(b,
		   "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<meta name=\"referrer\" content=\"no-referrer\">"
		   "<meta name=\"robots\" content=\"noindex, nofollow\"><title>",
		   invitation_lang_name(lang));
	esc(b, title);
	buf_puts(b, "</title><link rel=\"icon\" href=\"/favicon.svg\">"
		    "<link rel=\"stylesheet\" href=\"/s/assets/survey.css\"></head>"
		    "<body><main>");
}

/* Hands the page in b to r with status; releases b. */
static enum adv_err
page_answer(struct req *r, int status, struct buf *b)
{
	size_t len;
	char *text;

	if (buf_puts(b, "</main></body></html>\n") != ADV_OK || b->data == NULL) {
		buf_release(b);
		return ADV_ENOMEM;
	}
	text = buf_steal(b, &len);
	if (text == NULL)
		return ADV_ENOMEM;
	resp_header(r, "X-Robots-Tag", "noindex");
	return resp_take(r, status, ctype_html, text, len);
}

/* True when value v equals the answer's value. */
static bool
is_value(const struct survey_item *it, const char *v)
{
	return it->value != NULL && strcmp(it->value, v) == 0;
}

/* The radio buttons from lo to hi of item it, with labels at the ends. */
static void
scale_inputs(struct buf *b, const struct survey_item *it, int lo, int hi, const char *low,
	     const char *high)
{
	char v[16];

	buf_puts(b, "<div class=\"scale\">");
	for (int i = lo; i <= hi; i++) {
		snprintf(v, sizeof(v), "%d", i);
		buf_puts(b, "<label><input type=\"radio\" name=\"a.");
		esc(b, it->q->code);
		buf_printf(b, "\" value=\"%s\"%s><span>%s</span></label>", v,
			   is_value(it, v) ? " checked" : "", v);
	}
	buf_puts(b, "</div><div class=\"ends\"><span>");
	esc(b, low);
	buf_puts(b, "</span><span>");
	esc(b, high);
	buf_puts(b, "</span></div>");
}

/* One radio button or checkbox of item it with its label. */
static void
option_input(struct buf *b, const struct survey_item *it, const char *type, const char *value,
	     bool checked, const char *label, bool skip)
{
	buf_printf(b, "<label class=\"opt%s\"><input type=\"%s\" name=\"a.", skip ? " skip" : "",
		   type);
	esc(b, it->q->code);
	buf_puts(b, "\" value=\"");
	esc(b, value);
	buf_printf(b, "\"%s><span>", checked ? " checked" : "");
	esc(b, label);
	buf_puts(b, "</span></label>");
}

/* True when factor id is among the item's checked ones. */
static bool
is_chosen(const struct survey_item *it, int64_t id)
{
	for (size_t i = 0; i < it->nchosen; i++)
		if (it->chosen[i] == id)
			return true;
	return false;
}

/* The inputs of item it by its kind. */
static void
item_inputs(struct buf *b, const struct survey_form *f, const struct survey_item *it)
{
	const struct question *q = it->q;
	const char *const *t = texts[f->lang];
	char lo[48], hi[48], id[24];
	bool radios = q->kind != QK_FACTORS && q->kind != QK_TEXT;

	switch (q->kind) {
	case QK_RECOMMEND:
		scale_inputs(b, it, 0, RECOMMEND_MAX, t[ST_REC_LOW], t[ST_REC_HIGH]);
		break;
	case QK_COMPONENT:
	case QK_COMPETITOR_COMPONENT:
	case QK_SATISFACTION:
	case QK_INTENTION:
		snprintf(lo, sizeof(lo), "%d — %s", f->score_min, t[ST_SCALE_LOW]);
		snprintf(hi, sizeof(hi), "%d — %s", f->score_max, t[ST_SCALE_HIGH]);
		scale_inputs(b, it, f->score_min, f->score_max, lo, hi);
		break;
	case QK_FACTORS:
		for (size_t i = 0; i < it->nfactors; i++) {
			const struct catview_factor *cf = it->factors[i];

			snprintf(id, sizeof(id), "%lld", (long long)cf->id);
			option_input(b, it, "checkbox", id, is_chosen(it, cf->id),
				     f->lang == IL_EN && cf->text_en ? cf->text_en : cf->text_ru,
				     false);
		}
		break;
	case QK_CHOICE:
		for (size_t i = 0; i < q->noptions; i++)
			option_input(b, it, "radio", q->options[i].code,
				     is_value(it, q->options[i].code),
				     text_of(&q->options[i].text, f->lang), false);
		break;
	case QK_TEXT:
		buf_puts(b, "<textarea name=\"a.");
		esc(b, q->code);
		buf_printf(b, "\" rows=\"5\" maxlength=\"%d\">", RESPONSE_TEXT_ANSWER_MAX);
		esc(b, it->value);
		buf_puts(b, "</textarea>");
		break;
	case QK__MAX:
		break;
	}
	if (radios && !q->required)
		option_input(b, it, "radio", "", it->value == NULL || it->value[0] == '\0',
			     t[ST_NO_ANSWER], true);
}

enum adv_err
survey_html_form(struct req *r, int status, const struct survey_form *f)
{
	const char *const *t = texts[f->lang];
	enum invitation_lang other = f->lang == IL_RU ? IL_EN : IL_RU;
	struct buf b;

	buf_init(&b, PAGE_MAX);
	page_head(&b, f->lang, f->study_name);
	buf_printf(&b, "<p class=\"lang\"><a href=\"/s/%s?lang=%s\" hreflang=\"%s\">%s</a></p>",
		   f->token, invitation_lang_name(other), invitation_lang_name(other),
		   t[ST_LANG_OTHER]);
	buf_puts(&b, "<h1>");
	esc(&b, f->study_name);
	buf_puts(&b, "</h1>");
	if (f->saved)
		buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", t[ST_SAVED]);
	if (f->has_errors)
		buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", t[ST_ERRORS]);
	buf_printf(&b,
		   "<form method=\"post\" action=\"/s/%s\" accept-charset=\"utf-8\">"
		   "<input type=\"hidden\" name=\"lang\" value=\"%s\">",
		   f->token, invitation_lang_name(f->lang));
	for (size_t i = 0; i < f->nitems; i++) {
		const struct survey_item *it = &f->items[i];

		buf_puts(&b, "<fieldset class=\"q");
		buf_puts(&b, it->error != SE_NONE ? " bad\"" : "\"");
		buf_puts(&b, " id=\"q-");
		esc(&b, it->q->code);
		buf_printf(&b, "\"><legend>%zu. ", i + 1);
		esc(&b, text_of(&it->q->text, f->lang));
		if (it->q->required)
			buf_puts(&b, " <span class=\"req\">*</span>");
		buf_puts(&b, "</legend>");
		if (it->error != SE_NONE)
			buf_printf(&b, "<p class=\"err\">%s</p>", error_texts[f->lang][it->error]);
		item_inputs(&b, f, it);
		buf_puts(&b, "</fieldset>");
	}
	buf_printf(&b,
		   "<div class=\"actions\"><button class=\"primary\" type=\"submit\" "
		   "name=\"action\" value=\"submit\">%s</button><button class=\"secondary\" "
		   "type=\"submit\" name=\"action\" value=\"save\">%s</button></div></form>"
		   "<p class=\"note\">%s</p>",
		   t[ST_SUBMIT], t[ST_SAVE], t[ST_REQUIRED_NOTE]);
	return page_answer(r, status, &b);
}

enum adv_err
survey_html_message(struct req *r, int status, enum survey_page p, enum invitation_lang lang,
		    const char *token)
{
	bool fixed = p == SP_NOT_FOUND || p == SP_THROTTLED;
	const char *const *pt;
	struct buf b;

	if (fixed) {
		lang = IL_RU;
		token = NULL;
	}
	pt = page_texts[lang][p];
	buf_init(&b, PAGE_MAX);
	page_head(&b, lang, pt[0]);
	buf_puts(&b, "<h1>");
	esc(&b, pt[0]);
	buf_puts(&b, "</h1><p>");
	esc(&b, pt[1]);
	buf_puts(&b, "</p>");
	if (token != NULL)
		buf_printf(&b, "<p><a href=\"/s/%s?lang=%s\">%s</a></p>", token,
			   invitation_lang_name(lang), texts[lang][ST_BACK]);
	return page_answer(r, status, &b);
}
