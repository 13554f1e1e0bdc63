/* source-consul.c -- discovery from Consul: the passing instances of services */

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "conf.h"
#include "fetch.h"
#include "labels.h"
#include "log.h"
#include "answer.h"
#include "source.h"
#include "util.h"
#include "xmalloc.h"

/*
 * Each service is read with GET /v1/health/service/<name>?passing
 * (hashicorp/consul website/content/api-docs/health.mdx), an array of
 * {"Node": {...}, "Service": {...}, "Checks": [...]}.  An instance is
 * scheme://address:Service.Port[path] with the address Service.Address,
 * or Node.Address when that is empty, as Prometheus's consul_sd does
 * (prometheus/prometheus discovery/consul/consul.go).  Its labels are
 * Prometheus's __meta_consul_* labels without the prefix: service,
 * service_id, node, dc, tags (",a,b,"), service_metadata_<key> and
 * metadata_<key> (node meta), keys with every character outside
 * [A-Za-z0-9_] made '_'.
 */

#define CONSUL_TOKEN_MAX	4096
#define CONSUL_WARN_MAX		5

struct source_consul_conf {
	char	*cs_server;
	char	**cs_services;
	size_t	 cs_nservices;
	char	**cs_tags;
	size_t	 cs_ntags;
	char	*cs_datacenter;
	char	*cs_token_file;
	char	*cs_ca_file;
	char	*cs_cert_file;
	char	*cs_key_file;
	int64_t	 cs_scheme;
	char	*cs_path;
};

static const char *const scheme_names[] = { "http", "https", NULL };

#define OFF(m)	offsetof(struct source_consul_conf, m)
static const struct key consul_keys[] = {
	{ "server", K_STR, OFF(cs_server), 0, 0, NULL, 0, 0,
	    "http://127.0.0.1:8500", NULL,
	    "the Consul agent's HTTP API, http:// or https://", NULL },
	{ "services", K_STRLIST, OFF(cs_services), OFF(cs_nservices), 0, NULL,
	    0, 0, NULL, NULL, "the services whose passing instances are nodes",
	    NULL },
	{ "tags", K_STRLIST, OFF(cs_tags), OFF(cs_ntags), 0, NULL, 0, 0, NULL,
	    NULL, "an instance must carry every one of these tags", NULL },
	{ "datacenter", K_STR, OFF(cs_datacenter), 0, 0, NULL, 0, 0, "", NULL,
	    "the datacenter to ask about; empty: the agent's", NULL },
	{ "token_file", K_STR, OFF(cs_token_file), 0, 0, NULL, 0, 0, "", NULL,
	    "file holding the ACL token, read at every run", NULL },
	{ "ca_file", K_STR, OFF(cs_ca_file), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM CA certificates for an https server", NULL },
	{ "cert_file", K_STR, OFF(cs_cert_file), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM client certificate for the server", NULL },
	{ "key_file", K_STR, OFF(cs_key_file), 0, 0, NULL, 0, 0, "", NULL,
	    "PEM key of the client certificate", NULL },
	{ "scheme", K_ENUM, OFF(cs_scheme), 0, 0, NULL, 0, 0, "http",
	    scheme_names, "scheme of the node urls", NULL },
	{ "path", K_STR, OFF(cs_path), 0, 0, NULL, 0, 0, "", NULL,
	    "appended to every node url, starting with /", NULL },
	KEND
};
#undef OFF

/* The token, trimmed, into *token; -1 with *cause if unusable. */
static int
consul_token(const char *path, char **token, char **cause)
{
	char	*text, *s, *e;
	size_t	 len;

	if ((text = read_file(path, CONSUL_TOKEN_MAX, &len)) == NULL) {
		xasprintf(cause, "consul: token file %s: %s", path,
		    errno == EFBIG ? "larger than 4 KiB" : strerror(errno));
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		xasprintf(cause, "consul: token file %s: not text", path);
		free(text);
		return -1;
	}
	for (s = text; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';)
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	*e = '\0';
	if (*s == '\0' || strpbrk(s, "\r\n") != NULL) {
		xasprintf(cause, "consul: token file %s: %s", path, *s == '\0' ?
		    "empty" : "more than one line");
		free(text);
		return -1;
	}
	*token = xstrdup(s);
	free(text);
	return 0;
}

/* Append s URL-encoded. */
static void
url_escape(struct buf *b, const char *s)
{
	char	*e;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		fatalx("curl_easy_escape: out of memory");
	buf_puts(b, e);
	curl_free(e);
}

/* The health URL of service name. */
static char *
consul_url(const struct source_consul_conf *cs, const char *name)
{
	struct buf	 b;
	size_t		 i, n;

	buf_init(&b, 0);
	n = strlen(cs->cs_server);
	while (n > 0 && cs->cs_server[n - 1] == '/')
		n--;
	buf_add(&b, cs->cs_server, n);
	buf_puts(&b, "/v1/health/service/");
	url_escape(&b, name);
	buf_puts(&b, "?passing");
	if (*cs->cs_datacenter != '\0') {
		buf_puts(&b, "&dc=");
		url_escape(&b, cs->cs_datacenter);
	}
	for (i = 0; i < cs->cs_ntags; i++) {
		buf_puts(&b, "&tag=");
		url_escape(&b, cs->cs_tags[i]);
	}
	return buf_take(&b, NULL);
}

static const char *
str_member(json_t *obj, const char *name)
{
	json_t	*v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Add prefix<key> for every string of a Meta object, keys sanitized. */
static void
meta_labels(struct labels *ls, const char *prefix, json_t *meta)
{
	const char	*k;
	json_t		*v;
	char		*name, *p;

	json_object_foreach(meta, k, v) {
		if (!json_is_string(v))
			continue;
		xasprintf(&name, "%s%s", prefix, k);
		for (p = name; *p != '\0'; p++)
			if (!(( *p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
				*p = '_';
		/* Two keys made one by sanitizing: the first is kept. */
		if (labels_get(ls, name) == NULL)
			labels_add(ls, name, json_string_value(v),
			    json_string_length(v));
		free(name);
	}
}

/* Does the instance carry every configured tag? */
static int
has_tags(const struct source_consul_conf *cs, json_t *tags)
{
	json_t	*t;
	size_t	 i, j;
	int	 found;

	for (i = 0; i < cs->cs_ntags; i++) {
		found = 0;
		json_array_foreach(tags, j, t)
			if (json_is_string(t) &&
			    strcmp(json_string_value(t), cs->cs_tags[i]) == 0)
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

/* Are all of the instance's checks passing? */
static int
all_passing(json_t *checks)
{
	const char	*status;
	json_t		*c;
	size_t		 i;

	json_array_foreach(checks, i, c) {
		status = str_member(c, "Status");
		if (status == NULL || strcmp(status, "passing") != 0)
			return 0;
	}
	return 1;
}

/* One instance; 1 if it became a node, 0 if skipped, -1 on error. */
static int
consul_entry(const struct source_consul_conf *cs, const char *what,
    const char *name, size_t i, json_t *entry, struct labels *ls,
    struct source_sink *sink, size_t *skipped, char **cause)
{
	json_t		*node, *svc, *port, *tags, *t;
	const char	*addr, *sid, *nname, *sname, *why = NULL;
	struct buf	 b;
	struct sval	 id;
	char		*url = NULL;
	size_t		 j;
	int		 rc = -1;

	node = json_object_get(entry, "Node");
	svc = json_object_get(entry, "Service");
	if (!json_is_object(entry) || !json_is_object(node) ||
	    !json_is_object(svc)) {
		xasprintf(cause, "%s: entry %zu has no Node and Service objects",
		    what, i);
		return -1;
	}
	if (!all_passing(json_object_get(entry, "Checks"))) {
		log_debug("%s: entry %zu: a check is not passing; skipped",
		    what, i);
		return 0;
	}
	tags = json_object_get(svc, "Tags");
	if (!has_tags(cs, tags))
		return 0;
	if ((addr = str_member(svc, "Address")) == NULL || *addr == '\0')
		addr = str_member(node, "Address");
	port = json_object_get(svc, "Port");
	nname = str_member(node, "Node");
	if ((sid = str_member(svc, "ID")) == NULL || *sid == '\0')
		sid = str_member(svc, "Service");
	if ((sname = str_member(svc, "Service")) == NULL)
		sname = name;
	if (addr == NULL || *addr == '\0' || strpbrk(addr, "/ \t\r\n") != NULL)
		why = "no usable Service.Address or Node.Address";
	else if (!json_is_integer(port) || json_integer_value(port) < 1 ||
	    json_integer_value(port) > 65535)
		why = "no Service.Port from 1 to 65535";
	else if (nname == NULL || *nname == '\0' || sid == NULL)
		why = "no Node.Node or Service.ID";
	if (why != NULL) {
		if (++*skipped <= CONSUL_WARN_MAX)
			log_warnx("%s: entry %zu: %s; skipped", what, i, why);
		return 0;
	}
	buf_init(&b, 0);
	/* An IPv6 address is bracketed, as Go's net.JoinHostPort does. */
	buf_printf(&b, strchr(addr, ':') != NULL && *addr != '[' ?
	    "%s://[%s]:%jd%s" : "%s://%s:%jd%s",
	    scheme_names[cs->cs_scheme], addr,
	    (intmax_t)json_integer_value(port), cs->cs_path);
	url = buf_take(&b, NULL);
	/* Service.ID is unique per agent: with the node, unique in the dc. */
	buf_printf(&b, "%s/%s", nname, sid);

	labels_reset(ls);
	labels_add(ls, "service", sname, strlen(sname));
	labels_add(ls, "service_id", sid, strlen(sid));
	labels_add(ls, "node", nname, strlen(nname));
	if ((t = json_object_get(node, "Datacenter")) != NULL &&
	    json_is_string(t))
		labels_add(ls, "dc", json_string_value(t), json_string_length(t));
	if (json_array_size(tags) > 0) {
		struct buf	 tb;

		buf_init(&tb, 0);
		buf_putc(&tb, ',');
		json_array_foreach(tags, j, t)
			if (json_is_string(t))
				buf_printf(&tb, "%s,", json_string_value(t));
		labels_add(ls, "tags", tb.b_data, tb.b_len);
		buf_release(&tb);
	}
	meta_labels(ls, "service_metadata_", json_object_get(svc, "Meta"));
	meta_labels(ls, "metadata_", json_object_get(node, "Meta"));

	memset(&id, 0, sizeof(id));
	id.sv_type = SV_TEXT;
	id.sv_text = b.b_data;
	id.sv_len = b.b_len;
	if (source_node(sink, &id, url, ls, cause) == 0)
		rc = 1;
	buf_release(&b);
	free(url);
	return rc;
}

int
source_consul_parse(const void *conf, const char *what, const char *name,
    const char *text, size_t len, struct source_sink *sink, char **cause)
{
	const struct source_consul_conf *cs = conf;
	struct labels	 ls;
	json_t		*doc, *entry;
	char		 err[256];
	size_t		 i, skipped = 0;
	int		 rc = -1;

	if ((doc = answer_json_parse(text, len, err, sizeof(err))) == NULL) {
		xasprintf(cause, "%s: %s", what, err);
		return -1;
	}
	if (!json_is_array(doc)) {
		xasprintf(cause, "%s: not an array of service instances", what);
		json_decref(doc);
		return -1;
	}
	labels_init(&ls);
	json_array_foreach(doc, i, entry)
		if (consul_entry(cs, what, name, i, entry, &ls, sink, &skipped,
		    cause) == -1)
			goto out;
	if (skipped > CONSUL_WARN_MAX)
		log_warnx("%s: %zu more entries skipped", what,
		    skipped - CONSUL_WARN_MAX);
	rc = 0;
out:
	labels_release(&ls);
	json_decref(doc);
	return rc;
}

static int
consul_read(const struct config *cf, const void *conf,
    struct source_sink *sink, char **cause)
{
	const struct source_consul_conf *cs = conf;
	struct fetch_opts fo;
	struct fetch_answer fa;
	char		*token = NULL, *header = NULL, *url, *what, *why;
	size_t		 i;
	int		 r, rc = -1;

	if (cs->cs_nservices == 0) {
		xasprintf(cause, "consul: discovery.services lists no service");
		return -1;
	}
	if (*cs->cs_path != '\0' && *cs->cs_path != '/') {
		xasprintf(cause, "consul: discovery.path '%s' does not start "
		    "with /", cs->cs_path);
		return -1;
	}
	if (strncmp(cs->cs_server, "http://", 7) != 0 &&
	    strncmp(cs->cs_server, "https://", 8) != 0) {
		xasprintf(cause, "consul: discovery.server '%s' is not an "
		    "http:// or https:// url", cs->cs_server);
		return -1;
	}
	/* Read afresh each run, so that a rotated token is picked up. */
	if (*cs->cs_token_file != '\0') {
		if (consul_token(cs->cs_token_file, &token, cause) == -1)
			return -1;
		xasprintf(&header, "X-Consul-Token: %s", token);
	}
	memset(&fo, 0, sizeof(fo));
	fo.fo_timeout_ms = cf->cf_disc_timeout_ms;
	fo.fo_user_agent = cf->cf_user_agent;
	fo.fo_deny = cf->cf_deny;
	fo.fo_ndeny = cf->cf_ndeny;
	fo.fo_ca_file = cs->cs_ca_file;
	fo.fo_cert_file = cs->cs_cert_file;
	fo.fo_key_file = cs->cs_key_file;
	fo.fo_header = header;
	for (i = 0; i < cs->cs_nservices; i++) {
		url = consul_url(cs, cs->cs_services[i]);
		if (fetch_get(url, &fo, &fa, &why) == -1) {
			xasprintf(cause, "consul: %s", why);
			free(why);
			free(url);
			goto out;
		}
		xasprintf(&what, "consul: %s", url);
		r = source_consul_parse(cs, what, cs->cs_services[i],
		    fa.fa_body, fa.fa_len, sink, cause);
		fetch_answer_release(&fa);
		free(what);
		free(url);
		if (r == -1)
			goto out;
	}
	rc = 0;
out:
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	if (header != NULL)
		explicit_bzero(header, strlen(header));
	free(token);
	free(header);
	return rc;
}

const struct source_kind source_consul = {
	{ "consul", consul_keys, sizeof(struct source_consul_conf) },
	0,
	consul_read
};
