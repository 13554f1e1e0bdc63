/* notify.c -- events: what changed after a run, to webhooks and SSE */

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

#include <sys/queue.h>

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "log.h"
#include "notify.h"
#include "query.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

#define NOTIFY_SEQ_BITS		20	/* event ids: run_id << 20 | seq */
#define NOTIFY_CONNECT_MS	5000
#define NOTIFY_ANSWER_MAX	(64 * 1024)	/* of a webhook's answer */
#define NOTIFY_SERIES_MAX	10000	/* series of one headline metric */

enum run_state { RS_UNKNOWN, RS_COMPLETE, RS_FAILED };

/* One event in the backlog. */
struct event {
	uint64_t	 ev_id;
	char		*ev_type;
	char		*ev_json;
};

/* One event waiting for one webhook. */
struct delivery {
	TAILQ_ENTRY(delivery) dl_entry;
	uint64_t	 dl_id;
	char		*dl_body;
};
TAILQ_HEAD(delivery_list, delivery);

/*
 * A webhook, with a thread of its own, so that one that is slow or dead
 * delays nobody else.  Its queue and state are under nt_lock.
 */
struct hook {
	struct notify	*hk_nt;
	char		*hk_url;
	int		 hk_slack;
	struct delivery_list hk_queue;
	size_t		 hk_len;
	int		 hk_attempts;	/* of the head */
	double		 hk_next;	/* mono: when the head may be tried */
	unsigned long	 hk_dropped;	/* since the queue was last empty */
	unsigned short	 hk_rand[3];	/* erand48(3): this thread's own */
	pthread_cond_t	 hk_cond;
	pthread_t	 hk_thread;
	int		 hk_running;
	int		 hk_stop;	/* also read by the transfer, unlocked */
};

/* A node of the last complete run. */
struct nodestate {
	char		*ns_id;
	char		*ns_url;
	int		 ns_up;		/* 1, 0, -1: not asked */
};

/* A series against one threshold, after the last complete run. */
struct thstate {
	char		*ts_key;	/* metric, threshold, labels */
	int		 ts_breached;
};

struct notify {
	/* The writer's, touched by notify_run only. */
	int		 nt_seeded;
	enum run_state	 nt_last;
	struct nodestate *nt_nodes;
	size_t		 nt_nnodes;
	struct thstate	*nt_ths;
	size_t		 nt_nths;
	uint64_t	 nt_seq_run;
	uint64_t	 nt_seq;
	char		 nt_host[256];

	/* Shared with the delivery thread and the HTTP threads. */
	pthread_mutex_t	 nt_lock;
	pthread_cond_t	 nt_idle;	/* a queue got shorter */
	struct event	*nt_backlog;	/* ring of nt_cap */
	size_t		 nt_cap;
	size_t		 nt_len;
	size_t		 nt_head;	/* index of the oldest */
	uint64_t	 nt_newest;
	uint64_t	 nt_evicted;	/* newest id no longer in the ring */
	struct hook	**nt_hooks;
	size_t		 nt_nhooks;
	int64_t		 nt_timeout_ms;
	int64_t		 nt_retries;
	int64_t		 nt_backoff_ms;
	int64_t		 nt_backoff_max_ms;
	int64_t		 nt_queue;
	int64_t		 nt_max_subs;
	int64_t		 nt_subs;	/* clients of /api/v1/events */
	char		*nt_user_agent;
};

/* ---- the backlog, for /api/v1/events ---- */

void
notify_sse(struct buf *b, uint64_t id, const char *type, const char *json)
{
	buf_printf(b, "id: %llu\nevent: %s\ndata: %s\n\n",
	    (unsigned long long)id, type, json);
}

uint64_t
notify_since(struct notify *nt, uint64_t *last, struct buf *out, size_t max)
{
	struct event	*ev;
	uint64_t	 lost;
	size_t		 i, mark;

	pthread_mutex_lock(&nt->nt_lock);
	if ((lost = *last < nt->nt_evicted))
		buf_printf(out, ": events after id %llu are lost: the backlog "
		    "(notify.backlog) no longer holds them\n\n",
		    (unsigned long long)*last);
	for (i = 0; i < nt->nt_len; i++) {
		ev = &nt->nt_backlog[(nt->nt_head + i) % nt->nt_cap];
		if (ev->ev_id <= *last)
			continue;
		mark = out->b_len;
		notify_sse(out, ev->ev_id, ev->ev_type, ev->ev_json);
		if (out->b_len > max && mark > 0) {
			out->b_len = mark;	/* the rest next time */
			out->b_data[mark] = '\0';
			break;
		}
		*last = ev->ev_id;
	}
	if (lost && *last < nt->nt_evicted)
		*last = nt->nt_evicted;
	pthread_mutex_unlock(&nt->nt_lock);
	return lost;
}

int
notify_subscribe(struct notify *nt)
{
	int	rc = 0;

	pthread_mutex_lock(&nt->nt_lock);
	if (nt->nt_subs >= nt->nt_max_subs)
		rc = -1;
	else
		nt->nt_subs++;
	pthread_mutex_unlock(&nt->nt_lock);
	return rc;
}

void
notify_unsubscribe(struct notify *nt)
{
	pthread_mutex_lock(&nt->nt_lock);
	nt->nt_subs--;
	pthread_mutex_unlock(&nt->nt_lock);
}

uint64_t
notify_newest(struct notify *nt)
{
	uint64_t	id;

	pthread_mutex_lock(&nt->nt_lock);
	id = nt->nt_newest;
	pthread_mutex_unlock(&nt->nt_lock);
	return id;
}

/* Under nt_lock. */
static void
backlog_add(struct notify *nt, uint64_t id, const char *type,
    const char *json)
{
	struct event	*ev;

	if (nt->nt_len == nt->nt_cap) {
		ev = &nt->nt_backlog[nt->nt_head];
		nt->nt_evicted = ev->ev_id;
		free(ev->ev_type);
		free(ev->ev_json);
		nt->nt_head = (nt->nt_head + 1) % nt->nt_cap;
		nt->nt_len--;
	}
	ev = &nt->nt_backlog[(nt->nt_head + nt->nt_len) % nt->nt_cap];
	ev->ev_id = id;
	ev->ev_type = xstrdup(type);
	ev->ev_json = xstrdup(json);
	nt->nt_len++;
	nt->nt_newest = id;
}

/* ---- webhooks ---- */

static void
wait_until(pthread_cond_t *cond, pthread_mutex_t *lock, double mono)
{
	struct timespec	ts;
	double		wait = mono - now_mono();

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (wait < 0)
		wait = 0;
	if (wait > 86400)
		wait = 86400;
	ts.tv_sec += (time_t)wait;
	ts.tv_nsec += (long)((wait - floor(wait)) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(cond, lock, &ts);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	size_t	*total = arg;

	(void)p;
	*total += size * n;
	return *total > NOTIFY_ANSWER_MAX ? 0 : size * n;
}

/* A transfer in flight ends at once when its webhook is stopped. */
static int
progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct hook	*hk = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return __atomic_load_n(&hk->hk_stop, __ATOMIC_RELAXED);
}

/*
 * POST body to hk's url once.  0: delivered (2xx); 1: a transient failure
 * worth a retry; -1: refused for good.  The reason goes to why.
 */
static int
post(CURL *e, struct hook *hk, const char *body, long timeout_ms,
    const char *user_agent, char *why, size_t whylen)
{
	struct curl_slist *hdr;
	char		 errbuf[CURL_ERROR_SIZE];
	size_t		 total = 0;
	long		 status = 0;
	CURLcode	 cc;
	int		 so = 0;

	curl_easy_reset(e);
	errbuf[0] = '\0';
	if ((hdr = curl_slist_append(NULL, "Content-Type: application/json")) ==
	    NULL)
		fatalx("notify: out of memory");
	so |= curl_easy_setopt(e, CURLOPT_URL, hk->hk_url);
	so |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	so |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	so |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	so |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	so |= curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent);
	so |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	so |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < NOTIFY_CONNECT_MS ? timeout_ms : NOTIFY_CONNECT_MS);
	so |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	so |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	so |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	so |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	so |= curl_easy_setopt(e, CURLOPT_WRITEDATA, &total);
	so |= curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, progress);
	so |= curl_easy_setopt(e, CURLOPT_XFERINFODATA, hk);
	so |= curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	if (so != 0) {
		curl_slist_free_all(hdr);
		snprintf(why, whylen, "cannot set up the request");
		return -1;
	}
	cc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	if (cc == CURLE_WRITE_ERROR && status >= 200 && status < 300)
		return 0;	/* delivered; the answer was just long */
	if (cc != CURLE_OK) {
		snprintf(why, whylen, "%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
		return cc == CURLE_UNSUPPORTED_PROTOCOL ||
		    cc == CURLE_URL_MALFORMAT ? -1 : 1;
	}
	if (status >= 200 && status < 300)
		return 0;
	snprintf(why, whylen, "HTTP %ld", status);
	return status >= 500 || status == 429 || status == 408 ? 1 : -1;
}

/* Under nt_lock: the head of hk's queue is done with. */
static void
hook_pop(struct hook *hk)
{
	struct delivery	*dl = TAILQ_FIRST(&hk->hk_queue);

	TAILQ_REMOVE(&hk->hk_queue, dl, dl_entry);
	free(dl->dl_body);
	free(dl);
	hk->hk_len--;
	hk->hk_attempts = 0;
	hk->hk_next = 0;
	pthread_cond_broadcast(&hk->hk_nt->nt_idle);
}

/*
 * A webhook's thread: its queue in order, the head retried with backoff
 * (jittered, doubling up to notify.backoff_max) after a transient failure
 * until notify.retries are spent.
 */
static void *
hook_main(void *arg)
{
	struct hook	*hk = arg;
	struct notify	*nt = hk->hk_nt;
	struct delivery	*dl;
	CURL		*e;
	char		*body, *agent, why[CURL_ERROR_SIZE + 32];
	uint64_t	 id;
	double		 wait;
	long		 timeout;
	int		 rc;

	if ((e = curl_easy_init()) == NULL) {
		log_warnx("notify: %s: curl_easy_init failed; the webhook is "
		    "not called", hk->hk_url);
		return NULL;
	}
	pthread_mutex_lock(&nt->nt_lock);
	while (!hk->hk_stop) {
		if (hk->hk_len == 0) {
			pthread_cond_wait(&hk->hk_cond, &nt->nt_lock);
			continue;
		}
		if (hk->hk_next > now_mono()) {
			wait_until(&hk->hk_cond, &nt->nt_lock, hk->hk_next);
			continue;
		}
		dl = TAILQ_FIRST(&hk->hk_queue);
		id = dl->dl_id;
		body = xstrdup(dl->dl_body);
		agent = xstrdup(nt->nt_user_agent);
		timeout = (long)nt->nt_timeout_ms;
		pthread_mutex_unlock(&nt->nt_lock);
		rc = post(e, hk, body, timeout, agent, why, sizeof(why));
		free(body);
		free(agent);
		pthread_mutex_lock(&nt->nt_lock);
		/* The head may have been dropped meanwhile (a full queue). */
		if (hk->hk_stop || (dl = TAILQ_FIRST(&hk->hk_queue)) == NULL ||
		    dl->dl_id != id)
			continue;
		hk->hk_attempts++;
		if (rc == 1 && hk->hk_attempts <= nt->nt_retries) {
			wait = nt->nt_backoff_ms / 1000.0 *
			    pow(2, hk->hk_attempts - 1);
			if (wait > nt->nt_backoff_max_ms / 1000.0)
				wait = nt->nt_backoff_max_ms / 1000.0;
			wait *= 0.5 + erand48(hk->hk_rand) / 2;	/* jitter */
			hk->hk_next = now_mono() + wait;
			log_debug("notify: %s: %s; retry %d in %.1fs",
			    hk->hk_url, why, hk->hk_attempts, wait);
			continue;
		}
		if (rc != 0)
			log_warnx("notify: %s: event %llu not delivered: %s%s",
			    hk->hk_url, (unsigned long long)id, why, rc == 1 ?
			    " (no retries left)" : "");
		else
			log_debug("notify: %s: event %llu delivered",
			    hk->hk_url, (unsigned long long)id);
		hook_pop(hk);
	}
	pthread_mutex_unlock(&nt->nt_lock);
	curl_easy_cleanup(e);
	return NULL;
}

static struct hook *
hook_new(struct notify *nt, const struct webhook_conf *wc)
{
	struct hook	*hk;
	pthread_condattr_t ca;
	uint64_t	 seed;
	int		 e;

	hk = xcalloc(1, sizeof(*hk));
	hk->hk_nt = nt;
	hk->hk_url = xstrdup(wc->wc_url);
	hk->hk_slack = wc->wc_format == 1;
	TAILQ_INIT(&hk->hk_queue);
	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16) ^
	    (uint64_t)(uintptr_t)hk;
	hk->hk_rand[0] = (unsigned short)seed;
	hk->hk_rand[1] = (unsigned short)(seed >> 16);
	hk->hk_rand[2] = (unsigned short)(seed >> 32);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hk->hk_cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((e = pthread_create(&hk->hk_thread, NULL, hook_main, hk)) != 0)
		log_warnx("notify: %s: cannot start its thread: %s; the webhook "
		    "is not called", hk->hk_url, strerror(e));
	else
		hk->hk_running = 1;
	return hk;
}

/* Stop hk's thread (a transfer in flight is cut short) and free it. */
static size_t
hook_free(struct notify *nt, struct hook *hk)
{
	size_t	left;

	pthread_mutex_lock(&nt->nt_lock);
	__atomic_store_n(&hk->hk_stop, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&hk->hk_cond);
	pthread_mutex_unlock(&nt->nt_lock);
	if (hk->hk_running)
		pthread_join(hk->hk_thread, NULL);
	left = hk->hk_len;
	while (hk->hk_len > 0)
		hook_pop(hk);
	pthread_cond_destroy(&hk->hk_cond);
	free(hk->hk_url);
	free(hk);
	return left;
}

/* The webhooks and limits of cf; the old webhooks' queues are dropped. */
static void
hooks_set(struct notify *nt, const struct config *cf)
{
	struct hook	**old;
	size_t		  i, nold, left = 0;

	pthread_mutex_lock(&nt->nt_lock);
	old = nt->nt_hooks;
	nold = nt->nt_nhooks;
	nt->nt_hooks = NULL;
	nt->nt_nhooks = 0;
	pthread_mutex_unlock(&nt->nt_lock);
	for (i = 0; i < nold; i++)
		left += hook_free(nt, old[i]);
	free(old);
	if (left > 0)
		log_warnx("notify: %zu event deliver%s dropped %s", left,
		    left == 1 ? "y" : "ies", cf != NULL ? "with the old "
		    "configuration" : "when stopping");
	if (cf == NULL)
		return;
	if (cf->cf_nwebhooks > 0)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_mutex_lock(&nt->nt_lock);
	nt->nt_timeout_ms = cf->cf_notify_timeout_ms;
	nt->nt_retries = cf->cf_notify_retries;
	nt->nt_backoff_ms = cf->cf_notify_backoff_ms;
	nt->nt_backoff_max_ms = cf->cf_notify_backoff_max_ms;
	nt->nt_queue = cf->cf_notify_queue;
	nt->nt_max_subs = cf->cf_events_max_subscribers;
	free(nt->nt_user_agent);
	nt->nt_user_agent = xstrdup(cf->cf_user_agent != NULL ?
	    cf->cf_user_agent : "vantage");
	pthread_mutex_unlock(&nt->nt_lock);
	old = xcalloc(cf->cf_nwebhooks + 1, sizeof(*old));
	for (i = 0; i < cf->cf_nwebhooks; i++)
		old[i] = hook_new(nt, &cf->cf_webhooks[i]);
	pthread_mutex_lock(&nt->nt_lock);
	nt->nt_hooks = old;
	nt->nt_nhooks = cf->cf_nwebhooks;
	pthread_mutex_unlock(&nt->nt_lock);
}

/* Under nt_lock: queue body for hk, dropping the oldest when full. */
static void
hook_add(struct notify *nt, struct hook *hk, uint64_t id, char *body)
{
	struct delivery	*dl;

	if (hk->hk_len == 0)
		hk->hk_dropped = 0;
	while (hk->hk_len >= (size_t)nt->nt_queue) {
		dl = TAILQ_FIRST(&hk->hk_queue);
		TAILQ_REMOVE(&hk->hk_queue, dl, dl_entry);
		free(dl->dl_body);
		free(dl);
		hk->hk_len--;
		hk->hk_attempts = 0;
		hk->hk_next = 0;
		if (hk->hk_dropped++ == 0)
			log_warnx("notify: %s: more than %lld events waiting; "
			    "dropping the oldest", hk->hk_url,
			    (long long)nt->nt_queue);
	}
	dl = xcalloc(1, sizeof(*dl));
	dl->dl_id = id;
	dl->dl_body = body;
	TAILQ_INSERT_TAIL(&hk->hk_queue, dl, dl_entry);
	hk->hk_len++;
	pthread_cond_signal(&hk->hk_cond);
}

/* ---- events ---- */

static json_t *
jstr(const char *s)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		return json_null();
	if (utf8_valid(s, strlen(s)))
		return json_string(s);
	buf_init(&b, 0);
	buf_add_utf8(&b, s, strlen(s));
	j = json_string(b.b_data);
	buf_release(&b);
	return j;
}

static void
jset(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) == -1)
		fatalx("notify: out of memory");
}

/* Send ev (taken): to the backlog and every webhook. */
static void
emit(struct notify *nt, int64_t run_id, const char *type, json_t *ev,
    const char *text)
{
	json_t		*slack, *full;
	char		*json, *body, *line;
	uint64_t	 id;
	size_t		 i;

	if (nt->nt_seq_run != (uint64_t)run_id) {
		nt->nt_seq_run = (uint64_t)run_id;
		nt->nt_seq = 0;
	}
	if (++nt->nt_seq >= (1u << NOTIFY_SEQ_BITS)) {
		log_warnx("notify: run %lld: more than %u events; the rest are "
		    "not sent", (long long)run_id, (1u << NOTIFY_SEQ_BITS) - 1);
		json_decref(ev);
		return;
	}
	id = ((uint64_t)run_id << NOTIFY_SEQ_BITS) | nt->nt_seq;
	xasprintf(&line, "vantage@%s: %s", nt->nt_host, text);
	full = json_object();
	jset(full, "id", json_integer((json_int_t)id));
	jset(full, "type", json_string(type));
	jset(full, "time", json_real(now_real()));
	jset(full, "monitor", jstr(nt->nt_host));
	jset(full, "run_id", json_integer(run_id));
	jset(full, "text", jstr(line));
	if (json_object_update(full, ev) == -1)
		fatalx("notify: out of memory");
	json = json_dumps(full, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15));
	json_decref(full);
	if (json == NULL)
		fatalx("notify: out of memory");
	log_info("event %s: %s", type, text);
	pthread_mutex_lock(&nt->nt_lock);
	backlog_add(nt, id, type, json);
	for (i = 0; i < nt->nt_nhooks; i++) {
		if (nt->nt_hooks[i]->hk_slack) {
			slack = json_object();
			jset(slack, "text", jstr(line));
			if ((body = json_dumps(slack, JSON_COMPACT)) == NULL)
				fatalx("notify: out of memory");
			json_decref(slack);
		} else
			body = xstrdup(json);
		hook_add(nt, nt->nt_hooks[i], id, body);
	}
	pthread_mutex_unlock(&nt->nt_lock);
	free(line);
	free(json);
	json_decref(ev);
}

/* ---- state: nodes ---- */

static int
cmp_node(const void *a, const void *b)
{
	return strcmp(((const struct nodestate *)a)->ns_id,
	    ((const struct nodestate *)b)->ns_id);
}

static void
nodes_release(struct nodestate *ns, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ns[i].ns_id);
		free(ns[i].ns_url);
	}
	free(ns);
}

static const char *
col_text(sqlite3_stmt *stmt, int col)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, col);

	return s != NULL ? s : "";
}

/*
 * The nodes of run; with nt and emit set, an event for each change from
 * nt's nodes.  Sorted by id.
 */
static int
nodes_load(struct notify *nt, struct store *st, int64_t run,
    struct nodestate **nsp, size_t *np, int events)
{
	sqlite3_stmt	*stmt;
	struct nodestate *ns = NULL, key, *old;
	json_t		*ev, *node;
	char		*text;
	size_t		 n = 0;
	int		 step, up;

	stmt = store_prepare(st, "SELECT CAST(node_id AS TEXT), url, up, "
	    "last_error FROM nodes WHERE run_id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		up = sqlite3_column_type(stmt, 2) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(stmt, 2) != 0;
		ns = xreallocarray(ns, n + 1, sizeof(*ns));
		ns[n].ns_id = xstrdup(col_text(stmt, 0));
		ns[n].ns_url = xstrdup(col_text(stmt, 1));
		ns[n].ns_up = up;
		n++;
		if (!events || up == -1)
			continue;
		key.ns_id = ns[n - 1].ns_id;
		old = nt->nt_nnodes == 0 ? NULL : bsearch(&key, nt->nt_nodes,
		    nt->nt_nnodes, sizeof(*nt->nt_nodes), cmp_node);
		if (up == 0 && (old == NULL || old->ns_up != 0)) {
			if (sqlite3_column_type(stmt, 3) != SQLITE_NULL)
				xasprintf(&text, "node %s (id %s) is down: %s",
				    ns[n - 1].ns_url, ns[n - 1].ns_id,
				    col_text(stmt, 3));
			else
				xasprintf(&text, "node %s (id %s) is down",
				    ns[n - 1].ns_url, ns[n - 1].ns_id);
		} else if (up == 1 && old != NULL && old->ns_up == 0)
			xasprintf(&text, "node %s (id %s) is up again",
			    ns[n - 1].ns_url, ns[n - 1].ns_id);
		else
			continue;
		ev = json_object();
		node = json_object();
		jset(node, "id", jstr(ns[n - 1].ns_id));
		jset(node, "url", jstr(ns[n - 1].ns_url));
		jset(node, "last_error", sqlite3_column_type(stmt, 3) ==
		    SQLITE_NULL ? json_null() : jstr(col_text(stmt, 3)));
		jset(ev, "node", node);
		emit(nt, run, up ? "node_up" : "node_down", ev, text);
		free(text);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE) {
		nodes_release(ns, n);
		return -1;
	}
	if (n > 0)
		qsort(ns, n, sizeof(*ns), cmp_node);
	*nsp = ns;
	*np = n;
	return 0;
}

/* ---- state: thresholds ---- */

static int
cmp_th(const void *a, const void *b)
{
	return strcmp(((const struct thstate *)a)->ts_key,
	    ((const struct thstate *)b)->ts_key);
}

static void
ths_release(struct thstate *ts, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ts[i].ts_key);
	free(ts);
}

struct sample {
	char	*sa_labels;
	char	*sa_expo;
	double	 sa_value;
};

static void
samples_release(struct sample *sa, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(sa[i].sa_labels);
		free(sa[i].sa_expo);
	}
	free(sa);
}

static int
samples_load(struct store *st, int64_t run, const char *metric,
    struct sample **sap, size_t *np)
{
	sqlite3_stmt	*stmt;
	struct sample	*sa = NULL;
	size_t		 n = 0;
	int		 step;

	stmt = store_prepare(st, "SELECT s.labels, s.expo, v.value "
	    "FROM samples v JOIN series s ON s.series_id = v.series_id "
	    "WHERE v.run_id = ?1 AND s.metric = ?2 LIMIT ?3");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_text(stmt, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, NOTIFY_SERIES_MAX);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		sa = xreallocarray(sa, n + 1, sizeof(*sa));
		sa[n].sa_labels = xstrdup(col_text(stmt, 0));
		sa[n].sa_expo = xstrdup(col_text(stmt, 1));
		sa[n].sa_value = sqlite3_column_double(stmt, 2);
		n++;
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE) {
		samples_release(sa, n);
		return -1;
	}
	*sap = sa;
	*np = n;
	return 0;
}

/* One series against one threshold; an event if it crossed. */
static void
th_check(struct notify *nt, int64_t run, const struct query_file *qf,
    const struct threshold *th, const struct sample *sa, double total,
    struct thstate **tsp, size_t *np, int events)
{
	struct thstate	 key, *old;
	json_t		*ev, *labels;
	char		*text, val[64];
	int		 breached;

	breached = threshold_breached(th, sa->sa_value, total);
	*tsp = xreallocarray(*tsp, *np + 1, sizeof(**tsp));
	xasprintf(&(*tsp)[*np].ts_key, "%s\n%s\n%s", qf->qf_metric,
	    th->th_text, sa->sa_labels);
	(*tsp)[*np].ts_breached = breached;
	key.ts_key = (*tsp)[*np].ts_key;
	(*np)++;
	if (!events)
		return;
	old = nt->nt_nths == 0 ? NULL : bsearch(&key, nt->nt_ths, nt->nt_nths,
	    sizeof(*nt->nt_ths), cmp_th);
	if (breached == (old != NULL ? old->ts_breached : 0))
		return;
	if (th->th_share)
		snprintf(val, sizeof(val), "share %.1f%%", total != 0 ?
		    100 * sa->sa_value / total : 0.0);
	else
		snprintf(val, sizeof(val), "value %.6g", sa->sa_value);
	xasprintf(&text, "%s%s %s %s threshold %s", qf->qf_metric, sa->sa_expo,
	    val, breached ? "crossed" : "is back within", th->th_text);
	ev = json_object();
	jset(ev, "metric", jstr(qf->qf_metric));
	labels = json_loads(sa->sa_labels, 0, NULL);
	jset(ev, "labels", labels != NULL ? labels : json_object());
	jset(ev, "threshold", jstr(th->th_text));
	jset(ev, "value", json_real(sa->sa_value));
	if (th->th_share)
		jset(ev, "share", json_real(total != 0 ? sa->sa_value / total :
		    0));
	emit(nt, run, breached ? "threshold_crossed" : "threshold_cleared", ev,
	    text);
	free(text);
}

/* Every threshold of qs against run's samples; sorted states. */
static int
ths_load(struct notify *nt, struct store *st, const struct queryset *qs,
    int64_t run, struct thstate **tsp, size_t *np, int events)
{
	const struct query_file *qf;
	struct sample	*sa;
	size_t		 f, i, j, nsa;
	double		 total;

	*tsp = NULL;
	*np = 0;
	for (f = 0; f < qs->qs_len; f++) {
		qf = &qs->qs_files[f];
		if (qf->qf_metric == NULL || qf->qf_nthresholds == 0)
			continue;
		if (samples_load(st, run, qf->qf_metric, &sa, &nsa) == -1) {
			ths_release(*tsp, *np);
			return -1;
		}
		total = 0;
		for (i = 0; i < nsa; i++)
			total += sa[i].sa_value;
		for (j = 0; j < qf->qf_nthresholds; j++)
			for (i = 0; i < nsa; i++)
				if (threshold_matches(&qf->qf_thresholds[j],
				    sa[i].sa_labels))
					th_check(nt, run, qf,
					    &qf->qf_thresholds[j], &sa[i], total,
					    tsp, np, events);
		samples_release(sa, nsa);
	}
	if (*np > 0)
		qsort(*tsp, *np, sizeof(**tsp), cmp_th);
	return 0;
}

/* ---- after a run ---- */

/* The state after the runs before run_id, as the store has it. */
static void
seed(struct notify *nt, struct store *st, const struct queryset *qs,
    int64_t run_id)
{
	sqlite3_stmt	*stmt;
	const char	*s;
	int64_t		 prev = 0;

	nt->nt_last = RS_UNKNOWN;
	stmt = store_prepare(st, "SELECT status FROM runs WHERE run_id < ?1 "
	    "AND status <> 'running' ORDER BY run_id DESC LIMIT 1");
	if (stmt != NULL) {
		sqlite3_bind_int64(stmt, 1, run_id);
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    (s = (const char *)sqlite3_column_text(stmt, 0)) != NULL)
			nt->nt_last = strcmp(s, "complete") == 0 ? RS_COMPLETE :
			    RS_FAILED;
		sqlite3_finalize(stmt);
	}
	stmt = store_prepare(st, "SELECT max(run_id) FROM runs WHERE "
	    "run_id < ?1 AND status = 'complete'");
	if (stmt != NULL) {
		sqlite3_bind_int64(stmt, 1, run_id);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			prev = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	if (prev > 0) {
		if (nodes_load(nt, st, prev, &nt->nt_nodes, &nt->nt_nnodes,
		    0) == -1)
			log_warnx("notify: cannot read the nodes of run %lld: %s",
			    (long long)prev, store_errmsg(st));
		if (ths_load(nt, st, qs, prev, &nt->nt_ths, &nt->nt_nths,
		    0) == -1)
			log_warnx("notify: cannot read the samples of run %lld: "
			    "%s", (long long)prev, store_errmsg(st));
	}
	nt->nt_seeded = 1;
}

void
notify_run(struct notify *nt, struct store *st, const struct queryset *qs,
    int64_t run_id)
{
	sqlite3_stmt	*stmt;
	struct nodestate *ns;
	struct thstate	*ts;
	json_t		*ev;
	char		*text, *error = NULL;
	size_t		 n;
	int		 complete = 0, found = 0;

	if (nt == NULL || run_id <= 0)
		return;
	if (!nt->nt_seeded)
		seed(nt, st, qs, run_id);
	if ((stmt = store_prepare(st, "SELECT status, error FROM runs "
	    "WHERE run_id = ?1")) == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, run_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		found = 1;
		complete = strcmp(col_text(stmt, 0), "complete") == 0;
		if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			error = xstrdup(col_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	if (!found) {
		/* Not even recorded: the failure still counts. */
		error = xstrdup("the run could not be recorded in the store");
	}
	if (!complete) {
		if (nt->nt_last != RS_FAILED) {
			xasprintf(&text, "run %lld failed: %s",
			    (long long)run_id, error != NULL ? error :
			    "unknown error");
			ev = json_object();
			jset(ev, "error", jstr(error));
			emit(nt, run_id, "run_failed", ev, text);
			free(text);
		}
		nt->nt_last = RS_FAILED;
		free(error);
		return;
	}
	free(error);
	if (nt->nt_last == RS_FAILED) {
		xasprintf(&text, "run %lld completed after failed runs",
		    (long long)run_id);
		emit(nt, run_id, "run_recovered", json_object(), text);
		free(text);
	}
	nt->nt_last = RS_COMPLETE;
	if (nodes_load(nt, st, run_id, &ns, &n, 1) == 0) {
		nodes_release(nt->nt_nodes, nt->nt_nnodes);
		nt->nt_nodes = ns;
		nt->nt_nnodes = n;
	} else
		log_warnx("notify: cannot read the nodes of run %lld: %s",
		    (long long)run_id, store_errmsg(st));
	if (ths_load(nt, st, qs, run_id, &ts, &n, 1) == 0) {
		ths_release(nt->nt_ths, nt->nt_nths);
		nt->nt_ths = ts;
		nt->nt_nths = n;
	} else
		log_warnx("notify: cannot read the samples of run %lld: %s",
		    (long long)run_id, store_errmsg(st));
}

/* ---- life ---- */

struct notify *
notify_new(const struct config *cf)
{
	struct notify	*nt;
	pthread_condattr_t ca;

	nt = xcalloc(1, sizeof(*nt));
	pthread_mutex_init(&nt->nt_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nt->nt_idle, &ca);
	pthread_condattr_destroy(&ca);
	if (gethostname(nt->nt_host, sizeof(nt->nt_host) - 1) == -1 ||
	    nt->nt_host[0] == '\0')
		snprintf(nt->nt_host, sizeof(nt->nt_host), "localhost");
	nt->nt_cap = (size_t)cf->cf_events_backlog;
	nt->nt_backlog = xcalloc(nt->nt_cap, sizeof(*nt->nt_backlog));
	hooks_set(nt, cf);
	return nt;
}

void
notify_configure(struct notify *nt, const struct config *cf)
{
	struct event	*ring, *ev;
	size_t		 i, cap;

	if (nt == NULL)
		return;
	hooks_set(nt, cf);
	pthread_mutex_lock(&nt->nt_lock);
	if ((size_t)cf->cf_events_backlog != nt->nt_cap) {
		/* Keep the newest events that fit. */
		cap = (size_t)cf->cf_events_backlog;
		ring = xcalloc(cap, sizeof(*ring));
		for (i = 0; i < nt->nt_len; i++) {
			ev = &nt->nt_backlog[(nt->nt_head + i) % nt->nt_cap];
			if (nt->nt_len - i <= cap)
				ring[i - (nt->nt_len > cap ? nt->nt_len - cap :
				    0)] = *ev;
			else {
				nt->nt_evicted = ev->ev_id;
				free(ev->ev_type);
				free(ev->ev_json);
			}
		}
		if (nt->nt_len > cap)
			nt->nt_len = cap;
		free(nt->nt_backlog);
		nt->nt_backlog = ring;
		nt->nt_head = 0;
		nt->nt_cap = cap;
	}
	pthread_mutex_unlock(&nt->nt_lock);
}

/* Under nt_lock: is an event waiting for a webhook? */
static int
hooks_busy(struct notify *nt)
{
	size_t	i;

	for (i = 0; i < nt->nt_nhooks; i++)
		if (nt->nt_hooks[i]->hk_running && nt->nt_hooks[i]->hk_len > 0)
			return 1;
	return 0;
}

void
notify_free(struct notify *nt)
{
	double		 deadline;
	size_t		 i;

	if (nt == NULL)
		return;
	pthread_mutex_lock(&nt->nt_lock);
	deadline = now_mono() + nt->nt_timeout_ms / 1000.0;
	while (hooks_busy(nt) && now_mono() < deadline)
		wait_until(&nt->nt_idle, &nt->nt_lock, deadline);
	pthread_mutex_unlock(&nt->nt_lock);
	hooks_set(nt, NULL);
	for (i = 0; i < nt->nt_len; i++) {
		free(nt->nt_backlog[(nt->nt_head + i) % nt->nt_cap].ev_type);
		free(nt->nt_backlog[(nt->nt_head + i) % nt->nt_cap].ev_json);
	}
	free(nt->nt_backlog);
	nodes_release(nt->nt_nodes, nt->nt_nnodes);
	ths_release(nt->nt_ths, nt->nt_nths);
	free(nt->nt_user_agent);
	pthread_cond_destroy(&nt->nt_idle);
	pthread_mutex_destroy(&nt->nt_lock);
	free(nt);
}
