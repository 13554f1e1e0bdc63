/* t-util.c -- durations, sizes, names, UTF-8, read_file and struct buf */

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
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "tap.h"
#include "util.h"

static char	tmpdir[64];

/* parse_duration that returns the value, or -1 with the reason in *why. */
static int64_t
dur(const char *s, const char **why)
{
	int64_t		 ms = -2;
	const char	*err = NULL;

	*why = "";
	if (parse_duration(s, &ms, &err) == -1) {
		*why = err != NULL ? err : "(no reason)";
		return -1;
	}
	return ms;
}

static int64_t
size(const char *s, const char **why)
{
	int64_t		 n = -2;
	const char	*err = NULL;

	*why = "";
	if (parse_size(s, &n, &err) == -1) {
		*why = err != NULL ? err : "(no reason)";
		return -1;
	}
	return n;
}

static void
test_parse_duration(void)
{
	const char	*why;

	is_int(500, dur("500ms", &why), "500ms is 500 ms");
	is_int(10000, dur("10s", &why), "10s is 10000 ms");
	is_int(90000, dur("1m30s", &why), "1m30s is 90000 ms");
	is_int(3600000, dur("1h", &why), "1h is 3600000 ms");
	is_int(172800000, dur("2d", &why), "2d is 172800000 ms");
	is_int(0, dur("0s", &why), "0s is 0 ms");
	is_int(90061001, dur("1d1h1m1s1ms", &why), "every unit in one duration");

	is_int(-1, dur("", &why), "empty duration refused");
	is_str("empty duration", why, "  with its reason");
	is_int(-1, dur("5", &why), "number without a unit refused");
	is_str("missing unit (ms, s, m, h or d)", why, "  with its reason");
	is_int(-1, dur("10y", &why), "unknown unit refused");
	is_str("unknown unit (use ms, s, m, h or d)", why, "  with its reason");
	is_int(-1, dur("s", &why), "unit without a number refused");
	is_str("expected a number with a unit such as 500ms, 10s, 5m, 1h", why,
	    "  with its reason");
	is_int(-1, dur("-1s", &why), "negative duration refused");
	is_int(-1, dur("10 s", &why), "space inside a duration refused");
	is_int(-1, dur("1m30", &why), "trailing number without a unit refused");
	is_int(-1, dur("99999999999999999999s", &why),
	    "too many digits refused");
	is_str("duration too large", why, "  with its reason");
	is_int(-1, dur("9999999999999999d", &why),
	    "number times unit beyond 64 bits refused");
	is_str("duration too large", why, "  with its reason");
}

/*
 * Each part passes the per-part bound (at most INT64_MAX / 2 ms); three of
 * them do not fit in 64 bits.  Last in the file: before the fix the sum is
 * a signed overflow, which -fsanitize=undefined stops at.
 */
static void
test_duration_sum_overflow(void)
{
	const char	*why;

	is_int(-1, dur("53375995583d53375995583d53375995583d", &why),
	    "sum of parts beyond 64 bits refused");
	is_str("duration too large", why, "  with its reason");
}

static void
test_fmt_duration(void)
{
	static const int64_t vals[] = { 0, 1, 500, 1000, 1500, 60000, 90000,
	    3600000, 5400000, 86400000, 90061001, 604800000 };
	static const char *const want[] = { "0s", "1ms", "500ms", "1s",
	    "1s500ms", "1m", "1m30s", "1h", "1h30m", "1d", "1d1h1m1s1ms",
	    "7d" };
	char		 out[64];
	const char	*why;
	size_t		 i;

	for (i = 0; i < nitems(vals); i++) {
		is_str(want[i], fmt_duration(vals[i], out, sizeof(out)),
		    "fmt_duration(%lld)", (long long)vals[i]);
		is_int(vals[i], dur(out, &why), "  \"%s\" parses back", out);
	}
}

static void
test_size(void)
{
	char		 out[64];
	const char	*why;

	is_int(524288, size("512KiB", &why), "512KiB");
	is_int(67108864, size("64MiB", &why), "64MiB");
	is_int(1073741824, size("1GiB", &why), "1GiB");
	is_int(100, size("100", &why), "a bare number is bytes");
	is_int(100, size("100B", &why), "100B");
	is_int(2048, size("2k", &why), "2k is 2KiB");
	is_int(-1, size("64MB", &why), "64MB refused (decimal units are ambiguous)");
	is_str("unknown size unit (use B, KiB, MiB or GiB)", why,
	    "  with its reason");
	is_int(-1, size("", &why), "empty size refused");
	is_str("expected a size such as 512KiB, 64MiB", why, "  with its reason");
	is_int(-1, size("-1KiB", &why), "negative size refused");
	is_int(-1, size("99999999999999999999", &why), "too many digits refused");
	is_str("size too large", why, "  with its reason");
	is_int(-1, size("8589934592GiB", &why), "size beyond 64 bits refused");

	is_str("512KiB", fmt_size(524288, out, sizeof(out)), "fmt_size 512KiB");
	is_str("64MiB", fmt_size(67108864, out, sizeof(out)), "fmt_size 64MiB");
	is_str("1GiB", fmt_size(1073741824, out, sizeof(out)), "fmt_size 1GiB");
	is_str("100B", fmt_size(100, out, sizeof(out)), "fmt_size 100B");
	is_str("1536B", fmt_size(1536, out, sizeof(out)),
	    "fmt_size keeps an inexact KiB in bytes");
	is_str("0B", fmt_size(0, out, sizeof(out)), "fmt_size 0B");
	is_int(1536, size(fmt_size(1536, out, sizeof(out)), &why),
	    "fmt_size output parses back");
}

static void
test_names(void)
{
	char	 long64[66], long65[67];

	memset(long64, 'a', 64);
	long64[64] = '\0';
	memset(long65, 'a', 65);
	long65[65] = '\0';

	ok(valid_ident("probe_health"), "valid_ident probe_health");
	ok(valid_ident("_x1"), "valid_ident _x1");
	ok(!valid_ident("1abc"), "valid_ident refuses a leading digit");
	ok(!valid_ident("a-b"), "valid_ident refuses -");
	ok(!valid_ident("a b"), "valid_ident refuses a space");
	ok(!valid_ident("a\"b"), "valid_ident refuses a quote");
	ok(!valid_ident(""), "valid_ident refuses empty");
	ok(!valid_ident(NULL), "valid_ident refuses NULL");
	ok(valid_ident(long64), "valid_ident accepts 64 characters");
	ok(!valid_ident(long65), "valid_ident refuses 65 characters");

	ok(valid_metric_name("audius_node_up"), "metric name audius_node_up");
	ok(valid_metric_name("job:rate5m"), "metric name with a colon");
	ok(valid_metric_name(":x"), "metric name starting with a colon");
	ok(!valid_metric_name("1x"), "metric name refuses a leading digit");
	ok(!valid_metric_name("a-b"), "metric name refuses -");
	ok(!valid_metric_name("a.b"), "metric name refuses .");
	ok(!valid_metric_name(""), "metric name refuses empty");

	ok(valid_label_name("endpoint"), "label name endpoint");
	ok(valid_label_name("_private"), "label name with one leading _");
	ok(!valid_label_name("__name__"), "label name refuses reserved __ prefix");
	ok(!valid_label_name("__x"), "label name refuses __x");
	ok(!valid_label_name("a:b"), "label name refuses a colon");
	ok(!valid_label_name("9a"), "label name refuses a leading digit");
	ok(!valid_label_name(""), "label name refuses empty");
}

static void
test_utf8(void)
{
#define U(s)	utf8_valid((s), sizeof(s) - 1)
	ok(U(""), "utf8: empty is valid");
	ok(U("plain ascii"), "utf8: ascii");
	ok(U("caf\xc3\xa9"), "utf8: 2-byte e-acute");
	ok(U("\xe2\x82\xac"), "utf8: 3-byte euro sign");
	ok(U("\xf0\x9f\x98\x80"), "utf8: 4-byte emoji");
	ok(U("\xf4\x8f\xbf\xbf"), "utf8: U+10FFFF");
	ok(!U("\xc0\x80"), "utf8: overlong 2-byte NUL refused");
	ok(!U("\xc1\xbf"), "utf8: overlong 2-byte refused");
	ok(!U("\xe0\x80\xaf"), "utf8: overlong 3-byte refused");
	ok(!U("\xf0\x82\x82\xac"), "utf8: overlong 4-byte refused");
	ok(!U("\xed\xa0\x80"), "utf8: high surrogate refused");
	ok(!U("\xed\xbf\xbf"), "utf8: low surrogate refused");
	ok(!U("\xf4\x90\x80\x80"), "utf8: above U+10FFFF refused");
	ok(!U("\xe2\x82"), "utf8: truncated 3-byte at the end refused");
	ok(!U("\xe2\x82x"), "utf8: truncated 3-byte before ascii refused");
	ok(!U("\xf0\x9f\x98"), "utf8: truncated 4-byte refused");
	ok(!U("\x80"), "utf8: lone continuation byte refused");
	ok(!U("\xff"), "utf8: 0xff refused");
	ok(!U("\xf8\x88\x80\x80\x80"), "utf8: 5-byte form refused");
	ok(utf8_valid("\xc3\xa9\xc3", 2), "utf8: length bounds the check");
#undef U
}

static int
write_bytes(const char *path, size_t n)
{
	FILE	*f;
	size_t	 i;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fputc('a' + i % 26, f);
	return fclose(f);
}

static void
test_read_file(void)
{
	char	 path[128], *data;
	size_t	 len = 0;
	int	 saved;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	if (write_bytes(path, 10000) == -1)
		printf("# cannot write %s\n", path);

	data = read_file(path, 10000, &len);
	ok(data != NULL, "read_file: a file of exactly cap bytes is read");
	is_int(10000, len, "  its length");
	ok(data != NULL && data[10000] == '\0' && data[9999] == 'a' + 9999 % 26,
	    "  its bytes, NUL-terminated");
	free(data);

	errno = 0;
	data = read_file(path, 9999, &len);
	saved = errno;
	ok(data == NULL, "read_file: one byte over cap is refused");
	is_int(EFBIG, saved, "  with EFBIG");
	free(data);

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	errno = 0;
	data = read_file(path, 100, &len);
	saved = errno;
	ok(data == NULL && saved == ENOENT, "read_file: missing file is ENOENT");
	free(data);

	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	write_bytes(path, 0);
	len = 99;
	data = read_file(path, 100, &len);
	ok(data != NULL && len == 0 && data[0] == '\0',
	    "read_file: empty file is an empty string");
	free(data);
}

static void
test_buf(void)
{
	struct buf	 b;
	char		 big[1000], *p;
	size_t		 len = 99;
	int		 rc;

	buf_init(&b, 10);
	ok(buf_add(&b, "hello ", 6) == 0, "buf: add within cap");
	rc = buf_add(&b, "world", 5);
	is_int(-1, rc, "buf: add beyond cap refused");
	ok(b.b_len == 6 && strcmp(b.b_data, "hello ") == 0,
	    "  and the buffer is unchanged");
	ok(buf_add(&b, "worl", 4) == 0 && b.b_len == 10 &&
	    strcmp(b.b_data, "hello worl") == 0, "buf: filling exactly to cap works");
	is_int(-1, buf_putc(&b, 'd'), "buf: a full buffer refuses one more byte");
	is_int(-1, buf_printf(&b, "%d", 1), "buf: printf beyond cap refused");
	is_str("hello worl", b.b_data, "  and the buffer is unchanged");
	buf_release(&b);

	buf_init(&b, 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_puts(&b, "<");
	ok(buf_printf(&b, "%s|%d", big, 42) == 0, "buf: long printf");
	is_int(1 + 999 + 3, b.b_len, "  length");
	ok(b.b_data[0] == '<' && b.b_data[1] == 'x' && b.b_data[999] == 'x' &&
	    strcmp(b.b_data + 1000, "|42") == 0, "  content");
	buf_release(&b);

	buf_init(&b, 500);
	buf_puts(&b, "keep");
	is_int(-1, buf_printf(&b, "%s", big), "buf: long printf beyond cap refused");
	ok(b.b_len == 4 && strcmp(b.b_data, "keep") == 0,
	    "  and the buffer is unchanged");
	buf_release(&b);

	buf_init(&b, 0);
	buf_json_string(&b, "a\"b\\c\n\x01\x1f\x7f" "caf\xc3\xa9", 14);
	is_str("\"a\\\"b\\\\c\\u000a\\u0001\\u001f\x7f" "caf\xc3\xa9\"",
	    b.b_data, "buf_json_string escapes quote, backslash, controls");
	buf_reset(&b);
	buf_json_string(&b, "a\0b", 3);
	is_str("\"a\\u0000b\"", b.b_data, "buf_json_string escapes an inner NUL");
	buf_reset(&b);
	buf_json_string(&b, "", 0);
	is_str("\"\"", b.b_data, "buf_json_string of empty");

	buf_reset(&b);
	buf_puts(&b, "taken");
	p = buf_take(&b, &len);
	is_str("taken", p, "buf_take hands out the bytes");
	is_int(5, len, "  and the length");
	ok(b.b_data == NULL && b.b_len == 0, "  leaving the buf empty");
	free(p);
	buf_puts(&b, "again");
	is_str("again", b.b_data, "buf: usable after take");
	buf_release(&b);

	buf_init(&b, 0);
	len = 99;
	p = buf_take(&b, &len);
	ok(p != NULL && p[0] == '\0' && len == 0,
	    "buf_take of a never-used buf is an empty string");
	free(p);
	buf_release(&b);
}

/* JSON's escape of s, a byte at a time: what buf_json_string must give. */
static void
json_ref(char *out, const unsigned char *s, size_t len)
{
	size_t	i;

	*out++ = '"';
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			*out++ = '\\';
			*out++ = (char)s[i];
		} else if (s[i] < 0x20)
			out += sprintf(out, "\\u%04x", s[i]);
		else
			*out++ = (char)s[i];
	}
	*out++ = '"';
	*out = '\0';
}

static void
test_buf_json(void)
{
	struct buf	 b;
	unsigned char	 s[40];
	char		 want[6 * sizeof(s) + 3];
	size_t		 len, at, c, fill, bad = 0, n = 0;
	static const unsigned char fills[] = { 'a', 0x20, 0x7f, 0x80, 0xff, '0' };

	buf_init(&b, 0);
	buf_json_string(&b, "0x00000000000000000000000000000000000000ab", 42);
	is_str("\"0x00000000000000000000000000000000000000ab\"", b.b_data,
	    "buf_json_string: an address as it is");
	buf_reset(&b);
	buf_json_string(&b, "\x1f\x20\x21\x22\x23\x5b\x5c\x5d\x7f\x80", 10);
	is_str("\"\\u001f !\\\"#[\\\\]\x7f\x80\"", b.b_data,
	    "buf_json_string: the bytes around each escaped one");
	buf_reset(&b);
	buf_json_string(&b, "1234567\"12345678\\1234567\n", 25);
	is_str("\"1234567\\\"12345678\\\\1234567\\u000a\"", b.b_data,
	    "buf_json_string: escapes at the end of a word and the string");
	buf_reset(&b);
	buf_json_string(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc3", 16);
	is_str("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc3\"", b.b_data,
	    "buf_json_string: bytes past 0x7f as they are, valid or not");

	/* Every byte, at every place of strings of every length up to 40. */
	for (fill = 0; fill < sizeof(fills); fill++)
		for (len = 1; len <= sizeof(s); len++)
			for (at = 0; at < len; at++)
				for (c = 0; c < 256; c++) {
					memset(s, fills[fill], len);
					s[at] = (unsigned char)c;
					if (c & 1)	/* and a second one */
						s[len - 1 - at / 2] = (unsigned char)(c ^ 0x5d);
					json_ref(want, s, len);
					buf_reset(&b);
					buf_json_string(&b, (const char *)s, len);
					n++;
					if (strcmp(want, b.b_data) != 0 ||
					    b.b_len != strlen(want))
						bad++;
				}
	is_int(0, bad, "buf_json_string: each of %zu strings as JSON escapes it",
	    n);
	buf_release(&b);

	/* A cap: refused, never written past. */
	buf_init(&b, 10);
	is_int(-1, buf_json_string(&b, "0123456789", 10),
	    "buf_json_string: beyond the cap refused");
	ok(b.b_len <= 10, "  within the cap");
	buf_release(&b);
	buf_init(&b, 12);
	ok(buf_json_string(&b, "0123456789", 10) == 0 && b.b_len == 12,
	    "buf_json_string: filling exactly to the cap works");
	buf_release(&b);
}

/*
 * Strings that differ in one byte anywhere (each side of an 8-byte word,
 * the last few past one), in length only, or after a NUL (lens given):
 * each found where it is, every one once, none that is not there.
 */
static void
test_strindex_many(void)
{
	enum { LEN = 42, N = LEN * 6 + 3 };
	char		 block[N][LEN + 1], *strs[N], probe[LEN + 1];
	uint32_t	 lens[N];
	struct strindex	 si;
	size_t		 i, at, found = 0, wrong = 0;

	for (i = 0; i < N; i++) {
		memcpy(block[i], "0x0123456789abcdef0123456789abcdef01234567",
		    LEN + 1);
		strs[i] = block[i];
		lens[i] = LEN;
	}
	for (i = 0; i < LEN * 6; i++) {
		at = i % LEN;
		block[i][at] = (char)(0x80 + i / LEN);	/* byte at in 6 ways */
	}
	lens[LEN * 6] = 0;			/* "" */
	lens[LEN * 6 + 1] = 9;			/* a prefix, across a word */
	block[LEN * 6 + 2][20] = '\0';		/* a NUL inside, whole length */
	strindex_init_len(&si, strs, lens, N);
	ok(si.si_dups == 0, "strindex: %d strings a byte apart are distinct", N);
	for (i = 0; i < N; i++)
		if (strindex_find_len(&si, strs, lens, strs[i], lens[i]) ==
		    (int32_t)i)
			found++;
	is_int(N, found, "  each found where it is");
	memcpy(probe, block[0], LEN + 1);
	for (i = 0; i < LEN; i++) {
		probe[i] = '~';		/* in no string at any place */
		wrong += strindex_find_len(&si, strs, lens, probe, LEN) != -1;
		probe[i] = block[0][i];
	}
	wrong += strindex_find_len(&si, strs, lens, probe, 8) != -1;
	is_int(0, wrong, "  and none that is not there");
	strindex_release(&si);
}

static void
test_strindex(void)
{
	char		*u[] = { (char *)"x", (char *)"yy", (char *)"z" };
	char		*d[] = { (char *)"x", (char *)"yy", (char *)"x" };
	struct strindex	 si;

	strindex_init(&si, u, 3);
	ok(si.si_dups == 0, "strindex: distinct strings");
	is_int(1, strindex_find_at(&si, u, NULL, "yy", 2, 1),
	    "strindex_find_at: the guess, when it is the string");
	is_int(2, strindex_find_at(&si, u, NULL, "z", 1, 0),
	    "  else the string where it is");
	is_int(0, strindex_find_at(&si, u, NULL, "x", 1, 3),
	    "  a guess past the end is no guess");
	is_int(-1, strindex_find_at(&si, u, NULL, "y", 1, 1),
	    "  a prefix of the guess is not it");
	strindex_release(&si);
	strindex_init(&si, d, 3);
	ok(si.si_dups == 1, "strindex: two equal strings");
	is_int(0, strindex_find_at(&si, d, NULL, "x", 1, 2),
	    "  the first of equal strings, not the guess");
	strindex_release(&si);
	test_strindex_many();
}

/* A logged message has its control bytes escaped: one line, no escapes. */
static void
test_log_escape(const char *dir)
{
	char	 path[128], line[256];
	FILE	*f;
	int	 fd, saved;

	snprintf(path, sizeof(path), "%s/log", dir);
	fflush(stderr);
	saved = dup(2);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dup2(fd, 2) == -1) {
		ok(0, "log: stderr to a file");
		ok(0, "log: the second message");
		return;
	}
	close(fd);
	log_warnx("entity '%s' twice", "a\nvantage: forged\033[2J\x7f\tb");
	log_info("x%sy", "\r");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	line[0] = '\0';
	if ((f = fopen(path, "r")) != NULL && fgets(line, sizeof(line), f))
		is_str("vantage: entity 'a\\x0avantage: forged\\x1b[2J\\x7f"
		    "\tb' twice\n", line, "log: control bytes but tabs escaped");
	else
		ok(0, "log: control bytes but tabs escaped");
	line[0] = '\0';
	if (f != NULL && fgets(line, sizeof(line), f))
		is_str("vantage: x\\x0dy\n", line, "log: in log_info too");
	else
		ok(0, "log: in log_info too");
	if (f != NULL)
		fclose(f);
	unlink(path);
}

static void
test_int_real(void)
{
	int64_t	v = 1;

	is_int(1, int_real_cmp(9007199254740993LL, 0x1p53), "2^53 + 1 > 2^53");
	is_int(-1, int_real_cmp(9007199254740991LL, 0x1p53), "2^53 - 1 < 2^53");
	is_int(0, int_real_cmp(9007199254740992LL, 0x1p53), "2^53 = 2^53");
	is_int(-1, int_real_cmp(INT64_MAX, 0x1p63), "2^63 - 1 < 2^63");
	is_int(0, int_real_cmp(INT64_MIN, -0x1p63), "-2^63 = -2^63");
	is_int(1, int_real_cmp(INT64_MIN, -0x1.0000000000001p63),
	    "-2^63 > the next real below it");
	is_int(-1, int_real_cmp(2, 2.5), "2 < 2.5");
	is_int(1, int_real_cmp(3, 2.5), "3 > 2.5");
	is_int(-1, int_real_cmp(-3, -2.5), "-3 < -2.5");
	is_int(1, int_real_cmp(-2, -2.5), "-2 > -2.5");
	is_int(0, int_real_cmp(0, -0.0), "0 = -0.0");
	is_int(1, int_real_cmp(0, NAN), "a NaN below an integer");
	ok(real_int_value(9.21e18, &v) && v == 9210000000000000000LL,
	    "9.21e18 is 9210000000000000000");
	ok(real_int_value(-0x1p63, &v) && v == INT64_MIN, "-2^63 is INT64_MIN");
	ok(real_int_value(-0.0, &v) && v == 0, "-0.0 is 0");
	v = 7;
	ok(!real_int_value(0x1p63, &v) && !real_int_value(2.5, &v) &&
	    !real_int_value(NAN, &v) && !real_int_value(INFINITY, &v) &&
	    !real_int_value(-INFINITY, &v) && v == 7,
	    "2^63, 2.5, NaN and the infinities are no int64, v untouched");
}

int
main(void)
{
	char	 path[128];

	plan(176);
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "t-util") == -1)
		return 1;
	test_parse_duration();
	test_fmt_duration();
	test_size();
	test_names();
	test_utf8();
	test_read_file();
	test_buf();
	test_buf_json();
	test_strindex();
	test_int_real();
	test_log_escape(tmpdir);

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	unlink(path);
	rmdir(tmpdir);

	test_duration_sum_overflow();	/* last: see there */
	return done_testing();
}
