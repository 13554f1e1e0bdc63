/* util.c -- small helpers shared by every module */

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

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xmalloc.h"

double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long
peak_rss_kib(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return ru.ru_maxrss;
}

double
cpu_now(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int
parse_duration(const char *s, int64_t *msp, const char **errp)
{
	static const struct {
		const char	*name;
		int64_t		 ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	int64_t	total = 0, n;
	size_t	i, ulen;
	const char *p = s;

	if (*p == '\0') {
		*errp = "empty duration";
		return -1;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p)) {
			*errp = "expected a number with a unit such as 500ms, 10s, 5m, 1h";
			return -1;
		}
		n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n > (INT64_MAX / 10) - 10) {
				*errp = "duration too large";
				return -1;
			}
			n = n * 10 + (*p++ - '0');
		}
		ulen = 0;
		while (isalpha((unsigned char)p[ulen]))
			ulen++;
		if (ulen == 0) {
			*errp = "missing unit (ms, s, m, h or d)";
			return -1;
		}
		for (i = 0; i < nitems(units); i++)
			if (strlen(units[i].name) == ulen &&
			    strncmp(p, units[i].name, ulen) == 0)
				break;
		if (i == nitems(units)) {
			*errp = "unknown unit (use ms, s, m, h or d)";
			return -1;
		}
		if (n > (INT64_MAX / units[i].ms) / 2 ||
		    n * units[i].ms > INT64_MAX / 2 - total) {
			*errp = "duration too large";
			return -1;
		}
		total += n * units[i].ms;
		p += ulen;
	}
	*msp = total;
	return 0;
}

int
parse_size(const char *s, int64_t *bytesp, const char **errp)
{
	static const struct {
		const char	*name;
		int64_t		 mul;
	} units[] = {
		{ "", 1 }, { "B", 1 }, { "k", 1024 }, { "KiB", 1024 },
		{ "M", 1048576 }, { "MiB", 1048576 },
		{ "G", 1073741824 }, { "GiB", 1073741824 },
	};
	int64_t	n = 0;
	size_t	i;
	const char *p = s;

	if (!isdigit((unsigned char)*p)) {
		*errp = "expected a size such as 512KiB, 64MiB";
		return -1;
	}
	while (isdigit((unsigned char)*p)) {
		if (n > (INT64_MAX / 10) - 10) {
			*errp = "size too large";
			return -1;
		}
		n = n * 10 + (*p++ - '0');
	}
	for (i = 0; i < nitems(units); i++)
		if (strcmp(p, units[i].name) == 0)
			break;
	if (i == nitems(units)) {
		*errp = "unknown size unit (use B, KiB, MiB or GiB)";
		return -1;
	}
	if (n > INT64_MAX / units[i].mul / 2) {
		*errp = "size too large";
		return -1;
	}
	*bytesp = n * units[i].mul;
	return 0;
}

const char *
fmt_duration(int64_t ms, char *out, size_t outsz)
{
	static const struct {
		const char	*name;
		int64_t		 ms;
	} units[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 },
		{ "s", 1000 }, { "ms", 1 },
	};
	size_t	i, len = 0;

	if (ms <= 0) {
		snprintf(out, outsz, ms == 0 ? "0s" : "-");
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < nitems(units) && ms > 0 && len < outsz; i++) {
		if (ms < units[i].ms)
			continue;
		len += snprintf(out + len, outsz - len,
		    "%" PRId64 "%s", ms / units[i].ms, units[i].name);
		ms %= units[i].ms;
	}
	return out;
}

const char *
fmt_size(int64_t n, char *out, size_t outsz)
{
	if (n != 0 && n % 1073741824 == 0)
		snprintf(out, outsz, "%" PRId64 "GiB", n / 1073741824);
	else if (n != 0 && n % 1048576 == 0)
		snprintf(out, outsz, "%" PRId64 "MiB", n / 1048576);
	else if (n != 0 && n % 1024 == 0)
		snprintf(out, outsz, "%" PRId64 "KiB", n / 1024);
	else
		snprintf(out, outsz, "%" PRId64 "B", n);
	return out;
}

int
valid_ident(const char *s)
{
	size_t	i;

	if (s == NULL || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return i <= 64;
}

int
valid_metric_name(const char *s)
{
	size_t	i;

	if (s == NULL || !(isalpha((unsigned char)s[0]) || s[0] == '_' ||
	    s[0] == ':'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    s[i] == ':'))
			return 0;
	return 1;
}

int
valid_label_name(const char *s)
{
	size_t	i;

	if (s == NULL || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	if (s[0] == '_' && s[1] == '_')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

char *
read_file(const char *path, size_t cap, size_t *lenp)
{
	int	fd;
	char	*data = NULL;
	size_t	len = 0, size = 0;
	ssize_t	n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len + 1 >= size) {
			size = size == 0 ? 4096 : size * 2;
			data = xreallocarray(data, size, 1);
		}
		n = read(fd, data + len, size - len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
		if (len > cap) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	data[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return data;
fail:
	n = errno;
	close(fd);
	free(data);
	errno = n;
	return NULL;
}

double
rand_unit(void)
{
	static uint64_t	state;

	if (state == 0)
		state = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^
		    0x9e3779b97f4a7c15ULL;
	/* xorshift64* */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return ((state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t
fnv1a32(const char *s, size_t len)
{
	uint32_t	h = 2166136261U;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619U;
	}
	return h;
}

uint64_t
hash_words(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ len, w;
	size_t		 i;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, sizeof(w));
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	for (w = 0, i = 0; i < len; i++)
		w |= (uint64_t)s[i] << (8 * i);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

void
strindex_init(struct strindex *si, char *const *strs, size_t n)
{
	strindex_init_len(si, strs, NULL, n);
}

/* String i of strs, lens (NULL: NUL-terminated) giving its length. */
#define STR_LEN(strs, lens, i)	((lens) != NULL ? (size_t)(lens)[i] : \
	strlen((strs)[i]))

void
strindex_init_len(struct strindex *si, char *const *strs,
    const uint32_t *lens, size_t n)
{
	size_t	size = 16, i, h, len;

	while (size < n * 2)
		size *= 2;
	si->si_slot = xreallocarray(NULL, size, sizeof(*si->si_slot));
	memset(si->si_slot, 0xff, size * sizeof(*si->si_slot));
	si->si_mask = size - 1;
	si->si_n = n;
	si->si_dups = 0;
	for (i = 0; i < n; i++) {
		len = STR_LEN(strs, lens, i);
		h = hash_words(strs[i], len) & si->si_mask;
		while (si->si_slot[h] != -1) {
			if (STR_LEN(strs, lens, si->si_slot[h]) == len &&
			    memcmp(strs[si->si_slot[h]], strs[i], len) == 0) {
				si->si_dups = 1;
				break;	/* a duplicate: the first one stays */
			}
			h = (h + 1) & si->si_mask;
		}
		if (si->si_slot[h] == -1)
			si->si_slot[h] = i;
	}
}

int32_t
strindex_find(const struct strindex *si, char *const *strs, const char *s,
    size_t len)
{
	return strindex_find_len(si, strs, NULL, s, len);
}

int32_t
strindex_find_len(const struct strindex *si, char *const *strs,
    const uint32_t *lens, const char *s, size_t len)
{
	size_t	h = hash_words(s, len) & si->si_mask;

	while (si->si_slot[h] != -1) {
		if (STR_LEN(strs, lens, si->si_slot[h]) == len &&
		    memcmp(strs[si->si_slot[h]], s, len) == 0)
			return si->si_slot[h];
		h = (h + 1) & si->si_mask;
	}
	return -1;
}

int32_t
strindex_find_at(const struct strindex *si, char *const *strs,
    const uint32_t *lens, const char *s, size_t len, size_t guess)
{
	/* Without duplicates the string found is the only one equal. */
	if (!si->si_dups && guess < si->si_n &&
	    STR_LEN(strs, lens, guess) == len &&
	    memcmp(strs[guess], s, len) == 0)
		return (int32_t)guess;
	return strindex_find_len(si, strs, lens, s, len);
}

void
strindex_release(struct strindex *si)
{
	free(si->si_slot);
	si->si_slot = NULL;
	si->si_mask = 0;
}

int
int_real_cmp(int64_t i, double d)
{
	int64_t	t;
	double	s;

	if (isnan(d) || d < -0x1p63)
		return 1;
	if (d >= 0x1p63)
		return -1;
	t = (int64_t)d;		/* d toward zero, which an int64 holds */
	if (i != t)
		return (i > t) - (i < t);
	s = (double)i;
	return (s > d) - (s < d);
}

int
real_int_value(double d, int64_t *vp)
{
	if (!(d >= -0x1p63 && d < 0x1p63) || d != (double)(int64_t)d)
		return 0;
	*vp = (int64_t)d;
	return 1;
}

uint64_t
fnv1a64(const char *s, size_t len)
{
	uint64_t	h = 14695981039346656037ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	unsigned int cp;
	int	n, i;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		if (end - p <= n)
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/*
 * Up to 40 bytes of untrusted text for a message, in quotes: printable
 * ASCII as is, every other byte as \xNN, and "..." when cut.
 */
const char *
str_quote(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	i, o = 0;

	out[o++] = '\'';
	for (i = 0; i < len && i < 40 && o + 8 < outsz; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			out[o++] = s[i];
		else
			o += snprintf(out + o, outsz - o, "\\x%02x",
			    (unsigned char)s[i]);
	}
	out[o++] = '\'';
	out[o] = '\0';
	if (i < len)
		snprintf(out + o, outsz - o, "...");
	return out;
}
