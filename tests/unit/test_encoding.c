/*
 * test_encoding.c — encoding detection and conversion of uploaded text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/encoding.h"

/* "Название;ИНН\r\nРомашка;7707083893\r\n" in Windows-1251. */
static const char cp1251_csv[] = "\xcd\xe0\xe7\xe2\xe0\xed\xe8\xe5;\xc8\xcd\xcd\r\n"
				 "\xd0\xee\xec\xe0\xf8\xea\xe0;7707083893\r\n";
static const char utf8_csv[] = "Название;ИНН\r\nРомашка;7707083893\r\n";

/* Converts the n bytes at in into a fresh buffer; fails the test unless the result is want. */
static void
convert_ok(const char *in, size_t n, enum enc_kind want_kind, const char *want)
{
	struct buf out;
	struct adv_errbuf eb = {0};
	enum enc_kind kind = ENC_KIND__MAX;
	enum adv_err rc;

	buf_init(&out, 0);
	rc = enc_to_utf8(in, n, 0, &out, &kind, &eb);
	if (rc != ADV_OK)
		fail_msg("%s: %s", adv_strerror(rc), eb.msg);
	assert_int_equal(kind, want_kind);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	buf_release(&out);
}

/* Converts, expecting failure want_rc with msg_part in the message and the buffer unchanged. */
static void
convert_fails(const char *in, size_t n, enum adv_err want_rc, const char *msg_part)
{
	struct buf out;
	struct adv_errbuf eb = {0};
	enum adv_err rc;

	buf_init(&out, 0);
	buf_puts(&out, "kept");
	rc = enc_to_utf8(in, n, 0, &out, NULL, &eb);
	assert_int_equal(rc, want_rc);
	if (strstr(eb.msg, msg_part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", eb.msg, msg_part);
	assert_string_equal(out.data, "kept");
	assert_int_equal(out.len, 4);
	buf_release(&out);
}

static void
test_ascii_and_empty(void **state)
{
	(void)state;
	convert_ok("a,b\n1,2\n", 8, ENC_UTF8, "a,b\n1,2\n");
	convert_ok("", 0, ENC_UTF8, "");
	convert_ok(NULL, 0, ENC_UTF8, "");
}

static void
test_utf8(void **state)
{
	(void)state;
	convert_ok(utf8_csv, strlen(utf8_csv), ENC_UTF8, utf8_csv);
}

static void
test_utf8_bom_stripped(void **state)
{
	char in[256];

	(void)state;
	snprintf(in, sizeof(in), "\xEF\xBB\xBF%s", utf8_csv);
	convert_ok(in, strlen(in), ENC_UTF8_BOM, utf8_csv);
	convert_ok("\xEF\xBB\xBF", 3, ENC_UTF8_BOM, "");
	/* Only a leading BOM is removed. */
	convert_ok("a\xEF\xBB\xBF", 4, ENC_UTF8, "a\xEF\xBB\xBF");
}

static void
test_cp1251(void **state)
{
	(void)state;
	convert_ok(cp1251_csv, strlen(cp1251_csv), ENC_CP1251, utf8_csv);
}

/* The whole Cyrillic block and the special letters and signs of Windows-1251. */
static void
test_cp1251_alphabet(void **state)
{
	char in[80];
	size_t n = 0;

	(void)state;
	for (int c = 0xC0; c <= 0xFF; c++)
		in[n++] = (char)c;
	in[n++] = (char)0xA8; /* Ё */
	in[n++] = (char)0xB8; /* ё */
	in[n++] = (char)0xB9; /* № */
	in[n++] = (char)0x88; /* € */
	in[n++] = (char)0xAB; /* « */
	in[n++] = (char)0xBB; /* » */
	in[n++] = (char)0xA0; /* no-break space */
	convert_ok(in, n, ENC_CP1251,
		   "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя"
		   "Ёё№€«»\xC2\xA0");
}

/* Longer than one conversion chunk. */
static void
test_cp1251_large(void **state)
{
	const size_t n = 100000;
	char *in = malloc(n);
	struct buf out;
	enum enc_kind kind;

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		in[i] = i % 50 == 49 ? '\n' : (char)0xC6; /* Ж */
	buf_init(&out, 0);
	assert_int_equal(enc_to_utf8(in, n, 0, &out, &kind, NULL), ADV_OK);
	assert_int_equal(kind, ENC_CP1251);
	assert_int_equal(out.len, n * 2 - n / 50);
	assert_memory_equal(out.data, "ЖЖЖ", 6);
	assert_memory_equal(out.data + out.len - 3, "Ж\n", 3);
	buf_release(&out);
	free(in);
}

/* 0x98 is the one byte Windows-1251 leaves undefined. */
static void
test_cp1251_undefined_byte(void **state)
{
	(void)state;
	convert_fails("\xcd\xe0\xe7\n\xe2\xe0\n\xed\x98\xe5", 10, ADV_EINVAL, "line 3");
	convert_fails("\xcd\xe0\xe7\n\xe2\xe0\n\xed\x98\xe5", 10, ADV_EINVAL, "0x98");
}

static void
test_utf16le_bom(void **state)
{
	static const char in[] = "\xFF\xFE"
				 "\x1D\x04\x30\x04\x37\x04;\x00\n\x00"
				 "a\x00";
	static const char be[] = "\xFE\xFF"
				 "\x04\x1D\x04\x30\x04\x37\x00;\x00\n"
				 "\x00"
				 "a";

	(void)state;
	convert_ok(in, sizeof(in) - 1, ENC_UTF16LE_BOM, "Наз;\na");
	convert_ok(be, sizeof(be) - 1, ENC_UTF16BE_BOM, "Наз;\na");
	convert_ok("\xFF\xFE", 2, ENC_UTF16LE_BOM, "");
	/* A surrogate pair: U+1F600. */
	convert_ok("\xFF\xFE\x3D\xD8\x00\xDE", 6, ENC_UTF16LE_BOM, "\xF0\x9F\x98\x80");
}

static void
test_utf16_malformed(void **state)
{
	(void)state;
	convert_fails("\xFF\xFE"
		      "a\x00\n\x00"
		      "b",
		      7, ADV_EINVAL, "line 2"); /* odd length */
	convert_fails("\xFF\xFE"
		      "a\x00\n\x00\x00\xDE",
		      8, ADV_EINVAL, "UTF-16LE"); /* lone low surrogate */
	convert_fails("\xFF\xFE"
		      "a\x00\x00\x00",
		      6, ADV_EINVAL, "NUL");
}

static void
test_nul_byte(void **state)
{
	(void)state;
	convert_fails("a;b\nc\0d\n", 8, ADV_EINVAL, "line 2");
	convert_fails("\xEF\xBB\xBF\0", 4, ADV_EINVAL, "NUL");
}

/* Mostly UTF-8 with one bad byte is damage, not Windows-1251. */
static void
test_damaged_utf8(void **state)
{
	char in[512];

	(void)state;
	snprintf(in, sizeof(in), "%s%s\xFF%s", utf8_csv, "Лютик;", "7736207543\r\n");
	convert_fails(in, strlen(in), ADV_EINVAL, "line 3");
	convert_fails(in, strlen(in), ADV_EINVAL, "0xFF");
	snprintf(in, sizeof(in), "\xEF\xBB\xBF%s\xC0", "abc");
	convert_fails(in, strlen(in), ADV_EINVAL, "not valid UTF-8");
}

/* Windows-1251 with letters that happen to form UTF-8 pairs ("ё" after a capital) stays 1251. */
static void
test_cp1251_with_accidental_utf8(void **state)
{
	/* "Пётр Семёнович" in Windows-1251: CF B8 is also valid UTF-8. */
	static const char in[] = "\xcf\xb8\xf2\xf0 \xd1\xe5\xec\xb8\xed\xee\xe2\xe8\xf7";

	(void)state;
	convert_ok(in, sizeof(in) - 1, ENC_CP1251, "Пётр Семёнович");
}

static void
test_limits(void **state)
{
	struct buf out;
	struct adv_errbuf eb = {0};

	(void)state;
	buf_init(&out, 0);
	/* 7 letters in 1251 become 14 bytes of UTF-8. */
	assert_int_equal(enc_to_utf8("\xd0\xee\xec\xe0\xf8\xea\xe0", 7, 13, &out, NULL, &eb),
			 ADV_ETOOBIG);
	assert_non_null(strstr(eb.msg, "13 bytes"));
	assert_int_equal(out.len, 0);
	assert_int_equal(enc_to_utf8("\xd0\xee\xec\xe0\xf8\xea\xe0", 7, 14, &out, NULL, &eb),
			 ADV_OK);
	assert_string_equal(out.data, "Ромашка");
	buf_reset(&out);
	assert_int_equal(enc_to_utf8("abcdef", 6, 5, &out, NULL, &eb), ADV_ETOOBIG);
	assert_int_equal(enc_to_utf8("abcdef", 6, 6, &out, NULL, &eb), ADV_OK);
	buf_release(&out);
	/* The buffer's own maximum counts too, and what it held stays. */
	buf_init(&out, 10);
	buf_puts(&out, "12345");
	assert_int_equal(enc_to_utf8("\xd0\xee\xec", 3, 0, &out, NULL, &eb), ADV_ETOOBIG);
	assert_string_equal(out.data, "12345");
	assert_int_equal(enc_to_utf8("abcdef", 6, 0, &out, NULL, &eb), ADV_ETOOBIG);
	assert_string_equal(out.data, "12345");
	buf_release(&out);
}

static void
test_appends(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 0);
	buf_puts(&out, "head:");
	assert_int_equal(enc_to_utf8("\xc6", 1, 0, &out, NULL, NULL), ADV_OK);
	assert_string_equal(out.data, "head:Ж");
	buf_release(&out);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(enc_kind_name(ENC_CP1251), "Windows-1251");
	assert_string_equal(enc_kind_name(ENC_UTF8_BOM), "UTF-8 with BOM");
	assert_string_equal(enc_kind_name(ENC_KIND__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_and_empty),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_utf8_bom_stripped),
	    cmocka_unit_test(test_cp1251),
	    cmocka_unit_test(test_cp1251_alphabet),
	    cmocka_unit_test(test_cp1251_large),
	    cmocka_unit_test(test_cp1251_undefined_byte),
	    cmocka_unit_test(test_utf16le_bom),
	    cmocka_unit_test(test_utf16_malformed),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_damaged_utf8),
	    cmocka_unit_test(test_cp1251_with_accidental_utf8),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
