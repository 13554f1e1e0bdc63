/* source-sd.c -- discovery from Prometheus target groups: file_sd and http_sd */

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

#include <glob.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <yaml.h>

#include "conf.h"
#include "fetch.h"
#include "labels.h"
#include "log.h"
#include "answer.h"
#include "source.h"
#include "util.h"
#include "xmalloc.h"

/*
 * Both kinds read Prometheus's list of target groups,
 *
 *	[{"targets": ["host:port", ...], "labels": {"name": "value", ...}}]
 *
 * (prometheus/prometheus docs/configuration/configuration.md
 * <file_sd_config>, docs/http_sd.md).  A target becomes the node
 * <__scheme__>://<target><__metrics_path__>, its id that url; the group's
 * labels not starting with "__" become the node's labels.
 */

#define SD_YAML_DEPTH	64
#define SD_YAML_NODES	1000000		/* aliases cannot multiply a file */

struct source_file_sd_conf {
	char	**fs_files;
	size_t	 fs_nfiles;
};

struct source_http_sd_conf {
	char	*hs_url;
};

static const struct key file_sd_keys[] = {
	{ "files", K_STRLIST, offsetof(struct source_file_sd_conf, fs_files),
	    offsetof(struct source_file_sd_conf, fs_nfiles), 0, NULL, 0, 0,
	    NULL, NULL, "files of target groups, .json, .yml or .yaml; one * "
	    "in the last path segment", NULL },
	KEND
};

static const struct key http_sd_keys[] = {
	{ "url", K_STR, offsetof(struct source_http_sd_conf, hs_url), 0, 0,
	    NULL, 0, 0, NULL, NULL, "the http_sd endpoint (200, application/json)",
	    NULL },
	KEND
};

/* YAML 1.1's plain nulls: an empty value, ~ and null. */
static int
yaml_null(const char *s)
{
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* A libyaml node as JSON: scalars are strings, as Prometheus reads them. */
static json_t *
yaml_to_json(yaml_document_t *d, yaml_node_t *n, int depth, size_t *budget,
    const char **why)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	yaml_node_t	*k;
	json_t		*j, *v;

	if (n == NULL || depth > SD_YAML_DEPTH || *budget == 0) {
		*why = n == NULL ? "bad node" : "too deeply nested or too large";
		return NULL;
	}
	(*budget)--;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    yaml_null((const char *)n->data.scalar.value))
			return json_null();
		j = json_stringn((const char *)n->data.scalar.value,
		    n->data.scalar.length);
		if (j == NULL)
			*why = "a value is not UTF-8";
		return j;
	case YAML_SEQUENCE_NODE:
		if ((j = json_array()) == NULL)
			return NULL;
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			if ((v = yaml_to_json(d, yaml_document_get_node(d, *it),
			    depth + 1, budget, why)) == NULL) {
				json_decref(j);
				return NULL;
			}
			json_array_append_new(j, v);
		}
		return j;
	case YAML_MAPPING_NODE:
		if ((j = json_object()) == NULL)
			return NULL;
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			k = yaml_document_get_node(d, pr->key);
			if (k == NULL || k->type != YAML_SCALAR_NODE) {
				*why = "a mapping key is not a scalar";
				json_decref(j);
				return NULL;
			}
			if ((v = yaml_to_json(d, yaml_document_get_node(d,
			    pr->value), depth + 1, budget, why)) == NULL) {
				json_decref(j);
				return NULL;
			}
			json_object_set_new(j, (const char *)k->data.scalar.value,
			    v);
		}
		return j;
	default:
		*why = "an empty node";
		return NULL;
	}
}

/* Parse YAML text into JSON.  Returns NULL with the reason in *cause. */
static json_t *
sd_parse_yaml(const char *what, const char *text, size_t len, char **cause)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	json_t		*j = NULL;
	const char	*why = "malformed";
	size_t		 budget = SD_YAML_NODES;

	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		xasprintf(cause, "%s: malformed YAML: %s at line %zu column %zu",
		    what, parser.problem != NULL ? parser.problem : "error",
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1);
		yaml_parser_delete(&parser);
		return NULL;
	}
	if ((root = yaml_document_get_root_node(&doc)) == NULL)
		j = json_array();	/* an empty file: no groups */
	else if ((j = yaml_to_json(&doc, root, 0, &budget, &why)) == NULL)
		xasprintf(cause, "%s: malformed YAML: %s", what, why);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return j;
}

static json_t *
sd_parse_json(const char *what, const char *text, size_t len, char **cause)
{
	json_t	*j;
	char	 err[256];

	if ((j = answer_json_parse(text, len, err, sizeof(err))) == NULL)
		xasprintf(cause, "%s: %s", what, err);
	return j;
}

/* Apply one target group's labels; the special ones go to scheme/path. */
static int
sd_group_labels(const char *what, size_t g, json_t *labels, struct labels *ls,
    const char **scheme, const char **path, char **cause)
{
	const char	*name;
	json_t		*v;

	*scheme = "http";
	*path = "";
	if (labels == NULL || json_is_null(labels))
		return 0;
	if (!json_is_object(labels)) {
		xasprintf(cause, "%s: target group %zu: labels is not an object",
		    what, g);
		return -1;
	}
	json_object_foreach(labels, name, v) {
		if (!json_is_string(v)) {
			xasprintf(cause, "%s: target group %zu: label '%.100s' "
			    "is not a string", what, g, name);
			return -1;
		}
		if (strcmp(name, "__scheme__") == 0) {
			*scheme = json_string_value(v);
			if (strcmp(*scheme, "http") != 0 &&
			    strcmp(*scheme, "https") != 0) {
				xasprintf(cause, "%s: target group %zu: "
				    "__scheme__ '%.100s' is not http or https",
				    what, g, *scheme);
				return -1;
			}
		} else if (strcmp(name, "__metrics_path__") == 0) {
			*path = json_string_value(v);
			if (**path != '\0' && **path != '/') {
				xasprintf(cause, "%s: target group %zu: "
				    "__metrics_path__ '%.100s' does not start "
				    "with /", what, g, *path);
				return -1;
			}
		} else if (strncmp(name, "__", 2) == 0)
			continue;	/* dropped, as after relabeling */
		else if (!valid_label_name(name)) {
			xasprintf(cause, "%s: target group %zu: '%.100s' is not "
			    "a valid label name", what, g, name);
			return -1;
		} else
			labels_add(ls, name, json_string_value(v),
			    json_string_length(v));
	}
	return 0;
}

/*
 * Hand every target of a list of target groups to the sink.  what names
 * the document in messages.
 */
static int
sd_groups(const char *what, json_t *doc, struct source_sink *sink,
    char **cause)
{
	struct labels	 ls;
	struct sval	 id;
	json_t		*grp, *targets, *t;
	const char	*scheme, *path, *target;
	char		*url;
	size_t		 g, i;
	int		 rc = -1;

	if (!json_is_array(doc)) {
		xasprintf(cause, "%s: not a list of target groups", what);
		return -1;
	}
	labels_init(&ls);
	json_array_foreach(doc, g, grp) {
		if (!json_is_object(grp)) {
			xasprintf(cause, "%s: target group %zu is not an object",
			    what, g);
			goto out;
		}
		labels_reset(&ls);
		if (sd_group_labels(what, g, json_object_get(grp, "labels"), &ls,
		    &scheme, &path, cause) == -1)
			goto out;
		targets = json_object_get(grp, "targets");
		if (targets != NULL && !json_is_null(targets) &&
		    !json_is_array(targets)) {
			xasprintf(cause, "%s: target group %zu: targets is not "
			    "a list", what, g);
			goto out;
		}
		json_array_foreach(targets, i, t) {
			if (!json_is_string(t)) {
				xasprintf(cause, "%s: target group %zu: target "
				    "%zu is not a string", what, g, i);
				goto out;
			}
			target = json_string_value(t);
			if (*target == '\0' || strpbrk(target, "/ \t\r\n") !=
			    NULL || strlen(target) != json_string_length(t)) {
				log_warnx("%s: target group %zu: '%.200s' is "
				    "not host:port; skipped", what, g, target);
				continue;
			}
			xasprintf(&url, "%s://%s%s", scheme, target, path);
			memset(&id, 0, sizeof(id));
			id.sv_type = SV_TEXT;
			id.sv_text = url;
			id.sv_len = strlen(url);
			rc = source_node(sink, &id, url, &ls, cause);
			free(url);
			if (rc == -1)
				goto out;
		}
	}
	rc = 0;
out:
	labels_release(&ls);
	return rc;
}

/* A file_sd pattern: one * at most, in the last segment; a known extension. */
static int
sd_pattern_ok(const char *pat)
{
	const char	*star = strchr(pat, '*'), *dot;

	if (star != NULL && (strchr(star + 1, '*') != NULL ||
	    strchr(star, '/') != NULL))
		return 0;
	if ((dot = strrchr(pat, '.')) == NULL || strchr(dot, '/') != NULL)
		return 0;
	return strcasecmp(dot, ".json") == 0 || strcasecmp(dot, ".yml") == 0 ||
	    strcasecmp(dot, ".yaml") == 0;
}

static int
sd_read_file(const char *path, struct source_sink *sink, char **cause)
{
	json_t		*doc;
	const char	*dot = strrchr(path, '.');
	char		*text, *what;
	size_t		 len;
	int		 rc = -1;

	xasprintf(&what, "file_sd: %s", path);
	if ((text = read_file(path, FETCH_MAX, &len)) == NULL) {
		xasprintf(cause, "%s: %s", what, errno == EFBIG ?
		    "larger than 16 MiB" : strerror(errno));
		goto out;
	}
	if (dot != NULL && strcasecmp(dot, ".json") == 0)
		doc = sd_parse_json(what, text, len, cause);
	else
		doc = sd_parse_yaml(what, text, len, cause);
	if (doc != NULL) {
		rc = sd_groups(what, doc, sink, cause);
		json_decref(doc);
	}
out:
	free(text);
	free(what);
	return rc;
}

static int
file_sd_read(const struct config *cf, const void *conf,
    struct source_sink *sink, char **cause)
{
	const struct source_file_sd_conf *fs = conf;
	glob_t		 gl;
	size_t		 i, j;
	int		 r;

	if (fs->fs_nfiles == 0) {
		xasprintf(cause, "file_sd: discovery.files lists no files");
		return -1;
	}
	for (i = 0; i < fs->fs_nfiles; i++) {
		if (!sd_pattern_ok(fs->fs_files[i])) {
			xasprintf(cause, "file_sd: '%s': a file name must end "
			    "in .json, .yml or .yaml, with at most one * in "
			    "its last segment", fs->fs_files[i]);
			return -1;
		}
		if (strchr(fs->fs_files[i], '*') == NULL) {
			if (sd_read_file(fs->fs_files[i], sink, cause) == -1)
				return -1;
			continue;
		}
		memset(&gl, 0, sizeof(gl));
		r = glob(fs->fs_files[i], 0, NULL, &gl);
		if (r == GLOB_NOMATCH) {
			log_warnx("file_sd: '%s' matches no file",
			    fs->fs_files[i]);
			globfree(&gl);
			continue;
		}
		if (r != 0) {
			xasprintf(cause, "file_sd: '%s': %s", fs->fs_files[i],
			    r == GLOB_NOSPACE ? "out of memory" :
			    "cannot read the directory");
			globfree(&gl);
			return -1;
		}
		for (j = 0; j < gl.gl_pathc; j++)
			if (sd_read_file(gl.gl_pathv[j], sink, cause) == -1) {
				globfree(&gl);
				return -1;
			}
		globfree(&gl);
	}
	return 0;
}

/*
 * Prometheus's check of an http_sd answer's type: application/json,
 * optionally with charset utf-8, in any case.
 */
int
source_sd_json_type(const char *type)
{
	const char	*p;
	size_t		 n = strlen("application/json");

	while (*type == ' ' || *type == '\t')
		type++;
	if (strncasecmp(type, "application/json", n) != 0)
		return 0;
	p = type + n;
	if (*p == ';') {
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			return 0;
		p += 8;
		if (strncasecmp(p, "utf-8", 5) == 0)
			p += 5;
		else if (strncasecmp(p, "\"utf-8\"", 7) == 0)
			p += 7;
		else
			return 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

static int
http_sd_read(const struct config *cf, const void *conf,
    struct source_sink *sink, char **cause)
{
	const struct source_http_sd_conf *hs = conf;
	struct fetch_opts fo;
	struct fetch_answer fa;
	json_t		*doc = NULL;
	char		*what, *why = NULL;
	int		 rc = -1;

	xasprintf(&what, "http_sd: %s", hs->hs_url);
	memset(&fo, 0, sizeof(fo));
	fo.fo_timeout_ms = cf->cf_disc_timeout_ms;
	fo.fo_user_agent = cf->cf_user_agent;
	fo.fo_deny = cf->cf_deny;
	fo.fo_ndeny = cf->cf_ndeny;
	if (fetch_get(hs->hs_url, &fo, &fa, &why) == -1) {
		xasprintf(cause, "http_sd: %s", why);
		free(why);
		goto out;
	}
	if (fa.fa_status != 200)
		xasprintf(cause, "%s: HTTP %ld, not 200", what, fa.fa_status);
	else if (!source_sd_json_type(fa.fa_type))
		xasprintf(cause, "%s: content type '%.100s', not "
		    "application/json", what, fa.fa_type);
	else if ((doc = sd_parse_json(what, fa.fa_body, fa.fa_len,
	    cause)) != NULL)
		rc = sd_groups(what, doc, sink, cause);
	json_decref(doc);
	fetch_answer_release(&fa);
out:
	free(what);
	return rc;
}

int
source_sd_parse(const char *what, const char *text, size_t len, int yaml,
    struct source_sink *sink, char **cause)
{
	json_t	*doc;
	int	 rc;

	doc = yaml ? sd_parse_yaml(what, text, len, cause) :
	    sd_parse_json(what, text, len, cause);
	if (doc == NULL)
		return -1;
	rc = sd_groups(what, doc, sink, cause);
	json_decref(doc);
	return rc;
}

const struct source_kind source_file_sd = {
	{ "file_sd", file_sd_keys, sizeof(struct source_file_sd_conf) },
	0,
	file_sd_read
};

const struct source_kind source_http_sd = {
	{ "http_sd", http_sd_keys, sizeof(struct source_http_sd_conf) },
	0,
	http_sd_read
};
