/*
 * attachment_file.c — what an attached file is (see attachment.h): the
 * allow-list of types with their MIME types and extensions, recognising a
 * type from the bytes' magic numbers and structure (for Office documents,
 * the names in the ZIP archive's central directory, read with bounds
 * checks and without inflating anything), and cleaning the file name a
 * client sent. Pure functions: no I/O, no SQL.
 */
#include "core/attachment.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

#define EXTS_MAX 4 /* extensions of one type */

/* ZIP records (APPNOTE.TXT): signatures, fixed sizes and field offsets. */
#define ZIP_LOCAL_SIG	  0x04034b50u
#define ZIP_CENTRAL_SIG	  0x02014b50u
#define ZIP_END_SIG	  0x06054b50u
#define ZIP_LOCAL_LEN	  30
#define ZIP_CENTRAL_LEN	  46
#define ZIP_END_LEN	  22
#define ZIP_COMMENT_MAX	  0xFFFFu
#define ZIP_END_DISK	  4
#define ZIP_END_CD_DISK	  6
#define ZIP_END_DISK_N	  8
#define ZIP_END_TOTAL_N	  10
#define ZIP_END_CD_SIZE	  12
#define ZIP_END_CD_OFFSET 16
#define ZIP_END_COMMENT	  20
#define ZIP_CEN_NAME_LEN  28
#define ZIP_CEN_EXTRA_LEN 30
#define ZIP_CEN_COMMENT	  32
#define ZIP_CEN_LOCAL_OFF 42
#define ZIP_U16_MAX	  0xFFFFu
#define ZIP_U32_MAX	  0xFFFFFFFFu
#define ZIP_NAME_CMP_MAX  64 /* bytes of an entry name worth comparing */

/* The smallest files each binary format can be, with their headers. */
#define PDF_MIN	 8
#define PNG_MIN	 33
#define JPEG_MIN 4
#define GIF_MIN	 13
#define WEBP_MIN 16

/* UTF-8 byte order mark. */
#define BOM_LEN 3

struct type_info {
	const char *mime;
	const char *label;
	const char *exts[EXTS_MAX]; /* lowercase; the first is the one appended */
};

static const struct type_info types[AT__MAX] = {
    [AT_PDF] = {"application/pdf", "a PDF document", {"pdf"}},
    [AT_PNG] = {"image/png", "a PNG image", {"png"}},
    [AT_JPEG] = {"image/jpeg", "a JPEG image", {"jpg", "jpeg", "jpe"}},
    [AT_GIF] = {"image/gif", "a GIF image", {"gif"}},
    [AT_WEBP] = {"image/webp", "a WebP image", {"webp"}},
    [AT_TEXT] = {"text/plain; charset=utf-8", "plain text", {"txt", "text", "log", "md"}},
    [AT_CSV] = {"text/csv; charset=utf-8", "a CSV table", {"csv"}},
    [AT_DOCX] = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		 "a Word document (DOCX)",
		 {"docx"}},
    [AT_XLSX] = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		 "an Excel workbook (XLSX)",
		 {"xlsx"}},
    [AT_PPTX] = {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		 "a PowerPoint presentation (PPTX)",
		 {"pptx"}},
};

/* Names Windows reserves for devices, whatever the extension. */
static const char *const device_names[] = {
    "con",  "prn",  "aux",  "nul",  "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"};

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* True when the n bytes at p are UTF-8 text (a BOM allowed) without NUL or control characters. */
static bool
is_text(const unsigned char *p, size_t n)
{
	if (n >= BOM_LEN && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += BOM_LEN;
		n -= BOM_LEN;
	}
	for (size_t i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f') ||
		    p[i] == 0x7F)
			return false;
	return utf8_valid((const char *)p, n);
}

/* What the ZIP directory of an Office document holds. */
struct zip_parts {
	bool content_types, word, xl, ppt, macros;
};

/* Notes what entry name (len bytes) says about the document. */
static void
zip_note(struct zip_parts *z, const unsigned char *name, size_t len)
{
	static const char vba[] = "vbaproject.bin";
	char s[ZIP_NAME_CMP_MAX + 1];
	size_t vlen = sizeof(vba) - 1;

	if (len >= vlen && strncasecmp((const char *)name + len - vlen, vba, vlen) == 0)
		z->macros = true;
	if (len > ZIP_NAME_CMP_MAX)
		return;
	memcpy(s, name, len);
	s[len] = '\0';
	if (strcmp(s, "[Content_Types].xml") == 0)
		z->content_types = true;
	else if (strcmp(s, "word/document.xml") == 0)
		z->word = true;
	else if (strcmp(s, "xl/workbook.xml") == 0)
		z->xl = true;
	else if (strcmp(s, "ppt/presentation.xml") == 0)
		z->ppt = true;
}

/*
 * Offset of the ZIP end-of-central-directory record of the n bytes at p:
 * the last one whose comment ends exactly at the end of the file; 0 when
 * there is none (offset 0 holds the first local header, never the record).
 */
static size_t
zip_find_end(const unsigned char *p, size_t n)
{
	size_t lowest = n - ZIP_END_LEN > ZIP_COMMENT_MAX ? n - ZIP_END_LEN - ZIP_COMMENT_MAX : 1;

	for (size_t at = n - ZIP_END_LEN; at >= lowest; at--)
		if (le32(p + at) == ZIP_END_SIG &&
		    at + ZIP_END_LEN + le16(p + at + ZIP_END_COMMENT) == n)
			return at;
	return 0;
}

/* The Office Open XML type of a ZIP archive of n bytes at p, or AT__MAX. */
static enum attachment_type
detect_ooxml(const unsigned char *p, size_t n)
{
	struct zip_parts z = {false, false, false, false, false};
	enum attachment_type t = AT__MAX;
	size_t end, cd, cd_start, cd_end, entries;

	if (n < ZIP_LOCAL_LEN + ZIP_END_LEN || le32(p) != ZIP_LOCAL_SIG ||
	    (end = zip_find_end(p, n)) == 0)
		goto out;
	entries = le16(p + end + ZIP_END_TOTAL_N);
	cd = le32(p + end + ZIP_END_CD_OFFSET);
	/* One disk, no ZIP64 (an attachment is far below its sizes), the directory before the end.
	 */
	if (le16(p + end + ZIP_END_DISK) != 0 || le16(p + end + ZIP_END_CD_DISK) != 0 ||
	    le16(p + end + ZIP_END_DISK_N) != entries || entries == ZIP_U16_MAX || entries == 0 ||
	    entries > ATTACHMENT_ZIP_ENTRIES_MAX || cd == ZIP_U32_MAX ||
	    le32(p + end + ZIP_END_CD_SIZE) > end || cd > end - le32(p + end + ZIP_END_CD_SIZE))
		goto out;
	cd_start = cd;
	cd_end = cd + le32(p + end + ZIP_END_CD_SIZE);
	for (size_t i = 0; i < entries; i++) {
		size_t name_len, total;

		if (cd_end - cd < ZIP_CENTRAL_LEN || le32(p + cd) != ZIP_CENTRAL_SIG)
			goto out;
		name_len = le16(p + cd + ZIP_CEN_NAME_LEN);
		total = ZIP_CENTRAL_LEN + name_len + le16(p + cd + ZIP_CEN_EXTRA_LEN) +
			le16(p + cd + ZIP_CEN_COMMENT);
		if (cd_end - cd < total || le32(p + cd + ZIP_CEN_LOCAL_OFF) >= cd_start)
			goto out;
		zip_note(&z, p + cd + ZIP_CENTRAL_LEN, name_len);
		cd += total;
	}
	if (!z.content_types || z.macros || (int)z.word + (int)z.xl + (int)z.ppt != 1)
		goto out;
	t = z.word ? AT_DOCX : z.xl ? AT_XLSX : AT_PPTX;
out:
	return t;
}

enum attachment_type
attachment_detect(const void *data, size_t size)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	const unsigned char *p = data;
	enum attachment_type t = AT__MAX;

	if (size == 0)
		goto out;
	if (size >= PDF_MIN && memcmp(p, "%PDF-", 5) == 0)
		t = AT_PDF;
	else if (size >= PNG_MIN && memcmp(p, png, sizeof(png)) == 0 &&
		 memcmp(p + 12, "IHDR", 4) == 0)
		t = AT_PNG;
	else if (size >= JPEG_MIN && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		t = AT_JPEG;
	else if (size >= GIF_MIN && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		t = AT_GIF;
	else if (size >= WEBP_MIN && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0 &&
		 (memcmp(p + 12, "VP8 ", 4) == 0 || memcmp(p + 12, "VP8L", 4) == 0 ||
		  memcmp(p + 12, "VP8X", 4) == 0))
		t = AT_WEBP;
	else if (size >= 4 && le32(p) == ZIP_LOCAL_SIG)
		t = detect_ooxml(p, size);
	else if (is_text(p, size))
		t = AT_TEXT;
out:
	return t;
}

const char *
attachment_type_mime(enum attachment_type t)
{
	return (unsigned)t < AT__MAX ? types[t].mime : NULL;
}

const char *
attachment_type_label(enum attachment_type t)
{
	return (unsigned)t < AT__MAX ? types[t].label : "a type that is not allowed";
}

/*
 * The code point of the well-formed UTF-8 sequence at s (validated before),
 * its length in *len.
 */
static uint32_t
utf8_at(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] < 0xF0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		       (s[2] & 0x3F);
	}
	*len = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* True for a code point a name may not show as is: direction and zero-width marks. */
static bool
invisible_mark(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C;
}

/* The type among the allowed whose extensions include ext (lowercase), or AT__MAX. */
static enum attachment_type
type_of_ext(const char *ext)
{
	for (int t = 0; t < AT__MAX; t++)
		for (int i = 0; i < EXTS_MAX && types[t].exts[i] != NULL; i++)
			if (strcmp(types[t].exts[i], ext) == 0)
				return (enum attachment_type)t;
	return AT__MAX;
}

/* True when the stem (len bytes) is a Windows device name, in any case. */
static bool
device_name(const char *stem, size_t len)
{
	for (size_t i = 0; i < sizeof(device_names) / sizeof(device_names[0]); i++)
		if (strlen(device_names[i]) == len && strncasecmp(device_names[i], stem, len) == 0)
			return true;
	return false;
}

/*
 * Cuts the stem s (len bytes, valid UTF-8) to at most max code points;
 * returns the bytes kept.
 */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t i = 0, k, chars = 0;

	while (i < len && chars < max) {
		utf8_at((const unsigned char *)s + i, &k);
		i += k;
		chars++;
	}
	return i;
}

/*
 * Copies the last path component of raw (n bytes, valid UTF-8, no
 * controls) into out (room for n + 1 bytes) with the characters that may
 * not show replaced by '_'; returns the bytes written.
 */
static size_t
name_copy(const char *raw, size_t n, char *out)
{
	const char *start = raw;
	size_t i, k, w = 0;

	for (i = 0; i < n; i++)
		if (raw[i] == '/' || raw[i] == '\\')
			start = raw + i + 1;
	for (i = (size_t)(start - raw); i < n; i += k) {
		uint32_t cp = utf8_at((const unsigned char *)raw + i, &k);

		if (invisible_mark(cp) || (cp < 0x80 && strchr("<>:\"|?*", (int)cp) != NULL)) {
			out[w++] = '_';
			continue;
		}
		memcpy(out + w, raw + i, k);
		w += k;
	}
	out[w] = '\0';
	return w;
}

/* Checks raw as a name a client may send: present, short enough, UTF-8, no control characters. */
static enum adv_err
name_check(const char *raw, struct adv_errbuf *eb)
{
	size_t n = raw ? strlen(raw) : 0;
	enum adv_err rc = ADV_OK;

	if (n == 0)
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_NAME,
			      "name is required: the file's name, such as invoice.pdf");
	else if (n > ATTACHMENT_NAME_IN_MAX)
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_NAME,
			      "name must be at most %d bytes long", ATTACHMENT_NAME_IN_MAX);
	else if (!utf8_valid(raw, n))
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_NAME,
			      "name must be valid UTF-8 text");
	for (size_t i = 0; rc == ADV_OK && i < n; i++) {
		unsigned char ch = (unsigned char)raw[i];

		/* C0, DEL, and C1 (U+0080..U+009F, encoded C2 80..C2 9F) */
		if (ch < 0x20 || ch == 0x7F ||
		    (ch == 0xC2 && i + 1 < n && (unsigned char)raw[i + 1] < 0xA0))
			rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_NAME,
				      "name may not contain control characters");
	}
	return rc;
}

enum adv_err
attachment_name_clean(struct arena *a, const char *raw, enum attachment_type *type,
		      const char **out, struct adv_errbuf *eb)
{
	char *buf = NULL, ext[EXTS_MAX * 4 + 1] = "";
	const char *s, *dot, *own;
	size_t n, len, stem_len, ext_len = 0;
	enum attachment_type named;
	enum adv_err rc;

	*out = NULL;
	if ((rc = name_check(raw, eb)) != ADV_OK)
		goto out;
	n = strlen(raw);
	if ((buf = arena_alloc(a, n + 1)) == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	len = name_copy(raw, n, buf);
	/* Trim white space and dots at both ends: no hidden files, nothing Windows drops. */
	s = buf;
	while (len > 0 && (*s == ' ' || *s == '.' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '.' || s[len - 1] == '\t'))
		len--;
	dot = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.')
			dot = s + i;
	stem_len = dot ? (size_t)(dot - s) : len;
	if (dot != NULL && len - stem_len - 1 < sizeof(ext)) {
		ext_len = len - stem_len - 1;
		for (size_t i = 0; i < ext_len; i++)
			ext[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32
										 : dot[1 + i]);
		ext[ext_len] = '\0';
	}
	named = ext_len > 0 ? type_of_ext(ext) : AT__MAX;
	if (*type == AT_TEXT && named == AT_CSV)
		*type = AT_CSV;
	if (named != AT__MAX && named != *type) {
		rc = adv_fail(eb, ADV_EINVAL, ATTACHMENT_FIELD_FILE,
			      "the file is %s, not what its name's extension .%s says",
			      attachment_type_label(*type), ext);
		goto out;
	}
	if (named == AT__MAX) {
		/* No extension of an allowed type: the whole name is the stem. */
		stem_len = len;
		ext_len = strlen(types[*type].exts[0]);
		memcpy(ext, types[*type].exts[0], ext_len + 1);
	} else {
		memcpy(ext, dot + 1, ext_len); /* as sent, case kept */
		ext[ext_len] = '\0';
	}
	stem_len = utf8_cut(s, stem_len, ATTACHMENT_NAME_MAX - 1 - ext_len);
	if (stem_len == 0)
		own = arena_printf(a, "file.%s", ext);
	else
		own = arena_printf(a, "%s%.*s.%s", device_name(s, stem_len) ? "_" : "",
				   (int)stem_len, s, ext);
	if (own == NULL) {
		rc = ADV_ENOMEM;
		goto out;
	}
	*out = own;
out:
	return rc;
}
