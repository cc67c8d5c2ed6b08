/* unit_main: runs a test program's Check suite and turns the result into its exit code. */
#ifndef ZH_CHECK_MAIN_H
#define ZH_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int
unit_main_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
