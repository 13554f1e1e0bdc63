/* jstream.c -- values at JSON pointers, read from one streaming parse (yajl) */

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
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "buf.h"
#include "jstream.h"
#include "util.h"
#include "xmalloc.h"

/*
 * The pointers asked for, as a tree of their tokens: the parse walks it
 * alongside the document, one node per container level, so a value that
 * no pointer reaches costs one comparison of its key.
 */
struct jnode {
	char		 *n_tok;	/* unescaped member name */
	size_t		  n_toklen;
	int64_t		  n_idx;	/* as an array index; -1: none */
	struct jnode	**n_kids;
	size_t		  n_nkids;
	int		  n_top;	/* slot or -1 */
	int		  n_field;	/* slot or -1 */
};

/* One open container of the document. */
struct jframe {
	struct jnode	*f_node;	/* NULL: no pointer goes inside */
	struct jnode	*f_next;	/* an object's member just named */
	size_t		 f_index;	/* an array's next element */
	size_t		 f_firstkey;	/* an object's first key in js_keys */
	size_t		 f_keytext;	/* and in js_keytext */
	uint32_t	*f_kindex;	/* key index + 1, or 0; NULL: none yet */
	size_t		 f_kmask;
	int		 f_array;
	int		 f_rows;	/* its elements or members are rows */
};

/* A key of an open object: its hash and where its bytes are. */
struct jkey {
	uint32_t	 k_hash;
	uint32_t	 k_len;
	size_t		 k_off;
};

/* An object with more keys than this finds its own through a hash index. */
#define KEYS_LINEAR	16

/* Where escape_scan is in the bytes it reads. */
enum esc_state {
	ESC_TEXT,	/* looking for a backslash */
	ESC_BACKSLASH,	/* one just seen */
	ESC_HEX,	/* in the 4 hex digits of a \u */
	ESC_LOW		/* after a high surrogate: "\\u" and a low one next */
};

struct jstream {
	struct jnode	*js_root;
	struct jnode	*js_rows;	/* the rows' container, or NULL */
	struct jnode	*js_each;	/* root of the fields' pointers */
	int		 js_members;
	int		 js_ntop, js_nfield;

	struct jval	*js_topv;
	struct jval	*js_cur;	/* the row being read */
	struct jval	*js_kept;	/* js_nkept rows of js_nfield values */
	size_t		*js_names;	/* offset and length of each kept name */
	size_t		 js_nkept, js_capkept;
	size_t		 js_name_off, js_name_len;
	struct buf	 js_text;	/* strings kept, NUL-terminated */

	struct jframe	*js_stack;
	size_t		 js_depth, js_capstack;
	int		 js_inrow;
	size_t		 js_rowdepth;	/* js_depth where the row's value is */
	size_t		 js_rowtext;	/* js_text's length when it began */
	size_t		 js_nrows;	/* rows begun */

	struct jkey	*js_keys;	/* the keys of the open objects */
	size_t		 js_nkeys, js_capkeys;
	struct buf	 js_keytext;

	jstream_row_cb	 js_cb;
	void		*js_arg;
	char		 js_err[512];	/* why a callback stopped it */
	char		 js_msg[640];	/* why it failed, and where */
	yajl_handle	 js_h;
	int		 js_failed;	/* the parse stopped: feed no more */
	int		 js_done;	/* jstream_end ran */
	/* The piece being read, and where it lies in the answer. */
	const char	*js_piece;
	size_t		 js_piecelen;
	size_t		 js_off;	/* bytes of the answer before it */
	size_t		 js_line;	/* lines before it, from 1 */
	size_t		 js_linestart;	/* where the last of them began */
	/* escape_scan */
	enum esc_state	 js_esc;
	int		 js_high;
	int		 js_nhex;
	unsigned	 js_u;
	size_t		 js_bad;	/* first mistake's offset, or -1 */
};

static struct jnode *
node_new(const char *tok, size_t len)
{
	struct jnode	*n = xcalloc(1, sizeof(*n));
	size_t		 i;

	n->n_tok = xmalloc(len + 1);
	memcpy(n->n_tok, tok, len);
	n->n_tok[len] = '\0';
	n->n_toklen = len;
	n->n_top = n->n_field = -1;
	/* An index is digits without a leading zero, as RFC 6901 says. */
	n->n_idx = len > 0 && (tok[0] != '0' || len == 1) ? 0 : -1;
	for (i = 0; i < len && n->n_idx != -1; i++) {
		if (tok[i] < '0' || tok[i] > '9' ||
		    n->n_idx > (INT64_MAX - (tok[i] - '0')) / 10)
			n->n_idx = -1;
		else
			n->n_idx = n->n_idx * 10 + (tok[i] - '0');
	}
	return n;
}

static void
node_free(struct jnode *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n_nkids; i++)
		node_free(n->n_kids[i]);
	free(n->n_kids);
	free(n->n_tok);
	free(n);
}

/*
 * The node of pointer p below n, made if need be; NULL if p is not a
 * pointer.  "~1" is '/', "~0" is '~', and any other '~' itself.
 */
static struct jnode *
node_at(struct jnode *n, const char *p)
{
	struct jnode	*kid;
	char		*tok;
	size_t		 len, i, o, k;
	const char	*end;

	if (*p != '\0' && *p != '/')
		return NULL;
	while (*p == '/') {
		p++;
		end = strchr(p, '/');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		tok = xmalloc(len + 1);
		for (i = 0, o = 0; i < len; i++) {
			if (p[i] == '~' && i + 1 < len && p[i + 1] == '1') {
				tok[o++] = '/';
				i++;
			} else if (p[i] == '~' && i + 1 < len &&
			    p[i + 1] == '0') {
				tok[o++] = '~';
				i++;
			} else
				tok[o++] = p[i];
		}
		for (k = 0; k < n->n_nkids; k++)
			if (n->n_kids[k]->n_toklen == o &&
			    memcmp(n->n_kids[k]->n_tok, tok, o) == 0)
				break;
		if (k == n->n_nkids) {
			kid = node_new(tok, o);
			n->n_kids = xreallocarray(n->n_kids, n->n_nkids + 1,
			    sizeof(*n->n_kids));
			n->n_kids[n->n_nkids++] = kid;
		}
		free(tok);
		n = n->n_kids[k];
		p += len;
	}
	return n;
}

static void	parse_release(struct jstream *);

struct jstream *
jstream_new(void)
{
	struct jstream	*js = xcalloc(1, sizeof(*js));

	js->js_root = node_new("", 0);
	buf_init(&js->js_text, 0);
	buf_init(&js->js_keytext, 0);
	return js;
}

void
jstream_free(struct jstream *js)
{
	if (js == NULL)
		return;
	parse_release(js);
	node_free(js->js_root);
	node_free(js->js_each);
	free(js->js_topv);
	free(js->js_cur);
	free(js->js_kept);
	free(js->js_names);
	buf_release(&js->js_text);
	buf_release(&js->js_keytext);
	free(js->js_stack);
	free(js->js_keys);
	free(js);
}

int
jstream_top(struct jstream *js, const char *pointer)
{
	struct jnode	*n = node_at(js->js_root, pointer);

	if (n == NULL)
		return -1;
	if (n->n_top == -1)
		n->n_top = js->js_ntop++;
	return n->n_top;
}

void
jstream_rows(struct jstream *js, const char *pointer, int members)
{
	js->js_rows = node_at(js->js_root, pointer);
	js->js_members = members;
	js->js_each = node_new("", 0);
}

int
jstream_field(struct jstream *js, const char *pointer)
{
	struct jnode	*n = node_at(js->js_each, pointer);

	if (n == NULL)
		return -1;
	if (n->n_field == -1)
		n->n_field = js->js_nfield++;
	return n->n_field;
}

/* ------------------------------------------------------------------ */
/* The parse */

static int
fail(struct jstream *js, const char *why)
{
	snprintf(js->js_err, sizeof(js->js_err), "%s", why);
	return 0;	/* yajl: stop */
}

static void
row_begin(struct jstream *js)
{
	int	i;

	js->js_inrow = 1;
	js->js_rowdepth = js->js_depth;
	js->js_rowtext = js->js_text.b_len;
	for (i = 0; i < js->js_nfield; i++)
		js->js_cur[i].jv_type = JV_NONE;
}

/* The row that began at this depth ends: keep it or not. */
static int
row_end(struct jstream *js)
{
	size_t	n = js->js_nfield;
	int	rc;

	js->js_inrow = 0;
	rc = js->js_cb != NULL ? js->js_cb(js->js_arg, js, js->js_nrows++,
	    js->js_err, sizeof(js->js_err)) : 1;
	if (rc == -1)
		return 0;
	if (rc == 0) {
		js->js_text.b_len = js->js_rowtext;
		return 1;
	}
	if (js->js_nkept == js->js_capkept) {
		js->js_capkept = js->js_capkept == 0 ? 64 : js->js_capkept * 2;
		js->js_kept = xreallocarray(js->js_kept, js->js_capkept,
		    (n > 0 ? n : 1) * sizeof(*js->js_kept));
		js->js_names = xreallocarray(js->js_names, js->js_capkept,
		    2 * sizeof(*js->js_names));
	}
	if (n > 0)
		memcpy(js->js_kept + js->js_nkept * n, js->js_cur,
		    n * sizeof(*js->js_cur));
	js->js_names[2 * js->js_nkept] = js->js_name_off;
	js->js_names[2 * js->js_nkept + 1] = js->js_name_len;
	js->js_nkept++;
	return 1;
}

/* The node of the value that begins now (NULL: none), a row begun if so. */
static struct jnode *
value_begin(struct jstream *js)
{
	struct jframe	*f;
	struct jnode	*n;
	size_t		 k, idx;

	if (js->js_depth == 0)
		return js->js_root;
	f = &js->js_stack[js->js_depth - 1];
	if (!f->f_array)
		return f->f_next;
	idx = f->f_index++;
	if (f->f_rows) {
		js->js_name_off = js->js_name_len = (size_t)-1;
		row_begin(js);
		return js->js_each;
	}
	if ((n = f->f_node) == NULL)
		return NULL;
	for (k = 0; k < n->n_nkids; k++)
		if (n->n_kids[k]->n_idx == (int64_t)idx)
			return n->n_kids[k];
	return NULL;
}

/* Keep v at n's slots; a string's text is copied. */
static void
capture(struct jstream *js, struct jnode *n, struct jval *v,
    const char *s, size_t len)
{
	if (n->n_top == -1 && (n->n_field == -1 || !js->js_inrow))
		return;
	if (s != NULL) {
		v->jv_off = js->js_text.b_len;
		v->jv_len = len;
		buf_add(&js->js_text, s, len);
		buf_putc(&js->js_text, '\0');
	}
	if (n->n_top != -1)
		js->js_topv[n->n_top] = *v;
	if (n->n_field != -1 && js->js_inrow)
		js->js_cur[n->n_field] = *v;
}

/* A scalar ends where it begins: a row that is one ends with it. */
static int
scalar_end(struct jstream *js)
{
	if (js->js_inrow && js->js_depth == js->js_rowdepth)
		return row_end(js);
	return 1;
}

static int
cb_null(void *ctx)
{
	struct jstream	*js = ctx;
	struct jnode	*n = value_begin(js);
	struct jval	 v = { .jv_type = JV_NULL };

	if (n != NULL)
		capture(js, n, &v, NULL, 0);
	return scalar_end(js);
}

static int
cb_boolean(void *ctx, int b)
{
	struct jstream	*js = ctx;
	struct jnode	*n = value_begin(js);
	struct jval	 v = { .jv_type = b ? JV_TRUE : JV_FALSE };

	if (n != NULL)
		capture(js, n, &v, NULL, 0);
	return scalar_end(js);
}

/*
 * A number as JSON writes it (yajl checked its syntax): an int64, or a
 * double, +-DBL_MAX beyond one.
 */
static void
number(const char *s, size_t len, struct jval *v)
{
	char	 tmp[64], *t = tmp, *end;
	size_t	 i = s[0] == '-';
	int64_t	 n = 0;
	int	 real = 0;

	/* Most are short integers: up to 18 digits always fit. */
	if (len - i <= 18) {
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			n = n * 10 + (s[i] - '0');
		if (i == len) {
			v->jv_type = JV_INTEGER;
			v->jv_int = s[0] == '-' ? -n : n;
			return;
		}
	}
	if (len >= sizeof(tmp))
		t = xmalloc(len + 1);
	memcpy(t, s, len);
	t[len] = '\0';
	for (i = 0; i < len && !real; i++)
		real = s[i] == '.' || s[i] == 'e' || s[i] == 'E';
	if (!real) {
		errno = 0;
		v->jv_int = strtoll(t, &end, 10);
		if (errno == 0 && *end == '\0') {
			v->jv_type = JV_INTEGER;
			goto out;
		}
	}
	v->jv_type = JV_REAL;
	v->jv_real = strtod(t, NULL);
	if (!isfinite(v->jv_real))
		v->jv_real = t[0] == '-' ? -DBL_MAX : DBL_MAX;
out:
	if (t != tmp)
		free(t);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	struct jstream	*js = ctx;
	struct jnode	*n = value_begin(js);
	struct jval	 v;

	if (n != NULL && (n->n_top != -1 || (n->n_field != -1 &&
	    js->js_inrow))) {
		memset(&v, 0, sizeof(v));
		number(s, len, &v);
		capture(js, n, &v, NULL, 0);
	}
	return scalar_end(js);
}

/*
 * Note where the answer first pairs its \u surrogates wrongly (a lone
 * one: yajl writes it as '?' or as bytes that are not UTF-8; jansson
 * refused such an answer, and so does this).  The bytes are scanned in
 * order as they come, before yajl reads them, with the state carried from
 * one piece to the next, so an escape cut in two is read whole: a
 * backslash only occurs inside a string (yajl refuses any other), and
 * each begins an escape unless it is the second of "\\\\".  The
 * string that holds the mistake fails when it ends (escape_bad).
 */

static void
escape_mark(struct jstream *js, size_t at)
{
	if (js->js_bad == (size_t)-1)
		js->js_bad = at;
	js->js_high = 0;
}

static void
escape_scan(struct jstream *js, const char *p, size_t len)
{
	const char	*q;
	size_t		 i = 0;
	int		 x;

	while (i < len) {
		switch (js->js_esc) {
		case ESC_TEXT:
			if ((q = memchr(p + i, '\\', len - i)) == NULL)
				return;
			i = q - p + 1;
			js->js_esc = ESC_BACKSLASH;
			break;
		case ESC_BACKSLASH:
			if (p[i] == 'u') {
				js->js_esc = ESC_HEX;
				js->js_nhex = 0;
				js->js_u = 0;
			} else {
				if (js->js_high)
					escape_mark(js, js->js_off + i);
				js->js_esc = ESC_TEXT;
			}
			i++;
			break;
		case ESC_HEX:
			x = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
			    (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f' ?
			    (p[i] | 0x20) - 'a' + 10 : -1;
			if (x == -1) {
				/* yajl refuses it: no string ends here. */
				js->js_esc = ESC_TEXT;
				js->js_high = 0;
				break;
			}
			js->js_u = js->js_u << 4 | x;
			i++;
			if (++js->js_nhex < 4)
				break;
			js->js_esc = ESC_TEXT;
			if (js->js_high) {
				js->js_high = 0;
				if (js->js_u < 0xdc00 || js->js_u > 0xdfff)
					escape_mark(js, js->js_off + i - 1);
			} else if (js->js_u >= 0xdc00 && js->js_u <= 0xdfff)
				escape_mark(js, js->js_off + i - 1);
			else if (js->js_u >= 0xd800 && js->js_u <= 0xdbff) {
				js->js_high = 1;
				js->js_esc = ESC_LOW;
			}
			break;
		case ESC_LOW:
			if (p[i] == '\\') {
				js->js_esc = ESC_BACKSLASH;
				i++;
			} else {
				escape_mark(js, js->js_off + i);
				js->js_esc = ESC_TEXT;
			}
			break;
		}
	}
}

/* Does the string (or key) that just ended hold a mistake escape_scan saw? */
static int
escape_bad(struct jstream *js)
{
	return js->js_bad != (size_t)-1 &&
	    js->js_bad < js->js_off + yajl_get_bytes_consumed(js->js_h);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jstream	*js = ctx;
	struct jnode	*n = value_begin(js);
	struct jval	 v = { .jv_type = JV_STRING };

	if (memchr(s, '\0', len) != NULL)
		return fail(js, "\\u0000 is not allowed in a string");
	if (escape_bad(js))
		return fail(js, "a \\u escape of half a surrogate pair");
	if (n != NULL)
		capture(js, n, &v, (const char *)s, len);
	return scalar_end(js);
}

static int
container_begin(struct jstream *js, int array)
{
	struct jnode	*n = value_begin(js);
	struct jval	 v = { .jv_type = array ? JV_ARRAY : JV_OBJECT };
	struct jframe	*f;

	if (js->js_depth >= JSTREAM_DEPTH)
		return fail(js, "nested more than 2048 deep");
	if (n != NULL)
		capture(js, n, &v, NULL, 0);
	if (js->js_depth == js->js_capstack) {
		js->js_capstack = js->js_capstack == 0 ? 16 :
		    js->js_capstack * 2;
		js->js_stack = xreallocarray(js->js_stack, js->js_capstack,
		    sizeof(*js->js_stack));
	}
	f = &js->js_stack[js->js_depth++];
	memset(f, 0, sizeof(*f));
	f->f_node = n != NULL && n->n_nkids > 0 ? n : NULL;
	f->f_array = array;
	f->f_rows = n != NULL && n == js->js_rows && js->js_members == !array;
	f->f_firstkey = js->js_nkeys;
	f->f_keytext = js->js_keytext.b_len;
	return 1;
}

static int
container_end(struct jstream *js)
{
	struct jframe	*f = &js->js_stack[--js->js_depth];

	js->js_nkeys = f->f_firstkey;
	js->js_keytext.b_len = f->f_keytext;
	free(f->f_kindex);
	f->f_kindex = NULL;
	if (js->js_inrow && js->js_depth == js->js_rowdepth)
		return row_end(js);
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return container_begin(ctx, 0);
}

static int
cb_start_array(void *ctx)
{
	return container_begin(ctx, 1);
}

static int
cb_end(void *ctx)
{
	return container_end(ctx);
}

/* Put key k (an index in js_keys) in f's hash index. */
static void
kindex_put(struct jstream *js, struct jframe *f, size_t k)
{
	size_t	i;

	for (i = js->js_keys[k].k_hash & f->f_kmask; f->f_kindex[i] != 0;
	    i = (i + 1) & f->f_kmask)
		;
	f->f_kindex[i] = (uint32_t)(k - f->f_firstkey + 1);
}

/*
 * Has the object of frame f had this key before?  Else it is noted.  The
 * keys of open objects only are kept (a closed one's are dropped), so
 * memory follows the nesting, not the document.
 */
static int
key_seen(struct jstream *js, struct jframe *f, const char *s, size_t len)
{
	struct jkey	*k;
	uint32_t	 h = 0;
	size_t		 n = js->js_nkeys - f->f_firstkey, i;

	if (n >= KEYS_LINEAR && (f->f_kindex == NULL ||
	    2 * (n + 1) > f->f_kmask + 1)) {
		free(f->f_kindex);
		for (f->f_kmask = 2 * KEYS_LINEAR - 1; 2 * (n + 1) >
		    f->f_kmask + 1; f->f_kmask = 2 * f->f_kmask + 1)
			;
		f->f_kindex = xcalloc(f->f_kmask + 1, sizeof(*f->f_kindex));
		for (i = f->f_firstkey; i < js->js_nkeys; i++) {
			k = &js->js_keys[i];
			k->k_hash = fnv1a32(js->js_keytext.b_data + k->k_off,
			    k->k_len);
			kindex_put(js, f, i);
		}
	}
	if (f->f_kindex == NULL) {
		/* A few keys: compared, not hashed. */
		for (i = f->f_firstkey; i < js->js_nkeys; i++) {
			k = &js->js_keys[i];
			if (k->k_len == len && memcmp(js->js_keytext.b_data +
			    k->k_off, s, len) == 0)
				return 1;
		}
	} else {
		h = fnv1a32(s, len);
		for (i = h & f->f_kmask; f->f_kindex[i] != 0;
		    i = (i + 1) & f->f_kmask) {
			k = &js->js_keys[f->f_firstkey + f->f_kindex[i] - 1];
			if (k->k_hash == h && k->k_len == len && memcmp(
			    js->js_keytext.b_data + k->k_off, s, len) == 0)
				return 1;
		}
	}
	if (js->js_nkeys == js->js_capkeys) {
		js->js_capkeys = js->js_capkeys == 0 ? 64 : js->js_capkeys * 2;
		js->js_keys = xreallocarray(js->js_keys, js->js_capkeys,
		    sizeof(*js->js_keys));
	}
	k = &js->js_keys[js->js_nkeys++];
	k->k_hash = h;
	k->k_len = (uint32_t)len;
	k->k_off = js->js_keytext.b_len;
	buf_add(&js->js_keytext, s, len);
	if (f->f_kindex != NULL)
		kindex_put(js, f, js->js_nkeys - 1);
	return 0;
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct jstream	*js = ctx;
	struct jframe	*f = &js->js_stack[js->js_depth - 1];
	struct jnode	*n;
	const char	*s = (const char *)key;
	char		 why[256], q[200];
	size_t		 k;

	if (memchr(s, '\0', len) != NULL)
		return fail(js, "\\u0000 is not allowed in a key");
	if (escape_bad(js))
		return fail(js, "a \\u escape of half a surrogate pair");
	if (len > UINT32_MAX)
		return fail(js, "key longer than 4 GiB");
	if (key_seen(js, f, s, len)) {
		snprintf(why, sizeof(why), "duplicate object key %s",
		    str_quote(s, len, q, sizeof(q)));
		return fail(js, why);
	}
	f->f_next = NULL;
	if (f->f_rows) {
		row_begin(js);
		js->js_name_off = js->js_text.b_len;
		js->js_name_len = len;
		buf_add(&js->js_text, s, len);
		buf_putc(&js->js_text, '\0');
		f->f_next = js->js_each;
	} else if ((n = f->f_node) != NULL)
		for (k = 0; k < n->n_nkids; k++)
			if (n->n_kids[k]->n_toklen == len &&
			    memcmp(n->n_kids[k]->n_tok, s, len) == 0) {
				f->f_next = n->n_kids[k];
				break;
			}
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end
};

/* Line and column (from 1, in bytes) of offset off of the piece. */
static void
where(const struct jstream *js, size_t off, int *line, int *col)
{
	const char	*body = js->js_piece, *nl;
	size_t		 start = 0, n = js->js_line, ls = js->js_linestart;

	if (off > js->js_piecelen)
		off = js->js_piecelen;
	while ((nl = memchr(body + start, '\n', off - start)) != NULL) {
		n++;
		start = nl - body + 1;
		ls = js->js_off + start;
	}
	*line = (int)n;
	*col = (int)(js->js_off + off - ls) + 1;
}

/*
 * yajl's own message, without its "lexical error: " and final period;
 * whether it is a lexical one (about the byte before where it stopped).
 */
static int
yajl_reason(yajl_handle h, char *out, size_t outlen)
{
	unsigned char	*msg = yajl_get_error(h, 0, NULL, 0);
	char		*m = (char *)msg, *c;
	size_t		 n;
	int		 lexical = strncmp(m, "lexical", 7) == 0;

	if ((c = strstr(m, "error: ")) != NULL)
		m = c + strlen("error: ");
	n = strlen(m);
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == '.' ||
	    m[n - 1] == ' '))
		n--;
	snprintf(out, outlen, "%.*s", (int)n, m);
	yajl_free_error(h, msg);
	return lexical;
}

/*
 * The parse stopped in the piece being read (done: at the end of the
 * answer): why, and where.
 */
static void
stopped(struct jstream *js, yajl_status st, int done)
{
	const char	*body = js->js_piece;
	size_t		 len = js->js_piecelen, off, i, o;
	char		 why[512], near[64];
	int		 line, col, lexical = 0;

	js->js_failed = 1;
	if (st == yajl_status_client_canceled)
		snprintf(why, sizeof(why), "%s", js->js_err);
	else
		lexical = yajl_reason(js->js_h, why, sizeof(why));
	off = done ? len : yajl_get_bytes_consumed(js->js_h);
	/*
	 * Where it stopped: just after the token refused (its last byte is
	 * shown), or for a lexical error, after the byte that is not JSON,
	 * which is shown with what follows (in this piece).
	 */
	if (lexical && off > 0 && off <= len) {
		off--;
		for (i = off, o = 0; i < len && i < off + 20 &&
		    o + 5 < sizeof(near); i++)
			if (body[i] >= 0x20 && body[i] < 0x7f && body[i] != '\'')
				near[o++] = body[i];
			else if (i == off)
				o += snprintf(near + o, sizeof(near) - o,
				    "\\x%02x", (unsigned char)body[i]);
			else
				break;
		near[o] = '\0';
		where(js, off, &line, &col);
		snprintf(js->js_msg, sizeof(js->js_msg), "%s near '%s' at line "
		    "%d column %d", why, near, line, col);
	} else if (done) {
		where(js, len, &line, &col);
		snprintf(js->js_msg, sizeof(js->js_msg), "%s at the end (line "
		    "%d column %d)", why, line, col);
	} else {
		where(js, off > 0 ? off - 1 : 0, &line, &col);
		snprintf(js->js_msg, sizeof(js->js_msg), "%s at line %d column "
		    "%d", why, line, col);
	}
}

void
jstream_begin(struct jstream *js, jstream_row_cb row, void *arg)
{
	js->js_cb = row;
	js->js_arg = arg;
	js->js_err[0] = '\0';
	js->js_topv = xcalloc(js->js_ntop + 1, sizeof(*js->js_topv));
	js->js_cur = xcalloc(js->js_nfield + 1, sizeof(*js->js_cur));
	js->js_h = yajl_alloc(&callbacks, NULL, js);
	js->js_line = 1;
	js->js_bad = (size_t)-1;
}

int
jstream_feed(struct jstream *js, const char *p, size_t len)
{
	yajl_status	 st;
	const char	*nl;
	size_t		 start = 0;

	if (js->js_failed || js->js_h == NULL)
		return -1;
	if (len == 0)
		return 0;
	escape_scan(js, p, len);
	js->js_piece = p;
	js->js_piecelen = len;
	if ((st = yajl_parse(js->js_h, (const unsigned char *)p, len)) !=
	    yajl_status_ok) {
		stopped(js, st, 0);
		return -1;
	}
	while ((nl = memchr(p + start, '\n', len - start)) != NULL) {
		js->js_line++;
		start = nl - p + 1;
		js->js_linestart = js->js_off + start;
	}
	js->js_off += len;
	js->js_piece = NULL;
	js->js_piecelen = 0;
	return 0;
}

/* The open containers' key indexes, and the parser. */
static void
parse_release(struct jstream *js)
{
	while (js->js_depth > 0) {
		free(js->js_stack[--js->js_depth].f_kindex);
		js->js_stack[js->js_depth].f_kindex = NULL;
	}
	if (js->js_h != NULL)
		yajl_free(js->js_h);
	js->js_h = NULL;
}

int
jstream_end(struct jstream *js, char *err, size_t errlen)
{
	yajl_status	 st;

	if (!js->js_failed && js->js_h != NULL) {
		js->js_piece = "";
		js->js_piecelen = 0;
		if ((st = yajl_complete_parse(js->js_h)) != yajl_status_ok)
			stopped(js, st, 1);
	}
	parse_release(js);
	if (!js->js_failed)
		return 0;
	snprintf(err, errlen, "%s", js->js_msg);
	return -1;
}

/* v with its text in place (it moves while the parse goes on). */
static const struct jval *
resolved(struct jstream *js, struct jval *v)
{
	if (v->jv_type == JV_STRING)
		v->jv_str = js->js_text.b_data + v->jv_off;
	return v;
}

static const struct jval none = { .jv_type = JV_NONE };

const struct jval *
jstream_value(struct jstream *js, int slot)
{
	if (slot < 0 || js->js_topv == NULL)
		return &none;
	return resolved(js, &js->js_topv[slot]);
}

size_t
jstream_nrows(struct jstream *js)
{
	return js->js_nkept;
}

const struct jval *
jstream_row(struct jstream *js, size_t row, int slot)
{
	if (slot < 0 || row >= js->js_nkept)
		return &none;
	return resolved(js, &js->js_kept[row * js->js_nfield + slot]);
}

const char *
jstream_row_name(struct jstream *js, size_t row, size_t *lenp)
{
	if (row >= js->js_nkept || js->js_names[2 * row] == (size_t)-1)
		return NULL;
	*lenp = js->js_names[2 * row + 1];
	return js->js_text.b_data + js->js_names[2 * row];
}

const struct jval *
jstream_field_value(struct jstream *js, int slot)
{
	if (slot < 0)
		return &none;
	return resolved(js, &js->js_cur[slot]);
}

const char *
jstream_name(struct jstream *js, size_t *lenp)
{
	if (js->js_name_off == (size_t)-1)
		return NULL;
	*lenp = js->js_name_len;
	return js->js_text.b_data + js->js_name_off;
}
