/*
 * request_notify.c — the webhook events and e-mail of request changes (see
 * request_notify.h): which ones a change calls for, the JSON payloads of the
 * events (docs/webhooks.md), the recipients and the texts of the e-mail, in
 * Russian (the default) or English.
 */
#include "core/request_notify.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outbox.h"
#include "core/public_url.h"
#include "util/buf.h"
#include "util/str.h"

#define NOTIFY_URL_MAX	     (PUBLIC_URL_MAX + 128) /* bytes of a link, NUL included */
#define NOTIFY_PAYLOAD_SLACK 256 /* bytes cut from a message beyond a payload's excess */
#define NOTIFY_ELLIPSIS	     "…"

enum notify_lang { NL_RU, NL_EN, NL__MAX };

/* What a client's e-mail is about, the weightiest first. */
enum client_news { CN_NONE, CN_REPLY, CN_WAITING, CN_RESOLVED };

/*
 * The texts of the e-mail in one language. Subjects are prefixes with the
 * request's number (%lld) that the request's subject follows; intros take
 * the number and the subject; the rest take one string.
 */
struct notify_texts {
	const char *hello, *hello_name;
	const char *kinds[RK__MAX];
	const char *priorities[RP__MAX];
	const char *subj_reply, *subj_waiting, *subj_resolved;
	const char *subj_assigned, *subj_client, *subj_escalated, *subj_reopened;
	const char *reply_intro, *waiting_intro, *resolved_intro;
	const char *open_portal, *rate, *reopen, *automatic, *regards;
	const char *assigned_intro, *first_message, *client_intro, *reopened_intro;
	const char *escalated_first, *escalated_resolution, *escalated_yours;
	const char *company, *contact, *kind, *priority, *assignee, *open_staff;
};

static const struct notify_texts texts[NL__MAX] = {
    [NL_RU] =
	{
	    .hello = "Здравствуйте!",
	    .hello_name = "Здравствуйте, %s!",
	    .kinds = {"Вопрос", "Рекламация", "Предложение", "Благодарность", "Проблема с заказом",
		      "Проблема с отгрузкой", "Другое"},
	    .priorities = {"низкий", "обычный", "высокий", "срочный"},
	    .subj_reply = "Ответ по запросу №%lld: ",
	    .subj_waiting = "Запрос №%lld ждёт вашего ответа: ",
	    .subj_resolved = "Запрос №%lld решён: ",
	    .subj_assigned = "Вам назначен запрос №%lld: ",
	    .subj_client = "Новое сообщение клиента, запрос №%lld: ",
	    .subj_reopened = "Клиент вновь открыл запрос №%lld: ",
	    .subj_escalated = "Эскалация, запрос №%lld: ",
	    .reply_intro = "Пришёл ответ на ваш запрос №%lld «%s».",
	    .waiting_intro = "По вашему запросу №%lld «%s» мы ждём вашего ответа.",
	    .resolved_intro = "Ваш запрос №%lld «%s» решён.",
	    .open_portal = "Ответить и прочитать всю переписку: %s",
	    .rate = "Пожалуйста, оцените, как мы справились (от 1 до 5): %s",
	    .reopen = "Если вопрос остался, откройте запрос снова на портале.",
	    .automatic = "Это письмо отправлено автоматически: отвечайте, пожалуйста, на портале.",
	    .regards = "С уважением,\n%s",
	    .assigned_intro = "Вам назначен запрос №%lld «%s».",
	    .first_message = "Текст запроса:",
	    .client_intro = "Новое сообщение клиента в запросе №%lld «%s».",
	    .reopened_intro = "Клиент вновь открыл запрос №%lld «%s»: решение его не устроило.",
	    .escalated_first = "Запрос №%lld «%s» эскалирован вам: первый ответ не дан в срок по "
			       "уровню сервиса.",
	    .escalated_resolution = "Запрос №%lld «%s» эскалирован вам: он не решён в срок по "
				    "уровню сервиса.",
	    .escalated_yours = "Ответственного не было, поэтому запрос передан вам.",
	    .company = "Компания: %s",
	    .contact = "Контакт: %s",
	    .kind = "Тип: %s",
	    .priority = "Приоритет: %s",
	    .assignee = "Ответственный: %s",
	    .open_staff = "Открыть запрос: %s",
	},
    [NL_EN] =
	{
	    .hello = "Hello,",
	    .hello_name = "Hello %s,",
	    .kinds = {"Question", "Complaint", "Suggestion", "Praise", "Order problem",
		      "Shipment problem", "Other"},
	    .priorities = {"low", "normal", "high", "urgent"},
	    .subj_reply = "Reply to your request #%lld: ",
	    .subj_waiting = "Request #%lld awaits your answer: ",
	    .subj_resolved = "Request #%lld is resolved: ",
	    .subj_assigned = "Request #%lld is assigned to you: ",
	    .subj_client = "New message from the client, request #%lld: ",
	    .subj_reopened = "The client reopened request #%lld: ",
	    .subj_escalated = "Escalated, request #%lld: ",
	    .reply_intro = "There is a reply to your request #%lld “%s”.",
	    .waiting_intro = "We are waiting for your answer on your request #%lld “%s”.",
	    .resolved_intro = "Your request #%lld “%s” is resolved.",
	    .open_portal = "Reply and read the whole thread: %s",
	    .rate = "Please rate how we did (1 to 5): %s",
	    .reopen = "If anything is left, reopen the request on the portal.",
	    .automatic = "This message was sent automatically: please answer on the portal.",
	    .regards = "Best regards,\n%s",
	    .assigned_intro = "Request #%lld “%s” is assigned to you.",
	    .first_message = "The request says:",
	    .client_intro = "The client wrote in request #%lld “%s”.",
	    .reopened_intro =
		"The client reopened request #%lld “%s”: the resolution did not settle "
		"it.",
	    .escalated_first = "Request #%lld “%s” is escalated to you: the first response is "
			       "overdue under the service level.",
	    .escalated_resolution = "Request #%lld “%s” is escalated to you: its resolution is "
				    "overdue under the service level.",
	    .escalated_yours = "Nobody had it, so it is now yours.",
	    .company = "Company: %s",
	    .contact = "Contact: %s",
	    .kind = "Kind: %s",
	    .priority = "Priority: %s",
	    .assignee = "Assignee: %s",
	    .open_staff = "Open the request: %s",
	},
};

static struct db_sql sql_context =
    DB_SQL("SELECT w.slug, w.name, a.external_id, c.name_ru, s.name_ru FROM workspaces w"
	   " JOIN accounts a ON a.workspace_id = w.id AND a.id = ?2"
	   " LEFT JOIN loyalty_components c ON c.workspace_id = w.id AND c.id = ?3"
	   " LEFT JOIN journey_stages s ON s.workspace_id = w.id AND s.id = ?4 WHERE w.id = ?1");
static struct db_sql sql_person =
    DB_SQL("SELECT u.email, u.name, u.lang FROM portal_users u"
	   " JOIN contacts k ON k.id = u.contact_id AND k.workspace_id = u.workspace_id"
	   " JOIN accounts a ON a.id = u.account_id AND a.workspace_id = u.workspace_id"
	   " WHERE u.workspace_id = ?1 AND u.contact_id = ?2 AND u.account_id = ?3"
	   " AND u.revoked_at IS NULL AND k.archived_at IS NULL AND a.archived_at IS NULL"
	   " AND k.account_id = u.account_id");
static struct db_sql sql_member =
    DB_SQL("SELECT u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id"
	   " WHERE m.workspace_id = ?1 AND m.user_id = ?2 AND u.disabled = 0");
static struct db_sql sql_user_email = DB_SQL("SELECT email FROM users WHERE id = ?1");
static struct db_sql sql_portal_email =
    DB_SQL("SELECT email FROM portal_users WHERE workspace_id = ?1 AND id = ?2");

/* One request_notify call: the change and what was read for it. */
struct notify {
	struct db_conn *c;
	struct arena *a;
	int64_t ws_id;
	const struct request_change *ch;
	const struct request *x; /* ch->after */
	bool have_context;	 /* the members below are read */
	const char *slug, *ws_name, *external_id, *component_name, *stage_name;
	const char *staff_url, *portal_url; /* NULL without a public address */
	/* One-line texts for e-mail (line_clean): the supplier, subject, company, person. */
	const char *ws_line, *subject_line, *account_line, *contact_line;
	bool have_actor;	 /* actor_email is read */
	const char *actor_email; /* NULL when unknown */
};

/* A recipient of an e-mail. */
struct recipient {
	int64_t user_id; /* a member; 0 for the client's person */
	const char *email, *name;
	enum notify_lang lang;
};

/*
 * s for a line of an e-mail: itself when it holds no control characters,
 * else an arena copy with them made spaces (a name imported long ago, say);
 * NULL for NULL. Sets *oom when the copy cannot be made.
 */
static const char *
line_clean(struct arena *a, const char *s, bool *oom)
{
	char *copy = NULL;
	size_t i = 0, n = s != NULL ? strlen(s) : 0;

	while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
		i++;
	if (i == n)
		goto out;
	if ((copy = arena_strdup(a, s)) == NULL) {
		*oom = true;
		goto out;
	}
	for (; i < n; i++)
		if ((unsigned char)copy[i] < 0x20 || copy[i] == 0x7F)
			copy[i] = ' ';
out:
	return i == n && copy == NULL ? s : copy;
}

/* The link path (from "/") on the public address, as an arena string; NULL without one. */
static const char *
link_make(struct arena *a, const char *path, bool *oom)
{
	char url[NOTIFY_URL_MAX];
	const char *out = NULL;

	if (path == NULL) {
		*oom = true;
		goto out;
	}
	if (public_url()[0] == '\0' || !public_url_join(path, url, sizeof(url)))
		goto out;
	if ((out = arena_strdup(a, url)) == NULL)
		*oom = true;
out:
	return out;
}

/* Reads the workspace, the company's external id, the classification's names and the links. */
static enum adv_err
context_load(struct notify *n)
{
	const struct request *x = n->x;
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	if (n->have_context) {
		rc = ADV_OK;
		goto out;
	}
	if ((rc = db_prepare(n->c, &sql_context, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, n->ws_id);
	db_bind_int(st, 2, x->account_id);
	db_bind_int(st, 3, x->component_id);
	db_bind_int(st, 4, x->stage_id);
	if ((rc = db_step(st, &row)) != ADV_OK)
		goto out;
	if (!row) {
		rc = ADV_EINTERNAL;
		goto out;
	}
	n->slug = db_col_dup(st, n->a, 0, &oom);
	n->ws_name = db_col_dup(st, n->a, 1, &oom);
	n->external_id = db_col_dup(st, n->a, 2, &oom);
	n->component_name = db_col_dup(st, n->a, 3, &oom);
	n->stage_name = db_col_dup(st, n->a, 4, &oom);
	db_done(st);
	if (oom || n->slug == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	n->staff_url = link_make(
	    n->a, arena_printf(n->a, "/#/w/%s/requests/%lld", n->slug, (long long)x->id), &oom);
	n->portal_url = link_make(
	    n->a, arena_printf(n->a, "/portal/?ws=%s#/r/%lld", n->slug, (long long)x->id), &oom);
	n->ws_line = line_clean(n->a, n->ws_name, &oom);
	n->subject_line = line_clean(n->a, x->subject, &oom);
	n->account_line = line_clean(n->a, x->account_name, &oom);
	n->contact_line = line_clean(n->a, x->contact_id > 0 ? x->contact_name : NULL, &oom);
	if (oom) {
		rc = ADV_ENOMEM;
		goto out;
	}
	n->have_context = true;
out:
	return rc;
}

/* A single-column text query with ?1 = v1 (and ?2 = v2 when v2 > 0): its value or NULL. */
static enum adv_err
text_lookup(struct notify *n, struct db_sql *sql, int64_t v1, int64_t v2, const char **out)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	*out = NULL;
	if ((rc = db_prepare(n->c, sql, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, v1);
	if (v2 > 0)
		db_bind_int(st, 2, v2);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	*out = db_col_dup(st, n->a, 0, &oom);
	db_done(st);
	if (oom)
		rc = ADV_ENOMEM;
out:
	return rc;
}

/*
 * Whether an e-mail to r may go: an address fit for the envelope, and not
 * the actor (by member id or by address).
 */
static enum adv_err
recipient_ok(struct notify *n, const struct recipient *r, bool *ok)
{
	const struct request_actor *actor = n->ch->actor;
	enum adv_err rc = ADV_OK;

	*ok = false;
	if (r->email == NULL || !outbox_mail_address_valid(r->email))
		goto out;
	if (actor != NULL && !actor->client && r->user_id > 0 && r->user_id == actor->user_id)
		goto out;
	if (actor != NULL && !n->have_actor) {
		rc = actor->client
			 ? text_lookup(n, &sql_portal_email, n->ws_id, actor->portal_user_id,
				       &n->actor_email)
			 : text_lookup(n, &sql_user_email, actor->user_id, 0, &n->actor_email);
		if (rc != ADV_OK)
			goto out;
		n->have_actor = true;
	}
	*ok = n->actor_email == NULL || !str_ieq(n->actor_email, r->email);
out:
	return rc;
}

/* Member user_id of the workspace (not disabled) into *r; r->email NULL when there is none. */
static enum adv_err
member_load(struct notify *n, int64_t user_id, struct recipient *r)
{
	struct db_stmt *st;
	enum adv_err rc;
	bool row, oom = false;

	memset(r, 0, sizeof(*r));
	r->user_id = user_id;
	r->lang = NL_RU; /* members keep no language: the product's default */
	if ((rc = db_prepare(n->c, &sql_member, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, n->ws_id);
	db_bind_int(st, 2, user_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	r->email = db_col_dup(st, n->a, 0, &oom);
	r->name = line_clean(n->a, db_col_dup(st, n->a, 1, &oom), &oom);
	db_done(st);
	if (oom)
		rc = ADV_ENOMEM;
out:
	return rc;
}

/*
 * The request's person into *r when they have live portal access (the
 * e-mail leads there): its address, name and language; r->email NULL
 * otherwise.
 */
static enum adv_err
person_load(struct notify *n, struct recipient *r)
{
	struct db_stmt *st;
	enum adv_err rc = ADV_OK;
	bool row, oom = false;

	memset(r, 0, sizeof(*r));
	r->lang = NL_RU;
	if (n->x->contact_id <= 0)
		goto out;
	if ((rc = db_prepare(n->c, &sql_person, &st)) != ADV_OK)
		goto out;
	db_bind_int(st, 1, n->ws_id);
	db_bind_int(st, 2, n->x->contact_id);
	db_bind_int(st, 3, n->x->account_id);
	if ((rc = db_step(st, &row)) != ADV_OK || !row)
		goto out;
	r->email = db_col_dup(st, n->a, 0, &oom);
	r->name = line_clean(n->a, db_col_dup(st, n->a, 1, &oom), &oom);
	r->lang = strcmp(db_col_text(st, 2), "en") == 0 ? NL_EN : NL_RU;
	db_done(st);
	if (oom)
		rc = ADV_ENOMEM;
out:
	return rc;
}

/* The JSON value of text s, null for NULL (new reference). */
static json_t *
j_text(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The JSON value of id, null for 0 (new reference). */
static json_t *
j_id(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* Sets o[key] to v (stolen, also on failure); false when either is missing or out of memory. */
static bool
put(json_t *o, const char *key, json_t *v)
{
	bool ok = o != NULL && v != NULL;

	if (ok)
		ok = json_object_set_new(o, key, v) == 0;
	else
		json_decref(v);
	return ok;
}

/* The request of a payload (new reference; NULL when out of memory). */
static json_t *
request_json(const struct notify *n)
{
	const struct request *x = n->x;
	json_t *o = json_object();
	bool ok;

	ok = put(o, "id", json_integer((json_int_t)x->id)) &&
	     put(o, "subject", json_string(x->subject)) &&
	     put(o, "kind", json_string(request_kind_name(x->kind))) &&
	     put(o, "priority", json_string(request_priority_name(x->priority))) &&
	     put(o, "status", json_string(request_status_name(x->status))) &&
	     put(o, "channel", json_string(x->from_portal ? "portal" : "staff")) &&
	     put(o, "account_id", json_integer((json_int_t)x->account_id)) &&
	     put(o, "account_name", j_text(x->account_name)) &&
	     put(o, "account_external_id", j_text(n->external_id)) &&
	     put(o, "contact_id", j_id(x->contact_id)) &&
	     put(o, "contact_name", j_text(x->contact_id > 0 ? x->contact_name : NULL)) &&
	     put(o, "assignee_email", j_text(x->assignee_email)) &&
	     put(o, "assignee_name", j_text(x->assignee_name)) &&
	     put(o, "component_id", j_id(x->component_id)) &&
	     put(o, "component_name", j_text(x->component_id > 0 ? n->component_name : NULL)) &&
	     put(o, "factor_id", j_id(x->factor_id)) && put(o, "stage_id", j_id(x->stage_id)) &&
	     put(o, "stage_name", j_text(x->stage_id > 0 ? n->stage_name : NULL)) &&
	     put(o, "created_at", json_string(x->created_at)) &&
	     put(o, "resolved_at", j_text(x->resolved_at)) &&
	     put(o, "rating", x->rating > 0 ? json_integer(x->rating) : json_null()) &&
	     put(o, "staff_url", j_text(n->staff_url)) &&
	     put(o, "portal_url", j_text(n->portal_url));
	if (!ok) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* The length of s cut to at most max bytes at a character's boundary. */
static size_t
utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return n;
}

/* Message m of a payload with at most body_max bytes of its text (new reference, or NULL). */
static json_t *
message_json(struct arena *a, const struct request_message *m, size_t body_max)
{
	size_t len = utf8_cut(m->body, body_max);
	const char *body = len < strlen(m->body) ? arena_strndup(a, m->body, len) : m->body;
	json_t *o = json_object();

	if (body == NULL ||
	    !(put(o, "id", json_integer((json_int_t)m->id)) &&
	      put(o, "author", json_string(m->from_client ? "client" : "staff")) &&
	      put(o, "author_name", j_text(m->author_name)) && put(o, "body", json_string(body)) &&
	      put(o, "created_at", j_text(m->created_at)) &&
	      (body == m->body || put(o, "body_truncated", json_true())))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/*
 * The data of event t (new reference, or NULL): the request, the message m
 * (may be NULL) with at most body_max bytes of its text, the rating.
 */
static json_t *
event_json(struct notify *n, enum outbox_event_type t, const struct request_message *m,
	   size_t body_max)
{
	json_t *data = json_object();
	bool ok = put(data, "request", request_json(n));

	if (ok && m != NULL)
		ok = put(data, "message", message_json(n->a, m, body_max));
	if (ok && t == OUTBOX_REQUEST_RATED)
		ok = put(data, "rating", json_integer(n->x->rating)) &&
		     put(data, "comment", j_text(n->x->rating_comment));
	if (!ok) {
		json_decref(data);
		data = NULL;
	}
	return data;
}

/*
 * Queues event t with message m (may be NULL). A payload over
 * OUTBOX_PAYLOAD_MAX is made again with the message's text cut by the
 * excess (escaping only ever grows it, so one cut is enough).
 */
static enum adv_err
event_queue(struct notify *n, enum outbox_event_type t, const struct request_message *m)
{
	size_t body_max = SIZE_MAX, len = 0;
	json_t *data = NULL;
	char *text = NULL;
	enum adv_err rc = ADV_ENOMEM;

	for (int round = 0; round < 2; round++) {
		json_decref(data);
		free(text);
		text = NULL;
		if ((data = event_json(n, t, m, body_max)) == NULL ||
		    (text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
			goto out;
		len = strlen(text);
		if (len <= OUTBOX_PAYLOAD_MAX || m == NULL)
			break;
		body_max = strlen(m->body) > len - OUTBOX_PAYLOAD_MAX + NOTIFY_PAYLOAD_SLACK
			       ? strlen(m->body) - (len - OUTBOX_PAYLOAD_MAX) - NOTIFY_PAYLOAD_SLACK
			       : 0;
	}
	rc = outbox_event(n->c, n->ws_id, outbox_event_types[t], text);
out:
	json_decref(data);
	free(text);
	return rc;
}

/*
 * The subject prefix (a format with the request's number) followed by the
 * request's subject, cut with an ellipsis to OUTBOX_MAIL_SUBJECT_MAX
 * characters; NULL when out of memory.
 */
static const char *
mail_subject(struct notify *n, const char *prefix_fmt)
{
	const char *prefix = arena_printf(n->a, prefix_fmt, (long long)n->x->id);
	const char *s = n->subject_line, *p = s, *out = NULL;
	size_t room, k = 0;

	if (prefix == NULL)
		goto out;
	room = OUTBOX_MAIL_SUBJECT_MAX - utf8_length(prefix, strlen(prefix));
	if (utf8_length(s, strlen(s)) <= room) {
		out = arena_printf(n->a, "%s%s", prefix, s);
		goto out;
	}
	while (*p != '\0' && k + 1 < room) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		k++;
	}
	out = arena_printf(n->a, "%s%.*s" NOTIFY_ELLIPSIS, prefix, (int)(p - s), s);
out:
	return out;
}

/* Appends the greeting of r and a blank line. */
static enum adv_err
put_hello(struct buf *b, const struct notify_texts *t, const struct recipient *r)
{
	enum adv_err rc;

	if (r->name == NULL || r->name[0] == '\0')
		rc = buf_printf(b, "%s\n\n", t->hello);
	else if ((rc = buf_printf(b, t->hello_name, r->name)) == ADV_OK)
		rc = buf_puts(b, "\n\n");
	return rc;
}

/* Queues the e-mail subject / body b to r when r may get it. */
static enum adv_err
mail_queue(struct notify *n, const struct recipient *r, const char *subject, const struct buf *b)
{
	return subject == NULL || b->data == NULL
		   ? ADV_ENOMEM
		   : outbox_mail(n->c, n->ws_id, r->email, subject, b->data);
}

/* The line that introduces message m: its author and the side they write for. */
static enum adv_err
put_author(struct buf *b, struct notify *n, const struct request_message *m, const char *side)
{
	bool oom = false;
	const char *who = line_clean(n->a, m->author_name, &oom);
	enum adv_err rc;

	if (oom)
		rc = ADV_ENOMEM;
	else if (who != NULL && side != NULL)
		rc = buf_printf(b, "\n\n%s (%s):\n\n", who, side);
	else
		rc = buf_printf(b, "\n\n%s:\n\n", who != NULL ? who : side != NULL ? side : "—");
	return rc;
}

/* The e-mail to the client's person about news (a reply m, may be NULL, and the status). */
static enum adv_err
client_mail(struct notify *n, enum client_news news, const struct request_message *m)
{
	const struct request *x = n->x;
	const struct notify_texts *t;
	struct recipient r;
	struct buf b;
	const char *subject, *intro;
	enum adv_err rc;
	bool ok;

	buf_init(&b, OUTBOX_MAIL_BODY_MAX);
	if ((rc = person_load(n, &r)) != ADV_OK || (rc = recipient_ok(n, &r, &ok)) != ADV_OK ||
	    !ok || (rc = context_load(n)) != ADV_OK)
		goto out;
	t = &texts[r.lang];
	subject = mail_subject(n, news == CN_RESOLVED  ? t->subj_resolved
				  : news == CN_WAITING ? t->subj_waiting
						       : t->subj_reply);
	intro = news == CN_RESOLVED  ? t->resolved_intro
		: news == CN_WAITING ? t->waiting_intro
				     : t->reply_intro;
	if ((rc = put_hello(&b, t, &r)) != ADV_OK ||
	    (rc = buf_printf(&b, intro, (long long)x->id, n->subject_line)) != ADV_OK)
		goto out;
	if (m != NULL && ((rc = put_author(&b, n, m, n->ws_line)) != ADV_OK ||
			  (rc = buf_puts(&b, m->body)) != ADV_OK))
		goto out;
	if (news == CN_RESOLVED && n->portal_url != NULL &&
	    ((rc = buf_puts(&b, "\n\n")) != ADV_OK ||
	     (rc = buf_printf(&b, t->rate, n->portal_url)) != ADV_OK))
		goto out;
	if (news == CN_RESOLVED &&
	    ((rc = buf_puts(&b, "\n\n")) != ADV_OK || (rc = buf_puts(&b, t->reopen)) != ADV_OK))
		goto out;
	if (news != CN_RESOLVED && n->portal_url != NULL &&
	    ((rc = buf_puts(&b, "\n\n")) != ADV_OK ||
	     (rc = buf_printf(&b, t->open_portal, n->portal_url)) != ADV_OK))
		goto out;
	if ((rc = buf_puts(&b, "\n\n")) != ADV_OK ||
	    (rc = buf_printf(&b, t->regards, n->ws_line)) != ADV_OK ||
	    (rc = buf_printf(&b, "\n\n%s\n", t->automatic)) != ADV_OK)
		goto out;
	rc = mail_queue(n, &r, subject, &b);
out:
	buf_release(&b);
	return rc;
}

/* Appends the lines about the request for staff: company, person, kind, priority. */
static enum adv_err
put_facts(struct buf *b, const struct notify_texts *t, const struct notify *n)
{
	const struct request *x = n->x;
	enum adv_err rc;

	if ((rc = buf_puts(b, "\n\n")) != ADV_OK ||
	    (rc = buf_printf(b, t->company, n->account_line)) != ADV_OK)
		goto out;
	if (n->contact_line != NULL &&
	    ((rc = buf_putc(b, '\n')) != ADV_OK ||
	     (rc = buf_printf(b, t->contact, n->contact_line)) != ADV_OK))
		goto out;
	if ((rc = buf_putc(b, '\n')) != ADV_OK ||
	    (rc = buf_printf(b, t->kind, t->kinds[x->kind % RK__MAX])) != ADV_OK ||
	    (rc = buf_putc(b, '\n')) != ADV_OK ||
	    (rc = buf_printf(b, t->priority, t->priorities[x->priority % RP__MAX])) != ADV_OK)
		goto out;
out:
	return rc;
}

/* Appends the staff link and the final line break. */
static enum adv_err
put_staff_link(struct buf *b, const struct notify_texts *t, const struct notify *n)
{
	enum adv_err rc = ADV_OK;

	if (n->staff_url != NULL && ((rc = buf_puts(b, "\n\n")) != ADV_OK ||
				     (rc = buf_printf(b, t->open_staff, n->staff_url)) != ADV_OK))
		goto out;
	rc = buf_putc(b, '\n');
out:
	return rc;
}

/* What an e-mail to a member is about. */
enum staff_news { SN_ASSIGNED, SN_CLIENT, SN_REOPENED, SN_ESCALATED };

/*
 * The e-mail to member user_id about the request: assigned to them (with
 * the first message m on creation, may be NULL), the client's new message
 * m, the client reopening it, or an escalation.
 */
static enum adv_err
staff_mail(struct notify *n, int64_t user_id, enum staff_news news, const struct request_message *m)
{
	const struct request *x = n->x;
	const struct notify_texts *t;
	struct recipient r;
	struct buf b;
	const char *subject, *intro, *assignee;
	enum adv_err rc;
	bool ok, oom = false;

	buf_init(&b, OUTBOX_MAIL_BODY_MAX);
	if ((rc = member_load(n, user_id, &r)) != ADV_OK ||
	    (rc = recipient_ok(n, &r, &ok)) != ADV_OK || !ok || (rc = context_load(n)) != ADV_OK)
		goto out;
	t = &texts[r.lang];
	switch (news) {
	case SN_ASSIGNED:
		subject = mail_subject(n, t->subj_assigned);
		intro = t->assigned_intro;
		break;
	case SN_CLIENT:
		subject = mail_subject(n, t->subj_client);
		intro = t->client_intro;
		break;
	case SN_REOPENED:
		subject = mail_subject(n, t->subj_reopened);
		intro = t->reopened_intro;
		break;
	default:
		subject = mail_subject(n, t->subj_escalated);
		/* The first response is what was missed when its deadline passed unanswered. */
		intro = x->first_response_at == NULL && x->first_response_due_at != NULL &&
				x->escalated_at != NULL &&
				strcmp(x->first_response_due_at, x->escalated_at) < 0
			    ? t->escalated_first
			    : t->escalated_resolution;
		break;
	}
	if ((rc = put_hello(&b, t, &r)) != ADV_OK ||
	    (rc = buf_printf(&b, intro, (long long)x->id, n->subject_line)) != ADV_OK ||
	    (rc = put_facts(&b, t, n)) != ADV_OK)
		goto out;
	if (news == SN_ESCALATED) {
		assignee = line_clean(n->a, x->assignee_name, &oom);
		if (oom) {
			rc = ADV_ENOMEM;
			goto out;
		}
		if (x->assignee_user_id == user_id && n->ch->before != NULL &&
		    n->ch->before->assignee_user_id == 0)
			rc = buf_printf(&b, "\n\n%s", t->escalated_yours);
		else if ((rc = buf_putc(&b, '\n')) == ADV_OK)
			rc = buf_printf(&b, t->assignee, assignee != NULL ? assignee : "—");
		if (rc != ADV_OK)
			goto out;
	}
	if (m != NULL && news == SN_ASSIGNED &&
	    ((rc = buf_printf(&b, "\n\n%s\n\n", t->first_message)) != ADV_OK ||
	     (rc = buf_puts(&b, m->body)) != ADV_OK))
		goto out;
	if (m != NULL && news == SN_CLIENT &&
	    ((rc = put_author(&b, n, m, n->account_line)) != ADV_OK ||
	     (rc = buf_puts(&b, m->body)) != ADV_OK))
		goto out;
	if ((rc = put_staff_link(&b, t, n)) != ADV_OK)
		goto out;
	rc = mail_queue(n, &r, subject, &b);
out:
	buf_release(&b);
	return rc;
}

enum adv_err
request_notify(struct db_conn *c, struct arena *a, int64_t ws_id, const struct request_change *ch)
{
	const struct request *x = ch->after, *before = ch->before;
	const struct request_message *m =
	    ch->message != NULL && !ch->message->internal ? ch->message : NULL;
	const struct request_actor *actor = ch->actor;
	bool created = before == NULL, by_staff = actor != NULL && !actor->client;
	bool by_client = actor != NULL && actor->client;
	bool resolved = !created && x->status == RS_RESOLVED && before->status != RS_RESOLVED;
	bool waiting = !created && x->status == RS_WAITING && before->status != RS_WAITING;
	bool reopened = !created && by_client &&
			(before->status == RS_RESOLVED || before->status == RS_CLOSED) &&
			(x->status == RS_OPEN || x->status == RS_WAITING);
	bool assigned = x->assignee_user_id > 0 && ch->escalated_to == 0 &&
			(created || x->assignee_user_id != before->assignee_user_id);
	enum client_news news = CN_NONE;
	struct notify n;
	enum adv_err rc = ADV_OK;

	memset(&n, 0, sizeof(n));
	n.c = c;
	n.a = a;
	n.ws_id = ws_id;
	n.ch = ch;
	n.x = x;
	/* Webhook events: the payloads need the context. */
	if ((created || m != NULL || resolved || ch->rated) && (rc = context_load(&n)) != ADV_OK)
		goto out;
	if (created && (rc = event_queue(&n, OUTBOX_REQUEST_CREATED, m)) != ADV_OK)
		goto out;
	if (!created && m != NULL && (rc = event_queue(&n, OUTBOX_REQUEST_MESSAGE, m)) != ADV_OK)
		goto out;
	if (resolved && (rc = event_queue(&n, OUTBOX_REQUEST_RESOLVED, NULL)) != ADV_OK)
		goto out;
	if (ch->rated && (rc = event_queue(&n, OUTBOX_REQUEST_RATED, NULL)) != ADV_OK)
		goto out;
	/* E-mail to the client's person: news from staff. */
	if (by_staff && !created)
		news = resolved			      ? CN_RESOLVED
		       : waiting		      ? CN_WAITING
		       : m != NULL && !m->from_client ? CN_REPLY
						      : CN_NONE;
	if (news != CN_NONE && (rc = client_mail(&n, news, m)) != ADV_OK)
		goto out;
	/* E-mail to staff: the assignee, the escalation's target. */
	if (assigned &&
	    (rc = staff_mail(&n, x->assignee_user_id, SN_ASSIGNED, created ? m : NULL)) != ADV_OK)
		goto out;
	if (!assigned && !created && by_client && m != NULL && x->assignee_user_id > 0 &&
	    (rc = staff_mail(&n, x->assignee_user_id, SN_CLIENT, m)) != ADV_OK)
		goto out;
	if (!assigned && reopened && m == NULL && x->assignee_user_id > 0 &&
	    (rc = staff_mail(&n, x->assignee_user_id, SN_REOPENED, NULL)) != ADV_OK)
		goto out;
	if (ch->escalated_to > 0 &&
	    (rc = staff_mail(&n, ch->escalated_to, SN_ESCALATED, NULL)) != ADV_OK)
		goto out;
out:
	return rc;
}
