/* source-static.c -- discovery from nodes listed in the configuration */

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

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "labels.h"
#include "source.h"

struct static_node {
	char	*sn_url;
	char	*sn_id;		/* "": the url */
	char	**sn_labels;	/* name, value, ... */
	size_t	 sn_nlabels;
};

struct source_static_conf {
	struct static_node *sc_nodes;
	size_t		 sc_nnodes;
};

static const struct key static_node_keys[] = {
	{ "url", K_STR, offsetof(struct static_node, sn_url), 0, 0, NULL, 0, 0,
	    NULL, NULL, "the node's url, exactly as probes append paths to it", NULL },
	{ "id", K_STR, offsetof(struct static_node, sn_id), 0, 0, NULL, 0, 0,
	    "", NULL, "node id in the store; empty: the url", NULL },
	{ "labels", K_STRMAP, offsetof(struct static_node, sn_labels),
	    offsetof(struct static_node, sn_nlabels), 0, NULL, 0, 0, NULL, NULL,
	    "labels of the node, name: value", NULL },
	KEND
};

static const struct key static_keys[] = {
	{ "nodes", K_LIST, offsetof(struct source_static_conf, sc_nodes),
	    offsetof(struct source_static_conf, sc_nnodes),
	    sizeof(struct static_node), static_node_keys, 0, 0, NULL, NULL,
	    "the nodes, each with url and optional id and labels", NULL },
	KEND
};

static int
static_read(const struct config *cf, const void *conf, struct source_sink *sink,
    char **cause)
{
	const struct source_static_conf *sc = conf;
	const struct static_node *sn;
	struct labels	 ls;
	struct sval	 id;
	size_t		 i, j;
	int		 rc = 0;

	labels_init(&ls);
	for (i = 0; i < sc->sc_nnodes && rc == 0; i++) {
		sn = &sc->sc_nodes[i];
		labels_reset(&ls);
		for (j = 0; j < sn->sn_nlabels; j++)
			labels_add(&ls, sn->sn_labels[2 * j],
			    sn->sn_labels[2 * j + 1],
			    strlen(sn->sn_labels[2 * j + 1]));
		memset(&id, 0, sizeof(id));
		id.sv_type = SV_TEXT;
		id.sv_text = *sn->sn_id != '\0' ? sn->sn_id : sn->sn_url;
		id.sv_len = strlen(id.sv_text);
		rc = source_node(sink, &id, sn->sn_url, &ls, cause);
	}
	labels_release(&ls);
	return rc;
}

const struct source_kind source_static = {
	{ "static", static_keys, sizeof(struct source_static_conf) },
	0,
	static_read
};
