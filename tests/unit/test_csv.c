/*
 * test_csv.c — the CSV reader: delimiters, quoting, line numbers, limits,
 * broken files, streaming, and files as Excel saves them in Russia.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "util/buf.h"

/* Records rendered as "LINE:f1|f2|...\n". */
struct collect {
	struct buf text;
	size_t rows;
	size_t stop_at; /* fail the callback at this record (1-based); 0 = never */
};

static enum adv_err
collect_row(void *ctx, const struct csv_row *row)
{
	struct collect *c = ctx;

	c->rows++;
	if (c->stop_at != 0 && c->rows == c->stop_at)
		return ADV_ECONFLICT;
	buf_printf(&c->text, "%zu:", row->line);
	for (size_t i = 0; i < row->nfields; i++) {
		assert_int_equal(row->fields[i][row->lens[i]], '\0');
		if (i > 0)
			buf_putc(&c->text, '|');
		buf_append(&c->text, row->fields[i], row->lens[i]);
	}
	buf_putc(&c->text, '\n');
	return ADV_OK;
}

/* Parses in one piece and compares the rendering and the delimiter. */
static void
parse_ok(const char *in, const struct csv_opts *opts, char want_delim, const char *want)
{
	struct collect c = {.rows = 0};
	struct adv_errbuf eb = {0};
	char delim = 'x';
	enum adv_err rc;

	buf_init(&c.text, 0);
	rc = csv_read_buf(in, strlen(in), opts, collect_row, &c, &delim, &eb);
	if (rc != ADV_OK)
		fail_msg("%s: %s", adv_strerror(rc), eb.msg);
	assert_string_equal(c.text.data != NULL ? c.text.data : "", want);
	assert_int_equal(delim, want_delim);
	buf_release(&c.text);
}

/* Parses and expects failure want_rc with msg_part in the message. */
static void
parse_fails(const char *in, size_t n, const struct csv_opts *opts, enum adv_err want_rc,
	    const char *msg_part)
{
	struct collect c = {.rows = 0};
	struct adv_errbuf eb = {0};
	enum adv_err rc;

	buf_init(&c.text, 0);
	rc = csv_read_buf(in, n, opts, collect_row, &c, NULL, &eb);
	assert_int_equal(rc, want_rc);
	if (strstr(eb.msg, msg_part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", eb.msg, msg_part);
	buf_release(&c.text);
}

static void
test_semicolon(void **state)
{
	(void)state;
	parse_ok("Название;ИНН;Выручка\nРомашка;7707083893;1 234,5\nЛютик;;\n", NULL, ';',
		 "1:Название|ИНН|Выручка\n2:Ромашка|7707083893|1 234,5\n3:Лютик||\n");
}

static void
test_detect(void **state)
{
	(void)state;
	parse_ok("a,b,c\n1,2,3\n", NULL, ',', "1:a|b|c\n2:1|2|3\n");
	parse_ok("a\tb\tc\n1\t\t3\n", NULL, '\t', "1:a|b|c\n2:1||3\n");
	/* A tie goes to ';' (Russian Excel); so does a single column. */
	parse_ok("Сумма, руб.;x\n1,5;2\n", NULL, ';', "1:Сумма, руб.|x\n2:1,5|2\n");
	parse_ok("name\nA\n", NULL, ';', "1:name\n2:A\n");
	/* Delimiters inside quotes do not count. */
	parse_ok("\"a;b;c\",d,e\n1,2,3\n", NULL, ',', "1:a;b;c|d|e\n2:1|2|3\n");
	/* Blank lines before the header are skipped by detection too. */
	parse_ok("\n\r\n  \na,b\n", NULL, ',', "4:a|b\n");
	/* Only the first record is looked at. */
	parse_ok("a,b\n1;2;3;4\n", NULL, ',', "1:a|b\n2:1;2;3;4\n");
	/* A quoted header with a line break in it. */
	parse_ok("\"x\ny\";b;c\n1;2;3\n", NULL, ';', "1:x\ny|b|c\n3:1|2|3\n");
}

static void
test_explicit_delimiter(void **state)
{
	struct csv_opts o = {.delim = ','};

	(void)state;
	parse_ok("a;b,c\n", &o, ',', "1:a;b|c\n");
	o.delim = '|';
	parse_fails("a|b\n", 4, &o, ADV_EINVAL, "delimiter");
}

/* RFC 4180 quoting, and line numbers after records that span lines. */
static void
test_quotes_and_lines(void **state)
{
	(void)state;
	parse_ok("name;note\n"
		 "\"A\";\"x\ny\nz\"\n"
		 "B;\"he said \"\"hi\"\"\"\n"
		 "\n"
		 "C;\"semi;colon\"\n"
		 "\"\";\"\"\"\"\n",
		 NULL, ';',
		 "1:name|note\n2:A|x\ny\nz\n5:B|he said \"hi\"\n7:C|semi;colon\n8:|\"\n");
}

static void
test_crlf(void **state)
{
	(void)state;
	parse_ok("a;b\r\n\"1\r\n2\";3\r\n\r\n4;5\r\n", NULL, ';', "1:a|b\n2:1\r\n2|3\n5:4|5\n");
	/* Old Mac files: CR alone ends lines. */
	parse_ok("a;b\r1;2\r\r3;4", NULL, ';', "1:a|b\n2:1|2\n4:3|4\n");
}

static void
test_blank_and_empty_records(void **state)
{
	(void)state;
	parse_ok("a;b\n\n   \n;\n;;;\n\"\";\n1;2", NULL, ';', "1:a|b\n7:1|2\n");
	parse_ok("", NULL, ';', "");
	parse_ok("\n\n", NULL, ';', "");
}

static void
test_spaces(void **state)
{
	(void)state;
	/* Unquoted fields are trimmed, quoted ones kept as they are. */
	parse_ok("a ; b\n  x  ;\"  y  \"\n", NULL, ';', "1:a|b\n2:x|  y  \n");
	/* With tab as the delimiter, tabs are not trimmed away. */
	parse_ok("a\tb\tc\n\t2\t\n", NULL, '\t', "1:a|b|c\n2:|2|\n");
}

static void
test_last_record_without_newline(void **state)
{
	(void)state;
	parse_ok("a;b\n1;\"2\"", NULL, ';', "1:a|b\n2:1|2\n");
}

static void
test_unterminated_quote(void **state)
{
	const char *in = "a;b\n1;2\n\"open;3\nmore\n";

	(void)state;
	parse_fails(in, strlen(in), NULL, ADV_EINVAL, "line 3: unterminated quoted field");
}

static void
test_misplaced_quotes(void **state)
{
	const char *stray = "a;b\n1;2\nООО \"Ромашка\";3\n";
	const char *after = "a;b\n\"x\ny\";2\n\"ab\"c;3\n";

	(void)state;
	parse_fails(stray, strlen(stray), NULL, ADV_EINVAL, "line 3: misplaced double quote");
	parse_fails(after, strlen(after), NULL, ADV_EINVAL, "line 4: misplaced double quote");
}

static void
test_field_limit(void **state)
{
	struct csv_opts o = {.max_field = 10};

	(void)state;
	parse_ok("a;b\n0123456789;\"0123456789\"\n", &o, ';', "1:a|b\n2:0123456789|0123456789\n");
	parse_fails("a;b\n\n01234567890;x\n", 19, &o, ADV_EINVAL, "line 3: field 1 is longer");
	parse_fails("a;b\nx;\"0\n123456789\"\n", 20, &o, ADV_EINVAL, "line 2: field 2 is longer");
	o.max_field = CSV_FIELD_MAX + 1;
	parse_fails("a\n", 2, &o, ADV_EINVAL, "limits");
}

/* The hard limit holds without a configured one, and a giant field costs no giant buffer. */
static void
test_field_hard_limit(void **state)
{
	const size_t big = 1024u * 1024u;
	char *in = malloc(big + 16);
	struct collect c = {.rows = 0};

	(void)state;
	assert_non_null(in);
	memcpy(in, "h\n", 2);
	memset(in + 2, 'x', CSV_FIELD_MAX);
	memcpy(in + 2 + CSV_FIELD_MAX, "\n", 2);
	buf_init(&c.text, 0);
	assert_int_equal(csv_read_buf(in, CSV_FIELD_MAX + 3, NULL, collect_row, &c, NULL, NULL),
			 ADV_OK);
	assert_int_equal(c.rows, 2);
	buf_release(&c.text);
	in[2 + CSV_FIELD_MAX] = 'x';
	parse_fails(in, CSV_FIELD_MAX + 4, NULL, ADV_EINVAL, "line 2: field 1 is longer");
	memset(in + 2, 'x', big);
	parse_fails(in, big + 2, NULL, ADV_EINVAL, "line 2: field 1 is longer than 65536");
	in[2] = '"';
	parse_fails(in, big + 2, NULL, ADV_EINVAL, "line 2: field 1 is longer than 65536");
	free(in);
}

static void
test_fields_limit(void **state)
{
	struct csv_opts o = {.max_fields = 3};
	struct collect c = {.rows = 0};
	struct buf in;

	(void)state;
	buf_init(&c.text, 0);
	parse_ok("a;b;c\n1;2;3\n", &o, ';', "1:a|b|c\n2:1|2|3\n");
	parse_fails("a;b;c\n1;2;3;\n", 12, &o, ADV_EINVAL, "line 2: more than 3 fields");
	/* The default: 512 fields pass, 513 do not. */
	buf_init(&in, 0);
	for (unsigned i = 0; i < CSV_FIELDS_MAX; i++)
		buf_puts(&in, i == 0 ? "f" : ";f");
	buf_puts(&in, "\n");
	assert_int_equal(csv_read_buf(in.data, in.len, NULL, collect_row, &c, NULL, NULL), ADV_OK);
	assert_int_equal(c.rows, 1);
	buf_puts(&in, "\n\n");
	for (unsigned i = 0; i <= CSV_FIELDS_MAX; i++)
		buf_puts(&in, i == 0 ? "g" : ";g");
	parse_fails(in.data, in.len, NULL, ADV_EINVAL, "line 4: more than 512 fields");
	buf_release(&in);
	buf_release(&c.text);
}

static void
test_callback_stops(void **state)
{
	struct collect c = {.stop_at = 2};
	const char *in = "a\nb\nc\nd\n";

	(void)state;
	buf_init(&c.text, 0);
	assert_int_equal(csv_read_buf(in, strlen(in), NULL, collect_row, &c, NULL, NULL),
			 ADV_ECONFLICT);
	assert_int_equal(c.rows, 2);
	assert_string_equal(c.text.data, "1:a\n");
	buf_release(&c.text);
}

/* Feeding any chunking of the input gives the same records and lines. */
static void
test_streaming_chunks(void **state)
{
	static const char in[] = "\xEF\xBB\xBF"
				 "Name,Note\r\n"
				 "\"A, Inc.\",\"multi\r\nline \"\"quoted\"\"\"\r\n"
				 "\r\n"
				 "B,\"x\"\r"
				 "C,y\n"
				 "D,\"last";
	const size_t n = sizeof(in) - 1;
	const char *want = "1:Name|Note\n2:A, Inc.|multi\r\nline \"quoted\"\n5:B|x\n6:C|y\n";

	(void)state;
	for (size_t step = 1; step <= n; step++) {
		struct collect c = {.rows = 0};
		struct csv_reader *r;
		struct adv_errbuf eb = {0};
		enum adv_err rc = ADV_OK;

		buf_init(&c.text, 0);
		assert_int_equal(csv_reader_open(&r, NULL, collect_row, &c, &eb), ADV_OK);
		for (size_t off = 0; off < n && rc == ADV_OK; off += step)
			rc = csv_reader_feed(r, in + off, off + step <= n ? step : n - off, &eb);
		assert_int_equal(rc, ADV_OK);
		assert_int_equal(csv_reader_finish(r, &eb), ADV_EINVAL);
		assert_non_null(strstr(eb.msg, "line 7: unterminated"));
		assert_int_equal(csv_reader_delim(r), ',');
		assert_string_equal(c.text.data, want);
		csv_reader_free(r);
		buf_release(&c.text);
	}
}

static void
test_reader_states(void **state)
{
	struct collect c = {.rows = 0};
	struct csv_reader *r;
	struct adv_errbuf eb = {0};

	(void)state;
	buf_init(&c.text, 0);
	assert_int_equal(csv_reader_open(&r, NULL, collect_row, &c, &eb), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "a;b", 3, &eb), ADV_OK);
	assert_int_equal(csv_reader_delim(r), 0); /* the header has not ended yet */
	assert_int_equal(c.rows, 0);
	assert_int_equal(csv_reader_feed(r, "\n1;2\n", 5, &eb), ADV_OK);
	assert_int_equal(csv_reader_delim(r), ';');
	assert_int_equal(c.rows, 2);
	assert_int_equal(csv_reader_finish(r, &eb), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "x", 1, &eb), ADV_EINTERNAL);
	assert_int_equal(csv_reader_finish(r, &eb), ADV_EINTERNAL); /* sticky */
	csv_reader_free(r);
	/* An error is sticky too. */
	assert_int_equal(csv_reader_open(&r, NULL, collect_row, &c, &eb), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "a;b\nx\"y;1\n", 10, &eb), ADV_EINVAL);
	assert_int_equal(csv_reader_feed(r, "ok;ok\n", 6, &eb), ADV_EINVAL);
	assert_int_equal(csv_reader_finish(r, &eb), ADV_EINVAL);
	csv_reader_free(r);
	csv_reader_free(NULL);
	buf_release(&c.text);
}

/* The whole path an upload takes: bytes in some encoding → UTF-8 → records. */
static void
import_ok(const char *in, size_t n, enum enc_kind want_kind, const char *want)
{
	struct buf utf8;
	struct collect c = {.rows = 0};
	struct adv_errbuf eb = {0};
	enum enc_kind kind;
	char delim;

	buf_init(&utf8, 0);
	buf_init(&c.text, 0);
	assert_int_equal(enc_to_utf8(in, n, 0, &utf8, &kind, &eb), ADV_OK);
	assert_int_equal(kind, want_kind);
	if (csv_read_buf(utf8.data, utf8.len, NULL, collect_row, &c, &delim, &eb) != ADV_OK)
		fail_msg("%s", eb.msg);
	assert_int_equal(delim, ';');
	assert_string_equal(c.text.data, want);
	buf_release(&utf8);
	buf_release(&c.text);
}

static void
test_excel_files(void **state)
{
	/* "Название;ИНН\r\n"Ромашка; ООО";7707083893\r\n" as Russian Excel saves it. */
	static const char cp1251[] =
	    "\xcd\xe0\xe7\xe2\xe0\xed\xe8\xe5;\xc8\xcd\xcd\r\n"
	    "\"\xd0\xee\xec\xe0\xf8\xea\xe0; \xce\xce\xce\";7707083893\r\n";
	static const char utf8_bom[] = "\xEF\xBB\xBF"
				       "Название;ИНН\r\n"
				       "\"Ромашка; ООО\";7707083893\r\n";
	static const char utf16[] = "\xFF\xFE"
				    "\x18\x04\x1D\x04\x1D\x04;\x00\x10\x04\r\x00\n\x00"
				    "1\x00;\x00\"\x00\x11\x04\n\x00\x12\x04\"\x00";
	const char *want = "1:Название|ИНН\n2:Ромашка; ООО|7707083893\n";

	(void)state;
	import_ok(cp1251, sizeof(cp1251) - 1, ENC_CP1251, want);
	import_ok(utf8_bom, sizeof(utf8_bom) - 1, ENC_UTF8_BOM, want);
	import_ok(utf8_bom + 3, sizeof(utf8_bom) - 4, ENC_UTF8, want);
	import_ok(utf16, sizeof(utf16) - 1, ENC_UTF16LE_BOM, "1:ИНН|А\n2:1|Б\nВ\n");
}

/* A BOM given straight to the reader is ignored, also split across feeds. */
static void
test_bom_in_reader(void **state)
{
	struct collect c = {.rows = 0};
	struct csv_reader *r;
	struct csv_opts o = {.delim = ';'};

	(void)state;
	parse_ok("\xEF\xBB\xBF"
		 "a;b\n",
		 NULL, ';', "1:a|b\n");
	parse_ok("\xEF\xBB\xBF"
		 "a;b\n",
		 &o, ';', "1:a|b\n");
	parse_ok("\xEF\xBB\xBF", NULL, ';', "");
	buf_init(&c.text, 0);
	assert_int_equal(csv_reader_open(&r, &o, collect_row, &c, NULL), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "\xEF", 1, NULL), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "\xBB\xBF", 2, NULL), ADV_OK);
	assert_int_equal(csv_reader_feed(r, "x;y", 3, NULL), ADV_OK);
	assert_int_equal(csv_reader_finish(r, NULL), ADV_OK);
	assert_string_equal(c.text.data, "1:x|y\n");
	csv_reader_free(r);
	buf_release(&c.text);
}

/* Many records through reused buffers (and a sanity check of their count). */
static void
test_many_rows(void **state)
{
	struct buf in;
	struct collect c = {.rows = 0};
	const size_t rows = 200000;

	(void)state;
	buf_init(&in, 0);
	buf_puts(&in, "id;name;amount\n");
	for (size_t i = 0; i < rows; i++)
		buf_printf(&in, "%zu;name %zu;%zu,50\n", i, i, i * 3);
	buf_init(&c.text, 0);
	assert_int_equal(csv_read_buf(in.data, in.len, NULL, collect_row, &c, NULL, NULL), ADV_OK);
	assert_int_equal(c.rows, rows + 1);
	assert_non_null(strstr(c.text.data, "\n200001:199999|name 199999|599997,50\n"));
	buf_release(&in);
	buf_release(&c.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_semicolon),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_explicit_delimiter),
	    cmocka_unit_test(test_quotes_and_lines),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_blank_and_empty_records),
	    cmocka_unit_test(test_spaces),
	    cmocka_unit_test(test_last_record_without_newline),
	    cmocka_unit_test(test_unterminated_quote),
	    cmocka_unit_test(test_misplaced_quotes),
	    cmocka_unit_test(test_field_limit),
	    cmocka_unit_test(test_field_hard_limit),
	    cmocka_unit_test(test_fields_limit),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_streaming_chunks),
	    cmocka_unit_test(test_reader_states),
	    cmocka_unit_test(test_excel_files),
	    cmocka_unit_test(test_bom_in_reader),
	    cmocka_unit_test(test_many_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
