/*
 * test_attachments.c — the files of requests over real HTTP, staff side
 * (src/core/attachment.c, attachment_file.c, src/api/attachments.c): every
 * allowed type uploaded and downloaded byte for byte with the download's
 * headers; disguised and unknown files (an ELF or a Windows program, HTML
 * named .pdf, a ZIP that is no Office document, a macro document) refused
 * 415; the per-file, per-request and server limits answered 413 with
 * nothing stored; an empty body and a multipart form; names cleaned (folders,
 * reserved characters, direction marks, device names, length) or refused
 * naming the field (control characters, invalid UTF-8, none); internal
 * files; roles; and other workspaces' and requests' ids answered 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "api/attachments.h"
#include "core/attachment.h"
#include "core/portal.h"
#include "harness.h"

#define WS	 "/api/v1/workspaces/acme"
#define WS_OTHER "/api/v1/workspaces/other"

/* The JSON body limit of this run's server; uploads get four times it (harness_start). */
#define TEST_BODY_MAX (3u * 1024u * 1024u)
#define PATH_MAX_LEN  4096

static struct harness *h;

/* A file to send: bytes and length. */
struct blob {
	unsigned char *p;
	size_t n;
};

static void
blob_free(struct blob *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

/* A blob holding a copy of the n bytes at p. */
static struct blob
blob_of(const void *p, size_t n)
{
	struct blob b = {malloc(n ? n : 1), n};

	assert_non_null(b.p);
	memcpy(b.p, p, n);
	return b;
}

/* A PDF of exactly n bytes (n >= 16) whose body runs through every byte value. */
static struct blob
pdf(size_t n)
{
	static const char head[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
	struct blob b = {malloc(n), n};

	assert_non_null(b.p);
	assert_true(n >= sizeof(head));
	memcpy(b.p, head, sizeof(head) - 1);
	for (size_t i = sizeof(head) - 1; i < n; i++)
		b.p[i] = (unsigned char)(i * 7 + 3);
	return b;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xFF);
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

/* A ZIP archive (stored entries, CRCs not filled in) of the named entries, each holding "x". */
static struct blob
zip(const char *const *names, size_t count)
{
	unsigned char *p = calloc(1, 8192), *cd;
	size_t w = 0, cd_start, offs[16];

	assert_non_null(p);
	assert_true(count <= 16);
	for (size_t i = 0; i < count; i++) {
		size_t nl = strlen(names[i]);

		offs[i] = w;
		put32(p + w, 0x04034b50u);
		put16(p + w + 4, 20);
		put32(p + w + 18, 1);
		put32(p + w + 22, 1);
		put16(p + w + 26, (unsigned)nl);
		memcpy(p + w + 30, names[i], nl);
		p[w + 30 + nl] = 'x';
		w += 30 + nl + 1;
	}
	cd_start = w;
	for (size_t i = 0; i < count; i++) {
		size_t nl = strlen(names[i]);

		cd = p + w;
		put32(cd, 0x02014b50u);
		put16(cd + 4, 20);
		put16(cd + 6, 20);
		put32(cd + 20, 1);
		put32(cd + 24, 1);
		put16(cd + 28, (unsigned)nl);
		put32(cd + 42, (uint32_t)offs[i]);
		memcpy(cd + 46, names[i], nl);
		w += 46 + nl;
	}
	put32(p + w, 0x06054b50u);
	put16(p + w + 8, (unsigned)count);
	put16(p + w + 10, (unsigned)count);
	put32(p + w + 12, (uint32_t)(w - cd_start));
	put32(p + w + 16, (uint32_t)cd_start);
	w += 22;
	return (struct blob){p, w};
}

/* The request body's name percent-encoded for a query string (every byte but [A-Za-z0-9._-]). */
static char *
pct(const char *s, size_t n)
{
	char *out = malloc(n * 3 + 1);
	size_t w = 0;

	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			out[w++] = (char)c;
		else
			w += (size_t)sprintf(out + w, "%%%02X", c);
	}
	out[w] = '\0';
	return out;
}

/* POSTs the body of b to path as user with Content-Type ctype; the answer into *r, its status. */
static long
send_file(const char *path, int user, const char *ctype, const struct blob *b, struct hresp *r)
{
	assert_int_equal(
	    hreq(h, "POST", path, user, ctype, b->p ? (const void *)b->p : "", b->n, NULL, r), 0);
	return r->status;
}

/* Uploads b to request id as user under name (NULL: no name); the answer into *r, its status. */
static long
upload(int64_t id, int user, const char *name, const struct blob *b, struct hresp *r)
{
	char path[PATH_MAX_LEN];
	char *q = name ? pct(name, strlen(name)) : NULL;

	snprintf(path, sizeof(path), WS "/requests/%lld/attachments%s%s", (long long)id,
		 q ? "?name=" : "", q ? q : "");
	free(q);
	return send_file(path, user, "application/octet-stream", b, r);
}

/* Uploads b and expects 201; returns the new file's JSON (the caller releases it). */
static json_t *
upload_ok(int64_t id, int user, const char *name, const struct blob *b)
{
	struct hresp r;
	json_t *j;

	if (upload(id, user, name, b, &r) != 201)
		fprintf(stderr, "# upload of %s: %ld %s\n", name, r.status, r.body);
	assert_int_equal(r.status, 201);
	j = json_incref(r.json);
	hresp_free(&r);
	assert_true(json_integer_value(json_object_get(j, "id")) > 0);
	return j;
}

/* Uploads b and expects code naming pointer (NULL: any). */
static void
upload_refused(int64_t id, int user, const char *name, const struct blob *b, long code,
	       const char *pointer)
{
	struct hresp r;

	upload(id, user, name, b, &r);
	if (r.status != code || (pointer != NULL && !hresp_has_pointer(&r, pointer)))
		fprintf(stderr, "# upload of %s: expected %ld %s, got %ld %s\n",
			name ? name : "(none)", code, pointer ? pointer : "", r.status, r.body);
	assert_int_equal(r.status, code);
	if (pointer != NULL)
		assert_true(hresp_has_pointer(&r, pointer));
	hresp_free(&r);
}

/* POSTs body to path as user, expects 201 and returns the new object's id. */
static int64_t
create(const char *path, int user, const char *body)
{
	json_t *j = hcall(h, "POST", path, user, body, NULL, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));

	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* A new account of workspace ws made by user. */
static int64_t
account(const char *ws, int user, const char *name)
{
	char path[128], body[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/accounts", ws);
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	return create(path, user, body);
}

/* A request of account acc recorded by user in workspace ws; its id. */
static int64_t
request(const char *ws, int64_t acc, int user)
{
	char path[128], body[256];

	snprintf(path, sizeof(path), "/api/v1/workspaces/%s/requests", ws);
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"kind\":\"order_problem\",\"subject\":\"Накладная\","
		 "\"body\":\"Прикладываю скан\"}",
		 (long long)acc);
	return create(path, user, body);
}

/* The files of request id as the viewer (200): {"items":[…]}. */
static json_t *
list(int64_t id)
{
	char path[160];

	snprintf(path, sizeof(path), WS "/requests/%lld/attachments", (long long)id);
	return hcall(h, "GET", path, U_VIEWER, NULL, NULL, 200);
}

/* How many files request id has. */
static size_t
count(int64_t id)
{
	json_t *j = list(id);
	size_t n = json_array_size(json_object_get(j, "items"));

	json_decref(j);
	return n;
}

/* GETs file aid of request id as user into *r (status checked by the caller). */
static void
download(int64_t id, int64_t aid, int user, struct hresp *r)
{
	char path[200];

	snprintf(path, sizeof(path), WS "/requests/%lld/attachments/%lld", (long long)id,
		 (long long)aid);
	assert_int_equal(hreq(h, "GET", path, user, NULL, NULL, 0, NULL, r), 0);
}

/* Asserts header name of r is value. */
static void
expect_header(const struct hresp *r, const char *name, const char *value)
{
	char *v = hresp_header(r, name);

	if (v == NULL || strcmp(v, value) != 0)
		fprintf(stderr, "# header %s: expected [%s], got [%s]\n", name, value,
			v ? v : "(none)");
	assert_non_null(v);
	assert_string_equal(v, value);
	free(v);
	assert_int_equal(hresp_header_count(r, name), 1);
}

/* The string field key of j. */
static const char *
str(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));

	if (v == NULL) {
		char *dump = j ? json_dumps(j, 0) : NULL;

		fprintf(stderr, "# no string %s in %s\n", key, dump ? dump : "(null)");
		free(dump);
	}
	assert_non_null(v);
	return v;
}

/* The lowercase hex SHA-256 of b into out. */
static void
sha256_hex(const struct blob *b, char out[ATTACHMENT_SHA256_HEX + 1])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, b->p, b->n);
	sodium_bin2hex(out, ATTACHMENT_SHA256_HEX + 1, d, sizeof(d));
}

/*
 * Uploads b as name, downloads it back and checks the bytes, the stored
 * description and every header of the download; the name it got is
 * expected_name and its type ctype.
 */
static void
round_trip(int64_t id, const char *name, const struct blob *b, const char *expected_name,
	   const char *ctype, const char *disposition)
{
	char sha[ATTACHMENT_SHA256_HEX + 1], etag[ATTACHMENT_SHA256_HEX + 3], loc[200];
	json_t *j = upload_ok(id, U_MANAGER, name, b);
	int64_t aid = json_integer_value(json_object_get(j, "id"));
	struct hresp r;

	sha256_hex(b, sha);
	assert_string_equal(str(j, "name"), expected_name);
	assert_string_equal(str(j, "content_type"), ctype);
	assert_string_equal(str(j, "sha256"), sha);
	assert_int_equal(json_integer_value(json_object_get(j, "size")), (json_int_t)b->n);
	assert_int_equal(json_integer_value(json_object_get(j, "request_id")), id);
	assert_true(json_is_null(json_object_get(j, "message_id")));
	assert_string_equal(str(j, "uploaded_by"), "staff");
	assert_true(json_is_false(json_object_get(j, "internal")));
	snprintf(loc, sizeof(loc), WS "/requests/%lld/attachments/%lld", (long long)id,
		 (long long)aid);
	assert_string_equal(str(j, "url"), loc);
	json_decref(j);

	download(id, aid, U_VIEWER, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, b->n);
	assert_memory_equal(r.body, b->p, b->n);
	snprintf(etag, sizeof(etag), "\"%s\"", sha);
	expect_header(&r, "Content-Type", ctype);
	expect_header(&r, "ETag", etag);
	expect_header(&r, "X-Content-Type-Options", "nosniff");
	expect_header(&r, "Content-Security-Policy", ATTACHMENTS_CSP);
	expect_header(&r, "Cache-Control", "private, no-store");
	if (disposition != NULL)
		expect_header(&r, "Content-Disposition", disposition);
	hresp_free(&r);
}

static void
test_round_trip_every_type(void **state)
{
	static const unsigned char png[] = {
	    0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0,   0,   0,	13,   'I',  'H',  'D', 'R',
	    0,	  0,   0,   1,	 0,    0,    0,	   1,	 8,   6,   0,	0,    0,    0,	  0,   0,
	    0,	  0,   0,   0,	 0,    0,    0,	   'I',	 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0,	   16,	'J', 'F',
					     'I',  'F',	 0,    1,    1,	   0,	0,   1,
					     0,	   1,	 0,    0,    0xFF, 0xD9};
	static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};
	static const unsigned char webp[] = {'R', 'I', 'F', 'F', 12,  0,   0, 0, 'W', 'E',
					     'B', 'P', 'V', 'P', '8', 'L', 0, 0, 0,   0};
	static const char text[] = "\xEF\xBB\xBFПривет, накладная №5\r\n\tвторая строка\n";
	static const char csv[] = "Артикул;Количество\n1001;5\n";
	static const char html[] = "<!doctype html><script>alert(1)</script>";
	const char *docx_names[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
	const char *xlsx_names[] = {"[Content_Types].xml", "xl/workbook.xml", "xl/sheet1.xml"};
	const char *pptx_names[] = {"[Content_Types].xml", "ppt/presentation.xml"};
	int64_t acc = account("acme", U_MANAGER, "Клиент с файлами");
	int64_t id = request("acme", acc, U_MANAGER);
	struct blob b;

	(void)state;
	b = pdf(4096);
	round_trip(id, "scan.pdf", &b, "scan.pdf", "application/pdf",
		   "attachment; filename=\"scan.pdf\"; filename*=UTF-8''scan.pdf");
	/* A name outside ASCII: a fallback of '_' and the exact name percent-encoded. */
	round_trip(
	    id, "Счёт №5 \"итог\".PDF", &b, "Счёт №5 _итог_.PDF", "application/pdf",
	    "attachment; filename=\"____ _5 ______.PDF\"; "
	    "filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20%E2%84%965%20_%D0%B8%D1%82%D0%BE%D0%"
	    "B3_.PDF");
	blob_free(&b);
	b = blob_of(png, sizeof(png));
	round_trip(id, "photo.png", &b, "photo.png", "image/png", NULL);
	blob_free(&b);
	b = blob_of(jpeg, sizeof(jpeg));
	round_trip(id, "photo.JPEG", &b, "photo.JPEG", "image/jpeg", NULL);
	blob_free(&b);
	b = blob_of(gif, sizeof(gif));
	round_trip(id, "anim.gif", &b, "anim.gif", "image/gif", NULL);
	blob_free(&b);
	b = blob_of(webp, sizeof(webp));
	round_trip(id, "pic.webp", &b, "pic.webp", "image/webp", NULL);
	blob_free(&b);
	b = blob_of(text, strlen(text));
	round_trip(id, "notes.txt", &b, "notes.txt", "text/plain; charset=utf-8", NULL);
	/* Text without an extension of its own gets .txt. */
	round_trip(id, "notes", &b, "notes.txt", "text/plain; charset=utf-8", NULL);
	blob_free(&b);
	b = blob_of(csv, strlen(csv));
	round_trip(id, "order.csv", &b, "order.csv", "text/csv; charset=utf-8", NULL);
	blob_free(&b);
	/* HTML is text: named .txt it is served as plain text, which no browser renders. */
	b = blob_of(html, strlen(html));
	round_trip(id, "page.txt", &b, "page.txt", "text/plain; charset=utf-8", NULL);
	blob_free(&b);
	b = zip(docx_names, 3);
	round_trip(id, "contract.docx", &b, "contract.docx",
		   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL);
	blob_free(&b);
	b = zip(xlsx_names, 3);
	round_trip(id, "prices.xlsx", &b, "prices.xlsx",
		   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL);
	blob_free(&b);
	b = zip(pptx_names, 2);
	round_trip(id, "deck.pptx", &b, "deck.pptx",
		   "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		   NULL);
	blob_free(&b);
	assert_int_equal(count(id), 13);
	/* The list: oldest first, with the staff-only fields. */
	{
		json_t *j = list(id), *first = json_array_get(json_object_get(j, "items"), 0);

		assert_string_equal(str(first, "name"), "scan.pdf");
		assert_string_equal(str(first, "uploader_name"), "manager@example.test");
		assert_true(json_is_false(json_object_get(first, "internal")));
		json_decref(j);
	}
	/* The upload is in the company's history. */
	{
		char path[160], *dump;
		json_t *j;

		snprintf(path, sizeof(path), WS "/accounts/%lld/audit", (long long)acc);
		j = hcall(h, "GET", path, U_OWNER, NULL, NULL, 200);
		dump = json_dumps(j, 0);
		assert_non_null(strstr(dump, "\"attach\""));
		free(dump);
		json_decref(j);
	}
}

static void
test_disguised_and_unknown_files(void **state)
{
	static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1,    0, 0, 0, 0, 0,
					    0,	  0,   0,   0,	 2, 0, 0x3E, 0, 1, 0, 0, 0};
	static const unsigned char exe[] = {'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF};
	static const char html[] = "<html><body onload=\"alert(document.cookie)\"></body></html>";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x</script>";
	static const unsigned char latin1[] = {'c', 'a', 'f', 0xE9, '\n'};
	static const unsigned char nul_text[] = {'a', 0, 'b', '\n'};
	const char *macro_names[] = {"[Content_Types].xml", "word/document.xml",
				     "word/vbaProject.bin"};
	const char *plain_zip[] = {"readme.txt", "setup.exe"};
	const char *two_kinds[] = {"[Content_Types].xml", "word/document.xml", "xl/workbook.xml"};
	int64_t acc = account("acme", U_OWNER, "Клиент с подозрительными файлами");
	int64_t id = request("acme", acc, U_OWNER);
	struct blob b;

	(void)state;
	b = blob_of(elf, sizeof(elf));
	upload_refused(id, U_OWNER, "invoice.pdf", &b, 415, "file");
	upload_refused(id, U_OWNER, "invoice", &b, 415, "file");
	blob_free(&b);
	b = blob_of(exe, sizeof(exe));
	upload_refused(id, U_OWNER, "invoice.pdf", &b, 415, "file");
	blob_free(&b);
	/* HTML is text, which a .pdf is not: the name lies about the content. */
	b = blob_of(html, strlen(html));
	upload_refused(id, U_OWNER, "invoice.pdf", &b, 415, "file");
	upload_refused(id, U_OWNER, "invoice.png", &b, 415, "file");
	blob_free(&b);
	b = blob_of(svg, strlen(svg));
	upload_refused(id, U_OWNER, "logo.jpg", &b, 415, "file");
	blob_free(&b);
	/* A PDF named as an image, and text that is not UTF-8 or holds NUL. */
	b = pdf(64);
	upload_refused(id, U_OWNER, "photo.jpg", &b, 415, "file");
	upload_refused(id, U_OWNER, "table.csv", &b, 415, "file");
	blob_free(&b);
	b = blob_of(latin1, sizeof(latin1));
	upload_refused(id, U_OWNER, "menu.txt", &b, 415, "file");
	blob_free(&b);
	b = blob_of(nul_text, sizeof(nul_text));
	upload_refused(id, U_OWNER, "menu.txt", &b, 415, "file");
	blob_free(&b);
	/* ZIP archives that are not exactly one Office document without macros. */
	b = zip(macro_names, 3);
	upload_refused(id, U_OWNER, "contract.docx", &b, 415, "file");
	blob_free(&b);
	b = zip(plain_zip, 2);
	upload_refused(id, U_OWNER, "contract.docx", &b, 415, "file");
	upload_refused(id, U_OWNER, "files.zip", &b, 415, "file");
	blob_free(&b);
	b = zip(two_kinds, 3);
	upload_refused(id, U_OWNER, "contract.docx", &b, 415, "file");
	/* A truncated archive: its directory is gone. */
	b.n -= 30;
	upload_refused(id, U_OWNER, "contract.docx", &b, 415, "file");
	blob_free(&b);
	/* A multipart form wraps the file instead of being it. */
	{
		char path[160];
		struct hresp r;

		b = pdf(64);
		snprintf(path, sizeof(path), WS "/requests/%lld/attachments?name=a.pdf",
			 (long long)id);
		assert_int_equal(
		    send_file(path, U_OWNER, "multipart/form-data; boundary=x", &b, &r), 415);
		hresp_free(&r);
		/* Whatever else the client claims, the bytes decide. */
		assert_int_equal(send_file(path, U_OWNER, "text/html", &b, &r), 201);
		assert_string_equal(str(r.json, "content_type"), "application/pdf");
		hresp_free(&r);
		blob_free(&b);
	}
	assert_int_equal(count(id), 1);
}

static void
test_names(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент с именами файлов");
	int64_t id = request("acme", acc, U_OWNER);
	struct blob b = pdf(128);
	char longname[1200];
	json_t *j;
	size_t w = 0;

	(void)state;
	/* Folders are dropped, reserved characters and direction marks replaced. */
	j = upload_ok(id, U_OWNER, "../../etc/passwd.pdf", &b);
	assert_string_equal(str(j, "name"), "passwd.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "C:\\fakepath\\Скан.pdf", &b);
	assert_string_equal(str(j, "name"), "Скан.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "a<b>:c|d?*\".pdf", &b);
	assert_string_equal(str(j, "name"), "a_b__c_d___.pdf");
	json_decref(j);
	/* "invoice<RLO>fdp.exe" would show as "invoiceexe.pdf": the mark goes, the real type stays.
	 */
	j = upload_ok(id, U_OWNER,
		      "invoice\xE2\x80\xAE"
		      "fdp.exe",
		      &b);
	assert_string_equal(str(j, "name"), "invoice_fdp.exe.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, " ..hidden.pdf. ", &b);
	assert_string_equal(str(j, "name"), "hidden.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "...", &b);
	assert_string_equal(str(j, "name"), "file.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "dir/", &b);
	assert_string_equal(str(j, "name"), "file.pdf");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "CON.pdf", &b);
	assert_string_equal(str(j, "name"), "_CON.pdf");
	json_decref(j);
	/* A long name is cut to ATTACHMENT_NAME_MAX characters, keeping the extension. */
	for (int i = 0; i < 300; i++) {
		memcpy(longname + w, "я", 2);
		w += 2;
	}
	memcpy(longname + w, ".pdf", 5);
	j = upload_ok(id, U_OWNER, longname, &b);
	{
		const char *name = str(j, "name");
		size_t chars = 0;

		for (const char *p = name; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		assert_int_equal(chars, ATTACHMENT_NAME_MAX);
		assert_string_equal(name + strlen(name) - 4, ".pdf");
	}
	json_decref(j);
	assert_int_equal(count(id), 9);
	/* Refused, naming the field: none, control characters, invalid UTF-8, too long. */
	upload_refused(id, U_OWNER, NULL, &b, 422, "name");
	upload_refused(id, U_OWNER, "", &b, 422, "name");
	upload_refused(id, U_OWNER, "a\nb.pdf", &b, 422, "name");
	upload_refused(id, U_OWNER, "a\x7f.pdf", &b, 422, "name");
	upload_refused(id, U_OWNER, "a\xC2\x85.pdf", &b, 422, "name");
	upload_refused(id, U_OWNER, "caf\xE9.pdf", &b, 422, "name");
	upload_refused(id, U_OWNER, "\xC0\xAF.pdf", &b, 422, "name");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	upload_refused(id, U_OWNER, longname, &b, 422, "name");
	assert_int_equal(count(id), 9);
	blob_free(&b);
}

static void
test_limits(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент с большими файлами");
	int64_t id = request("acme", acc, U_OWNER), id2 = request("acme", acc, U_OWNER);
	struct blob b = {NULL, 0};
	json_t *j;

	(void)state;
	/* Empty: 422 naming the file. */
	upload_refused(id, U_OWNER, "empty.pdf", &b, 422, "file");
	/* One byte over the per-file limit: 413, nothing stored; the limit itself fits. */
	b = pdf(ATTACHMENT_FILE_MAX + 1);
	upload_refused(id, U_OWNER, "big.pdf", &b, 413, NULL);
	assert_int_equal(count(id), 0);
	/*
	 * Four files of the limit's size, written behind the server's back to
	 * spare the uploads (only their recorded sizes count), and a fifth sent:
	 * the request's bytes are then exactly at their limit.
	 */
	for (int i = 0; i < 4; i++) {
		char sql[512];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO request_attachments (workspace_id, request_id, uploader,"
			 " user_id, internal, name, content_type, size, sha256, created_at,"
			 " data_base64) VALUES (%lld, %lld, 'staff', %lld, 0, 'big.pdf',"
			 " 'application/pdf', %u, 'x', '2026-01-01T00:00:00Z', 'JVBERi0=')",
			 (long long)h->ws_acme, (long long)id, (long long)h->user_id[U_OWNER],
			 ATTACHMENT_FILE_MAX);
		assert_int_equal(harness_sql_exec(h, sql), 0);
	}
	b.n = ATTACHMENT_FILE_MAX;
	json_decref(upload_ok(id, U_OWNER, "big.pdf", &b));
	assert_int_equal(count(id), 5);
	blob_free(&b);
	/* Past the request's bytes: 413. */
	b = pdf(64);
	upload_refused(id, U_OWNER, "one-more.pdf", &b, 413, NULL);
	assert_int_equal(count(id), 5);
	/* A body over the server's upload limit is refused before the handler. */
	blob_free(&b);
	b = pdf(TEST_BODY_MAX * 4 + 1);
	upload_refused(id2, U_OWNER, "huge.pdf", &b, 413, NULL);
	blob_free(&b);
	/* Past the request's number of files: 413. */
	b = pdf(64);
	for (int i = 0; i < ATTACHMENT_FILES_MAX; i++)
		json_decref(upload_ok(id2, U_OWNER, "small.pdf", &b));
	upload_refused(id2, U_OWNER, "small.pdf", &b, 413, NULL);
	assert_int_equal(count(id2), ATTACHMENT_FILES_MAX);
	/* The big ones still download whole. */
	j = list(id);
	{
		int64_t aid = json_integer_value(
		    json_object_get(json_array_get(json_object_get(j, "items"), 4), "id"));
		struct hresp r;

		download(id, aid, U_VIEWER, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.len, ATTACHMENT_FILE_MAX);
		hresp_free(&r);
	}
	json_decref(j);
	blob_free(&b);
}

static void
test_roles_internal_and_foreign_ids(void **state)
{
	int64_t mine = account("acme", U_MANAGER, "Клиент менеджера (файлы)");
	int64_t theirs = account("acme", U_MANAGER2, "Клиент другого (файлы)");
	int64_t other_acc = account("other", U_OTHER, "Чужой клиент (файлы)");
	int64_t id_mine = request("acme", mine, U_MANAGER);
	int64_t id_theirs = request("acme", theirs, U_MANAGER2);
	int64_t id_other = request("other", other_acc, U_OTHER);
	int64_t aid_mine, aid_other;
	struct blob b = pdf(256);
	char path[200];
	struct hresp r;
	json_t *j;

	(void)state;
	/* Whoever may reply uploads: a manager for their own companies; a viewer never. */
	j = upload_ok(id_mine, U_MANAGER, "mine.pdf", &b);
	aid_mine = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	upload_refused(id_theirs, U_MANAGER, "x.pdf", &b, 403, NULL);
	upload_refused(id_mine, U_VIEWER, "x.pdf", &b, 403, NULL);
	upload_refused(id_mine, U__MAX, "x.pdf", &b, 401, NULL);
	json_decref(upload_ok(id_theirs, U_ANALYST, "analyst.pdf", &b));
	assert_int_equal(count(id_theirs), 1);
	/* Staff-only files are marked so (the portal never shows them). */
	snprintf(path, sizeof(path), WS "/requests/%lld/attachments?name=note.pdf&internal=true",
		 (long long)id_mine);
	assert_int_equal(send_file(path, U_OWNER, "application/pdf", &b, &r), 201);
	assert_true(json_is_true(json_object_get(r.json, "internal")));
	hresp_free(&r);
	snprintf(path, sizeof(path), WS "/requests/%lld/attachments?name=note.pdf&internal=maybe",
		 (long long)id_mine);
	assert_int_equal(send_file(path, U_OWNER, "application/pdf", &b, &r), 422);
	assert_true(hresp_has_pointer(&r, "internal"));
	hresp_free(&r);
	assert_int_equal(count(id_mine), 2);

	/* Another workspace's request and file are not found by any route. */
	snprintf(path, sizeof(path), WS_OTHER "/requests/%lld/attachments?name=o.pdf",
		 (long long)id_other);
	assert_int_equal(send_file(path, U_OTHER, "application/pdf", &b, &r), 201);
	aid_other = json_integer_value(json_object_get(r.json, "id"));
	hresp_free(&r);
	upload_refused(id_other, U_OWNER, "x.pdf", &b, 404, NULL);
	snprintf(path, sizeof(path), WS "/requests/%lld/attachments", (long long)id_other);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	download(id_other, aid_other, U_OWNER, &r);
	assert_int_equal(r.status, 404);
	hresp_free(&r);
	/* Nor through a request of this workspace, nor another request's file through mine. */
	download(id_mine, aid_other, U_OWNER, &r);
	assert_int_equal(r.status, 404);
	hresp_free(&r);
	download(id_theirs, aid_mine, U_OWNER, &r);
	assert_int_equal(r.status, 404);
	hresp_free(&r);
	snprintf(path, sizeof(path), WS_OTHER "/requests/%lld/attachments/%lld", (long long)id_mine,
		 (long long)aid_mine);
	json_decref(hcall(h, "GET", path, U_OTHER, NULL, NULL, 404));
	snprintf(path, sizeof(path), WS "/requests/%lld/attachments/abc", (long long)id_mine);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 404));
	json_decref(
	    hcall(h, "GET", WS "/requests/999999999/attachments", U_OWNER, NULL, NULL, 404));
	/* The other workspace's file is still there, untouched. */
	snprintf(path, sizeof(path), WS_OTHER "/requests/%lld/attachments", (long long)id_other);
	j = hcall(h, "GET", path, U_OTHER, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	blob_free(&b);
}

/* A portal session as a browser keeps it: the cookie line and the CSRF header line. */
struct browser {
	char cookie[512];
	char csrf[512];
};

/*
 * Invites a new contact of account acc (e-mail email) to the portal and
 * signs it in by its link into *b.
 */
static void
portal_sign_in(int64_t acc, const char *email, struct browser *b)
{
	char path[160], body[256];
	const char *link, *csrf;
	char *set;
	int64_t cid;
	struct hresp r;
	json_t *j;

	snprintf(path, sizeof(path), WS "/accounts/%lld/contacts", (long long)acc);
	snprintf(body, sizeof(body), "{\"name\":\"Ольга Клиентова\",\"emails\":[\"%s\"]}", email);
	cid = create(path, U_OWNER, body);
	snprintf(body, sizeof(body), "{\"contact_id\":%lld}", (long long)cid);
	j = hcall(h, "POST", WS "/portal-users", U_OWNER, body, NULL, 201);
	link = str(j, "link");
	assert_true(strncmp(link, PORTAL_LINK_PREFIX, strlen(PORTAL_LINK_PREFIX)) == 0);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", link + strlen(PORTAL_LINK_PREFIX));
	json_decref(j);
	assert_int_equal(hjson(h, "POST", "/api/v1/portal/auth/link", U__MAX, body, &r), 200);
	set = hresp_header(&r, "Set-Cookie");
	csrf = json_string_value(json_object_get(r.json, "csrf_token"));
	assert_non_null(set);
	assert_non_null(csrf);
	snprintf(b->cookie, sizeof(b->cookie), "Cookie: %.*s", (int)strcspn(set, ";"), set);
	snprintf(b->csrf, sizeof(b->csrf), "X-CSRF-Token: %s", csrf);
	free(set);
	hresp_free(&r);
}

/*
 * Sends method to the portal's path of request id's files (tail after
 * "/attachments", may be "") from browser b, with its CSRF token when csrf,
 * and body b (NULL: none); the answer into *r, its status.
 */
static long
portal_send(const struct browser *br, const char *method, int64_t id, const char *tail, bool csrf,
	    const struct blob *b, struct hresp *r)
{
	const char *hdrs[3] = {br->cookie, csrf ? br->csrf : NULL, NULL};
	char path[300];

	snprintf(path, sizeof(path), "/api/v1/portal/requests/%lld/attachments%s", (long long)id,
		 tail);
	assert_int_equal(hreq(h, method, path, U__MAX, b ? "application/pdf" : NULL,
			      b ? (const void *)b->p : NULL, b ? b->n : 0, hdrs, r),
			 0);
	return r->status;
}

static void
test_portal(void **state)
{
	int64_t acc = account("acme", U_OWNER, "Клиент на портале (файлы)");
	int64_t acc_b = account("acme", U_OWNER, "Другой клиент на портале (файлы)");
	int64_t id = request("acme", acc, U_OWNER), id_b = request("acme", acc_b, U_OWNER);
	int64_t aid_client, aid_staff, aid_internal, aid_b;
	char sha[ATTACHMENT_SHA256_HEX + 1], etag[ATTACHMENT_SHA256_HEX + 3], tail[64], path[200];
	struct blob b = pdf(1000);
	struct browser br, br_b;
	struct hresp r;
	json_t *j, *items;

	(void)state;
	portal_sign_in(acc, "olga@client-a.test", &br);
	portal_sign_in(acc_b, "olga@client-b.test", &br_b);
	/* The client uploads to their company's request: CSRF required. */
	assert_int_equal(portal_send(&br, "POST", id, "?name=act.pdf", false, &b, &r), 403);
	hresp_free(&r);
	assert_int_equal(portal_send(&br, "POST", id, "?name=act.pdf", true, &b, &r), 201);
	aid_client = json_integer_value(json_object_get(r.json, "id"));
	assert_string_equal(str(r.json, "uploaded_by"), "client");
	assert_string_equal(str(r.json, "uploader_name"), "Ольга Клиентова");
	assert_null(json_object_get(r.json, "internal"));
	snprintf(path, sizeof(path), "/api/v1/portal/requests/%lld/attachments/%lld", (long long)id,
		 (long long)aid_client);
	assert_string_equal(str(r.json, "url"), path);
	hresp_free(&r);
	/* Staff see it; they add a public file and an internal one. */
	j = list(id);
	assert_string_equal(str(json_array_get(json_object_get(j, "items"), 0), "uploaded_by"),
			    "client");
	json_decref(j);
	j = upload_ok(id, U_OWNER, "reply.pdf", &b);
	aid_staff = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), WS "/requests/%lld/attachments?name=note.pdf&internal=1",
		 (long long)id);
	assert_int_equal(send_file(path, U_OWNER, "application/pdf", &b, &r), 201);
	aid_internal = json_integer_value(json_object_get(r.json, "id"));
	hresp_free(&r);
	/* The client lists and downloads what they may see, never the internal file. */
	assert_int_equal(portal_send(&br, "GET", id, "", false, NULL, &r), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")),
			 aid_staff);
	hresp_free(&r);
	snprintf(tail, sizeof(tail), "/%lld", (long long)aid_staff);
	assert_int_equal(portal_send(&br, "GET", id, tail, false, NULL, &r), 200);
	assert_int_equal(r.len, b.n);
	assert_memory_equal(r.body, b.p, b.n);
	sha256_hex(&b, sha);
	snprintf(etag, sizeof(etag), "\"%s\"", sha);
	expect_header(&r, "ETag", etag);
	expect_header(&r, "Content-Type", "application/pdf");
	expect_header(&r, "Content-Disposition",
		      "attachment; filename=\"reply.pdf\"; filename*=UTF-8''reply.pdf");
	expect_header(&r, "Content-Security-Policy", ATTACHMENTS_CSP);
	expect_header(&r, "Cache-Control", "private, no-store");
	expect_header(&r, "X-Content-Type-Options", "nosniff");
	hresp_free(&r);
	snprintf(tail, sizeof(tail), "/%lld", (long long)aid_internal);
	assert_int_equal(portal_send(&br, "GET", id, tail, false, NULL, &r), 404);
	hresp_free(&r);

	/* Another company's request and file are not found, whichever path is tried. */
	assert_int_equal(portal_send(&br_b, "POST", id_b, "?name=b.pdf", true, &b, &r), 201);
	aid_b = json_integer_value(json_object_get(r.json, "id"));
	hresp_free(&r);
	assert_int_equal(portal_send(&br, "GET", id_b, "", false, NULL, &r), 404);
	hresp_free(&r);
	snprintf(tail, sizeof(tail), "/%lld", (long long)aid_b);
	assert_int_equal(portal_send(&br, "GET", id_b, tail, false, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(portal_send(&br, "GET", id, tail, false, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(portal_send(&br, "POST", id_b, "?name=x.pdf", true, &b, &r), 404);
	hresp_free(&r);
	snprintf(tail, sizeof(tail), "/%lld", (long long)aid_client);
	assert_int_equal(portal_send(&br_b, "GET", id, tail, false, NULL, &r), 404);
	hresp_free(&r);
	assert_int_equal(count(id_b), 1);

	/* The same refusals as for staff; no session at all is 401. */
	{
		struct blob elf = blob_of("\x7f"
					  "ELF\x02\x01\x01",
					  7);
		struct browser none = {"X-No-Cookie: 1", "X-No-Token: 1"};

		assert_int_equal(portal_send(&br, "POST", id, "?name=x.pdf", true, &elf, &r), 415);
		assert_true(hresp_has_pointer(&r, "file"));
		hresp_free(&r);
		assert_int_equal(portal_send(&br, "POST", id, "?name=a%0Ab.pdf", true, &b, &r),
				 422);
		assert_true(hresp_has_pointer(&r, "name"));
		hresp_free(&r);
		assert_int_equal(
		    portal_send(&br, "POST", id, "?name=x.pdf&internal=true", true, &b, &r), 201);
		assert_null(json_object_get(r.json, "internal"));
		hresp_free(&r);
		assert_int_equal(portal_send(&none, "GET", id, "", false, NULL, &r), 401);
		hresp_free(&r);
		blob_free(&elf);
	}
	/* A resolved request takes no more files from the client until reopened. */
	snprintf(path, sizeof(path), WS "/requests/%lld", (long long)id);
	json_decref(hcall(h, "PATCH", path, U_OWNER, "{\"status\":\"resolved\"}", NULL, 200));
	assert_int_equal(portal_send(&br, "POST", id, "?name=late.pdf", true, &b, &r), 409);
	hresp_free(&r);
	assert_int_equal(count(id), 4);
	/* A staff token is no portal session. */
	snprintf(path, sizeof(path), "/api/v1/portal/requests/%lld/attachments", (long long)id);
	json_decref(hcall(h, "GET", path, U_OWNER, NULL, NULL, 401));
	blob_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_every_type),
	    cmocka_unit_test(test_disguised_and_unknown_files),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_roles_internal_and_foreign_ids),
	    cmocka_unit_test(test_portal),
	};
	int failed;

	h = harness_start(TEST_BODY_MAX);
	failed = cmocka_run_group_tests_name("api_attachments", tests, NULL, NULL);
	harness_stop(h);
	return failed;
}
