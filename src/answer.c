/* answer.c -- the table of answer kinds */

/*
 * Copyright (c) 2026 The vantage authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

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
