/* kind-audius.c -- the audius kind: users, replica sets and clocks (gen.c, serve.c, truth.c) */
#include "conf.h"

#include <stddef.h>

#include "simnet/simnet.h"

const struct sn_kind sn_kind_audius = {
	.sk_name = "audius",
	.sk_input = "discovery database",
	.sk_faults = SN_FAULTS_TRANSPORT | SN_F(SN_FAULT_MISSING),
	.sk_gen = gen_users,
	.sk_write = gen_write_db,
	.sk_answer = audius_answer,
	.sk_truth = truth_build,
	.sk_free = NULL,
};

const struct sn_kind *const sn_kinds[] = {
	&sn_kind_audius,
	&sn_kind_audiusd,
	&sn_kind_cometbft,
	&sn_kind_evm,
	&sn_kind_mina,
	NULL
};
