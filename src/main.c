/* main.c -- the vantage command: parse argv, dispatch subcommands */

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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "buf.h"
#include "completion.h"
#include "conf.h"
#include "expo.h"
#include "log.h"
#include "remotewrite.h"
#include "progress.h"
#include "run.h"
#include "sqlout.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

static volatile sig_atomic_t stop_flag, reload_flag;

struct args {
	const char	*a_config;
	char		**a_overrides;
	size_t		 a_noverrides;
	int		 a_verbose;
	int		 a_mode;		/* sql: enum sqlout_mode, -1 by the terminal */
	const char	*a_file;	/* sql -f: the query's file, "-" stdin */
	int		 a_keys;	/* check --keys */
	int		 a_openmetrics;	/* metrics --openmetrics */
	long		 a_timeout_ms;	/* sql --timeout: one statement */
	const char	*a_others;	/* queries.others of the config */
	char		**a_rest;	/* positional arguments after the command */
	size_t		 a_nrest;
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f,
"usage: vantage [-v] [-c FILE] [-D key=value]... COMMAND [ARGS]\n"
"\n"
"commands:\n"
"  check [--keys]     validate the configuration and queries; -v prints it\n"
"                     normalized, --keys lists every known key\n"
"  once               one run; exits 0 only if the run completed\n"
"  serve              a run every schedule.interval, metrics over HTTP\n"
"  metrics [--openmetrics]\n"
"                     print the exposition of the latest complete run\n"
"  sql [--table|--box|--markdown|--csv|--json|--line|--mode MODE]\n"
"      [--timeout DURATION] QUERY | -f FILE | -\n"
"                     read-only SQL on the store (works while serve runs);\n"
"                     the query from FILE, or from stdin with - or -f -\n"
"  version            print the version\n"
"  completion bash    print the bash completion script\n"
"\n"
"options:\n"
"  -c FILE            configuration (default %s)\n"
"  -D key=value       override a configuration key, e.g. -D crawl.timeout=5s\n"
"  -v                 more logging (-vv more still)\n"
"  -h                 this help\n", config_default_path());
	exit(status);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else
		stop_flag = 1;
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
parse_args(int argc, char **argv, struct args *a, const char **cmd)
{
	int	i;

	*cmd = NULL;
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)
			usage(0);
		else if (strcmp(s, "-c") == 0) {
			if (++i == argc)
				usage(2);
			a->a_config = argv[i];
		} else if (strcmp(s, "-D") == 0 || strncmp(s, "-D", 2) == 0) {
			const char *ov = s[2] ? s + 2 : (++i < argc ? argv[i] :
			    NULL);
			if (ov == NULL)
				usage(2);
			a->a_overrides = xreallocarray(a->a_overrides,
			    a->a_noverrides + 1, sizeof(char *));
			a->a_overrides[a->a_noverrides++] = (char *)ov;
		} else if (s[0] == '-' && s[1] == 'v' &&
		    strspn(s + 1, "v") == strlen(s + 1))
			a->a_verbose += strlen(s + 1);
		else if (strncmp(s, "--", 2) == 0 && sqlout_mode_parse(s + 2) !=
		    -1)
			a->a_mode = sqlout_mode_parse(s + 2);
		else if (strcmp(s, "--mode") == 0) {
			if (++i == argc)
				usage(2);
			if ((a->a_mode = sqlout_mode_parse(argv[i])) == -1) {
				fprintf(stderr, "vantage: --mode '%s': not one of "
				    "table, box, markdown, csv, json, line\n",
				    argv[i]);
				exit(2);
			}
		} else if (strcmp(s, "-f") == 0) {
			if (++i == argc)
				usage(2);
			a->a_file = argv[i];
		}
		else if (strcmp(s, "--keys") == 0)
			a->a_keys = 1;
		else if (strcmp(s, "--openmetrics") == 0)
			a->a_openmetrics = 1;
		else if (strcmp(s, "--timeout") == 0) {
			int64_t		 ms;
			const char	*why;

			if (++i == argc)
				usage(2);
			if (parse_duration(argv[i], &ms, &why) == -1 ||
			    ms > 86400000) {
				fprintf(stderr, "vantage: --timeout '%s': %s\n",
				    argv[i], ms > 86400000 ? "at most 1d" : why);
				exit(2);
			}
			a->a_timeout_ms = ms;
		}
		else if (strcmp(s, "--") == 0) {
			for (i++; i < argc; i++) {
				a->a_rest = xreallocarray(a->a_rest,
				    a->a_nrest + 1, sizeof(char *));
				a->a_rest[a->a_nrest++] = argv[i];
			}
		} else if (s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "vantage: unknown option '%s'\n", s);
			usage(2);
		} else if (*cmd == NULL)
			*cmd = s;
		else {
			a->a_rest = xreallocarray(a->a_rest, a->a_nrest + 1,
			    sizeof(char *));
			a->a_rest[a->a_nrest++] = argv[i];
		}
	}
	if (*cmd == NULL)
		usage(2);
}

static struct config *
load(struct args *a)
{
	struct config	*cf;

	cf = config_load(a->a_config, a->a_overrides, a->a_noverrides, stderr);
	if (cf == NULL)
		fprintf(stderr, "vantage: %s: configuration has errors\n",
		    a->a_config ? a->a_config : config_default_path());
	return cf;
}

static int
cmd_check(struct args *a)
{
	struct config	*cf;
	struct queryset	 qs;

	if (a->a_keys) {
		config_print_keys(stdout);
		return 0;
	}
	if ((cf = load(a)) == NULL)
		return 1;
	if (query_load(cf->cf_queries_path, cf->cf_queries_at, &qs, stderr) == -1) {
		config_free(cf);
		return 1;
	}
	queryset_release(&qs);
	if (a->a_verbose)
		config_print(cf, stdout);
	else
		printf("configuration OK\n");
	config_free(cf);
	return 0;
}

/* once and serve: load, take the signals, open the store, then act. */
static int
cmd_run(struct args *a, int serve)
{
	struct config	*cf;
	struct runner	 ru;
	int		 rc;

	if ((cf = load(a)) == NULL)
		return 1;
	signals();
	if (runner_init(&ru, cf, &stop_flag, stderr) == -1) {
		runner_release(&ru);
		return 1;
	}
	if (serve)
		rc = run_serve(&ru, &reload_flag, a->a_overrides,
		    a->a_noverrides);
	else {
		progress_start(stderr);
		rc = run_once(&ru);
		progress_end();
		/* What the receiver does not take now waits for the next run. */
		remote_write_flush(ru.ru_rw, ru.ru_st, now_mono() +
		    ru.ru_cf->cf_rw_timeout_ms / 1000.0, &stop_flag);
	}
	runner_release(&ru);
	return rc == 0 ? 0 : 1;
}

static struct store *
open_readonly(struct args *a)
{
	struct config	*cf;
	struct store	*st;
	static char	 others[256];
	char		*cause;

	if ((cf = load(a)) == NULL)
		return NULL;
	if (access(cf->cf_store_path, F_OK) == -1) {
		fprintf(stderr, "vantage: %s: no store yet (run 'vantage once' "
		    "or 'vantage serve' first)\n", cf->cf_store_path);
		config_free(cf);
		return NULL;
	}
	if ((st = store_open_reader(cf->cf_store_path, a->a_timeout_ms,
	    &cause)) == NULL) {
		fprintf(stderr, "vantage: store: %s\n", cause);
		free(cause);
	}
	snprintf(others, sizeof(others), "%s", cf->cf_others);
	a->a_others = others;
	config_free(cf);
	return st;
}

static int
cmd_metrics(struct args *a)
{
	struct store	*st;
	char		*text;
	size_t		 len;

	if ((st = open_readonly(a)) == NULL)
		return 1;
	text = expo_render(st, store_latest_complete(st), a->a_openmetrics ?
	    EXPO_OPENMETRICS : EXPO_TEXT, a->a_others, NULL, &len);
	store_close(st);
	if (text == NULL)
		return 1;
	fwrite(text, 1, len, stdout);
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}

#define SQL_FILE_MAX	(1024 * 1024)

/*
 * The query: the argument, or the text of -f FILE, or stdin for "-".
 * NULL with *status 2 for a usage error, 1 for a file that cannot be read.
 */
static char *
sql_text(struct args *a, int *status)
{
	const char	*path = a->a_file;
	char		*text;

	if ((path == NULL) == (a->a_nrest != 1)) {
		fprintf(stderr, "vantage: sql takes one QUERY argument, "
		    "-f FILE or -\n");
		*status = 2;
		return NULL;
	}
	if (path == NULL && strcmp(a->a_rest[0], "-") != 0)
		return xstrdup(a->a_rest[0]);
	if (path == NULL || strcmp(path, "-") == 0)
		path = "/dev/stdin";
	if ((text = read_file(path, SQL_FILE_MAX, NULL)) == NULL)
		fprintf(stderr, "vantage: sql: %s: %s\n", path,
		    errno == EFBIG ? "larger than 1MiB" : strerror(errno));
	*status = 1;
	return text;
}

static int
cmd_sql(struct args *a)
{
	struct store	*st;
	sqlite3_stmt	*q = NULL;
	const char	*tail;
	char		*cause, *text, dur[32];
	int		 rc = 1, mode = a->a_mode;

	if ((text = sql_text(a, &rc)) == NULL)
		return rc;
	rc = 1;
	if ((st = open_readonly(a)) == NULL) {
		free(text);
		return 1;
	}
	if (mode == -1)
		mode = isatty(STDOUT_FILENO) ? SQLOUT_TABLE : SQLOUT_CSV;
	tail = text;
	if (store_prepare_next(st, &tail, &q, &cause) == -1) {
		fprintf(stderr, "vantage: sql: %s\n", cause);
		free(cause);
		goto out;
	}
	if (q == NULL) {
		fprintf(stderr, "vantage: sql: the query is empty\n");
		goto out;
	}
	if (strspn(tail, " \t\r\n;") != strlen(tail)) {
		fprintf(stderr, "vantage: sql: give one statement at a time\n");
		goto out;
	}
	if (!sqlite3_stmt_readonly(q)) {
		fprintf(stderr, "vantage: sql: the store is read-only here; "
		    "only queries are allowed\n");
		goto out;
	}
	if (sqlout_print(stdout, q, mode) == -1) {
		fflush(stdout);
		if (store_timed_out(st))
			fprintf(stderr, "vantage: sql: interrupted: the query "
			    "ran longer than --timeout %s\n", fmt_duration(
			    a->a_timeout_ms, dur, sizeof(dur)));
		else
			fprintf(stderr, "vantage: sql: %s\n", store_errmsg(st));
		goto out;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "vantage: sql: standard output: %s\n",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	store_close(st);
	free(text);
	return rc;
}

static int
cmd_completion(struct args *a)
{
	if (a->a_nrest != 1 || strcmp(a->a_rest[0], "bash") != 0) {
		fprintf(stderr, "vantage: completion: give the shell: "
		    "vantage completion bash\n");
		return 2;
	}
	if (completion_bash(stdout) == -1) {
		fprintf(stderr, "vantage: completion: standard output: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct args	 a;
	const char	*cmd;
	int		 rc;

	memset(&a, 0, sizeof(a));
	a.a_timeout_ms = 30000;
	a.a_mode = -1;
	answer_init();
	parse_args(argc, argv, &a, &cmd);
	log_init("vantage", a.a_verbose);
	if (strcmp(cmd, "check") == 0)
		rc = cmd_check(&a);
	else if (strcmp(cmd, "once") == 0)
		rc = cmd_run(&a, 0);
	else if (strcmp(cmd, "serve") == 0)
		rc = cmd_run(&a, 1);
	else if (strcmp(cmd, "metrics") == 0)
		rc = cmd_metrics(&a);
	else if (strcmp(cmd, "sql") == 0)
		rc = cmd_sql(&a);
	else if (strcmp(cmd, "version") == 0) {
		printf("vantage %s\n", PACKAGE_VERSION);
		rc = 0;
	} else if (strcmp(cmd, "completion") == 0)
		rc = cmd_completion(&a);
	else {
		fprintf(stderr, "vantage: unknown command '%s'\n", cmd);
		usage(2);
	}
	free(a.a_overrides);
	free(a.a_rest);
	return rc;
}
