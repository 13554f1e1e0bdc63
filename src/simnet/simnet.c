/* simnet.c -- vantage-simnet: command line, setup and the serve loop */

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

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "simnet/simnet.h"

#define SIMNET_HELP		(-1)	/* the help was printed */
#define SIMNET_MAX_SLOW_MS	(3600 * 1000)
#define SIMNET_MAX_OVERSIZE	(1024LL * 1024 * 1024)
#define SIMNET_DEFAULT_MIX	"fully_synced=70,partially_synced=10," \
	"unsynced=5,primary_missing=5,no_replica_set=5," \
	"incomplete_replica_set=5"

enum {
	OPT_NO_SERVE = 256,
	OPT_DURATION,
	OPT_SLOW_DELAY,
	OPT_OVERSIZE,
	OPT_PIDFILE,
	OPT_KIND,
	OPT_STATES
};

struct simnet_opts {
	const char	*so_db;
	const char	*so_truth;	/* NULL: stdout */
	const char	*so_states;	/* --states: NULL, none */
	const char	*so_pidfile;
	int		 so_port;	/* from -l; 0 = any */
	int		 so_serve;
	int64_t		 so_duration_ms;	/* 0 = until a signal */
	char		**so_faults;	/* -f arguments */
	size_t		 so_nfaults;
};

static const char usage_text[] =
"usage: vantage-simnet [-hv] [--kind KIND] -d FILE [-t FILE] [-s SEED]\n"
"           [-u USERS] [-n NODES] [-l ADDR:PORT] [-m MIX]\n"
"           [-f SPID:FAULT]... [--no-serve] [--duration DUR]\n"
"           [--slow-delay DUR] [--oversize SIZE] [--pidfile FILE]\n"
"           [--states FILE]\n"
"       vantage-simnet compare TRUTH.json METRICS.txt\n"
"       vantage-simnet history [-w WINDOW]... TIME:STATES...\n"
"\n"
"Simulate a network for the vantage monitor, deterministically from a\n"
"seed: write the discovery input of the network's kind, serve the nodes\n"
"it lists over HTTP on a loopback address (one server, node k under\n"
"/cn/k/) speaking the kind's API, with injected faults, and write the\n"
"ground truth: the exact samples a correct monitor exports.\n"
"\n"
"options:\n"
"      --kind KIND      the network (default audius):\n"
"                       audius    content nodes' batch_clock_status;\n"
"                                 -d is a discovery database\n"
"                       audiusd   Audius today (/health_check,\n"
"                                 /core/status); -d is the\n"
"                                 /core/nodes/verbose JSON\n"
"                       cometbft  CometBFT RPC (/status, /net_info);\n"
"                                 -d is a chain-registry chain.json\n"
"                       evm       Ethereum JSON-RPC (POST, batches);\n"
"                                 -d is an ethereum-lists eip155 file\n"
"                       mina      Mina daemons' Prometheus /metrics;\n"
"                                 -d is a Prometheus file_sd JSON file\n"
"  -d, --db FILE        the discovery input to write; required.  For\n"
"                       audius an SQLite database: FILE, FILE-wal,\n"
"                       FILE-shm, FILE-journal are removed first\n"
"  -t, --truth FILE     write the ground truth JSON to FILE (FILE.tmp,\n"
"                       then a rename) once the server is listening, so\n"
"                       its appearance means ready; default: stdout\n"
"  -s, --seed SEED      random seed, 0 to 2^63-1 (default 1)\n"
"  -u, --users USERS    audius: current users, 0 to 20000000\n"
"                       (default 1000)\n"
"  -n, --nodes NODES    nodes 1..NODES, 1 to 10000 (default 5); for\n"
"                       audius NODES+1 is a deregistered node some\n"
"                       users still name\n"
"  -l, --listen ADDR:PORT\n"
"                       where to serve: a 127.x.x.x address or\n"
"                       localhost; port 0 picks a free one\n"
"                       (default 127.0.0.1:0)\n"
"  -m, --mix MIX        audius: target status mix, whole percentages summing to\n"
"                       100, statuses left out are 0; default:\n"
"                       fully_synced=70,partially_synced=10,unsynced=5,\n"
"                       primary_missing=5,no_replica_set=5,\n"
"                       incomplete_replica_set=5\n"
"  -f, --fault SPID:FAULT\n"
"                       inject FAULT into node SPID (repeatable, one\n"
"                       fault per node); see faults below\n"
"      --no-serve       write the database and the truth, then exit;\n"
"                       endpoints use the -l port, a free one if 0\n"
"      --duration DUR   exit by itself after DUR (e.g. 30s, 10m, 1h30m);\n"
"                       default: serve until SIGINT or SIGTERM (exit 0)\n"
"      --slow-delay DUR how long `slow` nodes wait before answering, at\n"
"                       most 1h (default 5s)\n"
"      --oversize SIZE  body size of `oversized` answers (e.g. 512KiB,\n"
"                       16MiB), at most 1GiB (default 16MiB)\n"
"      --pidfile FILE   write the process id to FILE (removed at exit)\n"
"      --states FILE    write every current user's status to FILE, a\n"
"                       \"USER_ID STATUS\" line each, before the truth\n"
"  -v, --verbose        log more (how long each step took)\n"
"  -h, --help           print this help and exit\n"
"\n"
"faults (on every route of the node; `missing` on batch_clock_status):\n"
"  down       connection refused: the endpoint names a loopback port\n"
"             that is bound but not listening\n"
"  slow       answers after --slow-delay\n"
"  http500    HTTP 500 {\"error\":\"Internal server error\"}\n"
"  malformed  HTTP 200 application/json whose body is not JSON\n"
"  truncated  HTTP 200 that closes the connection half-way through\n"
"             the declared Content-Length\n"
"  oversized  HTTP 200, valid JSON padded with a \"padding\" string to\n"
"             --oversize bytes\n"
"  missing    valid answers that leave out every wallet whose FNV-1a\n"
"             32-bit hash % 5 == 0\n"
"  flaky      the first request to the node gets HTTP 503, later ones\n"
"             are normal\n"
"  none       no fault\n"
"faults of what a node says, by kind:\n"
"  wrong_network  cometbft: node_info.network is another chain's;\n"
"                 evm: eth_chainId is another chain's\n"
"  diverged       cometbft: another block hash at the network's height\n"
"  catching_up    cometbft: sync_info.catching_up true, far behind;\n"
"                 evm: eth_syncing is an object, far behind\n"
"  lagging        cometbft: 11 to 60 blocks behind; evm: 5 to 44;\n"
"                 mina: 6 to 40 blocks below the fleet's longest chain\n"
"  restarted      mina: its uptime restarts from 0 after its first\n"
"                 answer (one restart a monitor counts on its 2nd run)\n"
"  unhealthy      audiusd: /health_check 503, healthy false\n"
"  unregistered   audiusd: /health_check 506, wallet not registered\n"
"  unreachable    audiusd: no other node has reached it for 2 hours\n"
"  catching_up and lagging also for audiusd (/core/status); its flaky\n"
"  nodes answer 502 first, as 503 is an answer there\n"
"  missing        audius: leaves wallets out (above); cometbft: /net_info\n"
"                 answers 404; evm: net_peerCount is not available\n"
"\n"
"discovery database:\n"
"  ursm_content_nodes(cnode_sp_id, endpoint, is_current) and users(user_id,\n"
"  wallet, is_current, primary_id, secondary_ids) as on a discovery node,\n"
"  with is_current = 0 history rows; about 1 wallet in 50 is mixed-case\n"
"  and some users without a replica set have a NULL wallet.\n"
"\n"
"routes of node k:\n"
"  audius    POST /cn/k/users/batch_clock_status\n"
"            {\"walletPublicKeys\":[...]}, at most 5000 distinct\n"
"            wallets and a 2MiB body; GET /cn/k/health_check\n"
"  cometbft  GET /cn/k/status, GET /cn/k/net_info (int64 as strings)\n"
"  evm       POST /cn/k JSON-RPC 2.0, one call or a batch\n"
"  mina      GET /cn/k/metrics (text/plain; version=0.0.4)\n"
"  audiusd   GET /cn/k/health_check, /cn/k/core/status,\n"
"            /cn/k/core/nodes/verbose\n"
"\n"
"compare TRUTH.json METRICS.txt\n"
"  check a Prometheus text exposition against the truth: each truth\n"
"  sample must be there with the same value, and no other series of\n"
"  the metric families the truth names (in its samples or its\n"
"  \"families\" list).  Prints a line per mismatch and\n"
"  a summary; exits 0 if all match, 1 on a mismatch, 2 on bad input.\n"
"\n"
"history [-w WINDOW]... TIME:STATES...\n"
"  the truth of the entity-history metrics (audius_users_ever,\n"
"  audius_users_fully_synced_throughout) after a sequence of complete\n"
"  runs, each its start time in unix seconds and the --states file of\n"
"  the network it saw, oldest first; windows default to 1d and 7d.\n"
"  Prints truth JSON for compare.\n";

static void
usage_print(FILE *fp)
{
	fputs(usage_text, fp);
}

/* A usage error: report it and return the exit status for it. */
static int
usage_error(const char *what, const char *why)
{
	log_warnx("%s: %s", what, why);
	return 2;
}

/* The same about an option's argument: "-u abc: why". */
static int
usage_error_arg(const char *opt, const char *arg, const char *why)
{
	log_warnx("%s %s: %s", opt, arg, why);
	return 2;
}

static int
parse_uint(const char *s, uint64_t max, uint64_t *vp)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -1;
	}
	*vp = v;
	return 0;
}

/* ADDR:PORT with ADDR a 127.x.x.x address or localhost. */
static int
parse_listen(const char *arg, char *host, size_t hostsz, int *portp)
{
	struct in_addr in;
	const char *colon;
	char	 addr[64];
	uint64_t port;

	if ((colon = strrchr(arg, ':')) == NULL ||
	    (size_t)(colon - arg) >= sizeof(addr))
		return usage_error_arg("-l", arg, "expected ADDR:PORT");
	memcpy(addr, arg, colon - arg);
	addr[colon - arg] = '\0';
	if (parse_uint(colon + 1, 65535, &port) == -1)
		return usage_error_arg("-l", arg,
		    "port must be a number from 0 to 65535");
	if (strcmp(addr, "localhost") == 0)
		strcpy(addr, "127.0.0.1");
	if (inet_pton(AF_INET, addr, &in) != 1)
		return usage_error_arg("-l", arg,
		    "not an IPv4 address or localhost");
	if ((ntohl(in.s_addr) >> 24) != 127)
		return usage_error_arg("-l", arg, "only loopback "
		    "addresses (127.x.x.x) are allowed");
	if (inet_ntop(AF_INET, &in, host, hostsz) == NULL)
		return usage_error_arg("-l", arg,
		    "cannot format the address");
	*portp = (int)port;
	return 0;
}

static int
parse_mix(const char *arg, int *mix)
{
	enum sn_status st;
	char	*copy, *item, *save = NULL, *eq;
	uint64_t pct;
	int	 seen[SN_NMIX], sum = 0, rv = 2, i;

	for (i = 0; i < SN_NMIX; i++) {
		mix[i] = 0;
		seen[i] = 0;
	}
	copy = xstrdup(arg);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL) {
			usage_error_arg("-m", item, "expected STATUS=PERCENT");
			goto out;
		}
		*eq = '\0';
		if (simnet_status_parse(item, &st) == -1 || st >= SN_NMIX) {
			usage_error_arg("-m", item, "unknown status (use "
			    "fully_synced, "
			    "partially_synced, unsynced, primary_missing, "
			    "no_replica_set, incomplete_replica_set)");
			goto out;
		}
		if (seen[st]++) {
			usage_error_arg("-m", item, "given twice in the mix");
			goto out;
		}
		if (parse_uint(eq + 1, 100, &pct) == -1) {
			usage_error_arg("-m", item, "percentage must be a "
			    "whole number "
			    "from 0 to 100");
			goto out;
		}
		mix[st] = (int)pct;
		sum += (int)pct;
	}
	if (sum != 100) {
		usage_error_arg("-m", arg, "percentages must sum to 100");
		goto out;
	}
	rv = 0;
out:
	free(copy);
	return rv;
}

/* The -f arguments, now that the number of nodes is known. */
static int
parse_faults(struct simnet *sn, const struct simnet_opts *so)
{
	enum sn_fault f;
	const char *arg, *colon;
	char	 num[16];
	uint64_t spid;
	size_t	 i;
	int	*set;
	int	 rv = 2;

	sn->sn_faults = xcalloc(sn->sn_nnodes, sizeof(*sn->sn_faults));
	set = xcalloc(sn->sn_nnodes, sizeof(*set));
	for (i = 0; i < so->so_nfaults; i++) {
		arg = so->so_faults[i];
		if ((colon = strchr(arg, ':')) == NULL ||
		    (size_t)(colon - arg) >= sizeof(num)) {
			usage_error_arg("-f", arg, "expected SPID:FAULT");
			goto out;
		}
		memcpy(num, arg, colon - arg);
		num[colon - arg] = '\0';
		if (parse_uint(num, (uint64_t)sn->sn_nnodes, &spid) == -1 ||
		    spid == 0) {
			usage_error_arg("-f", arg,
			    "no such node (spIDs are 1 to -n)");
			goto out;
		}
		if (simnet_fault_parse(colon + 1, &f) == -1) {
			usage_error_arg("-f", arg, "unknown fault (use down, "
			    "slow, http500, malformed, truncated, oversized, "
			    "missing, flaky, wrong_network, diverged, "
			    "catching_up, lagging, restarted, unhealthy, "
			    "unregistered, unreachable or none)");
			goto out;
		}
		if ((sn->sn_kind->sk_faults & SN_F(f)) == 0) {
			usage_error_arg("-f", arg, "not a fault of this --kind");
			goto out;
		}
		if (set[spid - 1]++) {
			usage_error_arg("-f", arg, "node already has a fault");
			goto out;
		}
		sn->sn_faults[spid - 1] = f;
	}
	rv = 0;
out:
	free(set);
	return rv;
}

/* A TCP socket bound to host:port, not listening; -1 on failure. */
static int
bind_socket(const char *host, int port, int *portp)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int	 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		log_warnx("%s: not an IPv4 address", host);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		log_warn("%s:%d", host, port);
		close(fd);
		return -1;
	}
	*portp = ntohs(sin.sin_port);
	return fd;
}

static int
pidfile_write(const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) == EOF) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

/* Wait for SIGINT/SIGTERM (blocked in every thread) or the duration. */
static void
simnet_wait(const sigset_t *set, int64_t duration_ms)
{
	struct timespec ts;
	double	 deadline = now_mono() + duration_ms / 1000.0, left;
	int	 sig;

	for (;;) {
		left = 3600;
		if (duration_ms > 0) {
			left = deadline - now_mono();
			if (left <= 0) {
				log_debug("duration elapsed, stopping");
				return;
			}
			if (left > 3600)
				left = 3600;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			log_debug("%s, stopping", strsignal(sig));
			return;
		}
	}
}

static int
simnet_run(struct simnet *sn, const struct simnet_opts *so)
{
	struct serve *sv = NULL;
	sigset_t set;
	double	 t0;
	int	 downfd = -1, tmpfd, k, rv = 1, pidfile = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	/* A stale truth file must not look like readiness. */
	if (so->so_truth != NULL && unlink(so->so_truth) == -1 &&
	    errno != ENOENT) {
		log_warn("%s", so->so_truth);
		goto out;
	}

	t0 = now_mono();
	sn->sn_kind->sk_gen(sn);
	log_debug("generated %d %s nodes in %.2fs", sn->sn_nnodes,
	    sn->sn_kind->sk_name, now_mono() - t0);

	for (k = 0; k < sn->sn_nnodes; k++)
		if (sn->sn_faults[k] == SN_FAULT_DOWN)
			break;
	if (k < sn->sn_nnodes &&
	    (downfd = bind_socket(sn->sn_host, 0, &sn->sn_down_port)) == -1)
		goto out;
	if (so->so_serve) {
		/* Before the threads exist, so they all inherit the mask. */
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		if ((sv = serve_start(sn, sn->sn_host, so->so_port)) == NULL)
			goto out;
		sn->sn_port = serve_port(sv);
	} else if (so->so_port == 0) {
		if ((tmpfd = bind_socket(sn->sn_host, 0, &sn->sn_port)) == -1)
			goto out;
		close(tmpfd);
	} else
		sn->sn_port = so->so_port;
	gen_set_endpoints(sn);

	t0 = now_mono();
	if (sn->sn_kind->sk_write(sn, so->so_db) == -1)
		goto out;
	log_debug("wrote %s in %.2fs", so->so_db, now_mono() - t0);
	if (so->so_pidfile != NULL) {
		if (pidfile_write(so->so_pidfile) == -1)
			goto out;
		pidfile = 1;
	}
	t0 = now_mono();
	if (so->so_states != NULL && truth_states_write(sn, so->so_states) == -1)
		goto out;
	if (truth_write(sn, so->so_truth) == -1)
		goto out;
	log_debug("wrote the truth in %.2fs", now_mono() - t0);
	if (sv != NULL) {
		log_info("serving %d %s nodes on http://%s:%d/cn/<k>",
		    sn->sn_nnodes, sn->sn_kind->sk_name, sn->sn_host,
		    sn->sn_port);
		simnet_wait(&set, so->so_duration_ms);
	}
	rv = 0;
out:
	serve_stop(sv);
	if (downfd != -1)
		close(downfd);
	if (pidfile && unlink(so->so_pidfile) == -1)
		log_warn("%s", so->so_pidfile);
	return rv;
}

static int
simnet_compare(int argc, char *argv[])
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage_print(stdout);
		return 0;
	}
	if (argc != 3)
		return usage_error("compare",
		    "expected TRUTH.json METRICS.txt");
	return truth_compare(argv[1], argv[2]);
}

/*
 * Fill sn and so from argv.  Returns 0 to go on, SIMNET_HELP once the
 * help is printed, or 2 after a usage error.
 */
static int
simnet_options(int argc, char *argv[], struct simnet *sn,
    struct simnet_opts *so)
{
	static const struct option longopts[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "truth",	required_argument, NULL, 't' },
		{ "seed",	required_argument, NULL, 's' },
		{ "users",	required_argument, NULL, 'u' },
		{ "nodes",	required_argument, NULL, 'n' },
		{ "listen",	required_argument, NULL, 'l' },
		{ "mix",	required_argument, NULL, 'm' },
		{ "fault",	required_argument, NULL, 'f' },
		{ "no-serve",	no_argument,	   NULL, OPT_NO_SERVE },
		{ "duration",	required_argument, NULL, OPT_DURATION },
		{ "slow-delay",	required_argument, NULL, OPT_SLOW_DELAY },
		{ "oversize",	required_argument, NULL, OPT_OVERSIZE },
		{ "pidfile",	required_argument, NULL, OPT_PIDFILE },
		{ "states",	required_argument, NULL, OPT_STATES },
		{ "kind",	required_argument, NULL, OPT_KIND },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL,		0,		   NULL, 0 }
	};
	const char *why, *mix = SIMNET_DEFAULT_MIX;
	char	 opt[3] = "-?";
	uint64_t v;
	size_t	 i;
	int	 ch, verbose = 0, rv;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":d:t:s:u:n:l:m:f:hv",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			so->so_db = optarg;
			break;
		case 't':
			so->so_truth = optarg;
			break;
		case 's':
			if (parse_uint(optarg, INT64_MAX, &v) == -1)
				return usage_error_arg("-s", optarg, "expected "
				    "a number from 0 to 2^63-1");
			sn->sn_seed = v;
			break;
		case 'u':
			if (parse_uint(optarg, SN_MAX_USERS, &v) == -1)
				return usage_error_arg("-u", optarg, "expected "
				    "a number from 0 to 20000000");
			sn->sn_nusers = (uint32_t)v;
			break;
		case 'n':
			if (parse_uint(optarg, SN_MAX_NODES, &v) == -1 ||
			    v == 0)
				return usage_error_arg("-n", optarg, "expected "
				    "a number from 1 to 10000");
			sn->sn_nnodes = (int)v;
			break;
		case 'l':
			if ((rv = parse_listen(optarg, sn->sn_host,
			    sizeof(sn->sn_host), &so->so_port)) != 0)
				return rv;
			break;
		case 'm':
			mix = optarg;
			break;
		case 'f':
			so->so_faults[so->so_nfaults++] = optarg;
			break;
		case OPT_NO_SERVE:
			so->so_serve = 0;
			break;
		case OPT_DURATION:
			if (parse_duration(optarg, &so->so_duration_ms,
			    &why) == -1)
				return usage_error_arg("--duration", optarg,
				    why);
			if (so->so_duration_ms <= 0)
				return usage_error_arg("--duration", optarg,
				    "must be positive");
			break;
		case OPT_SLOW_DELAY:
			if (parse_duration(optarg, &sn->sn_slow_ms, &why) == -1)
				return usage_error_arg("--slow-delay", optarg,
				    why);
			if (sn->sn_slow_ms > SIMNET_MAX_SLOW_MS)
				return usage_error_arg("--slow-delay", optarg,
				    "must be at most 1h");
			break;
		case OPT_OVERSIZE:
			if (parse_size(optarg, &sn->sn_oversize, &why) == -1)
				return usage_error_arg("--oversize", optarg,
				    why);
			if (sn->sn_oversize > SIMNET_MAX_OVERSIZE)
				return usage_error_arg("--oversize", optarg,
				    "must be at most 1GiB");
			break;
		case OPT_PIDFILE:
			so->so_pidfile = optarg;
			break;
		case OPT_STATES:
			so->so_states = optarg;
			break;
		case OPT_KIND:
			for (i = 0; sn_kinds[i] != NULL; i++)
				if (strcmp(sn_kinds[i]->sk_name, optarg) == 0)
					break;
			if (sn_kinds[i] == NULL)
				return usage_error_arg("--kind", optarg,
				    "unknown kind (use audius, audiusd, "
				    "cometbft, evm or mina)");
			sn->sn_kind = sn_kinds[i];
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage_print(stdout);
			return SIMNET_HELP;
		case ':':
			return usage_error(argv[optind - 1],
			    "option requires an argument");
		default:
			if (optopt != 0) {
				opt[1] = (char)optopt;
				return usage_error(opt, "unknown option");
			}
			return usage_error(argv[optind - 1], "unknown option");
		}
	}
	log_init("vantage-simnet", verbose);
	if (optind < argc)
		return usage_error(argv[optind], "unexpected argument "
		    "(the subcommands are compare and history)");
	if (so->so_db == NULL)
		return usage_error("-d", "the discovery input is required");
	if ((rv = parse_mix(mix, sn->sn_mix)) != 0)
		return rv;
	return parse_faults(sn, so);
}

int
main(int argc, char *argv[])
{
	struct simnet sn;
	struct simnet_opts so;
	int	 rv;

	log_init("vantage-simnet", 0);
	if (argc >= 2 && strcmp(argv[1], "compare") == 0)
		return simnet_compare(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "history") == 0)
		return truth_history(argc - 1, argv + 1);

	memset(&sn, 0, sizeof(sn));
	memset(&so, 0, sizeof(so));
	sn.sn_kind = &sn_kind_audius;
	sn.sn_seed = 1;
	sn.sn_nusers = 1000;
	sn.sn_nnodes = 5;
	sn.sn_slow_ms = 5000;
	sn.sn_oversize = 16 * 1024 * 1024;
	strcpy(sn.sn_host, "127.0.0.1");
	so.so_serve = 1;
	so.so_faults = xcalloc(argc, sizeof(char *));

	rv = simnet_options(argc, argv, &sn, &so);
	if (rv == 0)
		rv = simnet_run(&sn, &so);
	else if (rv == SIMNET_HELP)
		rv = 0;
	if (sn.sn_kind->sk_free != NULL)
		sn.sn_kind->sk_free(&sn);
	gen_free(&sn);
	free(sn.sn_faults);
	free(so.so_faults);
	return rv;
}
