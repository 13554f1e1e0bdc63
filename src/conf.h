/* conf.h -- YAML configuration: one key table, errors with file:line:col */

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

#ifndef VANTAGE_CONF_H
#define VANTAGE_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kind;

enum value_type {
	VT_INTEGER,
	VT_REAL,
	VT_TEXT,
	VT_BOOLEAN
};

/* An index table copied from discovery into every run. */
struct table_conf {
	char	*tc_name;
	char	*tc_query;	/* SQL run against the discovery database */
	char	**tc_indexes;	/* columns to index (with run_id first) */
	size_t	 tc_nindexes;
};

#define ITEMS_SCOPE_NODE	0	/* the items query runs for each node */
#define ITEMS_SCOPE_RUN		1	/* once a run, naming the nodes */

struct probe_conf {
	char	*pc_name;	/* table probe_<name> */
	int64_t	 pc_method;	/* 0 GET, 1 POST */
	char	*pc_path;	/* appended to the node url */
	char	*pc_items;	/* SQL with :node_id yielding one column; NULL = one request per node */
	int64_t	 pc_items_scope;	/* ITEMS_SCOPE_NODE or ITEMS_SCOPE_RUN */
	int64_t	 pc_batch;	/* items per request */
	char	*pc_body;	/* template; {{items}} becomes a JSON array */
	char	*pc_content_type;
	const struct kind *pc_answer;	/* probes[].answer: a struct answer_kind */
	void	*pc_answer_conf;	/* its own settings (answer-<kind>.c) */
};

/* A user of HTTP basic authentication. */
struct basic_conf {
	char	*bc_user;
	char	*bc_password_hash;	/* crypt(3): $2b$..., $y$..., $6$... */
};

/* A webhook of the notify section. */
struct webhook_conf {
	char	*wc_url;
	int64_t	 wc_format;	/* 0 json, 1 slack */
};

struct config {
	char	*cf_file;		/* path given with -c */
	char	*cf_dir;		/* its directory, for relative queries.dir */

	char	*cf_store_path;
	int64_t	 cf_keep_runs;		/* runs whose snapshot and probe rows are kept */
	int64_t	 cf_retention_ms;	/* samples older than this are deleted; 0 keeps all */
	int64_t	 cf_rollup_retention_ms;	/* hourly and daily rollups; 0 keeps all */
	int64_t	 cf_run_log_retention_ms;	/* the run log of finished runs; 0 keeps all */
	int64_t	 cf_store_max_size;	/* bytes the store may grow to; 0: no cap */

	char	*cf_listen;		/* host:port */
	int64_t	 cf_http_threads;
	int64_t	 cf_http_max_conn;
	int64_t	 cf_http_max_conn_ip;
	int64_t	 cf_http_timeout_ms;	/* nothing sent or received */
	int64_t	 cf_http_request_timeout_ms;	/* to a complete request */
	char	*cf_tls_cert;		/* "" = plain HTTP */
	char	*cf_tls_key;
	char	*cf_tls_client_ca;	/* "" = no client certificates */
	char	**cf_bearer_sha256;	/* hex SHA-256 of accepted tokens */
	size_t	 cf_nbearer;
	struct basic_conf *cf_basic;
	size_t	 cf_nbasic;
	int64_t	 cf_interval_ms;

	const struct kind *cf_source;	/* discovery.source: a struct source_kind */
	void	*cf_source_conf;	/* its own settings (source-<kind>.c) */
	int64_t	 cf_disc_timeout_ms;
	int64_t	 cf_disc_max_stale;	/* runs that may keep an old node list */
	struct table_conf *cf_tables;
	size_t	 cf_ntables;

	int64_t	 cf_concurrency;
	int64_t	 cf_per_node;
	int64_t	 cf_timeout_ms;
	int64_t	 cf_connect_timeout_ms;
	int64_t	 cf_retries;
	int64_t	 cf_backoff_ms;
	int64_t	 cf_backoff_max_ms;
	int64_t	 cf_max_response;
	int64_t	 cf_memory_limit;	/* bytes of answers in flight, all transfers */
	char	**cf_deny;		/* CIDR ranges never connected to */
	size_t	 cf_ndeny;
	char	*cf_user_agent;

	struct probe_conf *cf_probes;
	size_t	 cf_nprobes;

	struct webhook_conf *cf_webhooks;
	size_t	 cf_nwebhooks;
	int64_t	 cf_notify_timeout_ms;	/* one delivery attempt */
	int64_t	 cf_notify_retries;
	int64_t	 cf_notify_backoff_ms;
	int64_t	 cf_notify_backoff_max_ms;
	int64_t	 cf_notify_queue;	/* events waiting per webhook */
	int64_t	 cf_events_backlog;	/* events kept for /api/v1/events */
	int64_t	 cf_events_max_subscribers;
	char	*cf_rw_url;		/* remote_write.url; "" = off */
	char	*cf_rw_monitor;		/* the external label monitor; "" = host name */
	int64_t	 cf_rw_timeout_ms;
	int64_t	 cf_rw_backoff_ms;
	int64_t	 cf_rw_backoff_max_ms;
	int64_t	 cf_rw_max_pending;	/* runs queued at most */

	char	**cf_windows;		/* history.windows, durations as written */
	size_t	 cf_nwindows;

	char	*cf_queries_dir;	/* as written */
	char	*cf_others;		/* label value of folded series */
	char	*cf_queries_path;	/* resolved against cf_dir */
	char	*cf_queries_at;		/* where queries.dir is set: file:line:col */

	/* params: name, value, name, value, ...; each bound as :name. */
	char	**cf_params;
	size_t	 cf_nparams;		/* pairs */
};

/*
 * Load path (NULL: the built-in default, conf/audius.yaml as installed) and
 * apply overrides, each "key.path=value".  Every error is printed to err as
 * "file:line:col: message"; returns NULL if there was any.
 */
struct config	*config_load(const char *path, char **overrides, size_t noverrides,
		    FILE *err);
void		 config_free(struct config *);	/* accepts NULL */
/* The normalized configuration, defaults filled in, as YAML. */
void		 config_print(const struct config *, FILE *);
/* Every known key with type, default and help, one per line (man page check). */
void		 config_print_keys(FILE *);
/* Where the default configuration lives. */
const char	*config_default_path(void);

#endif
