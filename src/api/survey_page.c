/*
 * survey_page.c — the public survey page /s/{token} (docs/research.md,
 * "Survey links"), served without sign-in: the questionnaire of the link's
 * study as an HTML form, drafts saved and resumed, one submission per
 * personal link, the anonymous link's respondents told apart by a cookie,
 * database-kept rate limits per address and per link, and the same 404 page
 * for every link that does not work. Answers go through the responses core
 * (core/response.h), which turns a client's submission into an assessment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "api/survey_page.h"
#include "core/invitation.h"
#include "core/rate_limit.h"
#include "core/response.h"
#include "core/study.h"
#include "core/tx.h"
#include "util/str.h"

#define FORM_MAX	  (64u * 1024u) /* bytes of a posted form */
#define FORM_FIELDS_MAX	  2000		/* fields of a posted form */
#define RATE_PER_ADDRESS  30		/* requests per window and client address */
#define RATE_PER_LINK	  30		/* requests per window and personal link */
#define RATE_WINDOW	  60		/* seconds */
#define RESPONDENT_COOKIE "advocate_respondent"
#define RESPONDENT_AGE	  31536000u /* seconds the respondent cookie lives */
#define ANSWER_PREFIX	  "a."
#define RECOMMEND_MAX	  10

static const char ctype_form[] = "application/x-www-form-urlencoded";

/* One name=value pair of a posted form, decoded. */
struct form_field {
	const char *name;
	const char *value;
};

/* One visit of a link: what the link, its study and its respondent are. */
struct visit {
	struct db_conn *c;
	struct db_conn *own; /* c when the visit took a connection of its own, else NULL */
	const char *token;
	struct invitation inv;
	struct study study;
	enum invitation_lang lang;
	const char *cookie_set;	    /* a new respondent cookie to install, or NULL */
	const char *respondent_key; /* the anonymous link's respondent, or NULL */
	int64_t response_id;	    /* the respondent's response so far; 0: none */
	bool submitted;		    /* the respondent has submitted */
};

/* Answers the throttled page with Retry-After. */
static enum adv_err
answer_throttled(struct req *r, unsigned retry_after)
{
	const char *v = arena_printf(&r->arena, "%u", retry_after > 0 ? retry_after : 1);

	if (v == NULL)
		return ADV_ENOMEM;
	resp_header(r, "Retry-After", v);
	return survey_html_message(r, 429, SP_THROTTLED, IL_RU, NULL);
}

/* Installs the respondent cookie of v when it is new. */
static void
cookie_install(struct req *r, const struct visit *v)
{
	const char *set;

	if (v->cookie_set == NULL)
		return;
	set = arena_printf(&r->arena, "%s=%s; Path=/s/; Max-Age=%u; HttpOnly; SameSite=Lax%s",
			   RESPONDENT_COOKIE, v->cookie_set, RESPONDENT_AGE,
			   server_config(r->srv)->tls ? "; Secure" : "");
	if (set != NULL)
		resp_header(r, "Set-Cookie", set);
}

/* The anonymous link's respondent: the cookie, or a new one; sets v->respondent_key. */
static enum adv_err
respondent_of(struct req *r, struct visit *v)
{
	const char *cookie = req_cookie(r, RESPONDENT_COOKIE);
	char hash[65];

	if (cookie == NULL || !invitation_token_valid(cookie)) {
		if ((cookie = v->cookie_set = invitation_token_new(&r->arena)) == NULL)
			return ADV_ENOMEM;
	}
	invitation_hash(cookie, hash);
	v->respondent_key = arena_printf(&r->arena, "anon:%lld:%s", (long long)v->inv.id, hash);
	return v->respondent_key ? ADV_OK : ADV_ENOMEM;
}

/*
 * Opens the visit of the link in the path: rate limits, the link, its study
 * (a draft or archived study is as good as no link), the respondent and
 * their response so far. *answered is true when r has been answered (the
 * 404 or 429 page) and the handler is done.
 */
static enum adv_err
visit_open(struct req *r, struct visit *v, bool *answered)
{
	char id[24];
	unsigned retry;
	bool allowed;
	enum adv_err rc;

	*answered = true;
	memset(v, 0, sizeof(*v));
	/*
	 * A GET's request connection holds a read snapshot until the request
	 * completes, after the answer is sent; the page's writes (counters,
	 * "opened") take a connection of their own so that each commits at
	 * once. Only when the request's connection is already taken (a staff
	 * session cookie was looked up) do they join it.
	 */
	if (r->db != NULL || r->method != HTTP_GET)
		v->c = req_db(r);
	else if (db_acquire(server_db(r->srv), &v->own) == ADV_OK)
		v->c = v->own;
	if (v->c == NULL)
		return ADV_EUNAVAIL;
	if ((rc = rate_limit_hit(v->c, "survey-address", r->ip, RATE_PER_ADDRESS, RATE_WINDOW,
				 &allowed, &retry)) != ADV_OK)
		return rc;
	if (!allowed)
		return answer_throttled(r, retry);
	v->token = req_param(r, "token");
	rc = invitation_resolve(v->c, &r->arena, v->token, &v->inv);
	if (rc == ADV_ENOTFOUND)
		return survey_html_message(r, 404, SP_NOT_FOUND, IL_RU, NULL);
	if (rc != ADV_OK)
		return rc;
	if (!v->inv.anonymous) {
		snprintf(id, sizeof(id), "%lld", (long long)v->inv.id);
		if ((rc = rate_limit_hit(v->c, "survey-link", id, RATE_PER_LINK, RATE_WINDOW,
					 &allowed, &retry)) != ADV_OK)
			return rc;
		if (!allowed)
			return answer_throttled(r, retry);
	}
	rc = study_get(v->c, &r->arena, v->inv.ws_id, v->inv.study_id, &v->study);
	if (rc == ADV_ENOTFOUND ||
	    (rc == ADV_OK && (v->study.archived_at != NULL || v->study.status == STUDY_DRAFT)))
		return survey_html_message(r, 404, SP_NOT_FOUND, IL_RU, NULL);
	if (rc != ADV_OK)
		return rc;
	v->lang = v->inv.lang;
	if (v->inv.anonymous && (rc = respondent_of(r, v)) != ADV_OK)
		return rc;
	if ((rc = invitation_response_find(v->c, v->inv.ws_id, v->inv.study_id, v->inv.id,
					   v->respondent_key, &v->response_id, &v->submitted)) !=
	    ADV_OK)
		return rc;
	v->submitted = v->submitted || v->inv.status == IS_SUBMITTED;
	*answered = false;
	return ADV_OK;
}

/* Gives back the connection the visit took for itself, if any. */
static void
visit_close(struct req *r, struct visit *v)
{
	if (v->own != NULL)
		db_release(server_db(r->srv), v->own);
	v->own = NULL;
	v->c = NULL;
}

/* The factors a factors question q offers: active ones (of q's component when it names one). */
static enum adv_err
offer_factors(struct arena *a, const struct catview *cat, const struct question *q,
	      struct survey_item *it)
{
	size_t cap = 0;

	for (size_t i = 0; i < cat->nfactors; i++) {
		const struct catview_factor *cf = &cat->factors[i];

		if (!cf->active || (q->component_id != 0 && cf->component_id != q->component_id))
			continue;
		it->factors =
		    arena_array_room(a, it->factors, &cap, it->nfactors, sizeof(*it->factors));
		if (it->factors == NULL)
			return ADV_ENOMEM;
		it->factors[it->nfactors++] = cf;
	}
	return ADV_OK;
}

/* The form of v's study: its active questions with what they offer, no answers yet. */
static enum adv_err
form_load(struct req *r, struct visit *v, struct response_context *ctx, struct survey_form *f)
{
	enum adv_err rc;

	memset(f, 0, sizeof(*f));
	if ((rc = response_context_load(v->c, &r->arena, v->inv.ws_id, v->inv.study_id, ctx)) !=
	    ADV_OK)
		return rc;
	f->lang = v->lang;
	f->token = v->token;
	f->study_name = v->study.name;
	f->score_min = ctx->cat.settings.score_min;
	f->score_max = ctx->cat.settings.score_max;
	if ((f->items = arena_zalloc(&r->arena, (ctx->nquestions + 1) * sizeof(*f->items))) == NULL)
		return ADV_ENOMEM;
	for (size_t i = 0; i < ctx->nquestions; i++) {
		struct survey_item *it = &f->items[f->nitems];

		if (!ctx->questions[i].active)
			continue;
		it->q = &ctx->questions[i];
		if (it->q->kind == QK_FACTORS &&
		    (rc = offer_factors(&r->arena, &ctx->cat, it->q, it)) != ADV_OK)
			return rc;
		f->nitems++;
	}
	return ADV_OK;
}

/* Fills the form's answers from the stored answers text (keyed by question id). */
static enum adv_err
form_fill(struct req *r, const char *answers, struct survey_form *f)
{
	json_t *all = json_loads(answers ? answers : "{}", 0, NULL), *v;
	char key[24];
	size_t k;
	enum adv_err rc = ADV_OK;

	for (size_t i = 0; all != NULL && i < f->nitems && rc == ADV_OK; i++) {
		struct survey_item *it = &f->items[i];

		snprintf(key, sizeof(key), "%lld", (long long)it->q->id);
		v = json_object_get(all, key);
		if (json_is_integer(v))
			it->value =
			    arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			it->value = arena_printf(&r->arena, "%g", json_real_value(v));
		else if (json_is_string(v))
			it->value = arena_strdup(&r->arena, json_string_value(v));
		else if (json_is_array(v) &&
			 (it->chosen = arena_alloc(&r->arena, (json_array_size(v) + 1) *
								  sizeof(*it->chosen))) != NULL)
			for (k = 0; k < json_array_size(v); k++)
				it->chosen[it->nchosen++] =
				    json_integer_value(json_array_get(v, k));
		if (v != NULL && it->value == NULL && it->chosen == NULL)
			rc = ADV_ENOMEM;
	}
	json_decref(all);
	return rc;
}

/* The value of hex digit c, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the n bytes at s (form encoding: + and %XX) into an arena string; NULL when bad. */
static const char *
form_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t len = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[len++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return NULL;
			out[len++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[len++] = s[i];
		}
	}
	out[len] = '\0';
	if (strlen(out) != len || !utf8_valid(out, len))
		return NULL;
	return out;
}

/* Parses the body of r as a form into *fields (arena array of *n); ADV_EBADREQ when it is not one.
 */
static enum adv_err
form_parse(struct req *r, struct form_field **fields, size_t *n)
{
	const char *p = r->body.data ? r->body.data : "", *end = p + r->body.len;
	size_t cap = 0;

	*fields = NULL;
	*n = 0;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);

		if (len > 0) {
			if (*n >= FORM_FIELDS_MAX)
				return ADV_EBADREQ;
			if ((*fields = arena_array_room(&r->arena, *fields, &cap, *n,
							sizeof(**fields))) == NULL)
				return ADV_ENOMEM;
			eq = memchr(p, '=', len);
			(*fields)[*n].name = form_decode(&r->arena, p, eq ? (size_t)(eq - p) : len);
			(*fields)[*n].value =
			    eq ? form_decode(&r->arena, eq + 1, len - (size_t)(eq - p) - 1) : "";
			if ((*fields)[*n].name == NULL || (*fields)[*n].value == NULL)
				return ADV_EBADREQ;
			(*n)++;
		}
		p += len + 1;
	}
	return ADV_OK;
}

/* The first value of field name, or NULL. */
static const char *
form_get(const struct form_field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return fields[i].value;
	return NULL;
}

/* True when url ("scheme://host[:port]/…") names the host the request was sent to. */
static bool
same_host(struct req *r, const char *url)
{
	const char *h = strstr(url, "://"), *hosts[2];
	size_t n;

	if (h == NULL)
		return false;
	h += 3;
	n = strcspn(h, "/?#");
	hosts[0] = req_header(r, "Host");
	hosts[1] = req_header(r, "X-Forwarded-Host");
	for (int i = 0; i < 2; i++)
		if (hosts[i] != NULL && strlen(hosts[i]) == n && strncasecmp(hosts[i], h, n) == 0)
			return true;
	return false;
}

/*
 * True when the form was posted from another site: an Origin (other than
 * "null", which browsers send under Referrer-Policy no-referrer) or, without
 * one, a Referer naming another host.
 */
static bool
cross_site(struct req *r)
{
	const char *origin = req_header(r, "Origin"), *referer = req_header(r, "Referer");

	if (origin != NULL)
		return strcmp(origin, "null") != 0 && !same_host(r, origin);
	return referer != NULL && !same_host(r, referer);
}

/* A whole number in lo..hi from text s into *out; false otherwise. */
static bool
int_in(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	return str_to_i64(s, out) && *out >= lo && *out <= hi;
}

/* Adds factor id to it's chosen ones (once); false when it is not offered. */
static bool
factor_choose(struct arena *a, struct survey_item *it, const char *s)
{
	int64_t id;
	bool offered = false;

	if (!str_to_i64(s, &id))
		return false;
	for (size_t i = 0; i < it->nfactors && !offered; i++)
		offered = it->factors[i]->id == id;
	for (size_t i = 0; i < it->nchosen; i++)
		if (it->chosen[i] == id)
			return offered;
	if (offered) {
		if (it->chosen == NULL &&
		    (it->chosen = arena_alloc(a, (it->nfactors + 1) * sizeof(*it->chosen))) == NULL)
			return false;
		it->chosen[it->nchosen++] = id;
	}
	return offered;
}

/* Text s with CR LF made LF, in the arena; NULL when out of memory. */
static const char *
text_lf(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s), *w = out;

	for (const char *p = s; out != NULL && *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	if (out != NULL)
		*w = '\0';
	return out;
}

/* The answer of item it as JSON (a new reference; null when none), checking what was given. */
static json_t *
item_answer(const struct survey_form *f, struct survey_item *it, bool submit)
{
	const struct question *q = it->q;
	const char *s = it->value;
	size_t tl;
	int64_t x;
	json_t *j = NULL;

	if (q->kind == QK_FACTORS) {
		if (it->nchosen > 0 && (j = json_array()) != NULL)
			for (size_t i = 0; i < it->nchosen; i++)
				json_array_append_new(j, json_integer(it->chosen[i]));
	} else if (s != NULL && str_trim(s, strlen(s), &tl) != NULL && tl > 0) {
		switch (q->kind) {
		case QK_RECOMMEND:
			if (int_in(s, 0, RECOMMEND_MAX, &x))
				j = json_integer(x);
			break;
		case QK_CHOICE:
			for (size_t i = 0; i < q->noptions && j == NULL; i++)
				if (strcmp(q->options[i].code, s) == 0)
					j = json_string(s);
			break;
		case QK_TEXT:
			if (utf8_length(s, strlen(s)) > RESPONSE_TEXT_ANSWER_MAX)
				it->error = SE_TEXT;
			else
				j = json_string(s);
			break;
		default:
			if (int_in(s, f->score_min, f->score_max, &x))
				j = json_integer(x);
			break;
		}
		if (j == NULL && it->error == SE_NONE)
			it->error = SE_VALUE;
	}
	if (j == NULL && it->error == SE_NONE && submit && q->required)
		it->error = SE_REQUIRED;
	return j ? j : json_null();
}

/*
 * Takes the posted answers into the form's items and builds the answers by
 * code in *answers (a new reference: null for an empty answer); *bad is
 * true when an answer is refused (marked on its item).
 */
static enum adv_err
form_take(struct req *r, const struct form_field *fields, size_t n, struct survey_form *f,
	  bool submit, json_t **answers, bool *bad)
{
	const size_t plen = strlen(ANSWER_PREFIX);
	enum adv_err rc = ADV_OK;

	*bad = false;
	for (size_t i = 0; i < n; i++) {
		const char *code = fields[i].name + plen;

		if (strncmp(fields[i].name, ANSWER_PREFIX, plen) != 0)
			continue;
		for (size_t k = 0; k < f->nitems; k++) {
			struct survey_item *it = &f->items[k];

			if (strcmp(it->q->code, code) != 0)
				continue;
			if (it->q->kind == QK_FACTORS) {
				if (!factor_choose(&r->arena, it, fields[i].value))
					it->error = SE_VALUE;
			} else if (it->value == NULL) {
				it->value = it->q->kind == QK_TEXT
						? text_lf(&r->arena, fields[i].value)
						: fields[i].value;
				if (it->value == NULL)
					return ADV_ENOMEM;
			}
		}
	}
	if ((*answers = json_object()) == NULL)
		return ADV_ENOMEM;
	for (size_t k = 0; k < f->nitems && rc == ADV_OK; k++) {
		struct survey_item *it = &f->items[k];
		json_t *j = item_answer(f, it, submit);

		if (j == NULL || json_object_set_new(*answers, it->q->code, j) != 0)
			rc = ADV_ENOMEM;
		*bad = *bad || it->error != SE_NONE;
	}
	f->has_errors = *bad;
	return rc;
}

/* A copy of answers without its nulls (what a new response takes); new reference. */
static json_t *
answers_given(json_t *answers)
{
	json_t *out = json_object(), *v;
	const char *k;

	json_object_foreach(answers, k, v)
	{
		if (out != NULL && !json_is_null(v) && json_object_set(out, k, v) != 0) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}

/*
 * Stores the answers (by code; null clears one) of v's respondent as a
 * draft or, with submit, submitted, and marks the link — all in one
 * transaction. The core's errors pass through (detail in r->eb).
 */
static enum adv_err
store(struct req *r, struct visit *v, json_t *answers, bool submit)
{
	struct response in = {0}, cur, out;
	uint32_t mask = RF_BIT(RF_ANSWERS) | RF_BIT(RF_STATUS) | RF_BIT(RF_LANG);
	json_t *given = NULL;
	struct tx t;
	enum adv_err rc;

	if ((rc = tx_begin(v->c, &t)) != ADV_OK)
		return rc;
	in.status = submit ? RS_SUBMITTED : RS_DRAFT;
	in.lang = invitation_lang_name(v->lang);
	if (v->response_id > 0) {
		rc = response_get(v->c, &r->arena, v->inv.ws_id, v->inv.study_id, v->response_id,
				  &cur);
		if (rc == ADV_OK && cur.status == RS_SUBMITTED)
			rc = adv_fail(&r->eb, ADV_ECONFLICT, NULL, "submitted already");
		in.answers_in = answers;
		if (rc == ADV_OK)
			rc = response_update(v->c, &r->arena, v->inv.ws_id, 0, v->inv.study_id,
					     v->response_id, cur.version, &in, mask, &out, &r->eb);
	} else if ((given = answers_given(answers)) == NULL) {
		rc = ADV_ENOMEM;
	} else {
		in.channel = v->inv.anonymous ? RC_ANONYMOUS : RC_LINK;
		in.account_id = v->inv.account_id;
		in.contact_id = v->inv.contact_id;
		in.invitation_id = v->inv.id;
		in.respondent_key = v->respondent_key;
		in.answers_in = given;
		mask |= RF_BIT(RF_ACCOUNT) | RF_BIT(RF_CONTACT);
		if (v->respondent_key != NULL)
			mask |= RF_BIT(RF_RESPONDENT_KEY);
		rc = response_create(v->c, &r->arena, v->inv.ws_id, 0, v->inv.study_id, &in, mask,
				     &out, &r->eb);
	}
	if (rc == ADV_OK && v->inv.opened_at == NULL)
		rc = invitation_mark_opened(v->c, v->inv.ws_id, v->inv.id);
	if (rc == ADV_OK && submit && !v->inv.anonymous)
		rc = invitation_mark_submitted(v->c, v->inv.ws_id, v->inv.id);
	json_decref(given);
	return tx_end(v->c, &t, rc);
}

/* Marks the item whose code the core's error names ("/answers/<code>"); false when none. */
static bool
mark_core_error(struct req *r, struct survey_form *f)
{
	const char *prefix = "/answers/";
	const char *code = r->eb.field + strlen(prefix);

	if (strncmp(r->eb.field, prefix, strlen(prefix)) != 0)
		return false;
	for (size_t k = 0; k < f->nitems; k++)
		if (strcmp(f->items[k].q->code, code) == 0) {
			struct survey_item *it = &f->items[k];

			it->error = it->value == NULL && it->nchosen == 0 ? SE_REQUIRED : SE_VALUE;
			f->has_errors = true;
			return true;
		}
	return false;
}

/* The language ?lang= or the form's lang names, else dflt. */
static enum invitation_lang
lang_pick(const char *s, enum invitation_lang dflt)
{
	enum invitation_lang l;

	return invitation_lang_parse(s, &l) ? l : dflt;
}

static enum adv_err
get_survey(struct req *r)
{
	struct response_context ctx;
	struct survey_form f;
	struct response resp;
	struct visit v;
	const char *saved;
	bool answered;
	enum adv_err rc;

	if ((rc = visit_open(r, &v, &answered)) != ADV_OK || answered)
		goto out;
	v.lang = lang_pick(req_query(r, "lang"), v.lang);
	cookie_install(r, &v);
	if (v.submitted) {
		rc = survey_html_message(r, 200, SP_THANKS, v.lang, NULL);
		goto out;
	}
	if (v.study.status == STUDY_CLOSED) {
		rc = survey_html_message(r, 410, SP_CLOSED, v.lang, NULL);
		goto out;
	}
	if ((v.inv.opened_at == NULL &&
	     (rc = invitation_mark_opened(v.c, v.inv.ws_id, v.inv.id)) != ADV_OK) ||
	    (rc = form_load(r, &v, &ctx, &f)) != ADV_OK)
		goto out;
	if (v.response_id > 0 && ((rc = response_get(v.c, &r->arena, v.inv.ws_id, v.inv.study_id,
						     v.response_id, &resp)) != ADV_OK ||
				  (rc = form_fill(r, resp.answers, &f)) != ADV_OK))
		goto out;
	saved = req_query(r, "saved");
	f.saved = saved != NULL && strcmp(saved, "1") == 0;
	rc = survey_html_form(r, 200, &f);
out:
	visit_close(r, &v);
	return rc;
}

/* Answers a refused store: the form again (422), or the page the conflict calls for. */
static enum adv_err
store_refused(struct req *r, struct visit *v, struct survey_form *f, enum adv_err rc)
{
	if (rc == ADV_EINVAL && mark_core_error(r, f))
		return survey_html_form(r, 422, f);
	if (rc == ADV_ECONFLICT && strcmp(r->eb.field, "/study_id") == 0)
		return survey_html_message(r, 410, SP_CLOSED, v->lang, NULL);
	if (rc == ADV_ECONFLICT || rc == ADV_EPRECOND) {
		rc = invitation_response_find(v->c, v->inv.ws_id, v->inv.study_id, v->inv.id,
					      v->respondent_key, &v->response_id, &v->submitted);
		if (rc != ADV_OK)
			return rc;
		return survey_html_message(r, 409, v->submitted ? SP_ALREADY : SP_CONFLICT, v->lang,
					   v->submitted ? NULL : v->token);
	}
	return rc;
}

static enum adv_err
post_survey(struct req *r)
{
	struct response_context ctx;
	struct form_field *fields;
	struct survey_form f;
	struct visit v;
	const char *ctype = req_header(r, "Content-Type"), *action, *loc;
	json_t *answers = NULL;
	size_t n;
	bool answered, submit, bad;
	enum adv_err rc;

	if ((rc = visit_open(r, &v, &answered)) != ADV_OK || answered)
		goto out;
	cookie_install(r, &v);
	if (cross_site(r)) {
		rc = survey_html_message(r, 403, SP_FOREIGN, v.lang, v.token);
		goto out;
	}
	if (r->body.len > FORM_MAX) {
		rc = survey_html_message(r, 413, SP_TOO_BIG, v.lang, v.token);
		goto out;
	}
	if (ctype == NULL || strncasecmp(ctype, ctype_form, sizeof(ctype_form) - 1) != 0 ||
	    (rc = form_parse(r, &fields, &n)) == ADV_EBADREQ) {
		rc = survey_html_message(r, 400, SP_BAD_FORM, v.lang, v.token);
		goto out;
	}
	if (rc != ADV_OK)
		goto out;
	v.lang = lang_pick(form_get(fields, n, "lang"), v.lang);
	action = form_get(fields, n, "action");
	if (v.submitted) {
		rc = survey_html_message(r, 409, SP_ALREADY, v.lang, NULL);
		goto out;
	}
	if (v.study.status == STUDY_CLOSED) {
		rc = survey_html_message(r, 410, SP_CLOSED, v.lang, NULL);
		goto out;
	}
	if (action == NULL || (strcmp(action, "save") != 0 && strcmp(action, "submit") != 0)) {
		rc = survey_html_message(r, 400, SP_BAD_FORM, v.lang, v.token);
		goto out;
	}
	submit = strcmp(action, "submit") == 0;
	if ((rc = form_load(r, &v, &ctx, &f)) != ADV_OK ||
	    (rc = form_take(r, fields, n, &f, submit, &answers, &bad)) != ADV_OK)
		goto out;
	if (bad) {
		rc = survey_html_form(r, 422, &f);
		goto out;
	}
	if ((rc = store(r, &v, answers, submit)) != ADV_OK) {
		rc = store_refused(r, &v, &f, rc);
		goto out;
	}
	loc = arena_printf(&r->arena, "/s/%s?lang=%s%s", v.token, invitation_lang_name(v.lang),
			   submit ? "" : "&saved=1");
	if (loc == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	resp_header(r, "Location", loc);
	rc = resp_empty(r, 303);
out:
	visit_close(r, &v);
	json_decref(answers);
	return rc;
}

static enum adv_err
get_survey_css(struct req *r)
{
	resp_header(r, "Cache-Control", "public, max-age=86400");
	return resp_bytes(r, 200, "text/css; charset=utf-8", survey_css, survey_css_len);
}

API_ROUTES_DEFINE(survey_page,
		  {HTTP_GET, "/s/assets/survey.css", get_survey_css, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_GET, "/s/{token}", get_survey, ACCESS_PUBLIC, ROLE_NONE, 0},
		  {HTTP_POST, "/s/{token}", post_survey, ACCESS_PUBLIC, ROLE_NONE, 0}, );
