/* answer.c -- the table of answer kinds */
#include <stddef.h>
#include <string.h>

#include "answer.h"

const struct answer_kind *const answer_kinds[] = {
	&answer_json,
	NULL
};

const struct answer_kind *
answer_find(const char *name)
{
	size_t	i;

	for (i = 0; answer_kinds[i] != NULL; i++)
		if (strcmp(answer_kinds[i]->ak_name, name) == 0)
			return answer_kinds[i];
	return NULL;
}

void
answer_init(void)
{
	size_t	i;

	for (i = 0; answer_kinds[i] != NULL; i++)
		if (answer_kinds[i]->ak_init != NULL)
			answer_kinds[i]->ak_init();
}
