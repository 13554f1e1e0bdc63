/* kind-audius.c -- the audius kind: users, replica sets and clocks (gen.c, serve.c, truth.c) */

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
