/* gen.c -- deterministic users, replica sets, clocks and the discovery db */

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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

/* Independent random streams, so changing one kind of draw leaves the rest. */
enum gen_stream {
	GEN_WALLET = 1,
	GEN_USER,
	GEN_SHUFFLE,
	GEN_WEIGHT,
	GEN_SIGNER,
	GEN_HISTORY
};

static const char *const fault_names[SN_NFAULTS] = {
	"none", "down", "slow", "http500", "malformed", "truncated",
	"oversized", "missing", "flaky", "wrong_network", "diverged",
	"catching_up", "lagging", "restarted", "unhealthy", "unregistered",
	"unreachable"
};

static const char *const status_names[SN_NSTATUS] = {
	"fully_synced", "partially_synced", "unsynced", "primary_missing",
	"no_replica_set", "incomplete_replica_set", "unknown"
};

const char *
simnet_fault_name(enum sn_fault f)
{
	return f < SN_NFAULTS ? fault_names[f] : "?";
}

int
simnet_fault_parse(const char *s, enum sn_fault *fp)
{
	size_t	i;

	for (i = 0; i < SN_NFAULTS; i++)
		if (strcmp(s, fault_names[i]) == 0) {
			*fp = (enum sn_fault)i;
			return 0;
		}
	return -1;
}

int
simnet_fault_unanswered(enum sn_fault f)
{
	switch (f) {
	case SN_FAULT_DOWN:
	case SN_FAULT_SLOW:
	case SN_FAULT_HTTP500:
	case SN_FAULT_MALFORMED:
	case SN_FAULT_TRUNCATED:
	case SN_FAULT_OVERSIZED:
		return 1;
	default:
		return 0;
	}
}

const char *
simnet_status_name(enum sn_status st)
{
	return st < SN_NSTATUS ? status_names[st] : "?";
}

int
simnet_status_parse(const char *s, enum sn_status *stp)
{
	size_t	i;

	for (i = 0; i < SN_NSTATUS; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*stp = (enum sn_status)i;
			return 0;
		}
	return -1;
}

int
simnet_omitted(const char *wallet, size_t len)
{
	return fnv1a32(wallet, len) % 5 == 0;
}

int
simnet_deregistered(const struct simnet *sn)
{
	return sn->sn_nnodes + 1;
}

const char *
simnet_wallet(const struct simnet *sn, uint32_t idx)
{
	return sn->sn_wallets + (size_t)idx * SN_WALLET_LEN;
}

/* splitmix64: small, fast, and good enough to make test data. */
uint64_t
rng_next(uint64_t *s)
{
	uint64_t z;

	z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
uint32_t
rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * (uint64_t)n) >> 32);
}

uint64_t
rng_seed(uint64_t seed, unsigned int stream, uint64_t id)
{
	uint64_t s;

	s = seed ^ ((uint64_t)stream << 56);
	s = rng_next(&s) ^ id;
	(void)rng_next(&s);
	return s;
}

void
hex_fill(uint64_t *s, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t r = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = rng_next(s);
		out[i] = hex[r & 0xf];
		r >>= 4;
	}
}

/* "0x" + 40 hex digits; about 1 in 50 is mixed-case. */
static void
gen_wallet(const struct simnet *sn, uint32_t idx, char *out)
{
	uint64_t s, caps;
	size_t	 i;
	int	 upper = 0;

	s = rng_seed(sn->sn_seed, GEN_WALLET, idx + 1);
	out[0] = '0';
	out[1] = 'x';
	hex_fill(&s, out + 2, SN_WALLET_LEN - 2);
	if (rng_below(&s, 50) != 0)
		return;
	caps = rng_next(&s);
	for (i = 2; i < SN_WALLET_LEN; i++) {
		if (out[i] >= 'a' && (caps >> (i % 64) & 1)) {
			out[i] -= 'a' - 'A';
			upper = 1;
		}
	}
	for (i = 2; !upper && i < SN_WALLET_LEN; i++)
		if (out[i] >= 'a') {
			out[i] -= 'a' - 'A';
			upper = 1;
		}
}

static int
is_current(const struct simnet *sn, int spid)
{
	return spid >= 1 && spid <= sn->sn_nnodes;
}

/*
 * A uniformly chosen current node other than a and b (0 = no exclusion),
 * or 0 if there is none.
 */
static int
pick_other(const struct simnet *sn, uint64_t *s, int a, int b)
{
	int	lo, hi, navail, r;

	if (a > b) {
		lo = b;
		hi = a;
	} else {
		lo = a;
		hi = b;
	}
	if (lo == hi)
		lo = 0;
	if (!is_current(sn, lo))
		lo = 0;
	if (!is_current(sn, hi))
		hi = 0;
	navail = sn->sn_nnodes - (lo != 0) - (hi != 0);
	if (navail <= 0)
		return 0;
	r = 1 + (int)rng_below(s, navail);
	if (lo != 0 && r >= lo)
		r++;
	if (hi != 0 && r >= hi)
		r++;
	return r;
}

/* A primary chosen with the per-node skew (cumulative weights cw). */
static int
pick_primary(const struct simnet *sn, uint64_t *s, const uint32_t *cw)
{
	uint32_t r;
	int	 lo = 0, hi = sn->sn_nnodes - 1, mid;

	r = rng_below(s, cw[sn->sn_nnodes - 1]);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cw[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo + 1;
}

/* A clock that is not c: older, ahead, or -1 (no data). */
static int32_t
clock_other(uint64_t *s, int32_t c)
{
	uint32_t r = rng_below(s, 8);

	if (r == 0)
		return -1;
	if (r == 1 || c == 0)
		return c + 1 + (int32_t)rng_below(s, 20);
	return c - 1 - (int32_t)rng_below(s, c < 100 ? (uint32_t)c : 100);
}

/* Replica sets that are never three distinct current nodes. */
static void
gen_incomplete(const struct simnet *sn, struct sn_user *u, uint64_t *s,
    const uint32_t *cw)
{
	int	p, x, y, dereg = simnet_deregistered(sn);

	p = pick_primary(sn, s, cw);
	u->u_primary = p;
	switch (rng_below(s, 7)) {
	case 0:		/* one secondary */
		x = pick_other(sn, s, p, 0);
		u->u_nsec = 1;
		u->u_sec[0] = x != 0 ? x : p;
		break;
	case 1:		/* "[]" */
		u->u_nsec = 0;
		break;
	case 2:		/* the primary again as a secondary */
		x = pick_other(sn, s, p, 0);
		u->u_nsec = 2;
		u->u_sec[0] = x != 0 ? x : p;
		u->u_sec[1] = p;
		if (rng_below(s, 2)) {
			u->u_sec[1] = u->u_sec[0];
			u->u_sec[0] = p;
		}
		break;
	case 3:		/* a deregistered node */
		x = pick_other(sn, s, p, 0);
		u->u_nsec = 2;
		u->u_sec[0] = x != 0 ? x : p;
		u->u_sec[1] = dereg;
		break;
	case 4:		/* NULL secondary_ids */
		u->u_nsec = -1;
		break;
	case 5:		/* the same secondary twice */
		x = pick_other(sn, s, p, 0);
		u->u_nsec = 2;
		u->u_sec[0] = u->u_sec[1] = x != 0 ? x : p;
		break;
	default:	/* a deregistered primary */
		x = pick_other(sn, s, 0, 0);
		y = pick_other(sn, s, x, 0);
		u->u_primary = dereg;
		u->u_nsec = y != 0 ? 2 : 1;
		u->u_sec[0] = x;
		u->u_sec[1] = y;
		break;
	}
	u->u_clock[0] = u->u_clock[1] = u->u_clock[2] =
	    (int32_t)rng_below(s, 10000);
}

/* Three distinct current nodes with clocks matching the target status. */
static void
gen_complete(const struct simnet *sn, struct sn_user *u, uint64_t *s,
    const uint32_t *cw, uint32_t nth)
{
	int32_t	c;
	int	i, p;

	if (nth < (uint32_t)sn->sn_nnodes)	/* every node a primary */
		p = (int)nth + 1;
	else
		p = pick_primary(sn, s, cw);
	u->u_primary = p;
	u->u_nsec = 2;
	u->u_sec[0] = pick_other(sn, s, p, 0);
	u->u_sec[1] = pick_other(sn, s, p, u->u_sec[0]);
	c = (int32_t)rng_below(s, 10000);
	u->u_clock[0] = u->u_clock[1] = u->u_clock[2] = c;
	switch (u->u_target) {
	case SN_PARTIALLY_SYNCED:
		u->u_clock[1 + rng_below(s, 2)] = clock_other(s, c);
		break;
	case SN_UNSYNCED:
		u->u_clock[1] = clock_other(s, c);
		u->u_clock[2] = clock_other(s, c);
		break;
	case SN_PRIMARY_MISSING:
		u->u_clock[0] = -1;
		for (i = 1; i < 3; i++)
			if (rng_below(s, 3) == 0)
				u->u_clock[i] = -1;
		break;
	default:
		break;
	}
}

/* The rules a monitor applies, first match wins. */
static enum sn_status
gen_status(const struct simnet *sn, const struct sn_user *u, const char *w)
{
	int	ids[3], i, match;
	enum sn_fault f;

	if (u->u_primary == 0)
		return SN_NO_REPLICA_SET;
	if (u->u_nsec != 2)
		return SN_INCOMPLETE_REPLICA_SET;
	ids[0] = u->u_primary;
	ids[1] = u->u_sec[0];
	ids[2] = u->u_sec[1];
	for (i = 0; i < 3; i++)
		if (!is_current(sn, ids[i]))
			return SN_INCOMPLETE_REPLICA_SET;
	if (ids[0] == ids[1] || ids[0] == ids[2] || ids[1] == ids[2])
		return SN_INCOMPLETE_REPLICA_SET;
	for (i = 0; i < 3; i++) {
		f = sn->sn_nodes[ids[i] - 1].nd_fault;
		if (simnet_fault_unanswered(f))
			return SN_UNKNOWN;
		if (f == SN_FAULT_MISSING && simnet_omitted(w, SN_WALLET_LEN))
			return SN_UNKNOWN;
	}
	if (u->u_clock[0] == -1)
		return SN_PRIMARY_MISSING;
	match = (u->u_clock[1] == u->u_clock[0]) +
	    (u->u_clock[2] == u->u_clock[0]);
	if (match == 2)
		return SN_FULLY_SYNCED;
	return match == 1 ? SN_PARTIALLY_SYNCED : SN_UNSYNCED;
}

/* Exact counts from the percentages (largest remainder), then shuffled. */
static void
gen_targets(struct simnet *sn)
{
	uint64_t counts[SN_NMIX], rem[SN_NMIX], left, s;
	uint32_t i, j, n = sn->sn_nusers;
	uint8_t	 t;
	int	 k, best;

	left = n;
	for (k = 0; k < SN_NMIX; k++) {
		counts[k] = (uint64_t)sn->sn_mix[k] * n / 100;
		rem[k] = (uint64_t)sn->sn_mix[k] * n % 100;
		left -= counts[k];
	}
	while (left > 0) {
		best = 0;
		for (k = 1; k < SN_NMIX; k++)
			if (rem[k] > rem[best])
				best = k;
		counts[best]++;
		rem[best] = 0;
		left--;
	}
	i = 0;
	for (k = 0; k < SN_NMIX; k++)
		for (j = 0; j < counts[k]; j++)
			sn->sn_users[i++].u_target = (uint8_t)k;
	s = rng_seed(sn->sn_seed, GEN_SHUFFLE, 0);
	for (i = n; i > 1; i--) {
		j = rng_below(&s, i);
		t = sn->sn_users[i - 1].u_target;
		sn->sn_users[i - 1].u_target = sn->sn_users[j].u_target;
		sn->sn_users[j].u_target = t;
	}
}

static uint64_t
map_hash(const char *s, size_t len)
{
	uint64_t h = fnv1a64(s, len);

	h ^= h >> 32;
	return h * 0x9e3779b97f4a7c15ULL;
}

/* Slot index from the high bits, tag from the low ones. */
#define MAP_SLOT(h, nd)	((uint32_t)((h) >> 32) & (nd)->nd_mask)
#define MAP_TAG(h)	((uint32_t)(h))

static void
map_put(struct simnet *sn, struct sn_node *nd, uint32_t idx, int32_t clock)
{
	const char *w = simnet_wallet(sn, idx);
	uint64_t h;
	uint32_t i;

	h = map_hash(w, SN_WALLET_LEN);
	i = MAP_SLOT(h, nd);
	while (nd->nd_slots[i].sl_user != 0) {
		if (nd->nd_slots[i].sl_user == idx + 1) {
			nd->nd_slots[i].sl_clock = clock;
			return;
		}
		i = (i + 1) & nd->nd_mask;
	}
	nd->nd_slots[i].sl_user = idx + 1;
	nd->nd_slots[i].sl_tag = MAP_TAG(h);
	nd->nd_slots[i].sl_clock = clock;
	nd->nd_count++;
}

int32_t
gen_lookup(const struct simnet *sn, const struct sn_node *nd,
    const char *wallet, size_t len)
{
	uint64_t h;
	uint32_t i, u;

	if (len != SN_WALLET_LEN || nd->nd_slots == NULL)
		return -1;
	h = map_hash(wallet, len);
	i = MAP_SLOT(h, nd);
	while ((u = nd->nd_slots[i].sl_user) != 0) {
		if (nd->nd_slots[i].sl_tag == MAP_TAG(h) &&
		    memcmp(simnet_wallet(sn, u - 1), wallet, len) == 0)
			return nd->nd_slots[i].sl_clock;
		i = (i + 1) & nd->nd_mask;
	}
	return -1;
}

/* Each node stores the wallets it has data for (clock != -1). */
static void
gen_maps(struct simnet *sn)
{
	struct sn_user *u;
	uint32_t *need, idx, size;
	int	 i, k, ids[3];

	need = xcalloc(sn->sn_nnodes, sizeof(*need));
	for (k = 0; k < 2; k++) {
		for (idx = 0; idx < sn->sn_nusers; idx++) {
			u = &sn->sn_users[idx];
			if (u->u_primary == 0 || (u->u_flags & SN_U_NOWALLET))
				continue;
			ids[0] = u->u_primary;
			ids[1] = u->u_nsec > 0 ? u->u_sec[0] : 0;
			ids[2] = u->u_nsec > 1 ? u->u_sec[1] : 0;
			for (i = 0; i < 3; i++) {
				if (!is_current(sn, ids[i]) ||
				    u->u_clock[i] == -1)
					continue;
				if (k == 0)
					need[ids[i] - 1]++;
				else
					map_put(sn, &sn->sn_nodes[ids[i] - 1],
					    idx, u->u_clock[i]);
			}
		}
		if (k == 1)
			break;
		for (i = 0; i < sn->sn_nnodes; i++) {
			size = 16;
			while (size < 2 * need[i])
				size *= 2;
			sn->sn_nodes[i].nd_slots = xcalloc(size,
			    sizeof(struct sn_slot));
			sn->sn_nodes[i].nd_mask = size - 1;
		}
	}
	free(need);
}

void
gen_users(struct simnet *sn)
{
	struct sn_node *nd;
	struct sn_user *u;
	uint32_t *cw, idx, ncomplete = 0;
	uint64_t s;
	int	 k;

	sn->sn_nodes = xcalloc(sn->sn_nnodes, sizeof(*sn->sn_nodes));
	cw = xcalloc(sn->sn_nnodes, sizeof(*cw));
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		nd->nd_spid = k + 1;
		nd->nd_fault = sn->sn_faults[k];
		atomic_init(&nd->nd_requests, 0);
		s = rng_seed(sn->sn_seed, GEN_SIGNER, k + 1);
		memcpy(nd->nd_signer, "0x", 2);
		hex_fill(&s, nd->nd_signer + 2, SN_WALLET_LEN - 2);
		nd->nd_signer[SN_WALLET_LEN] = '\0';
		/* Primary weights 1..10: some nodes carry much more. */
		s = rng_seed(sn->sn_seed, GEN_WEIGHT, k + 1);
		cw[k] = (k > 0 ? cw[k - 1] : 0) + 1 + rng_below(&s, 10);
	}

	sn->sn_users = xcalloc(sn->sn_nusers > 0 ? sn->sn_nusers : 1,
	    sizeof(*sn->sn_users));
	sn->sn_wallets = xmalloc((size_t)sn->sn_nusers * SN_WALLET_LEN + 1);
	gen_targets(sn);
	for (idx = 0; idx < sn->sn_nusers; idx++) {
		u = &sn->sn_users[idx];
		gen_wallet(sn, idx, sn->sn_wallets +
		    (size_t)idx * SN_WALLET_LEN);
		s = rng_seed(sn->sn_seed, GEN_USER, idx + 1);
		u->u_nsec = -1;
		u->u_clock[0] = u->u_clock[1] = u->u_clock[2] = -1;
		switch (u->u_target) {
		case SN_NO_REPLICA_SET:
			if (rng_below(&s, 10) == 0)
				u->u_flags |= SN_U_NOWALLET;
			break;
		case SN_INCOMPLETE_REPLICA_SET:
			gen_incomplete(sn, u, &s, cw);
			break;
		default:
			if (sn->sn_nnodes < 3)
				gen_incomplete(sn, u, &s, cw);
			else
				gen_complete(sn, u, &s, cw, ncomplete++);
			break;
		}
		u->u_status = gen_status(sn, u, simnet_wallet(sn, idx));
	}
	free(cw);
	gen_maps(sn);
}

void
gen_nodes(struct simnet *sn)
{
	struct sn_node *nd;
	uint64_t s;
	int	 k;

	sn->sn_nodes = xcalloc(sn->sn_nnodes, sizeof(*sn->sn_nodes));
	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		nd->nd_spid = k + 1;
		nd->nd_fault = sn->sn_faults[k];
		atomic_init(&nd->nd_requests, 0);
		s = rng_seed(sn->sn_seed, GEN_SIGNER, k + 1);
		memcpy(nd->nd_signer, "0x", 2);
		hex_fill(&s, nd->nd_signer + 2, SN_WALLET_LEN - 2);
		nd->nd_signer[SN_WALLET_LEN] = '\0';
	}
}

void
gen_set_endpoints(struct simnet *sn)
{
	struct sn_node *nd;
	int	k;

	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		free(nd->nd_endpoint);
		xasprintf(&nd->nd_endpoint, "http://%s:%d/cn/%d", sn->sn_host,
		    nd->nd_fault == SN_FAULT_DOWN ? sn->sn_down_port :
		    sn->sn_port, nd->nd_spid);
	}
}

void
gen_free(struct simnet *sn)
{
	int	k;

	if (sn->sn_nodes != NULL)
		for (k = 0; k < sn->sn_nnodes; k++) {
			free(sn->sn_nodes[k].nd_endpoint);
			free(sn->sn_nodes[k].nd_slots);
		}
	free(sn->sn_nodes);
	free(sn->sn_users);
	free(sn->sn_wallets);
	sn->sn_nodes = NULL;
	sn->sn_users = NULL;
	sn->sn_wallets = NULL;
}

/* Database writing. */

static int
db_unlink(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char	*name;
	size_t	 i;
	int	 rv = 0;

	for (i = 0; i < nitems(sfx); i++) {
		xasprintf(&name, "%s%s", path, sfx[i]);
		if (unlink(name) == -1 && errno != ENOENT) {
			log_warn("%s", name);
			rv = -1;
		}
		free(name);
	}
	return rv;
}

static int
db_exec(sqlite3 *db, const char *path, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("%s: %s", path, err != NULL ? err :
		    sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
db_step(sqlite3 *db, sqlite3_stmt *st, const char *path)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
db_node(sqlite3 *db, sqlite3_stmt *st, const char *path, int spid,
    const char *endpoint, int current)
{
	sqlite3_bind_int(st, 1, spid);
	sqlite3_bind_text(st, 2, endpoint, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, current);
	return db_step(db, st, path);
}

/* Bind one users row; ids holds the primary then nsec secondaries. */
static int
db_user(sqlite3 *db, sqlite3_stmt *st, const char *path, uint32_t user_id,
    const char *wallet, int current, const int32_t *ids, int nsec)
{
	char	 sec[64];
	size_t	 len = 0;
	int	 i;

	sqlite3_bind_int64(st, 1, user_id);
	if (wallet != NULL)
		sqlite3_bind_text(st, 2, wallet, SN_WALLET_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, current);
	if (ids[0] != 0)
		sqlite3_bind_int(st, 4, ids[0]);
	if (nsec >= 0) {
		sec[len++] = '[';
		for (i = 0; i < nsec; i++)
			len += snprintf(sec + len, sizeof(sec) - len, "%s%d",
			    i > 0 ? "," : "", (int)ids[1 + i]);
		sec[len++] = ']';
		sqlite3_bind_text(st, 5, sec, (int)len, SQLITE_TRANSIENT);
	}
	return db_step(db, st, path);
}

/* An older version of some users, with another replica set. */
static int
db_history(const struct simnet *sn, sqlite3 *db, sqlite3_stmt *st,
    const char *path, uint32_t idx, const char *wallet)
{
	uint64_t s;
	int32_t	 ids[3];
	int	 ncand = simnet_deregistered(sn);

	s = rng_seed(sn->sn_seed, GEN_HISTORY, idx + 1);
	if (rng_below(&s, 10) != 0)
		return 0;
	if (rng_below(&s, 5) == 0) {
		ids[0] = 0;
		return db_user(db, st, path, idx + 1, wallet, 0, ids, -1);
	}
	ids[0] = 1 + (int32_t)rng_below(&s, ncand);
	ids[1] = 1 + (int32_t)rng_below(&s, ncand);
	ids[2] = 1 + (int32_t)rng_below(&s, ncand);
	return db_user(db, st, path, idx + 1, wallet, 0, ids, 2);
}

int
gen_write_db(const struct simnet *sn, const char *path)
{
	const struct sn_user *u;
	const struct sn_node *nd;
	sqlite3	*db = NULL;
	sqlite3_stmt *stn = NULL, *stu = NULL;
	const char *wallet;
	char	*old = NULL;
	int32_t	 ids[3];
	uint32_t idx;
	int	 k, rv = -1;

	if (db_unlink(path) == -1)
		goto out;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", path, db != NULL ? sqlite3_errmsg(db) :
		    "cannot open");
		goto out;
	}
	if (db_exec(db, path, "PRAGMA journal_mode=OFF;"
	    "PRAGMA synchronous=OFF;"
	    "PRAGMA locking_mode=EXCLUSIVE;"
	    "PRAGMA cache_size=-65536;"
	    "BEGIN;"
	    "CREATE TABLE ursm_content_nodes(cnode_sp_id INTEGER, "
	    "endpoint TEXT, is_current INTEGER);"
	    "CREATE TABLE users(user_id INTEGER, wallet TEXT, "
	    "is_current INTEGER, primary_id INTEGER NULL, "
	    "secondary_ids TEXT NULL);") == -1)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO ursm_content_nodes"
	    "(cnode_sp_id, endpoint, is_current) VALUES (?, ?, ?)", -1, &stn,
	    NULL) != SQLITE_OK || sqlite3_prepare_v2(db, "INSERT INTO users"
	    "(user_id, wallet, is_current, primary_id, secondary_ids) "
	    "VALUES (?, ?, ?, ?, ?)", -1, &stu, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}

	for (k = 0; k < sn->sn_nnodes; k++) {
		nd = &sn->sn_nodes[k];
		if (nd->nd_spid % 5 == 1) {	/* moved once */
			free(old);
			xasprintf(&old, "https://creatornode%d.audius.invalid",
			    nd->nd_spid);
			if (db_node(db, stn, path, nd->nd_spid, old, 0) == -1)
				goto out;
		}
		if (db_node(db, stn, path, nd->nd_spid, nd->nd_endpoint,
		    1) == -1)
			goto out;
	}
	free(old);
	xasprintf(&old, "https://deregistered%d.audius.invalid",
	    simnet_deregistered(sn));
	if (db_node(db, stn, path, simnet_deregistered(sn), old, 0) == -1)
		goto out;

	for (idx = 0; idx < sn->sn_nusers; idx++) {
		u = &sn->sn_users[idx];
		wallet = (u->u_flags & SN_U_NOWALLET) ? NULL :
		    simnet_wallet(sn, idx);
		if (db_history(sn, db, stu, path, idx, wallet) == -1)
			goto out;
		ids[0] = u->u_primary;
		ids[1] = u->u_sec[0];
		ids[2] = u->u_sec[1];
		if (db_user(db, stu, path, idx + 1, wallet, 1, ids,
		    u->u_nsec) == -1)
			goto out;
	}
	if (db_exec(db, path, "COMMIT") == -1)
		goto out;
	rv = 0;
out:
	free(old);
	sqlite3_finalize(stu);
	sqlite3_finalize(stn);
	if (db != NULL && sqlite3_close(db) != SQLITE_OK) {
		log_warnx("%s: %s", path, sqlite3_errmsg(db));
		rv = -1;
	}
	return rv;
}
