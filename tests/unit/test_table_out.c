/*
 * test_table_out.c — CSV and XLSX export: bytes, quoting, the formula guard,
 * numbers and dates, limits, sticky errors, temporary files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv.h"
#include "io/table_out.h"

#define BOM "\xEF\xBB\xBF"

static char tmpdir[] = "/tmp/advocate-test-table-XXXXXX";

static int
setup_tmpdir(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return setenv("TMPDIR", tmpdir, 1);
}

static int
teardown_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* Fails the test when the temporary directory holds anything. */
static void
assert_tmpdir_empty(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			fail_msg("left behind: %s/%s", tmpdir, e->d_name);
	closedir(d);
}

/* Finishes t into a fresh buffer, which the caller releases; fails the test on error. */
static void
finish_ok(struct table_out *t, struct buf *out)
{
	struct adv_errbuf eb = {0};
	enum adv_err rc;

	buf_init(out, 0);
	rc = table_out_finish(t, out, &eb);
	if (rc != ADV_OK)
		fail_msg("%s: %s", adv_strerror(rc), eb.msg);
	table_out_free(t);
}

static struct table_out *
open_ok(enum table_format fmt, const char *const *headers, size_t ncols)
{
	struct table_out *t = NULL;
	struct adv_errbuf eb = {0};

	if (table_out_open(&t, fmt, "Клиенты", headers, ncols, &eb) != ADV_OK)
		fail_msg("%s", eb.msg);
	return t;
}

static void
test_csv_basic(void **state)
{
	static const char *const h[] = {"Название", "ИНН", "Выручка", "Дата"};
	struct table_out *t = open_ok(TABLE_CSV, h, 4);
	struct buf out;

	(void)state;
	assert_int_equal(table_out_str(t, "ООО \"Ромашка\""), ADV_OK);
	assert_int_equal(table_out_str(t, "7707083893"), ADV_OK);
	assert_int_equal(table_out_num(t, 1234567.5), ADV_OK);
	assert_int_equal(table_out_date(t, "2026-11-27"), ADV_OK);
	assert_int_equal(table_out_end_row(t), ADV_OK);
	table_out_str(t, "a;b");
	table_out_null(t);
	table_out_num(t, -5);
	table_out_null(t);
	table_out_end_row(t);
	table_out_str(t, "line\nbreak");
	table_out_str(t, " padded ");
	table_out_num(t, NAN);
	table_out_date(t, NULL);
	table_out_end_row(t);
	table_out_str(t, "short row");
	table_out_end_row(t);
	table_out_end_row(t);
	table_out_str(t, "open row");
	finish_ok(t, &out);
	assert_string_equal(out.data,
			    BOM "Название;ИНН;Выручка;Дата\r\n"
				"\"ООО \"\"Ромашка\"\"\";7707083893;1234567,5;2026-11-27\r\n"
				"\"a;b\";;-5;\r\n"
				"\"line\nbreak\";\" padded \";;\r\n"
				"short row;;;\r\n"
				";;;\r\n"
				"open row;;;\r\n");
	buf_release(&out);
}

static void
test_csv_comma(void **state)
{
	static const char *const h[] = {"a", "b", "c"};
	struct table_out *t = open_ok(TABLE_CSV_COMMA, h, 3);
	struct buf out;

	(void)state;
	table_out_num(t, 1234.5);
	table_out_str(t, "x;y");
	table_out_str(t, "x,y");
	table_out_end_row(t);
	finish_ok(t, &out);
	assert_string_equal(out.data, BOM "a,b,c\r\n1234.5,x;y,\"x,y\"\r\n");
	buf_release(&out);
}

static void
test_csv_formula_guard(void **state)
{
	static const char *const h[] = {"=h"};
	static const struct {
		const char *in, *out;
	} cells[] = {
	    {"=1+2", "'=1+2"},
	    {"+7 999 123-45-67", "'+7 999 123-45-67"},
	    {"-x", "'-x"},
	    {"-5", "'-5"},
	    {"@SUM(A1)", "'@SUM(A1)"},
	    {"\tTAB", "\"'\tTAB\""},
	    {"\rCR", "\"'\rCR\""},
	    {"=HYPERLINK(\"http://x\";\"y\")", "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\""},
	    {"a=b", "a=b"},
	    {"safe", "safe"},
	};
	struct table_out *t = open_ok(TABLE_CSV, h, 1);
	struct buf out, want;

	(void)state;
	buf_init(&want, 0);
	buf_puts(&want, BOM "'=h\r\n");
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		table_out_str(t, cells[i].in);
		table_out_end_row(t);
		buf_printf(&want, "%s\r\n", cells[i].out);
	}
	table_out_num(t, -5); /* a number is not text: no guard */
	table_out_end_row(t);
	table_out_date(t, "2024-01-02");
	buf_puts(&want, "-5\r\n2024-01-02\r\n");
	finish_ok(t, &out);
	assert_string_equal(out.data, want.data);
	buf_release(&out);
	buf_release(&want);
}

static void
test_csv_numbers(void **state)
{
	static const char *const h[] = {"n"};
	static const double v[] = {0.1, 1e21, -0.0, 1.0 / 3, 123456789012345678.0, -2.5, INFINITY};
	struct table_out *t = open_ok(TABLE_CSV, h, 1);
	struct buf out;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		table_out_num(t, v[i]);
		table_out_end_row(t);
	}
	finish_ok(t, &out);
	assert_string_equal(out.data, BOM "n\r\n0,1\r\n1e+21\r\n0\r\n0,333333333333333\r\n"
					  "1,23456789012346e+17\r\n-2,5\r\n\r\n");
	buf_release(&out);
}

struct roundtrip {
	const char *const *want;
	size_t rows;
};

static enum adv_err
roundtrip_row(void *ctx, const struct csv_row *row)
{
	struct roundtrip *rt = ctx;

	assert_int_equal(row->nfields, 2);
	if (rt->rows > 0) {
		assert_string_equal(row->fields[0], "k");
		assert_string_equal(row->fields[1], rt->want[rt->rows - 1]);
	}
	rt->rows++;
	return ADV_OK;
}

/* What the CSV writer writes, the CSV reader reads back as it was. */
static void
test_csv_roundtrip(void **state)
{
	static const char *const h[] = {"key", "value"};
	static const char *const values[] = {
	    "plain", "with;semi", "with,comma", "with \"quotes\"", "multi\nline\r\nend",
	    " lead", "trail ",	  "",		"Ёжик в тумане",   "\"",
	    "'=1+2",
	};
	const size_t n = sizeof(values) / sizeof(values[0]);
	struct roundtrip rt = {.want = values};
	struct table_out *t = open_ok(TABLE_CSV, h, 2);
	struct buf out;
	struct adv_errbuf eb = {0};
	char delim;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		table_out_str(t, "k");
		table_out_str(t, values[i]);
		table_out_end_row(t);
	}
	finish_ok(t, &out);
	if (csv_read_buf(out.data, out.len, NULL, roundtrip_row, &rt, &delim, &eb) != ADV_OK)
		fail_msg("%s", eb.msg);
	assert_int_equal(delim, ';');
	assert_int_equal(rt.rows, n + 1);
	buf_release(&out);
}

static void
test_too_many_cells_is_sticky(void **state)
{
	static const char *const h[] = {"a", "b"};
	struct table_out *t = open_ok(TABLE_CSV, h, 2);
	struct adv_errbuf eb = {0};
	struct buf out;

	(void)state;
	assert_int_equal(table_out_str(t, "1"), ADV_OK);
	assert_int_equal(table_out_str(t, "2"), ADV_OK);
	assert_int_equal(table_out_str(t, "3"), ADV_EINTERNAL);
	assert_int_equal(table_out_end_row(t), ADV_EINTERNAL);
	assert_int_equal(table_out_num(t, 1), ADV_EINTERNAL);
	buf_init(&out, 0);
	buf_puts(&out, "kept");
	assert_int_equal(table_out_finish(t, &out, &eb), ADV_EINTERNAL);
	assert_non_null(strstr(eb.msg, "row 1 has more than 2 cells"));
	assert_string_equal(out.data, "kept");
	table_out_free(t);
	buf_release(&out);
}

static void
test_bad_date(void **state)
{
	static const char *const h[] = {"d"};
	struct adv_errbuf eb = {0};
	struct buf out;

	(void)state;
	for (int fmt = 0; fmt < TABLE_FORMAT__MAX; fmt++) {
		struct table_out *t = open_ok((enum table_format)fmt, h, 1);

		assert_int_equal(table_out_date(t, "27.11.2026"), ADV_EINVAL);
		buf_init(&out, 0);
		assert_int_equal(table_out_finish(t, &out, &eb), ADV_EINVAL);
		assert_non_null(strstr(eb.msg, "row 1, column 1"));
		table_out_free(t);
		buf_release(&out);
	}
	assert_tmpdir_empty();
}

static void
test_open_errors(void **state)
{
	static const char *const h[] = {"a"};
	struct table_out *t = (struct table_out *)1;
	struct adv_errbuf eb = {0};

	(void)state;
	assert_int_equal(table_out_open(&t, TABLE_CSV, NULL, h, 0, &eb), ADV_EINVAL);
	assert_null(t);
	assert_int_equal(table_out_open(&t, TABLE_XLSX, NULL, h, TABLE_COLS_MAX + 1, &eb),
			 ADV_EINVAL);
	assert_int_equal(table_out_open(&t, TABLE_FORMAT__MAX, NULL, h, 1, &eb), ADV_EINVAL);
	assert_non_null(strstr(eb.msg, "format"));
	table_out_free(NULL);
}

static void
test_finish_twice_and_out_limit(void **state)
{
	static const char *const h[] = {"a"};
	struct table_out *t = open_ok(TABLE_CSV, h, 1);
	struct adv_errbuf eb = {0};
	struct buf out;

	(void)state;
	table_out_str(t, "0123456789");
	buf_init(&out, 10);
	assert_int_equal(table_out_finish(t, &out, &eb), ADV_ETOOBIG);
	assert_int_equal(out.len, 0);
	table_out_free(t);
	buf_release(&out);
	t = open_ok(TABLE_CSV, h, 1);
	buf_init(&out, 0);
	buf_puts(&out, "prefix:");
	assert_int_equal(table_out_finish(t, &out, &eb), ADV_OK);
	assert_string_equal(out.data, "prefix:" BOM "a\r\n");
	assert_int_equal(table_out_finish(t, &out, &eb), ADV_EINTERNAL);
	assert_int_equal(table_out_str(t, "late"), ADV_EINTERNAL);
	table_out_free(t);
	buf_release(&out);
}

static void
test_format_names(void **state)
{
	(void)state;
	assert_string_equal(table_format_content_type(TABLE_CSV), "text/csv; charset=utf-8");
	assert_string_equal(table_format_content_type(TABLE_XLSX),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_string_equal(table_format_ext(TABLE_CSV_COMMA), "csv");
	assert_string_equal(table_format_ext(TABLE_XLSX), "xlsx");
	assert_string_equal(table_format_ext(TABLE_FORMAT__MAX), "bin");
}

/* True when the zip bytes name entry in a local header and in the central directory. */
static bool
zip_has_entry(const struct buf *zip, const char *entry)
{
	const char *p = zip->data, *end = zip->data + zip->len;
	size_t n = strlen(entry), seen = 0;

	while ((p = memmem(p, (size_t)(end - p), entry, n)) != NULL) {
		seen++;
		p += n;
	}
	return seen >= 2;
}

/* Extracts entry from the workbook with unzip(1) into text; false when unzip is missing. */
static bool
unzip_entry(const struct buf *xlsx, const char *entry, struct buf *text)
{
	char path[sizeof(tmpdir) + 32], cmd[sizeof(path) + 128], chunk[4096];
	FILE *f, *p;
	size_t n;
	int fd;

	if (access("/usr/bin/unzip", X_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/check-XXXXXX", tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(xlsx->data, 1, xlsx->len, f), xlsx->len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/unzip -p '%s' '%s'", path, entry);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf_init(text, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(text, chunk, n);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	return true;
}

static struct table_out *
sample_xlsx(void)
{
	static const char *const h[] = {"Название", "Выручка", "Дата", "Формула"};
	struct table_out *t = NULL;
	struct adv_errbuf eb = {0};

	if (table_out_open(&t, TABLE_XLSX, "Клиенты: [все]/2026?", h, 4, &eb) != ADV_OK)
		fail_msg("%s", eb.msg);
	table_out_str(t, "ООО \"Ромашка\" <&>\x01");
	table_out_num(t, 1234.5);
	table_out_date(t, "2026-11-27");
	table_out_str(t, "=HYPERLINK(\"x\")");
	table_out_end_row(t);
	table_out_date(t, "1800-01-01");
	table_out_null(t);
	table_out_num(t, NAN);
	return t;
}

static void
test_xlsx_is_a_zip(void **state)
{
	struct buf out;

	(void)state;
	finish_ok(sample_xlsx(), &out);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "PK\x03\x04", 4);
	assert_true(zip_has_entry(&out, "xl/worksheets/sheet1.xml"));
	assert_true(zip_has_entry(&out, "[Content_Types].xml"));
	assert_true(zip_has_entry(&out, "xl/styles.xml"));
	assert_non_null(memmem(out.data, out.len, "PK\x05\x06", 4)); /* end of central directory */
	assert_tmpdir_empty();
	buf_release(&out);
}

static void
test_xlsx_content(void **state)
{
	struct buf out, sheet, styles, book;

	(void)state;
	finish_ok(sample_xlsx(), &out);
	if (!unzip_entry(&out, "xl/worksheets/sheet1.xml", &sheet)) {
		buf_release(&out);
		skip();
	}
	/* Bold, frozen header with an autofilter over the data. */
	assert_non_null(strstr(sheet.data, "<pane ySplit=\"1\" topLeftCell=\"A2\" "
					   "activePane=\"bottomLeft\" state=\"frozen\"/>"));
	assert_non_null(
	    strstr(sheet.data, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>Название</t>"));
	assert_non_null(strstr(sheet.data, "<autoFilter ref=\"A1:D3\"/>"));
	/* A real number, a real date (serial 46353 with the date style), text kept as text. */
	assert_non_null(strstr(sheet.data, "<c r=\"B2\"><v>1234.5</v></c>"));
	assert_non_null(strstr(sheet.data, "<c r=\"C2\" s=\"2\"><v>46353</v></c>"));
	assert_non_null(strstr(sheet.data, "<t>=HYPERLINK(\"x\")</t>"));
	assert_non_null(strstr(sheet.data, "<t>ООО \"Ромашка\" &lt;&amp;&gt;_x0001_</t>"));
	assert_non_null(strstr(sheet.data, "<c r=\"A3\" t=\"inlineStr\"><is><t>1800-01-01</t>"));
	assert_null(strstr(sheet.data, "r=\"B3\""));
	/* Widths fit the content, within bounds. */
	assert_non_null(strstr(sheet.data, "<col min=\"2\" max=\"2\" width=\"9.7109375\""));
	assert_non_null(strstr(sheet.data, "<col min=\"3\" max=\"3\" width=\"12.7109375\""));
	assert_true(unzip_entry(&out, "xl/styles.xml", &styles));
	assert_non_null(strstr(styles.data, "formatCode=\"dd.mm.yyyy\""));
	assert_non_null(strstr(styles.data, "<b/>"));
	assert_true(unzip_entry(&out, "xl/workbook.xml", &book));
	assert_non_null(strstr(book.data, "<sheet name=\"Клиенты_ _все__2026_\""));
	assert_tmpdir_empty();
	buf_release(&out);
	buf_release(&sheet);
	buf_release(&styles);
	buf_release(&book);
}

/* Text past Excel's limit is cut at a character boundary. */
static void
test_xlsx_long_text(void **state)
{
	static const char *const h[] = {"Описание"};
	const size_t letters = 20000; /* 40000 bytes of "Ж" */
	struct table_out *t = open_ok(TABLE_XLSX, h, 1);
	struct buf out, sheet, text;
	const char *start, *end;

	(void)state;
	buf_init(&text, 0);
	for (size_t i = 0; i < letters; i++)
		buf_puts(&text, "Ж");
	assert_int_equal(table_out_str(t, text.data), ADV_OK);
	finish_ok(t, &out);
	if (!unzip_entry(&out, "xl/worksheets/sheet1.xml", &sheet)) {
		buf_release(&out);
		buf_release(&text);
		skip();
	}
	start = strstr(sheet.data, "<c r=\"A2\" t=\"inlineStr\"><is><t>");
	assert_non_null(start);
	start = strstr(start, "<t>") + 3;
	end = strstr(start, "</t>");
	assert_int_equal((size_t)(end - start), TABLE_XLSX_TEXT_MAX - 1);
	assert_memory_equal(start, text.data, TABLE_XLSX_TEXT_MAX - 1);
	buf_release(&out);
	buf_release(&sheet);
	buf_release(&text);
}

static void
test_xlsx_row_limit(void **state)
{
	static const char *const h[] = {"a"};
	struct table_out *t = open_ok(TABLE_XLSX, h, 1);

	(void)state;
	for (size_t i = 0; i < TABLE_ROWS_MAX; i++)
		assert_int_equal(table_out_end_row(t), ADV_OK);
	assert_int_equal(table_out_str(t, "one too many"), ADV_ETOOBIG);
	assert_int_equal(table_out_end_row(t), ADV_ETOOBIG);
	table_out_free(t);
	assert_tmpdir_empty();
}

static void
test_xlsx_out_limit_and_cleanup(void **state)
{
	static const char *const h[] = {"a"};
	struct table_out *t = open_ok(TABLE_XLSX, h, 1);
	struct adv_errbuf eb = {0};
	struct buf out;

	(void)state;
	table_out_str(t, "x");
	buf_init(&out, 100);
	assert_int_equal(table_out_finish(t, &out, &eb), ADV_ETOOBIG);
	assert_int_equal(out.len, 0);
	table_out_free(t);
	buf_release(&out);
	assert_tmpdir_empty();
	/* Freed without finishing: the temporary file goes too. */
	t = open_ok(TABLE_XLSX, h, 1);
	table_out_str(t, "y");
	table_out_free(t);
	assert_tmpdir_empty();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_basic),
	    cmocka_unit_test(test_csv_comma),
	    cmocka_unit_test(test_csv_formula_guard),
	    cmocka_unit_test(test_csv_numbers),
	    cmocka_unit_test(test_csv_roundtrip),
	    cmocka_unit_test(test_too_many_cells_is_sticky),
	    cmocka_unit_test(test_bad_date),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_finish_twice_and_out_limit),
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_xlsx_is_a_zip),
	    cmocka_unit_test(test_xlsx_content),
	    cmocka_unit_test(test_xlsx_long_text),
	    cmocka_unit_test(test_xlsx_row_limit),
	    cmocka_unit_test(test_xlsx_out_limit_and_cleanup),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
