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
#include "util.h"
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

/*
 * One kept sample, held until the whole answer is known to be valid: its
 * texts are in pr_text (offsets while the text grows, pointers after).
 */
struct prow {
	size_t		 pw_key;	/* the series, metric{labels} */
	size_t		 pw_keylen;
	size_t		 pw_namelen;	/* the metric: the key's first bytes */
	size_t		 pw_json;	/* the labels as JSON */
	size_t		 pw_jsonlen;
	const char	*pw_keyp;
	double		 pw_value;
	int64_t		 pw_ts;
	int		 pw_has_ts;
};

struct promtext_run {
	const struct answer_promtext_conf *pr_conf;
	struct labels	 pr_labels;
	struct buf	 pr_text;
	struct prow	*pr_rows;
	size_t		 pr_nrows;
	size_t		 pr_caprows;
	size_t		*pr_order;	/* label indexes by name */
	size_t		 pr_caporder;
	char		*pr_name;
	size_t		 pr_namecap;
	int		 pr_over;	/* more than max_series */
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
label_cmp(const struct promtext_label *a, const struct promtext_label *b)
{
	int	c;

	c = memcmp(a->pl_name, b->pl_name, a->pl_namelen < b->pl_namelen ?
	    a->pl_namelen : b->pl_namelen);
	if (c != 0)
		return c;
	return a->pl_namelen < b->pl_namelen ? -1 :
	    a->pl_namelen > b->pl_namelen;
}

/*
 * The labels of ps into pr_labels by name, as Prometheus orders a label
 * set, so that a series has one key whatever order its line gives.
 */
static void
sorted_labels(struct promtext_run *r, const struct promtext_sample *ps)
{
	const struct promtext_label *l;
	size_t		 i, j, len, *o;

	if (ps->ps_nlabels > r->pr_caporder) {
		r->pr_caporder = ps->ps_nlabels;
		r->pr_order = xreallocarray(r->pr_order, r->pr_caporder,
		    sizeof(*r->pr_order));
	}
	o = r->pr_order;
	for (i = 0; i < ps->ps_nlabels; i++) {	/* a few labels: insertion */
		for (j = i; j > 0 && label_cmp(&ps->ps_labels[o[j - 1]],
		    &ps->ps_labels[i]) > 0; j--)
			o[j] = o[j - 1];
		o[j] = i;
	}
	/* Label names come unterminated; a scratch copy makes C strings. */
	labels_reset(&r->pr_labels);
	for (i = 0; i < ps->ps_nlabels; i++) {
		l = &ps->ps_labels[o[i]];
		len = l->pl_namelen;
		if (len + 1 > r->pr_namecap) {
			r->pr_namecap = len + 64;
			r->pr_name = xreallocarray(r->pr_name, r->pr_namecap, 1);
		}
		memcpy(r->pr_name, l->pl_name, len);
		r->pr_name[len] = '\0';
		labels_add(&r->pr_labels, r->pr_name, l->pl_value,
		    l->pl_valuelen);
	}
}

static int
promtext_sample(void *arg, const struct promtext_sample *ps)
{
	struct promtext_run *r = arg;
	struct prow	*pw;

	if (r->pr_nrows >= (size_t)r->pr_conf->ap_max_series) {
		r->pr_over = 1;
		return -1;
	}
	if (r->pr_nrows == r->pr_caprows) {
		r->pr_caprows = r->pr_caprows == 0 ? 256 : r->pr_caprows * 2;
		r->pr_rows = xreallocarray(r->pr_rows, r->pr_caprows,
		    sizeof(*r->pr_rows));
	}
	sorted_labels(r, ps);
	pw = &r->pr_rows[r->pr_nrows];
	r->pr_nrows++;
	pw->pw_key = r->pr_text.b_len;
	pw->pw_namelen = ps->ps_namelen;
	buf_add(&r->pr_text, ps->ps_name, ps->ps_namelen);
	labels_expo(&r->pr_labels, &r->pr_text);
	pw->pw_keylen = r->pr_text.b_len - pw->pw_key;
	pw->pw_json = r->pr_text.b_len;
	labels_json(&r->pr_labels, &r->pr_text);
	pw->pw_jsonlen = r->pr_text.b_len - pw->pw_json;
	pw->pw_value = ps->ps_value;
	pw->pw_has_ts = ps->ps_has_ts;
	pw->pw_ts = ps->ps_ts;
	return 0;
}

/*
 * Is row i a series an earlier row of the answer has?  slots is a table
 * of mask + 1 row numbers plus one (0: free), filled as rows are handed
 * over.
 */
static int
seen_before(const struct promtext_run *r, size_t i, uint32_t *slots,
    size_t mask)
{
	const struct prow *pw = &r->pr_rows[i], *o;
	size_t		 h;

	h = fnv1a64(pw->pw_keyp, pw->pw_keylen) & mask;
	for (; slots[h] != 0; h = (h + 1) & mask) {
		o = &r->pr_rows[slots[h] - 1];
		if (o->pw_keylen == pw->pw_keylen &&
		    memcmp(o->pw_keyp, pw->pw_keyp, pw->pw_keylen) == 0)
			return 1;
	}
	slots[h] = (uint32_t)i + 1;
	return 0;
}

/*
 * Hand the rows over in exposition order; a series given twice keeps its
 * first sample, as a Prometheus scrape keeps the first sample of a series
 * and timestamp.
 */
static int
promtext_emit(struct promtext_run *r, answer_row_cb emit, void *arg)
{
	const char	*text = r->pr_text.b_data;
	struct prow	*pw;
	struct aval	 v[NCOLS];
	uint32_t	*slots;
	size_t		 i, mask = 15;
	int		 rc = 0;

	while (mask < 2 * r->pr_nrows)
		mask = mask * 2 + 1;
	slots = xcalloc(mask + 1, sizeof(*slots));
	memset(v, 0, sizeof(v));
	v[0].av_type = AV_TEXT;
	v[1].av_type = AV_TEXT;
	v[2].av_type = AV_REAL;
	for (i = 0; i < r->pr_nrows && rc == 0; i++) {
		pw = &r->pr_rows[i];
		pw->pw_keyp = text + pw->pw_key;
		if (seen_before(r, i, slots, mask))
			continue;
		v[0].av_text = pw->pw_keyp;
		v[0].av_len = pw->pw_namelen;
		v[1].av_text = text + pw->pw_json;
		v[1].av_len = pw->pw_jsonlen;
		v[2].av_real = pw->pw_value;
		v[3].av_type = pw->pw_has_ts ? AV_INTEGER : AV_NULL;
		v[3].av_int = pw->pw_ts;
		rc = emit(arg, ANSWER_NO_ITEM, pw->pw_keyp, pw->pw_keylen, v,
		    NULL);
	}
	free(slots);
	return rc;
}

/*
 * One row per kept series.  As with a Prometheus scrape, one bad line
 * rejects the whole answer: the rows are handed over only once the whole
 * answer has been read.
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
	labels_init(&r.pr_labels);
	buf_init(&r.pr_text, 0);
	memset(&po, 0, sizeof(po));
	po.po_format = format;
	po.po_want = promtext_want;
	po.po_sample = promtext_sample;
	po.po_arg = &r;
	rc = promtext_parse(res->cr_body, res->cr_len, &po, perr, sizeof(perr));
	if (rc == -1 && r.pr_over)
		snprintf(err, errlen, "malformed answer: more than %lld series "
		    "kept (answer max_series)", (long long)pc->ap_max_series);
	else if (rc == -1)
		snprintf(err, errlen, "malformed answer: %s", perr);
	else
		rc = promtext_emit(&r, emit, arg);
	labels_release(&r.pr_labels);
	free(r.pr_name);
	free(r.pr_order);
	free(r.pr_rows);
	buf_release(&r.pr_text);
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
	.ak_append = 1,
};
