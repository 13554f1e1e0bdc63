/* fuzz-negotiate.c -- libFuzzer harness: Accept and Accept-Encoding parsing */

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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "http.h"

/*
 * The input is an Accept header, a newline, an Accept-Encoding header
 * (a header value holds neither a newline nor a NUL; the input stops at
 * the first NUL).  Besides not crashing, two things that hold whatever a
 * header says: OpenMetrics named at q=1 after it is chosen, and gzip
 * refused before it is never used.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
concat(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);
	char	*s = malloc(la + lb + 1);

	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy, *accept, *ae, *nl, *s;
	enum expo_format f;
	int		 gz;

	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	accept = copy;
	if ((nl = strchr(copy, '\n')) != NULL) {
		*nl = '\0';
		ae = nl + 1;
		if ((nl = strchr(ae, '\n')) != NULL)
			*nl = '\0';
	} else
		ae = copy + strlen(copy);

	f = http_negotiate_format(accept);
	if (f != EXPO_TEXT && f != EXPO_OPENMETRICS)
		abort();
	gz = http_accepts_gzip(ae);
	if (gz != 0 && gz != 1)
		abort();

	s = concat(accept, ",application/openmetrics-text");
	if (http_negotiate_format(s) != EXPO_OPENMETRICS) {
		fprintf(stderr, "Accept: %s\nnot OpenMetrics\n", s);
		abort();
	}
	free(s);
	s = concat("gzip;q=0,", ae);
	if (http_accepts_gzip(s) != 0) {
		fprintf(stderr, "Accept-Encoding: %s\ngzip accepted\n", s);
		abort();
	}
	free(s);
	free(copy);
	return 0;
}
