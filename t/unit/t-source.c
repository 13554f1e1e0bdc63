/* t-source.c -- the parsing halves of the consul, file_sd, http_sd and json sources */

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

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "labels.h"
#include "log.h"
#include "answer.h"
#include "source.h"
#include "util.h"

#include "tap.h"

/*
 * A sink of our own: the sources hand their nodes here instead of to
 * discover.c, as "id url {labels}" lines.
 */
struct source_sink {
	struct buf	 ss_out;
	size_t		 ss_n;
};

int
source_node(struct source_sink *sk, const struct sval *id, const char *url,
    const struct labels *ls, char **cause)
{
	switch (id->sv_type) {
	case SV_INTEGER:
		buf_printf(&sk->ss_out, "%lld", (long long)id->sv_int);
		break;
	case SV_TEXT:
		buf_add(&sk->ss_out, id->sv_text, id->sv_len);
		break;
	default:
		buf_puts(&sk->ss_out, "?");
	}
	buf_printf(&sk->ss_out, " %s ", url);
	if (ls != NULL)
		labels_json(ls, &sk->ss_out);
	buf_putc(&sk->ss_out, '\n');
	sk->ss_n++;
	return 0;
}

int
source_table_begin(struct source_sink *sk, const struct table_conf *tc,
    char *const *cols, size_t ncols, char **cause)
{
	return -1;
}

int
source_table_row(struct source_sink *sk, const struct sval *v, char **cause)
{
	return -1;
}

int
source_table_end(struct source_sink *sk, char **cause)
{
	return -1;
}

static char	 tmpdir[64];
static const char *src;		/* the source tree */
static struct source_sink sink;
static char	*cause;

static void
reset(void)
{
	buf_reset(&sink.ss_out);
	sink.ss_n = 0;
	free(cause);
	cause = NULL;
}

static const char *
out(void)
{
	return sink.ss_out.b_data != NULL ? sink.ss_out.b_data : "";
}

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("# cannot write %s\n", path);
		exit(1);
	}
}

/* A configuration whose discovery section is disc (indented two spaces). */
static struct config *
load(const char *disc)
{
	struct config	*cf;
	char		 path[256], *text;

	if (asprintf(&text, "store:\n  path: %s/v.db\ndiscovery:\n%s"
	    "queries:\n  dir: %s\n", tmpdir, disc, tmpdir) == -1)
		abort();
	write_file("c.yaml", text);
	free(text);
	snprintf(path, sizeof(path), "%s/c.yaml", tmpdir);
	if ((cf = config_load(path, NULL, 0, stdout)) == NULL) {
		printf("# config did not load:\n%s", disc);
		exit(1);
	}
	return cf;
}

/* A fixture's text; the caller frees. */
static char *
fixture(const char *name, size_t *lenp)
{
	char	 path[512], *text;

	snprintf(path, sizeof(path), "%s/t/fixtures/%s", src, name);
	if ((text = read_file(path, 1 << 24, lenp)) == NULL) {
		printf("# cannot read %s\n", path);
		exit(1);
	}
	return text;
}

static int
consul_fixture(struct config *cf, const char *name)
{
	char	 file[256], *text;
	size_t	 len;
	int	 rc;

	reset();
	snprintf(file, sizeof(file), "consul/v1/health/service/%s", name);
	text = fixture(file, &len);
	rc = source_consul_parse(cf->cf_source_conf, name, name, text, len,
	    &sink, &cause);
	free(text);
	return rc;
}

static int
consul_text(struct config *cf, const char *text)
{
	reset();
	return source_consul_parse(cf->cf_source_conf, "inline", "web", text,
	    strlen(text), &sink, &cause);
}

static void
test_consul(void)
{
	struct config	*cf;

	cf = load("  source: consul\n  services: [web]\n");
	is_int(0, consul_fixture(cf, "web"), "consul: the web answer parses");
	is_str("node-0/web-with-id http://25.14.117.221:21869 {\"service\":\"web\","
	    "\"service_id\":\"web-with-id\",\"node\":\"node-0\",\"dc\":\"dc1\","
	    "\"tags\":\",monitor,application,\","
	    "\"service_metadata_consul_dashboard_url\":"
	    "\"https://carli.info/?id={{Service}}\","
	    "\"service_metadata_external_source\":\"consul\","
	    "\"metadata_web_network_segment\":\"\"}\n"
	    "node-1/web-ID http://186.205.94.120:12223 {\"service\":\"web\","
	    "\"service_id\":\"web-ID\",\"node\":\"node-1\",\"dc\":\"dc1\","
	    "\"tags\":\",matrix,alarm,\","
	    "\"service_metadata_consul_dashboard_url\":"
	    "\"https://raymundo.com/?id={{Service}}\","
	    "\"service_metadata_external_source\":\"aws\","
	    "\"metadata_web_network_segment\":\"\"}\n", out(),
	    "consul: passing instances only; Service.Address, else "
	    "Node.Address; ids node/service id; Prometheus's labels");
	is_int(0, consul_fixture(cf, "double-web"),
	    "consul: the double's own answer parses");
	is_int(0, sink.ss_n, "consul: every instance of the double has a "
	    "critical check, so none is a node");
	is_int(0, consul_fixture(cf, "empty"), "consul: [] is valid");
	is_int(0, sink.ss_n, "consul: [] is no node");
	is_int(-1, consul_fixture(cf, "garbage"), "consul: HTML fails");
	ok(cause != NULL && strstr(cause, "garbage: malformed answer") == cause,
	    "consul: the cause says malformed: %s", cause);
	is_int(-1, consul_fixture(cf, "notarray"), "consul: an object fails");
	is_str("notarray: not an array of service instances", cause,
	    "consul: the cause says not an array");
	is_int(-1, consul_text(cf, "[{\"Node\":{}}]"),
	    "consul: an entry without Service fails");
	is_str("inline: entry 0 has no Node and Service objects", cause,
	    "consul: the cause names the entry");
	is_int(0, consul_text(cf, "[{\"Node\":{\"Node\":\"n\",\"Address\":"
	    "\"2001:db8::1\"},\"Service\":{\"ID\":\"w\",\"Port\":8080},"
	    "\"Checks\":[]},{\"Node\":{\"Node\":\"m\",\"Address\":\"10.0.0.1\"},"
	    "\"Service\":{\"ID\":\"w\",\"Port\":0}},{\"Node\":{\"Node\":\"o\"},"
	    "\"Service\":{\"ID\":\"w\",\"Port\":1}}]"),
	    "consul: odd instances are skipped, not fatal");
	is_str("n/w http://[2001:db8::1]:8080 {\"service\":\"web\","
	    "\"service_id\":\"w\",\"node\":\"n\"}\n", out(),
	    "consul: IPv6 bracketed; port 0 and no address skipped");
	config_free(cf);

	cf = load("  source: consul\n  services: [api]\n  tags: [matrix]\n"
	    "  scheme: https\n  path: /status\n");
	is_int(0, consul_fixture(cf, "api"), "consul: the api answer parses");
	ok(strncmp(out(), "node-0/api-with-id https://67.128.22.18:27483/status ",
	    53) == 0, "consul: scheme and path; the tag filter keeps node-0: %s",
	    out());
	is_int(1, sink.ss_n, "consul: only one instance has tag matrix");
	config_free(cf);
}

static int
sd_text(const char *text, int yaml)
{
	reset();
	return source_sd_parse("inline", text, strlen(text), yaml, &sink,
	    &cause);
}

static void
test_sd(void)
{
	struct config	*cf;
	char		*text, disc[1024];
	size_t		 len;

	reset();
	text = fixture("sd/a.json", &len);
	is_int(0, source_sd_parse("a.json", text, len, 0, &sink, &cause),
	    "file_sd: JSON target groups parse");
	free(text);
	is_str("http://10.0.0.1:9100/metrics http://10.0.0.1:9100/metrics "
	    "{\"env\":\"prod\"}\n"
	    "http://node-b:9100/metrics http://node-b:9100/metrics "
	    "{\"env\":\"prod\"}\n"
	    "https://10.0.0.2:26657 https://10.0.0.2:26657 {\"env\":\"prod\"}\n",
	    out(), "file_sd: __scheme__ and __metrics_path__; __ labels dropped");
	reset();
	text = fixture("sd/b.yml", &len);
	is_int(0, source_sd_parse("b.yml", text, len, 1, &sink, &cause),
	    "file_sd: YAML target groups parse");
	free(text);
	is_str("http://10.0.0.3:9100 http://10.0.0.3:9100 "
	    "{\"env\":\"staging\",\"job\":\"node\"}\n"
	    "http://10.0.0.4:9100 http://10.0.0.4:9100 {}\n"
	    "http://[2001:db8::1]:9100 http://[2001:db8::1]:9100 {}\n",
	    out(), "file_sd: YAML as JSON; a group without labels");
	is_int(0, sd_text("[]", 0), "sd: [] is valid");
	is_int(0, sink.ss_n, "sd: [] is no node");
	is_int(0, sd_text("", 1), "sd: an empty YAML file is no group");
	is_int(-1, sd_text("{\"targets\":[]}", 0), "sd: an object fails");
	is_str("inline: not a list of target groups", cause,
	    "sd: the cause says so");
	is_int(-1, sd_text("[{\"targets\":[\"a:1\"],\"labels\":"
	    "{\"bad-name\":\"x\"}}]", 0), "sd: an invalid label name fails");
	is_str("inline: target group 0: 'bad-name' is not a valid label name",
	    cause, "sd: the cause names the label");
	is_int(-1, sd_text("[{\"targets\":[\"a:1\"],\"labels\":"
	    "{\"__scheme__\":\"ftp\"}}]", 0), "sd: __scheme__ ftp fails");
	is_int(-1, sd_text("[{\"targets\":\"a:1\"}]", 0),
	    "sd: targets not a list fails");
	is_int(-1, sd_text("[{\"targets\":[1]}]", 0),
	    "sd: a target not a string fails");
	is_int(-1, sd_text("[{\"targets\":[\"a:1\"],\"labels\":{\"x\":1}}]", 0),
	    "sd: a label value not a string fails");
	is_int(0, sd_text("[{\"targets\":[\"http://a:1\",\"b:2\"]}]", 0),
	    "sd: a target with a scheme is skipped, not fatal");
	is_str("http://b:2 http://b:2 {}\n", out(), "sd: the others are kept");
	is_int(-1, sd_text("- targets: [a:1\n  labels: {x: y}\n", 1),
	    "sd: malformed YAML fails");
	ok(cause != NULL && strncmp(cause, "inline: malformed YAML: ", 24) == 0 &&
	    strstr(cause, "line") != NULL, "sd: with a line: %s", cause);
	is_int(-1, sd_text("[{\"targets\": [", 0), "sd: malformed JSON fails");

	ok(source_sd_json_type("application/json"), "http_sd: application/json");
	ok(source_sd_json_type("application/json; charset=utf-8"),
	    "http_sd: with charset utf-8");
	ok(source_sd_json_type("Application/JSON;charset=\"UTF-8\""),
	    "http_sd: in any case, charset quoted");
	ok(!source_sd_json_type("text/plain"), "http_sd: not text/plain");
	ok(!source_sd_json_type("application/json; charset=latin1"),
	    "http_sd: not another charset");
	ok(!source_sd_json_type("application/jsonl"), "http_sd: not jsonl");
	ok(!source_sd_json_type(""), "http_sd: not none");

	/* file_sd reading files: globs, several of them, JSON and YAML. */
	snprintf(disc, sizeof(disc), "  source: file_sd\n  files:\n"
	    "    - %s/t/fixtures/sd/*.json\n    - %s/t/fixtures/sd/b.yml\n",
	    src, src);
	cf = load(disc);
	reset();
	is_int(0, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "file_sd: a glob and a file");
	is_int(6, sink.ss_n, "file_sd: 3 + 0 + 3 targets");
	config_free(cf);
	snprintf(disc, sizeof(disc), "  source: file_sd\n  files: [%s/*/a.json]\n",
	    src);
	cf = load(disc);
	reset();
	is_int(-1, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "file_sd: * in a directory fails");
	config_free(cf);
	cf = load("  source: file_sd\n  files: [/nonexistent/t.yaml]\n");
	reset();
	is_int(-1, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "file_sd: a missing file fails");
	is_str("file_sd: /nonexistent/t.yaml: No such file or directory", cause,
	    "file_sd: the cause names the file");
	config_free(cf);
}

static int
json_fixture(struct config *cf, const char *name)
{
	char	*text;
	size_t	 len;
	int	 rc;

	reset();
	text = fixture(name, &len);
	rc = source_json_parse(cf->cf_source_conf, name, text, len, &sink,
	    &cause);
	free(text);
	return rc;
}

static void
test_json(void)
{
	struct config	*cf;

	cf = load("  source: json\n  path: chain.json\n  nodes: /apis/rpc\n"
	    "  node_url: /address\n"
	    "  labels: {provider: /provider, archive: /archive}\n");
	is_int(0, json_fixture(cf, "json/chain.json"), "json: a chain.json");
	is_str("https://cosmos-rpc.polkachu.com https://cosmos-rpc.polkachu.com "
	    "{\"provider\":\"Polkachu\",\"archive\":null}\n"
	    "https://rpc-cosmoshub.blockapsis.com "
	    "https://rpc-cosmoshub.blockapsis.com "
	    "{\"provider\":\"chainapsis\",\"archive\":null}\n"
	    "https://cosmoshub-rpc.publicnode.com:443 "
	    "https://cosmoshub-rpc.publicnode.com:443 "
	    "{\"provider\":\"Allnodes ⚡️ Nodes & Staking\",\"archive\":\"true\"}\n",
	    out(), "json: apis.rpc; an entry without an address skipped");
	config_free(cf);

	cf = load("  source: json\n  url: http://127.0.0.1:1/core/nodes/verbose\n"
	    "  nodes: /data\n  node_url: /endpoint\n  node_id: /spID\n"
	    "  labels: {type: /type, block: /blockNumber, missing: /nope}\n");
	is_int(0, json_fixture(cf, "json/nodes-verbose.json"),
	    "json: /core/nodes/verbose");
	is_str("1 https://creatornode.audius.co {\"type\":\"content-node\","
	    "\"block\":\"11818009\",\"missing\":null}\n"
	    "2 https://creatornode2.audius.co {\"type\":\"content-node\","
	    "\"block\":\"11818180\",\"missing\":null}\n"
	    "1 https://discoveryprovider.audius.co {\"type\":\"discovery-node\","
	    "\"block\":\"11818300\",\"missing\":null}\n", out(),
	    "json: integer ids; numbers as labels; empty endpoint skipped");
	config_free(cf);

	cf = load("  source: json\n  path: x.json\n  nodes: /apis\n"
	    "  node_url: /address\n");
	is_int(-1, json_fixture(cf, "json/chain.json"),
	    "json: nodes not an array fails");
	is_str("json/chain.json: '/apis' is not an array", cause,
	    "json: the cause names the pointer");
	config_free(cf);
	cf = load("  source: json\n  path: x.json\n  nodes: /nodes\n"
	    "  node_url: /address\n");
	is_int(-1, json_fixture(cf, "json/chain.json"),
	    "json: nodes missing fails");
	is_str("json/chain.json: nothing at '/nodes'", cause,
	    "json: the cause says nothing there");
	reset();
	is_int(-1, source_json_parse(cf->cf_source_conf, "g", "<html>", 6,
	    &sink, &cause), "json: not JSON fails");
	config_free(cf);

	cf = load("  source: json\n  path: x.json\n  url: http://h/\n"
	    "  node_url: /address\n");
	reset();
	is_int(-1, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "json: path and url fails");
	is_str("json: set one of discovery.path and discovery.url", cause,
	    "json: the cause says which keys");
	config_free(cf);
	cf = load("  source: json\n  path: x.json\n  node_url: address\n");
	reset();
	is_int(-1, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "json: a pointer without / fails");
	config_free(cf);
	cf = load("  source: json\n  path: x.json\n  node_url: /a\n"
	    "  labels: {bad-name: /b}\n");
	reset();
	is_int(-1, ((const struct source_kind *)cf->cf_source)->sk_read(cf,
	    cf->cf_source_conf, &sink, &cause), "json: a bad label name fails");
	is_str("json: discovery.labels: 'bad-name' is not a valid label name",
	    cause, "json: the cause names it");
	config_free(cf);
}

int
main(void)
{
	char	 path[256];

	plan(63);
	log_init("t-source", 0);
	answer_init();
	if ((src = getenv("VT_SRC_DIR")) == NULL)
		src = ".";
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-source") == -1)
		return 1;
	buf_init(&sink.ss_out, 0);
	test_consul();
	test_sd();
	test_json();
	reset();
	buf_release(&sink.ss_out);
	snprintf(path, sizeof(path), "%s/c.yaml", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return done_testing();
}
