/*
 * test_buf.c — the growable buffer: appends, the hard maximum, steal, reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void
test_append_and_terminator(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "Привет"), ADV_OK);
	assert_int_equal(buf_putc(&b, ','), ADV_OK);
	assert_int_equal(buf_append(&b, " мир!!", strlen(" мир")), ADV_OK);
	assert_int_equal(buf_printf(&b, " %d%s", 42, "%"), ADV_OK);
	assert_string_equal(b.data, "Привет, мир 42%");
	assert_int_equal(b.len, strlen("Привет, мир 42%"));
	assert_int_equal(buf_append(&b, "", 0), ADV_OK);
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_growth(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), ADV_OK);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	buf_release(&b);
}

static void
test_max(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "0123456789"), ADV_OK); /* exactly max */
	assert_int_equal(buf_putc(&b, 'x'), ADV_ETOOBIG);
	assert_int_equal(buf_puts(&b, "more"), ADV_ETOOBIG);
	assert_int_equal(buf_printf(&b, "%d", 1), ADV_ETOOBIG);
	assert_string_equal(b.data, "0123456789"); /* unchanged */
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_printf(&b, "%s", "01234567890"), ADV_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "abc", SIZE_MAX), ADV_ETOOBIG);
	buf_release(&b);
}

static void
test_reset_keeps_memory(void **state)
{
	struct buf b;
	char *before;

	(void)state;
	buf_init(&b, 0);
	buf_puts(&b, "some text");
	before = b.data;
	buf_reset(&b);
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.len, 0);
	buf_puts(&b, "x");
	assert_string_equal(b.data, "x");
	buf_release(&b);
	buf_reset(&b); /* harmless on an empty buffer */
}

static void
test_steal(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 0);
	p = buf_steal(&b, &len); /* empty: still a real string */
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	buf_puts(&b, "abc");
	p = buf_steal(&b, &len);
	assert_string_equal(p, "abc");
	assert_int_equal(len, 3);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
	buf_puts(&b, "again"); /* usable after steal */
	assert_string_equal(b.data, "again");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_and_terminator),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_max),
	    cmocka_unit_test(test_reset_keeps_memory),
	    cmocka_unit_test(test_steal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
