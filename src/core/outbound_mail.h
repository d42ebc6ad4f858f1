/*
 * outbound_mail.h — the text of an e-mail as the SMTP server receives it
 * (RFC 5322 with MIME, RFC 2045–2047): what the delivery worker
 * (outbound_worker.h) hands to libcurl for each queued message.
 */
#ifndef ADV_CORE_OUTBOUND_MAIL_H
#define ADV_CORE_OUTBOUND_MAIL_H

#include <time.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Appends the message from → to with subject and body (UTF-8; checked by
 * outbox_mail) dated date to out, lines ending in CRLF: Date, Message-ID
 * (random, at the domain of from), From, To, Subject (as RFC 2047
 * encoded-words in UTF-8 base64 when it is not plain ASCII or is long),
 * MIME-Version, Content-Type text/plain; charset=utf-8 and
 * Content-Transfer-Encoding base64, then the body with its line breaks made
 * CRLF, in base64 lines of 76 characters. Errors: ADV_EINVAL for an address
 * without "@", the buffer's ADV_ETOOBIG or ADV_ENOMEM.
 */
enum adv_err outbound_mail_message(const char *from, const char *to, const char *subject,
				   const char *body, time_t date, struct buf *out);

#endif
