/* expo.c -- Prometheus and OpenMetrics text rendered from stored samples */

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

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "expo.h"
#include "labels.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* One series of a family, as stored. */
struct series {
	char	*se_labels;	/* JSON object, column order */
	char	*se_expo;	/* {a="b"} or "" */
	double	 se_value;
};

struct family {
	char		*fa_name;
	char		*fa_type;	/* gauge, counter, untyped */
	char		*fa_help;
	char		*fa_cutoff_label;	/* NULL: no cutoff */
	int64_t		 fa_cutoff;
	struct series	*fa_series;
	size_t		 fa_len;
};

struct famlist {
	struct family	*fl_fams;
	size_t		 fl_len;
};

static void
expo_help(struct buf *b, const char *s, enum expo_format fmt)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_add(b, "\\\\", 2);
		else if (*s == '\n')
			buf_add(b, "\\n", 2);
		else if (*s == '"' && fmt == EXPO_OPENMETRICS)
			buf_add(b, "\\\"", 2);
		else
			buf_putc(b, *s);
	}
}

void
expo_value(struct buf *b, double v)
{
	char	tmp[32];

	if (isnan(v))
		buf_puts(b, "NaN");
	else if (isinf(v))
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		buf_printf(b, "%.0f", v);
	else {
		/* The shortest text that reads back as the same double. */
		snprintf(tmp, sizeof(tmp), "%.15g", v);
		if (strtod(tmp, NULL) != v)
			snprintf(tmp, sizeof(tmp), "%.17g", v);
		buf_puts(b, tmp);
	}
}

static void
famlist_release(struct famlist *fl)
{
	size_t	i, j;

	for (i = 0; i < fl->fl_len; i++) {
		struct family *fa = &fl->fl_fams[i];

		for (j = 0; j < fa->fa_len; j++) {
			free(fa->fa_series[j].se_labels);
			free(fa->fa_series[j].se_expo);
		}
		free(fa->fa_series);
		free(fa->fa_name);
		free(fa->fa_type);
		free(fa->fa_help);
		free(fa->fa_cutoff_label);
	}
	free(fl->fl_fams);
	fl->fl_fams = NULL;
	fl->fl_len = 0;
}

static struct family *
family_add(struct famlist *fl, const char *name, const char *type,
    const char *help)
{
	struct family	*fa;

	fl->fl_fams = xreallocarray(fl->fl_fams, fl->fl_len + 1,
	    sizeof(*fl->fl_fams));
	fa = &fl->fl_fams[fl->fl_len++];
	memset(fa, 0, sizeof(*fa));
	fa->fa_name = xstrdup(name);
	fa->fa_type = xstrdup(type);
	fa->fa_help = xstrdup(help);
	return fa;
}

static void
series_add(struct family *fa, const char *labels, const char *expo, double v)
{
	fa->fa_series = xreallocarray(fa->fa_series, fa->fa_len + 1,
	    sizeof(*fa->fa_series));
	fa->fa_series[fa->fa_len].se_labels = xstrdup(labels);
	fa->fa_series[fa->fa_len].se_expo = xstrdup(expo);
	fa->fa_series[fa->fa_len].se_value = v;
	fa->fa_len++;
}

/* The stored samples of run_id, one family per metric, sorted. */
static int
load_samples(struct store *st, int64_t run_id, struct famlist *fl)
{
	sqlite3_stmt	*q;
	struct family	*fa = NULL;
	const char	*name;
	int		 rc;

	q = store_prepare(st, "SELECT s.metric, m.type, m.help, m.cutoff_label, "
	    "m.cutoff, s.labels, s.expo, v.value FROM samples v "
	    "JOIN series s ON s.series_id = v.series_id "
	    "JOIN metrics m ON m.name = s.metric "
	    "WHERE v.run_id = ?1 ORDER BY s.metric, s.expo");
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, run_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(q, 0);
		if (fa == NULL || strcmp(fa->fa_name, name) != 0) {
			fa = family_add(fl, name,
			    (const char *)sqlite3_column_text(q, 1),
			    (const char *)sqlite3_column_text(q, 2));
			if (sqlite3_column_type(q, 3) != SQLITE_NULL) {
				fa->fa_cutoff_label = xstrdup((const char *)
				    sqlite3_column_text(q, 3));
				fa->fa_cutoff = sqlite3_column_int64(q, 4);
			}
		}
		series_add(fa, (const char *)sqlite3_column_text(q, 5),
		    (const char *)sqlite3_column_text(q, 6),
		    sqlite3_column_double(q, 7));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		log_warnx("expo: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

/* ---- cardinality cutoff ---- */

/* A string -> index map; keys are borrowed and must outlive the map. */
struct strmap {
	const char	**sm_keys;
	size_t		 *sm_vals;
	size_t		  sm_mask;
	size_t		  sm_len;
};

static void
strmap_init(struct strmap *m, size_t hint)
{
	size_t	size = 16;

	while (size < hint * 2)
		size *= 2;
	m->sm_keys = xcalloc(size, sizeof(*m->sm_keys));
	m->sm_vals = xcalloc(size, sizeof(*m->sm_vals));
	m->sm_mask = size - 1;
	m->sm_len = 0;
}

static void
strmap_release(struct strmap *m)
{
	free(m->sm_keys);
	free(m->sm_vals);
}

/* The slot of key: its own, or the empty one where it would go. */
static size_t
strmap_slot(const struct strmap *m, const char *key)
{
	size_t	h = fnv1a64(key, strlen(key)) & m->sm_mask;

	while (m->sm_keys[h] != NULL && strcmp(m->sm_keys[h], key) != 0)
		h = (h + 1) & m->sm_mask;
	return h;
}

static int
strmap_get(const struct strmap *m, const char *key, size_t *valp)
{
	size_t	h = strmap_slot(m, key);

	if (m->sm_keys[h] == NULL)
		return 0;
	*valp = m->sm_vals[h];
	return 1;
}

static void
strmap_put(struct strmap *m, const char *key, size_t val)
{
	const char	**keys = m->sm_keys;
	size_t		 *vals = m->sm_vals, size = m->sm_mask + 1, i, h;

	if ((m->sm_len + 1) * 2 > size) {
		strmap_init(m, size);
		for (i = 0; i < size; i++)
			if (keys[i] != NULL) {
				h = strmap_slot(m, keys[i]);
				m->sm_keys[h] = keys[i];
				m->sm_vals[h] = vals[i];
				m->sm_len++;
			}
		free(keys);
		free(vals);
	}
	h = strmap_slot(m, key);
	if (m->sm_keys[h] == NULL)
		m->sm_len++;
	m->sm_keys[h] = key;
	m->sm_vals[h] = val;
}

struct lvtotal {
	const char	*lv_value;	/* borrowed from the parsed labels */
	double		 lv_total;
};

static int
cmp_lvtotal(const void *a, const void *b)
{
	const struct lvtotal *x = a, *y = b;

	if (x->lv_total != y->lv_total)
		return x->lv_total > y->lv_total ? -1 : 1;
	return strcmp(x->lv_value, y->lv_value);	/* stable ties */
}

static int
cmp_series(const void *a, const void *b)
{
	return strcmp(((const struct series *)a)->se_expo,
	    ((const struct series *)b)->se_expo);
}

/* The exposition label set of a JSON label object. */
static char *
series_expo(json_t *obj)
{
	struct labels	 ls;
	struct buf	 b;
	const char	*k;
	json_t		*v;

	labels_init(&ls);
	json_object_foreach(obj, k, v)
		if (json_is_string(v))
			labels_add(&ls, k, json_string_value(v),
			    json_string_length(v));
	buf_init(&b, 0);
	buf_puts(&b, "");
	labels_expo(&ls, &b);
	labels_release(&ls);
	return buf_take(&b, NULL);
}

static void
out_add(struct series **outp, size_t *noutp, struct strmap *byexpo,
    struct series *se)
{
	size_t	j;

	if (strmap_get(byexpo, se->se_expo, &j)) {
		(*outp)[j].se_value += se->se_value;
		free(se->se_labels);
		free(se->se_expo);
		return;
	}
	*outp = xreallocarray(*outp, *noutp + 1, sizeof(**outp));
	(*outp)[*noutp] = *se;		/* ownership moves */
	strmap_put(byexpo, (*outp)[*noutp].se_expo, *noutp);
	(*noutp)++;
}

/*
 * Keep the series of the cutoff label's top N values (by their summed
 * value); fold every other series into one whose label value is others,
 * per combination of the remaining labels, summed.  Kept series go first,
 * so a real value equal to the others name takes the folded sum.
 */
static void
family_cutoff(struct family *fa, const char *others)
{
	json_t		**parsed;
	struct lvtotal	*tot;
	struct series	*out = NULL, folded;
	struct strmap	 byvalue, byexpo;
	const char	*lv;
	char		*keep;
	size_t		 ntot = 0, nout = 0, n0 = fa->fa_len, i, j, pass;

	if (fa->fa_cutoff_label == NULL || n0 == 0)
		return;
	parsed = xcalloc(n0, sizeof(*parsed));
	tot = xcalloc(n0, sizeof(*tot));
	strmap_init(&byvalue, n0);
	for (i = 0; i < n0; i++) {
		parsed[i] = json_loads(fa->fa_series[i].se_labels, 0, NULL);
		lv = json_string_value(json_object_get(parsed[i],
		    fa->fa_cutoff_label));
		if (lv == NULL)
			continue;
		if (!strmap_get(&byvalue, lv, &j)) {
			j = ntot++;
			tot[j].lv_value = lv;
			strmap_put(&byvalue, lv, j);
		}
		tot[j].lv_total += fa->fa_series[i].se_value;
	}
	strmap_release(&byvalue);
	if (ntot <= (size_t)fa->fa_cutoff)
		goto out;
	qsort(tot, ntot, sizeof(*tot), cmp_lvtotal);
	strmap_init(&byvalue, fa->fa_cutoff);
	for (j = 0; j < (size_t)fa->fa_cutoff; j++)
		strmap_put(&byvalue, tot[j].lv_value, j);
	keep = xcalloc(n0, 1);
	for (i = 0; i < n0; i++) {
		lv = json_string_value(json_object_get(parsed[i],
		    fa->fa_cutoff_label));
		keep[i] = lv == NULL || strmap_get(&byvalue, lv, &j);
	}
	strmap_init(&byexpo, n0);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n0; i++) {
			if (keep[i] != (pass == 0))
				continue;
			if (pass == 0) {
				out_add(&out, &nout, &byexpo, &fa->fa_series[i]);
				continue;
			}
			json_object_set_new(parsed[i], fa->fa_cutoff_label,
			    json_string(others));
			folded.se_labels = json_dumps(parsed[i],
			    JSON_COMPACT | JSON_PRESERVE_ORDER);
			folded.se_expo = series_expo(parsed[i]);
			folded.se_value = fa->fa_series[i].se_value;
			free(fa->fa_series[i].se_labels);
			free(fa->fa_series[i].se_expo);
			out_add(&out, &nout, &byexpo, &folded);
		}
	strmap_release(&byexpo);
	strmap_release(&byvalue);
	free(keep);
	free(fa->fa_series);
	qsort(out, nout, sizeof(*out), cmp_series);
	fa->fa_series = out;
	fa->fa_len = nout;
out:
	for (i = 0; i < n0; i++)
		json_decref(parsed[i]);
	free(parsed);
	free(tot);
}

/* ---- live state ---- */

int
expo_live_load(struct store *st, struct expo_live *el)
{
	sqlite3_stmt	*q;
	const char	*src;

	memset(el, 0, sizeof(*el));
	el->el_disc_nodes = -1;
	q = store_prepare(st, "SELECT "
	    "(SELECT coalesce(sum(runs), 0) FROM run_totals WHERE status = "
	    "  'complete'), "
	    "(SELECT coalesce(sum(runs), 0) FROM run_totals WHERE status = "
	    "  'failed'), "
	    "(SELECT finished_at FROM runs WHERE status = 'complete' "
	    "  ORDER BY run_id DESC LIMIT 1), "
	    "(SELECT finished_at FROM runs WHERE status <> 'running' "
	    "  ORDER BY run_id DESC LIMIT 1), "
	    "(SELECT status = 'complete' FROM runs WHERE status <> 'running' "
	    "  ORDER BY run_id DESC LIMIT 1), "
	    "(SELECT max(started_at) FROM runs WHERE discovery_stale = 0), "
	    "l.source, l.nodes, l.discovery_stale "
	    "FROM (SELECT 1) LEFT JOIN (SELECT source, nodes, discovery_stale "
	    "  FROM runs WHERE discovery_stale IS NOT NULL AND status <> "
	    "  'running' ORDER BY run_id DESC LIMIT 1) l");
	if (q == NULL)
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW) {
		log_warnx("expo: %s", store_errmsg(st));
		sqlite3_finalize(q);
		return -1;
	}
	el->el_complete = sqlite3_column_int64(q, 0);
	el->el_failed = sqlite3_column_int64(q, 1);
	el->el_last_ok_end = sqlite3_column_double(q, 2);
	el->el_have_last = sqlite3_column_type(q, 3) != SQLITE_NULL;
	el->el_last_end = sqlite3_column_double(q, 3);
	el->el_last_ok = sqlite3_column_int(q, 4);
	el->el_disc_ok = sqlite3_column_double(q, 5);
	if ((src = (const char *)sqlite3_column_text(q, 6)) != NULL) {
		snprintf(el->el_source, sizeof(el->el_source), "%s", src);
		el->el_disc_nodes = sqlite3_column_int64(q, 7);
		el->el_disc_stale = sqlite3_column_int64(q, 8);
	}
	sqlite3_finalize(q);
	return 0;
}

static void
add_live(struct famlist *fl, const struct expo_live *el)
{
	struct family	*fa;
	struct labels	 ls;
	struct buf	 json, expo;

	fa = family_add(fl, "vantage_build_info", "gauge",
	    "A metric with a constant 1 labelled by the vantage version.");
	series_add(fa, "{\"version\":\"" PACKAGE_VERSION "\"}",
	    "{version=\"" PACKAGE_VERSION "\"}", 1);
	fa = family_add(fl, "vantage_last_complete_run_timestamp_seconds",
	    "gauge", "Unix time the latest complete run finished; the other "
	    "metrics come from that run.");
	series_add(fa, "{}", "", el->el_complete > 0 ? el->el_last_ok_end : 0);
	fa = family_add(fl, "vantage_last_run_success", "gauge",
	    "1 if the last finished run completed, 0 if it failed.");
	series_add(fa, "{}", "", el->el_have_last ? el->el_last_ok : 0);
	fa = family_add(fl, "vantage_last_run_timestamp_seconds", "gauge",
	    "Unix time the last run (complete or failed) finished.");
	series_add(fa, "{}", "", el->el_have_last ? el->el_last_end : 0);
	fa = family_add(fl, "vantage_runs_total", "counter",
	    "Runs finished, by final status, over the life of the store.");
	series_add(fa, "{\"status\":\"complete\"}", "{status=\"complete\"}",
	    el->el_complete);
	series_add(fa, "{\"status\":\"failed\"}", "{status=\"failed\"}",
	    el->el_failed);
	fa = family_add(fl, "vantage_discovery_last_success_timestamp_seconds",
	    "gauge", "Unix time a run last read its discovery source; 0 if "
	    "none has.");
	series_add(fa, "{}", "", el->el_disc_ok);
	if (el->el_disc_nodes < 0)
		return;
	labels_init(&ls);
	labels_add(&ls, "source", el->el_source, strlen(el->el_source));
	buf_init(&json, 0);
	buf_init(&expo, 0);
	labels_json(&ls, &json);
	labels_expo(&ls, &expo);
	fa = family_add(fl, "vantage_discovery_nodes", "gauge",
	    "Nodes of the latest node list, by the kind of source it came "
	    "from.");
	series_add(fa, json.b_data, expo.b_data, el->el_disc_nodes);
	fa = family_add(fl, "vantage_discovery_stale_runs", "gauge",
	    "Runs in a row that kept an earlier node list because the "
	    "source could not be read; 0 when it was read.");
	series_add(fa, "{}", "", el->el_disc_stale);
	labels_release(&ls);
	buf_release(&json);
	buf_release(&expo);
}

/* ---- writing ---- */

static const char *
unit_of(const char *name)
{
	static const char *const units[] = { "seconds", "bytes", "ratio" };
	size_t	i, n = strlen(name), u;

	for (i = 0; i < nitems(units); i++) {
		u = strlen(units[i]);
		if (n > u + 1 && name[n - u - 1] == '_' &&
		    strcmp(name + n - u, units[i]) == 0)
			return units[i];
	}
	return NULL;
}

static void
write_family(struct buf *b, const struct family *fa, enum expo_format fmt)
{
	const char	*unit;
	char		*fname;
	size_t		 i, n;

	if (fmt == EXPO_TEXT) {
		buf_printf(b, "# HELP %s ", fa->fa_name);
		expo_help(b, fa->fa_help, fmt);
		buf_printf(b, "\n# TYPE %s %s\n", fa->fa_name, fa->fa_type);
		for (i = 0; i < fa->fa_len; i++) {
			buf_puts(b, fa->fa_name);
			buf_puts(b, fa->fa_series[i].se_expo);
			buf_putc(b, ' ');
			expo_value(b, fa->fa_series[i].se_value);
			buf_putc(b, '\n');
		}
		return;
	}
	/* OpenMetrics: a counter family is named without its _total. */
	fname = xstrdup(fa->fa_name);
	n = strlen(fname);
	if (strcmp(fa->fa_type, "counter") == 0 && n > 6 &&
	    strcmp(fname + n - 6, "_total") == 0)
		fname[n - 6] = '\0';
	buf_printf(b, "# TYPE %s %s\n", fname,
	    strcmp(fa->fa_type, "untyped") == 0 ? "unknown" : fa->fa_type);
	if ((unit = unit_of(fname)) != NULL)
		buf_printf(b, "# UNIT %s %s\n", fname, unit);
	buf_printf(b, "# HELP %s ", fname);
	expo_help(b, fa->fa_help, fmt);
	buf_putc(b, '\n');
	for (i = 0; i < fa->fa_len; i++) {
		buf_puts(b, fa->fa_name);
		buf_puts(b, fa->fa_series[i].se_expo);
		buf_putc(b, ' ');
		expo_value(b, fa->fa_series[i].se_value);
		buf_putc(b, '\n');
	}
	free(fname);
}

static int
cmp_family(const void *a, const void *b)
{
	return strcmp(((const struct family *)a)->fa_name,
	    ((const struct family *)b)->fa_name);
}

char *
expo_render(struct store *st, int64_t run_id, enum expo_format fmt,
    const char *others, const struct expo_live *live, size_t *lenp)
{
	struct famlist	 fl = { NULL, 0 };
	struct expo_live el;
	struct buf	 b;
	size_t		 i;

	if (run_id > 0 && load_samples(st, run_id, &fl) == -1)
		goto fail;
	if (live == NULL) {
		if (expo_live_load(st, &el) == -1)
			goto fail;
		live = &el;
	}
	add_live(&fl, live);
	qsort(fl.fl_fams, fl.fl_len, sizeof(*fl.fl_fams), cmp_family);
	buf_init(&b, 0);
	for (i = 0; i < fl.fl_len; i++) {
		family_cutoff(&fl.fl_fams[i], others);
		write_family(&b, &fl.fl_fams[i], fmt);
	}
	if (fmt == EXPO_OPENMETRICS)
		buf_puts(&b, "# EOF\n");
	famlist_release(&fl);
	return buf_take(&b, lenp);
fail:
	famlist_release(&fl);
	return NULL;
}

char *
expo_gzip(const char *in, size_t len, size_t *outlenp)
{
	z_stream	 zs;
	char		*out;
	size_t		 cap;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&zs, len);
	out = xmalloc(cap);
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = len;
	zs.next_out = (unsigned char *)out;
	zs.avail_out = cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(out);
		return NULL;
	}
	*outlenp = zs.total_out;
	deflateEnd(&zs);
	return out;
}
