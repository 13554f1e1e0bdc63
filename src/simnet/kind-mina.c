/* kind-mina.c -- the mina kind: a fleet of Mina daemons' Prometheus metrics, file_sd and truth */

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

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "buf.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

/*
 * Metric names as MinaProtocol/mina src/lib/mina_metrics/prometheus_metrics
 * builds them (namespace Mina, <namespace>_<subsystem>_<name>), served as
 * text/plain; version=0.0.4 on GET /metrics.  Block lengths stand still;
 * uptime grows with the clock, and a `restarted` node starts again from 0
 * after its first answer.
 */

#define MN_FORK_BLOCKS	5	/* the profile's default params.fork_blocks */

enum {
	MN_BASE = 201,
	MN_NODE
};

static const char *const mn_roles[] = {
	"block_producer", "seed", "snark_worker", "archive"
};

struct mn_node {
	int64_t		 mn_length;	/* max_blocklength_observed */
	int64_t		 mn_uptime_ms;	/* at the simulator's start */
	int		 mn_peers;
	int		 mn_all_peers;
	int		 mn_banned;
	int		 mn_fork;	/* longest_fork */
};

struct mn_net {
	int64_t		 mn_top;
	double		 mn_start;	/* now_mono() at generation */
	double		*mn_restart;	/* [k]: when it restarted, 0: not */
	pthread_mutex_t	 mn_lock;
	struct mn_node	*mn_nodes;
};

static void
mina_gen(struct simnet *sn)
{
	struct mn_net	*mn;
	struct mn_node	*m;
	uint64_t	 s;
	int		 k;

	gen_nodes(sn);
	mn = xcalloc(1, sizeof(*mn));
	sn->sn_kstate = mn;
	pthread_mutex_init(&mn->mn_lock, NULL);
	mn->mn_start = now_mono();
	s = rng_seed(sn->sn_seed, MN_BASE, 0);
	mn->mn_top = 300000 + rng_below(&s, 100000);
	mn->mn_nodes = xcalloc(sn->sn_nnodes, sizeof(*mn->mn_nodes));
	mn->mn_restart = xcalloc(sn->sn_nnodes, sizeof(*mn->mn_restart));
	for (k = 0; k < sn->sn_nnodes; k++) {
		m = &mn->mn_nodes[k];
		s = rng_seed(sn->sn_seed, MN_NODE, k + 1);
		m->mn_length = mn->mn_top - rng_below(&s, 3);
		m->mn_uptime_ms = 3600000 + (int64_t)rng_below(&s, 1000000000);
		m->mn_peers = 5 + (int)rng_below(&s, 60);
		m->mn_all_peers = m->mn_peers + (int)rng_below(&s, 20);
		m->mn_banned = (int)rng_below(&s, 4);
		m->mn_fork = (int)rng_below(&s, 3);
		if (sn->sn_nodes[k].nd_fault == SN_FAULT_LAGGING)
			m->mn_length = mn->mn_top - MN_FORK_BLOCKS - 1 -
			    rng_below(&s, 35);
	}
}

static int
mina_write(const struct simnet *sn, const char *path)
{
	json_t	*root;
	char	*text, target[96], mpath[32];
	int	 k, rv, port;

	root = json_array();
	for (k = 0; k < sn->sn_nnodes; k++) {
		port = sn->sn_nodes[k].nd_fault == SN_FAULT_DOWN ?
		    sn->sn_down_port : sn->sn_port;
		snprintf(target, sizeof(target), "%s:%d", sn->sn_host, port);
		snprintf(mpath, sizeof(mpath), "/cn/%d", k + 1);
		json_array_append_new(root, json_pack("{s:[s],s:{s:s,s:s}}",
		    "targets", target, "labels", "__metrics_path__", mpath,
		    "role", mn_roles[k % nitems(mn_roles)]));
	}
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		fatalx("json_dumps");
	rv = write_file_atomic(path, text, strlen(text));
	free(text);
	return rv;
}

static void
mn_metric(struct buf *b, const char *name, const char *type,
    const char *help, double v)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help,
	    name, type, name, v);
}

static void
mina_metrics(struct answer *an, struct simnet *sn, struct sn_node *nd)
{
	struct mn_net	*mn = sn->sn_kstate;
	struct mn_node	*m = &mn->mn_nodes[nd->nd_spid - 1];
	double		 now = now_mono(), uptime, *restart;

	uptime = (double)m->mn_uptime_ms + (now - mn->mn_start) * 1000;
	if (nd->nd_fault == SN_FAULT_RESTARTED) {
		restart = &mn->mn_restart[nd->nd_spid - 1];
		pthread_mutex_lock(&mn->mn_lock);
		if (*restart != 0)
			uptime = (now - *restart) * 1000;
		else
			*restart = now;	/* restarts right after this answer */
		pthread_mutex_unlock(&mn->mn_lock);
	}
	an->an_status = MHD_HTTP_OK;
	an->an_ctype = "text/plain; version=0.0.4; charset=utf-8";
	buf_puts(&an->an_body, "# HELP process_cpu_seconds_total Total user "
	    "and system CPU time spent in seconds.\n# TYPE "
	    "process_cpu_seconds_total counter\nprocess_cpu_seconds_total "
	    "1234.5\n");
	mn_metric(&an->an_body, "Mina_Transition_frontier_max_blocklength_"
	    "observed", "gauge", "max blocklength observed by the system",
	    (double)m->mn_length);
	mn_metric(&an->an_body, "Mina_Transition_frontier_best_tip_block_"
	    "height", "gauge", "Height of most recent best tip",
	    (double)m->mn_length);
	mn_metric(&an->an_body, "Mina_Transition_frontier_longest_fork",
	    "gauge", "Length of the longest path in the frontier",
	    m->mn_fork);
	mn_metric(&an->an_body, "Mina_Runtime_process_uptime_ms_total",
	    "counter", "Total time spent running the process (ms)",
	    (double)(int64_t)uptime);
	mn_metric(&an->an_body, "Mina_Network_peers", "gauge",
	    "# of peers seen through gossip net", m->mn_peers);
	mn_metric(&an->an_body, "Mina_Network_all_peers", "gauge",
	    "# of peers ever seen through gossip net", m->mn_all_peers);
	mn_metric(&an->an_body, "Mina_Trust_system_banned_peers", "gauge",
	    "Number of peers banned", m->mn_banned);
	buf_puts(&an->an_body, "# HELP Mina_Network_rpc_latency_ms_summary "
	    "RPC latency\n# TYPE Mina_Network_rpc_latency_ms_summary summary\n"
	    "Mina_Network_rpc_latency_ms_summary{quantile=\"0.5\"} 12\n"
	    "Mina_Network_rpc_latency_ms_summary_sum 1200\n"
	    "Mina_Network_rpc_latency_ms_summary_count 100\n");
}

static void
mina_answer(struct simnet *sn, struct sn_node *nd, const char *method,
    const char *rest, const struct buf *body, struct answer *an)
{
	(void)body;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed");
		an->an_allow = "GET, HEAD";
	} else if (strcmp(rest, "/metrics") == 0)
		mina_metrics(an, sn, nd);
	else {
		an->an_status = MHD_HTTP_NOT_FOUND;
		an->an_ctype = "text/plain";
		buf_puts(&an->an_body, "not found\n");
	}
}

static json_t *
mina_truth(const struct simnet *sn)
{
	const struct mn_net *mn = sn->sn_kstate;
	const struct mn_node *m;
	json_t		*root, *nodes, *samples, *lb;
	int64_t		 top = -1;
	uint64_t	 down = 0, fork = 0, ok = 0;
	char		 url[128];
	const char	*status;
	int		 k, up;

	for (k = 0; k < sn->sn_nnodes; k++)
		if (!simnet_fault_unanswered(sn->sn_nodes[k].nd_fault) &&
		    mn->mn_nodes[k].mn_length > top)
			top = mn->mn_nodes[k].mn_length;
	root = json_object();
	json_object_set_new(root, "kind", json_string("mina"));
	json_object_set_new(root, "seed", json_integer((json_int_t)sn->sn_seed));
	json_object_set_new(root, "note", json_string("mina_node_restarts_"
	    "total holds from a monitor's second run on"));
	json_object_set_new(root, "families", json_pack("[s,s,s,s,s,s,s,s]",
	    "mina_nodes", "mina_node_up", "mina_node_blocklength",
	    "mina_fleet_blocklength", "mina_node_blocks_behind",
	    "mina_node_peers", "mina_node_banned_peers",
	    "mina_node_restarts_total"));
	nodes = json_array();
	samples = json_array();
	for (k = 0; k < sn->sn_nnodes; k++) {
		m = &mn->mn_nodes[k];
		snprintf(url, sizeof(url), "http://%s:%d/cn/%d", sn->sn_host,
		    sn->sn_nodes[k].nd_fault == SN_FAULT_DOWN ?
		    sn->sn_down_port : sn->sn_port, k + 1);
		up = !simnet_fault_unanswered(sn->sn_nodes[k].nd_fault);
		if (!up) {
			status = "down";
			down++;
		} else if (top - m->mn_length > MN_FORK_BLOCKS) {
			status = "fork_suspect";
			fork++;
		} else {
			status = "ok";
			ok++;
		}
		json_array_append_new(nodes, json_pack("{s:i,s:s,s:s,s:s}",
		    "k", k + 1, "url", url, "fault",
		    simnet_fault_name(sn->sn_nodes[k].nd_fault),
		    "status", status));
		lb = json_pack("{s:s}", "url", url);
		truth_sample(samples, "mina_node_up", json_deep_copy(lb), up);
		truth_sample(samples, "mina_node_restarts_total",
		    json_deep_copy(lb),
		    sn->sn_nodes[k].nd_fault == SN_FAULT_RESTARTED);
		if (up) {
			truth_sample(samples, "mina_node_blocklength",
			    json_deep_copy(lb), (double)m->mn_length);
			truth_sample(samples, "mina_node_blocks_behind",
			    json_deep_copy(lb), (double)(top - m->mn_length));
			truth_sample(samples, "mina_node_peers",
			    json_deep_copy(lb), m->mn_peers);
			truth_sample(samples, "mina_node_banned_peers",
			    json_deep_copy(lb), m->mn_banned);
		}
		json_decref(lb);
	}
	truth_sample(samples, "mina_nodes", json_pack("{s:s}", "status",
	    "down"), (double)down);
	truth_sample(samples, "mina_nodes", json_pack("{s:s}", "status",
	    "fork_suspect"), (double)fork);
	truth_sample(samples, "mina_nodes", json_pack("{s:s}", "status",
	    "ok"), (double)ok);
	if (top >= 0)
		truth_sample(samples, "mina_fleet_blocklength", json_object(),
		    (double)top);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "samples", samples);
	return root;
}

static void
mina_free(struct simnet *sn)
{
	struct mn_net *mn = sn->sn_kstate;

	if (mn == NULL)
		return;
	pthread_mutex_destroy(&mn->mn_lock);
	free(mn->mn_nodes);
	free(mn->mn_restart);
	free(mn);
	sn->sn_kstate = NULL;
}

const struct sn_kind sn_kind_mina = {
	.sk_name = "mina",
	.sk_input = "file_sd JSON",
	.sk_faults = SN_FAULTS_TRANSPORT | SN_F(SN_FAULT_LAGGING) |
	    SN_F(SN_FAULT_RESTARTED),
	.sk_gen = mina_gen,
	.sk_write = mina_write,
	.sk_answer = mina_answer,
	.sk_truth = mina_truth,
	.sk_free = mina_free,
};
