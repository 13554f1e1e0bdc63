/* answer-bench.c -- what reading one JSON answer costs, per item */

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

/*
 * bench/answer-bench [ROUNDS]   (make bench/answer-bench; default 40)
 *
 * Builds answers shaped like the simulator's (src/simnet) and reads each
 * ROUNDS times through the json answer kind, as the scheduler calls it,
 * printing CPU nanoseconds per item (per row handed over) and the answer's
 * size:
 *
 *   audius   POST /users/batch_clock_status, 5000 wallets (about 400 KB):
 *            rows /data/users, key /walletPublicKey, one integer value
 *   cometbft GET /net_info of a node with 40 peers (about 60 KB), one
 *            value: /result/n_peers, an integer in a string
 *   evm      a JSON-RPC batch of 5 calls matched by id, 4 values each
 *
 * and, to compare, the same audius answer parsed into a jansson tree (with
 * duplicate keys refused, as the kind did before it read answers as a
 * stream) and the two fields pulled from it.  Run it under
 * `valgrind --tool=callgrind bench/answer-bench 2` for instructions instead
 * of CPU time (which a busy machine inflates).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "answer.h"
#include "buf.h"
#include "conf.h"
#include "crawl.h"
#include "util.h"

#define WALLETS	5000
#define PEERS	40

struct count {
	size_t	c_rows;
	size_t	c_errors;
	int64_t	c_sum;
};


static int
count_row(void *arg, size_t item, const char *key, size_t keylen,
    const struct aval *values, const char *error)
{
	struct count	*c = arg;

	(void)item;
	(void)key;
	(void)keylen;
	c->c_rows++;
	if (error != NULL)
		c->c_errors++;
	else if (values[0].av_type == AV_INTEGER)
		c->c_sum += values[0].av_int;
	return 0;
}

static uint64_t	rng = 88172645463325252ULL;

static unsigned
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

/* The wallets asked and the answer, as kind-audius serves it. */
static void
audius_body(struct buf *b, char **wallets)
{
	size_t	i, k;

	buf_puts(b, "{\"data\":{\"users\":[");
	for (i = 0; i < WALLETS; i++) {
		wallets[i] = malloc(43);
		memcpy(wallets[i], "0x", 2);
		for (k = 2; k < 42; k++)
			wallets[i][k] = "0123456789abcdef"[next() % 16];
		wallets[i][42] = '\0';
		buf_printf(b, "%s{\"walletPublicKey\":\"%s\",\"clock\":%u}",
		    i > 0 ? "," : "", wallets[i], next() % 100000);
	}
	buf_puts(b, "]}}");
}

static void
monitor(struct buf *b, int bytes)
{
	buf_printf(b, "{\"Start\":\"2024-05-01T10:00:00.000Z\",\"Bytes\":\"%d\","
	    "\"Samples\":\"1024\",\"InstRate\":\"512\",\"CurRate\":\"480\","
	    "\"AvgRate\":\"501\",\"PeakRate\":\"9000\",\"BytesRem\":\"0\","
	    "\"Duration\":\"3600000000000\",\"Idle\":\"20000000\","
	    "\"TimeRem\":\"0\",\"Progress\":0,\"Active\":true}", bytes);
}

/* A CometBFT /net_info answer, as kind-cometbft serves it. */
static void
cometbft_body(struct buf *b)
{
	int	j;

	buf_printf(b, "{\"jsonrpc\":\"2.0\",\"id\":-1,\"result\":{\"listening\":"
	    "true,\"listeners\":[\"Listener(@tcp://0.0.0.0:26656)\"],"
	    "\"n_peers\":\"%d\",\"peers\":[", PEERS);
	for (j = 0; j < PEERS; j++) {
		buf_printf(b, "%s{\"node_info\":{\"protocol_version\":{\"p2p\":"
		    "\"8\",\"block\":\"11\",\"app\":\"0\"},\"id\":\"%040x\","
		    "\"listen_addr\":\"tcp://0.0.0.0:26656\",\"network\":"
		    "\"cosmoshub-4\",\"version\":\"0.37.4\",\"channels\":"
		    "\"40202122233038606100\",\"moniker\":\"node-%d\",\"other\":"
		    "{\"tx_index\":\"on\",\"rpc_address\":\"tcp://0.0.0.0:26657\"}},"
		    "\"is_outbound\":%s,\"connection_status\":{\"Duration\":"
		    "\"168901057956119\",\"SendMonitor\":", j > 0 ? "," : "",
		    next(), j, j % 2 ? "true" : "false");
		monitor(b, 1000 + j);
		buf_puts(b, ",\"RecvMonitor\":");
		monitor(b, 2000 + j);
		buf_printf(b, ",\"Channels\":[{\"ID\":48,\"SendQueueCapacity\":"
		    "\"1\",\"SendQueueSize\":\"0\",\"Priority\":\"5\","
		    "\"RecentlySent\":\"0\"}]},\"remote_ip\":\"10.0.%d.%d\"}",
		    j / 256, j % 256);
	}
	buf_puts(b, "]}}");
}

/* An EVM node's answer to a batch of 5 calls, not in the order asked. */
static const char evm_body[] =
    "[{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":false},"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"Geth/v1.14.11-stable/linux-amd64/go1.23.2\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x14a8c3f\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"0x32\"}]";

/* Read body rounds times through the kind; CPU ns per row. */
static double
run_kind(struct probe_conf *pc, char **items, size_t nitems,
    const char *body, size_t len, int rounds, struct count *c)
{
	struct answer_batch ab;
	struct crawl_result res;
	char		 err[512];
	double		 t0;
	int		 r;

	memset(&ab, 0, sizeof(ab));
	ab.ab_probe = pc;
	ab.ab_items = items;
	ab.ab_lens = NULL;
	ab.ab_nitems = nitems;
	memset(&res, 0, sizeof(res));
	res.cr_outcome = CRAWL_OK;
	res.cr_status = 200;
	res.cr_body = (char *)body;
	res.cr_len = len;
	res.cr_error = "";
	memset(c, 0, sizeof(*c));
	t0 = cpu_now();
	for (r = 0; r < rounds; r++)
		if (answer_json.ak_extract(&ab, &res, count_row, c, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "answer-bench: %s\n", err);
			exit(1);
		}
	return (cpu_now() - t0) * 1e9 / (c->c_rows > 0 ? c->c_rows : 1);
}

/* The audius answer into a jansson tree, as the kind once read it. */
static double
run_tree(const char *body, size_t len, int rounds, int64_t *sum)
{
	json_error_t	 jerr;
	json_t		*doc, *users, *el;
	double		 t0 = cpu_now();
	size_t		 i;
	int		 r;

	for (r = 0; r < rounds; r++) {
		doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
		if (doc == NULL) {
			fprintf(stderr, "answer-bench: %s\n", jerr.text);
			exit(1);
		}
		users = json_object_get(json_object_get(doc, "data"), "users");
		json_array_foreach(users, i, el) {
			if (json_is_string(json_object_get(el,
			    "walletPublicKey")))
				*sum += json_integer_value(json_object_get(el,
				    "clock"));
		}
		json_decref(doc);
	}
	return (cpu_now() - t0) * 1e9 / ((double)rounds * WALLETS);
}

static void
probe(struct probe_conf *pc, struct answer_json_conf *jc,
    struct value_conf *vcs, size_t nvcs)
{
	memset(pc, 0, sizeof(*pc));
	memset(jc, 0, sizeof(*jc));
	pc->pc_name = (char *)"bench";
	pc->pc_answer = &answer_json.ak_kind;
	pc->pc_answer_conf = jc;
	jc->aj_rows = (char *)"";
	jc->aj_key = (char *)"";
	jc->aj_jsonrpc = (char *)"";
	jc->aj_max_rows = 10000;
	jc->aj_values = vcs;
	jc->aj_nvalues = nvcs;
}

static void
value(struct value_conf *vc, const char *column, const char *pointer,
    int64_t type, int64_t from)
{
	memset(vc, 0, sizeof(*vc));
	vc->vc_column = (char *)column;
	vc->vc_pointer = (char *)pointer;
	vc->vc_type = type;
	vc->vc_from = from;
	vc->vc_default = (char *)"";
	vc->vc_missing = VM_NULL;
	vc->vc_invalid = 1;
}

int
main(int argc, char **argv)
{
	struct probe_conf pc;
	struct answer_json_conf jc;
	struct value_conf vcs[4];
	struct count	 c;
	struct buf	 audius, comet;
	char		*wallets[WALLETS], *methods[] = { (char *)"eth_chainId",
			    (char *)"eth_blockNumber", (char *)"eth_syncing",
			    (char *)"net_peerCount", (char *)"web3_clientVersion" };
	int		 rounds = argc > 1 ? atoi(argv[1]) : 40;
	int64_t		 tsum = 0;
	double		 ns;
	size_t		 i;

	if (rounds < 1)
		rounds = 1;
	answer_init();
	buf_init(&audius, 0);
	buf_init(&comet, 0);
	audius_body(&audius, wallets);
	cometbft_body(&comet);
	printf("answer-bench: %d rounds, CPU time of this process\n", rounds);

	probe(&pc, &jc, vcs, 1);
	jc.aj_rows = (char *)"/data/users";
	jc.aj_key = (char *)"/walletPublicKey";
	value(&vcs[0], "clock", "/clock", VT_INTEGER, VF_JSON);
	vcs[0].vc_missing = VM_ERROR;
	vcs[0].vc_invalid = 0;
	ns = run_kind(&pc, wallets, WALLETS, audius.b_data, audius.b_len,
	    rounds, &c);
	if (c.c_rows != (size_t)rounds * WALLETS || c.c_errors != 0) {
		fprintf(stderr, "answer-bench: audius: %zu rows, %zu errors\n",
		    c.c_rows, c.c_errors);
		return 1;
	}
	printf("  audius   %7zu bytes  %5d items  %8.0f ns per item (the kind)\n",
	    audius.b_len, WALLETS, ns);
	printf("  audius   %7zu bytes  %5d items  %8.0f ns per item (jansson "
	    "tree, for comparison)\n", audius.b_len, WALLETS,
	    run_tree(audius.b_data, audius.b_len, rounds, &tsum));
	if (tsum != c.c_sum)
		fprintf(stderr, "answer-bench: the tree read other clocks\n");

	probe(&pc, &jc, vcs, 1);
	value(&vcs[0], "n_peers", "/result/n_peers", VT_INTEGER, VF_STRING);
	ns = run_kind(&pc, NULL, 0, comet.b_data, comet.b_len, rounds, &c);
	if (c.c_errors != 0 || c.c_sum != (int64_t)rounds * PEERS) {
		fprintf(stderr, "answer-bench: cometbft: wrong rows\n");
		return 1;
	}
	printf("  cometbft %7zu bytes  %5d item   %8.0f ns per item\n",
	    comet.b_len, 1, ns);

	probe(&pc, &jc, vcs, 4);
	jc.aj_jsonrpc = (char *)"{{item}}";
	value(&vcs[0], "quantity", "", VT_INTEGER, VF_HEX);
	value(&vcs[1], "text", "", VT_TEXT, VF_JSON);
	value(&vcs[2], "syncing", "", VT_BOOLEAN, VF_JSON);
	value(&vcs[3], "current_block", "/currentBlock", VT_INTEGER, VF_HEX);
	ns = run_kind(&pc, methods, 5, evm_body, strlen(evm_body), rounds,
	    &c);
	if (c.c_rows != (size_t)rounds * 5 || c.c_errors != 0) {
		fprintf(stderr, "answer-bench: evm: %zu rows, %zu errors\n",
		    c.c_rows, c.c_errors);
		return 1;
	}
	printf("  evm      %7zu bytes  %5d items  %8.0f ns per item\n",
	    strlen(evm_body), 5, ns);

	for (i = 0; i < WALLETS; i++)
		free(wallets[i]);
	buf_release(&audius);
	buf_release(&comet);
	return 0;
}
