/*
 * encoding.c — encoding detection and conversion to UTF-8 (see encoding.h).
 *
 * Valid UTF-8 is copied as it is; everything else goes through iconv in
 * fixed-size chunks appended to the caller's buffer, so memory stays bounded
 * by the output limit.
 */
#include "io/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "util/str.h"

#define ENC_CHUNK 16384 /* bytes of UTF-8 produced per iconv call */

static const char enc_bom_utf8[] = "\xEF\xBB\xBF";
static const char enc_bom_utf16le[] = "\xFF\xFE";
static const char enc_bom_utf16be[] = "\xFE\xFF";

/* iconv's names of the encodings that need converting. */
static const char *const enc_iconv_names[ENC_KIND__MAX] = {
    [ENC_UTF16LE_BOM] = "UTF-16LE",
    [ENC_UTF16BE_BOM] = "UTF-16BE",
    [ENC_CP1251] = "WINDOWS-1251",
};

static const char *const enc_names[ENC_KIND__MAX] = {
    [ENC_UTF8] = "UTF-8",	    [ENC_UTF8_BOM] = "UTF-8 with BOM",
    [ENC_UTF16LE_BOM] = "UTF-16LE", [ENC_UTF16BE_BOM] = "UTF-16BE",
    [ENC_CP1251] = "Windows-1251",
};

/* What a scan of text that is not valid UTF-8 found. */
struct enc_scan {
	size_t multibyte; /* well-formed multi-byte sequences */
	size_t invalid;	  /* bytes that start no well-formed sequence */
	size_t first_bad; /* offset of the first such byte */
};

const char *
enc_kind_name(enum enc_kind k)
{
	if ((unsigned)k >= ENC_KIND__MAX)
		return "unknown";
	return enc_names[k];
}

/* 1-based line number of offset off in the text at s. */
static size_t
enc_line_at(const char *s, size_t off)
{
	size_t line = 1;
	const char *p = s, *end = s + off, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p = nl + 1;
	}
	return line;
}

static bool
enc_starts_with(const char *in, size_t n, const char *bom)
{
	size_t k = strlen(bom);

	return n >= k && memcmp(in, bom, k) == 0;
}

/* Counts well-formed multi-byte sequences and bad bytes in s. */
static void
enc_scan_utf8(const char *s, size_t n, struct enc_scan *sc)
{
	size_t i = 0;

	sc->multibyte = 0;
	sc->invalid = 0;
	sc->first_bad = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

		if (c < 0x80) {
			i++;
		} else if (k > 1 && k <= n - i && utf8_valid(s + i, k)) {
			sc->multibyte++;
			i += k;
		} else {
			if (sc->invalid++ == 0)
				sc->first_bad = i;
			i++;
		}
	}
}

/* Appends n bytes to out unless that takes the converted text (started at base) past max_out. */
static enum adv_err
enc_put(struct buf *out, size_t base, size_t max_out, const char *p, size_t n)
{
	if (max_out != 0 && n > max_out - (out->len - base))
		return ADV_ETOOBIG;
	return buf_append(out, p, n);
}

/*
 * Converts the n bytes at in from encoding kind, appending UTF-8 to out.
 * Errors name the line, counted in the text converted so far.
 */
static enum adv_err
enc_iconv(enum enc_kind kind, const char *in, size_t n, size_t max_out, struct buf *out,
	  struct adv_errbuf *eb)
{
	char chunk[ENC_CHUNK];
	char *ip = (char *)in;
	size_t il = n, base = out->len, r;
	enum adv_err rc = ADV_OK;
	iconv_t cd = iconv_open("UTF-8", enc_iconv_names[kind]);
	int err;

	if (cd == (iconv_t)-1)
		return adv_fail(eb, ADV_EINTERNAL, NULL, "iconv cannot convert from %s",
				enc_kind_name(kind));
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof(chunk);

		r = iconv(cd, &ip, &il, &op, &ol);
		err = errno;
		rc = enc_put(out, base, max_out, chunk, (size_t)(op - chunk));
		if (rc == ADV_ETOOBIG) {
			rc = adv_fail(eb, rc, NULL,
				      "the text exceeds %zu bytes once converted to UTF-8",
				      max_out != 0 ? max_out : out->max);
			goto out;
		}
		if (rc != ADV_OK)
			goto out;
		if (r == (size_t)-1 && err != E2BIG) {
			rc = adv_fail(eb, ADV_EINVAL, NULL,
				      "line %zu: byte 0x%02X is not valid %s text",
				      enc_line_at(out->data + base, out->len - base),
				      (unsigned)(unsigned char)*ip, enc_kind_name(kind));
			goto out;
		}
	}
out:
	iconv_close(cd);
	return rc;
}

/* Handles input that is not UTF-16: UTF-8 with or without BOM, or Windows-1251. */
static enum adv_err
enc_from_bytes(const char *in, size_t n, size_t max_out, struct buf *out, enum enc_kind *kind,
	       struct adv_errbuf *eb)
{
	const char *nul = n > 0 ? memchr(in, '\0', n) : NULL;
	bool bom = enc_starts_with(in, n, enc_bom_utf8);
	size_t skip = bom ? strlen(enc_bom_utf8) : 0;
	struct enc_scan sc;
	enum adv_err rc;

	*kind = bom ? ENC_UTF8_BOM : ENC_UTF8;
	if (nul != NULL)
		return adv_fail(eb, ADV_EINVAL, NULL,
				"line %zu: the file contains a NUL byte; it is not a text file",
				enc_line_at(in, (size_t)(nul - in)));
	if (!utf8_valid(in + skip, n - skip)) {
		enc_scan_utf8(in + skip, n - skip, &sc);
		if (bom || sc.multibyte >= ENC_UTF8_DAMAGE_RATIO * sc.invalid)
			return adv_fail(eb, ADV_EINVAL, NULL,
					"line %zu: byte 0x%02X is not valid UTF-8 (the rest of the "
					"file is UTF-8; was it damaged or joined from two files?)",
					enc_line_at(in, skip + sc.first_bad),
					(unsigned)(unsigned char)in[skip + sc.first_bad]);
		*kind = ENC_CP1251;
		return enc_iconv(ENC_CP1251, in, n, max_out, out, eb);
	}
	rc = enc_put(out, out->len, max_out, in + skip, n - skip);
	if (rc == ADV_ETOOBIG)
		return adv_fail(eb, rc, NULL, "the text exceeds %zu bytes",
				max_out != 0 ? max_out : out->max);
	return rc;
}

enum adv_err
enc_to_utf8(const char *in, size_t n, size_t max_out, struct buf *out, enum enc_kind *detected,
	    struct adv_errbuf *eb)
{
	size_t old_len = out->len, bom = strlen(enc_bom_utf16le);
	enum enc_kind kind;
	enum adv_err rc;
	const char *nul;

	if (n == 0) {
		kind = ENC_UTF8;
		rc = ADV_OK;
		goto out;
	}
	if (enc_starts_with(in, n, enc_bom_utf16le) || enc_starts_with(in, n, enc_bom_utf16be)) {
		kind = in[0] == enc_bom_utf16le[0] ? ENC_UTF16LE_BOM : ENC_UTF16BE_BOM;
		rc = enc_iconv(kind, in + bom, n - bom, max_out, out, eb);
		if (rc != ADV_OK || out->len == old_len)
			goto out;
		nul = memchr(out->data + old_len, '\0', out->len - old_len);
		if (nul != NULL)
			rc = adv_fail(
			    eb, ADV_EINVAL, NULL,
			    "line %zu: the file contains a NUL character; it is not a "
			    "text file",
			    enc_line_at(out->data + old_len, (size_t)(nul - out->data - old_len)));
		goto out;
	}
	rc = enc_from_bytes(in, n, max_out, out, &kind, eb);
out:
	if (detected != NULL)
		*detected = kind;
	if (rc != ADV_OK && out->data != NULL) {
		out->len = old_len;
		out->data[old_len] = '\0';
	}
	return rc;
}
