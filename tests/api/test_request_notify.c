/*
 * test_request_notify.c — what request changes send out (docs/webhooks.md,
 * src/core/request_notify.c), over real HTTP with a delivery worker, a local
 * webhook receiver per workspace and a local SMTP sink
 * (outbound_fixtures.c): request.created, request.message,
 * request.resolved and request.rated reach the workspace's endpoint signed
 * with its secret and carrying the documented payload with the instance's
 * public links; an internal note sends nothing; a change that is refused or
 * rolled back queues nothing; e-mail reaches the client's person (in their
 * language) on a public reply, a request waiting for them and a resolution,
 * the assignee on an assignment by someone else or a rule and on the
 * client's message, the company's owner on an escalation — and never the
 * person who acted; one workspace's endpoint never sees another's events.
 * What is queued is checked in the outbox tables at once (exact, as it
 * commits with the change); what is sent, at the receivers with a deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/outbox.h"
#include "core/portal.h"
#include "core/public_url.h"
#include "core/request.h"
#include "harness.h"
#include "outbound_fixtures.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"
#define PORTAL	 "/api/v1/portal/requests"
#define PUBLIC	 "https://cx.example.test"
#define TEXT_MAX 512
#define HDRS_MAX 4
#define LONG_N	 20000 /* characters of the longest message: four bytes each below */

static struct harness *h;
static struct outbound_worker *worker;
static struct sink *sink;
static struct receiver *rx_acme, *rx_other;
static int64_t ep_acme, ep_other;
static char secret_acme[OUTBOX_SECRET_MAX], secret_other[OUTBOX_SECRET_MAX];

/* A portal session as a browser keeps it. */
struct browser {
	char cookie[TEXT_MAX]; /* "Cookie: advocate_portal=…" */
	char csrf[TEXT_MAX];
};

/* A text made by printf, in one of eight static buffers. */
static const char *
textf(const char *fmt, ...)
{
	static char bufs[8][TEXT_MAX];
	static unsigned next;
	char *out = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, TEXT_MAX, fmt, ap);
	va_end(ap);
	return out;
}

static int64_t
num(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static const char *
str(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));

	return v ? v : "";
}

/* POSTs body to path as user, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = num(j, "id");

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* b's method on path with body (and its CSRF token), asserting status; the JSON or NULL. */
static json_t *
call_b(const struct browser *b, const char *method, const char *path, const char *body, long status)
{
	char tok[TEXT_MAX + 32];
	const char *hdrs[HDRS_MAX] = {b->cookie, tok, NULL};
	struct hresp r;
	json_t *j;

	snprintf(tok, sizeof(tok), "X-CSRF-Token: %s", b->csrf);
	assert_int_equal(hreq(h, method, path, U__MAX, body ? "application/json" : NULL, body,
			      body ? strlen(body) : 0, hdrs, &r),
			 0);
	if (r.status != status)
		fprintf(stderr, "# %s %s: %ld, wanted %ld: %s\n", method, path, r.status, status,
			r.body);
	assert_int_equal(r.status, status);
	j = r.json ? json_incref(r.json) : NULL;
	hresp_free(&r);
	return j;
}

/*
 * A contact named name with e-mail address email at company acc of acme,
 * invited to the portal in lang (NULL: the default) when invite; its id.
 * With b, the person signs in by the invitation link into *b.
 */
static int64_t
person(int64_t acc, const char *name, const char *email, const char *lang, bool invite,
       struct browser *b)
{
	int64_t cid = create(textf(WS "/accounts/%lld/contacts", (long long)acc), U_OWNER,
			     textf("{\"name\":\"%s\",\"emails\":[\"%s\"]}", name, email));
	const char *link;
	struct hresp r;
	json_t *j;
	char *set;

	if (!invite)
		return cid;
	j = hcall(h, "POST", WS "/portal-users", U_OWNER,
		  lang ? textf("{\"contact_id\":%lld,\"lang\":\"%s\"}", (long long)cid, lang)
		       : textf("{\"contact_id\":%lld}", (long long)cid),
		  NULL, 201);
	link = str(j, "link");
	assert_true(strncmp(link, PORTAL_LINK_PREFIX, strlen(PORTAL_LINK_PREFIX)) == 0);
	if (b != NULL) {
		memset(b, 0, sizeof(*b));
		assert_int_equal(
		    hjson(h, "POST", "/api/v1/portal/auth/link", U__MAX,
			  textf("{\"token\":\"%s\"}", link + strlen(PORTAL_LINK_PREFIX)), &r),
		    200);
		set = hresp_header(&r, "Set-Cookie");
		assert_non_null(set);
		snprintf(b->cookie, sizeof(b->cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
		free(set);
		snprintf(b->csrf, sizeof(b->csrf), "%s", str(r.json, "csrf_token"));
		hresp_free(&r);
	}
	json_decref(j);
	return cid;
}

/* A count the database answers for sql with text parameters p1 and p2 (p2 may be NULL). */
static int64_t
count_sql(struct db_sql *sql, const char *p1, const char *p2, int64_t i3)
{
	struct db_conn *c;
	struct db_stmt *st;
	int64_t n = -1;
	bool row = false;

	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_prepare(c, sql, &st), ADV_OK);
	db_bind_text(st, 1, p1);
	db_bind_text(st, 2, p2);
	db_bind_int(st, 3, i3);
	assert_int_equal(db_step(st, &row), ADV_OK);
	assert_true(row);
	n = db_col_int(st, 0);
	db_done(st);
	db_release(h->db, c);
	return n;
}

/* E-mail queued to address to whose subject contains needle (NULL: any). */
static int64_t
mails_to(const char *to, const char *needle)
{
	static struct db_sql sql = DB_SQL("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?1"
					  " AND (?2 IS NULL OR subject LIKE ?2) AND ?3 = ?3");

	return count_sql(&sql, to, needle ? textf("%%%s%%", needle) : NULL, 0);
}

/* Deliveries of event type (NULL: any) about request id queued for endpoint ep. */
static int64_t
deliveries_of(int64_t ep, const char *type, int64_t id)
{
	static struct db_sql sql =
	    DB_SQL("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?3"
		   " AND (?2 IS NULL OR event_type = ?2) AND payload LIKE ?1");

	return count_sql(&sql, textf("{\"request\":{\"id\":%lld,%%", (long long)id), type, ep);
}

/*
 * Waits (with the deadline) for the delivery of event type about request id
 * (and message mid when mid > 0) at rx, checks its signature with secret
 * and its envelope, and returns its body (a new reference).
 */
static json_t *
delivery_for(struct receiver *rx, const char *secret, const char *ws, const char *type, int64_t id,
	     int64_t mid)
{
	int64_t until = now_ms() + WAIT_MS;
	char event[64], did[32];

	for (;;) {
		unsigned n = receiver_count(rx);

		for (unsigned i = 0; i < n; i++) {
			const struct rx_req *q = &rx->reqs[i];
			json_t *j, *data;

			if (!head_value(q->head, "X-Advocate-Event", event, sizeof(event)) ||
			    strcmp(event, type) != 0)
				continue;
			j = json_loadb(q->body, q->body_len, 0, NULL);
			data = json_object_get(j, "data");
			if (num(json_object_get(data, "request"), "id") != id ||
			    (mid > 0 && num(json_object_get(data, "message"), "id") != mid)) {
				json_decref(j);
				continue;
			}
			check_signature(q, secret);
			assert_true(head_value(q->head, "X-Advocate-Delivery", did, sizeof(did)));
			assert_int_equal(num(j, "id"), strtoll(did, NULL, 10));
			assert_string_equal(str(j, "type"), type);
			assert_string_equal(str(j, "workspace"), ws);
			assert_true(strlen(str(j, "created_at")) >= 20);
			return j;
		}
		if (now_ms() >= until)
			break;
		sleep_ms(10);
	}
	fprintf(stderr, "# no %s delivery about request %lld\n", type, (long long)id);
	fail();
	return NULL;
}

/* The data of body j, the request in it. */
static json_t *
data_of(json_t *j)
{
	return json_object_get(j, "data");
}

static json_t *
request_of(json_t *j)
{
	return json_object_get(data_of(j), "request");
}

/* Waits for the e-mail to rcpt whose subject contains needle; its decoded body (free it). */
static char *
mail_for(const char *rcpt, const char *needle, char *subject, size_t n)
{
	const struct sink_msg *m = sink_wait_for(sink, rcpt, needle);
	char value[1024];

	mail_header(m->data, "Subject", value, sizeof(value));
	if (strncmp(value, "=?UTF-8?B?", 10) == 0)
		subject_decode(value, subject, n);
	else
		snprintf(subject, n, "%s", value);
	mail_header(m->data, "To", value, sizeof(value));
	assert_string_equal(value, rcpt);
	return mail_body(m->data);
}

/* Asserts that text contains part. */
static void
has(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fprintf(stderr, "# no \"%s\" in:\n%s\n", part, text);
	assert_non_null(strstr(text, part));
}

/* Waits until the worker has made two whole passes: what was due has been sent. */
static void
settle(void)
{
	uint64_t passes = outbound_worker_passes(worker);

	while (outbound_worker_passes(worker) < passes + 2)
		sleep_ms(5);
}

/* The members of a payload's request, as docs/webhooks.md lists them. */
static const char *const request_members[] = {
    "id",
    "subject",
    "kind",
    "priority",
    "status",
    "channel",
    "account_id",
    "account_name",
    "account_external_id",
    "contact_id",
    "contact_name",
    "assignee_email",
    "assignee_name",
    "component_id",
    "component_name",
    "factor_id",
    "stage_id",
    "stage_name",
    "created_at",
    "resolved_at",
    "rating",
    "staff_url",
    "portal_url",
};

static void
test_portal_flow(void **state)
{
	struct browser b;
	const char *olga = "olga@notify.test", *analyst = h->email[U_ANALYST];
	char subject[512], *body;
	int64_t acc, cid, id, note, reply, said, resolve;
	json_t *j, *x, *m, *cat, *comp, *jour, *stage;

	(void)state;
	acc =
	    create(WS "/accounts", U_OWNER, "{\"name\":\"ООО Ромашка\",\"external_id\":\"CRM-7\"}");
	cid = person(acc, "Ольга Смирнова", olga, NULL, true, &b);

	/* Raised on the portal: request.created; the rule's assignee is mailed, not the client. */
	j = call_b(&b, "POST", PORTAL,
		   "{\"kind\":\"complaint\",\"subject\":\"Сломанный поддон\",\"body\":\"Привезли "
		   "сломанный поддон.\\n<b>Не HTML</b>\"}",
		   201);
	id = num(j, "id");
	json_decref(j);
	j = delivery_for(rx_acme, secret_acme, "acme", "request.created", id, 0);
	x = request_of(j);
	for (size_t i = 0; i < sizeof(request_members) / sizeof(request_members[0]); i++) {
		if (json_object_get(x, request_members[i]) == NULL)
			fprintf(stderr, "# no \"%s\" in the payload's request\n",
				request_members[i]);
		assert_non_null(json_object_get(x, request_members[i]));
	}
	assert_string_equal(str(x, "subject"), "Сломанный поддон");
	assert_string_equal(str(x, "kind"), "complaint");
	assert_string_equal(str(x, "priority"), "normal");
	assert_string_equal(str(x, "status"), "new");
	assert_string_equal(str(x, "channel"), "portal");
	assert_int_equal(num(x, "account_id"), acc);
	assert_string_equal(str(x, "account_name"), "ООО Ромашка");
	assert_string_equal(str(x, "account_external_id"), "CRM-7");
	assert_int_equal(num(x, "contact_id"), cid);
	assert_string_equal(str(x, "contact_name"), "Ольга Смирнова");
	assert_string_equal(str(x, "assignee_email"), analyst);
	assert_true(json_is_null(json_object_get(x, "component_id")));
	assert_true(json_is_null(json_object_get(x, "stage_id")));
	assert_true(json_is_null(json_object_get(x, "resolved_at")));
	assert_true(json_is_null(json_object_get(x, "rating")));
	assert_true(strlen(str(x, "created_at")) >= 20);
	assert_string_equal(str(x, "staff_url"),
			    textf(PUBLIC "/#/w/acme/requests/%lld", (long long)id));
	assert_string_equal(str(x, "portal_url"),
			    textf(PUBLIC "/portal/?ws=acme#/r/%lld", (long long)id));
	m = json_object_get(data_of(j), "message");
	assert_string_equal(str(m, "author"), "client");
	assert_string_equal(str(m, "author_name"), "Ольга Смирнова");
	assert_string_equal(str(m, "body"), "Привезли сломанный поддон.\n<b>Не HTML</b>");
	assert_null(json_object_get(m, "body_truncated"));
	json_decref(j);
	body = mail_for(analyst, textf("Вам назначен запрос №%lld", (long long)id), subject,
			sizeof(subject));
	assert_string_equal(subject,
			    textf("Вам назначен запрос №%lld: Сломанный поддон", (long long)id));
	has(body, textf("Здравствуйте, %s!", analyst));
	has(body, "Компания: ООО Ромашка");
	has(body, "Контакт: Ольга Смирнова");
	has(body, "Тип: Рекламация");
	has(body, "Приоритет: обычный");
	has(body, "Привезли сломанный поддон.\n<b>Не HTML</b>");
	has(body, textf("Открыть запрос: " PUBLIC "/#/w/acme/requests/%lld", (long long)id));
	free(body);
	assert_int_equal(mails_to(olga, NULL), 0);

	/* An internal note: no request.message, no e-mail to the client. */
	j = hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
		  "{\"body\":\"Внутренняя заметка: проверить склад\",\"internal\":true}", NULL,
		  201);
	note = num(json_object_get(j, "message"), "id");
	json_decref(j);
	assert_true(note > 0);
	assert_int_equal(deliveries_of(ep_acme, "request.message", id), 0);
	assert_int_equal(mails_to(olga, NULL), 0);

	/* A public reply: request.message by staff, and the client's e-mail with the reply. */
	j = hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
		  "{\"body\":\"Заменим поддон завтра.\"}", NULL, 201);
	reply = num(json_object_get(j, "message"), "id");
	json_decref(j);
	j = delivery_for(rx_acme, secret_acme, "acme", "request.message", id, reply);
	m = json_object_get(data_of(j), "message");
	assert_string_equal(str(m, "author"), "staff");
	assert_string_equal(str(m, "author_name"), h->email[U_OWNER]);
	assert_string_equal(str(m, "body"), "Заменим поддон завтра.");
	assert_string_equal(str(request_of(j), "status"), "open");
	json_decref(j);
	body = mail_for(olga, textf("Ответ по запросу №%lld", (long long)id), subject,
			sizeof(subject));
	assert_string_equal(subject,
			    textf("Ответ по запросу №%lld: Сломанный поддон", (long long)id));
	has(body, "Здравствуйте, Ольга Смирнова!");
	has(body, textf("Пришёл ответ на ваш запрос №%lld «Сломанный поддон».", (long long)id));
	has(body, textf("%s (Acme Supply):\n\nЗаменим поддон завтра.", h->email[U_OWNER]));
	has(body, textf(PUBLIC "/portal/?ws=acme#/r/%lld", (long long)id));
	assert_null(strstr(body, "Внутренняя"));
	free(body);
	assert_int_equal(mails_to(olga, NULL), 1);
	assert_int_equal(mails_to(h->email[U_OWNER], NULL), 0);

	/* The client writes: request.message by the client, and the assignee's e-mail. */
	j = call_b(&b, "POST", textf(PORTAL "/%lld/messages", (long long)id),
		   "{\"body\":\"Спасибо, ждём.\"}", 201);
	said = num(json_object_get(j, "message"), "id");
	json_decref(j);
	j = delivery_for(rx_acme, secret_acme, "acme", "request.message", id, said);
	assert_string_equal(str(json_object_get(data_of(j), "message"), "author"), "client");
	json_decref(j);
	body = mail_for(analyst, textf("Новое сообщение клиента, запрос №%lld", (long long)id),
			subject, sizeof(subject));
	has(body, "Ольга Смирнова (ООО Ромашка):\n\nСпасибо, ждём.");
	free(body);
	assert_int_equal(mails_to(olga, NULL), 1);

	/* Classified by staff: no event now; the next payloads carry the classification. */
	cat = hcall(h, "GET", WS "/loyalty/components", U_VIEWER, NULL, NULL, 200);
	comp = json_array_get(json_object_get(cat, "items"), 0);
	jour = hcall(h, "GET", WS "/journey", U_VIEWER, NULL, NULL, 200);
	stage = json_array_get(json_object_get(jour, "stages"), 0);
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  textf("{\"component_id\":%lld,\"stage_id\":%lld}",
				(long long)num(comp, "id"), (long long)num(stage, "id")),
			  NULL, 200));
	assert_int_equal(deliveries_of(ep_acme, NULL, id), 3);

	/* Waiting for the client: an e-mail, no event. */
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"waiting\"}", NULL, 200));
	body = mail_for(olga, textf("Запрос №%lld ждёт вашего ответа", (long long)id), subject,
			sizeof(subject));
	has(body, textf("По вашему запросу №%lld «Сломанный поддон» мы ждём вашего ответа.",
			(long long)id));
	free(body);
	assert_int_equal(deliveries_of(ep_acme, "request.resolved", id), 0);

	/* The assignee resolves with a reply: request.message and request.resolved; one e-mail. */
	j = hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id), U_ANALYST,
		  "{\"body\":\"Поддон заменён.\",\"status\":\"resolved\"}", NULL, 201);
	resolve = num(json_object_get(j, "message"), "id");
	json_decref(j);
	json_decref(delivery_for(rx_acme, secret_acme, "acme", "request.message", id, resolve));
	j = delivery_for(rx_acme, secret_acme, "acme", "request.resolved", id, 0);
	x = request_of(j);
	assert_string_equal(str(x, "status"), "resolved");
	assert_true(strlen(str(x, "resolved_at")) >= 20);
	assert_int_equal(num(x, "component_id"), num(comp, "id"));
	assert_string_equal(str(x, "component_name"), str(json_object_get(comp, "name"), "ru"));
	assert_int_equal(num(x, "stage_id"), num(stage, "id"));
	assert_string_equal(str(x, "stage_name"), str(json_object_get(stage, "name"), "ru"));
	assert_true(strlen(str(x, "component_name")) > 0 && strlen(str(x, "stage_name")) > 0);
	assert_null(json_object_get(data_of(j), "message"));
	json_decref(j);
	body = mail_for(olga, textf("Запрос №%lld решён", (long long)id), subject, sizeof(subject));
	assert_string_equal(subject, textf("Запрос №%lld решён: Сломанный поддон", (long long)id));
	has(body, "Поддон заменён.");
	has(body, textf("Пожалуйста, оцените, как мы справились (от 1 до 5): " PUBLIC
			"/portal/?ws=acme#/r/%lld",
			(long long)id));
	free(body);
	assert_int_equal(mails_to(olga, NULL), 3);
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)id)), 2);

	/* The client rates: request.rated with the rating and the comment. */
	json_decref(call_b(&b, "PUT", textf(PORTAL "/%lld/rating", (long long)id),
			   "{\"rating\":4,\"comment\":\"Быстро, спасибо\"}", 200));
	j = delivery_for(rx_acme, secret_acme, "acme", "request.rated", id, 0);
	assert_int_equal(num(data_of(j), "rating"), 4);
	assert_string_equal(str(data_of(j), "comment"), "Быстро, спасибо");
	assert_int_equal(num(request_of(j), "rating"), 4);
	json_decref(j);

	/* Each event once for this request; the client got three e-mails, the actors none. */
	assert_int_equal(deliveries_of(ep_acme, "request.created", id), 1);
	assert_int_equal(deliveries_of(ep_acme, "request.message", id), 3);
	assert_int_equal(deliveries_of(ep_acme, "request.resolved", id), 1);
	assert_int_equal(deliveries_of(ep_acme, "request.rated", id), 1);
	assert_int_equal(mails_to(olga, NULL), 3);
	assert_int_equal(mails_to(h->email[U_OWNER], NULL), 0);
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)id)), 2);

	/* The client reopens it: the assignee hears of it; no event, nothing to the client. */
	json_decref(call_b(&b, "POST", textf(PORTAL "/%lld/reopen", (long long)id), NULL, 200));
	body = mail_for(analyst, textf("Клиент вновь открыл запрос №%lld", (long long)id), subject,
			sizeof(subject));
	assert_string_equal(
	    subject, textf("Клиент вновь открыл запрос №%lld: Сломанный поддон", (long long)id));
	has(body, textf("Клиент вновь открыл запрос №%lld «Сломанный поддон»", (long long)id));
	free(body);
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)id)), 3);
	assert_int_equal(mails_to(olga, NULL), 3);
	assert_int_equal(deliveries_of(ep_acme, NULL, id), 6);
	json_decref(cat);
	json_decref(jour);
	(void)note;
}

static void
test_english_person(void **state)
{
	const char *john = "john@notify.test", *plain = "nobody@notify.test";
	char subject[512], *body;
	int64_t acc, cid, other, id, id2;
	json_t *j, *x;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"Smith & Sons\"}");
	cid = person(acc, "John Smith", john, "en", true, NULL);
	other = person(acc, "No Portal", plain, NULL, false, NULL);

	/* Recorded by staff: request.created on the staff channel, the first words the client's. */
	id = create(WS "/requests", U_OWNER,
		    textf("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"question\","
			  "\"subject\":\"Invoice copy\",\"body\":\"Please send the invoice.\"}",
			  (long long)acc, (long long)cid));
	j = delivery_for(rx_acme, secret_acme, "acme", "request.created", id, 0);
	x = request_of(j);
	assert_string_equal(str(x, "channel"), "staff");
	assert_true(json_is_null(json_object_get(x, "assignee_email")));
	assert_true(json_is_null(json_object_get(x, "account_external_id")));
	assert_string_equal(str(json_object_get(data_of(j), "message"), "author"), "client");
	json_decref(j);

	/* A reply that waits for the client: one e-mail in English. */
	json_decref(hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
			  "{\"body\":\"Which month?\",\"status\":\"waiting\"}", NULL, 201));
	body = mail_for(john, textf("Request #%lld awaits your answer", (long long)id), subject,
			sizeof(subject));
	assert_string_equal(subject,
			    textf("Request #%lld awaits your answer: Invoice copy", (long long)id));
	has(body, "Hello John Smith,");
	has(body, "Which month?");
	has(body, textf("Reply and read the whole thread: " PUBLIC "/portal/?ws=acme#/r/%lld",
			(long long)id));
	has(body, "Best regards,\nAcme Supply");
	assert_null(strstr(body, "Здравствуйте"));
	free(body);

	/* Resolved by a change of status alone: request.resolved and the English invitation. */
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"resolved\"}", NULL, 200));
	json_decref(delivery_for(rx_acme, secret_acme, "acme", "request.resolved", id, 0));
	body = mail_for(john, textf("Request #%lld is resolved", (long long)id), subject,
			sizeof(subject));
	has(body, textf("Your request #%lld “Invoice copy” is resolved.", (long long)id));
	has(body, textf("Please rate how we did (1 to 5): " PUBLIC "/portal/?ws=acme#/r/%lld",
			(long long)id));
	free(body);
	assert_int_equal(mails_to(john, NULL), 2);

	/* A person without portal access is not mailed (the e-mail leads to the portal). */
	id2 = create(WS "/requests", U_OWNER,
		     textf("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"question\","
			   "\"subject\":\"By phone\",\"body\":\"Called us.\"}",
			   (long long)acc, (long long)other));
	json_decref(hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id2), U_OWNER,
			  "{\"body\":\"Done.\",\"status\":\"resolved\"}", NULL, 201));
	assert_int_equal(deliveries_of(ep_acme, "request.resolved", id2), 1);
	assert_int_equal(mails_to(plain, NULL), 0);
}

static void
test_assignment(void **state)
{
	const char *analyst = h->email[U_ANALYST], *manager = h->email[U_MANAGER];
	const char *owner = h->email[U_OWNER];
	char subject[512], *body;
	int64_t acc, q, c1, c2;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"ООО Назначения\"}");
	/* No rule for questions: nobody is assigned, nobody mailed. */
	q = create(WS "/requests", U_OWNER,
		   textf("{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"Кому?\","
			 "\"body\":\"Вопрос без правила.\"}",
			 (long long)acc));
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)q)), 0);
	/* Assigned by hand by someone else: the assignee is mailed. */
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)q), U_OWNER,
			  textf("{\"assignee_email\":\"%s\"}", manager), NULL, 200));
	body = mail_for(manager, textf("Вам назначен запрос №%lld", (long long)q), subject,
			sizeof(subject));
	has(body, "Компания: ООО Назначения");
	assert_null(strstr(body, "Контакт:"));
	assert_null(strstr(body, "Текст запроса"));
	free(body);
	/* Assigning oneself mails nobody. */
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)q), U_ANALYST,
			  textf("{\"assignee_email\":\"%s\"}", analyst), NULL, 200));
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)q)), 0);
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)q), U_OWNER,
			  textf("{\"assignee_email\":\"%s\"}", owner), NULL, 200));
	assert_int_equal(mails_to(owner, NULL), 0);
	assert_int_equal(mails_to(manager, textf("№%lld", (long long)q)), 1);
	/* By the rule: mailed when someone else records the complaint, not when they do. */
	c1 = create(WS "/requests", U_OWNER,
		    textf("{\"account_id\":%lld,\"kind\":\"complaint\",\"subject\":\"Брак\","
			  "\"body\":\"Брак в партии.\"}",
			  (long long)acc));
	body = mail_for(analyst, textf("Вам назначен запрос №%lld", (long long)c1), subject,
			sizeof(subject));
	has(body, "Текст запроса:\n\nБрак в партии.");
	free(body);
	c2 = create(WS "/requests", U_ANALYST,
		    textf("{\"account_id\":%lld,\"kind\":\"complaint\",\"subject\":\"Брак 2\","
			  "\"body\":\"Снова брак.\"}",
			  (long long)acc));
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)c2)), 0);
	/* No client's person: no client e-mail, whatever staff write. */
	json_decref(hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)c1), U_OWNER,
			  "{\"body\":\"Разбираемся.\",\"status\":\"waiting\"}", NULL, 201));
	assert_int_equal(mails_to(analyst, textf("№%lld", (long long)c1)), 1);
}

/* Mail and deliveries queued in all: the state a refused change must leave as it was. */
static void
outbox_totals(int64_t *mails, int64_t *deliveries)
{
	static struct db_sql sql_m =
	    DB_SQL("SELECT COUNT(*) FROM mail_outbox WHERE ?1 = ?1 AND ?2 IS NULL AND ?3 = ?3");
	static struct db_sql sql_d = DB_SQL(
	    "SELECT COUNT(*) FROM webhook_deliveries WHERE ?1 = ?1 AND ?2 IS NULL AND ?3 = ?3");

	*mails = count_sql(&sql_m, "", NULL, 0);
	*deliveries = count_sql(&sql_d, "", NULL, 0);
}

static void
test_rollback(void **state)
{
	const char *vera = "vera@notify.test";
	struct request_actor staff = {.client = false, .user_id = h->user_id[U_OWNER]};
	struct adv_errbuf eb = {{0}, {0}};
	struct request_message msg;
	struct request out;
	struct browser b;
	struct db_conn *c;
	struct arena a;
	int64_t acc, cid, id, mails, dels, mails2, dels2, inside;
	const char *v1[2] = {"If-Match: \"1\"", NULL};
	json_t *j;

	(void)state;
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"ООО Откат\"}");
	cid = person(acc, "Вера Откатова", vera, NULL, true, &b);
	j = call_b(&b, "POST", PORTAL,
		   "{\"kind\":\"complaint\",\"subject\":\"Откат\",\"body\":\"Проверка отката.\"}",
		   201);
	id = num(j, "id");
	json_decref(j);
	json_decref(delivery_for(rx_acme, secret_acme, "acme", "request.created", id, 0));

	/* A resolving reply inside a transaction that rolls back leaves nothing queued. */
	outbox_totals(&mails, &dels);
	arena_init(&a, 0);
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(db_begin(c), ADV_OK);
	memset(&msg, 0, sizeof(msg));
	assert_int_equal(request_reply(c, &a, h->ws_acme, &staff, id, "Откатится.", false,
				       RS_RESOLVED, &msg, &out, &eb),
			 ADV_OK);
	{
		static struct db_sql sql =
		    DB_SQL("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?1");
		struct db_stmt *st;
		bool row = false;

		/* Queued inside the transaction… */
		assert_int_equal(db_prepare(c, &sql, &st), ADV_OK);
		db_bind_text(st, 1, vera);
		assert_int_equal(db_step(st, &row), ADV_OK);
		assert_true(row);
		inside = db_col_int(st, 0);
		db_done(st);
		assert_int_equal(inside, 1);
	}
	db_rollback(c);
	db_release(h->db, c);
	arena_free(&a);
	/* …and gone with it. */
	outbox_totals(&mails2, &dels2);
	assert_int_equal(mails2, mails);
	assert_int_equal(dels2, dels);
	assert_int_equal(mails_to(vera, NULL), 0);
	assert_int_equal(deliveries_of(ep_acme, "request.message", id), 0);
	assert_int_equal(deliveries_of(ep_acme, "request.resolved", id), 0);

	/*
	 * Refused over HTTP: a version that moved on, a client's message to a
	 * resolved request, moves that are not allowed, bad bodies.
	 */
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"resolved\"}", v1, 200));
	assert_int_equal(mails_to(vera, NULL), 1);
	outbox_totals(&mails, &dels);
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"waiting\"}", v1, 412));
	json_decref(call_b(&b, "POST", textf(PORTAL "/%lld/messages", (long long)id),
			   "{\"body\":\"Пишу в решённый.\"}", 409));
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id), U_OWNER,
			  "{\"status\":\"new\"}", NULL, 409));
	json_decref(hcall(h, "POST", textf(WS "/requests/%lld/messages", (long long)id), U_OWNER,
			  "{\"body\":\"\"}", NULL, 422));
	json_decref(
	    call_b(&b, "PUT", textf(PORTAL "/%lld/rating", (long long)id), "{\"rating\":9}", 422));
	outbox_totals(&mails2, &dels2);
	assert_int_equal(mails2, mails);
	assert_int_equal(dels2, dels);
	(void)cid;
}

static void
test_long_message(void **state)
{
	static const char emoji[] = "\xF0\x9F\x98\x80"; /* four bytes of UTF-8, one character */
	size_t len = LONG_N * 4;
	char *text = malloc(len + 1), *req = malloc(len + 256);
	int64_t acc, id;
	json_t *j, *m;
	const char *body;

	(void)state;
	assert_non_null(text);
	assert_non_null(req);
	for (size_t i = 0; i < LONG_N; i++)
		memcpy(text + 4 * i, emoji, 4);
	text[len] = '\0';
	acc = create(WS "/accounts", U_OWNER, "{\"name\":\"ООО Длинное письмо\"}");
	snprintf(req, len + 256,
		 "{\"account_id\":%lld,\"kind\":\"other\",\"subject\":\"Длинно\",\"body\":\"%s\"}",
		 (long long)acc, text);
	/* The longest message is taken, and its payload cut to fit the outbox. */
	id = create(WS "/requests", U_OWNER, req);
	j = delivery_for(rx_acme, secret_acme, "acme", "request.created", id, 0);
	m = json_object_get(data_of(j), "message");
	body = str(m, "body");
	assert_true(json_is_true(json_object_get(m, "body_truncated")));
	assert_true(strlen(body) > 1000 && strlen(body) < len);
	assert_int_equal(strlen(body) % 4, 0);
	assert_int_equal(strncmp(body, text, strlen(body)), 0);
	json_decref(j);
	free(text);
	free(req);
}

static void
test_escalation(void **state)
{
	const char *manager = h->email[U_MANAGER], *manager2 = h->email[U_MANAGER2];
	const char *analyst = h->email[U_ANALYST];
	char subject[512], *body;
	struct db_conn *c;
	int64_t acc1, acc2, id1, id2;
	unsigned n = 0;

	(void)state;
	acc1 = create(WS "/accounts", U_OWNER,
		      textf("{\"name\":\"ООО Эскалация\",\"owner_email\":\"%s\"}", manager2));
	acc2 = create(WS "/accounts", U_OWNER,
		      textf("{\"name\":\"ООО Эскалация-2\",\"owner_email\":\"%s\"}", manager));
	/* Only order problems have service levels here (the setup's settings). */
	id1 = create(WS "/requests", U_OWNER,
		     textf("{\"account_id\":%lld,\"kind\":\"order_problem\",\"subject\":\"Нет "
			   "заказа\",\"body\":\"Заказ не пришёл.\"}",
			   (long long)acc1));
	id2 = create(WS "/requests", U_OWNER,
		     textf("{\"account_id\":%lld,\"kind\":\"order_problem\",\"subject\":\"Не тот "
			   "заказ\",\"body\":\"Пришёл чужой заказ.\"}",
			   (long long)acc2));
	json_decref(hcall(h, "PATCH", textf(WS "/requests/%lld", (long long)id2), U_OWNER,
			  textf("{\"assignee_email\":\"%s\"}", analyst), NULL, 200));
	assert_int_equal(db_acquire(h->db, &c), ADV_OK);
	assert_int_equal(request_escalate_due(c, time(NULL) + 40L * 86400, 100, &n), ADV_OK);
	db_release(h->db, c);
	assert_int_equal(n, 2);
	/* Nobody had the first: it is the owner's now, and the owner is told so. */
	body = mail_for(manager2, textf("Эскалация, запрос №%lld", (long long)id1), subject,
			sizeof(subject));
	has(body, textf("Запрос №%lld «Нет заказа» эскалирован вам: первый ответ не дан в срок",
			(long long)id1));
	has(body, "Ответственного не было, поэтому запрос передан вам.");
	has(body, textf(PUBLIC "/#/w/acme/requests/%lld", (long long)id1));
	free(body);
	/* The second stays with its assignee; the owner is told who has it. */
	body = mail_for(manager, textf("Эскалация, запрос №%lld", (long long)id2), subject,
			sizeof(subject));
	has(body, textf("Ответственный: %s", analyst));
	free(body);
	assert_int_equal(mails_to(analyst, "Эскалация"), 0);
	assert_int_equal(mails_to(manager2, textf("№%lld", (long long)id1)), 1);
	/* Escalation is no webhook event; the internal note is no message. */
	assert_int_equal(deliveries_of(ep_acme, NULL, id1), 1);
	assert_int_equal(deliveries_of(ep_acme, NULL, id2), 1);
}

static void
test_foreign_workspace(void **state)
{
	int64_t acc, id;
	json_t *j;

	(void)state;
	/* The other workspace's request reaches its own endpoint only. */
	acc = create(WS_OTHER "/accounts", U_OTHER, "{\"name\":\"Чужая компания\"}");
	id = create(WS_OTHER "/requests", U_OTHER,
		    textf("{\"account_id\":%lld,\"kind\":\"question\",\"subject\":\"Чужой\","
			  "\"body\":\"Чужой запрос.\"}",
			  (long long)acc));
	j = delivery_for(rx_other, secret_other, "other", "request.created", id, 0);
	assert_string_equal(str(request_of(j), "staff_url"),
			    textf(PUBLIC "/#/w/other/requests/%lld", (long long)id));
	json_decref(j);
	settle();
	assert_int_equal(deliveries_of(ep_acme, NULL, id), 0);
	/* Everything either receiver got was its own workspace's. */
	for (unsigned i = 0; i < receiver_count(rx_acme); i++) {
		j = json_loadb(rx_acme->reqs[i].body, rx_acme->reqs[i].body_len, 0, NULL);
		assert_string_equal(str(j, "workspace"), "acme");
		json_decref(j);
	}
	for (unsigned i = 0; i < receiver_count(rx_other); i++) {
		j = json_loadb(rx_other->reqs[i].body, rx_other->reqs[i].body_len, 0, NULL);
		assert_string_equal(str(j, "workspace"), "other");
		check_signature(&rx_other->reqs[i], secret_other);
		json_decref(j);
	}
	assert_true(receiver_count(rx_other) >= 1);
	assert_true(receiver_count(rx_acme) > receiver_count(rx_other));
}

/* Registers an endpoint of workspace path ws for every request event; its id and secret. */
static int64_t
endpoint(const char *ws, int user, const struct receiver *rx, char secret[OUTBOX_SECRET_MAX])
{
	json_t *j =
	    hcall(h, "POST", textf("%s/webhooks", ws), user,
		  textf("{\"url\":\"%s\",\"events\":[\"request.created\",\"request.message\","
			"\"request.resolved\",\"request.rated\"]}",
			rx->url),
		  NULL, 201);
	int64_t id = num(j, "id");

	snprintf(secret, OUTBOX_SECRET_MAX, "%s", str(j, "secret"));
	json_decref(j);
	return id;
}

static int
setup(void **state)
{
	(void)state;
	rx_acme = receiver_start(0);
	rx_other = receiver_start(0);
	ep_acme = endpoint(WS, U_OWNER, rx_acme, secret_acme);
	ep_other = endpoint(WS_OTHER, U_OTHER, rx_other, secret_other);
	/* Complaints go to the analyst; only order problems have service levels. */
	json_decref(hcall(
	    h, "PUT", WS "/request-settings", U_OWNER,
	    textf(
		"{\"calendar\":{\"utc_offset_minutes\":0,\"day_start\":\"00:00\",\"day_end\":"
		"\"24:00\",\"workdays\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"]},"
		"\"service_levels\":[{\"kind\":\"order_problem\",\"first_response_minutes\":1,"
		"\"resolution_minutes\":2}],"
		"\"assignment_rules\":[{\"kind\":\"complaint\",\"members\":[\"%s\"]}]}",
		h->email[U_ANALYST]),
	    NULL, 200));
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_portal_flow),	      cmocka_unit_test(test_english_person),
	    cmocka_unit_test(test_assignment),	      cmocka_unit_test(test_rollback),
	    cmocka_unit_test(test_long_message),      cmocka_unit_test(test_escalation),
	    cmocka_unit_test(test_foreign_workspace),
	};
	struct adv_errbuf eb = {{0}, {0}};
	int failed;

	if (sodium_init() < 0 || public_url_set(PUBLIC, &eb) != ADV_OK)
		return 1;
	h = harness_start(0);
	sink = sink_start();
	worker = outbound_test_worker(h->dburl, sink->url);
	failed = cmocka_run_group_tests_name("api_request_notify", tests, setup, NULL);
	outbound_worker_stop(worker);
	sink_stop(sink);
	receiver_stop(rx_acme);
	receiver_stop(rx_other);
	harness_stop(h);
	return failed;
}
