/*
 * demo_research.c — the demo's research (see demo_impl.h): a loyalty survey
 * in two waves, spring and autumn, with a question per loyalty component,
 * overall satisfaction, intention to stay, likelihood to recommend driven
 * mostly by two components, ratings of a competitor, the factors that apply
 * and a comment; and exit interviews of the churned clients. Answers are
 * drawn from a level per client (active clients high, clients at risk low),
 * so that the research dashboard shows real structure: drivers, a gap to
 * the competitor, segments, a trend between the waves and a negative base.
 */
#include "core/demo_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/catalogue.h"
#include "core/loyalty_model.h"
#include "core/question.h"
#include "core/response.h"
#include "core/study.h"

#define DEMO_RESEARCH_SEED	   0xC0FFEE5EED2026ULL
#define DEMO_RESEARCH_ARENA	   (4u << 20)
#define DEMO_RIVAL_ITEMS	   2  /* components rated for the competitor too */
#define DEMO_ANSWER_PCT		   72 /* per cent of live clients answering a wave */
#define DEMO_CODE_MAX		   40
#define DEMO_TEXT_MAX		   600
#define DEMO_WHY_MAX		   2
#define DEMO_SURVEY_COMPONENTS_MAX 16 /* components asked about; the seed has fewer */

/* A wave of the survey: its name, status and period in days before today. */
static const struct {
	const char *name;
	enum study_status status;
	long from_days, to_days;
	double lift; /* how much better live clients feel than in the first wave */
} demo_waves[] = {
    {"Опрос лояльности — весна", STUDY_CLOSED, 250, 200, 0.0},
    {"Опрос лояльности — осень", STUDY_OPEN, 60, 3, 0.25},
};

static const char *const demo_exit_name = "Exit-интервью ушедших клиентов";

static const char *const demo_comments[] = {
    "Хотелось бы быстрее получать счета.",
    "Менеджер всегда на связи, спасибо.",
    "Цены выше, чем у конкурентов, но сроки держите.",
    "Отгрузки в сезон срываются.",
    "Удобный личный кабинет.",
};

static const char *const demo_exit_notes[] = {
    "Ушли к трейдеру с отсрочкой платежа; наши условия оплаты сочли жёсткими.",
    "Решающим стал срыв двух отгрузок подряд в сезон.",
    "Закупки централизовали в холдинге, нас не включили в тендер.",
};

static const char *const demo_exit_quotes[] = {
    "«Вы хорошие, но предоплата нас душила»",
    "«Два раза подряд сорвали сроки — больше рисковать не стали»",
    "«Решение принимали в Москве, нас не спрашивали»",
};

/* ?1 workspace: live clients with their status and first live person. */
static struct db_sql sql_demo_clients =
    DB_SQL("SELECT a.id, a.status, (SELECT MIN(ct.id) FROM contacts ct WHERE ct.workspace_id ="
	   " a.workspace_id AND ct.account_id = a.id AND ct.archived_at IS NULL)"
	   " FROM accounts a WHERE a.workspace_id = ?1 AND a.archived_at IS NULL ORDER BY a.id");

/* A demo client: id, status, person (0 when none), level and per-component offsets. */
struct demo_respondent {
	int64_t id;
	int64_t contact;
	char status[16];
	double level;
	double offset[DEMO_SURVEY_COMPONENTS_MAX];
};

/* What the questionnaire of a survey wave holds. */
struct demo_survey {
	const struct catview *cat;
	const struct catview_component *comp[DEMO_SURVEY_COMPONENTS_MAX];
	size_t ncomp;
};

/* x rounded and held within the scale lo..hi. */
static double
demo_clamp(double x, double lo, double hi)
{
	x = floor(x + 0.5);
	return x < lo ? lo : x > hi ? hi : x;
}

/* Adds a question from body fields to study sid. */
static enum adv_err
demo_question(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t sid,
	      enum question_kind kind, const char *code, const char *ru, const char *en,
	      int64_t component, int64_t competitor, bool required, struct adv_errbuf *eb)
{
	struct question in = {0}, out;
	uint32_t mask = QF_BIT(QF_CODE) | QF_BIT(QF_REQUIRED);

	in.kind = kind;
	in.code = code;
	in.text.ru = ru;
	in.text.en = en;
	in.required = required;
	if (component != 0) {
		in.component_id = component;
		mask |= QF_BIT(QF_COMPONENT);
	}
	if (competitor != 0) {
		in.competitor_id = competitor;
		mask |= QF_BIT(QF_COMPETITOR);
	}
	return question_create(c, a, ws_id, 0, sid, &in, mask, &out, eb);
}

/* Creates a study named name of kind and status over the days given; *sid. */
static enum adv_err
demo_study(struct db_conn *c, struct arena *a, int64_t ws_id, const char *name,
	   enum study_kind kind, enum study_status status, long from_days, long to_days,
	   int64_t *sid, struct adv_errbuf *eb)
{
	struct study in = {0}, out;
	enum adv_err rc;

	in.name = name;
	in.kind = kind;
	in.status = status;
	in.starts_on = demo_days_ago(a, from_days);
	in.ends_on = demo_days_ago(a, to_days);
	in.guide = kind == STUDY_EXIT_INTERVIEW
		       ? "1. Почему вы ушли?\n2. Что могло бы вас удержать?\n3. Кого выбрали "
			 "вместо нас и почему?"
		       : NULL;
	if (in.starts_on == NULL || in.ends_on == NULL)
		return ADV_ENOMEM;
	rc = study_create(c, a, ws_id, 0, &in,
			  SF_BIT(SF_STATUS) | SF_BIT(SF_STARTS_ON) | SF_BIT(SF_ENDS_ON) |
			      SF_BIT(SF_GUIDE),
			  &out, eb);
	*sid = out.id;
	return rc;
}

/* The questionnaire of a survey wave or of the exit interviews (exit: no competitor). */
static enum adv_err
demo_questionnaire(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t sid,
		   const struct demo_survey *sv, int64_t competitor, struct adv_errbuf *eb)
{
	char code[DEMO_CODE_MAX], ru[DEMO_TEXT_MAX], en[DEMO_TEXT_MAX];
	enum adv_err rc;

	if ((rc = demo_question(c, a, ws_id, sid, QK_RECOMMEND, "nps",
				"Насколько вероятно, что вы порекомендуете нас коллегам?",
				"How likely are you to recommend us to a colleague?", 0, 0, true,
				eb)) != ADV_OK)
		return rc;
	for (size_t k = 0; k < sv->ncomp; k++) {
		snprintf(ru, sizeof(ru), "Оцените: %s", sv->comp[k]->name_ru);
		snprintf(en, sizeof(en), "Rate: %s", sv->comp[k]->name_en);
		if ((rc = demo_question(c, a, ws_id, sid, QK_COMPONENT, sv->comp[k]->code, ru, en,
					sv->comp[k]->id, 0, false, eb)) != ADV_OK)
			return rc;
	}
	for (size_t k = 0; competitor != 0 && k < DEMO_RIVAL_ITEMS && k < sv->ncomp; k++) {
		snprintf(code, sizeof(code), "%s_rival", sv->comp[k]->code);
		snprintf(ru, sizeof(ru), "Оцените основного конкурента: %s", sv->comp[k]->name_ru);
		snprintf(en, sizeof(en), "Rate our main competitor: %s", sv->comp[k]->name_en);
		if ((rc = demo_question(c, a, ws_id, sid, QK_COMPETITOR_COMPONENT, code, ru, en,
					sv->comp[k]->id, competitor, false, eb)) != ADV_OK)
			return rc;
	}
	if ((rc = demo_question(c, a, ws_id, sid, QK_SATISFACTION, "sat",
				"Насколько вы в целом удовлетворены работой с нами?",
				"Overall, how satisfied are you with us?", 0, 0, false, eb)) !=
		ADV_OK ||
	    (rc = demo_question(c, a, ws_id, sid, QK_INTENTION, "stay",
				"Насколько вероятно, что вы продолжите закупать у нас?",
				"How likely are you to keep buying from us?", 0, 0, false, eb)) !=
		ADV_OK ||
	    (rc = demo_question(c, a, ws_id, sid, QK_FACTORS, "why",
				"Что сильнее всего влияет на вашу оценку?",
				"What affects your rating most?", 0, 0, false, eb)) != ADV_OK)
		return rc;
	return demo_question(c, a, ws_id, sid, QK_TEXT, "comment", "Ваш комментарий",
			     "Your comment", 0, 0, false, eb);
}

/*
 * The answers of respondent p at level (1..5 scale units): a rating per
 * component near level plus its offset, the competitor a little below on
 * the first components, satisfaction and intention near the mean, the
 * likelihood to recommend driven mostly by the first and third
 * components, up to DEMO_WHY_MAX factors that fit, now and then a comment.
 */
static json_t *
demo_answers(uint64_t *s, const struct demo_survey *sv, const struct demo_respondent *p,
	     double level, bool rival)
{
	const struct catview_settings *set = &sv->cat->settings;
	double lo = set->score_min, hi = set->score_max, sum = 0, drive = 0, wsum = 0;
	json_t *ans = json_object(), *why = json_array();
	char code[DEMO_CODE_MAX];

	if (ans == NULL || why == NULL)
		goto fail;
	for (size_t k = 0; k < sv->ncomp; k++) {
		double v = demo_clamp(level + p->offset[k] + demo_uniform(s, -0.7, 0.7), lo, hi);
		double w = k == 0 ? 3 : k == 2 ? 2 : 0.5;

		sum += v;
		drive += w * v;
		wsum += w;
		if (json_object_set_new(ans, sv->comp[k]->code, json_real(v)) != 0)
			goto fail;
		if (rival && k < DEMO_RIVAL_ITEMS) {
			snprintf(code, sizeof(code), "%s_rival", sv->comp[k]->code);
			if (json_object_set_new(
				ans, code,
				json_real(demo_clamp(v + demo_uniform(s, -1.6, 0.6), lo, hi))) != 0)
				goto fail;
		}
	}
	sum /= (double)(sv->ncomp ? sv->ncomp : 1);
	drive = (drive / (wsum > 0 ? wsum : 1) - lo) / (hi - lo) * 10;
	if (json_object_set_new(ans, "nps",
				json_integer((json_int_t)demo_clamp(
				    drive + demo_uniform(s, -1.5, 1.5), 0, 10))) != 0 ||
	    json_object_set_new(
		ans, "sat", json_real(demo_clamp(sum + demo_uniform(s, -0.6, 0.6), lo, hi))) != 0 ||
	    json_object_set_new(
		ans, "stay", json_real(demo_clamp(level + demo_uniform(s, -1, 0.8), lo, hi))) != 0)
		goto fail;
	for (size_t i = 0, want = demo_pick(s, DEMO_WHY_MAX + 1);
	     i < sv->cat->nfactors && json_array_size(why) < want; i++) {
		const struct catview_factor *f =
		    &sv->cat->factors[(i * 7 + (size_t)p->id) % sv->cat->nfactors];

		if (f->active && (sum < 3 ? f->polarity < 0 : f->polarity > 0) &&
		    json_array_append_new(why, json_integer(f->id)) != 0)
			goto fail;
	}
	if ((json_array_size(why) > 0 && json_object_set(ans, "why", why) != 0) ||
	    (demo_pick(s, 4) == 0 &&
	     json_object_set_new(ans, "comment",
				 json_string(demo_comments[demo_pick(
				     s, sizeof(demo_comments) / sizeof(demo_comments[0]))])) != 0))
		goto fail;
	json_decref(why);
	return ans;
fail:
	json_decref(why);
	json_decref(ans);
	return NULL;
}

/* Stores one submitted response of p to study sid from answers (stolen). */
static enum adv_err
demo_respond(struct db_conn *c, struct arena *a, int64_t ws_id, int64_t author, int64_t sid,
	     const struct demo_respondent *p, enum response_channel ch, const char *day,
	     json_t *answers, uint64_t *s, struct adv_errbuf *eb)
{
	struct response in = {0}, out;
	json_t *quotes = NULL;
	uint32_t mask = RF_BIT(RF_ACCOUNT) | RF_BIT(RF_ANSWERS) | RF_BIT(RF_SUBMITTED_AT);
	enum adv_err rc;

	if (answers == NULL || day == NULL) {
		json_decref(answers);
		return ADV_ENOMEM;
	}
	in.channel = ch;
	in.status = RS_SUBMITTED;
	in.account_id = p->id;
	in.answers_in = answers;
	in.submitted_at = day;
	if (p->contact != 0) {
		in.contact_id = p->contact;
		mask |= RF_BIT(RF_CONTACT);
	}
	if (ch == RC_INTERVIEW) {
		unsigned k = demo_pick(s, sizeof(demo_exit_notes) / sizeof(demo_exit_notes[0]));

		in.interviewer_id = author;
		in.notes = demo_exit_notes[k];
		quotes = json_pack("[s]", demo_exit_quotes[k]);
		in.quotes_in = quotes;
		mask |= RF_BIT(RF_INTERVIEWER) | RF_BIT(RF_NOTES) | RF_BIT(RF_QUOTES);
	}
	rc = response_create(c, a, ws_id, author, sid, &in, mask, &out, eb);
	json_decref(quotes);
	json_decref(answers);
	return rc;
}

/* Reads the live clients of ws_id into *out (arena array of *n), with levels drawn. */
static enum adv_err
demo_respondents(struct db_conn *c, struct arena *a, uint64_t *s, int64_t ws_id, size_t ncomp,
		 struct demo_respondent **out, size_t *n)
{
	struct demo_respondent *v = NULL;
	struct db_stmt *st;
	size_t cap = 0;
	bool row;
	enum adv_err rc;

	*n = 0;
	if ((rc = db_prepare(c, &sql_demo_clients, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		struct demo_respondent *p;

		if ((v = arena_array_room(a, v, &cap, *n, sizeof(*v))) == NULL) {
			db_done(st);
			return ADV_ENOMEM;
		}
		p = &v[(*n)++];
		memset(p, 0, sizeof(*p));
		p->id = db_col_int(st, 0);
		snprintf(p->status, sizeof(p->status), "%s", db_col_text(st, 1));
		p->contact = db_col_int(st, 2);
		p->level = strcmp(p->status, "active") == 0    ? demo_uniform(s, 3.0, 4.7)
			   : strcmp(p->status, "at_risk") == 0 ? demo_uniform(s, 1.8, 3.2)
							       : demo_uniform(s, 1.2, 2.6);
		for (size_t k = 0; k < ncomp; k++)
			p->offset[k] = demo_uniform(s, -0.9, 0.9);
	}
	*out = v;
	return rc;
}

enum adv_err
demo_research(struct db_conn *c, int64_t ws_id, int64_t author, int64_t competitor_id,
	      struct adv_errbuf *eb)
{
	struct catview cat;
	struct demo_survey sv = {&cat, {0}, 0};
	struct demo_respondent *people;
	struct arena a, row;
	uint64_t seed = DEMO_RESEARCH_SEED;
	int64_t sid;
	size_t n;
	enum adv_err rc;

	arena_init(&a, 0);
	arena_init(&row, DEMO_RESEARCH_ARENA);
	if ((rc = catview_read(c, &a, ws_id, &cat)) != ADV_OK)
		goto out;
	for (size_t k = 0; k < cat.ncomponents && sv.ncomp < DEMO_SURVEY_COMPONENTS_MAX; k++)
		if (cat.components[k].active)
			sv.comp[sv.ncomp++] = &cat.components[k];
	if ((rc = demo_respondents(c, &a, &seed, ws_id, sv.ncomp, &people, &n)) != ADV_OK)
		goto out;
	for (size_t w = 0; w < sizeof(demo_waves) / sizeof(demo_waves[0]); w++) {
		if ((rc = demo_study(c, &a, ws_id, demo_waves[w].name, STUDY_SURVEY,
				     demo_waves[w].status, demo_waves[w].from_days,
				     demo_waves[w].to_days, &sid, eb)) != ADV_OK ||
		    (rc = demo_questionnaire(c, &a, ws_id, sid, &sv, competitor_id, eb)) != ADV_OK)
			goto out;
		for (size_t i = 0; i < n; i++) {
			const struct demo_respondent *p = &people[i];
			long day = demo_waves[w].to_days +
				   (long)demo_pick(&seed, (unsigned)(demo_waves[w].from_days -
								     demo_waves[w].to_days));

			if (strcmp(p->status, "active") != 0 && strcmp(p->status, "at_risk") != 0)
				continue;
			if (demo_pick(&seed, 100) >= DEMO_ANSWER_PCT)
				continue;
			arena_reset(&row);
			rc = demo_respond(c, &row, ws_id, author, sid, p, RC_IMPORT,
					  demo_days_ago(&row, day),
					  demo_answers(&seed, &sv, p,
						       p->level + (strcmp(p->status, "active") == 0
								       ? demo_waves[w].lift
								       : -demo_waves[w].lift),
						       true),
					  &seed, eb);
			if (rc != ADV_OK)
				goto out;
		}
	}
	if ((rc = demo_study(c, &a, ws_id, demo_exit_name, STUDY_EXIT_INTERVIEW, STUDY_OPEN, 200, 5,
			     &sid, eb)) != ADV_OK ||
	    (rc = demo_questionnaire(c, &a, ws_id, sid, &sv, 0, eb)) != ADV_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct demo_respondent *p = &people[i];

		if (strcmp(p->status, "churned") != 0 || demo_pick(&seed, 3) == 0)
			continue;
		arena_reset(&row);
		rc = demo_respond(c, &row, ws_id, author, sid, p, RC_INTERVIEW,
				  demo_days_ago(&row, 5 + (long)demo_pick(&seed, 150)),
				  demo_answers(&seed, &sv, p, p->level, false), &seed, eb);
		if (rc != ADV_OK)
			goto out;
	}
out:
	arena_free(&row);
	arena_free(&a);
	return rc;
}
