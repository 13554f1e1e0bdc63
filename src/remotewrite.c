/* remotewrite.c -- Prometheus remote write 1.0 of every complete run */

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
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <snappy-c.h>

#include "conf.h"
#include "fetch.h"
#include "log.h"
#include "remote.pb-c.h"
#include "remotewrite.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

struct remote_write {
	const struct config *rw_cf;
	char		 rw_monitor[256];	/* the external label's value */
	double		 rw_next;	/* no attempt before (monotonic) */
	double		 rw_backoff;	/* seconds, 0 after a success */
	int		 rw_pending;	/* 1 unless the queue was seen empty */
	int		 rw_failing;	/* in an outage (logged once) */
	double		 rw_fail_since;	/* wall clock */
};

/* One series of a request, with its labels (pointers into owned strings). */
struct rw_series {
	Prometheus__TimeSeries	 ts;
	Prometheus__Sample	 sample;
	Prometheus__Sample	*samplep;
	Prometheus__Label	*labels;
	Prometheus__Label	**labelp;
	char			**owned;	/* names and values to free */
	size_t			 nowned;
};

struct remote_write *
remote_write_new(const struct config *cf)
{
	struct remote_write *rw;

	if (cf->cf_rw_url == NULL || cf->cf_rw_url[0] == '\0')
		return NULL;
	rw = xcalloc(1, sizeof(*rw));
	rw->rw_pending = 1;
	remote_write_set_config(rw, cf);
	return rw;
}

void
remote_write_set_config(struct remote_write *rw, const struct config *cf)
{
	if (rw == NULL)
		return;
	rw->rw_cf = cf;
	if (cf->cf_rw_monitor != NULL && cf->cf_rw_monitor[0] != '\0')
		snprintf(rw->rw_monitor, sizeof(rw->rw_monitor), "%s",
		    cf->cf_rw_monitor);
	else if (gethostname(rw->rw_monitor, sizeof(rw->rw_monitor) - 1) == -1 ||
	    rw->rw_monitor[0] == '\0')
		snprintf(rw->rw_monitor, sizeof(rw->rw_monitor), "vantage");
}

void
remote_write_free(struct remote_write *rw)
{
	free(rw);
}

int
remote_write_enqueue(struct remote_write *rw, struct store *st,
    int64_t run_id)
{
	sqlite3_stmt	*stmt;
	int64_t		 n = 0, max = rw->rw_cf->cf_rw_max_pending;
	int		 rc;

	stmt = store_prepare(st, "INSERT INTO remote_write_queue (run_id, "
	    "queued_at) VALUES (?1, ?2)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_double(stmt, 2, now_real());
	rc = store_step_done(st, stmt, "remote write queue");
	sqlite3_finalize(stmt);
	if (rc == -1)
		return -1;
	rw->rw_pending = 1;
	if ((stmt = store_prepare(st, "SELECT count(*) FROM "
	    "remote_write_queue")) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (n <= max)
		return 0;
	log_warnx("remote write: %s: %" PRId64 " runs queued, more than "
	    "remote_write.max_pending; dropping the oldest %" PRId64,
	    rw->rw_cf->cf_rw_url, n, n - max);
	stmt = store_prepare(st, "DELETE FROM remote_write_queue WHERE run_id "
	    "IN (SELECT run_id FROM remote_write_queue ORDER BY run_id "
	    "LIMIT ?1)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, n - max);
	rc = store_step_done(st, stmt, "remote write queue");
	sqlite3_finalize(stmt);
	return rc;
}

int
remote_write_due(const struct remote_write *rw, double now)
{
	return rw != NULL && rw->rw_pending && now >= rw->rw_next;
}

/* ------------------------------------------------------------------ */
/* One request: a run's series from first, at most RW_SERIES_MAX */

static int
cmp_label(const void *a, const void *b)
{
	return strcmp((*(Prometheus__Label *const *)a)->name,
	    (*(Prometheus__Label *const *)b)->name);
}

static char *
own(struct rw_series *s, const char *str)
{
	char	*c = xstrdup(str);

	s->owned[s->nowned++] = c;
	return c;
}

/* Fill s from a stored series: metric, labels JSON, value. */
static int
series_fill(struct rw_series *s, const char *metric, const char *labels,
    double value, int64_t ms, const char *monitor)
{
	json_t		*o;
	json_error_t	 err;
	const char	*k;
	json_t		*v;
	size_t		 n, i = 0;
	int		 have_monitor = 0;

	if ((o = json_loads(labels, 0, &err)) == NULL || !json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	n = json_object_size(o) + 2;
	s->labels = xcalloc(n, sizeof(*s->labels));
	s->labelp = xcalloc(n, sizeof(*s->labelp));
	s->owned = xcalloc(2 * n, sizeof(*s->owned));
	prometheus__label__init(&s->labels[i]);
	s->labels[i].name = (char *)"__name__";
	s->labels[i].value = own(s, metric);
	i++;
	json_object_foreach(o, k, v) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			continue;
		if (strcmp(k, "monitor") == 0)
			have_monitor = 1;
		prometheus__label__init(&s->labels[i]);
		s->labels[i].name = own(s, k);
		s->labels[i].value = own(s, json_string_value(v));
		i++;
	}
	json_decref(o);
	if (!have_monitor) {
		prometheus__label__init(&s->labels[i]);
		s->labels[i].name = (char *)"monitor";
		s->labels[i].value = (char *)monitor;
		i++;
	}
	for (n = 0; n < i; n++)
		s->labelp[n] = &s->labels[n];
	qsort(s->labelp, i, sizeof(*s->labelp), cmp_label);
	prometheus__time_series__init(&s->ts);
	s->ts.n_labels = i;
	s->ts.labels = s->labelp;
	prometheus__sample__init(&s->sample);
	s->sample.value = value;
	s->sample.timestamp = ms;
	s->samplep = &s->sample;
	s->ts.n_samples = 1;
	s->ts.samples = &s->samplep;
	return 0;
}

static void
series_release(struct rw_series *s)
{
	size_t	i;

	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->labels);
	free(s->labelp);
}

/* POST one snappy-compressed WriteRequest; 0, or -1 and *status (0: none). */
static int
rw_post(struct remote_write *rw, struct rw_series *ss, size_t n,
    long *status, char **cause)
{
	static const char *const hdrs[] = {
		"Content-Type: application/x-protobuf",
		"Content-Encoding: snappy",
		"X-Prometheus-Remote-Write-Version: 0.1.0"
	};
	Prometheus__WriteRequest	 wr;
	Prometheus__TimeSeries		**tsp;
	struct fetch_opts		 fo;
	struct fetch_answer		 fa;
	unsigned char			*raw;
	char				*zip;
	size_t				 rawlen, ziplen, i;
	int				 rc = -1;

	tsp = xcalloc(n + 1, sizeof(*tsp));
	for (i = 0; i < n; i++)
		tsp[i] = &ss[i].ts;
	prometheus__write_request__init(&wr);
	wr.n_timeseries = n;
	wr.timeseries = tsp;
	rawlen = prometheus__write_request__get_packed_size(&wr);
	raw = xmalloc(rawlen + 1);
	prometheus__write_request__pack(&wr, raw);
	ziplen = snappy_max_compressed_length(rawlen);
	zip = xmalloc(ziplen + 1);
	*status = 0;
	if (snappy_compress((const char *)raw, rawlen, zip, &ziplen) !=
	    SNAPPY_OK) {
		xasprintf(cause, "snappy: cannot compress %zu bytes", rawlen);
		goto out;
	}
	memset(&fo, 0, sizeof(fo));
	fo.fo_timeout_ms = rw->rw_cf->cf_rw_timeout_ms;
	fo.fo_user_agent = rw->rw_cf->cf_user_agent;
	fo.fo_headers = hdrs;
	fo.fo_nheaders = nitems(hdrs);
	rc = fetch_post(rw->rw_cf->cf_rw_url, &fo, zip, ziplen, &fa, cause);
	*status = fa.fa_status;
	fetch_answer_release(&fa);
out:
	free(zip);
	free(raw);
	free(tsp);
	return rc;
}

/*
 * Send every sample of run_id at ms.  0 when delivered (or refused for
 * good by the receiver: HTTP 4xx but 429, which retrying cannot change),
 * -1 with a reason when worth retrying.
 */
static int
rw_send_run(struct remote_write *rw, struct store *st, int64_t run_id,
    int64_t ms, int *refused, char **cause)
{
	sqlite3_stmt	*stmt;
	struct rw_series *ss;
	size_t		 n = 0, i, sent = 0;
	long		 status;
	int		 step, rc = 0;

	*refused = 0;
	stmt = store_prepare(st, "SELECT s.metric, s.labels, v.value FROM "
	    "samples v JOIN series s ON s.series_id = v.series_id WHERE "
	    "v.run_id = ?1");
	if (stmt == NULL) {
		xasprintf(cause, "store: %s", store_errmsg(st));
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, run_id);
	ss = xcalloc(RW_SERIES_MAX, sizeof(*ss));
	for (;;) {
		step = sqlite3_step(stmt);
		if (step == SQLITE_ROW) {
			if (series_fill(&ss[n], (const char *)
			    sqlite3_column_text(stmt, 0), (const char *)
			    sqlite3_column_text(stmt, 1),
			    sqlite3_column_double(stmt, 2), ms,
			    rw->rw_monitor) == 0)
				n++;
			if (n < RW_SERIES_MAX)
				continue;
		} else if (step != SQLITE_DONE) {
			xasprintf(cause, "store: %s", store_errmsg(st));
			rc = -1;
			break;
		}
		if (n > 0 && rw_post(rw, ss, n, &status, cause) == -1) {
			if (status >= 400 && status < 500 && status != 429) {
				*refused = 1;
				rc = 0;
			} else
				rc = -1;
			break;
		}
		for (i = 0; i < n; i++)
			series_release(&ss[i]);
		sent += n;
		n = 0;
		if (step == SQLITE_DONE)
			break;
	}
	for (i = 0; i < n; i++)
		series_release(&ss[i]);
	free(ss);
	sqlite3_finalize(stmt);
	if (rc == 0 && !*refused)
		log_debug("remote write: run %" PRId64 ": %zu series sent",
		    run_id, sent);
	return rc;
}

static int
rw_dequeue(struct store *st, int64_t run_id)
{
	return store_exec_id(st, "DELETE FROM remote_write_queue WHERE "
	    "run_id = ?1", run_id, "remote write queue");
}

static int64_t
rw_queued(struct store *st)
{
	sqlite3_stmt	*stmt;
	int64_t		 n = 0;

	if ((stmt = store_prepare(st, "SELECT count(*) FROM "
	    "remote_write_queue")) == NULL)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
rw_failed(struct remote_write *rw, struct store *st, const char *why)
{
	const struct config *cf = rw->rw_cf;
	char	 d[32];

	rw->rw_backoff = rw->rw_backoff == 0 ? cf->cf_rw_backoff_ms / 1000.0 :
	    rw->rw_backoff * 2;
	if (rw->rw_backoff > cf->cf_rw_backoff_max_ms / 1000.0)
		rw->rw_backoff = cf->cf_rw_backoff_max_ms / 1000.0;
	rw->rw_next = now_mono() + rw->rw_backoff;
	fmt_duration((int64_t)(rw->rw_backoff * 1000), d, sizeof(d));
	if (!rw->rw_failing) {
		rw->rw_failing = 1;
		rw->rw_fail_since = now_real();
		log_warnx("remote write: %s; %" PRId64 " runs queued, retrying "
		    "in %s, then backing off", why, rw_queued(st), d);
	} else
		log_debug("remote write: %s; retrying in %s", why, d);
}

int
remote_write_flush(struct remote_write *rw, struct store *st,
    double deadline, volatile sig_atomic_t *stop)
{
	sqlite3_stmt	*stmt;
	int64_t		 run_id, ms;
	int		 delivered = 0, refused, step;
	char		*cause;

	if (rw == NULL || !remote_write_due(rw, now_mono()))
		return 0;
	while (now_mono() < deadline && (stop == NULL || !*stop)) {
		stmt = store_prepare(st, "SELECT q.run_id, coalesce("
		    "r.finished_at, r.started_at) FROM remote_write_queue q "
		    "JOIN runs r ON r.run_id = q.run_id ORDER BY q.run_id "
		    "LIMIT 1");
		if (stmt == NULL)
			break;
		if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
			sqlite3_finalize(stmt);
			if (step == SQLITE_DONE)
				rw->rw_pending = 0;
			break;
		}
		run_id = sqlite3_column_int64(stmt, 0);
		ms = llround(sqlite3_column_double(stmt, 1) * 1000);
		sqlite3_finalize(stmt);
		cause = NULL;
		if (rw_send_run(rw, st, run_id, ms, &refused, &cause) == -1) {
			rw_failed(rw, st, cause);
			free(cause);
			break;
		}
		if (refused) {
			log_warnx("remote write: run %" PRId64 ": %s: the "
			    "receiver refuses it; dropped", run_id, cause);
			free(cause);
		}
		if (rw_dequeue(st, run_id) == -1)
			break;
		delivered++;
		if (rw->rw_failing) {
			log_info("remote write: %s: delivering again after %.0fs "
			    "of failures", rw->rw_cf->cf_rw_url, now_real() -
			    rw->rw_fail_since);
			rw->rw_failing = 0;
		}
		rw->rw_backoff = 0;
		rw->rw_next = 0;
	}
	return delivered;
}
