/* query.c -- the SQL files run after a crawl, and the metric rows they yield */

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

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expo.h"
#include "history.h"
#include "log.h"
#include "labels.h"
#include "query.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define QUERY_MAX_BYTES		(1024 * 1024)
#define QUERY_MAX_SERIES	1000000

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
query_file_release(struct query_file *qf)
{
	size_t	i;

	free(qf->qf_path);
	free(qf->qf_sql);
	free(qf->qf_metric);
	free(qf->qf_type);
	free(qf->qf_help);
	free(qf->qf_cutoff_text);
	free(qf->qf_cutoff_label);
	free(qf->qf_headline);
	for (i = 0; i < qf->qf_nthresholds; i++)
		threshold_release(&qf->qf_thresholds[i]);
	free(qf->qf_thresholds);
	free(qf->qf_history);
}

void
queryset_release(struct queryset *qs)
{
	size_t	i;

	for (i = 0; i < qs->qs_len; i++)
		query_file_release(&qs->qs_files[i]);
	free(qs->qs_files);
	qs->qs_files = NULL;
	qs->qs_len = 0;
}

/* "-- cutoff: LABEL N": keep LABEL's top N values, fold the rest. */
static int
parse_cutoff(struct query_file *qf, FILE *err)
{
	char		 label[65], extra;
	long long	 n;

	if (sscanf(qf->qf_cutoff_text, "%64s %lld %c", label, &n, &extra) != 2 ||
	    !valid_label_name(label) || n < 1 || n > 100000) {
		fprintf(err, "%s: cutoff '%s' is not 'LABEL N' (a label name and "
		    "a count from 1 to 100000)\n", qf->qf_path,
		    qf->qf_cutoff_text);
		return -1;
	}
	qf->qf_cutoff_label = xstrdup(label);
	qf->qf_cutoff = n;
	return 0;
}

/* "-- headline: values|shares" (empty: values); once per file. */
static int
parse_headline(struct query_file *qf, const char *v, size_t vlen,
    size_t line, FILE *err)
{
	if (qf->qf_headline != NULL) {
		fprintf(err, "%s:%zu: 'headline' given twice\n", qf->qf_path,
		    line);
		return -1;
	}
	if (vlen == 0 || (vlen == 6 && strncmp(v, "values", 6) == 0))
		qf->qf_headline = xstrdup("values");
	else if (vlen == 6 && strncmp(v, "shares", 6) == 0)
		qf->qf_headline = xstrdup("shares");
	else {
		fprintf(err, "%s:%zu: headline '%.*s' is not 'values' or "
		    "'shares'\n", qf->qf_path, line, (int)vlen, v);
		return -1;
	}
	return 0;
}

/* "-- threshold: ...", any number of them. */
static int
add_threshold(struct query_file *qf, const char *v, size_t vlen,
    size_t line, FILE *err)
{
	struct threshold th;
	const char	*why;
	char		*text;

	text = xstrndup(v, vlen);
	if (threshold_parse(text, &th, &why) == -1) {
		fprintf(err, "%s:%zu: threshold '%s': %s\n", qf->qf_path, line,
		    text, why);
		free(text);
		return -1;
	}
	free(text);
	if (th.th_share && qf->qf_headline != NULL &&
	    strcmp(qf->qf_headline, "shares") != 0) {
		fprintf(err, "%s:%zu: threshold '%s': a share needs "
		    "'-- headline: shares'\n", qf->qf_path, line, th.th_text);
		threshold_release(&th);
		return -1;
	}
	qf->qf_thresholds = xreallocarray(qf->qf_thresholds,
	    qf->qf_nthresholds + 1, sizeof(*qf->qf_thresholds));
	qf->qf_thresholds[qf->qf_nthresholds++] = th;
	return 0;
}

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int
threshold_parse(const char *text, struct threshold *th, const char **why)
{
	const char	*p = skip_blanks(text), *q;
	char		 name[65], *end;
	struct buf	 val;
	size_t		 n;

	memset(th, 0, sizeof(*th));
	buf_init(&val, 1024);
	if (strncmp(p, "share", 5) == 0 && !isalnum((unsigned char)p[5])) {
		th->th_share = 1;
		p += 5;
	} else if (strncmp(p, "value", 5) == 0 &&
	    !isalnum((unsigned char)p[5]))
		p += 5;
	p = skip_blanks(p);
	if (*p == '{') {
		p = skip_blanks(p + 1);
		while (*p != '}') {
			for (n = 0; isalnum((unsigned char)p[n]) || p[n] == '_';
			    n++)
				;
			if (n == 0 || n >= sizeof(name)) {
				*why = "expected a label name";
				goto fail;
			}
			memcpy(name, p, n);
			name[n] = '\0';
			if (!valid_label_name(name)) {
				*why = "invalid label name";
				goto fail;
			}
			p = skip_blanks(p + n);
			if (*p != '=' || *(p = skip_blanks(p + 1)) != '"') {
				*why = "expected =\"value\" after a label name";
				goto fail;
			}
			buf_reset(&val);
			buf_puts(&val, "");
			for (q = p + 1; *q != '"'; q++) {
				if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
					q++;
				if (*q == '\0' || buf_putc(&val, *q) == -1) {
					*why = "unterminated label value";
					goto fail;
				}
			}
			th->th_match = xreallocarray(th->th_match,
			    2 * th->th_nmatch + 2, sizeof(*th->th_match));
			th->th_match[2 * th->th_nmatch] = xstrdup(name);
			th->th_match[2 * th->th_nmatch + 1] = xstrdup(val.b_data);
			th->th_nmatch++;
			p = skip_blanks(q + 1);
			if (*p == ',')
				p = skip_blanks(p + 1);
			else if (*p != '}') {
				*why = "expected , or } after a label value";
				goto fail;
			}
		}
		p = skip_blanks(p + 1);
	}
	if (p[0] == '<' && p[1] == '=') {
		th->th_op = TH_LE;
		p += 2;
	} else if (p[0] == '>' && p[1] == '=') {
		th->th_op = TH_GE;
		p += 2;
	} else if (p[0] == '<' || p[0] == '>') {
		th->th_op = p[0] == '<' ? TH_LT : TH_GT;
		p++;
	} else {
		*why = "expected <, <=, > or >= (as in: share{status=\"ok\"} "
		    "< 0.8)";
		goto fail;
	}
	p = skip_blanks(p);
	if (!isdigit((unsigned char)*p) && *p != '-' && *p != '.') {
		*why = "expected a number after the comparison";
		goto fail;
	}
	th->th_value = strtod(p, &end);
	if (end == p || !isfinite(th->th_value) || *skip_blanks(end) != '\0') {
		*why = "expected a number after the comparison";
		goto fail;
	}
	if (th->th_share && (th->th_value < 0 || th->th_value > 1)) {
		*why = "a share is a number from 0 to 1";
		goto fail;
	}
	th->th_text = xstrdup(text);
	buf_release(&val);
	return 0;
fail:
	buf_release(&val);
	threshold_release(th);
	return -1;
}

void
threshold_release(struct threshold *th)
{
	size_t	i;

	for (i = 0; i < 2 * th->th_nmatch; i++)
		free(th->th_match[i]);
	free(th->th_match);
	free(th->th_text);
	memset(th, 0, sizeof(*th));
}

int
threshold_matches(const struct threshold *th, const char *labels_json)
{
	json_t		*obj, *v;
	size_t		 i;
	int		 ok = 1;

	if ((obj = json_loads(labels_json, 0, NULL)) == NULL)
		return 0;
	for (i = 0; i < th->th_nmatch && ok; i++) {
		v = json_object_get(obj, th->th_match[2 * i]);
		ok = json_is_string(v) &&
		    strcmp(json_string_value(v), th->th_match[2 * i + 1]) == 0;
	}
	json_decref(obj);
	return ok;
}

int
threshold_breached(const struct threshold *th, double value, double total)
{
	double	v = value;

	if (th->th_share)
		v = total != 0 ? value / total : 0;
	switch (th->th_op) {
	case TH_LT:
		return v < th->th_value;
	case TH_LE:
		return v <= th->th_value;
	case TH_GT:
		return v > th->th_value;
	default:
		return v >= th->th_value;
	}
}

/* Parse the "-- key: value" lines at the top of a file. */
static int
parse_header(struct query_file *qf, FILE *err)
{
	const char	*p = qf->qf_sql, *eol, *k, *v;
	size_t		 line = 0, klen, vlen;
	int		 errors = 0;
	char		**slot;

	while (*p != '\0') {
		line++;
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (strncmp(p, "--", 2) != 0) {
			if (strspn(p, " \t\r") != (size_t)(eol - p))
				break;	/* first statement line: header ends */
			p = *eol ? eol + 1 : eol;
			continue;
		}
		k = p + 2;
		while (k < eol && (*k == ' ' || *k == '\t'))
			k++;
		klen = 0;
		while (k + klen < eol && (islower((unsigned char)k[klen]) ||
		    k[klen] == '_'))
			klen++;
		if (klen == 0 || k + klen >= eol || k[klen] != ':') {
			p = *eol ? eol + 1 : eol;
			continue;	/* prose */
		}
		v = k + klen + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		vlen = eol - v;
		while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
			vlen--;
		if (klen == 6 && strncmp(k, "metric", 6) == 0)
			slot = &qf->qf_metric;
		else if (klen == 4 && strncmp(k, "type", 4) == 0)
			slot = &qf->qf_type;
		else if (klen == 4 && strncmp(k, "help", 4) == 0)
			slot = &qf->qf_help;
		else if (klen == 6 && strncmp(k, "cutoff", 6) == 0)
			slot = &qf->qf_cutoff_text;
		else if (klen == 7 && strncmp(k, "history", 7) == 0)
			slot = &qf->qf_history;
		else if (klen == 8 && strncmp(k, "headline", 8) == 0) {
			if (parse_headline(qf, v, vlen, line, err) == -1)
				errors++;
			p = *eol ? eol + 1 : eol;
			continue;
		} else if (klen == 9 && strncmp(k, "threshold", 9) == 0) {
			if (add_threshold(qf, v, vlen, line, err) == -1)
				errors++;
			p = *eol ? eol + 1 : eol;
			continue;
		} else {
			fprintf(err, "%s:%zu: unknown header key '%.*s' (metric, "
			    "type, help, cutoff, headline, threshold, history)\n",
			    qf->qf_path, line, (int)klen, k);
			errors++;
			p = *eol ? eol + 1 : eol;
			continue;
		}
		if (*slot != NULL) {
			fprintf(err, "%s:%zu: '%.*s' given twice\n", qf->qf_path,
			    line, (int)klen, k);
			errors++;
		} else
			*slot = xstrndup(v, vlen);
		p = *eol ? eol + 1 : eol;
	}
	if (qf->qf_history != NULL) {
		if (strcmp(qf->qf_history, "entities") != 0) {
			fprintf(err, "%s: history '%s' is not 'entities'\n",
			    qf->qf_path, qf->qf_history);
			errors++;
		}
		if (qf->qf_metric != NULL) {
			fprintf(err, "%s: a file is either a metric or the "
			    "history's entities, not both\n", qf->qf_path);
			errors++;
		}
	}
	if (qf->qf_metric == NULL) {
		if (qf->qf_type != NULL || qf->qf_help != NULL ||
		    qf->qf_cutoff_text != NULL || qf->qf_headline != NULL ||
		    qf->qf_nthresholds > 0) {
			fprintf(err, "%s: type, help, cutoff, headline and "
			    "threshold need a metric: header\n", qf->qf_path);
			errors++;
		}
		return errors ? -1 : 0;
	}
	if (qf->qf_nthresholds > 0 && qf->qf_headline == NULL) {
		fprintf(err, "%s: a threshold is declared on a headline metric "
		    "(add '-- headline: values' or '-- headline: shares')\n",
		    qf->qf_path);
		errors++;
	}
	if (!valid_metric_name(qf->qf_metric) ||
	    strchr(qf->qf_metric, ':') != NULL) {
		fprintf(err, "%s: metric '%s' is not a valid metric name\n",
		    qf->qf_path, qf->qf_metric);
		errors++;
	} else if (strncmp(qf->qf_metric, "vantage_", 8) == 0) {
		fprintf(err, "%s: metric names starting with vantage_ are the "
		    "monitor's own\n", qf->qf_path);
		errors++;
	}
	if (qf->qf_type == NULL)
		qf->qf_type = xstrdup("gauge");
	else if (strcmp(qf->qf_type, "gauge") != 0 &&
	    strcmp(qf->qf_type, "counter") != 0 &&
	    strcmp(qf->qf_type, "untyped") != 0) {
		fprintf(err, "%s: type '%s' is not gauge, counter or untyped\n",
		    qf->qf_path, qf->qf_type);
		errors++;
	}
	if (strcmp(qf->qf_type, "counter") == 0 &&
	    (strlen(qf->qf_metric) < 7 || strcmp(qf->qf_metric +
	    strlen(qf->qf_metric) - 6, "_total") != 0)) {
		fprintf(err, "%s: counter %s must be named *_total\n",
		    qf->qf_path, qf->qf_metric);
		errors++;
	}
	if (qf->qf_cutoff_text != NULL && parse_cutoff(qf, err) == -1)
		errors++;
	if (qf->qf_help == NULL || qf->qf_help[0] == '\0') {
		fprintf(err, "%s: metric %s needs a help: header\n", qf->qf_path,
		    qf->qf_metric);
		errors++;
	}
	if (!sqlite3_complete(qf->qf_sql)) {
		fprintf(err, "%s: the SQL is incomplete (missing ';'?)\n",
		    qf->qf_path);
		errors++;
	}
	return errors ? -1 : 0;
}

int
query_load(const char *dir, const char *where, struct queryset *qs, FILE *err)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, *path;
	size_t		 n = 0, i, j, len;
	int		 errors = 0;
	struct query_file *qf;

	memset(qs, 0, sizeof(*qs));
	if ((d = opendir(dir)) == NULL) {
		fprintf(err, "%s: queries.dir: '%s': %s\n", where, dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0 ||
		    de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n == 0) {
		fprintf(err, "%s: queries.dir: '%s': no *.sql files\n", where,
		    dir);
		free(names);
		return -1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	qs->qs_files = xcalloc(n, sizeof(*qs->qs_files));
	for (i = 0; i < n; i++) {
		qf = &qs->qs_files[qs->qs_len++];
		xasprintf(&path, "%s/%s", dir, names[i]);
		qf->qf_path = path;
		if ((qf->qf_sql = read_file(path, QUERY_MAX_BYTES, NULL)) ==
		    NULL) {
			fprintf(err, "%s: %s\n", path, errno == EFBIG ?
			    "larger than 1MiB" : strerror(errno));
			errors++;
			continue;
		}
		if (parse_header(qf, err) == -1)
			errors++;
		for (j = 0; qf->qf_metric != NULL && j < i; j++)
			if (qs->qs_files[j].qf_metric != NULL &&
			    strcmp(qs->qs_files[j].qf_metric,
			    qf->qf_metric) == 0) {
				fprintf(err, "%s: metric %s is also declared in "
				    "%s\n", path, qf->qf_metric,
				    qs->qs_files[j].qf_path);
				errors++;
			}
		for (j = 0; qf->qf_history != NULL && j < i; j++)
			if (qs->qs_files[j].qf_history != NULL) {
				fprintf(err, "%s: the history's entities are "
				    "also declared in %s\n", path,
				    qs->qs_files[j].qf_path);
				errors++;
			}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (errors) {
		queryset_release(qs);
		return -1;
	}
	return 0;
}

static void
bind_param(sqlite3_stmt *stmt, int i, const char *v)
{
	char		*end;
	long long	 n;
	double		 d;

	if (*v != '\0' && !isspace((unsigned char)*v)) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*end == '\0' && errno == 0) {
			sqlite3_bind_int64(stmt, i, n);
			return;
		}
		d = strtod(v, &end);
		if (*end == '\0' && isfinite(d) && strpbrk(v, "xX") == NULL) {
			sqlite3_bind_double(stmt, i, d);
			return;
		}
	}
	sqlite3_bind_text(stmt, i, v, -1, SQLITE_TRANSIENT);
}

int
query_bind_params(sqlite3_stmt *stmt, const struct query_params *qp,
    char **cause)
{
	const char	*name;
	size_t		 j;
	int		 i, n;

	n = sqlite3_bind_parameter_count(stmt);
	for (i = 1; i <= n; i++) {
		if ((name = sqlite3_bind_parameter_name(stmt, i)) == NULL ||
		    *name != ':' || strcmp(name, ":run_id") == 0 ||
		    strcmp(name, ":node_id") == 0)
			continue;
		for (j = 0; qp != NULL && j < qp->qp_n; j++)
			if (strcmp(qp->qp_pairs[2 * j], name + 1) == 0)
				break;
		if (qp == NULL || j == qp->qp_n) {
			xasprintf(cause, "parameter %s is not in params", name);
			return -1;
		}
		bind_param(stmt, i, qp->qp_pairs[2 * j + 1]);
	}
	return 0;
}

/* Run every statement of a maintenance file. */
static int
run_statements(struct query_file *qf, struct store *st, int64_t run_id,
    const struct query_params *qp, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*sql = qf->qf_sql;
	char		*why;
	int		 rc;

	while (*sql != '\0') {
		if (store_prepare_next(st, &sql, &stmt, &why) == -1) {
			xasprintf(cause, "query: %s: %s", qf->qf_path, why);
			free(why);
			return -1;
		}
		if (stmt == NULL)
			continue;	/* only comments or blanks left */
		store_bind_common(stmt, run_id, NULL);
		if (query_bind_params(stmt, qp, &why) == -1) {
			xasprintf(cause, "query: %s: %s", qf->qf_path, why);
			free(why);
			sqlite3_finalize(stmt);
			return -1;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE) {
			xasprintf(cause, "query: %s: %s", qf->qf_path,
			    store_errmsg(st));
			return -1;
		}
	}
	return 0;
}

struct row {
	char	*r_expo;
	char	*r_json;
	double	 r_value;
};

static int
cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->r_expo,
	    ((const struct row *)b)->r_expo);
}

static int
run_metric(struct query_file *qf, struct store *st, int64_t run_id,
    const struct query_params *qp, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*tail = qf->qf_sql, *name, *text;
	char		*why;
	struct buf	 expo, json;
	struct labels	 ls;
	struct row	*rows = NULL;
	size_t		 nrows = 0, i;
	int		 ncols, valcol = -1, c, rc = -1, step;

	if (store_prepare_next(st, &tail, &stmt, &why) == -1) {
		xasprintf(cause, "query: %s: %s", qf->qf_path, why);
		free(why);
		return -1;
	}
	if (stmt == NULL || strspn(tail, " \t\r\n;") != strlen(tail)) {
		xasprintf(cause, "query: %s: a metric file holds exactly one SELECT",
		    qf->qf_path);
		sqlite3_finalize(stmt);
		return -1;
	}
	ncols = sqlite3_column_count(stmt);
	for (c = 0; c < ncols; c++) {
		name = sqlite3_column_name(stmt, c);
		if (strcmp(name, "value") == 0)
			valcol = c;
		else if (!valid_label_name(name) || strcmp(name, "le") == 0 ||
		    strcmp(name, "quantile") == 0) {
			xasprintf(cause, "query: %s: column '%s' is not a valid label "
			    "name", qf->qf_path, name);
			goto out;
		}
	}
	if (valcol == -1) {
		xasprintf(cause, "query: %s: no column named value", qf->qf_path);
		goto out;
	}
	store_bind_common(stmt, run_id, NULL);
	if (query_bind_params(stmt, qp, &why) == -1) {
		xasprintf(cause, "query: %s: %s", qf->qf_path, why);
		free(why);
		goto out;
	}
	buf_init(&expo, 0);
	buf_init(&json, 0);
	labels_init(&ls);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (nrows >= QUERY_MAX_SERIES) {
			xasprintf(cause, "query: %s: more than %d series", qf->qf_path,
			    QUERY_MAX_SERIES);
			goto fail;
		}
		c = sqlite3_column_type(stmt, valcol);
		if (c != SQLITE_INTEGER && c != SQLITE_FLOAT) {
			xasprintf(cause, "query: %s: value is %s, not a number",
			    qf->qf_path, c == SQLITE_NULL ? "NULL" : "text");
			goto fail;
		}
		labels_reset(&ls);
		for (c = 0; c < ncols; c++) {
			if (c == valcol)
				continue;
			text = (const char *)sqlite3_column_text(stmt, c);
			labels_add(&ls, sqlite3_column_name(stmt, c),
			    text ? text : "", text ? strlen(text) : 0);
		}
		buf_reset(&expo);
		buf_puts(&expo, "");
		labels_expo(&ls, &expo);
		buf_reset(&json);
		labels_json(&ls, &json);
		rows = xreallocarray(rows, nrows + 1, sizeof(*rows));
		rows[nrows].r_expo = xstrdup(expo.b_data ? expo.b_data : "");
		rows[nrows].r_json = xstrdup(json.b_data);
		rows[nrows].r_value = sqlite3_column_double(stmt, valcol);
		nrows++;
	}
	if (step != SQLITE_DONE) {
		xasprintf(cause, "query: %s: %s", qf->qf_path, store_errmsg(st));
		goto fail;
	}
	if (nrows > 0)	/* rows is NULL without any */
		qsort(rows, nrows, sizeof(*rows), cmp_row);
	for (i = 1; i < nrows; i++)
		if (strcmp(rows[i - 1].r_expo, rows[i].r_expo) == 0) {
			xasprintf(cause, "query: %s: series %s%s appears twice",
			    qf->qf_path, qf->qf_metric, rows[i].r_expo);
			goto fail;
		}
	if (qf->qf_cutoff_label != NULL) {
		for (c = 0; c < ncols; c++)
			if (strcmp(sqlite3_column_name(stmt, c),
			    qf->qf_cutoff_label) == 0)
				break;
		if (c == ncols) {
			xasprintf(cause, "query: %s: the cutoff label %s is not a "
			    "column", qf->qf_path, qf->qf_cutoff_label);
			goto fail;
		}
	}
	if (store_metric(st, qf->qf_metric, qf->qf_type, qf->qf_help,
	    qf->qf_cutoff_label, qf->qf_cutoff) == -1) {
		xasprintf(cause, "query: %s: store: %s", qf->qf_path,
		    store_errmsg(st));
		goto fail;
	}
	buf_reset(&json);
	buf_putc(&json, '[');
	for (i = 0; i < qf->qf_nthresholds; i++) {
		if (i > 0)
			buf_putc(&json, ',');
		buf_json_string(&json, qf->qf_thresholds[i].th_text,
		    strlen(qf->qf_thresholds[i].th_text));
	}
	buf_putc(&json, ']');
	if (store_metric_headline(st, qf->qf_metric, qf->qf_headline,
	    qf->qf_headline != NULL ? json.b_data : NULL) == -1) {
		xasprintf(cause, "query: %s: store: %s", qf->qf_path,
		    store_errmsg(st));
		goto fail;
	}
	for (i = 0; i < nrows; i++)
		if (store_sample(st, run_id, qf->qf_metric, rows[i].r_json,
		    rows[i].r_expo, rows[i].r_value) == -1) {
			xasprintf(cause, "query: %s: store: %s", qf->qf_path,
			    store_errmsg(st));
			goto fail;
		}
	log_debug("query: %s: %zu series", qf->qf_metric, nrows);
	rc = 0;
fail:
	for (i = 0; i < nrows; i++) {
		free(rows[i].r_expo);
		free(rows[i].r_json);
	}
	free(rows);
	buf_release(&expo);
	buf_release(&json);
	labels_release(&ls);
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The entity query: its (entity, state) rows into the history. */
static int
run_history(struct query_file *qf, struct store *st, int64_t run_id,
    const struct query_params *qp, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*tail = qf->qf_sql;
	char		*why;
	int		 rc;

	if (store_prepare_next(st, &tail, &stmt, &why) == -1) {
		xasprintf(cause, "query: %s: %s", qf->qf_path, why);
		free(why);
		return -1;
	}
	if (stmt == NULL || strspn(tail, " \t\r\n;") != strlen(tail)) {
		xasprintf(cause, "query: %s: the history's entities are exactly "
		    "one SELECT", qf->qf_path);
		sqlite3_finalize(stmt);
		return -1;
	}
	store_bind_common(stmt, run_id, NULL);
	if (query_bind_params(stmt, qp, &why) == -1) {
		xasprintf(cause, "query: %s: %s", qf->qf_path, why);
		free(why);
		sqlite3_finalize(stmt);
		return -1;
	}
	rc = history_record(st, run_id, stmt, &why);
	sqlite3_finalize(stmt);
	if (rc == -1) {
		xasprintf(cause, "query: %s: history: %s", qf->qf_path, why);
		free(why);
	}
	return rc;
}

int
query_run(const struct queryset *qs, struct store *st, int64_t run_id,
    const struct query_params *qp, char **cause)
{
	size_t	i;
	double	c0;
	int	rc;

	*cause = NULL;
	for (i = 0; i < qs->qs_len; i++) {
		c0 = cpu_now();
		if (qs->qs_files[i].qf_history != NULL)
			rc = run_history(&qs->qs_files[i], st, run_id, qp,
			    cause);
		else if (qs->qs_files[i].qf_metric == NULL)
			rc = run_statements(&qs->qs_files[i], st, run_id, qp,
			    cause);
		else
			rc = run_metric(&qs->qs_files[i], st, run_id, qp, cause);
		if (rc == -1)
			return -1;
		log_debug("query: %s: %.3f cpu seconds, peak RSS %ld MiB",
		    qs->qs_files[i].qf_path, cpu_now() - c0,
		    peak_rss_kib() / 1024);
	}
	return 0;
}
