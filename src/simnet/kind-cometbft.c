/* kind-cometbft.c -- the cometbft kind: a Cosmos chain's RPC nodes, its chain.json and truth */

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
 * Shapes follow cometbft's rpc/openapi/openapi.yaml (StatusResponse,
 * NetInfo, Peer): every int64 is a JSON string, hashes are upper-case hex.
 * Heights stand still while the simulator runs, so the truth holds for
 * any number of runs.
 */

#define CB_CHAIN_ID	"vantage-simnet-1"
#define CB_OTHER_CHAIN	"vantage-testnet-2"
#define CB_LAG_BLOCKS	10	/* the profile's default params.lag_blocks */
#define CB_MAX_PEERS	30

/* Random streams of this kind (gen.c's own are 1 to 6). */
enum {
	CB_BASE = 101,
	CB_NODE,
	CB_HASH,
	CB_FORK
};

static const char *const cb_versions[] = {
	"0.38.17", "0.38.17", "0.38.17", "0.38.12", "0.37.15", "0.34.29"
};
static const char *const cb_providers[] = {
	"Polkachu", "Lavender.Five Nodes", "Notional", "CryptoCrew",
	"\"quoted\" \\ provider"
};

struct cb_node {
	int64_t		 cn_height;
	char		 cn_hash[65];
	const char	*cn_network;
	int		 cn_catching_up;
	const char	*cn_version;
	int		 cn_npeers;
	char		 cn_id[41];	/* p2p node id, lower-case hex */
	char		 cn_url[128];	/* as chain.json lists it */
};

struct cb_net {
	int64_t		 cb_top;	/* the honest nodes' highest block */
	struct cb_node	*cb_nodes;	/* [k - 1] */
};

/* The canonical block hash at a height: 64 upper-case hex digits. */
static void
cb_block_hash(uint64_t seed, unsigned int stream, uint64_t id, char *out)
{
	uint64_t s = rng_seed(seed, stream, id);
	size_t	 i;

	hex_fill(&s, out, 64);
	for (i = 0; i < 64; i++)
		if (out[i] >= 'a')
			out[i] -= 'a' - 'A';
	out[64] = '\0';
}

static void
cometbft_gen(struct simnet *sn)
{
	struct cb_net	*cb;
	struct cb_node	*cn;
	uint64_t	 s;
	int		 k;

	gen_nodes(sn);
	cb = xcalloc(1, sizeof(*cb));
	sn->sn_kstate = cb;
	s = rng_seed(sn->sn_seed, CB_BASE, 0);
	cb->cb_top = 1000000 + rng_below(&s, 20000000);
	cb->cb_nodes = xcalloc(sn->sn_nnodes, sizeof(*cb->cb_nodes));
	for (k = 0; k < sn->sn_nnodes; k++) {
		cn = &cb->cb_nodes[k];
		s = rng_seed(sn->sn_seed, CB_NODE, k + 1);
		cn->cn_network = CB_CHAIN_ID;
		cn->cn_height = cb->cb_top - rng_below(&s, 3);
		cn->cn_version = cb_versions[rng_below(&s, nitems(cb_versions))];
		cn->cn_npeers = (int)rng_below(&s, CB_MAX_PEERS + 1);
		hex_fill(&s, cn->cn_id, 40);
		switch (sn->sn_nodes[k].nd_fault) {
		case SN_FAULT_WRONG_NETWORK:
			/* Higher than the chain: must not set its height. */
			cn->cn_network = CB_OTHER_CHAIN;
			cn->cn_height = cb->cb_top + 100 + rng_below(&s, 900);
			break;
		case SN_FAULT_DIVERGED:
			cn->cn_height = cb->cb_top;
			break;
		case SN_FAULT_CATCHING_UP:
			cn->cn_catching_up = 1;
			cn->cn_height = cb->cb_top - 1000 - rng_below(&s, 5000);
			break;
		case SN_FAULT_LAGGING:
			cn->cn_height = cb->cb_top - CB_LAG_BLOCKS - 1 -
			    rng_below(&s, 50);
			break;
		default:
			break;
		}
		if (sn->sn_nodes[k].nd_fault == SN_FAULT_DIVERGED)
			cb_block_hash(sn->sn_seed, CB_FORK, (uint64_t)k + 1,
			    cn->cn_hash);
		else
			cb_block_hash(sn->sn_seed, CB_HASH,
			    (uint64_t)cn->cn_height, cn->cn_hash);
	}
}

/* Called once endpoints exist: the urls as chain.json lists them. */
static const char *
cb_url(const struct simnet *sn, int k)
{
	struct cb_net	*cb = sn->sn_kstate;
	struct cb_node	*cn = &cb->cb_nodes[k];

	if (cn->cn_url[0] == '\0')
		/* Every fourth with a trailing slash, as some entries have. */
		snprintf(cn->cn_url, sizeof(cn->cn_url), "%s%s",
		    sn->sn_nodes[k].nd_endpoint, (k + 1) % 4 == 0 ? "/" : "");
	return cn->cn_url;
}

static int
cometbft_write(const struct simnet *sn, const char *path)
{
	json_t	*root, *rpc, *rest;
	char	*text;
	int	 k, rv;

	rpc = json_array();
	rest = json_array();
	for (k = 0; k < sn->sn_nnodes; k++) {
		json_array_append_new(rpc, json_pack("{s:s,s:s}", "address",
		    cb_url(sn, k), "provider",
		    cb_providers[k % nitems(cb_providers)]));
		if (k == 0)
			json_array_append_new(rest, json_pack("{s:s,s:s}",
			    "address", "https://rest.example.invalid",
			    "provider", cb_providers[0]));
	}
	root = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,"
	    "s:{s:s,s:s,s:[s],s:{s:s,s:s}},"
	    "s:{s:[],s:[]},s:{s:o,s:o,s:[]}}",
	    "$schema", "../chain.schema.json",
	    "chain_name", "vantagesimnet",
	    "status", "live",
	    "network_type", "mainnet",
	    "pretty_name", "Vantage Simnet",
	    "chain_id", CB_CHAIN_ID,
	    "bech32_prefix", "vsim",
	    "slip44", 118,
	    "codebase",
	    "git_repo", "https://github.com/cosmos/gaia",
	    "recommended_version", "v27.6.0",
	    "compatible_versions", "v27.6.0",
	    "consensus", "type", "cometbft", "version", "0.38.17",
	    "peers", "seeds", "persistent_peers",
	    "apis", "rpc", rpc, "rest", rest, "grpc");
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		fatalx("json_dumps");
	rv = write_file_atomic(path, text, strlen(text));
	free(text);
	return rv;
}

static void
cb_time(int64_t height, char *out, size_t outsz)
{
	time_t	 t = 1700000000 + (time_t)(height % 100000000) * 6;
	struct tm tm;
	size_t	 n;

	gmtime_r(&t, &tm);
	n = strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, outsz - n, ".%09dZ", (int)(height % 1000000000));
}

static void
cb_node_info(struct buf *b, const struct simnet *sn, int k)
{
	const struct cb_node *cn =
	    &((struct cb_net *)sn->sn_kstate)->cb_nodes[k];

	buf_printf(b, "{\"protocol_version\":{\"p2p\":\"8\",\"block\":\"11\","
	    "\"app\":\"0\"},\"id\":\"%s\",\"listen_addr\":"
	    "\"tcp://0.0.0.0:26656\",\"network\":\"%s\",\"version\":\"%s\","
	    "\"channels\":\"40202122233038606100\",\"moniker\":\"node-%d\","
	    "\"other\":{\"tx_index\":\"on\",\"rpc_address\":"
	    "\"tcp://0.0.0.0:26657\"}}", cn->cn_id, cn->cn_network,
	    cn->cn_version, k + 1);
}

static void
cb_status(struct answer *an, const struct simnet *sn, int k)
{
	const struct cb_node *cn =
	    &((struct cb_net *)sn->sn_kstate)->cb_nodes[k];
	char	 t[64], early[65], app[65], addr[41];
	uint64_t s;
	size_t	 i;

	cb_time(cn->cn_height, t, sizeof(t));
	cb_block_hash(sn->sn_seed, CB_HASH, 1, early);
	cb_block_hash(sn->sn_seed, CB_HASH + 1000, (uint64_t)cn->cn_height,
	    app);
	s = rng_seed(sn->sn_seed, CB_NODE + 1000, (uint64_t)k + 1);
	hex_fill(&s, addr, 40);
	addr[40] = '\0';
	for (i = 0; i < 40; i++)
		if (addr[i] >= 'a')
			addr[i] -= 'a' - 'A';
	an->an_status = MHD_HTTP_OK;
	buf_puts(&an->an_body, "{\"jsonrpc\":\"2.0\",\"id\":-1,\"result\":"
	    "{\"node_info\":");
	cb_node_info(&an->an_body, sn, k);
	buf_printf(&an->an_body, ",\"sync_info\":{\"latest_block_hash\":\"%s\","
	    "\"latest_app_hash\":\"%s\",\"latest_block_height\":\"%" PRId64
	    "\",\"latest_block_time\":\"%s\",\"earliest_block_hash\":\"%s\","
	    "\"earliest_app_hash\":\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649"
	    "B934CA495991B7852B855\",\"earliest_block_height\":\"1\","
	    "\"earliest_block_time\":\"2019-12-11T16:11:34.399713533Z\","
	    "\"catching_up\":%s},", cn->cn_hash, app, cn->cn_height, t, early,
	    cn->cn_catching_up ? "true" : "false");
	buf_printf(&an->an_body, "\"validator_info\":{\"address\":\"%s\","
	    "\"pub_key\":{\"type\":\"tendermint/PubKeyEd25519\",\"value\":"
	    "\"9tK9IT+FPdf2qm+5c2qaxi10sWP+3erWTKgftn2PaQM=\"},"
	    "\"voting_power\":\"0\"}}}", addr);
}

static void
cb_monitor(struct buf *b, int64_t bytes)
{
	buf_printf(b, "{\"Start\":\"2024-05-01T10:00:00.000Z\",\"Bytes\":\"%"
	    PRId64 "\",\"Samples\":\"1024\",\"InstRate\":\"512\",\"CurRate\":"
	    "\"480\",\"AvgRate\":\"501\",\"PeakRate\":\"9000\",\"BytesRem\":"
	    "\"0\",\"Duration\":\"3600000000000\",\"Idle\":\"20000000\","
	    "\"TimeRem\":\"0\",\"Progress\":0,\"Active\":true}", bytes);
}

static void
cb_net_info(struct answer *an, const struct simnet *sn, int k)
{
	const struct cb_node *cn =
	    &((struct cb_net *)sn->sn_kstate)->cb_nodes[k];
	int	 j, peer;

	an->an_status = MHD_HTTP_OK;
	buf_printf(&an->an_body, "{\"jsonrpc\":\"2.0\",\"id\":-1,\"result\":"
	    "{\"listening\":true,\"listeners\":[\"Listener(@tcp://0.0.0.0:"
	    "26656)\"],\"n_peers\":\"%d\",\"peers\":[", cn->cn_npeers);
	for (j = 0; j < cn->cn_npeers; j++) {
		peer = (k + 1 + j) % sn->sn_nnodes;
		buf_puts(&an->an_body, j > 0 ? ",{\"node_info\":" :
		    "{\"node_info\":");
		cb_node_info(&an->an_body, sn, peer);
		buf_printf(&an->an_body, ",\"is_outbound\":%s,"
		    "\"connection_status\":{\"Duration\":\"168901057956119\","
		    "\"SendMonitor\":", j % 2 ? "true" : "false");
		cb_monitor(&an->an_body, 1000 + j);
		buf_puts(&an->an_body, ",\"RecvMonitor\":");
		cb_monitor(&an->an_body, 2000 + j);
		buf_printf(&an->an_body, ",\"Channels\":[{\"ID\":48,"
		    "\"SendQueueCapacity\":\"1\",\"SendQueueSize\":\"0\","
		    "\"Priority\":\"5\",\"RecentlySent\":\"0\"}]},"
		    "\"remote_ip\":\"10.%d.%d.%d\"}", (peer >> 16) & 255,
		    (peer >> 8) & 255, peer & 255);
	}
	buf_puts(&an->an_body, "]}}");
}

static void
cometbft_answer(struct simnet *sn, struct sn_node *nd, const char *method,
    const char *rest, const struct buf *body, struct answer *an)
{
	int	 k = nd->nd_spid - 1;

	(void)body;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed");
		an->an_allow = "GET, HEAD";
	} else if (strcmp(rest, "/status") == 0)
		cb_status(an, sn, k);
	else if (strcmp(rest, "/net_info") == 0 &&
	    nd->nd_fault != SN_FAULT_MISSING)
		cb_net_info(an, sn, k);
	else {
		an->an_status = MHD_HTTP_NOT_FOUND;
		buf_puts(&an->an_body, "404 page not found\n");
		an->an_ctype = "text/plain; charset=utf-8";
	}
}

/* The truth: the contract of issue 7, applied to what the nodes say. */

enum cb_status {
	CS_DOWN, CS_WRONG_NETWORK, CS_DIVERGED, CS_CATCHING_UP, CS_LAGGING,
	CS_SYNCED, CS_NSTATUS
};
static const char *const cb_status_names[CS_NSTATUS] = {
	"down", "wrong_network", "diverged", "catching_up", "lagging", "synced"
};

static int
cb_answers(const struct simnet *sn, int k)
{
	return !simnet_fault_unanswered(sn->sn_nodes[k].nd_fault);
}

static int
cb_right(const struct simnet *sn, const struct cb_net *cb, int k)
{
	return cb_answers(sn, k) &&
	    strcmp(cb->cb_nodes[k].cn_network, CB_CHAIN_ID) == 0;
}

static const struct cb_node *cb_sort_nodes;	/* for cb_cmp */

static int
cb_cmp(const void *x, const void *y)
{
	const struct cb_node *a = &cb_sort_nodes[*(const int *)x];
	const struct cb_node *b = &cb_sort_nodes[*(const int *)y];

	if (a->cn_height != b->cn_height)
		return a->cn_height < b->cn_height ? -1 : 1;
	return strcmp(a->cn_hash, b->cn_hash);
}

/*
 * Mark the diverged nodes: at a height where answering nodes of the
 * chain report more than one hash, those whose hash is not the one most
 * report (a tie: the smallest hash).
 */
static void
cb_diverged(const struct simnet *sn, const struct cb_net *cb, int *diverged)
{
	const struct cb_node *a, *b;
	int	*ix, n = 0, i, j, g, end, best, bestn, run, hashes;

	ix = xcalloc(sn->sn_nnodes + 1, sizeof(*ix));
	for (i = 0; i < sn->sn_nnodes; i++)
		if (cb_right(sn, cb, i))
			ix[n++] = i;
	cb_sort_nodes = cb->cb_nodes;
	qsort(ix, n, sizeof(*ix), cb_cmp);
	for (g = 0; g < n; g = end) {
		a = &cb->cb_nodes[ix[g]];
		for (end = g; end < n &&
		    cb->cb_nodes[ix[end]].cn_height == a->cn_height; end++)
			;
		/* Runs of one hash, in ascending hash order. */
		best = g;
		bestn = 0;
		hashes = 0;
		for (i = g; i < end; i = j) {
			b = &cb->cb_nodes[ix[i]];
			for (j = i; j < end && strcmp(cb->cb_nodes[ix[j]].cn_hash,
			    b->cn_hash) == 0; j++)
				;
			run = j - i;
			hashes++;
			if (run > bestn) {
				best = i;
				bestn = run;
			}
		}
		if (hashes < 2)
			continue;
		for (i = g; i < end; i++)
			diverged[ix[i]] = strcmp(cb->cb_nodes[ix[i]].cn_hash,
			    cb->cb_nodes[ix[best]].cn_hash) != 0;
	}
	free(ix);
}

static json_t *
cometbft_truth(const struct simnet *sn)
{
	const struct cb_net *cb = sn->sn_kstate;
	const struct cb_node *cn;
	enum cb_status	*st;
	int		*diverged;
	json_t		*root, *nodes, *samples, *versions, *v;
	int64_t		 top = -1;
	uint64_t	 count[CS_NSTATUS];
	const char	*url, *name;
	int		 k, i;

	st = xcalloc(sn->sn_nnodes, sizeof(*st));
	diverged = xcalloc(sn->sn_nnodes, sizeof(*diverged));
	cb_diverged(sn, cb, diverged);
	memset(count, 0, sizeof(count));
	for (k = 0; k < sn->sn_nnodes; k++) {
		cn = &cb->cb_nodes[k];
		if (!cb_answers(sn, k))
			st[k] = CS_DOWN;
		else if (!cb_right(sn, cb, k))
			st[k] = CS_WRONG_NETWORK;
		else if (diverged[k])
			st[k] = CS_DIVERGED;
		else {
			st[k] = cn->cn_catching_up ? CS_CATCHING_UP : CS_SYNCED;
			if (cn->cn_height > top)
				top = cn->cn_height;
		}
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		if (st[k] == CS_SYNCED &&
		    top - cb->cb_nodes[k].cn_height > CB_LAG_BLOCKS)
			st[k] = CS_LAGGING;
		count[st[k]]++;
	}

	root = json_object();
	json_object_set_new(root, "kind", json_string("cometbft"));
	json_object_set_new(root, "seed", json_integer((json_int_t)sn->sn_seed));
	json_object_set_new(root, "chain_id", json_string(CB_CHAIN_ID));
	json_object_set_new(root, "families", json_pack("[s,s,s,s,s,s,s]",
	    "cometbft_nodes", "cometbft_node_up", "cometbft_node_height",
	    "cometbft_node_lag_blocks", "cometbft_network_height",
	    "cometbft_node_peers", "cometbft_node_versions"));
	nodes = json_array();
	samples = json_array();
	versions = json_object();
	for (i = 0; i < CS_NSTATUS; i++)
		truth_sample(samples, "cometbft_nodes", json_pack("{s:s}",
		    "status", cb_status_names[i]), (double)count[i]);
	if (top >= 0)
		truth_sample(samples, "cometbft_network_height", json_object(),
		    (double)top);
	for (k = 0; k < sn->sn_nnodes; k++) {
		cn = &cb->cb_nodes[k];
		url = cb_url(sn, k);
		json_array_append_new(nodes, json_pack("{s:i,s:s,s:s,s:s,s:I}",
		    "k", k + 1, "url", url, "fault",
		    simnet_fault_name(sn->sn_nodes[k].nd_fault), "status",
		    cb_status_names[st[k]], "height",
		    (json_int_t)cn->cn_height));
		truth_sample(samples, "cometbft_node_up", json_pack("{s:s}",
		    "url", url), st[k] != CS_DOWN);
		if (st[k] == CS_DOWN)
			continue;
		truth_sample(samples, "cometbft_node_height",
		    json_pack("{s:s}", "url", url), (double)cn->cn_height);
		if (st[k] >= CS_CATCHING_UP)
			truth_sample(samples, "cometbft_node_lag_blocks",
			    json_pack("{s:s}", "url", url),
			    (double)(top - cn->cn_height));
		if (sn->sn_nodes[k].nd_fault != SN_FAULT_MISSING)
			truth_sample(samples, "cometbft_node_peers",
			    json_pack("{s:s}", "url", url), cn->cn_npeers);
		v = json_object_get(versions, cn->cn_version);
		json_object_set_new(versions, cn->cn_version, json_integer(
		    (v != NULL ? json_integer_value(v) : 0) + 1));
	}
	json_object_foreach(versions, name, v)
		truth_sample(samples, "cometbft_node_versions",
		    json_pack("{s:s}", "version", name),
		    (double)json_integer_value(v));
	json_decref(versions);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "samples", samples);
	free(st);
	free(diverged);
	return root;
}

static void
cometbft_free(struct simnet *sn)
{
	struct cb_net *cb = sn->sn_kstate;

	if (cb == NULL)
		return;
	free(cb->cb_nodes);
	free(cb);
	sn->sn_kstate = NULL;
}

const struct sn_kind sn_kind_cometbft = {
	.sk_name = "cometbft",
	.sk_input = "chain.json",
	.sk_faults = SN_FAULTS_TRANSPORT | SN_F(SN_FAULT_MISSING) |
	    SN_F(SN_FAULT_WRONG_NETWORK) | SN_F(SN_FAULT_DIVERGED) |
	    SN_F(SN_FAULT_CATCHING_UP) | SN_F(SN_FAULT_LAGGING),
	.sk_gen = cometbft_gen,
	.sk_write = cometbft_write,
	.sk_answer = cometbft_answer,
	.sk_truth = cometbft_truth,
	.sk_free = cometbft_free,
};
