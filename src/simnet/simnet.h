/* simnet.h -- vantage-simnet: a simulated network of any supported kind */

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

#ifndef VANTAGE_SIMNET_H
#define VANTAGE_SIMNET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"

#define SN_WALLET_LEN	42		/* "0x" + 40 hex digits */
#define SN_MAX_USERS	20000000
#define SN_MAX_NODES	10000
#define SN_BATCH_MAX	5000		/* distinct wallets a batch */
#define SN_BODY_MAX	(2 * 1024 * 1024)	/* request body cap */

/*
 * Faults a node can have.  The first six make the node give no usable
 * answer at all (see simnet_fault_unanswered).
 */
enum sn_fault {
	SN_FAULT_NONE = 0,
	SN_FAULT_DOWN,
	SN_FAULT_SLOW,
	SN_FAULT_HTTP500,
	SN_FAULT_MALFORMED,
	SN_FAULT_TRUNCATED,
	SN_FAULT_OVERSIZED,
	SN_FAULT_MISSING,
	SN_FAULT_FLAKY,
	/* Faults of what a node says, for the kinds that have them. */
	SN_FAULT_WRONG_NETWORK,	/* another network or chain */
	SN_FAULT_DIVERGED,	/* another block at a height others share */
	SN_FAULT_CATCHING_UP,
	SN_FAULT_LAGGING,
	SN_FAULT_RESTARTED,	/* restarts once, after its first answer */
	SN_FAULT_UNHEALTHY,	/* audiusd: 503 with healthy false */
	SN_FAULT_UNREGISTERED,	/* audiusd: 506, wallet not registered */
	SN_FAULT_UNREACHABLE,	/* audiusd: its peers cannot reach it */
	SN_NFAULTS
};
#define SN_F(f)		(1U << (f))
/* The transport faults every kind takes. */
#define SN_FAULTS_TRANSPORT	(SN_F(SN_FAULT_NONE) | SN_F(SN_FAULT_DOWN) | \
	SN_F(SN_FAULT_SLOW) | SN_F(SN_FAULT_HTTP500) | \
	SN_F(SN_FAULT_MALFORMED) | SN_F(SN_FAULT_TRUNCATED) | \
	SN_F(SN_FAULT_OVERSIZED) | SN_F(SN_FAULT_FLAKY))

/*
 * Replica set statuses, in the order the truth lists them.  A status mix
 * assigns the first SN_NMIX; unknown only comes from faults.
 */
enum sn_status {
	SN_FULLY_SYNCED = 0,
	SN_PARTIALLY_SYNCED,
	SN_UNSYNCED,
	SN_PRIMARY_MISSING,
	SN_NO_REPLICA_SET,
	SN_INCOMPLETE_REPLICA_SET,
	SN_UNKNOWN,
	SN_NSTATUS
};
#define SN_NMIX		SN_UNKNOWN

/*
 * One current user; user_id is its index + 1 and its wallet is
 * sn_wallets + index * SN_WALLET_LEN (not NUL-terminated).
 */
struct sn_user {
	int32_t	u_primary;	/* spID, 0 = NULL */
	int32_t	u_sec[2];	/* secondary spIDs, u_nsec of them */
	int32_t	u_clock[3];	/* of primary, u_sec[]; -1 = none */
	int8_t	u_nsec;		/* -1 = secondary_ids NULL */
	uint8_t	u_target;	/* enum sn_status the mix asked for */
	uint8_t	u_status;	/* enum sn_status a monitor must find */
	uint8_t	u_flags;
#define SN_U_NOWALLET	0x01	/* wallet is NULL in the database */
};

/* One slot of a node's wallet -> clock table (open addressing). */
struct sn_slot {
	uint32_t	sl_user;	/* user index + 1, 0 = empty */
	uint32_t	sl_tag;		/* hash bits, to skip compares */
	int32_t		sl_clock;
};

struct sn_node {
	int		 nd_spid;
	enum sn_fault	 nd_fault;
	char		*nd_endpoint;	/* owned; gen_set_endpoints */
	char		 nd_signer[SN_WALLET_LEN + 1];
	struct sn_slot	*nd_slots;	/* owned; nd_mask + 1 of them */
	uint32_t	 nd_mask;
	uint32_t	 nd_count;	/* wallets stored */
	atomic_ulong	 nd_requests;	/* requests seen (flaky) */
};

/* An answer before faults are applied (serve.c applies them). */
struct answer {
	unsigned int	 an_status;
	struct buf	 an_body;
	const char	*an_allow;	/* Allow header for 405 */
	const char	*an_ctype;	/* NULL: application/json */
};

struct simnet;

/*
 * A kind of network, one file each (kind-*.c): the nodes it makes from
 * the seed, the discovery input it writes to -d, what a node answers on
 * each route, and the ground truth: the exact samples a correct monitor
 * exports.  Transport faults (down, slow, http500, malformed, truncated,
 * oversized, flaky) are serve.c's, for every kind.
 */
struct sn_kind {
	const char	*sk_name;
	const char	*sk_input;	/* what -d gets, for messages */
	uint32_t	 sk_faults;	/* SN_F() of the faults it takes */
	/* What `flaky` answers first: 0 is 503; 502 where 503 means more. */
	unsigned int	 sk_flaky_status;
	void		(*sk_gen)(struct simnet *);
	int		(*sk_write)(const struct simnet *, const char *path);
	/*
	 * Answer method rest (the path after /cn/<k>) of node nd, whose
	 * request body is body (NULL: larger than SN_BODY_MAX).
	 */
	void		(*sk_answer)(struct simnet *, struct sn_node *nd,
			    const char *method, const char *rest,
			    const struct buf *body, struct answer *);
	/* {"seed", "nodes": [...], "samples": [...]}; the caller frees. */
	json_t		*(*sk_truth)(const struct simnet *);
	void		(*sk_free)(struct simnet *);	/* sn_kstate */
};

extern const struct sn_kind sn_kind_audius;
extern const struct sn_kind sn_kind_cometbft;
extern const struct sn_kind sn_kind_mina;
extern const struct sn_kind sn_kind_evm;
extern const struct sn_kind sn_kind_audiusd;
extern const struct sn_kind *const sn_kinds[];	/* NULL-terminated */

struct simnet {
	const struct sn_kind *sn_kind;
	void		*sn_kstate;	/* the kind's own model */
	uint64_t	 sn_seed;
	uint32_t	 sn_nusers;
	int		 sn_nnodes;
	int		 sn_mix[SN_NMIX];	/* percentages, sum 100 */
	enum sn_fault	*sn_faults;	/* [spID - 1], owned */
	int64_t		 sn_slow_ms;
	int64_t		 sn_oversize;
	char		 sn_host[64];	/* numeric IPv4 of the nodes */
	int		 sn_port;	/* where live nodes answer */
	int		 sn_down_port;	/* bound, not listening */

	/* Filled by gen_users, freed by gen_free. */
	struct sn_node	*sn_nodes;	/* [spID - 1] */
	struct sn_user	*sn_users;	/* [user_id - 1] */
	char		*sn_wallets;	/* SN_WALLET_LEN bytes a user */
};

/* gen.c: the model, its generation and the discovery database. */
const char	*simnet_fault_name(enum sn_fault);
int		 simnet_fault_parse(const char *, enum sn_fault *);
/* Does a node with this fault give no usable answer at all? */
int		 simnet_fault_unanswered(enum sn_fault);
const char	*simnet_status_name(enum sn_status);
int		 simnet_status_parse(const char *, enum sn_status *);
/* Is this wallet omitted from the answers of a `missing` node? */
int		 simnet_omitted(const char *, size_t);
/* The spID that only appears as is_current = 0. */
int		 simnet_deregistered(const struct simnet *);
const char	*simnet_wallet(const struct simnet *, uint32_t idx);

/* splitmix64 streams, shared by every kind. */
uint64_t rng_next(uint64_t *);
uint32_t rng_below(uint64_t *, uint32_t n);	/* uniform in [0, n), n > 0 */
uint64_t rng_seed(uint64_t seed, unsigned int stream, uint64_t id);
void	 hex_fill(uint64_t *, char *out, size_t n);	/* lowercase, no NUL */

/* Nodes 1..sn_nnodes with their faults, nothing else (the other kinds). */
void	 gen_nodes(struct simnet *);
void	 gen_users(struct simnet *);
void	 gen_set_endpoints(struct simnet *);
int	 gen_write_db(const struct simnet *, const char *path);
/* The clock a node stores for a wallet as sent, -1 if none. */
int32_t	 gen_lookup(const struct simnet *, const struct sn_node *,
	    const char *wallet, size_t len);
void	 gen_free(struct simnet *);

/* serve.c: one libmicrohttpd daemon for every node. */
struct serve;

/* Listen on host:port (port 0 picks one); sn is borrowed until serve_stop. */
struct serve	*serve_start(struct simnet *, const char *host, int port);
int		 serve_port(const struct serve *);
void		 serve_stop(struct serve *);	/* accepts NULL */

/* serve.c: the audius kind's routes. */
void	 audius_answer(struct simnet *, struct sn_node *, const char *method,
	    const char *rest, const struct buf *body, struct answer *);
void	 answer_error(struct answer *, unsigned int status, const char *msg);
/* Close {"data":... with the signer, timestamp and signature of nd. */
void	 answer_sign(struct answer *, const struct sn_node *nd);

/* truth.c */
/* The audius kind's truth. */
json_t	*truth_build(const struct simnet *);
/* A sample {"metric", "labels" (taken), "value"} appended to samples. */
void	 truth_sample(json_t *samples, const char *metric, json_t *labels,
	    double value);
/* Write the ground truth to path atomically (path.tmp, rename), or stdout. */
int	 truth_write(const struct simnet *, const char *path);
/* Write a file atomically (path.tmp, fsync, rename); -1 logged. */
int	 write_file_atomic(const char *path, const char *data, size_t len);
/* The compare subcommand: returns the exit status (0, 1 or 2). */
int	 truth_compare(const char *truthpath, const char *metricspath);

/* history.c: the entity-history truth over a sequence of runs */
/* Every current user's status, "USER_ID STATUS" lines (path.tmp, rename). */
int	 truth_states_write(const struct simnet *, const char *path);
/* The history subcommand: returns the exit status. */
int	 truth_history(int argc, char *argv[]);

#endif
