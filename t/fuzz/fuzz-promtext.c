/*
 * fuzz-promtext.c -- libFuzzer harness for promtext_parse
 *
 *   ./configure CC=clang --enable-fuzz && make t/fuzz/fuzz-promtext
 *   t/fuzz/fuzz-promtext -max_total_time=60 [CORPUS_DIR]
 *
 * The first byte picks the format and the label limit; the rest is the
 * body.  Every sample's strings are read in full (so ASan sees any span
 * outside the body or the scratch space) and checked against the
 * promises of promtext.h.
 */

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

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promtext.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static volatile unsigned char sink;

static void
touch(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sink ^= s[i];
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static int
name_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':'))
			return 0;
	return 1;
}

static int
want(void *arg, const struct promtext_sample *ps)
{
	touch(ps->ps_name, ps->ps_namelen);
	return ps->ps_namelen % 3 != 0;
}

static int
sample(void *arg, const struct promtext_sample *ps)
{
	size_t	i, j;

	touch(ps->ps_name, ps->ps_namelen);
	touch(ps->ps_family, ps->ps_familylen);
	if (ps->ps_help != NULL)
		touch(ps->ps_help, ps->ps_helplen);
	if (ps->ps_unit != NULL)
		touch(ps->ps_unit, ps->ps_unitlen);
	if (!name_ok(ps->ps_name, ps->ps_namelen))
		abort();
	for (i = 0; i < ps->ps_nlabels; i++) {
		touch(ps->ps_labels[i].pl_name, ps->ps_labels[i].pl_namelen);
		touch(ps->ps_labels[i].pl_value, ps->ps_labels[i].pl_valuelen);
		if (ps->ps_labels[i].pl_valuelen == 0 ||
		    !utf8_valid(ps->ps_labels[i].pl_value,
		    ps->ps_labels[i].pl_valuelen))
			abort();
		for (j = 0; j < i; j++)
			if (ps->ps_labels[i].pl_namelen ==
			    ps->ps_labels[j].pl_namelen &&
			    memcmp(ps->ps_labels[i].pl_name,
			    ps->ps_labels[j].pl_name,
			    ps->ps_labels[i].pl_namelen) == 0)
				abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct promtext_opts po;
	char	 err[PROMTEXT_ERRMAX], *body;

	if (size < 1)
		return 0;
	memset(&po, 0, sizeof(po));
	po.po_format = data[0] & 1 ? PROMTEXT_OPENMETRICS : PROMTEXT_TEXT;
	po.po_max_labels = (data[0] >> 1) & 0x1f;	/* 0: the default */
	po.po_max_line = data[0] & 0x40 ? 64 : 0;
	po.po_want = want;
	po.po_sample = sample;
	/* an exact-size copy, so reading past the body is caught */
	body = malloc(size - 1 > 0 ? size - 1 : 1);
	memcpy(body, data + 1, size - 1);
	if (promtext_parse(body, size - 1, &po, err, sizeof(err)) == -1 &&
	    strncmp(err, "line ", 5) != 0)
		abort();
	free(body);
	return 0;
}
