/*
 * demo_requests.c — the demo's dialog window (see demo_impl.h): service
 * levels, and requests of the live clients over the last three months — a
 * complaint about a damaged batch, a late shipment, an invoice question,
 * praise for a manager … — at every stage of their life: new, answered,
 * waiting for the client, resolved and rated, closed; classified by
 * component, factor and journey stage, so that the inbox, the figures and
 * the loyalty signals show real structure. Made through the same core
 * functions as real use, then moved back in time.
 */
#include "core/demo_impl.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/request.h"
#include "core/request_settings.h"
#include "util/clock.h"

#define DEMO_REQ_SEED	  0x5E12C1CE2026ULL
#define DEMO_REQ_ARENA	  (1u << 20)
#define DEMO_REQ_CLIENTS  30 /* live clients that raise requests */
#define DEMO_REQ_DAYS	  90 /* requests spread over this many days */
#define DEMO_SECONDS_HOUR 3600
#define DEMO_SECONDS_DAY  86400

/* Where a request is in its life. */
enum demo_stage { DS_NEW, DS_ANSWERED, DS_WAITING, DS_RESOLVED, DS_CLOSED };

static const struct {
	enum request_kind kind;
	enum request_priority priority;
	const char *subject, *body, *reply;
	const char *component, *stage; /* codes in the catalogue and the journey */
	int polarity;		       /* the factor chosen: -1 a negative one, +1 a positive one */
} demo_requests[] = {
    {RK_COMPLAINT, RP_HIGH, "Рекламация: повреждённая партия",
     "Пришла партия с повреждённой упаковкой, 12 коробок из 40. Просим замену.",
     "Приносим извинения. Оформили замену, машина выйдет завтра.", "shipment", "purchase", -1},
    {RK_SHIPMENT_PROBLEM, RP_URGENT, "Отгрузка задерживается на три дня",
     "Отгрузку по заказу обещали во вторник, сейчас пятница. Стоит наша линия.",
     "Проверили: очередь на складе. Ставим ваш заказ первым на понедельник.", "shipment",
     "retention", -1},
    {RK_QUESTION, RP_NORMAL, "Счёт не соответствует спецификации",
     "В счёте цена по двум позициям выше, чем в спецификации к договору.",
     "Исправили счёт, новый во вложении к письму. Спасибо, что заметили.", "prices", "purchase",
     -1},
    {RK_QUESTION, RP_LOW, "Акт сверки за квартал",
     "Пришлите, пожалуйста, акт сверки за третий квартал.", "Акт сверки отправили через ЭДО.",
     "service", "retention", 0},
    {RK_PRAISE, RP_LOW, "Спасибо менеджеру",
     "Хотим отметить работу менеджера: быстро решил вопрос с поставкой в выходные.",
     "Спасибо! Передали коллеге и руководству.", "service", "loyalty", 1},
    {RK_SUGGESTION, RP_NORMAL, "Предложение: отсрочка платежа для постоянных клиентов",
     "Мы работаем с вами пятый год. Рассмотрите отсрочку платежа 30 дней.",
     "Передали в коммерческий отдел, вернёмся с ответом до конца месяца.", "terms", "loyalty", 0},
    {RK_ORDER_PROBLEM, RP_HIGH, "В заказе не та позиция",
     "Вместо артикула 4410 привезли 4401. Нужна замена до среды.",
     "Заменим: курьер заберёт и привезёт нужную позицию во вторник.", "shipment", "purchase", -1},
    {RK_QUESTION, RP_NORMAL, "Условия для нового филиала",
     "Открываем филиал в Казани. Действуют ли для него наши условия по договору?",
     "Да, условия действуют; пришлём дополнительное соглашение.", "terms", "choice", 0},
    {RK_COMPLAINT, RP_NORMAL, "Менеджер не отвечает второй день",
     "Не можем дозвониться до менеджера, письма без ответа.",
     "Простите за задержку: менеджер болел. Теперь на связи его заместитель.", "service",
     "retention", -1},
    {RK_OTHER, RP_LOW, "Доступ в личный кабинет для бухгалтерии",
     "Нужен доступ к документам для нашего бухгалтера.", "Выслали приглашение бухгалтеру на почту.",
     "service", "retention", 0},
};

#define DEMO_NREQUESTS (sizeof(demo_requests) / sizeof(demo_requests[0]))

static const char *const demo_rating_comments[] = {
    NULL, "Долго, но решили.", "Решили быстро, спасибо.", NULL, "Всё хорошо.",
};

static const char demo_settings[] =
    "{\"service_levels\":["
    "{\"first_response_minutes\":240,\"resolution_minutes\":2700},"
    "{\"kind\":\"complaint\",\"first_response_minutes\":60,\"resolution_minutes\":1080},"
    "{\"priority\":\"urgent\",\"first_response_minutes\":30,\"resolution_minutes\":480}]}";

static struct db_sql sql_clients =
    DB_SQL("SELECT a.id, (SELECT MIN(k.id) FROM contacts k WHERE k.workspace_id = a.workspace_id"
	   " AND k.account_id = a.id AND k.archived_at IS NULL) FROM accounts a"
	   " WHERE a.workspace_id = ?1 AND a.archived_at IS NULL AND a.status <> 'churned'"
	   " ORDER BY a.id LIMIT ?2");
static struct db_sql sql_component =
    DB_SQL("SELECT id FROM loyalty_components WHERE workspace_id = ?1 AND code = ?2");
static struct db_sql sql_factor =
    DB_SQL("SELECT f.id FROM loyalty_factors f JOIN loyalty_components c ON c.id = f.component_id"
	   " WHERE f.workspace_id = ?1 AND c.code = ?2 AND f.polarity = ?3 AND f.active = 1"
	   " ORDER BY f.position LIMIT 1");
static struct db_sql sql_stage =
    DB_SQL("SELECT id FROM journey_stages WHERE workspace_id = ?1 AND code = ?2");
static struct db_sql sql_back_in_time = DB_SQL(
    "UPDATE requests SET created_at = ?3, updated_at = ?4, last_message_at = ?4,"
    " first_response_at = CASE WHEN first_response_at IS NULL THEN NULL ELSE ?5 END,"
    " resolved_at = CASE WHEN resolved_at IS NULL THEN NULL ELSE ?6 END,"
    " closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE ?4 END,"
    " reopen_until = CASE WHEN reopen_until IS NULL THEN NULL ELSE ?7 END,"
    " rated_at = CASE WHEN rated_at IS NULL THEN NULL ELSE ?4 END,"
    " first_response_due_at = ?8, resolution_due_at = ?9 WHERE workspace_id = ?1 AND id = ?2");
static struct db_sql sql_messages_back =
    DB_SQL("UPDATE request_messages SET created_at = CASE WHEN author = 'client' AND id = (SELECT"
	   " MIN(m.id) FROM request_messages m WHERE m.workspace_id = ?1 AND m.request_id = ?2)"
	   " THEN ?3 ELSE ?4 END WHERE workspace_id = ?1 AND request_id = ?2");

/* The id sql finds for (?1 workspace, ?2 code[, ?3 polarity]); 0 when none. */
static int64_t
lookup(struct db_conn *c, struct db_sql *sql, int64_t ws_id, const char *code, int polarity)
{
	struct db_stmt *st;
	int64_t id = 0;
	bool row;

	if (db_prepare(c, sql, &st) != ADV_OK)
		return 0;
	db_bind_int(st, 1, ws_id);
	db_bind_text(st, 2, code);
	if (sql == &sql_factor)
		db_bind_int(st, 3, polarity);
	if (db_step(st, &row) == ADV_OK && row) {
		id = db_col_int(st, 0);
		db_done(st);
	}
	return id;
}

/* Moves request id back to created (seconds), answered after h1 and resolved after h2 hours. */
static enum adv_err
back_in_time(struct db_conn *c, const struct request_settings *set, int64_t ws_id,
	     const struct request *x, time_t created, long h1, long h2)
{
	char t0[CLOCK_TEXT_MAX], t1[CLOCK_TEXT_MAX], t2[CLOCK_TEXT_MAX], last[CLOCK_TEXT_MAX],
	    until[CLOCK_TEXT_MAX], due1[32], due2[32];
	struct db_stmt *st;
	enum adv_err rc;

	clock_format(created, t0);
	clock_format(created + h1 * DEMO_SECONDS_HOUR, t1);
	clock_format(created + h2 * DEMO_SECONDS_HOUR, t2);
	clock_format(created + (x->resolved_at ? h2 : h1) * DEMO_SECONDS_HOUR, last);
	clock_format(created + h2 * DEMO_SECONDS_HOUR + (time_t)set->reopen_days * DEMO_SECONDS_DAY,
		     until);
	request_deadlines(set, (int)x->kind, (int)x->priority, created, due1, due2);
	if ((rc = db_prepare(c, &sql_back_in_time, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, t0);
	db_bind_text(st, 4, x->first_response_at ? last : t0);
	db_bind_text(st, 5, t1);
	db_bind_text(st, 6, t2);
	db_bind_text(st, 7, until);
	db_bind_text(st, 8, due1[0] ? due1 : NULL);
	db_bind_text(st, 9, due2[0] ? due2 : NULL);
	if ((rc = db_exec(st)) != ADV_OK || (rc = db_prepare(c, &sql_messages_back, &st)) != ADV_OK)
		return rc;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, x->id);
	db_bind_text(st, 3, t0);
	db_bind_text(st, 4, t1);
	return db_exec(st);
}

/* Raises, answers and settles request number k of client (account, contact) as author. */
static enum adv_err
demo_one(struct db_conn *c, struct arena *a, const struct request_settings *set, int64_t ws_id,
	 int64_t author, int64_t account, int64_t contact, unsigned k, uint64_t *rng,
	 struct adv_errbuf *eb)
{
	struct request_actor staff = {.client = false, .user_id = author};
	struct request_actor client = {
	    .client = true, .account_id = account, .contact_id = contact};
	struct request_new in = {0};
	struct request_message msg;
	struct request x, patch;
	enum demo_stage stage = (enum demo_stage)demo_pick(rng, 5);
	unsigned t = k % DEMO_NREQUESTS;
	long days = (long)demo_pick(rng, DEMO_REQ_DAYS) + (stage == DS_NEW ? 0 : 2);
	long h1 = 1 + (long)demo_pick(rng, 10), h2 = h1 + 2 + (long)demo_pick(rng, 60);
	time_t created = time(NULL) - days * DEMO_SECONDS_DAY - (time_t)demo_pick(rng, 20000);
	enum adv_err rc;

	in.account_id = account;
	in.contact_id = contact;
	in.kind = demo_requests[t].kind;
	in.priority = demo_requests[t].priority;
	in.subject = demo_requests[t].subject;
	in.body = demo_requests[t].body;
	if ((rc = request_create(c, a, ws_id, &staff, &in, &x, eb)) != ADV_OK)
		return rc;
	if (stage == DS_NEW)
		return back_in_time(c, set, ws_id, &x, time(NULL) - (time_t)demo_pick(rng, 20000),
				    h1, h2);
	memset(&msg, 0, sizeof(msg));
	if ((rc = request_reply(c, a, ws_id, &staff, x.id, demo_requests[t].reply, false,
				stage == DS_WAITING    ? RS_WAITING
				: stage >= DS_RESOLVED ? RS_RESOLVED
						       : -1,
				&msg, &x, eb)) != ADV_OK)
		return rc;
	memset(&patch, 0, sizeof(patch));
	patch.component_id = lookup(c, &sql_component, ws_id, demo_requests[t].component, 0);
	patch.factor_id = demo_requests[t].polarity != 0
			      ? lookup(c, &sql_factor, ws_id, demo_requests[t].component,
				       demo_requests[t].polarity)
			      : 0;
	patch.stage_id = lookup(c, &sql_stage, ws_id, demo_requests[t].stage, 0);
	if ((rc = request_update(c, a, ws_id, author, x.id, 0, &patch,
				 RF_BIT(RF_COMPONENT) | RF_BIT(RF_FACTOR) | RF_BIT(RF_STAGE), &x,
				 eb)) != ADV_OK)
		return rc;
	if (stage >= DS_RESOLVED) {
		int rating = demo_requests[t].polarity < 0 ? 2 + (int)demo_pick(rng, 3)
							   : 4 + (int)demo_pick(rng, 2);

		if ((rc = request_mark_helpful(c, a, ws_id, &client, x.id, msg.id, rating >= 3,
					       &msg, eb)) != ADV_OK ||
		    (rc = request_rate(c, a, ws_id, &client, x.id, rating,
				       demo_rating_comments[rating - 1], &x, eb)) != ADV_OK)
			return rc;
	}
	if (stage == DS_CLOSED &&
	    (rc = request_client_move(c, a, ws_id, &client, x.id, RS_CLOSED, &x, eb)) != ADV_OK)
		return rc;
	return back_in_time(c, set, ws_id, &x, created, h1, h2);
}

enum adv_err
demo_dialog(struct db_conn *c, int64_t ws_id, int64_t author, struct adv_errbuf *eb)
{
	struct request_settings set;
	int64_t accounts[DEMO_REQ_CLIENTS], contacts[DEMO_REQ_CLIENTS];
	uint64_t rng = DEMO_REQ_SEED;
	struct arena a;
	json_t *doc = NULL;
	struct db_stmt *st;
	size_t n = 0;
	unsigned k = 0;
	enum adv_err rc;
	bool row;

	arena_init(&a, DEMO_REQ_ARENA);
	if ((doc = json_loads(demo_settings, 0, NULL)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	if ((rc = request_settings_put(c, &a, ws_id, author, 0, doc, &set, eb)) != ADV_OK ||
	    (rc = db_prepare(c, &sql_clients, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, ws_id);
	db_bind_int(st, 2, DEMO_REQ_CLIENTS);
	while ((rc = db_step(st, &row)) == ADV_OK && row) {
		accounts[n] = db_col_int(st, 0);
		contacts[n++] = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
	}
	if (rc != ADV_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		unsigned count = 1 + demo_pick(&rng, 3);

		for (unsigned j = 0; j < count; j++, k++) {
			if ((rc = demo_one(c, &a, &set, ws_id, author, accounts[i], contacts[i], k,
					   &rng, eb)) != ADV_OK)
				goto out;
			arena_reset(&a);
			if ((rc = request_settings_load(c, &a, ws_id, &set)) != ADV_OK)
				goto out;
		}
	}
out:
	json_decref(doc);
	arena_free(&a);
	return rc;
}
