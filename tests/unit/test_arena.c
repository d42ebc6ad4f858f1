/*
 * test_arena.c — the region allocator: alignment, growth, big blocks, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "util/arena.h"

static void
test_alignment(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, 0);
	for (size_t n = 0; n < 200; n++) {
		unsigned char *p = arena_alloc(&a, n);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xAB, n);
	}
	arena_free(&a);
}

static void
test_distinct_and_preserved(void **state)
{
	struct arena a;
	unsigned char *p[1000];

	(void)state;
	arena_init(&a, 0);
	for (size_t i = 0; i < 1000; i++) {
		p[i] = arena_alloc(&a, 37);
		assert_non_null(p[i]);
		memset(p[i], (int)(i & 0xFF), 37);
	}
	for (size_t i = 0; i < 1000; i++)
		for (size_t j = 0; j < 37; j++)
			assert_int_equal(p[i][j], i & 0xFF);
	assert_ptr_not_equal(arena_alloc(&a, 0), arena_alloc(&a, 0));
	arena_free(&a);
}

/* Allocations bigger than the largest block get a block of their own. */
static void
test_big(void **state)
{
	struct arena a;
	const size_t big = 5u * 1024u * 1024u;
	unsigned char *small, *p;

	(void)state;
	arena_init(&a, 0);
	small = arena_alloc(&a, 16);
	assert_non_null(small);
	p = arena_alloc(&a, big);
	assert_non_null(p);
	memset(p, 1, big);
	assert_int_equal(p[big - 1], 1);
	assert_non_null(arena_alloc(&a, 16));
	assert_true(a.used_total >= big);
	arena_free(&a);
	assert_int_equal(a.used_total, 0);
	assert_null(a.head);
}

static void
test_limit(void **state)
{
	struct arena a;
	size_t got = 0;
	void *p;

	(void)state;
	arena_init(&a, 64u * 1024u);
	while ((p = arena_alloc(&a, 1000)) != NULL) {
		memset(p, 0, 1000);
		got += 1000;
		assert_true(got <= 64u * 1024u);
	}
	assert_true(got >= 32u * 1024u); /* the limit is usable, not only a refusal */
	assert_true(a.used_total <= a.limit);
	assert_null(arena_alloc(&a, 128u * 1024u));
	arena_free(&a);
	assert_non_null(arena_alloc(&a, 1000)); /* reusable after free, same limit */
	assert_null(arena_alloc(&a, 65u * 1024u));
	arena_free(&a);
}

/* Sizes near SIZE_MAX must be refused, not wrap around into a tiny block. */
static void
test_huge_sizes_refused(void **state)
{
	struct arena a, lim;

	(void)state;
	arena_init(&a, 0);
	arena_init(&lim, 1024u * 1024u);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 8));
	assert_null(arena_alloc(&a, SIZE_MAX - 40));
	assert_null(arena_alloc(&lim, SIZE_MAX - 40));
	assert_null(arena_strndup(&a, "x", SIZE_MAX));
	arena_free(&a);
	arena_free(&lim);
}

static void
test_strings(void **state)
{
	struct arena a;
	char *s;
	unsigned char *z;

	(void)state;
	arena_init(&a, 0);
	assert_string_equal(arena_strdup(&a, "Привет"), "Привет");
	assert_null(arena_strdup(&a, NULL));
	s = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	assert_string_equal(arena_strndup(&a, "", 0), "");
	assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
	z = arena_zalloc(&a, 300);
	for (size_t i = 0; i < 300; i++)
		assert_int_equal(z[i], 0);
	arena_free(&a);
}

static void
test_printf_long(void **state)
{
	struct arena a;
	char big[10000];
	char *s;

	(void)state;
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	arena_init(&a, 0);
	s = arena_printf(&a, "<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	arena_free(&a);
}

/* A reset keeps one block: the next round reuses its memory, and the limit counts it. */
static void
test_reset(void **state)
{
	struct arena a, empty;
	unsigned char *first, *again, *big;

	(void)state;
	arena_init(&empty, 0);
	arena_reset(&empty);
	assert_null(empty.head);
	assert_int_equal(empty.used_total, 0);
	arena_init(&a, 64u * 1024u);
	first = arena_alloc(&a, 100);
	assert_non_null(first);
	big = arena_alloc(&a, 20000); /* a second, larger block */
	assert_non_null(big);
	memset(big, 0x5A, 20000);
	arena_reset(&a);
	assert_non_null(a.head);
	assert_true(a.used_total >= 20000);
	assert_true(a.used_total < 32u * 1024u);
	again = arena_alloc(&a, 20000);
	assert_ptr_equal(again, big); /* the largest block was kept and is reused */
	assert_non_null(arena_strdup(&a, "after reset"));
	for (int round = 0; round < 100; round++) {
		arena_reset(&a);
		assert_non_null(arena_alloc(&a, 30000));
	}
	assert_true(a.used_total < 64u * 1024u);
	assert_null(arena_alloc(&a, 64u * 1024u)); /* the kept block counts against the limit */
	arena_free(&a);
	assert_null(a.head);
	arena_reset(&a);
	assert_null(a.head);
}

static void
test_array_room(void **state)
{
	struct arena a;
	size_t cap = 0, len;
	int *v = NULL, *grown;

	(void)state;
	arena_init(&a, 0);
	for (len = 0; len < 1000; len++) {
		grown = arena_array_room(&a, v, &cap, len, sizeof(*v));
		assert_non_null(grown);
		assert_true(cap > len);
		v = grown;
		v[len] = (int)len;
	}
	for (len = 0; len < 1000; len++)
		assert_int_equal(v[len], (int)len);
	assert_int_equal(cap, 1024);
	/* A size that cannot be represented fails without touching cap. */
	cap = 8;
	assert_null(arena_array_room(&a, v, &cap, 8, SIZE_MAX / 4));
	assert_int_equal(cap, 8);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_distinct_and_preserved),
	    cmocka_unit_test(test_big),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_huge_sizes_refused),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_printf_long),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_array_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
