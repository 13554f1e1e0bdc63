/* t-config.c -- config_load decoding, defaults, -D, errors, printing */

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

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "tap.h"
#include "util.h"
#include "xmalloc.h"

/* The json settings of the first probe. */
#define JC(cf)	answer_json_conf(&(cf)->cf_probes[0])

static char	tmpdir[64];
static char	*made[32];	/* files to remove at the end */
static size_t	nmade;

static const char minimal[] =
    "discovery:\n"
    "  path: disc.db\n"
    "  nodes: SELECT node_id, url FROM nodes\n"
    "queries:\n"
    "  dir: q/audius\n"
    "probes:\n"
    "  - name: health\n"
    "    path: /health_check\n"
    "    values:\n"
    "      - column: version\n"
    "        pointer: /data/version\n"
    "        type: text\n"
    "      - column: healthy\n"
    "        pointer: /data/healthy\n"
    "        type: boolean\n"
    "      - column: block\n"
    "        pointer: /data/block_number\n";

/* A probe, for configurations that test something else. */
#define PROBE \
    "probes:\n" \
    "  - name: p\n" \
    "    path: /\n" \
    "    values:\n" \
    "      - column: v\n" \
    "        pointer: /v\n"

/* Write text to tmpdir/name; returns the path (owned by made[]). */
static const char *
write_conf(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	if (asprintf(&path, "%s/%s", tmpdir, name) == -1)
		abort();
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("# cannot write %s\n", path);
		exit(1);
	}
	if (nmade < nitems(made))
		made[nmade++] = path;
	return path;
}

/* config_print of cf, as a string the caller frees. */
static char *
print_conf(const struct config *cf)
{
	char	*text = NULL;
	size_t	 len;
	FILE	*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	config_print(cf, f);
	fclose(f);
	return text;
}

/* Does config_print of cf hold line? */
static int
prints(const struct config *cf, const char *line)
{
	char	*text = print_conf(cf);
	int	 found = strstr(text, line) != NULL;

	free(text);
	return found;
}

/*
 * Load path with overrides; the error text goes to *errp (caller frees).
 */
static struct config *
load(const char *path, char **ov, size_t nov, char **errp)
{
	struct config	*cf;
	FILE		*err;
	size_t		 len;

	*errp = NULL;
	if ((err = open_memstream(errp, &len)) == NULL)
		abort();
	cf = config_load(path, ov, nov, err);
	fclose(err);
	return cf;
}

static int
count_lines(const char *s)
{
	int	n = 0;

	for (; s != NULL && *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

static int
has_line(const char *text, const char *line)
{
	size_t		 len = strlen(line);
	const char	*p = text;

	while (p != NULL && (p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return 1;
		p += len;
	}
	return 0;
}

static void
test_minimal(void)
{
	struct config	*cf;
	char		*err, *dir;
	const char	*path = write_conf("min.yaml", minimal);

	cf = load(path, NULL, 0, &err);
	ok(cf != NULL, "minimal config loads");
	is_str("", err, "  without any error output");
	free(err);
	if (cf == NULL) {
		ok(0, "skipped: no config");
		return;
	}
	ok(prints(cf, "\n  source: sqlite\n  path: disc.db\n"),
	    "discovery.source defaults to sqlite; discovery.path decoded");
	ok(prints(cf, "\n  nodes: |\n    SELECT node_id, url FROM nodes\n"),
	    "discovery.nodes decoded");
	is_int(32, cf->cf_concurrency, "crawl.concurrency defaults to 32");
	is_int(2, cf->cf_per_node, "crawl.per_node defaults to 2");
	is_int(30000, cf->cf_timeout_ms, "crawl.timeout defaults to 30s");
	is_int(5000, cf->cf_connect_timeout_ms,
	    "crawl.connect_timeout defaults to 5s");
	is_int(500, cf->cf_backoff_ms, "crawl.backoff defaults to 500ms");
	is_int(16 * 1024 * 1024, cf->cf_max_response,
	    "crawl.max_response defaults to 16MiB");
	is_str("vantage.db", cf->cf_store_path, "store.path default");
	is_int(3, cf->cf_keep_runs, "store.keep_runs default");
	is_int(30LL * 86400000, cf->cf_retention_ms, "store.retention default 30d");
	is_str("127.0.0.1:9464", cf->cf_listen, "http.listen default");
	is_int(300000, cf->cf_interval_ms, "schedule.interval default 5m");
	is_int(0, cf->cf_ntables, "no discovery tables");
	is_int(1, cf->cf_nprobes, "one probe");
	is_str("health", cf->cf_probes[0].pc_name, "probe name");
	is_int(0, cf->cf_probes[0].pc_method, "probe method defaults to GET (0)");
	is_str("/health_check", cf->cf_probes[0].pc_path, "probe path");
	is_int(1000, cf->cf_probes[0].pc_batch, "probe batch default 1000");
	is_str("", cf->cf_probes[0].pc_items, "probe items default empty");
	is_str("application/json", cf->cf_probes[0].pc_content_type,
	    "probe content_type default");
	is_int(3, JC(cf)->aj_nvalues, "three values");
	is_str("version", JC(cf)->aj_values[0].vc_column,
	    "value column");
	is_str("/data/version", JC(cf)->aj_values[0].vc_pointer,
	    "value pointer");
	is_int(VT_TEXT, JC(cf)->aj_values[0].vc_type,
	    "type text decodes to VT_TEXT");
	is_int(VT_BOOLEAN, JC(cf)->aj_values[1].vc_type,
	    "type boolean decodes to VT_BOOLEAN");
	is_int(VT_INTEGER, JC(cf)->aj_values[2].vc_type,
	    "type defaults to integer");

	/* queries.dir as written, and resolved against the file's folder. */
	is_str("q/audius", cf->cf_queries_dir, "cf_queries_dir keeps the text");
	if (asprintf(&dir, "%s/q/audius", tmpdir) == -1)
		abort();
	is_str(dir, cf->cf_queries_path,
	    "cf_queries_path is relative to the config file's folder");
	free(dir);
	is_str(tmpdir, cf->cf_dir, "cf_dir is the config file's folder");
	config_free(cf);
}

static void
test_absolute_queries(void)
{
	struct config	*cf;
	char		*err;
	const char	*path = write_conf("abs.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: /srv/queries\n"
	    PROBE);

	cf = load(path, NULL, 0, &err);
	ok(cf != NULL && strcmp(cf->cf_queries_path, "/srv/queries") == 0,
	    "an absolute queries.dir is used as is");
	free(err);
	config_free(cf);
}

static void
test_overrides(void)
{
	struct config	*cf;
	char		*err;
	char		*ov[] = {
		(char *)"crawl.concurrency=7",	/* existing section, new key */
		(char *)"probes.0.batch=25",	/* list index */
		(char *)"probes.0.values.1.type=integer", /* nested list */
		(char *)"store.keep_runs=9",	/* missing section */
		(char *)"discovery.path=other.db", /* replace a value */
		(char *)"crawl.timeout=1m30s",
	};
	char		*bad_ov[] = {
		(char *)"crawl.concurency=5",
		(char *)"probes.3.batch=1",
		(char *)"discovery.path.x=1",
		(char *)"noequals",
		(char *)"store.path=/tmp/x.\x9d.db",
	};
	const char	*path = write_conf("min.yaml", minimal);

	cf = load(path, ov, nitems(ov), &err);
	ok(cf != NULL, "config with -D overrides loads");
	is_str("", err, "  without errors");
	free(err);
	if (cf != NULL) {
		is_int(7, cf->cf_concurrency, "-D scalar in a section");
		is_int(25, cf->cf_probes[0].pc_batch, "-D probes.0.batch");
		is_int(VT_INTEGER, JC(cf)->aj_values[1].vc_type,
		    "-D probes.0.values.1.type");
		is_int(9, cf->cf_keep_runs, "-D creates a missing section and key");
		ok(prints(cf, "\n  path: other.db\n"),
		    "-D replaces a file's value");
		is_int(90000, cf->cf_timeout_ms, "-D duration");
	} else
		for (int i = 0; i < 6; i++)
			ok(0, "skipped: no config");
	config_free(cf);

	cf = load(path, bad_ov, 1, &err);
	ok(cf == NULL, "-D with an unknown key fails");
	is_str("-D crawl.concurency=5: unknown key 'crawl.concurency' "
	    "(did you mean 'concurrency'?)\n", err, "  naming the override");
	free(err);
	config_free(cf);

	cf = load(path, bad_ov + 1, 1, &err);
	ok(cf == NULL, "-D with an index past the list fails");
	is_str("-D probes.3.batch=1: '3' is not an index of a list of 1\n", err,
	    "  with its message");
	free(err);
	config_free(cf);

	cf = load(path, bad_ov + 2, 1, &err);
	ok(cf == NULL, "-D through a scalar fails");
	is_str("-D discovery.path.x=1: 'x' is inside a scalar\n", err,
	    "  with its message");
	free(err);
	config_free(cf);

	cf = load(path, bad_ov + 3, 1, &err);
	ok(cf == NULL, "-D without = fails");
	is_str("-D noequals: expected key=value\n", err, "  with its message");
	free(err);
	config_free(cf);

	/* A YAML file cannot hold it, so check -v could not print it. */
	cf = load(path, bad_ov + 4, 1, &err);
	ok(cf == NULL, "-D with a value that is not UTF-8 fails");
	is_str("-D store.path=/tmp/x.\x9d.db: not valid UTF-8\n", err,
	    "  with its message");
	free(err);
	config_free(cf);
}

static void
test_errors(void)
{
	struct config	*cf;
	char		*err, *want;
	const char	*path;

	path = write_conf("unknown.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "crawl:\n"
	    "  concurency: 8\n"
	    "queries:\n"
	    "  dir: q\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL, "unknown key fails the load");
	if (asprintf(&want, "%s:5:3: unknown key 'crawl.concurency' (did you "
	    "mean 'concurrency'?)\n", path) == -1)
		abort();
	is_str(want, err, "  file:line:col and a did-you-mean hint");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("unknown2.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: q\n"
	    "frobnicate: 1\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	if (asprintf(&want, "%s:6:1: unknown key 'frobnicate'\n", path) == -1)
		abort();
	is_str(want, err, "unknown key with nothing close has no hint");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("range.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "crawl:\n"
	    "  concurrency: 0\n"
	    "queries:\n"
	    "  dir: q\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL, "out-of-range integer fails the load");
	if (asprintf(&want, "%s:5:16: crawl.concurrency: 0 is out of range "
	    "(1 to 10000)\n", path) == -1)
		abort();
	is_str(want, err, "  with file:line:col and the bounds");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("dur.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "crawl:\n"
	    "  timeout: 10y\n"
	    "queries:\n"
	    "  dir: q\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL, "bad duration fails the load");
	if (asprintf(&want, "%s:5:12: crawl.timeout: '10y': unknown unit "
	    "(use ms, s, m, h or d)\n", path) == -1)
		abort();
	is_str(want, err, "  with file:line:col and the reason");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("durrange.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "schedule:\n"
	    "  interval: 500ms\n"
	    "queries:\n"
	    "  dir: q\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	if (asprintf(&want, "%s:5:13: schedule.interval: 500ms is out of "
	    "range (1s to 7d)\n", path) == -1)
		abort();
	is_str(want, err, "duration below its minimum, bounds as durations");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("missing.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "queries:\n"
	    "  dir: q\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL, "missing required key fails the load");
	if (asprintf(&want, "%s:2:3: missing required key 'discovery.nodes'\n",
	    path) == -1)
		abort();
	is_str(want, err, "  at the mapping that lacks it");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("missing-probe.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: q\n"
	    "probes:\n"
	    "  - name: p\n"
	    "    values:\n"
	    "      - column: c\n");
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL &&
	    strstr(err, "missing required key 'probes[0].path'") != NULL &&
	    strstr(err, "missing required key 'probes[0].values[0].pointer'")
	    != NULL, "missing keys inside list items name their index");
	free(err);
	config_free(cf);

	path = write_conf("empty.yaml", "");
	cf = load(path, NULL, 0, &err);
	if (asprintf(&want, "%s:1:1: missing required key 'discovery.path'\n"
	    "%s:1:1: missing required key 'discovery.nodes'\n"
	    "%s:1:1: missing required key 'queries.dir'\n", path, path,
	    path) == -1)
		abort();
	ok(cf == NULL, "empty file fails the load");
	is_str(want, err, "  reporting every missing key, at the file's start");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("several.yaml",
	    "store:\n"
	    "  keep_runs: zero\n"
	    "  retention: 30 days\n"
	    "http:\n"
	    "  listen: 9464\n"
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "crawl:\n"
	    "  per_node: 20000\n"
	    "  max_response: 64MB\n"
	    "  colour: blue\n"
	    "queries:\n"
	    "  dir: q\n"
	    "probes:\n"
	    "  - name: bad-name\n"
	    "    path: x\n"
	    "    method: PUT\n"
	    "    values:\n"
	    "      - column: run_id\n"
	    "        pointer: data\n");
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL, "a file with several errors fails the load");
	is_int(11, count_lines(err),
	    "  all eleven errors (decoding and semantic) reported in one go");
	if (asprintf(&want, "%s:12:3: unknown key 'crawl.colour'", path) == -1)
		abort();
	ok(has_line(err, want), "  the unknown key");
	free(want);
	if (asprintf(&want, "%s:2:14: store.keep_runs: 'zero' is not an integer",
	    path) == -1)
		abort();
	ok(has_line(err, want), "  the bad integer");
	free(want);
	if (asprintf(&want, "%s:3:14: store.retention: '30 days': missing unit "
	    "(ms, s, m, h or d)", path) == -1)
		abort();
	ok(has_line(err, want), "  the bad duration");
	free(want);
	if (asprintf(&want, "%s:5:11: http.listen: '9464' is not host:port "
	    "(no port)", path) == -1)
		abort();
	ok(has_line(err, want), "  the bad address");
	free(want);
	if (asprintf(&want, "%s:18:13: probes[0].method: 'PUT' is not one of "
	    "GET, POST", path) == -1)
		abort();
	ok(has_line(err, want), "  the bad enum with its choices");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("semantic.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: q\n"
	    "probes:\n"
	    "  - name: bad-name\n"
	    "    path: x\n"
	    "    values:\n"
	    "      - column: run_id\n"
	    "        pointer: data\n");
	cf = load(path, NULL, 0, &err);
	if (asprintf(&want, "%s:7:11: probes[0].name: 'bad-name' is not a valid "
	    "name (letters, digits, _)\n"
	    "%s:8:11: probes[0].path: must start with / (or be empty: the node url itself)\n"
	    "%s:10:17: probes[0].values[0].column: 'run_id' is reserved\n"
	    "%s:11:18: probes[0].values[0].pointer: 'data' is not a JSON "
	    "pointer\n", path, path, path, path) == -1)
		abort();
	is_str(want, err, "semantic checks carry file:line:col too");
	free(want);
	free(err);
	config_free(cf);

	path = write_conf("syntax.yaml",
	    "discovery:\n"
	    "  path: [d.db\n"
	    PROBE);
	cf = load(path, NULL, 0, &err);
	ok(cf == NULL && err != NULL && strncmp(err, path, strlen(path)) == 0 &&
	    err[strlen(path)] == ':' && count_lines(err) == 1,
	    "a YAML syntax error is one line starting with the file name");
	free(err);
	config_free(cf);

	cf = load("/nonexistent/vantage.yaml", NULL, 0, &err);
	is_str("/nonexistent/vantage.yaml: No such file or directory\n", err,
	    "a missing file is reported with strerror");
	free(err);
	config_free(cf);
}


static void
test_print(void)
{
	struct config	*cf, *cf2;
	char		*err, *p1, *p2 = NULL;
	const char	*path;

	path = write_conf("full.yaml",
	    "store:\n"
	    "  path: \"/var/lib/vantage: main.db\"\n"
	    "  retention: 0s\n"
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: |\n"
	    "    SELECT id AS node_id, url\n"
	    "    FROM nodes\n"
	    "\n"
	    "    WHERE up = 1\n"
	    "  tables:\n"
	    "    - name: users\n"
	    "      query: SELECT * FROM users\n"
	    "      indexes: [\"wallet\", \"primary_id, wallet\"]\n"
	    "crawl:\n"
	    "  max_response: 1536\n"
	    "  user_agent: \"it's \\\"quoted\\\"\\ttab\"\n"
	    "  timeout: 1m30s\n"
	    "queries:\n"
	    "  dir: q\n"
	    "probes:\n"
	    "  - name: clock\n"
	    "    method: POST\n"
	    "    path: /users/batch_clock_status\n"
	    "    items: SELECT wallet FROM users WHERE primary_id = :node_id\n"
	    "    body: '{\"walletPublicKeys\": {{items}}}'\n"
	    "    rows: /data/users\n"
	    "    key: /walletPublicKey\n"
	    "    values:\n"
	    "      - column: clock\n"
	    "        pointer: /clock\n"
	    "  - name: health\n"
	    "    path: /health_check\n"
	    "    values:\n"
	    "      - column: ok\n"
	    "        pointer: /data/healthy\n"
	    "        type: boolean\n");
	cf = load(path, NULL, 0, &err);
	ok(cf != NULL, "full config loads");
	is_str("", err, "  without errors");
	free(err);
	if (cf == NULL) {
		ok(0, "skipped: no config");
		ok(0, "skipped: no config");
		ok(0, "skipped: no config");
		ok(0, "skipped: no config");
		ok(0, "skipped: no config");
		return;
	}
	p1 = print_conf(cf);
	path = write_conf("printed.yaml", p1);
	cf2 = load(path, NULL, 0, &err);
	ok(cf2 != NULL, "config_print output loads again");
	is_str("", err, "  without errors");
	if (cf2 != NULL)
		p2 = print_conf(cf2);
	is_str(p1, p2, "  and prints the same text");
	ok(strstr(p1, "  max_response: 1536B\n") != NULL &&
	    strstr(p1, "  timeout: 1m30s\n") != NULL &&
	    strstr(p1, "  retention: 0s\n") != NULL &&
	    strstr(p1, "  concurrency: 32\n") != NULL,
	    "printed config shows normalized values and defaults");
	if (cf2 != NULL)
		ok(cf2->cf_nprobes == 2 && cf2->cf_probes[0].pc_method == 1 &&
		    strcmp(cf2->cf_probes[0].pc_body,
		    "{\"walletPublicKeys\": {{items}}}") == 0 &&
		    strcmp(cf2->cf_user_agent, "it's \"quoted\"\ttab") == 0 &&
		    strcmp(cf2->cf_store_path, "/var/lib/vantage: main.db") == 0 &&
		    cf2->cf_ntables == 1 && cf2->cf_tables[0].tc_nindexes == 2 &&
		    strcmp(cf2->cf_tables[0].tc_indexes[1],
		    "primary_id, wallet") == 0,
		    "  reloaded values equal the originals");
	else
		ok(0, "  reloaded values equal the originals");
	free(err);
	free(p1);
	free(p2);
	config_free(cf2);
	config_free(cf);
}

/* Load text, print, load the print, print again: are both prints equal? */
static int
round_trip(const char *name, const char *text, char **errp)
{
	struct config	*cf, *cf2 = NULL;
	char		*p1 = NULL, *p2 = NULL, *err2 = NULL, *name2;
	const char	*path;
	int		 same = 0;

	*errp = NULL;
	cf = load(write_conf(name, text), NULL, 0, errp);
	if (cf == NULL)
		return 0;
	free(*errp);
	p1 = print_conf(cf);
	if (asprintf(&name2, "printed-%s", name) == -1)
		abort();
	path = write_conf(name2, p1);
	free(name2);
	cf2 = load(path, NULL, 0, &err2);
	*errp = err2;
	if (cf2 != NULL) {
		p2 = print_conf(cf2);
		same = strcmp(p1, p2) == 0;
	}
	free(p1);
	free(p2);
	config_free(cf2);
	config_free(cf);
	return same;
}

/*
 * Values config_print must quote or mark: SQL whose first line is indented
 * (a plain "|" block takes its indentation from that line), and strings
 * with control characters or a tab at either end (plain scalars cannot
 * hold them).
 */
static void
test_print_awkward(void)
{
	char	*err;

	ok(round_trip("indented.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: \"  SELECT 1\\nFROM x\"\n"
	    "queries:\n"
	    "  dir: q\n" PROBE, &err),
	    "SQL whose first line is indented prints as loadable YAML");
	if (err != NULL && *err != '\0')
		printf("# %s", err);
	free(err);
	ok(round_trip("controls.yaml",
	    "discovery:\n"
	    "  path: \"\\td.db\"\n"
	    "  nodes: SELECT 1\n"
	    "crawl:\n"
	    "  user_agent: \"ua\\x01\\t\"\n"
	    "queries:\n"
	    "  dir: q\n" PROBE, &err),
	    "strings with control characters print as loadable YAML");
	if (err != NULL && *err != '\0')
		printf("# %s", err);
	free(err);
	/*
	 * Characters a YAML stream cannot hold raw (DEL, C1 controls, U+FFFE,
	 * U+FFFF) or reads as line breaks (NEL, U+2028, U+2029), from the
	 * escapes of a double-quoted string.
	 */
	ok(round_trip("unprintable.yaml",
	    "discovery:\n"
	    "  path: \"d\\x7f.db\"\n"
	    "  nodes: \"SELECT 1 -- \\x7f\\x85\\u2028\\nFROM x\"\n"
	    "crawl:\n"
	    "  user_agent: \"ua\\x80\\x9f\\uffff\\ufffe\\u2029 x\"\n"
	    "queries:\n"
	    "  dir: q\n" PROBE, &err),
	    "strings with DEL, C1 controls, line separators and non-characters "
	    "print as loadable YAML");
	if (err != NULL && *err != '\0')
		printf("# %s", err);
	free(err);
	/* probes: [] is refused, so no probes must print as no key. */
	ok(round_trip("noprobes.yaml",
	    "discovery:\n"
	    "  path: d.db\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: q\n", &err),
	    "a profile without probes prints as loadable YAML");
	if (err != NULL && *err != '\0')
		printf("# %s", err);
	free(err);
}

/* A K_SECRET prints with its password masked, the rest as it is. */
static void
test_print_secret(void)
{
	static const struct {
		const char	*dsn, *printed;
	} t[] = {
		{ "host=db password=s3cret user=u",
		    "  dsn: \"host=db password=*** user=u\"\n" },
		{ "host=db password = 's3cret \\'q\\' \\\\' port=5",
		    "  dsn: \"host=db password = *** port=5\"\n" },
		{ "postgresql://u:s3cret@db:5/d?password=s3cret&x=1",
		    "  dsn: \"postgresql://u:***@db:5/d?password=***&x=1\"\n" },
		{ "postgresql://u@db/d?old_password=1",
		    "  dsn: \"postgresql://u@db/d?old_password=1\"\n" },
		{ "dbname=audius", "  dsn: dbname=audius\n" }
	};
	struct config	*cf;
	const char	*path;
	char		*err, *text, *ov[1];
	size_t		 i;

	path = write_conf("secret.yaml",
	    "discovery:\n"
	    "  source: postgresql\n"
	    "  dsn: x\n"
	    "  nodes: SELECT 1\n"
	    "queries:\n"
	    "  dir: q\n");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xasprintf(&ov[0], "discovery.dsn=%s", t[i].dsn);
		cf = load(path, ov, 1, &err);
		text = cf != NULL ? print_conf(cf) : NULL;
		ok(text != NULL && strstr(text, t[i].printed) != NULL &&
		    strstr(text, "s3cret") == NULL,
		    "check -v masks the password: %s", t[i].dsn);
		if (text != NULL && strstr(text, t[i].printed) == NULL)
			printf("# %s", text);
		free(text);
		free(err);
		free(ov[0]);
		config_free(cf);
	}
}

static void
test_print_keys(void)
{
	char	*text = NULL;
	size_t	 len;
	FILE	*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	config_print_keys(f);
	fclose(f);
	ok(strstr(text, "\ncrawl.per_node\tinteger\t2\t") != NULL,
	    "config_print_keys lists crawl.per_node with type and default");
	ok(strstr(text, "\nprobes[].values[].pointer\tstring\trequired\t") != NULL,
	    "config_print_keys lists probes[].values[].pointer as required");
	ok(strstr(text, "\ncrawl.max_response\tsize\t16MiB\t") != NULL,
	    "config_print_keys lists crawl.max_response");
	ok(strstr(text, "\ndiscovery.tables[].indexes\tlist of strings\t-\t")
	    != NULL, "config_print_keys lists discovery.tables[].indexes");
	ok(strncmp(text, "store\tmapping\t-\t", 16) == 0,
	    "config_print_keys starts with the store section");
	ok(strstr(text, "\ndiscovery.path\tstring\trequired\t(source sqlite) ")
	    != NULL, "config_print_keys names the source kind of its keys");
	ok(strstr(text, "\ndiscovery.nodes[].url\tstring\trequired\t(source "
	    "static) ") != NULL, "  for each kind");
	ok(strstr(text, "\nhttp.request_timeout\tduration\t10s\t") != NULL,
	    "config_print_keys lists http.request_timeout");
	is_int(123, count_lines(text), "config_print_keys has one line per key");
	free(text);
}

int
main(void)
{
	size_t	i;

	plan(99);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-config") == -1)
		return 1;
	test_minimal();
	test_absolute_queries();
	test_overrides();
	test_errors();
	test_print();
	test_print_keys();
	test_print_secret();
	test_print_awkward();

	for (i = 0; i < nmade; i++) {
		unlink(made[i]);
		free(made[i]);
	}
	rmdir(tmpdir);
	return done_testing();
}
