/* answer-promtext.c -- the promtext answer kind: a node's Prometheus exposition into rows */

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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "buf.h"
#include "conf.h"
#include "crawl.h"
#include "labels.h"
#include "promtext.h"
#include "xmalloc.h"

/* The settings of answer: promtext. */
struct answer_promtext_conf {
	char	**ap_keep;	/* metric names; NAME* a prefix; none: all */
	size_t	 ap_nkeep;
	int64_t	 ap_max_series;
};

/* The value columns: one row per sample, keyed by its series. */
static const struct answer_column promtext_cols[] = {
	{ "metric", VT_TEXT },
	{ "labels", VT_TEXT },		/* JSON object */
	{ "value", VT_REAL },
	{ "timestamp", VT_INTEGER },	/* ms since the epoch; NULL: none */
};
#define NCOLS	(sizeof(promtext_cols) / sizeof(promtext_cols[0]))

struct promtext_run {
	const struct answer_promtext_conf *pr_conf;
	answer_row_cb	 pr_emit;
	void		*pr_arg;
	struct labels	 pr_labels;
	struct buf	 pr_key;
	struct buf	 pr_json;
	char		*pr_name;
	size_t		 pr_namecap;
	int64_t		 pr_series;
	int		 pr_over;	/* more than max_series */
	int		 pr_failed;	/* the row callback failed */
};

static int
keep_name(const struct answer_promtext_conf *pc, const char *name, size_t len)
{
	const char	*k;
	size_t		 i, klen;

	if (pc->ap_nkeep == 0)
		return 1;
	for (i = 0; i < pc->ap_nkeep; i++) {
		k = pc->ap_keep[i];
		klen = strlen(k);
		if (klen > 0 && k[klen - 1] == '*') {
			if (len >= klen - 1 && memcmp(name, k, klen - 1) == 0)
				return 1;
		} else if (klen == len && memcmp(name, k, len) == 0)
			return 1;
	}
	return 0;
}

static int
promtext_want(void *arg, const struct promtext_sample *ps)
{
	struct promtext_run *r = arg;

	return keep_name(r->pr_conf, ps->ps_name, ps->ps_namelen);
}

static int
promtext_sample(void *arg, const struct promtext_sample *ps)
{
	struct promtext_run *r = arg;
	struct aval	 v[NCOLS];
	size_t		 i, len;

	if (++r->pr_series > r->pr_conf->ap_max_series) {
		r->pr_over = 1;
		return -1;
	}
	/* Label names come unterminated; a scratch copy makes C strings. */
	labels_reset(&r->pr_labels);
	for (i = 0; i < ps->ps_nlabels; i++) {
		len = ps->ps_labels[i].pl_namelen;
		if (len + 1 > r->pr_namecap) {
			r->pr_namecap = len + 64;
			r->pr_name = xreallocarray(r->pr_name, r->pr_namecap, 1);
		}
		memcpy(r->pr_name, ps->ps_labels[i].pl_name, len);
		r->pr_name[len] = '\0';
		labels_add(&r->pr_labels, r->pr_name, ps->ps_labels[i].pl_value,
		    ps->ps_labels[i].pl_valuelen);
	}
	buf_reset(&r->pr_key);
	buf_add(&r->pr_key, ps->ps_name, ps->ps_namelen);
	labels_expo(&r->pr_labels, &r->pr_key);
	buf_reset(&r->pr_json);
	labels_json(&r->pr_labels, &r->pr_json);

	memset(v, 0, sizeof(v));
	v[0].av_type = AV_TEXT;
	v[0].av_text = ps->ps_name;
	v[0].av_len = ps->ps_namelen;
	v[1].av_type = AV_TEXT;
	v[1].av_text = r->pr_json.b_data;
	v[1].av_len = r->pr_json.b_len;
	v[2].av_type = AV_REAL;
	v[2].av_real = ps->ps_value;
	if (ps->ps_has_ts) {
		v[3].av_type = AV_INTEGER;
		v[3].av_int = ps->ps_ts;
	}
	if (r->pr_emit(r->pr_arg, ANSWER_NO_ITEM, r->pr_key.b_data,
	    r->pr_key.b_len, v, NULL) == -1) {
		r->pr_failed = 1;
		return -1;
	}
	return 0;
}

/*
 * One row per kept sample; as Prometheus does with a scrape, one bad line
 * rejects the whole answer (the scheduler then drops the rows already
 * handed over and writes the node's row off with the reason).
 */
static int
promtext_extract(const struct answer_batch *ab, const struct crawl_result *res,
    answer_row_cb emit, void *arg, char *err, size_t errlen)
{
	const struct answer_promtext_conf *pc = ab->ab_probe->pc_answer_conf;
	struct promtext_run r;
	struct promtext_opts po;
	char		 perr[PROMTEXT_ERRMAX];
	int		 format, rc;

	format = res->cr_content_type == NULL ? PROMTEXT_TEXT :
	    promtext_format_of(res->cr_content_type);
	if (format == -1) {
		snprintf(err, errlen, "malformed answer: Content-Type '%.60s' "
		    "is not a Prometheus exposition", res->cr_content_type);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.pr_conf = pc;
	r.pr_emit = emit;
	r.pr_arg = arg;
	labels_init(&r.pr_labels);
	buf_init(&r.pr_key, 0);
	buf_init(&r.pr_json, 0);
	memset(&po, 0, sizeof(po));
	po.po_format = format;
	po.po_want = promtext_want;
	po.po_sample = promtext_sample;
	po.po_arg = &r;
	rc = promtext_parse(res->cr_body, res->cr_len, &po, perr, sizeof(perr));
	if (rc == -1 && r.pr_over)
		snprintf(err, errlen, "malformed answer: more than %lld series "
		    "kept (answer max_series)", (long long)pc->ap_max_series);
	else if (rc == -1 && !r.pr_failed)
		snprintf(err, errlen, "malformed answer: %s", perr);
	labels_release(&r.pr_labels);
	free(r.pr_name);
	buf_release(&r.pr_key);
	buf_release(&r.pr_json);
	return rc;
}

static void
promtext_columns(const struct probe_conf *pc, struct answer_column **colsp,
    size_t *ncolsp)
{
	*colsp = xcalloc(NCOLS, sizeof(**colsp));
	memcpy(*colsp, promtext_cols, sizeof(promtext_cols));
	*ncolsp = NCOLS;
}

#define OFF(m)	offsetof(struct answer_promtext_conf, m)
static const struct key promtext_keys[] = {
	{ "keep", K_STRLIST, OFF(ap_keep), OFF(ap_nkeep), 0, NULL, 0, 0, NULL,
	    NULL, "metric names to keep, NAME* for a prefix; empty: every metric", NULL },
	{ "max_series", K_INT, OFF(ap_max_series), 0, 0, NULL, 1, 10000000, "10000",
	    NULL, "an answer with more kept samples than this is rejected", NULL },
	KEND
};
#undef OFF

const struct answer_kind answer_promtext = {
	.ak_kind = { "promtext", promtext_keys,
	    sizeof(struct answer_promtext_conf) },
	.ak_columns = promtext_columns,
	.ak_extract = promtext_extract,
};
