/* kind-audiusd.c -- the audiusd kind: Audius as it runs today, /health_check, /core/status and truth */

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "buf.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

/*
 * Shapes after AudiusProject/audiusd: a node's /core/nodes/verbose
 * (pkg/core/server/peers.go), mediorum's signed /health_check
 * (pkg/mediorum/server/serve_health.go: 200 healthy, 503 unhealthy, 506
 * wallet not registered, each with its JSON body) and /core/status, a
 * protobuf GetStatusResponse marshalled with encoding/json and omitempty,
 * so false and 0 fields are left out.  Each node's peerHealths says when
 * it last reached every other node, relative to the answer's own
 * timestamp, so the truth does not depend on the clock.
 */

#define AD_CHAIN_ID	"audius-mainnet-alpha-beta"
#define AD_LAG_BLOCKS	10	/* the profile's default params.lag_blocks */
#define AD_REPAIR_BASE	1795000000	/* 2026-11-18, the newest repair */

enum {
	AD_BASE = 401,
	AD_NODE
};

static const char *const ad_versions[] = {
	"0.7.115", "0.7.115", "0.7.115", "0.7.114", "0.7.110"
};

struct ad_node {
	int64_t		 an_height;
	int		 an_synced;
	const char	*an_version;
	int64_t		 an_size;	/* mediorumPathSize */
	int64_t		 an_used;
	int64_t		 an_repair;	/* lastSuccessfulRepair.FinishedAt */
	int		 an_repair_ns;
	char		 an_comet[41];
};

struct ad_net {
	int64_t		 ad_top;
	struct ad_node	*ad_nodes;
};

static void
audiusd_gen(struct simnet *sn)
{
	struct ad_net	*ad;
	struct ad_node	*n;
	uint64_t	 s;
	size_t		 i;
	int		 k;

	gen_nodes(sn);
	ad = xcalloc(1, sizeof(*ad));
	sn->sn_kstate = ad;
	s = rng_seed(sn->sn_seed, AD_BASE, 0);
	ad->ad_top = 5000000 + rng_below(&s, 1000000);
	ad->ad_nodes = xcalloc(sn->sn_nnodes, sizeof(*ad->ad_nodes));
	for (k = 0; k < sn->sn_nnodes; k++) {
		n = &ad->ad_nodes[k];
		s = rng_seed(sn->sn_seed, AD_NODE, k + 1);
		n->an_synced = 1;
		n->an_height = ad->ad_top - rng_below(&s, 3);
		n->an_version = ad_versions[rng_below(&s, nitems(ad_versions))];
		n->an_size = (int64_t)(2000 + rng_below(&s, 6000)) * 1000000000;
		n->an_used = n->an_size / 100 * (5 + rng_below(&s, 90)) +
		    rng_below(&s, 1000000);
		n->an_repair = AD_REPAIR_BASE - (int64_t)rng_below(&s, 86400);
		n->an_repair_ns = 1 + (int)rng_below(&s, 999999998);
		hex_fill(&s, n->an_comet, 40);
		for (i = 0; i < 40; i++)
			if (n->an_comet[i] >= 'a')
				n->an_comet[i] -= 'a' - 'A';
		switch (sn->sn_nodes[k].nd_fault) {
		case SN_FAULT_CATCHING_UP:
			n->an_synced = 0;
			n->an_height = ad->ad_top - 1000 - rng_below(&s, 50000);
			break;
		case SN_FAULT_LAGGING:
			n->an_height = ad->ad_top - AD_LAG_BLOCKS - 1 -
			    rng_below(&s, 40);
			break;
		default:
			break;
		}
	}
}

static const char *
ad_type(int k)
{
	return (k + 1) % 5 == 0 ? "validator" : "content-node";
}

/* The body of /core/nodes/verbose: every node, as the chain lists them. */
static json_t *
ad_verbose(const struct simnet *sn)
{
	const struct ad_net *ad = sn->sn_kstate;
	json_t	*data;
	int	 k;

	data = json_array();
	for (k = 0; k < sn->sn_nnodes; k++)
		json_array_append_new(data, json_pack("{s:s,s:s,s:i,s:s,s:i,"
		    "s:s,s:s}", "owner", sn->sn_nodes[k].nd_signer,
		    "endpoint", sn->sn_nodes[k].nd_endpoint, "spID", k + 1,
		    "type", ad_type(k), "blockNumber", 15000000 + k * 1000,
		    "delegateOwnerWallet", sn->sn_nodes[k].nd_signer,
		    "cometAddress", ad->ad_nodes[k].an_comet));
	return json_pack("{s:o}", "data", data);
}

static int
audiusd_write(const struct simnet *sn, const char *path)
{
	json_t	*root;
	char	*text;
	int	 rv;

	root = ad_verbose(sn);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		fatalx("json_dumps");
	rv = write_file_atomic(path, text, strlen(text));
	free(text);
	return rv;
}

/* Go's time.Time in JSON: RFC 3339 with nanoseconds. */
static void
ad_time(time_t t, int ns, char *out, size_t outsz)
{
	struct tm tm;
	size_t	 n;

	gmtime_r(&t, &tm);
	n = strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, outsz - n, ".%09dZ", ns);
}

/* Can a node reach node j?  Not one that is down or unreachable. */
static int
ad_reachable(const struct simnet *sn, int j)
{
	return sn->sn_nodes[j].nd_fault != SN_FAULT_DOWN &&
	    sn->sn_nodes[j].nd_fault != SN_FAULT_UNREACHABLE;
}

static void
ad_health(struct answer *an, const struct simnet *sn, int k)
{
	const struct ad_node *n =
	    &((struct ad_net *)sn->sn_kstate)->ad_nodes[k];
	const struct sn_node *nd = &sn->sn_nodes[k];
	struct timespec	 now;
	char		 t1[64], t2[64];
	int		 j, healthy, registered, first;
	uint64_t	 s;

	clock_gettime(CLOCK_REALTIME, &now);
	registered = nd->nd_fault != SN_FAULT_UNREGISTERED;
	healthy = registered && nd->nd_fault != SN_FAULT_UNHEALTHY;
	an->an_status = !registered ? 506 : !healthy ?
	    MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK;
	ad_time((time_t)n->an_repair, n->an_repair_ns, t1, sizeof(t1));
	ad_time((time_t)n->an_repair - 3600, 0, t2, sizeof(t2));
	buf_printf(&an->an_body, "{\"data\":{\"healthy\":%s,\"version\":"
	    "\"%s\",\"service\":\"content-node\",\"isSeeding\":false,"
	    "\"isAudiusdManaged\":true,\"builtAt\":\"2025-10-15T00:00:00Z\","
	    "\"startedAt\":\"2026-11-01T00:00:00Z\",\"spID\":%d,"
	    "\"spOwnerWallet\":\"%s\",\"git\":\"8c528cc6a2afd04e771168ebd376"
	    "a2beb67fc6be\",\"mediorumPathUsed\":%" PRId64 ","
	    "\"mediorumPathSize\":%" PRId64 ",\"storageExpectation\":%" PRId64
	    ",\"databaseSize\":12884901888,\"dbSizeErr\":\"\","
	    "\"lastSuccessfulRepair\":{\"StartedAt\":\"%s\",\"FinishedAt\":"
	    "\"%s\",\"CleanupMode\":false,\"CursorI\":0,\"CursorUploadID\":\"\","
	    "\"CursorQmCID\":\"\",\"Counters\":{},\"ContentSize\":%" PRId64 ","
	    "\"Duration\":3600000000000,\"AbortedReason\":\"\"},"
	    "\"uploadsCount\":%d,\"autoUpgradeEnabled\":true,\"env\":\"prod\","
	    "\"self\":{\"host\":\"%s\",\"wallet\":\"%s\"},"
	    "\"wallet_is_registered\":%s,\"replicationFactor\":3,"
	    "\"failsPeerReachability\":false,\"storeAll\":false,"
	    "\"isDbLocalhost\":true,\"diskHasSpace\":true,"
	    "\"isDiscoveryListensEnabled\":true,\"transcodeQueueLength\":0,"
	    "\"peerHealths\":{", healthy ? "true" : "false", n->an_version,
	    nd->nd_spid, nd->nd_signer, n->an_used, n->an_size,
	    n->an_used / 2, t2, t1, n->an_used / 3, 1000 + k,
	    nd->nd_endpoint, nd->nd_signer, registered ? "true" : "false");
	s = rng_seed(sn->sn_seed, AD_NODE + 1000, (uint64_t)k + 1);
	first = 1;
	for (j = 0; j < sn->sn_nnodes; j++) {
		if (j == k)
			continue;
		/* Reached seconds ago, or two hours ago and never since. */
		ad_time(now.tv_sec - (ad_reachable(sn, j) ? 5 +
		    (time_t)rng_below(&s, 55) : 7200), (int)(now.tv_nsec),
		    t1, sizeof(t1));
		buf_printf(&an->an_body, "%s\"%s\":{\"version\":\"%s\","
		    "\"lastReachable\":\"%s\",\"lastHealthy\":\"%s\","
		    "\"reachablePeers\":{}}", first ? "" : ",",
		    sn->sn_nodes[j].nd_endpoint,
		    ((struct ad_net *)sn->sn_kstate)->ad_nodes[j].an_version,
		    t1, t1);
		first = 0;
	}
	buf_puts(&an->an_body, "},\"unreachablePeers\":[");
	first = 1;
	for (j = 0; j < sn->sn_nnodes; j++)
		if (j != k && !ad_reachable(sn, j)) {
			buf_printf(&an->an_body, "%s\"%s\"", first ? "" : ",",
			    sn->sn_nodes[j].nd_endpoint);
			first = 0;
		}
	buf_puts(&an->an_body, "],\"signers\":[]}");
	answer_sign(an, nd);
}

/* GetStatusResponse with omitempty: false and 0 fields left out. */
static void
ad_core_status(struct answer *an, const struct simnet *sn, int k)
{
	const struct ad_node *n =
	    &((struct ad_net *)sn->sn_kstate)->ad_nodes[k];
	const struct sn_node *nd = &sn->sn_nodes[k];
	char	 hash[65];
	uint64_t s;

	s = rng_seed(sn->sn_seed, AD_NODE + 2000, (uint64_t)n->an_height);
	hex_fill(&s, hash, 64);
	hash[64] = '\0';
	an->an_status = MHD_HTTP_OK;
	buf_printf(&an->an_body, "{\"live\":true,\"ready\":true,\"node_info\":"
	    "{\"endpoint\":\"%s\",\"comet_address\":\"%s\",\"eth_address\":"
	    "\"%s\",\"node_type\":\"%s\"},\"chain_info\":{\"chain_id\":\""
	    AD_CHAIN_ID "\",\"current_height\":%" PRId64 ","
	    "\"current_block_hash\":\"%s\",\"total_tx_count\":%" PRId64 "},",
	    nd->nd_endpoint, n->an_comet, nd->nd_signer, ad_type(k),
	    n->an_height, hash, n->an_height * 3);
	if (n->an_synced)
		buf_puts(&an->an_body, "\"sync_info\":{\"synced\":true},");
	else
		buf_printf(&an->an_body, "\"sync_info\":{\"block_sync\":"
		    "{\"block_diff\":%" PRId64 ",\"head_height\":%" PRId64
		    ",\"sync_height\":%" PRId64 "}},",
		    ((struct ad_net *)sn->sn_kstate)->ad_top - n->an_height,
		    ((struct ad_net *)sn->sn_kstate)->ad_top, n->an_height);
	buf_printf(&an->an_body, "\"resource_info\":{\"db_size\":%" PRId64
	    ",\"chain_size\":%" PRId64 ",\"mem_size\":17179869184,"
	    "\"cpu_usage\":12.5,\"mem_usage\":4294967296,\"disk_usage\":%"
	    PRId64 ",\"disk_free\":%" PRId64 "},\"mempool_info\":{\"max_tx_"
	    "count\":10000,\"max_tx_size\":1048576}}", n->an_used / 10,
	    n->an_used / 20, n->an_used, n->an_size - n->an_used);
}

static void
audiusd_answer(struct simnet *sn, struct sn_node *nd, const char *method,
    const char *rest, const struct buf *body, struct answer *an)
{
	json_t	*v;
	char	*text;

	(void)body;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed");
		an->an_allow = "GET, HEAD";
	} else if (strcmp(rest, "/health_check") == 0)
		ad_health(an, sn, nd->nd_spid - 1);
	else if (strcmp(rest, "/core/status") == 0)
		ad_core_status(an, sn, nd->nd_spid - 1);
	else if (strcmp(rest, "/core/nodes/verbose") == 0) {
		v = ad_verbose(sn);
		text = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		an->an_status = MHD_HTTP_OK;
		buf_puts(&an->an_body, text);
		free(text);
	} else
		answer_error(an, MHD_HTTP_NOT_FOUND, "not found");
}

/* The truth: down, unregistered, unhealthy, not_synced, lagging, healthy. */

enum ad_status {
	AS_DOWN, AS_UNREGISTERED, AS_UNHEALTHY, AS_NOT_SYNCED, AS_LAGGING,
	AS_HEALTHY, AS_NSTATUS
};
static const char *const ad_status_names[AS_NSTATUS] = {
	"down", "unregistered", "unhealthy", "not_synced", "lagging", "healthy"
};

static json_t *
audiusd_truth(const struct simnet *sn)
{
	const struct ad_net *ad = sn->sn_kstate;
	const struct ad_node *n;
	enum ad_status	*st;
	json_t		*root, *nodes, *samples, *versions, *v;
	int64_t		 top = -1;
	uint64_t	 count[AS_NSTATUS], pairs = 0, asym = 0, mine;
	const char	*url, *name;
	int		 k, j, i, up;

	st = xcalloc(sn->sn_nnodes, sizeof(*st));
	memset(count, 0, sizeof(count));
	for (k = 0; k < sn->sn_nnodes; k++) {
		n = &ad->ad_nodes[k];
		switch (sn->sn_nodes[k].nd_fault) {
		case SN_FAULT_UNREGISTERED:
			st[k] = AS_UNREGISTERED;
			break;
		case SN_FAULT_UNHEALTHY:
			st[k] = AS_UNHEALTHY;
			break;
		default:
			if (simnet_fault_unanswered(sn->sn_nodes[k].nd_fault))
				st[k] = AS_DOWN;
			else if (!n->an_synced)
				st[k] = AS_NOT_SYNCED;
			else {
				st[k] = AS_HEALTHY;
				if (n->an_height > top)
					top = n->an_height;
			}
		}
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		if (st[k] == AS_HEALTHY &&
		    top - ad->ad_nodes[k].an_height > AD_LAG_BLOCKS)
			st[k] = AS_LAGGING;
		count[st[k]]++;
	}
	root = json_object();
	json_object_set_new(root, "kind", json_string("audiusd"));
	json_object_set_new(root, "seed", json_integer((json_int_t)sn->sn_seed));
	json_object_set_new(root, "families", json_pack("[s,s,s,s,s,s,s,s,s,"
	    "s,s]", "audiusd_nodes", "audiusd_node_up", "audiusd_node_versions",
	    "audiusd_node_height", "audiusd_chain_height",
	    "audiusd_node_height_behind", "audiusd_node_storage_used_ratio",
	    "audiusd_node_last_repair_timestamp_seconds",
	    "audiusd_node_unreachable_peers", "audiusd_unreachable_pairs",
	    "audiusd_asymmetric_pairs"));
	nodes = json_array();
	samples = json_array();
	versions = json_object();
	for (i = 0; i < AS_NSTATUS; i++)
		truth_sample(samples, "audiusd_nodes", json_pack("{s:s}",
		    "status", ad_status_names[i]), (double)count[i]);
	if (top >= 0)
		truth_sample(samples, "audiusd_chain_height", json_object(),
		    (double)top);
	for (k = 0; k < sn->sn_nnodes; k++) {
		n = &ad->ad_nodes[k];
		url = sn->sn_nodes[k].nd_endpoint;
		up = st[k] != AS_DOWN;
		json_array_append_new(nodes, json_pack("{s:i,s:s,s:s,s:s,s:s}",
		    "k", k + 1, "url", url, "type", ad_type(k), "fault",
		    simnet_fault_name(sn->sn_nodes[k].nd_fault), "status",
		    ad_status_names[st[k]]));
		truth_sample(samples, "audiusd_node_up", json_pack("{s:s}",
		    "url", url), up);
		if (!up)
			continue;
		v = json_object_get(versions, n->an_version);
		json_object_set_new(versions, n->an_version, json_integer(
		    (v != NULL ? json_integer_value(v) : 0) + 1));
		truth_sample(samples, "audiusd_node_height", json_pack("{s:s}",
		    "url", url), (double)n->an_height);
		if (top >= 0)
			truth_sample(samples, "audiusd_node_height_behind",
			    json_pack("{s:s}", "url", url),
			    (double)(top - n->an_height));
		truth_sample(samples, "audiusd_node_storage_used_ratio",
		    json_pack("{s:s}", "url", url),
		    (double)n->an_used / (double)n->an_size);
		truth_sample(samples,
		    "audiusd_node_last_repair_timestamp_seconds",
		    json_pack("{s:s}", "url", url), (double)n->an_repair);
		/* What this node cannot reach, and the one-way pairs. */
		for (j = 0, mine = 0; j < sn->sn_nnodes; j++) {
			if (j == k || ad_reachable(sn, j))
				continue;
			mine++;
			if (st[j] != AS_DOWN && ad_reachable(sn, k))
				asym++;
		}
		pairs += mine;
		truth_sample(samples, "audiusd_node_unreachable_peers",
		    json_pack("{s:s}", "url", url), (double)mine);
	}
	truth_sample(samples, "audiusd_unreachable_pairs", json_object(),
	    (double)pairs);
	truth_sample(samples, "audiusd_asymmetric_pairs", json_object(),
	    (double)asym);
	json_object_foreach(versions, name, v)
		truth_sample(samples, "audiusd_node_versions",
		    json_pack("{s:s}", "version", name),
		    (double)json_integer_value(v));
	json_decref(versions);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "samples", samples);
	free(st);
	return root;
}

static void
audiusd_free(struct simnet *sn)
{
	struct ad_net *ad = sn->sn_kstate;

	if (ad == NULL)
		return;
	free(ad->ad_nodes);
	free(ad);
	sn->sn_kstate = NULL;
}

const struct sn_kind sn_kind_audiusd = {
	.sk_name = "audiusd",
	.sk_input = "/core/nodes/verbose JSON",
	.sk_faults = SN_FAULTS_TRANSPORT | SN_F(SN_FAULT_CATCHING_UP) |
	    SN_F(SN_FAULT_LAGGING) | SN_F(SN_FAULT_UNHEALTHY) |
	    SN_F(SN_FAULT_UNREGISTERED) | SN_F(SN_FAULT_UNREACHABLE),
	/* mediorum's 503 is an answer (unhealthy): a proxy's 502 instead. */
	.sk_flaky_status = MHD_HTTP_BAD_GATEWAY,
	.sk_gen = audiusd_gen,
	.sk_write = audiusd_write,
	.sk_answer = audiusd_answer,
	.sk_truth = audiusd_truth,
	.sk_free = audiusd_free,
};
