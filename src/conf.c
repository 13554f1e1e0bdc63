/* conf.c -- YAML configuration: tree with marks, overrides, one key table */

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

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "conf.h"
#include "conf-keys.h"
#include "source.h"
#include "answer.h"
#include "buf.h"
#include "cidr.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

#define CONFIG_MAX_BYTES	(4 * 1024 * 1024)
#define CONFIG_MAX_DEPTH	32
#define CONFIG_MAX_ERRORS	50	/* printed; the rest are counted */

/* A parsed YAML node with the place it came from. */
enum ynode_type { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
	enum ynode_type	 y_type;
	char		*y_value;	/* scalar text */
	const char	*y_file;	/* borrowed: the file name or "-D" */
	const char	*y_origin;	/* for -D nodes: the whole override */
	size_t		 y_line, y_col;
	struct ynode	**y_kids;	/* map: key, value, key, value...; seq: items */
	size_t		 y_nkids;
	int		 y_used;	/* set when the key table consumed it */
};

struct cfparse {
	FILE		*p_err;
	int		 p_errors;
	const struct ynode *p_where;	/* the innermost map being decoded */
	const char	*p_file;
};

static void
ynode_free(struct ynode *y)
{
	size_t	i;

	if (y == NULL)
		return;
	for (i = 0; i < y->y_nkids; i++)
		ynode_free(y->y_kids[i]);
	free(y->y_kids);
	free(y->y_value);
	free(y);
}

static struct ynode *
ynode_new(enum ynode_type type, const char *file, size_t line, size_t col)
{
	struct ynode	*y;

	y = xcalloc(1, sizeof(*y));
	y->y_type = type;
	y->y_file = file;
	y->y_line = line;
	y->y_col = col;
	return y;
}

static void
ynode_add(struct ynode *y, struct ynode *kid)
{
	/* Room doubles at 4, 8, 16...: 100,000 keys cost n, not n squared. */
	if (y->y_nkids < 4 ? y->y_nkids == 0 :
	    (y->y_nkids & (y->y_nkids - 1)) == 0)
		y->y_kids = xreallocarray(y->y_kids, y->y_nkids < 4 ? 4 :
		    y->y_nkids * 2, sizeof(*y->y_kids));
	y->y_kids[y->y_nkids++] = kid;
}

static void cf_error(struct cfparse *, const struct ynode *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void cf_print(struct cfparse *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Count one error; only the first CONFIG_MAX_ERRORS are printed, so a
 * file of 100,000 bad keys costs a count, not 100,000 lines.
 */
static int
cf_count(struct cfparse *p)
{
	return ++p->p_errors <= CONFIG_MAX_ERRORS;
}

/* An error already carrying its place, as "file:line:col: what\n". */
static void
cf_print(struct cfparse *p, const char *fmt, ...)
{
	va_list	ap;

	if (!cf_count(p))
		return;
	va_start(ap, fmt);
	vfprintf(p->p_err, fmt, ap);
	va_end(ap);
}

static void
cf_error(struct cfparse *p, const struct ynode *at, const char *fmt, ...)
{
	va_list	ap;

	if (!cf_count(p))
		return;
	if (at == NULL)
		fprintf(p->p_err, "%s: ", p->p_file);
	else if (at->y_origin != NULL)
		fprintf(p->p_err, "-D %s: ", at->y_origin);
	else
		fprintf(p->p_err, "%s:%zu:%zu: ", at->y_file, at->y_line,
		    at->y_col);
	va_start(ap, fmt);
	vfprintf(p->p_err, fmt, ap);
	va_end(ap);
	fputc('\n', p->p_err);
}

static void
yaml_report(struct cfparse *p, yaml_parser_t *yp)
{
	cf_print(p, "%s:%zu:%zu: %s%s%s\n", p->p_file,
	    yp->problem_mark.line + 1, yp->problem_mark.column + 1,
	    yp->problem ? yp->problem : "YAML syntax error",
	    yp->context ? " " : "", yp->context ? yp->context : "");
}

/* Build a tree from libyaml events.  Aliases and tags are refused. */
static struct ynode *
yaml_build(struct cfparse *p, yaml_parser_t *yp, yaml_event_t *first, int depth)
{
	struct ynode	*y = NULL, *kid;
	yaml_event_t	 ev;
	size_t		 line = first->start_mark.line + 1;
	size_t		 col = first->start_mark.column + 1;
	const yaml_char_t *tag;

	if (depth > CONFIG_MAX_DEPTH) {
		cf_print(p, "%s:%zu:%zu: nested too deeply\n", p->p_file,
		    line, col);
		return NULL;
	}
	tag = first->type == YAML_SCALAR_EVENT ? first->data.scalar.tag :
	    first->type == YAML_MAPPING_START_EVENT ?
	    first->data.mapping_start.tag :
	    first->type == YAML_SEQUENCE_START_EVENT ?
	    first->data.sequence_start.tag : NULL;
	if (tag != NULL) {
		cf_print(p, "%s:%zu:%zu: YAML tags ('%.40s') are not supported\n",
		    p->p_file, line, col, (const char *)tag);
		return NULL;
	}
	switch (first->type) {
	case YAML_SCALAR_EVENT:
		y = ynode_new(Y_SCALAR, p->p_file, line, col);
		y->y_value = xstrndup((const char *)first->data.scalar.value,
		    first->data.scalar.length);
		if (strlen(y->y_value) != first->data.scalar.length) {
			cf_error(p, y, "NUL byte in value");
			ynode_free(y);
			return NULL;
		}
		return y;
	case YAML_ALIAS_EVENT:
		cf_print(p, "%s:%zu:%zu: aliases are not supported\n",
		    p->p_file, line, col);
		return NULL;
	case YAML_MAPPING_START_EVENT:
		y = ynode_new(Y_MAP, p->p_file, line, col);
		break;
	case YAML_SEQUENCE_START_EVENT:
		y = ynode_new(Y_SEQ, p->p_file, line, col);
		break;
	default:
		cf_print(p, "%s:%zu:%zu: unexpected YAML event\n",
		    p->p_file, line, col);
		return NULL;
	}
	for (;;) {
		if (!yaml_parser_parse(yp, &ev)) {
			yaml_report(p, yp);
			goto fail;
		}
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		kid = yaml_build(p, yp, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (kid == NULL)
			goto fail;
		if (y->y_type == Y_MAP && y->y_nkids % 2 == 0 &&
		    kid->y_type != Y_SCALAR) {
			cf_error(p, kid, "mapping keys must be plain scalars");
			ynode_free(kid);
			goto fail;
		}
		ynode_add(y, kid);
	}
	return y;
fail:
	ynode_free(y);
	return NULL;
}

static struct ynode *
yaml_load(struct cfparse *p, const char *text, size_t len)
{
	yaml_parser_t	 yp;
	yaml_event_t	 ev;
	struct ynode	*root = NULL;
	int		 done = 0;

	if (!yaml_parser_initialize(&yp))
		fatalx("yaml_parser_initialize");
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (root != NULL) {
				cf_print(p, "%s:%zu:%zu: only one document "
				    "is allowed\n", p->p_file,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1);
				yaml_event_delete(&ev);
				goto out;
			}
			root = yaml_build(p, &yp, &ev, 0);
			if (root == NULL) {
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!done) {
		yaml_report(p, &yp);
		ynode_free(root);
		root = NULL;
	}
out:
	yaml_parser_delete(&yp);
	if (root == NULL && p->p_errors == 0)
		root = ynode_new(Y_MAP, p->p_file, 1, 1);	/* empty file */
	return root;
}

/* ------------------------------------------------------------------ */
/* The key table */

#define OFF(m)	offsetof(struct config, m)

static const char *const method_names[] = { "GET", "POST", NULL };
static const char *const scope_names[] = { "node", "run", NULL };
static const struct key probe_keys[] = {
	{ "name", K_STR, offsetof(struct probe_conf, pc_name), 0, 0, NULL,
	    0, 0, NULL, NULL, "probe name; its rows go to table probe_NAME", NULL },
	{ "method", K_ENUM, offsetof(struct probe_conf, pc_method), 0, 0, NULL,
	    0, 0, "GET", method_names, "HTTP method, GET or POST", NULL },
	{ "path", K_STR, offsetof(struct probe_conf, pc_path), 0, 0, NULL,
	    0, 0, NULL, NULL, "path appended to the node url; empty: the node url itself", NULL },
	{ "items", K_SQL, offsetof(struct probe_conf, pc_items), 0, 0, NULL,
	    0, 0, "", NULL, "SQL over the run's tables, :node_id and :run_id bound, yielding the items to ask each node about and, optionally, a second column: the key stored in the probe table instead of the item; empty: one request per node", NULL },
	{ "items_scope", K_ENUM, offsetof(struct probe_conf, pc_items_scope), 0, 0, NULL,
	    0, 0, "node", scope_names, "node: the items query runs for each node; run: once a run, yielding the item, its key, then columns named node_id: the nodes to ask", NULL },
	{ "batch", K_INT, offsetof(struct probe_conf, pc_batch), 0, 0, NULL,
	    1, 1000000, "1000", NULL, "at most this many items per request", NULL },
	{ "body", K_STR, offsetof(struct probe_conf, pc_body), 0, 0, NULL,
	    0, 0, "", NULL, "request body; {{items}} becomes a JSON array of the batch's items", NULL },
	{ "content_type", K_STR, offsetof(struct probe_conf, pc_content_type), 0, 0, NULL,
	    0, 0, "application/json", NULL, "Content-Type of the request body", NULL },
	{ "answer", K_KIND, offsetof(struct probe_conf, pc_answer),
	    offsetof(struct probe_conf, pc_answer_conf), 0, NULL, 0, 0, "json", NULL,
	    "how answers become rows: json; each kind adds keys of its own", answer_kinds },
	KEND
};

static const struct key table_keys[] = {
	{ "name", K_STR, offsetof(struct table_conf, tc_name), 0, 0, NULL,
	    0, 0, NULL, NULL, "table name in the store", NULL },
	{ "query", K_SQL, offsetof(struct table_conf, tc_query), 0, 0, NULL,
	    0, 0, NULL, NULL, "SQL run against the discovery database", NULL },
	{ "indexes", K_STRLIST, offsetof(struct table_conf, tc_indexes),
	    offsetof(struct table_conf, tc_nindexes), 0, NULL, 0, 0, NULL, NULL,
	    "indexes, each a column or columns separated by commas, created as (run_id, columns...)", NULL },
	KEND
};

static const struct key store_keys[] = {
	{ "path", K_STR, OFF(cf_store_path), 0, 0, NULL, 0, 0, "vantage.db", NULL,
	    "SQLite store (created if missing)", NULL },
	{ "keep_runs", K_INT, OFF(cf_keep_runs), 0, 0, NULL, 1, 1000000, "3", NULL,
	    "runs whose node, index-table and probe rows are kept", NULL },
	{ "retention", K_DUR, OFF(cf_retention_ms), 0, 0, NULL, 0, INT64_MAX, "30d", NULL,
	    "samples older than this are deleted; 0s keeps them forever", NULL },
	{ "rollup_retention", K_DUR, OFF(cf_rollup_retention_ms), 0, 0, NULL, 0, INT64_MAX, "400d", NULL,
	    "hourly and daily rollups (min, max, avg, last, count) older than this are deleted; 0s keeps them forever", NULL },
	{ "run_log_retention", K_DUR, OFF(cf_run_log_retention_ms), 0, 0, NULL, 0, INT64_MAX, "30d", NULL,
	    "finished runs older than this leave the run log (runs, their phases and requests) once nothing else refers to them; 0s keeps them forever", NULL },
	{ "max_size", K_SIZE, OFF(cf_store_max_size), 0, 0, NULL, 0, 1LL << 50, "0", NULL,
	    "largest the store file may grow; a run that needs more fails; 0: no cap", NULL },
	KEND
};

static const struct key basic_keys[] = {
	{ "user", K_STR, offsetof(struct basic_conf, bc_user), 0, 0, NULL,
	    0, 0, NULL, NULL, "user name", NULL },
	{ "password_hash", K_STR, offsetof(struct basic_conf, bc_password_hash),
	    0, 0, NULL, 0, 0, NULL, NULL,
	    "crypt(3) hash of the password, e.g. from mkpasswd -m bcrypt", NULL },
	KEND
};

static const struct key http_keys[] = {
	{ "listen", K_ADDR, OFF(cf_listen), 0, 0, NULL, 0, 0, "127.0.0.1:9464", NULL,
	    "address and port of the metrics server", NULL },
	{ "threads", K_INT, OFF(cf_http_threads), 0, 0, NULL, 1, 64, "2", NULL,
	    "threads answering requests", NULL },
	{ "max_connections", K_INT, OFF(cf_http_max_conn), 0, 0, NULL, 1, 100000, "512", NULL,
	    "connections open at once, all clients", NULL },
	{ "max_connections_per_ip", K_INT, OFF(cf_http_max_conn_ip), 0, 0, NULL, 1, 100000, "64", NULL,
	    "connections open at once from one address", NULL },
	{ "timeout", K_DUR, OFF(cf_http_timeout_ms), 0, 0, NULL, 1000, 3600000, "15s", NULL,
	    "a connection that sends and receives nothing for this long is closed", NULL },
	{ "request_timeout", K_DUR, OFF(cf_http_request_timeout_ms), 0, 0, NULL, 1000, 3600000, "10s", NULL,
	    "a connection without a complete request this long after it opened (or its last request) is closed", NULL },
	{ "tls_cert", K_STR, OFF(cf_tls_cert), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM certificate (chain) file; with tls_key, serve HTTPS only", NULL },
	{ "tls_key", K_STR, OFF(cf_tls_key), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM private key file of tls_cert", NULL },
	{ "tls_client_ca", K_STR, OFF(cf_tls_client_ca), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM CA file: clients must present a certificate it signed", NULL },
	{ "bearer_token_sha256", K_STRLIST, OFF(cf_bearer_sha256), OFF(cf_nbearer), 0, NULL,
	    0, 0, NULL, NULL, "hex SHA-256 digests of accepted bearer tokens", NULL },
	{ "basic_auth", K_LIST, OFF(cf_basic), OFF(cf_nbasic), sizeof(struct basic_conf),
	    basic_keys, 0, 0, NULL, NULL, "users accepted with HTTP basic authentication", NULL },
	KEND
};

static const struct key schedule_keys[] = {
	{ "interval", K_DUR, OFF(cf_interval_ms), 0, 0, NULL, 1000, 86400000LL * 7, "5m", NULL,
	    "time between the starts of two runs in serve", NULL },
	KEND
};

static const struct key discovery_keys[] = {
	{ "source", K_KIND, OFF(cf_source), OFF(cf_source_conf), 0, NULL, 0, 0,
	    "sqlite", NULL, "where the node list comes from: sqlite, static, consul, file_sd, http_sd or json; each kind adds keys of its own", source_kinds },
	{ "timeout", K_DUR, OFF(cf_disc_timeout_ms), 0, 0, NULL, 1, 3600000, "30s", NULL,
	    "time limit for reading the source once", NULL },
	{ "max_stale", K_INT, OFF(cf_disc_max_stale), 0, 0, NULL, 0, 1000, "3", NULL,
	    "runs in a row that may keep the previous node list when the source cannot be read", NULL },
	{ "tables", K_LIST, OFF(cf_tables), OFF(cf_ntables), sizeof(struct table_conf),
	    table_keys, 0, 0, NULL, NULL, "index tables copied into every run (SQL sources only)", NULL },
	KEND
};

static const struct key crawl_keys[] = {
	{ "concurrency", K_INT, OFF(cf_concurrency), 0, 0, NULL, 1, 10000, "32", NULL,
	    "requests in flight, all nodes", NULL },
	{ "per_node", K_INT, OFF(cf_per_node), 0, 0, NULL, 1, 1000, "2", NULL,
	    "requests in flight to one node", NULL },
	{ "timeout", K_DUR, OFF(cf_timeout_ms), 0, 0, NULL, 1, 3600000, "30s", NULL,
	    "time limit for one request", NULL },
	{ "connect_timeout", K_DUR, OFF(cf_connect_timeout_ms), 0, 0, NULL, 1, 600000, "5s", NULL,
	    "time limit for connecting", NULL },
	{ "retries", K_INT, OFF(cf_retries), 0, 0, NULL, 0, 100, "2", NULL,
	    "extra attempts after a transient failure (connection error, timeout, 5xx, 429)", NULL },
	{ "backoff", K_DUR, OFF(cf_backoff_ms), 0, 0, NULL, 0, 3600000, "500ms", NULL,
	    "first retry waits up to this long, doubling after, with full jitter", NULL },
	{ "backoff_max", K_DUR, OFF(cf_backoff_max_ms), 0, 0, NULL, 0, 3600000, "10s", NULL,
	    "cap on one retry wait", NULL },
	{ "max_response", K_SIZE, OFF(cf_max_response), 0, 0, NULL, 1, 1LL << 30, "16MiB", NULL,
	    "largest answer accepted", NULL },
	{ "memory_limit", K_SIZE, OFF(cf_memory_limit), 0, 0, NULL, 1, 1LL << 40, "256MiB", NULL,
	    "bytes of answers held by all transfers in flight together; transfers wait for room; at least max_response", NULL },
	{ "deny", K_STRLIST, OFF(cf_deny), OFF(cf_ndeny), 0, NULL, 0, 0, NULL, NULL,
	    "address ranges (CIDR) never connected to, checked on the resolved address of every node and discovery url", NULL },
	{ "user_agent", K_STR, OFF(cf_user_agent), 0, 0, NULL, 0, 0, "vantage/" PACKAGE_VERSION, NULL,
	    "User-Agent header", NULL },
	KEND
};

static const struct key queries_keys[] = {
	{ "dir", K_STR, OFF(cf_queries_dir), 0, 0, NULL, 0, 0, NULL, NULL,
	    "folder of *.sql run in name order after the crawl (relative to the config file)", NULL },
	{ "others", K_STR, OFF(cf_others), 0, 0, NULL, 0, 0, "others", NULL,
	    "label value of the series a cardinality cutoff folds the long tail into", NULL },
	KEND
};

static const char *const webhook_formats[] = { "json", "slack", NULL };

static const struct key webhook_keys[] = {
	/* k_min 1: the path and query are the secret (Slack's are). */
	{ "url", K_SECRET, offsetof(struct webhook_conf, wc_url), 0, 0, NULL,
	    1, 0, NULL, NULL, "http or https URL each event is POSTed to", NULL },
	{ "format", K_ENUM, offsetof(struct webhook_conf, wc_format), 0, 0, NULL,
	    0, 0, "json", webhook_formats,
	    "json: the event object; slack: {\"text\": ...} for Slack-compatible incoming webhooks", NULL },
	KEND
};

static const struct key notify_keys[] = {
	{ "webhooks", K_LIST, OFF(cf_webhooks), OFF(cf_nwebhooks), sizeof(struct webhook_conf),
	    webhook_keys, 0, 0, NULL, NULL, "URLs that receive every event", NULL },
	{ "timeout", K_DUR, OFF(cf_notify_timeout_ms), 0, 0, NULL, 100, 600000, "10s", NULL,
	    "time limit for delivering one event once", NULL },
	{ "retries", K_INT, OFF(cf_notify_retries), 0, 0, NULL, 0, 100, "5", NULL,
	    "extra attempts after a transient failure (connection error, timeout, 5xx, 429)", NULL },
	{ "backoff", K_DUR, OFF(cf_notify_backoff_ms), 0, 0, NULL, 0, 3600000, "1s", NULL,
	    "first retry waits this long, doubling after, with jitter", NULL },
	{ "backoff_max", K_DUR, OFF(cf_notify_backoff_max_ms), 0, 0, NULL, 0, 86400000, "5m", NULL,
	    "cap on one retry wait", NULL },
	{ "queue", K_INT, OFF(cf_notify_queue), 0, 0, NULL, 1, 1000000, "1000", NULL,
	    "events waiting for one webhook; beyond, the oldest are dropped", NULL },
	{ "backlog", K_INT, OFF(cf_events_backlog), 0, 0, NULL, 1, 100000, "256", NULL,
	    "events /api/v1/events keeps for clients resuming with Last-Event-ID", NULL },
	{ "max_subscribers", K_INT, OFF(cf_events_max_subscribers), 0, 0, NULL, 0, 10000, "32", NULL,
	    "clients of /api/v1/events at once; more get 503", NULL },
	KEND
};

static const struct key history_keys[] = {
	{ "windows", K_STRLIST, OFF(cf_windows), OFF(cf_nwindows), 0, NULL, 0, 0, NULL, NULL,
	    "windows of the entity history's counts, each a duration (default [1d, 7d])", NULL },
	KEND
};

static const struct key remote_write_keys[] = {
	{ "url", K_STR, OFF(cf_rw_url), 0, 0, NULL, 0, 0, "", NULL,
	    "Prometheus remote write 1.0 endpoint every complete run is sent to; empty: none", NULL },
	{ "monitor", K_STR, OFF(cf_rw_monitor), 0, 0, NULL, 0, 0, "", NULL,
	    "value of the external label monitor on every series sent; empty: the host name", NULL },
	{ "timeout", K_DUR, OFF(cf_rw_timeout_ms), 0, 0, NULL, 1, 3600000, "30s", NULL,
	    "time limit for one request", NULL },
	{ "backoff", K_DUR, OFF(cf_rw_backoff_ms), 0, 0, NULL, 1, 3600000, "1s", NULL,
	    "wait after a failed request, doubling after each failure", NULL },
	{ "backoff_max", K_DUR, OFF(cf_rw_backoff_max_ms), 0, 0, NULL, 1, 86400000, "5m", NULL,
	    "cap on the wait between attempts", NULL },
	{ "max_pending", K_INT, OFF(cf_rw_max_pending), 0, 0, NULL, 1, 1000000, "10000", NULL,
	    "runs kept in the store's queue while the receiver is unreachable; past it the oldest are dropped", NULL },
	KEND
};

static const struct key top_keys[] = {
	{ "store", K_MAP, 0, 0, 0, store_keys, 0, 0, NULL, NULL, "the SQLite store", NULL },
	{ "http", K_MAP, 0, 0, 0, http_keys, 0, 0, NULL, NULL, "the metrics server", NULL },
	{ "schedule", K_MAP, 0, 0, 0, schedule_keys, 0, 0, NULL, NULL, "when runs start", NULL },
	{ "discovery", K_MAP, 0, 0, 0, discovery_keys, 0, 0, NULL, NULL, "where nodes come from", NULL },
	{ "crawl", K_MAP, 0, 0, 0, crawl_keys, 0, 0, NULL, NULL, "how nodes are asked", NULL },
	{ "probes", K_LIST, OFF(cf_probes), OFF(cf_nprobes), sizeof(struct probe_conf),
	    probe_keys, 0, 0, NULL, NULL, "what each node is asked", NULL },
	{ "queries", K_MAP, 0, 0, 0, queries_keys, 0, 0, NULL, NULL, "SQL run after the crawl", NULL },
	{ "notify", K_MAP, 0, 0, 0, notify_keys, 0, 0, NULL, NULL, "events: webhooks and /api/v1/events", NULL },
	{ "history", K_MAP, 0, 0, 0, history_keys, 0, 0, NULL, NULL, "entity history", NULL },
	{ "remote_write", K_MAP, 0, 0, 0, remote_write_keys, 0, 0, NULL, NULL, "Prometheus remote write of every complete run", NULL },
	{ "params", K_STRMAP, OFF(cf_params), OFF(cf_nparams), 0, NULL, 0, 0, NULL, NULL,
	    "the profile's parameters (thresholds), each bound in every query as :name", NULL },
	KEND
};

/* ------------------------------------------------------------------ */
/* Decoding the tree with the table */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t	row[65];

	if (lb >= nitems(row) || la >= 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

static const struct key *
key_find(const struct key *keys, const char *name)
{
	for (; keys->k_name != NULL; keys++)
		if (strcmp(keys->k_name, name) == 0)
			return keys;
	return NULL;
}

static const char *
key_suggest(const struct key *keys, const char *name)
{
	const char	*best = NULL;
	size_t		 d, bestd = 3;

	for (; keys->k_name != NULL; keys++) {
		d = edit_distance(name, keys->k_name);
		if (d < bestd) {
			bestd = d;
			best = keys->k_name;
		}
	}
	return best;
}

static const char *
type_name(enum key_type t)
{
	switch (t) {
	case K_MAP:
	case K_STRMAP:
		return "a mapping";
	case K_LIST:
	case K_STRLIST:
		return "a list";
	default:
		return "a scalar";
	}
}

/*
 * host:port, [ipv6]:port: why s is not one, or NULL.  The host is an IPv4
 * address, a bracketed IPv6 address or a host name; the port 0 to 65535.
 */
static const char *
addr_invalid(const char *s)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*colon, *port;
	char		 host[256];
	size_t		 hlen;

	if (*s == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return "an IPv6 address needs [address]:port";
		hlen = colon - s - 1;
		port = colon + 2;
		if (hlen == 0 || hlen >= sizeof(host))
			return "bad IPv6 address";
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return "bad IPv6 address";
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return "no port";
		hlen = colon - s;
		port = colon + 1;
		if (hlen == 0 || hlen >= sizeof(host))
			return "no host";
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (strchr(host, ':') != NULL)
			return "an IPv6 address needs [address]:port";
		if (strspn(host, "0123456789.") == hlen) {
			if (inet_pton(AF_INET, host, &a4) != 1)
				return "bad IPv4 address";
		} else if (strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != hlen ||
		    host[0] == '-' || host[0] == '.')
			return "bad host name";
	}
	if (*port == '\0' || strlen(port) > 5 ||
	    strspn(port, "0123456789") != strlen(port) || atol(port) > 65535)
		return "port must be 0 to 65535";
	return NULL;
}

static int	decode_map(struct cfparse *, const struct ynode *,
		    const struct key *, void *, const char *);

/*
 * Required strings that may be empty: JSON pointers ("" is the whole
 * value: a registry's rpc[] element that is the url itself) and a probe's
 * path ("" is the node url itself, where JSON-RPC nodes answer).
 */
static int
empty_allowed(const struct key *k, const char *path)
{
	return strcmp(k->k_name, "pointer") == 0 ||
	    strcmp(k->k_name, "node_url") == 0 ||
	    (strcmp(k->k_name, "path") == 0 && strncmp(path, "probes[", 7) == 0);
}

/* Decode one scalar (or default text when y is NULL) into base+k_off. */
static int
decode_scalar(struct cfparse *p, const struct ynode *y, const struct key *k,
    void *base, const char *path)
{
	const char	*s = y != NULL ? y->y_value : k->k_default;
	const char	*why;
	char		*end;
	int64_t		 v;
	long long	 ll;
	size_t		 i;
	char		 b1[32], b2[32];

	switch (k->k_type) {
	case K_STR:
	case K_SQL:
	case K_SECRET:
		*(char **)((char *)base + k->k_off) = xstrdup(s);
		return 0;
	case K_ADDR:
		if ((why = addr_invalid(s)) != NULL) {
			cf_error(p, y, "%s: '%s' is not host:port (%s)", path, s,
			    why);
			return -1;
		}
		*(char **)((char *)base + k->k_off) = xstrdup(s);
		return 0;
	case K_INT:
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno != 0) {
			cf_error(p, y, "%s: '%s' is not an integer", path, s);
			return -1;
		}
		if (ll < k->k_min || ll > k->k_max) {
			cf_error(p, y, "%s: %lld is out of range (%" PRId64
			    " to %" PRId64 ")", path, ll, k->k_min, k->k_max);
			return -1;
		}
		*(int64_t *)((char *)base + k->k_off) = ll;
		return 0;
	case K_DUR:
		if (parse_duration(s, &v, &why) == -1) {
			cf_error(p, y, "%s: '%s': %s", path, s, why);
			return -1;
		}
		if (v < k->k_min || v > k->k_max) {
			cf_error(p, y, "%s: %s is out of range (%s to %s)", path, s,
			    fmt_duration(k->k_min, b1, sizeof(b1)),
			    fmt_duration(k->k_max, b2, sizeof(b2)));
			return -1;
		}
		*(int64_t *)((char *)base + k->k_off) = v;
		return 0;
	case K_SIZE:
		if (parse_size(s, &v, &why) == -1) {
			cf_error(p, y, "%s: '%s': %s", path, s, why);
			return -1;
		}
		if (v < k->k_min || v > k->k_max) {
			cf_error(p, y, "%s: %s is out of range (%s to %s)", path, s,
			    fmt_size(k->k_min, b1, sizeof(b1)),
			    fmt_size(k->k_max, b2, sizeof(b2)));
			return -1;
		}
		*(int64_t *)((char *)base + k->k_off) = v;
		return 0;
	case K_ENUM:
		for (i = 0; k->k_enums[i] != NULL; i++)
			if (strcmp(k->k_enums[i], s) == 0) {
				*(int64_t *)((char *)base + k->k_off) = i;
				return 0;
			}
		{
			struct buf	choices;

			buf_init(&choices, 0);
			for (i = 0; k->k_enums[i] != NULL; i++)
				buf_printf(&choices, "%s%s", i ? ", " : "",
				    k->k_enums[i]);
			cf_error(p, y, "%s: '%s' is not one of %s", path, s,
			    choices.b_data);
			buf_release(&choices);
		}
		return -1;
	default:
		fatalx("decode_scalar: bad key type %d", k->k_type);
	}
}

static int
decode_key(struct cfparse *p, const struct ynode *y, const struct key *k,
    void *base, const char *path)
{
	struct ynode	*item;
	char		**strs, *sub;
	void		*elems;
	size_t		 i;
	int		 rc = 0;

	if (y != NULL && (k->k_type == K_MAP || k->k_type == K_STRMAP) &&
	    y->y_type != Y_MAP) {
		cf_error(p, y, "%s: expected %s", path, type_name(k->k_type));
		return -1;
	}
	if (y != NULL && (k->k_type == K_LIST || k->k_type == K_STRLIST) &&
	    y->y_type != Y_SEQ) {
		cf_error(p, y, "%s: expected %s", path, type_name(k->k_type));
		return -1;
	}
	if (y != NULL && k->k_type != K_MAP && k->k_type != K_LIST &&
	    k->k_type != K_STRLIST && k->k_type != K_STRMAP &&
	    y->y_type != Y_SCALAR) {
		cf_error(p, y, "%s: expected %s", path, type_name(k->k_type));
		return -1;
	}
	switch (k->k_type) {
	case K_MAP:
		return decode_map(p, y, k->k_sub, base, path);
	case K_LIST:
		if (y == NULL)
			return 0;
		elems = xcalloc(y->y_nkids, k->k_elem);
		*(void **)((char *)base + k->k_off) = elems;
		*(size_t *)((char *)base + k->k_cnt_off) = y->y_nkids;
		for (i = 0; i < y->y_nkids; i++) {
			item = y->y_kids[i];
			xasprintf(&sub, "%s[%zu]", path, i);
			if (item->y_type != Y_MAP) {
				cf_error(p, item, "%s: expected a mapping", sub);
				rc = -1;
			} else if (decode_map(p, item, k->k_sub,
			    (char *)elems + i * k->k_elem, sub) == -1)
				rc = -1;
			free(sub);
		}
		return rc;
	case K_STRMAP:
		if (y == NULL)
			return 0;
		strs = xcalloc(y->y_nkids + 1, sizeof(*strs));
		*(char ***)((char *)base + k->k_off) = strs;
		*(size_t *)((char *)base + k->k_cnt_off) = y->y_nkids / 2;
		for (i = 0; i + 1 < y->y_nkids; i += 2) {
			item = y->y_kids[i + 1];
			strs[i] = xstrdup(y->y_kids[i]->y_value);
			if (item->y_type != Y_SCALAR) {
				cf_error(p, item, "%s.%s: expected a scalar", path,
				    strs[i]);
				rc = -1;
				strs[i + 1] = xstrdup("");
			} else
				strs[i + 1] = xstrdup(item->y_value);
		}
		return rc;
	case K_STRLIST:
		if (y == NULL)
			return 0;
		strs = xcalloc(y->y_nkids, sizeof(*strs));
		*(char ***)((char *)base + k->k_off) = strs;
		*(size_t *)((char *)base + k->k_cnt_off) = y->y_nkids;
		for (i = 0; i < y->y_nkids; i++) {
			item = y->y_kids[i];
			if (item->y_type != Y_SCALAR) {
				cf_error(p, item, "%s[%zu]: expected a scalar",
				    path, i);
				rc = -1;
				strs[i] = xstrdup("");
			} else
				strs[i] = xstrdup(item->y_value);
		}
		return rc;
	default:
		if (y == NULL && k->k_default == NULL) {
			*(char **)((char *)base + k->k_off) = NULL;
			return 1;	/* missing: caller reports */
		}
		return decode_scalar(p, y, k, base, path);
	}
}

static const struct ynode *
map_value(const struct ynode *map, const char *name)
{
	const struct ynode *found = NULL;
	size_t		 i;

	for (i = 0; map != NULL && i + 1 < map->y_nkids; i += 2)
		if (strcmp(map->y_kids[i]->y_value, name) == 0)
			found = map->y_kids[i + 1];	/* the last one wins */
	return found;
}

static const struct ynode *dup_map;	/* for cmp_dup; decoding is serial */

static int
cmp_dup(const void *a, const void *b)
{
	size_t	i = *(const size_t *)a, j = *(const size_t *)b;
	int	c;

	c = strcmp(dup_map->y_kids[i * 2]->y_value,
	    dup_map->y_kids[j * 2]->y_value);
	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/*
 * For each key of map, the index of its first copy (itself if it is the
 * first): sorted, so 100,000 keys cost n log n, not n squared.  NULL for
 * an empty map.
 */
static size_t *
map_first_copies(const struct ynode *map)
{
	size_t	 n, i, *order, *first;

	if (map == NULL || map->y_nkids < 2)
		return NULL;
	n = map->y_nkids / 2;
	order = xcalloc(n, sizeof(*order));
	first = xcalloc(n, sizeof(*first));
	for (i = 0; i < n; i++)
		order[i] = i;
	dup_map = map;
	qsort(order, n, sizeof(*order), cmp_dup);
	for (i = 0; i < n; i++)
		first[order[i]] = i > 0 && strcmp(map->y_kids[order[i] * 2]->
		    y_value, map->y_kids[order[i - 1] * 2]->y_value) == 0 ?
		    first[order[i - 1]] : order[i];
	free(order);
	return first;
}

/*
 * A K_KIND key: pick the kind by name and allocate its settings, which
 * the kind's own keys then decode into.  Returns the kind, or NULL.
 */
static const struct kind *
decode_kind(struct cfparse *p, const struct ynode *map, const struct key *k,
    void *base, const char *prefix)
{
	const struct ynode *y = map_value(map, k->k_name);
	const struct kind *const *kd;
	const char	*name = k->k_default;
	struct buf	 choices;

	if (y != NULL && y->y_type != Y_SCALAR) {
		cf_error(p, y, "%s%s%s: expected a scalar", prefix,
		    *prefix ? "." : "", k->k_name);
		return NULL;
	}
	if (y != NULL)
		name = y->y_value;
	for (kd = k->k_kinds; *kd != NULL; kd++)
		if (strcmp((*kd)->kd_name, name) == 0) {
			*(const struct kind **)((char *)base + k->k_off) = *kd;
			*(void **)((char *)base + k->k_cnt_off) =
			    xcalloc(1, (*kd)->kd_conf_size);
			return *kd;
		}
	buf_init(&choices, 0);
	for (kd = k->k_kinds; *kd != NULL; kd++)
		buf_printf(&choices, "%s%s", kd == k->k_kinds ? "" : ", ",
		    (*kd)->kd_name);
	cf_error(p, y != NULL ? y : map, "%s%s%s: '%s' is not one of %s",
	    prefix, *prefix ? "." : "", k->k_name, name, choices.b_data);
	buf_release(&choices);
	return NULL;
}

/* An unknown key that another kind knows: say whose it is. */
static const char *
kind_owning(const struct key *k, const char *name)
{
	const struct kind *const *kd;

	for (kd = k->k_kinds; *kd != NULL; kd++)
		if (key_find((*kd)->kd_keys, name) != NULL)
			return (*kd)->kd_name;
	return NULL;
}

static int
decode_keys(struct cfparse *p, const struct ynode *map, const struct key *keys,
    void *base, const char *prefix)
{
	const struct key *k;
	const struct kind *kind;
	char		*path;
	int		 rc = 0, r;

	for (k = keys; k != NULL && k->k_name != NULL; k++) {
		if (k->k_type == K_KIND) {
			/* The kind's own keys, decoded where it stands. */
			kind = *(const struct kind **)((char *)base + k->k_off);
			if (kind != NULL && decode_keys(p, map, kind->kd_keys,
			    *(void **)((char *)base + k->k_cnt_off), prefix) == -1)
				rc = -1;
			continue;
		}
		xasprintf(&path, "%s%s%s", prefix, *prefix ? "." : "",
		    k->k_name);
		r = decode_key(p, map_value(map, k->k_name), k, base, path);
		if (r == 1) {
			cf_error(p, map != NULL ? map : p->p_where,
			    "missing required key '%s'", path);
			r = -1;
		} else if (r == 0 && k->k_default == NULL &&
		    (k->k_type == K_STR || k->k_type == K_SQL) &&
		    !empty_allowed(k, path) &&
		    **(char **)((char *)base + k->k_off) == '\0') {
			cf_error(p, map_value(map, k->k_name), "%s: must not be "
			    "empty", path);
			r = -1;
		}
		if (r == -1)
			rc = -1;
		free(path);
	}
	return rc;
}

static int
decode_map(struct cfparse *p, const struct ynode *map, const struct key *keys,
    void *base, const char *prefix)
{
	const struct key *k, *kindkey = NULL, *kindkeys = NULL;
	const struct kind *kind = NULL;
	const struct ynode *kn, *saved;
	const char	*hint, *owner;
	size_t		 i, *first;
	int		 rc = 0;

	for (k = keys; k->k_name != NULL; k++)
		if (k->k_type == K_KIND)
			kindkey = k;
	if (kindkey != NULL) {
		if ((kind = decode_kind(p, map, kindkey, base, prefix)) == NULL)
			rc = -1;
		else
			kindkeys = kind->kd_keys;
	}
	/* Unknown and duplicate keys first. */
	first = map_first_copies(map);
	for (i = 0; map != NULL && i + 1 < map->y_nkids; i += 2) {
		kn = map->y_kids[i];
		if (first != NULL && first[i / 2] != i / 2) {
			cf_error(p, kn, "duplicate key '%s' (first at line %zu)",
			    kn->y_value, map->y_kids[first[i / 2] * 2]->y_line);
			rc = -1;
			continue;
		}
		if (key_find(keys, kn->y_value) == NULL && (kindkeys == NULL ||
		    key_find(kindkeys, kn->y_value) == NULL)) {
			hint = key_suggest(keys, kn->y_value);
			if (hint == NULL && kindkeys != NULL)
				hint = key_suggest(kindkeys, kn->y_value);
			owner = kindkey != NULL && kind != NULL ?
			    kind_owning(kindkey, kn->y_value) : NULL;
			if (owner != NULL)
				cf_error(p, kn, "unknown key '%s%s%s' for %s "
				    "'%s' (it is a key of %s '%s')", prefix,
				    *prefix ? "." : "", kn->y_value,
				    kindkey->k_name, kind->kd_name,
				    kindkey->k_name, owner);
			else if (hint != NULL)
				cf_error(p, kn, "unknown key '%s%s%s' (did you "
				    "mean '%s'?)", prefix, *prefix ? "." : "",
				    kn->y_value, hint);
			else
				cf_error(p, kn, "unknown key '%s%s%s'", prefix,
				    *prefix ? "." : "", kn->y_value);
			rc = -1;
		}
	}
	free(first);
	saved = p->p_where;
	if (map != NULL)
		p->p_where = map;
	if (decode_keys(p, map, keys, base, prefix) == -1)
		rc = -1;
	p->p_where = saved;
	return rc;	if (decode_keys(p, map, keys, base, prefix) == -1)
		rc = -1;
	return rc;
}

/* ------------------------------------------------------------------ */
/* -D overrides: key.path=value, numeric parts index lists */

static void
ynode_origin(struct ynode *y, const char *ov)
{
	size_t	i;

	y->y_origin = ov;
	for (i = 0; i < y->y_nkids; i++)
		ynode_origin(y->y_kids[i], ov);
}

/* key=[a, b]: the value is a YAML flow sequence that replaces the node. */
static int
override_list(struct cfparse *p, struct ynode *cur, const char *ov,
    const char *value)
{
	struct cfparse	 vp;
	struct ynode	*v;
	char		*name;

	memset(&vp, 0, sizeof(vp));
	vp.p_err = p->p_err;
	xasprintf(&name, "-D %s", ov);
	vp.p_file = name;
	v = yaml_load(&vp, value, strlen(value));
	free(name);
	if (v == NULL || v->y_type != Y_SEQ) {
		if (vp.p_errors == 0)
			cf_print(p, "-D %s: expected a list [a, b]\n", ov);
		else
			p->p_errors++;	/* vp printed them */
		ynode_free(v);
		return -1;
	}
	ynode_origin(v, ov);
	/* Take v's contents into cur, keeping cur's place in the tree. */
	free(cur->y_value);
	while (cur->y_nkids > 0)
		ynode_free(cur->y_kids[--cur->y_nkids]);
	free(cur->y_kids);
	cur->y_type = Y_SEQ;
	cur->y_value = NULL;
	cur->y_kids = v->y_kids;
	cur->y_nkids = v->y_nkids;
	cur->y_origin = ov;
	v->y_kids = NULL;
	v->y_nkids = 0;
	ynode_free(v);
	return 0;
}

static int
apply_override(struct cfparse *p, struct ynode *root, const char *ov)
{
	struct ynode	*cur = root, *next, *kn;
	const char	*eq, *part, *dot;
	char		*name, *end;
	unsigned long	 idx;
	size_t		 i, len;

	if ((eq = strchr(ov, '=')) == NULL || eq == ov) {
		cf_print(p, "-D %s: expected key=value\n", ov);
		return -1;
	}
	/* As in a file (libyaml refuses other bytes), so check -v can print it. */
	if (!utf8_valid(ov, strlen(ov))) {
		cf_print(p, "-D %s: not valid UTF-8\n", ov);
		return -1;
	}
	part = ov;
	for (;;) {
		dot = memchr(part, '.', eq - part);
		len = (dot != NULL ? dot : eq) - part;
		if (len == 0) {
			cf_print(p, "-D %s: empty key component\n", ov);
			return -1;
		}
		name = xstrndup(part, len);
		next = NULL;
		if (cur->y_type == Y_SEQ) {
			idx = strtoul(name, &end, 10);
			if (*end != '\0' || idx >= cur->y_nkids) {
				cf_print(p, "-D %s: '%s' is not an index of "
				    "a list of %zu\n", ov, name, cur->y_nkids);
				free(name);
				return -1;
			}
			next = cur->y_kids[idx];
		} else if (cur->y_type == Y_MAP) {
			for (i = 0; i + 1 < cur->y_nkids; i += 2)
				if (strcmp(cur->y_kids[i]->y_value, name) == 0)
					next = cur->y_kids[i + 1];
			if (next == NULL) {
				kn = ynode_new(Y_SCALAR, "-D", 0, 0);
				kn->y_value = xstrdup(name);
				kn->y_origin = ov;
				ynode_add(cur, kn);
				next = ynode_new(dot != NULL ? Y_MAP : Y_SCALAR,
				    "-D", 0, 0);
				next->y_origin = ov;
				ynode_add(cur, next);
			}
		} else {
			cf_print(p, "-D %s: '%s' is inside a scalar\n", ov,
			    name);
			free(name);
			return -1;
		}
		free(name);
		cur = next;
		if (dot == NULL)
			break;
		part = dot + 1;
	}
	if (eq[1] == '[')
		return override_list(p, cur, ov, eq + 1);
	if (cur->y_type != Y_SCALAR) {
		cf_print(p, "-D %s: the key holds a %s, not a scalar\n",
		    ov, cur->y_type == Y_MAP ? "mapping" : "list");
		return -1;
	}
	free(cur->y_value);
	cur->y_value = xstrdup(eq + 1);
	cur->y_origin = ov;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Semantic checks that the key table cannot express */

static const struct ynode *
ynode_at(const struct ynode *map, const char *name)
{
	size_t	i;

	for (i = 0; map != NULL && map->y_type == Y_MAP &&
	    i + 1 < map->y_nkids; i += 2)
		if (strcmp(map->y_kids[i]->y_value, name) == 0)
			return map->y_kids[i + 1];
	return NULL;
}

static const struct ynode *
ynode_item(const struct ynode *seq, size_t i, const char *name)
{
	if (seq == NULL || seq->y_type != Y_SEQ || i >= seq->y_nkids)
		return seq;
	if (name == NULL)
		return seq->y_kids[i];
	return ynode_at(seq->y_kids[i], name) ? ynode_at(seq->y_kids[i],
	    name) : seq->y_kids[i];
}

/* Where y is, as error messages say it; a string the caller frees. */
static char *
ynode_place(const struct ynode *y, const char *file)
{
	char	*s;

	if (y == NULL)
		s = xstrdup(file);
	else if (y->y_origin != NULL)
		xasprintf(&s, "-D %s", y->y_origin);
	else
		xasprintf(&s, "%s:%zu:%zu", y->y_file, y->y_line, y->y_col);
	return s;
}

static const char *const reserved_tables[] = {
	"runs", "run_phases", "run_requests", "nodes", "series", "samples",
	"metrics", "sample_history", "run_tables", "run_totals", "run_log_pruned",
	"sample_head", "sample_chunks", "sample_seals", NULL
};
static const char *const reserved_columns[] = {
	"run_id", "node_id", "item", "error", NULL
};

static int
in_list(const char *const *list, const char *s)
{
	/* SQLite's names of tables and columns ignore case. */
	for (; *list != NULL; list++)
		if (strcasecmp(*list, s) == 0)
			return 1;
	return 0;
}

/* "a" or "a, b, c": the columns of one index. */
static int
valid_column_list(const char *s)
{
	char	*copy, *tok, *save = NULL;
	int	 ok = 1, n = 0;

	copy = xstrdup(s);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && ok;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		while (*tok && tok[strlen(tok) - 1] == ' ')
			tok[strlen(tok) - 1] = '\0';
		ok = valid_ident(tok);
		n++;
	}
	free(copy);
	return ok && n > 0 && s[strlen(s) - 1] != ',';
}

static int
valid_pointer(const char *s)
{
	const char	*t;

	if (s[0] != '\0' && s[0] != '/')
		return 0;
	/* RFC 6901: ~ only as ~0 (a ~) or ~1 (a /). */
	for (t = s; (t = strchr(t, '~')) != NULL; t++)
		if (t[1] != '0' && t[1] != '1')
			return 0;
	return 1;
}

static void
check_http(struct cfparse *p, struct config *cf, const struct ynode *http)
{
	struct crypt_data cd;
	const char	*h, *out;
	size_t		 i, j;

	if (cf->cf_tls_cert == NULL || cf->cf_tls_key == NULL ||
	    cf->cf_tls_client_ca == NULL)
		return;
	if ((cf->cf_tls_cert[0] == '\0') != (cf->cf_tls_key[0] == '\0'))
		cf_error(p, http, "http: tls_cert and tls_key go together");
	if (cf->cf_tls_client_ca[0] != '\0' && cf->cf_tls_cert[0] == '\0')
		cf_error(p, ynode_at(http, "tls_client_ca"),
		    "http.tls_client_ca: needs tls_cert and tls_key");
	for (i = 0; i < cf->cf_nbearer; i++) {
		h = cf->cf_bearer_sha256[i];
		if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64)
			cf_error(p, ynode_item(ynode_at(http,
			    "bearer_token_sha256"), i, NULL),
			    "http.bearer_token_sha256[%zu]: not 64 lowercase hex "
			    "digits (sha256sum of the token)", i);
	}
	for (i = 0; i < cf->cf_nbasic; i++) {
		h = cf->cf_basic[i].bc_password_hash;
		if (h == NULL || cf->cf_basic[i].bc_user == NULL)
			continue;
		memset(&cd, 0, sizeof(cd));
		out = h[0] == '$' ? crypt_r("probe", h, &cd) : NULL;
		if (out == NULL || out[0] == '*' ||
		    strncmp(out, h, strcspn(h + 1, "$") + 2) != 0)
			cf_error(p, ynode_item(ynode_at(http, "basic_auth"), i,
			    "password_hash"), "http.basic_auth[%zu].password_hash: "
			    "not a crypt(3) hash this system supports (make one "
			    "with mkpasswd -m bcrypt)", i);
		if (strchr(cf->cf_basic[i].bc_user, ':') != NULL ||
		    cf->cf_basic[i].bc_user[0] == '\0')
			cf_error(p, ynode_item(ynode_at(http, "basic_auth"), i,
			    "user"), "http.basic_auth[%zu].user: must be non-empty "
			    "and without ':'", i);
		for (j = 0; j < i; j++)
			if (cf->cf_basic[j].bc_user != NULL &&
			    strcmp(cf->cf_basic[j].bc_user,
			    cf->cf_basic[i].bc_user) == 0)
				cf_error(p, ynode_item(ynode_at(http,
				    "basic_auth"), i, "user"),
				    "http.basic_auth[%zu].user: '%s' is used twice",
				    i, cf->cf_basic[i].bc_user);
	}
}

static void
check_notify(struct cfparse *p, struct config *cf, const struct ynode *nt)
{
	const char	*u;
	size_t		 i;

	if (cf->cf_notify_backoff_max_ms < cf->cf_notify_backoff_ms)
		cf_error(p, ynode_at(nt, "backoff_max"),
		    "notify.backoff_max: must be at least notify.backoff");
	for (i = 0; i < cf->cf_nwebhooks; i++) {
		if ((u = cf->cf_webhooks[i].wc_url) == NULL)
			continue;
		if ((strncmp(u, "http://", 7) != 0 &&
		    strncmp(u, "https://", 8) != 0) || strpbrk(u, " \t\r\n") !=
		    NULL || u[strcspn(u, ":") + 3] == '\0')
			cf_error(p, ynode_item(ynode_at(nt, "webhooks"), i,
			    "url"), "notify.webhooks[%zu].url: not an http or "
			    "https URL", i);
	}
}

/* A request path as sent: no blank, control character or fragment. */
/*
 * params: each name is an SQL parameter name, bound as :name next to the
 * engine's own :run_id and :node_id, and given once.
 */
static void
check_params(struct cfparse *p, const struct ynode *params)
{
	const struct ynode *kn;
	size_t	 i, j;

	if (params == NULL || params->y_type != Y_MAP)
		return;
	for (i = 0; i + 1 < params->y_nkids; i += 2) {
		kn = params->y_kids[i];
		if (!valid_ident(kn->y_value))
			cf_error(p, kn, "params.%s: not a parameter name "
			    "(a letter or _, then letters, digits or _, at "
			    "most 64)", kn->y_value);
		else if (strcmp(kn->y_value, "run_id") == 0 ||
		    strcmp(kn->y_value, "node_id") == 0)
			cf_error(p, kn, "params.%s: reserved: the engine binds "
			    ":%s itself", kn->y_value, kn->y_value);
		for (j = 0; j < i; j += 2)
			if (strcmp(params->y_kids[j]->y_value,
			    kn->y_value) == 0) {
				cf_error(p, kn, "duplicate key '%s' (first at "
				    "line %zu)", kn->y_value,
				    params->y_kids[j]->y_line);
				break;
			}
	}
}

static int
path_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '#')
			return 0;
	return 1;
}

/* history.windows: durations, at most 16, each once; [1d, 7d] if absent. */
static void
check_history(struct cfparse *p, struct config *cf, const struct ynode *h)
{
	const struct ynode *windows = ynode_at(h, "windows");
	const char	*why;
	int64_t		 ms, ms2;
	size_t		 i, j;

	if (windows == NULL && cf->cf_nwindows == 0) {
		cf->cf_windows = xcalloc(2, sizeof(*cf->cf_windows));
		cf->cf_windows[0] = xstrdup("1d");
		cf->cf_windows[1] = xstrdup("7d");
		cf->cf_nwindows = 2;
		return;
	}
	if (cf->cf_nwindows > 16)
		cf_error(p, windows, "history.windows: %zu windows; at most 16",
		    cf->cf_nwindows);
	for (i = 0; i < cf->cf_nwindows; i++) {
		if (parse_duration(cf->cf_windows[i], &ms, &why) == -1) {
			cf_error(p, ynode_item(windows, i, NULL),
			    "history.windows[%zu]: '%s': %s", i,
			    cf->cf_windows[i], why);
			continue;
		}
		if (ms < 1000) {
			cf_error(p, ynode_item(windows, i, NULL),
			    "history.windows[%zu]: '%s': must be at least 1s",
			    i, cf->cf_windows[i]);
			continue;
		}
		for (j = 0; j < i; j++)
			if (parse_duration(cf->cf_windows[j], &ms2, &why) == 0 &&
			    ms2 == ms)
				cf_error(p, ynode_item(windows, i, NULL),
				    "history.windows[%zu]: '%s' is the same "
				    "window as '%s'", i, cf->cf_windows[i],
				    cf->cf_windows[j]);
	}
}

/* Where a probe's answer kind reports a mistake (answer_check_cb). */
struct kind_check {
	struct cfparse	*kc_p;
	const struct ynode *kc_probe;
	size_t		 kc_index;
};

static void
kind_report(void *arg, const char *list, size_t index, const char *key,
    const char *why)
{
	struct kind_check *kc = arg;
	const struct ynode *at;

	if (list == NULL) {
		at = ynode_at(kc->kc_probe, key);
		cf_error(kc->kc_p, at != NULL ? at : kc->kc_probe,
		    "probes[%zu].%s: %s", kc->kc_index, key, why);
		return;
	}
	at = ynode_item(ynode_at(kc->kc_probe, list), index, key);
	if (key == NULL)	/* an entry of a list of scalars */
		cf_error(kc->kc_p, at != NULL ? at : kc->kc_probe,
		    "probes[%zu].%s[%zu]: %s", kc->kc_index, list, index, why);
	else
		cf_error(kc->kc_p, at != NULL ? at : kc->kc_probe,
		    "probes[%zu].%s[%zu].%s: %s", kc->kc_index, list, index,
		    key, why);
}

static void
config_check(struct cfparse *p, struct config *cf, const struct ynode *root)
{
	const struct ynode *disc = ynode_at(root, "discovery");
	const struct ynode *tables = ynode_at(disc, "tables");
	const struct ynode *probes = ynode_at(root, "probes");
	const struct ynode *values, *at;
	static const struct answer_json_conf nojson;
	const struct answer_json_conf *jc;
	const char	*why;
	struct cidr	 range;
	struct probe_conf *pc;
	const struct value_conf *vc;
	struct table_conf *tc;
	struct kind_check kc;
	size_t		 i, j, m;
	int		 rpc;

	/*
	 * No probes key: a profile that only records its node lists.  An
	 * empty list is a mistake (a list whose entries went missing).
	 */
	if (probes != NULL && probes->y_type == Y_SEQ && probes->y_nkids == 0)
		cf_error(p, probes, "probes: an empty list; give at least one "
		    "probe, or leave the key out for a profile that only "
		    "records its node lists");
	if (cf->cf_backoff_max_ms < cf->cf_backoff_ms)
		cf_error(p, ynode_at(ynode_at(root, "crawl"), "backoff_max"),
		    "crawl.backoff_max: must be at least crawl.backoff");
	if (cf->cf_concurrency != 0 && cf->cf_per_node > cf->cf_concurrency)
		cf_error(p, ynode_at(ynode_at(root, "crawl"), "per_node"),
		    "crawl.per_node: %" PRId64 " exceeds crawl.concurrency %"
		    PRId64, cf->cf_per_node, cf->cf_concurrency);
	if (cf->cf_memory_limit != 0 && cf->cf_memory_limit <
	    cf->cf_max_response) {
		at = ynode_at(ynode_at(root, "crawl"), "memory_limit");
		cf_error(p, at != NULL ? at :
		    ynode_at(ynode_at(root, "crawl"), "max_response"),
		    "crawl.memory_limit: %" PRId64 " bytes is less than "
		    "crawl.max_response %" PRId64, cf->cf_memory_limit,
		    cf->cf_max_response);
	}
	for (i = 0; i < cf->cf_ndeny; i++)
		if ((why = cidr_parse(cf->cf_deny[i], &range)) != NULL)
			cf_error(p, ynode_item(ynode_at(ynode_at(root, "crawl"),
			    "deny"), i, NULL), "crawl.deny[%zu]: '%s': %s", i,
			    cf->cf_deny[i], why);
	if (cf->cf_store_path != NULL && cf->cf_store_path[0] == '\0')
		cf_error(p, ynode_at(ynode_at(root, "store"), "path"),
		    "store.path: must not be empty");
	check_http(p, cf, ynode_at(root, "http"));
	check_notify(p, cf, ynode_at(root, "notify"));
	check_history(p, cf, ynode_at(root, "history"));
	if (cf->cf_rw_url != NULL && cf->cf_rw_url[0] != '\0' &&
	    strncmp(cf->cf_rw_url, "http://", 7) != 0 &&
	    strncmp(cf->cf_rw_url, "https://", 8) != 0)
		cf_error(p, ynode_at(ynode_at(root, "remote_write"), "url"),
		    "remote_write.url: '%s' is not an http:// or https:// URL",
		    cf->cf_rw_url);
	if (cf->cf_rw_backoff_max_ms < cf->cf_rw_backoff_ms)
		cf_error(p, ynode_at(ynode_at(root, "remote_write"),
		    "backoff_max"), "remote_write.backoff_max: must be at least "
		    "remote_write.backoff");
	check_params(p, ynode_at(root, "params"));
	if (cf->cf_others != NULL && (cf->cf_others[0] == '\0' ||
	    !utf8_valid(cf->cf_others, strlen(cf->cf_others))))
		cf_error(p, ynode_at(ynode_at(root, "queries"), "others"),
		    "queries.others: must be a non-empty UTF-8 string");
	if (cf->cf_ntables > 0 && cf->cf_source != NULL &&
	    !((const struct source_kind *)cf->cf_source)->sk_tables)
		cf_error(p, tables, "discovery.tables: source '%s' yields nodes "
		    "only; index tables come from SQL sources",
		    cf->cf_source->kd_name);
	for (i = 0; i < cf->cf_ntables; i++) {
		tc = &cf->cf_tables[i];
		if (tc->tc_name == NULL)
			continue;
		at = ynode_item(tables, i, "name");
		if (!valid_ident(tc->tc_name))
			cf_error(p, at, "discovery.tables[%zu].name: '%s' is not "
			    "a valid table name", i, tc->tc_name);
		else if (in_list(reserved_tables, tc->tc_name) ||
		    strncmp(tc->tc_name, "probe_", 6) == 0 ||
		    strncmp(tc->tc_name, "sqlite_", 7) == 0)
			cf_error(p, at, "discovery.tables[%zu].name: '%s' is "
			    "reserved for the store", i, tc->tc_name);
		for (j = 0; j < i; j++)
			if (cf->cf_tables[j].tc_name != NULL &&
			    strcmp(cf->cf_tables[j].tc_name, tc->tc_name) == 0)
				cf_error(p, at, "discovery.tables[%zu].name: "
				    "'%s' is used twice", i, tc->tc_name);
		for (j = 0; j < tc->tc_nindexes; j++)
			if (!valid_column_list(tc->tc_indexes[j]))
				cf_error(p, ynode_item(ynode_at(
				    ynode_item(tables, i, NULL), "indexes"), j,
				    NULL), "discovery.tables[%zu].indexes[%zu]: "
				    "'%s' is not a column name or a list of them "
				    "separated by commas", i, j, tc->tc_indexes[j]);
	}
	for (i = 0; i < cf->cf_nprobes; i++) {
		pc = &cf->cf_probes[i];
		if ((jc = answer_json_conf(pc)) == NULL)
			jc = &nojson;
		at = ynode_item(probes, i, "name");
		if (pc->pc_name != NULL && !valid_ident(pc->pc_name))
			cf_error(p, at, "probes[%zu].name: '%s' is not a valid "
			    "name (letters, digits, _)", i, pc->pc_name);
		for (j = 0; j < i && pc->pc_name != NULL; j++)
			if (cf->cf_probes[j].pc_name != NULL &&
			    strcmp(cf->cf_probes[j].pc_name, pc->pc_name) == 0)
				cf_error(p, at, "probes[%zu].name: '%s' is used "
				    "twice", i, pc->pc_name);
		if (answer_json_conf(pc) == NULL && pc->pc_answer != NULL &&
		    pc->pc_items != NULL && pc->pc_items[0] != '\0')
			cf_error(p, ynode_item(probes, i, "items"),
			    "probes[%zu].items: only answer: json asks about "
			    "items", i);
		if (pc->pc_items_scope == ITEMS_SCOPE_RUN &&
		    (pc->pc_items == NULL || pc->pc_items[0] == '\0'))
			cf_error(p, ynode_item(probes, i, "items_scope"),
			    "probes[%zu].items_scope: run needs an items query",
			    i);
		/* "": the node url itself, where JSON-RPC nodes answer. */
		if (pc->pc_path != NULL && pc->pc_path[0] != '/' &&
		    pc->pc_path[0] != '\0')
			cf_error(p, ynode_item(probes, i, "path"),
			    "probes[%zu].path: must start with / (or be empty: "
			    "the node url itself)", i);
		else if (pc->pc_path != NULL && !path_ok(pc->pc_path))
			cf_error(p, ynode_item(probes, i, "path"),
			    "probes[%zu].path: blanks, control characters and "
			    "'#' must be percent-encoded", i);
		/* A JSON-RPC probe builds its body and matches by id. */
		rpc = jc->aj_jsonrpc != NULL && jc->aj_jsonrpc[0] != '\0';
		if (pc->pc_items != NULL && pc->pc_items[0] != '\0' && !rpc) {
			if (jc->aj_rows != NULL && jc->aj_rows[0] == '\0')
				cf_error(p, ynode_item(probes, i, NULL),
				    "probes[%zu]: a probe with items needs rows "
				    "(JSON pointer to the answers)", i);
			if (jc->aj_key != NULL && jc->aj_key[0] == '\0')
				cf_error(p, ynode_item(probes, i, NULL),
				    "probes[%zu]: a probe with items needs key "
				    "(JSON pointer to the item in an answer)", i);
			if (pc->pc_body != NULL &&
			    strstr(pc->pc_body, "{{items}}") == NULL)
				cf_error(p, ynode_item(probes, i, "body"),
				    "probes[%zu].body: a probe with items needs "
				    "{{items}} in its body", i);
			if (pc->pc_method == 0)
				cf_error(p, ynode_item(probes, i, "method"),
				    "probes[%zu].method: a probe with items "
				    "sends them in a body, so it must be POST", i);
		} else if ((pc->pc_items == NULL || pc->pc_items[0] == '\0') &&
		    jc->aj_explode == EX_NO) {
			if (jc->aj_key != NULL && jc->aj_key[0] != '\0')
				cf_error(p, ynode_item(probes, i, "key"),
				    "probes[%zu].key: only a probe with items, "
				    "or one with explode, has a key", i);
			if (jc->aj_rows != NULL && jc->aj_rows[0] != '\0')
				cf_error(p, ynode_item(probes, i, "rows"),
				    "probes[%zu].rows: only a probe with items, "
				    "or one with explode, has rows; the values of "
				    "another are read from the whole answer", i);
		}
		if (jc->aj_rows != NULL && !valid_pointer(jc->aj_rows))
			cf_error(p, ynode_item(probes, i, "rows"),
			    "probes[%zu].rows: '%s' is not a JSON pointer", i,
			    jc->aj_rows);
		if (jc->aj_key != NULL && !valid_pointer(jc->aj_key))
			cf_error(p, ynode_item(probes, i, "key"),
			    "probes[%zu].key: '%s' is not a JSON pointer", i,
			    jc->aj_key);
		values = ynode_at(ynode_item(probes, i, NULL), "values");
		if (jc->aj_nvalues == 0 && pc->pc_name != NULL && jc != &nojson)
			cf_error(p, ynode_item(probes, i, NULL),
			    "probes[%zu]: needs at least one entry in values", i);
		for (j = 0; j < jc->aj_nvalues; j++) {
			vc = &jc->aj_values[j];
			if (vc->vc_column == NULL)
				continue;
			at = ynode_item(values, j, "column");
			if (!valid_ident(vc->vc_column))
				cf_error(p, at, "probes[%zu].values[%zu].column: "
				    "'%s' is not a valid column name", i, j,
				    vc->vc_column);
			else if (in_list(reserved_columns, vc->vc_column))
				cf_error(p, at, "probes[%zu].values[%zu].column: "
				    "'%s' is reserved", i, j, vc->vc_column);
			for (m = 0; m < j; m++)
				if (jc->aj_values[m].vc_column != NULL &&
				    strcasecmp(jc->aj_values[m].vc_column,
				    vc->vc_column) == 0)
					cf_error(p, at, "probes[%zu].values[%zu]."
					    "column: '%s' is used twice", i, j,
					    vc->vc_column);
			if (vc->vc_pointer != NULL &&
			    !valid_pointer(vc->vc_pointer))
				cf_error(p, ynode_item(values, j, "pointer"),
				    "probes[%zu].values[%zu].pointer: '%s' is "
				    "not a JSON pointer", i, j, vc->vc_pointer);
		}
		if (answer_of(pc)->ak_check != NULL) {
			kc.kc_p = p;
			kc.kc_probe = ynode_item(probes, i, NULL);
			kc.kc_index = i;
			answer_of(pc)->ak_check(pc, kind_report, &kc);
		}
	}
}

/* ------------------------------------------------------------------ */

const char *
config_default_path(void)
{
	return VT_DATADIR "/conf/audius.yaml";
}

struct config *
config_load(const char *path, char **overrides, size_t noverrides, FILE *err)
{
	struct cfparse	 p;
	struct config	*cf;
	struct ynode	*root = NULL;
	char		*text = NULL, *dircopy, *qd;
	size_t		 len, i;

	if (path == NULL)
		path = config_default_path();
	memset(&p, 0, sizeof(p));
	p.p_err = err;
	p.p_file = path;
	cf = xcalloc(1, sizeof(*cf));
	cf->cf_file = xstrdup(path);
	if ((text = read_file(path, CONFIG_MAX_BYTES, &len)) == NULL) {
		fprintf(err, "%s: %s\n", path, errno == EFBIG ?
		    "larger than 4MiB" : strerror(errno));
		goto fail;
	}
	if (memchr(text, '\0', len) != NULL) {
		fprintf(err, "%s: NUL byte in file\n", path);
		goto fail;
	}
	if ((root = yaml_load(&p, text, len)) == NULL)
		goto fail;
	if (root->y_type != Y_MAP) {
		cf_error(&p, root, "the configuration must be a mapping");
		goto fail;
	}
	for (i = 0; i < noverrides; i++)
		apply_override(&p, root, overrides[i]);
	if (p.p_errors > 0)
		goto fail;
	decode_map(&p, root, top_keys, cf, "");
	config_check(&p, cf, root);
	if (p.p_errors > 0)
		goto fail;

	dircopy = xstrdup(path);
	cf->cf_dir = xstrdup(dirname(dircopy));
	free(dircopy);
	if (cf->cf_queries_dir[0] != '/')
		xasprintf(&qd, "%s/%s", cf->cf_dir, cf->cf_queries_dir);
	else
		qd = xstrdup(cf->cf_queries_dir);
	cf->cf_queries_path = qd;
	cf->cf_queries_at = ynode_place(ynode_at(ynode_at(root, "queries"),
	    "dir"), path);
	ynode_free(root);
	free(text);
	return cf;
fail:
	if (p.p_errors > CONFIG_MAX_ERRORS)
		fprintf(err, "%s: ... and %d more errors\n", path,
		    p.p_errors - CONFIG_MAX_ERRORS);
	ynode_free(root);
	free(text);
	config_free(cf);
	return NULL;
}

static void
free_keys(const struct key *keys, void *base)
{
	const struct key *k;
	const struct kind *kind;
	void		*elems;
	char		**strs;
	size_t		 n, i;

	for (k = keys; k->k_name != NULL; k++) {
		switch (k->k_type) {
		case K_MAP:
			free_keys(k->k_sub, base);
			break;
		case K_LIST:
			elems = *(void **)((char *)base + k->k_off);
			n = *(size_t *)((char *)base + k->k_cnt_off);
			for (i = 0; elems != NULL && i < n; i++)
				free_keys(k->k_sub, (char *)elems + i * k->k_elem);
			free(elems);
			break;
		case K_STRLIST:
		case K_STRMAP:
			strs = *(char ***)((char *)base + k->k_off);
			n = *(size_t *)((char *)base + k->k_cnt_off);
			if (k->k_type == K_STRMAP)
				n *= 2;
			for (i = 0; strs != NULL && i < n; i++)
				free(strs[i]);
			free(strs);
			break;
		case K_KIND:
			kind = *(const struct kind **)((char *)base + k->k_off);
			elems = *(void **)((char *)base + k->k_cnt_off);
			if (kind != NULL && elems != NULL)
				free_keys(kind->kd_keys, elems);
			free(elems);
			break;
		case K_STR:
		case K_SQL:
		case K_ADDR:
		case K_SECRET:
			free(*(char **)((char *)base + k->k_off));
			break;
		default:
			break;
		}
	}
}

void
config_free(struct config *cf)
{
	if (cf == NULL)
		return;
	free_keys(top_keys, cf);
	free(cf->cf_file);
	free(cf->cf_dir);
	free(cf->cf_queries_path);
	free(cf->cf_queries_at);
	free(cf);
}

/* ------------------------------------------------------------------ */
/* Printing */

/*
 * The length of the character at s if a YAML stream cannot hold it raw
 * (C0 controls, DEL, C1 controls, U+FFFE, U+FFFF) or would read it as a
 * line break (NEL, U+2028, U+2029), with its code point in *cp; else 0.
 * s is valid UTF-8 (a file is, and so is a -D value).
 */
static size_t
yaml_unsafe(const char *s, unsigned int *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x20 || u[0] == 0x7f) {
		*cp = u[0];
		return 1;
	}
	if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) {
		*cp = u[1];
		return 2;
	}
	if ((u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9)) ||
	    (u[0] == 0xef && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf))) {
		*cp = (u[0] & 0x0f) << 12 | (u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		return 3;
	}
	return 0;
}

/* s as a plain scalar if it can be one, else double-quoted. */
static void
print_string(FILE *f, const char *s)
{
	unsigned int	cp;
	size_t		i, n, plain = *s != '\0' &&
			    strcspn(s, ":#{}[],&*!|>'\"%@`\\") == strlen(s) &&
			    s[0] != ' ' && s[0] != '-' && s[0] != '?' &&
			    s[strlen(s) - 1] != ' ';

	for (i = 0; plain && s[i] != '\0'; i++)
		if (yaml_unsafe(s + i, &cp) > 0)
			plain = 0;
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (i = 0; s[i] != '\0'; i += n) {
		if ((n = yaml_unsafe(s + i, &cp)) > 0)
			fprintf(f, "\\u%04x", cp);
		else {
			if (s[i] == '"' || s[i] == '\\')
				fputc('\\', f);
			fputc(s[i], f);
			n = 1;
		}
	}
	fputc('"', f);
}

/*
 * A connection string or URL with its password masked: the value of a
 * password=... pair, and the password of a URL's user:password@.
 */
static void
print_secret(FILE *f, const char *s)
{
	struct buf	 b;
	const char	*p, *end, *at, *colon;
	char		*masked;

	buf_init(&b, 0);
	if ((p = strstr(s, "://")) != NULL) {
		p += 3;
		end = p + strcspn(p, "/?#");
		at = NULL;
		for (colon = p; colon < end; colon++)
			if (*colon == '@')
				at = colon;
		colon = at != NULL ? memchr(p, ':', at - p) : NULL;
		if (colon != NULL) {
			buf_add(&b, s, colon + 1 - s);
			buf_puts(&b, "***");
			s = at;
		}
	}
	while ((p = strstr(s, "password")) != NULL) {
		end = p + 8;
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end != '=' || (p > s && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_'))) {
			buf_add(&b, s, end - s);
			s = end;
			continue;
		}
		end++;
		while (*end == ' ' || *end == '\t')
			end++;
		buf_add(&b, s, end - s);
		buf_puts(&b, "***");
		if (*end == '\'') {
			for (end++; *end != '\0' && *end != '\''; end++)
				if (*end == '\\' && end[1] != '\0')
					end++;
			if (*end == '\'')
				end++;
		} else
			end += strcspn(end, " \t&");
		s = end;
	}
	buf_puts(&b, s);
	masked = buf_take(&b, NULL);
	print_string(f, masked != NULL ? masked : "");
	free(masked);
}

/*
 * A URL whose path and query are a secret, as a webhook's: the scheme and
 * host kept, user info and the rest masked.
 */
static void
print_secret_url(FILE *f, const char *s)
{
	const char	*host, *end, *at;
	char		*masked;

	if ((host = strstr(s, "://")) == NULL) {
		print_string(f, "***");
		return;
	}
	host += 3;
	end = host + strcspn(host, "/?#");
	if ((at = memchr(host, '@', end - host)) != NULL)
		host = at + 1;
	xasprintf(&masked, "%.*s%.*s/***", (int)(strstr(s, "://") + 3 - s), s,
	    (int)(end - host), host);
	print_string(f, masked);
	free(masked);
}

static void
print_block(FILE *f, const char *s, int indent)
{
	const char	*nl;
	unsigned int	 cp;
	size_t		 len = strlen(s), i;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	/*
	 * A block scalar takes its indentation from its first line and
	 * cannot hold control characters: anything else is quoted.
	 */
	for (i = 0; i < len && s[0] != ' ' && s[0] != '\t' && s[0] != '\n'; i++)
		if (s[i] != '\n' && yaml_unsafe(s + i, &cp) > 0)
			break;
	if (len == 0 || i < len) {
		print_string(f, s);
		fputc('\n', f);
		return;
	}
	fputs("|\n", f);
	while (len > 0) {
		nl = memchr(s, '\n', len);
		if (nl == NULL)
			nl = s + len;
		if (nl > s)
			fprintf(f, "%*s%.*s\n", indent, "", (int)(nl - s), s);
		else
			fputc('\n', f);
		len -= nl - s;
		s = nl;
		if (len > 0) {
			s++;
			len--;
		}
	}
}

static void
print_keys(FILE *f, const struct key *keys, const void *base, int indent,
    int first_dash)
{
	const struct key *k;
	const struct kind *kind;
	const void	*elems;
	char		**strs;
	const char	*s;
	char		 b[32];
	size_t		 n, i;
	int		 pad;

	for (k = keys; k->k_name != NULL; k++) {
		/*
		 * No probes is no probes key: "probes: []" is refused as a
		 * list whose entries went missing (config_check).
		 */
		if (keys == top_keys && strcmp(k->k_name, "probes") == 0 &&
		    *(const size_t *)((const char *)base + k->k_cnt_off) == 0)
			continue;
		pad = indent;
		if (first_dash && k == keys) {
			fprintf(f, "%*s- ", indent - 2, "");
			pad = 0;
		}
		fprintf(f, "%*s%s:", pad, "", k->k_name);
		switch (k->k_type) {
		case K_MAP:
			fputc('\n', f);
			print_keys(f, k->k_sub, base, indent + 2, 0);
			break;
		case K_LIST:
			elems = *(void *const *)((const char *)base + k->k_off);
			n = *(const size_t *)((const char *)base + k->k_cnt_off);
			if (n == 0) {
				fputs(" []\n", f);
				break;
			}
			fputc('\n', f);
			for (i = 0; i < n; i++)
				print_keys(f, k->k_sub, (const char *)elems +
				    i * k->k_elem, indent + 4, 1);
			break;
		case K_KIND:
			kind = *(const struct kind *const *)((const char *)base +
			    k->k_off);
			fprintf(f, " %s\n", kind->kd_name);
			print_keys(f, kind->kd_keys, *(void *const *)((const char *)
			    base + k->k_cnt_off), indent, 0);
			break;
		case K_STRMAP:
			strs = *(char **const *)((const char *)base + k->k_off);
			n = *(const size_t *)((const char *)base + k->k_cnt_off);
			fputs(" {", f);
			for (i = 0; i < n; i++) {
				fputs(i ? ", " : "", f);
				print_string(f, strs[2 * i]);
				fputs(": ", f);
				print_string(f, strs[2 * i + 1]);
			}
			fputs("}\n", f);
			break;
		case K_STRLIST:
			strs = *(char **const *)((const char *)base + k->k_off);
			n = *(const size_t *)((const char *)base + k->k_cnt_off);
			fputs(" [", f);
			for (i = 0; i < n; i++) {
				fputs(i ? ", " : "", f);
				print_string(f, strs[i]);
			}
			fputs("]\n", f);
			break;
		case K_SQL:
			fputc(' ', f);
			print_block(f, *(char *const *)((const char *)base +
			    k->k_off), indent + 2);
			break;
		case K_STR:
		case K_ADDR:
			fputc(' ', f);
			print_string(f, *(char *const *)((const char *)base +
			    k->k_off));
			fputc('\n', f);
			break;
		case K_SECRET:
			fputc(' ', f);
			if (k->k_min == 1)
				print_secret_url(f, *(char *const *)((const
				    char *)base + k->k_off));
			else
				print_secret(f, *(char *const *)((const char *)
				    base + k->k_off));
			fputc('\n', f);
			break;
		case K_INT:
			fprintf(f, " %" PRId64 "\n", *(const int64_t *)
			    ((const char *)base + k->k_off));
			break;
		case K_DUR:
			fprintf(f, " %s\n", fmt_duration(*(const int64_t *)
			    ((const char *)base + k->k_off), b, sizeof(b)));
			break;
		case K_SIZE:
			fprintf(f, " %s\n", fmt_size(*(const int64_t *)
			    ((const char *)base + k->k_off), b, sizeof(b)));
			break;
		case K_ENUM:
			s = k->k_enums[*(const int64_t *)((const char *)base +
			    k->k_off)];
			fprintf(f, " %s\n", s);
			break;
		}
	}
}

void
config_print(const struct config *cf, FILE *f)
{
	print_keys(f, top_keys, cf, 0, 0);
}

static const char *
key_type_name(const struct key *k)
{
	switch (k->k_type) {
	case K_STR:
	case K_SECRET:
		return "string";
	case K_SQL:
		return "sql";
	case K_INT:
		return "integer";
	case K_DUR:
		return "duration";
	case K_SIZE:
		return "size";
	case K_ENUM:
		return "enum";
	case K_ADDR:
		return "address";
	case K_STRLIST:
		return "list of strings";
	case K_MAP:
		return "mapping";
	case K_LIST:
		return "list";
	case K_STRMAP:
		return "mapping of strings";
	case K_KIND:
		return "kind";
	}
	return "?";
}

static void
print_key_list(FILE *f, const struct key *keys, const char *prefix,
    const char *kind)
{
	const struct key *k;
	const struct kind *const *kd;
	char		*path;

	for (k = keys; k->k_name != NULL; k++) {
		xasprintf(&path, "%s%s%s", prefix, *prefix ? "." : "",
		    k->k_name);
		fprintf(f, "%s\t%s\t%s\t%s%s%s%s\n", path, key_type_name(k),
		    k->k_type == K_MAP || k->k_type == K_LIST ||
		    k->k_type == K_STRLIST || k->k_type == K_STRMAP ? "-" :
		    k->k_default == NULL ? "required" : *k->k_default == '\0' ?
		    "\"\"" : k->k_default, kind ? "(" : "", kind ? kind : "",
		    kind ? ") " : "", k->k_help);
		if (k->k_type == K_MAP)
			print_key_list(f, k->k_sub, path, kind);
		else if (k->k_type == K_LIST) {
			free(path);
			xasprintf(&path, "%s%s%s[]", prefix, *prefix ? "." : "",
			    k->k_name);
			print_key_list(f, k->k_sub, path, kind);
		} else if (k->k_type == K_KIND) {
			for (kd = k->k_kinds; *kd != NULL; kd++) {
				free(path);
				xasprintf(&path, "%s %s", k->k_name,
				    (*kd)->kd_name);
				print_key_list(f, (*kd)->kd_keys, prefix, path);
			}
		}
		free(path);
	}
}

void
config_print_keys(FILE *f)
{
	print_key_list(f, top_keys, "", NULL);
}
