/* TAP output as kselftest prints it: a plan, then "ok N - what" or "not ok N - what". */
#ifndef PROCSIM_TAP_H
#define PROCSIM_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("1..%d\n", n);
	fflush(stdout);
}

#define tap_ok(cond, ...) \
	do { \
		int ok_ = !!(cond); \
		tap_failed += !ok_; \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		fflush(stdout); \
	} while (0)

static inline int tap_exit(void)
{
	return tap_failed ? 1 : 0;
}

#endif
