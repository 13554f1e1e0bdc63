/* t-probe.c -- request bodies and the probe scheduler against an in-process server */

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

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "discover.h"
#include "log.h"
#include "probe.h"
#include "rows.h"
#include "store.h"
#include "tap.h"
#include "util.h"
#include "xmalloc.h"

#define NNODES		4
#define MAXUPLOAD	(64 * 1024)

/*
 * The server answers POST /n<k>/<anything> with body {"ids": [...]}: a row
 * {"id": <id as sent>, "clock": N} for each id "uN" or integer N, in
 * reverse order, with a row for an id never asked and none for "missing";
 * after 0.1s, or 2s under /n<k>/slow/; under /n<k>/boom/ a batch with the
 * id "u5" fails (HTTP 500).
 * It counts, per node, requests, ids and the most requests in flight.
 * Shared with the MHD threads under srv_mu.
 */
static pthread_mutex_t srv_mu = PTHREAD_MUTEX_INITIALIZER;
static int	srv_requests[NNODES], srv_ids[NNODES];	/* ids: of /users */
static int	srv_cur[NNODES], srv_max[NNODES];
static char	srv_sizes[NNODES][64];	/* batch sizes of /users, in order */
static unsigned short srv_port;

struct upload {
	char	*u_data;
	size_t	 u_len;
};

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status, char *body)
{
	struct MHD_Response *resp;
	enum MHD_Result	 ret;

	resp = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static char *
answer_ids(json_t *ids)
{
	json_t	*doc, *data, *id, *row;
	size_t	 i;
	char	*s;

	data = json_array();
	for (i = json_array_size(ids); i-- > 0;) {
		id = json_array_get(ids, i);
		if (json_is_string(id) &&
		    strcmp(json_string_value(id), "missing") == 0)
			continue;
		row = json_pack("{sOsI}", "id", id, "clock", json_is_integer(id) ?
		    json_integer_value(id) :
		    (json_int_t)atoll(json_string_value(id) + 1));
		json_array_append_new(data, row);
		if (i == 0)
			json_array_append_new(data, json_pack("{sssi}", "id",
			    "never-asked", "clock", -5));
	}
	doc = json_pack("{so}", "data", data);
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

/*
 * POST /n<k>/stream answers {"ids": [...]} with {"data": [{"id": <id>,
 * "clock": <its position + 1>}, ...]}, as srv_mode says: whole; cut in
 * the middle, after a stall longer than the crawl's timeout, on the first
 * request to the node (its clocks then -7), whole on the next; closed in
 * the middle; whole but with a byte too many at the end; or whole without
 * a length (chunked), to go over max_response as it comes.
 */
enum { MODE_WHOLE, MODE_STALL, MODE_CLOSE, MODE_BADEND, MODE_CHUNKED };
static int	srv_mode, srv_stream_calls[NNODES];

struct cut {
	char	*c_body;
	size_t	 c_len;
	size_t	 c_stop;	/* bytes sent before it stops */
	int	 c_stall;
};

static ssize_t
cut_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut	*c = cls;
	size_t		 n;

	if (pos >= c->c_stop) {
		if (c->c_stall)
			usleep(1500000);	/* past the crawl's timeout */
		return pos >= c->c_len ? MHD_CONTENT_READER_END_OF_STREAM :
		    MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = c->c_stop - pos < max ? c->c_stop - pos : max;
	memcpy(buf, c->c_body + pos, n);
	return (ssize_t)n;
}

static void
cut_free(void *cls)
{
	struct cut	*c = cls;

	free(c->c_body);
	free(c);
}

static enum MHD_Result
serve_stream(struct MHD_Connection *conn, int node, json_t *ids)
{
	struct MHD_Response *resp;
	struct cut	*c;
	json_t		*data, *doc;
	enum MHD_Result	 ret;
	size_t		 i;
	int		 first, stall;

	pthread_mutex_lock(&srv_mu);
	first = ++srv_stream_calls[node] == 1;
	pthread_mutex_unlock(&srv_mu);
	stall = srv_mode == MODE_STALL && first;
	data = json_array();
	for (i = 0; i < json_array_size(ids); i++)
		json_array_append_new(data, json_pack("{sOsI}", "id",
		    json_array_get(ids, i), "clock", stall ? (json_int_t)-7 :
		    (json_int_t)i + 1));
	doc = json_pack("{so}", "data", data);
	c = calloc(1, sizeof(*c));
	c->c_body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	c->c_len = strlen(c->c_body);
	if (srv_mode == MODE_BADEND) {
		c->c_body = realloc(c->c_body, c->c_len + 2);
		memcpy(c->c_body + c->c_len++, "]", 2);
	}
	c->c_stop = stall || srv_mode == MODE_CLOSE ? c->c_len / 2 : c->c_len;
	c->c_stall = stall;
	resp = MHD_create_response_from_callback(srv_mode == MODE_CHUNKED ?
	    MHD_SIZE_UNKNOWN : c->c_len, 4096, cut_cb, c, cut_free);
	if (resp == NULL) {
		cut_free(c);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int
ids_have(json_t *ids, const char *id)
{
	size_t	i;

	for (i = 0; i < json_array_size(ids); i++)
		if (json_is_string(json_array_get(ids, i)) &&
		    strcmp(json_string_value(json_array_get(ids, i)), id) == 0)
			return 1;
	return 0;
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct upload	*u = *con_cls;
	json_t		*doc, *ids;
	char		*body, num[8];
	int		 node;

	if (u == NULL) {
		if ((u = calloc(1, sizeof(*u))) == NULL)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (u->u_len + *upload_size > MAXUPLOAD)
			return MHD_NO;
		if ((u->u_data = realloc(u->u_data, u->u_len +
		    *upload_size)) == NULL)
			return MHD_NO;
		memcpy(u->u_data + u->u_len, upload_data, *upload_size);
		u->u_len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	if (sscanf(url, "/n%d/", &node) != 1 || node < 0 || node >= NNODES ||
	    (doc = json_loadb(u->u_data ? u->u_data : "", u->u_len, 0,
	    NULL)) == NULL)
		return reply(conn, 404, strdup("nope"));
	ids = json_object_get(doc, "ids");
	if (strstr(url, "/boom/") != NULL && ids_have(ids, "u5")) {
		json_decref(doc);
		return reply(conn, 500, strdup("boom"));
	}
	if (strstr(url, "/stream") != NULL) {
		enum MHD_Result ret = serve_stream(conn, node, ids);

		json_decref(doc);
		return ret;
	}
	pthread_mutex_lock(&srv_mu);
	srv_requests[node]++;
	if (++srv_cur[node] > srv_max[node])
		srv_max[node] = srv_cur[node];
	if (strstr(url, "/users") != NULL) {
		srv_ids[node] += json_array_size(ids);
		snprintf(num, sizeof(num), "%s%zu", srv_sizes[node][0] ? "," :
		    "", json_array_size(ids));
		strncat(srv_sizes[node], num, sizeof(srv_sizes[node]) -
		    strlen(srv_sizes[node]) - 1);
	}
	pthread_mutex_unlock(&srv_mu);
	/* Long enough for requests to overlap; /slow/: for the others to end. */
	usleep(strstr(url, "/slow/") != NULL ? 2000000 : 100000);
	pthread_mutex_lock(&srv_mu);
	srv_cur[node]--;
	pthread_mutex_unlock(&srv_mu);
	body = answer_ids(ids);
	json_decref(doc);
	return reply(conn, 200, body);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct upload	*u = *con_cls;

	if (u != NULL) {
		free(u->u_data);
		free(u);
		*con_cls = NULL;
	}
}

static struct MHD_Daemon *
server_start(void)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, serve, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
	    MHD_OPTION_END);
	if (d == NULL)
		return NULL;
	if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL || info->port == 0) {
		MHD_stop_daemon(d);
		return NULL;
	}
	srv_port = info->port;
	return d;
}

static void
test_body(void)
{
	char	*items[] = { (char *)"0xabc", (char *)"say \"hi\"\\\n",
	    (char *)"42" };
	int	 is_int3[] = { 0, 0, 1 };
	int	 all_int[] = { 1, 1 };
	char	*nums[] = { (char *)"7", (char *)"-12" };
	char	*body;
	size_t	 len = 0;
	json_t	*j;

	body = probe_body("{\"walletPublicKeys\": {{items}}}", items, NULL, 2,
	    &len);
	is_str("{\"walletPublicKeys\": [\"0xabc\",\"say \\\"hi\\\"\\\\\\u000a\"]}",
	    body, "{{items}} becomes a JSON array of escaped strings");
	is_int(strlen(body), len, "  length returned");
	j = json_loads(body, 0, NULL);
	ok(j != NULL && strcmp(json_string_value(json_pointer(j,
	    "/walletPublicKeys/1")), "say \"hi\"\\\n") == 0,
	    "  and parses back to the same items");
	json_decref(j);
	free(body);

	body = probe_body("{{items}}", items, is_int3, 3, &len);
	is_str("[\"0xabc\",\"say \\\"hi\\\"\\\\\\u000a\",42]", body,
	    "integer items are sent as numbers, others as strings");
	free(body);

	body = probe_body("ids={{items}}&x=1", nums, all_int, 2, &len);
	is_str("ids=[7,-12]&x=1", body, "text around {{items}} is kept");
	free(body);

	body = probe_body("{\"items\": {{items}}}", NULL, NULL, 0, &len);
	is_str("{\"items\": []}", body, "no items make an empty array");
	free(body);

	body = probe_body("{\"static\": true}", items, NULL, 2, &len);
	is_str("{\"static\": true}", body, "a template without {{items}} is kept");
	is_int(16, len, "  with its length");
	free(body);
}

/* ------------------------------------------------------------------ */
/* The scheduler: probe_crawl against the server above. */

static char	 tmp[64];
static struct store *st;

static struct value_conf values[] = {
	{ .vc_column = (char *)"clock", .vc_pointer = (char *)"/clock",
	    .vc_type = VT_INTEGER },
};

static struct answer_json_conf probe_json = {
	.aj_rows = (char *)"/data", .aj_key = (char *)"/id",
	.aj_values = values, .aj_nvalues = 1,
};

static struct probe_conf probes[] = {
	{ .pc_name = (char *)"users", .pc_method = 1, .pc_path = (char *)"/users",
	  .pc_items = (char *)"SELECT item FROM want WHERE node_id = :node_id "
	      "ORDER BY seq",
	  .pc_batch = 2, .pc_body = (char *)"{\"ids\": {{items}}}",
	  .pc_content_type = (char *)"application/json",
	  .pc_answer = &answer_json.ak_kind, .pc_answer_conf = &probe_json },
	{ .pc_name = (char *)"keyed", .pc_method = 1, .pc_path = (char *)"/keyed",
	  .pc_items = (char *)"SELECT item, key FROM wantk WHERE "
	      "node_id = :node_id ORDER BY seq",
	  .pc_batch = 3, .pc_body = (char *)"{\"ids\": {{items}}}",
	  .pc_content_type = (char *)"application/json",
	  .pc_answer = &answer_json.ak_kind, .pc_answer_conf = &probe_json },
};

static void
config_init(struct config *cf, int64_t per_node)
{
	memset(cf, 0, sizeof(*cf));
	cf->cf_concurrency = 8;
	cf->cf_per_node = per_node;
	cf->cf_timeout_ms = 10000;
	cf->cf_connect_timeout_ms = 5000;
	cf->cf_retries = 0;
	cf->cf_backoff_ms = 10;
	cf->cf_backoff_max_ms = 10;
	cf->cf_max_response = 1024 * 1024;
	cf->cf_user_agent = (char *)"t-probe";
	cf->cf_probes = probes;
	cf->cf_nprobes = nitems(probes);
}

/* Node k of ns: id "n<k>" at url. */
static void
node_set(struct nodeset *ns, size_t k, const char *url, int url_ok)
{
	struct node	*n = &ns->ns_nodes[k];
	sqlite3_stmt	*q;
	char		 id[16];

	snprintf(id, sizeof(id), "n%zu", k);
	q = store_prepare(st, "SELECT ?1");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	n->n_id = sqlite3_value_dup(sqlite3_column_value(q, 0));
	sqlite3_finalize(q);
	n->n_url = xstrdup(url);
	n->n_url_orig = xstrdup(url);
	n->n_url_ok = url_ok;
	if (!url_ok)
		n->n_last_error = xstrdup("unusable url");
}

/* The integer the first row of sql yields, or -999. */
static long long
query_int(const char *sql)
{
	sqlite3_stmt	*q;
	long long	 v = -999;

	if ((q = store_prepare(st, sql)) == NULL)
		return v;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    sqlite3_column_type(q, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void
test_crawl(void)
{
	struct config	 cf;
	struct nodeset	 ns;
	struct probe_counts counts[2];
	volatile sig_atomic_t stop = 0;
	char		 url[64];
	int		 rc;

	store_exec(st, "CREATE TABLE want (seq INTEGER PRIMARY KEY, node_id, "
	    "item)");
	store_exec(st, "CREATE TABLE wantk (seq INTEGER PRIMARY KEY, node_id, "
	    "item, key)");
	/* n0: 7 rows, 5 items; n1: integers; n2: 10 items, unreachable. */
	store_exec(st, "INSERT INTO want (node_id, item) VALUES "
	    "('n0', 'u1'), ('n0', 'u2'), ('n0', 'u1'), ('n0', 'u3'), "
	    "('n0', 'missing'), ('n0', 'u2'), ('n0', 'u5'), "
	    "('n1', 10), ('n1', 11), ('n1', 10), ('n1', 12), "
	    "('n2', 'u1'), ('n2', 'u2'), ('n2', 'u3'), ('n2', 'u4'), "
	    "('n2', 'u5'), ('n2', 'u6'), ('n2', 'u7'), ('n2', 'u8'), "
	    "('n2', 'u9'), ('n2', 'u10'), ('n3', 'u1'), ('n3', 'u2')");
	/* Keys: k1 twice (the first wins); u1 asked for two keys. */
	store_exec(st, "INSERT INTO wantk (node_id, item, key) VALUES "
	    "('n0', 'u1', 'k1'), ('n0', 'u2', 'k1'), ('n0', 'u1', 'k2'), "
	    "('n0', 'u3', 'k3')");

	config_init(&cf, 2);
	ok(probe_prepare_tables(&cf, st) == 0, "probe tables created");
	ns.ns_len = NNODES;
	ns.ns_nodes = xcalloc(NNODES, sizeof(*ns.ns_nodes));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/n0", srv_port);
	node_set(&ns, 0, url, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/n1", srv_port);
	node_set(&ns, 1, url, 1);
	node_set(&ns, 2, "http://127.0.0.1:9/n2", 1);
	node_set(&ns, 3, "ftp://127.0.0.1/n3", 0);

	/* First the reachable nodes; n2 gets no items yet. */
	store_exec(st, "UPDATE want SET node_id = 'x2' WHERE node_id = 'n2'");
	rc = probe_crawl(&cf, st, 1, &ns, counts, &stop);
	is_int(0, rc, "a crawl of two nodes and a node with an unusable url");

	is_int(5, srv_ids[0], "n0: duplicate items are asked once (5 of 7)");
	/* The third batch may reach the server before the second does. */
	ok(strcmp(srv_sizes[0], "2,2,1") == 0 ||
	    strcmp(srv_sizes[0], "2,1,2") == 0, "  in batches of at most 2 "
	    "(%s)", srv_sizes[0]);
	is_int(2, srv_max[0], "  at most 2 requests in flight to the node");
	is_int(5, query_int("SELECT count(*) FROM probe_users WHERE run_id = 1 "
	    "AND node_id = 'n0'"), "  one row per distinct item");
	is_int(4, query_int("SELECT count(*) FROM probe_users WHERE run_id = 1 "
	    "AND node_id = 'n0' AND clock = substr(item, 2) AND error IS NULL"),
	    "  each answered with its own values, whatever the answer's order");
	is_int(1, query_int("SELECT count(*) FROM probe_users WHERE run_id = 1 "
	    "AND item = 'missing' AND clock IS NULL AND "
	    "error = 'missing from answer'"), "  an item not in the answer: "
	    "NULL and missing from answer");
	is_int(0, query_int("SELECT count(*) FROM probe_users WHERE "
	    "item = 'never-asked'"), "  the answer's row for an item never "
	    "asked is ignored");

	is_int(3, query_int("SELECT count(*) FROM probe_users WHERE run_id = 1 "
	    "AND node_id = 'n1' AND typeof(item) = 'integer' AND clock = item"),
	    "n1: integer items, sent as numbers, matched by integer keys");
	is_int(3, srv_ids[1], "  and asked once each");

	is_int(3, query_int("SELECT count(*) FROM probe_keyed WHERE run_id = 1 "
	    "AND node_id = 'n0'"), "keyed items: one row per distinct key");
	is_int(1, query_int("SELECT clock FROM probe_keyed WHERE item = 'k1'"),
	    "  the first row of a duplicate key wins");
	is_int(1, query_int("SELECT clock FROM probe_keyed WHERE item = 'k2'"),
	    "  an item asked for two keys answers both");
	is_int(3, query_int("SELECT clock FROM probe_keyed WHERE item = 'k3'"),
	    "  and the rest as usual");

	is_int(2, query_int("SELECT count(*) FROM probe_users WHERE node_id = "
	    "'n3' AND clock IS NULL AND error = 'unusable url'"),
	    "a node with an unusable url: a row per item with the reason");
	is_int(0, srv_requests[3], "  and no request");

	is_int(4, ns.ns_nodes[0].n_requests, "n0 counters: requests");
	is_int(8, ns.ns_nodes[0].n_items, "  items");
	is_int(1, ns.ns_nodes[0].n_unanswered, "  unanswered");
	is_int(10, counts[0].pc_items, "probe counters: items");
	is_int(3, counts[0].pc_unanswered, "  unanswered");
	is_int(5, counts[0].pc_requests[CRAWL_OK], "  requests by outcome");

	/* Then the unreachable node, one request at a time. */
	store_exec(st, "UPDATE want SET node_id = 'n2' WHERE node_id = 'x2'");
	config_init(&cf, 1);
	rc = probe_crawl(&cf, st, 2, &ns, counts, &stop);
	is_int(0, rc, "a crawl with an unreachable node completes");
	is_int(3, ns.ns_nodes[2].n_requests,
	    "n2: given up on after 3 unreachable requests");
	is_int(10, query_int("SELECT count(*) FROM probe_users WHERE run_id = 2 "
	    "AND node_id = 'n2' AND clock IS NULL AND error IS NOT NULL"),
	    "  every item still has a row, without values");
	is_int(4, query_int("SELECT count(*) FROM probe_users WHERE run_id = 2 "
	    "AND node_id = 'n2' AND error = 'node unreachable: skipped after 3 "
	    "failed requests in a row'"), "  those never asked say why");
	is_int(6, query_int("SELECT count(*) FROM probe_users WHERE run_id = 2 "
	    "AND node_id = 'n2' AND error NOT LIKE 'node unreachable: %'"),
	    "  those asked (3 batches of 2) have the request's error");
	nodeset_release(&ns);
}

/* ------------------------------------------------------------------ */
/* Rows held in memory: what goes in comes out of vantage_rows. */

/* A rows_source over a rowbuf's rows, each after a prefix cell. */
struct src_state {
	const unsigned char	*ss_data;
	const unsigned char	*ss_prefix;
	size_t			 ss_len, ss_off;
};

static const unsigned char *
src_next(void *arg, size_t len, const unsigned char **prefixp)
{
	struct src_state *ss = arg;

	ss->ss_off += len;
	if (ss->ss_off >= ss->ss_len)
		return NULL;
	*prefixp = ss->ss_prefix;
	return ss->ss_data + ss->ss_off;
}

static void
test_rows_source(void)
{
	struct rowbuf	*rb = rowbuf_new(3), *pb = rowbuf_new(1), *cb;
	struct rows_source rs;
	struct src_state ss;
	sqlite3_stmt	*q;
	const unsigned char *cells[7], *data;
	size_t		 i, len, at, bad = 0;
	char		 out[160];

	rowbuf_int(rb, 1);
	rowbuf_text(rb, "a", 1);
	rowbuf_null(rb);
	rowbuf_int(rb, -300);
	rowbuf_text(rb, "bb", 2);
	rowbuf_real(rb, 2.5);
	rowbuf_int(rb, INT64_MAX);
	rowbuf_text(rb, "", 0);
	rowbuf_text(rb, "x", 1);
	q = store_prepare(st, "SELECT x'00ff'");
	sqlite3_step(q);
	rowbuf_value(pb, sqlite3_column_value(q, 0));
	sqlite3_finalize(q);
	memset(&ss, 0, sizeof(ss));
	ss.ss_data = rowbuf_bytes(rb, &ss.ss_len);
	ss.ss_prefix = rowbuf_bytes(pb, &len);
	rs.rs_width = 4;
	rs.rs_next = src_next;
	rs.rs_arg = &ss;
	store_exec(st, "CREATE VIRTUAL TABLE temp.rt4 USING vantage_rows(4)");
	q = store_prepare(st, "SELECT group_concat(typeof(c0) || ':' || hex(c0) "
	    "|| ':' || c1 || ':' || c2 || ':' || coalesce(c3, 'N'), ';') "
	    "FROM temp.rt4 WHERE src = ?1");
	rows_bind_source(q, 1, &rs);
	out[0] = '\0';
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	is_str("blob:00FF:1:a:N;blob:00FF:-300:bb:2.5;"
	    "blob:00FF:9223372036854775807::x", out, "rows: a rows_source's "
	    "rows, each after its prefix cell, read in place");
	ss.ss_off = 0;
	rs.rs_width = 3;
	rows_bind_source(q, 1, &rs);
	ok(sqlite3_step(q) == SQLITE_ERROR, "  a source of another width is "
	    "refused");
	sqlite3_finalize(q);
	store_exec(st, "DROP TABLE temp.rt4");

	/* SQLite's order of values, cell by cell. */
	cb = rowbuf_new(1);
	rowbuf_null(cb);
	rowbuf_int(cb, INT64_MIN);
	rowbuf_real(cb, -0.5);
	rowbuf_int(cb, 3);
	rowbuf_text(cb, "a", 1);
	rowbuf_text(cb, "ab", 2);
	q = store_prepare(st, "SELECT x'00'");
	sqlite3_step(q);
	rowbuf_value(cb, sqlite3_column_value(q, 0));
	sqlite3_finalize(q);
	data = rowbuf_bytes(cb, &len);
	for (i = 0, at = 0; i < 7 && at < len; i++) {
		cells[i] = data + at;
		at += rows_cell_len(data + at);
	}
	for (i = 1; i < 7; i++)
		bad += rows_cell_cmp(cells[i - 1], cells[i]) >= 0 ||
		    rows_cell_cmp(cells[i], cells[i - 1]) <= 0 ||
		    rows_cell_cmp(cells[i], cells[i]) != 0;
	is_int(0, bad, "  cells compare in SQLite's order: NULL, numbers (an "
	    "integer against a real), text by its bytes, blobs");
	rowbuf_free(cb);
	rowbuf_free(rb);
	rowbuf_free(pb);
}

static void
test_rows(void)
{
	static const int64_t ints[] = { 0, 1, -1, 127, 128, -128, -129, 255,
	    32767, -32768, 8388608, INT64_C(1) << 40, -(INT64_C(1) << 40),
	    INT64_MAX, INT64_MIN, (INT64_C(1) << 55) - 1, INT64_C(1) << 55,
	    -(INT64_C(1) << 55), -(INT64_C(1) << 55) - 1, INT64_C(2147483647),
	    -INT64_C(2147483649), 8388607, -8388609 };
	struct rowbuf	*rb = rowbuf_new(4);
	sqlite3_stmt	*q;
	char		 text[300], want[32];
	size_t		 i, n = nitems(ints), good = 0, len;

	memset(text, 'x', sizeof(text));
	for (i = 0; i < n; i++) {
		rowbuf_int(rb, ints[i]);
		rowbuf_real(rb, (double)ints[i] / 4);
		len = i * 20 % sizeof(text);	/* 0, and past 127 bytes */
		rowbuf_text(rb, text, len);
		if (i % 2)
			rowbuf_null(rb);
		else
			rowbuf_text(rb, "", 0);
	}
	is_int(n, rowbuf_rows(rb), "rows: as many rows as were filled");
	ok(store_exec(st, "CREATE VIRTUAL TABLE temp.rt USING "
	    "vantage_rows(4)") == 0, "  read through vantage_rows");
	q = store_prepare(st, "SELECT c0, typeof(c0), c1, c2, length(c2), "
	    "typeof(c3), c3 FROM temp.rt WHERE src = ?1");
	rows_bind(q, 1, rb);
	for (i = 0; i < n && sqlite3_step(q) == SQLITE_ROW; i++) {
		len = i * 20 % sizeof(text);
		snprintf(want, sizeof(want), "%s", i % 2 ? "null" : "text");
		if (sqlite3_column_int64(q, 0) == ints[i] &&
		    strcmp((const char *)sqlite3_column_text(q, 1),
		    "integer") == 0 &&
		    sqlite3_column_double(q, 2) == (double)ints[i] / 4 &&
		    (size_t)sqlite3_column_int64(q, 4) == len &&
		    memcmp(sqlite3_column_text(q, 3), text, len) == 0 &&
		    strcmp((const char *)sqlite3_column_text(q, 5), want) == 0)
			good++;
		else
			printf("# row %zu (%lld) differs\n", i,
			    (long long)ints[i]);
	}
	is_int(n, good, "  every integer (1 to 8 bytes, signed), real, text "
	    "and NULL as it went in");
	ok(sqlite3_step(q) == SQLITE_DONE, "  and no more rows");
	sqlite3_finalize(q);
	rowbuf_trim(rb);
	rowbuf_reset(rb);
	is_int(0, rowbuf_rows(rb), "  none after a reset");
	rowbuf_free(rb);
	store_exec(st, "DROP TABLE temp.rt");
	test_rows_source();
}

/* ------------------------------------------------------------------ */
/* Rows written in key order: batches wait for a slow node before them. */

static struct probe_conf ko_probe[] = {
	{ .pc_name = (char *)"ko", .pc_method = 1, .pc_path = (char *)"/ko",
	  .pc_items = (char *)"SELECT item FROM wantko WHERE "
	      "node_id = :node_id ORDER BY item",
	  .pc_batch = 2, .pc_body = (char *)"{\"ids\": {{items}}}",
	  .pc_content_type = (char *)"application/json",
	  .pc_answer = &answer_json.ak_kind, .pc_answer_conf = &probe_json },
};

#define KO_FAST_REQUESTS	7	/* n1: 5 items, n2: 4, n3: 3; 2 a batch */

struct ko_watch {
	int			 kw_stopping;	/* then stop the crawl */
	volatile sig_atomic_t	*kw_stop;
	int64_t			 kw_items;	/* rows written by then, or -1 */
};

/* Once every request but the slow node's has ended: rows written so far. */
static void
ko_progress(const struct probe_progress *pp, void *arg)
{
	struct ko_watch	*kw = arg;

	if (pp->pp_requests != KO_FAST_REQUESTS || kw->kw_items != -1)
		return;
	kw->kw_items = pp->pp_items;
	if (kw->kw_stopping)
		*kw->kw_stop = 1;
}

/* Crawl run_id with the slow node n0 first in key order. */
static int
ko_crawl(struct config *cf, struct nodeset *ns, int64_t run_id,
    struct ko_watch *kw, struct probe_counts *counts)
{
	volatile sig_atomic_t stop = 0;
	int		 rc;

	kw->kw_items = -1;
	kw->kw_stop = &stop;
	probe_set_progress(ko_progress, kw);
	rc = probe_crawl(cf, st, run_id, ns, counts, &stop);
	probe_set_progress(NULL, NULL);
	return rc;
}

/* Rows of run_id with the answer's clock, as expected: 15 for a whole run. */
static long long
ko_rows(int64_t run_id)
{
	char	sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_ko WHERE "
	    "run_id = %lld AND clock = substr(item, 2) AND error IS NULL",
	    (long long)run_id);
	return query_int(sql);
}

static void
test_key_order(void)
{
	struct config	 cf;
	struct nodeset	 ns;
	struct probe_counts counts[1];
	struct ko_watch	 kw;
	char		 url[64];
	size_t		 k;
	long long	 cache;
	int		 rc;
	static const int items[NNODES] = { 3, 5, 4, 3 };

	store_exec(st, "CREATE TABLE wantko (node_id, item)");
	store_exec(st, "INSERT INTO wantko VALUES ('n0', 'u1'), ('n0', 'u2'), "
	    "('n0', 'u3'), ('n1', 'u1'), ('n1', 'u2'), ('n1', 'u3'), "
	    "('n1', 'u4'), ('n1', 'u5'), ('n2', 'u6'), ('n2', 'u7'), "
	    "('n2', 'u8'), ('n2', 'u9'), ('n3', 'u1'), ('n3', 'u4'), "
	    "('n3', 'u7')");
	config_init(&cf, 2);
	cf.cf_probes = ko_probe;
	cf.cf_nprobes = nitems(ko_probe);
	ok(probe_prepare_tables(&cf, st) == 0, "key order: probe table");
	/* Listed last, n0 (the slow one) sorts first. */
	ns.ns_len = NNODES;
	ns.ns_nodes = xcalloc(NNODES, sizeof(*ns.ns_nodes));
	for (k = 0; k < NNODES; k++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/n%zu%s",
		    srv_port, (NNODES - 1 - k), k == NNODES - 1 ? "/slow" : "");
		node_set(&ns, NNODES - 1 - k, url, 1);
	}

	memset(&kw, 0, sizeof(kw));
	cache = query_int("PRAGMA cache_size");
	rc = ko_crawl(&cf, &ns, 3, &kw, counts);
	is_int(0, rc, "a slow node first in key order: the crawl completes");
	is_int(cache, query_int("PRAGMA cache_size"), "  the store's page "
	    "cache is as it was");
	is_int(0, kw.kw_items, "  the other nodes' rows wait for it");
	is_int(15, ko_rows(3), "  then every row is written, once, with its "
	    "values");
	for (k = 0, rc = 0; k < NNODES; k++)
		rc += ns.ns_nodes[k].n_items == items[k];
	is_int(NNODES, rc, "  each node counts its items");
	is_int(15, counts[0].pc_items, "  and the probe all of them");

	/* A hold limit below one batch: nothing waits for the slow node. */
	cf.cf_max_response = 4 * 1024;
	cf.cf_memory_limit = 16 * 256;
	for (k = 0; k < NNODES; k++)
		ns.ns_nodes[k].n_items = 0;
	rc = ko_crawl(&cf, &ns, 4, &kw, counts);
	is_int(0, rc, "past the hold limit: the crawl completes");
	ok(kw.kw_items >= 10, "  the other nodes' rows are written as they "
	    "come (%lld before the slow node's)", (long long)kw.kw_items);
	is_int(15, ko_rows(4), "  every row written once, with its values");
	for (k = 0, rc = 0; k < NNODES; k++)
		rc += ns.ns_nodes[k].n_items == items[k];
	is_int(NNODES, rc, "  each node counts its items");
	cf.cf_memory_limit = 0;

	/* Stopped while rows wait: they are not written, nor counted. */
	kw.kw_stopping = 1;
	for (k = 0; k < NNODES; k++)
		ns.ns_nodes[k].n_items = 0;
	rc = ko_crawl(&cf, &ns, 5, &kw, counts);
	is_int(-1, rc, "stopped while rows wait for the slow node: -1");
	is_int(0, kw.kw_items, "  the rows were waiting");
	is_int(0, query_int("SELECT count(*) FROM probe_ko WHERE run_id = 5"),
	    "  none is written");
	for (k = 0, rc = 0; k < NNODES; k++)
		rc += ns.ns_nodes[k].n_items;
	is_int(0, rc, "  nor counted for its node");
	is_int(0, counts[0].pc_items, "  nor for the probe");
	nodeset_release(&ns);
}

/*
 * Rows in the table's key order, (item, node_id), across the nodes: a
 * trigger logs each insert.  Discovery lists the nodes out of key order,
 * one node has a single batch, one node's middle batch fails (its items
 * written off), and batches end in any order: every row is still
 * appended in key order.  A node whose items query yields them out of
 * order is asked in that order and not waited for: its rows are all
 * written, the others' still in order.
 */
static struct probe_conf io_probe[] = {
	{ .pc_name = (char *)"io", .pc_method = 1, .pc_path = (char *)"/io",
	  .pc_items = (char *)"SELECT item FROM wantio WHERE "
	      "node_id = :node_id ORDER BY ord",
	  .pc_batch = 2, .pc_body = (char *)"{\"ids\": {{items}}}",
	  .pc_content_type = (char *)"application/json",
	  .pc_answer = &answer_json.ak_kind, .pc_answer_conf = &probe_json },
};

static const char *query_text(const char *, char *, size_t);

/* At the crawl's first report (its table made), the trigger. */
static void
io_progress(const struct probe_progress *pp, void *arg)
{
	int64_t	*run_id = arg;
	char	 sql[256];

	(void)pp;
	if (*run_id == 0)
		return;
	snprintf(sql, sizeof(sql), "CREATE TEMP TRIGGER io_log AFTER INSERT "
	    "ON main.probe_io_run%lld BEGIN INSERT INTO io_log "
	    "(node_id, item) VALUES (new.node_id, new.item); END",
	    (long long)*run_id);
	store_exec(st, sql);
	*run_id = 0;
}

static void
test_item_order(void)
{
	static const int order[NNODES] = { 2, 0, 3, 1 };	/* listed */
	static const int items[NNODES] = { 9, 1, 5, 3 };	/* n0 .. n3 */
	struct config	 cf;
	struct nodeset	 ns;
	struct probe_counts counts[1];
	volatile sig_atomic_t stop = 0;
	sqlite3_stmt	*q;
	char		 url[80], id[8], text[64];
	size_t		 k;
	int64_t		 arm = 8;
	int		 rc, ok_items;

	store_exec(st, "CREATE TABLE wantio (node_id, item, ord)");
	/* n0: u1 .. u9; n1: one item; n2: its middle batch (u5, u7) fails;
	 * n3: three, yielded backwards. */
	store_exec(st, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 "
	    "FROM i WHERE n < 9) INSERT INTO wantio SELECT 'n0', 'u' || n, n "
	    "FROM i");
	store_exec(st, "INSERT INTO wantio VALUES ('n1', 'u4', 1), "
	    "('n2', 'u1', 1), ('n2', 'u3', 2), ('n2', 'u5', 3), ('n2', 'u7', 4), "
	    "('n2', 'u9', 5), ('n3', 'u2', 3), ('n3', 'u6', 2), ('n3', 'u8', 1)");
	store_exec(st, "CREATE TEMP TABLE io_log (node_id, item)");
	/*
	 * One request a node at a time: a node not waited for (n3) has its
	 * rows written as its answers come, so in the order it was asked
	 * only when one answer cannot overtake another.
	 */
	config_init(&cf, 1);
	cf.cf_probes = io_probe;
	cf.cf_nprobes = nitems(io_probe);
	cf.cf_retries = 0;
	ok(probe_prepare_tables(&cf, st) == 0, "item order: probe table");
	ns.ns_len = NNODES;
	ns.ns_nodes = xcalloc(NNODES, sizeof(*ns.ns_nodes));
	for (k = 0; k < NNODES; k++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/n%d%s",
		    srv_port, order[k], order[k] == 2 ? "/boom" : "");
		node_set(&ns, k, url, 1);
		sqlite3_value_free(ns.ns_nodes[k].n_id);
		snprintf(id, sizeof(id), "n%d", order[k]);
		q = store_prepare(st, "SELECT ?1");
		sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_step(q);
		ns.ns_nodes[k].n_id = sqlite3_value_dup(sqlite3_column_value(q,
		    0));
		sqlite3_finalize(q);
	}
	probe_set_progress(io_progress, &arm);
	rc = probe_crawl(&cf, st, 8, &ns, counts, &stop);
	probe_set_progress(NULL, NULL);
	is_int(0, rc, "item order: the crawl completes");
	is_int(18, query_int("SELECT count(*) FROM temp.io_log"),
	    "  every row inserted once");
	is_int(0, query_int("WITH o AS (SELECT row_number() OVER (ORDER BY "
	    "rowid) AS k, node_id, item FROM temp.io_log WHERE node_id <> 'n3') "
	    "SELECT count(*) FROM o a JOIN o b ON b.k = a.k + 1 WHERE "
	    "(b.item, b.node_id) <= (a.item, a.node_id)"), "  in the order "
	    "(item, node_id), the nodes listed out of it");
	is_str("u8,u6,u2", query_text("SELECT group_concat(item) FROM (SELECT "
	    "item FROM temp.io_log WHERE node_id = 'n3' ORDER BY rowid)", text,
	    sizeof(text)), "  a node's items yielded out of order: asked and "
	    "written so");
	is_int(16, query_int("SELECT count(*) FROM probe_io WHERE run_id = 8 "
	    "AND clock = substr(item, 2) AND error IS NULL"), "  each answered "
	    "row with its values");
	is_int(2, query_int("SELECT count(*) FROM probe_io WHERE run_id = 8 AND "
	    "node_id = 'n2' AND item IN ('u5', 'u7') AND clock IS NULL AND "
	    "error LIKE '%500%'"), "  the failed batch's items written off");
	for (k = 0, ok_items = 0; k < NNODES; k++)
		ok_items += ns.ns_nodes[k].n_items == items[order[k]];
	is_int(NNODES, ok_items, "  each node counts its items");
	is_int(18, counts[0].pc_items, "  and the probe all of them");
	store_exec(st, "DROP TRIGGER temp.io_log");
	nodeset_release(&ns);
}

/*
 * Node ids of every kind SQLite orders (integers at the int64 limits, a
 * real, text with a byte past 0x7f): the key order decides
 * what the inserts cost, never which rows go in.  The slow node is
 * INT64_MIN, first in key order; the others' rows wait for it.
 */
static void
test_key_order_ids(void)
{
	static const char *ids[NNODES] = { "9223372036854775807", "-0.5",
	    "char(233)", "-9223372036854775807 - 1" };
	static const int items[NNODES] = { 5, 4, 3, 1 };
	struct config	 cf;
	struct nodeset	 ns;
	struct probe_counts counts[1];
	struct ko_watch	 kw;
	sqlite3_stmt	*q;
	char		 url[64], sql[160];
	size_t		 k;
	int64_t		 run_id;
	int		 rc;

	/* As many requests to the fast nodes as KO_FAST_REQUESTS. */
	store_exec(st, "WITH i(k, item) AS (VALUES (0, 'u1'), (0, 'u2'), "
	    "(0, 'u3'), (0, 'u4'), (0, 'u5'), (1, 'u1'), (1, 'u2'), (1, 'u3'), "
	    "(1, 'u4'), (2, 'u5'), (2, 'u6'), (2, 'u7'), (3, 'u8')) "
	    "INSERT INTO wantko SELECT CASE k WHEN 0 THEN 9223372036854775807 "
	    "WHEN 1 THEN -0.5 WHEN 2 THEN char(233) ELSE "
	    "-9223372036854775807 - 1 END, item FROM i");
	config_init(&cf, 2);
	cf.cf_probes = ko_probe;
	cf.cf_nprobes = nitems(ko_probe);
	ns.ns_len = NNODES;
	ns.ns_nodes = xcalloc(NNODES, sizeof(*ns.ns_nodes));
	for (k = 0; k < NNODES; k++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/n%zu%s",
		    srv_port, k, k == NNODES - 1 ? "/slow" : "");
		node_set(&ns, k, url, 1);
		sqlite3_value_free(ns.ns_nodes[k].n_id);
		snprintf(sql, sizeof(sql), "SELECT %s", ids[k]);
		q = store_prepare(st, sql);
		sqlite3_step(q);
		ns.ns_nodes[k].n_id = sqlite3_value_dup(sqlite3_column_value(q,
		    0));
		sqlite3_finalize(q);
	}
	/* Waiting for the slow node, then past a hold limit below a batch. */
	for (run_id = 6; run_id <= 7; run_id++) {
		memset(&kw, 0, sizeof(kw));
		for (k = 0; k < NNODES; k++)
			ns.ns_nodes[k].n_items = 0;
		rc = ko_crawl(&cf, &ns, run_id, &kw, counts);
		is_int(0, rc, "node ids of every kind (run %lld): the crawl "
		    "completes", (long long)run_id);
		if (run_id == 6)
			is_int(0, kw.kw_items, "  the other nodes' rows wait for "
			    "the slow one");
		else
			ok(kw.kw_items >= 10, "  past the hold limit they do "
			    "not (%lld before its)", (long long)kw.kw_items);
		is_int(13, ko_rows(run_id), "  every row written once, with "
		    "its values");
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM probe_ko p "
		    "JOIN wantko w USING (node_id, item) WHERE p.run_id = %lld",
		    (long long)run_id);
		is_int(13, query_int(sql), "  under the node id it was asked "
		    "for");
		for (k = 0, rc = 0; k < NNODES; k++)
			rc += ns.ns_nodes[k].n_items == items[k];
		is_int(NNODES, rc, "  each node counts its items");
		is_int(13, counts[0].pc_items, "  and the probe all of them");
		cf.cf_max_response = 4 * 1024;
		cf.cf_memory_limit = 16 * 256;
	}
	nodeset_release(&ns);
}

/* The text the first row of sql yields ("" if none) in out. */
static const char *
query_text(const char *sql, char *out, size_t len)
{
	sqlite3_stmt	*q;

	out[0] = '\0';
	if ((q = store_prepare(st, sql)) == NULL)
		return out;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    sqlite3_column_type(q, 0) != SQLITE_NULL)
		snprintf(out, len, "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return out;
}

static struct probe_conf stream_probe = {
	.pc_name = (char *)"stream", .pc_method = 1, .pc_path = (char *)"/stream",
	.pc_items = (char *)"SELECT item, node_id FROM many",
	.pc_items_scope = ITEMS_SCOPE_RUN,
	.pc_batch = 5000, .pc_body = (char *)"{\"ids\": {{items}}}",
	.pc_content_type = (char *)"application/json",
	.pc_answer = &answer_json.ak_kind, .pc_answer_conf = &probe_json
};

/*
 * Run the stream probe (run run_id) in mode; per node, "rows, answered,
 * distinct clocks, clocks of the failed attempt, the first error" in out.
 */
static void
stream_run(int mode, int64_t run_id, int64_t max_response, char out[2][256])
{
	struct config	 cf;
	struct nodeset	 ns;
	struct probe_counts counts[1];
	volatile sig_atomic_t stop = 0;
	char		 url[64], *sql;
	size_t		 k;

	config_init(&cf, 2);
	cf.cf_probes = &stream_probe;
	cf.cf_nprobes = 1;
	cf.cf_retries = 1;
	cf.cf_timeout_ms = 1000;
	cf.cf_max_response = max_response;
	srv_mode = mode;
	memset(srv_stream_calls, 0, sizeof(srv_stream_calls));
	ns.ns_len = 2;
	ns.ns_nodes = xcalloc(2, sizeof(*ns.ns_nodes));
	for (k = 0; k < 2; k++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/n%zu", srv_port,
		    k);
		node_set(&ns, k, url, 1);
	}
	if (probe_crawl(&cf, st, run_id, &ns, counts, &stop) != 0)
		printf("# the crawl of run %lld failed\n", (long long)run_id);
	for (k = 0; k < 2; k++) {
		xasprintf(&sql, "SELECT printf('%%d,%%d,%%d,%%d,%%s', count(*), "
		    "count(clock), count(DISTINCT clock), count(clock = -7 OR "
		    "NULL), ifnull(min(error), '')) FROM probe_stream WHERE "
		    "run_id = %lld AND node_id = 'n%zu'", (long long)run_id, k);
		query_text(sql, out[k], 256);
		free(sql);
	}
	nodeset_release(&ns);
}

/*
 * Answers read as they arrive: a request retried after its answer was cut
 * keeps the rows of the answer that came whole only; an answer cut for
 * good, invalid at its very end or over max_response gives no row with a
 * value, every item written off with the reason.  Node n0 asks about 3000
 * items read where the body holds them; n1 about 101, one of which the
 * body holds escaped.
 */
static void
test_stream(void)
{
	char		 out[2][256];

	store_exec(st, "CREATE TABLE many (item, node_id)");
	store_exec(st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO many "
	    "SELECT 'u' || i, 'n0' FROM n");
	store_exec(st, "INSERT INTO many SELECT item, 'n1' FROM many WHERE "
	    "rowid <= 100");
	store_exec(st, "INSERT INTO many VALUES ('say \"hi\"', 'n1')");

	stream_run(MODE_WHOLE, 10, 1024 * 1024, out);
	is_str("3000,3000,3000,0,", out[0], "a whole answer read as it comes: "
	    "every item its own value");
	is_str("101,101,101,0,", out[1], "  and so with an item the body "
	    "escapes");
	stream_run(MODE_STALL, 11, 1024 * 1024, out);
	is_int(2, srv_stream_calls[0], "an answer cut after a stall is asked "
	    "again");
	is_str("3000,3000,3000,0,", out[0], "  and only the rows of the "
	    "answer that came whole are kept");
	is_str("101,101,101,0,", out[1], "  on every node");
	stream_run(MODE_CLOSE, 12, 1024 * 1024, out);
	ok(strncmp(out[0], "3000,0,0,0,truncated answer: transfer closed "
	    "with ", 50) == 0, "an answer closed in the middle: no value kept, "
	    "every item says why (%s)", out[0]);
	stream_run(MODE_BADEND, 13, 1024 * 1024, out);
	ok(strncmp(out[0], "3000,0,0,0,malformed answer: trailing garbage",
	    45) == 0, "an answer invalid at its very end, after 3000 valid "
	    "rows: no value kept, every item says why (%s)", out[0]);
	stream_run(MODE_CHUNKED, 14, 16 * 1024, out);
	is_str("3000,0,0,0,answer larger than 16KiB", out[0], "an answer that "
	    "goes over max_response as it comes: no value kept, every item "
	    "says why");
}

int
main(void)
{
	struct MHD_Daemon *d;
	char		 path[128];
	int		 rc;

	alarm(120);
	answer_init();	/* before any JSON value exists */
	log_init("t-probe", getenv("PROBE_DEBUG") != NULL);
	plan(8 + 28 + 8 + 5 + 16 + 12 + 9 + 3);
	test_body();
	if (tap_tmpdir(tmp, sizeof(tmp), "t-probe") == -1)
		return 1;
	snprintf(path, sizeof(path), "%s/store.db", tmp);
	if ((d = server_start()) == NULL || (st = store_open(path)) == NULL) {
		printf("Bail out! cannot start the server or open the store\n");
		return 1;
	}
	test_crawl();
	test_stream();
	test_rows();
	test_key_order();
	test_key_order_ids();
	test_item_order();
	store_close(st);
	MHD_stop_daemon(d);
	rc = done_testing();
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	if (system(path) != 0)
		printf("# could not remove %s\n", tmp);
	return rc;
}
