/*
 * encoding.h — turning uploaded text files into UTF-8.
 *
 * Files reach Advocate from Excel and 1C in whatever encoding the user's
 * Windows used: UTF-8 with or without a byte order mark, Windows-1251, or
 * "Unicode text" (UTF-16 with a BOM). enc_to_utf8() recognises which, and
 * converts with glibc's iconv, so that every parser behind it sees UTF-8 only.
 */
#ifndef ADV_IO_ENCODING_H
#define ADV_IO_ENCODING_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

enum enc_kind {
	ENC_UTF8,	 /* valid UTF-8, no byte order mark */
	ENC_UTF8_BOM,	 /* UTF-8 that starts with EF BB BF */
	ENC_UTF16LE_BOM, /* UTF-16 little endian with FF FE (Excel's "Unicode text") */
	ENC_UTF16BE_BOM, /* UTF-16 big endian with FE FF */
	ENC_CP1251,	 /* anything else: Windows-1251 (Cyrillic) */
	ENC_KIND__MAX
};

/*
 * A file whose invalid UTF-8 bytes are outnumbered this many times by valid
 * multi-byte sequences is taken for damaged UTF-8 and refused, rather than
 * decoded as Windows-1251 into garbage.
 */
#define ENC_UTF8_DAMAGE_RATIO 8

/* A short English name of k ("Windows-1251"); static storage, never NULL. */
const char *enc_kind_name(enum enc_kind k);

/*
 * Detects the encoding of the n bytes at in and appends them to out as UTF-8
 * without a byte order mark. Detection: a UTF-8 BOM (removed), a UTF-16LE or
 * UTF-16BE BOM (converted), else valid UTF-8 as it is, else Windows-1251
 * (converted), except that input which is mostly valid multi-byte UTF-8 with a
 * few bad bytes is refused as damaged UTF-8 (see ENC_UTF8_DAMAGE_RATIO).
 * in may be NULL when n is 0. out must be initialised by the caller, who owns
 * it; *detected (when not NULL) receives the encoding found, on failure too.
 * Errors, with the detail and the 1-based line in eb:
 *   ADV_EINVAL  a NUL character, damaged UTF-8, a byte that Windows-1251 does
 *               not define (0x98), or malformed UTF-16;
 *   ADV_ETOOBIG the converted text would exceed max_out bytes (0 = no limit of
 *               its own) or out's own maximum;
 *   ADV_ENOMEM, ADV_EINTERNAL (iconv unavailable for a needed conversion).
 * On failure out holds what it held before the call.
 */
enum adv_err enc_to_utf8(const char *in, size_t n, size_t max_out, struct buf *out,
			 enum enc_kind *detected, struct adv_errbuf *eb);

#endif
