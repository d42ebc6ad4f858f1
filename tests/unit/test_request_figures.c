/*
 * test_request_figures.c — the percentiles of the dialog window's figures
 * against numpy.percentile (linear interpolation, numpy's default and R's
 * type 7) on fixed data: numpy.percentile([1, 2, 3, 4, 10], [50, 90, 99])
 * = [3.0, 7.6, 9.76]; one value; none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "core/request_figures.h"

static void
test_percentiles(void **state)
{
	static const double v[] = {1, 2, 3, 4, 10};
	static const double one[] = {42};

	(void)state;
	assert_float_equal(request_percentile(v, 5, 0.5), 3.0, 1e-12);
	assert_float_equal(request_percentile(v, 5, 0.9), 7.6, 1e-12);
	assert_float_equal(request_percentile(v, 5, 0.99), 9.76, 1e-12);
	assert_float_equal(request_percentile(v, 5, 0.0), 1.0, 1e-12);
	assert_float_equal(request_percentile(v, 5, 1.0), 10.0, 1e-12);
	assert_float_equal(request_percentile(one, 1, 0.9), 42.0, 1e-12);
	assert_true(isnan(request_percentile(v, 0, 0.5)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentiles),
	};

	return cmocka_run_group_tests_name("request_figures", tests, NULL, NULL);
}
