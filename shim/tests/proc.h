/* What the TAP programs read of /proc. */
#ifndef PROCSIM_TEST_PROC_H
#define PROCSIM_TEST_PROC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last number on line KEY of status file PATH (NSpid's: the pid in the task's own namespace), or -1. */
static inline long status_last(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	size_t k = strlen(key);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, k) || line[k] != ':') continue;
		char *p = line + k + 1, *end;
		for (long x; (x = strtol(p, &end, 10)), end != p; p = end) v = x;
	}
	fclose(f);
	return v;
}

#endif
