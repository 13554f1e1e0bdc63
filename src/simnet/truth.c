/* truth.c -- the values a correct monitor exports, and `compare` */

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

#include "conf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "promtext.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

#define TRUTH_FILE_MAX	(1024L * 1024 * 1024)

/* Counts over the current users, per node where it says so. */
struct tally {
	uint64_t	 ta_users[SN_NSTATUS];
	uint64_t	*ta_primary;		/* [spID - 1] */
	uint64_t	*ta_secondary;
	uint64_t	*ta_unanswered;
	uint64_t	*ta_by_status;		/* [spID - 1][status] */
};

/* One series of the truth, as `compare` sees it. */
struct series {
	char		*se_key;	/* name{a="x",b="y"}, sorted */
	double		 se_want;
	double		 se_got;
	int		 se_seen;	/* times found in the exposition */
};

struct label {
	char		*lb_name;
	char		*lb_value;
};

static int
node_current(const struct simnet *sn, int spid)
{
	return spid >= 1 && spid <= sn->sn_nnodes;
}

static void
tally_count(const struct simnet *sn, struct tally *ta)
{
	const struct sn_user *u;
	const char *w;
	enum sn_fault f;
	uint32_t idx;
	int	 named[3], nnamed, i, j, k, s;

	for (idx = 0; idx < sn->sn_nusers; idx++) {
		u = &sn->sn_users[idx];
		ta->ta_users[u->u_status]++;
		nnamed = 0;
		if (node_current(sn, u->u_primary)) {
			ta->ta_primary[u->u_primary - 1]++;
			ta->ta_by_status[(size_t)(u->u_primary - 1) *
			    SN_NSTATUS + u->u_status]++;
			named[nnamed++] = u->u_primary;
		}
		for (i = 0; i < u->u_nsec; i++) {
			s = u->u_sec[i];
			if (!node_current(sn, s) ||
			    (i == 1 && s == u->u_sec[0]))
				continue;
			ta->ta_secondary[s - 1]++;
			for (j = 0; j < nnamed && named[j] != s; j++)
				continue;
			if (j == nnamed)
				named[nnamed++] = s;
		}
		if (u->u_flags & SN_U_NOWALLET)
			continue;
		w = simnet_wallet(sn, idx);
		for (j = 0; j < nnamed; j++) {
			k = named[j] - 1;
			f = sn->sn_nodes[k].nd_fault;
			if (simnet_fault_unanswered(f) ||
			    (f == SN_FAULT_MISSING &&
			    simnet_omitted(w, SN_WALLET_LEN)))
				ta->ta_unanswered[k]++;
		}
	}
}

void
truth_sample(json_t *samples, const char *metric, json_t *labels,
    double value)
{
	json_t	*o;

	o = json_object();
	json_object_set_new(o, "metric", json_string(metric));
	json_object_set_new(o, "labels", labels);
	if (value == (double)(json_int_t)value)
		json_object_set_new(o, "value",
		    json_integer((json_int_t)value));
	else
		json_object_set_new(o, "value", json_real(value));
	json_array_append_new(samples, o);
}

json_t *
truth_build(const struct simnet *sn)
{
	struct tally ta;
	const struct sn_node *nd;
	json_t	*root, *nodes, *samples, *o;
	int	 k, st;

	memset(&ta, 0, sizeof(ta));
	ta.ta_primary = xcalloc(sn->sn_nnodes, sizeof(uint64_t));
	ta.ta_secondary = xcalloc(sn->sn_nnodes, sizeof(uint64_t));
	ta.ta_unanswered = xcalloc(sn->sn_nnodes, sizeof(uint64_t));
	ta.ta_by_status = xcalloc((size_t)sn->sn_nnodes * SN_NSTATUS,
	    sizeof(uint64_t));
	tally_count(sn, &ta);

	root = json_object();
	json_object_set_new(root, "seed",
	    json_integer((json_int_t)sn->sn_seed));
	json_object_set_new(root, "users", json_integer(sn->sn_nusers));
	nodes = json_array();
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		o = json_object();
		json_object_set_new(o, "sp_id", json_integer(nd->nd_spid));
		json_object_set_new(o, "endpoint",
		    json_string(nd->nd_endpoint));
		json_object_set_new(o, "fault",
		    json_string(simnet_fault_name(nd->nd_fault)));
		json_array_append_new(nodes, o);
	}
	json_object_set_new(root, "nodes", nodes);

	samples = json_array();
	for (st = 0; st < SN_NSTATUS; st++)
		truth_sample(samples, "audius_users", json_pack("{s:s}",
		    "status", simnet_status_name(st)), ta.ta_users[st]);
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		truth_sample(samples, "audius_content_node_users",
		    json_pack("{s:s,s:s}", "endpoint", nd->nd_endpoint,
		    "role", "primary"), ta.ta_primary[k]);
		truth_sample(samples, "audius_content_node_users",
		    json_pack("{s:s,s:s}", "endpoint", nd->nd_endpoint,
		    "role", "secondary"), ta.ta_secondary[k]);
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		for (st = 0; st < SN_NSTATUS; st++) {
			if (st == SN_NO_REPLICA_SET)
				continue;
			truth_sample(samples,
			    "audius_content_node_users_by_status",
			    json_pack("{s:s,s:s}", "endpoint", nd->nd_endpoint,
			    "status", simnet_status_name(st)),
			    ta.ta_by_status[(size_t)k * SN_NSTATUS + st]);
		}
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		truth_sample(samples, "audius_content_node_up",
		    json_pack("{s:s}", "endpoint", nd->nd_endpoint),
		    !simnet_fault_unanswered(nd->nd_fault));
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		truth_sample(samples, "audius_content_node_unanswered_users",
		    json_pack("{s:s}", "endpoint", nd->nd_endpoint),
		    ta.ta_unanswered[k]);
	}
	json_object_set_new(root, "samples", samples);

	free(ta.ta_primary);
	free(ta.ta_secondary);
	free(ta.ta_unanswered);
	free(ta.ta_by_status);
	return root;
}

/* Append v compactly. */
static void
render_json(struct buf *b, const json_t *v)
{
	char	*s;

	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		fatalx("json_dumps");
	buf_puts(b, s);
	free(s);
}

/*
 * JSON with one node and one sample per line, so the file reads well and
 * a shell test can grep it.
 */
static char *
truth_render(const json_t *root, size_t *lenp)
{
	static const char *const arrays[] = { "nodes", "samples" };
	struct buf b;
	const char *key;
	json_t	*arr, *v;
	size_t	 i, j;
	int	 first = 1;

	/* The scalars and small members first, one line. */
	buf_init(&b, 0);
	buf_putc(&b, '{');
	json_object_foreach((json_t *)root, key, v) {
		if (strcmp(key, "nodes") == 0 || strcmp(key, "samples") == 0)
			continue;
		if (!first)
			buf_putc(&b, ',');
		first = 0;
		buf_json_string(&b, key, strlen(key));
		buf_putc(&b, ':');
		render_json(&b, v);
	}
	for (i = 0; i < nitems(arrays); i++) {
		buf_printf(&b, "%s\n\"%s\":[", first ? "" : ",", arrays[i]);
		first = 0;
		arr = json_object_get(root, arrays[i]);
		json_array_foreach(arr, j, v) {
			buf_puts(&b, j > 0 ? ",\n " : "\n ");
			render_json(&b, v);
		}
		buf_puts(&b, "\n]");
	}
	buf_puts(&b, "}\n");
	return buf_take(&b, lenp);
}

int
write_file_atomic(const char *path, const char *data, size_t len)
{
	FILE	*fp = NULL;
	char	*tmp;
	int	 rv = -1;

	xasprintf(&tmp, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		goto out;
	}
	if (fwrite(data, 1, len, fp) != len || fflush(fp) == EOF ||
	    fsync(fileno(fp)) == -1) {
		log_warn("%s", tmp);
		goto out;
	}
	if (fclose(fp) == EOF) {
		fp = NULL;
		log_warn("%s", tmp);
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) == -1) {
		log_warn("%s: rename to %s", tmp, path);
		goto out;
	}
	rv = 0;
out:
	if (fp != NULL)
		fclose(fp);
	if (rv == -1)
		unlink(tmp);
	free(tmp);
	return rv;
}

int
truth_write(const struct simnet *sn, const char *path)
{
	json_t	*root;
	char	*text;
	size_t	 len;
	int	 rv = -1;

	root = sn->sn_kind->sk_truth(sn);
	text = truth_render(root, &len);
	if (path == NULL) {
		if (fwrite(text, 1, len, stdout) != len ||
		    fflush(stdout) == EOF)
			log_warn("stdout");
		else
			rv = 0;
	} else
		rv = write_file_atomic(path, text, len);
	free(text);
	json_decref(root);
	return rv;
}

/* compare */

static int
label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return strcmp(x->lb_name, y->lb_name);
}

/* name{l="v",...} with labels sorted by name and values escaped. */
static char *
series_key(const char *name, struct label *lb, size_t n)
{
	struct buf b;
	const char *p;
	size_t	 i;

	if (n > 0)
		qsort(lb, n, sizeof(*lb), label_cmp);
	buf_init(&b, 0);
	buf_puts(&b, name);
	if (n > 0)
		buf_putc(&b, '{');
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s%s=\"", i > 0 ? "," : "", lb[i].lb_name);
		for (p = lb[i].lb_value; *p != '\0'; p++) {
			if (*p == '\\')
				buf_puts(&b, "\\\\");
			else if (*p == '"')
				buf_puts(&b, "\\\"");
			else if (*p == '\n')
				buf_puts(&b, "\\n");
			else
				buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	if (n > 0)
		buf_putc(&b, '}');
	return buf_take(&b, NULL);
}

static void
labels_free(struct label *lb, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(lb[i].lb_name);
		free(lb[i].lb_value);
	}
	free(lb);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
series_cmp(const void *a, const void *b)
{
	const struct series *const *x = a, *const *y = b;

	return strcmp((*x)->se_key, (*y)->se_key);
}

static const char *
fmt_value(double v, char *out, size_t outsz)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, outsz, "%.0f", v);
	else {
		snprintf(out, outsz, "%.15g", v);
		if (strtod(out, NULL) != v)
			snprintf(out, outsz, "%.17g", v);
	}
	return out;
}

struct compare {
	struct series	 *cm_series;	/* truth order */
	size_t		  cm_nseries;
	struct series	**cm_sorted;	/* by key */
	char		**cm_families;	/* sorted, distinct */
	size_t		  cm_nfamilies;
	struct buf	  cm_unexpected;	/* report lines */
	size_t		  cm_nunexpected;
};

static int
compare_load_truth(struct compare *cm, const char *path)
{
	json_error_t jerr;
	json_t	*root = NULL, *samples, *s, *metric, *labels, *value, *v;
	json_t	*families;
	struct label *lb = NULL;
	const char *name, *lname;
	size_t	 i, j, n, nf, nlb = 0;
	int	 rv = -1;

	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		log_warnx("compare: %s:%d:%d: %s", path, jerr.line, jerr.column,
		    jerr.text);
		goto out;
	}
	samples = json_object_get(root, "samples");
	if (!json_is_array(samples)) {
		log_warnx("compare: %s: no \"samples\" array", path);
		goto out;
	}
	n = json_array_size(samples);
	families = json_object_get(root, "families");
	if (families != NULL && !json_is_array(families)) {
		log_warnx("compare: %s: \"families\" is not an array", path);
		goto out;
	}
	nf = json_array_size(families);
	cm->cm_series = xcalloc(n > 0 ? n : 1, sizeof(*cm->cm_series));
	cm->cm_sorted = xcalloc(n > 0 ? n : 1, sizeof(*cm->cm_sorted));
	cm->cm_families = xcalloc(n + nf + 1, sizeof(*cm->cm_families));
	json_array_foreach(samples, i, s) {
		metric = json_object_get(s, "metric");
		labels = json_object_get(s, "labels");
		value = json_object_get(s, "value");
		name = json_string_value(metric);
		if (name == NULL || !valid_metric_name(name) ||
		    (labels != NULL && !json_is_object(labels)) ||
		    !json_is_number(value)) {
			log_warnx("compare: %s: sample %zu: needs a metric "
			    "name, a labels object and a numeric value",
			    path, i);
			goto out;
		}
		lb = xcalloc(json_object_size(labels) + 1, sizeof(*lb));
		nlb = 0;
		json_object_foreach(labels, lname, v) {
			if (!valid_label_name(lname) || !json_is_string(v)) {
				log_warnx("compare: %s: sample %zu: label "
				    "\"%s\" needs a valid name and a string "
				    "value", path, i, lname);
				goto out;
			}
			lb[nlb].lb_name = xstrdup(lname);
			lb[nlb].lb_value = xstrdup(json_string_value(v));
			nlb++;
		}
		cm->cm_series[i].se_key = series_key(name, lb, nlb);
		cm->cm_series[i].se_want = json_number_value(value);
		cm->cm_sorted[i] = &cm->cm_series[i];
		cm->cm_families[cm->cm_nfamilies++] = xstrdup(name);
		cm->cm_nseries = i + 1;
		labels_free(lb, nlb);
		lb = NULL;
	}
	qsort(cm->cm_sorted, n, sizeof(*cm->cm_sorted), series_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(cm->cm_sorted[i - 1]->se_key,
		    cm->cm_sorted[i]->se_key) == 0) {
			log_warnx("compare: %s: %s: listed twice", path,
			    cm->cm_sorted[i]->se_key);
			goto out;
		}
	/* Families the truth names without samples: none may appear. */
	json_array_foreach(families, i, v) {
		if (!json_is_string(v) || !valid_metric_name(json_string_value(v))) {
			log_warnx("compare: %s: families[%zu]: not a metric name",
			    path, i);
			goto out;
		}
		cm->cm_families[cm->cm_nfamilies++] =
		    xstrdup(json_string_value(v));
	}
	n = cm->cm_nfamilies;
	qsort(cm->cm_families, n, sizeof(char *), str_cmp);
	for (i = j = 0; i < n; i++) {
		if (j > 0 && strcmp(cm->cm_families[i],
		    cm->cm_families[j - 1]) == 0)
			free(cm->cm_families[i]);
		else
			cm->cm_families[j++] = cm->cm_families[i];
	}
	cm->cm_nfamilies = j;
	rv = 0;
out:
	if (lb != NULL)
		labels_free(lb, nlb);
	json_decref(root);
	return rv;
}

/* bsearch: a name (not NUL-terminated) against a sorted family name. */
struct name_key {
	const char	*nk_name;
	size_t		 nk_len;
};

static int
family_cmp(const void *k, const void *e)
{
	const struct name_key *nk = k;
	const char *family = *(char *const *)e;
	int	 c;

	if ((c = strncmp(nk->nk_name, family, nk->nk_len)) != 0)
		return c;
	return family[nk->nk_len] == '\0' ? 0 : -1;
}

/* Only the families the truth names are compared. */
static int
compare_want(void *arg, const struct promtext_sample *ps)
{
	struct compare *cm = arg;
	struct name_key nk = { ps->ps_name, ps->ps_namelen };

	return bsearch(&nk, cm->cm_families, cm->cm_nfamilies,
	    sizeof(char *), family_cmp) != NULL;
}

static int
compare_sample(void *arg, const struct promtext_sample *ps)
{
	struct compare *cm = arg;
	struct series key, *kp = &key, **found;
	struct label *lb;
	char	*name;
	size_t	 i;

	name = xstrndup(ps->ps_name, ps->ps_namelen);
	lb = xcalloc(ps->ps_nlabels + 1, sizeof(*lb));
	for (i = 0; i < ps->ps_nlabels; i++) {
		lb[i].lb_name = xstrndup(ps->ps_labels[i].pl_name,
		    ps->ps_labels[i].pl_namelen);
		lb[i].lb_value = xstrndup(ps->ps_labels[i].pl_value,
		    ps->ps_labels[i].pl_valuelen);
	}
	key.se_key = series_key(name, lb, ps->ps_nlabels);
	found = bsearch(&kp, cm->cm_sorted, cm->cm_nseries,
	    sizeof(*cm->cm_sorted), series_cmp);
	if (found == NULL) {
		buf_printf(&cm->cm_unexpected, "%s: unexpected\n", key.se_key);
		cm->cm_nunexpected++;
	} else if ((*found)->se_seen++ == 0)
		(*found)->se_got = ps->ps_value;
	free(key.se_key);
	labels_free(lb, ps->ps_nlabels);
	free(name);
	return 0;
}

/* Is the last line "# EOF" (OpenMetrics)? */
static int
ends_with_eof(const char *data, size_t len)
{
	if (len > 0 && data[len - 1] == '\n')
		len--;
	return len >= 5 && memcmp(data + len - 5, "# EOF", 5) == 0 &&
	    (len == 5 || data[len - 6] == '\n');
}

/*
 * Parse the exposition with the engine's parser, as Prometheus would:
 * OpenMetrics when it ends with "# EOF", else text 0.0.4.
 */
static int
compare_load_metrics(struct compare *cm, const char *path)
{
	struct promtext_opts po;
	char	*data, err[PROMTEXT_ERRMAX];
	size_t	 len;
	int	 rv = -1;

	if ((data = read_file(path, TRUTH_FILE_MAX, &len)) == NULL) {
		log_warn("compare: %s", path);
		return -1;
	}
	if (memchr(data, '\0', len) != NULL) {
		log_warnx("compare: %s: binary data", path);
		goto out;
	}
	memset(&po, 0, sizeof(po));
	po.po_format = ends_with_eof(data, len) ? PROMTEXT_OPENMETRICS :
	    PROMTEXT_TEXT;
	po.po_want = compare_want;
	po.po_sample = compare_sample;
	po.po_arg = cm;
	if (promtext_parse(data, len, &po, err, sizeof(err)) == -1) {
		log_warnx("compare: %s: %s", path, err);
		goto out;
	}
	rv = 0;
out:
	free(data);
	return rv;
}

int
truth_compare(const char *truthpath, const char *metricspath)
{
	struct compare cm;
	struct series *se;
	char	 a[64], b[64];
	size_t	 i, bad = 0;
	int	 rv = 2;

	memset(&cm, 0, sizeof(cm));
	buf_init(&cm.cm_unexpected, 0);
	if (compare_load_truth(&cm, truthpath) == -1 ||
	    compare_load_metrics(&cm, metricspath) == -1)
		goto out;
	for (i = 0; i < cm.cm_nseries; i++) {
		se = &cm.cm_series[i];
		if (se->se_seen == 0) {
			printf("%s: missing\n", se->se_key);
			bad++;
		} else if (se->se_got != se->se_want) {
			printf("%s: expected %s, got %s\n", se->se_key,
			    fmt_value(se->se_want, a, sizeof(a)),
			    fmt_value(se->se_got, b, sizeof(b)));
			bad++;
		} else if (se->se_seen > 1) {
			printf("%s: duplicate\n", se->se_key);
			bad++;
		}
	}
	if (cm.cm_unexpected.b_len > 0)
		fputs(cm.cm_unexpected.b_data, stdout);
	bad += cm.cm_nunexpected;
	printf("compare: %zu samples, %zu mismatches\n", cm.cm_nseries, bad);
	if (fflush(stdout) == EOF) {
		log_warn("stdout");
		goto out;
	}
	rv = bad == 0 ? 0 : 1;
out:
	for (i = 0; i < cm.cm_nseries; i++)
		free(cm.cm_series[i].se_key);
	for (i = 0; i < cm.cm_nfamilies; i++)
		free(cm.cm_families[i]);
	free(cm.cm_series);
	free(cm.cm_sorted);
	free(cm.cm_families);
	buf_release(&cm.cm_unexpected);
	return rv;
}
