/* Built with -static: procsim exec must refuse it (no PT_INTERP, nothing can be preloaded). */
#include <stdio.h>

int main(void)
{
	puts("a static program ran");
	return 0;
}
