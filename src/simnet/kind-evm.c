/* kind-evm.c -- the evm kind: an EVM chain's JSON-RPC nodes, its eip155 file and truth */

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

#include <jansson.h>
#include <microhttpd.h>

#include "buf.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

/*
 * JSON-RPC 2.0 over POST at the node's url, single calls and batches
 * (answered in reverse order on every other node: clients must match by
 * id), quantities as 0x hex (ethereum/execution-apis), eth_syncing false
 * or {startingBlock, currentBlock, highestBlock}.  The discovery input is
 * an ethereum-lists/chains eip155-<id>.json whose rpc[] also holds
 * entries a monitor must skip: ${...} templates and wss:// urls.
 */

#define EV_CHAIN_ID	424242
#define EV_OTHER_CHAIN	11155111	/* Sepolia */
#define EV_LAG_BLOCKS	4		/* the profile's default params.lag_blocks */

enum {
	EV_BASE = 301,
	EV_NODE
};

static const char *const ev_clients[] = {
	"Geth/v1.14.11-stable-f3c696fa/linux-amd64/go1.23.2",
	"Geth/v1.14.11-stable-f3c696fa/linux-amd64/go1.23.2",
	"Nethermind/v1.29.1+dfea5240/linux-x64/dotnet8.0.10",
	"erigon/2.60.10/linux-amd64/go1.22.8",
	"besu/v24.10.0/linux-x86_64/openjdk-java-21",
	"reth/v1.1.0-1ba631b/x86_64-unknown-linux-gnu"
};

struct ev_node {
	int64_t		 en_height;
	int64_t		 en_chain;
	int64_t		 en_highest;	/* syncing: the target */
	int		 en_syncing;
	int		 en_peers;
	const char	*en_client;
};

struct ev_net {
	int64_t		 ev_top;
	struct ev_node	*ev_nodes;
};

static void
evm_gen(struct simnet *sn)
{
	struct ev_net	*ev;
	struct ev_node	*en;
	uint64_t	 s;
	int		 k;

	gen_nodes(sn);
	ev = xcalloc(1, sizeof(*ev));
	sn->sn_kstate = ev;
	s = rng_seed(sn->sn_seed, EV_BASE, 0);
	ev->ev_top = 20000000 + rng_below(&s, 2000000);
	ev->ev_nodes = xcalloc(sn->sn_nnodes, sizeof(*ev->ev_nodes));
	for (k = 0; k < sn->sn_nnodes; k++) {
		en = &ev->ev_nodes[k];
		s = rng_seed(sn->sn_seed, EV_NODE, k + 1);
		en->en_chain = EV_CHAIN_ID;
		en->en_height = ev->ev_top - rng_below(&s, 3);
		en->en_peers = (int)rng_below(&s, 100);
		en->en_client = ev_clients[rng_below(&s, nitems(ev_clients))];
		switch (sn->sn_nodes[k].nd_fault) {
		case SN_FAULT_WRONG_NETWORK:
			en->en_chain = EV_OTHER_CHAIN;
			en->en_height = ev->ev_top + 1000 + rng_below(&s, 1000);
			break;
		case SN_FAULT_CATCHING_UP:
			en->en_syncing = 1;
			en->en_highest = ev->ev_top;
			en->en_height = ev->ev_top - 5000 - rng_below(&s, 100000);
			break;
		case SN_FAULT_LAGGING:
			en->en_height = ev->ev_top - EV_LAG_BLOCKS - 1 -
			    rng_below(&s, 40);
			break;
		default:
			break;
		}
	}
}

static int
evm_write(const struct simnet *sn, const char *path)
{
	json_t	*root, *rpc;
	char	*text;
	int	 k, rv;

	rpc = json_array();
	for (k = 0; k < sn->sn_nnodes; k++) {
		json_array_append_new(rpc, json_string(
		    sn->sn_nodes[k].nd_endpoint));
		if (k == 0) {
			/* What a monitor must skip, as eip155-1.json has. */
			json_array_append_new(rpc, json_string("https://mainnet."
			    "infura.io/v3/${INFURA_API_KEY}"));
			json_array_append_new(rpc, json_string("wss://mainnet."
			    "infura.io/ws/v3/${INFURA_API_KEY}"));
			json_array_append_new(rpc, json_string("wss://ethereum-"
			    "rpc.publicnode.com"));
		}
	}
	root = json_pack("{s:s,s:s,s:s,s:o,s:[{s:s},{s:s}],s:[],"
	    "s:{s:s,s:s,s:i},s:s,s:s,s:i,s:i,s:i}",
	    "name", "Vantage Simnet",
	    "chain", "VSIM",
	    "icon", "ethereum",
	    "rpc", rpc,
	    "features", "name", "EIP155", "name", "EIP1559",
	    "faucets",
	    "nativeCurrency", "name", "Ether", "symbol", "ETH", "decimals", 18,
	    "infoURL", "https://ethereum.org",
	    "shortName", "vsim",
	    "chainId", EV_CHAIN_ID,
	    "networkId", EV_CHAIN_ID,
	    "slip44", 60);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		fatalx("json_dumps");
	rv = write_file_atomic(path, text, strlen(text));
	free(text);
	return rv;
}

static json_t *
ev_quantity(int64_t v)
{
	char	 s[32];

	snprintf(s, sizeof(s), "0x%" PRIx64, (uint64_t)v);
	return json_string(s);
}

/* The answer to one call: {"jsonrpc","id","result"} or an error object. */
static json_t *
ev_call(const struct simnet *sn, const struct sn_node *nd, json_t *call)
{
	const struct ev_node *en =
	    &((struct ev_net *)sn->sn_kstate)->ev_nodes[nd->nd_spid - 1];
	json_t		*id, *result = NULL, *answer;
	const char	*method, *version;
	char		 msg[160];

	id = json_object_get(call, "id");
	method = json_string_value(json_object_get(call, "method"));
	version = json_string_value(json_object_get(call, "jsonrpc"));
	if (method == NULL || version == NULL || strcmp(version, "2.0") != 0)
		return json_pack("{s:s,s:n,s:{s:i,s:s}}", "jsonrpc", "2.0",
		    "id", "error", "code", -32600, "message",
		    "invalid request");
	if (strcmp(method, "eth_chainId") == 0)
		result = ev_quantity(en->en_chain);
	else if (strcmp(method, "eth_blockNumber") == 0)
		result = ev_quantity(en->en_height);
	else if (strcmp(method, "eth_syncing") == 0)
		result = en->en_syncing ? json_pack("{s:o,s:o,s:o}",
		    "startingBlock", ev_quantity(0), "currentBlock",
		    ev_quantity(en->en_height), "highestBlock",
		    ev_quantity(en->en_highest)) : json_false();
	else if (strcmp(method, "net_peerCount") == 0 &&
	    nd->nd_fault != SN_FAULT_MISSING)
		result = ev_quantity(en->en_peers);
	else if (strcmp(method, "web3_clientVersion") == 0)
		result = json_string(en->en_client);
	if (result == NULL) {
		snprintf(msg, sizeof(msg), "the method %.100s does not "
		    "exist/is not available", method);
		return json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0",
		    "id", id != NULL ? id : json_null(), "error", "code",
		    -32601, "message", msg);
	}
	answer = json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id",
	    id != NULL ? id : json_null(), "result", result);
	return answer;
}

static void
evm_answer(struct simnet *sn, struct sn_node *nd, const char *method,
    const char *rest, const struct buf *body, struct answer *an)
{
	json_error_t	 jerr;
	json_t		*req, *out, *call;
	char		*text;
	size_t		 i, n;

	if (rest[0] != '\0' && strcmp(rest, "/") != 0) {
		answer_error(an, MHD_HTTP_NOT_FOUND, "not found");
		return;
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		answer_error(an, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed");
		an->an_allow = "POST";
		return;
	}
	if (body == NULL) {
		answer_error(an, 413, "request body too large");
		return;
	}
	req = json_loadb(body->b_data != NULL ? body->b_data : "",
	    body->b_len, 0, &jerr);
	an->an_status = MHD_HTTP_OK;
	if (req == NULL) {
		buf_puts(&an->an_body, "{\"jsonrpc\":\"2.0\",\"id\":null,"
		    "\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");
		return;
	}
	if (json_is_array(req)) {
		out = json_array();
		n = json_array_size(req);
		for (i = 0; i < n; i++) {
			/* Every other node answers in reverse order. */
			call = json_array_get(req, nd->nd_spid % 2 ?
			    n - 1 - i : i);
			json_array_append_new(out, ev_call(sn, nd, call));
		}
	} else
		out = ev_call(sn, nd, req);
	text = json_dumps(out, JSON_COMPACT);
	buf_puts(&an->an_body, text);
	free(text);
	json_decref(out);
	json_decref(req);
}

/* The truth: statuses down, wrong_chain, syncing, lagging, synced. */

enum ev_status {
	ES_DOWN, ES_WRONG_CHAIN, ES_SYNCING, ES_LAGGING, ES_SYNCED, ES_NSTATUS
};
static const char *const ev_status_names[ES_NSTATUS] = {
	"down", "wrong_chain", "syncing", "lagging", "synced"
};

static json_t *
evm_truth(const struct simnet *sn)
{
	const struct ev_net *ev = sn->sn_kstate;
	const struct ev_node *en;
	enum ev_status	*st;
	json_t		*root, *nodes, *samples, *clients, *v;
	int64_t		 top = -1;
	uint64_t	 count[ES_NSTATUS];
	const char	*url, *name, *slash;
	char		 client[64];
	int		 k, i;

	st = xcalloc(sn->sn_nnodes, sizeof(*st));
	memset(count, 0, sizeof(count));
	for (k = 0; k < sn->sn_nnodes; k++) {
		en = &ev->ev_nodes[k];
		if (simnet_fault_unanswered(sn->sn_nodes[k].nd_fault))
			st[k] = ES_DOWN;
		else if (en->en_chain != EV_CHAIN_ID)
			st[k] = ES_WRONG_CHAIN;
		else {
			st[k] = en->en_syncing ? ES_SYNCING : ES_SYNCED;
			if (en->en_height > top)
				top = en->en_height;
		}
	}
	for (k = 0; k < sn->sn_nnodes; k++) {
		if (st[k] == ES_SYNCED &&
		    top - ev->ev_nodes[k].en_height > EV_LAG_BLOCKS)
			st[k] = ES_LAGGING;
		count[st[k]]++;
	}
	root = json_object();
	json_object_set_new(root, "kind", json_string("evm"));
	json_object_set_new(root, "seed", json_integer((json_int_t)sn->sn_seed));
	json_object_set_new(root, "chain_id", json_integer(EV_CHAIN_ID));
	json_object_set_new(root, "families", json_pack("[s,s,s,s,s,s,s]",
	    "evm_nodes", "evm_node_up", "evm_node_height",
	    "evm_node_lag_blocks", "evm_network_height", "evm_node_peers",
	    "evm_node_clients"));
	nodes = json_array();
	samples = json_array();
	clients = json_object();
	for (i = 0; i < ES_NSTATUS; i++)
		truth_sample(samples, "evm_nodes", json_pack("{s:s}", "status",
		    ev_status_names[i]), (double)count[i]);
	if (top >= 0)
		truth_sample(samples, "evm_network_height", json_object(),
		    (double)top);
	for (k = 0; k < sn->sn_nnodes; k++) {
		en = &ev->ev_nodes[k];
		url = sn->sn_nodes[k].nd_endpoint;
		json_array_append_new(nodes, json_pack("{s:i,s:s,s:s,s:s}",
		    "k", k + 1, "url", url, "fault",
		    simnet_fault_name(sn->sn_nodes[k].nd_fault), "status",
		    ev_status_names[st[k]]));
		truth_sample(samples, "evm_node_up", json_pack("{s:s}", "url",
		    url), st[k] != ES_DOWN);
		if (st[k] == ES_DOWN)
			continue;
		truth_sample(samples, "evm_node_height", json_pack("{s:s}",
		    "url", url), (double)en->en_height);
		if (st[k] >= ES_SYNCING)
			truth_sample(samples, "evm_node_lag_blocks",
			    json_pack("{s:s}", "url", url),
			    (double)(top - en->en_height));
		if (sn->sn_nodes[k].nd_fault != SN_FAULT_MISSING)
			truth_sample(samples, "evm_node_peers",
			    json_pack("{s:s}", "url", url), en->en_peers);
		slash = strchr(en->en_client, '/');
		snprintf(client, sizeof(client), "%.*s",
		    (int)(slash - en->en_client), en->en_client);
		v = json_object_get(clients, client);
		json_object_set_new(clients, client, json_integer(
		    (v != NULL ? json_integer_value(v) : 0) + 1));
	}
	json_object_foreach(clients, name, v)
		truth_sample(samples, "evm_node_clients", json_pack("{s:s}",
		    "client", name), (double)json_integer_value(v));
	json_decref(clients);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "samples", samples);
	free(st);
	return root;
}

static void
evm_free(struct simnet *sn)
{
	struct ev_net *ev = sn->sn_kstate;

	if (ev == NULL)
		return;
	free(ev->ev_nodes);
	free(ev);
	sn->sn_kstate = NULL;
}

const struct sn_kind sn_kind_evm = {
	.sk_name = "evm",
	.sk_input = "eip155 chain file",
	.sk_faults = SN_FAULTS_TRANSPORT | SN_F(SN_FAULT_MISSING) |
	    SN_F(SN_FAULT_WRONG_NETWORK) | SN_F(SN_FAULT_CATCHING_UP) |
	    SN_F(SN_FAULT_LAGGING),
	.sk_gen = evm_gen,
	.sk_write = evm_write,
	.sk_answer = evm_answer,
	.sk_truth = evm_truth,
	.sk_free = evm_free,
};
