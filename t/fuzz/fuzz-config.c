/* fuzz-config.c -- libFuzzer harness: config_load on YAML and -D overrides */

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

#include <crypt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"

/*
 * The input is a configuration file, then any number of -D overrides,
 * each after a NUL byte:  "store:\n  path: x.db\n\0crawl.retries=3\0...".
 * The file is written to a memfd and loaded by its /proc path, as
 * vantage -c would load it.  A configuration that loads must print (as
 * check -v does) to a text that loads again and prints the same.
 */

#define MAX_OVERRIDES	16

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 memfd = -1;
static char	 path[64];
static FILE	*devnull;

/*
 * config_check tries each basic_auth hash with crypt_r, and a hash may
 * ask for any cost ($2b$31$ is hours).  This stand-in, which the harness
 * links ahead of libcrypt, answers at once: a well-formed "$id$..." of a
 * known method is accepted, anything else refused as crypt(3) refuses.
 */
char *
crypt_r(const char *phrase, const char *setting, struct crypt_data *cd)
{
	static const char *const ids[] = { "$2b$", "$2y$", "$y$", "$6$",
	    "$5$", NULL };
	size_t	i;

	(void)phrase;
	for (i = 0; ids[i] != NULL; i++)
		if (strncmp(setting, ids[i], strlen(ids[i])) == 0 &&
		    strlen(setting) < sizeof(cd->output)) {
			strcpy(cd->output, setting);
			return cd->output;
		}
	strcpy(cd->output, "*0");
	return cd->output;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((memfd = memfd_create("fuzz-config.yaml", 0)) == -1) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		exit(1);
	}
	return 0;
}

static void
put_file(const char *text, size_t len)
{
	if (ftruncate(memfd, 0) == -1 ||
	    (len > 0 && pwrite(memfd, text, len, 0) != (ssize_t)len)) {
		perror("memfd");
		abort();
	}
}

/* The configuration as check -v prints it; the caller frees it. */
static char *
print(const struct config *cf, size_t *lenp)
{
	char	*s = NULL;
	FILE	*f;

	if ((f = open_memstream(&s, lenp)) == NULL)
		abort();
	config_print(cf, f);
	fclose(f);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy, *ov[MAX_OVERRIDES], *p, *end, *text, *again;
	size_t		 nov = 0, flen, tlen, alen;
	struct config	*cf, *cf2;

	/* A copy with a NUL after it, so the last part is a string too. */
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	p = memchr(copy, '\0', size + 1);
	flen = p - copy;
	for (p++; p < end && nov < MAX_OVERRIDES; p += strlen(p) + 1)
		ov[nov++] = p;

	put_file(copy, flen);
	cf = config_load(path, ov, nov, devnull);
	if (cf != NULL) {
		text = print(cf, &tlen);
		put_file(text, tlen);
		if ((cf2 = config_load(path, NULL, 0, stderr)) == NULL) {
			fprintf(stderr, "printed configuration does not load:\n"
			    "%s\n", text);
			abort();
		}
		again = print(cf2, &alen);
		if (alen != tlen || memcmp(again, text, tlen) != 0) {
			fprintf(stderr, "printed configuration prints "
			    "differently:\n%s\n---\n%s\n", text, again);
			abort();
		}
		free(again);
		free(text);
		config_free(cf2);
	}
	config_free(cf);
	free(copy);
	return 0;
}
