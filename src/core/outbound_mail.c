/*
 * outbound_mail.c — composing an e-mail for the SMTP server (see
 * outbound_mail.h): the header fields with an RFC 2047 subject, and the body
 * in base64 so that no line length or 8-bit transport of the server matters.
 */
#include "core/outbound_mail.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAIL_B64_LINE	57 /* body bytes per base64 line: 76 characters */
#define MAIL_WORD_BYTES 39 /* subject bytes per encoded-word: 52 characters of base64 */
#define MAIL_PLAIN_MAX	68 /* a plain ASCII subject longer than this is encoded */
#define MAIL_ID_BYTES	16 /* random bytes of a Message-ID */
#define MAIL_B64_MAX	80 /* room for the base64 of one line or word, NUL included */
#define MAIL_DATE_MAX	40

/* Appends the base64 (standard alphabet, padded) of n bytes at p to out. */
static enum adv_err
put_base64(struct buf *out, const void *p, size_t n)
{
	char text[MAIL_B64_MAX];

	sodium_bin2base64(text, sizeof(text), p, n, sodium_base64_VARIANT_ORIGINAL);
	return buf_puts(out, text);
}

/* The length of the UTF-8 sequence that starts with byte c (1 for a stray byte). */
static size_t
utf8_seq_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* True when s can stand in a header as it is: short printable ASCII. */
static bool
subject_plain(const char *s)
{
	size_t n = strlen(s);

	if (n > MAIL_PLAIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return false;
	/* "=?" would read as the start of an encoded-word. */
	return strstr(s, "=?") == NULL;
}

/*
 * Appends subject as the value of the Subject field: as it is, or as
 * encoded-words of whole UTF-8 characters, one per folded line.
 */
static enum adv_err
put_subject(struct buf *out, const char *s)
{
	size_t n = strlen(s), i = 0;
	enum adv_err rc = ADV_OK;

	if (subject_plain(s))
		return buf_puts(out, s);
	while (rc == ADV_OK && i < n) {
		size_t len = 0;

		while (i + len < n) {
			size_t step = utf8_seq_len((unsigned char)s[i + len]);

			if (i + len + step > n)
				step = n - i - len;
			if (len + step > MAIL_WORD_BYTES && len > 0)
				break;
			len += step;
		}
		if (i > 0)
			rc = buf_puts(out, "\r\n ");
		if (rc == ADV_OK)
			rc = buf_puts(out, "=?UTF-8?B?");
		if (rc == ADV_OK)
			rc = put_base64(out, s + i, len);
		if (rc == ADV_OK)
			rc = buf_puts(out, "?=");
		i += len;
	}
	return rc;
}

/* Formats date as RFC 5322 wants it, in UTC, whatever the locale. */
static void
format_date(time_t date, char out[MAIL_DATE_MAX])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&date, &tm);
	snprintf(out, MAIL_DATE_MAX, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
		 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

/* Appends body with every line break (LF, CR or CRLF) made CRLF, in base64 lines. */
static enum adv_err
put_body(struct buf *out, const char *body)
{
	struct buf crlf;
	enum adv_err rc = ADV_OK;

	buf_init(&crlf, 0);
	for (const char *p = body; rc == ADV_OK && *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		rc = *p == '\r' || *p == '\n' ? buf_puts(&crlf, "\r\n") : buf_putc(&crlf, *p);
	}
	for (size_t i = 0; rc == ADV_OK && i < crlf.len; i += MAIL_B64_LINE) {
		size_t n = crlf.len - i < MAIL_B64_LINE ? crlf.len - i : MAIL_B64_LINE;

		if ((rc = put_base64(out, crlf.data + i, n)) == ADV_OK)
			rc = buf_puts(out, "\r\n");
	}
	buf_release(&crlf);
	return rc;
}

enum adv_err
outbound_mail_message(const char *from, const char *to, const char *subject, const char *body,
		      time_t date, struct buf *out)
{
	unsigned char id[MAIL_ID_BYTES];
	char id_hex[2 * MAIL_ID_BYTES + 1], when[MAIL_DATE_MAX];
	const char *domain = strrchr(from, '@');
	enum adv_err rc;

	if (domain == NULL || strchr(to, '@') == NULL) {
		rc = ADV_EINVAL;
		goto out;
	}
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(id_hex, sizeof(id_hex), id, sizeof(id));
	format_date(date, when);
	if ((rc = buf_printf(out,
			     "Date: %s\r\nMessage-ID: <%s%s>\r\nFrom: %s\r\nTo: %s\r\n"
			     "Subject: ",
			     when, id_hex, domain, from, to)) != ADV_OK ||
	    (rc = put_subject(out, subject)) != ADV_OK ||
	    (rc = buf_puts(out, "\r\nMIME-Version: 1.0\r\n"
				"Content-Type: text/plain; charset=utf-8\r\n"
				"Content-Transfer-Encoding: base64\r\n\r\n")) != ADV_OK)
		goto out;
	rc = put_body(out, body);
out:
	return rc;
}
