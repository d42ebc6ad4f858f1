/*
 * portal_mail.c — the e-mail of portal access (see portal_mail.h): the full
 * URL of a one-time link, the invitation and sign-in-link messages in
 * Russian and English with the link's lifetime, and the invitation queued
 * in the transaction of the invite.
 */
#include "core/portal_mail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/identity.h"
#include "core/invitation.h"
#include "core/outbox.h"
#include "core/public_url.h"
#include "core/tx.h"
#include "util/clock.h"

#define PAGE_PATH "/portal/" /* the portal page, where PORTAL_LINK_PREFIX starts */
#define HASH_LINK "#/link/"  /* what follows it in PORTAL_LINK_PREFIX */
#define TEXT_MAX  64	     /* bytes of a lifetime or an expiry as people read them */

/*
 * A unit of a link's lifetime and the forms of its noun: Russian after 1
 * (and 21, 31…), after 2–4 (22–24…) and after the rest; English singular
 * and plural.
 */
struct unit {
	long seconds;
	const char *ru[3];
	const char *en[2];
};

static const struct unit units[] = {
    {86400, {"день", "дня", "дней"}, {"day", "days"}},
    {3600, {"час", "часа", "часов"}, {"hour", "hours"}},
    {60, {"минуту", "минуты", "минут"}, {"minute", "minutes"}},
    {1, {"секунду", "секунды", "секунд"}, {"second", "seconds"}},
};

static const char *const months_en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/*
 * The texts of a message, by kind and language: the subject takes the
 * supplier's name; the body the greeting's ", <name>" (or ""), the
 * supplier's name, the URL, the lifetime and the expiry, in this order.
 */
struct texts {
	const char *subject;
	const char *body;
};

static const struct texts texts[PORTAL_MAIL__MAX][PORTAL_LANG__MAX] = {
    [PORTAL_MAIL_INVITE][PORTAL_LANG_RU] =
	{"Приглашение в окно диалога — %s",
	 "Здравствуйте%s!\n\n"
	 "«%s» приглашает вас в окно диалога: здесь можно задать вопрос, заявить рекламацию или "
	 "предложить идею и следить за ответами.\n\n"
	 "Чтобы войти, откройте ссылку:\n\n%s\n\n"
	 "Ссылка-приглашение действует %s (до %s) и срабатывает один раз. После входа задайте "
	 "пароль, чтобы входить без ссылки; устаревшую ссылку можно заменить новой на странице "
	 "входа: «Прислать новую ссылку».\n"},
    [PORTAL_MAIL_INVITE][PORTAL_LANG_EN] =
	{"Invitation to the dialog window — %s",
	 "Hello%s,\n\n"
	 "%s invites you to its dialog window: ask a question, raise a complaint or share an "
	 "idea there, and follow the answers.\n\n"
	 "To sign in, open the link:\n\n%s\n\n"
	 "The invitation link works once, for %s (until %s). Once signed in, set a password to "
	 "sign in without a link; when a link has expired, ask for a new one on the sign-in page: "
	 "“Send me a new link”.\n"},
    [PORTAL_MAIL_LOGIN][PORTAL_LANG_RU] =
	{"Ссылка для входа в окно диалога — %s",
	 "Здравствуйте%s!\n\n"
	 "Вы запросили ссылку для входа в окно диалога с поставщиком «%s». Чтобы войти, откройте "
	 "её:\n\n%s\n\n"
	 "Ссылка действует %s (до %s) и срабатывает один раз. Если она устареет, запросите новую "
	 "на странице входа: «Прислать новую ссылку».\n\n"
	 "Если вы не запрашивали ссылку, просто не обращайте внимания на это письмо: без неё "
	 "никто не войдёт от вашего имени.\n"},
    [PORTAL_MAIL_LOGIN][PORTAL_LANG_EN] =
	{"Your sign-in link to the dialog window — %s",
	 "Hello%s,\n\n"
	 "You asked for a link to sign in to the dialog window of %s. Open it to sign in:\n\n"
	 "%s\n\n"
	 "The link works once, for %s (until %s). When it has expired, ask for a new one on the "
	 "sign-in page: “Send me a new link”.\n\n"
	 "If you did not ask for it, ignore this message: nobody can sign in as you without the "
	 "link.\n"},
};

const char *
portal_mail_url(struct arena *a, const char *ws_slug, const char *link)
{
	char path[PORTAL_MAIL_URL_MAX], url[PORTAL_MAIL_URL_MAX];
	const char *token, *out = NULL;
	size_t plen = strlen(PORTAL_LINK_PREFIX);
	int n;

	if (link == NULL || ws_slug == NULL || !identity_slug_valid(ws_slug) ||
	    strncmp(link, PORTAL_LINK_PREFIX, plen) != 0 ||
	    !invitation_token_valid(token = link + plen))
		goto out;
	n = snprintf(path, sizeof(path), PAGE_PATH "?ws=%s" HASH_LINK "%s", ws_slug, token);
	if (n < 0 || (size_t)n >= sizeof(path) || !public_url_join(path, url, sizeof(url)))
		goto out;
	out = arena_strdup(a, url);
out:
	return out;
}

/*
 * A copy of s in the arena with control characters turned into spaces and,
 * when max_chars > 0, cut after max_chars characters (with "…"); NULL when
 * out of memory.
 */
static char *
clean(struct arena *a, const char *s, size_t max_chars)
{
	size_t len = strlen(s), chars = 0, i;
	char *out = arena_alloc(a, len + sizeof("…"));

	if (out == NULL)
		goto out;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch & 0xC0) != 0x80 && max_chars > 0 && chars++ == max_chars) {
			memcpy(out + i, "…", sizeof("…"));
			goto out;
		}
		out[i] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch;
	}
	out[len] = '\0';
out:
	return out;
}

/* The lifetime of seconds as people read it ("30 минут", "7 days") into out. */
static void
lifetime_text(enum portal_lang lang, long seconds, char out[TEXT_MAX])
{
	const struct unit *u = &units[sizeof(units) / sizeof(units[0]) - 1];
	long n, tail;
	int form;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (seconds >= units[i].seconds && seconds % units[i].seconds == 0) {
			u = &units[i];
			break;
		}
	n = seconds / u->seconds;
	if (lang == PORTAL_LANG_RU) {
		tail = n % 100;
		form = n % 10 == 1 && tail != 11				? 0
		       : n % 10 >= 2 && n % 10 <= 4 && (tail < 12 || tail > 14) ? 1
										: 2;
		snprintf(out, TEXT_MAX, "%ld %s", n, u->ru[form]);
	} else {
		snprintf(out, TEXT_MAX, "%ld %s", n, u->en[n == 1 ? 0 : 1]);
	}
}

/* The expiry at (RFC 3339) as people read it ("27.11.2026 21:12 UTC") into out. */
static void
expiry_text(enum portal_lang lang, const char *at, char out[TEXT_MAX])
{
	struct tm tm;
	time_t t;

	if (at == NULL || !clock_parse(at, &t) || gmtime_r(&t, &tm) == NULL)
		snprintf(out, TEXT_MAX, "%s", at ? at : "");
	else if (lang == PORTAL_LANG_RU)
		snprintf(out, TEXT_MAX, "%02d.%02d.%04d %02d:%02d UTC", tm.tm_mday, tm.tm_mon + 1,
			 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, TEXT_MAX, "%d %s %04d, %02d:%02d UTC", tm.tm_mday,
			 months_en[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

enum adv_err
portal_mail_compose(struct arena *a, const struct portal_mail *m, const char **subject,
		    const char **body)
{
	char life[TEXT_MAX], until[TEXT_MAX];
	const struct texts *tx;
	const char *url, *greet = "", *supplier, *short_supplier;
	enum portal_lang lang = (unsigned)m->lang < PORTAL_LANG__MAX ? m->lang : PORTAL_LANG_RU;
	enum adv_err rc = ADV_ENOMEM;

	*subject = *body = NULL;
	if ((unsigned)m->kind >= PORTAL_MAIL__MAX ||
	    (url = portal_mail_url(a, m->ws_slug, m->link)) == NULL) {
		rc = ADV_EINVAL;
		goto out;
	}
	tx = &texts[m->kind][lang];
	lifetime_text(lang,
		      m->kind == PORTAL_MAIL_INVITE ? PORTAL_INVITE_LINK_SECONDS
						    : PORTAL_LOGIN_LINK_SECONDS,
		      life);
	expiry_text(lang, m->expires_at, until);
	supplier = clean(a, m->ws_name && *m->ws_name ? m->ws_name : m->ws_slug, 0);
	short_supplier =
	    clean(a, m->ws_name && *m->ws_name ? m->ws_name : m->ws_slug, PORTAL_MAIL_NAME_MAX);
	if (m->name != NULL && *m->name != '\0') {
		const char *name = clean(a, m->name, 0);

		greet = name ? arena_printf(a, ", %s", name) : NULL;
	}
	if (supplier == NULL || short_supplier == NULL || greet == NULL ||
	    (*subject = arena_printf(a, tx->subject, short_supplier)) == NULL ||
	    (*body = arena_printf(a, tx->body, greet, supplier, url, life, until)) == NULL)
		goto out;
	rc = ADV_OK;
out:
	if (rc != ADV_OK)
		*subject = *body = NULL;
	return rc;
}

enum adv_err
portal_mail_queue(struct db_conn *c, struct arena *a, int64_t ws_id, const char *to,
		  const struct portal_mail *m)
{
	const char *subject, *body;
	enum adv_err rc;

	if ((rc = portal_mail_compose(a, m, &subject, &body)) != ADV_OK)
		goto out;
	rc = outbox_mail(c, ws_id, to, subject, body);
out:
	return rc;
}

enum adv_err
portal_invite_send(struct db_conn *c, struct arena *a, int64_t ws_id, const char *ws_slug,
		   const char *ws_name, int64_t actor, int64_t contact_id,
		   const enum portal_lang *lang, bool send_email, struct portal_user *out,
		   struct adv_errbuf *eb)
{
	struct portal_mail m = {.kind = PORTAL_MAIL_INVITE, .ws_slug = ws_slug, .ws_name = ws_name};
	const char *email = NULL;
	struct tx t;
	bool began = false;
	enum adv_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = tx_begin(c, &t)) != ADV_OK)
		goto out;
	began = true;
	if (send_email) {
		if ((rc = portal_contact_email(c, a, ws_id, contact_id, &email, eb)) != ADV_OK)
			goto out;
		if (email == NULL) {
			rc = adv_fail(eb, ADV_EINVAL, "/send_email",
				      "the contact has no e-mail address to send the invitation "
				      "to; add one to the contact first");
			goto out;
		}
		if (!outbox_mail_address_valid(email)) {
			rc = adv_fail(eb, ADV_EINVAL, "/send_email",
				      "mail cannot be sent to the contact's address %s (only plain "
				      "ASCII addresses); send the link yourself",
				      email);
			goto out;
		}
	}
	if ((rc = portal_invite(c, a, ws_id, actor, contact_id, lang, out, eb)) != ADV_OK ||
	    !send_email)
		goto out;
	m.lang = out->lang;
	m.name = out->name;
	m.link = out->link;
	m.expires_at = out->link_expires_at;
	rc = portal_mail_queue(c, a, ws_id, out->email, &m);
	if (rc == ADV_EINVAL)
		rc = adv_fail(eb, rc, "/send_email",
			      "the invitation could not be put into an e-mail");
out:
	if (began)
		rc = tx_end(c, &t, rc);
	if (rc != ADV_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
