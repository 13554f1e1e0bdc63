/* chunk.c -- one series' samples packed in a chunk (run deltas, XOR values) */


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
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chunk.h"
#include "xmalloc.h"

/*
 * A chunk: the sample count and the first run as unsigned LEB128
 * varints, the first value's 64 bits little-endian, then a bit stream
 * (most significant bit first, zero-padded to a byte) with, for each
 * further sample:
 *   the run: dod = step - previous step (the first step counts as 1),
 *     zigzagged: 0 | 10 +7 bits | 110 +16 | 1110 +32 | 1111 +64;
 *   the value: x = its bits XOR the previous value's bits:
 *     0 (same value) | 10 + the bits of x inside the last window |
 *     11 + 6 bits of leading zeros + 6 bits of (length - 1) + length
 *     bits (a new window).
 */

struct bitw {
	struct buf	*out;
	uint64_t	 acc;
	int		 nacc;
};

struct bitr {
	const uint8_t	*p;
	size_t		 len;	/* bytes */
	size_t		 pos;	/* bits read */
};

static void
bw_put32(struct bitw *w, uint64_t v, int n)
{
	unsigned char	c;

	w->acc = (w->acc << n) | (v & ((1ULL << n) - 1));
	w->nacc += n;
	while (w->nacc >= 8) {
		c = (w->acc >> (w->nacc - 8)) & 0xff;
		buf_add(w->out, &c, 1);
		w->nacc -= 8;
	}
	w->acc &= (1ULL << w->nacc) - 1;
}

/* The low n bits of v (1 <= n <= 64), most significant first. */
static void
bw_put(struct bitw *w, uint64_t v, int n)
{
	if (n > 32) {
		bw_put32(w, v >> 32, n - 32);
		bw_put32(w, v & 0xffffffffULL, 32);
	} else
		bw_put32(w, v, n);
}

static void
bw_flush(struct bitw *w)
{
	unsigned char	c;

	if (w->nacc > 0) {
		c = (w->acc << (8 - w->nacc)) & 0xff;
		buf_add(w->out, &c, 1);
	}
	w->acc = 0;
	w->nacc = 0;
}

static int
br_get(struct bitr *r, int n, uint64_t *vp)
{
	uint64_t	v = 0;
	unsigned	byte, avail, take;

	if ((size_t)n > r->len * 8 - r->pos)
		return -1;
	while (n > 0) {
		byte = r->p[r->pos >> 3];
		avail = 8 - (r->pos & 7);
		take = (unsigned)n < avail ? (unsigned)n : avail;
		v = (v << take) |
		    ((byte >> (avail - take)) & ((1U << take) - 1));
		r->pos += take;
		n -= take;
	}
	*vp = v;
	return 0;
}

static void
put_varint(struct buf *out, uint64_t v)
{
	unsigned char	b[10];
	size_t		n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			b[n] |= 0x80;
		n++;
	} while (v != 0);
	buf_add(out, b, n);
}

static int
get_varint(const uint8_t *p, size_t len, size_t *off, uint64_t *vp)
{
	uint64_t	v = 0;
	unsigned	shift = 0;
	uint8_t		b;

	do {
		if (*off >= len || shift > 63)
			return -1;
		b = p[(*off)++];
		if (shift == 63 && (b & 0x7e) != 0)
			return -1;	/* past 64 bits */
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	*vp = v;
	return 0;
}

static uint64_t
dbits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double
bitsd(uint64_t u)
{
	double	d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void
put_run(struct bitw *w, int64_t dod)
{
	uint64_t	zz;

	zz = ((uint64_t)dod << 1) ^ (dod < 0 ? UINT64_MAX : 0);
	if (zz == 0)
		bw_put(w, 0, 1);
	else if (zz < (1ULL << 7)) {
		bw_put(w, 2, 2);
		bw_put(w, zz, 7);
	} else if (zz < (1ULL << 16)) {
		bw_put(w, 6, 3);
		bw_put(w, zz, 16);
	} else if (zz < (1ULL << 32)) {
		bw_put(w, 14, 4);
		bw_put(w, zz, 32);
	} else {
		bw_put(w, 15, 4);
		bw_put(w, zz, 64);
	}
}

static void
put_value(struct bitw *w, uint64_t x, int *wlead, int *wtrail)
{
	int	lead, trail, len;

	if (x == 0) {
		bw_put(w, 0, 1);
		return;
	}
	lead = __builtin_clzll(x);
	trail = __builtin_ctzll(x);
	len = 64 - lead - trail;
	/* The last window, if x fits in it and that is not dearer. */
	if (*wlead >= 0 && lead >= *wlead && trail >= *wtrail &&
	    64 - *wlead - *wtrail <= len + 12) {
		bw_put(w, 2, 2);
		bw_put(w, x >> *wtrail, 64 - *wlead - *wtrail);
		return;
	}
	bw_put(w, 3, 2);
	bw_put(w, lead, 6);
	bw_put(w, len - 1, 6);
	bw_put(w, x >> trail, len);
	*wlead = lead;
	*wtrail = trail;
}

int
chunk_encode(struct buf *out, const int64_t *runs, const double *values,
    size_t n)
{
	struct bitw	 w = { out, 0, 0 };
	unsigned char	 v8[8];
	uint64_t	 prev;
	int64_t		 step, pstep = 1;
	size_t		 i;
	int		 wlead = -1, wtrail = 0, j;

	if (n == 0 || n > CHUNK_MAX || runs[0] < 1)
		return -1;
	for (i = 1; i < n; i++)
		if (runs[i] <= runs[i - 1])
			return -1;
	put_varint(out, n);
	put_varint(out, (uint64_t)runs[0]);
	prev = dbits(values[0]);
	for (j = 0; j < 8; j++)
		v8[j] = (prev >> (8 * j)) & 0xff;
	buf_add(out, v8, sizeof(v8));
	for (i = 1; i < n; i++) {
		step = runs[i] - runs[i - 1];
		put_run(&w, step - pstep);
		pstep = step;
		put_value(&w, dbits(values[i]) ^ prev, &wlead, &wtrail);
		prev = dbits(values[i]);
	}
	bw_flush(&w);
	return 0;
}

static int
get_run(struct bitr *r, int64_t *dodp)
{
	static const int	 width[] = { 7, 16, 32, 64 };
	uint64_t		 b, zz;
	int			 k;

	for (k = 0; k < 4; k++) {
		if (br_get(r, 1, &b) == -1)
			return -1;
		if (b == 0)
			break;
	}
	if (k == 0) {
		*dodp = 0;
		return 0;
	}
	if (br_get(r, width[k - 1], &zz) == -1)
		return -1;
	*dodp = (int64_t)((zz >> 1) ^ (0 - (zz & 1)));
	return 0;
}

static int
get_value(struct bitr *r, uint64_t *xp, int *wlead, int *wtrail,
    const char **cause)
{
	uint64_t	b, lead, len, v;

	*cause = "a value is cut short";
	if (br_get(r, 1, &b) == -1)
		return -1;
	if (b == 0) {
		*xp = 0;
		return 0;
	}
	if (br_get(r, 1, &b) == -1)
		return -1;
	if (b == 0) {
		if (*wlead < 0) {
			*cause = "a value reuses a window before there is one";
			return -1;
		}
		if (br_get(r, 64 - *wlead - *wtrail, &v) == -1)
			return -1;
		*xp = v << *wtrail;
		return 0;
	}
	if (br_get(r, 6, &lead) == -1 || br_get(r, 6, &len) == -1)
		return -1;
	len++;
	if (lead + len > 64) {
		*cause = "a value's window is wider than 64 bits";
		return -1;
	}
	if (br_get(r, (int)len, &v) == -1)
		return -1;
	*wlead = (int)lead;
	*wtrail = 64 - (int)lead - (int)len;
	*xp = v << *wtrail;
	return 0;
}

int
chunk_decode(const void *data, size_t len, struct chunk_samples *cs,
    const char **cause)
{
	const uint8_t	*p = data;
	struct bitr	 r;
	uint64_t	 n, first, prev = 0, x, pad;
	int64_t		 dod, step = 1, run;
	size_t		 off = 0, i;
	int		 wlead = -1, wtrail = 0, j;

	cs->cs_n = 0;
	if (get_varint(p, len, &off, &n) == -1 ||
	    get_varint(p, len, &off, &first) == -1 || len - off < 8) {
		*cause = "the header is cut short";
		return -1;
	}
	if (n == 0 || n > CHUNK_MAX || first < 1 || first > INT64_MAX) {
		*cause = "the header is out of range";
		return -1;
	}
	/* Each further sample takes two bits at least. */
	if ((n - 1) * 2 > (len - off - 8) * 8) {
		*cause = "fewer bits than samples";
		return -1;
	}
	for (j = 0; j < 8; j++)
		prev |= (uint64_t)p[off + j] << (8 * j);
	off += 8;
	if (cs->cs_cap < n) {
		cs->cs_runs = xreallocarray(cs->cs_runs, n,
		    sizeof(*cs->cs_runs));
		cs->cs_values = xreallocarray(cs->cs_values, n,
		    sizeof(*cs->cs_values));
		cs->cs_cap = n;
	}
	run = (int64_t)first;
	cs->cs_runs[0] = run;
	cs->cs_values[0] = bitsd(prev);
	r.p = p + off;
	r.len = len - off;
	r.pos = 0;
	for (i = 1; i < n; i++) {
		if (get_run(&r, &dod) == -1) {
			*cause = "a run is cut short";
			return -1;
		}
		if ((dod > 0 && step > INT64_MAX - dod) ||
		    step + dod < 1 || step + dod > INT64_MAX - run) {
			*cause = "runs out of order or out of range";
			return -1;
		}
		step += dod;
		run += step;
		if (get_value(&r, &x, &wlead, &wtrail, cause) == -1)
			return -1;
		prev ^= x;
		cs->cs_runs[i] = run;
		cs->cs_values[i] = bitsd(prev);
	}
	if ((r.pos + 7) / 8 != r.len) {
		*cause = "bytes after the last sample";
		return -1;
	}
	if (r.pos % 8 != 0 && (br_get(&r, 8 - r.pos % 8, &pad) == -1 ||
	    pad != 0)) {
		*cause = "padding bits are not zero";
		return -1;
	}
	cs->cs_n = n;
	return 0;
}

void
chunk_samples_free(struct chunk_samples *cs)
{
	free(cs->cs_runs);
	free(cs->cs_values);
	memset(cs, 0, sizeof(*cs));
}
