/* completion.c -- shell completion, generated from the command and key tables */

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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "completion.h"
#include "conf.h"
#include "sqlout.h"
#include "xmalloc.h"

/* The commands of main.c and the options each takes after it. */
static const struct {
	const char	*c_name;
	const char	*c_options;	/* words; "@sql" adds the output modes */
	const char	*c_args;	/* words completing its argument */
} commands[] = {
	{ "check", "--keys", NULL },
	{ "once", NULL, NULL },
	{ "serve", NULL, NULL },
	{ "metrics", "--openmetrics", NULL },
	{ "sql", "@sql --mode --timeout -f", NULL },
	{ "version", NULL, NULL },
	{ "completion", NULL, "bash" },
};

/* Options before the command; those taking a value in takes_value. */
static const char global_options[] = "-c -D -v -vv -h --help";
static const char takes_value[] = "-c|-D|-f|--mode|--timeout";

/*
 * The -D words of the key tables: each key that holds a value, as
 * "name=", a list's entries by index ("probes.0.name="); and each kind
 * key with the kinds it takes ("discovery.source sqlite").  The key table
 * prints "name<TAB>type<TAB>default<TAB>help", the help starting with
 * "(source NAME) " for the keys of one kind.
 */
static void
key_words(struct buf *keys, struct buf *kinds)
{
	char		*text = NULL, *line, *next, *f[4], *p, *end, *word;
	char		*kindkeys[16];
	size_t		 len = 0, i, nkindkeys = 0, best, plen;
	FILE		*mf;

	if ((mf = open_memstream(&text, &len)) == NULL)
		return;
	config_print_keys(mf);
	fclose(mf);
	buf_puts(keys, " ");
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (i = 0, p = line; i < 4 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (i < 4)
			continue;
		/* probes[].values[].column -> probes.0.values.0.column */
		while ((p = strstr(f[0], "[]")) != NULL) {
			p[0] = '.';
			p[1] = '0';
		}
		if (strcmp(f[1], "kind") == 0 &&
		    nkindkeys < sizeof(kindkeys) / sizeof(kindkeys[0]))
			kindkeys[nkindkeys++] = f[0];
		if (strcmp(f[1], "mapping") != 0) {
			xasprintf(&word, " %s= ", f[0]);
			if (strstr(keys->b_data, word) == NULL)
				buf_puts(keys, word + 1);
			free(word);
		}
		/*
		 * "(source consul) ...": a key of one kind; the kind key is
		 * the nearest one named source above this key.
		 */
		if (f[3][0] != '(' || (end = strchr(f[3], ')')) == NULL ||
		    (p = memchr(f[3], ' ', end - f[3])) == NULL)
			continue;
		*end = '\0';
		*p++ = '\0';
		for (i = 0, best = nkindkeys; i < nkindkeys; i++) {
			word = strrchr(kindkeys[i], '.');
			plen = word != NULL ? (size_t)(word - kindkeys[i]) : 0;
			if (strcmp(word != NULL ? word + 1 : kindkeys[i],
			    f[3] + 1) == 0 && strncmp(f[0], kindkeys[i],
			    plen) == 0 && (best == nkindkeys ||
			    plen > strlen(kindkeys[best])))
				best = i;
		}
		if (best < nkindkeys)
			buf_printf(kinds, "\n\t%s) echo %s ;;&",
			    kindkeys[best], p);
	}
	free(text);
}

/* Keep each line of a case list once (a kind has many keys). */
static void
dedupe_lines(struct buf *b)
{
	struct buf	 out;
	char		*s, *line, *next;

	buf_init(&out, 0);
	s = buf_take(b, NULL);
	for (line = s; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line + 1, '\n')) != NULL)
			*next = '\0';
		if (out.b_data == NULL || strstr(out.b_data, line) == NULL)
			buf_puts(&out, line);
		if (next != NULL)
			*next = '\n';
	}
	free(s);
	buf_init(b, 0);
	if (out.b_len > 0)
		buf_add(b, out.b_data, out.b_len);
	buf_release(&out);
}

int
completion_bash(FILE *f)
{
	struct buf	 keys, kinds, cmds, opts;
	const char	*m;
	size_t		 i;
	int		 mode;

	buf_init(&keys, 0);
	buf_init(&kinds, 0);
	buf_init(&cmds, 0);
	buf_init(&opts, 0);
	key_words(&keys, &kinds);
	dedupe_lines(&kinds);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		buf_printf(&cmds, "%s%s", i ? " " : "", commands[i].c_name);
		buf_printf(&opts, "\n\t%s) opts='", commands[i].c_name);
		if (commands[i].c_options != NULL &&
		    strncmp(commands[i].c_options, "@sql", 4) == 0) {
			for (mode = 0; (m = sqlout_mode_name(mode)) != NULL;
			    mode++)
				buf_printf(&opts, "--%s ", m);
			buf_puts(&opts, commands[i].c_options + 5);
		} else if (commands[i].c_options != NULL)
			buf_puts(&opts, commands[i].c_options);
		buf_printf(&opts, "' args='%s' ;;", commands[i].c_args ?
		    commands[i].c_args : "");
	}
	buf_puts(&opts, "");
	buf_puts(&kinds, "");
	buf_puts(&keys, "");

	fprintf(f,
"# bash completion for vantage(1), generated by `vantage completion bash`\n"
"# from its command table and configuration key tables.\n"
"\n"
"_vantage_kinds()\n"
"{\n"
"\tcase $1 in%s\n"
"\tesac\n"
"}\n"
"\n"
"_vantage()\n"
"{\n"
"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
"\tlocal keys='%s'\n"
"\tlocal i cmd= key opts= args=\n"
"\n"
"\tCOMPREPLY=()\n"
"\t# -D key=value: bash splits the word at '='.\n"
"\tif [ \"$prev\" = = ] && [ $COMP_CWORD -ge 3 ]; then\n"
"\t\tkey=${COMP_WORDS[COMP_CWORD-2]}\n"
"\t\tkey=${key#-D}\n"
"\t\tCOMPREPLY=($(compgen -W \"$(_vantage_kinds \"$key\")\" -- \"$cur\"))\n"
"\t\t[ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
"\t\treturn 0\n"
"\tfi\n"
"\tcase $prev in\n"
"\t-c|-f) COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n"
"\t-D) compopt -o nospace 2>/dev/null\n"
"\t    COMPREPLY=($(compgen -W \"$keys\" -- \"$cur\")); return 0 ;;\n"
"\t--mode) COMPREPLY=($(compgen -W \"",
	    kinds.b_data, keys.b_data + (keys.b_len > 0));
	for (mode = 0; (m = sqlout_mode_name(mode)) != NULL; mode++)
		fprintf(f, "%s%s", mode ? " " : "", m);
	fprintf(f, "\" -- \"$cur\")); return 0 ;;\n"
"\t--timeout) return 0 ;;\n"
"\tesac\n"
"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
"\t\tcase ${COMP_WORDS[i]} in\n"
"\t\t%s) ((i++)) ;;\n"
"\t\t-*) ;;\n"
"\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
"\t\tesac\n"
"\tdone\n"
"\tcase $cmd in%s\n"
"\tesac\n"
"\tif [[ $cur == -* ]]; then\n"
"\t\tCOMPREPLY=($(compgen -W \"%s $opts\" -- \"$cur\"))\n"
"\telif [ -z \"$cmd\" ]; then\n"
"\t\tCOMPREPLY=($(compgen -W '%s' -- \"$cur\"))\n"
"\telse\n"
"\t\tCOMPREPLY=($(compgen -W \"$args\" -- \"$cur\"))\n"
"\tfi\n"
"\treturn 0\n"
"}\n"
"complete -F _vantage vantage\n",
	    takes_value, opts.b_data, global_options, cmds.b_data);
	buf_release(&keys);
	buf_release(&kinds);
	buf_release(&cmds);
	buf_release(&opts);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
