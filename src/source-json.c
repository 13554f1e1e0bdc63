/* source-json.c -- discovery from any JSON document: a file or a URL, read by pointers */

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

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "conf.h"
#include "fetch.h"
#include "labels.h"
#include "log.h"
#include "answer.h"
#include "source.h"
#include "util.h"
#include "xmalloc.h"

/*
 * The registries networks publish are JSON documents with an array of
 * nodes somewhere inside: cosmos chain-registry's chain.json has
 * apis.rpc[]{address, provider}, an Audius node's /core/nodes/verbose has
 * data[]{endpoint, spID, type, owner, ...}.  RFC 6901 pointers say where
 * the array is and where each element keeps its url, id and labels.
 */

#define JSON_WARN_MAX	5	/* skipped elements named; the rest counted */

struct source_json_conf {
	char	*js_path;
	char	*js_url;
	char	*js_nodes;	/* pointer to the array */
	char	*js_node_url;	/* pointers inside an element */
	char	*js_node_id;	/* "": the url */
	char	**js_labels;	/* name, pointer, ... */
	size_t	 js_nlabels;
	char	**js_doc_labels;	/* name, pointer from the root, ... */
	size_t	 js_ndoc_labels;
};

#define OFF(m)	offsetof(struct source_json_conf, m)
static const struct key json_keys[] = {
	{ "path", K_STR, OFF(js_path), 0, 0, NULL, 0, 0, "", NULL,
	    "the JSON document, a file (or set url)", NULL },
	{ "url", K_STR, OFF(js_url), 0, 0, NULL, 0, 0, "", NULL,
	    "the JSON document, fetched with GET (or set path)", NULL },
	{ "nodes", K_STR, OFF(js_nodes), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer to the array of nodes; empty: the whole document", NULL },
	{ "node_url", K_STR, OFF(js_node_url), 0, 0, NULL, 0, 0, NULL, NULL,
	    "JSON pointer, inside an element, to the node's url", NULL },
	{ "node_id", K_STR, OFF(js_node_id), 0, 0, NULL, 0, 0, "", NULL,
	    "JSON pointer, inside an element, to the node's id; empty: the url",
	    NULL },
	{ "labels", K_STRMAP, OFF(js_labels), OFF(js_nlabels), 0, NULL, 0, 0,
	    NULL, NULL, "labels of a node, name: JSON pointer inside an element",
	    NULL },
	{ "document_labels", K_STRMAP, OFF(js_doc_labels), OFF(js_ndoc_labels),
	    0, NULL, 0, 0, NULL, NULL, "labels of every node, name: JSON "
	    "pointer from the document's root (a chain.json's /chain_id)", NULL },
	KEND
};
#undef OFF

static int
pointer_ok(const char *p)
{
	return *p == '\0' || *p == '/';
}

static int
labels_check(char *const *labels, size_t n, const char *key, char **cause)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!valid_label_name(labels[2 * i])) {
			xasprintf(cause, "json: discovery.%s: '%s' is not a "
			    "valid label name", key, labels[2 * i]);
			return -1;
		}
		if (!pointer_ok(labels[2 * i + 1])) {
			xasprintf(cause, "json: discovery.%s.%s: '%s' is not "
			    "a JSON pointer", key, labels[2 * i],
			    labels[2 * i + 1]);
			return -1;
		}
	}
	return 0;
}

/* The keys a run needs, checked before anything is read. */
static int
json_check(const struct source_json_conf *jc, char **cause)
{

	if ((*jc->js_path == '\0') == (*jc->js_url == '\0')) {
		xasprintf(cause, "json: set one of discovery.path and "
		    "discovery.url");
		return -1;
	}
	if (!pointer_ok(jc->js_nodes) || !pointer_ok(jc->js_node_url) ||
	    !pointer_ok(jc->js_node_id)) {
		xasprintf(cause, "json: discovery.nodes, node_url and node_id "
		    "are JSON pointers: empty or starting with /");
		return -1;
	}
	if (labels_check(jc->js_labels, jc->js_nlabels, "labels",
	    cause) == -1 || labels_check(jc->js_doc_labels,
	    jc->js_ndoc_labels, "document_labels", cause) == -1)
		return -1;
	return 0;
}

/* A label's value from any JSON value; NULL (absent) for null or missing. */
static void
label_of(struct labels *ls, const char *name, json_t *v)
{
	char	 num[64], *s;

	if (v == NULL) {
		labels_add(ls, name, NULL, 0);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		labels_add(ls, name, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		labels_add(ls, name, num, strlen(num));
		return;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		labels_add(ls, name, num, strlen(num));
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		labels_add(ls, name, json_is_true(v) ? "true" : "false",
		    json_is_true(v) ? 4 : 5);
		return;
	case JSON_OBJECT:
	case JSON_ARRAY:
		if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
			labels_add(ls, name, s, strlen(s));
			free(s);
			return;
		}
		/* FALLTHROUGH */
	default:
		labels_add(ls, name, NULL, 0);
	}
}

/* The node id from the element, or -1 if it has none usable. */
static int
id_of(json_t *v, struct sval *id)
{
	memset(id, 0, sizeof(*id));
	switch (v != NULL ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		if (json_string_length(v) == 0)
			return -1;
		id->sv_type = SV_TEXT;
		id->sv_text = json_string_value(v);
		id->sv_len = json_string_length(v);
		return 0;
	case JSON_INTEGER:
		id->sv_type = SV_INTEGER;
		id->sv_int = json_integer_value(v);
		return 0;
	case JSON_REAL:
		id->sv_type = SV_REAL;
		id->sv_real = json_real_value(v);
		return 0;
	default:
		return -1;
	}
}

static void
json_skip(const char *what, size_t i, const char *why, const char *pointer,
    size_t *skipped)
{
	if (++*skipped <= JSON_WARN_MAX)
		log_warnx("%s: node %zu: %s at '%s'; skipped", what, i, why,
		    pointer);
}

static int
json_nodes(const struct source_json_conf *jc, const char *what, json_t *doc,
    struct source_sink *sink, char **cause)
{
	struct labels	 ls;
	struct sval	 id;
	json_t		*arr, *el, *u;
	size_t		 i, j, skipped = 0;
	int		 rc = -1;

	if ((arr = json_pointer(doc, jc->js_nodes)) == NULL) {
		xasprintf(cause, "%s: nothing at '%s'", what, jc->js_nodes);
		return -1;
	}
	if (!json_is_array(arr)) {
		xasprintf(cause, "%s: '%s' is not an array", what, jc->js_nodes);
		return -1;
	}
	labels_init(&ls);
	json_array_foreach(arr, i, el) {
		u = json_pointer(el, jc->js_node_url);
		if (!json_is_string(u) || json_string_length(u) == 0 ||
		    strlen(json_string_value(u)) != json_string_length(u)) {
			json_skip(what, i, "no url", jc->js_node_url, &skipped);
			continue;
		}
		/*
		 * Registries list urls vantage cannot ask: other schemes
		 * (wss://) and templates for a key of the reader's own
		 * (${INFURA_API_KEY}, in ethereum-lists/chains).
		 */
		if (strncasecmp(json_string_value(u), "http://", 7) != 0 &&
		    strncasecmp(json_string_value(u), "https://", 8) != 0) {
			json_skip(what, i, "not an http(s) url", jc->js_node_url,
			    &skipped);
			continue;
		}
		if (strstr(json_string_value(u), "${") != NULL) {
			json_skip(what, i, "a ${...} template, not a url",
			    jc->js_node_url, &skipped);
			continue;
		}
		if (*jc->js_node_id == '\0') {
			memset(&id, 0, sizeof(id));
			id.sv_type = SV_TEXT;
			id.sv_text = json_string_value(u);
			id.sv_len = json_string_length(u);
		} else if (id_of(json_pointer(el, jc->js_node_id), &id) == -1) {
			json_skip(what, i, "no id", jc->js_node_id, &skipped);
			continue;
		}
		labels_reset(&ls);
		for (j = 0; j < jc->js_nlabels; j++)
			label_of(&ls, jc->js_labels[2 * j],
			    json_pointer(el, jc->js_labels[2 * j + 1]));
		for (j = 0; j < jc->js_ndoc_labels; j++)
			label_of(&ls, jc->js_doc_labels[2 * j],
			    json_pointer(doc, jc->js_doc_labels[2 * j + 1]));
		if (source_node(sink, &id, json_string_value(u), &ls,
		    cause) == -1)
			goto out;
	}
	if (skipped > JSON_WARN_MAX)
		log_warnx("%s: %zu more nodes skipped", what,
		    skipped - JSON_WARN_MAX);
	rc = 0;
out:
	labels_release(&ls);
	return rc;
}

int
source_json_parse(const void *conf, const char *what, const char *text,
    size_t len, struct source_sink *sink, char **cause)
{
	json_t	*doc;
	char	 err[256];
	int	 rc;

	if ((doc = answer_json_parse(text, len, err, sizeof(err))) == NULL) {
		xasprintf(cause, "%s: %s", what, err);
		return -1;
	}
	rc = json_nodes(conf, what, doc, sink, cause);
	json_decref(doc);
	return rc;
}

static int
json_read(const struct config *cf, const void *conf, struct source_sink *sink,
    char **cause)
{
	const struct source_json_conf *jc = conf;
	struct fetch_opts fo;
	struct fetch_answer fa;
	char		*what, *text, *why;
	size_t		 len;
	int		 rc;

	if (json_check(jc, cause) == -1)
		return -1;
	if (*jc->js_path != '\0') {
		xasprintf(&what, "json: %s", jc->js_path);
		if ((text = read_file(jc->js_path, FETCH_MAX, &len)) == NULL) {
			xasprintf(cause, "%s: %s", what, errno == EFBIG ?
			    "larger than 16 MiB" : strerror(errno));
			free(what);
			return -1;
		}
		rc = source_json_parse(jc, what, text, len, sink, cause);
		free(text);
		free(what);
		return rc;
	}
	memset(&fo, 0, sizeof(fo));
	fo.fo_timeout_ms = cf->cf_disc_timeout_ms;
	fo.fo_user_agent = cf->cf_user_agent;
	fo.fo_deny = cf->cf_deny;
	fo.fo_ndeny = cf->cf_ndeny;
	if (fetch_get(jc->js_url, &fo, &fa, &why) == -1) {
		xasprintf(cause, "json: %s", why);
		free(why);
		return -1;
	}
	xasprintf(&what, "json: %s", jc->js_url);
	rc = source_json_parse(jc, what, fa.fa_body, fa.fa_len, sink, cause);
	fetch_answer_release(&fa);
	free(what);
	return rc;
}

const struct source_kind source_json = {
	{ "json", json_keys, sizeof(struct source_json_conf) },
	0,
	json_read
};
