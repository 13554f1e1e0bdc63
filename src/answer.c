/* answer.c -- the table of answer kinds */
#include <stddef.h>
#include <string.h>

#include "answer.h"
#include "conf.h"

/* The first is probes[].answer's default. */
const struct kind *const answer_kinds[] = {
	&answer_json.ak_kind,
	&answer_promtext.ak_kind,
	NULL
};

const struct answer_kind *
answer_of(const struct probe_conf *pc)
{
	return pc->pc_answer != NULL ? (const struct answer_kind *)
	    pc->pc_answer : &answer_json;
}

const struct answer_json_conf *
answer_json_conf(const struct probe_conf *pc)
{
	return answer_of(pc) == &answer_json ? pc->pc_answer_conf : NULL;
}

void
answer_init(void)
{
	size_t	i;

	for (i = 0; answer_kinds[i] != NULL; i++)
		if (((const struct answer_kind *)answer_kinds[i])->ak_init !=
		    NULL)
			((const struct answer_kind *)answer_kinds[i])->ak_init();
}
