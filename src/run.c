/* run.c -- one monitoring run, and the serve loop around it */

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
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "conf-keys.h"
#include "discover.h"
#include "expo.h"
#include "history.h"
#include "http.h"
#include "labels.h"
#include "log.h"
#include "notify.h"
#include "probe.h"
#include "remotewrite.h"
#include "rollup.h"
#include "samples.h"
#include "run.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

int
runner_init(struct runner *ru, struct config *cf, volatile sig_atomic_t *stop,
    FILE *err)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_cf = cf;
	ru->ru_stop = stop;
	if (query_load(cf->cf_queries_path, cf->cf_queries_at, &ru->ru_qs, err) == -1)
		return -1;
	if ((ru->ru_st = store_open(cf->cf_store_path)) == NULL)
		return -1;
	store_set_stop(ru->ru_st, stop);
	ru->ru_notify = notify_new(cf);
	if (store_set_max_size(ru->ru_st, cf->cf_store_max_size) == -1 ||
	    store_recover(ru->ru_st) == -1 ||
	    history_configure(ru->ru_st, cf->cf_windows, cf->cf_nwindows) == -1 ||
	    discover_prepare_tables(cf, ru->ru_st) == -1 ||
	    probe_prepare_tables(cf, ru->ru_st) == -1 ||
	    expo_live_load(ru->ru_st, &ru->ru_live) == -1)
		return -1;
	ru->ru_rw = remote_write_new(cf);
	return 0;
}

void
runner_release(struct runner *ru)
{
	notify_free(ru->ru_notify);
	queryset_release(&ru->ru_qs);
	remote_write_free(ru->ru_rw);
	ru->ru_rw = NULL;
	store_close(ru->ru_st);
	config_free(ru->ru_cf);
	ru->ru_notify = NULL;
	ru->ru_st = NULL;
	ru->ru_cf = NULL;
}

/* A sample of the monitor's own about this run, with up to two labels. */
static int
self_sample(struct store *st, int64_t run_id, const char *metric,
    const char *k1, const char *v1, const char *k2, const char *v2,
    double value)
{
	struct labels	ls;
	struct buf	expo, json;
	int		rc;

	labels_init(&ls);
	if (k1 != NULL)
		labels_add(&ls, k1, v1, strlen(v1));
	if (k2 != NULL)
		labels_add(&ls, k2, v2, strlen(v2));
	buf_init(&expo, 0);
	buf_init(&json, 0);
	buf_puts(&expo, "");
	labels_expo(&ls, &expo);
	labels_json(&ls, &json);
	rc = store_sample(st, run_id, metric, json.b_data, expo.b_data, value);
	labels_release(&ls);
	buf_release(&expo);
	buf_release(&json);
	return rc;
}

static int
record_self(struct runner *ru, int64_t run_id, const struct nodeset *ns,
    const struct probe_counts *counts, const double *phase)
{
	static const char *const phases[] = { "discover", "crawl", "query" };
	struct store	*st = ru->ru_st;
	const struct config *cf = ru->ru_cf;
	const char	*probe;
	int64_t		 up = 0, down = 0, unknown = 0;
	size_t		 i, p;
	int		 o, rc = 0;

	rc |= store_metric(st, "vantage_run_phase_seconds", "gauge",
	    "Seconds the latest complete run spent in each phase.", NULL, 0);
	rc |= store_metric(st, "vantage_run_requests", "gauge",
	    "HTTP requests of the latest complete run by probe and outcome.",
	    NULL, 0);
	rc |= store_metric(st, "vantage_run_items", "gauge",
	    "Items asked for in the latest complete run, answered or not.",
	    NULL, 0);
	rc |= store_metric(st, "vantage_run_nodes", "gauge",
	    "Nodes of the latest complete run by state (up: every request "
	    "got a valid answer).", NULL, 0);
	for (i = 0; i < nitems(phases); i++) {
		rc |= self_sample(st, run_id, "vantage_run_phase_seconds",
		    "phase", phases[i], NULL, NULL, phase[i]);
		rc |= store_run_phase(st, run_id, phases[i], phase[i]);
	}
	for (p = 0; p < cf->cf_nprobes; p++) {
		probe = cf->cf_probes[p].pc_name;
		for (o = 0; o < PROBE_NOUTCOME; o++) {
			if (o == CRAWL_CANCELLED)
				continue;
			rc |= self_sample(st, run_id, "vantage_run_requests",
			    "probe", probe, "outcome", probe_outcome_name(o),
			    counts[p].pc_requests[o]);
		}
		rc |= self_sample(st, run_id, "vantage_run_items", "probe",
		    probe, "state", "answered",
		    counts[p].pc_items - counts[p].pc_unanswered);
		rc |= self_sample(st, run_id, "vantage_run_items", "probe",
		    probe, "state", "unanswered", counts[p].pc_unanswered);
	}
	for (i = 0; i < ns->ns_len; i++) {
		if (!ns->ns_nodes[i].n_url_ok || ns->ns_nodes[i].n_failed > 0)
			down++;
		else if (ns->ns_nodes[i].n_requests > 0)
			up++;
		else
			unknown++;
	}
	rc |= self_sample(st, run_id, "vantage_run_nodes", "state", "up", NULL,
	    NULL, up);
	rc |= self_sample(st, run_id, "vantage_run_nodes", "state", "down",
	    NULL, NULL, down);
	rc |= self_sample(st, run_id, "vantage_run_nodes", "state", "unknown",
	    NULL, NULL, unknown);
	return rc ? -1 : 0;
}

static int
record_requests(struct store *st, const struct config *cf, int64_t run_id,
    const struct probe_counts *counts)
{
	sqlite3_stmt	*ins;
	size_t		 p;
	int		 o, rc = 0;

	ins = store_prepare(st, "INSERT INTO run_requests (run_id, probe, "
	    "outcome, count) VALUES (?1, ?2, ?3, ?4)");
	if (ins == NULL)
		return -1;
	for (p = 0; p < cf->cf_nprobes && rc == 0; p++)
		for (o = 0; o < PROBE_NOUTCOME && rc == 0; o++) {
			if (counts[p].pc_requests[o] == 0)
				continue;
			sqlite3_bind_int64(ins, 1, run_id);
			sqlite3_bind_text(ins, 2, cf->cf_probes[p].pc_name, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, probe_outcome_name(o), -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 4, counts[p].pc_requests[o]);
			rc = store_step_done(st, ins, "run requests");
		}
	sqlite3_finalize(ins);
	return rc;
}

/* Why the store failed, as a run's reason; the caller frees. */
static char *
store_cause(struct store *st, const char *step)
{
	char	*cause;

	xasprintf(&cause, "%s: store: %s", step, store_errmsg(st));
	return cause;
}

/* Runs the run log loses in one prune at most (an old store catches up). */
#define RUN_LOG_BATCH	2000

/*
 * Prune the run log by store.run_log_retention (complete runs also by
 * store.retention: they stay as long as their samples), in the caller's
 * transaction.
 */
static int
run_prune_log(struct runner *ru)
{
	const struct config *cf = ru->ru_cf;
	double		 now = now_real(), before, complete_before;
	size_t		 n;

	if (cf->cf_run_log_retention_ms == 0)
		return 0;
	before = now - cf->cf_run_log_retention_ms / 1000.0;
	complete_before = cf->cf_retention_ms == 0 ? -HUGE_VAL :
	    now - cf->cf_retention_ms / 1000.0;
	if (store_prune_run_log(ru->ru_st, cf->cf_keep_runs, before,
	    complete_before, RUN_LOG_BATCH, &n) == -1)
		return -1;
	if (n > 0)
		log_debug("store: %zu runs left the run log", n);
	return 0;
}

/*
 * Write off the rows of old runs and the run log, and after a complete
 * run expired samples, history and rollups; seal samples into chunks
 * (never a failure).  A failed run prunes too, so that a long outage does
 * not pile up node rows and run log entries.
 */
static void
run_prune(struct runner *ru, int64_t run_id, int complete)
{
	const struct config *cf = ru->ru_cf;
	char		**pruned, *table;
	size_t		 p, n = cf->cf_ntables + cf->cf_nprobes;

	pruned = xcalloc(n + 1, sizeof(*pruned));
	for (p = 0; p < cf->cf_ntables; p++)
		pruned[p] = xstrdup(cf->cf_tables[p].tc_name);
	for (p = 0; p < cf->cf_nprobes; p++) {
		xasprintf(&table, "probe_%s", cf->cf_probes[p].pc_name);
		pruned[cf->cf_ntables + p] = table;
	}
	if (store_begin(ru->ru_st) == 0) {
		if (store_prune(ru->ru_st, run_id, cf->cf_keep_runs,
		    complete ? cf->cf_retention_ms : 0, pruned, n) == 0 &&
		    (!complete || cf->cf_retention_ms == 0 ||
		    history_prune(ru->ru_st, now_real() -
		    cf->cf_retention_ms / 1000.0) == 0) &&
		    (!complete || cf->cf_rollup_retention_ms == 0 ||
		    rollup_prune(ru->ru_st, now_real() -
		    cf->cf_rollup_retention_ms / 1000.0) == 0) &&
		    run_prune_log(ru) == 0 &&
		    samples_seal(ru->ru_st) == 0)
			store_commit(ru->ru_st);
		else
			store_rollback(ru->ru_st);
	}
	for (p = 0; p < n; p++)
		free(pruned[p]);
	free(pruned);
}

/* The live state after a run, true whether or not the store took it. */
static void
run_finished(struct runner *ru, int complete)
{
	struct expo_live *el = &ru->ru_live;

	el->el_have_last = 1;
	el->el_last_ok = complete;
	el->el_last_end = now_real();
	if (complete) {
		el->el_complete++;
		el->el_last_ok_end = el->el_last_end;
	} else
		el->el_failed++;
}

int
run_once(struct runner *ru)
{
	struct config	*cf = ru->ru_cf;
	struct store	*st = ru->ru_st;
	struct nodeset	 ns = { NULL, 0 };
	struct probe_counts *counts;
	struct query_params qp;
	double		 t0 = now_mono(), t1, phase[3] = { 0, 0, 0 };
	double		 c0 = cpu_now(), cpu[4];
	long		 rss[3];
	int64_t		 run_id, requests = 0, stale = 0;
	size_t		 p;
	int		 o, rc = -1;
	char		*cause = NULL, *why, *why2;

	counts = xcalloc(cf->cf_nprobes + 1, sizeof(*counts));
	if ((run_id = store_begin_run(st, now_real())) == -1) {
		/* Not even recorded: the live state still says it failed. */
		log_warnx("run: failed: %s", cause = store_cause(st, "begin"));
		run_finished(ru, 0);
		free(cause);
		free(counts);
		return -1;
	}
	ru->ru_last_run = run_id;
	log_debug("run %" PRId64 ": started", run_id);

	/*
	 * Discover: the node list and index tables, one transaction.  A
	 * source that cannot be read (or lists nothing where it listed
	 * nodes before) leaves the previous list in place for at most
	 * discovery.max_stale runs, loudly.
	 */
	if (store_begin(st) == -1) {
		cause = store_cause(st, "discover");
		goto fail;
	}
	why = NULL;
	if ((o = discover_run(cf, st, run_id, &ns, &why)) ==
	    DISCOVER_STORE_FAILED) {
		xasprintf(&cause, "discover: %s", why);
		free(why);
		goto fail;
	}
	if (o == 0 && ns.ns_len == 0 && ru->ru_live.el_disc_nodes > 0 &&
	    cf->cf_disc_max_stale > 0)
		xasprintf(&why, "the source listed no nodes; the list before "
		    "had %" PRId64, ru->ru_live.el_disc_nodes);
	if (why != NULL && cf->cf_disc_max_stale == 0) {
		xasprintf(&cause, "discover: %s", why);
		free(why);
		goto fail;
	}
	if (why != NULL) {
		store_rollback(st);
		nodeset_release(&ns);
		if (store_begin(st) == -1) {
			free(why);
			cause = store_cause(st, "discover");
			goto fail;
		}
		if (discover_carry(cf, st, run_id, &ns, &stale, &why2) == -1) {
			xasprintf(&cause, "discover: %s (%s)", why, why2);
			free(why);
			free(why2);
			goto fail;
		}
		log_warnx("discover: %s; keeping the previous node list (%"
		    PRId64 " of at most %" PRId64 " runs)", why, stale,
		    cf->cf_disc_max_stale);
	}
	if (store_run_discovery(st, run_id, cf->cf_source->kd_name, stale,
	    why) == -1 || store_commit(st) == -1) {
		free(why);
		cause = store_cause(st, "discover");
		goto fail;
	}
	free(why);
	snprintf(ru->ru_live.el_source, sizeof(ru->ru_live.el_source), "%s",
	    cf->cf_source->kd_name);
	ru->ru_live.el_disc_nodes = ns.ns_len;
	ru->ru_live.el_disc_stale = stale;
	if (stale == 0)
		ru->ru_live.el_disc_ok = now_real();
	t1 = now_mono();
	phase[0] = t1 - t0;
	cpu[0] = cpu_now();
	rss[0] = peak_rss_kib();
	log_debug("run %" PRId64 ": %zu nodes discovered in %.2fs", run_id,
	    ns.ns_len, phase[0]);

	/* Crawl: rows committed as they are written, in key order. */
	if (probe_crawl(cf, st, run_id, &ns, counts, ru->ru_stop) == -1) {
		cause = store_cause(st, "crawl");
		goto fail;
	}
	phase[1] = now_mono() - t1;
	cpu[1] = cpu_now();
	rss[1] = peak_rss_kib();
	/*
	 * What the crawl's requests held is free, in pieces between what
	 * stays: give those pages back, or the queries' memory comes on
	 * top of them (2 MiB more peak RSS at 200,000 users; no CPU).
	 */
	malloc_trim(0);
	t1 = now_mono();
	for (p = 0; p < cf->cf_nprobes; p++)
		for (o = 0; o < PROBE_NOUTCOME; o++)
			requests += counts[p].pc_requests[o];

	/* Query and publish: everything the exposition shows, atomically. */
	if (store_begin(st) == -1 ||
	    discover_save_nodes(st, run_id, &ns) == -1 ||
	    record_requests(st, cf, run_id, counts) == -1) {
		cause = store_cause(st, "query");
		goto fail;
	}
	log_debug("run %" PRId64 ": querying", run_id);
	qp.qp_pairs = cf->cf_params;
	qp.qp_n = cf->cf_nparams;
	if (query_run(&ru->ru_qs, st, run_id, &qp, &cause) == -1)
		goto fail;
	phase[2] = now_mono() - t1;
	cpu[2] = cpu_now();
	rss[2] = peak_rss_kib();
	/* Stopped during the queries: a failed run, whatever they did. */
	if (ru->ru_stop != NULL && *ru->ru_stop)
		goto fail;
	if ((ru->ru_rw != NULL && remote_write_enqueue(ru->ru_rw, st,
	    run_id) == -1) ||
	    record_self(ru, run_id, &ns, counts, phase) == -1 ||
	    rollup_run(st, run_id) == -1 ||
	    store_run_phase(st, run_id, "total", now_mono() - t0) == -1 ||
	    store_end_run(st, run_id, "complete", NULL, ns.ns_len,
	    requests) == -1 || store_commit(st) == -1) {
		cause = store_cause(st, "publish");
		goto fail;
	}
	log_info("run %" PRId64 ": complete: %zu nodes, %" PRId64 " requests, "
	    "%.2fs (discover %.2fs, crawl %.2fs, query %.2fs)", run_id,
	    ns.ns_len, requests, now_mono() - t0, phase[0], phase[1], phase[2]);
	run_finished(ru, 1);
	t1 = now_mono();
	cpu[3] = cpu_now();
	run_prune(ru, run_id, 1);
	/* Retiring old runs, after the run's own total. */
	store_run_phase(st, run_id, "prune", now_mono() - t1);
	log_debug("run %" PRId64 ": cpu seconds: discover %.2f, crawl %.2f, "
	    "query %.2f, publish %.2f, prune %.2f", run_id, cpu[0] - c0,
	    cpu[1] - cpu[0], cpu[2] - cpu[1], cpu[3] - cpu[2],
	    cpu_now() - cpu[3]);
	log_debug("run %" PRId64 ": peak RSS (MiB) after discover %ld, crawl "
	    "%ld, query %ld, prune %ld", run_id, rss[0] / 1024, rss[1] / 1024,
	    rss[2] / 1024, peak_rss_kib() / 1024);
	rc = 0;
	goto out;
fail:
	store_set_stop(st, NULL);	/* the failure must be recorded */
	store_rollback(st);
	if (ru->ru_stop != NULL && *ru->ru_stop) {
		free(cause);
		cause = xstrdup("interrupted: the monitor was stopped");
	}
	if (cause == NULL)
		cause = xstrdup("unknown error");
	log_warnx("run %" PRId64 ": failed: %s", run_id, cause);
	run_finished(ru, 0);
	if (store_begin(st) == -1 ||
	    discover_save_nodes(st, run_id, &ns) == -1 ||
	    store_run_phase(st, run_id, "total", now_mono() - t0) == -1 ||
	    store_end_run(st, run_id, "failed", cause, ns.ns_len,
	    requests) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		log_warnx("run %" PRId64 ": cannot record the failure: %s "
		    "(the next start marks it failed)", run_id,
		    store_errmsg(st));
	} else if (ru->ru_stop == NULL || !*ru->ru_stop) {
		/* Not while stopping: it would only delay the exit. */
		store_set_stop(st, ru->ru_stop);
		run_prune(ru, run_id, 0);
	}
out:
	store_set_stop(st, ru->ru_stop);
	notify_run(ru->ru_notify, st, &ru->ru_qs, run_id);
	free(cause);
	nodeset_release(&ns);
	free(counts);
	return rc;
}

int
runner_publish(struct runner *ru)
{
	char	*text[EXPO_NFORMATS];
	size_t	 len[EXPO_NFORMATS];
	int64_t	 run_id;
	double	 t0 = now_mono();
	int	 f;

	if (ru->ru_http == NULL)
		return 0;
	run_id = store_latest_complete(ru->ru_st);
	for (f = 0; f < EXPO_NFORMATS; f++)
		if ((text[f] = expo_render(ru->ru_st, run_id, f,
		    ru->ru_cf->cf_others, &ru->ru_live, &len[f])) == NULL) {
			while (f-- > 0)
				free(text[f]);
			log_warnx("publish: cannot render run %" PRId64 " from "
			    "the store; /metrics keeps what it served", run_id);
			return -1;
		}
	http_publish(ru->ru_http, text, len, run_id > 0);
	/* How long the exposition took, recorded with the run it shows. */
	if (run_id > 0)
		store_run_phase(ru->ru_st, run_id, "render", now_mono() - t0);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

static int
strs_differ(char **a, size_t na, char **b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return 1;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 1;
	return 0;
}

/*
 * What the HTTP server took at start: listen address, TLS, credentials,
 * limits and the store the API reads.  A reload that changes any of them
 * is refused as a whole rather than applied in part (a revoked token must
 * not silently keep working).
 */
static int
serving_changed(const struct config *a, const struct config *b)
{
	size_t	i;

	if (strcmp(a->cf_listen, b->cf_listen) != 0 ||
	    strcmp(a->cf_store_path, b->cf_store_path) != 0 ||
	    strcmp(a->cf_tls_cert, b->cf_tls_cert) != 0 ||
	    strcmp(a->cf_tls_key, b->cf_tls_key) != 0 ||
	    strcmp(a->cf_tls_client_ca, b->cf_tls_client_ca) != 0 ||
	    a->cf_http_threads != b->cf_http_threads ||
	    a->cf_http_max_conn != b->cf_http_max_conn ||
	    a->cf_http_max_conn_ip != b->cf_http_max_conn_ip ||
	    a->cf_http_timeout_ms != b->cf_http_timeout_ms ||
	    a->cf_http_request_timeout_ms != b->cf_http_request_timeout_ms ||
	    strs_differ(a->cf_bearer_sha256, a->cf_nbearer, b->cf_bearer_sha256,
	    b->cf_nbearer) || a->cf_nbasic != b->cf_nbasic)
		return 1;
	for (i = 0; i < a->cf_nbasic; i++)
		if (strcmp(a->cf_basic[i].bc_user, b->cf_basic[i].bc_user) != 0 ||
		    strcmp(a->cf_basic[i].bc_password_hash,
		    b->cf_basic[i].bc_password_hash) != 0)
			return 1;
	return 0;
}

/*
 * Load the configuration again; the old one stays if the new one is bad.
 * The store stays open: it is the same file (serving_changed), and its
 * lock is held by this process for as long as the process serves.
 */
static void
reload(struct runner *ru, char **overrides, size_t noverrides)
{
	struct config	*ncf;
	struct queryset	 qs = { NULL, 0 };

	log_info("reloading %s", ru->ru_cf->cf_file);
	if ((ncf = config_load(ru->ru_cf->cf_file, overrides, noverrides,
	    stderr)) == NULL) {
		log_warnx("reload: %s is invalid; keeping the running "
		    "configuration", ru->ru_cf->cf_file);
		return;
	}
	if (serving_changed(ru->ru_cf, ncf)) {
		log_warnx("reload: http.* or store.path changed, which takes a "
		    "restart; keeping the running configuration");
		config_free(ncf);
		return;
	}
	if (query_load(ncf->cf_queries_path, ncf->cf_queries_at, &qs,
	    stderr) == -1 ||
	    store_set_max_size(ru->ru_st, ncf->cf_store_max_size) == -1 ||
	    history_configure(ru->ru_st, ncf->cf_windows,
	    ncf->cf_nwindows) == -1 ||
	    discover_prepare_tables(ncf, ru->ru_st) == -1 ||
	    probe_prepare_tables(ncf, ru->ru_st) == -1) {
		queryset_release(&qs);
		config_free(ncf);
		log_warnx("reload: cannot use the new configuration; keeping "
		    "the running one");
		return;
	}
	queryset_release(&ru->ru_qs);
	config_free(ru->ru_cf);
	ru->ru_cf = ncf;
	ru->ru_qs = qs;
	notify_configure(ru->ru_notify, ncf);
	if (ru->ru_rw != NULL && ncf->cf_rw_url[0] != '\0')
		remote_write_set_config(ru->ru_rw, ncf);
	else {
		remote_write_free(ru->ru_rw);
		ru->ru_rw = remote_write_new(ncf);
	}
	runner_publish(ru);
	log_info("reload: done");
}

int
run_serve(struct runner *ru, volatile sig_atomic_t *reload_flag,
    char **overrides, size_t noverrides)
{
	double	next, now;

	if ((ru->ru_http = http_start(ru->ru_cf)) == NULL)
		return -1;
	http_set_events(ru->ru_http, ru->ru_notify);
	runner_publish(ru);
	next = now_mono();
	while (!*ru->ru_stop) {
		run_once(ru);
		if (*ru->ru_stop)
			break;
		runner_publish(ru);
		store_checkpoint(ru->ru_st);
		next += ru->ru_cf->cf_interval_ms / 1000.0;
		remote_write_flush(ru->ru_rw, ru->ru_st, next, ru->ru_stop);
		now = now_mono();
		if (next < now) {
			log_warnx("run took longer than schedule.interval; the "
			    "next one starts now");
			next = now;
		}
		while (!*ru->ru_stop && now_mono() < next) {
			if (*reload_flag) {
				*reload_flag = 0;
				reload(ru, overrides, noverrides);
			}
			if (remote_write_due(ru->ru_rw, now_mono()))
				remote_write_flush(ru->ru_rw, ru->ru_st, next,
				    ru->ru_stop);
			sleep_ms(100);
		}
	}
	log_info("stopping");
	http_stop(ru->ru_http);
	ru->ru_http = NULL;
	return 0;
}
