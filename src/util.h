/* util.h -- small helpers shared by every module */

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

#ifndef VANTAGE_UTIL_H
#define VANTAGE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Wall-clock and monotonic time in seconds. */
double	now_real(void);
double	now_mono(void);
/* CPU seconds (user + system) the process has used so far. */
double	cpu_now(void);
/* The process's peak resident set so far, in KiB. */
long	peak_rss_kib(void);

/*
 * Durations: an integer with a unit, ms s m h d, optionally repeated
 * ("1m30s").  Returns 0 and milliseconds in *msp, or -1 with a reason in
 * *errp (a static string).
 */
int	parse_duration(const char *, int64_t *msp, const char **errp);
/* Sizes: an integer with an optional unit B KiB MiB GiB (or k M G). */
int	parse_size(const char *, int64_t *bytesp, const char **errp);
/* Render ms as the shortest exact duration ("1h30m", "500ms") into out. */
const char *fmt_duration(int64_t ms, char *out, size_t outsz);
const char *fmt_size(int64_t bytes, char *out, size_t outsz);
/* An SQL identifier we accept for table and column names from config. */
int	valid_ident(const char *);
/* A Prometheus metric / label name in the legacy charset. */
int	valid_metric_name(const char *);
int	valid_label_name(const char *);
/* Read a whole file (bounded by cap bytes); caller frees. NULL and errno. */
char	*read_file(const char *path, size_t cap, size_t *lenp);
/* Uniform random double in [0,1) from a process-local generator. */
double	rand_unit(void);
/*
 * Numbers as SQLite compares them: an integer against a real exactly
 * (-1, 0, 1; past 2^53 a double cast would make 2^53 + 1 equal 2^53),
 * a NaN, which SQLite never stores, below every integer; and whether a real is an integer an int64 holds
 * (-2^63 up to, not including, 2^63), with that integer in *vp.
 */
int	int_real_cmp(int64_t, double);
int	real_int_value(double, int64_t *vp);
/*
 * A hash of len bytes, eight at a time, each word mixed in by a multiply
 * and a shift, every bit of the result depending on every byte: for hash
 * tables keyed by many short strings (four times fewer steps than FNV-1a
 * over 42-byte wallets).
 */
uint64_t hash_words(const void *, size_t len);
/*
 * Ask the CPU to bring p into its cache; loops over scattered rows ask
 * this many rows ahead, about the misses one row's work hides.
 */
#if defined(__GNUC__)
#define PREFETCH(p)	__builtin_prefetch(p)
#else
#define PREFETCH(p)	((void)(p))
#endif
#define PREFETCH_AHEAD	8
/* FNV-1a hashes of len bytes. */
uint32_t fnv1a32(const char *s, size_t len);
uint64_t fnv1a64(const char *s, size_t len);
/*
 * An index of n strings by content, for lookups in O(1): each string is
 * found at the index of its first occurrence.  The strings are borrowed
 * and must outlive the index.
 */
struct strindex {
	int32_t	*si_slot;	/* string index or -1 */
	size_t	 si_mask;
	size_t	 si_n;		/* strings */
	int	 si_dups;	/* two of them are equal */
};
void	strindex_init(struct strindex *, char *const *strs, size_t n);
/* The index of the first string equal to the len bytes at s, or -1. */
int32_t	strindex_find(const struct strindex *, char *const *strs,
	    const char *s, size_t len);
/* The same for strings of lens[i] bytes each, not NUL-terminated. */
void	strindex_init_len(struct strindex *, char *const *strs,
	    const uint32_t *lens, size_t n);
int32_t	strindex_find_len(const struct strindex *, char *const *strs,
	    const uint32_t *lens, const char *s, size_t len);
/*
 * The same, string guess compared first: strings looked up in the order
 * they were given cost a comparison each, not a hash.
 */
int32_t	strindex_find_at(const struct strindex *, char *const *strs,
	    const uint32_t *lens, const char *s, size_t len, size_t guess);
void	strindex_release(struct strindex *);
/* Is s valid UTF-8? */
int	utf8_valid(const char *s, size_t len);
const char *str_quote(const char *, size_t, char *, size_t);

#endif
